/*
 * config — the configuration: libconfig loading, built-in defaults for every
 * key, and validation with "PATH:LINE: what is wrong (got VALUE)" errors,
 * every one of them when asked (config_load_diags(), for `config check`).
 *
 * A struct config is immutable once loaded; reload builds a new one and
 * swaps it in only if it validates.  Checks that need other modules (calendar
 * expressions, clip names) are done above, with the *_line fields below.
 */
#ifndef LOAXA_CONFIG_H
#define LOAXA_CONFIG_H

#include <stddef.h>

#define CONFIG_DEFAULT_PATH SYSCONFDIR "/loaxa/loaxa.conf"
/* The longest tts.voice, in bytes (the airing log keeps it with each item). */
#define CONFIG_VOICE_MAX 63

/* Bulletin classes (Thông tư 39/2020), each read with its own rate and pitch: tts.normal, tts.priority, tts.emergency. */
enum config_voice_class {
	CONFIG_VOICE_NORMAL,
	CONFIG_VOICE_PRIORITY,
	CONFIG_VOICE_EMERGENCY,
	CONFIG_VOICE_CLASSES
};

struct config_topic {
	char *id;
	char *name;
	int cchc; /* counts as administrative reform (CCHC) */
};

enum config_item_kind {
	CONFIG_ITEM_CLIP,
	CONFIG_ITEM_BULLETIN,
	CONFIG_ITEM_QUEUE,
	CONFIG_ITEM_TTS,
	CONFIG_ITEM_SILENCE,
	CONFIG_ITEM_STREAM, /* relay of an HTTP/Icecast stream (issue 14) */
};

/* One item of a program template. */
struct config_item {
	enum config_item_kind kind;
	char *clip;        /* CLIP: clip name */
	long long bulletin; /* BULLETIN: bulletin id */
	char *tts;         /* TTS: literal text */
	double silence;    /* SILENCE: seconds */
	double gain_db, fade_in, fade_out, crossfade, gap;
	char *bed;         /* QUEUE: music bed clip name, or NULL */
	double duck_db;    /* QUEUE with bed: bed level under speech */
	char *stream;      /* STREAM: http:// or https:// URL (NULL with line_in) */
	int line_in;       /* STREAM: relayed from audio.input_device, not a URL */
	double minutes;    /* STREAM: how long it is relayed */
	char *fallback;    /* STREAM: clip played on dead air, or NULL (silence) */
	int line;
};

struct config_program {
	char *name;
	double max_minutes; /* 0: no cap */
	struct config_item *items;
	size_t n_items;
	int line;
};

struct config_slot {
	char *name;
	char *when;     /* systemd.time(7) calendar event (NULL only in a configuration with errors) */
	char *program;
	int catch_up_minutes;
	int priority;
	char **zones;   /* the zones it airs to, NULL-terminated; NULL: every zone */
	int line;
};

/*
 * A zone (cụm loa): a village's loudspeakers, reached through a channel of
 * the output device and/or switched on and off by commands (relays, GPIO).
 * Named by its name everywhere (slots, `loaxa air --zone`).
 */
#define CONFIG_MAX_ZONES 64
struct config_zone {
	char *name;
	int channel;    /* 1-based channel of the output; 0: none (reached by commands only) */
	char *on, *off; /* shell commands run before the first sample and after the last, or NULL */
	char *icecast;  /* an IP loudspeaker cluster: http://HOST:PORT/MOUNT its airings stream to, or NULL */
	char *icecast_password_file; /* the source password, first line of this file */
	char *icecast_admin_password_file; /* the admin password (listener counts), or NULL */
	int line;
};

/*
 * Who issues the report document (Nghị định 30/2020/NĐ-CP): the body above
 * the station, the issuing body, the code in the number line, the place
 * in the date line, who signs, and to whom it goes.
 */
