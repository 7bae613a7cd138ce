/*
 * What PDF extraction breaks, put back.  A PDF has no paragraphs, only
 * lines placed on pages; the repair pass turns poppler's lines into the
 * paragraphs a reader sees:
 *
 *  - page headers and footers (a line at the top or bottom of most pages,
 *    the same but for its digits) and page numbers are dropped;
 *  - a line is joined to the one before with a space unless something ends
 *    the paragraph there: the next line opens with a heading or list marker
 *    (I., 1., a), -), the line before ends short (the next line's first
 *    word would have fitted after it), or a gap wider than the line spacing;
 *  - a syllable split at a line end ("T" + "ỉnh") or by a stray space
 *    inside a line ("Tr ường") is put together when the parts are not
 *    Vietnamese syllables and the whole is (the lint's check); a word
 *    hyphenated at a line end is joined without the hyphen;
 *  - runs of spaces become one.
 *
 * Every change is counted by kind (enum import_repair).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "import/import_int.h"
#include "tts/tts.h"

void
imp_lines_add(struct imp_lines *ls, const struct imp_line *l)
{
	if (ls->n == ls->cap)
		ls->l = xrealloc(ls->l, (ls->cap = ls->cap ? ls->cap * 2 : 64) * sizeof *ls->l);
	ls->l[ls->n] = *l;
	ls->l[ls->n].text = xstrdup(l->text);
	ls->n++;
}

void
imp_lines_clear(struct imp_lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->l[i].text);
	free(ls->l);
	memset(ls, 0, sizeof *ls);
}

static int
is_letter(uint32_t cp)
{
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL ||
	       c == UTF8PROC_CATEGORY_LT || c == UTF8PROC_CATEGORY_LO || c == UTF8PROC_CATEGORY_MN;
}

static int
is_upper(uint32_t cp)
{
	return utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LU;
}

/* Characters dropped from imported text: controls, soft hyphen, zero widths, BOM. */
static int
dropped(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp <= 0x9f) ||
	       cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF || cp == 0x2060 ||
	       (cp >= 0xFFF0 && cp <= 0xFFFF) || (cp >= 0xD800 && cp <= 0xDFFF);
}

static int
blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == 0xA0 || cp == 0x2007 ||
	       cp == 0x202F || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x3000;
}

int
imp_add_paragraph(struct sbuf *b, const char *p, size_t n, unsigned long *repairs)
{
	struct sbuf t = { 0 };
	int space = 0, run = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += (size_t)utf8_decode(p + i, &cp);
		if (dropped(cp))
			continue;
		if (blank(cp)) {
			space = 1;
			run++;
			continue;
		}
		if (space && t.len)
			sbuf_addc(&t, ' ');
		if (run > 1 && t.len && repairs)
			repairs[IMPORT_SPACES_FIXED]++;
		space = run = 0;
		char out[4];
		sbuf_add(&t, out, (size_t)utf8_encode(cp, out));
	}
	if (!t.len) {
		sbuf_free(&t);
		return 0;
	}
	if (b->len)
		sbuf_adds(b, "\n\n");
	sbuf_add(b, t.s, t.len);
	sbuf_free(&t);
	return 1;
}

/* ---- headings ---- */

/* The length of the Roman numeral (I to XXX) that opens s, or 0. */
static size_t
roman_len(const char *s)
{
	static const char *const units[] = { "VIII", "VII", "III", "IX", "IV", "VI", "II", "V", "I", "" };
	size_t t = strspn(s, "X");
	if (t > 3)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		size_t u = strlen(units[i]);
		if (strncmp(s + t, units[i], u) == 0 && !strchr("IVXLC", s[t + u] ? s[t + u] : 'a'))
			return t + u;
	}
	return 0;
}

