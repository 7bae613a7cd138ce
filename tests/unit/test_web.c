/*
 * API tests of loaxa-web: the real program on an ephemeral port, the real
 * loaxad beside it (null sound output, the fake speech engine), libcurl as
 * the browser.  For every endpoint: what it does, each way it refuses, and
 * that a refusal leaves the store (every row of every table, and the
 * clips/ folder) exactly as it was.  Also the security promises: session
 * cookie, CSRF, roles, login throttle, headers, upload limits, paths that
 * try to climb out, HTTPS with a Secure cookie, passwords never in the log.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>
#include <cmocka.h>

#include "base/base.h"
#include "config/config.h"
#include "ops/ops.h"
#include "store/store.h"

#define PW "mat-khau-123"

static char dir[64];
static char base[64];  /* http://127.0.0.1:PORT */
static pid_t web_pid, daemon_pid;
static char web_log[128];

/* ---- processes ---- */

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Starts loaxa-web with config conf; fills base with its URL (scheme). */
static pid_t
start_web(const char *conf, const char *scheme, char *url, const char *log)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd, 2);
		char *st = xasprintf("%s/state", dir);
		execl("./loaxa-web", "loaxa-web", "--config", conf, "--state-dir", st, "--static",
		      "web/static", "--listen", "127.0.0.1:0", (char *)NULL);
		_exit(127);
	}
	close(fd);
	/* the port, from its first line */
	for (int i = 0; i < 200; i++) {
		char *text;
		size_t n;
		char err[ERRLEN];
		if (file_read_all(log, 1 << 16, &text, &n, err) == 0) {
			/* "... listening on SCHEME://ADDRESS:PORT" */
			char *p = strstr(text, "listening on ");
			char *nl = p ? strchr(p, '\n') : NULL;
			if (nl) {
				*nl = 0;
				sprintf(url, "%s://127.0.0.1:%d", scheme, atoi(strrchr(p, ':') + 1));
				free(text);
				return pid;
			}
			free(text);
		}
		usleep(50000);
	}
	fail_msg("loaxa-web did not start (see %s)", log);
	return -1;
}

static void
stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
}

/* ---- HTTP ---- */

struct resp {
	long status;
	struct sbuf body, head;
	json_t *json;
};

static size_t
on_body(char *p, size_t s, size_t n, void *arg)
{
	sbuf_add(arg, p, s * n);
	return s * n;
}

struct who {
	char cookie[128];
	char csrf[64];
};

/* For a body streamed from a callback: n bytes of zeros. */
struct zeros {
	size_t left;
};

static size_t
read_zeros(char *buf, size_t s, size_t n, void *arg)
{
	struct zeros *z = arg;
	size_t k = s * n < z->left ? s * n : z->left;
	memset(buf, 0, k);
	z->left -= k;
	return k;
}

static void
resp_free(struct resp *r)
{
	sbuf_free(&r->body);
	sbuf_free(&r->head);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

/*
 * One request.  ctype NULL with a body: application/json.  zeros > 0 sends
 * that many zero bytes (chunked when chunked is set) instead of body.
 */
static void
request_ex(const char *method, const char *path, const char *body, size_t len, const char *ctype,
	   const struct who *w, const char *lang, size_t zeros, int chunked, const char *url_base,
	   struct resp *r)
{
	memset(r, 0, sizeof *r);
	CURL *c = curl_easy_init();
	char *url = xasprintf("%s%s", url_base ? url_base : base, path);
	struct curl_slist *h = NULL;
	char line[256];
	snprintf(line, sizeof line, "Accept-Language: %s", lang ? lang : "en");
	h = curl_slist_append(h, line);
	if (w && w->csrf[0]) {
		snprintf(line, sizeof line, "X-CSRF-Token: %s", w->csrf);
		h = curl_slist_append(h, line);
	}
	if (body || zeros) {
		snprintf(line, sizeof line, "Content-Type: %s", ctype ? ctype : "application/json");
		h = curl_slist_append(h, line);
	}
	struct zeros z = { zeros };
	if (zeros && chunked)
		h = curl_slist_append(h, "Transfer-Encoding: chunked");
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->head);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	if (w && w->cookie[0])
		curl_easy_setopt(c, CURLOPT_COOKIE, w->cookie);
	if (zeros) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_zeros);
		curl_easy_setopt(c, CURLOPT_READDATA, &z);
		if (!chunked)
			curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)zeros);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	} else if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	}
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (rc != CURLE_OK && !r->status)
		fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
	sbuf_add(&r->body, "", 0);
	sbuf_add(&r->head, "", 0);
	r->json = json_loads(r->body.s, 0, NULL);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(url);
}

static void
request(const char *method, const char *path, const char *json, const struct who *w,
	struct resp *r)
{
	request_ex(method, path, json, json ? strlen(json) : 0, NULL, w, "en", 0, 0, NULL, r);
}

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_int_t
jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void
login_as(const char *name, struct who *w)
{
	char body[128];
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"password\":\"%s\"}", name, PW);
	struct resp r;
	request("POST", "/api/v1/login", body, NULL, &r);
	if (r.status != 200)
		fail_msg("login %s: %ld %s", name, r.status, r.body.s);
	const char *sc = strcasestr(r.head.s, "Set-Cookie: loaxa_session=");
	assert_non_null(sc);
	sc += strlen("Set-Cookie: ");
	size_t n = strcspn(sc, ";\r\n");
	snprintf(w->cookie, sizeof w->cookie, "%.*s", (int)n, sc);
	snprintf(w->csrf, sizeof w->csrf, "%s", jstr(r.json, "csrf"));
	resp_free(&r);
}

static struct who op, lead, officer, admin;

/* ---- the store, whole ---- */

/* SHA-256 of every row of every table and the names in clips/. */
static void
store_digest(char hex[65])
{
	char *path = xasprintf("%s/state/loaxa.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	struct sha256 *h = sha256_new();
	sqlite3_stmt *tables;
	sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1,
			   &tables, NULL);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(tables, 0);
		char *q = xasprintf("SELECT * FROM \"%s\" ORDER BY rowid", t);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) {
			sha256_update(h, t, strlen(t));
			while (sqlite3_step(st) == SQLITE_ROW)
				for (int i = 0; i < sqlite3_column_count(st); i++) {
					const unsigned char *v = sqlite3_column_text(st, i);
					sha256_update(h, v ? (const char *)v : "\x01", v ? strlen((const char *)v) + 1 : 1);
				}
			sqlite3_finalize(st);
		}
		free(q);
	}
	sqlite3_finalize(tables);
	sqlite3_close(db);
	free(path);
	char *clips = xasprintf("%s/state/clips", dir);
	DIR *d = opendir(clips);
	struct dirent *e;
	char names[8192] = "";
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s\n", e->d_name);
	if (d)
		closedir(d);
	/* directory order is not sorted, but stable for an unchanged directory */
	sha256_update(h, names, strlen(names));
	free(clips);
	sha256_finish(h, hex);
}

/*
 * A refusal: the status, the error sentence holding want, and the store
 * unchanged.  Returns nothing; fails the test otherwise.
 */
