/*
 * loaxa clip — jingles, music, beds and recordings.  Import copies the file
 * into STATE_DIR/clips/ (so deleting the original loses nothing) and measures
 * it once: duration, rate, channels, loudness, true peak, SHA-256.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "reports/reports.h"
#include "store/store.h"

static const char *const kinds[] = { "jingle", "music", "bed", "recording", NULL };
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
copy_file(const char *from, int to_fd, char *err)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		err_set(err, _("Cannot open %s: %s."), from, strerror(errno));
		return -1;
	}
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(to_fd, buf + off, (size_t)(n - off));
			if (w < 0) {
				err_set(err, _("Cannot copy %s into the state directory: %s."), from,
					strerror(errno));
				close(in);
				return -1;
			}
			off += w;
		}
	}
	int e = errno;
	close(in);
	if (n < 0) {
		err_set(err, _("Cannot read %s: %s."), from, strerror(e));
		return -1;
	}
	if (fsync(to_fd) < 0) {
		err_set(err, _("Cannot copy %s into the state directory: %s."), from, strerror(errno));
		return -1;
	}
	return 0;
}

static const char *
extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	if (!dot || (slash && dot < slash) || strlen(dot) > 6)
		return "";
	return dot;
}

static int
valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

/*
 * Copies path into STATE_DIR/clips/, measures it and adds its row.  On any
 * failure nothing is left behind: no row, no file.
 */
static int
clip_import(struct cli *cli, const char *path, const char *name, const char *kind, int64_t *id,
	    char *err)
{
	struct store *st = cli_store(cli);
	if (!st) {
		err[0] = 0;
		return -1;
	}
	struct stat sb;
	if (stat(path, &sb) < 0) {
		err_set(err, _("Cannot open %s: %s."), path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		err_set(err, _("%s is not a regular file."), path);
		return -1;
	}
	if (sb.st_size == 0) {
		err_set(err, _("%s is empty (0 bytes); it holds no audio."), path);
		return -1;
	}
	struct store_clip old;
	if (store_clip_get(st, name, &old, err) == 0) {
		store_clip_clear(&old);
		err_set(err, _("There is already a clip named \"%s\"; choose another name or remove that one first."),
			name);
		return -1;
	}
	char *dir = xasprintf("%s/clips", store_state_dir(st));
	char *tmp = xasprintf("%s/.import-XXXXXX", dir);
	char *final = NULL;
	int rc = -1, fd = -1;
	if (mkdir_p(dir, 0750, err) < 0)
		goto out;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(err, _("Cannot write into %s: %s."), dir, strerror(errno));
		goto out;
	}
	if (copy_file(path, fd, err) < 0)
		goto out;
	struct audio_info info;
	if (audio_probe(tmp, &info, err) < 0) {
		/* name the user's file, not our temporary copy */
		char e2[ERRLEN];
		char *p = strstr(err, tmp);
		if (p) {
			snprintf(e2, sizeof e2, "%.*s%s%s", (int)(p - err), err, path, p + strlen(tmp));
			memcpy(err, e2, ERRLEN);
		}
		goto out;
	}
	char hex[65];
	if (sha256_file(tmp, hex, err) < 0)
		goto out;
	final = xasprintf("%s/%.12s-%s%s", dir, hex, name, extension(path));
	if (rename(tmp, final) < 0) {
		err_set(err, _("Cannot write into %s: %s."), dir, strerror(errno));
		goto out;
	}
	char *abs = realpath(path, NULL);
	struct store_clip c = {
		.name = (char *)name,
		.kind = (char *)kind,
		.file = final,
		.original = abs ? abs : (char *)path,
		.duration_s = info.duration_s,
		.sample_rate = info.sample_rate,
		.channels = info.channels,
		.frames = info.frames,
		.lufs = info.lufs,
		.true_peak_db = info.true_peak_db,
		.sha256 = hex,
	};
	rc = store_clip_add(st, &c, err);
	free(abs);
	if (rc < 0)
		unlink(final);
	else
		*id = c.id;
out:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(final);
	free(dir);
	return rc;
}

