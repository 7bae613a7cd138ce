/*
 * Unit tests for the regions (issue 22): one test per regional convention
 * of tts/number.c's tables (the thousand word, the zero-tens word, four
 * after mươi, the months and the lunar ones, the South's kilogram), each
 * checked in all three regions so that a table that says another region's
 * word fails; how tts.voice and the region combine (tts_voice()); the
 * region in the render-cache key; a region that is none; and the southern
 * and central development sets (tests/data/normalize-{south,central}.tsv),
 * every case exact, as an announcer of that region reads it.
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
#include "tts/number.h"
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

static const char *const regions[] = { "north", "central", "south" };

/* The spoken form of in as region reads it, pauses (" -", ".", ",") taken out. */
static char *
words_of(const char *region, const char *in)
{
	char err[ERRLEN];
	char *out = tts_normalize_region(lex, region, in, strlen(in), err);
	if (!out)
		fail_msg("'%s' (%s): %s", in, region, err);
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
says(const char *region, const char *in, const char *want)
{
	char *got = words_of(region, in);
	if (strcmp(got, want) != 0)
		fail_msg("%s: '%s'\n   got '%s'\n  want '%s'", region, in, got, want);
	free(got);
}

/* in, read by the North, the Centre and the South. */
static void
says3(const char *in, const char *north, const char *central, const char *south)
{
	says("north", in, north);
	says("central", in, central);
	says("south", in, south);
}

/* nghìn in the North, ngàn in the Centre and the South: in cardinals, money, 50k, ‰. */
static void
the_thousand_word(void **state)
{
	says3("Có 1.000 hộ", "có một nghìn hộ", "có một ngàn hộ", "có một ngàn hộ");
	says3("Kinh phí 2.500.000 đồng", "kinh phí hai triệu năm trăm nghìn đồng",
	      "kinh phí hai triệu năm trăm ngàn đồng", "kinh phí hai triệu năm trăm ngàn đồng");
	says3("Phí 50k", "phí năm mươi nghìn", "phí năm mươi ngàn", "phí năm mươi ngàn");
	/* 1tr5: the multiplier words keep their worth (a million and a half) */
	says3("1tr5", "một triệu năm trăm nghìn", "một triệu năm trăm ngàn", "một triệu năm trăm ngàn");
	says3("Vé 2k5", "vé hai nghìn năm trăm", "vé hai ngàn năm trăm", "vé hai ngàn năm trăm");
	says3("Độ mặn 4‰", "độ mặn bốn phần nghìn", "độ mặn bốn phần ngàn", "độ mặn bốn phần ngàn");
	says3("1.250.000.000.000", "một nghìn hai trăm năm mươi tỷ", "một ngàn hai trăm năm mươi tỷ",
	      "một ngàn hai trăm năm mươi tỷ");
}

/* linh in the North, lẻ in the Centre and the South, wherever a zero tens digit is read. */
static void
the_zero_tens_word(void **state)
{
	says3("Có 105 hộ", "có một trăm linh năm hộ", "có một trăm lẻ năm hộ", "có một trăm lẻ năm hộ");
	says3("Năm 2005", "năm hai nghìn không trăm linh năm", "năm hai ngàn không trăm lẻ năm",
	      "năm hai ngàn không trăm lẻ năm");
	says3("1.000.001", "một triệu không trăm linh một", "một triệu không trăm lẻ một",
	      "một triệu không trăm lẻ một");
	/* a tens digit that is there is read the same everywhere */
	says3("110", "một trăm mười", "một trăm mười", "một trăm mười");
	/* and the zero digit of a phone number is không in every region */
	says3("Gọi 0909.105.105", "gọi không chín không chín một không năm một không năm",
	      "gọi không chín không chín một không năm một không năm",
	      "gọi không chín không chín một không năm một không năm");
}

/*
 * Four after mươi: tư in the North, bốn in the Centre and the South; after
 * mười it is bốn everywhere; the ordinal, the quarter and April keep tư.
 */
static void
four_after_tens(void **state)
{
	says3("24", "hai mươi tư", "hai mươi bốn", "hai mươi bốn");
	says3("1.234", "một nghìn hai trăm ba mươi tư", "một ngàn hai trăm ba mươi bốn",
	      "một ngàn hai trăm ba mươi bốn");
	says3("Trực 24/7", "trực hai mươi tư trên bảy", "trực hai mươi bốn trên bảy",
	      "trực hai mươi bốn trên bảy");
	says3("Phường 14", "phường mười bốn", "phường mười bốn", "phường mười bốn");
	says3("thứ 4", "thứ tư", "thứ tư", "thứ tư");
	says3("chiếm 3/4 số hộ", "chiếm ba phần tư số hộ", "chiếm ba phần tư số hộ",
	      "chiếm ba phần tư số hộ");
	says3("tháng 4", "tháng tư", "tháng tư", "tháng tư");
	says3("21 và 25", "hai mươi mốt và hai mươi lăm", "hai mươi mốt và hai mươi lăm",
	      "hai mươi mốt và hai mươi lăm");
}

/*
 * January: tháng một in the North, tháng giêng in the Centre and the
 * South; the other months alike (December is tháng mười hai, not chạp).
 */
static void
the_months(void **state)
{
	says3("ngày 9/1/2025", "ngày chín tháng một năm hai nghìn không trăm hai mươi lăm",
	      "ngày chín tháng giêng năm hai ngàn không trăm hai mươi lăm",
	      "ngày chín tháng giêng năm hai ngàn không trăm hai mươi lăm");
	says3("tháng 1/2026", "tháng một năm hai nghìn không trăm hai mươi sáu",
	      "tháng giêng năm hai ngàn không trăm hai mươi sáu",
	      "tháng giêng năm hai ngàn không trăm hai mươi sáu");
	says3("tháng 1", "tháng một", "tháng giêng", "tháng giêng");
	says3("ngày 25/12", "ngày hai mươi lăm tháng mười hai", "ngày hai mươi lăm tháng mười hai",
	      "ngày hai mươi lăm tháng mười hai");
	says3("tháng 11", "tháng mười một", "tháng mười một", "tháng mười một");
}

/*
 * The lunar calendar (âm lịch after the date, or rằm before it): tháng
 * giêng and tháng chạp in every region; the eleventh month is mười một.
 */
static void
the_lunar_months(void **state)
{
	says3("ngày 23/12 âm lịch", "ngày hai mươi ba tháng chạp âm lịch",
	      "ngày hai mươi ba tháng chạp âm lịch", "ngày hai mươi ba tháng chạp âm lịch");
	says3("ngày 15/1 (âm lịch)", "ngày mười lăm tháng giêng âm lịch",
	      "ngày mười lăm tháng giêng âm lịch", "ngày mười lăm tháng giêng âm lịch");
	says3("Rằm tháng 1", "rằm tháng giêng", "rằm tháng giêng", "rằm tháng giêng");
	says3("tháng 12 âm lịch", "tháng chạp âm lịch", "tháng chạp âm lịch", "tháng chạp âm lịch");
	says3("tháng 11 âm lịch", "tháng mười một âm lịch", "tháng mười một âm lịch",
	      "tháng mười một âm lịch");
	/* without the lunar calendar December is a number, also in the North */
	says3("tháng 12", "tháng mười hai", "tháng mười hai", "tháng mười hai");
}

/*
 * A kilogram is "ký" in the South (giá lúa 7.500 đồng/kg: đồng một ký), ki
 * lô gam in the North and the Centre; the other units of mass keep their
 * names, and the word "kg" alone is not a number's unit.
 */
static void
the_souths_kilogram(void **state)
{
	says3("Giá lúa 7.500 đồng/kg", "giá lúa bảy nghìn năm trăm đồng một ki lô gam",
	      "giá lúa bảy ngàn năm trăm đồng một ki lô gam", "giá lúa bảy ngàn năm trăm đồng một ký");
	says3("2,5 kg", "hai phẩy năm ki lô gam", "hai phẩy năm ki lô gam", "hai phẩy năm ký");
	says3("500 mg", "năm trăm mi li gam", "năm trăm mi li gam", "năm trăm mi li gam");
	says3("3 tấn", "ba tấn", "ba tấn", "ba tấn");
	says3("45 km", "bốn mươi lăm ki lô mét", "bốn mươi lăm ki lô mét", "bốn mươi lăm ki lô mét");
	/* what the North's word is, in each table, is looked up, not guessed */
	assert_string_equal(vi_region_word(&vi_region_south, "ki lô gam"), "ký");
	assert_string_equal(vi_region_word(&vi_region_central, "ki lô gam"), "ki lô gam");
	assert_string_equal(vi_region_word(&vi_region_south, "mi li gam"), "mi li gam");
	assert_string_equal(vi_region_word(&vi_region_north, "nghìn"), "nghìn");
}

/*
 * The voice: each region's own (the three of espeak-ng), unless tts.voice
 * names one, which then reads every region; "" is no voice named.
 */
static void
the_voice_of_a_region(void **state)
{
	assert_string_equal(tts_region_voice("north"), "vi");
	assert_string_equal(tts_region_voice("central"), "vi-vn-x-central");
	assert_string_equal(tts_region_voice("south"), "vi-vn-x-south");
	assert_string_equal(tts_region_voice(NULL), "vi");
	assert_null(tts_region_voice("west"));
	struct tts_opts o = { .engine = "espeak", .region = "south" };
	assert_string_equal(tts_voice(&o), "vi-vn-x-south");
	o.voice = "";
	assert_string_equal(tts_voice(&o), "vi-vn-x-south");
	o.voice = "vi";
	assert_string_equal(tts_voice(&o), "vi");
	o.voice = NULL;
	o.region = NULL;
	assert_string_equal(tts_voice(&o), "vi");
	/* every region's voice is installed (espeak-ng-data ships the three) */
	char err[ERRLEN];
	for (size_t i = 0; i < ARRAY_LEN(regions); i++) {
		o.region = regions[i];
		if (tts_check(&o, err) < 0)
			fail_msg("%s: %s", regions[i], err);
	}
}

/* A region that is none is refused with a sentence that names it and the three there are. */
static void
a_region_that_is_none(void **state)
{
	char err[ERRLEN];
	const char *t = "Có 105 hộ";
	assert_null(tts_normalize_region(lex, "west", t, strlen(t), err));
	assert_non_null(strstr(err, "\"west\""));
	assert_non_null(strstr(err, "north, central and south"));
	assert_false(tts_region_valid("west"));
	assert_false(tts_region_valid("South"));
	assert_false(tts_region_valid(""));
	assert_false(tts_region_valid(NULL));
	struct tts_opts o = { .engine = "fake", .region = "west" };
	assert_int_equal(tts_check(&o, err), -1);
	assert_non_null(strstr(err, "\"west\""));
	/* NULL is the North (a caller that knows nothing of regions) */
	char *a = tts_normalize_region(lex, NULL, t, strlen(t), err);
	char *b = tts_normalize(lex, t, strlen(t), err);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* The regions config/ accepts for tts.region are the regions tts/ has tables for. */
static void
config_and_tts_know_the_same_regions(void **state)
{
	char path[] = "/tmp/loaxa-region-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char err[ERRLEN];
	for (size_t i = 0; i < ARRAY_LEN(regions); i++) {
		FILE *f = fopen(path, "w");
		fprintf(f, "tts = { region = \"%s\"; };\n", regions[i]);
		fclose(f);
		struct config *c = config_load(path, err);
		if (!c)
			fail_msg("%s: %s", regions[i], err);
		assert_true(tts_region_valid(c->tts.region));
		config_free(c);
	}
	FILE *f = fopen(path, "w");
	fprintf(f, "tts = { region = \"west\"; };\n");
	fclose(f);
	assert_null(config_load(path, err));
	assert_non_null(strstr(err, TTS_REGIONS));
	unlink(path);
}

/* The same text in two regions is two renderings: the region is in the cache key. */
static void
the_region_is_in_the_cache_key(void **state)
{
	struct tts_opts o = { .engine = "fake", .sample_rate = 48000, .loudness_lufs = -16,
			      .true_peak_dbtp = -1, .rate = 150, .pitch = 50 };
	char k[3][65], err[ERRLEN];
	for (size_t i = 0; i < ARRAY_LEN(regions); i++) {
		o.region = regions[i];
		/* a text every region reads alike: only the region tells the keys apart */
		if (tts_cache_key(&o, lex, "Xin chào bà con.", k[i], err) < 0)
			fail_msg("%s", err);
	}
	assert_string_not_equal(k[0], k[1]);
	assert_string_not_equal(k[1], k[2]);
	assert_string_not_equal(k[0], k[2]);
	/* a voice named outright reads every region, but the reading still differs */
	o.voice = "vi";
	o.region = "south";
	char ks[65];
	assert_int_equal(tts_cache_key(&o, lex, "Xin chào bà con.", ks, err), 0);
	assert_string_not_equal(ks, k[0]);
	o.region = "north";
	assert_int_equal(tts_cache_key(&o, lex, "Xin chào bà con.", ks, err), 0);
	assert_string_equal(ks, k[0]); /* NULL voice in the North is vi */
	o.region = "west";
	assert_int_equal(tts_cache_key(&o, lex, "Xin chào.", ks, err), -1);
}

/* Every case of a regional development set, exact (pauses aside). */
static void
dev_set(const char *region, const char *name)
{
	const char *dir = getenv("LOAXA_TEST_DATA") ? getenv("LOAXA_TEST_DATA") : "tests/data";
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
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
		says(region, line, tab + 1);
		cases++;
	}
	free(line);
	fclose(f);
	assert_true(cases >= 30);
}

static void
the_southern_dev_set(void **state)
{
	dev_set("south", "normalize-south.tsv");
}

static void
the_central_dev_set(void **state)
{
	dev_set("central", "normalize-central.tsv");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_thousand_word),
		cmocka_unit_test(the_zero_tens_word),
		cmocka_unit_test(four_after_tens),
		cmocka_unit_test(the_months),
		cmocka_unit_test(the_lunar_months),
		cmocka_unit_test(the_souths_kilogram),
		cmocka_unit_test(the_voice_of_a_region),
		cmocka_unit_test(a_region_that_is_none),
		cmocka_unit_test(config_and_tts_know_the_same_regions),
		cmocka_unit_test(the_region_is_in_the_cache_key),
		cmocka_unit_test(the_southern_dev_set),
		cmocka_unit_test(the_central_dev_set),
	};
	return cmocka_run_group_tests_name("region", tests, setup, teardown);
}
