/*
 * Rendering and playing programmes: speech into the render cache, every file
 * checked, the timeline laid out (gaps, crossfades, the max_minutes cap),
 * then the items streamed through the audio mixer into a sink so that the
 * first sample leaves at the instant asked for.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/audio.h"
#include "base/base.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "tts/tts.h"

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void
pl_env_from_config(struct pl_env *e, const struct config *c, const char *state_dir,
		   const struct tts_lexicon *lex)
{
	memset(e, 0, sizeof *e);
	e->cache_dir = xasprintf("%s/cache", state_dir);
	e->sample_rate = c->audio.sample_rate;
	e->loudness_lufs = c->audio.loudness_lufs;
	e->true_peak_dbtp = c->audio.true_peak_dbtp;
	e->highpass_hz = c->audio.highpass_hz;
	e->duck_db = c->audio.duck_db;
	e->duck_attack = c->audio.duck_attack;
	e->duck_release = c->audio.duck_release;
	e->skip_missing = strcmp(c->audio.on_missing, "skip") == 0;
	e->relay_silence_s = c->audio.relay_silence_s;
	e->output = xstrdup(c->audio.output);
	e->device = dup_or_null(c->audio.device);
	e->wav_path = c->audio.wav_path ? xstrdup(c->audio.wav_path)
					: xasprintf("%s/output.wav", state_dir);
	e->pace = c->audio.pace;
	e->channels = config_channels(c);
	e->engine = xstrdup(c->tts.engine);
	e->voice = dup_or_null(c->tts.voice);
	e->region = xstrdup(c->tts.region);
	e->command = dup_or_null(c->tts.command);
	e->rate = c->tts.rate;
	e->pitch = c->tts.pitch;
	for (int k = 0; k < CONFIG_VOICE_CLASSES && k < 3; k++)
		config_tts_voice(c, (enum config_voice_class)k, &e->class_rate[k], &e->class_pitch[k]);
	e->cache_mb = c->tts.cache_mb;
	e->lex = lex;
}

void
pl_env_copy(struct pl_env *d, const struct pl_env *s)
{
	*d = *s;
	d->cache_dir = dup_or_null(s->cache_dir);
	d->output = dup_or_null(s->output);
	d->device = dup_or_null(s->device);
	d->wav_path = dup_or_null(s->wav_path);
	d->engine = dup_or_null(s->engine);
	d->voice = dup_or_null(s->voice);
	d->region = dup_or_null(s->region);
	d->command = dup_or_null(s->command);
}

void
pl_env_clear(struct pl_env *e)
{
	free(e->cache_dir);
	free(e->output);
	free(e->device);
	free(e->wav_path);
	free(e->engine);
	free(e->voice);
	free(e->region);
	free(e->command);
	memset(e, 0, sizeof *e);
}

static void
tts_opts_from(struct tts_opts *o, const struct pl_env *e)
{
	*o = (struct tts_opts){
		.engine = e->engine, .voice = e->voice, .region = e->region, .command = e->command,
		.rate = e->rate,
		.pitch = e->pitch, .sample_rate = e->sample_rate, .loudness_lufs = e->loudness_lufs,
		.true_peak_dbtp = e->true_peak_dbtp, .cache_dir = e->cache_dir, .cache_mb = e->cache_mb,
	};
}

/*
 * The limiter-aware loudness of a clip, kept beside the render cache under
 * the clip file's name (which holds its SHA-256) and the target: computed
 * once per clip, not once per airing.
 */
