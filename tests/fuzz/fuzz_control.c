/* libFuzzer target: the daemon's control-socket request parser. */
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "daemon/control.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct control_req r;
	char err[ERRLEN];
	control_parse((const char *)data, size, &r, err);
	return 0;
}
