/*
 * loaxa-link, the commune's end of the province link.  One thread, one
 * poll() over
 *
 *   - the broker's socket (link/mqtt.c: it reconnects by itself);
 *   - an inotify descriptor on the state directory and the database's WAL:
 *     any write to the store wakes us to look at the outbox, which the
 *     store's triggers fill when an airing row lands (store_link.h), so
 *     the daemon knows nothing of us; a slow poll (10 s) covers a missed
 *     event;
 *   - a signalfd: TERM/INT stop.
 *
 * Down: bulletins from the province (signed: refused and logged unless the
 * signature verifies, the targets name us, the id is new and it is not
 * stale), stored through the store like `loaxa bulletin add` + `loaxa
 * queue add`, emergencies aired at once through the daemon's control
 * socket like `loaxa air` (asked again while the daemon is down, until
 * they expire: an expired emergency never airs late).
 *
 * Up: each airing row that landed (kept in the outbox until the province
 * acknowledges that exact revision: a broker that dies with it in memory
 * loses nothing), a receipt per bulletin, and the status every
 * link.status_seconds, retained, with a will saying "offline".
 *
 * Nothing here can hold an airing back: the daemon airs from the store
 * whether we run or not.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <mosquitto.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "config/config.h"
#include "link/link.h"
#include "link/link_int.h"
#include "ops/ops.h"
#include "store/store.h"
#include "store/store_link.h"

#define SLOW_POLL_MS 10000
#define PUMP_DELAY_MS 50
#define MAX_IN_FLIGHT 256
#define PAGE 256
#define AIR_RETRY_MS 1000
#define EMERGENCY_GRACE_MS (60 * 60 * 1000) /* an emergency without expiry: asked for an hour */
#define FUTURE_SKEW_MS (5 * 60 * 1000)
#define REFUSAL_RECEIPT_MS 1000

struct in_flight {
	int64_t airing_id;
	int rev;
	int64_t sent_at;
};

struct commune {
	struct config *cfg;
	struct store *st;
	struct store_link *sl;
	struct link_mqtt *mq;
	unsigned char pk[32];
	const char *province, *district, *me;
	char *t_all, *t_district, *t_commune, *t_ack, *t_log, *t_status, *t_receipt;
	int sfd, ifd, wal_wd;
	char *wal_path;
	struct in_flight *fl;
	size_t n_fl, cap_fl;
	int64_t pump_at, next_status, next_air, next_slow;
	int refused;
	char last_refusal[300];
	int64_t last_refusal_receipt;
	int stopping;
};

static void
lg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
lg(int prio, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "<%d>", prio);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
publish_json(struct commune *c, const char *topic, json_t *o, int retain)
{
	char err[ERRLEN];
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (link_mqtt_publish(c->mq, topic, s, strlen(s), retain, NULL, err) < 0)
		lg(6, "%s", err); /* the province learns it from the log and status later */
	free(s);
}

static void
receipt(struct commune *c, const char *msg_id, const char *outcome, const char *reason)
{
	json_t *o = json_pack("{s:i,s:s,s:s,s:s,s:I}", "v", LINK_VERSION, "type", "receipt", "commune",
			      c->me, "outcome", outcome, "at", (json_int_t)time_now_ms());
	json_object_set_new(o, "id", msg_id && link_id_valid(msg_id) ? json_string(msg_id) : json_null());
	json_object_set_new(o, "reason", reason ? json_string(reason) : json_null());
	publish_json(c, c->t_receipt, o, 0);
}

/* Refuses a message from the province: logged, counted, told (at most once a second). */
static void
refuse(struct commune *c, const char *topic, const char *msg_id, const char *why)
{
	c->refused++;
	snprintf(c->last_refusal, sizeof c->last_refusal, "%s", why);
	lg(4, _("refused a bulletin on %s%s%s: %s"), topic, msg_id ? " " : "", msg_id ? msg_id : "",
	   why);
	int64_t now = time_now_ms();
	if (now - c->last_refusal_receipt >= REFUSAL_RECEIPT_MS) {
		c->last_refusal_receipt = now;
		receipt(c, msg_id, "refused", why);
	}
}

