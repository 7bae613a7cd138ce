/*
 * The entry points of import/: what kind of file this is (by its content),
 * the size limit checked before a file is read, the readers by format, and
 * the selection of one section of what was read.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import/import_int.h"

static const char *const repair_names[IMPORT_N_REPAIRS] = {
	"lines-joined", "syllables-joined", "hyphens-removed", "words-joined", "headers-dropped",
	"page-numbers-dropped", "spaces-fixed", "spaces-restored", "tcvn3-runs", "vni-runs",
};

static const char *const repair_labels[IMPORT_N_REPAIRS] = {
	N_("line breaks inside paragraphs removed"),
	N_("syllables split in two put together"),
	N_("words hyphenated at a line end joined"),
	N_("words too long for their line joined"),
	N_("page header and footer lines dropped"),
	N_("page numbers dropped"),
	N_("runs of spaces made one"),
	N_("spaces lost between two syllables put back"),
	N_("runs of text converted from TCVN3 (ABC)"),
	N_("runs of text converted from VNI"),
};

const char *
import_repair_name(enum import_repair k)
{
	return (unsigned)k < IMPORT_N_REPAIRS ? repair_names[k] : "?";
}

const char *
import_repair_label(enum import_repair k)
{
	return (unsigned)k < IMPORT_N_REPAIRS ? _(repair_labels[k]) : "?";
}

const char *
import_format_name(enum import_format f)
{
	static const char *const names[] = { "text", "DOCX", "ODT", "PDF" };
	return (unsigned)f < ARRAY_LEN(names) ? names[f] : "?";
}

/* Magic numbers of what is refused, with what to say. */
static const struct {
	const char *magic;
	size_t len;
	const char *what;
} refused[] = {
	{ "MZ", 2, N_("%s is a Windows program, not a document; import the .docx, .odt or .pdf itself.") },
	{ "\x7f" "ELF", 4, N_("%s is a program, not a document; import the .docx, .odt or .pdf itself.") },
	{ "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8,
	  N_("%s is an old Word or Excel file (.doc, .xls) or one protected by a password; open it and save it as .docx (without a password), then import that.") },
	{ "{\\rtf", 5, N_("%s is an RTF file; open it and save it as .docx or .odt, then import that.") },
	{ "\x89PNG", 4, N_("%s is an image, not a document: scan recognition is not supported; type the bulletin or ask for the document as text.") },
	{ "\xff\xd8\xff", 3, N_("%s is an image, not a document: scan recognition is not supported; type the bulletin or ask for the document as text.") },
	{ "GIF8", 4, N_("%s is an image, not a document: scan recognition is not supported; type the bulletin or ask for the document as text.") },
	{ "II*\0", 4, N_("%s is an image, not a document: scan recognition is not supported; type the bulletin or ask for the document as text.") },
	{ "MM\0*", 4, N_("%s is an image, not a document: scan recognition is not supported; type the bulletin or ask for the document as text.") },
	{ "\x1f\x8b", 2, N_("%s is a compressed archive, not a document; unpack it and import the document inside.") },
	{ "Rar!", 4, N_("%s is a compressed archive, not a document; unpack it and import the document inside.") },
	{ "7z\xbc\xaf", 4, N_("%s is a compressed archive, not a document; unpack it and import the document inside.") },
};

/* "%PDF-" within the first KiB, as readers accept it. */
static int
is_pdf(const unsigned char *b, size_t len)
{
	size_t lim = len < 1024 ? len : 1024;
	for (size_t i = 0; i + 5 <= lim; i++)
		if (memcmp(b + i, "%PDF-", 5) == 0)
			return 1;
	return 0;
}

int
import_sniff(const char *name, const void *buf, size_t len, enum import_format *fmt, char *err)
{
	const unsigned char *b = buf;
	*fmt = IMPORT_TEXT;
	if (len >= 4 && memcmp(b, "PK\x03\x04", 4) == 0)
		return imp_zip_kind(name, buf, len, fmt, err);
	if (len >= 4 && (memcmp(b, "PK\x05\x06", 4) == 0 || memcmp(b, "PK\x07\x08", 4) == 0)) {
		err_set(err, _("%s is damaged: its zip archive is corrupt (no entries where they should be); save the document again and import the new copy."),
			name);
		return -1;
	}
	if (is_pdf(b, len)) {
		*fmt = IMPORT_PDF;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_LEN(refused); i++)
		if (len >= refused[i].len && memcmp(b, refused[i].magic, refused[i].len) == 0) {
			err_set(err, _(refused[i].what), name);
			return -1;
		}
	return 0;
}

