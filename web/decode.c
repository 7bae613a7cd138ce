/*
 * Decoding what a browser sends: JSON bodies against a table of fields
 * per request kind (unknown, missing, mistyped, oversized fields are
 * refused with a sentence naming the field), paths against route
 * patterns, and the Accept-Language header.  Outside input: anything we
 * do not expect is refused, never a crash.  tests/fuzz/fuzz_web.c feeds
 * these directly.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "web/web_int.h"

#define O(type, f) offsetof(type, f)

const struct field fields_bulletin[] = {
	{ "title", F_STRING, 0, 500, O(struct in_bulletin, title) },
	{ "topic", F_STRING, 0, 64, O(struct in_bulletin, topic) },
	{ "text", F_STRING, 0, WEB_TEXT_MAX, O(struct in_bulletin, text) },
	{ "class", F_STRING, 0, 16, O(struct in_bulletin, klass) },
	{ "region", F_STRING, 0, 16, O(struct in_bulletin, region) },
	{ "zones", F_STRING, 0, 4096, O(struct in_bulletin, zones) },
	{ "source", F_STRING, 0, 500, O(struct in_bulletin, source) },
	{ "valid_from", F_STRING, 0, 10, O(struct in_bulletin, valid_from) },
	{ "valid_until", F_STRING, 0, 10, O(struct in_bulletin, valid_until) },
	{ "airings", F_INT, 0, 10000, O(struct in_bulletin, airings) },
	{ NULL },
};

const struct field fields_login[] = {
	{ "name", F_STRING, 1, 64, O(struct in_login, name) },
	{ "password", F_STRING, 1, 256, O(struct in_login, password) },
	{ NULL },
};

const struct field fields_approve[] = {
	{ "force", F_BOOL, 0, 0, O(struct in_approve, force) },
	{ NULL },
};

const struct field fields_return[] = {
	{ "comment", F_STRING, 0, 2000, O(struct in_return, comment) },
	{ NULL },
};

const struct field fields_queue[] = {
	{ "bulletin", F_ID, 1, 0, O(struct in_queue, bulletin) },
	{ "slot", F_STRING, 0, 64, O(struct in_queue, slot) },
	{ "at", F_STRING, 0, 19, O(struct in_queue, at) },
	{ "zones", F_STRING, 0, 4096, O(struct in_queue, zones) },
	{ NULL },
};

const struct field fields_air[] = {
	{ "bulletin", F_ID, 0, 0, O(struct in_air, bulletin) },
	{ "program", F_STRING, 0, 64, O(struct in_air, program) },
	{ "class", F_STRING, 0, 16, O(struct in_air, klass) },
	{ "zones", F_STRING, 0, 4096, O(struct in_air, zones) },
	{ "confirm", F_BOOL, 0, 0, O(struct in_air, confirm) },
	{ NULL },
};

const struct field fields_live[] = {
	{ "class", F_STRING, 0, 16, O(struct in_live, klass) },
	{ "title", F_STRING, 0, 128, O(struct in_live, title) },
	{ "minutes", F_INT, 0, 60, O(struct in_live, minutes) },
	{ "confirm", F_BOOL, 0, 0, O(struct in_live, confirm) },
	{ NULL },
};

const struct field fields_user_add[] = {
	{ "name", F_STRING, 1, 64, O(struct in_user, name) },
	{ "role", F_STRING, 1, 16, O(struct in_user, role) },
	{ "password", F_STRING, 1, 256, O(struct in_user, password) },
	{ NULL },
};

const struct field fields_user_update[] = {
	{ "role", F_STRING, 0, 16, O(struct in_user, role) },
	{ "password", F_STRING, 0, 256, O(struct in_user, password) },
	{ NULL },
};

static const char *
type_word(enum field_type t)
{
	switch (t) {
	case F_STRING: return _("a string");
	case F_INT: return _("a whole number");
	case F_ID: return _("a whole number above 0");
	case F_BOOL: return _("true or false");
	}
	return "";
}

int
web_decode(const char *body, size_t len, const struct field *fields, void *out, json_t **root,
	   char *err)
{
	*root = NULL;
	for (const struct field *f = fields; f->name; f++) {
		char *p = (char *)out + f->off;
		if (f->type == F_STRING)
			*(const char **)p = NULL;
		else if (f->type == F_BOOL)
			*(int *)p = 0;
		else
			*(int64_t *)p = -1;
	}
	if (!body || !len) {
		err_set(err, _("The request needs a JSON object in its body."));
		return -1;
	}
	json_error_t je;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		err_set(err, _("The request's body is not valid JSON: %s (at character %d)."), je.text,
			je.position);
		return -1;
	}
	*root = o;
	if (!json_is_object(o)) {
		err_set(err, _("The request's body must be a JSON object {...}."));
		return -1;
	}
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		const struct field *f = fields;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (!f->name) {
			err_set(err, _("The request has an unknown field \"%.40s\"."), key);
			return -1;
		}
		if (json_is_null(v))
			continue; /* null: not given */
		char *p = (char *)out + f->off;
		int ok = 0;
		switch (f->type) {
		case F_STRING:
			ok = json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v);
			if (ok && json_string_length(v) > f->max) {
				err_set(err, _("The field \"%s\" is longer than %zu bytes."), f->name, f->max);
				return -1;
			}
			if (ok)
				*(const char **)p = json_string_value(v);
			break;
		case F_INT:
			ok = json_is_integer(v) && json_integer_value(v) >= 0 &&
			     json_integer_value(v) <= (json_int_t)f->max;
			if (ok)
				*(int64_t *)p = json_integer_value(v);
			break;
		case F_ID:
			ok = json_is_integer(v) && json_integer_value(v) > 0 &&
			     json_integer_value(v) < 1000000000000000LL;
			if (ok)
				*(int64_t *)p = json_integer_value(v);
			break;
		case F_BOOL:
			ok = json_is_boolean(v);
			if (ok)
				*(int *)p = json_is_true(v);
			break;
		}
		if (!ok) {
			if (f->type == F_INT)
				err_set(err, _("The field \"%s\" must be a whole number from 0 to %zu."),
					f->name, f->max);
			else
				err_set(err, _("The field \"%s\" must be %s."), f->name, type_word(f->type));
			return -1;
		}
	}
	for (const struct field *f = fields; f->name; f++) {
		char *p = (char *)out + f->off;
		int missing = f->type == F_STRING ? !*(const char **)p
			      : f->type == F_BOOL ? 0
						  : *(int64_t *)p < 0;
		if (f->required && missing) {
			err_set(err, _("The request lacks the field \"%s\"."), f->name);
			return -1;
		}
	}
	return 0;
}

