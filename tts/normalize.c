/*
 * The normalizer: written administrative Vietnamese → what an announcer
 * says (northern reading), line by line.  Conventions: DESIGN.md "Spoken
 * form".  Each line is cut at white space into chunks; a chunk is its
 * leading punctuation, a core, and its trailing punctuation, and the core is
 * read by what it looks like (a date, a time, a document code, a phone
 * number, an amount, an acronym, a word) and by the words before it ("ngày",
 * "quý", "tổng đài", ...).  Pure: no I/O, linear in the input.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tts/text.h"
#include "tts/tts.h"

/* Longer digit runs are read digit by digit (espeak-ng stalls on them). */
#define MAX_CARDINAL_DIGITS 15

static const char *const digit_words[] = { "không", "một", "hai", "ba", "bốn",
					   "năm", "sáu", "bảy", "tám", "chín" };

struct chunk {
	const char *lead, *core, *trail; /* lead..core..trail..end */
	size_t nlead, ncore, ntrail;
	char *lower; /* lower-case core */
};

struct out {
	struct sbuf b;
	const struct tts_lexicon *lex;
};

static void
word(struct out *o, const char *w)
{
	if (!*w)
		return;
	if (o->b.len && o->b.s[o->b.len - 1] != ' ')
		sbuf_addc(&o->b, ' ');
	sbuf_adds(&o->b, w);
}

/* A pause mark, attached to the word before it. */
static void
pause_mark(struct out *o, char c)
{
	if (!o->b.len)
		return;
	char last = o->b.s[o->b.len - 1];
	if (last == ',' || last == '.' || last == ';' || last == ':' || last == '?' || last == '!')
		return;
	sbuf_addc(&o->b, c);
}

/* ---- numbers ---- */

static void
triple(struct out *o, int h, int t, int u, int full)
{
	if (full || h) {
		word(o, digit_words[h]);
		word(o, "trăm");
	}
	if (t == 0) {
		if (u) {
			if (full || h)
				word(o, "linh");
			word(o, digit_words[u]);
		}
		return;
	}
	if (t == 1) {
		word(o, "mười");
		if (u == 5)
			word(o, "lăm");
		else if (u)
			word(o, digit_words[u]);
		return;
	}
	word(o, digit_words[t]);
	word(o, "mươi");
	if (u == 1)
		word(o, "mốt");
	else if (u == 4)
		word(o, "tư");
	else if (u == 5)
		word(o, "lăm");
	else if (u)
		word(o, digit_words[u]);
}

static void
digits_one_by_one(struct out *o, const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] >= '0' && d[i] <= '9')
			word(o, digit_words[d[i] - '0']);
}

/* Up to nine digits with nghìn and triệu; `started`: higher groups were read. */
static void
cardinal_small(struct out *o, const char *d, size_t n, int started)
{
	static const char *const scale[] = { "", "nghìn", "triệu" };
	int groups = (int)((n + 2) / 3);
	size_t first = n - (size_t)(groups - 1) * 3;
	for (int g = groups - 1; g >= 0; g--) {
		const char *p = d + (g == groups - 1 ? 0 : first + (size_t)(groups - 2 - g) * 3);
		size_t len = g == groups - 1 ? first : 3;
		int v[3] = { 0, 0, 0 };
		for (size_t i = 0; i < len; i++)
			v[3 - len + i] = p[i] - '0';
		if (!v[0] && !v[1] && !v[2])
			continue;
		triple(o, v[0], v[1], v[2], started);
		word(o, scale[g]);
		started = 1;
	}
}

static int
all_zero(const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] != '0')
			return 0;
	return 1;
}

/*
 * A cardinal from a run of digits; leading zeros are not read.  Above nine
 * digits the count of tỷ is read as a number of its own: 1.250.000.000.000
 * is "một nghìn hai trăm năm mươi tỷ".
 */
