/*
 * loaxa-province report and status: what the province's store holds, per
 * commune.  The report counts as `loaxa report` does in each commune (the
 * same rule, store_province_counts()): distinct bulletins aired, distinct
 * CCHC bulletins (by the province's topics), how many months met
 * targets.cchc_per_month, airtime; and the province's total.  Written as
 * text, CSV (BOM, CRLF, cells neutralised as reports/ does), JSON or XLSX.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "base/base.h"
#include "config/config.h"
#include "link/link.h"
#include "link/link_int.h"
#include "reports/reports.h"
#include "store/store_province.h"

struct prow {
	char *id, *district, *name;
	/* distinct bulletin ids aired in the period, and the CCHC ones */
	int64_t *b, *cchc;
	size_t nb, ncchc;
	int months_met;
	int month_cchc; /* distinct CCHC bulletins of the month being counted */
	int64_t *mb;
	size_t nmb;
	double airtime_s;
};

struct preport {
	const struct config *cfg;
	struct prow *r;
	size_t n;
	int months;
};

static int
has(const int64_t *v, size_t n, int64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static void
add(int64_t **v, size_t *n, int64_t x)
{
	if (has(*v, *n, x))
		return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = x;
}

static struct prow *
row_of(struct preport *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->r[i].id, id) == 0)
			return &p->r[i];
	p->r = xrealloc(p->r, (p->n + 1) * sizeof *p->r);
	struct prow *r = &p->r[p->n++];
	memset(r, 0, sizeof *r);
	r->id = xstrdup(id);
	return r;
}

static int
commune_in(const struct store_province_commune *c, void *arg)
{
	struct prow *r = row_of(arg, c->id);
	r->district = c->district ? xstrdup(c->district) : NULL;
	r->name = c->name ? xstrdup(c->name) : NULL;
	return 0;
}

static int
count_in(const struct store_province_count *c, void *arg)
{
	struct preport *p = arg;
	struct prow *r = row_of(p, c->commune);
	add(&r->b, &r->nb, c->bulletin_id);
	r->airtime_s += c->airtime_s;
	const struct config_topic *t = c->topic ? config_topic_find(p->cfg, c->topic) : NULL;
	if (t && t->cchc) {
		add(&r->cchc, &r->ncchc, c->bulletin_id);
		add(&r->mb, &r->nmb, c->bulletin_id);
	}
	return 0;
}

static int64_t
month_start(int y, int m)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1, .tm_isdst = -1 };
	return (int64_t)mktime(&tm) * 1000;
}

static void
hms(double s, char *out, size_t n)
{
	long t = (long)(s + 0.5);
	snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

static const char *
met_word(const struct preport *p, const struct prow *r)
{
	return r->months_met == p->months ? _("target met") : _("not met");
}

static void
write_text(const struct preport *p, const char *label, FILE *f)
{
	char t[32];
	fprintf(f, _("Province %s, %s: CCHC target %d a month\n\n"), p->cfg->link.province, label,
		p->cfg->cchc_per_month);
	/* headers padded by terminal columns: Vietnamese ones carry diacritics */
	static const struct { const char *h; int w, left; } cols[] = {
		{ N_("COMMUNE"), 14, 1 }, { N_("DISTRICT"), 10, 1 }, { N_("BULLETINS"), 9, 0 },
		{ N_("CCHC"), 6, 0 },     { N_("MONTHS"), 8, 0 },    { N_("TARGET"), 10, 1 },
		{ N_("AIRTIME"), 10, 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cols); i++) {
		report_pad(f, _(cols[i].h), cols[i].w, cols[i].left);
		fputc(' ', f);
	}
	fprintf(f, " %s\n", _("NAME"));
	int b = 0, cc = 0, met = 0;
	double air = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct prow *r = &p->r[i];
		hms(r->airtime_s, t, sizeof t);
		char months[16];
		snprintf(months, sizeof months, "%d/%d", r->months_met, p->months);
		fprintf(f, "%-14s %-10s %9zu %6zu %8s ", r->id, r->district ? r->district : "-", r->nb,
			r->ncchc, months);
		report_pad(f, met_word(p, r), 10, 1);
		fprintf(f, " %10s  %s\n", t, r->name ? r->name : "");
		b += (int)r->nb, cc += (int)r->ncchc, air += r->airtime_s;
		met += r->months_met == p->months;
	}
	hms(air, t, sizeof t);
	fprintf(f, _("\nProvince: %zu communes, %d met the target; %d bulletins, %d CCHC, airtime %s\n"),
		p->n, met, b, cc, t);
}

