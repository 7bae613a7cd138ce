/*
 * ops — the schedule as the operator sees it: the coming airings, when,
 * which slot and programme, the bulletins that would go in and the
 * expected length; and this month's CCHC bulletins, aired and planned,
 * against the target.  `loaxa schedule` and the web console's schedule
 * and dashboard are this one function.
 *
 * The airings the running daemon has already planned are shown as it
 * planned them (it says so over the control socket), and count as aired, as
 * the daemon counts them; the later ones are foreseen with the daemon's own
 * picker, each counted in turn.  "This month so far" is the report's figure
 * (report_build(): the counting view of store/).
 */
#include "ops/ops.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "reports/reports.h"
#include "scheduler/scheduler.h"
#include "store/store.h"

struct cchc_count {
	const struct config *cfg;
	int64_t *ids;
	size_t n, cap;
};

static void
count_add(struct cchc_count *c, int64_t id)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ids[i] == id)
			return;
	if (c->n == c->cap)
		c->ids = xrealloc(c->ids, (c->cap = c->cap ? c->cap * 2 : 16) * sizeof *c->ids);
	c->ids[c->n++] = id;
}

/* Counts id if its topic is a CCHC one. */
static void
count_if_cchc(struct cchc_count *c, const char *topic, int64_t id)
{
	const struct config_topic *t = topic ? config_topic_find(c->cfg, topic) : NULL;
	if (t && t->cchc)
		count_add(c, id);
}

/* A bulletin the report counts this month, if its topic is CCHC (as the report decides). */
static int
count_aired(const struct store_count_row *r, void *arg)
{
	count_if_cchc(arg, r->topic, r->bulletin_id);
	return 0;
}

void
ops_month_bounds(int64_t now, int64_t *from, int64_t *until)
{
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*from = (int64_t)mktime(&tm) * 1000;
	tm.tm_mon++;
	tm.tm_isdst = -1;
	*until = (int64_t)mktime(&tm) * 1000;
}

/*
 * The running daemon's airings not yet logged (status "planned"), or NULL
 * when it does not answer: then nothing is planned but what the log says.
 */
static json_t *
daemon_planned(const struct config *cfg)
{
	char err[ERRLEN];
	json_t *req = json_pack("{s:s}", "cmd", "status"), *ans = NULL;
	int rc = ops_daemon_ask(cfg, req, 5000, &ans, err);
	json_decref(req);
	if (rc < 0)
		return NULL;
	json_t *planned = json_incref(json_object_get(ans, "planned"));
	json_decref(ans);
	if (!json_is_array(planned)) {
		json_decref(planned);
		return NULL;
	}
	return planned;
}

/* Ids of a JSON array; caller frees. */
static int64_t *
ids_of(json_t *a, size_t *n)
{
	*n = json_array_size(a);
	int64_t *v = xcalloc(*n + 1, sizeof *v);
	for (size_t i = 0; i < *n; i++)
		v[i] = json_integer_value(json_array_get(a, i));
	return v;
}

static int
plan_cmp(const void *pa, const void *pb)
{
	const struct ops_airing_plan *a = pa, *b = pb;
	return a->at_ms < b->at_ms ? -1 : a->at_ms > b->at_ms;
}

/* Fixed items of the template and the gap of its queue item. */
static double
fixed_length(const struct config_program *tpl, double *gap)
{
	double length = 0;
	*gap = 0;
	for (size_t i = 0; tpl && i < tpl->n_items; i++)
		if (tpl->items[i].kind != CONFIG_ITEM_QUEUE)
			length += pl_template_item_estimate(&tpl->items[i]);
		else
			*gap = tpl->items[i].gap;
	return length;
}

static struct ops_airing_plan *
plan_add(struct ops_schedule *out, size_t *cap)
{
	if (out->n == *cap)
		out->airings = xrealloc(out->airings, (*cap = *cap ? 2 * *cap : 16) * sizeof *out->airings);
	struct ops_airing_plan *a = &out->airings[out->n++];
	memset(a, 0, sizeof *a);
	return a;
}

/* The zones a slot airs to, from the configuration; NULL: every zone. */
static char *const *
slot_zones(const struct config *cfg, const char *slot)
{
	const struct config_slot *cs = config_slot_find(cfg, slot);
	return cs ? cs->zones : NULL;
}

/* A daemon state an airing is still to come in. */
static int
still_to_come(const char *state)
{
	static const char *const states[] = { "planned", "rendering", "ready", "armed" };
	for (size_t i = 0; state && i < ARRAY_LEN(states); i++)
		if (strcmp(state, states[i]) == 0)
			return 1;
	return !state;
}

