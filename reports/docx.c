/*
 * The report as a document an officer files: a DOCX laid out as Nghị định
 * 30/2020/NĐ-CP (quốc hiệu and tiêu ngữ, issuing body, number and date
 * line, title, body with the figures and the bulletins aired, "Nơi nhận",
 * signature block).  The layout and the fixed words are a template, the
 * parts of an OOXML package kept as text in data/docx/ (installed under
 * DATADIR/loaxa/docx); this file fills in the values and zips the parts
 * with libzip.
 *
 * The document is Vietnamese whatever the locale: an administrative
 * document under Nghị định 30 is.  The words made here (the period in
 * words, months, dates, outcomes) are the catalogue's Vietnamese, looked
 * up with LANGUAGE=vi for the time of writing.
 *
 * The template language, kept as small as the document needs: {{name}}
 * is a value, XML-escaped; <!--{{#name}}--> ... <!--{{/name}}--> repeats
 * what is between once per row of `name` (zero rows: left out; sections
 * do not nest); every other XML comment is dropped.  A name the template
 * uses and this file does not know is an error, so a mistyped template
 * fails in the tests, not in front of an officer.
 */
#include "reports/reports.h"

#include <assert.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "base/base.h"
#include "config/config.h"

/* The parts of the package, in the order a DOCX lists them. */
static const char *const parts[] = {
	"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
	"word/_rels/document.xml.rels", "word/document.xml", "word/styles.xml", "word/settings.xml",
};

/* ---- the values ---- */

#define MAXKEYS 32

/* One row of a section (or the document itself): key = value pairs. */
struct row {
	const char *key[MAXKEYS];
	char *val[MAXKEYS];
	size_t n;
};

struct section {
	const char *name;
	struct row *rows;
	size_t n;
};

struct values {
	struct row doc;
	struct section sec[12];
	size_t n_sec;
};

/* key = v, taking v (allocated). */
static void
put_owned(struct row *r, const char *key, char *v)
{
	assert(r->n < MAXKEYS); /* a row holds every key the template has */
	r->key[r->n] = key;
	r->val[r->n++] = v;
}

static void
put(struct row *r, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* key = the formatted value. */
static void
put(struct row *r, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = NULL;
	if (vasprintf(&v, fmt, ap) < 0)
		v = NULL;
	va_end(ap);
	put_owned(r, key, v ? v : xstrdup(""));
}

static struct row *
add_row(struct values *v, const char *section)
{
	struct section *s = NULL;
	for (size_t i = 0; i < v->n_sec; i++)
		if (strcmp(v->sec[i].name, section) == 0)
			s = &v->sec[i];
	if (!s) {
		assert(v->n_sec < ARRAY_LEN(v->sec));
		s = &v->sec[v->n_sec++];
		s->name = section;
	}
	s->rows = xrealloc(s->rows, (s->n + 1) * sizeof *s->rows);
	memset(&s->rows[s->n], 0, sizeof s->rows[s->n]);
	return &s->rows[s->n++];
}

/* A section that is there (one empty row) or not: for the template's "if". */
static void
flag(struct values *v, const char *section, int on)
{
	if (on)
		add_row(v, section);
}

static void
row_free(struct row *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->val[i]);
}

static void
values_free(struct values *v)
{
	row_free(&v->doc);
	for (size_t i = 0; i < v->n_sec; i++) {
		for (size_t j = 0; j < v->sec[i].n; j++)
			row_free(&v->sec[i].rows[j]);
		free(v->sec[i].rows);
	}
}

static void
hms(double s, char *buf, size_t n)
{
	long t = (long)(s + 0.5);
	snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
}

/* The period in a sentence: "quý I/2025", "6 tháng đầu năm 2025". */
static void
lower_first(char *s)
{
	if (*s >= 'A' && *s <= 'Z')
		*s += 'a' - 'A';
}

