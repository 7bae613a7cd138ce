/*
 * The admin's side of the API: users and roles (the rules are ops/'s:
 * names, roles, argon2id, always one admin), the configuration as loaded
 * (read-only), and `config check` of a pasted file.  A changed role takes
 * effect in open sessions at once; a new password or a removal ends them.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "store/store.h"
#include "web/web_int.h"

static int
user_row(const struct store_user *u, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s,s:s,s:o,s:s?}", "name", u->name, "role", u->role,
					     "created_at", json_time(u->created_at), "created_by",
					     u->created_by));
	return 0;
}

int
api_user_list(struct req *r)
{
	json_t *a = json_array();
	char err[ERRLEN];
	if (store_user_list(r->ops->st, user_row, a, err) < 0) {
		json_decref(a);
		return reply_ops(r, OPS_ERROR, err);
	}
	return reply_json(r, 200, json_pack("{s:o}", "users", a));
}

int
api_user_add(struct req *r)
{
	struct in_user in;
	json_t *root;
	char err[ERRLEN];
	if (web_decode(r->body, r->body_len, fields_user_add, &in, &root, err) < 0) {
		json_decref(root);
		return reply_error(r, 400, "%s", err);
	}
	int rc = ops_user_add(r->ops, in.name, in.role, in.password, r->s.user, err);
	if (rc == 0)
		web_log(6, "%s added the user %s (%s)", r->s.user, in.name, in.role);
	json_t *o = rc == 0 ? json_pack("{s:s,s:s}", "name", in.name, "role", in.role) : NULL;
	json_decref(root);
	if (rc < 0)
		return reply_ops(r, rc, err);
	return reply_json(r, 201, o);
}

int
api_user_update(struct req *r)
{
	struct in_user in;
	json_t *root;
	char err[ERRLEN];
	if (web_decode(r->body, r->body_len, fields_user_update, &in, &root, err) < 0) {
		json_decref(root);
		return reply_error(r, 400, "%s", err);
	}
	int rc = 0;
	if (!in.role && !in.password) {
		rc = OPS_INVALID;
		err_set(err, _("Give a new role, a new password, or both."));
	}
	/* a wrong role or password is refused (by ops) before either is stored */
	if (rc == 0 && in.role && !ops_role_valid(in.role))
		rc = ops_user_set_role(r->ops, r->name, in.role, err);
	if (rc == 0 && in.password &&
	    (strlen(in.password) < OPS_PASSWORD_MIN || strlen(in.password) > OPS_PASSWORD_MAX))
		rc = ops_user_passwd(r->ops, r->name, in.password, err);
	if (rc == 0 && in.role && (rc = ops_user_set_role(r->ops, r->name, in.role, err)) == 0)
		sessions_set_role(web_sessions(r->w), r->name, in.role);
	if (rc == 0 && in.password && (rc = ops_user_passwd(r->ops, r->name, in.password, err)) == 0 &&
	    strcmp(r->name, r->s.user) != 0)
		sessions_drop_user(web_sessions(r->w), r->name);
	json_decref(root);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s changed the user %s", r->s.user, r->name);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

int
api_user_remove(struct req *r)
{
	char err[ERRLEN];
	int rc = ops_user_remove(r->ops, r->name, err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	sessions_drop_user(web_sessions(r->w), r->name);
	web_log(6, "%s removed the user %s", r->s.user, r->name);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

int
api_config(struct req *r)
{
	char *dump = config_dump(r->cfg);
	json_t *o = json_pack("{s:s?,s:s}", "path", r->cfg->path, "text", dump);
	free(dump);
	return reply_json(r, 200, o);
}

int
api_config_check(struct req *r)
{
	char err[ERRLEN];
	int rc = ops_config_check_text(r->body ? r->body : "", r->body_len, "loaxa.conf",
				       r->ops->state_dir, err);
	if (rc == OPS_INVALID) /* the check ran, and the file is wrong */
		return reply_error(r, 422, "%s", err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	return reply_json(r, 200, json_pack("{s:b,s:s}", "ok", 1, "message",
					    _("The configuration is valid.")));
}
