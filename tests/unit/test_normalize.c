/*
 * Unit tests for the normalizer: one test per rule of its table (named
 * after the rule), with cases well beyond the development sets, written as
 * a careful northern announcer reads them; the number words and their
 * region table; the tokenizer; pauses; lines; bad input; the lexicon; and
 * a hang ceiling on pasted garbage (linear time: the timing figures are in
 * bench/normalize.sh).  The lint has its own binary (test_lint).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/base.h"
#include "tts/number.h"
#include "tts/text.h"
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

/* The spoken form of in, pauses (" -", "." and ",") taken out: what a listener hears as words. */
static char *
words_of(const char *in)
{
	char err[ERRLEN];
	char *out = tts_normalize(lex, in, strlen(in), err);
	if (!out)
		fail_msg("'%s': %s", in, err);
	struct sbuf b = { 0 };
	sbuf_adds(&b, "");
	for (char *p = out; *p; p++) {
		if (p[0] == ' ' && p[1] == '-' && (p[2] == ' ' || !p[2])) {
			p++;
			continue;
		}
		if (!strchr(",.;:!?", *p))
			sbuf_addc(&b, *p);
	}
	free(out);
	return sbuf_steal(&b);
}

static void
says(const char *in, const char *want)
{
	char *got = words_of(in);
	if (strcmp(got, want) != 0)
		fail_msg("'%s'\n   got '%s'\n  want '%s'", in, got, want);
	free(got);
}

/* The spoken form exactly, pauses and all. */
static void
says_exactly(const char *in, const char *want)
{
	char err[ERRLEN];
	char *out = tts_normalize(lex, in, strlen(in), err);
	if (!out)
		fail_msg("'%s': %s", in, err);
	if (strcmp(out, want) != 0)
		fail_msg("'%s'\n   got '%s'\n  want '%s'", in, out, want);
	free(out);
}

/* ---- number words (number.c) ---- */

static void
say_cardinal(const char *d, const char *want)
{
	struct sbuf b = { 0 };
	sbuf_adds(&b, "");
	vi_cardinal(&b, &vi_region_north, d, strlen(d));
	if (strcmp(b.s, want) != 0)
		fail_msg("%s\n   got '%s'\n  want '%s'", d, b.s, want);
	sbuf_free(&b);
}

static void
number_words(void **state)
{
	say_cardinal("0", "không");
	say_cardinal("000", "không");
	say_cardinal("007", "bảy");
	say_cardinal("10", "mười");
	say_cardinal("11", "mười một");
	say_cardinal("14", "mười bốn");
	say_cardinal("15", "mười lăm");
	say_cardinal("20", "hai mươi");
	say_cardinal("21", "hai mươi mốt");
	say_cardinal("24", "hai mươi tư");
	say_cardinal("25", "hai mươi lăm");
	say_cardinal("105", "một trăm linh năm");
	say_cardinal("110", "một trăm mười");
	say_cardinal("1001", "một nghìn không trăm linh một");
	say_cardinal("1020", "một nghìn không trăm hai mươi");
	say_cardinal("2021", "hai nghìn không trăm hai mươi mốt");
	say_cardinal("10050", "mười nghìn không trăm năm mươi");
	say_cardinal("1000001", "một triệu không trăm linh một");
	say_cardinal("1050003", "một triệu không trăm năm mươi nghìn không trăm linh ba");
	say_cardinal("5500000", "năm triệu năm trăm nghìn");
	say_cardinal("1000000000", "một tỷ");
	say_cardinal("1200000000", "một tỷ hai trăm triệu");
	say_cardinal("1000000001", "một tỷ không trăm linh một");
	say_cardinal("1250000000000", "một nghìn hai trăm năm mươi tỷ");
	say_cardinal("1000000000000000", "một triệu tỷ");
	say_cardinal("999999999999999999",
		     "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm "
		     "chín mươi chín tỷ chín trăm chín mươi chín triệu chín trăm chín mươi chín "
		     "nghìn chín trăm chín mươi chín");
	/* past eighteen digits: one by one */
	say_cardinal("1234567890123456789", "một hai ba bốn năm sáu bảy tám chín không một hai ba "
					    "bốn năm sáu bảy tám chín");
	struct sbuf b = { 0 };
	sbuf_adds(&b, "");
	vi_decimal_part(&b, &vi_region_north, "05", 2);
	vi_month(&b, &vi_region_north, 4, 0);
	vi_ordinal(&b, &vi_region_north, "1", 1);
	vi_ordinal(&b, &vi_region_north, "04", 2);
	vi_ordinal(&b, &vi_region_north, "14", 2);
	vi_denominator(&b, &vi_region_north, "4", 1);
	vi_digits(&b, &vi_region_north, "0912.3", 6);
	assert_string_equal(b.s, "không năm tư nhất tư mười bốn tư không chín một hai ba");
	sbuf_free(&b);
	/* Roman numerals: canonical forms only */
	assert_int_equal(vi_roman("XIV", 3, 0), 14);
	assert_int_equal(vi_roman("MMXXV", 5, 0), 2025);
	assert_int_equal(vi_roman("MCMXCIX", 7, 0), 1999);
	assert_int_equal(vi_roman("xiv", 3, 1), 14);
	assert_int_equal(vi_roman("xiv", 3, 0), 0);
	assert_int_equal(vi_roman("IIII", 4, 0), 0);
	assert_int_equal(vi_roman("VX", 2, 0), 0);
	assert_int_equal(vi_roman("IC", 2, 0), 0);
	assert_int_equal(vi_roman("XiV", 3, 1), 0);
	assert_int_equal(vi_roman("MMMM", 4, 0), 0);
}

/*
 * A region is a table, not code: a southern reading (ngàn, lẻ, bốn after
 * mươi, tháng Giêng) comes from the same functions given other words.
 */
