/*
 * The link's messages (formats in man loaxa-link(8)): bulletins and acks
 * that the province signs, log rows, statuses and receipts that communes
 * send, and the topic scheme.  Bodies are read against tables of the
 * fields they may hold: an unknown field, a wrong type or a value out of
 * range refuses the whole message with a sentence naming the field.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "link/link.h"
#include "link/link_int.h"
#include "store/store_province.h"

int
link_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > LINK_ID_LEN)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

/* Valid UTF-8 without control characters, but for TAB, LF and CR when `multiline`. */
static int
clean_text(const char *s, int multiline)
{
	if (utf8_check(s, strlen(s), NULL) < 0)
		return 0;
	for (const char *p = s; *p;) {
		uint32_t cp;
		p += utf8_decode(p, &cp);
		if (multiline && (cp == '\t' || cp == '\n' || cp == '\r'))
			continue;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return 0;
	}
	return 1;
}

static int
is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* ---- reading a body against a table ---- */

enum ftype {
	F_ID,       /* an id */
	F_LINE,     /* one line of text, 1..500 bytes */
	F_TEXT,     /* text, up to LINK_MAX_TEXT */
	F_CLASS,    /* normal | priority | emergency */
	F_DATE,     /* YYYY-MM-DD */
	F_HEX64,    /* a SHA-256 */
	F_TIME,     /* ms since the epoch, > 0 */
	F_COUNT,    /* 0..10000 */
};

struct field {
	const char *name;
	enum ftype type;
	size_t off;
	int required;
};

#define B(f) offsetof(struct link_bulletin, f)
static const struct field bulletin_fields[] = {
	{ "province", F_ID, B(province), 1 },
	{ "id", F_ID, B(id), 1 },
	{ "issued_at", F_TIME, B(issued_at), 1 },
	{ "expires_at", F_TIME, B(expires_at), 0 },
	{ "class", F_CLASS, B(klass), 1 },
	{ "title", F_LINE, B(title), 1 },
	{ "topic", F_ID, B(topic), 1 },
	{ "text", F_TEXT, B(text), 0 },
	{ "source", F_LINE, B(source), 0 },
	{ "airings", F_COUNT, B(airings), 1 },
	{ "slot", F_ID, B(slot), 0 },
	{ "at", F_TIME, B(at), 0 },
	{ "valid_from", F_DATE, B(valid_from), 0 },
	{ "valid_until", F_DATE, B(valid_until), 0 },
	{ "audio_sha256", F_HEX64, B(audio_sha256), 0 },
	{ NULL },
};

/* Reads one field into (char *)base + f->off; -1 with err naming it. */
static int
read_field(const struct field *f, json_t *v, void *base, char *err)
{
	char *dst = (char *)base + f->off;
	if (json_is_null(v)) {
		if (f->required)
			goto bad;
		return 0;
	}
	switch (f->type) {
	case F_TIME:
	case F_COUNT: {
		if (!json_is_integer(v))
			goto bad;
		json_int_t n = json_integer_value(v);
		if (f->type == F_TIME && (n <= 0 || n > 32503680000000LL)) /* before year 3000 */
			goto bad;
		if (f->type == F_COUNT && (n < 0 || n > 10000))
			goto bad;
		if (f->type == F_TIME)
			*(int64_t *)dst = n;
		else
			*(int *)dst = (int)n;
		return 0;
	}
	default:
		break;
	}
	const char *s = json_string_value(v);
	if (!s || strlen(s) != json_string_length(v))
		goto bad;
	int ok = 0, y, m, d;
	switch (f->type) {
	case F_ID: ok = link_id_valid(s); break;
	case F_LINE: ok = *s && strlen(s) <= 500 && clean_text(s, 0); break;
	case F_TEXT: ok = *s && strlen(s) <= LINK_MAX_TEXT && clean_text(s, 1); break;
	case F_CLASS:
		ok = !strcmp(s, "normal") || !strcmp(s, "priority") || !strcmp(s, "emergency");
		break;
	case F_DATE: ok = date_parse(s, &y, &m, &d) == 0; break;
	case F_HEX64: ok = is_hex64(s); break;
	default: break;
	}
	if (!ok)
		goto bad;
	*(char **)dst = xstrdup(s);
	return 0;
bad:
	err_set(err, _("the field \"%s\" is missing or has a wrong value"), f->name);
	return -1;
}

