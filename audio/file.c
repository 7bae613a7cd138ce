/*
 * Audio files: decoding with libsndfile (every format it reads, downmixed to
 * mono), resampling with libsoxr, measuring with libebur128, writing WAV and
 * FLAC.  All streaming, in blocks.
 */
#include <ebur128.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <soxr.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/audio.h"
#include "audio/wav16.h"
#include "base/base.h"

#define MAX_RATE 384000
#define MAX_CHANNELS 64
/* EBU R128 gates 400 ms blocks: a shorter sound is measured looped to this. */
#define MIN_MEASURE_S 0.4

/* ---- meter ---- */

struct audio_meter {
	ebur128_state *st;
	float *first; /* the first min_s seconds, to loop when that is all there is */
	long first_n, first_cap;
	int64_t frames;
	int settled; /* the short sound was looped: nothing more is added */
};

struct audio_meter *
audio_meter_open(int rate, int true_peak, double min_s)
{
	struct audio_meter *m = xcalloc(1, sizeof *m);
	m->st = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_I |
			     (true_peak ? EBUR128_MODE_TRUE_PEAK : 0));
	if (!m->st) /* libebur128 allocates nothing else that can fail */
		fatal("out of memory (the loudness meter)");
	if (min_s > 0) {
		m->first_cap = (long)(min_s * rate) + 1;
		m->first = xmalloc(sizeof(float) * (size_t)m->first_cap);
	}
	return m;
}

struct audio_meter *
audio_meter_new(int rate)
{
	return audio_meter_open(rate, 1, 0);
}

static void
keep_first(struct audio_meter *m, const float *buf, const short *s16, long n)
{
	long k = m->first_cap - m->first_n < n ? m->first_cap - m->first_n : n;
	for (long i = 0; i < k; i++)
		m->first[m->first_n + i] = buf ? buf[i] : s16[i] * (1.0f / 32768.0f);
	if (k > 0)
		m->first_n += k;
	m->frames += n;
}

void
audio_meter_add(struct audio_meter *m, const float *buf, long n)
{
	if (n <= 0)
		return;
	ebur128_add_frames_float(m->st, buf, (size_t)n);
	keep_first(m, buf, NULL, n);
}

void
audio_meter_add_s16(struct audio_meter *m, const short *buf, long n)
{
	if (n <= 0)
		return;
	ebur128_add_frames_short(m->st, buf, (size_t)n);
	keep_first(m, NULL, buf, n);
}

/*
 * A sound shorter than the meter's min_s is measured looped to it: what a
 * listener hears of a 0.1 s beep is the beep, not the beep and silence
 * (EBU R128 gates 400 ms blocks).  Once, before the first reading.
 */
static void
settle(struct audio_meter *m)
{
	if (m->settled)
		return;
	m->settled = 1;
	for (int64_t fed = m->frames; m->first && m->frames > 0 && fed < m->first_cap;
	     fed += m->frames)
		ebur128_add_frames_float(m->st, m->first, (size_t)m->frames);
}

double
audio_meter_lufs(struct audio_meter *m)
{
	settle(m);
	double l;
	if (ebur128_loudness_global(m->st, &l) != EBUR128_SUCCESS || !isfinite(l) || l < -70)
		return -70;
	return l;
}

double
audio_meter_true_peak_db(struct audio_meter *m)
{
	settle(m);
	double p = 0;
	ebur128_true_peak(m->st, 0, &p);
	return p > 0 ? 20 * log10(p) : -120;
}

void
audio_meter_free(struct audio_meter *m)
{
	if (!m)
		return;
	ebur128_destroy(&m->st);
	free(m->first);
	free(m);
}

/* ---- resampler ---- */

struct audio_resampler {
	soxr_t soxr;
	double ratio;
};

struct audio_resampler *
audio_resampler_new(int in_rate, int out_rate, char *err)
{
	soxr_error_t e = NULL;
	/* SOXR_MQ: transparent for speech and loudspeaker music, and cheap */
	soxr_quality_spec_t q = soxr_quality_spec(SOXR_MQ, 0);
	soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
	soxr_runtime_spec_t rt = soxr_runtime_spec(1);
	soxr_t s = soxr_create(in_rate, out_rate, 1, &e, &io, &q, &rt);
	if (!s || e) {
		err_set(err, _("Cannot resample from %d Hz to %d Hz: %s."), in_rate, out_rate,
			e ? e : "soxr");
		return NULL;
	}
	struct audio_resampler *r = xcalloc(1, sizeof *r);
	r->soxr = s;
	r->ratio = (double)out_rate / in_rate;
	return r;
}

