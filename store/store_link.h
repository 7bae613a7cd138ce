/*
 * store — the commune's side of the province link (loaxa-link, link/):
 * bulletins received from the province, kept by the province's id so a
 * repeated delivery or a replay is stored once and refused after; and the
 * outbox of airing rows to publish, which triggers fill when a row lands
 * (migration 5), so the daemon writes its log as always and knows nothing
 * of the link.
 *
 * The statements are prepared once per handle (store_link_new()), which
 * lives as long as the link does.  Strings in rows handed to callbacks are
 * valid during the callback only.
 */
#ifndef LOAXA_STORE_LINK_H
#define LOAXA_STORE_LINK_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_bulletin;
struct store_clip;
struct store_queue_entry;
struct store_log_row;

struct store_link;

/* A handle over s (which must outlive it); free with store_link_free(). */
struct store_link *store_link_new(struct store *s);
void store_link_free(struct store_link *l);

/* A bulletin received from the province, as kept in link_inbox. */
struct store_link_receipt {
	const char *province, *msg_id;
	const char *klass;
	int64_t issued_at, expires_at; /* expires_at 0: none */
	const char *zones;   /* JSON array of zone names, or NULL (honoured once zones exist) */
	const char *outcome; /* queued | air-pending | aired | expired */
	int64_t received_at; /* filled from the row by store_link_inbox_list() */
	int64_t bulletin_id;
};

/*
 * Stores, in one transaction, the recording clip c (when not NULL), the
 * bulletin b (its audio_clip_id set from c), the queue entry q (when not
 * NULL; its bulletin_id set), and the receipt r.  Fills b->id, c->id, q->id.
 * STORE_EXISTS (err says so) when the province's id was received before:
 * then nothing is stored.
 */
int store_link_receive(struct store_link *l, const struct store_link_receipt *r,
		       struct store_clip *c, struct store_bulletin *b, struct store_queue_entry *q,
		       char *err);
/* 1 when the province's id was received before, 0 when not, -1 with err. */
int store_link_received(struct store_link *l, const char *province, const char *msg_id, char *err);
/* What became of a received bulletin (air-pending -> aired | expired). */
int store_link_set_outcome(struct store_link *l, const char *province, const char *msg_id,
			   const char *outcome, char *err);
typedef int (*store_link_receipt_cb)(const struct store_link_receipt *r, void *arg);
/* Receipts with the given outcome, oldest first. */
int store_link_inbox_list(struct store_link *l, const char *outcome, store_link_receipt_cb cb,
			  void *arg, char *err);

/* ---- outbox ---- */

struct store_link_out {
	int64_t airing_id;
	int rev;
};
/*
 * Up to max rows of the outbox with airing_id > after, by airing id.
 * *n is how many were written into out.
 */
int store_link_outbox(struct store_link *l, int64_t after, struct store_link_out *out, size_t max,
		      size_t *n, char *err);
/* The province holds rev of the row: it leaves the outbox unless it changed since. */
int store_link_outbox_done(struct store_link *l, int64_t airing_id, int rev, char *err);
int store_link_outbox_count(struct store_link *l, int *n, char *err);

/*
 * One airing and its items as store_log() gives them (one call per item,
 * or one with it.kind NULL when it aired nothing), with the province's id
 * of the bulletin when it came from the province (else NULL).
 * STORE_NOTFOUND when there is no such airing.
 */
typedef int (*store_link_row_cb)(const struct store_log_row *r, const char *msg_id, void *arg);
int store_link_airing(struct store_link *l, int64_t airing_id, store_link_row_cb cb, void *arg,
		      char *err);

/* The last airing that landed, and the last that failed or was missed (id 0: none). */
struct store_link_last {
	int64_t id, scheduled_at;
	char status[16];
	char reason[256];
};
int store_link_last(struct store_link *l, struct store_link_last *landed,
		    struct store_link_last *fault, char *err);

#endif
