/*
 * What airs: the queue, air now (an emergency must be confirmed), stop,
 * reload, the daemon's status, the coming week's schedule, and the
 * dashboard.  The dashboard is what every open page polls, so it is built
 * at most once a second per language and served from memory in between:
 * two hundred browsers polling cost loaxad one status request a second.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "config/config.h"
#include "store/store.h"
#include "web/web_int.h"

#define DASHBOARD_MAX_AGE_MS 1000

static int
refuse_decode(struct req *r, json_t *root, const char *err)
{
	json_decref(root);
	return reply_error(r, 400, "%s", err);
}

/* The current title of a bulletin, or NULL (caller frees). */
static char *
title_of(struct req *r, int64_t id)
{
	struct store_bulletin b;
	char err[ERRLEN];
	if (store_bulletin_get(r->ops->st, id, &b, err) < 0)
		return NULL;
	char *t = xstrdup(b.title);
	store_bulletin_clear(&b);
	return t;
}

/* ---- the queue ---- */

static int
queue_row(const struct store_queue_entry *e, void *arg)
{
	struct req *r = ((void **)arg)[0];
	json_t *a = ((void **)arg)[1];
	char *title = title_of(r, e->bulletin_id);
	json_array_append_new(a, json_pack("{s:I,s:I,s:s?,s:s?,s:o,s:o,s:s?,s:s?}", "id",
					   (json_int_t)e->id, "bulletin_id",
					   (json_int_t)e->bulletin_id, "title", title, "slot", e->slot,
					   "at", json_time(e->at_ms), "created_at",
					   json_time(e->created_at), "by", e->by, "zones", e->zones));
	free(title);
	return 0;
}

int
api_queue_list(struct req *r)
{
	json_t *a = json_array();
	void *arg[2] = { r, a };
	char err[ERRLEN];
	if (store_queue_list(r->ops->st, queue_row, arg, err) < 0) {
		json_decref(a);
		return reply_ops(r, OPS_ERROR, err);
	}
	return reply_json(r, 200, json_pack("{s:o}", "queue", a));
}

int
api_queue_add(struct req *r)
{
	struct in_queue in;
	json_t *root;
	char err[ERRLEN];
	if (web_decode(r->body, r->body_len, fields_queue, &in, &root, err) < 0)
		return refuse_decode(r, root, err);
	int64_t entry;
	int rc = ops_queue_add(r->ops, in.bulletin, in.slot, in.at, in.zones, r->s.user, &entry,
				   err);
	json_decref(root);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s queued bulletin %lld (entry %lld)", r->s.user, (long long)in.bulletin,
		(long long)entry);
	return reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)entry));
}

