/*
 * Checks of a loaded configuration that reach beyond config/: the slots'
 * calendar expressions, the lexicon file, the speech engine and voice, and
 * what the programmes name in the store.  The daemon runs the same checks
 * on load and reload (daemon/loop.c load_config()).
 */
#include <stdlib.h>

#include "base/base.h"
#include "cli/cli.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "scheduler/scheduler.h"
#include "store/store.h"
#include "tts/tts.h"

int
config_check_references(struct cli *cli, const struct config *cfg, char *err)
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
	store_close(st);
	return rc;
}
