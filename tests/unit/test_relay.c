/*
 * Unit tests for the relay's levelling (audio/relay.c, included here to
 * reach the ring): what a listener hears of the short-term loudness AGC on
 * speech with pauses.  The speech is espeak-ng's (libespeak-ng in process,
 * tts_render_wav()), three times the same sentence at -30 LUFS, the way a
 * quiet upper station comes in, with 1.5 s and 2 s pauses between that are
 * not digital silence but a line's noise floor (white noise at -45 dBFS,
 * above the -50 dBFS dead-air threshold, so the relay does not call it
 * dead air).  It is pushed into the ring as line-in's capture callback
 * pushes it and read back block by block as the player reads it, the gain
 * the AGC applies noted at each block.
 *
 * The fact: the AGC does not pump on speech pauses.  Between the last
 * block of speech before a pause and half a second into the speech after
 * it the gain moves by at most 1 dB, and within the pause it never rises more than 1 dB above
 * where the speech left it (the noise floor is not brought up by the pause).
 *
 * And line-in's delay: after a stall of the player it comes back to the
 * cushion.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "audio/relay.c"
#include "tts/tts.h"

#define RATE 48000
#define SWING_DB 1.0

static char dir[64];

static int
setup(void **state)
{
	strcpy(dir, "/tmp/loaxa-test-relay-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	tts_done();
	return 0;
}

/*
 * A line-in relay at 48 kHz toward -16 LUFS with no capture stream: the
 * test pushes into its ring as the capture callback would.  Free with
 * audio_relay_close().
 */
static struct audio_relay *
line_in(double silence_s)
{
	struct audio_relay_opts o = { .url = NULL, .rate = RATE, .target_lufs = -16, .silence_s = silence_s };
	struct audio_relay *r = relay_new(&o);
	atomic_store(&r->refs, 1); /* no fetch thread */
	r->connected = 1;
	return r;
}

/* A sentence of speech at 48 kHz, at -16 LUFS; *n its frames. Caller frees. */
static float *
speech(long *n)
{
	char err[ERRLEN], cache[96], wav[96];
	snprintf(cache, sizeof cache, "%s/cache", dir);
	snprintf(wav, sizeof wav, "%s/speech.wav", dir);
	struct tts_opts o = { .engine = "espeak", .voice = "vi", .rate = 150, .pitch = 50,
			      .sample_rate = RATE, .loudness_lufs = -16, .true_peak_dbtp = -1,
			      .cache_dir = cache };
	struct tts_lexicon *lex = tts_lexicon_new();
	if (tts_render_wav(&o, lex, "Ủy ban nhân dân phường thông báo lịch tiêm phòng cho trẻ em.",
			   wav, err) < 0)
		fail_msg("%s", err);
	tts_lexicon_free(lex);
	struct audio_src *src = audio_src_open(wav, RATE, err);
	if (!src)
		fail_msg("%s", err);
	long cap = 30 * RATE, got = 0, k;
	float *x = xmalloc(sizeof *x * (size_t)cap);
	while ((k = audio_src_read(src, x + got, cap - got, err)) > 0)
		got += k;
	assert_true(k == 0);
	audio_src_close(src);
	*n = got;
	return x;
}

/*
 * Runs the relay's reader over: speech, pause, speech, pause, speech, the
 * speech at `speech_db` (gain on the -16 LUFS rendering) and the pauses
 * white noise at `floor_dbfs` RMS.  Prints and returns the largest swing
 * (dB) across a pause and, in *rise, the largest rise within one.
 */
