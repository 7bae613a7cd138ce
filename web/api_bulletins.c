/*
 * The bulletins of the API: list, show (with the lint's findings and the
 * approvers' decisions), add from text or from a recording, edit (a new
 * version), approve or send back, retire, listen ("Nghe thử": rendered
 * as it would air), and the lint of a text before it is saved.  The rules
 * are ops/'s; this file turns JSON into their arguments and back.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "store/store.h"
#include "tts/tts.h"
#include "web/web_int.h"

static int
refuse_decode(struct req *r, json_t *root, const char *err)
{
	json_decref(root);
	return reply_error(r, 400, "%s", err);
}

struct list_ctx {
	json_t *a;
};

static int
list_row(const struct store_bulletin *b, void *arg)
{
	struct list_ctx *x = arg;
	json_array_append_new(x->a, ops_bulletin_json(b, 0));
	return 0;
}

int
api_bulletin_list(struct req *r)
{
	static const char *const states[] = { "draft", "approved", "retired", NULL };
	const char *state = req_query(r, "state"), *topic = req_query(r, "topic");
	int ok = !state;
	for (size_t i = 0; state && states[i]; i++)
		ok |= strcmp(state, states[i]) == 0;
	if (!ok)
		return reply_error(r, 400, _("--state is draft, approved or retired (got %s)"), state);
	if (topic && !config_topic_find(r->cfg, topic))
		return reply_error(r, 400, _("There is no topic \"%s\"; 'loaxa config check' lists the topics."),
				   topic);
	struct list_ctx x = { json_array() };
	char err[ERRLEN];
	if (store_bulletin_list(r->ops->st, topic, state, list_row, &x, err) < 0) {
		json_decref(x.a);
		return reply_ops(r, OPS_ERROR, err);
	}
	return reply_json(r, 200, json_pack("{s:o}", "bulletins", x.a));
}

static int
review_row(const struct store_review *v, void *arg)
{
	json_array_append_new(arg, json_pack("{s:i,s:s,s:s?,s:s?,s:o}", "version", v->version,
					     "decision", v->decision, "reviewer", v->reviewer,
					     "comment", v->comment, "at", json_time(v->at)));
	return 0;
}

/* A bulletin with its text, the lint's findings and the decisions on it. */
static json_t *
bulletin_full(struct req *r, const struct store_bulletin *b)
{
	json_t *o = ops_bulletin_json(b, 1);
	struct tts_finding *f = NULL;
	size_t n = 0;
	char err[ERRLEN];
	ops_bulletin_lint(r->ops, b->text, &f, &n, err);
	json_object_set_new(o, "findings", json_findings(f, n));
	tts_findings_free(f, n);
	json_t *rv = json_array();
	store_review_list(r->ops->st, b->id, review_row, rv, err);
	json_object_set_new(o, "reviews", rv);
	return o;
}

static int
get_bulletin(struct req *r, int64_t id, struct store_bulletin *b)
{
	char err[ERRLEN];
	int rc = store_bulletin_get(r->ops->st, id, b, err);
	if (rc == 0)
		return 0;
	reply_ops(r, rc == STORE_NOTFOUND ? OPS_NOTFOUND : OPS_ERROR, err);
	return -1;
}

int
api_bulletin_get(struct req *r)
{
	struct store_bulletin b;
	if (get_bulletin(r, r->id, &b) < 0)
		return 0;
	json_t *o = bulletin_full(r, &b);
	store_bulletin_clear(&b);
	return reply_json(r, 200, o);
}

int
api_bulletin_version(struct req *r)
{
	/* the pattern's two numbers: the path's second is the version */
	const char *v = strstr(r->url, "/versions/");
	long long version = v ? strtoll(v + 10, NULL, 10) : 0;
	if (version <= 0 || version > 1000000)
		return reply_error(r, 404, _("There is no such version."));
	int64_t id = strtoll(r->url + strlen("/api/v1/bulletins/"), NULL, 10);
	struct store_bulletin b;
	char err[ERRLEN];
	int rc = store_bulletin_get_version(r->ops->st, id, (int)version, &b, err);
	if (rc < 0)
		return reply_ops(r, rc == STORE_NOTFOUND ? OPS_NOTFOUND : OPS_ERROR, err);
	json_t *o = ops_bulletin_json(&b, 1);
	store_bulletin_clear(&b);
	return reply_json(r, 200, o);
}

/* The fields of a bulletin as ops takes them. */
static void
fill_in(struct ops_bulletin_in *o, const struct in_bulletin *in)
{
	memset(o, 0, sizeof *o);
	o->title = in->title;
	o->topic = in->topic;
	o->klass = in->klass;
	o->region = in->region;
	o->zones = in->zones;
	o->source = in->source;
	o->from = in->valid_from;
	o->until = in->valid_until;
	o->text = in->text;
	o->text_len = in->text ? strlen(in->text) : 0;
	o->text_name = _("the text");
	o->airings = (int)in->airings;
}

/* The reply to a bulletin saved: its id and version, and what the lint finds in it. */
static int
saved(struct req *r, unsigned status, int64_t id)
{
	struct store_bulletin b;
	if (get_bulletin(r, id, &b) < 0)
		return 0;
	json_t *o = bulletin_full(r, &b);
	store_bulletin_clear(&b);
	return reply_json(r, status, o);
}

