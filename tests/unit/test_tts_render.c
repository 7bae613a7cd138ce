/*
 * Unit tests for speech rendering: libespeak-ng in process gives 48 kHz
 * mono speech at the loudness target under the ceiling, in each of the
 * three Vietnamese voices; the fake engine is deterministic; the command
 * engine runs an outside program and names it whenever it fails; the render
 * cache synthesises nothing on a hit, evicts the least recently used
 * entries and never a pinned one; jobs report through a pollable fd.
 */
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "audio/audio.h"
#include "base/base.h"
#include "tts/tts.h"

static char dir[64], cache[96];
static struct tts_lexicon *lex;

static int
setup(void **state)
{
	strcpy(dir, "/tmp/loaxa-test-tts-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(cache, sizeof cache, "%s/cache", dir);
	lex = tts_lexicon_new();
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	tts_lexicon_free(lex);
	tts_done();
	return 0;
}

static struct tts_opts
opts(const char *engine)
{
	return (struct tts_opts){ .engine = engine, .voice = "vi", .rate = 150, .pitch = 50,
				  .sample_rate = 48000, .loudness_lufs = -16, .true_peak_dbtp = -1,
				  .cache_dir = cache, .cache_mb = 512 };
}

/* A WAV file at 48 kHz mono, within 0.5 LU of -16 LUFS and under -1 dBTP (libebur128). */
static void
assert_on_target(const char *wav, double min_s, double max_s)
{
	struct audio_info info;
	char err[ERRLEN];
	if (audio_probe(wav, &info, err) < 0)
		fail_msg("%s", err);
	print_message("%s: %.1f s, %d Hz, %.2f LUFS, %.2f dBTP\n", strrchr(wav, '/') + 1,
		      info.duration_s, info.sample_rate, info.lufs, info.true_peak_db);
	assert_int_equal(info.sample_rate, 48000);
	assert_int_equal(info.channels, 1);
	assert_true(info.duration_s > min_s && info.duration_s < max_s);
	assert_true(fabs(info.lufs - -16) <= 0.5);
	assert_true(info.true_peak_db <= -1.0);
}

static char *
script(const char *name, const char *body)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	chmod(path, 0755);
	return path;
}

static void
espeak_speech_is_48k_mono_at_the_target(void **state)
{
	struct tts_opts o = opts("espeak");
	o.cache_dir = NULL; /* straight into the file */
	const char *voices[] = { "vi", "vi-vn-x-central", "vi-vn-x-south" };
	for (size_t i = 0; i < ARRAY_LEN(voices); i++) {
		o.voice = voices[i];
		char *wav = xasprintf("%s/say-%s.wav", dir, voices[i]);
		char err[ERRLEN];
		if (tts_render_wav(&o, lex, "UBND phường thông báo lịch tiếp công dân ngày 15/7/2025.",
				   wav, err) < 0)
			fail_msg("%s", err);
		assert_on_target(wav, 2, 15);
		free(wav);
	}
	/* slower speech is longer */
	struct audio_info a, b;
	char err[ERRLEN];
	char *slow = xasprintf("%s/slow.wav", dir), *fast = xasprintf("%s/fast.wav", dir);
	o.voice = "vi";
	o.rate = 100;
	assert_int_equal(tts_render_wav(&o, lex, "Xin kính chào bà con cô bác.", slow, err), 0);
	o.rate = 300;
	assert_int_equal(tts_render_wav(&o, lex, "Xin kính chào bà con cô bác.", fast, err), 0);
	assert_int_equal(audio_probe(slow, &a, err), 0);
	assert_int_equal(audio_probe(fast, &b, err), 0);
	assert_true(a.duration_s > 1.5 * b.duration_s);
	free(slow);
	free(fast);
}

