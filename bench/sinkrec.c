/*
 * sinkrec — when did a sound reach the sink?  Records a PulseAudio source
 * (the null sink's monitor, "loa.monitor") as 32-bit float mono and prints,
 * with PulseAudio's own timing, the wall-clock time at which the sink
 * played each onset: the first non-zero sample after at least GAP seconds
 * of digital silence (or the first non-zero sample of the recording).
 *
 *   sinkrec [-g GAP] [-w RAW.f32] [-r READY-FILE] SOURCE
 *
 * Runs until SIGINT or SIGTERM.  Lines on stdout:
 *
 *   onset FRAME HEARD_US SPREAD_US
 *                     an onset at stream frame FRAME, played by the sink at
 *                     HEARD_US (µs since the epoch: the CLOCK_REALTIME the
 *                     daemon's slot instants use); SPREAD_US: how far the
 *                     median timing snapshot around it lies above the one used
 *   time W HEARD_US   one timing snapshot: frame W played at HEARD_US
 *   overflow          PulseAudio dropped recorded data: frames are off after it
 *
 * How the time is known.  Every 100 ms sinkrec asks the server for the
 * stream's timing info (pa_stream_update_timing_info).  The server answers
 * with its write index W (bytes of this stream it has produced), the
 * latency of the source (source_usec: captured, not yet in the stream) and,
 * the source being a monitor, the latency of the sink it monitors
 * (sink_usec: rendered by the sink, not yet played by its clock), with
 * `timestamp`, the server's gettimeofday() as it answered (one machine:
 * libpulse keeps it as it is, synchronized_clocks).  So frame W is played by
 * the sink at
 *
 *   heard(W) = timestamp + sink_usec - source_usec
 *
 * (the time pa_stream_get_time() gives a record stream on a monitor, less
 * its transport term and interpolation).  A snapshot can only err late: the
 * write index the server's main thread sees lags what the sink has
 * rendered, and the sink's latency is read before the timestamp is taken.
 * The null sink plays at a steady 48 kHz, so heard(W) - W/rate is one
 * constant plus that late error; sinkrec takes for each onset the smallest
 * of it over the snapshots within WINDOW seconds either side (a lower
 * envelope; the error is ~0-12 ms a snapshot here) and prints the median's
 * excess as SPREAD_US.  Frames are counted by sinkrec from the first byte
 * read, holes included, in the index space of W.
 */
#include <pulse/pulseaudio.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RATE 48000
#define SNAPSHOT_USEC 100000
#define WINDOW_S 2
#define MAX_SNAPS (2 * WINDOW_S * 1000000 / SNAPSHOT_USEC + 64)
#define MAX_PENDING 64

static pa_mainloop *ml;
static pa_stream *st;
static FILE *raw;
static const char *ready_path;
static int64_t frames;                /* frames read so far */
static int64_t quiet = INT64_MAX / 2; /* zero frames in a row; before the first, silence */
static int64_t gap_frames = RATE / 10;
static int failed;
/* the last snapshots: frame W and heard(W) - W / rate, in µs */
static struct {
	int64_t w, offset;
} snaps[MAX_SNAPS];
static size_t nsnaps, snap_next;
static int64_t pending[MAX_PENDING]; /* onsets waiting for the snapshots after them */
static size_t npending;

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Prints the onset at frame f from the snapshots within the window. */
static void
print_onset(int64_t f)
{
	int64_t near[MAX_SNAPS];
	size_t n = 0;
	for (size_t i = 0; i < nsnaps; i++)
		if (llabs(snaps[i].w - f) <= (int64_t)WINDOW_S * RATE && snaps[i].w > 0)
			near[n++] = snaps[i].offset;
	if (!n) {
		printf("onset %lld - -\n", (long long)f);
		return;
	}
	qsort(near, n, sizeof *near, cmp64);
	printf("onset %lld %lld %lld\n", (long long)f, (long long)(near[0] + f * 1000000 / RATE),
	       (long long)(near[n / 2] - near[0]));
}

