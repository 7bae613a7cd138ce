/*
 * Rendering speech: normalize, synthesise, resample to the output rate,
 * measure loudness at the source rate while synthesising, and keep the
 * result in the render cache (STATE_DIR/cache/KEY.flac, with KEY.info
 * holding its loudness and length).  The key hashes everything that changes
 * the sound: spoken text, engine, voice, rate, pitch, normalizer version and
 * audio settings; a hit synthesises nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "tts/engine.h"
#include "tts/tts.h"

/* Entries used in the last hour are never evicted (an airing may be playing them). */
#define EVICT_MIN_AGE_S 3600

/*
 * Entries are kept at the engine's own rate (espeak-ng: 22.05 kHz): half
 * the samples to encode and measure; the mixer resamples when it plays.
 */
struct render {
	const char *path;
	struct audio_meter *meter; /* at the engine's rate */
	int meter_rate;
	struct audio_resampler *rs;
	int rs_rate;
	struct audio_writer *w;
	int out_rate;
	float *out;
	long out_cap;
	int64_t frames;
	char *err;
};

static int
on_pcm(void *arg, const float *pcm, long n, int rate)
{
	struct render *r = arg;
	if (!r->meter) {
		r->meter = audio_meter_new(rate);
		r->meter_rate = rate;
	}
	audio_meter_add(r->meter, pcm, n);
	if (!r->w) {
		r->out_rate = rate;
		r->w = audio_writer_open(r->path, rate, AUDIO_FLAC, r->err);
		if (!r->w)
			return -1;
	}
	if (rate == r->out_rate) {
		r->frames += n;
		return audio_writer_write(r->w, pcm, n, r->err);
	}
	if (!r->rs) {
		r->rs = audio_resampler_new(rate, r->out_rate, r->err);
		if (!r->rs)
			return -1;
		r->rs_rate = rate;
	}
	long need = (long)((double)n * r->out_rate / rate) + 512;
	if (need > r->out_cap) {
		r->out_cap = need;
		r->out = xrealloc(r->out, sizeof(float) * (size_t)need);
	}
	long k = audio_resample(r->rs, pcm, n, r->out, r->out_cap);
	r->frames += k;
	return audio_writer_write(r->w, r->out, k, r->err);
}

static char *
cache_key(const struct tts_opts *o, const char *spoken)
{
	struct sha256 *h = sha256_new();
	char head[512];
	snprintf(head, sizeof head, "loaxa-tts-3|%.2f|%.2f|", o->loudness_lufs, o->true_peak_dbtp);
	sha256_update(h, head, strlen(head));
	snprintf(head, sizeof head, "|%s|%s|%s|%d|%d|%d|%d|", o->engine,
		 o->voice ? o->voice : "", o->command ? o->command : "", o->rate, o->pitch,
		 TTS_NORMALIZER_VERSION, o->sample_rate);
	sha256_update(h, head, strlen(head));
	sha256_update(h, spoken, strlen(spoken));
	char hex[65];
	sha256_finish(h, hex);
	return xstrdup(hex);
}

static int
read_info(const char *path, double *lufs, double *seconds)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int ok = fscanf(f, "%lf %lf", lufs, seconds) == 2;
	fclose(f);
	return ok ? 0 : -1;
}

