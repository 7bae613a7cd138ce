/*
 * Private to web/: one request as the API handlers see it, the replies
 * they give, the sessions, the request decoding, and the handlers'
 * table.  Everything a handler needs comes in struct req; it answers
 * exactly once with one of the reply_*() functions.
 */
#ifndef LOAXA_WEB_INT_H
#define LOAXA_WEB_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "ops/ops.h"

struct MHD_Connection;
struct config;
struct store_bulletin;
struct tts_finding;
struct web;

/* Roles, as bits: a route lists who may use it.  Admins may do everything. */
enum {
	ROLE_OPERATOR = 1,
	ROLE_APPROVER = 2,
	ROLE_OFFICER = 4,
	ROLE_ADMIN = 8,
	ROLE_ANY = 15,
};
/* "operator" -> ROLE_OPERATOR; 0 for anything else. */
int web_role_bit(const char *role);

/* Limits of what a request may bring. */
#define WEB_JSON_MAX ((1 << 20) + (64 << 10)) /* a bulletin's 1 MiB of text, escaped */
#define WEB_TEXT_MAX (1 << 20)                /* a .txt upload */
#define WEB_AUDIO_MAX (200u << 20)            /* an audio upload */

struct session {
	char user[33];
	char role[16];
	int roles;        /* ROLE_* bit of role */
	char csrf[48];
};

struct req {
	struct web *w;
	struct MHD_Connection *conn;
	const char *method, *url;
	int64_t id;         /* the number in the path (/bulletins/12), or 0 */
	const char *name;   /* the name in the path (/users/lan), or NULL */
	const char *body;   /* the body (JSON or text), NUL-terminated; NULL when none */
	size_t body_len;
	const char *upload; /* a raw audio body saved in this file, or NULL */
	const char *upload_ext; /* its extension from the file name given, or "" */
	struct session s;   /* who asks (empty for public routes) */
	const char *lang;   /* "vi" or "en" */
	const char *addr;   /* the client's address, for the login throttle */
	struct ops *ops;    /* this thread's store and lexicon */
	const struct config *cfg;
	int tls;
	int answered;
};

/* ---- replies (each sends the security headers; JSON is UTF-8) ---- */

/* Takes the reference to j. */
int reply_json(struct req *r, unsigned status, json_t *j);
/*
 * Beside every "reason" and "item_reason" string in v (walked whole), a
 * "reason_text" / "item_reason_text" in the request's language: the
 * reasons are stored as English sentences (report_reason() translates).
 */