/* A list of 1..max ids (0..max when may_be_empty); *out allocated. */
static int
read_ids(json_t *v, size_t max, int may_be_empty, char ***out, size_t *n, const char *name, char *err)
{
	*out = NULL;
	*n = 0;
	size_t len = json_array_size(v);
	if (!json_is_array(v) || len > max || (!len && !may_be_empty)) {
		err_set(err, _("the field \"%s\" must be a list of 1 to %zu ids"), name, max);
		return -1;
	}
	*out = xcalloc(len + 1, sizeof **out);
	for (size_t i = 0; i < len; i++) {
		const char *s = json_string_value(json_array_get(v, i));
		if (!link_id_valid(s)) {
			err_set(err, _("the field \"%s\" holds something that is not an id"), name);
			return -1;
		}
		(*out)[(*n)++] = xstrdup(s);
	}
	return 0;
}

static int
read_targets(json_t *v, struct link_bulletin *b, char *err)
{
	static const char *const kinds[] = { "all", "districts", "communes" };
	if (!json_is_object(v) || json_object_size(v) != 1)
		goto bad;
	for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
		json_t *x = json_object_get(v, kinds[k]);
		if (!x)
			continue;
		b->target = (enum link_target)k;
		if (k == LINK_TO_ALL) {
			if (json_is_true(x))
				return 0;
			goto bad;
		}
		return read_ids(x, LINK_MAX_TARGETS, 0, &b->targets, &b->n_targets, "targets", err);
	}
bad:
	err_set(err, _("the field \"targets\" must be {\"all\":true}, {\"districts\":[...]} or {\"communes\":[...]}"));
	return -1;
}

