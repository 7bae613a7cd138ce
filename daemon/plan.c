/*
 * Planning and arming.  At T - lead a slot instant becomes an airing: the
 * scheduler picks its bulletins, playlists builds the programme, and the
 * render thread renders it.  At T - 1.5 s the rendered airing gets its
 * `started` row and goes to the player, which starts it at T.  A manual
 * airing (loaxa air) goes the same way, as soon as the player is free.
 * Whether a late instant still airs is the scheduler's decision
 * (sched_late(), sched_due()); this file acts on it.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "daemon/control.h"
#include "daemon/daemon.h"
#include "playlists/playlists.h"
#include "scheduler/scheduler.h"
#include "store/store.h"

#define ARM_AHEAD_MS 1500
#define MAX_MISSED_PER_SLOT 1000

void
airing_free(struct airing *a)
{
	if (!a)
		return;
	pl_free(a->prog);
	free(a->slot);
	free(a->program);
	free(a->queue_entries);
	free(a);
}

void
plan_unlink(struct daemon *d, struct airing *a)
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
		airlog_not_aired(d, a->slot, a->program, t, "failed", err);
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

int
plan_manual(struct daemon *d, const struct control_req *r, char *err)
{
	struct airing *a = xcalloc(1, sizeof *a);
	a->at_ms = time_now_ms();
	a->asap = 1;
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
	if (a->slot) {
		const struct config_slot *cs = config_slot_find(d->cfg, a->slot);
		int catch_up = cs ? cs->catch_up_minutes * 60000 : 0;
		if (sched_late(a->at_ms, catch_up, now) == SCHED_MISSED) {
			airlog_not_aired(d, a->slot, a->program, a->at_ms, "missed",
					 _("too late to air: past the catch-up window"));
			plan_unlink(d, a);
			return;
		}
	}
	if (airlog_open(d, a) == STORE_EXISTS) {
		daemon_log(4, _("slot %s at this instant is already logged; not airing it again"), a->slot);
		plan_unlink(d, a);
		return;
	}
	a->state = AIRING_ARMED;
	if (a->emergency)
		workers_stop(d->w, DAEMON_FADE_S);
	workers_play(d->w, a);
}

void
plan_rendered(struct daemon *d, struct airing *a)
{
	if (!a->render_failed) {
		a->state = AIRING_READY;
		return;
	}
	if (a->slot)
		airlog_not_aired(d, a->slot, a->program, a->at_ms, "failed", a->render_err);
	else
		daemon_log(3, _("cannot air %s: %s"), a->program, a->render_err);
	plan_unlink(d, a);
}

void
plan_finished(struct daemon *d, struct airing *a)
{
	airlog_finish(d, a);
	if (a->slot && d->cfg->preroll.after)
		daemon_spawn(_("after"), d->cfg->preroll.after);
	plan_unlink(d, a);
}

void
plan_catch_up(struct daemon *d, const char *why)
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
			airlog_not_aired(d, sl->name, sl->program, due[i].at_ms, "missed", why);
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

int
plan_next(struct daemon *d, int64_t now, size_t *slot, int64_t *at)
{
	return sched_next(d->sched, now, slot, at);
}

int64_t
plan_tick(struct daemon *d)
{
	int64_t now = time_now_ms();
	int64_t wake = 0;
#define WAKE(t) (wake = (!wake || (t) < wake) ? (t) : wake)
	size_t slot;
	int64_t t;
	int64_t lead = (int64_t)d->cfg->lead_seconds * 1000;
	/* plan every slot instant whose render time has come */
	while (plan_next(d, now, &slot, &t) == 0 && t - lead <= now)
		plan_slot(d, slot, t);
	if (plan_next(d, now, &slot, &t) == 0) {
		WAKE(t - lead);
		/* pre-roll for the next slot instant */
		int64_t pre = (int64_t)d->cfg->preroll.seconds * 1000;
		if (d->cfg->preroll.command && d->preroll_for != t && t - pre > now)
			WAKE(t - pre);
	}
	for (struct airing *a = d->airings, *next; a; a = next) {
		next = a->next;
		if (a->slot && d->cfg->preroll.command && d->preroll_for != a->at_ms &&
		    a->state < AIRING_PLAYING) {
			int64_t pre = a->at_ms - (int64_t)d->cfg->preroll.seconds * 1000;
			if (pre <= now) {
				d->preroll_for = a->at_ms;
				daemon_spawn(_("pre-roll"), d->cfg->preroll.command);
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
