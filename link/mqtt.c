/*
 * One MQTT connection driven from the caller's poll() loop (libmosquitto
 * without its thread): the caller polls link_mqtt_pollfd() and calls
 * link_mqtt_service() after every wake.  The connection comes back by
 * itself after any loss (broker down, network gone), backing off from 1 s
 * to 30 s; while it is down nothing blocks, so a commune's airings never
 * wait on the broker.
 */
#include <errno.h>
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "link/link_int.h"

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define MISC_MS 1000

struct link_mqtt {
	struct mosquitto *m;
	struct link_mqtt_cb cb;
	char *host;
	int port, keepalive;
	int started;   /* a connection was attempted once: reconnect from now on */
	int connected; /* CONNACK accepted */
	int64_t retry_at, last_misc;
	int backoff_ms;
	char said[256]; /* the last trouble logged, said once until it changes */
};

static void
say(struct link_mqtt *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct link_mqtt *q, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (strcmp(buf, q->said) == 0)
		return;
	snprintf(q->said, sizeof q->said, "%s", buf);
	fprintf(stderr, "%s%s\n", q->cb.quiet ? "" : "<4>", buf);
}

static void
on_connect(struct mosquitto *m, void *arg, int rc)
{
	struct link_mqtt *q = arg;
	if (rc != 0) {
		say(q, _("the broker %s:%d refused the connection: %s"), q->host, q->port,
		    mosquitto_connack_string(rc));
		return; /* the broker closes; we come back after the backoff */
	}
	q->connected = 1;
	q->backoff_ms = BACKOFF_MIN_MS;
	q->said[0] = 0; /* troubles from now on are new ones */
	if (!q->cb.quiet)
		fprintf(stderr, _("<6>connected to the broker %s:%d\n"), q->host, q->port);
	if (q->cb.connected)
		q->cb.connected(q->cb.arg);
}

static void
on_disconnect(struct mosquitto *m, void *arg, int rc)
{
	struct link_mqtt *q = arg;
	if (q->connected && rc != 0) /* rc 0: we asked for it */
		say(q, _("lost the broker %s:%d (%s); connecting again"), q->host, q->port,
		    mosquitto_strerror(rc));
	q->connected = 0;
}

static void
on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
	struct link_mqtt *q = arg;
	if (q->cb.message)
		q->cb.message(q->cb.arg, msg);
}

static void
on_publish(struct mosquitto *m, void *arg, int mid)
{
	struct link_mqtt *q = arg;
	if (q->cb.published)
		q->cb.published(q->cb.arg, mid);
}

static char *
read_password(const char *path, char *err)
{
	char *s;
	size_t n;
	if (file_read_all(path, 4096, &s, &n, err) < 0)
		return NULL;
	s[strcspn(s, "\r\n")] = 0;
	return s;
}

struct link_mqtt *
link_mqtt_new(const struct config *cfg, const char *client_id, int clean, const char *will_topic,
	      const char *will, const struct link_mqtt_cb *cb, char *err)
{
	static int inited;
	if (!inited++)
		mosquitto_lib_init();
	struct link_mqtt *q = xcalloc(1, sizeof *q);
	q->cb = *cb;
	q->host = xstrdup(cfg->link.host);
	q->port = cfg->link.port;
	q->keepalive = cfg->link.keepalive;
	q->backoff_ms = BACKOFF_MIN_MS;
	q->m = mosquitto_new(client_id, clean, q);
	if (!q->m) {
		err_set(err, _("Cannot make an MQTT client named %s: %s."), client_id, strerror(errno));
		goto fail;
	}
	mosquitto_connect_callback_set(q->m, on_connect);
	mosquitto_disconnect_callback_set(q->m, on_disconnect);
	mosquitto_message_callback_set(q->m, on_message);
	mosquitto_publish_callback_set(q->m, on_publish);
	int rc = MOSQ_ERR_SUCCESS;
	if (cfg->link.username) {
		char *pw = NULL;
		if (cfg->link.password_file && !(pw = read_password(cfg->link.password_file, err)))
			goto fail;
		rc = mosquitto_username_pw_set(q->m, cfg->link.username, pw);
		free(pw);
	}
	if (rc == MOSQ_ERR_SUCCESS && cfg->link.cafile)
		rc = mosquitto_tls_set(q->m, cfg->link.cafile, NULL, cfg->link.certfile,
				       cfg->link.keyfile, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		err_set(err, _("Cannot set up TLS with link.cafile %s: %s; check the files exist and are readable."),
			cfg->link.cafile ? cfg->link.cafile : "-", mosquitto_strerror(rc));
		goto fail;
	}
	if (will_topic && will &&
	    (rc = mosquitto_will_set(q->m, will_topic, (int)strlen(will), will, 1, true)) !=
		    MOSQ_ERR_SUCCESS) {
		err_set(err, _("Cannot set the MQTT will: %s."), mosquitto_strerror(rc));
		goto fail;
	}
	return q;
fail:
	link_mqtt_free(q);
	return NULL;
}

