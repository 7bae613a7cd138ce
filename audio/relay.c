/*
 * Relaying a network stream ("tiếp âm"): an HTTP/Icecast stream fetched
 * with libcurl on a thread of its own, decoded as its bytes arrive,
 * downmixed to mono and resampled to the output rate (libsoxr), into a
 * ring of a few seconds.
 *
 * The decoder (audio_decoder_*) is a table of formats, told by the first
 * bytes ("OggS") or else the Content-Type: MP3 with libmpg123's feed
 * interface, Ogg with libogg's page sync and libvorbis / libopus on the
 * packets.  All of them take bytes pushed in any split and never seek, so
 * a live stream with no end and no length decodes as it comes; an Ogg
 * stream may chain (a BOS page after data: the source restarted, maybe as
 * another codec, rate or channel count) and decoding goes on with the new
 * logical stream.  AAC is refused by its type, with what to use instead.
 *
 * The player's thread reads the ring with audio_relay_read(), which never
 * blocks: it levels what it reads toward the loudness target (a running
 * gain from the last 3 s of EBU R128 short-term loudness, held still while
 * the momentary loudness is 10 LU under the level being kept, so speech
 * pauses do not pump: see gated()), and watches for dead
 * air: a signal that is gone or below -50 dBFS for silence_s seconds.  On
 * dead air the fallback clip is looped in its place (or silence) and the
 * report says when the signal was lost and why.
 *
 * A dropped connection is re-made with back-off (0.5 s doubling to 4 s)
 * until dead air is declared; what was in the ring covers the gap.
 *
 * Line-in (url NULL) fills the same ring from a PortAudio capture stream
 * (audio_capture_open(), audio/sink.c's PortAudio), opened with the relay
 * and closed with it on the player's thread; the ring keeps only a short
 * cushion of it (CUSHION_S, skipped back to when a stall leaves it
 * CATCH_UP_S further behind), so what airs follows the input closely.
 */
#include <curl/curl.h>
#include <ebur128.h>
#include <math.h>
#include <mpg123.h>
#include <ogg/ogg.h>
#include <opus/opus_multistream.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <vorbis/codec.h>

#include "audio/audio.h"
#include "audio/biquad.h"
#include "base/base.h"

#define RING_S 3.0           /* the most the ring holds; older audio is dropped */
#define REFILL_S 0.5         /* after running dry, wait for this much before playing on */
#define QUIET_DBFS -50.0     /* a block below this (RMS) is dead air */
#define AGC_WINDOW_MS 3000   /* short-term loudness */
#define AGC_TAU_S 3.0        /* how fast the gain follows */
#define AGC_MIN_DB -20.0
#define AGC_MAX_DB 20.0
#define AGC_GATE_LU 10.0     /* momentary loudness this far under the level being kept: a pause */
#define AGC_GATE_HOLD_S 5.0  /* a "pause" longer than this is the signal's new level */
#define GARBAGE_BYTES (1 << 20) /* this much with not one frame decoded: not MP3 */
#define CUSHION_S 0.15       /* line-in: what the ring keeps ahead of the player */
#define CATCH_UP_S 0.1       /* line-in: this much more than the cushion is skipped */

struct audio_relay {
	struct audio_relay_opts o;
	char *url, *fallback;
	struct audio_capture *capture; /* line-in */
	long refill;          /* frames to wait for after running dry */
	pthread_t thread;
	atomic_int refs;      /* the reader and the fetch thread: the last one frees */
	atomic_int closing;

	/* shared with the fetch thread, under lock */
	pthread_mutex_t lock;
	float *ring;
	long cap, head, fill; /* head: oldest frame */
	int connected;        /* bytes are coming in now */
	int64_t pushed_ms;    /* when the newest frame came in */
	int ever_audio;       /* some audio has been decoded since opening */
	int attempts_failed;  /* connection attempts that ended in error */
	char why[ERRLEN];     /* why the last connection ended */

	/* the fetch thread's own */
	CURL *curl;
	struct audio_decoder *dec; /* made at the first bytes, from the Content-Type */
	struct audio_resampler *rs;
	long in_rate;
	char abort_why[ERRLEN];

