/*
 * store — requests the daemon acts on at a time: queue entries for one slot
 * instant, which expire once their instant passed without them, and
 * one-off airings (`loaxa air ID --at`, the repeats of `--repeat`), which
 * the daemon plans like slot instants and marks done with the row of
 * their airing, so that none airs twice across restarts.
 *
 * Statements are prepared once per connection through store_prepared().
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"
#include "store/store_int.h"

static const char sql_queue_expire[] =
	"UPDATE queue SET expired_at = ?3 WHERE airing_id IS NULL AND expired_at IS NULL"
	" AND slot = ?1 AND at_ms IS NOT NULL AND at_ms <= ?2"
	" RETURNING id, bulletin_id, slot, at_ms, created_at, created_by";
static const char sql_queue_requeue[] =
	"UPDATE queue SET slot = NULL, at_ms = NULL WHERE id = ?1 AND airing_id IS NULL";
static const char sql_air_insert[] =
	"INSERT INTO air_requests (bulletin_id, at_ms, emergency, created_at, created_by, zones)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_air_pending[] =
	"SELECT id, bulletin_id, at_ms, emergency, created_at, created_by, zones FROM air_requests"
	" WHERE airing_id IS NULL AND (?1 = 0 OR at_ms <= ?1) ORDER BY at_ms, id";
static const char sql_air_done[] = "UPDATE air_requests SET airing_id = ?2 WHERE id = ?1";

static int
run(struct store *s, sqlite3_stmt *st, const char *what, char *err)
{
	int rc = sqlite3_step(st);
	store_stmt_done(st);
	if (rc != SQLITE_DONE) {
		store_sql_error(s, what, err);
		return -1;
	}
	return 0;
}

int
store_queue_expire(struct store *s, const char *slot, int64_t upto_ms, int64_t now,
		   store_queue_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_queue_expire, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, slot);
	sqlite3_bind_int64(st, 2, upto_ms);
	sqlite3_bind_int64(st, 3, now);
	/* RETURNING rows are all produced by the first step: read them, then call back */
	struct store_queue_entry *v = NULL;
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = (struct store_queue_entry){
			.id = sqlite3_column_int64(st, 0),
			.bulletin_id = sqlite3_column_int64(st, 1),
			.slot = store_col_text(st, 2),
			.at_ms = sqlite3_column_int64(st, 3),
			.created_at = sqlite3_column_int64(st, 4),
			.by = store_col_text(st, 5),
		};
	}
	if (rc != SQLITE_DONE)
		store_sql_error(s, _("Expiring queue entries"), err);
	store_stmt_done(st);
	for (size_t i = 0; i < n; i++) {
		if (rc == SQLITE_DONE && cb)
			cb(&v[i], arg);
		store_queue_entry_clear(&v[i]);
	}
	free(v);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_queue_requeue(struct store *s, int64_t id, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_queue_requeue, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return run(s, st, _("Updating the queue"), err);
}

int
store_air_request_add(struct store *s, struct store_air_request *r, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_air_insert, err);
	if (!st)
		return -1;
	r->created_at = time_now_ms();
	sqlite3_bind_int64(st, 1, r->bulletin_id);
	sqlite3_bind_int64(st, 2, r->at_ms);
	sqlite3_bind_int(st, 3, r->emergency ? 1 : 0);
	sqlite3_bind_int64(st, 4, r->created_at);
	store_bind_text(st, 5, r->by);
	store_bind_text(st, 6, r->zones);
	if (run(s, st, _("Storing the airing request"), err) < 0)
		return -1;
	r->id = sqlite3_last_insert_rowid(store_sqlite(s));
	return 0;
}

int
store_air_requests(struct store *s, int64_t upto_ms, store_air_request_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_air_pending, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, upto_ms);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_air_request r = {
			.id = sqlite3_column_int64(st, 0),
			.bulletin_id = sqlite3_column_int64(st, 1),
			.at_ms = sqlite3_column_int64(st, 2),
			.emergency = sqlite3_column_int(st, 3),
			.created_at = sqlite3_column_int64(st, 4),
			.by = store_col_text(st, 5),
			.zones = store_col_text(st, 6),
		};
		int stop = cb(&r, arg);
		free(r.by);
		free(r.zones);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		store_sql_error(s, _("Reading the airing requests"), err);
	store_stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_air_request_done(struct store *s, int64_t id, int64_t airing_id, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_air_done, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, airing_id);
	return run(s, st, _("Updating the airing request"), err);
}
