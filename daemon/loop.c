/*
 * The event loop of loaxad: one thread owns the configuration, the store and
 * the plan, and polls
 *
 *   - a timerfd on CLOCK_REALTIME (TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET)
 *     set to the next thing due: render a slot's programme (T - lead), run
 *     the pre-roll command (T - preroll), arm the player (T - 1.5 s);
 *     ECANCELED means the wall clock jumped: re-plan;
 *   - a signalfd: TERM/INT stop (a second INT exits at once), HUP reloads,
 *     CHLD reaps pre-roll commands;
 *   - the control socket and its clients;
 *   - an eventfd the render and player threads write when they have news;
 *   - a CLOCK_MONOTONIC timerfd for the systemd watchdog, when enabled.
 *
 * Idle, it sleeps until the next of those; it never polls.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "daemon/control.h"
#include "daemon/daemon.h"
#include "daemon/loop.h"
#include "playlists/playlists.h"
#include "scheduler/scheduler.h"
#include "store/store.h"
#include "tts/tts.h"

#define MAX_CLIENTS 16
#define ARM_AHEAD_MS 1500
#define MAX_MISSED_PER_SLOT 1000
#define FADE_STOP_S 0.4

extern char **environ;

struct client {
	int fd;
	struct sbuf in;
};

/*
 * A log write that failed (disk full, file system read-only): kept here,
 * in order, and tried again every few seconds until it goes in.
 */
struct pending {
	struct store_airing a;
	struct store_aired_item *items;
	size_t n;
	int64_t *queue_ids; /* queue entries to mark aired once the row is in */
	size_t n_queue;
	struct pending *next;
};

#define PENDING_RETRY_MS 5000

struct daemon {
	const char *config_arg, *state_arg;
	struct config *cfg;
	struct store *st;
	struct sched *sched;
	struct tts_lexicon *lex;
	struct workers *w;
	int sfd, tfd, wdfd, lfd, evfd;
	char *sock_path;
	int64_t started_ms;
	struct airing *airings; /* not yet logged to the end */
	int64_t preroll_for;    /* slot instant whose pre-roll ran */
	int int_count;
	int stopping;
	struct pending *pending, **pending_tail;
	struct client clients[MAX_CLIENTS];
};

void
daemon_log(int prio, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "<%d>", prio);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- airings and the log ---- */

void
airing_free(struct airing *a)
{
	if (!a)
		return;
	pl_free(a->prog);
	free(a->slot);
	free(a->program);
	free(a->queue_entries);
	free(a->asked_by);
	free(a);
}

static void
unlink_airing(struct daemon *d, struct airing *a)
{
	for (struct airing **p = &d->airings; *p; p = &(*p)->next)
		if (*p == a) {
			*p = a->next;
			break;
		}
	airing_free(a);
}

static void
add_airing(struct daemon *d, struct airing *a)
{
	struct airing **p = &d->airings;
	while (*p)
		p = &(*p)->next;
	a->next = NULL;
	*p = a;
}

/* A row for a slot instant that did not air: missed or failed before sound. */
static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void
pending_free(struct pending *p)
{
	store_airing_clear(&p->a);
	free(p->items);
	free(p->queue_ids);
	free(p);
}

/*
 * Keeps a log write that failed, to be tried again (flush_pending()); err
 * is the failure, said once (NULL: more are already waiting behind one).
 */
static void
keep_pending(struct daemon *d, const struct store_airing *a, const struct store_aired_item *items,
	     size_t n, const int64_t *queue_ids, size_t n_queue, const char *err)
{
	struct pending *p = xcalloc(1, sizeof *p);
	p->a = *a;
	p->a.slot = dup_or_null(a->slot);
	p->a.program = dup_or_null(a->program);
	p->a.status = dup_or_null(a->status);
	p->a.reason = dup_or_null(a->reason);
	p->a.audio_sha256 = dup_or_null(a->audio_sha256);
	p->items = xmemdup(items, n * sizeof *items); /* kinds are static strings */
	p->n = n;
	p->queue_ids = xmemdup(queue_ids, n_queue * sizeof *queue_ids);
	p->n_queue = n_queue;
	if (!d->pending_tail)
		d->pending_tail = &d->pending;
	*d->pending_tail = p;
	d->pending_tail = &p->next;
	if (err)
		daemon_log(3, _("cannot write the airing log (%s); the row is kept and written as soon as the disk allows"),
			   err);
}

