/*
 * The pre-air lint: what would sound wrong on air, with line:column.  It
 * reads the text through the normalizer's own rules (norm_run() with a
 * struct norm_lint), so it flags only what the normalizer will actually
 * read wrong: unknown acronyms (spelled letter by letter), syllables that
 * are not Vietnamese (letters lost in PDF extraction: "đ u", "ph ng"),
 * symbols that are dropped, numbers without a reading; and it reports every
 * place a rule guessed (a d/m that may be a date, "3m" that may be months,
 * letters after a number that are no unit, a bare Roman numeral) with the
 * reading chosen.  Sentences too long for one breath are counted in the
 * syllables that will be said.  Guesses and long sentences inform; the
 * rest blocks approval (tts_lint_blocks()).
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tts/number.h"
#include "tts/text.h"
#include "tts/tts.h"

static const char *const kind_names[] = { "unknown-acronym", "damaged-syllable", "symbol",
					  "number", "long-sentence", "guess" };

const char *
tts_lint_kind_name(enum tts_lint_kind k)
{
	return (size_t)k < ARRAY_LEN(kind_names) ? kind_names[k] : "?";
}

int
tts_lint_blocks(enum tts_lint_kind k)
{
	return k != TTS_LINT_LONG_SENTENCE && k != TTS_LINT_GUESS;
}

void
tts_findings_free(struct tts_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].text);
		free(f[i].message);
		free(f[i].reading);
	}
	free(f);
}

void
lint_add(struct norm_lint *l, enum tts_lint_kind k, uint32_t line, uint32_t col, const char *text,
	 size_t len, char *msg, const char *reading)
{
	if (l->n == l->cap)
		l->f = xrealloc(l->f, (l->cap = l->cap ? l->cap * 2 : 16) * sizeof *l->f);
	l->f[l->n++] = (struct tts_finding){ k, (int)line, (int)col, xstrndup(text, len), msg,
					     reading ? xstrdup(reading) : NULL };
}

void
lint_drop(struct norm_lint *l, size_t n)
{
	while (l->n > n) {
		struct tts_finding *f = &l->f[--l->n];
		free(f->text);
		free(f->message);
		free(f->reading);
	}
}

static size_t
cps(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

void
lint_line(struct norm_lint *l, const char *text, const struct vi_tokens *tk, size_t first,
	  size_t end)
{
	/* a heading in capitals: a fragment of one or two capitals there is damage, not an acronym */
	size_t caps = 0, lower = 0;
	for (size_t i = first; i < end; i++) {
		const struct vi_tok *t = &tk->t[i];
		if (t->kind != VI_WORD)
			continue;
		size_t c = cps(text + t->off, t->len);
		if (t->flags & VI_CAPS)
			caps += c;
		else if (t->flags & VI_UPPER)
			caps++, lower += c - 1;
		else
			lower += c;
	}
	l->caps_context = caps > 3 * lower && caps > 6;
	/*
	 * Three spaces or more between two words of a line: PDF extraction
	 * turned lost letters into spaces ("tăng cường    luật").
	 */
	for (size_t i = first + 1; i < end; i++) {
		const struct vi_tok *t = &tk->t[i];
		if (t->gap < 3 || t->off < t->gap)
			continue;
		const char *g = text + t->off - t->gap;
		size_t k = 0;
		while (k < t->gap && g[k] == ' ')
			k++;
		if (k == t->gap)
			lint_add(l, TTS_LINT_DAMAGED_SYLLABLE, t->line, t->col - t->gap, g, t->gap,
				 xasprintf(_("%d spaces inside a line: a word may have been lost when the text was copied"),
					   (int)t->gap),
				 NULL);
	}
}

static int
has_vowel(const char *low)
{
	static const char *const v[] = { "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y" };
	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		if (strstr(low, v[i]))
			return 1;
	/* precomposed vowels with a tone mark: U+1EA0..U+1EF9 (E1 BA 80 .. E1 BB B9),
	 * and á à ã é è í ì ó ò õ ú ù ý (C3 xx) */
	for (const unsigned char *p = (const unsigned char *)low; *p; p++)
		if ((*p == 0xe1 && (p[1] == 0xba || p[1] == 0xbb)) || (*p == 0xc3 && p[1] >= 0xa0) ||
		    (*p == 0xc4 && (p[1] == 0xa9 || p[1] == 0x83)) || (*p == 0xc5 && p[1] == 0xa9) ||
		    (*p == 0xc6 && (p[1] == 0xa1 || p[1] == 0xb0)))
			return 1;
	return 0;
}

