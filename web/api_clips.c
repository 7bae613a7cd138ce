/*
 * Clips in the API: list, upload (the raw file as the body, its name and
 * kind in the query), listen, remove when unused.  Uploads land in a file
 * under STATE_DIR/clips/ (server.c) and are imported by ops, which copies
 * them under a name of its own: the name a browser gives never becomes a
 * path.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "store/store.h"
#include "web/web_int.h"

static json_t *
clip_json(const struct store_clip *c)
{
	return json_pack("{s:I,s:s,s:s,s:f,s:i,s:i,s:f,s:f,s:s,s:o}", "id", (json_int_t)c->id,
			 "name", c->name, "kind", c->kind, "duration_s", c->duration_s,
			 "sample_rate", c->sample_rate, "channels", c->channels, "lufs", c->lufs,
			 "true_peak_dbtp", c->true_peak_db, "sha256", c->sha256, "created_at",
			 json_time(c->created_at));
}

static int
list_row(const struct store_clip *c, void *arg)
{
	json_array_append_new(arg, clip_json(c));
	return 0;
}

int
api_clip_list(struct req *r)
{
	json_t *a = json_array();
	char err[ERRLEN];
	if (store_clip_list(r->ops->st, list_row, a, err) < 0) {
		json_decref(a);
		return reply_ops(r, OPS_ERROR, err);
	}
	return reply_json(r, 200, json_pack("{s:o}", "clips", a));
}

int
api_clip_add(struct req *r)
{
	const char *name = req_query(r, "name"), *kind = req_query(r, "kind");
	char err[ERRLEN];
	int64_t id;
	int rc = ops_clip_import(r->ops, r->upload, name, kind, &id, err);
	if (rc < 0) {
		/* the sentence names our temporary file: say "the upload" */
		char *p = r->upload ? strstr(err, r->upload) : NULL;
		if (p) {
			char e2[ERRLEN];
			snprintf(e2, sizeof e2, "%.*s%s%s", (int)(p - err), err, _("the upload"),
				 p + strlen(r->upload));
			memcpy(err, e2, ERRLEN);
		}
		return reply_ops(r, rc, err);
	}
	struct store_clip c;
	if (store_clip_get_id(r->ops->st, id, &c, err) < 0)
		return reply_ops(r, OPS_ERROR, err);
	web_log(6, "%s imported clip %s", r->s.user, c.name);
	json_t *o = clip_json(&c);
	store_clip_clear(&c);
	return reply_json(r, 201, o);
}

int
api_clip_audio(struct req *r)
{
	struct store_clip c;
	char err[ERRLEN];
	int rc = store_clip_get_id(r->ops->st, r->id, &c, err);
	if (rc < 0)
		return reply_ops(r, rc == STORE_NOTFOUND ? OPS_NOTFOUND : OPS_ERROR, err);
	int fd = open(c.file, O_RDONLY | O_CLOEXEC);
	const char *dot = strrchr(c.file, '.');
	static const struct {
		const char *ext, *type;
	} types[] = { { ".wav", "audio/wav" }, { ".mp3", "audio/mpeg" }, { ".ogg", "audio/ogg" },
		      { ".flac", "audio/flac" }, { ".opus", "audio/ogg" } };
	const char *type = "application/octet-stream";
	for (size_t i = 0; dot && i < ARRAY_LEN(types); i++)
		if (strcasecmp(dot, types[i].ext) == 0)
			type = types[i].type;
	store_clip_clear(&c);
	if (fd < 0)
		return reply_ops(r, OPS_ERROR, _("The clip's file is missing from the state directory."));
	return reply_fd(r, fd, type, NULL);
}

int
api_clip_remove(struct req *r)
{
	char key[24], err[ERRLEN];
	snprintf(key, sizeof key, "%lld", (long long)r->id);
	int rc = ops_clip_remove(r->ops, key, err);
	if (rc < 0)
		return reply_ops(r, rc, err);
	web_log(6, "%s removed clip %s", r->s.user, key);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
