/*
 * The programme mixer and its output stage.  Segments sound at their offsets
 * with gain and fades (a crossfade is two overlapping fades); a music bed
 * loops under a run of segments and is ducked while speech sounds (a
 * side-chain envelope with attack and release); then an optional high-pass
 * for horn speakers, and a look-ahead limiter that keeps peaks under the
 * true-peak ceiling.  Only the segments sounding now have open files.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "audio/audio.h"
#include "audio/biquad.h"
#include "base/base.h"

/*
 * The limiter's detector estimates true peaks (4x oversampled, as EBU R128
 * meters do) and holds them this far under the ceiling: ffmpeg's ebur128
 * meter, the reference our tests use, reads up to 1 dB over the truth on
 * tones above 8 kHz (libebur128 reads within 0.1 dB).
 */
#define TP_MARGIN_DB 1.1
#define LOOKAHEAD_S 0.005
#define RELEASE_S 0.08
/* Speech louder than this ducks the bed. */
#define SIDECHAIN_DB -45.0
/* The longest fade a stop may ask for. */
#define STOP_MAX_S 0.5

static double
db_to_lin(double db)
{
	return pow(10.0, db / 20.0);
}

/* ---- limiter ---- */

/* Interpolation: 12 taps per phase (as libebur128), 3 phases between two samples. */
#define TAPS 12
#define HALF (TAPS / 2)
static float interp[3][TAPS];
/* Bound on |interpolated| / max |sample| nearby: sum of |taps|. */
static float interp_gain;

static void
interp_init(void)
{
	if (interp_gain > 0)
		return;
	float worst = 0;
	for (int k = 0; k < 3; k++) {
		double frac = (k + 1) / 4.0, sum = 0, abs_sum = 0;
		for (int i = 0; i < TAPS; i++) {
			/* the value at HALF - 1 + frac, from samples at 0 .. TAPS - 1 */
			double d = (HALF - 1 + frac) - i;
			double sinc = sin(M_PI * d) / (M_PI * d);
			double w = 0.5 * (1 + cos(M_PI * d / HALF));
			interp[k][i] = (float)(sinc * w);
			sum += sinc * w;
		}
		for (int i = 0; i < TAPS; i++) {
			interp[k][i] = (float)(interp[k][i] / sum);
			abs_sum += fabs(interp[k][i]);
		}
		if (abs_sum > worst)
			worst = (float)abs_sum;
	}
	interp_gain = worst;
}

struct audio_limiter {
	int L;          /* look-ahead in samples */
	int R;          /* the audio's delay: look-ahead plus the detector's */
	float thr;      /* linear true-peak threshold */
	double rel;     /* per-sample release coefficient */
	float *delay;   /* ring of the last R input samples */
	int dpos;
	float *ext;     /* the detector's input: TAPS samples of history, then a block */
	float *pk;      /* the true-peak estimate of each sample of the block */
	float ip_prev;  /* the peak between the two samples before the one judged */
	long *dqi;      /* running minimum: a deque of (index, required gain) */
	float *dqv;
	int dq_head, dq_len, dq_cap;
	double *box;    /* ring for the moving average */
	int bpos;
	double box_sum, inv_L;
	double held;    /* the released gain */
	long n;         /* samples in */
	long drop;      /* outputs still to drop: the delay's first contents */
	long flushed;
};

struct audio_limiter *
audio_limiter_new(int rate, double ceiling_dbtp)
{
	interp_init();
	struct audio_limiter *l = xcalloc(1, sizeof *l);
	l->L = (int)(LOOKAHEAD_S * rate);
	if (l->L < 2)
		l->L = 2;
	l->R = l->L + HALF - 1;
	l->drop = l->R;
	l->thr = (float)db_to_lin(ceiling_dbtp - TP_MARGIN_DB);
	l->rel = exp(-1.0 / (RELEASE_S * rate));
	l->delay = xcalloc((size_t)l->R, sizeof *l->delay);
	l->ext = xcalloc(AUDIO_BLOCK + TAPS, sizeof *l->ext);
	l->pk = xcalloc(AUDIO_BLOCK, sizeof *l->pk);
	l->dq_cap = l->L + 1;
	l->dqi = xcalloc((size_t)l->dq_cap, sizeof *l->dqi);
	l->dqv = xcalloc((size_t)l->dq_cap, sizeof *l->dqv);
	l->box = xcalloc((size_t)l->L, sizeof *l->box);
	for (int i = 0; i < l->L; i++)
		l->box[i] = 1.0;
	l->box_sum = l->L;
	l->inv_L = 1.0 / l->L;
	l->held = 1.0;
	return l;
}

