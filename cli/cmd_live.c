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
		{ "class", required_argument, NULL, 'c' },
		{ "stop", no_argument, NULL, 's' },
		{ "zone", required_argument, NULL, 'z' },
		{ "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long minutes = OPS_LIVE_MINUTES;
	const char *title = NULL, *klass = NULL;
	int stop = 0;
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
		case 'c': klass = optarg; break;
		case 's': stop = 1; break;
		case 'h':
			printf(_("Usage: loaxa live [--class normal|emergency] [--minutes N] [--zone NAME ...]\n"
				 "                  [--title TEXT]\n"
				 "       loaxa live --stop\n\n"
				 "Puts the microphone on air now: the live_jingle plays first, then the\n"
				 "microphone (audio.mic_device, else audio.input_device), levelled like\n"
				 "line-in, recorded under the state directory, until 'loaxa stop' or N\n"
				 "minutes (default %d, at most %d); the live_end_jingle closes it.  While\n"
				 "something airs it is refused, unless --class emergency: then what airs\n"
				 "fades out and is logged as cut by the live announcement.  --zone NAME\n"
				 "(repeatable): to those zones only.  --title: what it is about, shown by\n"
				 "'loaxa status'.  --stop (or 'loaxa stop') ends it: the microphone fades\n"
				 "out and the closing jingle plays.\n"),
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
	if (stop) {
		sbuf_free(&zones);
		if (ops_live_stop(o, msg, err) < 0)
			return cli_error("%s", err);
		fputs(msg, stdout);
		return 0;
	}
	int rc = ops_live(o, (int)minutes, klass, zones.s, title, NULL, msg, err);
	sbuf_free(&zones);
	if (rc < 0)
		return cli_error("%s", err);
	fputs(msg, stdout);
	return 0;
}