static void
write_csv(const struct preport *p, FILE *f)
{
	fputs("\xef\xbb\xbf", f);
	const char *head[] = { "commune", "district", "name", "bulletins", "cchc_bulletins",
			       "months_met", "months", "target_met", "airtime_s" };
	for (size_t i = 0; i < ARRAY_LEN(head); i++)
		report_csv_cell(f, head[i], i + 1 == ARRAY_LEN(head));
	for (size_t i = 0; i < p->n; i++) {
		const struct prow *r = &p->r[i];
		char n[6][32];
		snprintf(n[0], 32, "%zu", r->nb);
		snprintf(n[1], 32, "%zu", r->ncchc);
		snprintf(n[2], 32, "%d", r->months_met);
		snprintf(n[3], 32, "%d", p->months);
		snprintf(n[4], 32, "%s", r->months_met == p->months ? "yes" : "no");
		snprintf(n[5], 32, "%.1f", r->airtime_s);
		report_csv_cell(f, r->id, 0);
		report_csv_cell(f, r->district ? r->district : "", 0);
		report_csv_cell(f, r->name ? r->name : "", 0);
		for (int k = 0; k < 6; k++)
			report_csv_cell(f, n[k], k == 5);
	}
}

static json_t *
to_json(const struct preport *p, const char *label)
{
	json_t *a = json_array();
	int b = 0, cc = 0, met = 0;
	double air = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct prow *r = &p->r[i];
		json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:i,s:i,s:i,s:i,s:b,s:f}", "commune",
			r->id, "district", r->district ? json_string(r->district) : json_null(), "name",
			r->name ? json_string(r->name) : json_null(), "bulletins", (int)r->nb,
			"cchc_bulletins", (int)r->ncchc, "months_met", r->months_met, "months",
			p->months, "target_met", r->months_met == p->months, "airtime_s", r->airtime_s));
		b += (int)r->nb, cc += (int)r->ncchc, air += r->airtime_s;
		met += r->months_met == p->months;
	}
	return json_pack("{s:s,s:s,s:i,s:o,s:{s:i,s:i,s:i,s:i,s:f}}", "province",
			 p->cfg->link.province, "period", label, "cchc_per_month", p->cfg->cchc_per_month,
			 "communes", a, "total", "communes", (int)p->n, "target_met", met, "bulletins",
			 b, "cchc_bulletins", cc, "airtime_s", air);
}

static int
write_xlsx(const struct preport *p, const char *label, const char *path, char *err)
{
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		err_set(err, _("Cannot write %s."), path);
		return -1;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	char title[160];
	snprintf(title, sizeof title, _("Province %s, %s"), p->cfg->link.province, label);
	worksheet_write_string(ws, 0, 0, title, bold);
	const char *head[] = { _("Commune"), _("District"), _("Name"), _("Bulletins"), _("CCHC"),
			       _("Months met"), _("Months"), _("Target"), _("Airtime (s)") };
	for (size_t i = 0; i < ARRAY_LEN(head); i++)
		worksheet_write_string(ws, 2, (lxw_col_t)i, head[i], bold);
	for (size_t i = 0; i < p->n; i++) {
		const struct prow *r = &p->r[i];
		lxw_row_t row = (lxw_row_t)(3 + i);
		worksheet_write_string(ws, row, 0, r->id, NULL);
		worksheet_write_string(ws, row, 1, r->district ? r->district : "", NULL);
		worksheet_write_string(ws, row, 2, r->name ? r->name : "", NULL);
		worksheet_write_number(ws, row, 3, (double)r->nb, NULL);
		worksheet_write_number(ws, row, 4, (double)r->ncchc, NULL);
		worksheet_write_number(ws, row, 5, r->months_met, NULL);
		worksheet_write_number(ws, row, 6, p->months, NULL);
		worksheet_write_string(ws, row, 7, met_word(p, r), NULL);
		worksheet_write_number(ws, row, 8, r->airtime_s, NULL);
	}
	if (workbook_close(wb) != LXW_NO_ERROR) {
		err_set(err, _("Cannot write %s."), path);
		return -1;
	}
	return 0;
}