size_t
imp_heading(const char *s, char label[16], int *level)
{
	label[0] = 0;
	*level = 0;
	/* bullets: "- ", "+ ", "• ", "– ", "* " */
	static const char *const bullets[] = { "- ", "+ ", "* ", "\xe2\x80\xa2 ", "\xe2\x80\x93 ",
					       "\xef\x82\xb7 ", "\xe2\x97\x8f " };
	for (size_t i = 0; i < ARRAY_LEN(bullets); i++)
		if (strncmp(s, bullets[i], strlen(bullets[i])) == 0) {
			*level = 5;
			return strlen(bullets[i]);
		}
	/* Điều 3. */
	if (strncmp(s, "\xc4\x90i\xe1\xbb\x81u ", 7) == 0 && isdigit((unsigned char)s[7])) {
		size_t d = strspn(s + 7, "0123456789");
		if (d <= 3 && (s[7 + d] == '.' || s[7 + d] == ':') && (s[8 + d] == ' ' || !s[8 + d])) {
			snprintf(label, 16, "%.*s", (int)d, s + 7);
			*level = 1;
			return 8 + d + (s[8 + d] == ' ');
		}
	}
	size_t r = roman_len(s);
	if (r && s[r] == '.' && (s[r + 1] == ' ' || !s[r + 1])) {
		snprintf(label, 16, "%.*s", (int)r, s);
		*level = 1;
		return r + 1 + (s[r + 1] == ' ');
	}
	if (isdigit((unsigned char)s[0])) {
		/* 1.  1.2.  1.2  (at most three numbers of two digits) */
		size_t i = 0, groups = 0;
		while (isdigit((unsigned char)s[i]) && groups < 3) {
			size_t d = strspn(s + i, "0123456789");
			if (d > 2)
				return 0;
			i += d;
			groups++;
			if (s[i] != '.')
				break;
			i++;
		}
		int dot = s[i - 1] == '.';
		if ((s[i] != ' ' && s[i]) || (!dot && groups < 2) || i >= 16)
			return 0;
		snprintf(label, 16, "%.*s", (int)(i - dot), s);
		*level = groups == 1 ? 2 : 3;
		return i + (s[i] == ' ');
	}
	/* a)  b)  đ) */
	uint32_t cp;
	int k = utf8_decode(s, &cp);
	if (is_letter(cp) && !is_upper(cp) && s[k] == ')' && (s[k + 1] == ' ' || !s[k + 1])) {
		snprintf(label, 16, "%.*s", k, s);
		*level = 4;
		return (size_t)k + 1 + (s[k + 1] == ' ');
	}
	return 0;
}

/* ---- syllables across a break ---- */

/* The letters at the end of s[0..n): their start. */
static size_t
tail_letters(const char *s, size_t n)
{
	size_t i = n;
	while (i > 0) {
		size_t j = i - 1;
		while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80)
			j--;
		uint32_t cp;
		utf8_decode(s + j, &cp);
		if (!is_letter(cp))
			break;
		i = j;
	}
	return i;
}

/* The length of the letters at the start of s. */
static size_t
head_letters(const char *s)
{
	size_t i = 0;
	while (s[i]) {
		uint32_t cp;
		int k = utf8_decode(s + i, &cp);
		if (!is_letter(cp))
			break;
		i += (size_t)k;
	}
	return i;
}

static int
first_upper(const char *s)
{
	uint32_t cp;
	utf8_decode(s, &cp);
	return is_upper(cp);
}

static int
all_upper(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += (size_t)utf8_decode(s + i, &cp);
		if (is_letter(cp) && !is_upper(cp) && utf8proc_category((utf8proc_int32_t)cp) != UTF8PROC_CATEGORY_MN)
			return 0;
	}
	return 1;
}

static int
joined_syllable(const char *x, size_t xn, const char *y, size_t yn)
{
	if (!xn || !yn || xn + yn > 24)
		return 0;
	char buf[64];
	memcpy(buf, x, xn);
	memcpy(buf + xn, y, yn);
	return tts_is_syllable(buf, xn + yn);
}

