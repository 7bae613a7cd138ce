/*
 * The event loop of loaxad: one thread owns the configuration, the store and
 * the plan, and polls a table of descriptors, each with its handler:
 *
 *   - a signalfd: TERM/INT stop (a second INT exits at once), HUP reloads,
 *     CHLD reaps pre-roll commands;
 *   - a timerfd on CLOCK_REALTIME (TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET)
 *     set to the next thing due (plan.c): render a slot's programme
 *     (T - lead), run the pre-roll command (T - preroll), arm the player
 *     (T - 1.5 s); ECANCELED means the wall clock jumped: re-plan;
 *   - an eventfd the render and player threads write when they have news;
 *   - the control socket and its clients (control.c);
 *   - a CLOCK_MONOTONIC timerfd for the systemd watchdog, when enabled.
 *
 * Idle, it sleeps until the next of those; it never polls.  While rows of
 * the airing log wait for the disk (airlog.c), it wakes every 5 s to retry.
 */
#include <assert.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "playlists/playlists.h"
#include "scheduler/scheduler.h"
#include "store/store.h"
#include "tts/tts.h"

#define PENDING_RETRY_MS 5000

extern char **environ;

void
daemon_log(int prio, const char *fmt, ...)
{
	va_list ap;
	flockfile(stderr); /* the player thread logs too: one line stays one line */
	fprintf(stderr, "<%d>", prio);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void
daemon_block_signals(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGHUP);
	sigaddset(mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, mask, NULL);
}

void
daemon_watch(struct daemon *d, int fd, daemon_fd_fn fn, void *arg)
{
	if (fd < 0)
		return;
	/* a bug: the table is sized for every descriptor the daemon opens */
	assert(d->n_watches < DAEMON_MAX_WATCHES);
	d->watches[d->n_watches].fd = fd;
	d->watches[d->n_watches].fn = fn;
	d->watches[d->n_watches].arg = arg;
	d->n_watches++;
}

void
daemon_unwatch(struct daemon *d, int fd)
{
	for (size_t i = 0; i < d->n_watches; i++)
		if (d->watches[i].fd == fd) {
			memmove(&d->watches[i], &d->watches[i + 1],
				(d->n_watches - i - 1) * sizeof d->watches[0]);
			d->n_watches--;
			return;
		}
}

void
daemon_spawn(const char *what, const char *cmd)
{
	pid_t pid;
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)cmd, NULL };
	/* the command gets the signals we block (signalfd) and ignore (PIPE) back */
	posix_spawnattr_t at;
	sigset_t none, pipe;
	sigemptyset(&none);
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &pipe);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	int rc = posix_spawn(&pid, "/bin/sh", NULL, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	if (rc != 0)
		daemon_log(3, _("cannot run the %s command %s: %s"), what, cmd, strerror(rc));
	else
		daemon_log(6, _("running the %s command: %s"), what, cmd);
}

/* ---- handlers ---- */

/*
 * Once nothing is planned or playing, gives the memory an airing needed
 * (decoders, resamplers, the render pipeline's blocks, freed by now but
 * kept by malloc in each thread's arena) back to the system, so the daemon
 * idles at its idle size whatever it aired.
 */
static void
give_back(struct daemon *d)
{
	if (d->airings || !d->trim_due)
		return;
	d->trim_due = 0;
	malloc_trim(0);
}

static void
on_events(struct daemon *d, int fd, void *arg)
{
	uint64_t v;
	(void)!read(fd, &v, sizeof v);
	struct event *e = workers_events(d->w);
	while (e) {
		struct event *next = e->next;
		struct airing *a = e->a;
		switch (e->kind) {
		case EV_RENDERED:
			d->trim_due = 1;
			plan_rendered(d, a);
			break;
		case EV_STARTED:
			a->state = AIRING_PLAYING;
			airlog_started(d, a);
			break;
		case EV_ITEM:
			airlog_items(d, a, e->items_done);
			break;
		case EV_FINISHED:
			plan_finished(d, a);
			break;
		}
		free(e);
		e = next;
	}
	give_back(d);
}

static void
on_timer(struct daemon *d, int fd, void *arg)
{
	uint64_t v;
	if (read(fd, &v, sizeof v) < 0 && errno == ECANCELED) {
		daemon_log(4, _("the wall clock was changed: re-planning"));
		plan_catch_up(d, N_("the wall clock jumped over it"));
	}
}