long
audio_resample(struct audio_resampler *r, const float *in, long n, float *out, long cap)
{
	size_t idone = 0, odone = 0;
	soxr_process(r->soxr, in, in ? (size_t)n : 0, &idone, out, (size_t)cap, &odone);
	return (long)odone;
}

void
audio_resampler_free(struct audio_resampler *r)
{
	if (!r)
		return;
	soxr_delete(r->soxr);
	free(r);
}

/* ---- decoding ---- */

/*
 * libsndfile's reason, fit to go inside our sentence: without its
 * "Error : " prefix and its final full stop.
 */
static const char *
why(SNDFILE *f, char buf[ERRLEN])
{
	const char *s = sf_strerror(f);
	if (strncmp(s, "Error : ", 8) == 0)
		s += 8;
	snprintf(buf, ERRLEN, "%s", s);
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '.' || buf[n - 1] == ' ' || buf[n - 1] == '\n'))
		buf[--n] = 0;
	return buf;
}

/*
 * A WAV file whose data chunk says it is longer than the file: it was cut
 * short (a copy that stopped, a recorder that crashed).  libsndfile plays
 * what is there without complaint, so look at its log.  A size of 0 or
 * 0xFFFFFFFF means "unknown" (a streamed write) and is fine.
 */
static int
cut_short(SNDFILE *f, const SF_INFO *info, const char *path, char *err)
{
	if ((info->format & SF_FORMAT_TYPEMASK) != SF_FORMAT_WAV &&
	    (info->format & SF_FORMAT_TYPEMASK) != SF_FORMAT_WAVEX)
		return 0;
	char log[4096];
	sf_command(f, SFC_GET_LOG_INFO, log, sizeof log);
	const char *p = strstr(log, "\ndata : ");
	unsigned long long said, is;
	if (!p || sscanf(p, "\ndata : %llu (should be %llu)", &said, &is) != 2)
		return 0;
	if (said == 0 || said >= 0xFFFFFFF0ULL || said <= is)
		return 0;
	/* bytes per frame, from what is there */
	double bpf = info->frames > 0 ? (double)is / (double)info->frames : 0;
	double whole = bpf > 0 ? (double)said / bpf : 0;
	err_set(err, _("%s is cut short: its header promises %.1f s of sound but only %.1f s are there; copy the file again from where it came."),
		path, whole / info->samplerate, (double)info->frames / info->samplerate);
	return 1;
}

static SNDFILE *
open_file(const char *path, SF_INFO *info, char *err)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		err_set(err, _("Cannot open %s: %s."), path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		err_set(err, _("%s is a directory, not an audio file."), path);
		return NULL;
	}
	if (st.st_size == 0) {
		err_set(err, _("%s is empty (0 bytes); it holds no audio."), path);
		return NULL;
	}
	memset(info, 0, sizeof *info);
	SNDFILE *f = sf_open(path, SFM_READ, info);
	if (!f) {
		char wb[ERRLEN];
		err_set(err, _("%s is not an audio file loaxa can read (%s); use WAV, FLAC, Ogg Vorbis or MP3."),
			path, why(NULL, wb));
		return NULL;
	}
	if (info->samplerate < 1000 || info->samplerate > MAX_RATE) {
		err_set(err, _("%s has a sample rate of %d Hz, which is not usable (1000 to %d Hz)."),
			path, info->samplerate, MAX_RATE);
		sf_close(f);
		return NULL;
	}
	if (info->channels < 1 || info->channels > MAX_CHANNELS) {
		err_set(err, _("%s has %d channels; loaxa reads 1 to %d."), path, info->channels,
			MAX_CHANNELS);
		sf_close(f);
		return NULL;
	}
	if (info->frames == 0) {
		err_set(err, _("%s holds no audio (0 frames)."), path);
		sf_close(f);
		return NULL;
	}
	if (cut_short(f, info, path, err)) {
		sf_close(f);
		return NULL;
	}
	return f;
}

/* Reads up to n frames, downmixed to mono; -1 on a decoding error. */
static long
read_mono(SNDFILE *f, int channels, float *tmp, float *out, long n)
{
	if (channels == 1)
		return (long)sf_readf_float(f, out, n);
	sf_count_t got = sf_readf_float(f, tmp, n);
	for (sf_count_t i = 0; i < got; i++) {
		float s = 0;
		for (int c = 0; c < channels; c++)
			s += tmp[i * channels + c];
		out[i] = s / (float)channels;
	}
	return (long)got;
}

