/*
 * Helpers shared by the commands of `loaxa`: errors, lazily opened store and
 * lexicon, ids and choices, atomic output files, poking the daemon.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/base.h"
#include "cli/cli.h"
#include "config/config.h"
#include "store/store.h"
#include "tts/tts.h"

int
cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("loaxa: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "loaxa %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, _("Try 'loaxa %s --help'.\n"), cmd);
	return EXIT_USAGE;
}

const char *
cli_state_dir(const struct cli *cli)
{
	return cli->state_dir ? cli->state_dir : cli->cfg->state_dir;
}

struct store *
cli_store(struct cli *cli)
{
	char err[ERRLEN];
	if (!cli->store && store_open(cli_state_dir(cli), &cli->store, err) < 0) {
		cli_error("%s", err);
		return NULL;
	}
	return cli->store;
}

struct tts_lexicon *
cli_lexicon(struct cli *cli)
{
	char err[ERRLEN];
	if (cli->lex)
		return cli->lex;
	cli->lex = tts_lexicon_new();
	if (cli->cfg->tts.lexicon && tts_lexicon_load(cli->lex, cli->cfg->tts.lexicon, err) < 0) {
		cli_error("%s", err);
		tts_lexicon_free(cli->lex);
		cli->lex = NULL;
	}
	return cli->lex;
}

long long
cli_parse_id(const char *s)
{
	if (!s || !*s || strlen(s) > 15 || strspn(s, "0123456789") != strlen(s))
		return -1;
	long long v = strtoll(s, NULL, 10);
	return v > 0 ? v : -1;
}

int
cli_parse_choice(const char *s, const char *const *names)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
cli_out_open(struct cli_out *o, const char *path)
{
	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	o->path = xstrdup(path);
	o->tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		cli_error(_("Cannot write %s: %s."), path, strerror(errno));
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return -1;
	}
	fchmod(fd, 0644);
	o->f = fdopen(fd, "w");
	return 0;
}

int
cli_out_commit(struct cli_out *o)
{
	if (o->f == stdout)
		return fflush(stdout) == 0 ? 0 : cli_error(_("Cannot write the output: %s."), strerror(errno)) * -1;
	int bad = ferror(o->f) | fflush(o->f) | fsync(fileno(o->f));
	bad |= fclose(o->f);
	o->f = NULL;
	if (bad || rename(o->tmp, o->path) < 0) {
		cli_error(_("Cannot write %s: %s."), o->path, strerror(errno ? errno : EIO));
		unlink(o->tmp);
		cli_out_abort(o);
		return -1;
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return 0;
}

void
cli_out_abort(struct cli_out *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
}

void
cli_poke_daemon(struct cli *cli)
{
	const char *path = cli->cfg->control_socket;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!path || strlen(path) >= sizeof sa.sun_path)
		return;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		static const char req[] = "{\"cmd\":\"replan\"}\n";
		if (write(fd, req, sizeof req - 1) > 0) {
			char buf[256];
			(void)!read(fd, buf, sizeof buf);
		}
	}
	close(fd);
}
