/*
 * The lint's syllable check, public for the other modules: import/ uses it
 * to put back syllables that PDF extraction split at a line end.  It wraps
 * vi_is_syllable() (tts/text.c), the same check the lint runs, so a word
 * import joins is one the lint accepts.
 */
#include "tts/text.h"
#include "tts/tts.h"

int
tts_is_syllable(const char *s, size_t n)
{
	return vi_is_syllable(s, n);
}
