/*
 * ops — checking a loaded configuration beyond config/: the slots'
 * calendar expressions (and whether each one ever falls), the lexicon
 * file, the speech engine and voice, and what the programmes name in the
 * store.  Every finding goes into the list with its line, so that `loaxa
 * config check` tells them all at once; the web console's check of a
 * pasted file tells the first error.  A programme that may last longer
 * than the time to the next slot instant is a warning.  And whether a
 * name given to a command is a slot, topic or programme, said with the
 * near name.
 */
#include "ops/ops.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "scheduler/scheduler.h"
#include "store/store.h"
#include "tts/tts.h"

/* How many coming instants of each slot the overrun warning looks at. */
#define OVERRUN_INSTANTS 64

static void
duration(double s, char *buf, size_t len)
{
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

static int
slot_line(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_slots; i++)
		if (cfg->slots[i].name && strcmp(cfg->slots[i].name, name) == 0)
			return cfg->slots[i].line;
	return -1;
}

/* A programme that may still be on air when the next slot instant comes: said, not refused. */
static void
warn_overruns(const struct config *cfg, struct store *st, struct config_diags *d)
{
	char err[ERRLEN];
	const char *path = cfg->path ? cfg->path : _("built-in defaults");
	struct sched *sc = sched_new(cfg, err);
	struct sched_pool *pool = sc ? sched_pool_load(st, err) : NULL;
	struct sched_overrun *o = NULL;
	size_t n = pool ? sched_overruns(sc, cfg, pool, time_now_ms(), OVERRUN_INSTANTS, &o) : 0;
	for (size_t i = 0; i < n; i++) {
		char len[32], gap[32];
		duration(o[i].longest_s, len, sizeof len);
		duration(o[i].gap_s, gap, sizeof gap);
		config_diag_add(d, 1, path, slot_line(cfg, sc->slots[o[i].slot].name),
				_("programme \"%s\" of slot \"%s\" may last %s, but slot \"%s\" falls %s after it; the next airing would wait for it or be missed (cap it with max_minutes or space the slots)"),
				sc->slots[o[i].slot].program, sc->slots[o[i].slot].name, len,
				sc->slots[o[i].next_slot].name, gap);
	}
	free(o);
	sched_pool_free(pool);
	sched_free(sc);
}

/* A sentence that may already start with "PATH:LINE: ", filed at line. */
static void
add_sentence(struct config_diags *d, const struct config *cfg, int line, const char *e)
{
	const char *path = cfg->path ? cfg->path : _("built-in defaults");
	char head[600];
	snprintf(head, sizeof head, "%s:%d: ", path, line);
	if (strncmp(e, head, strlen(head)) == 0)
		e += strlen(head);
	config_diag_add(d, 0, path, line, "%s", e);
}

/* Every slot's expression: does it parse, and does it ever fall (again)? */
static void
check_calendars(const struct config *cfg, struct config_diags *d)
{
	const char *path = cfg->path ? cfg->path : _("built-in defaults");
	int64_t now_s = time_now_ms() / 1000;
	for (size_t i = 0; i < cfg->n_slots; i++) {
		const struct config_slot *sl = &cfg->slots[i];
		char e[ERRLEN];
		if (!sl->when) /* its own error is told */
			continue;
		struct sched_cal *cal = sched_cal_parse(sl->when, e);
		if (!cal) {
			config_diag_add(d, 0, path, sl->line, _("slot \"%s\": when: %s"), sl->name, e);
			continue;
		}
		if (sched_cal_next(cal, 0) < 0)
			config_diag_add(d, 1, path, sl->line,
					_("slot \"%s\": \"%s\" never falls: no such day exists; the slot will never air"),
					sl->name, sl->when);
		else if (sched_cal_next(cal, now_s) < 0)
			config_diag_add(d, 1, path, sl->line,
					_("slot \"%s\": \"%s\" falls no more: its last time is past; the slot will never air again"),
					sl->name, sl->when);
		sched_cal_free(cal);
	}
}

/* The line that most likely holds what the speech engine refused. */
static int
tts_line(const struct config *cfg)
{
	static const char *const keys[] = { "tts.voice", "tts.region", "tts.engine", "tts.command", "tts" };
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (config_line(cfg, keys[i]))
			return config_line(cfg, keys[i]);
	return 0;
}