static double
pumping(double speech_db, double floor_dbfs, double *rise)
{
	long ns;
	float *sp = speech(&ns);
	const double pause_s[2] = { 1.5, 2.0 };
	long np0 = (long)(pause_s[0] * RATE), np1 = (long)(pause_s[1] * RATE);
	long total = 3 * ns + np0 + np1;
	float *x = xmalloc(sizeof *x * (size_t)total);
	/* where each pause starts and ends */
	long p_at[2] = { ns, 2 * ns + np0 }, p_end[2] = { ns + np0, 2 * ns + np0 + np1 };
	float g = (float)pow(10, speech_db / 20);
	double a = pow(10, floor_dbfs / 20) * sqrt(3); /* uniform noise of that RMS */
	srand(14);
	long at = 0;
	for (int part = 0; part < 5; part++) {
		long len = part % 2 == 0 ? ns : part == 1 ? np0 : np1;
		for (long i = 0; i < len; i++)
			x[at + i] = part % 2 == 0 ? sp[i] * g : (float)(a * (2.0 * rand() / RAND_MAX - 1));
		at += len;
	}
	free(sp);

	struct audio_relay *r = line_in(10);
	long nb = total / AUDIO_BLOCK;
	double *gain = xmalloc(sizeof *gain * (size_t)nb);
	float buf[AUDIO_BLOCK];
	for (long b = 0; b < nb; b++) {
		ring_push(r, x + b * AUDIO_BLOCK, AUDIO_BLOCK);
		assert_int_equal(audio_relay_read(r, buf, AUDIO_BLOCK), AUDIO_BLOCK);
		gain[b] = r->gain_db;
	}
	assert_false(r->dead);
	audio_relay_close(r);

	double swing = 0;
	*rise = 0;
	for (int p = 0; p < 2; p++) {
		/* the last block of speech before the pause, and half a second into the next */
		long before = p_at[p] / AUDIO_BLOCK - 1, after = (p_end[p] + RATE / 2) / AUDIO_BLOCK;
		double s = fabs(gain[after] - gain[before]);
		double up = 0;
		for (long b = before; b <= after; b++)
			if (gain[b] - gain[before] > up)
				up = gain[b] - gain[before];
		print_message("speech at %+.0f dB, pause of %.1f s at %.0f dBFS: gain %.2f dB before, "
			      "%.2f dB after (swing %.2f dB), at most %.2f dB above it within the pause\n",
			      speech_db, pause_s[p], floor_dbfs, gain[before], gain[after], s, up);
		if (s > swing)
			swing = s;
		if (up > *rise)
			*rise = up;
	}
	free(gain);
	free(x);
	return swing;
}

/* A quiet station (-30 LUFS) with a -45 dBFS line noise in its pauses. */
static void
the_agc_does_not_pump_on_speech_pauses(void **state)
{
	double rise, swing = pumping(-14, -45, &rise);
	assert_true(swing <= SWING_DB);
	assert_true(rise <= SWING_DB);
}

/* The same with pauses of digital silence (an MP3 stream's). */
static void
the_agc_holds_through_silent_pauses(void **state)
{
	double rise, swing = pumping(-14, -120, &rise);
	assert_true(swing <= SWING_DB);
	assert_true(rise <= SWING_DB);
}

/*
 * The gate is not a freeze: a station that really turns 15 dB quieter (a
 * new programme, a fader pulled down) and stays there is brought back up to
 * within 3 dB of the gain it needs within 30 s.
 */
static void
the_agc_follows_a_lasting_drop(void **state)
{
	long ns;
	float *sp = speech(&ns);
	struct audio_relay *r = line_in(10);
	float blk[AUDIO_BLOCK], buf[AUDIO_BLOCK];
	long at = 0;
	double loud = 0;
	for (long b = 0; b < 40L * RATE / AUDIO_BLOCK; b++) {
		int late = b * AUDIO_BLOCK >= 10L * RATE; /* from 10 s: 15 dB quieter */
		float g = (float)pow(10, (late ? -17.0 : -2.0) / 20);
		for (long i = 0; i < AUDIO_BLOCK; i++, at = (at + 1) % ns)
			blk[i] = sp[at] * g;
		ring_push(r, blk, AUDIO_BLOCK);
		assert_int_equal(audio_relay_read(r, buf, AUDIO_BLOCK), AUDIO_BLOCK);
		if (!late)
			loud = r->gain_db;
	}
	double want = loud + 15;
	print_message("gain %.2f dB on speech at -18 LUFS, %.2f dB 30 s after it fell 15 dB (%.1f dB wanted)\n",
		      loud, r->gain_db, want);
	assert_true(fabs(r->gain_db - want) <= 3);
	audio_relay_close(r);
	free(sp);
}

