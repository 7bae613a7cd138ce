/*
 * Rendering speech: text → tts_normalize() → engine → gain and true-peak
 * limiter → resampled to the output rate → a FLAC cache entry or a WAV file,
 * brought to the loudness target.  Jobs run on the synthesis thread
 * (engine.c); callers wait for them or poll their eventfd.
 *
 * The work is spread over the two cores: the engine speaks on the synthesis
 * thread and hands its samples through a bounded queue to a shaping thread
 * (gain, limiter, EBU R128 loudness measured at the engine's own rate,
 * where it costs half as much), which hands them to a writing thread
 * (resampler, encoder).  The gain must be chosen before the end is known:
 * it is the one that brings the first WINDOW_S seconds (all of a short
 * text), limited, to the target; what is measured after the limiter is
 * exact.  A cache entry keeps that measurement for the mixer to gain by; a
 * WAV file is corrected in place, which stays under the ceiling for
 * corrections up to HEADROOM_DB; a larger one is limited again (rare: a
 * text much quieter at its end than at its start).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "tts/engine.h"
#include "tts/number.h"
#include "tts/tts.h"

/* Blocks between threads, and queue lengths: big enough to wake a thread rarely. */
#define BLK 8192
#define QLEN 32
/* The start whose loudness sets the gain. */
#define WINDOW_S 20.0
/*
 * Aim this much over the target: a correction down is free, one up eats
 * into HEADROOM_DB, and the rest of a long text may be quieter than its start.
 */
#define GAIN_BIAS_DB 0.5
#define GAIN_TRIES 4
#define GAIN_TOLERANCE_LU 0.1
/*
 * audio_limiter_new() holds true peaks 1.1 dB under the ceiling it is
 * given, and libebur128 reads within 0.1 dB: a correction of up to 1 dB
 * afterwards stays under the ceiling.
 */
#define HEADROOM_DB 1.0
#define MAX_GAIN_DB 30.0
/* EBU R128 gates 400 ms blocks: a shorter sound is measured looped to this. */
#define MIN_MEASURE_S 0.5
/* A WAV file's loudness after a second limiting lands this close, or we try again. */
#define RELIMIT_TOLERANCE_LU 0.2
#define RELIMIT_TRIES 3

/*
 * Loudness is measured with audio/'s meter, integrated only (the true peak
 * costs three times as much, and the limiter already keeps the peaks), a
 * sound shorter than MIN_MEASURE_S looped.  Speech goes to audio/'s
 * writer: FLAC at level 0, made durable, for cache entries; 16-bit WAV,
 * whose samples are corrected in place once the loudness is known, for
 * loaxa say -o.
 */
static struct audio_meter *
meter(int rate)
{
	return audio_meter_open(rate, 0, MIN_MEASURE_S);
}

static struct audio_writer *
sink_open(const char *path, int rate, int flac, char *err)
{
	return flac ? audio_writer_open_ex(path, rate, AUDIO_FLAC,
					   AUDIO_WRITE_FAST | AUDIO_WRITE_DURABLE, err)
		    : audio_writer_open(path, rate, AUDIO_WAV16, err);
}

/*
 * ---- the pipeline ----
 * synthesis thread → queue → shaping thread (gain, limiter, loudness) →
 * queue → writing thread (resampler, sink).  Three threads on two cores:
 * the kernel evens out the load better than any fixed split of the stages.
 */

/* A bounded queue of blocks between two threads; the pipe's mutex guards it. */
struct bq {
	float *slot[QLEN];
	long n[QLEN];
	int head, len, eof;
	pthread_cond_t not_empty, not_full;
};

struct pipe {
	const struct tts_opts *o;
	struct audio_writer *sink;
	atomic_int *cancel;
	pthread_mutex_t mu;
	struct bq q1, q2;
	int failed, started;
	pthread_t shaper_th, writer_th;
	int src_rate;
	/* the shaping thread's */
	struct audio_meter *pre, *post;
	float *win;
	long win_n, win_cap;
	double gain_db;
	float gain;
	struct audio_limiter *lim;
	float lim_out[BLK];
	/* the writing thread's */
	struct audio_resampler *rs;
	float *rs_out;
	long rs_cap;
	char err[ERRLEN];
};

