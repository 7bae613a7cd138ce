/*
 * tts — Vietnamese speech: the normalizer (written administrative Vietnamese
 * → what an announcer says), the acronym lexicon, the pre-air lint, the
 * synthesis engines (espeak, command, fake) and the render cache.
 *
 * The normalizer is pure: same lexicon and text, same output, no I/O.
 */
#ifndef LOAXA_TTS_H
#define LOAXA_TTS_H

#include <stddef.h>

/* ---- Normalizer, lexicon, lint ------------------------------------------ */

/* Goes into the render-cache key and the airing log; bump on any change of output. */
#define TTS_NORMALIZER_VERSION 4

struct tts_lexicon;

/* A lexicon holding the built-in administrative acronyms.  Free with tts_lexicon_free(). */
struct tts_lexicon *tts_lexicon_new(void);
void tts_lexicon_free(struct tts_lexicon *lex);
/* Adds or replaces one entry: acronym as written ("UBND"), spoken form ("ủy ban nhân dân"). */
int tts_lexicon_add(struct tts_lexicon *lex, const char *acronym, const char *spoken, char *err);
/*
 * Loads `ACRONYM = "spoken form"` lines (# comments, blank lines) from path;
 * errors say "path:line: what is wrong".  Entries override built-in ones.
 */
int tts_lexicon_load(struct tts_lexicon *lex, const char *path, char *err);
/* The spoken form of an acronym, or NULL. */
const char *tts_lexicon_lookup(const struct tts_lexicon *lex, const char *acronym);
size_t tts_lexicon_size(const struct tts_lexicon *lex);

/*
 * The spoken form of text[0..len): one output line per input line, lower
 * case, words separated by single spaces; a pause inside a line is " - ",
 * and a line that ends a sentence ends with ".".  Conventions: DESIGN.md
 * "Spoken form" and tts/SPOKEN.md.  Returns a new string (caller frees), or
 * NULL with err for invalid UTF-8 ("byte offset N").  Control characters
 * are dropped; runs of digits too long for a number are read digit by digit.
 */
char *tts_normalize(const struct tts_lexicon *lex, const char *text, size_t len, char *err);

/*
 * Regions (tts.region): how an announcer of the North (the default), the
 * Centre or the South reads — nghìn or ngàn, linh or lẻ, hai mươi tư or
 * hai mươi bốn, tháng một or tháng giêng, a kilogram "ki lô gam" or "ký"
 * (tts/SPOKEN.md "Regions") — and the espeak-ng voice that speaks it.
 */
#define TTS_REGIONS "north, central, south"
/* 1 if name is a region: north, central or south. */
int tts_region_valid(const char *name);
/* The espeak-ng voice of a region (NULL or "": the North's, vi); NULL for no region. */
const char *tts_region_voice(const char *region);
/*
 * tts_normalize() as an announcer of region reads (NULL: the North).  NULL
 * with err also for a region that is none.
 */
char *tts_normalize_region(const struct tts_lexicon *lex, const char *region, const char *text,
			   size_t len, char *err);

enum tts_lint_kind {
	TTS_LINT_UNKNOWN_ACRONYM,
	TTS_LINT_DAMAGED_SYLLABLE, /* not a valid Vietnamese syllable: PDF extraction damage */
	TTS_LINT_SYMBOL,           /* a symbol that would be read aloud or dropped */
	TTS_LINT_NUMBER,           /* a number the normalizer could not classify */
	TTS_LINT_LONG_SENTENCE,    /* more syllables than one breath */
	TTS_LINT_GUESS,            /* read one of two ways: the reading chosen is in `reading` */
};

struct tts_finding {
	enum tts_lint_kind kind;
	int line, col;    /* 1-based; col counts characters, not bytes */
	char *text;       /* the offending text */
	char *message;    /* one sentence, translated */
	char *reading;    /* GUESS: the words it will be read as; else NULL */
};

/*
 * Lints text for airing; max_syllables bounds a sentence.  The lint reads
 * the text with the normalizer's own rules, so it reports only what will be
 * heard wrong (an unknown acronym spelled, damaged syllables, a symbol
 * dropped, a number without a reading) and where a rule had to guess
 * (GUESS, with the reading chosen), plus sentences too long for a breath.
 * Findings come in text order.  Fills a newly allocated array (free with
 * tts_findings_free()).  -1 with err only for unreadable input (invalid UTF-8).
 */
int tts_lint(const struct tts_lexicon *lex, const char *text, size_t len, int max_syllables,
	     struct tts_finding **out, size_t *n, char *err);
void tts_findings_free(struct tts_finding *f, size_t n);
const char *tts_lint_kind_name(enum tts_lint_kind k);
/*
 * 1 if findings of kind k would be heard wrong on air, so that approving
 * the bulletin needs --force; 0 for those that inform (a guess, a long
 * sentence).
 */
int tts_lint_blocks(enum tts_lint_kind k);