static void
cardinal(struct out *o, const char *d, size_t n)
{
	while (n > 1 && *d == '0')
		d++, n--;
	if (n > MAX_CARDINAL_DIGITS) {
		digits_one_by_one(o, d, n);
		return;
	}
	if (n == 1 && *d == '0') {
		word(o, "không");
		return;
	}
	if (n > 9) {
		cardinal(o, d, n - 9);
		word(o, "tỷ");
		if (!all_zero(d + n - 9, 9))
			cardinal_small(o, d + n - 9, 9, 1);
		return;
	}
	cardinal_small(o, d, n, 0);
}

static void
cardinal_int(struct out *o, long v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%ld", v);
	cardinal(o, buf, strlen(buf));
}

/* The number of a month or a weekday: 4 is "tư". */
static void
month_number(struct out *o, long m)
{
	if (m == 4)
		word(o, "tư");
	else
		cardinal_int(o, m);
}

/* Digits after the decimal comma: leading zeros read, then the rest as a number. */
static void
fraction(struct out *o, const char *d, size_t n)
{
	size_t z = 0;
	while (z < n && d[z] == '0')
		word(o, "không"), z++;
	if (z < n)
		cardinal(o, d + z, n - z);
}

static int
all_digits(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static long
num(const char *s, size_t n)
{
	long v = 0;
	for (size_t i = 0; i < n && i < 12; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Splits s at separators in seps into at most max digit fields; returns how many, or -1. */
static int
fields(const char *s, size_t n, const char *seps, const char **f, size_t *fl, int max)
{
	int k = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || strchr(seps, s[i])) {
			if (k == max || !all_digits(s + start, i - start))
				return -1;
			f[k] = s + start;
			fl[k] = i - start;
			k++;
			start = i + 1;
		}
	}
	return k;
}

static int
is_year(const char *s, size_t n)
{
	if (n != 4 || !all_digits(s, n))
		return 0;
	long y = num(s, n);
	return y >= 1000 && y <= 2999;
}

/*
 * A plain number: thousands grouped with "." (1.234.567), decimals with ","
 * (45,6), a dot that does not group thousands read "chấm" (4.0).  Returns 0
 * when s is not one.
 */
static int
plain_number(struct out *o, const char *s, size_t n)
{
	if (!n || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[n - 1]))
		return 0;
	const char *comma = memchr(s, ',', n);
	size_t ilen = comma ? (size_t)(comma - s) : n;
	if (comma && !all_digits(comma + 1, n - ilen - 1))
		return 0;
	/* the integer part: digits, or groups of three after dots */
	struct sbuf d = { 0 };
	int dots = 0, ok = 1, grouped = 1;
	size_t run = 0;
	for (size_t i = 0; i < ilen; i++) {
		if (s[i] == '.') {
			dots++;
			if (dots > 1 && run != 3)
				grouped = 0;
			run = 0;
		} else if (isdigit((unsigned char)s[i])) {
			sbuf_addc(&d, s[i]);
			run++;
		} else {
			ok = 0;
		}
	}
	if (dots && run != 3)
		grouped = 0;
	if (!ok) {
		sbuf_free(&d);
		return 0;
	}
	if (dots && !grouped) {
		/* 4.0, 1.5: a dot as in English, read "chấm" */
		sbuf_free(&d);
		if (dots != 1 || comma)
			return 0;
		const char *dot = memchr(s, '.', n);
		cardinal(o, s, (size_t)(dot - s));
		word(o, "chấm");
		fraction(o, dot + 1, n - (size_t)(dot - s) - 1);
		return 1;
	}
	cardinal(o, d.s, d.len);
	sbuf_free(&d);
	if (comma) {
		word(o, "phẩy");
		fraction(o, comma + 1, n - ilen - 1);
	}
	return 1;
}

static size_t
count_digits(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += isdigit((unsigned char)s[i]) != 0;
	return k;
}

