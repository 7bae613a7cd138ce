/* Unit tests for base/: UTF-8 checking, NFC, dates, SHA-256. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/base.h"

static void
utf8_bad_byte_offset_is_reported(void **state)
{
	size_t bad = 0;
	assert_int_equal(utf8_check("Ủy ban", strlen("Ủy ban"), &bad), 0);
	const char s[] = "abc\xff\x41";
	assert_int_equal(utf8_check(s, 5, &bad), -1);
	assert_int_equal(bad, 3);
	const char overlong[] = "ab\xc0\xafz";
	assert_int_equal(utf8_check(overlong, 5, &bad), -1);
	assert_int_equal(bad, 2);
	const char nul[] = "ab\0c";
	assert_int_equal(utf8_check(nul, 4, &bad), -1);
	assert_int_equal(bad, 2);
	const char truncated[] = "x\xe1\xba";
	assert_int_equal(utf8_check(truncated, 3, &bad), -1);
	assert_int_equal(bad, 1);
}

static void
nfc_composes_decomposed_vietnamese(void **state)
{
	/* "ủy" written as u + combining hook above + y */
	char *s = utf8_nfc("u\xcc\x89y");
	assert_string_equal(s, "\xe1\xbb\xa7y");
	free(s);
}

static void
impossible_dates_are_refused(void **state)
{
	int y, m, d;
	assert_int_equal(date_parse("2025-02-28", &y, &m, &d), 0);
	assert_int_equal(d, 28);
	assert_int_equal(date_parse("2025-02-30", &y, &m, &d), -1);
	assert_int_equal(date_parse("2024-02-29", &y, &m, &d), 0);
	assert_int_equal(date_parse("2025-13-01", &y, &m, &d), -1);
	assert_int_equal(date_parse("2025-1-01", &y, &m, &d), -1);
	assert_int_equal(date_parse("2025-01-01x", &y, &m, &d), -1);
	/* digits only: scanf would take a space or a sign, and stored dates
	 * are compared as strings by the scheduler */
	assert_int_equal(date_parse("2025- 3-01", &y, &m, &d), -1);
	assert_int_equal(date_parse("2025-+3-01", &y, &m, &d), -1);
	assert_int_equal(date_parse(" 2025-03-01", &y, &m, &d), -1);
	assert_int_equal(date_parse("+025-03-01", &y, &m, &d), -1);
}

static void
local_times_are_read_in_the_configured_zone(void **state)
{
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	int64_t ms;
	char err[ERRLEN];
	assert_int_equal(time_parse_local("2025-03-01 05:30", &ms, err), 0);
	/* 05:30 at UTC+7 is 22:30 UTC the day before */
	assert_int_equal(ms, (int64_t)1740781800 * 1000);
	char iso[40];
	time_iso8601(ms + 250, iso);
	assert_string_equal(iso, "2025-03-01T05:30:00.250+07:00");
	assert_int_equal(time_parse_local("2025-03-01 24:30", &ms, err), -1);
	assert_non_null(strstr(err, "2025-03-01 24:30"));
	assert_int_equal(time_parse_local("2030-01-01 +9:00", &ms, err), -1);
	assert_int_equal(time_parse_local("2030-01-01  09:00", &ms, err), -1);
	assert_int_equal(time_parse_local("2030-01-01 09:00:05", &ms, err), 0);
}

static void
sha256_matches_known_digest(void **state)
{
	char hex[65];
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_bad_byte_offset_is_reported),
		cmocka_unit_test(nfc_composes_decomposed_vietnamese),
		cmocka_unit_test(impossible_dates_are_refused),
		cmocka_unit_test(local_times_are_read_in_the_configured_zone),
		cmocka_unit_test(sha256_matches_known_digest),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
