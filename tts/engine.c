/*
 * Speech engines behind one ops table: libespeak-ng in process (synchronous
 * mode, samples through the synth callback), an external command (for a
 * commune that plugs in another Vietnamese voice), and a fake for tests.
 * Every engine hands mono float PCM, at its own rate, to a callback.
 */
#include <errno.h>
#include <espeak-ng/speak_lib.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "tts/engine.h"
#include "tts/tts.h"

/* espeak-ng stalls on very long inputs: hand it at most this much at once. */
#define CHUNK_BYTES 2000
#define COMMAND_TIMEOUT_S 300

static pthread_mutex_t synth_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long synth_count;

unsigned long
tts_synth_count(void)
{
	pthread_mutex_lock(&synth_lock);
	unsigned long n = synth_count;
	pthread_mutex_unlock(&synth_lock);
	return n;
}

/* ---- espeak ---- */

static int espeak_rate; /* 0: not initialised */

struct espeak_ctx {
	tts_pcm_fn fn;
	void *arg;
	int failed;
	float buf[4096];
};

static int
espeak_cb(short *wav, int n, espeak_EVENT *ev)
{
	struct espeak_ctx *x = ev ? ev->user_data : NULL;
	if (!x || !wav || n <= 0 || x->failed)
		return x && x->failed;
	while (n > 0) {
		int k = n < (int)ARRAY_LEN(x->buf) ? n : (int)ARRAY_LEN(x->buf);
		for (int i = 0; i < k; i++)
			x->buf[i] = wav[i] / 32768.0f;
		if (x->fn(x->arg, x->buf, k, espeak_rate) < 0) {
			x->failed = 1;
			return 1;
		}
		wav += k;
		n -= k;
	}
	return 0;
}

static void
list_vi_voices(struct sbuf *b)
{
	const espeak_VOICE **v = espeak_ListVoices(NULL);
	int n = 0;
	for (; v && *v; v++) {
		const char *lang = (*v)->languages ? (*v)->languages + 1 : "";
		if (strncmp(lang, "vi", 2) == 0 || strncmp((*v)->name, "vi", 2) == 0 ||
		    strstr((*v)->identifier ? (*v)->identifier : "", "vi"))
			sbuf_addf(b, "%s%s", n++ ? ", " : "", lang);
	}
	if (!n)
		sbuf_adds(b, _("none; install espeak-ng-data"));
}

static int
espeak_setup(const struct tts_opts *o, char *err)
{
	if (!espeak_rate) {
		int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 500, NULL,
					     espeakINITIALIZE_DONT_EXIT);
		if (rate <= 0) {
			err_set(err, _("Cannot start espeak-ng; is espeak-ng-data installed?"));
			return -1;
		}
		espeak_rate = rate;
		espeak_SetSynthCallback(espeak_cb);
	}
	const char *voice = o->voice && *o->voice ? o->voice : "vi";
	if (espeak_SetVoiceByName(voice) != EE_OK) {
		struct sbuf b = { 0 };
		list_vi_voices(&b);
		err_set(err, _("The voice \"%s\" is not installed; the Vietnamese voices are: %s."),
			voice, b.s);
		sbuf_free(&b);
		return -1;
	}
	espeak_SetParameter(espeakRATE, o->rate > 0 ? o->rate : 150, 0);
	espeak_SetParameter(espeakPITCH, o->pitch >= 0 ? o->pitch : 50, 0);
	return 0;
}

static int
espeak_synth(const struct tts_opts *o, const char *text, tts_pcm_fn fn, void *arg, char *err)
{
	if (espeak_setup(o, err) < 0)
		return -1;
	struct espeak_ctx x = { fn, arg, 0 };
	/* one line at a time, long lines cut at a space */
	const char *p = text;
	while (*p && !x.failed) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > CHUNK_BYTES) {
			size_t cut = CHUNK_BYTES;
			while (cut > CHUNK_BYTES / 2 && p[cut] != ' ')
				cut--;
			len = cut;
			nl = NULL;
		}
		if (len) {
			char *chunk = xstrndup(p, len);
			espeak_ERROR e = espeak_Synth(chunk, len + 1, 0, POS_CHARACTER, 0,
						      espeakCHARS_UTF8, NULL, &x);
			free(chunk);
			if (e != EE_OK) {
				err_set(err, _("espeak-ng could not read the text (error %d)."), (int)e);
				return -1;
			}
		}
		p += len;
		if (nl || *p == '\n' || *p == ' ')
			p++;
	}
	if (x.failed) {
		err_set(err, _("Writing the speech failed."));
		return -1;
	}
	return 0;
}

/* ---- command ---- */