void web_reason_texts(json_t *v);
/* JSON already serialised (copied). */
int reply_json_text(struct req *r, unsigned status, const char *s);
/* {"error": "sentence"} with status. */
int reply_error(struct req *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Maps an ops_status to its HTTP status and replies with err. */
int reply_ops(struct req *r, int ops_rc, const char *err);
/*
 * A file: sent from fd (the reply owns and closes it), with its type and,
 * when download is set, as an attachment of that name.
 */
int reply_fd(struct req *r, int fd, const char *type, const char *download);
/* Adds a header to the next reply (Set-Cookie, Retry-After); copied. */
void reply_header(struct req *r, const char *name, const char *value);

/* The session cookie's value, or NULL. */
const char *req_cookie(struct req *r);
/* A query parameter's value, or NULL. */
const char *req_query(struct req *r, const char *key);
/* Writes a line to the log (stderr, journald's priority prefix). */
void web_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The shared parts of the server, for the handlers. */
const char *web_static_dir(const struct web *w);
int web_session_idle_minutes(const struct web *w);
/* Runs fn with the rendering lock held: espeak-ng renders one thing at a time. */
void web_render_lock(struct web *w);
void web_render_unlock(struct web *w);

/* ---- sessions (session.c): in memory, behind one lock ---- */

struct sessions;
struct sessions *sessions_new(int idle_minutes);
void sessions_free(struct sessions *ss);
/* A new session for user; fills token (44 bytes) and s. */
void sessions_create(struct sessions *ss, const char *user, const char *role, char token[64],
		     struct session *s);
/* The session of the token, if not idle too long (it is touched); 0 or -1. */
int sessions_find(struct sessions *ss, const char *token, struct session *s);
void sessions_drop(struct sessions *ss, const char *token);
/* Drops every session of user (removed, or a new password). */
void sessions_drop_user(struct sessions *ss, const char *user);
/* Updates the role of user's sessions (a changed role takes effect at once). */
void sessions_set_role(struct sessions *ss, const char *user, const char *role);
/*
 * The login throttle: 5 failures of one name from one address, or 20 of
 * any names from one address, within 10 minutes lock it for a minute.
 * throttled() gives the seconds left (0: go ahead); failed() counts one;
 * succeeded() forgets the name's failures from that address.
 */
int sessions_throttled(struct sessions *ss, const char *user, const char *addr);
void sessions_failed(struct sessions *ss, const char *user, const char *addr);
void sessions_succeeded(struct sessions *ss, const char *user, const char *addr);
struct sessions *web_sessions(struct web *w);

/* ---- request decoding (decode.c) ---- */

enum field_type {
	F_STRING, /* a string without NUL */
	F_INT,    /* a whole number */
	F_ID,     /* a whole number > 0 */
	F_BOOL,
};

struct field {
	const char *name;
	enum field_type type;
	int required;
	size_t max;  /* F_STRING: bytes; F_INT: the largest value */
	size_t off;  /* into the output struct: const char *, int64_t or int */
};

/*
 * Decodes a JSON object body into out by the fields table: unknown
 * fields, wrong types, missing required fields, strings too long or
 * holding NUL are refused with a sentence naming the field.  Strings
 * point into *root (json_decref() it when done, also after a failure).
 * Absent optional strings are NULL, numbers -1, booleans 0.
 */
int web_decode(const char *body, size_t len, const struct field *fields, void *out,
	       json_t **root, char *err);

/*
 * Matches a request path against a route pattern: "#" matches one
 * segment of 1 to 15 digits (> 0, into *id), "$" one segment that is a
 * user or clip name (into name, 65 bytes).  1 on a match.
 */
int web_path_match(const char *pattern, const char *path, int64_t *id, char *name);
/* "en" when the first language of an Accept-Language header is English, else "vi". */
const char *web_pick_lang(const char *accept_language);

/* The request schemas (decode.c), shared with the fuzz target. */
struct in_bulletin {
	const char *title, *topic, *text, *klass, *source, *valid_from, *valid_until;
	const char *region; /* north, central, south, station */
	const char *zones;  /* "thon-1,thon-3" or "all" (ops_zones_parse()) */
	int64_t airings;
};
struct in_login {
	const char *name, *password;
};
struct in_approve {
	int force;
};
struct in_return {
	const char *comment;
};
struct in_queue {
	int64_t bulletin;
	const char *slot, *at;
	const char *zones; /* "thon-1,thon-3" or "all" (ops_zones_parse()) */
};
struct in_air {
	int64_t bulletin;
	const char *program, *klass;
	const char *zones; /* "thon-1,thon-3" or "all" (ops_zones_parse()) */
	int confirm;
};
struct in_live {
	const char *klass, *title;
	int64_t minutes; /* 0: the default */
	int confirm;
};
struct in_user {
	const char *name, *role, *password;
};
extern const struct field fields_bulletin[], fields_login[], fields_approve[], fields_return[],
	fields_queue[], fields_air[], fields_live[], fields_user_add[], fields_user_update[];

/* ---- the API (api_*.c) ---- */

typedef int (*handler_fn)(struct req *r);

enum body_kind {
	BODY_NONE,
	BODY_JSON,  /* application/json, up to WEB_JSON_MAX */
	BODY_TEXT,  /* raw text, up to WEB_TEXT_MAX */
	BODY_AUDIO, /* raw audio into a temporary file, up to WEB_AUDIO_MAX */
};

struct route {
	const char *method;
	const char *pattern;
	int roles;      /* 0: no session needed */
	enum body_kind body;
	handler_fn fn;
};

extern const struct route web_routes[];
extern const size_t web_n_routes;

/* The page strings table (strings.c): key -> English (translated with gettext). */
struct page_string {
	const char *key, *text;
};
extern const struct page_string web_page_strings[];
extern const size_t web_n_page_strings;

/* Handlers, by file. */
int api_i18n(struct req *r);
int api_login(struct req *r);
int api_logout(struct req *r);
int api_session(struct req *r);
int api_meta(struct req *r);

int api_bulletin_list(struct req *r);
int api_bulletin_get(struct req *r);
int api_bulletin_version(struct req *r);
int api_bulletin_add(struct req *r);
int api_bulletin_add_recording(struct req *r);
int api_bulletin_edit(struct req *r);
int api_bulletin_approve(struct req *r);
int api_bulletin_return(struct req *r);
int api_bulletin_retire(struct req *r);
int api_bulletin_audio(struct req *r);
int api_lint(struct req *r);

int api_clip_list(struct req *r);
int api_clip_add(struct req *r);
int api_clip_audio(struct req *r);
int api_clip_remove(struct req *r);

int api_queue_list(struct req *r);
int api_queue_add(struct req *r);
int api_queue_remove(struct req *r);
int api_air(struct req *r);
int api_stop(struct req *r);
int api_live(struct req *r);
int api_live_stop(struct req *r);
int api_reload(struct req *r);
int api_status(struct req *r);
int api_dashboard(struct req *r);
int api_schedule(struct req *r);

int api_log(struct req *r);
int api_report(struct req *r);

int api_user_list(struct req *r);
int api_user_add(struct req *r);
int api_user_update(struct req *r);
int api_user_remove(struct req *r);
int api_config(struct req *r);
int api_config_check(struct req *r);

/* JSON of things several handlers show. */
json_t *json_findings(const struct tts_finding *f, size_t n);
json_t *json_time(int64_t ms); /* ISO 8601 with the local offset, or null for 0 */
struct config;
/* The station's speech: {"engine", "region", "voice"} (the voice the region reads with). */
json_t *json_speech(const struct config *cfg);

#endif
