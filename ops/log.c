/*
 * ops — the officer's exports: the local bounds of a log export (a month,
 * or days with the last one included), the log written as it is walked,
 * and a period's report.  `loaxa log`, `loaxa report` and the web
 * console's exports are these functions: the same bytes, the same cells.
 */
#include "ops/ops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "config/config.h"
#include "reports/reports.h"
#include "store/store.h"

static const char *const statuses[] = { "started", "completed", "interrupted", "failed", "missed" };

int
ops_log_status_valid(const char *status)
{
	for (size_t i = 0; status && i < ARRAY_LEN(statuses); i++)
		if (strcmp(status, statuses[i]) == 0)
			return 1;
	return 0;
}

/* A local day "YYYY-MM-DD" at its midnight; after = 1: the next midnight. */
static int
parse_day(const char *s, int after, int64_t *ms, const char *opt, char *err)
{
	char e2[ERRLEN];
	int y, m, d;
	if (strlen(s) != 10 || date_parse(s, &y, &m, &d) < 0 || time_parse_local(s, ms, e2) < 0) {
		err_set(err, _("%s takes a date that exists, YYYY-MM-DD (got %s)"), opt, s);
		return OPS_INVALID;
	}
	if (after) {
		struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1, .tm_isdst = -1 };
		*ms = (int64_t)mktime(&tm) * 1000;
	}
	return 0;
}

int
ops_log_range(const char *month, const char *from_s, const char *until_s, int64_t *from,
	      int64_t *until, char *period, char *err)
{
	*from = *until = 0;
	if (month && (from_s || until_s)) {
		err_set(err, _("give --month or --from/--until, not both"));
		return OPS_INVALID;
	}
	if (from_s && parse_day(from_s, 0, from, "--from", err) < 0)
		return OPS_INVALID;
	if (until_s && parse_day(until_s, 1, until, "--until", err) < 0)
		return OPS_INVALID;
	if (*from && *until && *until <= *from) {
		err_set(err, _("--until %s is before --from %s"), until_s, from_s);
		return OPS_INVALID;
	}
	if (month) {
		char label[48];
		int y0, m0, y1, m1;
		if (report_period(month, NULL, NULL, NULL, &y0, &m0, &y1, &m1, label, sizeof label,
				  err) < 0)
			return OPS_INVALID;
		struct tm tm = { .tm_year = y0 - 1900, .tm_mon = m0 - 1, .tm_mday = 1, .tm_isdst = -1 };
		*from = (int64_t)mktime(&tm) * 1000;
		tm = (struct tm){ .tm_year = y0 - 1900, .tm_mon = m0, .tm_mday = 1, .tm_isdst = -1 };
		*until = (int64_t)mktime(&tm) * 1000;
		report_month_label(y0, m0, period, 96);
	} else if (from_s || until_s) {
		/* the days as people write them; until is the last day shown */
		char a[32] = "", b[32] = "";
		if (from_s)
			report_date(*from, a, sizeof a);
		if (until_s)
			report_date(*until - 86400000 / 2, b, sizeof b);
		snprintf(period, 96, "%s … %s", a, b);
	} else {
		snprintf(period, 96, "%s", _("everything logged"));
	}
	return 0;
}

struct log_ctx {
	struct report_log *w;
	const char *klass; /* only rows of bulletins of this class, or NULL */
	int werr;          /* errno of the first failed write */
	void (*progress)(long rows, void *arg);
	void *arg;
};

static int
row(const struct store_log_row *r, void *arg)
{
	struct log_ctx *x = arg;
	if (x->klass && (!r->klass || strcmp(r->klass, x->klass) != 0))
		return 0;
	if (report_log_row(x->w, r) < 0) {
		x->werr = errno; /* the output failed (disk full?): stop, the caller says so */
		return 1;
	}
	if (x->progress)
		x->progress(report_log_count(x->w), x->arg);
	return 0;
}

