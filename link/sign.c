/*
 * Signing with Ed25519 (libsodium): the province's key pair, and the
 * envelope that carries a signed body.  The signature is over the body's
 * exact bytes as sent, so no re-encoding of JSON has to agree between
 * signer and verifier: whatever is altered, even a space, fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "link/link.h"
#include "link/link_int.h"

static void
sodium_up(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "libsodium cannot start\n");
		abort();
	}
}

char *
link_b64(const unsigned char *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = xmalloc(cap);
	sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

int
link_unb64(const char *s, unsigned char *out, size_t max, size_t *n)
{
	const char *end = NULL;
	if (sodium_base642bin(out, max, s, strlen(s), NULL, n, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    (end && *end))
		return -1;
	return 0;
}

void
link_new_id(char id[33])
{
	unsigned char r[16];
	sodium_up();
	randombytes_buf(r, sizeof r);
	sodium_bin2hex(id, 33, r, sizeof r);
}

void
link_public_of(const unsigned char sk[64], char pub[LINK_PK_B64])
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	sodium_bin2base64(pub, LINK_PK_B64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
}

int
link_keygen(const char *path, char pub[LINK_PK_B64], char *err)
{
	sodium_up();
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES],
		sk[crypto_sign_SECRETKEYBYTES];
	randombytes_buf(seed, sizeof seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			err_set(err, _("%s already exists; a signing key is never overwritten (move it away first if you mean to replace it, and give the communes the new public key)."),
				path);
		else
			err_set(err, _("Cannot create the key file %s: %s."), path, strerror(errno));
		return -1;
	}
	char *b = link_b64(seed, sizeof seed);
	char *line = xasprintf("%s\n", b);
	size_t n = strlen(line);
	int ok = write(fd, line, n) == (ssize_t)n && fsync(fd) == 0;
	int e = errno;
	close(fd);
	sodium_memzero(line, n);
	sodium_memzero(b, strlen(b));
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(sk, sizeof sk);
	free(line);
	free(b);
	if (!ok) {
		unlink(path);
		err_set(err, _("Cannot write the key file %s: %s."), path, strerror(e));
		return -1;
	}
	sodium_bin2base64(pub, LINK_PK_B64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

int
link_secret_load(const char *path, unsigned char sk[64], char *err)
{
	sodium_up();
	char *text;
	size_t len;
	if (file_read_all(path, 4096, &text, &len, err) < 0)
		return -1;
	text[strcspn(text, "\r\n")] = 0;
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	size_t n = 0;
	int rc = link_unb64(text, seed, sizeof seed, &n);
	sodium_memzero(text, len);
	free(text);
	if (rc < 0 || n != sizeof seed) {
		err_set(err, _("%s is not a signing key made by 'loaxa-province keygen'."), path);
		return -1;
	}
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof seed);
	return 0;
}

int
link_public_parse(const char *b64, unsigned char pk[32], char *err)
{
	size_t n = 0;
	if (!b64 || link_unb64(b64, pk, 32, &n) < 0 || n != 32) {
		err_set(err, _("link.province_key is not a public key as 'loaxa-province keygen' prints it (44 characters of base64)."));
		return -1;
	}
	return 0;
}

char *
link_seal(const char *body, const unsigned char sk[64], const unsigned char *audio, size_t audio_len,
	  size_t *len)
{
	sodium_up();
	unsigned char sig[crypto_sign_BYTES];
	crypto_sign_detached(sig, NULL, (const unsigned char *)body, strlen(body), sk);
	char *s = link_b64(sig, sizeof sig);
	json_t *o = json_pack("{s:i,s:s,s:s}", "v", LINK_VERSION, "body", body, "sig", s);
	free(s);
	if (!o) /* the body is not UTF-8: jansson takes none */
		return NULL;
	if (audio) {
		char *a = link_b64(audio, audio_len);
		json_object_set_new(o, "audio", json_string(a));
		free(a);
	}
	char *out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	*len = strlen(out);
	return out;
}

char *
link_open(const void *msg, size_t len, const unsigned char pk[32], unsigned char **audio,
	  size_t *audio_len, char *err)
{
	sodium_up();
	*audio = NULL;
	*audio_len = 0;
	if (len > LINK_MAX_MESSAGE) {
		err_set(err, _("the message is larger than %d bytes"), LINK_MAX_MESSAGE);
		return NULL;
	}
	json_error_t je;
	json_t *o = json_loadb(msg, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(o)) {
		err_set(err, _("the message is not a JSON object (%s)"), o ? "" : je.text);
		json_decref(o);
		return NULL;
	}
	char *body = NULL;
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		if (strcmp(key, "v") != 0 && strcmp(key, "body") != 0 && strcmp(key, "sig") != 0 &&
		    strcmp(key, "audio") != 0) {
			err_set(err, _("the message has an unknown field \"%.64s\""), key);
			goto out;
		}
	}
	json_t *jv = json_object_get(o, "v");
	if (!json_is_integer(jv) || json_integer_value(jv) != LINK_VERSION) {
		err_set(err, _("the message is not of version %d of the format"), LINK_VERSION);
		goto out;
	}
	json_t *jb = json_object_get(o, "body");
	if (!json_is_string(jb)) {
		err_set(err, _("the message has no body"));
		goto out;
	}
	const char *b = json_string_value(jb);
	size_t blen = json_string_length(jb);
	if (blen > LINK_MAX_BODY || strlen(b) != blen) {
		err_set(err, _("the body is larger than %d bytes or holds a NUL"), LINK_MAX_BODY);
		goto out;
	}
	json_t *js = json_object_get(o, "sig");
	if (!js) {
		err_set(err, _("the message is unsigned"));
		goto out;
	}
	unsigned char sig[crypto_sign_BYTES];
	size_t n = 0;
	if (!json_is_string(js) || link_unb64(json_string_value(js), sig, sizeof sig, &n) < 0 ||
	    n != sizeof sig) {
		err_set(err, _("the signature is not an Ed25519 signature in base64"));
		goto out;
	}
	if (crypto_sign_verify_detached(sig, (const unsigned char *)b, blen, pk) != 0) {
		err_set(err, _("the signature does not verify with the province's key (signed with another key, or altered after signing)"));
		goto out;
	}
	json_t *ja = json_object_get(o, "audio");
	if (ja) {
		const char *a = json_string_value(ja);
		size_t max = a ? strlen(a) / 4 * 3 + 3 : 0;
		if (!a || max > LINK_MAX_AUDIO + 3) {
			err_set(err, _("the audio is not base64 of at most %d bytes"), LINK_MAX_AUDIO);
			goto out;
		}
		*audio = xmalloc(max + 1);
		if (link_unb64(a, *audio, max, audio_len) < 0 || *audio_len == 0) {
			free(*audio);
			*audio = NULL;
			*audio_len = 0;
			err_set(err, _("the audio is not base64 of at most %d bytes"), LINK_MAX_AUDIO);
			goto out;
		}
	}
	body = xstrdup(b);
out:
	json_decref(o);
	return body;
}