static void
a_region_is_a_table(void **state)
{
	struct vi_region south = vi_region_north;
	south.name = "south";
	south.thousand = "ngàn";
	south.zero_tens = "lẻ";
	south.four_after_tens = "bốn";
	south.month[1] = "giêng";
	struct sbuf b = { 0 };
	sbuf_adds(&b, "");
	vi_cardinal(&b, &south, "105", 3);
	vi_cardinal(&b, &south, "2024", 4);
	vi_month(&b, &south, 1, 0);
	assert_string_equal(b.s, "một trăm lẻ năm hai ngàn không trăm hai mươi bốn giêng");
	sbuf_free(&b);
}

/* ---- the tokenizer (text.c) ---- */

static void
tokenizer(void **state)
{
	const char *t = "Ngày 15/7,  UBND-xã\n (1) Ủy";
	struct vi_tokens tk;
	vi_tokenize(t, strlen(t), &tk);
	static const struct {
		int kind, line, col, gap, bol;
		const char *text;
	} want[] = {
		{ VI_WORD, 1, 1, 0, 1, "Ngày" }, { VI_NUM, 1, 6, 1, 0, "15" }, { VI_SYM, 1, 8, 0, 0, "/" },
		{ VI_NUM, 1, 9, 0, 0, "7" }, { VI_SYM, 1, 10, 0, 0, "," }, { VI_WORD, 1, 13, 2, 0, "UBND" },
		{ VI_SYM, 1, 17, 0, 0, "-" }, { VI_WORD, 1, 18, 0, 0, "xã" }, { VI_SYM, 2, 2, 1, 1, "(" },
		{ VI_NUM, 2, 3, 0, 0, "1" }, { VI_SYM, 2, 4, 0, 0, ")" }, { VI_WORD, 2, 6, 1, 0, "Ủy" },
	};
	assert_int_equal(tk.n, ARRAY_LEN(want));
	assert_int_equal(tk.lines, 2);
	for (size_t i = 0; i < tk.n; i++) {
		const struct vi_tok *k = &tk.t[i];
		assert_int_equal(k->kind, want[i].kind);
		assert_int_equal(k->line, want[i].line);
		assert_int_equal(k->col, want[i].col);
		assert_int_equal(k->gap, want[i].gap);
		assert_int_equal(!!(k->flags & VI_BOL), want[i].bol);
		assert_int_equal(k->len, strlen(want[i].text));
		assert_memory_equal(t + k->off, want[i].text, k->len);
	}
	assert_true(tk.t[5].flags & VI_CAPS);
	assert_string_equal(vi_tok_low(&tk, &tk.t[0]), "ngày");
	assert_string_equal(vi_tok_low(&tk, &tk.t[11]), "ủy");
	vi_tokens_free(&tk);
	/* dashes and the minus sign fold to '-'; only the minus is marked as one */
	t = "2016–2020 −3";
	vi_tokenize(t, strlen(t), &tk);
	assert_int_equal(tk.n, 5);
	assert_int_equal(tk.t[1].aux, '-');
	assert_false(tk.t[1].flags & VI_MINUS);
	assert_int_equal(tk.t[3].aux, '-');
	assert_true(tk.t[3].flags & VI_MINUS);
	vi_tokens_free(&tk);
}

/* ---- one test per rule, in the order of the table ---- */

static void
rule_list_marker(void **state)
{
	says("a) Tiếp tục đẩy mạnh công tác tuyên truyền", "tiếp tục đẩy mạnh công tác tuyên truyền");
	says("b) Đẩy mạnh tuyên truyền", "đẩy mạnh tuyên truyền");
	says("1) Kết quả", "kết quả");
	says("(2) Tổ chức thực hiện", "tổ chức thực hiện");
	says("- Bộ phận chủ trì: Văn hoá- thông tin", "bộ phận chủ trì văn hoá thông tin");
	says("+ Nội dung", "nội dung");
	says("• Hình thức", "hình thức");
	says("* Lưu ý", "lưu ý");
	says("- 3 hộ chưa nộp", "ba hộ chưa nộp");
	/* a sign is no marker */
	says("-3°C là nhiệt độ thấp nhất", "âm ba độ xê là nhiệt độ thấp nhất");
	/* in the middle of a line it is read */
	says("theo điểm a) khoản 1", "theo điểm a khoản một");
}

static void
rule_heading(void **state)
{
	says("II. NỘI DUNG THỰC HIỆN", "hai nội dung thực hiện");
	says("IV- TỔ CHỨC THỰC HIỆN", "bốn tổ chức thực hiện");
	says("XII – KINH PHÍ", "mười hai kinh phí");
	says("IV. KINH PHÍ", "bốn kinh phí");
	says("1. Mục tiêu", "một mục tiêu");
	says("2.1. Mục tiêu cụ thể", "hai chấm một mục tiêu cụ thể");
	says("12. Kinh phí", "mười hai kinh phí");
	/* a lettered heading is letters, not C = 100 */
	says("C. Tổ chức", "xê tổ chức");
	/* an amount at the start of a line is no heading */
	says("1.500 hộ đã đăng ký", "một nghìn năm trăm hộ đã đăng ký");
	says("Điều 1. Ban hành", "điều một ban hành");
	says_exactly("II. NỘI DUNG", "hai - nội dung");
}

static void
rule_code_continued(void **state)
{
	says_exactly("Quyết định số 10468/QĐ-\nUBND ngày 12/11/2021",
		     "quyết định số mười nghìn bốn trăm sáu mươi tám\n"
		     "ngày mười hai tháng mười một năm hai nghìn không trăm hai mươi mốt");
	says_exactly("theo Nghị quyết 05-NQ/TU ngày\n09/4/2021 của Tỉnh ủy",
		     "theo nghị quyết năm ngày\n"
		     "chín tháng tư năm hai nghìn không trăm hai mươi mốt của tỉnh ủy");
	/* an acronym opening a text or a line is read */
	says("UBND phường Giếng Đáy ban hành", "ủy ban nhân dân phường giếng đáy ban hành");
	says_exactly("Ghi chú\nUBND xã", "ghi chú\nủy ban nhân dân xã");
}

