/*
 * Sinks behind one ops table: PortAudio (the amplifier), a WAV file (for a
 * box without a sound card, and for tests; paced in real time if asked), and
 * null.  Each says how long its output latency is, so callers can tell when
 * a sample actually leaves.
 */
#include <alsa/asoundlib.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <portaudio.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"

/* A write that makes no progress for this long means the device is gone. */
#define STALL_MS 2000
#define PREFILL_S 0.25

struct sink_ops {
	const char *name;
	int (*open)(struct audio_sink *s, const struct audio_sink_opts *o, char *err);
	int (*write)(struct audio_sink *s, const float *buf, long n, char *err);
	int (*close)(struct audio_sink *s, char *err);
};

struct audio_sink {
	const struct sink_ops *ops;
	int rate;
	double latency;
	/* wav */
	struct audio_writer *w;
	int pace;
	struct timespec t0;
	int64_t frames;
	/* portaudio */
	PaStream *pa;
	long underflows; /* writes that found the device had run dry */
	int channels;   /* opened with (1: mono) */
	uint64_t route; /* channels what is written goes to (audio_sink_route()); 0: all */
	float *fan;     /* AUDIO_BLOCK interleaved frames, when channels > 1 */
	audio_tee_fn tee; /* audio_sink_tee() */
	void *tee_arg;
};

static void
sleep_until_frames(struct audio_sink *s)
{
	/* pace: the n-th frame may be written when n / rate seconds have passed */
	struct timespec due = s->t0;
	int64_t ns = s->frames * 1000000000LL / s->rate;
	due.tv_sec += (time_t)(ns / 1000000000LL);
	due.tv_nsec += (long)(ns % 1000000000LL);
	if (due.tv_nsec >= 1000000000L) {
		due.tv_sec++;
		due.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR)
		;
}

/* ---- wav ---- */

static int
wav_open(struct audio_sink *s, const struct audio_sink_opts *o, char *err)
{
	if (!o->wav_path) {
		err_set(err, _("The wav output needs audio.wav_path."));
		return -1;
	}
	s->w = audio_writer_open(o->wav_path, o->rate, AUDIO_WAV16, err);
	s->pace = o->pace;
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	return s->w ? 0 : -1;
}

static int
wav_write(struct audio_sink *s, const float *buf, long n, char *err)
{
	if (s->pace && s->frames)
		sleep_until_frames(s);
	if (audio_writer_write(s->w, buf, n, err) < 0)
		return -1;
	s->frames += n;
	return 0;
}

static int
wav_close(struct audio_sink *s, char *err)
{
	if (s->pace)
		sleep_until_frames(s);
	return audio_writer_close(s->w, 0, err);
}

/* ---- null ---- */

static int
null_open(struct audio_sink *s, const struct audio_sink_opts *o, char *err)
{
	return 0;
}

static int
null_write(struct audio_sink *s, const float *buf, long n, char *err)
{
	return 0;
}

static int
null_close(struct audio_sink *s, char *err)
{
	return 0;
}

/* ---- portaudio ---- */

/*
 * PortAudio's probing of ALSA and JACK prints to stderr, and so does its
 * ALSA back end when a device fails ("Expression '...' failed in ...").
 * Around its calls fd 2 goes into a pipe; afterwards what came through is
 * passed on, except that noise: lines of ours (and of other threads, which
 * may write in the meantime) are only delayed, never lost.  While probing
 * (quiet_begin(1)) only lines that look like ours pass.  LOAXA_AUDIO_DEBUG=1
 * passes everything.
 */
static pthread_mutex_t quiet_lock = PTHREAD_MUTEX_INITIALIZER;
static int quiet_fd = -1, quiet_pipe[2] = { -1, -1 }, quiet_probing;

