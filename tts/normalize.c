/*
 * The normalizer: written Vietnamese → what an announcer says, line by
 * line, as an announcer of a region reads it: the words of numbers, dates,
 * units and money come from the region's table (number.c), the North's
 * unless asked otherwise.  Conventions: DESIGN.md "Spoken form" and
 * tts/SPOKEN.md.
 *
 * The text is cut into tokens (text.c: words, numbers, symbols, and the
 * white space before each).  Each token is read by the first rule of the
 * ordered table rules[] at the end of this file that takes it: a rule looks
 * at the tokens from there on (and at the words before, its context:
 * "ngày", "tổng đài"), says words, and returns how many tokens it read, or
 * 0 when it does not apply — then what it said is taken back and the next
 * rule is asked.  No rule looks further than MAX_SPAN tokens ahead unless it
 * reads all it looked at, so the whole is linear in the text.  A newcomer
 * adds a convention by writing one rule and putting it in the table where
 * its precedence belongs.
 *
 * The lint runs the same rules (norm_run() with a struct norm_lint): a rule
 * that had to guess, or cannot read what it sees, reports it with the
 * reading it chose, so the lint says exactly what the normalizer will do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tts/number.h"
#include "tts/text.h"
#include "tts/tts.h"

/* How far a rule may look ahead without reading what it looked at. */
#define MAX_SPAN 64

struct norm {
	const struct tts_lexicon *lex;
	const struct vi_region *r;
	const char *text;
	struct vi_tokens tk;
	const struct vi_tok *t;
	size_t n;
	size_t end;      /* the current line's tokens end here */
	int words;       /* the current line has words (not only figures and signs) */
	struct sbuf out; /* the current line's spoken form */
	int pending;     /* a pause owed before the next word: 1 short (, ; :), 2 long (. ! ?) */
	/* left by one reading for the next: the index just after the last
	 * token read as a date, a phone number, a Roman numeral; the first
	 * token of the line after a document code cut at its dash; 0: none */
	size_t date_end, phone_end, roman_end, code_cut;
	struct norm_lint *lint; /* NULL: only normalizing */
	size_t ops;             /* tokens looked at: the linear-time test counts them */
};

/* ---- tokens ---- */

/*
 * Every look at a token goes through in(), is(), sym() or glued(), which
 * count it (z is const to the rules' helpers, the count is not: a cast).
 */
static void
looked(const struct norm *z)
{
	((struct norm *)z)->ops++;
}

static int
in(const struct norm *z, size_t i)
{
	looked(z);
	return i < z->end;
}

static int
is(const struct norm *z, size_t i, int kind)
{
	looked(z);
	return i < z->end && z->t[i].kind == kind;
}

static int
sym(const struct norm *z, size_t i, uint32_t c)
{
	looked(z);
	return i < z->end && z->t[i].kind == VI_SYM && z->t[i].aux == c;
}

/* Token i touches the token before it (no white space, same line). */
static int
glued(const struct norm *z, size_t i)
{
	looked(z);
	return i < z->end && !(z->t[i].flags & VI_BOL) && z->t[i].gap == 0;
}

/* Token i stands apart: white space or the start of the line before it. */
static int
apart(const struct norm *z, size_t i)
{
	return i < z->end && ((z->t[i].flags & VI_BOL) || z->t[i].gap > 0);
}

/*
 * Nothing more of the same piece after token i: white space, the end of
 * the line, or punctuation that does not join more letters or digits
 * ("2025." and "2025)" end at 2025; "2025.5" and "5G" do not).
 */
static int
ends(const struct norm *z, size_t i)
{
	if (!glued(z, i + 1))
		return 1;
	return z->t[i + 1].kind == VI_SYM && !(glued(z, i + 2) && z->t[i + 2].kind != VI_SYM);
}

static const char *
src(const struct norm *z, size_t i)
{
	return z->text + z->t[i].off;
}

static size_t
len(const struct norm *z, size_t i)
{
	return z->t[i].len;
}

static const char *
low(const struct norm *z, size_t i)
{
	return vi_tok_low(&z->tk, &z->t[i]);
}

/* Word i (on this line or before it) is w, in lower case. */
static int
weq(const struct norm *z, size_t i, const char *w)
{
	looked(z);
	return i < z->n && z->t[i].kind == VI_WORD && strcmp(low(z, i), w) == 0;
}

static int
weq_any(const struct norm *z, size_t i, const char *const *set, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (weq(z, i, set[k]))
			return 1;
	return 0;
}

/* Characters in token i. */
static size_t
chars(const struct norm *z, size_t i)
{
	size_t k = 0;
	for (size_t b = 0; b < len(z, i); b++)
		k += ((unsigned char)src(z, i)[b] & 0xc0) != 0x80;
	return k;
}

/* The value of number i, or -1 when it has more than 9 digits. */
static long
val(const struct norm *z, size_t i)
{
	if (len(z, i) > 9)
		return -1;
	long v = 0;
	for (size_t b = 0; b < len(z, i); b++)
		v = v * 10 + (src(z, i)[b] - '0');
	return v;
}

/* Number i of 1 to max digits. */
static int
num_upto(const struct norm *z, size_t i, size_t max)
{
	return is(z, i, VI_NUM) && len(z, i) <= max;
}

static int
is_year(const struct norm *z, size_t i)
{
	long v = is(z, i, VI_NUM) && len(z, i) == 4 ? val(z, i) : -1;
	return v >= 1000 && v <= 2999;
}

/* A separator s glued between token i-1 and number i+1: "5/3", "8.000". */
static int
joins(const struct norm *z, size_t i, uint32_t s)
{
	return sym(z, i, s) && glued(z, i) && is(z, i + 1, VI_NUM) && glued(z, i + 1);
}

/*
 * The words before token i end with phrase (lower case, words one space
 * apart).  The previous line counts: "ngày" at its end dates this one.
 */
static int
after(const struct norm *z, size_t i, const char *phrase)
{
	const char *end = phrase + strlen(phrase);
	size_t j = i;
	while (end > phrase) {
		const char *start = end;
		while (start > phrase && start[-1] != ' ')
			start--;
		if (j == 0)
			return 0;
		j--;
		looked(z);
		if (z->t[j].kind != VI_WORD)
			return 0;
		const char *w = low(z, j);
		size_t n = (size_t)(end - start);
		if (strncmp(w, start, n) != 0 || w[n])
			return 0;
		end = start > phrase ? start - 1 : start;
	}
	return 1;
}

static int
after_any(const struct norm *z, size_t i, const char *const *set, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (after(z, i, set[k]))
			return 1;
	return 0;
}

/* ---- saying ---- */

static void
say(struct norm *z, const char *w)
{
	vi_word(&z->out, w);
}

/*
 * A pause (c: ',' short, '.' long) before the next word, if one comes on
 * this line.  Inside a line a pause is written " - ": espeak-ng pauses there
 * without the clause-final intonation a comma gives, which bends a level
 * tone (xin → a falling xin).  A line that ends a sentence ends with ".":
 * espeak-ng pauses between lines only after one.
 */
static void
pause_mark(struct norm *z, char c)
{
	int p = c == '.' ? 2 : 1;
	if (z->out.len && p > z->pending)
		z->pending = p;
}

/* A short pause between words a rule says (the groups of a phone number). */
static void
pause_now(struct norm *z)
{
	if (z->out.len)
		sbuf_adds(&z->out, " -");
}

static void
say_cardinal(struct norm *z, const char *d, size_t n)
{
	vi_cardinal(&z->out, z->r, d, n);
}

static void
say_num(struct norm *z, size_t i)
{
	say_cardinal(z, src(z, i), len(z, i));
}

/* Each letter by its Vietnamese name, digits as numbers: an acronym nobody explained. */
static void
spell(struct norm *z, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (s[i] >= '0' && s[i] <= '9') {
			size_t k = i;
			while (k < n && s[k] >= '0' && s[k] <= '9')
				k++;
			say_cardinal(z, s + i, k - i);
			i = k;
			continue;
		}
		uint32_t cp;
		int k = utf8_decode(s + i, &cp);
		const char *name = vi_letter_name(cp);
		if (name) {
			say(z, name);
		} else if (vi_is_letter(cp)) {
			char *l = vi_lower(s + i, (size_t)k);
			say(z, l);
			free(l);
		}
		i += (size_t)k;
	}
}

/* 1 if the spoken form so far ends with the words of phrase. */
static int
said_last(const struct norm *z, const char *phrase)
{
	size_t n = strlen(phrase), l = z->out.len;
	while (l && strchr(",. ", z->out.s[l - 1]))
		l--;
	if (l < n || strncmp(z->out.s + l - n, phrase, n) != 0)
		return 0;
	return l == n || z->out.s[l - n - 1] == ' ';
}

/* ---- what the lint hears ---- */

enum guess {
	G_DATE,     /* d/m read as a date */
	G_FRACTION, /* d/m read as a fraction */
	G_COUNT,    /* d/m read as a count out of a total */
	G_METRE,    /* a whole number and m: mét, not tháng */
	G_UNIT,     /* letters after a number that are no unit known */
	G_ROMAN,    /* a Roman numeral without a word that calls for one */
	G_COMMA,    /* a comma and three digits: a decimal, not thousands */
};

/* The text of tokens [i, j) as written. */
static void
span_text(const struct norm *z, size_t i, size_t j, const char **s, size_t *n)
{
	*s = src(z, i);
	*n = z->t[j - 1].off + z->t[j - 1].len - z->t[i].off;
}

static void
finding(struct norm *z, enum tts_lint_kind kind, size_t i, size_t j, char *msg,
	const char *reading)
{
	const char *s;
	size_t n;
	span_text(z, i, j, &s, &n);
	lint_add(z->lint, kind, z->t[i].line, z->t[i].col, s, n, msg, reading);
}

/* Tokens [i, j) were read by a guess; what was said for them starts at out.s + mark. */
static void
guess(struct norm *z, size_t i, size_t j, size_t mark, enum guess g)
{
	if (!z->lint)
		return;
	const char *s;
	size_t n;
	span_text(z, i, j, &s, &n);
	const char *reading = z->out.s ? z->out.s + mark : "";
	while (*reading == ' ')
		reading++;
	char *msg = NULL;
	switch (g) {
	case G_DATE:
		msg = xasprintf(_("\"%.*s\" is read as a date, \"%s\"; if it is a fraction or a count, write it in words."),
				(int)n, s, reading);
		break;
	case G_FRACTION:
		msg = xasprintf(_("\"%.*s\" is read as a fraction, \"%s\"; if it is a date, write \"ngày %.*s\"."),
				(int)n, s, reading, (int)n, s);
		break;
	case G_COUNT:
		msg = xasprintf(_("\"%.*s\" is read as a count out of a total, \"%s\"; if it is a date, write \"ngày %.*s\"."),
				(int)n, s, reading, (int)n, s);
		break;
	case G_METRE:
		msg = xasprintf(_("\"%.*s\" is read in metres, \"%s\"; if it means months, write \"tháng\"."),
				(int)n, s, reading);
		break;
	case G_UNIT:
		msg = xasprintf(_("\"%.*s\" ends in letters that are no unit the normalizer knows; it is read \"%s\"; write the unit in words."),
				(int)n, s, reading);
		break;
	case G_ROMAN:
		msg = xasprintf(_("\"%.*s\" is read as a Roman numeral, \"%s\"; if it is an abbreviation, add it to the lexicon (tts.lexicon)."),
				(int)n, s, reading);
		break;
	case G_COMMA:
		msg = xasprintf(_("\"%.*s\" is read as a decimal, \"%s\"; if the comma separates thousands, write a dot (1.000)."),
				(int)n, s, reading);
		break;
	}
	finding(z, TTS_LINT_GUESS, i, j, msg, reading);
}

/* ---- amounts: 1.234.567 and 45,6 ---- */

struct amount {
	size_t ntok;
	size_t ngrp;           /* groups of the integer part: 1 (one run) or thousands */
	size_t grp[8];         /* token index of each group */
	size_t ndig;           /* digits of the integer part */
	const char *frac;      /* the digits after the decimal comma, or NULL */
	size_t nfrac;
	int dot;               /* frac follows a dot that groups no thousands: 4.0, 1.5 */
	int comma_thousands;   /* 1,000,000: commas group thousands */
};

/*
 * The amount at number i: dots group thousands (1.234.567: a first group of
 * one to three digits, then groups of three), a comma starts the decimal
 * part (45,6) unless another comma and number follow (a list: 1,2,3); three
 * groups or more of three digits after commas group thousands the English
 * way (1,000,000).  A dot that groups no thousands is a decimal point
 * read "chấm" (4.0, 1.5).
 */