/* Writes the kept rows, oldest first, while the store takes them. */
static void
flush_pending(struct daemon *d)
{
	char err[ERRLEN];
	int written = 0;
	while (d->pending) {
		struct pending *p = d->pending;
		int rc = store_airing_record(d->st, &p->a, p->items, p->n, err);
		if (rc < 0 && rc != STORE_EXISTS)
			break;
		for (size_t i = 0; rc == 0 && i < p->n_queue; i++)
			if (store_queue_mark_aired(d->st, p->queue_ids[i], p->a.id, err) < 0)
				daemon_log(3, "%s", err);
		d->pending = p->next;
		if (!d->pending)
			d->pending_tail = &d->pending;
		pending_free(p);
		written++;
	}
	if (written)
		daemon_log(5, _("the airing log caught up: %d kept rows written"), written);
}

static void
log_not_aired(struct daemon *d, const char *slot, const char *program, int64_t at,
	      const char *status, const char *reason)
{
	char err[ERRLEN];
	struct store_airing a = { .slot = (char *)slot, .program = (char *)program,
				  .scheduled_at = at, .status = (char *)status,
				  .reason = (char *)reason, .ended_at = time_now_ms(),
				  .normalizer_version = TTS_NORMALIZER_VERSION };
	int rc = d->pending ? -1 : store_airing_add(d->st, &a, err);
	if (rc == STORE_EXISTS)
		return;
	char when[32];
	time_format(at, "%Y-%m-%d %H:%M:%S", when, sizeof when);
	daemon_log(4, _("slot %s at %s: %s (%s)"), slot ? slot : "-", when, status, reason);
	if (rc < 0)
		keep_pending(d, &a, NULL, 0, NULL, 0, d->pending ? NULL : err);
}

/* Which bulletins the queue item of this airing takes; fills ids and entries. */
static int
pick_for(struct daemon *d, struct airing *a, const struct config_program *tpl, int64_t **ids,
	 size_t *n, char *err)
{
	struct sched_pool *pool = sched_pool_load(d->st, err);
	if (!pool)
		return -1;
	struct sched_pick *out;
	size_t left;
	sched_pool_pick(pool, tpl, a->slot, a->at_ms, 0, 0, &out, n, &left);
	*ids = xcalloc(*n + 1, sizeof **ids);
	a->queue_entries = xcalloc(2 * *n + 1, sizeof *a->queue_entries);
	for (size_t i = 0; i < *n; i++) {
		(*ids)[i] = out[i].bulletin_id;
		if (out[i].entry_id) { /* pairs: entry, bulletin */
			a->queue_entries[2 * a->n_queue_entries] = out[i].entry_id;
			a->queue_entries[2 * a->n_queue_entries + 1] = out[i].bulletin_id;
			a->n_queue_entries++;
		}
	}
	if (left)
		daemon_log(6, _("%zu bulletin(s) did not fit in programme %s and wait for the next slot"),
			   left, tpl->name);
	free(out);
	sched_pool_free(pool);
	return 0;
}

/* Plans the airing of slot i at instant t and hands it to the render thread. */
static void
plan_slot(struct daemon *d, size_t i, int64_t t)
{
	struct sched_slot *sl = &d->sched->slots[i];
	char err[ERRLEN];
	if (sl->last_ms < t)
		sl->last_ms = t; /* planned: never planned again, whatever the clock does */
	const struct config_program *tpl = config_program_find(d->cfg, sl->program);
	struct airing *a = xcalloc(1, sizeof *a);
	a->slot = xstrdup(sl->name);
	a->program = xstrdup(sl->program);
	a->at_ms = t;
	int64_t *ids;
	size_t n;
	if (!tpl || pick_for(d, a, tpl, &ids, &n, err) < 0 ||
	    !(a->prog = pl_build(d->cfg, tpl, d->st, ids, n, err))) {
		if (!tpl)
			err_set(err, _("the programme %s is not configured"), sl->program);
		log_not_aired(d, a->slot, a->program, t, "failed", err);
		if (tpl)
			free(ids);
		airing_free(a);
		return;
	}
	free(ids);
	a->state = AIRING_RENDERING;
	add_airing(d, a);
	workers_render(d->w, a);
}

