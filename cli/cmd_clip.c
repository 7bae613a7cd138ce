/*
 * loaxa clip — jingles, music, beds and recordings.  Import copies the file
 * into STATE_DIR/clips/ (so deleting the original loses nothing) and measures
 * it once: duration, rate, channels, loudness, true peak, SHA-256.  Import
 * and remove are ops_clip_import() and ops_clip_remove(), as in the web
 * console; this file reads the options and lists.
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

/* The kinds as stored, marked for the catalogue: shown translated. */
static const char *const kinds[] __attribute__((unused)) = { N_("jingle"), N_("music"), N_("bed"), N_("recording"), NULL };
static const char *const list_formats[] = { "text", "csv", "json", NULL };

static void
help(void)
{
	printf(_("Usage: loaxa clip import PATH --name NAME --kind jingle|music|bed|recording\n"
		 "       loaxa clip list [--format text|csv|json]\n"
		 "       loaxa clip show NAME|ID [--format text|json]\n"
		 "       loaxa clip remove NAME|ID\n\n"
		 "import copies the file into the state directory, measures it, and prints the\n"
		 "new clip's id.  Every format libsndfile reads: WAV, FLAC, Ogg Vorbis, MP3, ...\n"
		 "remove is refused while a bulletin or the airing log uses the clip.\n"));
}

static int
clip_import_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *name = NULL, *kind = NULL;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "clip", "clip import")) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'k': kind = optarg; break;
		case 'h': help(); return 0;
		default: return EXIT_USAGE; /* cli_getopt() said why */
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("clip", _("import needs one file PATH"));
	if (!name)
		return cli_usage_error("clip", _("import needs --name"));
	if (!ops_clip_name_valid(name))
		return cli_usage_error("clip", _("a clip name is 1 to 64 letters a-z, digits, '-', '_' or '.' (got %s)"), name);
	if (!kind)
		return cli_usage_error("clip", _("import needs --kind jingle, music, bed or recording"));
	if (!ops_clip_kind_valid(kind))
		return cli_usage_error("clip", _("--kind is jingle, music, bed or recording (got %s)"), kind);
	struct ops *o = cli_ops(cli);
	if (!o)
		return 1;
	char err[ERRLEN];
	int64_t id;
	if (ops_clip_import(o, argv[optind], name, kind, &id, err) < 0)
		return cli_error("%s", err);
	printf("%lld\n", (long long)id);
	return 0;
}

static json_t *
clip_json(const struct store_clip *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "kind", json_string(c->kind));
	json_object_set_new(o, "file", json_string(c->file));
	json_object_set_new(o, "original", c->original ? json_string(c->original) : json_null());
	json_object_set_new(o, "duration_s", json_real(c->duration_s));
	json_object_set_new(o, "sample_rate", json_integer(c->sample_rate));
	json_object_set_new(o, "channels", json_integer(c->channels));
	json_object_set_new(o, "frames", json_integer(c->frames));
	json_object_set_new(o, "lufs", json_real(c->lufs));
	json_object_set_new(o, "true_peak_dbtp", json_real(c->true_peak_db));
	json_object_set_new(o, "sha256", json_string(c->sha256));
	return o;
}

static int
list_row(const struct store_clip *c, void *arg)
{
	char id[24], rate[16], ch[16], secs[32], lufs[32], peak[32];
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	snprintf(rate, sizeof rate, "%d", c->sample_rate);
	snprintf(ch, sizeof ch, "%d", c->channels);
	const char *cells[] = { id, c->name, _(c->kind), i18n_decimal(c->duration_s, 1, secs), rate, ch,
				i18n_decimal(c->lufs, 1, lufs), i18n_decimal(c->true_peak_db, 1, peak) };
	cli_list_row(arg, cells, clip_json(c));
	return 0;
}

static int
clip_list(struct cli *cli, int argc, char **argv)
{
	static const struct cli_col cols[] = {
		{ N_("ID"), -5 }, { N_("NAME"), 20 }, { N_("KIND"), 9 }, { N_("SECONDS"), -8 },
		{ N_("RATE"), -6 }, { N_("CH"), -2 }, { N_("LUFS"), -6 }, { N_("dBTP"), 0 },
	};
	static const char *const fields[] = { "id", "name", "kind", "duration_s", "sample_rate",
					      "channels", "lufs", "true_peak_dbtp", "sha256", NULL };
	struct cli_list l = { .cols = cols, .n_cols = ARRAY_LEN(cols), .fields = fields };
	int rc = cli_format_option(argc, argv, "clip", "clip list", list_formats, &l.format, help);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind != argc)
		return cli_usage_error("clip", _("unexpected argument '%s'"), argv[optind]);
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	char err[ERRLEN];
	cli_list_begin(&l);
	rc = store_clip_list(st, list_row, &l, err);
	cli_list_end(&l, _("(no clips; 'loaxa clip import' adds one)\n"));
	return rc < 0 ? cli_error("%s", err) : 0;
}

static int
clip_show(struct cli *cli, int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", NULL };
	int format;
	int rc = cli_format_option(argc, argv, "clip", "clip show", formats, &format, help);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind + 1 != argc)
		return cli_usage_error("clip", _("show needs one clip NAME or ID"));
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	char err[ERRLEN];
	struct store_clip c;
	if (store_clip_get(st, argv[optind], &c, err) < 0)
		return cli_error("%s", err);
	if (format == 1) { /* json */
		json_t *o = clip_json(&c);
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		char d[32], l[32], p[32];
		printf(_("Clip %lld: %s (%s)\n  file:       %s\n  from:       %s\n"
			 "  duration:   %s s\n  format:     %d Hz, %d channel(s)\n"
			 "  loudness:   %s LUFS, true peak %s dBTP\n  sha256:     %s\n"),
		       (long long)c.id, c.name, _(c.kind), c.file, c.original ? c.original : "",
		       i18n_decimal(c.duration_s, 2, d), c.sample_rate, c.channels,
		       i18n_decimal(c.lufs, 1, l), i18n_decimal(c.true_peak_db, 1, p), c.sha256);
	}
	store_clip_clear(&c);
	return 0;
}

static int
clip_remove(struct cli *cli, int argc, char **argv)
{
	int rc = cli_operands(argc, argv, "clip", "clip remove", help);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind + 1 != argc)
		return cli_usage_error("clip", _("remove needs one clip NAME or ID"));
	struct ops *o = cli_ops(cli);
	if (!o)
		return 1;
	char err[ERRLEN];
	return ops_clip_remove(o, argv[optind], err) < 0 ? cli_error("%s", err) : 0;
}

int
cmd_clip(struct cli *cli, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "import", clip_import_cmd }, { "list", clip_list },
		{ "show", clip_show },         { "remove", clip_remove },
	};
	return cli_dispatch(cli, argc, argv, subs, ARRAY_LEN(subs), help);
}
