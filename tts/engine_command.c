/*
 * The command engine: an outside program speaks, so a commune can plug in
 * another Vietnamese voice.  tts.command is "program [arguments]" (split on
 * blanks, '...' and "..." quote; no shell); the program reads the spoken
 * text on standard input and writes a WAV file to the path given as its
 * last argument.  It runs in its own process group, is killed after the
 * timeout, and every failure names the command.  It gets the voice options
 * in its environment (LOAXA_TTS_RATE, words a minute; LOAXA_TTS_PITCH,
 * 0-99; LOAXA_TTS_VOICE; LOAXA_TTS_REGION, north, central or south) and in
 * its arguments where they say {rate}, {pitch}, {voice} or {region}:
 * "espeak-ng -v {voice} -s {rate} -p {pitch} --stdin -w".  The text it
 * reads is already in the region's words (ngàn, lẻ in the South).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#include "audio/audio.h"
#include "base/base.h"
#include "tts/engine.h"
#include "tts/tts.h"

#define TIMEOUT_DEFAULT_S 120

/* Splits a command line into a NULL-terminated argv (caller frees each and the array). */
static char **
split(const char *cmd, int *argc, char *err)
{
	char **v = NULL;
	int n = 0;
	const char *p = cmd;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		struct sbuf a = { 0 };
		sbuf_adds(&a, "");
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				const char *e = strchr(p, q);
				if (!e) {
					err_set(err, _("The speech command \"%s\" has an unclosed %c quote; check tts.command."),
						cmd, q);
					sbuf_free(&a);
					for (int i = 0; i < n; i++)
						free(v[i]);
					free(v);
					return NULL;
				}
				sbuf_add(&a, p, (size_t)(e - p));
				p = e + 1;
			} else {
				sbuf_addc(&a, *p++);
			}
		}
		v = xrealloc(v, sizeof *v * (size_t)(n + 2));
		v[n++] = sbuf_steal(&a);
	}
	if (!n) {
		err_set(err, _("The command engine needs a program: set tts.command."));
		return NULL;
	}
	v[n] = NULL;
	*argc = n;
	return v;
}

