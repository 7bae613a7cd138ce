/*
 * store — the SQLite database in STATE_DIR/loaxa.db: bulletins (with every
 * version kept, so the text that aired stays recoverable after an edit),
 * clips, the queue, airings and the items aired in them.
 *
 * All SQL lives in store/: statements are in one table, prepared once per
 * connection, bound, reset and cleared after each use.  The schema moves by
 * numbered migrations guarded by PRAGMA user_version.  WAL, foreign keys,
 * and a busy timeout (never a busy spin) let `loaxa` and `loaxad` share it.
 *
 * Times are UTC milliseconds since the epoch; dates (valid from/until) are
 * local "YYYY-MM-DD" strings.  Strings returned in structs are owned by the
 * struct: free with the matching *_clear().
 */
#ifndef LOAXA_STORE_H
#define LOAXA_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_SCHEMA_VERSION 11
#define STORE_BUSY_TIMEOUT_MS 5000
/* The longest voice name an aired item keeps (config.h CONFIG_VOICE_MAX). */
#define STORE_VOICE_MAX 63

struct store;

/*
 * What the functions below return: 0, or a negative code with a sentence in
 * err.  Callers that must tell failures apart compare with these; the rest
 * test < 0.
 */
enum store_rc {
	STORE_OK = 0,
	STORE_ERROR = -1,    /* SQLite failed: err says how and what to do */
	STORE_NOTFOUND = -2, /* no such bulletin, clip or queue entry */
	STORE_EXISTS = -3,   /* the slot instant already has an airing row */
};
/* What a code means, in a few words (for logs); err carries the details. */
const char *store_strerror(int rc);

/*
 * Opens (creating with mode 0750 if missing) state_dir and its loaxa.db,
 * and migrates it.  Caller closes with store_close().
 */
int store_open(const char *state_dir, struct store **out, char *err);
/* Opens without migrating past `version` (tests of migrations). */
int store_open_at_version(const char *state_dir, int version, struct store **out, char *err);
void store_close(struct store *s);
const char *store_state_dir(const struct store *s);
int store_schema_version(struct store *s);
/* Sets the busy timeout (ms); tests shorten it. */
void store_set_busy_timeout(struct store *s, int ms);

int store_begin(struct store *s, char *err);
int store_commit(struct store *s, char *err);
void store_rollback(struct store *s);

/* ---- bulletins ---- */

struct store_bulletin {
	int64_t id;
	int version;
	char *title;
	char *topic;
	char *klass;  /* normal | priority | emergency */
	char *state;  /* draft | approved | retired */
	char *text;   /* NULL when only a recording */
	char *source; /* e.g. "Kế hoạch 30/KH-UBND" */
	char *valid_from, *valid_until; /* "YYYY-MM-DD" or NULL */
	int airings_wanted;
	int64_t audio_clip_id; /* 0: none */
	int64_t created_at, updated_at;
	int airings_done; /* completed airings that contained it (read only) */
	char *by;         /* in: who saves this version (add, update); NULL: unknown */
	char *made_by;    /* out: who made the version read (a user or Unix login), or NULL */
	char *region;     /* north | central | south it is read as; NULL: the station's (tts.region) */
	char *zones;      /* the zones it is for, "thon-1,thon-3"; NULL: every zone */
};

/* Inserts version 1; fills b->id. */
int store_bulletin_add(struct store *s, struct store_bulletin *b, char *err);
/* Stores b's fields as a new version of b->id (b->version is set to it). */
int store_bulletin_update(struct store *s, struct store_bulletin *b, char *err);
int store_bulletin_set_state(struct store *s, int64_t id, const char *state, char *err);
/* 0, STORE_NOTFOUND (err says so) or -1. */
int store_bulletin_get(struct store *s, int64_t id, struct store_bulletin *out, char *err);
/* A past version (as aired). */
int store_bulletin_get_version(struct store *s, int64_t id, int version,
			       struct store_bulletin *out, char *err);
typedef int (*store_bulletin_cb)(const struct store_bulletin *b, void *arg);
/* Bulletins by id; topic and state filter when not NULL.  cb returning non-zero stops. */
int store_bulletin_list(struct store *s, const char *topic, const char *state,
			store_bulletin_cb cb, void *arg, char *err);