static int
bulletin_body(const char *body, const char *province, struct link_bulletin *b, char *err)
{
	json_error_t je;
	json_t *o = json_loads(body, JSON_REJECT_DUPLICATES, &je);
	int rc = -1;
	if (!json_is_object(o)) {
		err_set(err, _("the body is not a JSON object"));
		goto out;
	}
	json_t *t = json_object_get(o, "type");
	if (!json_is_string(t) || strcmp(json_string_value(t), "bulletin") != 0) {
		err_set(err, _("the body is not a bulletin"));
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		if (!strcmp(key, "type"))
			continue;
		if (!strcmp(key, "targets")) {
			if (read_targets(v, b, err) < 0) {
				err_set(err, _("the field \"targets\" must be {\"all\":true}, {\"districts\":[...]} or {\"communes\":[...]} of ids"));
				goto out;
			}
			continue;
		}
		if (!strcmp(key, "zones")) {
			if (read_ids(v, LINK_MAX_ZONES, 1, &b->zones, &b->n_zones, "zones", err) < 0)
				goto out;
			continue;
		}
		const struct field *f = bulletin_fields;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (!f->name) {
			err_set(err, _("the body has an unknown field \"%.64s\""), key);
			goto out;
		}
		if (read_field(f, v, b, err) < 0)
			goto out;
	}
	for (const struct field *f = bulletin_fields; f->name; f++)
		if (f->required && !json_object_get(o, f->name)) {
			err_set(err, _("the field \"%s\" is missing or has a wrong value"), f->name);
			goto out;
		}
	if (!json_object_get(o, "targets")) {
		err_set(err, _("the field \"targets\" is missing"));
		goto out;
	}
	if (!b->text && !b->audio_sha256) {
		err_set(err, _("the bulletin has neither text nor audio"));
		goto out;
	}
	if (b->expires_at && b->expires_at <= b->issued_at) {
		err_set(err, _("the bulletin expires before it was issued"));
		goto out;
	}
	if (b->valid_from && b->valid_until && strcmp(b->valid_until, b->valid_from) < 0) {
		err_set(err, _("the bulletin's valid_until is before its valid_from"));
		goto out;
	}
	if (b->slot && b->at) {
		err_set(err, _("the bulletin names both a slot and a time"));
		goto out;
	}
	if (province && strcmp(b->province, province) != 0) {
		err_set(err, _("the bulletin is of province \"%s\", not ours (\"%s\")"), b->province,
			province);
		goto out;
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
ids_json(char **ids, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(ids[i]));
	return a;
}

char *
link_bulletin_encode(const struct link_bulletin *b, const unsigned char sk[64], size_t *len, char *err)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("bulletin"));
	json_object_set_new(o, "province", str_or_null(b->province));
	json_object_set_new(o, "id", str_or_null(b->id));
	json_object_set_new(o, "issued_at", json_integer(b->issued_at));
	if (b->expires_at)
		json_object_set_new(o, "expires_at", json_integer(b->expires_at));
	json_object_set_new(o, "class", str_or_null(b->klass));
	json_t *t = json_object();
	if (b->target == LINK_TO_ALL)
		json_object_set_new(t, "all", json_true());
	else
		json_object_set_new(t, b->target == LINK_TO_DISTRICTS ? "districts" : "communes",
				    ids_json(b->targets, b->n_targets));
	json_object_set_new(o, "targets", t);
	if (b->n_zones)
		json_object_set_new(o, "zones", ids_json(b->zones, b->n_zones));
	json_object_set_new(o, "title", str_or_null(b->title));
	json_object_set_new(o, "topic", str_or_null(b->topic));
	json_object_set_new(o, "airings", json_integer(b->airings));
	static const struct { const char *k; size_t off; } opt[] = {
		{ "text", B(text) }, { "source", B(source) }, { "slot", B(slot) },
		{ "valid_from", B(valid_from) }, { "valid_until", B(valid_until) },
		{ "audio_sha256", B(audio_sha256) },
	};
	for (size_t i = 0; i < ARRAY_LEN(opt); i++) {
		const char *v = *(char *const *)((const char *)b + opt[i].off);
		if (v)
			json_object_set_new(o, opt[i].k, json_string(v));
	}
	if (b->at)
		json_object_set_new(o, "at", json_integer(b->at));
	char *body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	/* the commune's own check, before anything is signed */
	struct link_bulletin chk = { 0 };
	int rc = bulletin_body(body, NULL, &chk, err);
	link_bulletin_clear(&chk);
	if (rc == 0 && strlen(body) > LINK_MAX_BODY) {
		err_set(err, _("the bulletin is larger than %d bytes"), LINK_MAX_BODY);
		rc = -1;
	}
	if (rc == 0 && (b->audio != NULL) != (b->audio_sha256 != NULL)) {
		err_set(err, _("the bulletin's audio and its SHA-256 go together"));
		rc = -1;
	}
	if (rc < 0) {
		free(body);
		return NULL;
	}
	char *msg = link_seal(body, sk, b->audio, b->audio_len, len);
	free(body);
	if (!msg)
		err_set(err, _("the bulletin is not UTF-8 text"));
	return msg;
}