static void
refused_ex(const char *method, const char *path, const char *body, size_t len, const char *ctype,
	   const struct who *w, long status, const char *want)
{
	char before[65], after[65];
	store_digest(before);
	struct resp r;
	request_ex(method, path, body, len, ctype, w, "en", 0, 0, NULL, &r);
	if (r.status != status || !jstr(r.json, "error") || !strstr(jstr(r.json, "error"), want))
		fail_msg("%s %s: wanted %ld with \"%s\", got %ld %.300s", method, path, status, want,
			 r.status, r.body.s);
	store_digest(after);
	if (strcmp(before, after) != 0)
		fail_msg("%s %s was refused but the store changed", method, path);
	resp_free(&r);
}

static void
refused(const char *method, const char *path, const char *json, const struct who *w, long status,
	const char *want)
{
	refused_ex(method, path, json, json ? strlen(json) : 0, NULL, w, status, want);
}

/* A request that must succeed with status; the answer in r. */
static void
ok_req(const char *method, const char *path, const char *json, const struct who *w, long status,
       struct resp *r)
{
	request(method, path, json, w, r);
	if (r->status != status)
		fail_msg("%s %s: wanted %ld, got %ld %.300s", method, path, status, r->status,
			 r->body.s);
}

/* ---- set-up ---- */

static void
make_wav(const char *path, double seconds, double freq)
{
	int rate = 48000;
	long n = (long)(seconds * rate);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	uint32_t u32;
	uint16_t u16;
	fwrite("RIFF", 1, 4, f);
	u32 = (uint32_t)(36 + 2 * n);
	fwrite(&u32, 4, 1, f);
	fwrite("WAVEfmt ", 1, 8, f);
	u32 = 16;
	fwrite(&u32, 4, 1, f);
	u16 = 1;
	fwrite(&u16, 2, 1, f);
	fwrite(&u16, 2, 1, f);
	u32 = (uint32_t)rate;
	fwrite(&u32, 4, 1, f);
	u32 = (uint32_t)rate * 2;
	fwrite(&u32, 4, 1, f);
	u16 = 2;
	fwrite(&u16, 2, 1, f);
	u16 = 16;
	fwrite(&u16, 2, 1, f);
	fwrite("data", 1, 4, f);
	u32 = (uint32_t)(2 * n);
	fwrite(&u32, 4, 1, f);
	for (long i = 0; i < n; i++) {
		int16_t s = (int16_t)(8000 * __builtin_sin(2 * 3.14159265 * freq * i / rate));
		fwrite(&s, 2, 1, f);
	}
	fclose(f);
}

static char *
slurp(const char *path, size_t *n)
{
	char *s, err[ERRLEN];
	if (file_read_all(path, 64 << 20, &s, n, err) < 0)
		fail_msg("%s", err);
	return s;
}

static int
setup(void **state)
{
	strcpy(dir, "/tmp/loaxa-test-web-XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("LOAXA_LOCALEDIR", "po", 1);
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	unsetenv("LOAXA_CONFIG");
	unsetenv("LOAXA_STATE_DIR");
	curl_global_init(CURL_GLOBAL_ALL);
	char *conf = xasprintf("%s/web.conf", dir), *dconf = xasprintf("%s/daemon.conf", dir);
	char *text = xasprintf("state_dir = \"%s/state\";\ncontrol_socket = \"%s/control.sock\";\n"
			       "approval_required = true;\ntts = { engine = \"fake\"; region = \"central\"; };\n"
			       "audio = { output = \"null\"; };\n"
			       "slots = ( { name = \"sang\"; when = \"*-*-* 05:30\"; program = \"mac-dinh\"; },\n"
			       "  { name = \"chieu\"; when = \"*-*-* 17:00\"; program = \"mac-dinh\"; } );\n",
			       dir, dir);
	write_file(conf, text);
	free(text);
	/* the daemon airs nothing by itself during the tests: its one slot is far away */
	text = xasprintf("state_dir = \"%s/state\";\ncontrol_socket = \"%s/control.sock\";\n"
			 "approval_required = true;\ntts = { engine = \"fake\"; };\n"
			 "audio = { output = \"null\"; };\nlead_seconds = 5;\n"
			 "slots = ( { name = \"xa\"; when = \"2099-01-01 03:00\"; program = \"mac-dinh\"; } );\n",
			 dir, dir);
	write_file(dconf, text);
	free(text);

	/* the people, through ops as `loaxa user add` does */
	char err[ERRLEN];
	struct config *cfg = config_load(conf, err);
	assert_non_null(cfg);
	struct store *st;
	char *sd = xasprintf("%s/state", dir);
	assert_int_equal(store_open(sd, &st, err), 0);
	struct ops o;
	assert_int_equal(ops_init(&o, cfg, st, sd, err), 0);
	static const char *const people[][2] = { { "op", "operator" }, { "lead", "approver" },
						 { "officer", "officer" }, { "admin", "admin" },
						 { "lan", "operator" }, { "thu", "operator" } };
	for (size_t i = 0; i < ARRAY_LEN(people); i++)
		if (ops_user_add(&o, people[i][0], people[i][1], PW, "test", err) < 0)
			fail_msg("%s", err);
	ops_done(&o);
	store_close(st);
	config_free(cfg);

	daemon_pid = fork();
	if (daemon_pid == 0) {
		char *log = xasprintf("%s/daemon.log", dir);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		execl("./loaxad", "loaxad", "--config", dconf, (char *)NULL);
		_exit(127);
	}
	snprintf(web_log, sizeof web_log, "%s/web.log", dir);
	web_pid = start_web(conf, "http", base, web_log);
	/* the daemon answers */
	char *sock = xasprintf("%s/control.sock", dir);
	for (int i = 0; i < 100 && access(sock, F_OK) != 0; i++)
		usleep(50000);
	free(sock);
	free(sd);
	free(conf);
	free(dconf);
	login_as("op", &op);
	login_as("lead", &lead);
	login_as("officer", &officer);
	login_as("admin", &admin);
	char *wav = xasprintf("%s/tone.wav", dir);
	make_wav(wav, 1.0, 440);
	free(wav);
	return 0;
}

static int
teardown(void **state)
{
	stop(web_pid);
	stop(daemon_pid);
	/* no password ever reaches the log */
	size_t n;
	char *log = slurp(web_log, &n);
	assert_null(strstr(log, PW));
	free(log);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	curl_global_cleanup();
	return 0;
}

/* ---- tests ---- */

static int64_t
add_bulletin(const struct who *w, const char *title, const char *text)
{
	json_t *b = json_pack("{s:s,s:s,s:s}", "title", title, "topic", "tthc", "text", text);
	char *s = json_dumps(b, 0);
	json_decref(b);
	struct resp r;
	ok_req("POST", "/api/v1/bulletins", s, w, 201, &r);
	free(s);
	int64_t id = jint(r.json, "id");
	resp_free(&r);
	return id;
}

static void
approve(int64_t id)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/bulletins/%lld/approve", (long long)id);
	struct resp r;
	ok_req("POST", path, "{\"force\":true}", &lead, 200, &r);
	resp_free(&r);
}

