/*
 * Writers of a report: text for the terminal, CSV and XLSX for
 * spreadsheets, JSON for scripts.  CSV and XLSX are written from the same
 * table of typed cells (table() below), so that what LibreOffice or Excel
 * shows of the XLSX is, cell for cell, what the CSV holds; XLSX adds a
 * title row naming the station and the period, and keeps months,
 * durations and times as real dates and times.
 */
#include "reports/reports.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/base.h"

/* The status words as a person reads them; JSON keeps the raw ones. */
static const char *const status_words[] = { N_("started"), N_("completed"), N_("interrupted"),
					     N_("failed"), N_("missed") };

static const char *
met_word(int met)
{
	/* the plans' own words, whatever the locale: officers check for them */
	return met ? "đạt" : "chưa đạt";
}

/* Called for every cell of a million-row export: no per-character stdio. */
void
report_csv_cell(FILE *f, const char *s, int last)
{
	s = s ? s : "";
	size_t n = strlen(s);
	int formula = n && strchr("=+-@\t\r", s[0]);
	if (!formula && strcspn(s, ",\"\r\n") == n) {
		fwrite_unlocked(s, 1, n, f);
	} else {
		putc_unlocked('"', f);
		if (formula)
			putc_unlocked('\'', f);
		for (const char *q; (q = strchr(s, '"')); s = q + 1) {
			fwrite_unlocked(s, 1, (size_t)(q - s) + 1, f);
			putc_unlocked('"', f);
		}
		fputs_unlocked(s, f);
		putc_unlocked('"', f);
	}
	if (last)
		fwrite_unlocked("\r\n", 1, 2, f);
	else
		putc_unlocked(',', f);
}

/* -?digits[.digits][e[+-]digits]: what %g and %lld write, nothing else. */
static int
plain_number(const char *s)
{
	const char *p = s + (*s == '-');
	size_t d = strspn(p, "0123456789");
	if (!d)
		return 0;
	p += d;
	if (*p == '.') {
		if (!(d = strspn(++p, "0123456789")))
			return 0;
		p += d;
	}
	if (*p == 'e' || *p == 'E') {
		p += 1 + (p[1] == '-' || p[1] == '+');
		if (!(d = strspn(p, "0123456789")))
			return 0;
		p += d;
	}
	return *p == 0;
}

void
report_csv_number(FILE *f, const char *num, int last)
{
	if (!num || !plain_number(num)) {
		report_csv_cell(f, num, last);
		return;
	}
	fputs_unlocked(num, f);
	if (last)
		fwrite_unlocked("\r\n", 1, 2, f);
	else
		putc_unlocked(',', f);
}

int
report_width(const char *s)
{
	int w = 0;
	while (*s) {
		uint32_t cp;
		int n = utf8_decode(s, &cp);
		if (n <= 0)
			n = 1, cp = '?';
		if (!(cp >= 0x300 && cp <= 0x36f))
			w++;
		s += n;
	}
	return w;
}

void
report_pad(FILE *f, const char *s, int width, int left)
{
	s = s ? s : "";
	int pad = width - report_width(s);
	if (!left)
		for (int i = 0; i < pad; i++)
			fputc(' ', f);
	fputs(s, f);
	if (left)
		for (int i = 0; i < pad; i++)
			fputc(' ', f);
}

static void
hms(double s, char *buf, size_t n)
{
	long t = (long)(s + 0.5);
	snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
}

static const char *
status_word(const char *status)
{
	for (size_t i = 0; i < ARRAY_LEN(status_words); i++)
		if (strcmp(status, status_words[i]) == 0)
			return _(status_words[i]);
	return status;
}

/* ---- the table shared by CSV and XLSX ---- */

enum cell_kind { CELL_TEXT, CELL_INT, CELL_MONTH, CELL_DURATION, CELL_DATETIME };

struct cell {
	enum cell_kind k;
	const char *s;
	double n;    /* CELL_INT, CELL_DURATION (seconds) */
	int64_t ms;  /* CELL_DATETIME */
	int y, m;    /* CELL_MONTH */
};

enum row_style { ROW_BODY, ROW_HEAD, ROW_TOTAL, ROW_BLANK };

typedef void (*row_fn)(void *ctx, const struct cell *c, size_t n, enum row_style style);

#define TEXT(x) ((struct cell){ .k = CELL_TEXT, .s = (x) })
#define INT(x) ((struct cell){ .k = CELL_INT, .n = (x) })
#define DURATION(x) ((struct cell){ .k = CELL_DURATION, .n = (double)(long)((x) + 0.5) })