static double
clip_effective_lufs(const struct pl_item *it, const struct pl_env *e)
{
	const char *base = strrchr(it->path, '/');
	base = base ? base + 1 : it->path;
	char *memo = xasprintf("%s/clip-%s-%.1f-%.1f.lufs", e->cache_dir, base, e->loudness_lufs,
			       e->true_peak_dbtp);
	double v;
	FILE *f = fopen(memo, "r");
	int ok = f && fscanf(f, "%lf", &v) == 1;
	if (f)
		fclose(f);
	if (!ok) {
		v = audio_effective_lufs(it->path, it->lufs, it->length_s, e->sample_rate,
					 e->loudness_lufs, e->true_peak_dbtp);
		char err[ERRLEN];
		if (mkdir_p(e->cache_dir, 0750, err) == 0) {
			char *tmp = xasprintf("%s.tmp", memo);
			f = fopen(tmp, "w");
			if (f && fprintf(f, "%.3f\n", v) > 0 && fclose(f) == 0)
				rename(tmp, memo);
			else if (f)
				fclose(f);
			unlink(tmp);
			free(tmp);
		}
	}
	free(memo);
	return v;
}

/* Opens a file to learn its length at the output rate; err names the clip. */
static int
file_length(struct pl_item *it, const struct pl_env *e, char *err)
{
	char e2[ERRLEN];
	struct audio_src *s = audio_src_open(it->path, e->sample_rate, e2);
	if (!s) {
		err_set(err, _("the clip \"%s\" cannot be played: %s"), it->label, e2);
		return -1;
	}
	it->length_s = (double)audio_src_frames(s) / e->sample_rate;
	audio_src_close(s);
	return 0;
}

static void
leave_out(struct pl_item *it, char *why)
{
	free(it->skipped);
	it->skipped = why;
}

/*
 * The speech options of one item: a bulletin is read at its class's rate
 * and pitch, and as its region reads (pl_build() chose it).
 */
static void
item_opts(struct tts_opts *io, const struct tts_opts *o, const struct pl_env *e,
	  const struct pl_item *it)
{
	*io = *o;
	if (it->region[0])
		io->region = it->region;
	if (it->kind == PL_BULLETIN && it->voice_class >= 0 && it->voice_class < 3) {
		io->rate = e->class_rate[it->voice_class];
		io->pitch = e->class_pitch[it->voice_class];
	}
}

static int
render_items(struct pl_program *p, const struct pl_env *e, const struct tts_opts *o, char *err)
{
	for (size_t i = 0; i < p->n; i++) {
		struct pl_item *it = &p->items[i];
		char e2[ERRLEN];
		if (it->skipped && !it->path && it->kind == PL_CLIP) {
			if (!e->skip_missing) {
				err_set(err, "%s", it->skipped);
				return -1;
			}
			continue;
		}
		switch (it->kind) {
		case PL_SILENCE:
			it->length_s = it->silence_s;
			break;
		case PL_STREAM:
			/* a live source: as long as asked (lay_out() caps it); nothing to render */
			it->length_s = it->minutes * 60;
			if (it->fallback_path) {
				double seconds = 0;
				struct audio_src *fs = audio_src_open(it->fallback_path, e->sample_rate, e2);
				if (fs)
					seconds = (double)audio_src_frames(fs) / e->sample_rate;
				audio_src_close(fs);
				struct pl_item f = { .path = it->fallback_path, .lufs = it->fallback_lufs,
						     .length_s = seconds };
				if (fs)
					it->fallback_lufs = clip_effective_lufs(&f, e);
			}
			break;
		case PL_CLIP:
		case PL_BULLETIN:
		case PL_TTS:
			if (it->path) {
				if (file_length(it, e, e2) < 0) {
					if (!e->skip_missing) {
						err_set(err, "%s", e2);
						return -1;
					}
					leave_out(it, xstrdup(e2));
				} else {
					it->lufs = clip_effective_lufs(it, e);
				}
				break;
			}
			struct tts_entry te;
			struct tts_opts io;
			item_opts(&io, o, e, it);
			if (tts_cache_render(&io, e->lex, it->text, &te, e2) < 0) {
				if (it->kind == PL_BULLETIN)
					err_set(err, _("bulletin %lld cannot be read aloud: %s"),
						(long long)it->bulletin_id, e2);
				else
					err_set(err, _("the speech \"%.40s\" cannot be read aloud: %s"),
						it->text, e2);
				return -1;
			}
			it->path = te.path;
			it->lufs = te.lufs;
			it->length_s = te.seconds;
			break;
		}
	}
	return 0;
}

