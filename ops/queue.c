/*
 * ops — the queue: asking for an approved bulletin in a slot, at a time,
 * or in the next slot, and taking the request back.  Written from
 * cli/cmd_queue.c, whose rules these are.
 */
#include "ops/ops.h"

#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "store/store.h"

int
ops_queue_add(struct ops *o, int64_t bulletin_id, const char *slot, const char *at,
	      const char *who, int64_t *entry, char *err)
{
	const struct config *cfg = o->cfg;
	if (slot && at) {
		err_set(err, _("give --slot or --at, not both"));
		return OPS_INVALID;
	}
	if (slot && !config_slot_find(cfg, slot)) {
		struct sbuf names = { 0 };
		for (size_t i = 0; i < cfg->n_slots; i++)
			sbuf_addf(&names, "%s%s", i ? ", " : "", cfg->slots[i].name);
		err_set(err, _("There is no slot \"%s\"; the slots are: %s."), slot,
			names.s ? names.s : "-");
		sbuf_free(&names);
		return OPS_INVALID;
	}
	int64_t at_ms = 0;
	if (at && time_parse_local(at, &at_ms, err) < 0)
		return OPS_INVALID;
	if (at && at_ms < time_now_ms() - 60000) {
		err_set(err, _("%s is in the past; give a time to come."), at);
		return OPS_INVALID;
	}
	struct store_bulletin b;
	int rc = store_bulletin_get(o->st, bulletin_id, &b, err);
	if (rc < 0)
		return rc == STORE_NOTFOUND ? OPS_NOTFOUND : OPS_ERROR;
	if (strcmp(b.state, "approved") != 0) {
		err_set(err, _("Bulletin %lld is %s; only approved bulletins air ('loaxa bulletin approve %lld')."),
			(long long)bulletin_id, _(b.state), (long long)bulletin_id);
		rc = OPS_REFUSED;
	}
	store_bulletin_clear(&b);
	if (rc < 0)
		return rc;
	struct store_queue_entry e = { .bulletin_id = bulletin_id, .slot = (char *)slot,
				       .at_ms = at_ms, .by = (char *)who };
	if (store_queue_add(o->st, &e, err) < 0)
		return OPS_ERROR;
	*entry = e.id;
	ops_daemon_poke(cfg);
	return 0;
}

int
ops_queue_remove(struct ops *o, int64_t entry, char *err)
{
	int rc = store_queue_remove(o->st, entry, err);
	if (rc < 0)
		return rc == STORE_NOTFOUND ? OPS_NOTFOUND : OPS_ERROR;
	ops_daemon_poke(o->cfg);
	return 0;
}