/* ---- bulletins down ---- */

/*
 * The recording of an audio bulletin into STATE_DIR/clips/, measured like
 * `loaxa clip import` does; c is filled for the store (file owned by c).
 */
static int
import_audio(struct commune *c, const struct link_bulletin *b, struct store_clip *clip, char *err)
{
	char *dir = xasprintf("%s/clips", store_state_dir(c->st));
	char *tmp = xasprintf("%s/.link-XXXXXX", dir);
	int rc = -1, fd = -1;
	if (mkdir_p(dir, 0750, err) < 0)
		goto out;
	fd = mkstemp(tmp);
	if (fd < 0 || write(fd, b->audio, b->audio_len) != (ssize_t)b->audio_len || fsync(fd) < 0) {
		err_set(err, _("Cannot write into %s: %s."), dir, strerror(errno));
		goto out;
	}
	struct audio_info info;
	if (audio_probe(tmp, &info, err) < 0)
		goto out;
	char *final = xasprintf("%s/%.12s-%s", dir, b->audio_sha256, b->id);
	if (rename(tmp, final) < 0) {
		err_set(err, _("Cannot write into %s: %s."), dir, strerror(errno));
		free(final);
		goto out;
	}
	*clip = (struct store_clip){
		.name = xasprintf("province-%s", b->id),
		.kind = xstrdup("recording"),
		.file = final,
		.original = xasprintf("province %s bulletin %s", b->province, b->id),
		.duration_s = info.duration_s,
		.sample_rate = info.sample_rate,
		.channels = info.channels,
		.frames = info.frames,
		.lufs = info.lufs,
		.true_peak_db = info.true_peak_db,
		.sha256 = xstrdup(b->audio_sha256),
	};
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

static void
poke_daemon(struct commune *c)
{
	ops_daemon_poke(c->cfg);
}

/*
 * Of the zones (cụm loa) a province bulletin names, those this commune
 * has, "thon-1,thon-3" (caller frees): the bulletin's zones, and where its
 * emergency airing goes.  NULL: every zone, when it names none, or none of
 * ours (said in the log, as is each name left out; quiet when say is 0).
 */
static char *
our_zones(struct commune *c, const char *id, char *const *names, size_t n, int say)
{
	if (!n)
		return NULL;
	struct sbuf to = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (config_zone_find(c->cfg, names[i], NULL))
			sbuf_addf(&to, "%s%s", to.len ? "," : "", names[i]);
		else if (say)
			lg(4, _("bulletin %s of the province names the zone \"%s\", which this commune does not have; it is left out"),
			   id, names[i]);
	}
	if (!to.s && say)
		lg(4, _("none of the zones bulletin %s of the province names is this commune's; it may air to every zone"),
		   id);
	return to.s;
}

/* As our_zones(), from the JSON array link_inbox keeps. */
static char *
our_zones_json(struct commune *c, const char *id, const char *json)
{
	json_t *a = json ? json_loads(json, 0, NULL) : NULL;
	size_t n = json_is_array(a) ? json_array_size(a) : 0;
	char **names = xcalloc(n + 1, sizeof *names);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (json_is_string(json_array_get(a, i)))
			names[k++] = (char *)json_string_value(json_array_get(a, i));
	char *to = our_zones(c, id, names, k, 0);
	free(names);
	json_decref(a);
	return to;
}

/* Asks the daemon to air bulletin id now to zones (NULL: every zone), cutting what plays; 0, or -1 with err. */
static int
air_now(struct commune *c, int64_t id, const char *zones, char *err)
{
	json_t *req = json_pack("{s:s,s:I,s:s}", "cmd", "air", "bulletin", (json_int_t)id, "class",
				"emergency");
	if (zones)
		json_object_set_new(req, "zones", json_string(zones));
	json_t *ans;
	int rc = ops_daemon_ask(c->cfg, req, 5000, &ans, err);
	json_decref(req);
	json_decref(ans);
	return rc < 0 ? -1 : 0;
}