int
link_province_report(struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' }, { "quarter", required_argument, NULL, 'q' },
		{ "period", required_argument, NULL, 'p' }, { "year", required_argument, NULL, 'y' },
		{ "format", required_argument, NULL, 'f' }, { "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },         { 0 },
	};
	const char *month = NULL, *quarter = NULL, *period = NULL, *year = NULL, *out = NULL;
	int format = REPORT_TEXT, c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': month = optarg; break;
		case 'q': quarter = optarg; break;
		case 'p': period = optarg; break;
		case 'y': year = optarg; break;
		case 'o': out = optarg; break;
		case 'f':
			if ((format = report_format_parse(optarg)) < 0)
				return link_usage("report", _("--format is text, csv, json or xlsx (got %s)"), optarg);
			break;
		case 'h':
			printf(_("Usage: loaxa-province report [--month YYYY-MM | --quarter YYYY-Qn |\n"
				 "         --period q1|6m|9m|12m --year YYYY | --year YYYY]\n"
				 "         [--format text|csv|json|xlsx] [-o FILE]\n\n"
				 "Per commune: distinct bulletins aired, CCHC bulletins, the months that met\n"
				 "targets.cchc_per_month, airtime; and the province's total.  Counted as each\n"
				 "commune's 'loaxa report' counts, from the rows the collector holds.\n"));
			return 0;
		case ':': return link_usage("report", _("%s needs a value"), argv[optind - 1]);
		default: return link_usage("report", _("unknown option %s"), argv[optind - 1]);
		}
	}
	if (optind != argc)
		return link_usage("report", _("unexpected argument '%s'"), argv[optind]);
	if (format == REPORT_XLSX && !out)
		return link_usage("report", _("--format xlsx needs -o FILE.xlsx"));
	char err[ERRLEN], label[48];
	int y0, m0, y1, m1;
	if (report_period(month, quarter, period, year, &y0, &m0, &y1, &m1, label, sizeof label, err) < 0)
		return link_usage("report", "%s", err);
	if (!cfg->link.province)
		return link_error(_("link.province is not set."));
	struct store_province *st = link_province_store(cfg, err);
	if (!st)
		return link_error("%s", err);
	struct preport p = { .cfg = cfg };
	int rc = store_province_communes(st, time_now_ms(), commune_in, &p, err);
	for (int y = y0, m = m0; rc == 0 && (y < y1 || (y == y1 && m <= m1));) {
		for (size_t i = 0; i < p.n; i++)
			p.r[i].nmb = 0;
		int ny = y + (m == 12), nm = m % 12 + 1;
		rc = store_province_counts(st, month_start(y, m), month_start(ny, nm), count_in, &p, err);
		for (size_t i = 0; i < p.n; i++)
			p.r[i].months_met += (int)p.r[i].nmb >= cfg->cchc_per_month;
		p.months++;
		y = ny, m = nm;
	}
	store_province_close(st);
	if (rc < 0)
		return link_error("%s", err);
	FILE *f = stdout;
	char *tmp = NULL;
	if (out && strcmp(out, "-") != 0) {
		tmp = xasprintf("%s.tmp", out);
		if (format != REPORT_XLSX && !(f = fopen(tmp, "w"))) {
			rc = link_error(_("Cannot write %s: %s."), out, strerror(errno));
			goto done;
		}
	}
	if (format == REPORT_XLSX) {
		rc = write_xlsx(&p, label, tmp, err) < 0 ? link_error("%s", err) : 0;
	} else {
		if (format == REPORT_CSV)
			write_csv(&p, f);
		else if (format == REPORT_JSON) {
			json_t *o = to_json(&p, label);
			json_dumpf(o, f, JSON_INDENT(2));
			fputc('\n', f);
			json_decref(o);
		} else
			write_text(&p, label, f);
		if (f != stdout && fclose(f) != 0)
			rc = link_error(_("Cannot write %s: %s."), out, strerror(errno));
	}
	if (tmp && rc == 0 && rename(tmp, out) < 0)
		rc = link_error(_("Cannot write %s: %s."), out, strerror(errno));
	if (tmp && rc)
		remove(tmp);
done:
	free(tmp);
	for (size_t i = 0; i < p.n; i++) {
		free(p.r[i].id);
		free(p.r[i].district);
		free(p.r[i].name);
		free(p.r[i].b);
		free(p.r[i].cchc);
		free(p.r[i].mb);
	}
	free(p.r);
	return rc;
}