static void
login_and_sessions(void **state)
{
	struct resp r;
	/* the cookie: HttpOnly, SameSite=Strict, not Secure over plain HTTP */
	request("POST", "/api/v1/login", "{\"name\":\"lan\",\"password\":\"" PW "\"}", NULL, &r);
	assert_int_equal(r.status, 200);
	const char *sc = strcasestr(r.head.s, "Set-Cookie:");
	assert_non_null(sc);
	char line[256];
	snprintf(line, sizeof line, "%.*s", (int)strcspn(sc, "\r\n"), sc);
	assert_non_null(strstr(line, "HttpOnly"));
	assert_non_null(strstr(line, "SameSite=Strict"));
	assert_null(strstr(line, "Secure"));
	/* 32 random bytes, base64url: 43 characters */
	const char *v = strstr(line, "loaxa_session=") + 14;
	assert_int_equal(strcspn(v, ";"), 43);
	assert_string_equal(jstr(r.json, "role"), "operator");
	resp_free(&r);

	refused("POST", "/api/v1/login", "{\"name\":\"lan\",\"password\":\"wrong-password\"}", NULL,
		401, "The user name or the password is wrong.");
	refused("POST", "/api/v1/login", "{\"name\":\"nobody\",\"password\":\"" PW "\"}", NULL, 401,
		"The user name or the password is wrong.");
	refused("POST", "/api/v1/login", "{\"name\":\"lan\"}", NULL, 400,
		"lacks the field \"password\"");
	refused("POST", "/api/v1/login", "{\"name\":\"lan\",\"password\":", NULL, 400,
		"not valid JSON");
	refused_ex("POST", "/api/v1/login", "name=lan", 8, "application/x-www-form-urlencoded",
		   NULL, 415, "application/json");

	/* no session, a forged one, and one logged out */
	refused("GET", "/api/v1/session", NULL, NULL, 401, "not logged in");
	struct who forged = { "loaxa_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "" };
	refused("GET", "/api/v1/bulletins", NULL, &forged, 401, "not logged in");
	struct who w;
	login_as("lan", &w);
	ok_req("GET", "/api/v1/session", NULL, &w, 200, &r);
	assert_string_equal(jstr(r.json, "name"), "lan");
	resp_free(&r);
	ok_req("POST", "/api/v1/logout", NULL, &w, 200, &r);
	resp_free(&r);
	refused("GET", "/api/v1/session", NULL, &w, 401, "not logged in");
}

static void
login_is_throttled(void **state)
{
	/* five failures lock the name for a minute, even with the right password */
	for (int i = 0; i < 5; i++)
		refused("POST", "/api/v1/login", "{\"name\":\"thu\",\"password\":\"nope-nope\"}", NULL,
			401, "wrong");
	refused("POST", "/api/v1/login", "{\"name\":\"thu\",\"password\":\"" PW "\"}", NULL, 429,
		"Too many failed logins");
	struct resp r;
	request("POST", "/api/v1/login", "{\"name\":\"thu\",\"password\":\"" PW "\"}", NULL, &r);
	assert_int_equal(r.status, 429);
	assert_non_null(strcasestr(r.head.s, "Retry-After: "));
	resp_free(&r);
	/* another name from the same address still works (its failures are its own) */
	struct who w;
	login_as("lead", &w);
}

static void
headers_on_every_reply(void **state)
{
	const char *paths[] = { "/", "/app.js", "/api/v1/i18n", "/api/v1/nope" };
	for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
		struct resp r;
		request("GET", paths[i], NULL, NULL, &r);
		assert_non_null(strcasestr(r.head.s, "Content-Security-Policy: default-src 'self'"));
		assert_null(strstr(r.head.s, "unsafe-inline"));
		assert_non_null(strcasestr(r.head.s, "X-Frame-Options: DENY"));
		assert_non_null(strcasestr(r.head.s, "X-Content-Type-Options: nosniff"));
		resp_free(&r);
	}
	/* no inline script in the page: every <script> has a src */
	size_t n;
	char *html = slurp("web/static/index.html", &n);
	for (char *p = html; (p = strstr(p, "<script")); p++)
		assert_true(strncmp(p, "<script src=", 12) == 0);
	assert_null(strstr(html, " onclick="));
	assert_null(strstr(html, " style="));
	free(html);
}

static void
csrf_and_roles(void **state)
{
	struct who no_token = op;
	no_token.csrf[0] = 0;
	const char *b = "{\"title\":\"T\",\"topic\":\"tthc\",\"text\":\"Nội dung.\"}";
	refused("POST", "/api/v1/bulletins", b, &no_token, 403, "CSRF");
	struct who wrong = op;
	memcpy(wrong.csrf, "xxxx", 4);
	refused("POST", "/api/v1/bulletins", b, &wrong, 403, "CSRF");
	/* a token of another session is not this session's */
	struct who mixed = op;
	snprintf(mixed.csrf, sizeof mixed.csrf, "%s", lead.csrf);
	refused("POST", "/api/v1/bulletins", b, &mixed, 403, "CSRF");
	/* roles */
	refused("POST", "/api/v1/bulletins", b, &officer, 403, "does not allow");
	refused("GET", "/api/v1/users", NULL, &op, 403, "does not allow");
	refused("GET", "/api/v1/log", NULL, &op, 403, "does not allow");
	refused("POST", "/api/v1/bulletins/1/approve", "{}", &op, 403, "does not allow");
	refused("POST", "/api/v1/air", "{\"bulletin\":1}", &lead, 403, "does not allow");
	/* unknown endpoints and methods */
	refused("GET", "/api/v1/nothing", NULL, &admin, 404, "no API endpoint");
	refused("DELETE", "/api/v1/bulletins", NULL, &admin, 405, "not allowed");
}

