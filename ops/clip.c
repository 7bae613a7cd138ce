/*
 * ops — clips: importing copies the file into STATE_DIR/clips/ under a
 * name of ours (the SHA-256 prefix and the clip's checked name, so no name
 * climbs out of the folder) and measures it once; removing is refused
 * while a programme, a bulletin or the airing log uses the clip.  Written
 * from cli/cmd_clip.c, whose rules these are.
 */
#include "ops/ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "config/config.h"
#include "store/store.h"

static const char *const kinds[] = { "jingle", "music", "bed", "recording" };

int
ops_clip_name_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

int
ops_clip_kind_valid(const char *kind)
{
	for (size_t i = 0; kind && i < ARRAY_LEN(kinds); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}

static int
copy_file(const char *from, int to_fd, char *err)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		err_set(err, _("Cannot open %s: %s."), from, strerror(errno));
		return -1;
	}
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(to_fd, buf + off, (size_t)(n - off));
			if (w < 0) {
				err_set(err, _("Cannot copy %s into the state directory: %s."), from,
					strerror(errno));
				close(in);
				return -1;
			}
			off += w;
		}
	}
	int e = errno;
	close(in);
	if (n < 0) {
		err_set(err, _("Cannot read %s: %s."), from, strerror(e));
		return -1;
	}
	if (fsync(to_fd) < 0) {
		err_set(err, _("Cannot copy %s into the state directory: %s."), from, strerror(errno));
		return -1;
	}
	return 0;
}

/* The file's extension (".wav"), if short and plain, else "". */
static const char *
extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	if (!dot || (slash && dot < slash) || strlen(dot) > 6 || !ops_clip_name_valid(dot))
		return "";
	return dot;
}

int
ops_clip_import(struct ops *o, const char *path, const char *name, const char *kind, int64_t *id,
		char *err)
{
	if (!ops_clip_name_valid(name)) {
		err_set(err, _("a clip name is 1 to 64 letters a-z, digits, '-', '_' or '.' (got %s)"),
			name ? name : "");
		return OPS_INVALID;
	}
	if (!ops_clip_kind_valid(kind)) {
		err_set(err, _("--kind is jingle, music, bed or recording (got %s)"), kind ? kind : "");
		return OPS_INVALID;
	}
	struct stat sb;
	if (stat(path, &sb) < 0) {
		err_set(err, _("Cannot open %s: %s."), path, strerror(errno));
		return OPS_INVALID;
	}
	if (!S_ISREG(sb.st_mode)) {
		err_set(err, _("%s is not a regular file."), path);
		return OPS_INVALID;
	}
	if (sb.st_size == 0) {
		err_set(err, _("%s is empty (0 bytes); it holds no audio."), path);
		return OPS_INVALID;
	}
	struct store_clip old;
	int rc = store_clip_get(o->st, name, &old, err);
	if (rc == 0) {
		store_clip_clear(&old);
		err_set(err, _("There is already a clip named \"%s\"; choose another name or remove that one first."),
			name);
		return OPS_REFUSED;
	}
	if (rc != STORE_NOTFOUND)
		return OPS_ERROR;
	char *dir = xasprintf("%s/clips", o->state_dir);
	char *tmp = xasprintf("%s/.import-XXXXXX", dir);
	char *final = NULL;
	int fd = -1;
	rc = OPS_ERROR;
	if (mkdir_p(dir, 0750, err) < 0)
		goto out;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(err, _("Cannot write into %s: %s."), dir, strerror(errno));
		goto out;
	}
	if (copy_file(path, fd, err) < 0)
		goto out;
	struct audio_info info;
	if (audio_probe(tmp, &info, err) < 0) {
		/* name the user's file, not our temporary copy */
		char e2[ERRLEN];
		char *p = strstr(err, tmp);
		if (p) {
			snprintf(e2, sizeof e2, "%.*s%s%s", (int)(p - err), err, path, p + strlen(tmp));
			memcpy(err, e2, ERRLEN);
		}
		rc = OPS_INVALID;
		goto out;
	}
	char hex[65];
	if (sha256_file(tmp, hex, err) < 0)
		goto out;
	final = xasprintf("%s/%.12s-%s%s", dir, hex, name, extension(path));
	if (rename(tmp, final) < 0) {
		err_set(err, _("Cannot write into %s: %s."), dir, strerror(errno));
		goto out;
	}
	char *abs = realpath(path, NULL);
	struct store_clip c = {
		.name = (char *)name,
		.kind = (char *)kind,
		.file = final,
		.original = abs ? abs : (char *)path,
		.duration_s = info.duration_s,
		.sample_rate = info.sample_rate,
		.channels = info.channels,
		.frames = info.frames,
		.lufs = info.lufs,
		.true_peak_db = info.true_peak_db,
		.sha256 = hex,
	};
	rc = store_clip_add(o->st, &c, err) < 0 ? OPS_ERROR : 0;
	free(abs);
	if (rc < 0)
		unlink(final);
	else
		*id = c.id;
out:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(final);
	free(dir);
	if (rc == 0)
		ops_daemon_poke(o->cfg);
	return rc;
}

int
ops_recording_import(struct ops *o, const char *path, int64_t *id, char *err)
{
	char name[64];
	/* unique and stable enough: the time of import in ms */
	snprintf(name, sizeof name, "rec-%lld", (long long)time_now_ms());
	return ops_clip_import(o, path, name, "recording", id, err);
}

void
ops_clip_discard(struct ops *o, int64_t id)
{
	struct store_clip c;
	char err[ERRLEN];
	if (store_clip_get_id(o->st, id, &c, err) < 0)
		return;
	if (store_clip_remove(o->st, id, err) == 0)
		unlink(c.file);
	store_clip_clear(&c);
}

int
ops_clip_remove(struct ops *o, const char *key, char *err)
{
	struct store_clip c;
	int rc = store_clip_get(o->st, key, &c, err);
	if (rc < 0)
		return rc == STORE_NOTFOUND ? OPS_NOTFOUND : OPS_ERROR;
	int users = 0;
	if (store_clip_users(o->st, c.id, &users, err) < 0) {
		store_clip_clear(&c);
		return OPS_ERROR;
	}
	const struct config *cfg = o->cfg;
	for (size_t i = 0; !users && i < cfg->n_programs; i++) {
		const struct config_program *p = &cfg->programs[i];
		for (size_t j = 0; j < p->n_items; j++)
			if ((p->items[j].clip && strcmp(p->items[j].clip, c.name) == 0) ||
			    (p->items[j].bed && strcmp(p->items[j].bed, c.name) == 0)) {
				err_set(err, _("The clip \"%s\" is used by the programme \"%s\" in %s:%d; take it out of the configuration first."),
					key, p->name, cfg->path ? cfg->path : "", p->items[j].line);
				store_clip_clear(&c);
				return OPS_REFUSED;
			}
	}
	if (users) {
		err_set(err, _("The clip \"%s\" is used by %d bulletin(s) or logged airing(s); it is kept so the log stays true."),
			key, users);
		store_clip_clear(&c);
		return OPS_REFUSED;
	}
	rc = store_clip_remove(o->st, c.id, err) < 0 ? OPS_ERROR : 0;
	if (rc == 0)
		unlink(c.file);
	store_clip_clear(&c);
	return rc;
}