static int64_t
emergency_deadline(int64_t issued_at, int64_t expires_at)
{
	return expires_at ? expires_at : issued_at + EMERGENCY_GRACE_MS;
}

static void
bulletin_in(struct commune *c, const char *topic, const void *payload, size_t len)
{
	char err[ERRLEN];
	char *to = NULL; /* the bulletin's zones, those of ours it names */
	struct link_bulletin b;
	if (link_bulletin_decode(payload, len, c->pk, c->province, &b, err) < 0) {
		refuse(c, topic, NULL, err);
		return;
	}
	int64_t now = time_now_ms();
	if (!link_bulletin_for(&b, c->district, c->me)) {
		char *t = link_targets_text(&b);
		err_set(err, _("its signed targets (%s) do not name this commune or its district"), t);
		free(t);
		refuse(c, topic, b.id, err);
		goto out;
	}
	if (b.issued_at < now - (int64_t)c->cfg->link.max_age_days * 86400000) {
		err_set(err, _("it was issued more than %d days ago (link.max_age_days): stale, or replayed"),
			c->cfg->link.max_age_days);
		refuse(c, topic, b.id, err);
		goto out;
	}
	if (b.issued_at > now + FUTURE_SKEW_MS) {
		err_set(err, _("it was issued in the future; check the clocks of the province and the commune"));
		refuse(c, topic, b.id, err);
		goto out;
	}
	/* a repeat is refused before anything is written (its recording above all) */
	int seen = store_link_received(c->sl, b.province, b.id, err);
	if (seen != 0) {
		if (seen > 0)
			refuse(c, topic, b.id, _("its id was received before: a repeated delivery or a replay, not aired again"));
		else
			lg(3, _("cannot store bulletin %s of the province: %s"), b.id, err);
		goto out;
	}
	int emergency = strcmp(b.klass, "emergency") == 0;
	int expired = emergency && now >= emergency_deadline(b.issued_at, b.expires_at);
	if (!config_topic_find(c->cfg, b.topic))
		lg(4, _("bulletin %s of the province has the topic \"%s\", which this commune's configuration does not know; it is kept as it is"),
		   b.id, b.topic);
	char until[16] = "";
	if (!emergency && b.expires_at && !b.valid_until)
		time_format(b.expires_at, "%Y-%m-%d", until, sizeof until);
	char *source = b.source ? xstrdup(b.source) : xasprintf(_("province %s"), b.province);
	to = our_zones(c, b.id, b.zones, b.n_zones, 1);
	struct store_bulletin sb = {
		.title = b.title, .topic = b.topic, .klass = b.klass, .text = b.text, .source = source,
		.valid_from = b.valid_from, .valid_until = b.valid_until ? b.valid_until : (until[0] ? until : NULL),
		.airings_wanted = emergency ? 0 : b.airings,
		.state = (char *)(expired ? "retired" : "approved"),
		.zones = to,
	};
	struct store_clip clip = { 0 }, *clipp = NULL;
	if (b.audio) {
		if (import_audio(c, &b, &clip, err) < 0) {
			refuse(c, topic, b.id, err);
			free(source);
			goto out;
		}
		clipp = &clip;
	}
	struct store_queue_entry q = { .at_ms = b.at }, *qp = NULL;
	if (!emergency && (b.slot || b.at)) {
		if (b.slot && !config_slot_find(c->cfg, b.slot))
			lg(4, _("bulletin %s asks for the slot \"%s\", which this commune does not have; it is queued for the next slot"),
			   b.id, b.slot);
		else
			q.slot = b.slot;
		qp = &q;
	}
	char *zones = NULL;
	if (b.n_zones) {
		json_t *z = json_array();
		for (size_t i = 0; i < b.n_zones; i++)
			json_array_append_new(z, json_string(b.zones[i]));
		zones = json_dumps(z, JSON_COMPACT);
		json_decref(z);
	}
	struct store_link_receipt r = {
		.province = b.province, .msg_id = b.id, .klass = b.klass, .issued_at = b.issued_at,
		.expires_at = b.expires_at, .zones = zones,
		.outcome = expired ? "expired" : emergency ? "air-pending" : "queued",
	};
	int rc = store_link_receive(c->sl, &r, clipp, &sb, qp, err);
	free(zones);
	free(source);
	if (rc < 0 && rc != STORE_EXISTS && clipp)
		unlink(clip.file);
	store_clip_clear(&clip);
	if (rc == STORE_EXISTS) {
		refuse(c, topic, b.id, _("its id was received before: a repeated delivery or a replay, not aired again"));
		goto out;
	}
	if (rc < 0) {
		/* not stored: the broker gets no acknowledgement... it will, but the
		 * province is told, and the id stays new for a resend */
		lg(3, _("cannot store bulletin %s of the province: %s"), b.id, err);
		receipt(c, b.id, "failed", err);
		goto out;
	}
	lg(6, _("bulletin %s of the province stored as bulletin %lld (%s, %s)"), b.id, (long long)sb.id,
	   b.klass, r.outcome);
	if (expired) {
		lg(4, _("emergency %s of the province expired before it arrived; it is not aired late"), b.id);
		receipt(c, b.id, "expired", NULL);
	} else if (emergency) {
		if (air_now(c, sb.id, to, err) == 0) {
			store_link_set_outcome(c->sl, b.province, b.id, "aired", err);
			receipt(c, b.id, "aired", NULL);
		} else {
			lg(3, _("cannot air emergency %s now (%s); asking again every second until it expires"),
			   b.id, err);
			receipt(c, b.id, "air-pending", err);
			c->next_air = now + AIR_RETRY_MS;
		}
	} else {
		poke_daemon(c);
		receipt(c, b.id, "queued", NULL);
	}
out:
	free(to);
	link_bulletin_clear(&b);
}

