/*
 * loaxa live: the operator speaks into the microphone now.  The rule (the
 * range of --minutes, the microphone looked for, the request and what its
 * answer means) is ops_live()'s, so the web console can call it too; here
 * are only the options and the exit code.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "ops/ops.h"

int
cmd_live(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "minutes", required_argument, NULL, 'm' },
		{ "zone", required_argument, NULL, 'z' },
		{ "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long minutes = OPS_LIVE_MINUTES;
	const char *title = NULL;
	struct sbuf zones = { 0 }; /* "thon-1,thon-3", as ops_zones_parse() takes them */
	char *end;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "live", NULL)) != -1) {
		switch (c) {
		case 'm':
			minutes = strtol(optarg, &end, 10);
			if (*end || end == optarg || minutes < 1 || minutes > OPS_LIVE_MAX_MINUTES) {
				sbuf_free(&zones);
				return cli_usage_error("live", _("--minutes is from 1 to %d (got %s)."),
						       OPS_LIVE_MAX_MINUTES, optarg);
			}
			break;
		case 'z':
			if (cli_check_name(cli, CLI_ZONE, optarg)) {
				sbuf_free(&zones);
				return 1;
			}
			sbuf_addf(&zones, "%s%s", zones.len ? "," : "", optarg);
			break;
		case 't': title = optarg; break;
		case 'h':
			printf(_("Usage: loaxa live [--minutes N] [--zone NAME ...] [--title TEXT]\n\n"
				 "Puts the microphone on air now: what is airing fades out and is logged as\n"
				 "cut by the live announcement (as an emergency cuts in); the live_jingle\n"
				 "plays first, then the microphone (audio.mic_device, else\n"
				 "audio.input_device), levelled like line-in, until 'loaxa stop' or N\n"
				 "minutes (default %d, at most %d).  --zone NAME (repeatable): to those\n"
				 "zones only.  --title: what it is about, shown by 'loaxa status'.\n"),
			       OPS_LIVE_MINUTES, OPS_LIVE_MAX_MINUTES);
			sbuf_free(&zones);
			return 0;
		default: /* cli_getopt() said why */
			sbuf_free(&zones);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		sbuf_free(&zones);
		return cli_usage_error("live", _("unexpected argument '%s'"), argv[optind]);
	}
	struct ops *o = cli_ops(cli);
	if (!o) {
		sbuf_free(&zones);
		return 1;
	}
	char msg[ERRLEN], err[ERRLEN];
	int rc = ops_live(o, (int)minutes, zones.s, title, NULL, msg, err);
	sbuf_free(&zones);
	if (rc < 0)
		return cli_error("%s", err);
	fputs(msg, stdout);
	return 0;
}
