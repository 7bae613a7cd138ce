/*
 * loaxa user — the people who log in to the web console (loaxa-web):
 * add NAME --role ROLE, list, remove NAME, passwd NAME, role NAME ROLE.
 * A password is read from the terminal (twice, not echoed) or, for
 * scripts, one line of standard input with --password-stdin; it is never
 * an argument (ps would show it).  The rules are ops/'s.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "ops/ops.h"
#include "store/store.h"

static void
help(void)
{
	printf(_("Usage: loaxa user add NAME --role operator|approver|officer|admin [--password-stdin]\n"
		 "       loaxa user list [--format text|json]\n"
		 "       loaxa user passwd NAME [--password-stdin]\n"
		 "       loaxa user role NAME operator|approver|officer|admin\n"
		 "       loaxa user remove NAME\n\n"
		 "The people who log in to the web console, loaxa-web(8).  The password is\n"
		 "asked twice on the terminal, or read as one line from standard input with\n"
		 "--password-stdin.  There is always at least one admin.\n"));
}

/* Reads one line without its newline into buf; -1 at EOF or when too long. */
static int
read_line(FILE *f, char *buf, size_t n)
{
	if (!fgets(buf, (int)n, f))
		return -1;
	size_t len = strcspn(buf, "\r\n");
	if (!buf[len] && len == n - 1)
		return -1;
	buf[len] = 0;
	return 0;
}

/* The password: twice on the terminal without echo, or one line of stdin. */
static int
get_password(int from_stdin, char *pw, size_t n)
{
	if (from_stdin || !isatty(0)) {
		if (read_line(stdin, pw, n) < 0)
			return cli_error(_("No password on standard input (one line of %d to %d characters)."),
					 OPS_PASSWORD_MIN, OPS_PASSWORD_MAX);
		return 0;
	}
	struct termios old, quiet;
	if (tcgetattr(0, &old) < 0)
		return cli_error(_("Cannot read the password from the terminal: %s."), strerror(errno));
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	char again[OPS_PASSWORD_MAX + 2];
	fprintf(stderr, _("Password: "));
	tcsetattr(0, TCSAFLUSH, &quiet);
	int rc = read_line(stdin, pw, n);
	fprintf(stderr, _("\nPassword again: "));
	rc |= read_line(stdin, again, sizeof again);
	tcsetattr(0, TCSAFLUSH, &old);
	fputc('\n', stderr);
	if (rc < 0)
		return cli_error(_("No password given."));
	rc = strcmp(pw, again) != 0;
	memset(again, 0, sizeof again);
	return rc ? cli_error(_("The two passwords differ; nothing was changed.")) : 0;
}

/* ops_status -> exit code, printing err. */
static int
done_rc(int rc, const char *err)
{
	return rc < 0 ? cli_error("%s", err) : 0;
}