/* A manual airing (loaxa air): a programme, or one bulletin. */
static int
plan_manual(struct daemon *d, const struct control_req *r, char *err)
{
	struct airing *a = xcalloc(1, sizeof *a);
	a->at_ms = time_now_ms();
	a->asap = 1;
	a->asked_by = r->by[0] ? xstrdup(r->by) : NULL;
	if (r->program[0]) {
		const struct config_program *tpl = config_program_find(d->cfg, r->program);
		if (!tpl) {
			err_set(err, _("There is no programme \"%s\" in the configuration."), r->program);
			airing_free(a);
			return -1;
		}
		a->program = xstrdup(r->program);
		int64_t *ids;
		size_t n;
		if (pick_for(d, a, tpl, &ids, &n, err) < 0) {
			airing_free(a);
			return -1;
		}
		a->prog = pl_build(d->cfg, tpl, d->st, ids, n, err);
		free(ids);
	} else {
		struct store_bulletin b;
		if (store_bulletin_get(d->st, r->bulletin, &b, err) < 0) {
			airing_free(a);
			return -1;
		}
		if (strcmp(b.state, "approved") != 0) {
			err_set(err, _("Bulletin %lld is %s; only approved bulletins air."),
				(long long)b.id, b.state);
			store_bulletin_clear(&b);
			airing_free(a);
			return -1;
		}
		a->emergency = r->emergency || strcmp(b.klass, "emergency") == 0;
		store_bulletin_clear(&b);
		a->program = xasprintf("bulletin-%lld", (long long)r->bulletin);
		a->prog = pl_build_bulletin(d->cfg, d->st, r->bulletin, err);
	}
	if (!a->prog) {
		airing_free(a);
		return -1;
	}
	a->state = AIRING_RENDERING;
	add_airing(d, a);
	workers_render(d->w, a);
	return 0;
}

/* Writes the `started` row and gives the airing to the player. */
static void
arm(struct daemon *d, struct airing *a, int64_t now)
{
	char err[ERRLEN];
	if (a->slot) {
		const struct config_slot *cs = config_slot_find(d->cfg, a->slot);
		int catch_up = cs ? cs->catch_up_minutes * 60000 : 0;
		if (now - a->at_ms > catch_up) {
			log_not_aired(d, a->slot, a->program, a->at_ms, "missed",
				      _("too late to air: past the catch-up window"));
			unlink_airing(d, a);
			return;
		}
	}
	struct store_airing row = { .slot = a->slot, .program = a->program,
				    .scheduled_at = a->at_ms, .status = (char *)"started",
				    .normalizer_version = TTS_NORMALIZER_VERSION };
	int rc = store_airing_add(d->st, &row, err);
	if (rc == STORE_EXISTS) {
		daemon_log(4, _("slot %s at this instant is already logged; not airing it again"), a->slot);
		unlink_airing(d, a);
		return;
	}
	if (rc < 0) /* the log is down (disk full?): the airing goes on, logged later if possible */
		daemon_log(3, _("cannot write the airing log: %s"), err);
	a->row = rc < 0 ? 0 : row.id;
	if (a->row && a->asked_by && store_airing_set_asked_by(d->st, a->row, a->asked_by, err) < 0)
		daemon_log(3, _("cannot write the airing log: %s"), err);
	a->state = AIRING_ARMED;
	if (a->emergency)
		workers_stop(d->w, FADE_STOP_S);
	workers_play(d->w, a);
}

static void
log_items(struct daemon *d, struct airing *a, size_t upto, int completed)
{
	char err[ERRLEN];
	for (; a->items_logged < upto && a->items_logged < pl_count(a->prog); a->items_logged++) {
		struct store_aired_item it;
		if (pl_aired_item(a->prog, a->items_logged, &it) < 0)
			continue; /* skipped: not aired */
		it.airing_id = a->row;
		it.completed = completed;
		if (a->row && store_aired_item_add(d->st, &it, err) < 0)
			daemon_log(3, _("cannot log an aired item: %s"), err);
	}
}

