/*
 * ops — the queue: asking for an approved bulletin in a slot, at a slot's
 * instant, or in the next slot, and taking the request back.  A request
 * is answered with where and when the bulletin will air (the slot and its
 * local time), so that nobody learns only afterwards that 06:05 meant the
 * evening: a time no slot falls at is refused, naming the nearest slots
 * (`loaxa air ID --at` airs at any time).  Written from cli/cmd_queue.c,
 * whose rules these are.
 */
#include "ops/ops.h"

#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "scheduler/scheduler.h"
#include "store/store.h"

#define DAY_MS 86400000LL
#define MAX_DAYS 366

/* 1 if the slot's programme takes queued bulletins (has a queue item). */
static int
takes_queue(const struct config *cfg, const char *slot)
{
	const struct config_slot *cs = config_slot_find(cfg, slot);
	const struct config_program *p = cs ? config_program_find(cfg, cs->program) : NULL;
	for (size_t i = 0; p && i < p->n_items; i++)
		if (p->items[i].kind == CONFIG_ITEM_QUEUE)
			return 1;
	return 0;
}

/* The first instant of slot i strictly after after_ms, or -1. */
static int64_t
next_of(const struct sched *s, size_t i, int64_t after_ms)
{
	int64_t t = sched_cal_next(s->slots[i].cal, after_ms / 1000);
	return t < 0 ? -1 : t * 1000;
}

/* The last instant of slot i before ms (looked for over the week before), or -1. */
static int64_t
prev_of(const struct sched *s, size_t i, int64_t ms)
{
	int64_t last = -1, t = ms - 7 * DAY_MS;
	for (int k = 0; k < 10000 && (t = next_of(s, i, t)) >= 0 && t < ms; k++)
		last = t;
	return last;
}

/* "sang at 06:00 27/11" into sb. */
static void
add_instant(struct sbuf *sb, const char *slot, int64_t t, int64_t now)
{
	char when[64];
	ops_when(t, now, when, sizeof when);
	sbuf_addf(sb, _("%s at %s"), slot, when);
}

/*
 * The slot whose instant falls in the minute `at` (the higher priority on
 * a tie); -1 with a sentence naming the nearest slot instants before and
 * after it when none does.
 */
static int
slot_at(const struct config *cfg, const struct sched *s, int64_t at, const char *at_text,
	int64_t now, size_t *slot, int64_t *t_out, char *err)
{
	int found = 0;
	int64_t before = -1, after = -1;
	size_t ib = 0, ia = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (!takes_queue(cfg, s->slots[i].name))
			continue;
		int64_t t = next_of(s, i, at - 1000);
		if (t >= at && t < at + 60000) {
			if (!found || s->slots[i].priority > s->slots[*slot].priority) {
				*slot = i;
				*t_out = t;
			}
			found = 1;
		}
		if (t >= 0 && (after < 0 || t < after)) {
			after = t;
			ia = i;
		}
		int64_t p = prev_of(s, i, at);
		if (p > now && (before < 0 || p > before)) {
			before = p;
			ib = i;
		}
	}
	if (found)
		return 0;
	struct sbuf sb = { 0 };
	if (before >= 0)
		add_instant(&sb, s->slots[ib].name, before, now);
	if (before >= 0 && after >= 0)
		sbuf_addf(&sb, "%s", _(" and "));
	if (after >= 0)
		add_instant(&sb, s->slots[ia].name, after, now);
	if (sb.s)
		err_set(err, _("No slot airs queued bulletins at %s; the nearest are %s. Queue it for one of them, or air it at that time with 'loaxa air ID --at \"%s\"'."),
			at_text, sb.s, at_text);
	else
		err_set(err, _("No slot airs queued bulletins at %s, nor after it; air it at that time with 'loaxa air ID --at \"%s\"'."),
			at_text, at_text);
	sbuf_free(&sb);
	return -1;
}

