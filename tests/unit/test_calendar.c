/*
 * Unit tests for calendar expressions: the next instants must agree with
 * `systemd-analyze calendar` (the reference for when a slot falls) for many
 * expressions and starting instants — month ends, leap days, year ends, an
 * instant exactly on a match — in Hà Nội's zone and in one with DST.  A
 * table of expected instants checks the same without systemd-analyze, and
 * bad expressions name what is wrong.
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
#include "scheduler/scheduler.h"

static const char *const exprs[] = {
	"*-*-* 05:30:00", "Mon..Fri 17:00", "Sat,Sun 06:00", "daily", "hourly", "weekly",
	"monthly", "yearly", "quarterly", "semiannually", "minutely", "*-*-1/2 08:00",
	"*-02-29 05:30", "*-*-31 12:00", "2025-03-01 05:30", "2026-*-* 00:00:00",
	"*-01..03-* 18:15", "Mon *-*-* 06:00", "Fri *-*-13 13:13:13", "*-*-* 08,17:00",
	"*-*-* *:0/15", "*-*-* 6..8:30", "*-12-31 23:59:59", "*-*~01 09:00", "*-02~01 10:00",
	"Sat,Sun,Mon 07:45", "Tue,Thu 16:30:30", "*-06-15", "12-25 08:00", "*-*-* 05:30:15",
	"Wed *-*-1..7 19:00", "*-*-* 00/6:00", "2024,2028-02-29 12:00", "*-1/3-1 00:00",
	"Mon,Fri *-*-* 5,17:00:00",
};

/* Starting instants, UTC seconds. */
static const int64_t bases[] = {
	1738367999, /* 2025-01-31 23:59:59 UTC */
	1709121600, /* 2024-02-28 12:00 UTC */
	1740783600, /* 2025-02-28 23:00 UTC */
	1767225570, /* 2025-12-31 23:59:30 UTC */
	1740995999, /* 2025-03-03 09:59:59 UTC: a second before Mon 17:00 +07 */
	1740996000, /* 2025-03-03 10:00:00 UTC: exactly on Mon 17:00 +07 */
};

#define ITER 5

/* The next ITER instants after base, as systemd-analyze computes them; -1 on failure. */
static int
reference(const char *tz, const char *expr, int64_t base, int64_t *out)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd,
		 "TZ=%s systemd-analyze calendar --iterations=%d --base-time=@%lld '%s' 2>/dev/null",
		 tz, ITER, (long long)base, expr);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	char line[256];
	int n = 0;
	while (fgets(line, sizeof line, p) && n < ITER) {
		char *u = strstr(line, "(in UTC): ");
		if (!u)
			continue;
		struct tm tm = { 0 };
		char wd[8];
		if (sscanf(u + 10, "%7s %d-%d-%d %d:%d:%d", wd, &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7)
			continue;
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		out[n++] = (int64_t)timegm(&tm);
	}
	int rc = pclose(p);
	return rc == 0 ? n : -1;
}

static void
compare_zone(const char *tz, size_t *checked)
{
	setenv("TZ", tz, 1);
	tzset();
	for (size_t e = 0; e < ARRAY_LEN(exprs); e++) {
		char err[ERRLEN];
		struct sched_cal *c = sched_cal_parse(exprs[e], err);
		if (!c)
			fail_msg("'%s' refused: %s", exprs[e], err);
		for (size_t b = 0; b < ARRAY_LEN(bases); b++) {
			int64_t ref[ITER];
			int n = reference(tz, exprs[e], bases[b], ref);
			if (n < 0)
				fail_msg("systemd-analyze calendar failed for '%s': it is needed to check the calendar (apt-get install systemd)",
					 exprs[e]);
			int64_t t = bases[b];
			for (int i = 0; i < n; i++) {
				t = sched_cal_next(c, t);
				if (t != ref[i])
					fail_msg("%s '%s' after @%lld, iteration %d: ours @%lld, systemd @%lld",
						 tz, exprs[e], (long long)bases[b], i + 1, (long long)t,
						 (long long)ref[i]);
				(*checked)++;
			}
			if (n < ITER && n >= 0) {
				/* systemd found fewer: so must we */
				assert_int_equal(sched_cal_next(c, t), -1);
			}
		}
		sched_cal_free(c);
	}
}

