/*
 * Private to tts/: Vietnamese number words (number.c) — cardinals, the
 * digits of decimals and phone numbers, months, ordinals, Roman numerals —
 * read through a table of a region's words, so that a southern or central
 * reading (ngàn, lẻ, bốn after mươi, tháng Giêng) is a new table, not new
 * code.  Words go into an sbuf one space apart (vi_word()).
 */
#ifndef LOAXA_TTS_NUMBER_H
#define LOAXA_TTS_NUMBER_H

#include <stddef.h>

struct sbuf;

/* Above this many digits a number is read digit by digit (espeak-ng stalls on long runs). */
#define VI_MAX_CARDINAL_DIGITS 18

/* A word a region says its own way: "ki lô gam" is "ký" in the South. */
struct vi_region_word {
	const char *north; /* the northern word (the normalizer's tables hold these) */
	const char *word;  /* the region's */
};

/*
 * The words a region reads numbers, dates, units and money with (DESIGN.md
 * "Spoken form"; tts/SPOKEN.md "Regions").  Each region is one table here;
 * nothing else in the normalizer knows the regions apart.
 */
struct vi_region {
	const char *name;            /* north, central, south */
	const char *voice;           /* its espeak-ng voice: vi, vi-vn-x-central, vi-vn-x-south */
	const char *digit[10];       /* không một hai ... chín */
	const char *ten;             /* 10 and the tens digit 1: mười */
	const char *tens;            /* after a tens digit 2-9: mươi */
	const char *one_after_tens;  /* 21 hai mươi mốt */
	const char *four_after_tens; /* 24 hai mươi tư (south: bốn) */
	const char *four_after_ten;  /* 14 mười bốn */
	const char *five_after_ten;  /* 15 mười lăm */
	const char *five_after_tens; /* 25 hai mươi lăm */
	const char *zero_tens;       /* 105 một trăm linh năm (south: lẻ) */
	const char *hundred;         /* trăm */
	const char *thousand;        /* nghìn (south: ngàn) */
	const char *million;         /* triệu */
	const char *billion;         /* tỷ */
	const char *month[13];       /* the number after "tháng": [4] tư; [1] một (or giêng) */
	const char *lunar_month[13]; /* in the lunar calendar (âm lịch): [1] giêng, [12] chạp */
	const char *first;           /* thứ 1: nhất */
	const char *fourth;          /* thứ 4: tư */
	const char *quarter;         /* the denominator 4 after "phần": một phần tư */
	const char *decimal_comma;   /* phẩy */
	const char *decimal_dot;     /* chấm */
	/* units, money and multipliers said otherwise than in the North (NULL-ended) */
	const struct vi_region_word *words;
};

extern const struct vi_region vi_region_north, vi_region_central, vi_region_south;

/* The region named name (north, central, south), or NULL; NULL or "" is the North. */
const struct vi_region *vi_region_find(const char *name);
/*
 * How region r says the northern word w of a unit, an amount or a
 * multiplier: nghìn is its thousand word, others from its words table
 * ("ki lô gam" → "ký" in the South); w itself when the region says it alike.
 */
const char *vi_region_word(const struct vi_region *r, const char *w);

/* Appends w to b, one space after what is there (none at the start or after a space). */
void vi_word(struct sbuf *b, const char *w);

/*
 * A cardinal from a run of ASCII digits d[0..n): leading zeros are not
 * read ("007" bảy); "không trăm" and the zero-tens word inside thousands,
 * millions and tỷ (2.000.001 hai triệu không trăm linh một); above nine
 * digits the count of tỷ is a number of its own (1.250.000.000.000 một
 * nghìn hai trăm năm mươi tỷ).  More than VI_MAX_CARDINAL_DIGITS digits
 * are read one by one.
 */
void vi_cardinal(struct sbuf *b, const struct vi_region *r, const char *d, size_t n);
void vi_cardinal_int(struct sbuf *b, const struct vi_region *r, long long v);
/* Each digit of d[0..n) by its name (phone numbers); other bytes are skipped. */
void vi_digits(struct sbuf *b, const struct vi_region *r, const char *d, size_t n);
/* The part after a decimal comma: its leading zeros read, then the rest as a number (0,05 → không năm). */
void vi_decimal_part(struct sbuf *b, const struct vi_region *r, const char *d, size_t n);
/* The number after "tháng" (1-12): tháng tư; lunar: of the lunar calendar (tháng giêng, tháng chạp). */
void vi_month(struct sbuf *b, const struct vi_region *r, int m, int lunar);
/* The number after "thứ", "hạng": 1 nhất, 4 tư, else the cardinal (thứ 14 mười bốn). */
void vi_ordinal(struct sbuf *b, const struct vi_region *r, const char *d, size_t n);
/* A denominator after "phần": 4 tư, else the cardinal. */
void vi_denominator(struct sbuf *b, const struct vi_region *r, const char *d, size_t n);

/*
 * The value (1-3999) of a canonical Roman numeral in s[0..n), all capitals
 * or, when lower_ok, all small letters; 0 when it is none: "XIV" and
 * "MMXXV" are numerals, "IIII", "VX" and "IC" are not.
 */
int vi_roman(const char *s, size_t n, int lower_ok);

#endif