	/* the reader's own */
	int playing;          /* past the first read */
	int refilling;        /* ran dry: silence until REFILL_S is in */
	ebur128_state *meter;
	ebur128_state *mom;   /* momentary loudness (400 ms) of all that is not quiet: the gate */
	int64_t gated_frames; /* held by the gate this long */
	int64_t fed;          /* frames given to the meter */
	double gain_db;
	int gain_set;
	int64_t read_frames, quiet_frames;
	int64_t last_loud_ms; /* wall clock when the last block with signal came from the source */
	int dead;
	int64_t dead_at_ms;
	char reason[ERRLEN + 64];
	struct audio_src *fb;
	int fb_failed;
	struct biquad hp;     /* o.highpass_hz > 0: on what comes in, before the levelling */
	float tmp[AUDIO_BLOCK];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void
ring_push(struct audio_relay *r, const float *x, long n)
{
	pthread_mutex_lock(&r->lock);
	for (long i = 0; i < n; i++) {
		long at = (r->head + r->fill) % r->cap;
		r->ring[at] = x[i];
		if (r->fill < r->cap)
			r->fill++;
		else
			r->head = (r->head + 1) % r->cap; /* full: the oldest goes */
	}
	r->ever_audio = 1;
	r->pushed_ms = time_now_ms();
	pthread_mutex_unlock(&r->lock);
}

/* ---- the stream's decoder: a table of formats, each fed bytes as they come ---- */

#define OGG_NO_PAGE_BYTES (1 << 17) /* two of the largest Ogg pages, and not one found */
#define OPUS_RATE 48000             /* Opus always decodes at 48 kHz */
#define OPUS_MAX_FRAMES 5760        /* 120 ms, the longest Opus packet */

enum ogg_codec { OGG_NONE, OGG_VORBIS, OGG_OPUS };

struct audio_decoder {
	const struct dec_format *f;
	char type[128];       /* the Content-Type, "" when none was given */
	unsigned char head[4];
	size_t nhead;
	audio_decoded_fn fn;
	void *arg;
	size_t bytes, frames; /* fed, and decoded */
	float *pcm;           /* interleaved, for Vorbis's planar output */
	size_t pcm_cap;

	/* MP3 */
	mpg123_handle *mh;
	long rate;
	int channels;

