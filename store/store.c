/*
 * store — SQLite access.  All SQL of the project is here (and in the other
 * files of store/): one table of statements, prepared once per connection
 * on first use, bound with parameters, reset and cleared after each use.
 */
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "store/sql.h"
#include "store/store_int.h"

/* Schema, one entry per version; never edit a released step, add one. */
static const char *const migrations[] = {
	/* 1: the data model of DESIGN.md */
	"CREATE TABLE clips ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('jingle','music','bed','recording')),"
	"  file TEXT NOT NULL,"
	"  original TEXT,"
	"  duration_s REAL NOT NULL,"
	"  sample_rate INTEGER NOT NULL,"
	"  channels INTEGER NOT NULL,"
	"  frames INTEGER NOT NULL,"
	"  lufs REAL,"
	"  true_peak_db REAL,"
	"  sha256 TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE bulletins ("
	"  id INTEGER PRIMARY KEY,"
	"  version INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('draft','approved','retired')),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE bulletin_versions ("
	"  bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),"
	"  version INTEGER NOT NULL,"
	"  title TEXT NOT NULL,"
	"  topic TEXT NOT NULL,"
	"  class TEXT NOT NULL CHECK (class IN ('normal','priority','emergency')),"
	"  text TEXT,"
	"  audio_clip_id INTEGER REFERENCES clips(id),"
	"  source TEXT,"
	"  valid_from TEXT,"
	"  valid_until TEXT,"
	"  airings_wanted INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (bulletin_id, version),"
	"  CHECK (text IS NOT NULL OR audio_clip_id IS NOT NULL));"
	"CREATE TABLE queue ("
	"  id INTEGER PRIMARY KEY,"
	"  bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),"
	"  slot TEXT,"
	"  at_ms INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  airing_id INTEGER REFERENCES airings(id));"
	"CREATE TABLE airings ("
	"  id INTEGER PRIMARY KEY,"
	"  slot TEXT,"
	"  program TEXT,"
	"  scheduled_at INTEGER NOT NULL,"
	"  started_at INTEGER,"
	"  ended_at INTEGER,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('started','completed','interrupted','failed','missed')),"
	"  reason TEXT,"
	"  lateness_ms INTEGER,"
	"  audio_sha256 TEXT,"
	"  UNIQUE (slot, scheduled_at));"
	"CREATE TABLE aired_items ("
	"  id INTEGER PRIMARY KEY,"
	"  airing_id INTEGER NOT NULL REFERENCES airings(id),"
	"  seq INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('bulletin','clip','tts','silence')),"
	"  bulletin_id INTEGER,"
	"  bulletin_version INTEGER,"
	"  clip_id INTEGER REFERENCES clips(id),"
	"  offset_s REAL NOT NULL,"
	"  length_s REAL NOT NULL,"
	"  completed INTEGER NOT NULL DEFAULT 1,"
	"  FOREIGN KEY (bulletin_id, bulletin_version)"
	"    REFERENCES bulletin_versions(bulletin_id, version));",
	/* 2: the normalizer version in the log; indexes for reports and rotation */
	"ALTER TABLE airings ADD COLUMN normalizer_version INTEGER;"
	"CREATE INDEX airings_by_time ON airings(scheduled_at);"
	"CREATE INDEX aired_items_by_airing ON aired_items(airing_id);"
	"CREATE INDEX aired_items_by_bulletin ON aired_items(bulletin_id);"
	"CREATE INDEX queue_pending ON queue(airing_id, created_at);"
	"CREATE TABLE slot_watch (slot TEXT PRIMARY KEY, since INTEGER NOT NULL);",
	/*
	 * 3 (the province link, store/link.c): bulletins received from the
	 * province, kept by its id (a repeat is refused); and an outbox of
	 * airing rows for loaxa-link to publish, filled by triggers when a row
	 * lands (its status leaves 'started') or changes after, so the daemon
	 * needs no change.  rev counts the changes: the province's
	 * acknowledgement of an older rev does not empty the outbox.
	 */
	"CREATE TABLE link_inbox ("
	"  province TEXT NOT NULL,"
	"  msg_id TEXT NOT NULL,"
	"  class TEXT NOT NULL,"
	"  issued_at INTEGER NOT NULL,"
	"  expires_at INTEGER,"
	"  received_at INTEGER NOT NULL,"
	"  bulletin_id INTEGER REFERENCES bulletins(id),"
	"  queue_id INTEGER REFERENCES queue(id),"
	"  zones TEXT,"
	"  outcome TEXT NOT NULL,"
	"  outcome_at INTEGER NOT NULL,"
	"  PRIMARY KEY (province, msg_id));"
	"CREATE INDEX link_inbox_by_bulletin ON link_inbox(bulletin_id);"
	"CREATE TABLE link_outbox ("
	"  airing_id INTEGER PRIMARY KEY REFERENCES airings(id),"
	"  rev INTEGER NOT NULL DEFAULT 1,"
	"  queued_at INTEGER NOT NULL);"
	"INSERT INTO link_outbox (airing_id, queued_at)"
	"  SELECT id, CAST(strftime('%s','now') AS INTEGER) * 1000 FROM airings"
	"  WHERE status <> 'started';"
	"CREATE TRIGGER link_outbox_airing_insert AFTER INSERT ON airings"
	"  WHEN NEW.status <> 'started' BEGIN"
	"  INSERT INTO link_outbox (airing_id, queued_at)"
	"   VALUES (NEW.id, CAST(strftime('%s','now') AS INTEGER) * 1000)"
	"   ON CONFLICT (airing_id) DO UPDATE SET rev = rev + 1; END;"
	"CREATE TRIGGER link_outbox_airing_update AFTER UPDATE ON airings"
	"  WHEN NEW.status <> 'started' BEGIN"
	"  INSERT INTO link_outbox (airing_id, queued_at)"
	"   VALUES (NEW.id, CAST(strftime('%s','now') AS INTEGER) * 1000)"
	"   ON CONFLICT (airing_id) DO UPDATE SET rev = rev + 1; END;"
	"CREATE TRIGGER link_outbox_item_insert AFTER INSERT ON aired_items"
	"  WHEN (SELECT status FROM airings WHERE id = NEW.airing_id) <> 'started' BEGIN"
	"  INSERT INTO link_outbox (airing_id, queued_at)"
	"   VALUES (NEW.airing_id, CAST(strftime('%s','now') AS INTEGER) * 1000)"
	"   ON CONFLICT (airing_id) DO UPDATE SET rev = rev + 1; END;"
	"CREATE TRIGGER link_outbox_item_update AFTER UPDATE ON aired_items"
	"  WHEN (SELECT status FROM airings WHERE id = NEW.airing_id) <> 'started' BEGIN"
	"  INSERT INTO link_outbox (airing_id, queued_at)"
	"   VALUES (NEW.airing_id, CAST(strftime('%s','now') AS INTEGER) * 1000)"
	"   ON CONFLICT (airing_id) DO UPDATE SET rev = rev + 1; END;",
	/*
	 * 4 (the web console): the people who use
	 * loaxa-web and who did what: who made each bulletin version, who
	 * approved or sent it back, who queued an entry, who asked for a
	 * manual airing.  Names, not ids: a removed user's deeds stay named.
	 */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('operator','approver','officer','admin')),"
	"  password TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  created_by TEXT);"
	"CREATE TABLE bulletin_reviews ("
	"  id INTEGER PRIMARY KEY,"
	"  bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),"
	"  version INTEGER NOT NULL,"
	"  decision TEXT NOT NULL CHECK (decision IN ('approved','returned')),"
	"  reviewer TEXT,"
	"  comment TEXT,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX reviews_by_bulletin ON bulletin_reviews(bulletin_id, version);"
	"ALTER TABLE bulletin_versions ADD COLUMN created_by TEXT;"
	"ALTER TABLE queue ADD COLUMN created_by TEXT;"
	"ALTER TABLE airings ADD COLUMN asked_by TEXT;",
	/*
	 * 5 (regions, issue 22): a bulletin version may be read as another
	 * region reads (NULL: the station's tts.region); each aired item of
	 * speech keeps the voice and the region it was read with.
	 */
	"ALTER TABLE bulletin_versions ADD COLUMN region TEXT"
	"  CHECK (region IN ('north','central','south'));"
	"ALTER TABLE aired_items ADD COLUMN voice TEXT;"
	"ALTER TABLE aired_items ADD COLUMN region TEXT;",
	/*
	 * 6: what counts as an aired bulletin, in one place: an item that is a
	 * bulletin, played to its end, in an airing completed or interrupted
	 * (what finished before the cut).  Missed and failed airings, and
	 * airings still `started`, count nothing.  Every count reads this view:
	 * reports (store_report_counts()), a bulletin's airings_done, the
	 * rotation, `loaxa schedule`.  store_item_counts() is the same rule for
	 * a row the daemon holds in memory.
	 */
	"CREATE VIEW aired_bulletins AS"
	" SELECT i.id AS item_id, i.airing_id, a.scheduled_at, i.bulletin_id, i.bulletin_version,"
	"  v.topic, v.class, i.length_s"
	" FROM airings a JOIN aired_items i ON i.airing_id = a.id"
	" JOIN bulletin_versions v ON v.bulletin_id = i.bulletin_id AND v.version = i.bulletin_version"
	" WHERE a.status IN ('completed','interrupted') AND i.kind = 'bulletin' AND i.completed = 1;",
	/*
	 * 7 (issue 18, store/requests.c): a queue entry for one slot instant
	 * whose instant passed without carrying it is expired, not pending;
	 * `loaxa air ID --at` (and the repeats of `--repeat`) are requests the
	 * daemon keeps across restarts and plans like slot instants: done once
	 * the airing has its row (airing_id), expired when the time passed
	 * while the daemon was down.
	 */
	"ALTER TABLE queue ADD COLUMN expired_at INTEGER;"
	"CREATE TABLE air_requests ("
	"  id INTEGER PRIMARY KEY,"
	"  bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),"
	"  at_ms INTEGER NOT NULL,"
	"  emergency INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  created_by TEXT,"
	"  airing_id INTEGER REFERENCES airings(id));"
	"CREATE INDEX air_requests_pending ON air_requests(airing_id, at_ms);",
	/*
	 * 8 (relay, issue 14): an aired item may be a
	 * stream relay or a line-in relay (kind relay); it keeps its source
	 * (the URL, or line-in and the device) and, when it failed (dead air,
	 * unreachable), the reason.  SQLite cannot widen a CHECK, so the
	 * table is rebuilt, and what names it (triggers, view, indexes) with it.
	 */
	"DROP VIEW aired_bulletins;"
	"DROP TRIGGER link_outbox_item_insert;"
	"DROP TRIGGER link_outbox_item_update;"
	"CREATE TABLE aired_items_new ("
	"  id INTEGER PRIMARY KEY,"
	"  airing_id INTEGER NOT NULL REFERENCES airings(id),"
	"  seq INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('bulletin','clip','tts','silence','stream','relay')),"
	"  bulletin_id INTEGER,"
	"  bulletin_version INTEGER,"
	"  clip_id INTEGER REFERENCES clips(id),"
	"  offset_s REAL NOT NULL,"
	"  length_s REAL NOT NULL,"
	"  completed INTEGER NOT NULL DEFAULT 1,"
	"  voice TEXT,"
	"  region TEXT,"
	"  source TEXT,"
	"  reason TEXT,"
	"  FOREIGN KEY (bulletin_id, bulletin_version)"
	"    REFERENCES bulletin_versions(bulletin_id, version));"
	"INSERT INTO aired_items_new (id, airing_id, seq, kind, bulletin_id, bulletin_version,"
	"  clip_id, offset_s, length_s, completed, voice, region)"
	" SELECT id, airing_id, seq, kind, bulletin_id, bulletin_version, clip_id, offset_s,"
	"  length_s, completed, voice, region FROM aired_items;"
	"DROP TABLE aired_items;"
	"ALTER TABLE aired_items_new RENAME TO aired_items;"
	"CREATE INDEX aired_items_by_airing ON aired_items(airing_id);"
	"CREATE INDEX aired_items_by_bulletin ON aired_items(bulletin_id);"
	"CREATE TRIGGER link_outbox_item_insert AFTER INSERT ON aired_items"
	"  WHEN (SELECT status FROM airings WHERE id = NEW.airing_id) <> 'started' BEGIN"
	"  INSERT INTO link_outbox (airing_id, queued_at)"
	"   VALUES (NEW.airing_id, CAST(strftime('%s','now') AS INTEGER) * 1000)"
	"   ON CONFLICT (airing_id) DO UPDATE SET rev = rev + 1; END;"
	"CREATE TRIGGER link_outbox_item_update AFTER UPDATE ON aired_items"
	"  WHEN (SELECT status FROM airings WHERE id = NEW.airing_id) <> 'started' BEGIN"
	"  INSERT INTO link_outbox (airing_id, queued_at)"
	"   VALUES (NEW.airing_id, CAST(strftime('%s','now') AS INTEGER) * 1000)"
	"   ON CONFLICT (airing_id) DO UPDATE SET rev = rev + 1; END;"
	"CREATE VIEW aired_bulletins AS"
	" SELECT i.id AS item_id, i.airing_id, a.scheduled_at, i.bulletin_id, i.bulletin_version,"
	"  v.topic, v.class, i.length_s"
	" FROM airings a JOIN aired_items i ON i.airing_id = a.id"
	" JOIN bulletin_versions v ON v.bulletin_id = i.bulletin_id AND v.version = i.bulletin_version"
	" WHERE a.status IN ('completed','interrupted') AND i.kind = 'bulletin' AND i.completed = 1;",
	/*
	 * 9 (zones, issue 15): the zones an airing went to, their names
	 * joined with commas; NULL where no zones are configured (the one
	 * output).  A bulletin version
	 * may be for some zones only (NULL: every zone): rotation and the
	 * queue put it only into airings to those zones; so does a queue
	 * entry for some zones (queue add --zone).
	 */
	"ALTER TABLE airings ADD COLUMN zones TEXT;"
	"ALTER TABLE bulletin_versions ADD COLUMN zones TEXT;"
	"ALTER TABLE queue ADD COLUMN zones TEXT;",
	/*
	 * 10 (live, issue 14): a live announcement's item keeps where the
	 * recording of what aired is (a path under the state directory), so
	 * officers can prove what was said; NULL for every other item.
	 */
	"ALTER TABLE aired_items ADD COLUMN recording TEXT;",
	/*
	 * 11 (zones, issue 15): a timed airing (loaxa air --at, --repeat) may go to some
	 * zones only, "thon-1,thon-3"; NULL: every zone.
	 */
	"ALTER TABLE air_requests ADD COLUMN zones TEXT;",
};