struct config_station {
	char *parent;       /* cơ quan chủ quản, or NULL */
	char *issuer;       /* cơ quan ban hành; NULL: the station's name */
	char *code;         /* after "Số: .../BC-" */
	char *place;        /* địa danh of the date line, or NULL */
	char *signer_title; /* quyền hạn, chức vụ */
	char *signer_name;  /* or NULL: signed by hand */
	char **recipients;  /* nơi nhận, NULL-terminated (never NULL) */
	size_t n_recipients;
};

struct config {
	char *path;       /* file it came from, or NULL for built-in defaults */
	char *state_dir;
	char *timezone;
	char *station_name;
	struct config_station station;
	char *control_socket;
	int approval_required;
	int lead_seconds;
	char *emergency_jingle; /* clip aired before an emergency bulletin (alert tone), or NULL */
	char *live_jingle;      /* clip aired before a live announcement (loaxa live), or NULL */
	char *live_end_jingle;  /* clip aired after it (its closing jingle), or NULL */
	struct {
		char *output;  /* portaudio | wav | null */
		char *device;  /* PortAudio device name or index; NULL = default */
		char *input_device; /* line-in: PortAudio input device; NULL = default */
		char *mic_device;   /* loaxa live: input device; NULL = input_device */
		char *wav_path; /* wav sink file; NULL = STATE_DIR/output.wav */
		int pace;      /* wav sink writes in real time */
		int sample_rate;
		double loudness_lufs;
		double true_peak_dbtp;
		double highpass_hz; /* 0 = off */
		double duck_db, duck_attack, duck_release;
		char *on_missing; /* skip | fail */
		double relay_silence_s; /* a relay silent or gone this long is dead air */
		int channels;     /* the output device's channels; 0: the highest zone channel (config_channels()) */
		double zone_timeout; /* seconds a zone's on or off command may take */
	} audio;
	struct {
		char *engine; /* espeak | command | fake */
		char *voice;  /* as set; NULL: the voice of the region (tts_voice()) */
		char *region; /* north | central | south: how numbers and dates are read, and the voice */
		int rate;     /* words per minute */
		int pitch;
		struct {
			int rate, pitch; /* -1: as rate and pitch above (see config_tts_voice()) */
		} classes[CONFIG_VOICE_CLASSES];
		char *command; /* command engine: program reading text on stdin, WAV path as $1 */
		char *lexicon; /* extra acronyms file, or NULL */
		int cache_mb;
		int max_syllables;
	} tts;
	struct {
		char *command;
		int seconds;
		char *after;
	} preroll;
	struct {
		double highpass_hz; /* loaxa live: a high-pass on the microphone (0: off; 80) */
	} live;
	struct {
		char *listen;   /* loaxa-web: "ADDRESS:PORT" ("[::1]:8080" for IPv6) */
		char *tls_cert; /* PEM files: HTTPS when both are set */
		char *tls_key;
		int session_idle_minutes;
	} web;
	struct config_topic *topics;
	size_t n_topics;
	int cchc_per_month;
	struct config_program *programs;
	size_t n_programs;
	struct config_slot *slots;
	size_t n_slots;
	struct config_zone *zones; /* at most CONFIG_MAX_ZONES */
	size_t n_zones;
	/*
	 * The province link (loaxa-link on the commune, loaxa-province at the
	 * province; man loaxa-link(8)).  Optional: loaxad never reads it.
	 */
	struct {
		char *host;
		int port;
		int keepalive;       /* seconds */
		char *cafile, *certfile, *keyfile; /* TLS: cafile turns it on */
		char *username;
		char *password_file; /* first line is the password */
		char *province, *district, *commune; /* ids: a-z, 0-9, '-', '_' */
		char *province_key;  /* the province's Ed25519 public key, base64 */
		char *secret_key_file; /* province side: its signing key */
		char *communes_file;   /* province side: "ID DISTRICT NAME" lines */
		char *province_state_dir; /* province side: its own store */
		int status_seconds;  /* how often a commune sends its status */
		int retry_seconds;   /* unacknowledged log rows are sent again */
		int max_age_days;    /* older bulletins are refused as stale */
	} link;
	struct config_keyline *keylines; /* where each key of the file stands */
	size_t n_keylines;
};

