/*
 * Zones (cụm loa) for one airing: which zones it goes to, resolved from
 * the configuration when it is planned into a self-contained struct
 * zone_target the player thread carries out (the configuration may be
 * reloaded meanwhile): the output channels it sounds on, and the zones'
 * `on` commands run before its first sample and `off` commands after its
 * last.
 *
 * The commands run side by side, each under coreutils' timeout(1) with the
 * zone's deadline (audio.zone_timeout), through a small /bin/sh wrapper
 * that reports the command's exit status on a pipe and itself always exits
 * 0: the loop reaps every child (SIGCHLD, loop.c) and would take the
 * status before the player could.  A command that fails or hangs is logged
 * and the airing goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "daemon/daemon.h"

extern char **environ;

/* After its timeout, how long a command has to go before the player stops waiting. */
#define GRACE_MS 2000

static void
add_zone(struct zone_target *t, const struct config *c, const struct config_zone *z)
{
	size_t k = t->n++;
	t->zone = xrealloc(t->zone, t->n * sizeof *t->zone);
	t->on = xrealloc(t->on, t->n * sizeof *t->on);
	t->off = xrealloc(t->off, t->n * sizeof *t->off);
	t->icecast = xrealloc(t->icecast, t->n * sizeof *t->icecast);
	t->icecast_pw = xrealloc(t->icecast_pw, t->n * sizeof *t->icecast_pw);
	t->icecast[k] = z->icecast ? xstrdup(z->icecast) : NULL;
	t->icecast_pw[k] = z->icecast_password_file ? xstrdup(z->icecast_password_file) : NULL;
	t->icecast_admin = xrealloc(t->icecast_admin, t->n * sizeof *t->icecast_admin);
	t->icecast_admin[k] = z->icecast_admin_password_file ? xstrdup(z->icecast_admin_password_file) : NULL;
	t->zone[k] = xstrdup(z->name);
	t->on[k] = z->on ? xstrdup(z->on) : NULL;
	t->off[k] = z->off ? xstrdup(z->off) : NULL;
	if (z->channel)
		t->channels |= (uint64_t)1 << (z->channel - 1);
	(void)c;
}

static struct zone_target *
target_new(const struct config *c)
{
	struct zone_target *t = xcalloc(1, sizeof *t);
	t->timeout_s = c->audio.zone_timeout;
	return t;
}

/* The names joined with commas, for the log. */
static void
set_names(struct zone_target *t)
{
	struct sbuf b = { 0 };
	for (size_t i = 0; i < t->n; i++)
		sbuf_addf(&b, "%s%s", i ? "," : "", t->zone[i]);
	t->names = sbuf_steal(&b);
}

struct zone_target *
zones_for_names(const struct config *c, const char *const *names, char *err)
{
	if (!c->n_zones) {
		if (names && names[0]) {
			err_set(err, _("There is no zone \"%s\": the configuration has no zones."), names[0]);
			return NULL;
		}
		return NULL; /* one output, no zones: nothing to route */
	}
	struct zone_target *t = target_new(c);
	uint64_t seen = 0;
	if (!names || !names[0]) {
		for (size_t i = 0; i < c->n_zones; i++)
			add_zone(t, c, &c->zones[i]);
	} else {
		for (const char *const *p = names; *p; p++) {
			size_t idx;
			const struct config_zone *z = config_zone_find(c, *p, &idx);
			if (!z) {
				struct sbuf b = { 0 };
				for (size_t i = 0; i < c->n_zones; i++)
					sbuf_addf(&b, "%s%s", i ? ", " : "", c->zones[i].name);
				err_set(err, _("There is no zone \"%s\" in the configuration; the zones are: %s."),
					*p, b.s);
				sbuf_free(&b);
				zones_target_free(t);
				return NULL;
			}
			if (seen & ((uint64_t)1 << idx))
				continue;
			seen |= (uint64_t)1 << idx;
			add_zone(t, c, z);
		}
	}
	set_names(t);
	return t;
}

struct zone_target *
zones_for_list(const struct config *c, const char *list, char *err)
{
	char *copy = xstrdup(list ? list : "");
	const char **names = xcalloc(strlen(copy) / 2 + 2, sizeof *names);
	size_t n = 0;
	for (char *save, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		names[n++] = tok;
	int empty = list && *list && !n;
	struct zone_target *t = NULL;
	if (empty)
		err_set(err, _("The list of zones is empty; name at least one zone."));
	else
		t = zones_for_names(c, names, err);
	int bad = empty || (!t && c->n_zones) || (!t && n);
	free(names);
	free(copy);
	if (bad)
		return ZONES_BAD;
	return t;
}

void
zones_target_free(struct zone_target *t)
{
	if (!t || t == ZONES_BAD)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->zone[i]);
		free(t->on[i]);
		free(t->off[i]);
		free(t->icecast[i]);
		free(t->icecast_pw[i]);
		free(t->icecast_admin[i]);
	}
	free(t->zone);
	free(t->on);
	free(t->off);
	free(t->icecast);
	free(t->icecast_pw);
	free(t->icecast_admin);
	free(t->names);
	free(t);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts cmd under timeout(1); its exit status comes on *fd.  -1 when it cannot. */
