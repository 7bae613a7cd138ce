/*
 * loaxa normalize — the spoken form of Vietnamese text, as the speech engine
 * will be given it, read as the station's region reads (tts.region) or as
 * --region says.  With arguments, their spoken form; without, stdin line
 * by line (one output line per input line, so it can score against a corpus).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "tts/tts.h"

#define LINE_MAX_BYTES (1 << 20)

static void
help(void)
{
	printf(_("Usage: loaxa normalize [--region north|central|south] [TEXT...]\n\n"
		 "Prints what an announcer would say for TEXT: numbers, dates, acronyms and\n"
		 "document codes written out in Vietnamese words.  Without TEXT, reads standard\n"
		 "input and prints one line for each line read.  --region reads as an announcer\n"
		 "of that region (ngàn, lẻ in the South); the default is tts.region.\n"));
}

static int
say_one(const struct tts_lexicon *lex, const char *region, const char *text, size_t len)
{
	char err[ERRLEN];
	char *out = tts_normalize_region(lex, region, text, len, err);
	if (!out)
		return cli_error("%s", err);
	fputs(out, stdout);
	fputc('\n', stdout);
	free(out);
	return 0;
}

int
cmd_normalize(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "region", required_argument, NULL, 'r' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	const char *region = cli->cfg->tts.region;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "+h", opts, "normalize", NULL)) != -1) {
		if (c == 'h') {
			help();
			return 0;
		}
		if (c != 'r')
			return EXIT_USAGE; /* cli_getopt() said why */
		if (!tts_region_valid(optarg))
			return cli_usage_error("normalize", _("--region is north, central or south (got %s)"),
					       optarg);
		region = optarg;
	}
	struct tts_lexicon *lex = cli_lexicon(cli);
	if (!lex)
		return 1;
	if (optind < argc) {
		struct sbuf b = { 0 };
		for (int i = optind; i < argc; i++) {
			if (i > optind)
				sbuf_addc(&b, ' ');
			sbuf_adds(&b, argv[i]);
		}
		int rc = say_one(lex, region, b.s, b.len);
		sbuf_free(&b);
		return rc;
	}
	/* Line by line, so that output keeps pace with input in a pipe. */
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 0;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = 0;
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = 0;
		if (n > LINE_MAX_BYTES) {
			rc = cli_error(_("A line of standard input is longer than %d bytes; split it."),
				       LINE_MAX_BYTES);
			break;
		}
		size_t bad;
		if (utf8_check(line, (size_t)n, &bad) < 0) {
			/* the column in characters, as an editor shows it: the bytes before are valid */
			size_t col = 1;
			for (size_t i = 0; i < bad; i++)
				col += ((unsigned char)line[i] & 0xc0) != 0x80;
			rc = cli_error(_("Line %ld of standard input is not valid UTF-8 (bad byte at column %zu); save it as UTF-8."),
				       lineno, col);
			break;
		}
		if (say_one(lex, region, line, (size_t)n)) {
			rc = 1;
			break;
		}
		fflush(stdout);
	}
	free(line);
	return rc;
}