static int
command_synth(const struct tts_opts *o, const char *text, tts_pcm_fn fn, void *arg, char *err)
{
	if (!o->command || !*o->command) {
		err_set(err, _("The command engine needs tts.command."));
		return -1;
	}
	char dir[] = "/tmp/loaxa-tts-XXXXXX";
	if (!mkdtemp(dir)) {
		err_set(err, _("Cannot make a temporary directory: %s."), strerror(errno));
		return -1;
	}
	char *wav = xasprintf("%s/out.wav", dir);
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0) {
		err_set(err, "pipe: %s", strerror(errno));
		goto fail;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		int nul = open("/dev/null", O_WRONLY);
		if (nul >= 0)
			dup2(nul, 1);
		char *script = xasprintf("exec %s \"$1\"", o->command);
		execl("/bin/sh", "sh", "-c", script, "sh", wav, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	signal(SIGPIPE, SIG_IGN);
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(in[1], text + off, len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(in[1]);
	int status = 0;
	time_t until = time(NULL) + COMMAND_TIMEOUT_S;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (time(NULL) > until) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			err_set(err, _("The speech command \"%s\" took longer than %d s and was stopped."),
				o->command, COMMAND_TIMEOUT_S);
			goto fail;
		}
		struct timespec ts = { 0, 20000000 };
		nanosleep(&ts, NULL);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		err_set(err, _("The speech command \"%s\" failed (exit status %d)."), o->command,
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		goto fail;
	}
	char e2[ERRLEN];
	struct audio_src *src = audio_src_open(wav, o->sample_rate, e2);
	if (!src) {
		err_set(err, _("The speech command \"%s\" did not write a usable WAV file: %s"),
			o->command, e2);
		goto fail;
	}
	float buf[AUDIO_BLOCK];
	long n;
	int rc = 0;
	while ((n = audio_src_read(src, buf, AUDIO_BLOCK, e2)) > 0)
		if (fn(arg, buf, n, o->sample_rate) < 0) {
			rc = -1;
			err_set(err, _("Writing the speech failed."));
			break;
		}
	if (n < 0) {
		err_set(err, _("The speech command \"%s\" wrote a damaged WAV file: %s"), o->command, e2);
		rc = -1;
	}
	audio_src_close(src);
	unlink(wav);
	rmdir(dir);
	free(wav);
	return rc;
fail:
	unlink(wav);
	rmdir(dir);
	free(wav);
	return -1;
}

/* ---- fake: a tone burst per syllable, deterministic and fast ---- */

static int
fake_synth(const struct tts_opts *o, const char *text, tts_pcm_fn fn, void *arg, char *err)
{
	const int rate = 22050;
	float buf[rate / 4];
	unsigned h = 2166136261u;
	int words = 0;
	for (const char *p = text; *p; p++) {
		int start = (p == text || p[-1] == ' ' || p[-1] == '\n') && *p != ' ' && *p != '\n';
		h = (h ^ (unsigned char)*p) * 16777619u;
		if (!start)
			continue;
		words++;
		double f = 180 + (h % 160);
		for (int i = 0; i < rate / 4; i++) {
			double env = sin(M_PI * i / (rate / 4.0));
			buf[i] = (float)(0.3 * env * sin(2 * M_PI * f * i / rate));
		}
		if (fn(arg, buf, rate / 5, rate) < 0)
			return -1;
		memset(buf, 0, sizeof buf);
		if (fn(arg, buf, rate / 20, rate) < 0)
			return -1;
	}
	return 0;
}

static const struct tts_engine_ops engines[] = {
	{ .name = "espeak", .synth = espeak_synth },
	{ .name = "command", .synth = command_synth },
	{ .name = "fake", .synth = fake_synth },
};

const struct tts_engine_ops *
tts_engine_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(engines); i++)
		if (name && strcmp(engines[i].name, name) == 0)
			return &engines[i];
	return NULL;
}

int
tts_engine_synth(const struct tts_opts *o, const char *spoken, tts_pcm_fn fn, void *arg, char *err)
{
	const struct tts_engine_ops *e = tts_engine_find(o->engine);
	if (!e) {
		err_set(err, _("Unknown speech engine \"%s\"; use espeak or command."),
			o->engine ? o->engine : "");
		return -1;
	}
	pthread_mutex_lock(&synth_lock);
	synth_count++;
	int rc = e->synth(o, spoken, fn, arg, err);
	pthread_mutex_unlock(&synth_lock);
	return rc;
}

int
tts_check(const struct tts_opts *o, char *err)
{
	const struct tts_engine_ops *e = tts_engine_find(o->engine);
	if (!e) {
		err_set(err, _("Unknown speech engine \"%s\"; use espeak or command."),
			o->engine ? o->engine : "");
		return -1;
	}
	if (strcmp(e->name, "espeak") != 0)
		return 0;
	pthread_mutex_lock(&synth_lock);
	int rc = espeak_setup(o, err);
	pthread_mutex_unlock(&synth_lock);
	return rc;
}
