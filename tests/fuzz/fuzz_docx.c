/*
 * libFuzzer target: the DOCX and ODT reader (import/zip.c) and what it
 * hands on (legacy encodings, paragraphs).  The first byte says what the
 * rest is:
 *
 *   0  a whole file, as an upload would give it (zip or anything: the kind
 *      is told by content; PDFs are left to poppler's own fuzzing)
 *   1  word/document.xml, zipped here with a styles.xml and numbering.xml
 *   2  content.xml of an ODT, zipped here with its mimetype
 *   3  document.xml NUL numbering.xml NUL styles.xml, zipped here
 *
 * Properties, abort() when broken: 0 with text that is valid UTF-8 in NFC,
 * holds no control character but line feeds, paragraphs one a line with a
 * blank line between (no blank first or last line, no space at either end
 * of a line, the count import_result gives); or -1 with a sentence and no
 * text.  The caps hold: no text longer than the reader's limit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/base.h"
#include "import/import.h"

#define CHECK(cond, ...)                                                           \
	do {                                                                       \
		if (!(cond)) {                                                     \
			fprintf(stderr, "fuzz_docx: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                              \
			fputc('\n', stderr);                                       \
			abort();                                                   \
		}                                                                  \
	} while (0)

static const char styles[] =
	"<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\"/></w:rPr></w:rPrDefault></w:docDefaults>"
	"<w:style w:styleId=\"Cu\"><w:rPr><w:rFonts w:hAnsi=\".VnTime\"/></w:rPr></w:style>"
	"<w:style w:styleId=\"H1\"><w:basedOn w:val=\"Cu\"/><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>"
	"</w:styles>";
static const char numbering[] =
	"<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	"<w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
	"<w:lvl w:ilvl=\"1\"><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.%2.\"/></w:lvl></w:abstractNum>"
	"<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";

struct part {
	const char *name;
	const char *data;
	size_t len;
};

static char *
zip_of(const struct part *p, size_t n, size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	CHECK(z, "zip_open_from_source");
	zip_source_keep(src);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(z, p[i].data, p[i].len, 0);
		zip_int64_t idx = zip_file_add(z, p[i].name, s, 0);
		CHECK(idx >= 0, "zip_file_add");
		zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	}
	CHECK(zip_close(z) == 0, "zip_close");
	zip_source_open(src);
	zip_source_seek(src, 0, SEEK_END);
	*len = (size_t)zip_source_tell(src);
	zip_source_seek(src, 0, SEEK_SET);
	char *buf = malloc(*len + 1);
	CHECK(zip_source_read(src, buf, *len) == (zip_int64_t)*len, "zip_source_read");
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	return buf;
}

static void
check_text(const struct import_result *r)
{
	const char *t = r->text;
	size_t n = strlen(t), bad;
	CHECK(utf8_check(t, n, &bad) == 0, "invalid UTF-8 at %zu", bad);
	char *nfc = utf8_nfc(t);
	CHECK(strcmp(nfc, t) == 0, "the text is not NFC");
	free(nfc);
	CHECK(n > 0 && t[0] != '\n' && t[n - 1] != '\n', "blank line at an end");
	CHECK(!strstr(t, "\n\n\n"), "two blank lines");
	int paras = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		CHECK(c >= 0x20 || c == '\n', "control character 0x%02x", c);
		CHECK(c != 0x7f, "DEL");
		if (c == '\n') {
			CHECK(i + 1 < n && t[i + 1] == '\n' && i + 2 < n, "a lone line break");
			CHECK(t[i - 1] != ' ' && t[i + 2] != ' ', "a space at a line end");
			paras++;
			i++;
		}
	}
	CHECK(t[0] != ' ' && t[n - 1] != ' ', "a space at an end");
	CHECK(paras == r->paragraphs, "%d paragraphs, result says %d", paras, r->paragraphs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int mode = data[0] & 3;
	const char *rest = (const char *)data + 1;
	size_t rn = size - 1;
	char *buf = NULL;
	size_t len = 0;
	const char *name = "fuzz.docx";
	if (mode == 0) {
		enum import_format f;
		char err[ERRLEN];
		if (import_sniff("fuzz", rest, rn, &f, err) == 0 && f == IMPORT_PDF)
			return 0;
		buf = malloc(rn + 1);
		memcpy(buf, rest, rn);
		len = rn;
	} else if (mode == 1) {
		struct part p[] = { { "word/document.xml", rest, rn },
				    { "word/styles.xml", styles, sizeof styles - 1 },
				    { "word/numbering.xml", numbering, sizeof numbering - 1 } };
		buf = zip_of(p, 3, &len);
	} else if (mode == 2) {
		struct part p[] = { { "mimetype", "application/vnd.oasis.opendocument.text", 39 },
				    { "content.xml", rest, rn } };
		buf = zip_of(p, 2, &len);
		name = "fuzz.odt";
	} else {
		const char *a = rest, *b = memchr(a, 0, rn);
		size_t an = b ? (size_t)(b - a) : rn;
		const char *c = b ? memchr(b + 1, 0, rn - an - 1) : NULL;
		size_t bn = b ? (c ? (size_t)(c - b - 1) : rn - an - 1) : 0;
		size_t cn = c ? rn - (size_t)(c + 1 - rest) : 0;
		struct part p[] = { { "word/document.xml", a, an },
				    { "word/numbering.xml", b ? b + 1 : "", bn },
				    { "word/styles.xml", c ? c + 1 : "", cn } };
		buf = zip_of(p, 3, &len);
	}
	struct import_result r;
	char err[ERRLEN] = "";
	if (import_document(name, buf, len, &r, err) == 0) {
		check_text(&r);
		import_result_clear(&r);
	} else {
		CHECK(err[0], "failed without a sentence");
		CHECK(!r.text, "failed and left text");
	}
	free(buf);
	return 0;
}
