/*
 * Vietnamese letters and syllables.  A syllable is an onset (possibly none),
 * a rhyme from the closed set of Vietnamese rhymes, and one tone mark; the
 * check tells words from acronyms in capitals ("NỘI DUNG" vs "UBND") and
 * finds what PDF extraction broke ("đ u", "ph ng").  The tokenizer cuts a
 * text into words, numbers and symbols for the normalizer and the lint.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/base.h"
#include "tts/text.h"

char *
vi_lower(const char *s, size_t n)
{
	struct sbuf b = { 0 };
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		int k = utf8_decode(s + i, &cp);
		char out[4];
		int m = utf8_encode((uint32_t)utf8proc_tolower((utf8proc_int32_t)cp), out);
		sbuf_add(&b, out, (size_t)m);
		i += (size_t)k;
	}
	return sbuf_steal(&b);
}

int
vi_is_letter(uint32_t cp)
{
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL ||
	       c == UTF8PROC_CATEGORY_LT || c == UTF8PROC_CATEGORY_LO ||
	       c == UTF8PROC_CATEGORY_MN;
}

int
vi_is_upper(uint32_t cp)
{
	return utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LU;
}

int
vi_all_caps(const char *s, size_t n)
{
	size_t i = 0;
	int letters = 0;
	while (i < n) {
		uint32_t cp;
		i += (size_t)utf8_decode(s + i, &cp);
		if (vi_is_letter(cp)) {
			if (!vi_is_upper(cp))
				return 0;
			letters++;
		}
	}
	return letters >= 2;
}

static const struct {
	uint32_t cp;
	const char *name;
} letter_names[] = {
	{ 'A', "a" }, { 'B', "bê" }, { 'C', "xê" }, { 'D', "dê" }, { 0x110, "đê" }, { 'E', "e" },
	{ 'F', "ép" }, { 'G', "giê" }, { 'H', "hát" }, { 'I', "i" }, { 'J', "gi" }, { 'K', "ca" },
	{ 'L', "e lờ" }, { 'M', "em mờ" }, { 'N', "en nờ" }, { 'O', "o" }, { 'P', "pê" },
	{ 'Q', "quy" }, { 'R', "e rờ" }, { 'S', "ét" }, { 'T', "tê" }, { 'U', "u" }, { 'V', "vê" },
	{ 'W', "vê kép" }, { 'X', "ích xì" }, { 'Y', "i dài" }, { 'Z', "dét" },
	{ 0xC2, "ớ" }, { 0x102, "á" }, { 0xCA, "ê" }, { 0xD4, "ô" }, { 0x1A0, "ơ" }, { 0x1AF, "ư" },
};

const char *
vi_letter_name(uint32_t cp)
{
	uint32_t up = (uint32_t)utf8proc_toupper((utf8proc_int32_t)cp);
	for (size_t i = 0; i < ARRAY_LEN(letter_names); i++)
		if (letter_names[i].cp == up)
			return letter_names[i].name;
	return NULL;
}

/* Rhymes without tone; the vowels keep their hats and horns. */
static const char *const rhymes[] = {
	"a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay",
	"ăc", "ăm", "ăn", "ăng", "ăp", "ăt",
	"âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây",
	"e", "ec", "em", "en", "eng", "eo", "ep", "et",
	"ê", "êch", "êm", "ên", "ênh", "êp", "êt", "êu",
	"i", "ia", "ich", "im", "in", "inh", "ip", "it", "iu",
	"iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu",
	"o", "oc", "oi", "om", "on", "ong", "op", "ot", "ooc", "oong",
	"ô", "ôc", "ôi", "ôm", "ôn", "ông", "ôp", "ôt",
	"ơ", "ơi", "ơm", "ơn", "ơp", "ơt",
	"u", "ua", "uc", "ui", "um", "un", "ung", "up", "ut",
	"uôc", "uôi", "uôm", "uôn", "uông", "uôt",
	"ư", "ưa", "ưc", "ưi", "ưm", "ưn", "ưng", "ưt", "ưu",
	"ươc", "ươi", "ươm", "ươn", "ương", "ươp", "ươt", "ươu",
	"y", "yêm", "yên", "yêt", "yêu",
	"oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oao", "oap", "oat", "oay",
	"oăc", "oăm", "oăn", "oăng", "oăt",
	"oe", "oen", "oeo", "oet",
	"uân", "uâng", "uât", "uây",
	"uê", "uêch", "uênh",
	"uy", "uya", "uych", "uyên", "uyêt", "uynh", "uyp", "uyt", "uyu",
	"uơ",
};

/* qu- and gi- take rhymes with their own first vowel folded in. */
static const char *const qu_rhymes[] = {
	"a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay",
	"ăc", "ăm", "ăn", "ăng", "ăt", "ân", "âng", "ât", "ây",
	"e", "en", "eo", "et", "ê", "êch", "ên", "ênh", "êt",
	"y", "ych", "ynh", "yên", "yêt", "yt", "i", "it", "in",
	"ô", "ôc", "ơ", "ơi", "ơn",
	"yêt", "uy",
};