	/* Ogg: the logical stream followed (a new one at each link of a chain) */
	ogg_sync_state oy;
	ogg_stream_state os;
	int os_live, in_bos;  /* os is set up; the page before was a BOS page */
	int pages;
	enum ogg_codec codec;
	int headers;          /* header packets taken */
	int vready;           /* Vorbis: synthesis set up */
	char other[32];       /* what the first stream carried when not Vorbis or Opus */
	vorbis_info vi;
	vorbis_comment vc;
	vorbis_dsp_state vd;
	vorbis_block vb;
	OpusMSDecoder *od;
	int preskip;          /* Opus: frames still to drop at the start */
	float opus_gain;
};

struct dec_format {
	const char *name;
	const char *magic;         /* the first bytes, or NULL */
	const char *const *types;  /* Content-Types that say it (prefixes) */
	int (*open)(struct audio_decoder *d, char *err);       /* NULL: refused */
	int (*feed)(struct audio_decoder *d, const unsigned char *in, size_t n, char *err);
	void (*close)(struct audio_decoder *d);
};

static pthread_once_t dec_once = PTHREAD_ONCE_INIT;

static void
dec_init_once(void)
{
	mpg123_init();
}

static void
emit(struct audio_decoder *d, const float *pcm, size_t frames, long rate, int channels)
{
	if (!frames)
		return;
	d->frames += frames;
	d->fn(pcm, frames, rate, channels, d->arg);
}

static float *
pcm_room(struct audio_decoder *d, size_t n)
{
	if (n > d->pcm_cap) {
		free(d->pcm);
		d->pcm = xcalloc(n, sizeof *d->pcm);
		d->pcm_cap = n;
	}
	return d->pcm;
}

static int
mp3_open(struct audio_decoder *d, char *err)
{
	static const long rates[] = { 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000 };
	if (!(d->mh = mpg123_new(NULL, NULL))) {
		err_set(err, "%s", N_("out of memory"));
		return -1;
	}
	mpg123_param(d->mh, MPG123_ADD_FLAGS, MPG123_QUIET, 0);
	mpg123_format_none(d->mh);
	for (size_t i = 0; i < ARRAY_LEN(rates); i++)
		mpg123_format(d->mh, rates[i], MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32);
	mpg123_open_feed(d->mh);
	return 0;
}

static int
mp3_feed(struct audio_decoder *d, const unsigned char *in, size_t n, char *err)
{
	if (mpg123_feed(d->mh, in, n) != MPG123_OK) {
		err_set(err, AUDIO_RELAY_DECODER, mpg123_strerror(d->mh));
		return -1;
	}
	for (int damaged = 0;;) {
		unsigned char *audio = NULL;
		size_t bytes = 0;
		off_t num;
		int rc = mpg123_decode_frame(d->mh, &num, &audio, &bytes);
		if (rc == MPG123_NEW_FORMAT) {
			int enc;
			mpg123_getformat(d->mh, &d->rate, &d->channels, &enc);
			if (d->channels < 1 || d->rate < 8000) {
				err_set(err, AUDIO_RELAY_FORMAT, d->rate, d->channels);
				return -1;
			}
			continue;
		}
		if (rc == MPG123_NEED_MORE)
			break;
		if (rc != MPG123_OK) {
			/* a damaged frame: mpg123 resynchronises on the next one (not forever) */
			if (rc == MPG123_ERR && mpg123_errcode(d->mh) != MPG123_RESYNC_FAIL &&
			    ++damaged < 64)
				continue;
			if (!d->frames)
				err_set(err, AUDIO_RELAY_NOT_MP3, d->bytes);
			else
				err_set(err, AUDIO_RELAY_DECODER, mpg123_strerror(d->mh));
			return -1;
		}
		if (bytes && d->channels)
			emit(d, (const float *)audio, bytes / (sizeof(float) * (size_t)d->channels),
			     d->rate, d->channels);
	}
	if (d->bytes > GARBAGE_BYTES && !d->frames) {
		err_set(err, AUDIO_RELAY_NOT_MP3, d->bytes);
		return -1;
	}
	return 0;
}

static void
mp3_close(struct audio_decoder *d)
{
	mpg123_delete(d->mh);
	d->mh = NULL;
}

/* The logical stream followed so far ends (a new link of the chain begins). */
static void
ogg_codec_end(struct audio_decoder *d)
{
	if (d->vready) {
		vorbis_block_clear(&d->vb);
		vorbis_dsp_clear(&d->vd);
	}
	if (d->codec == OGG_VORBIS) {
		vorbis_comment_clear(&d->vc);
		vorbis_info_clear(&d->vi);
	}
	d->vready = 0;
	if (d->od)
		opus_multistream_decoder_destroy(d->od);
	d->od = NULL;
	if (d->os_live)
		ogg_stream_clear(&d->os);
	d->os_live = 0;
	d->codec = OGG_NONE;
	d->headers = 0;
}

static int
ogg_open(struct audio_decoder *d, char *err)
{
	ogg_sync_init(&d->oy);
	return 0;
}

static void
ogg_close(struct audio_decoder *d)
{
	ogg_codec_end(d);
	ogg_sync_clear(&d->oy);
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* OpusHead (RFC 7845, 5.1): the decoder for its channels and mapping. */
static int
opus_head(struct audio_decoder *d, const ogg_packet *op, char *err)
{
	const unsigned char *p = op->packet;
	long n = op->bytes;
	int ch = n >= 19 ? p[9] : 0, family = n >= 19 ? p[18] : -1, streams = 1, coupled;
	unsigned char map[255] = { 0, 1 };
	if (ch < 1 || family < 0 || (p[8] >> 4) != 0 || (family == 0 && ch > 2) ||
	    (family != 0 && n < 21 + ch)) {
		err_set(err, AUDIO_RELAY_OGG_HEADERS, "Opus");
		return -1;
	}
	coupled = ch - 1;
	if (family != 0) {
		streams = p[19];
		coupled = p[20];
		memcpy(map, p + 21, (size_t)ch);
	}
	int rc;
	if (!(d->od = opus_multistream_decoder_create(OPUS_RATE, ch, streams, coupled, map, &rc))) {
		err_set(err, AUDIO_RELAY_OGG_HEADERS, "Opus");
		return -1;
	}
	d->channels = ch;
	d->rate = OPUS_RATE;
	d->preskip = (int)le16(p + 10);
	d->opus_gain = powf(10, (float)(int16_t)le16(p + 16) / (20 * 256.0f));
	return 0;
}

/* The first packet of a logical stream tells what it carries. */
static void
ogg_identify(struct audio_decoder *d, const ogg_packet *op)
{
	static const struct {
		const char *magic;
		size_t n;
		enum ogg_codec codec;
		const char *name;
	} known[] = {
		{ "\x01vorbis", 7, OGG_VORBIS, "Vorbis" },
		{ "OpusHead", 8, OGG_OPUS, "Opus" },
		{ "\x7f" "FLAC", 5, OGG_NONE, "FLAC" },
		{ "Speex   ", 8, OGG_NONE, "Speex" },
		{ "\x80theora", 7, OGG_NONE, "Theora" },
	};
	for (size_t i = 0; i < ARRAY_LEN(known); i++)
		if ((size_t)op->bytes >= known[i].n && memcmp(op->packet, known[i].magic, known[i].n) == 0) {
			d->codec = known[i].codec;
			if (d->codec == OGG_VORBIS) {
				vorbis_info_init(&d->vi);
				vorbis_comment_init(&d->vc);
			}
			if (!d->other[0] && d->codec == OGG_NONE)
				snprintf(d->other, sizeof d->other, "%s", known[i].name);
			return;
		}
	if (!d->other[0])
		snprintf(d->other, sizeof d->other, "%s", N_("an unknown codec"));
}

static int
vorbis_packet(struct audio_decoder *d, ogg_packet *op, char *err)
{
	if (d->headers < 3) {
		if (vorbis_synthesis_headerin(&d->vi, &d->vc, op) != 0) {
			err_set(err, AUDIO_RELAY_OGG_HEADERS, "Vorbis");
			return -1;
		}
		if (++d->headers < 3)
			return 0;
		if (d->vi.channels < 1 || d->vi.rate < 8000) {
			err_set(err, AUDIO_RELAY_FORMAT, d->vi.rate, d->vi.channels);
			return -1;
		}
		if (vorbis_synthesis_init(&d->vd, &d->vi) != 0) {
			err_set(err, AUDIO_RELAY_OGG_HEADERS, "Vorbis");
			return -1;
		}
		vorbis_block_init(&d->vd, &d->vb);
		d->vready = 1;
		return 0;
	}
	if (vorbis_synthesis(&d->vb, op) != 0)
		return 0; /* a damaged packet: skipped */
	vorbis_synthesis_blockin(&d->vd, &d->vb);
	float **planes;
	int n, ch = d->vi.channels;
	while ((n = vorbis_synthesis_pcmout(&d->vd, &planes)) > 0) {
		float *pcm = pcm_room(d, (size_t)n * (size_t)ch);
		for (int i = 0; i < n; i++)
			for (int c = 0; c < ch; c++)
				pcm[i * ch + c] = planes[c][i];
		vorbis_synthesis_read(&d->vd, n);
		emit(d, pcm, (size_t)n, d->vi.rate, ch);
	}
	return 0;
}

static int
opus_packet(struct audio_decoder *d, ogg_packet *op, char *err)
{
	if (d->headers < 2) { /* OpusHead, then OpusTags */
		if (d->headers++ == 0)
			return opus_head(d, op, err);
		return 0;
	}
	float *pcm = pcm_room(d, (size_t)OPUS_MAX_FRAMES * (size_t)d->channels);
	int n = opus_multistream_decode_float(d->od, op->packet, (opus_int32)op->bytes, pcm,
					      OPUS_MAX_FRAMES, 0);
	if (n <= 0)
		return 0; /* a damaged packet: skipped */
	int skip = d->preskip < n ? d->preskip : n;
	d->preskip -= skip;
	for (int i = skip * d->channels; i < n * d->channels; i++)
		pcm[i] *= d->opus_gain;
	emit(d, pcm + skip * d->channels, (size_t)(n - skip), OPUS_RATE, d->channels);
	return 0;
}

/*
 * A page: a BOS page after a data page starts a new link of the chain (the
 * source restarted); of the BOS pages that start a link, the first Vorbis
 * or Opus stream is followed and the others ignored.
 */
static int
ogg_page_take(struct audio_decoder *d, ogg_page *og, char *err)
{
	d->pages++;
	if (ogg_page_bos(og)) {
		if (!d->in_bos)
			ogg_codec_end(d);
		d->in_bos = 1;
		if (d->os_live)
			return 0; /* this link's audio is found already */
		ogg_stream_init(&d->os, ogg_page_serialno(og));
		d->os_live = 1;
		ogg_packet op;
		if (ogg_stream_pagein(&d->os, og) != 0 || ogg_stream_packetpeek(&d->os, &op) != 1) {
			ogg_codec_end(d);
			return 0;
		}
		ogg_identify(d, &op);
		if (d->codec == OGG_NONE)
			ogg_codec_end(d);
		return 0;
	}
	if (d->in_bos && !d->os_live) {
		err_set(err, AUDIO_RELAY_OGG_CODEC, d->other);
		return -1;
	}
	d->in_bos = 0;
	if (!d->os_live || ogg_page_serialno(og) != d->os.serialno)
		return 0; /* another stream of the link, or the middle of one joined late */
	ogg_stream_pagein(&d->os, og);
	return 0;
}

static int
ogg_feed(struct audio_decoder *d, const unsigned char *in, size_t n, char *err)
{
	char *buf = ogg_sync_buffer(&d->oy, (long)n);
	memcpy(buf, in, n);
	ogg_sync_wrote(&d->oy, (long)n);
	ogg_page og;
	int rc;
	while ((rc = ogg_sync_pageout(&d->oy, &og)) != 0) {
		if (rc < 0)
			continue; /* bytes skipped to the next page */
		if (ogg_page_take(d, &og, err) < 0)
			return -1;
		ogg_packet op;
		while (d->os_live && (rc = ogg_stream_packetout(&d->os, &op)) != 0) {
			if (rc < 0)
				continue; /* a gap: a page was lost */
			if ((d->codec == OGG_VORBIS ? vorbis_packet : opus_packet)(d, &op, err) < 0)
				return -1;
		}
	}
	if (!d->pages && d->bytes > OGG_NO_PAGE_BYTES) {
		err_set(err, AUDIO_RELAY_NOT_OGG, d->bytes);
		return -1;
	}
	if (!d->frames && d->bytes > GARBAGE_BYTES) {
		err_set(err, AUDIO_RELAY_OGG_SILENT, d->bytes);
		return -1;
	}
	return 0;
}

static const char *const mp3_types[] = { "audio/mpeg", "audio/mp3", "audio/x-mpeg", NULL };
static const char *const ogg_types[] = { "application/ogg", "audio/ogg", "audio/x-ogg",
					 "audio/opus", "audio/vorbis", NULL };
static const char *const aac_types[] = { "audio/aac", "audio/x-aac", "audio/aacp", "audio/mp4",
					 NULL };

/* The first entry is what a stream with no telling type and no magic is taken for. */
static const struct dec_format formats[] = {
	{ "MP3", NULL, mp3_types, mp3_open, mp3_feed, mp3_close },
	{ "Ogg", "OggS", ogg_types, ogg_open, ogg_feed, ogg_close },
	{ "AAC", NULL, aac_types, NULL, NULL, NULL },
};

static const struct dec_format *
format_by_type(const char *type)
{
	for (size_t i = 0; i < ARRAY_LEN(formats); i++)
		for (const char *const *t = formats[i].types; *t; t++)
			if (strncasecmp(type, *t, strlen(*t)) == 0)
				return &formats[i];
	return NULL;
}

struct audio_decoder *
audio_decoder_new(const char *content_type, audio_decoded_fn fn, void *arg, char *err)
{
	pthread_once(&dec_once, dec_init_once);
	const char *type = content_type ? content_type : "";
	if (strncasecmp(type, "text/", 5) == 0) {
		err_set(err, AUDIO_RELAY_WEB_PAGE, type);
		return NULL;
	}
	const struct dec_format *f = format_by_type(type);
	if (f && !f->open) {
		err_set(err, AUDIO_RELAY_UNSUPPORTED, type);
		return NULL;
	}
	struct audio_decoder *d = xcalloc(1, sizeof *d);
	snprintf(d->type, sizeof d->type, "%s", type);
	d->fn = fn;
	d->arg = arg;
	return d;
}

/* The format from the first bytes, else the type, else the first in the table. */
static int
choose_format(struct audio_decoder *d, char *err)
{
	const struct dec_format *f = NULL;
	for (size_t i = 0; i < ARRAY_LEN(formats) && !f; i++)
		if (formats[i].magic && memcmp(d->head, formats[i].magic, 4) == 0)
			f = &formats[i];
	if (!f)
		f = format_by_type(d->type);
	if (!f)
		f = &formats[0];
	if (f->open(d, err) < 0)
		return -1;
	d->f = f;
	return 0;
}

int
audio_decoder_feed(struct audio_decoder *d, const unsigned char *in, size_t n, char *err)
{
	if (!d->f) { /* the first four bytes are kept until the format is told */
		size_t k = sizeof d->head - d->nhead < n ? sizeof d->head - d->nhead : n;
		memcpy(d->head + d->nhead, in, k);
		d->nhead += k;
		in += k;
		n -= k;
		if (d->nhead < sizeof d->head)
			return 0;
		if (choose_format(d, err) < 0)
			return -1;
		d->bytes += d->nhead;
		if (d->f->feed(d, d->head, d->nhead, err) < 0)
			return -1;
	}
	if (!n)
		return 0;
	d->bytes += n;
	return d->f->feed(d, in, n, err);
}

const char *
audio_decoder_format(const struct audio_decoder *d)
{
	if (!d->f)
		return NULL;
	if (d->f->feed != ogg_feed)
		return d->f->name;
	return d->codec == OGG_OPUS ? "Ogg Opus" : d->codec == OGG_VORBIS ? "Ogg Vorbis" : "Ogg";
}

void
audio_decoder_free(struct audio_decoder *d)
{
	if (!d)
		return;
	if (d->f)
		d->f->close(d);
	free(d->pcm);
	free(d);
}

/* Decoded frames (interleaved, at the stream's rate) to mono at the output rate, into the ring. */
static void
on_decoded(const float *pcm, size_t frames, long rate, int channels, void *arg)
{
	struct audio_relay *r = arg;
	float mono[AUDIO_BLOCK], out[AUDIO_BLOCK * 8];
	if (r->abort_why[0])
		return;
	if (rate != r->in_rate) { /* the first audio, or a chained stream at another rate */
		audio_resampler_free(r->rs);
		r->rs = NULL;
		char e2[ERRLEN];
		if (rate != r->o.rate && !(r->rs = audio_resampler_new((int)rate, r->o.rate, e2))) {
			snprintf(r->abort_why, sizeof r->abort_why, "%s", e2);
			return;
		}
		r->in_rate = rate;
	}
	size_t done = 0;
	while (done < frames) {
		size_t k = frames - done < AUDIO_BLOCK ? frames - done : AUDIO_BLOCK;
		for (size_t i = 0; i < k; i++) {
			float s = 0;
			for (int c = 0; c < channels; c++)
				s += pcm[(done + i) * (size_t)channels + (size_t)c];
			mono[i] = s / (float)channels;
		}
		long got = r->rs ? audio_resample(r->rs, mono, (long)k, out, (long)ARRAY_LEN(out))
				 : (long)k;
		ring_push(r, r->rs ? out : mono, got);
		done += k;
	}
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct audio_relay *r = arg;
	size_t n = size * nmemb;
	if (atomic_load(&r->closing))
		return 0;
	if (!r->dec) { /* a web page or a format loaxa does not decode is refused here */
		char *ct = NULL;
		if (curl_easy_getinfo(r->curl, CURLINFO_CONTENT_TYPE, &ct) != CURLE_OK)
			ct = NULL;
		if (!(r->dec = audio_decoder_new(ct, on_decoded, r, r->abort_why)))
			return 0;
		pthread_mutex_lock(&r->lock);
		r->connected = 1;
		pthread_mutex_unlock(&r->lock);
	}
	if (audio_decoder_feed(r->dec, (const unsigned char *)p, n, r->abort_why) < 0 ||
	    r->abort_why[0])
		return 0;
	return n;
}

static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct audio_relay *r = arg;
	return atomic_load(&r->closing) ? 1 : 0;
}

/* Why a transfer ended, as a sentence: the common cases named, the rest as curl says. */
static void
curl_reason(struct audio_relay *r, CURLcode rc, const char *cerr, char *out, size_t n)
{
	static const struct {
		CURLcode code;
		const char *what;
	} known[] = {
		{ CURLE_COULDNT_RESOLVE_HOST, AUDIO_RELAY_RESOLVE },
		{ CURLE_COULDNT_CONNECT, AUDIO_RELAY_CONNECT },
		{ CURLE_OPERATION_TIMEDOUT, AUDIO_RELAY_STALLED },
		{ CURLE_GOT_NOTHING, AUDIO_RELAY_NOTHING },
		{ CURLE_RECV_ERROR, AUDIO_RELAY_BROKE },
	};
	for (size_t i = 0; i < ARRAY_LEN(known); i++)
		if (known[i].code == rc) {
			snprintf(out, n, known[i].what, r->url);
			return;
		}
	if (rc == CURLE_HTTP_RETURNED_ERROR) {
		long code = 0;
		curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &code);
		snprintf(out, n, AUDIO_RELAY_HTTP, r->url, code,
			 code == 404 ? N_("no such stream: is the station on air?") : N_("refused"));
		return;
	}
	snprintf(out, n, "%s", cerr[0] ? cerr : curl_easy_strerror(rc));
}