/* Removes the empty database check_store_names() made in dir, and dir. */
static void
remove_fresh(const char *dir)
{
	static const char *const files[] = { "loaxa.db", "loaxa.db-wal", "loaxa.db-shm", "loaxa.db-journal" };
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

/*
 * What the programmes name in the store, item by item: playlists_check()
 * says the first problem of the configuration it is given, so it is given
 * one item at a time and every problem is told.
 */
static void
check_store_names(const struct config *cfg, const char *state_dir, struct config_diags *d)
{
	struct store *st;
	char e[ERRLEN];
	const char *dir = state_dir ? state_dir : cfg->state_dir;
	/*
	 * Checking a file must not make a station: where there is no database
	 * yet (a new install, a file checked on another machine) the names are
	 * looked for in an empty one made in a temporary directory, and nothing
	 * is left in the state directory.
	 */
	char *db = xasprintf("%s/loaxa.db", dir);
	int fresh = access(db, F_OK) < 0 && errno == ENOENT;
	free(db);
	char tmp[] = "/tmp/loaxa-check.XXXXXX";
	if (fresh && !mkdtemp(tmp)) {
		config_diag_add(d, 0, NULL, -1, _("Cannot make a temporary directory to check the names in: %s."),
				strerror(errno));
		return;
	}
	int rc = store_open(fresh ? tmp : dir, &st, e);
	if (rc < 0) {
		/* about the state directory, not a line of the file */
		config_diag_add(d, 0, NULL, -1, "%s", e);
		if (fresh)
			remove_fresh(tmp);
		return;
	}
	for (size_t i = 0; i < cfg->n_programs; i++) {
		for (size_t j = 0; j < cfg->programs[i].n_items; j++) {
			struct config_program one = cfg->programs[i];
			one.items = &cfg->programs[i].items[j];
			one.n_items = 1;
			struct config view = *cfg;
			view.programs = &one;
			view.n_programs = 1;
			if (playlists_check(&view, st, e) < 0)
				add_sentence(d, cfg, one.items[0].line, e);
		}
	}
	/* the closing jingle of loaxa live, a clip the station names */
	if (cfg->live_end_jingle) {
		struct store_clip c;
		rc = store_clip_get(st, cfg->live_end_jingle, &c, e);
		if (rc == 0) {
			store_clip_clear(&c);
		} else if (rc == STORE_NOTFOUND) {
			snprintf(e, sizeof e, _("live_end_jingle names the clip \"%s\", which has not been imported; import it with 'loaxa clip import FILE --name %s --kind jingle'"),
				 cfg->live_end_jingle, cfg->live_end_jingle);
			add_sentence(d, cfg, config_line(cfg, "live_end_jingle"), e);
		} else {
			add_sentence(d, cfg, config_line(cfg, "live_end_jingle"), e);
		}
	}
	if (d->errors == 0)
		warn_overruns(cfg, st, d);
	store_close(st);
	if (fresh)
		remove_fresh(tmp);
}

void
ops_config_check_all(const struct config *cfg, const char *state_dir, struct config_diags *d)
{
	char e[ERRLEN];
	check_calendars(cfg, d);
	if (cfg->tts.lexicon) {
		struct tts_lexicon *lex = tts_lexicon_new();
		if (tts_lexicon_load(lex, cfg->tts.lexicon, e) < 0)
			add_sentence(d, cfg, config_line(cfg, "tts.lexicon"), e);
		tts_lexicon_free(lex);
	}
	struct tts_opts o = { .engine = cfg->tts.engine, .voice = cfg->tts.voice,
			      .region = cfg->tts.region, .command = cfg->tts.command };
	if (tts_check(&o, e) < 0)
		add_sentence(d, cfg, tts_line(cfg), e);
	/* items left out for their own errors are not looked for in the store */
	check_store_names(cfg, state_dir, d);
}

/* The first error of d into err: OPS_INVALID; 0 when there is none (warnings are not). */
static int
first_error(const struct config_diags *d, char *err)
{
	for (size_t i = 0; i < d->n; i++)
		if (!d->v[i].warning) {
			snprintf(err, ERRLEN, "%s", d->v[i].text);
			return OPS_INVALID;
		}
	return 0;
}

int
ops_config_check(const struct config *cfg, const char *state_dir, char *err)
{
	struct config_diags d = { 0 };
	ops_config_check_all(cfg, state_dir, &d);
	int rc = first_error(&d, err);
	config_diags_free(&d);
	return rc;
}

/* Puts name where err says path. */
static void
rename_in(char *err, const char *path, const char *name)
{
	char *p;
	while ((p = strstr(err, path))) {
		char e2[ERRLEN];
		snprintf(e2, sizeof e2, "%.*s%s%s", (int)(p - err), err, name, p + strlen(path));
		memcpy(err, e2, ERRLEN);
	}
}

int
ops_config_check_text(const char *text, size_t len, const char *name, const char *state_dir,
		      char *err)
{
	char path[] = "/tmp/loaxa-config-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) {
		err_set(err, _("Cannot write into %s: %s."), "/tmp", strerror(errno));
		return OPS_ERROR;
	}
	int ok = write(fd, text, len) == (ssize_t)len;
	close(fd);
	int rc = OPS_ERROR;
	if (!ok) {
		err_set(err, _("Cannot write into %s: %s."), "/tmp", strerror(errno));
	} else {
		/* every finding, as `loaxa config check` has them; the first error is told */
		struct config_diags d = { 0 };
		struct config *cfg = config_load_diags(path, &d);
		if (cfg)
			ops_config_check_all(cfg, state_dir, &d);
		rc = first_error(&d, err);
		config_diags_free(&d);
		config_free(cfg);
		if (rc < 0)
			rename_in(err, path, name);
	}
	unlink(path);
	return rc;
}