static size_t
parse_amount(const struct norm *z, size_t i, struct amount *a)
{
	memset(a, 0, sizeof *a);
	if (!is(z, i, VI_NUM))
		return 0;
	a->grp[0] = i;
	a->ngrp = 1;
	a->ndig = len(z, i);
	size_t j = i + 1;
	int lead_ok = len(z, i) <= 3 && src(z, i)[0] != '0';
	/* the second number of a list (1,2,3) starts no decimal */
	int listed = i >= 2 && sym(z, i - 1, ',') && glued(z, i) && glued(z, i - 1) &&
		     z->t[i - 2].kind == VI_NUM;
	while (lead_ok && a->ngrp < ARRAY_LEN(a->grp) && joins(z, j, '.') && len(z, j + 1) == 3) {
		a->grp[a->ngrp++] = j + 1;
		a->ndig += 3;
		j += 2;
	}
	if (a->ngrp == 1 && lead_ok && joins(z, j, ',') && len(z, j + 1) == 3 && joins(z, j + 2, ',') &&
	    len(z, j + 3) == 3) {
		while (a->ngrp < ARRAY_LEN(a->grp) && joins(z, j, ',') && len(z, j + 1) == 3) {
			a->grp[a->ngrp++] = j + 1;
			a->ndig += 3;
			j += 2;
		}
		a->comma_thousands = 1;
	} else if (joins(z, j, ',') && !joins(z, j + 2, ',') && !listed) {
		a->frac = src(z, j + 1);
		a->nfrac = len(z, j + 1);
		j += 2;
	} else if (a->ngrp == 1 && joins(z, j, '.') && !joins(z, j + 2, '.') &&
		   (len(z, j + 1) != 3 || !lead_ok)) {
		/* a dot as in English (4.0, 1.5, 0.500): read "chấm"; not 2.1.3, a section */
		a->frac = src(z, j + 1);
		a->nfrac = len(z, j + 1);
		a->dot = 1;
		j += 2;
	}
	a->ntok = j - i;
	return a->ntok;
}

/* The integer part's digits, in buf when they were grouped. */
static void
amount_digits(const struct norm *z, const struct amount *a, char *buf, const char **d, size_t *n)
{
	if (a->ngrp == 1) {
		*d = src(z, a->grp[0]);
		*n = len(z, a->grp[0]);
		return;
	}
	size_t k = 0;
	for (size_t g = 0; g < a->ngrp; g++) {
		memcpy(buf + k, src(z, a->grp[g]), len(z, a->grp[g]));
		k += len(z, a->grp[g]);
	}
	*d = buf;
	*n = k;
}

/* Says the amount read at token i; a number too long to be one is read digit by digit, and the lint says so. */
static void
say_amount(struct norm *z, size_t i, const struct amount *a)
{
	char buf[32];
	const char *d;
	size_t n;
	size_t mark = z->out.len;
	amount_digits(z, a, buf, &d, &n);
	size_t lead = 0;
	while (lead + 1 < n && d[lead] == '0')
		lead++;
	say_cardinal(z, d, n);
	if (n - lead > VI_MAX_CARDINAL_DIGITS && z->lint) {
		size_t shown = n < 12 ? n : 12;
		finding(z, TTS_LINT_NUMBER, i, i + a->ntok,
			xasprintf(_("the number \"%.*s…\" is too long to read (%zu digits); write it in words or split it"),
				  (int)shown, d, n),
			NULL);
	}
	if (a->frac) {
		say(z, a->dot ? z->r->decimal_dot : z->r->decimal_comma);
		vi_decimal_part(&z->out, z->r, a->frac, a->nfrac);
		if (!a->dot && a->nfrac == 3 && a->ngrp == 1 && n <= 3)
			guess(z, i, i + a->ntok, mark, G_COMMA);
	}
}

/* ---- units ---- */

enum {
	U_CI = 1,     /* may be written in any case (KM, Kg) */
	U_APART = 2,  /* may stand apart from its number (5 km) */
	U_TIME = 4,   /* a unit of time: "trên" before it after a slash (km/h) */
	U_MONEY = 8,
	U_CENTS = 16, /* a currency with cents: 5,99 USD → năm đô la chín mươi chín xu */
	U_METRE = 32, /* "m": metres, or months to some writers */
	U_MULT = 64,  /* k, tr: thousands, millions */
};

struct unit {
	const char *written, *spoken;
	int flags;
};

/* Units written after a number (DESIGN.md "Spoken form"; more in tts/SPOKEN.md). */
static const struct unit units[] = {
	/* length, area, volume */
	{ "mm", "mi li mét", U_CI | U_APART }, { "cm", "xen ti mét", U_CI | U_APART },
	{ "dm", "đề xi mét", U_CI | U_APART }, { "m", "mét", U_APART | U_METRE },
	{ "km", "ki lô mét", U_CI | U_APART }, { "µm", "mi crô mét", U_APART },
	{ "mm2", "mi li mét vuông", U_CI | U_APART }, { "cm2", "xen ti mét vuông", U_CI | U_APART },
	{ "dm2", "đề xi mét vuông", U_CI | U_APART }, { "m2", "mét vuông", U_APART },
	{ "km2", "ki lô mét vuông", U_CI | U_APART }, { "ha", "héc ta", U_APART },
	{ "cm3", "xen ti mét khối", U_CI | U_APART }, { "dm3", "đề xi mét khối", U_CI | U_APART },
	{ "m3", "mét khối", U_APART }, { "l", "lít", U_APART }, { "L", "lít", 0 },
	{ "ml", "mi li lít", U_CI | U_APART }, { "lít", "lít", U_APART }, { "inch", "inch", U_APART },
	{ "cc", "xê xê", U_APART },
	/* mass */
	{ "g", "gam", U_APART }, { "mg", "mi li gam", U_CI | U_APART }, { "kg", "ki lô gam", U_CI | U_APART },
	{ "mcg", "mi crô gam", U_APART }, { "µg", "mi crô gam", U_APART }, { "tạ", "tạ", U_APART },
	{ "tấn", "tấn", U_APART }, { "yến", "yến", U_APART },
	/* temperature typed without the degree sign */
	{ "oC", "độ xê", U_APART },
	/* time */
	{ "h", "giờ", U_TIME }, { "giờ", "giờ", U_APART | U_TIME }, { "ph", "phút", U_TIME },
	{ "p", "phút", U_TIME }, { "phút", "phút", U_APART | U_TIME }, { "min", "phút", U_TIME },
	{ "s", "giây", U_TIME },
	{ "giây", "giây", U_APART | U_TIME }, { "ms", "mi li giây", U_TIME },
	/* power, electricity, radio, data */
	{ "W", "oát", 0 }, { "kW", "ki lô oát", U_CI }, { "kWh", "ki lô oát giờ", U_CI | U_APART },
	{ "MW", "mê ga oát", 0 }, { "GW", "gi ga oát", 0 }, { "TW", "tê ra oát", U_CI },
	{ "V", "vôn", 0 }, { "v", "vôn", 0 }, { "kV", "ki lô vôn", U_CI }, { "mV", "mi li vôn", 0 },
	{ "mA", "mi li am pe", 0 }, /* not A alone: lớp 10A is a class */ { "Hz", "hẹc", U_CI | U_APART },
	{ "kHz", "ki lô hẹc", U_CI | U_APART }, { "MHz", "mê ga hẹc", U_CI | U_APART },
	{ "GHz", "gi ga hẹc", U_CI | U_APART }, { "KB", "ki lô bai", U_CI }, { "MB", "mê ga bai", U_CI },
	{ "GB", "gi ga bai", U_CI | U_APART }, { "TB", "tê ra bai", U_CI },
	{ "Mbps", "mê ga bít trên giây", U_CI | U_APART }, { "hp", "mã lực", U_CI },
	{ "CV", "mã lực", 0 }, { "dB", "đề xi ben", U_APART }, { "mmHg", "mi li mét thủy ngân", U_APART },
	/* money */
	{ "đ", "đồng", U_APART | U_MONEY }, { "đồng", "đồng", U_APART | U_MONEY },
	{ "VNĐ", "đồng", U_CI | U_APART | U_MONEY }, { "VND", "đồng", U_CI | U_APART | U_MONEY },
	{ "USD", "đô la", U_CI | U_APART | U_MONEY | U_CENTS },
	{ "EUR", "ơ rô", U_CI | U_APART | U_MONEY | U_CENTS },
	/* thousands, millions, billions, as in prices: 50k, 2tr, 1tr5, 2t3 */
	{ "k", "nghìn", U_MULT }, { "K", "nghìn", U_MULT }, { "tr", "triệu", U_MULT | U_APART | U_CI },
	{ "t", "tỷ", U_MULT },
};

/* Symbols written after a number (or before it, for money: $100). */
static const struct {
	uint32_t cp;
	const char *spoken;
	int flags;
} unit_syms[] = {
	{ '%', "phần trăm", U_APART }, { 0x2030, "phần nghìn", U_APART },
	{ '$', "đô la", U_APART | U_MONEY | U_CENTS }, { 0x20ac, "ơ rô", U_APART | U_MONEY | U_CENTS },
	{ 0xa3, "bảng anh", U_APART | U_MONEY }, { 0xa5, "yên nhật", U_APART | U_MONEY },
	{ 0x20ab, "đồng", U_APART | U_MONEY }, { 0x20b9, "ru pi", U_APART | U_MONEY },
	{ '\'', "phút", U_TIME },
};

/* Words of time after a slash: "trên" is said before them (đồng/ngày, km/h). */
static const char *const per_time_words[] = { "giờ", "ngày", "tuần", "tháng", "năm", "quý",
					      "phút", "giây", "buổi", "ca", "đêm" };

struct unit_match {
	const char *spoken;
	int flags;
	size_t ntok;
	char extra[24]; /* for °C and the like: the spoken form built here */
};

static const struct unit *
unit_find(const char *w, size_t n, int any_case)
{
	for (size_t k = 0; k < ARRAY_LEN(units); k++) {
		const char *u = units[k].written;
		if (strlen(u) != n)
			continue;
		if (memcmp(u, w, n) == 0)
			return &units[k];
	}
	if (!any_case)
		return NULL;
	for (size_t k = 0; k < ARRAY_LEN(units); k++) {
		const char *u = units[k].written;
		if (!(units[k].flags & U_CI) || strlen(u) != n)
			continue;
		size_t b = 0;
		while (b < n && ((unsigned char)u[b] | 0x20) == ((unsigned char)w[b] | 0x20) &&
		       (unsigned char)w[b] < 0x80)
			b++;
		if (b == n)
			return &units[k];
	}
	return NULL;
}

/*
 * A unit at token j, right after a number (glued to it, or apart when the
 * unit may stand apart; a one-letter unit apart only after a short number).
 */
static int
match_unit(const struct norm *z, size_t j, size_t numlen, struct unit_match *u)
{
	memset(u, 0, sizeof *u);
	if (!in(z, j))
		return 0;
	int isglued = glued(z, j);
	if (z->t[j].kind == VI_SYM) {
		uint32_t c = z->t[j].aux;
		if (c == 0xb0) { /* °C, °F, ° */
			if (!isglued && !apart(z, j))
				return 0;
			u->ntok = 1;
			strcpy(u->extra, "độ");
			if (is(z, j + 1, VI_WORD) && glued(z, j + 1) && len(z, j + 1) == 1 && ends(z, j + 1)) {
				const char *name = vi_letter_name((unsigned char)src(z, j + 1)[0]);
				if (name) {
					snprintf(u->extra, sizeof u->extra, "độ %s", name);
					u->ntok = 2;
				}
			}
			u->spoken = u->extra;
			return 1;
		}
		for (size_t k = 0; k < ARRAY_LEN(unit_syms); k++)
			if (unit_syms[k].cp == c && (isglued || (unit_syms[k].flags & U_APART))) {
				if (c == '\'' && !ends(z, j))
					return 0;
				u->spoken = vi_region_word(z->r, unit_syms[k].spoken);
				u->flags = unit_syms[k].flags;
				u->ntok = 1;
				return 1;
			}
		return 0;
	}
	if (z->t[j].kind != VI_WORD)
		return 0;
	/* m2, km2, m³: the power glued to the letters */
	char key[24];
	size_t wl = len(z, j);
	if (wl + 4 >= sizeof key)
		return 0;
	memcpy(key, src(z, j), wl);
	size_t ntok = 1;
	if (is(z, j + 1, VI_NUM) && glued(z, j + 1) && len(z, j + 1) == 1 &&
	    (src(z, j + 1)[0] == '2' || src(z, j + 1)[0] == '3')) {
		key[wl++] = src(z, j + 1)[0];
		ntok = 2;
	} else if ((sym(z, j + 1, 0xb2) || sym(z, j + 1, 0xb3)) && glued(z, j + 1)) {
		key[wl++] = sym(z, j + 1, 0xb2) ? '2' : '3';
		ntok = 2;
	}
	const struct unit *un = unit_find(key, wl, 1);
	if (!un && ntok == 2) { /* "m 2" was no power after all */
		ntok = 1;
		wl = len(z, j);
		un = unit_find(key, wl, 1);
	}
	if (!un)
		return 0;
	if (!isglued) {
		if (!(un->flags & U_APART) || !apart(z, j))
			return 0;
		if (strlen(un->written) == 1 && numlen > 6)
			return 0;
	}
	/* a unit ends its piece: "5 mg/kg" yes, "5 hay" no (the word is "hay"); but 1tr5, 3p20s */
	if (glued(z, j + ntok) && z->t[j + ntok].kind != VI_SYM &&
	    !(z->t[j + ntok].kind == VI_NUM && (un->flags & (U_MULT | U_TIME))))
		return 0;
	u->spoken = vi_region_word(z->r, un->spoken);
	u->flags = un->flags;
	u->ntok = ntok;
	return 1;
}

