/*
 * Unit tests for store/: the schema migrates, edits keep the text that aired,
 * a slot instant airs at most once, a crash's leftovers are recovered, and a
 * locked or read-only database gives a sentence instead of a hang or a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "base/base.h"
#include "store/store.h"

static char dir[64];

static int
setup(void **state)
{
	strcpy(dir, "/tmp/loaxa-test-store-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static struct store *
open_store(void)
{
	struct store *s;
	char err[ERRLEN];
	if (store_open(dir, &s, err) < 0)
		fail_msg("%s", err);
	return s;
}

static int64_t
add_bulletin(struct store *s, const char *title, const char *text)
{
	char err[ERRLEN];
	struct store_bulletin b = { .title = (char *)title, .topic = (char *)"tthc",
				    .klass = (char *)"normal", .state = (char *)"approved",
				    .text = (char *)text, .airings_wanted = 2 };
	if (store_bulletin_add(s, &b, err) < 0)
		fail_msg("%s", err);
	return b.id;
}

static void
a_new_state_dir_is_created_private(void **state)
{
	char *sub = xasprintf("%s/a/b", dir);
	struct store *s;
	char err[ERRLEN];
	assert_int_equal(store_open(sub, &s, err), 0);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	struct stat st;
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
	store_close(s);
	free(sub);
}

static void
an_old_database_is_migrated_with_its_data(void **state)
{
	struct store *s;
	char err[ERRLEN];
	assert_int_equal(store_open_at_version(dir, 1, &s, err), 0);
	assert_int_equal(store_schema_version(s), 1);
	store_close(s);
	/* a bulletin as loaxa of schema 1 wrote it (today's statements need later columns) */
	char *path = xasprintf("%s/loaxa.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO bulletins VALUES (1, 1, 'approved', 1, 1);"
				      "INSERT INTO bulletin_versions (bulletin_id, version, title, topic,"
				      " class, text, created_at) VALUES (1, 1, 'Cũ', 'tthc', 'normal',"
				      " 'Văn bản cũ', 1);",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	free(path);
	int64_t id = 1;

	s = open_store();
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	struct store_bulletin b;
	assert_int_equal(store_bulletin_get(s, id, &b, err), 0);
	assert_string_equal(b.text, "Văn bản cũ");
	store_bulletin_clear(&b);
	/* the column added by migration 2 is there */
	struct store_airing a = { .slot = (char *)"sang", .program = (char *)"p",
				  .scheduled_at = 1000, .status = (char *)"completed",
				  .normalizer_version = 3 };
	assert_int_equal(store_airing_add(s, &a, err), 0);
	store_close(s);
}

/*
 * The schema a store has, in a form to compare: every object's own text, in
 * creation order (or only its type and names).
 */
static char *
schema_of(const char *d, int names_only)
{
	char *path = xasprintf("%s/loaxa.db", d);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	/* names only: one line for each object, the way both forms start it */
	const char *q = names_only ? "SELECT type, name, tbl_name, '' FROM sqlite_master"
				   : "SELECT type, name, tbl_name, coalesce(sql, '')"
				     " FROM sqlite_master ORDER BY rowid";
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	char *out = xstrdup("");
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *next = xasprintf("%s%s %s %s %s\n", out, sqlite3_column_text(st, 0),
				       sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
				       sqlite3_column_text(st, 3));
		free(out);
		out = next;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return out;
}

/*
 * A store upgraded from any older schema has the schema a new one has: a
 * migration that rebuilds a table (8 rebuilds aired_items) puts back the
 * triggers, views and indexes that named it.  From schema 7 an aired item
 * keeps its columns and the link outbox still hears of a new one.
 */