void store_bulletin_clear(struct store_bulletin *b);

/* ---- clips ---- */

struct store_clip {
	int64_t id;
	char *name;
	char *kind; /* jingle | music | bed | recording */
	char *file; /* path under STATE_DIR/clips/ */
	char *original; /* where it was imported from */
	double duration_s;
	int sample_rate, channels;
	int64_t frames;
	double lufs, true_peak_db;
	char *sha256;
	int64_t created_at;
};

int store_clip_add(struct store *s, struct store_clip *c, char *err);
/* By name, or by id when `key` is all digits.  0, STORE_NOTFOUND or -1. */
int store_clip_get(struct store *s, const char *key, struct store_clip *out, char *err);
int store_clip_get_id(struct store *s, int64_t id, struct store_clip *out, char *err);
typedef int (*store_clip_cb)(const struct store_clip *c, void *arg);
int store_clip_list(struct store *s, store_clip_cb cb, void *arg, char *err);
/* How many bulletins or aired items use the clip. */
int store_clip_users(struct store *s, int64_t id, int *n, char *err);
int store_clip_remove(struct store *s, int64_t id, char *err);
void store_clip_clear(struct store_clip *c);

/* ---- queue ---- */

struct store_queue_entry {
	int64_t id;
	int64_t bulletin_id;
	char *slot;      /* NULL: the next slot */
	int64_t at_ms;   /* 0: not tied to a time */
	int64_t created_at;
	int64_t airing_id; /* 0 until aired */
	char *by;          /* who queued it, or NULL */
	char *zones;       /* only into an airing to these zones, "thon-3"; NULL: any */
};

int store_queue_add(struct store *s, struct store_queue_entry *e, char *err);
int store_queue_remove(struct store *s, int64_t id, char *err);
typedef int (*store_queue_cb)(const struct store_queue_entry *e, void *arg);
/* Pending entries (not aired) oldest first. */
int store_queue_list(struct store *s, store_queue_cb cb, void *arg, char *err);
int store_queue_mark_aired(struct store *s, int64_t id, int64_t airing_id, char *err);
void store_queue_entry_clear(struct store_queue_entry *e);
/*
 * Entries for one instant of slot `slot` at or before upto_ms that no
 * airing carried: expired at now (they leave the list); cb is called for
 * each, after.  (store/requests.c)
 */
int store_queue_expire(struct store *s, const char *slot, int64_t upto_ms, int64_t now,
		       store_queue_cb cb, void *arg, char *err);
/* Takes an entry back into the queue for the next slot (its bulletin was cut). */
int store_queue_requeue(struct store *s, int64_t id, char *err);

/* ---- one-off airings (loaxa air --at, --repeat; store/requests.c) ---- */

struct store_air_request {
	int64_t id;
	int64_t bulletin_id;
	int64_t at_ms;
	int emergency;
	int64_t created_at;
	char *by;          /* who asked, or NULL */
	char *zones;       /* the zones it goes to, "thon-1,thon-3"; NULL: every zone */
	int64_t airing_id; /* 0 until its airing has a row */
};

int store_air_request_add(struct store *s, struct store_air_request *r, char *err);
typedef int (*store_air_request_cb)(const struct store_air_request *r, void *arg);
/* Requests without an airing yet, earliest first, at or before upto_ms (0: all). */
int store_air_requests(struct store *s, int64_t upto_ms, store_air_request_cb cb, void *arg,
		       char *err);
/* The airing row that carries (or logged the miss of) the request. */
int store_air_request_done(struct store *s, int64_t id, int64_t airing_id, char *err);

/* ---- airings ---- */

struct store_airing {
	int64_t id;
	char *slot;    /* NULL for a manual airing */
	char *program;
	int64_t scheduled_at, started_at, ended_at; /* ms; 0 = not yet */
	char *status;  /* started | completed | interrupted | failed | missed */
	char *reason;
	int64_t lateness_ms;
	char *audio_sha256;
	int normalizer_version;
};

