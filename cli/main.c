/*
 * loaxa — the operator's and officer's command.  Reads global options
 * (--config, --state-dir, wherever they stand), loads the configuration,
 * and hands the rest to one command of the table below.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "ops/ops.h"
#include "store/store.h"
#include "tts/tts.h"

static const struct command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	int needs_config; /* 0: the command loads the configuration itself */
	const char *summary;
} commands[] = {
	COMMAND_TABLE
};

/*
 * `loaxa province ...` is loaxa-province (the province's side of the link,
 * link/): run the one beside this program, else the one on PATH, so the
 * operator's loaxa links no network code.
 */
static int
run_province(const struct cli *cli, int argc, char **argv)
{
	char self[PATH_MAX], *prog = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			prog = xasprintf("%s/loaxa-province", self);
		}
	}
	char **args = xcalloc((size_t)argc + 3, sizeof *args);
	int k = 0;
	args[k++] = (char *)"loaxa-province";
	if (cli->config_path) {
		args[k++] = (char *)"--config";
		args[k++] = (char *)cli->config_path;
	}
	for (int i = 2; i < argc; i++)
		args[k++] = argv[i];
	if (prog && access(prog, X_OK) == 0)
		execv(prog, args);
	execvp("loaxa-province", args);
	fprintf(stderr, _("loaxa: 'loaxa province' needs loaxa-province, which is not installed.\n"));
	free(prog);
	free(args);
	return 1;
}

static void
usage(FILE *f)
{
	fprintf(f, _("Usage: loaxa [--config FILE] [--state-dir DIR] COMMAND [ARGS...]\n\n"
		     "Commands:\n"));
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, _(commands[i].summary));
	fprintf(f, _("\n'loaxa COMMAND --help' tells more about one command; man loaxa(1) about all.\n"));
}

/* Takes --config/--state-dir out of argv wherever they stand. */
static int
global_options(struct cli *cli, int *argc, char **argv)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;
		const char *val = NULL;
		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(a, "--config") == 0 || strcmp(a, "-c") == 0)
			dst = &cli->config_path;
		else if (strcmp(a, "--state-dir") == 0)
			dst = &cli->state_dir;
		else if (strncmp(a, "--config=", 9) == 0)
			dst = &cli->config_path, val = a + 9;
		else if (strncmp(a, "--state-dir=", 12) == 0)
			dst = &cli->state_dir, val = a + 12;
		if (!dst) {
			argv[out++] = argv[i];
			continue;
		}
		if (!val) {
			if (i + 1 >= *argc) {
				fprintf(stderr, _("loaxa: %s needs a value.\n"), a);
				return -1;
			}
			val = argv[++i];
		}
		*dst = val;
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

int
main(int argc, char **argv)
{
	i18n_init();

	struct cli cli = { 0 };
	if (global_options(&cli, &argc, argv) < 0)
		return EXIT_USAGE;
	if (!cli.state_dir && getenv("LOAXA_STATE_DIR") && *getenv("LOAXA_STATE_DIR"))
		cli.state_dir = getenv("LOAXA_STATE_DIR");
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("loaxa %s\n", LOAXA_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "province") == 0)
		return run_province(&cli, argc, argv);
	const struct command *cmd = NULL;
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, _("loaxa: '%s' is not a command.\n"), argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}

	char err[ERRLEN];
	if (cmd->needs_config) {
		cli.cfg = config_load(config_pick_path(cli.config_path), err);
		if (!cli.cfg) {
			fprintf(stderr, "loaxa: %s\n", err);
			return 1;
		}
	} else {
		/* `config check` loads and reports the file itself. */
		cli.cfg = config_load(NULL, err);
	}
	if (config_apply_timezone(cli.cfg, err) < 0) {
		fprintf(stderr, "loaxa: %s\n", err);
		config_free(cli.cfg);
		return 1;
	}
	int rc = cmd->fn(&cli, argc - 1, argv + 1);
	tts_done();
	if (cli.ops)
		ops_done(cli.ops);
	free(cli.ops);
	store_close(cli.store);
	tts_lexicon_free(cli.lex);
	config_free(cli.cfg);
	return rc;
}
