/*
 * The airing log exported one row per aired item (and one per airing that
 * aired nothing: missed, or failed before sound), in local time, streamed
 * as store_log() walks it: memory stays flat however many rows there are.
 *
 * CSV and XLSX have the same columns.  CSV is for machines: field names
 * for heads, ISO dates, the raw status and class codes, topic ids, the
 * same bytes under every locale.  XLSX is for people: heads and words in
 * the reader's language, real dates and times shown as the reader writes
 * them (dd/mm/yyyy under vi_VN), topic names, a hand-aired bulletin's
 * programme as "bản tin #7".  JSON keeps the field names of the daemon
 * issue's first form (`loaxa log --format json`), times in ISO 8601 with
 * the local offset and milliseconds.  Every format names the voice and the
 * region (north, central, south: codes in every format) speech was read with.
 */
#include "reports/reports.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "base/base.h"
#include "config/config.h"
#include "store/store.h"

/* The words of status, class and kind columns, as a person reads them. */
static const char *const words[] = {
	N_("started"), N_("completed"), N_("interrupted"), N_("failed"), N_("missed"),
	N_("normal"), N_("priority"), N_("emergency"), N_("bulletin"), N_("clip"), N_("tts"),
	N_("silence"), N_("stream"), N_("relay"), N_("north"), N_("central"), N_("south"),
};

struct report_log {
	enum report_format fmt;
	FILE *f;
	long rows;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *date, *time, *len;
	char *path;
	int widths[11]; /* text: the default widths, widened to the translated heads */
	int64_t day_ms;  /* the airing whose date and time are in day, hms */
	char day[16], hms[16];
	const char *tr[ARRAY_LEN(words)]; /* words, translated once */
	const struct config *cfg;         /* topic names (XLSX), or NULL */
};

/* The columns: the field name machines read (CSV), the head people read (XLSX). */
static const struct {
	const char *field, *head;
} heads[] = {
	{ "date", N_("Date") }, { "time", N_("Time") }, { "slot", N_("Slot") },
	{ "program", N_("Programme") }, { "bulletin_id", N_("Bulletin") }, { "title", N_("Title") },
	{ "topic", N_("Topic") }, { "class", N_("Class") }, { "length_s", N_("Length (s)") },
	{ "status", N_("Outcome") }, { "reason", N_("Reason") }, { "lateness_ms", N_("Lateness (ms)") },
	{ "approved_by", N_("Approved by") }, { "asked_by", N_("Queued or asked by") },
	{ "voice", N_("Voice") }, { "region", N_("Region") },
};

/* Text columns: widths in terminal columns; 0: the rest of the line. */
static const char *const text_heads[] = { N_("DATE"), N_("TIME"), N_("SLOT"), N_("PROGRAMME"),
					  N_("OUTCOME"), N_("LATE"), N_("BULLETIN"), N_("TOPIC"),
					  N_("CLASS"), N_("SECONDS"), N_("TITLE") };
static const int text_widths[] = { 10, 8, 8, 10, 11, 9, 8, 14, 9, 7, 0 };


/* gettext() per cell costs a tenth of a million-row export: look up once. */
static const char *
word(const struct report_log *w, const char *s)
{
	if (!s)
		return "";
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strcmp(s, words[i]) == 0)
			return w->tr[i];
	return s;
}

/* Date and time of the airing, formatted once for all its items. */
static void
when(struct report_log *w, int64_t ms)
{
	if (ms == w->day_ms && w->day[0])
		return;
	w->day_ms = ms;
	time_format(ms, "%Y-%m-%d", w->day, sizeof w->day);
	time_format(ms, "%H:%M:%S", w->hms, sizeof w->hms);
}