/* One connection, until it ends; fills r->why when it ended in error. */
static void
fetch_once(struct audio_relay *r)
{
	char cerr[CURL_ERROR_SIZE] = "";
	r->curl = curl_easy_init();
	r->dec = NULL;
	r->abort_why[0] = 0;
	r->in_rate = 0;
	if (!r->curl) {
		snprintf(r->why, sizeof r->why, "%s", N_("out of memory"));
		goto out;
	}
	CURL *c = r->curl;
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	/* a stream that stalls for 3 s is as good as gone */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 3L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "loaxa/" LOAXA_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	CURLcode rc = curl_easy_perform(c);
	pthread_mutex_lock(&r->lock);
	if (r->abort_why[0])
		snprintf(r->why, sizeof r->why, "%s", r->abort_why);
	else if (rc == CURLE_OK)
		snprintf(r->why, sizeof r->why, "%s", N_("the stream ended (the server closed it)"));
	else
		curl_reason(r, rc, cerr, r->why, sizeof r->why);
	r->connected = 0;
	pthread_mutex_unlock(&r->lock);
out:
	curl_easy_cleanup(r->curl);
	r->curl = NULL;
	audio_decoder_free(r->dec);
	r->dec = NULL;
	audio_resampler_free(r->rs);
	r->rs = NULL;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* The shared part goes when both the reader and the fetch thread are done with it. */
static void
unref(struct audio_relay *r)
{
	if (atomic_fetch_sub(&r->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r->ring);
	free(r->url);
	free(r->fallback);
	free(r);
}

/* Line-in: a block from the capture stream (PortAudio's thread). */
static void
on_capture(const float *in, long n, void *arg)
{
	ring_push(arg, in, n);
}

static void *
fetch_thread(void *arg)
{
	struct audio_relay *r = arg;
	long backoff = 500;
	while (!atomic_load(&r->closing)) {
		int64_t t0 = time_now_ms();
		fetch_once(r);
		pthread_mutex_lock(&r->lock);
		r->attempts_failed++;
		pthread_mutex_unlock(&r->lock);
		if (time_now_ms() - t0 > 10000)
			backoff = 500; /* it ran a while: start the back-off again */
		for (long w = 0; w < backoff && !atomic_load(&r->closing); w += 50)
			sleep_ms(50);
		backoff = backoff * 2 > 4000 ? 4000 : backoff * 2;
	}
	unref(r);
	return NULL;
}

/* The ring, the meter and the options, with nothing feeding the ring yet. */
static struct audio_relay *
relay_new(const struct audio_relay_opts *o)
{
	struct audio_relay *r = xcalloc(1, sizeof *r);
	r->o = *o;
	r->url = o->url ? xstrdup(o->url) : NULL;
	r->fallback = o->fallback ? xstrdup(o->fallback) : NULL;
	r->o.url = r->url;
	r->o.fallback = r->fallback;
	if (r->o.silence_s <= 0)
		r->o.silence_s = 10;
	if (!(r->o.highpass_hz > 0 && r->o.highpass_hz < o->rate / 2.0))
		r->o.highpass_hz = 0;
	if (r->o.highpass_hz > 0)
		highpass_init(&r->hp, r->o.highpass_hz, o->rate);
	r->cap = (long)(RING_S * o->rate);
	r->ring = xcalloc((size_t)r->cap, sizeof *r->ring);
	pthread_mutex_init(&r->lock, NULL);
	atomic_init(&r->closing, 0);
	atomic_init(&r->refs, 2);
	r->meter = ebur128_init(1, (unsigned long)o->rate, EBUR128_MODE_S);
	if (r->meter)
		ebur128_set_max_window(r->meter, AGC_WINDOW_MS);
	r->mom = ebur128_init(1, (unsigned long)o->rate, EBUR128_MODE_M);
	r->last_loud_ms = 0;
	r->refill = (long)((r->url ? REFILL_S : CUSHION_S) * o->rate);
	return r;
}

struct audio_relay *
audio_relay_open(const struct audio_relay_opts *o)
{
	pthread_once(&curl_once, curl_init_once);
	struct audio_relay *r = relay_new(o);
	if (!r->url) {
		char e2[ERRLEN];
		atomic_store(&r->refs, 1);
		if (!(r->capture = audio_capture_open(o->device, o->rate, on_capture, r, e2))) {
			snprintf(r->why, sizeof r->why, "%s", e2);
			r->attempts_failed = 1;
		} else {
			r->connected = 1;
		}
		return r;
	}
	/* detached: closing never waits for a transfer to notice it should stop */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&r->thread, &attr, fetch_thread, r) != 0) {
		snprintf(r->why, sizeof r->why, "%s", N_("could not start the relay thread"));
		r->attempts_failed = 1;
		atomic_store(&r->refs, 1);
	}
	pthread_attr_destroy(&attr);
	return r;
}

