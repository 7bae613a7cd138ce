/*
 * libFuzzer target: the CSV cell writer (report_csv_cell()) and the airing
 * log writer (report_log_new/row/finish) in CSV, JSON and text, on log rows
 * made of the fuzz bytes.
 *
 * The input is split into fields at NUL bytes (a C string can hold every
 * other byte).  Each row takes 14 fields:
 *
 *   0  flags: byte 0 bits 0-2 the item kind (0 none, 1 bulletin, 2 clip,
 *      3 tts, 4 silence, as the store's CHECK allows; 5-7 none), bits 3-7
 *      make title, clip name, slot, reason, topic NULL; byte 1 bits 0-2 make
 *      program, status, class NULL, bit 3 `completed`
 *   1  scheduled_at, 2 started_at, 3 lateness_ms, 4 bulletin id: decimal
 *   5  length in ms, decimal, 0 .. 10^12 (the store's length_s >= 0)
 *   6  slot, 7 programme, 8 status, 9 reason, 10 title, 11 topic,
 *   12 class, 13 clip name: any bytes
 *
 * Properties, abort() when broken:
 *  - CSV: a UTF-8 BOM, then strict RFC 4180 (quoted fields, "" for a quote,
 *    CRLF after every record, nothing after the last) with the header and
 *    one record per row, 12 cells each; each cell is exactly what the row
 *    holds (dates, numbers formatted here independently), byte for byte,
 *    except that a text cell beginning with = + - @ TAB or CR comes back
 *    with a leading ' (reports.h); numbers keep their minus.  The writer copies bytes as they are, valid
 *    UTF-8 or not, so the byte-for-byte check covers invalid UTF-8; and
 *    when every string of the input is valid UTF-8, so is the whole file.
 *    The same for all the fields written raw with report_csv_cell().
 *  - JSON: the output parses, one object per row; a string field is null
 *    for NULL, the same string when valid UTF-8, and absent when not
 *    (jansson refuses invalid UTF-8 and json_object_set_new() then sets
 *    nothing); the numbers are the row's.
 *  - text: one line for the heading and each row (plus the newlines the
 *    printed strings hold), valid UTF-8 when the strings are.
 */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "reports/reports.h"
#include "store/store.h"

#define MAX_ROWS 64
#define NFIELDS 14
#define NCOLS 12

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "fuzz_csv: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			abort();                                                \
		}                                                               \
	} while (0)

/* ---- strict UTF-8 (RFC 3629, as jansson checks it) ---- */

static int
utf8_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static int
str_ok(const char *s)
{
	return !s || utf8_ok(s, strlen(s));
}

/* ---- the rows ---- */

struct row {
	struct store_log_row r;
	const char *kind;
	/* the strings that reach the output */
	const char *slot, *program, *status, *reason, *title, *topic, *klass, *clip;
};

static const char *
field(char **f, size_t nf, size_t i)
{
	return i < nf ? f[i] : NULL;
}