static void
rule_lexicon_span(void **state)
{
	says("Sở TN&MT tỉnh", "sở tài nguyên và môi trường tỉnh");
	says("phát triển KT-XH", "phát triển kinh tế xã hội");
	says("gửi b/c trước ngày 5", "gửi báo cáo trước ngày năm");
	says("Trụ sở đặt tại Q.3.", "trụ sở đặt tại quận ba");
	says("P. Giếng Đáy", "phường giếng đáy");
	says("Công dân tại TP.HCM", "công dân tại thành phố hồ chí minh");
	says("Tp. Huế", "thành phố huế");
	says("Đ/c Nguyễn Văn Lâm", "đồng chí nguyễn văn lâm");
	says("Sở NN&PTNT", "sở nông nghiệp và phát triển nông thôn");
}

static void
rule_address(void **state)
{
	says("Nộp hồ sơ tại dichvucong.gov.vn.", "nộp hồ sơ tại dịch vụ công chấm gờ ô vê chấm vê en");
	says("https://dichvucong.gov.vn", "dịch vụ công chấm gờ ô vê chấm vê en");
	says("www.chinhphu.vn", "vê kép vê kép vê kép chấm chính phủ chấm vê en");
	says("Email: ubnd@xa.gov.vn",
	     "email u bê en nờ dê a còng xa chấm gờ ô vê chấm vê en");
	says("Gửi về hopthu@gmail.com.", "gửi về hopthu a còng gờ meo chấm com");
	says("Xem tại youtube.com/ubndxa", "xem tại du túp chấm com gạch chéo ubndxa");
	says("trang so-tnmt.hanoi.gov.vn",
	     "trang so gạch ngang tê en nờ em mờ tê chấm hà nội chấm gờ ô vê chấm vê en");
	/* not addresses: an acronym with a dot, a full stop without its space */
	says("tại TP.HCM", "tại thành phố hồ chí minh");
	says("Xong rồi.Tiếp theo", "xong rồi tiếp theo");
}

static void
rule_acronym_echo(void **state)
{
	says("Hội đồng nhân dân (HĐND) xã", "hội đồng nhân dân xã");
	says("Tuyên truyền cải cách hành chính (CCHC) nhà nước",
	     "tuyên truyền cải cách hành chính nhà nước");
	says("Ủy ban nhân dân (UBND) tỉnh", "ủy ban nhân dân tỉnh");
	/* not after its own expansion: read */
	says("(CCHC) là trọng tâm", "cải cách hành chính là trọng tâm");
	says("Ủy ban (UBND)", "ủy ban ủy ban nhân dân");
}

static void
rule_roman(void **state)
{
	says("Thực hiện trong Quý IV/2025", "thực hiện trong quý bốn năm hai nghìn không trăm hai mươi lăm");
	says("sơ kết quý II/2026", "sơ kết quý hai năm hai nghìn không trăm hai mươi sáu");
	says("IV/2025", "bốn năm hai nghìn không trăm hai mươi lăm");
	says("Ban Chấp hành Trung ương Đảng khóa XII", "ban chấp hành trung ương đảng khóa mười hai");
	says("HĐND huyện khóa XIX", "hội đồng nhân dân huyện khóa mười chín");
	says("Chương III", "chương ba");
	says("Chương XXXIX", "chương ba mươi chín");
	says("chương ix", "chương chín");
	says("thế kỷ XXI", "thế kỷ hai mươi mốt");
	says("thế kỉ xix", "thế kỉ mười chín");
	says("Hội nghị lần thứ IV", "hội nghị lần thứ tư");
	says("Chiến tranh thế giới thứ I", "chiến tranh thế giới thứ nhất");
	says("Báo cáo quý I và quý II", "báo cáo quý một và quý hai");
	says("quý I, II và III", "quý một hai và ba");
	says("Giai đoạn II", "giai đoạn hai");
	says("mực nước dưới báo động I", "mực nước dưới báo động một");
	says("lương tối thiểu vùng II", "lương tối thiểu vùng hai");
	says("Đại hội XIII của Đảng", "đại hội mười ba của đảng");
	says("năm MMXXV", "năm hai nghìn không trăm hai mươi lăm");
	/* letters, not numerals */
	says("phụ lục C", "phụ lục xê");
	says("giấy phép lái xe hạng B", "giấy phép lái xe hạng bê");
	says("mục vi phạm", "mục vi phạm");
	says("XỬ LÝ VI PHẠM", "xử lý vi phạm");
	says("XI MĂNG", "xi măng");
	/* a bare one is read as a number (and the lint says so) */
	says("Cúp XIV", "cúp mười bốn");
}

static void
rule_phone(void **state)
{
	says("Gọi số 0912.345.678 để phản ánh", "gọi số không chín một hai ba bốn năm sáu bảy tám để phản ánh");
	says("SĐT 0905 123 456", "số điện thoại không chín không năm một hai ba bốn năm sáu");
	says("Gọi 0243.8251.234", "gọi không hai bốn ba tám hai năm một hai ba bốn");
	says("ĐT: (024) 3825 1234", "điện thoại không hai bốn ba tám hai năm một hai ba bốn");
	says("+84 912 345 678", "cộng tám bốn chín một hai ba bốn năm sáu bảy tám");
	says("0912345678", "không chín một hai ba bốn năm sáu bảy tám");
	says("Hotline: 1900.1234.", "hotline một chín không không một hai ba bốn");
	says("Hotline 1900 1234", "hotline một chín không không một hai ba bốn");
	says("1800 1091 miễn phí", "một tám không không một không chín một miễn phí");
	says("Mọi vướng mắc xin liên hệ số 1900 1234.", "mọi vướng mắc xin liên hệ số một chín không không một hai ba bốn");
	says("Tổng đài 1022 hỗ trợ người dân", "tổng đài một không hai hai hỗ trợ người dân");
	says("đường dây nóng 113", "đường dây nóng một một ba");
	says("Gọi 113, 114", "gọi một một ba một một bốn");
	says("Cấp cứu 115", "cấp cứu một một năm");
	says("115 (cấp cứu)", "một một năm cấp cứu");
	says("số tài khoản 1234567890", "số tài khoản một hai ba bốn năm sáu bảy tám chín không");
	says("Số CCCD 001085012345", "số căn cước công dân không không một không tám năm không một hai ba bốn năm");
	/* not phone numbers */
	says("Có 113 hộ", "có một trăm mười ba hộ");
	says("liên hệ 3 lần", "liên hệ ba lần");
	says_exactly("SĐT 0905 123 456.", "số điện thoại không chín không năm - một hai ba - bốn năm sáu.");
}

