/*
 * The render cache: STATE_DIR/cache/KEY.flac (the rendered speech) and
 * KEY.info (its loudness and length), where KEY hashes everything that
 * changes the sound.  Both are written to a temporary name and renamed, so
 * a reader sees a whole entry or none.  A hit sets the FLAC file's access
 * time, and eviction removes the least recently used entries first,
 * sparing the keys an upcoming airing needs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "tts/engine.h"
#include "tts/tts.h"

/* Bump when what an entry holds changes for the same options. */
#define CACHE_FORMAT 2
/* Temporary files older than this are left over from a crash. */
#define STALE_TMP_S 3600

void
tts_cache_key_spoken(const struct tts_opts *o, const char *spoken, char key[65])
{
	struct sha256 *h = sha256_new();
	const char *voice = tts_voice(o);
	char *head = xasprintf("loaxa-tts-cache %d\n%s\n%s\n%s\n%s\n%d\n%d\n%d\n%d\n%.2f\n%.2f\n",
			       CACHE_FORMAT, o->engine ? o->engine : "",
			       o->region && *o->region ? o->region : "north", voice ? voice : "",
			       o->command ? o->command : "", o->rate, o->pitch,
			       TTS_NORMALIZER_VERSION, o->sample_rate, o->loudness_lufs,
			       o->true_peak_dbtp);
	/* the header ends with a NUL, so no text can pose as another header */
	sha256_update(h, head, strlen(head) + 1);
	sha256_update(h, spoken, strlen(spoken));
	sha256_finish(h, key);
	free(head);
}

char *
tts_cache_file(const struct tts_opts *o, const char *key, const char *ext)
{
	return xasprintf("%s/%s.%s", o->cache_dir, key, ext);
}

static int
read_info(const char *path, double *lufs, double *seconds)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int fmt = 0;
	int ok = fscanf(f, "loaxa-tts %d lufs %lf seconds %lf", &fmt, lufs, seconds) == 3 &&
		 fmt == CACHE_FORMAT;
	fclose(f);
	return ok ? 0 : -1;
}

int
tts_cache_lookup(const struct tts_opts *o, const char *key, struct tts_entry *out)
{
	char *flac = tts_cache_file(o, key, "flac"), *info = tts_cache_file(o, key, "info");
	struct stat st;
	double lufs, seconds;
	int hit = stat(flac, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
		  read_info(info, &lufs, &seconds) == 0;
	free(info);
	if (!hit) {
		free(flac);
		return -1;
	}
	/* used now: the last to be evicted (atime only; mtime says when it was made) */
	struct timespec t[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
	utimensat(AT_FDCWD, flac, t, 0);
	out->path = flac;
	out->lufs = lufs;
	out->seconds = seconds;
	snprintf(out->key, sizeof out->key, "%s", key);
	return 0;
}

int
tts_cache_store_info(const struct tts_opts *o, const char *key, double lufs, double seconds,
		     char *err)
{
	char *info = tts_cache_file(o, key, "info");
	char *tmp = xasprintf("%s.tmp%d", info, (int)getpid());
	FILE *f = fopen(tmp, "w");
	int ok = f && fprintf(f, "loaxa-tts %d\nlufs %.3f\nseconds %.3f\n", CACHE_FORMAT, lufs,
			      seconds) > 0;
	if (f && fclose(f) != 0)
		ok = 0;
	if (ok && rename(tmp, info) < 0)
		ok = 0;
	if (!ok) {
		err_set(err, _("Cannot write the render cache in %s: %s."), o->cache_dir,
			strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	free(info);
	return ok ? 0 : -1;
}

struct ent {
	char key[65];
	struct timespec used;
	off_t size;
};

static int
by_use(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int
is_key(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
pinned(const struct tts_opts *o, const char *key)
{
	for (size_t i = 0; i < o->n_pinned; i++)
		if (o->pinned[i] && strcmp(o->pinned[i], key) == 0)
			return 1;
	return 0;
}

void
tts_cache_evict(const struct tts_opts *o, const char *keep)
{
	if (!o->cache_dir || o->cache_mb <= 0)
		return;
	DIR *d = opendir(o->cache_dir);
	if (!d)
		return;
	struct ent *v = NULL;
	size_t n = 0, cap = 0;
	off_t total = 0;
	time_t now = time(NULL);
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *name = de->d_name, *dot = strchr(name, '.');
		struct stat st;
		if (!dot || fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) || !is_key(name, (size_t)(dot - name)))
			continue;
		if (strstr(dot, ".tmp")) {
			/* a render that died half way */
			if (now - st.st_mtime > STALE_TMP_S)
				unlinkat(dirfd(d), name, 0);
			continue;
		}
		total += st.st_size;
		if (strcmp(dot, ".flac") != 0)
			continue; /* its .info is counted above and goes with it */
		if (n == cap)
			v = xrealloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
		memcpy(v[n].key, name, 64);
		v[n].key[64] = 0;
		v[n].used = st.st_atim;
		v[n].size = st.st_size;
		n++;
	}
	off_t limit = (off_t)o->cache_mb * 1024 * 1024;
	if (total > limit && n)
		qsort(v, n, sizeof *v, by_use);
	for (size_t i = 0; i < n && total > limit; i++) {
		if ((keep && strcmp(v[i].key, keep) == 0) || pinned(o, v[i].key))
			continue;
		char name[80];
		snprintf(name, sizeof name, "%s.flac", v[i].key);
		if (unlinkat(dirfd(d), name, 0) == 0)
			total -= v[i].size;
		snprintf(name, sizeof name, "%s.info", v[i].key);
		struct stat st;
		if (fstatat(dirfd(d), name, &st, 0) == 0 && unlinkat(dirfd(d), name, 0) == 0)
			total -= st.st_size;
	}
	closedir(d);
	free(v);
}

void
tts_cache_trim(const struct tts_opts *o)
{
	tts_cache_evict(o, NULL);
}
