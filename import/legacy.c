/*
 * Legacy Vietnamese font encodings into Unicode.  Before Unicode, offices
 * typed with TCVN3 (ABC: fonts ".VnTime", ".VnArial"; their capitals in
 * ".VnTimeH", ".VnArialH", where the same bytes draw capitals) and VNI
 * (fonts "VNI-Times", "VNI-Helve": a base letter then a byte that adds its
 * hat and tone).  Word and LibreOffice keep such a run's bytes as the
 * characters U+0080..U+00FF (the Windows-1252 punctuation for 0x80..0x9F,
 * U+F0xx in symbol fonts), so the text reads "Th«ng b¸o" or "Thoâng baùo"
 * until it is converted.
 *
 * Which encoding: the font name where the file gives one; else the reading
 * (as it is, TCVN3, VNI) that makes the most Vietnamese syllables.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "import/import_int.h"
#include "tts/tts.h"

/* TCVN3 (TCVN 5712:1993, VN3) bytes 0xA0..0xFF; 0 keeps the character. */
static const uint16_t tcvn3[96] = {
	/* A0 */ 0, 0x102, 0xC2, 0xCA, 0xD4, 0x1A0, 0x1AF, 0x110,
	/* A8 */ 0x103, 0xE2, 0xEA, 0xF4, 0x1A1, 0x1B0, 0x111, 0x1EB0,
	/* B0 */ 0x300, 0x309, 0x303, 0x301, 0x323, 0xE0, 0x1EA3, 0xE3,
	/* B8 */ 0xE1, 0x1EA1, 0x1EB2, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4,
	/* C0 */ 0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7,
	/* C8 */ 0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0xE8, 0x1EC2, 0x1EBB, 0x1EBD,
	/* D0 */ 0xE9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0xEC,
	/* D8 */ 0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x129, 0xED, 0x1ECB, 0xF2,
	/* E0 */ 0x1ED4, 0x1ECF, 0xF5, 0xF3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,
	/* E8 */ 0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0xF9,
	/* F0 */ 0x1ED6, 0x1EE7, 0x169, 0xFA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,
	/* F8 */ 0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0xFD, 0x1EF5, 0x1ED0,
};

/*
 * VNI: the bytes that follow a vowel and add to it (lower and upper case
 * alike), as combining marks; and the bytes that are letters on their own.
 */
static const struct {
	unsigned char lo, up;
	uint16_t mark1, mark2; /* hat or breve, then tone */
} vni_marks[] = {
	{ 0xF9, 0xD9, 0x301, 0 },     { 0xF8, 0xD8, 0x300, 0 },     { 0xFB, 0xDB, 0x309, 0 },
	{ 0xF5, 0xD5, 0x303, 0 },     { 0xEF, 0xCF, 0x323, 0 },     { 0xE2, 0xC2, 0x302, 0 },
	{ 0xE1, 0xC1, 0x302, 0x301 }, { 0xE0, 0xC0, 0x302, 0x300 }, { 0xE5, 0xC5, 0x302, 0x309 },
	{ 0xE3, 0xC3, 0x302, 0x303 }, { 0xE4, 0xC4, 0x302, 0x323 }, { 0xEA, 0xCA, 0x306, 0 },
	{ 0xE9, 0xC9, 0x306, 0x301 }, { 0xE8, 0xC8, 0x306, 0x300 }, { 0xFA, 0xDA, 0x306, 0x309 },
	{ 0xFC, 0xDC, 0x306, 0x303 }, { 0xEB, 0xCB, 0x306, 0x323 },
};