static void
bulletins_add_show_edit(void **state)
{
	struct resp r;
	const char *b = "{\"title\":\"Nộp hồ sơ trực tuyến\",\"topic\":\"tthc\",\"class\":\"normal\","
			"\"source\":\"Kế hoạch 30/KH-UBND\",\"valid_from\":\"2025-01-01\","
			"\"airings\":3,\"text\":\"Người dân nộp hồ sơ tại XYZQ.\"}";
	ok_req("POST", "/api/v1/bulletins", b, &op, 201, &r);
	int64_t id = jint(r.json, "id");
	assert_true(id > 0);
	assert_string_equal(jstr(r.json, "state"), "draft"); /* approval_required */
	assert_string_equal(jstr(r.json, "made_by"), "op");
	assert_int_equal(jint(r.json, "airings_wanted"), 3);
	assert_true(json_is_null(json_object_get(r.json, "region"))); /* the station's */
	/* the lint's finding comes with it, where it is */
	json_t *f = json_array_get(json_object_get(r.json, "findings"), 0);
	assert_string_equal(jstr(f, "kind"), "unknown-acronym");
	assert_string_equal(jstr(f, "text"), "XYZQ");
	assert_int_equal(jint(f, "line"), 1);
	assert_int_equal(jint(f, "column"), 25);
	resp_free(&r);

	ok_req("GET", "/api/v1/bulletins", NULL, &op, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "bulletins")) >= 1);
	resp_free(&r);
	ok_req("GET", "/api/v1/bulletins?state=draft", NULL, &lead, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "bulletins")) >= 1);
	resp_free(&r);

	char path[64];
	snprintf(path, sizeof path, "/api/v1/bulletins/%lld", (long long)id);
	ok_req("PUT", path, "{\"text\":\"Người dân nộp hồ sơ trực tuyến.\"}", &op, 200, &r);
	assert_int_equal(jint(r.json, "version"), 2);
	assert_int_equal(json_array_size(json_object_get(r.json, "findings")), 0);
	resp_free(&r);
	/* read as in the South: kept with the version; "station" gives it back */
	ok_req("PUT", path, "{\"region\":\"south\"}", &op, 200, &r);
	assert_int_equal(jint(r.json, "version"), 3);
	assert_string_equal(jstr(r.json, "region"), "south");
	resp_free(&r);
	refused("PUT", path, "{\"region\":\"west\"}", &op, 400,
		"--region is north, central, south or station (got west)");
	ok_req("PUT", path, "{\"region\":\"station\"}", &op, 200, &r);
	assert_int_equal(jint(r.json, "version"), 4);
	assert_true(json_is_null(json_object_get(r.json, "region")));
	resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/bulletins/%lld/versions/1", (long long)id);
	ok_req("GET", path, NULL, &op, 200, &r);
	assert_string_equal(jstr(r.json, "text"), "Người dân nộp hồ sơ tại XYZQ.");
	resp_free(&r);

	/* refusals, each leaving the store as it was */
	refused("POST", "/api/v1/bulletins", "{\"topic\":\"tthc\",\"text\":\"Có.\"}", &op, 400,
		"add needs --title");
	refused("POST", "/api/v1/bulletins", "{\"title\":\"T\",\"topic\":\"nope\",\"text\":\"Có.\"}",
		&op, 400, "There is no topic \"nope\"");
	refused("POST", "/api/v1/bulletins", "{\"title\":\"T\",\"topic\":\"tthc\",\"text\":\"  \\n \"}",
		&op, 400, "is empty");
	refused("POST", "/api/v1/bulletins", "{\"title\":\"T\",\"topic\":\"tthc\",\"text\":\"a\\u001bb\"}",
		&op, 400, "control character U+001B");
	refused("POST", "/api/v1/bulletins", "{\"title\":\"T\",\"topic\":\"tthc\",\"text\":\"!!! ???\"}",
		&op, 400, "nothing to read aloud");
	refused("POST", "/api/v1/bulletins",
		"{\"title\":\"T\",\"topic\":\"tthc\",\"text\":\"Có.\",\"valid_from\":\"2025-02-30\"}", &op,
		400, "not a date that exists");
	refused("POST", "/api/v1/bulletins", "{\"title\":\"T\",\"topic\":\"tthc\",\"text\":\"Có.\",\"x\":1}",
		&op, 400, "unknown field \"x\"");
	refused("POST", "/api/v1/bulletins", "{\"title\":5,\"topic\":\"tthc\",\"text\":\"Có.\"}", &op,
		400, "\"title\" must be a string");
	refused("POST", "/api/v1/bulletins", "{\"title\":\"T\",\"topic\":\"tthc\",\"text\":\"Có.\",\"airings\":-1}",
		&op, 400, "\"airings\" must be a whole number from 0 to 10000");
	refused("POST", "/api/v1/bulletins", "{\"title\":\"a\\u0000b\",\"topic\":\"tthc\",\"text\":\"Có.\"}",
		&op, 400, "\\u0000 is not allowed");
	refused("POST", "/api/v1/bulletins", "[1,2]", &op, 400, "must be a JSON object");
	refused("GET", "/api/v1/bulletins/424242", NULL, &op, 404, "There is no bulletin 424242");
	refused("PUT", "/api/v1/bulletins/424242", "{\"title\":\"X\"}", &op, 404,
		"There is no bulletin 424242");
	refused("GET", "/api/v1/bulletins?state=lost", NULL, &op, 400, "--state is draft");
	/* a text over 1 MiB: refused with the limit named, before it is read */
	size_t big = (2u << 20);
	char *huge = xmalloc(big + 64);
	strcpy(huge, "{\"title\":\"T\",\"topic\":\"tthc\",\"text\":\"");
	memset(huge + strlen(huge), 'a', big);
	strcpy(huge + 36 + big, "\"}");
	refused_ex("POST", "/api/v1/bulletins", huge, strlen(huge), NULL, &op, 413, "1 MiB");
	free(huge);
}

static void
lint_and_listen(void **state)
{
	struct resp r;
	/* a .txt: NFC, and findings */
	const char *decomposed = "Cong vie\xcc\xa3\xcc\x82" "c UBND va\xcc\x80 XYZQ.";
	request_ex("POST", "/api/v1/lint", decomposed, strlen(decomposed), "text/plain", &op, "en", 0,
		   0, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(jstr(r.json, "text"), "việc"));
	assert_int_equal(json_array_size(json_object_get(r.json, "findings")), 1);
	resp_free(&r);
	refused_ex("POST", "/api/v1/lint", "ab\xff\xfe", 4, "text/plain", &op, 400,
		   "not valid UTF-8 text (bad byte at offset 2)");

	/* "Nghe thử": the bulletin rendered as it would air, as a WAV */
	int64_t id = add_bulletin(&op, "Nghe thử", "Xin chào bà con.");
	char path[64];
	snprintf(path, sizeof path, "/api/v1/bulletins/%lld/audio", (long long)id);
	request("GET", path, NULL, &op, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strcasestr(r.head.s, "Content-Type: audio/wav"));
	assert_true(r.body.len > 48000);
	assert_memory_equal(r.body.s, "RIFF", 4);
	resp_free(&r);
	refused("GET", "/api/v1/bulletins/424242/audio", NULL, &op, 404, "no bulletin 424242");
}

static void
approve_and_send_back(void **state)
{
	int64_t id = add_bulletin(&op, "Có lỗi", "Liên hệ XYZQ.");
	char path[80];
	struct resp r;
	snprintf(path, sizeof path, "/api/v1/bulletins/%lld/approve", (long long)id);
	/* refused while the text would sound wrong, with the findings */
	char before[65], after[65];
	store_digest(before);
	request("POST", path, "{}", &lead, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(jstr(r.json, "error"), "problems that would be heard on air"));
	assert_int_equal(json_array_size(json_object_get(r.json, "findings")), 1);
	resp_free(&r);
	store_digest(after);
	assert_string_equal(before, after);
	refused("POST", path, "{\"force\":\"yes\"}", &lead, 400, "\"force\" must be true or false");
	ok_req("POST", path, "{\"force\":true}", &lead, 200, &r);
	assert_string_equal(jstr(r.json, "state"), "approved");
	json_t *rv = json_array_get(json_object_get(r.json, "reviews"), 0);
	assert_string_equal(jstr(rv, "decision"), "approved");
	assert_string_equal(jstr(rv, "reviewer"), "lead");
	resp_free(&r);
	/* an edit of an approved bulletin is a draft again (approval_required) */
	snprintf(path, sizeof path, "/api/v1/bulletins/%lld", (long long)id);
	ok_req("PUT", path, "{\"text\":\"Liên hệ ủy ban.\"}", &op, 200, &r);
	assert_string_equal(jstr(r.json, "state"), "draft");
	resp_free(&r);

	/* sent back with a comment */
	snprintf(path, sizeof path, "/api/v1/bulletins/%lld/return", (long long)id);
	ok_req("POST", path, "{\"comment\":\"Viết rõ <b>địa chỉ</b>.\"}", &lead, 200, &r);
	rv = json_array_get(json_object_get(r.json, "reviews"), 1);
	assert_string_equal(jstr(rv, "decision"), "returned");
	assert_string_equal(jstr(rv, "comment"), "Viết rõ <b>địa chỉ</b>.");
	resp_free(&r);
	approve(id);
	refused("POST", path, "{}", &lead, 409, "only a draft waiting for approval");
	/* retired: not approved again */
	snprintf(path, sizeof path, "/api/v1/bulletins/%lld/retire", (long long)id);
	ok_req("POST", path, NULL, &op, 200, &r);
	assert_string_equal(jstr(r.json, "state"), "retired");
	resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/bulletins/%lld/approve", (long long)id);
	refused("POST", path, "{\"force\":true}", &lead, 409, "is retired");
	refused("POST", "/api/v1/bulletins/424242/approve", "{}", &lead, 404, "no bulletin 424242");
	/* a guess is told, not held against it, as `loaxa bulletin approve` does */
	id = add_bulletin(&op, "Khai mạc", "Lễ hội khai mạc 2/9.");
	snprintf(path, sizeof path, "/api/v1/bulletins/%lld/approve", (long long)id);
	ok_req("POST", path, "{}", &lead, 200, &r);
	assert_string_equal(jstr(r.json, "state"), "approved");
	resp_free(&r);
}

