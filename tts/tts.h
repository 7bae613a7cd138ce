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
#define TTS_NORMALIZER_VERSION 1

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
 * case, words separated by single spaces.  Returns a new string (caller
 * frees), or NULL with err for invalid UTF-8 ("byte offset N").  Control
 * characters are dropped; runs of digits too long to read are read in groups.
 */
char *tts_normalize(const struct tts_lexicon *lex, const char *text, size_t len, char *err);

enum tts_lint_kind {
	TTS_LINT_UNKNOWN_ACRONYM,
	TTS_LINT_DAMAGED_SYLLABLE, /* not a valid Vietnamese syllable: PDF extraction damage */
	TTS_LINT_SYMBOL,           /* a symbol that would be read aloud or dropped */
	TTS_LINT_NUMBER,           /* a number the normalizer could not classify */
	TTS_LINT_LONG_SENTENCE,    /* more syllables than one breath */
};

struct tts_finding {
	enum tts_lint_kind kind;
	int line, col;    /* 1-based; col counts characters, not bytes */
	char *text;       /* the offending text */
	char *message;    /* one sentence, translated */
};

/*
 * Lints text for airing; max_syllables bounds a sentence.  Fills a newly
 * allocated array (free with tts_findings_free()).  -1 with err only for
 * unreadable input (invalid UTF-8).
 */
int tts_lint(const struct tts_lexicon *lex, const char *text, size_t len, int max_syllables,
	     struct tts_finding **out, size_t *n, char *err);
void tts_findings_free(struct tts_finding *f, size_t n);
const char *tts_lint_kind_name(enum tts_lint_kind k);

/* ---- Engines and rendering ---------------------------------------------- */

/* What rendering needs, filled by the caller from the configuration. */
struct tts_opts {
	const char *engine;  /* espeak | command | fake */
	const char *voice;   /* vi, vi-vn-x-central, vi-vn-x-south */
	const char *command; /* command engine: reads text on stdin, writes the WAV named by $1 */
	int rate, pitch;
	int sample_rate;     /* of what is rendered */
	double loudness_lufs, true_peak_dbtp;
	const char *cache_dir;
	int cache_mb;
};

struct tts_entry {
	char *path;     /* the cached FLAC; caller frees */
	double lufs;    /* the loudness to gain it by: measured, corrected for the limiter */
	double seconds;
};

/*
 * The cached rendering of text (normalized, then synthesised, at
 * sample_rate, mono), rendering it on a miss.  "Nothing to say" when the
 * text has no words.  Synthesis is serialised inside: espeak-ng is not
 * thread-safe; call from one worker thread to keep the event loop free.
 */
int tts_cache_render(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
		     struct tts_entry *out, char *err);
/* Speech for text in a WAV file at the loudness target, under the ceiling. */
int tts_render_wav(const struct tts_opts *o, const struct tts_lexicon *lex, const char *text,
		   const char *wav, char *err);
/* Checks that the engine and voice can be used (lists the installed voices if not). */
int tts_check(const struct tts_opts *o, char *err);
/* How many syntheses ran in this process (tests: a cache hit synthesises nothing). */
unsigned long tts_synth_count(void);

#endif
