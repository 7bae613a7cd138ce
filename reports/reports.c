/*
 * Periods and counts: the months of a period, and per month what counts
 * under the rules (store_report_days() applies them in SQL, one grouped
 * row per bulletin, topic and local day: the counts and the days each
 * bulletin aired come from one scan), then distinct bulletins per month,
 * per topic and over the period, kept in small sorted sets; where each
 * month stands (met, in progress, before the station began); and the
 * words people read for periods, months, dates, programmes and reasons.
 */
#include "reports/reports.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/audio.h"
#include "base/base.h"
#include "config/config.h"
#include "store/store.h"

/* ---- periods ---- */

static int
parse_year(const char *s, int *y)
{
	if (!s || strlen(s) != 4 || (*y = ascii_number(s, 4)) < 1970)
		return -1;
	return 0;
}

int
report_period(const char *month, const char *quarter, const char *period, const char *year,
	      int *y0, int *m0, int *y1, int *m1, char *label, size_t labellen, char *err)
{
	int given = !!month + !!quarter + !!period;
	if (given > 1 || (year && (month || quarter))) {
		err_set(err, _("give one period: --month, --quarter, --period with --year, or --year"));
		return -1;
	}
	if (month) {
		/* exactly YYYY-MM, digits only: "2025-+3" and "2025- 3" are refused */
		if (strlen(month) != 7 || month[4] != '-' || (*y0 = ascii_number(month, 4)) < 1970 ||
		    (*m0 = ascii_number(month + 5, 2)) < 1 || *m0 > 12) {
			err_set(err, _("--month takes YYYY-MM with a month from 01 to 12 (got %s)"), month);
			return -1;
		}
		*y1 = *y0, *m1 = *m0;
		snprintf(label, labellen, "%s", month);
		return 0;
	}
	if (quarter) {
		int q = 0;
		if (strlen(quarter) != 7 || quarter[4] != '-' || quarter[5] != 'Q' ||
		    (*y0 = ascii_number(quarter, 4)) < 1970 || (q = ascii_number(quarter + 6, 1)) < 1 || q > 4) {
			err_set(err, _("--quarter takes YYYY-Qn with n from 1 to 4 (got %s)"), quarter);
			return -1;
		}
		*m0 = 3 * q - 2, *y1 = *y0, *m1 = 3 * q;
		snprintf(label, labellen, "%s", quarter);
		return 0;
	}
	if (period) {
		static const struct {
			const char *name;
			int months;
		} p[] = { { "q1", 3 }, { "6m", 6 }, { "9m", 9 }, { "12m", 12 } };
		size_t i = 0;
		while (i < ARRAY_LEN(p) && strcmp(period, p[i].name) != 0)
			i++;
		if (i == ARRAY_LEN(p)) {
			err_set(err, _("--period is q1, 6m, 9m or 12m (got %s)"), period);
			return -1;
		}
		if (!year) {
			err_set(err, _("--period needs --year YYYY"));
			return -1;
		}
		if (parse_year(year, y0) < 0) {
			err_set(err, _("--year takes YYYY (got %s)"), year);
			return -1;
		}
		*m0 = 1, *y1 = *y0, *m1 = p[i].months;
		snprintf(label, labellen, "%s %d", period, *y0);
		return 0;
	}
	if (year) {
		if (parse_year(year, y0) < 0) {
			err_set(err, _("--year takes YYYY (got %s)"), year);
			return -1;
		}
		*m0 = 1, *y1 = *y0, *m1 = 12;
		snprintf(label, labellen, "%d", *y0);
		return 0;
	}
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	*y0 = *y1 = tm.tm_year + 1900;
	*m0 = *m1 = tm.tm_mon + 1;
	snprintf(label, labellen, "%04d-%02d", *y0, *m0);
	return 0;
}

static int64_t
month_start(int y, int m)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1, .tm_isdst = -1 };
	return (int64_t)mktime(&tm) * 1000;
}

/* ---- words for people ---- */

static const struct {
	const char *word, *code;
} states[] = {
	/* the plans' own words, whatever the locale: officers check for them */
	[REPORT_MET] = { "đạt", "met" },
	[REPORT_NOT_MET] = { "chưa đạt", "not_met" },
	[REPORT_IN_PROGRESS] = { "đang thực hiện", "in_progress" },
	[REPORT_NOT_STARTED] = { "chưa hoạt động", "not_started" },
	[REPORT_FUTURE] = { "chưa đến kỳ", "future" },
};

const char *
report_state_word(enum report_state s)
{
	return states[s].word;
}

