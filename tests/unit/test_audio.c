/*
 * Unit tests for audio/: every format and odd file decodes; a programme of
 * quiet speech, a loud jingle and a music bed comes out at the loudness
 * target under the true-peak ceiling as ffmpeg measures it; fades, gaps and
 * ducking do what the timeline says; a stop fades out within half a second;
 * bad files give a sentence naming them; a long file streams in flat memory.
 * Fixture files are made at run time with sox and ffmpeg.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "audio/audio.h"
#include "audio/biquad.h"
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
		{ "a44k24.flac", "sox -n -r 44100 -b 24 -c 1 %s synth 1 sine 440", 44100, 1, 1 },
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
		/* a sine at -6 dBFS or so: measured, not the -70 of "nothing" */
		if (info.lufs < -30 || info.lufs > 0 || info.true_peak_db > 0.5)
			fail_msg("%s: %.2f LUFS, %.2f dBTP", t[i].name, info.lufs, info.true_peak_db);
		/* the file's SHA-256 as coreutils computes it, not as base/ does */
		char *cmd = xasprintf("sha256sum '%s'", p), want[65] = "";
		FILE *f = popen(cmd, "r");
		assert_non_null(f);
		assert_int_equal(fscanf(f, "%64s", want), 1);
		assert_int_equal(pclose(f), 0);
		free(cmd);
		assert_string_equal(info.sha256, want);
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

/* Patches a 32-bit little-endian field of a file. */
static void
patch32(const char *file, long at, uint32_t v)
{
	FILE *f = fopen(file, "r+b");
	assert_non_null(f);
	unsigned char b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
	fseek(f, at, SEEK_SET);
	assert_int_equal(fwrite(b, 1, 4, f), 4);
	fclose(f);
}