void
link_mqtt_free(struct link_mqtt *q)
{
	if (!q)
		return;
	if (q->m)
		mosquitto_destroy(q->m);
	free(q->host);
	free(q);
}

struct mosquitto *
link_mqtt_handle(struct link_mqtt *q)
{
	return q->m;
}

int
link_mqtt_connected(const struct link_mqtt *q)
{
	return q->connected;
}

void
link_mqtt_pollfd(struct link_mqtt *q, struct pollfd *p)
{
	p->fd = mosquitto_socket(q->m);
	p->events = POLLIN | (p->fd >= 0 && mosquitto_want_write(q->m) ? POLLOUT : 0);
	p->revents = 0;
}

static void
lost(struct link_mqtt *q, int rc, int64_t now)
{
	if (q->connected)
		say(q, _("lost the broker %s:%d (%s); connecting again"), q->host, q->port,
		    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
	q->connected = 0;
	if (mosquitto_socket(q->m) >= 0)
		mosquitto_disconnect(q->m);
	q->retry_at = now + q->backoff_ms;
	q->backoff_ms = q->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : q->backoff_ms * 2;
}

int
link_mqtt_service(struct link_mqtt *q, short revents)
{
	int64_t now = time_now_ms();
	int rc = MOSQ_ERR_SUCCESS;
	if (mosquitto_socket(q->m) < 0) {
		if (now < q->retry_at)
			return (int)(q->retry_at - now);
		rc = q->started ? mosquitto_reconnect_async(q->m)
				: mosquitto_connect_async(q->m, q->host, q->port, q->keepalive);
		q->started = 1;
		q->last_misc = now;
		if (rc != MOSQ_ERR_SUCCESS) {
			say(q, _("cannot reach the broker %s:%d (%s); trying again"), q->host, q->port,
			    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
			lost(q, rc, now);
			return q->backoff_ms;
		}
		return MISC_MS;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR))
		rc = mosquitto_loop_read(q->m, 1);
	if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket(q->m) >= 0 &&
	    ((revents & POLLOUT) || mosquitto_want_write(q->m)))
		rc = mosquitto_loop_write(q->m, 1);
	if (rc == MOSQ_ERR_SUCCESS && now - q->last_misc >= MISC_MS) {
		q->last_misc = now;
		rc = mosquitto_loop_misc(q->m);
	}
	if (rc != MOSQ_ERR_SUCCESS || mosquitto_socket(q->m) < 0) {
		if (rc == MOSQ_ERR_SUCCESS)
			rc = MOSQ_ERR_CONN_LOST;
		lost(q, rc, now);
		return q->backoff_ms;
	}
	return MISC_MS;
}

int
link_mqtt_publish(struct link_mqtt *q, const char *topic, const void *payload, size_t len, int retain,
		  int *mid, char *err)
{
	if (!q->connected) {
		err_set(err, _("not connected to the broker %s:%d"), q->host, q->port);
		return -1;
	}
	int rc = mosquitto_publish(q->m, mid, topic, (int)len, payload, 1, retain);
	if (rc != MOSQ_ERR_SUCCESS) {
		err_set(err, _("cannot publish on %s: %s"), topic, mosquitto_strerror(rc));
		return -1;
	}
	return 0;
}

int
link_mqtt_subscribe(struct link_mqtt *q, const char *topic, int qos, char *err)
{
	int rc = mosquitto_subscribe(q->m, NULL, topic, qos);
	if (rc != MOSQ_ERR_SUCCESS) {
		err_set(err, _("cannot subscribe to %s: %s"), topic, mosquitto_strerror(rc));
		return -1;
	}
	return 0;
}

void
link_mqtt_disconnect(struct link_mqtt *q, int timeout_ms)
{
	if (mosquitto_socket(q->m) < 0)
		return;
	int64_t end = time_now_ms() + timeout_ms;
	/* what is queued goes first, then DISCONNECT (so the will is not sent) */
	while (mosquitto_want_write(q->m) && time_now_ms() < end) {
		struct pollfd p;
		link_mqtt_pollfd(q, &p);
		if (poll(&p, 1, 100) > 0 && link_mqtt_service(q, p.revents) && !q->connected)
			break;
	}
	mosquitto_disconnect(q->m);
	mosquitto_loop_write(q->m, 1);
	q->connected = 0;
}
