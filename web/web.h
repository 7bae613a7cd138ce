/*
 * web — loaxa-web, the operator's web console: an HTTP server
 * (libmicrohttpd; HTTPS when web.tls_cert and web.tls_key are set) that
 * serves the pages of web/static/ and a JSON API under /api/v1/, with
 * users, roles and sessions.  Every change goes through ops/, the same
 * functions as the `loaxa` command; what only the daemon knows (on air,
 * air now, stop, reload) is asked over its control socket.  A separate
 * program, so nothing a browser does can stop an airing.
 *
 * Sessions live in this process's memory: restarting loaxa-web logs
 * everyone out.
 */
#ifndef LOAXA_WEB_H
#define LOAXA_WEB_H

struct web;

struct web_opts {
	const char *config_path; /* NULL: config_pick_path() */
	const char *state_dir;   /* NULL: the configuration's */
	const char *static_dir;  /* the pages; NULL: WEBDIR (installed) */
	const char *listen;      /* overrides web.listen; port 0: any free port */
	int threads;             /* HTTP worker threads; 0: 4 */
};

/*
 * Loads the configuration, opens the store (migrating it), and starts
 * serving on its own threads.  NULL with err (a sentence).  Stop and free
 * with web_free().
 */
struct web *web_new(const struct web_opts *o, char *err);
/* The port it listens on (the one picked when listen ended in ":0"). */
int web_port(const struct web *w);
/* "http" or "https". */
const char *web_scheme(const struct web *w);
/* "ADDRESS:PORT" it listens on (listen: the -l option, or NULL for web.listen), in buf. */
const char *web_address(const struct web *w, const char *listen, char *buf, size_t len);
void web_free(struct web *w);

#endif