/* Opens path for import: not a directory, not over the limit.  fd or -1 with err. */
static int
open_checked(const char *path, size_t *size, char *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(err, _("Cannot open %s: %s."), path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		err_set(err, _("Cannot read %s: %s."), path, strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		err_set(err, _("%s is a directory, not a file."), path);
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > IMPORT_MAX_BYTES) {
		err_set(err, _("%s is %llu MiB, larger than the %zu MiB a document may be; it was not read. Split it, or export only the pages you need."),
			path, (unsigned long long)st.st_size >> 20, IMPORT_MAX_BYTES >> 20);
		close(fd);
		return -1;
	}
	*size = S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
	return fd;
}

/* Reads fd whole, at most IMPORT_MAX_BYTES (a pipe or a file that grew is cut off there). */
static int
read_fd(int fd, const char *path, char **out, size_t *len, char *err)
{
	struct sbuf b = { 0 };
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(err, _("Cannot read %s: %s."), path, strerror(errno));
			sbuf_free(&b);
			return -1;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > IMPORT_MAX_BYTES) {
			err_set(err, _("%s is larger than the %zu MiB a document may be; it was not read whole. Split it, or export only the pages you need."),
				path, IMPORT_MAX_BYTES >> 20);
			sbuf_free(&b);
			return -1;
		}
		sbuf_add(&b, chunk, (size_t)n);
	}
	*len = b.len;
	*out = b.s ? sbuf_steal(&b) : xstrdup("");
	return 0;
}

int
import_file_format(const char *path, enum import_format *fmt, char *err)
{
	size_t size;
	int fd = open_checked(path, &size, err);
	if (fd < 0)
		return -1;
	unsigned char head[1024];
	ssize_t n;
	do
		n = read(fd, head, sizeof head);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		err_set(err, _("Cannot read %s: %s."), path, strerror(errno));
		close(fd);
		return -1;
	}
	*fmt = IMPORT_TEXT;
	int rc = 0;
	if (n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0) {
		/* a zip: its kind is in its directory, at the end; read it whole (within the limit) */
		char *all;
		size_t len;
		if (lseek(fd, 0, SEEK_SET) < 0 || read_fd(fd, path, &all, &len, err) < 0) {
			close(fd);
			return -1;
		}
		rc = import_sniff(path, all, len, fmt, err);
		free(all);
	} else {
		rc = import_sniff(path, head, (size_t)n, fmt, err);
	}
	close(fd);
	return rc;
}

int
import_document(const char *name, const void *buf, size_t len, struct import_result *r, char *err)
{
	memset(r, 0, sizeof *r);
	char *owned = NULL;
	if (!buf) {
		size_t size;
		int fd = open_checked(name, &size, err);
		if (fd < 0)
			return -1;
		int rc = read_fd(fd, name, &owned, &len, err);
		close(fd);
		if (rc < 0)
			return -1;
		buf = owned;
	} else if (len > IMPORT_MAX_BYTES) {
		err_set(err, _("%s is %zu MiB, larger than the %zu MiB a document may be; it was not read. Split it, or export only the pages you need."),
			name, len >> 20, IMPORT_MAX_BYTES >> 20);
		return -1;
	}
	enum import_format fmt;
	int rc = -1;
	if (import_sniff(name, buf, len, &fmt, err) < 0)
		goto out;
	switch (fmt) {
	case IMPORT_DOCX:
	case IMPORT_ODT:
		rc = imp_zip_read(name, buf, len, fmt, r, err);
		break;
	case IMPORT_PDF:
		rc = imp_pdf_read(name, buf, len, r, err);
		break;
	case IMPORT_TEXT:
		err_set(err, _("%s is not a DOCX, ODT or PDF document; a text file is read as it is."),
			name);
		break;
	}
	if (rc == 0) {
		char *nfc = utf8_nfc(r->text); /* typed with combining marks: one form */
		free(r->text);
		r->text = nfc;
		/* one paragraph a line, blank lines between: count them as they stand */
		r->paragraphs = 0;
		for (const char *p = r->text; *p;) {
			r->paragraphs++;
			const char *e = strstr(p, "\n\n");
			p = e ? e + 2 : p + strlen(p);
		}
		if (!r->paragraphs) {
			err_set(err, _("%s holds no text to read aloud."), name);
			import_result_clear(r);
			rc = -1;
		}
	} else {
		import_result_clear(r);
	}
out:
	free(owned);
	return rc;
}