struct report_log *
report_log_new(enum report_format fmt, FILE *f, const char *xlsx_path, const char *title,
	       char *err)
{
	if (fmt == REPORT_DOCX) {
		/* a document is written of a report, not of the log */
		err_set(err, _("The airing log is written as text, CSV, JSON or XLSX."));
		return NULL;
	}
	struct report_log *w = xcalloc(1, sizeof *w);
	w->fmt = fmt;
	w->f = f;
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		w->tr[i] = _(words[i]);
	switch (fmt) {
	case REPORT_DOCX: /* refused above */
		break;
	case REPORT_XLSX: {
		lxw_workbook_options wo = { .constant_memory = LXW_TRUE };
		w->wb = workbook_new_opt(xlsx_path, &wo);
		if (!w->wb) {
			err_set(err, _("Cannot write %s."), xlsx_path);
			free(w);
			return NULL;
		}
		w->path = xstrdup(xlsx_path);
		w->ws = workbook_add_worksheet(w->wb, _("Airing log"));
		w->date = workbook_add_format(w->wb);
		format_set_num_format(w->date, _("yyyy-mm-dd"));
		format_set_align(w->date, LXW_ALIGN_LEFT);
		w->time = workbook_add_format(w->wb);
		format_set_num_format(w->time, "hh:mm:ss");
		format_set_align(w->time, LXW_ALIGN_LEFT);
		w->len = workbook_add_format(w->wb);
		format_set_num_format(w->len, "0.0");
		lxw_format *bold = workbook_add_format(w->wb);
		format_set_bold(bold);
		static const double widths[] = { 11, 9, 10, 12, 9, 44, 16, 10, 10, 12, 28, 13, 14, 14,
						 16, 9 };
		for (size_t i = 0; i < ARRAY_LEN(widths); i++)
			worksheet_set_column(w->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
		worksheet_write_string(w->ws, 0, 0, title, bold);
		for (size_t i = 0; i < ARRAY_LEN(heads); i++)
			worksheet_write_string(w->ws, 2, (lxw_col_t)i, _(heads[i].head), bold);
		break;
	}
	case REPORT_CSV:
		fputs("\xef\xbb\xbf", f);
		for (size_t i = 0; i < ARRAY_LEN(heads); i++)
			report_csv_cell(f, heads[i].field, i + 1 == ARRAY_LEN(heads));
		break;
	case REPORT_JSON:
		fputc('[', f);
		break;
	case REPORT_TEXT:
		for (size_t i = 0; i < ARRAY_LEN(text_heads); i++) {
			int hw = report_width(_(text_heads[i]));
			w->widths[i] = text_widths[i] > hw || !text_widths[i] ? text_widths[i] : hw;
			fputs(i ? " " : "", f);
			/* numbers right-aligned under their heads */
			int right = i == 5 || i == 9;
			report_pad(f, _(text_heads[i]), w->widths[i], !right);
		}
		fputc('\n', f);
		break;
	}
	return w;
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
time_or_null(int64_t ms)
{
	if (!ms)
		return json_null();
	char iso[40];
	time_iso8601(ms, iso);
	return json_string(iso);
}

static void
json_row(struct report_log *w, const struct store_log_row *r)
{
	const char *kind = r->it.kind;
	int bulletin = kind && r->it.bulletin_id;
	json_t *o = json_object();
	json_object_set_new(o, "airing_id", json_integer(r->a.id));
	json_object_set_new(o, "slot", str_or_null(r->a.slot));
	json_object_set_new(o, "program", str_or_null(r->a.program));
	json_object_set_new(o, "scheduled_at", time_or_null(r->a.scheduled_at));
	json_object_set_new(o, "started_at", time_or_null(r->a.started_at));
	json_object_set_new(o, "ended_at", time_or_null(r->a.ended_at));
	json_object_set_new(o, "status", str_or_null(r->a.status));
	json_object_set_new(o, "reason", str_or_null(r->a.reason));
	json_object_set_new(o, "lateness_ms",
			    r->a.started_at ? json_integer(r->a.lateness_ms) : json_null());
	json_object_set_new(o, "kind", str_or_null(kind));
	json_object_set_new(o, "bulletin_id", bulletin ? json_integer(r->it.bulletin_id) : json_null());
	json_object_set_new(o, "bulletin_version",
			    bulletin ? json_integer(r->it.bulletin_version) : json_null());
	json_object_set_new(o, "title", str_or_null(r->title));
	json_object_set_new(o, "topic", str_or_null(r->topic));
	json_object_set_new(o, "class", str_or_null(r->klass));
	json_object_set_new(o, "clip", str_or_null(r->clip_name));
	json_object_set_new(o, "offset_s", kind ? json_real(r->it.offset_s) : json_null());
	json_object_set_new(o, "length_s", kind ? json_real(r->it.length_s) : json_null());
	json_object_set_new(o, "completed", kind ? json_boolean(r->it.completed) : json_null());
	json_object_set_new(o, "audio_sha256", str_or_null(r->a.audio_sha256));
	json_object_set_new(o, "normalizer_version",
			    r->a.normalizer_version ? json_integer(r->a.normalizer_version)
						    : json_null());
	json_object_set_new(o, "approved_by", str_or_null(r->approved_by));
	json_object_set_new(o, "asked_by", str_or_null(r->asked_by));
	json_object_set_new(o, "zones", str_or_null(r->zones));
	json_object_set_new(o, "voice", str_or_null(r->it.voice[0] ? r->it.voice : NULL));
	json_object_set_new(o, "region", str_or_null(r->it.region[0] ? r->it.region : NULL));
	json_object_set_new(o, "source", str_or_null(r->it.source[0] ? r->it.source : NULL));
	json_object_set_new(o, "item_reason", str_or_null(r->it.reason[0] ? r->it.reason : NULL));
	json_object_set_new(o, "recording", str_or_null(r->it.recording[0] ? r->it.recording : NULL));
	fputs(w->rows ? ",\n  " : "\n  ", w->f);
	json_dumpf(o, w->f, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
}

/* The title column: the bulletin's title as aired, a relay's address, else the clip's name. */
static const char *
title_of(const struct store_log_row *r)
{
	return r->title		  ? r->title
	       : r->it.source[0] ? r->it.source
	       : r->clip_name	  ? r->clip_name
				  : "";
}

/* The reason column: an item's own (a relay that failed), else the airing's. */
static const char *
reason_of(const struct store_log_row *r)
{
	return r->it.reason[0] ? r->it.reason : r->a.reason;
}

void
report_log_set_config(struct report_log *w, const struct config *cfg)
{
	w->cfg = cfg;
}

/* A topic as people read it: its name in the configuration, else its id. */
static const char *
topic_name(const struct report_log *w, const char *topic)
{
	const struct config_topic *t = w->cfg && topic ? config_topic_find(w->cfg, topic) : NULL;
	return t ? t->name : topic ? topic : "";
}

static void
xlsx_row(struct report_log *w, const struct store_log_row *r)
{
	char prog[64];
	lxw_row_t row = (lxw_row_t)(w->rows + 3);
	time_t t = (time_t)(r->a.scheduled_at / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	lxw_datetime d = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, 0, 0, 0 };
	lxw_datetime hm = { 0, 0, 0, tm.tm_hour, tm.tm_min, tm.tm_sec };
	worksheet_write_datetime(w->ws, row, 0, &d, w->date);
	worksheet_write_datetime(w->ws, row, 1, &hm, w->time);
	worksheet_write_string(w->ws, row, 2, r->a.slot ? r->a.slot : "", NULL);
	worksheet_write_string(w->ws, row, 3, report_program_label(r->a.program, prog, sizeof prog), NULL);
	if (r->it.kind && r->it.bulletin_id)
		worksheet_write_number(w->ws, row, 4, (double)r->it.bulletin_id, NULL);
	worksheet_write_string(w->ws, row, 5, title_of(r), NULL);
	worksheet_write_string(w->ws, row, 6, topic_name(w, r->topic), NULL);
	worksheet_write_string(w->ws, row, 7, word(w, r->klass), NULL);
	if (r->it.kind)
		worksheet_write_number(w->ws, row, 8, r->it.length_s, w->len);
	worksheet_write_string(w->ws, row, 9, word(w, r->a.status), NULL);
	worksheet_write_string(w->ws, row, 10, report_reason(reason_of(r)), NULL);
	if (r->a.started_at)
		worksheet_write_number(w->ws, row, 11, (double)r->a.lateness_ms, NULL);
	worksheet_write_string(w->ws, row, 12, r->approved_by ? r->approved_by : "", NULL);
	worksheet_write_string(w->ws, row, 13, r->asked_by ? r->asked_by : "", NULL);
	worksheet_write_string(w->ws, row, 14, r->it.voice, NULL);
	worksheet_write_string(w->ws, row, 15, r->it.region[0] ? word(w, r->it.region) : "", NULL);
}

/* Decimal digits of v into buf (at least 24 bytes); returns the end. */
static char *
num_text(int64_t v, char *buf)
{
	char tmp[24];
	int n = 0, neg = v < 0;
	uint64_t u = neg ? -(uint64_t)v : (uint64_t)v;
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	char *p = buf;
	if (neg)
		*p++ = '-';
	while (n)
		*p++ = tmp[--n];
	*p = 0;
	return p;
}

static void
csv_row(struct report_log *w, const struct store_log_row *r)
{
	char num[64];
	const char *kind = r->it.kind;
	when(w, r->a.scheduled_at);
	report_csv_cell(w->f, w->day, 0);
	report_csv_cell(w->f, w->hms, 0);
	report_csv_cell(w->f, r->a.slot, 0);
	report_csv_cell(w->f, r->a.program, 0);
	num_text(r->it.bulletin_id, num);
	report_csv_number(w->f, kind && r->it.bulletin_id ? num : "", 0);
	report_csv_cell(w->f, title_of(r), 0);
	report_csv_cell(w->f, r->topic, 0);
	report_csv_cell(w->f, r->klass, 0); /* the codes, not the words: the same under every locale */
	/* a point, whatever the locale: a CSV cell is data, and a comma would split it */
	long long tenths = llround(r->it.length_s * 10);
	char *e = num_text(tenths / 10, num);
	e[0] = '.', e[1] = (char)('0' + tenths % 10), e[2] = 0;
	report_csv_number(w->f, kind ? num : "", 0);
	report_csv_cell(w->f, r->a.status, 0);
	report_csv_cell(w->f, reason_of(r), 0);
	num_text(r->a.lateness_ms, num);
	report_csv_number(w->f, r->a.started_at ? num : "", 0);
	report_csv_cell(w->f, r->approved_by, 0);
	report_csv_cell(w->f, r->asked_by, 0);
	report_csv_cell(w->f, r->it.voice, 0);
	report_csv_cell(w->f, r->it.region, 1);
}

static void
text_row(struct report_log *w, const struct store_log_row *r)
{
	const char *kind = r->it.kind;
	char date[32], tm[16], late[24] = "", item[32] = "-", secs[32] = "", prog[64];
	report_date(r->a.scheduled_at, date, sizeof date);
	time_format(r->a.scheduled_at, "%H:%M:%S", tm, sizeof tm);
	if (r->a.started_at)
		snprintf(late, sizeof late, "%+lld ms", (long long)r->a.lateness_ms);
	if (kind && r->it.bulletin_id)
		snprintf(item, sizeof item, "#%lld", (long long)r->it.bulletin_id);
	else if (kind)
		snprintf(item, sizeof item, "%s", _(kind));
	if (kind)
		i18n_decimal(r->it.length_s, 1, secs); /* for people: their decimal separator */
	const char *cells[] = { date, tm, r->a.slot ? r->a.slot : _("manual"),
				report_program_label(r->a.program, prog, sizeof prog), word(w, r->a.status), late, item,
				r->topic ? r->topic : "", word(w, r->klass), secs };
	for (size_t i = 0; i < ARRAY_LEN(cells); i++) {
		fputs(i ? " " : "", w->f);
		report_pad(w->f, cells[i], w->widths[i], !(i == 5 || i == 9));
	}
	fprintf(w->f, " %s", title_of(r));
	if (kind && !r->it.completed)
		fputs(_(" (cut)"), w->f);
	/* a live announcement: where what aired is recorded */
	if (kind && r->it.recording[0])
		fprintf(w->f, _(" (recorded in %s)"), r->it.recording);
	if (!kind && r->a.reason)
		fprintf(w->f, "%s", report_reason(r->a.reason));
	/* a relay's own reason (why the stream failed) on its row */
	else if (kind && r->it.reason[0])
		fprintf(w->f, " \u2014 %s", report_reason(r->it.reason));
	/* why an airing was cut, or that it waited: on its first item and on the cut one */
	else if (r->a.reason && *r->a.reason && (!r->it.completed || r->it.seq == 0))
		fprintf(w->f, " \u2014 %s", report_reason(r->a.reason));
	fputc('\n', w->f);
}

int
report_log_row(struct report_log *w, const struct store_log_row *r)
{
	switch (w->fmt) {
	case REPORT_DOCX:
		break;
	case REPORT_XLSX:
		xlsx_row(w, r);
		break;
	case REPORT_CSV:
		csv_row(w, r);
		break;
	case REPORT_JSON:
		json_row(w, r);
		break;
	case REPORT_TEXT:
		text_row(w, r);
		break;
	}
	w->rows++;
	return w->f && ferror(w->f) ? -1 : 0;
}

long
report_log_count(const struct report_log *w)
{
	return w->rows;
}

int
report_log_finish(struct report_log *w, char *err)
{
	int rc = 0;
	if (w->fmt == REPORT_XLSX) {
		lxw_error e = workbook_close(w->wb);
		if (e != LXW_NO_ERROR) {
			err_set(err, _("Cannot write %s: %s."), w->path, lxw_strerror(e));
			rc = -1;
		}
	} else if (w->fmt == REPORT_JSON) {
		fputs(w->rows ? "\n]\n" : "]\n", w->f);
	} else if (w->fmt == REPORT_TEXT && !w->rows) {
		fprintf(w->f, _("(nothing in the log for this period)\n"));
	}
	if (rc == 0 && w->f && ferror(w->f)) {
		err_set(err, _("Cannot write the log."));
		rc = -1;
	}
	free(w->path);
	free(w);
	return rc;
}
