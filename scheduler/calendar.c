/*
 * Calendar events in the syntax of systemd.time(7):
 *
 *     [WEEKDAYS] [YEAR-]MONTH-DAY [HOUR:MINUTE[:SECOND]]
 *
 * where each number may be "*", a value, a list "1,15", a range "1..5", or a
 * repetition "START/STEP" (also "*" or a range before the "/"); "~" counts
 * days from the end of the month; and the shorthands minutely, hourly,
 * daily, weekly, monthly, yearly, quarterly and semiannually.  Each field is
 * kept as the set of values it allows; the next instant is found by walking
 * the fields from the year down, carrying over, never second by second.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "scheduler/scheduler.h"

#define YEAR_MIN 1970
#define YEAR_MAX 2199
#define MAX_EXPR 256

/* One field: a bitmask of allowed values (years are offsets from YEAR_MIN). */
struct field {
	uint64_t bits[4]; /* up to 256 values */
	int any;          /* "*" without a step: printed as "*" */
};

struct sched_cal {
	int weekdays; /* bit 0 = Monday; 0 = any */
	struct field year, month, day, hour, minute, second;
	int from_end; /* days count from the end of the month ("~") */
	char *text;
};

static void
set_bit(struct field *f, int v)
{
	f->bits[v / 64] |= 1ULL << (v % 64);
}

static int
has_bit(const struct field *f, int v)
{
	return v >= 0 && v < 256 && (f->bits[v / 64] >> (v % 64)) & 1;
}

static void
set_all(struct field *f, int lo, int hi)
{
	for (int v = lo; v <= hi; v++)
		set_bit(f, v);
}

static const char *const wd_short[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const wd_long[] = { "Monday", "Tuesday", "Wednesday", "Thursday",
				       "Friday", "Saturday", "Sunday" };

static int
weekday_index(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if ((strlen(wd_short[i]) == n && strncasecmp(s, wd_short[i], n) == 0) ||
		    (strlen(wd_long[i]) == n && strncasecmp(s, wd_long[i], n) == 0))
			return i;
	return -1;
}

static int
bad(char *err, const char *expr, const char *what, const char *part, size_t n)
{
	err_set(err, _("'%s': %s at '%.*s'; see systemd.time(7)"), expr, what, (int)n, part);
	return -1;
}

/* Parses "Mon..Fri,Sun" into a bitmask. */
static int
parse_weekdays(const char *expr, const char *s, size_t n, int *mask, char *err)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != ',')
			j++;
		const char *dots = NULL;
		for (size_t k = i; k + 1 < j; k++)
			if (s[k] == '.' && s[k + 1] == '.')
				dots = s + k;
		if (dots) {
			int a = weekday_index(s + i, (size_t)(dots - s - i));
			int b = weekday_index(dots + 2, (size_t)(s + j - dots - 2));
			if (a < 0 || b < 0)
				return bad(err, expr, _("not a weekday range"), s + i, j - i);
			if (b < a) /* as systemd: Sat..Mon does not wrap; write Sat,Sun,Mon */
				return bad(err, expr, _("a range runs backwards"), s + i, j - i);
			for (int d = a; d <= b; d++)
				*mask |= 1 << d;
		} else {
			int a = weekday_index(s + i, j - i);
			if (a < 0)
				return bad(err, expr, _("not a weekday"), s + i, j - i);
			*mask |= 1 << a;
		}
		i = j + 1;
		if (j == n - 1 && s[j] == ',')
			return bad(err, expr, _("a list ends with a comma"), s, n);
	}
	return 0;
}

