/*
 * ops — the schedule as the operator sees it: the coming airings with the
 * daemon's own picker (each planned airing counted, so days ahead are
 * right), and this month's CCHC bulletins, aired and planned, against the
 * target.  Written from cli/cmd_schedule.c, whose projection this is.
 */
#include "ops/ops.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "config/config.h"
#include "playlists/playlists.h"
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

static int
count_aired(const struct store_log_row *r, void *arg)
{
	struct cchc_count *c = arg;
	const struct config_topic *t = r->topic ? config_topic_find(c->cfg, r->topic) : NULL;
	if (t && t->cchc && r->it.bulletin_id && r->it.completed &&
	    (strcmp(r->a.status, "completed") == 0 || strcmp(r->a.status, "interrupted") == 0))
		count_add(c, r->it.bulletin_id);
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
	int64_t m_from, m_until;
	ops_month_bounds(now, &m_from, &m_until);
	for (size_t i = 0; i < s->n; i++) {
		int64_t last = 0;
		store_airing_last(o->st, s->slots[i].name, &last, err);
		s->slots[i].last_ms = last > now ? last : 0;
	}
	struct cchc_count cc = { cfg };
	store_log(o->st, m_from, m_until, NULL, NULL, count_aired, &cc, err);
	out->cchc_aired = (int)cc.n;

	size_t cap = 0;
	int64_t end = now + (int64_t)days * 86400000;
	int64_t t = now;
	size_t slot;
	while ((!max || out->n < max) && sched_next(s, t, &slot, &t) == 0 && t <= end) {
		struct sched_slot *sl = &s->slots[slot];
		sl->last_ms = t;
		const struct config_program *tpl = config_program_find(cfg, sl->program);
		if (out->n == cap)
			out->airings = xrealloc(out->airings, (cap = cap ? 2 * cap : 16) * sizeof *out->airings);
		struct ops_airing_plan *a = &out->airings[out->n++];
		memset(a, 0, sizeof *a);
		a->at_ms = t;
		/* the configuration's strings: the sched's are borrowed from it too */
		const struct config_slot *cs = config_slot_find(cfg, sl->name);
		a->slot = cs ? cs->name : NULL;
		a->program = tpl ? tpl->name : (cs ? cs->program : NULL);
		a->bulletins = xcalloc(1, sizeof *a->bulletins);
		if (!tpl)
			continue;
		struct sched_pick *picks;
		size_t n = 0, left = 0;
		sched_pool_slot_zones(pool, cfg, sl->name);
		sched_pool_pick(pool, tpl, sl->name, t, 1, 1, &picks, &n, &left);
		double length = 0, gap = 0;
		for (size_t i = 0; i < tpl->n_items; i++)
			if (tpl->items[i].kind != CONFIG_ITEM_QUEUE)
				length += pl_template_item_estimate(&tpl->items[i]);
			else
				gap = tpl->items[i].gap;
		a->bulletins = xrealloc(a->bulletins, (n + 1) * sizeof *a->bulletins);
		for (size_t i = 0; i < n; i++) {
			length += picks[i].length_s + gap;
			a->bulletins[i] = picks[i].bulletin_id;
			const char *topic = sched_pool_topic(pool, picks[i].bulletin_id);
			const struct config_topic *tp = topic ? config_topic_find(cfg, topic) : NULL;
			if (tp && tp->cchc && t < m_until)
				count_add(&cc, picks[i].bulletin_id);
		}
		a->n_bulletins = n;
		a->left_for_later = left;
		a->expected_length_s = length;
		free(picks);
	}
	time_format(now, "%Y-%m", out->month, sizeof out->month);
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