/* 0 + 9 or 10 digits, grouped by . - or nothing: a phone number. */
static int
looks_like_phone(const char *s, size_t n)
{
	if (!n || s[0] != '0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return 0;
	size_t d = count_digits(s, n);
	return d == 10 || d == 11;
}

/* ---- roman numerals ---- */

static int
roman_value(const char *s, size_t n)
{
	static const struct {
		char c;
		int v;
	} tab[] = { { 'I', 1 }, { 'V', 5 }, { 'X', 10 }, { 'L', 50 }, { 'C', 100 } };
	if (!n || n > 8)
		return 0;
	int total = 0, prev = 0;
	for (size_t i = n; i-- > 0;) {
		int v = 0;
		for (size_t k = 0; k < ARRAY_LEN(tab); k++)
			if (s[i] == tab[k].c)
				v = tab[k].v;
		if (!v)
			return 0;
		total += v < prev ? -v : v;
		if (v > prev)
			prev = v;
	}
	/* only canonical forms: it must write back the same */
	static const char *const ones[] = { "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX" };
	static const char *const tens[] = { "", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC" };
	if (total <= 0 || total >= 100)
		return 0;
	char buf[16];
	snprintf(buf, sizeof buf, "%s%s", tens[total / 10], ones[total % 10]);
	return strlen(buf) == n && strncmp(buf, s, n) == 0 ? total : 0;
}

/* ---- context ---- */

/* Words after which a Roman numeral is a number. */
static const char *const roman_after[] = { "quý", "khóa", "khoá", "phần", "chương", "mục",
					   "tập", "đợt", "giai đoạn", "phụ lục", "kỳ" };
/* Words after which digits are read one by one. */
static const char *const digits_after[] = { "tổng đài", "hotline", "đường dây nóng",
					    "điện thoại", "số máy", "fax", "zalo", "sđt", "đt" };

struct line {
	struct chunk *c;
	size_t n;
	size_t i; /* the chunk being read */
};

/* 1 if the lower-case words before chunk i end with phrase (one or two words). */
static int
after(const struct line *l, const char *phrase)
{
	const char *sp = strchr(phrase, ' ');
	if (!sp)
		return l->i >= 1 && strcmp(l->c[l->i - 1].lower, phrase) == 0 &&
		       !l->c[l->i - 1].ntrail;
	size_t a = (size_t)(sp - phrase);
	const char *rest = sp + 1;
	if (strchr(rest, ' ')) { /* three words */
		const char *sp2 = strchr(rest, ' ');
		return l->i >= 3 && strncmp(l->c[l->i - 3].lower, phrase, a) == 0 &&
		       !l->c[l->i - 3].lower[a] &&
		       strncmp(l->c[l->i - 2].lower, rest, (size_t)(sp2 - rest)) == 0 &&
		       !l->c[l->i - 2].lower[sp2 - rest] && strcmp(l->c[l->i - 1].lower, sp2 + 1) == 0;
	}
	return l->i >= 2 && strncmp(l->c[l->i - 2].lower, phrase, a) == 0 &&
	       !l->c[l->i - 2].lower[a] && strcmp(l->c[l->i - 1].lower, rest) == 0 &&
	       !l->c[l->i - 1].ntrail;
}

static int
after_any(const struct line *l, const char *const *set, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (after(l, set[k]))
			return 1;
	return 0;
}

/* ---- units ---- */

static const char *
unit(const char *s)
{
	static const char *const tab[][2] = {
		{ "km", "ki lô mét" }, { "m", "mét" }, { "cm", "xen ti mét" }, { "mm", "mi li mét" },
		{ "m2", "mét vuông" }, { "m²", "mét vuông" }, { "km2", "ki lô mét vuông" },
		{ "km²", "ki lô mét vuông" }, { "m3", "mét khối" }, { "m³", "mét khối" },
		{ "ha", "héc ta" }, { "kg", "ki lô gam" }, { "g", "gam" }, { "tấn", "tấn" },
		{ "l", "lít" }, { "vnđ", "đồng" }, { "vnd", "đồng" }, { "đ", "đồng" },
		{ "tr", "triệu" }, { "usd", "đô la mỹ" }, { "%", "phần trăm" }, { "kw", "ki lô oát" },
		{ "kwh", "ki lô oát giờ" }, { "km/h", "ki lô mét một giờ" },
	};
	for (size_t i = 0; i < ARRAY_LEN(tab); i++)
		if (strcmp(s, tab[i][0]) == 0)
			return tab[i][1];
	return NULL;
}

/* ---- words ---- */

static void read_core(struct out *o, struct line *l, const char *s, size_t n);

/* Spells an unknown capitalised token with Vietnamese letter names. */
static void
spell(struct out *o, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (isdigit((unsigned char)s[i])) {
			size_t k = i;
			while (k < n && isdigit((unsigned char)s[k]))
				k++;
			cardinal(o, s + i, k - i);
			i = k;
			continue;
		}
		uint32_t cp;
		int k = utf8_decode(s + i, &cp);
		const char *name = vi_letter_name(cp);
		if (name)
			word(o, name);
		else if (vi_is_letter(cp)) {
			char *low = vi_lower(s + i, (size_t)k);
			word(o, low);
			free(low);
		}
		i += (size_t)k;
	}
}

/* A run of letters (no digits, no punctuation). */
static void
read_word(struct out *o, const char *s, size_t n)
{
	char *key = xstrndup(s, n);
	const char *spoken = tts_lexicon_lookup(o->lex, key);
	if (!spoken) { /* lexicon keys are in their usual case; try upper case for "Ubnd" */
		char *low = vi_lower(s, n);
		if (strcmp(low, key) != 0 && vi_all_caps(s, n) == 0) {
			/* mixed case: only exact entries (TTg, VNeID) */
		}
		free(low);
	}
	if (spoken) {
		word(o, spoken);
	} else if (vi_all_caps(s, n) && !vi_is_syllable(s, n)) {
		spell(o, s, n);
	} else {
		char *low = vi_lower(s, n);
		word(o, low);
		free(low);
	}
	free(key);
}

/* Splits a core at a separator and reads each part. */
static void
read_parts(struct out *o, struct line *l, const char *s, size_t n, char sep)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++)
		if (i == n || s[i] == sep) {
			if (i > start)
				read_core(o, l, s + start, i - start);
			start = i + 1;
		}
}

