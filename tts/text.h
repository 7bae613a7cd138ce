/*
 * Private to tts/: Vietnamese text helpers shared by the normalizer and the
 * lint — lower-casing, letter classes, the syllable check.
 */
#ifndef LOAXA_TTS_TEXT_H
#define LOAXA_TTS_TEXT_H

#include <stddef.h>
#include <stdint.h>

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

#endif