/*
 * The true-peak estimate of each sample of a block (n ≤ AUDIO_BLOCK, already
 * in ext after the history): its own value and the interpolated values on
 * either side.  The sample judged at input j is the one HALF - 1 back, so
 * the filter sees HALF samples after it.  Stretches too quiet to reach the
 * threshold even between samples skip the filter.  Returns the block's max.
 */
#define STRETCH 64
/* fmaxf() without its NaN rules, so that it stays inline */
#define MAXF(a, b) ((a) > (b) ? (a) : (b))
static float
detect(struct audio_limiter *l, long n)
{
	const float *e = l->ext;
	float top = 0;
	for (long s = 0; s < n; s += STRETCH) {
		long end = s + STRETCH < n ? s + STRETCH : n;
		float mx = 0;
		for (long i = s + 1; i < end + TAPS; i++)
			mx = MAXF(mx, fabsf(e[i]));
		if (mx * interp_gain < l->thr) {
			/* nothing here can reach the threshold: the sample values do */
			for (long j = s; j < end; j++)
				l->pk[j] = fabsf(e[j + HALF]);
			l->ip_prev = 0;
			continue;
		}
		for (long j = s; j < end; j++) {
			const float *h = e + j + 1;
			float ip = 0;
			for (int k = 0; k < 3; k++) {
				float v = 0;
				for (int i = 0; i < TAPS; i++)
					v += interp[k][i] * h[i];
				ip = MAXF(ip, fabsf(v));
			}
			float p = MAXF(fabsf(h[HALF - 1]), MAXF(ip, l->ip_prev));
			l->ip_prev = ip;
			l->pk[j] = p;
		}
	}
	for (long j = 0; j < n; j++)
		top = MAXF(top, l->pk[j]);
	/* the next block's history */
	memmove(l->ext, l->ext + n, sizeof(float) * TAPS);
	return top;
}

/*
 * The gain: the moving average (over L) of the running minimum (over L) of
 * the gain each sample needs, so it has ramped fully down by the time a
 * peak comes out of the delay.  The state lives in locals for the block, so
 * that the compiler keeps it in registers.
 */
static void
limit_block(struct audio_limiter *l, const float *x, const float *pk, float *out, long cnt)
{
	const int L = l->L, cap = l->dq_cap, R = l->R;
	const float thr = l->thr;
	const double rel = l->rel, inv_L = l->inv_L;
	long n = l->n;
	int head = l->dq_head, len = l->dq_len, bpos = l->bpos, dpos = l->dpos;
	double held = l->held, box_sum = l->box_sum;
	long *dqi = l->dqi;
	float *dqv = l->dqv, *delay = l->delay;
	double *box = l->box;
	for (long i = 0; i < cnt; i++, n++) {
		float r = pk[i] > thr ? thr / pk[i] : 1.0f;
		while (len) {
			int back = head + len - 1;
			if (back >= cap)
				back -= cap;
			if (dqv[back] < r)
				break;
			len--;
		}
		int back = head + len;
		if (back >= cap)
			back -= cap;
		dqi[back] = n;
		dqv[back] = r;
		len++;
		if (dqi[head] <= n - L) {
			if (++head == cap)
				head = 0;
			len--;
		}
		double m = dqv[head];
		/* down at once (the average makes the ramp), up slowly */
		double g = 1.0 - (1.0 - held) * rel;
		if (g > 1.0 - 1e-5) /* at rest again: -0.0001 dB is nothing */
			g = 1.0;
		if (g > m)
			g = m;
		held = g;
		box_sum += g - box[bpos];
		box[bpos] = g;
		if (++bpos == L)
			bpos = 0;
		float y = delay[dpos];
		delay[dpos] = x[i];
		if (++dpos == R)
			dpos = 0;
		out[i] = y * (float)(box_sum * inv_L);
	}
	l->n = n;
	l->dq_head = head;
	l->dq_len = len;
	l->bpos = bpos;
	l->dpos = dpos;
	l->held = held;
	l->box_sum = box_sum;
}