struct pending_ctx {
	struct commune *c;
	int left;
};

static int
retry_one(const struct store_link_receipt *r, void *arg)
{
	struct pending_ctx *x = arg;
	struct commune *c = x->c;
	char err[ERRLEN];
	char *prov = xstrdup(r->province), *id = xstrdup(r->msg_id);
	char *zones = our_zones_json(c, id, r->zones);
	if (time_now_ms() >= emergency_deadline(r->issued_at, r->expires_at)) {
		lg(4, _("emergency %s of the province expired before the daemon could air it; it is not aired late"),
		   id);
		store_link_set_outcome(c->sl, prov, id, "expired", err);
		receipt(c, id, "expired", NULL);
	} else if (air_now(c, r->bulletin_id, zones, err) == 0) {
		lg(5, _("emergency %s of the province handed to the daemon"), id);
		store_link_set_outcome(c->sl, prov, id, "aired", err);
		receipt(c, id, "aired", NULL);
	} else {
		x->left++;
	}
	free(prov);
	free(id);
	free(zones);
	return 0;
}

struct receipts {
	struct store_link_receipt *r;
	size_t n;
};

static int
collect(const struct store_link_receipt *r, void *arg)
{
	struct receipts *l = arg;
	l->r = xrealloc(l->r, (l->n + 1) * sizeof *l->r);
	l->r[l->n] = *r;
	l->r[l->n].province = xstrdup(r->province);
	l->r[l->n].msg_id = xstrdup(r->msg_id);
	l->r[l->n].zones = r->zones ? xstrdup(r->zones) : NULL;
	l->r[l->n].klass = l->r[l->n].outcome = NULL;
	l->n++;
	return 0;
}