static void
rule_document_code(void **state)
{
	says("Nghị quyết số 76/NQ-CP ngày 15/7/2021",
	     "nghị quyết số bảy mươi sáu ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi mốt");
	says("Nghị định 61/2018/NĐ-CP", "nghị định sáu mươi mốt năm hai nghìn không trăm mười tám");
	says("Luật số 63/2020/QH14", "luật số sáu mươi ba năm hai nghìn không trăm hai mươi");
	says("Thông tư số 01/2024/TT-BYT", "thông tư số một năm hai nghìn không trăm hai mươi tư");
	says("Nghị quyết 05-NQ/TU", "nghị quyết năm");
	says("Kế hoạch 167-KH-SVHTTDL", "kế hoạch một trăm sáu mươi bảy");
	says("Công văn số 1.234/UBND-VP", "công văn số một nghìn hai trăm ba mươi tư");
	says("Chỉ thị 02/CT-TTg", "chỉ thị hai");
	says("Hướng dẫn 12-HD/BTGTW", "hướng dẫn mười hai");
	says("Kế hoạch  30  /KH-UBND", "kế hoạch ba mươi");
	says("Quyết định số 3322/QĐ-UBND, ngày", "quyết định số ba nghìn ba trăm hai mươi hai ngày");
	/* not codes */
	says("Covid-19", "cô vít mười chín");
	says("lớp 10A1", "lớp mười a một");
}

static void
rule_sign(void **state)
{
	says("Đêm nay nhiệt độ xuống -3°C ở vùng núi.", "đêm nay nhiệt độ xuống âm ba độ xê ở vùng núi");
	says("Nhiệt độ dao động từ -2 đến 5 độ.", "nhiệt độ dao động từ âm hai đến năm độ");
	says("(-5°C)", "âm năm độ xê");
	says("−10", "âm mười");
	says("nhiệt độ:-3", "nhiệt độ âm ba");
	says("giảm -1,5%", "giảm âm một phẩy năm phần trăm");
	says("-0,5", "âm không phẩy năm");
	says("+5", "cộng năm");
	/* a dash between numbers is no sign */
	says("thắng 2-1", "thắng hai một");
}

static void
rule_range(void **state)
{
	says("Trời nắng, nhiệt độ 35-37°C.", "trời nắng nhiệt độ ba mươi lăm đến ba mươi bảy độ xê");
	says("từ 8h00-11h00 thứ 5", "từ tám giờ đến mười một giờ thứ năm");
	says("7h30 - 11h30", "bảy giờ ba mươi phút đến mười một giờ ba mươi phút");
	says("13:30-17:00", "mười ba giờ ba mươi phút đến mười bảy giờ");
	says("8-10h", "tám đến mười giờ");
	says("Giai đoạn 2021-2030", "giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm ba mươi");
	says("Giai đoạn 2022 - 2025", "giai đoạn hai nghìn không trăm hai mươi hai đến hai nghìn không trăm hai mươi lăm");
	says("2016–2020", "hai nghìn không trăm mười sáu đến hai nghìn không trăm hai mươi");
	says("năm học 2024/2025", "năm học hai nghìn không trăm hai mươi tư đến hai nghìn không trăm hai mươi lăm");
	says("Giá thóc 8.000-8.500 VNĐ/kg.", "giá thóc tám nghìn đến tám nghìn năm trăm đồng một ki lô gam");
	says("Tỷ lệ bao phủ 90-95%.", "tỷ lệ bao phủ chín mươi đến chín mươi lăm phần trăm");
	says("sức gió 40-60km/h", "sức gió bốn mươi đến sáu mươi ki lô mét trên giờ");
	says("5km-10km", "năm ki lô mét đến mười ki lô mét");
	says("mưa 20 - 40mm", "mưa hai mươi đến bốn mươi mi li mét");
	says("1,5-2,5m", "một phẩy năm đến hai phẩy năm mét");
	says("1.5-2.5", "một chấm năm đến hai chấm năm");
	says("thiệt hại 2-3 tỷ đồng", "thiệt hại hai đến ba tỷ đồng");
	says("từ 5÷7 ngày", "từ năm đến bảy ngày");
	says("Tổ chức từ 01-15/12/2025.",
	     "tổ chức từ một đến ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi lăm");
	says("từ 20-22/12", "từ hai mươi đến ngày hai mươi hai tháng mười hai");
	says("10/6-15/6/2025",
	     "ngày mười tháng sáu đến ngày mười lăm tháng sáu năm hai nghìn không trăm hai mươi lăm");
	says("Nghỉ lễ 30/4 - 1/5", "nghỉ lễ ngày ba mươi tháng tư đến ngày một tháng năm");
	says("Mức phạt từ 1.000.000 đến 2.000.000 VND.", "mức phạt từ một triệu đến hai triệu đồng");
	says("từ 5-7 ngày", "từ năm đến bảy ngày");
	says("ngày 1-5 tháng 6", "ngày một đến năm tháng sáu");
	/* a day and a month, not a range */
	says("Quốc khánh 2-9", "quốc khánh ngày hai tháng chín");
	says("từ 30-4", "từ ngày ba mươi tháng tư");
	/* neither: the numbers stay apart (not "ba mươi bốn") */
	says_exactly("thắng 3-1", "thắng ba - một");
	says_exactly("30-4", "ba mươi - bốn");
}

