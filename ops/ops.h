/*
 * ops — what the operator, the approver, the officer and the admin do, as
 * one function each, so that every front end (the `loaxa` command, the web
 * console loaxa-web) applies the same rules: what a bulletin's text may
 * hold, that an approval is refused while the text would sound wrong, that
 * only approved bulletins are queued, that a clip in use is kept, who may
 * be removed from the users, how a month's log is cut.  Front ends parse
 * their input (arguments, JSON), call these, and print or send the result.
 *
 * Every function that can fail returns 0 or a negative ops_status and puts
 * one human sentence into err (ERRLEN), in the caller's locale.  `who` is
 * the person doing it: a loaxa-web user, or the Unix login for the CLI
 * (ops_unix_user()); it is written where the store keeps who did what.
 */
#ifndef LOAXA_OPS_H
#define LOAXA_OPS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;
struct store;
struct tts_lexicon;
struct tts_finding;
struct json_t;

/* Failures a front end tells apart (an HTTP status, an exit code). */
enum ops_status {
	OPS_OK = 0,
	OPS_ERROR = -1,    /* the machine failed: database, disk, memory of a library */
	OPS_INVALID = -2,  /* the input is wrong: fix it and try again */
	OPS_NOTFOUND = -3, /* no such bulletin, clip, entry, user */
	OPS_REFUSED = -4,  /* a rule refuses it as things stand (retired, in use, findings) */
	OPS_DAEMON = -5,   /* the daemon is not running or did not answer */
};

/* What the operations work on; borrowed, except the lexicon ops loads itself. */
struct ops {
	const struct config *cfg;
	struct store *st;
	const char *state_dir; /* the effective one */
	struct tts_lexicon *lex; /* loaded on first need (ops_lexicon()); owned */
};

/* Fills o (and initialises libsodium); ops_done() frees what ops loaded. */
int ops_init(struct ops *o, const struct config *cfg, struct store *st, const char *state_dir,
	     char *err);
void ops_done(struct ops *o);
/* The acronym lexicon (built-in + tts.lexicon), loaded once; NULL with err. */
struct tts_lexicon *ops_lexicon(struct ops *o, char *err);

/* The login name of the user running this process ("root"); never NULL. */
const char *ops_unix_user(void);

/* ---- bulletins ---- */

#define OPS_TEXT_MAX (1 << 20)
#define OPS_TITLE_MAX 500

/* What add and edit are given; NULL / -1 for "not given". */
struct ops_bulletin_in {
	const char *title, *topic, *klass, *source, *from, *until;
	const char *text;      /* raw bytes of the text (not NUL-terminated needed) */
	size_t text_len;
	const char *text_name; /* how a sentence names the text: a file, "--text" */
	const char *select;    /* one section of the text (import_select()), or NULL */
	const char *audio;     /* a recording to import as a clip, or NULL */
	const char *region;    /* north, central, south; "station": tts.region; NULL: not given */
	const char *zones;     /* where it may air, as ops_zones_parse() takes; NULL: not given */
	int airings;           /* -1: not given */
};

/*
 * The text of a bulletin as it is kept: valid UTF-8 (the offset of a bad
 * byte), no control character but TAB, CR, LF (line:column; a form feed
 * becomes a line break), not empty, NFC, the section select when not NULL
 * (import_select()), something to read aloud.  *out is allocated.
 * OPS_INVALID with err.
 */
int ops_text_prepare(struct ops *o, const char *raw, size_t len, const char *name,
		     const char *select, char **out, char *err);

/*
 * Adds a bulletin: title, topic and text or a recording are needed; state
 * draft when approval_required, else approved.  Nothing is stored when it
 * fails (an imported recording is removed again).
 */
int ops_bulletin_add(struct ops *o, const struct ops_bulletin_in *in, const char *who,
		     int64_t *id, char *err);
