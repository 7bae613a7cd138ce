/*
 * Sessions of loaxa-web, in this process's memory (a restart logs everyone
 * out): a token of 32 random bytes in an HttpOnly, SameSite=Strict cookie,
 * a CSRF token of 32 more that every change must carry in X-CSRF-Token,
 * and an idle expiry.  And the login throttle: failures counted per user
 * name and per client address.  One mutex guards both tables; they are
 * small (the people of one commune office), so they are plain arrays.
 * The throttle counts one name from one address (5 failures lock it for a
 * minute) and one address whatever the names (20), so that a colleague
 * behind the same router is not locked out by someone else's typos.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "web/web_int.h"

#define MAX_SESSIONS 256
#define THROTTLE_FAILURES 5      /* of one name from one address */
#define THROTTLE_ADDR_FAILURES 20 /* of any names from one address */
#define THROTTLE_WINDOW_MS (10 * 60 * 1000)
#define THROTTLE_LOCK_MS (60 * 1000)
#define MAX_THROTTLE 512

struct entry {
	char token[64];
	struct session s;
	int64_t last_ms;
};

struct strike {
	char key[120]; /* "u:NAME a:ADDRESS" or "a:ADDRESS" */
	int failures;
	int64_t first_ms, locked_until;
};

struct sessions {
	pthread_mutex_t mu;
	int64_t idle_ms;
	struct entry e[MAX_SESSIONS];
	struct strike t[MAX_THROTTLE];
};

int
web_role_bit(const char *role)
{
	static const char *const names[] = { "operator", "approver", "officer", "admin" };
	for (size_t i = 0; role && i < ARRAY_LEN(names); i++)
		if (strcmp(role, names[i]) == 0)
			return 1 << i;
	return 0;
}

struct sessions *
sessions_new(int idle_minutes)
{
	struct sessions *ss = xcalloc(1, sizeof *ss);
	pthread_mutex_init(&ss->mu, NULL);
	ss->idle_ms = (int64_t)idle_minutes * 60000;
	return ss;
}

void
sessions_free(struct sessions *ss)
{
	if (!ss)
		return;
	sodium_memzero(ss->e, sizeof ss->e);
	pthread_mutex_destroy(&ss->mu);
	free(ss);
}

static void
random_token(char *out, size_t cap)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, cap, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void
sessions_create(struct sessions *ss, const char *user, const char *role, char token[64],
		struct session *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->user, sizeof s->user, "%s", user);
	snprintf(s->role, sizeof s->role, "%s", role);
	s->roles = web_role_bit(role);
	random_token(s->csrf, sizeof s->csrf);
	random_token(token, 64);
	int64_t now = time_now_ms();
	pthread_mutex_lock(&ss->mu);
	/* a free slot, an expired one, or the one idle longest */
	size_t pick = 0;
	for (size_t i = 0; i < MAX_SESSIONS; i++) {
		if (!ss->e[i].token[0] || now - ss->e[i].last_ms > ss->idle_ms) {
			pick = i;
			break;
		}
		if (ss->e[i].last_ms < ss->e[pick].last_ms)
			pick = i;
	}
	struct entry *e = &ss->e[pick];
	memcpy(e->token, token, 64);
	e->s = *s;
	e->last_ms = now;
	pthread_mutex_unlock(&ss->mu);
}

/* The entry of token, compared in constant time; NULL.  Under the lock. */
static struct entry *
lookup(struct sessions *ss, const char *token)
{
	size_t n = token ? strlen(token) : 0;
	if (n < 40 || n >= 64)
		return NULL;
	char t[64] = { 0 };
	memcpy(t, token, n);
	for (size_t i = 0; i < MAX_SESSIONS; i++)
		if (ss->e[i].token[0] && sodium_memcmp(ss->e[i].token, t, sizeof t) == 0)
			return &ss->e[i];
	return NULL;
}

int
sessions_find(struct sessions *ss, const char *token, struct session *s)
{
	int64_t now = time_now_ms();
	pthread_mutex_lock(&ss->mu);
	struct entry *e = lookup(ss, token);
	if (e && now - e->last_ms > ss->idle_ms) {
		memset(e, 0, sizeof *e);
		e = NULL;
	}
	if (e) {
		e->last_ms = now;
		*s = e->s;
	}
	pthread_mutex_unlock(&ss->mu);
	return e ? 0 : -1;
}

