/*
 * playlists — program templates (from the configuration) → an ordered list of
 * items (clips, bulletins, literal speech, silence) → one rendered stream,
 * with the timeline of what went where.
 */
#ifndef LOAXA_PLAYLISTS_H
#define LOAXA_PLAYLISTS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "audio/audio.h"

struct config;
struct store;

/*
 * Checks what the programmes name: clips and bulletins must exist in the
 * store.  err: "PATH:LINE: programme "sang" names the clip "x", which has not
 * been imported (got "x")".  -1 on the first problem.
 */
int playlists_check(const struct config *cfg, struct store *st, char *err);

/* ---- Programmes ---- */

struct config_program;
struct config_item;
struct store_aired_item;
struct tts_lexicon;

enum pl_kind { PL_CLIP, PL_BULLETIN, PL_TTS, PL_SILENCE, PL_STREAM };

/* How a relay went, written by the player as the item ends (see pl_play()). */
struct pl_relay_out {
	int failed;        /* dead air: the fallback (or silence) played from then */
	char reason[600];  /* "relay signal lost at 06:12:31: ..." */
	double shortened_s; /* ended early (pl_stop.end_relays): the seconds it lost */
};

/* One item of a programme, resolved against the store. */
struct pl_item {
	enum pl_kind kind;
	int64_t bulletin_id;
	int bulletin_version;
	int64_t clip_id;   /* a clip, or a bulletin's recording */
	char *label;       /* clip name or bulletin title: for logs and errors */
	char *text;        /* what to say (a bulletin without recording, a tts item) */
	char *path;        /* the audio file: the clip, or, after rendering, the speech */
	double lufs;       /* its measured integrated loudness */
	double silence_s;
	double gain_db, fade_in, fade_out, crossfade, gap;
	int bed;           /* index into beds, or -1 */
	double offset_s, length_s; /* the timeline, once rendered */
	char *skipped;     /* why it was left out (missing clip, did not fit), or NULL */
	int from_queue;    /* a bulletin the queue item brought: the first to wait when full */
	int voice_class;   /* a bulletin's enum config_voice_class: its rate and pitch */
	/* speech: the region it is read as and the voice that reads it (logged); "" else */
	char region[16];
	char voice[64];
	/*
	 * a relay: a stream's address (line-in: "line-in" and the device),
	 * length asked, fallback clip (path NULL: silence)
	 */
	char *url;
	int line_in;       /* from the input device, not the url */
	char *device;      /* line-in: audio.input_device (NULL: the default input) */
	double minutes;
	char *fallback_path;
	double fallback_lufs;
	struct pl_relay_out *relay_out; /* owned; filled while it plays */
	char *recording;   /* a live announcement: where what aired is recorded (logged), or NULL */
	double highpass_hz; /* a relay: a high-pass on what comes in (the live microphone), 0: none */
};

struct pl_bed {
	char *clip;
	char *path;
	double lufs, duck_db;
};

struct pl_program {
	char *name;
	double max_s; /* 0: no cap */
	struct pl_item *items;
	size_t n;
	struct pl_bed *beds;
	size_t nbeds;
	size_t left_out; /* items that did not fit in max_s */
	double length_s;
};

/*
 * Expands template tpl: its queue item becomes the bulletins queue_ids (in
 * that order).  Reads clips and bulletin versions from the store, so a
 * bulletin edited later still airs as it was planned.  Speech is read as
 * its bulletin's region says, else as tts.region, in tts.voice if set, else
 * in the region's voice (tts_voice()).  NULL with err.
 */
struct pl_program *pl_build(const struct config *cfg, const struct config_program *tpl,
			    struct store *st, const int64_t *queue_ids, size_t nq, char *err);
/* A programme of one bulletin (loaxa air ID). */
struct pl_program *pl_build_bulletin(const struct config *cfg, struct store *st, int64_t id,
				     char *err);
void pl_free(struct pl_program *p);

/* Rough length of a bulletin before it is rendered: text at a reading pace. */
double pl_estimate_seconds(const char *text, int64_t audio_clip_id);
/* Rough length of a template item that is not the queue. */
double pl_template_item_estimate(const struct config_item *it);