static void
clips_upload_listen_remove(void **state)
{
	char *wav = xasprintf("%s/tone.wav", dir);
	size_t n;
	char *data = slurp(wav, &n);
	struct resp r;
	request_ex("POST", "/api/v1/clips?name=nhac-hieu&kind=jingle&filename=a.wav", data, n,
		   "audio/wav", &op, "en", 0, 0, NULL, &r);
	assert_int_equal(r.status, 201);
	int64_t id = jint(r.json, "id");
	assert_true(json_real_value(json_object_get(r.json, "duration_s")) > 0.99);
	resp_free(&r);
	ok_req("GET", "/api/v1/clips", NULL, &op, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "clips")), 1);
	resp_free(&r);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/clips/%lld/audio", (long long)id);
	request("GET", path, NULL, &op, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, n);
	resp_free(&r);

	/* refusals: no file left in clips/, no row */
	refused_ex("POST", "/api/v1/clips?name=../../etc/x&kind=jingle", data, n, "audio/wav", &op,
		   400, "a clip name is 1 to 64");
	refused_ex("POST", "/api/v1/clips?name=x&kind=song", data, n, "audio/wav", &op, 400,
		   "--kind is jingle, music, bed or recording");
	refused_ex("POST", "/api/v1/clips?name=nhac-hieu&kind=jingle", data, n, "audio/wav", &op,
		   409, "already a clip named");
	refused_ex("POST", "/api/v1/clips?name=text&kind=music", "not audio at all", 16,
		   "audio/wav", &op, 400, "the upload");
	refused_ex("POST", "/api/v1/clips?name=empty&kind=music", "", 0, "audio/wav", &op, 400,
		   "empty");
	/* over 200 MiB: said at once from Content-Length, and when streamed without one */
	char before[65], after[65];
	store_digest(before);
	request_ex("POST", "/api/v1/clips?name=big&kind=music", NULL, 0, "audio/wav", &op, "en",
		   (200u << 20) + 1, 0, NULL, &r);
	assert_int_equal(r.status, 413);
	assert_non_null(strstr(jstr(r.json, "error"), "200 MiB"));
	resp_free(&r);
	request_ex("POST", "/api/v1/clips?name=big&kind=music", NULL, 0, "audio/wav", &op, "en",
		   (200u << 20) + 1, 1, NULL, &r);
	assert_int_equal(r.status, 413);
	resp_free(&r);
	store_digest(after);
	assert_string_equal(before, after);

	/* paths that try to climb out */
	refused("GET", "/api/v1/clips/../../etc/passwd", NULL, &op, 404, "");
	refused("GET", "/../../etc/passwd", NULL, &op, 404, "no page");
	refused("GET", "/%2e%2e/%2e%2e/etc/passwd", NULL, &op, 404, "no page");
	refused("GET", "/.hidden.html", NULL, &op, 404, "no page");
	refused("GET", "/api/v1/clips/424242/audio", NULL, &op, 404, "no clip");

	/* a recorded bulletin uses its clip: that clip is kept */
	request_ex("POST", "/api/v1/bulletins/recording?title=Ghi%20%C3%A2m&topic=khac&filename=r.wav",
		   data, n, "audio/wav", &op, "en", 0, 0, NULL, &r);
	assert_int_equal(r.status, 201);
	int64_t rec = jint(r.json, "audio_clip_id");
	assert_true(rec > 0);
	resp_free(&r);
	refused_ex("POST", "/api/v1/bulletins/recording?topic=khac", data, n, "audio/wav", &op, 400,
		   "add needs --title");
	refused_ex("POST", "/api/v1/bulletins/recording?title=X&topic=khac&airings=x", data, n,
		   "audio/wav", &op, 400, "--airings");
	/* its zones are read as the text form's: a name the configuration lacks is refused */
	refused_ex("POST", "/api/v1/bulletins/recording?title=X&topic=khac&zones=thon-9", data, n,
		   "audio/wav", &op, 400, "thon-9");
	snprintf(path, sizeof path, "/api/v1/clips/%lld", (long long)rec);
	refused("DELETE", path, NULL, &op, 409, "is used by 1 bulletin");
	snprintf(path, sizeof path, "/api/v1/clips/%lld", (long long)id);
	ok_req("DELETE", path, NULL, &op, 200, &r);
	resp_free(&r);
	refused("DELETE", path, NULL, &op, 404, "no clip");
	free(data);
	free(wav);
}

