/*
 * The recording of a live announcement (loaxa live): what went to the sound
 * device, kept so that officers can prove what was said.
 *
 * It is a 16-bit mono WAV file written as the samples go out, under a
 * temporary name (PATH.part) that audio_record_close() renames to PATH:
 * a finished recording appears whole or not at all.  The header is brought
 * up to date about once a second, so that a PATH.part left by a kill is a
 * readable WAV of all but the last second; audio_record_recover(), at the
 * daemon's start, sets its header from the file's length (nothing lost) and
 * renames it to PATH.  WAV rather than FLAC: a FLAC stream's header and
 * its encoder's buffered frames are written at the end, so a kill would
 * leave a file decoders disagree about; an hour of 48 kHz 16-bit mono is
 * 330 MB, which a state directory holds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/audio.h"
#include "audio/wav16.h"
#include "base/base.h"

#define HEADER AUDIO_WAV16_HEADER
#define PART ".part"

struct audio_record {
	char *path, *tmp;
	int fd;
	int rate;
	int64_t frames, header_frames;
	int failed; /* a write failed: said once by audio_record_close() */
	int errnum;
	short s16[AUDIO_BLOCK];
};

struct audio_record *
audio_record_open(const char *path, int rate, char *err)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir_p(dir, 0750, err) < 0) {
			free(dir);
			return NULL;
		}
	}
	free(dir);
	struct audio_record *r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	r->tmp = xasprintf("%s" PART, path);
	r->rate = rate;
	r->fd = open(r->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (r->fd < 0 || audio_wav16_header(r->fd, rate, 0) < 0) {
		err_set(err, AUDIO_RECORD_UNOPENED, r->tmp,
			strerrordesc_np(errno));
		if (r->fd >= 0) {
			close(r->fd);
			unlink(r->tmp);
		}
		free(r->path);
		free(r->tmp);
		free(r);
		return NULL;
	}
	return r;
}

void
audio_record_write(struct audio_record *r, const float *buf, long n)
{
	while (!r->failed && n > 0) {
		long k = n < AUDIO_BLOCK ? n : AUDIO_BLOCK;
		for (long i = 0; i < k; i++) {
			float v = buf[i] * 32767.0f;
			r->s16[i] = (short)lrintf(v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v);
		}
		size_t len = sizeof(short) * (size_t)k;
		if (pwrite(r->fd, r->s16, len, HEADER + r->frames * 2) != (ssize_t)len) {
			r->failed = 1;
			r->errnum = errno ? errno : EIO;
			return;
		}
		r->frames += k;
		buf += k;
		n -= k;
	}
	/* the header follows about once a second: a kill leaves a readable file */
	if (!r->failed && r->frames - r->header_frames >= r->rate) {
		if (audio_wav16_header(r->fd, r->rate, r->frames) == 0)
			r->header_frames = r->frames;
	}
}

int64_t
audio_record_frames(const struct audio_record *r)
{
	return r->frames;
}

int
audio_record_close(struct audio_record *r, char *err)
{
	if (!r)
		return 0;
	int rc = 0;
	if (r->failed) {
		err_set(err, AUDIO_RECORD_STOPPED, r->path,
			strerrordesc_np(r->errnum));
		rc = -1;
	}
	if (audio_wav16_header(r->fd, r->rate, r->frames) < 0 || fsync(r->fd) < 0) {
		if (!rc)
			err_set(err, AUDIO_RECORD_UNFINISHED, r->path, strerrordesc_np(errno));
		rc = -1;
	}
	close(r->fd);
	/* even a recording that broke off holds what aired until then: keep it */
	if (rename(r->tmp, r->path) < 0) {
		if (!rc)
			err_set(err, AUDIO_RECORD_UNFINISHED, r->path, strerrordesc_np(errno));
		rc = -1;
	}
	free(r->path);
	free(r->tmp);
	free(r);
	return rc;
}

int
audio_record_recover(const char *dir, audio_record_recover_cb cb, void *arg, char *err)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		err_set(err, _("Cannot read %s: %s."), dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len <= strlen(PART) || strcmp(e->d_name + len - strlen(PART), PART) != 0)
			continue;
		char *tmp = xasprintf("%s/%s", dir, e->d_name);
		char *path = xasprintf("%s/%.*s", dir, (int)(len - strlen(PART)), e->d_name);
		int fd = open(tmp, O_RDWR | O_CLOEXEC);
		struct stat sb;
		unsigned char h[HEADER];
		int ok = fd >= 0 && fstat(fd, &sb) == 0 && sb.st_size >= HEADER &&
			 pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h && memcmp(h, "RIFF", 4) == 0;
		int rate = ok ? h[24] | h[25] << 8 | h[26] << 16 | h[27] << 24 : 0;
		int64_t frames = ok ? (int64_t)(sb.st_size - HEADER) / 2 : 0;
		if (!ok || rate <= 0 || audio_wav16_header(fd, rate, frames) < 0 || fsync(fd) < 0 ||
		    rename(tmp, path) < 0) {
			err_set(err, _("Cannot finish the recording %s left by the last stop: %s."), tmp,
				ok ? strerror(errno) : _("it is not a WAV file"));
			rc = -1;
		} else if (cb) {
			cb(arg, path, (double)frames / rate);
		}
		if (fd >= 0)
			close(fd);
		free(tmp);
		free(path);
	}
	closedir(d);
	return rc;
}
