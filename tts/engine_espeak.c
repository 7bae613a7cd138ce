/*
 * The espeak engine: libespeak-ng in process, in synchronous mode, its
 * 16-bit samples collected through the synth callback.  Voices: vi
 * (northern), vi-vn-x-central, vi-vn-x-south.  Only ever called with the
 * engine lock held (engine.c), so espeak-ng's global state is safe.
 */
#include <ctype.h>
#include <espeak-ng/speak_lib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "tts/engine.h"
#include "tts/tts.h"

/*
 * espeak-ng's time grows badly with the length of one call's text (and it
 * stalls on long digit runs), so it gets at most this many bytes at once,
 * cut at a paragraph, a line, a sentence or a word.
 */
#define CHUNK_MAX 1500
/* Digits in a row beyond this are split into threes (the normalizer should have read them). */
#define DIGITS_MAX 9
/* espeak-ng's internal buffer, in ms: the size of the pieces the callback gets. */
#define BUFFER_MS 300

static int rate_hz;       /* 0 until espeak_Initialize() worked */
static char *voice_set;   /* the voice espeak-ng has loaded */

struct ctx {
	tts_pcm_fn fn;
	void *arg;
	int stopped;
	float buf[4096];
};

static int
callback(short *wav, int n, espeak_EVENT *ev)
{
	struct ctx *x = ev ? ev->user_data : NULL;
	if (!x)
		return 0;
	if (x->stopped)
		return 1;
	while (wav && n > 0) {
		int k = n < (int)ARRAY_LEN(x->buf) ? n : (int)ARRAY_LEN(x->buf);
		for (int i = 0; i < k; i++)
			x->buf[i] = wav[i] * (1.0f / 32768.0f);
		if (x->fn(x->arg, x->buf, k, rate_hz) < 0) {
			x->stopped = 1;
			return 1;
		}
		wav += k;
		n -= k;
	}
	return 0;
}

static int
start(char *err)
{
	if (rate_hz)
		return 0;
	int r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS, NULL,
				  espeakINITIALIZE_DONT_EXIT);
	if (r <= 0) {
		err_set(err, _("Cannot start espeak-ng: its data is missing; install the espeak-ng-data package."));
		return -1;
	}
	rate_hz = r;
	espeak_SetSynthCallback(callback);
	return 0;
}

/* The Vietnamese voice named `want` (its language name, e.g. vi-vn-x-south), or NULL. */
static const espeak_VOICE *
find_voice(const char *want, struct sbuf *names)
{
	espeak_VOICE spec = { .languages = "vi" };
	const espeak_VOICE **v = espeak_ListVoices(&spec);
	const espeak_VOICE *found = NULL;
	for (; v && *v; v++) {
		/* languages: a priority byte, then a NUL-terminated name */
		const char *lang = (*v)->languages ? (*v)->languages + 1 : "";
		if (strncasecmp(lang, "vi", 2) != 0)
			continue;
		if (names)
			sbuf_addf(names, "%s%s", names->len ? ", " : "", lang);
		if (!found && strcasecmp(lang, want) == 0)
			found = *v;
	}
	return found;
}

static int
set_voice(const struct tts_opts *o, char *err)
{
	const char *want = tts_voice(o);
	if (!want) {
		err_set(err, _("There is no region \"%s\"; the regions are north, central and south."),
			o->region);
		return -1;
	}
	if (voice_set && strcmp(voice_set, want) == 0)
		return 0;
	struct sbuf names = { 0 };
	const espeak_VOICE *v = find_voice(want, &names);
	if (!v || espeak_SetVoiceByName((v->languages + 1)) != EE_OK) {
		err_set(err, _("The voice \"%s\" is not installed; the Vietnamese voices of espeak-ng here are: %s. Set tts.voice to one of them."),
			want, names.len ? names.s : _("none (install espeak-ng-data)"));
		sbuf_free(&names);
		return -1;
	}
	sbuf_free(&names);
	free(voice_set);
	voice_set = xstrdup(want);
	return 0;
}

static int
check(const struct tts_opts *o, char *err)
{
	if (start(err) < 0)
		return -1;
	return set_voice(o, err);
}

/* Where to end a chunk starting at p: at most CHUNK_MAX bytes, at the best break. */
static size_t
chunk_len(const char *p)
{
	size_t n = strlen(p);
	if (n <= CHUNK_MAX)
		return n;
	size_t best[4] = { 0, 0, 0, 0 }; /* paragraph, line, sentence, word */
	for (size_t i = CHUNK_MAX / 4; i < CHUNK_MAX; i++) {
		if (p[i] == '\n' && p[i + 1] == '\n')
			best[0] = i + 2;
		else if (p[i] == '\n')
			best[1] = i + 1;
		else if (p[i] == ' ' && strchr(".!?;:,", p[i - 1]))
			best[2] = i + 1;
		else if (p[i] == ' ')
			best[3] = i + 1;
	}
	for (int k = 0; k < 4; k++)
		if (best[k])
			return best[k];
	/* one enormous word: cut between UTF-8 characters */
	size_t i = CHUNK_MAX;
	while (i > 0 && ((unsigned char)p[i] & 0xC0) == 0x80)
		i--;
	return i;
}

/* A copy of n bytes of s with long digit runs split into threes. */
static char *
tame_digits(const char *s, size_t n)
{
	struct sbuf b = { 0 };
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i])) {
			size_t j = i;
			while (j < n && isdigit((unsigned char)s[j]))
				j++;
			run = j - i;
			if (run > DIGITS_MAX) {
				for (size_t k = i; k < j; k++) {
					if (k > i && (k - i) % 3 == 0)
						sbuf_addc(&b, ' ');
					sbuf_addc(&b, s[k]);
				}
				i = j - 1;
				continue;
			}
			sbuf_add(&b, s + i, run);
			i = j - 1;
			continue;
		}
		sbuf_addc(&b, s[i]);
	}
	if (!b.s)
		sbuf_adds(&b, "");
	return sbuf_steal(&b);
}

static int
synth(const struct tts_opts *o, const char *spoken, tts_pcm_fn fn, void *arg, char *err)
{
	if (check(o, err) < 0)
		return -1;
	espeak_SetParameter(espeakRATE, o->rate > 0 ? o->rate : 150, 0);
	espeak_SetParameter(espeakPITCH, o->pitch >= 0 && o->pitch <= 99 ? o->pitch : 50, 0);
	struct ctx *x = xcalloc(1, sizeof *x);
	x->fn = fn;
	x->arg = arg;
	int rc = 0;
	for (const char *p = spoken; *p && !x->stopped;) {
		size_t n = chunk_len(p);
		char *chunk = tame_digits(p, n);
		p += n;
		if (strspn(chunk, " \n") == strlen(chunk)) {
			free(chunk);
			continue;
		}
		espeak_ERROR e = espeak_Synth(chunk, strlen(chunk) + 1, 0, POS_CHARACTER, 0,
					      espeakCHARS_UTF8, NULL, x);
		free(chunk);
		if (e != EE_OK) {
			err_set(err, _("espeak-ng could not speak the text (error %d)."), (int)e);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && x->stopped) {
		/* the receiver knows why, and replaces this */
		err_set(err, _("The speech was stopped."));
		rc = -1;
	}
	free(x);
	return rc;
}

static void
done(void)
{
	if (rate_hz)
		espeak_Terminate();
	rate_hz = 0;
	free(voice_set);
	voice_set = NULL;
}

const struct tts_engine_ops tts_engine_espeak = {
	.name = "espeak",
	.check = check,
	.synth = synth,
	.done = done,
};
