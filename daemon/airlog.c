/*
 * The airing log as the daemon writes it.  An airing gets a `started` row
 * before its first sample (so a crash never lets a slot instant air twice),
 * its items as they finish, and at the end the whole row in one transaction
 * (store_airing_record()).  A write the disk refuses (full, read-only) is
 * kept here, in order, and tried again every few seconds until it goes in;
 * the airing itself never waits for the disk.
 */
#include <stdlib.h>
#include <string.h>

#include "audio/audio.h"
#include "base/base.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "playlists/playlists.h"
#include "reports/reports.h"
#include "store/store.h"
#include "tts/tts.h"

/* A log write that failed, kept to be tried again. */
struct airlog_pending {
	struct store_airing a;
	struct store_aired_item *items;
	size_t n;
	int64_t *queue_ids; /* queue entries to mark aired once the row is in */
	size_t n_queue;
	int64_t request;    /* the stored request to mark done once the row is in, or 0 */
	struct airlog_pending *next;
};

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void
pending_free(struct airlog_pending *p)
{
	store_airing_clear(&p->a);
	free(p->items);
	free(p->queue_ids);
	free(p);
}

/*
 * Keeps a log write that failed, to be tried again (airlog_flush()); err
 * is the failure, said once (NULL: more are already waiting behind one).
 */
