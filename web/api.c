/*
 * The JSON API of loaxa-web: the table of routes (who may use each, what
 * body it takes, its handler), logging in and out, the page strings in the
 * request's language, and what the pages need to build their forms.
 * man/loaxa-web.8 has one example request per route.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "store/store.h"
#include "tts/tts.h"
#include "web/web_int.h"

#define OP ROLE_OPERATOR
#define AP ROLE_APPROVER
#define OF ROLE_OFFICER
#define AD ROLE_ADMIN

const struct route web_routes[] = {
	{ "GET", "/api/v1/i18n", 0, BODY_NONE, api_i18n },
	{ "POST", "/api/v1/login", 0, BODY_JSON, api_login },
	{ "POST", "/api/v1/logout", ROLE_ANY, BODY_NONE, api_logout },
	{ "GET", "/api/v1/session", ROLE_ANY, BODY_NONE, api_session },
	{ "GET", "/api/v1/meta", ROLE_ANY, BODY_NONE, api_meta },
	{ "GET", "/api/v1/dashboard", ROLE_ANY, BODY_NONE, api_dashboard },
	{ "GET", "/api/v1/status", ROLE_ANY, BODY_NONE, api_status },
	{ "GET", "/api/v1/bulletins", OP | AP, BODY_NONE, api_bulletin_list },
	{ "POST", "/api/v1/bulletins", OP, BODY_JSON, api_bulletin_add },
	{ "POST", "/api/v1/bulletins/recording", OP, BODY_AUDIO, api_bulletin_add_recording },
	{ "GET", "/api/v1/bulletins/#", OP | AP, BODY_NONE, api_bulletin_get },
	{ "PUT", "/api/v1/bulletins/#", OP, BODY_JSON, api_bulletin_edit },
	{ "GET", "/api/v1/bulletins/#/versions/#", OP | AP | OF, BODY_NONE, api_bulletin_version },
	{ "GET", "/api/v1/bulletins/#/audio", OP | AP, BODY_NONE, api_bulletin_audio },
	{ "POST", "/api/v1/bulletins/#/approve", AP, BODY_JSON, api_bulletin_approve },
	{ "POST", "/api/v1/bulletins/#/return", AP, BODY_JSON, api_bulletin_return },
	{ "POST", "/api/v1/bulletins/#/retire", OP, BODY_NONE, api_bulletin_retire },
	{ "POST", "/api/v1/lint", OP | AP, BODY_TEXT, api_lint },
	{ "GET", "/api/v1/clips", OP, BODY_NONE, api_clip_list },
	{ "POST", "/api/v1/clips", OP, BODY_AUDIO, api_clip_add },
	{ "GET", "/api/v1/clips/#/audio", OP | AP, BODY_NONE, api_clip_audio },
	{ "DELETE", "/api/v1/clips/#", OP, BODY_NONE, api_clip_remove },
	{ "GET", "/api/v1/queue", OP, BODY_NONE, api_queue_list },
	{ "POST", "/api/v1/queue", OP, BODY_JSON, api_queue_add },
	{ "DELETE", "/api/v1/queue/#", OP, BODY_NONE, api_queue_remove },
	{ "POST", "/api/v1/air", OP, BODY_JSON, api_air },
	{ "POST", "/api/v1/stop", OP, BODY_NONE, api_stop },
	{ "POST", "/api/v1/live", OP, BODY_JSON, api_live },
	{ "POST", "/api/v1/live/stop", OP, BODY_NONE, api_live_stop },
	{ "POST", "/api/v1/reload", AD, BODY_NONE, api_reload },
	{ "GET", "/api/v1/schedule", OP | AP | OF, BODY_NONE, api_schedule },
	{ "GET", "/api/v1/log", OF, BODY_NONE, api_log },
	{ "GET", "/api/v1/report", OF, BODY_NONE, api_report },
	{ "GET", "/api/v1/users", AD, BODY_NONE, api_user_list },
	{ "POST", "/api/v1/users", AD, BODY_JSON, api_user_add },
	{ "PUT", "/api/v1/users/$", AD, BODY_JSON, api_user_update },
	{ "DELETE", "/api/v1/users/$", AD, BODY_NONE, api_user_remove },
	{ "GET", "/api/v1/config", AD, BODY_NONE, api_config },
	{ "POST", "/api/v1/config/check", AD, BODY_TEXT, api_config_check },
};
const size_t web_n_routes = ARRAY_LEN(web_routes);

/* ---- JSON shared by the handlers ---- */

json_t *
json_time(int64_t ms)
{
	if (!ms)
		return json_null();
	char iso[40];
	time_iso8601(ms, iso);
	return json_string(iso);
}

json_t *
json_speech(const struct config *cfg)
{
	struct tts_opts o = { .voice = cfg->tts.voice, .region = cfg->tts.region };
	return json_pack("{s:s,s:s,s:s?}", "engine", cfg->tts.engine, "region", cfg->tts.region,
			 "voice", tts_voice(&o));
}