static void
heads(row_fn fn, void *ctx, const char *const *h, size_t n)
{
	struct cell c[8];
	for (size_t i = 0; i < n; i++)
		c[i] = TEXT(_(h[i]));
	fn(ctx, c, n, ROW_HEAD);
}

/*
 * The report as rows: the months and the total against the target; per
 * month and topic; the slots missed or failed.  A blank row between parts.
 */
static void
table(const struct report *r, row_fn fn, void *ctx)
{
	static const char *const h1[] = { N_("month"), N_("distinct bulletins"),
					  N_("CCHC bulletins"), N_("bulletin airings"),
					  N_("airtime"), N_("CCHC target"), N_("met") };
	static const char *const h2[] = { N_("month"), N_("topic"), N_("topic name"),
					  N_("distinct bulletins"), N_("bulletin airings"),
					  N_("airtime") };
	static const char *const h3[] = { N_("scheduled at"), N_("slot"), N_("programme"),
					  N_("outcome"), N_("reason") };
	struct cell c[8];
	heads(fn, ctx, h1, ARRAY_LEN(h1));
	for (size_t i = 0; i <= r->n_months; i++) {
		int total = i == r->n_months;
		const struct report_counts *k = total ? &r->totals : &r->months[i].c;
		c[0] = total ? TEXT(_("total"))
			     : (struct cell){ .k = CELL_MONTH, .y = r->months[i].year,
					      .m = r->months[i].month };
		c[1] = INT(k->bulletins);
		c[2] = INT(k->cchc_bulletins);
		c[3] = INT(k->airings);
		c[4] = DURATION(k->airtime_s);
		c[5] = INT(k->target);
		c[6] = TEXT(met_word(k->met));
		fn(ctx, c, 7, total ? ROW_TOTAL : ROW_BODY);
	}
	fn(ctx, NULL, 0, ROW_BLANK);
	heads(fn, ctx, h2, ARRAY_LEN(h2));
	for (size_t i = 0; i <= r->n_months; i++) {
		int total = i == r->n_months;
		const struct report_counts *k = total ? &r->totals : &r->months[i].c;
		for (size_t t = 0; t < k->n_topics; t++) {
			const struct report_topic *p = &k->by_topic[t];
			c[0] = total ? TEXT(_("total"))
				     : (struct cell){ .k = CELL_MONTH, .y = r->months[i].year,
						      .m = r->months[i].month };
			c[1] = TEXT(p->topic);
			c[2] = TEXT(p->name);
			c[3] = INT(p->bulletins);
			c[4] = INT(p->airings);
			c[5] = DURATION(p->airtime_s);
			fn(ctx, c, 6, total ? ROW_TOTAL : ROW_BODY);
		}
	}
	fn(ctx, NULL, 0, ROW_BLANK);
	heads(fn, ctx, h3, ARRAY_LEN(h3));
	for (size_t i = 0; i < r->n_missed; i++) {
		const struct report_missed *m = &r->missed[i];
		c[0] = (struct cell){ .k = CELL_DATETIME, .ms = m->scheduled_at };
		c[1] = TEXT(m->slot ? m->slot : "");
		c[2] = TEXT(m->program ? m->program : "");
		c[3] = TEXT(status_word(m->status));
		c[4] = TEXT(m->reason ? m->reason : "");
		fn(ctx, c, 5, ROW_BODY);
	}
}

/* The cell as the CSV holds it and as a spreadsheet shows the XLSX one. */
static void
cell_text(const struct cell *c, char *buf, size_t n)
{
	switch (c->k) {
	case CELL_TEXT:
		snprintf(buf, n, "%s", c->s);
		break;
	case CELL_INT:
		snprintf(buf, n, "%.0f", c->n);
		break;
	case CELL_MONTH:
		snprintf(buf, n, "%04d-%02d", c->y, c->m);
		break;
	case CELL_DURATION:
		hms(c->n, buf, n);
		break;
	case CELL_DATETIME:
		time_format(c->ms, "%Y-%m-%d %H:%M", buf, n);
		break;
	}
}

static void
csv_row(void *ctx, const struct cell *c, size_t n, enum row_style style)
{
	FILE *f = ctx;
	char buf[512];
	if (style == ROW_BLANK) {
		fputs("\r\n", f);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		cell_text(&c[i], buf, sizeof buf);
		report_csv_cell(f, buf, i + 1 == n);
	}
}

