/*
 * PDF with poppler-glib: each page's text in poppler's reading order, one
 * line at a time with where it stands on the page (from the characters'
 * boxes) and the font of each character, which tells TCVN3 and VNI text
 * (legacy.c).  The lines then go through the repair pass (repair.c).
 *
 * Refused: a PDF that needs a password to open, one poppler cannot read,
 * one with more than IMP_MAX_PAGES pages, and one with no text at all
 * ("holds only images": a scan; recognising text in images is not done).
 */
#include <glib.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_int.h"

struct page_text {
	uint32_t *cp;
	size_t n;
	PopplerRectangle *rects; /* one per character, or NULL */
	GList *attrs;
};

/* The attributes (font) of character i; attrs are in order, *cur walks them. */
static PopplerTextAttributes *
attrs_at(GList **cur, size_t i)
{
	while (*cur) {
		PopplerTextAttributes *a = (*cur)->data;
		if ((size_t)a->end_index >= i && (size_t)a->start_index <= i)
			return a;
		if ((size_t)a->start_index > i)
			return NULL;
		*cur = (*cur)->next;
	}
	return NULL;
}

static int
space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0xA0;
}

/* The runs of each line, converted once the whole document's reading is known. */
struct line_runs {
	struct imp_runs *r;
	size_t n, cap;
};

/* One line [a, b) of the page: its runs kept in lr, its geometry in ls. */
static void
add_line(struct imp_lines *ls, struct line_runs *lr, const struct page_text *pt, size_t a,
	 size_t b, int page, GList **cur)
{
	struct imp_runs runs = { 0 };
	struct imp_line l = { .page = page };
	double fsize = 0;
	int have_box = 0;
	size_t fw_a = b, fw_b = b; /* the first word */
	for (size_t i = a; i < b; i++) {
		char out[4];
		PopplerTextAttributes *at = attrs_at(cur, i);
		enum imp_enc enc = imp_font_encoding(at ? at->font_name : NULL);
		imp_runs_add(&runs, out, (size_t)utf8_encode(pt->cp[i], out), enc);
		if (space(pt->cp[i])) {
			if (fw_a < b && fw_b == b)
				fw_b = i;
			continue;
		}
		if (fw_a == b)
			fw_a = i;
		if (at && !fsize)
			fsize = at->font_size;
		if (pt->rects) {
			const PopplerRectangle *r = &pt->rects[i];
			if (!have_box || r->x1 < l.x0)
				l.x0 = r->x1;
			if (!have_box || r->x2 > l.x1)
				l.x1 = r->x2;
			if (!have_box || r->y1 < l.y0)
				l.y0 = r->y1;
			if (!have_box || r->y2 > l.y1)
				l.y1 = r->y2;
			have_box = 1;
		}
	}
	l.text = "";
	if (lr->n == lr->cap)
		lr->r = xrealloc(lr->r, (lr->cap = lr->cap ? lr->cap * 2 : 64) * sizeof *lr->r);
	lr->r[lr->n++] = runs;
	if (have_box) {
		if (fw_a < b) {
			size_t last = (fw_b > fw_a ? fw_b : b) - 1;
			l.first_word_w = pt->rects[last].x2 - pt->rects[fw_a].x1;
		}
		l.space_w = 0.25 * (fsize > 0 ? fsize : l.y1 - l.y0);
	} else { /* no boxes: characters stand for widths */
		l.x0 = 0;
		l.x1 = (double)(b - a);
		l.first_word_w = (double)(fw_b > fw_a && fw_a < b ? fw_b - fw_a : 0);
		l.space_w = 1;
		l.y0 = (double)ls->n;
		l.y1 = l.y0 + 1;
	}
	imp_lines_add(ls, &l);
}

static void
page_text_clear(struct page_text *pt)
{
	free(pt->cp);
	g_free(pt->rects);
	poppler_page_free_text_attributes(pt->attrs);
	memset(pt, 0, sizeof *pt);
}

