/*
 * Private to import/: what the readers (zip.c for DOCX and ODT, pdf.c) hand
 * to the shared passes (legacy.c: encodings; repair.c: PDF lines into
 * paragraphs), and the caps that keep a hostile file from costing more than
 * a real one.
 */
#ifndef LOAXA_IMPORT_INT_H
#define LOAXA_IMPORT_INT_H

#include <stddef.h>

#include "base/base.h"
#include "import/import.h"

/* One part of a zip (document.xml, content.xml) inflates to at most this. */
#define IMP_MAX_PART ((size_t)32 << 20)
/* All the parts read from one zip together. */
#define IMP_MAX_INFLATED ((size_t)64 << 20)
/* A part larger than IMP_RATIO_FLOOR may inflate at most this many times its size. */
#define IMP_MAX_RATIO 100
#define IMP_RATIO_FLOOR ((size_t)1 << 20)
/* The text a document may give (a bulletin is far shorter; import-check shows it all). */
#define IMP_MAX_TEXT ((size_t)16 << 20)
/* PDF pages read. */
#define IMP_MAX_PAGES 2000

/* ---- legacy.c ---- */

enum imp_enc {
	IMP_ENC_UNICODE,
	IMP_ENC_TCVN3,
	IMP_ENC_TCVN3_UPPER, /* .VnTimeH and the other capitals fonts */
	IMP_ENC_VNI,
	IMP_ENC_GUESS, /* no font name says: look at the text */
};

/* The encoding a font name implies (".VnTime", "ABCDEF+.VnTimeH,Bold", "VNI-Times"). */
enum imp_enc imp_font_encoding(const char *font);
/*
 * Converts s[0..n) from enc (not GUESS) to UTF-8 NFC; a run that holds
 * characters no legacy font can (beyond U+00FF and the cp1252 punctuation)
 * is Unicode already and comes back as it is.  *did is set when converted.
 */
char *imp_legacy_to_unicode(const char *s, size_t n, enum imp_enc enc, int *did);
/*
 * The encoding s[0..n) reads in, by the syllables each reading makes:
 * UNICODE, TCVN3 or VNI, or GUESS when it has too few words to tell.
 */
enum imp_enc imp_legacy_guess(const char *s, size_t n);

/*
 * Runs of text with their font's encoding, collected for one paragraph or
 * one PDF line; imp_runs_text() converts them (GUESS runs in one piece by
 * statistics, with doc_guess where they give no evidence) and counts.
 */
struct imp_run {
	char *text;
	size_t len;
	enum imp_enc enc;
};
struct imp_runs {
	struct imp_run *r;
	size_t n, cap;
};
void imp_runs_add(struct imp_runs *rs, const char *s, size_t n, enum imp_enc enc);
/*
 * The document's reading: the text of its GUESS runs gathered (at most
 * IMP_SAMPLE bytes) with imp_runs_sample(), judged by imp_sample_guess()
 * (UNICODE when it cannot tell).
 */
#define IMP_SAMPLE ((size_t)256 << 10)
void imp_runs_sample(const struct imp_runs *rs, struct sbuf *sample);
enum imp_enc imp_sample_guess(const struct sbuf *sample);
char *imp_runs_text(struct imp_runs *rs, enum imp_enc doc_guess, unsigned long *repairs);
void imp_runs_clear(struct imp_runs *rs);

/* ---- repair.c ---- */

/* One line of a PDF page, as poppler laid it out (points; y grows downwards). */
struct imp_line {
	char *text; /* UTF-8, already in Unicode */
	double x0, x1, y0, y1;
	int page;
	double first_word_w; /* width of its first word */
	double space_w;      /* width of a space in its font */
};
struct imp_lines {
	struct imp_line *l;
	size_t n, cap;
	int pages;
};
void imp_lines_add(struct imp_lines *ls, const struct imp_line *l);
void imp_lines_clear(struct imp_lines *ls);
/* The paragraphs of the lines, repaired, one a line, blank lines between; counts repairs. */
char *imp_repair_lines(struct imp_lines *ls, unsigned long *repairs);

/*
 * A paragraph from DOCX/ODT or repair: white space runs made one space,
 * trimmed, control characters dropped (soft hyphens, zero widths too).
 * Appends it with a blank line before it to b unless it is empty; 1 when
 * appended.
 */
int imp_add_paragraph(struct sbuf *b, const char *p, size_t n, unsigned long *repairs);

/*
 * The heading or list marker that opens s, if any: "II." (level 1), "2."
 * (2), "2.1." or "2.1" (3), "a)" (4), "Điều 3." (1); "-", "+", "•" (5, a
 * list item, no heading).  Fills label with the marker's name without its
 * punctuation ("II", "2.1", "a") and returns its length in bytes including
 * the space after it; 0 when s opens with none.
 */
size_t imp_heading(const char *s, char label[16], int *level);

/* ---- zip.c, pdf.c ---- */

int imp_zip_read(const char *name, const void *buf, size_t len, enum import_format fmt,
		 struct import_result *r, char *err);
int imp_pdf_read(const char *name, const void *buf, size_t len, struct import_result *r,
		 char *err);
/* What is in a zip: IMPORT_DOCX, IMPORT_ODT, or -1 with err. */
int imp_zip_kind(const char *name, const void *buf, size_t len, enum import_format *fmt,
		 char *err);

#endif