static long long
num(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

static void
make_row(struct row *w, char **f, size_t nf, long long id)
{
	static const char *const kinds[] = { NULL, "bulletin", "clip", "tts", "silence", NULL, NULL, NULL };
	memset(w, 0, sizeof *w);
	const char *fl = field(f, nf, 0);
	unsigned b0 = fl && fl[0] ? (unsigned char)fl[0] : 0;
	unsigned b1 = fl && fl[0] && fl[1] ? (unsigned char)fl[1] : 0;
	w->kind = kinds[b0 & 7];
	w->title = b0 & 0x08 ? NULL : field(f, nf, 10);
	w->clip = b0 & 0x10 ? NULL : field(f, nf, 13);
	w->slot = b0 & 0x20 ? NULL : field(f, nf, 6);
	w->reason = b0 & 0x40 ? NULL : field(f, nf, 9);
	w->topic = b0 & 0x80 ? NULL : field(f, nf, 11);
	w->program = b1 & 0x01 ? NULL : field(f, nf, 7);
	w->status = b1 & 0x02 ? NULL : field(f, nf, 8);
	w->klass = b1 & 0x04 ? NULL : field(f, nf, 12);
	struct store_log_row *r = &w->r;
	r->a.id = id;
	r->a.slot = (char *)w->slot;
	r->a.program = (char *)w->program;
	r->a.scheduled_at = num(field(f, nf, 1));
	r->a.started_at = num(field(f, nf, 2));
	r->a.lateness_ms = num(field(f, nf, 3));
	r->a.status = (char *)w->status;
	r->a.reason = (char *)w->reason;
	r->a.normalizer_version = 1;
	r->it.kind = (char *)w->kind;
	r->it.bulletin_id = num(field(f, nf, 4));
	r->it.bulletin_version = (int)(r->it.bulletin_id & 0xff);
	r->it.airing_id = id;
	long long len_ms = num(field(f, nf, 5));
	if (len_ms < 0)
		len_ms = len_ms == LLONG_MIN ? 0 : -len_ms;
	if (len_ms > 1000000000000LL)
		len_ms %= 1000000000000LL;
	r->it.length_s = (double)len_ms / 1000;
	r->it.offset_s = 1.5;
	r->it.completed = !!(b1 & 0x08);
	r->title = w->title;
	r->topic = w->topic;
	r->klass = w->klass;
	r->clip_name = w->clip;
}

/* All the strings of the row that some writer prints are valid UTF-8. */
static int
row_utf8(const struct row *w)
{
	return str_ok(w->slot) && str_ok(w->program) && str_ok(w->status) && str_ok(w->reason) &&
	       str_ok(w->title) && str_ok(w->topic) && str_ok(w->klass) && str_ok(w->clip);
}

/* ---- a strict RFC 4180 reader ---- */

struct csv {
	char ***rows; /* rows[i][j], NUL-terminated copies */
	size_t *ncells;
	size_t n;
};

static void
csv_free(struct csv *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t j = 0; j < c->ncells[i]; j++)
			free(c->rows[i][j]);
		free(c->rows[i]);
	}
	free(c->rows);
	free(c->ncells);
	memset(c, 0, sizeof *c);
}

/* Parses p[0..n): 0, or -1 at the first departure from RFC 4180. */
static int
csv_parse(const char *p, size_t n, struct csv *c)
{
	size_t i = 0;
	memset(c, 0, sizeof *c);
	while (i < n) {
		c->rows = realloc(c->rows, (c->n + 1) * sizeof *c->rows);
		c->ncells = realloc(c->ncells, (c->n + 1) * sizeof *c->ncells);
		c->rows[c->n] = NULL;
		c->ncells[c->n] = 0;
		size_t r = c->n++;
		for (;;) { /* one field: find its end, then copy it */
			size_t start = i, len = 0;
			int quoted = i < n && p[i] == '"';
			if (quoted) {
				for (i++;; i++, len++) {
					if (i >= n)
						return -1; /* unterminated quote */
					if (p[i] == '"') {
						if (i + 1 < n && p[i + 1] == '"')
							i++;
						else
							break;
					}
				}
				i++;
			} else {
				for (; i < n && p[i] != ',' && p[i] != '\r'; i++, len++)
					if (p[i] == '"' || p[i] == '\n')
						return -1; /* quote or LF in an unquoted field */
			}
			char *cell = malloc(len + 1);
			size_t k = 0;
			for (size_t q = start + quoted; k < len; q++) {
				cell[k++] = p[q];
				if (quoted && p[q] == '"')
					q++; /* "" is one quote */
			}
			cell[len] = 0;
			c->rows[r] = realloc(c->rows[r], (c->ncells[r] + 1) * sizeof *c->rows[r]);
			c->rows[r][c->ncells[r]++] = cell;
			if (i < n && p[i] == ',') {
				i++;
				continue;
			}
			if (i + 1 < n && p[i] == '\r' && p[i + 1] == '\n') {
				i += 2;
				break;
			}
			return -1; /* a field not followed by , or CRLF (incl. EOF without CRLF) */
		}
	}
	return 0;
}

/* What a cell must read back as: s, or 's when s starts like a formula. */
static void
check_cell(const char *got, const char *want, size_t row, size_t col)
{
	want = want ? want : "";
	int formula = want[0] && strchr("=+-@\t\r", want[0]);
	if (formula) {
		CHECK(got[0] == '\'' && strcmp(got + 1, want) == 0,
		      "row %zu cell %zu: formula \"%s\" read back as \"%s\"", row, col, want, got);
	} else {
		CHECK(strcmp(got, want) == 0, "row %zu cell %zu: \"%s\" read back as \"%s\"", row, col,
		      want, got);
	}
}

