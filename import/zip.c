/*
 * DOCX and ODT: a zip of XML parts (libzip), read with libxml2.
 *
 * Only the parts that hold the body and its look are read: DOCX
 * word/document.xml, word/styles.xml, word/numbering.xml; ODT content.xml
 * and styles.xml.  Each is inflated under caps (IMP_MAX_PART, a ratio to
 * its compressed size, IMP_MAX_INFLATED for all), counted as it inflates:
 * the sizes a zip declares are not trusted.  The XML is parsed without the
 * network and without expanding entities.
 *
 * The body gives paragraphs (headings, list items with the number or
 * bullet Word and LibreOffice would draw), table rows as one sentence each
 * (cells joined with commas), text boxes; left out are footnotes and
 * endnotes, comments, field codes, deleted text (tracked changes), and the
 * fallback copy of text boxes.  Every run of text goes with its font's
 * encoding (legacy.c) and is converted before it joins its paragraph.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "import/import_int.h"

/* ---- the zip ---- */

static zip_t *
zip_from_buffer(const char *name, const void *buf, size_t len, char *err)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		err_set(err, _("%s: the zip archive cannot be read."), name);
		return NULL;
	}
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!z) {
		zip_source_free(src);
		err_set(err, _("%s is damaged: its zip archive is corrupt (%s); save the document again and import the new copy."),
			name, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return NULL;
	}
	zip_error_fini(&ze);
	return z;
}

int
imp_zip_kind(const char *name, const void *buf, size_t len, enum import_format *fmt, char *err)
{
	zip_t *z = zip_from_buffer(name, buf, len, err);
	if (!z)
		return -1;
	int rc = 0;
	zip_int64_t mi = zip_name_locate(z, "mimetype", 0);
	char mime[64] = "";
	if (mi >= 0) {
		zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)mi, 0);
		if (f) {
			zip_int64_t k = zip_fread(f, mime, sizeof mime - 1);
			mime[k > 0 ? k : 0] = 0;
			zip_fclose(f);
		}
	}
	if (strcmp(mime, "application/vnd.oasis.opendocument.text") == 0 &&
	    zip_name_locate(z, "content.xml", 0) >= 0)
		*fmt = IMPORT_ODT;
	else if (zip_name_locate(z, "word/document.xml", 0) >= 0)
		*fmt = IMPORT_DOCX;
	else if (strncmp(mime, "application/vnd.oasis.opendocument.", 35) == 0 ||
		 zip_name_locate(z, "xl/workbook.xml", 0) >= 0 ||
		 zip_name_locate(z, "ppt/presentation.xml", 0) >= 0) {
		err_set(err, _("%s is a spreadsheet or presentation, not a text document; copy the bulletin's text into a .docx, .odt or .txt file."),
			name);
		rc = -1;
	} else {
		err_set(err, _("%s is a zip archive, not a document; import the .docx, .odt or .pdf it holds."),
			name);
		rc = -1;
	}
	zip_discard(z);
	return rc;
}

/*
 * Inflates one part under the caps; NULL with err when it is missing
 * (optional parts give NULL and no error), damaged, encrypted or too big.
 */
static char *
read_part(zip_t *z, const char *name, const char *part, int optional, size_t *len,
	  size_t *inflated, char *err)
{
	zip_int64_t idx = zip_name_locate(z, part, 0);
	if (idx < 0) {
		if (!optional)
			err_set(err, _("%s is damaged: it has no %s; save the document again and import the new copy."),
				name, part);
		return NULL;
	}
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) < 0) {
		err_set(err, _("%s is damaged: %s cannot be read; save the document again and import the new copy."),
			name, part);
		return NULL;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
		err_set(err, _("%s is protected by a password; save a copy without the password and import that."),
			name);
		return NULL;
	}
	size_t cap = IMP_MAX_PART;
	if ((st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size * IMP_MAX_RATIO < cap &&
	    st.comp_size * IMP_MAX_RATIO > IMP_RATIO_FLOOR)
		cap = (size_t)st.comp_size * IMP_MAX_RATIO;
	else if ((st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size * IMP_MAX_RATIO <= IMP_RATIO_FLOOR)
		cap = IMP_RATIO_FLOOR;
	if (cap > IMP_MAX_INFLATED - *inflated)
		cap = IMP_MAX_INFLATED - *inflated;
	zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!f) {
		err_set(err, _("%s is damaged: %s cannot be opened (%s); save the document again and import the new copy."),
			name, part, zip_strerror(z));
		return NULL;
	}
	struct sbuf b = { 0 };
	char chunk[65536];
	for (;;) {
		zip_int64_t k = zip_fread(f, chunk, sizeof chunk);
		if (k < 0) {
			err_set(err, _("%s is damaged: %s does not inflate (%s); save the document again and import the new copy."),
				name, part, zip_file_strerror(f));
			goto fail;
		}
		if (k == 0)
			break;
		if (b.len + (size_t)k > cap) {
			err_set(err, _("%s inflates to far more than its size (%s alone past %zu MiB): it looks like a zip bomb, and is refused."),
				name, part, cap >> 20 ? cap >> 20 : 1);
			goto fail;
		}
		sbuf_add(&b, chunk, (size_t)k);
	}
	zip_fclose(f);
	*inflated += b.len;
	*len = b.len;
	return b.s ? sbuf_steal(&b) : xstrdup("");
fail:
	zip_fclose(f);
	sbuf_free(&b);
	return NULL;
}

