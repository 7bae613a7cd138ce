/*
 * reports — what officers hand in: per month of a period, the distinct
 * bulletins aired, how many times bulletins aired, the airtime, per topic
 * and for administrative reform (CCHC) as a whole against the monthly
 * target; the slots missed or failed; the totals as plans count them
 * (Q1 = January–March, 6 months = January–June, ...).  Written as text,
 * CSV (for spreadsheets; formulas neutralised), JSON and XLSX.
 *
 * Counting: a bulletin counts in the local month of a completed airing
 * that contained it; in an interrupted airing only the items that finished
 * before the cut count; retired bulletins still count for the months they
 * aired.
 */
#ifndef LOAXA_REPORTS_H
#define LOAXA_REPORTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;
struct store;

struct report_topic {
	char *topic;
	int bulletins;      /* distinct */
	int airings;        /* bulletin airings */
	double airtime_s;
};

struct report_counts {
	int bulletins, cchc_bulletins, airings;
	double airtime_s;
	int target, met;
	struct report_topic *by_topic;
	size_t n_topics;
};

struct report_month {
	int year, month;
	struct report_counts c;
};

struct report_missed {
	char *slot, *program, *status, *reason;
	int64_t scheduled_at;
};

struct report {
	int64_t from, until;   /* local midnight of the first day, of the day after */
	char label[48];        /* "2025-03", "2025-Q1", "6m 2025", "2025" */
	struct report_month *months;
	size_t n_months;
	struct report_counts totals;
	struct report_missed *missed;
	size_t n_missed;
	char *station;
};

/*
 * Parses the period options into months y0-m0 .. y1-m1 and a label.  Exactly
 * one of month ("YYYY-MM"), quarter ("YYYY-Qn"), period ("q1|6m|9m|12m",
 * with year) or year may be given; none: the current month.  -1 with err.
 */
int report_period(const char *month, const char *quarter, const char *period, const char *year,
		  int *y0, int *m0, int *y1, int *m1, char *label, size_t labellen, char *err);

/* Counts months y0-m0 .. y1-m1 (local time); topic filters when not NULL. */
struct report *report_build(struct store *st, const struct config *cfg, int y0, int m0, int y1,
			    int m1, const char *label, const char *topic, char *err);
void report_free(struct report *r);

int report_write_text(const struct report *r, FILE *f);
int report_write_csv(const struct report *r, FILE *f);
int report_write_json(const struct report *r, FILE *f);
/* XLSX goes to a path (libxlsxwriter writes the file itself). */
int report_write_xlsx(const struct report *r, const char *path, char *err);

/* An RFC 4180 cell; a leading = + - @ tab or CR is neutralised with a quote. */
void report_csv_cell(FILE *f, const char *s, int last);

#endif
