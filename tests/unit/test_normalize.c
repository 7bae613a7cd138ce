/*
 * Unit tests for the normalizer and the lint: every class of DESIGN.md
 * "Spoken form" with cases beyond the development set, bad input, and the
 * lint on the three real plans.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
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
says(const char *in, const char *want)
{
	char err[ERRLEN];
	char *out = tts_normalize(lex, in, strlen(in), err);
	if (!out)
		fail_msg("'%s': %s", in, err);
	/* compare without pause marks, as a listener hears it */
	struct sbuf b = { 0 };
	for (char *p = out; *p; p++)
		if (!strchr(",.;:!?", *p))
			sbuf_addc(&b, *p);
	if (strcmp(b.s ? b.s : "", want) != 0)
		fail_msg("'%s'\n   got '%s'\n  want '%s'", in, b.s ? b.s : "", want);
	sbuf_free(&b);
	free(out);
}

static void
cardinals(void **state)
{
	says("0", "không");
	says("7 hộ", "bảy hộ");
	says("11", "mười một");
	says("14", "mười bốn");
	says("15", "mười lăm");
	says("20", "hai mươi");
	says("31", "ba mươi mốt");
	says("44", "bốn mươi tư");
	says("55", "năm mươi lăm");
	says("101", "một trăm linh một");
	says("215", "hai trăm mười lăm");
	says("1.005", "một nghìn không trăm linh năm");
	says("10.050", "mười nghìn không trăm năm mươi");
	says("2.000.001", "hai triệu không trăm linh một");
	says("3.000.000.000", "ba tỷ");
	says("1.250.000.000.000", "một nghìn hai trăm năm mươi tỷ");
	says("007", "bảy");
}

static void
decimals_percent_money_units(void **state)
{
	says("3,25", "ba phẩy hai mươi lăm");
	says("0,05", "không phẩy không năm");
	says("98,5%", "chín mươi tám phẩy năm phần trăm");
	says("12 %", "mười hai phần trăm");
	says("4.0", "bốn chấm không");
	says("150.000 VNĐ", "một trăm năm mươi nghìn đồng");
	says("15.000đ", "mười lăm nghìn đồng");
	says("3 tr", "ba triệu");
	says("12km", "mười hai ki lô mét");
	says("45 m²", "bốn mươi lăm mét vuông");
	says("2,5 ha", "hai phẩy năm héc ta");
	says("30 kg", "ba mươi ki lô gam");
	says("7 tấn", "bảy tấn");
}

static void
dates_and_ranges(void **state)
{
	says("ngày 1/1/2026", "ngày một tháng một năm hai nghìn không trăm hai mươi sáu");
	says("ngày 30-04-1975", "ngày ba mươi tháng tư năm một nghìn chín trăm bảy mươi lăm");
	says("hạn 28/02/2025", "hạn ngày hai mươi tám tháng hai năm hai nghìn không trăm hai mươi lăm");
	says("tháng 04/2024", "tháng tư năm hai nghìn không trăm hai mươi tư");
	says("từ ngày 2/9", "từ ngày hai tháng chín");
	says("năm 1999", "năm một nghìn chín trăm chín mươi chín");
	says("2016–2020", "hai nghìn không trăm mười sáu đến hai nghìn không trăm hai mươi");
	says("giai đoạn 2026 – 2030",
	     "giai đoạn hai nghìn không trăm hai mươi sáu đến hai nghìn không trăm ba mươi");
}

