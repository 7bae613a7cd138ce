/*
 * base — allocation, error buffers, string buffers, SHA-256, time and file
 * helpers shared by every module.  See base.h.
 */
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The decimal separator of the user's locale, for numbers shown to people. */
static char user_decimal[8] = ".";

void
i18n_init(void)
{
	setlocale(LC_ALL, "");
	/*
	 * Numbers are written for machines far more often than for people
	 * (XLSX, CSV, JSON, the configuration dump, cache keys, SQL): printf
	 * and strtod keep the C locale's point, whatever LC_NUMERIC says.
	 * People get their own separator through i18n_decimal().
	 */
	const char *dp = localeconv()->decimal_point;
	if (dp && *dp && strlen(dp) < sizeof user_decimal)
		snprintf(user_decimal, sizeof user_decimal, "%s", dp);
	setlocale(LC_NUMERIC, "C");
	const char *ld = getenv("LOAXA_LOCALEDIR");
	bindtextdomain("loaxa", ld && *ld ? ld : LOCALEDIR);
	bind_textdomain_codeset("loaxa", "UTF-8");
	textdomain("loaxa");
}

const char *
i18n_decimal(double v, int decimals, char buf[32])
{
	snprintf(buf, 32, "%.*f", decimals, v);
	char *p = strchr(buf, '.');
	if (p && strcmp(user_decimal, ".") != 0) {
		size_t n = strlen(user_decimal);
		if (strlen(buf) + n < 32) {
			memmove(p + n, p + 1, strlen(p + 1) + 1);
			memcpy(p, user_decimal, n);
		}
	}
	return buf;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	flockfile(stderr);
	fputs("loaxa: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	abort();
}

static void
oom(size_t n)
{
	fatal("out of memory (asked for %zu bytes)", n);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *
xmemdup(const void *p, size_t n)
{
	void *q = xmalloc(n ? n : 1);
	if (n)
		memcpy(q, p, n);
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom(0);
	va_end(ap);
	return s;
}

void
err_set(char *err, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err, ERRLEN, fmt, ap);
	va_end(ap);
}

static void
sbuf_grow(struct sbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void
sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	sbuf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void
sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_addc(struct sbuf *b, char c)
{
	sbuf_add(b, &c, 1);
}

void
sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
sbuf_steal(struct sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

struct sha256 {
	EVP_MD_CTX *ctx;
};

struct sha256 *
sha256_new(void)
{
	struct sha256 *h = xmalloc(sizeof *h);
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		oom(sizeof *h);
	return h;
}

void
sha256_update(struct sha256 *h, const void *p, size_t n)
{
	EVP_DigestUpdate(h->ctx, p, n);
}

void
sha256_finish(struct sha256 *h, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_DigestFinal_ex(h->ctx, md, &len);
	for (unsigned i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	hex[64] = 0;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void
sha256_hex(const void *p, size_t n, char hex[65])
{
	struct sha256 *h = sha256_new();
	sha256_update(h, p, n);
	sha256_finish(h, hex);
}

int
sha256_file(const char *path, char hex[65], char *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		err_set(err, _("Cannot open %s: %s."), path, strerror(errno));
		return -1;
	}
	struct sha256 *h = sha256_new();
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sha256_update(h, buf, n);
	int bad = ferror(f);
	fclose(f);
	sha256_finish(h, hex);
	if (bad) {
		err_set(err, _("Cannot read %s."), path);
		return -1;
	}
	return 0;
}

int64_t
time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

void
time_format(int64_t ms, const char *fmt, char *out, size_t outlen)
{
	time_t t = (time_t)floor_div(ms, 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	if (strftime(out, outlen, fmt, &tm) == 0 && outlen)
		out[0] = 0;
}

void
time_iso8601(int64_t ms, char out[40])
{
	time_t t = (time_t)floor_div(ms, 1000);
	int frac = (int)(ms - (int64_t)t * 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	char base[24];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	int o = (int)(tm.tm_gmtoff / 60);
	char sign = o < 0 ? '-' : '+';
	if (o < 0)
		o = -o;
	snprintf(out, 40, "%.19s.%03d%c%02d:%02d", base, frac % 1000, sign, (o / 60) % 100, o % 60);
}

static int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int
ascii_digits(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
ascii_number(const char *s, size_t n)
{
	if (n > 9 || !ascii_digits(s, n))
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int
date_parse(const char *s, int *y, int *m, int *d)
{
	/* exactly YYYY-MM-DD: the stored dates are compared as strings */
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !ascii_digits(s, 4) ||
	    !ascii_digits(s + 5, 2) || !ascii_digits(s + 8, 2))
		return -1;
	*y = ascii_number(s, 4);
	*m = ascii_number(s + 5, 2);
	*d = ascii_number(s + 8, 2);
	if (*y < 1970 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return -1;
	return 0;
}

int
time_parse_local(const char *s, int64_t *ms, char *err)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	char date[11];
	if (strlen(s) < 10)
		goto bad;
	memcpy(date, s, 10);
	date[10] = 0;
	if (date_parse(date, &y, &mo, &d) < 0)
		goto bad;
	if (s[10]) {
		/* " HH:MM" or " HH:MM:SS", two digits each */
		const char *t = s + 11;
		size_t n = strlen(s + 10);
		if (s[10] != ' ' || (n != 6 && n != 9) || t[2] != ':' || !ascii_digits(t, 2) ||
		    !ascii_digits(t + 3, 2))
			goto bad;
		if (n == 9 && (t[5] != ':' || !ascii_digits(t + 6, 2)))
			goto bad;
		h = ascii_number(t, 2);
		mi = ascii_number(t + 3, 2);
		sec = n == 9 ? ascii_number(t + 6, 2) : 0;
		if (h > 23 || mi > 59 || sec > 59)
			goto bad;
	}
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = sec, .tm_isdst = -1 };
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		goto bad;
	*ms = (int64_t)t * 1000;
	return 0;
bad:
	err_set(err, _("'%s' is not a valid date or time: write YYYY-MM-DD or \"YYYY-MM-DD HH:MM\"."), s);
	return -1;
}

int
file_read_all(const char *path, size_t max, char **out, size_t *len, char *err)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	const char *name = fd == 0 ? _("standard input") : path;
	if (fd < 0) {
		err_set(err, _("Cannot open %s: %s."), path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		err_set(err, _("%s is a directory, not a file."), path);
		close(fd);
		return -1;
	}
	struct sbuf b = { 0 };
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(err, _("Cannot read %s: %s."), name, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			err_set(err, _("%s is larger than the limit of %zu bytes (%zu KiB)."), name, max,
				max / 1024);
			goto fail;
		}
		sbuf_add(&b, buf, (size_t)n);
	}
	if (fd != 0)
		close(fd);
	*len = b.len;
	*out = sbuf_steal(&b);
	return 0;
fail:
	if (fd != 0)
		close(fd);
	sbuf_free(&b);
	return -1;
}

int
mkdir_p(const char *path, unsigned mode, char *err)
{
	char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == 0) {
			char c = *s;
			*s = 0;
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				err_set(err, _("Cannot create the directory %s: %s."), p, strerror(errno));
				free(p);
				return -1;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		err_set(err, _("%s exists but is not a directory."), path);
		return -1;
	}
	return 0;
}

int
url_split(const char *url, char **host, int *port, char **mount)
{
	const char *p = url;
	if (!p || strncmp(p, "http://", 7) != 0)
		return -1;
	p += 7;
	size_t hl = strcspn(p, ":/");
	if (!hl)
		return -1;
	int pt = 8000;
	const char *q = p + hl;
	if (*q == ':') {
		char *end;
		long v = strtol(q + 1, &end, 10);
		if (end == q + 1 || v < 1 || v > 65535)
			return -1;
		pt = (int)v;
		q = end;
	}
	if (*q != '/' || !q[1] || strpbrk(q, " ?#"))
		return -1;
	if (host)
		*host = xstrndup(p, hl);
	if (port)
		*port = pt;
	if (mount)
		*mount = xstrdup(q);
	return 0;
}