/* A time: 17h30, 7h, 17h00, 05:30. */
static int
read_time(struct out *o, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && i < 2 && isdigit((unsigned char)s[i]))
		i++;
	if (i == 0 || i == n || (s[i] != 'h' && s[i] != 'H' && s[i] != ':'))
		return 0;
	int colon = s[i] == ':';
	const char *m = s + i + 1;
	size_t mn = n - i - 1;
	if (colon ? mn != 2 : (mn != 0 && mn != 2))
		return 0;
	if (mn && !all_digits(m, mn))
		return 0;
	long h = num(s, i), mi = mn ? num(m, mn) : 0;
	if (h > 24 || mi > 59)
		return 0;
	cardinal_int(o, h);
	word(o, "giờ");
	if (mi) {
		cardinal_int(o, mi);
		word(o, "phút");
	}
	return 1;
}

/* A core that starts with a digit. */
static int
read_numeric(struct out *o, struct line *l, const char *s, size_t n)
{
	const char *f[4];
	size_t fl[4];
	int k;
	/* leading number of a document code: 76/NQ-CP, 05-NQ/TU, 167-KH-SVHTTDL */
	size_t d = 0;
	while (d < n && (isdigit((unsigned char)s[d]) || s[d] == '.'))
		d++;
	if (d < n - 1 && (s[d] == '/' || s[d] == '-') && isdigit((unsigned char)s[d - 1])) {
		uint32_t cp;
		utf8_decode(s + d + 1, &cp);
		if (vi_is_letter(cp) && vi_is_upper(cp) && plain_number(o, s, d))
			return 1;
	}
	if (read_time(o, s, n))
		return 1;
	/* dates */
	k = fields(s, n, "/", f, fl, 3);
	if (k < 0)
		k = fields(s, n, "-", f, fl, 3);
	if (k == 3 && fl[0] <= 2 && fl[1] <= 2 && is_year(f[2], fl[2])) {
		long dd = num(f[0], fl[0]), mm = num(f[1], fl[1]);
		if (dd >= 1 && dd <= 31 && mm >= 1 && mm <= 12) {
			if (!after(l, "ngày"))
				word(o, "ngày");
			cardinal_int(o, dd);
			word(o, "tháng");
			month_number(o, mm);
			word(o, "năm");
			cardinal(o, f[2], fl[2]);
			return 1;
		}
	}
	k = fields(s, n, "/", f, fl, 2);
	if (k == 2 && fl[0] <= 2 && is_year(f[1], fl[1])) {
		long mm = num(f[0], fl[0]);
		if (mm >= 1 && mm <= 12) {
			if (!after(l, "tháng"))
				word(o, "tháng");
			month_number(o, mm);
			word(o, "năm");
			cardinal(o, f[1], fl[1]);
			return 1;
		}
	}
	if (k == 2 && fl[0] <= 2 && fl[1] <= 2 && after(l, "ngày")) {
		long dd = num(f[0], fl[0]), mm = num(f[1], fl[1]);
		if (dd >= 1 && dd <= 31 && mm >= 1 && mm <= 12) {
			cardinal_int(o, dd);
			word(o, "tháng");
			month_number(o, mm);
			return 1;
		}
	}
	/* ranges: 2021-2030, 5-10 */
	k = fields(s, n, "-", f, fl, 2);
	if (k == 2 && fl[0] && fl[1] && !(f[0][0] == '0' && looks_like_phone(s, n))) {
		cardinal(o, f[0], fl[0]);
		word(o, "đến");
		cardinal(o, f[1], fl[1]);
		return 1;
	}
	if (looks_like_phone(s, n) || (after_any(l, digits_after, ARRAY_LEN(digits_after)) &&
				       count_digits(s, n) >= 3)) {
		size_t j = 0;
		for (; j < n && (isdigit((unsigned char)s[j]) || s[j] == '.' || s[j] == '-' ||
				 s[j] == ' '); j++)
			;
		if (j == n) {
			digits_one_by_one(o, s, n);
			return 1;
		}
	}
	/* 4 after thứ or tháng is "tư"; thứ 1 is "thứ nhất" */
	if (all_digits(s, n) && (after(l, "tháng") || after(l, "thứ"))) {
		long v = num(s, n);
		if (v == 4) {
			word(o, "tư");
			return 1;
		}
		if (v == 1 && after(l, "thứ")) {
			word(o, "nhất");
			return 1;
		}
	}
	if (plain_number(o, s, n))
		return 1;
	/* a number with its unit: 45,6% 5km 2tr 100m2 */
	size_t j = 0;
	while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '.' || s[j] == ','))
		j++;
	while (j > 0 && !isdigit((unsigned char)s[j - 1]))
		j--;
	if (j && j < n) {
		char *low = vi_lower(s + j, n - j);
		const char *u = unit(low);
		free(low);
		if (u && plain_number(o, s, j)) {
			word(o, u);
			return 1;
		}
	}
	/* fractions 1/2 */
	k = fields(s, n, "/", f, fl, 2);
	if (k == 2) {
		cardinal(o, f[0], fl[0]);
		word(o, "phần");
		cardinal(o, f[1], fl[1]);
		return 1;
	}
	return 0;
}

