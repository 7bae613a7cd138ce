/*
 * The commands that go to the running daemon over its control socket:
 * status, air, stop, reload.  Only the daemon airs.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "ops/ops.h"
#include "reports/reports.h"

/* Sends one request and returns the parsed answer, or NULL after printing why (ops_daemon_ask()). */
static json_t *
ask(struct cli *cli, json_t *req)
{
	json_t *ans;
	char err[ERRLEN];
	if (ops_daemon_ask(cli->cfg, req, 10000, &ans, err) < 0) {
		cli_error("%s", err);
		return NULL;
	}
	return ans;
}

/* Prints the daemon's message, if any, and returns 0. */
static int
print_answer(json_t *ans)
{
	const char *msg = json_string_value(json_object_get(ans, "message"));
	if (msg)
		printf("%s\n", msg);
	json_decref(ans);
	return 0;
}

static const char *usage_text; /* for the help of simple() */

static void
print_usage(void)
{
	fputs(usage_text, stdout);
}

/* A request without arguments: `loaxa stop`, `loaxa reload`. */
static int
simple(struct cli *cli, int argc, char **argv, const char *usage)
{
	usage_text = usage;
	int rc = cli_operands(argc, argv, argv[0], NULL, print_usage);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind < argc)
		return cli_usage_error(argv[0], _("unexpected argument '%s'"), argv[optind]);
	json_t *req = json_pack("{s:s}", "cmd", argv[0]);
	json_t *ans = ask(cli, req);
	json_decref(req);
	return ans ? print_answer(ans) : 1;
}

int
cmd_stop(struct cli *cli, int argc, char **argv)
{
	return simple(cli, argc, argv,
		      _("Usage: loaxa stop\n\nFades out what is airing now; the log records it as interrupted.\n"));
}

int
cmd_reload(struct cli *cli, int argc, char **argv)
{
	return simple(cli, argc, argv,
		      _("Usage: loaxa reload\n\nThe daemon re-reads its configuration; a configuration with errors is refused\nand the old one stays in force.\n"));
}

/* What `air` does, in the reader's language, from the daemon's facts (ops_air_words()). */
static void
say_air(json_t *ans, long long id, const char *program)
{
	char words[ERRLEN];
	ops_air_words(ans, id, program, words, sizeof words);
	fputs(words, stdout);
}

/* "--at", "--repeat N --every M": requests the daemon keeps (ops_air_at()). */
static int
air_later(struct cli *cli, long long id, const char *klass, int64_t at_ms, int repeat, int every,
	  const char *zones, int now_too)
{
	struct ops *o = cli_ops(cli);
	if (!o)
		return 1;
	char err[ERRLEN];
	int64_t first;
	int rc = ops_air_at(o, id, klass, at_ms, repeat, every, zones, ops_unix_user(), &first, err);
	if (rc < 0)
		return cli_error("%s", err);
	int64_t now = time_now_ms();
	char when[64], last[64];
	ops_when(at_ms, now, when, sizeof when);
	ops_when(at_ms + (int64_t)(repeat - 1) * every * 60000, now, last, sizeof last);
	if (now_too)
		printf(_("It airs again %d more time(s), every %d minutes, from %s to %s.\n"), repeat,
		       every, when, last);
	else if (repeat > 1)
		printf(_("Bulletin %lld airs at %s, then every %d minutes until %s (%d airings).\n"), id,
		       when, every, last, repeat);
	else
		printf(_("Bulletin %lld airs at %s.\n"), id, when);
	return 0;
}

