/*
 * Monthly and period counts from the airing log, and their writers.  One
 * pass over the log rows of the period; distinct bulletins are kept in a
 * small sorted set per month and per topic.
 */
#include "reports/reports.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "base/base.h"
#include "config/config.h"
#include "store/store.h"

/* ---- periods ---- */

static int
parse_year(const char *s, int *y)
{
	int n = 0;
	return s && sscanf(s, "%4d%n", y, &n) == 1 && n == 4 && !s[n] && *y >= 1970 && *y <= 9999 ? 0 : -1;
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
		int n = 0;
		if (sscanf(month, "%4d-%2d%n", y0, m0, &n) != 2 || month[n] || strlen(month) != 7 ||
		    *m0 < 1 || *m0 > 12 || *y0 < 1970) {
			err_set(err, _("--month takes YYYY-MM with a month from 01 to 12 (got %s)"), month);
			return -1;
		}
		*y1 = *y0, *m1 = *m0;
		snprintf(label, labellen, "%s", month);
		return 0;
	}
	if (quarter) {
		int q, n = 0;
		if (sscanf(quarter, "%4d-Q%1d%n", y0, &q, &n) != 2 || quarter[n] || q < 1 || q > 4 ||
		    *y0 < 1970) {
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

struct acc {
	struct idset all, cchc;
	struct idset *topic_sets; /* parallel to counts.by_topic */
};

struct build {
	struct report *r;
	const struct config *cfg;
	struct acc *macc; /* per month */
	struct acc tacc;  /* the period */
	int y0, m0;
	int64_t last_airing;
};

static struct report_topic *
topic_slot(struct report_counts *c, struct acc *a, const char *topic)
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
	return t;
}

static void
count(struct report_counts *c, struct acc *a, const struct config *cfg, int64_t bulletin,
      const char *topic, double length)
{
	const struct config_topic *t = config_topic_find(cfg, topic);
	c->airings++;
	c->airtime_s += length;
	if (idset_add(&a->all, bulletin))
		c->bulletins++;
	if (t && t->cchc && idset_add(&a->cchc, bulletin))
		c->cchc_bulletins++;
	struct report_topic *rt = topic_slot(c, a, topic);
	size_t k = (size_t)(rt - c->by_topic);
	rt->airings++;
	rt->airtime_s += length;
	if (idset_add(&a->topic_sets[k], bulletin))
		rt->bulletins++;
}

static int
on_row(const struct store_log_row *row, void *arg)
{
	struct build *b = arg;
	const char *st = row->a.status;
	if (strcmp(st, "missed") == 0 || strcmp(st, "failed") == 0) {
		if (b->last_airing != row->a.id) {
			struct report *r = b->r;
			r->missed = xrealloc(r->missed, (r->n_missed + 1) * sizeof *r->missed);
			r->missed[r->n_missed++] = (struct report_missed){
				row->a.slot ? xstrdup(row->a.slot) : NULL,
				row->a.program ? xstrdup(row->a.program) : NULL, xstrdup(st),
				row->a.reason ? xstrdup(row->a.reason) : NULL, row->a.scheduled_at,
			};
		}
		b->last_airing = row->a.id;
		return 0;
	}
	b->last_airing = row->a.id;
	/* the counting rule: completed airings, and what finished before a cut */
	if (strcmp(st, "completed") != 0 && strcmp(st, "interrupted") != 0)
		return 0;
	if (!row->it.kind || strcmp(row->it.kind, "bulletin") != 0 || !row->it.completed ||
	    !row->topic)
		return 0;
	time_t t = (time_t)(row->a.scheduled_at / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	int idx = (tm.tm_year + 1900 - b->y0) * 12 + (tm.tm_mon + 1 - b->m0);
	if (idx < 0 || (size_t)idx >= b->r->n_months)
		return 0;
	count(&b->r->months[idx].c, &b->macc[idx], b->cfg, row->it.bulletin_id, row->topic,
	      row->it.length_s);
	count(&b->r->totals, &b->tacc, b->cfg, row->it.bulletin_id, row->topic, row->it.length_s);
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
}

struct report *
report_build(struct store *st, const struct config *cfg, int y0, int m0, int y1, int m1,
	     const char *label, const char *topic, char *err)
{
	struct report *r = xcalloc(1, sizeof *r);
	r->n_months = (size_t)((y1 - y0) * 12 + (m1 - m0) + 1);
	r->months = xcalloc(r->n_months, sizeof *r->months);
	for (size_t i = 0; i < r->n_months; i++) {
		int k = m0 - 1 + (int)i;
		r->months[i].year = y0 + k / 12;
		r->months[i].month = k % 12 + 1;
		r->months[i].c.target = cfg->cchc_per_month;
	}
	r->from = month_start(y0, m0);
	r->until = month_start(y1 + (m1 == 12), m1 % 12 + 1);
	snprintf(r->label, sizeof r->label, "%s", label);
	r->station = xstrdup(cfg->station_name);
	struct build b = { .r = r, .cfg = cfg, .macc = xcalloc(r->n_months, sizeof *b.macc), .y0 = y0, .m0 = m0 };
	int rc = store_log(st, r->from, r->until, NULL, topic, on_row, &b, err);
	int all_met = 1;
	for (size_t i = 0; i < r->n_months; i++) {
		struct report_counts *c = &r->months[i].c;
		c->met = c->cchc_bulletins >= c->target;
		all_met &= c->met;
		acc_free(&b.macc[i], c->n_topics);
	}
	r->totals.target = cfg->cchc_per_month * (int)r->n_months;
	r->totals.met = all_met;
	acc_free(&b.tacc, r->totals.n_topics);
	free(b.macc);
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

/* ---- writers ---- */

static const char *
met_word(int met)
{
	/* Vietnamese on purpose: the plans' own words, what the report is checked for */
	return met ? "đạt" : "chưa đạt";
}

void
report_csv_cell(FILE *f, const char *s, int last)
{
	s = s ? s : "";
	int formula = s[0] && strchr("=+-@\t\r", s[0]);
	int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
	fputs(last ? "\r\n" : ",", f);
}

static void
hms(double s, char *buf, size_t n)
{
	long t = (long)(s + 0.5);
	snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
}

static int
empty(const struct report *r)
{
	return r->totals.airings == 0 && r->n_missed == 0;
}

/* Prints s right- or left-aligned in width characters (not bytes: Vietnamese headers). */
static void
col(FILE *f, const char *s, int width, int left)
{
	int chars = 0;
	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	if (!left)
		for (int i = chars; i < width; i++)
			fputc(' ', f);
	fputs(s, f);
	if (left)
		for (int i = chars; i < width; i++)
			fputc(' ', f);
}

int
report_write_text(const struct report *r, FILE *f)
{
	fprintf(f, _("%s — airing report %s\n\n"), r->station, r->label);
	if (empty(r))
		fprintf(f, _("Nothing was aired or missed in this period.\n\n"));
	col(f, _("MONTH"), 8, 1);
	const char *heads[] = { _("BULLETINS"), _("CCHC"), _("AIRINGS"), _("AIRTIME"), _("TARGET") };
	const int widths[] = { 10, 10, 10, 11, 9 };
	for (size_t i = 0; i < ARRAY_LEN(heads); i++)
		col(f, heads[i], widths[i], 0);
	fprintf(f, "  %s\n", _("MET"));
	char t[32];
	for (size_t i = 0; i < r->n_months; i++) {
		const struct report_counts *c = &r->months[i].c;
		hms(c->airtime_s, t, sizeof t);
		char m[16];
		snprintf(m, sizeof m, "%04d-%02d", r->months[i].year, r->months[i].month);
		fprintf(f, "%-8s %9d %9d %9d %10s %8d  %s\n", m, c->bulletins, c->cchc_bulletins,
			c->airings, t, c->target, met_word(c->met));
	}
	const struct report_counts *c = &r->totals;
	hms(c->airtime_s, t, sizeof t);
	col(f, _("TOTAL"), 8, 1);
	fprintf(f, " %9d %9d %9d %10s %8d  %s\n", c->bulletins, c->cchc_bulletins, c->airings, t,
		c->target, met_word(c->met));
	if (c->n_topics) {
		fprintf(f, _("\nBy topic over the period:\n"));
		for (size_t i = 0; i < c->n_topics; i++) {
			hms(c->by_topic[i].airtime_s, t, sizeof t);
			fprintf(f, "  %-16s %5d %s, %5d %s, %s\n", c->by_topic[i].topic,
				c->by_topic[i].bulletins, _("bulletins"), c->by_topic[i].airings,
				_("airings"), t);
		}
	}
	if (r->n_missed) {
		fprintf(f, _("\nSlots missed or failed:\n"));
		for (size_t i = 0; i < r->n_missed; i++) {
			char when[32];
			time_format(r->missed[i].scheduled_at, "%Y-%m-%d %H:%M", when, sizeof when);
			fprintf(f, "  %s  %-8s %-12s %s\n", when, r->missed[i].slot ? r->missed[i].slot : "-",
				_(r->missed[i].status), r->missed[i].reason ? r->missed[i].reason : "");
		}
	}
	return ferror(f) ? -1 : 0;
}

int
report_write_csv(const struct report *r, FILE *f)
{
	fputs("\xef\xbb\xbf", f);
	const char *h[] = { _("month"), _("distinct bulletins"), _("CCHC bulletins"),
			    _("bulletin airings"), _("airtime (s)"), _("CCHC target"), _("met") };
	for (size_t i = 0; i < ARRAY_LEN(h); i++)
		report_csv_cell(f, h[i], i + 1 == ARRAY_LEN(h));
	char buf[64];
	for (size_t i = 0; i <= r->n_months; i++) {
		const struct report_counts *c = i < r->n_months ? &r->months[i].c : &r->totals;
		if (i < r->n_months)
			snprintf(buf, sizeof buf, "%04d-%02d", r->months[i].year, r->months[i].month);
		else
			snprintf(buf, sizeof buf, "%s", _("total"));
		report_csv_cell(f, buf, 0);
		snprintf(buf, sizeof buf, "%d", c->bulletins);
		report_csv_cell(f, buf, 0);
		snprintf(buf, sizeof buf, "%d", c->cchc_bulletins);
		report_csv_cell(f, buf, 0);
		snprintf(buf, sizeof buf, "%d", c->airings);
		report_csv_cell(f, buf, 0);
		snprintf(buf, sizeof buf, "%.0f", c->airtime_s);
		report_csv_cell(f, buf, 0);
		snprintf(buf, sizeof buf, "%d", c->target);
		report_csv_cell(f, buf, 0);
		report_csv_cell(f, met_word(c->met), 1);
	}
	return ferror(f) ? -1 : 0;
}

static json_t *
counts_json(const struct report_counts *c)
{
	json_t *o = json_pack("{s:i,s:i,s:i,s:f,s:i,s:b}", "bulletins", c->bulletins,
			      "cchc_bulletins", c->cchc_bulletins, "airings", c->airings,
			      "airtime_s", c->airtime_s, "target", c->target, "met", c->met);
	json_t *bt = json_object();
	for (size_t i = 0; i < c->n_topics; i++)
		json_object_set_new(bt, c->by_topic[i].topic,
				    json_pack("{s:i,s:i,s:f}", "bulletins", c->by_topic[i].bulletins,
					      "airings", c->by_topic[i].airings, "airtime_s",
					      c->by_topic[i].airtime_s));
	json_object_set_new(o, "by_topic", bt);
	return o;
}

int
report_write_json(const struct report *r, FILE *f)
{
	char from[16], until[16];
	time_format(r->from, "%Y-%m-%d", from, sizeof from);
	time_format(r->until - 1000, "%Y-%m-%d", until, sizeof until);
	json_t *o = json_pack("{s:{s:s,s:s,s:s},s:s}", "period", "from", from, "until", until,
			      "label", r->label, "station", r->station);
	json_t *months = json_array();
	for (size_t i = 0; i < r->n_months; i++) {
		json_t *m = counts_json(&r->months[i].c);
		char ym[16];
		snprintf(ym, sizeof ym, "%04d-%02d", r->months[i].year, r->months[i].month);
		json_object_set_new(m, "month", json_string(ym));
		json_array_append_new(months, m);
	}
	json_object_set_new(o, "months", months);
	json_object_set_new(o, "totals", counts_json(&r->totals));
	json_t *missed = json_array();
	for (size_t i = 0; i < r->n_missed; i++) {
		char iso[40];
		time_iso8601(r->missed[i].scheduled_at, iso);
		json_array_append_new(missed, json_pack("{s:s,s:s?,s:s?,s:s,s:s?}", "scheduled_at", iso,
							"slot", r->missed[i].slot, "program",
							r->missed[i].program, "status", r->missed[i].status,
							"reason", r->missed[i].reason));
	}
	json_object_set_new(o, "missed", missed);
	json_object_set_new(o, "empty", json_boolean(empty(r)));
	int rc = json_dumpf(o, f, JSON_INDENT(2));
	fputc('\n', f);
	json_decref(o);
	return rc < 0 || ferror(f) ? -1 : 0;
}

int
report_write_xlsx(const struct report *r, const char *path, char *err)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb) {
		err_set(err, _("Cannot write %s."), path);
		return -1;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, _("Report"));
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	worksheet_set_column(ws, 0, 0, 12, NULL);
	worksheet_set_column(ws, 1, 6, 16, NULL);
	char title[256];
	snprintf(title, sizeof title, _("%s — airing report %s"), r->station, r->label);
	worksheet_write_string(ws, 0, 0, title, bold);
	const char *h[] = { _("month"), _("distinct bulletins"), _("CCHC bulletins"),
			    _("bulletin airings"), _("airtime (s)"), _("CCHC target"), _("met") };
	for (size_t i = 0; i < ARRAY_LEN(h); i++)
		worksheet_write_string(ws, 2, (lxw_col_t)i, h[i], bold);
	for (size_t i = 0; i <= r->n_months; i++) {
		const struct report_counts *c = i < r->n_months ? &r->months[i].c : &r->totals;
		lxw_row_t row = (lxw_row_t)(3 + i);
		char m[16];
		if (i < r->n_months)
			snprintf(m, sizeof m, "%04d-%02d", r->months[i].year, r->months[i].month);
		else
			snprintf(m, sizeof m, "%s", _("total"));
		worksheet_write_string(ws, row, 0, m, i == r->n_months ? bold : NULL);
		worksheet_write_number(ws, row, 1, c->bulletins, NULL);
		worksheet_write_number(ws, row, 2, c->cchc_bulletins, NULL);
		worksheet_write_number(ws, row, 3, c->airings, NULL);
		worksheet_write_number(ws, row, 4, (double)(long)(c->airtime_s + 0.5), NULL);
		worksheet_write_number(ws, row, 5, c->target, NULL);
		worksheet_write_string(ws, row, 6, met_word(c->met), NULL);
	}
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		err_set(err, _("Cannot write %s: %s."), path, lxw_strerror(e));
		return -1;
	}
	return 0;
}
