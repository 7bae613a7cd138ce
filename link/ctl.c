/*
 * The daemon's control socket, from the link: one JSON request per
 * connection, one line back (the protocol of daemon/control.c).  The same
 * request `loaxa air` and `loaxa status` make; after the ops/ module lands
 * this becomes its ops_ call.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/base.h"
#include "link/link_int.h"

json_t *
link_ctl(const char *path, json_t *req, int timeout_ms, char *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		err_set(err, _("The control socket path %s is too long."), path);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (e == EACCES)
			err_set(err, _("Not allowed to use the daemon's control socket %s; loaxa-link must be in group loaxa."),
				path);
		else
			err_set(err, _("The daemon is not running (no answer on %s)."), path);
		return NULL;
	}
	char *line = json_dumps(req, JSON_COMPACT);
	char *full = xasprintf("%s\n", line);
	size_t len = strlen(full);
	int ok = write(fd, full, len) == (ssize_t)len;
	free(line);
	free(full);
	struct sbuf b = { 0 };
	int64_t end = time_now_ms() + timeout_ms;
	while (ok) {
		int left = (int)(end - time_now_ms());
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) <= 0) {
			ok = 0;
			break;
		}
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
		sbuf_add(&b, buf, (size_t)n);
		if (memchr(buf, '\n', (size_t)n))
			break;
	}
	close(fd);
	json_t *ans = ok && b.s ? json_loads(b.s, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	sbuf_free(&b);
	if (!json_is_object(ans)) {
		json_decref(ans);
		err_set(err, _("The daemon did not answer on %s."), path);
		return NULL;
	}
	if (!json_is_true(json_object_get(ans, "ok"))) {
		const char *e = json_string_value(json_object_get(ans, "error"));
		err_set(err, "%s", e ? e : _("The daemon refused the request."));
		json_decref(ans);
		return NULL;
	}
	return ans;
}