static void
an_upgraded_database_has_the_schema_of_a_new_one(void **state)
{
	char err[ERRLEN];
	struct store *s;
	char *fresh_dir = xasprintf("%s/fresh", dir);
	assert_int_equal(store_open(fresh_dir, &s, err), 0);
	store_close(s);
	char *fresh = schema_of(fresh_dir, 0);
	assert_non_null(strstr(fresh, "trigger link_outbox_item_insert aired_items"));
	assert_non_null(strstr(fresh, "view aired_bulletins aired_bulletins"));
	for (int v = 1; v < STORE_SCHEMA_VERSION; v++) {
		char *d = xasprintf("%s/from%d", dir, v);
		assert_int_equal(store_open_at_version(d, v, &s, err), 0);
		store_close(s);
		char *had = schema_of(d, 1);
		if (v == 7) {
			char *path = xasprintf("%s/loaxa.db", d);
			sqlite3 *db;
			assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
			assert_int_equal(
				sqlite3_exec(db,
					     "INSERT INTO airings (id, slot, program, scheduled_at,"
					     " status, normalizer_version) VALUES (1, 'sang', 'p', 1000,"
					     " 'completed', 3);"
					     "INSERT INTO aired_items (airing_id, seq, kind, offset_s,"
					     " length_s, completed, voice, region) VALUES (1, 0, 'tts', 0,"
					     " 2.5, 1, 'vi-vn-x-south', 'south');"
					     "DELETE FROM link_outbox;",
					     NULL, NULL, NULL),
				SQLITE_OK);
			sqlite3_close(db);
			free(path);
		}
		assert_int_equal(store_open(d, &s, err), 0);
		assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
		if (v == 7) {
			struct store_aired_item it = { .airing_id = 1,
						       .seq = 1,
						       .kind = (char *)"stream",
						       .length_s = 30,
						       .completed = 0,
						       .source = "http://127.0.0.1:8000/a.mp3",
						       .reason = "dead air" };
			assert_int_equal(store_aired_item_add(s, &it, err), 0);
		}
		store_close(s);
		char *up = schema_of(d, 0), *has = schema_of(d, 1);
		/* nothing an older store had (a trigger, a view, an index) is lost */
		for (char *line = strtok(had, "\n"); line; line = strtok(NULL, "\n"))
			if (!strstr(has, line))
				fail_msg("upgraded from %d, the store lost %s", v, line);
		free(had);
		free(has);
		if (strcmp(up, fresh) != 0)
			fail_msg("the schema upgraded from %d is not a new store's:\n%s\n-- new:\n%s",
				 v, up, fresh);
		if (v == 7) {
			char *path = xasprintf("%s/loaxa.db", d);
			sqlite3 *db;
			assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
			sqlite3_stmt *st;
			assert_int_equal(
				sqlite3_prepare_v2(
					db,
					"SELECT group_concat(x, ';') FROM (SELECT kind || '/' ||"
					" coalesce(voice, '') || '/' || coalesce(region, '') || '/' ||"
					" coalesce(source, '') AS x FROM aired_items ORDER BY seq)",
					-1, &st, NULL),
				SQLITE_OK);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			assert_string_equal((const char *)sqlite3_column_text(st, 0),
					    "tts/vi-vn-x-south/south/;stream///http://127.0.0.1:8000/a.mp3");
			sqlite3_finalize(st);
			assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM link_outbox",
							    -1, &st, NULL),
					 SQLITE_OK);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			assert_int_equal(sqlite3_column_int(st, 0), 1); /* the trigger put back heard of it */
			sqlite3_finalize(st);
			sqlite3_close(db);
			free(path);
		}
		free(up);
		free(d);
	}
	free(fresh);
	free(fresh_dir);
}

