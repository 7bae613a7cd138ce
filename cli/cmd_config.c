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
#include "ops/ops.h"

static void
help(void)
{
	printf(_("Usage: loaxa config check [--config FILE] [--quiet]\n\n"
		 "Validates the configuration (default /etc/loaxa/loaxa.conf, or $LOAXA_CONFIG;\n"
		 "built-in defaults when there is none) and prints the effective configuration.\n"
		 "Every error is printed as FILE:LINE: what is wrong (got VALUE), with exit\n"
		 "code 1; warnings (a slot that never falls) as FILE:LINE: warning: ...\n"));
}

/*
 * The configuration in force: the file's, with the state directory that
 * --state-dir or $LOAXA_STATE_DIR put in its place.  Loadable as it is.
 */
static void
print_in_force(const struct cli *cli, struct config *cfg)
{
	if (cli->state_dir) {
		free(cfg->state_dir);
		cfg->state_dir = xstrdup(cli->state_dir);
	}
	char *dump = config_dump(cfg);
	fputs(dump, stdout);
	free(dump);
	if (cli->state_dir)
		printf("# %s\n", _("state_dir comes from --state-dir or $LOAXA_STATE_DIR, which go before the file"));
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

	struct config_diags d = { 0 };
	struct config *cfg = config_load_diags(config_pick_path(cli->config_path), &d);
	if (cfg)
		ops_config_check_all(cfg, cli->state_dir, &d);
	for (size_t i = 0; i < d.n; i++)
		cli_error("%s", d.v[i].text);
	if (d.errors > 1)
		cli_error(_("%d errors; the configuration is refused until they are fixed."), d.errors);
	if (!d.errors && !quiet)
		print_in_force(cli, cfg);
	int rc = d.errors ? 1 : 0;
	config_diags_free(&d);
	config_free(cfg);
	return rc;
}
