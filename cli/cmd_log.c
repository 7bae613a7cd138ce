/*
 * loaxa log — the airing log, one row per aired item (and one per airing
 * that aired nothing: missed, or failed before sound), in local time.
 * Text for the terminal, CSV and XLSX for spreadsheets, JSON for scripts.
 * The bounds, the title and the rows are ops_log_range() and
 * ops_log_write(), as the web console's export is; this file reads the
 * options, shows progress, and writes through a temporary file.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "ops/ops.h"
#include "reports/reports.h"

/* Progress on a terminal while a long export goes to a file. */
static void
progress(long n, void *arg)
{
	(void)arg;
	if (n % 50000 == 0) {
		fputc('\r', stderr);
		fprintf(stderr, _("%ld rows written..."), n);
		fflush(stderr);
	}
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
	int64_t from, until;
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
			if (!ops_log_status_valid(status))
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
	char err[ERRLEN], period[96];
	if (ops_log_range(month, from_s, until_s, &from, &until, period, err) < 0)
		return cli_usage_error("log", "%s", err);
	if (topic && cli_check_name(cli, CLI_TOPIC, topic))
		return 1;
	if (format == REPORT_XLSX && (!out || strcmp(out, "-") == 0))
		return cli_usage_error("log", _("--format xlsx needs -o FILE.xlsx"));
	struct ops *ops = cli_ops(cli);
	if (!ops)
		return 1;
	struct cli_out o;
	if (cli_out_open(&o, out) < 0)
		return 1;
	if (o.f != stdout)
		setvbuf(o.f, NULL, _IOFBF, 1 << 16);
	/* libxlsxwriter writes its own file: the temporary one, renamed after */
	struct ops_out to = { .f = o.f, .path = o.tmp, .name = out };
	int show = o.f != stdout && isatty(2);
	long rows = 0;
	int rc = ops_log_write(ops, format, from, until, status, topic, NULL, period, &to,
			       show ? progress : NULL, NULL, &rows, err);
	if (show && rows >= 50000) {
		fputc('\r', stderr);
		fprintf(stderr, _("%ld rows written.   \n"), rows);
	}
	if (rc < 0) {
		cli_out_abort(&o);
		return cli_error("%s", err);
	}
	return cli_out_commit(&o) < 0 ? 1 : 0;
}
