/*
 * reports — what officers hand in: per month of a period, the distinct
 * bulletins aired, how many times bulletins aired, the airtime, per topic
 * and for administrative reform (CCHC) as a whole against the monthly
 * target; the slots missed or failed; the totals as plans count them
 * (Q1 = January–March, 6 months = January–June, ...); and the list of the
 * bulletins aired, with their days, that an officer pastes into a report.
 * And the airing log exported one row per aired item.
 *
 * Two kinds of output.  For people, in the reader's language: text, XLSX
 * (real dates and times, shown dd/mm/yyyy under vi_VN, Vietnamese sheet
 * names) and the DOCX report (always Vietnamese, Nghị định 30/2020): periods
 * and months in words ("Quý IV/2026"), topic names, programme and outcome
 * words.  For machines, the same under every locale: CSV (BOM, CRLF,
 * formulas neutralised) and JSON, with stable field names, ISO dates,
 * topic ids and the raw status codes.
 *
 * Counting (man/loaxa.1, "How bulletins are counted"; the SQL is
 * store_report_days(), the rule of store_report_counts()): a bulletin
 * counts in the local month of the scheduled time of a completed
 * airing that contained it; in an interrupted airing only the items that
 * finished before the cut count; retired bulletins still count for the
 * months they aired.
 *
 * Months are cut in the process time zone (config_apply_timezone()).
 */
#ifndef LOAXA_REPORTS_H
#define LOAXA_REPORTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;
struct store;
struct store_log_row;

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON, REPORT_XLSX, REPORT_DOCX };

/* "text", "csv", "json", "xlsx", "docx" -> enum report_format, else -1. */
int report_format_parse(const char *s);

struct report_topic {
	char *topic;     /* id */
	const char *name; /* from the configuration, or the id; not owned */
	int cchc;
	int bulletins;   /* distinct */
	int airings;     /* bulletin airings that count */
	double airtime_s;
};

/*
 * Where a month stands against the target: met or not once it is over;
 * in progress while it runs; not started before the station's first
 * airing; future when it has not begun.
 */
enum report_state { REPORT_MET, REPORT_NOT_MET, REPORT_IN_PROGRESS, REPORT_NOT_STARTED,
		    REPORT_FUTURE };
/* The plans' words, Vietnamese whatever the locale: "đạt", "chưa đạt", "đang thực hiện", ... */
const char *report_state_word(enum report_state s);
/* As CSV and JSON carry it: "met", "not_met", "in_progress", "not_started", "future". */
const char *report_state_code(enum report_state s);

struct report_counts {
	int bulletins, cchc_bulletins, airings;
	double airtime_s;
	int target, met;               /* met: state == REPORT_MET */
	/*
	 * seconds on air of relays of the upper station (stream and line-in)
	 * and of live announcements (store_report_relay()); 0 in a report
	 * for one topic (a relay has none)
	 */
	double relay_s, live_s;
	enum report_state state;
	struct report_topic *by_topic; /* in the configuration's topic order */
	size_t n_topics;
};

struct report_month {
	int year, month;
	struct report_counts c;
};

struct report_missed {
	char *slot, *program, *status, *reason; /* slot, program, reason may be NULL */
	int64_t scheduled_at;
};

/* A bulletin that counts in the period, for the list pasted into a report. */
struct report_bulletin {
	int64_t id;
	char *title, *topic;    /* of the latest version aired */
	const char *topic_name; /* from the configuration, or the id; not owned */
	int airings;
	double airtime_s;
	char (*days)[11];       /* local days it aired, "YYYY-MM-DD", ascending */
	size_t n_days;
	int version;            /* the latest version aired, whose title this is */
	int64_t last_day;       /* (while the report is built) */
};

struct report {
	int64_t from, until;   /* local midnight of the first day, of the day after the last */
	char label[48];        /* for machines: "2025-03", "2025-Q1", "6m 2025", "2025" */
	int y0, m0, y1, m1;    /* the months, for the label in words */
	int64_t now;           /* when it was made: months after it are not over */
	int64_t first_airing;  /* the station's first airing, 0 = none yet */
	struct report_month *months;
	size_t n_months;
	/*
	 * distinct over the period; target = the monthly target times the
	 * months since the station's first airing
	 */
	struct report_counts totals;
	struct report_missed *missed;
	size_t n_missed;
	struct report_bulletin *bulletins; /* by first day aired, then id */
	size_t n_bulletins;
	const struct config *cfg; /* borrowed: the station's name and the signer (DOCX) */
	char *station;
	char *zone; /* report_build_zone(): the zone it counts, or NULL */
};

