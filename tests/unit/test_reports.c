/*
 * Unit tests for reports/: the counting rules (completed airings count;
 * interrupted ones only for what finished before the cut; missed and failed
 * are listed, not counted; retired bulletins still count; months cut in
 * local time), the CCHC target, periods, and the CSV writer's neutralising
 * of formulas; the report against an independent count of random airings;
 * the log writers (issue 4's JSON fields, CSV, aligned text).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/base.h"
#include "config/config.h"
#include "reports/reports.h"
#include "store/store.h"

/* the reports below are made as they stand on 1 December 2026: every 2025 month is over */
#define NOW at("2026-12-01 00:00")

static char dir[64];
static struct store *st;
static struct config *cfg;

static int64_t
at(const char *local)
{
	int64_t ms;
	char err[ERRLEN];
	if (time_parse_local(local, &ms, err) < 0)
		fail_msg("%s", err);
	return ms;
}

static int64_t
bulletin(const char *topic)
{
	char err[ERRLEN];
	struct store_bulletin b = { .title = (char *)"Tin", .topic = (char *)topic,
				    .klass = (char *)"normal", .state = (char *)"approved",
				    .text = (char *)"Nội dung.", .airings_wanted = 5 };
	assert_int_equal(store_bulletin_add(st, &b, err), 0);
	return b.id;
}

/* An airing at `when` with status, its bulletins each 60 s long; cut after cut_s if > 0. */
static void
airing(const char *slot, const char *when, const char *status, const int64_t *ids, int n, double cut_s)
{
	char err[ERRLEN];
	struct store_airing a = { .slot = (char *)slot, .program = (char *)"p", .scheduled_at = at(when),
				  .started_at = at(when), .status = (char *)status };
	assert_int_equal(store_airing_add(st, &a, err), 0);
	for (int i = 0; i < n; i++) {
		struct store_aired_item it = { .airing_id = a.id, .seq = i, .kind = (char *)"bulletin",
					       .bulletin_id = ids[i], .bulletin_version = 1,
					       .offset_s = 60.0 * i, .length_s = 60,
					       .completed = !(cut_s > 0 && 60.0 * (i + 1) > cut_s) };
		assert_int_equal(store_aired_item_add(st, &it, err), 0);
	}
}

