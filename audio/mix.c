/*
 * The programme mixer and its output stage.  Segments sound at their offsets
 * with gain and fades (a crossfade is two overlapping fades); a music bed
 * loops under a run of segments and is ducked while speech sounds (a
 * side-chain envelope with attack and release); then an optional high-pass
 * for horn speakers, and a look-ahead limiter that keeps peaks under the
 * true-peak ceiling.  Only the segments sounding now have open files.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/audio.h"
#include "base/base.h"

/* Sample peaks are held this far under the ceiling, so true peaks stay under it. */
#define TP_MARGIN_DB 1.0
#define LOOKAHEAD_S 0.005
#define RELEASE_S 0.08
/* Speech louder than this ducks the bed. */
#define SIDECHAIN_DB -45.0

static double
db_to_lin(double db)
{
	return pow(10.0, db / 20.0);
}

/* ---- limiter ---- */

struct audio_limiter {
	int L;          /* look-ahead in samples */
	double thr;     /* linear sample-peak threshold */
	double rel;     /* per-sample release coefficient */
	float *delay;   /* ring of the last L input samples */
	long *dqi;      /* running minimum: a deque of (index, required gain) */
	double *dqv;
	int dq_head, dq_len, dq_cap;
	double *box;    /* ring for the moving average */
	double box_sum;
	double held;    /* the released gain */
	long n;         /* samples in */
	long flushed;
};

struct audio_limiter *
audio_limiter_new(int rate, double ceiling_dbtp)
{
	struct audio_limiter *l = xcalloc(1, sizeof *l);
	l->L = (int)(LOOKAHEAD_S * rate);
	if (l->L < 2)
		l->L = 2;
	l->thr = db_to_lin(ceiling_dbtp - TP_MARGIN_DB);
	l->rel = exp(-1.0 / (RELEASE_S * rate));
	l->delay = xcalloc((size_t)l->L, sizeof *l->delay);
	l->dq_cap = l->L + 1;
	l->dqi = xcalloc((size_t)l->dq_cap, sizeof *l->dqi);
	l->dqv = xcalloc((size_t)l->dq_cap, sizeof *l->dqv);
	l->box = xcalloc((size_t)l->L, sizeof *l->box);
	for (int i = 0; i < l->L; i++)
		l->box[i] = 1.0;
	l->box_sum = l->L;
	l->held = 1.0;
	return l;
}

/*
 * One sample in, one out, delayed by L - 1: the gain is the moving average
 * (over L) of the running minimum (over L) of the gain each sample needs, so
 * it has ramped fully down by the time a peak comes out.
 */
static float
limit_one(struct audio_limiter *l, float x)
{
	int L = l->L, cap = l->dq_cap;
	long n = l->n++;
	int slot = (int)(n % L);
	double a = fabs((double)x);
	double r = a > l->thr ? l->thr / a : 1.0;
	while (l->dq_len && l->dqv[(l->dq_head + l->dq_len - 1) % cap] >= r)
		l->dq_len--;
	int back = (l->dq_head + l->dq_len) % cap;
	l->dqi[back] = n;
	l->dqv[back] = r;
	l->dq_len++;
	while (l->dqi[l->dq_head] <= n - L) {
		l->dq_head = (l->dq_head + 1) % cap;
		l->dq_len--;
	}
	double m = l->dqv[l->dq_head];
	/* down at once (the average makes the ramp), up slowly */
	double g = 1.0 - (1.0 - l->held) * l->rel;
	if (g > m)
		g = m;
	l->held = g;
	l->box_sum += g - l->box[slot];
	l->box[slot] = g;
	double gain = l->box_sum / L;
	/* the sample that entered L - 1 samples ago */
	int out_slot = (int)((n + 1) % L);
	float out = l->delay[out_slot];
	l->delay[slot] = x;
	return (float)(out * gain);
}

long
audio_limiter_process(struct audio_limiter *l, float *buf, long n, float *out, long cap)
{
	long k = 0;
	if (buf) {
		for (long i = 0; i < n && k < cap; i++) {
			float y = limit_one(l, buf[i]);
			if (l->n >= l->L)
				out[k++] = y;
		}
		return k;
	}
	/* flush the look-ahead with silence */
	while (l->flushed < l->L - 1 && k < cap) {
		float y = limit_one(l, 0.0f);
		l->flushed++;
		if (l->n >= l->L)
			out[k++] = y;
	}
	return k;
}

void
audio_limiter_free(struct audio_limiter *l)
{
	if (!l)
		return;
	free(l->delay);
	free(l->dqi);
	free(l->dqv);
	free(l->box);
	free(l);
}

/* ---- high-pass: RBJ biquad, Butterworth Q ---- */

struct biquad {
	double b0, b1, b2, a1, a2, x1, x2, y1, y2;
};

