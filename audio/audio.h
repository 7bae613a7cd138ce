/*
 * audio — the sound path: decoding any file libsndfile reads (downmixed to
 * mono, resampled with libsoxr), loudness and true peak (libebur128), writing
 * WAV and FLAC, the programme mixer (gain to the loudness target, fades,
 * crossfades, gaps, a music bed ducked under speech, high-pass, true-peak
 * limiter) and the sinks (PortAudio, WAV file, null) behind one ops table.
 *
 * The internal signal is 32-bit float mono in blocks of AUDIO_BLOCK frames;
 * nothing holds a whole programme in memory.
 */
#ifndef LOAXA_AUDIO_H
#define LOAXA_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#define AUDIO_BLOCK 1024

/* ---- files ---- */

struct audio_info {
	double duration_s;
	int sample_rate, channels;
	int64_t frames;
	double lufs;         /* integrated loudness, EBU R128, at the file's rate; -70 for silence */
	double true_peak_db; /* dBTP */
	char sha256[65];     /* of the file's bytes */
};

/*
 * Decodes the whole file once (streaming) and measures it.  Errors name the
 * file and say what is wrong with it (missing, a directory, empty, not audio,
 * damaged or cut short, no frames, an unusable sample rate or channel count).
 */
int audio_probe(const char *path, struct audio_info *out, char *err);

/* A file decoded, downmixed to mono and resampled to `rate`, read in blocks. */
struct audio_src;
struct audio_src *audio_src_open(const char *path, int rate, char *err);
/* Up to n frames into buf; 0 at the end; -1 with err on a decoding error. */
long audio_src_read(struct audio_src *s, float *buf, long n, char *err);
/* Frames at the output rate (estimated from the source length). */
int64_t audio_src_frames(const struct audio_src *s);
void audio_src_close(struct audio_src *s);

enum audio_format { AUDIO_WAV16, AUDIO_WAV_FLOAT, AUDIO_FLAC };
enum {
	AUDIO_WRITE_DURABLE = 1, /* fsync before the rename: whole after a power cut, or not there */
	AUDIO_WRITE_FAST = 2,    /* FLAC at level 0: a third of the CPU of level 5, 20 % more disk */
};
/*
 * Writes float mono at rate (16-bit: rounded and clipped); written to a
 * temporary name beside path and renamed on close.  flags: AUDIO_WRITE_*.
 */
struct audio_writer;
struct audio_writer *audio_writer_open(const char *path, int rate, enum audio_format fmt, char *err);
struct audio_writer *audio_writer_open_ex(const char *path, int rate, enum audio_format fmt,
					  int flags, char *err);
int audio_writer_write(struct audio_writer *w, const float *buf, long n, char *err);
int64_t audio_writer_frames(const struct audio_writer *w);
/*
 * AUDIO_WAV16 only, before closing: multiplies what was written by gain_db
 * in place (on two threads when long), reads n frames at frame `at` back
 * (returns how many), forgets everything written (to write it again).
 */
int audio_writer_scale(struct audio_writer *w, double gain_db, char *err);
long audio_writer_read(struct audio_writer *w, int64_t at, float *buf, long n, char *err);
int audio_writer_rewind(struct audio_writer *w, char *err);
/* Finishes and renames into place; with abort, removes the temporary file. */
int audio_writer_close(struct audio_writer *w, int abort, char *err);

/* Loudness (and true peak) of a mono stream. */
struct audio_meter;
/* Integrated loudness and true peak; short sounds measured as they are. */
struct audio_meter *audio_meter_new(int rate);
/*
 * Integrated loudness, and the true peak when true_peak (three times the
 * cost).  A sound shorter than min_s (0: none) is measured looped to
 * min_s, as a listener hears a short beep: EBU R128 gates 400 ms blocks.
 */
struct audio_meter *audio_meter_open(int rate, int true_peak, double min_s);
void audio_meter_add(struct audio_meter *m, const float *buf, long n);
void audio_meter_add_s16(struct audio_meter *m, const short *buf, long n);
double audio_meter_lufs(struct audio_meter *m);
double audio_meter_true_peak_db(struct audio_meter *m);
void audio_meter_free(struct audio_meter *m);

