/*
 * Private to tts/: the speech engines' ops table, the one synthesis thread
 * they all run on, and the render cache's insides (shared by render.c and
 * cache.c).  Nothing outside tts/ includes this.
 */
#ifndef LOAXA_TTS_ENGINE_H
#define LOAXA_TTS_ENGINE_H

#include <stddef.h>

struct tts_opts;
struct tts_entry;

/* Receives mono float PCM at the engine's own rate as it is made; -1 stops the engine. */
typedef int (*tts_pcm_fn)(void *arg, const float *pcm, long n, int rate);

struct tts_engine_ops {
	const char *name;
	/* Can it run with these options?  Names what is missing (voice, program). */
	int (*check)(const struct tts_opts *o, char *err);
	/* Speaks already-normalized text into fn.  Runs on the synthesis thread only. */
	int (*synth)(const struct tts_opts *o, const char *spoken, tts_pcm_fn fn, void *arg,
		     char *err);
	/* Releases what the engine keeps between calls (may be NULL). */
	void (*done)(void);
};

extern const struct tts_engine_ops tts_engine_espeak, tts_engine_command, tts_engine_fake;

/* The engine named by o->engine, or NULL with err listing the engines. */
const struct tts_engine_ops *tts_engine_find(const char *name, char *err);
/* Counts and runs one synthesis; call only from the synthesis thread. */
int tts_engine_synth(const struct tts_opts *o, const char *spoken, tts_pcm_fn fn, void *arg,
		     char *err);

/*
 * The synthesis thread: work items run one after another, in order, so
 * libespeak-ng (not thread-safe) is only ever entered from one thread.
 * The thread starts on the first item; tts_done() stops it.
 */
struct tts_work {
	void (*run)(struct tts_work *w);
	struct tts_work *next;
};
void tts_worker_queue(struct tts_work *w);

/* ---- the render cache (cache.c) ---- */

/* The key of a spoken text under these options: 64 hex digits. */
void tts_cache_key_spoken(const struct tts_opts *o, const char *spoken, char key[65]);
/* DIR/KEY.EXT, newly allocated. */
char *tts_cache_file(const struct tts_opts *o, const char *key, const char *ext);
/* 0 and the entry on a hit (and marks it used), -1 on a miss. */
int tts_cache_lookup(const struct tts_opts *o, const char *key, struct tts_entry *out);
/* Writes KEY.info (atomically) for KEY.flac, already in place. */
int tts_cache_store_info(const struct tts_opts *o, const char *key, double lufs, double seconds,
			 char *err);
/* Evicts least recently used entries past cache_mb; never `keep` nor a pinned key. */
void tts_cache_evict(const struct tts_opts *o, const char *keep);

#endif
