/*
 * store — the commune's side of the province link (see store_link.h): the
 * inbox of bulletins received from the province and the outbox of airing
 * rows to publish.  Statements in one table, prepared once for the store's
 * life (store_prepared()).
 */
#include "store/store_link.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"
#include "store/store_int.h"

enum lstmt {
	L_INBOX_HAS,
	L_INBOX_ADD,
	L_INBOX_OUTCOME,
	L_INBOX_LIST,
	L_OUTBOX,
	L_OUTBOX_DONE,
	L_OUTBOX_COUNT,
	L_AIRING,
	L_LAST,
	L_LAST_FAULT,
	L_COUNT
};

static const char *const lsql[L_COUNT] = {
	[L_INBOX_HAS] = "SELECT 1 FROM link_inbox WHERE province = ?1 AND msg_id = ?2",
	[L_INBOX_ADD] = "INSERT INTO link_inbox (province, msg_id, class, issued_at, expires_at,"
			" received_at, bulletin_id, queue_id, zones, outcome, outcome_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?6)",
	[L_INBOX_OUTCOME] = "UPDATE link_inbox SET outcome = ?3, outcome_at = ?4"
			    " WHERE province = ?1 AND msg_id = ?2",
	[L_INBOX_LIST] = "SELECT province, msg_id, class, issued_at, expires_at, received_at,"
			 " bulletin_id, zones, outcome FROM link_inbox WHERE outcome = ?1"
			 " ORDER BY received_at, msg_id",
	[L_OUTBOX] = "SELECT airing_id, rev FROM link_outbox WHERE airing_id > ?1"
		     " ORDER BY airing_id LIMIT ?2",
	[L_OUTBOX_DONE] = "DELETE FROM link_outbox WHERE airing_id = ?1 AND rev = ?2",
	[L_OUTBOX_COUNT] = "SELECT count(*) FROM link_outbox",
	[L_AIRING] = STORE_LOG_SELECT ", (SELECT msg_id FROM link_inbox li"
		     " WHERE li.bulletin_id = i.bulletin_id)" STORE_LOG_JOINS
		     " WHERE a.id = ?1 ORDER BY i.seq",
	[L_LAST] = "SELECT id, scheduled_at, status, reason FROM airings"
		   " WHERE status <> 'started' ORDER BY scheduled_at DESC, id DESC LIMIT 1",
	[L_LAST_FAULT] = "SELECT id, scheduled_at, status, reason FROM airings"
			 " WHERE status IN ('failed','missed') ORDER BY scheduled_at DESC, id DESC LIMIT 1",
};

struct store_link {
	struct store *s;
};

struct store_link *
store_link_new(struct store *s)
{
	struct store_link *l = xcalloc(1, sizeof *l);
	l->s = s;
	return l;
}

void
store_link_free(struct store_link *l)
{
	free(l);
}

/* The statement, prepared once for the store's life (store_prepared()). */
static sqlite3_stmt *
lstmt(struct store_link *l, enum lstmt id, char *err)
{
	return store_prepared(l->s, lsql[id], err);
}

/* Steps a statement that returns no rows; 0 or -1 with err. */
static int
run(struct store_link *l, sqlite3_stmt *st, const char *what, char *err)
{
	int rc = sqlite3_step(st);
	store_stmt_done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_sql_error(l->s, what, err);
		return -1;
	}
	return 0;
}

int
store_link_receive(struct store_link *l, const struct store_link_receipt *r, struct store_clip *c,
		   struct store_bulletin *b, struct store_queue_entry *q, char *err)
{
	const char *what = _("Saving the bulletin from the province");
	if (store_begin(l->s, err) < 0)
		return -1;
	sqlite3_stmt *st = lstmt(l, L_INBOX_HAS, err);
	if (!st)
		goto fail;
	store_bind_text(st, 1, r->province);
	store_bind_text(st, 2, r->msg_id);
	int rc = sqlite3_step(st);
	store_stmt_done(st);
	if (rc == SQLITE_ROW) {
		store_rollback(l->s);
		err_set(err, _("bulletin %s of province %s was received before"), r->msg_id, r->province);
		return STORE_EXISTS;
	}
	if (rc != SQLITE_DONE) {
		store_sql_error(l->s, what, err);
		goto fail;
	}
	if (c) {
		if (store_clip_add(l->s, c, err) < 0)
			goto fail;
		b->audio_clip_id = c->id;
	}
	if (store_bulletin_insert(l->s, b, err) < 0)
		goto fail;
	if (q) {
		q->bulletin_id = b->id;
		if (store_queue_add(l->s, q, err) < 0)
			goto fail;
	}
	if (!(st = lstmt(l, L_INBOX_ADD, err)))
		goto fail;
	store_bind_text(st, 1, r->province);
	store_bind_text(st, 2, r->msg_id);
	store_bind_text(st, 3, r->klass);
	sqlite3_bind_int64(st, 4, r->issued_at);
	store_bind_id(st, 5, r->expires_at);
	sqlite3_bind_int64(st, 6, time_now_ms());
	sqlite3_bind_int64(st, 7, b->id);
	store_bind_id(st, 8, q ? q->id : 0);
	store_bind_text(st, 9, r->zones);
	store_bind_text(st, 10, r->outcome);
	if (run(l, st, what, err) < 0 || store_commit(l->s, err) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(l->s);
	return -1;
}

int
store_link_received(struct store_link *l, const char *province, const char *msg_id, char *err)
{
	sqlite3_stmt *st = lstmt(l, L_INBOX_HAS, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, province);
	store_bind_text(st, 2, msg_id);
	int rc = sqlite3_step(st);
	store_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_sql_error(l->s, _("Reading the bulletins from the province"), err);
		return -1;
	}
	return rc == SQLITE_ROW;
}