int
cli_import_recording(struct cli *cli, const char *path, const char *title, int64_t *id)
{
	char err[ERRLEN], name[64];
	/* unique and stable enough: the time of import in ms */
	snprintf(name, sizeof name, "rec-%lld", (long long)time_now_ms());
	if (clip_import(cli, path, name, "recording", id, err) < 0)
		return err[0] ? cli_error("%s", err) * -1 : -1;
	return 0;
}

void
cli_clip_discard(struct cli *cli, int64_t id)
{
	struct store_clip c;
	char err[ERRLEN];
	if (!cli->store || store_clip_get_id(cli->store, id, &c, err) < 0)
		return;
	if (store_clip_remove(cli->store, id, err) == 0)
		unlink(c.file);
	store_clip_clear(&c);
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
	if (!valid_name(name))
		return cli_usage_error("clip", _("a clip name is 1 to 64 letters a-z, digits, '-', '_' or '.' (got %s)"), name);
	if (!kind)
		return cli_usage_error("clip", _("import needs --kind jingle, music, bed or recording"));
	if (cli_parse_choice(kind, kinds) < 0)
		return cli_usage_error("clip", _("--kind is jingle, music, bed or recording (got %s)"), kind);
	char err[ERRLEN];
	int64_t id;
	if (clip_import(cli, argv[optind], name, kind, &id, err) < 0)
		return err[0] ? cli_error("%s", err) : 1;
	printf("%lld\n", (long long)id);
	cli_poke_daemon(cli);
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

struct list_ctx {
	int format, n;
};

static int
list_row(const struct store_clip *c, void *arg)
{
	struct list_ctx *x = arg;
	if (x->format == 2) {
		json_t *o = clip_json(c);
		printf("%s", x->n ? ",\n  " : "\n  ");
		json_dumpf(o, stdout, JSON_COMPACT);
		json_decref(o);
	} else if (x->format == 1) {
		/* a name may start with '-': neutralised like every text cell (reports/) */
		printf("%lld,", (long long)c->id);
		report_csv_cell(stdout, c->name, 0);
		printf("%s,%.3f,%d,%d,%.1f,%.1f,%s\r\n", c->kind, c->duration_s, c->sample_rate,
		       c->channels, c->lufs, c->true_peak_db, c->sha256);
	} else {
		printf("%5lld  %-20s  %-9s  %8.1f  %6d  %2d  %6.1f  %6.1f\n", (long long)c->id, c->name,
		       _(c->kind), c->duration_s, c->sample_rate, c->channels, c->lufs, c->true_peak_db);
	}
	x->n++;
	return 0;
}

static int
parse_format(const char *cmd, int argc, char **argv, const char *const *formats, int *format)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char what[32];
	int c;
	snprintf(what, sizeof what, "clip %s", cmd);
	optind = 1;
	*format = 0;
	while ((c = cli_getopt(argc, argv, "h", opts, "clip", what)) != -1) {
		if (c == 'h') {
			help();
			return 3;
		}
		if (c != 'o')
			return EXIT_USAGE; /* cli_getopt() said why */
		if ((*format = cli_parse_choice(optarg, formats)) < 0)
			return formats == list_formats
				       ? cli_usage_error("clip", _("--format is text, csv or json (got %s)"), optarg)
				       : cli_usage_error("clip", _("--format is text or json (got %s)"), optarg);
	}
	return 0;
}