/*
 * Line-in stays close to the input: the player stalls for a second while
 * the input goes on (the sound server under load), and a second later
 * what airs is again at most the cushion and the catch-up margin (0.25 s)
 * behind what comes in, not a second more for the rest of the relay.
 */
static void
line_in_catches_up_after_a_stall(void **state)
{
	struct audio_relay *r = line_in(10);
	float blk[AUDIO_BLOCK], buf[AUDIO_BLOCK];
	for (long i = 0; i < AUDIO_BLOCK; i++)
		blk[i] = (float)(0.1 * sin(2 * M_PI * 1000 * i / RATE));
	long b;
	for (b = 0; b < RATE / 2 / AUDIO_BLOCK; b++) /* half a second before the instant */
		ring_push(r, blk, AUDIO_BLOCK);
	for (b = 0; b < 2L * RATE / AUDIO_BLOCK; b++) { /* 2 s in step */
		ring_push(r, blk, AUDIO_BLOCK);
		audio_relay_read(r, buf, AUDIO_BLOCK);
	}
	double before = (double)r->fill / RATE;
	for (b = 0; b < RATE / AUDIO_BLOCK; b++) /* the player stalls 1 s */
		ring_push(r, blk, AUDIO_BLOCK);
	double stalled = (double)r->fill / RATE;
	for (b = 0; b < RATE / AUDIO_BLOCK; b++) { /* 1 s in step again */
		ring_push(r, blk, AUDIO_BLOCK);
		audio_relay_read(r, buf, AUDIO_BLOCK);
	}
	double after = (double)r->fill / RATE;
	print_message("line-in behind the input: %.2f s, %.2f s after a 1 s stall, %.2f s a second later\n",
		      before, stalled, after);
	assert_true(before <= 0.5);
	assert_true(stalled >= 1.0);
	assert_true(after <= CUSHION_S + CATCH_UP_S);
	assert_false(r->dead);
	audio_relay_close(r);
}

/*
 * A line-in whose device stops giving sound at all (unplugged, on ALSA
 * without a sound server: PortAudio's callback just stops) is told apart
 * from one that went quiet: after silence_s the fallback plays and the
 * reason says the input stopped giving sound.  Then the same with the
 * input still coming, in digital silence: the reason says it went silent.
 */
static void
a_line_in_that_stops_is_not_a_quiet_one(void **state)
{
	for (int stops = 1; stops >= 0; stops--) {
		struct audio_relay *r = line_in(1);
		float blk[AUDIO_BLOCK], zero[AUDIO_BLOCK] = { 0 }, buf[AUDIO_BLOCK];
		for (long i = 0; i < AUDIO_BLOCK; i++)
			blk[i] = (float)(0.1 * sin(2 * M_PI * 1000 * i / RATE));
		for (long b = 0; b < RATE / AUDIO_BLOCK; b++) {
			ring_push(r, blk, AUDIO_BLOCK);
			audio_relay_read(r, buf, AUDIO_BLOCK);
		}
		if (stops) /* nothing comes for more than a second */
			sleep_ms(1200);
		for (long b = 0; b < 2L * RATE / AUDIO_BLOCK && !r->dead; b++) {
			if (!stops)
				ring_push(r, zero, AUDIO_BLOCK);
			audio_relay_read(r, buf, AUDIO_BLOCK);
		}
		struct audio_relay_report rep;
		audio_relay_report(r, &rep);
		print_message("%s: %s\n", stops ? "stopped" : "quiet", rep.reason);
		assert_true(rep.dead);
		assert_non_null(strstr(rep.reason, stops ? "the input device stopped giving sound"
							 : "the line-in went silent"));
		audio_relay_close(r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_agc_does_not_pump_on_speech_pauses),
		cmocka_unit_test(the_agc_holds_through_silent_pauses),
		cmocka_unit_test(the_agc_follows_a_lasting_drop),
		cmocka_unit_test(line_in_catches_up_after_a_stall),
		cmocka_unit_test(a_line_in_that_stops_is_not_a_quiet_one),
	};
	return cmocka_run_group_tests_name("relay", tests, setup, teardown);
}