int
report_write_csv(const struct report *r, FILE *f)
{
	fputs("\xef\xbb\xbf", f);
	table(r, csv_row, f);
	return ferror(f) ? -1 : 0;
}

struct xlsx {
	lxw_worksheet *ws;
	lxw_format *bold, *month, *month_bold, *dur, *dur_bold, *datetime;
	lxw_row_t row;
};

static void
xlsx_row(void *ctx, const struct cell *c, size_t n, enum row_style style)
{
	struct xlsx *x = ctx;
	int bold = style == ROW_HEAD || style == ROW_TOTAL;
	for (size_t i = 0; i < n; i++) {
		lxw_col_t col = (lxw_col_t)i;
		time_t t;
		struct tm tm;
		switch (c[i].k) {
		case CELL_TEXT:
			worksheet_write_string(x->ws, x->row, col, c[i].s, bold ? x->bold : NULL);
			break;
		case CELL_INT:
			worksheet_write_number(x->ws, x->row, col, c[i].n, bold ? x->bold : NULL);
			break;
		case CELL_MONTH: {
			lxw_datetime dt = { c[i].y, c[i].m, 1, 0, 0, 0 };
			worksheet_write_datetime(x->ws, x->row, col, &dt, bold ? x->month_bold : x->month);
			break;
		}
		case CELL_DURATION:
			/* a spreadsheet time is a fraction of a day */
			worksheet_write_number(x->ws, x->row, col, c[i].n / 86400.0,
					       bold ? x->dur_bold : x->dur);
			break;
		case CELL_DATETIME: {
			t = (time_t)(c[i].ms / 1000);
			localtime_r(&t, &tm);
			lxw_datetime dt = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
					    tm.tm_hour, tm.tm_min, 0 };
			worksheet_write_datetime(x->ws, x->row, col, &dt, x->datetime);
			break;
		}
		}
	}
	x->row++;
}

int
report_write_xlsx(const struct report *r, const char *path, char *err)
{
	/* constant memory: rows are written in order and flushed as they go */
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb) {
		err_set(err, _("Cannot write %s."), path);
		return -1;
	}
	struct xlsx x = { .ws = workbook_add_worksheet(wb, NULL) };
	x.bold = workbook_add_format(wb);
	format_set_bold(x.bold);
	x.month = workbook_add_format(wb);
	format_set_num_format(x.month, "yyyy-mm");
	format_set_align(x.month, LXW_ALIGN_LEFT);
	x.month_bold = workbook_add_format(wb);
	format_set_num_format(x.month_bold, "yyyy-mm");
	format_set_align(x.month_bold, LXW_ALIGN_LEFT);
	format_set_bold(x.month_bold);
	x.dur = workbook_add_format(wb);
	format_set_num_format(x.dur, "[h]:mm:ss");
	x.dur_bold = workbook_add_format(wb);
	format_set_num_format(x.dur_bold, "[h]:mm:ss");
	format_set_bold(x.dur_bold);
	x.datetime = workbook_add_format(wb);
	format_set_num_format(x.datetime, "yyyy-mm-dd hh:mm");
	format_set_align(x.datetime, LXW_ALIGN_LEFT);
	worksheet_set_column(x.ws, 0, 0, 18, NULL);
	worksheet_set_column(x.ws, 1, 1, 18, NULL);
	worksheet_set_column(x.ws, 2, 2, 30, NULL);
	worksheet_set_column(x.ws, 3, 6, 16, NULL);
	char from[16], until[16], title[512];
	time_format(r->from, "%Y-%m-%d", from, sizeof from);
	time_format(r->until - 1000, "%Y-%m-%d", until, sizeof until);
	snprintf(title, sizeof title, _("%s: airing report %s (%s to %s)"), r->station, r->label,
		 from, until);
	worksheet_write_string(x.ws, 0, 0, title, x.bold);
	x.row = 2;
	table(r, xlsx_row, &x);
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		err_set(err, _("Cannot write %s: %s."), path, lxw_strerror(e));
		return -1;
	}
	return 0;
}

/* ---- text ---- */