static int
setup(void **state)
{
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	strcpy(dir, "/tmp/loaxa-test-reports-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char err[ERRLEN];
	assert_int_equal(store_open(dir, &st, err), 0);
	cfg = config_load(NULL, err);
	int64_t a = bulletin("tthc"), b = bulletin("chinh-quyen-so"), k = bulletin("khac");
	int64_t ab[] = { a, b }, ak[] = { a, k }, only_b[] = { b };
	/* January: a and b completed twice: 2 CCHC bulletins, met */
	airing("sang", "2025-01-05 05:30", "completed", ab, 2, 0);
	airing("sang", "2025-01-06 05:30", "completed", ab, 2, 0);
	/* 31 Jan 23:30 local is still January, though it is 16:30 UTC */
	airing("chieu", "2025-01-31 23:30", "completed", only_b, 1, 0);
	/* February: a completed, then an airing cut at 90 s: k (60-120 s) did not finish */
	airing("sang", "2025-02-03 05:30", "completed", ak, 1, 0);
	airing("sang", "2025-02-04 05:30", "interrupted", ak, 2, 90);
	/* a missed slot and a failed one: listed, not counted */
	airing("chieu", "2025-02-04 17:00", "missed", NULL, 0, 0);
	airing("chieu", "2025-02-05 17:00", "failed", NULL, 0, 0);
	/* March: b, which is then retired: it still counts for March */
	airing("sang", "2025-03-01 05:30", "completed", only_b, 1, 0);
	assert_int_equal(store_bulletin_set_state(st, b, "retired", err), 0);
	return 0;
}

static int
teardown(void **state)
{
	store_close(st);
	config_free(cfg);
	char *cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static void
counts_follow_the_rules(void **state)
{
	char err[ERRLEN];
	struct report *r = report_build(st, cfg, 2025, 1, 2025, 3, "q1", NULL, NOW, err);
	assert_non_null(r);
	assert_int_equal(r->n_months, 3);
	struct report_counts *jan = &r->months[0].c, *feb = &r->months[1].c, *mar = &r->months[2].c;
	assert_int_equal(jan->bulletins, 2);
	assert_int_equal(jan->cchc_bulletins, 2);
	assert_int_equal(jan->airings, 5);
	assert_true(jan->airtime_s == 300);
	assert_true(jan->met);
	/* February: only a counts (the cut k did not finish); khac is not CCHC anyway */
	assert_int_equal(feb->bulletins, 1);
	assert_int_equal(feb->cchc_bulletins, 1);
	assert_int_equal(feb->airings, 2);
	assert_false(feb->met);
	assert_int_equal(mar->bulletins, 1); /* retired later, counted for March */
	assert_false(mar->met);
	assert_int_equal(r->totals.bulletins, 2);
	assert_int_equal(r->totals.airings, 8);
	assert_int_equal(r->totals.target, 6);
	assert_false(r->totals.met);
	assert_int_equal(r->n_missed, 2);
	assert_string_equal(r->missed[0].status, "missed");
	assert_string_equal(r->missed[1].status, "failed");
	/* by topic, in the configuration's order: tthc before chinh-quyen-so */
	assert_int_equal(jan->n_topics, 2);
	assert_string_equal(jan->by_topic[0].topic, "tthc");
	assert_int_equal(jan->by_topic[0].airings, 2);
	assert_true(jan->by_topic[0].cchc);
	assert_string_equal(jan->by_topic[1].topic, "chinh-quyen-so");
	assert_int_equal(jan->by_topic[1].airings, 3);
	assert_string_equal(jan->by_topic[1].name, "Xây dựng chính quyền điện tử, chính quyền số");
	report_free(r);
	/* a topic filter counts that topic only; missed slots are still listed */
	r = report_build(st, cfg, 2025, 1, 2025, 2, "x", "tthc", NOW, err);
	assert_int_equal(r->months[0].c.bulletins, 1);
	assert_int_equal(r->months[0].c.airings, 2);
	assert_int_equal(r->n_missed, 2);
	report_free(r);
	/* a period with nothing, before the station's first airing: empty, says so, "chưa hoạt động" */
	r = report_build(st, cfg, 2024, 1, 2024, 12, "2024", NULL, NOW, err);
	assert_true(report_empty(r));
	assert_int_equal(r->n_months, 12);
	assert_false(r->totals.met);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(report_write_text(r, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "Nothing was aired or missed"));
	free(buf);
	for (size_t i = 0; i < 12; i++)
		assert_int_equal(r->months[i].c.state, REPORT_NOT_STARTED);
	assert_int_equal(r->totals.state, REPORT_NOT_STARTED);
	report_free(r);
}

/*
 * Where months stand: before the station's first airing (5 January 2025)
 * "chưa hoạt động", the month running now "đang thực hiện", months to come
 * "chưa đến kỳ"; the period's target counts only the months since the
 * station began, and it is not met as soon as one month over is not.
 */
static void
months_before_the_first_airing_and_after_now(void **state)
{
	char err[ERRLEN];
	/* the report made on 20 March 2025, for the year 2024-12 .. 2025-05 */
	struct report *r = report_build(st, cfg, 2024, 12, 2025, 5, "x", NULL, at("2025-03-20 12:00"), err);
	assert_non_null(r);
	assert_int_equal(r->first_airing, at("2025-01-05 05:30"));
	static const enum report_state want[] = { REPORT_NOT_STARTED, REPORT_MET, REPORT_NOT_MET,
						  REPORT_IN_PROGRESS, REPORT_FUTURE, REPORT_FUTURE };
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		assert_int_equal(r->months[i].c.state, want[i]);
	assert_int_equal(r->months[0].c.target, 0);
	assert_int_equal(r->totals.target, 2 * 5);
	assert_int_equal(r->totals.state, REPORT_NOT_MET); /* February is over and short */
	assert_string_equal(report_state_word(r->months[3].c.state), "đang thực hiện");
	assert_string_equal(report_state_word(r->months[0].c.state), "chưa hoạt động");
	assert_string_equal(report_state_code(r->months[4].c.state), "future");
	report_free(r);
	/* March alone, while it runs: in progress, not "chưa đạt" */
	r = report_build(st, cfg, 2025, 3, 2025, 3, "x", NULL, at("2025-03-20 12:00"), err);
	assert_int_equal(r->months[0].c.state, REPORT_IN_PROGRESS);
	assert_int_equal(r->totals.state, REPORT_IN_PROGRESS);
	assert_false(r->totals.met);
	report_free(r);
}

/*
 * In a zone with daylight saving time, an airing half an hour after
 * midnight on the day after the clocks went forward is listed under that
 * day, and one before the change under its own: the month is asked for in
 * spans of one UTC offset.
 */
static void
days_are_local_across_a_clock_change(void **state)
{
	char err[ERRLEN], d3[64];
	struct store *s3;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	strcpy(d3, "/tmp/loaxa-test-reports3-XXXXXX");
	assert_non_null(mkdtemp(d3));
	assert_int_equal(store_open(d3, &s3, err), 0);
	struct store_bulletin b = { .title = (char *)"Tin", .topic = (char *)"tthc",
				    .klass = (char *)"normal", .state = (char *)"approved",
				    .text = (char *)"Nội dung.", .airings_wanted = 5 };
	assert_int_equal(store_bulletin_add(s3, &b, err), 0);
	/* Berlin goes from +01:00 to +02:00 at 02:00 on 30 March 2025 */
	static const char *const when[] = { "2025-03-01 00:30", "2025-03-29 23:30", "2025-03-31 00:30" };
	for (size_t i = 0; i < ARRAY_LEN(when); i++) {
		struct store_airing a = { .slot = (char *)"s", .program = (char *)"p",
					  .scheduled_at = at(when[i]), .started_at = at(when[i]),
					  .status = (char *)"completed" };
		assert_int_equal(store_airing_add(s3, &a, err), 0);
		struct store_aired_item it = { .airing_id = a.id, .kind = (char *)"bulletin",
					       .bulletin_id = b.id, .bulletin_version = 1,
					       .length_s = 60, .completed = 1 };
		assert_int_equal(store_aired_item_add(s3, &it, err), 0);
	}
	struct report *r = report_build(s3, cfg, 2025, 3, 2025, 3, "x", NULL, NOW, err);
	assert_non_null(r);
	assert_int_equal(r->n_bulletins, 1);
	assert_int_equal(r->bulletins[0].n_days, 3);
	assert_string_equal(r->bulletins[0].days[0], "2025-03-01");
	assert_string_equal(r->bulletins[0].days[1], "2025-03-29");
	assert_string_equal(r->bulletins[0].days[2], "2025-03-31");
	assert_int_equal(r->months[0].c.airings, 3);
	report_free(r);
	store_close(s3);
	char *cmd = xasprintf("rm -rf %s", d3);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
}

/* Periods in words (the English of the catalogue; Vietnamese in tests/cli). */
static void
periods_and_months_in_words(void **state)
{
	char b[96];
	report_period_label(2026, 11, 2026, 11, b, sizeof b);
	assert_string_equal(b, "November 2026");
	report_period_label(2026, 10, 2026, 12, b, sizeof b);
	assert_string_equal(b, "Q4 2026");
	report_period_label(2026, 1, 2026, 6, b, sizeof b);
	assert_string_equal(b, "first 6 months of 2026");
	report_period_label(2026, 1, 2026, 12, b, sizeof b);
	assert_string_equal(b, "year 2026");
	report_period_label(2025, 11, 2026, 2, b, sizeof b);
	assert_string_equal(b, "November 2025 – February 2026");
	assert_string_equal(report_program_label("bulletin-7", b, sizeof b), "bulletin #7");
	assert_string_equal(report_program_label("bulletin-x", b, sizeof b), "bulletin-x");
	assert_string_equal(report_program_label("mac-dinh", b, sizeof b), "mac-dinh");
}

/* The bulletins aired, in the order they first aired, with their days; runs of days as ranges. */
static void
bulletins_aired_with_their_days(void **state)
{
	char err[ERRLEN];
	struct report *r = report_build(st, cfg, 2025, 1, 2025, 3, "q1", NULL, NOW, err);
	assert_int_equal(r->n_bulletins, 2);
	const struct report_bulletin *a = &r->bulletins[0], *b = &r->bulletins[1];
	assert_string_equal(a->topic, "tthc");
	assert_string_equal(a->topic_name, "Cải cách thủ tục hành chính");
	assert_int_equal(a->airings, 4);
	assert_int_equal(a->n_days, 4);
	assert_string_equal(a->days[0], "2025-01-05");
	assert_string_equal(b->topic, "chinh-quyen-so");
	assert_int_equal(b->airings, 4); /* 5, 6 and 31 January, 1 March */
	assert_string_equal(b->days[2], "2025-01-31");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(report_write_text(r, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "  1. Tin (Cải cách thủ tục hành chính): aired 2025-01-05–2025-01-06, "
				    "2025-02-03–2025-02-04; 4 time(s), 0:04:00\n"));
	free(buf);
	report_free(r);
}

/*
 * The report agrees with an independent count of what was inserted: random
 * airings over three months (all statuses, cuts, clips and speech between
 * bulletins, a bulletin whose second version changed topic, airings a
 * minute either side of local midnight at month ends), counted here by the
 * rule, then compared month by month and over the period.
 */
#define RB 12 /* bulletins */
static void
report_equals_an_independent_count(void **state)
{
	char err[ERRLEN];
	struct store *s2;
	char d2[64];
	strcpy(d2, "/tmp/loaxa-test-reports2-XXXXXX");
	assert_non_null(mkdtemp(d2));
	assert_int_equal(store_open(d2, &s2, err), 0);
	static const char *const topics[] = { "tthc", "khac", "the-che", "cong-vu" };
	int64_t ids[RB];
	for (int i = 0; i < RB; i++) {
		struct store_bulletin b = { .title = (char *)"Tin", .topic = (char *)topics[i % 4],
					    .klass = (char *)"normal", .state = (char *)"approved",
					    .text = (char *)"Nội dung.", .airings_wanted = 5 };
		assert_int_equal(store_bulletin_add(s2, &b, err), 0);
		ids[i] = b.id;
	}
	/* bulletin 1 (tthc) becomes "khac" in version 2: its version-2 airings are not CCHC */
	struct store_bulletin b1;
	assert_int_equal(store_bulletin_get(s2, ids[0], &b1, err), 0);
	free(b1.topic);
	b1.topic = xstrdup("khac");
	assert_int_equal(store_bulletin_update(s2, &b1, err), 0);
	store_bulletin_clear(&b1);
	static const char *const statuses[] = { "completed", "completed", "completed", "interrupted",
						"missed", "failed", "started" };
	/* expected[month][bulletin] airings and airtime; cchc per month as a set */
	int exp_air[3][RB] = { { 0 } }, exp_cchc[3][RB] = { { 0 } };
	double exp_time[3] = { 0 };
	int exp_missed = 0;
	srand(42);
	int64_t base = at("2025-04-01 00:00");
	for (int n = 0; n < 400; n++) {
		int64_t t;
		if (n % 50 == 0) /* a minute before or after a local month boundary */
			t = at(n % 100 ? "2025-05-31 23:59" : "2025-06-01 00:00");
		else
			t = base + (int64_t)(rand() % (91 * 24)) * 3600000LL + (n % 7) * 60000;
		const char *stt = statuses[rand() % ARRAY_LEN(statuses)];
		char slot[16];
		snprintf(slot, sizeof slot, "s%d", n);
		struct store_airing a = { .slot = slot, .program = (char *)"p", .scheduled_at = t,
					  .started_at = t + 1, .status = (char *)stt };
		assert_int_equal(store_airing_add(s2, &a, err), 0);
		time_t tt = (time_t)(t / 1000);
		struct tm tm;
		localtime_r(&tt, &tm);
		int mi = tm.tm_mon - 3; /* April = 0 */
		if (!strcmp(stt, "missed") || !strcmp(stt, "failed")) {
			exp_missed += mi >= 0 && mi < 3;
			continue;
		}
		int items = 1 + rand() % 5;
		double off = 0;
		for (int k = 0; k < items; k++) {
			int kindr = rand() % 4; /* 0, 1: bulletin; 2: clip-less speech; 3: silence */
			int bi = rand() % RB, ver = bi == 0 && rand() % 2 ? 2 : 1;
			double len = 10 + rand() % 50;
			int completed = strcmp(stt, "interrupted") || k < items / 2;
			struct store_aired_item it = {
				.airing_id = a.id, .seq = k,
				.kind = (char *)(kindr < 2 ? "bulletin" : kindr == 2 ? "tts" : "silence"),
				.bulletin_id = kindr < 2 ? ids[bi] : 0, .bulletin_version = kindr < 2 ? ver : 0,
				.offset_s = off, .length_s = len, .completed = completed,
			};
			off += len;
			assert_int_equal(store_aired_item_add(s2, &it, err), 0);
			if (kindr >= 2 || !completed || !strcmp(stt, "started") || mi < 0 || mi > 2)
				continue;
			exp_air[mi][bi]++;
			exp_time[mi] += len;
			const char *topic = ver == 2 ? "khac" : topics[bi % 4];
			if (strcmp(topic, "khac") != 0)
				exp_cchc[mi][bi] = 1;
		}
	}
	struct report *r = report_build(s2, cfg, 2025, 4, 2025, 6, "2025-Q2", NULL, NOW, err);
	assert_non_null(r);
	int tot_b = 0, tot_a = 0, seen[RB] = { 0 };
	for (int m = 0; m < 3; m++) {
		int nb = 0, na = 0, nc = 0;
		for (int i = 0; i < RB; i++) {
			nb += exp_air[m][i] > 0;
			na += exp_air[m][i];
			nc += exp_cchc[m][i];
			seen[i] |= exp_air[m][i] > 0;
		}
		tot_a += na;
		assert_int_equal(r->months[m].c.bulletins, nb);
		assert_int_equal(r->months[m].c.airings, na);
		assert_int_equal(r->months[m].c.cchc_bulletins, nc);
		assert_true(r->months[m].c.airtime_s == exp_time[m]);
		assert_int_equal(r->months[m].c.met, nc >= 2);
	}
	for (int i = 0; i < RB; i++)
		tot_b += seen[i];
	assert_int_equal(r->totals.bulletins, tot_b);
	assert_int_equal(r->totals.airings, tot_a);
	assert_int_equal((int)r->n_missed, exp_missed);
	report_free(r);
	store_close(s2);
	char *cmd = xasprintf("rm -rf %s", d2);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
periods_are_the_plans_periods(void **state)
{
	char err[ERRLEN], label[48];
	int y0, m0, y1, m1;
	assert_int_equal(report_period(NULL, "2025-Q3", NULL, NULL, &y0, &m0, &y1, &m1, label, sizeof label, err), 0);
	assert_true(m0 == 7 && m1 == 9 && y0 == 2025);
	assert_int_equal(report_period(NULL, NULL, "9m", "2025", &y0, &m0, &y1, &m1, label, sizeof label, err), 0);
	assert_true(m0 == 1 && m1 == 9);
	assert_int_equal(report_period(NULL, NULL, "q1", "2025", &y0, &m0, &y1, &m1, label, sizeof label, err), 0);
	assert_true(m0 == 1 && m1 == 3);
	assert_int_equal(report_period(NULL, NULL, NULL, "2024", &y0, &m0, &y1, &m1, label, sizeof label, err), 0);
	assert_true(m0 == 1 && m1 == 12 && y0 == 2024);
	assert_int_equal(report_period("2025-13", NULL, NULL, NULL, &y0, &m0, &y1, &m1, label, sizeof label, err), -1);
	assert_non_null(strstr(err, "2025-13"));
	assert_int_equal(report_period(NULL, "2025-Q5", NULL, NULL, &y0, &m0, &y1, &m1, label, sizeof label, err), -1);
	assert_int_equal(report_period(NULL, NULL, "7m", "2025", &y0, &m0, &y1, &m1, label, sizeof label, err), -1);
	assert_int_equal(report_period("2025-01", "2025-Q1", NULL, NULL, &y0, &m0, &y1, &m1, label, sizeof label, err), -1);
	assert_int_equal(report_period(NULL, NULL, "6m", NULL, &y0, &m0, &y1, &m1, label, sizeof label, err), -1);
}

static void
csv_cells_cannot_run_as_formulas(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_csv_cell(f, "=HYPERLINK(\"http://x\")", 0);
	report_csv_cell(f, "+1", 0);
	report_csv_cell(f, "-2", 0);
	report_csv_cell(f, "@SUM(A1)", 0);
	report_csv_cell(f, "Ủy ban, \"phường\"", 1);
	fclose(f);
	assert_string_equal(buf, "\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1\",\"'-2\",\"'@SUM(A1)\","
				 "\"Ủy ban, \"\"phường\"\"\"\r\n");
	free(buf);
}

/* A number we wrote keeps its minus; anything else that looks like one is text. */
static void
csv_numbers_keep_their_sign(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_csv_number(f, "-16.5", 0);
	report_csv_number(f, "-3", 0);
	report_csv_number(f, "1e-05", 0);
	report_csv_number(f, "-2+3", 0);
	report_csv_number(f, "-1e", 0);
	report_csv_number(f, "", 1);
	fclose(f);
	assert_string_equal(buf, "-16.5,-3,1e-05,\"'-2+3\",\"'-1e\",\r\n");
	free(buf);
}

/*
 * Relay and live airtime per month, against the test's own sums of the rows
 * it writes: stream and line-in relays count as relay, a relay whose source
 * is "live:..." as live; bulletins and speech do not; only completed and
 * interrupted airings count (as bulletins); the month is the local month of
 * the scheduled time; a zone report counts only the airings that went to
 * it; a report for one topic has none (a relay has no topic).  CSV and JSON
 * carry them in seconds.
 */
static void
relay_and_live_airtime_per_month(void **state)
{
	char err[ERRLEN], d2[64];
	struct store *s2;
	strcpy(d2, "/tmp/loaxa-test-reports3-XXXXXX");
	assert_non_null(mkdtemp(d2));
	assert_int_equal(store_open(d2, &s2, err), 0);
	static const char *const statuses[] = { "completed", "completed", "interrupted", "failed",
						"started" };
	static const char *const zones[] = { NULL, "thon-1", "thon-1,thon-2", "thon-2" };
	double relay[3] = { 0 }, live[3] = { 0 }, relay_z[3] = { 0 }, live_z[3] = { 0 };
	srand(14);
	int64_t base = at("2025-04-01 00:00");
	for (int n = 0; n < 300; n++) {
		int64_t t;
		if (n % 60 == 0) /* either side of a local month boundary (17:00 UTC) */
			t = at(n % 120 ? "2025-04-30 23:59" : "2025-05-01 00:00");
		else
			t = base + (int64_t)(rand() % (91 * 24)) * 3600000LL + (n % 7) * 60000;
		const char *stt = statuses[rand() % ARRAY_LEN(statuses)];
		const char *zone = zones[rand() % ARRAY_LEN(zones)];
		struct store_airing a = { .program = (char *)"tiepam", .scheduled_at = t,
					  .started_at = t, .status = (char *)stt };
		assert_int_equal(store_airing_add(s2, &a, err), 0);
		if (zone)
			assert_int_equal(store_airing_set_zones(s2, a.id, zone, err), 0);
		time_t tt = (time_t)(t / 1000);
		struct tm tm;
		localtime_r(&tt, &tm);
		int mi = tm.tm_mon - 3; /* April = 0 */
		int counts = mi >= 0 && mi < 3 && (!strcmp(stt, "completed") || !strcmp(stt, "interrupted"));
		/* as the bulletin counts: a row with no zones was not to a zone */
		int to_z = zone && strstr(zone, "thon-2") != NULL;
		double off = 0;
		for (int k = 0; k < 1 + rand() % 3; k++) {
			int kr = rand() % 4; /* 0 stream, 1 line-in, 2 live, 3 speech */
			double len = 30 + rand() % 1800;
			struct store_aired_item it = {
				.airing_id = a.id, .seq = k, .offset_s = off, .length_s = len,
				.completed = rand() % 4 != 0,
				.kind = (char *)(kr == 0 ? "stream" : kr < 3 ? "relay" : "tts"),
			};
			snprintf(it.source, sizeof it.source, "%s",
				 kr == 0 ? "http://127.0.0.1:8000/vov1.mp3" : kr == 1 ? "line-in" : kr == 2 ? "live:default" : "");
			if (kr < 2 && rand() % 3 == 0)
				snprintf(it.reason, sizeof it.reason, "relay signal lost at 06:12:31: the stream went silent");
			off += len;
			assert_int_equal(store_aired_item_add(s2, &it, err), 0);
			if (!counts || kr == 3)
				continue;
			*(kr == 2 ? &live[mi] : &relay[mi]) += len;
			if (to_z)
				*(kr == 2 ? &live_z[mi] : &relay_z[mi]) += len;
		}
	}
	struct report *r = report_build(s2, cfg, 2025, 4, 2025, 6, "2025-Q2", NULL, NOW, err);
	struct report *rz = report_build_zone(s2, cfg, 2025, 4, 2025, 6, "2025-Q2", NULL, "thon-2", NOW, err);
	struct report *rt = report_build(s2, cfg, 2025, 4, 2025, 6, "2025-Q2", "tthc", NOW, err);
	assert_non_null(r);
	assert_non_null(rz);
	assert_non_null(rt);
	double tr = 0, tl = 0;
	for (int m = 0; m < 3; m++) {
		print_message("2025-%02d: relay %.0f s, live %.0f s; to thon-2: relay %.0f s, live %.0f s\n",
			      m + 4, r->months[m].c.relay_s, r->months[m].c.live_s, rz->months[m].c.relay_s,
			      rz->months[m].c.live_s);
		assert_true(relay[m] > 0 && live[m] > 0 && relay_z[m] < relay[m]);
		assert_true(r->months[m].c.relay_s == relay[m]);
		assert_true(r->months[m].c.live_s == live[m]);
		assert_true(rz->months[m].c.relay_s == relay_z[m]);
		assert_true(rz->months[m].c.live_s == live_z[m]);
		assert_true(rt->months[m].c.relay_s == 0 && rt->months[m].c.live_s == 0);
		tr += relay[m];
		tl += live[m];
	}
	assert_true(r->totals.relay_s == tr && r->totals.live_s == tl);
	/* for machines: seconds, the same whatever the locale */
	char *buf = NULL, line[160];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(report_write_csv(r, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "month,bulletins,cchc_bulletins,airings,airtime_s,target,state,relay_s,live_s\r\n"));
	snprintf(line, sizeof line, ",%.0f,%.0f\r\n", relay[1], live[1]);
	char *may = strstr(buf, "\r\n2025-05,");
	assert_non_null(may);
	assert_memory_equal(strstr(may + 2, "\r\n") - strlen(line) + 2, line, strlen(line));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(report_write_json(r, f), 0);
	fclose(f);
	json_t *o = json_loads(buf, 0, NULL);
	assert_non_null(o);
	json_t *jm = json_array_get(json_object_get(o, "months"), 2);
	assert_true(json_real_value(json_object_get(jm, "relay_s")) == relay[2]);
	assert_true(json_real_value(json_object_get(jm, "live_s")) == live[2]);
	assert_true(json_real_value(json_object_get(json_object_get(o, "totals"), "live_s")) == tl);
	json_decref(o);
	free(buf);
	report_free(r);
	report_free(rz);
	report_free(rt);
	store_close(s2);
	char *cmd = xasprintf("rm -rf %s", d2);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
csv_matches_the_report_and_marks_the_target(void **state)
{
	char err[ERRLEN];
	struct report *r = report_build(st, cfg, 2025, 1, 2025, 3, "q1", NULL, NOW, err);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(report_write_csv(r, f), 0);
	fclose(f);
	assert_memory_equal(buf, "\xef\xbb\xbf", 3);
	/* machine fields: months as YYYY-MM, airtime in seconds, CRLF, state codes */
	assert_non_null(strstr(buf, "\xef\xbb\xbfmonth,bulletins,cchc_bulletins,airings,airtime_s,target,state,relay_s,live_s\r\n"));
	assert_non_null(strstr(buf, "\r\n2025-01,2,2,5,300,2,met,0,0\r\n"));
	assert_non_null(strstr(buf, "\r\n2025-02,1,1,2,120,2,not_met,0,0\r\n"));
	assert_non_null(strstr(buf, "\r\ntotal,2,2,8,480,6,not_met,0,0\r\n"));
	/* the missed and failed slots, with their local time */
	assert_non_null(strstr(buf, "\r\n2025-02-04T17:00:00.000+07:00,chieu,p,missed,"));
	/* the bulletins aired, with their days */
	assert_non_null(strstr(buf, "\r\nbulletin_id,title,topic,topic_name,days,airings,airtime_s\r\n"));
	assert_non_null(strstr(buf, ",Tin,tthc,Cải cách thủ tục hành chính,2025-01-05 2025-01-06 2025-02-03 2025-02-04,4,240\r\n"));
	assert_null(strstr(buf, "\n\n")); /* blank rows are CRLF too */
	free(buf);
	/* XLSX into a directory that does not exist: a sentence naming it */
	assert_int_equal(report_write_xlsx(r, "/nonexistent/dir/r.xlsx", err), -1);
	assert_non_null(strstr(err, "/nonexistent/dir/r.xlsx"));
	report_free(r);
}

static int
log_row(const struct store_log_row *row, void *arg)
{
	return report_log_row(arg, row);
}

/* The log, as JSON (issue 4's fields), CSV and aligned text. */
static void
log_writers(void **state)
{
	char err[ERRLEN];
	static const enum report_format fmts[] = { REPORT_JSON, REPORT_CSV, REPORT_TEXT };
	char *out[3];
	for (int i = 0; i < 3; i++) {
		size_t len = 0;
		FILE *f = open_memstream(&out[i], &len);
		struct report_log *w = report_log_new(fmts[i], f, NULL, "t", err);
		assert_non_null(w);
		assert_int_equal(store_log(st, at("2025-02-04 00:00"), at("2025-02-05 00:00"), NULL, NULL,
					   log_row, w, err), 0);
		assert_int_equal(report_log_count(w), 3);
		assert_int_equal(report_log_finish(w, err), 0);
		fclose(f);
	}
	json_error_t je;
	json_t *a = json_loads(out[0], 0, &je);
	assert_non_null(a);
	assert_int_equal(json_array_size(a), 3);
	static const char *const fields[] = { "airing_id", "slot", "program", "scheduled_at",
					      "started_at", "ended_at", "status", "reason",
					      "lateness_ms", "kind", "bulletin_id", "bulletin_version",
					      "title", "topic", "class", "offset_s", "length_s",
					      "audio_sha256" };
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < ARRAY_LEN(fields); i++)
			assert_non_null(json_object_get(json_array_get(a, k), fields[i]));
	json_t *cut = json_array_get(a, 1), *missed = json_array_get(a, 2);
	assert_string_equal(json_string_value(json_object_get(cut, "scheduled_at")),
			    "2025-02-04T05:30:00.000+07:00");
	assert_string_equal(json_string_value(json_object_get(cut, "status")), "interrupted");
	assert_true(json_is_false(json_object_get(cut, "completed")));
	assert_true(json_is_null(json_object_get(missed, "kind")));
	assert_string_equal(json_string_value(json_object_get(missed, "status")), "missed");
	json_decref(a);
	/* CSV: field names, three rows, length with a point, the status code */
	assert_non_null(strstr(out[1], "date,time,slot,program,bulletin_id,title,topic,class,length_s,status,reason,lateness_ms,approved_by,asked_by,voice,region\r\n"));
	assert_non_null(strstr(out[1], "\r\n2025-02-04,05:30:00,sang,p,1,Tin,tthc,normal,60.0,interrupted,,0,,,,\r\n"));
	/* text: every line's columns line up to the title column */
	char *line = out[2], *nl;
	int col = -1;
	while ((nl = strchr(line, '\n'))) {
		*nl = 0;
		char *title = strstr(line, line == out[2] ? "TITLE" : "Tin");
		if (title) {
			int c = report_width(line) - report_width(title);
			assert_true(col < 0 || c == col);
			col = c;
		}
		line = nl + 1;
	}
	assert_true(col > 0);
	for (int i = 0; i < 3; i++)
		free(out[i]);
}

static void
width_counts_characters_not_bytes(void **state)
{
	assert_int_equal(report_width("chưa đạt"), 8);
	assert_int_equal(report_width("Đ"), 1);
	assert_int_equal(report_width("D\xcc\x9b"), 1); /* D + combining horn */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_pad(f, "đạt", 5, 1);
	report_pad(f, "1", 3, 0);
	fclose(f);
	assert_string_equal(buf, "đạt    1");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_follow_the_rules),
		cmocka_unit_test(periods_are_the_plans_periods),
		cmocka_unit_test(csv_cells_cannot_run_as_formulas),
		cmocka_unit_test(csv_numbers_keep_their_sign),
		cmocka_unit_test(months_before_the_first_airing_and_after_now),
		cmocka_unit_test(periods_and_months_in_words),
		cmocka_unit_test(days_are_local_across_a_clock_change),
		cmocka_unit_test(bulletins_aired_with_their_days),
		cmocka_unit_test(report_equals_an_independent_count),
		cmocka_unit_test(relay_and_live_airtime_per_month),
		cmocka_unit_test(csv_matches_the_report_and_marks_the_target),
		cmocka_unit_test(log_writers),
		cmocka_unit_test(width_counts_characters_not_bytes),
	};
	return cmocka_run_group_tests_name("reports", tests, setup, teardown);
}
