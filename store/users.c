/*
 * store — the people who use loaxa-web and who did what: users with their
 * role and password hash, approvers' decisions on bulletin versions, and
 * who asked for a manual airing.  (Who made a bulletin version and who
 * queued an entry are columns written by store.c's own statements.)
 *
 * Statements are prepared once per connection through store_prepared().
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"
#include "store/store_int.h"

static const char sql_user_insert[] =
	"INSERT INTO users (name, role, password, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_user_get[] =
	"SELECT id, name, role, password, created_at, created_by FROM users WHERE name = ?1";
static const char sql_user_list[] =
	"SELECT id, name, role, password, created_at, created_by FROM users ORDER BY name";
static const char sql_user_update[] =
	"UPDATE users SET role = coalesce(?2, role), password = coalesce(?3, password)"
	" WHERE name = ?1";
static const char sql_user_delete[] = "DELETE FROM users WHERE name = ?1";
static const char sql_user_count_role[] = "SELECT count(*) FROM users WHERE role = ?1";
static const char sql_review_insert[] =
	"INSERT INTO bulletin_reviews (bulletin_id, version, decision, reviewer, comment, at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_review_list[] =
	"SELECT id, bulletin_id, version, decision, reviewer, comment, at FROM bulletin_reviews"
	" WHERE bulletin_id = ?1 ORDER BY at, id";
static const char sql_airing_asked_by[] = "UPDATE airings SET asked_by = ?2 WHERE id = ?1";
static const char sql_airing_zones[] = "UPDATE airings SET zones = ?2 WHERE id = ?1";

/* Steps a statement that returns no rows; 0 or -1 with err. */
static int
run(struct store *s, sqlite3_stmt *st, const char *what, char *err)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		store_sql_error(s, what, err);
		store_stmt_done(st);
		return -1;
	}
	store_stmt_done(st);
	return 0;
}

/* ---- users ---- */

int
store_user_add(struct store *s, struct store_user *u, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_user_insert, err);
	if (!st)
		return -1;
	u->created_at = time_now_ms();
	store_bind_text(st, 1, u->name);
	store_bind_text(st, 2, u->role);
	store_bind_text(st, 3, u->password);
	sqlite3_bind_int64(st, 4, u->created_at);
	store_bind_text(st, 5, u->created_by);
	int rc = sqlite3_step(st);
	store_stmt_done(st);
	if (rc != SQLITE_DONE) {
		if (sqlite3_extended_errcode(store_sqlite(s)) == SQLITE_CONSTRAINT_UNIQUE) {
			err_set(err, _("There is already a user named \"%s\"; choose another name."),
				u->name);
			return STORE_EXISTS;
		}
		store_sql_error(s, _("Saving the user"), err);
		return -1;
	}
	u->id = sqlite3_last_insert_rowid(store_sqlite(s));
	return 0;
}

static void
read_user(sqlite3_stmt *st, struct store_user *u)
{
	u->id = sqlite3_column_int64(st, 0);
	u->name = store_col_text(st, 1);
	u->role = store_col_text(st, 2);
	u->password = store_col_text(st, 3);
	u->created_at = sqlite3_column_int64(st, 4);
	u->created_by = store_col_text(st, 5);
}

int
store_user_get(struct store *s, const char *name, struct store_user *out, char *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_prepared(s, sql_user_get, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_user(st, out);
	store_stmt_done(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE) {
		err_set(err, _("There is no user \"%s\"; 'loaxa user list' shows them."), name);
		return STORE_NOTFOUND;
	}
	store_sql_error(s, _("Reading the user"), err);
	return -1;
}

int
store_user_list(struct store *s, store_user_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_user_list, err);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_user u = { 0 };
		read_user(st, &u);
		int stop = cb(&u, arg);
		store_user_clear(&u);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE) {
		store_sql_error(s, _("Listing users"), err);
		return -1;
	}
	return 0;
}

/* 0, or STORE_NOTFOUND when the statement touched no row. */
static int
changed(struct store *s, const char *name, char *err)
{
	if (sqlite3_changes(store_sqlite(s)) > 0)
		return 0;
	err_set(err, _("There is no user \"%s\"; 'loaxa user list' shows them."), name);
	return STORE_NOTFOUND;
}

int
store_user_update(struct store *s, const char *name, const char *role, const char *password,
		  char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_user_update, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, role);
	store_bind_text(st, 3, password);
	if (run(s, st, _("Saving the user"), err) < 0)
		return -1;
	return changed(s, name, err);
}

int
store_user_remove(struct store *s, const char *name, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_user_delete, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, name);
	if (run(s, st, _("Removing the user"), err) < 0)
		return -1;
	return changed(s, name, err);
}

int
store_user_count_role(struct store *s, const char *role, int *n, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_user_count_role, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, role);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	store_stmt_done(st);
	if (rc != SQLITE_ROW) {
		store_sql_error(s, _("Listing users"), err);
		return -1;
	}
	return 0;
}

void
store_user_clear(struct store_user *u)
{
	free(u->name);
	free(u->role);
	free(u->password);
	free(u->created_by);
	memset(u, 0, sizeof *u);
}

/* ---- reviews ---- */

int
store_review_add(struct store *s, struct store_review *r, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_review_insert, err);
	if (!st)
		return -1;
	r->at = time_now_ms();
	sqlite3_bind_int64(st, 1, r->bulletin_id);
	sqlite3_bind_int(st, 2, r->version);
	store_bind_text(st, 3, r->decision);
	store_bind_text(st, 4, r->reviewer);
	store_bind_text(st, 5, r->comment);
	sqlite3_bind_int64(st, 6, r->at);
	if (run(s, st, _("Saving the review"), err) < 0)
		return -1;
	r->id = sqlite3_last_insert_rowid(store_sqlite(s));
	return 0;
}

int
store_review_list(struct store *s, int64_t bulletin_id, store_review_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_review_list, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, bulletin_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_review r = {
			.id = sqlite3_column_int64(st, 0),
			.bulletin_id = sqlite3_column_int64(st, 1),
			.version = sqlite3_column_int(st, 2),
			.decision = store_col_text(st, 3),
			.reviewer = store_col_text(st, 4),
			.comment = store_col_text(st, 5),
			.at = sqlite3_column_int64(st, 6),
		};
		int stop = cb(&r, arg);
		store_review_clear(&r);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE) {
		store_sql_error(s, _("Reading the reviews"), err);
		return -1;
	}
	return 0;
}

void
store_review_clear(struct store_review *r)
{
	free(r->decision);
	free(r->reviewer);
	free(r->comment);
	memset(r, 0, sizeof *r);
}

/* ---- airings ---- */

int
store_airing_set_asked_by(struct store *s, int64_t id, const char *who, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_airing_asked_by, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, who);
	return run(s, st, _("Writing the airing log"), err);
}

int
store_airing_set_zones(struct store *s, int64_t id, const char *zones, char *err)
{
	sqlite3_stmt *st = store_prepared(s, sql_airing_zones, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, zones);
	return run(s, st, _("Writing the airing log"), err);
}