static void
bq_init(struct bq *q)
{
	memset(q, 0, sizeof *q);
	for (int i = 0; i < QLEN; i++)
		q->slot[i] = xmalloc(sizeof(float) * BLK);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
}

static void
bq_free(struct bq *q)
{
	for (int i = 0; i < QLEN; i++)
		free(q->slot[i]);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
}

/* Records the first failure (err may be NULL: it is already in p->err) and wakes everyone. */
static void
pipe_fail(struct pipe *p, const char *err)
{
	pthread_mutex_lock(&p->mu);
	if (!p->failed && err && err != p->err)
		snprintf(p->err, sizeof p->err, "%s", err);
	p->failed = 1;
	pthread_cond_broadcast(&p->q1.not_empty);
	pthread_cond_broadcast(&p->q1.not_full);
	pthread_cond_broadcast(&p->q2.not_empty);
	pthread_cond_broadcast(&p->q2.not_full);
	pthread_mutex_unlock(&p->mu);
}

/* Copies n frames in; -1 once the pipe has failed. */
static int
bq_put(struct pipe *p, struct bq *q, const float *x, long n)
{
	while (n > 0) {
		pthread_mutex_lock(&p->mu);
		while (q->len == QLEN && !p->failed)
			pthread_cond_wait(&q->not_full, &p->mu);
		if (p->failed) {
			pthread_mutex_unlock(&p->mu);
			return -1;
		}
		int i = (q->head + q->len) % QLEN;
		pthread_mutex_unlock(&p->mu);
		long k = n < BLK ? n : BLK;
		memcpy(q->slot[i], x, sizeof(float) * (size_t)k);
		q->n[i] = k;
		pthread_mutex_lock(&p->mu);
		q->len++;
		pthread_cond_signal(&q->not_empty);
		pthread_mutex_unlock(&p->mu);
		x += k;
		n -= k;
	}
	return 0;
}

/* The next block (*i: its slot, to give back with bq_done()); 0 at the end, -1 on failure. */
static long
bq_take(struct pipe *p, struct bq *q, int *i)
{
	pthread_mutex_lock(&p->mu);
	while (!q->len && !q->eof && !p->failed)
		pthread_cond_wait(&q->not_empty, &p->mu);
	long n = p->failed ? -1 : q->len ? q->n[q->head] : 0;
	*i = q->head;
	pthread_mutex_unlock(&p->mu);
	return n;
}

static void
bq_done(struct pipe *p, struct bq *q)
{
	pthread_mutex_lock(&p->mu);
	q->head = (q->head + 1) % QLEN;
	q->len--;
	pthread_cond_signal(&q->not_full);
	pthread_mutex_unlock(&p->mu);
}

static void
bq_close(struct pipe *p, struct bq *q)
{
	pthread_mutex_lock(&p->mu);
	q->eof = 1;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&p->mu);
}

/* Limited frames: measured here, resampled and written by the writing thread. */
static int
emit(struct pipe *p, const float *y, long m)
{
	if (m <= 0)
		return 0;
	audio_meter_add(p->post, y, m);
	return bq_put(p, &p->q2, y, m);
}

/* Gains and limits n ≤ BLK frames (x is scratch) and passes them on. */
static int
shape(struct pipe *p, float *x, long n)
{
	for (long i = 0; i < n; i++)
		x[i] *= p->gain;
	long m = audio_limiter_process(p->lim, x, n, p->lim_out, BLK);
	return emit(p, p->lim_out, m);
}

/* The loudness of the window at gain_db, after a limiter of its own. */
static double
trial(struct pipe *p, double gain_db)
{
	float g = (float)pow(10, gain_db / 20);
	struct audio_limiter *lim = audio_limiter_new(p->src_rate, p->o->true_peak_dbtp);
	struct audio_meter *m = meter(p->src_rate);
	float x[BLK], y[BLK];
	for (long i = 0; i < p->win_n; i += BLK) {
		long k = p->win_n - i < BLK ? p->win_n - i : BLK;
		for (long j = 0; j < k; j++)
			x[j] = p->win[i + j] * g;
		audio_meter_add(m, y, audio_limiter_process(lim, x, k, y, BLK));
	}
	long k;
	while ((k = audio_limiter_process(lim, NULL, 0, y, BLK)) > 0)
		audio_meter_add(m, y, k);
	double l = audio_meter_lufs(m);
	audio_meter_free(m);
	audio_limiter_free(lim);
	return l;
}

