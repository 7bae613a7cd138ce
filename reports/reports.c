/*
 * Periods and counts: the months of a period, and per month what counts
 * under the rules (store_report_counts() applies them in SQL, one grouped
 * row per bulletin and topic), then distinct bulletins per month, per
 * topic and over the period, kept in small sorted sets.
 */
#include "reports/reports.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int
report_format_parse(const char *s)
{
	static const char *const names[] = { "text", "csv", "json", "xlsx" };
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
      const struct store_count_row *row)
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

static int
on_count(const struct store_count_row *row, void *arg)
{
	struct build *b = arg;
	if (!row->topic)
		return 0;
	count(&b->r->months[b->idx].c, &b->month, b->cfg, row);
	count(&b->r->totals, &b->total, b->cfg, row);
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

struct report *
report_build(struct store *st, const struct config *cfg, int y0, int m0, int y1, int m1,
	     const char *label, const char *topic, char *err)
{
	struct report *r = xcalloc(1, sizeof *r);
	r->n_months = (size_t)((y1 - y0) * 12 + (m1 - m0) + 1);
	r->months = xcalloc(r->n_months, sizeof *r->months);
	r->from = month_start(y0, m0);
	r->until = month_start(y1 + (m1 == 12), m1 % 12 + 1);
	snprintf(r->label, sizeof r->label, "%s", label);
	r->station = xstrdup(cfg->station_name);
	struct build b = { .r = r, .cfg = cfg };
	int rc = 0;
	/* one grouped query per month: the month is cut in local time, here, not in SQL */
	for (size_t i = 0; i < r->n_months && rc == 0; i++) {
		struct report_month *m = &r->months[i];
		int k = m0 - 1 + (int)i;
		m->year = y0 + k / 12;
		m->month = k % 12 + 1;
		m->c.target = cfg->cchc_per_month;
		int64_t from = month_start(m->year, m->month);
		int64_t until = month_start(m->year + (m->month == 12), m->month % 12 + 1);
		b.idx = i;
		rc = store_report_counts(st, from, until, topic, on_count, &b, err);
		acc_free(&b.month, m->c.n_topics);
		m->c.met = m->c.cchc_bulletins >= m->c.target;
		sort_topics(&m->c, cfg);
	}
	acc_free(&b.total, r->totals.n_topics);
	sort_topics(&r->totals, cfg);
	if (rc == 0)
		rc = store_report_missed(st, r->from, r->until, on_missed, r, err);
	/* the period is met when every month of it is */
	r->totals.target = cfg->cchc_per_month * (int)r->n_months;
	r->totals.met = 1;
	for (size_t i = 0; i < r->n_months; i++)
		r->totals.met &= r->months[i].c.met;
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
	for (size_t i = 0; i < r->n_missed; i++) {
		free(r->missed[i].slot);
		free(r->missed[i].program);
		free(r->missed[i].status);
		free(r->missed[i].reason);
	}
	free(r->missed);
	free(r->months);
	free(r->station);
	free(r);
}

int
report_empty(const struct report *r)
{
	return r->totals.airings == 0 && r->n_missed == 0;
}
