/*
 * store — the commune's side of the province link (see store_link.h): the
 * inbox of bulletins received from the province and the outbox of airing
 * rows to publish.  Statements in one table, prepared once per handle.
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
	[L_AIRING] = "SELECT a.id, a.slot, a.program, a.scheduled_at, a.started_at, a.ended_at,"
		     " a.status, a.reason, a.lateness_ms, a.audio_sha256, a.normalizer_version,"
		     " i.id, i.seq, i.kind, i.bulletin_id, i.bulletin_version, i.clip_id,"
		     " i.offset_s, i.length_s, i.completed, v.title, v.topic, v.class, c.name,"
		     " (SELECT msg_id FROM link_inbox li WHERE li.bulletin_id = i.bulletin_id)"
		     " FROM airings a LEFT JOIN aired_items i ON i.airing_id = a.id"
		     " LEFT JOIN bulletin_versions v ON v.bulletin_id = i.bulletin_id"
		     "  AND v.version = i.bulletin_version"
		     " LEFT JOIN clips c ON c.id = i.clip_id"
		     " WHERE a.id = ?1 ORDER BY i.seq",
	[L_LAST] = "SELECT id, scheduled_at, status, reason FROM airings"
		   " WHERE status <> 'started' ORDER BY scheduled_at DESC, id DESC LIMIT 1",
	[L_LAST_FAULT] = "SELECT id, scheduled_at, status, reason FROM airings"
			 " WHERE status IN ('failed','missed') ORDER BY scheduled_at DESC, id DESC LIMIT 1",
};

struct store_link {
	struct store *s;
	sqlite3_stmt *st[L_COUNT];
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
	if (!l)
		return;
	for (int i = 0; i < L_COUNT; i++)
		sqlite3_finalize(l->st[i]);
	free(l);
}

static sqlite3_stmt *
lstmt(struct store_link *l, enum lstmt id, char *err)
{
	if (!l->st[id] && sqlite3_prepare_v3(store_sqlite(l->s), lsql[id], -1,
					     SQLITE_PREPARE_PERSISTENT, &l->st[id], NULL) != SQLITE_OK) {
		store_sql_error(l->s, _("Preparing a query"), err);
		return NULL;
	}
	return l->st[id];
}

static void
reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void
text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void
id_or_null(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Steps a statement that returns no rows; 0 or -1 with err. */
static int
run(struct store_link *l, sqlite3_stmt *st, const char *what, char *err)
{
	int rc = sqlite3_step(st);
	reset(st);
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
	text(st, 1, r->province);
	text(st, 2, r->msg_id);
	int rc = sqlite3_step(st);
	reset(st);
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
	text(st, 1, r->province);
	text(st, 2, r->msg_id);
	text(st, 3, r->klass);
	sqlite3_bind_int64(st, 4, r->issued_at);
	id_or_null(st, 5, r->expires_at);
	sqlite3_bind_int64(st, 6, time_now_ms());
	sqlite3_bind_int64(st, 7, b->id);
	id_or_null(st, 8, q ? q->id : 0);
	text(st, 9, r->zones);
	text(st, 10, r->outcome);
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
	text(st, 1, province);
	text(st, 2, msg_id);
	int rc = sqlite3_step(st);
	reset(st);
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
	text(st, 1, province);
	text(st, 2, msg_id);
	text(st, 3, outcome);
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
	text(st, 1, outcome);
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
	reset(st);
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
	reset(st);
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
	reset(st);
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
		struct store_log_row r = { 0 };
		r.a.id = sqlite3_column_int64(st, 0);
		r.a.slot = (char *)sqlite3_column_text(st, 1);
		r.a.program = (char *)sqlite3_column_text(st, 2);
		r.a.scheduled_at = sqlite3_column_int64(st, 3);
		r.a.started_at = sqlite3_column_int64(st, 4);
		r.a.ended_at = sqlite3_column_int64(st, 5);
		r.a.status = (char *)sqlite3_column_text(st, 6);
		r.a.reason = (char *)sqlite3_column_text(st, 7);
		r.a.lateness_ms = sqlite3_column_int64(st, 8);
		r.a.audio_sha256 = (char *)sqlite3_column_text(st, 9);
		r.a.normalizer_version = sqlite3_column_int(st, 10);
		r.it.id = sqlite3_column_int64(st, 11);
		r.it.airing_id = r.a.id;
		r.it.seq = sqlite3_column_int(st, 12);
		r.it.kind = (char *)sqlite3_column_text(st, 13);
		r.it.bulletin_id = sqlite3_column_int64(st, 14);
		r.it.bulletin_version = sqlite3_column_int(st, 15);
		r.it.clip_id = sqlite3_column_int64(st, 16);
		r.it.offset_s = sqlite3_column_double(st, 17);
		r.it.length_s = sqlite3_column_double(st, 18);
		r.it.completed = sqlite3_column_int(st, 19);
		r.title = (const char *)sqlite3_column_text(st, 20);
		r.topic = (const char *)sqlite3_column_text(st, 21);
		r.klass = (const char *)sqlite3_column_text(st, 22);
		r.clip_name = (const char *)sqlite3_column_text(st, 23);
		rows++;
		if (cb(&r, (const char *)sqlite3_column_text(st, 24), arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	reset(st);
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
	reset(st);
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
