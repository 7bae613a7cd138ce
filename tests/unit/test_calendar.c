/*
 * Unit tests for calendar expressions (scheduler/calendar.c).
 *
 * `systemd-analyze calendar` is the reference for when a slot falls, so the
 * main test runs it for many expressions, starting instants (month ends,
 * Feb 28/29 of leap and common years, year ends, a second before and exactly
 * on a match, both sides of Berlin's DST changes) and zones, and compares
 * every iteration and the normalized form.  It fails, not skips, when
 * systemd-analyze is missing: the comparison is the point.  A table of
 * expected instants checks the same facts without it, and bad expressions
 * must be refused with a sentence naming the bad part.
 *
 * The module's .c is included so that the walk's steps can be counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>

static unsigned long steps;
#define CAL_STEP() (steps++)
#include "scheduler/calendar.c"

static void
use_zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* "YYYY-MM-DD HH:MM:SS" in the current zone; the first reading if it occurs twice. */
static int64_t
local(const char *s)
{
	struct tm tm = { 0 };
	if (sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6)
		fail_msg("bad time in the test: %s", s);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = 1;
	struct tm x = tm;
	time_t t = mktime(&x);
	if (x.tm_isdst != 1 || x.tm_hour != tm.tm_hour) {
		x = tm;
		x.tm_isdst = 0;
		t = mktime(&x);
	}
	return (int64_t)t;
}

static const char *
shown_local(int64_t t, char buf[40])
{
	if (t < 0)
		return "never";
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, 40, "%F %T %Z", &tm);
	return buf;
}

static struct sched_cal *
must_parse(const char *expr)
{
	char err[ERRLEN] = "";
	struct sched_cal *c = sched_cal_parse(expr, err);
	if (!c)
		fail_msg("'%s' was refused: %s", expr, err);
	return c;
}

/* ---- Without systemd-analyze: instants a user would expect ---- */

