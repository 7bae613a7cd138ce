/*
 * The fake engine, for tests: one burst of tone and noise per syllable
 * (Vietnamese writes one syllable per word), its pitch and noise drawn from
 * a hash of the syllable, a pause after punctuation and at line ends.  Same
 * text, same samples; thousands of times faster than speech.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tts/engine.h"
#include "tts/tts.h"

#define RATE 22050
#define SYLLABLE_S 0.20 /* at 150 words a minute */
#define GAP_S 0.05
#define PAUSE_S 0.25

static int
check(const struct tts_opts *o, char *err)
{
	return 0;
}

static int
silence(tts_pcm_fn fn, void *arg, float *buf, long n)
{
	memset(buf, 0, sizeof(float) * (size_t)n);
	return fn(arg, buf, n, RATE);
}

static int
burst(tts_pcm_fn fn, void *arg, float *buf, long n, unsigned h)
{
	double f0 = 100 + h % 140;
	unsigned noise = h | 1;
	for (long i = 0; i < n; i++) {
		double t = (double)i / RATE;
		double env = sin(M_PI * (double)i / (double)n);
		noise = noise * 1664525u + 1013904223u;
		double nz = ((double)(noise >> 8) / (double)(1u << 24) - 0.5) * 0.2;
		double v = 0.5 * sin(2 * M_PI * f0 * t) + 0.25 * sin(4 * M_PI * f0 * t) +
			   0.12 * sin(6 * M_PI * f0 * t) + nz;
		buf[i] = (float)(0.4 * env * v);
	}
	return fn(arg, buf, n, RATE);
}

static int
synth(const struct tts_opts *o, const char *spoken, tts_pcm_fn fn, void *arg, char *err)
{
	double speed = o->rate > 0 ? 150.0 / o->rate : 1.0;
	long syl = (long)(SYLLABLE_S * speed * RATE), gap = (long)(GAP_S * speed * RATE),
	     pause = (long)(PAUSE_S * RATE);
	float *buf = xmalloc(sizeof(float) * (size_t)(syl > pause ? syl : pause));
	int rc = 0;
	for (const char *p = spoken; *p && rc == 0;) {
		size_t n = strcspn(p, " \n,.;:!?");
		if (n) {
			unsigned h = 2166136261u;
			for (size_t i = 0; i < n; i++)
				h = (h ^ (unsigned char)p[i]) * 16777619u;
			h ^= (unsigned)o->pitch * 2654435761u;
			rc = burst(fn, arg, buf, syl, h);
			if (rc == 0)
				rc = silence(fn, arg, buf, gap);
			p += n;
			continue;
		}
		if (*p != ' ')
			rc = silence(fn, arg, buf, pause);
		p++;
	}
	free(buf);
	if (rc < 0)
		err_set(err, _("The speech was stopped."));
	return rc;
}

const struct tts_engine_ops tts_engine_fake = {
	.name = "fake",
	.check = check,
	.synth = synth,
};