int
link_bulletin_decode(const void *msg, size_t len, const unsigned char pk[32], const char *province,
		     struct link_bulletin *out, char *err)
{
	memset(out, 0, sizeof *out);
	unsigned char *audio;
	size_t audio_len;
	char *body = link_open(msg, len, pk, &audio, &audio_len, err);
	if (!body)
		return -1;
	int rc = bulletin_body(body, province, out, err);
	free(body);
	out->audio = audio;
	out->audio_len = audio_len;
	if (rc == 0 && (audio != NULL) != (out->audio_sha256 != NULL)) {
		err_set(err, audio ? _("the message carries audio that the signed body does not name")
				   : _("the signed body names audio that the message does not carry"));
		rc = -1;
	}
	if (rc == 0 && audio) {
		char hex[65];
		sha256_hex(audio, audio_len, hex);
		if (strcmp(hex, out->audio_sha256) != 0) {
			err_set(err, _("the audio is not the one the signed body names (SHA-256 differs)"));
			rc = -1;
		}
	}
	if (rc < 0)
		link_bulletin_clear(out);
	return rc;
}

int
link_bulletin_for(const struct link_bulletin *b, const char *district, const char *commune)
{
	if (b->target == LINK_TO_ALL)
		return 1;
	const char *me = b->target == LINK_TO_DISTRICTS ? district : commune;
	for (size_t i = 0; me && i < b->n_targets; i++)
		if (strcmp(b->targets[i], me) == 0)
			return 1;
	return 0;
}

char *
link_targets_text(const struct link_bulletin *b)
{
	if (b->target == LINK_TO_ALL)
		return xstrdup("all");
	struct sbuf s = { 0 };
	sbuf_adds(&s, b->target == LINK_TO_DISTRICTS ? "districts:" : "communes:");
	for (size_t i = 0; i < b->n_targets; i++)
		sbuf_addf(&s, "%s%s", i ? "," : "", b->targets[i]);
	return sbuf_steal(&s);
}

static void
free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void
link_bulletin_clear(struct link_bulletin *b)
{
	char **s[] = { &b->province, &b->id, &b->klass, &b->title, &b->topic, &b->text,
		       &b->source, &b->slot, &b->valid_from, &b->valid_until, &b->audio_sha256 };
	for (size_t i = 0; i < ARRAY_LEN(s); i++)
		free(*s[i]);
	free_list(b->targets, b->n_targets);
	free_list(b->zones, b->n_zones);
	free(b->audio);
	memset(b, 0, sizeof *b);
}

/* ---- acks ---- */

char *
link_ack_encode(const char *province, const char *commune, const struct link_ack_row *rows, size_t n,
		const unsigned char sk[64], size_t *len, char *err)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("[I,i]", (json_int_t)rows[i].airing_id, rows[i].rev));
	json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:o}", "type", "ack", "province", province, "commune",
			      commune, "issued_at", (json_int_t)time_now_ms(), "airings", a);
	char *body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	char *msg = link_seal(body, sk, NULL, 0, len);
	free(body);
	return msg;
}