static void
spawn_command(const char *what, const char *cmd)
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

static void
finished(struct daemon *d, struct airing *a)
{
	char err[ERRLEN];
	int completed = strcmp(a->status, "completed") == 0;
	/*
	 * The whole airing in one write: its row and the items that aired (the
	 * one that was cut is logged, not completed).  The items logged while
	 * it played are written again, so this works whether or not they went in.
	 */
	size_t upto = a->items_done + (!completed && a->started_ms ? 1 : 0);
	struct store_aired_item *items = xcalloc(upto ? upto : 1, sizeof *items);
	size_t n = 0;
	for (size_t k = 0; k < upto && k < pl_count(a->prog); k++)
		if (pl_aired_item(a->prog, k, &items[n]) == 0) {
			items[n].completed = k < a->items_done;
			n++;
		}
	a->items_logged = upto;
	/* a queue entry is done when its bulletin aired; one left out waits */
	int64_t *queue_ids = xcalloc(a->n_queue_entries + 1, sizeof *queue_ids);
	size_t n_queue = 0;
	for (size_t i = 0; completed && i < a->n_queue_entries; i++) {
		int aired = 0;
		for (size_t k = 0; k < pl_count(a->prog); k++)
			aired |= a->prog->items[k].bulletin_id == a->queue_entries[2 * i + 1] &&
				 !a->prog->items[k].skipped;
		if (aired)
			queue_ids[n_queue++] = a->queue_entries[2 * i];
	}
	struct store_airing row = {
		.id = a->row, .slot = a->slot, .program = a->program, .scheduled_at = a->at_ms,
		.started_at = a->started_ms, .ended_at = a->ended_ms, .status = a->status,
		.reason = a->reason[0] ? a->reason : NULL,
		.lateness_ms = a->started_ms ? a->started_ms - a->at_ms : 0,
		.audio_sha256 = a->sha256[0] ? a->sha256 : NULL,
		.normalizer_version = TTS_NORMALIZER_VERSION,
	};
	int rc = d->pending ? -1 : store_airing_record(d->st, &row, items, n, err);
	if (rc == STORE_EXISTS) {
		daemon_log(3, _("slot %s at this instant was logged meanwhile: %s"), a->slot, err);
	} else if (rc < 0) {
		keep_pending(d, &row, items, n, queue_ids, n_queue, d->pending ? NULL : err);
	} else {
		a->row = row.id;
		for (size_t i = 0; i < n_queue; i++)
			if (store_queue_mark_aired(d->st, queue_ids[i], a->row, err) < 0)
				daemon_log(3, "%s", err);
	}
	free(items);
	free(queue_ids);
	daemon_log(6, _("airing %s (%s): %s%s%s"), a->slot ? a->slot : _("manual"), a->program,
		   a->status, a->reason[0] ? ": " : "", a->reason);
	if (a->slot && d->cfg->preroll.after)
		spawn_command(_("after"), d->cfg->preroll.after);
	unlink_airing(d, a);
}

static void
handle_events(struct daemon *d)
{
	uint64_t v;
	(void)!read(d->evfd, &v, sizeof v);
	struct event *e = workers_events(d->w);
	while (e) {
		struct event *next = e->next;
		struct airing *a = e->a;
		char err[ERRLEN];
		switch (e->kind) {
		case EV_RENDERED:
			if (a->render_failed) {
				if (a->slot)
					log_not_aired(d, a->slot, a->program, a->at_ms, "failed", a->render_err);
				else
					daemon_log(3, _("cannot air %s: %s"), a->program, a->render_err);
				unlink_airing(d, a);
			} else {
				a->state = AIRING_READY;
			}
			break;
		case EV_STARTED:
			a->state = AIRING_PLAYING;
			if (a->row && store_airing_set_started(d->st, a->row, a->started_ms,
							       a->started_ms - a->at_ms, err) < 0)
				daemon_log(3, "%s", err);
			break;
		case EV_ITEM:
			log_items(d, a, e->items_done, 1);
			break;
		case EV_FINISHED:
			finished(d, a);
			break;
		}
		free(e);
		e = next;
	}
}

/* ---- the plan ---- */

