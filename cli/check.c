/*
 * loaxa config check's checks that reach beyond config/: the slots'
 * calendar expressions, the lexicon file, the speech engine and voice, and
 * what the programmes name in the store (the daemon runs the same on load
 * and reload: daemon/loop.c load_config()); and a warning for a programme
 * that may last longer than the time to the next slot instant.
 */
#include <stdlib.h>

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

/* A programme that may still be on air when the next slot instant comes: said, not refused. */
static void
warn_overruns(const struct config *cfg, struct store *st)
{
	char err[ERRLEN];
	struct sched *sc = sched_new(cfg, err);
	struct sched_pool *pool = sc ? sched_pool_load(st, err) : NULL;
	struct sched_overrun *o = NULL;
	size_t n = pool ? sched_overruns(sc, cfg, pool, time_now_ms(), OVERRUN_INSTANTS, &o) : 0;
	for (size_t i = 0; i < n; i++) {
		char len[32], gap[32];
		duration(o[i].longest_s, len, sizeof len);
		duration(o[i].gap_s, gap, sizeof gap);
		fprintf(stderr, _("loaxa: warning: programme \"%s\" of slot \"%s\" may last %s, but slot \"%s\" falls %s after it; the next airing would wait for it or be missed (cap it with max_minutes or space the slots)\n"),
			sc->slots[o[i].slot].program, sc->slots[o[i].slot].name, len,
			sc->slots[o[i].next_slot].name, gap);
	}
	free(o);
	sched_pool_free(pool);
	sched_free(sc);
}

int
cli_check_config(struct cli *cli, const struct config *cfg, char *err)
{
	struct sched *sc = sched_new(cfg, err);
	if (!sc)
		return -1;
	sched_free(sc);
	if (cfg->tts.lexicon) {
		struct tts_lexicon *lex = tts_lexicon_new();
		int rc = tts_lexicon_load(lex, cfg->tts.lexicon, err);
		tts_lexicon_free(lex);
		if (rc < 0)
			return -1;
	}
	struct tts_opts o = { .engine = cfg->tts.engine, .voice = cfg->tts.voice,
			      .command = cfg->tts.command };
	if (tts_check(&o, err) < 0)
		return -1;
	struct store *st;
	const char *dir = cli->state_dir ? cli->state_dir : cfg->state_dir;
	if (store_open(dir, &st, err) < 0)
		return -1;
	int rc = playlists_check(cfg, st, err);
	if (rc == 0)
		warn_overruns(cfg, st);
	store_close(st);
	return rc;
}
