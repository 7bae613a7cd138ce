/*
 * loaxa log — the airing log, one row per aired item (and one per airing
 * that aired nothing: missed, or failed before sound), in local time.
 * Text for the terminal, CSV for spreadsheets, JSON for scripts.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "reports/reports.h"
#include "store/store.h"

static const char *const formats[] = { "text", "csv", "json", "xlsx", NULL };
static const char *const statuses[] = { "started", "completed", "interrupted", "failed", "missed", NULL };

struct log_ctx {
	FILE *f;
	int format;
	long rows;
	int progress; /* stderr is a terminal and the rows go to a file */
	lxw_worksheet *ws;
	lxw_format *datefmt;
};

/* A row of the XLSX log: the date and time as a real spreadsheet date. */
static void
xlsx_row(struct log_ctx *x, const struct store_log_row *r)
{
	lxw_row_t row = (lxw_row_t)(x->rows + 3);
	time_t t = (time_t)(r->a.scheduled_at / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	lxw_datetime dt = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			    tm.tm_sec };
	worksheet_write_datetime(x->ws, row, 0, &dt, x->datefmt);
	worksheet_write_string(x->ws, row, 1, r->a.slot ? r->a.slot : "", NULL);
	worksheet_write_string(x->ws, row, 2, r->a.program ? r->a.program : "", NULL);
	if (r->it.kind && r->it.bulletin_id)
		worksheet_write_number(x->ws, row, 3, (double)r->it.bulletin_id, NULL);
	worksheet_write_string(x->ws, row, 4, r->title ? r->title : r->clip_name ? r->clip_name : "", NULL);
	worksheet_write_string(x->ws, row, 5, r->topic ? r->topic : "", NULL);
	worksheet_write_string(x->ws, row, 6, r->klass ? r->klass : "", NULL);
	if (r->it.kind)
		worksheet_write_number(x->ws, row, 7, (double)(long)(r->it.length_s * 10 + 0.5) / 10, NULL);
	worksheet_write_string(x->ws, row, 8, r->a.status, NULL);
	worksheet_write_string(x->ws, row, 9, r->a.reason ? r->a.reason : "", NULL);
	if (r->a.started_at)
		worksheet_write_number(x->ws, row, 10, (double)r->a.lateness_ms, NULL);
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
time_or_null(int64_t ms)
{
	if (!ms)
		return json_null();
	char iso[40];
	time_iso8601(ms, iso);
	return json_string(iso);
}

static int
row(const struct store_log_row *r, void *arg)
{
	struct log_ctx *x = arg;
	char date[16], tm[16], num[64];
	time_format(r->a.scheduled_at, "%Y-%m-%d", date, sizeof date);
	time_format(r->a.scheduled_at, "%H:%M:%S", tm, sizeof tm);
	const char *kind = r->it.kind;
	if (x->format == 3) {
		xlsx_row(x, r);
	} else if (x->format == 2) {
		json_t *o = json_object();
		json_object_set_new(o, "airing_id", json_integer(r->a.id));
		json_object_set_new(o, "slot", str_or_null(r->a.slot));
		json_object_set_new(o, "program", str_or_null(r->a.program));
		json_object_set_new(o, "scheduled_at", time_or_null(r->a.scheduled_at));
		json_object_set_new(o, "started_at", time_or_null(r->a.started_at));
		json_object_set_new(o, "ended_at", time_or_null(r->a.ended_at));
		json_object_set_new(o, "status", json_string(r->a.status));
		json_object_set_new(o, "reason", str_or_null(r->a.reason));
		json_object_set_new(o, "lateness_ms", r->a.started_at ? json_integer(r->a.lateness_ms) : json_null());
		json_object_set_new(o, "kind", str_or_null(kind));
		json_object_set_new(o, "bulletin_id", kind && r->it.bulletin_id ? json_integer(r->it.bulletin_id) : json_null());
		json_object_set_new(o, "bulletin_version", kind && r->it.bulletin_id ? json_integer(r->it.bulletin_version) : json_null());
		json_object_set_new(o, "title", str_or_null(r->title));
		json_object_set_new(o, "topic", str_or_null(r->topic));
		json_object_set_new(o, "class", str_or_null(r->klass));
		json_object_set_new(o, "clip", str_or_null(r->clip_name));
		json_object_set_new(o, "offset_s", kind ? json_real(r->it.offset_s) : json_null());
		json_object_set_new(o, "length_s", kind ? json_real(r->it.length_s) : json_null());
		json_object_set_new(o, "completed", kind ? json_boolean(r->it.completed) : json_null());
		json_object_set_new(o, "audio_sha256", str_or_null(r->a.audio_sha256));
		json_object_set_new(o, "normalizer_version", json_integer(r->a.normalizer_version));
		fputs(x->rows ? ",\n  " : "\n  ", x->f);
		json_dumpf(o, x->f, JSON_COMPACT);
		json_decref(o);
	} else if (x->format == 1) {
		report_csv_cell(x->f, date, 0);
		report_csv_cell(x->f, tm, 0);
		report_csv_cell(x->f, r->a.slot, 0);
		report_csv_cell(x->f, r->a.program, 0);
		snprintf(num, sizeof num, "%lld", (long long)r->it.bulletin_id);
		report_csv_cell(x->f, kind && r->it.bulletin_id ? num : "", 0);
		report_csv_cell(x->f, r->title ? r->title : r->clip_name, 0);
		report_csv_cell(x->f, r->topic, 0);
		report_csv_cell(x->f, r->klass, 0);
		snprintf(num, sizeof num, "%.1f", r->it.length_s);
		report_csv_cell(x->f, kind ? num : "", 0);
		report_csv_cell(x->f, r->a.status, 0);
		report_csv_cell(x->f, r->a.reason, 0);
		snprintf(num, sizeof num, "%lld", (long long)r->a.lateness_ms);
		report_csv_cell(x->f, r->a.started_at ? num : "", 1);
	} else {
		char item[80];
		if (!kind)
			snprintf(item, sizeof item, "-");
		else if (r->it.bulletin_id)
			snprintf(item, sizeof item, "#%lld", (long long)r->it.bulletin_id);
		else
			snprintf(item, sizeof item, "%s", _(kind));
		char late[24] = "";
		if (r->a.started_at)
			snprintf(late, sizeof late, "%+lld ms", (long long)r->a.lateness_ms);
		fprintf(x->f, "%s %s  %-8s %-10s %-11s %9s  %-9s %6.1f  %s%s%s\n", date, tm,
			r->a.slot ? r->a.slot : _("manual"), r->a.program ? r->a.program : "",
			_(r->a.status), late, item, kind ? r->it.length_s : 0.0,
			r->title ? r->title : r->clip_name ? r->clip_name : "",
			r->a.reason && !kind ? r->a.reason : "",
			kind && !r->it.completed ? _(" (cut)") : "");
	}
	x->rows++;
	if (x->progress && x->rows % 50000 == 0) {
		fputc('\r', stderr);
		fprintf(stderr, _("%ld rows written..."), x->rows);
	}
	return 0;
}

static int
parse_day(const char *s, int64_t *ms, const char *opt)
{
	char err[ERRLEN];
	int y, m, d;
	if (date_parse(s, &y, &m, &d) < 0 || time_parse_local(s, ms, err) < 0)
		return cli_usage_error("log", _("%s takes a date that exists, YYYY-MM-DD (got %s)"), opt, s);
	return 0;
}

int
cmd_log(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'F' },
		{ "until", required_argument, NULL, 'U' },
		{ "month", required_argument, NULL, 'm' },
		{ "status", required_argument, NULL, 's' },
		{ "topic", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int64_t from = 0, until = 0;
	const char *status = NULL, *topic = NULL, *out = NULL, *month = NULL;
	const char *from_s = NULL, *until_s = NULL;
	struct log_ctx x = { 0 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'F': from_s = optarg; break;
		case 'U': until_s = optarg; break;
		case 'm': month = optarg; break;
		case 's':
			status = optarg;
			if (cli_parse_choice(status, statuses) < 0)
				return cli_usage_error("log", _("--status is completed, interrupted, failed or missed (got %s)"), status);
			break;
		case 't': topic = optarg; break;
		case 'f':
			x.format = cli_parse_choice(optarg, formats);
			if (x.format < 0)
				return cli_usage_error("log", _("--format is text, csv, json or xlsx (got %s)"), optarg);
			break;
		case 'o': out = optarg; break;
		case 'h':
			printf(_("Usage: loaxa log [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--month YYYY-MM]\n"
				 "                 [--status completed|interrupted|failed|missed] [--topic ID]\n"
				 "                 [--format text|csv|json|xlsx] [-o FILE]\n\n"
				 "One row per aired item, in local time: date, time, slot, programme, bulletin,\n"
				 "title as aired, topic, class, length, outcome and reason, lateness.\n"
				 "--until is inclusive.\n"));
			return 0;
		default:
			return cli_usage_error("log", _("unknown option"));
		}
	}
	if (optind != argc)
		return cli_usage_error("log", _("unexpected argument '%s'"), argv[optind]);
	if (month && (from_s || until_s))
		return cli_usage_error("log", _("give --month or --from/--until, not both"));
	if (from_s && parse_day(from_s, &from, "--from"))
		return EXIT_USAGE;
	if (until_s) {
		if (parse_day(until_s, &until, "--until"))
			return EXIT_USAGE;
		/* inclusive: up to the next local midnight */
		time_t t = (time_t)(until / 1000);
		struct tm tm;
		localtime_r(&t, &tm);
		tm.tm_mday++;
		tm.tm_isdst = -1;
		until = (int64_t)mktime(&tm) * 1000;
	}
	if (from && until && until <= from)
		return cli_usage_error("log", _("--until %s is before --from %s"), until_s, from_s);
	if (month) {
		int y, m, n = 0;
		if (sscanf(month, "%4d-%2d%n", &y, &m, &n) != 2 || month[n] || m < 1 || m > 12 ||
		    strlen(month) != 7)
			return cli_usage_error("log", _("--month takes YYYY-MM with a month from 01 to 12 (got %s)"), month);
		struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1, .tm_isdst = -1 };
		from = (int64_t)mktime(&tm) * 1000;
		tm.tm_mon++;
		tm.tm_isdst = -1;
		until = (int64_t)mktime(&tm) * 1000;
	}
	if (topic && !config_topic_find(cli->cfg, topic))
		return cli_error(_("There is no topic \"%s\"; 'loaxa config check' lists the topics."), topic);
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	if (x.format == 3 && (!out || strcmp(out, "-") == 0))
		return cli_usage_error("log", _("--format xlsx needs -o FILE.xlsx"));
	struct cli_out o;
	if (cli_out_open(&o, out) < 0)
		return 1;
	x.f = o.f;
	x.progress = out && strcmp(out, "-") != 0 && isatty(2);
	lxw_workbook *wb = NULL;
	if (x.format == 3) {
		/* libxlsxwriter writes its own file: the temporary one, renamed after */
		lxw_workbook_options wo = { .constant_memory = LXW_TRUE };
		wb = workbook_new_opt(o.tmp, &wo);
		if (!wb) {
			cli_out_abort(&o);
			return cli_error(_("Cannot write %s."), out);
		}
		x.ws = workbook_add_worksheet(wb, _("Log"));
		x.datefmt = workbook_add_format(wb);
		format_set_num_format(x.datefmt, "yyyy-mm-dd hh:mm:ss");
		lxw_format *bold = workbook_add_format(wb);
		format_set_bold(bold);
		worksheet_set_column(x.ws, 0, 0, 20, NULL);
		worksheet_set_column(x.ws, 4, 4, 40, NULL);
		worksheet_set_column(x.ws, 9, 9, 30, NULL);
		char title[256];
		snprintf(title, sizeof title, _("%s — airing log"), cli->cfg->station_name);
		worksheet_write_string(x.ws, 0, 0, title, bold);
		const char *h[] = { _("date and time"), _("slot"), _("programme"), _("bulletin"),
				    _("title"), _("topic"), _("class"), _("length (s)"), _("outcome"),
				    _("reason"), _("lateness (ms)") };
		for (size_t i = 0; i < ARRAY_LEN(h); i++)
			worksheet_write_string(x.ws, 2, (lxw_col_t)i, h[i], bold);
	} else if (x.format == 2) {
		fputc('[', x.f);
	} else if (x.format == 1) {
		fputs("\xef\xbb\xbf", x.f);
		const char *h[] = { _("date"), _("time"), _("slot"), _("programme"), _("bulletin"),
				    _("title"), _("topic"), _("class"), _("length (s)"), _("outcome"),
				    _("reason"), _("lateness (ms)") };
		for (size_t i = 0; i < ARRAY_LEN(h); i++)
			report_csv_cell(x.f, h[i], i + 1 == ARRAY_LEN(h));
	} else {
		fprintf(x.f, "%-10s %-8s  %-8s %-10s %-11s %9s  %-9s %6s  %s\n", _("DATE"), _("TIME"),
			_("SLOT"), _("PROGRAMME"), _("OUTCOME"), _("LATE"), _("ITEM"), _("SECONDS"),
			_("TITLE"));
	}
	char err[ERRLEN];
	int rc = store_log(st, from, until, status, topic, row, &x, err);
	if (x.format == 2)
		fputs(x.rows ? "\n]\n" : "]\n", x.f);
	if (wb && workbook_close(wb) != LXW_NO_ERROR && rc == 0) {
		rc = -1;
		err_set(err, _("Cannot write %s."), out);
	}
	if (rc < 0) {
		cli_out_abort(&o);
		return cli_error("%s", err);
	}
	if (x.progress && x.rows >= 50000) {
		fputc('\r', stderr);
		fprintf(stderr, _("%ld rows written.   \n"), x.rows);
	}
	if (x.format == 0 && !x.rows)
		fprintf(x.f, _("(nothing in the log for this period)\n"));
	return cli_out_commit(&o) < 0 ? 1 : 0;
}