/*
 * The window is in: chooses the gain and shapes the window.  Speech from
 * espeak-ng peaks some 20 dB over its loudness, more than the 15 dB the
 * usual target and ceiling leave, so the limiter takes back a good part of
 * any gain: the gain is found by trying it on the window (secant steps).
 */
static int
begin(struct pipe *p)
{
	double target = p->o->loudness_lufs + GAIN_BIAS_DB;
	double l = audio_meter_lufs(p->pre);
	double g = l > -70 ? target - l : 0;
	if (l > -70) {
		double g_prev = 0, got_prev = l, slope = 1;
		for (int i = 0; i < GAIN_TRIES; i++) {
			if (g > MAX_GAIN_DB)
				g = MAX_GAIN_DB;
			double got = trial(p, g);
			if (got <= -70 || fabs(target - got) < GAIN_TOLERANCE_LU)
				break;
			if (g != g_prev)
				slope = (got - got_prev) / (g - g_prev);
			if (slope < 0.2 || !isfinite(slope))
				slope = 0.2;
			if (slope > 1)
				slope = 1;
			g_prev = g;
			got_prev = got;
			g += (target - got) / slope;
		}
	}
	p->gain_db = g > MAX_GAIN_DB ? MAX_GAIN_DB : g;
	p->gain = (float)pow(10, p->gain_db / 20);
	p->lim = audio_limiter_new(p->src_rate, p->o->true_peak_dbtp);
	p->post = meter(p->src_rate);
	int rc = 0;
	for (long i = 0; i < p->win_n && rc == 0; i += BLK)
		rc = shape(p, p->win + i, p->win_n - i < BLK ? p->win_n - i : BLK);
	free(p->win);
	p->win = NULL;
	return rc;
}

static int
shape_in(struct pipe *p, float *x, long n)
{
	if (p->lim)
		return shape(p, x, n);
	audio_meter_add(p->pre, x, n);
	if (p->win_n + n > p->win_cap) {
		p->win_cap = p->win_cap ? p->win_cap * 2 : (long)(WINDOW_S * p->src_rate) + BLK;
		p->win = xrealloc(p->win, sizeof(float) * (size_t)p->win_cap);
	}
	memcpy(p->win + p->win_n, x, sizeof(float) * (size_t)n);
	p->win_n += n;
	if (p->win_n >= WINDOW_S * p->src_rate)
		return begin(p);
	return 0;
}

static void *
shaper(void *arg)
{
	struct pipe *p = arg;
	long n;
	int i, rc = 0;
	while (rc == 0 && (n = bq_take(p, &p->q1, &i)) > 0) {
		rc = shape_in(p, p->q1.slot[i], n);
		bq_done(p, &p->q1);
	}
	if (rc == 0 && n == 0) {
		if (!p->lim)
			rc = begin(p);
		long m;
		while (rc == 0 && (m = audio_limiter_process(p->lim, NULL, 0, p->lim_out, BLK)) > 0)
			rc = emit(p, p->lim_out, m);
	}
	if (rc < 0)
		pipe_fail(p, NULL);
	bq_close(p, &p->q2);
	return NULL;
}

static void *
writer(void *arg)
{
	struct pipe *p = arg;
	char err[ERRLEN];
	long n, k;
	int i, rc = 0;
	while (rc == 0 && (n = bq_take(p, &p->q2, &i)) > 0) {
		if (p->rs) {
			k = audio_resample(p->rs, p->q2.slot[i], n, p->rs_out, p->rs_cap);
			rc = audio_writer_write(p->sink, p->rs_out, k, err);
		} else {
			rc = audio_writer_write(p->sink, p->q2.slot[i], n, err);
		}
		bq_done(p, &p->q2);
	}
	while (rc == 0 && n == 0 && p->rs && (k = audio_resample(p->rs, NULL, 0, p->rs_out, p->rs_cap)) > 0)
		rc = audio_writer_write(p->sink, p->rs_out, k, err);
	if (rc < 0)
		pipe_fail(p, err);
	return NULL;
}