/*
 * Whether s[0..n) (letters, no syllable) is two syllables that lost the
 * space between them, in exactly one way, or at a small letter followed by
 * a capital ("HàNội"); *cut gets where.
 */
static int
two_syllables(const char *s, size_t n, size_t *cut)
{
	int ways = 0, upper_cut = 0;
	size_t at = 0;
	uint32_t prev = 0;
	for (size_t j = 0; j < n;) {
		j += (size_t)utf8_decode(s + j, &prev);
		uint32_t next = 0;
		if (j >= n)
			break;
		utf8_decode(s + j, &next);
		if (tts_is_syllable(s, j) && tts_is_syllable(s + j, n - j)) {
			int at_case = !is_upper(prev) && is_upper(next);
			if (!upper_cut || at_case)
				at = j;
			upper_cut |= at_case;
			ways++;
		}
	}
	if (cut)
		*cut = at;
	return ways == 1 || upper_cut;
}

/*
 * A line end inside the diphthong iê/yê or ươ leaves two parts that each
 * pass the syllable check though neither is a word: "truy|ền", "nghi|ệp",
 * "Nguy|ễn", "đư|ờng".  x ends with i, y or ư and b opens with ê or ơ
 * (any tone, any case).
 */
static int
diphthong_split(const char *x, size_t xn, const char *b)
{
	size_t j = xn - 1;
	while (j > 0 && ((unsigned char)x[j] & 0xc0) == 0x80)
		j--;
	uint32_t last, first;
	utf8_decode(x + j, &last);
	utf8_decode(b, &first);
	last = (uint32_t)utf8proc_tolower((utf8proc_int32_t)last);
	first = (uint32_t)utf8proc_tolower((utf8proc_int32_t)first);
	/* the base letter of the first: ê or ơ with any tone decomposes to e+302 or o+31b */
	const utf8proc_int32_t *dec = NULL;
	utf8proc_int32_t buf[4];
	utf8proc_ssize_t n = utf8proc_decompose_char((utf8proc_int32_t)first, buf, 4, UTF8PROC_DECOMPOSE, NULL);
	dec = buf;
	int e_hat = n >= 2 && dec[0] == 'e' && dec[1] == 0x302;
	int o_horn = n >= 2 && dec[0] == 'o' && dec[1] == 0x31B;
	return ((last == 'i' || last == 'y') && e_hat) || (last == 0x1B0 && o_horn);
}

/*
 * Whether the word ending a[0..an) and the word opening b are one syllable
 * split in two: neither part is a syllable (inside a line), or one of them
 * is not (at a line end), the whole is, and the second part does not open
 * with a capital unless the first is in capitals.
 */
static int
split_syllable(const char *a, size_t an, const char *b, int strict)
{
	size_t xs = tail_letters(a, an);
	size_t xn = an - xs, yn = head_letters(b);
	if (!xn || !yn)
		return 0;
	if (first_upper(b) && !all_upper(a + xs, xn))
		return 0;
	int sx = tts_is_syllable(a + xs, xn), sy = tts_is_syllable(b, yn);
	if (strict ? (sx || sy) : (sx && sy && !diphthong_split(a + xs, xn, b)))
		return 0;
	/* the second part must end its word: "T ỉnh," yes, "T ỉnh2" no */
	uint32_t cp = 0;
	if (b[yn])
		utf8_decode(b + yn, &cp);
	if (cp && !blank(cp) && !strchr(".,;:!?)\"'", (int)(cp < 0x80 ? cp : 'x')) &&
	    cp != 0x201D && cp != 0x2019)
		return 0;
	if (joined_syllable(a + xs, xn, b, yn))
		return 1;
	/* two words that lost their space, the second split at the line end: "tráchnhiệ" + "m" */
	if (!strict && !sx && !sy && xn + yn <= 48) {
		char buf[64];
		memcpy(buf, a + xs, xn);
		memcpy(buf + xn, b, yn);
		return two_syllables(buf, xn + yn, NULL);
	}
	return 0;
}