static void
highpass_init(struct biquad *q, double fc, int rate)
{
	double w = 2 * M_PI * fc / rate, cw = cos(w), alpha = sin(w) / (2 * M_SQRT1_2);
	double a0 = 1 + alpha;
	q->b0 = (1 + cw) / 2 / a0;
	q->b1 = -(1 + cw) / a0;
	q->b2 = (1 + cw) / 2 / a0;
	q->a1 = -2 * cw / a0;
	q->a2 = (1 - alpha) / a0;
	q->x1 = q->x2 = q->y1 = q->y2 = 0;
}

static float
biquad_run(struct biquad *q, float x)
{
	double y = q->b0 * x + q->b1 * q->x1 + q->b2 * q->x2 - q->a1 * q->y1 - q->a2 * q->y2;
	q->x2 = q->x1;
	q->x1 = x;
	q->y2 = q->y1;
	q->y1 = y;
	return (float)y;
}

/* ---- mixer ---- */

struct seg_state {
	struct audio_seg s;
	char *path;
	int64_t start, len, fin, fout; /* frames */
	struct audio_src *src;
	int64_t done; /* frames played */
	int ended;
};

struct bed_state {
	struct audio_bed b;
	char *path;
	int64_t from, until;
	struct audio_src *src;
	double gain, duck_lin, cur; /* current ducking gain (linear) */
};

struct audio_mix {
	struct audio_mix_opts o;
	struct seg_state *segs;
	size_t n, ended;
	struct bed_state *beds;
	size_t nbeds;
	int64_t pos, total;
	float buf[AUDIO_BLOCK], sbuf[AUDIO_BLOCK], speech[AUDIO_BLOCK];
	struct biquad hp;
	struct audio_limiter *lim;
	double att, rel;
	int64_t stop_at, stop_len; /* fade-out request; stop_len 0: none */
	int stopping, limiter_flushed, finished;
};

struct audio_mix *
audio_mix_new(const struct audio_seg *segs, size_t n, const struct audio_bed *beds, size_t nbeds,
	      const struct audio_mix_opts *o, char *err)
{
	struct audio_mix *m = xcalloc(1, sizeof *m);
	m->o = *o;
	m->segs = xcalloc(n ? n : 1, sizeof *m->segs);
	m->n = n;
	double r = o->rate;
	for (size_t i = 0; i < n; i++) {
		struct seg_state *s = &m->segs[i];
		s->s = segs[i];
		s->path = segs[i].path ? xstrdup(segs[i].path) : NULL;
		s->s.path = s->path;
		s->start = (int64_t)llround(segs[i].offset_s * r);
		s->len = (int64_t)llround(segs[i].length_s * r);
		s->fin = (int64_t)llround(segs[i].fade_in * r);
		s->fout = (int64_t)llround(segs[i].fade_out * r);
		if (s->start + s->len > m->total)
			m->total = s->start + s->len;
	}
	m->beds = xcalloc(nbeds ? nbeds : 1, sizeof *m->beds);
	m->nbeds = nbeds;
	for (size_t i = 0; i < nbeds; i++) {
		struct bed_state *b = &m->beds[i];
		b->b = beds[i];
		b->path = xstrdup(beds[i].path);
		b->b.path = b->path;
		b->from = (int64_t)llround(beds[i].from_s * r);
		b->until = (int64_t)llround(beds[i].until_s * r);
		b->gain = db_to_lin(beds[i].gain_db);
		b->duck_lin = db_to_lin(beds[i].duck_db);
		b->cur = 1.0;
	}
	if (o->highpass_hz > 0)
		highpass_init(&m->hp, o->highpass_hz, o->rate);
	m->lim = audio_limiter_new(o->rate, o->ceiling_dbtp);
	m->att = exp(-1.0 / ((o->duck_attack > 0 ? o->duck_attack : 0.05) * r));
	m->rel = exp(-1.0 / ((o->duck_release > 0 ? o->duck_release : 0.5) * r));
	(void)err;
	return m;
}

static double
seg_envelope(const struct seg_state *s, int64_t k)
{
	double g = 1.0;
	if (s->fin > 0 && k < s->fin)
		g *= (double)k / s->fin;
	if (s->fout > 0 && k >= s->len - s->fout)
		g *= (double)(s->len - k) / s->fout;
	return g;
}

/* Adds segment s's frames for output frames [pos, pos+n) into out. */
static int
mix_seg(struct audio_mix *m, struct seg_state *s, float *out, float *speech, long n, char *err)
{
	int64_t a = m->pos > s->start ? m->pos : s->start;
	int64_t b = m->pos + n < s->start + s->len ? m->pos + n : s->start + s->len;
	if (a >= b)
		return 0;
	if (s->path && !s->src && !s->ended) {
		s->src = audio_src_open(s->path, m->o.rate, err);
		if (!s->src)
			return -1;
	}
	long want = (long)(b - a);
	long got = 0;
	if (s->src) {
		got = audio_src_read(s->src, m->sbuf, want, err);
		if (got < 0)
			return -1;
	}
	if (got < want)
		memset(m->sbuf + got, 0, sizeof(float) * (size_t)(want - got));
	double gain = db_to_lin(s->s.gain_db);
	for (long i = 0; i < want; i++) {
		int64_t k = a - s->start + i;
		float v = (float)(m->sbuf[i] * gain * seg_envelope(s, k));
		out[a - m->pos + i] += v;
		if (s->s.speech)
			speech[a - m->pos + i] += v;
	}
	s->done += want;
	if (a - s->start + want >= s->len) {
		audio_src_close(s->src);
		s->src = NULL;
		s->ended = 1;
		m->ended++;
	}
	return 0;
}