/* Emergencies the daemon could not take yet: asked again, or expired. */
static void
retry_air(struct commune *c)
{
	char err[ERRLEN];
	struct pending_ctx x = { c, 0 };
	struct receipts list = { 0 };
	/* outcomes change as we go: collect first, then act */
	if (store_link_inbox_list(c->sl, "air-pending", collect, &list, err) < 0)
		lg(3, "%s", err);
	for (size_t i = 0; i < list.n; i++) {
		retry_one(&list.r[i], &x);
		free((char *)list.r[i].province);
		free((char *)list.r[i].msg_id);
		free((char *)list.r[i].zones);
	}
	free(list.r);
	c->next_air = x.left ? time_now_ms() + AIR_RETRY_MS : 0;
}

/* ---- log rows up ---- */

static struct in_flight *
find_flight(struct commune *c, int64_t id)
{
	for (size_t i = 0; i < c->n_fl; i++)
		if (c->fl[i].airing_id == id)
			return &c->fl[i];
	return NULL;
}

struct row_ctx {
	json_t *airing, *items;
};

static int
row_json(const struct store_log_row *r, const char *msg_id, void *arg)
{
	struct row_ctx *x = arg;
	if (!x->airing) {
		x->airing = json_pack("{s:I,s:o,s:o,s:I,s:s,s:o,s:I,s:o}", "id", (json_int_t)r->a.id,
				      "slot", r->a.slot ? json_string(r->a.slot) : json_null(),
				      "program", r->a.program ? json_string(r->a.program) : json_null(),
				      "scheduled_at", (json_int_t)r->a.scheduled_at, "status", r->a.status,
				      "reason", r->a.reason ? json_string(r->a.reason) : json_null(),
				      "lateness_ms", (json_int_t)r->a.lateness_ms, "audio_sha256",
				      r->a.audio_sha256 ? json_string(r->a.audio_sha256) : json_null());
		if (r->a.started_at)
			json_object_set_new(x->airing, "started_at", json_integer(r->a.started_at));
		if (r->a.ended_at)
			json_object_set_new(x->airing, "ended_at", json_integer(r->a.ended_at));
	}
	if (!r->it.kind)
		return 0;
	json_t *it = json_pack("{s:i,s:s,s:f,s:f,s:b}", "seq", r->it.seq, "kind", r->it.kind, "offset_s",
			       r->it.offset_s, "length_s", r->it.length_s, "completed", r->it.completed);
	if (r->it.bulletin_id) {
		json_object_set_new(it, "bulletin_id", json_integer(r->it.bulletin_id));
		json_object_set_new(it, "bulletin_version", json_integer(r->it.bulletin_version));
	}
	static const char *const keys[] = { "title", "topic", "class", "clip", "msg_id" };
	const char *vals[] = { r->title, r->topic, r->klass, r->clip_name, msg_id };
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (vals[i])
			json_object_set_new(it, keys[i], json_string(vals[i]));
	json_array_append_new(x->items, it);
	return 0;
}

static int
publish_row(struct commune *c, const struct store_link_out *o, char *err)
{
	struct row_ctx x = { NULL, json_array() };
	int rc = store_link_airing(c->sl, o->airing_id, row_json, &x, err);
	if (rc < 0) {
		json_decref(x.airing);
		json_decref(x.items);
		if (rc == STORE_NOTFOUND) /* cannot happen (rows are never deleted): drop it */
			store_link_outbox_done(c->sl, o->airing_id, o->rev, err);
		return -1;
	}
	json_t *m = json_pack("{s:i,s:s,s:s,s:i,s:I,s:o,s:o}", "v", LINK_VERSION, "type", "log",
			      "commune", c->me, "rev", o->rev, "published_at", (json_int_t)time_now_ms(),
			      "airing", x.airing, "items", x.items);
	char *s = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	rc = link_mqtt_publish(c->mq, c->t_log, s, strlen(s), 0, NULL, err);
	free(s);
	return rc;
}

/*
 * Publishes the outbox rows not in flight (or in flight for longer than
 * link.retry_seconds), up to MAX_IN_FLIGHT unacknowledged at once.
 */
