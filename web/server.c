/*
 * The HTTP side of loaxa-web: libmicrohttpd with a pool of worker threads
 * on epoll, each with its own store connection and lexicon (SQLite
 * connections are not shared between threads).  A request goes
 *
 *   first call   route it (the table in api.c), find its session (cookie),
 *                check the role and, for a change, the CSRF token; refuse
 *                a body larger than the route takes before reading it;
 *   body calls   keep JSON and text in memory, write audio to a file under
 *                STATE_DIR/clips/ (up to 200 MiB, counted as it comes);
 *   last call    run the handler in the request's language.
 *
 * Every reply carries the Content-Security-Policy (default-src 'self',
 * no inline script), X-Frame-Options DENY and nosniff.  Other paths are
 * the static pages, served from the pages' folder and nowhere else.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "store/store.h"
#include "tts/tts.h"
#include "web/web.h"
#include "web/web_int.h"

#ifndef WEBDIR
#define WEBDIR "/usr/local/share/loaxa/web"
#endif

#define COOKIE "loaxa_session"
#define MAX_HEADERS 4

struct web {
	struct config *cfg;
	char *state_dir, *static_dir;
	struct MHD_Daemon *mhd;
	int lfd, port, tls;
	char *tls_key, *tls_cert;
	struct sessions *ss;
	pthread_mutex_t render_mu;
	pthread_key_t tl_key;
	locale_t loc_vi, loc_en;
};

/* A worker thread's own store and operations context. */
struct tl {
	struct store *st;
	struct ops ops;
};

/* What one connection's request has gathered across the handler's calls. */
struct conn {
	const struct route *route;
	int64_t id;
	char name[65];
	struct session s;
	struct sbuf body;
	size_t got;
	int too_large;
	int fd;        /* BODY_AUDIO: the file the body goes to */
	char *path;
	char ext[8];
	struct {
		char *name, *value;
	} hdr[MAX_HEADERS];
	size_t n_hdr;
};

void
web_log(int prio, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "<%d>", prio);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *
web_static_dir(const struct web *w)
{
	return w->static_dir;
}

int
web_session_idle_minutes(const struct web *w)
{
	return w->cfg->web.session_idle_minutes;
}

struct sessions *
web_sessions(struct web *w)
{
	return w->ss;
}

void
web_render_lock(struct web *w)
{
	pthread_mutex_lock(&w->render_mu);
}

void
web_render_unlock(struct web *w)
{
	pthread_mutex_unlock(&w->render_mu);
}

int
web_port(const struct web *w)
{
	return w->port;
}

const char *
web_scheme(const struct web *w)
{
	return w->tls ? "https" : "http";
}

const char *
web_address(const struct web *w, const char *listen, char *buf, size_t len)
{
	const char *spec = listen ? listen : w->cfg->web.listen;
	const char *colon = strrchr(spec, ':');
	int host = colon ? (int)(colon - spec) : (int)strlen(spec);
	snprintf(buf, len, "%.*s:%d", host, spec, w->port);
	return buf;
}

/* ---- the thread's store ---- */

static void
tl_free(void *p)
{
	struct tl *t = p;
	if (!t)
		return;
	ops_done(&t->ops);
	store_close(t->st);
	free(t);
}

static struct ops *
thread_ops(struct web *w, char *err)
{
	struct tl *t = pthread_getspecific(w->tl_key);
	if (t)
		return &t->ops;
	t = xcalloc(1, sizeof *t);
	if (store_open(w->state_dir, &t->st, err) < 0 ||
	    ops_init(&t->ops, w->cfg, t->st, w->state_dir, err) < 0) {
		store_close(t->st);
		free(t);
		return NULL;
	}
	pthread_setspecific(w->tl_key, t);
	return &t->ops;
}

/* ---- replies ---- */

static void
security_headers(struct MHD_Response *resp, int tls)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; media-src 'self' blob:; img-src 'self' data:;"
				" frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

/* The request's connection context is kept beside it (set by the access handler). */
static __thread struct conn *cur_conn;

void
reply_header(struct req *r, const char *name, const char *value)
{
	struct conn *c = cur_conn;
	if (!c || c->n_hdr == MAX_HEADERS)
		return;
	c->hdr[c->n_hdr].name = xstrdup(name);
	c->hdr[c->n_hdr].value = xstrdup(value);
	c->n_hdr++;
}