/*
 * 1 if s[0..n) (any case, no spaces or punctuation) is a well-formed
 * Vietnamese syllable: the lint's check ("đ", "ph", "ường" are not).
 */
int tts_is_syllable(const char *s, size_t n);

/* ---- Engines and rendering ---------------------------------------------- */

/*
 * What rendering needs, filled by the caller from the configuration
 * (tts.*, audio.sample_rate, audio.loudness_lufs, audio.true_peak_dbtp) and
 * STATE_DIR/cache.  Zero-initialise; the pointers are borrowed for the call
 * (tts_job_submit() copies them).
 */
struct tts_opts {
	const char *engine;    /* espeak | command | fake */
	const char *voice;     /* espeak: vi, vi-vn-x-central, vi-vn-x-south; NULL: the
				* region's (tts_voice()) */
	const char *region;    /* north | central | south: the reading and, unless voice
				* says otherwise, the voice; NULL: north */
	const char *command;   /* command engine: "program [args]", run without a shell; it
				* reads the text on stdin and writes a WAV to the path it gets
				* as its last argument */
	int command_timeout_s; /* 0: 120 s */
	int rate, pitch;       /* words a minute (80-450; 0: 150), pitch 0-99 */
	int sample_rate;       /* of what is rendered: 48000 */
	double loudness_lufs, true_peak_dbtp; /* target (-16) and ceiling (-1) */
	const char *cache_dir; /* STATE_DIR/cache; created when missing */
	int cache_mb;          /* size bound of the cache; 0: none */
	/* cache keys (tts_cache_key()) an upcoming airing needs: never evicted */
	const char *const *pinned;
	size_t n_pinned;
};

/* A rendered item in the cache. */
struct tts_entry {
	char *path;     /* DIR/KEY.flac, mono at sample_rate; caller frees */
	double lufs;    /* its integrated loudness: gain it by target - lufs (at most
			 * +1 dB, which keeps it under the ceiling) */
	double seconds;
	char key[65];
};

/*
 * The cache key of text under o: SHA-256 of its spoken form (read as o's
 * region reads), the engine, region, voice, command, rate, pitch,
 * TTS_NORMALIZER_VERSION, sample rate, loudness target and ceiling.  -1 with err when the text cannot be normalized or
 * has nothing to say.
 */
int tts_cache_key(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
		  char key[65], char *err);

/*
 * The cached rendering of text, rendering it on a miss: normalized,
 * synthesised, resampled to sample_rate, mono, limited under the ceiling,
 * kept as DIR/KEY.flac with its loudness in DIR/KEY.info.  A hit does no
 * synthesis.  "Nothing to say" when the text has no words.  Waits for the
 * synthesis thread; the daemon uses tts_job_submit() instead.
 */
int tts_cache_render(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
		     struct tts_entry *out, char *err);

/*
 * Speech for text in a 16-bit WAV file at sample_rate, mono, at the
 * loudness target (within 0.5 LU) under the true-peak ceiling: `loaxa say`.
 * From the cache when it holds the text; else rendered straight into the
 * file (not kept in the cache), written to wav.tmp and renamed.
 */
int tts_render_wav(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
		   const char *wav, char *err);

/* Checks that the engine, region and voice can be used (lists the installed voices if not). */
int tts_check(const struct tts_opts *o, char *err);

/*
 * The voice o speaks with: o->voice when it is set (tts.voice, --voice),
 * else the voice of o->region.  The one place the two combine.
 */
const char *tts_voice(const struct tts_opts *o);

/*
 * Rendering without blocking: a job goes to the one synthesis thread (all
 * engines run there, as espeak-ng is not thread-safe) and its fd (an
 * eventfd) becomes readable when it is done; poll it, then call
 * tts_job_finish().  The text is normalized, and a cache hit found, before
 * submit returns; a hit's job is done at once.  NULL with err when the text
 * cannot be normalized, has nothing to say, or the options are unusable.
 */
struct tts_job;
struct tts_job *tts_job_submit(const struct tts_opts *o, const struct tts_lexicon *lex,
			       const char *text, char *err);
int tts_job_fd(const struct tts_job *j);
/* Asks a job to stop soon; tts_job_finish() then fails with "stopped". */
void tts_job_cancel(struct tts_job *j);
/* Waits for the job if needed, gives its result like tts_cache_render(), frees j. */
int tts_job_finish(struct tts_job *j, struct tts_entry *out, char *err);

/*
 * Evicts least recently used entries (a hit counts as a use) until the
 * cache fits in cache_mb, never a pinned one.  Rendering does this after
 * each new entry; call it when the bound or the pinned set changes.
 */
void tts_cache_trim(const struct tts_opts *o);

/* How many syntheses ran in this process (tests: a cache hit synthesises nothing). */
unsigned long tts_synth_count(void);

/*
 * Stops the synthesis thread once its queue is empty and releases
 * espeak-ng.  Call once at exit (after the last job is finished); rendering
 * again afterwards starts it again.
 */
void tts_done(void);

#endif
