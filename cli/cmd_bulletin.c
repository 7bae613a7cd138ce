/*
 * loaxa bulletin — the operator's bulletins: add (text, a recording, or both),
 * list, show, edit (a new version; the old one stays for the log), approve,
 * retire.  A bulletin that has aired is never deleted.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "import/import.h"
#include "ops/ops.h"
#include "store/store.h"
#include "tts/tts.h"

#define TEXT_MAX (1 << 20)
#define HELP_SHOWN 3

/* Words shown translated in listings. */
static const char *const shown_words[] __attribute__((unused)) = {
	N_("draft"), N_("approved"), N_("retired"), N_("normal"), N_("priority"), N_("emergency"),
};

static const char *const classes[] = { "normal", "priority", "emergency", NULL };
static const char *const states[] = { "draft", "approved", "retired", NULL };
static const char *const list_formats[] = { "text", "csv", "json", NULL };
static const char *const show_formats[] = { "text", "json", NULL };

static void
help(void)
{
	printf(_("Usage: loaxa bulletin add --title T --topic ID [--file PATH|-] [--text TEXT]\n"
		 "                          [--audio PATH] [--source DOC] [--from YYYY-MM-DD]\n"
		 "                          [--until YYYY-MM-DD] [--airings N]\n"
		 "                          [--class normal|priority|emergency]\n"
		 "                          [--region north|central|south|station]\n"
		 "       loaxa bulletin list [--topic ID] [--state draft|approved|retired]\n"
		 "                           [--format text|csv|json]\n"
		 "       loaxa bulletin show ID [--format text|json]\n"
		 "       loaxa bulletin edit ID [options of add]\n"
		 "       loaxa bulletin approve ID [--force]\n"
		 "       loaxa bulletin retire ID\n"
		 "       loaxa bulletin render ID -o OUT.wav\n"
		 "       loaxa bulletin check ID|--file F [--format text|json]\n"
		 "       loaxa bulletin import-check FILE [--select SECTION] [--format text|json]\n\n"
		 "add prints the new bulletin's id.  Text comes from a file, standard input (-)\n"
		 "or --text; it must be UTF-8.  --audio imports a recording of the bulletin.\n"
		 "--airings is how many times rotation airs it (default 1).  approve refuses\n"
		 "a bulletin whose text would sound wrong (see check) unless --force.  check\n"
		 "lists what would sound wrong, with line:column; exit 1 when it finds any.\n"
		 "--file also takes a .docx, .odt or .pdf: its text is extracted and repaired\n"
		 "(import-check shows how); --select SECTION takes one part of it (II.2, 12-18).\n"
		 "--region reads it as an announcer of that region reads, in that region's voice\n"
		 "(a bulletin written for another audience); station: as tts.region says.\n"));
	/* apart, so that the text above keeps its translation */
	printf(_("add and edit also take --zones NAME,NAME...|all: the zones (cụm loa) it is\n"
		 "for; rotation and the queue put it only into airings to none but those\n"
		 "zones (all: every zone, the default).\n"));
}

/* What add and edit were given; NULL / -1 for "not given". */
struct fields {
	const char *title, *topic, *file, *text, *audio, *source, *from, *until, *klass, *select;
	const char *region; /* north, central, south; "station": tts.region */
	const char *zones;  /* "thon-1,thon-3"; "all": every zone */
	int airings;
};