int
store_link_set_outcome(struct store_link *l, const char *province, const char *msg_id,
		       const char *outcome, char *err)
{
	sqlite3_stmt *st = lstmt(l, L_INBOX_OUTCOME, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, province);
	store_bind_text(st, 2, msg_id);
	store_bind_text(st, 3, outcome);
	sqlite3_bind_int64(st, 4, time_now_ms());
	return run(l, st, _("Saving the bulletin from the province"), err);
}

int
store_link_inbox_list(struct store_link *l, const char *outcome, store_link_receipt_cb cb, void *arg,
		      char *err)
{
	sqlite3_stmt *st = lstmt(l, L_INBOX_LIST, err);
	if (!st)
		return -1;
	store_bind_text(st, 1, outcome);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_link_receipt r = {
			.province = (const char *)sqlite3_column_text(st, 0),
			.msg_id = (const char *)sqlite3_column_text(st, 1),
			.klass = (const char *)sqlite3_column_text(st, 2),
			.issued_at = sqlite3_column_int64(st, 3),
			.expires_at = sqlite3_column_int64(st, 4),
			.received_at = sqlite3_column_int64(st, 5),
			.bulletin_id = sqlite3_column_int64(st, 6),
			.zones = (const char *)sqlite3_column_text(st, 7),
			.outcome = (const char *)sqlite3_column_text(st, 8),
		};
		if (cb(&r, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE) {
		store_sql_error(l->s, _("Reading the bulletins from the province"), err);
		return -1;
	}
	return 0;
}

int
store_link_outbox(struct store_link *l, int64_t after, struct store_link_out *out, size_t max,
		  size_t *n, char *err)
{
	*n = 0;
	sqlite3_stmt *st = lstmt(l, L_OUTBOX, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		out[*n].airing_id = sqlite3_column_int64(st, 0);
		out[*n].rev = sqlite3_column_int(st, 1);
		(*n)++;
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_sql_error(l->s, _("Reading the link's outbox"), err);
		return -1;
	}
	return 0;
}

int
store_link_outbox_done(struct store_link *l, int64_t airing_id, int rev, char *err)
{
	sqlite3_stmt *st = lstmt(l, L_OUTBOX_DONE, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, airing_id);
	sqlite3_bind_int(st, 2, rev);
	return run(l, st, _("Updating the link's outbox"), err);
}

int
store_link_outbox_count(struct store_link *l, int *n, char *err)
{
	sqlite3_stmt *st = lstmt(l, L_OUTBOX_COUNT, err);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	store_stmt_done(st);
	if (rc != SQLITE_ROW) {
		store_sql_error(l->s, _("Reading the link's outbox"), err);
		return -1;
	}
	return 0;
}

int
store_link_airing(struct store_link *l, int64_t airing_id, store_link_row_cb cb, void *arg, char *err)
{
	sqlite3_stmt *st = lstmt(l, L_AIRING, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, airing_id);
	int rc, rows = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_log_row r;
		store_log_row_read(st, &r);
		rows++;
		if (cb(&r, (const char *)sqlite3_column_text(st, STORE_LOG_COLS), arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE) {
		store_sql_error(l->s, _("Reading the airing log"), err);
		return -1;
	}
	if (!rows) {
		err_set(err, _("There is no airing %lld."), (long long)airing_id);
		return STORE_NOTFOUND;
	}
	return 0;
}

static int
last_one(struct store_link *l, enum lstmt id, struct store_link_last *out, char *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = lstmt(l, id, err);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->scheduled_at = sqlite3_column_int64(st, 1);
		const char *s = (const char *)sqlite3_column_text(st, 2);
		const char *r = (const char *)sqlite3_column_text(st, 3);
		snprintf(out->status, sizeof out->status, "%s", s ? s : "");
		snprintf(out->reason, sizeof out->reason, "%s", r ? r : "");
	}
	store_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_sql_error(l->s, _("Reading the airing log"), err);
		return -1;
	}
	return 0;
}

int
store_link_last(struct store_link *l, struct store_link_last *landed, struct store_link_last *fault,
		char *err)
{
	if (last_one(l, L_LAST, landed, err) < 0)
		return -1;
	return last_one(l, L_LAST_FAULT, fault, err);
}