/* Dead air from now: the reason names the local time the signal was lost. */
static void
go_dead(struct audio_relay *r, const char *why)
{
	char when[16];
	r->dead = 1;
	r->dead_at_ms = r->last_loud_ms ? r->last_loud_ms : time_now_ms();
	time_format(r->dead_at_ms, "%H:%M:%S", when, sizeof when);
	snprintf(r->reason, sizeof r->reason, AUDIO_RELAY_LOST, when, why);
	atomic_store(&r->closing, 1); /* the fetch thread stops trying */
}

/* The fallback clip looped, at its gain; silence when there is none or it fails. */
static void
read_fallback(struct audio_relay *r, float *buf, long n)
{
	long got = 0;
	char e2[ERRLEN];
	float g = (float)pow(10, r->o.fallback_gain_db / 20);
	while (r->fallback && !r->fb_failed && got < n) {
		if (!r->fb && !(r->fb = audio_src_open(r->fallback, r->o.rate, e2))) {
			r->fb_failed = 1;
			break;
		}
		long k = audio_src_read(r->fb, buf + got, n - got, e2);
		if (k <= 0) {
			audio_src_close(r->fb);
			r->fb = NULL;
			if (k < 0 || got == 0) {
				r->fb_failed = k < 0; /* an empty clip loops as silence */
				if (k == 0)
					break;
			}
			continue;
		}
		for (long i = 0; i < k; i++)
			buf[got + i] *= g;
		got += k;
	}
	if (got < n)
		memset(buf + got, 0, sizeof(float) * (size_t)(n - got));
}

