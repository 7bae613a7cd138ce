/*
 * loaxa-province collect: the province's collector, run as a service.  One
 * poll() over the broker's socket and a signalfd.  It subscribes (QoS 1,
 * persistent session) to every commune's log, status and receipts, keeps
 * them in the province's store, and acknowledges each log row, signed,
 * only once it is stored: the commune keeps the row until then, so a row
 * is held exactly once whatever dies in between (a repeated delivery only
 * counts in `deliveries`).  Statuses (the latest of each commune wins) are
 * kept in memory and written every 5 seconds in one transaction: at a
 * thousand communes they are most of the traffic.
 */
#include <errno.h>
#include <mosquitto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "link/link.h"
#include "link/link_int.h"
#include "store/store_province.h"

#define STATUS_FLUSH_MS 5000

struct status {
	char commune[LINK_ID_LEN + 1];
	int online;
	int64_t at;
	char *json; /* NULL: keep the last one (an offline will) */
};

struct collector {
	const struct config *cfg;
	struct status *st;
	size_t n_st, cap_st;
	int64_t flushed_at;
	struct store_province *p;
	struct link_mqtt *mq;
	unsigned char sk[64];
	char *sub;
	long rows, repeats, refused;
};

static void
c_connected(void *arg)
{
	struct collector *x = arg;
	char err[ERRLEN];
	/*
	 * Statuses at QoS 0: each replaces the last (and is retained), so one
	 * lost is no loss, and they stay out of the window of unacknowledged
	 * messages the log rows need.
	 */
	static const struct { const char *kind; int qos; } subs[] = {
		{ "log", 1 }, { "status", 0 }, { "receipt", 1 },
	};
	for (size_t i = 0; i < ARRAY_LEN(subs); i++) {
		char *t = link_topic_commune(x->cfg->link.province, "+", subs[i].kind);
		if (link_mqtt_subscribe(x->mq, t, subs[i].qos, err) < 0)
			fprintf(stderr, "<3>%s\n", err);
		free(t);
	}
}

static void
ack(struct collector *x, const char *commune, int64_t airing_id, int rev)
{
	char err[ERRLEN];
	struct link_ack_row r = { airing_id, rev };
	size_t len;
	char *msg = link_ack_encode(x->cfg->link.province, commune, &r, 1, x->sk, &len, err);
	char *topic = link_topic_ack(x->cfg->link.province, commune);
	if (!msg || link_mqtt_publish(x->mq, topic, msg, len, 0, NULL, err) < 0)
		fprintf(stderr, "<4>%s\n", err); /* the commune sends the row again later */
	free(topic);
	free(msg);
}

static void
keep_status(struct collector *x, const char *commune, int online, int64_t at, char *json)
{
	struct status *s = NULL;
	for (size_t i = 0; i < x->n_st && !s; i++)
		if (strcmp(x->st[i].commune, commune) == 0)
			s = &x->st[i];
	if (!s) {
		if (x->n_st == x->cap_st) {
			x->cap_st = x->cap_st ? 2 * x->cap_st : 64;
			x->st = xrealloc(x->st, x->cap_st * sizeof *x->st);
		}
		s = &x->st[x->n_st++];
		snprintf(s->commune, sizeof s->commune, "%s", commune);
	} else {
		free(s->json);
	}
	s->online = online;
	s->at = at;
	s->json = json;
}

static void
flush_statuses(struct collector *x)
{
	char err[ERRLEN];
	x->flushed_at = time_now_ms();
	if (!x->n_st)
		return;
	int rc = store_province_begin(x->p, err);
	for (size_t i = 0; rc == 0 && i < x->n_st; i++)
		rc = store_province_status_put(x->p, x->st[i].commune, x->st[i].online, x->st[i].at,
					       x->st[i].json, err);
	if (rc == 0)
		rc = store_province_commit(x->p, err);
	if (rc < 0) {
		store_province_rollback(x->p);
		fprintf(stderr, "<3>%s\n", err); /* kept: tried again at the next flush */
		return;
	}
	for (size_t i = 0; i < x->n_st; i++)
		free(x->st[i].json);
	x->n_st = 0;
}