static const struct {
	unsigned char byte;
	uint16_t cp;
} vni_letters[] = {
	{ 0xF4, 0x1A1 }, { 0xD4, 0x1A0 }, { 0xF6, 0x1B0 }, { 0xD6, 0x1AF },  /* ơ Ơ ư Ư */
	{ 0xF1, 0x111 }, { 0xD1, 0x110 },                                   /* đ Đ */
	{ 0xED, 0xED },  { 0xCD, 0xCD },  { 0xEC, 0xEC },  { 0xCC, 0xCC },   /* í Í ì Ì */
	{ 0xE6, 0x1EC9 }, { 0xC6, 0x1EC8 }, { 0xF3, 0x129 }, { 0xD3, 0x128 }, /* ỉ Ỉ ĩ Ĩ */
	{ 0xF2, 0x1ECB }, { 0xD2, 0x1ECA }, { 0xEE, 0x1EF5 }, { 0xCE, 0x1EF4 }, /* ị Ị ỵ Ỵ */
};

/* Windows-1252 0x80..0x9F, which a legacy run's punctuation arrives as. */
static const uint16_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160,
	0x2039, 0x152, 0, 0x17D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
	0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0, 0x17E, 0,
};

/* The legacy byte a character stands for, or -1 when no legacy font holds it. */
static int
legacy_byte(uint32_t cp)
{
	if (cp <= 0xFF)
		return (int)cp;
	if (cp >= 0xF000 && cp <= 0xF0FF) /* a symbol font's private-use range */
		return (int)(cp - 0xF000);
	for (int i = 0; i < 32; i++)
		if (cp1252[i] == cp)
			return 0x80 + i;
	return -1;
}

enum imp_enc
imp_font_encoding(const char *font)
{
	if (!font || !*font)
		return IMP_ENC_GUESS;
	const char *plus = strchr(font, '+'); /* a PDF subset tag: ABCDEF+.VnTime */
	if (plus && plus - font == 6)
		font = plus + 1;
	if (strncasecmp(font, "VNI-", 4) == 0 || strncasecmp(font, "VNI ", 4) == 0)
		return IMP_ENC_VNI;
	if (strncmp(font, ".Vn", 3) == 0 || strncmp(font, ".VN", 3) == 0) {
		/* the name without a style: .VnTimeH,Bold  .VnArialH-Italic  (.VnBook-AntiquaH keeps its -) */
		static const char *const styles[] = { "-BoldItalic", "-Bold", "-Italic", "-Regular",
						      "-Oblique" };
		size_t n = strcspn(font, ",");
		for (size_t k = 0; k < ARRAY_LEN(styles); k++) {
			size_t sl = strlen(styles[k]);
			if (n > sl + 3 && strncmp(font + n - sl, styles[k], sl) == 0) {
				n -= sl;
				break;
			}
		}
		while (n > 3 && font[n - 1] == ' ')
			n--;
		return font[n - 1] == 'H' ? IMP_ENC_TCVN3_UPPER : IMP_ENC_TCVN3;
	}
	return IMP_ENC_GUESS;
}

static void
add_cp(struct sbuf *b, uint32_t cp)
{
	char out[4];
	sbuf_add(b, out, (size_t)utf8_encode(cp, out));
}

static uint32_t
upper(uint32_t cp)
{
	return (uint32_t)utf8proc_toupper((utf8proc_int32_t)cp);
}

/* A vowel a VNI mark byte can follow (after decoding: ơ ư count). */
static int
vni_base(uint32_t cp)
{
	static const char v[] = "aeiouyAEIOUY";
	return (cp < 0x80 && cp && strchr(v, (int)cp)) || cp == 0x1A1 || cp == 0x1A0 ||
	       cp == 0x1B0 || cp == 0x1AF;
}

/* Is s[0..n) possibly legacy text: only characters a legacy font holds. */
static int
legacy_possible(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += (size_t)utf8_decode(s + i, &cp);
		if (legacy_byte(cp) < 0)
			return 0;
	}
	return 1;
}