char *
ops_name_unknown(const struct config *c, enum ops_name kind, const char *name)
{
	static const struct {
		const char *none, *near;
	} says[] = {
		[OPS_SLOT] = { N_("There is no slot \"%s\"; the slots are: %s."),
			       N_("There is no slot \"%s\"; did you mean %s? The slots are: %s.") },
		[OPS_TOPIC] = { N_("There is no topic \"%s\"; the topics are: %s."),
				N_("There is no topic \"%s\"; did you mean %s? The topics are: %s.") },
		[OPS_PROGRAM] = { N_("There is no programme \"%s\"; the programmes are: %s."),
				  N_("There is no programme \"%s\"; did you mean %s? The programmes are: %s.") },
		[OPS_ZONE] = { N_("There is no zone \"%s\"; the zones are: %s."),
			       N_("There is no zone \"%s\"; did you mean %s? The zones are: %s.") },
	};
	size_t n = kind == OPS_SLOT    ? c->n_slots
		   : kind == OPS_TOPIC ? c->n_topics
		   : kind == OPS_ZONE  ? c->n_zones
				       : c->n_programs;
	const char **names = xcalloc(n + 1, sizeof *names);
	int found = 0;
	char *says_it = NULL;
	for (size_t i = 0; i < n; i++) {
		names[i] = kind == OPS_SLOT    ? c->slots[i].name
			   : kind == OPS_TOPIC ? c->topics[i].id
			   : kind == OPS_ZONE  ? c->zones[i].name
					       : c->programs[i].name;
		found |= strcmp(names[i], name) == 0;
	}
	if (!found) {
		struct sbuf all = { 0 };
		for (size_t i = 0; i < n; i++)
			sbuf_addf(&all, "%s%s", i ? ", " : "", names[i]);
		const char *near = config_near_name(name, names, n);
		if (near)
			says_it = xasprintf(_(says[kind].near), name, near, all.s ? all.s : "-");
		else
			says_it = xasprintf(_(says[kind].none), name, all.s ? all.s : "-");
		sbuf_free(&all);
	}
	free(names);
	return says_it;
}

int
ops_name_check(const struct config *cfg, enum ops_name kind, const char *name, char *err)
{
	char *says = ops_name_unknown(cfg, kind, name);
	if (!says)
		return 0;
	snprintf(err, ERRLEN, "%s", says);
	free(says);
	return OPS_INVALID;
}

int
ops_zones_parse(const struct config *cfg, const char *list, char **out, char *err)
{
	*out = NULL;
	if (strcmp(list, "all") == 0)
		return 0;
	char *copy = xstrdup(list), *save;
	struct sbuf names = { 0 };
	size_t n = 0;
	int rc = 0;
	for (char *z = strtok_r(copy, ",", &save); z && !rc; z = strtok_r(NULL, ",", &save)) {
		const char *one[] = { z };
		if (ops_name_check(cfg, OPS_ZONE, z, err) < 0)
			rc = OPS_INVALID;
		else if (!names.s || !sched_zones_cover(names.s, one, 1)) {
			sbuf_addf(&names, "%s%s", n ? "," : "", z);
			n++;
		}
	}
	if (!rc && !n) {
		err_set(err, _("--zones names no zone; name one or more (thon-1,thon-3), or all."));
		rc = OPS_INVALID;
	}
	if (!rc && n < cfg->n_zones)
		*out = sbuf_steal(&names);
	sbuf_free(&names);
	free(copy);
	return rc;
}