/* The cap (fixed items stay; queue bulletins go in while they fit), then the timeline. */
static int
lay_out(struct pl_program *p, char *err)
{
	if (p->max_s > 0) {
		/*
		 * A relay gets what the other fixed items leave of the cap, at
		 * most its minutes: it ends on time, the rest of the programme airs.
		 */
		double others = 0;
		for (size_t i = 0; i < p->n; i++)
			if (!p->items[i].skipped && !p->items[i].from_queue &&
			    p->items[i].kind != PL_STREAM)
				others += p->items[i].length_s + p->items[i].gap - p->items[i].crossfade;
		for (size_t i = 0; i < p->n; i++) {
			struct pl_item *it = &p->items[i];
			if (it->skipped || it->kind != PL_STREAM)
				continue;
			double room = p->max_s - others - it->gap + it->crossfade;
			if (it->length_s > room)
				it->length_s = room > 0 ? room : 0;
			others += it->length_s + it->gap - it->crossfade;
		}
		double fixed = 0;
		for (size_t i = 0; i < p->n; i++)
			if (!p->items[i].skipped && !p->items[i].from_queue)
				fixed += p->items[i].length_s + p->items[i].gap - p->items[i].crossfade;
		double used = fixed;
		for (size_t i = 0; i < p->n; i++) {
			struct pl_item *it = &p->items[i];
			if (it->skipped || !it->from_queue)
				continue;
			double need = it->length_s + it->gap - it->crossfade;
			if (used + need > p->max_s) {
				leave_out(it, xasprintf(_("did not fit in %g minutes; waits for the next slot"),
							p->max_s / 60));
				p->left_out++;
			} else {
				used += need;
			}
		}
	}
	/* the timeline */
	double cursor = 0, end = 0;
	for (size_t i = 0; i < p->n; i++) {
		struct pl_item *it = &p->items[i];
		if (it->skipped)
			continue;
		double start = cursor - it->crossfade;
		it->offset_s = start > 0 ? start : 0;
		double e_ = it->offset_s + it->length_s;
		if (e_ > end)
			end = e_;
		cursor = e_ + it->gap;
	}
	p->length_s = end;
	return 0;
}

int
pl_render(struct pl_program *p, const struct pl_env *e, char *err)
{
	struct tts_opts to;
	tts_opts_from(&to, e);
	/*
	 * The programme's own speech is pinned in the render cache while it is
	 * rendered: a small cache_mb must not evict the first bulletin to make
	 * room for the second.
	 */
	char (*keys)[65] = xcalloc(p->n ? p->n : 1, sizeof *keys);
	const char **pins = xcalloc(p->n ? p->n : 1, sizeof *pins);
	for (size_t i = 0; i < p->n; i++) {
		const struct pl_item *it = &p->items[i];
		char e2[ERRLEN];
		struct tts_opts io;
		item_opts(&io, &to, e, it);
		if (it->kind != PL_SILENCE && !it->path && it->text &&
		    tts_cache_key(&io, e->lex, it->text, keys[to.n_pinned], e2) == 0)
			pins[to.n_pinned] = keys[to.n_pinned], to.n_pinned++;
	}
	to.pinned = pins;
	int rc = render_items(p, e, &to, err);
	free(pins);
	free(keys);
	if (rc < 0)
		return -1;
	return lay_out(p, err);
}

