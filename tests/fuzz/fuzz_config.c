/*
 * libFuzzer target: the configuration loader (config_load()) on any bytes,
 * and what is done with a configuration that loads:
 *
 *  - a refusal always says why, as "PATH:LINE: ..." (config.h);
 *  - what loads goes through the checks above config/ that the daemon and
 *    `loaxa config check` run: the slots' calendar expressions (sched_new,
 *    then sched_next), the clips and bulletins the programmes name
 *    (playlists_check against a small store made once per process), and
 *    the time zone (config_apply_timezone);
 *  - config_dump() must load again, and dump to the same text ("loadable
 *    again", config.h).
 *
 * The input goes to a memfd and is loaded through /proc/self/fd/N, so that
 * parallel runs (-jobs, -fork) never share a file.  Inputs with libconfig's
 * `@include` are skipped: the directive reads any path (/dev/stdin,
 * /dev/zero), which is the administrator's business, not the loader's.
 *
 * The leak of libconfig 1.5 on a syntax error at a string token (fixed in
 * libconfig 1.7, hyperrealm/libconfig#142) is suppressed below.
 */
#include <ctype.h>
#include <libconfig.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "scheduler/scheduler.h"
#include "store/store.h"

/* libconfig < 1.7 leaks a string token dropped by a syntax error (hyperrealm/libconfig#142). */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

#define HOME_TZ "Asia/Ho_Chi_Minh"

static int conf_fd = -1, dump_fd = -1;
static char conf_path[64], dump_path[64];
static char state_dir[64];
static struct store *st;

static void
cleanup(void)
{
	if (st)
		store_close(st);
	st = NULL;
	if (state_dir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", state_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz_config: could not remove %s\n", state_dir);
		state_dir[0] = 0;
	}
}

static int
memfd(const char *name, char *path, size_t n)
{
	int fd = memfd_create(name, 0);
	if (fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

static void
put(int fd, const void *data, size_t size)
{
	if (ftruncate(fd, 0) < 0)
		abort();
	const char *p = data;
	off_t off = 0;
	while (size) {
		ssize_t w = pwrite(fd, p, size, off);
		if (w <= 0)
			abort();
		p += w, off += w, size -= (size_t)w;
	}
}

/* A store with the clips and a bulletin that the seeds name. */
static void
make_store(void)
{
	char err[ERRLEN];
	snprintf(state_dir, sizeof state_dir, "/tmp/fuzz_config.%ld", (long)getpid());
	if (store_open(state_dir, &st, err) < 0) {
		fprintf(stderr, "fuzz_config: %s\n", err);
		abort();
	}
	static const char *const clips[] = { "nhac-hieu", "nhac-nen", "ket-thuc", "beep", "jingle" };
	for (size_t i = 0; i < ARRAY_LEN(clips); i++) {
		struct store_clip c = { .name = (char *)clips[i], .kind = (char *)"jingle",
					.file = (char *)"x.wav", .original = (char *)"x.wav",
					.duration_s = 1.5, .sample_rate = 48000, .channels = 1,
					.frames = 72000, .lufs = -16, .true_peak_db = -1,
					.sha256 = (char *)"0000000000000000000000000000000000000000000000000000000000000000" };
		if (store_clip_add(st, &c, err) < 0) {
			fprintf(stderr, "fuzz_config: %s\n", err);
			abort();
		}
	}
	for (int i = 0; i < 12; i++) { /* bulletins 1..12 */
		struct store_bulletin b = { .title = (char *)"Thông báo", .topic = (char *)"tthc",
					    .klass = (char *)"normal", .text = (char *)"Xin chào." };
		if (store_bulletin_add(st, &b, err) < 0) {
			fprintf(stderr, "fuzz_config: %s\n", err);
			abort();
		}
	}
}

static void
init(void)
{
	setenv("TZ", HOME_TZ, 1);
	tzset();
	unsetenv("LOAXA_CONFIG");
	conf_fd = memfd("fuzz_config", conf_path, sizeof conf_path);
	dump_fd = memfd("fuzz_config_dump", dump_path, sizeof dump_path);
	make_store();
	atexit(cleanup);
}

/* "PATH:LINE: ..." with PATH the file loaded. */
static void
check_refusal(const char *path, const char *err)
{
	size_t n = strnlen(err, ERRLEN);
	if (n == 0 || n >= ERRLEN) {
		fprintf(stderr, "refusal without a reason\n");
		abort();
	}
	size_t pl = strlen(path);
	const char *p = err + pl;
	if (strncmp(err, path, pl) != 0 || *p != ':' || !isdigit((unsigned char)p[1])) {
		fprintf(stderr, "refusal not in the form PATH:LINE: %s\n", err);
		abort();
	}
	p++;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p != ':') {
		fprintf(stderr, "refusal not in the form PATH:LINE: %s\n", err);
		abort();
	}
}

/* The dump without its first line (a comment naming the file). */
static const char *
body(const char *dump)
{
	const char *nl = strchr(dump, '\n');
	return nl ? nl + 1 : dump;
}

static void
round_trip(const struct config *c)
{
	char err[ERRLEN];
	char *dump = config_dump(c);
	put(dump_fd, dump, strlen(dump));
	err[0] = 0;
	struct config *c2 = config_load(dump_path, err);
	if (!c2) {
		fprintf(stderr, "config_dump() does not load again: %s\n--- dump:\n%s\n", err, dump);
		abort();
	}
	char *dump2 = config_dump(c2);
	if (strcmp(body(dump), body(dump2)) != 0) {
		fprintf(stderr, "config_dump() of the dump differs:\n--- first:\n%s\n--- second:\n%s\n",
			dump, dump2);
		abort();
	}
	free(dump2);
	config_free(c2);
	free(dump);
}

static void
checks_above(const struct config *c)
{
	char err[ERRLEN];
	struct sched *s = sched_new(c, err);
	if (s) {
		/* 2025-03-01 05:00 +07 */
		size_t slot;
		int64_t at;
		int rc = sched_next(s, 1740780000000LL, &slot, &at);
		if (rc == 0 && (slot >= c->n_slots || at <= 1740780000000LL))
			abort();
		sched_free(s);
	} else if (!err[0]) {
		abort();
	}
	err[0] = 0;
	if (playlists_check(c, st, err) < 0 && !err[0])
		abort();
	if (config_apply_timezone(c, err) < 0)
		abort(); /* config_load() checked the zone exists */
	setenv("TZ", HOME_TZ, 1);
	tzset();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (conf_fd < 0)
		init();
	if (memmem(data, size, "@include", 8))
		return 0;
	put(conf_fd, data, size);
	char err[ERRLEN];
	err[0] = 0;
	struct config *c = config_load(conf_path, err);
	if (!c) {
		check_refusal(conf_path, err);
		return 0;
	}
	checks_above(c);
	round_trip(c);
	config_free(c);
	return 0;
}
