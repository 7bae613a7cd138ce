/*
 * Unit tests for speech rendering: libespeak-ng in process gives 48 kHz
 * mono speech at the loudness target under the ceiling; the render cache
 * synthesises nothing on a hit and evicts the least recently used entries;
 * the command engine runs an outside program and names it when it fails;
 * a voice that is not installed lists the ones that are.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
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
	return 0;
}

static struct tts_opts
opts(const char *engine)
{
	return (struct tts_opts){ .engine = engine, .voice = "vi", .rate = 150, .pitch = 50,
				  .sample_rate = 48000, .loudness_lufs = -16, .true_peak_dbtp = -1,
				  .cache_dir = cache, .cache_mb = 512 };
}

static void
espeak_speech_is_48k_mono_at_the_target(void **state)
{
	struct tts_opts o = opts("espeak");
	char *wav = xasprintf("%s/say.wav", dir);
	char err[ERRLEN];
	if (tts_render_wav(&o, lex, "UBND phường thông báo lịch tiếp công dân ngày 15/7/2025.", wav, err) < 0)
		fail_msg("%s", err);
	struct audio_info info;
	assert_int_equal(audio_probe(wav, &info, err), 0);
	assert_int_equal(info.sample_rate, 48000);
	assert_int_equal(info.channels, 1);
	assert_true(info.duration_s > 2 && info.duration_s < 15);
	print_message("speech: %.1f s, %.2f LUFS, %.2f dBTP\n", info.duration_s, info.lufs, info.true_peak_db);
	assert_true(fabs(info.lufs - -16) <= 0.5);
	assert_true(info.true_peak_db <= -1.0 + 0.05);
	free(wav);
}

static void
a_cache_hit_synthesises_nothing(void **state)
{
	struct tts_opts o = opts("fake");
	char err[ERRLEN];
	struct tts_entry a, b;
	unsigned long before = tts_synth_count();
	assert_int_equal(tts_cache_render(&o, lex, "Thông báo số 12 của UBND.", &a, err), 0);
	assert_int_equal(tts_synth_count(), before + 1);
	assert_int_equal(tts_cache_render(&o, lex, "Thông báo số 12 của UBND.", &b, err), 0);
	assert_int_equal(tts_synth_count(), before + 1);
	assert_string_equal(a.path, b.path);
	assert_true(a.lufs == b.lufs && a.seconds == b.seconds);
	/* the same words written differently are the same speech: the key is the spoken form */
	struct tts_entry c;
	assert_int_equal(tts_cache_render(&o, lex, "Thông báo số mười hai của ủy ban nhân dân.", &c, err), 0);
	assert_string_equal(a.path, c.path);
	/* another voice is another entry */
	o.rate = 170;
	struct tts_entry d;
	assert_int_equal(tts_cache_render(&o, lex, "Thông báo số 12 của UBND.", &d, err), 0);
	assert_string_not_equal(a.path, d.path);
	assert_int_equal(tts_synth_count(), before + 2);
	free(a.path);
	free(b.path);
	free(c.path);
	free(d.path);
}

static void
old_entries_are_evicted_past_the_bound(void **state)
{
	struct tts_opts o = opts("fake");
	o.cache_mb = 1;
	char err[ERRLEN];
	struct tts_entry e[3];
	const char *texts[] = { "Một hai ba bốn năm sáu bảy tám chín mười. Mười một mười hai.",
				"Bản tin thứ hai khá dài về cải cách hành chính ở phường.",
				"Bản tin thứ ba về chuyển đổi số và dịch vụ công trực tuyến." };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(tts_cache_render(&o, lex, texts[i], &e[i], err), 0);
		/* make it look unused for two hours, so it may go */
		struct timespec old[2] = { { time(NULL) - 7200, 0 }, { time(NULL) - 7200 + i, 0 } };
		utimensat(AT_FDCWD, e[i].path, old, 0);
	}
	/* a big new entry pushes the cache over 1 MiB: the oldest go first */
	struct tts_entry big;
	struct sbuf t = { 0 };
	for (int i = 0; i < 120; i++)
		sbuf_adds(&t, "Đây là một câu dài để làm đầy bộ nhớ đệm. ");
	assert_int_equal(tts_cache_render(&o, lex, t.s, &big, err), 0);
	assert_int_equal(access(big.path, R_OK), 0); /* the new one stays */
	assert_int_equal(access(e[0].path, R_OK), -1); /* the least recently used went */
	sbuf_free(&t);
	free(big.path);
	for (int i = 0; i < 3; i++)
		free(e[i].path);
}