static const struct option field_opts[] = {
	{ "title", required_argument, NULL, 't' },
	{ "topic", required_argument, NULL, 'T' },
	{ "file", required_argument, NULL, 'f' },
	{ "text", required_argument, NULL, 'x' },
	{ "audio", required_argument, NULL, 'a' },
	{ "source", required_argument, NULL, 's' },
	{ "from", required_argument, NULL, 'F' },
	{ "until", required_argument, NULL, 'U' },
	{ "airings", required_argument, NULL, 'n' },
	{ "class", required_argument, NULL, 'c' },
	{ "select", required_argument, NULL, 'S' },
	{ "region", required_argument, NULL, 'R' },
	{ "zones", required_argument, NULL, 'Z' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int
parse_fields(const char *sub, int argc, char **argv, struct fields *f)
{
	memset(f, 0, sizeof *f);
	f->airings = -1;
	int c;
	optind = 1;
	char what[32];
	snprintf(what, sizeof what, "bulletin %s", sub);
	while ((c = cli_getopt(argc, argv, "h", field_opts, "bulletin", what)) != -1) {
		switch (c) {
		case 't': f->title = optarg; break;
		case 'T': f->topic = optarg; break;
		case 'f': f->file = optarg; break;
		case 'x': f->text = optarg; break;
		case 'a': f->audio = optarg; break;
		case 's': f->source = optarg; break;
		case 'F': f->from = optarg; break;
		case 'U': f->until = optarg; break;
		case 'c': f->klass = optarg; break;
		case 'S': f->select = optarg; break;
		case 'R': f->region = optarg; break;
		case 'Z': f->zones = optarg; break;
		case 'n': {
			long long v = strcmp(optarg, "0") == 0 ? 0 : cli_parse_id(optarg);
			if (v < 0 || v > 10000)
				return cli_usage_error("bulletin", _("--airings takes a whole number from 0 to 10000 (got %s)"),
						       optarg);
			f->airings = (int)v;
			break;
		}
		case 'h':
			help();
			return HELP_SHOWN;
		default: /* cli_getopt() said why */
			return EXIT_USAGE;
		}
	}
	if (f->file && f->text)
		return cli_usage_error("bulletin", _("give the text with --file or --text, not both"));
	if (f->klass && cli_parse_choice(f->klass, classes) < 0)
		return cli_usage_error("bulletin", _("--class is normal, priority or emergency (got %s)"),
				       f->klass);
	if (f->region && !tts_region_valid(f->region) && strcmp(f->region, "station") != 0)
		return cli_usage_error("bulletin", _("--region is north, central, south or station (got %s)"),
				       f->region);
	return 0;
}

/*
 * The raw bytes of the text asked for: a .docx, .odt or .pdf's text
 * (import/, one section of it with --select), a file, standard input, or
 * --text, within the limit.  *name is how a sentence names it.  0, or 1
 * after printing why.  What the text may hold is ops_text_prepare()'s.
 */
static int
load_raw(const struct fields *f, char **raw, size_t *len, int *doc, const char **name)
{
	char err[ERRLEN];
	*doc = f->file ? cli_import_kind(f->file) : 0;
	if (*doc < 0)
		return 1;
	if (*doc) { /* a .docx, .odt or .pdf: its text, repaired (import/) */
		struct import_result r;
		*raw = cli_import_text(f->file, f->select, &r);
		import_result_clear(&r);
		if (!*raw)
			return 1;
		*len = strlen(*raw);
		if (*len > TEXT_MAX) {
			cli_error(_("The text from %s is longer than the limit of %d bytes (1 MiB); take one part with --select."),
				  f->file, TEXT_MAX);
			free(*raw);
			return 1;
		}
	} else if (f->file) {
		if (file_read_all(f->file, TEXT_MAX, raw, len, err) < 0)
			return cli_error("%s", err);
	} else {
		*len = strlen(f->text);
		if (*len > TEXT_MAX)
			return cli_error(_("The text is longer than the limit of %d bytes (1 MiB); split it into several bulletins."),
					 TEXT_MAX);
		*raw = xstrdup(f->text);
	}
	*name = f->file ? (strcmp(f->file, "-") == 0 ? _("standard input") : f->file) : "--text";
	return 0;
}

/* The lint of a bulletin's text, as warnings and notes on stderr. */
static void
print_lint(struct ops *o, int64_t id)
{
	struct store_bulletin b;
	struct tts_finding *f = NULL;
	size_t n = 0;
	char err[ERRLEN];
	if (store_bulletin_get(o->st, id, &b, err) < 0)
		return;
	if (ops_bulletin_lint(o, b.text, &f, &n, err) == 0) {
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, f[i].kind == TTS_LINT_GUESS ? _("loaxa: note: %d:%d: %s\n")
								    : _("loaxa: warning: %d:%d: %s\n"),
				f[i].line, f[i].col, f[i].message);
		if (n)
			fprintf(stderr, _("loaxa: 'loaxa bulletin check ID' lists these again.\n"));
		tts_findings_free(f, n);
	}
	store_bulletin_clear(&b);
}

/*
 * Adds a bulletin (id 0) or edits bulletin id with what f gives, through
 * ops_bulletin_add() / ops_bulletin_edit(): the rules of a bulletin's
 * fields and text are theirs.  Prints the new id, and the lint of new
 * text.  0, or 1 after saying why.
 */
static int
save(struct cli *cli, int64_t id, const struct fields *f)
{
	struct ops_bulletin_in in = {
		.title = f->title, .topic = f->topic, .klass = f->klass, .source = f->source,
		.from = f->from, .until = f->until, .audio = f->audio, .region = f->region,
		.zones = f->zones,
		.airings = f->airings,
	};
	char *raw = NULL, err[ERRLEN];
	if (f->file || f->text) {
		int doc;
		if (load_raw(f, &raw, &in.text_len, &doc, &in.text_name))
			return 1;
		in.text = raw;
		in.select = doc ? NULL : f->select; /* a document's section is taken already */
	}
	struct ops *o = cli_ops(cli);
	int rc = 1;
	if (o) {
		int add = id == 0;
		rc = add ? ops_bulletin_add(o, &in, ops_unix_user(), &id, err)
			 : ops_bulletin_edit(o, id, &in, ops_unix_user(), err);
		if (rc < 0) {
			rc = cli_error("%s", err);
		} else {
			if (add)
				printf("%lld\n", (long long)id);
			if (raw)
				print_lint(o, id);
		}
	}
	free(raw);
	return rc;
}

static int
bulletin_add(struct cli *cli, int argc, char **argv)
{
	struct fields f;
	int rc = parse_fields("add", argc, argv, &f);
	if (rc)
		return rc == HELP_SHOWN ? 0 : rc;
	if (optind != argc)
		return cli_usage_error("bulletin", _("unexpected argument '%s'"), argv[optind]);
	if (!f.title)
		return cli_usage_error("bulletin", _("add needs --title"));
	if (!f.topic)
		return cli_usage_error("bulletin", _("add needs --topic"));
	if (!f.file && !f.text && !f.audio)
		return cli_usage_error("bulletin", _("add needs text (--file or --text) or a recording (--audio)"));
	return save(cli, 0, &f);
}

static int
bulletin_edit(struct cli *cli, int argc, char **argv)
{
	struct fields f;
	int rc = parse_fields("edit", argc, argv, &f);
	if (rc)
		return rc == HELP_SHOWN ? 0 : rc;
	long long id = cli_one_id(argc, argv, "bulletin", _("edit needs one bulletin ID"),
				  _("'%s' is not a bulletin id"));
	if (id < 0)
		return EXIT_USAGE;
	return save(cli, id, &f);
}

/* approve and retire: the rules are ops_bulletin_approve() and ops_bulletin_retire()'s. */
static int
set_state(struct cli *cli, int argc, char **argv, const char *state)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* --force is approve's: retire answers it as the unknown option it is */
	int approve = strcmp(state, "approved") == 0, force = 0, c;
	char what[32];
	snprintf(what, sizeof what, "bulletin %s", argv[0]);
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", approve ? opts : opts + 1, "bulletin", what)) != -1) {
		if (c == 'h') {
			help();
			return 0;
		}
		if (c != 'f')
			return EXIT_USAGE; /* cli_getopt() said why */
		force = 1;
	}
	char needs[64];
	snprintf(needs, sizeof needs, _("%s needs one bulletin ID"), argv[0]);
	long long id = cli_one_id(argc, argv, "bulletin", needs, _("'%s' is not a bulletin id"));
	if (id < 0)
		return EXIT_USAGE;
	struct ops *o = cli_ops(cli);
	if (!o)
		return 1;
	char err[ERRLEN];
	if (!approve)
		return ops_bulletin_retire(o, id, ops_unix_user(), err) < 0 ? cli_error("%s", err) : 0;
	struct tts_finding *fd;
	size_t n;
	int rc = ops_bulletin_approve(o, id, force, ops_unix_user(), &fd, &n, err);
	/* what would be heard wrong blocks; a guess is told, not held against it */
	for (size_t i = 0; i < n; i++) {
		if (tts_lint_blocks(fd[i].kind))
			fprintf(stderr, "loaxa: %d:%d: %s\n", fd[i].line, fd[i].col, fd[i].message);
		else
			fprintf(stderr, _("loaxa: note: %d:%d: %s\n"), fd[i].line, fd[i].col,
				fd[i].message);
	}
	tts_findings_free(fd, n);
	return rc < 0 ? cli_error("%s", err) : 0;
}