int
link_ack_decode(const void *msg, size_t len, const unsigned char pk[32], const char *province,
		const char *commune, struct link_ack_row **rows, size_t *n, char *err)
{
	*rows = NULL;
	*n = 0;
	unsigned char *audio;
	size_t audio_len;
	char *body = link_open(msg, len, pk, &audio, &audio_len, err);
	if (!body)
		return -1;
	free(audio);
	json_t *o = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	free(body);
	int rc = -1;
	json_t *a = json_object_get(o, "airings");
	const char *t = json_string_value(json_object_get(o, "type"));
	const char *p = json_string_value(json_object_get(o, "province"));
	const char *c = json_string_value(json_object_get(o, "commune"));
	if (!t || strcmp(t, "ack") != 0 || !p || strcmp(p, province) != 0 || !c ||
	    strcmp(c, commune) != 0 || !json_is_array(a) || json_array_size(a) > 100000) {
		err_set(err, _("the acknowledgement is not for this commune of this province"));
		goto out;
	}
	*rows = xcalloc(json_array_size(a) + 1, sizeof **rows);
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *r = json_array_get(a, i);
		json_t *id = json_array_get(r, 0), *rev = json_array_get(r, 1);
		if (json_array_size(r) != 2 || !json_is_integer(id) || !json_is_integer(rev)) {
			err_set(err, _("the acknowledgement holds a row that is not [airing id, rev]"));
			free(*rows);
			*rows = NULL;
			*n = 0;
			goto out;
		}
		(*rows)[(*n)++] = (struct link_ack_row){ json_integer_value(id),
							 (int)json_integer_value(rev) };
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* ---- from communes ---- */

/* The common head of a commune's message: an object of `type`, naming `commune`. */
static json_t *
commune_message(const void *msg, size_t len, const char *commune, const char *type, char *err)
{
	if (len > LINK_MAX_BODY) {
		err_set(err, _("the message is larger than %d bytes"), LINK_MAX_BODY);
		return NULL;
	}
	json_t *o = json_loadb(msg, len, JSON_REJECT_DUPLICATES, NULL);
	const char *t = json_string_value(json_object_get(o, "type"));
	const char *c = json_string_value(json_object_get(o, "commune"));
	json_t *v = json_object_get(o, "v");
	if (!json_is_object(o) || !json_is_integer(v) || json_integer_value(v) != LINK_VERSION ||
	    !t || strcmp(t, type) != 0) {
		err_set(err, _("the message is not a %s message of version %d"), type, LINK_VERSION);
		json_decref(o);
		return NULL;
	}
	if (!c || strcmp(c, commune) != 0) {
		err_set(err, _("the message names commune \"%.64s\" but came on the topic of \"%s\""),
			c ? c : "", commune);
		json_decref(o);
		return NULL;
	}
	return o;
}

static const char *
opt_str(json_t *o, const char *k, int *bad)
{
	json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v))
		return NULL;
	const char *s = json_string_value(v);
	if (!s || strlen(s) != json_string_length(v) || !clean_text(s, 1) || strlen(s) > 4096)
		*bad = 1;
	return s;
}

static int64_t
opt_int(json_t *o, const char *k, int *bad)
{
	json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		*bad = 1;
	return json_integer_value(v);
}

int
link_log_decode(const void *msg, size_t len, const char *commune, struct link_log *out, char *err)
{
	memset(out, 0, sizeof *out);
	json_t *o = commune_message(msg, len, commune, "log", err);
	if (!o)
		return -1;
	out->root = o;
	json_t *ja = json_object_get(o, "airing");
	json_t *ji = json_object_get(o, "items");
	int bad = !json_is_object(ja) || !json_is_array(ji) || json_array_size(ji) > 10000;
	struct store_province_airing *a = out->a = xcalloc(1, sizeof *a);
	if (!bad) {
		a->commune = json_string_value(json_object_get(o, "commune"));
		a->rev = (int)opt_int(o, "rev", &bad);
		a->published_at = opt_int(o, "published_at", &bad);
		a->airing_id = opt_int(ja, "id", &bad);
		a->slot = opt_str(ja, "slot", &bad);
		a->program = opt_str(ja, "program", &bad);
		a->status = opt_str(ja, "status", &bad);
		a->reason = opt_str(ja, "reason", &bad);
		a->audio_sha256 = opt_str(ja, "audio_sha256", &bad);
		a->scheduled_at = opt_int(ja, "scheduled_at", &bad);
		a->started_at = opt_int(ja, "started_at", &bad);
		a->ended_at = opt_int(ja, "ended_at", &bad);
		a->lateness_ms = opt_int(ja, "lateness_ms", &bad);
		bad |= a->airing_id <= 0 || a->rev <= 0 || !a->status;
	}
	size_t n = bad ? 0 : json_array_size(ji);
	out->items = xcalloc(n + 1, sizeof *out->items);
	for (size_t i = 0; i < n && !bad; i++) {
		json_t *x = json_array_get(ji, i);
		struct store_province_item *it = &out->items[out->n++];
		bad |= !json_is_object(x);
		it->seq = (int)opt_int(x, "seq", &bad);
		it->kind = opt_str(x, "kind", &bad);
		it->bulletin_id = opt_int(x, "bulletin_id", &bad);
		it->bulletin_version = (int)opt_int(x, "bulletin_version", &bad);
		it->title = opt_str(x, "title", &bad);
		it->topic = opt_str(x, "topic", &bad);
		it->klass = opt_str(x, "class", &bad);
		it->msg_id = opt_str(x, "msg_id", &bad);
		it->clip_name = opt_str(x, "clip", &bad);
		json_t *c = json_object_get(x, "completed");
		json_t *off = json_object_get(x, "offset_s"), *l = json_object_get(x, "length_s");
		bad |= !json_is_boolean(c) || !json_is_number(off) || !json_is_number(l) || !it->kind;
		it->completed = json_is_true(c);
		it->offset_s = json_number_value(off);
		it->length_s = json_number_value(l);
		for (size_t k = 0; k + 1 < out->n && !bad; k++)
			bad |= out->items[k].seq == it->seq;
	}
	if (bad) {
		err_set(err, _("the log message of commune %s is malformed"), commune);
		link_log_clear(out);
		return -1;
	}
	return 0;
}

