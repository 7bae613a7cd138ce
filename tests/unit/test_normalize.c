/*
 * Unit tests for the normalizer and the acronym lexicon: every class of
 * DESIGN.md "Spoken form" with cases beyond the development set, and bad
 * input.  The lint has its own binary (test_lint).
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
	says("1.000.000.000.000.000", "một triệu tỷ");
	says("999.999.999.999.999", "chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ "
				    "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn "
				    "chín trăm chín mươi chín");
	says("1000000000000000", "một triệu tỷ");
	says("Có 3500 lượt", "có ba nghìn năm trăm lượt");
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
	says("120m2", "một trăm hai mươi mét vuông");
	says("3 tr/tháng", "ba triệu tháng");
	says("500tr", "năm trăm triệu");
	says("Từ 80-90%", "từ tám mươi đến chín mươi phần trăm");
	says("5-10km", "năm đến mười ki lô mét");
	says("Mạng 5G", "mạng năm giê");
	says("Công nghiệp 4.0", "công nghiệp bốn chấm không");
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
	says("năm học 2024/2025",
	     "năm học hai nghìn không trăm hai mươi tư đến hai nghìn không trăm hai mươi lăm");
	says("từ 15/7 đến 20/7", "từ ngày mười lăm tháng bảy đến ngày hai mươi tháng bảy");
	says("trước 30/6 hằng năm", "trước ngày ba mươi tháng sáu hằng năm");
	says("ngày 5/3 và 6/3", "ngày năm tháng ba và ngày sáu tháng ba");
	says("hạn 05/03", "hạn ngày năm tháng ba");
	says("khoảng 1/3 số hộ", "khoảng một phần ba số hộ");
	says("ngày 18.02.2025", "ngày mười tám tháng hai năm hai nghìn không trăm hai mươi lăm");
	says("tháng 11/1999", "tháng mười một năm một nghìn chín trăm chín mươi chín");
	says("Quý 3/2025", "quý ba năm hai nghìn không trăm hai mươi lăm");
	says("IV/2025", "bốn năm hai nghìn không trăm hai mươi lăm");
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
	says("Nghị định 61/2018/NĐ-CP", "nghị định sáu mươi mốt năm hai nghìn không trăm mười tám");
	says("Luật số 63/2020/QH14", "luật số sáu mươi ba năm hai nghìn không trăm hai mươi");
	says("Hướng dẫn 12-HD/BTGTW", "hướng dẫn mười hai");
	says("Kế hoạch  30  /KH-UBND", "kế hoạch ba mươi");
	says("Chương XXXIX", "chương ba mươi chín");
	says("Giai đoạn II", "giai đoạn hai");
	says("IV- TỔ CHỨC THỰC HIỆN", "bốn tổ chức thực hiện");
	says("XII – KINH PHÍ", "mười hai kinh phí");
	says("Tiêu chí ĐKQ", "tiêu chí đê ca quy");
	says("Ủy ban nhân dân (UBND) tỉnh", "ủy ban nhân dân tỉnh");
	says("Chỉ số PAR INDEX", "chỉ số pa in đếch");
	says("ĐẢNG BỘ XÃ", "đảng bộ xã");
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
	says("Hotline 1900 1234", "hotline một chín không không một hai ba bốn");
	says("Gọi 113, 114", "gọi một một ba một một bốn");
	says("17 giờ 05", "mười bảy giờ năm");
	/* heading numbers are read like Roman ones; "1)" is a marker */
	says("1. Mục tiêu", "một mục tiêu");
	says("2.1. Mục tiêu cụ thể", "hai chấm một mục tiêu cụ thể");
	says("12. Kinh phí", "mười hai kinh phí");
	says("3) Kết quả", "kết quả");
	says("Điều 1. Ban hành", "điều một ban hành");
	says("Email: ubnd@xa.gov.vn", "email ubnd a còng xa chấm gov chấm vn");
}

/* A bulletin is normalised whole: what ends one line is context for the next. */
static void
documents_across_lines(void **state)
{
	char err[ERRLEN];
	const char *in = "theo Nghị quyết 05-NQ/TU ngày\n09/4/2021 của Tỉnh ủy\n"
			 "Quyết định số 10468/QĐ-\nUBND ngày 12/11/2021\n";
	char *out = tts_normalize(lex, in, strlen(in), err);
	assert_string_equal(out, "theo nghị quyết năm ngày\n"
				 "chín tháng tư năm hai nghìn không trăm hai mươi mốt của tỉnh ủy\n"
				 "quyết định số mười nghìn bốn trăm sáu mươi tám\n"
				 "ngày mười hai tháng mười một năm hai nghìn không trăm hai mươi mốt\n");
	free(out);
}

static double
seconds_for(const char *s, size_t n)
{
	char err[ERRLEN];
	clock_t t0 = clock();
	char *out = tts_normalize(lex, s, n, err);
	double t = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_non_null(out);
	free(out);
	return t;
}

/*
 * Pasted garbage in one long token (a run of "1.", of "a,", of dashes) is
 * read in linear time: four times the text takes about four times as long,
 * not sixteen.
 */
static void
long_inputs_in_linear_time(void **state)
{
	static const char *const units[] = { "1.", "a,", "1-", "1/", "(1)", "–", "Ủ", "17h30" };
	size_t n = 1 << 18;
	char *big = xmalloc(n + 8);
	for (size_t u = 0; u < ARRAY_LEN(units); u++) {
		size_t ul = strlen(units[u]), len = 0;
		while (len + ul <= n) {
			memcpy(big + len, units[u], ul);
			len += ul;
		}
		big[len] = 0;
		size_t quarter = len / 4 / ul * ul;
		double q = seconds_for(big, quarter);
		double w = seconds_for(big, len);
		if (w > 8 * q + 0.05)
			fail_msg("'%s' x %zu: %.3f s, a quarter %.3f s", units[u], len / ul, w, q);
	}
	free(big);
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
	/* decomposed input (a combining hook typed after U) is read as composed */
	says("U\xcc\x89y ban nh\xc3\xa2n da\xcc\x82n", "ủy ban nhân dân");
	says("\xc4\x90\xc3\x94I", "đôi");
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
		cmocka_unit_test(documents_across_lines),
		cmocka_unit_test(long_inputs_in_linear_time),
	};
	return cmocka_run_group_tests_name("normalize", tests, setup, teardown);
}