static void
a_cached_entry_plays_at_the_target_and_a_hit_synthesises_nothing(void **state)
{
	struct tts_opts o = opts("espeak");
	char err[ERRLEN];
	struct tts_entry a, b;
	unsigned long before = tts_synth_count();
	if (tts_cache_render(&o, lex, "Thông báo số 12 của UBND.", &a, err) < 0)
		fail_msg("%s", err);
	assert_int_equal(tts_synth_count(), before + 1);
	/* the entry is 48 kHz mono FLAC, and its loudness is what the sidecar says */
	struct audio_info info;
	assert_int_equal(audio_probe(a.path, &info, err), 0);
	assert_int_equal(info.sample_rate, 48000);
	assert_int_equal(info.channels, 1);
	assert_non_null(strstr(a.path, ".flac"));
	assert_true(fabs(info.lufs - a.lufs) < 0.2);
	assert_true(fabs(info.duration_s - a.seconds) < 0.01);
	assert_true(a.lufs - -16 > -1.0); /* the gain to the target stays under 1 dB */
	assert_int_equal(tts_cache_render(&o, lex, "Thông báo số 12 của UBND.", &b, err), 0);
	assert_int_equal(tts_synth_count(), before + 1);
	assert_string_equal(a.path, b.path);
	assert_string_equal(a.key, b.key);
	assert_true(a.lufs == b.lufs && a.seconds == b.seconds);
	/* the same words written differently are the same speech: the key is the spoken form */
	char key[65];
	assert_int_equal(tts_cache_key(&o, lex, "Thông báo số mười hai của ủy ban nhân dân.", key, err), 0);
	assert_string_equal(key, a.key);
	/* `loaxa say` of a cached text reads the cache, at the target */
	char *wav = xasprintf("%s/hit.wav", dir);
	assert_int_equal(tts_render_wav(&o, lex, "Thông báo số 12 của UBND.", wav, err), 0);
	assert_int_equal(tts_synth_count(), before + 1);
	assert_on_target(wav, 1, 10);
	/* another voice, rate or target is another entry */
	struct tts_opts o2 = o;
	o2.voice = "vi-vn-x-south";
	assert_int_equal(tts_cache_key(&o2, lex, "Thông báo số 12 của UBND.", key, err), 0);
	assert_string_not_equal(key, a.key);
	o2 = o;
	o2.rate = 170;
	assert_int_equal(tts_cache_key(&o2, lex, "Thông báo số 12 của UBND.", key, err), 0);
	assert_string_not_equal(key, a.key);
	o2 = o;
	o2.loudness_lufs = -18;
	assert_int_equal(tts_cache_key(&o2, lex, "Thông báo số 12 của UBND.", key, err), 0);
	assert_string_not_equal(key, a.key);
	/* a damaged entry is spoken afresh, not played as noise or refused */
	FILE *f = fopen(a.path, "w");
	assert_non_null(f);
	fputs("fLaC but not really", f);
	fclose(f);
	unsigned long n = tts_synth_count();
	if (tts_render_wav(&o, lex, "Thông báo số 12 của UBND.", wav, err) < 0)
		fail_msg("%s", err);
	assert_int_equal(tts_synth_count(), n + 1);
	assert_on_target(wav, 1, 10);
	free(wav);
	free(a.path);
	free(b.path);
}

static void
the_fake_engine_is_deterministic_and_on_target(void **state)
{
	struct tts_opts o = opts("fake");
	char err[ERRLEN];
	char *w1 = xasprintf("%s/fake1.wav", dir), *w2 = xasprintf("%s/fake2.wav", dir);
	o.cache_dir = NULL;
	assert_int_equal(tts_render_wav(&o, lex, "Một hai ba, bốn năm sáu.", w1, err), 0);
	assert_int_equal(tts_render_wav(&o, lex, "Một hai ba, bốn năm sáu.", w2, err), 0);
	struct audio_info a, b;
	assert_int_equal(audio_probe(w1, &a, err), 0);
	assert_int_equal(audio_probe(w2, &b, err), 0);
	assert_string_equal(a.sha256, b.sha256);
	/* six syllables and a pause */
	assert_true(a.duration_s > 1.4 && a.duration_s < 2.2);
	assert_on_target(w1, 1, 3);
	free(w1);
	free(w2);
}