/*
 * Parses the period options into months y0-m0 .. y1-m1 and a label.  At most
 * one of month ("YYYY-MM"), quarter ("YYYY-Qn"), period ("q1|6m|9m|12m",
 * with year) or year may be given; none: the current month.  -1 with err.
 */
int report_period(const char *month, const char *quarter, const char *period, const char *year,
		  int *y0, int *m0, int *y1, int *m1, char *label, size_t labellen, char *err);

/*
 * Counts months y0-m0 .. y1-m1 (local time) as they stand at now (ms);
 * topic filters the counts and the bulletins when not NULL (the missed
 * slots are listed whatever the topic).  NULL with err.  Caller frees with
 * report_free(); the report borrows cfg.
 */
struct report *report_build(struct store *st, const struct config *cfg, int y0, int m0, int y1,
			    int m1, const char *label, const char *topic, int64_t now, char *err);
/*
 * The same for one zone (cụm loa): only the airings that went to it count
 * (the airing log's zones); the target is the station's.  zone NULL: as
 * report_build().
 */
struct report *report_build_zone(struct store *st, const struct config *cfg, int y0, int m0,
				 int y1, int m1, const char *label, const char *topic,
				 const char *zone, int64_t now, char *err);

/*
 * The period or a month in words, in the reader's language: "November
 * 2026" / "Tháng 11/2026", "Q4 2026" / "Quý IV/2026", "first 6 months of
 * 2026" / "6 tháng đầu năm 2026", "year 2026" / "năm 2026".
 */
void report_period_label(int y0, int m0, int y1, int m1, char *buf, size_t n);
void report_month_label(int y, int m, char *buf, size_t n);
/* A local date as people write it in the reader's language: 27/11/2026 under vi_VN. */
void report_date(int64_t ms, char *buf, size_t n);
/*
 * A programme as people read it: a bulletin aired by hand (programme
 * "bulletin-7") reads "bulletin #7" in the reader's language.  Returns buf
 * or program.
 */
const char *report_program_label(const char *program, char *buf, size_t n);
/* A reason the daemon logged, in the reader's language when the catalogue has it. */
const char *report_reason(const char *reason);
void report_free(struct report *r);
/* Nothing counted and nothing missed. */
int report_empty(const struct report *r);

int report_write_text(const struct report *r, FILE *f);
int report_write_csv(const struct report *r, FILE *f);
int report_write_json(const struct report *r, FILE *f);
/* XLSX goes to a path (libxlsxwriter writes the file itself).  0 or -1 with err. */
int report_write_xlsx(const struct report *r, const char *path, char *err);
/*
 * The report as a document to file (Nghị định 30/2020/NĐ-CP), in
 * Vietnamese whatever the locale, from the template parts in
 * template_dir (data/docx), zipped with libzip to path; the issuer and
 * signer come from the configuration's station section.  0 or -1 with err.
 */
int report_write_docx(const struct report *r, const char *template_dir, const char *path, char *err);

/* The days a bulletin aired as people write them, runs as ranges: "03/03/2025, 05/03/2025–07/03/2025".  Caller frees. */
char *report_days_text(const struct report_bulletin *b);
/* An airing's status ("missed") in the reader's words. */
const char *report_status_word(const char *status);

/*
 * The airing log, streamed one row at a time (memory stays flat: XLSX in
 * libxlsxwriter's constant-memory mode).  Text, CSV and JSON go to f;
 * XLSX to xlsx_path.  title names the station and the period (XLSX title
 * row).  report_log_finish() writes the ending, frees w, and returns 0 or
 * -1 with err.
 */
struct report_log;
struct report_log *report_log_new(enum report_format fmt, FILE *f, const char *xlsx_path,
				  const char *title, char *err);
/* Topics named by cfg in the XLSX (else by their ids); cfg is borrowed. */
void report_log_set_config(struct report_log *w, const struct config *cfg);
int report_log_row(struct report_log *w, const struct store_log_row *r);
long report_log_count(const struct report_log *w);
int report_log_finish(struct report_log *w, char *err);

/* An RFC 4180 cell; a leading = + - @ tab or CR is neutralised with a quote. */
void report_csv_cell(FILE *f, const char *s, int last);
/*
 * A number cell: num as written (-12, 3.25, 1e-05), never a formula, so a
 * minus stays a minus; anything that is not such a number is written by
 * report_csv_cell().
 */
void report_csv_number(FILE *f, const char *num, int last);

/* Terminal columns of UTF-8 s: combining marks (U+0300..U+036F) take none. */
int report_width(const char *s);
/*
 * Writes s padded with spaces to `width` terminal columns (combining marks
 * take none), on the left (left = 1) or the right; longer s is written whole.
 */
void report_pad(FILE *f, const char *s, int width, int left);

#endif
