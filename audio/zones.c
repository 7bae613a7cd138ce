/*
 * Routing the mono programme to zones on a multichannel output: each frame
 * is written to the channels the airing is for and silence to the others,
 * in one interleaved stream, so every zone's channel stays sample-aligned
 * with the others (the sink does this on each write; see audio_sink_route()).
 */
#include <string.h>

#include "audio/audio.h"

void
audio_route_fan(const float *in, long n, int channels, uint64_t mask, float *out)
{
	for (long i = 0; i < n; i++) {
		float v = in[i];
		float *f = out + i * channels;
		for (int c = 0; c < channels; c++)
			f[c] = (mask >> c) & 1 ? v : 0.0f;
	}
}
