/*
 * libFuzzer target: the repair pass of PDF text (import_repair_text()),
 * the legacy-encoding guess and conversion, and import_select(), on any
 * valid UTF-8 (form feeds separate pages).
 *
 * Properties, abort() when broken:
 *  - repair: valid UTF-8 without control characters but line feeds,
 *    paragraphs separated by exactly one blank line, no space at a line's
 *    ends; it never invents a letter or a digit: those of the output are the
 *    input's, in order, some perhaps dropped (headers, page numbers);
 *  - legacy conversion: valid UTF-8 in NFC;
 *  - select: NULL with a sentence, or paragraphs of the repaired text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/base.h"
#include "import/import.h"

#define CHECK(cond, ...)                                                             \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "fuzz_repair: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

static int
kept(uint32_t cp)
{
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	       c == UTF8PROC_CATEGORY_ND;
}

/* The letters and digits of out are a subsequence of those of in. */
static int
subsequence(const char *in, size_t inlen, const char *out)
{
	size_t i = 0;
	for (const char *p = out; *p;) {
		uint32_t c;
		p += utf8_decode(p, &c);
		if (!kept(c))
			continue;
		for (;;) {
			if (i >= inlen)
				return 0;
			uint32_t d;
			i += (size_t)utf8_decode(in + i, &d);
			if (d == c)
				break;
		}
	}
	return 1;
}

static void
check_paragraphs(const char *t)
{
	size_t n = strlen(t), bad;
	CHECK(utf8_check(t, n, &bad) == 0, "invalid UTF-8 at %zu", bad);
	if (!n)
		return;
	CHECK(t[0] != ' ' && t[0] != '\n' && t[n - 1] != ' ' && t[n - 1] != '\n', "ends");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		CHECK(c >= 0x20 || c == '\n', "control 0x%02x", c);
		if (c == '\n') {
			CHECK(t[i + 1] == '\n' && t[i + 2] && t[i + 2] != '\n', "paragraph break");
			CHECK(t[i - 1] != ' ' && t[i + 2] != ' ', "space at a line end");
			i++;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t bad;
	const char *in = (const char *)data;
	if (utf8_check(in, size, &bad) < 0)
		return 0;
	unsigned long rep[IMPORT_N_REPAIRS] = { 0 };
	char *out = import_repair_text(in, size, rep);
	check_paragraphs(out);
	/* the input with its NFC applied is what letters are compared with */
	char *copy = xstrndup(in, size);
	char *nfc = utf8_nfc(copy);
	CHECK(subsequence(copy, size, out) || subsequence(nfc, strlen(nfc), out),
	      "the repair made up letters");
	char err[ERRLEN];
	static const char *const sels[] = { "II.2", "1-3", "a", "I", "2" };
	for (size_t i = 0; i < ARRAY_LEN(sels); i++) {
		char *s = import_select(out, sels[i], err);
		if (s) {
			CHECK(strstr(out, s), "selection not in the text");
			free(s);
		} else {
			CHECK(err[0], "select failed without a sentence");
		}
	}
	int did;
	char *l = import_legacy_convert(copy, size, NULL, &did);
	CHECK(utf8_check(l, strlen(l), &bad) == 0, "legacy: invalid UTF-8");
	char *l2 = utf8_nfc(l);
	CHECK(strcmp(l, l2) == 0, "legacy: not NFC");
	free(l2);
	free(l);
	free(nfc);
	free(copy);
	free(out);
	return 0;
}
