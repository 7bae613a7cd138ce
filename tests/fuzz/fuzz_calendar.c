/* libFuzzer target: calendar expressions, and the next instants of what parses. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "scheduler/scheduler.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	char err[ERRLEN];
	struct sched_cal *c = sched_cal_parse(s, err);
	if (c) {
		int64_t t = 1740781800;
		for (int i = 0; i < 3 && t >= 0; i++)
			t = sched_cal_next(c, t);
		free(sched_cal_normalized(c));
		sched_cal_free(c);
	}
	free(s);
	return 0;
}
