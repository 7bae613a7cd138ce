/*
 * libFuzzer target: what loaxa-web decodes from a browser before any rule
 * sees it.  The first byte picks the request kind (a JSON body against one
 * of the field tables, a path against every route pattern, or an
 * Accept-Language header); the rest is the input.  Nothing may crash, and
 * a decoded string must be NUL-free and within its field's limit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "web/web_int.h"

/* The route table lives in api.c with the handlers; the patterns are enough here. */
static const char *const patterns[] = {
	"/api/v1/bulletins/#", "/api/v1/bulletins/#/versions/#", "/api/v1/users/$",
	"/api/v1/clips/#/audio", "/api/v1/queue/#", "/api/v1/login",
};

static void
check_strings(const struct field *fields, const void *out)
{
	for (const struct field *f = fields; f->name; f++) {
		const char *s = *(const char *const *)((const char *)out + f->off);
		if (f->type == F_STRING && s && strlen(s) > f->max)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const struct field *const tables[] = {
		fields_bulletin, fields_login, fields_approve, fields_return,
		fields_queue, fields_air, fields_user_add, fields_user_update,
	};
	union {
		struct in_bulletin b;
		struct in_login l;
		struct in_approve a;
		struct in_return r;
		struct in_queue q;
		struct in_air air;
		struct in_user u;
	} out;
	char err[ERRLEN];
	unsigned kind = data[0] % (ARRAY_LEN(tables) + 2);
	const char *in = (const char *)data + 1;
	size_t n = size - 1;
	if (kind < ARRAY_LEN(tables)) {
		json_t *root;
		if (web_decode(in, n, tables[kind], &out, &root, err) == 0)
			check_strings(tables[kind], &out);
		json_decref(root);
	} else {
		char *s = xstrndup(in, n);
		if (kind == ARRAY_LEN(tables)) {
			for (size_t i = 0; i < ARRAY_LEN(patterns); i++) {
				int64_t id = 0;
				char name[65];
				if (web_path_match(patterns[i], s, &id, name) && strchr(patterns[i], '#') && id <= 0)
					abort();
			}
		} else {
			const char *l = web_pick_lang(s);
			if (strcmp(l, "vi") != 0 && strcmp(l, "en") != 0)
				abort();
		}
		free(s);
	}
	return 0;
}
