/*
 * Unit tests for the scheduler's planning: what is due, missed or next after
 * downtime and clock jumps, and which bulletins go into an airing.  No clock:
 * every instant is given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/base.h"
#include "config/config.h"
#include "scheduler/scheduler.h"
#include "store/store.h"

static int64_t
at(const char *local)
{
	int64_t ms;
	char err[ERRLEN];
	if (time_parse_local(local, &ms, err) < 0)
		fail_msg("%s", err);
	return ms;
}

/* Two slots: 05:30 every day (15 min catch-up) and 17:00 on weekdays (10 min). */
static struct sched *
two_slots(struct config **cfg)
{
	char err[ERRLEN];
	*cfg = config_load(NULL, err);
	free((*cfg)->slots[0].when);
	(*cfg)->slots[0].when = xstrdup("*-*-* 05:30:00");
	free((*cfg)->slots[1].when);
	(*cfg)->slots[1].when = xstrdup("Mon..Fri 17:00");
	(*cfg)->slots[1].catch_up_minutes = 10;
	struct sched *s = sched_new(*cfg, err);
	if (!s)
		fail_msg("%s", err);
	return s;
}

static int
setup(void **state)
{
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	return 0;
}

static void
a_slot_within_its_window_airs_late_older_ones_are_missed(void **state)
{
	struct config *cfg;
	struct sched *s = two_slots(&cfg);
	/* last aired: Friday 2025-03-07 17:00 and Saturday 05:30; down until Monday 05:40 */
	s->slots[0].last_ms = at("2025-03-08 05:30");
	s->slots[1].last_ms = at("2025-03-07 17:00");
	struct sched_due *d;
	size_t dropped;
	size_t n = sched_due(s, 0, at("2025-03-10 05:40"), 100, &d, &dropped);
	/* 05:30 on Sun and Mon; no 17:00 on the weekend */
	assert_int_equal(n, 2);
	assert_int_equal(d[0].slot, 0);
	assert_int_equal(d[0].at_ms, at("2025-03-09 05:30"));
	assert_int_equal(d[0].action, SCHED_MISSED);
	assert_int_equal(d[1].at_ms, at("2025-03-10 05:30"));
	assert_int_equal(d[1].action, SCHED_AIR); /* 10 minutes late, window is 15 */
	free(d);
	/* at 05:46 the window has closed: missed */
	n = sched_due(s, 0, at("2025-03-10 05:46"), 100, &d, &dropped);
	assert_int_equal(n, 2);
	assert_int_equal(d[1].action, SCHED_MISSED);
	free(d);
	sched_free(s);
	config_free(cfg);
}

static void
a_new_slot_owes_nothing_from_before_it_was_known(void **state)
{
	struct config *cfg;
	struct sched *s = two_slots(&cfg);
	struct sched_due *d;
	size_t dropped;
	size_t n = sched_due(s, at("2025-03-10 06:00"), at("2025-03-10 06:01"), 100, &d, &dropped);
	assert_int_equal(n, 0);
	free(d);
	sched_free(s);
	config_free(cfg);
}

static void
a_long_outage_is_bounded_and_counted(void **state)
{
	struct config *cfg;
	struct sched *s = two_slots(&cfg);
	s->slots[0].last_ms = at("2024-01-01 05:30");
	s->slots[1].last_ms = at("2025-03-10 17:00");
	struct sched_due *d;
	size_t dropped;
	size_t n = sched_due(s, 0, at("2025-03-10 18:00"), 30, &d, &dropped);
	assert_int_equal(n, 30);
	assert_int_equal(dropped, 434 - 30);
	assert_int_equal(d[29].at_ms, at("2025-03-10 05:30")); /* the newest are kept */
	free(d);
	sched_free(s);
	config_free(cfg);
}

static void
a_clock_stepped_back_never_reairs_an_instant(void **state)
{
	struct config *cfg;
	struct sched *s = two_slots(&cfg);
	s->slots[0].last_ms = at("2025-03-10 05:30");
	s->slots[1].last_ms = at("2025-03-07 17:00");
	size_t slot;
	int64_t t;
	/* the clock went back to 05:00 after 05:30 aired: next is 17:00, not 05:30 again */
	assert_int_equal(sched_next(s, at("2025-03-10 05:00"), &slot, &t), 0);
	assert_int_equal(slot, 1);
	assert_int_equal(t, at("2025-03-10 17:00"));
	/* the clock went back a whole day: 05:30 of the 10th is still not aired again */
	assert_int_equal(sched_next(s, at("2025-03-09 04:00"), &slot, &t), 0);
	assert_int_equal(t, at("2025-03-10 17:00"));
	sched_free(s);
	config_free(cfg);
}

