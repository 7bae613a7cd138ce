/*
 * import — bulletins from the documents they arrive as.  A plan, a công văn
 * or a district notice comes as .docx, .odt or .pdf; import_document()
 * gives its text, ready to be a bulletin:
 *
 *   - DOCX and ODT (libzip + libxml2): paragraphs, list items with their
 *     numbers, table rows as sentences; footnotes, headers, footers, field
 *     codes and deleted text left out.
 *   - PDF (poppler-glib), in reading order, with what PDF extraction breaks
 *     repaired: lines joined back into paragraphs, syllables split across a
 *     line end or by a stray space put back together (the lint's syllable
 *     check decides), words hyphenated at a line end re-joined, page headers,
 *     footers and page numbers dropped; headings (I., 1., a)) keep their
 *     own lines.
 *   - Legacy Vietnamese encodings: text in TCVN3 (ABC, ".VnTime"; ".VnTimeH"
 *     for capitals) and VNI ("VNI-Times") is converted to Unicode NFC, run
 *     by run: by the font name where the file gives it, by the syllables the
 *     text makes otherwise.
 *
 * What is refused, with a sentence naming the file and what to do: a file
 * over IMPORT_MAX_BYTES (before it is read), a zip whose parts inflate past
 * the caps (zip bombs), a corrupt zip, a password-protected PDF, a PDF that
 * holds only images (a scan), a program or any other file that is no
 * document.  The kind of file is told by its content, never its name.
 *
 * The text is UTF-8 NFC: one paragraph a line, paragraphs separated by a
 * blank line, no control characters but the line breaks.  Pure apart from
 * reading the file: any front end (the CLI, the web console's upload) calls
 * the same functions.
 */
#ifndef LOAXA_IMPORT_H
#define LOAXA_IMPORT_H

#include <stddef.h>

/* Files larger than this are refused before they are read (100 MiB). */
#define IMPORT_MAX_BYTES ((size_t)100 << 20)

enum import_format {
	IMPORT_TEXT, /* not a document: plain text, left to the caller */
	IMPORT_DOCX,
	IMPORT_ODT,
	IMPORT_PDF,
};

/* What the import changed, counted by kind (import_repair_name() names them). */
enum import_repair {
	IMPORT_LINES_JOINED,       /* a line break inside a paragraph made a space */
	IMPORT_SYLLABLES_JOINED,   /* a syllable split at a line end or by a space, put together */
	IMPORT_HYPHENS_REMOVED,    /* a word hyphenated at a line end, joined */
	IMPORT_WORDS_JOINED,       /* a word too long for its line, broken there, joined */
	IMPORT_HEADERS_DROPPED,    /* a page header or footer line (repeated on the pages) */
	IMPORT_PAGE_NUMBERS_DROPPED,
	IMPORT_SPACES_FIXED,       /* a run of spaces made one */
	IMPORT_SPACES_RESTORED,    /* a space PDF extraction lost between two syllables, put back */
	IMPORT_TCVN3_RUNS,         /* runs of text converted from TCVN3 (ABC) */
	IMPORT_VNI_RUNS,           /* runs of text converted from VNI */
	IMPORT_N_REPAIRS
};

struct import_result {
	char *text; /* caller frees with import_result_clear() */
	enum import_format format;
	int pages;      /* PDF: pages read; 0 for DOCX and ODT */
	int paragraphs; /* in text */
	unsigned long repairs[IMPORT_N_REPAIRS];
};

/*
 * The kind of document buf[0..len) is, from its first bytes (a zip is
 * looked into: ODT by its mimetype, DOCX by word/document.xml).  -1 with err
 * for what no import reads: a program, an old binary Word or Excel file, a
 * zip of something else, an image; IMPORT_TEXT for anything else (the
 * caller checks text as text).  name names the file in err.
 */
int import_sniff(const char *name, const void *buf, size_t len, enum import_format *fmt, char *err);

/*
 * The kind of file path holds, from its content (reads at most its first
 * bytes and, for a zip, its directory): as import_sniff().  Also refuses a
 * file over IMPORT_MAX_BYTES, a directory, one that cannot be opened.
 */
int import_file_format(const char *path, enum import_format *fmt, char *err);

/*
 * Extracts the text of a DOCX, ODT or PDF: from buf[0..len) when buf is
 * not NULL (name only names it in err), else from the file at name.  0 with
 * *r filled (clear it with import_result_clear()), or -1 with err and *r
 * empty.  Plain text is refused here ("not a document"): the caller reads
 * it as text.
 */
int import_document(const char *name, const void *buf, size_t len, struct import_result *r,
		    char *err);
void import_result_clear(struct import_result *r);

/* "lines-joined", "syllables-joined", ...: for JSON and tests, never translated. */
const char *import_repair_name(enum import_repair k);
/* The same, as a phrase for people ("line breaks inside paragraphs"), translated. */
const char *import_repair_label(enum import_repair k);
/* "DOCX", "ODT", "PDF", "text". */
const char *import_format_name(enum import_format f);

/*
 * The repair pass of PDF text on its own (tests, fuzzing, pasted text):
 * text's lines, pages separated by form feeds, geometry unknown (a line's
 * width is its length in characters).  Returns the repaired text (caller
 * frees) and adds to repairs[].  text must be valid UTF-8.
 */
char *import_repair_text(const char *text, size_t len, unsigned long repairs[IMPORT_N_REPAIRS]);

/*
 * Legacy encodings on their own: converts s[0..n) (valid UTF-8 holding the
 * legacy bytes as the characters U+0080..U+00FF, the way Word and
 * LibreOffice store a ".VnTime" run) to Unicode NFC.  enc is "tcvn3",
 * "tcvn3-upper", "vni", or NULL to guess from the syllables the text makes
 * (left as it is when no legacy reading makes more syllables).  Returns a
 * new string; *converted (may be NULL) says whether anything was converted.
 */
char *import_legacy_convert(const char *s, size_t n, const char *enc, int *converted);

/*
 * One section of imported text, as the operator names it: a heading path
 * "II.2" ("II", "II.2.a"), the section that heading opens up to the next
 * heading of the same or a higher level; or paragraphs by number, "12" or
 * "12-18" (numbered from 1 as import-check shows them).  Returns a new
 * string, or NULL with err saying what was not found.
 */
char *import_select(const char *text, const char *sel, char *err);

#endif
