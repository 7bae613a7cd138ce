/*
 * The pool of airable bulletins and queue entries, read from the store once
 * per decision and handed to the pure picker (plan.c).
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "scheduler/scheduler.h"
#include "store/store.h"

struct sched_pool {
	struct sched_bulletin *b;
	char **strings; /* owned copies the entries point into */
	size_t nb, capb, ns, caps;
	struct sched_queued *q;
	size_t nq, capq;
	char **topics; /* parallel to b */
	char **zones;  /* what the next picks air to (sched_pool_zones()) */
	size_t nzones;
};

static const char *
keep(struct sched_pool *p, const char *s)
{
	if (!s)
		return NULL;
	if (p->ns == p->caps) {
		p->caps = p->caps ? p->caps * 2 : 64;
		p->strings = xrealloc(p->strings, p->caps * sizeof *p->strings);
	}
	return p->strings[p->ns++] = xstrdup(s);
}

static int
collect_bulletin(const struct store_bulletin *sb, void *arg)
{
	struct sched_pool *p = arg;
	if (p->nb == p->capb) {
		p->capb = p->capb ? p->capb * 2 : 16;
		p->b = xrealloc(p->b, p->capb * sizeof *p->b);
		p->topics = xrealloc(p->topics, p->capb * sizeof *p->topics);
	}
	p->topics[p->nb] = (char *)keep(p, sb->topic);
	p->b[p->nb++] = (struct sched_bulletin){
		.id = sb->id,
		.klass = keep(p, sb->klass),
		.state = keep(p, sb->state),
		.valid_from = keep(p, sb->valid_from),
		.valid_until = keep(p, sb->valid_until),
		.airings_wanted = sb->airings_wanted,
		.airings_done = sb->airings_done,
		.has_content = sb->text != NULL || sb->audio_clip_id != 0,
		.length_s = pl_estimate_seconds(sb->text, sb->audio_clip_id),
		.zones = keep(p, sb->zones),
	};
	return 0;
}

static int
collect_queue(const struct store_queue_entry *e, void *arg)
{
	struct sched_pool *p = arg;
	if (p->nq == p->capq) {
		p->capq = p->capq ? p->capq * 2 : 16;
		p->q = xrealloc(p->q, p->capq * sizeof *p->q);
	}
	p->q[p->nq++] = (struct sched_queued){ e->id, e->bulletin_id, keep(p, e->slot), e->at_ms,
					       keep(p, e->zones) };
	return 0;
}

struct sched_pool *
sched_pool_load(struct store *st, char *err)
{
	struct sched_pool *p = xcalloc(1, sizeof *p);
	if (store_bulletin_list(st, NULL, "approved", collect_bulletin, p, err) < 0 ||
	    store_queue_list(st, collect_queue, p, err) < 0) {
		sched_pool_free(p);
		return NULL;
	}
	return p;
}

void
sched_pool_free(struct sched_pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ns; i++)
		free(p->strings[i]);
	free(p->strings);
	free(p->b);
	free(p->q);
	free(p->topics);
	sched_pool_zones(p, NULL, 0);
	free(p);
}

void
sched_pool_zones(struct sched_pool *p, const char *const *zones, size_t n)
{
	for (size_t i = 0; i < p->nzones; i++)
		free(p->zones[i]);
	free(p->zones);
	p->zones = n ? xcalloc(n, sizeof *p->zones) : NULL;
	p->nzones = n;
	for (size_t i = 0; i < n; i++)
		p->zones[i] = xstrdup(zones[i]);
}

void
sched_pool_slot_zones(struct sched_pool *p, const struct config *c, const char *slot)
{
	const struct config_slot *sl = slot ? config_slot_find(c, slot) : NULL;
	if (sl && sl->zones) {
		size_t n = 0;
		while (sl->zones[n])
			n++;
		sched_pool_zones(p, (const char *const *)sl->zones, n);
		return;
	}
	const char **all = xcalloc(c->n_zones + 1, sizeof *all);
	for (size_t i = 0; i < c->n_zones; i++)
		all[i] = c->zones[i].name;
	sched_pool_zones(p, all, c->n_zones);
	free(all);
}

const char *
sched_pool_topic(const struct sched_pool *p, int64_t id)
{
	for (size_t i = 0; i < p->nb; i++)
		if (p->b[i].id == id)
			return p->topics[i];
	return NULL;
}

double
sched_pool_length(const struct sched_pool *p, int64_t id)
{
	for (size_t i = 0; i < p->nb; i++)
		if (p->b[i].id == id)
			return p->b[i].length_s;
	return 0;
}