_Static_assert(ARRAY_LEN(migrations) == STORE_SCHEMA_VERSION,
	       "STORE_SCHEMA_VERSION is the number of migrations");

enum stmt {
	S_BULLETIN_INSERT,
	S_VERSION_INSERT,
	S_BULLETIN_BUMP,
	S_BULLETIN_STATE,
	S_BULLETIN_GET,
	S_BULLETIN_GET_VERSION,
	S_BULLETIN_LIST,
	S_BULLETIN_AIRINGS,
	S_CLIP_INSERT,
	S_CLIP_BY_NAME,
	S_CLIP_BY_ID,
	S_CLIP_LIST,
	S_CLIP_USERS,
	S_CLIP_DELETE,
	S_QUEUE_INSERT,
	S_QUEUE_DELETE,
	S_QUEUE_LIST,
	S_QUEUE_AIRED,
	S_AIRING_INSERT,
	S_AIRING_FINISH,
	S_AIRING_STARTED,
	S_ITEM_INSERT,
	S_ITEM_RECORDED,
	S_ITEMS_DELETE,
	S_ITEMS_CUT,
	S_AIRING_RECOVER_UNSTARTED,
	S_AIRING_RECOVER,
	S_AIRING_EXISTS,
	S_AIRING_LAST,
	S_LOG,
	S_SLOT_WATCH_SET,
	S_SLOT_WATCH_GET,
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_COUNT
};