/* Streaming sample-rate conversion, mono float (libsoxr). */
struct audio_resampler;
struct audio_resampler *audio_resampler_new(int in_rate, int out_rate, char *err);
/* Converts n input frames (NULL, 0 to flush); returns output frames written (≤ cap). */
long audio_resample(struct audio_resampler *r, const float *in, long n, float *out, long cap);
void audio_resampler_free(struct audio_resampler *r);

/*
 * A capture stream from an input device (index, name or part of it; NULL
 * or "default": the default input), mono float at rate; cb gets each block
 * on PortAudio's thread.  NULL with err set when the device is not there or
 * will not open.  audio/sink.c: the one owner of PortAudio.
 */
typedef void (*audio_capture_cb)(const float *in, long n, void *arg);
struct audio_capture;
struct audio_capture *audio_capture_open(const char *device, int rate, audio_capture_cb cb,
					 void *arg, char *err);
void audio_capture_close(struct audio_capture *c);
/* 0 when the input device (as audio_capture_open() takes it) is there; -1 with err (translated). */
int audio_input_check(const char *device, char *err);
/*
 * Why audio_capture_open() failed, as msgids: its err is one of these,
 * untranslated, because a relay's row keeps it (report_reason() shows it
 * in the reader's language).
 */
#define AUDIO_INPUT_MISSING N_("the input device \"%s\" is not there")
#define AUDIO_INPUT_UNOPENED N_("cannot open the input device \"%s\" at %d Hz: %s")

/* ---- relaying a network stream or line-in (audio/relay.c) ---- */

struct audio_relay_opts {
	const char *url;         /* http:// or https://, MP3 or Ogg Vorbis/Opus; NULL: line-in */
	const char *device;      /* line-in (url NULL): the input device, NULL: default */
	int rate;                /* the output rate */
	double target_lufs;      /* what the running gain aims at */
	double silence_s;        /* quiet or gone this long is dead air (0: 10 s) */
	const char *fallback;    /* file looped on dead air, or NULL: silence */
	double fallback_gain_db; /* its gain (to the target) */
	double highpass_hz;      /* a high-pass on what comes in, before levelling (0: none) */
};

/*
 * Starts connecting at once, on a thread of its own, and keeps the last few
 * seconds ready (connect it before its instant); never NULL.  Re-connects
 * with back-off when the connection drops, until dead air is declared.
 */
struct audio_relay;
struct audio_relay *audio_relay_open(const struct audio_relay_opts *o);
/*
 * Exactly n frames (n at most AUDIO_BLOCK), never blocking: the stream
 * levelled toward the target, silence while it is late, the fallback once
 * dead air was declared.  From one thread only.
 */
long audio_relay_read(struct audio_relay *r, float *buf, long n);

struct audio_relay_report {
	int dead;            /* dead air was declared: the fallback played from then */
	int64_t dead_at_ms;  /* when the signal was last heard */
	double gain_db;      /* the running gain at the end */
	char reason[600];    /* "relay signal lost at 06:12:31: ..." */
};
void audio_relay_report(struct audio_relay *r, struct audio_relay_report *out);
/*
 * The reasons a relay gives, kept in English (the catalogue's msgids) so
 * that the log reads the same whatever the daemon's locale; each reader
 * sees them translated (report_reason(), which knows these patterns).
 */