/* The segments and beds the mixer plays. */
static size_t
build_segs(const struct pl_program *p, const struct pl_env *e, struct audio_seg *segs,
	   struct audio_bed *beds, size_t *nbeds, size_t *seg_item)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nbeds; i++) {
		beds[i] = (struct audio_bed){ .path = p->beds[i].path,
					      .gain_db = e->loudness_lufs - p->beds[i].lufs,
					      .duck_db = p->beds[i].duck_db, .from_s = -1 };
	}
	*nbeds = p->nbeds;
	for (size_t i = 0; i < p->n; i++) {
		const struct pl_item *it = &p->items[i];
		if (it->skipped)
			continue;
		struct audio_seg *s = &segs[n];
		*s = (struct audio_seg){
			.path = it->kind == PL_SILENCE ? NULL : it->path,
			.silence_s = it->silence_s,
			.gain_db = it->kind == PL_SILENCE ? 0 : e->loudness_lufs - it->lufs + it->gain_db,
			.fade_in = it->fade_in > it->crossfade ? it->fade_in : it->crossfade,
			.fade_out = it->fade_out,
			.offset_s = it->offset_s,
			.length_s = it->length_s,
			.bed = it->bed,
			.speech = it->kind == PL_BULLETIN || it->kind == PL_TTS,
		};
		if (it->kind == PL_STREAM) {
			/* levelled by the relay itself: only the item's own gain here */
			s->path = NULL;
			s->gain_db = it->gain_db;
		}
		/* a crossfade fades the previous item out over the same time */
		if (n && it->crossfade > segs[n - 1].fade_out)
			segs[n - 1].fade_out = it->crossfade;
		if (it->bed >= 0 && (size_t)it->bed < p->nbeds) {
			struct audio_bed *b = &beds[it->bed];
			if (b->from_s < 0)
				b->from_s = it->offset_s;
			b->until_s = it->offset_s + it->length_s;
		}
		seg_item[n] = i;
		n++;
	}
	for (size_t i = 0; i < *nbeds; i++)
		if (beds[i].from_s < 0)
			beds[i].from_s = beds[i].until_s = 0;
	return n;
}

static int64_t
realtime_ms(void)
{
	return time_now_ms();
}

/* Sleeps until the wall clock reads at_ms, or a stop. */
static void
wait_until(int64_t at_ms, const struct pl_stop *stop)
{
	while (!atomic_load(&stop->stop)) {
		int64_t now = realtime_ms();
		if (now >= at_ms)
			return;
		int64_t step = at_ms - now > 200 ? 200 : at_ms - now;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int64_t ns = ts.tv_nsec + step * 1000000;
		ts.tv_sec += (time_t)(ns / 1000000000);
		ts.tv_nsec = (long)(ns % 1000000000);
		clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL);
	}
}

/*
 * Waits for the instant at_ms by feeding a real-time sink silence, so that
 * it keeps running; the last piece is cut to length so that the next
 * sample written leaves at at_ms.
 */
