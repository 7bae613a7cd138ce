/*
 * Calendar events in the syntax of systemd.time(7), so that a slot's `when`
 * falls exactly where `systemd-analyze calendar` says it does:
 *
 *     [WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]] [UTC]
 *
 * Each number may be "*", a value, a range "1..5", a repetition "START/STEP"
 * or "A..B/STEP", or a comma list of these; "~" before the day counts days
 * from the end of the month; "@SECONDS" is one instant; and the shorthands
 * minutely, hourly, daily, weekly, monthly, yearly (annually), quarterly and
 * semiannually (biannually) stand for their systemd expansions.  Time zones
 * other than UTC are refused: slots use the configured zone (TZ).
 *
 * A field is kept as systemd keeps it, a list of (start, stop, step) parts,
 * so the normalized form prints the same.  The next instant is found by
 * walking the fields from the year down to the second, each time jumping to
 * the next value the field allows and carrying into the field above when
 * there is none.  Each step checks the candidate with mktime() and, when
 * it does not exist (April 31st, minute 74, 02:30 in a DST gap), goes on
 * from where mktime() put it, with systemd's exact rule, so that both give
 * the same instants.  Where systemd leaves it to mktime()'s guess (the hour
 * that happens twice when DST ends), the first occurrence is taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "scheduler/scheduler.h"

#define YEAR_MIN 1970
#define YEAR_MAX 2199
#define EXPR_MAX 1024 /* characters */
#define PARTS_MAX 240 /* parts in one field's list, as systemd allows */
#define WALK_MAX 100000 /* steps of one search: far more than 230 years need */

/* The unit test counts the walk's steps, to show there is no brute force. */
#ifndef CAL_STEP
#define CAL_STEP() ((void)0)
#endif

struct part {
	int start, stop, step; /* stop -1: no end; step 0: a single value */
};

/* No parts means "*": any value. */
struct field {
	struct part *p;
	int n;
};

enum { F_YEAR, F_MONTH, F_DAY, F_HOUR, F_MINUTE, F_SECOND, F_N };

struct sched_cal {
	int weekdays;    /* bit 0 = Monday; 0 = any day */
	int end_of_month; /* the day counts back from the month's end ("~") */
	int utc;
	struct field f[F_N];
};

static const struct {
	const char *what; /* for messages: "the hour" */
	int lo, hi;
} limits[F_N] = {
	[F_YEAR] = { N_("the year"), YEAR_MIN, YEAR_MAX },
	[F_MONTH] = { N_("the month"), 1, 12 },
	[F_DAY] = { N_("the day"), 1, 31 },
	[F_HOUR] = { N_("the hour"), 0, 23 },
	[F_MINUTE] = { N_("the minute"), 0, 59 },
	[F_SECOND] = { N_("the second"), 0, 59 },
};

