/*
 * loaxa report — the monthly and period counts officers hand in: distinct
 * bulletins, airings, airtime, per topic and for CCHC against the monthly
 * target ("đạt" / "chưa đạt"), the slots missed or failed, the bulletins
 * aired; as text, CSV, JSON, XLSX or the DOCX document an officer files.
 * The counting is reports/'s; building and writing are ops_report_build()
 * and ops_report_write(), as the web console's export is; this file reads
 * the options and writes through a temporary file.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "ops/ops.h"
#include "reports/reports.h"

/* --by-zone: ops_report_by_zone() through a temporary file. */
static int
report_by_zone(struct cli *cli, const char *month, const char *quarter, const char *period,
	       const char *year, const char *topic, int format, const char *out)
{
	struct ops *ops = cli_ops(cli);
	if (!ops)
		return 1;
	struct cli_out o;
	if (cli_out_open(&o, out) < 0)
		return 1;
	char err[ERRLEN];
	struct ops_out to = { .f = o.f, .path = o.tmp, .name = out };
	if (ops_report_by_zone(ops, month, quarter, period, year, topic, format, &to, err) < 0) {
		cli_out_abort(&o);
		return cli_error("%s", err);
	}
	return cli_out_commit(&o) < 0 ? 1 : 0;
}

int
cmd_report(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "quarter", required_argument, NULL, 'q' },
		{ "period", required_argument, NULL, 'p' },
		{ "year", required_argument, NULL, 'y' },
		{ "topic", required_argument, NULL, 't' },
		{ "zone", required_argument, NULL, 'z' },
		{ "by-zone", no_argument, NULL, 'Z' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *month = NULL, *quarter = NULL, *period = NULL, *year = NULL, *topic = NULL,
		   *out = NULL, *zone = NULL;
	int format = REPORT_TEXT, c, by_zone = 0;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "o:h", opts, "report", NULL)) != -1) {
		switch (c) {
		case 'm': month = optarg; break;
		case 'q': quarter = optarg; break;
		case 'p': period = optarg; break;
		case 'y': year = optarg; break;
		case 't': topic = optarg; break;
		case 'z': zone = optarg; break;
		case 'Z': by_zone = 1; break;
		case 'o': out = optarg; break;
		case 'f':
			format = report_format_parse(optarg);
			if (format < 0)
				return cli_usage_error("report", _("--format is text, csv, json, xlsx or docx (got %s)"), optarg);
			break;
		case 'h':
			printf(_("Usage: loaxa report [--month YYYY-MM | --quarter YYYY-Qn |\n"
				 "                     --period q1|6m|9m|12m --year YYYY | --year YYYY]\n"
				 "                    [--topic ID] [--format text|csv|json|xlsx|docx] [-o FILE]\n\n"
				 "Per month: distinct bulletins aired, bulletin airings, airtime, per topic\n"
				 "and for CCHC against targets.cchc_per_month; the slots missed or failed;\n"
				 "the period's totals; the bulletins aired, with their days.  Without a\n"
				 "period: this month.  docx writes the report to file (Nghị định 30/2020),\n"
				 "signed as the configuration's station section says.\n"));
			/* apart, so that the text above keeps its translation */
			printf(_("--zone NAME counts only the airings that went to that zone (cụm loa).\n"));
			printf(_("--by-zone: the report of each zone in turn (text, or a JSON array).\n"));
			return 0;
		default: /* cli_getopt() said why */
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage_error("report", _("unexpected argument '%s'"), argv[optind]);
	char err[ERRLEN], label[48];
	int y0, m0, y1, m1;
	if (report_period(month, quarter, period, year, &y0, &m0, &y1, &m1, label, sizeof label, err) < 0)
		return cli_usage_error("report", "%s", err);
	if (topic && cli_check_name(cli, CLI_TOPIC, topic))
		return 1;
	if (zone && cli_check_name(cli, CLI_ZONE, zone))
		return 1;
	if (by_zone && zone)
		return cli_usage_error("report", _("give --zone or --by-zone, not both"));
	if (by_zone && format != REPORT_TEXT && format != REPORT_JSON)
		return cli_usage_error("report", _("--by-zone writes text or json; for csv, xlsx or docx give --zone NAME, one zone a file"));
	if (by_zone)
		return report_by_zone(cli, month, quarter, period, year, topic, format, out);
	if (format == REPORT_XLSX && (!out || strcmp(out, "-") == 0))
		return cli_usage_error("report", _("--format xlsx needs -o FILE.xlsx"));
	if (format == REPORT_DOCX && (!out || strcmp(out, "-") == 0))
		return cli_usage_error("report", _("--format docx needs -o FILE.docx"));
	struct ops *ops = cli_ops(cli);
	if (!ops)
		return 1;
	struct report *r;
	if (ops_report_build(ops, month, quarter, period, year, topic, zone, &r, err) < 0)
		return cli_error("%s", err);
	if (report_empty(r) && format != REPORT_TEXT) {
		char words[96];
		report_period_label(y0, m0, y1, m1, words, sizeof words);
		fprintf(stderr, _("loaxa: nothing was aired or missed in %s; the report is empty.\n"),
			words);
	}
	struct cli_out o;
	if (cli_out_open(&o, out) < 0) {
		report_free(r);
		return 1;
	}
	/* libxlsxwriter and the DOCX writer make the file themselves: the temporary one */
	struct ops_out to = { .f = o.f, .path = o.tmp, .name = out };
	int rc = 0;
	if (ops_report_write(ops, r, format, &to, err) < 0) {
		cli_out_abort(&o);
		rc = cli_error("%s", err);
	} else if (cli_out_commit(&o) < 0) {
		rc = 1;
	}
	report_free(r);
	return rc;
}