static int
send_response(struct req *r, unsigned status, struct MHD_Response *resp)
{
	security_headers(resp, r->tls);
	struct conn *c = cur_conn;
	for (size_t i = 0; c && i < c->n_hdr; i++)
		MHD_add_response_header(resp, c->hdr[i].name, c->hdr[i].value);
	int rc = MHD_queue_response(r->conn, status, resp) == MHD_YES ? 0 : -1;
	MHD_destroy_response(resp);
	r->answered = 1;
	return rc;
}

int
reply_json(struct req *r, unsigned status, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		s = xstrdup("{}");
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	return send_response(r, status, resp);
}

int
reply_json_text(struct req *r, unsigned status, const char *s)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(s), (void *)s, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	return send_response(r, status, resp);
}

int
reply_error(struct req *r, unsigned status, const char *fmt, ...)
{
	char msg[ERRLEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return reply_json(r, status, json_pack("{s:s}", "error", msg));
}

int
reply_ops(struct req *r, int rc, const char *err)
{
	static const struct {
		int rc;
		unsigned status;
	} map[] = {
		{ OPS_INVALID, 400 }, { OPS_NOTFOUND, 404 }, { OPS_REFUSED, 409 },
		{ OPS_DAEMON, 503 },  { OPS_ERROR, 500 },
	};
	unsigned status = 500;
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (map[i].rc == rc)
			status = map[i].status;
	if (status == 500)
		web_log(3, "%s %s: %s", r->method, r->url, err);
	return reply_error(r, status, "%s", err);
}

int
reply_fd(struct req *r, int fd, const char *type, const char *download)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return reply_error(r, 500, _("Cannot read the file: %s."), strerror(errno));
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (download) {
		char *d = xasprintf("attachment; filename=\"%s\"", download);
		MHD_add_response_header(resp, "Content-Disposition", d);
		free(d);
	}
	return send_response(r, 200, resp);
}

const char *
req_cookie(struct req *r)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
}

const char *
req_query(struct req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* ---- static pages ---- */

static const struct {
	const char *ext, *type;
} mime[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".png", "image/png" },
	{ ".svg", "image/svg+xml" },
	{ ".ico", "image/x-icon" },
	{ ".json", "application/json" },
	{ ".wav", "audio/wav" },
};

/* Only plain names under the pages' folder: no "..", no hidden files, no odd bytes. */
static int
static_path_ok(const char *p)
{
	if (p[0] != '/' || strlen(p) > 200 || strstr(p, "/.") || strstr(p, "//"))
		return 0;
	return strspn(p, "/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	       strlen(p);
}

static int
serve_static(struct req *r)
{
	const char *url = strcmp(r->url, "/") == 0 ? "/index.html" : r->url;
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return reply_error(r, 405, _("This address only answers GET."));
	const char *dot = strrchr(url, '.');
	const char *type = NULL;
	for (size_t i = 0; dot && i < ARRAY_LEN(mime); i++)
		if (strcmp(dot, mime[i].ext) == 0)
			type = mime[i].type;
	if (!static_path_ok(url) || !type)
		return reply_error(r, 404, _("There is no page %.100s."), url);
	char *path = xasprintf("%s%s", r->w->static_dir, url);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return reply_error(r, 404, _("There is no page %.100s."), url);
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	return send_response(r, 200, resp);
}

/* ---- the request ---- */

static const char *
client_addr(struct MHD_Connection *conn, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	buf[0] = 0;
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)n);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
				  (socklen_t)n);
	}
	return buf;
}

static size_t
body_limit(enum body_kind k)
{
	switch (k) {
	case BODY_JSON: return WEB_JSON_MAX;
	case BODY_TEXT: return WEB_TEXT_MAX;
	case BODY_AUDIO: return WEB_AUDIO_MAX;
	case BODY_NONE: return 0;
	}
	return 0;
}

static int
too_large(struct req *r, enum body_kind k)
{
	switch (k) {
	case BODY_AUDIO:
		return reply_error(r, 413, _("The audio file is larger than the limit of 200 MiB; cut it or save it compressed (MP3, Ogg, FLAC)."));
	case BODY_TEXT:
		return reply_error(r, 413, _("The text is longer than the limit of %d bytes (1 MiB); split it into several bulletins."),
				   WEB_TEXT_MAX);
	default:
		return reply_error(r, 413, _("The request is larger than %d bytes; a bulletin's text is at most 1 MiB."),
				   WEB_JSON_MAX);
	}
}

