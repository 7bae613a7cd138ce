/*
 * Helpers shared by the commands of `loaxa`: errors, lazily opened store and
 * lexicon, ids and choices, atomic output files, poking the daemon.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/base.h"
#include "cli/cli.h"
#include "ops/ops.h"
#include "config/config.h"
#include "reports/reports.h"
#include "store/store.h"
#include "tts/tts.h"

int
cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("loaxa: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "loaxa %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, _("Try 'loaxa %s --help'.\n"), cmd);
	return EXIT_USAGE;
}

const char *
cli_state_dir(const struct cli *cli)
{
	return cli->state_dir ? cli->state_dir : cli->cfg->state_dir;
}

struct store *
cli_store(struct cli *cli)
{
	char err[ERRLEN];
	if (!cli->store && store_open(cli_state_dir(cli), &cli->store, err) < 0) {
		cli_error("%s", err);
		return NULL;
	}
	return cli->store;
}

struct ops *
cli_ops(struct cli *cli)
{
	char err[ERRLEN];
	if (cli->ops)
		return cli->ops;
	struct store *st = cli_store(cli);
	if (!st)
		return NULL;
	struct ops *o = xmalloc(sizeof *o);
	if (ops_init(o, cli->cfg, st, cli_state_dir(cli), err) < 0) {
		free(o);
		cli_error("%s", err);
		return NULL;
	}
	return cli->ops = o;
}

struct tts_lexicon *
cli_lexicon(struct cli *cli)
{
	char err[ERRLEN];
	if (cli->lex)
		return cli->lex;
	cli->lex = tts_lexicon_new();
	if (cli->cfg->tts.lexicon && tts_lexicon_load(cli->lex, cli->cfg->tts.lexicon, err) < 0) {
		cli_error("%s", err);
		tts_lexicon_free(cli->lex);
		cli->lex = NULL;
	}
	return cli->lex;
}

/* The long option named by arg ("--name" or "--name=value") whose val is c. */
static int
long_option_is(const char *arg, const struct option *opts, int c)
{
	size_t n = strcspn(arg + 2, "=");
	for (const struct option *o = opts; o && o->name; o++)
		if (o->val == c && strncmp(o->name, arg + 2, n) == 0)
			return 1;
	return 0;
}

/* How many different long options "--name" abbreviates (an exact name counts alone). */
static int
long_option_matches(const char *arg, const struct option *opts)
{
	size_t n = strcspn(arg + 2, "=");
	int found = 0, last = 0;
	for (const struct option *o = opts; o && o->name; o++) {
		if (strncmp(o->name, arg + 2, n) != 0)
			continue;
		if (strlen(o->name) == n)
			return 1;
		if (!found || o->val != last)
			found++;
		last = o->val;
	}
	return found;
}

int
cli_getopt(int argc, char **argv, const char *optstring, const struct option *opts,
	   const char *cmd, const char *what)
{
	/* quiet getopt: ':' first (after a '+' or '-' that sets the ordering) */
	char quiet[64];
	size_t lead = (optstring[0] == '+' || optstring[0] == '-') ? 1 : 0;
	if (optstring[lead] == ':' || strlen(optstring) + 2 > sizeof quiet)
		snprintf(quiet, sizeof quiet, "%s", optstring);
	else
		snprintf(quiet, sizeof quiet, "%.*s:%s", (int)lead, optstring, optstring + lead);
	opterr = 0;
	int c = getopt_long(argc, argv, quiet, opts, NULL);
	if (c != '?' && c != ':')
		return c;

	/*
	 * Which option: a long option has always been consumed, so it is
	 * argv[optind - 1]; a short one is optopt (it may stand inside a
	 * group such as -qz, where argv[optind - 1] is the word before).
	 */
	const char *arg = optind >= 1 && optind <= argc ? argv[optind - 1] : NULL;
	int is_long = arg && strncmp(arg, "--", 2) == 0 && arg[2] &&
		      (optopt == 0 || long_option_is(arg, opts, optopt));
	char name[128];
	if (is_long)
		snprintf(name, sizeof name, "%.*s", (int)(2 + strcspn(arg + 2, "=")), arg);
	else if (optopt > 0 && optopt < 0x7f)
		snprintf(name, sizeof name, "-%c", optopt);
	else
		snprintf(name, sizeof name, "%s", arg ? arg : "?");

	if (c == ':')
		cli_usage_error(cmd, _("%s needs a value"), name);
	else if (is_long && optopt != 0 && strchr(arg, '='))
		cli_usage_error(cmd, _("%s takes no value (got %s)"), name, arg);
	else if (is_long && optopt == 0 && long_option_matches(arg, opts) > 1)
		cli_usage_error(cmd, _("%s could be more than one option; write it in full"), name);
	else if (what)
		cli_usage_error(cmd, _("unknown option %s for '%s'"), name, what);
	else
		cli_usage_error(cmd, _("unknown option %s"), name);
	return '?';
}

