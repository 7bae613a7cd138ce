/*
 * bench/fill STATE_DIR ITEMS — fills a store through its own API with
 * ITEMS aired items over ten years (2016-2025): ten slots a day, about 27
 * bulletins an airing, a few hundred bulletins across the topics.  One
 * airing in 97 is missed (no items), one in 31 interrupted (its last item
 * cut), and each airing opens with a jingle clip, as real programmes do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/base.h"
#include "store/store.h"

int
main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	long target = atol(argv[2]);
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	char err[ERRLEN];
	struct store *st;
	if (store_open(argv[1], &st, err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	static const char *const topics[] = { "the-che", "tthc", "bo-may", "cong-vu",
					      "tai-chinh", "chinh-quyen-so", "khac" };
	int64_t ids[300];
	store_begin(st, err);
	for (int i = 0; i < 300; i++) {
		struct store_bulletin b = { .title = (char *)"Bản tin", .topic = (char *)topics[i % 7],
					    .klass = (char *)"normal", .state = (char *)"approved",
					    .text = (char *)"Nội dung.", .airings_wanted = 10 };
		/* store_bulletin_add opens its own transaction: commit around it */
		store_commit(st, err);
		store_bulletin_add(st, &b, err);
		store_begin(st, err);
		ids[i] = b.id;
	}
	struct store_clip jingle = { .name = (char *)"nhạc hiệu", .kind = (char *)"jingle",
				     .file = (char *)"jingle.flac", .duration_s = 5, .sample_rate = 48000,
				     .channels = 1, .frames = 240000, .sha256 = (char *)"00" };
	store_commit(st, err);
	if (store_clip_add(st, &jingle, err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	store_begin(st, err);
	int64_t t0 = (int64_t)1451606400 * 1000; /* 2016-01-01 */
	long days = 3652, per_airing = target / (days * 10) + 1, n = 0;
	static const char *const slots[] = { "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9" };
	for (long d = 0; d < days && n < target; d++) {
		for (int s = 0; s < 10 && n < target; s++) {
			long no = d * 10 + s;
			struct store_airing a = { .slot = (char *)slots[s], .program = (char *)"p",
						  .scheduled_at = t0 + d * 86400000LL + s * 3600000LL,
						  .status = (char *)(d % 97 == 0   ? "missed"
								     : no % 31 == 0 ? "interrupted"
										    : "completed"),
						  .lateness_ms = 1 };
			a.started_at = a.scheduled_at + 1;
			a.ended_at = a.scheduled_at + 600000;
			if (store_airing_add(st, &a, err) < 0) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
			for (long k = 0; k < per_airing && n < target && d % 97; k++, n++) {
				struct store_aired_item it = { .airing_id = a.id, .seq = (int)k,
							       .kind = (char *)"bulletin",
							       .bulletin_id = ids[(d * 7 + s * 3 + k) % 300],
							       .bulletin_version = 1, .offset_s = 20.0 * k,
							       .length_s = 20,
							       .completed = no % 31 || k + 1 < per_airing };
				if (k == 0) { /* the jingle: one of the ITEMS too */
					it.kind = (char *)"clip";
					it.bulletin_id = 0;
					it.bulletin_version = 0;
					it.clip_id = jingle.id;
					it.length_s = 5;
				}
				if (store_aired_item_add(st, &it, err) < 0) {
					fprintf(stderr, "%s\n", err);
					return 1;
				}
			}
			if ((d * 10 + s) % 200 == 0) {
				store_commit(st, err);
				store_begin(st, err);
			}
		}
	}
	store_commit(st, err);
	store_close(st);
	printf("%ld aired items\n", n);
	return 0;
}
