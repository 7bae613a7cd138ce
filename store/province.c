/*
 * store — the province's database (see store_province.h).  Its own
 * connection, migrations and statement table; nothing here touches a
 * commune's loaxa.db.
 */
#include "store/store_province.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "store/store_int.h"

/* Schema, one entry per version; never edit a released step, add one. */
static const char *const migrations[] = {
	/* 1: communes, their airing rows and status, the bulletins sent */
	"CREATE TABLE communes ("
	"  id TEXT PRIMARY KEY,"
	"  district TEXT,"
	"  name TEXT,"
	"  known INTEGER NOT NULL DEFAULT 0,"
	"  online INTEGER NOT NULL DEFAULT 0,"
	"  last_seen INTEGER,"
	"  status TEXT);"
	"CREATE TABLE airings ("
	"  commune TEXT NOT NULL,"
	"  airing_id INTEGER NOT NULL,"
	"  rev INTEGER NOT NULL,"
	"  slot TEXT,"
	"  program TEXT,"
	"  scheduled_at INTEGER NOT NULL,"
	"  started_at INTEGER,"
	"  ended_at INTEGER,"
	"  status TEXT NOT NULL,"
	"  reason TEXT,"
	"  lateness_ms INTEGER,"
	"  audio_sha256 TEXT,"
	"  published_at INTEGER,"
	"  received_at INTEGER NOT NULL,"
	"  deliveries INTEGER NOT NULL DEFAULT 1,"
	"  PRIMARY KEY (commune, airing_id));"
	"CREATE INDEX airings_by_time ON airings(scheduled_at);"
	"CREATE TABLE items ("
	"  commune TEXT NOT NULL,"
	"  airing_id INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  bulletin_id INTEGER,"
	"  bulletin_version INTEGER,"
	"  title TEXT,"
	"  topic TEXT,"
	"  class TEXT,"
	"  msg_id TEXT,"
	"  clip_name TEXT,"
	"  offset_s REAL NOT NULL,"
	"  length_s REAL NOT NULL,"
	"  completed INTEGER NOT NULL,"
	"  PRIMARY KEY (commune, airing_id, seq),"
	"  FOREIGN KEY (commune, airing_id) REFERENCES airings(commune, airing_id));"
	"CREATE TABLE sent ("
	"  msg_id TEXT PRIMARY KEY,"
	"  class TEXT NOT NULL,"
	"  targets TEXT NOT NULL,"
	"  title TEXT,"
	"  topic TEXT,"
	"  issued_at INTEGER NOT NULL,"
	"  expires_at INTEGER);"
	"CREATE TABLE receipts ("
	"  msg_id TEXT NOT NULL,"
	"  commune TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  reason TEXT,"
	"  at INTEGER NOT NULL,"
	"  PRIMARY KEY (msg_id, commune, outcome));",
};

enum pstmt {
	P_COMMUNE_SET,
	P_COMMUNE_SEEN,
	P_AIRING_REV,
	P_AIRING_REPEAT,
	P_AIRING_PUT,
	P_ITEMS_DELETE,
	P_ITEM_INSERT,
	P_STATUS,
	P_RECEIPT,
	P_SENT,
	P_COMMUNES,
	P_COUNTS,
	P_RECEIPTS,
	P_BEGIN,
	P_COMMIT,
	P_ROLLBACK,
	P_COUNT
};

