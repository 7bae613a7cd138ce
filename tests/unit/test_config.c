/*
 * Unit tests for config/: built-in defaults, and that every kind of mistake
 * in loaxa.conf is refused with the file, the line and the value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/base.h"
#include "config/config.h"

static char path[64];

static const char *
write_conf(const char *text)
{
	strcpy(path, "/tmp/loaxa-test-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Loads text and expects failure with an error containing each needle. */
static void
expect_error(const char *text, const char *line, const char *needle)
{
	char err[ERRLEN] = "";
	const char *p = write_conf(text);
	struct config *c = config_load(p, err);
	unlink(p);
	if (c)
		fail_msg("accepted: %s", text);
	char want[128];
	snprintf(want, sizeof want, "%s:%s: ", p, line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error '%s' does not start with '%s'", err, want);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
}

static void
defaults_need_no_file(void **state)
{
	char err[ERRLEN];
	struct config *c = config_load(NULL, err);
	assert_non_null(c);
	assert_string_equal(c->timezone, "Asia/Ho_Chi_Minh");
	assert_int_equal(c->audio.sample_rate, 48000);
	assert_true(c->audio.loudness_lufs == -16.0);
	assert_true(c->audio.true_peak_dbtp == -1.0);
	/* the North, in the North's voice: no tts.voice, so the region's */
	assert_string_equal(c->tts.region, "north");
	assert_null(c->tts.voice);
	assert_int_equal(c->cchc_per_month, 2);
	assert_int_equal(c->approval_required, 0);
	/* the six CCHC components plus "khac", which does not count */
	assert_int_equal(c->n_topics, 7);
	const char *cchc[] = { "the-che", "tthc", "bo-may", "cong-vu", "tai-chinh", "chinh-quyen-so" };
	for (size_t i = 0; i < 6; i++) {
		const struct config_topic *t = config_topic_find(c, cchc[i]);
		assert_non_null(t);
		assert_true(t->cchc);
	}
	assert_false(config_topic_find(c, "khac")->cchc);
	assert_non_null(config_program_find(c, c->slots[0].program));
	config_free(c);
}

static void
a_full_file_is_read(void **state)
{
	char err[ERRLEN];
	const char *p = write_conf(
		"state_dir = \"/tmp/x\";\n"
		"timezone = \"Asia/Bangkok\";\n"
		"approval_required = true;\n"
		"audio = { output = \"wav\"; sample_rate = 44100; loudness_lufs = -18; };\n"
		"tts = { voice = \"vi-vn-x-south\"; rate = 140; };\n"
		"targets = { cchc_per_month = 4; };\n"
		"topics = ( { id = \"tthc\"; name = \"Thủ tục\"; }, { id = \"an-ninh\"; name = \"An ninh\"; cchc = false; } );\n"
		"programs = { sang = { max_minutes = 15; items = (\n"
		"  { clip = \"nhac-hieu\"; fade_out = 1.0; },\n"
		"  { queue = true; gap = 1.5; bed = \"nhac-nen\"; duck_db = -18.0; },\n"
		"  { bulletin = 12; }, { silence = 2.0; },\n"
		"  { tts = \"Chương trình phát thanh đến đây là kết thúc.\"; },\n"
		"  { clip = \"ket-thuc\"; } ); }; };\n"
		"slots = ( { name = \"sang\"; when = \"*-*-* 05:30:00\"; program = \"sang\"; catch_up_minutes = 15; priority = 0; } );\n");
	struct config *c = config_load(p, err);
	unlink(p);
	if (!c)
		fail_msg("%s", err);
	assert_string_equal(c->state_dir, "/tmp/x");
	assert_true(c->approval_required);
	assert_int_equal(c->audio.sample_rate, 44100);
	assert_true(c->audio.loudness_lufs == -18.0); /* an int is fine where a float is wanted */
	assert_int_equal(c->cchc_per_month, 4);
	assert_int_equal(c->n_topics, 2);
	assert_true(config_topic_find(c, "tthc")->cchc); /* cchc defaults to true */
	assert_false(config_topic_find(c, "an-ninh")->cchc);
	const struct config_program *pr = config_program_find(c, "sang");
	assert_non_null(pr);
	assert_int_equal(pr->n_items, 6);
	assert_int_equal(pr->items[1].kind, CONFIG_ITEM_QUEUE);
	assert_string_equal(pr->items[1].bed, "nhac-nen");
	assert_int_equal(pr->items[2].bulletin, 12);
	assert_int_equal(pr->items[0].line, 9);
	/* the dump reads back to the same configuration */
	char *dump = config_dump(c);
	const char *p2 = write_conf(dump);
	struct config *c2 = config_load(p2, err);
	unlink(p2);
	if (!c2)
		fail_msg("dump does not load back: %s\n%s", err, dump);
	assert_int_equal(c2->n_programs, c->n_programs);
	assert_int_equal(config_program_find(c2, "sang")->n_items, 6);
	assert_string_equal(c2->slots[0].when, "*-*-* 05:30:00");
	free(dump);
	config_free(c2);
	config_free(c);
}

static void
mistakes_name_file_line_and_value(void **state)
{
	expect_error("audio = {\n  sample_rate = 7;\n};\n", "2", "(got 7)");
	expect_error("audio = {\n  sample_rate = \"48000\";\n};\n", "2", "whole number");
	expect_error("\n\nfoo = 1;\n", "3", "unknown key");
	expect_error("audio = { volume = 3; };\n", "1", "audio.volume");
	expect_error("audio = { output = \"alsa\"; };\n", "1", "portaudio");
	expect_error("timezone = \"Mars/Olympus\";\n", "1", "time zone");
	expect_error("tts = { rate = 2.5; };\n", "1", "whole number");
	expect_error("approval_required = 1;\n", "1", "true or false");
	expect_error("targets = { cchc_per_month = -1; };\n", "1", "(got -1)");
	expect_error("state_dir = \"/x\";\nfoo = = 2;\n", "2", "syntax error");
	expect_error("topics = ( { id = \"a b\"; name = \"x\"; } );\n", "1", "letters");
	expect_error("topics = ( { id = \"a\"; name = \"x\"; }, { id = \"a\"; name = \"y\"; } );\n", "1",
		     "already used");
	expect_error("programs = { p = { items = ( { clip = \"a\"; tts = \"b\"; } ); }; };\n", "1",
		     "exactly one");
	expect_error("programs = { p = { items = ( { clip = \"a\"; speed = 2; } ); }; };\n", "1",
		     "unknown key");
	expect_error("slots = (\n { name = \"s\"; when = \"daily\"; program = \"nope\"; } );\n", "2",
		     "nope");
	expect_error("tts = { engine = \"command\"; };\n", "1", "tts.command");
	expect_error("tts = { voice = \"v\xff\"; };\n", "1", "UTF-8");
}

/*
 * tts.region: north, central or south, a typo named with its line and the
 * nearest region; it goes into the dump; tts.voice stays unset unless the
 * file sets it (then it is every region's voice), "" is unset, and a voice
 * longer than the airing log keeps is refused.
 */
static void
the_region_is_a_setting(void **state)
{
	char err[ERRLEN];
	const char *p = write_conf("tts = {\n  region = \"south\";\n};\n");
	struct config *c = config_load(p, err);
	unlink(p);
	if (!c)
		fail_msg("%s", err);
	assert_string_equal(c->tts.region, "south");
	assert_null(c->tts.voice);
	char *dump = config_dump(c);
	assert_non_null(strstr(dump, "  region = \"south\";\n"));
	assert_null(strstr(dump, "voice = "));
	free(dump);
	config_free(c);
	p = write_conf("tts = { region = \"central\"; voice = \"vi\"; };\n");
	c = config_load(p, err);
	unlink(p);
	assert_non_null(c);
	assert_string_equal(c->tts.region, "central");
	assert_string_equal(c->tts.voice, "vi");
	config_free(c);
	p = write_conf("tts = { voice = \"\"; };\n");
	c = config_load(p, err);
	unlink(p);
	assert_non_null(c);
	assert_null(c->tts.voice);
	config_free(c);
	expect_error("\ntts = { region = \"sout\"; };\n", "2", "did you mean south?");
	expect_error("tts = { region = \"west\"; };\n", "1", "north, central, south");
	expect_error("tts = { region = 3; };\n", "1", "string");
	char conf[200];
	snprintf(conf, sizeof conf, "tts = { voice = \"%0*d\"; };\n", CONFIG_VOICE_MAX + 1, 0);
	expect_error(conf, "1", "longer than 63 bytes");
}

static void
an_unreadable_file_is_an_error(void **state)
{
	char err[ERRLEN];
	assert_null(config_load("/nonexistent/loaxa.conf", err));
	assert_non_null(strstr(err, "/nonexistent/loaxa.conf:0:"));
}

static void
the_path_comes_from_option_then_environment(void **state)
{
	setenv("LOAXA_CONFIG", "/env/loaxa.conf", 1);
	assert_string_equal(config_pick_path("/opt/x.conf"), "/opt/x.conf");
	assert_string_equal(config_pick_path(NULL), "/env/loaxa.conf");
	unsetenv("LOAXA_CONFIG");
}

/*
 * The dump is read back to the same values, to the last digit, under a
 * locale whose decimal separator is a comma (i18n_init() keeps LC_NUMERIC
 * "C").
 */
static void
the_dump_loads_back_the_same_under_a_decimal_comma(void **state)
{
	setenv("LC_ALL", "vi_VN.UTF-8", 1);
	i18n_init();
	char err[ERRLEN];
	const char *p = write_conf("audio = { loudness_lufs = -14.5; duck_attack = 0.0125; duck_release = 0.1; };\n"
				   "programs = { p = { max_minutes = 14.75; items = ( { silence = 0.35; gain_db = -3.3333; } ); }; };\n");
	struct config *c = config_load(p, err);
	unlink(p);
	assert_non_null(c);
	char *dump = config_dump(c);
	assert_null(strstr(dump, ",5;"));
	p = write_conf(dump);
	struct config *d = config_load(p, err);
	unlink(p);
	if (!d)
		fail_msg("the dump does not load: %s\n%s", err, dump);
	assert_true(d->audio.loudness_lufs == -14.5);
	assert_true(d->audio.duck_attack == 0.0125);
	assert_true(d->audio.duck_release == 0.1);
	const struct config_program *pr = config_program_find(d, "p");
	assert_non_null(pr);
	assert_true(pr->max_minutes == 14.75);
	assert_true(pr->items[0].silence == 0.35);
	assert_true(pr->items[0].gain_db == -3.3333);
	char *again = config_dump(d);
	/* only the header line (the file's name) differs */
	assert_string_equal(strchr(dump, '\n'), strchr(again, '\n'));
	free(again);
	free(dump);
	config_free(d);
	config_free(c);
	unsetenv("LC_ALL");
}

/* Every error of a file in one pass, in line order; what is kept is whole. */
static void
every_error_is_found_in_one_pass(void **state)
{
	struct config_diags d = { 0 };
	const char *p = write_conf("lead_seconds = 1;\n"
				   "topics = ( { id = \"a b\"; name = \"x\"; }, { id = \"ok\"; name = \"Tin\"; } );\n"
				   "audio = { sample_rate = \"x\"; output = \"wab\"; };\n"
				   "programs = { p = { items = ( { clip = \"a\"; tts = \"b\"; }, { silence = 1.0; } ); }; };\n"
				   "slots = ( { name = \"s\"; when = \"17h\"; program = \"q\"; } );\n");
	struct config *c = config_load_diags(p, &d);
	unlink(p);
	assert_non_null(c);
	assert_int_equal(d.errors, 7);
	assert_int_equal(d.warnings, 0);
	int lines[] = { 1, 2, 3, 3, 4, 5, 5 };
	for (size_t i = 0; i < d.n; i++)
		assert_int_equal(d.v[i].line, lines[i]);
	assert_non_null(strstr(d.v[3].text, "did you mean wav?"));
	assert_non_null(strstr(d.v[5].text, "17:00"));
	assert_non_null(strstr(d.v[6].text, "names the programme \"q\", which is not in programs; did you mean p?"));
	/* the good topic, the good item and the slot (without its `when`) are kept */
	assert_int_equal(c->n_topics, 1);
	assert_string_equal(c->topics[0].id, "ok");
	assert_int_equal(config_program_find(c, "p")->n_items, 1);
	assert_int_equal(c->n_slots, 1);
	assert_null(c->slots[0].when);
	assert_int_equal(c->audio.sample_rate, 48000);
	assert_string_equal(c->audio.output, "portaudio");
	config_free(c);
	config_diags_free(&d);
}

static void
near_names_are_a_typo_away(void **state)
{
	const char *slots[] = { "sang", "chieu", "toi" };
	assert_string_equal(config_near_name("sng", slots, 3), "sang");
	assert_string_equal(config_near_name("Sang", slots, 3), "sang");
	assert_string_equal(config_near_name("cheiu", slots, 3), "chieu");
	assert_null(config_near_name("trua", slots, 3));
	assert_null(config_near_name("sang", slots, 3)); /* itself is not a suggestion */
	const char *keys[] = { "lead_seconds", "loudness_lufs" };
	assert_string_equal(config_near_name("lead_secnds", keys, 2), "lead_seconds");
	assert_null(config_near_name("volume", keys, 2));
}

static void
vietnamese_weekdays_become_systemd_names(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "T2..T6 17:00", "Mon..Fri 17:00" },
		{ "t7,CN 06:00", "Sat,Sun 06:00" },
		{ "Thứ 2..Thứ 6 05:30", "Mon..Fri 05:30" },
		{ "Thứ Hai,thứ tư 05:30", "Mon,Wed 05:30" },
		{ "Chủ nhật 08:00", "Sun 08:00" },
		{ "CHỦ NHẬT 08:00", "Sun 08:00" },
		{ "Mon..Fri 17:00", "Mon..Fri 17:00" },
		{ "*-*-* 05:30:00", "*-*-* 05:30:00" },
		{ "T20 05:30", "T20 05:30" },     /* not a weekday: left for the parser to refuse */
		{ "2025-02-30 06:00", "2025-02-30 06:00" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *out = config_calendar_vi(cases[i].in);
		if (strcmp(out, cases[i].out) != 0)
			fail_msg("'%s' became '%s', not '%s'", cases[i].in, out, cases[i].out);
		free(out);
	}
	char fix[16];
	assert_true(config_calendar_hour_h("T2..T6 17h30", fix, sizeof fix));
	assert_string_equal(fix, "17:30");
	assert_true(config_calendar_hour_h("*-*-* 7h", fix, sizeof fix));
	assert_string_equal(fix, "7:00");
	assert_false(config_calendar_hour_h("hourly", fix, sizeof fix));
	assert_false(config_calendar_hour_h("*-*-* 17:30", fix, sizeof fix));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_need_no_file),
		cmocka_unit_test(a_full_file_is_read),
		cmocka_unit_test(mistakes_name_file_line_and_value),
		cmocka_unit_test(the_region_is_a_setting),
		cmocka_unit_test(an_unreadable_file_is_an_error),
		cmocka_unit_test(the_path_comes_from_option_then_environment),
		cmocka_unit_test(the_dump_loads_back_the_same_under_a_decimal_comma),
		cmocka_unit_test(every_error_is_found_in_one_pass),
		cmocka_unit_test(near_names_are_a_typo_away),
		cmocka_unit_test(vietnamese_weekdays_become_systemd_names),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