static int
bulletin_approve(struct cli *cli, int argc, char **argv)
{
	return set_state(cli, argc, argv, "approved");
}

static int
bulletin_retire(struct cli *cli, int argc, char **argv)
{
	return set_state(cli, argc, argv, "retired");
}

static int
list_row(const struct store_bulletin *b, void *arg)
{
	char id[24], n[32];
	snprintf(id, sizeof id, "%lld", (long long)b->id);
	snprintf(n, sizeof n, "%d/%d", b->airings_done, b->airings_wanted);
	const char *cells[] = { id, _(b->state), _(b->klass), b->topic, n, b->title };
	json_t *o = ops_bulletin_json(b, 1);
	json_object_del(o, "text");
	cli_list_row(arg, cells, o);
	return 0;
}

static int
bulletin_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "topic", required_argument, NULL, 'T' },
		{ "state", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const struct cli_col cols[] = {
		{ N_("ID"), -5 }, { N_("STATE"), 8 }, { N_("CLASS"), 9 }, { N_("TOPIC"), 14 },
		{ N_("AIRED"), -7 }, { N_("TITLE"), 0 },
	};
	static const char *const fields[] = { "id", "state", "class", "topic", "airings_done",
					      "airings_wanted", "valid_from", "valid_until", "title",
					      "source", NULL };
	const char *topic = NULL, *state = NULL;
	struct cli_list l = { .cols = cols, .n_cols = ARRAY_LEN(cols), .fields = fields };
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "bulletin", "bulletin list")) != -1) {
		switch (c) {
		case 'T': topic = optarg; break;
		case 's':
			state = optarg;
			if (cli_parse_choice(state, states) < 0)
				return cli_usage_error("bulletin", _("--state is draft, approved or retired (got %s)"), state);
			break;
		case 'o':
			if (cli_parse_format("bulletin", optarg, list_formats, &l.format))
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return 0;
		default: /* cli_getopt() said why */
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage_error("bulletin", _("unexpected argument '%s'"), argv[optind]);
	if (topic && cli_check_name(cli, CLI_TOPIC, topic))
		return 1;
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	char err[ERRLEN];
	cli_list_begin(&l);
	int rc = store_bulletin_list(st, topic, state, list_row, &l, err);
	cli_list_end(&l, _("(no bulletins; 'loaxa bulletin add' adds one)\n"));
	return rc < 0 ? cli_error("%s", err) : 0;
}

static int
bulletin_show(struct cli *cli, int argc, char **argv)
{
	int format;
	int rc = cli_format_option(argc, argv, "bulletin", "bulletin show", show_formats, &format, help);
	if (rc)
		return rc < 0 ? 0 : rc;
	long long id = cli_one_id(argc, argv, "bulletin", _("show needs one bulletin ID"),
				  _("'%s' is not a bulletin id"));
	struct store_bulletin b;
	if (id < 0)
		return EXIT_USAGE;
	if (cli_bulletin(cli, id, &b))
		return 1;
	if (format == 1) {
		json_t *o = ops_bulletin_json(&b, 1);
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		const struct config_topic *t = config_topic_find(cli->cfg, b.topic);
		printf(_("Bulletin %lld (version %d): %s\n"), (long long)b.id, b.version, b.title);
		printf(_("  topic:    %s%s%s\n"), b.topic, t ? " — " : "", t ? t->name : "");
		printf(_("  class:    %s\n  state:    %s\n"), _(b.klass), _(b.state));
		if (b.region)
			printf(_("  region:   %s\n"), b.region);
		else
			printf(_("  region:   %s (the station's)\n"), cli->cfg->tts.region);
		if (b.zones)
			printf(_("  zones:    %s\n"), b.zones);
		printf(_("  aired:    %d of %d wanted\n"), b.airings_done, b.airings_wanted);
		if (b.source)
			printf(_("  source:   %s\n"), b.source);
		if (b.valid_from || b.valid_until)
			printf(_("  valid:    %s .. %s\n"), b.valid_from ? b.valid_from : "",
			       b.valid_until ? b.valid_until : "");
		if (b.audio_clip_id)
			printf(_("  recording: clip %lld\n"), (long long)b.audio_clip_id);
		if (b.text)
			printf("\n%s%s", b.text, b.text[strlen(b.text) - 1] == '\n' ? "" : "\n");
	}
	store_bulletin_clear(&b);
	return 0;
}

/* Renders a bulletin as it would air: its recording, or its text read aloud. */
static int
bulletin_render(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *out = NULL, *idarg = NULL;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "o:h", opts, "bulletin", "bulletin render")) != -1) {
		if (c == 'h') {
			help();
			return 0;
		}
		if (c != 'o')
			return EXIT_USAGE; /* cli_getopt() said why */
		out = optarg;
	}
	if (optind + 1 < argc)
		return cli_usage_error("bulletin", _("unexpected argument '%s'"), argv[optind + 1]);
	idarg = optind < argc ? argv[optind] : NULL;
	long long id = cli_parse_id(idarg);
	if (id < 0 || !out)
		return cli_usage_error("bulletin", _("render needs a bulletin ID and -o OUT.wav"));
	struct ops *o = cli_ops(cli);
	if (!o)
		return 1;
	char err[ERRLEN], num[32];
	double length;
	if (ops_bulletin_render(o, id, out, &length, err) < 0)
		return cli_error("%s", err);
	printf(_("Bulletin %lld: %s s of sound in %s.\n"), id, i18n_decimal(length, 1, num), out);
	return 0;
}

