/*
 * ops — the people who use loaxa-web: names, roles, passwords.  Passwords
 * are hashed with argon2id (libsodium's crypto_pwhash_str: salt and
 * parameters inside the string) and never kept or written anywhere else;
 * a login checks against a dummy hash when the name is unknown, so an
 * unknown name and a wrong password take the same time and the same
 * sentence.  There is always at least one admin.
 */
#include "ops/ops.h"

#include <sodium.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"

/* OWASP's argon2id minimum: 19 MiB, 2 passes; a login costs ~50 ms. */
#define PW_OPS 2
#define PW_MEM (19u << 20)

static const char *const roles[] = { "operator", "approver", "officer", "admin" };

int
ops_role_valid(const char *role)
{
	for (size_t i = 0; role && i < ARRAY_LEN(roles); i++)
		if (strcmp(role, roles[i]) == 0)
			return 1;
	return 0;
}

int
ops_user_name_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 32 || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		      *s == '.'))
			return 0;
	return 1;
}

static int
check_name(const char *name, char *err)
{
	if (ops_user_name_valid(name))
		return 0;
	err_set(err, _("A user name is 1 to 32 of a-z, 0-9, '.', '_' or '-', starting with a letter (got \"%.40s\")."),
		name ? name : "");
	return OPS_INVALID;
}

static int
check_role(const char *role, char *err)
{
	if (ops_role_valid(role))
		return 0;
	err_set(err, _("The role is operator, approver, officer or admin (got \"%.40s\")."),
		role ? role : "");
	return OPS_INVALID;
}

/* Hashes a password that passes the rules into hash; OPS_INVALID / OPS_ERROR. */
static int
hash_password(const char *pw, char hash[crypto_pwhash_STRBYTES], char *err)
{
	size_t bad, len = pw ? strlen(pw) : 0;
	if (len < OPS_PASSWORD_MIN || len > OPS_PASSWORD_MAX || utf8_check(pw, len, &bad) < 0) {
		err_set(err, _("A password is %d to %d characters of text; choose a longer one."),
			OPS_PASSWORD_MIN, OPS_PASSWORD_MAX);
		return OPS_INVALID;
	}
	if (crypto_pwhash_str_alg(hash, pw, len, PW_OPS, PW_MEM, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		err_set(err, _("Cannot hash the password: out of memory."));
		return OPS_ERROR;
	}
	return 0;
}

int
ops_user_add(struct ops *o, const char *name, const char *role, const char *password,
	     const char *who, char *err)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc;
	if ((rc = check_name(name, err)) < 0 || (rc = check_role(role, err)) < 0 ||
	    (rc = hash_password(password, hash, err)) < 0)
		return rc;
	struct store_user u = { .name = (char *)name, .role = (char *)role, .password = hash,
				.created_by = (char *)who };
	rc = store_user_add(o->st, &u, err);
	sodium_memzero(hash, sizeof hash);
	return rc == STORE_EXISTS ? OPS_REFUSED : rc < 0 ? OPS_ERROR : 0;
}

static int
store_rc(int rc)
{
	return rc == STORE_NOTFOUND ? OPS_NOTFOUND : rc < 0 ? OPS_ERROR : 0;
}

int
ops_user_passwd(struct ops *o, const char *name, const char *password, char *err)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc;
	if ((rc = check_name(name, err)) < 0 || (rc = hash_password(password, hash, err)) < 0)
		return rc;
	rc = store_user_update(o->st, name, NULL, hash, err);
	sodium_memzero(hash, sizeof hash);
	return store_rc(rc);
}

/*
 * Refuses a change that takes the last admin away: within one transaction
 * with the change, so two admins demoting each other cannot both win.
 */
static int
keep_an_admin(struct ops *o, const char *name, char *err)
{
	struct store_user u;
	int rc = store_user_get(o->st, name, &u, err);
	if (rc < 0)
		return store_rc(rc);
	int n = 0, admin = strcmp(u.role, "admin") == 0;
	store_user_clear(&u);
	if (admin && store_user_count_role(o->st, "admin", &n, err) < 0)
		return OPS_ERROR;
	if (admin && n <= 1) {
		err_set(err, _("%s is the last admin; make another user admin first."), name);
		return OPS_REFUSED;
	}
	return 0;
}

int
ops_user_set_role(struct ops *o, const char *name, const char *role, char *err)
{
	int rc;
	if ((rc = check_name(name, err)) < 0 || (rc = check_role(role, err)) < 0)
		return rc;
	if (store_begin(o->st, err) < 0)
		return OPS_ERROR;
	if (strcmp(role, "admin") != 0 && (rc = keep_an_admin(o, name, err)) < 0) {
		store_rollback(o->st);
		return rc;
	}
	if ((rc = store_rc(store_user_update(o->st, name, role, NULL, err))) < 0 ||
	    (rc = store_commit(o->st, err) < 0 ? OPS_ERROR : 0) < 0) {
		store_rollback(o->st);
		return rc;
	}
	return 0;
}

int
ops_user_remove(struct ops *o, const char *name, char *err)
{
	int rc;
	if ((rc = check_name(name, err)) < 0)
		return rc;
	if (store_begin(o->st, err) < 0)
		return OPS_ERROR;
	if ((rc = keep_an_admin(o, name, err)) < 0 ||
	    (rc = store_rc(store_user_remove(o->st, name, err))) < 0 ||
	    (rc = store_commit(o->st, err) < 0 ? OPS_ERROR : 0) < 0) {
		store_rollback(o->st);
		return rc;
	}
	return 0;
}

int
ops_user_login(struct ops *o, const char *name, const char *password, char *role, char *err)
{
	/* a hash of nothing anyone types, checked when the name is unknown */
	static char dummy[crypto_pwhash_STRBYTES];
	if (!dummy[0]) {
		char pw[32];
		randombytes_buf(pw, sizeof pw);
		if (crypto_pwhash_str_alg(dummy, pw, sizeof pw, PW_OPS, PW_MEM,
					  crypto_pwhash_ALG_ARGON2ID13) != 0)
			dummy[0] = 0;
	}
	role[0] = 0;
	size_t len = password ? strlen(password) : 0;
	struct store_user u = { 0 };
	int rc = ops_user_name_valid(name) ? store_user_get(o->st, name, &u, err) : STORE_NOTFOUND;
	if (rc < 0 && rc != STORE_NOTFOUND)
		return OPS_ERROR;
	const char *hash = rc == 0 ? u.password : dummy;
	int ok = len <= OPS_PASSWORD_MAX && hash[0] &&
		 crypto_pwhash_str_verify(hash, password ? password : "", len) == 0;
	if (rc == 0 && ok)
		snprintf(role, 32, "%s", u.role);
	store_user_clear(&u);
	if (rc != 0 || !ok) {
		err_set(err, _("The user name or the password is wrong."));
		return OPS_REFUSED;
	}
	return 0;
}
