/*
 * Unit tests for playlists/: a programme template becomes items in the
 * template's order, the queue item becomes the picked bulletins as they
 * were when planned, a missing clip is left out (or fails, as on_missing
 * says), and rendering lays out the timeline: gaps, crossfades and the
 * max_minutes cap, which leaves queued bulletins for the next slot but
 * never the fixed items.  Speech comes from the fake engine (fast and
 * deterministic); clips are WAV files written here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "audio/audio.h"
#include "base/base.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "store/store.h"
#include "tts/tts.h"

struct fixture {
	char dir[64];
	struct config *cfg;
	struct store *st;
	struct tts_lexicon *lex;
	struct pl_env env;
	int64_t b1, b2;
};

/* A mono tone of `seconds` at 48 kHz, imported as clip `name`. */
static void
add_clip(struct fixture *f, const char *name, double seconds)
{
	char err[ERRLEN];
	char *path = xasprintf("%s/%s.wav", f->dir, name);
	struct audio_writer *w = audio_writer_open(path, 48000, AUDIO_WAV16, err);
	assert_non_null(w);
	float buf[480];
	for (long done = 0; done < (long)(seconds * 48000); done += 480) {
		for (int i = 0; i < 480; i++)
			buf[i] = (float)(0.3 * ((done + i) % 109 < 54 ? 1 : -1));
		assert_int_equal(audio_writer_write(w, buf, 480, err), 0);
	}
	assert_int_equal(audio_writer_close(w, 0, err), 0);
	struct audio_info in;
	assert_int_equal(audio_probe(path, &in, err), 0);
	struct store_clip c = { .name = (char *)name, .kind = (char *)"jingle", .file = path,
				.duration_s = in.duration_s, .sample_rate = in.sample_rate,
				.channels = in.channels, .frames = in.frames, .lufs = in.lufs,
				.true_peak_db = in.true_peak_db, .sha256 = in.sha256 };
	assert_int_equal(store_clip_add(f->st, &c, err), 0);
	free(path);
}

static int64_t
add_bulletin(struct fixture *f, const char *title, const char *text)
{
	char err[ERRLEN];
	struct store_bulletin b = { .title = (char *)title, .topic = (char *)"tthc",
				    .klass = (char *)"normal", .state = (char *)"approved",
				    .text = (char *)text, .airings_wanted = 1 };
	assert_int_equal(store_bulletin_add(f->st, &b, err), 0);
	return b.id;
}

/* The configuration with `programs` (libconfig text) and the fake engine. */
static void
load(struct fixture *f, const char *on_missing, const char *programs)
{
	char err[ERRLEN];
	char *path = xasprintf("%s/loaxa.conf", f->dir);
	FILE *c = fopen(path, "w");
	assert_non_null(c);
	fprintf(c, "state_dir = \"%s/state\";\ntts = { engine = \"fake\"; };\n"
		   "audio = { on_missing = \"%s\"; output = \"null\"; };\nprograms = { %s };\n",
		f->dir, on_missing, programs);
	fclose(c);
	config_free(f->cfg);
	f->cfg = config_load(path, err);
	if (!f->cfg)
		fail_msg("%s", err);
	pl_env_clear(&f->env);
	pl_env_from_config(&f->env, f->cfg, f->cfg->state_dir, f->lex);
	free(path);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char err[ERRLEN];
	strcpy(f->dir, "/tmp/loaxa-test-playlists-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	char *sd = xasprintf("%s/state", f->dir);
	if (store_open(sd, &f->st, err) < 0)
		fail_msg("%s", err);
	free(sd);
	f->lex = tts_lexicon_new();
	add_clip(f, "nhac-hieu", 2.0);
	f->b1 = add_bulletin(f, "Một", "Người dân nộp hồ sơ trực tuyến trên cổng dịch vụ công.");
	f->b2 = add_bulletin(f, "Hai", "Lịch tiếp công dân của ủy ban nhân dân phường trong tháng.");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	tts_done();
	pl_env_clear(&f->env);
	config_free(f->cfg);
	store_close(f->st);
	tts_lexicon_free(f->lex);
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f);
	return 0;
}

static const char full[] =
	"p = { items = ( { clip = \"nhac-hieu\"; gap = 0.5; },"
	"  { tts = \"Xin chào bà con.\"; gap = 1.0; },"
	"  { queue = true; gap = 1.5; },"
	"  { silence = 2.0; },"
	"  { clip = \"khong-co\"; crossfade = 0.5; },"
	"  { clip = \"nhac-hieu\"; crossfade = 0.5; } ); };";

/*
 * The template's order, the queue as the picked bulletins, the version
 * that was planned even after an edit, and a missing clip said by name.
 */
