/*
 * ops — checking a configuration beyond config/: the slots' calendar
 * expressions, the lexicon file, the speech engine and voice, and what the
 * programmes name in the store.  The daemon runs the same checks on load
 * and reload.  Written from cli/check.c (config_check_references()); the
 * text form checks a file pasted into the web console.  And whether a
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

int
ops_config_check(const struct config *cfg, const char *state_dir, char *err)
{
	struct sched *sc = sched_new(cfg, err);
	if (!sc)
		return OPS_INVALID;
	sched_free(sc);
	if (cfg->tts.lexicon) {
		struct tts_lexicon *lex = tts_lexicon_new();
		int rc = tts_lexicon_load(lex, cfg->tts.lexicon, err);
		tts_lexicon_free(lex);
		if (rc < 0)
			return OPS_INVALID;
	}
	struct tts_opts o = { .engine = cfg->tts.engine, .voice = cfg->tts.voice,
			      .region = cfg->tts.region, .command = cfg->tts.command };
	if (tts_check(&o, err) < 0)
		return OPS_INVALID;
	struct store *st;
	if (store_open(state_dir ? state_dir : cfg->state_dir, &st, err) < 0)
		return OPS_ERROR;
	int rc = playlists_check(cfg, st, err) < 0 ? OPS_INVALID : 0;
	store_close(st);
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
		struct config *cfg = config_load(path, err);
		if (!cfg) {
			rc = OPS_INVALID;
		} else {
			rc = ops_config_check(cfg, state_dir, err);
			config_free(cfg);
		}
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
	};
	size_t n = kind == OPS_SLOT ? c->n_slots : kind == OPS_TOPIC ? c->n_topics : c->n_programs;
	const char **names = xcalloc(n + 1, sizeof *names);
	int found = 0;
	char *says_it = NULL;
	for (size_t i = 0; i < n; i++) {
		names[i] = kind == OPS_SLOT    ? c->slots[i].name
			   : kind == OPS_TOPIC ? c->topics[i].id
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