static void
queue_air_stop(void **state)
{
	int64_t draft = add_bulletin(&op, "Nháp", "Chưa duyệt.");
	int64_t id = add_bulletin(&op, "Phát ngay", "Xin chào bà con.");
	approve(id);
	char body[128];
	struct resp r;
	snprintf(body, sizeof body, "{\"bulletin\":%lld,\"slot\":\"sang\"}", (long long)id);
	ok_req("POST", "/api/v1/queue", body, &op, 201, &r);
	int64_t entry = jint(r.json, "id");
	resp_free(&r);
	ok_req("GET", "/api/v1/queue", NULL, &op, 200, &r);
	json_t *e = json_array_get(json_object_get(r.json, "queue"), 0);
	assert_string_equal(jstr(e, "by"), "op");
	assert_string_equal(jstr(e, "slot"), "sang");
	resp_free(&r);
	/* the schedule takes it into the next morning slot */
	ok_req("GET", "/api/v1/schedule?days=2", NULL, &officer, 200, &r);
	int found = 0;
	json_t *a;
	size_t i;
	json_array_foreach(json_object_get(r.json, "airings"), i, a)
	{
		json_t *b = json_array_get(json_object_get(a, "bulletins"), 0);
		found |= b && jint(b, "id") == id && strcmp(jstr(a, "slot"), "sang") == 0;
	}
	assert_true(found);
	resp_free(&r);
	refused("GET", "/api/v1/schedule?days=0", NULL, &op, 400, "--days takes 1 to 366");

	snprintf(body, sizeof body, "{\"bulletin\":%lld}", (long long)draft);
	refused("POST", "/api/v1/queue", body, &op, 409, "only approved bulletins air");
	snprintf(body, sizeof body, "{\"bulletin\":%lld,\"slot\":\"dem\"}", (long long)id);
	refused("POST", "/api/v1/queue", body, &op, 400, "There is no slot \"dem\"");
	snprintf(body, sizeof body, "{\"bulletin\":%lld,\"at\":\"2001-01-01 05:00\"}", (long long)id);
	refused("POST", "/api/v1/queue", body, &op, 400, "in the past");
	snprintf(body, sizeof body, "{\"bulletin\":%lld,\"slot\":\"sang\",\"at\":\"2099-01-01 05:00\"}",
		 (long long)id);
	refused("POST", "/api/v1/queue", body, &op, 400, "not both");
	refused("POST", "/api/v1/queue", "{\"bulletin\":424242}", &op, 404, "no bulletin 424242");
	refused("POST", "/api/v1/queue", "{\"bulletin\":0}", &op, 400, "above 0");
	char path[64];
	snprintf(path, sizeof path, "/api/v1/queue/%lld", (long long)entry);
	ok_req("DELETE", path, NULL, &op, 200, &r);
	resp_free(&r);
	refused("DELETE", path, NULL, &op, 404, "no pending queue entry");

	/* air now: refusals first (the store must not move), then the airing */
	snprintf(body, sizeof body, "{\"bulletin\":%lld,\"class\":\"emergency\"}", (long long)id);
	refused("POST", "/api/v1/air", body, &op, 409, "confirm it");
	snprintf(body, sizeof body, "{\"bulletin\":%lld,\"class\":\"urgent\"}", (long long)id);
	refused("POST", "/api/v1/air", body, &op, 400, "--class is normal, priority or emergency");
	snprintf(body, sizeof body, "{\"bulletin\":%lld}", (long long)draft);
	refused("POST", "/api/v1/air", body, &op, 409, "only approved bulletins air");
	refused("POST", "/api/v1/air", "{\"bulletin\":424242}", &op, 404, "no bulletin 424242");
	refused("POST", "/api/v1/air", "{}", &op, 400, "give a BULLETIN_ID");
	refused("POST", "/api/v1/air", "{\"program\":\"khong\"}", &op, 400, "no programme \"khong\"");

	ok_req("GET", "/api/v1/status", NULL, &officer, 200, &r);
	assert_non_null(jstr(r.json, "version"));
	resp_free(&r);
	snprintf(body, sizeof body, "{\"bulletin\":%lld}", (long long)id);
	ok_req("POST", "/api/v1/air", body, &op, 200, &r);
	resp_free(&r);
	/* the airing is logged, with who asked for it */
	char *db = xasprintf("%s/state/loaxa.db", dir);
	int done = 0;
	for (int k = 0; k < 300 && !done; k++) {
		sqlite3 *s;
		sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL);
		sqlite3_stmt *st;
		sqlite3_prepare_v2(s, "SELECT count(*) FROM airings WHERE asked_by = 'op' AND status = 'completed'",
				   -1, &st, NULL);
		done = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
		sqlite3_finalize(st);
		sqlite3_close(s);
		if (!done)
			usleep(100000);
	}
	free(db);
	assert_true(done);
	ok_req("POST", "/api/v1/stop", NULL, &op, 200, &r);
	assert_non_null(jstr(r.json, "message"));
	resp_free(&r);
	ok_req("GET", "/api/v1/dashboard", NULL, &officer, 200, &r);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "daemon"), "running")));
	assert_non_null(json_object_get(r.json, "cchc_month"));
	/* the station's voice where the sound output is: the Centre's region, its voice */
	json_t *sp = json_object_get(r.json, "speech");
	assert_string_equal(jstr(sp, "region"), "central");
	assert_string_equal(jstr(sp, "voice"), "vi-vn-x-central");
	resp_free(&r);
	ok_req("GET", "/api/v1/status", NULL, &officer, 200, &r);
	assert_string_equal(jstr(json_object_get(r.json, "speech"), "voice"), "vi-vn-x-central");
	resp_free(&r);
}

/* Runs the CLI with the test's configuration in locale (LC_ALL); its stdout in *out. */
static int
vcli(const char *locale, char **out, const char *fmt, va_list ap)
{
	char args[512];
	vsnprintf(args, sizeof args, fmt, ap);
	char *cmd = xasprintf("LC_ALL=%s LANG=%s ./loaxa --config %s/web.conf --state-dir %s/state %s > %s/cli.out 2>/dev/null",
			      locale, locale, dir, dir, args, dir);
	int rc = system(cmd);
	free(cmd);
	char *path = xasprintf("%s/cli.out", dir);
	size_t n;
	*out = slurp(path, &n);
	free(path);
	return rc;
}

static int
cli(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vcli("C.UTF-8", out, fmt, ap);
	va_end(ap);
	return rc;
}

static int
cli_vi(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vcli("vi_VN.UTF-8", out, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * What a spreadsheet shows of an XLSX: its parts under xl/ (the sheets'
 * cells, the shared strings, the styles), named and joined in order.
 * docProps/ is left out: it holds the second the file was written.
 */
static char *
xlsx_cells(const char *data, size_t n)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
	assert_non_null(src);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!z) {
		zip_source_free(src);
		fail_msg("not an XLSX: %s", zip_error_strerror(&ze));
	}
	struct sbuf b = { 0 };
	zip_int64_t k = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < k; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
		zip_stat_t st;
		if (!name || strncmp(name, "xl/", 3) != 0 || zip_stat_index(z, (zip_uint64_t)i, 0, &st) < 0)
			continue;
		zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
		assert_non_null(f);
		char *buf = xmalloc(st.size + 1);
		assert_int_equal(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
		zip_fclose(f);
		sbuf_addf(&b, "== %s\n", name);
		sbuf_add(&b, buf, st.size);
		free(buf);
	}
	zip_discard(z);
	assert_non_null(b.s);
	return b.s;
}

/* The cells of an XLSX file the CLI wrote. */
static char *
xlsx_file_cells(const char *path)
{
	size_t n;
	char *data = slurp(path, &n);
	char *cells = xlsx_cells(data, n);
	free(data);
	return cells;
}

