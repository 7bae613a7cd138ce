/* libFuzzer target: the normalizer and the lint on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/base.h"
#include "tts/tts.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tts_lexicon *lex;
	if (!lex)
		lex = tts_lexicon_new();
	char err[ERRLEN];
	char *out = tts_normalize(lex, (const char *)data, size, err);
	free(out);
	struct tts_finding *f;
	size_t n;
	if (tts_lint(lex, (const char *)data, size, 40, &f, &n, err) == 0)
		tts_findings_free(f, n);
	return 0;
}
