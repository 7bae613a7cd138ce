/*
 * Vietnamese number words: cardinals, decimal parts, digits one by one,
 * months, ordinals and Roman numerals, through a region's table of words
 * (number.h).  The northern table is DESIGN.md "Spoken form"; the Centre
 * and the South are two more tables (tts/SPOKEN.md "Regions").  Pure and
 * linear in the digits read.
 */
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "tts/number.h"

/* What every region shares: the digits, the scale words, the lunar months. */
#define VI_DIGITS { "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín" }
#define VI_LUNAR_MONTHS { "", "giêng", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", \
			  "mười", "mười một", "chạp" }
#define VI_COMMON                                                                      \
	.digit = VI_DIGITS, .ten = "mười", .tens = "mươi", .one_after_tens = "mốt",     \
	.four_after_ten = "bốn", .five_after_ten = "lăm", .five_after_tens = "lăm",       \
	.hundred = "trăm", .million = "triệu", .billion = "tỷ",                           \
	.lunar_month = VI_LUNAR_MONTHS, .first = "nhất", .fourth = "tư", .quarter = "tư", \
	.decimal_comma = "phẩy", .decimal_dot = "chấm"

static const struct vi_region_word none[] = { { NULL, NULL } };

/* DESIGN.md "Spoken form": nghìn, linh, hai mươi tư, tháng một. */
const struct vi_region vi_region_north = {
	.name = "north",
	.voice = "vi",
	VI_COMMON,
	.four_after_tens = "tư",
	.zero_tens = "linh",
	.thousand = "nghìn",
	.month = { "", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười",
		   "mười một", "mười hai" },
	.words = none,
};