/*
 * Before the first sample airs, the gain is set from what waits in the
 * ring (up to 3 s), so the relay starts at the target, not on its way
 * there.  Called with the lock held.
 */
static void
prelevel(struct audio_relay *r)
{
	if (!r->meter || r->fill < r->o.rate / 2)
		return;
	float buf[AUDIO_BLOCK];
	for (long done = 0; done < r->fill;) {
		long k = r->fill - done < AUDIO_BLOCK ? r->fill - done : AUDIO_BLOCK;
		for (long i = 0; i < k; i++)
			buf[i] = r->ring[(r->head + done + i) % r->cap];
		ebur128_add_frames_float(r->meter, buf, (size_t)k);
		done += k;
	}
	double lufs;
	unsigned long win = (unsigned long)(r->fill * 1000 / r->o.rate);
	if (win > AGC_WINDOW_MS)
		win = AGC_WINDOW_MS;
	if (ebur128_loudness_window(r->meter, win, &lufs) == EBUR128_SUCCESS && isfinite(lufs) &&
	    lufs > -70) {
		double want = r->o.target_lufs - lufs;
		r->gain_db = want < AGC_MIN_DB ? AGC_MIN_DB : want > AGC_MAX_DB ? AGC_MAX_DB : want;
		r->gain_set = 1;
	}
}

