/*
 * Streaming an airing to an Icecast mount (an IP loudspeaker cluster), as
 * MP3 through libshout.  The player writes the sound card's blocks here as
 * it writes them to the card (audio_icecast_write() only copies into a
 * ring and never blocks), so the stream keeps the card's pace; a thread of
 * the streamer's own connects, encodes and sends.  A server that cannot be
 * reached, refuses the login or stops meanwhile never holds the card up:
 * the thread records why (an English msgid, translated when shown) and
 * stops; audio_icecast_failed() tells the player.
 *
 * libshout runs nonblocking: the connect (TCP, then the source login) is
 * given AUDIO_ICECAST_CONNECT_MS, so that a server that never answers (a
 * blackholed address, a socket nobody serves) is logged unreached within
 * seconds and its thread ends, instead of waiting on the kernel's own
 * timeouts, or for ever; what the socket cannot take at once waits in
 * libshout's queue, at most QUEUE_MAX bytes before the stream is taken as
 * broken.
 *
 * The thread is detached and the streamer counted twice (owner and
 * thread): audio_icecast_close() returns at once even while a connect
 * hangs, and whichever lets go last frees it.
 */
#include <curl/curl.h>
#include <lame/lame.h>
#include <pthread.h>
#include <shout/shout.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/audio.h"
#include "base/base.h"

#define RING_S 10 /* seconds the ring holds while the connection comes up */
#define STATS_MS 2000 /* how often a stream asks the server how many listen */
#define QUEUE_MAX (64 * 1024) /* MP3 bytes (8 s) waiting for a server that stopped taking them */
#define FLUSH_MS 1000         /* what is queued at the end gets this long to leave */

struct audio_icecast {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs, quit, connected;
	char *host, *mount, *password;
	char *url, *admin; /* for the listener count (admin NULL: not asked) */
	int listeners;     /* the most the server counted since the last look; -1: none counted */
	int port, rate;
	float *ring;
	long cap, head, len; /* ring: capacity, first sample, samples held */
	const char *why;     /* a msgid: the connection failed (NULL: not) */
};

/* What libshout's errors mean for an operator, as msgids. */
static const struct {
	int code;
	const char *why;
} shout_errors[] = {
	{ SHOUTERR_NOCONNECT, AUDIO_ICECAST_NOCONNECT },
	{ SHOUTERR_NOLOGIN, AUDIO_ICECAST_NOLOGIN },
	{ SHOUTERR_SOCKET, AUDIO_ICECAST_SOCKET },
};

static const char *
shout_why(int code)
{
	for (size_t i = 0; i < ARRAY_LEN(shout_errors); i++)
		if (shout_errors[i].code == code)
			return shout_errors[i].why;
	return AUDIO_ICECAST_OTHER;
}

static void
release(struct audio_icecast *ic)
{
	pthread_mutex_lock(&ic->lock);
	int last = --ic->refs == 0;
	pthread_mutex_unlock(&ic->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&ic->lock);
	pthread_cond_destroy(&ic->cond);
	free(ic->host);
	free(ic->mount);
	free(ic->password);
	free(ic->url);
	free(ic->admin);
	free(ic->ring);
	free(ic);
}

static void
fail(struct audio_icecast *ic, const char *why)
{
	pthread_mutex_lock(&ic->lock);
	if (!ic->why)
		ic->why = why;
	ic->connected = 0;
	pthread_mutex_unlock(&ic->lock);
}

static size_t
on_stats(char *p, size_t size, size_t n, void *arg)
{
	struct sbuf *b = arg;
	if (b->len + size * n > 1 << 20)
		return 0; /* a stats page is small: this is not one */
	sbuf_add(b, p, size * n);
	return size * n;
}

int
audio_icecast_listeners(const char *url, const char *admin_password, char *err)
{
	char *host, *mount;
	int port;
	if (url_split(url, &host, &port, &mount) < 0) {
		err_set(err, _("The Icecast address \"%s\" is not http://HOST[:PORT]/MOUNT."), url);
		return -1;
	}
	char *stats = xasprintf("http://%s:%d/admin/stats", host, port);
	struct sbuf b = { 0 };
	char cerr[CURL_ERROR_SIZE] = "";
	CURL *c = curl_easy_init();
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	long code = 0;
	if (c) {
		curl_easy_setopt(c, CURLOPT_URL, stats);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 3L);
		curl_easy_setopt(c, CURLOPT_USERNAME, "admin");
		curl_easy_setopt(c, CURLOPT_PASSWORD, admin_password);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "loaxa/" LOAXA_VERSION);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_stats);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(c);
	}
	int n = -1;
	char *want = xasprintf("<source mount=\"%s\">", mount);
	const char *src = b.s ? strstr(b.s, want) : NULL;
	const char *end = src ? strstr(src, "</source>") : NULL;
	const char *l = src ? strstr(src, "<listeners>") : NULL;
	if (rc != CURLE_OK)
		err_set(err, _("cannot read %s: %s"), stats, cerr[0] ? cerr : curl_easy_strerror(rc));
	else if (code == 401)
		err_set(err, _("%s refused the admin password"), stats);
	else if (code != 200)
		err_set(err, _("%s answered HTTP %ld"), stats, code);
	else if (!src)
		err_set(err, _("nothing is streaming to %s now"), mount);
	else if (!l || (end && l > end))
		err_set(err, _("%s does not say how many listen to %s"), stats, mount);
	else
		n = atoi(l + strlen("<listeners>"));
	free(want);
	sbuf_free(&b);
	free(stats);
	free(host);
	free(mount);
	return n;
}