/* Loads per-slot watermarks from the log; logs what was missed; plans what is due. */
static void
catch_up(struct daemon *d, const char *why)
{
	char err[ERRLEN];
	int64_t now = time_now_ms();
	for (size_t i = 0; i < d->sched->n; i++) {
		struct sched_slot *sl = &d->sched->slots[i];
		int64_t last = 0, since = now;
		if (store_airing_last(d->st, sl->name, &last, err) < 0 ||
		    store_slot_since(d->st, sl->name, now, &since, err) < 0)
			daemon_log(3, "%s", err);
		if (last < since)
			last = since;
		if (sl->last_ms < last)
			sl->last_ms = last;
	}
	struct sched_due *due;
	size_t dropped;
	size_t n = sched_due(d->sched, now, now, MAX_MISSED_PER_SLOT, &due, &dropped);
	for (size_t i = 0; i < n; i++) {
		struct sched_slot *sl = &d->sched->slots[due[i].slot];
		if (due[i].action == SCHED_MISSED) {
			log_not_aired(d, sl->name, sl->program, due[i].at_ms, "missed", why);
			if (sl->last_ms < due[i].at_ms)
				sl->last_ms = due[i].at_ms;
		} else {
			plan_slot(d, due[i].slot, due[i].at_ms);
		}
	}
	if (dropped)
		daemon_log(4, _("%zu older slot instants were not logged as missed (more than %d a slot)"),
			   dropped, MAX_MISSED_PER_SLOT);
	free(due);
}

static int
next_slot(struct daemon *d, int64_t now, size_t *slot, int64_t *at)
{
	return sched_next(d->sched, now, slot, at);
}

/* Acts on everything due by now and returns the next instant to wake at (0: none). */
static int64_t
tick(struct daemon *d)
{
	int64_t now = time_now_ms();
	int64_t wake = 0;
#define WAKE(t) (wake = (!wake || (t) < wake) ? (t) : wake)
	size_t slot;
	int64_t t;
	int64_t lead = (int64_t)d->cfg->lead_seconds * 1000;
	/* plan every slot instant whose render time has come */
	while (next_slot(d, now, &slot, &t) == 0 && t - lead <= now)
		plan_slot(d, slot, t);
	if (next_slot(d, now, &slot, &t) == 0) {
		WAKE(t - lead);
		/* pre-roll for the next slot instant */
		int64_t pre = (int64_t)d->cfg->preroll.seconds * 1000;
		if (d->cfg->preroll.command && d->preroll_for != t) {
			if (t - pre <= now)
				;
			else
				WAKE(t - pre);
		}
	}
	for (struct airing *a = d->airings, *next; a; a = next) {
		next = a->next;
		if (a->slot && d->cfg->preroll.command && d->preroll_for != a->at_ms &&
		    a->state < AIRING_PLAYING) {
			int64_t pre = a->at_ms - (int64_t)d->cfg->preroll.seconds * 1000;
			if (pre <= now) {
				d->preroll_for = a->at_ms;
				spawn_command(_("pre-roll"), d->cfg->preroll.command);
			} else {
				WAKE(pre);
			}
		}
		if (a->state != AIRING_READY)
			continue;
		if (a->asap || a->at_ms - ARM_AHEAD_MS <= now)
			arm(d, a, now);
		else
			WAKE(a->at_ms - ARM_AHEAD_MS);
	}
	return wake;
#undef WAKE
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

static int
reload(struct daemon *d, char *err)
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
	catch_up(d, _("the configuration changed while the daemon was running"));
	daemon_log(6, _("configuration reloaded"));
	return 0;
}

/* ---- control socket ---- */

static int
open_socket(struct daemon *d, char *err)
{
	const char *path = d->cfg->control_socket;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		err_set(err, _("The control socket path %s is too long."), path);
		return -1;
	}
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir_p(dir, 0750, err) < 0) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		err_set(err, _("Cannot create the control socket: %s."), strerror(errno));
		return -1;
	}
	/* a socket left by a crash: take it over, unless a daemon answers there */
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		close(fd);
		err_set(err, _("Another loaxad is running on %s; stop it first."), path);
		return -1;
	}
	unlink(path);
	mode_t old = umask(0117);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc < 0 || listen(fd, 8) < 0) {
		err_set(err, _("Cannot listen on the control socket %s: %s."), path, strerror(errno));
		close(fd);
		return -1;
	}
	struct group *g = getgrnam("loaxa");
	if (g && chown(path, (uid_t)-1, g->gr_gid) < 0)
		daemon_log(4, _("cannot give the control socket to group loaxa: %s"), strerror(errno));
	chmod(path, 0660);
	d->sock_path = xstrdup(path);
	d->lfd = fd;
	return 0;
}