static void
quiet_begin(int probing)
{
	pthread_mutex_lock(&quiet_lock);
	if (quiet_pipe[0] < 0 && pipe2(quiet_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		quiet_pipe[0] = quiet_pipe[1] = -1;
		return;
	}
	fflush(stderr);
	quiet_fd = dup(2);
	if (quiet_fd >= 0)
		dup2(quiet_pipe[1], 2);
	quiet_probing = probing;
}

static int
is_noise(const char *line, int probing)
{
	static const char *const noise[] = {
		"ALSA lib ", "Expression '", "Cannot connect to server", "jack server",
		"JackShm", "Jack", "PaAlsa", "pa_linux_alsa", "bt_audio_service_open",
	};
	if (getenv("LOAXA_AUDIO_DEBUG"))
		return 0;
	if (strncmp(line, "loaxa", 5) == 0 || (line[0] == '<' && line[1] >= '0' && line[1] <= '7'))
		return 0;
	if (probing)
		return 1;
	for (size_t i = 0; i < ARRAY_LEN(noise); i++)
		if (strstr(line, noise[i]))
			return 1;
	return 0;
}

static void
quiet_end(void)
{
	if (quiet_pipe[0] < 0) {
		pthread_mutex_unlock(&quiet_lock);
		return;
	}
	if (quiet_fd >= 0) {
		dup2(quiet_fd, 2);
		close(quiet_fd);
		quiet_fd = -1;
	}
	char buf[4096];
	struct sbuf b = { 0 };
	ssize_t n;
	while ((n = read(quiet_pipe[0], buf, sizeof buf)) > 0)
		sbuf_add(&b, buf, (size_t)n);
	for (char *line = b.s; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
		char save = line[len];
		line[len] = 0;
		if (!is_noise(line, quiet_probing) && write(2, line, len) < 0)
			break;
		line[len] = save;
		line += len;
	}
	sbuf_free(&b);
	pthread_mutex_unlock(&quiet_lock);
}

/*
 * PortAudio is initialised once per process: probing the host APIs takes
 * long enough to make a programme late, so a daemon keeps it up.
 * audio_devices() re-initialises, to see devices plugged in since.
 */
static int pa_up;
static int pa_open_sinks; /* PortAudio streams open, sinks and captures (audio_release() waits for none) */

static void
pa_down(void)
{
	if (pa_up)
		Pa_Terminate();
	pa_up = 0;
}

/*
 * ALSA's own messages (an underrun, a server that went away) are noise to an
 * operator: PortAudio's return codes carry the failure into our sentence.
 * LOAXA_AUDIO_DEBUG=1 lets them through.
 */
static void
alsa_quiet(const char *file, int line, const char *fn, int e, const char *fmt, ...)
{
}

static int
pa_init(char *err)
{
	if (pa_up)
		return 0;
	if (!getenv("LOAXA_AUDIO_DEBUG"))
		snd_lib_error_set_handler(alsa_quiet);
	/* never start a JACK server just to look for devices */
	setenv("JACK_NO_START_SERVER", "1", 0);
	quiet_begin(1);
	PaError e = Pa_Initialize();
	quiet_end();
	if (e != paNoError) {
		err_set(err, _("Cannot start the sound system (PortAudio): %s."), Pa_GetErrorText(e));
		return -1;
	}
	if (!pa_up++)
		atexit(pa_down);
	pa_up = 1;
	return 0;
}

static void
list_devices(struct sbuf *b)
{
	int n = Pa_GetDeviceCount();
	int shown = 0;
	for (int i = 0; i < n; i++) {
		const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
		if (!d || d->maxOutputChannels < 1)
			continue;
		sbuf_addf(b, "%s%d \"%s\"", shown++ ? ", " : "", i, d->name);
	}
	if (!shown)
		sbuf_adds(b, _("none"));
}

/* An output device (or, input: a capture device) by index, name or part of its name. */
static PaDeviceIndex
find_device(const char *want, int input)
{
	if (!want || !*want || strcmp(want, "default") == 0)
		return input ? Pa_GetDefaultInputDevice() : Pa_GetDefaultOutputDevice();
	int n = Pa_GetDeviceCount();
	char *end;
	long idx = strtol(want, &end, 10);
#define CHANNELS(d) (input ? (d)->maxInputChannels : (d)->maxOutputChannels)
	if (!*end && idx >= 0 && idx < n) {
		const PaDeviceInfo *d = Pa_GetDeviceInfo((PaDeviceIndex)idx);
		return d && CHANNELS(d) > 0 ? (PaDeviceIndex)idx : paNoDevice;
	}
	for (int i = 0; i < n; i++) {
		const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
		if (d && CHANNELS(d) > 0 && strcmp(d->name, want) == 0)
			return i;
	}
	for (int i = 0; i < n; i++) {
		const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
		if (d && CHANNELS(d) > 0 && strstr(d->name, want))
			return i;
	}
#undef CHANNELS
	return paNoDevice;
}

static int pa_write(struct audio_sink *s, const float *buf, long n, char *err);
static void pa_free(struct audio_sink *s);

static int
pa_open(struct audio_sink *s, const struct audio_sink_opts *o, char *err)
{
	if (pa_init(err) < 0)
		return -1;
	quiet_begin(1);
	PaDeviceIndex dev = find_device(o->device, 0);
	if (dev == paNoDevice && !pa_open_sinks) {
		/* plugged in since PortAudio last looked? look again (not under an open stream) */
		quiet_end();
		pa_down();
		if (pa_init(err) < 0)
			return -1;
		quiet_begin(1);
		dev = find_device(o->device, 0);
	}
	if (dev == paNoDevice) {
		quiet_end();
		struct sbuf b = { 0 };
		list_devices(&b);
		if (o->device)
			err_set(err, _("The audio device \"%s\" is not there; PortAudio sees: %s."),
				o->device, b.s);
		else
			err_set(err, _("There is no default audio device; PortAudio sees: %s."), b.s);
		sbuf_free(&b);
		return -1;
	}
	const PaDeviceInfo *di = Pa_GetDeviceInfo(dev);
	s->channels = o->channels > 1 ? o->channels : 1;
	if (s->channels > di->maxOutputChannels) {
		quiet_end();
		err_set(err, _("The audio device \"%s\" has %d output channels, fewer than the %d the zones need (audio.channels and the zones' channel)."),
			di->name, di->maxOutputChannels, s->channels);
		return -1;
	}
	if (s->channels > 1)
		s->fan = xcalloc((size_t)AUDIO_BLOCK * (size_t)s->channels, sizeof *s->fan);
	PaStreamParameters p = {
		.device = dev,
		.channelCount = s->channels,
		.sampleFormat = paFloat32,
		.suggestedLatency = di->defaultLowOutputLatency,
	};
	PaError e = Pa_OpenStream(&s->pa, NULL, &p, o->rate, AUDIO_BLOCK, paClipOff, NULL, NULL);
	if (e == paNoError)
		e = Pa_StartStream(s->pa);
	quiet_end();
	if (e != paNoError) {
		pa_free(s);
		err_set(err, _("Cannot open the audio device \"%s\" at %d Hz: %s."), di->name, o->rate,
			Pa_GetErrorText(e));
		quiet_begin(0);
		if (s->pa)
			Pa_CloseStream(s->pa);
		quiet_end();
		s->pa = NULL;
		return -1;
	}
	pa_open_sinks++;
	const PaStreamInfo *si = Pa_GetStreamInfo(s->pa);
	s->latency = si ? si->outputLatency : 0;
	/*
	 * A fresh stream drops its first ~100 ms on some back ends (ALSA's pulse
	 * plugin): start it with silence, so that what we write next is heard.
	 */
	float zero[AUDIO_BLOCK] = { 0 };
	long lead = (long)(PREFILL_S * o->rate);
	s->rate = o->rate;
	while (lead > 0) {
		if (pa_write(s, zero, lead < AUDIO_BLOCK ? lead : AUDIO_BLOCK, err) < 0) {
			quiet_begin(0);
			Pa_CloseStream(s->pa);
			quiet_end();
			s->pa = NULL;
			pa_open_sinks--;
			pa_free(s);
			return -1;
		}
		lead -= AUDIO_BLOCK;
	}
	return 0;
}

static int64_t
mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Writes only what the device has room for, so that a device that went away
 * cannot block us: no progress for STALL_MS is an error.  buf holds n
 * frames of s->channels samples.
 */
static int
pa_write_frames(struct audio_sink *s, const float *buf, long n, char *err)
{
	int64_t last = mono_ms();
	while (n > 0) {
		quiet_begin(0);
		signed long room = Pa_GetStreamWriteAvailable(s->pa);
		quiet_end();
		if (room < 0) {
			err_set(err, _("The audio device failed: %s."), Pa_GetErrorText((PaError)room));
			return -1;
		}
		if (room == 0) {
			if (mono_ms() - last > STALL_MS) {
				err_set(err, _("The audio device stopped taking sound (no progress for %d s); is it unplugged or its sound server down?"),
					STALL_MS / 1000);
				return -1;
			}
			struct timespec ts = { 0, 2000000 };
			nanosleep(&ts, NULL);
			continue;
		}
		long k = room < n ? room : n;
		quiet_begin(0);
		PaError e = Pa_WriteStream(s->pa, buf, (unsigned long)k);
		quiet_end();
		if (e != paNoError && e != paOutputUnderflowed) {
			err_set(err, _("The audio device failed: %s."), Pa_GetErrorText(e));
			return -1;
		}
		s->underflows += e == paOutputUnderflowed;
		buf += k * s->channels;
		n -= k;
		last = mono_ms();
	}
	return 0;
}

/* Mono in: fanned out to the route's channels on a multichannel stream. */
static int
pa_write(struct audio_sink *s, const float *buf, long n, char *err)
{
	if (s->channels == 1)
		return pa_write_frames(s, buf, n, err);
	uint64_t mask = s->route ? s->route : ~(uint64_t)0;
	while (n > 0) {
		long k = n < AUDIO_BLOCK ? n : AUDIO_BLOCK;
		audio_route_fan(buf, k, s->channels, mask, s->fan);
		if (pa_write_frames(s, s->fan, k, err) < 0)
			return -1;
		buf += k;
		n -= k;
	}
	return 0;
}

static void
pa_free(struct audio_sink *s)
{
	free(s->fan);
	s->fan = NULL;
}

static int
pa_close(struct audio_sink *s, char *err)
{
	int rc = 0;
	if (s->pa) {
		/* some back ends (ALSA's pulse plugin) drop the last period on stop */
		char e2[ERRLEN];
		audio_sink_play_out(s, e2);
		quiet_begin(0);
		PaError e = Pa_StopStream(s->pa);
		Pa_CloseStream(s->pa);
		quiet_end();
		pa_open_sinks--;
		pa_free(s);
		if (e != paNoError && e != paStreamIsStopped) {
			err_set(err, _("The audio device failed while finishing: %s."), Pa_GetErrorText(e));
			rc = -1;
		}
	}
	return rc;
}

static const struct sink_ops sinks[] = {
	{ .name = "portaudio", .open = pa_open, .write = pa_write, .close = pa_close },
	{ .name = "wav", .open = wav_open, .write = wav_write, .close = wav_close },
	{ .name = "null", .open = null_open, .write = null_write, .close = null_close },
};

struct audio_sink *
audio_sink_open(const struct audio_sink_opts *o, char *err)
{
	const struct sink_ops *ops = NULL;
	for (size_t i = 0; i < ARRAY_LEN(sinks); i++)
		if (o->output && strcmp(o->output, sinks[i].name) == 0)
			ops = &sinks[i];
	if (!ops) {
		err_set(err, _("Unknown audio output \"%s\"; use portaudio, wav or null."),
			o->output ? o->output : "");
		return NULL;
	}
	struct audio_sink *s = xcalloc(1, sizeof *s);
	s->ops = ops;
	s->rate = o->rate;
	if (ops->open(s, o, err) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

int
audio_sink_write(struct audio_sink *s, const float *buf, long n, char *err)
{
	if (s->ops->write(s, buf, n, err) < 0)
		return -1;
	if (s->tee)
		s->tee(s->tee_arg, buf, n);
	return 0;
}

void
audio_sink_tee(struct audio_sink *s, audio_tee_fn fn, void *arg)
{
	s->tee = fn;
	s->tee_arg = arg;
}

void
audio_sink_route(struct audio_sink *s, uint64_t channel_mask)
{
	s->route = channel_mask;
}

long
audio_sink_room(const struct audio_sink *s)
{
	if (!s->pa)
		return AUDIO_BLOCK;
	quiet_begin(0);
	signed long n = Pa_GetStreamWriteAvailable(s->pa);
	quiet_end();
	return n < 0 ? AUDIO_BLOCK : n; /* an error shows on the next write */
}

int
audio_sink_realtime(const struct audio_sink *s)
{
	return s->pa != NULL || (s->w && s->pace);
}

double
audio_sink_latency(const struct audio_sink *s)
{
	return s->latency;
}

int
audio_sink_play_out(struct audio_sink *s, char *err)
{
	if (!s->pa)
		return 0; /* a file holds what was written once the write returns */
	/*
	 * The device takes more only as it plays what it holds: once a buffer's
	 * worth of silence (and a margin) went in after the sound, the sound
	 * has left it.
	 */
	static const float zero[AUDIO_BLOCK];
	long tail = (long)((s->latency + 0.1) * s->rate);
	for (; tail > 0; tail -= AUDIO_BLOCK)
		if (pa_write(s, zero, tail < AUDIO_BLOCK ? tail : AUDIO_BLOCK, err) < 0)
			return -1;
	return 0;
}

long
audio_sink_underflows(const struct audio_sink *s)
{
	return s->underflows;
}

int
audio_sink_close(struct audio_sink *s, char *err)
{
	if (!s)
		return 0;
	int rc = s->ops->close(s, err);
	free(s);
	return rc;
}

void
audio_release(void)
{
	if (pa_open_sinks)
		return;
	quiet_begin(0);
	pa_down();
	quiet_end();
	/* what the ALSA plugins' libraries left in this thread's arena */
	malloc_trim(0);
}

void
audio_sink_discard(struct audio_sink *s)
{
	if (!s)
		return;
	if (!s->pa) {
		audio_sink_close(s, NULL);
		return;
	}
	quiet_begin(0);
	Pa_AbortStream(s->pa);
	Pa_CloseStream(s->pa);
	quiet_end();
	pa_open_sinks--;
	pa_free(s);
	free(s);
}

/*
 * A capture stream (line-in, issue 14) on the PortAudio this file keeps:
 * mono float at the rate asked, each block handed to cb on PortAudio's
 * thread.  Counted with the sinks, so audio_release() leaves PortAudio up
 * while one is open.  Open and close it on the thread that opens sinks.
 */
struct audio_capture {
	PaStream *pa;
	audio_capture_cb cb;
	void *arg;
};

static int
capture_cb(const void *in, void *out, unsigned long n, const PaStreamCallbackTimeInfo *ti,
	   PaStreamCallbackFlags flags, void *arg)
{
	struct audio_capture *c = arg;
	if (in)
		c->cb((const float *)in, (long)n, c->arg);
	return paContinue;
}

struct audio_capture *
audio_capture_open(const char *device, int rate, audio_capture_cb cb, void *arg, char *err)
{
	if (pa_init(err) < 0)
		return NULL;
	quiet_begin(1);
	PaDeviceIndex dev = find_device(device, 1);
	if (dev == paNoDevice) {
		quiet_end();
		err_set(err, AUDIO_INPUT_MISSING, device ? device : "default");
		return NULL;
	}
	const PaDeviceInfo *di = Pa_GetDeviceInfo(dev);
	PaStreamParameters p = {
		.device = dev,
		.channelCount = 1,
		.sampleFormat = paFloat32,
		.suggestedLatency = di->defaultLowInputLatency,
	};
	struct audio_capture *c = xcalloc(1, sizeof *c);
	c->cb = cb;
	c->arg = arg;
	PaError e = Pa_OpenStream(&c->pa, &p, NULL, rate, AUDIO_BLOCK, paClipOff, capture_cb, c);
	if (e == paNoError)
		e = Pa_StartStream(c->pa);
	quiet_end();
	if (e != paNoError) {
		err_set(err, AUDIO_INPUT_UNOPENED, di->name, rate,
			Pa_GetErrorText(e));
		quiet_begin(0);
		if (c->pa)
			Pa_CloseStream(c->pa);
		quiet_end();
		free(c);
		return NULL;
	}
	pa_open_sinks++;
	return c;
}

void
audio_capture_close(struct audio_capture *c)
{
	if (!c)
		return;
	quiet_begin(0);
	Pa_AbortStream(c->pa);
	Pa_CloseStream(c->pa);
	quiet_end();
	pa_open_sinks--;
	free(c);
}

/*
 * Whether an input device is there, looked up as audio_capture_open()
 * does (after looking again, for one plugged in since).  For a process
 * that owns no stream (loaxa live asks before the daemon opens it).
 */
int
audio_input_check(const char *device, char *err)
{
	if (!pa_open_sinks)
		pa_down();
	if (pa_init(err) < 0)
		return -1;
	quiet_begin(1);
	PaDeviceIndex dev = find_device(device, 1);
	quiet_end();
	if (dev == paNoDevice) {
		err_set(err, _(AUDIO_INPUT_MISSING), device ? device : "default");
		return -1;
	}
	return 0;
}

/* Output devices (input 0) or input devices (input 1), as PortAudio sees them now. */
static int
list_some(int input, audio_device_cb cb, void *arg, char *err)
{
	pa_down();
	if (pa_init(err) < 0)
		return -1;
	quiet_begin(1);
	int n = Pa_GetDeviceCount();
	PaDeviceIndex def = input ? Pa_GetDefaultInputDevice() : Pa_GetDefaultOutputDevice();
	quiet_end();
	for (int i = 0; i < n; i++) {
		const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
		int ch = d ? (input ? d->maxInputChannels : d->maxOutputChannels) : 0;
		if (ch > 0)
			cb(i, d->name, ch, d->defaultSampleRate, i == def, arg);
	}
	return 0;
}

int
audio_devices(audio_device_cb cb, void *arg, char *err)
{
	return list_some(0, cb, arg, err);
}

int
audio_input_devices(audio_device_cb cb, void *arg, char *err)
{
	return list_some(1, cb, arg, err);
}
