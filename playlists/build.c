/*
 * Building programmes: a template from the configuration, plus the bulletins
 * the scheduler picked for its queue item, resolved against the store into
 * items that carry everything rendering and logging need.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "store/store.h"
#include "tts/tts.h"

_Static_assert(CONFIG_VOICE_MAX < sizeof ((struct pl_item *)0)->voice &&
		       CONFIG_VOICE_MAX <= STORE_VOICE_MAX,
	       "a voice tts.voice may name fits in an item and in the log");

/* A reading pace for estimates: espeak-ng's Vietnamese at 150 wpm is ~3 syllables/s. */
#define SYLLABLES_PER_SECOND 3.0

double
pl_estimate_seconds(const char *text, int64_t audio_clip_id)
{
	if (!text)
		return audio_clip_id ? 60 : 0;
	size_t words = 0;
	int in = 0;
	for (const char *p = text; *p; p++) {
		int sp = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
		if (!sp && !in)
			words++;
		in = !sp;
	}
	return 1.0 + (double)words / SYLLABLES_PER_SECOND;
}

double
pl_template_item_estimate(const struct config_item *it)
{
	switch (it->kind) {
	case CONFIG_ITEM_SILENCE:
		return it->silence + it->gap;
	case CONFIG_ITEM_TTS:
		return pl_estimate_seconds(it->tts, 0) + it->gap;
	case CONFIG_ITEM_CLIP:
		return 10 + it->gap; /* refined at render time */
	case CONFIG_ITEM_STREAM:
		return it->minutes * 60 + it->gap;
	default:
		return it->gap;
	}
}

static struct pl_item *
add_item(struct pl_program *p, enum pl_kind kind, const struct config_item *tpl)
{
	p->items = xrealloc(p->items, (p->n + 1) * sizeof *p->items);
	struct pl_item *it = &p->items[p->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->bed = -1;
	if (tpl) {
		it->gain_db = tpl->gain_db;
		it->fade_in = tpl->fade_in;
		it->fade_out = tpl->fade_out;
		it->crossfade = tpl->crossfade;
		it->gap = tpl->gap;
	}
	return it;
}

static int
add_clip(struct pl_program *p, struct store *st, const struct config_item *tpl, const char *name,
	 char *err)
{
	struct store_clip c;
	int rc = store_clip_get(st, name, &c, err);
	struct pl_item *it = add_item(p, PL_CLIP, tpl);
	it->label = xstrdup(name);
	if (rc == STORE_NOTFOUND) {
		/* the render step decides: skip it or fail, as on_missing says */
		it->skipped = xasprintf(_("the clip \"%s\" has not been imported"), name);
		return 0;
	}
	if (rc < 0)
		return -1;
	it->clip_id = c.id;
	it->path = xstrdup(c.file);
	it->lufs = c.lufs;
	store_clip_clear(&c);
	return 0;
}

/*
 * Speech: the region it is read as (the bulletin's, else the station's)
 * and the voice that reads it, as tts_voice() combines them: tts.voice
 * when set, else the region's.
 */
static void
set_speaker(struct pl_item *it, const struct config *cfg, const char *region)
{
	struct tts_opts o = { .voice = cfg->tts.voice, .region = region ? region : cfg->tts.region };
	const char *voice = tts_voice(&o);
	snprintf(it->region, sizeof it->region, "%s", o.region ? o.region : "north");
	snprintf(it->voice, sizeof it->voice, "%s", voice ? voice : "");
}

static int
add_bulletin(struct pl_program *p, const struct config *cfg, struct store *st,
	     const struct config_item *tpl, int64_t id, char *err)
{
	struct store_bulletin b;
	if (store_bulletin_get(st, id, &b, err) < 0)
		return -1;
	struct pl_item *it = add_item(p, PL_BULLETIN, tpl);
	it->bulletin_id = b.id;
	it->bulletin_version = b.version;
	it->label = xstrdup(b.title);
	it->voice_class = config_voice_class(b.klass);
	if (b.audio_clip_id) {
		/* a bulletin with a recording airs the recording */
		struct store_clip c;
		if (store_clip_get_id(st, b.audio_clip_id, &c, err) < 0) {
			store_bulletin_clear(&b);
			return -1;
		}
		it->clip_id = c.id;
		it->path = xstrdup(c.file);
		it->lufs = c.lufs;
		store_clip_clear(&c);
	} else {
		it->text = b.text;
		b.text = NULL;
		set_speaker(it, cfg, b.region);
	}
	store_bulletin_clear(&b);
	return 0;
}

/*
 * A relay, of a stream or of line-in (audio.input_device): its fallback
 * clip resolved now (one not imported: silence in its place).
 */
static int
add_stream(struct pl_program *p, const struct config *cfg, struct store *st,
	   const struct config_item *t, char *err)
{
	struct pl_item *it = add_item(p, PL_STREAM, t);
	if (t->line_in) {
		const char *dev = cfg->audio.input_device;
		it->line_in = 1;
		it->device = dev ? xstrdup(dev) : NULL;
		it->url = dev ? xasprintf("line-in: %s", dev) : xstrdup("line-in");
	} else {
		it->url = xstrdup(t->stream);
	}
	it->label = xstrdup(it->url);
	it->minutes = t->minutes;
	it->relay_out = xcalloc(1, sizeof *it->relay_out);
	if (!t->fallback)
		return 0;
	struct store_clip c;
	int rc = store_clip_get(st, t->fallback, &c, err);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc < 0)
		return -1;
	it->clip_id = c.id;
	it->fallback_path = xstrdup(c.file);
	it->fallback_lufs = c.lufs;
	store_clip_clear(&c);
	return 0;
}

