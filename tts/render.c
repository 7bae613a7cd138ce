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
#include <ebur128.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "tts/engine.h"
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
#define WAV_HEADER 44

/*
 * ---- a loudness meter that also measures sounds shorter than a gate ----
 * Integrated loudness only: audio_meter also measures true peak, which costs
 * three times as much, and the limiter already keeps the peaks.
 */

struct measure {
	ebur128_state *st;
	float *first; /* the first MIN_MEASURE_S seconds, to loop when that is all */
	long first_n, first_cap;
	int64_t frames;
};

static void
measure_init(struct measure *x, int rate)
{
	x->st = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_I);
	if (!x->st)
		fatal("out of memory (the loudness meter)");
	x->first_cap = (long)(MIN_MEASURE_S * rate) + 1;
	x->first = xmalloc(sizeof(float) * (size_t)x->first_cap);
	x->first_n = 0;
	x->frames = 0;
}

static void
measure_add(struct measure *x, const float *buf, long n)
{
	if (n > 0)
		ebur128_add_frames_float(x->st, buf, (size_t)n);
	long k = x->first_cap - x->first_n < n ? x->first_cap - x->first_n : n;
	if (k > 0) {
		memcpy(x->first + x->first_n, buf, sizeof(float) * (size_t)k);
		x->first_n += k;
	}
	x->frames += n;
}

static double
measure_lufs(struct measure *x)
{
	for (int64_t fed = x->frames; x->frames > 0 && fed < x->first_cap; fed += x->frames)
		ebur128_add_frames_float(x->st, x->first, (size_t)x->frames);
	double l;
	if (ebur128_loudness_global(x->st, &l) != EBUR128_SUCCESS || !isfinite(l) || l < -70)
		return -70;
	return l;
}

static void
measure_free(struct measure *x)
{
	ebur128_destroy(&x->st);
	free(x->first);
	x->first = NULL;
}

/* ---- sinks: 16-bit FLAC (cache entries) or WAV, to a temporary name, then renamed ---- */

/*
 * Private rather than audio_writer: FLAC at compression level 0 (level 5,
 * libsndfile's default, costs three times as much CPU for 20 % less disk),
 * an fsync before a cache entry is renamed into place, and a WAV file whose
 * samples can be corrected in place once the loudness is known.
 */
struct sink {
	int flac;
	char *path, *tmp;
	int fd;
	SNDFILE *sf;
	int rate;
	int64_t frames;
	short s16[BLK * 2];
};

static struct sink *
sink_open(const char *path, int rate, int flac, const char *suffix, char *err)
{
	struct sink *s = xcalloc(1, sizeof *s);
	s->flac = flac;
	s->rate = rate;
	s->path = xstrdup(path);
	s->tmp = xasprintf("%s.tmp%d%s", path, (int)getpid(), suffix);
	s->fd = open(s->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s->fd < 0) {
		err_set(err, _("Cannot write %s: %s."), path, strerror(errno));
		goto fail;
	}
	if (flac) {
		SF_INFO info = { .samplerate = rate, .channels = 1,
				 .format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16 };
		s->sf = sf_open_fd(s->fd, SFM_WRITE, &info, 0);
		if (!s->sf) {
			err_set(err, _("Cannot write %s: %s."), path, sf_strerror(NULL));
			goto fail;
		}
		double level = 0;
		sf_command(s->sf, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
	} else {
		char zero[WAV_HEADER] = { 0 };
		if (write(s->fd, zero, sizeof zero) != (ssize_t)sizeof zero) {
			err_set(err, _("Cannot write %s: %s."), path, strerror(errno));
			goto fail;
		}
	}
	return s;
fail:
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->tmp);
	}
	free(s->path);
	free(s->tmp);
	free(s);
	return NULL;
}

/*
 * Rounded and clipped, in integers: gcc does not vectorise a float
 * comparison (NaN rules) but does an integer one.  Offsetting by 32768.5
 * makes the truncating conversion round to nearest.  Our signals stay far
 * inside the int range (they are limited, or gained by at most 30 dB).
 */
static inline short
to_s16(float v)
{
	int i = (int)(v * 32768.0f + 32768.5f) - 32768;
	i = i > 32767 ? 32767 : i;
	i = i < -32768 ? -32768 : i;
	return (short)htole16((uint16_t)i);
}