static void
bad_files_say_what_is_wrong(void **state)
{
	static const struct {
		const char *name, *make, *says;
	} t[] = {
		{ "notes.wav", "echo 'this is not audio' > %s", "not an audio file" },
		{ "empty.wav", ": > %s", "empty" },
		{ "header-only.wav", "sox -n -r 48000 -c 1 -b 16 %s trim 0 0", "no audio" },
		{ "cut.wav", "sox -n -r 48000 -c 1 -b 16 %s.full.wav synth 3 sine 440 && head -c 100000 %s.full.wav > %s",
		  "cut short" },
		{ "broken.flac", "sox -n -r 44100 -c 2 %s synth 3 sine 440 && "
				 "dd if=/dev/urandom of=%s bs=1 seek=6000 count=3000 conv=notrunc status=none",
		  "damaged" },
		{ "a-directory.wav", "mkdir -p %s", "directory" },
		{ "nowhere.wav", "true %s", "nowhere.wav" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		char *p = path(t[i].name);
		if (strstr(t[i].make, "full.wav"))
			sh(t[i].make, p, p, p);
		else if (strstr(t[i].make, "dd if"))
			sh(t[i].make, p, p);
		else
			sh(t[i].make, p);
		struct audio_info info;
		char err[ERRLEN] = "";
		if (audio_probe(p, &info, err) != -1)
			fail_msg("%s was accepted", t[i].name);
		print_message("%s: %s\n", t[i].name, err);
		if (!strstr(err, t[i].name) || !strstr(err, t[i].says))
			fail_msg("%s: \"%s\" should name the file and say \"%s\"", t[i].name, err, t[i].says);
		/* the streaming source refuses it the same way */
		struct audio_src *s = audio_src_open(p, 48000, err);
		if (s) {
			/* damage further in shows while decoding */
			float buf[AUDIO_BLOCK];
			long n;
			while ((n = audio_src_read(s, buf, AUDIO_BLOCK, err)) > 0)
				;
			audio_src_close(s);
			if (n == 0)
				fail_msg("%s decoded to the end without an error", t[i].name);
		}
		assert_non_null(strstr(err, t[i].name));
		free(p);
	}
	/* absurd sample rates in an otherwise good header */
	static const uint32_t rates[] = { 5, 1000000000 };
	for (size_t i = 0; i < ARRAY_LEN(rates); i++) {
		char *p = path("rate.wav");
		sh("sox -n -r 48000 -c 1 -b 16 -t wavpcm %s synth 0.5 sine 440", p);
		patch32(p, 24, rates[i]);
		struct audio_info info;
		char err[ERRLEN] = "";
		assert_int_equal(audio_probe(p, &info, err), -1);
		print_message("rate %u: %s\n", rates[i], err);
		assert_non_null(strstr(err, "rate.wav"));
		assert_non_null(strstr(err, "sample rate"));
		free(p);
	}
}

static void
a_short_sound_is_measured_as_it_sounds(void **state)
{
	/* 0.1 s of a tone is as loud as 2 s of it, not 54 dB quieter */
	char *a = path("beep.wav"), *b = path("tone.wav");
	sh("sox -n -r 48000 -c 1 %s synth 0.1 sine 1000 vol 0.5", a);
	sh("sox -n -r 48000 -c 1 %s synth 2 sine 1000 vol 0.5", b);
	struct audio_info ia, ib;
	char err[ERRLEN];
	assert_int_equal(audio_probe(a, &ia, err), 0);
	assert_int_equal(audio_probe(b, &ib, err), 0);
	print_message("0.1 s: %.2f LUFS, 2 s: %.2f LUFS\n", ia.lufs, ib.lufs);
	assert_true(fabs(ia.lufs - ib.lufs) < 0.3);
	free(a);
	free(b);
}

static void
flac_and_wav_writers_keep_what_they_are_given(void **state)
{
	char err[ERRLEN];
	static const enum audio_format fmts[] = { AUDIO_FLAC, AUDIO_WAV16, AUDIO_WAV_FLOAT };
	static const char *names[] = { "w.flac", "w16.wav", "wf.wav" };
	for (size_t f = 0; f < 3; f++) {
		char *p = path(names[f]);
		struct audio_writer *w = audio_writer_open(p, 48000, fmts[f], err);
		assert_non_null(w);
		float buf[AUDIO_BLOCK];
		for (long blk = 0; blk < 47; blk++) { /* 1.0027 s */
			for (int i = 0; i < AUDIO_BLOCK; i++)
				buf[i] = (float)(0.5 * sin(2 * M_PI * 1000 * (blk * AUDIO_BLOCK + i) / 48000.0));
			assert_int_equal(audio_writer_write(w, buf, AUDIO_BLOCK, err), 0);
		}
		/* nothing at the final name until it is complete */
		assert_int_equal(access(p, F_OK), -1);
		assert_int_equal(audio_writer_close(w, 0, err), 0);
		struct audio_info info;
		assert_int_equal(audio_probe(p, &info, err), 0);
		assert_int_equal(info.frames, 47 * AUDIO_BLOCK);
		assert_int_equal(info.sample_rate, 48000);
		/* a 1 kHz sine at -6 dBFS: -9 LUFS (K-weighting adds ~0.7 dB at 1 kHz) */
		assert_true(fabs(info.lufs - -9.0) < 0.5);
		free(p);
	}
	/* an aborted write leaves nothing behind */
	char *p = path("aborted.flac");
	struct audio_writer *w = audio_writer_open(p, 48000, AUDIO_FLAC, err);
	assert_non_null(w);
	assert_int_equal(audio_writer_close(w, 1, err), 0);
	assert_int_equal(access(p, F_OK), -1);
	free(p);
	/* a directory that does not exist: a sentence naming the file */
	w = audio_writer_open("/nonexistent/dir/x.wav", 48000, AUDIO_WAV16, err);
	assert_null(w);
	assert_non_null(strstr(err, "/nonexistent/dir/x.wav"));
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

/*
 * The live microphone's high-pass (live.highpass_hz, 80 Hz by default; the
 * relay runs this biquad on what comes in): hum and handling noise at
 * 30 Hz lose at least 15 dB (a 2nd-order Butterworth gives 17 dB there),
 * the voice's 1 kHz passes within 0.5 dB.
 */
static void
the_live_high_pass_takes_out_rumble_and_keeps_the_voice(void **state)
{
	const int rate = 48000;
	const double freqs[] = { 30, 1000 };
	double db[2];
	float *x = xcalloc(2 * rate, sizeof *x), *y = xcalloc(2 * rate, sizeof *y);
	for (int k = 0; k < 2; k++) {
		struct biquad q;
		highpass_init(&q, 80, rate);
		for (long i = 0; i < 2 * rate; i++) {
			x[i] = (float)(0.5 * sin(2 * M_PI * freqs[k] * i / rate));
			y[i] = biquad_run(&q, x[i]);
		}
		/* the second second: the filter has settled */
		db[k] = 20 * log10(tone_level(y + rate, rate, freqs[k], rate) /
				   tone_level(x + rate, rate, freqs[k], rate));
	}
	free(x);
	free(y);
	print_message("live high-pass at 80 Hz: 30 Hz %.1f dB, 1 kHz %.2f dB\n", db[0], db[1]);
	assert_true(db[0] <= -15);
	assert_true(fabs(db[1]) < 0.5);
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
	/* the memory it takes is a figure of bench/memory.sh, not a test */
	print_message("2 h at 8 kHz resampled to 48 kHz: %lld frames, RSS grew %ld KiB\n",
		      (long long)total, grew);
	assert_true(llabs(total - 7200LL * 48000) < 48000);
	unlink(p);
	free(p);
}

/* The programme API: jingle, speech with a bed, a crossfade, gaps, silence. */
static void
a_programme_of_speech_jingle_and_bed_meets_the_target_by_ffmpeg(void **state)
{
	char err[ERRLEN];
	/* quiet Vietnamese speech from espeak-ng, a loud jingle, a bed */
	sh("cd %s && espeak-ng -v vi -w vi.wav 'Ủy ban nhân dân phường thông báo lịch tiếp công dân "
	   "tháng này vào sáng thứ năm hàng tuần tại trụ sở.' && sox vi.wav vi-quiet.wav vol 0.1", dir);
	sh("cd %s && sox -n -r 44100 -c 2 loud.wav synth 3 square 440 square 660 vol 0.95 fade 0 3 0.5", dir);
	const char *files[] = { "loud.wav", "vi-quiet.wav", "vi-quiet.wav", "loud.wav" };
	struct audio_item it[4];
	for (size_t i = 0; i < 4; i++) {
		char *p = path(files[i]);
		struct audio_info info;
		assert_int_equal(audio_probe(p, &info, err), 0);
		print_message("%s: %.1f LUFS, %.1f dBTP as it is\n", files[i], info.lufs, info.true_peak_db);
		/* as playlists do: the loudness the item has after the limiter */
		double eff = audio_effective_lufs(p, info.lufs, info.duration_s, 48000, -16, -1);
		it[i] = (struct audio_item){ .path = p, .lufs = eff, .bed = -1, .gap = 0.5 };
	}
	it[0].fade_out = 1.0;
	it[1].speech = it[2].speech = 1;
	it[1].bed = it[2].bed = 0;
	it[3].crossfade = 0.5;
	it[2].gap = 0;
	char *bedp = path("bed.flac");
	struct audio_info bi;
	assert_int_equal(audio_probe(bedp, &bi, err), 0);
	struct audio_prog_bed bed = { .path = bedp, .lufs = bi.lufs, .duck_db = -18 };
	struct audio_prog_opts o = { .mix = { .rate = 48000, .ceiling_dbtp = -1, .duck_attack = 0.05,
					      .duck_release = 0.5 },
				     .target_lufs = -16 };
	struct audio_mix *m = audio_mix_programme(it, 4, &bed, 1, &o, err);
	assert_non_null(m);
	char *out = path("prog.wav");
	long frames = render(m, out);
	assert_true(fabs(frames / 48000.0 - audio_mix_length(m)) < 0.001);
	audio_mix_free(m);
	double lufs, tp;
	ffmpeg_measure(out, &lufs, &tp);
	print_message("programme of quiet speech, a loud jingle and a bed: %.1f LUFS, %.1f dBTP (ffmpeg)\n",
		      lufs, tp);
	assert_true(fabs(lufs - -16) <= 0.5);
	assert_true(tp <= -1.0);
	for (size_t i = 0; i < 4; i++)
		free((char *)it[i].path);
	free(bedp);
	free(out);
}

static void
the_timeline_holds_fades_crossfades_and_gaps(void **state)
{
	char err[ERRLEN];
	char *a = path("two.wav");
	sh("sox -n -r 44100 -c 1 %s synth 2 sine 500 vol 0.3", a);
	struct audio_item it[] = {
		{ .path = a, .lufs = -16, .fade_in = 0.5, .gap = 1.0, .bed = -1 },
		{ .silence_s = 1.5, .bed = -1 },
		{ .path = a, .lufs = -16, .crossfade = 0.5, .bed = -1 },
		{ .path = a, .lufs = -16, .crossfade = 0.75, .fade_out = 1.0, .gap = 3, .bed = -1 },
	};
	struct audio_prog_opts o = { .mix = { .rate = 48000, .ceiling_dbtp = -1 }, .target_lufs = -16 };
	struct audio_mix *m = audio_mix_programme(it, 4, NULL, 0, &o, err);
	assert_non_null(m);
	size_t n;
	const struct audio_span *t = audio_mix_timeline(m, &n);
	assert_int_equal(n, 4);
	/* 0-2, gap 1, silence 3-4.5, crossfade 0.5: 4-6, crossfade 0.75: 5.25-7.25 */
	const double want[4][2] = { { 0, 2 }, { 3, 1.5 }, { 4, 2 }, { 5.25, 2 } };
	for (size_t i = 0; i < n; i++) {
		print_message("item %zu: %.3f s + %.3f s\n", i, t[i].offset_s, t[i].length_s);
		assert_true(fabs(t[i].offset_s - want[i][0]) < 0.001);
		assert_true(fabs(t[i].length_s - want[i][1]) < 0.001);
		assert_false(t[i].skipped);
	}
	/* the last gap is not played: the programme ends with its last sound */
	assert_true(fabs(audio_mix_length(m) - 7.25) < 0.001);
	float *all = xcalloc(48000 * 8, sizeof *all);
	long k, total = 0;
	while ((k = audio_mix_read(m, all + total, AUDIO_BLOCK, err)) > 0)
		total += k;
	assert_int_equal(k, 0);
	audio_mix_free(m);
	assert_true(labs(total - 48000 * 725 / 100) <= 1);
	double full = rms(all + 48000, 4800);
	assert_true(rms(all, 2400) < full / 4);                       /* fading in */
	assert_true(rms(all + 48000 * 21 / 10, 48000 * 18 / 10) < 1e-4); /* gap and silence: 2.1-3.9 s */
	/* the crossfade: both faded, so no bump where they overlap */
	assert_true(rms(all + 48000 * 4, 24000) < full * 1.1);
	assert_true(rms(all + total - 4800, 4800) < full / 4);        /* fading out */
	free(all);
	free(a);
}

static void write_sine(const char *p, double f, double ph, double amp, double seconds);

static void
a_silent_or_near_silent_file_is_not_blown_up(void **state)
{
	char err[ERRLEN];
	char *p = path("faint.wav");
	write_sine(p, 1000, 0, 0.001, 1); /* -60 dBFS */
	/* as measured: -70 is "silence" (left alone); -63 would ask for +47 dB */
	const double lufs[] = { -70, -63 }, want_db[] = { 0, 30 };
	for (int k = 0; k < 2; k++) {
		struct audio_item it = { .path = p, .lufs = lufs[k], .bed = -1 };
		struct audio_prog_opts o = { .mix = { .rate = 48000, .ceiling_dbtp = -1 },
					     .target_lufs = -16 };
		struct audio_mix *m = audio_mix_programme(&it, 1, NULL, 0, &o, err);
		assert_non_null(m);
		float *all = xcalloc(48000, sizeof *all);
		long n, total = 0;
		while ((n = audio_mix_read(m, all + total, AUDIO_BLOCK, err)) > 0)
			total += n;
		audio_mix_free(m);
		double got = 20 * log10(rms(all + 4800, 38400) / (0.001 / sqrt(2)));
		print_message("a file measured at %.0f LUFS is raised by %.1f dB\n", lufs[k], got);
		assert_true(fabs(got - want_db[k]) < 0.1);
		free(all);
	}
	free(p);
}

struct stopper {
	struct audio_mix *m;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int at_one_second, asked;
};

/* Waits for the reader to reach one second, asks for the stop, says so. */
static void *
stop_from_another_thread(void *arg)
{
	struct stopper *st = arg;
	pthread_mutex_lock(&st->lock);
	while (!st->at_one_second)
		pthread_cond_wait(&st->cond, &st->lock);
	pthread_mutex_unlock(&st->lock);
	audio_mix_fade_out(st->m, 5.0); /* asks for too long: held to 0.5 s */
	pthread_mutex_lock(&st->lock);
	st->asked = 1;
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

static void
a_stop_from_another_thread_fades_within_half_a_second(void **state)
{
	char err[ERRLEN];
	char *a = path("tone3.wav");
	sh("sox -n -r 48000 -c 1 %s synth 3 sine 500 vol 0.3", a);
	struct audio_item it[] = {
		{ .path = a, .lufs = -16, .bed = -1 },
		{ .path = a, .lufs = -16, .bed = -1 },
	};
	struct audio_prog_opts o = { .mix = { .rate = 48000, .ceiling_dbtp = -1 }, .target_lufs = -16 };
	struct audio_mix *m = audio_mix_programme(it, 2, NULL, 0, &o, err);
	assert_non_null(m);
	assert_true(audio_mix_cut_s(m) < 0);
	struct stopper st = { .m = m, .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, stop_from_another_thread, &st), 0);
	float buf[AUDIO_BLOCK];
	long n, total = 0, asked_at = -1;
	float last = 1;
	while ((n = audio_mix_read(m, buf, AUDIO_BLOCK, err)) > 0) {
		total += n;
		last = fabsf(buf[n - 1]);
		if (total >= 48000 && !st.at_one_second) {
			/* the other thread asks for the stop here; the next read sees it */
			asked_at = total;
			pthread_mutex_lock(&st.lock);
			st.at_one_second = 1;
			pthread_cond_broadcast(&st.cond);
			while (!st.asked)
				pthread_cond_wait(&st.cond, &st.lock);
			pthread_mutex_unlock(&st.lock);
		}
	}
	pthread_join(th, NULL);
	double cut = audio_mix_cut_s(m);
	print_message("asked at %.3f s, cut at %.3f s, ended at %.3f s\n", asked_at / 48000.0, cut,
		      total / 48000.0);
	/* cut where it was asked: at the next sample mixed (the limiter's look-ahead holds under a block) */
	assert_true(cut >= asked_at / 48000.0 - 0.001 && cut <= (asked_at + AUDIO_BLOCK) / 48000.0);
	assert_true(total / 48000.0 <= cut + 0.5 + 0.01);
	assert_true(last < 0.001);
	size_t k;
	const struct audio_span *t = audio_mix_timeline(m, &k);
	assert_true(t[0].cut && t[1].cut);
	audio_mix_free(m);
	free(a);
}

static void
a_missing_or_broken_clip_is_skipped_or_fails_as_asked(void **state)
{
	char err[ERRLEN];
	char *good = path("good.wav"), *gone = path("gone.wav"), *bad = path("bad-later.flac");
	sh("sox -n -r 48000 -c 1 %s synth 1 sine 500 vol 0.3", good);
	/* a good header and start, damage two seconds in */
	sh("sox -n -r 48000 -c 1 %s synth 6 whitenoise vol 0.3 && "
	   "dd if=/dev/urandom of=%s bs=1 seek=200000 count=20000 conv=notrunc status=none", bad, bad);
	struct audio_item it[] = {
		{ .path = good, .lufs = -16, .bed = -1, .gap = 0.5 },
		{ .path = gone, .lufs = -16, .bed = -1, .gap = 0.5 },
		{ .path = good, .lufs = -16, .bed = -1 },
	};
	struct audio_prog_opts o = { .mix = { .rate = 48000, .ceiling_dbtp = -1 }, .target_lufs = -16 };
	/* fail: no programme, a sentence naming the file */
	assert_null(audio_mix_programme(it, 3, NULL, 0, &o, err));
	print_message("fail: %s\n", err);
	assert_non_null(strstr(err, "gone.wav"));
	/* skip: the others close up, the timeline says which and why */
	o.mix.skip_bad = 1;
	struct audio_mix *m = audio_mix_programme(it, 3, NULL, 0, &o, err);
	assert_non_null(m);
	size_t n;
	const struct audio_span *t = audio_mix_timeline(m, &n);
	assert_int_equal(n, 3);
	assert_true(t[1].skipped && !t[0].skipped && !t[2].skipped);
	assert_non_null(strstr(t[1].reason, "gone.wav"));
	print_message("skip: %s\n", t[1].reason);
	assert_true(fabs(t[2].offset_s - 1.5) < 0.001);
	assert_true(fabs(audio_mix_length(m) - 2.5) < 0.001);
	float buf[AUDIO_BLOCK];
	long k, total = 0;
	while ((k = audio_mix_read(m, buf, AUDIO_BLOCK, err)) > 0)
		total += k;
	assert_int_equal(k, 0);
	assert_true(labs(total - 120000) <= 1);
	audio_mix_free(m);
	/* a file that breaks while it plays */
	struct audio_item it2[] = {
		{ .path = bad, .lufs = -16, .bed = -1 },
		{ .path = good, .lufs = -16, .bed = -1 },
	};
	o.mix.skip_bad = 0;
	m = audio_mix_programme(it2, 2, NULL, 0, &o, err);
	assert_non_null(m);
	while ((k = audio_mix_read(m, buf, AUDIO_BLOCK, err)) > 0)
		;
	assert_int_equal(k, -1);
	print_message("fail while playing: %s\n", err);
	assert_non_null(strstr(err, "bad-later.flac"));
	audio_mix_free(m);
	o.mix.skip_bad = 1;
	m = audio_mix_programme(it2, 2, NULL, 0, &o, err);
	assert_non_null(m);
	total = 0;
	while ((k = audio_mix_read(m, buf, AUDIO_BLOCK, err)) > 0)
		total += k;
	assert_int_equal(k, 0);
	t = audio_mix_timeline(m, &n);
	print_message("skip while playing: %s (played %.2f s)\n", t[0].reason, t[0].length_s);
	assert_true(t[0].skipped && !t[1].skipped);
	assert_non_null(strstr(t[0].reason, "bad-later.flac"));
	assert_true(t[0].length_s > 0.5 && t[0].length_s < 6);
	/* the programme went on to the end, the next item in its place */
	assert_true(labs(total - 7 * 48000) <= 1);
	audio_mix_free(m);
	free(good);
	free(gone);
	free(bad);
}

/* Writes a mono float WAV of two sines (amplitude a1 at f1 with phase ph, a2 at f2). */
static void
write_tones(const char *p, double f1, double ph, double a1, double f2, double a2, double seconds)
{
	char err[ERRLEN];
	struct audio_writer *w = audio_writer_open(p, 48000, AUDIO_WAV_FLOAT, err);
	assert_non_null(w);
	float buf[AUDIO_BLOCK];
	long total = (long)(seconds * 48000);
	for (long at = 0; at < total; at += AUDIO_BLOCK) {
		long n = total - at < AUDIO_BLOCK ? total - at : AUDIO_BLOCK;
		for (long i = 0; i < n; i++)
			buf[i] = (float)(a1 * sin(2 * M_PI * f1 * (at + i) / 48000 + ph) +
					 a2 * sin(2 * M_PI * f2 * (at + i) / 48000));
		assert_int_equal(audio_writer_write(w, buf, n, err), 0);
	}
	assert_int_equal(audio_writer_close(w, 0, err), 0);
}

static void
write_sine(const char *p, double f, double ph, double amp, double seconds)
{
	write_tones(p, f, ph, amp, 0, 0, seconds);
}

static void
the_limiter_holds_true_peaks_under_the_ceiling(void **state)
{
	char err[ERRLEN];
	/*
	 * 12 kHz at 45 degrees: the samples sit 3 dB under the true peak, so a
	 * limiter that only looks at samples lets it through 2 dB over.  16 kHz
	 * is where ffmpeg's meter reads highest (1 dB over the truth).
	 */
	static const struct {
		double f, ph;
	} t[] = { { 12000, M_PI / 4 }, { 16000, 0 }, { 1000, 0 }, { 7000, M_PI / 4 } };
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		char *p = path("hot.wav"), *out = path("hot-out.wav");
		write_sine(p, t[i].f, t[i].ph, 0.7, 3);
		struct audio_seg seg = { .path = p, .gain_db = 9, .length_s = 3, .bed = -1 };
		struct audio_mix_opts o = { .rate = 48000, .ceiling_dbtp = -1 };
		struct audio_mix *m = audio_mix_new(&seg, 1, NULL, 0, &o, err);
		long frames = render(m, out);
		audio_mix_free(m);
		assert_int_equal(frames, 3 * 48000);
		double lufs, tp;
		ffmpeg_measure(out, &lufs, &tp);
		print_message("%g Hz, 6 dB over full scale: out at %.2f dBTP (ffmpeg)\n", t[i].f, tp);
		assert_true(tp <= -1.0);
		assert_true(tp >= -2.5); /* limited, not crushed */
		free(p);
		free(out);
	}
	/* quiet material passes untouched: no gain change at all */
	char *p = path("quiet.wav");
	write_sine(p, 1000, 0, 0.25, 1);
	struct audio_seg seg = { .path = p, .length_s = 1, .bed = -1 };
	struct audio_mix_opts o = { .rate = 48000, .ceiling_dbtp = -1 };
	struct audio_mix *m = audio_mix_new(&seg, 1, NULL, 0, &o, err);
	float *all = xcalloc(48000, sizeof *all);
	long n, total = 0;
	while ((n = audio_mix_read(m, all + total, AUDIO_BLOCK, err)) > 0)
		total += n;
	audio_mix_free(m);
	assert_int_equal(total, 48000);
	for (long i = 0; i < total; i++)
		if (fabs(all[i] - 0.25 * sin(2 * M_PI * 1000 * i / 48000)) > 1e-5)
			fail_msg("sample %ld changed: %f", i, all[i]);
	free(all);
	free(p);
}

/* Frames of a WAV file as a reader sees them (its header), or -1. */
static int64_t
frames_of(const char *p)
{
	char err[ERRLEN];
	struct audio_src *s = audio_src_open(p, 48000, err);
	int64_t n = s ? audio_src_frames(s) : -1;
	audio_src_close(s);
	return n;
}

static void
recovered(void *arg, const char *p, double seconds)
{
	*(double *)arg = seconds;
}

/*
 * What aired live is kept whatever happens: while it records, PATH.part is
 * a readable WAV of all but the last second; closed, it is PATH, whole; a
 * .part a kill left (its header behind) is finished by the next start,
 * every sample counted.
 */
static void
a_live_recording_is_readable_while_it_grows_and_after_a_kill(void **state)
{
	char err[ERRLEN];
	char *p = path("rec/live-1.wav"), *part = path("rec/live-1.wav.part"), *d = path("rec");
	struct audio_record *r = audio_record_open(p, 48000, err);
	assert_non_null(r);
	float buf[AUDIO_BLOCK];
	for (int i = 0; i < AUDIO_BLOCK; i++)
		buf[i] = 0.25f * (float)sin(2 * M_PI * 1000 * i / 48000.0);
	for (int k = 0; k < 100; k++) /* 2.13 s */
		audio_record_write(r, buf, AUDIO_BLOCK);
	int64_t seen = frames_of(part);
	print_message("while recording %lld frames, a reader sees %lld\n",
		      (long long)audio_record_frames(r), (long long)seen);
	assert_true(seen >= audio_record_frames(r) - 48000 && seen <= audio_record_frames(r));
	assert_int_equal(access(p, F_OK), -1); /* not under its name before the end */
	assert_int_equal(audio_record_close(r, err), 0);
	assert_int_equal(frames_of(p), 100 * AUDIO_BLOCK);
	assert_int_equal(access(part, F_OK), -1);
	/* a kill: the header says nothing of the samples after it */
	assert_int_equal(rename(p, part), 0);
	sh("printf '\\000\\000\\000\\000' | dd of=%s bs=1 seek=40 conv=notrunc 2>/dev/null", part);
	assert_true(frames_of(part) <= 0); /* none, or not readable at all */
	double seconds = 0;
	assert_int_equal(audio_record_recover(d, recovered, &seconds, err), 0);
	assert_int_equal(frames_of(p), 100 * AUDIO_BLOCK);
	assert_true(fabs(seconds - 100.0 * AUDIO_BLOCK / 48000) < 1e-9);
	assert_int_equal(access(part, F_OK), -1);
	/* a name taken is refused with a sentence, nothing overwritten */
	sh("touch %s", part);
	assert_null(audio_record_open(p, 48000, err));
	assert_non_null(strstr(err, part));
	free(p);
	free(part);
	free(d);
}

/*
 * A live announcement the operator ends (loaxa live --stop): the relay (the
 * microphone) fades out now and the closing jingle after it plays at once,
 * whole, not after the minutes the relay was given.  The relay here is one
 * that cannot connect: it plays silence, which is all this needs.
 */
static void
ending_the_relays_early_brings_the_closing_jingle_forward(void **state)
{
	char err[ERRLEN];
	char *p = path("closing.wav");
	write_tones(p, 1000, 0, 0.3, 1000, 0, 0.5);
	struct audio_relay_opts ro = { .url = "http://127.0.0.1:9/none", .rate = 48000,
				       .target_lufs = -16 };
	struct audio_relay *r = audio_relay_open(&ro);
	struct audio_seg segs[2] = {
		{ .silence_s = 600, .length_s = 600, .bed = -1, .relay = r },
		{ .path = p, .offset_s = 600, .length_s = 0.5, .bed = -1 },
	};
	struct audio_mix_opts o = { .rate = 48000, .ceiling_dbtp = -1 };
	struct audio_mix *m = audio_mix_new(segs, 2, NULL, 0, &o, err);
	assert_non_null(m);
	float *all = xcalloc(48000 * 3, sizeof *all);
	long n, total = 0;
	while (total < 48000 && (n = audio_mix_read(m, all + total, AUDIO_BLOCK, err)) > 0)
		total += n;
	double asked = audio_mix_position(m);
	audio_mix_end_relays(m, 0.1);
	while (total < 48000 * 3 - AUDIO_BLOCK && (n = audio_mix_read(m, all + total, AUDIO_BLOCK, err)) > 0)
		total += n;
	assert_int_equal(audio_mix_read(m, all, AUDIO_BLOCK, err), 0); /* it ended */
	size_t nt;
	const struct audio_span *tl = audio_mix_timeline(m, &nt);
	print_message("ended at 1 s: relay %.3f s, jingle at %.3f s, %.3f s in all\n", tl[0].length_s,
		      tl[1].offset_s, (double)total / 48000);
	assert_true(fabs(tl[0].length_s - (asked + 0.1)) < 0.001); /* what was read, then the fade */
	assert_true(fabs(tl[1].offset_s - tl[0].length_s) < 1e-6);
	assert_true(fabs((double)total / 48000 - (tl[1].offset_s + 0.5)) < 0.01);
	/* the jingle is heard whole after the relay */
	long at = (long)(tl[1].offset_s * 48000);
	assert_true(tone_level(all + at + 2400, 19200, 1000, 48000) > 0.1);
	audio_mix_free(m);
	audio_relay_close(r);
	free(all);
	free(p);
}

static void
the_high_pass_takes_out_what_horns_cannot_play(void **state)
{
	char err[ERRLEN];
	char *p = path("lowhigh.wav");
	write_tones(p, 50, 0, 0.2, 1000, 0.2, 2);
	double lvl[2][2];
	for (int hp = 0; hp < 2; hp++) {
		struct audio_seg seg = { .path = p, .length_s = 2, .bed = -1 };
		struct audio_mix_opts o = { .rate = 48000, .ceiling_dbtp = -1, .highpass_hz = hp ? 150 : 0 };
		struct audio_mix *m = audio_mix_new(&seg, 1, NULL, 0, &o, err);
		float *all = xcalloc(96000, sizeof *all);
		long n, total = 0;
		while ((n = audio_mix_read(m, all + total, AUDIO_BLOCK, err)) > 0)
			total += n;
		audio_mix_free(m);
		lvl[hp][0] = tone_level(all + 48000, 48000, 50, 48000);
		lvl[hp][1] = tone_level(all + 48000, 48000, 1000, 48000);
		free(all);
	}
	double low = 20 * log10(lvl[1][0] / lvl[0][0]), mid = 20 * log10(lvl[1][1] / lvl[0][1]);
	print_message("high-pass at 150 Hz: 50 Hz %.1f dB, 1 kHz %.2f dB\n", low, mid);
	assert_true(low < -15);
	assert_true(fabs(mid) < 0.3);
	/* nonsense settings are refused with a sentence */
	struct audio_mix_opts bad = { .rate = 48000, .highpass_hz = 30000 };
	struct audio_seg seg = { .path = p, .length_s = 2, .bed = -1 };
	assert_null(audio_mix_new(&seg, 1, NULL, 0, &bad, err));
	assert_non_null(strstr(err, "high-pass"));
	bad = (struct audio_mix_opts){ .rate = 12 };
	assert_null(audio_mix_new(&seg, 1, NULL, 0, &bad, err));
	assert_non_null(strstr(err, "sample rate"));
	free(p);
}

static double
now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void
sinks_write_pace_and_refuse_clearly(void **state)
{
	char err[ERRLEN];
	char *p = path("sink.wav");
	float buf[AUDIO_BLOCK] = { 0 };
	/* a paced WAV sink takes as long as a device would */
	struct audio_sink_opts o = { .output = "wav", .wav_path = p, .pace = 1, .rate = 48000 };
	struct audio_sink *s = audio_sink_open(&o, err);
	assert_non_null(s);
	assert_true(audio_sink_realtime(s));
	assert_true(audio_sink_latency(s) >= 0);
	double t0 = now_s();
	for (int i = 0; i < 24; i++) /* 0.512 s */
		assert_int_equal(audio_sink_write(s, buf, AUDIO_BLOCK, err), 0);
	assert_int_equal(audio_sink_close(s, err), 0);
	double took = now_s() - t0;
	print_message("paced WAV: 0.512 s of sound took %.3f s\n", took);
	/* never faster than the sound (a busy machine can only make it slower) */
	assert_true(took > 0.48);
	struct audio_info info;
	assert_int_equal(audio_probe(p, &info, err), 0);
	assert_int_equal(info.frames, 24 * AUDIO_BLOCK);
	/* unpaced: at once */
	o.pace = 0;
	s = audio_sink_open(&o, err);
	assert_false(audio_sink_realtime(s));
	t0 = now_s();
	for (int i = 0; i < 240; i++)
		assert_int_equal(audio_sink_write(s, buf, AUDIO_BLOCK, err), 0);
	assert_int_equal(audio_sink_close(s, err), 0);
	print_message("unpaced WAV: 5.12 s of sound took %.3f s\n", now_s() - t0);
	assert_int_equal(audio_probe(p, &info, err), 0);
	assert_int_equal(info.frames, 240 * AUDIO_BLOCK);
	/* null */
	struct audio_sink_opts nul = { .output = "null", .rate = 48000 };
	s = audio_sink_open(&nul, err);
	assert_non_null(s);
	assert_int_equal(audio_sink_write(s, buf, AUDIO_BLOCK, err), 0);
	assert_int_equal(audio_sink_close(s, err), 0);
	/* refusals */
	struct audio_sink_opts bad = { .output = "speakers", .rate = 48000 };
	assert_null(audio_sink_open(&bad, err));
	assert_non_null(strstr(err, "speakers"));
	bad = (struct audio_sink_opts){ .output = "wav", .rate = 48000 };
	assert_null(audio_sink_open(&bad, err));
	assert_non_null(strstr(err, "wav_path"));
	/*
	 * PortAudio's refusals (a device that is not there, one that goes away)
	 * are tested through a real sound server in tests/system/: its ALSA
	 * and JACK plugins leak in their constructors, which valgrind would
	 * count against this binary.
	 */
	free(p);
}

/* ---- a stream's decoder, fed as the network would ---- */

struct decoded {
	float *x;         /* interleaved, as decoded */
	size_t n, cap;
	long rate[8];     /* each run of one rate and channel count */
	int channels[8];
	size_t frames[8];
	int runs;
};

static void
on_decoded(const float *pcm, size_t frames, long rate, int channels, void *arg)
{
	struct decoded *d = arg;
	if (!d->runs || d->rate[d->runs - 1] != rate || d->channels[d->runs - 1] != channels) {
		assert_true(d->runs < 8);
		d->rate[d->runs] = rate;
		d->channels[d->runs++] = channels;
	}
	d->frames[d->runs - 1] += frames;
	size_t k = frames * (size_t)channels;
	if (d->n + k > d->cap) {
		d->cap = (d->n + k) * 2;
		d->x = realloc(d->x, d->cap * sizeof *d->x);
		assert_non_null(d->x);
	}
	memcpy(d->x + d->n, pcm, k * sizeof *pcm);
	d->n += k;
}

/* The file fed `chunk` bytes at a time; -1 with err when the decoder refuses it. */
static int
decode_stream(const char *file, const char *type, size_t chunk, struct decoded *out, char *fmt,
	      char *err)
{
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	memset(out, 0, sizeof *out);
	struct audio_decoder *d = audio_decoder_new(type, on_decoded, out, err);
	int rc = d ? 0 : -1;
	unsigned char buf[4096];
	size_t n;
	while (rc == 0 && (n = fread(buf, 1, chunk, f)) > 0)
		rc = audio_decoder_feed(d, buf, n, err);
	if (fmt)
		snprintf(fmt, 32, "%s", d && audio_decoder_format(d) ? audio_decoder_format(d) : "-");
	audio_decoder_free(d);
	fclose(f);
	return rc;
}

/* Sign changes per second of one channel of a run: twice the tone's frequency. */
static double
crossings_per_s(const float *x, size_t frames, int channels, long rate)
{
	size_t c = 0;
	for (size_t i = 1; i < frames; i++)
		c += (x[i * (size_t)channels] >= 0) != (x[(i - 1) * (size_t)channels] >= 0);
	return (double)c * (double)rate / (double)frames;
}

static double
rms_interleaved(const float *x, size_t frames, int channels)
{
	double s = 0;
	for (size_t i = 0; i < frames * (size_t)channels; i++)
		s += (double)x[i] * x[i];
	return sqrt(s / (double)(frames * (size_t)channels));
}

static void
a_chained_ogg_stream_decodes_the_same_in_any_split(void **state)
{
	char err[ERRLEN], fmt[32];
	/* an Icecast source restarting: Vorbis 44.1 kHz stereo, then Opus 48 kHz mono */
	sh("cd %s && ffmpeg -v error -y -f lavfi -i sine=frequency=1000:sample_rate=44100:duration=2 "
	   "-af volume=4 -ac 2 -c:a libvorbis v.ogg && "
	   "ffmpeg -v error -y -f lavfi -i sine=frequency=440:sample_rate=48000:duration=2 "
	   "-c:a libopus -b:a 64k o.ogg && cat v.ogg o.ogg >chain.ogg && "
	   "ffmpeg -v error -y -f lavfi -i sine=frequency=1000:sample_rate=44100:duration=2 "
	   "-c:a libmp3lame s.mp3 && "
	   /* what libvorbis and libopus make of each link, through ffmpeg (it trims the ends) */
	   "ffmpeg -v error -y -c:a libvorbis -i v.ogg -f f32le v.raw && "
	   "ffmpeg -v error -y -c:a libopus -i o.ogg -f f32le o.raw", dir);
	static const struct {
		const char *file, *type, *format;
		int runs;
	} cases[] = {
		{ "chain.ogg", "application/ogg", "Ogg Opus", 2 },
		{ "chain.ogg", NULL, "Ogg Opus", 2 },  /* told by its first bytes */
		{ "s.mp3", "audio/mpeg", "MP3", 1 },
		{ "s.mp3", NULL, "MP3", 1 },           /* no type, no magic: MP3 */
	};
	for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
		char *p = path(cases[k].file);
		struct decoded one, big;
		assert_int_equal(decode_stream(p, cases[k].type, 1, &one, fmt, err), 0);
		assert_int_equal(decode_stream(p, cases[k].type, 4096, &big, fmt, err), 0);
		print_message("%s as %s: %s, %d runs, %zu samples\n", cases[k].file,
			      cases[k].type ? cases[k].type : "(no type)", fmt, big.runs, big.n);
		assert_string_equal(fmt, cases[k].format);
		/* byte by byte or 4 KiB at a time: the same samples */
		assert_int_equal(one.n, big.n);
		assert_int_equal(one.runs, big.runs);
		assert_memory_equal(one.x, big.x, big.n * sizeof *big.x);
		assert_int_equal(big.runs, cases[k].runs);
		/* what was encoded: 2 s of each tone, at its level, at its rate */
		const float *x = big.x;
		for (int i = 0; i < big.runs; i++) {
			int ogg_link2 = cases[k].runs == 2 && i == 1;
			long want_rate = ogg_link2 ? 48000 : 44100;
			int want_ch = ogg_link2 ? 1 : cases[k].runs == 2 ? 2 : 1;
			double want_hz = ogg_link2 ? 440 : 1000;
			/* lavfi's sine is at 1/8; -ac 2 puts a mono source on both at -3 dB */
			double want_rms = (cases[k].runs == 2 && i == 0 ? 0.5 / sqrt(2) : 0.125) / sqrt(2);
			size_t fr = big.frames[i];
			double secs = (double)fr / (double)big.rate[i];
			/* skip the codecs' ramp at the start and end */
			size_t a = (size_t)big.rate[i] / 10, m = fr - 2 * a;
			const float *mid = x + a * (size_t)big.channels[i];
			double hz = crossings_per_s(mid, m, big.channels[i], big.rate[i]) / 2;
			double lv = 20 * log10(rms_interleaved(mid, m, big.channels[i]) / want_rms);
			print_message("  %ld Hz %d ch: %.3f s, %.1f Hz, %+.2f dB\n", big.rate[i],
				      big.channels[i], secs, hz, lv);
			assert_int_equal(big.rate[i], want_rate);
			assert_int_equal(big.channels[i], want_ch);
			assert_true(fabs(secs - 2) < 0.06);
			assert_true(fabs(hz - want_hz) < want_hz * 0.01);
			assert_true(fabs(lv) < (cases[k].runs == 2 ? 0.5 : 1.0)); /* MP3 loses a little */
			if (cases[k].runs == 2) { /* from its first sample on, as ffmpeg decodes it */
				char *raw = path(i == 0 ? "v.raw" : "o.raw");
				FILE *f = fopen(raw, "rb");
				assert_non_null(f);
				size_t cap = fr * (size_t)big.channels[i];
				float *ref = xcalloc(cap, sizeof *ref);
				size_t got = fread(ref, sizeof *ref, cap, f);
				fclose(f);
				double d2 = 0, r2 = 0;
				for (size_t j = 0; j < got; j++) {
					d2 += (double)(x[j] - ref[j]) * (x[j] - ref[j]);
					r2 += (double)ref[j] * ref[j];
				}
				double diff = 10 * log10(d2 / r2 + 1e-30);
				size_t extra = fr - got / (size_t)big.channels[i];
				print_message("    against ffmpeg: %.1f dB apart, %zu frames more (the end padding)\n",
					      diff, extra);
				assert_true(diff < -60);
				assert_true(extra < (size_t)big.rate[i] / 20);
				free(ref);
				free(raw);
			}
			x += fr * (size_t)big.channels[i];
		}
		free(one.x);
		free(big.x);
		free(p);
	}
}

