/*
 * Audio files: decoding with libsndfile (every format it reads, downmixed to
 * mono), resampling with libsoxr, measuring with libebur128, writing WAV and
 * FLAC.  All streaming, in blocks.
 */
#include <ebur128.h>
#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <soxr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"

#define MAX_RATE 384000
#define MAX_CHANNELS 64
/* EBU R128 gates 400 ms blocks: a shorter sound is measured looped to this. */
#define MIN_MEASURE_S 0.4

/* ---- meter ---- */

struct audio_meter {
	ebur128_state *st;
};

struct audio_meter *
audio_meter_new(int rate)
{
	struct audio_meter *m = xcalloc(1, sizeof *m);
	m->st = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
	if (!m->st) /* libebur128 allocates nothing else that can fail */
		fatal("out of memory (the loudness meter)");
	return m;
}

void
audio_meter_add(struct audio_meter *m, const float *buf, long n)
{
	if (n > 0)
		ebur128_add_frames_float(m->st, buf, (size_t)n);
}

void
audio_meter_add_s16(struct audio_meter *m, const short *buf, long n)
{
	if (n > 0)
		ebur128_add_frames_short(m->st, buf, (size_t)n);
}

double
audio_meter_lufs(struct audio_meter *m)
{
	double l;
	if (ebur128_loudness_global(m->st, &l) != EBUR128_SUCCESS || !isfinite(l) || l < -70)
		return -70;
	return l;
}

double
audio_meter_true_peak_db(struct audio_meter *m)
{
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
	struct audio_meter *m = audio_meter_new(info.samplerate);
	float *tmp = xmalloc(sizeof(float) * AUDIO_BLOCK * (size_t)info.channels);
	float mono[AUDIO_BLOCK];
	int64_t frames = 0;
	long n;
	/* the start is kept for a sound too short to measure as it is */
	long keep = (long)(MIN_MEASURE_S * info.samplerate) + 1, kept = 0;
	float *start = xmalloc(sizeof(float) * (size_t)keep);
	while ((n = read_mono(f, info.channels, tmp, mono, AUDIO_BLOCK)) > 0) {
		audio_meter_add(m, mono, n);
		long k = n < keep - kept ? n : keep - kept;
		memcpy(start + kept, mono, sizeof(float) * (size_t)k);
		kept += k;
		frames += n;
	}
	int bad = sf_error(f);
	free(tmp);
	/* what a listener hears of a 0.1 s beep is the beep, not the beep and silence */
	for (int64_t fed = frames; !bad && frames > 0 && fed < keep; fed += frames)
		audio_meter_add(m, start, (long)frames);
	free(start);
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

struct audio_writer {
	SNDFILE *f;
	char *path, *tmp;
};

struct audio_writer *
audio_writer_open(const char *path, int rate, enum audio_format fmt, char *err)
{
	SF_INFO info = { .samplerate = rate, .channels = 1 };
	switch (fmt) {
	case AUDIO_WAV16:
		info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
		break;
	case AUDIO_WAV_FLOAT:
		info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
		break;
	case AUDIO_FLAC:
		info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
		break;
	}
	struct audio_writer *w = xcalloc(1, sizeof *w);
	w->path = xstrdup(path);
	w->tmp = xasprintf("%s.tmp%d", path, (int)getpid());
	w->f = sf_open(w->tmp, SFM_WRITE, &info);
	if (!w->f) {
		char wb[ERRLEN];
		err_set(err, _("Cannot write %s: %s."), path, why(NULL, wb));
		free(w->path);
		free(w->tmp);
		free(w);
		return NULL;
	}
	/* clip rather than wrap when a float sample goes over full scale */
	sf_command(w->f, SFC_SET_CLIPPING, NULL, SF_TRUE);
	return w;
}

int
audio_writer_write(struct audio_writer *w, const float *buf, long n, char *err)
{
	if (sf_writef_float(w->f, buf, n) != n) {
		char wb[ERRLEN];
		err_set(err, _("Cannot write %s: %s."), w->path, why(w->f, wb));
		return -1;
	}
	return 0;
}

int
audio_writer_close(struct audio_writer *w, int abort_it, char *err)
{
	int rc = 0;
	if (w->f && sf_close(w->f) != 0 && !abort_it) {
		err_set(err, _("Cannot write %s."), w->path);
		rc = -1;
	}
	if (abort_it || rc < 0) {
		unlink(w->tmp);
	} else if (rename(w->tmp, w->path) < 0) {
		err_set(err, _("Cannot write %s: %s."), w->path, strerror(errno));
		unlink(w->tmp);
		rc = -1;
	}
	free(w->path);
	free(w->tmp);
	free(w);
	return rc;
}