static const char *const onsets[] = {
	"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
	"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
};

static int
in_set(const char *r, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(r, set[i]) == 0)
			return 1;
	return 0;
}

/*
 * Lower case without the five tone marks, NFC; NULL when two tones or a
 * non-letter.  *tone gets the tone's combining mark, 0 for none.
 */
static char *
toneless(const char *s, size_t n, uint32_t *tone)
{
	*tone = 0;
	char *low = vi_lower(s, n);
	utf8proc_uint8_t *d = NULL;
	utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)low, 0, &d,
					    UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
	free(low);
	if (len < 0)
		return NULL;
	struct sbuf b = { 0 };
	int tones = 0;
	for (utf8proc_ssize_t i = 0; i < len;) {
		uint32_t cp;
		int k = utf8_decode((const char *)d + i, &cp);
		i += k;
		if (cp == 0x300 || cp == 0x301 || cp == 0x303 || cp == 0x309 || cp == 0x323) {
			tones++;
			*tone = cp;
			continue;
		}
		if (!(cp >= 'a' && cp <= 'z') && cp != 0x306 && cp != 0x302 && cp != 0x31B &&
		    cp != 0x111) {
			free(d);
			sbuf_free(&b);
			return NULL;
		}
		sbuf_add(&b, (const char *)d + i - k, (size_t)k);
	}
	free(d);
	if (tones > 1 || !b.s) {
		sbuf_free(&b);
		return NULL;
	}
	char *nfc = utf8_nfc(b.s);
	sbuf_free(&b);
	return nfc;
}

static int
starts_front(const char *r)
{
	return r[0] == 'i' || r[0] == 'e' || strncmp(r, "ê", strlen("ê")) == 0;
}

/*
 * Spelling rules that tie an onset to its rhyme: k, gh, ngh before i e ê
 * (and k before y); c, g, ng elsewhere; iê opens a syllable only after a
 * consonant (yên, yêu otherwise), yê only without one.
 */
static int
onset_fits(const char *o, const char *r)
{
	int front = starts_front(r);
	if (strcmp(o, "k") == 0)
		return front || r[0] == 'y';
	if (strcmp(o, "gh") == 0 || strcmp(o, "ngh") == 0)
		return front;
	if (strcmp(o, "c") == 0 || strcmp(o, "ng") == 0)
		return !front && r[0] != 'y';
	if (strcmp(o, "g") == 0)
		return !front || r[0] == 'i'; /* gì, gìn */
	if (!*o && strncmp(r, "iê", strlen("iê")) == 0)
		return 0;
	if (*o && strcmp(o, "qu") != 0 && strncmp(r, "yê", strlen("yê")) == 0)
		return 0;
	return 1;
}

/*
 * Syllables closed by p, t, c, ch take only the sắc or nặng tone.  No tone
 * at all is let through: "thưc" is a typing slip a listener still
 * understands, not letters lost.
 */
static int
tone_fits(const char *r, uint32_t tone)
{
	size_t n = strlen(r);
	int stop = n && (r[n - 1] == 'p' || r[n - 1] == 't' || r[n - 1] == 'c' ||
			 (n >= 2 && strcmp(r + n - 2, "ch") == 0));
	return !stop || tone == 0 || tone == 0x301 || tone == 0x323;
}

int
vi_is_syllable(const char *s, size_t n)
{
	if (n == 0 || n > 24)
		return 0;
	uint32_t tone;
	char *t = toneless(s, n, &tone);
	if (!t)
		return 0;
	int ok = 0;
	for (size_t i = 0; i < ARRAY_LEN(onsets) && !ok; i++) {
		size_t ol = strlen(onsets[i]);
		if (strncmp(t, onsets[i], ol) != 0)
			continue;
		const char *r = t + ol;
		if (!*r || !tone_fits(r, tone) || !onset_fits(onsets[i], r))
			continue;
		if (strcmp(onsets[i], "qu") == 0)
			ok = in_set(r, qu_rhymes, ARRAY_LEN(qu_rhymes));
		else if (strcmp(onsets[i], "gi") == 0)
			ok = in_set(r, qu_rhymes, ARRAY_LEN(qu_rhymes)) ||
			     in_set(r, rhymes, ARRAY_LEN(rhymes));
		else
			ok = in_set(r, rhymes, ARRAY_LEN(rhymes));
		/* gi + iê rhymes lose their i: giếng, giêng, giết */
		if (!ok && strcmp(onsets[i], "gi") == 0) {
			char *withi = xasprintf("i%s", r);
			ok = in_set(withi, rhymes, ARRAY_LEN(rhymes));
			free(withi);
		}
	}
	free(t);
	return ok;
}

/* ---- the tokenizer ---- */

/* White space and what is read as such: controls, no-break and zero-width spaces, a BOM. */
static int
is_blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp < 0x20 || cp == 0x7f ||
	       (cp >= 0x80 && cp <= 0xa0) || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200b) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 ||
	       cp == 0xfeff;
}

