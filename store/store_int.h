/*
 * Private to store/: the connection and the statement table, for the other
 * files of this folder (report queries).  Nothing outside store/ includes it.
 */
#ifndef LOAXA_STORE_INT_H
#define LOAXA_STORE_INT_H

#include <sqlite3.h>
#include <stdint.h>

struct store;

sqlite3 *store_sqlite(struct store *s);
/* Formats the SQLite error of the last call into err with a leading sentence. */
void store_sql_error(struct store *s, const char *what, char *err);

/*
 * The airing log's row, one per aired item (store_log()): the columns and
 * joins, which a query may extend after the last column (28), and the
 * reader of columns 0..28 into r (strings valid until the next step).
 * Who: the last approval of the version that aired; who asked for a
 * manual airing, else who queued the bulletin into this airing.
 */
#define STORE_LOG_SELECT                                                               \
	"SELECT a.id, a.slot, a.program, a.scheduled_at, a.started_at, a.ended_at,"   \
	" a.status, a.reason, a.lateness_ms, a.audio_sha256, a.normalizer_version,"   \
	" i.id, i.seq, i.kind, i.bulletin_id, i.bulletin_version, i.clip_id,"         \
	" i.offset_s, i.length_s, i.completed, v.title, v.topic, v.class, c.name,"     \
	" (SELECT r.reviewer FROM bulletin_reviews r WHERE r.bulletin_id = i.bulletin_id" \
	"  AND r.version = i.bulletin_version AND r.decision = 'approved'"            \
	"  ORDER BY r.at DESC, r.id DESC LIMIT 1),"                                    \
	" coalesce(a.asked_by, (SELECT q.created_by FROM queue q WHERE q.airing_id = a.id" \
	"  AND q.bulletin_id = i.bulletin_id ORDER BY q.id LIMIT 1)), i.voice, i.region," \
	" i.source, i.reason, a.zones, i.recording"
#define STORE_LOG_JOINS                                                    \
	" FROM airings a LEFT JOIN aired_items i ON i.airing_id = a.id"    \
	" LEFT JOIN bulletin_versions v ON v.bulletin_id = i.bulletin_id" \
	"  AND v.version = i.bulletin_version"                            \
	" LEFT JOIN clips c ON c.id = i.clip_id"
/* The columns of STORE_LOG_SELECT: a query's own columns come after them. */
#define STORE_LOG_COLS 32
struct store_log_row;
void store_log_row_read(sqlite3_stmt *st, struct store_log_row *r);

/*
 * Inserts a bulletin as store_bulletin_add() does, inside the caller's
 * transaction (store_link_receive() stores a bulletin and its receipt in one).
 */
struct store_bulletin;
int store_bulletin_insert(struct store *s, struct store_bulletin *b, char *err);

/*
 * A statement of another file of store/, prepared on first use and kept
 * for the connection's life; q is a static string (looked up by its
 * address).  Reset and clear it after each use.  NULL with err.
 */
sqlite3_stmt *store_prepared(struct store *s, const char *q, char *err);

/*
 * The helpers of every statement table of store/ (store.c's own, users.c,
 * link.c, province.c): reset and clear bindings; bind a string or NULL, an
 * id or NULL (0); a column as a new string or NULL.
 */
void store_stmt_done(sqlite3_stmt *st);
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
void store_bind_id(sqlite3_stmt *st, int i, int64_t v);
char *store_col_text(sqlite3_stmt *st, int i);

#endif
