/*
 * bench/tts_cache FILE CACHE_DIR: the render cache, in process.  Renders
 * FILE's text with espeak into an empty CACHE_DIR (a miss), then asks for
 * it again (a hit: no synthesis), and prints both times, their ratio and
 * the process's peak RSS.  Run by bench/render.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "base/base.h"
#include "tts/tts.h"

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench/tts_cache FILE CACHE_DIR\n");
		return 2;
	}
	char err[ERRLEN], *text;
	size_t len;
	if (file_read_all(argv[1], 1 << 24, &text, &len, err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct tts_lexicon *lex = tts_lexicon_new();
	struct tts_opts o = { .engine = "espeak", .voice = "vi", .rate = 150, .pitch = 50,
			      .sample_rate = 48000, .loudness_lufs = -16, .true_peak_dbtp = -1,
			      .cache_dir = argv[2], .cache_mb = 512 };
	struct tts_entry miss, hit;
	unsigned long synths = tts_synth_count();
	double t0 = now();
	int rc = tts_cache_render(&o, lex, text, &miss, err);
	double t1 = now();
	if (rc == 0)
		rc = tts_cache_render(&o, lex, text, &hit, err);
	double t2 = now();
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("miss %.3f s (%.0f s of speech, %.2f LUFS), hit %.6f s = %.3f%% of a miss, "
	       "syntheses %lu, peak RSS %ld MiB\n",
	       t1 - t0, miss.seconds, miss.lufs, t2 - t1, 100 * (t2 - t1) / (t1 - t0),
	       tts_synth_count() - synths, ru.ru_maxrss / 1024);
	free(miss.path);
	free(hit.path);
	free(text);
	tts_lexicon_free(lex);
	tts_done();
	return 0;
}