struct store_aired_item {
	int64_t id, airing_id;
	int seq;
	char *kind; /* bulletin | clip | tts | silence | stream | relay (line-in) */
	int64_t bulletin_id;
	int bulletin_version;
	int64_t clip_id;
	double offset_s, length_s;
	int completed; /* played to its end */
	/*
	 * What read it aloud (speech only; "" for clips, recordings, silence):
	 * the voice and the region.  Arrays, not pointers, so a copy of the
	 * struct keeps them (the daemon keeps rows it could not write yet).
	 */
	char voice[STORE_VOICE_MAX + 1];
	char region[16];
	/* a stream relay: its address; why it failed ("" when it did not) */
	char source[512];
	char reason[600];
	/* a live announcement: the recording of what aired (a path), "" else */
	char recording[512];
};

/*
 * Inserts an airing row; fails with STORE_EXISTS when (slot, scheduled_at)
 * already has one: a slot instant airs at most once.
 */
int store_airing_add(struct store *s, struct store_airing *a, char *err);
int store_airing_finish(struct store *s, int64_t id, const char *status, const char *reason,
			int64_t ended_at, const char *audio_sha256, char *err);
int store_airing_set_started(struct store *s, int64_t id, int64_t started_at,
			     int64_t lateness_ms, char *err);
int store_aired_item_add(struct store *s, struct store_aired_item *it, char *err);
/*
 * A live announcement's item whose airing a kill cut (logged not
 * completed, 0 s long) gets its length from its recording at `path`,
 * `seconds` long from the airing's start.
 */
int store_aired_item_recorded(struct store *s, const char *path, double seconds, char *err);
/*
 * Writes an airing whole, in one transaction: the row (inserted when a->id
 * is 0, which sets it; else brought up to date) and exactly `items` as its
 * aired items.  Idempotent, so a write that failed (disk full, read-only)
 * can be tried again later.  STORE_EXISTS as store_airing_add().
 */
int store_airing_record(struct store *s, struct store_airing *a, struct store_aired_item *items,
			size_t n, char *err);
/* Marks items of an airing that did not finish before `cut_s` as not completed. */
int store_aired_items_cut(struct store *s, int64_t airing_id, double cut_s, char *err);
/*
 * Gives the `started` rows a crash left their outcome: one whose first
 * sample left (started_at set) is `interrupted` with cut_reason, one that
 * never started is `missed` with unstarted_reason; *cut and *missed say
 * how many.
 */
int store_airing_recover(struct store *s, const char *cut_reason, const char *unstarted_reason,
			 int64_t now, int *cut, int *missed, char *err);
/* 1 if (slot, scheduled_at) has a row, else 0. */
int store_airing_exists(struct store *s, const char *slot, int64_t scheduled_at, char *err);
/* The latest scheduled_at logged for slot, or 0. */
int store_airing_last(struct store *s, const char *slot, int64_t *scheduled_at, char *err);
/*
 * When the daemon first knew slot `slot`: set to now the first time it is
 * asked (kept across restarts), so that instants of a slot that fell while
 * the daemon was down are logged missed, but a slot added today owes nothing
 * from before.
 */
int store_slot_since(struct store *s, const char *slot, int64_t now, int64_t *since, char *err);
/* Airings that count for the bulletin (see "Counting" below). */
int store_bulletin_airings(struct store *s, int64_t bulletin_id, int *n, char *err);

/*
 * One row per aired item, joined with its airing and the bulletin version
 * that aired; airings with no items give one row with item fields zero and
 * kind NULL.  from/until are UTC ms bounds on scheduled_at (0 = open);
 * status and topic filter when not NULL.  Ordered by scheduled_at, seq.
 */
struct store_log_row {
	struct store_airing a;
	struct store_aired_item it; /* it.kind NULL: the airing aired nothing */
	const char *title, *topic, *klass; /* of the bulletin version, or NULL */
	const char *clip_name;
	const char *approved_by; /* who approved the version that aired, or NULL */
	const char *asked_by;    /* who asked for the manual airing or queued the bulletin, or NULL */
	const char *zones;       /* the zones the airing went to, "thon-1,thon-3", or NULL */
};
typedef int (*store_log_cb)(const struct store_log_row *r, void *arg);
int store_log(struct store *s, int64_t from, int64_t until, const char *status,
	      const char *topic, store_log_cb cb, void *arg, char *err);

