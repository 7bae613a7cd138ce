/*
 * Private to store/: the connection and the statement table, for the other
 * files of this folder (report queries).  Nothing outside store/ includes it.
 */
#ifndef LOAXA_STORE_INT_H
#define LOAXA_STORE_INT_H

#include <sqlite3.h>

struct store;

sqlite3 *store_sqlite(struct store *s);
/* Formats the SQLite error of the last call into err with a leading sentence. */
void store_sql_error(struct store *s, const char *what, char *err);

/*
 * A statement of another file of store/, prepared on first use and kept
 * for the connection's life; q is a static string (looked up by its
 * address).  Reset and clear it after each use.  NULL with err.
 */
sqlite3_stmt *store_prepared(struct store *s, const char *q, char *err);

/* Reset and clear bindings; bind a string or NULL; a column as a new string or NULL. */
void store_stmt_done(sqlite3_stmt *st);
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
char *store_col_text(sqlite3_stmt *st, int i);

#endif
