/*
 * The officer's side of the API: the airing log with filters, and the
 * month / quarter / 6, 9, 12-month report, as JSON for the page and as
 * CSV or XLSX downloads byte for byte what `loaxa log` and `loaxa report`
 * write (both call ops_log_write() / ops_report_build(), ops_report_write()).  Exports are
 * written to a file under STATE_DIR/cache that is unlinked as soon as it
 * is open, so nothing half-written is ever served or left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "reports/reports.h"
#include "web/web_int.h"

static const char *const types[] = {
	[REPORT_TEXT] = "text/plain; charset=utf-8",
	[REPORT_CSV] = "text/csv; charset=utf-8",
	[REPORT_JSON] = "application/json; charset=utf-8",
	[REPORT_XLSX] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};
static const char *const exts[] = { "txt", "csv", "json", "xlsx" };

/* A file to write an export into; fd open for reading it back. */
struct export {
	char *path;
	FILE *f;
};

static int
export_open(struct req *r, struct export *e, int fmt)
{
	char err[ERRLEN];
	char *dir = xasprintf("%s/cache", r->ops->state_dir);
	int rc = mkdir_p(dir, 0750, err);
	e->path = xasprintf("%s/.export-XXXXXX.%s", dir, exts[fmt]);
	free(dir);
	int fd = rc < 0 ? -1 : mkstemps(e->path, (int)strlen(exts[fmt]) + 1);
	e->f = fd < 0 ? NULL : fdopen(fd, "w+");
	if (!e->f) {
		reply_ops(r, OPS_ERROR, _("Cannot write into the state directory."));
		free(e->path);
		return -1;
	}
	return 0;
}

static void
export_abort(struct export *e)
{
	fclose(e->f);
	unlink(e->path);
	free(e->path);
}

void
web_reason_texts(json_t *v)
{
	static const char *const keys[][2] = { { "reason", "reason_text" },
						{ "item_reason", "item_reason_text" } };
	size_t i;
	json_t *x;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			web_reason_texts(x);
		return;
	}
	if (!json_is_object(v))
		return;
	const char *k;
	json_object_foreach(v, k, x)
		web_reason_texts(x);
	for (i = 0; i < ARRAY_LEN(keys); i++) {
		const char *why = json_string_value(json_object_get(v, keys[i][0]));
		if (why)
			json_object_set_new(v, keys[i][1], json_string(report_reason(why)));
	}
}

/*
 * Sends what was written (the XLSX writer wrote the path itself) and
 * removes the file.  A page's JSON (display=1) also carries each reason
 * in the request's language; the JSON export stays as machines read it.
 */
static int
export_send(struct req *r, struct export *e, int fmt, const char *download)
{
	const char *display = req_query(r, "display");
	if (fmt == REPORT_JSON && display && strcmp(display, "1") == 0) {
		fflush(e->f);
		rewind(e->f);
		json_error_t je;
		json_t *j = json_loadf(e->f, 0, &je);
		export_abort(e);
		if (!j)
			return reply_ops(r, OPS_ERROR, _("Cannot read the export back."));
		web_reason_texts(j);
		return reply_json(r, 200, j);
	}
	fflush(e->f);
	int fd = open(e->path, O_RDONLY | O_CLOEXEC);
	fclose(e->f);
	unlink(e->path);
	free(e->path);
	if (fd < 0)
		return reply_ops(r, OPS_ERROR, _("Cannot read the export back."));
	return reply_fd(r, fd, types[fmt], download);
}

static int
format_of(struct req *r, int dflt)
{
	const char *f = req_query(r, "format");
	return f ? report_format_parse(f) : dflt;
}

int
api_log(struct req *r)
{
	int fmt = format_of(r, REPORT_JSON);
	if (fmt < 0 || fmt == REPORT_TEXT)
		return reply_error(r, 400, _("format is json, csv or xlsx (got %s)"), req_query(r, "format"));
	const char *month = req_query(r, "month"), *status = req_query(r, "status");
	const char *topic = req_query(r, "topic"), *klass = req_query(r, "class");
	int64_t from, until;
	char period[96], err[ERRLEN];
	int rc = ops_log_range(month, req_query(r, "from"), req_query(r, "until"), &from, &until,
			       period, err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	struct export e;
	if (export_open(r, &e, fmt) < 0)
		return 0;
	struct ops_out out = { .f = e.f, .path = e.path };
	rc = ops_log_write(r->ops, fmt, from, until, status, topic, klass, period, &out, NULL, NULL,
			   NULL, err);
	if (rc < 0) {
		export_abort(&e);
		return reply_ops(r, rc, err);
	}
	char name[64];
	snprintf(name, sizeof name, "nhat-ky-%s.%s", month ? month : "loaxa", exts[fmt]);
	return export_send(r, &e, fmt, fmt == REPORT_JSON ? NULL : name);
}

/* by_zone=1: each zone's report in turn (text, or one JSON array), as `loaxa report --by-zone`. */
static int
report_by_zone(struct req *r, int fmt, const char *month, const char *quarter,
	       const char *period, const char *year)
{
	char err[ERRLEN];
	struct export e;
	if (fmt != REPORT_TEXT && fmt != REPORT_JSON) {
		/* ops_report_by_zone() says why, before anything is opened */
		struct ops_out none = { 0 };
		return reply_ops(r, ops_report_by_zone(r->ops, month, quarter, period, year,
						       req_query(r, "topic"), fmt, &none, err),
				 err);
	}
	if (export_open(r, &e, fmt) < 0)
		return 0;
	struct ops_out out = { .f = e.f, .path = e.path };
	int rc = ops_report_by_zone(r->ops, month, quarter, period, year, req_query(r, "topic"), fmt,
				    &out, err);
	if (rc < 0) {
		export_abort(&e);
		return reply_ops(r, rc, err);
	}
	return export_send(r, &e, fmt, NULL);
}

int
api_report(struct req *r)
{
	int fmt = format_of(r, REPORT_JSON);
	/* the DOCX is filed from `loaxa report`; the page offers what it shows */
	if (fmt < 0 || fmt == REPORT_DOCX)
		return reply_error(r, 400, _("format is text, json, csv or xlsx (got %s)"),
				   req_query(r, "format"));
	const char *month = req_query(r, "month"), *quarter = req_query(r, "quarter");
	const char *period = req_query(r, "period"), *year = req_query(r, "year");
	char err[ERRLEN];
	struct report *rep;
	const char *by_zone = req_query(r, "by_zone");
	if (by_zone && strcmp(by_zone, "0") != 0)
		return report_by_zone(r, fmt, month, quarter, period, year);
	int rc = ops_report_build(r->ops, month, quarter, period, year, req_query(r, "topic"),
				  req_query(r, "zone"), &rep, err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	struct export e;
	if (export_open(r, &e, fmt) < 0) {
		report_free(rep);
		return 0;
	}
	struct ops_out out = { .f = e.f, .path = e.path };
	rc = ops_report_write(r->ops, rep, fmt, &out, err);
	report_free(rep);
	if (rc < 0) {
		export_abort(&e);
		return reply_ops(r, rc, err);
	}
	char name[64];
	const char *label = month ? month : quarter ? quarter : period ? period : year ? year : "thang";
	snprintf(name, sizeof name, "bao-cao-%s%s%s.%s", label, period && year ? "-" : "",
		 period && year ? year : "", exts[fmt]);
	return export_send(r, &e, fmt, fmt == REPORT_JSON ? NULL : name);
}