json_t *
json_findings(const struct tts_finding *f, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:i,s:i,s:s,s:s,s:s}", "line", f[i].line,
						   "column", f[i].col, "kind",
						   tts_lint_kind_name(f[i].kind), "text", f[i].text,
						   "message", f[i].message));
	return a;
}

/* ---- the page strings ---- */

int
api_i18n(struct req *r)
{
	json_t *s = json_object();
	for (size_t i = 0; i < web_n_page_strings; i++)
		json_object_set_new(s, web_page_strings[i].key,
				    json_string(_(web_page_strings[i].text)));
	return reply_json(r, 200, json_pack("{s:s,s:o}", "lang", r->lang, "strings", s));
}

/* ---- logging in ---- */

static json_t *
session_json(const struct session *s, const struct config *cfg)
{
	return json_pack("{s:s,s:s,s:s,s:s}", "name", s->user, "role", s->role, "csrf", s->csrf,
			 "station", cfg->station_name);
}

int
api_login(struct req *r)
{
	struct in_login in;
	json_t *root;
	char err[ERRLEN];
	if (web_decode(r->body, r->body_len, fields_login, &in, &root, err) < 0) {
		json_decref(root);
		return reply_error(r, 400, "%s", err);
	}
	char name[65], role[32];
	snprintf(name, sizeof name, "%s", in.name);
	int wait = sessions_throttled(web_sessions(r->w), name, r->addr);
	int rc = wait ? 0 : ops_user_login(r->ops, name, in.password, role, err);
	json_decref(root); /* the password goes with it */
	if (wait) {
		char s[16];
		snprintf(s, sizeof s, "%d", wait);
		reply_header(r, "Retry-After", s);
		return reply_error(r, 429, _("Too many failed logins; wait %d seconds and try again."),
				   wait);
	}
	if (rc == OPS_REFUSED) {
		sessions_failed(web_sessions(r->w), name, r->addr);
		web_log(5, "a login was refused from %s", r->addr);
		return reply_error(r, 401, "%s", err);
	}
	if (rc < 0)
		return reply_ops(r, rc, err);
	sessions_succeeded(web_sessions(r->w), name, r->addr);
	char token[64];
	struct session s;
	sessions_create(web_sessions(r->w), name, role, token, &s);
	char *cookie = xasprintf("loaxa_session=%s; Path=/; HttpOnly; SameSite=Strict%s", token,
				 r->tls ? "; Secure" : "");
	reply_header(r, "Set-Cookie", cookie);
	free(cookie);
	web_log(6, "%s (%s) logged in from %s", s.user, s.role, r->addr);
	return reply_json(r, 200, session_json(&s, r->cfg));
}

int
api_logout(struct req *r)
{
	const char *token = req_cookie(r);
	if (token)
		sessions_drop(web_sessions(r->w), token);
	reply_header(r, "Set-Cookie", "loaxa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

int
api_session(struct req *r)
{
	return reply_json(r, 200, session_json(&r->s, r->cfg));
}

/* What the forms offer: topics, classes, slots, programmes, and the rules that shape them. */
int
api_meta(struct req *r)
{
	const struct config *c = r->cfg;
	json_t *topics = json_array(), *slots = json_array(), *programs = json_array();
	json_t *zones = json_array(); /* where an airing or a queue entry may go (cụm loa) */
	for (size_t i = 0; i < c->n_zones; i++)
		json_array_append_new(zones, json_string(c->zones[i].name));
	for (size_t i = 0; i < c->n_topics; i++)
		json_array_append_new(topics, json_pack("{s:s,s:s,s:b}", "id", c->topics[i].id, "name",
							c->topics[i].name, "cchc", c->topics[i].cchc));
	for (size_t i = 0; i < c->n_slots; i++)
		json_array_append_new(slots, json_pack("{s:s,s:s,s:s}", "name", c->slots[i].name,
						       "when", c->slots[i].when, "program",
						       c->slots[i].program));
	for (size_t i = 0; i < c->n_programs; i++)
		json_array_append_new(programs, json_string(c->programs[i].name));
	return reply_json(r, 200,
			  json_pack("{s:s,s:o,s:o,s:o,s:o,s:[s,s,s],s:b,s:i,s:i,s:i,s:[s,s,s],s:o}",
				    "station", c->station_name, "topics", topics, "slots", slots,
				    "zones", zones,
				    "programs", programs, "classes", "normal", "priority", "emergency",
				    "approval_required", c->approval_required, "cchc_per_month",
				    c->cchc_per_month, "text_max", WEB_TEXT_MAX, "audio_max",
				    (int)(WEB_AUDIO_MAX >> 20), "regions", "north", "central", "south",
				    "speech", json_speech(c)));
}