static void
rule_date(void **state)
{
	says("ngày 1/1/2026", "ngày một tháng một năm hai nghìn không trăm hai mươi sáu");
	says("ngày 30-04-1975", "ngày ba mươi tháng tư năm một nghìn chín trăm bảy mươi lăm");
	says("ngày 18.02.2025", "ngày mười tám tháng hai năm hai nghìn không trăm hai mươi lăm");
	says("15/7/2021", "ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi mốt");
	says("hạn 28/02/2025", "hạn ngày hai mươi tám tháng hai năm hai nghìn không trăm hai mươi lăm");
	says("từ ngày 2/9", "từ ngày hai tháng chín");
	says("mùng 2/9", "mùng hai tháng chín");
	says("ngày 14/4 hằng năm", "ngày mười bốn tháng tư hằng năm");
	says("trước 30/6 hằng năm", "trước ngày ba mươi tháng sáu hằng năm");
	says("ngày 5/3 và 6/3", "ngày năm tháng ba và ngày sáu tháng ba");
	says("hạn 05/03", "hạn ngày năm tháng ba");
	says("Hạn cuối 23:59 ngày 31/12.", "hạn cuối hai mươi ba giờ năm mươi chín phút ngày ba mươi mốt tháng mười hai");
	says("Nghỉ Tết từ 28/1 đến 2/2.", "nghỉ tết từ ngày hai mươi tám tháng một đến ngày hai tháng hai");
	says("sáng Chủ nhật, 15/6", "sáng chủ nhật ngày mười lăm tháng sáu");
	says("thứ Hai (5/3)", "thứ hai ngày năm tháng ba");
	says("ngày 30-4", "ngày ba mươi tháng tư");
	says("Ngày 2/9 là Quốc khánh.", "ngày hai tháng chín là quốc khánh");
	/* no word calls for a date, but in running text one is likelier (the lint says so) */
	says("Khai mạc 2/9.", "khai mạc ngày hai tháng chín");
	says("Kỷ niệm 30/4", "kỷ niệm ngày ba mươi tháng tư");
}

static void
rule_month_year(void **state)
{
	says("Từ tháng 8/2025 đến tháng 12/2025",
	     "từ tháng tám năm hai nghìn không trăm hai mươi lăm đến tháng mười hai năm hai nghìn không trăm hai mươi lăm");
	says("tháng 04/2024", "tháng tư năm hai nghìn không trăm hai mươi tư");
	says("tháng 11/1999", "tháng mười một năm một nghìn chín trăm chín mươi chín");
	says("12/2025", "tháng mười hai năm hai nghìn không trăm hai mươi lăm");
	says("Quý 3/2025", "quý ba năm hai nghìn không trăm hai mươi lăm");
	says("đợt 2/2025", "đợt hai năm hai nghìn không trăm hai mươi lăm");
	says("tháng 8-2025", "tháng tám năm hai nghìn không trăm hai mươi lăm");
}

static void
rule_time(void **state)
{
	says("Phát lúc 17h30 hằng ngày", "phát lúc mười bảy giờ ba mươi phút hằng ngày");
	says("7h", "bảy giờ");
	says("17h00", "mười bảy giờ");
	says("8h15", "tám giờ mười lăm phút");
	says("Phát lúc 05:30 sáng", "phát lúc năm giờ ba mươi phút sáng");
	says("lúc 14:05", "lúc mười bốn giờ năm phút");
	says("14g30", "mười bốn giờ ba mươi phút");
	says("8h30'", "tám giờ ba mươi phút");
	says("13:30:45", "mười ba giờ ba mươi phút bốn mươi lăm giây");
	says("0h", "không giờ");
	says("24h", "hai mươi tư giờ");
	says("lúc 7h30, 11h30 và 17h00", "lúc bảy giờ ba mươi phút mười một giờ ba mươi phút và mười bảy giờ");
	/* written in words: read as written */
	says("21 giờ 30", "hai mươi mốt giờ ba mươi");
	says("17 giờ 05", "mười bảy giờ năm");
	/* not times */
	says("Mạng 5G", "mạng năm giê");
	says("25:30", "hai mươi lăm ba mươi");
}

static void
rule_fraction(void **state)
{
	says("Đã có 45/52 hộ nộp hồ sơ.", "đã có bốn mươi lăm trên năm mươi hai hộ nộp hồ sơ");
	says("Xếp thứ 3/20 xã trong huyện.", "xếp thứ ba trên hai mươi xã trong huyện");
	says("Trực 24/7 trong mùa mưa bão.", "trực hai mươi tư trên bảy trong mùa mưa bão");
	says("khoảng 1/3 số hộ", "khoảng một phần ba số hộ");
	says("3/4", "ba phần tư");
	says("1/2", "một phần hai");
	says("Cân nặng 1/2kg", "cân nặng một phần hai ki lô gam");
	says("chiếm 2/3 diện tích", "chiếm hai phần ba diện tích");
	says("đạt 2/3 chỉ tiêu", "đạt hai phần ba chỉ tiêu");
	says("5 1/2", "năm và một phần hai");
	says("-3/4", "âm ba phần tư");
	says("Xã có 12/15 thôn đạt chuẩn", "xã có mười hai trên mười lăm thôn đạt chuẩn");
	says("tương đương 45/1.250 hộ", "tương đương bốn mươi lăm trên một nghìn hai trăm năm mươi hộ");
	says("Đã có 1.250/1.500 hộ", "đã có một nghìn hai trăm năm mươi trên một nghìn năm trăm hộ");
	says("trực 24/24", "trực hai mươi tư trên hai mươi tư");
}

static void
rule_dimensions(void **state)
{
	says("phòng 3x4m", "phòng ba nhân bốn mét");
	says("Kích thước 100cm x 50cm", "kích thước một trăm xen ti mét nhân năm mươi xen ti mét");
	says("2 x 3", "hai nhân ba");
	says("ảnh 3×4", "ảnh ba nhân bốn");
}