/* Symbols folded to one form: dashes to '-', typographic quotes to ASCII ones. */
static uint32_t
fold_symbol(uint32_t cp, uint8_t *flags)
{
	switch (cp) {
	case 0x2212: /* minus sign */
	case 0xfe63:
	case 0xff0d:
		*flags |= VI_MINUS;
		return '-';
	case 0x2010:
	case 0x2011:
	case 0x2012:
	case 0x2013:
	case 0x2014:
	case 0x2015:
		return '-';
	case 0x201c:
	case 0x201d:
	case 0x201e:
	case 0xab:
	case 0xbb:
		return '"';
	case 0x2018:
	case 0x2019:
	case 0x201a:
		return '\'';
	case 0xff05:
		return '%';
	default:
		return cp;
	}
}

static int
ascii_letter(unsigned c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static struct vi_tok *
new_tok(struct vi_tokens *tk)
{
	if (tk->n == tk->cap)
		tk->t = xrealloc(tk->t, (tk->cap = tk->cap ? tk->cap * 2 : 256) * sizeof *tk->t);
	return &tk->t[tk->n++];
}

/* Appends bytes to the lower-case buffer, whose room vi_tokenize() made beforehand. */
static inline void
low_put(struct sbuf *b, const char *s, size_t n)
{
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

void
vi_tokenize(const char *text, size_t len, struct vi_tokens *tk)
{
	memset(tk, 0, sizeof *tk);
	/* lower case takes at most 3 bytes for 2 (Ⱥ → ⱥ), and a NUL ends each word */
	tk->low.cap = 2 * len + 16;
	tk->low.s = xmalloc(tk->low.cap);
	tk->low.s[0] = 0;
	uint32_t line = 1, col = 1;
	unsigned gap = 0;
	int bol = 1;
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		uint32_t cp;
		int k = c < 0x80 ? (cp = c, 1) : utf8_decode(text + i, &cp);
		if (c == '\n') {
			line++, col = 1, gap = 0, bol = 1;
			i++;
			continue;
		}
		if (cp == 0xad) { /* a soft hyphen: not there */
			i += (size_t)k;
			continue;
		}
		if (is_blank(cp)) {
			gap++, col++;
			i += (size_t)k;
			continue;
		}
		struct vi_tok *t = new_tok(tk);
		*t = (struct vi_tok){ .off = (uint32_t)i, .line = line, .col = col,
				      .gap = gap > 0xffff ? 0xffff : (uint16_t)gap,
				      .flags = bol ? VI_BOL : 0 };
		gap = 0, bol = 0;
		if (c >= '0' && c <= '9') {
			size_t j = i;
			while (j < len && text[j] >= '0' && text[j] <= '9')
				j++;
			t->kind = VI_NUM;
			t->len = (uint32_t)(j - i);
			col += (uint32_t)(j - i);
			i = j;
			continue;
		}
		if (c < 0x80 ? ascii_letter(c) : vi_is_letter(cp)) {
			t->kind = VI_WORD;
			t->aux = (uint32_t)tk->low.len;
			int letters = 0, upper = 0, lower = 0, ascii = 1, first_upper = -1;
			size_t j = i;
			while (j < len) {
				unsigned char d = (unsigned char)text[j];
				uint32_t q;
				int m;
				if (d < 0x80) {
					if (!ascii_letter(d))
						break;
					q = d, m = 1;
					int up = d < 'a';
					upper += up, lower += !up;
					if (first_upper < 0)
						first_upper = up;
					char lc = (char)(d | 0x20);
					low_put(&tk->low, &lc, 1);
				} else {
					m = utf8_decode(text + j, &q);
					if (!vi_is_letter(q))
						break;
					ascii = 0;
					utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)q);
					int up = cat == UTF8PROC_CATEGORY_LU;
					upper += up, lower += cat == UTF8PROC_CATEGORY_LL;
					if (first_upper < 0 && cat != UTF8PROC_CATEGORY_MN)
						first_upper = up;
					char o[4];
					int w = utf8_encode((uint32_t)utf8proc_tolower((utf8proc_int32_t)q), o);
					low_put(&tk->low, o, (size_t)w);
				}
				letters++;
				col++;
				j += (size_t)m;
			}
			low_put(&tk->low, "", 1);
			t->len = (uint32_t)(j - i);
			if (upper >= 2 && !lower)
				t->flags |= VI_CAPS;
			if (first_upper == 1)
				t->flags |= VI_UPPER;
			if (ascii)
				t->flags |= VI_ASCII;
			i = j;
			continue;
		}
		t->kind = VI_SYM;
		t->len = (uint32_t)k;
		t->aux = fold_symbol(cp, &t->flags);
		col++;
		i += (size_t)k;
	}
	tk->lines = line;
}

void
vi_tokens_free(struct vi_tokens *tk)
{
	free(tk->t);
	sbuf_free(&tk->low);
	memset(tk, 0, sizeof *tk);
}