static void
documents_acronyms_romans(void **state)
{
	says("Công văn số 1.234/UBND-VP", "công văn số một nghìn hai trăm ba mươi tư");
	says("Kế hoạch 167-KH-SVHTTDL", "kế hoạch một trăm sáu mươi bảy");
	says("Chỉ thị 02/CT-TTg", "chỉ thị hai");
	says("Thông báo của UBND và MTTQ", "thông báo của ủy ban nhân dân và mặt trận tổ quốc");
	says("Hội đồng nhân dân (HĐND) xã", "hội đồng nhân dân xã");
	says("Chỉ số PAPI và PCI", "chỉ số pa pi và pê xê i");
	says("Phần mềm XYZ", "phần mềm ích xì i dài dét");
	says("Chương III", "chương ba");
	says("Khóa XIII", "khóa mười ba");
	says("quý II/2026", "quý hai năm hai nghìn không trăm hai mươi sáu");
	says("IV. KINH PHÍ", "bốn kinh phí");
	says("KẾ HOẠCH TUYÊN TRUYỀN", "kế hoạch tuyên truyền");
}

static void
times_phones_markers(void **state)
{
	says("7h", "bảy giờ");
	says("8h15", "tám giờ mười lăm phút");
	says("lúc 14:05", "lúc mười bốn giờ năm phút");
	says("21 giờ 30", "hai mươi mốt giờ ba mươi");
	says("Gọi 0243.8251.234", "gọi không hai bốn ba tám hai năm một hai ba bốn");
	says("SĐT 0905 123 456", "số điện thoại không chín không năm một hai ba bốn năm sáu");
	says("đường dây nóng 113", "đường dây nóng một một ba");
	says("b) Đẩy mạnh tuyên truyền", "đẩy mạnh tuyên truyền");
	says("+ Nội dung", "nội dung");
	says("• Hình thức", "hình thức");
	says("thứ 4", "thứ tư");
	says("tin/bài", "tin bài");
}

static void
lines_in_lines_out(void **state)
{
	char err[ERRLEN];
	const char *in = "Dòng 1\n\nUBND\n...\n";
	char *out = tts_normalize(lex, in, strlen(in), err);
	assert_string_equal(out, "dòng một\n\nủy ban nhân dân\n\n");
	free(out);
}

static void
bad_input(void **state)
{
	char err[ERRLEN];
	const char bad[] = "abc\xff";
	assert_null(tts_normalize(lex, bad, 4, err));
	assert_non_null(strstr(err, "offset 3"));
	/* control characters are dropped */
	says("xin\x01 chào\x7f", "xin chào");
	/* only punctuation: nothing to say */
	says("!!! ... ---", "");
	/* a 1000-digit run is read digit by digit, not as a number */
	char *digits = xmalloc(1001);
	memset(digits, '7', 1000);
	digits[1000] = 0;
	char *out = tts_normalize(lex, digits, 1000, err);
	assert_non_null(out);
	assert_non_null(strstr(out, "bảy bảy bảy"));
	assert_null(strstr(out, "nghìn"));
	free(out);
	free(digits);
	/* a 1 MiB single line in linear time: four times the text, about four
	 * times the work (a quadratic reading would take sixteen), no stack blow-up */
	size_t n = 1 << 20;
	char *big = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		big[i] = "UBND xã 12,5% "[i % 14];
	big[n] = 0;
	char saved = big[n / 4];
	big[n / 4] = 0;
	clock_t t0 = clock();
	out = tts_normalize(lex, big, n / 4, err);
	double quarter = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_non_null(out);
	free(out);
	big[n / 4] = saved;
	t0 = clock();
	out = tts_normalize(lex, big, n, err);
	double whole = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_non_null(out);
	assert_true(whole < 8 * quarter + 0.05);
	free(out);
	free(big);
}

static void
the_lexicon_is_large_and_extendable(void **state)
{
	assert_true(tts_lexicon_size(lex) >= 120);
	char path[] = "/tmp/loaxa-lex-XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "# extra\nHTX = \"hợp tác xã nông nghiệp\"\nBQL = \"ban quản lý\"\n";
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	char err[ERRLEN];
	assert_int_equal(tts_lexicon_load(lex, path, err), 0);
	says("BQL dự án", "ban quản lý dự án");
	fd = open(path, O_WRONLY | O_TRUNC);
	const char broken[] = "ABC = \"a\"\nthis line is wrong\n";
	assert_int_equal(write(fd, broken, sizeof broken - 1), (ssize_t)(sizeof broken - 1));
	close(fd);
	assert_int_equal(tts_lexicon_load(lex, path, err), -1);
	char want[64];
	snprintf(want, sizeof want, "%s:2:", path);
	assert_non_null(strstr(err, want));
	unlink(path);
}