int
cli_check_name(const struct cli *cli, enum cli_name kind, const char *name)
{
	static const enum ops_name kinds[] = { [CLI_SLOT] = OPS_SLOT, [CLI_TOPIC] = OPS_TOPIC,
					       [CLI_PROGRAM] = OPS_PROGRAM, [CLI_ZONE] = OPS_ZONE };
	char *says = ops_name_unknown(cli->cfg, kinds[kind], name);
	if (!says)
		return 0;
	cli_error("%s", says);
	free(says);
	return 1;
}

long long
cli_parse_id(const char *s)
{
	if (!s || !*s || strlen(s) > 15 || strspn(s, "0123456789") != strlen(s))
		return -1;
	long long v = strtoll(s, NULL, 10);
	return v > 0 ? v : -1;
}

long long
cli_one_id(int argc, char **argv, const char *cmd, const char *needs, const char *not_id)
{
	if (optind + 1 != argc) {
		cli_usage_error(cmd, "%s", needs);
		return -1;
	}
	long long id = cli_parse_id(argv[optind]);
	if (id < 0)
		cli_usage_error(cmd, not_id, argv[optind]);
	return id;
}

int
cli_bulletin(struct cli *cli, long long id, struct store_bulletin *b)
{
	char err[ERRLEN];
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	if (store_bulletin_get(st, id, b, err) < 0)
		return cli_error("%s", err);
	return 0;
}

int
cli_parse_choice(const char *s, const char *const *names)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
cli_parse_format(const char *cmd, const char *arg, const char *const *formats, int *format)
{
	if ((*format = cli_parse_choice(arg, formats)) >= 0)
		return 0;
	struct sbuf names = { 0 };
	for (size_t i = 0; formats[i]; i++) {
		if (i && !formats[i + 1])
			sbuf_adds(&names, _(" or "));
		else if (i)
			sbuf_adds(&names, ", ");
		sbuf_adds(&names, formats[i]);
	}
	cli_usage_error(cmd, _("--format is %s (got %s)"), names.s, arg);
	sbuf_free(&names);
	return EXIT_USAGE;
}

int
cli_format_option(int argc, char **argv, const char *cmd, const char *what,
		  const char *const *formats, int *format, void (*help)(void))
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	optind = 1;
	if (format)
		*format = 0;
	/* without formats, --format is an unknown option like any other */
	while ((c = cli_getopt(argc, argv, "h", formats ? opts : opts + 1, cmd, what)) != -1) {
		if (c == 'h') {
			help();
			return -1;
		}
		if (c != 'f')
			return EXIT_USAGE; /* cli_getopt() said why */
		if (cli_parse_format(cmd, optarg, formats, format))
			return EXIT_USAGE;
	}
	return 0;
}

int
cli_operands(int argc, char **argv, const char *cmd, const char *what, void (*help)(void))
{
	return cli_format_option(argc, argv, cmd, what, NULL, NULL, help);
}

int
cli_dispatch(struct cli *cli, int argc, char **argv, const struct cli_sub *subs, size_t n,
	     void (*help)(void))
{
	const char *cmd = argv[0];
	if (argc < 2) {
		help();
		return EXIT_USAGE;
	}
	if (argv[1][0] == '-') {
		/* --help, or an option where the subcommand should be */
		int rc = cli_operands(argc, argv, cmd, NULL, help);
		return rc < 0 ? 0 : rc ? rc : cli_usage_error(cmd, _("a subcommand goes first"));
	}
	const char **names = xcalloc(n + 1, sizeof *names);
	struct sbuf all = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], subs[i].name) == 0) {
			free(names);
			sbuf_free(&all);
			return subs[i].fn(cli, argc - 1, argv + 1);
		}
		names[i] = subs[i].name;
		sbuf_addf(&all, "%s%s", i ? ", " : "", subs[i].name);
	}
	const char *near = config_near_name(argv[1], names, n);
	if (near)
		cli_usage_error(cmd, _("'%s' is not a %s subcommand; did you mean %s? The subcommands are: %s."),
				argv[1], cmd, near, all.s);
	else
		cli_usage_error(cmd, _("'%s' is not a %s subcommand; the subcommands are: %s."), argv[1],
				cmd, all.s);
	free(names);
	sbuf_free(&all);
	return EXIT_USAGE;
}