/* Onsets whose window has passed (or all of them, at the end). */
static void
flush_onsets(int all)
{
	size_t k = 0;
	int64_t last = nsnaps ? snaps[(snap_next + MAX_SNAPS - 1) % MAX_SNAPS].w : 0;
	for (size_t i = 0; i < npending; i++) {
		if (all || last >= pending[i] + (int64_t)WINDOW_S * RATE)
			print_onset(pending[i]);
		else
			pending[k++] = pending[i];
	}
	npending = k;
	fflush(stdout);
}

static void
timing_cb(pa_stream *s, int ok, void *arg)
{
	(void)arg;
	const pa_timing_info *ti = ok ? pa_stream_get_timing_info(s) : NULL;
	if (!ti || ti->write_index_corrupt)
		return;
	int64_t w = ti->write_index / (int64_t)sizeof(float);
	int64_t heard = (int64_t)ti->timestamp.tv_sec * 1000000 + ti->timestamp.tv_usec +
			(int64_t)ti->sink_usec - (int64_t)ti->source_usec;
	printf("time %lld %lld\n", (long long)w, (long long)heard);
	if (w > 0) { /* before the sink runs, frame 0 has no time yet */
		snaps[snap_next].w = w;
		snaps[snap_next].offset = heard - w * 1000000 / RATE;
		snap_next = (snap_next + 1) % MAX_SNAPS;
		if (nsnaps < MAX_SNAPS)
			nsnaps++;
	}
	if (ready_path) {
		FILE *f = fopen(ready_path, "w");
		if (f)
			fclose(f);
		ready_path = NULL;
	}
	flush_onsets(0);
}

static void
snapshot_timer(pa_mainloop_api *api, pa_time_event *e, const struct timeval *tv, void *arg)
{
	(void)tv;
	(void)arg;
	if (pa_stream_get_state(st) == PA_STREAM_READY) {
		pa_operation *o = pa_stream_update_timing_info(st, timing_cb, NULL);
		if (o)
			pa_operation_unref(o);
	}
	struct timeval next;
	api->time_restart(e, pa_timeval_add(pa_gettimeofday(&next), SNAPSHOT_USEC));
}

static void
samples(const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (x && x[i] != 0.0f) {
			if (quiet >= gap_frames && npending < MAX_PENDING)
				pending[npending++] = frames + (int64_t)i;
			quiet = 0;
		} else {
			quiet++;
		}
	}
	frames += (int64_t)n;
}

static void
read_cb(pa_stream *s, size_t nbytes, void *arg)
{
	(void)nbytes;
	(void)arg;
	const void *data;
	size_t n;
	while (pa_stream_readable_size(s) > 0) {
		if (pa_stream_peek(s, &data, &n) < 0) {
			fprintf(stderr, "sinkrec: %s\n", pa_strerror(pa_context_errno(pa_stream_get_context(s))));
			failed = 1;
			pa_mainloop_quit(ml, 1);
			return;
		}
		if (n == 0)
			break;
		if (raw) {
			if (data) {
				fwrite(data, 1, n, raw);
			} else {
				static const char zero[4096];
				for (size_t k = 0; k < n; k += sizeof zero)
					fwrite(zero, 1, n - k < sizeof zero ? n - k : sizeof zero, raw);
			}
		}
		samples(data, n / sizeof(float));
		pa_stream_drop(s);
	}
}

static void
overflow_cb(pa_stream *s, void *arg)
{
	(void)s;
	(void)arg;
	printf("overflow\n");
	fflush(stdout);
}

static void
stream_state_cb(pa_stream *s, void *arg)
{
	(void)arg;
	if (pa_stream_get_state(s) == PA_STREAM_FAILED) {
		fprintf(stderr, "sinkrec: the stream failed: %s\n",
			pa_strerror(pa_context_errno(pa_stream_get_context(s))));
		failed = 1;
		pa_mainloop_quit(ml, 1);
	}
}