int
api_bulletin_add(struct req *r)
{
	struct in_bulletin in;
	json_t *root;
	char err[ERRLEN];
	if (web_decode(r->body, r->body_len, fields_bulletin, &in, &root, err) < 0)
		return refuse_decode(r, root, err);
	struct ops_bulletin_in o;
	fill_in(&o, &in);
	if (!in.text) {
		json_decref(root);
		return reply_error(r, 400, _("A bulletin needs its text (or send a recording to /api/v1/bulletins/recording)."));
	}
	int64_t id;
	int rc = ops_bulletin_add(r->ops, &o, r->s.user, &id, err);
	json_decref(root);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s added bulletin %lld", r->s.user, (long long)id);
	return saved(r, 201, id);
}

/* ?airings=N: a whole number, or -1 when not given, -2 when wrong. */
static int
query_int(struct req *r, const char *key)
{
	const char *v = req_query(r, key);
	if (!v)
		return -1;
	size_t n = strlen(v);
	if (!n || n > 5 || strspn(v, "0123456789") != n)
		return -2;
	return atoi(v);
}

int
api_bulletin_add_recording(struct req *r)
{
	struct ops_bulletin_in o = { 0 };
	o.title = req_query(r, "title");
	o.topic = req_query(r, "topic");
	o.klass = req_query(r, "class");
	o.source = req_query(r, "source");
	o.from = req_query(r, "valid_from");
	o.until = req_query(r, "valid_until");
	o.zones = req_query(r, "zones");
	o.airings = query_int(r, "airings");
	if (o.airings == -2)
		return reply_error(r, 400, _("--airings takes a whole number from 0 to 10000 (got %s)"),
				   req_query(r, "airings"));
	o.audio = r->upload;
	char err[ERRLEN];
	int64_t id;
	int rc = ops_bulletin_add(r->ops, &o, r->s.user, &id, err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s added recorded bulletin %lld", r->s.user, (long long)id);
	return saved(r, 201, id);
}

int
api_bulletin_edit(struct req *r)
{
	struct in_bulletin in;
	json_t *root;
	char err[ERRLEN];
	if (web_decode(r->body, r->body_len, fields_bulletin, &in, &root, err) < 0)
		return refuse_decode(r, root, err);
	struct ops_bulletin_in o;
	fill_in(&o, &in);
	int rc = ops_bulletin_edit(r->ops, r->id, &o, r->s.user, err);
	json_decref(root);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s edited bulletin %lld", r->s.user, (long long)r->id);
	return saved(r, 200, r->id);
}

int
api_bulletin_approve(struct req *r)
{
	struct in_approve in;
	json_t *root;
	char err[ERRLEN];
	if (web_decode(r->body, r->body_len, fields_approve, &in, &root, err) < 0)
		return refuse_decode(r, root, err);
	json_decref(root);
	struct tts_finding *f;
	size_t n;
	int rc = ops_bulletin_approve(r->ops, r->id, in.force, r->s.user, &f, &n, err);
	if (rc == OPS_REFUSED && n) {
		json_t *o = json_pack("{s:s,s:o}", "error", err, "findings", json_findings(f, n));
		tts_findings_free(f, n);
		return reply_json(r, 409, o);
	}
	tts_findings_free(f, n);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s approved bulletin %lld%s", r->s.user, (long long)r->id,
		in.force ? " (forced past the lint)" : "");
	return saved(r, 200, r->id);
}

int
api_bulletin_return(struct req *r)
{
	struct in_return in;
	json_t *root;
	char err[ERRLEN];
	if (web_decode(r->body, r->body_len, fields_return, &in, &root, err) < 0)
		return refuse_decode(r, root, err);
	int rc = ops_bulletin_return(r->ops, r->id, r->s.user, in.comment, err);
	json_decref(root);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s sent bulletin %lld back", r->s.user, (long long)r->id);
	return saved(r, 200, r->id);
}

int
api_bulletin_retire(struct req *r)
{
	char err[ERRLEN];
	int rc = ops_bulletin_retire(r->ops, r->id, r->s.user, err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s retired bulletin %lld", r->s.user, (long long)r->id);
	return saved(r, 200, r->id);
}

int
api_bulletin_audio(struct req *r)
{
	char err[ERRLEN];
	char *path = xasprintf("%s/cache/.listen-XXXXXX.wav", r->ops->state_dir);
	char *dir = xasprintf("%s/cache", r->ops->state_dir);
	int fd = mkdir_p(dir, 0750, err) < 0 ? -1 : mkstemps(path, 4);
	free(dir);
	if (fd < 0) {
		free(path);
		return reply_ops(r, OPS_ERROR, _("Cannot write into the state directory."));
	}
	close(fd);
	double len = 0;
	web_render_lock(r->w);
	int rc = ops_bulletin_render(r->ops, r->id, path, &len, err);
	web_render_unlock(r->w);
	fd = rc < 0 ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	free(path);
	if (rc < 0)
		return reply_ops(r, rc, err);
	if (fd < 0)
		return reply_ops(r, OPS_ERROR, _("Cannot read the rendered sound."));
	return reply_fd(r, fd, "audio/wav", NULL);
}

int
api_lint(struct req *r)
{
	char err[ERRLEN];
	char *text;
	int rc = ops_text_prepare(r->ops, r->body ? r->body : "", r->body_len, _("the text"), NULL, &text,
				  err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	struct tts_finding *f;
	size_t n;
	rc = ops_bulletin_lint(r->ops, text, &f, &n, err);
	if (rc < 0) {
		free(text);
		return reply_ops(r, rc, err);
	}
	json_t *o = json_pack("{s:s,s:o}", "text", text, "findings", json_findings(f, n));
	tts_findings_free(f, n);
	free(text);
	return reply_json(r, 200, o);
}
