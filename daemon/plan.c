/*
 * Planning and arming.  At T - lead a slot instant becomes an airing: the
 * scheduler picks its bulletins, playlists builds the programme, and the
 * render thread renders it.  At T - 1.5 s the rendered airing gets its
 * `started` row and goes to the player, which starts it at T.  A manual
 * airing (loaxa air) goes the same way, as soon as the player is free.
 *
 * One airing is on the player at a time (an emergency pre-empts it, and so
 * does a live announcement, loaxa live: the microphone as a line-in relay).  A
 * slot instant that comes while another programme is on air waits for the
 * player only while it stays inside its catch-up window, measured from its
 * own instant (sched_late()), wait included; past that it is logged missed,
 * once, naming what kept the player busy.  A newer instant of the same slot
 * replaces an older one that has not started, so overdue instants never
 * pile up.  An airing that never started is never `interrupted`.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "daemon/control.h"
#include "daemon/daemon.h"
#include "playlists/playlists.h"
#include "reports/reports.h"
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
	free(a->asked_by);
	zones_target_free(a->zones);
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

static const char *const state_names[] = {
	[AIRING_PLANNED] = "planned", [AIRING_RENDERING] = "rendering", [AIRING_READY] = "ready",
	[AIRING_ARMED] = "armed",     [AIRING_PLAYING] = "playing",     [AIRING_DONE] = "done",
};

void
plan_in_flight(struct daemon *d, plan_flight_fn fn, void *arg)
{
	for (struct airing *a = d->airings; a; a = a->next) {
		size_t n = a->prog ? pl_count(a->prog) : 0, nb = 0;
		int64_t *ids = xcalloc(n + 1, sizeof *ids);
		int64_t *entries = xcalloc(a->n_queue_entries + 1, sizeof *entries);
		for (size_t i = 0; i < n; i++) {
			const struct pl_item *it = &a->prog->items[i];
			/* what rendering left out does not air; before it is rendered all may */
			if (it->kind == PL_BULLETIN && (a->state < AIRING_READY || !it->skipped))
				ids[nb++] = it->bulletin_id;
		}
		for (size_t i = 0; i < a->n_queue_entries; i++)
			entries[i] = a->queue_entries[2 * i];
		fn(arg, a->slot, a->program, a->at_ms, state_names[a->state], ids, nb, entries,
		   a->n_queue_entries);
		free(ids);
		free(entries);
	}
	airlog_in_flight(d, fn, arg);
}

static void
count_in_flight(void *arg, const char *slot, const char *program, int64_t at_ms, const char *state,
		const int64_t *bulletins, size_t nb, const int64_t *entries, size_t ne)
{
	sched_pool_count(arg, bulletins, nb, entries, ne);
}

/*
 * Which bulletins the queue item of this airing takes; fills ids and
 * entries.  What is planned or playing counts as aired, as the log will
 * count it, so slots that fall inside the lead time do not all take the
 * same bulletins.
 */