const char *
report_state_code(enum report_state s)
{
	return states[s].code;
}

void
report_month_label(int y, int m, char *buf, size_t n)
{
	static const char *const months[] = {
		N_("January %d"), N_("February %d"), N_("March %d"), N_("April %d"),
		N_("May %d"), N_("June %d"), N_("July %d"), N_("August %d"),
		N_("September %d"), N_("October %d"), N_("November %d"), N_("December %d"),
	};
	snprintf(buf, n, _(months[(m - 1) % 12]), y);
}

void
report_period_label(int y0, int m0, int y1, int m1, char *buf, size_t n)
{
	static const char *const quarters[] = { N_("Q1 %d"), N_("Q2 %d"), N_("Q3 %d"), N_("Q4 %d") };
	if (y0 == y1 && m0 == m1) {
		report_month_label(y0, m0, buf, n);
	} else if (y0 == y1 && m0 % 3 == 1 && m1 == m0 + 2) {
		snprintf(buf, n, _(quarters[m0 / 3]), y0);
	} else if (y0 == y1 && m0 == 1 && m1 == 12) {
		snprintf(buf, n, _("year %d"), y0);
	} else if (y0 == y1 && m0 == 1) {
		snprintf(buf, n, _("first %d months of %d"), m1, y0);
	} else {
		char a[64], b[64];
		report_month_label(y0, m0, a, sizeof a);
		report_month_label(y1, m1, b, sizeof b);
		snprintf(buf, n, "%s – %s", a, b);
	}
}

void
report_date(int64_t ms, char *buf, size_t n)
{
	/* a strftime format: the translation writes the day first */
	time_format(ms, _("%Y-%m-%d"), buf, n);
}

const char *
report_program_label(const char *program, char *buf, size_t n)
{
	static const char manual[] = "bulletin-"; /* the daemon's name for a bulletin aired by hand */
	if (!program || strncmp(program, manual, sizeof manual - 1) != 0)
		return program ? program : "";
	const char *id = program + sizeof manual - 1;
	if (!*id || strspn(id, "0123456789") != strlen(id))
		return program;
	snprintf(buf, n, _("bulletin #%s"), id);
	return buf;
}

/*
 * Reasons the daemon logs with a name or a time in them (daemon/plan.c),
 * looked up by their pattern; a reason with one number in it ("cut by
 * emergency bulletin #7") is looked up with the number as %lld.
 */
static const char *const reason_patterns[] = {
	N_("the player was busy with slot %s"),
	N_("the player was busy with the manual airing %s"),
	N_("the slot's instant at %s replaced it"),
	AUDIO_RELAY_PATTERNS,
	AUDIO_ICECAST_REASON,
	AUDIO_ICECAST_NOBODY,
	AUDIO_RECORD_PATTERNS,
};

static void reason_part(const char *r, size_t len, struct sbuf *out);

/*
 * If part reads as pattern p (its conversions %s, %d, %ld, %lld, %zu
 * standing for any non-empty text), adds p's translation with the same
 * values to out, each text value itself translated (a reason inside a
 * reason), and returns 1.  Values come in the pattern's order.
 */