static int
at_rest(const struct audio_limiter *l)
{
	if (l->held != 1.0 || fabs(l->box_sum - l->L) > 1e-6)
		return 0;
	for (int i = 0; i < l->dq_len; i++) {
		int k = l->dq_head + i;
		if (l->dqv[k >= l->dq_cap ? k - l->dq_cap : k] < 1.0f)
			return 0;
	}
	return 1;
}

/* n ≤ AUDIO_BLOCK samples in ext, n out (the first R of a stream are the delay's silence). */
static void
run_block(struct audio_limiter *l, long n, float *out)
{
	const float *x = l->ext + TAPS;
	float top = detect(l, n);
	if (top < l->thr && at_rest(l)) {
		/* most blocks: no gain to apply, only the delay */
		for (long i = 0; i < n; i++) {
			out[i] = l->delay[l->dpos];
			l->delay[l->dpos] = x[i];
			if (++l->dpos == l->R)
				l->dpos = 0;
		}
		for (int i = 0; i < l->L; i++)
			l->box[i] = 1.0;
		l->box_sum = l->L;
		l->dq_len = 0;
		l->n += n;
		return;
	}
	limit_block(l, x, l->pk, out, n);
}

/* Feeds n samples (NULL: silence), writes what comes out after the drop. */
static long
feed(struct audio_limiter *l, const float *buf, long n, float *out)
{
	long k = 0;
	while (n > 0) {
		long c = n < AUDIO_BLOCK ? n : AUDIO_BLOCK;
		if (buf)
			memcpy(l->ext + TAPS, buf, sizeof(float) * (size_t)c);
		else
			memset(l->ext + TAPS, 0, sizeof(float) * (size_t)c);
		float *x = out + k;
		run_block(l, c, x);
		if (l->drop) {
			long d = l->drop < c ? l->drop : c;
			memmove(x, x + d, sizeof(float) * (size_t)(c - d));
			l->drop -= d;
			k += c - d;
		} else {
			k += c;
		}
		if (buf)
			buf += c;
		n -= c;
	}
	return k;
}

long
audio_limiter_process(struct audio_limiter *l, float *buf, long n, float *out, long cap)
{
	if (buf)
		return feed(l, buf, n < cap ? n : cap, out);
	/* flush the delay with silence; 0 only once all is out */
	long k = 0;
	while (k == 0 && l->flushed < l->R) {
		long want = l->R - l->flushed;
		if (want > cap)
			want = cap;
		l->flushed += want;
		k = feed(l, NULL, want, out);
	}
	return k;
}

void
audio_limiter_free(struct audio_limiter *l)
{
	if (!l)
		return;
	free(l->delay);
	free(l->ext);
	free(l->pk);
	free(l->dqi);
	free(l->dqv);
	free(l->box);
	free(l);
}

/* ---- high-pass: audio/biquad.h ---- */

/* ---- mixer ---- */

struct seg_state {
	struct audio_seg s;
	char *path;
	int64_t start, len, fin, fout; /* frames */
	struct audio_src *src;
	int64_t done; /* frames played */
	int ended;
	int failed;   /* its file failed: silence from here (skip_bad) */
	size_t span;  /* its entry in the timeline */
};

struct bed_state {
	struct audio_bed b;
	char *path;
	int64_t from, until;
	struct audio_src *src;
	double gain, duck_lin, cur; /* current ducking gain (linear) */
	double env;                 /* side-chain level, kept across blocks */
	int failed;
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
	int64_t stop_at, stop_len; /* fade-out in force; stop_len 0: none */
	atomic_long stop_req_us;   /* a stop asked for (from any thread); 0: none */
	atomic_long end_req_us;    /* relays to end early (from any thread); 0: none, -1: done */
	int finished;
	struct audio_span *spans;
	size_t nspans;
	char **reasons;            /* per span, owned */
};

static int
check_opts(const struct audio_mix_opts *o, char *err)
{
	if (o->rate < 8000 || o->rate > 384000) {
		err_set(err, _("The sample rate %d Hz is not usable; use 8000 to 384000 (48000 is usual)."),
			o->rate);
		return -1;
	}
	if (o->highpass_hz < 0 || o->highpass_hz >= o->rate / 2.0) {
		err_set(err, _("The high-pass frequency %g Hz is not usable at %d Hz; use 0 (off) or e.g. 150."),
			o->highpass_hz, o->rate);
		return -1;
	}
	return 0;
}

static double
nonneg(double x)
{
	return isfinite(x) && x > 0 ? x : 0;
}

