/*
 * The aggregated report queries (store.h, "Counting").  `loaxa report
 * --year` over a store of ten years must answer in well under 200 ms, so
 * SQLite groups the items per bulletin and month; walking the log row by
 * row (store_log()) costs a callback per aired item.
 *
 * These statements run once per `loaxa report`: they are prepared, used
 * and finalized per call rather than kept in store.c's per-connection
 * table, which is private to store.c.
 */
#include "store/store.h"

#include <sqlite3.h>

#include "base/base.h"
#include "store/sql.h"
#include "store/store_int.h"

static const char sql_counts[] =
	"SELECT bulletin_id, topic, count(*), total(length_s) FROM aired_bulletins"
	" WHERE scheduled_at >= ?1 AND scheduled_at < ?2 AND (?3 IS NULL OR topic = ?3)"
	" GROUP BY bulletin_id, topic ORDER BY bulletin_id, topic";

static const char sql_missed[] =
	"SELECT id, slot, program, status, reason, scheduled_at FROM airings"
	" WHERE scheduled_at >= ?1 AND scheduled_at < ?2 AND status IN ('missed','failed')"
	" ORDER BY scheduled_at, id";

/*
 * The relay items on air in [?1, ?2), in seconds: relays of the upper
 * station (kind stream, and kind relay from line-in) and live
 * announcements (kind relay whose source is "live:DEVICE", the way
 * daemon/plan.c logs the microphone).  Counted by the airing's status as
 * bulletins are: completed and interrupted airings, each item its length
 * as logged (a relay that lost its signal counts its whole item: the
 * fallback filled the rest, and the row's reason says when).  ?3: only the
 * airings that went to that zone.
 */
static const char sql_relay[] =
	"SELECT total(CASE WHEN i.source LIKE 'live:%' THEN 0 ELSE i.length_s END),"
	" total(CASE WHEN i.source LIKE 'live:%' THEN i.length_s ELSE 0 END)"
	" FROM aired_items i JOIN airings a ON a.id = i.airing_id"
	" WHERE i.kind IN ('stream','relay') AND a.status IN ('completed','interrupted')"
	"  AND a.scheduled_at >= ?1 AND a.scheduled_at < ?2"
	"  AND (?3 IS NULL OR instr(',' || a.zones || ',', ',' || ?3 || ',') > 0)";

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

int
store_report_relay(struct store *s, int64_t from, int64_t until, const char *zone,
		   double *relay_s, double *live_s, char *err)
{
	sqlite3_stmt *st = NULL;
	*relay_s = *live_s = 0;
	if (prepared(s, sql_prepare_array(store_sqlite(s), sql_relay, 0, &st), err) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, until);
	if (zone)
		sqlite3_bind_text(st, 3, zone, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*relay_s = sqlite3_column_double(st, 0);
		*live_s = sqlite3_column_double(st, 1);
		rc = SQLITE_DONE;
	}
	return finish(s, st, rc, err);
}

/* ---- the report's counts with the days they aired ---- */

/*
 * sql_counts with two more columns: the latest version aired, and the
 * local days it aired as bits of a mask, bit 0 the day ?5 (days since
 * 1970-01-01, cut with the UTC offset ?4 ms, constant over [?1, ?2), at
 * most 63 days long): one scan gives a month's counts and the days each
 * bulletin aired.  SQLite's 'localtime' per row, or a row per day, would
 * cost more than the counting.  (When the rule moves into a view, this
 * reads the view.)
 */
static const char sql_days[] =
	"SELECT bulletin_id, topic, count(*), total(length_s), max(bulletin_version),"
	" sum(DISTINCT 1 << ((scheduled_at + ?4) / 86400000 - ?5))"
	" FROM aired_bulletins"
	" WHERE scheduled_at >= ?1 AND scheduled_at < ?2 AND (?3 IS NULL OR topic = ?3)"
	"  AND (?6 IS NULL OR airing_id IN (SELECT id FROM airings"
	"   WHERE instr(',' || zones || ',', ',' || ?6 || ',') > 0))"
	" GROUP BY bulletin_id, topic ORDER BY bulletin_id, topic";

int
store_report_days(struct store *s, int64_t from, int64_t until, const char *topic,
		  int64_t offset_ms, store_day_cb cb, void *arg, char *err)
{
	return store_report_days_zone(s, from, until, topic, NULL, offset_ms, cb, arg, err);
}

int
store_report_days_zone(struct store *s, int64_t from, int64_t until, const char *topic,
		       const char *zone, int64_t offset_ms, store_day_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = NULL;
	if (prepared(s, sql_prepare_array(store_sqlite(s), sql_days, 0, &st), err) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	int64_t first_day = (from + offset_ms) / 86400000;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, until);
	if (topic)
		sqlite3_bind_text(st, 3, topic, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, offset_ms);
	sqlite3_bind_int64(st, 5, first_day);
	if (zone)
		sqlite3_bind_text(st, 6, zone, -1, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_day_row r = {
			.bulletin_id = sqlite3_column_int64(st, 0),
			.topic = (const char *)sqlite3_column_text(st, 1),
			.airings = sqlite3_column_int(st, 2),
			.airtime_s = sqlite3_column_double(st, 3),
			.version = sqlite3_column_int(st, 4),
			.first_day = first_day,
			.days = (uint64_t)sqlite3_column_int64(st, 5),
		};
		if (cb(&r, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return finish(s, st, rc, err);
}

/* The first airing that made a sound: when the station began. */
static const char sql_first[] =
	"SELECT min(scheduled_at) FROM airings WHERE started_at IS NOT NULL";

int
store_airing_first(struct store *s, int64_t *ms, char *err)
{
	sqlite3_stmt *st = NULL;
	if (prepared(s, sql_prepare_array(store_sqlite(s), sql_first, 0, &st), err) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	int rc = sqlite3_step(st);
	*ms = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE;
	return finish(s, st, rc, err);
}

/* The title of a version of a bulletin, for the report's list. */
static const char sql_title[] =
	"SELECT title FROM bulletin_versions WHERE bulletin_id = ?1 AND version = ?2";

int
store_report_titles(struct store *s, size_t n, const int64_t *ids, const int *versions,
		    char **titles, char *err)
{
	sqlite3_stmt *st = NULL;
	if (prepared(s, sql_prepare_array(store_sqlite(s), sql_title, 0, &st), err) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	int rc = SQLITE_DONE;
	for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_int(st, 2, versions[i]);
		rc = sqlite3_step(st);
		const char *t = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		titles[i] = xstrdup(t ? t : "");
		if (rc == SQLITE_ROW)
			rc = SQLITE_DONE;
		sqlite3_reset(st);
	}
	return finish(s, st, rc, err);
}
