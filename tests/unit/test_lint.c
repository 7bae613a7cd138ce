/*
 * Unit tests for the pre-air lint: it finds the PDF damage in the Sông Trí
 * plan and stays quiet on the two clean plans (their proper names and
 * loanwords are not damage), and each other kind of finding, with
 * line:column in characters; it does not cry wolf on what the normalizer
 * reads right (7h30, 11h30, 17h00, a document code, an e-mail), and it
 * reports every guess the normalizer makes with the reading it chose.  The
 * plans are copied into tests/data/plans so that the tests do not need
 * ../shared.  Timings live in bench/normalize.sh; the linear-time guard
 * (counted) is in test_normalize.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	/* a capital among fragments is what is left of a word: "Hà T nh" for "Hà Tĩnh" */
	lint("của tỉnh Hà T nh", 60, &f, &n);
	d = first(f, n, TTS_LINT_DAMAGED_SYLLABLE);
	assert_string_equal(d->text, "T");
	assert_int_equal(d->col, 13);
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
	lint("Liên hệ a^b về XYZW ngày 1/2/3/4.\n"
	     "Một hai ba bốn năm sáu bảy tám chín mười một hai ba bốn năm sáu bảy tám.",
	     17, &f, &n);
	const struct tts_finding *x = first(f, n, TTS_LINT_SYMBOL);
	assert_string_equal(x->text, "^");
	assert_int_equal(x->line, 1);
	assert_int_equal(x->col, 10);
	x = first(f, n, TTS_LINT_UNKNOWN_ACRONYM);
	assert_string_equal(x->text, "XYZW");
	assert_int_equal(x->col, 16);
	x = first(f, n, TTS_LINT_NUMBER);
	assert_string_equal(x->text, "1/2/3/4");
	assert_int_equal(x->col, 26);
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
	/* so is a paragraph without one, ended by a blank line (espeak-ng pauses there) */
	lint("một hai ba bốn năm sáu bảy tám chín mười một\n\nNgắn.", 10, &f, &n);
	assert_int_equal(count(f, n, TTS_LINT_LONG_SENTENCE), 1);
	tts_findings_free(f, n);
	/* a sentence is measured in the syllables said: UBND is four */
	lint("UBND và UBND cùng HĐND.", 10, &f, &n);
	x = first(f, n, TTS_LINT_LONG_SENTENCE);
	assert_non_null(strstr(x->message, "14"));
	tts_findings_free(f, n);
	lint("UBND và UBND cùng HĐND.", 14, &f, &n);
	assert_int_equal(count(f, n, TTS_LINT_LONG_SENTENCE), 0);
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
	assert_int_equal(n, 0);
	tts_findings_free(f, n);
}

/*
 * What the normalizer reads right is no finding: times, document codes,
 * addresses, units, acronyms it knows, heading numbers, signs, ranges.
 * (The operator who sees findings here learns --force.)
 */
static void
no_false_alarms(void **state)
{
	struct tts_finding *f;
	size_t n;
	lint("Tiếp công dân lúc 7h30, 11h30 và 17h00; chiều từ 13:30 đến 17:00.\n"
	     "Theo Quyết định số 10468/QĐ-UBND ngày 12/11/2021 và Nghị định 61/2018/NĐ-CP.\n"
	     "Nộp hồ sơ tại dichvucong.gov.vn hoặc gửi thư về ubnd@xa.gov.vn.\n"
	     "Nhiệt độ 35-37°C, đêm xuống -3°C; gió 90 km/h; mưa 150mm; liều 0,1ml.\n"
	     "Lệ phí 2.000đ/trang; phí 20.000 đồng/hộ/tháng; 100 USD; 1tr5.\n"
	     "II. NỘI DUNG THỰC HIỆN\n"
	     "a) Đã có 45/52 hộ nộp; xếp thứ 3/20; trực 24/7; chiếm 1/3 số hộ.\n"
	     "Gọi 113, 114; hotline 1900 1234; Q.3, TP.HCM, TN&MT; quý IV/2025.\n"
	     "Nhiệt độ 12-15 độ C; uống vitamin D; điểm a, b khoản 1; gió 20m/s; mực nước 3m.",
	     60, &f, &n);
	for (size_t i = 0; i < n; i++)
		print_message("unexpected: %d:%d %s %s\n", f[i].line, f[i].col,
			      tts_lint_kind_name(f[i].kind), f[i].message);
	assert_int_equal(n, 0);
	tts_findings_free(f, n);
}

