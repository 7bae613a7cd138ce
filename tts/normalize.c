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
#define MAX_CARDINAL_DIGITS 18
/* Dates, codes and amounts are shorter; longer cores are read piece by piece
 * so that no core is scanned more than a bounded number of times. */
#define MAX_PATTERN 64

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
			if (k == max || !ascii_digits(s + start, i - start))
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
	if (n != 4 || !ascii_digits(s, n))
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
	if (comma && !ascii_digits(comma + 1, n - ilen - 1))
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
					    "điện thoại", "số máy", "fax", "zalo", "sđt", "đt",
					    "gọi", "gọi số", "gọi đến", "gọi tới", "nhắn tin" };
/* Words after which d/m is a day and a month, not a fraction. */
static const char *const date_after[] = { "từ", "đến", "tới", "trước", "sau", "hạn", "hết",
					  "sáng", "chiều", "tối", "trưa", "đêm", "hôm", "dịp",
					  "kỷ niệm", "ngày lễ", "tết" };

struct line {
	struct chunk *c;
	size_t n;
	size_t i;     /* the chunk being read */
	size_t first; /* chunks before it end the previous line: context, not read */
	/* 1 + the index of the last chunk read as a date, or digit by digit as a
	 * phone number: "ngày 5/3 và 6/3", "hotline 1900 1234" */
	size_t date_at, phone_at;
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

/* A unit written against its number (5km, 2tr, 15.000đ): one letter only in lower case, 5G is no weight. */
static const char *
attached_unit(const char *s, size_t n)
{
	if (n == 1 && isupper((unsigned char)s[0]))
		return NULL;
	char *low = vi_lower(s, n);
	const char *u = unit(low);
	free(low);
	return u;
}

/* ---- words ---- */

static void read_core(struct out *o, struct line *l, const char *s, size_t n);
static void read_plain(struct out *o, const char *s, size_t n);

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

/* A capital letter on its own (5G, phụ lục B) is said by its name. */
static int
one_capital(const char *s, size_t n)
{
	uint32_t cp;
	return (size_t)utf8_decode(s, &cp) == n && vi_is_upper(cp) && vi_letter_name(cp);
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
	} else if ((vi_all_caps(s, n) && !vi_is_syllable(s, n)) || one_capital(s, n)) {
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
	if (mn && !ascii_digits(m, mn))
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

static int
starts_upper(const char *s, size_t n)
{
	uint32_t cp;
	if (!n)
		return 0;
	utf8_decode(s, &cp);
	return vi_is_letter(cp) && vi_is_upper(cp);
}

/* d/m: a day and a month, "ngày" said unless the text has it. */
static void
day_month(struct out *o, struct line *l, long dd, long mm)
{
	if (!after(l, "ngày") && !after(l, "mùng") && !after(l, "mồng"))
		word(o, "ngày");
	cardinal_int(o, dd);
	word(o, "tháng");
	month_number(o, mm);
	l->date_at = l->i + 1;
}

/*
 * d/m is a date or a fraction.  A date after "ngày" and words that lead to
 * one ("từ", "trước", "hạn", ...), right after another date ("5/3 và
 * 6/3"), when written with two digits (05/03, 15/10), or when the first
 * number is not less than the second (a fraction would be improper: 30/4).
 */
static int
is_day_month(const struct line *l, const char *f0, size_t n0, const char *f1, size_t n1)
{
	long dd = num(f0, n0), mm = num(f1, n1);
	if (dd < 1 || dd > 31 || mm < 1 || mm > 12)
		return 0;
	if (after(l, "ngày") || after(l, "mùng") || after(l, "mồng") ||
	    after_any(l, date_after, ARRAY_LEN(date_after)))
		return 1;
	if (l->date_at && l->i - l->date_at <= 1)
		return 1;
	return (n0 == 2 && n1 == 2) || f0[0] == '0' || f1[0] == '0' || dd >= mm;
}

/* A core that starts with a digit. */
static int
read_numeric(struct out *o, struct line *l, const char *s, size_t n)
{
	const char *f[4];
	size_t fl[4];
	int k;
	/* a document reference: 76/NQ-CP, 05-NQ/TU, 167-KH-SVHTTDL, 61/2018/NĐ-CP:
	 * the number is read (and the year, when there is one), the code dropped */
	size_t d = 0;
	while (d < n && (isdigit((unsigned char)s[d]) || s[d] == '.'))
		d++;
	if (d && d + 1 < n && (s[d] == '/' || s[d] == '-') && isdigit((unsigned char)s[d - 1])) {
		const char *rest = s + d + 1;
		size_t rn = n - d - 1;
		int year = rn > 5 && rest[4] == '/' && is_year(rest, 4) && starts_upper(rest + 5, rn - 5);
		if ((starts_upper(rest, rn) || year) && plain_number(o, s, d)) {
			if (year) {
				word(o, "năm");
				cardinal(o, rest, 4);
			}
			return 1;
		}
	}
	if (read_time(o, s, n))
		return 1;
	/* dates */
	k = fields(s, n, "/", f, fl, 3);
	if (k < 0)
		k = fields(s, n, "-", f, fl, 3);
	if (k < 0)
		k = fields(s, n, ".", f, fl, 3);
	if (k == 3 && fl[0] && fl[1] && fl[0] <= 2 && fl[1] <= 2 && is_year(f[2], fl[2])) {
		long dd = num(f[0], fl[0]), mm = num(f[1], fl[1]);
		if (dd >= 1 && dd <= 31 && mm >= 1 && mm <= 12) {
			day_month(o, l, dd, mm);
			word(o, "năm");
			cardinal(o, f[2], fl[2]);
			return 1;
		}
	}
	k = fields(s, n, "/", f, fl, 2);
	if (k == 2 && fl[0] && fl[0] <= 2 && is_year(f[1], fl[1])) {
		long mm = num(f[0], fl[0]);
		/* quý 3/2025, đợt 2/2025: a number in the year */
		if (after_any(l, roman_after, ARRAY_LEN(roman_after))) {
			cardinal(o, f[0], fl[0]);
			word(o, "năm");
			cardinal(o, f[1], fl[1]);
			return 1;
		}
		if (mm >= 1 && mm <= 12) {
			if (!after(l, "tháng"))
				word(o, "tháng");
			month_number(o, mm);
			word(o, "năm");
			cardinal(o, f[1], fl[1]);
			return 1;
		}
	}
	/* a school or budget year: 2024/2025 */
	if (k == 2 && is_year(f[0], fl[0]) && is_year(f[1], fl[1]) && num(f[1], 4) > num(f[0], 4)) {
		cardinal(o, f[0], fl[0]);
		word(o, "đến");
		cardinal(o, f[1], fl[1]);
		return 1;
	}
	if (k == 2 && fl[0] && fl[1] && fl[0] <= 2 && fl[1] <= 2 &&
	    is_day_month(l, f[0], fl[0], f[1], fl[1])) {
		day_month(o, l, num(f[0], fl[0]), num(f[1], fl[1]));
		return 1;
	}
	/* ranges: 2021-2030, 5-10, 80-90%, 5-10km */
	const char *dash = memchr(s, '-', n);
	if (dash && dash > s && (size_t)(dash - s) + 1 < n && isdigit((unsigned char)dash[1]) &&
	    !memchr(dash + 1, '-', n - (size_t)(dash - s) - 1) && !looks_like_phone(s, n)) {
		size_t ln = (size_t)(dash - s);
		struct out probe = { .lex = o->lex };
		if (plain_number(&probe, s, ln)) {
			sbuf_free(&probe.b);
			plain_number(o, s, ln);
			word(o, "đến");
			read_core(o, l, dash + 1, n - ln - 1);
			return 1;
		}
		sbuf_free(&probe.b);
	}
	int phone_ctx = after_any(l, digits_after, ARRAY_LEN(digits_after)) ||
			(l->phone_at && l->i - l->phone_at <= 1);
	if (looks_like_phone(s, n) || (phone_ctx && count_digits(s, n) >= 3)) {
		size_t j = 0;
		for (; j < n && (isdigit((unsigned char)s[j]) || s[j] == '.' || s[j] == '-' ||
				 s[j] == ' '); j++)
			;
		if (j == n) {
			digits_one_by_one(o, s, n);
			l->phone_at = l->i + 1;
			return 1;
		}
	}
	/* 4 after thứ or tháng is "tư"; thứ 1 is "thứ nhất" */
	if (ascii_digits(s, n) && (after(l, "tháng") || after(l, "thứ"))) {
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
	/* a number with its unit: 45,6% 5km 2tr 100m2 500tr/tháng */
	size_t j = 0;
	while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '.' || s[j] == ','))
		j++;
	while (j > 0 && !isdigit((unsigned char)s[j - 1]))
		j--;
	if (j && j < n) {
		size_t e = j;
		while (e < n && s[e] != '/')
			e++;
		const char *u = attached_unit(s + j, e - j);
		if (u && plain_number(o, s, j)) {
			word(o, u);
			if (e < n)
				read_core(o, l, s + e + 1, n - e - 1);
			return 1;
		}
	}
	/* fractions 1/2 */
	k = fields(s, n, "/", f, fl, 2);
	if (k == 2 && fl[0] && fl[1]) {
		if (fl[0] == 2 && fl[1] == 1 && num(f[0], 2) == 24 && num(f[1], 1) == 7) {
			word(o, "hai mươi tư trên bảy"); /* round the clock */
			return 1;
		}
		cardinal(o, f[0], fl[0]);
		word(o, "phần");
		cardinal(o, f[1], fl[1]);
		return 1;
	}
	return 0;
}

/*
 * A core too long to be a date, a code or an amount (a pasted URL, a run of
 * symbols): read piece by piece between its punctuation, in one pass.
 */
static void
read_long(struct out *o, struct line *l, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && !ispunct((unsigned char)s[i]))
			continue;
		if (i - start > MAX_PATTERN)
			read_plain(o, s + start, i - start);
		else if (i > start)
			read_core(o, l, s + start, i - start);
		if (i < n && s[i] == '%')
			word(o, "phần trăm");
		else if (i < n && s[i] == '&')
			word(o, "và");
		start = i + 1;
	}
}