/* Reads one core (no white space inside). */
static void
read_core(struct out *o, struct line *l, const char *s, size_t n)
{
	if (!n)
		return;
	/* a whole token the lexicon knows: TTg, KT-XH, VNeID */
	char *key = xstrndup(s, n);
	const char *spoken = tts_lexicon_lookup(o->lex, key);
	free(key);
	if (spoken) {
		word(o, spoken);
		return;
	}
	/* dashes inside a core read as a hyphen: 2016–2020 */
	const char *dash = NULL;
	for (size_t i = 0; i + 2 < n && !dash; i++)
		if ((unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94))
			dash = s + i;
	if (dash) {
		struct sbuf b = { 0 };
		for (size_t i = 0; i < n; i++) {
			if ((unsigned char)s[i] == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
				sbuf_addc(&b, '-');
				i += 2;
			} else {
				sbuf_addc(&b, s[i]);
			}
		}
		read_core(o, l, b.s, b.len);
		sbuf_free(&b);
		return;
	}
	if (isdigit((unsigned char)s[0]) && read_numeric(o, l, s, n))
		return;
	/* Roman numerals after quý, khóa, ...: Quý IV, quý IV/2025 */
	size_t r = 0;
	while (r < n && strchr("IVXLC", s[r]))
		r++;
	if (r && after_any(l, roman_after, ARRAY_LEN(roman_after))) {
		int v = roman_value(s, r);
		if (v && (r == n || (s[r] == '/' && is_year(s + r + 1, n - r - 1)))) {
			cardinal_int(o, v);
			if (r < n) {
				word(o, "năm");
				cardinal(o, s + r + 1, n - r - 1);
			}
			return;
		}
	}
	/* punctuation inside: split and read the parts */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '/' || c == '-' || c == '_' || c == '+' || c == '(' || c == ')' ||
		    c == '"' || c == '*' || c == '=' || c == '<' || c == '>' || c == '[' || c == ']') {
			read_parts(o, l, s, n, c);
			return;
		}
		if (c == '&') {
			read_core(o, l, s, i);
			word(o, "và");
			read_core(o, l, s + i + 1, n - i - 1);
			return;
		}
		if ((c == ',' || c == '.' || c == ';' || c == ':' || c == '%') && i + 1 < n) {
			read_core(o, l, s, i);
			if (c == '%')
				word(o, "phần trăm");
			read_core(o, l, s + i + 1, n - i - 1);
			return;
		}
	}
	if (n == 1 && s[0] == '%') {
		word(o, "phần trăm");
		return;
	}
	/* letters then digits, or digits then letters: 5G, COVID19 */
	size_t i = 0;
	while (i < n) {
		size_t k = i;
		if (isdigit((unsigned char)s[i])) {
			while (k < n && (isdigit((unsigned char)s[k]) || s[k] == '.' || s[k] == ','))
				k++;
			if (!plain_number(o, s + i, k - i))
				digits_one_by_one(o, s + i, k - i);
		} else {
			while (k < n && !isdigit((unsigned char)s[k])) {
				uint32_t cp;
				int len = utf8_decode(s + k, &cp);
				if (!vi_is_letter(cp))
					break;
				k += (size_t)len;
			}
			if (k == i) { /* a symbol: not read */
				uint32_t cp;
				k += (size_t)utf8_decode(s + k, &cp);
			} else {
				read_word(o, s + i, k - i);
			}
		}
		i = k;
	}
}

