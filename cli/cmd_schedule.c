/*
 * loaxa schedule — the coming airings: when, which slot and programme, the
 * bulletins that would go in, and the expected length; a warning when this
 * month's CCHC bulletins, aired and planned, fall short of the target.
 * What is planned and counted is ops_schedule(), as the web console's
 * schedule is; this file reads the options and prints.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "ops/ops.h"

/*
 * The zones an airing goes to (the slot's, NULL: every zone); none (JSON
 * null, nothing in the text) when the configuration has no zones.
 */
static json_t *
zones_json(const struct config *c, char *const *zones)
{
	if (!c->n_zones)
		return json_null();
	json_t *a = json_array();
	if (zones)
		for (char *const *z = zones; *z; z++)
			json_array_append_new(a, json_string(*z));
	else
		for (size_t i = 0; i < c->n_zones; i++)
			json_array_append_new(a, json_string(c->zones[i].name));
	return a;
}

static void
zones_text(const struct config *c, char *const *zones, struct sbuf *b)
{
	if (!c->n_zones)
		return;
	if (!b->s)
		sbuf_adds(b, "-");
	if (!zones) {
		sbuf_addf(b, "  %s", _("→ every zone"));
		return;
	}
	sbuf_adds(b, "  →");
	for (char *const *z = zones; *z; z++)
		sbuf_addf(b, "%s%s", z == zones ? " " : ",", *z);
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
	struct ops *ops = cli_ops(cli);
	if (!ops)
		return 1;
	char err[ERRLEN];
	struct ops_schedule sc;
	if (ops_schedule(ops, time_now_ms(), days, 0, &sc, err) < 0)
		return cli_error("%s", err);
	json_t *arr = json_array();
	if (!json)
		printf("%-16s  %-8s  %-10s  %7s  %s\n", _("WHEN"), _("SLOT"), _("PROGRAMME"), _("LENGTH"),
		       _("BULLETINS"));
	for (size_t r = 0; r < sc.n; r++) {
		const struct ops_airing_plan *x = &sc.airings[r];
		char when[32], iso[40];
		time_format(x->at_ms, "%Y-%m-%d %H:%M", when, sizeof when);
		time_iso8601(x->at_ms, iso);
		if (json) {
			json_t *o = json_pack("{s:s,s:s,s:s,s:f,s:i,s:b}", "at", iso, "slot", x->slot,
					      "program", x->program, "expected_length_s",
					      x->expected_length_s, "left_for_later",
					      (json_int_t)x->left_for_later, "planned", x->planned);
			json_t *ids = json_array();
			for (size_t i = 0; i < x->n_bulletins; i++)
				json_array_append_new(ids, json_integer(x->bulletins[i]));
			json_object_set_new(o, "bulletins", ids);
			json_object_set_new(o, "zones", zones_json(cli->cfg, x->zones));
			json_array_append_new(arr, o);
		} else {
			struct sbuf b = { 0 };
			for (size_t i = 0; i < x->n_bulletins; i++)
				sbuf_addf(&b, "%s#%lld", i ? " " : "", (long long)x->bulletins[i]);
			if (x->left_for_later)
				sbuf_addf(&b, _(" (+%zu later)"), x->left_for_later);
			zones_text(cli->cfg, x->zones, &b);
			int m = (int)(x->expected_length_s / 60);
			printf("%-16s  %-8s  %-10s  %3d:%02d  %s\n", when, x->slot, x->program, m,
			       (int)(x->expected_length_s - m * 60), b.s ? b.s : "-");
			sbuf_free(&b);
		}
	}
	const char *month = sc.month;
	int target = sc.target;
	size_t planned = (size_t)sc.cchc_planned;
	int short_of = !sc.met;
	if (json) {
		json_t *o = json_pack("{s:o,s:{s:s,s:i,s:i,s:i,s:b}}", "airings", arr, "cchc_month",
				      "month", month, "aired", (json_int_t)sc.cchc_aired,
				      "aired_and_planned", (json_int_t)planned, "target", target, "met",
				      !short_of);
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		json_decref(arr);
	}
	if (short_of)
		fprintf(stderr, _("loaxa: warning: %s: %zu CCHC bulletin(s) aired or planned this month, the target is %d; add or queue more.\n"),
			month, planned, target);
	ops_schedule_free(&sc);
	return 0;
}
