/*
 * What `loaxa config check` tells about a file beyond "it loads": every
 * error and warning with its line (a list kept in line order), the near
 * name for a misspelt one ("did you mean sang?"), and the Vietnamese
 * weekday names an operator writes in a slot's calendar expression
 * (T2..CN, "Thứ 2", "Chủ nhật"), turned into the systemd names the
 * calendar parser reads.  Pure functions: no file, no clock.
 */
#include "config/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/base.h"

/* ---- the list of errors and warnings ---- */

void
config_diag_add(struct config_diags *d, int warning, const char *path, int line, const char *fmt, ...)
{
	char text[ERRLEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (d->n == d->cap)
		d->v = xrealloc(d->v, (d->cap = d->cap ? d->cap * 2 : 8) * sizeof *d->v);
	/* in line order; equal lines keep the order they were found in */
	size_t i = d->n;
	while (i > 0 && d->v[i - 1].line > line)
		i--;
	memmove(d->v + i + 1, d->v + i, (d->n - i) * sizeof *d->v);
	d->v[i] = (struct config_diag){
		.line = line,
		.warning = warning,
		/* line -1: about the file as a whole, "PATH is a directory" */
		.text = line < 0 ? xstrdup(text)
			: warning ? xasprintf(_("%s:%d: warning: %s"), path ? path : "", line, text)
				  : xasprintf("%s:%d: %s", path ? path : "", line, text),
	};
	d->n++;
	if (warning)
		d->warnings++;
	else
		d->errors++;
}

void
config_diags_free(struct config_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
	memset(d, 0, sizeof *d);
}

/* ---- the near name ---- */

/*
 * Edits between a and b (insert, delete, replace, or swap two neighbours),
 * ASCII letters compared without case; stops counting past limit.
 */
static int
distance(const char *a, const char *b, int limit)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na > 64 || nb > 64 || (na > nb ? na - nb : nb - na) > (size_t)limit)
		return limit + 1;
	int d[66][66];
	for (size_t i = 0; i <= na; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		for (size_t j = 1; j <= nb; j++) {
			int ca = a[i - 1], cb = b[j - 1];
			if (ca >= 'A' && ca <= 'Z')
				ca += 'a' - 'A';
			if (cb >= 'A' && cb <= 'Z')
				cb += 'a' - 'A';
			int v = d[i - 1][j - 1] + (ca != cb);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[na][nb];
}

const char *
config_near_name(const char *word, const char *const *names, size_t n)
{
	size_t len = strlen(word);
	/* a typo, not another word: one edit in a short name, two or three in longer ones */
	int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	const char *best = NULL;
	int best_d = limit + 1;
	for (size_t i = 0; i < n; i++) {
		if (!names[i] || strcmp(names[i], word) == 0)
			continue;
		int dd = distance(word, names[i], limit);
		if (dd < best_d)
			best = names[i], best_d = dd;
	}
	return best;
}

/* ---- Vietnamese weekday names in calendar expressions ---- */

static const struct {
	const char *vi; /* lower case, NFC */
	const char *day;
} weekdays_vi[] = {
	/* longest first: "thứ 2" before "t2" is no matter (different starts), "chủ nhật" before "cn" */
	{ "chủ nhật", "Sun" }, { "cn", "Sun" },
	{ "thứ hai", "Mon" }, { "thứ ba", "Tue" }, { "thứ tư", "Wed" }, { "thứ năm", "Thu" },
	{ "thứ sáu", "Fri" }, { "thứ bảy", "Sat" },
	{ "thứ 2", "Mon" }, { "thứ 3", "Tue" }, { "thứ 4", "Wed" }, { "thứ 5", "Thu" },
	{ "thứ 6", "Fri" }, { "thứ 7", "Sat" },
	{ "t2", "Mon" }, { "t3", "Tue" }, { "t4", "Wed" }, { "t5", "Thu" }, { "t6", "Fri" },
	{ "t7", "Sat" },
};

/* Where a weekday name may begin or end: the edges, a space, a list or a range. */
static int
is_edge(const char *s, const char *p)
{
	return p == s || p[-1] == ' ' || p[-1] == ',' || p[-1] == '.';
}

static int
ends_word(const char *p)
{
	return !*p || *p == ' ' || *p == ',' || *p == '.';
}

/* Length of the alias vi at p (without case), or 0. */
static size_t
alias_at(const char *p, const char *vi)
{
	const char *q = p;
	while (*vi) {
		uint32_t a, b;
		int la = utf8_decode(vi, &a), lb;
		if (!*q)
			return 0;
		lb = utf8_decode(q, &b);
		if ((uint32_t)utf8proc_tolower((utf8proc_int32_t)b) != a)
			return 0;
		vi += la, q += lb;
	}
	return ends_word(q) ? (size_t)(q - p) : 0;
}

char *
config_calendar_vi(const char *when)
{
	char *nfc = utf8_nfc(when);
	struct sbuf b = { 0 };
	for (const char *p = nfc; *p;) {
		size_t n = 0, k = 0;
		if (is_edge(nfc, p))
			for (k = 0; k < ARRAY_LEN(weekdays_vi) && !(n = alias_at(p, weekdays_vi[k].vi)); k++)
				;
		if (n) {
			sbuf_adds(&b, weekdays_vi[k].day);
			p += n;
		} else {
			sbuf_addc(&b, *p++);
		}
	}
	free(nfc);
	return b.s ? sbuf_steal(&b) : xstrdup("");
}

int
config_calendar_hour_h(const char *when, char *fix, size_t n)
{
	/* 17h30, 7h, 17H00: digits, an h, maybe digits; a word of its own */
	for (const char *p = when; *p; p++) {
		if (!(*p >= '0' && *p <= '9') || (p > when && p[-1] >= '0' && p[-1] <= '9'))
			continue;
		const char *q = p;
		while (*q >= '0' && *q <= '9')
			q++;
		if ((*q != 'h' && *q != 'H') || q - p > 2)
			continue;
		const char *m = q + 1;
		while (*m >= '0' && *m <= '9')
			m++;
		if (*m && *m != ' ' && *m != ',')
			continue;
		int mins = m - (q + 1);
		if (mins != 0 && mins != 2)
			continue;
		char mm[3] = "00";
		if (mins)
			memcpy(mm, q + 1, 2);
		snprintf(fix, n, "%.*s:%s", (int)(q - p), p, mm);
		return 1;
	}
	return 0;
}