#define AUDIO_RELAY_LOST N_("relay signal lost at %s: %s")
#define AUDIO_RELAY_DECODER N_("the MP3 decoder failed: %s")
#define AUDIO_RELAY_FORMAT N_("the stream has an unusable format (%ld Hz, %d channels)")
#define AUDIO_RELAY_NOT_MP3 N_("%zu bytes came but not one MP3 frame: the address does not send MP3 audio")
#define AUDIO_RELAY_WEB_PAGE N_("the address returns a web page (%s), not an audio stream")
#define AUDIO_RELAY_UNSUPPORTED N_("the stream is %s, which loaxa cannot relay: use an MP3 or Ogg (Vorbis, Opus) mount of the station")
#define AUDIO_RELAY_NOT_OGG N_("%zu bytes came but not one Ogg page: the address does not send the Ogg audio it announces")
#define AUDIO_RELAY_OGG_CODEC N_("the Ogg stream carries %s, not Vorbis or Opus: use an MP3 or Ogg (Vorbis, Opus) mount of the station")
#define AUDIO_RELAY_OGG_HEADERS N_("the %s headers at the start of the Ogg stream are damaged")
#define AUDIO_RELAY_OGG_SILENT N_("%zu bytes of Ogg came but no audio could be decoded from them")
#define AUDIO_RELAY_RESOLVE N_("the host name of %s does not resolve")
#define AUDIO_RELAY_CONNECT N_("could not connect to %s (refused or unreachable)")
#define AUDIO_RELAY_STALLED N_("%s sent nothing for 3 seconds")
#define AUDIO_RELAY_NOTHING N_("%s closed the connection without answering")
#define AUDIO_RELAY_BROKE N_("the connection to %s broke")
#define AUDIO_RELAY_HTTP N_("%s answered HTTP %ld (%s)")
#define AUDIO_RELAY_PATTERNS                                                                   \
	AUDIO_RELAY_LOST, AUDIO_RELAY_DECODER, AUDIO_RELAY_FORMAT, AUDIO_RELAY_NOT_MP3,         \
		AUDIO_RELAY_WEB_PAGE, AUDIO_RELAY_UNSUPPORTED, AUDIO_RELAY_NOT_OGG,              \
		AUDIO_RELAY_OGG_CODEC, AUDIO_RELAY_OGG_HEADERS, AUDIO_RELAY_OGG_SILENT,          \
		AUDIO_RELAY_RESOLVE, AUDIO_RELAY_CONNECT, AUDIO_RELAY_STALLED, AUDIO_RELAY_NOTHING, \
		AUDIO_RELAY_BROKE, AUDIO_RELAY_HTTP, AUDIO_INPUT_MISSING, AUDIO_INPUT_UNOPENED
void audio_relay_close(struct audio_relay *r);

/*
 * A stream's bytes decoded as they arrive, in any split (audio/relay.c):
 * the format is told by the first bytes ("OggS") or else the Content-Type
 * (MP3 when it says nothing), Ogg streams may chain (a new logical stream,
 * Vorbis or Opus, whenever the source restarts).  What decodes goes to fn,
 * interleaved float at the stream's own rate and channels (they may change
 * at a chain's link).  new() is NULL with err for a web page or a format
 * loaxa does not decode; feed() is -1 with err (an AUDIO_RELAY_* sentence)
 * when the bytes cannot be decoded.
 */
typedef void (*audio_decoded_fn)(const float *pcm, size_t frames, long rate, int channels,
				 void *arg);
struct audio_decoder;
struct audio_decoder *audio_decoder_new(const char *content_type, audio_decoded_fn fn, void *arg,
					char *err);
int audio_decoder_feed(struct audio_decoder *d, const unsigned char *in, size_t n, char *err);
/* "MP3", "Ogg Vorbis", "Ogg Opus"; NULL before the first bytes told. */
const char *audio_decoder_format(const struct audio_decoder *d);
void audio_decoder_free(struct audio_decoder *d);
/* ---- the recording of a live announcement (audio/record.c) ---- */

/*
 * Records what goes to the device into a 16-bit mono WAV at path, written
 * under path.part and renamed to path by audio_record_close(); its folder
 * is made.  NULL with err when it cannot be created.
 */
struct audio_record;
/*
 * What audio_record_open() and audio_record_close() put in err, as msgids:
 * untranslated, because the airing's row keeps it (report_reason() shows it
 * in the reader's language).  No "; " in them: that separates reasons.
 */
#define AUDIO_RECORD_UNOPENED N_("Cannot record the live announcement into %s: %s.")
#define AUDIO_RECORD_STOPPED N_("The recording %s stopped (%s): what aired before that is kept in it.")
#define AUDIO_RECORD_UNFINISHED N_("Cannot finish the recording %s: %s.")
#define AUDIO_RECORD_PATTERNS AUDIO_RECORD_UNOPENED, AUDIO_RECORD_STOPPED, AUDIO_RECORD_UNFINISHED
struct audio_record *audio_record_open(const char *path, int rate, char *err);
/* Appends n frames; never blocks for long (a write that fails stops it, said at close). */
void audio_record_write(struct audio_record *r, const float *buf, long n);
int64_t audio_record_frames(const struct audio_record *r);
/*
 * Finishes the header and renames it to its path (also after a write
 * failed: what aired until then is kept); -1 with err when something
 * went wrong.  Frees r; NULL is fine.
 */