int
ops_bulletin_airable(struct ops *o, int64_t bulletin_id, char *err)
{
	struct store_bulletin b;
	int rc = store_bulletin_get(o->st, bulletin_id, &b, err);
	if (rc < 0)
		return rc == STORE_NOTFOUND ? OPS_NOTFOUND : OPS_ERROR;
	if (strcmp(b.state, "approved") != 0) {
		err_set(err, _("Bulletin %lld is %s; only approved bulletins air ('loaxa bulletin approve %lld')."),
			(long long)bulletin_id, _(b.state), (long long)bulletin_id);
		rc = OPS_REFUSED;
	}
	store_bulletin_clear(&b);
	return rc < 0 ? rc : 0;
}

/* Fills where[] (at most max) with the instants asked for; OPS_* with err. */
static int
resolve(struct ops *o, const struct sched *s, const char *slot, const char *at, int days,
	int64_t now, struct ops_queue_where *where, size_t max, size_t *n, char *err)
{
	const struct config *cfg = o->cfg;
	/* an instant inside the lead time is being prepared already: its picks are made */
	int64_t from = now + (int64_t)cfg->lead_seconds * 1000;
	*n = 0;
	if (at) {
		int64_t at_ms, t = 0;
		size_t i = 0;
		if (time_parse_local(at, &at_ms, err) < 0)
			return OPS_INVALID;
		if (at_ms < now - 60000) {
			err_set(err, _("%s is in the past; give a time to come."), at);
			return OPS_INVALID;
		}
		if (slot_at(cfg, s, at_ms, at, now, &i, &t, err) < 0)
			return OPS_INVALID;
		if (t <= from) {
			err_set(err, _("The programme of slot %s at %s is being prepared already; air the bulletin with 'loaxa air' instead."),
				s->slots[i].name, at);
			return OPS_REFUSED;
		}
		for (int d = 0; d < (days ? days : 1) && *n < max; d++) {
			int64_t td = next_of(s, i, t + d * DAY_MS - 1000);
			if (td < 0 || td >= t + d * DAY_MS + 60000) {
				char when[64];
				ops_when(t + d * DAY_MS, now, when, sizeof when);
				err_set(err, _("Slot %s does not fall at %s."), s->slots[i].name, when);
				return OPS_INVALID;
			}
			where[*n].slot = s->slots[i].name;
			where[*n].at_ms = td;
			where[*n].one_off = 1;
			(*n)++;
		}
		return 0;
	}
	if (slot) {
		size_t i = 0;
		while (i < s->n && strcmp(s->slots[i].name, slot) != 0)
			i++;
		if (i == s->n || !takes_queue(cfg, slot)) {
			err_set(err, i == s->n ? _("Slot %s never falls again.")
					       : _("The programme of slot %s has no queue item: a queued bulletin never airs there."),
				slot);
			return OPS_INVALID;
		}
		int64_t first = next_of(s, i, from);
		if (first < 0) {
			err_set(err, _("Slot %s never falls again."), slot);
			return OPS_INVALID;
		}
		for (int64_t t = first; t >= 0 && *n < max && (days ? t < first + days * DAY_MS : !*n);
		     t = next_of(s, i, t)) {
			where[*n].slot = s->slots[i].name;
			where[*n].at_ms = t;
			where[*n].one_off = days > 0;
			(*n)++;
		}
		return 0;
	}
	/* the next slot whose programme takes queued bulletins */
	int64_t best = -1;
	size_t bi = 0;
	for (size_t i = 0; i < s->n; i++) {
		int64_t t = takes_queue(cfg, s->slots[i].name) ? next_of(s, i, from) : -1;
		if (t >= 0 && (best < 0 || t < best ||
			       (t == best && s->slots[i].priority > s->slots[bi].priority))) {
			best = t;
			bi = i;
			where[0].slot = s->slots[i].name;
			where[0].at_ms = t;
			where[0].one_off = 0;
			*n = 1;
		}
	}
	if (!*n) {
		err_set(err, _("No slot that airs queued bulletins falls again; add one to the configuration."));
		return OPS_INVALID;
	}
	return 0;
}

