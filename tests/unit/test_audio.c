/*
 * Unit tests for audio/: every format and odd file decodes; a programme of
 * quiet speech, a loud jingle and a music bed comes out at the loudness
 * target under the true-peak ceiling as ffmpeg measures it; fades, gaps and
 * ducking do what the timeline says; a stop fades out within half a second;
 * bad files give a sentence naming them; a long file streams in flat memory.
 * Fixture files are made at run time with sox and ffmpeg.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "audio/audio.h"
#include "base/base.h"

static char dir[64];

static char *
path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
	free(cmd);
}

static int
setup(void **state)
{
	strcpy(dir, "/tmp/loaxa-test-audio-XXXXXX");
	assert_non_null(mkdtemp(dir));
	/* speech-like: a quiet, modulated tone; a loud jingle; a bed */
	sh("cd %s && sox -n -r 22050 -c 1 speech.wav synth 6 sine 220 sine 330 tremolo 4 90 vol 0.05", dir);
	sh("cd %s && sox -n -r 44100 -c 2 jingle.wav synth 2 square 660 vol 0.9", dir);
	sh("cd %s && sox -n -r 48000 -c 2 bed.flac synth 3 pinknoise vol 0.3", dir);
	return 0;
}

static int
teardown(void **state)
{
	sh("rm -rf %s", dir);
	return 0;
}

static void
every_format_and_odd_file_decodes(void **state)
{
	static const struct {
		const char *name, *make;
		int rate, channels;
		double seconds;
	} t[] = {
		{ "a8k.wav", "sox -n -r 8000 -c 1 %s synth 1 sine 440", 8000, 1, 1 },
		{ "a96k24.wav", "sox -n -r 96000 -b 24 -c 2 %s synth 1 sine 440", 96000, 2, 1 },
		{ "float.wav", "sox -n -r 48000 -e floating-point -b 32 -c 1 %s synth 1 sine 440", 48000, 1, 1 },
		{ "six.wav", "sox -n -r 48000 -c 6 %s synth 1 sine 440", 48000, 6, 1 },
		{ "short.wav", "sox -n -r 48000 -c 1 %s synth 0.1 sine 440", 48000, 1, 0.1 },
		{ "a.flac", "sox -n -r 44100 -c 2 %s synth 1 sine 440", 44100, 2, 1 },
		{ "a.ogg", "sox -n -r 44100 -c 2 %s synth 1 sine 440", 44100, 2, 1 },
		{ "a.mp3", "ffmpeg -hide_banner -loglevel error -f lavfi -i sine=f=440:d=1 -ar 44100 -y %s", 44100, 1, 1 },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		char *p = path(t[i].name);
		sh(t[i].make, p);
		struct audio_info info;
		char err[ERRLEN];
		if (audio_probe(p, &info, err) < 0)
			fail_msg("%s: %s", t[i].name, err);
		assert_int_equal(info.sample_rate, t[i].rate);
		assert_int_equal(info.channels, t[i].channels);
		if (fabs(info.duration_s - t[i].seconds) > 0.06)
			fail_msg("%s: %.3f s", t[i].name, info.duration_s);
		/* decoded and resampled to 48 kHz mono: the length is kept */
		struct audio_src *s = audio_src_open(p, 48000, err);
		assert_non_null(s);
		float buf[AUDIO_BLOCK];
		long n, total = 0;
		while ((n = audio_src_read(s, buf, AUDIO_BLOCK, err)) > 0)
			total += n;
		assert_true(n == 0);
		audio_src_close(s);
		if (fabs(total / 48000.0 - info.duration_s) > 0.01)
			fail_msg("%s: decoded %.3f s of %.3f", t[i].name, total / 48000.0, info.duration_s);
		free(p);
	}
}