#define BULLETIN_COLS                                                                      \
	"b.id, v.version, v.title, v.topic, v.class, b.state, v.text, v.source, v.valid_from," \
	" v.valid_until, v.airings_wanted, v.audio_clip_id, b.created_at, v.created_at,"       \
	" (SELECT count(DISTINCT c.airing_id) FROM aired_bulletins c WHERE c.bulletin_id = b.id),"  \
	" v.created_by, v.region, v.zones"

#define CLIP_COLS                                                                         \
	"id, name, kind, file, original, duration_s, sample_rate, channels, frames, lufs," \
	" true_peak_db, sha256, created_at"

static const char *const sql[S_COUNT] = {
	[S_BULLETIN_INSERT] = "INSERT INTO bulletins (version, state, created_at, updated_at)"
			      " VALUES (1, ?1, ?2, ?2)",
	[S_VERSION_INSERT] = "INSERT INTO bulletin_versions (bulletin_id, version, title, topic,"
			     " class, text, audio_clip_id, source, valid_from, valid_until,"
			     " airings_wanted, created_at, created_by, region, zones)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[S_BULLETIN_BUMP] = "UPDATE bulletins SET version = version + 1, updated_at = ?2"
			    " WHERE id = ?1 RETURNING version",
	[S_BULLETIN_STATE] = "UPDATE bulletins SET state = ?2, updated_at = ?3 WHERE id = ?1",
	[S_BULLETIN_GET] = "SELECT " BULLETIN_COLS " FROM bulletins b JOIN bulletin_versions v"
			   " ON v.bulletin_id = b.id AND v.version = b.version WHERE b.id = ?1",
	[S_BULLETIN_GET_VERSION] = "SELECT " BULLETIN_COLS " FROM bulletins b JOIN"
				   " bulletin_versions v ON v.bulletin_id = b.id"
				   " WHERE b.id = ?1 AND v.version = ?2",
	[S_BULLETIN_LIST] = "SELECT " BULLETIN_COLS " FROM bulletins b JOIN bulletin_versions v"
			    " ON v.bulletin_id = b.id AND v.version = b.version"
			    " WHERE (?1 IS NULL OR v.topic = ?1) AND (?2 IS NULL OR b.state = ?2)"
			    " ORDER BY b.id",
	[S_BULLETIN_AIRINGS] = "SELECT count(DISTINCT airing_id) FROM aired_bulletins"
			       " WHERE bulletin_id = ?1",
	[S_CLIP_INSERT] = "INSERT INTO clips (name, kind, file, original, duration_s,"
			  " sample_rate, channels, frames, lufs, true_peak_db, sha256, created_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[S_CLIP_BY_NAME] = "SELECT " CLIP_COLS " FROM clips WHERE name = ?1",
	[S_CLIP_BY_ID] = "SELECT " CLIP_COLS " FROM clips WHERE id = ?1",
	[S_CLIP_LIST] = "SELECT " CLIP_COLS " FROM clips ORDER BY name",
	[S_CLIP_USERS] = "SELECT (SELECT count(*) FROM bulletin_versions WHERE audio_clip_id = ?1)"
			 " + (SELECT count(*) FROM aired_items WHERE clip_id = ?1)",
	[S_CLIP_DELETE] = "DELETE FROM clips WHERE id = ?1",
	[S_QUEUE_INSERT] = "INSERT INTO queue (bulletin_id, slot, at_ms, created_at, created_by, zones)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_QUEUE_DELETE] = "DELETE FROM queue WHERE id = ?1 AND airing_id IS NULL",
	[S_QUEUE_LIST] = "SELECT id, bulletin_id, slot, at_ms, created_at, airing_id, created_by,"
			 " zones FROM queue"
			 " WHERE airing_id IS NULL AND expired_at IS NULL ORDER BY created_at, id",
	[S_QUEUE_AIRED] = "UPDATE queue SET airing_id = ?2 WHERE id = ?1",
	[S_AIRING_INSERT] = "INSERT INTO airings (slot, program, scheduled_at, started_at,"
			    " ended_at, status, reason, lateness_ms, audio_sha256,"
			    " normalizer_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_AIRING_FINISH] = "UPDATE airings SET status = ?2, reason = ?3, ended_at = ?4,"
			    " audio_sha256 = coalesce(?5, audio_sha256) WHERE id = ?1",
	[S_AIRING_STARTED] = "UPDATE airings SET started_at = ?2, lateness_ms = ?3 WHERE id = ?1",
	[S_ITEM_INSERT] = "INSERT INTO aired_items (airing_id, seq, kind, bulletin_id,"
			  " bulletin_version, clip_id, offset_s, length_s, completed, voice, region,"
			  " source, reason, recording)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, nullif(?10, ''), nullif(?11, ''),"
			  " nullif(?12, ''), nullif(?13, ''), nullif(?14, ''))",
	[S_ITEM_RECORDED] = "UPDATE aired_items SET length_s = max(0, ?2 - offset_s)"
			    " WHERE recording = ?1 AND completed = 0 AND length_s = 0",
	[S_ITEMS_DELETE] = "DELETE FROM aired_items WHERE airing_id = ?1",
	[S_ITEMS_CUT] = "UPDATE aired_items SET completed = 0"
			" WHERE airing_id = ?1 AND offset_s + length_s > ?2 + 0.0005",
	[S_AIRING_RECOVER_UNSTARTED] = "UPDATE airings SET status = 'missed', reason = ?1,"
				       " ended_at = coalesce(ended_at, ?2)"
				       " WHERE status = 'started' AND started_at IS NULL",
	[S_AIRING_RECOVER] = "UPDATE airings SET status = 'interrupted', reason = ?1,"
			     " ended_at = coalesce(ended_at, ?2) WHERE status = 'started'",
	[S_AIRING_EXISTS] = "SELECT 1 FROM airings WHERE slot = ?1 AND scheduled_at = ?2",
	[S_AIRING_LAST] = "SELECT max(scheduled_at) FROM airings WHERE slot = ?1",
	[S_LOG] = STORE_LOG_SELECT STORE_LOG_JOINS
		  " WHERE (?1 = 0 OR a.scheduled_at >= ?1) AND (?2 = 0 OR a.scheduled_at < ?2)"
		  " AND (?3 IS NULL OR a.status = ?3) AND (?4 IS NULL OR v.topic = ?4)"
		  " ORDER BY a.scheduled_at, a.id, i.seq",
	[S_SLOT_WATCH_SET] = "INSERT OR IGNORE INTO slot_watch (slot, since) VALUES (?1, ?2)",
	[S_SLOT_WATCH_GET] = "SELECT since FROM slot_watch WHERE slot = ?1",
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
};