static int
add_bed(struct pl_program *p, struct store *st, const char *name, double duck_db, char *err)
{
	struct store_clip c;
	int rc = store_clip_get(st, name, &c, err);
	if (rc < 0)
		return rc == STORE_NOTFOUND ? 0 : -1; /* a missing bed: the speech goes on bare */
	p->beds = xrealloc(p->beds, (p->nbeds + 1) * sizeof *p->beds);
	p->beds[p->nbeds++] = (struct pl_bed){ xstrdup(name), xstrdup(c.file), c.lufs, duck_db };
	store_clip_clear(&c);
	return (int)p->nbeds - 1;
}

struct pl_program *
pl_build(const struct config *cfg, const struct config_program *tpl, struct store *st,
	 const int64_t *queue_ids, size_t nq, char *err)
{
	struct pl_program *p = xcalloc(1, sizeof *p);
	p->name = xstrdup(tpl->name);
	p->max_s = tpl->max_minutes * 60;
	for (size_t i = 0; i < tpl->n_items; i++) {
		const struct config_item *t = &tpl->items[i];
		struct pl_item *it;
		switch (t->kind) {
		case CONFIG_ITEM_CLIP:
			if (add_clip(p, st, t, t->clip, err) < 0)
				goto fail;
			break;
		case CONFIG_ITEM_BULLETIN:
			if (add_bulletin(p, cfg, st, t, t->bulletin, err) < 0)
				goto fail;
			break;
		case CONFIG_ITEM_QUEUE: {
			int bed = -1;
			if (t->bed && (bed = add_bed(p, st, t->bed, t->duck_db, err)) < -1)
				goto fail;
			for (size_t k = 0; k < nq; k++) {
				if (add_bulletin(p, cfg, st, t, queue_ids[k], err) < 0)
					goto fail;
				p->items[p->n - 1].bed = bed;
				p->items[p->n - 1].from_queue = 1;
				/* fades of the queue item apply to each bulletin; the gap between them */
			}
			break;
		}
		case CONFIG_ITEM_TTS:
			it = add_item(p, PL_TTS, t);
			it->text = xstrdup(t->tts);
			it->label = xstrdup(t->tts);
			set_speaker(it, cfg, NULL);
			break;
		case CONFIG_ITEM_STREAM:
			if (add_stream(p, cfg, st, t, err) < 0)
				goto fail;
			break;
		case CONFIG_ITEM_SILENCE:
			it = add_item(p, PL_SILENCE, t);
			it->silence_s = t->silence;
			it->label = xstrdup("silence");
			break;
		}
	}
	return p;
fail:
	pl_free(p);
	return NULL;
}

struct pl_program *
pl_build_bulletin(const struct config *cfg, struct store *st, int64_t id, char *err)
{
	struct pl_program *p = xcalloc(1, sizeof *p);
	p->name = xasprintf("bulletin-%lld", (long long)id);
	if (add_bulletin(p, cfg, st, NULL, id, err) < 0) {
		pl_free(p);
		return NULL;
	}
	return p;
}