static void
log_and_report(void **state)
{
	char month[8];
	time_format(time_now_ms(), "%Y-%m", month, sizeof month);
	char path[128];
	struct resp r;
	snprintf(path, sizeof path, "/api/v1/log?month=%s", month);
	ok_req("GET", path, NULL, &officer, 200, &r);
	json_t *row = json_array_get(r.json, 0);
	assert_non_null(row);
	assert_string_equal(jstr(row, "asked_by"), "op");
	assert_string_equal(jstr(row, "approved_by"), "lead");
	resp_free(&r);
	/* the downloads are what `loaxa log` writes, byte for byte */
	snprintf(path, sizeof path, "/api/v1/log?month=%s&format=csv", month);
	ok_req("GET", path, NULL, &officer, 200, &r);
	assert_non_null(strcasestr(r.head.s, "Content-Disposition: attachment"));
	char *want;
	assert_int_equal(cli(&want, "log --month %s --format csv", month), 0);
	assert_string_equal(r.body.s, want);
	free(want);
	resp_free(&r);
	/*
	 * the XLSX too, cell for cell, as a Vietnamese officer gets it: the
	 * title says the month in words, the topics are named as the
	 * configuration names them (the web console once wrote "2026-11" and
	 * "tthc" while the CLI wrote "Tháng 11/2026" and "Cải cách thủ tục
	 * hành chính")
	 */
	snprintf(path, sizeof path, "/api/v1/log?month=%s&format=xlsx", month);
	request_ex("GET", path, NULL, 0, NULL, &officer, "vi", 0, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	char *web_cells = xlsx_cells(r.body.s, r.body.len);
	resp_free(&r);
	assert_int_equal(cli_vi(&want, "log --month %s --format xlsx -o %s/log.xlsx", month, dir), 0);
	free(want);
	char *xlsx = xasprintf("%s/log.xlsx", dir);
	char *cli_cells = xlsx_file_cells(xlsx);
	free(xlsx);
	assert_string_equal(web_cells, cli_cells);
	char title[64];
	snprintf(title, sizeof title, "nhật ký phát sóng, Tháng %d/%.4s", atoi(month + 5), month);
	assert_non_null(strstr(web_cells, title));
	assert_non_null(strstr(web_cells, ">Cải cách thủ tục hành chính<"));
	assert_null(strstr(web_cells, ">tthc<"));
	free(web_cells);
	free(cli_cells);
	snprintf(path, sizeof path, "/api/v1/report?month=%s&format=xlsx", month);
	request_ex("GET", path, NULL, 0, NULL, &officer, "vi", 0, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	web_cells = xlsx_cells(r.body.s, r.body.len);
	resp_free(&r);
	assert_int_equal(cli_vi(&want, "report --month %s --format xlsx -o %s/report.xlsx", month, dir), 0);
	free(want);
	xlsx = xasprintf("%s/report.xlsx", dir);
	cli_cells = xlsx_file_cells(xlsx);
	free(xlsx);
	assert_string_equal(web_cells, cli_cells);
	free(web_cells);
	free(cli_cells);
	snprintf(path, sizeof path, "/api/v1/report?month=%s&format=csv", month);
	ok_req("GET", path, NULL, &officer, 200, &r);
	assert_int_equal(cli(&want, "report --month %s --format csv", month), 0);
	assert_string_equal(r.body.s, want);
	free(want);
	resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/report?period=6m&year=%.4s", month);
	ok_req("GET", path, NULL, &officer, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "months")), 6);
	resp_free(&r);

	/* a bulletin as the API shows it is what `loaxa bulletin show --format json` says */
	ok_req("GET", "/api/v1/bulletins/1", NULL, &op, 200, &r);
	assert_int_equal(cli(&want, "bulletin show 1 --format json"), 0);
	json_t *shown = json_loads(want, 0, NULL);
	assert_non_null(shown);
	const char *key;
	json_t *v;
	json_object_foreach(shown, key, v)
	{
		if (!json_equal(v, json_object_get(r.json, key)))
			fail_msg("bulletin 1: \"%s\" differs between the API and the CLI", key);
	}
	assert_non_null(json_object_get(shown, "made_by"));
	json_decref(shown);
	free(want);
	resp_free(&r);

	refused("GET", "/api/v1/log?month=2025-13", NULL, &officer, 400, "--month takes YYYY-MM");
	refused("GET", "/api/v1/log?status=lost", NULL, &officer, 400, "--status is completed");
	refused("GET", "/api/v1/log?class=urgent", NULL, &officer, 400, "--class is normal");
	refused("GET", "/api/v1/log?format=pdf", NULL, &officer, 400, "format is json, csv or xlsx");
	refused("GET", "/api/v1/log?month=2025-03&from=2025-03-01", NULL, &officer, 400, "not both");
	refused("GET", "/api/v1/report?quarter=2025-Q5", NULL, &officer, 400, "--quarter takes");
	refused("GET", "/api/v1/report?topic=nope", NULL, &officer, 400, "no topic \"nope\"");
	refused("GET", "/api/v1/report?format=docx", NULL, &officer, 400, "format is text, json, csv or xlsx");
}

/*
 * The page's log and report show each reason in the reader's language: the
 * store keeps the English sentence (as the JSON export does), the page asks
 * with display=1 and gets reason_text beside it.
 */
