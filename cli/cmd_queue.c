/*
 * loaxa queue — ask for a bulletin in a given slot, at a slot's instant,
 * or in the next slot (ops/queue.c), and say where and when it airs.  The
 * daemon consumes an entry when the airing that carried the bulletin
 * completes, and expires one for a slot instant that passed without it.
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
#include "store/store.h"

static void
help(void)
{
	printf(_("Usage: loaxa queue add BULLETIN_ID [--slot NAME [--days N] | --at \"YYYY-MM-DD HH:MM\"] [-q]\n"
		 "       loaxa queue list [--format text|csv|json]\n"
		 "       loaxa queue remove ENTRY_ID\n\n"
		 "add asks for the bulletin in the next slot, in the next airing of slot NAME\n"
		 "(with --days N: in each of its airings in the next N days), or in the slot\n"
		 "that falls at the given local time, and says where and when it will air.\n"
		 "A time no slot falls at is refused; 'loaxa air ID --at' airs at any time.\n"
		 "-q prints only the entry ids, one a line.  An entry for one slot airing\n"
		 "that passed without it expires and leaves the list.\n"));
	/* apart, so that the text above keeps its translation */
	printf(_("add --zone NAME (repeatable): only into an airing to none but these zones (cụm loa).\n"));
}

static int
queue_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slot", required_argument, NULL, 's' },
		{ "at", required_argument, NULL, 'a' },
		{ "days", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "zone", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *slot = NULL, *at = NULL;
	int c, quiet = 0;
	long days = 0;
	const char *zone[CONFIG_MAX_ZONES]; /* --zone NAME, repeatable */
	size_t nzone = 0;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "hq", opts, "queue", "queue add")) != -1) {
		switch (c) {
		case 's': slot = optarg; break;
		case 'a': at = optarg; break;
		case 'q': quiet = 1; break;
		case 'z':
			if (nzone < CONFIG_MAX_ZONES)
				zone[nzone++] = optarg;
			break;
		case 'd': {
			char *end;
			days = strtol(optarg, &end, 10);
			if (*end || end == optarg || days < 1 || days > 366)
				return cli_usage_error("queue", _("--days is a number of days from 1 to %d."), 366);
			break;
		}
		case 'h': help(); return 0;
		default: return EXIT_USAGE; /* cli_getopt() said why */
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("queue", _("add needs one BULLETIN_ID"));
	if (slot && at)
		return cli_usage_error("queue", _("give --slot or --at, not both"));
	if (days && !slot && !at)
		return cli_usage_error("queue", _("--days needs --slot NAME (or --at): the slot to ask for each day."));
	long long id = cli_parse_id(argv[optind]);
	if (id < 0)
		return cli_usage_error("queue", _("'%s' is not a bulletin id"), argv[optind]);
	char err[ERRLEN];
	if (slot && cli_check_name(cli, CLI_SLOT, slot))
		return 1;
	struct ops *o = cli_ops(cli);
	if (!o)
		return 1;
	/* the zones, "thon-1,thon-3", are ops_queue_request()'s to check */
	struct sbuf zones = { 0 };
	for (size_t i = 0; i < nzone; i++)
		sbuf_addf(&zones, "%s%s", i ? "," : "", zone[i]);
	struct ops_queue_where *w;
	size_t n;
	int rc = ops_queue_request(o, id, slot, at, (int)days, zones.s, ops_unix_user(), &w, &n,
				   err);
	sbuf_free(&zones);
	if (rc < 0 && !n)
		return cli_error("%s", err);
	int64_t now = time_now_ms();
	for (size_t i = 0; i < n; i++) {
		char when[64];
		ops_when(w[i].at_ms, now, when, sizeof when);
		if (quiet)
			printf("%lld\n", (long long)w[i].entry);
		else if (!slot && !at)
			printf(_("Entry %lld: bulletin %lld airs in the next slot, %s at %s.\n"),
			       (long long)w[i].entry, id, w[i].slot, when);
		else
			printf(_("Entry %lld: bulletin %lld airs in slot %s at %s.\n"),
			       (long long)w[i].entry, id, w[i].slot, when);
	}
	free(w);
	if (rc < 0) /* some entries went in before the store refused one */
		return cli_error("%s", err);
	return 0;
}

struct list_ctx {
	struct store *st;
	const struct config *cfg;
	int64_t now;
	struct cli_list l;
};

static int
list_row(const struct store_queue_entry *e, void *arg)
{
	struct list_ctx *x = arg;
	struct store_bulletin b = { 0 };
	char err[ERRLEN], when[80] = "", id[24], bid[24], iso[40];
	/* its slot airing passed without it: expired (the daemon logs it so) */
	if (ops_queue_expired(x->cfg, e, x->now))
		return 0;
	store_bulletin_get(x->st, e->bulletin_id, &b, err);
	if (e->at_ms && e->slot) {
		char t[64];
		ops_when(e->at_ms, x->now, t, sizeof t);
		snprintf(when, sizeof when, "%s %s", e->slot, t);
	} else if (e->at_ms) {
		time_format(e->at_ms, _("%Y-%m-%d %H:%M"), when, sizeof when);
	}
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
	const char *cells[] = { id, bid, e->at_ms ? when : (e->slot ? e->slot : _("next slot")),
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
		{ N_("ENTRY"), -5 }, { N_("BULLETIN"), -8 }, { N_("FOR"), 22 }, { N_("TITLE"), 0 },
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
	x.cfg = cli->cfg;
	x.now = time_now_ms();
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