static void
slots_fall_where_expected(void **state)
{
	/* checked against systemd-analyze 252 when the table was written */
	static const struct {
		const char *tz, *after, *expr, *next[3];
	} t[] = {
		{ "Asia/Ho_Chi_Minh", "2025-03-01 05:30:00", "*-*-* 05:30:00",
		  { "2025-03-02 05:30:00", "2025-03-03 05:30:00", "2025-03-04 05:30:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-03-01 05:29:59", "*-*-* 05:30:00",
		  { "2025-03-01 05:30:00", "2025-03-02 05:30:00", "2025-03-03 05:30:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-03-07 17:00:00", "Mon..Fri 17:00",
		  { "2025-03-10 17:00:00", "2025-03-11 17:00:00", "2025-03-12 17:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-03-08 09:00:00", "Sat,Sun 06:00",
		  { "2025-03-09 06:00:00", "2025-03-15 06:00:00", "2025-03-16 06:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-03-05 08:00:00", "Mon,Wed..Fri 07:15",
		  { "2025-03-06 07:15:00", "2025-03-07 07:15:00", "2025-03-10 07:15:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-01-01 00:00:00", "*-02-29 05:30",
		  { "2028-02-29 05:30:00", "2032-02-29 05:30:00", "2036-02-29 05:30:00" } },
		{ "Asia/Ho_Chi_Minh", "2024-02-28 23:59:59", "*-*~01 09:00",
		  { "2024-02-29 09:00:00", "2024-03-31 09:00:00", "2024-04-30 09:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-02-27 12:00:00", "*-*~01 09:00",
		  { "2025-02-28 09:00:00", "2025-03-31 09:00:00", "2025-04-30 09:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-04-01 00:00:00", "*-*-31 12:00",
		  { "2025-05-31 12:00:00", "2025-07-31 12:00:00", "2025-08-31 12:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-12-15 10:00:00", "monthly",
		  { "2026-01-01 00:00:00", "2026-02-01 00:00:00", "2026-03-01 00:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-12-31 23:59:59", "daily",
		  { "2026-01-01 00:00:00", "2026-01-02 00:00:00", "2026-01-03 00:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-11-15 00:00:00", "quarterly",
		  { "2026-01-01 00:00:00", "2026-04-01 00:00:00", "2026-07-01 00:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-03-01 05:44:59", "*:0/15",
		  { "2025-03-01 05:45:00", "2025-03-01 06:00:00", "2025-03-01 06:15:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-03-01 12:00:00", "08,17:00",
		  { "2025-03-01 17:00:00", "2025-03-02 08:00:00", "2025-03-02 17:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-01-30 00:00:00", "*-*-1/2 08:00",
		  { "2025-01-31 08:00:00", "2025-02-01 08:00:00", "2025-02-03 08:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-02-15 00:00:00", "2025-01..03-01",
		  { "2025-03-01 00:00:00", NULL } },
		{ "Asia/Ho_Chi_Minh", "2025-01-01 00:00:00", "2099-12-31 23:59:59",
		  { "2099-12-31 23:59:59", NULL } },
		{ "Asia/Ho_Chi_Minh", "2025-06-01 00:00:00", "Fri *-*-13 13:13:13",
		  { "2025-06-13 13:13:13", "2026-02-13 13:13:13", "2026-03-13 13:13:13" } },
		{ "Asia/Ho_Chi_Minh", "2025-03-03 00:00:00", "weekly",
		  { "2025-03-10 00:00:00", "2025-03-17 00:00:00", "2025-03-24 00:00:00" } },
		{ "Asia/Ho_Chi_Minh", "2025-06-30 23:59:59", "semiannually",
		  { "2025-07-01 00:00:00", "2026-01-01 00:00:00", "2026-07-01 00:00:00" } },
		/* 02:30 does not exist on 2025-03-30 in Berlin: that day has no airing */
		{ "Europe/Berlin", "2025-03-29 12:00:00", "*-*-* 02:30",
		  { "2025-03-31 02:30:00", "2025-04-01 02:30:00", "2025-04-02 02:30:00" } },
		{ "Europe/Berlin", "2025-03-30 01:59:00", "*:0/15",
		  { "2025-03-30 03:00:00", "2025-03-30 03:15:00", "2025-03-30 03:30:00" } },
		{ "Europe/Berlin", "2025-10-26 00:00:00", "*-*-* 05:30",
		  { "2025-10-26 05:30:00", "2025-10-27 05:30:00", "2025-10-28 05:30:00" } },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		use_zone(t[i].tz);
		struct sched_cal *c = must_parse(t[i].expr);
		int64_t at = local(t[i].after);
		for (int k = 0; k < 3; k++) {
			int64_t want = t[i].next[k] ? local(t[i].next[k]) : -1;
			at = sched_cal_next(c, at);
			char a[40], b[40];
			if (at != want)
				fail_msg("%s '%s' after %s, #%d: got %s, want %s", t[i].tz, t[i].expr,
					 t[i].after, k + 1, shown_local(at, a), shown_local(want, b));
			if (at < 0)
				break;
		}
		sched_cal_free(c);
	}
}

/* When DST ends the hour 02:00-03:00 happens twice; a slot in it airs once, the first time. */
static void
repeated_hour_airs_once(void **state)
{
	use_zone("Europe/Berlin");
	struct sched_cal *c = must_parse("*-*-* 02:30");
	int64_t first = sched_cal_next(c, local("2025-10-26 00:00:00"));
	assert_int_equal(first, 1761438600); /* 00:30 UTC = 02:30 CEST */
	int64_t second = sched_cal_next(c, first);
	assert_int_equal(second, 1761528600); /* 2025-10-27 02:30 CET, not 02:30 CET on the 26th */
	sched_cal_free(c);
}

static void
never_matching_gives_minus_one_quickly(void **state)
{
	use_zone("Asia/Ho_Chi_Minh");
	static const char *const never[] = { "2023-02-30", "*-02-30 05:00", "*-04-31", "Mon 2025-03-04",
					     "1970-01-01" };
	for (size_t i = 0; i < ARRAY_LEN(never); i++) {
		struct sched_cal *c = must_parse(never[i]);
		steps = 0;
		if (sched_cal_next(c, local("2025-01-01 00:00:00")) != -1)
			fail_msg("'%s' matched", never[i]);
		/* a walk over fields: about 3 steps a year to 2199, never a scan */
		if (steps > 1000)
			fail_msg("'%s' took %lu steps", never[i], steps);
		sched_cal_free(c);
	}
	/* after the last year systemd knows, nothing falls */
	struct sched_cal *c = must_parse("daily");
	assert_int_equal(sched_cal_next(c, local("2199-12-31 00:00:00")), -1);
	assert_int_equal(sched_cal_next(c, (int64_t)1 << 40), -1);
	sched_cal_free(c);
}

static void
far_instants_are_found_without_a_scan(void **state)
{
	use_zone("Asia/Ho_Chi_Minh");
	static const struct {
		const char *expr, *after, *next;
		unsigned long max_steps;
	} t[] = {
		{ "2099-12-31 23:59:59", "2025-01-01 00:00:00", "2099-12-31 23:59:59", 5 },
		{ "Mon *-02-29 06:00", "2025-01-01 00:00:00", "2044-02-29 06:00:00", 100 },
		{ "*-*-* *:*:*", "2025-01-01 00:00:00", "2025-01-01 00:00:01", 2 },
		{ "*-12-31 23:59:59", "2025-01-01 00:00:00", "2025-12-31 23:59:59", 5 },
		{ "Fri *-*-13 13:13:13", "2025-01-01 00:00:00", "2025-06-13 13:13:13", 60 },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct sched_cal *c = must_parse(t[i].expr);
		steps = 0;
		int64_t got = sched_cal_next(c, local(t[i].after));
		char a[40], b[40];
		if (got != local(t[i].next))
			fail_msg("'%s': got %s, want %s", t[i].expr, shown_local(got, a),
				 shown_local(local(t[i].next), b));
		if (steps > t[i].max_steps)
			fail_msg("'%s' took %lu steps, more than %lu", t[i].expr, steps, t[i].max_steps);
		sched_cal_free(c);
	}
}

static void
normalized_form_is_systemds(void **state)
{
	/* as `systemd-analyze calendar` 252 prints them */
	static const struct {
		const char *expr, *norm;
	} t[] = {
		{ "Mon..Fri 17:00", "Mon..Fri *-*-* 17:00:00" },
		{ "Sat,Sun", "Sat,Sun *-*-* 00:00:00" },
		{ "Mon,Wed..Fri 07:15", "Mon,Wed..Fri *-*-* 07:15:00" },
		{ "Mon,Tue,Wed,Thu", "Mon..Thu *-*-* 00:00:00" },
		{ "Fri,Mon", "Mon,Fri *-*-* 00:00:00" },
		{ "Mon..Sun 12:00", "*-*-* 12:00:00" },
		{ "*-*-1/2", "*-*-01/2 00:00:00" },
		{ "*:0/15", "*-*-* *:00/15:00" },
		{ "08,17:00", "*-*-* 08,17:00:00" },
		{ "*-*~01", "*-*~01 00:00:00" },
		{ "quarterly", "*-01,04,07,10-01 00:00:00" },
		{ "semiannually", "*-01,07-01 00:00:00" },
		{ "weekly", "Mon *-*-* 00:00:00" },
		{ "minutely", "*-*-* *:*:00" },
		{ "hourly", "*-*-* *:00:00" },
		{ "daily", "*-*-* 00:00:00" },
		{ "monthly", "*-*-01 00:00:00" },
		{ "yearly", "*-01-01 00:00:00" },
		{ "2025-1..12/5-1", "2025-01..11/5-01 00:00:00" },
		{ "*-*-1,1,2", "*-*-01,02 00:00:00" },
		{ "1..3/5:00", "*-*-* 01:00:00" },
		{ "*-*-* 5:30:0/1", "*-*-* 05:30:*" },
		{ "25-03-01", "2025-03-01 00:00:00" },
		{ "*-*-* 05:30 UTC", "*-*-* 05:30:00 UTC" },
		{ "@1740781800", "2025-02-28 22:30:00 UTC" },
		{ "*:*:0..59", "*-*-* *:*:00..59" },
		{ "2025..2030/2-*-*", "2025..2029/2-*-* 00:00:00" },
		{ "Mon-Fri 9:00", "Mon..Fri *-*-* 09:00:00" },
		{ "*-*-* 00..23/5:00", "*-*-* 00..20/5:00:00" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct sched_cal *c = must_parse(t[i].expr);
		char *n = sched_cal_normalized(c);
		if (strcmp(n, t[i].norm) != 0)
			fail_msg("'%s' normalizes to '%s', systemd says '%s'", t[i].expr, n, t[i].norm);
		free(n);
		sched_cal_free(c);
	}
}

/* Each bad expression, and the part its message must name. */
static const struct {
	const char *expr, *needle;
} bad_exprs[] = {
	{ "", "empty" },
	{ "25:00", "at '25'" },
	{ "Mon..Fry 05:30", "at 'Fry'" },
	{ "*-13-01", "at '13'" },
	{ "*-*-32", "at '32'" },
	{ "05:61", "at '61'" },
	{ "*-*-* 1/0:00", "at '1/0'" },
	{ "*-*-* 05:30:60", "at '60'" },
	{ "Sat..Mon 07:45", "backwards" },
	{ "5..1:00", "backwards" },
	{ "*-*-* 05:30 06:00", "one time" },
	{ "12:00 12:00", "one time" },
	{ "Funday", "at 'Funday'" },
	{ "banana 05:30", "at 'banana'" },
	{ "Mon..", "needs an end" },
	{ "*-*-* 1,:00", "empty item" },
	{ "Mon 5", "HOUR:MINUTE" },
	{ "*/15:00", "at '*/15'" },
	{ "1969-01-01", "1970..2199" },
	{ "2200-01-01", "1970..2199" },
	{ "*-*~29", "at '29'" },
	{ "*-*-31/2", "never repeat" },
	{ "*:*:0/60", "too large" },
	{ "4294967297:00", "too large" },
	{ "  05:30", "starts with a space" },
	{ "05:30  ", "ends with a space" },
	{ "*-*-*-*", "three parts" },
	{ "*-*-* *:*:*:*", "three parts" },
	{ "2025-01-01:05:00", "separated by a space" },
	{ "2025~02-01", "'~'" },
	{ "5:", "expected a number" },
	{ ":00", "expected a number" },
	{ "+5:00", "at '+5'" },
};

static void
bad_expressions_say_what_is_wrong(void **state)
{
	use_zone("Asia/Ho_Chi_Minh");
	for (size_t i = 0; i < ARRAY_LEN(bad_exprs); i++) {
		char err[ERRLEN] = "";
		struct sched_cal *c = sched_cal_parse(bad_exprs[i].expr, err);
		if (c)
			fail_msg("accepted '%s'", bad_exprs[i].expr);
		if (!strstr(err, bad_exprs[i].needle) || !strstr(err, "systemd.time(7)"))
			fail_msg("'%s': error \"%s\" lacks \"%s\"", bad_exprs[i].expr, err,
				 bad_exprs[i].needle);
	}
	/* refused on purpose, though systemd takes them: zones, fractions */
	static const struct {
		const char *expr, *needle;
	} ours[] = {
		{ "05:30 Asia/Ho_Chi_Minh", "time zones" },
		{ "05:30 CET", "at 'CET'" },
		{ "05:30 +07", "at '+07'" },
		{ "*-*-* 05:30:15.5", "fractions" },
	};
	for (size_t i = 0; i < ARRAY_LEN(ours); i++) {
		char err[ERRLEN] = "";
		assert_null(sched_cal_parse(ours[i].expr, err));
		if (!strstr(err, ours[i].needle))
			fail_msg("'%s': error \"%s\" lacks \"%s\"", ours[i].expr, err, ours[i].needle);
	}
	/* garbage bytes and very long input: a sentence, printable, never a crash */
	char err[ERRLEN] = "";
	assert_null(sched_cal_parse("05:30\x01\xff", err));
	assert_non_null(strstr(err, "0x01"));
	for (const char *p = err; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	char *longx = xmalloc(100001);
	memset(longx, '1', 100000);
	longx[100000] = 0;
	assert_null(sched_cal_parse(longx, err));
	assert_non_null(strstr(err, "longer than"));
	assert_true(strlen(err) < 300);
	free(longx);
	/* a list of 241 hours is longer than systemd allows */
	struct sbuf b = { 0 };
	for (int i = 0; i < 241; i++)
		sbuf_addf(&b, "%s%d", i ? "," : "", i % 24);
	sbuf_adds(&b, ":00");
	assert_null(sched_cal_parse(b.s, err));
	assert_non_null(strstr(err, "240"));
	sbuf_free(&b);
}

/* ---- Against systemd-analyze ---- */

#define ITER 6

struct ref {
	const char *expr;
	int ok; /* systemd parsed it */
	char norm[256];
	int64_t t[ITER];
	int n;
};

/*
 * Runs systemd-analyze once for all expressions from one starting instant
 * and reads, per expression, the normalized form and the "(in UTC):" line of
 * each iteration.  Returns -1 when it cannot be run.
 */
static int
reference(const char *tz, int64_t base, const char *const *exprs, size_t n, struct ref *out)
{
	struct sbuf cmd = { 0 };
	sbuf_addf(&cmd, "TZ=%s LC_ALL=C systemd-analyze calendar --iterations=%d --base-time=@%lld --",
		  tz, ITER, (long long)base);
	for (size_t i = 0; i < n; i++) {
		assert_null(strchr(exprs[i], '\''));
		sbuf_addf(&cmd, " '%s'", exprs[i]);
		out[i] = (struct ref){ .expr = exprs[i] };
	}
	sbuf_adds(&cmd, " 2>/dev/null");
	FILE *p = popen(cmd.s, "r");
	sbuf_free(&cmd);
	if (!p)
		return -1;
	char line[1024], key[256] = "", orig[256] = "";
	while (fgets(line, sizeof line, p)) {
		line[strcspn(line, "\n")] = 0;
		char *v;
		if ((v = strstr(line, "Original form: "))) {
			snprintf(orig, sizeof orig, "%s", v + 15);
			key[0] = 0;
		} else if ((v = strstr(line, "Normalized form: "))) {
			snprintf(key, sizeof key, "%s", orig[0] ? orig : v + 17);
			orig[0] = 0;
			for (size_t i = 0; i < n; i++)
				if (strcmp(out[i].expr, key) == 0) {
					out[i].ok = 1;
					snprintf(out[i].norm, sizeof out[i].norm, "%s", v + 17);
				}
		} else if ((v = strstr(line, "(in UTC): ")) && key[0]) {
			struct tm tm = { 0 };
			char wd[8];
			if (sscanf(v + 10, "%7s %d-%d-%d %d:%d:%d", wd, &tm.tm_year, &tm.tm_mon,
				   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7)
				continue;
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			for (size_t i = 0; i < n; i++)
				if (strcmp(out[i].expr, key) == 0 && out[i].n < ITER)
					out[i].t[out[i].n++] = (int64_t)timegm(&tm);
		}
	}
	int rc = pclose(p);
	/* exit status 1 only says some expression was refused; 127: no systemd-analyze */
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) > 1)
		return -1;
	return 0;
}

static const char *const fixed_exprs[] = {
	"*-*-* 05:30:00", "Mon..Fri 17:00", "Sat,Sun 06:00", "Mon,Wed..Fri 07:15", "daily",
	"hourly", "weekly", "monthly", "yearly", "annually", "quarterly", "semiannually",
	"minutely", "*-*-1/2 08:00", "*-*-1/2", "2025-01..03-01", "*-02-29", "*-02-29 05:30",
	"*-*~01", "*-*~01 09:00", "*-02~01 10:00", "*-*~01..03", "*-*~05/2", "*-*~02,05",
	"05:30", "17:00:00", "*:0/15", "08,17:00", "*-*-31 12:00", "2025-03-01 05:30",
	"2026-*-* 00:00:00", "*-01..03-* 18:15", "Mon *-*-* 06:00", "Fri *-*-13 13:13:13",
	"*-*-* 6..8:30", "*-12-31 23:59:59", "2099-12-31 23:59:59", "2023-02-30",
	"2024,2028-02-29 12:00", "*-1/3-1 00:00", "Mon,Fri *-*-* 5,17:00:00",
	"Wed *-*-1..7 19:00", "*-*-* 00/6:00", "Tue,Thu 16:30:30", "12-25 08:00", "*-06-15",
	"*-*-* 02:30", "*-*-* 02:*", "*-*-* 02,03:30", "*-*-* *:30", "Sun *-*-* 02:15",
	"*:*:0/20", "*-*-* 03:00", "*-*-* 01:59:59", "*:*:*", "*-*-* *:*:59", "Mon..Sun 12:00",
	"Mon-Fri 09:00", "Monday,Friday 10:00", "sat,SUN 06:00", "*-*-* 5:30:15",
	"*-*-* 05:30 UTC", "Mon 00:00 UTC", "@1740781800", "*-*-29,30,31 23:59:59",
	"*-03-31,30 01:00", "1..3/5:00", "*-*-01..31/31", "2025..2030/2-*-*", "8..18/2:00",
	"*-*-* 00..23/5:00", "25-03-01", "*:*:58/1", "*-*-30/1", "*-*~28", "*-*~28/27",
	"Fri *-02-29 12:00", "Mon *-*-01..07 08:00", "*-*-* 23:59:59", "*-*-* 00:00:00",
	"Sat *-12-31 23:00", "*-*~07..01/3 07:00", "2025-*-* 0/7:0/11:0/13", "*:8/22",
};

static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			 .tm_min = mi, .tm_sec = s };
	return (int64_t)timegm(&tm);
}

/* A tiny deterministic generator of valid-looking and broken expressions. */
static unsigned long rng = 20250301;
static int
rnd(int lo, int hi)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return lo + (int)((rng >> 33) % (unsigned long)(hi - lo + 1));
}

static void
gen_field(struct sbuf *b, int lo, int hi, int star)
{
	if (rnd(0, 99) < star) {
		sbuf_addc(b, '*');
		return;
	}
	int n = rnd(0, 9) < 6 ? 1 : rnd(2, 4);
	for (int i = 0; i < n; i++) {
		if (i)
			sbuf_addc(b, ',');
		int a = rnd(lo, hi), z = rnd(lo, hi);
		if (rnd(0, 99) < 3) /* out of range now and then */
			a = hi + 1;
		switch (rnd(0, 3)) {
		case 0: sbuf_addf(b, rnd(0, 1) ? "%02d" : "%d", a); break;
		case 1: sbuf_addf(b, "%d..%d", a < z ? a : z, a < z ? z : a); break;
		case 2: sbuf_addf(b, "%d/%d", a, rnd(1, (hi - lo) / 2 + 1)); break;
		default: sbuf_addf(b, "%d..%d/%d", a < z ? a : z, a < z ? z : a, rnd(1, hi - lo + 1));
		}
	}
}

static char *
gen_expr(void)
{
	static const char *const wd[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	struct sbuf b = { 0 };
	if (rnd(0, 99) < 35) {
		int a = rnd(0, 6), z = rnd(0, 6);
		if (rnd(0, 1))
			sbuf_addf(&b, "%s..%s ", wd[a < z ? a : z], wd[a < z ? z : a]);
		else
			sbuf_addf(&b, "%s,%s ", wd[a], wd[z]);
	}
	if (rnd(0, 99) < 70) {
		int eom = rnd(0, 99) < 15;
		if (rnd(0, 1)) {
			gen_field(&b, 2024, 2040, 60);
			sbuf_addc(&b, '-');
		}
		gen_field(&b, 1, 12, 40);
		sbuf_addc(&b, eom ? '~' : '-');
		gen_field(&b, 1, eom ? 28 : 31, 40);
		sbuf_addc(&b, ' ');
	}
	gen_field(&b, 0, 23, 15);
	sbuf_addc(&b, ':');
	gen_field(&b, 0, 59, 15);
	if (rnd(0, 99) < 40) {
		sbuf_addc(&b, ':');
		gen_field(&b, 0, 59, 30);
	}
	return sbuf_steal(&b);
}

/* Compares ours with systemd's for every expression from one instant; returns instants compared. */
static size_t
compare(const char *tz, int64_t base, const char *const *exprs, size_t n)
{
	struct ref *ref = xcalloc(n, sizeof *ref);
	if (reference(tz, base, exprs, n, ref) < 0)
		fail_msg("systemd-analyze calendar could not be run; it is the reference for when "
			 "slots fall, so this test needs it (apt-get install systemd)");
	use_zone(tz);
	size_t checked = 0;
	for (size_t i = 0; i < n; i++) {
		char err[ERRLEN] = "";
		struct sched_cal *c = sched_cal_parse(exprs[i], err);
		if (!ref[i].ok) {
			if (c)
				fail_msg("'%s': systemd refuses it, we accept it", exprs[i]);
			continue;
		}
		if (!c)
			fail_msg("'%s': systemd accepts it, we refuse it: %s", exprs[i], err);
		char *norm = sched_cal_normalized(c);
		if (strcmp(norm, ref[i].norm) != 0)
			fail_msg("'%s': normalized '%s', systemd '%s'", exprs[i], norm, ref[i].norm);
		free(norm);
		int64_t t = base;
		for (int k = 0; k < ref[i].n; k++) {
			t = sched_cal_next(c, t);
			char a[40], b[40];
			if (t != ref[i].t[k])
				fail_msg("%s '%s' after @%lld, iteration %d: ours %s, systemd %s", tz,
					 exprs[i], (long long)base, k + 1, shown_local(t, a),
					 shown_local(ref[i].t[k], b));
			checked++;
		}
		if (ref[i].n < ITER && t >= 0 && sched_cal_next(c, t) != -1)
			fail_msg("%s '%s' after @%lld: systemd found %d instants, we find more", tz,
				 exprs[i], (long long)base, ref[i].n);
		sched_cal_free(c);
	}
	free(ref);
	return checked;
}

static void
agrees_with_systemd_analyze(void **state)
{
	const int64_t bases[] = {
		utc(2025, 1, 31, 23, 59, 59),  /* a month end */
		utc(2024, 2, 28, 12, 0, 0),    /* Feb 28 of a leap year */
		utc(2024, 2, 29, 16, 59, 59),  /* Feb 29, a second before local midnight (+07) */
		utc(2025, 2, 28, 23, 0, 0),    /* Feb 28 of a common year */
		utc(2025, 12, 31, 23, 59, 30), /* a year end */
		utc(2026, 12, 31, 16, 59, 59), /* a second before the local new year (+07) */
		utc(2025, 3, 3, 9, 59, 59),    /* a second before Mon 17:00 +07 */
		utc(2025, 3, 3, 10, 0, 0),     /* exactly on Mon 17:00 +07: strictly after */
		utc(2025, 3, 29, 23, 0, 0),    /* Berlin's spring gap ahead */
		utc(2025, 3, 30, 0, 59, 59),   /* a second before the gap */
		utc(2025, 10, 25, 23, 0, 0),   /* Berlin's repeated hour ahead */
		utc(2025, 4, 30, 17, 0, 0),    /* a 30-day month's end at midnight +07 */
		utc(2027, 6, 30, 23, 59, 59),
	};
	static const char *const zones[] = { "Asia/Ho_Chi_Minh", "Europe/Berlin" };
	size_t checked = 0, runs = 0;
	for (size_t z = 0; z < ARRAY_LEN(zones); z++)
		for (size_t b = 0; b < ARRAY_LEN(bases); b++) {
			checked += compare(zones[z], bases[b], fixed_exprs, ARRAY_LEN(fixed_exprs));
			runs++;
		}
	/* generated expressions, in the daemon's zone (no DST) */
	enum { NGEN = 400 };
	char *gen[NGEN];
	for (int i = 0; i < NGEN; i++)
		gen[i] = gen_expr();
	size_t gchecked = 0;
	for (size_t b = 0; b < 4; b++)
		gchecked += compare("Asia/Ho_Chi_Minh", bases[b * 3], (const char *const *)gen, NGEN);
	for (int i = 0; i < NGEN; i++)
		free(gen[i]);
	/* systemd refuses the bad expressions too */
	const char *bad[ARRAY_LEN(bad_exprs)];
	size_t nbad = 0;
	for (size_t i = 0; i < ARRAY_LEN(bad_exprs); i++)
		if (*bad_exprs[i].expr && !strchr(bad_exprs[i].expr, '\''))
			bad[nbad++] = bad_exprs[i].expr;
	compare("Asia/Ho_Chi_Minh", bases[0], bad, nbad);

	print_message("compared %zu instants of %zu expressions from %zu (zone, instant) pairs, "
		      "and %zu instants of %d generated expressions, with systemd-analyze\n",
		      checked, ARRAY_LEN(fixed_exprs), runs, gchecked, NGEN);
	assert_true(checked > 30 * 6 * 2 * 3);
	assert_true(gchecked > 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slots_fall_where_expected),
		cmocka_unit_test(repeated_hour_airs_once),
		cmocka_unit_test(never_matching_gives_minus_one_quickly),
		cmocka_unit_test(far_instants_are_found_without_a_scan),
		cmocka_unit_test(normalized_form_is_systemds),
		cmocka_unit_test(bad_expressions_say_what_is_wrong),
		cmocka_unit_test(agrees_with_systemd_analyze),
	};
	return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
