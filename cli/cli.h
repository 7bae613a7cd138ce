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
struct ops;

#define EXIT_USAGE 2

struct cli {
	const char *config_path; /* --config, or NULL */
	const char *state_dir;   /* --state-dir / LOAXA_STATE_DIR, or NULL */
	struct config *cfg;      /* loaded before the command runs */
	struct store *store;     /* opened on first cli_store() */
	struct tts_lexicon *lex; /* loaded on first cli_lexicon() */
	struct ops *ops;         /* made on first cli_ops() */
};

/* The store, opened on first use (creating the state dir); NULL after printing why. */
struct store *cli_store(struct cli *cli);
/*
 * The operations (ops/ops.h) over the store, opened on first use; NULL
 * after printing why.  What a rule decides, the command asks of these.
 */
struct ops *cli_ops(struct cli *cli);
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

/*
 * Whether name is a slot, topic or programme of the configuration: 0 if
 * it is; else prints "There is no slot \"sng\"; did you mean sang? The
 * slots are: sang, chieu." (the near name when there is one) and returns 1.
 */
enum cli_name { CLI_SLOT, CLI_TOPIC, CLI_PROGRAM, CLI_ZONE };
int cli_check_name(const struct cli *cli, enum cli_name kind, const char *name);

/* Parses a positive integer id; -1 if it is not one. */
long long cli_parse_id(const char *s);

/*
 * The one operand left at optind, an id: its value, or -1 after a usage
 * error through cmd: `needs` when there is not exactly one operand ("show
 * needs one bulletin ID"), `not_id` (a format taking the operand: "'%s' is
 * not a bulletin id") when it is not an id.
 */
long long cli_one_id(int argc, char **argv, const char *cmd, const char *needs, const char *not_id);

/*
 * Bulletin id from the store (opened on first use) into b: 0, or 1 after
 * saying why (no such bulletin, the store cannot be read).  The caller
 * clears b with store_bulletin_clear() after 0.
 */
struct store_bulletin;
int cli_bulletin(struct cli *cli, long long id, struct store_bulletin *b);

/* Output formats accepted by --format; returns the index in names or -1. */
int cli_parse_choice(const char *s, const char *const *names);

/*
 * --format ARG among formats (NULL-terminated): 0 with *format its index,
 * else EXIT_USAGE after "loaxa CMD: --format is text, csv or json (got ARG)".
 */
int cli_parse_format(const char *cmd, const char *arg, const char *const *formats, int *format);

/*
 * For a command whose only option is --help: reads the options of argv as
 * cli_getopt() does (an unknown one is told the same way, with what) and
 * leaves optind at the first operand.  Returns 0, EXIT_USAGE after an
 * unknown option, or -1 after printing help (the caller returns 0).
 */
int cli_operands(int argc, char **argv, const char *cmd, const char *what, void (*help)(void));
/* The same for a command whose options are --format (among formats) and --help; *format 0 by default. */
int cli_format_option(int argc, char **argv, const char *cmd, const char *what,
		      const char *const *formats, int *format, void (*help)(void));

/*
 * The subcommands of a command (bulletin, clip, queue, ...): argv[1] picks
 * one of subs, which gets argv from its own name on.  No subcommand: help
 * and EXIT_USAGE; --help: help; an option before the subcommand is told
 * as cli_getopt() tells an unknown one; an unknown subcommand is told with
 * the near name and the list.
 */
struct cli_sub {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
};
int cli_dispatch(struct cli *cli, int argc, char **argv, const struct cli_sub *subs, size_t n,
		 void (*help)(void));

/*
 * A listing written in the format asked for (CLI_TEXT, CLI_CSV, CLI_JSON):
 * text columns under translated heads; CSV through reports/'s writer (the
 * one CSV writer: BOM, CRLF, formulas neutralised) with the JSON object's
 * fields as columns, so CSV and JSON carry the same stable machine values;
 * JSON as an array of objects.
 */
enum cli_format { CLI_TEXT, CLI_CSV, CLI_JSON };
struct cli_col {
	const char *head; /* N_(): translated when shown */
	int width;        /* > 0 left-aligned, < 0 right-aligned, 0 the rest of the line */
};
struct cli_list {
	int format;
	const struct cli_col *cols; /* text */
	size_t n_cols;
	const char *const *fields;  /* CSV: JSON keys, NULL-terminated */
	int rows;
	int widths[12];             /* the text widths in use, widened to the heads: 12 columns at most */
};
struct json_t;
void cli_list_begin(struct cli_list *l);
/* One row: cells (n_cols, for text) and obj (for CSV and JSON; taken, freed here). */
void cli_list_row(struct cli_list *l, const char *const *cells, struct json_t *obj);
/* Ends the listing; empty is printed in text when there was no row. */
void cli_list_end(struct cli_list *l, const char *empty);

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



/* Speech options from the configuration; *cache_dir is allocated (caller frees). */
struct tts_opts;
void cli_tts_opts(struct cli *cli, struct tts_opts *o, char **cache_dir);

/*
 * Documents (cmd_import.c, over import/): cli_import_kind() is 1 for a
 * .docx/.odt/.pdf (by content), 0 for text, -1 after printing why it is
 * refused.  cli_import_text() gives a document's text (one section of it
 * with select), filling r (clear it with import_result_clear()); NULL after
 * printing why.  cli_import_check() prints what import-check shows; strict
 * makes lint findings exit 1, as `bulletin check` does.
 */
struct import_result;
int cli_import_kind(const char *path);
char *cli_import_text(const char *path, const char *select, struct import_result *r);
int cli_import_check(struct cli *cli, const char *file, const char *select, int json, int strict);
int cli_bulletin_import_check(struct cli *cli, int argc, char **argv);

/* Asks a running daemon to re-plan (best effort, silent when it is down). */
void cli_poke_daemon(struct cli *cli);

#endif