static void
rule_quantity_measures(void **state)
{
	says("Lượng mưa đo được 150mm trong 24 giờ.", "lượng mưa đo được một trăm năm mươi mi li mét trong hai mươi tư giờ");
	says("Nước dâng cao 1,5m so với mặt ruộng.", "nước dâng cao một phẩy năm mét so với mặt ruộng");
	says("mỗi liều 0,1ml", "mỗi liều không phẩy một mi li lít");
	says("Mỗi ngày uống 2 viên 250mg.", "mỗi ngày uống hai viên hai trăm năm mươi mi li gam");
	says("Cân nặng trung bình 3,2kg khi sinh.", "cân nặng trung bình ba phẩy hai ki lô gam khi sinh");
	says("Căn nhà rộng 80m2.", "căn nhà rộng tám mươi mét vuông");
	says("120m2", "một trăm hai mươi mét vuông");
	says("45 m²", "bốn mươi lăm mét vuông");
	says("Bể chứa 5m³ nước.", "bể chứa năm mét khối nước");
	says("Diện tích tự nhiên 25km2.", "diện tích tự nhiên hai mươi lăm ki lô mét vuông");
	says("Diện tích gieo trồng 250 ha.", "diện tích gieo trồng hai trăm năm mươi héc ta");
	says("2,5 ha", "hai phẩy năm héc ta");
	says("Thu hoạch 12 tấn cá.", "thu hoạch mười hai tấn cá");
	says("Năng suất lúa đạt 60 tạ/ha.", "năng suất lúa đạt sáu mươi tạ trên héc ta");
	says("35°C", "ba mươi lăm độ xê");
	says("30oC", "ba mươi độ xê");
	says("100°F", "một trăm độ ép");
	says("góc 30°", "góc ba mươi độ");
	says("Gió giật mạnh, tốc độ 90 km/h.", "gió giật mạnh tốc độ chín mươi ki lô mét trên giờ");
	says("tốc độ gió 20m/s", "tốc độ gió hai mươi mét trên giây");
	says("liều 200mg/ml", "liều hai trăm mi li gam trên mi li lít");
	says("Tỷ lệ hồ sơ trực tuyến đạt 45,6%", "tỷ lệ hồ sơ trực tuyến đạt bốn mươi lăm phẩy sáu phần trăm");
	says("12 %", "mười hai phần trăm");
	says("điện áp 220V", "điện áp hai trăm hai mươi vôn");
	says("50Hz", "năm mươi hẹc");
	says("trong 48h", "trong bốn mươi tám giờ");
	says("chạy 3p20s", "chạy ba phút hai mươi giây");
	says("Cao 1m65", "cao một mét sáu mươi lăm");
	says("12km", "mười hai ki lô mét");
	says("30 kg", "ba mươi ki lô gam");
	says("7 tấn", "bảy tấn");
	says("dung lượng 2GB", "dung lượng hai gi ga bai");
	says("xe dưới 50cc", "xe dưới năm mươi xê xê");
	says("thuế 1,5%/doanh thu", "thuế một phẩy năm phần trăm trên doanh thu");
	says("uống 2 lần/ngày", "uống hai lần trên ngày");
	says("lưu lượng 500m3/s", "lưu lượng năm trăm mét khối trên giây");
	/* letters after a number that are no unit: spelled (the lint says so) */
	says("liều 20mcgx", "liều hai mươi em mờ xê giê ích xì");
	/* the number of a code takes no unit */
	says("Quốc lộ QL1A", "quốc lộ quốc lộ một a");
}

static void
rule_quantity_money(void **state)
{
	says("Kinh phí 2.500.000 đồng", "kinh phí hai triệu năm trăm nghìn đồng");
	says("Lệ phí chứng thực 2.000đ/trang.", "lệ phí chứng thực hai nghìn đồng một trang");
	says("Phí vệ sinh 20.000 đồng/hộ/tháng.", "phí vệ sinh hai mươi nghìn đồng một hộ trên tháng");
	says("Hỗ trợ 300.000đ mỗi người.", "hỗ trợ ba trăm nghìn đồng mỗi người");
	says("150.000 VNĐ", "một trăm năm mươi nghìn đồng");
	says("15.000đ", "mười lăm nghìn đồng");
	says("Ủng hộ 100 USD.", "ủng hộ một trăm đô la");
	says("$100", "một trăm đô la");
	says("5,99 USD", "năm đô la chín mươi chín xu");
	says("0,5$", "năm mươi xu");
	says("10€", "mười ơ rô");
	says("Tổng vốn 3,5 tỷ đồng.", "tổng vốn ba phẩy năm tỷ đồng");
	says("3 tr", "ba triệu");
	says("500tr", "năm trăm triệu");
	says("3 tr/tháng", "ba triệu trên tháng");
	says("50k", "năm mươi nghìn");
	says("10k VND", "mười nghìn đồng");
	says("1tr5", "một triệu năm trăm nghìn");
	says("2tr25", "hai triệu hai trăm năm mươi nghìn");
	says("10₫", "mười đồng");
}

static void
rule_ordinal(void **state)
{
	says("thứ 1", "thứ nhất");
	says("thứ 4", "thứ tư");
	says("thứ 2", "thứ hai");
	says("thứ 14", "thứ mười bốn");
	says("lần thứ 24", "lần thứ hai mươi tư");
	says("Kỳ họp thứ 10, HĐND huyện", "kỳ họp thứ mười hội đồng nhân dân huyện");
	says("hạng 1", "hạng nhất");
}

static void
rule_month(void **state)
{
	says("tháng 4", "tháng tư");
	says("tháng 04", "tháng tư");
	says("tháng 12", "tháng mười hai");
	says("tháng 1 2024", "tháng một năm hai nghìn không trăm hai mươi tư");
	says("tháng 5 năm nay", "tháng năm năm nay");
	says("tháng 13", "tháng mười ba");
}

static void
rule_number_chain(void **state)
{
	says("1/2/3/4", "một hai ba bốn");
	says("15/7/21", "mười lăm bảy hai mươi mốt");
	says_exactly("1/2/3", "một - hai - ba");
}

