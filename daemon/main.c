/*
 * loaxad — the daemon that airs bulletins on time.  Runs in the foreground
 * (systemd Type=notify); never daemonizes.  See loaxad(8) and daemon.h.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/base.h"
#include "daemon/daemon.h"

static void
usage(FILE *f)
{
	fprintf(f, _("Usage: loaxad [--config FILE] [--state-dir DIR]\n\n"
		     "Runs in the foreground and airs the configured slots.  SIGTERM stops it,\n"
		     "SIGHUP re-reads the configuration.  See loaxad(8).\n"));
}

int
main(int argc, char **argv)
{
	/*
	 * First of all, before anything takes time: a SIGTERM that comes while
	 * we start waits for the loop's signalfd (daemon_run() blocks the same
	 * set again) instead of killing a half-started daemon.
	 */
	sigset_t mask;
	daemon_block_signals(&mask);
	i18n_init();
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	const char *config_arg = NULL, *state_arg = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "c:s:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_arg = optarg; break;
		case 's': state_arg = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("loaxad %s\n", LOAXA_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!state_arg && getenv("LOAXA_STATE_DIR") && *getenv("LOAXA_STATE_DIR"))
		state_arg = getenv("LOAXA_STATE_DIR");
	setvbuf(stderr, NULL, _IOLBF, 0);
	return daemon_run(config_arg, state_arg);
}
