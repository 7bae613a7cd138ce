/*
 * loaxa log — the airing log, one row per aired item (and one per airing
 * that aired nothing: missed, or failed before sound), in local time.
 * Text for the terminal, CSV and XLSX for spreadsheets, JSON for scripts;
 * reports/ writes the rows as store_log() walks them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "reports/reports.h"
#include "store/store.h"

static const char *const statuses[] = { "started", "completed", "interrupted", "failed", "missed", NULL };

struct log_ctx {
	struct report_log *w;
	int progress; /* stderr is a terminal and the rows go to a file */
	int werr;     /* errno of the first failed write */
};

static int
row(const struct store_log_row *r, void *arg)
{
	struct log_ctx *x = arg;
	if (report_log_row(x->w, r) < 0) {
		x->werr = errno; /* the output failed (disk full?): stop, the caller says so */
		return 1;
	}
	long n = report_log_count(x->w);
	if (x->progress && n % 50000 == 0) {
		fputc('\r', stderr);
		fprintf(stderr, _("%ld rows written..."), n);
		fflush(stderr);
	}
	return 0;
}

/* A local day "YYYY-MM-DD" at its midnight; after = 1: the next midnight. */
static int
parse_day(const char *s, int after, int64_t *ms, const char *opt)
{
	char err[ERRLEN];
	int y, m, d;
	if (strlen(s) != 10 || date_parse(s, &y, &m, &d) < 0 || time_parse_local(s, ms, err) < 0)
		return cli_usage_error("log", _("%s takes a date that exists, YYYY-MM-DD (got %s)"), opt, s);
	if (after) {
		struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1, .tm_isdst = -1 };
		*ms = (int64_t)mktime(&tm) * 1000;
	}
	return 0;
}

static void
usage(void)
{
	printf(_("Usage: loaxa log [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--month YYYY-MM]\n"
		 "                 [--status completed|interrupted|failed|missed] [--topic ID]\n"
		 "                 [--format text|csv|json|xlsx] [-o FILE]\n\n"
		 "One row per aired item, in local time: date, time, slot, programme, bulletin,\n"
		 "title as aired, topic, class, length, outcome and reason, lateness.  An airing\n"
		 "that aired nothing (missed, failed) has one row.  --until is inclusive.\n"
		 "-o writes a file through a temporary one: a failed export leaves nothing.\n"));
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
	int format = REPORT_TEXT, c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "o:h", opts, "log", NULL)) != -1) {
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
			format = report_format_parse(optarg);
			if (format < 0 || format == REPORT_DOCX)
				return cli_usage_error("log", _("--format is text, csv, json or xlsx (got %s)"), optarg);
			break;
		case 'o': out = optarg; break;
		case 'h':
			usage();
			return 0;
		default: /* cli_getopt() said why */
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage_error("log", _("unexpected argument '%s'"), argv[optind]);
	if (month && (from_s || until_s))
		return cli_usage_error("log", _("give --month or --from/--until, not both"));
	if (from_s && parse_day(from_s, 0, &from, "--from"))
		return EXIT_USAGE;
	if (until_s && parse_day(until_s, 1, &until, "--until"))
		return EXIT_USAGE;
	if (from && until && until <= from)
		return cli_usage_error("log", _("--until %s is before --from %s"), until_s, from_s);
	char err[ERRLEN], label[48], period[96];
	if (month) {
		int y0, m0, y1, m1;
		if (report_period(month, NULL, NULL, NULL, &y0, &m0, &y1, &m1, label, sizeof label, err) < 0)
			return cli_usage_error("log", "%s", err);
		struct tm tm = { .tm_year = y0 - 1900, .tm_mon = m0 - 1, .tm_mday = 1, .tm_isdst = -1 };
		from = (int64_t)mktime(&tm) * 1000;
		tm = (struct tm){ .tm_year = y0 - 1900, .tm_mon = m0, .tm_mday = 1, .tm_isdst = -1 };
		until = (int64_t)mktime(&tm) * 1000;
		report_month_label(y0, m0, period, sizeof period);
	} else if (from_s || until_s) {
		/* the days as people write them; --until is the last day shown */
		char a[32] = "", b[32] = "";
		if (from_s)
			report_date(from, a, sizeof a);
		if (until_s)
			report_date(until - 86400000 / 2, b, sizeof b);
		snprintf(period, sizeof period, "%s … %s", a, b);
	} else {
		snprintf(period, sizeof period, "%s", _("everything logged"));
	}
	if (topic && cli_check_name(cli, CLI_TOPIC, topic))
		return 1;
	if (format == REPORT_XLSX && (!out || strcmp(out, "-") == 0))
		return cli_usage_error("log", _("--format xlsx needs -o FILE.xlsx"));
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	struct cli_out o;
	if (cli_out_open(&o, out) < 0)
		return 1;
	if (o.f != stdout)
		setvbuf(o.f, NULL, _IOFBF, 1 << 16);
	char title[512];
	snprintf(title, sizeof title, _("%s: airing log, %s"), cli->cfg->station_name, period);
	/* libxlsxwriter writes its own file: the temporary one, renamed after */
	struct log_ctx x = { .progress = o.f != stdout && isatty(2) };
	x.w = report_log_new(format, o.f, o.tmp, title, err);
	if (!x.w) {
		cli_out_abort(&o);
		return cli_error("%s", err);
	}
	report_log_set_config(x.w, cli->cfg);
	int rc = store_log(st, from, until, status, topic, row, &x, err);
	if (x.progress && report_log_count(x.w) >= 50000) {
		fputc('\r', stderr);
		fprintf(stderr, _("%ld rows written.   \n"), report_log_count(x.w));
	}
	char ferr[ERRLEN];
	int frc = report_log_finish(x.w, ferr); /* writes the ending, frees x.w */
	errno = 0;
	int failed = ferror(o.f) || fflush(o.f) != 0;
	int e = x.werr ? x.werr : errno ? errno : EIO;
	if (rc == 0 && failed) {
		/* a full disk or a file size limit: say so with the file's name */
		rc = -1;
		err_set(err, _("Cannot write %s: %s."), out ? out : _("the output"), strerror(e));
	} else if (rc == 0 && frc < 0) {
		rc = -1;
		snprintf(err, sizeof err, "%s", ferr);
	}
	if (rc < 0) {
		cli_out_abort(&o);
		return cli_error("%s", err);
	}
	return cli_out_commit(&o) < 0 ? 1 : 0;
}