/*
 * Edits a bulletin: a new version with the fields given.  With
 * approval_required, the new version of an approved bulletin is a draft
 * again: nothing unapproved airs.
 */
int ops_bulletin_edit(struct ops *o, int64_t id, const struct ops_bulletin_in *in,
		      const char *who, char *err);
/* The lint's findings on text (tts.max_syllables); free with tts_findings_free(). */
int ops_bulletin_lint(struct ops *o, const char *text, struct tts_finding **f, size_t *n,
		      char *err);
/*
 * Approves bulletin id (its current version) as who.  Refused for a
 * retired bulletin, and, unless force, while its text has findings that
 * would be heard on air (tts_lint_blocks()).  The findings told, those
 * and the guesses (not the long sentences), are given in *f, *n, when it
 * is refused and when it is not (caller frees; f may be NULL).
 */
int ops_bulletin_approve(struct ops *o, int64_t id, int force, const char *who,
			 struct tts_finding **f, size_t *n, char *err);
/* Sends a draft back to its author with a comment (the approver's "no"). */
int ops_bulletin_return(struct ops *o, int64_t id, const char *who, const char *comment,
			char *err);
int ops_bulletin_retire(struct ops *o, int64_t id, const char *who, char *err);
/*
 * A bulletin as JSON, the same fields for `loaxa bulletin show/list
 * --format json` and the web console's API; the text only with_text.
 */
struct store_bulletin;
struct json_t *ops_bulletin_json(const struct store_bulletin *b, int with_text);
/* Renders the bulletin as it would air into a WAV file; *length_s its length. */
int ops_bulletin_render(struct ops *o, int64_t id, const char *wav, double *length_s, char *err);

/* ---- clips ---- */

/* 1 if name is a clip name: 1 to 64 of a-z A-Z 0-9 - _ . */
int ops_clip_name_valid(const char *name);
/* 1 if kind is jingle, music, bed or recording. */
int ops_clip_kind_valid(const char *kind);
/*
 * Copies path into STATE_DIR/clips/ under a name of ours, measures it and
 * adds its row.  On any failure nothing is left: no row, no file.
 */
int ops_clip_import(struct ops *o, const char *path, const char *name, const char *kind,
		    int64_t *id, char *err);
/* A bulletin's recording: a clip of kind recording named rec-<ms>. */
int ops_recording_import(struct ops *o, const char *path, int64_t *id, char *err);
/* Removes a clip just imported (row and file) when what needed it failed. */
void ops_clip_discard(struct ops *o, int64_t id);
/* Removes a clip no programme, bulletin or logged airing uses. */
int ops_clip_remove(struct ops *o, const char *key, char *err);

/* ---- queue ---- */

/*
 * Asks for an approved bulletin in the next slot, in slot `slot`, or in the
 * first slot at or after the local time `at` ("YYYY-MM-DD HH:MM"), not in
 * the past; with zones (as ops_zones_parse() takes; NULL: any airing),
 * only in an airing to none but those zones.  *entry is the queue
 * entry's id.
 */
int ops_queue_add(struct ops *o, int64_t bulletin_id, const char *slot, const char *at,
		  const char *zones, const char *who, int64_t *entry, char *err);
int ops_queue_remove(struct ops *o, int64_t entry, char *err);

/* 0 when the bulletin may air (approved); OPS_NOTFOUND or OPS_REFUSED with err. */
int ops_bulletin_airable(struct ops *o, int64_t bulletin_id, char *err);

/* Where and when a queue request airs. */
struct ops_queue_where {
	int64_t entry;    /* the queue entry */
	const char *slot; /* borrowed from the configuration */
	int64_t at_ms;    /* the slot instant it is planned for */
	int one_off;      /* for that instant only: expires if it passes without it */
};
/*
 * ops_queue_add(), saying where and when: the next slot (NULL, NULL), the
 * next airing of `slot`, or the slot instant that falls in the minute
 * `at` (none: OPS_INVALID naming the nearest ones).  days > 0 asks for
 * every instant of `slot` in the next `days` days (with `at`: the same
 * time each day), each one-off; zones as ops_queue_add() takes them.
 * *out (caller frees) gets *n entries.
 */