static xmlDoc *
parse_xml(const char *name, const char *part, const char *buf, size_t len, char *err)
{
	if (len > (size_t)2147483647) {
		err_set(err, _("%s: %s is too large."), name, part);
		return NULL;
	}
	xmlDoc *d = xmlReadMemory(buf, (int)len, part, NULL,
				  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!d || !xmlDocGetRootElement(d)) {
		if (d)
			xmlFreeDoc(d);
		err_set(err, _("%s is damaged: %s is not well-formed XML; save the document again and import the new copy."),
			name, part);
		return NULL;
	}
	return d;
}

/* ---- walking the XML ---- */

static int
is(const xmlNode *n, const char *local)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

/* An attribute by local name, whatever its namespace; NULL when absent.  Caller xmlFree()s. */
static char *
attr(const xmlNode *n, const char *local)
{
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (strcmp((const char *)a->name, local) == 0)
			return (char *)xmlNodeGetContent((const xmlNode *)a);
	return NULL;
}

static const xmlNode *
child(const xmlNode *n, const char *local)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is(c, local))
			return c;
	return NULL;
}

/* A style: its parent, font, and (DOCX) numbering. */
struct style {
	char *name, *parent, *font;
	char *num_id;
	int ilvl;
	char *list_style; /* ODT: a paragraph style's list style */
};

struct numlevel {
	char fmt[16];
	char text[32];
	int start;
};

struct numdef { /* a DOCX w:num, or an ODT list style */
	char *id;
	struct numlevel lvl[10];
	int count[10];
};

struct walk {
	enum import_format fmt;
	const char *name;
	struct style *styles;
	size_t nstyles;
	struct numdef *nums;
	size_t nnums;
	char *default_font;
	struct sbuf out;
	struct sbuf *cell; /* inside a table cell: its paragraphs go here */
	struct imp_runs runs;
	enum imp_enc enc;      /* of the paragraph (its style), runs may differ */
	unsigned long *repairs;
	int paragraphs;
	int depth;
	int list_level; /* ODT: nesting of text:list, 0 outside */
	const char *list_style[10];
	char *item_marker; /* ODT: the marker of the list item being walked */
	int too_long;
	struct sbuf *sample;   /* first walk: the text of runs no font name places */
	enum imp_enc doc_guess; /* second walk: what that text reads as */
};

static void
style_free(struct style *s)
{
	free(s->name);
	free(s->parent);
	free(s->font);
	free(s->num_id);
	free(s->list_style);
}

static struct style *
style_find(struct walk *w, const char *name)
{
	for (size_t i = 0; name && i < w->nstyles; i++)
		if (strcmp(w->styles[i].name, name) == 0)
			return &w->styles[i];
	return NULL;
}

/* A style's font, following its parents (at most 16 steps: no loops). */
static const char *
style_font(struct walk *w, const char *name)
{
	for (int k = 0; k < 16 && name; k++) {
		struct style *s = style_find(w, name);
		if (!s)
			break;
		if (s->font)
			return s->font;
		name = s->parent;
	}
	return NULL;
}