static void
on_watchdog(struct daemon *d, int fd, void *arg)
{
	uint64_t v;
	(void)!read(fd, &v, sizeof v);
	sd_notify(0, "WATCHDOG=1");
}

static void
set_timer(struct daemon *d, int64_t wake)
{
	struct itimerspec its = { 0 };
	if (wake > 0) {
		its.it_value.tv_sec = wake / 1000;
		its.it_value.tv_nsec = (wake % 1000) * 1000000;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(d->tfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0)
		daemon_log(3, "timerfd_settime: %s", strerror(errno));
}

/* ---- configuration ---- */

static struct config *
load_config(struct daemon *d, struct sched **sched, struct tts_lexicon **lex, char *err)
{
	struct config *c = config_load(config_pick_path(d->config_arg), err);
	if (!c)
		return NULL;
	if (d->state_arg) {
		free(c->state_dir);
		c->state_dir = xstrdup(d->state_arg);
	}
	*sched = sched_new(c, err);
	if (!*sched)
		goto fail;
	*lex = tts_lexicon_new();
	if (c->tts.lexicon && tts_lexicon_load(*lex, c->tts.lexicon, err) < 0)
		goto fail;
	struct tts_opts o = { .engine = c->tts.engine, .voice = c->tts.voice,
			      .command = c->tts.command, .region = c->tts.region };
	if (tts_check(&o, err) < 0)
		goto fail;
	if (d->st && playlists_check(c, d->st, err) < 0)
		goto fail;
	return c;
fail:
	sched_free(*sched);
	tts_lexicon_free(*lex);
	*sched = NULL;
	*lex = NULL;
	config_free(c);
	return NULL;
}

int
daemon_reload(struct daemon *d, char *err)
{
	struct sched *s;
	struct tts_lexicon *lex;
	struct config *c = load_config(d, &s, &lex, err);
	if (!c) {
		daemon_log(3, _("new configuration refused, the old one stays in force: %s"), err);
		return -1;
	}
	if (strcmp(c->state_dir, d->cfg->state_dir) != 0 ||
	    strcmp(c->control_socket, d->cfg->control_socket) != 0 ||
	    strcmp(c->timezone, d->cfg->timezone) != 0)
		daemon_log(4, _("state_dir, control_socket and timezone take effect at the next start"));
	/* keep what is planned: the new slots start from their logged instants */
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < d->sched->n; j++)
			if (strcmp(s->slots[i].name, d->sched->slots[j].name) == 0)
				s->slots[i].last_ms = d->sched->slots[j].last_ms;
	free(c->timezone);
	c->timezone = xstrdup(d->cfg->timezone);
	/* airings in flight point into the old configuration's names: they own copies */
	sched_free(d->sched);
	tts_lexicon_free(d->lex);
	config_free(d->cfg);
	d->cfg = c;
	d->sched = s;
	d->lex = lex;
	workers_set_config(d->w, d->cfg, d->lex);
	plan_catch_up(d, N_("the configuration changed while the daemon was running"));
	daemon_log(6, _("configuration reloaded"));
	return 0;
}

/* ---- signals ---- */

static void
on_signal(struct daemon *d, int fd, void *arg)
{
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof si) == sizeof si) {
		char err[ERRLEN];
		switch (si.ssi_signo) {
		case SIGHUP:
			sd_notify(0, "RELOADING=1");
			daemon_reload(d, err);
			sd_notify(0, "READY=1");
			break;
		case SIGINT:
			if (++d->int_count > 1)
				_exit(130);
			/* fall through */
		case SIGTERM:
			d->stopping = 1;
			break;
		case SIGCHLD: {
			int status;
			pid_t pid;
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
				if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
					daemon_log(4, _("a pre-roll command (pid %d) failed with status %d; the airing goes on"),
						   (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			break;
		}
		}
	}
}

/* ---- main loop ---- */

/* One turn: poll the table, then call the handler of each readable descriptor. */
static void
turn(struct daemon *d)
{
	struct pollfd p[DAEMON_MAX_WATCHES];
	int fds[DAEMON_MAX_WATCHES];
	size_t n = d->n_watches;
	for (size_t i = 0; i < n; i++) {
		p[i] = (struct pollfd){ .fd = d->watches[i].fd, .events = POLLIN };
		fds[i] = d->watches[i].fd;
	}
	if (poll(p, (nfds_t)n, d->pending ? PENDING_RETRY_MS : -1) < 0) {
		if (errno != EINTR)
			daemon_log(3, "poll: %s", strerror(errno));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!p[i].revents)
			continue;
		/* a handler before this one may have closed it (a client) */
		for (size_t k = 0; k < d->n_watches; k++)
			if (d->watches[k].fd == fds[i]) {
				d->watches[k].fn(d, fds[i], d->watches[k].arg);
				break;
			}
	}
}