void
cli_list_begin(struct cli_list *l)
{
	l->rows = 0;
	if (l->format == CLI_JSON) {
		fputc('[', stdout);
	} else if (l->format == CLI_CSV) {
		fputs("\xef\xbb\xbf", stdout);
		for (size_t i = 0; l->fields[i]; i++)
			report_csv_cell(stdout, l->fields[i], !l->fields[i + 1]);
	} else {
		for (size_t i = 0; i < l->n_cols && i < ARRAY_LEN(l->widths); i++) {
			/* a translated head may be wider than the column */
			const char *h = _(l->cols[i].head);
			int w = l->cols[i].width, hw = report_width(h);
			l->widths[i] = w < 0 ? (hw > -w ? -hw : w) : w > 0 && hw > w ? hw : w;
			fputs(i ? "  " : "", stdout);
			report_pad(stdout, h, abs(l->widths[i]), l->widths[i] >= 0);
		}
		fputc('\n', stdout);
	}
}

/* A JSON value as a CSV cell: strings as they are, numbers in C notation, null empty. */
static void
csv_value(const json_t *v, int last)
{
	char num[40] = "";
	const char *s = num;
	if (json_is_string(v)) {
		report_csv_cell(stdout, json_string_value(v), last);
		return;
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		/* the shortest that reads back the same */
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(num, sizeof num, "%.*g", prec, json_real_value(v));
			if (strtod(num, NULL) == json_real_value(v))
				break;
		}
	} else if (json_is_boolean(v)) {
		s = json_is_true(v) ? "true" : "false";
	}
	report_csv_number(stdout, s, last);
}

void
cli_list_row(struct cli_list *l, const char *const *cells, json_t *obj)
{
	if (l->format == CLI_JSON) {
		fputs(l->rows ? ",\n  " : "\n  ", stdout);
		json_dumpf(obj, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	} else if (l->format == CLI_CSV) {
		for (size_t i = 0; l->fields[i]; i++)
			csv_value(json_object_get(obj, l->fields[i]), !l->fields[i + 1]);
	} else {
		for (size_t i = 0; i < l->n_cols && i < ARRAY_LEN(l->widths); i++) {
			int w = l->widths[i];
			fputs(i ? "  " : "", stdout);
			report_pad(stdout, cells[i] ? cells[i] : "", abs(w), w >= 0);
		}
		fputc('\n', stdout);
	}
	json_decref(obj);
	l->rows++;
}

void
cli_list_end(struct cli_list *l, const char *empty)
{
	if (l->format == CLI_JSON)
		fputs(l->rows ? "\n]\n" : "]\n", stdout);
	else if (l->format == CLI_TEXT && !l->rows && empty)
		fputs(empty, stdout);
}

int
cli_out_open(struct cli_out *o, const char *path)
{
	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	o->path = xstrdup(path);
	o->tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		cli_error(_("Cannot write %s: %s."), path, strerror(errno));
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return -1;
	}
	fchmod(fd, 0644);
	o->f = fdopen(fd, "w");
	return 0;
}

int
cli_out_commit(struct cli_out *o)
{
	if (o->f == stdout)
		return fflush(stdout) == 0 ? 0 : cli_error(_("Cannot write the output: %s."), strerror(errno)) * -1;
	int bad = ferror(o->f) | fflush(o->f) | fsync(fileno(o->f));
	bad |= fclose(o->f);
	o->f = NULL;
	if (bad || rename(o->tmp, o->path) < 0) {
		cli_error(_("Cannot write %s: %s."), o->path, strerror(errno ? errno : EIO));
		unlink(o->tmp);
		cli_out_abort(o);
		return -1;
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return 0;
}

void
cli_out_abort(struct cli_out *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
}

void
cli_poke_daemon(struct cli *cli)
{
	ops_daemon_poke(cli->cfg);
}