/*
 * The word after a slash: a unit, or a word ("trang", "hộ", "ngày").
 * After money "một" before a thing (đồng/kg, đồng/hộ) and "trên" before a
 * unit of time (đồng/ngày); after anything else "trên" (km/h, tạ/ha,
 * lần/ngày, %/năm).
 */
static size_t
say_per(struct norm *z, size_t j, int money)
{
	if (!sym(z, j, '/') || !glued(z, j) || !glued(z, j + 1))
		return 0;
	struct unit_match u;
	if (match_unit(z, j + 1, 1, &u) && !(u.flags & U_MULT)) {
		say(z, (u.flags & U_TIME) || !money ? "trên" : "một");
		say(z, u.spoken);
		return 1 + u.ntok;
	}
	if (!is(z, j + 1, VI_WORD) || (z->t[j + 1].flags & VI_CAPS))
		return 0;
	say(z, weq_any(z, j + 1, per_time_words, ARRAY_LEN(per_time_words)) || !money ? "trên" : "một");
	say(z, low(z, j + 1));
	return 2;
}

/* Words before a whole number and "m" that make it a length. */
static const char *const length_words[] = { "cao", "dài", "rộng", "sâu", "cách", "dâng", "xa",
					    "kính", "dày", "sóng", "lũ", "ngập", "chiều", "khoảng",
					    "mực", "thấp", "lên", "xuống" };

static int
length_context(const struct norm *z, size_t i)
{
	for (size_t k = 1; k <= 3 && k <= i; k++)
		if (weq_any(z, i - k, length_words, ARRAY_LEN(length_words)))
			return 1;
	return 0;
}

/* Reads an amount of money with cents: 5,99 USD → năm đô la chín mươi chín xu. */
static void
say_cents(struct norm *z, size_t i, const struct amount *a, const char *currency)
{
	char buf[32];
	const char *d;
	size_t n;
	amount_digits(z, a, buf, &d, &n);
	int zero = 1;
	for (size_t k = 0; k < n; k++)
		zero &= d[k] == '0';
	if (!zero) {
		say_cardinal(z, d, n);
		say(z, currency);
	}
	char cents[3] = { a->frac[0], a->nfrac == 2 ? a->frac[1] : '0', 0 };
	if (strcmp(cents, "00") != 0) {
		say_cardinal(z, cents, 2);
		say(z, "xu");
	} else if (zero) {
		say_cardinal(z, d, n);
		say(z, currency);
	}
}

/*
 * A number with its unit, read at token i: 150mm, 3,2kg, 2.000đ/trang,
 * 90 km/h, 35°C, 45%, 1tr5, 5,99$.  0 when no unit follows.
 */
static size_t
read_quantity(struct norm *z, size_t i)
{
	struct amount a;
	size_t k = parse_amount(z, i, &a);
	/* the number of a code (QL1A, U23, F0) takes no unit */
	if (!k || (glued(z, i) && z->t[i - 1].kind == VI_WORD && !weq(z, i - 1, "x")))
		return 0;
	size_t j = i + k;
	size_t mark = z->out.len;
	struct unit_match u;
	/* 1m65: a metre and sixty-five (but 5m2 is square metres) */
	if (!a.frac && weq(z, j, "m") && glued(z, j) && num_upto(z, j + 1, 2) && glued(z, j + 1) &&
	    ends(z, j + 1) && !(len(z, j + 1) == 1 && strchr("23", src(z, j + 1)[0]))) {
		say_amount(z, i, &a);
		say(z, "mét");
		say_num(z, j + 1);
		return j + 2 - i;
	}
	if (!match_unit(z, j, a.ndig, &u)) {
		/* letters glued to a number that are no unit: read them as letters, and say so */
		if (!is(z, j, VI_WORD) || !glued(z, j) || !(z->t[j].flags & VI_ASCII) ||
		    (z->t[j].flags & VI_UPPER) || len(z, j) > 6 || weq(z, j, "x") ||
		    vi_is_syllable(src(z, j), len(z, j)) || !ends(z, j))
			return 0;
		say_amount(z, i, &a);
		spell(z, src(z, j), len(z, j));
		guess(z, i, j + 1, mark, G_UNIT);
		return j + 1 - i;
	}
	if (u.flags & U_MULT) {
		/* 1tr5: a million and a half; 50k: fifty thousand */
		size_t zeros = strcmp(u.spoken, z->r->thousand) == 0 ? 3 : strcmp(u.spoken, z->r->million) == 0 ? 6 : 9;
		if (!a.frac && a.ngrp == 1 && is(z, j + u.ntok, VI_NUM) && glued(z, j + u.ntok) &&
		    len(z, j + u.ntok) < zeros && ends(z, j + u.ntok)) {
			size_t t = j + u.ntok;
			char buf[40];
			size_t n = 0;
			if (len(z, i) + zeros > 30)
				return 0;
			memcpy(buf, src(z, i), len(z, i));
			n = len(z, i);
			memcpy(buf + n, src(z, t), len(z, t));
			n += len(z, t);
			for (size_t q = len(z, t); q < zeros; q++)
				buf[n++] = '0';
			say_cardinal(z, buf, n);
			j = t + 1;
		} else {
			if (!glued(z, j) && zeros != 6)
				return 0;
			say_amount(z, i, &a);
			say(z, u.spoken);
			j += u.ntok;
		}
		/* the currency after it: 10k VND, 2tr đồng */
		struct unit_match c;
		if (match_unit(z, j, 1, &c) && (c.flags & U_MONEY)) {
			say(z, c.spoken);
			j += c.ntok;
		}
	} else if ((u.flags & U_CENTS) && a.frac && !a.dot && a.nfrac <= 2) {
		say_cents(z, i, &a, u.spoken);
		j += u.ntok;
	} else {
		say_amount(z, i, &a);
		say(z, u.spoken);
		j += u.ntok;
		/* metres or months?  Not when a slash makes it a rate (20m/s) */
		if ((u.flags & U_METRE) && !a.frac && !length_context(z, i) && !sym(z, j, '/'))
			guess(z, i, j, mark, G_METRE);
		/* 3p20s: minutes and seconds (none said when 00) */
		if (strcmp(u.spoken, "phút") == 0 && num_upto(z, j, 2) && glued(z, j) &&
		    weq(z, j + 1, "s") && glued(z, j + 1) && ends(z, j + 1)) {
			if (val(z, j)) {
				say_num(z, j);
				say(z, "giây");
			}
			j += 2;
		}
	}
	/* per: đồng/kg, km/h, đồng/hộ/tháng */
	for (int q = 0; q < 3; q++) {
		size_t p = say_per(z, j, (u.flags & U_MONEY) != 0);
		if (!p)
			break;
		j += p;
	}
	return j - i;
}

/* ---- dates and times ---- */

struct dm {
	long d, m;
	size_t ntok;
	size_t year; /* token of the year, or 0 */
	int padded;  /* 05/03: a leading zero */
};

/*
 * d/m/yyyy, d-m-yyyy, d.m.yyyy (one separator throughout), or d/m without
 * a year (any separator after "ngày" when sep_any), at number i.
 */
static int
parse_dm(const struct norm *z, size_t i, struct dm *x, int sep_any)
{
	memset(x, 0, sizeof *x);
	if (!num_upto(z, i, 2) || !in(z, i + 1) || z->t[i + 1].kind != VI_SYM)
		return 0;
	uint32_t s = z->t[i + 1].aux;
	if ((s != '/' && s != '-' && s != '.') || !joins(z, i + 1, s) || !num_upto(z, i + 2, 2))
		return 0;
	x->d = val(z, i);
	x->m = val(z, i + 2);
	if (x->d < 1 || x->d > 31 || x->m < 1 || x->m > 12)
		return 0;
	x->padded = src(z, i)[0] == '0' || src(z, i + 2)[0] == '0';
	if (joins(z, i + 3, s)) {
		if (!is_year(z, i + 4) || joins(z, i + 5, s) || joins(z, i + 5, '/'))
			return 0;
		x->year = i + 4;
		x->ntok = 5;
		return 1;
	}
	if ((s != '/' && !sep_any) || joins(z, i + 3, '/'))
		return 0;
	x->ntok = 3;
	return 1;
}

/* Words before a date after which "ngày" is not said again. */
static const char *const day_words[] = { "ngày", "mùng", "mồng", "hôm", "sáng", "trưa",
					 "chiều", "tối", "đêm" };

/* "các ngày 20, 21 và 22/3": the date ends a list that "ngày" began. */
static int
day_listed(const struct norm *z, size_t i)
{
	for (size_t k = 1; k <= 8 && k <= i; k++) {
		size_t j = i - k;
		if (weq_any(z, j, day_words, ARRAY_LEN(day_words)))
			return 1;
		if (!is(z, j, VI_NUM) && !sym(z, j, ',') && !sym(z, j, '-') && !weq(z, j, "và") &&
		    !weq(z, j, "hoặc"))
			return 0;
	}
	return 0;
}

/*
 * A month of the lunar calendar: "âm lịch" (or "(âm lịch)") at token j
 * after it, or "rằm" (the full moon) before token i.  Its months are tháng
 * giêng and tháng chạp in every region (SPOKEN.md "Regions").
 */
static int
lunar(const struct norm *z, size_t i, size_t j)
{
	if (after(z, i, "rằm") || after(z, i, "rằm tháng"))
		return 1;
	if (sym(z, j, '('))
		j++;
	return weq(z, j, "âm") && weq(z, j + 1, "lịch");
}

static void
say_date(struct norm *z, size_t i, const struct dm *x)
{
	if (!day_listed(z, i))
		say(z, "ngày");
	vi_cardinal_int(&z->out, z->r, x->d);
	say(z, "tháng");
	vi_month(&z->out, z->r, (int)x->m, lunar(z, i, i + x->ntok));
	if (x->year) {
		say(z, "năm");
		say_num(z, x->year);
	}
}

/* Words before d/m that make it a day and a month. */
static const char *const date_words[] = {
	"ngày", "mùng", "mồng", "hôm", "từ", "đến", "tới", "trước", "sau", "hạn", "hết",
	"sáng", "chiều", "tối", "trưa", "đêm", "dịp", "lễ", "tết", "kỷ niệm", "nghỉ", "vào",
	"chủ nhật", "thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu", "thứ bảy", "khai giảng",
	"quốc khánh", "hạn chót", "kể từ", "đêm nay", "ngày mai", "rằm",
};

/* Words before d-m that make it a day and a month rather than a range (not "từ": từ 5-7 ngày). */
static const char *const dash_date_words[] = { "ngày", "mùng", "mồng", "hôm", "lễ", "tết",
					       "kỷ niệm", "quốc khánh", "dịp", "rằm" };

/* Words after a number and a slash that make it a fraction: "1/3 số hộ". */
static const char *const fraction_next[] = { "số", "tổng", "diện", "dân", "thời", "lượng",
					     "quãng", "chặng", "chiều", "của", "phần" };
/* Words before a/b that make it an amount, not a date: "chiếm 2/3", "tỷ lệ 1/2". */
static const char *const fraction_words[] = {
	"tỷ lệ", "tỉ lệ", "bằng", "chiếm", "khoảng", "gần", "hơn", "còn", "giảm", "tăng", "đạt",
	"được", "chỉ", "quá", "có", "gấp", "mất", "thêm", "hoàn thành",
};