void
lint_word(struct norm_lint *l, const struct tts_lexicon *lex, const char *text,
	  const struct vi_tokens *tk, const struct vi_tok *t, int spelled)
{
	const char *s = text + t->off;
	size_t n = t->len;
	if (vi_is_syllable(s, n))
		return;
	/* Par index: a known acronym written in another case */
	char *up = xstrndup(s, n);
	for (char *p = up; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	int known = tts_lexicon_lookup(lex, up) != NULL;
	free(up);
	if (known)
		return;
	size_t chars = cps(s, n);
	if (spelled || (t->flags & VI_CAPS)) {
		if (l->caps_context && chars <= 2) {
			lint_add(l, TTS_LINT_DAMAGED_SYLLABLE, t->line, t->col, s, n,
				 xasprintf(_("\"%.*s\" is not a Vietnamese syllable: letters may have been lost when the text was copied"),
					   (int)n, s),
				 NULL);
			return;
		}
		lint_add(l, TTS_LINT_UNKNOWN_ACRONYM, t->line, t->col, s, n,
			 xasprintf(_("unknown acronym \"%.*s\": it will be spelled letter by letter; add it to the lexicon (tts.lexicon) or write it out"),
				   (int)n, s),
			 NULL);
		return;
	}
	/*
	 * Vowel-less runs and fragments of one or two letters are damage.  A
	 * word in plain Latin letters is a foreign name or loanword (Zalo, app,
	 * fanpage) and is left alone; a word with Vietnamese letters or tone
	 * marks that is no syllable lost letters ("iến" for "kiến").
	 */
	if (chars <= 2 || !has_vowel(vi_tok_low(tk, t)) || !(t->flags & VI_ASCII))
		lint_add(l, TTS_LINT_DAMAGED_SYLLABLE, t->line, t->col, s, n,
			 xasprintf(_("\"%.*s\" is not a Vietnamese syllable: letters may have been lost when the text was copied"),
				   (int)n, s),
			 NULL);
}

void
lint_said(struct norm_lint *l, const struct vi_tok *t, int words)
{
	if (words <= 0)
		return;
	if (!l->syll) {
		l->sent_line = t->line;
		l->sent_col = t->col;
	}
	l->syll += words;
}

void
lint_sentence_end(struct norm_lint *l)
{
	if (l->max_syllables > 0 && l->syll > l->max_syllables)
		lint_add(l, TTS_LINT_LONG_SENTENCE, l->sent_line, l->sent_col, "", 0,
			 xasprintf(_("a sentence of %d syllables is too long to read in one breath (more than %d); split it"),
				   l->syll, l->max_syllables),
			 NULL);
	l->syll = 0;
}

/* A finding and its place in the order the rules made them: a stable sort by line and column. */
struct placed {
	struct tts_finding f;
	size_t k;
};

static int
by_place(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;
	if (x->f.line != y->f.line)
		return x->f.line < y->f.line ? -1 : 1;
	if (x->f.col != y->f.col)
		return x->f.col < y->f.col ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

int
tts_lint(const struct tts_lexicon *lex, const char *text, size_t len, int max_syllables,
	 struct tts_finding **out, size_t *nout, char *err)
{
	struct norm_lint l = { .max_syllables = max_syllables };
	char *spoken = norm_run(lex, &vi_region_north, text, len, &l, err);
	if (!spoken) {
		lint_drop(&l, 0);
		free(l.f);
		return -1;
	}
	free(spoken);
	/* in text order (a long sentence is found at its end, reported at its start) */
	struct placed *tmp = xcalloc(l.n ? l.n : 1, sizeof *tmp);
	for (size_t i = 0; i < l.n; i++)
		tmp[i] = (struct placed){ l.f[i], i };
	qsort(tmp, l.n, sizeof *tmp, by_place);
	for (size_t i = 0; i < l.n; i++)
		l.f[i] = tmp[i].f;
	free(tmp);
	*out = l.f;
	*nout = l.n;
	return 0;
}