/* Adds the bed, ducked by the speech of this block. */
static int
mix_bed(struct audio_mix *m, struct bed_state *b, float *out, const float *speech, long n,
	char *err)
{
	int64_t a = m->pos > b->from ? m->pos : b->from;
	int64_t e = m->pos + n < b->until ? m->pos + n : b->until;
	if (a >= e) {
		if (m->pos >= b->until && b->src) {
			audio_src_close(b->src);
			b->src = NULL;
		}
		return 0;
	}
	long want = (long)(e - a), got = 0;
	while (got < want) {
		if (!b->src && !(b->src = audio_src_open(b->path, m->o.rate, err)))
			return -1;
		long k = audio_src_read(b->src, m->sbuf + got, want - got, err);
		if (k < 0)
			return -1;
		if (k == 0) { /* loop it */
			audio_src_close(b->src);
			b->src = NULL;
			if (got == 0 && want > 0) {
				/* an empty bed file: silence */
				memset(m->sbuf, 0, sizeof(float) * (size_t)want);
				got = want;
			}
			continue;
		}
		got += k;
	}
	double thr = db_to_lin(SIDECHAIN_DB);
	/* a short window of the speech level decides the target */
	double env = 0;
	for (long i = 0; i < want; i++) {
		double v = fabs(speech[a - m->pos + i]);
		env = v > env ? v : env * 0.999;
		double target = env > thr ? b->duck_lin : 1.0;
		double c = target < b->cur ? m->att : m->rel;
		b->cur = target + (b->cur - target) * c;
		out[a - m->pos + i] += (float)(m->sbuf[i] * b->gain * b->cur);
	}
	return 0;
}

long
audio_mix_read(struct audio_mix *m, float *buf, long n, char *err)
{
	if (n > AUDIO_BLOCK)
		n = AUDIO_BLOCK;
	if (m->finished)
		return 0;
	int64_t end = m->total;
	if (m->stop_len && m->stop_at + m->stop_len < end)
		end = m->stop_at + m->stop_len;
	if (m->pos >= end) {
		/* the limiter's look-ahead still holds the last samples */
		long k = audio_limiter_process(m->lim, NULL, 0, buf, n);
		if (k == 0)
			m->finished = 1;
		return k;
	}
	if (m->pos + n > end)
		n = (long)(end - m->pos);
	memset(m->buf, 0, sizeof(float) * (size_t)n);
	memset(m->speech, 0, sizeof(float) * (size_t)n);
	for (size_t i = 0; i < m->n; i++) {
		struct seg_state *s = &m->segs[i];
		if (s->ended || s->start >= m->pos + n)
			continue;
		if (mix_seg(m, s, m->buf, m->speech, n, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < m->nbeds; i++)
		if (mix_bed(m, &m->beds[i], m->buf, m->speech, n, err) < 0)
			return -1;
	for (long i = 0; i < n; i++) {
		float v = m->buf[i];
		if (m->o.highpass_hz > 0)
			v = biquad_run(&m->hp, v);
		if (m->stop_len) {
			int64_t k = m->pos + i - m->stop_at;
			double g = k <= 0 ? 1.0 : 1.0 - (double)k / m->stop_len;
			v *= (float)(g > 0 ? g : 0);
		}
		m->buf[i] = v;
	}
	m->pos += n;
	long k = audio_limiter_process(m->lim, m->buf, n, buf, n);
	if (k == 0) /* only at the very start, while the look-ahead fills */
		return audio_mix_read(m, buf, n, err);
	return k;
}

void
audio_mix_fade_out(struct audio_mix *m, double seconds)
{
	if (m->stop_len)
		return;
	m->stop_at = m->pos;
	m->stop_len = (int64_t)(seconds * m->o.rate);
	if (m->stop_len < 1)
		m->stop_len = 1;
}

double
audio_mix_position(const struct audio_mix *m)
{
	return (double)m->pos / m->o.rate;
}

size_t
audio_mix_segments_done(const struct audio_mix *m)
{
	/* segments end in order of their end: count those wholly before pos */
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->segs[i].start + m->segs[i].len <= m->pos)
			k++;
		else
			break;
	return k;
}

void
audio_mix_free(struct audio_mix *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		audio_src_close(m->segs[i].src);
		free(m->segs[i].path);
	}
	for (size_t i = 0; i < m->nbeds; i++) {
		audio_src_close(m->beds[i].src);
		free(m->beds[i].path);
	}
	free(m->segs);
	free(m->beds);
	audio_limiter_free(m->lim);
	free(m);
}
