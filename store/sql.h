/*
 * Private to store/: the only ways SQL text reaches SQLite, each checked by
 * the compiler to be text fixed at build time, never text built by
 * formatting (values go in as bound parameters):
 *
 *   sql_exec(db, "literal")                     sqlite3_exec, no callback
 *   sql_prepare(db, "literal", flags, &st)      sqlite3_prepare_v3
 *   sql_exec_entry(db, table, i)                entry i of a static const
 *   sql_prepare_entry(db, table, i, flags, &st) char *const table[]
 *   sql_prepare_array(db, array, flags, &st)    a static const char array[]
 *   sql_set_user_version(db, n)                 PRAGMA user_version = n (an int)
 *
 * `"" lit ""` compiles only for a string literal; the table forms take
 * the table's address in a static initialiser, which compiles only for an
 * object of static storage, and want its elements const (their
 * initialisers are then constants: literals, in practice — a static char
 * buffer formatted at run time and named in such a table is the one way
 * round this, and would have to be written on purpose).
 * After this header SQLite's own entry points that take SQL text, and its
 * printf family, are poisoned: naming one is a compile error, so a file
 * that includes this header cannot hand SQLite anything else.  Outside
 * store/ nothing includes <sqlite3.h> (tests/system/test_security.sh
 * compiles the other modules with those names poisoned).
 */
#ifndef LOAXA_STORE_SQL_H
#define LOAXA_STORE_SQL_H

#include <sqlite3.h>
#include <stdio.h>

static inline int
sql_exec_text_(sqlite3 *db, const char *text)
{
	return sqlite3_exec(db, text, NULL, NULL, NULL);
}

static inline int
sql_prepare_text_(sqlite3 *db, const char *text, unsigned flags, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(db, text, -1, flags, st, NULL);
}

/* PRAGMA takes no bound parameter: the schema version is formatted, as an int only. */
static inline int
sql_set_user_version(sqlite3 *db, int v)
{
	char q[64];
	snprintf(q, sizeof q, "PRAGMA user_version = %d", v);
	return sqlite3_exec(db, q, NULL, NULL, NULL);
}

#define SQL_LITERAL_(lit) ("" lit "")
/*
 * The address of x in a static initialiser: x has static storage (a table
 * filled at run time on the stack or the heap does not compile); and its
 * elements, through a pointer, must be what T says (const all the way).
 */
#define SQL_STATIC_(x, T)                                                                  \
	__extension__({                                                                    \
		static const void *const sql_static_ __attribute__((unused)) = &(x);       \
		_Static_assert(__builtin_types_compatible_p(__typeof__(&(x)[0]), T),       \
			       "SQL text comes from a static const table of literals");    \
	})

#define sql_exec(db, lit) sql_exec_text_((db), SQL_LITERAL_(lit))
#define sql_prepare(db, lit, flags, st) sql_prepare_text_((db), SQL_LITERAL_(lit), (flags), (st))
/* entry i of a static const char *const table[] */
#define sql_exec_entry(db, table, i) (SQL_STATIC_(table, const char *const *), sql_exec_text_((db), (table)[i]))
#define sql_prepare_entry(db, table, i, flags, st)                                         \
	(SQL_STATIC_(table, const char *const *), sql_prepare_text_((db), (table)[i], (flags), (st)))
/* a static const char array[] */
#define sql_prepare_array(db, a, flags, st)                                                \
	(SQL_STATIC_(a, const char *), sql_prepare_text_((db), (a), (flags), (st)))

/*
 * store_prepared() (store.c) only: text from the static const tables of
 * store/'s other files (users.c, link.c), which do not include this
 * header; that they are literals is their convention, not checked here.
 */
#define sql_prepare_other_file(db, text, flags, st) sql_prepare_text_((db), (text), (flags), (st))

#pragma GCC poison sql_exec_text_ sql_prepare_text_
#pragma GCC poison sqlite3_exec sqlite3_prepare sqlite3_prepare_v2 sqlite3_prepare_v3
#pragma GCC poison sqlite3_prepare16 sqlite3_prepare16_v2 sqlite3_prepare16_v3 sqlite3_get_table
#pragma GCC poison sqlite3_mprintf sqlite3_vmprintf sqlite3_snprintf sqlite3_vsnprintf
#pragma GCC poison sqlite3_str_appendf sqlite3_str_vappendf

#endif
