/*
 * scheduler — when slots fall and what airs in them: calendar maths (the
 * systemd.time(7) expressions of slots), the next airing, the queue and
 * rotation rules, and the missed-slot (catch-up) policy.  Everything here is
 * a pure function of (configuration, store state, time); the daemon feeds
 * it the clock and acts on the answer, and tests call it with any time.
 */
#ifndef LOAXA_SCHEDULER_H
#define LOAXA_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

/* ---- Calendar expressions ---- */

/*
 * A calendar event as systemd.time(7) writes it, e.g. "*-*-* 05:30:00",
 * "Mon..Fri 17:00", "Sat,Sun 06:00", "*-*-1/2 08:00", "*-*~01 09:00",
 * "*:0/15", "08,17:00", "daily", "quarterly".  Evaluated in the process's
 * local time zone (TZ, set from the configuration); a " UTC" suffix is
 * honoured, other zone suffixes and fractions of a second are refused.
 * `systemd-analyze calendar EXPR` is the reference: the normalized form and
 * the instants agree with it (systemd 252), including its handling of times
 * that a DST change skips.  Years run from 1970 to 2199, as in systemd.
 */
struct sched_cal;

/*
 * Parses expr; NULL with err set to one sentence
 * ("'EXPR': what is wrong at 'PART'; see systemd.time(7)") when it is not a
 * valid expression.  Caller frees the result with sched_cal_free().
 */
struct sched_cal *sched_cal_parse(const char *expr, char *err);
void sched_cal_free(struct sched_cal *c);

/*
 * The first instant strictly after after_s (Unix seconds) that matches, or
 * -1 if none does before the year 2200 (e.g. "2023-02-30" never matches).
 * A walk over the fields, a few steps per month at most: fast and bounded.
 * A wall-clock time that a DST change skips does not fall that day; one
 * that happens twice (the hour before DST ends) falls once, the first time.
 */
int64_t sched_cal_next(const struct sched_cal *c, int64_t after_s);

/*
 * The normalized form, as `systemd-analyze calendar` prints it under
 * "Normalized form:", e.g. "Mon..Fri *-*-* 17:00:00".  Caller frees.
 */
char *sched_cal_normalized(const struct sched_cal *c);

/*
 * ---- Planning ----
 * Which slot instants are due, missed or next, and which bulletins go into
 * an airing.  Pure functions of (configuration, store state, time): the
 * daemon feeds them the clock and acts on their answer; tests call them
 * with any time they like.
 */

struct config;

struct sched_slot {
	const char *name;      /* borrowed from the configuration */
	const char *program;
	int catch_up_ms;
	int priority;
	struct sched_cal *cal; /* owned */
	int64_t last_ms;       /* latest logged instant of this slot, 0 = none */
};

struct sched {
	struct sched_slot *slots;
	size_t n;
};

/*
 * Parses every slot's calendar expression; NULL with err naming the file,
 * line and slot.  The sched borrows strings from cfg: free it first.
 */
struct sched *sched_new(const struct config *cfg, char *err);
void sched_free(struct sched *s);

enum sched_action {
	SCHED_AIR,    /* air now: on time, or late within the catch-up window */
	SCHED_MISSED, /* log as missed: too late to air */
};

struct sched_due {
	size_t slot;
	int64_t at_ms;
	enum sched_action action;
};

/*
 * The catch-up rule: the airing of a slot instant at_ms airs at now_ms if
 * now_ms is at most catch_up_ms after it (late for whatever reason: the
 * daemon was down, the clock jumped, rendering took long), else it is missed.
 */
enum sched_action sched_late(int64_t at_ms, int catch_up_ms, int64_t now_ms);

/*
 * Slot instants that have come (≤ now) and have no row yet: after each
 * slot's last_ms, or after since_ms for a slot never logged (a new slot does
 * not owe airings from before the daemon knew it).  The latest instant of a
 * slot airs if now is within its catch-up window, every other one is missed.
 * Returns how many (array in *out, caller frees), at most max_per_slot per
 * slot (the oldest beyond that are dropped and counted in *dropped).
 */
size_t sched_due(const struct sched *s, int64_t since_ms, int64_t now_ms, size_t max_per_slot,
		 struct sched_due **out, size_t *dropped);

/*
 * The next slot instant strictly after now (and after the slot's last
 * logged one, so a clock stepped back never re-airs an instant).  0 and
 * -1 when no slot ever falls again.  Ties go to the higher priority.
 */
int sched_next(const struct sched *s, int64_t now_ms, size_t *slot, int64_t *at_ms);

/* ---- what goes into an airing ---- */

enum sched_reason { SCHED_QUEUED, SCHED_PRIORITY, SCHED_ROTATION };

struct sched_bulletin {
	int64_t id;
	const char *klass; /* normal | priority | emergency */
	const char *state; /* draft | approved | retired */
	const char *valid_from, *valid_until; /* local dates or NULL */
	int airings_wanted, airings_done;
	int has_content;   /* text or recording */
	double length_s;   /* rendered or estimated length */
	const char *zones; /* the zones it is for, "thon-1,thon-3"; NULL: every zone */
};