int
ops_queue_request(struct ops *o, int64_t bulletin_id, const char *slot, const char *at, int days,
		  const char *zones, const char *who, struct ops_queue_where **out, size_t *n,
		  char *err)
{
	const struct config *cfg = o->cfg;
	*out = NULL;
	*n = 0;
	if (slot && at) {
		err_set(err, _("give --slot or --at, not both"));
		return OPS_INVALID;
	}
	if (days < 0 || days > MAX_DAYS) {
		err_set(err, _("--days is a number of days from 1 to %d."), MAX_DAYS);
		return OPS_INVALID;
	}
	if (days && !slot && !at) {
		err_set(err, _("--days needs --slot NAME (or --at): the slot to ask for each day."));
		return OPS_INVALID;
	}
	if (slot && !config_slot_find(cfg, slot)) {
		struct sbuf names = { 0 };
		for (size_t i = 0; i < cfg->n_slots; i++)
			sbuf_addf(&names, "%s%s", i ? ", " : "", cfg->slots[i].name);
		err_set(err, _("There is no slot \"%s\"; the slots are: %s."), slot,
			names.s ? names.s : "-");
		sbuf_free(&names);
		return OPS_INVALID;
	}
	int64_t at_ms;
	if (at && time_parse_local(at, &at_ms, err) < 0)
		return OPS_INVALID;
	char *to = NULL;
	if (zones && ops_zones_parse(cfg, zones, &to, err) < 0)
		return OPS_INVALID;
	int rc = ops_bulletin_airable(o, bulletin_id, err);
	struct sched *s = rc < 0 ? NULL : sched_new(cfg, err);
	if (!s) {
		free(to);
		return rc < 0 ? rc : OPS_INVALID;
	}
	size_t max = days ? (size_t)days * 48 : 1;
	struct ops_queue_where *w = xcalloc(max, sizeof *w);
	int64_t now = time_now_ms();
	rc = resolve(o, s, slot, at, days, now, w, max, n, err);
	sched_free(s); /* the slot names it gave are the configuration's */
	if (rc < 0) {
		free(w);
		free(to);
		*n = 0;
		return rc;
	}
	for (size_t i = 0; i < *n; i++) {
		/* "next slot" and "next airing of a slot" stay open: a cut or full airing passes them on */
		struct store_queue_entry e = { .bulletin_id = bulletin_id,
					       .slot = w[i].one_off || slot ? (char *)w[i].slot : NULL,
					       .at_ms = w[i].one_off ? w[i].at_ms : 0,
					       .by = (char *)who, .zones = to };
		if (store_queue_add(o->st, &e, err) < 0) {
			rc = OPS_ERROR;
			*n = i; /* those before it went in */
			break;
		}
		w[i].entry = e.id;
	}
	free(to);
	if (rc < 0 && !*n) {
		free(w);
		return rc;
	}
	ops_daemon_poke(cfg);
	*out = w;
	return rc;
}

int
ops_queue_add(struct ops *o, int64_t bulletin_id, const char *slot, const char *at,
	      const char *zones, const char *who, int64_t *entry, char *err)
{
	struct ops_queue_where *w;
	size_t n;
	int rc = ops_queue_request(o, bulletin_id, slot, at, 0, zones, who, &w, &n, err);
	if (rc < 0) {
		free(w);
		return rc;
	}
	*entry = w[0].entry;
	free(w);
	return 0;
}

int
ops_queue_expired(const struct config *cfg, const struct store_queue_entry *e, int64_t now)
{
	if (!e->at_ms || !e->slot)
		return 0;
	const struct config_slot *cs = config_slot_find(cfg, e->slot);
	int64_t window = cs ? (int64_t)cs->catch_up_minutes * 60000 : 0;
	return e->at_ms + window < now;
}

int
ops_queue_remove(struct ops *o, int64_t entry, char *err)
{
	int rc = store_queue_remove(o->st, entry, err);
	if (rc < 0)
		return rc == STORE_NOTFOUND ? OPS_NOTFOUND : OPS_ERROR;
	ops_daemon_poke(o->cfg);
	return 0;
}