/* The pre-air lint, for a bulletin or a file. */
static int
bulletin_check(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *file = NULL, *idarg = NULL;
	int json = 0, c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "bulletin", "bulletin check")) != -1) {
		switch (c) {
		case 'F': file = optarg; break;
		case 'f':
			if (cli_parse_format("bulletin", optarg, show_formats, &json))
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return 0;
		default: /* cli_getopt() said why */
			return EXIT_USAGE;
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error("bulletin", _("unexpected argument '%s'"), argv[optind + 1]);
	idarg = optind < argc ? argv[optind] : NULL;
	if (!file == !idarg)
		return cli_usage_error("bulletin", _("check needs a bulletin ID or --file F"));
	int doc = file ? cli_import_kind(file) : 0;
	if (doc)
		return doc < 0 ? 1 : cli_import_check(cli, file, NULL, json, 1);
	char err[ERRLEN];
	char *text = NULL;
	size_t len;
	if (file) {
		if (file_read_all(file, TEXT_MAX, &text, &len, err) < 0)
			return cli_error("%s", err);
	} else {
		long long id = cli_parse_id(idarg);
		if (id < 0)
			return cli_usage_error("bulletin", _("'%s' is not a bulletin id"), idarg);
		struct store_bulletin b;
		if (cli_bulletin(cli, id, &b))
			return 1;
		text = b.text ? xstrdup(b.text) : xstrdup("");
		len = strlen(text);
		store_bulletin_clear(&b);
	}
	struct tts_lexicon *lex = cli_lexicon(cli);
	struct tts_finding *f = NULL;
	size_t n = 0;
	if (!lex || tts_lint(lex, text, len, cli->cfg->tts.max_syllables, &f, &n, err) < 0) {
		free(text);
		return lex ? cli_error("%s", err) : 1;
	}
	free(text);
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:i,s:i,s:s,s:s,s:s,s:s?}", "line", f[i].line,
							     "column", f[i].col, "kind",
							     tts_lint_kind_name(f[i].kind), "text",
							     f[i].text, "message", f[i].message,
							     "reading", f[i].reading));
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s:%d:%d: %s\n", file ? file : idarg, f[i].line, f[i].col, f[i].message);
		if (!n)
			printf(_("No problems found.\n"));
	}
	tts_findings_free(f, n);
	return n ? 1 : 0;
}

int
cmd_bulletin(struct cli *cli, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "add", bulletin_add },       { "list", bulletin_list },
		{ "show", bulletin_show },     { "edit", bulletin_edit },
		{ "approve", bulletin_approve }, { "retire", bulletin_retire },
		{ "render", bulletin_render }, { "check", bulletin_check },
		{ "import-check", cli_bulletin_import_check },
	};
	return cli_dispatch(cli, argc, argv, subs, ARRAY_LEN(subs), help);
}