static void
next_is_strictly_after_now(void **state)
{
	struct config *cfg;
	struct sched *s = two_slots(&cfg);
	size_t slot;
	int64_t t;
	assert_int_equal(sched_next(s, at("2025-03-10 05:30"), &slot, &t), 0);
	assert_int_equal(t, at("2025-03-10 17:00"));
	assert_int_equal(sched_next(s, at("2025-03-08 06:00"), &slot, &t), 0);
	assert_int_equal(slot, 0); /* Saturday: no 17:00 */
	assert_int_equal(t, at("2025-03-09 05:30"));
	sched_free(s);
	config_free(cfg);
}

#define B(id_, klass_, state_, from_, until_, wanted_, done_, len_)                          \
	{ .id = id_, .klass = klass_, .state = state_, .valid_from = from_, .valid_until = until_, \
	  .airings_wanted = wanted_, .airings_done = done_, .has_content = 1, .length_s = len_ }

static void
queue_then_priority_then_rotation_until_full(void **state)
{
	struct sched_bulletin b[] = {
		B(1, "normal", "approved", NULL, NULL, 2, 0, 120),
		B(2, "normal", "draft", NULL, NULL, 2, 0, 60),      /* draft: never */
		B(3, "priority", "approved", NULL, NULL, 1, 0, 90),
		B(4, "normal", "approved", NULL, "2025-03-09", 3, 0, 60), /* expired */
		B(5, "normal", "retired", NULL, NULL, 3, 0, 60),    /* retired: never */
		B(6, "normal", "approved", "2025-03-11", NULL, 3, 0, 60), /* not yet */
		B(7, "normal", "approved", NULL, NULL, 1, 1, 60),   /* wanted airings reached */
		B(8, "normal", "approved", NULL, NULL, 2, 1, 300),
		B(9, "normal", "approved", NULL, NULL, 2, 0, 200),
	};
	struct sched_queued q[] = {
		{ .entry_id = 50, .bulletin_id = 7, .slot = "sang" },  /* queued: airs though done */
		{ .entry_id = 51, .bulletin_id = 1, .slot = "chieu" }, /* another slot */
		{ .entry_id = 52, .bulletin_id = 2 },                  /* a draft stays out */
		{ .entry_id = 53, .bulletin_id = 9, .at_ms = at("2025-03-11 05:30") }, /* later */
	};
	struct sched_pick out[ARRAY_LEN(b) + ARRAY_LEN(q)];
	size_t left;
	/* 10 minutes with 1.5 s gaps */
	size_t n = sched_pick("sang", at("2025-03-10 05:30"), 600, 1.5, b, ARRAY_LEN(b), q,
			      ARRAY_LEN(q), out, &left);
	assert_int_equal(n, 4);
	assert_int_equal(out[0].bulletin_id, 7);
	assert_int_equal(out[0].entry_id, 50);
	assert_int_equal(out[0].reason, SCHED_QUEUED);
	assert_int_equal(out[1].bulletin_id, 3);
	assert_int_equal(out[1].reason, SCHED_PRIORITY);
	assert_int_equal(out[2].bulletin_id, 1);
	assert_int_equal(out[2].reason, SCHED_ROTATION);
	/* 60 + 90 + 120 + 300 with 3 gaps of 1.5 s = 574.5 s; bulletin 9 (200 s) waits */
	assert_int_equal(out[3].bulletin_id, 8);
	assert_int_equal(left, 1);
	/* without a cap everything eligible goes in, each once */
	n = sched_pick("sang", at("2025-03-10 05:30"), 0, 1.5, b, ARRAY_LEN(b), q, ARRAY_LEN(q), out,
		       &left);
	assert_int_equal(n, 5);
	assert_int_equal(left, 0);
	for (size_t i = 0; i < n; i++)
		assert_true(out[i].bulletin_id != 2 && out[i].bulletin_id != 4 &&
			    out[i].bulletin_id != 5 && out[i].bulletin_id != 6);
}

static void
validity_is_cut_on_the_local_day(void **state)
{
	struct sched_bulletin b = B(1, "normal", "approved", "2025-03-10", "2025-03-10", 1, 0, 10);
	/* 2025-03-10 00:30 in Hà Nội is still 2025-03-09 in UTC */
	assert_true(sched_bulletin_airable(&b, at("2025-03-10 00:30")));
	assert_true(sched_bulletin_airable(&b, at("2025-03-10 23:59")));
	assert_false(sched_bulletin_airable(&b, at("2025-03-11 00:00")));
	assert_false(sched_bulletin_airable(&b, at("2025-03-09 23:59")));
}