/* The engine's callback, on the synthesis thread. */
static int
on_pcm(void *arg, const float *pcm, long n, int rate)
{
	struct pipe *p = arg;
	if (atomic_load(p->cancel)) {
		pipe_fail(p, _("The speech was stopped."));
		return -1;
	}
	if (!p->started) {
		char err[ERRLEN];
		if (rate < 1000 || rate > 384000) {
			err_set(err, _("The speech engine gave an unusable sample rate (%d Hz)."), rate);
			pipe_fail(p, err);
			return -1;
		}
		p->src_rate = rate;
		p->pre = meter(rate);
		if (rate != p->o->sample_rate) {
			p->rs = audio_resampler_new(rate, p->o->sample_rate, err);
			if (!p->rs) {
				pipe_fail(p, err);
				return -1;
			}
			p->rs_cap = (long)((double)BLK * p->o->sample_rate / rate) + 1024;
			p->rs_out = xmalloc(sizeof(float) * (size_t)p->rs_cap);
		}
		/* as with memory: without threads there is nothing sensible left to do */
		if (pthread_create(&p->shaper_th, NULL, shaper, p) != 0 ||
		    pthread_create(&p->writer_th, NULL, writer, p) != 0)
			fatal("cannot start a rendering thread");
		p->started = 1;
	} else if (rate != p->src_rate) {
		char err[ERRLEN];
		err_set(err, _("The speech engine changed its sample rate from %d to %d Hz."),
			p->src_rate, rate);
		pipe_fail(p, err);
		return -1;
	}
	return bq_put(p, &p->q1, pcm, n);
}

/*
 * Speaks spoken into sink at o->sample_rate; *lufs is the loudness of what
 * was written (as it stands, before any correction).
 */
static int
render_spoken(const struct tts_opts *o, const char *spoken, struct audio_writer *sink,
	      atomic_int *cancel, double *lufs, char *err)
{
	struct pipe *p = xcalloc(1, sizeof *p);
	p->o = o;
	p->sink = sink;
	p->cancel = cancel;
	pthread_mutex_init(&p->mu, NULL);
	bq_init(&p->q1);
	bq_init(&p->q2);
	char e1[ERRLEN] = "";
	int rc = tts_engine_synth(o, spoken, on_pcm, p, e1);
	if (rc < 0)
		pipe_fail(p, NULL); /* the engine failed: the others stop, not finish */
	bq_close(p, &p->q1);
	if (p->started) {
		pthread_join(p->shaper_th, NULL);
		pthread_join(p->writer_th, NULL);
	}
	if (p->err[0]) {
		err_set(err, "%s", p->err);
		rc = -1;
	} else if (rc < 0) {
		err_set(err, "%s", e1);
	} else if (p->failed) {
		err_set(err, _("Rendering the speech failed."));
		rc = -1;
	} else if (!p->started || audio_writer_frames(sink) == 0) {
		err_set(err, _("The speech engine made no sound for this text."));
		rc = -1;
	}
	if (rc == 0)
		*lufs = audio_meter_lufs(p->post);
	audio_meter_free(p->pre);
	audio_meter_free(p->post);
	audio_limiter_free(p->lim);
	audio_resampler_free(p->rs);
	free(p->rs_out);
	free(p->win);
	bq_free(&p->q1);
	bq_free(&p->q2);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return rc;
}

/* ---- bringing a WAV file's samples to the target ---- */