void
import_result_clear(struct import_result *r)
{
	free(r->text);
	memset(r, 0, sizeof *r);
}

/* ---- selecting a section ---- */

struct para {
	const char *s;
	size_t n;
};

static size_t
split_paragraphs(const char *text, struct para **out)
{
	size_t n = 0, cap = 0;
	struct para *p = NULL;
	for (const char *s = text; *s;) {
		const char *e = strstr(s, "\n\n");
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (n == cap)
			p = xrealloc(p, (cap = cap ? cap * 2 : 64) * sizeof *p);
		p[n++] = (struct para){ s, len };
		s += len;
		while (*s == '\n')
			s++;
	}
	*out = p;
	return n;
}

static char *
join(const struct para *p, size_t a, size_t b)
{
	struct sbuf o = { 0 };
	for (size_t i = a; i < b; i++) {
		if (o.len)
			sbuf_adds(&o, "\n\n");
		sbuf_add(&o, p[i].s, p[i].n);
	}
	return o.s ? sbuf_steal(&o) : xstrdup("");
}

/* "12" or "12-18": 1 with the range, 0 when sel is not one. */
static int
para_range(const char *sel, long *a, long *b)
{
	char *end;
	if (!isdigit((unsigned char)sel[0]))
		return 0;
	*a = strtol(sel, &end, 10);
	*b = *a;
	if (*end == '-' && isdigit((unsigned char)end[1]))
		*b = strtol(end + 1, &end, 10);
	return *end == 0 && !strchr(sel, '.');
}

char *
import_select(const char *text, const char *sel, char *err)
{
	struct para *p;
	size_t n = split_paragraphs(text, &p);
	char *out = NULL;
	long a, b;
	if (para_range(sel, &a, &b)) {
		if (a < 1 || b < a || (size_t)b > n)
			err_set(err, _("--select %s: the text has paragraphs 1 to %zu; give a range inside them (import-check numbers them)."),
				sel, n);
		else
			out = join(p, (size_t)a - 1, (size_t)b);
		free(p);
		return out;
	}
	/* a heading path: II.2.a -> "II", "2", "a", each found inside the last */
	char path[8][16];
	size_t depth = 0;
	for (const char *s = sel; *s && depth < 8;) {
		size_t k = strcspn(s, ".");
		if (!k || k >= 16)
			break;
		snprintf(path[depth++], 16, "%.*s", (int)k, s);
		s += k;
		if (*s == '.')
			s++;
	}
	size_t from = 0, to = n;
	int found_level = 0;
	for (size_t d = 0; d < depth; d++) {
		size_t i;
		int lvl = 0;
		for (i = from; i < to; i++) {
			char label[16];
			size_t k = imp_heading(p[i].s, label, &lvl);
			if (!k || lvl == 5)
				continue;
			/* 2.1 may be written in full; compare its last part too */
			const char *last = strrchr(label, '.');
			if (strcmp(label, path[d]) == 0 || (last && strcmp(last + 1, path[d]) == 0 && d > 0))
				break;
		}
		if (i == to) {
			err_set(err, _("--select %s: no heading \"%s\" found%s; 'loaxa bulletin import-check FILE' shows the headings."),
				sel, path[d], d ? _(" inside the section before it") : "");
			free(p);
			return NULL;
		}
		/* the section runs to the next heading of the same or a higher level */
		size_t j;
		for (j = i + 1; j < to; j++) {
			char label[16];
			int l2;
			if (imp_heading(p[j].s, label, &l2) && l2 != 5 && l2 <= lvl)
				break;
		}
		from = i;
		to = j;
		found_level = lvl;
	}
	if (!depth || !found_level) {
		err_set(err, _("--select %s: give a heading such as II or II.2, or paragraphs such as 12 or 12-18."),
			sel);
		free(p);
		return NULL;
	}
	out = join(p, from, to);
	free(p);
	return out;
}
