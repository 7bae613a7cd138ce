/*
 * scheduler — when slots fall and what airs in them: calendar expressions
 * in the syntax of systemd.time(7), the next airing, the queue and rotation
 * rules, and the missed-slot (catch-up) policy.  Pure functions of
 * (configuration, store state, time); the daemon feeds them the clock.
 */
#ifndef LOAXA_SCHEDULER_H
#define LOAXA_SCHEDULER_H

#include <stdint.h>

/* ---- Calendar expressions ---- */

struct sched_cal;

/*
 * Parses a calendar event ("*-*-* 05:30:00", "Mon..Fri 17:00", "daily",
 * "Sat,Sun 06:00", "*-*-1/2 08:00", "*-02~01" ...); NULL with err naming the
 * part that is wrong.  Free with sched_cal_free().
 */
struct sched_cal *sched_cal_parse(const char *expr, char *err);
void sched_cal_free(struct sched_cal *c);
/*
 * The first instant strictly after after_s (Unix seconds) that matches, in
 * the process's local time zone; -1 if none before the year 2200.
 */
int64_t sched_cal_next(const struct sched_cal *c, int64_t after_s);
/* The normalized form, like `systemd-analyze calendar` prints it.  Caller frees. */
char *sched_cal_normalized(const struct sched_cal *c);

/* ---- Planning ---- */

#include "scheduler/plan.h"

#endif