static void
nothing_to_say_is_an_error(void **state)
{
	struct tts_opts o = opts("fake");
	char err[ERRLEN];
	struct tts_entry e;
	assert_int_equal(tts_cache_render(&o, lex, "... --- !!! “ ” …", &e, err), -1);
	assert_non_null(strstr(err, "nothing to say"));
	assert_null(e.path);
	char *wav = xasprintf("%s/none.wav", dir);
	assert_int_equal(tts_render_wav(&o, lex, "  \n\n ", wav, err), -1);
	assert_non_null(strstr(err, "nothing to say"));
	assert_int_equal(access(wav, F_OK), -1);
	free(wav);
	assert_null(tts_job_submit(&o, lex, "?!", err));
	assert_non_null(strstr(err, "nothing to say"));
}

static void
a_thousand_digits_are_read_without_stalling(void **state)
{
	struct tts_opts o = opts("espeak");
	char err[ERRLEN];
	struct tts_entry e;
	char *digits = xmalloc(1001);
	for (int i = 0; i < 1000; i++)
		digits[i] = (char)('0' + (i * 7 + 3) % 10);
	digits[1000] = 0;
	time_t t0 = time(NULL);
	if (tts_cache_render(&o, lex, digits, &e, err) < 0)
		fail_msg("%s", err);
	print_message("1000 digits: %.0f s of speech in %ld s\n", e.seconds, (long)(time(NULL) - t0));
	assert_true(e.seconds > 60);
	free(e.path);
	free(digits);
}

static void
a_voice_that_is_not_installed_lists_the_installed_ones(void **state)
{
	struct tts_opts o = opts("espeak");
	o.voice = "vi-vn-x-mars";
	char err[ERRLEN];
	assert_int_equal(tts_check(&o, err), -1);
	assert_non_null(strstr(err, "vi-vn-x-mars"));
	assert_non_null(strstr(err, "vi-vn-x-central"));
	assert_non_null(strstr(err, "vi-vn-x-south"));
	/* rendering says the same, and leaves no file behind */
	char *wav = xasprintf("%s/mars.wav", dir);
	o.cache_dir = NULL;
	assert_int_equal(tts_render_wav(&o, lex, "Xin chào.", wav, err), -1);
	assert_non_null(strstr(err, "vi-vn-x-central"));
	assert_int_equal(access(wav, F_OK), -1);
	free(wav);
	for (const char *v = "vi"; v; v = strcmp(v, "vi") == 0 ? "vi-vn-x-central" :
				       strcmp(v, "vi-vn-x-central") == 0 ? "vi-vn-x-south" : NULL) {
		o.voice = v;
		if (tts_check(&o, err) < 0)
			fail_msg("%s", err);
	}
	o.engine = "festival";
	assert_int_equal(tts_check(&o, err), -1);
	assert_non_null(strstr(err, "festival"));
}