static void
rule_number(void **state)
{
	says("Có 5 tổ dân phố", "có năm tổ dân phố");
	says("Có 3500 lượt", "có ba nghìn năm trăm lượt");
	says("1.005", "một nghìn không trăm linh năm");
	says("2.000.001", "hai triệu không trăm linh một");
	says("3.000.000.000", "ba tỷ");
	says("1.250.000.000.000", "một nghìn hai trăm năm mươi tỷ");
	says("Tổng vốn 1.200.000.000 đồng", "tổng vốn một tỷ hai trăm triệu đồng");
	says("Có ít nhất 02 tin/bài", "có ít nhất hai tin bài");
	says("3,25", "ba phẩy hai mươi lăm");
	says("0,05", "không phẩy không năm");
	says("98,5%", "chín mươi tám phẩy năm phần trăm");
	says("Công nghiệp 4.0", "công nghiệp bốn chấm không");
	says("0.500", "không chấm năm trăm");
	says("mục 2.1.3", "mục hai chấm một chấm ba");
	says("1,000,000", "một triệu");
	says("khoản 1,2,3", "khoản một hai ba");
	says("18 vạn", "mười tám vạn");
	says("Năm 2024, thu ngân sách đạt 125% dự toán",
	     "năm hai nghìn không trăm hai mươi tư thu ngân sách đạt một trăm hai mươi lăm phần trăm dự toán");
	/* a thousand-digit run is read digit by digit, not as a number */
	char *digits = xmalloc(1001);
	memset(digits, '7', 1000);
	digits[1000] = 0;
	char *got = words_of(digits);
	assert_non_null(strstr(got, "bảy bảy bảy"));
	assert_null(strstr(got, "nghìn"));
	free(got);
	free(digits);
}

static void
rule_per(void **state)
{
	says("lương 2,34 triệu đồng/tháng", "lương hai phẩy ba mươi tư triệu đồng trên tháng");
	says("100 lượt/ngày", "một trăm lượt trên ngày");
	says("tin/bài", "tin bài");
	says("và/hoặc", "và hoặc");
	says("ghi ngày/tháng/năm sinh", "ghi ngày tháng năm sinh");
}

static void
rule_word(void **state)
{
	says("UBND phường Giếng Đáy ban hành Kế hoạch", "ủy ban nhân dân phường giếng đáy ban hành kế hoạch");
	says("Thường trực HĐND và UBND phường", "thường trực hội đồng nhân dân và ủy ban nhân dân phường");
	says("Phần mềm XYZ", "phần mềm ích xì i dài dét");
	says("Tiêu chí ĐKQ", "tiêu chí đê ca quy");
	says("Chỉ số PAPI và PCI", "chỉ số pa pi và pê xê i");
	says("Chỉ số PAR INDEX", "chỉ số pa in đếch");
	says("KẾ HOẠCH TUYÊN TRUYỀN", "kế hoạch tuyên truyền");
	says("ĐẢNG BỘ XÃ", "đảng bộ xã");
	says("Trạm Y tế xã", "trạm y tế xã");
	says("uống vitamin A", "uống vitamin a");
	says("phụ lục B", "phụ lục bê");
	says("điểm b khoản 2", "điểm bê khoản hai");
	says("Ở đâu", "ở đâu");
	says("Mạng 4G", "mạng bốn giê");
}

static void
rule_symbol(void **state)
{
	says("Nông nghiệp & Môi trường", "nông nghiệp và môi trường");
	says("1+1=2", "một cộng một bằng hai");
	says("cách ~5km", "cách khoảng năm ki lô mét");
	says("trẻ >18 tuổi", "trẻ trên mười tám tuổi");
	says("<5 tuổi", "dưới năm tuổi");
	says("giải #1", "giải số một");
	says("sổ hộ khẩu (nếu có)", "sổ hộ khẩu nếu có");
	says("\"Ngày hội\"", "ngày hội");
	says("½ số hộ", "một phần hai số hộ");
	says("làm việc từ thứ 2 - thứ 6", "làm việc từ thứ hai đến thứ sáu");
	says("Thứ Hai - Thứ Sáu", "thứ hai đến thứ sáu");
	says("tháng 10 - tháng 12", "tháng mười đến tháng mười hai");
	says("tuyến Hà Nội - Hải Phòng", "tuyến hà nội hải phòng");
	says("!!! ... ---", "");
}

/*
 * Whole announcements of a commune (tests/data/normalize-commune.tsv):
 * storms, vaccination days, fees, contacts, plans, as an announcer reads them.
 */
static void
commune_sentences(void **state)
{
	const char *dir = getenv("LOAXA_TEST_DATA") ? getenv("LOAXA_TEST_DATA") : "tests/data";
	char path[512];
	snprintf(path, sizeof path, "%s/normalize-commune.tsv", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s", path);
	char *line = NULL;
	size_t cap = 0;
	int cases = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = 0;
		char *tab = strchr(line, '\t');
		if (line[0] == '#' || !tab)
			continue;
		*tab = 0;
		says(line, tab + 1);
		cases++;
	}
	free(line);
	fclose(f);
	assert_true(cases >= 90);
}

/* ---- pauses, lines, bad input ---- */

/*
 * A pause inside a line is " - " (espeak-ng pauses there and keeps a level
 * tone level); a line that ends a sentence ends with "."; a line broken in
 * the middle of a sentence (a PDF) runs on.
 */
static void
pauses(void **state)
{
	says_exactly("Trời nắng, nhiệt độ 35°C.", "trời nắng - nhiệt độ ba mươi lăm độ xê.");
	says_exactly("Xin chào. Tạm biệt!", "xin chào - tạm biệt.");
	says_exactly("Thời gian: 14h30; địa điểm: hội trường", "thời gian - mười bốn giờ ba mươi phút - địa điểm - hội trường");
	says_exactly("theo kế hoạch\nsố 30.", "theo kế hoạch\nsố ba mươi.");
	says_exactly("sông Hồng - sông Đà", "sông hồng - sông đà");
	says_exactly("Văn hoá- thông tin", "văn hoá thông tin");
}