/* Words after a/b that are no noun it counts: "khai mạc 2/9 tại hội trường". */
static const char *const not_nouns[] = {
	"tại", "lúc", "vào", "và", "hoặc", "đến", "tới", "từ", "cho", "với", "của", "ở", "này",
	"sẽ", "là", "đã", "được", "để", "nhằm", "theo", "hằng", "hàng", "năm", "tuần", "sắp",
	"vừa", "qua", "rồi", "nay", "mới", "thì", "mà", "nên", "cũng", "đều",
};

enum dm_reading { DM_DATE, DM_DATE_GUESS, DM_FRACTION, DM_COUNT };

/*
 * How a/b without a year at number i (nx: the token after it) is read.  A date after words that
 * call for one (ngày, từ, trước, hạn, lễ, a weekday), right after another
 * date ("ngày 5/3 và 6/3"), or written with a leading zero (05/03).  A
 * count out of a total ("45/52 hộ", "thứ 3/20", "24/7") or a fraction
 * ("1/3 số hộ", "3/4", "1/2 kg", "chiếm 2/3") after words that call for an
 * amount, before a unit or a noun, or when it is no date at all.  Without
 * any of these, in running text a day and a month is the likelier (30/4,
 * "khai mạc 2/9."), but a pair alone on its line is a fraction.  *sure is 0
 * for those guesses: the lint says which reading was chosen.
 */
static enum dm_reading
dm_reading(const struct norm *z, size_t i, size_t nx, long a, long b, int padded, int *sure)
{
	int could_date = a >= 1 && a <= 31 && b >= 1 && b <= 12;
	*sure = 1;
	size_t c = i;
	/* "thứ Hai (5/3)", "Chủ nhật, 10/3" */
	if (c > 0 && (sym(z, c - 1, '(') || sym(z, c - 1, ',')))
		c--;
	if (could_date) {
		if (after_any(z, c, date_words, ARRAY_LEN(date_words)) ||
		    (c > 0 && z->t[c - 1].kind == VI_NUM && after(z, c - 1, "thứ")))
			return DM_DATE;
		/* a date just before, joined by "và", "hoặc", a comma or a dash */
		if (z->date_end && i >= z->date_end && i - z->date_end <= 1)
			return DM_DATE;
		if (!(a == 24 && b == 7) && padded)
			return DM_DATE;
	}
	if (after(z, i, "thứ") || after(z, i, "hạng") || (a == 24 && (b == 7 || b == 24)))
		return DM_COUNT;
	struct unit_match u;
	int noun = is(z, nx, VI_WORD) && apart(z, nx) &&
		   !weq_any(z, nx, fraction_next, ARRAY_LEN(fraction_next)) &&
		   !weq_any(z, nx, not_nouns, ARRAY_LEN(not_nouns));
	if (match_unit(z, nx, 1, &u) && !(u.flags & U_MONEY))
		return DM_FRACTION;
	/* an amount: after "chiếm", after a whole number (5 1/2), after a sign */
	int amount = after_any(z, i, fraction_words, ARRAY_LEN(fraction_words)) ||
		     (i > 0 && (is(z, i - 1, VI_NUM) || sym(z, i - 1, '-') || sym(z, i - 1, '+')));
	if (amount || !could_date)
		return noun && !(a < b && b <= 4) ? DM_COUNT : DM_FRACTION;
	*sure = 0;
	if (a > b)
		return DM_DATE_GUESS;
	if (noun)
		return a < b && b <= 4 ? DM_FRACTION : DM_COUNT;
	return z->words ? DM_DATE_GUESS : DM_FRACTION;
}

struct hm {
	long h, m, s;
	size_t ntok;
};

/*
 * A time at number i: 17h30, 7h, 17h00, 14g30, 8h30', 05:30, 13:30:45.
 * Hours up to 24, minutes and seconds up to 59; "h" without minutes but not
 * "g" (5G is a network) nor "H" alone.
 */
static int
parse_time(const struct norm *z, size_t i, struct hm *x)
{
	memset(x, 0, sizeof *x);
	if (!num_upto(z, i, 2) || (x->h = val(z, i)) > 24)
		return 0;
	size_t j = i + 1;
	if (is(z, j, VI_WORD) && glued(z, j)) {
		const char *w = low(z, j);
		int hour = strcmp(w, "h") == 0, g = strcmp(w, "g") == 0;
		if (!hour && !g)
			return 0;
		int upper = src(z, j)[0] == 'H' || src(z, j)[0] == 'G';
		j++;
		if (num_upto(z, j, 2) && glued(z, j)) {
			x->m = val(z, j);
			if (x->m > 59)
				return 0;
			j++;
			/* 7h30p, 8h30' */
			if ((weq(z, j, "p") || weq(z, j, "ph") || sym(z, j, '\'')) && glued(z, j))
				j++;
		} else if (g || upper) {
			return 0;
		}
		if (glued(z, j) && z->t[j].kind != VI_SYM)
			return 0;
		x->ntok = j - i;
		return 1;
	}
	if (!joins(z, j, ':') || len(z, j + 1) != 2 || (x->m = val(z, j + 1)) > 59)
		return 0;
	j += 2;
	if (joins(z, j, ':')) {
		if (len(z, j + 1) != 2 || (x->s = val(z, j + 1)) > 59 || joins(z, j + 2, ':'))
			return 0;
		j += 2;
	}
	if (glued(z, j) && z->t[j].kind != VI_SYM)
		return 0;
	x->ntok = j - i;
	return 1;
}

static void
say_time(struct norm *z, const struct hm *x)
{
	vi_cardinal_int(&z->out, z->r, x->h);
	say(z, "giờ");
	if (x->m) {
		vi_cardinal_int(&z->out, z->r, x->m);
		say(z, "phút");
	}
	if (x->s) {
		vi_cardinal_int(&z->out, z->r, x->s);
		say(z, "giây");
	}
}

/* ---- the rules ---- */

/*
 * list-marker — DESIGN: list markers at the start of a line (a), 1), -, +,
 * •) are not read.  "a) Tiếp tục đẩy mạnh" → tiếp tục đẩy mạnh
 */
static size_t
rule_list_marker(struct norm *z, size_t i)
{
	const struct vi_tok *t = &z->t[i];
	if (!(t->flags & VI_BOL) || !in(z, i + 1))
		return 0;
	if (t->kind == VI_SYM) {
		static const uint32_t marks[] = { '-', '+', '*', '>', 0x2022, 0x25cf, 0x25aa, 0x25a0,
						  0x25e6, 0xf0b7, 0xf0a7, 0x2023, 0x2043, 0x25ba,
						  0x25b6, 0x27a2, 0x2713, 0x2714, 0x2666, 0x25c6 };
		for (size_t k = 0; k < ARRAY_LEN(marks); k++)
			if (t->aux == marks[k])
				/* -3°C and +84 are a sign, not a marker */
				return is(z, i + 1, VI_NUM) && glued(z, i + 1) && marks[k] <= '-' ? 0 : 1;
		if (t->aux == '(' && glued(z, i + 1) && (num_upto(z, i + 1, 2) ||
		     (is(z, i + 1, VI_WORD) && chars(z, i + 1) == 1)) && sym(z, i + 2, ')') &&
		    glued(z, i + 2) && in(z, i + 3))
			return 3;
		return 0;
	}
	if ((num_upto(z, i, 2) || (t->kind == VI_WORD && chars(z, i) == 1)) && sym(z, i + 1, ')') &&
	    glued(z, i + 1) && in(z, i + 2))
		return 2;
	return 0;
}

/*
 * heading — DESIGN: heading numbers at the start of a line are read, Roman
 * ones as cardinals.  "II. NỘI DUNG" → hai. nội dung; "2.1. Mục tiêu" → hai
 * chấm một. mục tiêu; "IV- TỔ CHỨC" → bốn. tổ chức
 */
static size_t
rule_heading(struct norm *z, size_t i)
{
	if (!(z->t[i].flags & VI_BOL))
		return 0;
	if (z->t[i].kind == VI_NUM) {
		size_t j = i;
		int parts = 0;
		while (num_upto(z, j, 2) && (j == i || glued(z, j)) && parts < 8 && sym(z, j + 1, '.') &&
		       glued(z, j + 1))
			j += 2, parts++;
		if (!parts || !apart(z, j))
			return 0;
		for (size_t k = i; k < j; k += 2) {
			if (k > i)
				say(z, z->r->decimal_dot);
			say_num(z, k);
		}
		pause_mark(z, '.');
		return j - i;
	}
	if (z->t[i].kind != VI_WORD || !(z->t[i].flags & VI_ASCII))
		return 0;
	int v = vi_roman(src(z, i), len(z, i), 0);
	/* a letter alone is a roman heading only as I, V, X: "C. Thông tin" is lettered */
	if (!v || (len(z, i) == 1 && !strchr("IVX", src(z, i)[0])))
		return 0;
	size_t j = i + 1;
	if (in(z, j) && z->t[j].kind == VI_SYM && z->t[j].aux < 0x80 &&
	    strchr(".):-", (int)z->t[j].aux) && in(z, j + 1) &&
	    (glued(z, j) || z->t[j].aux == '-') && apart(z, j + 1)) {
		vi_cardinal_int(&z->out, z->r, v);
		pause_mark(z, '.');
		return 2;
	}
	return 0;
}

/* The rest of an issuing code from token c: capitals, digits, - / . & glued together (NQ-CP, QĐ-UBND). */
static size_t
code_tail(const struct norm *z, size_t c)
{
	size_t j = c;
	while (in(z, j) && (j == c || glued(z, j))) {
		const struct vi_tok *t = &z->t[j];
		if (t->kind == VI_SYM) {
			if (t->aux != '-' && t->aux != '/' && t->aux != '&' && t->aux != '.')
				break;
			if (t->aux == '.' && !glued(z, j + 1))
				break;
		}
		j++;
	}
	return j;
}

/* A word that starts an issuing code: two capitals or more (NQ, QĐ, TTg, UBND). */
static int
code_word(const struct norm *z, size_t i)
{
	if (!is(z, i, VI_WORD) || !(z->t[i].flags & VI_UPPER))
		return 0;
	if (z->t[i].flags & VI_CAPS)
		return 1;
	int caps = 0;
	for (const char *p = src(z, i), *e = p + len(z, i); p < e;) {
		uint32_t cp;
		p += utf8_decode(p, &cp);
		caps += vi_is_upper(cp);
	}
	return caps >= 2;
}

/*
 * code-continued — a document code cut at the end of the line before
 * ("số 10468/QĐ-" / "UBND ngày ...") is not read on this one either.
 */
static size_t
rule_code_continued(struct norm *z, size_t i)
{
	if (!z->code_cut || z->code_cut != i || !(z->t[i].flags & VI_BOL) || !code_word(z, i))
		return 0;
	return code_tail(z, i) - i;
}

/*
 * lexicon-span — DESIGN: acronyms from the lexicon, here those written
 * with a dot, a dash, a slash or an ampersand inside.  "TN&MT" → tài
 * nguyên và môi trường; "Q.3" → quận ba; "b/c" → báo cáo
 */
static size_t
rule_lexicon_span(struct norm *z, size_t i)
{
	if (!is(z, i + 1, VI_SYM) || !glued(z, i + 1))
		return 0;
	char key[64];
	size_t n = 0, best = 0;
	const char *spoken = NULL;
	for (size_t j = i; j < i + 7 && in(z, j) && (j == i || glued(z, j)); j++) {
		if (n + len(z, j) >= sizeof key)
			break;
		memcpy(key + n, src(z, j), len(z, j));
		n += len(z, j);
		key[n] = 0;
		const char *s = j > i ? tts_lexicon_lookup(z->lex, key) : NULL;
		if (s)
			best = j + 1 - i, spoken = s;
	}
	if (!best)
		return 0;
	say(z, spoken);
	return best;
}

/* How a part of a web address is read, when it has a reading of its own. */
static const char *const url_words[][2] = {
	{ "www", "vê kép vê kép vê kép" }, { "gov", "gờ ô vê" }, { "vn", "vê en" },
	{ "com", "com" }, { "net", "nét" }, { "org", "o rờ gờ" }, { "edu", "e đu" },
	{ "info", "in phô" }, { "gmail", "gờ meo" }, { "dichvucong", "dịch vụ công" },
	{ "chinhphu", "chính phủ" }, { "baohiemxahoi", "bảo hiểm xã hội" },
	{ "vneid", "vê en ê ai đi" }, { "zalo", "da lô" }, { "facebook", "phây búc" },
	{ "youtube", "du túp" }, { "hanoi", "hà nội" }, { "vnpt", "vê en pê tê" },
};