static void
the_command_engine_runs_a_program_and_names_it_when_it_fails(void **state)
{
	/* a voice that writes a 16 kHz WAV, one 0.3 s burst per word it reads */
	char *good = script("good voice.sh",
			    "n=$(wc -w)\n"
			    "exec sox -n -r 16000 -c 1 \"$1\" synth $(echo \"$n * 0.3\" | bc) sine 300 vol 0.3\n");
	char *bad = script("bad-voice.sh", "echo 'voice data missing' >&2\nexit 3\n");
	char *junk = script("junk-voice.sh", "cat >/dev/null\necho 'not a wav' > \"$1\"\n");
	char *none = script("silent-voice.sh", "cat >/dev/null\n");
	char *slow = script("slow-voice.sh", "sleep 30\n");
	struct tts_opts o = opts("command");
	o.cache_dir = NULL;
	char *cmd = xasprintf("'%s'", good); /* quoted: the path has a space */
	o.command = cmd;
	char err[ERRLEN];
	char *wav = xasprintf("%s/cmd.wav", dir);
	assert_int_equal(tts_check(&o, err), 0);
	if (tts_render_wav(&o, lex, "Xin chào bà con.", wav, err) < 0)
		fail_msg("%s", err);
	assert_on_target(wav, 1.1, 1.3); /* four words */
	o.command = bad;
	assert_int_equal(tts_render_wav(&o, lex, "Xin chào bà con.", wav, err), -1);
	print_message("%s\n", err);
	assert_non_null(strstr(err, "bad-voice.sh"));
	assert_non_null(strstr(err, "exit status 3"));
	assert_non_null(strstr(err, "voice data missing"));
	o.command = junk;
	assert_int_equal(tts_render_wav(&o, lex, "Xin chào bà con.", wav, err), -1);
	print_message("%s\n", err);
	assert_non_null(strstr(err, "junk-voice.sh"));
	assert_non_null(strstr(err, "WAV"));
	o.command = none;
	assert_int_equal(tts_render_wav(&o, lex, "Xin chào bà con.", wav, err), -1);
	assert_non_null(strstr(err, "silent-voice.sh"));
	o.command = "/nonexistent/voice --fast";
	assert_int_equal(tts_check(&o, err), -1);
	assert_non_null(strstr(err, "/nonexistent/voice"));
	assert_int_equal(tts_render_wav(&o, lex, "Xin chào bà con.", wav, err), -1);
	print_message("%s\n", err);
	assert_non_null(strstr(err, "/nonexistent/voice"));
	o.command = slow;
	o.command_timeout_s = 1;
	time_t t0 = time(NULL);
	assert_int_equal(tts_render_wav(&o, lex, "Xin chào bà con.", wav, err), -1);
	/* killed at its 1 s timeout, not waited for: the voice sleeps 30 s (a hang ceiling, not a speed) */
	assert_true(time(NULL) - t0 < 25);
	print_message("%s\n", err);
	assert_non_null(strstr(err, "slow-voice.sh"));
	assert_non_null(strstr(err, "1 s"));
	o.command = "'unclosed";
	assert_int_equal(tts_check(&o, err), -1);
	assert_non_null(strstr(err, "quote"));
	/* the good file is still the good one: failures never touch the output */
	assert_on_target(wav, 1.1, 1.3);
	free(cmd);
	free(wav);
	free(good);
	free(bad);
	free(junk);
	free(none);
	free(slow);
}

static void
a_text_that_ends_quieter_than_it_starts_still_lands_on_target(void **state)
{
	/* 25 s loud, then 40 s 12 dB quieter: the gain chosen from the start is too low */
	char *voice = script("fading-voice.sh",
			     "cat >/dev/null\n"
			     "sox -n -r 22050 -c 1 \"$1.a.wav\" synth 25 pinknoise vol 0.5\n"
			     "sox -n -r 22050 -c 1 \"$1.b.wav\" synth 40 pinknoise vol 0.125\n"
			     "sox \"$1.a.wav\" \"$1.b.wav\" \"$1\"\nrm -f \"$1.a.wav\" \"$1.b.wav\"\n");
	struct tts_opts o = opts("command");
	o.cache_dir = NULL;
	o.command = voice;
	char err[ERRLEN];
	char *wav = xasprintf("%s/fading.wav", dir);
	if (tts_render_wav(&o, lex, "Xin chào.", wav, err) < 0)
		fail_msg("%s", err);
	assert_on_target(wav, 64, 66);
	free(wav);
	free(voice);
}