static void
pump(struct commune *c)
{
	c->pump_at = 0;
	if (!link_mqtt_connected(c->mq))
		return;
	char err[ERRLEN];
	int64_t now = time_now_ms(), retry = (int64_t)c->cfg->link.retry_seconds * 1000;
	struct store_link_out page[PAGE];
	int64_t after = 0;
	size_t n;
	do {
		if (store_link_outbox(c->sl, after, page, PAGE, &n, err) < 0) {
			lg(3, "%s", err);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			after = page[i].airing_id;
			struct in_flight *f = find_flight(c, page[i].airing_id);
			if (f && f->rev == page[i].rev && now - f->sent_at < retry)
				continue;
			if (!f && c->n_fl >= MAX_IN_FLIGHT)
				return;
			if (publish_row(c, &page[i], err) < 0) {
				lg(4, "%s", err);
				continue;
			}
			if (!f) {
				if (c->n_fl == c->cap_fl) {
					c->cap_fl = c->cap_fl ? 2 * c->cap_fl : 64;
					c->fl = xrealloc(c->fl, c->cap_fl * sizeof *c->fl);
				}
				f = &c->fl[c->n_fl++];
			}
			*f = (struct in_flight){ page[i].airing_id, page[i].rev, now };
		}
	} while (n == PAGE);
}

static void
ack_in(struct commune *c, const void *payload, size_t len)
{
	char err[ERRLEN];
	struct link_ack_row *rows;
	size_t n;
	if (link_ack_decode(payload, len, c->pk, c->province, c->me, &rows, &n, err) < 0) {
		refuse(c, c->t_ack, NULL, err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (store_link_outbox_done(c->sl, rows[i].airing_id, rows[i].rev, err) < 0)
			lg(3, "%s", err);
		struct in_flight *f = find_flight(c, rows[i].airing_id);
		if (f && f->rev == rows[i].rev)
			*f = c->fl[--c->n_fl];
	}
	free(rows);
	if (n)
		c->pump_at = time_now_ms(); /* room for more */
}

/* ---- status up ---- */

static void
status_out(struct commune *c)
{
	char err[ERRLEN], iso[40];
	json_t *o = json_pack("{s:i,s:s,s:s,s:b,s:I}", "v", LINK_VERSION, "type", "status", "commune",
			      c->me, "online", 1, "at", (json_int_t)time_now_ms());
	json_t *req = json_pack("{s:s}", "cmd", "status");
	json_t *ans;
	ops_daemon_ask(c->cfg, req, 2000, &ans, err);
	json_decref(req);
	json_object_set_new(o, "daemon", json_string(ans ? "up" : "down"));
	json_object_set_new(o, "on_air", ans ? json_incref(json_object_get(ans, "playing")) : json_null());
	json_object_set_new(o, "next", ans ? json_incref(json_object_get(ans, "next")) : json_null());
	if (!json_object_get(o, "on_air"))
		json_object_set_new(o, "on_air", json_null());
	if (!json_object_get(o, "next"))
		json_object_set_new(o, "next", json_null());
	json_decref(ans);
	struct store_link_last landed, fault;
	int outbox = 0;
	if (store_link_last(c->sl, &landed, &fault, err) == 0) {
		/* the device's state as the last airing left it */
		int failed = landed.id && strcmp(landed.status, "failed") == 0;
		json_object_set_new(o, "device", json_string(failed ? "fault" : "ok"));
		if (landed.id) {
			time_iso8601(landed.scheduled_at, iso);
			json_object_set_new(o, "last_airing", json_pack("{s:I,s:s,s:s}", "id",
				(json_int_t)landed.id, "at", iso, "status", landed.status));
		}
		if (fault.id) {
			time_iso8601(fault.scheduled_at, iso);
			json_object_set_new(o, "last_error", json_pack("{s:s,s:s,s:s}", "at", iso,
				"status", fault.status, "reason", fault.reason));
		}
	}
	store_link_outbox_count(c->sl, &outbox, err);
	json_object_set_new(o, "outbox", json_integer(outbox));
	json_object_set_new(o, "refused", json_integer(c->refused));
	if (c->refused)
		json_object_set_new(o, "last_refusal", json_string(c->last_refusal));
	publish_json(c, c->t_status, o, 1);
}

/* ---- the connection ---- */

static void
connected(void *arg)
{
	struct commune *c = arg;
	char err[ERRLEN];
	const char *topics[] = { c->t_all, c->t_district, c->t_commune, c->t_ack };
	for (size_t i = 0; i < ARRAY_LEN(topics); i++)
		if (topics[i] && link_mqtt_subscribe(c->mq, topics[i], 1, err) < 0)
			lg(3, "%s", err);
	c->n_fl = 0; /* whatever was in flight goes again */
	c->pump_at = time_now_ms();
	c->next_status = time_now_ms();
}

static void
message(void *arg, const struct mosquitto_message *m)
{
	struct commune *c = arg;
	if (strcmp(m->topic, c->t_ack) == 0)
		ack_in(c, m->payload, (size_t)m->payloadlen);
	else
		bulletin_in(c, m->topic, m->payload, (size_t)m->payloadlen);
}

/* ---- the loop ---- */

static void
watch_wal(struct commune *c)
{
	if (c->wal_wd >= 0)
		inotify_rm_watch(c->ifd, c->wal_wd);
	c->wal_wd = inotify_add_watch(c->ifd, c->wal_path, IN_MODIFY);
}

static void
inotify_in(struct commune *c)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	int rewatch = 0;
	while ((n = read(c->ifd, buf, sizeof buf)) > 0)
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;
			if (e->wd != c->wal_wd && e->len && strcmp(e->name, "loaxa.db-wal") == 0)
				rewatch = 1;
			if (e->mask & IN_IGNORED && e->wd == c->wal_wd)
				c->wal_wd = -1;
			p += sizeof *e + e->len;
		}
	if (rewatch || c->wal_wd < 0)
		watch_wal(c);
	if (!c->pump_at)
		c->pump_at = time_now_ms() + PUMP_DELAY_MS;
}