int
api_queue_remove(struct req *r)
{
	char err[ERRLEN];
	int rc = ops_queue_remove(r->ops, r->id, err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s took queue entry %lld back", r->s.user, (long long)r->id);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* ---- the daemon ---- */

int
api_air(struct req *r)
{
	struct in_air in;
	json_t *root;
	char err[ERRLEN], msg[ERRLEN];
	if (web_decode(r->body, r->body_len, fields_air, &in, &root, err) < 0)
		return refuse_decode(r, root, err);
	int64_t id = in.bulletin > 0 ? in.bulletin : 0;
	/* an emergency cuts what is on air: the page asks first, and says so */
	int emergency = in.klass && strcmp(in.klass, "emergency") == 0;
	if (!emergency && id && !in.klass) {
		struct store_bulletin b;
		if (store_bulletin_get(r->ops->st, id, &b, err) == 0) {
			emergency = strcmp(b.klass, "emergency") == 0;
			store_bulletin_clear(&b);
		}
	}
	if (emergency && !in.confirm) {
		json_decref(root);
		return reply_error(r, 409, _("An emergency airing cuts what is on air; confirm it (\"confirm\": true) to go ahead."));
	}
	int rc = ops_air(r->ops, id, in.program, in.klass, in.zones, r->s.user, msg, err);
	json_decref(root);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s asked to air %s %lld%s", r->s.user, id ? "bulletin" : "a programme",
		(long long)id, emergency ? " (emergency)" : "");
	return reply_json(r, 200, json_pack("{s:b,s:s}", "ok", 1, "message", msg));
}

/*
 * The microphone on air (the dashboard's "Go live"): the same rule as
 * `loaxa live` (ops_live()); an emergency one cuts what airs, so the page
 * asks first, as for an emergency airing.
 */
int
api_live(struct req *r)
{
	struct in_live in;
	json_t *root;
	char err[ERRLEN], msg[ERRLEN];
	if (web_decode(r->body, r->body_len, fields_live, &in, &root, err) < 0)
		return refuse_decode(r, root, err);
	int emergency = in.klass && strcmp(in.klass, "emergency") == 0;
	if (emergency && !in.confirm) {
		json_decref(root);
		return reply_error(r, 409, _("An emergency airing cuts what is on air; confirm it (\"confirm\": true) to go ahead."));
	}
	int rc = ops_live(r->ops, in.minutes > 0 ? (int)in.minutes : OPS_LIVE_MINUTES, in.klass, NULL,
			  in.title, r->s.user, msg, err);
	json_decref(root);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s went live%s", r->s.user, emergency ? " (emergency)" : "");
	return reply_json(r, 200, json_pack("{s:b,s:s}", "ok", 1, "message", msg));
}

int
api_live_stop(struct req *r)
{
	char err[ERRLEN], msg[ERRLEN];
	int rc = ops_live_stop(r->ops, msg, err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s ended the live announcement", r->s.user);
	return reply_json(r, 200, json_pack("{s:b,s:s}", "ok", 1, "message", msg));
}

static int
simple(struct req *r, const char *cmd)
{
	char err[ERRLEN];
	json_t *req = json_pack("{s:s}", "cmd", cmd), *ans;
	int rc = ops_daemon_ask(r->cfg, req, 10000, &ans, err);
	json_decref(req);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s asked the daemon to %s", r->s.user, cmd);
	json_object_del(ans, "ok");
	json_object_set_new(ans, "ok", json_true());
	return reply_json(r, 200, ans);
}

int
api_stop(struct req *r)
{
	return simple(r, "stop");
}

int
api_reload(struct req *r)
{
	return simple(r, "reload");
}

int
api_status(struct req *r)
{
	char err[ERRLEN];
	json_t *req = json_pack("{s:s}", "cmd", "status"), *ans;
	int rc = ops_daemon_ask(r->cfg, req, 3000, &ans, err);
	json_decref(req);
	if (rc < 0)
		return reply_ops(r, rc, err);
	json_object_del(ans, "ok");
	json_object_set_new(ans, "speech", json_speech(r->cfg));
	return reply_json(r, 200, ans);
}

/* ---- the schedule ---- */

static json_t *
plan_json(struct req *r, const struct ops_airing_plan *a)
{
	json_t *b = json_array();
	for (size_t k = 0; k < a->n_bulletins; k++) {
		char *t = title_of(r, a->bulletins[k]);
		json_array_append_new(b, json_pack("{s:I,s:s?}", "id", (json_int_t)a->bulletins[k],
						   "title", t));
		free(t);
	}
	/* the slot's zones; null: every zone (or none configured) */
	json_t *z = a->zones ? json_array() : json_null();
	for (char *const *p = a->zones; p && *p; p++)
		json_array_append_new(z, json_string(*p));
	return json_pack("{s:o,s:s?,s:s?,s:f,s:o,s:I,s:b,s:o}", "at", json_time(a->at_ms), "slot",
			 a->slot, "program", a->program, "expected_length_s", a->expected_length_s,
			 "bulletins", b, "left_for_later", (json_int_t)a->left_for_later, "planned",
			 a->planned, "zones", z);
}

static json_t *
cchc_json(const struct ops_schedule *s)
{
	return json_pack("{s:s,s:i,s:i,s:i,s:b}", "month", s->month, "aired", s->cchc_aired,
			 "aired_and_planned", s->cchc_planned, "target", s->target, "met", s->met);
}

int
api_schedule(struct req *r)
{
	const char *d = req_query(r, "days");
	int days = 7;
	if (d) {
		size_t n = strlen(d);
		days = n && n <= 3 && strspn(d, "0123456789") == n ? atoi(d) : -1;
	}
	struct ops_schedule s;
	char err[ERRLEN];
	int rc = ops_schedule(r->ops, time_now_ms(), days, 1000, &s, err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	json_t *a = json_array();
	for (size_t i = 0; i < s.n; i++)
		json_array_append_new(a, plan_json(r, &s.airings[i]));
	json_t *o = json_pack("{s:o,s:o}", "airings", a, "cchc_month", cchc_json(&s));
	ops_schedule_free(&s);
	return reply_json(r, 200, o);
}

/* ---- the dashboard ---- */

struct problems {
	json_t *a;
};

static int
problem_row(const struct store_log_row *row, void *arg)
{
	json_t *a = arg;
	/* one entry per airing (its first row) */
	size_t n = json_array_size(a);
	json_t *last = n ? json_array_get(a, n - 1) : NULL;
	if (last && json_integer_value(json_object_get(last, "airing_id")) == row->a.id)
		return 0;
	if (strcmp(row->a.status, "failed") != 0 && strcmp(row->a.status, "missed") != 0)
		return 0;
	json_array_append_new(a, json_pack("{s:I,s:o,s:s?,s:s?,s:s,s:s?}", "airing_id",
					   (json_int_t)row->a.id, "scheduled_at",
					   json_time(row->a.scheduled_at), "slot", row->a.slot,
					   "program", row->a.program, "status", row->a.status,
					   "reason", row->a.reason));
	web_reason_texts(json_array_get(a, json_array_size(a) - 1));
	return 0;
}

/* Local midnight of yesterday. */
static int64_t
yesterday(int64_t now)
{
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_mday -= 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

static char *
build_dashboard(struct req *r)
{
	char err[ERRLEN];
	int64_t now = time_now_ms();
	json_t *o = json_object();
	/* the daemon: on air, next, or why it cannot be asked */
	json_t *req = json_pack("{s:s}", "cmd", "status"), *ans = NULL;
	int rc = ops_daemon_ask(r->cfg, req, 2000, &ans, err);
	json_decref(req);
	json_t *d = json_object();
	json_object_set_new(d, "running", json_boolean(rc == 0));
	if (rc == 0) {
		json_t *p = json_object_get(ans, "playing");
		long long bid;
		const char *prog = json_string_value(json_object_get(p, "program"));
		if (json_is_object(p) && prog && sscanf(prog, "bulletin-%lld", &bid) == 1) {
			char *t = title_of(r, bid);
			json_object_set_new(p, "bulletin_id", json_integer(bid));
			json_object_set_new(p, "title", t ? json_string(t) : json_null());
			free(t);
		}
		json_object_set(d, "playing", p ? p : json_null());
		json_object_set(d, "next", json_object_get(ans, "next"));
		json_object_set(d, "version", json_object_get(ans, "version"));
		json_decref(ans);
	} else {
		json_object_set_new(d, "error", json_string(err));
	}
	json_object_set_new(o, "daemon", d);
	json_object_set_new(o, "device",
			    json_pack("{s:s,s:s?}", "output", r->cfg->audio.output, "device",
				      r->cfg->audio.device));
	json_object_set_new(o, "speech", json_speech(r->cfg));
	/* the next airings and the month's CCHC count, with the daemon's picker */
	struct ops_schedule s;
	if (ops_schedule(r->ops, now, 2, 5, &s, err) == 0) {
		json_t *a = json_array();
		for (size_t i = 0; i < s.n && i < 5; i++)
			json_array_append_new(a, plan_json(r, &s.airings[i]));
		json_object_set_new(o, "next_airings", a);
		json_object_set_new(o, "cchc_month", cchc_json(&s));
		ops_schedule_free(&s);
	} else {
		json_object_set_new(o, "next_airings", json_array());
		json_object_set_new(o, "schedule_error", json_string(err));
	}
	json_t *pr = json_array();
	store_log(r->ops->st, yesterday(now), 0, NULL, NULL, problem_row, pr, err);
	json_object_set_new(o, "problems", pr);
	json_object_set_new(o, "generated_at", json_time(now));
	char *txt = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return txt;
}

/*
 * The dashboard, at most a second old.  One request rebuilds it while the
 * others are served the previous one: a slow answer of the daemon never
 * holds up two hundred pages.
 */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t built;
	char *json[2]; /* vi, en */
	int64_t at[2];
	int building[2];
} dash = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

int
api_dashboard(struct req *r)
{
	int k = strcmp(r->lang, "en") == 0;
	pthread_mutex_lock(&dash.mu);
	int64_t now = time_now_ms();
	int stale = !dash.json[k] || now - dash.at[k] >= DASHBOARD_MAX_AGE_MS || now < dash.at[k];
	if (stale && !dash.building[k]) {
		dash.building[k] = 1;
		pthread_mutex_unlock(&dash.mu);
		char *fresh = build_dashboard(r);
		pthread_mutex_lock(&dash.mu);
		free(dash.json[k]);
		dash.json[k] = fresh;
		dash.at[k] = time_now_ms();
		dash.building[k] = 0;
		pthread_cond_broadcast(&dash.built);
	}
	/* the very first one is being built: wait for it rather than build it again */
	while (!dash.json[k] && dash.building[k])
		pthread_cond_wait(&dash.built, &dash.mu);
	char *copy = xstrdup(dash.json[k] ? dash.json[k] : "{}");
	pthread_mutex_unlock(&dash.mu);
	int rc = reply_json_text(r, 200, copy);
	free(copy);
	return rc;
}
