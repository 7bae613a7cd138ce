/*
 * The pre-air lint: what would sound wrong on air, with line:column.
 * Unknown acronyms (espeak-ng would switch to English), syllables that are
 * not Vietnamese (letters lost in PDF extraction: "đ u", "ph ng"), symbols
 * that would be read aloud or dropped, numbers the normalizer cannot
 * classify, and sentences too long to read in one breath.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tts/text.h"
#include "tts/tts.h"

struct lint {
	struct tts_finding *f;
	size_t n, cap;
};

static void
add(struct lint *l, enum tts_lint_kind k, int line, int col, const char *text, size_t len,
    char *msg)
{
	if (l->n == l->cap)
		l->f = xrealloc(l->f, (l->cap = l->cap ? l->cap * 2 : 16) * sizeof *l->f);
	l->f[l->n++] = (struct tts_finding){ k, line, col, xstrndup(text, len), msg };
}

const char *
tts_lint_kind_name(enum tts_lint_kind k)
{
	static const char *const names[] = { "unknown-acronym", "damaged-syllable", "symbol",
					     "number", "long-sentence" };
	return names[k];
}

void
tts_findings_free(struct tts_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].text);
		free(f[i].message);
	}
	free(f);
}

static size_t
cps(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

/* Symbols that have no place in a bulletin read aloud. */
static int
odd_symbol(uint32_t cp)
{
	if (cp < 0x80)
		return strchr("@#$^~|\\<>=`{}[]_", (int)cp) != NULL && cp;
	if (vi_is_letter(cp))
		return 0;
	/* typographic quotes, dashes, bullets, ellipsis, degree, and the like are fine */
	static const uint32_t ok[] = { 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
				       0x2026, 0xA0, 0xB0, 0xB2, 0xB3, 0xAB, 0xBB, 0x2009, 0x202F,
				       0x200B, 0x25CF, 0xF0B7, 0x2212 };
	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		if (cp == ok[i])
			return 0;
	return 1;
}

static int
has_vowel(const char *low)
{
	static const char *const v[] = { "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
					 "á", "à", "ả", "ã", "ạ", "é", "è", "ẻ", "ẽ", "ẹ", "í", "ì",
					 "ỉ", "ĩ", "ị", "ó", "ò", "ỏ", "õ", "ọ", "ú", "ù", "ủ", "ũ",
					 "ụ", "ý", "ỳ", "ỷ", "ỹ", "ỵ" };
	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		if (strstr(low, v[i]))
			return 1;
	/* any precomposed vowel with marks */
	for (const unsigned char *p = (const unsigned char *)low; *p; p++)
		if (*p == 0xe1 && p[1] == 0xba)
			return 1;
	return 0;
}

static int
ascii_only(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static int
is_roman(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("IVXLC", s[i]))
			return 0;
	return n > 0;
}

/* One run of letters found at line:col. */
static void
check_letters(struct lint *l, const struct tts_lexicon *lex, const char *s, size_t n, int line,
	      int col, int in_code, int caps_context)
{
	char *key = xstrndup(s, n);
	int known = tts_lexicon_lookup(lex, key) != NULL;
	free(key);
	if (!known) { /* Par index: a known acronym written in mixed case */
		char *up = xstrndup(s, n);
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		known = tts_lexicon_lookup(lex, up) != NULL;
		free(up);
	}
	if (known || in_code || vi_is_syllable(s, n))
		return;
	size_t chars = cps(s, n);
	if (vi_all_caps(s, n)) {
		if (is_roman(s, n))
			return;
		if (caps_context && chars <= 2) {
			add(l, TTS_LINT_DAMAGED_SYLLABLE, line, col, s, n,
			    xasprintf(_("\"%.*s\" is not a Vietnamese syllable: letters may have been lost when the text was copied"),
				      (int)n, s));
			return;
		}
		add(l, TTS_LINT_UNKNOWN_ACRONYM, line, col, s, n,
		    xasprintf(_("unknown acronym \"%.*s\": it will be spelled letter by letter; add it to the lexicon (tts.lexicon) or write it out"),
			      (int)n, s));
		return;
	}
	char *low = vi_lower(s, n);
	int vowel = has_vowel(low);
	free(low);
	/*
	 * Vowel-less runs and fragments of one or two letters are damage.  A
	 * word in plain Latin letters is a foreign name or loanword (Zalo, app,
	 * fanpage) and is left alone; a word with Vietnamese letters or tone
	 * marks that is no syllable lost letters ("iến" for "kiến").
	 */
	if (chars <= 2 || !vowel || !ascii_only(s, n))
		add(l, TTS_LINT_DAMAGED_SYLLABLE, line, col, s, n,
		    xasprintf(_("\"%.*s\" is not a Vietnamese syllable: letters may have been lost when the text was copied"),
			      (int)n, s));
}