/* Statements of the other files of store/ (store_prepared()), by their SQL's address. */
#define STORE_MORE_STMTS 32

struct store {
	sqlite3 *db;
	char *dir;
	char *path;
	int busy_ms;
	sqlite3_stmt *st[S_COUNT];
	const char *more_sql[STORE_MORE_STMTS];
	sqlite3_stmt *more[STORE_MORE_STMTS];
};

sqlite3_stmt *
store_prepared(struct store *s, const char *q, char *err)
{
	size_t i = 0;
	while (i < STORE_MORE_STMTS && s->more_sql[i] && s->more_sql[i] != q)
		i++;
	if (i == STORE_MORE_STMTS) /* a bug: raise STORE_MORE_STMTS */
		abort();
	if (s->more_sql[i])
		return s->more[i];
	if (sql_prepare_other_file(s->db, q, SQLITE_PREPARE_PERSISTENT, &s->more[i]) != SQLITE_OK) {
		store_sql_error(s, _("Preparing a query"), err);
		return NULL;
	}
	s->more_sql[i] = q;
	return s->more[i];
}

sqlite3 *
store_sqlite(struct store *s)
{
	return s->db;
}

const char *
store_state_dir(const struct store *s)
{
	return s->dir;
}

void
store_sql_error(struct store *s, const char *what, char *err)
{
	int code = sqlite3_extended_errcode(s->db) & 0xff;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		err_set(err, _("The database %s is locked by another process (waited %d ms); try again when the other loaxa command has finished."),
			s->path, s->busy_ms);
	else if (code == SQLITE_READONLY)
		err_set(err, _("The database %s is read-only; loaxa needs write access to it and to its directory."),
			s->path);
	else if (code == SQLITE_FULL)
		err_set(err, _("The disk holding %s is full; free some space and try again."),
			s->path);
	else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		err_set(err, _("The database %s is damaged or not a loaxa database (%s)."), s->path,
			sqlite3_errmsg(s->db));
	else
		err_set(err, _("%s failed on %s: %s."), what, s->path, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *
stmt(struct store *s, enum stmt id, char *err)
{
	if (!s->st[id] &&
	    sql_prepare_entry(s->db, sql, id, SQLITE_PREPARE_PERSISTENT, &s->st[id]) != SQLITE_OK) {
		store_sql_error(s, _("Preparing a query"), err);
		return NULL;
	}
	return s->st[id];
}

static void
done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_id(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

/* The helpers above, for the other files of store/ (store_int.h). */
void
store_stmt_done(sqlite3_stmt *st)
{
	done(st);
}

void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	bind_text(st, i, v);
}

void
store_bind_id(sqlite3_stmt *st, int i, int64_t v)
{
	bind_id(st, i, v);
}

char *
store_col_text(sqlite3_stmt *st, int i)
{
	return col_text(st, i);
}

/* Runs a statement that returns no rows. */
static int
exec_done(struct store *s, sqlite3_stmt *st, const char *what, char *err)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_sql_error(s, what, err);
		done(st);
		return -1;
	}
	done(st);
	return 0;
}

/* rc of an sql_exec*() (store/sql.h): 0, or -1 with err */
static int
exec_ok(struct store *s, int rc, char *err)
{
	if (rc != SQLITE_OK) {
		store_sql_error(s, _("Updating the database"), err);
		return -1;
	}
	return 0;
}

int
store_schema_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sql_prepare(s->db, "PRAGMA user_version", 0, &st) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

/* Brings the schema up to `target`, one transaction per step. */
static int
migrate(struct store *s, int target, char *err)
{
	int v = store_schema_version(s);
	if (v < 0) {
		store_sql_error(s, _("Reading the schema version"), err);
		return -1;
	}
	if (v > (int)ARRAY_LEN(migrations)) {
		err_set(err, _("The database %s was made by a newer loaxa (schema %d, this one knows %d); upgrade loaxa."),
			s->path, v, (int)ARRAY_LEN(migrations));
		return -1;
	}
	/*
	 * Each step reads the version again inside its write transaction: two
	 * programs opening a new store at once (loaxad and loaxa-link) must
	 * not both run a step.
	 */
	while (v < target) {
		if (exec_ok(s, sql_exec(s->db, "BEGIN IMMEDIATE"), err) < 0)
			return -1;
		v = store_schema_version(s);
		int rc = 0;
		if (v >= 0 && v < target)
			rc = exec_ok(s, sql_exec_entry(s->db, migrations, v), err) < 0 ||
			     exec_ok(s, sql_set_user_version(s->db, v + 1), err) < 0;
		if (v < 0 || rc || exec_ok(s, sql_exec(s->db, "COMMIT"), err) < 0) {
			if (v < 0)
				store_sql_error(s, _("Reading the schema version"), err);
			sql_exec(s->db, "ROLLBACK");
			return -1;
		}
		v = v < 0 ? v : v + 1;
	}
	return 0;
}

