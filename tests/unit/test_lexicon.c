/*
 * Unit tests for the lexicon file loader (tts.lexicon): `ACRONYM = "spoken
 * form"` lines with comments and blank lines (and CRLF, as Windows editors
 * save them) add to and override the built-in acronyms, whatever Unicode
 * normalisation the file was saved in; a bad line is refused as
 * "path:line: what to write"; a missing file says so.
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
#include "tts/tts.h"

static char path[64];

static void
write_file(const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	strcpy(path, "/tmp/loaxa-test-lexicon-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	unlink(path);
	return 0;
}

static void
entries_add_to_and_override_the_built_in_ones(void **state)
{
	char err[ERRLEN];
	struct tts_lexicon *lex = tts_lexicon_new();
	size_t built_in = tts_lexicon_size(lex);
	assert_string_equal(tts_lexicon_lookup(lex, "UBND"), "ủy ban nhân dân");
	write_file("# tên riêng của phường\n"
		   "\n"
		   "   \t\n"
		   "GĐ = \"giếng đáy\"\r\n"               /* CRLF */
		   "UBND=\"ủy ban nhân dân phường\"\n"   /* no spaces; overrides the built-in */
		   "\tHTX-NN   =   \"hợp tác xã nông nghiệp\"  \n"
		   "ĐTL = \"đường \"tỉnh\" lộ\"\n");       /* quotes inside: up to the last one */
	if (tts_lexicon_load(lex, path, err) < 0)
		fail_msg("%s", err);
	assert_string_equal(tts_lexicon_lookup(lex, "GĐ"), "giếng đáy");
	assert_string_equal(tts_lexicon_lookup(lex, "UBND"), "ủy ban nhân dân phường");
	assert_string_equal(tts_lexicon_lookup(lex, "HTX-NN"), "hợp tác xã nông nghiệp");
	assert_string_equal(tts_lexicon_lookup(lex, "ĐTL"), "đường \"tỉnh\" lộ");
	assert_int_equal(tts_lexicon_size(lex), built_in + 3); /* UBND replaced, not added */
	/* the normalizer reads the new entry */
	char *out = tts_normalize(lex, "Xã GĐ", strlen("Xã GĐ"), err);
	assert_non_null(out);
	assert_non_null(strstr(out, "giếng đáy"));
	free(out);
	tts_lexicon_free(lex);
}

/* A file saved decomposed (NFD, as some editors do) matches text written composed. */
static void
a_file_in_another_normalisation_still_matches(void **state)
{
	char err[ERRLEN];
	struct tts_lexicon *lex = tts_lexicon_new();
	/* TƯ written T, U, combining horn; "từ viện" with combining grave and dot below */
	write_file("TU\xcc\x9b = \"t\xc6\xb0\xcc\x80 vi\xc3\xaa\xcc\xa3n\"\n");
	if (tts_lexicon_load(lex, path, err) < 0)
		fail_msg("%s", err);
	assert_string_equal(tts_lexicon_lookup(lex, "T\xc6\xaf"), "từ viện"); /* TƯ composed */
	tts_lexicon_free(lex);
}

static void
bad_lines_are_refused_with_path_and_line(void **state)
{
	static const struct {
		const char *text;
		int line;
	} bad[] = {
		{ "GĐ = \"giếng đáy\"\nUBND ủy ban\n", 2 },       /* no = */
		{ "GĐ = giếng đáy\n", 1 },                         /* no quotes */
		{ "# c\nGĐ = \"giếng đáy\n", 2 },                  /* one quote */
		{ "G Đ = \"giếng đáy\"\n", 1 },                    /* two words */
		{ "GĐ = \"\"\n", 1 },                              /* nothing to say */
		{ " = \"giếng đáy\"\n", 1 },                       /* no acronym */
		{ "GĐ = \"gi\xff\xfeng\"\n", 1 },                  /* not UTF-8 */
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char err[ERRLEN] = "";
		struct tts_lexicon *lex = tts_lexicon_new();
		write_file(bad[i].text);
		assert_int_equal(tts_lexicon_load(lex, path, err), -1);
		char *want = xasprintf("%s:%d: ", path, bad[i].line);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("case %zu: '%s' does not start with '%s'", i, err, want);
		free(want);
		tts_lexicon_free(lex);
	}
}

static void
a_missing_file_says_so(void **state)
{
	char err[ERRLEN];
	struct tts_lexicon *lex = tts_lexicon_new();
	assert_int_equal(tts_lexicon_load(lex, "/nonexistent/lexicon.txt", err), -1);
	assert_non_null(strstr(err, "/nonexistent/lexicon.txt:0: cannot read the lexicon"));
	/* a failed load leaves the built-in lexicon usable */
	assert_string_equal(tts_lexicon_lookup(lex, "CCHC"), "cải cách hành chính");
	tts_lexicon_free(lex);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(entries_add_to_and_override_the_built_in_ones, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_file_in_another_normalisation_still_matches, setup,
						teardown),
		cmocka_unit_test_setup_teardown(bad_lines_are_refused_with_path_and_line, setup, teardown),
		cmocka_unit_test_setup_teardown(a_missing_file_says_so, setup, teardown),
	};
	return cmocka_run_group_tests_name("lexicon", tests, NULL, NULL);
}