/* ---- expected cells, formatted here ---- */

static void
local_tm(int64_t ms, struct tm *tm)
{
	int64_t t = ms / 1000;
	if (ms % 1000 < 0)
		t--;
	time_t tt = (time_t)t;
	CHECK(localtime_r(&tt, tm), "localtime_r(%lld)", (long long)t);
}

/* strftime into 16 bytes, as the log keeps its date and time: "" when longer. */
static void
fmt16(int64_t ms, const char *fmt, char out[16])
{
	struct tm tm;
	local_tm(ms, &tm);
	char big[64];
	size_t n = strftime(big, sizeof big, fmt, &tm);
	if (n == 0 || n >= 16)
		out[0] = 0;
	else
		memcpy(out, big, n + 1);
}

static void
expect_cells(const struct row *w, char cells[NCOLS][64], const char *strs[NCOLS])
{
	const struct store_log_row *r = &w->r;
	for (int i = 0; i < NCOLS; i++)
		cells[i][0] = 0, strs[i] = NULL;
	fmt16(r->a.scheduled_at, "%Y-%m-%d", cells[0]);
	fmt16(r->a.scheduled_at, "%H:%M:%S", cells[1]);
	strs[2] = w->slot;
	strs[3] = w->program;
	if (w->kind && r->it.bulletin_id)
		snprintf(cells[4], 64, "%lld", (long long)r->it.bulletin_id);
	strs[5] = w->title ? w->title : w->clip;
	strs[6] = w->topic;
	strs[7] = w->klass;
	if (w->kind) {
		long long tenths = llround(r->it.length_s * 10);
		snprintf(cells[8], 64, "%lld.%lld", tenths / 10, tenths % 10);
	}
	strs[9] = w->status;
	strs[10] = w->reason;
	if (r->a.started_at)
		snprintf(cells[11], 64, "%lld", (long long)r->a.lateness_ms);
	for (int i = 0; i < NCOLS; i++)
		if (!strs[i])
			strs[i] = cells[i];
}

static const char *const heads[NCOLS] = { "date", "time", "slot", "program", "bulletin_id",
					  "title", "topic", "class", "length_s", "status", "reason",
					  "lateness_ms" };

/* ---- the writers ---- */

static char *
run_log(enum report_format fmt, const struct row *rows, size_t n, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	CHECK(f, "open_memstream");
	char err[ERRLEN];
	struct report_log *lw = report_log_new(fmt, f, NULL, "fuzz", err);
	CHECK(lw, "report_log_new: %s", err);
	for (size_t i = 0; i < n; i++)
		CHECK(report_log_row(lw, &rows[i].r) == 0, "report_log_row");
	CHECK(report_log_count(lw) == (long)n, "report_log_count");
	CHECK(report_log_finish(lw, err) == 0, "report_log_finish: %s", err);
	CHECK(fclose(f) == 0, "fclose");
	return buf;
}

static void
check_csv_log(const struct row *rows, size_t n, int all_utf8)
{
	size_t len;
	char *out = run_log(REPORT_CSV, rows, n, &len);
	CHECK(len >= 3 && memcmp(out, "\xef\xbb\xbf", 3) == 0, "no BOM");
	CHECK(memchr(out, 0, len) == NULL, "NUL in the CSV");
	if (all_utf8)
		CHECK(utf8_ok(out, len), "invalid UTF-8 in the CSV of valid UTF-8 rows");
	struct csv c;
	CHECK(csv_parse(out + 3, len - 3, &c) == 0, "the CSV is not RFC 4180");
	CHECK(c.n == n + 1, "%zu records for %zu rows", c.n, n);
	for (size_t j = 0; j < c.n; j++)
		CHECK(c.ncells[j] == NCOLS, "record %zu has %zu cells", j, c.ncells[j]);
	for (size_t k = 0; k < NCOLS; k++)
		check_cell(c.rows[0][k], heads[k], 0, k);
	for (size_t i = 0; i < n; i++) {
		char cells[NCOLS][64];
		const char *want[NCOLS];
		expect_cells(&rows[i], cells, want);
		for (size_t k = 0; k < NCOLS; k++) {
			/* the numbers (bulletin id, length, lateness) are written bare: a minus stays */
			if (k == 4 || k == 8 || k == 11)
				CHECK(strcmp(c.rows[i + 1][k], want[k]) == 0, "row %zu number %zu: \"%s\" read back as \"%s\"",
				      i + 1, k, want[k], c.rows[i + 1][k]);
			else
				check_cell(c.rows[i + 1][k], want[k], i + 1, k);
		}
	}
	csv_free(&c);
	free(out);
}