static int
user_add(struct cli *cli, struct ops *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *role = NULL;
	int from_stdin = 0, c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "user", "user add")) != -1) {
		switch (c) {
		case 'r': role = optarg; break;
		case 'p': from_stdin = 1; break;
		case 'h': help(); return 0;
		default: return EXIT_USAGE; /* cli_getopt() said why */
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("user", _("add needs one user NAME"));
	if (!role)
		return cli_usage_error("user", _("add needs --role operator, approver, officer or admin"));
	const char *name = argv[optind];
	char err[ERRLEN];
	if (!ops_user_name_valid(name) || !ops_role_valid(role)) {
		/* said before a password is asked for */
		int rc = ops_user_add(o, name, role, NULL, NULL, err);
		return done_rc(rc, err);
	}
	char pw[OPS_PASSWORD_MAX + 2];
	if (get_password(from_stdin, pw, sizeof pw))
		return 1;
	int rc = ops_user_add(o, name, role, pw, ops_unix_user(), err);
	memset(pw, 0, sizeof pw);
	return done_rc(rc, err);
}

static int
user_passwd(struct cli *cli, struct ops *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int from_stdin = 0, c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "user", "user passwd")) != -1) {
		switch (c) {
		case 'p': from_stdin = 1; break;
		case 'h': help(); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("user", _("passwd needs one user NAME"));
	char err[ERRLEN];
	struct store_user u;
	int rc = store_user_get(o->st, argv[optind], &u, err);
	if (rc < 0)
		return cli_error("%s", err);
	store_user_clear(&u);
	char pw[OPS_PASSWORD_MAX + 2];
	if (get_password(from_stdin, pw, sizeof pw))
		return 1;
	rc = ops_user_passwd(o, argv[optind], pw, err);
	memset(pw, 0, sizeof pw);
	return done_rc(rc, err);
}

struct list_ctx {
	int json, n;
};

static int
list_row(const struct store_user *u, void *arg)
{
	struct list_ctx *x = arg;
	char when[40];
	if (x->json) {
		time_iso8601(u->created_at, when);
		json_t *o = json_pack("{s:s,s:s,s:s,s:s?}", "name", u->name, "role", u->role,
				      "created_at", when, "created_by", u->created_by);
		printf("%s", x->n ? ",\n  " : "\n  ");
		json_dumpf(o, stdout, JSON_COMPACT);
		json_decref(o);
	} else {
		time_format(u->created_at, "%Y-%m-%d %H:%M", when, sizeof when);
		printf("%-20s  %-9s  %s  %s\n", u->name, _(u->role), when,
		       u->created_by ? u->created_by : "");
	}
	x->n++;
	return 0;
}

static int
user_list(struct cli *cli, struct ops *o, int argc, char **argv)
{
	struct list_ctx x = { 0 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "json") == 0)
				x.json = 1;
			else if (strcmp(f, "text") != 0)
				return cli_usage_error("user", _("--format is text or json (got %s)"), f);
		} else if (strcmp(argv[i], "--help") == 0) {
			help();
			return 0;
		} else {
			return cli_usage_error("user", _("unexpected argument '%s'"), argv[i]);
		}
	}
	if (x.json)
		printf("[");
	else
		printf("%-20s  %-9s  %-16s  %s\n", _("NAME"), _("ROLE"), _("SINCE"), _("ADDED BY"));
	char err[ERRLEN];
	int rc = store_user_list(o->st, list_row, &x, err);
	if (x.json)
		printf("%s]\n", x.n ? "\n" : "");
	else if (!x.n)
		printf(_("(no users; 'loaxa user add NAME --role admin' adds the first)\n"));
	return rc < 0 ? cli_error("%s", err) : 0;
}

int
cmd_user(struct cli *cli, int argc, char **argv)
{
	/* role words, shown translated in listings */
	static const char *const role_words[] __attribute__((unused)) = {
		N_("operator"), N_("approver"), N_("officer"), N_("admin"),
	};
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help();
		return argc < 2 ? EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	argc--, argv++;
	static const char *const subs[] = { "add", "list", "passwd", "role", "remove", NULL };
	if (cli_parse_choice(sub, subs) < 0)
		return cli_usage_error("user", _("'%s' is not a user subcommand"), sub);
	if ((strcmp(sub, "role") == 0 && argc != 3) || (strcmp(sub, "remove") == 0 && argc != 2)) {
		if (argc == 2 && strcmp(argv[1], "--help") == 0) {
			help();
			return 0;
		}
		return strcmp(sub, "role") == 0
			       ? cli_usage_error("user", _("role needs a user NAME and a ROLE"))
			       : cli_usage_error("user", _("remove needs one user NAME"));
	}
	struct ops *o = cli_ops(cli);
	if (!o)
		return 1;
	char err[ERRLEN];
	int rc;
	if (strcmp(sub, "add") == 0)
		rc = user_add(cli, o, argc, argv);
	else if (strcmp(sub, "list") == 0)
		rc = user_list(cli, o, argc, argv);
	else if (strcmp(sub, "passwd") == 0)
		rc = user_passwd(cli, o, argc, argv);
	else if (strcmp(sub, "role") == 0)
		rc = done_rc(ops_user_set_role(o, argv[1], argv[2], err), err);
	else
		rc = done_rc(ops_user_remove(o, argv[1], err), err);
	return rc;
}