static const char *const psql[P_COUNT] = {
	[P_COMMUNE_SET] = "INSERT INTO communes (id, district, name, known) VALUES (?1, ?2, ?3, 1)"
			  " ON CONFLICT (id) DO UPDATE SET district = ?2, name = ?3, known = 1",
	[P_COMMUNE_SEEN] = "INSERT INTO communes (id, last_seen) VALUES (?1, ?2)"
			   " ON CONFLICT (id) DO UPDATE SET last_seen = max(coalesce(last_seen, 0), ?2)",
	[P_AIRING_REV] = "SELECT rev FROM airings WHERE commune = ?1 AND airing_id = ?2",
	[P_AIRING_REPEAT] = "UPDATE airings SET deliveries = deliveries + 1"
			    " WHERE commune = ?1 AND airing_id = ?2",
	[P_AIRING_PUT] = "INSERT INTO airings (commune, airing_id, rev, slot, program, scheduled_at,"
			 " started_at, ended_at, status, reason, lateness_ms, audio_sha256,"
			 " published_at, received_at)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
			 " ON CONFLICT (commune, airing_id) DO UPDATE SET rev = ?3, slot = ?4,"
			 " program = ?5, scheduled_at = ?6, started_at = ?7, ended_at = ?8,"
			 " status = ?9, reason = ?10, lateness_ms = ?11, audio_sha256 = ?12,"
			 " published_at = ?13, deliveries = deliveries + 1",
	[P_ITEMS_DELETE] = "DELETE FROM items WHERE commune = ?1 AND airing_id = ?2",
	[P_ITEM_INSERT] = "INSERT INTO items (commune, airing_id, seq, kind, bulletin_id,"
			  " bulletin_version, title, topic, class, msg_id, clip_name, offset_s,"
			  " length_s, completed)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[P_STATUS] = "INSERT INTO communes (id, online, last_seen, status) VALUES (?1, ?2, ?3, ?4)"
		     " ON CONFLICT (id) DO UPDATE SET online = ?2,"
		     " last_seen = max(coalesce(last_seen, 0), ?3), status = coalesce(?4, status)",
	[P_RECEIPT] = "INSERT OR IGNORE INTO receipts (msg_id, commune, outcome, reason, at)"
		      " VALUES (?1, ?2, ?3, ?4, ?5)",
	[P_SENT] = "INSERT INTO sent (msg_id, class, targets, title, topic, issued_at, expires_at)"
		   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[P_COMMUNES] = "SELECT c.id, c.district, c.name, c.known, c.online, c.last_seen, c.status,"
		       " (SELECT max(scheduled_at) FROM airings a WHERE a.commune = c.id),"
		       " (SELECT status FROM airings a WHERE a.commune = c.id"
		       "  ORDER BY scheduled_at DESC, airing_id DESC LIMIT 1),"
		       " (SELECT count(*) FROM airings a WHERE a.commune = c.id"
		       "  AND a.status IN ('failed','missed') AND a.scheduled_at >= ?1 - 604800000),"
		       " (SELECT count(*) FROM airings a WHERE a.commune = c.id)"
		       " FROM communes c ORDER BY c.district IS NULL, c.district, c.id",
	[P_COUNTS] = "SELECT i.commune, i.bulletin_id, i.topic, count(*), total(i.length_s)"
		     " FROM airings a JOIN items i ON i.commune = a.commune"
		     "  AND i.airing_id = a.airing_id"
		     " WHERE a.scheduled_at >= ?1 AND a.scheduled_at < ?2"
		     " AND a.status IN ('completed','interrupted')"
		     " AND i.kind = 'bulletin' AND i.completed = 1"
		     " GROUP BY i.commune, i.bulletin_id, i.topic"
		     " ORDER BY i.commune, i.bulletin_id, i.topic",
	[P_RECEIPTS] = "SELECT msg_id, commune, outcome, reason, at FROM receipts"
		       " WHERE ?1 IS NULL OR msg_id = ?1 ORDER BY msg_id, commune, at",
	[P_BEGIN] = "BEGIN IMMEDIATE",
	[P_COMMIT] = "COMMIT",
	[P_ROLLBACK] = "ROLLBACK",
};

struct store_province {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[P_COUNT];
};

static void
sql_error(struct store_province *p, const char *what, char *err)
{
	int code = sqlite3_extended_errcode(p->db) & 0xff;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		err_set(err, _("The database %s is locked by another process; try again when the other loaxa-province command has finished."),
			p->path);
	else if (code == SQLITE_FULL)
		err_set(err, _("The disk holding %s is full; free some space and try again."), p->path);
	else if (code == SQLITE_READONLY)
		err_set(err, _("The database %s is read-only; loaxa-province needs write access to it and to its directory."),
			p->path);
	else
		err_set(err, _("%s failed on %s: %s."), what, p->path, sqlite3_errmsg(p->db));
}