void
store_set_busy_timeout(struct store *s, int ms)
{
	s->busy_ms = ms;
	sqlite3_busy_timeout(s->db, ms);
}

int
store_open_at_version(const char *dir, int version, struct store **out, char *err)
{
	*out = NULL;
	if (mkdir_p(dir, 0750, err) < 0)
		return -1;
	if (access(dir, R_OK | W_OK | X_OK) < 0) {
		err_set(err, _("Cannot use the state directory %s: %s; loaxa needs to read and write it."),
			dir, strerror(errno));
		return -1;
	}
	struct store *s = xcalloc(1, sizeof *s);
	s->dir = xstrdup(dir);
	s->path = xasprintf("%s/loaxa.db", dir);
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_set(err, _("Cannot open the database %s: %s."), s->path,
			s->db ? sqlite3_errmsg(s->db) : strerror(ENOMEM));
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	store_set_busy_timeout(s, STORE_BUSY_TIMEOUT_MS);
	if (exec_ok(s, sql_exec(s->db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;"
				   "PRAGMA synchronous = FULL;"), err) < 0)
		goto fail;
	if (migrate(s, version, err) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return -1;
}

int
store_open(const char *dir, struct store **out, char *err)
{
	return store_open_at_version(dir, (int)ARRAY_LEN(migrations), out, err);
}

void
store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	for (int i = 0; i < STORE_MORE_STMTS; i++)
		sqlite3_finalize(s->more[i]);
	sqlite3_close(s->db);
	free(s->dir);
	free(s->path);
	free(s);
}

static int
simple(struct store *s, enum stmt id, const char *what, char *err)
{
	sqlite3_stmt *st = stmt(s, id, err);
	return st ? exec_done(s, st, what, err) : -1;
}

int
store_begin(struct store *s, char *err)
{
	return simple(s, S_BEGIN, _("Starting a transaction"), err);
}

int
store_commit(struct store *s, char *err)
{
	return simple(s, S_COMMIT, _("Saving"), err);
}

void
store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db))
		return;
	simple(s, S_ROLLBACK, "rollback", NULL);
}

/* ---- bulletins ---- */

static int
insert_version(struct store *s, const struct store_bulletin *b, int64_t now, char *err)
{
	sqlite3_stmt *st = stmt(s, S_VERSION_INSERT, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, b->id);
	sqlite3_bind_int(st, 2, b->version);
	bind_text(st, 3, b->title);
	bind_text(st, 4, b->topic);
	bind_text(st, 5, b->klass ? b->klass : "normal");
	bind_text(st, 6, b->text);
	bind_id(st, 7, b->audio_clip_id);
	bind_text(st, 8, b->source);
	bind_text(st, 9, b->valid_from);
	bind_text(st, 10, b->valid_until);
	sqlite3_bind_int(st, 11, b->airings_wanted);
	sqlite3_bind_int64(st, 12, now);
	bind_text(st, 13, b->by);
	bind_text(st, 14, b->region);
	bind_text(st, 15, b->zones);
	return exec_done(s, st, _("Saving the bulletin"), err);
}

int
store_bulletin_insert(struct store *s, struct store_bulletin *b, char *err)
{
	int64_t now = time_now_ms();
	sqlite3_stmt *st = stmt(s, S_BULLETIN_INSERT, err);
	if (!st)
		return -1;
	bind_text(st, 1, b->state ? b->state : "approved");
	sqlite3_bind_int64(st, 2, now);
	if (exec_done(s, st, _("Saving the bulletin"), err) < 0)
		return -1;
	b->id = sqlite3_last_insert_rowid(s->db);
	b->version = 1;
	if (insert_version(s, b, now, err) < 0)
		return -1;
	b->created_at = b->updated_at = now;
	return 0;
}

