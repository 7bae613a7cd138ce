/*
 * ops — the set-up every operation shares: the lexicon, loaded once, and
 * the name of the person at the keyboard.
 */
#include "ops/ops.h"

#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "tts/tts.h"

int
ops_init(struct ops *o, const struct config *cfg, struct store *st, const char *state_dir,
	 char *err)
{
	memset(o, 0, sizeof *o);
	o->cfg = cfg;
	o->st = st;
	o->state_dir = state_dir ? state_dir : cfg->state_dir;
	if (sodium_init() < 0) {
		err_set(err, _("Cannot start libsodium (no source of random numbers?)."));
		return OPS_ERROR;
	}
	return 0;
}

void
ops_done(struct ops *o)
{
	tts_lexicon_free(o->lex);
	o->lex = NULL;
}

struct tts_lexicon *
ops_lexicon(struct ops *o, char *err)
{
	if (o->lex)
		return o->lex;
	struct tts_lexicon *lex = tts_lexicon_new();
	if (o->cfg->tts.lexicon && tts_lexicon_load(lex, o->cfg->tts.lexicon, err) < 0) {
		tts_lexicon_free(lex);
		return NULL;
	}
	return o->lex = lex;
}

const char *
ops_unix_user(void)
{
	static char name[64];
	if (!name[0]) {
		struct passwd *pw = getpwuid(getuid());
		if (pw && pw->pw_name && *pw->pw_name)
			snprintf(name, sizeof name, "%s", pw->pw_name);
		else
			snprintf(name, sizeof name, "uid %u", (unsigned)getuid());
	}
	return name;
}