int
audio_probe(const char *path, struct audio_info *out, char *err)
{
	SF_INFO info;
	SNDFILE *f = open_file(path, &info, err);
	if (!f)
		return -1;
	/* a sound too short to measure as it is, is measured looped (the meter does it) */
	struct audio_meter *m = audio_meter_open(info.samplerate, 1, MIN_MEASURE_S);
	float *tmp = xmalloc(sizeof(float) * AUDIO_BLOCK * (size_t)info.channels);
	float mono[AUDIO_BLOCK];
	int64_t frames = 0;
	long n;
	while ((n = read_mono(f, info.channels, tmp, mono, AUDIO_BLOCK)) > 0) {
		audio_meter_add(m, mono, n);
		frames += n;
	}
	int bad = sf_error(f);
	free(tmp);
	if (bad) {
		char wb[ERRLEN];
		err_set(err, _("%s is damaged: %s after %.1f s."), path, why(f, wb),
			(double)frames / info.samplerate);
		sf_close(f);
		audio_meter_free(m);
		return -1;
	}
	sf_close(f);
	if (frames == 0) {
		err_set(err, _("%s holds no audio (0 frames)."), path);
		audio_meter_free(m);
		return -1;
	}
	out->sample_rate = info.samplerate;
	out->channels = info.channels;
	out->frames = frames;
	out->duration_s = (double)frames / info.samplerate;
	out->lufs = audio_meter_lufs(m);
	out->true_peak_db = audio_meter_true_peak_db(m);
	audio_meter_free(m);
	return sha256_file(path, out->sha256, err);
}

struct audio_src {
	SNDFILE *f;
	SF_INFO info;
	char *path;
	struct audio_resampler *rs;
	float *tmp;
	float in[AUDIO_BLOCK];
	long in_len, in_pos; /* native-rate samples not yet resampled */
	float *out;
	long out_cap, out_len, out_pos;
	int eof, flushed;
	int rate;
};

struct audio_src *
audio_src_open(const char *path, int rate, char *err)
{
	SF_INFO info;
	SNDFILE *f = open_file(path, &info, err);
	if (!f)
		return NULL;
	struct audio_src *s = xcalloc(1, sizeof *s);
	s->f = f;
	s->info = info;
	s->rate = rate;
	s->path = xstrdup(path);
	s->tmp = xmalloc(sizeof(float) * AUDIO_BLOCK * (size_t)info.channels);
	if (info.samplerate != rate) {
		s->rs = audio_resampler_new(info.samplerate, rate, err);
		if (!s->rs) {
			audio_src_close(s);
			return NULL;
		}
		s->out_cap = (long)((double)AUDIO_BLOCK * rate / info.samplerate) + 256;
		s->out = xmalloc(sizeof(float) * (size_t)s->out_cap);
	}
	return s;
}

int64_t
audio_src_frames(const struct audio_src *s)
{
	return (int64_t)((double)s->info.frames * s->rate / s->info.samplerate + 0.5);
}

long
audio_src_read(struct audio_src *s, float *buf, long n, char *err)
{
	if (!s->rs) {
		long got = 0;
		while (got < n) {
			long k = read_mono(s->f, s->info.channels, s->tmp, buf + got,
					   n - got < AUDIO_BLOCK ? n - got : AUDIO_BLOCK);
			if (k <= 0)
				break;
			got += k;
		}
		if (got == 0 && sf_error(s->f)) {
			char wb[ERRLEN];
			err_set(err, _("%s is damaged: %s."), s->path, why(s->f, wb));
			return -1;
		}
		return got;
	}
	long got = 0;
	while (got < n) {
		if (s->out_pos < s->out_len) {
			long k = s->out_len - s->out_pos;
			if (k > n - got)
				k = n - got;
			memcpy(buf + got, s->out + s->out_pos, sizeof(float) * (size_t)k);
			s->out_pos += k;
			got += k;
			continue;
		}
		if (s->flushed)
			break;
		s->out_pos = 0;
		if (!s->eof) {
			long k = read_mono(s->f, s->info.channels, s->tmp, s->in, AUDIO_BLOCK);
			if (k <= 0) {
				if (sf_error(s->f)) {
					char wb[ERRLEN];
			err_set(err, _("%s is damaged: %s."), s->path, why(s->f, wb));
					return -1;
				}
				s->eof = 1;
				s->out_len = audio_resample(s->rs, NULL, 0, s->out, s->out_cap);
				if (s->out_len == 0)
					s->flushed = 1;
			} else {
				s->out_len = audio_resample(s->rs, s->in, k, s->out, s->out_cap);
			}
		} else {
			s->out_len = audio_resample(s->rs, NULL, 0, s->out, s->out_cap);
			if (s->out_len == 0)
				s->flushed = 1;
		}
	}
	return got;
}