static const char *const tlds[] = { "vn", "com", "net", "org", "gov", "edu", "info", "io" };

/*
 * address — DESIGN: web addresses and e-mails are read part by part with
 * "chấm" and "a còng"; known parts as words.  "dichvucong.gov.vn" → dịch
 * vụ công chấm gờ ô vê chấm vê en
 */
static size_t
rule_address(struct norm *z, size_t i)
{
	size_t j = i + 1;
	while (j - i < MAX_SPAN && glued(z, j))
		j++;
	if (j - i >= MAX_SPAN || j - i < 3)
		return 0;
	/* the full stop or bracket after it is not part of it */
	while (j > i + 1 && z->t[j - 1].kind == VI_SYM && z->t[j - 1].aux < 0x80 &&
	       strchr(".,;:)!?\"'", (int)z->t[j - 1].aux))
		j--;
	size_t at = 0, dots = 0;
	for (size_t k = i; k < j; k++) {
		at += sym(z, k, '@');
		dots += sym(z, k, '.');
	}
	size_t from = i;
	int web = 0;
	if ((weq(z, i, "http") || weq(z, i, "https")) && sym(z, i + 1, ':') && sym(z, i + 2, '/') &&
	    sym(z, i + 3, '/'))
		web = 1, from = i + 4;
	else if (weq(z, i, "www") && sym(z, i + 1, '.'))
		web = 1;
	int mail = at == 1 && dots >= 1 && !sym(z, i, '@');
	int domain = 0;
	if (!web && !mail && dots >= 1 && (z->t[i].flags & VI_ASCII) && z->t[i].kind == VI_WORD &&
	    !(z->t[i].flags & VI_UPPER)) {
		/* name.tld, maybe with a path after it: youtube.com/ubndxa */
		for (size_t k = i + 2; k < j && !domain; k++)
			domain = sym(z, k - 1, '.') && weq_any(z, k, tlds, ARRAY_LEN(tlds)) &&
				 (k + 1 == j || sym(z, k + 1, '.') || sym(z, k + 1, '/'));
		for (size_t k = i; k < j && domain; k++)
			if (z->t[k].kind == VI_WORD && (!(z->t[k].flags & VI_ASCII) ||
							(z->t[k].flags & VI_UPPER)))
				domain = 0;
	}
	if (!web && !mail && !domain)
		return 0;
	for (size_t k = from; k < j; k++) {
		const struct vi_tok *t = &z->t[k];
		if (t->kind == VI_NUM) {
			vi_digits(&z->out, z->r, src(z, k), len(z, k));
		} else if (t->kind == VI_WORD) {
			const char *w = low(z, k), *s = NULL;
			for (size_t q = 0; q < ARRAY_LEN(url_words) && !s; q++)
				if (strcmp(w, url_words[q][0]) == 0)
					s = url_words[q][1];
			if (s)
				say(z, s);
			else if (vi_is_syllable(src(z, k), len(z, k)) || chars(z, k) > 4)
				say(z, w);
			else
				spell(z, src(z, k), len(z, k));
		} else {
			static const struct {
				uint32_t c;
				const char *w;
			} parts[] = { { '.', "chấm" }, { '@', "a còng" }, { '/', "gạch chéo" },
				      { '-', "gạch ngang" }, { '_', "gạch dưới" }, { ':', "hai chấm" } };
			for (size_t q = 0; q < ARRAY_LEN(parts); q++)
				if (t->aux == parts[q].c)
					say(z, parts[q].w);
		}
	}
	return j - i;
}

/*
 * acronym-echo — DESIGN: an acronym in brackets right after its own
 * expansion is not read twice.  "cải cách hành chính (CCHC)" → cải cách
 * hành chính
 */
static size_t
rule_acronym_echo(struct norm *z, size_t i)
{
	if (!sym(z, i, '(') || !is(z, i + 1, VI_WORD) || !glued(z, i + 1) || !sym(z, i + 2, ')') ||
	    !glued(z, i + 2))
		return 0;
	char *key = xstrndup(src(z, i + 1), len(z, i + 1));
	const char *spoken = tts_lexicon_lookup(z->lex, key);
	free(key);
	return spoken && said_last(z, spoken) ? 3 : 0;
}

/* Words after which a Roman numeral is a number (lower case allowed). */
static const char *const roman_words[] = {
	"quý", "khóa", "khoá", "phần", "chương", "mục", "khoản", "tập", "đợt", "kỳ", "kì", "đoạn",
	"số", "lần", "điều", "tiết", "bài", "thế kỷ", "thế kỉ", "giai đoạn", "đại hội", "thứ",
	"báo động",
};
/* Words after which a Roman numeral is a number, but a capital C, D, L or M a letter (hạng C). */
static const char *const roman_class_words[] = {
	"phụ lục", "nhóm", "vùng", "khu vực", "loại", "hạng", "cấp", "cấp độ", "bậc", "mức",
};

/*
 * roman — DESIGN: Roman numerals after quý, khóa, phần, chương, mục, khoản,
 * thế kỷ, thứ (and more) are read as numbers, after thứ and hạng as
 * ordinals; a year may follow.  "Quý IV/2025" → quý bốn năm hai nghìn
 * không trăm hai mươi lăm; "chương ix" → chương chín; "thế kỷ XXI" → thế
 * kỷ hai mươi mốt.  "quý I, II và III" reads the list.  A bare numeral of
 * two letters or more made of I, V, X (XIV) is read as a number too, and
 * the lint says so.
 */
static size_t
rule_roman(struct norm *z, size_t i)
{
	if (!(z->t[i].flags & VI_ASCII) || len(z, i) > 15)
		return 0;
	const char *s = src(z, i);
	size_t n = len(z, i);
	if (strspn(s, "IVXLCDMivxlcdm") < n)
		return 0;
	int cap = s[0] < 'a';
	size_t c = i > 0 && sym(z, i - 1, '(') ? i - 1 : i; /* hằng quý (I, II, III) */
	int trig = after_any(z, c, roman_words, ARRAY_LEN(roman_words));
	int cls = !trig && after_any(z, c, roman_class_words, ARRAY_LEN(roman_class_words));
	/* quý I, II và III: a list of them */
	int cont = 0;
	if (z->roman_end && i > z->roman_end && i - z->roman_end <= 1 &&
	    (sym(z, i - 1, ',') || weq(z, i - 1, "và") || weq(z, i - 1, "hoặc") ||
	     weq(z, i - 1, "đến") || sym(z, i - 1, '-')))
		cont = 1;
	if (after(z, i, "năm") && n >= 3 && (memchr(s, 'M', n) || memchr(s, 'm', n)))
		trig = 1; /* năm MMXXV */
	int v = vi_roman(s, n, trig || cls || cont);
	if (!v)
		return 0;
	size_t k = 1;
	int year = joins(z, i + 1, '/') && is_year(z, i + 2) && ends(z, i + 2);
	if (!ends(z, i) && !year)
		return 0;
	int bare = !trig && !cls && !cont;
	if (bare && !year) {
		/* a bare one: II, XIV (not VI, XI: syllables of words in capitals) */
		if (!cap || n < 2 || strspn(s, "IVX") != n || vi_is_syllable(s, n))
			return 0;
	}
	if (!cap && vi_is_syllable(s, n) && is(z, i + 1, VI_WORD))
		return 0; /* "mục vi phạm" */
	if (n == 1 && strchr("CDLMcdlm", s[0]) && !trig)
		return 0; /* hạng C, phụ lục D: letters */
	size_t mark = z->out.len;
	char d[8];
	int dn = snprintf(d, sizeof d, "%d", v);
	if (after(z, i, "thứ") || after(z, i, "hạng"))
		vi_ordinal(&z->out, z->r, d, (size_t)dn);
	else
		say_cardinal(z, d, (size_t)dn);
	if (year) {
		say(z, "năm");
		say_num(z, i + 2);
		k = 3;
	}
	z->roman_end = i + k;
	if (bare && !year)
		guess(z, i, i + k, mark, G_ROMAN);
	return k;
}

/* Words after which digits are a phone number, read one by one. */
static const char *const phone_words[] = {
	"tổng đài", "hotline", "đường dây nóng", "điện thoại", "số máy", "fax", "zalo", "sđt",
	"đt", "gọi", "gọi ngay", "gọi điện", "gọi đến", "gọi tới", "nhắn tin", "liên hệ", "di động",
	"máy lẻ", "bấm số", "quay số", "khẩn cấp", "nhắn", "đầu số",
	/* numbers that identify: accounts, cards, codes */
	"tài khoản", "stk", "cccd", "cmnd", "căn cước", "định danh", "mã số", "mã", "số thẻ",
	"mã hồ sơ", "mã số thuế", "mst", "số hiệu",
};
/* Words around 111-116 that make them emergency numbers. */
static const char *const emergency_words[] = { "cấp cứu", "cứu hỏa", "cứu hoả", "cứu nạn",
					       "cứu hộ", "công an", "cảnh sát", "khẩn cấp" };

/* The words from token j on begin with one of the phrases. */
static int
starts_any(const struct norm *z, size_t j, const char *const *set, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const char *p = set[k];
		size_t t = j;
		while (*p) {
			size_t w = strcspn(p, " ");
			if (!is(z, t, VI_WORD) || strncmp(low(z, t), p, w) != 0 || low(z, t)[w])
				break;
			p += w;
			p += *p == ' ';
			t++;
		}
		if (!*p)
			return 1;
	}
	return 0;
}

/* Groups of digits from number i joined by . or - (or single spaces when spaced): 0912 345 678. */
static size_t
digit_groups(const struct norm *z, size_t i, int spaced, size_t *digits, size_t *groups)
{
	size_t j = i;
	*digits = *groups = 0;
	while (is(z, j, VI_NUM) && *groups < 6 && *digits + len(z, j) <= 13) {
		*digits += len(z, j);
		(*groups)++;
		if ((joins(z, j + 1, '.') || joins(z, j + 1, '-')) && len(z, j + 2) >= 2) {
			j += 2;
			continue;
		}
		j++;
		if (spaced && is(z, j, VI_NUM) && !(z->t[j].flags & VI_BOL) && z->t[j].gap == 1 &&
		    len(z, j) >= 2 && len(z, j) <= 4 && *digits + len(z, j) <= 13)
			continue;
		break;
	}
	return j - i;
}

/* Says digits of tokens [i, j), a pause between groups written apart or with dots. */
static void
say_phone(struct norm *z, size_t i, size_t j)
{
	for (size_t k = i; k < j; k++) {
		if (is(z, k, VI_NUM)) {
			if (k > i)
				pause_now(z);
			vi_digits(&z->out, z->r, src(z, k), len(z, k));
		}
	}
}

/*
 * phone — DESIGN: phone numbers (0 and 9 or 10 digits, any grouping; +84;
 * 1900/1800 numbers), numbers after tổng đài, hotline, gọi, số điện
 * thoại, and the emergency numbers are read digit by digit.  "0912.345.678"
 * → không chín một hai, ba bốn năm, sáu bảy tám; "gọi 113" → gọi một một ba
 */
