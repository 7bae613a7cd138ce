/*
 * Writers of a report: text for the terminal and XLSX for the people who
 * file it, in the reader's language; CSV and JSON for machines, the same
 * under every locale.  CSV and XLSX are written from the same tables of
 * typed cells (table_summary(), table_bulletins()), each cell carrying
 * what a machine reads (a month "2025-03", a topic id, a status code,
 * seconds) and what a person reads (a real date shown "Tháng 3/2025", the
 * topic's name, the outcome in words, h:mm:ss); a column may be for one of
 * them only.  XLSX adds a title row naming the station and the period, and
 * puts the list of bulletins aired on a sheet of its own.
 */
#include "reports/reports.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "base/base.h"

/* The status words as a person reads them; CSV and JSON keep the raw ones. */
static const char *const status_words[] = { N_("started"), N_("completed"), N_("interrupted"),
					     N_("failed"), N_("missed") };

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

const char *
report_status_word(const char *status)
{
	for (size_t i = 0; i < ARRAY_LEN(status_words); i++)
		if (strcmp(status, status_words[i]) == 0)
			return _(status_words[i]);
	return status;
}

/* ---- days ---- */

/* Days since 1970-01-01 of "YYYY-MM-DD" (proleptic Gregorian), for runs of days. */
static long
day_number(const char *ymd)
{
	int y = ascii_number(ymd, 4), m = ascii_number(ymd + 5, 2), d = ascii_number(ymd + 8, 2);
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD" as people write a date in the reader's language. */
static void
day_text(const char *ymd, char *buf, size_t n)
{
	struct tm tm = { .tm_year = ascii_number(ymd, 4) - 1900, .tm_mon = ascii_number(ymd + 5, 2) - 1,
			 .tm_mday = ascii_number(ymd + 8, 2), .tm_hour = 12 };
	if (!strftime(buf, n, _("%Y-%m-%d"), &tm))
		snprintf(buf, n, "%s", ymd);
}

char *
report_days_text(const struct report_bulletin *b)
{
	struct sbuf s = { 0 };
	char a[40], z[40];
	for (size_t i = 0; i < b->n_days;) {
		size_t j = i;
		while (j + 1 < b->n_days && day_number(b->days[j + 1]) == day_number(b->days[j]) + 1)
			j++;
		day_text(b->days[i], a, sizeof a);
		if (j > i) {
			day_text(b->days[j], z, sizeof z);
			sbuf_addf(&s, "%s%s–%s", i ? ", " : "", a, z);
		} else {
			sbuf_addf(&s, "%s%s", i ? ", " : "", a);
		}
		i = j + 1;
	}
	return s.s ? sbuf_steal(&s) : xstrdup("");
}

/* ---- the tables shared by CSV and XLSX ---- */

enum cell_kind { CELL_TEXT, CELL_INT, CELL_MONTH, CELL_DURATION, CELL_DATETIME, CELL_DATE };
enum cell_for { FOR_BOTH, FOR_MACHINES, FOR_PEOPLE };

struct cell {
	enum cell_kind k;
	enum cell_for only;
	const char *s;    /* CELL_TEXT: what machines read; CELL_DATE: "YYYY-MM-DD" */
	const char *h;    /* CELL_TEXT: what people read, when it differs (NULL: s) */
	double n;         /* CELL_INT, CELL_DURATION (seconds) */
	int64_t ms;       /* CELL_DATETIME */
	int y, m;         /* CELL_MONTH */
};

enum row_style { ROW_BODY, ROW_HEAD, ROW_TOTAL, ROW_BLANK };

typedef void (*row_fn)(void *ctx, const struct cell *c, size_t n, enum row_style style);

#define TEXT(x) ((struct cell){ .k = CELL_TEXT, .s = (x) })
#define WORD(code, word) ((struct cell){ .k = CELL_TEXT, .s = (code), .h = (word) })
#define INT(x) ((struct cell){ .k = CELL_INT, .n = (x) })
#define DURATION(x) ((struct cell){ .k = CELL_DURATION, .n = (double)(long)((x) + 0.5) })
#define MONTH(yy, mm) ((struct cell){ .k = CELL_MONTH, .y = (yy), .m = (mm) })

/* A head: the field name machines read, the words people read. */
struct head {
	const char *field, *words;
	enum cell_for only;
};

static void
heads(row_fn fn, void *ctx, const struct head *h, size_t n)
{
	struct cell c[12];
	for (size_t i = 0; i < n; i++)
		c[i] = (struct cell){ .k = CELL_TEXT, .s = h[i].field,
				      .h = h[i].words ? _(h[i].words) : NULL, .only = h[i].only };
	fn(ctx, c, n, ROW_HEAD);
}

/*
 * The report as rows: the months and the total against the target; per
 * month and topic; the slots missed or failed.  A blank row between parts.
 */
static void
table_summary(const struct report *r, row_fn fn, void *ctx)
{
	static const struct head h1[] = {
		{ "month", N_("Month") }, { "bulletins", N_("Distinct bulletins") },
		{ "cchc_bulletins", N_("Bulletins on CCHC") }, { "airings", N_("Airings") },
		{ "airtime_s", N_("Airtime") }, { "target", N_("Monthly CCHC target") },
		{ "state", N_("Result") }, { "relay_s", N_("Relay airtime") },
		{ "live_s", N_("Live airtime") },
	};
	static const struct head h2[] = {
		{ "month", N_("Month") }, { "topic", N_("Topic") }, { "topic_name", NULL, FOR_MACHINES },
		{ "bulletins", N_("Distinct bulletins") }, { "airings", N_("Airings") },
		{ "airtime_s", N_("Airtime") },
	};
	static const struct head h3[] = {
		{ "scheduled_at", N_("Scheduled at") }, { "slot", N_("Slot") },
		{ "program", N_("Programme") }, { "status", N_("Outcome") }, { "reason", N_("Reason") },
	};
	struct cell c[10];
	char prog[64];
	heads(fn, ctx, h1, ARRAY_LEN(h1));
	for (size_t i = 0; i <= r->n_months; i++) {
		int total = i == r->n_months;
		const struct report_counts *k = total ? &r->totals : &r->months[i].c;
		c[0] = total ? WORD("total", _("Total")) : MONTH(r->months[i].year, r->months[i].month);
		c[1] = INT(k->bulletins);
		c[2] = INT(k->cchc_bulletins);
		c[3] = INT(k->airings);
		c[4] = DURATION(k->airtime_s);
		c[5] = INT(k->target);
		c[6] = WORD(report_state_code(k->state), report_state_word(k->state));
		c[7] = DURATION(k->relay_s);
		c[8] = DURATION(k->live_s);
		fn(ctx, c, 9, total ? ROW_TOTAL : ROW_BODY);
	}
	fn(ctx, NULL, 0, ROW_BLANK);
	heads(fn, ctx, h2, ARRAY_LEN(h2));
	for (size_t i = 0; i <= r->n_months; i++) {
		int total = i == r->n_months;
		const struct report_counts *k = total ? &r->totals : &r->months[i].c;
		for (size_t t = 0; t < k->n_topics; t++) {
			const struct report_topic *p = &k->by_topic[t];
			c[0] = total ? WORD("total", _("Total")) : MONTH(r->months[i].year, r->months[i].month);
			c[1] = WORD(p->topic, p->name);
			c[2] = TEXT(p->name);
			c[2].only = FOR_MACHINES;
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
		c[2] = WORD(m->program ? m->program : "", report_program_label(m->program, prog, sizeof prog));
		c[3] = WORD(m->status, report_status_word(m->status));
		c[4] = WORD(m->reason ? m->reason : "", report_reason(m->reason));
		fn(ctx, c, 5, ROW_BODY);
	}
}

/* The bulletins aired: what an officer pastes into a report. */
static void
table_bulletins(const struct report *r, row_fn fn, void *ctx)
{
	static const struct head h[] = {
		{ "bulletin_id", NULL, FOR_MACHINES }, { NULL, N_("No."), FOR_PEOPLE },
		{ "title", N_("Title") }, { "topic", N_("Topic") }, { "topic_name", NULL, FOR_MACHINES },
		{ "days", N_("Days aired") }, { "airings", N_("Airings") },
		{ "airtime_s", N_("Airtime") },
	};
	struct cell c[8];
	heads(fn, ctx, h, ARRAY_LEN(h));
	for (size_t i = 0; i < r->n_bulletins; i++) {
		const struct report_bulletin *b = &r->bulletins[i];
		struct sbuf days = { 0 };
		for (size_t d = 0; d < b->n_days; d++)
			sbuf_addf(&days, "%s%s", d ? " " : "", b->days[d]);
		char *people = report_days_text(b);
		c[0] = INT((double)b->id);
		c[0].only = FOR_MACHINES;
		c[1] = INT((double)(i + 1));
		c[1].only = FOR_PEOPLE;
		c[2] = TEXT(b->title);
		c[3] = WORD(b->topic, b->topic_name);
		c[4] = TEXT(b->topic_name);
		c[4].only = FOR_MACHINES;
		c[5] = WORD(days.s ? days.s : "", people);
		c[6] = INT(b->airings);
		c[7] = DURATION(b->airtime_s);
		fn(ctx, c, 8, ROW_BODY);
		free(people);
		sbuf_free(&days);
	}
}

/* ---- CSV: the machine fields ---- */

static void
csv_row(void *ctx, const struct cell *c, size_t n, enum row_style style)
{
	FILE *f = ctx;
	char buf[64];
	if (style == ROW_BLANK) {
		fputs("\r\n", f);
		return;
	}
	size_t last = n;
	while (last > 0 && c[last - 1].only == FOR_PEOPLE)
		last--;
	for (size_t i = 0; i < last; i++) {
		int end = i + 1 == last;
		if (c[i].only == FOR_PEOPLE)
			continue;
		switch (c[i].k) {
		case CELL_TEXT:
		case CELL_DATE:
			report_csv_cell(f, c[i].s, end);
			break;
		case CELL_INT:
		case CELL_DURATION:
			snprintf(buf, sizeof buf, "%.0f", c[i].n);
			report_csv_number(f, buf, end);
			break;
		case CELL_MONTH:
			snprintf(buf, sizeof buf, "%04d-%02d", c[i].y, c[i].m);
			report_csv_cell(f, buf, end);
			break;
		case CELL_DATETIME:
			time_iso8601(c[i].ms, buf);
			report_csv_cell(f, buf, end);
			break;
		}
	}
}

int
report_write_csv(const struct report *r, FILE *f)
{
	fputs("\xef\xbb\xbf", f);
	table_summary(r, csv_row, f);
	csv_row(f, NULL, 0, ROW_BLANK);
	table_bulletins(r, csv_row, f);
	return ferror(f) ? -1 : 0;
}

/* ---- XLSX: for people ---- */

struct xlsx {
	lxw_worksheet *ws;
	lxw_format *bold, *month, *month_bold, *dur, *dur_bold, *datetime, *wrap;
	lxw_row_t row;
};

static void
xlsx_row(void *ctx, const struct cell *c, size_t n, enum row_style style)
{
	struct xlsx *x = ctx;
	int bold = style == ROW_HEAD || style == ROW_TOTAL;
	lxw_col_t col = 0;
	for (size_t i = 0; i < n; i++) {
		time_t t;
		struct tm tm;
		if (c[i].only == FOR_MACHINES)
			continue;
		switch (c[i].k) {
		case CELL_TEXT:
		case CELL_DATE:
			worksheet_write_string(x->ws, x->row, col, c[i].h ? c[i].h : c[i].s,
					       bold ? x->bold : x->wrap);
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
		col++;
	}
	x->row++;
}

/* The report's title as people read it: station, the period in words, its days. */
static void
title_line(const struct report *r, char *buf, size_t n)
{
	char from[32], until[32], label[96];
	report_date(r->from, from, sizeof from);
	report_date(r->until - 1000, until, sizeof until);
	report_period_label(r->y0, r->m0, r->y1, r->m1, label, sizeof label);
	snprintf(buf, n, _("%s: airing report %s (%s to %s)"), r->station, label, from, until);
	if (r->zone) {
		size_t len = strlen(buf);
		snprintf(buf + len, n - len, _(", zone %s"), r->zone);
	}
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
	/* sheet names in the reader's language (at most 31 characters, no []:*?/\) */
	struct xlsx x = { .ws = workbook_add_worksheet(wb, _("Report")) };
	lxw_worksheet *list = workbook_add_worksheet(wb, _("Bulletins aired"));
	x.bold = workbook_add_format(wb);
	format_set_bold(x.bold);
	x.wrap = workbook_add_format(wb);
	format_set_text_wrap(x.wrap);
	format_set_align(x.wrap, LXW_ALIGN_VERTICAL_TOP);
	/* the number formats are the reader's: "Tháng "m/yyyy, dd/mm/yyyy hh:mm under vi_VN */
	x.month = workbook_add_format(wb);
	format_set_num_format(x.month, _("mmmm yyyy"));
	format_set_align(x.month, LXW_ALIGN_LEFT);
	x.month_bold = workbook_add_format(wb);
	format_set_num_format(x.month_bold, _("mmmm yyyy"));
	format_set_align(x.month_bold, LXW_ALIGN_LEFT);
	format_set_bold(x.month_bold);
	x.dur = workbook_add_format(wb);
	format_set_num_format(x.dur, "[h]:mm:ss");
	x.dur_bold = workbook_add_format(wb);
	format_set_num_format(x.dur_bold, "[h]:mm:ss");
	format_set_bold(x.dur_bold);
	x.datetime = workbook_add_format(wb);
	format_set_num_format(x.datetime, _("yyyy-mm-dd hh:mm"));
	format_set_align(x.datetime, LXW_ALIGN_LEFT);
	worksheet_set_column(x.ws, 0, 0, 18, NULL);
	worksheet_set_column(x.ws, 1, 1, 44, NULL);
	worksheet_set_column(x.ws, 2, 6, 16, NULL);
	char title[512];
	title_line(r, title, sizeof title);
	worksheet_write_string(x.ws, 0, 0, title, x.bold);
	x.row = 2;
	table_summary(r, xlsx_row, &x);

	x.ws = list;
	worksheet_set_column(list, 0, 0, 6, NULL);
	worksheet_set_column(list, 1, 1, 44, NULL);
	worksheet_set_column(list, 2, 2, 30, NULL);
	worksheet_set_column(list, 3, 3, 36, NULL);
	worksheet_set_column(list, 4, 5, 14, NULL);
	worksheet_write_string(list, 0, 0, title, x.bold);
	x.row = 2;
	table_bulletins(r, xlsx_row, &x);
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		err_set(err, _("Cannot write %s: %s."), path, lxw_strerror(e));
		return -1;
	}
	return 0;
}

/* ---- text, for people ---- */

/* Row i of the text tables: a month in words, or the total (i == n_months); its counts. */
static const struct report_counts *
text_row(const struct report *r, size_t i, char *label, size_t n)
{
	if (i == r->n_months) {
		snprintf(label, n, "%s", _("TOTAL"));
		return &r->totals;
	}
	report_month_label(r->months[i].year, r->months[i].month, label, n);
	return &r->months[i].c;
}

/* The width of the month column: its widest label, at least w. */
static int
month_width(const struct report *r, int w)
{
	char m[64];
	for (size_t i = 0; i <= r->n_months; i++) {
		text_row(r, i, m, sizeof m);
		w = w > report_width(m) ? w : report_width(m);
	}
	return w;
}

static void
text_months(const struct report *r, FILE *f)
{
	const char *h[] = { _("MONTH"), _("BULLETINS"), _("CCHC"), _("AIRINGS"), _("AIRTIME"),
			    _("TARGET"), _("RELAY"), _("LIVE"), _("RESULT") };
	int w[] = { 8, 10, 8, 9, 11, 8, 9, 9, 0 };
	char m[64], t[32], rl[32], lv[32];
	/* the month column is as wide as its widest label; a translation may be wider */
	w[0] = month_width(r, w[0]);
	for (size_t i = 0; i + 1 < ARRAY_LEN(h); i++)
		w[i] = w[i] > report_width(h[i]) ? w[i] : report_width(h[i]);
	for (size_t i = 0; i < ARRAY_LEN(h); i++) {
		fputs(i ? "  " : "", f);
		report_pad(f, h[i], w[i], i == 0 || i + 1 == ARRAY_LEN(h));
	}
	fputc('\n', f);
	for (size_t i = 0; i <= r->n_months; i++) {
		const struct report_counts *c = text_row(r, i, m, sizeof m);
		hms(c->airtime_s, t, sizeof t);
		hms(c->relay_s, rl, sizeof rl);
		hms(c->live_s, lv, sizeof lv);
		report_pad(f, m, w[0], 1);
		fprintf(f, "  %*d  %*d  %*d  %*s  %*d  %*s  %*s  %s\n", w[1], c->bulletins, w[2],
			c->cchc_bulletins, w[3], c->airings, w[4], t, w[5], c->target, w[6], rl, w[7],
			lv, report_state_word(c->state));
	}
}

static void
text_topics(const struct report *r, FILE *f)
{
	const char *h[] = { _("MONTH"), _("BULLETINS"), _("AIRINGS"), _("AIRTIME"), _("TOPIC") };
	int w[] = { 8, 10, 9, 11, 0 };
	char m[64], t[32];
	w[0] = month_width(r, w[0]);
	fprintf(f, _("\nBy topic:\n"));
	for (size_t i = 0; i < ARRAY_LEN(h); i++) {
		w[i] = w[i] > report_width(h[i]) || !w[i] ? w[i] : report_width(h[i]);
		fputs(i ? "  " : "", f);
		report_pad(f, h[i], w[i], i == 0 || i + 1 == ARRAY_LEN(h));
	}
	fputc('\n', f);
	for (size_t i = 0; i <= r->n_months; i++) {
		const struct report_counts *c = text_row(r, i, m, sizeof m);
		for (size_t k = 0; k < c->n_topics; k++) {
			const struct report_topic *p = &c->by_topic[k];
			hms(p->airtime_s, t, sizeof t);
			report_pad(f, m, w[0], 1);
			fprintf(f, "  %*d  %*d  %*s  %s\n", w[1], p->bulletins, w[2], p->airings, w[3],
				t, p->name);
		}
	}
}

int
report_write_text(const struct report *r, FILE *f)
{
	char title[512], t[32], prog[64];
	title_line(r, title, sizeof title);
	fprintf(f, "%s\n\n", title);
	if (report_empty(r))
		fprintf(f, _("Nothing was aired or missed in this period.\n\n"));
	text_months(r, f);
	if (r->totals.n_topics)
		text_topics(r, f);
	if (r->n_missed) {
		fprintf(f, _("\nSlots missed or failed:\n"));
		for (size_t i = 0; i < r->n_missed; i++) {
			const struct report_missed *m = &r->missed[i];
			char when[40];
			time_format(m->scheduled_at, _("%Y-%m-%d %H:%M"), when, sizeof when);
			fprintf(f, "  %s  ", when);
			report_pad(f, m->slot ? m->slot : report_program_label(m->program, prog, sizeof prog),
				   10, 1);
			fputs("  ", f);
			report_pad(f, report_status_word(m->status), 12, 1);
			fprintf(f, "  %s\n", report_reason(m->reason));
		}
	}
	if (r->n_bulletins) {
		fprintf(f, _("\nBulletins aired (%zu):\n"), r->n_bulletins);
		for (size_t i = 0; i < r->n_bulletins; i++) {
			const struct report_bulletin *b = &r->bulletins[i];
			char *days = report_days_text(b);
			hms(b->airtime_s, t, sizeof t);
			fprintf(f, _("  %zu. %s (%s): aired %s; %d time(s), %s\n"), i + 1, b->title,
				b->topic_name, days, b->airings, t);
			free(days);
		}
	}
	return ferror(f) ? -1 : 0;
}

/* ---- JSON, for machines ---- */

static json_t *
counts_json(const struct report_counts *c)
{
	json_t *o = json_pack("{s:i,s:i,s:i,s:f,s:i,s:b,s:s,s:f,s:f}", "bulletins", c->bulletins,
			      "cchc_bulletins", c->cchc_bulletins, "airings", c->airings,
			      "airtime_s", c->airtime_s, "target", c->target, "met", c->met, "state",
			      report_state_code(c->state), "relay_s", c->relay_s, "live_s", c->live_s);
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
	char from[16], until[16], first[40];
	time_format(r->from, "%Y-%m-%d", from, sizeof from);
	time_format(r->until - 1000, "%Y-%m-%d", until, sizeof until);
	json_t *o = json_pack("{s:{s:s,s:s,s:s},s:s}", "period", "from", from, "until", until,
			      "label", r->label, "station", r->station);
	if (r->first_airing)
		time_iso8601(r->first_airing, first);
	json_object_set_new(o, "first_airing", r->first_airing ? json_string(first) : json_null());
	json_object_set_new(o, "zone", r->zone ? json_string(r->zone) : json_null());
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
	json_t *bulletins = json_array();
	for (size_t i = 0; i < r->n_bulletins; i++) {
		const struct report_bulletin *b = &r->bulletins[i];
		json_t *days = json_array();
		for (size_t d = 0; d < b->n_days; d++)
			json_array_append_new(days, json_string(b->days[d]));
		json_array_append_new(bulletins,
				      json_pack("{s:I,s:s,s:s,s:s,s:i,s:f,s:o}", "id", (json_int_t)b->id,
						"title", b->title, "topic", b->topic, "topic_name",
						b->topic_name, "airings", b->airings, "airtime_s",
						b->airtime_s, "days", days));
	}
	json_object_set_new(o, "bulletins", bulletins);
	json_object_set_new(o, "empty", json_boolean(report_empty(r)));
	int rc = json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(o);
	return rc < 0 || ferror(f) ? -1 : 0;
}