int
report_write_text(const struct report *r, FILE *f)
{
	char from[16], until[16], t[32];
	time_format(r->from, "%Y-%m-%d", from, sizeof from);
	time_format(r->until - 1000, "%Y-%m-%d", until, sizeof until);
	fprintf(f, _("%s: airing report %s (%s to %s)\n\n"), r->station, r->label, from, until);
	if (report_empty(r))
		fprintf(f, _("Nothing was aired or missed in this period.\n\n"));
	const char *h[] = { _("MONTH"), _("BULLETINS"), _("CCHC"), _("AIRINGS"), _("AIRTIME"),
			    _("TARGET"), _("MET") };
	int w[] = { 8, 10, 8, 9, 11, 8, 0 };
	for (size_t i = 0; i + 1 < ARRAY_LEN(h); i++) /* a translation may be wider */
		w[i] = w[i] > report_width(h[i]) ? w[i] : report_width(h[i]);
	for (size_t i = 0; i < ARRAY_LEN(h); i++) {
		fputs(i ? "  " : "", f);
		report_pad(f, h[i], w[i], i == 0 || i + 1 == ARRAY_LEN(h));
	}
	fputc('\n', f);
	for (size_t i = 0; i <= r->n_months; i++) {
		const struct report_counts *c = i < r->n_months ? &r->months[i].c : &r->totals;
		char m[16];
		if (i < r->n_months)
			snprintf(m, sizeof m, "%04d-%02d", r->months[i].year, r->months[i].month);
		else
			snprintf(m, sizeof m, "%s", _("TOTAL"));
		hms(c->airtime_s, t, sizeof t);
		report_pad(f, m, w[0], 1);
		fprintf(f, "  %*d  %*d  %*d  %*s  %*d  %s\n", w[1], c->bulletins, w[2],
			c->cchc_bulletins, w[3], c->airings, w[4], t, w[5], c->target,
			met_word(c->met));
	}
	if (r->totals.n_topics) {
		fprintf(f, _("\nBy topic:\n"));
		const char *h2[] = { _("MONTH"), _("TOPIC"), _("BULLETINS"), _("AIRINGS"),
				     _("AIRTIME") };
		int w2[] = { 8, 16, 10, 9, 11 };
		for (size_t i = 0; i < ARRAY_LEN(h2); i++) {
			w2[i] = w2[i] > report_width(h2[i]) ? w2[i] : report_width(h2[i]);
			fputs(i ? "  " : "", f);
			report_pad(f, h2[i], w2[i], i < 2);
		}
		fputc('\n', f);
		for (size_t i = 0; i <= r->n_months; i++) {
			const struct report_counts *c = i < r->n_months ? &r->months[i].c : &r->totals;
			char m[16];
			if (i < r->n_months)
				snprintf(m, sizeof m, "%04d-%02d", r->months[i].year, r->months[i].month);
			else
				snprintf(m, sizeof m, "%s", _("TOTAL"));
			for (size_t k = 0; k < c->n_topics; k++) {
				const struct report_topic *p = &c->by_topic[k];
				hms(p->airtime_s, t, sizeof t);
				report_pad(f, m, w2[0], 1);
				fputs("  ", f);
				report_pad(f, p->topic, w2[1], 1);
				fprintf(f, "  %*d  %*d  %*s  %s\n", w2[2], p->bulletins, w2[3],
					p->airings, w2[4], t, p->name);
			}
		}
	}
	if (r->n_missed) {
		fprintf(f, _("\nSlots missed or failed:\n"));
		for (size_t i = 0; i < r->n_missed; i++) {
			const struct report_missed *m = &r->missed[i];
			char when[32];
			time_format(m->scheduled_at, "%Y-%m-%d %H:%M", when, sizeof when);
			fprintf(f, "  %s  ", when);
			report_pad(f, m->slot ? m->slot : "-", 10, 1);
			fputs("  ", f);
			report_pad(f, status_word(m->status), 12, 1);
			fprintf(f, "  %s\n", m->reason ? m->reason : "");
		}
	}
	return ferror(f) ? -1 : 0;
}

/* ---- JSON ---- */

static json_t *
counts_json(const struct report_counts *c)
{
	json_t *o = json_pack("{s:i,s:i,s:i,s:f,s:i,s:b}", "bulletins", c->bulletins,
			      "cchc_bulletins", c->cchc_bulletins, "airings", c->airings,
			      "airtime_s", c->airtime_s, "target", c->target, "met", c->met);
	json_t *bt = json_object();
	for (size_t i = 0; i < c->n_topics; i++) {
		const struct report_topic *t = &c->by_topic[i];
		json_object_set_new(bt, t->topic,
				    json_pack("{s:s,s:b,s:i,s:i,s:f}", "name", t->name, "cchc",
					      t->cchc, "bulletins", t->bulletins, "airings",
					      t->airings, "airtime_s", t->airtime_s));
	}
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
	json_object_set_new(o, "empty", json_boolean(report_empty(r)));
	int rc = json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(o);
	return rc < 0 || ferror(f) ? -1 : 0;
}