static size_t
rule_phone(struct norm *z, size_t i)
{
	size_t d, g, k;
	if (sym(z, i, '+') && glued(z, i + 1) && num_upto(z, i + 1, 3) && !glued(z, i) &&
	    (k = digit_groups(z, i + 1, 1, &d, &g)) && d >= 10 && d <= 13) {
		say(z, "cộng");
		say_phone(z, i + 1, i + 1 + k);
		z->phone_end = i + 1 + k;
		return 1 + k;
	}
	if (sym(z, i, '(') && num_upto(z, i + 1, 4) && glued(z, i + 1) && src(z, i + 1)[0] == '0' &&
	    sym(z, i + 2, ')') && glued(z, i + 2) && is(z, i + 3, VI_NUM)) {
		k = digit_groups(z, i + 3, 1, &d, &g);
		if (d + len(z, i + 1) == 10 || d + len(z, i + 1) == 11) {
			say_phone(z, i + 1, i + 3 + k);
			z->phone_end = i + 3 + k;
			return 3 + k;
		}
		return 0;
	}
	if (!is(z, i, VI_NUM) || (glued(z, i) && !sym(z, i - 1, '(') && !sym(z, i - 1, ':')))
		return 0;
	const char *s = src(z, i);
	/* a context word, maybe with "số" and a colon after it: "Hotline: 1900.1234" */
	size_t c = i;
	if (c > 0 && (sym(z, c - 1, ':') || sym(z, c - 1, '(')))
		c--;
	if (weq(z, c - 1, "số"))
		c--;
	int ctx = c > 0 && after_any(z, c, phone_words, ARRAY_LEN(phone_words));
	int cont = z->phone_end && i > z->phone_end && i - z->phone_end <= 1 &&
		   (sym(z, i - 1, ',') || weq(z, i - 1, "hoặc") || weq(z, i - 1, "và") ||
		    sym(z, i - 1, '-') || sym(z, i - 1, '/') || sym(z, i - 1, ';'));
	int spaced = s[0] == '0' ? len(z, i) >= 3 : 1;
	k = digit_groups(z, i, spaced, &d, &g);
	int shape = (s[0] == '0' && (d == 10 || d == 11) && (g == 1 || len(z, i) >= 3)) ||
		    ((strncmp(s, "1900", 4) == 0 || strncmp(s, "1800", 4) == 0) && len(z, i) >= 4 &&
		     (d == 8 || d == 10) && (g > 1 || len(z, i) == 8));
	if (!shape && (ctx || cont) && d >= 3) {
		/* after a context word: up to the first group that is no part of it */
		shape = 1;
	}
	/* a code or an identity number with leading zeros: 001085012345 */
	if (!shape && g == 1 && s[0] == '0' && len(z, i) >= 4)
		shape = 1;
	if (!shape && g == 1 && len(z, i) == 3 && s[0] == '1' && s[1] == '1' && s[2] >= '1' &&
	    s[2] <= '6' && ends(z, i)) {
		/* 111-116: emergency numbers, with a word of their service around them */
		if ((c > 0 && after_any(z, c, emergency_words, ARRAY_LEN(emergency_words))) ||
		    sym(z, i + 1, '(') || starts_any(z, i + 1, emergency_words, ARRAY_LEN(emergency_words)))
			shape = 1;
	}
	if (!shape || !ends(z, i + k - 1))
		return 0;
	/* a grouped amount after "liên hệ" (1.000 lần) is no phone number */
	if (!ctx && !cont && g > 1 && s[0] != '0' && strncmp(s, "1900", 4) && strncmp(s, "1800", 4))
		return 0;
	say_phone(z, i, i + k);
	z->phone_end = i + k;
	return k;
}

/*
 * document-code — DESIGN: in document references the number is read (and
 * its year), the issuing code dropped: the words around already name the
 * issuer.  "số 76/NQ-CP" → số bảy mươi sáu; "61/2018/NĐ-CP" → sáu mươi
 * mốt năm hai nghìn không trăm mười tám; "05-NQ/TU" → năm
 */
static size_t
rule_document_code(struct norm *z, size_t i)
{
	struct amount a;
	size_t k = parse_amount(z, i, &a);
	if (!k || a.frac)
		return 0;
	size_t j = i + k;
	if (!sym(z, j, '/') && !sym(z, j, '-'))
		return 0;
	/* "số 30 /KH-UBND": the slash written apart from the number */
	if (!glued(z, j) && !(sym(z, j, '/') && apart(z, j)))
		return 0;
	size_t c = j + 1, year = 0;
	if (!glued(z, c))
		return 0;
	if (is_year(z, c) && sym(z, c + 1, '/') && glued(z, c + 1) && glued(z, c + 2) &&
	    code_word(z, c + 2)) {
		year = c;
		c += 2;
	}
	if (!code_word(z, c))
		return 0;
	size_t e = code_tail(z, c);
	say_amount(z, i, &a);
	if (year) {
		say(z, "năm");
		say_num(z, year);
	}
	/* cut at the end of the line after its dash: the next line starts with the rest */
	if (e == z->end && (sym(z, e - 1, '-') || sym(z, e - 1, '/')))
		z->code_cut = e;
	return e - i;
}

/*
 * sign — DESIGN: signs change meaning and are never dropped: a minus before
 * a number (after a space, a bracket or the start of the line) is "âm", a
 * plus "cộng".  "-3°C" → âm ba độ xê; "từ -2 đến 5" → từ âm hai đến năm
 */
static size_t
rule_sign(struct norm *z, size_t i)
{
	if ((!sym(z, i, '-') && !sym(z, i, '+')) || !is(z, i + 1, VI_NUM) || !glued(z, i + 1))
		return 0;
	const struct vi_tok *t = &z->t[i];
	int open = apart(z, i) || (i > 0 && z->t[i - 1].kind == VI_SYM && z->t[i - 1].aux < 0x80 &&
				   strchr("([{=:;", (int)z->t[i - 1].aux));
	if (!(t->flags & VI_MINUS) && !open)
		return 0;
	say(z, t->aux == '+' ? "cộng" : "âm");
	return 1;
}

enum vkind { V_NONE, V_TIME, V_DATE, V_QTY, V_AMOUNT };

/* Reads one side of a range at i; what it was in *kind.  prefer: the kind of the left side. */
static size_t
read_side(struct norm *z, size_t i, enum vkind prefer, enum vkind *kind, long *first)
{
	struct hm h;
	struct dm d;
	struct amount a;
	*kind = V_NONE;
	*first = is(z, i, VI_NUM) ? val(z, i) : -1;
	if (parse_time(z, i, &h) && (prefer == V_NONE || prefer == V_TIME || prefer == V_AMOUNT)) {
		say_time(z, &h);
		*kind = V_TIME;
		return h.ntok;
	}
	if (prefer != V_TIME && parse_dm(z, i, &d, 0) &&
	    (prefer == V_NONE || prefer == V_DATE || prefer == V_AMOUNT)) {
		say_date(z, i, &d);
		*kind = V_DATE;
		return d.ntok;
	}
	if (prefer == V_DATE || prefer == V_TIME)
		return 0;
	size_t k = read_quantity(z, i);
	if (k) {
		*kind = V_QTY;
		return k;
	}
	if (prefer == V_QTY)
		return 0;
	k = parse_amount(z, i, &a);
	if (k) {
		say_amount(z, i, &a);
		*kind = V_AMOUNT;
	}
	return k;
}

/* The dash of a range at j: glued on both sides, apart on both, or glued before it only. */
static int
range_dash(const struct norm *z, size_t j)
{
	if (!in(z, j) || z->t[j].kind != VI_SYM || !in(z, j + 1) || (z->t[j].flags & VI_MINUS))
		return 0;
	uint32_t c = z->t[j].aux;
	if (c != '-' && c != '~' && c != 0xf7)
		return 0;
	return glued(z, j) || apart(z, j + 1);
}

/*
 * range — DESIGN: a dash between two numbers, times, dates or amounts reads
 * "đến"; the unit written once is read once.  "35-37°C" → ba mươi lăm đến
 * ba mươi bảy độ xê; "8h00-11h00" → tám giờ đến mười một giờ; "01-15/12/2025"
 * → một đến ngày mười lăm tháng mười hai năm ...; "2024/2025" (a school or
 * budget year) → hai nghìn không trăm hai mươi tư đến hai nghìn không trăm
 * hai mươi lăm.  A higher number before a lower one is no range (a score).
 */
static size_t
rule_range(struct norm *z, size_t i)
{
	if (!is(z, i, VI_NUM))
		return 0;
	/* 2024/2025 */
	if (is_year(z, i) && joins(z, i + 1, '/') && is_year(z, i + 2) && ends(z, i + 2) &&
	    val(z, i + 2) == val(z, i) + 1) {
		say_num(z, i);
		say(z, "đến");
		say_num(z, i + 2);
		return 3;
	}
	/* tháng 8-2025 is a month and its year */
	if (after(z, i, "tháng") && num_upto(z, i, 2) && joins(z, i + 1, '-') && is_year(z, i + 2))
		return 0;
	/* ngày 2-9, Quốc khánh 2-9, dịp 30-4: a day and a month */
	struct dm dd;
	if (after_any(z, i, dash_date_words, ARRAY_LEN(dash_date_words)) && parse_dm(z, i, &dd, 1) &&
	    dd.ntok == 3 && sym(z, i + 1, '-') && !weq(z, i + 3, "tháng"))
		return 0;
	enum vkind lk, rk;
	long lv, rv;
	size_t k = read_side(z, i, V_NONE, &lk, &lv);
	if (!k || !range_dash(z, i + k))
		return 0;
	size_t j = i + k + 1;
	if (!is(z, j, VI_NUM))
		return 0;
	say(z, "đến");
	size_t k2 = read_side(z, j, lk, &rk, &rv);
	if (!k2 || joins(z, j + k2, '-') || joins(z, j + k2, '/'))
		return 0;
	if (lk == V_AMOUNT && rk == V_DATE && (lv < 1 || lv >= rv))
		return 0;
	if (lk == V_AMOUNT && (rk == V_AMOUNT || rk == V_QTY)) {
		/* a higher number first is a score (2-1), not a range */
		struct amount a, b;
		parse_amount(z, i, &a);
		parse_amount(z, j, &b);
		if (a.ngrp == 1 && b.ngrp == 1 && !a.frac && !b.frac &&
		    (len(z, i) > len(z, j) ||
		     (len(z, i) == len(z, j) && memcmp(src(z, i), src(z, j), len(z, i)) >= 0)))
			return 0;
	}
	if (rk == V_DATE || lk == V_DATE)
		z->date_end = j + k2;
	return j + k2 - i;
}

/*
 * date — DESIGN: "ngày d/m/yyyy" → ngày D tháng M năm Y (tháng tư for
 * April; "ngày" said when the text does not say it); d-m-yyyy and d.m.yyyy
 * too; a d/m pair only where a date fits (see dm_reading()).  "ngày
 * 15/7/2021" → ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi
 * mốt; "trước 30/6" → trước ngày ba mươi tháng sáu
 */
static size_t
rule_date(struct norm *z, size_t i)
{
	struct dm d;
	int sure = 1;
	if (!parse_dm(z, i, &d, after_any(z, i, date_words, ARRAY_LEN(date_words))))
		return 0;
	if (!d.year) {
		enum dm_reading how = dm_reading(z, i, i + 3, d.d, d.m, d.padded, &sure);
		if (how != DM_DATE && how != DM_DATE_GUESS)
			return 0;
		sure = how == DM_DATE;
	}
	size_t mark = z->out.len;
	say_date(z, i, &d);
	z->date_end = i + d.ntok;
	if (!sure)
		guess(z, i, i + d.ntok, mark, G_DATE);
	return d.ntok;
}

/* Words after which m/yyyy is the number of a period, not a month: quý 3/2025. */
static const char *const period_words[] = { "quý", "đợt", "kỳ", "kì", "giai đoạn", "khóa",
					    "khoá", "lần", "phần", "số" };

/*
 * month-year — DESIGN: "tháng m/yyyy" → tháng M năm Y ("tháng" said when
 * the text does not say it); after quý, đợt, kỳ the number is the
 * period's.  "tháng 8/2025" → tháng tám năm hai nghìn không trăm hai mươi
 * lăm; "Quý 3/2025" → quý ba năm ...
 */
static size_t
rule_month_year(struct norm *z, size_t i)
{
	if (!num_upto(z, i, 2) || !in(z, i + 1) || z->t[i + 1].kind != VI_SYM)
		return 0;
	uint32_t s = z->t[i + 1].aux;
	int month_said = after(z, i, "tháng");
	if (s != '/' && !((s == '-' || s == '.') && month_said))
		return 0;
	if (!joins(z, i + 1, s) || !is_year(z, i + 2) || !ends(z, i + 2))
		return 0;
	long m = val(z, i);
	if (after_any(z, i, period_words, ARRAY_LEN(period_words))) {
		say_num(z, i);
	} else {
		if (m < 1 || m > 12)
			return 0;
		if (!month_said)
			say(z, "tháng");
		vi_month(&z->out, z->r, (int)m, lunar(z, i, i + 3));
	}
	say(z, "năm");
	say_num(z, i + 2);
	return 3;
}

/*
 * time — DESIGN: "17h30", "05:30" → mười bảy giờ ba mươi phút, năm giờ ba
 * mươi phút; ":00" and "h00" minutes are not read; seconds: "13:30:45" →
 * mười ba giờ ba mươi phút bốn mươi lăm giây
 */
static size_t
rule_time(struct norm *z, size_t i)
{
	struct hm h;
	if (!parse_time(z, i, &h))
		return 0;
	/* tỷ lệ 1:20 is a ratio */
	if (sym(z, i + 1, ':') && (after(z, i, "tỷ lệ") || after(z, i, "tỉ lệ") ||
				   after(z, i, "tỷ số") || after(z, i, "tỉ số")))
		return 0;
	say_time(z, &h);
	return h.ntok;
}