/* The mixer over laid-out segments; span_of[i] is segment i's timeline entry. */
static struct audio_mix *
mix_alloc(const struct audio_seg *segs, size_t n, const size_t *span_of, size_t nspans,
	  const struct audio_bed *beds, size_t nbeds, const struct audio_mix_opts *o)
{
	struct audio_mix *m = xcalloc(1, sizeof *m);
	m->o = *o;
	m->segs = xcalloc(n ? n : 1, sizeof *m->segs);
	m->n = n;
	m->nspans = nspans;
	m->spans = xcalloc(nspans ? nspans : 1, sizeof *m->spans);
	m->reasons = xcalloc(nspans ? nspans : 1, sizeof *m->reasons);
	atomic_init(&m->stop_req_us, 0);
	atomic_init(&m->end_req_us, 0);
	double r = o->rate;
	for (size_t i = 0; i < n; i++) {
		struct seg_state *s = &m->segs[i];
		s->s = segs[i];
		s->path = segs[i].path ? xstrdup(segs[i].path) : NULL;
		s->s.path = s->path;
		s->start = (int64_t)llround(nonneg(segs[i].offset_s) * r);
		s->len = (int64_t)llround(nonneg(segs[i].length_s) * r);
		s->fin = (int64_t)llround(nonneg(segs[i].fade_in) * r);
		s->fout = (int64_t)llround(nonneg(segs[i].fade_out) * r);
		s->span = span_of ? span_of[i] : i;
		if (s->start + s->len > m->total)
			m->total = s->start + s->len;
		struct audio_span *sp = &m->spans[s->span];
		sp->offset_s = (double)s->start / r;
		sp->length_s = (double)s->len / r;
	}
	m->beds = xcalloc(nbeds ? nbeds : 1, sizeof *m->beds);
	m->nbeds = nbeds;
	for (size_t i = 0; i < nbeds; i++) {
		struct bed_state *b = &m->beds[i];
		b->b = beds[i];
		b->path = xstrdup(beds[i].path);
		b->b.path = b->path;
		b->from = (int64_t)llround(nonneg(beds[i].from_s) * r);
		b->until = (int64_t)llround(nonneg(beds[i].until_s) * r);
		b->gain = db_to_lin(beds[i].gain_db);
		b->duck_lin = db_to_lin(beds[i].duck_db);
		b->cur = 1.0;
	}
	if (o->highpass_hz > 0)
		highpass_init(&m->hp, o->highpass_hz, o->rate);
	m->lim = audio_limiter_new(o->rate, o->ceiling_dbtp);
	m->att = exp(-1.0 / ((o->duck_attack > 0 ? o->duck_attack : 0.05) * r));
	m->rel = exp(-1.0 / ((o->duck_release > 0 ? o->duck_release : 0.5) * r));
	return m;
}

struct audio_mix *
audio_mix_new(const struct audio_seg *segs, size_t n, const struct audio_bed *beds, size_t nbeds,
	      const struct audio_mix_opts *o, char *err)
{
	if (check_opts(o, err) < 0)
		return NULL;
	return mix_alloc(segs, n, NULL, n, beds, nbeds, o);
}

/*
 * The gain that brings a file to the target.  A silent file (-70 LUFS, the
 * meter's floor) is left as it is, and no file is raised by more than 30 dB:
 * what is that quiet is mostly noise, and raising it further only makes the
 * noise loud.
 */
#define MAX_RAISE_DB 30.0
static double
to_target(double target, double lufs)
{
	if (!isfinite(lufs) || lufs <= -70)
		return 0;
	double g = target - lufs;
	return g > MAX_RAISE_DB ? MAX_RAISE_DB : g;
}