static int64_t
mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&t, NULL);
}

static int
quitting(struct audio_icecast *ic)
{
	pthread_mutex_lock(&ic->lock);
	int q = ic->quit;
	pthread_mutex_unlock(&ic->lock);
	return q;
}

/*
 * Opens the connection (nonblocking) and drives it until the server took
 * the source login: 0, or -1 with the msgid of why not (the timeout, a
 * refused login, ...), or -1 with NULL when the owner let go meanwhile.
 */
static int
connect_in_time(struct audio_icecast *ic, shout_t *sh, const char **why)
{
	int64_t until = mono_ms() + AUDIO_ICECAST_CONNECT_MS;
	*why = NULL;
	int rc = shout_open(sh);
	while (rc == SHOUTERR_BUSY || rc == SHOUTERR_RETRY) {
		if (quitting(ic))
			return -1;
		if (mono_ms() >= until) {
			*why = AUDIO_ICECAST_TIMEOUT;
			return -1;
		}
		nap_ms(10);
		rc = shout_get_connected(sh);
	}
	if (rc == SHOUTERR_SUCCESS || rc == SHOUTERR_CONNECTED)
		return 0;
	/* nonblocking, a refused connect shows as a socket error: nothing was ever sent */
	*why = rc == SHOUTERR_SOCKET ? AUDIO_ICECAST_NOCONNECT : shout_why(rc);
	return -1;
}

/* Sends (or queues) bytes; what the socket cannot take waits in libshout's queue, within QUEUE_MAX. */
static int
send_some(shout_t *sh, const unsigned char *p, size_t n)
{
	int rc = shout_send(sh, p, n);
	if (rc == SHOUTERR_BUSY || rc == SHOUTERR_RETRY)
		rc = SHOUTERR_SUCCESS;
	if (rc == SHOUTERR_SUCCESS && shout_queuelen(sh) > QUEUE_MAX)
		rc = SHOUTERR_SOCKET;
	return rc;
}