static void
bad_files_say_what_is_wrong(void **state)
{
	char *text = path("notes.wav"), *empty = path("empty.wav"), *trunc = path("trunc.wav");
	sh("echo 'this is not audio' > %s", text);
	sh(": > %s", empty);
	sh("head -c 44 %s/speech.wav > %s", dir, trunc);
	struct audio_info info;
	char err[ERRLEN];
	assert_int_equal(audio_probe(text, &info, err), -1);
	assert_non_null(strstr(err, "notes.wav"));
	assert_non_null(strstr(err, "not an audio file"));
	assert_int_equal(audio_probe(empty, &info, err), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(audio_probe(trunc, &info, err), -1);
	assert_non_null(strstr(err, "trunc.wav"));
	assert_int_equal(audio_probe("/nonexistent.wav", &info, err), -1);
	assert_non_null(strstr(err, "/nonexistent.wav"));
	free(text);
	free(empty);
	free(trunc);
}

/* Integrated loudness and true peak of a file, as ffmpeg's ebur128 filter measures them. */
static void
ffmpeg_measure(const char *file, double *lufs, double *tp)
{
	char *cmd = xasprintf("ffmpeg -hide_banner -nostats -i %s -af ebur128=peak=true -f null - 2>&1", file);
	FILE *p = popen(cmd, "r");
	free(cmd);
	assert_non_null(p);
	char line[512];
	int summary = 0;
	*lufs = *tp = 999;
	while (fgets(line, sizeof line, p)) {
		if (strstr(line, "Summary:"))
			summary = 1;
		char *q;
		if (summary && (q = strstr(line, "I:")))
			sscanf(q + 2, "%lf", lufs);
		if (summary && (q = strstr(line, "Peak:")))
			sscanf(q + 5, "%lf", tp);
	}
	pclose(p);
}

static long
render(struct audio_mix *m, const char *out)
{
	char err[ERRLEN];
	struct audio_writer *w = audio_writer_open(out, 48000, AUDIO_WAV_FLOAT, err);
	assert_non_null(w);
	float buf[AUDIO_BLOCK];
	long n, total = 0;
	while ((n = audio_mix_read(m, buf, AUDIO_BLOCK, err)) > 0) {
		assert_int_equal(audio_writer_write(w, buf, n, err), 0);
		total += n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(audio_writer_close(w, 0, err), 0);
	return total;
}

static void
a_programme_is_at_the_target_under_the_ceiling(void **state)
{
	char err[ERRLEN];
	const char *names[] = { "jingle.wav", "speech.wav", "speech.wav", "jingle.wav" };
	struct audio_seg segs[4];
	double offset = 0;
	for (size_t i = 0; i < 4; i++) {
		char *p = path(names[i]);
		struct audio_info info;
		assert_int_equal(audio_probe(p, &info, err), 0);
		segs[i] = (struct audio_seg){ .path = p, .gain_db = -16 - info.lufs,
					      .offset_s = offset, .length_s = info.duration_s,
					      .fade_out = i == 0 ? 0.5 : 0, .bed = i == 1 || i == 2 ? 0 : -1,
					      .speech = i == 1 || i == 2 };
		offset += info.duration_s + 1.0;
	}
	char *bedp = path("bed.flac");
	struct audio_info bi;
	assert_int_equal(audio_probe(bedp, &bi, err), 0);
	struct audio_bed bed = { .path = bedp, .gain_db = -16 - bi.lufs, .duck_db = -18,
				 .from_s = segs[1].offset_s, .until_s = segs[2].offset_s + segs[2].length_s };
	/* no high-pass here: items are measured full-band (see the issue notes) */
	struct audio_mix_opts o = { .rate = 48000, .ceiling_dbtp = -1,
				    .duck_attack = 0.05, .duck_release = 0.5 };
	struct audio_mix *m = audio_mix_new(segs, 4, &bed, 1, &o, err);
	char *out = path("programme.wav");
	long frames = render(m, out);
	audio_mix_free(m);
	double total = segs[3].offset_s + segs[3].length_s;
	assert_true(fabs(frames / 48000.0 - total) < 0.01);
	double lufs, tp;
	ffmpeg_measure(out, &lufs, &tp);
	print_message("programme: %.2f LUFS, true peak %.2f dBTP (ffmpeg)\n", lufs, tp);
	assert_true(fabs(lufs - -16) <= 0.5);
	assert_true(tp <= -1.0);
	for (size_t i = 0; i < 4; i++)
		free((char *)segs[i].path);
	free(bedp);
	free(out);
}

static double
rms(const float *x, long n)
{
	double s = 0;
	for (long i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return sqrt(s / n);
}

/* Magnitude of one frequency in x (Goertzel). */
static double
tone_level(const float *x, long n, double f, int rate)
{
	double w = 2 * M_PI * f / rate, c = 2 * cos(w), s1 = 0, s2 = 0;
	for (long i = 0; i < n; i++) {
		double s0 = x[i] + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return sqrt(s1 * s1 + s2 * s2 - c * s1 * s2) / n;
}

static void
the_bed_ducks_under_speech(void **state)
{
	char err[ERRLEN];
	/* the "speech" is a 1 kHz tone, the bed a 100 Hz one: each measurable apart */
	sh("cd %s && sox -n -r 48000 -c 1 tone1k.wav synth 2 sine 1000 vol 0.3", dir);
	sh("cd %s && sox -n -r 48000 -c 1 tone100.wav synth 4 sine 100 vol 0.3", dir);
	char *sp = path("tone1k.wav"), *bp = path("tone100.wav");
	struct audio_seg seg[] = {
		{ .path = sp, .offset_s = 1.0, .length_s = 2.0, .bed = 0, .speech = 1 },
		{ .silence_s = 1.0, .offset_s = 3.0, .length_s = 1.0, .bed = 0 },
	};
	struct audio_bed bed = { .path = bp, .duck_db = -18, .from_s = 0, .until_s = 4 };
	struct audio_mix_opts o = { .rate = 48000, .ceiling_dbtp = 0, .duck_attack = 0.05,
				    .duck_release = 0.5 };
	struct audio_mix *m = audio_mix_new(seg, 2, &bed, 1, &o, err);
	float *all = xcalloc(48000 * 5, sizeof *all);
	long n, total = 0;
	while ((n = audio_mix_read(m, all + total, AUDIO_BLOCK, err)) > 0)
		total += n;
	audio_mix_free(m);
	double before = tone_level(all + 9600, 24000, 100, 48000);   /* 0.2-0.7 s */
	double during = tone_level(all + 96000, 24000, 100, 48000);  /* 2.0-2.5 s */
	double after = tone_level(all + 48000 * 35 / 10, 9600, 100, 48000); /* 3.5-3.7 s */
	double depth = 20 * log10(during / before);
	print_message("bed ducked by %.1f dB under speech (asked -18), %.1f dB after\n", depth,
		      20 * log10(after / before));
	assert_true(fabs(depth - -18) < 2);
	assert_true(20 * log10(after / before) > -12); /* it comes back up after the speech */
	free(all);
	free(sp);
	free(bp);
}

static void
a_stop_fades_out_within_half_a_second(void **state)
{
	char err[ERRLEN];
	char *sp = path("jingle.wav");
	struct audio_seg seg = { .path = sp, .gain_db = 0, .offset_s = 0, .length_s = 2, .bed = -1 };
	struct audio_mix_opts o = { .rate = 48000, .ceiling_dbtp = -1 };
	struct audio_mix *m = audio_mix_new(&seg, 1, NULL, 0, &o, err);
	float buf[AUDIO_BLOCK];
	long total = 0, n;
	while (total < 24000 && (n = audio_mix_read(m, buf, AUDIO_BLOCK, err)) > 0)
		total += n;
	audio_mix_fade_out(m, 0.4);
	long after = 0;
	float last = 1;
	while ((n = audio_mix_read(m, buf, AUDIO_BLOCK, err)) > 0) {
		after += n;
		last = fabsf(buf[n - 1]);
	}
	audio_mix_free(m);
	assert_true(after <= 24000 + 1024); /* ≤ 0.5 s */
	assert_true(last < 0.01);
	free(sp);
}

static void
gaps_and_fades_follow_the_timeline(void **state)
{
	char err[ERRLEN];
	char *jp = path("jingle.wav");
	struct audio_seg segs[] = {
		{ .path = jp, .offset_s = 0, .length_s = 2, .fade_in = 0.5, .bed = -1 },
		{ .path = NULL, .silence_s = 1.5, .offset_s = 2, .length_s = 1.5, .bed = -1 },
		{ .path = jp, .offset_s = 3.5, .length_s = 2, .fade_out = 1, .bed = -1 },
	};
	struct audio_mix_opts o = { .rate = 48000, .ceiling_dbtp = -1 };
	struct audio_mix *m = audio_mix_new(segs, 3, NULL, 0, &o, err);
	float *all = xcalloc(48000 * 6, sizeof *all);
	long n, total = 0;
	while ((n = audio_mix_read(m, all + total, AUDIO_BLOCK, err)) > 0)
		total += n;
	audio_mix_free(m);
	assert_true(labs(total - 48000 * 55 / 10) <= 2);
	assert_true(rms(all, 2400) < rms(all + 48000, 2400) / 4);           /* fading in */
	assert_true(rms(all + 48000 * 25 / 10, 24000) < 1e-4);                /* the gap */
	assert_true(rms(all + total - 2400, 2400) < rms(all + 48000 * 4, 2400) / 4); /* fading out */
	free(all);
	free(jp);
}

static long
max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
a_two_hour_file_streams_in_flat_memory(void **state)
{
	char *p = path("long.wav");
	sh("sox -n -r 8000 -c 1 %s synth 7200 sine 300 vol 0.1", p);
	char err[ERRLEN];
	long before = max_rss_kb();
	struct audio_src *s = audio_src_open(p, 48000, err);
	assert_non_null(s);
	float buf[AUDIO_BLOCK];
	long n;
	int64_t total = 0;
	while ((n = audio_src_read(s, buf, AUDIO_BLOCK, err)) > 0)
		total += n;
	audio_src_close(s);
	long grew = max_rss_kb() - before;
	print_message("2 h at 8 kHz resampled to 48 kHz: %lld frames, RSS grew %ld KiB\n",
		      (long long)total, grew);
	assert_true(llabs(total - 7200LL * 48000) < 48000);
	assert_true(grew < 8 * 1024); /* the whole file at 48 kHz would be 1.3 GiB */
	unlink(p);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_format_and_odd_file_decodes),
		cmocka_unit_test(bad_files_say_what_is_wrong),
		cmocka_unit_test(a_programme_is_at_the_target_under_the_ceiling),
		cmocka_unit_test(the_bed_ducks_under_speech),
		cmocka_unit_test(a_stop_fades_out_within_half_a_second),
		cmocka_unit_test(gaps_and_fades_follow_the_timeline),
		cmocka_unit_test(a_two_hour_file_streams_in_flat_memory),
	};
	return cmocka_run_group_tests_name("audio", tests, setup, teardown);
}