/* Every field of the input through report_csv_cell(), NFIELDS to a record. */
static void
check_csv_cells(char **f, size_t nf, int all_utf8)
{
	char *buf = NULL;
	size_t len;
	FILE *o = open_memstream(&buf, &len);
	CHECK(o, "open_memstream");
	for (size_t i = 0; i < nf; i++)
		report_csv_cell(o, f[i], i + 1 == nf || i % NFIELDS == NFIELDS - 1);
	CHECK(fclose(o) == 0, "fclose");
	if (all_utf8)
		CHECK(utf8_ok(buf, len), "invalid UTF-8 from valid UTF-8 cells");
	struct csv c;
	CHECK(csv_parse(buf, len, &c) == 0, "report_csv_cell() output is not RFC 4180");
	CHECK(c.n == (nf + NFIELDS - 1) / NFIELDS, "%zu records for %zu cells", c.n, nf);
	size_t k = 0;
	for (size_t r = 0; r < c.n; r++)
		for (size_t j = 0; j < c.ncells[r]; j++, k++) {
			CHECK(k < nf, "more cells than written");
			check_cell(c.rows[r][j], f[k], r, j);
		}
	CHECK(k == nf, "%zu cells read back of %zu", k, nf);
	csv_free(&c);
	free(buf);
}

/* A string field of a JSON row: null, the same string, or absent (invalid UTF-8). */
static void
check_json_str(json_t *o, const char *key, const char *want, size_t row)
{
	json_t *v = json_object_get(o, key);
	if (!want) {
		CHECK(v && json_is_null(v), "row %zu: %s should be null", row, key);
	} else if (utf8_ok(want, strlen(want))) {
		CHECK(v && json_is_string(v) && strcmp(json_string_value(v), want) == 0,
		      "row %zu: %s is not \"%s\"", row, key, want);
	} else {
		CHECK(!v, "row %zu: %s holds invalid UTF-8 and yet is there", row, key);
	}
}

static void
check_json_int(json_t *o, const char *key, int present, long long want, size_t row)
{
	json_t *v = json_object_get(o, key);
	CHECK(v, "row %zu: no %s", row, key);
	if (present)
		CHECK(json_is_integer(v) && json_integer_value(v) == want, "row %zu: %s is not %lld",
		      row, key, want);
	else
		CHECK(json_is_null(v), "row %zu: %s should be null", row, key);
}