static void
lines_in_lines_out(void **state)
{
	says_exactly("Dòng 1\n\nUBND\n...\n", "dòng một\n\nủy ban nhân dân\n\n");
	says_exactly("", "");
	says_exactly("\n", "\n");
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
	/* a zero-width space and a soft hyphen are not read */
	says("xin\xe2\x80\x8b chào b\xc3\xa0\xc2\xad con", "xin chào bà con");
	/* only punctuation: nothing to say */
	says("!!! ... ---", "");
	/* emoji and symbols nobody can say are dropped */
	says("📢 Thông báo ★", "thông báo");
}

static void
the_lexicon_is_large_and_extendable(void **state)
{
	assert_true(tts_lexicon_size(lex) >= 200);
	char path[] = "/tmp/loaxa-lex-XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "# extra\nHTX = \"hợp tác xã nông nghiệp\"\nBQLDA = \"ban quản lý dự án\"\n";
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	char err[ERRLEN];
	assert_int_equal(tts_lexicon_load(lex, path, err), 0);
	says("BQLDA xã", "ban quản lý dự án xã");
	says("HTX Thành Công", "hợp tác xã nông nghiệp thành công");
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

/* ---- linear time: counted, not timed (bench/normalize.sh has the timings) ---- */

static void
hung(int sig)
{
	static const char msg[] = "the normalizer took more than 120 s: it is not linear\n";
	(void)sig;
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(3);
	_exit(2);
}

/* How many times the rules looked at a token to read (and lint) n bytes of unit repeated. */
static size_t
looks(char *buf, const char *unit, size_t n)
{
	size_t ul = strlen(unit), len = 0;
	while (len + ul <= n) {
		memcpy(buf + len, unit, ul);
		len += ul;
	}
	buf[len] = 0;
	char err[ERRLEN];
	struct norm_lint l = { .max_syllables = 60 };
	char *out = norm_run(lex, &vi_region_north, buf, len, &l, err);
	assert_non_null(out);
	free(out);
	lint_drop(&l, 0);
	free(l.f);
	return l.ops;
}

/*
 * Pasted garbage in one long line (runs of "1.", "a,", dashes, a single
 * enormous word, ...) is read in linear time: four times the text, about
 * four times the looks at its tokens (a quadratic reading would take
 * sixteen).  Counted, so the machine's load does not matter; a two-minute
 * alarm catches a loop that never ends.
 */
static void
long_inputs_in_linear_time(void **state)
{
	static const char *const units[] = { "1.", "a,", "1-", "1/", "(1)", "–", "Ủ", "17h30",
					     "a.", "1,", "@a.", "x", "IV ", "ngày 1/", "a.b",
					     "0912.", "1.000.", "http://a.", "TP.", "5/3-", "1:" };
	size_t n = 1 << 17;
	char *big = xmalloc(n + 16);
	signal(SIGALRM, hung);
	alarm(120);
	for (size_t u = 0; u < ARRAY_LEN(units); u++) {
		size_t quarter = looks(big, units[u], n / 4);
		size_t whole = looks(big, units[u], n);
		if (whole > 5 * quarter)
			fail_msg("'%s' repeated: %zu looks for %zu bytes, %zu for a quarter", units[u],
				 whole, n, quarter);
	}
	alarm(0);
	free(big);
}

/* Every rule of the table has its test here (add one with a new rule). */
static const char *const tested[] = {
	"list-marker", "heading", "code-continued", "lexicon-span", "address", "acronym-echo",
	"roman", "phone", "document-code", "sign", "range", "date", "month-year", "time",
	"fraction", "dimensions", "quantity", "ordinal", "month", "number-chain", "number", "per",
	"word", "symbol",
};

static void
every_rule_has_a_test(void **state)
{
	size_t k = 0;
	for (; tts_normalize_rule_name(k); k++) {
		int found = 0;
		for (size_t t = 0; t < ARRAY_LEN(tested); t++)
			found |= strcmp(tested[t], tts_normalize_rule_name(k)) == 0;
		if (!found)
			fail_msg("the rule \"%s\" has no test", tts_normalize_rule_name(k));
	}
	assert_int_equal(k, ARRAY_LEN(tested));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(number_words),
		cmocka_unit_test(a_region_is_a_table),
		cmocka_unit_test(tokenizer),
		cmocka_unit_test(rule_list_marker),
		cmocka_unit_test(rule_heading),
		cmocka_unit_test(rule_code_continued),
		cmocka_unit_test(rule_lexicon_span),
		cmocka_unit_test(rule_address),
		cmocka_unit_test(rule_acronym_echo),
		cmocka_unit_test(rule_roman),
		cmocka_unit_test(rule_phone),
		cmocka_unit_test(rule_document_code),
		cmocka_unit_test(rule_sign),
		cmocka_unit_test(rule_range),
		cmocka_unit_test(rule_date),
		cmocka_unit_test(rule_month_year),
		cmocka_unit_test(rule_time),
		cmocka_unit_test(rule_fraction),
		cmocka_unit_test(rule_dimensions),
		cmocka_unit_test(rule_quantity_measures),
		cmocka_unit_test(rule_quantity_money),
		cmocka_unit_test(rule_ordinal),
		cmocka_unit_test(rule_month),
		cmocka_unit_test(rule_number_chain),
		cmocka_unit_test(rule_number),
		cmocka_unit_test(rule_per),
		cmocka_unit_test(rule_word),
		cmocka_unit_test(rule_symbol),
		cmocka_unit_test(commune_sentences),
		cmocka_unit_test(pauses),
		cmocka_unit_test(lines_in_lines_out),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(the_lexicon_is_large_and_extendable),
		cmocka_unit_test(long_inputs_in_linear_time),
		cmocka_unit_test(every_rule_has_a_test),
	};
	return cmocka_run_group_tests_name("normalize", tests, setup, teardown);
}