/* Reads one page's lines into ls; the count of characters that are not white space. */
static size_t
read_page(PopplerPage *pg, int page, struct imp_lines *ls, struct line_runs *lr)
{
	struct page_text pt = { 0 };
	char *text = poppler_page_get_text(pg);
	if (!text)
		return 0;
	size_t len = strlen(text), bad;
	if (utf8_check(text, len, &bad) < 0)
		len = bad; /* poppler gives UTF-8; keep what is valid */
	pt.cp = xmalloc((len + 1) * sizeof *pt.cp);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += (size_t)utf8_decode(text + i, &cp);
		pt.cp[pt.n++] = cp;
	}
	g_free(text);
	guint nrects = 0;
	if (!poppler_page_get_text_layout(pg, &pt.rects, &nrects) || nrects != pt.n) {
		g_free(pt.rects); /* the boxes do not match the text: go without */
		pt.rects = NULL;
	}
	pt.attrs = poppler_page_get_text_attributes(pg);
	GList *cur = pt.attrs;
	size_t ink = 0, a = 0;
	for (size_t i = 0; i <= pt.n; i++) {
		if (i < pt.n && pt.cp[i] != '\n' && pt.cp[i] != '\r')
			continue;
		add_line(ls, lr, &pt, a, i, page, &cur);
		a = i + 1;
	}
	for (size_t i = 0; i < pt.n; i++)
		ink += !space(pt.cp[i]) && pt.cp[i] != '\n' && pt.cp[i] != '\r';
	page_text_clear(&pt);
	return ink;
}

int
imp_pdf_read(const char *name, const void *buf, size_t len, struct import_result *r, char *err)
{
	GError *ge = NULL;
	GBytes *bytes = g_bytes_new_static(buf, len);
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &ge);
	if (!doc) {
		if (ge && g_error_matches(ge, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
			err_set(err, _("%s is protected by a password; open it, save or print a copy without the password, and import that."),
				name);
		else
			err_set(err, _("%s is damaged: it is not a PDF that can be read (%s); save or export it again and import the new copy."),
				name, ge ? ge->message : "?");
		if (ge)
			g_error_free(ge);
		g_bytes_unref(bytes);
		return -1;
	}
	int pages = poppler_document_get_n_pages(doc);
	int rc = -1;
	struct imp_lines ls = { 0 };
	struct line_runs lr = { 0 };
	if (pages > IMP_MAX_PAGES) {
		err_set(err, _("%s has %d pages, more than the %d an import reads; split it and import the part you need."),
			name, pages, IMP_MAX_PAGES);
		goto out;
	}
	size_t ink = 0;
	int images = 0;
	for (int p = 0; p < pages; p++) {
		PopplerPage *pg = poppler_document_get_page(doc, p);
		if (!pg)
			continue;
		ink += read_page(pg, p, &ls, &lr);
		GList *im = poppler_page_get_image_mapping(pg);
		images += im != NULL;
		poppler_page_free_image_mapping(im);
		g_object_unref(pg);
	}
	ls.pages = pages;
	if (!ink) {
		if (images)
			err_set(err, _("%s: this PDF holds only images: scan recognition is not supported; ask for the document as .docx, .odt or a PDF with text, or type the bulletin."),
				name);
		else
			err_set(err, _("%s holds no text: its pages are empty."), name);
		goto out;
	}
	/* the text no font name places reads as the whole of it does */
	struct sbuf sample = { 0 };
	for (size_t i = 0; i < lr.n; i++)
		imp_runs_sample(&lr.r[i], &sample);
	enum imp_enc reading = imp_sample_guess(&sample);
	sbuf_free(&sample);
	for (size_t i = 0; i < lr.n && i < ls.n; i++) {
		free(ls.l[i].text);
		ls.l[i].text = imp_runs_text(&lr.r[i], reading, r->repairs);
	}
	r->text = imp_repair_lines(&ls, r->repairs);
	if (strlen(r->text) > IMP_MAX_TEXT) {
		free(r->text);
		r->text = NULL;
		err_set(err, _("%s holds more text than a bulletin could (over %zu MiB); split it and import the part you need."),
			name, IMP_MAX_TEXT >> 20);
		goto out;
	}
	r->format = IMPORT_PDF;
	r->pages = pages;
	rc = 0;
out:
	for (size_t i = 0; i < lr.n; i++)
		imp_runs_clear(&lr.r[i]);
	free(lr.r);
	imp_lines_clear(&ls);
	g_object_unref(doc);
	g_bytes_unref(bytes);
	return rc;
}
