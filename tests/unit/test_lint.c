/*
 * Unit tests for the pre-air lint: it finds the PDF damage in the Sông Trí
 * plan and stays quiet on the two clean plans (their proper names and
 * loanwords are not damage), and each other kind of finding, with
 * line:column in characters.  The plans are copied into tests/data/plans so
 * that the tests do not need ../shared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/base.h"
#include "tts/tts.h"

static struct tts_lexicon *lex;

static int
setup(void **state)
{
	lex = tts_lexicon_new();
	return 0;
}

static int
teardown(void **state)
{
	tts_lexicon_free(lex);
	return 0;
}

static void
lint(const char *t, int max, struct tts_finding **f, size_t *n)
{
	char err[ERRLEN];
	if (tts_lint(lex, t, strlen(t), max, f, n, err) < 0)
		fail_msg("%s", err);
}

static size_t
count(const struct tts_finding *f, size_t n, enum tts_lint_kind kind)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += f[i].kind == kind;
	return k;
}

/* The first finding of a kind; fails when there is none. */
static const struct tts_finding *
first(const struct tts_finding *f, size_t n, enum tts_lint_kind kind)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].kind == kind)
			return &f[i];
	fail_msg("no %s finding", tts_lint_kind_name(kind));
	return NULL;
}

static size_t
count_in_plan(const char *name, enum tts_lint_kind kind, int print)
{
	const char *dir = getenv("LOAXA_TEST_DATA") ? getenv("LOAXA_TEST_DATA") : "tests/data";
	char path[512];
	snprintf(path, sizeof path, "%s/plans/%s", dir, name);
	char *text;
	size_t len;
	char err[ERRLEN];
	if (file_read_all(path, 1 << 20, &text, &len, err) < 0)
		fail_msg("%s", err);
	struct tts_finding *f;
	size_t n;
	assert_int_equal(tts_lint(lex, text, len, 60, &f, &n, err), 0);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (f[i].kind == kind) {
			if (print)
				print_message("%s:%d:%d: %s\n", path, f[i].line, f[i].col, f[i].message);
			k++;
		}
	tts_findings_free(f, n);
	free(text);
	return k;
}

static void
clean_plans_have_no_unknown_acronym_and_no_damage(void **state)
{
	assert_int_equal(count_in_plan("gieng-day-2025.txt", TTS_LINT_UNKNOWN_ACRONYM, 1), 0);
	assert_int_equal(count_in_plan("gieng-day-2025.txt", TTS_LINT_DAMAGED_SYLLABLE, 1), 0);
	assert_int_equal(count_in_plan("nguyen-luong-bang-2025.txt", TTS_LINT_UNKNOWN_ACRONYM, 1), 0);
	assert_int_equal(count_in_plan("nguyen-luong-bang-2025.txt", TTS_LINT_DAMAGED_SYLLABLE, 1), 0);
}

static void
damaged_plan_is_full_of_findings(void **state)
{
	size_t found = count_in_plan("song-tri-2025-pdf-damaged.txt", TTS_LINT_DAMAGED_SYLLABLE, 0);
	print_message("damaged syllables found in the Sông Trí plan: %zu\n", found);
	assert_true(found >= 100);
	assert_int_equal(count_in_plan("song-tri-2025-pdf-damaged.txt", TTS_LINT_UNKNOWN_ACRONYM, 0), 0);
}

/* The damage of the Sông Trí plan, one kind at a time, at its place. */
static void
damage_at_its_place(void **state)
{
	struct tts_finding *f;
	size_t n;
	/* line 78: "nhà đ u tư" for "nhà đầu tư" */
	lint("doanh nghiệp và nhà đ u tư", 60, &f, &n);
	const struct tts_finding *d = first(f, n, TTS_LINT_DAMAGED_SYLLABLE);
	assert_int_equal(d->line, 1);
	assert_int_equal(d->col, 21);
	assert_string_equal(d->text, "đ");
	tts_findings_free(f, n);
	/* consonant fragments: "g p ph n" for "góp phần", "ph ng" for "phòng" */
	lint("Qua đó,\ng p ph n giúp người dân", 60, &f, &n);
	assert_int_equal(count(f, n, TTS_LINT_DAMAGED_SYLLABLE), 4);
	assert_int_equal(f[0].line, 2);
	assert_int_equal(f[0].col, 1);
	assert_int_equal(f[2].col, 5);
	assert_string_equal(f[2].text, "ph");
	tts_findings_free(f, n);
	/* a lost k: "iến thức", "iểm tra" cannot open a syllable without a consonant */
	lint("nâng cao  iến thức và  iểm tra", 60, &f, &n);
	assert_int_equal(count(f, n, TTS_LINT_DAMAGED_SYLLABLE), 2);
	tts_findings_free(f, n);
	/* a lost syllable: "tăng cường    luật" for "tăng cường kỷ luật" */
	lint("phát huy dân chủ, tăng cường    luật, kỷ cương", 60, &f, &n);
	d = first(f, n, TTS_LINT_DAMAGED_SYLLABLE);
	assert_int_equal(d->col, 29);
	assert_string_equal(d->text, "    ");
	tts_findings_free(f, n);
	/* a tone a closed syllable cannot carry */
	lint("kết quả thưc hiện, hàt", 60, &f, &n);
	d = first(f, n, TTS_LINT_DAMAGED_SYLLABLE);
	assert_string_equal(d->text, "hàt");
	assert_int_equal(count(f, n, TTS_LINT_DAMAGED_SYLLABLE), 1);
	tts_findings_free(f, n);
}