/*
 * fraction — DESIGN: counts out of a total read "trên" ("45/52 hộ" → bốn
 * mươi lăm trên năm mươi hai hộ; "thứ 3/20"; "24/7" → hai mươi tư trên
 * bảy), fractions "phần" ("1/3 số hộ" → một phần ba số hộ; "3/4" → ba phần
 * tư); "5 1/2" → năm và một phần hai.  When the pair could also be a date,
 * the lint says which reading was chosen.
 */
static size_t
rule_fraction(struct norm *z, size_t i)
{
	struct amount num, den;
	/* 1.250/1.500 hộ: amounts too */
	if (!parse_amount(z, i, &num) || num.frac || !joins(z, i + num.ntok, '/'))
		return 0;
	size_t d = i + num.ntok + 1;
	if (!parse_amount(z, d, &den) || den.frac || joins(z, d + den.ntok, '/'))
		return 0;
	long a = num.ngrp == 1 ? val(z, i) : 100000, b = den.ngrp == 1 ? val(z, d) : 100000;
	if (a < 0 || b <= 0)
		return 0;
	size_t after_den = d + den.ntok;
	int sure;
	enum dm_reading how = dm_reading(z, i, after_den, a, b,
					 src(z, i)[0] == '0' || src(z, d)[0] == '0', &sure);
	if (how == DM_DATE || how == DM_DATE_GUESS)
		return 0;
	size_t mark = z->out.len;
	/* 5 1/2: a whole number and a fraction */
	if (how == DM_FRACTION && a < b && i > 0 && is(z, i - 1, VI_NUM) && !(z->t[i].flags & VI_BOL) &&
	    z->t[i].gap == 1 && (!glued(z, i - 1) || sym(z, i - 2, '-') || sym(z, i - 2, '+')))
		say(z, "và");
	say_amount(z, i, &num);
	if (how == DM_COUNT) {
		say(z, "trên");
		say_amount(z, d, &den);
	} else {
		say(z, "phần");
		if (den.ngrp == 1)
			vi_denominator(&z->out, z->r, src(z, d), len(z, d));
		else
			say_amount(z, d, &den);
	}
	size_t j = after_den;
	struct unit_match u;
	if (match_unit(z, j, 1, &u) && !(u.flags & U_MULT)) {
		say(z, u.spoken);
		j += u.ntok;
	}
	if (!sure)
		guess(z, i, after_den, mark, how == DM_COUNT ? G_COUNT : G_FRACTION);
	return j - i;
}

/* A multiplication sign between sizes: x, X, ×, *. */
static int
times_sign(const struct norm *z, size_t j)
{
	if (!in(z, j + 1) || !is(z, j + 1, VI_NUM) || glued(z, j) != glued(z, j + 1))
		return 0;
	return (is(z, j, VI_WORD) && (strcmp(low(z, j), "x") == 0)) || sym(z, j, 0xd7) ||
	       sym(z, j, '*');
}

/*
 * dimensions — sizes read with "nhân": "3x4m" → ba nhân bốn mét; "100cm x
 * 50cm" → một trăm xen ti mét nhân năm mươi xen ti mét
 */
static size_t
rule_dimensions(struct norm *z, size_t i)
{
	if (!is(z, i, VI_NUM))
		return 0;
	size_t j = i;
	for (int side = 0; side < 3; side++) {
		size_t k = read_quantity(z, j);
		if (!k) {
			struct amount a;
			k = parse_amount(z, j, &a);
			if (!k)
				return 0;
			say_amount(z, j, &a);
		}
		if (!times_sign(z, j + k))
			return side ? j + k - i : 0;
		say(z, "nhân");
		j += k + 1;
	}
	return 0;
}

/*
 * quantity — DESIGN: units after a number are read in full, money too,
 * and a slash after them reads "một" ("trên" before a unit of time).
 * "0,1ml" → không phẩy một mi li lít; "2.000đ/trang" → hai nghìn đồng một
 * trang; "90 km/h" → chín mươi ki lô mét trên giờ; "$100" → một trăm đô
 * la; "5,99 USD" → năm đô la chín mươi chín xu
 */
static size_t
rule_quantity(struct norm *z, size_t i)
{
	if (z->t[i].kind == VI_SYM) {
		/* money written before its amount: $100, €5 */
		size_t m;
		for (m = 0; m < ARRAY_LEN(unit_syms); m++)
			if (unit_syms[m].cp == z->t[i].aux && (unit_syms[m].flags & U_MONEY))
				break;
		if (m == ARRAY_LEN(unit_syms) || !is(z, i + 1, VI_NUM) || !glued(z, i + 1))
			return 0;
		struct amount a;
		size_t k = parse_amount(z, i + 1, &a);
		if ((unit_syms[m].flags & U_CENTS) && a.frac && !a.dot && a.nfrac <= 2) {
			say_cents(z, i + 1, &a, unit_syms[m].spoken);
		} else {
			say_amount(z, i + 1, &a);
			say(z, unit_syms[m].spoken);
		}
		return 1 + k;
	}
	return read_quantity(z, i);
}

/*
 * ordinal — after thứ and hạng a number is an ordinal: "thứ 1" → thứ
 * nhất, "thứ 4" → thứ tư, "thứ 14" → thứ mười bốn
 */
static size_t
rule_ordinal(struct norm *z, size_t i)
{
	if (!is(z, i, VI_NUM) || !ends(z, i) || (!after(z, i, "thứ") && !after(z, i, "hạng")))
		return 0;
	vi_ordinal(&z->out, z->r, src(z, i), len(z, i));
	return 1;
}

/*
 * month — after tháng a month: "tháng 4" → tháng tư; a year written
 * after it takes its "năm": "tháng 1 2024" → tháng một năm hai nghìn không
 * trăm hai mươi tư
 */
static size_t
rule_month(struct norm *z, size_t i)
{
	if (!num_upto(z, i, 2) || !ends(z, i) || !after(z, i, "tháng"))
		return 0;
	long m = val(z, i);
	if (m < 1 || m > 12)
		return 0;
	vi_month(&z->out, z->r, (int)m, lunar(z, i, i + 1));
	if (is_year(z, i + 1) && apart(z, i + 1) && z->t[i + 1].gap == 1 && ends(z, i + 1)) {
		say(z, "năm");
		say_num(z, i + 1);
		return 2;
	}
	return 1;
}

/*
 * number-chain — numbers joined by slashes or colons that make no date,
 * time or fraction ("1/2/3/4", "15/7/21") are read one by one with a pause,
 * and the lint says there is no reading for them.
 */
static size_t
rule_number_chain(struct norm *z, size_t i)
{
	if (!is(z, i, VI_NUM))
		return 0;
	size_t j = i;
	while (joins(z, j + 1, '/') || joins(z, j + 1, ':'))
		j += 2;
	if (j - i < 4)
		return 0;
	for (size_t k = i; k <= j; k += 2) {
		if (k > i)
			pause_now(z);
		say_num(z, k);
	}
	if (z->lint) {
		const char *s;
		size_t n;
		span_text(z, i, j + 1, &s, &n);
		finding(z, TTS_LINT_NUMBER, i, j + 1,
			xasprintf(_("the number \"%.*s\" has no reading the normalizer knows; write it as a date, an amount or in words"),
				  (int)n, s),
			NULL);
	}
	return j + 1 - i;
}

/*
 * number — DESIGN: cardinals with nghìn, triệu, tỷ; "." groups thousands,
 * "," is the decimal comma (phẩy); leading zeros are not read.  "1.234" →
 * một nghìn hai trăm ba mươi tư; "45,6" → bốn mươi lăm phẩy sáu; "02" →
 * hai.  After a dot that does not group thousands ("4.0", "2.1") the digits
 * are read like a decimal part.  A run too long for a number is read digit
 * by digit, and the lint says so.
 */
static size_t
rule_number(struct norm *z, size_t i)
{
	if (!is(z, i, VI_NUM))
		return 0;
	if (i >= 2 && sym(z, i - 1, '.') && glued(z, i) && glued(z, i - 1) &&
	    z->t[i - 2].kind == VI_NUM) {
		vi_decimal_part(&z->out, z->r, src(z, i), len(z, i));
		return 1;
	}
	struct amount a;
	size_t k = parse_amount(z, i, &a);
	say_amount(z, i, &a);
	return k;
}

/* Words of a unit or money before a slash that reads "một"/"trên": đồng/tháng, tấn/ha. */
static const char *const per_unit_words[] = { "đồng", "tấn", "tạ", "yến", "lít", "mét", "gam",
					      "lượt", "người", "hộ", "con", "cây", "chiếc", "suất" };

/*
 * per — a slash after a word of unit or money, or before a word of time,
 * reads like after a number's unit: "triệu đồng/tháng" → triệu đồng trên
 * tháng; "lượt/ngày" → lượt trên ngày; but "tin/bài" → tin bài.
 */
static size_t
rule_per(struct norm *z, size_t i)
{
	if (!is(z, i, VI_WORD) || !sym(z, i + 1, '/') || !glued(z, i + 1) || !glued(z, i + 2) ||
	    !is(z, i + 2, VI_WORD) || weq_any(z, i, per_time_words, ARRAY_LEN(per_time_words)))
		return 0;
	int unit = weq_any(z, i, per_unit_words, ARRAY_LEN(per_unit_words));
	if (!unit && !weq_any(z, i + 2, per_time_words, ARRAY_LEN(per_time_words)))
		return 0;
	say(z, low(z, i));
	size_t j = i + 1;
	for (int q = 0; q < 3; q++) {
		size_t p = say_per(z, j, weq(z, i, "đồng"));
		if (!p)
			break;
		j += p;
	}
	return j - i;
}

/* One letter alone after these is a label, said by its name: "điểm b khoản 2". */
static const char *const label_words[] = { "điểm", "mục", "phụ lục", "tiết", "lớp" };

/* A letter in a list of labels: the b of "điểm a, b và c" (not "đ , g p", PDF damage). */
static int
listed_label(const struct norm *z, size_t i)
{
	if (i < 2 || !((sym(z, i - 1, ',') && glued(z, i - 1)) || weq(z, i - 1, "và") ||
		       weq(z, i - 1, "hoặc")))
		return 0;
	size_t p = i - 2;
	return is(z, p, VI_WORD) && chars(z, p) == 1;
}

/* A short word next to token i that is no syllable: i is among the fragments of damaged text. */
static int
fragment(const struct norm *z, size_t j)
{
	return is(z, j, VI_WORD) && !(z->t[j].flags & VI_CAPS) && chars(z, j) <= 3 &&
	       !vi_is_syllable(src(z, j), len(z, j));
}

static int
fragment_near(const struct norm *z, size_t i)
{
	return fragment(z, i + 1) || (i > 0 && fragment(z, i - 1));
}

/*
 * word — DESIGN: words as written, in lower case; acronyms from the
 * lexicon ("UBND" → ủy ban nhân dân); an unknown one in capitals spelled
 * with Vietnamese letter names, never handed to espeak-ng raw ("XYZ" →
 * ích xì i dài dét); a capital letter alone said by its name ("5G" → năm
 * giê).  The lint hears what is no Vietnamese syllable.
 */
static size_t
rule_word(struct norm *z, size_t i)
{
	if (!is(z, i, VI_WORD))
		return 0;
	const char *s = src(z, i);
	size_t n = len(z, i);
	char stack[64];
	char *key = n < sizeof stack ? stack : xmalloc(n + 1);
	memcpy(key, s, n);
	key[n] = 0;
	const char *spoken = tts_lexicon_lookup(z->lex, key);
	if (key != stack)
		free(key);
	if (spoken) {
		say(z, spoken);
		return 1;
	}
	int flags = z->t[i].flags;
	int one = chars(z, i) == 1;
	int spelled = 0;
	if (((flags & VI_CAPS) || (one && (flags & VI_UPPER))) && !vi_is_syllable(s, n)) {
		spell(z, s, n);
		/* a capital said by its name (độ C, 5G) is read right, but in a heading
		 * in capitals or among fragments (Hà T nh) it is what is left of a word */
		if (one && !(z->lint && (z->lint->caps_context || fragment_near(z, i))))
			return 1;
		spelled = !one;
	} else if (one && (after_any(z, i, label_words, ARRAY_LEN(label_words)) || listed_label(z, i))) {
		uint32_t cp;
		utf8_decode(s, &cp);
		const char *name = vi_letter_name(cp);
		say(z, name ? name : low(z, i));
		return 1;
	} else {
		say(z, low(z, i));
	}
	if (z->lint)
		lint_word(z->lint, z->lex, z->text, &z->tk, &z->t[i], spelled);
	return 1;
}