/* A segment of 1 to 64 of a-z A-Z 0-9 . _ - (not "." or ".."). */
static size_t
name_segment(const char *p)
{
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
	if (n == 0 || n > 64 || (p[n] && p[n] != '/') || (n == 1 && p[0] == '.') ||
	    (n == 2 && p[0] == '.' && p[1] == '.'))
		return 0;
	return n;
}

int
web_path_match(const char *pat, const char *path, int64_t *id, char *name)
{
	while (*pat) {
		if (*pat == '#') {
			size_t n = strspn(path, "0123456789");
			if (n == 0 || n > 15 || (path[n] && path[n] != '/'))
				return 0;
			long long v = strtoll(path, NULL, 10);
			if (v <= 0)
				return 0;
			*id = v;
			path += n;
			pat++;
		} else if (*pat == '$') {
			size_t n = name_segment(path);
			if (!n)
				return 0;
			memcpy(name, path, n);
			name[n] = 0;
			path += n;
			pat++;
		} else {
			if (*pat != *path)
				return 0;
			pat++, path++;
		}
	}
	return *path == 0;
}

const char *
web_pick_lang(const char *al)
{
	if (!al)
		return "vi";
	while (*al == ' ')
		al++;
	if ((al[0] == 'e' || al[0] == 'E') && (al[1] == 'n' || al[1] == 'N') &&
	    (!al[2] || al[2] == '-' || al[2] == '_' || al[2] == ',' || al[2] == ';' || al[2] == ' '))
		return "en";
	return "vi";
}