static const char *const wd_names[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const wd_long[] = { "Monday", "Tuesday", "Wednesday", "Thursday",
				       "Friday", "Saturday", "Sunday" };

/* ---- Errors ---- */

struct parser {
	const char *expr; /* the whole expression, for messages */
	char *err;
	struct sched_cal *c;
	const char *at[F_N]; /* where each field was written */
};

/* The expression as a message can show it: printable and not too long. */
static void
shown(const char *s, size_t n, char *out, size_t outlen)
{
	size_t k = 0;
	for (size_t i = 0; i < n && s[i] && k + 4 < outlen; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (i >= 60) {
			memcpy(out + k, "...", 3);
			k += 3;
			break;
		}
		out[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[k] = 0;
}

/* A token: from s to the next separator, for "at 'TOKEN'". */
static size_t
token_len(const char *s)
{
	size_t n = strcspn(s, " ,-~:");
	if (n == 0 && *s)
		n = 1;
	return n;
}

static int
fail_at(struct parser *ps, const char *at, size_t n, const char *what)
{
	char e[80], t[80];
	shown(ps->expr, strlen(ps->expr), e, sizeof e);
	shown(at, n, t, sizeof t);
	err_set(ps->err, _("'%s': %s at '%s'; see systemd.time(7)"), e, what, t);
	return -1;
}

static int
fail_tok(struct parser *ps, const char *at, const char *what)
{
	return fail_at(ps, at, token_len(at), what);
}

/* ---- Parsing ---- */

static int
add_part(struct parser *ps, struct field *f, int start, int stop, int step, const char *at)
{
	if (f->n == PARTS_MAX)
		return fail_tok(ps, at, _("a list may have at most 240 items"));
	f->p = xrealloc(f->p, (size_t)(f->n + 1) * sizeof *f->p);
	f->p[f->n++] = (struct part){ start, stop, step };
	return 0;
}

/* Reads decimal digits (at least one); values beyond INT_MAX are refused. */
static int
number(struct parser *ps, const char **s, int *v)
{
	const char *p = *s;
	if (*p < '0' || *p > '9')
		return fail_tok(ps, p, _("expected a number or '*'"));
	long long x = 0;
	while (*p >= '0' && *p <= '9') {
		x = x * 10 + (*p - '0');
		if (x > 0x7fffffff)
			return fail_tok(ps, *s, _("the number is too large"));
		p++;
	}
	*v = (int)x;
	*s = p;
	return 0;
}

static const char *
no_fraction(int seconds)
{
	return seconds ? _("fractions of a second are not supported")
		       : _("unexpected character in a number");
}

/*
 * One field: "*" or a list of NUMBER[..NUMBER][/NUMBER].  Stops at the
 * first character that is not part of it; the caller checks what follows.
 * Seconds may not be a range with both ends equal written without a step
 * ("5..5"): systemd 252 refuses that, so we do too.
 */
static int
parse_field(struct parser *ps, const char **s, struct field *f, int seconds)
{
	const char *p = *s;
	if (*p == '*') {
		if (p[1] == '/' || p[1] == '.')
			return fail_tok(ps, p, _("'*' cannot take a step or a range; write 0/15 for every 15"));
		if (seconds)
			add_part(ps, f, 0, -1, 1, p); /* every second, printed "*" */
		*s = p + 1;
		return 0;
	}
	for (;;) {
		const char *item = p;
		int start, stop = -1, step = 0;
		if (number(ps, &p, &start) < 0)
			return -1;
		if (p[0] == '.' && p[1] != '.')
			return fail_tok(ps, item, no_fraction(seconds));
		int ranged = 0;
		if (p[0] == '.' && p[1] == '.') {
			p += 2;
			if (*p < '0' || *p > '9')
				return fail_tok(ps, item, _("a range needs an end, as in 1..5"));
			if (number(ps, &p, &stop) < 0)
				return -1;
			if (p[0] == '.' && p[1] != '.')
				return fail_tok(ps, item, no_fraction(seconds));
			step = 1;
			ranged = 1;
		}
		if (*p == '/') {
			p++;
			if (*p < '0' || *p > '9')
				return fail_tok(ps, item, _("a repetition needs a step, as in 0/15"));
			if (number(ps, &p, &step) < 0)
				return -1;
			if (step == 0)
				return fail_tok(ps, item, _("a repetition by zero never moves on"));
			if (*p == '.')
				return fail_tok(ps, item, no_fraction(seconds));
			ranged = 0;
		}
		if (!strchr(" ,-~:", *p))
			return fail_tok(ps, item, _("unexpected character in a number"));
		if (seconds && ranged && start == stop)
			return fail_tok(ps, item, _("a range of seconds must span two values or more"));
		if (add_part(ps, f, start, stop, step, item) < 0)
			return -1;
		if (*p != ',')
			break;
		p++;
		if (*p < '0' || *p > '9')
			return fail_at(ps, *s, (size_t)(p - *s), _("a list has an empty item"));
	}
	*s = p;
	return 0;
}

static int
weekday_at(const char *s, size_t *len)
{
	for (int i = 0; i < 7; i++) {
		size_t n = strlen(wd_long[i]);
		if (strncasecmp(s, wd_long[i], n) == 0) {
			*len = n;
			return i;
		}
		if (strncasecmp(s, wd_names[i], 3) == 0) {
			*len = 3;
			return i;
		}
	}
	return -1;
}

/*
 * "Mon", "Mon..Fri", "Sat,Sun", "Mon,Wed..Fri" (and systemd's old "Mon-Fri").
 * Leaves *s alone when the expression does not start with a letter.
 */
static int
parse_weekdays(struct parser *ps, const char **s)
{
	static const char *const bad_day = N_("not a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
	const char *p = *s;
	int from = -1;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	for (;;) {
		size_t n;
		const char *name = p;
		int d = weekday_at(p, &n);
		if (strcspn(name, " ,.-") == 0)
			return fail_at(ps, *s, strcspn(*s, " "), _("a list has an empty item"));
		if (d < 0 || !strchr(" ,.-", p[n]))
			return fail_at(ps, name, strcspn(name, " ,.-"), _(bad_day));
		p += n;
		if (from >= 0) {
			if (from > d)
				return fail_at(ps, *s, strcspn(*s, " ,"),
					       _("a weekday range runs backwards (write Sat,Sun,Mon)"));
			for (int k = from; k < d; k++)
				ps->c->weekdays |= 1 << k;
		}
		ps->c->weekdays |= 1 << d;
		if (*p == 0 || *p == ' ') {
			*s = p + strspn(p, " ");
			return 0;
		}
		if (*p == '.' || *p == '-') {
			if (from >= 0)
				return fail_at(ps, *s, strcspn(*s, " ,"),
					       _("a weekday range has two ends, as in Mon..Fri"));
			if (*p == '.' && p[1] != '.')
				return fail_at(ps, name, strcspn(name, " ,"),
					       _("a weekday range is written with '..', as in Mon..Fri"));
			from = d;
			p += *p == '.' ? 2 : 1;
		} else { /* ',' */
			from = -1;
			p++;
		}
		if (*p == 0 || *p == ' ') {
			if (from >= 0)
				return fail_at(ps, name, (size_t)(p - name),
					       _("a weekday range needs an end, as in Mon..Fri"));
			*s = p + strspn(p, " ");
			return 0;
		}
	}
}

static void
field_clear(struct field *f)
{
	free(f->p);
	f->p = NULL;
	f->n = 0;
}

/* YEAR-MONTH-DAY or MONTH-DAY, "~" instead of the last "-".  Returns 1 for "@SECONDS". */
static int
parse_date(struct parser *ps, const char **s)
{
	struct sched_cal *c = ps->c;
	const char *p = *s;
	if (*p == 0)
		return 0;
	if (*p == '@') {
		const char *q = p + 1;
		int v;
		if (number(ps, &q, &v) < 0)
			return -1;
		if (*q)
			return fail_tok(ps, q, _("nothing may follow an @SECONDS instant"));
		time_t t = v;
		struct tm tm;
		gmtime_r(&t, &tm);
		add_part(ps, &c->f[F_YEAR], tm.tm_year + 1900, -1, 0, p);
		add_part(ps, &c->f[F_MONTH], tm.tm_mon + 1, -1, 0, p);
		add_part(ps, &c->f[F_DAY], tm.tm_mday, -1, 0, p);
		add_part(ps, &c->f[F_HOUR], tm.tm_hour, -1, 0, p);
		add_part(ps, &c->f[F_MINUTE], tm.tm_min, -1, 0, p);
		add_part(ps, &c->f[F_SECOND], tm.tm_sec, -1, 0, p);
		c->utc = 1;
		*s = q;
		return 1;
	}
	struct field parts[3] = { { 0 } };
	const char *at[3];
	int k = 0, rc = -1;
	at[0] = p;
	if (parse_field(ps, &p, &parts[0], 0) < 0)
		goto out;
	if (*p == 0 || *p == ':') { /* a time, not a date */
		rc = 0;
		goto out;
	}
	for (k = 1; k < 3; k++) {
		if (*p == '~') {
			if (c->end_of_month) {
				fail_tok(ps, p, _("'~' may appear once, before the day"));
				goto out;
			}
			c->end_of_month = 1;
		} else if (*p != '-') {
			fail_tok(ps, p, *p == ':' ? _("a date and a time are separated by a space")
					      : _("unexpected character in the date"));
			goto out;
		}
		p++;
		at[k] = p;
		if (parse_field(ps, &p, &parts[k], 0) < 0)
			goto out;
		if (*p == 0 || *p == ' ')
			break;
		if (c->end_of_month) {
			fail_tok(ps, at[k - 1], _("'~' goes between the month and the day"));
			goto out;
		}
		if (k == 2) {
			fail_tok(ps, p, *p == ':' ? _("a date and a time are separated by a space")
					      : _("a date has at most three parts, YEAR-MONTH-DAY"));
			goto out;
		}
	}
	int y = k == 2 ? 0 : -1;
	if (y == 0) {
		c->f[F_YEAR] = parts[0];
		ps->at[F_YEAR] = at[0];
	}
	c->f[F_MONTH] = parts[y + 1];
	c->f[F_DAY] = parts[y + 2];
	ps->at[F_MONTH] = at[y + 1];
	ps->at[F_DAY] = at[y + 2];
	memset(parts, 0, sizeof parts);
	*s = p + strspn(p, " ");
	rc = 0;
out:
	for (int i = 0; i < 3; i++)
		field_clear(&parts[i]);
	return rc;
}

/* What follows a complete time: another time, or a date put after the time. */
static int
fail_after_time(struct parser *ps, const char *p)
{
	const char *next = p + strspn(p, " ");
	size_t n = strcspn(next, " ");
	if (*p == ' ' && (memchr(next, '-', n) || memchr(next, '~', n)))
		return fail_at(ps, next, n, _("the date must come before the time, once"));
	if (*p == ' ')
		return fail_at(ps, next, n, _("only one time may be given; use lists as in 08,17:00"));
	if (*p == ':')
		return fail_tok(ps, p, _("a time has at most three parts, HOUR:MINUTE:SECOND"));
	return fail_tok(ps, p, _("unexpected character in the time"));
}

/* HOUR:MINUTE[:SECOND]; none at all means 00:00:00. */
static int
parse_time(struct parser *ps, const char **s)
{
	struct sched_cal *c = ps->c;
	const char *p = *s;
	if (*p == 0) {
		add_part(ps, &c->f[F_HOUR], 0, -1, 0, p);
		add_part(ps, &c->f[F_MINUTE], 0, -1, 0, p);
		add_part(ps, &c->f[F_SECOND], 0, -1, 0, p);
		return 0;
	}
	const char *start = p;
	ps->at[F_HOUR] = p;
	if (parse_field(ps, &p, &c->f[F_HOUR], 0) < 0)
		return -1;
	if (*p != ':')
		return fail_at(ps, start, strcspn(start, " "),
			       _("a time is HOUR:MINUTE or HOUR:MINUTE:SECOND"));
	p++;
	ps->at[F_MINUTE] = p;
	if (parse_field(ps, &p, &c->f[F_MINUTE], 0) < 0)
		return -1;
	if (*p == 0) {
		add_part(ps, &c->f[F_SECOND], 0, -1, 0, p);
		*s = p;
		return 0;
	}
	if (*p != ':')
		return fail_after_time(ps, p);
	p++;
	ps->at[F_SECOND] = p;
	if (parse_field(ps, &p, &c->f[F_SECOND], 1) < 0)
		return -1;
	if (*p)
		return fail_after_time(ps, p);
	*s = p;
	return 0;
}

/* ---- Normalizing and checking, as systemd does before it accepts ---- */

static int
part_cmp(const void *a, const void *b)
{
	const struct part *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->stop != y->stop)
		return x->stop < y->stop ? -1 : 1;
	return x->step < y->step ? -1 : x->step > y->step;
}

static void
normalize_field(struct field *f)
{
	for (int i = 0; i < f->n; i++) {
		struct part *q = &f->p[i];
		/* a range ends on its last value; a range of one value is that value */
		if (q->stop > q->start && q->step > 0)
			q->stop -= (q->stop - q->start) % q->step;
		if (q->stop == q->start) {
			q->stop = -1;
			q->step = 0;
		}
	}
	if (f->n > 1)
		qsort(f->p, (size_t)f->n, sizeof *f->p, part_cmp);
	int k = 0;
	for (int i = 0; i < f->n; i++)
		if (k == 0 || part_cmp(&f->p[k - 1], &f->p[i]) != 0)
			f->p[k++] = f->p[i];
	f->n = k;
}

static int
check_field(struct parser *ps, int which)
{
	const char *at = ps->at[which] ? ps->at[which] : ps->expr;
	size_t atn = strcspn(at, " -~:");
	const struct field *f = &ps->c->f[which];
	int lo = limits[which].lo, hi = limits[which].hi;
	int eom = which == F_DAY && ps->c->end_of_month;
	const char *what = _(limits[which].what);
	char msg[160];
	for (int i = 0; i < f->n; i++) {
		const struct part *q = &f->p[i];
		/*
		 * The 28th day from the end is the first of February.  systemd
		 * takes 3 more off for each further item of a "~" list (a quirk
		 * of its check); we refuse what it refuses, so both agree.
		 */
		if (eom)
			hi = 31 - 3 * (i + 1);
		if (hi < lo) {
			snprintf(msg, sizeof msg, _("%s counted from the month's end may list at most 10 items"), what);
			return fail_at(ps, at, atn, msg);
		}
		if (q->start < lo || q->start > hi || (q->stop >= 0 && (q->stop < lo || q->stop > hi))) {
			snprintf(msg, sizeof msg,
				 eom ? _("%s counted from the month's end must be %d..%d")
				     : _("%s must be %d..%d"),
				 what, lo, hi);
			return fail_at(ps, at, atn, msg);
		}
		if (q->step > hi - lo) {
			snprintf(msg, sizeof msg, _("the step %d is too large for %s"), q->step, what);
			return fail_at(ps, at, atn, msg);
		}
		if (q->stop >= 0 && q->start + q->step > q->stop)
			return fail_at(ps, at, atn, _("a range runs backwards"));
		if (q->stop < 0 && q->step > 0 &&
		    (eom ? q->start - q->step < lo : q->start + q->step > hi)) {
			snprintf(msg, sizeof msg, _("the repetition would never repeat: %s stops at %d"),
				 what, eom ? lo : hi);
			return fail_at(ps, at, atn, msg);
		}
	}
	return 0;
}

static void
fix_years(struct field *f)
{
	/* two-digit years: 25 is 2025, 89 is 1989 */
	for (int i = 0; i < f->n; i++) {
		int *v[2] = { &f->p[i].start, &f->p[i].stop };
		for (int k = 0; k < 2; k++) {
			if (*v[k] >= 0 && *v[k] < 70)
				*v[k] += 2000;
			else if (*v[k] >= 70 && *v[k] < 100)
				*v[k] += 1900;
		}
	}
}

static const struct {
	const char *name, *expansion;
} shorthands[] = {
	{ "minutely", "*-*-* *:*:00" },
	{ "hourly", "*-*-* *:00:00" },
	{ "daily", "*-*-* 00:00:00" },
	{ "monthly", "*-*-01 00:00:00" },
	{ "weekly", "Mon *-*-* 00:00:00" },
	{ "yearly", "*-01-01 00:00:00" },
	{ "annually", "*-01-01 00:00:00" },
	{ "anually", "*-01-01 00:00:00" },
	{ "quarterly", "*-01,04,07,10-01 00:00:00" },
	{ "semiannually", "*-01,07-01 00:00:00" },
	{ "semi-annually", "*-01,07-01 00:00:00" },
	{ "biannually", "*-01,07-01 00:00:00" },
	{ "bi-annually", "*-01,07-01 00:00:00" },
};

/* A trailing word that names a time zone: "CET", "EST5EDT", "+07", "Asia/Ho_Chi_Minh". */
static const char *
zone_suffix(const char *s)
{
	const char *sp = strrchr(s, ' ');
	if (!sp || sp == s || !sp[1])
		return NULL;
	const char *w = sp + 1;
	size_t n;
	if (weekday_at(w, &n) >= 0 && strlen(w) == n)
		return NULL;
	if ((*w == '+' || *w == '-') && w[1] >= '0' && w[1] <= '9')
		return w;
	int upper = 0, other = 0, slash = 0;
	for (const char *p = w; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			upper++;
		else if (*p == '/')
			slash = 1;
		else if (!(*p >= '0' && *p <= '9'))
			other = 1;
	}
	if ((slash && upper) || (upper >= 2 && !other))
		return w;
	return NULL;
}

struct sched_cal *
sched_cal_parse(const char *expr, char *err)
{
	struct parser ps = { .expr = expr ? expr : "", .err = err };
	if (!expr || !*expr) {
		err_set(err, _("'': the calendar expression is empty; write for example '*-*-* 05:30:00' or 'Mon..Fri 17:00'; see systemd.time(7)"));
		return NULL;
	}
	size_t len = strlen(expr);
	if (len > EXPR_MAX) {
		char e[80];
		shown(expr, len, e, sizeof e);
		err_set(err, _("'%s': the calendar expression is longer than %d characters; see systemd.time(7)"),
			e, EXPR_MAX);
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)expr[i];
		if (ch < 0x20 || ch > 0x7e) {
			char e[80], what[120];
			shown(expr, len, e, sizeof e);
			snprintf(what, sizeof what,
				 _("unexpected byte 0x%02x at position %zu (only letters, digits, spaces and - : , . / * ~ @ may appear)"),
				 ch, i + 1);
			err_set(err, _("'%s': %s; see systemd.time(7)"), e, what);
			return NULL;
		}
	}
	if (expr[0] == ' ') {
		fail_at(&ps, expr, strspn(expr, " "), _("the expression starts with a space"));
		return NULL;
	}

	struct sched_cal *c = xcalloc(1, sizeof *c);
	ps.c = c;
	char *text = xstrdup(expr);
	if (len > 4 && strcasecmp(text + len - 4, " UTC") == 0) {
		c->utc = 1;
		text[len - 4] = 0;
	} else {
		const char *z = zone_suffix(text);
		if (z) {
			fail_at(&ps, expr + (z - text), strlen(z),
				_("time zones other than UTC are not supported; slots use the configured timezone"));
			goto fail;
		}
	}
	if (text[strlen(text) - 1] == ' ') {
		const char *e = text + strlen(text);
		while (e > text && e[-1] == ' ')
			e--;
		fail_at(&ps, expr + (e - text), strspn(e, " "), _("the expression ends with a space"));
		goto fail;
	}

	const char *p = text;
	for (size_t i = 0; i < ARRAY_LEN(shorthands); i++)
		if (strcasecmp(text, shorthands[i].name) == 0)
			p = shorthands[i].expansion;

	if (parse_weekdays(&ps, &p) < 0)
		goto fail;
	int r = parse_date(&ps, &p);
	if (r < 0)
		goto fail;
	if (r == 0 && parse_time(&ps, &p) < 0)
		goto fail;
	if (*p) {
		fail_tok(&ps, p, _("unexpected text"));
		goto fail;
	}

	/* normalize, then check, as systemd does */
	if (c->weekdays == 0x7f)
		c->weekdays = 0;
	if (c->end_of_month && c->f[F_DAY].n == 0)
		c->end_of_month = 0;
	fix_years(&c->f[F_YEAR]);
	for (int i = 0; i < F_N; i++)
		normalize_field(&c->f[i]);
	for (int i = 0; i < F_N; i++)
		if (check_field(&ps, i) < 0)
			goto fail;
	free(text);
	return c;
fail:
	/* a message pointing into the copy must not outlive it: it was formatted already */
	free(text);
	sched_cal_free(c);
	return NULL;
}

void
sched_cal_free(struct sched_cal *c)
{
	if (!c)
		return;
	for (int i = 0; i < F_N; i++)
		free(c->f[i].p);
	free(c);
}

/* ---- The next instant ---- */

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static time_t
to_time(struct tm *tm, int utc)
{
	return utc ? timegm(tm) : mktime(tm);
}

/*
 * The smallest value >= v that the field allows; the day of a "~" field is
 * counted back from the end of month (y, m).  -1: none; 1: moved; 0: v is allowed.
 */
static int
next_value(const struct sched_cal *c, int which, int y, int m, int *v)
{
	const struct field *f = &c->f[which];
	if (f->n == 0)
		return 0;
	int best = -1;
	for (int i = 0; i < f->n; i++) {
		int start = f->p[i].start, stop = f->p[i].stop, step = f->p[i].step;
		if (which == F_DAY && c->end_of_month) {
			int n = days_in(y, m);
			start = n - start + 1;
			stop = stop < 0 ? -1 : n - stop + 1;
			if (stop > 0) {
				int t = start;
				start = stop;
				stop = t;
			}
		}
		int k = -1;
		if (start >= *v)
			k = start;
		else if (step > 0) {
			long long kk = start + (long long)step * (((long long)*v - start + step - 1) / step);
			if ((stop < 0 || kk <= stop) && kk <= 0x7fffffff)
				k = (int)kk;
		}
		if (k >= 0 && (best < 0 || k < best))
			best = k;
	}
	if (best < 0)
		return -1;
	int moved = best != *v;
	*v = best;
	return moved;
}

/*
 * Whether tm names a real local time: 1 yes.  0 no: mktime() moved it
 * forward (the 31st of April, minute 74, 02:30 in a DST gap); tm now holds
 * where it landed, with the unit below the one that changed reset, and the
 * walk starts again from there.  -1: past the last year, or moved backwards.
 * This is systemd's rule, quirks included (minute 74 at 23:00 lands on
 * 00:14, not 00:00), so that both give the same instants.
 */
static int
real_time(struct tm *tm, int utc)
{
	if (tm->tm_year + 1900 > YEAR_MAX)
		return -1;
	struct tm t = *tm;
	to_time(&t, utc);
	int d;
	if ((d = t.tm_year - tm->tm_year))
		t.tm_mon = 0;
	else if ((d = t.tm_mon - tm->tm_mon))
		t.tm_mday = 1;
	else if ((d = t.tm_mday - tm->tm_mday))
		t.tm_hour = 0;
	else if ((d = t.tm_hour - tm->tm_hour))
		t.tm_min = 0;
	else if ((d = t.tm_min - tm->tm_min))
		t.tm_sec = 0;
	else
		d = t.tm_sec - tm->tm_sec;
	if (d < 0)
		return -1;
	if (d > 0) {
		/*
		 * The DST flag of where mktime() landed (April) must not stick
		 * to the reset time (January 1st, an hour off): systemd keeps
		 * it and loops until it gives up; we let mktime() decide again.
		 */
		t.tm_isdst = -1;
		*tm = t;
		return 0;
	}
	return 1;
}

/*
 * The instant of a wall-clock time: when DST ends, the hour before the
 * change happens twice, and this takes the first occurrence after after_s
 * (mktime() alone would pick one by a guess that depends on earlier calls).
 * -1 when neither occurrence is after after_s.
 */
static int64_t
first_after(const struct tm *tm, int utc, int64_t after_s)
{
	struct tm x = *tm;
	if (utc) {
		int64_t t = (int64_t)timegm(&x);
		return t > after_s ? t : -1;
	}
	int64_t best = -1;
	for (int dst = 0; dst <= 1; dst++) {
		x = *tm;
		x.tm_isdst = dst;
		int64_t t = (int64_t)mktime(&x);
		if (x.tm_isdst != dst || x.tm_hour != tm->tm_hour || x.tm_min != tm->tm_min ||
		    x.tm_sec != tm->tm_sec || x.tm_mday != tm->tm_mday)
			continue; /* that reading does not exist at this date */
		if (t > after_s && (best < 0 || t < best))
			best = t;
	}
	if (best < 0) { /* neither reading is clean: trust mktime()'s own */
		x = *tm;
		x.tm_isdst = -1;
		int64_t t = (int64_t)mktime(&x);
		if (t > after_s)
			best = t;
	}
	return best;
}

/* Day of the week of a real date, 0 = Monday. */
static int
weekday_of(int y, int m, int d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
	if (m < 3)
		y--;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d + 6) % 7;
}

int64_t
sched_cal_next(const struct sched_cal *c, int64_t after_s)
{
	/* past the last year systemd knows (and keep time_t arithmetic sane) */
	if (after_s >= (int64_t)7258118400 || after_s < -(int64_t)86400 * 366 * 100)
		return -1;
	time_t t0 = (time_t)after_s;
	struct tm tm;
	if (c->utc)
		gmtime_r(&t0, &tm);
	else
		localtime_r(&t0, &tm);
	/* "strictly after": the seconds field is searched from after_s + a bit */
	int frac = 1;
	int r;
	for (int guard = 0; guard < WALK_MAX; guard++) {
		CAL_STEP();
		to_time(&tm, c->utc);
		tm.tm_isdst = -1;

		int v = tm.tm_year + 1900;
		r = next_value(c, F_YEAR, 0, 0, &v);
		if (r < 0)
			return -1;
		tm.tm_year = v - 1900;
		if (r > 0) {
			tm.tm_mon = 0;
			tm.tm_mday = 1;
			tm.tm_hour = tm.tm_min = tm.tm_sec = frac = 0;
		}
		if (real_time(&tm, c->utc) <= 0)
			return -1;

		v = tm.tm_mon + 1;
		r = next_value(c, F_MONTH, 0, 0, &v);
		tm.tm_mon = v - 1;
		if (r > 0) {
			tm.tm_mday = 1;
			tm.tm_hour = tm.tm_min = tm.tm_sec = frac = 0;
		}
		if (r < 0 || (r = real_time(&tm, c->utc)) < 0) {
			tm.tm_year++;
			tm.tm_mon = 0;
			tm.tm_mday = 1;
			tm.tm_hour = tm.tm_min = tm.tm_sec = frac = 0;
			continue;
		}
		if (r == 0)
			continue;

		v = tm.tm_mday;
		r = next_value(c, F_DAY, tm.tm_year + 1900, tm.tm_mon + 1, &v);
		tm.tm_mday = v;
		if (r > 0)
			tm.tm_hour = tm.tm_min = tm.tm_sec = frac = 0;
		if (r < 0 || (r = real_time(&tm, c->utc)) < 0) {
			tm.tm_mon++;
			tm.tm_mday = 1;
			tm.tm_hour = tm.tm_min = tm.tm_sec = frac = 0;
			continue;
		}
		if (r == 0)
			continue;

		if (c->weekdays &&
		    !((c->weekdays >> weekday_of(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday)) & 1)) {
			tm.tm_mday++;
			tm.tm_hour = tm.tm_min = tm.tm_sec = frac = 0;
			continue;
		}

		v = tm.tm_hour;
		r = next_value(c, F_HOUR, 0, 0, &v);
		tm.tm_hour = v;
		if (r > 0)
			tm.tm_min = tm.tm_sec = frac = 0;
		if (r < 0 || (r = real_time(&tm, c->utc)) < 0) {
			tm.tm_mday++;
			tm.tm_hour = tm.tm_min = tm.tm_sec = frac = 0;
			continue;
		}
		if (r == 0) /* that hour does not exist today (DST): go on from after the gap */
			continue;

		v = tm.tm_min;
		r = next_value(c, F_MINUTE, 0, 0, &v);
		tm.tm_min = v;
		if (r > 0)
			tm.tm_sec = frac = 0;
		if (r < 0 || (r = real_time(&tm, c->utc)) < 0) {
			tm.tm_hour++;
			tm.tm_min = tm.tm_sec = frac = 0;
			continue;
		}
		if (r == 0)
			continue;

		v = tm.tm_sec + frac;
		r = next_value(c, F_SECOND, 0, 0, &v);
		tm.tm_sec = v;
		frac = 0;
		if (r < 0 || (r = real_time(&tm, c->utc)) < 0) {
			tm.tm_min++;
			tm.tm_sec = 0;
			continue;
		}
		if (r == 0)
			continue;

		int64_t t = first_after(&tm, c->utc, after_s);
		if (t < 0) {
			tm.tm_sec++;
			continue;
		}
		return t;
	}
	return -1;
}

/* ---- The normalized form ---- */

static void
print_field(struct sbuf *b, const struct field *f, int width, int seconds)
{
	/* every second ("*", "0/1") takes in the rest of a list: systemd prints "*" */
	if (f->n == 0 || (seconds && f->p[0].start == 0 && f->p[0].stop < 0 && f->p[0].step == 1)) {
		sbuf_addc(b, '*');
		return;
	}
	for (int i = 0; i < f->n; i++) {
		const struct part *q = &f->p[i];
		if (i)
			sbuf_addc(b, ',');
		sbuf_addf(b, "%0*d", width, q->start);
		if (q->stop > 0)
			sbuf_addf(b, "..%0*d", width, q->stop);
		if (q->step > 0 && !(q->stop > 0 && q->step == 1))
			sbuf_addf(b, "/%d", q->step);
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
			sbuf_addf(&b, "%s%s", first ? "" : ",", wd_names[d]);
			if (e - d >= 2)
				sbuf_addf(&b, "..%s", wd_names[e]);
			else if (e - d == 1)
				sbuf_addf(&b, ",%s", wd_names[e]);
			d = e;
			first = 0;
		}
		sbuf_addc(&b, ' ');
	}
	print_field(&b, &c->f[F_YEAR], 4, 0);
	sbuf_addc(&b, '-');
	print_field(&b, &c->f[F_MONTH], 2, 0);
	sbuf_addc(&b, c->end_of_month ? '~' : '-');
	print_field(&b, &c->f[F_DAY], 2, 0);
	sbuf_addc(&b, ' ');
	print_field(&b, &c->f[F_HOUR], 2, 0);
	sbuf_addc(&b, ':');
	print_field(&b, &c->f[F_MINUTE], 2, 0);
	sbuf_addc(&b, ':');
	print_field(&b, &c->f[F_SECOND], 2, 1);
	if (c->utc)
		sbuf_adds(&b, " UTC");
	return sbuf_steal(&b);
}