static void
a_stream_that_is_not_what_it_says_is_refused_clearly(void **state)
{
	char err[ERRLEN];
	struct decoded out;
	/* "OggS", then noise: no page ever checks out */
	char *rac = path("rac.ogg");
	FILE *f = fopen(rac, "wb");
	assert_non_null(f);
	fputs("OggS", f);
	srand(14);
	for (int i = 0; i < 1000000; i++)
		fputc(rand() & 0xff, f);
	fclose(f);
	sh("cd %s && ffmpeg -v error -y -f lavfi -i sine=duration=1 -c:a flac -f ogg flac.ogg", dir);
	char *flac = path("flac.ogg");
	static const struct {
		const char *file, *type, *says;
	} cases[] = {
		{ "rac.ogg", "application/ogg", "bytes came but not one Ogg page" },
		{ "rac.ogg", "audio/mpeg", "bytes came but not one Ogg page" },
		{ "flac.ogg", "audio/ogg", "the Ogg stream carries FLAC, not Vorbis or Opus" },
		{ "flac.ogg", "text/html; charset=utf-8", "returns a web page (text/html; charset=utf-8)" },
		{ "flac.ogg", "audio/aacp", "the stream is audio/aacp, which loaxa cannot relay" },
	};
	for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
		char *p = path(cases[k].file);
		err[0] = 0;
		assert_int_equal(decode_stream(p, cases[k].type, 4096, &out, NULL, err), -1);
		print_message("%s as %s: %s\n", cases[k].file, cases[k].type, err);
		assert_non_null(strstr(err, cases[k].says));
		assert_int_equal(out.n, 0);
		free(out.x);
		free(p);
	}
	free(rac);
	free(flac);
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
		cmocka_unit_test(a_short_sound_is_measured_as_it_sounds),
		cmocka_unit_test(flac_and_wav_writers_keep_what_they_are_given),
		cmocka_unit_test(a_programme_of_speech_jingle_and_bed_meets_the_target_by_ffmpeg),
		cmocka_unit_test(the_timeline_holds_fades_crossfades_and_gaps),
		cmocka_unit_test(a_stop_from_another_thread_fades_within_half_a_second),
		cmocka_unit_test(a_silent_or_near_silent_file_is_not_blown_up),
		cmocka_unit_test(a_missing_or_broken_clip_is_skipped_or_fails_as_asked),
		cmocka_unit_test(the_limiter_holds_true_peaks_under_the_ceiling),
		cmocka_unit_test(the_high_pass_takes_out_what_horns_cannot_play),
		cmocka_unit_test(the_live_high_pass_takes_out_rumble_and_keeps_the_voice),
		cmocka_unit_test(ending_the_relays_early_brings_the_closing_jingle_forward),
		cmocka_unit_test(a_live_recording_is_readable_while_it_grows_and_after_a_kill),
		cmocka_unit_test(sinks_write_pace_and_refuse_clearly),
		cmocka_unit_test(a_chained_ogg_stream_decodes_the_same_in_any_split),
		cmocka_unit_test(a_stream_that_is_not_what_it_says_is_refused_clearly),
	};
	return cmocka_run_group_tests_name("audio", tests, setup, teardown);
}
