/*
 * loaxa-link — the commune's end of the province link (man loaxa-link(8)).
 * Reads --config and --state-dir like loaxad, then runs link_commune_run()
 * in the foreground until SIGTERM; systemd/loaxa-link.service runs it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "link/link.h"

int
main(int argc, char **argv)
{
	i18n_init();
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *config = NULL, *state = getenv("LOAXA_STATE_DIR");
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 's': state = optarg; break;
		case 'V': printf("loaxa-link %s\n", LOAXA_VERSION); return 0;
		case 'h':
			printf(_("Usage: loaxa-link [--config FILE] [--state-dir DIR]\n\n"
				 "Links this commune to its province over MQTT: signed bulletins down,\n"
				 "the airing log and the status up.  See loaxa-link(8).\n"));
			return 0;
		case ':':
			fprintf(stderr, _("loaxa-link: %s needs a value.\n"), argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, _("loaxa-link: unknown option %s; try 'loaxa-link --help'.\n"),
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, _("loaxa-link: unexpected argument '%s'; try 'loaxa-link --help'.\n"),
			argv[optind]);
		return 2;
	}
	char err[ERRLEN];
	struct config *cfg = config_load(config_pick_path(config), err);
	if (!cfg) {
		fprintf(stderr, "<3>%s\n", err);
		return 1;
	}
	if (state && *state) {
		free(cfg->state_dir);
		cfg->state_dir = xstrdup(state);
	}
	int rc = 1;
	if (config_apply_timezone(cfg, err) < 0)
		fprintf(stderr, "<3>%s\n", err);
	else
		rc = link_commune_run(cfg);
	config_free(cfg);
	return rc;
}