static void
read_address(struct out *o, const char *s, size_t n)
{
	size_t i = 0;
	if (n > 3 && strncmp(s, "http", 4) == 0) {
		const char *p = memmem(s, n, "://", 3);
		if (p)
			i = (size_t)(p - s) + 3;
	}
	size_t start = i;
	for (; i <= n; i++) {
		if (i < n && (isalnum((unsigned char)s[i]) || ((unsigned char)s[i] & 0x80)))
			continue;
		if (i > start) {
			char *low = vi_lower(s + start, i - start);
			if (ascii_digits(low, i - start))
				digits_one_by_one(o, low, i - start);
			else
				word(o, low);
			free(low);
		}
		if (i < n) {
			if (s[i] == '@')
				word(o, "a còng");
			else if (s[i] == '.')
				word(o, "chấm");
			else if (s[i] == '/')
				word(o, "gạch chéo");
			else if (s[i] == '-')
				word(o, "gạch ngang");
			else if (s[i] == '_')
				word(o, "gạch dưới");
		}
		start = i + 1;
	}
}

/* Reads one core (no white space inside). */
static void
read_core(struct out *o, struct line *l, const char *s, size_t n)
{
	if (!n)
		return;
	if (n > MAX_PATTERN) {
		read_long(o, l, s, n);
		return;
	}
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
	/* Roman numerals after quý, khóa, ...: Quý IV, quý IV/2025; and IV/2025 anywhere */
	size_t r = 0;
	while (r < n && strchr("IVXLC", s[r]))
		r++;
	int with_year = r && r < n && s[r] == '/' && is_year(s + r + 1, n - r - 1);
	if (r && (with_year || after_any(l, roman_after, ARRAY_LEN(roman_after)))) {
		int v = roman_value(s, r);
		if (v && (r == n || with_year)) {
			cardinal_int(o, v);
			if (r < n) {
				word(o, "năm");
				cardinal(o, s + r + 1, n - r - 1);
			}
			return;
		}
	}
	/* an e-mail or web address: its dots and @ are said */
	if (memchr(s, '@', n) || (n > 4 && (strncmp(s, "www.", 4) == 0 || strncmp(s, "http", 4) == 0))) {
		read_address(o, s, n);
		return;
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
	read_plain(o, s, n);
}

/* Letters then digits, or digits then letters: 5G, COVID19; other symbols are not read. */
static void
read_plain(struct out *o, const char *s, size_t n)
{
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

/* 1 + the index of the last chunk of the document code at chunk i (76/NQ-), or 0. */
static int
is_code(const struct chunk *c)
{
	size_t d = 0;
	while (d < c->ncore && isdigit((unsigned char)c->core[d]))
		d++;
	return d && d + 1 < c->ncore && (c->core[d] == '/' || c->core[d] == '-') &&
	       starts_upper(c->core + d + 1, c->ncore - d - 1);
}

/* Letters in capitals, dashes and slashes only: the rest of an issuing code (UBND-VP). */
static int
is_code_tail(const struct chunk *c)
{
	if (!c->ncore || !starts_upper(c->core, c->ncore))
		return 0;
	for (size_t i = 0; i < c->ncore;) {
		uint32_t cp;
		i += (size_t)utf8_decode(c->core + i, &cp);
		if (cp != '-' && cp != '/' && !(vi_is_letter(cp) && vi_is_upper(cp)) &&
		    !(cp >= '0' && cp <= '9') && cp != 'g' && cp != 'r')
			return 0;
	}
	return 1;
}

/* A heading number at the start of a line: 1. 2.1. (the trail ')' is a list marker) */
static int
is_list_number(const struct chunk *c)
{
	if (!c->ncore || !c->ntrail || c->trail[0] != '.')
		return 0;
	size_t run = 0;
	for (size_t i = 0; i < c->ncore; i++) {
		if (isdigit((unsigned char)c->core[i])) {
			if (++run > 2)
				return 0;
		} else if (c->core[i] == '.' && run) {
			run = 0;
		} else {
			return 0;
		}
	}
	return run > 0;
}

static void
read_line(struct out *o, const char *prev, size_t nprev, const char *s, size_t n)
{
	struct chunk *c, *pc;
	struct line l = { 0 };
	/* the last word of the previous line is context: "ngày" at its end,
	 * a document code broken after its dash */
	size_t np = split_line(prev, nprev, &pc);
	size_t nl = split_line(s, n, &c);
	l.first = np ? 1 : 0;
	l.n = l.first + nl;
	l.c = xmalloc((l.n ? l.n : 1) * sizeof *l.c);
	if (np)
		l.c[0] = pc[np - 1];
	memcpy(l.c + l.first, c, nl * sizeof *c);
	for (size_t i = 0; i + 1 < np; i++)
		free(pc[i].lower);
	free(pc);
	free(c);
	c = l.c;
	for (l.i = l.first; l.i < l.n; l.i++) {
		struct chunk *ch = &c[l.i];
		int start = l.i == l.first;
		/* list markers at the start of a line: a) b) 1) - + • */
		if (start && !ch->ncore && l.n > l.i + 1)
			continue;
		if (start && ch->ncore <= 2 && ch->ntrail == 1 && ch->trail[0] == ')' && l.n > l.i + 1) {
			uint32_t cp;
			int len = utf8_decode(ch->core, &cp);
			if ((size_t)len == ch->ncore || ascii_digits(ch->core, ch->ncore))
				continue;
		}
		/*
		 * Heading numbers in Arabic figures are read like the Roman ones
		 * (DESIGN.md lists only a) - + as markers not read): "1. Mục
		 * đích" -> một. mục đích; "2.1." -> hai chấm một.  "1)" is a
		 * list marker, dropped above.
		 */
		if (start && l.n > l.i + 1 && is_list_number(ch)) {
			for (size_t k = 0, b = 0; k <= ch->ncore; k++) {
				if (k < ch->ncore && ch->core[k] != '.')
					continue;
				if (b)
					word(o, "chấm");
				cardinal(o, ch->core + b, k - b);
				b = k + 1;
			}
			pause_mark(o, '.');
			continue;
		}
		/* heading numbers: II. NỘI DUNG, IV- TỔ CHỨC, III – KINH PHÍ */
		if (start && ((ch->ntrail && strchr(".):-", ch->trail[0])) ||
			      (!ch->ntrail && l.i + 1 < l.n && is_dash(&c[l.i + 1])))) {
			int v = roman_value(ch->core, ch->ncore);
			if (v) {
				cardinal_int(o, v);
				pause_mark(o, '.');
				if (!ch->ntrail)
					l.i++;
				continue;
			}
		}
		/* the rest of a document code broken at the end of the previous line */
		if (start && l.first && is_code(&c[0]) && c[0].ntrail &&
		    strchr("-/", c[0].trail[c[0].ntrail - 1]) && is_code_tail(ch) && !ch->nlead) {
			trailing_pause(o, ch);
			continue;
		}
		/* the code of "số 30 /KH-UBND" written apart from its number */
		if (l.i > l.first && ch->nlead && ch->lead[ch->nlead - 1] == '/' && is_code_tail(ch) &&
		    c[l.i - 1].ncore && ascii_digits(c[l.i - 1].core, c[l.i - 1].ncore) &&
		    !c[l.i - 1].ntrail) {
			trailing_pause(o, ch);
			continue;
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
		if (ch->ncore && ch->core[0] == '0' && ascii_digits(ch->core, ch->ncore) &&
		    ch->ncore >= 3 && !ch->ntrail) {
			size_t total = ch->ncore, j = l.i + 1;
			while (j < l.n && total < 11 && ascii_digits(c[j].core, c[j].ncore) &&
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
				l.phone_at = l.i + 1;
				trailing_pause(o, &c[l.i]);
				continue;
			}
		}
		/* a unit after a number: 5 km, 2.500.000 đồng, 45,6 %, 3 tr/tháng */
		if (l.i > l.first && c[l.i - 1].ncore && isdigit((unsigned char)c[l.i - 1].core[0]) &&
		    !c[l.i - 1].ntrail && ch->ncore && !ch->nlead) {
			size_t e = 0;
			while (e < ch->ncore && ch->core[e] != '/')
				e++;
			char *low = vi_lower(ch->core, e);
			const char *u = unit(low);
			/* m, g, l alone are units only after a short number */
			if (u && strlen(low) == 1 && c[l.i - 1].ncore > 6)
				u = NULL;
			free(low);
			if (u) {
				word(o, u);
				if (e < ch->ncore)
					read_core(o, &l, ch->core + e + 1, ch->ncore - e - 1);
				trailing_pause(o, ch);
				continue;
			}
		}
		if (is_dash(ch) && l.i > l.first)
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
	/*
	 * NFC, so that "ủy" typed with a combining hook matches the lexicon.
	 * Text without combining diacritics (U+0300..U+036F: bytes CC, CD) is
	 * already composed, and most text is: skipping the work there is a
	 * third of the normalizer's time.
	 */
	char *t = xstrndup(text, len);
	if (memchr(t, 0xcc, len) || memchr(t, 0xcd, len)) {
		char *nfc = utf8_nfc(t);
		free(t);
		t = nfc;
	}
	struct out o = { .lex = lex };
	struct sbuf res = { 0 };
	const char *p = t, *prev = t;
	size_t nprev = 0;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		o.b.len = 0;
		if (o.b.s)
			o.b.s[0] = 0;
		/* the previous line's last word, for context: at most its last 64 bytes */
		size_t tail = nprev;
		while (tail && strchr(" \t\r", prev[tail - 1]))
			tail--;
		size_t from = tail;
		while (from && !strchr(" \t", prev[from - 1]) && tail - from < MAX_PATTERN)
			from--;
		while (from < tail && ((unsigned char)prev[from] & 0xc0) == 0x80)
			from++;
		read_line(&o, prev + from, tail - from, p, n);
		/* a line ends without a trailing pause mark */
		while (o.b.len && (o.b.s[o.b.len - 1] == ',' || o.b.s[o.b.len - 1] == ' '))
			o.b.s[--o.b.len] = 0;
		if (o.b.len)
			sbuf_add(&res, o.b.s, o.b.len);
		if (!nl)
			break;
		sbuf_addc(&res, '\n');
		prev = p;
		nprev = n;
		p = nl + 1;
	}
	sbuf_free(&o.b);
	free(t);
	return sbuf_steal(&res);
}