static int
pick_for(struct daemon *d, struct airing *a, const struct config_program *tpl, int64_t **ids,
	 size_t *n, char *err)
{
	struct sched_pool *pool = sched_pool_load(d->st, err);
	if (!pool)
		return -1;
	plan_in_flight(d, count_in_flight, pool);
	if (a->zones)
		sched_pool_zones(pool, (const char *const *)a->zones->zone, a->zones->n);
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
	const struct config_slot *cs = config_slot_find(d->cfg, sl->name);
	a->zones = zones_for_names(d->cfg, cs ? (const char *const *)cs->zones : NULL, err);
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

/*
 * The programme of a manual airing of one bulletin: the bulletin, after
 * the alert tone (emergency_jingle) when it is an emergency.  A tone that
 * cannot be used is said in the log and left out: the emergency airs.
 */
static struct pl_program *
build_bulletin(struct daemon *d, int64_t id, int emergency, char *err)
{
	const char *jingle = d->cfg->emergency_jingle;
	if (!emergency || !jingle)
		return pl_build_bulletin(d->cfg, d->st, id, err);
	char name[32], e2[ERRLEN];
	snprintf(name, sizeof name, "bulletin-%lld", (long long)id);
	struct config_item items[2] = {
		{ .kind = CONFIG_ITEM_CLIP, .clip = (char *)jingle },
		{ .kind = CONFIG_ITEM_BULLETIN, .bulletin = id },
	};
	struct config_program tpl = { .name = name, .items = items, .n_items = 2 };
	struct pl_program *p = pl_build(d->cfg, &tpl, d->st, NULL, 0, e2);
	if (p)
		return p;
	daemon_log(4, _("the alert tone %s is left out of emergency bulletin %lld: %s"), jingle,
		   (long long)id, e2);
	return pl_build_bulletin(d->cfg, d->st, id, err);
}

/*
 * One bulletin aired by hand: now (asap), or at at_ms for a stored request;
 * to zones "thon-1,thon-3" (NULL: every zone).  NULL with err when it may
 * not air.
 */
static struct airing *
bulletin_airing(struct daemon *d, int64_t id, int emergency, int64_t at_ms, const char *by,
		const char *zones, char *err)
{
	struct store_bulletin b;
	if (store_bulletin_get(d->st, id, &b, err) < 0)
		return NULL;
	if (strcmp(b.state, "approved") != 0) {
		err_set(err, _("Bulletin %lld is %s; only approved bulletins air."), (long long)b.id,
			b.state);
		store_bulletin_clear(&b);
		return NULL;
	}
	struct airing *a = xcalloc(1, sizeof *a);
	a->emergency = emergency || strcmp(b.klass, "emergency") == 0;
	store_bulletin_clear(&b);
	a->at_ms = at_ms ? at_ms : time_now_ms();
	a->asap = !at_ms;
	a->asked_by = by && *by ? xstrdup(by) : NULL;
	a->zones = zones_for_list(d->cfg, zones, err);
	if (a->zones == ZONES_BAD) {
		a->zones = NULL;
		airing_free(a);
		return NULL;
	}
	a->bulletin = id;
	a->program = xasprintf("bulletin-%lld", (long long)id);
	a->prog = build_bulletin(d, id, a->emergency, err);
	if (!a->prog) {
		airing_free(a);
		return NULL;
	}
	return a;
}

int
plan_manual(struct daemon *d, const struct control_req *r, struct airing **out, char *err)
{
	struct airing *a;
	if (r->program[0]) {
		const struct config_program *tpl = config_program_find(d->cfg, r->program);
		if (!tpl) {
			err_set(err, _("There is no programme \"%s\" in the configuration."), r->program);
			return -1;
		}
		a = xcalloc(1, sizeof *a);
		a->at_ms = time_now_ms();
		a->asap = 1;
		a->asked_by = r->by[0] ? xstrdup(r->by) : NULL;
		a->program = xstrdup(r->program);
		a->zones = zones_for_list(d->cfg, r->zones, err);
		if (a->zones == ZONES_BAD) {
			a->zones = NULL;
			airing_free(a);
			return -1;
		}
		int64_t *ids;
		size_t n;
		if (pick_for(d, a, tpl, &ids, &n, err) < 0) {
			airing_free(a);
			return -1;
		}
		a->prog = pl_build(d->cfg, tpl, d->st, ids, n, err);
		free(ids);
		if (!a->prog) {
			airing_free(a);
			return -1;
		}
	} else if (!(a = bulletin_airing(d, r->bulletin, r->emergency, 0, r->by, r->zones, err))) {
		return -1;
	}
	a->state = AIRING_RENDERING;
	add_airing(d, a);
	workers_render(d->w, a);
	*out = a;
	return 0;
}

/*
 * Where a live announcement starting now is recorded:
 * STATE_DIR/recordings/live-YYYYMMDD-HHMMSS.wav in local time, with -2,
 * -3... when that name is taken.
 */
static int
file_exists_part(const char *path)
{
	char *part = xasprintf("%s.part", path);
	int there = access(part, F_OK) == 0;
	free(part);
	return there;
}

static char *
recording_path(struct daemon *d)
{
	char stamp[32];
	time_format(time_now_ms(), "%Y%m%d-%H%M%S", stamp, sizeof stamp);
	char *path = xasprintf("%s/%s/live-%s.wav", d->cfg->state_dir, DAEMON_RECORDINGS, stamp);
	for (int i = 2; access(path, F_OK) == 0 || file_exists_part(path); i++) {
		free(path);
		path = xasprintf("%s/%s/live-%s-%d.wav", d->cfg->state_dir, DAEMON_RECORDINGS, stamp, i);
	}
	return path;
}

/*
 * The programme of a live announcement: the opening jingle (live_jingle),
 * the microphone as a line-in relay of that device, the closing jingle
 * (live_end_jingle); the jingles are left out, and that said in the log,
 * when they cannot be used.  Logged as kind relay with source
 * "live:DEVICE" (the aired_items CHECK knows no kind live).
 */
static struct pl_program *
build_live(struct daemon *d, const struct control_req *r, char *err)
{
	const char *jingle = d->cfg->live_jingle, *end = d->cfg->live_end_jingle;
	struct config_item items[3];
	size_t n = 0, mic;
	if (jingle)
		items[n++] = (struct config_item){ .kind = CONFIG_ITEM_CLIP, .clip = (char *)jingle };
	mic = n;
	items[n++] = (struct config_item){ .kind = CONFIG_ITEM_STREAM, .line_in = 1,
					   .minutes = r->minutes };
	if (end)
		items[n++] = (struct config_item){ .kind = CONFIG_ITEM_CLIP, .clip = (char *)end };
	struct config_program tpl = { .name = (char *)"live", .items = items, .n_items = n };
	char e2[ERRLEN];
	struct pl_program *p = NULL;
	if (n > 1 && !(p = pl_build(d->cfg, &tpl, d->st, NULL, 0, e2)))
		daemon_log(4, _("the live jingles are left out: %s"), e2);
	if (!p) {
		tpl.items = items + mic;
		tpl.n_items = 1;
		mic = 0;
		if (!(p = pl_build(d->cfg, &tpl, d->st, NULL, 0, err)))
			return NULL;
	}
	for (size_t i = 0; i < p->n; i++)
		if (i != mic && p->items[i].skipped)
			daemon_log(4, _("the live jingle %s is left out: %s"), p->items[i].label,
				   p->items[i].skipped);
	struct pl_item *it = &p->items[mic];
	const char *dev = config_mic_device(d->cfg);
	free(it->device);
	free(it->url);
	free(it->label);
	it->device = dev ? xstrdup(dev) : NULL;
	it->url = xasprintf("live:%s", dev ? dev : "default");
	it->label = xstrdup(r->title[0] ? r->title : it->url);
	it->recording = recording_path(d);
	it->highpass_hz = d->cfg->live.highpass_hz;
	return p;
}

int
plan_live(struct daemon *d, const struct control_req *r, struct airing **out, char *err)
{
	for (struct airing *a = d->airings; a; a = a->next)
		if (a->live && a->state != AIRING_DONE) {
			err_set(err, _("A live announcement is already on air; end it with 'loaxa stop' first."));
			return -1;
		}
	/*
	 * Only an emergency cuts what airs: a normal live announcement is
	 * refused while something is on the player (the operator waits for
	 * its end, or cuts in with --class emergency); waiting unheard at an
	 * open microphone for a programme to end would help nobody.
	 */
	struct airing *on = plan_on_player(d);
	if (on && !r->emergency) {
		char prog[64];
		err_set(err, _("%s is on air; a live announcement does not cut it.  Try again when it ends, or cut in with --class emergency."),
			on->slot ? on->slot : report_program_label(on->program, prog, sizeof prog));
		return -1;
	}
	struct airing *a = xcalloc(1, sizeof *a);
	a->at_ms = time_now_ms();
	a->asap = 1;
	a->emergency = r->emergency;
	a->live = 1;
	a->asked_by = r->by[0] ? xstrdup(r->by) : NULL;
	a->program = xstrdup("live");
	a->zones = zones_for_list(d->cfg, r->zones, err);
	if (a->zones == ZONES_BAD) {
		a->zones = NULL;
		airing_free(a);
		return -1;
	}
	if (!(a->prog = build_live(d, r, err))) {
		airing_free(a);
		return -1;
	}
	a->state = AIRING_RENDERING;
	add_airing(d, a);
	workers_render(d->w, a);
	*out = a;
	return 0;
}

#define REQUEST_CATCH_UP_MS (10 * 60000)

struct requests {
	struct daemon *d;
	int64_t now, wake;
};

static int
one_request(const struct store_air_request *r, void *arg)
{
	struct requests *x = arg;
	struct daemon *d = x->d;
	int64_t lead = (int64_t)d->cfg->lead_seconds * 1000;
	for (struct airing *a = d->airings; a; a = a->next)
		if (a->request == r->id)
			return 0; /* planned already */
	for (size_t i = 0; i < ARRAY_LEN(d->requests_aired) && i < d->n_requests_aired; i++)
		if (d->requests_aired[i] == r->id)
			return 0; /* aired, its row not marked yet: the log was down */
	if (r->at_ms - lead > x->now) {
		x->wake = r->at_ms - lead;
		return 1; /* the rest come later still */
	}
	char err[ERRLEN], prog[32];
	snprintf(prog, sizeof prog, "bulletin-%lld", (long long)r->bulletin_id);
	int64_t row = 0;
	if (x->now > r->at_ms + REQUEST_CATCH_UP_MS) {
		row = airlog_not_aired(d, NULL, prog, r->at_ms, "missed",
				       N_("the daemon was not running at its time"));
	} else {
		struct airing *a = bulletin_airing(d, r->bulletin_id, r->emergency, r->at_ms, r->by,
						   r->zones, err);
		if (a) {
			a->request = r->id;
			a->state = AIRING_RENDERING;
			add_airing(d, a);
			workers_render(d->w, a);
			return 0;
		}
		row = airlog_not_aired(d, NULL, prog, r->at_ms, "failed", err);
	}
	if (!row || store_air_request_done(d->st, r->id, row, err) < 0) {
		if (row)
			daemon_log(3, "%s", err);
		/* the log is down: this run does not log it again */
		d->requests_aired[d->n_requests_aired++ % ARRAY_LEN(d->requests_aired)] = r->id;
	}
	return 0;
}

/*
 * Stored requests (loaxa air --at, the repeats of --repeat) whose render
 * time has come become airings, like slot instants; returns when the next
 * one's render time comes (0: none).
 */
static int64_t
plan_requests(struct daemon *d, int64_t now)
{
	char err[ERRLEN];
	struct requests x = { d, now, 0 };
	if (store_air_requests(d->st, 0, one_request, &x, err) < 0)
		daemon_log(3, "%s", err);
	return x.wake;
}

/* The slot's catch-up window (ms); a manual airing waits as long as it takes. */
static int
catch_up_ms(struct daemon *d, const struct airing *a)
{
	const struct config_slot *cs = a->slot ? config_slot_find(d->cfg, a->slot) : NULL;
	return cs ? cs->catch_up_minutes * 60000 : 0;
}

struct airing *
plan_on_player(struct daemon *d)
{
	for (struct airing *a = d->airings; a; a = a->next)
		if (a->state == AIRING_ARMED || a->state == AIRING_PLAYING)
			return a;
	return NULL;
}

/*
 * "the player was busy with slot X", naming what is on the player.  Reasons
 * go into the log in English (the catalogue's msgids), whatever the
 * daemon's locale: each reader's `loaxa log` translates them.
 */
static void
busy_with(const struct airing *on, char *buf, size_t len)
{
	if (on->slot)
		snprintf(buf, len, N_("the player was busy with slot %s"), on->slot);
	else
		snprintf(buf, len, N_("the player was busy with the manual airing %s"), on->program);
}

/*
 * Logs an airing that will not air as missed, and lets it go: its `started`
 * row, if it has one, gets the outcome, else a row is added for a slot
 * instant.
 */
static void
miss(struct daemon *d, struct airing *a, const char *reason)
{
	if (a->row) {
		strcpy(a->status, "missed");
		snprintf(a->reason, sizeof a->reason, "%s", reason);
		a->ended_ms = time_now_ms();
		a->items_done = 0;
		airlog_finish(d, a);
	} else if (a->slot) {
		airlog_not_aired(d, a->slot, a->program, a->at_ms, "missed", reason);
	} else {
		char prog[64];
		daemon_log(4, _("airing %s (%s): missed (%s)"), _("manual"),
			   report_program_label(a->program, prog, sizeof prog), report_reason(reason));
	}
	plan_unlink(d, a);
}

/*
 * Writes the `started` row (once: an airing an emergency took off the
 * player before it started keeps its row) and gives the airing to the
 * player.
 */
static void
arm(struct daemon *d, struct airing *a, int64_t now)
{
	if (a->slot && sched_late(a->at_ms, catch_up_ms(d, a), now) == SCHED_MISSED) {
		miss(d, a, N_("too late to air: past the catch-up window"));
		return;
	}
	if (!a->row && airlog_open(d, a) == STORE_EXISTS) {
		daemon_log(4, _("slot %s at this instant is already logged; not airing it again"), a->slot);
		plan_unlink(d, a);
		return;
	}
	struct airing *on = a->emergency ? plan_on_player(d) : NULL;
	a->state = AIRING_ARMED;
	a->armed_ms = now;
	if (on && on != a) {
		/* said in the cut airing's row; its queued bulletins go back */
		if (a->live)
			snprintf(on->stop_why, sizeof on->stop_why, "%s",
				 N_("cut by a live announcement"));
		else
			snprintf(on->stop_why, sizeof on->stop_why,
				 N_("cut by emergency bulletin #%lld"), (long long)a->bulletin);
		on->cut_by_emergency = 1;
		workers_stop(d->w, DAEMON_FADE_S);
	}
	workers_play(d->w, a);
}

void
plan_stopped(struct daemon *d)
{
	int64_t now = time_now_ms();
	while (d->airings) {
		struct airing *a = d->airings;
		if (a->started_ms || a->status[0]) { /* it aired (or failed): cut, and logged so */
			if (!a->status[0]) {
				strcpy(a->status, "interrupted");
				snprintf(a->reason, sizeof a->reason, "%s", N_("daemon stopped"));
				a->ended_ms = now;
			}
			plan_finished(d, a);
		} else if (a->row || (a->slot && a->at_ms <= now)) {
			/* its instant came, or its row was written: it never started */
			miss(d, a, N_("daemon stopped before it started"));
		} else {
			plan_unlink(d, a); /* still to come: the next start plans it again */
		}
	}
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
	if (!a->started_ms && !a->status[0]) {
		/* an emergency took it off the player before it started: it waits again */
		a->state = AIRING_READY;
		a->stop_why[0] = 0;
		a->cut_by_emergency = 0;
		return;
	}
	/* a live announcement the operator ended played its closing jingle: completed, and why */
	if ((strcmp(a->status, "interrupted") == 0 || a->ending) && a->stop_why[0])
		snprintf(a->reason, sizeof a->reason, "%s", a->stop_why);
	/* a manual airing that waited for the player says so: a wait, not lateness */
	int64_t waited = a->asap && a->armed_ms > a->at_ms ? a->armed_ms - a->at_ms : 0;
	if (!a->reason[0] && waited >= 1000)
		snprintf(a->reason, sizeof a->reason, N_("waited %lld s for the player to be free"),
			 (long long)((waited + 500) / 1000));
	/* gaps listeners heard: said in the row, after why it ended as it did */
	if (a->dropouts > 0 && strcmp(a->status, "failed") != 0) {
		size_t n = strlen(a->reason);
		if (n && n + 2 < sizeof a->reason)
			n += (size_t)snprintf(a->reason + n, sizeof a->reason - n, "; ");
		if (n < sizeof a->reason)
			snprintf(a->reason + n, sizeof a->reason - n,
				 N_("the sound broke off %lld times: the computer was too busy to feed the sound card"),
				 (long long)a->dropouts);
		daemon_log(4, _("the sound broke off %ld times in this airing: the computer was too busy to feed the sound card"),
			   a->dropouts);
	}
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
	int64_t req = plan_requests(d, now);
	if (req)
		WAKE(req);
	if (plan_next(d, now, &slot, &t) == 0) {
		WAKE(t - lead);
		/* pre-roll for the next slot instant */
		int64_t pre = (int64_t)d->cfg->preroll.seconds * 1000;
		if (d->cfg->preroll.command && d->preroll_for != t && t - pre > now)
			WAKE(t - pre);
	}
	for (struct airing *a = d->airings; a; a = a->next)
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
	struct airing *on = plan_on_player(d);
	char why[ERRLEN];
	/* an instant of a slot that has come replaces an older one of it that has not started */
	for (struct airing *a = d->airings, *next; a; a = next) {
		next = a->next;
		if (!a->slot || a->state != AIRING_READY || a->at_ms > now)
			continue;
		const struct airing *newer = NULL;
		for (const struct airing *b = d->airings; b; b = b->next)
			if (b != a && b->slot && strcmp(b->slot, a->slot) == 0 && b->at_ms > a->at_ms &&
			    b->at_ms <= now && (!newer || b->at_ms > newer->at_ms))
				newer = b;
		if (!newer)
			continue;
		char when[32];
		time_format(newer->at_ms, "%H:%M:%S", when, sizeof when);
		if (on) {
			busy_with(on, why, sizeof why);
			size_t len = strlen(why);
			snprintf(why + len, sizeof why - len, N_("; the slot's instant at %s replaced it"), when);
		} else {
			snprintf(why, sizeof why, N_("the slot's instant at %s replaced it"), when);
		}
		miss(d, a, why);
	}
	/* a slot instant waits for the player only inside its catch-up window, the wait included */
	for (struct airing *a = d->airings, *next; a; a = next) {
		next = a->next;
		if (!a->slot || a->state != AIRING_READY || a->at_ms > now)
			continue;
		if (sched_late(a->at_ms, catch_up_ms(d, a), now) == SCHED_AIR)
			continue;
		if (on)
			busy_with(on, why, sizeof why);
		else
			snprintf(why, sizeof why, "%s", N_("too late to air: past the catch-up window"));
		miss(d, a, why);
	}
	/* an emergency cuts what is on air */
	for (struct airing *a = d->airings, *next; a; a = next) {
		next = a->next;
		if (a->state == AIRING_READY && a->emergency &&
		    (a->asap || a->at_ms - ARM_AHEAD_MS <= now)) {
			arm(d, a, now);
			on = plan_on_player(d);
		}
	}
	/* the player is free: the airing whose time has come first */
	if (!on) {
		struct airing *first = NULL;
		for (struct airing *a = d->airings; a; a = a->next)
			if (a->state == AIRING_READY && (a->asap || a->at_ms - ARM_AHEAD_MS <= now) &&
			    (!first || a->at_ms < first->at_ms))
				first = a;
		if (first)
			arm(d, first, now);
	}
	/* when to look again at what waits */
	for (struct airing *a = d->airings; a; a = a->next) {
		if (a->state != AIRING_READY || a->asap)
			continue;
		if (a->at_ms - ARM_AHEAD_MS > now)
			WAKE(a->at_ms - ARM_AHEAD_MS); /* its arming time */
		else if (a->at_ms > now)
			WAKE(a->at_ms); /* the player is busy: its instant may replace an older one */
		else if (a->slot)
			WAKE(a->at_ms + catch_up_ms(d, a) + 1); /* the end of its window */
	}
	workers_warm(d->w, d->airings != NULL);
	return wake;
#undef WAKE
}