int
daemon_run(const char *config_arg, const char *state_arg)
{
	struct daemon dd = { .config_arg = config_arg, .state_arg = state_arg,
			     .sfd = -1, .tfd = -1, .wdfd = -1, .lfd = -1, .evfd = -1 };
	struct daemon *d = &dd;
	char err[ERRLEN];
	int rc = 1;
	d->pending_tail = &d->pending;
	for (int i = 0; i < DAEMON_MAX_CLIENTS; i++)
		d->clients[i].fd = -1;
	d->started_ms = time_now_ms();
	/*
	 * Two malloc arenas, not eight a core: each thread that renders or
	 * plays would otherwise keep an arena of its own, with what it freed
	 * scattered in it, for the life of the daemon.
	 */
	mallopt(M_ARENA_MAX, 2);
	/*
	 * Signals are blocked first of all, before any library starts a thread
	 * (espeak-ng's check, PortAudio): every thread inherits the mask, so
	 * a SIGTERM during start-up waits for the signalfd instead of killing
	 * the process on whichever thread it lands.
	 */
	sigset_t mask;
	daemon_block_signals(&mask);
	signal(SIGPIPE, SIG_IGN);

	d->cfg = load_config(d, &d->sched, &d->lex, err);
	if (!d->cfg) {
		daemon_log(3, "%s", err);
		return 1;
	}
	if (config_apply_timezone(d->cfg, err) < 0 || store_open(d->cfg->state_dir, &d->st, err) < 0 ||
	    playlists_check(d->cfg, d->st, err) < 0) {
		daemon_log(3, "%s", err);
		goto out;
	}
	airlog_recover(d);

	d->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d->tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	d->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->sfd < 0 || d->tfd < 0 || d->evfd < 0) {
		daemon_log(3, "%s", strerror(errno));
		goto out;
	}
	daemon_watch(d, d->sfd, on_signal, NULL);
	daemon_watch(d, d->tfd, on_timer, NULL);
	daemon_watch(d, d->evfd, on_events, NULL);
	uint64_t wd_usec = 0;
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec) {
		d->wdfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		struct itimerspec its = { .it_interval = { (time_t)(wd_usec / 2000000),
							   (long)((wd_usec / 2) % 1000000) * 1000 } };
		its.it_value = its.it_interval;
		timerfd_settime(d->wdfd, 0, &its, NULL);
	}
	if (control_listen(d, err) < 0) {
		daemon_log(3, "%s", err);
		goto out;
	}
	daemon_watch(d, d->wdfd, on_watchdog, NULL);
	d->w = workers_new(d->evfd);
	workers_set_config(d->w, d->cfg, d->lex);
	plan_catch_up(d, N_("the daemon was not running"));

	daemon_log(6, _("loaxad %s ready: configuration %s, state %s, control %s"), LOAXA_VERSION,
		   d->cfg->path ? d->cfg->path : _("(built-in defaults)"), d->cfg->state_dir,
		   d->sock_path);
	sd_notify(0, "READY=1");
	while (!d->stopping) {
		if (d->pending)
			airlog_flush(d);
		set_timer(d, plan_tick(d));
		turn(d);
	}
	sd_notify(0, "STOPPING=1");
	daemon_log(6, _("loaxad stopping"));
	rc = 0;
out:
	if (d->w) {
		workers_stop(d->w, DAEMON_FADE_S);
		workers_free(d->w); /* posts nothing more; finish what it reported */
		d->w = NULL;
	}
	if (d->st)
		plan_stopped(d);
	while (d->airings)
		plan_unlink(d, d->airings);
	control_close(d);
	int *fds[] = { &d->sfd, &d->tfd, &d->wdfd, &d->evfd };
	for (size_t i = 0; i < ARRAY_LEN(fds); i++)
		if (*fds[i] >= 0) {
			daemon_unwatch(d, *fds[i]);
			close(*fds[i]);
			*fds[i] = -1;
		}
	if (d->st)
		airlog_flush(d);
	airlog_drop(d);
	tts_done(); /* the workers are stopped: no job is left */
	store_close(d->st);
	sched_free(d->sched);
	tts_lexicon_free(d->lex);
	config_free(d->cfg);
	return rc;
}