static int
parse_uint(const char *s, size_t n, int *v)
{
	if (!n || n > 4)
		return -1;
	int x = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

/*
 * Parses one field ("*", "5", "1,15", "1..5", "*\/15", "8..18/2") allowing
 * values lo..hi; offset is subtracted before storing (years).
 */
static int
parse_field(const char *expr, const char *s, size_t n, int lo, int hi, int offset,
	    struct field *f, char *err)
{
	if (n == 0)
		return bad(err, expr, _("a field is empty"), s, 1);
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != ',')
			j++;
		if (j == i)
			return bad(err, expr, _("a list has an empty item"), s, n);
		const char *p = s + i;
		size_t len = j - i;
		const char *slash = memchr(p, '/', len);
		size_t rlen = slash ? (size_t)(slash - p) : len;
		int a, b, step = 0;
		if (slash) {
			if (parse_uint(slash + 1, len - rlen - 1, &step) < 0 || step <= 0)
				return bad(err, expr, _("a repetition needs a step of 1 or more"), p, len);
		}
		if (rlen == 1 && p[0] == '*') {
			a = lo;
			b = hi;
			if (!slash && i == 0 && j == n)
				f->any = 1;
		} else {
			const char *dots = NULL;
			for (size_t k = 0; k + 1 < rlen; k++)
				if (p[k] == '.' && p[k + 1] == '.')
					dots = p + k;
			if (dots) {
				if (parse_uint(p, (size_t)(dots - p), &a) < 0 ||
				    parse_uint(dots + 2, (size_t)(p + rlen - dots - 2), &b) < 0)
					return bad(err, expr, _("not a number range"), p, len);
			} else {
				if (parse_uint(p, rlen, &a) < 0)
					return bad(err, expr, _("not a number"), p, len);
				b = slash ? hi : a;
			}
		}
		if (a < lo || a > hi || b < lo || b > hi)
			return bad(err, expr, _("a value is out of range"), p, len);
		if (b < a)
			return bad(err, expr, _("a range runs backwards"), p, len);
		for (int v = a; v <= b; v += step ? step : 1)
			set_bit(f, v - offset);
		i = j + 1;
		if (j == n - 1 && s[j] == ',')
			return bad(err, expr, _("a list ends with a comma"), s, n);
	}
	return 0;
}

static int
parse_date(const char *expr, struct sched_cal *c, const char *s, size_t n, char *err)
{
	/* YEAR-MONTH-DAY, MONTH-DAY, and "~" for days from the end */
	const char *parts[3];
	size_t lens[3];
	int k = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '-' || s[i] == '~') {
			if (k == 3)
				return bad(err, expr, _("a date has at most three parts"), s, n);
			if (i < n && s[i] == '~') {
				if (c->from_end)
					return bad(err, expr, _("only one '~'"), s, n);
				c->from_end = k + 1; /* the part after it is the day */
			}
			parts[k] = s + start;
			lens[k] = i - start;
			k++;
			start = i + 1;
		}
	}
	if (k < 2)
		return bad(err, expr, _("a date is YEAR-MONTH-DAY or MONTH-DAY"), s, n);
	int y = k == 3 ? 0 : -1;
	if (c->from_end && c->from_end != k - 1)
		return bad(err, expr, _("'~' goes between the month and the day"), s, n);
	if (y == 0 && parse_field(expr, parts[0], lens[0], YEAR_MIN, YEAR_MAX, YEAR_MIN, &c->year,
				  err) < 0)
		return -1;
	if (y < 0) {
		set_all(&c->year, 0, YEAR_MAX - YEAR_MIN);
		c->year.any = 1;
	}
	if (parse_field(expr, parts[k - 2], lens[k - 2], 1, 12, 0, &c->month, err) < 0)
		return -1;
	return parse_field(expr, parts[k - 1], lens[k - 1], 1, 31, 0, &c->day, err);
}

static int
parse_time(const char *expr, struct sched_cal *c, const char *s, size_t n, char *err)
{
	const char *parts[3];
	size_t lens[3];
	int k = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == ':') {
			if (k == 3)
				return bad(err, expr, _("a time has at most three parts"), s, n);
			parts[k] = s + start;
			lens[k] = i - start;
			k++;
			start = i + 1;
		}
	}
	if (k < 2)
		return bad(err, expr, _("a time is HOUR:MINUTE[:SECOND]"), s, n);
	if (parse_field(expr, parts[0], lens[0], 0, 23, 0, &c->hour, err) < 0 ||
	    parse_field(expr, parts[1], lens[1], 0, 59, 0, &c->minute, err) < 0)
		return -1;
	if (k == 3)
		return parse_field(expr, parts[2], lens[2], 0, 59, 0, &c->second, err);
	set_bit(&c->second, 0);
	return 0;
}

static const struct {
	const char *name, *expansion;
} shorthands[] = {
	{ "minutely", "*-*-* *:*:00" }, { "hourly", "*-*-* *:00:00" },
	{ "daily", "*-*-* 00:00:00" }, { "monthly", "*-*-01 00:00:00" },
	{ "weekly", "Mon *-*-* 00:00:00" }, { "yearly", "*-01-01 00:00:00" },
	{ "annually", "*-01-01 00:00:00" }, { "quarterly", "*-01,04,07,10-01 00:00:00" },
	{ "semiannually", "*-01,07-01 00:00:00" },
};

