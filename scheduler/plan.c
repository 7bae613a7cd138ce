/*
 * Planning — pure functions over slots, the airing log and the bulletins.
 * Nothing here reads the clock or the store: see scheduler.h, "Planning".
 */
#include "scheduler/scheduler.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "config/config.h"

struct sched *
sched_new(const struct config *cfg, char *err)
{
	struct sched *s = xcalloc(1, sizeof *s);
	s->slots = xcalloc(cfg->n_slots ? cfg->n_slots : 1, sizeof *s->slots);
	for (size_t i = 0; i < cfg->n_slots; i++) {
		const struct config_slot *cs = &cfg->slots[i];
		char e2[ERRLEN];
		struct sched_cal *cal = sched_cal_parse(cs->when, e2);
		if (!cal) {
			err_set(err, "%s:%d: slot \"%s\": when: %s", cfg->path ? cfg->path : "(built-in)",
				cs->line, cs->name, e2);
			sched_free(s);
			return NULL;
		}
		struct sched_slot *sl = &s->slots[s->n++];
		sl->name = cs->name;
		sl->program = cs->program;
		sl->catch_up_ms = cs->catch_up_minutes * 60000;
		sl->priority = cs->priority;
		sl->cal = cal;
	}
	return s;
}

void
sched_free(struct sched *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		sched_cal_free(s->slots[i].cal);
	free(s->slots);
	free(s);
}

/* Calendar maths is in whole seconds; instants are ms. */
static int64_t
next_after(const struct sched_slot *sl, int64_t after_ms)
{
	int64_t after_s = after_ms >= 0 ? after_ms / 1000 : -((-after_ms + 999) / 1000);
	int64_t t = sched_cal_next(sl->cal, after_s);
	return t < 0 ? -1 : t * 1000;
}

enum sched_action
sched_late(int64_t at_ms, int catch_up_ms, int64_t now_ms)
{
	return now_ms - at_ms <= catch_up_ms ? SCHED_AIR : SCHED_MISSED;
}

size_t
sched_due(const struct sched *s, int64_t since_ms, int64_t now_ms, size_t max_per_slot,
	  struct sched_due **out, size_t *dropped)
{
	size_t n = 0, cap = 8;
	struct sched_due *d = xmalloc(cap * sizeof *d);
	*dropped = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct sched_slot *sl = &s->slots[i];
		int64_t from = sl->last_ms ? sl->last_ms : since_ms;
		/* collect into a ring of the newest max_per_slot instants */
		size_t first = n, count = 0;
		for (int64_t t = next_after(sl, from); t >= 0 && t <= now_ms; t = next_after(sl, t)) {
			if (count == max_per_slot) {
				memmove(&d[first], &d[first + 1], (count - 1) * sizeof *d);
				n--, count--;
				(*dropped)++;
			}
			if (n == cap)
				d = xrealloc(d, (cap *= 2) * sizeof *d);
			d[n++] = (struct sched_due){ i, t, SCHED_MISSED };
			count++;
		}
		if (count)
			d[n - 1].action = sched_late(d[n - 1].at_ms, sl->catch_up_ms, now_ms);
	}
	*out = d;
	return n;
}

int
sched_next(const struct sched *s, int64_t now_ms, size_t *slot, int64_t *at_ms)
{
	int found = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct sched_slot *sl = &s->slots[i];
		int64_t from = sl->last_ms > now_ms ? sl->last_ms : now_ms;
		int64_t t = next_after(sl, from);
		if (t < 0)
			continue;
		if (!found || t < *at_ms ||
		    (t == *at_ms && sl->priority > s->slots[*slot].priority)) {
			*slot = i;
			*at_ms = t;
			found = 1;
		}
	}
	return found ? 0 : -1;
}

int
sched_bulletin_airable(const struct sched_bulletin *b, int64_t at_ms)
{
	if (!b->has_content || !b->state || strcmp(b->state, "approved") != 0)
		return 0;
	char day[16];
	time_format(at_ms, "%Y-%m-%d", day, sizeof day);
	if (b->valid_from && strcmp(day, b->valid_from) < 0)
		return 0;
	if (b->valid_until && strcmp(day, b->valid_until) > 0)
		return 0;
	return 1;
}

int
sched_zones_cover(const char *for_zones, const char *const *to, size_t n)
{
	if (!for_zones)
		return 1;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(to[i]);
		const char *p = for_zones;
		int found = 0;
		while (!found && *p) {
			size_t k = strcspn(p, ",");
			found = k == len && strncmp(p, to[i], len) == 0;
			p += k + (p[k] == ',');
		}
		if (!found)
			return 0;
	}
	return 1;
}

static const struct sched_bulletin *
find(const struct sched_bulletin *b, size_t nb, int64_t id)
{
	for (size_t i = 0; i < nb; i++)
		if (b[i].id == id)
			return &b[i];
	return NULL;
}

struct picker {
	struct sched_pick *out;
	size_t n;
	double used, budget, gap;
	size_t left;
};

static int
already(const struct picker *p, int64_t id)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->out[i].bulletin_id == id)
			return 1;
	return 0;
}

static void
offer(struct picker *p, const struct sched_bulletin *b, int64_t entry, enum sched_reason why)
{
	if (already(p, b->id))
		return;
	double need = b->length_s + (p->n ? p->gap : 0);
	if (p->budget > 0 && p->used + need > p->budget) {
		p->left++;
		return;
	}
	p->used += need;
	p->out[p->n++] = (struct sched_pick){ b->id, entry, why, b->length_s };
}

size_t
sched_pick(const char *slot, int64_t at_ms, double budget_s, double gap_s,
	   const struct sched_bulletin *b, size_t nb, const struct sched_queued *q, size_t nq,
	   struct sched_pick *out, size_t *left)
{
	struct picker p = { out, 0, 0, budget_s, gap_s, 0 };
	for (size_t i = 0; i < nq; i++) {
		if (q[i].slot && strcmp(q[i].slot, slot) != 0)
			continue;
		if (q[i].at_ms && q[i].at_ms > at_ms)
			continue;
		const struct sched_bulletin *x = find(b, nb, q[i].bulletin_id);
		if (x && sched_bulletin_airable(x, at_ms))
			offer(&p, x, q[i].entry_id, SCHED_QUEUED);
	}
	for (size_t i = 0; i < nb; i++)
		if (strcmp(b[i].klass, "priority") == 0 && sched_bulletin_airable(&b[i], at_ms) &&
		    b[i].airings_done < b[i].airings_wanted)
			offer(&p, &b[i], 0, SCHED_PRIORITY);
	for (size_t i = 0; i < nb; i++)
		if (strcmp(b[i].klass, "emergency") != 0 && sched_bulletin_airable(&b[i], at_ms) &&
		    b[i].airings_done < b[i].airings_wanted)
			offer(&p, &b[i], 0, SCHED_ROTATION);
	*left = p.left;
	return p.n;
}