static int
setup(struct commune *c, char *err)
{
	const struct config *cfg = c->cfg;
	if (!cfg->link.province || !cfg->link.commune || !cfg->link.province_key) {
		err_set(err, _("The link is not configured: loaxa-link needs link.province, link.commune and link.province_key in %s (see loaxa-link(8))."),
			cfg->path ? cfg->path : _("the configuration"));
		return -1;
	}
	if (link_public_parse(cfg->link.province_key, c->pk, err) < 0)
		return -1;
	c->province = cfg->link.province;
	c->district = cfg->link.district;
	c->me = cfg->link.commune;
	c->t_all = link_topic_bulletin_all(c->province);
	c->t_district = c->district ? link_topic_bulletin_district(c->province, c->district) : NULL;
	c->t_commune = link_topic_bulletin_commune(c->province, c->me);
	c->t_ack = link_topic_ack(c->province, c->me);
	c->t_log = link_topic_commune(c->province, c->me, "log");
	c->t_status = link_topic_commune(c->province, c->me, "status");
	c->t_receipt = link_topic_commune(c->province, c->me, "receipt");
	if (store_open(cfg->state_dir, &c->st, err) < 0)
		return -1;
	c->sl = store_link_new(c->st);
	c->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (c->ifd < 0 || inotify_add_watch(c->ifd, cfg->state_dir, IN_CREATE | IN_MOVED_TO) < 0) {
		err_set(err, _("Cannot watch the state directory %s: %s."), cfg->state_dir, strerror(errno));
		return -1;
	}
	c->wal_path = xasprintf("%s/loaxa.db-wal", cfg->state_dir);
	c->wal_wd = -1;
	watch_wal(c);
	char *will = xasprintf("{\"v\":%d,\"type\":\"status\",\"commune\":\"%s\",\"online\":false}",
			       LINK_VERSION, c->me);
	char *id = xasprintf("loaxa-%s-%s", c->province, c->me);
	struct link_mqtt_cb cb = { .connected = connected, .message = message, .arg = c };
	c->mq = link_mqtt_new(cfg, id, 0, c->t_status, will, &cb, err);
	free(will);
	free(id);
	return c->mq ? 0 : -1;
}