struct sched_cal *
sched_cal_parse(const char *expr, char *err)
{
	if (!expr || strlen(expr) > MAX_EXPR) {
		err_set(err, _("A calendar expression is at most %d characters."), MAX_EXPR);
		return NULL;
	}
	for (const unsigned char *p = (const unsigned char *)expr; *p; p++)
		if (*p < 0x20 || *p > 0x7e) {
			err_set(err, _("'%s': only letters, digits and - : , . / * ~ may appear; see systemd.time(7)"),
				expr);
			return NULL;
		}
	const char *text = expr;
	while (*text == ' ')
		text++;
	for (size_t i = 0; i < ARRAY_LEN(shorthands); i++)
		if (strcasecmp(text, shorthands[i].name) == 0)
			text = shorthands[i].expansion;
	struct sched_cal *c = xcalloc(1, sizeof *c);
	c->text = xstrdup(expr);
	/* split into up to three words */
	const char *w[4];
	size_t wl[4];
	int nw = 0;
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		if (nw == 3) {
			bad(err, expr, _("too many parts"), p, strlen(p));
			goto fail;
		}
		w[nw] = p;
		wl[nw] = (size_t)(q - p);
		nw++;
		p = q;
	}
	if (nw == 0) {
		err_set(err, _("The calendar expression is empty; write for example \"*-*-* 05:30:00\"."));
		goto fail;
	}
	int i = 0;
	if (isalpha((unsigned char)w[0][0])) {
		if (parse_weekdays(expr, w[0], wl[0], &c->weekdays, err) < 0)
			goto fail;
		i = 1;
	}
	int have_date = 0, have_time = 0;
	for (; i < nw; i++) {
		if (memchr(w[i], ':', wl[i])) {
			if (have_time || parse_time(expr, c, w[i], wl[i], err) < 0) {
				if (have_time)
					bad(err, expr, _("two times"), w[i], wl[i]);
				goto fail;
			}
			have_time = 1;
		} else if (memchr(w[i], '-', wl[i]) || memchr(w[i], '~', wl[i])) {
			if (have_date || have_time || parse_date(expr, c, w[i], wl[i], err) < 0) {
				if (have_date || have_time)
					bad(err, expr, _("the date must come before the time, once"),
					    w[i], wl[i]);
				goto fail;
			}
			have_date = 1;
		} else {
			bad(err, expr, _("neither a date nor a time"), w[i], wl[i]);
			goto fail;
		}
	}
	if (!have_date) {
		set_all(&c->year, 0, YEAR_MAX - YEAR_MIN);
		set_all(&c->month, 1, 12);
		set_all(&c->day, 1, 31);
		c->year.any = c->month.any = c->day.any = 1;
	}
	if (!have_time) {
		set_bit(&c->hour, 0);
		set_bit(&c->minute, 0);
		set_bit(&c->second, 0);
	}
	return c;
fail:
	sched_cal_free(c);
	return NULL;
}