void store_airing_clear(struct store_airing *a);
void store_aired_item_clear(struct store_aired_item *it);

/* ---- people and who did what (store/users.c) ---- */

/*
 * The people who use loaxa-web, with one role each (operator, approver,
 * officer, admin) and a password hash (argon2id, as libsodium writes it;
 * store/ never sees a password).
 */
struct store_user {
	int64_t id;
	char *name;
	char *role;
	char *password; /* the hash */
	int64_t created_at;
	char *created_by;
};

/* Fails with STORE_EXISTS when the name is taken. */
int store_user_add(struct store *s, struct store_user *u, char *err);
/* 0, STORE_NOTFOUND (err says so) or -1. */
int store_user_get(struct store *s, const char *name, struct store_user *out, char *err);
typedef int (*store_user_cb)(const struct store_user *u, void *arg);
/* By name. */
int store_user_list(struct store *s, store_user_cb cb, void *arg, char *err);
/* role or password (the hash) may be NULL: left as they are.  STORE_NOTFOUND. */
int store_user_update(struct store *s, const char *name, const char *role, const char *password,
		      char *err);
int store_user_remove(struct store *s, const char *name, char *err);
/* How many users have the role. */
int store_user_count_role(struct store *s, const char *role, int *n, char *err);
void store_user_clear(struct store_user *u);

/* An approver's decision on one version of a bulletin. */
struct store_review {
	int64_t id, bulletin_id;
	int version;
	char *decision; /* approved | returned */
	char *reviewer;
	char *comment;  /* NULL: none */
	int64_t at;
};

int store_review_add(struct store *s, struct store_review *r, char *err);
typedef int (*store_review_cb)(const struct store_review *r, void *arg);
/* The reviews of a bulletin, oldest first. */
int store_review_list(struct store *s, int64_t bulletin_id, store_review_cb cb, void *arg,
		      char *err);
void store_review_clear(struct store_review *r);

/* Who asked for a manual airing (the daemon, once its row is written). */
int store_airing_set_asked_by(struct store *s, int64_t id, const char *who, char *err);
/* The zones an airing goes to, "thon-1,thon-3" (the daemon, once its row is written). */
int store_airing_set_zones(struct store *s, int64_t id, const char *zones, char *err);

/*
 * ---- Counting ----
 * What counts as an aired bulletin (man loaxa, "How bulletins are counted"),
 * kept once, as the view aired_bulletins: an aired item counts when it is a
 * bulletin, played to its end, and its airing is `completed` or
 * `interrupted` (an interrupted airing counts only what finished before the
 * cut).  Missed, failed and still `started` airings count nothing.  The
 * bulletin's topic is that of the version that aired; retired bulletins
 * count like any other.  Reports, a bulletin's airings_done, the rotation
 * and `loaxa schedule` all read it.
 */

/* The same rule for an airing row not yet written (kept in memory): 1 if it counts. */
int store_item_counts(const char *airing_status, const struct store_aired_item *it);

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
 * by bulletin id.  cb returning non-zero stops.  0 or -1 with err.  One
 * grouped statement: `loaxa report --year` over ten years answers in well
 * under 200 ms.
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

/*
 * Seconds on air of relay items in airings (completed or interrupted)
 * scheduled in [from, until): *relay_s the upper station relayed (stream
 * and line-in), *live_s live announcements (source "live:DEVICE").  zone
 * not NULL: only airings that went to it.  0 or -1 with err.
 */
int store_report_relay(struct store *s, int64_t from, int64_t until, const char *zone,
		       double *relay_s, double *live_s, char *err);

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
/* The same, counting only the airings that went to zone (NULL: every airing). */
int store_report_days_zone(struct store *s, int64_t from, int64_t until, const char *topic,
			   const char *zone, int64_t offset_ms, store_day_cb cb, void *arg,
			   char *err);

/*
 * The titles of versions[i] of bulletins ids[i] into titles[i] (allocated,
 * "" for one that is not there; the caller frees them).  0 or -1 with err.
 */
int store_report_titles(struct store *s, size_t n, const int64_t *ids, const int *versions,
			char **titles, char *err);

/* The scheduled time of the first airing that started (ms), 0 when none has. */
int store_airing_first(struct store *s, int64_t *ms, char *err);


#endif