static void
the_least_recently_used_go_first_and_pinned_ones_stay(void **state)
{
	struct tts_opts o = opts("fake");
	char sub[128];
	snprintf(sub, sizeof sub, "%s/evict", dir);
	o.cache_dir = sub;
	o.cache_mb = 1;
	char err[ERRLEN];
	/* four entries of about 0.2 MB each (fake speech is noisy: FLAC keeps much of it) */
	const char *texts[] = { "Bản tin thứ nhất về cải cách hành chính của phường ta năm nay.",
				"Bản tin thứ hai về chuyển đổi số và dịch vụ công trực tuyến.",
				"Bản tin thứ ba về tiếp công dân và giải quyết thủ tục hành chính.",
				"Bản tin thứ tư về phòng cháy chữa cháy trong khu dân cư." };
	struct tts_entry e[4];
	for (int i = 0; i < 4; i++) {
		if (tts_cache_render(&o, lex, texts[i], &e[i], err) < 0)
			fail_msg("%s", err);
		/* used i hours ago... in the order 0 (oldest) to 3 */
		struct timespec t[2] = { { time(NULL) - 40000 + i * 3600, 0 }, { 0, UTIME_OMIT } };
		utimensat(AT_FDCWD, e[i].path, t, 0);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(access(e[i].path, R_OK), 0);
	struct stat st;
	assert_int_equal(stat(e[0].path, &st), 0);
	print_message("entry: %ld bytes\n", (long)st.st_size);
	/* a hit on the oldest makes it the most recent */
	struct tts_entry hit;
	assert_int_equal(tts_cache_render(&o, lex, texts[0], &hit, err), 0);
	free(hit.path);
	/* pin the second oldest; then a new entry twice as big pushes the cache past 1 MiB */
	const char *pins[] = { e[1].key };
	o.pinned = pins;
	o.n_pinned = 1;
	struct sbuf t = { 0 };
	for (int i = 0; i < 2; i++)
		sbuf_adds(&t, "Đây là một câu dài để làm đầy bộ nhớ đệm của loa phường. ");
	struct tts_entry big;
	assert_int_equal(tts_cache_render(&o, lex, t.s, &big, err), 0);
	assert_int_equal(access(big.path, R_OK), 0);  /* the new one stays */
	assert_int_equal(access(e[1].path, R_OK), 0); /* pinned: stays though old */
	assert_int_equal(access(e[2].path, R_OK), -1); /* least recently used, unpinned: gone */
	assert_int_equal(access(e[0].path, R_OK), 0);  /* used a moment ago: stays */
	/* its sidecar went with it */
	char *info = xstrdup(e[2].path);
	strcpy(info + strlen(info) - 4, "info");
	assert_int_equal(access(info, F_OK), -1);
	free(info);
	/* a smaller bound and no pins: trimming keeps at most 1 MiB */
	o.pinned = NULL;
	o.n_pinned = 0;
	tts_cache_trim(&o);
	off_t total = 0;
	for (int i = 0; i < 4; i++)
		if (stat(e[i].path, &st) == 0)
			total += st.st_size;
	if (stat(big.path, &st) == 0)
		total += st.st_size;
	assert_true(total <= 1024 * 1024);
	/* an evicted entry renders again (a miss) */
	unsigned long before = tts_synth_count();
	struct tts_entry again;
	assert_int_equal(tts_cache_render(&o, lex, texts[2], &again, err), 0);
	assert_int_equal(tts_synth_count(), before + 1);
	free(again.path);
	sbuf_free(&t);
	free(big.path);
	for (int i = 0; i < 4; i++)
		free(e[i].path);
}

static void
jobs_report_through_their_fd(void **state)
{
	struct tts_opts o = opts("espeak");
	char err[ERRLEN];
	struct tts_job *a = tts_job_submit(&o, lex, "Lịch phát thanh buổi sáng lúc 5 giờ 30.", err);
	assert_non_null(a);
	struct tts_job *b = tts_job_submit(&o, lex, "Lịch phát thanh buổi chiều lúc 17h.", err);
	assert_non_null(b);
	/* the caller's loop waits on the fds, not on the jobs */
	int fds[2] = { tts_job_fd(a), tts_job_fd(b) }, done[2] = { 0, 0 }, ready = 0;
	time_t until = time(NULL) + 30;
	while (ready < 2 && time(NULL) < until) {
		struct pollfd p[2];
		int n = 0;
		for (int i = 0; i < 2; i++)
			if (!done[i])
				p[n++] = (struct pollfd){ fds[i], POLLIN, 0 };
		assert_true(poll(p, (nfds_t)n, 1000) >= 0);
		for (int k = 0; k < n; k++)
			for (int i = 0; i < 2; i++)
				if (p[k].fd == fds[i] && (p[k].revents & POLLIN) && !done[i]) {
					done[i] = 1;
					ready++;
				}
	}
	assert_int_equal(ready, 2);
	struct tts_entry ea, eb;
	assert_int_equal(tts_job_finish(a, &ea, err), 0);
	assert_int_equal(tts_job_finish(b, &eb, err), 0);
	assert_string_not_equal(ea.path, eb.path);
	assert_int_equal(access(ea.path, R_OK), 0);
	/* a hit is done before submit returns */
	struct tts_job *c = tts_job_submit(&o, lex, "Lịch phát thanh buổi sáng lúc 5 giờ 30.", err);
	struct pollfd pc = { tts_job_fd(c), POLLIN, 0 };
	assert_int_equal(poll(&pc, 1, 0), 1);
	struct tts_entry ec;
	assert_int_equal(tts_job_finish(c, &ec, err), 0);
	assert_string_equal(ec.path, ea.path);
	/* a cancelled job fails and leaves nothing in the cache */
	struct tts_opts slow = opts("espeak");
	slow.rate = 80;
	struct sbuf t = { 0 };
	for (int i = 0; i < 40; i++)
		sbuf_adds(&t, "Bà con chú ý lắng nghe thông báo của ủy ban nhân dân phường. ");
	char key[65];
	assert_int_equal(tts_cache_key(&slow, lex, t.s, key, err), 0);
	struct tts_job *d = tts_job_submit(&slow, lex, t.s, err);
	tts_job_cancel(d);
	struct tts_entry ed;
	assert_int_equal(tts_job_finish(d, &ed, err), -1);
	assert_non_null(strstr(err, "stopped"));
	char *flac = xasprintf("%s/%s.flac", cache, key);
	assert_int_equal(access(flac, F_OK), -1);
	free(flac);
	sbuf_free(&t);
	free(ea.path);
	free(eb.path);
	free(ec.path);
}

static void
bad_options_are_refused_with_a_sentence(void **state)
{
	struct tts_opts o = opts("fake");
	char err[ERRLEN];
	struct tts_entry e;
	o.sample_rate = 5;
	assert_int_equal(tts_cache_render(&o, lex, "Xin chào.", &e, err), -1);
	assert_non_null(strstr(err, "sample_rate"));
	o = opts("fake");
	char *wav = xasprintf("%s/no/such/dir/out.wav", dir);
	assert_int_equal(tts_render_wav(&o, lex, "Xin chào.", wav, err), -1);
	assert_non_null(strstr(err, "out.wav"));
	free(wav);
	/* invalid UTF-8 is the normalizer's to report, with its byte offset */
	assert_int_equal(tts_cache_render(&o, lex, "Xin ch\xff\xfe", &e, err), -1);
	assert_true(strlen(err) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(espeak_speech_is_48k_mono_at_the_target),
		cmocka_unit_test(a_cached_entry_plays_at_the_target_and_a_hit_synthesises_nothing),
		cmocka_unit_test(the_fake_engine_is_deterministic_and_on_target),
		cmocka_unit_test(nothing_to_say_is_an_error),
		cmocka_unit_test(a_thousand_digits_are_read_without_stalling),
		cmocka_unit_test(a_voice_that_is_not_installed_lists_the_installed_ones),
		cmocka_unit_test(the_command_engine_runs_a_program_and_names_it_when_it_fails),
		cmocka_unit_test(a_text_that_ends_quieter_than_it_starts_still_lands_on_target),
		cmocka_unit_test(the_least_recently_used_go_first_and_pinned_ones_stay),
		cmocka_unit_test(jobs_report_through_their_fd),
		cmocka_unit_test(bad_options_are_refused_with_a_sentence),
	};
	return cmocka_run_group_tests_name("tts_render", tests, setup, teardown);
}
