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
#include "playlists/playlists.h"
#include "scheduler/scheduler.h"
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

/* C0 controls, DEL and the C1 controls: not text, and a terminal obeys them. */
static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* The first control character of valid UTF-8 s and its byte offset; 0 when there is none. */
static uint32_t
first_control(const char *s, size_t *off)
{
	for (const char *p = s; *p;) {
		uint32_t cp;
		int n = utf8_decode(p, &cp);
		if (is_control(cp)) {
			*off = (size_t)(p - s);
			return cp;
		}
		p += n;
	}
	return 0;
}

/*
 * Bulletin text may hold TAB, LF and CR, and no other control character
 * (an escape sequence, a bell, a backspace pasted from a terminal or a PDF):
 * refused with its line:column, counted in characters as the lint does.  A
 * form feed, pdftotext's page break, becomes a line break.  text is valid
 * UTF-8; 0, or -1 after printing why.
 */
static int
check_controls(char *text, size_t len, const char *name)
{
	int line = 1, col = 1;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(text + i, &cp);
		if (cp == '\f')
			text[i] = '\n', cp = '\n';
		if (cp == '\n') {
			line++, col = 1;
		} else if (is_control(cp) && cp != '\t' && cp != '\r') {
			cli_error(_("%s:%d:%d: the text holds the control character U+%04X; remove it (it is not text and cannot be read)."),
				  name, line, col, (unsigned)cp);
			return -1;
		} else {
			col++;
		}
		i += (size_t)n;
	}
	return 0;
}

/* A letter or a digit in the spoken form: something a listener would hear. */
static int
speaks_words(const char *spoken)
{
	for (const char *p = spoken; *p;) {
		uint32_t cp;
		p += utf8_decode(p, &cp);
		utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
		if ((c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
		    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO))
			return 1;
	}
	return 0;
}

/*
 * Whether the normalizer finds anything to read aloud in text: punctuation,
 * symbols and emoji alone leave nothing.  1 yes, 0 no (said why), -1 when the
 * lexicon or the normalizer failed (said why).
 */
static int
check_words(struct cli *cli, const char *text, const char *name)
{
	struct tts_lexicon *lex = cli_lexicon(cli);
	if (!lex)
		return -1;
	char err[ERRLEN];
	char *spoken = tts_normalize(lex, text, strlen(text), err);
	if (!spoken)
		return cli_error("%s", err) * -1;
	int words = speaks_words(spoken);
	free(spoken);
	if (!words)
		cli_error(_("%s has nothing to read aloud: no words, only punctuation and symbols."), name);
	return words;
}

/* Reads, checks and NFC-normalises the text; NULL after printing why. */
static char *
load_text(struct cli *cli, const struct fields *f)
{
	char err[ERRLEN];
	char *raw;
	size_t len;
	int doc = f->file ? cli_import_kind(f->file) : 0;
	if (doc < 0)
		return NULL;
	if (doc) { /* a .docx, .odt or .pdf: its text, repaired (import/) */
		struct import_result r;
		raw = cli_import_text(f->file, f->select, &r);
		import_result_clear(&r);
		if (!raw)
			return NULL;
		len = strlen(raw);
		if (len > TEXT_MAX) {
			cli_error(_("The text from %s is longer than the limit of %d bytes (1 MiB); take one part with --select."),
				  f->file, TEXT_MAX);
			free(raw);
			return NULL;
		}
	} else if (f->file) {
		if (file_read_all(f->file, TEXT_MAX, &raw, &len, err) < 0) {
			cli_error("%s", err);
			return NULL;
		}
	} else {
		len = strlen(f->text);
		if (len > TEXT_MAX) {
			cli_error(_("The text is longer than the limit of %d bytes (1 MiB); split it into several bulletins."),
				  TEXT_MAX);
			return NULL;
		}
		raw = xstrdup(f->text);
	}
	const char *name = f->file ? (strcmp(f->file, "-") == 0 ? _("standard input") : f->file)
				   : "--text";
	size_t bad;
	if (utf8_check(raw, len, &bad) < 0) {
		cli_error(_("%s is not valid UTF-8 text (bad byte at offset %zu); save it as UTF-8 and try again."),
			  name, bad);
		free(raw);
		return NULL;
	}
	if (check_controls(raw, len, name) < 0) {
		free(raw);
		return NULL;
	}
	size_t k = strspn(raw, " \t\r\n");
	if (k == len) {
		cli_error(_("The text from %s is empty; a bulletin needs something to say."), name);
		free(raw);
		return NULL;
	}
	char *nfc = utf8_nfc(raw);
	free(raw);
	if (f->select && !doc) { /* one section of a text file, as of a document */
		char *part = import_select(nfc, f->select, err);
		free(nfc);
		if (!part) {
			cli_error("%s", err);
			return NULL;
		}
		nfc = part;
	}
	if (check_words(cli, nfc, name) != 1) {
		free(nfc);
		return NULL;
	}
	return nfc;
}