void
pl_free(struct pl_program *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].label);
		free(p->items[i].text);
		free(p->items[i].path);
		free(p->items[i].skipped);
		free(p->items[i].url);
		free(p->items[i].device);
		free(p->items[i].recording);
		free(p->items[i].fallback_path);
		free(p->items[i].relay_out);
	}
	for (size_t i = 0; i < p->nbeds; i++) {
		free(p->beds[i].clip);
		free(p->beds[i].path);
	}
	free(p->items);
	free(p->beds);
	free(p->name);
	free(p);
}

size_t
pl_count(const struct pl_program *p)
{
	return p ? p->n : 0;
}

double
pl_length(const struct pl_program *p)
{
	return p ? p->length_s : 0;
}

int
pl_aired_item(const struct pl_program *p, size_t i, struct store_aired_item *out)
{
	static const char *const kinds[] = { "clip", "bulletin", "tts", "silence", "stream" };
	const struct pl_item *it = &p->items[i];
	if (it->skipped)
		return -1;
	memset(out, 0, sizeof *out);
	out->seq = (int)i;
	out->kind = (char *)kinds[it->kind];
	out->bulletin_id = it->bulletin_id;
	out->bulletin_version = it->bulletin_version;
	out->clip_id = it->kind == PL_CLIP || it->kind == PL_BULLETIN ? it->clip_id : 0;
	out->offset_s = it->offset_s;
	out->length_s = it->length_s;
	/* a relay ended early: it is shorter, and what follows it came earlier */
	for (size_t k = 0; k <= i; k++) {
		const struct pl_relay_out *ro = p->items[k].relay_out;
		if (!ro || !(ro->shortened_s > 0))
			continue;
		if (k == i)
			out->length_s -= ro->shortened_s;
		else
			out->offset_s -= ro->shortened_s;
	}
	if (out->length_s < 0)
		out->length_s = 0;
	if (out->offset_s < 0)
		out->offset_s = 0;
	snprintf(out->voice, sizeof out->voice, "%s", it->voice);
	snprintf(out->region, sizeof out->region, "%s", it->region);
	if (it->kind == PL_STREAM) {
		/* the fallback clip is named only when it played */
		out->clip_id = it->relay_out && it->relay_out->failed ? it->clip_id : 0;
		snprintf(out->source, sizeof out->source, "%s", it->url);
		if (it->line_in)
			out->kind = (char *)"relay"; /* line-in, as the issue names it */
		if (it->relay_out && it->relay_out->failed)
			snprintf(out->reason, sizeof out->reason, "%s", it->relay_out->reason);
		if (it->recording)
			snprintf(out->recording, sizeof out->recording, "%s", it->recording);
	}
	return 0;
}

void
pl_print_timeline(const struct pl_program *p, FILE *f)
{
	static const char *const kinds[] = { N_("clip"), N_("bulletin"), N_("speech"), N_("silence"),
					     N_("relay") };
	for (size_t i = 0; i < p->n; i++) {
		const struct pl_item *it = &p->items[i];
		if (it->skipped) {
			fprintf(f, _("    --.-  %-8s  %s — left out: %s\n"), _(kinds[it->kind]), it->label,
				it->skipped);
			continue;
		}
		int m = (int)(it->offset_s / 60);
		fprintf(f, "  %3d:%04.1f  %-8s  %6.1f s  ", m, it->offset_s - m * 60, _(kinds[it->kind]),
			it->length_s);
		if (it->kind == PL_BULLETIN)
			fprintf(f, "#%lld v%d  ", (long long)it->bulletin_id, it->bulletin_version);
		if (it->kind == PL_TTS) {
			/* the first words of the text, on one line */
			char buf[64];
			snprintf(buf, sizeof buf, "%s", it->label);
			/* cut at a character boundary, not inside one */
			size_t len = strlen(buf), lead = len;
			while (lead && ((unsigned char)buf[lead - 1] & 0xc0) == 0x80)
				lead--;
			if (lead) {
				unsigned char c = (unsigned char)buf[lead - 1];
				size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
				if (len - (lead - 1) < need)
					buf[lead - 1] = 0;
			}
			for (char *c = buf; *c; c++)
				if (*c == '\n')
					*c = ' ';
			fprintf(f, "\"%s...\"\n", buf);
		} else {
			fprintf(f, "%s\n", it->label);
		}
	}
	if (p->left_out)
		fprintf(f, _("  %zu item(s) did not fit in %g minutes and wait for the next slot.\n"),
			p->left_out, p->max_s / 60);
	fprintf(f, _("  total %.1f s\n"), p->length_s);
}
