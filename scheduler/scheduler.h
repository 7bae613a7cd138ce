/*
 * scheduler — when slots fall and what airs in them: calendar maths (the
 * systemd.time(7) expressions of slots), the next airing, the queue and
 * rotation rules, and the missed-slot (catch-up) policy.  Everything here is
 * a pure function of (configuration, store state, time); the daemon feeds
 * it the clock and acts on the answer, and tests call it with any time.
 */
#ifndef LOAXA_SCHEDULER_H
#define LOAXA_SCHEDULER_H

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

/* ---- Planning (below) ---- */

#include "scheduler/plan.h"

#endif