/*
 * The gate that keeps speech pauses from pumping, as broadcast AGCs do:
 * while the momentary loudness is more than AGC_GATE_LU (R128's relative
 * gate) under the level the gain was set for, the block is a pause (a
 * line's hiss, a room's noise, the quiet between words): the gain holds and
 * the block stays out of the 3 s window, so neither the noise is brought up
 * in the pause nor the speech after it jumps.  A "pause" longer than
 * AGC_GATE_HOLD_S is the signal's new level and the gain follows it.
 */
static int
gated(struct audio_relay *r, const float *buf, long n)
{
	double lufs;
	if (!r->mom || ebur128_add_frames_float(r->mom, buf, (size_t)n) != EBUR128_SUCCESS ||
	    !r->gain_set || ebur128_loudness_momentary(r->mom, &lufs) != EBUR128_SUCCESS ||
	    !(lufs < r->o.target_lufs - r->gain_db - AGC_GATE_LU)) {
		r->gated_frames = 0;
		return 0;
	}
	r->gated_frames += n;
	return r->gated_frames < (int64_t)(AGC_GATE_HOLD_S * r->o.rate);
}

/* The running gain toward the target, from the last 3 s of what came in. */
static void
level(struct audio_relay *r, float *buf, long n, int quiet)
{
	if (r->meter && !quiet && !gated(r, buf, n)) {
		ebur128_add_frames_float(r->meter, buf, (size_t)n);
		r->fed += n;
		double lufs;
		unsigned long win = (unsigned long)(r->fed * 1000 / r->o.rate);
		if (win > AGC_WINDOW_MS)
			win = AGC_WINDOW_MS;
		if (win >= 400 && ebur128_loudness_window(r->meter, win, &lufs) == EBUR128_SUCCESS &&
		    isfinite(lufs) && lufs > -70) {
			double want = r->o.target_lufs - lufs;
			want = want < AGC_MIN_DB ? AGC_MIN_DB : want > AGC_MAX_DB ? AGC_MAX_DB : want;
			if (!r->gain_set) {
				r->gain_db = want;
				r->gain_set = 1;
			} else {
				double a = 1 - exp(-(double)n / (AGC_TAU_S * r->o.rate));
				r->gain_db += (want - r->gain_db) * a;
			}
		}
	}
	float g = (float)pow(10, r->gain_db / 20);
	for (long i = 0; i < n; i++)
		buf[i] *= g;
}