/* Digits in a row beyond which a number is no amount, phone or code. */
#define MAX_READ_DIGITS 15

/* A sentence ends: is it longer than one breath? */
static void
end_sentence(struct lint *l, int *syll, int line, int col, int max_syllables)
{
	if (max_syllables > 0 && *syll > max_syllables)
		add(l, TTS_LINT_LONG_SENTENCE, line, col, "", 0,
		    xasprintf(_("a sentence of %d syllables is too long to read in one breath (more than %d); split it"),
			      *syll, max_syllables));
	*syll = 0;
}

int
tts_lint(const struct tts_lexicon *lex, const char *text, size_t len, int max_syllables,
	 struct tts_finding **out, size_t *nout, char *err)
{
	size_t bad;
	if (utf8_check(text, len, &bad) < 0) {
		err_set(err, _("The text is not valid UTF-8 (bad byte at offset %zu)."), bad);
		return -1;
	}
	/* a terminated copy: the scan below uses string functions */
	char *copy = xstrndup(text, len);
	text = copy;
	struct lint l = { 0 };
	int line = 1;
	size_t i = 0;
	const char *line_start = text;
	int sent_syll = 0, sent_line = 1, sent_col = 1;
	int caps_line = 0, caps_context = 0;
	const char *col_from = text;
	int col_chars = 0;
	int tok_line = 0; /* the line of the last token */
	size_t gap = len; /* where the last run of spaces began */
	while (i < len) {
		/* one white-space separated token */
		uint32_t cp;
		int k = utf8_decode(text + i, &cp);
		if (cp == '\n') {
			line++;
			line_start = text + i + 1;
			i++;
			continue;
		}
		if (cp == ' ' || cp == '\t' || cp == '\r' || cp == 0xA0) {
			if (cp == ' ' && (i == 0 || text[i - 1] != ' '))
				gap = i;
			i += (size_t)k;
			continue;
		}
		/*
		 * Three spaces or more between two words of a line: PDF extraction
		 * turned lost letters into spaces ("tăng cường    luật").
		 */
		if (tok_line == line && gap < i && i - gap >= 3 && strspn(text + gap, " ") == i - gap) {
			int gcol = col_chars + (int)cps(col_from, (size_t)(text + gap - col_from)) + 1;
			add(&l, TTS_LINT_DAMAGED_SYLLABLE, line, gcol, text + gap, i - gap,
			    xasprintf(_("%d spaces inside a line: a word may have been lost when the text was copied"),
				      (int)(i - gap)));
		}
		tok_line = line;
		gap = len;
		size_t start = i;
		while (i < len) {
			k = utf8_decode(text + i, &cp);
			if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0)
				break;
			i += (size_t)k;
		}
		const char *tok = text + start;
		size_t tn = i - start;
		/* columns counted forward from the last token: linear on long lines */
		if (col_from < line_start) {
			col_from = line_start;
			col_chars = 0;
		}
		col_chars += (int)cps(col_from, (size_t)(tok - col_from));
		col_from = tok;
		int col = col_chars + 1;
		size_t cb = 0; /* within the token: characters before byte cb */
		int cc = 0;
		/* a list marker: a) 1) */
		if (tn <= 3 && tok[tn - 1] == ')' && tok == line_start + strspn(line_start, " \t"))
			continue;
		int has_digit = 0, letters = 0;
		for (size_t j = 0; j < tn; j++)
			has_digit |= isdigit((unsigned char)tok[j]) != 0;
		/* a document code: its letters are dropped, not read */
		int in_code = 0;
		if (has_digit) {
			size_t d = strspn(tok, "0123456789.");
			in_code = d && d + 1 < tn && (tok[d] == '/' || tok[d] == '-') &&
				  isupper((unsigned char)tok[d + 1]);
			if (!in_code && d + 2 < tn && (tok[d] == '/' || tok[d] == '-') &&
			    (unsigned char)tok[d + 1] == 0xc4) /* Đ */
				in_code = 1;
		}
		/* a whole token the lexicon knows (b/c), without its brackets */
		size_t ka = 0, kb = tn;
		while (ka < kb && strchr("([\"'", tok[ka]))
			ka++;
		while (kb > ka && strchr(")]\"',.;:", tok[kb - 1]))
			kb--;
		char *whole = xstrndup(tok + ka, kb - ka);
		int whole_known = tts_lexicon_lookup(lex, whole) != NULL;
		free(whole);
		if (whole_known)
			continue;
		/* an address: its symbol is reported, its parts are not words */
		int address = memchr(tok, '@', tn) || (tn > 4 && (strncmp(tok, "http", 4) == 0 ||
								  strncmp(tok, "www.", 4) == 0));
		size_t j = 0;
		while (j < tn) {
			k = utf8_decode(tok + j, &cp);
			if (odd_symbol(cp)) {
				cc += (int)cps(tok + cb, j - cb);
				cb = j;
				add(&l, TTS_LINT_SYMBOL, line, col + cc, tok + j, (size_t)k,
				    xasprintf(_("the symbol \"%.*s\" would be dropped or read oddly; write it in words"),
					      k, tok + j));
				j += (size_t)k;
				continue;
			}
			if (!vi_is_letter(cp)) {
				j += (size_t)k;
				continue;
			}
			size_t a = j;
			while (j < tn) {
				k = utf8_decode(tok + j, &cp);
				if (!vi_is_letter(cp))
					break;
				j += (size_t)k;
			}
			letters++;
			/* the words around: is this a line in capitals?  Counted once a line. */
			if (caps_line != line) {
				const char *ls = line_start;
				const char *le = strchr(ls, '\n');
				size_t ll = le ? (size_t)(le - ls) : strlen(ls);
				int caps = 0, lower = 0;
				for (size_t q = 0; q < ll;) {
					uint32_t c2;
					q += (size_t)utf8_decode(ls + q, &c2);
					if (vi_is_letter(c2))
						vi_is_upper(c2) ? caps++ : lower++;
				}
				caps_line = line;
				caps_context = caps > 3 * lower && caps > 6;
			}
			cc += (int)cps(tok + cb, a - cb);
			cb = a;
			if (!address)
				check_letters(&l, lex, tok + a, j - a, line, col + cc, in_code && a > 0,
					      caps_context);
		}
		/* numbers the normalizer cannot place: more than two separators of one kind */
		if (has_digit && !in_code) {
			int slashes = 0, colons = 0;
			for (size_t q = 0; q < tn; q++)
				slashes += tok[q] == '/', colons += tok[q] == ':';
			if (slashes > 2 || colons > 2)
				add(&l, TTS_LINT_NUMBER, line, col, tok, tn,
				    xasprintf(_("the number \"%.*s\" has no reading the normalizer knows; write it as a date, an amount or in words"),
					      (int)tn, tok));
		}
		/*
		 * A run of digits longer than any amount is read one digit at a
		 * time ("một một một ..."): for minutes, if it is 1000 long.
		 */
		size_t run = 0, longest = 0;
		for (size_t q = 0; q < tn; q++) {
			run = isdigit((unsigned char)tok[q]) ? run + 1 : 0;
			if (run > longest)
				longest = run;
		}
		if (longest > MAX_READ_DIGITS) {
			size_t shown = 0; /* twelve characters, not bytes */
			for (int q = 0; q < 12 && shown < tn; q++)
				shown += (size_t)utf8_decode(tok + shown, &cp);
			add(&l, TTS_LINT_NUMBER, line, col, tok, tn,
			    xasprintf(_("the number \"%.*s…\" is too long to read (%zu digits); write it in words or split it"),
				      (int)shown, tok, longest));
		}
		/* sentences: syllables until . ! ? ; : or a blank line */
		if (sent_syll == 0) {
			sent_line = line;
			sent_col = col;
		}
		sent_syll += letters ? letters : longest > MAX_READ_DIGITS ? (int)longest : has_digit;
		char last = tok[tn - 1];
		if (last == '.' || last == '!' || last == '?' || last == ';' || last == ':')
			end_sentence(&l, &sent_syll, sent_line, sent_col, max_syllables);
		else if (i + 1 < len && text[i] == '\n' && (text[i + 1] == '\n' || text[i + 1] == '\r'))
			end_sentence(&l, &sent_syll, sent_line, sent_col, max_syllables);
	}
	/* the last sentence, when the text does not end it with a full stop */
	end_sentence(&l, &sent_syll, sent_line, sent_col, max_syllables);
	free(copy);
	*out = l.f;
	*nout = l.n;
	return 0;
}
