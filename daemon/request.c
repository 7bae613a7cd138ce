/*
 * Parsing one control request (control.h).  Outside input: anything that is
 * not exactly a request we know is refused with a sentence, never a crash.
 * Kept apart from the listener (control.c) so that the fuzz target needs
 * nothing else of the daemon.
 */
#include "daemon/control.h"

#include <jansson.h>
#include <string.h>

#include "base/base.h"

int
control_parse(const char *line, size_t len, struct control_req *req, char *err)
{
	memset(req, 0, sizeof *req);
	if (len > CONTROL_MAX_REQUEST) {
		err_set(err, _("The request is larger than %d bytes."), CONTROL_MAX_REQUEST);
		return -1;
	}
	json_error_t je;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		err_set(err, _("The request is not a JSON object: %s."), je.text);
		return -1;
	}
	if (!json_is_object(o)) {
		err_set(err, _("The request is not a JSON object."));
		json_decref(o);
		return -1;
	}
	const char *cmd = json_string_value(json_object_get(o, "cmd"));
	static const char *const names[] = { "status", "air", "stop", "reload", "replan", "live" };
	size_t i = 0;
	while (cmd && i < ARRAY_LEN(names) && strcmp(cmd, names[i]) != 0)
		i++;
	if (!cmd || i == ARRAY_LEN(names)) {
		err_set(err, _("Unknown request; known are status, air, stop, reload, replan and live."));
		json_decref(o);
		return -1;
	}
	req->cmd = (enum control_cmd)i;
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		if (strcmp(key, "cmd") == 0)
			continue;
		if (req->cmd == CONTROL_STOP && strcmp(key, "live") == 0) {
			if (!json_is_boolean(v))
				goto bad_value;
			req->live = json_is_true(v);
			continue;
		}
		if (req->cmd != CONTROL_AIR && req->cmd != CONTROL_LIVE)
			goto unknown;
		if (req->cmd == CONTROL_LIVE && strcmp(key, "minutes") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > CONTROL_LIVE_MAX_MINUTES)
				goto bad_value;
			req->minutes = (int)json_integer_value(v);
		} else if (req->cmd == CONTROL_LIVE && strcmp(key, "title") == 0) {
			const char *t = json_string_value(v);
			size_t bad;
			if (!t || !*t || strlen(t) >= sizeof req->title ||
			    utf8_check(t, strlen(t), &bad) < 0)
				goto bad_value;
			strcpy(req->title, t);
		} else if (req->cmd == CONTROL_LIVE && strcmp(key, "by") != 0 &&
			   strcmp(key, "zones") != 0 && strcmp(key, "class") != 0) {
			goto unknown;
		} else if (strcmp(key, "bulletin") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) <= 0)
				goto bad_value;
			req->bulletin = json_integer_value(v);
		} else if (strcmp(key, "program") == 0) {
			const char *p = json_string_value(v);
			if (!p || !*p || strlen(p) >= sizeof req->program)
				goto bad_value;
			strcpy(req->program, p);
		} else if (strcmp(key, "class") == 0) {
			const char *c = json_string_value(v);
			if (!c)
				goto bad_value;
			if (strcmp(c, "emergency") == 0)
				req->emergency = 1;
			else if (strcmp(c, "normal") != 0 && strcmp(c, "priority") != 0)
				goto bad_value;
		} else if (strcmp(key, "by") == 0) {
			const char *b = json_string_value(v);
			size_t bad;
			if (!b || !*b || strlen(b) >= sizeof req->by || utf8_check(b, strlen(b), &bad) < 0)
				goto bad_value;
			strcpy(req->by, b);
		} else if (strcmp(key, "zones") == 0) {
			const char *z = json_string_value(v);
			if (!z || !*z || strlen(z) >= sizeof req->zones)
				goto bad_value;
			strcpy(req->zones, z);
		} else {
			goto unknown;
		}
	}
	if (req->cmd == CONTROL_LIVE && !req->minutes)
		req->minutes = CONTROL_LIVE_MINUTES;
	if (req->cmd == CONTROL_AIR && !req->bulletin == !req->program[0]) {
		err_set(err, _("air needs either a bulletin or a program."));
		json_decref(o);
		return -1;
	}
	json_decref(o);
	return 0;
unknown:
	err_set(err, _("The request has an unknown field \"%s\"."), key);
	json_decref(o);
	return -1;
bad_value:
	err_set(err, _("The request's field \"%s\" has a wrong value."), key);
	json_decref(o);
	return -1;
}
