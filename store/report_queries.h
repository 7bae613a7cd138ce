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

#include <stddef.h>
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

/* store_count_row with the days the bulletin aired and its latest version. */
struct store_day_row {
	int64_t bulletin_id;
	const char *topic; /* of the version that aired; valid during the callback */
	int airings;
	double airtime_s;
	int version;       /* the latest version aired */
	int64_t first_day; /* local day of `from`, in days since 1970-01-01 */
	uint64_t days;     /* bit k: it aired on first_day + k */
};
typedef int (*store_day_cb)(const struct store_day_row *r, void *arg);

/*
 * store_report_counts() with the local days each bulletin aired: one scan
 * gives the month's counts and the list of aired bulletins an officer
 * pastes into a report.  The days are cut with offset_ms, the local
 * time's offset from UTC, which the caller keeps constant over [from,
 * until), at most 63 days long.  Ordered by bulletin id.
 */
int store_report_days(struct store *s, int64_t from, int64_t until, const char *topic,
		      int64_t offset_ms, store_day_cb cb, void *arg, char *err);

/*
 * The titles of versions[i] of bulletins ids[i] into titles[i] (allocated,
 * "" for one that is not there; the caller frees them).  0 or -1 with err.
 */
int store_report_titles(struct store *s, size_t n, const int64_t *ids, const int *versions,
			char **titles, char *err);

/* The scheduled time of the first airing that started (ms), 0 when none has. */
int store_airing_first(struct store *s, int64_t *ms, char *err);

#endif
