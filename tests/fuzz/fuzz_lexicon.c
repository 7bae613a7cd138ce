/*
 * libFuzzer target: the lexicon file loader (tts.lexicon, outside input)
 * on any bytes, then the normalizer with what it loaded.  The bytes go
 * through a memfd, read back by path as the daemon reads the file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/base.h"
#include "tts/tts.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("lexicon", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct tts_lexicon *lex = tts_lexicon_new();
	char err[ERRLEN];
	if (tts_lexicon_load(lex, path, err) == 0) {
		static const char text[] = "UBND xã GĐ thông báo lịch tiếp công dân của HĐND.";
		char *out = tts_normalize(lex, text, sizeof text - 1, err);
		free(out);
	}
	tts_lexicon_free(lex);
	close(fd);
	return 0;
}
