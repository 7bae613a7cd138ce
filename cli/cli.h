/*
 * cli — private to `loaxa`: the context every command gets, and the helpers
 * they share.  Each command lives in cli/cmd_*.c as
 *
 *     int cmd_NAME(struct cli *cli, int argc, char **argv);
 *
 * where argv[0] is the command's own name ("bulletin", "log", ...), and
 * returns the process exit code: 0 success, 1 failure (one sentence already
 * printed on stderr with cli_error()), 2 usage error (cli_usage_error()).
 */
#ifndef LOAXA_CLI_H
#define LOAXA_CLI_H

#include <stdint.h>
#include <stdio.h>

struct config;
struct store;
struct tts_lexicon;

#define EXIT_USAGE 2

struct cli {
	const char *config_path; /* --config, or NULL */
	const char *state_dir;   /* --state-dir / LOAXA_STATE_DIR, or NULL */
	struct config *cfg;      /* loaded before the command runs */
	struct store *store;     /* opened on first cli_store() */
	struct tts_lexicon *lex; /* loaded on first cli_lexicon() */
};

/* The store, opened on first use (creating the state dir); NULL after printing why. */
struct store *cli_store(struct cli *cli);
/* The acronym lexicon (built-in + tts.lexicon), NULL after printing why. */
struct tts_lexicon *cli_lexicon(struct cli *cli);
/* The effective state directory. */
const char *cli_state_dir(const struct cli *cli);

/* "loaxa: SENTENCE" on stderr; returns 1. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "loaxa CMD: SENTENCE" + "Try 'loaxa CMD --help'." on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * getopt_long() for the commands' options, with loaxa's own sentences
 * instead of getopt's: it sets opterr = 0 and puts ':' before optstring
 * (after a leading '+' or '-'), and for an unknown option, one missing its
 * value, or one given a value it does not take, prints through
 * cli_usage_error(cmd, ...) the option as typed:
 *     loaxa bulletin: unknown option --bogus for 'bulletin add'
 *     loaxa log: --from needs a value
 * and returns '?' (the caller returns EXIT_USAGE).  what is the command as
 * the operator typed it ("bulletin add"), or NULL when cmd says it all.
 * Otherwise returns what getopt_long() returns; the caller sets optind = 1
 * before the first call, as for getopt_long().
 */
struct option;
int cli_getopt(int argc, char **argv, const char *optstring, const struct option *opts,
	       const char *cmd, const char *what);

/* Parses a positive integer id; -1 if it is not one. */
long long cli_parse_id(const char *s);

/* Output formats accepted by --format; returns the index in names or -1. */
int cli_parse_choice(const char *s, const char *const *names);

/*
 * Writes through a temporary file beside `path` that is renamed into place
 * on cli_out_commit(): a failed export leaves nothing half-written.  path
 * NULL or "-" writes to stdout.
 */
struct cli_out {
	FILE *f;
	char *path, *tmp;
};
int cli_out_open(struct cli_out *o, const char *path);
int cli_out_commit(struct cli_out *o);
void cli_out_abort(struct cli_out *o);

/*
 * The checks of a configuration that need other modules (cli/check.c):
 * calendar expressions of slots, clips and bulletins named by programmes;
 * prints a warning for a programme that may overrun the next slot instant.
 */
int cli_check_config(struct cli *cli, const struct config *cfg, char *err);

/* Imports a bulletin's recording as a clip of kind "recording"; prints why on failure. */
int cli_import_recording(struct cli *cli, const char *path, const char *title, int64_t *id);
/* Removes a clip just imported (row and file), when what needed it failed. */
void cli_clip_discard(struct cli *cli, int64_t id);

/* Speech options from the configuration; *cache_dir is allocated (caller frees). */
struct tts_opts;
void cli_tts_opts(struct cli *cli, struct tts_opts *o, char **cache_dir);

/* Asks a running daemon to re-plan (best effort, silent when it is down). */
void cli_poke_daemon(struct cli *cli);

#endif
