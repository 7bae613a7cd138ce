/*
 * Unit tests for link/ and its stores: a signed bulletin comes through
 * whole, and one signed with another key, unsigned, altered after signing
 * (its body, its audio), or holding a field we do not know, is refused
 * with a sentence; targets decide who airs it; acknowledgements are for
 * one commune only; the commune's inbox stores a bulletin once however
 * often it arrives; the outbox holds a landed airing until the province
 * acknowledges that revision; the province's store holds a row once
 * however often it is delivered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "base/base.h"
#include "link/link.h"
#include "link/link_int.h"
#include "store/store.h"
#include "store/store_link.h"
#include "store/store_province.h"

static char dir[64];
static unsigned char sk[64], pk[32], sk2[64], pk2[32];

static int
setup(void **state)
{
	strcpy(dir, "/tmp/loaxa-test-link-XXXXXX");
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

/* A district bulletin of province hn, with `audio` bytes when not NULL. */
static char *
make(const char *klass, const unsigned char *key, const char *audio, size_t *len)
{
	char *districts[] = { (char *)"d1", (char *)"d2" };
	char *zones[] = { (char *)"cho", (char *)"thon-1" };
	char id[33];
	link_new_id(id);
	struct link_bulletin b = {
		.province = (char *)"hn", .id = id, .issued_at = 1700000000000LL,
		.expires_at = 1700000600000LL, .klass = (char *)klass, .target = LINK_TO_DISTRICTS,
		.targets = districts, .n_targets = 2, .zones = zones, .n_zones = 2,
		.title = (char *)"Phòng chống bão", .topic = (char *)"khac",
		.text = (char *)"Bà con chú ý:\nbão số 3 sắp vào.", .airings = 2, .slot = (char *)"sang",
	};
	char hex[65];
	if (audio) {
		sha256_hex(audio, strlen(audio), hex);
		b.audio = (unsigned char *)audio;
		b.audio_len = strlen(audio);
		b.audio_sha256 = hex;
	}
	char err[ERRLEN];
	char *m = link_bulletin_encode(&b, key, len, err);
	if (!m)
		fail_msg("%s", err);
	return m;
}

static void
a_signed_bulletin_comes_through_whole(void **state)
{
	size_t len;
	char *m = make("emergency", sk, "RIFF-not-really-audio", &len);
	struct link_bulletin b;
	char err[ERRLEN];
	assert_int_equal(link_bulletin_decode(m, len, pk, "hn", &b, err), 0);
	assert_string_equal(b.klass, "emergency");
	assert_string_equal(b.title, "Phòng chống bão");
	assert_string_equal(b.text, "Bà con chú ý:\nbão số 3 sắp vào.");
	assert_int_equal(b.issued_at, 1700000000000LL);
	assert_int_equal(b.expires_at, 1700000600000LL);
	assert_int_equal(b.n_zones, 2);
	assert_string_equal(b.zones[1], "thon-1");
	assert_int_equal(b.airings, 2);
	assert_string_equal(b.slot, "sang");
	assert_int_equal(b.audio_len, strlen("RIFF-not-really-audio"));
	assert_memory_equal(b.audio, "RIFF-not-really-audio", b.audio_len);
	/* targets: district d2 airs it, d3 does not, whatever the commune */
	assert_true(link_bulletin_for(&b, "d2", "c9"));
	assert_false(link_bulletin_for(&b, "d3", "d1"));
	link_bulletin_clear(&b);
	/* another province's commune refuses it */
	assert_int_equal(link_bulletin_decode(m, len, pk, "hcm", &b, err), -1);
	assert_non_null(strstr(err, "province"));
	free(m);
}

static void
a_bulletin_signed_with_another_key_is_refused(void **state)
{
	size_t len;
	char *m = make("normal", sk2, NULL, &len);
	struct link_bulletin b;
	char err[ERRLEN];
	assert_int_equal(link_bulletin_decode(m, len, pk, "hn", &b, err), -1);
	assert_non_null(strstr(err, "signature does not verify"));
	assert_null(b.id);
	free(m);
}

/* The envelope of m with `edit` applied to its parsed object. */
static char *
edited(const char *m, void (*edit)(json_t *o), size_t *len)
{
	json_t *o = json_loads(m, 0, NULL);
	assert_non_null(o);
	edit(o);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	*len = strlen(s);
	return s;
}

