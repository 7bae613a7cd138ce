/*
 * loaxa bulletin import-check FILE — what a document gives before anything
 * is stored: the text extracted from a .docx, .odt or .pdf (import/), what
 * was repaired (counts by kind), and what the lint still finds; --select
 * takes one section.  Also the bridge `bulletin add --file` and `bulletin
 * check --file` use to read a document instead of plain text.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli.h"
#include "config/config.h"
#include "import/import.h"
#include "tts/tts.h"

int
cli_import_kind(const char *path)
{
	if (strcmp(path, "-") == 0)
		return 0;
	enum import_format fmt;
	char err[ERRLEN];
	if (import_file_format(path, &fmt, err) < 0) {
		cli_error("%s", err);
		return -1;
	}
	return fmt != IMPORT_TEXT;
}

char *
cli_import_text(const char *path, const char *select, struct import_result *r)
{
	char err[ERRLEN];
	if (import_document(path, NULL, 0, r, err) < 0) {
		cli_error("%s", err);
		return NULL;
	}
	if (!select)
		return xstrdup(r->text);
	char *t = import_select(r->text, select, err);
	if (!t)
		cli_error("%s", err);
	return t;
}

/* The paragraph a lint line falls in: paragraphs are one line each, blank lines between. */
static int
paragraph_of(int line)
{
	return (line + 1) / 2;
}

int
cli_import_check(struct cli *cli, const char *file, const char *select, int json, int strict)
{
	struct import_result r;
	char *text = cli_import_text(file, select, &r);
	if (!text) {
		import_result_clear(&r);
		return 1;
	}
	struct tts_lexicon *lex = cli_lexicon(cli);
	struct tts_finding *f = NULL;
	size_t n = 0;
	char err[ERRLEN];
	if (!lex || tts_lint(lex, text, strlen(text), cli->cfg->tts.max_syllables, &f, &n, err) < 0) {
		free(text);
		import_result_clear(&r);
		return lex ? cli_error("%s", err) : 1;
	}
	size_t chars = 0;
	for (const char *p = text; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "file", json_string(file));
		json_object_set_new(o, "format", json_string(import_format_name(r.format)));
		json_object_set_new(o, "pages", json_integer(r.pages));
		json_object_set_new(o, "paragraphs", json_integer(r.paragraphs));
		json_object_set_new(o, "characters", json_integer((json_int_t)chars));
		json_t *rep = json_object();
		for (int k = 0; k < IMPORT_N_REPAIRS; k++)
			json_object_set_new(rep, import_repair_name(k), json_integer((json_int_t)r.repairs[k]));
		json_object_set_new(o, "repairs", rep);
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:i,s:i,s:s,s:s,s:s}", "paragraph",
							     paragraph_of(f[i].line), "column", f[i].col,
							     "kind", tts_lint_kind_name(f[i].kind), "text",
							     f[i].text, "message", f[i].message));
		json_object_set_new(o, "findings", arr);
		json_object_set_new(o, "text", json_string(text));
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		if (r.format == IMPORT_PDF)
			printf(_("%s: %s, %d pages, %d paragraphs, %zu characters.\n"), file,
			       import_format_name(r.format), r.pages, r.paragraphs, chars);
		else
			printf(_("%s: %s, %d paragraphs, %zu characters.\n"), file,
			       import_format_name(r.format), r.paragraphs, chars);
		int any = 0;
		for (int k = 0; k < IMPORT_N_REPAIRS; k++)
			any |= r.repairs[k] != 0;
		printf(any ? _("Repaired:\n") : _("Nothing needed repair.\n"));
		for (int k = 0; k < IMPORT_N_REPAIRS; k++)
			if (r.repairs[k])
				printf("  %6lu  %s\n", r.repairs[k], import_repair_label(k));
		if (select)
			printf(_("Selected: %s.\n"), select);
		if (n)
			printf(_("The lint finds %zu thing(s) that would sound wrong:\n"), n);
		else
			printf(_("The lint finds nothing that would sound wrong.\n"));
		for (size_t i = 0; i < n; i++)
			printf(_("  paragraph %d, column %d: %s\n"), paragraph_of(f[i].line), f[i].col,
			       f[i].message);
		printf(_("Text, paragraph by paragraph (--select takes a heading such as II.2, or a range such as 3-7):\n"));
		int k = 1;
		for (const char *p = text; *p; k++) {
			const char *e = strstr(p, "\n\n");
			size_t len = e ? (size_t)(e - p) : strlen(p);
			printf("[%d] %.*s\n", k, (int)len, p);
			p += len;
			while (*p == '\n')
				p++;
		}
	}
	tts_findings_free(f, n);
	free(text);
	import_result_clear(&r);
	return strict && n ? 1 : 0;
}

/* loaxa bulletin import-check FILE [--select S] [--format text|json] */
int
cli_bulletin_import_check(struct cli *cli, int argc, char **argv)
{
	const char *file = NULL, *select = NULL;
	int json = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--select") == 0 && i + 1 < argc) {
			select = argv[++i];
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "json") == 0)
				json = 1;
			else if (strcmp(f, "text") != 0)
				return cli_usage_error("bulletin", _("--format is text or json (got %s)"), f);
		} else if (strcmp(argv[i], "--help") == 0) {
			printf(_("Usage: loaxa bulletin import-check FILE [--select SECTION] [--format text|json]\n\n"
				 "Shows what a .docx, .odt or .pdf gives as a bulletin, before anything is\n"
				 "stored: the text, paragraph by paragraph; what was repaired (line breaks,\n"
				 "split syllables, page headers, footers and numbers, legacy TCVN3 and VNI\n"
				 "text); and what the lint still finds.  --select takes one section: a\n"
				 "heading (II, II.2, II.2.a) or paragraphs (12, 12-18).  Exit 0 when the\n"
				 "document was read, 1 when it was refused (the sentence says why).\n"));
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("bulletin", _("unknown option %s for '%s'"), argv[i],
					       "bulletin import-check");
		} else if (!file) {
			file = argv[i];
		} else {
			return cli_usage_error("bulletin", _("unexpected argument '%s'"), argv[i]);
		}
	}
	if (!file)
		return cli_usage_error("bulletin", _("import-check needs a FILE (.docx, .odt or .pdf)"));
	int doc = cli_import_kind(file);
	if (doc < 0)
		return 1;
	if (!doc)
		return cli_error(_("%s is not a DOCX, ODT or PDF document; 'loaxa bulletin check --file %s' checks a text file."),
				 file, file);
	return cli_import_check(cli, file, select, json, 0);
}