void
link_log_clear(struct link_log *l)
{
	json_decref(l->root);
	free(l->a);
	free(l->items);
	memset(l, 0, sizeof *l);
}

int
link_note_decode(const void *msg, size_t len, const char *commune, const char *type,
		 struct link_note *out, char *err)
{
	memset(out, 0, sizeof *out);
	json_t *o = commune_message(msg, len, commune, type, err);
	if (!o)
		return -1;
	out->root = o;
	out->type = type;
	int bad = 0;
	out->at = opt_int(o, "at", &bad);
	if (!strcmp(type, "status")) {
		json_t *on = json_object_get(o, "online");
		bad |= !json_is_boolean(on);
		out->online = json_is_true(on);
	} else {
		out->msg_id = opt_str(o, "id", &bad);
		out->outcome = opt_str(o, "outcome", &bad);
		out->reason = opt_str(o, "reason", &bad);
		bad |= !out->outcome || (out->msg_id && !link_id_valid(out->msg_id));
	}
	if (bad) {
		err_set(err, _("the %s message of commune %s is malformed"), type, commune);
		link_note_clear(out);
		return -1;
	}
	return 0;
}

void
link_note_clear(struct link_note *n)
{
	json_decref(n->root);
	memset(n, 0, sizeof *n);
}

/* ---- topics ---- */

char *
link_topic_bulletin_all(const char *province)
{
	return xasprintf("loaxa/%s/bulletin/all", province);
}

char *
link_topic_bulletin_district(const char *province, const char *district)
{
	return xasprintf("loaxa/%s/bulletin/district/%s", province, district);
}

char *
link_topic_bulletin_commune(const char *province, const char *commune)
{
	return xasprintf("loaxa/%s/bulletin/commune/%s", province, commune);
}

char *
link_topic_ack(const char *province, const char *commune)
{
	return xasprintf("loaxa/%s/ack/%s", province, commune);
}

char *
link_topic_commune(const char *province, const char *commune, const char *kind)
{
	return xasprintf("loaxa/%s/commune/%s/%s", province, commune, kind);
}

const char *
link_topic_parse_commune(const char *topic, const char *province, char *commune)
{
	char *head = xasprintf("loaxa/%s/commune/", province);
	size_t hl = strlen(head);
	int match = strncmp(topic, head, hl) == 0;
	free(head);
	if (!match)
		return NULL;
	const char *c = topic + hl;
	const char *slash = strchr(c, '/');
	if (!slash || slash == c || (size_t)(slash - c) > LINK_ID_LEN)
		return NULL;
	memcpy(commune, c, (size_t)(slash - c));
	commune[slash - c] = 0;
	if (!link_id_valid(commune))
		return NULL;
	static const char *const kinds[] = { "log", "status", "receipt" };
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (strcmp(slash + 1, kinds[i]) == 0)
			return kinds[i];
	return NULL;
}