/* Removes the least recently used entries until the cache fits in cache_mb. */
static void
evict(const struct tts_opts *o)
{
	DIR *d = opendir(o->cache_dir);
	if (!d)
		return;
	struct ent {
		char *name;
		time_t used;
		off_t size;
	} *v = NULL;
	size_t n = 0, cap = 0;
	off_t total = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".flac") != 0)
			continue;
		struct stat st;
		char *p = xasprintf("%s/%s", o->cache_dir, de->d_name);
		if (stat(p, &st) == 0) {
			if (n == cap)
				v = xrealloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
			v[n++] = (struct ent){ xstrdup(de->d_name), st.st_mtime, st.st_size };
			total += st.st_size;
		}
		free(p);
	}
	closedir(d);
	off_t limit = (off_t)o->cache_mb * 1024 * 1024;
	time_t now = time(NULL);
	while (total > limit) {
		size_t oldest = n;
		for (size_t i = 0; i < n; i++)
			if (v[i].name && now - v[i].used > EVICT_MIN_AGE_S &&
			    (oldest == n || v[i].used < v[oldest].used))
				oldest = i;
		if (oldest == n)
			break;
		char *p = xasprintf("%s/%s", o->cache_dir, v[oldest].name);
		unlink(p);
		strcpy(p + strlen(p) - 5, ".info");
		unlink(p);
		free(p);
		total -= v[oldest].size;
		free(v[oldest].name);
		v[oldest].name = NULL;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/*
 * The loudness to gain this entry by so that, after the output stage's
 * true-peak limiter, it sounds at the target: speech is peaky, and the
 * limiter takes a little off each peak.  Two passes through the limiter
 * converge to within a few hundredths of a LU.
 */
int
tts_cache_render(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
		 struct tts_entry *out, char *err)
{
	memset(out, 0, sizeof *out);
	char *spoken = tts_normalize(lex, text, strlen(text), err);
	if (!spoken)
		return -1;
	if (strspn(spoken, " \n") == strlen(spoken)) {
		err_set(err, _("There is nothing to say: the text has no words to read."));
		free(spoken);
		return -1;
	}
	if (mkdir_p(o->cache_dir, 0750, err) < 0) {
		free(spoken);
		return -1;
	}
	char *key = cache_key(o, spoken);
	char *flac = xasprintf("%s/%s.flac", o->cache_dir, key);
	char *info = xasprintf("%s/%s.info", o->cache_dir, key);
	free(key);
	int rc = -1;
	if (access(flac, R_OK) == 0 && read_info(info, &out->lufs, &out->seconds) == 0) {
		utimensat(AT_FDCWD, flac, NULL, 0); /* used: last to be evicted */
		out->path = flac;
		flac = NULL;
		rc = 0;
		goto done;
	}
	struct render r = { .path = flac, .err = err };
	if (tts_engine_synth(o, spoken, on_pcm, &r, err) < 0 || r.frames == 0) {
		if (r.frames == 0 && !err[0])
			err_set(err, _("The speech engine made no sound for this text."));
		if (r.w)
			audio_writer_close(r.w, 1, NULL);
		goto cleanup;
	}
	if (r.rs) { /* the resampler's tail */
		long k = audio_resample(r.rs, NULL, 0, r.out, r.out_cap);
		if (k > 0 && audio_writer_write(r.w, r.out, k, err) < 0) {
			audio_writer_close(r.w, 1, NULL);
			goto cleanup;
		}
		r.frames += k;
	}
	if (audio_writer_close(r.w, 0, err) < 0)
		goto cleanup;
	out->seconds = (double)r.frames / r.out_rate;
	out->lufs = audio_effective_lufs(flac, audio_meter_lufs(r.meter), out->seconds, r.out_rate,
					 o->loudness_lufs, o->true_peak_dbtp);
	/* what a hit will read back from the .info file */
	out->lufs = round(out->lufs * 1000) / 1000;
	out->seconds = round(out->seconds * 1000) / 1000;
	char *tmp = xasprintf("%s.tmp", info);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%.3f %.3f\n", out->lufs, out->seconds) < 0 || fclose(f) != 0 ||
	    rename(tmp, info) < 0) {
		err_set(err, _("Cannot write the render cache in %s: %s."), o->cache_dir, strerror(errno));
		unlink(tmp);
		free(tmp);
		unlink(flac);
		goto cleanup;
	}
	free(tmp);
	out->path = flac;
	flac = NULL;
	rc = 0;
	evict(o);
cleanup:
	audio_meter_free(r.meter);
	audio_resampler_free(r.rs);
	free(r.out);
done:
	free(spoken);
	free(flac);
	free(info);
	return rc;
}

int
tts_render_wav(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
	       const char *wav, char *err)
{
	struct tts_entry e;
	if (tts_cache_render(o, lex, text, &e, err) < 0)
		return -1;
	struct audio_seg seg = { .path = e.path, .gain_db = o->loudness_lufs - e.lufs,
				 .length_s = e.seconds, .bed = -1, .speech = 1 };
	struct audio_mix_opts mo = { .rate = o->sample_rate, .ceiling_dbtp = o->true_peak_dbtp };
	struct audio_mix *m = audio_mix_new(&seg, 1, NULL, 0, &mo, err);
	struct audio_writer *w = m ? audio_writer_open(wav, o->sample_rate, AUDIO_WAV16, err) : NULL;
	int rc = w ? 0 : -1;
	float buf[AUDIO_BLOCK];
	long n;
	while (w && (n = audio_mix_read(m, buf, AUDIO_BLOCK, err)) != 0) {
		if (n < 0 || audio_writer_write(w, buf, n, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (w && audio_writer_close(w, rc < 0, rc < 0 ? NULL : err) < 0)
		rc = -1;
	audio_mix_free(m);
	free(e.path);
	return rc;
}