/* What the Centre and the South say alike: ngàn, lẻ, hai mươi bốn, tháng giêng. */
#define VI_CENTRE_AND_SOUTH                                                                    \
	.four_after_tens = "bốn", .zero_tens = "lẻ", .thousand = "ngàn",                        \
	.month = { "", "giêng", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", \
		   "mười một", "mười hai" }

/* The Centre (Huế, Đà Nẵng and south of them). */
static const struct vi_region_word central_words[] = {
	{ "phần nghìn", "phần ngàn" },
	{ NULL, NULL },
};

const struct vi_region vi_region_central = {
	.name = "central",
	.voice = "vi-vn-x-central",
	VI_COMMON,
	VI_CENTRE_AND_SOUTH,
	.words = central_words,
};

/* The South: as the Centre, and a kilogram is "ký" (giá lúa 7.000 đồng/kg: bảy ngàn đồng một ký). */
static const struct vi_region_word south_words[] = {
	{ "phần nghìn", "phần ngàn" },
	{ "ki lô gam", "ký" },
	{ NULL, NULL },
};

const struct vi_region vi_region_south = {
	.name = "south",
	.voice = "vi-vn-x-south",
	VI_COMMON,
	VI_CENTRE_AND_SOUTH,
	.words = south_words,
};

static const struct vi_region *const regions[] = { &vi_region_north, &vi_region_central,
						    &vi_region_south };

const struct vi_region *
vi_region_find(const char *name)
{
	if (!name || !*name)
		return &vi_region_north;
	for (size_t i = 0; i < ARRAY_LEN(regions); i++)
		if (strcmp(name, regions[i]->name) == 0)
			return regions[i];
	return NULL;
}

const char *
vi_region_word(const struct vi_region *r, const char *w)
{
	if (strcmp(w, vi_region_north.thousand) == 0)
		return r->thousand;
	for (const struct vi_region_word *k = r->words; k && k->north; k++)
		if (strcmp(w, k->north) == 0)
			return k->word;
	return w;
}

void
vi_word(struct sbuf *b, const char *w)
{
	if (!*w)
		return;
	if (b->len && b->s[b->len - 1] != ' ')
		sbuf_addc(b, ' ');
	sbuf_adds(b, w);
}

/* Hundreds, tens and units of one group; full: a higher group was read, so say "không trăm". */
static void
triple(struct sbuf *b, const struct vi_region *r, int h, int t, int u, int full)
{
	if (full || h) {
		vi_word(b, r->digit[h]);
		vi_word(b, r->hundred);
	}
	if (t == 0) {
		if (u) {
			if (full || h)
				vi_word(b, r->zero_tens);
			vi_word(b, r->digit[u]);
		}
		return;
	}
	if (t == 1) {
		vi_word(b, r->ten);
		if (u == 5)
			vi_word(b, r->five_after_ten);
		else if (u == 4)
			vi_word(b, r->four_after_ten);
		else if (u)
			vi_word(b, r->digit[u]);
		return;
	}
	vi_word(b, r->digit[t]);
	vi_word(b, r->tens);
	if (u == 1)
		vi_word(b, r->one_after_tens);
	else if (u == 4)
		vi_word(b, r->four_after_tens);
	else if (u == 5)
		vi_word(b, r->five_after_tens);
	else if (u)
		vi_word(b, r->digit[u]);
}

/* Up to nine digits with the thousand and million words; started: higher groups were read. */
static void
below_billion(struct sbuf *b, const struct vi_region *r, const char *d, size_t n, int started)
{
	const char *scale[] = { "", r->thousand, r->million };
	size_t groups = (n + 2) / 3;
	size_t first = n - (groups - 1) * 3;
	const char *p = d;
	for (size_t g = groups; g-- > 0;) {
		size_t len = g == groups - 1 ? first : 3;
		int v[3] = { 0, 0, 0 };
		for (size_t i = 0; i < len; i++)
			v[3 - len + i] = p[i] - '0';
		p += len;
		if (!v[0] && !v[1] && !v[2])
			continue;
		triple(b, r, v[0], v[1], v[2], started);
		vi_word(b, scale[g]);
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

void
vi_digits(struct sbuf *b, const struct vi_region *r, const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] >= '0' && d[i] <= '9')
			vi_word(b, r->digit[d[i] - '0']);
}

void
vi_cardinal(struct sbuf *b, const struct vi_region *r, const char *d, size_t n)
{
	while (n > 1 && *d == '0')
		d++, n--;
	if (n > VI_MAX_CARDINAL_DIGITS) {
		vi_digits(b, r, d, n);
		return;
	}
	if (n == 1 && *d == '0') {
		vi_word(b, r->digit[0]);
		return;
	}
	if (n > 9) {
		vi_cardinal(b, r, d, n - 9);
		vi_word(b, r->billion);
		if (!all_zero(d + n - 9, 9))
			below_billion(b, r, d + n - 9, 9, 1);
		return;
	}
	below_billion(b, r, d, n, 0);
}

void
vi_cardinal_int(struct sbuf *b, const struct vi_region *r, long long v)
{
	char buf[32];
	if (v < 0) {
		vi_word(b, "âm");
		v = -v;
	}
	int n = snprintf(buf, sizeof buf, "%lld", v);
	vi_cardinal(b, r, buf, (size_t)n);
}

void
vi_decimal_part(struct sbuf *b, const struct vi_region *r, const char *d, size_t n)
{
	size_t z = 0;
	while (z < n && d[z] == '0')
		vi_word(b, r->digit[0]), z++;
	if (z < n)
		vi_cardinal(b, r, d + z, n - z);
}

void
vi_month(struct sbuf *b, const struct vi_region *r, int m, int lunar)
{
	if (m >= 1 && m <= 12)
		vi_word(b, lunar ? r->lunar_month[m] : r->month[m]);
	else
		vi_cardinal_int(b, r, m);
}

/* The value of d[0..n) with its leading zeros, when it is short enough to compare. */
static long long
small_value(const char *d, size_t n)
{
	while (n > 1 && *d == '0')
		d++, n--;
	if (n > 6)
		return -1;
	long long v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (d[i] - '0');
	return v;
}

void
vi_ordinal(struct sbuf *b, const struct vi_region *r, const char *d, size_t n)
{
	long long v = small_value(d, n);
	if (v == 1)
		vi_word(b, r->first);
	else if (v == 4)
		vi_word(b, r->fourth);
	else
		vi_cardinal(b, r, d, n);
}

void
vi_denominator(struct sbuf *b, const struct vi_region *r, const char *d, size_t n)
{
	if (small_value(d, n) == 4)
		vi_word(b, r->quarter);
	else
		vi_cardinal(b, r, d, n);
}

int
vi_roman(const char *s, size_t n, int lower_ok)
{
	static const char upper[] = "IVXLCDM", lower[] = "ivxlcdm";
	static const int val[] = { 1, 5, 10, 50, 100, 500, 1000 };
	if (!n || n > 15)
		return 0;
	const char *set = s[0] >= 'a' ? lower : upper;
	if (set == lower && !lower_ok)
		return 0;
	int total = 0, prev = 0;
	for (size_t i = n; i-- > 0;) {
		const char *c = s[i] ? strchr(set, s[i]) : NULL;
		if (!c)
			return 0;
		int v = val[c - set];
		total += v < prev ? -v : v;
		if (v > prev)
			prev = v;
	}
	if (total <= 0 || total > 3999)
		return 0;
	/* only the canonical form: written back, it must be the same letters */
	static const char *const th[] = { "", "M", "MM", "MMM" };
	static const char *const hu[] = { "", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM" };
	static const char *const te[] = { "", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC" };
	static const char *const on[] = { "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX" };
	char buf[24];
	int len = snprintf(buf, sizeof buf, "%s%s%s%s", th[total / 1000], hu[total / 100 % 10],
			   te[total / 10 % 10], on[total % 10]);
	if ((size_t)len != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (upper[strchr(set, s[i]) - set] != buf[i])
			return 0;
	return total;
}
