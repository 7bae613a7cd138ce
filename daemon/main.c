/*
 * loaxad — the daemon that airs bulletins on time.  It runs in the
 * foreground (systemd Type=notify), loads the configuration, opens the
 * store, and runs one event loop over a signalfd: TERM/INT stop (a second
 * INT exits at once), HUP reloads the configuration, keeping the old one
 * when the new one is refused.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "store/store.h"

static const char *config_arg;
static const char *state_arg;

/* Log lines go to stderr, which journald keeps; priority prefixes for it. */
static void
logmsg(int prio, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "<%d>", prio);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static struct config *
load_config(const char *state_override, char *err)
{
	struct config *c = config_load(config_pick_path(config_arg), err);
	if (!c)
		return NULL;
	if (state_override) {
		free(c->state_dir);
		c->state_dir = xstrdup(state_override);
	}
	return c;
}

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
	setlocale(LC_ALL, "");
	const char *ld = getenv("LOAXA_LOCALEDIR");
	bindtextdomain("loaxa", ld && *ld ? ld : LOCALEDIR);
	textdomain("loaxa");
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
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
	if (!state_arg && getenv("LOAXA_STATE_DIR") && *getenv("LOAXA_STATE_DIR"))
		state_arg = getenv("LOAXA_STATE_DIR");
	setvbuf(stderr, NULL, _IOLBF, 0);

	char err[ERRLEN];
	struct config *cfg = load_config(state_arg, err);
	if (!cfg) {
		logmsg(3, "%s", err);
		return 1;
	}
	if (config_apply_timezone(cfg, err) < 0) {
		logmsg(3, "%s", err);
		config_free(cfg);
		return 1;
	}
	struct store *st;
	if (store_open(cfg->state_dir, &st, err) < 0) {
		logmsg(3, "%s", err);
		config_free(cfg);
		return 1;
	}
	if (playlists_check(cfg, st, err) < 0) {
		logmsg(3, "%s", err);
		store_close(st);
		config_free(cfg);
		return 1;
	}

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC);

	logmsg(6, _("loaxad %s ready: configuration %s, state %s"), LOAXA_VERSION,
	       cfg->path ? cfg->path : _("(built-in defaults)"), cfg->state_dir);
	sd_notify(0, "READY=1");
	int running = 1;
	while (running) {
		struct pollfd p = { .fd = sfd, .events = POLLIN };
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			logmsg(3, "poll: %s", strerror(errno));
			break;
		}
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo == SIGHUP) {
			sd_notify(0, "RELOADING=1");
			struct config *n = load_config(state_arg, err);
			if (n && playlists_check(n, st, err) == 0) {
				config_free(cfg);
				cfg = n;
				logmsg(6, _("configuration reloaded"));
			} else {
				config_free(n);
				logmsg(3, _("new configuration refused, the old one stays in force: %s"), err);
			}
			sd_notify(0, "READY=1");
		} else {
			running = 0;
		}
	}
	sd_notify(0, "STOPPING=1");
	logmsg(6, _("loaxad stopping"));
	close(sfd);
	store_close(st);
	config_free(cfg);
	return 0;
}