void
audio_src_close(struct audio_src *s)
{
	if (!s)
		return;
	if (s->f)
		sf_close(s->f);
	audio_resampler_free(s->rs);
	free(s->tmp);
	free(s->out);
	free(s->path);
	free(s);
}

/* ---- writing ---- */

/*
 * WAV 16-bit is written by hand (a 44-byte header and the samples), so that
 * its samples can be read back and scaled in place once the loudness of the
 * whole is known (audio_writer_scale(), _read(), _rewind()); FLAC and float
 * WAV go through libsndfile on the same descriptor.  Everything goes to a
 * temporary name beside the file and is renamed into place at the end.
 */
#define WAV_HEADER AUDIO_WAV16_HEADER
#define CONVERT_BLOCK 16384

struct audio_writer {
	enum audio_format fmt;
	int flags;
	char *path, *tmp;
	int fd;
	SNDFILE *sf;
	int rate;
	int64_t frames;
	short s16[CONVERT_BLOCK];
};

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

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

int
audio_wav16_header(int fd, int rate, int64_t frames)
{
	uint64_t data = (uint64_t)frames * 2;
	if (data > 0xFFFFFFFFu - 36)
		data = 0xFFFFFFFFu - 36; /* over 12 hours: the size field is full */
	unsigned char h[AUDIO_WAV16_HEADER];
	memcpy(h, "RIFF", 4);
	put32(h + 4, (uint32_t)(36 + data));
	memcpy(h + 8, "WAVEfmt ", 8);
	put32(h + 16, 16);
	h[20] = 1, h[21] = 0; /* PCM */
	h[22] = 1, h[23] = 0; /* mono */
	put32(h + 24, (uint32_t)rate);
	put32(h + 28, (uint32_t)rate * 2);
	h[32] = 2, h[33] = 0;
	h[34] = 16, h[35] = 0;
	memcpy(h + 36, "data", 4);
	put32(h + 40, (uint32_t)data);
	return pwrite(fd, h, sizeof h, 0) == (ssize_t)sizeof h ? 0 : -1;
}

static int
wav_header(struct audio_writer *w)
{
	return audio_wav16_header(w->fd, w->rate, w->frames);
}