static sqlite3_stmt *
pstmt(struct store_province *p, enum pstmt id, char *err)
{
	if (!p->st[id] && sqlite3_prepare_v3(p->db, psql[id], -1, SQLITE_PREPARE_PERSISTENT,
					     &p->st[id], NULL) != SQLITE_OK) {
		sql_error(p, _("Preparing a query"), err);
		return NULL;
	}
	return p->st[id];
}

static int
run(struct store_province *p, sqlite3_stmt *st, const char *what, char *err)
{
	int rc = sqlite3_step(st);
	store_stmt_done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sql_error(p, what, err);
		return -1;
	}
	return 0;
}

static int
migrate(struct store_province *p, char *err)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(p->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (v < 0) {
		sql_error(p, _("Reading the schema version"), err);
		return -1;
	}
	if (v > (int)ARRAY_LEN(migrations)) {
		err_set(err, _("The database %s was made by a newer loaxa-province (schema %d, this one knows %d); upgrade loaxa."),
			p->path, v, (int)ARRAY_LEN(migrations));
		return -1;
	}
	/* the version is read again inside each step's transaction: two openers, one step */
	while (v < (int)ARRAY_LEN(migrations)) {
		int rc = sqlite3_exec(p->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (rc == SQLITE_OK &&
		    sqlite3_prepare_v2(p->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
			v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
			sqlite3_finalize(st);
		}
		if (rc == SQLITE_OK && v >= 0 && v < (int)ARRAY_LEN(migrations)) {
			char *q = xasprintf("%s PRAGMA user_version = %d;", migrations[v], v + 1);
			rc = sqlite3_exec(p->db, q, NULL, NULL, NULL);
			free(q);
		}
		if (rc == SQLITE_OK && v >= 0)
			rc = sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK || v < 0) {
			sql_error(p, _("Updating the database"), err);
			sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		v++;
	}
	return 0;
}

int
store_province_open(const char *dir, struct store_province **out, char *err)
{
	*out = NULL;
	if (mkdir_p(dir, 0750, err) < 0)
		return -1;
	if (access(dir, R_OK | W_OK | X_OK) < 0) {
		err_set(err, _("Cannot use the province's state directory %s: %s; loaxa-province needs to read and write it."),
			dir, strerror(errno));
		return -1;
	}
	struct store_province *p = xcalloc(1, sizeof *p);
	p->path = xasprintf("%s/province.db", dir);
	if (sqlite3_open_v2(p->path, &p->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_set(err, _("Cannot open the database %s: %s."), p->path,
			p->db ? sqlite3_errmsg(p->db) : strerror(ENOMEM));
		goto fail;
	}
	sqlite3_extended_result_codes(p->db, 1);
	sqlite3_busy_timeout(p->db, 5000);
	if (sqlite3_exec(p->db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;"
				"PRAGMA synchronous = NORMAL;", NULL, NULL, NULL) != SQLITE_OK) {
		sql_error(p, _("Opening the database"), err);
		goto fail;
	}
	if (migrate(p, err) < 0)
		goto fail;
	*out = p;
	return 0;
fail:
	store_province_close(p);
	return -1;
}

void
store_province_close(struct store_province *p)
{
	if (!p)
		return;
	for (int i = 0; i < P_COUNT; i++)
		sqlite3_finalize(p->st[i]);
	sqlite3_close(p->db);
	free(p->path);
	free(p);
}

static int
simple(struct store_province *p, enum pstmt id, char *err)
{
	sqlite3_stmt *st = pstmt(p, id, err);
	return st ? run(p, st, _("Saving"), err) : -1;
}

int
store_province_begin(struct store_province *p, char *err)
{
	return simple(p, P_BEGIN, err);
}

int
store_province_commit(struct store_province *p, char *err)
{
	return simple(p, P_COMMIT, err);
}

void
store_province_rollback(struct store_province *p)
{
	if (!sqlite3_get_autocommit(p->db))
		simple(p, P_ROLLBACK, NULL);
}

int
store_province_commune_set(struct store_province *p, const char *id, const char *district,
			   const char *name, char *err)
{
	sqlite3_stmt *st = pstmt(p, P_COMMUNE_SET, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, district);
	store_bind_text(st, 3, name);
	return run(p, st, _("Saving the commune"), err);
}

static int
put_items(struct store_province *p, const struct store_province_airing *a,
	  const struct store_province_item *items, size_t n, char *err)
{
	const char *what = _("Saving an airing row");
	sqlite3_stmt *st = pstmt(p, P_ITEMS_DELETE, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, a->commune);
	sqlite3_bind_int64(st, 2, a->airing_id);
	if (run(p, st, what, err) < 0 || !(st = pstmt(p, P_ITEM_INSERT, err)))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct store_province_item *it = &items[i];
		store_bind_text(st, 1, a->commune);
		sqlite3_bind_int64(st, 2, a->airing_id);
		sqlite3_bind_int(st, 3, it->seq);
		store_bind_text(st, 4, it->kind);
		store_bind_id(st, 5, it->bulletin_id);
		if (it->bulletin_id)
			sqlite3_bind_int(st, 6, it->bulletin_version);
		store_bind_text(st, 7, it->title);
		store_bind_text(st, 8, it->topic);
		store_bind_text(st, 9, it->klass);
		store_bind_text(st, 10, it->msg_id);
		store_bind_text(st, 11, it->clip_name);
		sqlite3_bind_double(st, 12, it->offset_s);
		sqlite3_bind_double(st, 13, it->length_s);
		sqlite3_bind_int(st, 14, it->completed);
		if (run(p, st, what, err) < 0)
			return -1;
	}
	return 0;
}

int
store_province_airing_put(struct store_province *p, const struct store_province_airing *a,
			  const struct store_province_item *items, size_t n, int *repeat, char *err)
{
	const char *what = _("Saving an airing row");
	*repeat = 0;
	if (store_province_begin(p, err) < 0)
		return -1;
	sqlite3_stmt *st = pstmt(p, P_AIRING_REV, err);
	if (!st)
		goto fail;
	store_bind_text(st, 1, a->commune);
	sqlite3_bind_int64(st, 2, a->airing_id);
	int rc = sqlite3_step(st);
	int kept = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	store_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sql_error(p, what, err);
		goto fail;
	}
	*repeat = kept >= 0;
	if (kept >= a->rev) { /* this rev or a newer one is kept: count the delivery only */
		if (!(st = pstmt(p, P_AIRING_REPEAT, err)))
			goto fail;
		store_bind_text(st, 1, a->commune);
		sqlite3_bind_int64(st, 2, a->airing_id);
		if (run(p, st, what, err) < 0)
			goto fail;
	} else {
		if (!(st = pstmt(p, P_AIRING_PUT, err)))
			goto fail;
		store_bind_text(st, 1, a->commune);
		sqlite3_bind_int64(st, 2, a->airing_id);
		sqlite3_bind_int(st, 3, a->rev);
		store_bind_text(st, 4, a->slot);
		store_bind_text(st, 5, a->program);
		sqlite3_bind_int64(st, 6, a->scheduled_at);
		store_bind_id(st, 7, a->started_at);
		store_bind_id(st, 8, a->ended_at);
		store_bind_text(st, 9, a->status);
		store_bind_text(st, 10, a->reason);
		sqlite3_bind_int64(st, 11, a->lateness_ms);
		store_bind_text(st, 12, a->audio_sha256);
		sqlite3_bind_int64(st, 13, a->published_at);
		sqlite3_bind_int64(st, 14, a->received_at);
		if (run(p, st, what, err) < 0 || put_items(p, a, items, n, err) < 0)
			goto fail;
	}
	if (!(st = pstmt(p, P_COMMUNE_SEEN, err)))
		goto fail;
	store_bind_text(st, 1, a->commune);
	sqlite3_bind_int64(st, 2, a->received_at);
	if (run(p, st, what, err) < 0 || store_province_commit(p, err) < 0)
		goto fail;
	return 0;
fail:
	store_province_rollback(p);
	return -1;
}

int
store_province_status_put(struct store_province *p, const char *commune, int online, int64_t at,
			  const char *json, char *err)
{
	sqlite3_stmt *st = pstmt(p, P_STATUS, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, commune);
	sqlite3_bind_int(st, 2, online);
	sqlite3_bind_int64(st, 3, at);
	store_bind_text(st, 4, json);
	return run(p, st, _("Saving a commune's status"), err);
}

int
store_province_receipt_put(struct store_province *p, const char *commune, const char *msg_id,
			   const char *outcome, const char *reason, int64_t at, char *err)
{
	sqlite3_stmt *st = pstmt(p, P_RECEIPT, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, msg_id);
	store_bind_text(st, 2, commune);
	store_bind_text(st, 3, outcome);
	store_bind_text(st, 4, reason);
	sqlite3_bind_int64(st, 5, at);
	return run(p, st, _("Saving a commune's receipt"), err);
}

int
store_province_sent_add(struct store_province *p, const char *msg_id, const char *klass,
			const char *targets, const char *title, const char *topic, int64_t issued_at,
			int64_t expires_at, char *err)
{
	sqlite3_stmt *st = pstmt(p, P_SENT, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, msg_id);
	store_bind_text(st, 2, klass);
	store_bind_text(st, 3, targets);
	store_bind_text(st, 4, title);
	store_bind_text(st, 5, topic);
	sqlite3_bind_int64(st, 6, issued_at);
	store_bind_id(st, 7, expires_at);
	return run(p, st, _("Saving the bulletin sent"), err);
}

int
store_province_communes(struct store_province *p, int64_t now, store_province_commune_cb cb,
			void *arg, char *err)
{
	sqlite3_stmt *st = pstmt(p, P_COMMUNES, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_province_commune c = {
			.id = (const char *)sqlite3_column_text(st, 0),
			.district = (const char *)sqlite3_column_text(st, 1),
			.name = (const char *)sqlite3_column_text(st, 2),
			.known = sqlite3_column_int(st, 3),
			.online = sqlite3_column_int(st, 4),
			.last_seen = sqlite3_column_int64(st, 5),
			.status = (const char *)sqlite3_column_text(st, 6),
			.last_airing_at = sqlite3_column_int64(st, 7),
			.last_airing_status = (const char *)sqlite3_column_text(st, 8),
			.faults_7d = sqlite3_column_int(st, 9),
			.rows = sqlite3_column_int64(st, 10),
		};
		if (cb(&c, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE) {
		sql_error(p, _("Reading the communes"), err);
		return -1;
	}
	return 0;
}

int
store_province_counts(struct store_province *p, int64_t from, int64_t until,
		      store_province_count_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = pstmt(p, P_COUNTS, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, until);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_province_count r = {
			.commune = (const char *)sqlite3_column_text(st, 0),
			.bulletin_id = sqlite3_column_int64(st, 1),
			.topic = (const char *)sqlite3_column_text(st, 2),
			.airings = sqlite3_column_int(st, 3),
			.airtime_s = sqlite3_column_double(st, 4),
		};
		if (cb(&r, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE) {
		sql_error(p, _("Counting the airings"), err);
		return -1;
	}
	return 0;
}

int
store_province_receipts(struct store_province *p, const char *msg_id, store_province_receipt_cb cb,
			void *arg, char *err)
{
	sqlite3_stmt *st = pstmt(p, P_RECEIPTS, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, msg_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_province_receipt r = {
			.msg_id = (const char *)sqlite3_column_text(st, 0),
			.commune = (const char *)sqlite3_column_text(st, 1),
			.outcome = (const char *)sqlite3_column_text(st, 2),
			.reason = (const char *)sqlite3_column_text(st, 3),
			.at = sqlite3_column_int64(st, 4),
		};
		if (cb(&r, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE) {
		sql_error(p, _("Reading the receipts"), err);
		return -1;
	}
	return 0;
}