static int
wait_with_silence(struct audio_sink *sink, int rate, int64_t at_ms, const struct pl_stop *stop,
		  char *err)
{
	static const float zero[AUDIO_BLOCK];
	double latency = audio_sink_latency(sink);
	while (!atomic_load(&stop->stop)) {
		double left = (double)(at_ms - realtime_ms()) / 1000 - latency;
		if (left <= 0)
			return 0;
		long n = (long)(left * rate);
		if (n > AUDIO_BLOCK)
			n = AUDIO_BLOCK;
		if (n < 1)
			return 0;
		/* never block here: a blocked write would overshoot the instant */
		long room = audio_sink_room(sink);
		if (room <= 0) {
			struct timespec ts = { 0, 500000 };
			nanosleep(&ts, NULL);
			continue;
		}
		if (n > room)
			n = room;
		if (audio_sink_write(sink, zero, n, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * The relays that have ended by pos_s (all of them: pos_s < 0): what
 * happened goes to their items (the log reads it) and they close.
 */
static void
relays_end(const struct pl_program *p, struct audio_seg *segs, const size_t *seg_item, size_t n,
	   double pos_s)
{
	for (size_t k = 0; k < n; k++) {
		if (!segs[k].relay || (pos_s >= 0 && segs[k].offset_s + segs[k].length_s > pos_s))
			continue;
		struct pl_item *it = &p->items[seg_item[k]];
		struct audio_relay_report rep;
		audio_relay_report(segs[k].relay, &rep);
		if (it->relay_out && rep.dead) {
			it->relay_out->failed = 1;
			snprintf(it->relay_out->reason, sizeof it->relay_out->reason, "%s", rep.reason);
		}
		audio_relay_close(segs[k].relay);
		segs[k].relay = NULL;
	}
}

enum pl_play_status
pl_play(const struct pl_program *p, const struct pl_env *e, int64_t at_ms, struct pl_stop *stop,
	const struct pl_play_cb *cb, struct audio_sink **sinkp, struct pl_play_result *res,
	char *err)
{
	memset(res, 0, sizeof *res);
	struct pl_stop never = { 0 };
	if (!stop)
		stop = &never;
	struct audio_seg *segs = xcalloc(p->n + 1, sizeof *segs);
	struct audio_bed *beds = xcalloc(p->nbeds + 1, sizeof *beds);
	size_t *seg_item = xcalloc(p->n + 1, sizeof *seg_item);
	size_t nbeds;
	size_t nsegs = build_segs(p, e, segs, beds, &nbeds, seg_item);
	struct audio_mix_opts mo = { .rate = e->sample_rate, .highpass_hz = e->highpass_hz,
				     .ceiling_dbtp = e->true_peak_dbtp,
				     .duck_attack = e->duck_attack, .duck_release = e->duck_release };
	struct audio_sink_opts so = { .output = e->output, .device = e->device,
				      .wav_path = e->wav_path, .pace = e->pace,
				      .rate = e->sample_rate, .channels = e->channels };
	enum pl_play_status status = PL_FAILED;
	struct sha256 *h = sha256_new();
	struct audio_sink *own = NULL;
	if (!sinkp)
		sinkp = &own;
	/*
	 * Relays connect now, to be filled before the instant; only into a
	 * sink that takes real time (a render to a file is a preview: the
	 * relay is silence there).
	 */
	int live = *sinkp ? audio_sink_realtime(*sinkp)
			  : strcmp(e->output, "portaudio") == 0 || (strcmp(e->output, "wav") == 0 && e->pace);
	for (size_t k = 0; live && k < nsegs; k++) {
		const struct pl_item *it = &p->items[seg_item[k]];
		if (it->kind != PL_STREAM || segs[k].length_s <= 0)
			continue;
		struct audio_relay_opts ro = {
			.url = it->line_in ? NULL : it->url, .device = it->device,
			.rate = e->sample_rate, .target_lufs = e->loudness_lufs,
			.silence_s = e->relay_silence_s, .fallback = it->fallback_path,
			.fallback_gain_db = e->loudness_lufs - it->fallback_lufs + it->gain_db,
			.highpass_hz = it->highpass_hz,
		};
		segs[k].relay = audio_relay_open(&ro);
	}
	struct audio_mix *m = audio_mix_new(segs, nsegs, beds, nbeds, &mo, err);
	struct audio_sink *sink = !m ? NULL : *sinkp ? *sinkp : audio_sink_open(&so, err);
	*sinkp = sink;
	if (!sink)
		goto out;
	audio_sink_route(sink, e->route);
	audio_sink_tee(sink, e->tee, e->tee_arg);
	double latency = audio_sink_latency(sink);
	if (at_ms && audio_sink_realtime(sink)) {
		if (wait_with_silence(sink, e->sample_rate, at_ms, stop, err) < 0)
			goto out;
	} else if (at_ms) {
		wait_until(at_ms - (int64_t)(latency * 1000), stop);
	}
	if (atomic_load(&stop->stop)) { /* taken off before its first sample: nothing aired */
		status = PL_NOT_STARTED;
		if (sinkp == &own) {
			audio_sink_close(sink, NULL);
			*sinkp = NULL;
		}
		sink = NULL; /* the caller's stays open for what comes next */
		goto out;
	}
	float buf[AUDIO_BLOCK];
	int stopped = 0, failed = 0;
	size_t done = 0;
	/*
	 * A write reports the underflows since the last one: what the first
	 * block reports fell in the silence before the programme.
	 */
	long dry = -1;
	int ending = 0; /* 1: the relays were asked to end; 2: the timeline is read back */
	for (;;) {
		if (atomic_load(&stop->end_relays) && !ending && !stopped) {
			ending = 1;
			double fade = atomic_load(&stop->fade_s);
			audio_mix_end_relays(m, fade > 0 ? fade : PL_STOP_FADE_S);
		}
		if (atomic_load(&stop->stop) && !stopped) {
			stopped = 1;
			res->cut_s = audio_mix_position(m);
			double fade = atomic_load(&stop->fade_s);
			audio_mix_fade_out(m, fade > 0 ? fade : PL_STOP_FADE_S);
		}
		long n = audio_mix_read(m, buf, AUDIO_BLOCK, err);
		if (n < 0) {
			failed = 1;
			break;
		}
		if (n == 0)
			break;
		if (ending == 1) {
			/* the mixer has moved what follows the relays: so do the segments and the log */
			ending = 2;
			size_t nt;
			const struct audio_span *tl = audio_mix_timeline(m, &nt);
			for (size_t k = 0; k < nsegs && k < nt; k++) {
				struct pl_relay_out *ro = p->items[seg_item[k]].relay_out;
				if (segs[k].relay && ro && tl[k].length_s < segs[k].length_s)
					ro->shortened_s = segs[k].length_s - tl[k].length_s;
				segs[k].offset_s = tl[k].offset_s;
				segs[k].length_s = tl[k].length_s;
			}
		}
		/* "handed to the device": when the first sample is given to it */
		int64_t handed = realtime_ms();
		if (audio_sink_write(sink, buf, n, err) < 0) {
			failed = 1;
			res->cut_s = audio_mix_position(m);
			break;
		}
		sha256_update(h, buf, sizeof(float) * (size_t)n);
		if (dry < 0)
			dry = audio_sink_underflows(sink);
		res->dropouts = audio_sink_underflows(sink) - dry;
		if (!res->started_ms) {
			res->started_ms = handed + (int64_t)(latency * 1000 + 0.5);
			if (cb && cb->started)
				cb->started(cb->arg, res->started_ms);
		}
		if (cb && cb->position_s)
			*cb->position_s = audio_mix_position(m);
		size_t d = audio_mix_segments_done(m);
		if (stopped) /* what ends inside the fade was cut, not finished */
			d = done;
		if (d != done) {
			relays_end(p, segs, seg_item, nsegs, audio_mix_position(m) + 0.001);
			done = d;
			res->items_done = d ? seg_item[d - 1] + 1 : 0;
			if (cb && cb->item_done)
				cb->item_done(cb->arg, res->items_done);
		}
	}
	char e2[ERRLEN];
	if (sinkp == &own || failed) {
		/* our own sink: play out and close; a failed one is closed for a fresh start */
		if (audio_sink_close(sink, e2) < 0 && !failed) {
			failed = 1;
			err_set(err, "%s", e2);
		}
		*sinkp = NULL;
	}
	sink = NULL;
	status = failed ? PL_FAILED : stopped ? PL_INTERRUPTED : PL_COMPLETED;
	if (status == PL_COMPLETED)
		res->items_done = p->n;
out:
	relays_end(p, segs, seg_item, nsegs, -1);
	if (sink) { /* failed before playing */
		audio_sink_close(sink, NULL);
		*sinkp = NULL;
	}
	audio_mix_free(m);
	sha256_finish(h, res->sha256);
	res->ended_ms = realtime_ms();
	free(segs);
	free(beds);
	free(seg_item);
	return status;
}

int
pl_render_wav(const struct pl_program *p, const struct pl_env *e, const char *path, char *err)
{
	struct pl_env w;
	pl_env_copy(&w, e);
	free(w.output);
	free(w.wav_path);
	w.output = xstrdup("wav");
	w.wav_path = xstrdup(path);
	w.pace = 0;
	struct pl_play_result res;
	enum pl_play_status st = pl_play(p, &w, 0, NULL, NULL, NULL, &res, err);
	pl_env_clear(&w);
	return st == PL_COMPLETED ? 0 : -1;
}