/* Stray spaces inside a word of one line ("Tr ường" → "Trường"); counts them. */
static char *
fix_inline(const char *s, unsigned long *repairs)
{
	struct sbuf b = { 0 };
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ' && b.len && i + 1 < n && split_syllable(b.s, b.len, s + i + 1, 1)) {
			repairs[IMPORT_SYLLABLES_JOINED]++;
			continue;
		}
		sbuf_addc(&b, s[i]);
	}
	return b.s ? sbuf_steal(&b) : xstrdup("");
}

/*
 * A space PDF extraction lost between two syllables ("giảiquyết"): a word
 * with a letter beyond ASCII (loanwords and acronyms in plain Latin letters
 * are left alone) that is no syllable but is two gets its space back.  Run
 * on whole paragraphs, once the lines are joined: a line's last word may go
 * on in the next.
 */
static char *
restore_spaces(const char *s, unsigned long *repairs)
{
	struct sbuf b = { 0 };
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(s + i, &cp);
		if (!is_letter(cp)) {
			sbuf_add(&b, s + i, (size_t)k);
			i += (size_t)k;
			continue;
		}
		size_t a = i, wide = 0;
		while (i < n) {
			k = utf8_decode(s + i, &cp);
			if (!is_letter(cp))
				break;
			wide |= cp >= 0x80;
			i += (size_t)k;
		}
		size_t len = i - a, cut = 0;
		if (wide && len <= 48 && !tts_is_syllable(s + a, len) &&
		    two_syllables(s + a, len, &cut)) {
			sbuf_add(&b, s + a, cut);
			sbuf_addc(&b, ' ');
			sbuf_add(&b, s + a + cut, len - cut);
			repairs[IMPORT_SPACES_RESTORED]++;
		} else {
			sbuf_add(&b, s + a, len);
		}
	}
	return b.s ? sbuf_steal(&b) : xstrdup("");
}

/* ---- headers, footers, page numbers ---- */

/* The line with its digits made '#' and white space made one: how repeats are compared. */
static char *
repeat_key(const char *s)
{
	struct sbuf b = { 0 };
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (!b.len || b.s[b.len - 1] != '#')
				sbuf_addc(&b, '#');
		} else if (*p != ' ' && *p != '\t') {
			sbuf_addc(&b, *p);
		}
	}
	return b.s ? sbuf_steal(&b) : xstrdup("");
}

/* "3", "- 3 -", "Trang 3", "Page 3", "3/12", "3 / 12": the number, or -1. */
static long
page_number(const char *s)
{
	const char *p = s;
	while (*p == '-' || *p == ' ' || *p == '[' || *p == '(')
		p++;
	if (strncmp(p, "Trang ", 6) == 0 || strncmp(p, "trang ", 6) == 0)
		p += 6;
	else if (strncmp(p, "Page ", 5) == 0)
		p += 5;
	size_t d = strspn(p, "0123456789");
	if (!d || d > 4)
		return -1;
	long v = strtol(p, NULL, 10);
	p += d;
	while (*p == ' ')
		p++;
	if (*p == '/') {
		p++;
		while (*p == ' ')
			p++;
		p += strspn(p, "0123456789");
	}
	while (*p == '-' || *p == ' ' || *p == ']' || *p == ')')
		p++;
	return *p ? -1 : v;
}

#define EDGE_LINES 8 /* lines at the top and at the bottom of a page a header or footer may take */

struct page_span {
	size_t first, count;
};

/*
 * The key stands at position pos (counted in non-empty lines from that end),
 * or one off (a page number above or below it on some pages), on page pg.
 */
static int
at_edge(const struct imp_lines *ls, char **keys, const struct page_span *pg, int bottom,
	const char *key, int pos)
{
	int seen = 0;
	for (size_t k = 0; k < pg->count && seen <= pos + 1; k++) {
		size_t i = bottom ? pg->first + pg->count - 1 - k : pg->first + k;
		if (!ls->l[i].text[0])
			continue;
		if (seen >= pos - 1 && keys[i] && strcmp(keys[i], key) == 0)
			return 1;
		seen++;
	}
	return 0;
}