static void
a_bad_calendar_expression_names_file_line_and_slot(void **state)
{
	char err[ERRLEN];
	struct config *cfg = config_load(NULL, err);
	free(cfg->slots[1].when);
	cfg->slots[1].when = xstrdup("Mon..Fry 17:00");
	cfg->slots[1].line = 7;
	assert_null(sched_new(cfg, err));
	assert_non_null(strstr(err, ":7: slot \"chieu\": when:"));
	config_free(cfg);
}

static void
the_window_counts_from_the_instant_the_wait_included(void **state)
{
	int64_t t = at("2025-03-10 05:30");
	assert_int_equal(sched_late(t, 60000, t), SCHED_AIR);
	assert_int_equal(sched_late(t, 60000, t + 60000), SCHED_AIR); /* the window's last ms */
	assert_int_equal(sched_late(t, 60000, t + 60001), SCHED_MISSED);
	assert_int_equal(sched_late(t, 0, t + 1), SCHED_MISSED);
}

/* A store with bulletins A (2 airings wanted) and B (1), and a queue entry for C in "sang". */
static struct store *
pool_store(char *dir, int64_t *a, int64_t *b, int64_t *c, int64_t *entry)
{
	char err[ERRLEN];
	strcpy(dir, "/tmp/loaxa-test-plan-XXXXXX");
	assert_non_null(mkdtemp(dir));
	struct store *st;
	if (store_open(dir, &st, err) < 0)
		fail_msg("%s", err);
	int64_t *ids[] = { a, b, c };
	int wanted[] = { 2, 1, 0 };
	for (size_t i = 0; i < 3; i++) {
		struct store_bulletin x = { .title = (char *)"Tin", .topic = (char *)"tthc",
					    .klass = (char *)"normal", .state = (char *)"approved",
					    .text = (char *)"Bản tin ngắn.", .airings_wanted = wanted[i] };
		if (store_bulletin_add(st, &x, err) < 0)
			fail_msg("%s", err);
		*ids[i] = x.id;
	}
	struct store_queue_entry q = { .bulletin_id = *c, .slot = (char *)"sang" };
	if (store_queue_add(st, &q, err) < 0)
		fail_msg("%s", err);
	*entry = q.id;
	return st;
}

static void
pool_rm(struct store *st, const char *dir)
{
	store_close(st);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/*
 * Airings planned but not logged count as aired: three slots inside the
 * lead time take A and B, then A, then nothing (A wanted twice, B once),
 * and a queue entry goes into one airing only.
 */
static void
what_is_planned_counts_as_aired(void **state)
{
	char dir[64], err[ERRLEN];
	int64_t a, b, c, entry;
	struct store *st = pool_store(dir, &a, &b, &c, &entry);
	struct config *cfg = config_load(NULL, err);
	const struct config_program *tpl = config_program_find(cfg, "mac-dinh");
	int64_t t = at("2025-03-10 05:30");
	int64_t want[3][3] = { { c, a, b }, { a }, { 0 } };
	size_t want_n[3] = { 3, 1, 0 };
	int64_t planned[3][8];
	size_t planned_n[3];
	for (int k = 0; k < 3; k++) {
		/* each decision reads the store afresh and counts what is planned so far */
		struct sched_pool *pool = sched_pool_load(st, err);
		assert_non_null(pool);
		for (int j = 0; j < k; j++)
			sched_pool_count(pool, planned[j], planned_n[j], j == 0 ? &entry : NULL,
					 j == 0 ? 1 : 0);
		struct sched_pick *out;
		size_t n, left;
		sched_pool_pick(pool, tpl, "sang", t + k * 15000, 0, 0, &out, &n, &left);
		assert_int_equal(n, want_n[k]);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(out[i].bulletin_id, want[k][i]);
			planned[k][i] = out[i].bulletin_id;
		}
		planned_n[k] = n;
		free(out);
		sched_pool_free(pool);
	}
	/* a bulletin twice in one airing counts once for it */
	struct sched_pool *pool = sched_pool_load(st, err);
	int64_t twice[] = { a, a };
	sched_pool_count(pool, twice, 2, NULL, 0);
	struct sched_pick *out;
	size_t n, left;
	sched_pool_pick(pool, tpl, "chieu", t, 0, 0, &out, &n, &left);
	assert_int_equal(n, 2); /* A (1 of 2 counted) and B; C is queued for "sang" */
	assert_int_equal(out[0].bulletin_id, a);
	assert_int_equal(out[1].bulletin_id, b);
	free(out);
	sched_pool_free(pool);
	config_free(cfg);
	pool_rm(st, dir);
}