int
ops_log_write(struct ops *o, int fmt, int64_t from, int64_t until, const char *status,
	      const char *topic, const char *klass, const char *period, const struct ops_out *out,
	      void (*progress)(long rows, void *arg), void *arg, long *rows, char *err)
{
	if (klass && strcmp(klass, "normal") != 0 && strcmp(klass, "priority") != 0 &&
	    strcmp(klass, "emergency") != 0) {
		err_set(err, _("--class is normal, priority or emergency (got %s)"), klass);
		return OPS_INVALID;
	}
	if (status && !ops_log_status_valid(status)) {
		err_set(err, _("--status is completed, interrupted, failed or missed (got %s)"), status);
		return OPS_INVALID;
	}
	if (topic && ops_name_check(o->cfg, OPS_TOPIC, topic, err) < 0)
		return OPS_INVALID;
	if (fmt < REPORT_TEXT || fmt > REPORT_XLSX) {
		err_set(err, _("--format is text, csv, json or xlsx (got %s)"), "docx");
		return OPS_INVALID;
	}
	char title[512];
	snprintf(title, sizeof title, _("%s: airing log, %s"), o->cfg->station_name, period);
	struct log_ctx x = { .klass = klass, .progress = progress, .arg = arg };
	x.w = report_log_new((enum report_format)fmt, out->f, out->path, title, err);
	if (!x.w)
		return OPS_ERROR;
	report_log_set_config(x.w, o->cfg);
	int rc = store_log(o->st, from, until, status, topic, row, &x, err);
	if (rows)
		*rows = report_log_count(x.w);
	char ferr[ERRLEN];
	int frc = report_log_finish(x.w, ferr); /* writes the ending, frees x.w */
	errno = 0;
	int failed = out->f && (ferror(out->f) || fflush(out->f) != 0);
	int e = x.werr ? x.werr : errno ? errno : EIO;
	if (rc == 0 && failed) {
		/* a full disk or a file size limit: say so with the file's name */
		rc = -1;
		err_set(err, _("Cannot write %s: %s."), out->name ? out->name : _("the output"),
			strerror(e));
	} else if (rc == 0 && frc < 0) {
		rc = -1;
		snprintf(err, ERRLEN, "%s", ferr);
	}
	return rc < 0 ? OPS_ERROR : 0;
}

int
ops_report_build(struct ops *o, const char *month, const char *quarter, const char *period,
		 const char *year, const char *topic, const char *zone, struct report **out,
		 char *err)
{
	char label[48];
	int y0, m0, y1, m1;
	*out = NULL;
	if (report_period(month, quarter, period, year, &y0, &m0, &y1, &m1, label, sizeof label,
			  err) < 0)
		return OPS_INVALID;
	if (topic && ops_name_check(o->cfg, OPS_TOPIC, topic, err) < 0)
		return OPS_INVALID;
	if (zone && ops_name_check(o->cfg, OPS_ZONE, zone, err) < 0)
		return OPS_INVALID;
	*out = report_build_zone(o->st, o->cfg, y0, m0, y1, m1, label, topic, zone, time_now_ms(),
				 err);
	return *out ? 0 : OPS_ERROR;
}

int
ops_report_by_zone(struct ops *o, const char *month, const char *quarter, const char *period,
		   const char *year, const char *topic, int fmt, const struct ops_out *out,
		   char *err)
{
	err[0] = 0;
	if (fmt != REPORT_TEXT && fmt != REPORT_JSON) {
		err_set(err, _("A report by zone is text or JSON; for CSV, XLSX or DOCX ask for one "
			       "zone at a time."));
		return OPS_INVALID;
	}
	if (!o->cfg->n_zones) {
		err_set(err, _("The configuration has no zones (cụm loa) to report on; see zones in "
			       "loaxa.conf(5)."));
		return OPS_INVALID;
	}
	int w = 0;
	errno = 0;
	if (fmt == REPORT_JSON)
		w = fputs("[\n", out->f) < 0 ? -1 : 0;
	for (size_t i = 0; i < o->cfg->n_zones && w >= 0; i++) {
		struct report *r;
		int rc = ops_report_build(o, month, quarter, period, year, topic,
					  o->cfg->zones[i].name, &r, err);
		if (rc < 0)
			return rc;
		if (i && fputs(fmt == REPORT_JSON ? ",\n" : "\n", out->f) < 0)
			w = -1;
		if (w >= 0)
			w = fmt == REPORT_JSON ? report_write_json(r, out->f) : report_write_text(r, out->f);
		report_free(r);
	}
	if (w >= 0 && fmt == REPORT_JSON && fputs("]\n", out->f) < 0)
		w = -1;
	if (w < 0) {
		err_set(err, _("Cannot write %s: %s."), out->name ? out->name : _("the output"),
			strerror(errno ? errno : EIO));
		return OPS_ERROR;
	}
	return 0;
}

int
ops_report_write(struct ops *o, const struct report *r, int fmt, const struct ops_out *out,
		 char *err)
{
	(void)o;
	int w;
	err[0] = 0;
	errno = 0;
	switch (fmt) {
	case REPORT_XLSX:
		w = report_write_xlsx(r, out->path, err);
		break;
	case REPORT_DOCX: {
		/* the template: $LOAXA_DATADIR/docx in a build tree, else the installed one */
		const char *data = getenv("LOAXA_DATADIR");
		char *dir = xasprintf("%s/docx", data && *data ? data : PKGDATADIR);
		w = report_write_docx(r, dir, out->path, err);
		free(dir);
		break;
	}
	case REPORT_CSV:
		w = report_write_csv(r, out->f);
		break;
	case REPORT_JSON:
		w = report_write_json(r, out->f);
		break;
	default:
		w = report_write_text(r, out->f);
		break;
	}
	if (w < 0) {
		int e = errno ? errno : EIO;
		if (!err[0])
			err_set(err, _("Cannot write %s: %s."), out->name ? out->name : _("the output"),
				strerror(e));
		return OPS_ERROR;
	}
	return 0;
}