static void
a_newer_database_is_refused(void **state)
{
	struct store *s = open_store();
	store_close(s);
	char *path = xasprintf("%s/loaxa.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	char err[ERRLEN];
	assert_int_equal(store_open(dir, &s, err), -1);
	assert_non_null(strstr(err, "newer loaxa"));
	free(path);
}

static void
an_edit_keeps_the_version_that_aired(void **state)
{
	struct store *s = open_store();
	char err[ERRLEN];
	int64_t id = add_bulletin(s, "Lịch tiếp dân", "Thứ Hai hằng tuần.");
	struct store_bulletin b;
	assert_int_equal(store_bulletin_get(s, id, &b, err), 0);
	free(b.text);
	b.text = xstrdup("Thứ Ba hằng tuần.");
	assert_int_equal(store_bulletin_update(s, &b, err), 0);
	assert_int_equal(b.version, 2);
	store_bulletin_clear(&b);

	struct store_bulletin v1, cur;
	assert_int_equal(store_bulletin_get_version(s, id, 1, &v1, err), 0);
	assert_string_equal(v1.text, "Thứ Hai hằng tuần.");
	assert_int_equal(store_bulletin_get(s, id, &cur, err), 0);
	assert_string_equal(cur.text, "Thứ Ba hằng tuần.");
	assert_int_equal(cur.version, 2);
	store_bulletin_clear(&v1);
	store_bulletin_clear(&cur);
	assert_int_equal(store_bulletin_get(s, 999, &cur, err), STORE_NOTFOUND);
	assert_non_null(strstr(err, "999"));
	store_close(s);
}

static void
a_slot_instant_airs_at_most_once(void **state)
{
	struct store *s = open_store();
	char err[ERRLEN];
	struct store_airing a = { .slot = (char *)"sang", .program = (char *)"sang",
				  .scheduled_at = 1740781800000, .status = (char *)"started" };
	assert_int_equal(store_airing_add(s, &a, err), 0);
	struct store_airing again = a;
	assert_int_equal(store_airing_add(s, &again, err), STORE_EXISTS);
	assert_int_equal(store_airing_exists(s, "sang", 1740781800000, err), 1);
	assert_int_equal(store_airing_exists(s, "chieu", 1740781800000, err), 0);
	/* manual airings (no slot) may share an instant */
	struct store_airing m1 = { .program = (char *)"p", .scheduled_at = 5, .status = (char *)"completed" };
	struct store_airing m2 = m1;
	assert_int_equal(store_airing_add(s, &m1, err), 0);
	assert_int_equal(store_airing_add(s, &m2, err), 0);
	store_close(s);
}

static int
count_rows(const struct store_log_row *r, void *arg)
{
	int *n = arg;
	(*n)++;
	return 0;
}

static void
a_crash_leaves_interrupted_rows_and_counts_stay_true(void **state)
{
	struct store *s = open_store();
	char err[ERRLEN];
	int64_t b = add_bulletin(s, "Tin", "Nội dung.");
	struct store_airing a = { .slot = (char *)"sang", .program = (char *)"sang",
				  .scheduled_at = 1000, .status = (char *)"started" };
	assert_int_equal(store_airing_add(s, &a, err), 0);
	struct store_aired_item it1 = { .airing_id = a.id, .seq = 0, .kind = (char *)"bulletin",
					.bulletin_id = b, .bulletin_version = 1, .offset_s = 0,
					.length_s = 30, .completed = 1 };
	assert_int_equal(store_aired_item_add(s, &it1, err), 0);
	assert_int_equal(store_airing_set_started(s, a.id, 1001, 1, err), 0);
	/* a second one had its row, but the crash came before its first sample */
	struct store_airing b2 = { .slot = (char *)"sang", .program = (char *)"sang",
				   .scheduled_at = 2000, .status = (char *)"started" };
	assert_int_equal(store_airing_add(s, &b2, err), 0);
	int n = 0, missed = 0;
	assert_int_equal(store_airing_recover(s, "daemon stopped", "never started", 5000, &n, &missed,
					      err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(missed, 1);
	int never = 0;
	assert_int_equal(store_log(s, 0, 0, "missed", NULL, count_rows, &never, err), 0);
	assert_int_equal(never, 1); /* never `interrupted`: nothing was cut */
	/* the cut came after 10 s: the 30 s bulletin did not finish */
	assert_int_equal(store_aired_items_cut(s, a.id, 10.0, err), 0);
	int aired = -1;
	assert_int_equal(store_bulletin_airings(s, b, &aired, err), 0);
	assert_int_equal(aired, 0);
	int rows = 0;
	assert_int_equal(store_log(s, 0, 0, "interrupted", NULL, count_rows, &rows, err), 0);
	assert_int_equal(rows, 1);
	store_close(s);
}

struct counted {
	int64_t ids[64];
	int airings[64];
	size_t n;
};

static int
collect_counted(const struct store_count_row *r, void *arg)
{
	struct counted *c = arg;
	c->ids[c->n] = r->bulletin_id;
	c->airings[c->n++] = r->airings;
	return 0;
}

/*
 * One counting rule: for every outcome of an airing, kind of item and
 * item played or cut, the report, a bulletin's airings_done and the rule
 * the daemon applies to a row it still holds (store_item_counts()) agree.
 */
static void
one_counting_rule_for_reports_airings_done_and_rows_in_memory(void **state)
{
	struct store *s = open_store();
	char err[ERRLEN];
	static const char *const statuses[] = { "started", "completed", "interrupted", "failed",
						 "missed" };
	static const char *const kinds[] = { "bulletin", "clip", "tts", "silence" };
	int64_t ids[40];
	int want[40];
	size_t k = 0;
	for (size_t st = 0; st < ARRAY_LEN(statuses); st++)
		for (size_t ki = 0; ki < ARRAY_LEN(kinds); ki++)
			for (int done = 0; done <= 1; done++, k++) {
				ids[k] = add_bulletin(s, "Tin", "Nội dung.");
				struct store_airing a = { .slot = (char *)"sang", .program = (char *)"p",
							  .scheduled_at = 1000 + (int64_t)k,
							  .status = (char *)statuses[st] };
				assert_int_equal(store_airing_add(s, &a, err), 0);
				struct store_aired_item it = { .airing_id = a.id, .kind = (char *)kinds[ki],
							       .bulletin_id = ids[k], .bulletin_version = 1,
							       .length_s = 10, .completed = done };
				assert_int_equal(store_aired_item_add(s, &it, err), 0);
				want[k] = store_item_counts(statuses[st], &it);
			}
	struct counted c = { 0 };
	assert_int_equal(store_report_counts(s, 0, 1000000, NULL, collect_counted, &c, err), 0);
	size_t counted = 0;
	for (k = 0; k < ARRAY_LEN(ids); k++) {
		int in_report = 0;
		for (size_t i = 0; i < c.n; i++)
			if (c.ids[i] == ids[k])
				in_report = c.airings[i];
		int done = -1;
		assert_int_equal(store_bulletin_airings(s, ids[k], &done, err), 0);
		struct store_bulletin b;
		assert_int_equal(store_bulletin_get(s, ids[k], &b, err), 0);
		assert_int_equal(in_report, want[k]);
		assert_int_equal(done, want[k]);
		assert_int_equal(b.airings_done, want[k]);
		store_bulletin_clear(&b);
		counted += (size_t)want[k];
	}
	/* a bulletin played to its end in a completed or an interrupted airing */
	assert_int_equal(counted, 2);
	store_close(s);
}

static int
keep_row(const struct store_log_row *r, void *arg)
{
	struct store_aired_item *out = arg;
	if (r->it.kind)
		out[r->it.seq] = r->it;
	return 0;
}

/*
 * A bulletin version keeps the region it is read as (NULL: the station's),
 * the next version its own; an aired item keeps the voice and the region
 * that read it, also from a copy of the struct made before the log was
 * written (the daemon keeps rows it cannot write yet), and a clip none.
 */
static void
regions_are_kept_with_versions_and_aired_items(void **state)
{
	struct store *s = open_store();
	char err[ERRLEN];
	struct store_bulletin b = { .title = (char *)"Tin", .topic = (char *)"tthc",
				    .text = (char *)"Có 105 hộ.", .region = (char *)"south" };
	assert_int_equal(store_bulletin_add(s, &b, err), 0);
	b.region = NULL;
	assert_int_equal(store_bulletin_update(s, &b, err), 0);
	struct store_bulletin v;
	assert_int_equal(store_bulletin_get_version(s, b.id, 1, &v, err), 0);
	assert_string_equal(v.region, "south");
	store_bulletin_clear(&v);
	assert_int_equal(store_bulletin_get(s, b.id, &v, err), 0);
	assert_int_equal(v.version, 2);
	assert_null(v.region);
	store_bulletin_clear(&v);
	/* the CHECK refuses what is no region */
	b.region = (char *)"west";
	assert_int_equal(store_bulletin_update(s, &b, err), -1);
	struct store_airing a = { .program = (char *)"bulletin-1", .scheduled_at = 1000,
				  .status = (char *)"completed" };
	struct store_aired_item items[2] = {
		{ .seq = 0, .kind = (char *)"clip", .length_s = 5, .completed = 1 },
		{ .seq = 1, .kind = (char *)"bulletin", .bulletin_id = b.id, .bulletin_version = 1,
		  .offset_s = 5, .length_s = 30, .completed = 1, .voice = "vi-vn-x-south",
		  .region = "south" },
	};
	struct store_aired_item *kept = xmemdup(items, sizeof items);
	memset(items, 0, sizeof items);
	assert_int_equal(store_airing_record(s, &a, kept, 2, err), 0);
	free(kept);
	struct store_aired_item got[2];
	memset(got, 0xff, sizeof got);
	assert_int_equal(store_log(s, 0, 0, NULL, NULL, keep_row, got, err), 0);
	assert_string_equal(got[0].voice, "");
	assert_string_equal(got[0].region, "");
	assert_string_equal(got[1].voice, "vi-vn-x-south");
	assert_string_equal(got[1].region, "south");
	char *path = xasprintf("%s/loaxa.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM aired_items WHERE voice IS NULL"
						" AND region IS NULL AND kind = 'clip'", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1); /* "" is stored as NULL */
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	store_close(s);
}

static void
a_locked_database_says_so_within_the_timeout(void **state)
{
	struct store *s = open_store();
	store_close(s);
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		sqlite3 *db;
		char *path = xasprintf("%s/loaxa.db", dir);
		sqlite3_open(path, &db);
		sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
		(void)!write(p[1], "x", 1);
		sleep(3);
		_exit(0);
	}
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	s = open_store();
	store_set_busy_timeout(s, 200);
	char err[ERRLEN];
	struct store_bulletin b = { .title = (char *)"x", .topic = (char *)"tthc", .text = (char *)"y" };
	assert_int_equal(store_bulletin_add(s, &b, err), -1);
	assert_non_null(strstr(err, "locked by another process"));
	store_close(s);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
}

/* The sentence for a read-only database; runs as a plain user, since root ignores modes. */
static void
read_only_check(void)
{
	struct store *s;
	char err[ERRLEN] = "";
	int rc = store_open(dir, &s, err);
	if (rc == 0) {
		struct store_bulletin b = { .title = (char *)"x", .topic = (char *)"tthc", .text = (char *)"y" };
		rc = store_bulletin_add(s, &b, err);
		store_close(s);
		assert_int_equal(rc, -1);
	}
	if (!strstr(err, "read-only"))
		fail_msg("error was: %s", err);
}

static void
a_read_only_database_says_so(void **state)
{
	struct store *s = open_store();
	store_close(s);
	char *path = xasprintf("%s/loaxa.db", dir);
	assert_int_equal(chmod(path, 0444), 0);
	free(path);
	if (geteuid() != 0) {
		read_only_check();
		return;
	}
	assert_int_equal(chmod(dir, 0777), 0);
	pid_t pid = fork();
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(3);
		read_only_check();
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_new_state_dir_is_created_private, setup, teardown),
		cmocka_unit_test_setup_teardown(an_old_database_is_migrated_with_its_data, setup, teardown),
		cmocka_unit_test_setup_teardown(an_upgraded_database_has_the_schema_of_a_new_one, setup, teardown),
		cmocka_unit_test_setup_teardown(a_newer_database_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(an_edit_keeps_the_version_that_aired, setup, teardown),
		cmocka_unit_test_setup_teardown(a_slot_instant_airs_at_most_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_crash_leaves_interrupted_rows_and_counts_stay_true, setup, teardown),
		cmocka_unit_test_setup_teardown(one_counting_rule_for_reports_airings_done_and_rows_in_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(regions_are_kept_with_versions_and_aired_items, setup, teardown),
		cmocka_unit_test_setup_teardown(a_locked_database_says_so_within_the_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(a_read_only_database_says_so, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
