/*
 * The control socket: a Unix stream socket (mode 0660, group loaxa) on
 * which `loaxa` asks for status, airings, a stop or a reload, one JSON line
 * each way (the protocol is in control.h, the parser in request.c).  The
 * listening socket and each client are descriptors of the loop's table;
 * a client sends one request, gets one answer and is closed.
 */
#include <errno.h>
#include <grp.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "daemon/control.h"
#include "daemon/daemon.h"
#include "playlists/playlists.h"
#include "scheduler/scheduler.h"
#include "store/store.h"

static void accept_client(struct daemon *d, int fd, void *arg);

int
control_listen(struct daemon *d, char *err)
{
	const char *path = d->cfg->control_socket;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		err_set(err, _("The control socket path %s is too long."), path);
		return -1;
	}
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir_p(dir, 0750, err) < 0) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		err_set(err, _("Cannot create the control socket: %s."), strerror(errno));
		return -1;
	}
	/* a socket left by a crash: take it over, unless a daemon answers there */
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		close(fd);
		err_set(err, _("Another loaxad is running on %s; stop it first."), path);
		return -1;
	}
	unlink(path);
	mode_t old = umask(0117);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc < 0 || listen(fd, 8) < 0) {
		err_set(err, _("Cannot listen on the control socket %s: %s."), path, strerror(errno));
		close(fd);
		return -1;
	}
	struct group *g = getgrnam("loaxa");
	if (g && chown(path, (uid_t)-1, g->gr_gid) < 0)
		daemon_log(4, _("cannot give the control socket to group loaxa: %s"), strerror(errno));
	chmod(path, 0660);
	d->sock_path = xstrdup(path);
	d->lfd = fd;
	daemon_watch(d, fd, accept_client, NULL);
	return 0;
}

/*
 * Who may talk to us: root, our own user, and members of group loaxa (as
 * primary or supplementary group).  The kernel gives the peer's groups with
 * the socket (SO_PEERGROUPS): /proc/PID/status is hidden from loaxad by
 * the unit's ProtectProc=invisible.
 */
static int
peer_allowed(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof cr;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return 0;
	if (cr.uid == 0 || cr.uid == getuid())
		return 1;
	struct group *g = getgrnam("loaxa");
	if (!g)
		return 0;
	if (cr.gid == g->gr_gid)
		return 1;
	gid_t groups[256]; /* more groups than this: ERANGE, refused */
	len = sizeof groups;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return 0;
	for (size_t i = 0; i < len / sizeof *groups; i++)
		if (groups[i] == g->gr_gid)
			return 1;
	return 0;
}

