/*
 * store — the province's own database (DIR/province.db), apart from any
 * commune's: the communes it knows, every airing row they published (one
 * row per commune + airing id, one per item, however often it was
 * delivered), their last status, the bulletins the province sent and what
 * each commune answered.  loaxa-province (link/) is its only user.
 *
 * Its schema moves by its own numbered migrations (PRAGMA user_version),
 * WAL with synchronous = NORMAL: a row the collector acknowledged is in the
 * WAL before the acknowledgement leaves, so a killed collector loses none;
 * a power cut may lose the last ones, which the communes send again.
 */
#ifndef LOAXA_STORE_PROVINCE_H
#define LOAXA_STORE_PROVINCE_H

#include <stddef.h>
#include <stdint.h>

struct store_province;

/* Opens (creating) dir/province.db and migrates it; close with store_province_close(). */
int store_province_open(const char *dir, struct store_province **out, char *err);
void store_province_close(struct store_province *p);
int store_province_begin(struct store_province *p, char *err);
int store_province_commit(struct store_province *p, char *err);
void store_province_rollback(struct store_province *p);

/* A commune of the communes file: added, or its district and name brought up to date. */
int store_province_commune_set(struct store_province *p, const char *id, const char *district,
			       const char *name, char *err);

/* An airing row as a commune published it. */
struct store_province_airing {
	const char *commune;
	int64_t airing_id;
	int rev;
	const char *slot, *program, *status, *reason, *audio_sha256;
	int64_t scheduled_at, started_at, ended_at, lateness_ms;
	int64_t published_at; /* the commune's clock */
	int64_t received_at;  /* ours */
};
struct store_province_item {
	int seq;
	const char *kind, *title, *topic, *klass, *msg_id, *clip_name;
	int64_t bulletin_id;
	int bulletin_version;
	double offset_s, length_s;
	int completed;
};

/*
 * Keeps the airing and exactly its items, in one transaction: a repeated
 * delivery counts in `deliveries` and changes nothing else; an older rev
 * than the one kept changes nothing.  *repeat is 1 when the row was there.
 */
int store_province_airing_put(struct store_province *p, const struct store_province_airing *a,
			      const struct store_province_item *items, size_t n, int *repeat,
			      char *err);
/* The commune's last status (JSON as sent) and whether it is online. */
int store_province_status_put(struct store_province *p, const char *commune, int online,
			      int64_t at, const char *json, char *err);
/* What a commune did with a bulletin: queued, aired, expired, refused (with why). */
int store_province_receipt_put(struct store_province *p, const char *commune, const char *msg_id,
			       const char *outcome, const char *reason, int64_t at, char *err);
/* A bulletin the province signed and sent. */
int store_province_sent_add(struct store_province *p, const char *msg_id, const char *klass,
			    const char *targets, const char *title, const char *topic,
			    int64_t issued_at, int64_t expires_at, char *err);

/* ---- reading ---- */

struct store_province_commune {
	const char *id, *district, *name;
	int known;       /* in the communes file */
	int online;      /* by its last status or its will */
	int64_t last_seen;
	const char *status; /* JSON of its last status, or NULL */
	int64_t last_airing_at;
	const char *last_airing_status;
	int faults_7d;   /* airings failed or missed in the 7 days before `now` */
	int64_t rows;    /* airing rows held */
};
typedef int (*store_province_commune_cb)(const struct store_province_commune *c, void *arg);
/* Every commune, by district then id. */
int store_province_communes(struct store_province *p, int64_t now, store_province_commune_cb cb,
			    void *arg, char *err);

/*
 * The counting rule of loaxa's own report (store_report_counts()), per
 * commune: bulletin items that played to their end in completed or
 * interrupted airings scheduled in [from, until).
 */
struct store_province_count {
	const char *commune, *topic;
	int64_t bulletin_id; /* the commune's own id */
	int airings;
	double airtime_s;
};
typedef int (*store_province_count_cb)(const struct store_province_count *r, void *arg);
int store_province_counts(struct store_province *p, int64_t from, int64_t until,
			  store_province_count_cb cb, void *arg, char *err);

/* Receipts of bulletin msg_id (NULL: all), by commune. */
struct store_province_receipt {
	const char *msg_id, *commune, *outcome, *reason;
	int64_t at;
};
typedef int (*store_province_receipt_cb)(const struct store_province_receipt *r, void *arg);
int store_province_receipts(struct store_province *p, const char *msg_id,
			    store_province_receipt_cb cb, void *arg, char *err);

#endif