/*
 * Marks lines to drop, walking in from the top and from the bottom of each
 * page while the next line is a page number (close to the page's own
 * number) or repeats, digits aside, at that end of at least half the pages
 * (two at least): a header or footer of any number of lines.
 */
static void
mark_repeats(struct imp_lines *ls, char *drop, unsigned long *repairs)
{
	int pages = ls->pages;
	struct page_span *pg = xcalloc((size_t)pages + 1, sizeof *pg);
	for (size_t i = 0; i < ls->n; i++) {
		int p = ls->l[i].page;
		if (p < 0 || p >= pages)
			continue;
		if (!pg[p].count)
			pg[p].first = i;
		pg[p].count = i - pg[p].first + 1;
	}
	char **keys = xcalloc(ls->n + 1, sizeof *keys);
	for (int p = 0; p < pages; p++)
		for (int bottom = 0; bottom < 2; bottom++) {
			int seen = 0;
			for (size_t k = 0; k < pg[p].count && seen < EDGE_LINES; k++) {
				size_t i = bottom ? pg[p].first + pg[p].count - 1 - k : pg[p].first + k;
				if (ls->l[i].text[0] && !keys[i]) {
					keys[i] = repeat_key(ls->l[i].text);
					seen++;
				}
			}
		}
	int need = pages / 2 > 2 ? pages / 2 : 2;
	for (int p = 0; p < pages; p++)
		for (int bottom = 0; bottom < 2; bottom++) {
			int pos = -1;
			for (size_t k = 0; k < pg[p].count && pos + 1 < EDGE_LINES; k++) {
				size_t i = bottom ? pg[p].first + pg[p].count - 1 - k : pg[p].first + k;
				if (!ls->l[i].text[0] || drop[i])
					continue;
				pos++;
				long v = page_number(ls->l[i].text);
				if (v >= 0 && labs(v - (p + 1)) <= 2) {
					drop[i] = 1;
					repairs[IMPORT_PAGE_NUMBERS_DROPPED]++;
					continue;
				}
				if (pages < 2 || !keys[i] || !keys[i][0])
					break;
				int on = 0;
				for (int q = 0; q < pages && on < need; q++)
					on += at_edge(ls, keys, &pg[q], bottom, keys[i], pos);
				if (on < need)
					break;
				drop[i] = 1;
				repairs[IMPORT_HEADERS_DROPPED]++;
			}
		}
	for (size_t i = 0; i < ls->n; i++)
		free(keys[i]);
	free(keys);
	free(pg);
}

/* ---- paragraphs ---- */

static int
ends_sentence(const char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '"' || s[n - 1] == ')'))
		n--;
	return n && strchr(".:;!?", s[n - 1]);
}

static double
median(double *v, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 1; i < n; i++) /* insertion sort: a page has few lines */
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/*
 * Does the paragraph end between line a and line b (the next kept line)?
 * right is a's page's right margin, step the usual distance from one line
 * to the next.
 */
static int
breaks(const struct imp_line *a, const struct imp_line *b, double right, double step)
{
	if (!a->text[0] || !b->text[0])
		return 1;
	char label[16];
	int level;
	if (imp_heading(b->text, label, &level))
		return 1;
	/* the next line's first word would have fitted after this one */
	if (a->x1 + a->space_w + b->first_word_w < right - 0.5 * a->space_w)
		return 1;
	if (a->page == b->page && step > 0 && b->y0 - a->y0 > 1.6 * step)
		return 1;
	/* a new line indented well past this one, after a full stop */
	if (ends_sentence(a->text) && b->x0 > a->x0 + 4 * a->space_w)
		return 1;
	return 0;
}

