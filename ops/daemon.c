/*
 * ops — talking to loaxad over its control socket (one JSON object per
 * line each way, see daemon/control.h): a request and its answer, the
 * "re-plan" poke after the store changed, and airing now.  Lifted from
 * cli/cmd_daemon.c (ask()) and cli/util.c (cli_poke_daemon()).
 */
#include "ops/ops.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "config/config.h"
#include "store/store.h"

static int
connect_to(const char *path, char *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!path || strlen(path) >= sizeof sa.sun_path) {
		err_set(err, _("The control socket path %s is too long."), path ? path : "");
		return OPS_INVALID;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (e == EACCES)
			err_set(err, _("Not allowed to use the daemon's control socket %s; ask for membership of group loaxa."),
				path);
		else
			err_set(err, _("The daemon is not running (no answer on %s); start it with 'systemctl start loaxad'."),
				path);
		return OPS_DAEMON;
	}
	return fd;
}

int
ops_daemon_ask(const struct config *cfg, json_t *req, int timeout_ms, json_t **out, char *err)
{
	*out = NULL;
	const char *path = cfg->control_socket;
	int fd = connect_to(path, err);
	if (fd < 0)
		return fd;
	char *line = json_dumps(req, JSON_COMPACT);
	size_t len = strlen(line);
	int ok = write(fd, line, len) == (ssize_t)len && write(fd, "\n", 1) == 1;
	free(line);
	struct sbuf b = { 0 };
	/* one deadline for the whole answer: a daemon answering a byte at a time cannot stretch it */
	int64_t end = time_now_ms() + timeout_ms;
	while (ok) {
		int left = (int)(end - time_now_ms());
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) <= 0) {
			ok = 0;
			break;
		}
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
		sbuf_add(&b, buf, (size_t)n);
		if (memchr(buf, '\n', (size_t)n))
			break;
	}
	close(fd);
	json_t *ans = ok && b.s ? json_loads(b.s, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	sbuf_free(&b);
	if (!json_is_object(ans)) {
		json_decref(ans);
		err_set(err, _("The daemon did not answer on %s."), path);
		return OPS_DAEMON;
	}
	if (!json_is_true(json_object_get(ans, "ok"))) {
		const char *e = json_string_value(json_object_get(ans, "error"));
		err_set(err, "%s", e ? e : _("The daemon refused the request."));
		json_decref(ans);
		return OPS_REFUSED;
	}
	*out = ans;
	return 0;
}

void
ops_daemon_poke(const struct config *cfg)
{
	char err[ERRLEN];
	int fd = connect_to(cfg->control_socket, err);
	if (fd < 0)
		return;
	static const char req[] = "{\"cmd\":\"replan\"}\n";
	if (write(fd, req, sizeof req - 1) > 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char buf[256];
		if (poll(&p, 1, 2000) > 0)
			(void)!read(fd, buf, sizeof buf);
	}
	close(fd);
}

void
ops_air_words(json_t *ans, int64_t bulletin_id, const char *program, char *buf, size_t n)
{
	char what[80];
	if (bulletin_id)
		snprintf(what, sizeof what, _("bulletin %lld"), (long long)bulletin_id);
	else
		snprintf(what, sizeof what, _("programme %s"), program ? program : "");
	const char *cuts = json_string_value(json_object_get(ans, "cuts"));
	const char *after = json_string_value(json_object_get(ans, "after"));
	const char *jingle = json_string_value(json_object_get(ans, "jingle"));
	const char *msg = json_string_value(json_object_get(ans, "message"));
	buf[0] = 0;
	if (json_is_true(json_object_get(ans, "emergency"))) {
		int k = cuts ? snprintf(buf, n, _("Emergency %s cuts in now: %s fades out and is logged as cut by it.\n"),
					what, cuts)
			     : snprintf(buf, n, _("Emergency %s airs now.\n"), what);
		if (jingle && k >= 0 && (size_t)k < n)
			snprintf(buf + k, n - (size_t)k, _("The alert tone %s plays first.\n"), jingle);
	} else if (after) {
		snprintf(buf, n, _("The %s airs as soon as %s ends.\n"), what, after);
	} else if (json_object_get(ans, "emergency")) {
		snprintf(buf, n, _("The %s airs now.\n"), what);
	} else if (msg) { /* an older daemon: its own sentence */
		snprintf(buf, n, "%s\n", msg);
	}
}