/* The guess at line:col, with its reading; fails when there is none there. */
static void
guessed(const char *text, int line, int col, const char *what, const char *reading)
{
	struct tts_finding *f;
	size_t n;
	lint(text, 60, &f, &n);
	for (size_t i = 0; i < n; i++) {
		if (f[i].kind != TTS_LINT_GUESS || f[i].line != line || f[i].col != col)
			continue;
		assert_string_equal(f[i].text, what);
		assert_non_null(f[i].reading);
		if (strcmp(f[i].reading, reading) != 0)
			fail_msg("%s: reading '%s', want '%s'", text, f[i].reading, reading);
		/* the message names the text and the reading, for the operator */
		assert_non_null(strstr(f[i].message, what));
		assert_non_null(strstr(f[i].message, reading));
		tts_findings_free(f, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		print_message("%d:%d %s %s\n", f[i].line, f[i].col, tts_lint_kind_name(f[i].kind),
			      f[i].message);
	tts_findings_free(f, n);
	fail_msg("no guess at %d:%d in '%s'", line, col, text);
}

/* Every place the normalizer had to guess is reported, with the reading it chose. */
static void
guesses_are_reported(void **state)
{
	/* d/m without a word that settles it */
	guessed("Khai mạc 2/9.", 1, 10, "2/9", "ngày hai tháng chín");
	guessed("Khai mạc 30/4.", 1, 10, "30/4", "ngày ba mươi tháng tư");
	guessed("Đã xong 5/9 xã.", 1, 9, "5/9", "năm trên chín");
	guessed("Xong 1/2 đoạn đường", 1, 6, "1/2", "một phần hai");
	/* a whole number and m: metres or months */
	guessed("Hạn dùng 12m.", 1, 10, "12m", "mười hai mét");
	guessed("Thêm\nhạn 6 m", 2, 5, "6 m", "sáu mét");
	/* letters after a number that are no unit */
	guessed("Liều 20mcgx mỗi ngày.", 1, 6, "20mcgx", "hai mươi em mờ xê giê ích xì");
	/* a Roman numeral no word calls for */
	guessed("Cúp XIV năm nay.", 1, 5, "XIV", "mười bốn");
	/* a comma and three digits: a decimal, or English thousands */
	guessed("Dân số 1,500 người.", 1, 8, "1,500", "một phẩy năm trăm");
	/* a guess informs: it does not stand in the way of approval */
	assert_false(tts_lint_blocks(TTS_LINT_GUESS));
	assert_false(tts_lint_blocks(TTS_LINT_LONG_SENTENCE));
	assert_true(tts_lint_blocks(TTS_LINT_UNKNOWN_ACRONYM));
	assert_true(tts_lint_blocks(TTS_LINT_DAMAGED_SYLLABLE));
	assert_true(tts_lint_blocks(TTS_LINT_SYMBOL));
	assert_true(tts_lint_blocks(TTS_LINT_NUMBER));
	assert_string_equal(tts_lint_kind_name(TTS_LINT_GUESS), "guess");
	/* settled by the words around: no guess */
	struct tts_finding *f;
	size_t n;
	lint("Từ ngày 2/9 đến 5/9; cao 3m; ngập 1,5m; khóa XIV; 45/52 hộ; 1,5 triệu.", 60, &f, &n);
	assert_int_equal(count(f, n, TTS_LINT_GUESS), 0);
	tts_findings_free(f, n);
}

/* Findings come in the order of the text, a long sentence at its start. */
static void
findings_in_text_order(void **state)
{
	struct tts_finding *f;
	size_t n;
	lint("một hai ba bốn năm XYZW sáu bảy tám chín mười một hai 2/9.\nQRTV a^b", 10, &f, &n);
	assert_true(n >= 4);
	for (size_t i = 1; i < n; i++)
		assert_true(f[i - 1].line < f[i].line ||
			    (f[i - 1].line == f[i].line && f[i - 1].col <= f[i].col));
	assert_int_equal(f[0].kind, TTS_LINT_LONG_SENTENCE);
	assert_int_equal(f[0].col, 1);
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
	/* nothing at all */
	assert_int_equal(tts_lint(lex, "", 0, 60, &f, &n, err), 0);
	assert_int_equal(n, 0);
	tts_findings_free(f, n);
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
		cmocka_unit_test(no_false_alarms),
		cmocka_unit_test(guesses_are_reported),
		cmocka_unit_test(findings_in_text_order),
		cmocka_unit_test(bad_input),
	};
	return cmocka_run_group_tests_name("lint", tests, setup, teardown);
}