static int
pattern_part(const char *part, const char *p, struct sbuf *out)
{
	enum { MAXV = 4 };
	const char *lit[MAXV + 1];
	size_t litlen[MAXV + 1];
	int n = 0;
	lit[0] = p;
	for (const char *q = p; *q; q++) {
		if (q[0] != '%' || q[1] == '%') {
			q += q[0] == '%';
			continue;
		}
		if (n == MAXV)
			return 0;
		litlen[n] = (size_t)(q - lit[n]);
		q += 1 + strspn(q + 1, "lzh");
		lit[++n] = q + 1;
	}
	if (!n)
		return 0;
	litlen[n] = strlen(lit[n]);
	const char *val[MAXV];
	size_t vallen[MAXV];
	const char *s = part, *end = part + strlen(part);
	if (strncmp(s, lit[0], litlen[0]) != 0)
		return 0;
	s += litlen[0];
	for (int i = 1; i <= n; i++) {
		const char *at;
		if (i == n) { /* the last piece ends the part */
			if ((size_t)(end - s) < litlen[n] + 1 || strcmp(end - litlen[n], lit[n]) != 0)
				return 0;
			at = end - litlen[n];
		} else {
			if (!litlen[i] || end - s < 2)
				return 0; /* two values side by side: no way to split them */
			at = memmem(s + 1, (size_t)(end - s - 1), lit[i], litlen[i]);
			if (!at)
				return 0;
		}
		val[i - 1] = s;
		vallen[i - 1] = (size_t)(at - s);
		s = at + litlen[i];
	}
	int k = 0;
	for (const char *t = _(p); *t; t++) {
		if (t[0] != '%') {
			sbuf_add(out, t, 1);
		} else if (t[1] == '%') {
			sbuf_add(out, "%", 1);
			t++;
		} else {
			t += 1 + strspn(t + 1, "lzh");
			if (k < n)
				reason_part(val[k], vallen[k], out);
			k++;
		}
	}
	return 1;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* One reason (no "; " in it) in the reader's language, into out. */
static void
reason_part(const char *r, size_t len, struct sbuf *out)
{
	char part[512];
	if (len >= sizeof part) {
		sbuf_add(out, r, len);
		return;
	}
	memcpy(part, r, len);
	part[len] = 0;
	const char *t = _(part);
	if (t == part) /* a system error kept in English (strerrordesc_np()) */
		t = dgettext("libc", part);
	if (t != part) {
		sbuf_adds(out, t);
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(reason_patterns); i++)
		if (pattern_part(part, reason_patterns[i], out))
			return;
	size_t d = strcspn(part, "0123456789");
	size_t e = d + strspn(part + d, "0123456789");
	if (part[d] && e - d <= 18 && !part[e + strcspn(part + e, "0123456789")] && !strchr(part, '%')) {
		char pattern[600];
		snprintf(pattern, sizeof pattern, "%.*s%%lld%s", (int)d, part, part + e);
		const char *tp = _(pattern);
		if (tp != pattern) {
			sbuf_addf(out, tp, strtoll(part + d, NULL, 10));
			return;
		}
	}
	sbuf_adds(out, part);
}
#pragma GCC diagnostic pop

/*
 * The daemon logs reasons in English, the catalogue's msgids, so that the
 * log reads the same whatever the daemon's locale; each reader sees them
 * in their own language, part by part ("A; B").  The result lives until
 * the next call on this thread.
 */
const char *
report_reason(const char *reason)
{
	static __thread char buf[2048];
	if (!reason || !*reason)
		return "";
	const char *t = _(reason);
	if (t != reason || strlen(reason) >= sizeof buf)
		return t;
	struct sbuf out = { 0 };
	for (const char *r = reason;;) {
		const char *semi = strstr(r, "; ");
		reason_part(r, semi ? (size_t)(semi - r) : strlen(r), &out);
		if (!semi)
			break;
		sbuf_adds(&out, "; ");
		r = semi + 2;
	}
	snprintf(buf, sizeof buf, "%s", out.s ? out.s : "");
	sbuf_free(&out);
	return buf;
}

int
report_format_parse(const char *s)
{
	static const char *const names[] = { "text", "csv", "json", "xlsx", "docx" };
	for (size_t i = 0; s && i < ARRAY_LEN(names); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- distinct sets ---- */

struct idset {
	int64_t *v;
	size_t n, cap;
};

/* Adds id; 1 if it was new.  Sorted, binary search: a month holds few. */
static int
idset_add(struct idset *s, int64_t id)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->v[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && s->v[lo] == id)
		return 0;
	if (s->n == s->cap)
		s->v = xrealloc(s->v, (s->cap = s->cap ? s->cap * 2 : 16) * sizeof *s->v);
	memmove(s->v + lo + 1, s->v + lo, (s->n - lo) * sizeof *s->v);
	s->v[lo] = id;
	s->n++;
	return 1;
}

/* The distinct sets behind one report_counts. */
struct acc {
	struct idset all, cchc;
	struct idset *topic_sets; /* parallel to counts.by_topic */
};

static struct report_topic *
topic_slot(struct report_counts *c, struct acc *a, const struct config *cfg, const char *topic)
{
	for (size_t i = 0; i < c->n_topics; i++)
		if (strcmp(c->by_topic[i].topic, topic) == 0)
			return &c->by_topic[i];
	c->by_topic = xrealloc(c->by_topic, (c->n_topics + 1) * sizeof *c->by_topic);
	a->topic_sets = xrealloc(a->topic_sets, (c->n_topics + 1) * sizeof *a->topic_sets);
	memset(&a->topic_sets[c->n_topics], 0, sizeof *a->topic_sets);
	struct report_topic *t = &c->by_topic[c->n_topics++];
	memset(t, 0, sizeof *t);
	t->topic = xstrdup(topic);
	const struct config_topic *ct = config_topic_find(cfg, topic);
	t->name = ct ? ct->name : t->topic;
	t->cchc = ct && ct->cchc;
	return t;
}

static void
count(struct report_counts *c, struct acc *a, const struct config *cfg,
      const struct store_day_row *row)
{
	struct report_topic *rt = topic_slot(c, a, cfg, row->topic);
	size_t k = (size_t)(rt - c->by_topic);
	c->airings += row->airings;
	c->airtime_s += row->airtime_s;
	if (idset_add(&a->all, row->bulletin_id))
		c->bulletins++;
	/* a topic the configuration no longer knows is not CCHC: say so, do not guess */
	if (rt->cchc && idset_add(&a->cchc, row->bulletin_id))
		c->cchc_bulletins++;
	rt->airings += row->airings;
	rt->airtime_s += row->airtime_s;
	if (idset_add(&a->topic_sets[k], row->bulletin_id))
		rt->bulletins++;
}

struct build {
	struct report *r;
	const struct config *cfg;
	struct acc month, total;
	size_t idx;
};

static void bulletin_day(struct build *b, const struct store_day_row *row);

static int
on_day(const struct store_day_row *row, void *arg)
{
	struct build *b = arg;
	if (!row->topic)
		return 0;
	count(&b->r->months[b->idx].c, &b->month, b->cfg, row);
	count(&b->r->totals, &b->total, b->cfg, row);
	bulletin_day(b, row);
	return 0;
}

static int
on_missed(const struct store_missed_row *row, void *arg)
{
	struct report *r = arg;
	r->missed = xrealloc(r->missed, (r->n_missed + 1) * sizeof *r->missed);
	r->missed[r->n_missed++] = (struct report_missed){
		row->slot ? xstrdup(row->slot) : NULL,
		row->program ? xstrdup(row->program) : NULL,
		xstrdup(row->status),
		row->reason ? xstrdup(row->reason) : NULL,
		row->scheduled_at,
	};
	return 0;
}

static void
acc_free(struct acc *a, size_t ntopics)
{
	free(a->all.v);
	free(a->cchc.v);
	for (size_t i = 0; i < ntopics; i++)
		free(a->topic_sets[i].v);
	free(a->topic_sets);
	memset(a, 0, sizeof *a);
}

/* Position of a topic in the configuration; unknown ones after, by id. */
static int
topic_cmp(const void *pa, const void *pb, void *arg)
{
	const struct config *cfg = arg;
	const struct report_topic *a = pa, *b = pb;
	size_t ia = cfg->n_topics, ib = cfg->n_topics;
	for (size_t i = 0; i < cfg->n_topics; i++) {
		if (strcmp(cfg->topics[i].id, a->topic) == 0)
			ia = i;
		if (strcmp(cfg->topics[i].id, b->topic) == 0)
			ib = i;
	}
	if (ia != ib)
		return ia < ib ? -1 : 1;
	return strcmp(a->topic, b->topic);
}

static void
sort_topics(struct report_counts *c, const struct config *cfg)
{
	if (c->n_topics) /* by_topic is NULL when nothing counted */
		qsort_r(c->by_topic, c->n_topics, sizeof *c->by_topic, topic_cmp, (void *)cfg);
}

/* ---- the bulletins aired ---- */

/* "YYYY-MM-DD" of a day counted from 1970-01-01 (proleptic Gregorian). */
static void
civil_day(int64_t z, char out[11])
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
	unsigned y = (unsigned)(yoe + era * 400 + (m <= 2)) % 10000;
	/* "% 100" tells the compiler the month and day take two digits */
	snprintf(out, 11, "%04u-%02u-%02u", y, (unsigned)m % 100, (unsigned)d % 100);
}

/* The bulletin's entry, made on first sight; kept in id order while building. */
static struct report_bulletin *
bulletin_entry(struct report *r, int64_t id)
{
	size_t lo = 0, hi = r->n_bulletins;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->bulletins[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->n_bulletins && r->bulletins[lo].id == id)
		return &r->bulletins[lo];
	r->bulletins = xrealloc(r->bulletins, (r->n_bulletins + 1) * sizeof *r->bulletins);
	memmove(r->bulletins + lo + 1, r->bulletins + lo, (r->n_bulletins - lo) * sizeof *r->bulletins);
	r->n_bulletins++;
	memset(&r->bulletins[lo], 0, sizeof r->bulletins[lo]);
	r->bulletins[lo].id = id;
	return &r->bulletins[lo];
}

/* A day a bulletin aired: days come in order, a day twice when it aired as two topics. */
static void
bulletin_day(struct build *b, const struct store_day_row *row)
{
	struct report_bulletin *rb = bulletin_entry(b->r, row->bulletin_id);
	/* the latest row names the latest topic; the title is read at the end */
	if (!rb->topic || strcmp(rb->topic, row->topic) != 0) {
		free(rb->topic);
		rb->topic = xstrdup(row->topic);
		const struct config_topic *ct = config_topic_find(b->cfg, rb->topic);
		rb->topic_name = ct ? ct->name : rb->topic;
	}
	if (row->version > rb->version)
		rb->version = row->version;
	rb->airings += row->airings;
	rb->airtime_s += row->airtime_s;
	/* the spans come in time order: a day is later than the last one kept */
	for (int k = 0; k < 64; k++) {
		int64_t day = row->first_day + k;
		if (!(row->days >> k & 1) || (rb->n_days && day <= rb->last_day))
			continue;
		if ((rb->n_days & (rb->n_days - 1)) == 0) /* grows by doubling */
			rb->days = xrealloc(rb->days, (rb->n_days ? rb->n_days * 2 : 1) * sizeof *rb->days);
		civil_day(day, rb->days[rb->n_days++]);
		rb->last_day = day;
	}
}

/* Each bulletin's title, as its latest version aired says it. */
static int
bulletin_titles(struct store *st, struct report *r, char *err)
{
	size_t n = r->n_bulletins;
	int64_t *ids = xcalloc(n + 1, sizeof *ids);
	int *versions = xcalloc(n + 1, sizeof *versions);
	char **titles = xcalloc(n + 1, sizeof *titles);
	for (size_t i = 0; i < n; i++)
		ids[i] = r->bulletins[i].id, versions[i] = r->bulletins[i].version;
	int rc = store_report_titles(st, n, ids, versions, titles, err);
	for (size_t i = 0; i < n; i++)
		r->bulletins[i].title = titles[i] ? titles[i] : xstrdup("");
	free(titles);
	free(versions);
	free(ids);
	return rc;
}

/* The local time's offset from UTC at t (ms). */
static int64_t
utc_offset(int64_t t)
{
	time_t s = (time_t)(t / 1000);
	struct tm tm;
	localtime_r(&s, &tm);
	return (int64_t)tm.tm_gmtoff * 1000;
}

/*
 * Counts [from, until) into month idx, in spans of one UTC offset each:
 * a month with a daylight-saving change is asked for in two parts, so
 * that every airing lands on its local day.
 */
static int
count_month(struct store *st, struct build *b, int64_t from, int64_t until, const char *topic,
	    const char *zone, char *err)
{
	int rc = 0;
	while (rc == 0 && from < until) {
		int64_t off = utc_offset(from), end = until;
		if (utc_offset(until - 1) != off) {
			/* the first instant with another offset, to the second */
			int64_t lo = from, hi = until - 1;
			while (hi - lo > 1000) {
				int64_t mid = lo + (hi - lo) / 2;
				if (utc_offset(mid) == off)
					lo = mid;
				else
					hi = mid;
			}
			end = hi - hi % 1000;
		}
		rc = store_report_days_zone(st, from, end, topic, zone, off, on_day, b, err);
		from = end;
	}
	return rc;
}

/* In the order they first aired, as a report lists them. */
static int
bulletin_cmp(const void *pa, const void *pb)
{
	const struct report_bulletin *a = pa, *b = pb;
	int c = strcmp(a->days[0], b->days[0]);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* ---- where a month stands ---- */

static enum report_state
month_state(const struct report *r, int64_t from, int64_t until, int met)
{
	if (from > r->now)
		return REPORT_FUTURE;
	if (until > r->now)
		return REPORT_IN_PROGRESS;
	if (!r->first_airing || until <= r->first_airing)
		return REPORT_NOT_STARTED;
	return met ? REPORT_MET : REPORT_NOT_MET;
}

/*
 * The period: not met as soon as one month that counts is not; in progress
 * while a month runs or is to come; met when every month since the station
 * began is; not started when none of it came after the first airing.
 */
static void
period_state(struct report *r, int monthly)
{
	int counted = 0, not_met = 0, open = 0, future = 0;
	for (size_t i = 0; i < r->n_months; i++) {
		enum report_state s = r->months[i].c.state;
		counted += s != REPORT_NOT_STARTED;
		not_met += s == REPORT_NOT_MET;
		open += s == REPORT_IN_PROGRESS;
		future += s == REPORT_FUTURE;
	}
	struct report_counts *t = &r->totals;
	t->target = monthly * counted;
	if (!counted)
		t->state = REPORT_NOT_STARTED;
	else if (not_met)
		t->state = REPORT_NOT_MET;
	else if (future == counted)
		t->state = REPORT_FUTURE;
	else if (open || future)
		t->state = REPORT_IN_PROGRESS;
	else
		t->state = REPORT_MET;
	t->met = t->state == REPORT_MET;
}

struct report *
report_build(struct store *st, const struct config *cfg, int y0, int m0, int y1, int m1,
	     const char *label, const char *topic, int64_t now, char *err)
{
	return report_build_zone(st, cfg, y0, m0, y1, m1, label, topic, NULL, now, err);
}

struct report *
report_build_zone(struct store *st, const struct config *cfg, int y0, int m0, int y1, int m1,
		  const char *label, const char *topic, const char *zone, int64_t now, char *err)
{
	struct report *r = xcalloc(1, sizeof *r);
	r->y0 = y0, r->m0 = m0, r->y1 = y1, r->m1 = m1;
	r->now = now;
	r->cfg = cfg;
	r->n_months = (size_t)((y1 - y0) * 12 + (m1 - m0) + 1);
	r->months = xcalloc(r->n_months, sizeof *r->months);
	r->from = month_start(y0, m0);
	r->until = month_start(y1 + (m1 == 12), m1 % 12 + 1);
	snprintf(r->label, sizeof r->label, "%s", label);
	r->station = xstrdup(cfg->station_name);
	r->zone = zone ? xstrdup(zone) : NULL;
	struct build b = { .r = r, .cfg = cfg };
	int rc = store_airing_first(st, &r->first_airing, err);
	/* grouped queries per month: the month is cut in local time, here, not in SQL */
	for (size_t i = 0; i < r->n_months && rc == 0; i++) {
		struct report_month *m = &r->months[i];
		int k = m0 - 1 + (int)i;
		m->year = y0 + k / 12;
		m->month = k % 12 + 1;
		m->c.target = cfg->cchc_per_month;
		int64_t from = month_start(m->year, m->month);
		int64_t until = month_start(m->year + (m->month == 12), m->month % 12 + 1);
		b.idx = i;
		rc = count_month(st, &b, from, until, topic, zone, err);
		if (rc == 0 && !topic)
			rc = store_report_relay(st, from, until, zone, &m->c.relay_s, &m->c.live_s, err);
		r->totals.relay_s += m->c.relay_s;
		r->totals.live_s += m->c.live_s;
		acc_free(&b.month, m->c.n_topics);
		m->c.state = month_state(r, from, until, m->c.cchc_bulletins >= m->c.target);
		m->c.met = m->c.state == REPORT_MET;
		if (m->c.state == REPORT_NOT_STARTED) /* no target before the station began */
			m->c.target = 0;
		sort_topics(&m->c, cfg);
	}
	acc_free(&b.total, r->totals.n_topics);
	sort_topics(&r->totals, cfg);
	if (rc == 0)
		rc = store_report_missed(st, r->from, r->until, on_missed, r, err);
	if (rc == 0)
		rc = bulletin_titles(st, r, err);
	if (r->n_bulletins)
		qsort(r->bulletins, r->n_bulletins, sizeof *r->bulletins, bulletin_cmp);
	period_state(r, cfg->cchc_per_month);
	if (rc < 0) {
		report_free(r);
		return NULL;
	}
	return r;
}

static void
counts_free(struct report_counts *c)
{
	for (size_t i = 0; i < c->n_topics; i++)
		free(c->by_topic[i].topic);
	free(c->by_topic);
}

void
report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_months; i++)
		counts_free(&r->months[i].c);
	counts_free(&r->totals);
	free(r->zone);
	for (size_t i = 0; i < r->n_missed; i++) {
		free(r->missed[i].slot);
		free(r->missed[i].program);
		free(r->missed[i].status);
		free(r->missed[i].reason);
	}
	free(r->missed);
	for (size_t i = 0; i < r->n_bulletins; i++) {
		free(r->bulletins[i].title);
		free(r->bulletins[i].topic);
		free(r->bulletins[i].days);
	}
	free(r->bulletins);
	free(r->months);
	free(r->station);
	free(r);
}

int
report_empty(const struct report *r)
{
	return r->totals.airings == 0 && r->n_missed == 0 && r->totals.relay_s == 0 &&
	       r->totals.live_s == 0;
}