void
sched_cal_free(struct sched_cal *c)
{
	if (!c)
		return;
	free(c->text);
	free(c);
}

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Day of the week, 0 = Monday. */
static int
weekday(int y, int m, int d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
	if (m < 3)
		y--;
	int w = (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7; /* 0 = Sunday */
	return (w + 6) % 7;
}

static int
day_ok(const struct sched_cal *c, int y, int m, int d)
{
	int n = days_in(y, m);
	if (d > n)
		return 0;
	int key = c->from_end ? n - d + 1 : d;
	if (!has_bit(&c->day, key))
		return 0;
	return !c->weekdays || (c->weekdays >> weekday(y, m, d)) & 1;
}

static int
next_in(const struct field *f, int from, int hi)
{
	for (int v = from; v <= hi; v++)
		if (has_bit(f, v))
			return v;
	return -1;
}

int64_t
sched_cal_next(const struct sched_cal *c, int64_t after_s)
{
	time_t t = (time_t)(after_s + 1);
	struct tm tm;
	localtime_r(&t, &tm);
	int y = tm.tm_year + 1900, mo = tm.tm_mon + 1, d = tm.tm_mday;
	int h = tm.tm_hour, mi = tm.tm_min, s = tm.tm_sec;
	for (int guard = 0; guard < 100000; guard++) {
		if (y > YEAR_MAX)
			return -1;
		if (!has_bit(&c->year, y - YEAR_MIN)) {
			int ny = next_in(&c->year, y - YEAR_MIN + 1, YEAR_MAX - YEAR_MIN);
			if (ny < 0)
				return -1;
			y = ny + YEAR_MIN, mo = 1, d = 1, h = mi = s = 0;
		}
		int nm = next_in(&c->month, mo, 12);
		if (nm < 0) {
			y++, mo = 1, d = 1, h = mi = s = 0;
			continue;
		}
		if (nm != mo)
			mo = nm, d = 1, h = mi = s = 0;
		while (d <= days_in(y, mo) && !day_ok(c, y, mo, d))
			d++, h = mi = s = 0;
		if (d > days_in(y, mo)) {
			mo++, d = 1, h = mi = s = 0;
			if (mo > 12)
				y++, mo = 1;
			continue;
		}
		int nh = next_in(&c->hour, h, 23);
		if (nh < 0) {
			d++, h = mi = s = 0;
			goto carry_day;
		}
		if (nh != h)
			h = nh, mi = s = 0;
		int nmi = next_in(&c->minute, mi, 59);
		if (nmi < 0) {
			h++, mi = s = 0;
			if (h > 23) {
				d++, h = 0;
				goto carry_day;
			}
			continue;
		}
		if (nmi != mi)
			mi = nmi, s = 0;
		int ns = next_in(&c->second, s, 59);
		if (ns < 0) {
			mi++, s = 0;
			if (mi > 59) {
				h++, mi = 0;
				if (h > 23) {
					d++, h = 0;
					goto carry_day;
				}
			}
			continue;
		}
		s = ns;
		/* a candidate in local time: it may not exist (a DST gap) */
		struct tm want = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
				   .tm_min = mi, .tm_sec = s, .tm_isdst = -1 };
		struct tm copy = want;
		time_t r = mktime(&copy);
		if (r != (time_t)-1 && copy.tm_hour == h && copy.tm_min == mi && copy.tm_mday == d &&
		    (int64_t)r > after_s)
			return (int64_t)r;
		s++;
		if (s > 59) {
			s = 0, mi++;
			if (mi > 59) {
				mi = 0, h++;
				if (h > 23) {
					h = 0, d++;
					goto carry_day;
				}
			}
		}
		continue;
	carry_day:
		if (d > days_in(y, mo)) {
			d = 1, mo++;
			if (mo > 12)
				mo = 1, y++;
		}
	}
	return -1;
}

static void
print_field(struct sbuf *b, const struct field *f, int lo, int hi, int offset, int width)
{
	if (f->any) {
		sbuf_addc(b, '*');
		return;
	}
	int first = 1;
	for (int v = lo; v <= hi; v++) {
		if (!has_bit(f, v - offset))
			continue;
		/* a run of three or more consecutive values prints as a range */
		int e = v;
		while (e + 1 <= hi && has_bit(f, e + 1 - offset))
			e++;
		if (!first)
			sbuf_addc(b, ',');
		first = 0;
		if (e - v >= 2) {
			sbuf_addf(b, "%0*d..%0*d", width, v, width, e);
			v = e;
		} else {
			sbuf_addf(b, "%0*d", width, v);
		}
	}
}

char *
sched_cal_normalized(const struct sched_cal *c)
{
	struct sbuf b = { 0 };
	if (c->weekdays) {
		int first = 1;
		for (int d = 0; d < 7; d++) {
			if (!((c->weekdays >> d) & 1))
				continue;
			int e = d;
			while (e + 1 < 7 && ((c->weekdays >> (e + 1)) & 1))
				e++;
			sbuf_addf(&b, "%s%s", first ? "" : ",", wd_short[d]);
			if (e - d >= 2) {
				sbuf_addf(&b, "..%s", wd_short[e]);
				d = e;
			}
			first = 0;
		}
		sbuf_addc(&b, ' ');
	}
	print_field(&b, &c->year, YEAR_MIN, YEAR_MAX, YEAR_MIN, 4);
	sbuf_addc(&b, '-');
	print_field(&b, &c->month, 1, 12, 0, 2);
	sbuf_addc(&b, c->from_end ? '~' : '-');
	print_field(&b, &c->day, 1, 31, 0, 2);
	sbuf_addc(&b, ' ');
	print_field(&b, &c->hour, 0, 23, 0, 2);
	sbuf_addc(&b, ':');
	print_field(&b, &c->minute, 0, 59, 0, 2);
	sbuf_addc(&b, ':');
	print_field(&b, &c->second, 0, 59, 0, 2);
	return sbuf_steal(&b);
}