/*
 * n samples to 16-bit little-endian, times g.  In runs of 16 of fixed
 * length: gcc -O2 vectorises those (not a loop of unknown length).
 */
static void
convert(const float *x, short *out, long n, float g)
{
	long i = 0;
	for (; i + 16 <= n; i += 16)
		for (int j = 0; j < 16; j++)
			out[i + j] = to_s16(x[i + j] * g);
	for (; i < n; i++)
		out[i] = to_s16(x[i] * g);
}

/* The same, in place on 16-bit little-endian samples. */
static void
rescale(short *s, long n, float g)
{
	const float k = g * (1.0f / 32768.0f);
	long i = 0;
	for (; i + 16 <= n; i += 16)
		for (int j = 0; j < 16; j++)
			s[i + j] = to_s16((short)le16toh((uint16_t)s[i + j]) * k);
	for (; i < n; i++)
		s[i] = to_s16((short)le16toh((uint16_t)s[i]) * k);
}

static int
write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
sink_write(struct sink *s, const float *x, long n, char *err)
{
	while (n > 0) {
		long k = n < (long)ARRAY_LEN(s->s16) ? n : (long)ARRAY_LEN(s->s16);
		convert(x, s->s16, k, 1.0f);
		int bad = s->flac ? sf_writef_short(s->sf, s->s16, k) != k
				  : write_all(s->fd, s->s16, sizeof(short) * (size_t)k) < 0;
		if (bad) {
			err_set(err, _("Cannot write %s: %s."), s->path,
				s->flac ? sf_strerror(s->sf) : strerror(errno));
			return -1;
		}
		s->frames += k;
		x += k;
		n -= k;
	}
	return 0;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static int
wav_header(struct sink *s)
{
	uint64_t data = (uint64_t)s->frames * 2;
	if (data > 0xFFFFFFFFu - 36)
		data = 0xFFFFFFFFu - 36; /* over 12 hours: the size field is full */
	unsigned char h[WAV_HEADER];
	memcpy(h, "RIFF", 4);
	put32(h + 4, (uint32_t)(36 + data));
	memcpy(h + 8, "WAVEfmt ", 8);
	put32(h + 16, 16);
	h[20] = 1, h[21] = 0; /* PCM */
	h[22] = 1, h[23] = 0; /* mono */
	put32(h + 24, (uint32_t)s->rate);
	put32(h + 28, (uint32_t)s->rate * 2);
	h[32] = 2, h[33] = 0;
	h[34] = 16, h[35] = 0;
	memcpy(h + 36, "data", 4);
	put32(h + 40, (uint32_t)data);
	return pwrite(s->fd, h, sizeof h, 0) == (ssize_t)sizeof h ? 0 : -1;
}

static void
sink_abort(struct sink *s)
{
	if (!s)
		return;
	if (s->sf)
		sf_close(s->sf);
	close(s->fd);
	unlink(s->tmp);
	free(s->path);
	free(s->tmp);
	free(s);
}

/* Completes the file and renames it into place; frees s either way. */
static int
sink_finish(struct sink *s, char *err)
{
	int bad = 0;
	if (s->flac) {
		bad = sf_close(s->sf) != 0;
		s->sf = NULL;
		/* a cache entry must survive a power cut whole, or not be there */
		if (!bad)
			bad = fsync(s->fd) < 0;
	} else {
		bad = wav_header(s) < 0;
	}
	if (close(s->fd) < 0)
		bad = 1;
	if (!bad && rename(s->tmp, s->path) < 0)
		bad = 1;
	if (bad) {
		err_set(err, _("Cannot write %s: %s."), s->path, strerror(errno ? errno : EIO));
		unlink(s->tmp);
	}
	free(s->path);
	free(s->tmp);
	free(s);
	return bad ? -1 : 0;
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
	struct sink *sink;
	atomic_int *cancel;
	pthread_mutex_t mu;
	struct bq q1, q2;
	int failed, started;
	pthread_t shaper_th, writer_th;
	int src_rate;
	/* the shaping thread's */
	struct measure pre, post;
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
	measure_add(&p->post, y, m);
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
	struct measure m;
	measure_init(&m, p->src_rate);
	float x[BLK], y[BLK];
	for (long i = 0; i < p->win_n; i += BLK) {
		long k = p->win_n - i < BLK ? p->win_n - i : BLK;
		for (long j = 0; j < k; j++)
			x[j] = p->win[i + j] * g;
		measure_add(&m, y, audio_limiter_process(lim, x, k, y, BLK));
	}
	long k;
	while ((k = audio_limiter_process(lim, NULL, 0, y, BLK)) > 0)
		measure_add(&m, y, k);
	double l = measure_lufs(&m);
	measure_free(&m);
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
	double l = measure_lufs(&p->pre);
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
	measure_init(&p->post, p->src_rate);
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
	measure_add(&p->pre, x, n);
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
			rc = sink_write(p->sink, p->rs_out, k, err);
		} else {
			rc = sink_write(p->sink, p->q2.slot[i], n, err);
		}
		bq_done(p, &p->q2);
	}
	while (rc == 0 && n == 0 && p->rs && (k = audio_resample(p->rs, NULL, 0, p->rs_out, p->rs_cap)) > 0)
		rc = sink_write(p->sink, p->rs_out, k, err);
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
		measure_init(&p->pre, rate);
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
render_spoken(const struct tts_opts *o, const char *spoken, struct sink *sink, atomic_int *cancel,
	      double *lufs, char *err)
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
	} else if (!p->started || sink->frames == 0) {
		err_set(err, _("The speech engine made no sound for this text."));
		rc = -1;
	}
	if (rc == 0)
		*lufs = measure_lufs(&p->post);
	if (p->started)
		measure_free(&p->pre);
	if (p->post.st)
		measure_free(&p->post);
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