static int
start(const char *cmd, double timeout_s, int *fd)
{
	static const char wrap[] =
		"timeout -k 1 \"$0\" /bin/sh -c \"$1\" </dev/null >/dev/null; echo $?";
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	char secs[32];
	snprintf(secs, sizeof secs, "%.3f", timeout_s);
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)wrap, secs, (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawnattr_t at;
	sigset_t none, pipe_sig;
	sigemptyset(&none);
	sigemptyset(&pipe_sig);
	sigaddset(&pipe_sig, SIGPIPE);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &pipe_sig);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		errno = rc;
		return -1;
	}
	*fd = p[0];
	return 0;
}

int
zones_switch(const struct zone_target *t, int on, struct sbuf *problems)
{
	if (!t || t == ZONES_BAD)
		return 0;
	char *const *cmds = on ? t->on : t->off;
	const char *what = on ? "on" : "off";
	int *fd = xcalloc(t->n + 1, sizeof *fd);
	char (*out)[16] = xcalloc(t->n + 1, sizeof *out);
	size_t *len = xcalloc(t->n + 1, sizeof *len);
	int bad = 0, running = 0;
	for (size_t i = 0; i < t->n; i++) {
		fd[i] = -1;
		if (!cmds[i])
			continue;
		if (start(cmds[i], t->timeout_s, &fd[i]) < 0) {
			daemon_log(3, _("zone %s: cannot run the %s command: %m; the airing goes on"),
				   t->zone[i], what);
			sbuf_addf(problems, _("%szone %s: the %s command could not run"),
				  problems->len ? "; " : "", t->zone[i], what);
			bad++;
			continue;
		}
		daemon_log(6, _("zone %s: running the %s command: %s"), t->zone[i], what, cmds[i]);
		running++;
	}
	int64_t deadline = mono_ms() + (int64_t)(t->timeout_s * 1000) + GRACE_MS;
	while (running > 0) {
		struct pollfd pf[CONFIG_MAX_ZONES];
		size_t idx[CONFIG_MAX_ZONES], np = 0;
		for (size_t i = 0; i < t->n && np < CONFIG_MAX_ZONES; i++)
			if (fd[i] >= 0) {
				pf[np] = (struct pollfd){ .fd = fd[i], .events = POLLIN };
				idx[np++] = i;
			}
		int64_t left = deadline - mono_ms();
		if (left <= 0)
			break;
		if (poll(pf, np, (int)left) < 0 && errno != EINTR)
			break;
		for (size_t k = 0; k < np; k++) {
			if (!pf[k].revents)
				continue;
			size_t i = idx[k];
			ssize_t r = read(fd[i], out[i] + len[i], sizeof out[i] - 1 - len[i]);
			if (r > 0) {
				len[i] += (size_t)r;
				if (len[i] < sizeof out[i] - 1)
					continue;
			}
			close(fd[i]);
			fd[i] = -1;
			running--;
			int status = atoi(out[i]);
			if (!len[i] || status == 0)
				continue; /* a wrapper that said nothing was killed: counted below */
			bad++;
			if (status == 124 || status == 137)
				daemon_log(4, _("zone %s: the %s command did not finish within %.1f s and was stopped; the airing goes on"),
					   t->zone[i], what, t->timeout_s);
			else
				daemon_log(4, _("zone %s: the %s command failed with status %d; the airing goes on"),
					   t->zone[i], what, status);
			if (status == 124 || status == 137)
				sbuf_addf(problems, _("%szone %s: the %s command did not finish within %.1f s"),
					  problems->len ? "; " : "", t->zone[i], what, t->timeout_s);
			else
				sbuf_addf(problems, _("%szone %s: the %s command failed with status %d"),
					  problems->len ? "; " : "", t->zone[i], what, status);
		}
	}
	for (size_t i = 0; i < t->n; i++)
		if (fd[i] >= 0) {
			close(fd[i]);
			bad++;
			daemon_log(4, _("zone %s: the %s command did not finish within %.1f s; the airing goes on"),
				   t->zone[i], what, t->timeout_s);
			sbuf_addf(problems, _("%szone %s: the %s command did not finish within %.1f s"),
				  problems->len ? "; " : "", t->zone[i], what, t->timeout_s);
		}
	free(fd);
	free(out);
	free(len);
	return bad ? -1 : 0;
}
