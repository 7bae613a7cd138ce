/*
 * loaxa-web's sessions and login throttle (web/session.c, included to run
 * it without a server): a session ends when idle too long, tokens are 32
 * random bytes and never guessed from one another, a removed user's
 * sessions end, five failures of a name from one address lock it for a
 * minute without locking that name elsewhere or other names there, and
 * twenty failures from one address lock the address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "web/session.c"

static void
an_idle_session_ends(void **state)
{
	struct sessions *ss = sessions_new(0); /* no idle time at all */
	char token[64];
	struct session s, got;
	sessions_create(ss, "lan", "operator", token, &s);
	usleep(5000);
	assert_int_equal(sessions_find(ss, token, &got), -1);
	sessions_free(ss);

	ss = sessions_new(30);
	sessions_create(ss, "lan", "operator", token, &s);
	assert_int_equal(sessions_find(ss, token, &got), 0);
	assert_string_equal(got.user, "lan");
	assert_int_equal(got.roles, ROLE_OPERATOR);
	sessions_free(ss);
}

static void
tokens_are_random_and_exact(void **state)
{
	struct sessions *ss = sessions_new(30);
	char t1[64], t2[64];
	struct session s1, s2, got;
	sessions_create(ss, "lan", "operator", t1, &s1);
	sessions_create(ss, "lan", "operator", t2, &s2);
	assert_int_equal(strlen(t1), 43); /* 32 bytes, base64url */
	assert_string_not_equal(t1, t2);
	assert_string_not_equal(s1.csrf, s2.csrf);
	assert_string_not_equal(t1, s1.csrf);
	/* one character off, a prefix, nothing: no session */
	char off[64];
	strcpy(off, t1);
	off[10] = off[10] == 'A' ? 'B' : 'A';
	assert_int_equal(sessions_find(ss, off, &got), -1);
	off[0] = 0;
	assert_int_equal(sessions_find(ss, off, &got), -1);
	assert_int_equal(sessions_find(ss, NULL, &got), -1);
	strcpy(off, t1);
	off[40] = 0;
	assert_int_equal(sessions_find(ss, off, &got), -1);
	/* dropping the user ends both, a role change reaches them */
	sessions_set_role(ss, "lan", "officer");
	assert_int_equal(sessions_find(ss, t2, &got), 0);
	assert_int_equal(got.roles, ROLE_OFFICER);
	sessions_drop_user(ss, "lan");
	assert_int_equal(sessions_find(ss, t1, &got), -1);
	assert_int_equal(sessions_find(ss, t2, &got), -1);
	sessions_free(ss);
}

static void
five_failures_lock_a_name_from_an_address(void **state)
{
	struct sessions *ss = sessions_new(30);
	for (int i = 0; i < 4; i++) {
		sessions_failed(ss, "lan", "10.0.0.1");
		assert_int_equal(sessions_throttled(ss, "lan", "10.0.0.1"), 0);
	}
	sessions_failed(ss, "lan", "10.0.0.1");
	int wait = sessions_throttled(ss, "lan", "10.0.0.1");
	assert_true(wait > 55 && wait <= 60);
	/* the same name from elsewhere, another name from here: not locked */
	assert_int_equal(sessions_throttled(ss, "lan", "10.0.0.2"), 0);
	assert_int_equal(sessions_throttled(ss, "hoa", "10.0.0.1"), 0);
	/* a success does not lift a lock */
	sessions_succeeded(ss, "lan", "10.0.0.1");
	assert_true(sessions_throttled(ss, "lan", "10.0.0.1") > 0);
	/* a success forgets the failures before a lock */
	for (int i = 0; i < 4; i++)
		sessions_failed(ss, "hoa", "10.0.0.1");
	sessions_succeeded(ss, "hoa", "10.0.0.1");
	sessions_failed(ss, "hoa", "10.0.0.1");
	assert_int_equal(sessions_throttled(ss, "hoa", "10.0.0.1"), 0);
	sessions_free(ss);
}

static void
twenty_failures_lock_an_address(void **state)
{
	struct sessions *ss = sessions_new(30);
	char name[16];
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "u%d", i);
		assert_int_equal(sessions_throttled(ss, "someone", "10.0.0.9"), 0);
		sessions_failed(ss, name, "10.0.0.9");
	}
	assert_true(sessions_throttled(ss, "someone", "10.0.0.9") > 0);
	assert_int_equal(sessions_throttled(ss, "someone", "10.0.0.8"), 0);
	sessions_free(ss);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_idle_session_ends),
		cmocka_unit_test(tokens_are_random_and_exact),
		cmocka_unit_test(five_failures_lock_a_name_from_an_address),
		cmocka_unit_test(twenty_failures_lock_an_address),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