static void
check_json_time(json_t *o, const char *key, int64_t ms, size_t row)
{
	json_t *v = json_object_get(o, key);
	if (!ms) {
		CHECK(v && json_is_null(v), "row %zu: %s should be null", row, key);
		return;
	}
	struct tm tm;
	local_tm(ms, &tm);
	if (tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999)
		return; /* outside four-digit years: not checked */
	char want[64], base[32];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	long off = tm.tm_gmtoff / 60;
	snprintf(want, sizeof want, "%s.%03d%c%02ld:%02ld", base, (int)(((ms % 1000) + 1000) % 1000),
		 off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	CHECK(v && json_is_string(v) && strcmp(json_string_value(v), want) == 0,
	      "row %zu: %s is %s, not %s", row, key, v && json_is_string(v) ? json_string_value(v) : "?",
	      want);
}

static void
check_json_log(const struct row *rows, size_t n)
{
	size_t len;
	char *out = run_log(REPORT_JSON, rows, n, &len);
	json_error_t e;
	json_t *a = json_loadb(out, len, 0, &e);
	CHECK(a, "the JSON log does not parse: %s (line %d)", e.text, e.line);
	CHECK(json_is_array(a) && json_array_size(a) == n, "JSON: not an array of %zu", n);
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		const struct store_log_row *r = &w->r;
		json_t *o = json_array_get(a, i);
		CHECK(json_is_object(o), "row %zu not an object", i);
		check_json_int(o, "airing_id", 1, r->a.id, i);
		check_json_str(o, "slot", w->slot, i);
		check_json_str(o, "program", w->program, i);
		check_json_str(o, "status", w->status, i);
		check_json_str(o, "reason", w->reason, i);
		check_json_str(o, "kind", w->kind, i);
		check_json_str(o, "title", w->title, i);
		check_json_str(o, "topic", w->topic, i);
		check_json_str(o, "class", w->klass, i);
		check_json_str(o, "clip", w->clip, i);
		check_json_time(o, "scheduled_at", r->a.scheduled_at, i);
		check_json_time(o, "started_at", r->a.started_at, i);
		check_json_int(o, "lateness_ms", r->a.started_at != 0, r->a.lateness_ms, i);
		int bulletin = w->kind && r->it.bulletin_id;
		check_json_int(o, "bulletin_id", bulletin, r->it.bulletin_id, i);
		check_json_int(o, "bulletin_version", bulletin, r->it.bulletin_version, i);
		json_t *l = json_object_get(o, "length_s");
		CHECK(l, "row %zu: no length_s", i);
		if (w->kind)
			CHECK(json_is_number(l) && fabs(json_number_value(l) - r->it.length_s) <=
							   1e-9 * (1 + r->it.length_s),
			      "row %zu: length_s", i);
		else
			CHECK(json_is_null(l), "row %zu: length_s should be null", i);
		json_t *c = json_object_get(o, "completed");
		CHECK(c && (w->kind ? json_is_boolean(c) && json_boolean_value(c) == r->it.completed
				    : json_is_null(c)),
		      "row %zu: completed", i);
	}
	json_decref(a);
	free(out);
}

static size_t
newlines(const char *s)
{
	size_t k = 0;
	for (; s && *s; s++)
		k += *s == '\n';
	return k;
}

static void
check_text_log(const struct row *rows, size_t n, int all_utf8)
{
	size_t len;
	char *out = run_log(REPORT_TEXT, rows, n, &len);
	size_t want = 1 + (n == 0);
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		want += 1 + newlines(w->slot) + newlines(w->program) + newlines(w->status) +
			newlines(w->topic) + newlines(w->klass) +
			newlines(w->title ? w->title : w->clip) + (!w->kind ? newlines(w->reason) : 0);
	}
	size_t got = 0;
	for (size_t i = 0; i < len; i++)
		got += out[i] == '\n';
	CHECK(got == want, "text log: %zu lines, want %zu", got, want);
	CHECK(len && out[len - 1] == '\n', "text log does not end a line");
	if (all_utf8)
		CHECK(utf8_ok(out, len), "invalid UTF-8 in the text log of valid UTF-8 rows");
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		setenv("TZ", "Asia/Ho_Chi_Minh", 1);
		tzset();
		init = 1;
	}
	/* fields: the input split at NUL bytes */
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = 0;
	size_t nf = 0, cap = 16;
	char **f = malloc(cap * sizeof *f);
	for (char *p = copy;; p += strlen(p) + 1) {
		if (nf == cap)
			f = realloc(f, (cap *= 2) * sizeof *f);
		f[nf++] = p;
		if (p + strlen(p) >= copy + size)
			break;
	}
	int all_utf8 = 1;
	for (size_t i = 0; i < nf; i++)
		all_utf8 &= utf8_ok(f[i], strlen(f[i]));
	check_csv_cells(f, nf, all_utf8);

	struct row rows[MAX_ROWS];
	size_t n = 0;
	int rows_utf8 = 1;
	for (size_t i = 0; i < nf && n < MAX_ROWS; i += NFIELDS, n++) {
		make_row(&rows[n], f + i, nf - i, (long long)n + 1);
		rows_utf8 &= row_utf8(&rows[n]);
	}
	if (size == 0)
		n = 0; /* and once with no rows at all */
	check_csv_log(rows, n, rows_utf8);
	check_json_log(rows, n);
	check_text_log(rows, n, rows_utf8);
	free(f);
	free(copy);
	return 0;
}
