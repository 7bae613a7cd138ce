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
		 "       loaxa queue list [--format text|json]\n"
		 "       loaxa queue remove ENTRY_ID\n\n"
		 "add asks for the bulletin in the next slot, in the next airing of slot NAME,\n"
		 "or in the first slot at or after the given local time, and prints the entry id.\n"));
}

static int
queue_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slot", required_argument, NULL, 's' },
		{ "at", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *slot = NULL, *at = NULL;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "queue", "queue add")) != -1) {
		switch (c) {
		case 's': slot = optarg; break;
		case 'a': at = optarg; break;
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
	if (store_queue_add(st, &e, err) < 0)
		return cli_error("%s", err);
	printf("%lld\n", (long long)e.id);
	cli_poke_daemon(cli);
	return 0;
}

struct list_ctx {
	struct store *st;
	int json, n;
};

static int
list_row(const struct store_queue_entry *e, void *arg)
{
	struct list_ctx *x = arg;
	struct store_bulletin b = { 0 };
	char err[ERRLEN], when[40] = "";
	store_bulletin_get(x->st, e->bulletin_id, &b, err);
	if (e->at_ms)
		time_format(e->at_ms, "%Y-%m-%d %H:%M", when, sizeof when);
	if (x->json) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(e->id));
		json_object_set_new(o, "bulletin_id", json_integer(e->bulletin_id));
		json_object_set_new(o, "title", b.title ? json_string(b.title) : json_null());
		json_object_set_new(o, "slot", e->slot ? json_string(e->slot) : json_null());
		char iso[40];
		if (e->at_ms)
			time_iso8601(e->at_ms, iso);
		json_object_set_new(o, "at", e->at_ms ? json_string(iso) : json_null());
		time_iso8601(e->created_at, iso);
		json_object_set_new(o, "created_at", json_string(iso));
		printf("%s", x->n ? ",\n  " : "\n  ");
		json_dumpf(o, stdout, JSON_COMPACT);
		json_decref(o);
	} else {
		const char *target = e->slot ? e->slot : (e->at_ms ? when : _("next slot"));
		printf("%5lld  %8lld  %-16s  %s\n", (long long)e->id, (long long)e->bulletin_id, target,
		       b.title ? b.title : "");
	}
	store_bulletin_clear(&b);
	x->n++;
	return 0;
}

static int
queue_list(struct cli *cli, int argc, char **argv)
{
	struct list_ctx x = { 0 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "json") == 0)
				x.json = 1;
			else if (strcmp(f, "text") != 0)
				return cli_usage_error("queue", _("--format is text or json (got %s)"), f);
		} else if (strcmp(argv[i], "--help") == 0) {
			help();
			return 0;
		} else {
			return cli_usage_error("queue", _("unexpected argument '%s'"), argv[i]);
		}
	}
	x.st = cli_store(cli);
	if (!x.st)
		return 1;
	if (x.json)
		printf("[");
	else
		printf("%5s  %8s  %-16s  %s\n", _("ENTRY"), _("BULLETIN"), _("FOR"), _("TITLE"));
	char err[ERRLEN];
	int rc = store_queue_list(x.st, list_row, &x, err);
	if (x.json)
		printf("%s]\n", x.n ? "\n" : "");
	else if (!x.n)
		printf(_("(the queue is empty)\n"));
	return rc < 0 ? cli_error("%s", err) : 0;
}

static int
queue_remove(struct cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error("queue", _("remove needs one ENTRY_ID"));
	long long id = cli_parse_id(argv[1]);
	if (id < 0)
		return cli_usage_error("queue", _("'%s' is not a queue entry id"), argv[1]);
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
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help();
		return argc < 2 ? EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	argc--, argv++;
	if (strcmp(sub, "add") == 0)
		return queue_add(cli, argc, argv);
	if (strcmp(sub, "list") == 0)
		return queue_list(cli, argc, argv);
	if (strcmp(sub, "remove") == 0)
		return queue_remove(cli, argc, argv);
	return cli_usage_error("queue", _("'%s' is not a queue subcommand"), sub);
}