static void *
stream_main(void *arg)
{
	struct audio_icecast *ic = arg;
	shout_t *sh = shout_new();
	lame_t lame = lame_init();
	float *block = xmalloc(AUDIO_BLOCK * sizeof *block);
	size_t mp3cap = AUDIO_BLOCK * 5 / 4 + 7200;
	unsigned char *mp3 = xmalloc(mp3cap);
	if (!sh || !lame) {
		fail(ic, AUDIO_ICECAST_OTHER);
		goto out;
	}
	lame_set_num_channels(lame, 1);
	lame_set_mode(lame, MONO);
	lame_set_in_samplerate(lame, ic->rate);
	lame_set_brate(lame, 64);
	lame_set_quality(lame, 5);
	if (lame_init_params(lame) < 0) {
		fail(ic, AUDIO_ICECAST_OTHER);
		goto out;
	}
	shout_set_host(sh, ic->host);
	shout_set_port(sh, (unsigned short)ic->port);
	shout_set_mount(sh, ic->mount);
	shout_set_user(sh, "source");
	shout_set_password(sh, ic->password);
	shout_set_protocol(sh, SHOUT_PROTOCOL_HTTP);
	shout_set_content_format(sh, SHOUT_FORMAT_MP3, SHOUT_USAGE_AUDIO, NULL);
	shout_set_tls(sh, SHOUT_TLS_DISABLED);
	shout_set_meta(sh, SHOUT_META_NAME, "loaxa");
	const char *why;
	int rc = SHOUTERR_SUCCESS;
	if (shout_set_nonblocking(sh, SHOUT_BLOCKING_NONE) != SHOUTERR_SUCCESS) {
		fail(ic, AUDIO_ICECAST_OTHER);
		goto out;
	}
	if (connect_in_time(ic, sh, &why) < 0) {
		if (why)
			fail(ic, why);
		goto out;
	}
	pthread_mutex_lock(&ic->lock);
	ic->connected = !ic->why;
	int64_t poll_ms = mono_ms();
	for (;;) {
		while (!ic->len && !ic->quit)
			pthread_cond_wait(&ic->cond, &ic->lock);
		if (ic->quit)
			break;
		long n = 0;
		while (n < AUDIO_BLOCK && ic->len) {
			block[n++] = ic->ring[ic->head];
			ic->head = (ic->head + 1) % ic->cap;
			ic->len--;
		}
		pthread_mutex_unlock(&ic->lock);
		if (ic->admin && mono_ms() >= poll_ms) {
			/* the ring holds the sound meanwhile (at most 3 s) */
			char err[ERRLEN];
			int k = audio_icecast_listeners(ic->url, ic->admin, err);
			pthread_mutex_lock(&ic->lock);
			if (k > ic->listeners)
				ic->listeners = k;
			pthread_mutex_unlock(&ic->lock);
			poll_ms = mono_ms() + STATS_MS;
		}
		int bytes = lame_encode_buffer_ieee_float(lame, block, block, (int)n, mp3, (int)mp3cap);
		if (bytes > 0 && (rc = send_some(sh, mp3, (size_t)bytes)) != SHOUTERR_SUCCESS) {
			fail(ic, shout_why(rc));
			pthread_mutex_lock(&ic->lock);
			break;
		}
		pthread_mutex_lock(&ic->lock);
	}
	pthread_mutex_unlock(&ic->lock);
	if (shout_get_connected(sh) == SHOUTERR_CONNECTED) {
		int bytes = lame_encode_flush(lame, mp3, (int)mp3cap);
		if (bytes > 0 && send_some(sh, mp3, (size_t)bytes) != SHOUTERR_SUCCESS)
			fail(ic, AUDIO_ICECAST_SOCKET);
		/* what the socket has not taken yet, within FLUSH_MS */
		int64_t until = mono_ms() + FLUSH_MS;
		while (shout_queuelen(sh) > 0 && mono_ms() < until &&
		       send_some(sh, mp3, 0) == SHOUTERR_SUCCESS)
			nap_ms(10);
		shout_close(sh);
	}
out:
	if (sh)
		shout_free(sh);
	if (lame)
		lame_close(lame);
	free(block);
	free(mp3);
	release(ic);
	return NULL;
}

struct audio_icecast *
audio_icecast_open(const char *url, const char *password, const char *admin_password, int rate,
		   char *err)
{
	struct audio_icecast *ic = xcalloc(1, sizeof *ic);
	if (url_split(url, &ic->host, &ic->port, &ic->mount) < 0) {
		err_set(err, _("The Icecast address \"%s\" is not http://HOST[:PORT]/MOUNT."), url);
		free(ic);
		return NULL;
	}
	pthread_mutex_init(&ic->lock, NULL);
	pthread_cond_init(&ic->cond, NULL);
	ic->password = xstrdup(password);
	ic->url = xstrdup(url);
	ic->admin = admin_password ? xstrdup(admin_password) : NULL;
	ic->listeners = -1;
	ic->rate = rate;
	ic->cap = (long)rate * RING_S;
	ic->ring = xmalloc((size_t)ic->cap * sizeof *ic->ring);
	ic->refs = 2;
	pthread_t t;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, stream_main, ic) != 0) {
		ic->refs = 1;
		ic->why = AUDIO_ICECAST_OTHER;
	}
	pthread_attr_destroy(&at);
	return ic;
}

void
audio_icecast_write(struct audio_icecast *ic, const float *buf, long n)
{
	pthread_mutex_lock(&ic->lock);
	if (!ic->why) {
		for (long i = 0; i < n && ic->len < ic->cap; i++) {
			ic->ring[(ic->head + ic->len) % ic->cap] = buf ? buf[i] : 0.0f;
			ic->len++;
		}
		pthread_cond_signal(&ic->cond);
	}
	pthread_mutex_unlock(&ic->lock);
}

const char *
audio_icecast_failed(struct audio_icecast *ic)
{
	pthread_mutex_lock(&ic->lock);
	const char *why = ic->why;
	pthread_mutex_unlock(&ic->lock);
	return why;
}

int
audio_icecast_listening(struct audio_icecast *ic, int reset)
{
	pthread_mutex_lock(&ic->lock);
	int n = ic->listeners;
	if (reset)
		ic->listeners = -1;
	pthread_mutex_unlock(&ic->lock);
	return n;
}

int
audio_icecast_connected(struct audio_icecast *ic)
{
	pthread_mutex_lock(&ic->lock);
	int c = ic->connected;
	pthread_mutex_unlock(&ic->lock);
	return c;
}

void
audio_icecast_close(struct audio_icecast *ic)
{
	if (!ic)
		return;
	pthread_mutex_lock(&ic->lock);
	ic->quit = 1;
	pthread_cond_signal(&ic->cond);
	pthread_mutex_unlock(&ic->lock);
	release(ic);
}
