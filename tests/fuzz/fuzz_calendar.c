/*
 * libFuzzer target: calendar expressions (a slot's `when`, from the
 * configuration file).  Any bytes must give either a parsed expression or a
 * one-sentence error; what parses must give its normalized form, which must
 * parse again to the same form, and a few next instants, each strictly after
 * the one before, in a zone with DST.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "scheduler/scheduler.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		setenv("TZ", "Europe/Berlin", 1);
		tzset();
		init = 1;
	}
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	char err[ERRLEN];
	err[0] = 0;
	struct sched_cal *c = sched_cal_parse(s, err);
	if (!c) {
		if (!err[0] || strlen(err) >= ERRLEN)
			abort(); /* a refusal always says why */
	} else {
		/* starting instants around DST changes and a leap day */
		static const int64_t starts[] = { 1740781800, 1743296399, 1761438600, 1709225999 };
		int64_t t = starts[size % 4];
		for (int i = 0; i < 4; i++) {
			int64_t n = sched_cal_next(c, t);
			if (n >= 0 && n <= t)
				abort(); /* must be strictly after */
			if (n < 0)
				break;
			t = n;
		}
		char *norm = sched_cal_normalized(c);
		struct sched_cal *again = sched_cal_parse(norm, err);
		if (!again)
			abort(); /* the normalized form is itself a valid expression */
		char *norm2 = sched_cal_normalized(again);
		if (strcmp(norm, norm2) != 0)
			abort();
		free(norm2);
		free(norm);
		sched_cal_free(again);
		sched_cal_free(c);
	}
	free(s);
	return 0;
}