static void
teardown(struct commune *c)
{
	if (c->mq && link_mqtt_connected(c->mq)) {
		/* say goodbye as the will would, then leave cleanly */
		json_t *o = json_pack("{s:i,s:s,s:s,s:b,s:I}", "v", LINK_VERSION, "type", "status",
				      "commune", c->me, "online", 0, "at", (json_int_t)time_now_ms());
		publish_json(c, c->t_status, o, 1);
		link_mqtt_disconnect(c->mq, 2000);
	}
	link_mqtt_free(c->mq);
	store_link_free(c->sl);
	store_close(c->st);
	if (c->ifd >= 0)
		close(c->ifd);
	if (c->sfd >= 0)
		close(c->sfd);
	char *t[] = { c->t_all, c->t_district, c->t_commune, c->t_ack, c->t_log, c->t_status,
		      c->t_receipt, c->wal_path };
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		free(t[i]);
	free(c->fl);
}

static int
until(int64_t now, int64_t at, int timeout)
{
	if (!at)
		return timeout;
	int64_t d = at - now;
	if (d < 0)
		d = 0;
	return d < timeout ? (int)d : timeout;
}

int
link_commune_run(struct config *cfg)
{
	struct commune cc = { .cfg = cfg, .sfd = -1, .ifd = -1, .wal_wd = -1 };
	struct commune *c = &cc;
	char err[ERRLEN];
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	int rc = 1;
	if (setup(c, err) < 0) {
		lg(3, "%s", err);
		goto out;
	}
	c->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	lg(6, _("loaxa-link %s: commune %s of province %s, broker %s:%d%s"), LOAXA_VERSION, c->me,
	   c->province, cfg->link.host, cfg->link.port, cfg->link.cafile ? " (TLS)" : "");
	c->next_air = time_now_ms(); /* emergencies left pending by the last run */
	c->next_slow = time_now_ms() + SLOW_POLL_MS;
	while (!c->stopping) {
		int64_t now = time_now_ms();
		if (c->next_air && now >= c->next_air)
			retry_air(c);
		if (c->pump_at && now >= c->pump_at)
			pump(c);
		if (now >= c->next_slow) {
			c->next_slow = now + SLOW_POLL_MS;
			pump(c);
		}
		if (c->next_status && now >= c->next_status && link_mqtt_connected(c->mq)) {
			status_out(c);
			c->next_status = now + (int64_t)cfg->link.status_seconds * 1000;
		}
		struct pollfd p[3];
		link_mqtt_pollfd(c->mq, &p[0]);
		p[1] = (struct pollfd){ .fd = c->ifd, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = c->sfd, .events = POLLIN };
		int timeout = link_mqtt_service(c->mq, 0);
		now = time_now_ms();
		timeout = until(now, c->pump_at, timeout);
		timeout = until(now, c->next_air, timeout);
		timeout = until(now, c->next_slow, timeout);
		if (link_mqtt_connected(c->mq))
			timeout = until(now, c->next_status, timeout);
		link_mqtt_pollfd(c->mq, &p[0]);
		if (poll(p, 3, timeout) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			link_mqtt_service(c->mq, p[0].revents);
		if (p[1].revents)
			inotify_in(c);
		if (p[2].revents) {
			struct signalfd_siginfo si;
			while (read(c->sfd, &si, sizeof si) == sizeof si)
				c->stopping = 1;
		}
	}
	lg(6, _("loaxa-link stopping"));
	rc = 0;
out:
	teardown(c);
	return rc;
}