/* Day and month as Nghị định 30 writes them: a zero before days 1-9 and months 1-2. */
static void
date_line(struct row *doc, int64_t now)
{
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	put(doc, "day", "%02d", tm.tm_mday);
	put(doc, "month", tm.tm_mon + 1 <= 2 ? "%02d" : "%d", tm.tm_mon + 1);
	put(doc, "year", "%d", tm.tm_year + 1900);
	char iso[40];
	time_iso8601(now, iso);
	iso[19] = 0; /* W3CDTF without fractions; the offset is dropped, the time is local */
	put(doc, "created", "%s", iso);
}

static void
counts_row(struct row *row, const char *month, const struct report_counts *c)
{
	char t[32];
	hms(c->airtime_s, t, sizeof t);
	put(row, "month", "%s", month);
	put(row, "bulletins", "%d", c->bulletins);
	put(row, "cchc", "%d", c->cchc_bulletins);
	put(row, "airings", "%d", c->airings);
	put(row, "airtime", "%s", t);
	put(row, "target", "%d", c->target);
	put(row, "state", "%s", report_state_word(c->state));
}

/* Every value the template may name, in the catalogue's words of the moment (Vietnamese). */
static void
collect(const struct report *r, struct values *v)
{
	const struct config *cfg = r->cfg;
	const struct config_station *st = &cfg->station;
	struct row *doc = &v->doc;
	char buf[256];
	put(doc, "station", "%s", r->station);
	put(doc, "parent", "%s", st->parent ? st->parent : "");
	flag(v, "has_parent", st->parent && *st->parent);
	put(doc, "issuer", "%s", st->issuer ? st->issuer : r->station);
	put(doc, "code", "%s", st->code);
	put(doc, "place", "%s", st->place && *st->place ? st->place : "..........");
	put(doc, "signer_title", "%s", st->signer_title);
	put(doc, "signer_name", "%s", st->signer_name ? st->signer_name : "");
	date_line(doc, r->now);
	report_period_label(r->y0, r->m0, r->y1, r->m1, buf, sizeof buf);
	put(doc, "period", "%s", buf);
	lower_first(buf);
	put(doc, "period_lower", "%s", buf);
	report_date(r->from, buf, sizeof buf);
	put(doc, "from", "%s", buf);
	report_date(r->until - 1000, buf, sizeof buf);
	put(doc, "until", "%s", buf);
	put(doc, "per_month", "%d", cfg->cchc_per_month);
	char t[32];
	hms(r->totals.airtime_s, t, sizeof t);
	put(doc, "bulletins", "%d", r->totals.bulletins);
	put(doc, "airings", "%d", r->totals.airings);
	put(doc, "airtime", "%s", t);
	put(doc, "cchc", "%d", r->totals.cchc_bulletins);
	put(doc, "target", "%d", r->totals.target);
	put(doc, "state", "%s", report_state_word(r->totals.state));
	for (size_t i = 0; i < r->n_months; i++) {
		report_month_label(r->months[i].year, r->months[i].month, buf, sizeof buf);
		counts_row(add_row(v, "months"), buf, &r->months[i].c);
	}
	counts_row(add_row(v, "total"), _("Total"), &r->totals);
	flag(v, "no_bulletins", !r->n_bulletins);
	flag(v, "has_bulletins", r->n_bulletins > 0);
	for (size_t i = 0; i < r->n_bulletins; i++) {
		const struct report_bulletin *b = &r->bulletins[i];
		struct row *row = add_row(v, "bulletins");
		put(row, "no", "%zu", i + 1);
		put(row, "title", "%s", b->title);
		put(row, "topic", "%s", b->topic_name);
		put_owned(row, "days", report_days_text(b));
		put(row, "airings", "%d", b->airings);
	}
	flag(v, "no_missed", !r->n_missed);
	for (size_t i = 0; i < r->n_missed; i++) {
		const struct report_missed *m = &r->missed[i];
		struct row *row = add_row(v, "missed");
		char prog[64];
		time_format(m->scheduled_at, _("%Y-%m-%d %H:%M"), buf, sizeof buf);
		put(row, "when", "%s", buf);
		put(row, "slot", "%s", m->slot ? m->slot : report_program_label(m->program, prog, sizeof prog));
		put(row, "status", "%s", report_status_word(m->status));
		put(row, "reason", "%s%s%s", m->reason ? " (" : "", report_reason(m->reason),
		    m->reason ? ")" : "");
	}
	for (size_t i = 0; i < st->n_recipients; i++)
		put(add_row(v, "recipients"), "recipient", "%s", st->recipients[i]);
}