struct audio_mix *
audio_mix_programme(const struct audio_item *items, size_t n, const struct audio_prog_bed *pbeds,
		    size_t nbeds, const struct audio_prog_opts *o, char *err)
{
	if (check_opts(&o->mix, err) < 0)
		return NULL;
	struct audio_seg *segs = xcalloc(n ? n : 1, sizeof *segs);
	size_t *span_of = xcalloc(n ? n : 1, sizeof *span_of);
	char **why = xcalloc(n ? n : 1, sizeof *why);
	double *len = xcalloc(n ? n : 1, sizeof *len);
	struct audio_bed *beds = xcalloc(nbeds ? nbeds : 1, sizeof *beds);
	for (size_t i = 0; i < nbeds; i++)
		beds[i] = (struct audio_bed){ .path = pbeds[i].path,
					      .gain_db = to_target(o->target_lufs, pbeds[i].lufs) + pbeds[i].gain_db,
					      .duck_db = pbeds[i].duck_db, .from_s = -1 };
	/* learn each file's length at the output rate: only its header is read */
	for (size_t i = 0; i < n; i++) {
		if (!items[i].path) {
			len[i] = nonneg(items[i].silence_s);
			continue;
		}
		char e2[ERRLEN];
		struct audio_src *src = audio_src_open(items[i].path, o->mix.rate, e2);
		if (src && audio_src_frames(src) <= 0)
			err_set(e2, _("%s holds no audio (0 frames)."), items[i].path);
		if (src && audio_src_frames(src) > 0)
			len[i] = (double)audio_src_frames(src) / o->mix.rate;
		else if (o->mix.skip_bad)
			why[i] = xstrdup(e2);
		else
			err_set(err, "%s", e2);
		audio_src_close(src);
		if (!len[i] && !why[i]) {
			for (size_t k = 0; k < i; k++)
				free(why[k]);
			free(segs);
			free(span_of);
			free(why);
			free(len);
			free(beds);
			return NULL;
		}
	}
	/* the layout: each item after the last one's gap, or over its crossfade */
	double cursor = 0;
	size_t ns = 0;
	struct audio_seg *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct audio_item *it = &items[i];
		if (why[i])
			continue;
		double xf = nonneg(it->crossfade);
		if (!prev)
			xf = 0;
		if (prev && xf > prev->length_s)
			xf = prev->length_s;
		if (xf > len[i])
			xf = len[i];
		struct audio_seg *s = &segs[ns];
		*s = (struct audio_seg){
			.path = it->path,
			.silence_s = len[i],
			.gain_db = it->path ? to_target(o->target_lufs, it->lufs) + it->gain_db : 0,
			.fade_in = nonneg(it->fade_in) > xf ? nonneg(it->fade_in) : xf,
			.fade_out = nonneg(it->fade_out),
			.offset_s = cursor - xf > 0 ? cursor - xf : 0,
			.length_s = len[i],
			.bed = it->bed >= 0 && (size_t)it->bed < nbeds ? it->bed : -1,
			.speech = it->speech,
		};
		if (prev && xf > prev->fade_out)
			prev->fade_out = xf;
		if (s->bed >= 0) {
			struct audio_bed *b = &beds[s->bed];
			if (b->from_s < 0)
				b->from_s = s->offset_s;
			b->until_s = s->offset_s + s->length_s;
		}
		cursor = s->offset_s + s->length_s + nonneg(it->gap);
		span_of[ns] = i;
		prev = s;
		ns++;
	}
	for (size_t i = 0; i < nbeds; i++)
		if (beds[i].from_s < 0)
			beds[i].from_s = beds[i].until_s = 0;
	struct audio_mix *m = mix_alloc(segs, ns, span_of, n, beds, nbeds, &o->mix);
	for (size_t i = 0; i < n; i++) {
		if (!why[i])
			continue;
		m->reasons[i] = why[i];
		m->spans[i] = (struct audio_span){ .skipped = 1, .reason = why[i] };
	}
	/* a left-out item sits where it would have started */
	double at = 0;
	for (size_t i = 0; i < n; i++) {
		if (m->spans[i].skipped)
			m->spans[i].offset_s = at;
		else
			at = m->spans[i].offset_s + m->spans[i].length_s;
	}
	free(segs);
	free(span_of);
	free(why);
	free(len);
	free(beds);
	return m;
}

const struct audio_span *
audio_mix_timeline(const struct audio_mix *m, size_t *n)
{
	*n = m->nspans;
	return m->spans;
}

double
audio_mix_length(const struct audio_mix *m)
{
	return (double)m->total / m->o.rate;
}