void
sessions_drop(struct sessions *ss, const char *token)
{
	pthread_mutex_lock(&ss->mu);
	struct entry *e = lookup(ss, token);
	if (e)
		memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&ss->mu);
}

void
sessions_drop_user(struct sessions *ss, const char *user)
{
	pthread_mutex_lock(&ss->mu);
	for (size_t i = 0; i < MAX_SESSIONS; i++)
		if (ss->e[i].token[0] && strcmp(ss->e[i].s.user, user) == 0)
			memset(&ss->e[i], 0, sizeof ss->e[i]);
	pthread_mutex_unlock(&ss->mu);
}

void
sessions_set_role(struct sessions *ss, const char *user, const char *role)
{
	pthread_mutex_lock(&ss->mu);
	for (size_t i = 0; i < MAX_SESSIONS; i++)
		if (ss->e[i].token[0] && strcmp(ss->e[i].s.user, user) == 0) {
			snprintf(ss->e[i].s.role, sizeof ss->e[i].s.role, "%s", role);
			ss->e[i].s.roles = web_role_bit(role);
		}
	pthread_mutex_unlock(&ss->mu);
}

/* 1 while a strike still counts (a lock or failures within the window). */
static int
busy(const struct strike *t, int64_t now)
{
	return t->key[0] && (t->locked_until > now || now - t->first_ms <= THROTTLE_WINDOW_MS);
}

/* The strike of key; created when make is set (in a free, stale or the oldest place).  Under the lock. */
static struct strike *
strike(struct sessions *ss, const char *key, int64_t now, int make)
{
	struct strike *place = NULL;
	for (size_t i = 0; i < MAX_THROTTLE; i++) {
		struct strike *t = &ss->t[i];
		if (t->key[0] && strcmp(t->key, key) == 0)
			return t;
		if (!place || busy(t, now) < busy(place, now) ||
		    (busy(t, now) == busy(place, now) && t->first_ms < place->first_ms))
			place = t;
	}
	if (!make)
		return NULL;
	memset(place, 0, sizeof *place);
	snprintf(place->key, sizeof place->key, "%s", key);
	place->first_ms = now;
	return place;
}

static int
seconds_left(struct sessions *ss, const char *key, int64_t now)
{
	struct strike *t = strike(ss, key, now, 0);
	if (!t || t->locked_until <= now)
		return 0;
	return (int)((t->locked_until - now + 999) / 1000);
}

static void
keys(const char *user, const char *addr, char ku[120], char ka[120])
{
	snprintf(ku, 120, "u:%.40s a:%.60s", user ? user : "", addr ? addr : "");
	snprintf(ka, 120, "a:%.60s", addr ? addr : "");
}

int
sessions_throttled(struct sessions *ss, const char *user, const char *addr)
{
	char ku[120], ka[120];
	keys(user, addr, ku, ka);
	int64_t now = time_now_ms();
	pthread_mutex_lock(&ss->mu);
	int a = seconds_left(ss, ku, now), b = seconds_left(ss, ka, now);
	pthread_mutex_unlock(&ss->mu);
	return a > b ? a : b;
}

static void
fail_one(struct sessions *ss, const char *key, int limit, int64_t now)
{
	struct strike *t = strike(ss, key, now, 1);
	if (now - t->first_ms > THROTTLE_WINDOW_MS) {
		t->failures = 0;
		t->first_ms = now;
	}
	if (++t->failures >= limit) {
		t->locked_until = now + THROTTLE_LOCK_MS;
		t->failures = 0;
		t->first_ms = now;
	}
}

void
sessions_failed(struct sessions *ss, const char *user, const char *addr)
{
	char ku[120], ka[120];
	keys(user, addr, ku, ka);
	int64_t now = time_now_ms();
	pthread_mutex_lock(&ss->mu);
	fail_one(ss, ku, THROTTLE_FAILURES, now);
	fail_one(ss, ka, THROTTLE_ADDR_FAILURES, now);
	pthread_mutex_unlock(&ss->mu);
}

void
sessions_succeeded(struct sessions *ss, const char *user, const char *addr)
{
	char ku[120], ka[120];
	keys(user, addr, ku, ka);
	int64_t now = time_now_ms();
	pthread_mutex_lock(&ss->mu);
	struct strike *t = strike(ss, ku, now, 0);
	if (t && t->locked_until <= now)
		memset(t, 0, sizeof *t);
	pthread_mutex_unlock(&ss->mu);
}