int
store_bulletin_add(struct store *s, struct store_bulletin *b, char *err)
{
	if (store_begin(s, err) < 0)
		return -1;
	if (store_bulletin_insert(s, b, err) < 0 || store_commit(s, err) < 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

int
store_bulletin_update(struct store *s, struct store_bulletin *b, char *err)
{
	int64_t now = time_now_ms();
	if (store_begin(s, err) < 0)
		return -1;
	sqlite3_stmt *st = stmt(s, S_BULLETIN_BUMP, err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, b->id);
	sqlite3_bind_int64(st, 2, now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		b->version = sqlite3_column_int(st, 0);
	done(st);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			err_set(err, _("There is no bulletin %lld."), (long long)b->id);
		else
			store_sql_error(s, _("Saving the bulletin"), err);
		goto fail;
	}
	if (insert_version(s, b, now, err) < 0 || store_commit(s, err) < 0)
		goto fail;
	b->updated_at = now;
	return 0;
fail:
	store_rollback(s);
	return -1;
}

int
store_bulletin_set_state(struct store *s, int64_t id, const char *state, char *err)
{
	sqlite3_stmt *st = stmt(s, S_BULLETIN_STATE, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, state);
	sqlite3_bind_int64(st, 3, time_now_ms());
	if (exec_done(s, st, _("Saving the bulletin"), err) < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		err_set(err, _("There is no bulletin %lld."), (long long)id);
		return STORE_NOTFOUND;
	}
	return 0;
}

static void
read_bulletin(sqlite3_stmt *st, struct store_bulletin *b)
{
	memset(b, 0, sizeof *b);
	b->id = sqlite3_column_int64(st, 0);
	b->version = sqlite3_column_int(st, 1);
	b->title = col_text(st, 2);
	b->topic = col_text(st, 3);
	b->klass = col_text(st, 4);
	b->state = col_text(st, 5);
	b->text = col_text(st, 6);
	b->source = col_text(st, 7);
	b->valid_from = col_text(st, 8);
	b->valid_until = col_text(st, 9);
	b->airings_wanted = sqlite3_column_int(st, 10);
	b->audio_clip_id = sqlite3_column_int64(st, 11);
	b->created_at = sqlite3_column_int64(st, 12);
	b->updated_at = sqlite3_column_int64(st, 13);
	b->airings_done = sqlite3_column_int(st, 14);
	b->made_by = col_text(st, 15);
	b->region = col_text(st, 16);
	b->zones = col_text(st, 17);
}

static int
get_one_bulletin(struct store *s, sqlite3_stmt *st, int64_t id, struct store_bulletin *out,
		 char *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_bulletin(st, out);
		done(st);
		return 0;
	}
	done(st);
	if (rc == SQLITE_DONE) {
		err_set(err, _("There is no bulletin %lld; 'loaxa bulletin list' shows them."),
			(long long)id);
		return STORE_NOTFOUND;
	}
	store_sql_error(s, _("Reading the bulletin"), err);
	return -1;
}

int
store_bulletin_get(struct store *s, int64_t id, struct store_bulletin *out, char *err)
{
	sqlite3_stmt *st = stmt(s, S_BULLETIN_GET, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return get_one_bulletin(s, st, id, out, err);
}

int
store_bulletin_get_version(struct store *s, int64_t id, int version, struct store_bulletin *out,
			   char *err)
{
	sqlite3_stmt *st = stmt(s, S_BULLETIN_GET_VERSION, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, version);
	return get_one_bulletin(s, st, id, out, err);
}

int
store_bulletin_list(struct store *s, const char *topic, const char *state, store_bulletin_cb cb,
		    void *arg, char *err)
{
	sqlite3_stmt *st = stmt(s, S_BULLETIN_LIST, err);
	if (!st)
		return -1;
	bind_text(st, 1, topic);
	bind_text(st, 2, state);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_bulletin b;
		read_bulletin(st, &b);
		int stop = cb(&b, arg);
		store_bulletin_clear(&b);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		store_sql_error(s, _("Listing bulletins"), err);
		done(st);
		return -1;
	}
	done(st);
	return 0;
}

int
store_bulletin_airings(struct store *s, int64_t bulletin_id, int *n, char *err)
{
	sqlite3_stmt *st = stmt(s, S_BULLETIN_AIRINGS, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, bulletin_id);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	done(st);
	if (rc != SQLITE_ROW) {
		store_sql_error(s, _("Counting airings"), err);
		return -1;
	}
	return 0;
}

void
store_bulletin_clear(struct store_bulletin *b)
{
	free(b->title);
	free(b->topic);
	free(b->klass);
	free(b->state);
	free(b->text);
	free(b->source);
	free(b->valid_from);
	free(b->valid_until);
	free(b->by);
	free(b->made_by);
	free(b->region);
	free(b->zones);
	memset(b, 0, sizeof *b);
}

/* ---- clips ---- */

int
store_clip_add(struct store *s, struct store_clip *c, char *err)
{
	sqlite3_stmt *st = stmt(s, S_CLIP_INSERT, err);
	if (!st)
		return -1;
	c->created_at = time_now_ms();
	bind_text(st, 1, c->name);
	bind_text(st, 2, c->kind);
	bind_text(st, 3, c->file);
	bind_text(st, 4, c->original);
	sqlite3_bind_double(st, 5, c->duration_s);
	sqlite3_bind_int(st, 6, c->sample_rate);
	sqlite3_bind_int(st, 7, c->channels);
	sqlite3_bind_int64(st, 8, c->frames);
	sqlite3_bind_double(st, 9, c->lufs);
	sqlite3_bind_double(st, 10, c->true_peak_db);
	bind_text(st, 11, c->sha256);
	sqlite3_bind_int64(st, 12, c->created_at);
	int rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE) {
		if ((sqlite3_extended_errcode(s->db)) == SQLITE_CONSTRAINT_UNIQUE)
			err_set(err, _("There is already a clip named \"%s\"; choose another name or remove that one first."),
				c->name);
		else
			store_sql_error(s, _("Saving the clip"), err);
		return -1;
	}
	c->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static void
read_clip(sqlite3_stmt *st, struct store_clip *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->name = col_text(st, 1);
	c->kind = col_text(st, 2);
	c->file = col_text(st, 3);
	c->original = col_text(st, 4);
	c->duration_s = sqlite3_column_double(st, 5);
	c->sample_rate = sqlite3_column_int(st, 6);
	c->channels = sqlite3_column_int(st, 7);
	c->frames = sqlite3_column_int64(st, 8);
	c->lufs = sqlite3_column_double(st, 9);
	c->true_peak_db = sqlite3_column_double(st, 10);
	c->sha256 = col_text(st, 11);
	c->created_at = sqlite3_column_int64(st, 12);
}

static int
get_one_clip(struct store *s, sqlite3_stmt *st, const char *key, struct store_clip *out, char *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_clip(st, out);
		done(st);
		return 0;
	}
	done(st);
	if (rc == SQLITE_DONE) {
		err_set(err, _("There is no clip \"%s\"; 'loaxa clip list' shows the clips, 'loaxa clip import' adds one."),
			key);
		return STORE_NOTFOUND;
	}
	store_sql_error(s, _("Reading the clip"), err);
	return -1;
}

int
store_clip_get(struct store *s, const char *key, struct store_clip *out, char *err)
{
	size_t n = strspn(key, "0123456789");
	if (n && !key[n] && n < 19)
		return store_clip_get_id(s, strtoll(key, NULL, 10), out, err);
	sqlite3_stmt *st = stmt(s, S_CLIP_BY_NAME, err);
	if (!st)
		return -1;
	bind_text(st, 1, key);
	return get_one_clip(s, st, key, out, err);
}