/* ---- status ---- */

struct pstatus {
	int json, n;
	json_t *all;
};

static int
status_row(const struct store_province_commune *c, void *arg)
{
	struct pstatus *x = arg;
	json_t *st = c->status ? json_loads(c->status, 0, NULL) : NULL;
	const char *daemon = json_string_value(json_object_get(st, "daemon"));
	const char *device = json_string_value(json_object_get(st, "device"));
	const char *fault = json_string_value(json_object_get(json_object_get(st, "last_error"), "reason"));
	char seen[40] = "-", last[40] = "-";
	if (x->json) {
		json_t *o = json_pack("{s:s,s:o,s:o,s:b,s:b,s:i,s:I}", "commune", c->id, "district",
				      c->district ? json_string(c->district) : json_null(), "name",
				      c->name ? json_string(c->name) : json_null(), "online", c->online,
				      "in_communes_file", c->known, "faults_7d", c->faults_7d, "rows",
				      (json_int_t)c->rows);
		if (c->last_seen) {
			time_iso8601(c->last_seen, seen);
			json_object_set_new(o, "last_seen", json_string(seen));
		}
		if (c->last_airing_at) {
			time_iso8601(c->last_airing_at, last);
			json_object_set_new(o, "last_airing", json_pack("{s:s,s:s}", "at", last, "status",
				c->last_airing_status ? c->last_airing_status : ""));
		}
		json_object_set_new(o, "status", st ? json_incref(st) : json_null());
		json_array_append_new(x->all, o);
	} else {
		if (c->last_seen)
			time_format(c->last_seen, "%F %T", seen, sizeof seen);
		if (c->last_airing_at)
			time_format(c->last_airing_at, "%F %T", last, sizeof last);
		printf("%-14s %-10s ", c->id, c->district ? c->district : "-");
		report_pad(stdout, c->online ? _("online") : _("offline"), 10, 1);
		printf(" %-19s %-19s %-11s %6d  %s%s%s\n", seen, last,
		       c->last_airing_status ? c->last_airing_status : "-", c->faults_7d,
		       daemon && strcmp(daemon, "up") != 0 ? _("daemon down; ") : "",
		       device && strcmp(device, "ok") != 0 ? _("device fault; ") : "", fault ? fault : "");
	}
	json_decref(st);
	x->n++;
	return 0;
}

int
link_province_status(struct config *cfg, int argc, char **argv)
{
	struct pstatus x = { 0 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "json") == 0)
				x.json = 1;
			else if (strcmp(f, "text") != 0)
				return link_usage("status", _("--format is text or json (got %s)"), f);
		} else if (strcmp(argv[i], "--help") == 0) {
			printf(_("Usage: loaxa-province status [--format text|json]\n\n"
				 "Each commune: online or not, last seen, its last airing, airings failed or\n"
				 "missed in the last 7 days, and the last fault it reported.\n"));
			return 0;
		} else {
			return link_usage("status", _("unexpected argument '%s'"), argv[i]);
		}
	}
	if (!cfg->link.province)
		return link_error(_("link.province is not set."));
	char err[ERRLEN];
	struct store_province *st = link_province_store(cfg, err);
	if (!st)
		return link_error("%s", err);
	if (x.json) {
		x.all = json_array();
	} else {
		static const struct { const char *h; int w, left; } cols[] = {
			{ N_("COMMUNE"), 14, 1 },   { N_("DISTRICT"), 10, 1 },
			{ N_("STATE"), 10, 1 },     { N_("LAST SEEN"), 19, 1 },
			{ N_("LAST AIRING"), 19, 1 }, { N_("STATUS"), 11, 1 },
			{ N_("FAULTS"), 6, 0 },
		};
		for (size_t i = 0; i < ARRAY_LEN(cols); i++) {
			report_pad(stdout, _(cols[i].h), cols[i].w, cols[i].left);
			fputc(' ', stdout);
		}
		printf(" %s\n", _("LAST FAULT"));
	}
	int rc = store_province_communes(st, time_now_ms(), status_row, &x, err);
	store_province_close(st);
	if (x.json) {
		json_dumpf(x.all, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(x.all);
	}
	return rc < 0 ? link_error("%s", err) : 0;
}