struct config_keyline {
	char *key; /* dotted: "tts.voice" */
	int line;
};

/*
 * Which file to load: the explicit path if given, else $LOAXA_CONFIG, else
 * CONFIG_DEFAULT_PATH when it exists, else NULL (built-in defaults).
 */
const char *config_pick_path(const char *explicit_path);

/*
 * Loads and validates path (NULL: built-in defaults).  On error returns NULL
 * and err holds the first one, "PATH:LINE: what is wrong (got VALUE)",
 * saying how many more there are.  Free with config_free().
 */
struct config *config_load(const char *path, char *err);
void config_free(struct config *c);

/* Errors and warnings about a file, in line order. */
struct config_diag {
	int line;
	int warning;
	char *text; /* "PATH:LINE: ...", a warning says so */
};
struct config_diags {
	struct config_diag *v;
	size_t n, cap;
	int errors, warnings;
};
/* Adds "PATH:LINE: TEXT" (line -1: TEXT alone, about the whole file). */
void config_diag_add(struct config_diags *d, int warning, const char *path, int line,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void config_diags_free(struct config_diags *d);

/*
 * As config_load(), but reads on after an error to find every one, adding
 * them to d.  Returns the configuration as far as it could be read, errors
 * or not (NULL only when the file cannot be read or parsed at all): with
 * d->errors it is good for more checks (every name in it is set, a slot's
 * `when` may be NULL), never for airing.
 */
struct config *config_load_diags(const char *path, struct config_diags *d);

/* The line of a key in the file ("tts.voice"), 0 when the file does not set it. */
int config_line(const struct config *c, const char *key);

/*
 * The name of names nearest to word, one or a few typing mistakes away
 * ("sng" -> "sang"), or NULL when none is that near.
 */
const char *config_near_name(const char *word, const char *const *names, size_t n);

/*
 * A calendar expression with the Vietnamese weekday names an operator
 * writes (T2..T7, CN, "Thứ 2".."Thứ 7", "Thứ hai".."Thứ bảy", "Chủ nhật",
 * any case) replaced by systemd's Mon..Sun.  Caller frees.
 */
char *config_calendar_vi(const char *when);
/*
 * 1 when when holds a time written the Vietnamese way, "17h30" or "7h",
 * which calendar expressions do not read; fix gets "17:30".
 */
int config_calendar_hour_h(const char *when, char *fix, size_t n);

/* Sets TZ for the process from c->timezone; -1 with err when it is unknown. */
int config_apply_timezone(const struct config *c, char *err);

const struct config_topic *config_topic_find(const struct config *c, const char *id);
const struct config_program *config_program_find(const struct config *c, const char *name);
const struct config_slot *config_slot_find(const struct config *c, const char *name);
/* The zone named name, or NULL; its index in c->zones through *index when not NULL. */
const struct config_zone *config_zone_find(const struct config *c, const char *name, size_t *index);
/* Channels the output is opened with: audio.channels, else the highest zone channel, else 1. */
int config_channels(const struct config *c);

/* The effective configuration in libconfig syntax, loadable again. Caller frees. */
char *config_dump(const struct config *c);

/* 0 if url is an http:// or https:// address with a host (a stream item). */
int config_check_stream_url(const char *url);
const char *config_item_kind_name(enum config_item_kind k);

/* The voice class of a bulletin class name (normal, priority, emergency); normal when unknown. */
enum config_voice_class config_voice_class(const char *klass);
/*
 * The rate (words a minute) and pitch a class is read with: tts.CLASS.rate
 * and .pitch when set, else tts.rate and tts.pitch; an emergency is read a
 * little slower unless tts.emergency.rate says otherwise (90 % of tts.rate).
 */
void config_tts_voice(const struct config *c, enum config_voice_class k, int *rate, int *pitch);

/* The microphone loaxa live opens: audio.mic_device, else audio.input_device (NULL: the default input). */
const char *config_mic_device(const struct config *c);

#endif