int
sched_pool_pick(struct sched_pool *p, const struct config_program *tpl, const char *slot,
		int64_t at_ms, int estimate, int commit, struct sched_pick **out, size_t *n,
		size_t *left)
{
	const struct config_item *qi = NULL;
	double fixed = 0;
	for (size_t i = 0; i < tpl->n_items; i++) {
		if (tpl->items[i].kind == CONFIG_ITEM_QUEUE)
			qi = &tpl->items[i];
		else
			fixed += pl_template_item_estimate(&tpl->items[i]);
	}
	*out = xcalloc(p->nb + p->nq + 1, sizeof **out);
	*n = *left = 0;
	if (!qi)
		return 0;
	double budget = 0;
	if (estimate && tpl->max_minutes > 0) {
		budget = tpl->max_minutes * 60 - fixed;
		if (budget <= 0)
			budget = 0.001; /* the fixed items fill it: nothing more fits */
	}
	/* only the bulletins and queue entries for every zone this airing goes to */
	struct sched_bulletin *b = p->b;
	struct sched_queued *q = p->q;
	size_t nb = p->nb, nq = p->nq;
	if (p->nzones) {
		const char *const *to = (const char *const *)p->zones;
		b = xcalloc(p->nb + 1, sizeof *b);
		q = xcalloc(p->nq + 1, sizeof *q);
		nb = nq = 0;
		for (size_t i = 0; i < p->nb; i++)
			if (sched_zones_cover(p->b[i].zones, to, p->nzones))
				b[nb++] = p->b[i];
		for (size_t i = 0; i < p->nq; i++)
			if (sched_zones_cover(p->q[i].zones, to, p->nzones))
				q[nq++] = p->q[i];
	}
	*n = sched_pick(slot ? slot : "", at_ms, budget, qi->gap, b, nb, q, nq, *out, left);
	if (b != p->b) {
		free(b);
		free(q);
	}
	if (!commit)
		return 0;
	int64_t *ids = xcalloc(*n + 1, sizeof *ids), *entries = xcalloc(*n + 1, sizeof *entries);
	size_t ne = 0;
	for (size_t i = 0; i < *n; i++) {
		ids[i] = (*out)[i].bulletin_id;
		if ((*out)[i].entry_id)
			entries[ne++] = (*out)[i].entry_id;
	}
	sched_pool_count(p, ids, *n, entries, ne);
	free(ids);
	free(entries);
	return 0;
}

void
sched_pool_count(struct sched_pool *p, const int64_t *bulletins, size_t nb, const int64_t *entries,
		 size_t ne)
{
	for (size_t i = 0; i < nb; i++) {
		int seen = 0; /* an airing counts once for a bulletin, however often it holds it */
		for (size_t j = 0; j < i && !seen; j++)
			seen = bulletins[j] == bulletins[i];
		for (size_t k = 0; k < p->nb && !seen; k++)
			if (p->b[k].id == bulletins[i])
				p->b[k].airings_done++;
	}
	for (size_t i = 0; i < ne; i++)
		for (size_t k = 0; k < p->nq; k++)
			if (p->q[k].entry_id == entries[i]) {
				/* keeps the order: entries are offered oldest first */
				memmove(&p->q[k], &p->q[k + 1], (p->nq - k - 1) * sizeof *p->q);
				p->nq--;
				break;
			}
}

/* The longest the programme may last with the bulletins of the pool. */
static double
longest(const struct sched_pool *p, const struct config_program *tpl, int64_t now_ms)
{
	double total = 0;
	for (size_t i = 0; i < tpl->n_items; i++) {
		const struct config_item *it = &tpl->items[i];
		total += pl_template_item_estimate(it);
		if (it->kind != CONFIG_ITEM_QUEUE)
			continue;
		for (size_t k = 0; k < p->nb; k++)
			if (sched_bulletin_airable(&p->b[k], now_ms))
				total += p->b[k].length_s + it->gap;
	}
	if (tpl->max_minutes > 0 && total > tpl->max_minutes * 60)
		total = tpl->max_minutes * 60;
	return total;
}

/* The first instant of any slot strictly after t (ms), or -1; its slot in *which. */
static int64_t
next_any(const struct sched *s, int64_t t, size_t *which)
{
	int64_t best = -1;
	for (size_t i = 0; i < s->n; i++) {
		int64_t n = sched_cal_next(s->slots[i].cal, t / 1000);
		if (n >= 0 && (best < 0 || n * 1000 < best)) {
			best = n * 1000;
			*which = i;
		}
	}
	return best;
}

size_t
sched_overruns(const struct sched *s, const struct config *cfg, const struct sched_pool *p,
	       int64_t now_ms, size_t instants, struct sched_overrun **out)
{
	*out = xcalloc(s->n + 1, sizeof **out);
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct config_program *tpl = config_program_find(cfg, s->slots[i].program);
		if (!tpl)
			continue;
		double gap = -1;
		size_t after = i;
		int64_t t = now_ms;
		for (size_t k = 0; k < instants; k++) {
			int64_t at = sched_cal_next(s->slots[i].cal, t / 1000);
			if (at < 0)
				break;
			t = at * 1000;
			size_t which = i;
			int64_t next = next_any(s, t, &which);
			if (next >= 0 && (gap < 0 || (double)(next - t) / 1000 < gap)) {
				gap = (double)(next - t) / 1000;
				after = which;
			}
		}
		double len = longest(p, tpl, now_ms);
		if (gap >= 0 && len > gap)
			(*out)[n++] = (struct sched_overrun){ i, len, gap, after };
	}
	return n;
}