struct audio_writer *
audio_writer_open_ex(const char *path, int rate, enum audio_format fmt, int flags, char *err)
{
	static atomic_uint seq;
	struct audio_writer *w = xcalloc(1, sizeof *w);
	w->fmt = fmt;
	w->flags = flags;
	w->rate = rate;
	w->path = xstrdup(path);
	/* unique: two writers of one path may be open at once (a second limiting pass) */
	w->tmp = xasprintf("%s.tmp%d.%u", path, (int)getpid(), atomic_fetch_add(&seq, 1));
	w->fd = open(w->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		err_set(err, _("Cannot write %s: %s."), path, strerror(errno));
		goto fail;
	}
	if (fmt == AUDIO_WAV16) {
		char zero[WAV_HEADER] = { 0 };
		if (write_all(w->fd, zero, sizeof zero) < 0) {
			err_set(err, _("Cannot write %s: %s."), path, strerror(errno));
			goto fail;
		}
		return w;
	}
	SF_INFO info = { .samplerate = rate, .channels = 1,
			 .format = fmt == AUDIO_FLAC ? SF_FORMAT_FLAC | SF_FORMAT_PCM_16
						     : SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	w->sf = sf_open_fd(w->fd, SFM_WRITE, &info, 0);
	if (!w->sf) {
		char wb[ERRLEN];
		err_set(err, _("Cannot write %s: %s."), path, why(NULL, wb));
		goto fail;
	}
	if (fmt == AUDIO_FLAC && (flags & AUDIO_WRITE_FAST)) {
		double level = 0;
		sf_command(w->sf, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
	}
	return w;
fail:
	if (w->fd >= 0) {
		close(w->fd);
		unlink(w->tmp);
	}
	free(w->path);
	free(w->tmp);
	free(w);
	return NULL;
}

struct audio_writer *
audio_writer_open(const char *path, int rate, enum audio_format fmt, char *err)
{
	return audio_writer_open_ex(path, rate, fmt, 0, err);
}

int
audio_writer_write(struct audio_writer *w, const float *buf, long n, char *err)
{
	while (n > 0) {
		long k = n < CONVERT_BLOCK ? n : CONVERT_BLOCK;
		int bad;
		if (w->fmt == AUDIO_WAV_FLOAT) {
			bad = sf_writef_float(w->sf, buf, k) != k;
		} else {
			convert(buf, w->s16, k, 1.0f);
			bad = w->sf ? sf_writef_short(w->sf, w->s16, k) != k
				    : write_all(w->fd, w->s16, sizeof(short) * (size_t)k) < 0;
		}
		if (bad) {
			char wb[ERRLEN];
			err_set(err, _("Cannot write %s: %s."), w->path,
				w->sf ? why(w->sf, wb) : strerror(errno));
			return -1;
		}
		w->frames += k;
		buf += k;
		n -= k;
	}
	return 0;
}

int64_t
audio_writer_frames(const struct audio_writer *w)
{
	return w->frames;
}

/* One half of audio_writer_scale(). */
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

int
audio_writer_scale(struct audio_writer *w, double gain_db, char *err)
{
	if (w->fmt != AUDIO_WAV16) { /* a bug of the caller */
		err_set(err, _("Cannot write %s: %s."), w->path, strerror(EINVAL));
		return -1;
	}
	float g = (float)pow(10, gain_db / 20);
	int64_t half = w->frames / 2;
	struct scale_part parts[2] = { { w->fd, 0, half, g, 0, 0 }, { w->fd, half, w->frames, g, 0, 0 } };
	pthread_t th;
	/* the one step after the speech is made: both cores share it */
	int threaded = half > 65536 && pthread_create(&th, NULL, scale_part, &parts[1]) == 0;
	scale_part(&parts[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		scale_part(&parts[1]);
	for (int i = 0; i < 2; i++)
		if (parts[i].rc < 0) {
			err_set(err, _("Cannot write %s: %s."), w->path, strerror(parts[i].errnum));
			return -1;
		}
	return 0;
}

long
audio_writer_read(struct audio_writer *w, int64_t at, float *buf, long n, char *err)
{
	if (at + n > w->frames)
		n = at < w->frames ? (long)(w->frames - at) : 0;
	for (long done = 0; done < n;) {
		long k = n - done < CONVERT_BLOCK ? n - done : CONVERT_BLOCK;
		if (w->fmt != AUDIO_WAV16 ||
		    pread(w->fd, w->s16, (size_t)k * 2, WAV_HEADER + (at + done) * 2) != (ssize_t)k * 2) {
			err_set(err, _("Cannot read %s: %s."), w->tmp,
				strerror(w->fmt != AUDIO_WAV16 ? EINVAL : errno ? errno : EIO));
			return -1;
		}
		for (long i = 0; i < k; i++)
			buf[done + i] = (short)le16toh((uint16_t)w->s16[i]) * (1.0f / 32768.0f);
		done += k;
	}
	return n;
}

int
audio_writer_rewind(struct audio_writer *w, char *err)
{
	if (w->fmt != AUDIO_WAV16 || ftruncate(w->fd, WAV_HEADER) < 0 ||
	    lseek(w->fd, WAV_HEADER, SEEK_SET) < 0) {
		err_set(err, _("Cannot write %s: %s."), w->path,
			strerror(w->fmt != AUDIO_WAV16 ? EINVAL : errno));
		return -1;
	}
	w->frames = 0;
	return 0;
}

int
audio_writer_close(struct audio_writer *w, int abort_it, char *err)
{
	int bad = 0;
	if (w->sf) {
		bad = sf_close(w->sf) != 0;
		w->sf = NULL;
	} else if (!abort_it) {
		bad = wav_header(w) < 0;
	}
	/* a durable file survives a power cut whole, or is not there */
	if (!abort_it && !bad && (w->flags & AUDIO_WRITE_DURABLE))
		bad = fsync(w->fd) < 0;
	if (close(w->fd) < 0)
		bad = 1;
	if (!abort_it && !bad && rename(w->tmp, w->path) < 0)
		bad = 1;
	if (!abort_it && bad)
		err_set(err, _("Cannot write %s: %s."), w->path, strerror(errno ? errno : EIO));
	if (abort_it || bad)
		unlink(w->tmp);
	free(w->path);
	free(w->tmp);
	free(w);
	return !abort_it && bad ? -1 : 0;
}
