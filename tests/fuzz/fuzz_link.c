/*
 * libFuzzer target for the link's decoders of outside input: a bulletin
 * envelope from the broker (signature, body, audio), an acknowledgement,
 * and the log, status and receipt messages communes send the collector.
 * The first byte picks the decoder; 5 signs the rest as a bulletin's body
 * with the target's own key, so the body's parser is reached past the
 * signature check.  Refusing is fine; crashing, leaking
 * or reading out of bounds is not.
 */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/base.h"
#include "link/link.h"
#include "link/link_int.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char pk[32], sk[64];
	static int ready;
	if (!ready++) {
		sodium_init();
		unsigned char seed[32] = { 1, 2, 3 };
		crypto_sign_seed_keypair(pk, sk, seed);
	}
	if (size < 1)
		return 0;
	char err[ERRLEN];
	const char *msg = (const char *)data + 1;
	size_t len = size - 1;
	switch (data[0] % 6) {
	case 0: {
		struct link_bulletin b;
		if (link_bulletin_decode(msg, len, pk, "hn", &b, err) == 0) {
			link_bulletin_for(&b, "d1", "c1");
			free(link_targets_text(&b));
			link_bulletin_clear(&b);
		}
		break;
	}
	case 1: {
		struct link_ack_row *rows;
		size_t n;
		if (link_ack_decode(msg, len, pk, "hn", "c1", &rows, &n, err) == 0)
			free(rows);
		break;
	}
	case 2: {
		struct link_log l;
		if (link_log_decode(msg, len, "c1", &l, err) == 0)
			link_log_clear(&l);
		break;
	}
	case 5: {
		char *body = xstrndup(msg, len);
		size_t mlen;
		char *m = link_seal(body, sk, NULL, 0, &mlen);
		struct link_bulletin b;
		if (m && link_bulletin_decode(m, mlen, pk, "hn", &b, err) == 0)
			link_bulletin_clear(&b);
		free(m);
		free(body);
		break;
	}
	default: {
		struct link_note n;
		if (link_note_decode(msg, len, "c1", data[0] % 6 == 3 ? "status" : "receipt", &n, err) == 0)
			link_note_clear(&n);
		break;
	}
	}
	return 0;
}