/* ---- the template ---- */

static void
xml_escape(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sbuf_adds(b, "&amp;"); break;
		case '<': sbuf_adds(b, "&lt;"); break;
		case '>': sbuf_adds(b, "&gt;"); break;
		case '"': sbuf_adds(b, "&quot;"); break;
		case '\'': sbuf_adds(b, "&apos;"); break;
		default:
			/* XML 1.0 has no place for the other C0 controls */
			if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
				sbuf_addc(b, *s);
		}
	}
}

static const char *
lookup(const struct row *row, const struct row *doc, const char *key, size_t n)
{
	for (const struct row *r = row; r; r = r == doc ? NULL : doc)
		for (size_t i = 0; i < r->n; i++)
			if (strlen(r->key[i]) == n && strncmp(r->key[i], key, n) == 0)
				return r->val[i];
	return NULL;
}

/*
 * Renders text[0..len) with row's values (and the document's) into b;
 * -1 with err for a name it does not know or a section not closed.
 */
static int
render(const struct values *v, const struct row *row, const char *text, size_t len,
       const char *part, struct sbuf *b, char *err)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *q = p;
		while (q < end && *q != '<' && *q != '{')
			q++;
		sbuf_add(b, p, (size_t)(q - p));
		if (q >= end)
			break;
		if (end - q >= 4 && memcmp(q, "<!--", 4) == 0) {
			const char *close = memmem(q, (size_t)(end - q), "-->", 3);
			if (!close) {
				err_set(err, _("The report template %s has a comment that is not closed."), part);
				return -1;
			}
			if (!(q[4] == '{' && q[5] == '{' && q[6] == '#')) {
				p = close + 3; /* a comment: dropped */
				continue;
			}
			/* a section: <!--{{#name}}--> ... <!--{{/name}}--> */
			const char *name = q + 7;
			size_t n = (size_t)(close - name);
			if (n < 2 || memcmp(close - 2, "}}", 2) != 0) {
				err_set(err, _("The report template %s has a broken section marker."), part);
				return -1;
			}
			n -= 2;
			char endmark[80];
			snprintf(endmark, sizeof endmark, "<!--{{/%.*s}}-->", (int)n, name);
			const char *body = close + 3;
			const char *stop = memmem(body, (size_t)(end - body), endmark, strlen(endmark));
			if (!stop || n > 60) {
				err_set(err, _("The report template %s opens the section %.*s and does not close it."),
					part, (int)(n > 60 ? 60 : n), name);
				return -1;
			}
			const struct section *s = NULL;
			for (size_t i = 0; i < v->n_sec; i++)
				if (strlen(v->sec[i].name) == n && strncmp(v->sec[i].name, name, n) == 0)
					s = &v->sec[i];
			for (size_t i = 0; s && i < s->n; i++)
				if (render(v, &s->rows[i], body, (size_t)(stop - body), part, b, err) < 0)
					return -1;
			p = stop + strlen(endmark);
			continue;
		}
		if (end - q >= 2 && q[0] == '{' && q[1] == '{') {
			const char *close = memmem(q, (size_t)(end - q), "}}", 2);
			size_t n = close ? (size_t)(close - q - 2) : 0;
			const char *val = close ? lookup(row, &v->doc, q + 2, n) : NULL;
			if (!val) {
				err_set(err, _("The report template %s names {{%.*s}}, which loaxa does not know."),
					part, (int)(n > 60 ? 60 : n), q + 2);
				return -1;
			}
			xml_escape(b, val);
			p = close + 2;
			continue;
		}
		sbuf_addc(b, *q);
		p = q + 1;
	}
	return 0;
}

/* ---- Vietnamese for the time of writing ---- */