static int
check_dates(const char *from, const char *until)
{
	int y, m, d;
	if (from && date_parse(from, &y, &m, &d) < 0)
		return cli_error(_("--from %s is not a date that exists; write YYYY-MM-DD."), from);
	if (until && date_parse(until, &y, &m, &d) < 0)
		return cli_error(_("--until %s is not a date that exists; write YYYY-MM-DD."), until);
	if (from && until && strcmp(until, from) < 0)
		return cli_error(_("--until %s is before --from %s; a bulletin cannot end before it starts."),
				 until, from);
	return 0;
}

static void
print_lint(struct cli *cli, const char *text)
{
	struct tts_lexicon *lex = cli_lexicon(cli);
	struct tts_finding *f = NULL;
	size_t n = 0;
	char err[ERRLEN];
	if (!lex || !text || tts_lint(lex, text, strlen(text), cli->cfg->tts.max_syllables, &f, &n, err) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, f[i].kind == TTS_LINT_GUESS ? _("loaxa: note: %d:%d: %s\n")
							    : _("loaxa: warning: %d:%d: %s\n"),
			f[i].line, f[i].col, f[i].message);
	if (n)
		fprintf(stderr, _("loaxa: 'loaxa bulletin check ID' lists these again.\n"));
	tts_findings_free(f, n);
}

/*
 * --zones: names of configured zones, each once, joined with commas as
 * given; "all" (or every zone named) is stored as NULL, every zone.
 */
static int
apply_zones(struct cli *cli, struct store_bulletin *b, const char *list)
{
	free(b->zones);
	b->zones = NULL;
	if (strcmp(list, "all") == 0)
		return 0;
	char *copy = xstrdup(list), *save;
	struct sbuf out = { 0 };
	size_t n = 0;
	int rc = 0;
	for (char *z = strtok_r(copy, ",", &save); z && !rc; z = strtok_r(NULL, ",", &save)) {
		const char *one[] = { z };
		if (cli_check_name(cli, CLI_ZONE, z))
			rc = 1;
		else if (!out.s || !sched_zones_cover(out.s, one, 1)) {
			sbuf_addf(&out, "%s%s", n ? "," : "", z);
			n++;
		}
	}
	if (!rc && !n)
		rc = cli_error(_("--zones names no zone; name one or more (thon-1,thon-3), or all."));
	if (!rc && n < cli->cfg->n_zones)
		b->zones = sbuf_steal(&out);
	sbuf_free(&out);
	free(copy);
	return rc;
}