/* Limits the samples of src at gain_db into dst; *lufs: what came out. */
static int
wav_limit_once(const struct tts_opts *o, struct audio_writer *src, struct audio_writer *dst,
	       int rate, double gain_db, double *lufs, char *err)
{
	float g = (float)pow(10, gain_db / 20);
	struct audio_limiter *lim = audio_limiter_new(rate, o->true_peak_dbtp);
	struct audio_meter *m = meter(rate);
	float *x = xmalloc(sizeof(float) * BLK), *y = xmalloc(sizeof(float) * BLK);
	int rc = 0;
	int64_t frames = audio_writer_frames(src);
	for (int64_t at = 0; at < frames && rc == 0;) {
		long k = audio_writer_read(src, at, x, BLK, err);
		if (k <= 0) {
			rc = -1;
			break;
		}
		for (long i = 0; i < k; i++)
			x[i] *= g;
		long n = audio_limiter_process(lim, x, k, y, BLK);
		audio_meter_add(m, y, n);
		rc = audio_writer_write(dst, y, n, err);
		at += k;
	}
	long n;
	while (rc == 0 && (n = audio_limiter_process(lim, NULL, 0, y, BLK)) > 0) {
		audio_meter_add(m, y, n);
		rc = audio_writer_write(dst, y, n, err);
	}
	*lufs = audio_meter_lufs(m);
	audio_meter_free(m);
	audio_limiter_free(lim);
	free(x);
	free(y);
	return rc;
}

/*
 * Brings the WAV sink *sp, whose loudness is lufs, to the target: in place
 * when the correction keeps it under the ceiling, else limited again into a
 * new file that replaces *sp.
 */
static int
wav_level(const struct tts_opts *o, struct audio_writer **sp, const char *path, int rate,
	  double lufs, char *err)
{
	struct audio_writer *s = *sp;
	if (lufs <= -70)
		return 0; /* silence stays silence */
	double c = o->loudness_lufs - lufs;
	if (c > MAX_GAIN_DB)
		c = MAX_GAIN_DB;
	if (fabs(c) < 0.005)
		return 0;
	if (c <= HEADROOM_DB)
		return audio_writer_scale(s, c, err);
	struct audio_writer *d = sink_open(path, rate, 0, err);
	if (!d)
		return -1;
	double got = lufs;
	for (int i = 0; i < RELIMIT_TRIES; i++) {
		if ((i > 0 && audio_writer_rewind(d, err) < 0) ||
		    wav_limit_once(o, s, d, rate, c, &got, err) < 0) {
			audio_writer_close(d, 1, NULL);
			return -1;
		}
		if (got <= -70 || fabs(o->loudness_lufs - got) <= RELIMIT_TOLERANCE_LU)
			break;
		c += o->loudness_lufs - got;
	}
	audio_writer_close(s, 1, NULL);
	*sp = d;
	/* what is left is under the tolerance; scaling down never raises a peak */
	if (got > o->loudness_lufs && got > -70)
		return audio_writer_scale(d, o->loudness_lufs - got, err);
	return 0;
}

/* A cached entry into a WAV file at the target: -2 when the entry is unreadable. */
static int
wav_from_entry(const struct tts_opts *o, const struct tts_entry *e, const char *wav, char *err)
{
	struct audio_src *src = audio_src_open(e->path, o->sample_rate, err);
	if (!src)
		return -2;
	struct audio_writer *s = sink_open(wav, o->sample_rate, 0, err);
	if (!s) {
		audio_src_close(src);
		return -1;
	}
	float *buf = xmalloc(sizeof(float) * BLK);
	long n;
	int rc = 0;
	while ((n = audio_src_read(src, buf, BLK, err)) > 0)
		if ((rc = audio_writer_write(s, buf, n, err)) < 0)
			break;
	if (n < 0)
		rc = -2;
	free(buf);
	audio_src_close(src);
	if (rc == 0)
		rc = wav_level(o, &s, wav, o->sample_rate, e->lufs, err);
	if (rc < 0) {
		audio_writer_close(s, 1, NULL);
		return rc;
	}
	return audio_writer_close(s, 0, err);
}

/* ---- jobs on the synthesis thread ---- */

enum job_kind { JOB_CACHE, JOB_WAV };

struct tts_job {
	struct tts_work work;
	enum job_kind kind;
	struct tts_opts o; /* its strings are the copies below */
	char *engine, *voice, *command, *cache_dir, **pinned;
	char *spoken, *wav;
	char key[65];
	int efd;
	atomic_int cancel;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done, rc;
	struct tts_entry res;
	char err[ERRLEN];
};