struct vi {
	char *language; /* LANGUAGE as it was, or NULL */
	locale_t loc, old;
};

/*
 * The catalogue's Vietnamese: LANGUAGE=vi, and LC_MESSAGES of a locale
 * that is not "C" (gettext ignores LANGUAGE under "C"): vi_VN.UTF-8, else
 * C.UTF-8.
 */
static void
vi_begin(struct vi *s)
{
	const char *l = getenv("LANGUAGE");
	s->language = l ? xstrdup(l) : NULL;
	setenv("LANGUAGE", "vi", 1);
	/* the other categories stay the process's (a copy: newlocale() takes it) */
	locale_t base = duplocale(LC_GLOBAL_LOCALE);
	s->loc = base ? newlocale(LC_MESSAGES_MASK, "vi_VN.UTF-8", base) : (locale_t)0;
	if (base && !s->loc)
		s->loc = newlocale(LC_MESSAGES_MASK, "C.UTF-8", base);
	if (base && !s->loc)
		freelocale(base);
	s->old = s->loc ? uselocale(s->loc) : (locale_t)0;
}

static void
vi_end(struct vi *s)
{
	if (s->loc) {
		uselocale(s->old);
		freelocale(s->loc);
	}
	if (s->language)
		setenv("LANGUAGE", s->language, 1);
	else
		unsetenv("LANGUAGE");
	free(s->language);
}

/* ---- the package ---- */

int
report_write_docx(const struct report *r, const char *template_dir, const char *path, char *err)
{
	char *text[ARRAY_LEN(parts)] = { 0 }, *out[ARRAY_LEN(parts)] = { 0 };
	size_t tlen[ARRAY_LEN(parts)] = { 0 }, len[ARRAY_LEN(parts)] = { 0 };
	int rc = 0;
	/* what can go wrong is told in the reader's language: only the values are Vietnamese */
	for (size_t i = 0; i < ARRAY_LEN(parts) && rc == 0; i++) {
		char *file = xasprintf("%s/%s", template_dir, parts[i]), e2[ERRLEN];
		if (file_read_all(file, 1 << 20, &text[i], &tlen[i], e2) < 0) {
			err_set(err, _("The report document's template cannot be read (%s); reinstall loaxa, or point LOAXA_DATADIR at its data/ folder."),
				e2);
			rc = -1;
		}
		free(file);
	}
	struct values v = { 0 };
	if (rc == 0) {
		struct vi vi;
		vi_begin(&vi);
		collect(r, &v);
		vi_end(&vi);
	}
	for (size_t i = 0; i < ARRAY_LEN(parts) && rc == 0; i++) {
		struct sbuf b = { 0 };
		char *name = xasprintf("%s/%s", template_dir, parts[i]);
		rc = render(&v, &v.doc, text[i], tlen[i], name, &b, err);
		free(name);
		len[i] = b.len;
		out[i] = b.s ? sbuf_steal(&b) : xstrdup("");
		sbuf_free(&b);
	}
	values_free(&v);
	zip_t *za = NULL;
	if (rc == 0) {
		int ze = 0;
		za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
		if (!za) {
			zip_error_t zerr;
			zip_error_init_with_code(&zerr, ze);
			err_set(err, _("Cannot write %s: %s."), path, zip_error_strerror(&zerr));
			zip_error_fini(&zerr);
			rc = -1;
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(parts) && rc == 0; i++) {
		/* the buffers stay ours until zip_close() has written them */
		zip_source_t *src = zip_source_buffer(za, out[i], len[i], 0);
		zip_int64_t idx = src ? zip_file_add(za, parts[i], src, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			if (src)
				zip_source_free(src);
			err_set(err, _("Cannot write %s: %s."), path, zip_strerror(za));
			rc = -1;
		} else {
			zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 0);
		}
	}
	if (za && rc == 0 && zip_close(za) < 0) {
		err_set(err, _("Cannot write %s: %s."), path, zip_strerror(za));
		rc = -1;
	}
	if (za && rc < 0)
		zip_discard(za);
	for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
		free(out[i]);
		free(text[i]);
	}
	return rc;
}
