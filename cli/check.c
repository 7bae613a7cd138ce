/*
 * Checks of a loaded configuration that reach beyond config/: the slots'
 * calendar expressions (and whether each one ever falls), the lexicon
 * file, the speech engine and voice, and what the programmes name in the
 * store.  Every finding goes into the list with its line, so that `loaxa
 * config check` tells them all at once.  The daemon runs the same checks
 * on load and reload, stopping at the first (daemon/loop.c load_config()).
 * A programme that may last longer than the time to the next slot instant
 * is a warning.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli.h"
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

/*
 * What the programmes name in the store, item by item: playlists_check()
 * says the first problem of the configuration it is given, so it is given
 * one item at a time and every problem is told.
 */
static void
check_store_names(struct cli *cli, const struct config *cfg, struct config_diags *d)
{
	struct store *st;
	char e[ERRLEN];
	const char *dir = cli->state_dir ? cli->state_dir : cfg->state_dir;
	if (store_open(dir, &st, e) < 0) {
		/* about the state directory, not a line of the file */
		config_diag_add(d, 0, NULL, -1, "%s", e);
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
	if (d->errors == 0)
		warn_overruns(cfg, st, d);
	store_close(st);
}

void
config_check_references(struct cli *cli, const struct config *cfg, struct config_diags *d)
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
	check_store_names(cli, cfg, d);
}