static char *
xdup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct style *
style_add(struct walk *w, const char *name)
{
	w->styles = xrealloc(w->styles, (w->nstyles + 1) * sizeof *w->styles);
	struct style *s = &w->styles[w->nstyles++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	return s;
}

/* A font name without the quotes ODT may put around it. */
static char *
unquote(char *f)
{
	if (!f)
		return NULL;
	size_t n = strlen(f);
	char *r = (n >= 2 && (f[0] == '\'' || f[0] == '"') && f[n - 1] == f[0]) ? xstrndup(f + 1, n - 2)
										 : xstrdup(f);
	xmlFree(f);
	return r;
}

/* DOCX: the font of w:rFonts (hAnsi, where Word keeps non-ASCII letters, else ascii). */
static char *
docx_font(const xmlNode *rpr)
{
	const xmlNode *f = child(rpr, "rFonts");
	if (!f)
		return NULL;
	char *v = attr(f, "hAnsi");
	if (!v)
		v = attr(f, "ascii");
	return unquote(v);
}

static void
docx_styles(struct walk *w, const xmlNode *root)
{
	for (const xmlNode *n = root->children; n; n = n->next) {
		if (is(n, "docDefaults")) {
			const xmlNode *rpr = child(child(n, "rPrDefault"), "rPr");
			free(w->default_font);
			w->default_font = docx_font(rpr);
		}
		if (!is(n, "style"))
			continue;
		char *id = attr(n, "styleId");
		if (!id)
			continue;
		struct style *s = style_add(w, id);
		xmlFree(id);
		const xmlNode *b = child(n, "basedOn");
		if (b) {
			char *v = attr(b, "val");
			s->parent = xdup(v);
			xmlFree(v);
		}
		s->font = docx_font(child(n, "rPr"));
		const xmlNode *np = child(child(n, "pPr"), "numPr");
		if (np) {
			char *v = child(np, "numId") ? attr(child(np, "numId"), "val") : NULL;
			s->num_id = xdup(v);
			xmlFree(v);
			v = child(np, "ilvl") ? attr(child(np, "ilvl"), "val") : NULL;
			s->ilvl = v ? atoi(v) : 0;
			xmlFree(v);
		}
	}
}

static void
level_from(struct numlevel *l, const char *fmt, const char *text, const char *start)
{
	snprintf(l->fmt, sizeof l->fmt, "%s", fmt ? fmt : "decimal");
	snprintf(l->text, sizeof l->text, "%s", text ? text : "");
	l->start = start ? atoi(start) : 1;
	if (l->start < 0 || l->start > 100000)
		l->start = 1;
}

static void
docx_numbering(struct walk *w, const xmlNode *root)
{
	/* abstract definitions first, then the w:num that point at them */
	for (const xmlNode *n = root->children; n; n = n->next) {
		if (!is(n, "num"))
			continue;
		char *id = attr(n, "numId");
		const xmlNode *an = child(n, "abstractNumId");
		char *aid = an ? attr(an, "val") : NULL;
		if (!id || !aid) {
			xmlFree(id);
			xmlFree(aid);
			continue;
		}
		w->nums = xrealloc(w->nums, (w->nnums + 1) * sizeof *w->nums);
		struct numdef *d = &w->nums[w->nnums++];
		memset(d, 0, sizeof *d);
		d->id = xstrdup(id);
		for (const xmlNode *a = root->children; a; a = a->next) {
			char *v = is(a, "abstractNum") ? attr(a, "abstractNumId") : NULL;
			int match = v && strcmp(v, aid) == 0;
			xmlFree(v);
			if (!match)
				continue;
			for (const xmlNode *l = a->children; l; l = l->next) {
				char *il = is(l, "lvl") ? attr(l, "ilvl") : NULL;
				int k = il ? atoi(il) : -1;
				xmlFree(il);
				if (k < 0 || k > 8)
					continue;
				char *fmt = child(l, "numFmt") ? attr(child(l, "numFmt"), "val") : NULL;
				char *txt = child(l, "lvlText") ? attr(child(l, "lvlText"), "val") : NULL;
				char *st = child(l, "start") ? attr(child(l, "start"), "val") : NULL;
				level_from(&d->lvl[k], fmt, txt, st);
				xmlFree(fmt);
				xmlFree(txt);
				xmlFree(st);
			}
		}
		xmlFree(id);
		xmlFree(aid);
	}
}

static struct numdef *
num_find(struct walk *w, const char *id)
{
	for (size_t i = 0; id && i < w->nnums; i++)
		if (strcmp(w->nums[i].id, id) == 0)
			return &w->nums[i];
	return NULL;
}

static void
roman(int v, int upper, struct sbuf *b)
{
	static const struct {
		int v;
		const char *s;
	} r[] = { { 1000, "m" }, { 900, "cm" }, { 500, "d" }, { 400, "cd" }, { 100, "c" },
		  { 90, "xc" }, { 50, "l" }, { 40, "xl" }, { 10, "x" }, { 9, "ix" },
		  { 5, "v" }, { 4, "iv" }, { 1, "i" } };
	if (v <= 0 || v > 3999) {
		sbuf_addf(b, "%d", v);
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(r); i++)
		while (v >= r[i].v) {
			for (const char *p = r[i].s; *p; p++)
				sbuf_addc(b, upper ? (char)(*p - 'a' + 'A') : *p);
			v -= r[i].v;
		}
}

/* One number in a list format: decimal, upperRoman, lowerLetter ... (DOCX) or 1, I, i, A, a (ODT). */
static void
format_number(const char *fmt, int v, struct sbuf *b)
{
	if (strcmp(fmt, "upperRoman") == 0 || strcmp(fmt, "I") == 0)
		roman(v, 1, b);
	else if (strcmp(fmt, "lowerRoman") == 0 || strcmp(fmt, "i") == 0)
		roman(v, 0, b);
	else if ((strcmp(fmt, "upperLetter") == 0 || strcmp(fmt, "A") == 0) && v >= 1)
		for (int k = 0; k <= (v - 1) / 26; k++)
			sbuf_addc(b, (char)('A' + (v - 1) % 26));
	else if ((strcmp(fmt, "lowerLetter") == 0 || strcmp(fmt, "a") == 0) && v >= 1)
		for (int k = 0; k <= (v - 1) / 26; k++)
			sbuf_addc(b, (char)('a' + (v - 1) % 26));
	else if (strcmp(fmt, "decimalZero") == 0)
		sbuf_addf(b, "%02d", v);
	else
		sbuf_addf(b, "%d", v);
}

/* The marker Word draws for level k of d, counting this paragraph. */
static char *
docx_marker(struct numdef *d, int k)
{
	if (k < 0 || k > 8)
		return NULL;
	d->count[k] = d->count[k] ? d->count[k] + 1 : (d->lvl[k].start ? d->lvl[k].start : 1);
	for (int j = k + 1; j < 10; j++)
		d->count[j] = 0;
	const struct numlevel *l = &d->lvl[k];
	if (strcmp(l->fmt, "none") == 0 || !l->text[0])
		return NULL;
	if (strcmp(l->fmt, "bullet") == 0)
		return xstrdup("-");
	struct sbuf b = { 0 };
	for (const char *p = l->text; *p; p++) {
		if (*p == '%' && p[1] >= '1' && p[1] <= '9') {
			int j = p[1] - '1';
			format_number(d->lvl[j].fmt[0] ? d->lvl[j].fmt : "decimal",
				      d->count[j] ? d->count[j] : (d->lvl[j].start ? d->lvl[j].start : 1), &b);
			p++;
		} else {
			sbuf_addc(&b, *p);
		}
	}
	return b.s ? sbuf_steal(&b) : NULL;
}

static void walk(struct walk *w, const xmlNode *n);

/* Text of a run into the paragraph, with the encoding its font says. */
static void
add_text(struct walk *w, const char *s, enum imp_enc enc)
{
	if (w->out.len > IMP_MAX_TEXT) {
		w->too_long = 1;
		return;
	}
	if (w->sample) {
		if (enc == IMP_ENC_GUESS && w->sample->len < IMP_SAMPLE) {
			sbuf_adds(w->sample, s);
			sbuf_addc(w->sample, ' ');
		}
		return;
	}
	imp_runs_add(&w->runs, s, strlen(s), enc);
}

/* The paragraph collected so far, converted, to where it belongs. */
static void
flush_paragraph(struct walk *w, const char *marker)
{
	char *t = imp_runs_text(&w->runs, w->doc_guess, w->repairs);
	struct sbuf p = { 0 };
	if (marker && *t)
		sbuf_addf(&p, "%s ", marker);
	sbuf_adds(&p, t);
	free(t);
	if (w->cell) {
		if (p.len) {
			if (w->cell->len)
				sbuf_addc(w->cell, ' ');
			sbuf_add(w->cell, p.s, p.len);
		}
	} else if (p.len) {
		w->paragraphs += imp_add_paragraph(&w->out, p.s, p.len, w->repairs);
	}
	sbuf_free(&p);
}

/* A paragraph nested anywhere (text boxes sit inside another's run): its own. */
static void
paragraph(struct walk *w, const xmlNode *n, const char *marker, enum imp_enc enc)
{
	struct imp_runs saved = w->runs;
	enum imp_enc saved_enc = w->enc;
	memset(&w->runs, 0, sizeof w->runs);
	w->enc = enc;
	for (const xmlNode *c = n->children; c; c = c->next)
		walk(w, c);
	flush_paragraph(w, marker);
	w->runs = saved;
	w->enc = saved_enc;
}

/* A table: each row one sentence, its cells joined with commas. */
static void
table_row(struct walk *w, const xmlNode *row)
{
	struct sbuf line = { 0 };
	struct sbuf *saved = w->cell;
	for (const xmlNode *c = row->children; c; c = c->next) {
		if (!is(c, "tc") && !is(c, "table-cell"))
			continue;
		struct sbuf cell = { 0 };
		w->cell = &cell;
		for (const xmlNode *k = c->children; k; k = k->next)
			walk(w, k);
		w->cell = saved;
		if (cell.len) {
			size_t n = line.len;
			if (n && !strchr(".,;:!?", line.s[n - 1]))
				sbuf_addc(&line, ',');
			if (n)
				sbuf_addc(&line, ' ');
			sbuf_add(&line, cell.s, cell.len);
		}
		sbuf_free(&cell);
	}
	if (line.len && !strchr(".:;!?", line.s[line.len - 1]))
		sbuf_addc(&line, '.');
	if (line.len) {
		if (saved) {
			if (saved->len)
				sbuf_addc(saved, ' ');
			sbuf_add(saved, line.s, line.len);
		} else {
			w->paragraphs += imp_add_paragraph(&w->out, line.s, line.len, w->repairs);
		}
	}
	sbuf_free(&line);
}

static void
walk_children(struct walk *w, const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		walk(w, c);
}

/* ---- DOCX ---- */

static enum imp_enc
docx_para_enc(struct walk *w, const xmlNode *p, char **marker)
{
	const xmlNode *ppr = child(p, "pPr");
	const xmlNode *ps = child(ppr, "pStyle");
	char *sname = ps ? attr(ps, "val") : NULL;
	const char *font = style_font(w, sname);
	enum imp_enc enc = imp_font_encoding(font ? font : w->default_font);
	/* numbering: the paragraph's own, else its style's */
	char *num_id = NULL;
	int ilvl = 0;
	const xmlNode *np = child(ppr, "numPr");
	if (np) {
		char *v = child(np, "numId") ? attr(child(np, "numId"), "val") : NULL;
		num_id = xdup(v);
		xmlFree(v);
		v = child(np, "ilvl") ? attr(child(np, "ilvl"), "val") : NULL;
		ilvl = v ? atoi(v) : 0;
		xmlFree(v);
	}
	if (!num_id) {
		const char *name = sname;
		for (int k = 0; k < 16 && name && !num_id; k++) {
			struct style *s = style_find(w, name);
			if (!s)
				break;
			if (s->num_id) {
				num_id = xstrdup(s->num_id);
				ilvl = s->ilvl;
			}
			name = s->parent;
		}
	}
	xmlFree(sname);
	*marker = NULL;
	struct numdef *d = num_find(w, num_id);
	if (d)
		*marker = docx_marker(d, ilvl);
	free(num_id);
	return enc;
}

static enum imp_enc
docx_run_enc(struct walk *w, const xmlNode *r)
{
	const xmlNode *rpr = child(r, "rPr");
	char *font = docx_font(rpr);
	if (!font) {
		const xmlNode *rs = child(rpr, "rStyle");
		char *v = rs ? attr(rs, "val") : NULL;
		font = xdup(style_font(w, v));
		xmlFree(v);
	}
	enum imp_enc e = font ? imp_font_encoding(font) : w->enc;
	free(font);
	return e;
}

static void
walk_docx(struct walk *w, const xmlNode *n)
{
	if (is(n, "p")) {
		char *marker = NULL;
		enum imp_enc enc = docx_para_enc(w, n, &marker);
		paragraph(w, n, marker, enc);
		free(marker);
	} else if (is(n, "tr")) {
		table_row(w, n);
	} else if (is(n, "r")) {
		enum imp_enc saved = w->enc;
		w->enc = docx_run_enc(w, n);
		walk_children(w, n);
		w->enc = saved;
	} else if (is(n, "t")) {
		char *t = (char *)xmlNodeGetContent(n);
		if (t)
			add_text(w, t, w->enc);
		xmlFree(t);
	} else if (is(n, "tab") || is(n, "br") || is(n, "cr")) {
		add_text(w, " ", w->enc);
	} else if (is(n, "noBreakHyphen")) {
		add_text(w, "-", w->enc);
	} else if (is(n, "softHyphen")) {
		/* U+00AD: in a TCVN3 run the letter ư, else dropped with the other invisibles */
		add_text(w, "\xc2\xad", w->enc);
	} else if (is(n, "del") || is(n, "moveFrom") || is(n, "delText") || is(n, "instrText") ||
		   is(n, "Fallback") || is(n, "pPr") || is(n, "rPr") || is(n, "sectPr") ||
		   is(n, "footnoteReference") || is(n, "endnoteReference") || is(n, "commentReference") ||
		   is(n, "tblPr") || is(n, "tblGrid") || is(n, "trPr") || is(n, "tcPr")) {
		/* left out */
	} else {
		walk_children(w, n);
	}
}

/* ---- ODT ---- */

static void
odt_styles(struct walk *w, const xmlNode *root, const xmlNode *fonts_root)
{
	/* font-face declarations: style:name -> svg:font-family */
	struct style *faces = NULL;
	size_t nfaces = 0;
	for (int pass = 0; pass < 2; pass++) {
		const xmlNode *r = pass ? fonts_root : root;
		const xmlNode *decls = child(r, "font-face-decls");
		for (const xmlNode *f = decls ? decls->children : NULL; f; f = f->next) {
			if (!is(f, "font-face"))
				continue;
			char *name = attr(f, "name");
			if (!name)
				continue;
			faces = xrealloc(faces, (nfaces + 1) * sizeof *faces);
			memset(&faces[nfaces], 0, sizeof *faces);
			faces[nfaces].name = xstrdup(name);
			faces[nfaces].font = unquote(attr(f, "font-family"));
			nfaces++;
			xmlFree(name);
		}
	}
	static const char *const sections[] = { "styles", "automatic-styles" };
	for (int pass = 0; pass < 2; pass++) {
		const xmlNode *r = pass ? root : fonts_root;
		for (size_t sec = 0; r && sec < ARRAY_LEN(sections); sec++) {
			const xmlNode *ss = child(r, sections[sec]);
			for (const xmlNode *s = ss ? ss->children : NULL; s; s = s->next) {
				if (is(s, "list-style")) {
					char *name = attr(s, "name");
					if (!name)
						continue;
					w->nums = xrealloc(w->nums, (w->nnums + 1) * sizeof *w->nums);
					struct numdef *d = &w->nums[w->nnums++];
					memset(d, 0, sizeof *d);
					d->id = xstrdup(name);
					xmlFree(name);
					for (const xmlNode *l = s->children; l; l = l->next) {
						char *lv = attr(l, "level");
						int k = lv ? atoi(lv) : 0;
						xmlFree(lv);
						if (k < 1 || k > 10)
							continue;
						struct numlevel *nl = &d->lvl[k - 1];
						if (is(l, "list-level-style-number")) {
							char *fmt = attr(l, "num-format");
							char *pre = attr(l, "num-prefix");
							char *suf = attr(l, "num-suffix");
							char *st = attr(l, "start-value");
							char txt[32];
							snprintf(txt, sizeof txt, "%s%%1%s", pre ? pre : "",
								 suf ? suf : "");
							level_from(nl, fmt && *fmt ? fmt : "none", txt, st);
							xmlFree(fmt);
							xmlFree(pre);
							xmlFree(suf);
							xmlFree(st);
						} else if (is(l, "list-level-style-bullet")) {
							level_from(nl, "bullet", "-", NULL);
						}
					}
					continue;
				}
				if (!is(s, "style") && !is(s, "default-style"))
					continue;
				char *name = is(s, "default-style") ? NULL : attr(s, "name");
				char *family = attr(s, "family");
				const xmlNode *tp = child(s, "text-properties");
				char *font = NULL;
				if (tp) {
					char *fn = attr(tp, "font-name");
					for (size_t i = 0; fn && i < nfaces && !font; i++)
						if (strcmp(faces[i].name, fn) == 0 && faces[i].font)
							font = xstrdup(faces[i].font);
					if (!font && fn)
						font = xstrdup(fn);
					xmlFree(fn);
					if (!font)
						font = unquote(attr(tp, "font-family"));
				}
				if (!name) {
					if (family && strcmp(family, "paragraph") == 0 && font) {
						free(w->default_font);
						w->default_font = font;
						font = NULL;
					}
				} else {
					struct style *st = style_add(w, name);
					char *parent = attr(s, "parent-style-name");
					st->parent = xdup(parent);
					xmlFree(parent);
					st->font = font;
					font = NULL;
					char *ls = attr(s, "list-style-name");
					st->list_style = xdup(ls);
					xmlFree(ls);
				}
				free(font);
				xmlFree(name);
				xmlFree(family);
			}
		}
	}
	for (size_t i = 0; i < nfaces; i++)
		style_free(&faces[i]);
	free(faces);
}

static enum imp_enc
odt_enc(struct walk *w, const xmlNode *n, enum imp_enc inherited)
{
	char *sname = attr(n, "style-name");
	const char *font = style_font(w, sname);
	xmlFree(sname);
	if (font)
		return imp_font_encoding(font);
	return inherited;
}

/* The marker of an ODT list item at the current nesting, counting it. */
static char *
odt_marker(struct walk *w)
{
	int k = w->list_level - 1;
	if (k < 0 || k > 9)
		return NULL;
	const char *ls = NULL;
	for (int j = k; j >= 0 && !ls; j--)
		ls = w->list_style[j];
	struct numdef *d = num_find(w, ls);
	if (!d || k > 8)
		return xstrdup("-");
	if (!d->lvl[k].fmt[0])
		return xstrdup("-");
	return docx_marker(d, k);
}

static void
walk_odt(struct walk *w, const xmlNode *n)
{
	if (is(n, "p") || is(n, "h")) {
		enum imp_enc enc = odt_enc(w, n, imp_font_encoding(w->default_font));
		char *marker = w->item_marker;
		w->item_marker = NULL;
		paragraph(w, n, marker, enc);
		free(marker);
	} else if (is(n, "list")) {
		if (w->list_level >= 10) {
			walk_children(w, n);
			return;
		}
		char *ls = attr(n, "style-name");
		char *cont = attr(n, "continue-numbering");
		struct numdef *d = w->list_level == 0 ? num_find(w, ls) : NULL;
		if (d && !(cont && strcmp(cont, "true") == 0)) /* a new list counts from its start */
			memset(d->count, 0, sizeof d->count);
		xmlFree(cont);
		w->list_style[w->list_level] = ls ? (const char *)ls : NULL;
		w->list_level++;
		walk_children(w, n);
		w->list_level--;
		w->list_style[w->list_level] = NULL;
		xmlFree(ls);
	} else if (is(n, "list-item") || is(n, "list-header")) {
		free(w->item_marker);
		w->item_marker = is(n, "list-item") ? odt_marker(w) : NULL;
		walk_children(w, n);
		free(w->item_marker);
		w->item_marker = NULL;
	} else if (is(n, "table-row")) {
		table_row(w, n);
	} else if (is(n, "span") || is(n, "a")) {
		enum imp_enc saved = w->enc;
		w->enc = odt_enc(w, n, w->enc);
		walk_children(w, n);
		w->enc = saved;
	} else if (is(n, "s")) {
		char *c = attr(n, "c");
		int k = c ? atoi(c) : 1;
		xmlFree(c);
		for (int i = 0; i < k && i < 64; i++)
			add_text(w, " ", w->enc);
	} else if (is(n, "tab") || is(n, "line-break")) {
		add_text(w, " ", w->enc);
	} else if (is(n, "note") || is(n, "annotation") || is(n, "tracked-changes") ||
		   is(n, "sequence-decls") || is(n, "variable-decls") || is(n, "user-field-decls") ||
		   is(n, "number") || is(n, "table-columns") || is(n, "table-column") ||
		   is(n, "table-header-columns")) {
		/* left out */
	} else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content)
			add_text(w, (const char *)n->content, w->enc);
	} else {
		walk_children(w, n);
	}
}

