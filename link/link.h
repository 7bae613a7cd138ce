/*
 * link — the province link over MQTT (man loaxa-link(8)): the message
 * formats, Ed25519 signing (libsodium), the topic scheme, and the two
 * programs built on them: loaxa-link on the commune (link_commune_run())
 * and loaxa-province at the province (link_province_main()).
 *
 * Topics, for province P, district D, commune C:
 *   loaxa/P/bulletin/all              province -> every commune
 *   loaxa/P/bulletin/district/D       province -> the communes of D
 *   loaxa/P/bulletin/commune/C        province -> C
 *   loaxa/P/ack/C                     province -> C: log rows it holds
 *   loaxa/P/commune/C/log             C -> province: airing rows
 *   loaxa/P/commune/C/receipt         C -> province: what C did with a bulletin
 *   loaxa/P/commune/C/status          C -> province: status (retained; will)
 *
 * What the province sends (bulletins, acks) is signed: an envelope
 *   {"v":1,"body":"<JSON text>","sig":"<base64 Ed25519 over the body's bytes>"
 *    [,"audio":"<base64>"]}
 * whose body names its own type, province, id and issue time, so no
 * signed text can be taken for another.  What communes send is not signed:
 * the broker's ACL lets commune C write only loaxa/P/commune/C/#, and the
 * collector checks that the commune a message names is the topic's.
 *
 * Every decoder here takes outside input: anything but a message we know
 * is refused with a sentence, never a crash (tests/fuzz/fuzz_link.c).
 */
#ifndef LOAXA_LINK_H
#define LOAXA_LINK_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct store_province_airing;
struct store_province_item;

#define LINK_VERSION 1
#define LINK_MAX_MESSAGE (24 << 20) /* bytes on the wire, audio included */
#define LINK_MAX_BODY (2 << 20)
#define LINK_MAX_TEXT (1 << 20)
#define LINK_MAX_AUDIO (16 << 20)
#define LINK_MAX_TARGETS 10000
#define LINK_MAX_ZONES 64
#define LINK_ID_LEN 64
#define LINK_PK_B64 45 /* 44 characters and the NUL */

/* An id of a province, district, commune, topic, slot or zone: [A-Za-z0-9_-]{1,64}. */
int link_id_valid(const char *s);

/* ---- keys (sign.c) ---- */

/*
 * Makes a key pair: the secret seed goes into secret_path (mode 0600,
 * never overwritten), the public key into pub (base64) for the communes'
 * link.province_key.
 */
int link_keygen(const char *secret_path, char pub[LINK_PK_B64], char *err);
int link_secret_load(const char *path, unsigned char sk[64], char *err);
int link_public_parse(const char *b64, unsigned char pk[32], char *err);
/* The public half of sk, in base64. */
void link_public_of(const unsigned char sk[64], char pub[LINK_PK_B64]);
/* 32 random hex digits: a fresh bulletin id. */
void link_new_id(char id[33]);

/* ---- bulletins ---- */

enum link_target { LINK_TO_ALL, LINK_TO_DISTRICTS, LINK_TO_COMMUNES };

struct link_bulletin {
	char *province, *id;
	int64_t issued_at, expires_at; /* ms; expires_at 0: none */
	char *klass;                   /* normal | priority | emergency */
	enum link_target target;
	char **targets;                /* districts or communes */
	size_t n_targets;
	char **zones;                  /* the commune's zones to air in (issue 15), may be empty */
	size_t n_zones;
	char *title, *topic, *text, *source; /* text NULL: audio only */
	int airings;                   /* how many times rotation airs it */
	char *slot;                    /* the slot to queue it for, or NULL */
	int64_t at;                    /* or the first slot at or after this instant (0: none) */
	char *valid_from, *valid_until; /* "YYYY-MM-DD" or NULL */
	char *audio_sha256;            /* of audio, or NULL */
	unsigned char *audio;          /* the recording's file bytes, or NULL */
	size_t audio_len;
};
void link_bulletin_clear(struct link_bulletin *b);

/*
 * Checks b the way a commune will (ids, class, sizes, dates), signs it with
 * sk and returns the envelope (caller frees), its length in *len.  b->id,
 * issued_at and audio_sha256 must be set.  NULL with err.
 */
char *link_bulletin_encode(const struct link_bulletin *b, const unsigned char sk[64], size_t *len,
			   char *err);
/*
 * Opens a bulletin envelope: the signature must verify with pk over the
 * body's exact bytes, the body must be a bulletin we know, for `province`,
 * with an audio whose SHA-256 the body names.  0, or -1 with err saying
 * what was wrong (unsigned, bad signature, malformed: which field).
 */
int link_bulletin_decode(const void *msg, size_t len, const unsigned char pk[32],
			 const char *province, struct link_bulletin *out, char *err);
/* Whether the signed targets include this commune. */
int link_bulletin_for(const struct link_bulletin *b, const char *district, const char *commune);
/* The targets as one line, for logs and the province's store: "all", "districts:d1,d2", ... */
char *link_targets_text(const struct link_bulletin *b);

/* ---- acknowledgements of log rows (province -> commune, signed) ---- */

struct link_ack_row {
	int64_t airing_id;
	int rev;
};
char *link_ack_encode(const char *province, const char *commune, const struct link_ack_row *rows,
		      size_t n, const unsigned char sk[64], size_t *len, char *err);
/* *rows is allocated (caller frees), *n rows. */
int link_ack_decode(const void *msg, size_t len, const unsigned char pk[32], const char *province,
		    const char *commune, struct link_ack_row **rows, size_t *n, char *err);

/* ---- what communes send (not signed) ---- */

/*
 * A log message: one airing and its items.  Strings of out point into
 * the parsed message, kept until link_log_clear().
 */
struct link_log {
	void *root;
	struct store_province_airing *a;
	struct store_province_item *items;
	size_t n;
};
int link_log_decode(const void *msg, size_t len, const char *commune, struct link_log *out,
		    char *err);
void link_log_clear(struct link_log *l);

/* A status or receipt message: checked, its fields read (pointers into root). */
struct link_note {
	void *root;
	const char *type;    /* status | receipt */
	int online;          /* status */
	int64_t at;
	const char *msg_id, *outcome, *reason; /* receipt; msg_id may be NULL */
};
int link_note_decode(const void *msg, size_t len, const char *commune, const char *type,
		     struct link_note *out, char *err);
void link_note_clear(struct link_note *n);

/* ---- topics ---- */

/* Topic strings (caller frees). kind: "log", "status", "receipt". */
char *link_topic_bulletin_all(const char *province);
char *link_topic_bulletin_district(const char *province, const char *district);
char *link_topic_bulletin_commune(const char *province, const char *commune);
char *link_topic_ack(const char *province, const char *commune);
char *link_topic_commune(const char *province, const char *commune, const char *kind);
/*
 * The commune and kind of a topic loaxa/P/commune/C/KIND of province P;
 * writes C (at most LINK_ID_LEN + 1 bytes) and returns KIND, or NULL.
 */
const char *link_topic_parse_commune(const char *topic, const char *province, char *commune);

/* ---- the programs ---- */

/* loaxa-link: runs until SIGTERM/SIGINT; the exit code. */
int link_commune_run(struct config *cfg);
/* loaxa-province: argv[0] is the subcommand; the exit code. */
int link_province_main(struct config *cfg, int argc, char **argv);

#endif
