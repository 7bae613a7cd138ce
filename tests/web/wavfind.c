/*
 * wavfind NEEDLE.wav HAYSTACK.wav [FROM_S LEN_S] — is a stretch of NEEDLE
 * somewhere in HAYSTACK?  Both are brought to mono 8 kHz (averaged), the
 * stretch FROM_S..FROM_S+LEN_S of the needle is slid over the whole
 * haystack, and the best normalised cross-correlation is printed ("0.934
 * at 12.345 s").  Without FROM_S LEN_S, every half second of the needle
 * (starting each quarter second) is tried and the best one counts, so a
 * glitch of a loaded machine in one place does not hide the rest.  A gain change (the daemon's loudness
 * target) does not change it; a different sound gives near 0.  Exit 0
 * when it is at least 0.8 (WAVFIND_MIN overrides), 1 when lower, 2 on a
 * file that cannot be read.
 */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

#define RATE 8000

static float *
load(const char *path, long *n)
{
	SF_INFO info = { 0 };
	SNDFILE *f = sf_open(path, SFM_READ, &info);
	if (!f) {
		fprintf(stderr, "wavfind: cannot read %s: %s\n", path, sf_strerror(NULL));
		exit(2);
	}
	float *all = malloc(sizeof(float) * (size_t)info.frames * (size_t)info.channels + 1);
	sf_readf_float(f, all, info.frames);
	sf_close(f);
	/* mono, then to 8 kHz by averaging (a crude low-pass, enough to compare) */
	double step = (double)info.samplerate / RATE;
	long out = (long)(info.frames / step);
	float *m = calloc((size_t)out + 1, sizeof(float));
	for (long i = 0; i < out; i++) {
		long a = (long)(i * step), b = (long)((i + 1) * step);
		double s = 0;
		for (long k = a; k < b && k < info.frames; k++)
			for (int c = 0; c < info.channels; c++)
				s += all[k * info.channels + c];
		m[i] = (float)(s / ((b - a) * info.channels));
	}
	free(all);
	*n = out;
	return m;
}

/* The best correlation of needle[a, a + m) anywhere in hay; *at its place. */
static double
search(const float *needle, long a, long m, const float *hay, long nh, long *at)
{
	const float *x = needle + a;
	double mean = 0, ex = 0;
	for (long i = 0; i < m; i++)
		mean += x[i];
	mean /= m;
	for (long i = 0; i < m; i++)
		ex += (x[i] - mean) * (x[i] - mean);
	if (ex < 1e-9 * m)
		return 0; /* a silent stretch says nothing */
	double best = 0, sy = 0, syy = 0;
	for (long i = 0; i < m; i++)
		sy += hay[i], syy += (double)hay[i] * hay[i];
	for (long k = 0; k + m <= nh; k++) {
		if (k) {
			sy += hay[k + m - 1] - hay[k - 1];
			syy += (double)hay[k + m - 1] * hay[k + m - 1] - (double)hay[k - 1] * hay[k - 1];
		}
		double var = syy - sy * sy / m;
		if (var < 1e-9 * m)
			continue; /* silence */
		double sxy = 0;
		for (long i = 0; i < m; i++)
			sxy += (x[i] - mean) * hay[k + i];
		double r = sxy / sqrt(ex * var);
		if (r > best)
			best = r, *at = k;
	}
	return best;
}

int
main(int argc, char **argv)
{
	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: wavfind NEEDLE.wav HAYSTACK.wav [FROM_S LEN_S]\n");
		return 2;
	}
	long nn, nh;
	float *needle = load(argv[1], &nn), *hay = load(argv[2], &nh);
	double from = argc == 5 ? atof(argv[3]) : 0, len = argc == 5 ? atof(argv[4]) : 0.5;
	long m = (long)(len * RATE);
	if ((long)(from * RATE) + m > nn || m < 100 || nh < m) {
		fprintf(stderr, "wavfind: the needle or the haystack is too short\n");
		return 2;
	}
	double best = 0, best_from = from;
	long at = 0;
	for (long a = (long)(from * RATE); a + m <= nn; a += RATE / 4) {
		long k = 0;
		double r = search(needle, a, m, hay, nh, &k);
		if (r > best)
			best = r, at = k, best_from = (double)a / RATE;
		if (argc == 5)
			break;
	}
	double min = getenv("WAVFIND_MIN") ? atof(getenv("WAVFIND_MIN")) : 0.8;
	printf("%.3f at %.3f s (the needle's %.2f..%.2f s)\n", best, (double)at / RATE, best_from,
	       best_from + len);
	free(needle);
	free(hay);
	return best >= min ? 0 : 1;
}
