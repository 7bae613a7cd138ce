/*
 * loaxa-web — the operator's web console.  Runs in the foreground under
 * systemd (Type=notify), serves until SIGTERM or SIGINT; see loaxa-web(8)
 * and web/web.h.
 */
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>

#include "base/base.h"
#include "web/web.h"

static void
usage(FILE *f)
{
	fprintf(f, _("Usage: loaxa-web [--config FILE] [--state-dir DIR] [--listen ADDRESS:PORT]\n"
		     "                 [--static DIR]\n\n"
		     "Serves the web console (pages and JSON API) on web.listen (default\n"
		     "127.0.0.1:8080), over HTTPS when web.tls_cert and web.tls_key are set.\n"
		     "SIGTERM stops it; sessions live in memory, so a restart logs everyone out.\n"
		     "See loaxa-web(8).\n"));
}

int
main(int argc, char **argv)
{
	i18n_init();
	/* answers follow each request's Accept-Language, not the environment's */
	unsetenv("LANGUAGE");
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "static", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct web_opts o = { 0 };
	int c;
	while ((c = getopt_long(argc, argv, "c:s:l:S:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o.config_path = optarg; break;
		case 's': o.state_dir = optarg; break;
		case 'l': o.listen = optarg; break;
		case 'S': o.static_dir = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("loaxa-web %s\n", LOAXA_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!o.state_dir && getenv("LOAXA_STATE_DIR") && *getenv("LOAXA_STATE_DIR"))
		o.state_dir = getenv("LOAXA_STATE_DIR");
	setvbuf(stderr, NULL, _IOLBF, 0);
	/* one malloc arena per worker thread would keep memory each one touched once */
	mallopt(M_ARENA_MAX, 2);

	/* block the stop signals before the server's threads start, then wait for one */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	char err[ERRLEN];
	struct web *w = web_new(&o, err);
	if (!w) {
		fprintf(stderr, "<3>loaxa-web: %s\n", err);
		return 1;
	}
	char where[300];
	fprintf(stderr, "<6>loaxa-web %s: listening on %s://%s\n", LOAXA_VERSION, web_scheme(w),
		web_address(w, o.listen, where, sizeof where));
	sd_notify(0, "READY=1");
	int sig = 0;
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		fprintf(stderr, "<5>loaxa-web: SIGHUP: restart loaxa-web to read a new configuration\n");
	sd_notify(0, "STOPPING=1");
	web_free(w);
	return 0;
}