int audio_record_close(struct audio_record *r, char *err);
/*
 * At start: each PATH.part in dir (a recording a kill cut) gets its header
 * from its length and becomes PATH; cb hears of each with its seconds.
 * -1 with err for one that could not be (the others are still done).
 */
typedef void (*audio_record_recover_cb)(void *arg, const char *path, double seconds);
int audio_record_recover(const char *dir, audio_record_recover_cb cb, void *arg, char *err);

/* ---- the programme mixer ---- */

/*
 * Two ways in.  audio_mix_new() plays segments the caller has laid out
 * (offsets given); audio_mix_programme() lays out a list of items itself
 * (gaps, crossfades) and gains each to the loudness target.  Both stream:
 * a file is open only while it sounds, so memory is flat however long the
 * programme.  Either way audio_mix_timeline() says where each one sounds.
 */
struct audio_seg {
	const char *path;  /* NULL: silence of silence_s */
	double silence_s;
	double gain_db;    /* total gain: to the target, plus the item's own */
	double fade_in, fade_out;
	double offset_s;   /* where it starts in the programme */
	double length_s;   /* how long it sounds (its file's length, or the silence) */
	int bed;           /* index into beds, or -1 */
	int speech;        /* ducks the bed */
	struct audio_relay *relay; /* a relay plays here instead of path (not owned) */
};

struct audio_bed {
	const char *path;
	double gain_db;    /* to the target */
	double duck_db;    /* under speech */
	double from_s, until_s;
};

struct audio_mix_opts {
	int rate;
	double highpass_hz; /* 0: off */
	double ceiling_dbtp;
	double duck_attack, duck_release;
	/*
	 * A file that cannot be opened or fails while decoding: 1 plays
	 * silence in its place and the timeline says why (on_missing = skip);
	 * 0 makes audio_mix_read() fail with the sentence (on_missing = fail).
	 */
	int skip_bad;
};

struct audio_mix;
/*
 * The mixer plays segments at their offsets (a crossfade is an overlap of
 * two segments' offsets with their fades).  Sources open when they start
 * and close when they end.  NULL with err only for unusable options.
 */
struct audio_mix *audio_mix_new(const struct audio_seg *segs, size_t n,
				const struct audio_bed *beds, size_t nbeds,
				const struct audio_mix_opts *o, char *err);

/* One item of a programme for audio_mix_programme(). */
struct audio_item {
	const char *path;  /* NULL: silence of silence_s */
	double silence_s;
	double lufs;       /* the file's loudness (audio_probe); gained to the target
			    * (at most +30 dB; a silent file, -70, not at all) */
	double gain_db;    /* the item's own gain on top */
	double fade_in, fade_out;
	double crossfade;  /* overlap with the item before, both faded over it */
	double gap;        /* silence after it */
	int bed;           /* index into beds: the bed sounds under this item; -1 none */
	int speech;        /* it ducks the bed */
};

/* A music bed, looped under the run of items that name it. */
struct audio_prog_bed {
	const char *path;
	double lufs, gain_db;
	double duck_db;    /* under speech, e.g. -18 */
};

struct audio_prog_opts {
	struct audio_mix_opts mix; /* mix.skip_bad: skip or fail on a bad file */
	double target_lufs;        /* e.g. -16 */
};

/*
 * Lays the items out one after the other (each after the previous one's
 * gap, or overlapping it by its crossfade), opening each file once to learn
 * its length, and returns a mixer over them.  A file that is missing or not
 * audio: with o->mix.skip_bad it is left out (the timeline says so and why),
 * else NULL with err naming the file.
 */
struct audio_mix *audio_mix_programme(const struct audio_item *items, size_t n,
				      const struct audio_prog_bed *beds, size_t nbeds,
				      const struct audio_prog_opts *o, char *err);

/* Where one segment or item sounds in the programme. */
struct audio_span {
	double offset_s, length_s; /* length_s: what was played when a file failed */
	int skipped;               /* left out or silenced: reason says why */
	int cut;                   /* a stop ended the programme before this one ended */
	const char *reason;        /* names the file; owned by the mixer */
};
/* One span per segment (audio_mix_new) or per item (audio_mix_programme). */
const struct audio_span *audio_mix_timeline(const struct audio_mix *m, size_t *n);
/* Length of the whole programme in seconds (before any stop). */
double audio_mix_length(const struct audio_mix *m);