/* Words that are no damage: names, loanwords, headings in capitals, codes. */
static void
sound_text_is_left_alone(void **state)
{
	struct tts_finding *f;
	size_t n;
	lint("ĐẢNG BỘ XÃ NGUYỄN LƯƠNG BẰNG\n"
	     "Trang fanpage, Zalo và ứng dụng (app) của phường; gửi email qua Internet.\n"
	     "Kế hoạch số 30/KH-UBND ngày 18/02/2025 của UBND; Quyết định 1588/QĐ-TTg.\n"
	     "Chỉ số PAR INDEX, SIPAS, PAPI, PCI, DTI; quyền lợi; khuya; nghiêng; gìn giữ.",
	     60, &f, &n);
	for (size_t i = 0; i < n; i++)
		print_message("unexpected: %d:%d %s\n", f[i].line, f[i].col, f[i].message);
	assert_int_equal(n, 0);
	tts_findings_free(f, n);
}

static void
other_findings(void **state)
{
	struct tts_finding *f;
	size_t n;
	lint("Liên hệ email a@b.vn về XYZW ngày 1/2/3/4.\n"
	     "Một hai ba bốn năm sáu bảy tám chín mười một hai ba bốn năm sáu bảy tám.",
	     10, &f, &n);
	const struct tts_finding *x = first(f, n, TTS_LINT_SYMBOL);
	assert_string_equal(x->text, "@");
	assert_int_equal(x->line, 1);
	assert_int_equal(x->col, 16);
	x = first(f, n, TTS_LINT_UNKNOWN_ACRONYM);
	assert_string_equal(x->text, "XYZW");
	assert_int_equal(x->col, 25);
	x = first(f, n, TTS_LINT_NUMBER);
	assert_string_equal(x->text, "1/2/3/4.");
	x = first(f, n, TTS_LINT_LONG_SENTENCE);
	assert_int_equal(x->line, 2);
	assert_int_equal(x->col, 1);
	assert_int_equal(count(f, n, TTS_LINT_LONG_SENTENCE), 1);
	tts_findings_free(f, n);
	/* an acronym added to the lexicon is no longer unknown */
	char err[ERRLEN];
	assert_int_equal(tts_lexicon_add(lex, "XYZW", "ích xì i dài", err), 0);
	lint("về XYZW", 10, &f, &n);
	assert_int_equal(count(f, n, TTS_LINT_UNKNOWN_ACRONYM), 0);
	tts_findings_free(f, n);
	/* columns count characters, not bytes */
	lint("Ủy ban ĐĐĐX", 60, &f, &n);
	x = first(f, n, TTS_LINT_UNKNOWN_ACRONYM);
	assert_int_equal(x->col, 8);
	tts_findings_free(f, n);
	/* a last sentence without its full stop is measured too */
	lint("Ngắn thôi.\nmột hai ba bốn năm sáu bảy tám chín mười một hai", 10, &f, &n);
	x = first(f, n, TTS_LINT_LONG_SENTENCE);
	assert_int_equal(x->line, 2);
	assert_int_equal(count(f, n, TTS_LINT_LONG_SENTENCE), 1);
	tts_findings_free(f, n);
	/* so is a paragraph without one, ended by a blank line */
	lint("một hai ba bốn năm sáu bảy tám chín mười một\n\nNgắn.", 10, &f, &n);
	assert_int_equal(count(f, n, TTS_LINT_LONG_SENTENCE), 1);
	tts_findings_free(f, n);
	/* a number too long to be an amount is read digit by digit: said so */
	char digits[64] = "Số ";
	size_t at = strlen(digits);
	memset(digits + at, '7', 20);
	strcpy(digits + at + 20, " đồng.");
	lint(digits, 60, &f, &n);
	x = first(f, n, TTS_LINT_NUMBER);
	assert_int_equal(x->col, 4);
	assert_non_null(strstr(x->message, "20"));
	tts_findings_free(f, n);
	/* a phone number is not */
	lint("Gọi 0912345678 hoặc 0912 345 678.", 60, &f, &n);
	assert_int_equal(count(f, n, TTS_LINT_NUMBER), 0);
	tts_findings_free(f, n);
}

static void
bad_input(void **state)
{
	char err[ERRLEN];
	struct tts_finding *f;
	size_t n;
	assert_int_equal(tts_lint(lex, "đ\xc3", 3, 60, &f, &n, err), -1);
	assert_non_null(strstr(err, "offset 2"));
	/* a 1 MiB line of short tokens: four times the text, about four times the work */
	size_t len = 1 << 20;
	char *big = xmalloc(len + 1);
	for (size_t i = 0; i < len; i++)
		big[i] = "g p ph n UBND, 12/3 "[i % 20];
	big[len] = 0;
	clock_t t0 = clock();
	assert_int_equal(tts_lint(lex, big, len / 4, 0, &f, &n, err), 0);
	double q = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_true(n > 0);
	tts_findings_free(f, n);
	t0 = clock();
	assert_int_equal(tts_lint(lex, big, len, 0, &f, &n, err), 0);
	double w = (double)(clock() - t0) / CLOCKS_PER_SEC;
	tts_findings_free(f, n);
	free(big);
	assert_true(w < 8 * q + 0.05);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_plans_have_no_unknown_acronym_and_no_damage),
		cmocka_unit_test(damaged_plan_is_full_of_findings),
		cmocka_unit_test(damage_at_its_place),
		cmocka_unit_test(sound_text_is_left_alone),
		cmocka_unit_test(other_findings),
		cmocka_unit_test(bad_input),
	};
	return cmocka_run_group_tests_name("lint", tests, setup, teardown);
}
