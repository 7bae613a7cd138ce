/*
 * The commands that go to the running daemon over its control socket:
 * status, air, stop, reload.  Only the daemon airs.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "reports/reports.h"

/* Sends one request and returns the parsed answer, or NULL after printing why. */
static json_t *
ask(struct cli *cli, json_t *req)
{
	const char *path = cli->cfg->control_socket;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		cli_error(_("The control socket path %s is too long."), path);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (e == EACCES)
			cli_error(_("Not allowed to use the daemon's control socket %s; ask for membership of group loaxa."),
				  path);
		else
			cli_error(_("The daemon is not running (no answer on %s); start it with 'systemctl start loaxad'."),
				  path);
		return NULL;
	}
	char *line = json_dumps(req, JSON_COMPACT);
	size_t len = strlen(line);
	int ok = write(fd, line, len) == (ssize_t)len && write(fd, "\n", 1) == 1;
	free(line);
	struct sbuf b = { 0 };
	while (ok) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 10000) <= 0) {
			ok = 0;
			break;
		}
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
		sbuf_add(&b, buf, (size_t)n);
		if (memchr(buf, '\n', (size_t)n))
			break;
	}
	close(fd);
	json_t *ans = ok && b.s ? json_loads(b.s, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	sbuf_free(&b);
	if (!ans) {
		cli_error(_("The daemon did not answer on %s."), path);
		return NULL;
	}
	if (!json_is_true(json_object_get(ans, "ok"))) {
		const char *e = json_string_value(json_object_get(ans, "error"));
		cli_error("%s", e ? e : _("The daemon refused the request."));
		json_decref(ans);
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

int
cmd_air(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "program", required_argument, NULL, 'p' },
		{ "class", required_argument, NULL, 'c' },
		{ "zone", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *program = NULL, *klass = NULL;
	struct sbuf zones = { 0 }; /* --zone NAME, repeatable: "a,b" */
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "air", NULL)) != -1) {
		switch (c) {
		case 'p': program = optarg; break;
		case 'c': klass = optarg; break;
		case 'z':
			if (cli_check_name(cli, CLI_ZONE, optarg)) {
				sbuf_free(&zones);
				return 1;
			}
			sbuf_addf(&zones, "%s%s", zones.len ? "," : "", optarg);
			break;
		case 'h':
			printf(_("Usage: loaxa air BULLETIN_ID [--class emergency] [--zone NAME]...\n"
				 "       loaxa air --program NAME [--zone NAME]...\n\n"
				 "Airs at once if nothing is airing, else right after it.  An emergency\n"
				 "bulletin (or --class emergency) cuts what is airing: it fades out within\n"
				 "half a second and is logged as interrupted.  It goes to every zone, or\n"
				 "to the zones named with --zone (repeat it for several).\n"));
			sbuf_free(&zones);
			return 0;
		default: /* cli_getopt() said why */
			sbuf_free(&zones);
			return EXIT_USAGE;
		}
	}
	long long id = 0;
	int rc = 0;
	if (optind < argc) {
		id = cli_parse_id(argv[optind]);
		if (id < 0 || optind + 1 != argc)
			rc = cli_usage_error("air", _("'%s' is not a bulletin id"), argv[optind]);
	}
	if (!rc && !id == !program)
		rc = cli_usage_error("air", _("give a BULLETIN_ID or --program NAME"));
	if (!rc && klass && strcmp(klass, "emergency") != 0 && strcmp(klass, "normal") != 0 &&
	    strcmp(klass, "priority") != 0)
		rc = cli_usage_error("air", _("--class is normal, priority or emergency (got %s)"), klass);
	if (!rc && program && cli_check_name(cli, CLI_PROGRAM, program))
		rc = 1;
	if (rc) {
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
	if (zones.len)
		json_object_set_new(req, "zones", json_string(zones.s));
	sbuf_free(&zones);
	json_t *ans = ask(cli, req);
	json_decref(req);
	return ans ? print_answer(ans) : 1;
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
	if (json) {
		json_object_del(ans, "ok");
		json_dumpf(ans, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(ans);
		return 0;
	}
	json_t *p = json_object_get(ans, "playing");
	char prog[64];
	if (json_is_object(p)) {
		printf(_("Airing:   %s (programme %s), %.0f of %.0f s, since %s\n"),
		       json_string_value(json_object_get(p, "slot")) ?: _("manual"),
		       report_program_label(json_string_value(json_object_get(p, "program")), prog,
					    sizeof prog),
		       json_number_value(json_object_get(p, "position_s")),
		       json_number_value(json_object_get(p, "length_s")),
		       json_string_value(json_object_get(p, "started_at")) ?: "");
	} else {
		printf(_("Airing:   nothing\n"));
	}
	json_t *n = json_object_get(ans, "next");
	if (json_is_object(n))
		printf(_("Next:     %s, slot %s, programme %s\n"),
		       json_string_value(json_object_get(n, "at")) ?: "",
		       json_string_value(json_object_get(n, "slot")) ?: "",
		       json_string_value(json_object_get(n, "program")) ?: "");
	else
		printf(_("Next:     no slot falls again\n"));
	const char *cfg = json_string_value(json_object_get(ans, "config"));
	printf(_("Config:   %s\n"), cfg ? cfg : _("built-in defaults"));
	json_decref(ans);
	return 0;
}