int ops_queue_request(struct ops *o, int64_t bulletin_id, const char *slot, const char *at,
		      int days, const char *zones, const char *who, struct ops_queue_where **out,
		      size_t *n, char *err);
struct store_queue_entry;
/* 1 when an entry for one slot instant can no longer air (its window passed). */
int ops_queue_expired(const struct config *cfg, const struct store_queue_entry *e, int64_t now);

/* ---- the schedule ---- */

struct ops_airing_plan {
	int64_t at_ms;
	const char *slot, *program; /* borrowed from the configuration */
	double expected_length_s;
	int64_t *bulletins;
	size_t n_bulletins, left_for_later;
	int planned; /* by the running daemon, shown as it planned it */
	char *const *zones; /* the slot's zones (NULL-terminated, the configuration's); NULL: every zone */
};

struct ops_schedule {
	struct ops_airing_plan *airings;
	size_t n;
	char month[8];        /* "YYYY-MM", local */
	int cchc_aired;       /* distinct CCHC bulletins aired this month */
	int cchc_planned;     /* aired and planned until the month's end (within days) */
	int target, met;
};

/*
 * What will air in the next `days` days from now_ms, by time (the first
 * max airings; 0: all): the airings the running daemon has planned but
 * not yet logged as it planned them, counted as aired, then the later
 * ones foreseen with the daemon's own picker, each counted in turn; and
 * this month's CCHC bulletins, aired (the report's figure) and aired or
 * planned within the days, against targets.cchc_per_month.  Free with
 * ops_schedule_free().
 */
int ops_schedule(struct ops *o, int64_t now_ms, int days, size_t max, struct ops_schedule *out,
		 char *err);
void ops_schedule_free(struct ops_schedule *s);
/* Local midnight of the first day of now's month and of the next. */
void ops_month_bounds(int64_t now_ms, int64_t *from, int64_t *until);

/* ---- the daemon ---- */

/*
 * Sends one request to loaxad's control socket and gives its answer
 * (caller json_decref()s it).  OPS_DAEMON when it is not running or does
 * not answer within timeout_ms; OPS_REFUSED with the daemon's sentence
 * when it answers {"ok":false}.
 */
int ops_daemon_ask(const struct config *cfg, struct json_t *req, int timeout_ms,
		   struct json_t **ans, char *err);
/* Asks a running daemon to re-plan (best effort, silent when it is down). */
void ops_daemon_poke(const struct config *cfg);
/*
 * A local time as people write it, relative to now: "06:00 today",
 * "17:30 tomorrow", "17:30 27/11", "06:00 02/01/2027" (translated).
 */
void ops_when(int64_t ms, int64_t now, char *buf, size_t n);
/*
 * Airs a bulletin (or a programme) now: class normal, priority or
 * emergency (NULL: the bulletin's own), to zones (as ops_zones_parse()
 * takes; NULL: every zone); who is logged with the airing.  msg (ERRLEN)
 * gets the daemon's answer.
 */
int ops_air(struct ops *o, int64_t bulletin_id, const char *program, const char *klass,
	    const char *zones, const char *who, char *msg, char *err);
/*
 * What the daemon's answer to `air` means, in the reader's language (one
 * or two lines, each ending in a newline), into buf: "Emergency bulletin 4
 * cuts in now: ...", "The bulletin 2 airs as soon as sang ends." ...
 */
struct json_t;
void ops_air_words(struct json_t *ans, int64_t bulletin_id, const char *program, char *buf,
		   size_t n);
