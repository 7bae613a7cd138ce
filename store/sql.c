/*
 * store — helpers shared by the statement tables of store/'s files other
 * than store.c (link.c, province.c): see store_int.h.
 */
#include <sqlite3.h>
#include <stddef.h>

#include "store/store_int.h"

void
store_sql_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void
store_sql_id(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

void
store_sql_reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/*
 * For store_prepared(): q is one of the static const char arrays of
 * store/'s files (users.c), never text formatted at run time.  This file
 * does not include store/sql.h, whose checks cover store.c.
 */
int
store_sql_prepare_static(sqlite3 *db, const char *q, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(db, q, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}