/* Anything a listener would hear: a letter or a digit. */
static int
has_words(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			return 1;
		if (*p >= 0xC0) { /* a letter with a diacritic, unless it is punctuation */
			uint32_t cp;
			int n = utf8_decode((const char *)p, &cp);
			if (cp >= 0xC0 && !(cp >= 0x2000 && cp <= 0x2BFF) && !(cp >= 0x3000 && cp <= 0x303F))
				return 1;
			p += n - 1;
		}
	}
	return 0;
}

/* Checks the options and normalizes text: the spoken form (caller frees) or NULL with err. */
static char *
prepare(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text, char *err)
{
	if (!tts_engine_find(o->engine, err))
		return NULL;
	if (o->sample_rate < 8000 || o->sample_rate > 192000) {
		err_set(err, _("Cannot render speech at %d Hz: audio.sample_rate must be 8000 to 192000."),
			o->sample_rate);
		return NULL;
	}
	if (!text) {
		err_set(err, _("There is nothing to say: the text has no words to read."));
		return NULL;
	}
	char *spoken = tts_normalize_region(lex, o->region, text, strlen(text), err);
	if (!spoken)
		return NULL;
	if (!has_words(spoken)) {
		err_set(err, _("There is nothing to say: the text has no words to read."));
		free(spoken);
		return NULL;
	}
	return spoken;
}

int
tts_cache_key(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
	      char key[65], char *err)
{
	char *spoken = prepare(o, lex, text, err);
	if (!spoken)
		return -1;
	tts_cache_key_spoken(o, spoken, key);
	free(spoken);
	return 0;
}

static double
round3(double v)
{
	return round(v * 1000) / 1000;
}

static int
render_to_cache(struct tts_job *j)
{
	const struct tts_opts *o = &j->o;
	if (tts_cache_lookup(o, j->key, &j->res) == 0)
		return 0; /* an earlier job made it */
	if (mkdir_p(o->cache_dir, 0750, j->err) < 0)
		return -1;
	char *flac = tts_cache_file(o, j->key, "flac");
	struct audio_writer *s = sink_open(flac, o->sample_rate, 1, j->err);
	if (!s) {
		free(flac);
		return -1;
	}
	double lufs;
	if (render_spoken(o, j->spoken, s, &j->cancel, &lufs, j->err) < 0) {
		audio_writer_close(s, 1, NULL);
		free(flac);
		return -1;
	}
	double seconds = round3((double)audio_writer_frames(s) / o->sample_rate);
	lufs = round3(lufs);
	if (audio_writer_close(s, 0, j->err) < 0 ||
	    tts_cache_store_info(o, j->key, lufs, seconds, j->err) < 0) {
		unlink(flac);
		free(flac);
		return -1;
	}
	j->res.path = flac;
	j->res.lufs = lufs;
	j->res.seconds = seconds;
	snprintf(j->res.key, sizeof j->res.key, "%s", j->key);
	tts_cache_evict(o, j->key);
	return 0;
}

static int
render_to_wav(struct tts_job *j)
{
	const struct tts_opts *o = &j->o;
	struct audio_writer *s = sink_open(j->wav, o->sample_rate, 0, j->err);
	if (!s)
		return -1;
	double lufs;
	if (render_spoken(o, j->spoken, s, &j->cancel, &lufs, j->err) < 0 ||
	    wav_level(o, &s, j->wav, o->sample_rate, lufs, j->err) < 0) {
		audio_writer_close(s, 1, NULL);
		return -1;
	}
	return audio_writer_close(s, 0, j->err);
}