/* The extension of the file name the browser gave (?filename=x.mp3), checked. */
static void
upload_ext(const char *filename, char ext[8])
{
	ext[0] = 0;
	const char *dot = filename ? strrchr(filename, '.') : NULL;
	if (!dot || strlen(dot) < 2 || strlen(dot) > 6)
		return;
	for (const char *p = dot + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return;
	snprintf(ext, 8, "%s", dot);
}

/* Routes, checks the session, role and CSRF token; 0 to go on, 1 when it answered. */
static int
admit(struct req *r, struct conn *c)
{
	const struct route *path_hit = NULL;
	for (size_t i = 0; i < web_n_routes; i++) {
		const struct route *rt = &web_routes[i];
		int64_t id = 0;
		char name[65] = "";
		if (!web_path_match(rt->pattern, r->url, &id, name))
			continue;
		path_hit = rt;
		if (strcmp(rt->method, r->method) != 0 &&
		    !(strcmp(rt->method, "GET") == 0 && strcmp(r->method, "HEAD") == 0))
			continue;
		c->route = rt;
		c->id = id;
		snprintf(c->name, sizeof c->name, "%s", name);
		break;
	}
	if (!c->route) {
		if (path_hit)
			return reply_error(r, 405, _("%s is not allowed on %.100s."), r->method, r->url), 1;
		return reply_error(r, 404, _("There is no API endpoint %.100s; man loaxa-web lists them."),
				   r->url),
		       1;
	}
	if (c->route->roles) {
		const char *token =
			MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
		if (!token || sessions_find(r->w->ss, token, &c->s) < 0)
			return reply_error(r, 401, _("You are not logged in, or your session has expired; log in again.")),
			       1;
		if (!(c->s.roles & (c->route->roles | ROLE_ADMIN)))
			return reply_error(r, 403, _("Your role (%s) does not allow this."), _(c->s.role)),
			       1;
		if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
			const char *csrf =
				MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
			if (!csrf || strlen(csrf) != strlen(c->s.csrf) ||
			    sodium_memcmp(csrf, c->s.csrf, strlen(csrf)) != 0)
				return reply_error(r, 403, _("The request lacks this session's CSRF token; reload the page.")),
				       1;
		}
	}
	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > body_limit(c->route->body)) {
		if (c->route->body == BODY_NONE)
			return reply_error(r, 400, _("This request takes no body.")), 1;
		return too_large(r, c->route->body), 1;
	}
	if (c->route->body == BODY_JSON) {
		const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
		if (!ct || strncasecmp(ct, "application/json", 16) != 0)
			return reply_error(r, 415, _("Send the request's body as application/json.")), 1;
	}
	if (c->route->body == BODY_AUDIO) {
		upload_ext(MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "filename"),
			   c->ext);
		char err[ERRLEN];
		char *dir = xasprintf("%s/clips", r->w->state_dir);
		if (mkdir_p(dir, 0750, err) < 0) {
			free(dir);
			return reply_error(r, 500, "%s", err), 1;
		}
		c->path = xasprintf("%s/.upload-XXXXXX%s", dir, c->ext);
		free(dir);
		c->fd = mkstemps(c->path, (int)strlen(c->ext));
		if (c->fd < 0) {
			int e = errno;
			free(c->path);
			c->path = NULL;
			return reply_error(r, 500, _("Cannot write into %s: %s."), r->w->state_dir,
					   strerror(e)),
			       1;
		}
	}
	return 0;
}

/* Gathers a piece of the body; refuses nothing yet (the last call does). */
static void
take_body(struct conn *c, const char *data, size_t n)
{
	if (c->too_large)
		return;
	c->got += n;
	if (c->got > body_limit(c->route->body)) {
		c->too_large = 1;
		return;
	}
	if (c->route->body == BODY_AUDIO) {
		for (size_t off = 0; off < n;) {
			ssize_t w = write(c->fd, data + off, n - off);
			if (w < 0) {
				c->too_large = 2; /* the disk refused */
				return;
			}
			off += (size_t)w;
		}
	} else {
		sbuf_add(&c->body, data, n);
	}
}

