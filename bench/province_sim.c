/*
 * bench/province_sim — a light stand-in for N communes' loaxa-link (not
 * loaxad): one process, N MQTT connections to one broker, each publishing
 * what a commune publishes at RATE times the real rate for SECONDS:
 *
 *   - its status every 60 s (retained), the real link's default;
 *   - airing rows as they land: 4 airings a day (2 slots, 2 by hand) of
 *     6 items each, in the same format as loaxa-link (link/commune.c);
 *
 * and taking the province's signed acknowledgements as a commune does
 * (the signature checked), sending a row again when it is not
 * acknowledged within 30 s.  It stops after SECONDS and a drain of at most
 * 30 s, then prints one line:
 *
 *   sim: communes N rate R seconds S rows SENT acked ACKED resent RESENT statuses K
 *
 *   province_sim HOST PORT PROVINCE PUBKEY_B64 N RATE SECONDS USERPREFIX PASSWORD
 * (users are USERPREFIX0001.., their password PASSWORD; "-" for none).
 * With SIM_NO_ACK=1 nobody is expected to acknowledge: rows go once.
 */
#include <jansson.h>
#include <mosquitto.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "link/link.h"

#define ITEMS 6
#define RESEND_MS 30000

struct row {
	int64_t id, sent_at;
	int acked;
};

struct sim {
	struct mosquitto *m;
	char id[32];
	char *t_log, *t_status;
	int connected;
	int64_t next_status, next_airing;
	struct row *rows;
	size_t n, cap;
	int64_t next_id;
};

static unsigned char pk[32];
static const char *province;
static long acked_total, resent_total;

static double
rnd(void)
{
	return (double)random() / RAND_MAX;
}

static void
on_connect(struct mosquitto *m, void *arg, int rc)
{
	struct sim *s = arg;
	if (rc) {
		fprintf(stderr, "sim: %s refused: %s\n", s->id, mosquitto_connack_string(rc));
		return;
	}
	s->connected = 1;
	char *t = link_topic_ack(province, s->id);
	mosquitto_subscribe(m, NULL, t, 1);
	free(t);
}

static void
on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
	struct sim *s = arg;
	char err[ERRLEN];
	struct link_ack_row *rows;
	size_t n;
	if (link_ack_decode(msg->payload, (size_t)msg->payloadlen, pk, province, s->id, &rows, &n,
			    err) < 0) {
		fprintf(stderr, "sim: %s: %s\n", s->id, err);
		return;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < s->n; k++)
			if (s->rows[k].id == rows[i].airing_id && !s->rows[k].acked) {
				s->rows[k].acked = 1;
				acked_total++;
			}
	free(rows);
}

static void
publish_row(struct sim *s, struct row *r, int64_t now)
{
	static const char *const kinds[ITEMS] = { "clip", "tts", "bulletin", "bulletin", "bulletin", "tts" };
	json_t *items = json_array();
	double off = 0;
	for (int i = 0; i < ITEMS; i++) {
		json_t *it = json_pack("{s:i,s:s,s:f,s:f,s:b}", "seq", i, "kind", kinds[i], "offset_s",
				       off, "length_s", 20.0, "completed", 1);
		if (!strcmp(kinds[i], "bulletin")) {
			json_object_set_new(it, "bulletin_id", json_integer(1 + random() % 40));
			json_object_set_new(it, "bulletin_version", json_integer(1));
			json_object_set_new(it, "title", json_string("Cải cách thủ tục hành chính"));
			json_object_set_new(it, "topic", json_string(i == 2 ? "tthc" : "khac"));
			json_object_set_new(it, "class", json_string("normal"));
		}
		json_array_append_new(items, it);
		off += 20.5;
	}
	json_t *o = json_pack("{s:i,s:s,s:s,s:i,s:I,s:{s:I,s:s,s:s,s:I,s:I,s:I,s:s,s:I},s:o}", "v", 1,
			      "type", "log", "commune", s->id, "rev", 1, "published_at",
			      (json_int_t)now, "airing", "id", (json_int_t)r->id, "slot", "sang",
			      "program", "mac-dinh", "scheduled_at", (json_int_t)(now - 130000),
			      "started_at", (json_int_t)(now - 130000), "ended_at", (json_int_t)now,
			      "status", "completed", "lateness_ms", (json_int_t)1, "items", items);
	char *p = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	mosquitto_publish(s->m, NULL, s->t_log, (int)strlen(p), p, 1, false);
	free(p);
	r->sent_at = now;
}

static void
publish_status(struct sim *s, int64_t now)
{
	char *p = xasprintf("{\"v\":1,\"type\":\"status\",\"commune\":\"%s\",\"online\":true,"
			    "\"at\":%lld,\"daemon\":\"up\",\"on_air\":null,\"next\":{\"at\":\"x\","
			    "\"slot\":\"chieu\",\"program\":\"mac-dinh\"},\"device\":\"ok\",\"outbox\":0,"
			    "\"refused\":0}", s->id, (long long)now);
	mosquitto_publish(s->m, NULL, s->t_status, (int)strlen(p), p, 1, true);
	free(p);
}