char *
imp_legacy_to_unicode(const char *s, size_t n, enum imp_enc enc, int *did)
{
	*did = 0;
	if (enc == IMP_ENC_UNICODE || enc == IMP_ENC_GUESS || !legacy_possible(s, n))
		return xstrndup(s, n);
	struct sbuf b = { 0 };
	uint32_t prev = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += (size_t)utf8_decode(s + i, &cp);
		int byte = legacy_byte(cp);
		uint32_t out = cp;
		if (byte >= 0x80 && byte <= 0x9F) {
			out = cp1252[byte - 0x80] ? cp1252[byte - 0x80] : (uint32_t)byte;
		} else if (enc == IMP_ENC_VNI && byte >= 0xC0) {
			int done = 0;
			if (vni_base(prev)) {
				for (size_t k = 0; k < ARRAY_LEN(vni_marks) && !done; k++)
					if (vni_marks[k].lo == byte || vni_marks[k].up == byte) {
						add_cp(&b, vni_marks[k].mark1);
						if (vni_marks[k].mark2)
							add_cp(&b, vni_marks[k].mark2);
						done = 1;
					}
			}
			if (done) {
				prev = 0; /* a second mark byte stands as it is */
				continue;
			}
			for (size_t k = 0; k < ARRAY_LEN(vni_letters); k++)
				if (vni_letters[k].byte == byte)
					out = vni_letters[k].cp;
		} else if ((enc == IMP_ENC_TCVN3 || enc == IMP_ENC_TCVN3_UPPER) && byte >= 0xA0) {
			if (tcvn3[byte - 0xA0])
				out = tcvn3[byte - 0xA0];
		} else if (byte >= 0 && byte < 0x80) {
			out = (uint32_t)byte;
		}
		if (enc == IMP_ENC_TCVN3_UPPER)
			out = upper(out);
		add_cp(&b, out);
		prev = out;
	}
	*did = 1;
	if (!b.s)
		return xstrdup("");
	char *nfc = utf8_nfc(b.s);
	sbuf_free(&b);
	return nfc;
}

static int
letter(uint32_t cp)
{
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_MN;
}

/*
 * Of the words of s (runs of letters) that hold a letter beyond ASCII: how
 * many (*wide) and how many of them are Vietnamese syllables (returned).
 */
static long
syllables_of(const char *s, long *wide)
{
	long ok = 0;
	size_t n = strlen(s);
	*wide = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(s + i, &cp);
		if (!letter(cp)) {
			i += (size_t)k;
			continue;
		}
		size_t a = i;
		int w = 0;
		while (i < n) {
			k = utf8_decode(s + i, &cp);
			if (!letter(cp))
				break;
			w |= cp >= 0x80;
			i += (size_t)k;
		}
		if (w) {
			(*wide)++;
			ok += tts_is_syllable(s + a, i - a);
		}
	}
	return ok;
}

/* Words with letters beyond ASCII a reading needs before it counts as evidence. */
#define MIN_EVIDENCE 3

enum imp_enc
imp_legacy_guess(const char *s, size_t n)
{
	if (!legacy_possible(s, n))
		return IMP_ENC_UNICODE;
	char *as_is = xstrndup(s, n);
	long wide, ok = syllables_of(as_is, &wide);
	free(as_is);
	/*
	 * As it stands, nearly all syllables: Unicode.  Legacy text makes few,
	 * though some by chance ("ñy" reads as "nỹ"): it must lose to a reading.
	 */
	if (wide >= MIN_EVIDENCE && 5 * ok >= 4 * wide)
		return IMP_ENC_UNICODE;
	enum imp_enc pick = IMP_ENC_GUESS;
	long best = ok;
	static const enum imp_enc cands[] = { IMP_ENC_TCVN3, IMP_ENC_VNI };
	for (size_t c = 0; c < ARRAY_LEN(cands); c++) {
		int did;
		char *t = imp_legacy_to_unicode(s, n, cands[c], &did);
		long w2, ok2 = syllables_of(t, &w2);
		free(t);
		/* a reading that makes words, nearly all of them syllables */
		if (w2 >= MIN_EVIDENCE && 5 * ok2 >= 4 * w2 && ok2 > best) {
			best = ok2;
			pick = cands[c];
		}
	}
	return pick; /* GUESS: not Unicode-looking, no reading clear: the document's */
}