static void
drop_sig(json_t *o)
{
	json_object_del(o, "sig");
}

static void
alter_body(json_t *o)
{
	char *b = xstrdup(json_string_value(json_object_get(o, "body")));
	char *p = strstr(b, "\"normal\"");
	assert_non_null(p);
	memcpy(p, "\"urgent\"", 8); /* same length: only the signature can tell */
	json_object_set_new(o, "body", json_string(b));
	free(b);
}

static void
alter_audio(json_t *o)
{
	json_object_set_new(o, "audio", json_string("QUJDRA==")); /* "ABCD" */
}

static void
a_bulletin_unsigned_or_altered_after_signing_is_refused(void **state)
{
	size_t len, n;
	char err[ERRLEN];
	struct link_bulletin b;
	char *m = make("normal", sk, "some audio bytes", &len);
	char *u = edited(m, drop_sig, &n);
	assert_int_equal(link_bulletin_decode(u, n, pk, "hn", &b, err), -1);
	assert_non_null(strstr(err, "unsigned"));
	free(u);
	u = edited(m, alter_body, &n);
	assert_int_equal(link_bulletin_decode(u, n, pk, "hn", &b, err), -1);
	assert_non_null(strstr(err, "signature does not verify"));
	free(u);
	u = edited(m, alter_audio, &n);
	assert_int_equal(link_bulletin_decode(u, n, pk, "hn", &b, err), -1);
	assert_non_null(strstr(err, "SHA-256"));
	free(u);
	/* cut anywhere: refused, never a crash */
	for (size_t cut = 0; cut < len; cut += 7)
		assert_int_equal(link_bulletin_decode(m, cut, pk, "hn", &b, err), -1);
	free(m);
}

/* A body signed with the right key but outside the format. */
static int
decode_body(const char *body, char *err)
{
	size_t len;
	struct link_bulletin b;
	char *m = link_seal(body, sk, NULL, 0, &len);
	int rc = link_bulletin_decode(m, len, pk, "hn", &b, err);
	link_bulletin_clear(&b);
	free(m);
	return rc;
}