static void
a_template_becomes_its_items_with_the_bulletins_as_planned(void **state)
{
	struct fixture *f = *state;
	char err[ERRLEN];
	load(f, "skip", full);
	int64_t ids[] = { f->b2, f->b1 };
	struct pl_program *p = pl_build(f->cfg, config_program_find(f->cfg, "p"), f->st, ids, 2, err);
	assert_non_null(p);
	enum pl_kind want[] = { PL_CLIP, PL_TTS, PL_BULLETIN, PL_BULLETIN, PL_SILENCE, PL_CLIP, PL_CLIP };
	assert_int_equal(pl_count(p), ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		assert_int_equal(p->items[i].kind, want[i]);
	assert_int_equal(p->items[2].bulletin_id, f->b2); /* the picker's order */
	assert_int_equal(p->items[3].bulletin_id, f->b1);
	assert_true(p->items[2].from_queue && !p->items[1].from_queue);
	assert_non_null(p->items[5].skipped);
	assert_non_null(strstr(p->items[5].skipped, "khong-co"));
	/* an edit after planning: the programme keeps the version it was built with */
	struct store_bulletin b;
	assert_int_equal(store_bulletin_get(f->st, f->b1, &b, err), 0);
	free(b.text);
	b.text = xstrdup("Nội dung đã sửa.");
	assert_int_equal(store_bulletin_update(f->st, &b, err), 0);
	store_bulletin_clear(&b);
	assert_int_equal(p->items[3].bulletin_version, 1);
	assert_non_null(strstr(p->items[3].text, "cổng dịch vụ công"));
	pl_free(p);
	/* a programme of one bulletin: loaxa air ID */
	p = pl_build_bulletin(f->cfg, f->st, f->b1, err);
	assert_non_null(p);
	assert_int_equal(pl_count(p), 1);
	assert_int_equal(p->items[0].kind, PL_BULLETIN);
	assert_int_equal(p->items[0].bulletin_version, 2);
	pl_free(p);
	/* a bulletin that is not there fails the build, naming it */
	int64_t none = 999;
	assert_null(pl_build(f->cfg, config_program_find(f->cfg, "p"), f->st, &none, 1, err));
	assert_non_null(strstr(err, "999"));
}

/*
 * The timeline: each item starts where the one before ended plus its gap,
 * minus its own crossfade; what was left out takes no time and logs no row.
 */
static void
the_timeline_follows_gaps_and_crossfades(void **state)
{
	struct fixture *f = *state;
	char err[ERRLEN];
	load(f, "skip", full);
	int64_t ids[] = { f->b1, f->b2 };
	struct pl_program *p = pl_build(f->cfg, config_program_find(f->cfg, "p"), f->st, ids, 2, err);
	assert_non_null(p);
	if (pl_render(p, &f->env, err) < 0)
		fail_msg("%s", err);
	double end = 0, gap = 0;
	size_t logged = 0;
	for (size_t i = 0; i < pl_count(p); i++) {
		const struct pl_item *it = &p->items[i];
		struct store_aired_item row;
		if (it->skipped) {
			assert_int_equal(pl_aired_item(p, i, &row), -1);
			continue;
		}
		assert_true(it->length_s > 0);
		double want = end + gap - it->crossfade;
		assert_true(it->offset_s > want - 1e-9 && it->offset_s < want + 1e-9);
		end = it->offset_s + it->length_s;
		gap = it->gap;
		assert_int_equal(pl_aired_item(p, i, &row), 0);
		assert_true(row.offset_s == it->offset_s && row.length_s == it->length_s);
		logged++;
	}
	assert_int_equal(logged, 6);
	assert_true(p->items[0].length_s > 1.99 && p->items[0].length_s < 2.01); /* the clip's own */
	assert_true(p->items[4].length_s == 2.0);                                 /* the silence */
	assert_true(pl_length(p) > end - 1e-9 && pl_length(p) < end + 1e-9);
	pl_free(p);
}

/* max_minutes: queued bulletins wait for the next slot, the fixed items stay. */
static void
the_cap_leaves_queued_bulletins_for_later_never_fixed_items(void **state)
{
	struct fixture *f = *state;
	char err[ERRLEN];
	/* measure the programme uncapped first */
	load(f, "skip", "p = { items = ( { clip = \"nhac-hieu\"; gap = 0.5; }, { queue = true; gap = 1.0; },"
			"  { clip = \"nhac-hieu\"; } ); };");
	int64_t ids[] = { f->b1, f->b2 };
	const struct config_program *tpl = config_program_find(f->cfg, "p");
	struct pl_program *p = pl_build(f->cfg, tpl, f->st, ids, 2, err);
	assert_int_equal(pl_render(p, &f->env, err), 0);
	double first_ends = p->items[1].offset_s + p->items[1].length_s;
	double whole = pl_length(p);
	pl_free(p);
	/* a cap with room for the first bulletin and the closing clip, not the second */
	double cap_s = first_ends + 1.0 + 2.0 + 0.5;
	assert_true(cap_s < whole);
	char *progs = xasprintf("p = { max_minutes = %.6f; items = ( { clip = \"nhac-hieu\"; gap = 0.5; },"
				" { queue = true; gap = 1.0; }, { clip = \"nhac-hieu\"; } ); };",
				cap_s / 60);
	load(f, "skip", progs);
	free(progs);
	p = pl_build(f->cfg, config_program_find(f->cfg, "p"), f->st, ids, 2, err);
	assert_int_equal(pl_render(p, &f->env, err), 0);
	assert_null(p->items[0].skipped);
	assert_null(p->items[1].skipped);
	assert_non_null(p->items[2].skipped); /* the second bulletin */
	assert_non_null(strstr(p->items[2].skipped, "next slot"));
	assert_null(p->items[3].skipped);     /* the closing clip stays */
	assert_int_equal(p->left_out, 1);
	assert_true(pl_length(p) <= cap_s + 1e-6);
	pl_free(p);
}

/*
 * A relay lasts its minutes, or what the other fixed items leave of
 * max_minutes: it ends on time and the closing clip still airs.  Its log
 * row is kind "stream" with the address, and the reason once it failed.
 */
static void
a_relay_gets_its_minutes_within_the_cap_and_is_logged_with_its_address(void **state)
{
	struct fixture *f = *state;
	char err[ERRLEN];
	load(f, "skip", "p = { items = ( { clip = \"nhac-hieu\"; gap = 0.5; },"
			"  { stream = \"http://127.0.0.1:9/vov1.mp3\"; minutes = 2.0; fallback = \"nhac-hieu\"; },"
			"  { clip = \"nhac-hieu\"; } ); };");
	struct pl_program *p = pl_build(f->cfg, config_program_find(f->cfg, "p"), f->st, NULL, 0, err);
	assert_non_null(p);
	assert_int_equal(pl_render(p, &f->env, err), 0);
	assert_int_equal(p->items[1].kind, PL_STREAM);
	assert_float_equal(p->items[1].length_s, 120.0, 1e-9);
	assert_float_equal(p->items[2].offset_s, 2.5 + 120.0, 1e-3);
	pl_free(p);

	load(f, "skip", "p = { max_minutes = 1.0; items = ( { clip = \"nhac-hieu\"; gap = 0.5; },"
			"  { stream = \"http://127.0.0.1:9/vov1.mp3\"; minutes = 1.0; },"
			"  { clip = \"nhac-hieu\"; } ); };");
	p = pl_build(f->cfg, config_program_find(f->cfg, "p"), f->st, NULL, 0, err);
	assert_int_equal(pl_render(p, &f->env, err), 0);
	assert_float_equal(p->items[1].length_s, 60.0 - 2.5 - 2.0, 1e-3);
	assert_null(p->items[2].skipped);
	assert_float_equal(pl_length(p), 60.0, 1e-3);
	struct store_aired_item row;
	assert_int_equal(pl_aired_item(p, 1, &row), 0);
	assert_string_equal(row.kind, "stream");
	assert_string_equal(row.source, "http://127.0.0.1:9/vov1.mp3");
	assert_string_equal(row.reason, "");
	p->items[1].relay_out->failed = 1;
	snprintf(p->items[1].relay_out->reason, sizeof p->items[1].relay_out->reason, "lost");
	assert_int_equal(pl_aired_item(p, 1, &row), 0);
	assert_string_equal(row.reason, "lost");
	pl_free(p);
}

/* on_missing = fail: the render fails, naming the clip, instead of airing without it. */
static void
a_missing_clip_fails_when_the_configuration_says_so(void **state)
{
	struct fixture *f = *state;
	char err[ERRLEN];
	load(f, "fail", "p = { items = ( { clip = \"khong-co\"; }, { tts = \"Xin chào.\"; } ); };");
	struct pl_program *p = pl_build(f->cfg, config_program_find(f->cfg, "p"), f->st, NULL, 0, err);
	assert_non_null(p); /* building does not decide: rendering does */
	assert_int_equal(pl_render(p, &f->env, err), -1);
	assert_non_null(strstr(err, "khong-co"));
	pl_free(p);
}

int
main(void)
{
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_template_becomes_its_items_with_the_bulletins_as_planned,
						setup, teardown),
		cmocka_unit_test_setup_teardown(the_timeline_follows_gaps_and_crossfades, setup, teardown),
		cmocka_unit_test_setup_teardown(the_cap_leaves_queued_bulletins_for_later_never_fixed_items,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_relay_gets_its_minutes_within_the_cap_and_is_logged_with_its_address, setup,
			teardown),
		cmocka_unit_test_setup_teardown(a_missing_clip_fails_when_the_configuration_says_so,
						setup, teardown),
	};
	return cmocka_run_group_tests_name("playlists", tests, NULL, NULL);
}