static json_t *
id_array(const int64_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static void
flight_json(void *arg, const char *slot, const char *program, int64_t at_ms, const char *state,
	    const int64_t *bulletins, size_t nb, const int64_t *entries, size_t ne)
{
	char iso[40];
	time_iso8601(at_ms, iso);
	json_array_append_new(arg, json_pack("{s:o,s:s,s:s,s:I,s:s,s:o,s:o}", "slot",
					     slot ? json_string(slot) : json_null(), "program",
					     program, "at", iso, "at_ms", (json_int_t)at_ms, "state",
					     state, "bulletins", id_array(bulletins, nb),
					     "queue_entries", id_array(entries, ne)));
}

/* The titles of the bulletins an airing carries (what rendering left out excluded). */
static json_t *
titles(const struct airing *a)
{
	json_t *t = json_array();
	for (size_t i = 0; a->prog && i < pl_count(a->prog); i++) {
		const struct pl_item *it = &a->prog->items[i];
		if (it->kind == PL_BULLETIN && !(a->state >= AIRING_READY && it->skipped))
			json_array_append_new(t, json_string(it->label ? it->label : ""));
	}
	return t;
}

/* An airing as `status` shows it: when, what, its titles, and whether it is ready. */
static json_t *
airing_json(const struct airing *a, int64_t at)
{
	char iso[40];
	time_iso8601(at, iso);
	json_t *o = json_pack("{s:s,s:I,s:o,s:s}", "at", iso, "at_ms", (json_int_t)at, "slot",
			      a && a->slot ? json_string(a->slot) : json_null(), "program",
			      a ? a->program : "");
	return o;
}

static int
take_first(const struct store_air_request *r, void *arg)
{
	*(struct store_air_request *)arg = *r;
	((struct store_air_request *)arg)->by = NULL; /* freed by the caller of the callback */
	((struct store_air_request *)arg)->zones = NULL;
	return 1;
}

/* The earliest stored request not yet planned (loaxa air --at): 1, or 0 for none. */
static int
first_request(struct daemon *d, struct store_air_request *r)
{
	char err[ERRLEN];
	memset(r, 0, sizeof *r);
	if (store_air_requests(d->st, 0, take_first, r, err) < 0)
		daemon_log(3, "%s", err);
	return r->id != 0;
}

static json_t *
status_json(struct daemon *d)
{
	json_t *o = json_pack("{s:b}", "ok", 1);
	json_t *playing = json_null();
	char iso[40];
	for (struct airing *a = d->airings; a; a = a->next) {
		if (a->state != AIRING_PLAYING)
			continue;
		double pos = workers_position(d->w);
		playing = json_object();
		json_object_set_new(playing, "slot", a->slot ? json_string(a->slot) : json_null());
		json_object_set_new(playing, "program", json_string(a->program));
		json_object_set_new(playing, "position_s", json_real(pos));
		json_object_set_new(playing, "length_s", json_real(pl_length(a->prog)));
		time_iso8601(a->started_ms, iso);
		json_object_set_new(playing, "started_at", json_string(iso));
		json_object_set_new(playing, "started_ms", json_integer(a->started_ms));
		json_object_set_new(playing, "emergency", json_boolean(a->emergency));
		/* the item on air now: a bulletin's title, or a clip's name */
		const char *item = NULL;
		for (size_t i = 0; i < pl_count(a->prog); i++) {
			const struct pl_item *it = &a->prog->items[i];
			if (!it->skipped && pos >= it->offset_s && pos < it->offset_s + it->length_s)
				item = it->label;
		}
		json_object_set_new(playing, "item", item ? json_string(item) : json_null());
		json_object_set_new(playing, "titles", titles(a));
		break;
	}
	json_object_set_new(o, "playing", playing);
	size_t slot;
	int64_t t;
	json_t *next = json_null();
	int64_t now = time_now_ms();
	/* an airing planned but not yet on air comes first: it is being prepared or ready */
	const struct airing *first = NULL;
	struct store_air_request req;
	for (struct airing *a = d->airings; a; a = a->next)
		if (a->state < AIRING_PLAYING && !a->asap && a->at_ms >= now &&
		    (!first || a->at_ms < first->at_ms))
			first = a;
	if (first) {
		next = airing_json(first, first->at_ms);
		json_object_set_new(next, "titles", titles(first));
		json_object_set_new(next, "state", json_string(first->state >= AIRING_READY
								    ? "ready" : "rendering"));
	} else if (first_request(d, &req) && (plan_next(d, now, &slot, &t) < 0 || req.at_ms < t)) {
		/* a stored request (loaxa air --at) comes before the next slot */
		char prog[32];
		snprintf(prog, sizeof prog, "bulletin-%lld", (long long)req.bulletin_id);
		next = airing_json(NULL, req.at_ms);
		json_object_set_new(next, "program", json_string(prog));
		json_object_set_new(next, "state", json_string("not-prepared"));
	} else if (plan_next(d, now, &slot, &t) == 0) {
		/* not prepared yet: its bulletins are picked and rendered lead_seconds before */
		next = json_object();
		time_iso8601(t, iso);
		json_object_set_new(next, "at", json_string(iso));
		json_object_set_new(next, "at_ms", json_integer(t));
		json_object_set_new(next, "slot", json_string(d->sched->slots[slot].name));
		json_object_set_new(next, "program", json_string(d->sched->slots[slot].program));
		json_object_set_new(next, "state", json_string("not-prepared"));
		time_iso8601(t - (int64_t)d->cfg->lead_seconds * 1000, iso);
		json_object_set_new(next, "prepared_at", json_string(iso));
	}
	json_object_set_new(o, "next", next);
	/* what is planned and not yet logged, with its picks: `loaxa schedule` counts them */
	json_t *planned = json_array();
	plan_in_flight(d, flight_json, planned);
	json_object_set_new(o, "planned", planned);
	json_object_set_new(o, "config", d->cfg->path ? json_string(d->cfg->path) : json_null());
	json_object_set_new(o, "state_dir", json_string(d->cfg->state_dir));
	json_object_set_new(o, "version", json_string(LOAXA_VERSION));
	return o;
}

static json_t *
refused(const char *err)
{
	return json_pack("{s:b,s:s}", "ok", 0, "error", err);
}

static json_t *
done(const char *message)
{
	return json_pack("{s:b,s:s}", "ok", 1, "message", message);
}

/*
 * The answer to `air`: what happens, as facts the asker words in its own
 * language (cli/cmd_daemon.c): "emergency" (it cuts in now), "cuts" (what
 * it cuts), "after" (what it waits for), "jingle" (the alert tone first);
 * and "message", the same in the daemon's language.
 */
static json_t *
air_answer(struct daemon *d, const struct airing *a, const struct airing *on)
{
	char what[128] = "";
	if (on)
		snprintf(what, sizeof what, "%s", on->slot ? on->slot : on->program);
	int jingle = a->emergency && a->prog && pl_count(a->prog) > 1 && d->cfg->emergency_jingle;
	const char *msg = a->emergency ? (on ? _("emergency: it cuts in now, what was airing fades out")
					     : _("emergency: it airs now"))
			  : on       ? _("airing as soon as the player is free")
				     : _("airing now");
	json_t *o = json_pack("{s:b,s:s,s:b}", "ok", 1, "message", msg, "emergency", a->emergency);
	json_object_set_new(o, a->emergency ? "cuts" : "after", on ? json_string(what) : json_null());
	json_object_set_new(o, "jingle", jingle ? json_string(d->cfg->emergency_jingle) : json_null());
	return o;
}

/*
 * The answer to `live`: facts the asker words in its own language
 * (ops_live_words()): "device" (the microphone), "minutes", "cuts" (what
 * it cuts, or null), "jingle" (what plays first, or null).
 */
static json_t *
live_answer(struct daemon *d, const struct airing *a, const struct airing *on, int minutes)
{
	const char *dev = config_mic_device(d->cfg);
	/* the opening jingle: a first item that is not the microphone, and not left out */
	int jingle = a->prog && pl_count(a->prog) > 1 && a->prog->items[0].kind != PL_STREAM &&
		     !a->prog->items[0].skipped;
	json_t *o = json_pack("{s:b,s:s,s:s,s:i}", "ok", 1, "message",
			      on ? _("live: it cuts in now, what was airing fades out")
				 : _("live: the microphone is on air now"),
			      "device", dev ? dev : "default", "minutes", minutes);
	json_object_set_new(o, "cuts", on ? json_string(on->slot ? on->slot : on->program)
					  : json_null());
	json_object_set_new(o, "jingle", jingle ? json_string(d->cfg->live_jingle) : json_null());
	return o;
}

static json_t *
handle_request(struct daemon *d, const char *line, size_t len)
{
	char err[ERRLEN];
	struct control_req r;
	if (control_parse(line, len, &r, err) < 0)
		return refused(err);
	switch (r.cmd) {
	case CONTROL_STATUS:
		return status_json(d);
	case CONTROL_AIR: {
		/* what is on the player now: an emergency cuts it, anything else waits for it */
		struct airing *on = plan_on_player(d), *a;
		if (plan_manual(d, &r, &a, err) < 0)
			return refused(err);
		return air_answer(d, a, on);
	}
	case CONTROL_LIVE: {
		struct airing *on = plan_on_player(d), *a;
		if (plan_live(d, &r, &a, err) < 0)
			return refused(err);
		return live_answer(d, a, on, r.minutes);
	}
	case CONTROL_STOP: {
		struct airing *on = NULL;
		for (struct airing *a = d->airings; a; a = a->next)
			if (a->state == AIRING_PLAYING)
				on = a;
		if (r.live && (!on || !on->live))
			return refused(_("No live announcement is on air."));
		if (!on)
			return done(_("nothing is airing"));
		snprintf(on->stop_why, sizeof on->stop_why, "%s", N_("stopped by the operator"));
		if (on->live && !on->ending) {
			/* the microphone fades out and the closing jingle follows */
			on->ending = 1;
			workers_end_relays(d->w, DAEMON_FADE_S);
			return done(_("the live announcement ends; the closing jingle follows"));
		}
		workers_stop(d->w, DAEMON_FADE_S);
		return done(_("stopped; logged as interrupted"));
	}
	case CONTROL_RELOAD:
		if (daemon_reload(d, err) < 0)
			return refused(err);
		return done(_("configuration reloaded"));
	case CONTROL_REPLAN:
		return json_pack("{s:b}", "ok", 1);
	}
	return json_pack("{s:b}", "ok", 0);
}

static void
client_close(struct daemon *d, struct client *c)
{
	daemon_unwatch(d, c->fd);
	close(c->fd);
	c->fd = -1;
	sbuf_free(&c->in);
}

static void
client_reply(struct client *c, json_t *ans)
{
	char *s = json_dumps(ans, JSON_COMPACT);
	json_decref(ans);
	char *line = xasprintf("%s\n", s);
	/* replies are small; a client that does not read them loses them */
	(void)!write(c->fd, line, strlen(line));
	free(line);
	free(s);
}

static void
client_input(struct daemon *d, int fd, void *arg)
{
	struct client *c = arg;
	char buf[4096];
	ssize_t n = read(c->fd, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(d, c);
		return;
	}
	sbuf_add(&c->in, buf, (size_t)n);
	char *nl = memchr(c->in.s, '\n', c->in.len);
	if (!nl) {
		if (c->in.len > CONTROL_MAX_REQUEST) {
			client_reply(c, refused(_("The request is too large.")));
			client_close(d, c);
		}
		return;
	}
	client_reply(c, handle_request(d, c->in.s, (size_t)(nl - c->in.s)));
	client_close(d, c);
}

static void
accept_client(struct daemon *d, int lfd, void *arg)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (!peer_allowed(fd)) {
		static const char msg[] = "{\"ok\":false,\"error\":\"not allowed: join group loaxa\"}\n";
		(void)!write(fd, msg, sizeof msg - 1);
		close(fd);
		return;
	}
	struct client *slot = NULL;
	for (int i = 0; i < DAEMON_MAX_CLIENTS && !slot; i++)
		if (d->clients[i].fd < 0)
			slot = &d->clients[i];
	if (!slot) { /* full: the oldest idle client gives way */
		slot = &d->clients[0];
		client_close(d, slot);
	}
	slot->fd = fd;
	daemon_watch(d, fd, client_input, slot);
}

void
control_close(struct daemon *d)
{
	for (int i = 0; i < DAEMON_MAX_CLIENTS; i++)
		if (d->clients[i].fd >= 0)
			client_close(d, &d->clients[i]);
	if (d->lfd >= 0) {
		daemon_unwatch(d, d->lfd);
		close(d->lfd);
		unlink(d->sock_path);
		d->lfd = -1;
	}
	free(d->sock_path);
	d->sock_path = NULL;
}