int
cmd_air(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "program", required_argument, NULL, 'p' },
		{ "class", required_argument, NULL, 'c' },
		{ "at", required_argument, NULL, 'a' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "every", required_argument, NULL, 'e' },
		{ "zone", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *program = NULL, *klass = NULL, *at = NULL;
	const char *zone[CONFIG_MAX_ZONES]; /* --zone NAME, repeatable */
	size_t nzone = 0;
	long repeat = 1, every = 0;
	char *end;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "air", NULL)) != -1) {
		switch (c) {
		case 'p': program = optarg; break;
		case 'c': klass = optarg; break;
		case 'a': at = optarg; break;
		case 'r':
			repeat = strtol(optarg, &end, 10);
			if (*end || end == optarg || repeat < 1 || repeat > OPS_AIR_MAX_REPEAT)
				return cli_usage_error("air", _("--repeat is a number of airings from 1 to %d."),
						       OPS_AIR_MAX_REPEAT);
			break;
		case 'e':
			every = strtol(optarg, &end, 10);
			if (*end || end == optarg || every < 1 || every > 24 * 60)
				return cli_usage_error("air", _("--repeat needs --every MINUTES (1 to 1440): how long between the airings."));
			break;
		case 'z':
			if (cli_check_name(cli, CLI_ZONE, optarg))
				return 1;
			if (nzone < CONFIG_MAX_ZONES)
				zone[nzone++] = optarg;
			break;
		case 'h':
			printf(_("Usage: loaxa air BULLETIN_ID [--class emergency] [--at \"YYYY-MM-DD HH:MM\"]\n"
				 "                 [--repeat N --every MINUTES]\n"
				 "       loaxa air --program NAME\n\n"
				 "Airs at once if nothing is airing, else right after it.  An emergency\n"
				 "bulletin (or --class emergency) cuts in at once: what is airing fades out\n"
				 "within half a second and is logged as cut by it; the alert tone\n"
				 "(emergency_jingle) plays first.  --at airs once at that local time,\n"
				 "without changing the configuration; --repeat N --every MINUTES airs N\n"
				 "times.  The daemon keeps timed airings across restarts.\n"));
			/* apart, so that the text above keeps its translation */
			printf(_("--zone NAME (repeatable) airs it to those zones (cụm loa) only; without it, to\n"
				 "every zone.\n"));
			return 0;
		default: /* cli_getopt() said why */
			return EXIT_USAGE;
		}
	}
	long long id = 0;
	if (optind < argc) {
		id = cli_parse_id(argv[optind]);
		if (id < 0 || optind + 1 != argc)
			return cli_usage_error("air", _("'%s' is not a bulletin id"), argv[optind]);
	}
	if (!id == !program)
		return cli_usage_error("air", _("give a BULLETIN_ID or --program NAME"));
	if (klass && strcmp(klass, "emergency") != 0 && strcmp(klass, "normal") != 0 &&
	    strcmp(klass, "priority") != 0)
		return cli_usage_error("air", _("--class is normal, priority or emergency (got %s)"), klass);
	if (program && (at || repeat > 1))
		return cli_usage_error("air", _("--at and --repeat air a bulletin, not a programme"));
	if (repeat > 1 && !every)
		return cli_usage_error("air", _("--repeat needs --every MINUTES (1 to 1440): how long between the airings."));
	if (program && cli_check_name(cli, CLI_PROGRAM, program))
		return 1;
	struct sbuf zones = { 0 }; /* "thon-1,thon-3", as ops/ and the daemon take them */
	for (size_t i = 0; i < nzone; i++)
		sbuf_addf(&zones, "%s%s", i ? "," : "", zone[i]);
	if (at) {
		int64_t at_ms;
		char err[ERRLEN];
		if (time_parse_local(at, &at_ms, err) < 0) {
			sbuf_free(&zones);
			return cli_error("%s", err);
		}
		int rc = air_later(cli, id, klass, at_ms, (int)repeat, (int)every, zones.s, 0);
		sbuf_free(&zones);
		return rc;
	}
	json_t *req = json_pack("{s:s}", "cmd", "air");
	if (id)
		json_object_set_new(req, "bulletin", json_integer(id));
	if (program)
		json_object_set_new(req, "program", json_string(program));
	if (klass)
		json_object_set_new(req, "class", json_string(klass));
	if (nzone)
		json_object_set_new(req, "zones", json_string(zones.s));
	json_t *ans = ask(cli, req);
	json_decref(req);
	int rc = 1;
	if (ans) {
		say_air(ans, id, program);
		json_decref(ans);
		rc = repeat > 1 ? air_later(cli, id, klass, time_now_ms() + every * 60000,
					    (int)repeat - 1, (int)every, zones.s, 1)
				: 0;
	}
	sbuf_free(&zones);
	return rc;
}

/*
 * Each IP zone with an admin password: how many listen to its mount now,
 * asked of the Icecast server itself (not of the daemon).
 */