static void
conn_free(struct conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	if (c->path)
		unlink(c->path);
	free(c->path);
	sbuf_free(&c->body);
	for (size_t i = 0; i < c->n_hdr; i++) {
		free(c->hdr[i].name);
		free(c->hdr[i].value);
	}
	free(c);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	  enum MHD_RequestTerminationCode toe)
{
	conn_free(*con_cls);
	*con_cls = NULL;
}

static enum MHD_Result
access_handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	       const char *version, const char *upload_data, size_t *upload_data_size,
	       void **con_cls)
{
	struct web *w = cls;
	char addr[64];
	struct req r = { .w = w, .conn = conn, .method = method, .url = url, .cfg = w->cfg,
			 .tls = w->tls };
	r.lang = web_pick_lang(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Language"));
	r.addr = client_addr(conn, addr, sizeof addr);
	locale_t loc = strcmp(r.lang, "en") == 0 ? w->loc_en : w->loc_vi;
	locale_t old = loc ? uselocale(loc) : (locale_t)0;
	enum MHD_Result res = MHD_YES;
	struct conn *c = *con_cls;

	if (!c) {
		c = xcalloc(1, sizeof *c);
		c->fd = -1;
		*con_cls = c;
		cur_conn = c;
		if (strncmp(url, "/api/", 5) != 0) {
			if (serve_static(&r) < 0)
				res = MHD_NO;
		} else if (admit(&r, c)) {
			if (!r.answered)
				res = MHD_NO;
		}
		if (r.answered)
			c->route = NULL; /* answered: the rest of the body is dropped */
		goto out;
	}
	cur_conn = c;
	if (!c->route) { /* already answered */
		*upload_data_size = 0;
		goto out;
	}
	if (*upload_data_size) {
		take_body(c, upload_data, *upload_data_size);
		*upload_data_size = 0;
		goto out;
	}
	r.id = c->id;
	r.name = c->name[0] ? c->name : NULL;
	r.s = c->s;
	if (c->too_large == 2) {
		reply_error(&r, 507, _("Cannot store the upload: %s."), strerror(ENOSPC));
		goto done;
	}
	if (c->too_large) {
		too_large(&r, c->route->body);
		goto done;
	}
	if (c->route->body == BODY_JSON || c->route->body == BODY_TEXT) {
		sbuf_add(&c->body, "", 0);
		r.body = c->body.s;
		r.body_len = c->body.len;
	} else if (c->route->body == BODY_AUDIO) {
		close(c->fd);
		c->fd = -1;
		r.upload = c->path;
		r.upload_ext = c->ext;
	}
	char err[ERRLEN];
	r.ops = thread_ops(w, err);
	if (!r.ops)
		reply_error(&r, 500, "%s", err);
	else
		c->route->fn(&r);
	if (!r.answered)
		reply_error(&r, 500, _("The server gave no answer to %s %s."), method, url);
done:
	/* the upload is gone before the answer leaves: a refusal leaves nothing behind */
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->path)
		unlink(c->path);
	free(c->path);
	c->path = NULL;
	c->route = NULL;
out:
	cur_conn = NULL;
	if (loc)
		uselocale(old);
	return res;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * Percent-decoding of paths and query values, but "%00" stays as written:
 * a NUL would cut "/index.html%00.js" short into another name.
 */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		int hi, lo;
		if (r[0] == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0 && (hi || lo)) {
			*w++ = (char)(hi * 16 + lo);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = 0;
	return (size_t)(w - s);
}

/* ---- start and stop ---- */

static int
listen_on(const char *spec, int *port, char *err)
{
	char host[128];
	const char *colon = strrchr(spec, ':');
	if (!colon || (size_t)(colon - spec) >= sizeof host) {
		err_set(err, _("web.listen must be ADDRESS:PORT (got %s)."), spec);
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = 0;
	char *h = host;
	if (h[0] == '[' && h[strlen(h) - 1] == ']') {
		h[strlen(h) - 1] = 0;
		h++;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai;
	int e = getaddrinfo(*h ? h : NULL, colon + 1, &hints, &ai);
	if (e) {
		err_set(err, _("Cannot listen on %s: %s."), spec, gai_strerror(e));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 256) < 0) {
		err_set(err, _("Cannot listen on %s: %s."), spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					       : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static char *
read_pem(const char *path, const char *what, char *err)
{
	char *s;
	size_t n;
	if (file_read_all(path, 1 << 20, &s, &n, err) < 0)
		return NULL;
	if (!strstr(s, "-----BEGIN")) {
		err_set(err, _("%s (%s) is not a PEM file."), path, what);
		free(s);
		return NULL;
	}
	return s;
}

struct web *
web_new(const struct web_opts *o, char *err)
{
	struct web *w = xcalloc(1, sizeof *w);
	w->lfd = -1;
	pthread_mutex_init(&w->render_mu, NULL);
	pthread_key_create(&w->tl_key, tl_free);
	w->cfg = config_load(config_pick_path(o->config_path), err);
	if (!w->cfg)
		goto fail;
	if (config_apply_timezone(w->cfg, err) < 0)
		goto fail;
	w->state_dir = xstrdup(o->state_dir ? o->state_dir : w->cfg->state_dir);
	w->static_dir = xstrdup(o->static_dir ? o->static_dir : WEBDIR);
	struct stat st;
	char *index = xasprintf("%s/index.html", w->static_dir);
	int have = stat(index, &st) == 0;
	free(index);
	if (!have) {
		err_set(err, _("The web pages are not in %s (no index.html); install them or give --static DIR."),
			w->static_dir);
		goto fail;
	}
	/* the store is opened (and migrated) once here, so a bad one is said at start */
	struct store *s;
	if (store_open(w->state_dir, &s, err) < 0)
		goto fail;
	store_close(s);
	/*
	 * Only the messages follow the request's language: numbers, dates and
	 * character classes stay C.UTF-8 (what is written for machines must not
	 * change with the locale).
	 */
	w->loc_en = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
	locale_t base = w->loc_en ? duplocale(w->loc_en) : (locale_t)0;
	w->loc_vi = base ? newlocale(LC_MESSAGES_MASK, "vi_VN.UTF-8", base) : (locale_t)0;
	if (base && !w->loc_vi)
		freelocale(base);
	if (!w->loc_vi)
		web_log(4, "the vi_VN.UTF-8 locale is missing (locale-gen it): answers are in English");
	w->ss = sessions_new(w->cfg->web.session_idle_minutes);
	w->lfd = listen_on(o->listen ? o->listen : w->cfg->web.listen, &w->port, err);
	if (w->lfd < 0)
		goto fail;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if (w->cfg->web.tls_cert) {
		if (!(w->tls_cert = read_pem(w->cfg->web.tls_cert, "web.tls_cert", err)) ||
		    !(w->tls_key = read_pem(w->cfg->web.tls_key, "web.tls_key", err)))
			goto fail;
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			err_set(err, _("This libmicrohttpd has no TLS support; HTTPS cannot be served."));
			goto fail;
		}
		flags |= MHD_USE_TLS;
		w->tls = 1;
	}
	struct MHD_OptionItem tls_opts[] = {
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, w->tls_key },
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, w->tls_cert },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct MHD_OptionItem none[] = { { MHD_OPTION_END, 0, NULL } };
	w->mhd = MHD_start_daemon(flags, 0, NULL, NULL, access_handler, w,
				  MHD_OPTION_LISTEN_SOCKET, w->lfd,
				  MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 4),
				  MHD_OPTION_CONNECTION_LIMIT, 1000u,
				  MHD_OPTION_CONNECTION_TIMEOUT, 60u,
				  /* per connection: headers and buffers; bodies are streamed out of it */
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 << 10),
				  MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				  MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
				  MHD_OPTION_ARRAY, w->tls ? tls_opts : none,
				  MHD_OPTION_END);
	if (!w->mhd) {
		err_set(err, _("Cannot start the HTTP server on %s (a bad certificate or key?)."),
			o->listen ? o->listen : w->cfg->web.listen);
		goto fail;
	}
	w->lfd = -1; /* MHD's now */
	return w;
fail:
	web_free(w);
	return NULL;
}

void
web_free(struct web *w)
{
	if (!w)
		return;
	if (w->mhd)
		MHD_stop_daemon(w->mhd);
	if (w->lfd >= 0)
		close(w->lfd);
	tl_free(pthread_getspecific(w->tl_key));
	pthread_key_delete(w->tl_key);
	sessions_free(w->ss);
	if (w->loc_vi)
		freelocale(w->loc_vi);
	if (w->loc_en)
		freelocale(w->loc_en);
	free(w->tls_key);
	free(w->tls_cert);
	free(w->state_dir);
	free(w->static_dir);
	config_free(w->cfg);
	pthread_mutex_destroy(&w->render_mu);
	tts_done();
	free(w);
}