/*
 * Who may talk to us: root, our own user, and members of group loaxa (as
 * primary or supplementary group).  The kernel gives the peer's groups with
 * the socket (SO_PEERGROUPS): /proc/PID/status is hidden from loaxad by
 * the unit's ProtectProc=invisible.
 */
static int
peer_allowed(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof cr;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return 0;
	if (cr.uid == 0 || cr.uid == getuid())
		return 1;
	struct group *g = getgrnam("loaxa");
	if (!g)
		return 0;
	if (cr.gid == g->gr_gid)
		return 1;
	gid_t groups[256]; /* more groups than this: ERANGE, refused */
	len = sizeof groups;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return 0;
	for (size_t i = 0; i < len / sizeof *groups; i++)
		if (groups[i] == g->gr_gid)
			return 1;
	return 0;
}

static json_t *
status_json(struct daemon *d)
{
	json_t *o = json_pack("{s:b}", "ok", 1);
	json_t *playing = json_null();
	char iso[40];
	for (struct airing *a = d->airings; a; a = a->next) {
		if (a->state != AIRING_PLAYING)
			continue;
		playing = json_object();
		json_object_set_new(playing, "slot", a->slot ? json_string(a->slot) : json_null());
		json_object_set_new(playing, "program", json_string(a->program));
		json_object_set_new(playing, "position_s", json_real(workers_position(d->w)));
		json_object_set_new(playing, "length_s", json_real(pl_length(a->prog)));
		time_iso8601(a->started_ms, iso);
		json_object_set_new(playing, "started_at", json_string(iso));
		json_object_set_new(playing, "emergency", json_boolean(a->emergency));
		break;
	}
	json_object_set_new(o, "playing", playing);
	size_t slot;
	int64_t t;
	json_t *next = json_null();
	int64_t now = time_now_ms();
	/* an airing planned but not yet on air comes first */
	for (struct airing *a = d->airings; a; a = a->next)
		if (a->slot && a->state < AIRING_PLAYING && a->at_ms >= now) {
			next = json_object();
			time_iso8601(a->at_ms, iso);
			json_object_set_new(next, "at", json_string(iso));
			json_object_set_new(next, "slot", json_string(a->slot));
			json_object_set_new(next, "program", json_string(a->program));
			break;
		}
	if (json_is_null(next) && next_slot(d, now, &slot, &t) == 0) {
		next = json_object();
		time_iso8601(t, iso);
		json_object_set_new(next, "at", json_string(iso));
		json_object_set_new(next, "slot", json_string(d->sched->slots[slot].name));
		json_object_set_new(next, "program", json_string(d->sched->slots[slot].program));
	}
	json_object_set_new(o, "next", next);
	json_object_set_new(o, "config", d->cfg->path ? json_string(d->cfg->path) : json_null());
	json_object_set_new(o, "state_dir", json_string(d->cfg->state_dir));
	json_object_set_new(o, "version", json_string(LOAXA_VERSION));
	return o;
}

static json_t *
handle_request(struct daemon *d, const char *line, size_t len)
{
	char err[ERRLEN];
	struct control_req r;
	if (control_parse(line, len, &r, err) < 0)
		return json_pack("{s:b,s:s}", "ok", 0, "error", err);
	switch (r.cmd) {
	case CONTROL_STATUS:
		return status_json(d);
	case CONTROL_AIR:
		if (plan_manual(d, &r, err) < 0)
			return json_pack("{s:b,s:s}", "ok", 0, "error", err);
		return json_pack("{s:b,s:s}", "ok", 1, "message",
				 r.emergency ? _("emergency airing: it cuts what is on air")
					     : _("airing as soon as the player is free"));
	case CONTROL_STOP: {
		int any = 0;
		for (struct airing *a = d->airings; a; a = a->next)
			any |= a->state == AIRING_PLAYING;
		if (!any)
			return json_pack("{s:b,s:s}", "ok", 1, "message", _("nothing is airing"));
		workers_stop(d->w, FADE_STOP_S);
		return json_pack("{s:b,s:s}", "ok", 1, "message", _("stopped; logged as interrupted"));
	}
	case CONTROL_RELOAD:
		if (reload(d, err) < 0)
			return json_pack("{s:b,s:s}", "ok", 0, "error", err);
		return json_pack("{s:b,s:s}", "ok", 1, "message", _("configuration reloaded"));
	case CONTROL_REPLAN:
		return json_pack("{s:b}", "ok", 1);
	}
	return json_pack("{s:b}", "ok", 0);
}