long
audio_relay_read(struct audio_relay *r, float *buf, long n)
{
	if (n > AUDIO_BLOCK)
		n = AUDIO_BLOCK;
	int64_t now = time_now_ms();
	if (!r->playing) {
		r->playing = 1;
		r->last_loud_ms = now;
		pthread_mutex_lock(&r->lock);
		prelevel(r);
		if (r->capture && r->fill > r->refill) { /* line-in: from what is heard now */
			r->head = (r->head + r->fill - r->refill) % r->cap;
			r->fill = r->refill;
		}
		int never = !r->ever_audio && r->attempts_failed > 0;
		char why[ERRLEN];
		snprintf(why, sizeof why, "%s", r->why);
		pthread_mutex_unlock(&r->lock);
		if (never) /* not reachable at the instant: the fallback at once */
			go_dead(r, why);
	}
	if (r->dead) {
		read_fallback(r, buf, n);
		return n;
	}
	long got = 0;
	pthread_mutex_lock(&r->lock);
	if (r->refilling && r->fill >= r->refill)
		r->refilling = 0;
	if (!r->url && r->fill > r->refill + (long)(CATCH_UP_S * r->o.rate)) {
		/*
		 * Line-in fell behind (the player or the sound server stalled
		 * while the input went on): skip to the cushion again, or every
		 * stall would add to the delay for the rest of the relay.
		 */
		r->head = (r->head + r->fill - r->refill) % r->cap;
		r->fill = r->refill;
	}
	long fill0 = r->fill;
	if (!r->refilling) {
		got = r->fill < n ? r->fill : n;
		for (long i = 0; i < got; i++)
			buf[i] = r->ring[(r->head + i) % r->cap];
		r->head = (r->head + got) % r->cap;
		r->fill -= got;
		if (got < n)
			r->refilling = 1;
	}
	char why[ERRLEN];
	const char *silent = r->url ? N_("the stream went silent") : N_("the line-in went silent");
	/* line-in: nothing at all from the input for a second is not quiet, it is gone */
	if (!r->url && r->ever_audio && now - r->pushed_ms > 1000)
		silent = N_("the input device stopped giving sound: unplugged, or its sound server went away");
	snprintf(why, sizeof why, "%s", r->why[0] ? r->why : silent);
	int connected = r->connected;
	/* when the last frame read came from the source: newer frames wait behind it */
	int64_t src_ms = r->pushed_ms - (int64_t)(fill0 - got) * 1000 / r->o.rate;
	pthread_mutex_unlock(&r->lock);
	if (got < n)
		memset(buf + got, 0, sizeof(float) * (size_t)(n - got));
	if (r->o.highpass_hz > 0)
		for (long i = 0; i < n; i++)
			buf[i] = biquad_run(&r->hp, buf[i]);
	double ms = 0;
	for (long i = 0; i < n; i++)
		ms += (double)buf[i] * buf[i];
	ms /= (double)n;
	int quiet = ms <= 0 || 10 * log10(ms) < QUIET_DBFS;
	r->read_frames += n;
	if (!quiet) {
		r->quiet_frames = 0;
		r->last_loud_ms = got ? src_ms : now;
	} else {
		r->quiet_frames += n;
	}
	level(r, buf, n, quiet);
	if (r->quiet_frames >= (int64_t)(r->o.silence_s * r->o.rate)) {
		go_dead(r, connected ? silent : why);
		read_fallback(r, buf, n);
	}
	return n;
}

void
audio_relay_report(struct audio_relay *r, struct audio_relay_report *out)
{
	memset(out, 0, sizeof *out);
	out->dead = r->dead;
	out->dead_at_ms = r->dead_at_ms;
	out->gain_db = r->gain_db;
	snprintf(out->reason, sizeof out->reason, "%s", r->reason);
}

/*
 * Never blocks the player: the fetch thread is told to stop and frees the
 * shared part itself when it has (within a second: curl's progress call).
 */
void
audio_relay_close(struct audio_relay *r)
{
	if (!r)
		return;
	atomic_store(&r->closing, 1);
	audio_capture_close(r->capture); /* no callback after this */
	r->capture = NULL;
	if (r->meter)
		ebur128_destroy(&r->meter);
	if (r->mom)
		ebur128_destroy(&r->mom);
	audio_src_close(r->fb);
	r->fb = NULL;
	unref(r);
}