#define OPS_LIVE_MINUTES 10     /* loaxa live without --minutes */
#define OPS_LIVE_MAX_MINUTES 60
/*
 * The microphone on air now (loaxa live): the live_jingle, then the
 * microphone (audio.mic_device, else audio.input_device, else the default
 * input) for minutes (1 to OPS_LIVE_MAX_MINUTES), levelled as line-in is,
 * until `loaxa stop`.  klass "emergency": it pre-empts what plays, as an
 * emergency does; "normal" or NULL: the daemon refuses it while anything
 * airs (err names what).
 * The microphone is looked for first: none there, OPS_INVALID with a
 * sentence and nothing asked of the daemon.  title is shown while it
 * airs (NULL: none).  msg (ERRLEN) gets what happens, in the reader's
 * language.
 */
int ops_live(struct ops *o, int minutes, const char *klass, const char *zones, const char *title,
	     const char *who, char *msg, char *err);
/*
 * Ends the live announcement on air (loaxa live --stop): the microphone
 * fades out and the closing jingle (live_end_jingle) plays; logged
 * completed, "stopped by the operator".  OPS_REFUSED when none airs.
 */
int ops_live_stop(struct ops *o, char *msg, char *err);
#define OPS_AIR_MAX_REPEAT 100
/*
 * Airs a bulletin once at at_ms (local time parsed by the caller), and
 * repeat - 1 times more every every_minutes after it, without touching the
 * configuration: stored requests the daemon keeps across restarts and
 * plans like slot instants (on time, logged, never twice).  All are stored
 * or none.  To zones as ops_zones_parse() takes them (NULL: every zone).
 * *first is the first request's id.
 */
int ops_air_at(struct ops *o, int64_t bulletin_id, const char *klass, int64_t at_ms, int repeat,
	       int every_minutes, const char *zones, const char *who, int64_t *first, char *err);

/* ---- configuration ---- */

/*
 * The checks of a configuration that reach beyond config/: the slots'
 * calendar expressions (and whether they ever fall), the lexicon, the
 * speech engine and voice, the clips and bulletins named by programmes in
 * the store of state_dir (NULL: the configuration's), and a programme
 * that may overrun the next slot instant (a warning).  Adds every
 * finding to d.
 */
struct config_diags;
void ops_config_check_all(const struct config *cfg, const char *state_dir,
			  struct config_diags *d);
/* The same, OPS_INVALID with the first error (warnings pass). */
int ops_config_check(const struct config *cfg, const char *state_dir, char *err);
/*
 * Loads and checks a configuration given as text (a pasted file) as
 * `loaxa config check` does; OPS_INVALID with the first error, which
 * names it `name` with its line.
 */
int ops_config_check_text(const char *text, size_t len, const char *name, const char *state_dir,
			  char *err);

/* ---- names in the configuration ---- */

/*
 * Whether name is a slot, topic or programme of the configuration: 0 if
 * it is; else OPS_INVALID with "There is no slot \"sng\"; did you mean
 * sang? The slots are: sang, chieu." (the near name when there is one).
 */
enum ops_name { OPS_SLOT, OPS_TOPIC, OPS_PROGRAM, OPS_ZONE };
int ops_name_check(const struct config *cfg, enum ops_name kind, const char *name, char *err);
/* The same sentence, whole however many names there are (caller frees); NULL if name is one. */
char *ops_name_unknown(const struct config *cfg, enum ops_name kind, const char *name);
/*
 * A list of zones (cụm loa) as given: names of the configuration's zones
 * joined with commas ("thon-1,thon-3"), or "all".  *out (caller frees)
 * gets each zone once, in the order given, or NULL for every zone ("all",
 * or every zone named).  OPS_INVALID naming an unknown zone, or when the
 * list names none.
 */
int ops_zones_parse(const struct config *cfg, const char *list, char **out, char *err);

/* ---- log and report ---- */

/*
 * Where an export goes: f, or for XLSX and DOCX the file path, which the
 * writer makes itself; name is how a sentence names it (NULL: "the
 * output").
 */
