/*
 * store — the aggregated queries behind `loaxa report` (reports/).  Kept
 * apart from store.h so that the report's counting rule lives in one SQL
 * statement, next to the rest of the SQL; reports/ adds the months, the
 * distinct sets and the target.
 *
 * The counting rule (man loaxa, "COUNTING"): an aired item counts when it
 * is a bulletin, its airing is `completed` or `interrupted`, and the item
 * itself played to its end (an interrupted airing counts only what
 * finished before the cut).  The bulletin's topic is that of the version
 * that aired; retired bulletins count like any other.
 */
#ifndef LOAXA_STORE_REPORT_QUERIES_H
#define LOAXA_STORE_REPORT_QUERIES_H

#include <stdint.h>

struct store;

/* One bulletin (as one topic) that counts in [from, until). */
struct store_count_row {
	int64_t bulletin_id;
	const char *topic; /* of the version that aired; valid during the callback */
	int airings;       /* items of it that count */
	double airtime_s;  /* their total length */
};
typedef int (*store_count_cb)(const struct store_count_row *r, void *arg);

/*
 * Calls cb once per (bulletin, topic) with items that count among airings
 * scheduled in [from, until) (UTC ms); topic filters when not NULL.  Ordered
 * by bulletin id.  cb returning non-zero stops.  0 or -1 with err.
 */
int store_report_counts(struct store *s, int64_t from, int64_t until, const char *topic,
			store_count_cb cb, void *arg, char *err);

/* An airing that aired nothing the plans count: missed or failed. */
struct store_missed_row {
	int64_t airing_id;
	const char *slot, *program, *status, *reason; /* slot/reason may be NULL */
	int64_t scheduled_at;
};
typedef int (*store_missed_cb)(const struct store_missed_row *r, void *arg);

/* Airings `missed` or `failed` scheduled in [from, until), oldest first. */
int store_report_missed(struct store *s, int64_t from, int64_t until, store_missed_cb cb,
			void *arg, char *err);

#endif
