/*
 * A second-order high-pass (RBJ's cookbook biquad, Butterworth Q), private
 * to audio/: the programme's output stage (audio.highpass_hz) and the live
 * microphone (live.highpass_hz, in the relay) use it.  One biquad is all a
 * high-pass for horn loudspeakers needs; no library does it better.
 */
#ifndef LOAXA_AUDIO_BIQUAD_H
#define LOAXA_AUDIO_BIQUAD_H

#include <math.h>

struct biquad {
	double b0, b1, b2, a1, a2, x1, x2, y1, y2;
};

/* A high-pass at fc Hz (0 < fc < rate / 2), its state cleared. */
static inline void
highpass_init(struct biquad *q, double fc, int rate)
{
	double w = 2 * M_PI * fc / rate, cw = cos(w), alpha = sin(w) / (2 * M_SQRT1_2);
	double a0 = 1 + alpha;
	q->b0 = (1 + cw) / 2 / a0;
	q->b1 = -(1 + cw) / a0;
	q->b2 = (1 + cw) / 2 / a0;
	q->a1 = -2 * cw / a0;
	q->a2 = (1 - alpha) / a0;
	q->x1 = q->x2 = q->y1 = q->y2 = 0;
}

static inline float
biquad_run(struct biquad *q, float x)
{
	double y = q->b0 * x + q->b1 * q->x1 + q->b2 * q->x2 - q->a1 * q->y1 - q->a2 * q->y2;
	q->x2 = q->x1;
	q->x1 = x;
	q->y2 = q->y1;
	q->y1 = y;
	return (float)y;
}

#endif