static void
context_state_cb(pa_context *c, void *arg)
{
	const char *source = arg;
	switch (pa_context_get_state(c)) {
	case PA_CONTEXT_READY: {
		static const pa_sample_spec ss = { .format = PA_SAMPLE_FLOAT32LE, .rate = RATE, .channels = 1 };
		st = pa_stream_new(c, "sinkrec", &ss, NULL);
		pa_stream_set_state_callback(st, stream_state_cb, NULL);
		pa_stream_set_read_callback(st, read_cb, NULL);
		pa_stream_set_overflow_callback(st, overflow_cb, NULL);
		pa_buffer_attr attr = { .maxlength = (uint32_t)-1, .fragsize = RATE / 50 * sizeof(float),
					.tlength = (uint32_t)-1, .prebuf = (uint32_t)-1, .minreq = (uint32_t)-1 };
		if (pa_stream_connect_record(st, source, &attr, PA_STREAM_ADJUST_LATENCY) < 0) {
			fprintf(stderr, "sinkrec: cannot record %s: %s\n", source, pa_strerror(pa_context_errno(c)));
			failed = 1;
			pa_mainloop_quit(ml, 1);
		}
		break;
	}
	case PA_CONTEXT_FAILED:
	case PA_CONTEXT_TERMINATED:
		fprintf(stderr, "sinkrec: no sound server: %s\n", pa_strerror(pa_context_errno(c)));
		failed = 1;
		pa_mainloop_quit(ml, 1);
		break;
	default:
		break;
	}
}

static void
on_signal(pa_mainloop_api *api, pa_signal_event *e, int sig, void *arg)
{
	(void)api;
	(void)e;
	(void)sig;
	(void)arg;
	pa_mainloop_quit(ml, 0);
}

int
main(int argc, char **argv)
{
	int opt;
	const char *raw_path = NULL;
	while ((opt = getopt(argc, argv, "g:w:r:")) != -1) {
		switch (opt) {
		case 'g':
			gap_frames = (int64_t)(atof(optarg) * RATE);
			break;
		case 'w':
			raw_path = optarg;
			break;
		case 'r':
			ready_path = optarg;
			break;
		default:
			fprintf(stderr, "usage: sinkrec [-g GAP-SECONDS] [-w RAW.f32] [-r READY-FILE] SOURCE\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: sinkrec [-g GAP-SECONDS] [-w RAW.f32] [-r READY-FILE] SOURCE\n");
		return 2;
	}
	if (raw_path && !(raw = fopen(raw_path, "wb"))) {
		perror(raw_path);
		return 1;
	}
	ml = pa_mainloop_new();
	pa_mainloop_api *api = pa_mainloop_get_api(ml);
	pa_signal_init(api);
	pa_signal_new(SIGINT, on_signal, NULL);
	pa_signal_new(SIGTERM, on_signal, NULL);
	pa_context *c = pa_context_new(api, "sinkrec");
	pa_context_set_state_callback(c, context_state_cb, argv[optind]);
	if (pa_context_connect(c, NULL, PA_CONTEXT_NOFLAGS, NULL) < 0) {
		fprintf(stderr, "sinkrec: no sound server: %s\n", pa_strerror(pa_context_errno(c)));
		return 1;
	}
	struct timeval tv;
	api->time_new(api, pa_timeval_add(pa_gettimeofday(&tv), SNAPSHOT_USEC), snapshot_timer, NULL);
	int ret = 0;
	pa_mainloop_run(ml, &ret);
	flush_onsets(1);
	if (st) {
		pa_stream_disconnect(st);
		pa_stream_unref(st);
	}
	pa_context_disconnect(c);
	pa_context_unref(c);
	pa_signal_done();
	pa_mainloop_free(ml);
	if (raw && fclose(raw) != 0) {
		perror(raw_path);
		failed = 1;
	}
	fprintf(stderr, "sinkrec: %lld frames recorded\n", (long long)frames);
	return failed;
}