static void
the_command_engine_runs_a_program_and_names_it_when_it_fails(void **state)
{
	char *good = xasprintf("%s/good-voice.sh", dir), *bad = xasprintf("%s/bad-voice.sh", dir),
	     *junk = xasprintf("%s/junk-voice.sh", dir);
	FILE *f = fopen(good, "w");
	fprintf(f, "#!/bin/sh\nwc -w >/dev/null\nexec sox -n -r 16000 -c 1 \"$1\" synth 1.5 sine 300 vol 0.3\n");
	fclose(f);
	f = fopen(bad, "w");
	fprintf(f, "#!/bin/sh\necho broken >&2\nexit 3\n");
	fclose(f);
	f = fopen(junk, "w");
	fprintf(f, "#!/bin/sh\necho 'not a wav' > \"$1\"\n");
	fclose(f);
	chmod(good, 0755);
	chmod(bad, 0755);
	chmod(junk, 0755);
	struct tts_opts o = opts("command");
	o.command = good;
	char err[ERRLEN];
	struct tts_entry e;
	if (tts_cache_render(&o, lex, "Xin chào bà con.", &e, err) < 0)
		fail_msg("%s", err);
	assert_true(fabs(e.seconds - 1.5) < 0.05);
	free(e.path);
	o.command = bad;
	assert_int_equal(tts_cache_render(&o, lex, "Xin chào bà con.", &e, err), -1);
	assert_non_null(strstr(err, "bad-voice.sh"));
	assert_non_null(strstr(err, "exit status 3"));
	o.command = junk;
	assert_int_equal(tts_cache_render(&o, lex, "Xin chào bà con.", &e, err), -1);
	assert_non_null(strstr(err, "junk-voice.sh"));
	assert_non_null(strstr(err, "WAV"));
	o.command = "/nonexistent/voice";
	assert_int_equal(tts_cache_render(&o, lex, "Xin chào bà con.", &e, err), -1);
	assert_non_null(strstr(err, "/nonexistent/voice"));
	free(good);
	free(bad);
	free(junk);
}

static void
a_missing_voice_lists_the_installed_ones(void **state)
{
	struct tts_opts o = opts("espeak");
	o.voice = "vi-vn-x-mars";
	char err[ERRLEN];
	assert_int_equal(tts_check(&o, err), -1);
	assert_non_null(strstr(err, "vi-vn-x-mars"));
	assert_non_null(strstr(err, "vi"));
	o.voice = "vi-vn-x-south";
	assert_int_equal(tts_check(&o, err), 0);
}

static void
nothing_to_say_is_an_error(void **state)
{
	struct tts_opts o = opts("fake");
	char err[ERRLEN];
	struct tts_entry e;
	assert_int_equal(tts_cache_render(&o, lex, "... --- !!!", &e, err), -1);
	assert_non_null(strstr(err, "nothing to say"));
	/* a 1000-digit run renders (read in groups), without stalling */
	struct tts_opts es = opts("espeak");
	char *digits = xmalloc(1001);
	memset(digits, '9', 1000);
	digits[1000] = 0;
	if (tts_cache_render(&es, lex, digits, &e, err) < 0)
		fail_msg("%s", err);
	assert_true(e.seconds > 60);
	free(e.path);
	free(digits);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(espeak_speech_is_48k_mono_at_the_target),
		cmocka_unit_test(a_cache_hit_synthesises_nothing),
		cmocka_unit_test(old_entries_are_evicted_past_the_bound),
		cmocka_unit_test(the_command_engine_runs_a_program_and_names_it_when_it_fails),
		cmocka_unit_test(a_missing_voice_lists_the_installed_ones),
		cmocka_unit_test(nothing_to_say_is_an_error),
	};
	return cmocka_run_group_tests_name("tts_render", tests, setup, teardown);
}