static void
keep(struct daemon *d, const struct store_airing *a, const struct store_aired_item *items, size_t n,
     const int64_t *queue_ids, size_t n_queue, int64_t request, const char *err)
{
	struct airlog_pending *p = xcalloc(1, sizeof *p);
	p->request = request;
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

void
airlog_flush(struct daemon *d)
{
	char err[ERRLEN];
	int written = 0;
	while (d->pending) {
		struct airlog_pending *p = d->pending;
		int rc = store_airing_record(d->st, &p->a, p->items, p->n, err);
		if (rc < 0 && rc != STORE_EXISTS)
			break;
		for (size_t i = 0; rc == 0 && i < p->n_queue; i++)
			if (store_queue_mark_aired(d->st, p->queue_ids[i], p->a.id, err) < 0)
				daemon_log(3, "%s", err);
		if (rc == 0 && p->request && store_air_request_done(d->st, p->request, p->a.id, err) < 0)
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

void
airlog_drop(struct daemon *d)
{
	for (struct airlog_pending *p = d->pending, *next; p; p = next) {
		next = p->next;
		char when[32];
		time_format(p->a.scheduled_at, "%Y-%m-%d %H:%M:%S", when, sizeof when);
		daemon_log(2, _("the airing log could not be written: slot %s at %s, %s, %zu items aired"),
			   p->a.slot ? p->a.slot : _("manual"), when, p->a.status, p->n);
		pending_free(p);
	}
	d->pending = NULL;
	d->pending_tail = &d->pending;
}

static int
log_expired(const struct store_queue_entry *e, void *arg)
{
	char when[32];
	time_format(e->at_ms, "%Y-%m-%d %H:%M", when, sizeof when);
	daemon_log(5, _("queue entry %lld (bulletin %lld, slot %s at %s) expired: that airing passed without it"),
		   (long long)e->id, (long long)e->bulletin_id, e->slot, when);
	return 0;
}

/*
 * The instant `at` of slot `slot` is over (aired, cut, missed or failed):
 * queue entries asked for it, or for an earlier instant of it, that it did
 * not carry will never air; they expire, and the log says so.
 */
static void
expire_queue(struct daemon *d, const char *slot, int64_t at)
{
	char err[ERRLEN];
	if (slot && store_queue_expire(d->st, slot, at, time_now_ms(), log_expired, NULL, err) < 0)
		daemon_log(3, "%s", err);
}

int64_t
airlog_not_aired(struct daemon *d, const char *slot, const char *program, int64_t at,
		 const char *status, const char *reason)
{
	char err[ERRLEN];
	struct store_airing a = { .slot = (char *)slot, .program = (char *)program,
				  .scheduled_at = at, .status = (char *)status,
				  .reason = (char *)reason, .ended_at = time_now_ms(),
				  .normalizer_version = TTS_NORMALIZER_VERSION };
	int rc = d->pending ? -1 : store_airing_add(d->st, &a, err);
	if (rc == 0)
		expire_queue(d, slot, at);
	if (rc == STORE_EXISTS)
		return 0;
	char when[32], prog[64];
	time_format(at, "%Y-%m-%d %H:%M:%S", when, sizeof when);
	daemon_log(4, _("slot %s at %s: %s (%s)"),
		   slot ? slot : report_program_label(program, prog, sizeof prog), when, _(status),
		   report_reason(reason));
	if (rc < 0)
		keep(d, &a, NULL, 0, NULL, 0, 0, d->pending ? NULL : err);
	return rc < 0 ? 0 : a.id;
}

int
airlog_open(struct daemon *d, struct airing *a)
{
	char err[ERRLEN];
	struct store_airing row = { .slot = a->slot, .program = a->program,
				    .scheduled_at = a->at_ms, .status = (char *)"started",
				    .normalizer_version = TTS_NORMALIZER_VERSION };
	int rc = store_airing_add(d->st, &row, err);
	if (rc == STORE_EXISTS)
		return rc;
	if (rc < 0) /* the log is down (disk full?): the airing goes on, logged later if possible */
		daemon_log(3, _("cannot write the airing log: %s"), err);
	a->row = rc < 0 ? 0 : row.id;
	if (a->row && a->asked_by && store_airing_set_asked_by(d->st, a->row, a->asked_by, err) < 0)
		daemon_log(3, _("cannot write the airing log: %s"), err);
	if (a->row && a->zones && store_airing_set_zones(d->st, a->row, a->zones->names, err) < 0)
		daemon_log(3, _("cannot write the airing log: %s"), err);
	/* a stored request has its airing from now on: it never airs again */
	if (a->request && (!a->row || store_air_request_done(d->st, a->request, a->row, err) < 0)) {
		if (a->row)
			daemon_log(3, "%s", err);
		d->requests_aired[d->n_requests_aired++ % ARRAY_LEN(d->requests_aired)] = a->request;
	}
	return rc < 0 ? -1 : 0;
}

void
airlog_started(struct daemon *d, struct airing *a)
{
	char err[ERRLEN];
	if (a->row &&
	    store_airing_set_started(d->st, a->row, a->started_ms, airlog_lateness(a), err) < 0)
		daemon_log(3, "%s", err);
	/*
	 * A live announcement's item is in the log from its first sample, not
	 * completed, pointing at its recording: if the daemon is killed, the
	 * row still says where what aired is (airlog_recover() gives it its
	 * length).  The airing's end writes it again whole.
	 */
	for (size_t k = 0; a->row && a->live && k < pl_count(a->prog); k++) {
		struct store_aired_item it;
		if (pl_aired_item(a->prog, k, &it) < 0 || !it.recording[0])
			continue;
		it.airing_id = a->row;
		it.completed = 0;
		it.length_s = 0;
		if (store_aired_item_add(d->st, &it, err) < 0)
			daemon_log(3, _("cannot log an aired item: %s"), err);
	}
}

int64_t
airlog_lateness(const struct airing *a)
{
	if (!a->started_ms)
		return 0;
	/*
	 * An airing asked for "as soon as the player is free" is late only
	 * from when the player took it; waiting for what was on air before it
	 * is a wait, said in its reason, not a fault of the player.
	 */
	if (a->asap && a->armed_ms > a->at_ms)
		return a->started_ms - a->armed_ms;
	return a->started_ms - a->at_ms;
}

void
airlog_items(struct daemon *d, struct airing *a, size_t upto)
{
	char err[ERRLEN];
	for (; a->items_logged < upto && a->items_logged < pl_count(a->prog); a->items_logged++) {
		struct store_aired_item it;
		if (pl_aired_item(a->prog, a->items_logged, &it) < 0)
			continue; /* skipped: not aired */
		it.airing_id = a->row;
		it.completed = 1;
		if (!a->row)
			continue;
		/*
		 * A queued bulletin heard to its end is done with its queue
		 * entry in the same write: if the daemon dies before the
		 * airing's end is logged, the bulletin does not air again.
		 */
		int rc = store_begin(d->st, err);
		if (rc == 0)
			rc = store_aired_item_add(d->st, &it, err);
		for (size_t i = 0; rc == 0 && it.bulletin_id && i < a->n_queue_entries; i++)
			if (a->queue_entries[2 * i + 1] == it.bulletin_id)
				rc = store_queue_mark_aired(d->st, a->queue_entries[2 * i], a->row, err);
		if (rc == 0)
			rc = store_commit(d->st, err);
		if (rc < 0) {
			store_rollback(d->st);
			daemon_log(3, _("cannot log an aired item: %s"), err);
		}
	}
}

void
airlog_finish(struct daemon *d, struct airing *a)
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
			/* the item that was cut: the seconds that actually went out */
			if (!items[n].completed) {
				double played = a->cut_s - items[n].offset_s;
				items[n].length_s = played < 0 ? 0
						    : played < items[n].length_s ? played
										 : items[n].length_s;
			}
			n++;
		}
	a->items_logged = upto;
	/*
	 * A queue entry is done when its bulletin aired to its end (before a
	 * cut too); one left out waits, and one an emergency cut goes back
	 * into the queue for the next slot.
	 */
	int64_t *queue_ids = xcalloc(a->n_queue_entries + 1, sizeof *queue_ids);
	int64_t *requeue = xcalloc(a->n_queue_entries + 1, sizeof *requeue);
	size_t n_queue = 0, n_requeue = 0;
	int aired_some = completed || strcmp(a->status, "interrupted") == 0;
	for (size_t i = 0; aired_some && i < a->n_queue_entries; i++) {
		int aired = 0, cut = 0;
		for (size_t k = 0; k < pl_count(a->prog); k++)
			if (a->prog->items[k].bulletin_id == a->queue_entries[2 * i + 1] &&
			    !a->prog->items[k].skipped) {
				aired |= completed || k < a->items_done;
				cut |= !completed && k >= a->items_done;
			}
		if (aired)
			queue_ids[n_queue++] = a->queue_entries[2 * i];
		else if (cut && a->cut_by_emergency)
			requeue[n_requeue++] = a->queue_entries[2 * i];
	}
	struct store_airing row = {
		.id = a->row, .slot = a->slot, .program = a->program, .scheduled_at = a->at_ms,
		.started_at = a->started_ms, .ended_at = a->ended_ms, .status = a->status,
		.reason = a->reason[0] ? a->reason : NULL,
		.lateness_ms = airlog_lateness(a),
		.audio_sha256 = a->sha256[0] ? a->sha256 : NULL,
		.normalizer_version = TTS_NORMALIZER_VERSION,
	};
	int rc = d->pending ? -1 : store_airing_record(d->st, &row, items, n, err);
	if (rc == STORE_EXISTS) {
		daemon_log(3, _("slot %s at this instant was logged meanwhile: %s"), a->slot, err);
	} else if (rc < 0) {
		keep(d, &row, items, n, queue_ids, n_queue, a->request, d->pending ? NULL : err);
	} else {
		a->row = row.id;
		for (size_t i = 0; i < n_queue; i++)
			if (store_queue_mark_aired(d->st, queue_ids[i], a->row, err) < 0)
				daemon_log(3, "%s", err);
		for (size_t i = 0; i < n_requeue; i++) {
			if (store_queue_requeue(d->st, requeue[i], err) < 0)
				daemon_log(3, "%s", err);
			else
				daemon_log(5, _("queue entry %lld was cut by the emergency and waits for the next slot"),
					   (long long)requeue[i]);
		}
		expire_queue(d, a->slot, a->at_ms);
		/* a request whose `started` row could not be written is marked now */
		if (a->request && store_air_request_done(d->st, a->request, a->row, err) < 0)
			daemon_log(3, "%s", err);
	}
	free(items);
	free(queue_ids);
	free(requeue);
	char prog[64];
	daemon_log(6, _("airing %s (%s): %s%s%s"), a->slot ? a->slot : _("manual"),
		   report_program_label(a->program, prog, sizeof prog), _(a->status),
		   a->reason[0] ? ": " : "", report_reason(a->reason));
}

static void
recovered(void *arg, const char *path, double seconds)
{
	struct daemon *d = arg;
	char err[ERRLEN];
	daemon_log(4, _("the recording %s, cut by the last stop, is finished: %.1f s"), path, seconds);
	if (store_aired_item_recorded(d->st, path, seconds, err) < 0)
		daemon_log(3, "%s", err);
}

void
airlog_recover(struct daemon *d)
{
	char err[ERRLEN];
	int cut = 0, missed = 0;
	if (store_airing_recover(d->st, N_("daemon stopped"), N_("daemon stopped before it started"),
				 time_now_ms(), &cut, &missed, err) < 0) {
		daemon_log(3, "%s", err);
		return;
	}
	if (cut)
		daemon_log(4, _("%d airing(s) cut by the last stop are logged as interrupted"), cut);
	if (missed)
		daemon_log(4, _("%d airing(s) the last stop came before are logged as missed"), missed);
	/* a live announcement's recording the stop cut: finished, its row given its length */
	char *dir = xasprintf("%s/%s", d->cfg->state_dir, DAEMON_RECORDINGS);
	if (audio_record_recover(dir, recovered, d, err) < 0)
		daemon_log(3, "%s", err);
	free(dir);
}

void
airlog_in_flight(struct daemon *d, plan_flight_fn fn, void *arg)
{
	for (struct airlog_pending *p = d->pending; p; p = p->next) {
		int64_t *ids = xcalloc(p->n + 1, sizeof *ids);
		size_t n = 0;
		for (size_t i = 0; i < p->n; i++)
			if (store_item_counts(p->a.status, &p->items[i]))
				ids[n++] = p->items[i].bulletin_id;
		fn(arg, p->a.slot, p->a.program, p->a.scheduled_at, "logging", ids, n, p->queue_ids,
		   p->n_queue);
		free(ids);
	}
}