static void
client_close(struct client *c)
{
	close(c->fd);
	c->fd = -1;
	sbuf_free(&c->in);
}

static void
client_reply(struct client *c, json_t *ans)
{
	char *s = json_dumps(ans, JSON_COMPACT);
	json_decref(ans);
	char *line = xasprintf("%s\n", s);
	/* replies are small; a client that does not read them loses them */
	(void)!write(c->fd, line, strlen(line));
	free(line);
	free(s);
}

static void
client_input(struct daemon *d, struct client *c)
{
	char buf[4096];
	ssize_t n = read(c->fd, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	sbuf_add(&c->in, buf, (size_t)n);
	char *nl = memchr(c->in.s, '\n', c->in.len);
	if (!nl) {
		if (c->in.len > CONTROL_MAX_REQUEST) {
			client_reply(c, json_pack("{s:b,s:s}", "ok", 0, "error",
						  _("The request is too large.")));
			client_close(c);
		}
		return;
	}
	client_reply(c, handle_request(d, c->in.s, (size_t)(nl - c->in.s)));
	client_close(c);
}

static void
accept_client(struct daemon *d)
{
	int fd = accept4(d->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (!peer_allowed(fd)) {
		static const char msg[] = "{\"ok\":false,\"error\":\"not allowed: join group loaxa\"}\n";
		(void)!write(fd, msg, sizeof msg - 1);
		close(fd);
		return;
	}
	struct client *slot = NULL;
	for (int i = 0; i < MAX_CLIENTS && !slot; i++)
		if (d->clients[i].fd < 0)
			slot = &d->clients[i];
	if (!slot) { /* full: the oldest idle client gives way */
		slot = &d->clients[0];
		client_close(slot);
	}
	slot->fd = fd;
}

/* ---- signals ---- */

static void
handle_signal(struct daemon *d)
{
	struct signalfd_siginfo si;
	while (read(d->sfd, &si, sizeof si) == sizeof si) {
		char err[ERRLEN];
		switch (si.ssi_signo) {
		case SIGHUP:
			sd_notify(0, "RELOADING=1");
			reload(d, err);
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

int
daemon_run(const char *config_arg, const char *state_arg)
{
	struct daemon dd = { .config_arg = config_arg, .state_arg = state_arg,
			     .sfd = -1, .tfd = -1, .wdfd = -1, .lfd = -1, .evfd = -1 };
	struct daemon *d = &dd;
	char err[ERRLEN];
	int rc = 1;
	for (int i = 0; i < MAX_CLIENTS; i++)
		d->clients[i].fd = -1;
	d->started_ms = time_now_ms();
	/*
	 * Signals are blocked first of all, before any library starts a thread
	 * (espeak-ng's check, PortAudio): every thread inherits the mask, so
	 * a SIGTERM during start-up waits for the signalfd instead of killing
	 * the process on whichever thread it lands.
	 */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
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
	int n = 0;
	if (store_airing_recover(d->st, _("daemon stopped"), time_now_ms(), &n, err) < 0)
		daemon_log(3, "%s", err);
	else if (n)
		daemon_log(4, _("%d airing(s) cut by the last stop are logged as interrupted"), n);

	d->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d->tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	d->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->sfd < 0 || d->tfd < 0 || d->evfd < 0) {
		daemon_log(3, "%s", strerror(errno));
		goto out;
	}
	uint64_t wd_usec = 0;
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec) {
		d->wdfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		struct itimerspec its = { .it_interval = { (time_t)(wd_usec / 2000000),
							   (long)((wd_usec / 2) % 1000000) * 1000 } };
		its.it_value = its.it_interval;
		timerfd_settime(d->wdfd, 0, &its, NULL);
	}
	if (open_socket(d, err) < 0) {
		daemon_log(3, "%s", err);
		goto out;
	}
	d->w = workers_new(d->evfd);
	workers_set_config(d->w, d->cfg, d->lex);
	catch_up(d, _("the daemon was not running"));

	daemon_log(6, _("loaxad %s ready: configuration %s, state %s, control %s"), LOAXA_VERSION,
		   d->cfg->path ? d->cfg->path : _("(built-in defaults)"), d->cfg->state_dir,
		   d->sock_path);
	sd_notify(0, "READY=1");
	while (!d->stopping) {
		if (d->pending)
			flush_pending(d);
		set_timer(d, tick(d));
		struct pollfd p[5 + MAX_CLIENTS];
		int np = 0;
		p[np++] = (struct pollfd){ .fd = d->sfd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = d->tfd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = d->evfd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = d->lfd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = d->wdfd, .events = POLLIN };
		for (int i = 0; i < MAX_CLIENTS; i++)
			p[np++] = (struct pollfd){ .fd = d->clients[i].fd, .events = POLLIN };
		if (poll(p, (nfds_t)np, d->pending ? PENDING_RETRY_MS : -1) < 0) {
			if (errno != EINTR)
				daemon_log(3, "poll: %s", strerror(errno));
			continue;
		}
		if (p[0].revents)
			handle_signal(d);
		if (p[1].revents) {
			uint64_t v;
			if (read(d->tfd, &v, sizeof v) < 0 && errno == ECANCELED) {
				daemon_log(4, _("the wall clock was changed: re-planning"));
				catch_up(d, _("the wall clock jumped over it"));
			}
		}
		if (p[2].revents)
			handle_events(d);
		if (p[3].revents)
			accept_client(d);
		if (p[4].revents) {
			uint64_t v;
			(void)!read(d->wdfd, &v, sizeof v);
			sd_notify(0, "WATCHDOG=1");
		}
		for (int i = 0; i < MAX_CLIENTS; i++)
			if (p[5 + i].revents && d->clients[i].fd >= 0)
				client_input(d, &d->clients[i]);
	}
	sd_notify(0, "STOPPING=1");
	daemon_log(6, _("loaxad stopping"));
	rc = 0;
out:
	if (d->w) {
		workers_stop(d->w, FADE_STOP_S);
		workers_free(d->w); /* posts nothing more; finish what it reported */
		d->w = NULL;
	}
	/* airings on the player when we stop: cut, and logged so */
	while (d->airings) {
		struct airing *a = d->airings;
		if (a->row && d->st) {
			if (!a->status[0]) {
				strcpy(a->status, "interrupted");
				snprintf(a->reason, sizeof a->reason, "%s", _("daemon stopped"));
				a->ended_ms = time_now_ms();
			}
			finished(d, a);
		} else {
			unlink_airing(d, a);
		}
	}
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (d->clients[i].fd >= 0)
			client_close(&d->clients[i]);
	if (d->lfd >= 0) {
		close(d->lfd);
		unlink(d->sock_path);
	}
	free(d->sock_path);
	if (d->sfd >= 0)
		close(d->sfd);
	if (d->tfd >= 0)
		close(d->tfd);
	if (d->wdfd >= 0)
		close(d->wdfd);
	if (d->evfd >= 0)
		close(d->evfd);
	flush_pending(d);
	for (struct pending *p = d->pending, *next; p; p = next) {
		next = p->next;
		char when[32];
		time_format(p->a.scheduled_at, "%Y-%m-%d %H:%M:%S", when, sizeof when);
		daemon_log(2, _("the airing log could not be written: slot %s at %s, %s, %zu items aired"),
			   p->a.slot ? p->a.slot : _("manual"), when, p->a.status, p->n);
		pending_free(p);
	}
	tts_done(); /* the workers are stopped: no job is left */
	store_close(d->st);
	sched_free(d->sched);
	tts_lexicon_free(d->lex);
	config_free(d->cfg);
	return rc;
}