struct scale_part {
	int fd;
	int64_t from, to; /* frames */
	float g;
	int rc, errnum;
};

static void *
scale_part(void *arg)
{
	struct scale_part *s = arg;
	short *buf = xmalloc(sizeof(short) * 65536);
	for (int64_t at = s->from; at < s->to;) {
		size_t k = s->to - at < 65536 ? (size_t)(s->to - at) : 65536;
		off_t off = WAV_HEADER + at * 2;
		if (pread(s->fd, buf, k * 2, off) != (ssize_t)(k * 2)) {
			s->rc = -1;
			s->errnum = errno ? errno : EIO;
			break;
		}
		rescale(buf, (long)k, s->g);
		if (pwrite(s->fd, buf, k * 2, off) != (ssize_t)(k * 2)) {
			s->rc = -1;
			s->errnum = errno ? errno : EIO;
			break;
		}
		at += (int64_t)k;
	}
	free(buf);
	return NULL;
}

/*
 * Multiplies the samples of a WAV sink in place: the one step after the
 * speech is made, so both cores share it.
 */
static int
wav_scale(struct sink *s, double gain_db, char *err)
{
	float g = (float)pow(10, gain_db / 20);
	int64_t half = s->frames / 2;
	struct scale_part parts[2] = { { s->fd, 0, half, g, 0, 0 }, { s->fd, half, s->frames, g, 0, 0 } };
	pthread_t th;
	int threaded = half > 65536 && pthread_create(&th, NULL, scale_part, &parts[1]) == 0;
	scale_part(&parts[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		scale_part(&parts[1]);
	for (int i = 0; i < 2; i++)
		if (parts[i].rc < 0) {
			err_set(err, _("Cannot write %s: %s."), s->path, strerror(parts[i].errnum));
			return -1;
		}
	return 0;
}

/* Limits the samples of src at gain_db into dst; *lufs: what came out. */
static int
wav_limit_once(const struct tts_opts *o, struct sink *src, struct sink *dst, double gain_db,
	       double *lufs, char *err)
{
	float g = (float)pow(10, gain_db / 20);
	struct audio_limiter *lim = audio_limiter_new(src->rate, o->true_peak_dbtp);
	struct measure m;
	measure_init(&m, src->rate);
	short *s16 = xmalloc(sizeof(short) * BLK);
	float *x = xmalloc(sizeof(float) * BLK), *y = xmalloc(sizeof(float) * BLK);
	int rc = 0;
	for (int64_t at = 0; at < src->frames && rc == 0;) {
		long k = src->frames - at < BLK ? (long)(src->frames - at) : BLK;
		if (pread(src->fd, s16, (size_t)k * 2, WAV_HEADER + at * 2) != (ssize_t)k * 2) {
			err_set(err, _("Cannot read %s: %s."), src->tmp, strerror(errno ? errno : EIO));
			rc = -1;
			break;
		}
		for (long i = 0; i < k; i++)
			x[i] = (short)le16toh((uint16_t)s16[i]) * (1.0f / 32768.0f) * g;
		long n = audio_limiter_process(lim, x, k, y, BLK);
		measure_add(&m, y, n);
		rc = sink_write(dst, y, n, err);
		at += k;
	}
	long n;
	while (rc == 0 && (n = audio_limiter_process(lim, NULL, 0, y, BLK)) > 0) {
		measure_add(&m, y, n);
		rc = sink_write(dst, y, n, err);
	}
	*lufs = measure_lufs(&m);
	measure_free(&m);
	audio_limiter_free(lim);
	free(s16);
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
wav_level(const struct tts_opts *o, struct sink **sp, double lufs, char *err)
{
	struct sink *s = *sp;
	if (lufs <= -70)
		return 0; /* silence stays silence */
	double c = o->loudness_lufs - lufs;
	if (c > MAX_GAIN_DB)
		c = MAX_GAIN_DB;
	if (fabs(c) < 0.005)
		return 0;
	if (c <= HEADROOM_DB)
		return wav_scale(s, c, err);
	struct sink *d = sink_open(s->path, s->rate, 0, "b", err);
	if (!d)
		return -1;
	double got = lufs;
	for (int i = 0; i < RELIMIT_TRIES; i++) {
		if (i > 0) {
			if (ftruncate(d->fd, WAV_HEADER) < 0 || lseek(d->fd, WAV_HEADER, SEEK_SET) < 0) {
				err_set(err, _("Cannot write %s: %s."), d->path, strerror(errno));
				sink_abort(d);
				return -1;
			}
			d->frames = 0;
		}
		if (wav_limit_once(o, s, d, c, &got, err) < 0) {
			sink_abort(d);
			return -1;
		}
		if (got <= -70 || fabs(o->loudness_lufs - got) <= RELIMIT_TOLERANCE_LU)
			break;
		c += o->loudness_lufs - got;
	}
	sink_abort(s);
	*sp = d;
	/* what is left is under the tolerance; scaling down never raises a peak */
	if (got > o->loudness_lufs && got > -70)
		return wav_scale(d, o->loudness_lufs - got, err);
	return 0;
}

/* A cached entry into a WAV file at the target: -2 when the entry is unreadable. */
static int
wav_from_entry(const struct tts_opts *o, const struct tts_entry *e, const char *wav, char *err)
{
	struct audio_src *src = audio_src_open(e->path, o->sample_rate, err);
	if (!src)
		return -2;
	struct sink *s = sink_open(wav, o->sample_rate, 0, "", err);
	if (!s) {
		audio_src_close(src);
		return -1;
	}
	float *buf = xmalloc(sizeof(float) * BLK);
	long n;
	int rc = 0;
	while ((n = audio_src_read(src, buf, BLK, err)) > 0)
		if ((rc = sink_write(s, buf, n, err)) < 0)
			break;
	if (n < 0)
		rc = -2;
	free(buf);
	audio_src_close(src);
	if (rc == 0)
		rc = wav_level(o, &s, e->lufs, err);
	if (rc < 0) {
		sink_abort(s);
		return rc;
	}
	return sink_finish(s, err);
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
	char *spoken = tts_normalize(lex, text, strlen(text), err);
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
	struct sink *s = sink_open(flac, o->sample_rate, 1, "", j->err);
	if (!s) {
		free(flac);
		return -1;
	}
	double lufs;
	if (render_spoken(o, j->spoken, s, &j->cancel, &lufs, j->err) < 0) {
		sink_abort(s);
		free(flac);
		return -1;
	}
	double seconds = round3((double)s->frames / o->sample_rate);
	lufs = round3(lufs);
	if (sink_finish(s, j->err) < 0 ||
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
	struct sink *s = sink_open(j->wav, o->sample_rate, 0, "", j->err);
	if (!s)
		return -1;
	double lufs;
	if (render_spoken(o, j->spoken, s, &j->cancel, &lufs, j->err) < 0 ||
	    wav_level(o, &s, lufs, j->err) < 0) {
		sink_abort(s);
		return -1;
	}
	return sink_finish(s, j->err);
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