int
main(int argc, char **argv)
{
	if (argc != 10) {
		fprintf(stderr, "usage: province_sim HOST PORT PROVINCE PUBKEY N RATE SECONDS USERPREFIX PASSWORD\n");
		return 2;
	}
	const char *host = argv[1];
	int port = atoi(argv[2]);
	province = argv[3];
	char err[ERRLEN];
	if (link_public_parse(argv[4], pk, err) < 0) {
		fprintf(stderr, "sim: %s\n", err);
		return 1;
	}
	int n = atoi(argv[5]);
	double rate = atof(argv[6]);
	int seconds = atoi(argv[7]);
	const char *prefix = argv[8], *pw = strcmp(argv[9], "-") ? argv[9] : NULL;
	double status_ms = 60000.0 / rate, airing_ms = 86400000.0 / 4 / rate;
	mosquitto_lib_init();
	srandom(42);
	struct sim *sims = xcalloc((size_t)n, sizeof *sims);
	int64_t t0 = time_now_ms();
	for (int i = 0; i < n; i++) {
		struct sim *s = &sims[i];
		snprintf(s->id, sizeof s->id, "%s%04d", prefix, i + 1);
		char *cid = xasprintf("loaxa-%s-%s", province, s->id);
		s->m = mosquitto_new(cid, false, s);
		free(cid);
		if (pw)
			mosquitto_username_pw_set(s->m, s->id, pw);
		mosquitto_connect_callback_set(s->m, on_connect);
		mosquitto_message_callback_set(s->m, on_message);
		s->t_log = link_topic_commune(province, s->id, "log");
		s->t_status = link_topic_commune(province, s->id, "status");
		s->next_status = t0 + (int64_t)(rnd() * status_ms);
		s->next_airing = t0 + (int64_t)(rnd() * airing_ms * 2);
		s->next_id = 1;
		if (mosquitto_connect(s->m, host, port, 60) != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "sim: %s cannot connect to %s:%d\n", s->id, host, port);
			return 1;
		}
	}
	struct pollfd *p = xcalloc((size_t)n, sizeof *p);
	long sent = 0, statuses = 0;
	/* SIM_NO_ACK=1: nobody acknowledges (a bare subscriber): send once, no drain */
	int no_ack = getenv("SIM_NO_ACK") != NULL;
	int64_t end = t0 + (int64_t)seconds * 1000, drain_end = no_ack ? end : end + 30000,
		last_misc = 0;
	for (;;) {
		int64_t now = time_now_ms();
		if (now >= end && (acked_total >= sent || now >= drain_end))
			break;
		for (int i = 0; i < n; i++) {
			struct sim *s = &sims[i];
			if (!s->connected)
				continue;
			if (now < end && now >= s->next_status) {
				publish_status(s, now);
				statuses++;
				s->next_status += (int64_t)status_ms;
			}
			if (now < end && now >= s->next_airing) {
				if (s->n == s->cap) {
					s->cap = s->cap ? 2 * s->cap : 16;
					s->rows = xrealloc(s->rows, s->cap * sizeof *s->rows);
				}
				struct row *r = &s->rows[s->n++];
				*r = (struct row){ .id = s->next_id++ };
				publish_row(s, r, now);
				sent++;
				s->next_airing += (int64_t)(airing_ms * (0.5 + rnd()));
			}
			for (size_t k = 0; k < s->n; k++)
				if (!no_ack && !s->rows[k].acked && now - s->rows[k].sent_at > RESEND_MS) {
					publish_row(s, &s->rows[k], now);
					resent_total++;
				}
		}
		for (int i = 0; i < n; i++) {
			p[i].fd = mosquitto_socket(sims[i].m);
			p[i].events = POLLIN | (mosquitto_want_write(sims[i].m) ? POLLOUT : 0);
			p[i].revents = 0;
		}
		poll(p, (nfds_t)n, 10);
		int misc = now - last_misc >= 1000;
		if (misc)
			last_misc = now;
		for (int i = 0; i < n; i++) {
			struct mosquitto *m = sims[i].m;
			if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
				mosquitto_loop_read(m, 1);
			if (mosquitto_want_write(m))
				mosquitto_loop_write(m, 1);
			if (misc && mosquitto_loop_misc(m) != MOSQ_ERR_SUCCESS)
				mosquitto_reconnect(m);
		}
	}
	printf("sim: communes %d rate %g seconds %d rows %ld acked %ld resent %ld statuses %ld\n", n,
	       rate, seconds, sent, acked_total, resent_total, statuses);
	for (int i = 0; i < n; i++) {
		mosquitto_disconnect(sims[i].m);
		mosquitto_loop_write(sims[i].m, 1);
		mosquitto_destroy(sims[i].m);
		free(sims[i].t_log);
		free(sims[i].t_status);
		free(sims[i].rows);
	}
	free(sims);
	free(p);
	mosquitto_lib_cleanup();
	return no_ack || acked_total >= sent ? 0 : 1;
}