/* ---- chunks ---- */

static int
is_space_cp(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x2009 || cp == 0x202F || cp == 0x3000 ||
	       cp == 0x200B || cp == '\r' || cp == '\v' || cp == '\f';
}

/* Punctuation that may stand before or after a core, and how it is spoken. */
static int
is_edge_punct(uint32_t cp)
{
	return cp == '(' || cp == ')' || cp == '[' || cp == ']' || cp == '"' || cp == '\'' ||
	       cp == ',' || cp == '.' || cp == ';' || cp == ':' || cp == '!' || cp == '?' ||
	       cp == '-' || cp == 0x2013 || cp == 0x2014 || cp == 0x201C || cp == 0x201D ||
	       cp == 0x2018 || cp == 0x2019 || cp == 0x2026 || cp == '*' || cp == 0x2022 ||
	       cp == '+' || cp == '/' || cp == '<' || cp == '>' || cp == '{' || cp == '}' ||
	       cp == 0xAB || cp == 0xBB;
}

static size_t
split_line(const char *s, size_t n, struct chunk **out)
{
	size_t cap = 16, k = 0;
	struct chunk *c = xmalloc(cap * sizeof *c);
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(s + i, &cp);
		if (is_space_cp(cp) || cp < 0x20 || cp == 0x7f) {
			i += (size_t)len;
			continue;
		}
		size_t start = i;
		while (i < n) {
			len = utf8_decode(s + i, &cp);
			if (is_space_cp(cp) || cp < 0x20 || cp == 0x7f)
				break;
			i += (size_t)len;
		}
		if (k == cap)
			c = xrealloc(c, (cap *= 2) * sizeof *c);
		struct chunk *ch = &c[k++];
		/* leading punctuation */
		size_t a = start;
		while (a < i) {
			len = utf8_decode(s + a, &cp);
			if (!is_edge_punct(cp) || cp == '%')
				break;
			a += (size_t)len;
		}
		/* trailing punctuation (but % stays with its number) */
		size_t b = i;
		while (b > a) {
			size_t p = b - 1;
			while (p > a && ((unsigned char)s[p] & 0xc0) == 0x80)
				p--;
			utf8_decode(s + p, &cp);
			if (!is_edge_punct(cp))
				break;
			b = p;
		}
		ch->lead = s + start;
		ch->nlead = a - start;
		ch->core = s + a;
		ch->ncore = b - a;
		ch->trail = s + b;
		ch->ntrail = i - b;
		ch->lower = vi_lower(ch->core, ch->ncore);
	}
	*out = c;
	return k;
}