static void
free_argv(char **v)
{
	for (int i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The voice options of o: the rate and pitch in force, the voice named, the region. */
static void
voice_of(const struct tts_opts *o, int *rate, int *pitch, const char **voice, const char **region)
{
	*rate = o->rate > 0 ? o->rate : 150;
	*pitch = o->pitch >= 0 && o->pitch <= 99 ? o->pitch : 50;
	*voice = tts_voice(o) ? tts_voice(o) : "vi";
	*region = o->region && *o->region ? o->region : "north";
}

/* Puts the voice options into the arguments that ask for them: {rate}, {pitch}, {voice}, {region}. */
static void
fill_placeholders(char **v, const struct tts_opts *o)
{
	int rate, pitch;
	const char *voice, *region;
	voice_of(o, &rate, &pitch, &voice, &region);
	char rs[16], ps[16];
	snprintf(rs, sizeof rs, "%d", rate);
	snprintf(ps, sizeof ps, "%d", pitch);
	static const char *const names[] = { "{rate}", "{pitch}", "{voice}", "{region}" };
	const char *values[] = { rs, ps, voice, region };
	for (int i = 0; v[i]; i++) {
		if (!strchr(v[i], '{'))
			continue;
		struct sbuf b = { 0 };
		sbuf_adds(&b, "");
		for (const char *p = v[i]; *p;) {
			size_t k = 0;
			while (k < ARRAY_LEN(names) && strncmp(p, names[k], strlen(names[k])) != 0)
				k++;
			if (k < ARRAY_LEN(names)) {
				sbuf_adds(&b, values[k]);
				p += strlen(names[k]);
			} else {
				sbuf_addc(&b, *p++);
			}
		}
		free(v[i]);
		v[i] = sbuf_steal(&b);
	}
}

/* The environment of the program: ours, with the voice options set (caller frees with free_argv()). */
static char **
voice_environ(const struct tts_opts *o)
{
	int rate, pitch;
	const char *voice, *region;
	voice_of(o, &rate, &pitch, &voice, &region);
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **e = xcalloc(n + 5, sizeof *e);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LOAXA_TTS_", 10) != 0)
			e[k++] = xstrdup(environ[i]);
	e[k++] = xasprintf("LOAXA_TTS_RATE=%d", rate);
	e[k++] = xasprintf("LOAXA_TTS_PITCH=%d", pitch);
	e[k++] = xasprintf("LOAXA_TTS_VOICE=%s", voice);
	e[k++] = xasprintf("LOAXA_TTS_REGION=%s", region);
	return e;
}

/* The program's path: as given when it has a '/', else searched in $PATH. */
static char *
find_program(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;;) {
		const char *c = strchr(p, ':');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		char *f = xasprintf("%.*s/%s", (int)n, n ? p : ".", name);
		struct stat st;
		if (stat(f, &st) == 0 && S_ISREG(st.st_mode) && access(f, X_OK) == 0)
			return f;
		free(f);
		if (!c)
			return NULL;
		p = c + 1;
	}
}

static int
check(const struct tts_opts *o, char *err)
{
	int argc;
	char **v = split(o->command ? o->command : "", &argc, err);
	if (!v)
		return -1;
	char *prog = find_program(v[0]);
	if (!prog)
		err_set(err, _("Cannot run the speech command \"%s\": %s is not an executable program; check tts.command."),
			o->command, v[0]);
	free(prog);
	free_argv(v);
	return prog ? 0 : -1;
}

static double
now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* The last non-empty line the program wrote on its standard error, if any. */
static void
last_line(const char *path, char *out, size_t cap)
{
	out[0] = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[256];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (*line)
			snprintf(out, cap, "%s", line);
	}
	fclose(f);
}

/* Feeds text to fd before the deadline; a program that stops reading is not an error here. */
static int
feed(int fd, const char *text, double deadline)
{
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			int ms = (int)((deadline - now_s()) * 1000);
			if (ms <= 0)
				return -1;
			struct pollfd p = { fd, POLLOUT, 0 };
			poll(&p, 1, ms);
			continue;
		}
		break; /* EPIPE: it exited; its status says how it went */
	}
	/* a SIGPIPE raised on this thread is blocked: drop it */
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&s, NULL, &zero) > 0)
		;
	return 0;
}

/* Waits for pid until the deadline: 0 with its status, -1 when time ran out. */
static int
wait_until(pid_t pid, double deadline, int *status)
{
	long sleep_us = 500;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return 0;
		if (now_s() > deadline)
			return -1;
		usleep((useconds_t)sleep_us);
		if (sleep_us < 20000)
			sleep_us *= 2;
	}
}

struct run {
	char dir[64];
	char *wav, *errlog;
};