/* What the daemon holds: counted as aired, and shown as it planned it. */
static void
add_planned(struct ops *o, struct sched *s, struct sched_pool *pool, int64_t now,
	    int64_t m_until, struct cchc_count *cc, struct ops_schedule *out, size_t *cap)
{
	json_t *planned = daemon_planned(o->cfg);
	size_t k;
	json_t *p;
	json_array_foreach(planned, k, p)
	{
		size_t nb, ne;
		int64_t *ids = ids_of(json_object_get(p, "bulletins"), &nb);
		int64_t *entries = ids_of(json_object_get(p, "queue_entries"), &ne);
		int64_t at = json_integer_value(json_object_get(p, "at_ms"));
		sched_pool_count(pool, ids, nb, entries, ne);
		free(entries);
		for (size_t i = 0; i < nb; i++)
			if (at < m_until)
				count_if_cchc(cc, sched_pool_topic(pool, ids[i]), ids[i]);
		const char *slot = json_string_value(json_object_get(p, "slot"));
		size_t si = 0;
		while (slot && si < s->n && strcmp(s->slots[si].name, slot) != 0)
			si++;
		const char *state = json_string_value(json_object_get(p, "state"));
		if (!slot || si == s->n || at < now || !still_to_come(state)) {
			free(ids);
			continue;
		}
		struct sched_slot *sl = &s->slots[si];
		if (sl->last_ms < at)
			sl->last_ms = at;
		struct ops_airing_plan *a = plan_add(out, cap);
		double gap;
		*a = (struct ops_airing_plan){ .at_ms = at, .slot = sl->name, .program = sl->program,
					       .bulletins = ids, .n_bulletins = nb, .planned = 1,
					       .zones = slot_zones(o->cfg, sl->name) };
		a->expected_length_s = fixed_length(config_program_find(o->cfg, sl->program), &gap);
		for (size_t i = 0; i < nb; i++)
			a->expected_length_s += sched_pool_length(pool, ids[i]) + gap;
	}
	json_decref(planned);
}

/* The rest: foreseen with the daemon's picker until end, each airing counted in turn. */
static void
add_foreseen(struct ops *o, struct sched *s, struct sched_pool *pool, int64_t now, int64_t end,
	     int64_t m_until, struct cchc_count *cc, struct ops_schedule *out, size_t *cap)
{
	int64_t t = now;
	size_t slot;
	while (sched_next(s, t, &slot, &t) == 0 && t <= end) {
		struct sched_slot *sl = &s->slots[slot];
		sl->last_ms = t;
		const struct config_program *tpl = config_program_find(o->cfg, sl->program);
		struct ops_airing_plan *a = plan_add(out, cap);
		a->at_ms = t;
		a->slot = sl->name; /* borrowed from the configuration */
		a->program = sl->program;
		a->zones = slot_zones(o->cfg, sl->name);
		double gap;
		a->expected_length_s = fixed_length(tpl, &gap);
		a->bulletins = xcalloc(1, sizeof *a->bulletins);
		if (!tpl)
			continue;
		struct sched_pick *picks;
		sched_pool_slot_zones(pool, o->cfg, sl->name);
		sched_pool_pick(pool, tpl, sl->name, t, 1, 1, &picks, &a->n_bulletins, &a->left_for_later);
		a->bulletins = xrealloc(a->bulletins, (a->n_bulletins + 1) * sizeof *a->bulletins);
		for (size_t i = 0; i < a->n_bulletins; i++) {
			int64_t id = picks[i].bulletin_id;
			a->bulletins[i] = id;
			a->expected_length_s += picks[i].length_s + gap;
			if (t < m_until)
				count_if_cchc(cc, sched_pool_topic(pool, id), id);
		}
		free(picks);
	}
}

int
ops_schedule(struct ops *o, int64_t now, int days, size_t max, struct ops_schedule *out,
	     char *err)
{
	memset(out, 0, sizeof *out);
	if (days < 1 || days > 366) {
		err_set(err, _("--days takes 1 to 366 (got %d)"), days);
		return OPS_INVALID;
	}
	const struct config *cfg = o->cfg;
	struct sched *s = sched_new(cfg, err);
	if (!s)
		return OPS_ERROR;
	struct sched_pool *pool = sched_pool_load(o->st, err);
	if (!pool) {
		sched_free(s);
		return OPS_ERROR;
	}
	/* this month so far: the report's own figure, and its bulletins */
	time_format(now, "%Y-%m", out->month, sizeof out->month);
	int y0, m0, y1, m1;
	char label[48];
	struct report *rep = NULL;
	if (report_period(out->month, NULL, NULL, NULL, &y0, &m0, &y1, &m1, label, sizeof label,
			  err) == 0)
		rep = report_build(o->st, cfg, y0, m0, y1, m1, label, NULL, now, err);
	struct cchc_count cc = { cfg };
	if (!rep || store_report_counts(o->st, rep->from, rep->until, NULL, count_aired, &cc, err) < 0) {
		report_free(rep);
		sched_pool_free(pool);
		sched_free(s);
		free(cc.ids);
		return OPS_ERROR;
	}
	out->cchc_aired = rep->months[0].c.cchc_bulletins;
	int64_t m_until = rep->until;
	report_free(rep);

	for (size_t i = 0; i < s->n; i++) {
		int64_t last = 0;
		store_airing_last(o->st, s->slots[i].name, &last, err);
		s->slots[i].last_ms = last > now ? last : 0;
	}
	size_t cap = 0;
	add_planned(o, s, pool, now, m_until, &cc, out, &cap);
	add_foreseen(o, s, pool, now, now + (int64_t)days * 86400000, m_until, &cc, out, &cap);
	if (out->n)
		qsort(out->airings, out->n, sizeof *out->airings, plan_cmp);
	/* the month's count is over all the days; the list is cut after */
	for (size_t i = max; max && i < out->n; i++)
		free(out->airings[i].bulletins);
	if (max && out->n > max)
		out->n = max;
	out->cchc_planned = (int)cc.n;
	out->target = cfg->cchc_per_month;
	out->met = out->cchc_planned >= out->target;
	free(cc.ids);
	sched_pool_free(pool);
	sched_free(s);
	return 0;
}

void
ops_schedule_free(struct ops_schedule *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->airings[i].bulletins);
	free(s->airings);
	memset(s, 0, sizeof *s);
}