/* Speaks the pauses a chunk's trailing punctuation marks. */
static void
trailing_pause(struct out *o, const struct chunk *c)
{
	for (size_t i = 0; i < c->ntrail; i++) {
		char p = c->trail[i];
		if (p == ',' || p == ';' || p == ':')
			pause_mark(o, ',');
		else if (p == '.' || p == '!' || p == '?')
			pause_mark(o, '.');
	}
}

static int
is_dash(const struct chunk *c)
{
	if (c->ncore)
		return 0;
	return (c->nlead == 1 && c->lead[0] == '-') ||
	       (c->nlead == 3 && (memcmp(c->lead, "\xe2\x80\x93", 3) == 0 ||
				  memcmp(c->lead, "\xe2\x80\x94", 3) == 0));
}

/* 1 if the output already ends with the words of phrase. */
static int
ends_with_words(const struct out *o, const char *phrase)
{
	size_t n = strlen(phrase);
	size_t len = o->b.len;
	while (len && strchr(",.;:!? ", o->b.s[len - 1]))
		len--;
	if (len < n || strncmp(o->b.s + len - n, phrase, n) != 0)
		return 0;
	return len == n || o->b.s[len - n - 1] == ' ';
}

static void
read_line(struct out *o, const char *s, size_t n)
{
	struct chunk *c;
	struct line l;
	l.n = split_line(s, n, &c);
	l.c = c;
	for (l.i = 0; l.i < l.n; l.i++) {
		struct chunk *ch = &c[l.i];
		/* list markers at the start of a line: a) b) - + • */
		if (l.i == 0 && !ch->ncore && l.n > 1)
			continue;
		if (l.i == 0 && ch->ncore <= 2 && ch->ntrail == 1 && ch->trail[0] == ')' &&
		    l.n > 1) {
			uint32_t cp;
			int len = utf8_decode(ch->core, &cp);
			if ((size_t)len == ch->ncore || all_digits(ch->core, ch->ncore))
				continue;
		}
		/* heading numbers: II. NỘI DUNG */
		if (l.i == 0 && ch->ntrail && (ch->trail[0] == '.' || ch->trail[0] == ')')) {
			int v = roman_value(ch->core, ch->ncore);
			if (v) {
				cardinal_int(o, v);
				pause_mark(o, '.');
				continue;
			}
		}
		/* an acronym in brackets right after its own expansion is not read twice */
		if (ch->nlead && ch->lead[ch->nlead - 1] == '(' && ch->ntrail && ch->trail[0] == ')') {
			char *key = xstrndup(ch->core, ch->ncore);
			const char *sp = tts_lexicon_lookup(o->lex, key);
			free(key);
			if (sp && ends_with_words(o, sp)) {
				trailing_pause(o, ch);
				continue;
			}
		}
		/* year ranges with spaces: 2022 - 2025 */
		if (l.i + 2 < l.n && is_year(ch->core, ch->ncore) && !ch->ntrail &&
		    is_dash(&c[l.i + 1]) && is_year(c[l.i + 2].core, c[l.i + 2].ncore) &&
		    !c[l.i + 2].nlead) {
			cardinal(o, ch->core, ch->ncore);
			word(o, "đến");
			cardinal(o, c[l.i + 2].core, c[l.i + 2].ncore);
			l.i += 2;
			trailing_pause(o, &c[l.i]);
			continue;
		}
		/* a phone number written in groups: 0912 345 678 */
		if (ch->ncore && ch->core[0] == '0' && all_digits(ch->core, ch->ncore) &&
		    ch->ncore >= 3 && !ch->ntrail) {
			size_t total = ch->ncore, j = l.i + 1;
			while (j < l.n && total < 11 && all_digits(c[j].core, c[j].ncore) &&
			       !c[j].nlead && c[j].ncore >= 2 && c[j].ncore <= 4) {
				total += c[j].ncore;
				if (c[j].ntrail) {
					j++;
					break;
				}
				j++;
			}
			if (j > l.i + 1 && (total == 10 || total == 11)) {
				for (size_t k = l.i; k < j; k++)
					digits_one_by_one(o, c[k].core, c[k].ncore);
				l.i = j - 1;
				trailing_pause(o, &c[l.i]);
				continue;
			}
		}
		/* a unit after a number: 5 km, 2.500.000 đồng, 45,6 % */
		if (l.i > 0 && c[l.i - 1].ncore && isdigit((unsigned char)c[l.i - 1].core[0]) &&
		    !c[l.i - 1].ntrail) {
			const char *u = unit(ch->lower);
			if (u && strcmp(ch->lower, "m") != 0 && strcmp(ch->lower, "g") != 0 &&
			    strcmp(ch->lower, "l") != 0) {
				word(o, u);
				trailing_pause(o, ch);
				continue;
			}
			if (u && (c[l.i - 1].ncore <= 6)) {
				word(o, u);
				trailing_pause(o, ch);
				continue;
			}
		}
		if (is_dash(ch) && l.i > 0)
			pause_mark(o, ',');
		read_core(o, &l, ch->core, ch->ncore);
		trailing_pause(o, ch);
	}
	for (size_t i = 0; i < l.n; i++)
		free(c[i].lower);
	free(c);
}

char *
tts_normalize(const struct tts_lexicon *lex, const char *text, size_t len, char *err)
{
	size_t bad;
	if (utf8_check(text, len, &bad) < 0) {
		err_set(err, _("The text is not valid UTF-8 (bad byte at offset %zu)."), bad);
		return NULL;
	}
	char *nfc = xstrndup(text, len);
	char *t = utf8_nfc(nfc);
	free(nfc);
	struct out o = { .lex = lex };
	struct sbuf res = { 0 };
	const char *p = t;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		o.b.len = 0;
		if (o.b.s)
			o.b.s[0] = 0;
		read_line(&o, p, n);
		/* a line ends without a trailing pause mark */
		while (o.b.len && (o.b.s[o.b.len - 1] == ',' || o.b.s[o.b.len - 1] == ' '))
			o.b.s[--o.b.len] = 0;
		if (o.b.len)
			sbuf_add(&res, o.b.s, o.b.len);
		if (!nl)
			break;
		sbuf_addc(&res, '\n');
		p = nl + 1;
	}
	sbuf_free(&o.b);
	free(t);
	return sbuf_steal(&res);
}