static void
walk(struct walk *w, const xmlNode *n)
{
	if (w->depth > 200 || w->too_long) /* deeper than any document nests */
		return;
	if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_DECL)
		return;
	w->depth++;
	if (w->fmt == IMPORT_DOCX)
		walk_docx(w, n);
	else
		walk_odt(w, n);
	w->depth--;
}

/*
 * Two walks: the first gathers the text whose encoding no font name gives,
 * so that a short run of it (a heading in TCVN3) reads as the document does;
 * the second extracts.
 */
static void
walk_twice(struct walk *w, const xmlNode *root)
{
	struct sbuf sample = { 0 };
	w->sample = &sample;
	walk(w, root);
	w->sample = NULL;
	w->doc_guess = imp_sample_guess(&sample);
	sbuf_free(&sample);
	for (size_t i = 0; i < w->nnums; i++) /* the numbering counts again */
		memset(w->nums[i].count, 0, sizeof w->nums[i].count);
	sbuf_free(&w->out);
	imp_runs_clear(&w->runs);
	w->paragraphs = 0;
	w->too_long = 0;
	walk(w, root);
}

static void
walk_clear(struct walk *w)
{
	for (size_t i = 0; i < w->nstyles; i++)
		style_free(&w->styles[i]);
	free(w->styles);
	for (size_t i = 0; i < w->nnums; i++)
		free(w->nums[i].id);
	free(w->nums);
	free(w->default_font);
	free(w->item_marker);
	sbuf_free(&w->out);
	imp_runs_clear(&w->runs);
}