static int
clip_list(struct cli *cli, int argc, char **argv)
{
	struct list_ctx x = { 0 };
	int rc = parse_format("list", argc, argv, list_formats, &x.format);
	if (rc)
		return rc == 3 ? 0 : rc;
	if (optind != argc)
		return cli_usage_error("clip", _("unexpected argument '%s'"), argv[optind]);
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	if (x.format == 0)
		printf("%5s  %-20s  %-9s  %8s  %6s  %2s  %6s  %6s\n", _("ID"), _("NAME"), _("KIND"),
		       _("SECONDS"), _("RATE"), _("CH"), _("LUFS"), _("dBTP"));
	else if (x.format == 1)
		printf("\xef\xbb\xbf%s,%s,%s,%s,%s,%s,%s,%s,%s\r\n", "id", "name", "kind", "duration_s",
		       "sample_rate", "channels", "lufs", "true_peak_dbtp", "sha256");
	else
		printf("[");
	char err[ERRLEN];
	rc = store_clip_list(st, list_row, &x, err);
	if (x.format == 2)
		printf("%s]\n", x.n ? "\n" : "");
	return rc < 0 ? cli_error("%s", err) : 0;
}

static int
clip_show(struct cli *cli, int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", NULL };
	int format;
	int rc = parse_format("show", argc, argv, formats, &format);
	if (rc)
		return rc == 3 ? 0 : rc;
	if (optind + 1 != argc)
		return cli_usage_error("clip", _("show needs one clip NAME or ID"));
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	char err[ERRLEN];
	struct store_clip c;
	if (store_clip_get(st, argv[optind], &c, err) < 0)
		return cli_error("%s", err);
	if (format == 1) {
		json_t *o = clip_json(&c);
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		printf(_("Clip %lld: %s (%s)\n  file:       %s\n  from:       %s\n"
			 "  duration:   %.2f s\n  format:     %d Hz, %d channel(s)\n"
			 "  loudness:   %.1f LUFS, true peak %.1f dBTP\n  sha256:     %s\n"),
		       (long long)c.id, c.name, _(c.kind), c.file, c.original ? c.original : "",
		       c.duration_s, c.sample_rate, c.channels, c.lufs, c.true_peak_db, c.sha256);
	}
	store_clip_clear(&c);
	return 0;
}

static int
clip_remove(struct cli *cli, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		help();
		return 0;
	}
	if (argc != 2)
		return cli_usage_error("clip", _("remove needs one clip NAME or ID"));
	struct store *st = cli_store(cli);
	if (!st)
		return 1;
	char err[ERRLEN];
	struct store_clip c;
	if (store_clip_get(st, argv[1], &c, err) < 0)
		return cli_error("%s", err);
	int users = 0;
	if (store_clip_users(st, c.id, &users, err) < 0) {
		store_clip_clear(&c);
		return cli_error("%s", err);
	}
	for (size_t i = 0; !users && i < cli->cfg->n_programs; i++) {
		const struct config_program *p = &cli->cfg->programs[i];
		for (size_t j = 0; j < p->n_items; j++)
			if ((p->items[j].clip && strcmp(p->items[j].clip, c.name) == 0) ||
			    (p->items[j].bed && strcmp(p->items[j].bed, c.name) == 0)) {
				store_clip_clear(&c);
				return cli_error(_("The clip \"%s\" is used by the programme \"%s\" in %s:%d; take it out of the configuration first."),
						 argv[1], p->name, cli->cfg->path ? cli->cfg->path : "",
						 p->items[j].line);
			}
	}
	if (users) {
		store_clip_clear(&c);
		return cli_error(_("The clip \"%s\" is used by %d bulletin(s) or logged airing(s); it is kept so the log stays true."),
				 argv[1], users);
	}
	int rc = store_clip_remove(st, c.id, err);
	if (rc == 0)
		unlink(c.file);
	store_clip_clear(&c);
	return rc < 0 ? cli_error("%s", err) : 0;
}

int
cmd_clip(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help();
		return argc < 2 ? EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	argc--, argv++;
	if (strcmp(sub, "import") == 0)
		return clip_import_cmd(cli, argc, argv);
	if (strcmp(sub, "list") == 0)
		return clip_list(cli, argc, argv);
	if (strcmp(sub, "show") == 0)
		return clip_show(cli, argc, argv);
	if (strcmp(sub, "remove") == 0)
		return clip_remove(cli, argc, argv);
	return cli_usage_error("clip", _("'%s' is not a clip subcommand"), sub);
}