static json_t *
ip_zone_listeners(const struct config *c)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->n_zones; i++) {
		const struct config_zone *z = &c->zones[i];
		if (!z->icecast || !z->icecast_admin_password_file)
			continue;
		char err[ERRLEN] = "", *pw = NULL;
		size_t len;
		int n = -1;
		if (file_read_all(z->icecast_admin_password_file, 4096, &pw, &len, err) == 0) {
			pw[strcspn(pw, "\r\n")] = 0;
			n = audio_icecast_listeners(z->icecast, pw, err);
		}
		free(pw);
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o}", "zone", z->name, "icecast", z->icecast,
						   "listeners", n >= 0 ? json_integer(n) : json_null(),
						   "error", n >= 0 ? json_null() : json_string(err)));
	}
	return a;
}

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", NULL };
	int json;
	usage_text = _("Usage: loaxa status [--format text|json]\n\nWhat the daemon is airing, how far it is, and the next airing.\n");
	int rc = cli_format_option(argc, argv, "status", NULL, formats, &json, print_usage);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind < argc)
		return cli_usage_error("status", _("unexpected argument '%s'"), argv[optind]);
	json_t *req = json_pack("{s:s}", "cmd", "status");
	json_t *ans = ask(cli, req);
	json_decref(req);
	if (!ans)
		return 1;
	json_t *ip = ip_zone_listeners(cli->cfg);
	if (json) {
		json_object_del(ans, "ok");
		json_object_set_new(ans, "ip_zones", ip);
		json_dumpf(ans, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(ans);
		return 0;
	}
	json_t *p = json_object_get(ans, "playing");
	char prog[64], when[64];
	int64_t now = time_now_ms();
	if (json_is_object(p)) {
		const char *item = json_string_value(json_object_get(p, "item"));
		ops_when(json_integer_value(json_object_get(p, "started_ms")), now, when, sizeof when);
		printf(_("Airing:   %s (programme %s), %.0f of %.0f s, since %s\n"),
		       json_string_value(json_object_get(p, "slot")) ?: _("manual"),
		       report_program_label(json_string_value(json_object_get(p, "program")), prog,
					    sizeof prog),
		       json_number_value(json_object_get(p, "position_s")),
		       json_number_value(json_object_get(p, "length_s")), when);
		if (item)
			printf(_("On air:   %s\n"), item);
	} else {
		printf(_("Airing:   nothing\n"));
	}
	json_t *n = json_object_get(ans, "next");
	if (json_is_object(n)) {
		ops_when(json_integer_value(json_object_get(n, "at_ms")), now, when, sizeof when);
		const char *slot = json_string_value(json_object_get(n, "slot"));
		const char *what = report_program_label(json_string_value(json_object_get(n, "program")),
							prog, sizeof prog);
		if (slot)
			printf(_("Next:     %s, slot %s, programme %s\n"), when, slot, what);
		else
			printf(_("Next:     %s, %s\n"), when, what);
		json_t *t = json_object_get(n, "titles");
		size_t i;
		json_t *v;
		json_array_foreach(t, i, v)
			printf("          %s\n", json_string_value(v));
		const char *state = json_string_value(json_object_get(n, "state"));
		if (state && strcmp(state, "ready") == 0)
			printf(_("Ready:    yes, rendered and waiting for its time\n"));
		else if (state && strcmp(state, "rendering") == 0)
			printf(_("Ready:    not yet, it is being rendered\n"));
		else if (state) {
			int64_t prep = json_integer_value(json_object_get(n, "at_ms")) -
				       (int64_t)cli->cfg->lead_seconds * 1000;
			ops_when(prep, now, when, sizeof when);
			printf(_("Ready:    not yet, its bulletins are picked and rendered at %s\n"), when);
		}
	} else {
		printf(_("Next:     no slot falls again\n"));
	}
	size_t i;
	json_t *v;
	json_array_foreach(ip, i, v) {
		const char *zone = json_string_value(json_object_get(v, "zone"));
		json_t *n = json_object_get(v, "listeners");
		if (json_is_integer(n))
			printf(_("IP zone:  %s, %lld listening\n"), zone, (long long)json_integer_value(n));
		else
			printf(_("IP zone:  %s, listeners unknown: %s\n"), zone,
			       json_string_value(json_object_get(v, "error")));
	}
	json_decref(ip);
	const char *cfg = json_string_value(json_object_get(ans, "config"));
	printf(_("Config:   %s\n"), cfg ? cfg : _("built-in defaults"));
	json_decref(ans);
	return 0;
}
