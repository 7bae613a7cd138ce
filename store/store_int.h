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
 * Inserts a bulletin as store_bulletin_add() does, inside the caller's
 * transaction (store_link_receive() stores a bulletin and its receipt in one).
 */
struct store_bulletin;
int store_bulletin_insert(struct store *s, struct store_bulletin *b, char *err);

#endif