/* Fills buf with up to n frames; 0 at the end; -1 with err when a file fails. */
long audio_mix_read(struct audio_mix *m, float *buf, long n, char *err);
/*
 * Fades out over `seconds` (at most 0.5) from the next block and ends: the
 * stop of an emergency or of `loaxa stop`.  Safe to call from any thread
 * while another reads; a second call changes nothing.
 */
void audio_mix_fade_out(struct audio_mix *m, double seconds);
/*
 * Ends the relays early (a live announcement the operator ends): the one
 * sounding fades out over `seconds` (at most 0.5), one still to come is
 * left out, and what follows them (a closing jingle) plays at once.  The
 * timeline says the new offsets and lengths.  Safe from any thread; a
 * second call changes nothing.
 */
void audio_mix_end_relays(struct audio_mix *m, double seconds);
/* Where a stop cut the programme, in seconds; -1 when none did. */
double audio_mix_cut_s(const struct audio_mix *m);
/* Output position in seconds, and how many segments have ended. */
double audio_mix_position(const struct audio_mix *m);
size_t audio_mix_segments_done(const struct audio_mix *m);
void audio_mix_free(struct audio_mix *m);

/*
 * The loudness to gain a file by so that, after the output stage's
 * true-peak limiter, it sounds at target: peaky material (speech) loses a
 * little on each peak.  A first correction and a secant step land within
 * about 0.1 LU.  Decodes the file two or three times, at `rate`.
 */
double audio_effective_lufs(const char *path, double lufs, double seconds, int rate, double target,
			    double ceiling);

/*
 * The output stage's true-peak limiter alone (4x oversampled detector,
 * 5 ms look-ahead, 80 ms release).
 */
struct audio_limiter;
struct audio_limiter *audio_limiter_new(int rate, double ceiling_dbtp);
/*
 * Limits up to cap of buf's n frames into out and returns how many came
 * out: fewer at first, as the look-ahead fills.  Call with NULL, 0 to flush
 * until it returns 0; in total as many frames come out as went in.
 */
long audio_limiter_process(struct audio_limiter *l, float *buf, long n, float *out, long cap);
void audio_limiter_free(struct audio_limiter *l);

/* ---- sinks ---- */

struct audio_sink_opts {
	const char *output;   /* portaudio | wav | null */
	const char *device;   /* portaudio: name or index; NULL default */
	const char *wav_path; /* wav */
	int pace;             /* wav: write in real time */
	int rate;
	int channels;         /* portaudio: channels opened (0, 1: mono); wav and null stay mono */
};

struct audio_sink;
/* Errors for a device that is not there list the devices PortAudio sees. */
struct audio_sink *audio_sink_open(const struct audio_sink_opts *o, char *err);
/*
 * Blocks like a device; -1 with err when the device fails or hangs (2 s).
 * buf is mono: on a multichannel sink each frame goes to the channels of
 * the route and silence to the others.
 */
int audio_sink_write(struct audio_sink *s, const float *buf, long n, char *err);
/*
 * Which channels what is written next goes to: bit c for channel c + 1;
 * 0 (the default) for every channel.  For the zones an airing is for.
 */
void audio_sink_route(struct audio_sink *s, uint64_t channel_mask);
/*
 * One mono block fanned out to an interleaved one of `channels` channels:
 * in[i] on the channels whose bit is set in mask, 0 on the others.
 */
void audio_route_fan(const float *in, long n, int channels, uint64_t mask, float *out);
/* Frames that can be written now without blocking (a large number for files). */
long audio_sink_room(const struct audio_sink *s);
/* 1 if writes take real time (a device, a paced WAV file): wait by writing silence. */
int audio_sink_realtime(const struct audio_sink *s);
/* Seconds between a write returning and its first sample leaving. */
double audio_sink_latency(const struct audio_sink *s);
/*
 * How many times since it opened the device ran out of sound because the
 * writes came late (an underflow: listeners hear a gap); 0 for files.
 */