static void
agrees_with_systemd_analyze(void **state)
{
	size_t checked = 0;
	compare_zone("Asia/Ho_Chi_Minh", &checked);
	compare_zone("Europe/Berlin", &checked);
	/* at least 30 expressions × 6 instants × 2 zones, most with 5 iterations */
	assert_true(checked > 30 * 6 * 2 * 3);
	print_message("compared %zu instants with systemd-analyze\n", checked);
}

static int64_t
local(const char *s)
{
	int64_t ms;
	char err[ERRLEN];
	if (time_parse_local(s, &ms, err) < 0)
		fail_msg("%s", err);
	return ms / 1000;
}

static void
known_instants(void **state)
{
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	static const struct {
		const char *expr, *after, *next;
	} t[] = {
		{ "*-*-* 05:30:00", "2025-03-01 05:30", "2025-03-02 05:30" },
		{ "Mon..Fri 17:00", "2025-03-07 17:00", "2025-03-10 17:00" },
		{ "*-02-29 05:30", "2025-01-01 00:00", "2028-02-29 05:30" },
		{ "*-*~01 09:00", "2025-02-01 00:00", "2025-02-28 09:00" },
		{ "*-*-31 12:00", "2025-04-01 00:00", "2025-05-31 12:00" },
		{ "monthly", "2025-12-15 10:00", "2026-01-01 00:00" },
		{ "2099-12-31 23:59:59", "2025-01-01 00:00", "2099-12-31 23:59:59" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		char err[ERRLEN];
		struct sched_cal *c = sched_cal_parse(t[i].expr, err);
		assert_non_null(c);
		assert_int_equal(sched_cal_next(c, local(t[i].after)), local(t[i].next));
		sched_cal_free(c);
	}
	char err[ERRLEN];
	struct sched_cal *never = sched_cal_parse("2023-02-30 00:00", err);
	assert_non_null(never);
	assert_int_equal(sched_cal_next(never, local("2020-01-01 00:00")), -1);
	sched_cal_free(never);
}

static void
bad_expressions_say_what_is_wrong(void **state)
{
	static const struct {
		const char *expr, *needle;
	} t[] = {
		{ "", "empty" },
		{ "25:00", "out of range" },
		{ "Mon..Fry 05:30", "Mon..Fry" },
		{ "*-13-01", "out of range" },
		{ "*-*-32", "out of range" },
		{ "05:61", "out of range" },
		{ "*-*-* 00/0:00", "step" },
		{ "\x01\x02", "only letters" },
		{ "5..1:00", "backwards" },
		{ "*-*-* 05:30 06:00", "two times" },
		{ "Funday", "weekday" },
		{ "*-*-* 1,:00", "comma" },
		{ "banana 05:30", "weekday" },
		{ "Sat..Mon 07:45", "backwards" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		char err[ERRLEN] = "";
		struct sched_cal *c = sched_cal_parse(t[i].expr, err);
		if (c)
			fail_msg("accepted '%s'", t[i].expr);
		if (!strstr(err, t[i].needle))
			fail_msg("'%s': error '%s' lacks '%s'", t[i].expr, err, t[i].needle);
	}
	char *longx = xmalloc(5000);
	memset(longx, '1', 4999);
	longx[4999] = 0;
	char err[ERRLEN];
	assert_null(sched_cal_parse(longx, err));
	free(longx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_instants),
		cmocka_unit_test(bad_expressions_say_what_is_wrong),
		cmocka_unit_test(agrees_with_systemd_analyze),
	};
	return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
