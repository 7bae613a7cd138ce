/*
 * loaxa queue — ask for a bulletin in a given slot, at a given time (the
 * first slot at or after it), or in the next slot.  The daemon consumes an
 * entry when the airing that carried the bulletin completes.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "store/store.h"

static void
help(void)
{
	printf(_("Usage: loaxa queue add BULLETIN_ID [--slot NAME | --at \"YYYY-MM-DD HH:MM\"]\n"
		 "       loaxa queue list [--format text|csv|json]\n"
		 "       loaxa queue remove ENTRY_ID\n\n"
		 "add asks for the bulletin in the next slot, in the next airing of slot NAME,\n"
		 "or in the first slot at or after the given local time, and prints the entry id.\n"));
	/* apart, so that the text above keeps its translation */
	printf(_("add --zone NAME (repeatable): only into an airing to none but these zones (cụm loa).\n"));
}

static int
queue_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slot", required_argument, NULL, 's' },
		{ "at", required_argument, NULL, 'a' },
		{ "zone", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *slot = NULL, *at = NULL;
	const char *zone[CONFIG_MAX_ZONES + 1];
	size_t nzone = 0;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "queue", "queue add")) != -1) {
		switch (c) {
		case 's': slot = optarg; break;
		case 'a': at = optarg; break;
		case 'z':
			if (cli_check_name(cli, CLI_ZONE, optarg))
				return 1;
			if (nzone < CONFIG_MAX_ZONES)
				zone[nzone++] = optarg;
			break;
		case 'h': help(); return 0;
		default: return EXIT_USAGE; /* cli_getopt() said why */
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("queue", _("add needs one BULLETIN_ID"));
	if (slot && at)
		return cli_usage_error("queue", _("give --slot or --at, not both"));
	long long id = cli_parse_id(argv[optind]);
	if (id < 0)
		return cli_usage_error("queue", _("'%s' is not a bulletin id"), argv[optind]);
	char err[ERRLEN];
	if (slot && cli_check_name(cli, CLI_SLOT, slot))
		return 1;
	int64_t at_ms = 0;
	if (at && time_parse_local(at, &at_ms, err) < 0)
		return cli_error("%s", err);
	if (at && at_ms < time_now_ms() - 60000)
		return cli_error(_("%s is in the past; give a time to come."), at);
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	struct store_bulletin b;
	if (store_bulletin_get(st, id, &b, err) < 0)
		return cli_error("%s", err);
	int rc = 0;
	if (strcmp(b.state, "approved") != 0)
		rc = cli_error(_("Bulletin %lld is %s; only approved bulletins air ('loaxa bulletin approve %lld')."),
			       id, _(b.state), id);
	store_bulletin_clear(&b);
	if (rc)
		return rc;
	struct store_queue_entry e = { .bulletin_id = id, .slot = (char *)slot, .at_ms = at_ms };
	struct sbuf zones = { 0 }; /* --zone, repeatable: "thon-1,thon-3" */
	for (size_t i = 0; i < nzone; i++)
		sbuf_addf(&zones, "%s%s", i ? "," : "", zone[i]);
	e.zones = zones.s;
	rc = store_queue_add(st, &e, err);
	sbuf_free(&zones);
	if (rc < 0)
		return cli_error("%s", err);
	printf("%lld\n", (long long)e.id);
	cli_poke_daemon(cli);
	return 0;
}

struct list_ctx {
	struct store *st;
	struct cli_list l;
};

static int
list_row(const struct store_queue_entry *e, void *arg)
{
	struct list_ctx *x = arg;
	struct store_bulletin b = { 0 };
	char err[ERRLEN], when[40] = "", id[24], bid[24], iso[40];
	store_bulletin_get(x->st, e->bulletin_id, &b, err);
	if (e->at_ms)
		time_format(e->at_ms, _("%Y-%m-%d %H:%M"), when, sizeof when);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "bulletin_id", json_integer(e->bulletin_id));
	json_object_set_new(o, "title", b.title ? json_string(b.title) : json_null());
	json_object_set_new(o, "slot", e->slot ? json_string(e->slot) : json_null());
	json_object_set_new(o, "zones", e->zones ? json_string(e->zones) : json_null());
	if (e->at_ms)
		time_iso8601(e->at_ms, iso);
	json_object_set_new(o, "at", e->at_ms ? json_string(iso) : json_null());
	time_iso8601(e->created_at, iso);
	json_object_set_new(o, "created_at", json_string(iso));
	snprintf(id, sizeof id, "%lld", (long long)e->id);
	snprintf(bid, sizeof bid, "%lld", (long long)e->bulletin_id);
	const char *cells[] = { id, bid, e->slot ? e->slot : (e->at_ms ? when : _("next slot")),
				b.title ? b.title : "" };
	cli_list_row(&x->l, cells, o);
	store_bulletin_clear(&b);
	return 0;
}

static int
queue_list(struct cli *cli, int argc, char **argv)
{
	static const char *const formats[] = { "text", "csv", "json", NULL };
	static const struct cli_col cols[] = {
		{ N_("ENTRY"), -5 }, { N_("BULLETIN"), -8 }, { N_("FOR"), 16 }, { N_("TITLE"), 0 },
	};
	static const char *const fields[] = { "id", "bulletin_id", "slot", "at", "created_at",
					      "title", NULL };
	struct list_ctx x = { .l = { .cols = cols, .n_cols = ARRAY_LEN(cols), .fields = fields } };
	int rc = cli_format_option(argc, argv, "queue", "queue list", formats, &x.l.format, help);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind != argc)
		return cli_usage_error("queue", _("unexpected argument '%s'"), argv[optind]);
	x.st = cli_store(cli);
	if (!x.st)
		return 1;
	char err[ERRLEN];
	cli_list_begin(&x.l);
	rc = store_queue_list(x.st, list_row, &x, err);
	cli_list_end(&x.l, _("(the queue is empty)\n"));
	return rc < 0 ? cli_error("%s", err) : 0;
}

static int
queue_remove(struct cli *cli, int argc, char **argv)
{
	int rc = cli_operands(argc, argv, "queue", "queue remove", help);
	if (rc)
		return rc < 0 ? 0 : rc;
	long long id = cli_one_id(argc, argv, "queue", _("remove needs one ENTRY_ID"),
				  _("'%s' is not a queue entry id"));
	if (id < 0)
		return EXIT_USAGE;
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	char err[ERRLEN];
	if (store_queue_remove(st, id, err) < 0)
		return cli_error("%s", err);
	cli_poke_daemon(cli);
	return 0;
}

int
cmd_queue(struct cli *cli, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "add", queue_add }, { "list", queue_list }, { "remove", queue_remove },
	};
	return cli_dispatch(cli, argc, argv, subs, ARRAY_LEN(subs), help);
}