static size_t
count_kind(const char *path, enum tts_lint_kind kind, int print)
{
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
lint_finds_pdf_damage_and_spares_clean_plans(void **state)
{
	const char *dir = getenv("LOAXA_TEST_DATA") ? getenv("LOAXA_TEST_DATA") : "tests/data";
	char clean1[256], clean2[256], damaged[256];
	snprintf(clean1, sizeof clean1, "%s/plans/gieng-day-2025.txt", dir);
	snprintf(clean2, sizeof clean2, "%s/plans/nguyen-luong-bang-2025.txt", dir);
	snprintf(damaged, sizeof damaged, "%s/plans/song-tri-2025-pdf-damaged.txt", dir);
	assert_int_equal(count_kind(clean1, TTS_LINT_UNKNOWN_ACRONYM, 1), 0);
	assert_int_equal(count_kind(clean1, TTS_LINT_DAMAGED_SYLLABLE, 1), 0);
	assert_int_equal(count_kind(clean2, TTS_LINT_UNKNOWN_ACRONYM, 1), 0);
	assert_int_equal(count_kind(clean2, TTS_LINT_DAMAGED_SYLLABLE, 1), 0);
	size_t found = count_kind(damaged, TTS_LINT_DAMAGED_SYLLABLE, 0);
	print_message("damaged syllables found in the Sông Trí plan: %zu\n", found);
	assert_true(found >= 40);
	/* and the exact places of two of them: "nhà đ u tư" (line 78), "g p ph n" */
	char err[ERRLEN];
	const char *t = "doanh nghiệp và nhà đ u tư";
	struct tts_finding *f;
	size_t n;
	assert_int_equal(tts_lint(lex, t, strlen(t), 60, &f, &n, err), 0);
	assert_true(n >= 1);
	assert_int_equal(f[0].kind, TTS_LINT_DAMAGED_SYLLABLE);
	assert_int_equal(f[0].line, 1);
	assert_int_equal(f[0].col, 21);
	assert_string_equal(f[0].text, "đ");
	tts_findings_free(f, n);
}

static void
lint_other_findings(void **state)
{
	char err[ERRLEN];
	const char *t = "Liên hệ email a@b.vn về ABCD ngày 1/2/3/4.\n"
			"Một hai ba bốn năm sáu bảy tám chín mười một hai ba bốn năm sáu bảy tám.";
	struct tts_finding *f;
	size_t n;
	assert_int_equal(tts_lint(lex, t, strlen(t), 10, &f, &n, err), 0);
	int sym = 0, acr = 0, num = 0, longs = 0;
	for (size_t i = 0; i < n; i++) {
		sym += f[i].kind == TTS_LINT_SYMBOL;
		acr += f[i].kind == TTS_LINT_UNKNOWN_ACRONYM;
		num += f[i].kind == TTS_LINT_NUMBER;
		longs += f[i].kind == TTS_LINT_LONG_SENTENCE && f[i].line == 2;
	}
	assert_int_equal(sym, 1);
	assert_int_equal(acr, 1);
	assert_int_equal(num, 1);
	assert_int_equal(longs, 1);
	tts_findings_free(f, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cardinals),
		cmocka_unit_test(decimals_percent_money_units),
		cmocka_unit_test(dates_and_ranges),
		cmocka_unit_test(documents_acronyms_romans),
		cmocka_unit_test(times_phones_markers),
		cmocka_unit_test(lines_in_lines_out),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(the_lexicon_is_large_and_extendable),
		cmocka_unit_test(lint_finds_pdf_damage_and_spares_clean_plans),
		cmocka_unit_test(lint_other_findings),
	};
	return cmocka_run_group_tests_name("normalize", tests, setup, teardown);
}