/* Words that open a day, a month or a period: "đến" between two of them (thứ 2 - thứ 6). */
static const char *const span_words[] = { "thứ", "ngày", "tháng", "năm", "quý", "mùng", "chủ",
					   "tuần", "đợt" };
static const char *const weekday_words[] = { "hai", "ba", "tư", "năm", "sáu", "bảy", "nhật" };

/* The dash at i stands between two days or months named alike (thứ 2 - thứ 6). */
static int
span_dash(const struct norm *z, size_t i)
{
	if (!weq_any(z, i + 1, span_words, ARRAY_LEN(span_words)))
		return 0;
	size_t p = i - 1;
	if (is(z, p, VI_NUM))
		p = p > 0 ? p - 1 : p;
	else if (weq_any(z, p, weekday_words, ARRAY_LEN(weekday_words)) && p > 0)
		p--;
	else
		return 0;
	return weq_any(z, p, span_words, ARRAY_LEN(span_words)) && p != i - 1;
}

/* Symbols said as words (more in rule_symbol()). */
static const struct {
	uint32_t cp;
	const char *spoken;
} sym_words[] = {
	{ '&', "và" }, { '=', "bằng" }, { '%', "phần trăm" }, { '@', "a còng" },
	{ 0xb0, "độ" }, { 0xb1, "cộng trừ" }, { 0xbd, "một phần hai" }, { 0xbc, "một phần tư" },
	{ 0xbe, "ba phần tư" }, { 0x2116, "số" }, { 0x2264, "nhỏ hơn hoặc bằng" },
	{ 0x2265, "lớn hơn hoặc bằng" },
};

/* Symbols that are silent, as a reader would not say them. */
static const uint32_t sym_silent[] = {
	'(', ')', '[', ']', '{', '}', '"', '\'', '*', '/', '-', 0x2022, 0x25cf, 0x25aa, 0x25a0,
	0x25e6, 0xf0b7, 0xf0a7, 0x2023, 0x2043, 0x2032, 0x2033, 0xb7,
};

/*
 * symbol — punctuation makes pauses (, ; : a short one, . ! ? a long
 * one); a dash between words with spaces around it a short pause; & is
 * "và", = "bằng", + between numbers "cộng", ~ and ≈ before a number
 * "khoảng", < and > before one "dưới" and "trên"; brackets, quotes and
 * list bullets are silent.  Any other symbol is dropped, and the lint says
 * so.
 */
static size_t
rule_symbol(struct norm *z, size_t i)
{
	if (!is(z, i, VI_SYM))
		return 0;
	uint32_t c = z->t[i].aux;
	int before_num = is(z, i + 1, VI_NUM);
	switch (c) {
	case '.':
		/* 1.2.3: a dot between numbers; TP.HCM: between capitals */
		if (glued(z, i) && glued(z, i + 1) && i > 0 &&
		    ((z->t[i - 1].kind == VI_NUM && before_num) ||
		     ((z->t[i - 1].flags & (VI_CAPS | VI_UPPER)) && is(z, i + 1, VI_WORD) &&
		      (z->t[i + 1].flags & VI_CAPS)))) {
			if (before_num)
				say(z, z->r->decimal_dot);
			return 1;
		}
		/* fallthrough */
	case '!':
	case '?':
	case 0x2026:
		pause_mark(z, '.');
		if (c != 0x2026 && z->lint)
			lint_sentence_end(z->lint);
		return 1;
	case ',':
		pause_mark(z, ',');
		return 1;
	case ';':
	case ':':
		pause_mark(z, ',');
		if (z->lint)
			lint_sentence_end(z->lint);
		return 1;
	case '-':
		/* thứ 2 - thứ 6, tháng 10 - tháng 12, Thứ Hai - Thứ Sáu: a span of days or months */
		if (i > 0 && in(z, i + 1) && span_dash(z, i)) {
			say(z, "đến");
			return 1;
		}
		if (apart(z, i) && apart(z, i + 1))
			pause_mark(z, ',');
		/* 3-1 (a score), 19-8: the two numbers must not run into one (ba mươi bốn) */
		else if (i > 0 && z->t[i - 1].kind == VI_NUM && before_num)
			pause_now(z);
		return 1;
	case '+':
		if (i > 0 && z->t[i - 1].kind == VI_NUM && before_num)
			say(z, "cộng");
		else if (!apart(z, i) || !apart(z, i + 1))
			return 1;
		else
			say(z, "cộng");
		return 1;
	case '~':
	case 0x2248:
		if (before_num) {
			say(z, "khoảng");
			return 1;
		}
		break;
	case '<':
		if (before_num) {
			say(z, "dưới");
			return 1;
		}
		break;
	case '>':
		if (before_num) {
			say(z, "trên");
			return 1;
		}
		break;
	case '/':
		/* a slash between numbers no rule read: a count, said "trên" rather than dropped */
		if (before_num && i > 0 && z->t[i - 1].kind == VI_NUM) {
			say(z, "trên");
			return 1;
		}
		break;
	case '#':
		if (before_num && glued(z, i + 1)) {
			say(z, "số");
			return 1;
		}
		break;
	case 0xd7:
		if (before_num) {
			say(z, "nhân");
			return 1;
		}
		break;
	default:
		break;
	}
	for (size_t k = 0; k < ARRAY_LEN(sym_words); k++)
		if (sym_words[k].cp == c) {
			say(z, sym_words[k].spoken);
			return 1;
		}
	for (size_t k = 0; k < ARRAY_LEN(sym_silent); k++)
		if (sym_silent[k] == c)
			return 1;
	if (z->lint)
		finding(z, TTS_LINT_SYMBOL, i, i + 1,
			xasprintf(_("the symbol \"%.*s\" would be dropped or read oddly; write it in words"),
				  (int)len(z, i), src(z, i)),
			NULL);
	return 1;
}

/*
 * The rules, in order: the first that reads a token reads it.  Context
 * at the start of a line first, then what spans several tokens (an address
 * before its words, a phone number or a document code before the numbers
 * in it, a range before its sides), then single readings, and last the
 * word and the symbol, which read anything.
 */
static const struct rule {
	const char *name;
	size_t (*read)(struct norm *z, size_t i);
	int kinds; /* the kinds of token it may start at */
} rules[] = {
	{ "list-marker", rule_list_marker, VI_SYM | VI_WORD | VI_NUM },
	{ "heading", rule_heading, VI_NUM | VI_WORD },
	{ "code-continued", rule_code_continued, VI_WORD },
	{ "lexicon-span", rule_lexicon_span, VI_WORD },
	{ "address", rule_address, VI_WORD },
	{ "acronym-echo", rule_acronym_echo, VI_SYM },
	{ "roman", rule_roman, VI_WORD },
	{ "phone", rule_phone, VI_NUM | VI_SYM },
	{ "document-code", rule_document_code, VI_NUM },
	{ "sign", rule_sign, VI_SYM },
	{ "range", rule_range, VI_NUM },
	{ "date", rule_date, VI_NUM },
	{ "month-year", rule_month_year, VI_NUM },
	{ "time", rule_time, VI_NUM },
	{ "fraction", rule_fraction, VI_NUM },
	{ "dimensions", rule_dimensions, VI_NUM },
	{ "quantity", rule_quantity, VI_NUM | VI_SYM },
	{ "ordinal", rule_ordinal, VI_NUM },
	{ "month", rule_month, VI_NUM },
	{ "number-chain", rule_number_chain, VI_NUM },
	{ "number", rule_number, VI_NUM },
	{ "per", rule_per, VI_WORD },
	{ "word", rule_word, VI_WORD },
	{ "symbol", rule_symbol, VI_SYM },
};

/* The rules' names in order (tests, and tts/SPOKEN.md). */
const char *
tts_normalize_rule_name(size_t k)
{
	return k < ARRAY_LEN(rules) ? rules[k].name : NULL;
}

static int
count_words(const char *s)
{
	int n = 0, in_word = 0;
	for (; *s; s++) {
		int sp = *s == ' ' || *s == '-' || *s == '.';
		n += !sp && !in_word;
		in_word = !sp;
	}
	return n;
}

/* Reads tokens [i, end) of one line into z->out. */
static void
read_line(struct norm *z, size_t i)
{
	while (i < z->end) {
		size_t k = 0;
		for (size_t r = 0; r < ARRAY_LEN(rules) && !k; r++) {
			if (!(rules[r].kinds & z->t[i].kind))
				continue;
			size_t mark = z->out.len, nf = z->lint ? z->lint->n : 0;
			int pend = z->pending;
			z->pending = 0;
			k = rules[r].read(z, i);
			if (k > z->end - i)
				k = z->end - i; /* a bug; stay in the line */
			if (k && z->out.len > mark) {
				if (z->lint)
					lint_said(z->lint, &z->t[i], count_words(z->out.s + mark));
				if (pend && mark) {
					/* the pause owed before these words */
					sbuf_adds(&z->out, "--");
					memmove(z->out.s + mark + 2, z->out.s + mark, z->out.len - mark - 2);
					memcpy(z->out.s + mark, " -", 2);
				}
				continue;
			}
			if (k) {
				if (pend > z->pending)
					z->pending = pend;
				continue;
			}
			z->pending = pend;
			z->out.len = mark;
			if (z->out.s)
				z->out.s[mark] = 0;
			if (z->lint)
				lint_drop(z->lint, nf);
		}
		i += k ? k : 1;
	}
}

char *
norm_run(const struct tts_lexicon *lex, const struct vi_region *r, const char *text, size_t len,
	 struct norm_lint *lint, char *err)
{
	size_t bad;
	if (utf8_check(text, len, &bad) < 0) {
		err_set(err, _("The text is not valid UTF-8 (bad byte at offset %zu)."), bad);
		return NULL;
	}
	/*
	 * A terminated copy (the rules compare tokens with string functions),
	 * in NFC, so that "ủy" typed with a combining hook matches the lexicon.
	 * Text without combining diacritics (U+0300..U+036F: bytes CC, CD) is
	 * already composed, and most text is: the normalization is skipped there.
	 */
	char *copy = xstrndup(text, len);
	if (memchr(copy, 0xcc, len) || memchr(copy, 0xcd, len)) {
		char *nfc = utf8_nfc(copy);
		free(copy);
		copy = nfc;
		len = strlen(copy);
	}
	text = copy;
	struct norm z = { .lex = lex, .r = r, .text = text, .lint = lint };
	vi_tokenize(text, len, &z.tk);
	z.t = z.tk.t;
	z.n = z.tk.n;
	struct sbuf res = { 0 };
	sbuf_adds(&res, "");
	size_t i = 0;
	for (uint32_t line = 1; line <= z.tk.lines; line++) {
		size_t first = i;
		while (i < z.n && z.t[i].line == line)
			i++;
		z.end = i;
		z.out.len = 0;
		z.pending = 0;
		z.words = 0;
		for (size_t k = first; k < i && !z.words; k++)
			z.words = z.t[k].kind == VI_WORD;
		if (z.out.s)
			z.out.s[0] = 0;
		if (lint)
			lint_line(lint, text, &z.tk, first, i);
		read_line(&z, first);
		sbuf_add(&res, z.out.s ? z.out.s : "", z.out.len);
		if (z.pending == 2)
			sbuf_addc(&res, '.');
		if (line < z.tk.lines)
			sbuf_addc(&res, '\n');
		if (lint && first == i)
			lint_sentence_end(lint); /* a blank line ends a paragraph */
	}
	if (lint) {
		lint_sentence_end(lint);
		lint->ops = z.ops;
	}
	sbuf_free(&z.out);
	vi_tokens_free(&z.tk);
	free(copy);
	return sbuf_steal(&res);
}

char *
tts_normalize(const struct tts_lexicon *lex, const char *text, size_t len, char *err)
{
	return norm_run(lex, &vi_region_north, text, len, NULL, err);
}

int
tts_region_valid(const char *name)
{
	return name && *name && vi_region_find(name);
}

const char *
tts_region_voice(const char *region)
{
	const struct vi_region *r = vi_region_find(region);
	return r ? r->voice : NULL;
}

char *
tts_normalize_region(const struct tts_lexicon *lex, const char *region, const char *text,
		     size_t len, char *err)
{
	const struct vi_region *r = vi_region_find(region);
	if (!r) {
		err_set(err, _("There is no region \"%s\"; the regions are north, central and south."),
			region);
		return NULL;
	}
	return norm_run(lex, r, text, len, NULL, err);
}