long audio_sink_underflows(const struct audio_sink *s);
/*
 * Blocks until what was written has left the device (silence follows it), so
 * that a sound logged as played was heard even if the process dies next;
 * the sink stays open.  -1 with err when the device fails meanwhile.
 */
int audio_sink_play_out(struct audio_sink *s, char *err);
/* Plays out what is buffered and closes; err when that failed. */
int audio_sink_close(struct audio_sink *s, char *err);
/*
 * Closes at once, dropping what is buffered: for a sink that has only been
 * fed silence since its last sound played out.
 */
void audio_sink_discard(struct audio_sink *s);

/*
 * A tee on the sink: fn gets every mono block written to it (after the
 * device took it), on the writer's thread; for the IP zones' streams.
 * fn must not block.  NULL: none.
 */
typedef void (*audio_tee_fn)(void *arg, const float *buf, long n);
void audio_sink_tee(struct audio_sink *s, audio_tee_fn fn, void *arg);

/* ---- Icecast (icecast.c): an airing streamed to an IP loudspeaker cluster ---- */

/* Why a stream failed, as msgids (a zone's reason names one). */
#define AUDIO_ICECAST_NOCONNECT N_("the Icecast server could not be reached")
#define AUDIO_ICECAST_NOLOGIN N_("the Icecast server refused the source login (wrong password, or the mount is in use)")
#define AUDIO_ICECAST_SOCKET N_("the connection to the Icecast server broke")
#define AUDIO_ICECAST_OTHER N_("the stream to the Icecast server failed")
#define AUDIO_ICECAST_NOANSWER N_("the Icecast server had not answered by the end of the airing")
/* A server that has not taken the source login this long after the connect began is unreached. */
#define AUDIO_ICECAST_CONNECT_MS 3000
#define AUDIO_ICECAST_TIMEOUT N_("the Icecast server did not answer within 3 s")
#define AUDIO_ICECAST_PWFILE N_("its icecast_password_file could not be read")
/* A row's reason for a zone whose stream failed: the zone, then one of the above. */
#define AUDIO_ICECAST_REASON N_("zone %s was not reached over Icecast: %s")
/* A row's note for an IP zone the server counted no listener on. */
#define AUDIO_ICECAST_NOBODY N_("zone %s: no receiver listening")

struct audio_icecast;
/*
 * Starts streaming (source user "source") to url, mono MP3 at rate:
 * connects in the background and returns at once.  With admin_password
 * it asks the server's admin statistics every 2 s how many listen.  NULL with err only
 * for an address that is not http://HOST[:PORT]/MOUNT.
 */
struct audio_icecast *audio_icecast_open(const char *url, const char *password, const char *admin_password,
					 int rate, char *err);
/* Queues n samples (buf NULL: silence); never blocks (drops when 10 s behind). */
void audio_icecast_write(struct audio_icecast *ic, const float *buf, long n);
/* NULL while it streams or connects, else why it failed (a msgid above). */
const char *audio_icecast_failed(struct audio_icecast *ic);
/* 1 once the server took the stream (and it has not failed since). */
int audio_icecast_connected(struct audio_icecast *ic);
/*
 * The most listeners the server counted on the mount since the last reset
 * (reset: start counting afresh); -1: none counted yet.
 */
int audio_icecast_listening(struct audio_icecast *ic, int reset);
/*
 * Asks http://HOST:PORT/admin/stats (user admin) how many listen to url's
 * mount now: the count, or -1 with err.  Blocks up to 3 s.
 */
int audio_icecast_listeners(const char *url, const char *admin_password, char *err);
/* Stops it, without waiting; NULL is fine. */
void audio_icecast_close(struct audio_icecast *ic);

/*
 * Shuts the sound system (PortAudio) down while no sink is open, unloading
 * what probing the devices loaded (ALSA plugins and the libraries they
 * pull in); the next audio_sink_open() brings it up again, which takes a
 * while: a daemon calls this when nothing is due to air soon.
 */
void audio_release(void);

/* Calls cb for each output device PortAudio sees (for `loaxa audio devices`). */
typedef void (*audio_device_cb)(int index, const char *name, int channels, double rate,
				int is_default, void *arg);
int audio_devices(audio_device_cb cb, void *arg, char *err);
/* The same for each input device (line-in, the microphone of loaxa live). */
int audio_input_devices(audio_device_cb cb, void *arg, char *err);

#endif
