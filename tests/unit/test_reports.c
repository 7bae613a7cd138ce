/*
 * Unit tests for reports/: the counting rules (completed airings count;
 * interrupted ones only for what finished before the cut; missed and failed
 * are listed, not counted; retired bulletins still count; months cut in
 * local time), the CCHC target, periods, and the CSV writer's neutralising
 * of formulas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/base.h"
#include "config/config.h"
#include "reports/reports.h"
#include "store/store.h"

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
	struct report *r = report_build(st, cfg, 2025, 1, 2025, 3, "q1", NULL, err);
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
	report_free(r);
	/* by topic, and a topic filter */
	r = report_build(st, cfg, 2025, 1, 2025, 1, "2025-01", "tthc", err);
	assert_int_equal(r->months[0].c.bulletins, 1);
	assert_int_equal(r->months[0].c.airings, 2);
	report_free(r);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_follow_the_rules),
		cmocka_unit_test(periods_are_the_plans_periods),
		cmocka_unit_test(csv_cells_cannot_run_as_formulas),
	};
	return cmocka_run_group_tests_name("reports", tests, setup, teardown);
}