/* Segment s's file failed: silence in its place, or the error. */
static int
seg_failed(struct audio_mix *m, struct seg_state *s, char *err)
{
	audio_src_close(s->src);
	s->src = NULL;
	s->failed = 1;
	if (!m->o.skip_bad)
		return -1;
	struct audio_span *sp = &m->spans[s->span];
	if (!m->reasons[s->span])
		m->reasons[s->span] = xstrdup(err ? err : "");
	sp->skipped = 1;
	sp->reason = m->reasons[s->span];
	sp->length_s = (double)s->done / m->o.rate;
	return 0;
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
	if (s->path && !s->src && !s->ended && !s->failed) {
		s->src = audio_src_open(s->path, m->o.rate, err);
		if (!s->src && seg_failed(m, s, err) < 0)
			return -1;
	}
	long want = (long)(b - a);
	long got = 0;
	if (s->s.relay) {
		got = audio_relay_read(s->s.relay, m->sbuf, want);
	} else if (s->src) {
		got = audio_src_read(s->src, m->sbuf, want, err);
		if (got < 0) {
			got = 0;
			if (seg_failed(m, s, err) < 0)
				return -1;
		}
	}
	if (got < want)
		memset(m->sbuf + got, 0, sizeof(float) * (size_t)(want - got));
	float gain = (float)db_to_lin(s->s.gain_db);
	int64_t k0 = a - s->start;
	float *o = out + (a - m->pos), *sp = speech + (a - m->pos);
	if (k0 >= s->fin && k0 + want <= s->len - s->fout) {
		/* no fade in this stretch: the common case, kept simple to vectorise */
		for (long i = 0; i < want; i++)
			o[i] += m->sbuf[i] * gain;
		if (s->s.speech)
			for (long i = 0; i < want; i++)
				sp[i] += m->sbuf[i] * gain;
	} else {
		for (long i = 0; i < want; i++) {
			float v = (float)(m->sbuf[i] * gain * seg_envelope(s, k0 + i));
			o[i] += v;
			if (s->s.speech)
				sp[i] += v;
		}
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
	if (b->failed)
		return 0;
	long want = (long)(e - a), got = 0;
	while (got < want) {
		long k = -1;
		if (b->src || (b->src = audio_src_open(b->path, m->o.rate, err)))
			k = audio_src_read(b->src, m->sbuf + got, want - got, err);
		if (k < 0) {
			/* a bed that fails is left out (skip) or fails the programme */
			audio_src_close(b->src);
			b->src = NULL;
			b->failed = 1;
			return m->o.skip_bad ? 0 : -1;
		}
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
	const float thr = (float)db_to_lin(SIDECHAIN_DB);
	/*
	 * The side chain: a peak follower on the speech (about 20 ms to fall)
	 * decides whether the bed should be down; the bed's gain moves there
	 * with the attack or release time.  Judged every 16 samples (a third
	 * of a millisecond), the gain ramping linearly in between.
	 */
	const float *sp = speech + (a - m->pos);
	float *o = out + (a - m->pos);
	const float *in = m->sbuf;
	double env = b->env, cur = b->cur, duck = b->duck_lin, gain = b->gain;
	double att16 = pow(m->att, 16), rel16 = pow(m->rel, 16), fall16 = pow(0.999, 16);
	for (long i = 0; i < want; i += 16) {
		long e2 = i + 16 < want ? i + 16 : want;
		float pk = 0;
		for (long j = i; j < e2; j++)
			pk = pk > fabsf(sp[j]) ? pk : fabsf(sp[j]);
		env = pk > env * fall16 ? pk : env * fall16;
		double target = env > thr ? duck : 1.0;
		double c = target < cur ? att16 : rel16;
		if (e2 - i < 16)
			c = pow(target < cur ? m->att : m->rel, (double)(e2 - i));
		double next = target + (cur - target) * c;
		float g0 = (float)(gain * cur), step = (float)(gain * (next - cur) / (double)(e2 - i));
		for (long j = i; j < e2; j++)
			o[j] += in[j] * (g0 + step * (float)(j - i + 1));
		cur = next;
	}
	b->cur = cur;
	b->env = env;
	return 0;
}

/*
 * Ends each relay that has not ended yet: one sounding fades out over
 * `fade` frames from pos, one still to come is left out (0 frames), and
 * everything after it moves earlier by what was taken away, so the items
 * after a live announcement (its closing jingle) follow at once.
 */
static void
end_relays(struct audio_mix *m, int64_t fade)
{
	for (size_t i = 0; i < m->n; i++) {
		struct seg_state *s = &m->segs[i];
		int64_t end = s->start + s->len;
		if (!s->s.relay || s->ended || end <= m->pos)
			continue;
		int64_t keep = m->pos > s->start ? m->pos - s->start + fade : 0;
		if (keep >= s->len)
			continue;
		int64_t delta = s->len - keep;
		s->len = keep;
		/* it fades over what is left of it, from the next frame */
		int64_t left = m->pos > s->start ? keep - (m->pos - s->start) : 0;
		if (left > 0)
			s->fout = left;
		m->spans[s->span].length_s = (double)keep / m->o.rate;
		for (size_t j = 0; j < m->n; j++) {
			struct seg_state *t = &m->segs[j];
			if (j == i || t->start < end)
				continue;
			t->start -= delta;
			m->spans[t->span].offset_s = (double)t->start / m->o.rate;
		}
	}
	m->total = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->segs[i].start + m->segs[i].len > m->total)
			m->total = m->segs[i].start + m->segs[i].len;
}

long
audio_mix_read(struct audio_mix *m, float *buf, long n, char *err)
{
	if (n > AUDIO_BLOCK)
		n = AUDIO_BLOCK;
	if (m->finished)
		return 0;
	long end_us = atomic_load(&m->end_req_us);
	if (end_us > 0 && !m->stop_len) {
		end_relays(m, (int64_t)((double)end_us * m->o.rate / 1e6));
		atomic_store(&m->end_req_us, -1);
	}
	long req = atomic_load(&m->stop_req_us);
	if (req && !m->stop_len) {
		m->stop_at = m->pos;
		m->stop_len = (int64_t)((double)req * m->o.rate / 1e6);
		if (m->stop_len < 1)
			m->stop_len = 1;
		double cut = (double)m->pos / m->o.rate;
		for (size_t i = 0; i < m->nspans; i++)
			if (!m->spans[i].skipped && m->spans[i].offset_s + m->spans[i].length_s > cut)
				m->spans[i].cut = 1;
	}
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

/*
 * A request from another thread, taken by the next audio_mix_read(): the
 * fade's length in microseconds (at least 1, at most STOP_MAX_S); the
 * first request stands.
 */
static void
request(atomic_long *slot, double seconds)
{
	if (!(seconds > 0))
		seconds = 0;
	if (seconds > STOP_MAX_S)
		seconds = STOP_MAX_S;
	long us = (long)(seconds * 1e6);
	long none = 0;
	atomic_compare_exchange_strong(slot, &none, us > 0 ? us : 1);
}

void
audio_mix_fade_out(struct audio_mix *m, double seconds)
{
	request(&m->stop_req_us, seconds);
}

void
audio_mix_end_relays(struct audio_mix *m, double seconds)
{
	request(&m->end_req_us, seconds);
}

double
audio_mix_cut_s(const struct audio_mix *m)
{
	return m->stop_len ? (double)m->stop_at / m->o.rate : -1;
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
	for (size_t i = 0; i < m->nspans; i++)
		free(m->reasons[i]);
	free(m->reasons);
	free(m->spans);
	free(m->segs);
	free(m->beds);
	audio_limiter_free(m->lim);
	free(m);
}

/* The loudness of a file after the output stage, at a given gain. */
static double
limited_loudness(const char *path, double gain, double seconds, int rate, double ceiling)
{
	char err[ERRLEN];
	struct audio_seg seg = { .path = path, .gain_db = gain, .length_s = seconds, .bed = -1,
				 .speech = 1 };
	struct audio_mix_opts mo = { .rate = rate, .ceiling_dbtp = ceiling };
	struct audio_mix *m = audio_mix_new(&seg, 1, NULL, 0, &mo, err);
	if (!m)
		return -70;
	struct audio_meter *meter = audio_meter_new(rate);
	float buf[AUDIO_BLOCK];
	long n;
	while ((n = audio_mix_read(m, buf, AUDIO_BLOCK, err)) > 0)
		audio_meter_add(meter, buf, n);
	double got = n < 0 ? -70 : audio_meter_lufs(meter);
	audio_meter_free(meter);
	audio_mix_free(m);
	return got;
}

double
audio_effective_lufs(const char *path, double lufs, double seconds, int rate, double target,
		     double ceiling)
{
	double g0 = target - lufs;
	double m0 = limited_loudness(path, g0, seconds, rate, ceiling);
	if (m0 <= -70 || fabs(target - m0) < 0.1)
		return target - g0;
	double g1 = g0 + (target - m0);
	double m1 = limited_loudness(path, g1, seconds, rate, ceiling);
	if (m1 <= -70 || fabs(target - m1) < 0.1)
		return target - g1;
	double slope = (m1 - m0) / (g1 - g0);
	if (slope < 0.3)
		slope = 0.3;
	if (slope > 1)
		slope = 1;
	return target - (g1 + (target - m1) / slope);
}