/* Applies fields to b; imports the recording when asked.  Prints why on failure. */
static int
apply_fields(struct cli *cli, struct store_bulletin *b, const struct fields *f, char **text_out)
{
	*text_out = NULL;
	if (f->title) {
		size_t bad;
		if (!*f->title || utf8_check(f->title, strlen(f->title), &bad) < 0 ||
		    strlen(f->title) > 500 || first_control(f->title, &bad))
			return cli_error(_("The title must be 1 to 500 bytes of UTF-8 text without control characters."));
		free(b->title);
		b->title = utf8_nfc(f->title);
	}
	if (f->topic) {
		if (cli_check_name(cli, CLI_TOPIC, f->topic))
			return 1;
		free(b->topic);
		b->topic = xstrdup(f->topic);
	}
	if (f->klass) {
		free(b->klass);
		b->klass = xstrdup(f->klass);
	}
	if (f->region) {
		free(b->region);
		b->region = strcmp(f->region, "station") != 0 ? xstrdup(f->region) : NULL;
	}
	if (f->zones && apply_zones(cli, b, f->zones))
		return 1;
	if (f->source) {
		size_t bad;
		uint32_t cp;
		if (utf8_check(f->source, strlen(f->source), &bad) < 0)
			return cli_error(_("The source is not valid UTF-8 (bad byte at offset %zu); it must be UTF-8 text without control characters."),
					 bad);
		if ((cp = first_control(f->source, &bad)))
			return cli_error(_("The source holds the control character U+%04X at offset %zu; it must be UTF-8 text without control characters."),
					 (unsigned)cp, bad);
		free(b->source);
		b->source = utf8_nfc(f->source);
	}
	if (f->from) {
		free(b->valid_from);
		b->valid_from = xstrdup(f->from);
	}
	if (f->until) {
		free(b->valid_until);
		b->valid_until = xstrdup(f->until);
	}
	if (check_dates(b->valid_from, b->valid_until))
		return 1;
	if (f->airings >= 0)
		b->airings_wanted = f->airings;
	if (f->file || f->text) {
		char *t = load_text(cli, f);
		if (!t)
			return 1;
		free(b->text);
		b->text = t;
		*text_out = t;
	}
	return 0;
}

/*
 * Applies f to b, imports the recording when asked, and adds or updates
 * b; the recording is removed again when the write fails.  Prints the
 * lint of new text.  0, or 1 after saying why.
 */
static int
save(struct cli *cli, struct store_bulletin *b, const struct fields *f, int add)
{
	char *text, err[ERRLEN];
	int64_t clip_id = 0;
	if (apply_fields(cli, b, f, &text))
		return 1;
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	if (add)
		b->state = xstrdup(cli->cfg->approval_required ? "draft" : "approved");
	if (f->audio) {
		if (cli_import_recording(cli, f->audio, b->title, &clip_id) < 0)
			return 1;
		b->audio_clip_id = clip_id;
	}
	if ((add ? store_bulletin_add(st, b, err) : store_bulletin_update(st, b, err)) < 0) {
		if (clip_id)
			cli_clip_discard(cli, clip_id);
		return cli_error("%s", err);
	}
	if (add)
		printf("%lld\n", (long long)b->id);
	if (text)
		print_lint(cli, text);
	cli_poke_daemon(cli);
	return 0;
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
	struct store_bulletin b = { .airings_wanted = 1 };
	rc = save(cli, &b, &f, 1);
	store_bulletin_clear(&b);
	return rc;
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
	struct store_bulletin b;
	if (id < 0)
		return EXIT_USAGE;
	if (cli_bulletin(cli, id, &b))
		return 1;
	rc = save(cli, &b, &f, 0);
	store_bulletin_clear(&b);
	return rc;
}

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
	struct store_bulletin b;
	if (id < 0)
		return EXIT_USAGE;
	if (cli_bulletin(cli, id, &b))
		return 1;
	struct store *st = cli->store;
	char err[ERRLEN];
	if (strcmp(state, "approved") == 0 && strcmp(b.state, "retired") == 0) {
		store_bulletin_clear(&b);
		return cli_error(_("Bulletin %lld is retired; a retired bulletin is not aired again. Add it anew if it is needed."),
				 id);
	}
	if (strcmp(state, "approved") == 0 && b.text && !force) {
		struct tts_lexicon *lex = cli_lexicon(cli);
		struct tts_finding *fd = NULL;
		size_t n = 0;
		if (!lex || tts_lint(lex, b.text, strlen(b.text), cli->cfg->tts.max_syllables, &fd, &n, err) < 0) {
			store_bulletin_clear(&b);
			return lex ? cli_error("%s", err) : 1;
		}
		/* what would be heard wrong blocks; a guess or a long sentence is told, not held against it */
		size_t errors = 0;
		for (size_t i = 0; i < n; i++) {
			int blocks = tts_lint_blocks(fd[i].kind);
			if (blocks)
				fprintf(stderr, "loaxa: %d:%d: %s\n", fd[i].line, fd[i].col, fd[i].message);
			else if (fd[i].kind == TTS_LINT_GUESS)
				fprintf(stderr, _("loaxa: note: %d:%d: %s\n"), fd[i].line, fd[i].col,
					fd[i].message);
			errors += blocks;
		}
		tts_findings_free(fd, n);
		if (errors) {
			store_bulletin_clear(&b);
			return cli_error(_("Bulletin %lld has %zu problems that would be heard on air; fix the text with 'loaxa bulletin edit', or approve anyway with --force."),
					 id, errors);
		}
	}
	store_bulletin_clear(&b);
	if (store_bulletin_set_state(st, id, state, err) < 0)
		return cli_error("%s", err);
	cli_poke_daemon(cli);
	return 0;
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