/*
 * Zones: a bulletin for thôn 3 goes only into airings to thôn 3; a
 * bulletin for every zone goes anywhere; a slot to every zone takes only
 * bulletins for every zone.
 */
static void
a_bulletin_for_some_zones_airs_only_to_them(void **state)
{
	const char *t1[] = { "thon-1" }, *t3[] = { "thon-3" }, *t13[] = { "thon-1", "thon-3" };
	const char *all[] = { "thon-1", "thon-2", "thon-3" };
	assert_true(sched_zones_cover(NULL, all, 3));
	assert_true(sched_zones_cover("thon-3", t3, 1));
	assert_false(sched_zones_cover("thon-3", t1, 1));
	assert_false(sched_zones_cover("thon-3", t13, 2));
	assert_true(sched_zones_cover("thon-1,thon-3", t13, 2));
	assert_false(sched_zones_cover("thon-1,thon-3", all, 3));
	/* names are whole: thon-1 is not thon-11 */
	const char *t11[] = { "thon-11" };
	assert_false(sched_zones_cover("thon-1,thon-111", t11, 1));
	assert_false(sched_zones_cover("thon-11", t1, 1));
}

/* A programme longer than the time to the next slot instant is found; a daily one is not. */
static void
a_programme_longer_than_its_slot_gap_is_found(void **state)
{
	char dir[64], err[ERRLEN];
	int64_t a, b, c, entry;
	struct store *st = pool_store(dir, &a, &b, &c, &entry);
	struct config *cfg = config_load(NULL, err);
	free(cfg->slots[0].when);
	cfg->slots[0].when = xstrdup("*:*:0/20"); /* every 20 s */
	struct sched *s = sched_new(cfg, err);
	assert_non_null(s);
	struct sched_pool *pool = sched_pool_load(st, err);
	struct sched_overrun *o;
	size_t n = sched_overruns(s, cfg, pool, at("2025-03-10 05:00"), 32, &o);
	/*
	 * mac-dinh (a greeting, three short bulletins, a sign-off) is longer than
	 * 20 s: the slot runs into its own next instant, and the 17:00 slot into
	 * the 20-second one's
	 */
	assert_int_equal(n, 2);
	assert_int_equal(o[0].slot, 0);
	assert_int_equal(o[0].next_slot, 0);
	assert_true(o[0].gap_s == 20);
	assert_true(o[0].longest_s > 20 && o[0].longest_s < 15 * 60);
	assert_int_equal(o[1].slot, 1);
	assert_int_equal(o[1].next_slot, 0);
	free(o);
	sched_free(s);
	/* the built-in 05:30 and 17:00: hours apart */
	free(cfg->slots[0].when);
	cfg->slots[0].when = xstrdup("*-*-* 05:30:00");
	s = sched_new(cfg, err);
	assert_int_equal(sched_overruns(s, cfg, pool, at("2025-03-10 05:00"), 32, &o), 0);
	free(o);
	sched_free(s);
	sched_pool_free(pool);
	config_free(cfg);
	pool_rm(st, dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_slot_within_its_window_airs_late_older_ones_are_missed),
		cmocka_unit_test(a_new_slot_owes_nothing_from_before_it_was_known),
		cmocka_unit_test(a_long_outage_is_bounded_and_counted),
		cmocka_unit_test(a_clock_stepped_back_never_reairs_an_instant),
		cmocka_unit_test(next_is_strictly_after_now),
		cmocka_unit_test(queue_then_priority_then_rotation_until_full),
		cmocka_unit_test(validity_is_cut_on_the_local_day),
		cmocka_unit_test(a_bad_calendar_expression_names_file_line_and_slot),
		cmocka_unit_test(the_window_counts_from_the_instant_the_wait_included),
		cmocka_unit_test(what_is_planned_counts_as_aired),
		cmocka_unit_test(a_programme_longer_than_its_slot_gap_is_found),
		cmocka_unit_test(a_bulletin_for_some_zones_airs_only_to_them),
	};
	return cmocka_run_group_tests_name("plan", tests, setup, NULL);
}
