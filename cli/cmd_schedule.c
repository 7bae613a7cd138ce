/*
 * loaxa schedule — the coming airings: when, which slot and programme, the
 * bulletins that would go in, and the expected length; a warning when this
 * month's CCHC bulletins, aired and planned, fall short of the target.
 *
 * The airings the running daemon has already planned are shown as it
 * planned them (it says so over the control socket), and count as aired, as
 * the daemon counts them; the later ones are foreseen with the daemon's own
 * picker, each counted in turn.  "This month so far" is the report's figure
 * (report_build(): the counting view of store/).
 */
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
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

/* A bulletin the report counts this month, if its topic is CCHC (as the report decides). */
static int
count_aired(const struct store_count_row *r, void *arg)
{
	struct cchc_count *c = arg;
	const struct config_topic *t = r->topic ? config_topic_find(c->cfg, r->topic) : NULL;
	if (t && t->cchc)
		count_add(c, r->bulletin_id);
	return 0;
}

/*
 * The running daemon's airings not yet logged (status "planned"), or NULL
 * when it does not answer: then nothing is planned but what the log says.
 */
static json_t *
daemon_planned(struct cli *cli)
{
	const char *path = cli->cfg->control_socket;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!path || strlen(path) >= sizeof sa.sun_path)
		return NULL;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	static const char req[] = "{\"cmd\":\"status\"}\n";
	struct sbuf b = { 0 };
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    write(fd, req, sizeof req - 1) == (ssize_t)sizeof req - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char buf[4096];
		ssize_t n;
		while (poll(&p, 1, 5000) > 0 && (n = read(fd, buf, sizeof buf)) > 0) {
			sbuf_add(&b, buf, (size_t)n);
			if (memchr(buf, '\n', (size_t)n))
				break;
		}
	}
	close(fd);
	json_t *ans = b.s ? json_loads(b.s, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	sbuf_free(&b);
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

/* One coming airing. */
struct row {
	int64_t at;
	const char *slot, *program; /* borrowed from the configuration */
	int64_t *ids;
	size_t n, left;
	double length;
	int planned; /* by the running daemon */
};

/*
 * The zones a slot airs to: its own, else every zone; none (JSON null,
 * nothing in the text) when the configuration has no zones.
 */
static json_t *
slot_zones_json(const struct config *c, const char *slot)
{
	if (!c->n_zones)
		return json_null();
	const struct config_slot *sl = config_slot_find(c, slot);
	json_t *a = json_array();
	if (sl && sl->zones)
		for (char **z = sl->zones; *z; z++)
			json_array_append_new(a, json_string(*z));
	else
		for (size_t i = 0; i < c->n_zones; i++)
			json_array_append_new(a, json_string(c->zones[i].name));
	return a;
}

static void
slot_zones_text(const struct config *c, const char *slot, struct sbuf *b)
{
	if (!c->n_zones)
		return;
	const struct config_slot *sl = config_slot_find(c, slot);
	if (!b->s)
		sbuf_adds(b, "-");
	if (!sl || !sl->zones) {
		sbuf_addf(b, "  %s", _("→ every zone"));
		return;
	}
	sbuf_adds(b, "  →");
	for (char **z = sl->zones; *z; z++)
		sbuf_addf(b, "%s%s", z == sl->zones ? " " : ",", *z);
}

static int
row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	return a->at < b->at ? -1 : a->at > b->at;
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
	/* this month so far: the report's own figure, and its bulletins */
	int y0, m0, y1, m1;
	char label[48];
	struct report *rep = NULL;
	if (report_period(NULL, NULL, NULL, NULL, &y0, &m0, &y1, &m1, label, sizeof label, err) == 0)
		rep = report_build(st, cli->cfg, y0, m0, y1, m1, label, NULL, time_now_ms(), err);
	struct cchc_count cc = { cli->cfg };
	if (!rep || store_report_counts(st, rep->from, rep->until, NULL, count_aired, &cc, err) < 0) {
		report_free(rep);
		sched_pool_free(pool);
		sched_free(s);
		return cli_error("%s", err);
	}
	size_t aired_cchc = (size_t)rep->months[0].c.cchc_bulletins;
	int64_t now = time_now_ms(), m_until = rep->until;
	report_free(rep);

	struct row *rows = NULL;
	size_t nrows = 0;
	for (size_t i = 0; i < s->n; i++) {
		int64_t last = 0;
		store_airing_last(st, s->slots[i].name, &last, err);
		s->slots[i].last_ms = last > now ? last : 0;
	}
	/* what the daemon holds counts as aired, and its planned slots are shown as it planned them */
	json_t *planned = daemon_planned(cli);
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
		for (size_t i = 0; i < nb; i++) {
			const char *topic = sched_pool_topic(pool, ids[i]);
			const struct config_topic *tp = topic ? config_topic_find(cli->cfg, topic) : NULL;
			if (tp && tp->cchc && at < m_until)
				count_add(&cc, ids[i]);
		}
		const char *slot = json_string_value(json_object_get(p, "slot"));
		size_t si = 0;
		while (slot && si < s->n && strcmp(s->slots[si].name, slot) != 0)
			si++;
		const char *state = json_string_value(json_object_get(p, "state"));
		if (!slot || si == s->n || at < now || (state && strcmp(state, "planned") != 0 &&
							strcmp(state, "rendering") != 0 &&
							strcmp(state, "ready") != 0 &&
							strcmp(state, "armed") != 0)) {
			free(ids);
			continue;
		}
		struct sched_slot *sl = &s->slots[si];
		if (sl->last_ms < at)
			sl->last_ms = at;
		double gap;
		struct row r = { at, sl->name, sl->program, ids, nb, 0, 0, 1 };
		r.length = fixed_length(config_program_find(cli->cfg, sl->program), &gap);
		for (size_t i = 0; i < nb; i++)
			r.length += sched_pool_length(pool, ids[i]) + gap;
		rows = xrealloc(rows, (nrows + 1) * sizeof *rows);
		rows[nrows++] = r;
	}
	json_decref(planned);
	/* the rest: foreseen with the daemon's picker, each airing counted in turn */
	int64_t end = now + (int64_t)days * 86400000;
	int64_t t = now;
	size_t slot;
	while (sched_next(s, t, &slot, &t) == 0 && t <= end) {
		struct sched_slot *sl = &s->slots[slot];
		sl->last_ms = t;
		const struct config_program *tpl = config_program_find(cli->cfg, sl->program);
		struct row r = { t, sl->name, sl->program, NULL, 0, 0, 0, 0 };
		double gap;
		r.length = fixed_length(tpl, &gap);
		r.ids = xcalloc(1, sizeof *r.ids);
		if (tpl) {
			struct sched_pick *picks;
			sched_pool_slot_zones(pool, cli->cfg, sl->name);
			sched_pool_pick(pool, tpl, sl->name, t, 1, 1, &picks, &r.n, &r.left);
			r.ids = xrealloc(r.ids, (r.n + 1) * sizeof *r.ids);
			for (size_t i = 0; i < r.n; i++) {
				r.ids[i] = picks[i].bulletin_id;
				r.length += picks[i].length_s + gap;
				const char *topic = sched_pool_topic(pool, picks[i].bulletin_id);
				const struct config_topic *tp = topic ? config_topic_find(cli->cfg, topic) : NULL;
				if (tp && tp->cchc && t < m_until)
					count_add(&cc, picks[i].bulletin_id);
			}
			free(picks);
		}
		rows = xrealloc(rows, (nrows + 1) * sizeof *rows);
		rows[nrows++] = r;
	}
	if (nrows)
		qsort(rows, nrows, sizeof *rows, row_cmp);

	json_t *arr = json_array();
	if (!json)
		printf("%-16s  %-8s  %-10s  %7s  %s\n", _("WHEN"), _("SLOT"), _("PROGRAMME"), _("LENGTH"),
		       _("BULLETINS"));
	for (size_t r = 0; r < nrows; r++) {
		const struct row *x = &rows[r];
		char when[32], iso[40];
		time_format(x->at, "%Y-%m-%d %H:%M", when, sizeof when);
		time_iso8601(x->at, iso);
		if (json) {
			json_t *o = json_pack("{s:s,s:s,s:s,s:f,s:i,s:b}", "at", iso, "slot", x->slot,
					      "program", x->program, "expected_length_s", x->length,
					      "left_for_later", (json_int_t)x->left, "planned",
					      x->planned);
			json_t *ids = json_array();
			for (size_t i = 0; i < x->n; i++)
				json_array_append_new(ids, json_integer(x->ids[i]));
			json_object_set_new(o, "bulletins", ids);
			json_object_set_new(o, "zones", slot_zones_json(cli->cfg, x->slot));
			json_array_append_new(arr, o);
		} else {
			struct sbuf b = { 0 };
			for (size_t i = 0; i < x->n; i++)
				sbuf_addf(&b, "%s#%lld", i ? " " : "", (long long)x->ids[i]);
			if (x->left)
				sbuf_addf(&b, _(" (+%zu later)"), x->left);
			slot_zones_text(cli->cfg, x->slot, &b);
			int m = (int)(x->length / 60);
			printf("%-16s  %-8s  %-10s  %3d:%02d  %s\n", when, x->slot, x->program, m,
			       (int)(x->length - m * 60), b.s ? b.s : "-");
			sbuf_free(&b);
		}
		free(x->ids);
	}
	free(rows);
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
