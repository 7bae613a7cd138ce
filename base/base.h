/*
 * base — the floor every module stands on: allocation that aborts on out of
 * memory, error buffers, gettext macros, a growable string buffer, UTF-8
 * checks, SHA-256, and time helpers.  It includes nothing of ours.
 *
 * Errors: a function that can fail on outside input returns 0 on success and
 * -1 on failure, and writes one human sentence into `char err[ERRLEN]` saying
 * what failed, on which thing, and what to do.  Callers print it as it is.
 */
#ifndef LOAXA_BASE_H
#define LOAXA_BASE_H

#include <libintl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define _(s) gettext(s)
#define N_(s) (s)

/*
 * Sets the locale from the environment and binds the "loaxa" text domain
 * ($LOAXA_LOCALEDIR, for a build tree, else the installed one).  LC_NUMERIC
 * stays "C": what printf writes for machines (XLSX, CSV, JSON, the
 * configuration dump) never takes the locale's decimal comma.
 */
void i18n_init(void);
/*
 * v with `decimals` digits after the separator of the user's locale
 * ("12,5" under vi_VN, "12.5" under C): for numbers shown to people only.
 * Writes into buf and returns it.
 */
const char *i18n_decimal(double v, int decimals, char buf[32]);

#define ERRLEN 512
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * What cannot be handled (out of memory, no thread, no eventfd: nothing
 * could run without them) prints "loaxa: SENTENCE" on stderr and aborts.
 * Bugs and external input never come here.
 */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Out of memory prints a message and aborts (through fatal()): there is nothing better to do. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* A copy of n bytes (n may be 0: a valid pointer all the same). */
void *xmemdup(const void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes the formatted sentence into err (ERRLEN bytes); err may be NULL. */
void err_set(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable NUL-terminated string.  Zero-initialise; free with sbuf_free(). */
struct sbuf {
	char *s;
	size_t len, cap;
};
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_addf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string (caller frees) and leaves b empty. */
char *sbuf_steal(struct sbuf *b);
void sbuf_free(struct sbuf *b);

/*
 * UTF-8.  utf8_check() returns 0 when s[0..n) is valid UTF-8 without NUL
 * bytes, else -1 with the byte offset of the first bad byte in *bad.
 * utf8_nfc() returns a newly allocated NFC form of valid UTF-8.
 * utf8_decode() reads one code point at s (valid input), returns its length.
 */
int utf8_check(const char *s, size_t n, size_t *bad);
char *utf8_nfc(const char *s);
int utf8_decode(const char *s, uint32_t *cp);
int utf8_encode(uint32_t cp, char out[4]);

/* SHA-256 of a buffer or of a whole file, as 64 lowercase hex digits. */
struct sha256;
struct sha256 *sha256_new(void);
void sha256_update(struct sha256 *h, const void *p, size_t n);
/* Writes the digest into hex[65] and frees h. */
void sha256_finish(struct sha256 *h, char hex[65]);
void sha256_hex(const void *p, size_t n, char hex[65]);
int sha256_file(const char *path, char hex[65], char *err);

/* Wall-clock time in milliseconds since the epoch (CLOCK_REALTIME). */
int64_t time_now_ms(void);
/*
 * Local time in the process time zone (set by config_apply_timezone()):
 * "YYYY-MM-DD HH:MM:SS" (fmt "%F %T") or any strftime format.
 */
void time_format(int64_t ms, const char *fmt, char *out, size_t outlen);
/* ISO 8601 with the local offset and milliseconds: 2025-03-01T05:30:00.000+07:00 */
void time_iso8601(int64_t ms, char out[40]);
/*
 * Parses "YYYY-MM-DD" (as local midnight) or "YYYY-MM-DD HH:MM[:SS]" in local
 * time, two digits each part of the time; refuses impossible dates such as
 * 2025-02-30.  0 or -1 with err.
 */
int time_parse_local(const char *s, int64_t *ms, char *err);
/*
 * Parses a date "YYYY-MM-DD", exactly: ten characters, digits and the two
 * '-' (no sign, no space, so stored dates compare as strings), checking it
 * exists; fills y, m, d.
 */
int date_parse(const char *s, int *y, int *m, int *d);
/*
 * s[0..n) are n > 0 ASCII digits: no sign, no space (scanf's %d takes
 * both).  ascii_number() gives their value (n <= 9), or -1 when they are not.
 */
int ascii_digits(const char *s, size_t n);
int ascii_number(const char *s, size_t n);

/* Reads a whole file (at most max bytes; "-" is stdin). */
int file_read_all(const char *path, size_t max, char **out, size_t *len, char *err);
/* mkdir -p with mode for the missing parts. */
int mkdir_p(const char *path, unsigned mode, char *err);

/*
 * Splits http://HOST[:PORT]/PATH (port 8000 when left out; no query):
 * 0 with the parts (each pointer may be NULL; free them), -1 when url is
 * not such an address.
 */
int url_split(const char *url, char **host, int *port, char **path);

#endif