static void
finish_job(struct tts_job *j, int rc)
{
	j->rc = rc;
	/* the eventfd first: once done is set the caller may free j */
	uint64_t one = 1;
	if (write(j->efd, &one, sizeof one) < 0) {
		/* cannot fail on a fresh eventfd; waiters use done */
	}
	pthread_mutex_lock(&j->mu);
	j->done = 1;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

static void
run_job(struct tts_work *w)
{
	struct tts_job *j = (struct tts_job *)w;
	int rc;
	if (atomic_load(&j->cancel)) {
		err_set(j->err, _("The speech was stopped."));
		rc = -1;
	} else {
		rc = j->kind == JOB_CACHE ? render_to_cache(j) : render_to_wav(j);
	}
	finish_job(j, rc);
}

static struct tts_job *
job_new(const struct tts_opts *o, enum job_kind kind, char *spoken)
{
	struct tts_job *j = xcalloc(1, sizeof *j);
	j->work.run = run_job;
	j->kind = kind;
	j->o = *o;
	j->o.engine = j->engine = xstrdup(o->engine);
	j->o.voice = j->voice = o->voice ? xstrdup(o->voice) : NULL;
	j->o.region = vi_region_find(o->region)->name; /* checked by prepare(): a static name */
	j->o.command = j->command = o->command ? xstrdup(o->command) : NULL;
	j->o.cache_dir = j->cache_dir = o->cache_dir ? xstrdup(o->cache_dir) : NULL;
	if (o->n_pinned) {
		j->pinned = xcalloc(o->n_pinned, sizeof *j->pinned);
		for (size_t i = 0; i < o->n_pinned; i++)
			j->pinned[i] = o->pinned[i] ? xstrdup(o->pinned[i]) : NULL;
	}
	j->o.pinned = (const char *const *)j->pinned;
	j->spoken = spoken;
	tts_cache_key_spoken(o, spoken, j->key);
	j->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (j->efd < 0)
		fatal("eventfd: %s", strerror(errno));
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	return j;
}

static void
job_free(struct tts_job *j)
{
	close(j->efd);
	free(j->engine);
	free(j->voice);
	free(j->command);
	free(j->cache_dir);
	for (size_t i = 0; i < j->o.n_pinned; i++)
		free(j->pinned[i]);
	free(j->pinned);
	free(j->spoken);
	free(j->wav);
	free(j->res.path);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}

struct tts_job *
tts_job_submit(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
	       char *err)
{
	if (!o->cache_dir || !*o->cache_dir) {
		err_set(err, _("Rendering into the cache needs a cache directory."));
		return NULL;
	}
	char *spoken = prepare(o, lex, text, err);
	if (!spoken)
		return NULL;
	struct tts_job *j = job_new(o, JOB_CACHE, spoken);
	if (tts_cache_lookup(&j->o, j->key, &j->res) == 0)
		finish_job(j, 0);
	else
		tts_worker_queue(&j->work);
	return j;
}

int
tts_job_fd(const struct tts_job *j)
{
	return j->efd;
}

void
tts_job_cancel(struct tts_job *j)
{
	atomic_store(&j->cancel, 1);
}

int
tts_job_finish(struct tts_job *j, struct tts_entry *out, char *err)
{
	pthread_mutex_lock(&j->mu);
	while (!j->done)
		pthread_cond_wait(&j->cv, &j->mu);
	pthread_mutex_unlock(&j->mu);
	int rc = j->rc;
	if (out)
		memset(out, 0, sizeof *out);
	if (rc == 0 && out) {
		*out = j->res;
		j->res.path = NULL;
	} else if (rc < 0) {
		err_set(err, "%s", j->err);
	}
	job_free(j);
	return rc;
}

int
tts_cache_render(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
		 struct tts_entry *out, char *err)
{
	memset(out, 0, sizeof *out);
	struct tts_job *j = tts_job_submit(o, lex, text, err);
	if (!j)
		return -1;
	return tts_job_finish(j, out, err);
}

int
tts_render_wav(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
	       const char *wav, char *err)
{
	char *spoken = prepare(o, lex, text, err);
	if (!spoken)
		return -1;
	struct tts_job *j = job_new(o, JOB_WAV, spoken);
	struct tts_entry e;
	if (o->cache_dir && tts_cache_lookup(&j->o, j->key, &e) == 0) {
		int rc = wav_from_entry(&j->o, &e, wav, err);
		if (rc == -2) {
			/* a damaged entry (a disk error, a hand edit): drop it and speak afresh */
			char *info = tts_cache_file(&j->o, j->key, "info");
			unlink(e.path);
			unlink(info);
			free(info);
			rc = 1;
		}
		free(e.path);
		if (rc <= 0) {
			job_free(j);
			return rc;
		}
	}
	j->wav = xstrdup(wav);
	tts_worker_queue(&j->work);
	return tts_job_finish(j, NULL, err);
}