char *
import_legacy_convert(const char *s, size_t n, const char *enc, int *converted)
{
	enum imp_enc e = IMP_ENC_GUESS;
	if (enc && strcmp(enc, "tcvn3") == 0)
		e = IMP_ENC_TCVN3;
	else if (enc && strcmp(enc, "tcvn3-upper") == 0)
		e = IMP_ENC_TCVN3_UPPER;
	else if (enc && strcmp(enc, "vni") == 0)
		e = IMP_ENC_VNI;
	if (e == IMP_ENC_GUESS)
		e = imp_legacy_guess(s, n);
	if (e == IMP_ENC_GUESS)
		e = IMP_ENC_UNICODE;
	int did = 0;
	char *out = imp_legacy_to_unicode(s, n, e, &did);
	if (converted)
		*converted = did;
	if (!did) { /* as it was, in NFC all the same */
		char *nfc = utf8_nfc(out);
		free(out);
		out = nfc;
	}
	return out;
}

/* ---- runs ---- */

void
imp_runs_add(struct imp_runs *rs, const char *s, size_t n, enum imp_enc enc)
{
	if (!n)
		return;
	if (rs->n && rs->r[rs->n - 1].enc == enc) { /* one run per encoding in a row */
		struct imp_run *r = &rs->r[rs->n - 1];
		size_t cap = 16;
		while (cap < r->len + 1)
			cap *= 2;
		if (cap < r->len + n + 1) { /* capacities are powers of two: amortised growth */
			while (cap < r->len + n + 1)
				cap *= 2;
			r->text = xrealloc(r->text, cap);
		}
		memcpy(r->text + r->len, s, n);
		r->len += n;
		r->text[r->len] = 0;
		return;
	}
	if (rs->n == rs->cap)
		rs->r = xrealloc(rs->r, (rs->cap = rs->cap ? rs->cap * 2 : 8) * sizeof *rs->r);
	size_t cap = 16;
	while (cap < n + 1)
		cap *= 2;
	char *t = xmalloc(cap);
	memcpy(t, s, n);
	t[n] = 0;
	rs->r[rs->n++] = (struct imp_run){ t, n, enc };
}

void
imp_runs_sample(const struct imp_runs *rs, struct sbuf *sample)
{
	for (size_t i = 0; i < rs->n && sample->len < IMP_SAMPLE; i++)
		if (rs->r[i].enc == IMP_ENC_GUESS) {
			sbuf_add(sample, rs->r[i].text, rs->r[i].len);
			sbuf_addc(sample, ' ');
		}
}

enum imp_enc
imp_sample_guess(const struct sbuf *sample)
{
	enum imp_enc e = sample->len ? imp_legacy_guess(sample->s, sample->len) : IMP_ENC_UNICODE;
	return e == IMP_ENC_GUESS ? IMP_ENC_UNICODE : e;
}

void
imp_runs_clear(struct imp_runs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->r[i].text);
	free(rs->r);
	memset(rs, 0, sizeof *rs);
}

char *
imp_runs_text(struct imp_runs *rs, enum imp_enc doc_guess, unsigned long *repairs)
{
	struct sbuf b = { 0 };
	for (size_t i = 0; i < rs->n; i++) {
		const struct imp_run *r = &rs->r[i];
		size_t len = r->len;
		enum imp_enc e = r->enc;
		if (e == IMP_ENC_GUESS) /* a short run gives no evidence: the document's reading */
			e = imp_legacy_guess(r->text, len);
		if (e == IMP_ENC_GUESS)
			e = doc_guess;
		int did = 0;
		char *t = imp_legacy_to_unicode(r->text, len, e, &did);
		if (did && strcmp(t, r->text) != 0 && repairs)
			repairs[e == IMP_ENC_VNI ? IMPORT_VNI_RUNS : IMPORT_TCVN3_RUNS]++;
		sbuf_adds(&b, t);
		free(t);
	}
	imp_runs_clear(rs);
	return b.s ? sbuf_steal(&b) : xstrdup("");
}