int
ops_air(struct ops *o, int64_t bulletin_id, const char *program, const char *klass,
	const char *zones, const char *who, char *msg, char *err)
{
	msg[0] = 0;
	if (!bulletin_id == !program) {
		err_set(err, _("give a BULLETIN_ID or --program NAME"));
		return OPS_INVALID;
	}
	if (klass && strcmp(klass, "emergency") != 0 && strcmp(klass, "normal") != 0 &&
	    strcmp(klass, "priority") != 0) {
		err_set(err, _("--class is normal, priority or emergency (got %s)"), klass);
		return OPS_INVALID;
	}
	if (program && !config_program_find(o->cfg, program)) {
		err_set(err, _("There is no programme \"%s\" in the configuration."), program);
		return OPS_INVALID;
	}
	char *to = NULL;
	if (zones && ops_zones_parse(o->cfg, zones, &to, err) < 0)
		return OPS_INVALID;
	if (bulletin_id) {
		/* the daemon checks again; here the sentence is in the asker's language */
		int rc = ops_bulletin_airable(o, bulletin_id, err);
		if (rc < 0) {
			free(to);
			return rc;
		}
	}
	json_t *req = json_pack("{s:s}", "cmd", "air");
	if (to)
		json_object_set_new(req, "zones", json_string(to));
	free(to);
	if (bulletin_id)
		json_object_set_new(req, "bulletin", json_integer(bulletin_id));
	if (program)
		json_object_set_new(req, "program", json_string(program));
	if (klass)
		json_object_set_new(req, "class", json_string(klass));
	if (who)
		json_object_set_new(req, "by", json_string(who));
	json_t *ans;
	int rc = ops_daemon_ask(o->cfg, req, 10000, &ans, err);
	json_decref(req);
	if (rc < 0)
		return rc;
	ops_air_words(ans, bulletin_id, program, msg, ERRLEN);
	json_decref(ans);
	return 0;
}

int
ops_live(struct ops *o, int minutes, const char *klass, const char *zones, const char *title,
	 const char *who, char *msg, char *err)
{
	msg[0] = 0;
	if (klass && strcmp(klass, "emergency") != 0 && strcmp(klass, "normal") != 0) {
		err_set(err, _("--class of a live announcement is normal or emergency (got %s)."), klass);
		return OPS_INVALID;
	}
	if (minutes < 1 || minutes > OPS_LIVE_MAX_MINUTES) {
		err_set(err, _("--minutes is from 1 to %d (got %d)."), OPS_LIVE_MAX_MINUTES, minutes);
		return OPS_INVALID;
	}
	char *to = NULL;
	if (zones && ops_zones_parse(o->cfg, zones, &to, err) < 0)
		return OPS_INVALID;
	const char *dev = config_mic_device(o->cfg);
	char e2[ERRLEN];
	if (audio_input_check(dev, e2) < 0) {
		err_set(err, _("No microphone: %s.  Set audio.mic_device in the configuration to one of the input devices 'loaxa audio devices' lists."),
			e2);
		free(to);
		return OPS_INVALID;
	}
	json_t *req = json_pack("{s:s,s:i}", "cmd", "live", "minutes", minutes);
	if (klass && strcmp(klass, "emergency") == 0)
		json_object_set_new(req, "class", json_string("emergency"));
	if (to)
		json_object_set_new(req, "zones", json_string(to));
	free(to);
	if (title && *title)
		json_object_set_new(req, "title", json_string(title));
	if (who)
		json_object_set_new(req, "by", json_string(who));
	json_t *ans;
	int rc = ops_daemon_ask(o->cfg, req, 10000, &ans, err);
	json_decref(req);
	if (rc < 0)
		return rc;
	const char *device = json_string_value(json_object_get(ans, "device"));
	const char *cuts = json_string_value(json_object_get(ans, "cuts"));
	const char *jingle = json_string_value(json_object_get(ans, "jingle"));
	int k = snprintf(msg, ERRLEN, _("Live from the microphone %s now, for at most %d minutes; 'loaxa stop' ends it.\n"),
			 device ? device : "default", minutes);
	if (cuts && k >= 0 && k < ERRLEN)
		k += snprintf(msg + k, ERRLEN - (size_t)k,
			      _("It cuts in: %s fades out and is logged as cut by it.\n"), cuts);
	if (jingle && k >= 0 && k < ERRLEN)
		snprintf(msg + k, ERRLEN - (size_t)k, _("The jingle %s plays first.\n"), jingle);
	json_decref(ans);
	return 0;
}