static void
a_signed_body_outside_the_format_is_refused_naming_the_field(void **state)
{
	char err[ERRLEN];
	const char *head = "{\"type\":\"bulletin\",\"province\":\"hn\",\"id\":\"a1\",\"issued_at\":1,"
			   "\"targets\":{\"all\":true},\"title\":\"T\",\"topic\":\"khac\",\"airings\":1,";
	static const struct {
		const char *tail, *says;
	} cases[] = {
		{ "\"class\":\"normal\",\"text\":\"x\",\"speaker\":\"all\"}", "\"speaker\"" },
		{ "\"class\":\"loud\",\"text\":\"x\"}", "\"class\"" },
		{ "\"class\":\"normal\"}", "neither text nor audio" },
		{ "\"class\":\"normal\",\"text\":\"a\\u001bb\"}", "\"text\"" },
		{ "\"class\":\"normal\",\"text\":\"x\",\"slot\":\"a/b\"}", "\"slot\"" },
		{ "\"class\":\"normal\",\"text\":\"x\",\"valid_from\":\"2025-02-30\"}", "\"valid_from\"" },
		{ "\"class\":\"normal\",\"text\":\"x\",\"expires_at\":0}", "\"expires_at\"" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *body = xasprintf("%s%s", head, cases[i].tail);
		assert_int_equal(decode_body(body, err), -1);
		if (!strstr(err, cases[i].says))
			fail_msg("case %zu: \"%s\" does not name %s", i, err, cases[i].says);
		free(body);
	}
	/* the same head with a good tail passes: the cases fail for their own reason */
	char *good = xasprintf("%s%s", head, "\"class\":\"normal\",\"text\":\"x\"}");
	assert_int_equal(decode_body(good, err), 0);
	free(good);
	/* an acknowledgement is not a bulletin, though signed by the same key */
	size_t len;
	struct link_ack_row r = { 5, 1 };
	char *ack = link_ack_encode("hn", "c1", &r, 1, sk, &len, err);
	struct link_bulletin b;
	assert_int_equal(link_bulletin_decode(ack, len, pk, "hn", &b, err), -1);
	free(ack);
}

static void
an_acknowledgement_is_for_one_commune_only(void **state)
{
	char err[ERRLEN];
	struct link_ack_row rows[] = { { 7, 2 }, { 9, 1 } }, *out;
	size_t len, n;
	char *m = link_ack_encode("hn", "c1", rows, 2, sk, &len, err);
	assert_int_equal(link_ack_decode(m, len, pk, "hn", "c1", &out, &n, err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[1].airing_id, 9);
	assert_int_equal(out[0].rev, 2);
	free(out);
	assert_int_equal(link_ack_decode(m, len, pk, "hn", "c2", &out, &n, err), -1);
	assert_int_equal(link_ack_decode(m, len, pk2, "hn", "c1", &out, &n, err), -1);
	free(m);
}

static void
a_log_message_must_come_from_the_commune_it_names(void **state)
{
	const char *msg = "{\"v\":1,\"type\":\"log\",\"commune\":\"c1\",\"rev\":1,\"published_at\":5,"
			  "\"airing\":{\"id\":3,\"status\":\"completed\",\"scheduled_at\":4},"
			  "\"items\":[{\"seq\":0,\"kind\":\"bulletin\",\"bulletin_id\":2,"
			  "\"bulletin_version\":1,\"offset_s\":0,\"length_s\":2.5,\"completed\":true}]}";
	char err[ERRLEN];
	struct link_log l;
	assert_int_equal(link_log_decode(msg, strlen(msg), "c1", &l, err), 0);
	assert_int_equal(l.a->airing_id, 3);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].bulletin_id, 2);
	link_log_clear(&l);
	assert_int_equal(link_log_decode(msg, strlen(msg), "c2", &l, err), -1);
	assert_non_null(strstr(err, "c2"));
	char topic[] = "loaxa/hn/commune/c7/log", commune[LINK_ID_LEN + 1];
	assert_string_equal(link_topic_parse_commune(topic, "hn", commune), "log");
	assert_string_equal(commune, "c7");
	assert_null(link_topic_parse_commune("loaxa/hn/commune/c7/other", "hn", commune));
	assert_null(link_topic_parse_commune("loaxa/hcm/commune/c7/log", "hn", commune));
}

static void
the_commune_stores_a_bulletin_once(void **state)
{
	struct store *s;
	char err[ERRLEN];
	assert_int_equal(store_open(dir, &s, err), 0);
	struct store_link *l = store_link_new(s);
	for (int i = 0; i < 3; i++) {
		struct store_bulletin b = { .title = (char *)"T", .topic = (char *)"khac",
					    .klass = (char *)"normal", .text = (char *)"Xin chào",
					    .state = (char *)"approved", .airings_wanted = 1 };
		struct store_queue_entry q = { .slot = (char *)"sang" };
		struct store_link_receipt r = { .province = "hn", .msg_id = "m1", .klass = "normal",
						.issued_at = 1, .zones = "[\"cho\"]",
						.outcome = "queued" };
		int rc = store_link_receive(l, &r, NULL, &b, &q, err);
		assert_int_equal(rc, i == 0 ? 0 : STORE_EXISTS);
	}
	sqlite3 *db;
	char *path = xasprintf("%s/loaxa.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	free(path);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM bulletins), (SELECT count(*) FROM queue),"
			       " (SELECT zones FROM link_inbox)", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_int_equal(sqlite3_column_int(st, 1), 1);
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "[\"cho\"]");
	sqlite3_finalize(st);
	sqlite3_close(db);
	store_link_free(l);
	store_close(s);
}