/* Runs the program; 0 when it exited 0 within the time. */
static int
run(const struct tts_opts *o, const char *text, struct run *r, char *err)
{
	int argc;
	char **v = split(o->command ? o->command : "", &argc, err);
	if (!v)
		return -1;
	char *prog = find_program(v[0]);
	if (!prog) {
		err_set(err, _("Cannot run the speech command \"%s\": %s is not an executable program; check tts.command."),
			o->command, v[0]);
		free_argv(v);
		return -1;
	}
	fill_placeholders(v, o);
	v = xrealloc(v, sizeof *v * (size_t)(argc + 2));
	v[argc] = xstrdup(r->wav);
	v[argc + 1] = NULL;
	char **env = voice_environ(o);
	int in[2] = { -1, -1 }, ex[2] = { -1, -1 };
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int errfd = open(r->errlog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = -1;
	if (devnull < 0 || errfd < 0 || pipe2(in, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0) {
		err_set(err, _("Cannot run the speech command \"%s\": %s."), o->command, strerror(errno));
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		err_set(err, _("Cannot run the speech command \"%s\": %s."), o->command, strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* only async-signal-safe calls from here to exec */
		setpgid(0, 0);
		dup2(in[0], 0);
		dup2(devnull, 1);
		dup2(errfd, 2);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		execve(prog, v, env);
		int e = errno;
		if (write(ex[1], &e, sizeof e) < 0)
			_exit(126);
		_exit(127);
	}
	close(in[0]);
	in[0] = -1;
	close(ex[1]);
	ex[1] = -1;
	int e = 0;
	ssize_t got;
	while ((got = read(ex[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	if (got == (ssize_t)sizeof e) {
		int st;
		waitpid(pid, &st, 0);
		err_set(err, _("Cannot run the speech command \"%s\": %s."), o->command, strerror(e));
		goto out;
	}
	int timeout = o->command_timeout_s > 0 ? o->command_timeout_s : TIMEOUT_DEFAULT_S;
	double deadline = now_s() + timeout;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	feed(in[1], text, deadline);
	close(in[1]);
	in[1] = -1;
	int status = 0;
	if (wait_until(pid, deadline, &status) < 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		err_set(err, _("The speech command \"%s\" took longer than %d s and was stopped."),
			o->command, timeout);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char why[256];
		last_line(r->errlog, why, sizeof why);
		if (WIFSIGNALED(status))
			err_set(err, _("The speech command \"%s\" was killed by signal %d%s%s."), o->command,
				WTERMSIG(status), *why ? ": " : "", why);
		else
			err_set(err, _("The speech command \"%s\" failed (exit status %d)%s%s."), o->command,
				WEXITSTATUS(status), *why ? ": " : "", why);
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (ex[i] >= 0)
			close(ex[i]);
	}
	if (devnull >= 0)
		close(devnull);
	if (errfd >= 0)
		close(errfd);
	free(prog);
	free_argv(v);
	free_argv(env);
	return rc;
}

static int
synth(const struct tts_opts *o, const char *spoken, tts_pcm_fn fn, void *arg, char *err)
{
	struct run r = { .wav = NULL };
	const char *tmp = getenv("TMPDIR");
	snprintf(r.dir, sizeof r.dir, "%s/loaxa-voice-XXXXXX",
		 tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(r.dir)) {
		err_set(err, _("Cannot make a temporary directory in %s: %s."),
			tmp && *tmp ? tmp : "/tmp", strerror(errno));
		return -1;
	}
	r.wav = xasprintf("%s/speech.wav", r.dir);
	r.errlog = xasprintf("%s/stderr.txt", r.dir);
	int rc = run(o, spoken, &r, err);
	struct audio_src *src = NULL;
	struct audio_info info = { 0 };
	if (rc == 0) {
		char why[ERRLEN];
		if (audio_probe(r.wav, &info, why) < 0 ||
		    !(src = audio_src_open(r.wav, info.sample_rate, why))) {
			err_set(err, _("The speech command \"%s\" did not write a usable WAV file: %s"),
				o->command, why);
			rc = -1;
		}
	}
	if (src) {
		float *buf = xmalloc(sizeof(float) * AUDIO_BLOCK);
		char why[ERRLEN];
		long n;
		while ((n = audio_src_read(src, buf, AUDIO_BLOCK, why)) > 0)
			if (fn(arg, buf, n, info.sample_rate) < 0) {
				err_set(err, _("The speech was stopped."));
				rc = -1;
				break;
			}
		if (n < 0) {
			err_set(err, _("The speech command \"%s\" wrote a damaged WAV file: %s"),
				o->command, why);
			rc = -1;
		}
		free(buf);
		audio_src_close(src);
	}
	unlink(r.wav);
	unlink(r.errlog);
	rmdir(r.dir);
	free(r.wav);
	free(r.errlog);
	return rc;
}

const struct tts_engine_ops tts_engine_command = {
	.name = "command",
	.check = check,
	.synth = synth,
};
