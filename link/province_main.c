/*
 * loaxa-province — the province's side of the link (man loaxa-link(8)):
 * keygen, publish, collect, status, report, receipts, acl.  Also reached as
 * `loaxa province ...`, which runs this program.  Reads --config like
 * loaxa; the province's keys are in its link section.
 */
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
	const char *config = NULL;
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		if ((strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "-c") == 0) && i + 1 < argc) {
			config = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			config = argv[i] + 9;
			i++;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("loaxa-province %s\n", LOAXA_VERSION);
			return 0;
		} else {
			break;
		}
	}
	char err[ERRLEN];
	struct config *cfg = config_load(config_pick_path(config), err);
	if (!cfg) {
		fprintf(stderr, "loaxa-province: %s\n", err);
		return 1;
	}
	int rc = 1;
	if (config_apply_timezone(cfg, err) < 0)
		fprintf(stderr, "loaxa-province: %s\n", err);
	else
		rc = link_province_main(cfg, argc - i, argv + i);
	config_free(cfg);
	return rc;
}