int
store_clip_get_id(struct store *s, int64_t id, struct store_clip *out, char *err)
{
	sqlite3_stmt *st = stmt(s, S_CLIP_BY_ID, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	return get_one_clip(s, st, key, out, err);
}

int
store_clip_list(struct store *s, store_clip_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = stmt(s, S_CLIP_LIST, err);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_clip c;
		read_clip(st, &c);
		int stop = cb(&c, arg);
		store_clip_clear(&c);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	done(st);
	if (rc != SQLITE_DONE) {
		store_sql_error(s, _("Listing clips"), err);
		return -1;
	}
	return 0;
}

int
store_clip_users(struct store *s, int64_t id, int *n, char *err)
{
	sqlite3_stmt *st = stmt(s, S_CLIP_USERS, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	done(st);
	if (rc != SQLITE_ROW) {
		store_sql_error(s, _("Reading the clip"), err);
		return -1;
	}
	return 0;
}

int
store_clip_remove(struct store *s, int64_t id, char *err)
{
	sqlite3_stmt *st = stmt(s, S_CLIP_DELETE, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return exec_done(s, st, _("Removing the clip"), err);
}

void
store_clip_clear(struct store_clip *c)
{
	free(c->name);
	free(c->kind);
	free(c->file);
	free(c->original);
	free(c->sha256);
	memset(c, 0, sizeof *c);
}

/* ---- queue ---- */

int
store_queue_add(struct store *s, struct store_queue_entry *e, char *err)
{
	sqlite3_stmt *st = stmt(s, S_QUEUE_INSERT, err);
	if (!st)
		return -1;
	e->created_at = time_now_ms();
	sqlite3_bind_int64(st, 1, e->bulletin_id);
	bind_text(st, 2, e->slot);
	bind_id(st, 3, e->at_ms);
	sqlite3_bind_int64(st, 4, e->created_at);
	bind_text(st, 5, e->by);
	bind_text(st, 6, e->zones);
	if (exec_done(s, st, _("Queueing the bulletin"), err) < 0)
		return -1;
	e->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_queue_remove(struct store *s, int64_t id, char *err)
{
	sqlite3_stmt *st = stmt(s, S_QUEUE_DELETE, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (exec_done(s, st, _("Removing the queue entry"), err) < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		err_set(err, _("There is no pending queue entry %lld; 'loaxa queue list' shows them."),
			(long long)id);
		return STORE_NOTFOUND;
	}
	return 0;
}

int
store_queue_list(struct store *s, store_queue_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = stmt(s, S_QUEUE_LIST, err);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_queue_entry e = {
			.id = sqlite3_column_int64(st, 0),
			.bulletin_id = sqlite3_column_int64(st, 1),
			.slot = col_text(st, 2),
			.at_ms = sqlite3_column_int64(st, 3),
			.created_at = sqlite3_column_int64(st, 4),
			.airing_id = sqlite3_column_int64(st, 5),
			.by = col_text(st, 6),
			.zones = col_text(st, 7),
		};
		int stop = cb(&e, arg);
		store_queue_entry_clear(&e);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	done(st);
	if (rc != SQLITE_DONE) {
		store_sql_error(s, _("Reading the queue"), err);
		return -1;
	}
	return 0;
}

int
store_queue_mark_aired(struct store *s, int64_t id, int64_t airing_id, char *err)
{
	sqlite3_stmt *st = stmt(s, S_QUEUE_AIRED, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, airing_id);
	return exec_done(s, st, _("Updating the queue"), err);
}

void
store_queue_entry_clear(struct store_queue_entry *e)
{
	free(e->slot);
	free(e->by);
	free(e->zones);
	memset(e, 0, sizeof *e);
}

/* ---- airings ---- */

int
store_airing_add(struct store *s, struct store_airing *a, char *err)
{
	sqlite3_stmt *st = stmt(s, S_AIRING_INSERT, err);
	if (!st)
		return -1;
	bind_text(st, 1, a->slot);
	bind_text(st, 2, a->program);
	sqlite3_bind_int64(st, 3, a->scheduled_at);
	bind_id(st, 4, a->started_at);
	bind_id(st, 5, a->ended_at);
	bind_text(st, 6, a->status);
	bind_text(st, 7, a->reason);
	sqlite3_bind_int64(st, 8, a->lateness_ms);
	bind_text(st, 9, a->audio_sha256);
	sqlite3_bind_int(st, 10, a->normalizer_version);
	int rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE) {
			err_set(err, _("Slot \"%s\" at %lld already has an airing."),
				a->slot ? a->slot : "", (long long)a->scheduled_at);
			return STORE_EXISTS;
		}
		store_sql_error(s, _("Writing the airing log"), err);
		return -1;
	}
	a->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_airing_finish(struct store *s, int64_t id, const char *status, const char *reason,
		    int64_t ended_at, const char *audio_sha256, char *err)
{
	sqlite3_stmt *st = stmt(s, S_AIRING_FINISH, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, status);
	bind_text(st, 3, reason);
	sqlite3_bind_int64(st, 4, ended_at);
	bind_text(st, 5, audio_sha256);
	return exec_done(s, st, _("Writing the airing log"), err);
}

int
store_airing_set_started(struct store *s, int64_t id, int64_t started_at, int64_t lateness_ms,
			 char *err)
{
	sqlite3_stmt *st = stmt(s, S_AIRING_STARTED, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, started_at);
	sqlite3_bind_int64(st, 3, lateness_ms);
	return exec_done(s, st, _("Writing the airing log"), err);
}

int
store_aired_item_add(struct store *s, struct store_aired_item *it, char *err)
{
	sqlite3_stmt *st = stmt(s, S_ITEM_INSERT, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, it->airing_id);
	sqlite3_bind_int(st, 2, it->seq);
	bind_text(st, 3, it->kind);
	bind_id(st, 4, it->bulletin_id);
	if (it->bulletin_id)
		sqlite3_bind_int(st, 5, it->bulletin_version);
	else
		sqlite3_bind_null(st, 5);
	bind_id(st, 6, it->clip_id);
	sqlite3_bind_double(st, 7, it->offset_s);
	sqlite3_bind_double(st, 8, it->length_s);
	sqlite3_bind_int(st, 9, it->completed);
	bind_text(st, 10, it->voice);
	bind_text(st, 11, it->region);
	bind_text(st, 12, it->source);
	bind_text(st, 13, it->reason);
	bind_text(st, 14, it->recording);
	if (exec_done(s, st, _("Writing the airing log"), err) < 0)
		return -1;
	it->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_aired_item_recorded(struct store *s, const char *path, double seconds, char *err)
{
	sqlite3_stmt *st = stmt(s, S_ITEM_RECORDED, err);
	if (!st)
		return -1;
	bind_text(st, 1, path);
	sqlite3_bind_double(st, 2, seconds);
	return exec_done(s, st, _("Writing the airing log"), err);
}

int
store_airing_record(struct store *s, struct store_airing *a, struct store_aired_item *items,
		    size_t n, char *err)
{
	if (store_begin(s, err) < 0)
		return -1;
	int64_t id = a->id; /* restored when the transaction is rolled back */
	int rc = 0;
	if (a->id) {
		rc = store_airing_finish(s, a->id, a->status, a->reason, a->ended_at, a->audio_sha256,
					 err);
		if (rc == 0 && sqlite3_changes(s->db) != 1)
			a->id = 0; /* not there after all: written whole below */
		else if (rc == 0 && a->started_at)
			rc = store_airing_set_started(s, a->id, a->started_at, a->lateness_ms, err);
	}
	if (rc == 0 && !a->id)
		rc = store_airing_add(s, a, err);
	sqlite3_stmt *st = rc == 0 ? stmt(s, S_ITEMS_DELETE, err) : NULL;
	if (st) {
		sqlite3_bind_int64(st, 1, a->id);
		rc = exec_done(s, st, _("Writing the airing log"), err);
	} else if (rc == 0) {
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		items[i].airing_id = a->id;
		rc = store_aired_item_add(s, &items[i], err);
	}
	if (rc == 0 && store_commit(s, err) == 0)
		return 0;
	store_rollback(s);
	a->id = id;
	return rc == STORE_EXISTS ? STORE_EXISTS : -1;
}

int
store_aired_items_cut(struct store *s, int64_t airing_id, double cut_s, char *err)
{
	sqlite3_stmt *st = stmt(s, S_ITEMS_CUT, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, airing_id);
	sqlite3_bind_double(st, 2, cut_s);
	return exec_done(s, st, _("Writing the airing log"), err);
}

/* One of the recovery updates: rows turned, into *n. */
static int
recover(struct store *s, enum stmt id, const char *reason, int64_t now, int *n, char *err)
{
	sqlite3_stmt *st = stmt(s, id, err);
	if (!st)
		return -1;
	bind_text(st, 1, reason);
	sqlite3_bind_int64(st, 2, now);
	if (exec_done(s, st, _("Writing the airing log"), err) < 0)
		return -1;
	*n = sqlite3_changes(s->db);
	return 0;
}

int
store_airing_recover(struct store *s, const char *cut_reason, const char *unstarted_reason,
		     int64_t now, int *cut, int *missed, char *err)
{
	*cut = *missed = 0;
	/* the ones that never started first: what is left `started` was cut */
	if (store_begin(s, err) < 0)
		return -1;
	if (recover(s, S_AIRING_RECOVER_UNSTARTED, unstarted_reason, now, missed, err) < 0 ||
	    recover(s, S_AIRING_RECOVER, cut_reason, now, cut, err) < 0 || store_commit(s, err) < 0) {
		store_rollback(s);
		*cut = *missed = 0;
		return -1;
	}
	return 0;
}

int
store_item_counts(const char *airing_status, const struct store_aired_item *it)
{
	/* the WHERE clause of the view aired_bulletins (migration 3) */
	return airing_status &&
	       (strcmp(airing_status, "completed") == 0 || strcmp(airing_status, "interrupted") == 0) &&
	       it->kind && strcmp(it->kind, "bulletin") == 0 && it->completed;
}

const char *
store_strerror(int rc)
{
	switch (rc) {
	case STORE_OK:
		return _("done");
	case STORE_NOTFOUND:
		return _("not found");
	case STORE_EXISTS:
		return _("the slot instant already has an airing");
	case STORE_ERROR:
	default:
		return _("the database failed");
	}
}

int
store_airing_exists(struct store *s, const char *slot, int64_t scheduled_at, char *err)
{
	sqlite3_stmt *st = stmt(s, S_AIRING_EXISTS, err);
	if (!st)
		return -1;
	bind_text(st, 1, slot);
	sqlite3_bind_int64(st, 2, scheduled_at);
	int rc = sqlite3_step(st);
	done(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	store_sql_error(s, _("Reading the airing log"), err);
	return -1;
}

int
store_airing_last(struct store *s, const char *slot, int64_t *scheduled_at, char *err)
{
	sqlite3_stmt *st = stmt(s, S_AIRING_LAST, err);
	if (!st)
		return -1;
	bind_text(st, 1, slot);
	int rc = sqlite3_step(st);
	*scheduled_at = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	if (rc != SQLITE_ROW) {
		store_sql_error(s, _("Reading the airing log"), err);
		return -1;
	}
	return 0;
}

void
store_log_row_read(sqlite3_stmt *st, struct store_log_row *r)
{
	memset(r, 0, sizeof *r);
	r->a.id = sqlite3_column_int64(st, 0);
	r->a.slot = (char *)sqlite3_column_text(st, 1);
	r->a.program = (char *)sqlite3_column_text(st, 2);
	r->a.scheduled_at = sqlite3_column_int64(st, 3);
	r->a.started_at = sqlite3_column_int64(st, 4);
	r->a.ended_at = sqlite3_column_int64(st, 5);
	r->a.status = (char *)sqlite3_column_text(st, 6);
	r->a.reason = (char *)sqlite3_column_text(st, 7);
	r->a.lateness_ms = sqlite3_column_int64(st, 8);
	r->a.audio_sha256 = (char *)sqlite3_column_text(st, 9);
	r->a.normalizer_version = sqlite3_column_int(st, 10);
	r->it.id = sqlite3_column_int64(st, 11);
	r->it.airing_id = r->a.id;
	r->it.seq = sqlite3_column_int(st, 12);
	r->it.kind = (char *)sqlite3_column_text(st, 13);
	r->it.bulletin_id = sqlite3_column_int64(st, 14);
	r->it.bulletin_version = sqlite3_column_int(st, 15);
	r->it.clip_id = sqlite3_column_int64(st, 16);
	r->it.offset_s = sqlite3_column_double(st, 17);
	r->it.length_s = sqlite3_column_double(st, 18);
	r->it.completed = sqlite3_column_int(st, 19);
	r->title = (const char *)sqlite3_column_text(st, 20);
	r->topic = (const char *)sqlite3_column_text(st, 21);
	r->klass = (const char *)sqlite3_column_text(st, 22);
	r->clip_name = (const char *)sqlite3_column_text(st, 23);
	r->approved_by = (const char *)sqlite3_column_text(st, 24);
	r->asked_by = (const char *)sqlite3_column_text(st, 25);
	const char *voice = (const char *)sqlite3_column_text(st, 26);
	const char *region = (const char *)sqlite3_column_text(st, 27);
	snprintf(r->it.voice, sizeof r->it.voice, "%s", voice ? voice : "");
	snprintf(r->it.region, sizeof r->it.region, "%s", region ? region : "");
	const char *source = (const char *)sqlite3_column_text(st, 28);
	const char *reason = (const char *)sqlite3_column_text(st, 29);
	snprintf(r->it.source, sizeof r->it.source, "%s", source ? source : "");
	snprintf(r->it.reason, sizeof r->it.reason, "%s", reason ? reason : "");
	r->zones = (const char *)sqlite3_column_text(st, 30);
	const char *rec = (const char *)sqlite3_column_text(st, 31);
	snprintf(r->it.recording, sizeof r->it.recording, "%s", rec ? rec : "");
}

int
store_log(struct store *s, int64_t from, int64_t until, const char *status, const char *topic,
	  store_log_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = stmt(s, S_LOG, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, until);
	bind_text(st, 3, status);
	bind_text(st, 4, topic);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_log_row r;
		store_log_row_read(st, &r);
		if (cb(&r, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	done(st);
	if (rc != SQLITE_DONE) {
		store_sql_error(s, _("Reading the airing log"), err);
		return -1;
	}
	return 0;
}

int
store_slot_since(struct store *s, const char *slot, int64_t now, int64_t *since, char *err)
{
	sqlite3_stmt *st = stmt(s, S_SLOT_WATCH_SET, err);
	if (!st)
		return -1;
	bind_text(st, 1, slot);
	sqlite3_bind_int64(st, 2, now);
	if (exec_done(s, st, _("Writing the slot watch"), err) < 0)
		return -1;
	st = stmt(s, S_SLOT_WATCH_GET, err);
	if (!st)
		return -1;
	bind_text(st, 1, slot);
	int rc = sqlite3_step(st);
	*since = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : now;
	done(st);
	if (rc != SQLITE_ROW) {
		store_sql_error(s, _("Reading the slot watch"), err);
		return -1;
	}
	return 0;
}

void
store_airing_clear(struct store_airing *a)
{
	free(a->slot);
	free(a->program);
	free(a->status);
	free(a->reason);
	free(a->audio_sha256);
	memset(a, 0, sizeof *a);
}

void
store_aired_item_clear(struct store_aired_item *it)
{
	free(it->kind);
	memset(it, 0, sizeof *it);
}