static json_t *
bulletin_json(const struct store_bulletin *b)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(b->id));
	json_object_set_new(o, "version", json_integer(b->version));
	json_object_set_new(o, "title", json_string(b->title));
	json_object_set_new(o, "topic", json_string(b->topic));
	json_object_set_new(o, "class", json_string(b->klass));
	json_object_set_new(o, "state", json_string(b->state));
	json_object_set_new(o, "region", b->region ? json_string(b->region) : json_null());
	json_object_set_new(o, "zones", b->zones ? json_string(b->zones) : json_null());
	json_object_set_new(o, "text", b->text ? json_string(b->text) : json_null());
	json_object_set_new(o, "source", b->source ? json_string(b->source) : json_null());
	json_object_set_new(o, "valid_from", b->valid_from ? json_string(b->valid_from) : json_null());
	json_object_set_new(o, "valid_until", b->valid_until ? json_string(b->valid_until) : json_null());
	json_object_set_new(o, "airings_wanted", json_integer(b->airings_wanted));
	json_object_set_new(o, "airings_done", json_integer(b->airings_done));
	json_object_set_new(o, "audio_clip_id", b->audio_clip_id ? json_integer(b->audio_clip_id) : json_null());
	char t[40];
	time_iso8601(b->created_at, t);
	json_object_set_new(o, "created_at", json_string(t));
	time_iso8601(b->updated_at, t);
	json_object_set_new(o, "updated_at", json_string(t));
	return o;
}

static int
list_row(const struct store_bulletin *b, void *arg)
{
	char id[24], n[32];
	snprintf(id, sizeof id, "%lld", (long long)b->id);
	snprintf(n, sizeof n, "%d/%d", b->airings_done, b->airings_wanted);
	const char *cells[] = { id, _(b->state), _(b->klass), b->topic, n, b->title };
	json_t *o = bulletin_json(b);
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
		json_t *o = bulletin_json(&b);
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
	struct store *st = cli_store(cli);
	struct tts_lexicon *lex = cli_lexicon(cli);
	if (!st || !lex)
		return 1;
	char err[ERRLEN];
	struct pl_program *p = pl_build_bulletin(cli->cfg, st, id, err);
	if (!p)
		return cli_error("%s", err);
	struct pl_env env;
	pl_env_from_config(&env, cli->cfg, cli_state_dir(cli), lex);
	int rc = pl_render(p, &env, err) < 0 || pl_render_wav(p, &env, out, err) < 0;
	char num[32];
	if (rc)
		cli_error("%s", err);
	else
		printf(_("Bulletin %lld: %s s of sound in %s.\n"), id, i18n_decimal(p->length_s, 1, num), out);
	pl_free(p);
	pl_env_clear(&env);
	return rc;
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
