/*
 * loaxa config check — validate the configuration and print what is in
 * force, so that the operator sees the file's errors with their line before
 * the daemon does.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"

static void
help(void)
{
	printf(_("Usage: loaxa config check [--config FILE] [--quiet]\n\n"
		 "Validates the configuration (default /etc/loaxa/loaxa.conf, or $LOAXA_CONFIG;\n"
		 "built-in defaults when there is none) and prints the effective configuration.\n"
		 "Errors are printed as FILE:LINE: what is wrong (got VALUE), with exit code 1.\n"));
}

int
cmd_config(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	int quiet = 0, c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "hq", opts, "config", NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			return 0;
		case 'q':
			quiet = 1;
			break;
		default: /* cli_getopt() said why */
			return EXIT_USAGE;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "check") != 0 || optind + 1 != argc)
		return cli_usage_error("config", _("the only subcommand is 'check'"));

	char err[ERRLEN];
	const char *path = config_pick_path(cli->config_path);
	struct config *cfg = config_load(path, err);
	if (!cfg)
		return cli_error("%s", err);
	int rc = cli_check_config(cli, cfg, err);
	if (rc == 0 && !quiet) {
		char *dump = config_dump(cfg);
		fputs(dump, stdout);
		free(dump);
	}
	if (rc < 0)
		cli_error("%s", err);
	config_free(cfg);
	return rc < 0 ? 1 : 0;
}