static void
c_message(void *arg, const struct mosquitto_message *m)
{
	struct collector *x = arg;
	char err[ERRLEN], commune[LINK_ID_LEN + 1];
	const char *kind = link_topic_parse_commune(m->topic, x->cfg->link.province, commune);
	int64_t now = time_now_ms();
	size_t len = (size_t)m->payloadlen;
	int rc = -1;
	if (!kind) {
		err_set(err, _("not a topic of a commune"));
	} else if (!strcmp(kind, "log")) {
		struct link_log l;
		if ((rc = link_log_decode(m->payload, len, commune, &l, err)) == 0) {
			int repeat;
			l.a->received_at = now;
			rc = store_province_airing_put(x->p, l.a, l.items, l.n, &repeat, err);
			if (rc == 0) {
				x->rows++;
				x->repeats += repeat;
				ack(x, commune, l.a->airing_id, l.a->rev);
			} else {
				/* not acknowledged: the commune sends it again */
				fprintf(stderr, "<3>%s\n", err);
				rc = 0;
			}
			link_log_clear(&l);
		}
	} else {
		struct link_note n;
		if ((rc = link_note_decode(m->payload, len, commune, kind, &n, err)) == 0) {
			if (!strcmp(kind, "status"))
				keep_status(x, commune, n.online, now,
					    n.online ? xstrndup(m->payload, len) : NULL);
			else if (store_province_receipt_put(x->p, commune, n.msg_id ? n.msg_id : "",
							    n.outcome, n.reason, n.at ? n.at : now,
							    err) < 0)
				fprintf(stderr, "<3>%s\n", err);
			rc = 0;
			link_note_clear(&n);
		}
	}
	if (rc < 0) {
		x->refused++;
		fprintf(stderr, _("<4>refused a message on %s: %s\n"), m->topic, err);
	}
}

int
link_province_collect(struct config *cfg, int argc, char **argv)
{
	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0) {
			printf(_("Usage: loaxa-province collect\n\n"
				 "Runs until stopped (SIGTERM): keeps every commune's airing rows, status and\n"
				 "receipts in link.province_state_dir/province.db, and acknowledges each row\n"
				 "once stored.  Run it as a service (systemd/loaxa-province.service).\n"));
			return 0;
		}
		return link_usage("collect", _("unexpected argument '%s'"), argv[1]);
	}
	if (!cfg->link.province || !cfg->link.secret_key_file)
		return link_error(_("collect needs link.province and link.secret_key_file (it signs its acknowledgements)."));
	struct collector x = { .cfg = cfg };
	char err[ERRLEN];
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (link_secret_load(cfg->link.secret_key_file, x.sk, err) < 0 ||
	    !(x.p = link_province_store(cfg, err))) {
		close(sfd);
		return link_error("%s", err);
	}
	char *id = xasprintf("loaxa-province-%s-collector", cfg->link.province);
	struct link_mqtt_cb cb = { .connected = c_connected, .message = c_message, .arg = &x };
	x.mq = link_mqtt_new(cfg, id, 0, NULL, NULL, &cb, err);
	free(id);
	if (!x.mq) {
		store_province_close(x.p);
		close(sfd);
		return link_error("%s", err);
	}
	fprintf(stderr, _("<6>loaxa-province collect: province %s, broker %s:%d%s, store %s\n"),
		cfg->link.province, cfg->link.host, cfg->link.port, cfg->link.cafile ? " (TLS)" : "",
		cfg->link.province_state_dir);
	int stopping = 0;
	while (!stopping) {
		struct pollfd p[2];
		if (time_now_ms() - x.flushed_at >= STATUS_FLUSH_MS)
			flush_statuses(&x);
		int timeout = link_mqtt_service(x.mq, 0);
		if (timeout > STATUS_FLUSH_MS)
			timeout = STATUS_FLUSH_MS;
		link_mqtt_pollfd(x.mq, &p[0]);
		p[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			link_mqtt_service(x.mq, p[0].revents);
		if (p[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) == sizeof si)
				stopping = 1;
		}
	}
	fprintf(stderr, _("<6>loaxa-province collect stopping: %ld rows stored (%ld repeated deliveries), %ld messages refused\n"),
		x.rows, x.repeats, x.refused);
	link_mqtt_disconnect(x.mq, 2000);
	flush_statuses(&x);
	for (size_t i = 0; i < x.n_st; i++)
		free(x.st[i].json);
	free(x.st);
	link_mqtt_free(x.mq);
	store_province_close(x.p);
	memset(x.sk, 0, sizeof x.sk);
	close(sfd);
	return 0;
}