int
imp_zip_read(const char *name, const void *buf, size_t len, enum import_format fmt,
	     struct import_result *r, char *err)
{
	zip_t *z = zip_from_buffer(name, buf, len, err);
	if (!z)
		return -1;
	int docx = fmt == IMPORT_DOCX;
	const char *main_part = docx ? "word/document.xml" : "content.xml";
	const char *styles_part = docx ? "word/styles.xml" : "styles.xml";
	size_t inflated = 0, n;
	int rc = -1;
	struct walk w = { .fmt = fmt, .name = name, .repairs = r->repairs };
	xmlDoc *body = NULL, *styles = NULL, *numbering = NULL;
	char *x = read_part(z, name, main_part, 0, &n, &inflated, err);
	if (!x)
		goto out;
	body = parse_xml(name, main_part, x, n, err);
	free(x);
	if (!body)
		goto out;
	err_set(err, "%s", "");
	x = read_part(z, name, styles_part, 1, &n, &inflated, err);
	if (!x && err[0])
		goto out;
	if (x) {
		styles = parse_xml(name, styles_part, x, n, err);
		free(x);
		if (!styles)
			goto out;
	}
	if (docx) {
		x = read_part(z, name, "word/numbering.xml", 1, &n, &inflated, err);
		if (!x && err[0])
			goto out;
		if (x) {
			numbering = parse_xml(name, "word/numbering.xml", x, n, err);
			free(x);
			if (!numbering)
				goto out;
		}
		if (styles)
			docx_styles(&w, xmlDocGetRootElement(styles));
		if (numbering)
			docx_numbering(&w, xmlDocGetRootElement(numbering));
		w.enc = imp_font_encoding(w.default_font);
		walk_twice(&w, xmlDocGetRootElement(body));
	} else {
		odt_styles(&w, xmlDocGetRootElement(body), styles ? xmlDocGetRootElement(styles) : NULL);
		w.enc = imp_font_encoding(w.default_font);
		const xmlNode *text = child(child(xmlDocGetRootElement(body), "body"), "text");
		if (text)
			walk_twice(&w, text);
	}
	if (w.too_long) {
		err_set(err, _("%s holds more text than a bulletin could (over %zu MiB); split it and import the part you need."),
			name, IMP_MAX_TEXT >> 20);
		goto out;
	}
	r->format = fmt;
	r->paragraphs = w.paragraphs;
	r->text = w.out.s ? sbuf_steal(&w.out) : xstrdup("");
	rc = 0;
out:
	walk_clear(&w);
	if (body)
		xmlFreeDoc(body);
	if (styles)
		xmlFreeDoc(styles);
	if (numbering)
		xmlFreeDoc(numbering);
	zip_discard(z);
	return rc;
}
