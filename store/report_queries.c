/*
 * The aggregated report queries (see report_queries.h).  `loaxa report
 * --year` over a store of ten years must answer in well under 200 ms, so
 * SQLite groups the items per bulletin and month; walking the log row by
 * row (store_log()) costs a callback per aired item.
 *
 * These statements run once per `loaxa report`: they are prepared, used
 * and finalized per call rather than kept in store.c's per-connection
 * table, which is private to store.c.
 */
#include "store/report_queries.h"

#include <sqlite3.h>

#include "base/base.h"
#include "store/sql.h"
#include "store/store_int.h"

static const char sql_counts[] =
	"SELECT i.bulletin_id, v.topic, count(*), total(i.length_s)"
	" FROM airings a JOIN aired_items i ON i.airing_id = a.id"
	" JOIN bulletin_versions v ON v.bulletin_id = i.bulletin_id"
	"  AND v.version = i.bulletin_version"
	" WHERE a.scheduled_at >= ?1 AND a.scheduled_at < ?2"
	" AND a.status IN ('completed','interrupted')"
	" AND i.kind = 'bulletin' AND i.completed = 1"
	" AND (?3 IS NULL OR v.topic = ?3)"
	" GROUP BY i.bulletin_id, v.topic ORDER BY i.bulletin_id, v.topic";

static const char sql_missed[] =
	"SELECT id, slot, program, status, reason, scheduled_at FROM airings"
	" WHERE scheduled_at >= ?1 AND scheduled_at < ?2 AND status IN ('missed','failed')"
	" ORDER BY scheduled_at, id";

/* rc of sql_prepare_array() (store/sql.h) of one of the arrays above: 0, or -1 with err */
static int
prepared(struct store *s, int rc, char *err)
{
	if (rc != SQLITE_OK) {
		store_sql_error(s, _("Preparing a query"), err);
		return -1;
	}
	return 0;
}

/* Finishes a row loop: 0, or -1 with err when it ended on an error. */
static int
finish(struct store *s, sqlite3_stmt *st, int rc, char *err)
{
	if (rc != SQLITE_DONE)
		store_sql_error(s, _("Reading the airing log"), err);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_report_counts(struct store *s, int64_t from, int64_t until, const char *topic,
		    store_count_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = NULL;
	if (prepared(s, sql_prepare_array(store_sqlite(s), sql_counts, 0, &st), err) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, until);
	if (topic)
		sqlite3_bind_text(st, 3, topic, -1, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_count_row r = {
			.bulletin_id = sqlite3_column_int64(st, 0),
			.topic = (const char *)sqlite3_column_text(st, 1),
			.airings = sqlite3_column_int(st, 2),
			.airtime_s = sqlite3_column_double(st, 3),
		};
		if (cb(&r, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return finish(s, st, rc, err);
}

int
store_report_missed(struct store *s, int64_t from, int64_t until, store_missed_cb cb, void *arg,
		    char *err)
{
	sqlite3_stmt *st = NULL;
	if (prepared(s, sql_prepare_array(store_sqlite(s), sql_missed, 0, &st), err) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, until);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_missed_row r = {
			.airing_id = sqlite3_column_int64(st, 0),
			.slot = (const char *)sqlite3_column_text(st, 1),
			.program = (const char *)sqlite3_column_text(st, 2),
			.status = (const char *)sqlite3_column_text(st, 3),
			.reason = (const char *)sqlite3_column_text(st, 4),
			.scheduled_at = sqlite3_column_int64(st, 5),
		};
		if (cb(&r, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return finish(s, st, rc, err);
}
