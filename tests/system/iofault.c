/*
 * iofault.so — a test-only LD_PRELOAD that makes the files under one
 * directory fail as on a file system the kernel has turned read-only
 * (ext4's errors=remount-ro): while the file $LOAXA_TEST_IOFAULT exists,
 * every write, sync or truncation of a file under $LOAXA_TEST_IOFAULT_DIR,
 * and every open of one for writing, fails with EROFS.  Reads go on.  The
 * process is real (SQLite, the daemon), only the kernel's answer is forged,
 * as SQLite's own I/O-error tests do in their VFS.  Remove the file and the
 * disk is writable again.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *flag, *dir;
static size_t dirlen;

__attribute__((constructor)) static void
start(void)
{
	flag = getenv("LOAXA_TEST_IOFAULT");
	dir = getenv("LOAXA_TEST_IOFAULT_DIR");
	dirlen = dir ? strlen(dir) : 0;
}

static int
faulty_path(const char *path)
{
	struct stat st;
	if (!flag || !dirlen || !path || stat(flag, &st) < 0)
		return 0;
	return strncmp(path, dir, dirlen) == 0;
}

static int
faulty_fd(int fd)
{
	struct stat st;
	if (!flag || !dirlen || stat(flag, &st) < 0)
		return 0;
	char link[64], path[4096];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof path - 1);
	if (n <= 0)
		return 0;
	path[n] = 0;
	return strncmp(path, dir, dirlen) == 0;
}

#define REAL(ret, name, ...) \
	static ret (*real)(__VA_ARGS__); \
	if (!real) \
		real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, name)

#define FAIL_FD(fd) \
	do { \
		if (faulty_fd(fd)) { \
			errno = EROFS; \
			return -1; \
		} \
	} while (0)

ssize_t
write(int fd, const void *b, size_t n)
{
	REAL(ssize_t, "write", int, const void *, size_t);
	FAIL_FD(fd);
	return real(fd, b, n);
}

ssize_t
pwrite(int fd, const void *b, size_t n, off_t o)
{
	REAL(ssize_t, "pwrite", int, const void *, size_t, off_t);
	FAIL_FD(fd);
	return real(fd, b, n, o);
}

ssize_t
pwrite64(int fd, const void *b, size_t n, off64_t o)
{
	REAL(ssize_t, "pwrite64", int, const void *, size_t, off64_t);
	FAIL_FD(fd);
	return real(fd, b, n, o);
}

ssize_t
writev(int fd, const struct iovec *v, int n)
{
	REAL(ssize_t, "writev", int, const struct iovec *, int);
	FAIL_FD(fd);
	return real(fd, v, n);
}

int
fsync(int fd)
{
	REAL(int, "fsync", int);
	FAIL_FD(fd);
	return real(fd);
}

int
fdatasync(int fd)
{
	REAL(int, "fdatasync", int);
	FAIL_FD(fd);
	return real(fd);
}

int
ftruncate(int fd, off_t len)
{
	REAL(int, "ftruncate", int, off_t);
	FAIL_FD(fd);
	return real(fd, len);
}

int
ftruncate64(int fd, off64_t len)
{
	REAL(int, "ftruncate64", int, off64_t);
	FAIL_FD(fd);
	return real(fd, len);
}

static int
writing(int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

int
open(const char *path, int flags, ...)
{
	REAL(int, "open", const char *, int, ...);
	va_list ap;
	va_start(ap, flags);
	mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	if (writing(flags) && faulty_path(path)) {
		errno = EROFS;
		return -1;
	}
	return real(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	REAL(int, "open64", const char *, int, ...);
	va_list ap;
	va_start(ap, flags);
	mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	if (writing(flags) && faulty_path(path)) {
		errno = EROFS;
		return -1;
	}
	return real(path, flags, mode);
}

int
openat(int at, const char *path, int flags, ...)
{
	REAL(int, "openat", int, const char *, int, ...);
	va_list ap;
	va_start(ap, flags);
	mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	if (writing(flags) && faulty_path(path)) {
		errno = EROFS;
		return -1;
	}
	return real(at, path, flags, mode);
}