struct sched_queued {
	int64_t entry_id;
	int64_t bulletin_id;
	const char *slot; /* NULL: any slot */
	int64_t at_ms;    /* 0: any time; else the first slot at or after it */
	const char *zones; /* only into an airing to these zones (sched_zones_cover()); NULL: any */
};

struct sched_pick {
	int64_t bulletin_id;
	int64_t entry_id; /* queue entry consumed, 0 for none */
	enum sched_reason reason;
	double length_s;
};

/*
 * Picks the bulletins of the `queue` item of slot `slot` airing at at_ms:
 * queued entries for this slot first, then approved bulletins of class
 * priority, then rotation (approved, valid on the local date of at_ms,
 * wanted airings not reached), in the order given (oldest first), as long
 * as they fit in budget_s with gap_s between them (budget_s <= 0: no cap).
 * Drafts, retired and out-of-date bulletins never air; a bulletin goes in
 * once.  Fills out (room for nb + nq) and returns how many; *left = how
 * many eligible ones did not fit and wait for the next slot.
 */
size_t sched_pick(const char *slot, int64_t at_ms, double budget_s, double gap_s,
		  const struct sched_bulletin *b, size_t nb, const struct sched_queued *q,
		  size_t nq, struct sched_pick *out, size_t *left);

/* 1 if the bulletin may air at at_ms (approved and valid that local day). */
int sched_bulletin_airable(const struct sched_bulletin *b, int64_t at_ms);
/*
 * 1 if a bulletin for zones `for_zones` ("thon-1,thon-3"; NULL: every
 * zone) may go into an airing to the n zones `to`: only when it is for
 * every one of them, so that a bulletin for thôn 3 never fills thôn 1's
 * slot, nor a slot to every zone.
 */
int sched_zones_cover(const char *for_zones, const char *const *to, size_t n);

/* ---- the same, fed from the store ---- */

struct store;
struct config_program;

/* Approved bulletins and pending queue entries, read once from the store. */
struct sched_pool;
struct sched_pool *sched_pool_load(struct store *st, char *err);
void sched_pool_free(struct sched_pool *p);

/*
 * Picks the bulletins for the queue item of programme tpl at (slot, at_ms);
 * slot NULL for a manual airing.  *out is allocated (caller frees).  With
 * estimate, max_minutes is applied with estimated lengths (a forecast);
 * without, every eligible bulletin is offered and rendering applies the cap
 * with the real lengths.  With commit, the pool counts the airing as done
 * (airings_done + 1, queue entries consumed), so that `loaxa schedule` can
 * look days ahead.
 */
int sched_pool_pick(struct sched_pool *p, const struct config_program *tpl, const char *slot,
		    int64_t at_ms, int estimate, int commit, struct sched_pick **out, size_t *n,
		    size_t *left);
/*
 * The zones the next picks air to (copied): only bulletins for all of them
 * are picked, from rotation or the queue (sched_zones_cover()).  n = 0:
 * no zones configured, every bulletin may air.
 */
void sched_pool_zones(struct sched_pool *p, const char *const *zones, size_t n);
/* As sched_pool_zones() with the zones a slot of c airs to (its zones, else every zone). */
void sched_pool_slot_zones(struct sched_pool *p, const struct config *c, const char *slot);
/*
 * Counts an airing that is planned or playing but not yet logged as if it
 * had aired, exactly as the log would count it: each of the bulletins
 * (distinct ids) one airing more, each queue entry consumed.  The daemon
 * counts its airings in flight before it picks, and `loaxa schedule` the
 * daemon's, so that a bulletin never airs more often than wanted because
 * several slots fall inside the lead time.
 */
void sched_pool_count(struct sched_pool *p, const int64_t *bulletins, size_t nb,
		      const int64_t *entries, size_t ne);
/*
 * Slots whose programme may still be on air when the next slot instant
 * comes.  For each slot: its programme's longest possible length (every
 * bulletin of the pool that may air, estimated, after the fixed items, up
 * to max_minutes), against the smallest gap from one of the slot's next
 * `instants` instants after now_ms to the instant of any slot that follows
 * it.  Returns how many (in *out, caller frees).  `loaxa config check`
 * warns about them: such an airing makes the next one wait or be missed.
 */
struct sched_overrun {
	size_t slot;      /* index in the sched */
	double longest_s; /* the programme's longest possible length */
	double gap_s;     /* the smallest gap after an instant of the slot */
	size_t next_slot; /* the slot of the instant that comes after that gap */
};
size_t sched_overruns(const struct sched *s, const struct config *cfg, const struct sched_pool *p,
		      int64_t now_ms, size_t instants, struct sched_overrun **out);
/* The topic of a bulletin of the pool, or NULL. */
const char *sched_pool_topic(const struct sched_pool *p, int64_t id);
/* The estimated length of a bulletin of the pool, or 0. */
double sched_pool_length(const struct sched_pool *p, int64_t id);

#endif
