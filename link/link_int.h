/*
 * Private to link/: the signed envelope, base64, the MQTT connection that
 * both programs drive from their own poll() loop, and the daemon's control
 * socket.  Nothing outside link/ includes it.
 */
#ifndef LOAXA_LINK_INT_H
#define LOAXA_LINK_INT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct mosquitto;
struct mosquitto_message;

/* ---- envelope (sign.c) ---- */

/*
 * {"v":1,"body":BODY,"sig":SIG[,"audio":AUDIO]}: signs body's bytes with
 * sk; audio (may be NULL) rides along unsigned, its hash being in the body.
 * NULL when body is not UTF-8.
 */
char *link_seal(const char *body, const unsigned char sk[64], const unsigned char *audio,
		size_t audio_len, size_t *len);
/*
 * Verifies and returns the body (caller frees) and, when present, the
 * decoded audio (caller frees).  NULL with err: not an envelope, unsigned,
 * or a signature that does not verify.
 */
char *link_open(const void *msg, size_t len, const unsigned char pk[32], unsigned char **audio,
		size_t *audio_len, char *err);

char *link_b64(const unsigned char *p, size_t n);
/* -1 when s is not base64 of at most max bytes. */
int link_unb64(const char *s, unsigned char *out, size_t max, size_t *n);

/* ---- MQTT (mqtt.c) ---- */

struct link_mqtt;
struct link_mqtt_cb {
	void (*connected)(void *arg);
	void (*message)(void *arg, const struct mosquitto_message *m);
	void (*published)(void *arg, int mid);
	void *arg;
	int quiet; /* say nothing of connecting (a one-shot command); refusals still */
};
/*
 * A client of the broker in cfg->link: TLS when link.cafile is set, user
 * and password (link.password_file), a persistent session under client_id,
 * the will (may be NULL) on will_topic, retained.  Connects in the
 * background and again after every loss, backing off up to 30 s.
 */
struct link_mqtt *link_mqtt_new(const struct config *cfg, const char *client_id, int clean,
				const char *will_topic, const char *will, const struct link_mqtt_cb *cb,
				char *err);
void link_mqtt_free(struct link_mqtt *m);
/* The descriptor to poll (fd -1 while not connected). */
void link_mqtt_pollfd(struct link_mqtt *m, struct pollfd *p);
/* After poll(): reads, writes, keeps alive, reconnects.  Returns ms to the next need. */
int link_mqtt_service(struct link_mqtt *m, short revents);
int link_mqtt_connected(const struct link_mqtt *m);
/* QoS 1 publish; *mid its id.  -1 with err when not connected or refused. */
int link_mqtt_publish(struct link_mqtt *m, const char *topic, const void *payload, size_t len,
		      int retain, int *mid, char *err);
int link_mqtt_subscribe(struct link_mqtt *m, const char *topic, int qos, char *err);
struct mosquitto *link_mqtt_handle(struct link_mqtt *m);
/* Sends DISCONNECT (no will) and flushes what can be flushed in timeout_ms. */
void link_mqtt_disconnect(struct link_mqtt *m, int timeout_ms);

/* ---- the province side (province.c, collect.c, preport.c) ---- */

/* The communes file: "ID DISTRICT NAME..." a line, '#' comments. */
struct link_commune {
	char *id, *district, *name;
};
struct link_communes {
	struct link_commune *c;
	size_t n;
};
/* Reads cfg's link.communes_file (none given: an empty list). -1 with err (file:line). */
int link_communes_load(const struct config *cfg, struct link_communes *out, char *err);
void link_communes_free(struct link_communes *l);

struct store_province;
/* Opens the province's store in link.province_state_dir and adds the communes file to it. */
struct store_province *link_province_store(const struct config *cfg, char *err);

/* Subcommands of loaxa-province; argv[0] is the subcommand. */
int link_province_collect(struct config *cfg, int argc, char **argv);
int link_province_report(struct config *cfg, int argc, char **argv);
int link_province_status(struct config *cfg, int argc, char **argv);

/* "loaxa-province: SENTENCE" on stderr; returns 1 (usage: 2). */
int link_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int link_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
