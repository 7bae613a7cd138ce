/*
 * Checking programme templates against the store: every clip, bed and
 * bulletin a template names must exist, so that a typo is caught when the
 * configuration is loaded, not at five in the morning.
 */
#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "store/store.h"

static int
check_clip(const struct config *cfg, struct store *st, const struct config_program *p,
	   const struct config_item *it, const char *name, char *err)
{
	struct store_clip c;
	char e2[ERRLEN];
	int rc = store_clip_get(st, name, &c, e2);
	if (rc == 0) {
		store_clip_clear(&c);
		return 0;
	}
	if (rc == STORE_NOTFOUND)
		err_set(err, _("%s:%d: programme \"%s\" names the clip \"%s\", which has not been imported; import it with 'loaxa clip import FILE --name %s --kind jingle' (got \"%s\")"),
			cfg->path ? cfg->path : "(built-in)", it->line, p->name, name, name, name);
	else
		err_set(err, "%s", e2);
	return -1;
}

int
playlists_check(const struct config *cfg, struct store *st, char *err)
{
	for (size_t i = 0; i < cfg->n_programs; i++) {
		const struct config_program *p = &cfg->programs[i];
		for (size_t j = 0; j < p->n_items; j++) {
			const struct config_item *it = &p->items[j];
			if (it->kind == CONFIG_ITEM_CLIP && check_clip(cfg, st, p, it, it->clip, err))
				return -1;
			if (it->bed && check_clip(cfg, st, p, it, it->bed, err))
				return -1;
			if (it->fallback && check_clip(cfg, st, p, it, it->fallback, err))
				return -1;
			if (it->kind == CONFIG_ITEM_BULLETIN) {
				struct store_bulletin b;
				char e2[ERRLEN];
				int rc = store_bulletin_get(st, it->bulletin, &b, e2);
				if (rc == STORE_NOTFOUND) {
					err_set(err, _("%s:%d: programme \"%s\" names bulletin %lld, which does not exist (got %lld)"),
						cfg->path ? cfg->path : "(built-in)", it->line, p->name,
						it->bulletin, it->bulletin);
					return -1;
				}
				if (rc < 0) {
					err_set(err, "%s", e2);
					return -1;
				}
				store_bulletin_clear(&b);
			}
		}
	}
	return 0;
}