/* Everything rendering needs, copied out of the configuration. */
struct pl_env {
	char *cache_dir;
	int sample_rate;
	double loudness_lufs, true_peak_dbtp, highpass_hz;
	double duck_db, duck_attack, duck_release;
	int skip_missing;   /* on_missing = skip */
	double relay_silence_s; /* a relay quiet this long is dead air */
	char *output, *device, *wav_path; /* the sink */
	int pace;
	int channels;      /* the output's channels (config_channels()) */
	uint64_t route;    /* the channels an airing goes to (bit c: channel c + 1); 0: all */
	audio_tee_fn tee;  /* gets what the sink plays (audio_sink_tee()), or NULL */
	void *tee_arg;
	char *engine, *voice, *command; /* voice NULL: each item's region's */
	char *region;                   /* tts.region: the items without their own */
	int rate, pitch;
	int class_rate[3], class_pitch[3]; /* by enum config_voice_class: a bulletin's voice */
	int cache_mb;
	const struct tts_lexicon *lex;
};
void pl_env_from_config(struct pl_env *env, const struct config *cfg, const char *state_dir,
			const struct tts_lexicon *lex);
void pl_env_clear(struct pl_env *env);

/*
 * Renders speech into the cache and checks every file: fills each item's
 * path, loudness, offset and length; leaves out (and says so in `skipped`)
 * a missing clip when skip_missing, else fails naming it; leaves out what
 * does not fit in max_s.  Touches no store: runs on a worker thread.
 */
int pl_render(struct pl_program *p, const struct pl_env *env, char *err);

/* What the player reports while it plays (called on the player's thread). */
struct pl_play_cb {
	void (*started)(void *arg, int64_t first_sample_ms);
	void (*item_done)(void *arg, size_t items_done);
	void *arg;
	_Atomic double *position_s; /* updated as it plays, or NULL */
};

/*
 * How another thread stops what plays: it sets fade_s (0: PL_STOP_FADE_S),
 * then stop.  Both are atomic: the player reads them between blocks.
 */
#define PL_STOP_FADE_S 0.4
struct pl_stop {
	atomic_int stop;
	_Atomic double fade_s;
	/*
	 * Set: the relays end now (fading over fade_s) and the rest of the
	 * programme plays on: a live announcement the operator ends, whose
	 * closing jingle follows.
	 */
	atomic_int end_relays;
};

struct pl_play_result {
	int64_t started_ms, ended_ms;
	size_t items_done;
	double cut_s;     /* where a stop cut it */
	char sha256[65];  /* of every sample sent */
	long dropouts;    /* times the device ran dry while it played: gaps heard */
};

enum pl_play_status {
	PL_COMPLETED,
	PL_INTERRUPTED,
	PL_FAILED,
	PL_NOT_STARTED, /* stopped before its first sample: nothing aired */
};

/*
 * Plays a rendered programme through the sink env names, so that its first
 * sample leaves at at_ms (wall clock; 0: at once), and fades out within
 * stop->fade_s when stop->stop becomes non-zero (stop may be NULL); a stop
 * before the first sample returns PL_NOT_STARTED.  *sink is the open sink to use, or
 * NULL to open one (left open in *sink for the next programme; the caller
 * closes it with audio_sink_close(); after a failure it is closed and NULL).
 * A real-time sink is kept running with silence until the instant, so the
 * first sample leaves within a millisecond of it.  Fills res; err says why
 * when it failed (device gone, file unreadable).
 */
struct audio_sink;
enum pl_play_status pl_play(const struct pl_program *p, const struct pl_env *env, int64_t at_ms,
			    struct pl_stop *stop, const struct pl_play_cb *cb,
			    struct audio_sink **sink, struct pl_play_result *res, char *err);
/* Renders the whole programme into a WAV file (what would air). */
int pl_render_wav(const struct pl_program *p, const struct pl_env *env, const char *path,
		  char *err);
/* A deep copy of env (the daemon hands one to each worker). */
void pl_env_copy(struct pl_env *dst, const struct pl_env *src);

size_t pl_count(const struct pl_program *p);
double pl_length(const struct pl_program *p);
/* The log row of item i (kind, ids, offset, length); -1 if it was left out. */
int pl_aired_item(const struct pl_program *p, size_t i, struct store_aired_item *out);
/* Prints the timeline, one item a line. */
void pl_print_timeline(const struct pl_program *p, FILE *f);

#endif
