/*
 * loaxa schedule — the coming airings: when, which slot and programme, the
 * bulletins that would go in, and the expected length; a warning when this
 * month's CCHC bulletins, aired and planned, fall short of the target.
 * Looks ahead with the daemon's own picker, counting each planned airing.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
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

/* Local midnight of the first day of this month and of the next. */
static void
month_bounds(int64_t now, int64_t *from, int64_t *until)
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
cmd_schedule(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "days", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int days = 2, json = 0, c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "schedule", NULL)) != -1) {
		switch (c) {
		case 'd': {
			long long v = cli_parse_id(optarg);
			if (v < 1 || v > 366)
				return cli_usage_error("schedule", _("--days takes 1 to 366 (got %s)"), optarg);
			days = (int)v;
			break;
		}
		case 'o':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "text") != 0)
				return cli_usage_error("schedule", _("--format is text or json (got %s)"), optarg);
			break;
		case 'h':
			printf(_("Usage: loaxa schedule [--days N] [--format text|json]\n\n"
				 "The airings of the next N days (default 2): time, slot, programme, the\n"
				 "bulletins that would go in and the expected length.  Warns when this\n"
				 "month's CCHC bulletins fall short of targets.cchc_per_month.\n"));
			return 0;
		default: /* cli_getopt() said why */
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage_error("schedule", _("unexpected argument '%s'"), argv[optind]);
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	char err[ERRLEN];
	struct sched *s = sched_new(cli->cfg, err);
	if (!s)
		return cli_error("%s", err);
	struct sched_pool *pool = sched_pool_load(st, err);
	if (!pool) {
		sched_free(s);
		return cli_error("%s", err);
	}
	int64_t now = time_now_ms(), m_from, m_until;
	month_bounds(now, &m_from, &m_until);
	for (size_t i = 0; i < s->n; i++) {
		int64_t last = 0;
		store_airing_last(st, s->slots[i].name, &last, err);
		s->slots[i].last_ms = last > now ? last : 0;
	}
	struct cchc_count cc = { cli->cfg };
	store_log(st, m_from, m_until, NULL, NULL, count_aired, &cc, err);
	size_t aired_cchc = cc.n;

	json_t *arr = json_array();
	if (!json)
		printf("%-16s  %-8s  %-10s  %7s  %s\n", _("WHEN"), _("SLOT"), _("PROGRAMME"), _("LENGTH"),
		       _("BULLETINS"));
	int64_t end = now + (int64_t)days * 86400000;
	int64_t t = now;
	size_t slot;
	while (sched_next(s, t, &slot, &t) == 0 && t <= end) {
		struct sched_slot *sl = &s->slots[slot];
		sl->last_ms = t;
		const struct config_program *tpl = config_program_find(cli->cfg, sl->program);
		struct sched_pick *picks;
		size_t n = 0, left = 0;
		double length = 0;
		if (tpl) {
			sched_pool_pick(pool, tpl, sl->name, t, 1, 1, &picks, &n, &left);
			double gap = 0;
			for (size_t i = 0; i < tpl->n_items; i++)
				if (tpl->items[i].kind != CONFIG_ITEM_QUEUE)
					length += pl_template_item_estimate(&tpl->items[i]);
				else
					gap = tpl->items[i].gap;
			for (size_t i = 0; i < n; i++) {
				length += picks[i].length_s + gap;
				const char *topic = sched_pool_topic(pool, picks[i].bulletin_id);
				const struct config_topic *tp = topic ? config_topic_find(cli->cfg, topic) : NULL;
				if (tp && tp->cchc && t < m_until)
					count_add(&cc, picks[i].bulletin_id);
			}
		} else {
			picks = xcalloc(1, sizeof *picks);
		}
		char when[32], iso[40];
		time_format(t, "%Y-%m-%d %H:%M", when, sizeof when);
		time_iso8601(t, iso);
		if (json) {
			json_t *o = json_pack("{s:s,s:s,s:s,s:f,s:i}", "at", iso, "slot", sl->name,
					      "program", sl->program, "expected_length_s", length,
					      "left_for_later", (json_int_t)left);
			json_t *ids = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(ids, json_integer(picks[i].bulletin_id));
			json_object_set_new(o, "bulletins", ids);
			json_array_append_new(arr, o);
		} else {
			struct sbuf b = { 0 };
			for (size_t i = 0; i < n; i++)
				sbuf_addf(&b, "%s#%lld", i ? " " : "", (long long)picks[i].bulletin_id);
			if (left)
				sbuf_addf(&b, _(" (+%zu later)"), left);
			int m = (int)(length / 60);
			printf("%-16s  %-8s  %-10s  %3d:%02d  %s\n", when, sl->name, sl->program, m,
			       (int)(length - m * 60), b.s ? b.s : "-");
			sbuf_free(&b);
		}
		free(picks);
	}
	char month[16];
	time_format(now, "%Y-%m", month, sizeof month);
	int target = cli->cfg->cchc_per_month;
	int short_of = (int)cc.n < target;
	if (json) {
		json_t *o = json_pack("{s:o,s:{s:s,s:i,s:i,s:i,s:b}}", "airings", arr, "cchc_month",
				      "month", month, "aired", (json_int_t)aired_cchc, "aired_and_planned",
				      (json_int_t)cc.n, "target", target, "met", !short_of);
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		json_decref(arr);
	}
	if (short_of)
		fprintf(stderr, _("loaxa: warning: %s: %zu CCHC bulletin(s) aired or planned this month, the target is %d; add or queue more.\n"),
			month, cc.n, target);
	free(cc.ids);
	sched_pool_free(pool);
	sched_free(s);
	return 0;
}