int
ops_live_stop(struct ops *o, char *msg, char *err)
{
	msg[0] = 0;
	json_t *req = json_pack("{s:s,s:b}", "cmd", "stop", "live", 1);
	json_t *ans;
	int rc = ops_daemon_ask(o->cfg, req, 10000, &ans, err);
	json_decref(req);
	if (rc < 0)
		return rc;
	json_decref(ans);
	snprintf(msg, ERRLEN, "%s", _("The live announcement ends: the microphone fades out and the closing jingle, if one is set, follows.\n"));
	return 0;
}

void
ops_when(int64_t ms, int64_t now, char *buf, size_t n)
{
	char day[16], today[16], tomorrow[16], hm[16], year[8], this_year[8];
	time_format(ms, "%Y-%m-%d", day, sizeof day);
	time_format(now, "%Y-%m-%d", today, sizeof today);
	/* 24 h on: the zones loaxa serves (Asia/Ho_Chi_Minh) keep no summer time */
	time_format(now + 86400000LL, "%Y-%m-%d", tomorrow, sizeof tomorrow);
	time_format(ms, "%H:%M", hm, sizeof hm);
	time_format(ms, "%Y", year, sizeof year);
	time_format(now, "%Y", this_year, sizeof this_year);
	if (strcmp(day, today) == 0) {
		snprintf(buf, n, _("%s today"), hm);
	} else if (strcmp(day, tomorrow) == 0) {
		snprintf(buf, n, _("%s tomorrow"), hm);
	} else {
		char dm[16];
		time_format(ms, strcmp(year, this_year) == 0 ? "%d/%m" : "%d/%m/%Y", dm, sizeof dm);
		snprintf(buf, n, "%s %s", hm, dm);
	}
}

int
ops_air_at(struct ops *o, int64_t bulletin_id, const char *klass, int64_t at_ms, int repeat,
	   int every_minutes, const char *zones, const char *who, int64_t *first, char *err)
{
	if (klass && strcmp(klass, "emergency") != 0 && strcmp(klass, "normal") != 0 &&
	    strcmp(klass, "priority") != 0) {
		err_set(err, _("--class is normal, priority or emergency (got %s)"), klass);
		return OPS_INVALID;
	}
	if (repeat < 1 || repeat > OPS_AIR_MAX_REPEAT) {
		err_set(err, _("--repeat is a number of airings from 1 to %d."), OPS_AIR_MAX_REPEAT);
		return OPS_INVALID;
	}
	if (repeat > 1 && (every_minutes < 1 || every_minutes > 24 * 60)) {
		err_set(err, _("--repeat needs --every MINUTES (1 to 1440): how long between the airings."));
		return OPS_INVALID;
	}
	if (at_ms < time_now_ms() - 60000) {
		err_set(err, _("That time is in the past; give a time to come."));
		return OPS_INVALID;
	}
	char *to = NULL;
	if (zones && ops_zones_parse(o->cfg, zones, &to, err) < 0)
		return OPS_INVALID;
	int rc = ops_bulletin_airable(o, bulletin_id, err);
	/* all of them or none: a half-stored series would air in part */
	if (rc < 0 || store_begin(o->st, err) < 0) {
		free(to);
		return rc < 0 ? rc : OPS_ERROR;
	}
	for (int i = 0; i < repeat; i++) {
		struct store_air_request r = { .bulletin_id = bulletin_id,
					       .at_ms = at_ms + (int64_t)i * every_minutes * 60000,
					       .emergency = klass && strcmp(klass, "emergency") == 0,
					       .by = (char *)who, .zones = to };
		if (store_air_request_add(o->st, &r, err) < 0) {
			store_rollback(o->st);
			free(to);
			return OPS_ERROR;
		}
		if (i == 0)
			*first = r.id;
	}
	free(to);
	if (store_commit(o->st, err) < 0)
		return OPS_ERROR;
	ops_daemon_poke(o->cfg);
	return 0;
}