static int
is_digit_cp(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

/*
 * A word longer than the line is broken where the line ends: the line
 * before holds that one word and reaches the right margin.  The two sides
 * join when they are of a kind (digits, or letters that are not two
 * syllables) or meet at a / - . @ (codes, addresses).
 */
static int
forced_break(const struct imp_line *a, const struct imp_line *b, double right)
{
	if (strchr(a->text, ' ') || a->x1 < right - 3 * a->space_w)
		return 0;
	size_t an = strlen(a->text);
	size_t j = an - 1;
	while (j > 0 && ((unsigned char)a->text[j] & 0xc0) == 0x80)
		j--;
	uint32_t x, y;
	utf8_decode(a->text + j, &x);
	utf8_decode(b->text, &y);
	if (x < 0x80 && strchr("/-.@_", (int)x))
		return 1;
	if (y < 0x80 && strchr("/-.@_", (int)y))
		return 1;
	if (is_digit_cp(x) && is_digit_cp(y))
		return 1;
	if (is_letter(x) && is_letter(y)) {
		size_t xs = tail_letters(a->text, an), yn = head_letters(b->text);
		if (all_upper(a->text + xs, an - xs) != all_upper(b->text, yn))
			return 0; /* "MTTQVN" + "xã": an acronym, then a word */
		return !(tts_is_syllable(a->text + xs, an - xs) && tts_is_syllable(b->text, yn));
	}
	return 0;
}

/* A paragraph put together: its lost spaces back (whole words only now), out. */
static void
flush(struct sbuf *out, const struct sbuf *para, unsigned long *repairs)
{
	char *t = restore_spaces(para->s ? para->s : "", repairs);
	imp_add_paragraph(out, t, strlen(t), NULL);
	free(t);
}

char *
imp_repair_lines(struct imp_lines *ls, unsigned long *repairs)
{
	/* the lines' own spaces first, so that repeats compare and syllables are seen */
	for (size_t i = 0; i < ls->n; i++) {
		struct sbuf t = { 0 };
		imp_add_paragraph(&t, ls->l[i].text, strlen(ls->l[i].text), repairs);
		char *fixed = fix_inline(t.s ? t.s : "", repairs);
		sbuf_free(&t);
		free(ls->l[i].text);
		ls->l[i].text = fixed;
	}
	/*
	 * Pieces of one line: poppler cuts a justified line whose spaces are
	 * wide into several, one after another on the same baseline.
	 */
	size_t kept = 0;
	for (size_t i = 0; i < ls->n; i++) {
		struct imp_line *l = &ls->l[i], *p = kept ? &ls->l[kept - 1] : NULL;
		double h = l->y1 - l->y0;
		if (p && p->page == l->page && l->text[0] && p->text[0] && h > 0 &&
		    fabs(l->y0 - p->y0) < 0.3 * h && fabs(l->y1 - p->y1) < 0.3 * h &&
		    l->x0 >= p->x1 - 0.5 * l->space_w) {
			char *t = xasprintf("%s %s", p->text, l->text);
			free(p->text);
			p->text = t;
			p->x1 = l->x1;
			free(l->text);
			continue;
		}
		ls->l[kept++] = *l;
	}
	ls->n = kept;
	char *drop = xcalloc(ls->n + 1, 1);
	mark_repeats(ls, drop, repairs);

	/* each page's right margin and line step */
	double *right = xcalloc((size_t)ls->pages + 1, sizeof *right);

	double *steps = xcalloc(ls->n + 1, sizeof *steps);
	size_t nsteps = 0;
	const struct imp_line *prev = NULL;
	for (size_t i = 0; i < ls->n; i++) {
		const struct imp_line *l = &ls->l[i];
		if (drop[i] || !l->text[0])
			continue;
		if (l->page >= 0 && l->page < ls->pages && l->x1 > right[l->page])
			right[l->page] = l->x1;
		if (prev && prev->page == l->page && l->y0 > prev->y0)
			steps[nsteps++] = l->y0 - prev->y0;
		prev = l;
	}
	double step = median(steps, nsteps);
	free(steps);

	struct sbuf out = { 0 }, para = { 0 };
	prev = NULL;
	for (size_t i = 0; i <= ls->n; i++) {
		const struct imp_line *l = i < ls->n ? &ls->l[i] : NULL;
		if (l && drop[i])
			continue;
		if (l && !l->text[0] && prev) { /* an empty line ends a paragraph */
			flush(&out, &para, repairs);
			sbuf_free(&para);
			prev = NULL;
			continue;
		}
		if (l && !l->text[0])
			continue;
		if (prev && l) {
			double r = prev->page >= 0 && prev->page < ls->pages ? right[prev->page] : prev->x1;
			if (!breaks(prev, l, r, step)) {
				/* one paragraph: join, mending the word split at the line end */
				size_t n = para.len;
				if (n >= 2 && para.s[n - 1] == '-') {
					size_t xs = tail_letters(para.s, n - 1);
					size_t xn = n - 1 - xs, yn = head_letters(l->text);
					if (xn && yn && !first_upper(l->text) &&
					    (joined_syllable(para.s + xs, xn, l->text, yn) ||
					     (!tts_is_syllable(para.s + xs, xn) &&
					      !tts_is_syllable(l->text, yn)))) {
						para.len--;
						para.s[para.len] = 0;
						repairs[IMPORT_HYPHENS_REMOVED]++;
					} else if (n >= 2 && para.s[n - 2] == ' ') {
						sbuf_addc(&para, ' '); /* "kinh tế -" + "xã hội" */
					} /* else a hyphen of its own: "2021-" + "2030", "QĐ-" + "UBND" */
				} else if (split_syllable(para.s, para.len, l->text, 0)) {
					repairs[IMPORT_SYLLABLES_JOINED]++;
				} else if (forced_break(prev, l, r)) {
					repairs[IMPORT_WORDS_JOINED]++;
				} else {
					sbuf_addc(&para, ' ');
				}
				sbuf_adds(&para, l->text);
				repairs[IMPORT_LINES_JOINED]++;
				prev = l;
				continue;
			}
		}
		if (prev)
			flush(&out, &para, repairs);
		sbuf_free(&para);
		if (!l)
			break;
		sbuf_adds(&para, l->text);
		prev = l;
	}
	sbuf_free(&para);
	free(right);
	free(drop);
	return out.s ? sbuf_steal(&out) : xstrdup("");
}

/* ---- text without geometry ---- */

/* A line's width is its length in characters; a space is one. */
static void
text_geometry(struct imp_line *l, double y)
{
	size_t chars = 0, first = 0;
	int in_first = 1;
	for (const char *p = l->text; *p;) {
		uint32_t cp;
		p += utf8_decode(p, &cp);
		chars++;
		if (in_first && cp == ' ' && first)
			in_first = 0;
		else if (in_first && cp != ' ')
			first++;
	}
	l->x0 = 0;
	l->x1 = (double)chars;
	l->first_word_w = (double)first;
	l->space_w = 1;
	l->y0 = y;
	l->y1 = y + 1;
}

char *
import_repair_text(const char *text, size_t len, unsigned long repairs[IMPORT_N_REPAIRS])
{
	struct imp_lines ls = { 0 };
	int page = 0;
	size_t i = 0;
	double y = 0;
	while (i <= len) {
		size_t e = i;
		while (e < len && text[e] != '\n' && text[e] != '\f')
			e++;
		struct imp_line l = { 0 };
		l.text = xstrndup(text + i, e - i);
		l.page = page;
		text_geometry(&l, y);
		y += 1;
		imp_lines_add(&ls, &l);
		free(l.text);
		if (e < len && text[e] == '\f') {
			page++;
			y = 0;
		}
		i = e + 1;
	}
	ls.pages = page + 1;
	char *out = imp_repair_lines(&ls, repairs);
	imp_lines_clear(&ls);
	return out;
}