static void
the_outbox_holds_a_landed_airing_until_its_revision_is_acknowledged(void **state)
{
	struct store *s;
	char err[ERRLEN];
	assert_int_equal(store_open(dir, &s, err), 0);
	struct store_link *l = store_link_new(s);
	struct store_airing a = { .slot = (char *)"sang", .program = (char *)"p",
				  .scheduled_at = 1000, .status = (char *)"started" };
	assert_int_equal(store_airing_add(s, &a, err), 0);
	struct store_link_out out[4];
	size_t n;
	assert_int_equal(store_link_outbox(l, 0, out, 4, &n, err), 0);
	assert_int_equal(n, 0); /* on air: not yet */
	struct store_aired_item it = { .seq = 0, .kind = (char *)"tts", .length_s = 2, .completed = 1 };
	a.status = (char *)"completed";
	assert_int_equal(store_airing_record(s, &a, &it, 1, err), 0);
	assert_int_equal(store_link_outbox(l, 0, out, 4, &n, err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].airing_id, a.id);
	int rev = out[0].rev;
	/* the row changes again before the province's acknowledgement arrives */
	assert_int_equal(store_airing_finish(s, a.id, "interrupted", "test", 2000, NULL, err), 0);
	assert_int_equal(store_link_outbox_done(l, a.id, rev, err), 0);
	assert_int_equal(store_link_outbox(l, 0, out, 4, &n, err), 0);
	assert_int_equal(n, 1); /* the old revision's acknowledgement does not take it */
	assert_true(out[0].rev > rev);
	assert_int_equal(store_link_outbox_done(l, a.id, out[0].rev, err), 0);
	assert_int_equal(store_link_outbox(l, 0, out, 4, &n, err), 0);
	assert_int_equal(n, 0);
	/* a missed slot lands at once */
	struct store_airing m = { .slot = (char *)"chieu", .program = (char *)"p",
				  .scheduled_at = 3000, .status = (char *)"missed" };
	assert_int_equal(store_airing_add(s, &m, err), 0);
	assert_int_equal(store_link_outbox(l, 0, out, 4, &n, err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].airing_id, m.id);
	store_link_free(l);
	store_close(s);
}

static void
the_province_holds_a_row_once_however_often_delivered(void **state)
{
	struct store_province *p;
	char err[ERRLEN];
	assert_int_equal(store_province_open(dir, &p, err), 0);
	struct store_province_item items[2] = {
		{ .seq = 0, .kind = "tts", .length_s = 2, .completed = 1 },
		{ .seq = 1, .kind = "bulletin", .bulletin_id = 4, .bulletin_version = 1, .topic = "tthc",
		  .length_s = 30, .completed = 1 },
	};
	struct store_province_airing a = { .commune = "c1", .airing_id = 8, .rev = 2,
					   .status = "completed", .scheduled_at = 1000,
					   .received_at = 2000 };
	int repeat;
	assert_int_equal(store_province_airing_put(p, &a, items, 2, &repeat, err), 0);
	assert_false(repeat);
	assert_int_equal(store_province_airing_put(p, &a, items, 2, &repeat, err), 0);
	assert_true(repeat);
	/* an older revision arriving late changes nothing */
	a.rev = 1;
	a.status = "started";
	assert_int_equal(store_province_airing_put(p, &a, items, 1, &repeat, err), 0);
	/* the same airing id of another commune is another row */
	a.commune = "c2";
	a.rev = 1;
	a.status = "completed";
	assert_int_equal(store_province_airing_put(p, &a, items, 2, &repeat, err), 0);
	store_province_close(p);
	sqlite3 *db;
	char *path = xasprintf("%s/province.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	free(path);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM airings), (SELECT count(*) FROM items),"
			       " (SELECT deliveries || status FROM airings WHERE commune = 'c1')",
			   -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);
	assert_int_equal(sqlite3_column_int(st, 1), 4);
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "3completed");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_signed_bulletin_comes_through_whole),
		cmocka_unit_test(a_bulletin_signed_with_another_key_is_refused),
		cmocka_unit_test(a_bulletin_unsigned_or_altered_after_signing_is_refused),
		cmocka_unit_test(a_signed_body_outside_the_format_is_refused_naming_the_field),
		cmocka_unit_test(an_acknowledgement_is_for_one_commune_only),
		cmocka_unit_test(a_log_message_must_come_from_the_commune_it_names),
		cmocka_unit_test_setup_teardown(the_commune_stores_a_bulletin_once, setup, teardown),
		cmocka_unit_test_setup_teardown(the_outbox_holds_a_landed_airing_until_its_revision_is_acknowledged,
						setup, teardown),
		cmocka_unit_test_setup_teardown(the_province_holds_a_row_once_however_often_delivered,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
