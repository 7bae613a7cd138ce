/*
 * Private to tts/: Vietnamese text helpers shared by the normalizer and the
 * lint — lower-casing, letter classes, the syllable check, and the one
 * tokenizer both read text through.
 */
#ifndef LOAXA_TTS_TEXT_H
#define LOAXA_TTS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "tts/tts.h"

/* Unicode-aware lower case of a UTF-8 string (new string). */
char *vi_lower(const char *s, size_t n);
int vi_is_letter(uint32_t cp);
int vi_is_upper(uint32_t cp);
/* 1 if s[0..n) (any case) is a well-formed Vietnamese syllable. */
int vi_is_syllable(const char *s, size_t n);
/* 1 if every letter of s[0..n) is upper case and there are at least two letters. */
int vi_all_caps(const char *s, size_t n);
/* The Vietnamese name of a letter (upper or lower), or NULL. */
const char *vi_letter_name(uint32_t cp);

/* ---- tokens ---- */

enum vi_tok_kind {
	VI_WORD = 1, /* a run of letters */
	VI_NUM = 2,  /* a run of ASCII digits */
	VI_SYM = 4,  /* one other character: punctuation, a symbol */
};

#define VI_BOL 1   /* the first token of its line */
#define VI_CAPS 2  /* WORD: two letters or more, all capitals */
#define VI_UPPER 4 /* WORD: starts with a capital */
#define VI_ASCII 8 /* WORD: ASCII letters only */
#define VI_MINUS 16 /* SYM: a minus sign (U+2212), not a hyphen */

/*
 * A token of the text: where it is (byte offset and length, line and
 * column in characters, 1-based), how much white space stands before it
 * on its line (0: it is glued to the token before), and, for a word, its
 * lower case; for a symbol, its code point with dashes folded to '-' and
 * typographic quotes to '"' and '\''.
 */
struct vi_tok {
	uint32_t off, len;
	uint32_t line, col;
	uint32_t aux; /* WORD: offset of its lower case (NUL-terminated) in vi_tokens.low; SYM: code point */
	uint16_t gap;
	uint8_t kind, flags;
};

struct vi_tokens {
	struct vi_tok *t;
	size_t n, cap;
	struct sbuf low; /* the lower case of the words, one after another */
	uint32_t lines;  /* lines of the text (1 + its line breaks) */
};

/*
 * Cuts text[0..len) (valid UTF-8, in NFC) into tokens, in one pass.
 * Spaces, tabs, control characters and the invisible spaces are
 * separators; a line break starts a new line.  Free with vi_tokens_free().
 */
void vi_tokenize(const char *text, size_t len, struct vi_tokens *out);
void vi_tokens_free(struct vi_tokens *tk);

static inline const char *
vi_tok_low(const struct vi_tokens *tk, const struct vi_tok *t)
{
	return tk->low.s + t->aux;
}

/* ---- the normalizer's run, and what the lint learns from it ---- */

/*
 * The lint's side of a normalizer run (lint.c): its findings so far, the
 * sentence being counted, whether the line is a heading in capitals.
 */
struct norm_lint {
	int max_syllables;
	struct tts_finding *f;
	size_t n, cap;
	int syll;                    /* syllables said in the sentence so far */
	uint32_t sent_line, sent_col; /* where it began */
	int caps_context;            /* the line is mostly capitals */
	size_t ops;                  /* after the run: how many times a rule looked at a token */
};

/*
 * The spoken form of text[0..len) (tts_normalize()) with the words of
 * region r (number.h); with lint, the rules also report there what they
 * guessed or cannot read.  NULL with err for invalid UTF-8.
 */
struct vi_region;
char *norm_run(const struct tts_lexicon *lex, const struct vi_region *r, const char *text,
	       size_t len, struct norm_lint *lint, char *err);
/* The name of the normalizer's k-th rule, in the order they are tried; NULL past the last. */
const char *tts_normalize_rule_name(size_t k);

/* A finding at line:col about text[0..len); takes msg, copies reading (may be NULL). */
void lint_add(struct norm_lint *l, enum tts_lint_kind k, uint32_t line, uint32_t col,
	      const char *text, size_t len, char *msg, const char *reading);
/* Forgets the findings after the first n (a rule that did not apply after all). */
void lint_drop(struct norm_lint *l, size_t n);
/* A line begins: tokens [first, end) of tk; notes runs of spaces where words were lost. */
void lint_line(struct norm_lint *l, const char *text, const struct vi_tokens *tk, size_t first,
	       size_t end);
/* A word the normalizer read as it is written (spelled: letter by letter, as an unknown acronym). */
void lint_word(struct norm_lint *l, const struct tts_lexicon *lex, const char *text,
	       const struct vi_tokens *tk, const struct vi_tok *t, int spelled);
/* words more were said, the first of them for token t. */
void lint_said(struct norm_lint *l, const struct vi_tok *t, int words);
/* A sentence ended (. ! ? ; : or a blank line): was it longer than one breath? */
void lint_sentence_end(struct norm_lint *l);

#endif