static void
reasons_in_the_page_language(void **state)
{
	(void)state;
	char *db = xasprintf("%s/state/loaxa.db", dir);
	sqlite3 *s;
	assert_int_equal(sqlite3_open_v2(db, &s, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(s, 5000);
	/* 2025-01-15 06:00 in Asia/Ho_Chi_Minh */
	assert_int_equal(sqlite3_exec(s,
				      "INSERT INTO airings (slot, program, scheduled_at, status, reason) "
				      "VALUES ('sang', 'mac-dinh', 1736895600000, 'failed', "
				      "'the sound broke off 3 times: the computer was too busy to feed "
				      "the sound card')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(s);
	free(db);
	static const struct {
		const char *lang, *path, *text;
	} cases[] = {
		{ "vi", "/api/v1/log?display=1&month=2025-01",
		  "tiếng bị ngắt quãng 3 lần: máy tính quá bận, không kịp cấp tiếng cho card âm thanh" },
		{ "en", "/api/v1/log?display=1&month=2025-01",
		  "the sound broke off 3 times: the computer was too busy to feed the sound card" },
		{ "vi", "/api/v1/log?month=2025-01", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct resp r;
		request_ex("GET", cases[i].path, NULL, 0, NULL, &officer, cases[i].lang, 0, 0, NULL, &r);
		assert_int_equal(r.status, 200);
		json_t *row = json_array_get(r.json, 0);
		assert_non_null(row);
		/* the stored sentence, whatever the language */
		assert_string_equal(jstr(row, "reason"),
				    "the sound broke off 3 times: the computer was too busy to feed the sound card");
		if (cases[i].text)
			assert_string_equal(jstr(row, "reason_text"), cases[i].text);
		else /* the export is for machines: nothing in the reader's language */
			assert_null(json_object_get(row, "reason_text"));
		resp_free(&r);
	}
	struct resp r;
	request_ex("GET", "/api/v1/report?display=1&month=2025-01", NULL, 0, NULL, &officer, "vi", 0, 0,
		   NULL, &r);
	assert_int_equal(r.status, 200);
	json_t *missed = json_array_get(json_object_get(r.json, "missed"), 0);
	assert_non_null(missed);
	assert_string_equal(jstr(missed, "reason_text"), cases[0].text);
	resp_free(&r);
}

static void
users_and_config(void **state)
{
	struct resp r;
	ok_req("GET", "/api/v1/users", NULL, &admin, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "users")), 6);
	resp_free(&r);
	ok_req("POST", "/api/v1/users", "{\"name\":\"hoa\",\"role\":\"officer\",\"password\":\"" PW "\"}",
	       &admin, 201, &r);
	resp_free(&r);
	struct who hoa;
	login_as("hoa", &hoa);
	refused("POST", "/api/v1/users", "{\"name\":\"hoa\",\"role\":\"officer\",\"password\":\"" PW "\"}",
		&admin, 409, "already a user named \"hoa\"");
	refused("POST", "/api/v1/users", "{\"name\":\"Hoa Lan\",\"role\":\"officer\",\"password\":\"" PW "\"}",
		&admin, 400, "A user name is 1 to 32");
	refused("POST", "/api/v1/users", "{\"name\":\"mai\",\"role\":\"boss\",\"password\":\"" PW "\"}",
		&admin, 400, "The role is operator");
	refused("POST", "/api/v1/users", "{\"name\":\"mai\",\"role\":\"officer\",\"password\":\"short\"}",
		&admin, 400, "A password is 8 to 128");
	refused("PUT", "/api/v1/users/hoa", "{}", &admin, 400, "Give a new role");
	refused("PUT", "/api/v1/users/hoa", "{\"role\":\"king\"}", &admin, 400, "The role is");
	refused("PUT", "/api/v1/users/nobody", "{\"role\":\"officer\"}", &admin, 404, "no user \"nobody\"");
	refused("PUT", "/api/v1/users/admin", "{\"role\":\"officer\"}", &admin, 409, "last admin");
	refused("DELETE", "/api/v1/users/admin", NULL, &admin, 409, "last admin");
	/* a new role takes effect in the open session at once */
	ok_req("PUT", "/api/v1/users/hoa", "{\"role\":\"operator\"}", &admin, 200, &r);
	resp_free(&r);
	ok_req("GET", "/api/v1/clips", NULL, &hoa, 200, &r);
	resp_free(&r);
	/* removed: the session ends */
	ok_req("DELETE", "/api/v1/users/hoa", NULL, &admin, 200, &r);
	resp_free(&r);
	refused("GET", "/api/v1/session", NULL, &hoa, 401, "not logged in");

	ok_req("GET", "/api/v1/config", NULL, &admin, 200, &r);
	assert_non_null(strstr(jstr(r.json, "text"), "approval_required = true;"));
	resp_free(&r);
	/* written for machines: the same in Vietnamese (a decimal comma would not load again) */
	request_ex("GET", "/api/v1/config", NULL, 0, NULL, &admin, "vi", 0, 0, NULL, &r);
	assert_non_null(strstr(jstr(r.json, "text"), "loudness_lufs = -16.0;"));
	resp_free(&r);
	char *dump;
	char *cmd = xasprintf("LANG=vi_VN.UTF-8 LC_ALL=vi_VN.UTF-8 ./loaxa config check --config %s/web.conf"
			      " > %s/dump.conf 2>/dev/null", dir, dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	char *path = xasprintf("%s/dump.conf", dir);
	size_t dn;
	dump = slurp(path, &dn);
	assert_non_null(strstr(dump, "loudness_lufs = -16.0;"));
	free(dump);
	free(path);
	const char *good = "approval_required = true;\n";
	request_ex("POST", "/api/v1/config/check", good, strlen(good), "text/plain", &admin, "en", 0,
		   0, NULL, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	const char *bad = "approval_required = true;\nslots = ( { name = \"s\"; when = \"nope\"; program = \"mac-dinh\"; } );\n";
	refused_ex("POST", "/api/v1/config/check", bad, strlen(bad), "text/plain", &admin, 422,
		   "loaxa.conf:2");
	/* the sentence `loaxa config check` says, not another */
	refused_ex("POST", "/api/v1/config/check", bad, strlen(bad), "text/plain", &admin, 422,
		   "loaxa.conf:2: slot \"s\": when:");
	/* a slot that never falls again is a warning there, not a refusal */
	const char *past = "slots = ( { name = \"s\"; when = \"2001-01-01 05:00:00\"; program = \"mac-dinh\"; } );\n";
	request_ex("POST", "/api/v1/config/check", past, strlen(past), "text/plain", &admin, "en", 0,
		   0, NULL, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	const char *syntax = "approval_required = = true;\n";
	refused_ex("POST", "/api/v1/config/check", syntax, strlen(syntax), "text/plain", &admin, 422,
		   "loaxa.conf:1: syntax error");
}

static void
language_and_meta(void **state)
{
	struct resp r;
	request_ex("GET", "/api/v1/i18n", NULL, 0, NULL, NULL, "vi-VN,vi;q=0.9", 0, 0, NULL, &r);
	assert_string_equal(jstr(r.json, "lang"), "vi");
	assert_string_equal(jstr(json_object_get(r.json, "strings"), "dash.onair"), "Đang phát");
	assert_string_equal(jstr(json_object_get(r.json, "strings"), "ed.listen.button"), "Nghe thử");
	resp_free(&r);
	request_ex("GET", "/api/v1/i18n", NULL, 0, NULL, NULL, "en-US,en;q=0.9", 0, 0, NULL, &r);
	assert_string_equal(jstr(json_object_get(r.json, "strings"), "dash.onair"), "On air now");
	resp_free(&r);
	/* no Accept-Language: Vietnamese; errors too */
	request_ex("GET", "/api/v1/session", NULL, 0, NULL, NULL, "", 0, 0, NULL, &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(jstr(r.json, "error"), "Bạn chưa đăng nhập"));
	resp_free(&r);
	request_ex("GET", "/api/v1/bulletins/424242", NULL, 0, NULL, &op, "vi", 0, 0, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(jstr(r.json, "error"), "Không có bản tin 424242"));
	resp_free(&r);
	ok_req("GET", "/api/v1/meta", NULL, &officer, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "slots")), 2);
	assert_true(json_is_true(json_object_get(r.json, "approval_required")));
	assert_int_equal(json_array_size(json_object_get(r.json, "regions")), 3);
	assert_string_equal(jstr(json_object_get(r.json, "speech"), "region"), "central");
	assert_string_equal(jstr(json_object_get(r.json, "speech"), "engine"), "fake");
	resp_free(&r);
	request_ex("GET", "/api/v1/i18n", NULL, 0, NULL, NULL, "vi", 0, 0, NULL, &r);
	assert_string_equal(jstr(json_object_get(r.json, "strings"), "region.south"), "miền Nam");
	resp_free(&r);
}

static void
https_cookie_is_secure(void **state)
{
	char *key = xasprintf("%s/key.pem", dir), *crt = xasprintf("%s/cert.pem", dir);
	char *cmd = xasprintf("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
			      " -keyout %s -out %s >/dev/null 2>&1",
			      key, crt);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	char *conf = xasprintf("%s/tls.conf", dir);
	char *text = xasprintf("control_socket = \"%s/control.sock\";\n"
			       "web = { tls_cert = \"%s\"; tls_key = \"%s\"; };\n",
			       dir, crt, key);
	write_file(conf, text);
	char url[64], log[128];
	snprintf(log, sizeof log, "%s/tls.log", dir);
	pid_t pid = start_web(conf, "https", url, log);
	struct resp r;
	const char *b = "{\"name\":\"lead\",\"password\":\"" PW "\"}";
	request_ex("POST", "/api/v1/login", b, strlen(b), NULL, NULL, "en", 0, 0, url, &r);
	assert_int_equal(r.status, 200);
	const char *sc = strcasestr(r.head.s, "Set-Cookie:");
	assert_non_null(sc);
	char line[256];
	snprintf(line, sizeof line, "%.*s", (int)strcspn(sc, "\r\n"), sc);
	assert_non_null(strstr(line, "; Secure"));
	assert_non_null(strcasestr(r.head.s, "Strict-Transport-Security"));
	resp_free(&r);
	stop(pid);
	free(text);
	free(conf);
	free(key);
	free(crt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_and_sessions),
		cmocka_unit_test(headers_on_every_reply),
		cmocka_unit_test(csrf_and_roles),
		cmocka_unit_test(bulletins_add_show_edit),
		cmocka_unit_test(lint_and_listen),
		cmocka_unit_test(approve_and_send_back),
		cmocka_unit_test(clips_upload_listen_remove),
		cmocka_unit_test(queue_air_stop),
		cmocka_unit_test(log_and_report),
		cmocka_unit_test(reasons_in_the_page_language),
		cmocka_unit_test(users_and_config),
		cmocka_unit_test(language_and_meta),
		cmocka_unit_test(https_cookie_is_secure),
		cmocka_unit_test(login_is_throttled),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