struct ops_out {
	FILE *f;
	const char *path;
	const char *name;
};

/*
 * The local bounds of a log export: a month ("YYYY-MM"), or days from and
 * until ("YYYY-MM-DD", until inclusive), or neither (everything); period
 * (96 bytes) says which in words for the title ("Tháng 11/2026",
 * "01/11/2026 … 30/11/2026").  OPS_INVALID with err.
 */
int ops_log_range(const char *month, const char *from, const char *until, int64_t *from_ms,
		  int64_t *until_ms, char *period, char *err);
/* 1 if status is one an airing can have (started completed interrupted failed missed). */
int ops_log_status_valid(const char *status);

/*
 * Writes the airing log of [from_ms, until_ms) (0: open) in fmt (enum
 * report_format but DOCX) to out; status, topic and klass (the class of
 * the bulletin aired) filter when not NULL.  The title names the station
 * and period (ops_log_range()); the XLSX names topics as the
 * configuration does.  progress, when not NULL, is told the rows written
 * after each row.  *rows gets how many rows.  `loaxa log` and loaxa-web's
 * export both are this.
 */
int ops_log_write(struct ops *o, int fmt, int64_t from_ms, int64_t until_ms, const char *status,
		  const char *topic, const char *klass, const char *period,
		  const struct ops_out *out, void (*progress)(long rows, void *arg), void *arg,
		  long *rows, char *err);
/*
 * Counts the report of one period (at most one of month "YYYY-MM",
 * quarter "YYYY-Qn", period q1|6m|9m|12m with year, or year; none: this
 * month), of one topic when not NULL, of the airings that went to one
 * zone (cụm loa) when zone is not NULL, into *r (report_free()).
 * OPS_INVALID when the period, topic or zone is wrong.
 */
struct report;
int ops_report_build(struct ops *o, const char *month, const char *quarter, const char *period,
		     const char *year, const char *topic, const char *zone, struct report **r,
		     char *err);
/*
 * Writes the report of the same period for each zone of the configuration
 * in turn to out->f: text one after the other, or (REPORT_JSON) one JSON
 * array of the reports.  OPS_INVALID when the period or topic is wrong,
 * fmt is neither, or the configuration has no zones.  `loaxa report
 * --by-zone` and loaxa-web's by_zone export both are this.
 */
int ops_report_by_zone(struct ops *o, const char *month, const char *quarter, const char *period,
		       const char *year, const char *topic, int fmt, const struct ops_out *out,
		       char *err);
/*
 * Writes r in fmt (enum report_format; DOCX from the template in
 * $LOAXA_DATADIR/docx or the installed one) to out.  `loaxa report` and
 * loaxa-web's export both are this.
 */
int ops_report_write(struct ops *o, const struct report *r, int fmt, const struct ops_out *out,
		     char *err);

/* ---- users ---- */

#define OPS_PASSWORD_MIN 8
#define OPS_PASSWORD_MAX 128

/* 1 if role is operator, approver, officer or admin. */
int ops_role_valid(const char *role);
/* 1 if name is a user name: 1 to 32 of a-z 0-9 . _ - starting with a letter. */
int ops_user_name_valid(const char *name);
/* A new user; the password is hashed (argon2id) and never kept. */
int ops_user_add(struct ops *o, const char *name, const char *role, const char *password,
		 const char *who, char *err);
int ops_user_passwd(struct ops *o, const char *name, const char *password, char *err);
/* Refused when it would leave no admin. */
int ops_user_set_role(struct ops *o, const char *name, const char *role, char *err);
int ops_user_remove(struct ops *o, const char *name, char *err);
/*
 * Checks a name and password; *role (32 bytes) gets the user's role.  The
 * same sentence and about the same time whether the name or the password
 * was wrong.  OPS_REFUSED when they do not match.
 */
int ops_user_login(struct ops *o, const char *name, const char *password, char *role,
		   char *err);

#endif
