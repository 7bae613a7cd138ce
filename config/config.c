/*
 * config — loading loaxa.conf with libconfig and checking every key against a
 * table of what may be there.  Unknown keys, wrong types and out-of-range
 * values are refused with the file and line; nothing is silently ignored.
 */
#include "config/config.h"

#include <libconfig.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"

enum vtype { T_STR, T_INT, T_FLOAT, T_BOOL, T_GROUP, T_STRLIST };

struct key {
	const char *name;
	enum vtype type;
	size_t off;                 /* into struct config */
	double min, max;            /* T_INT, T_FLOAT */
	const char *const *choices; /* T_STR: allowed values, NULL-terminated */
	const struct key *sub;      /* T_GROUP */
};

static const char *const outputs[] = { "portaudio", "wav", "null", NULL };
static const char *const engines[] = { "espeak", "command", "fake", NULL };
static const char *const on_missing[] = { "skip", "fail", NULL };
/* tts.region: the regions tts/ has a table of words and a voice for (TTS_REGIONS) */
static const char *const regions[] = { "north", "central", "south", NULL };

#define OFF(f) offsetof(struct config, f)

static const struct key audio_keys[] = {
	{ "output", T_STR, OFF(audio.output), .choices = outputs },
	{ "device", T_STR, OFF(audio.device) },
	{ "input_device", T_STR, OFF(audio.input_device) },
	{ "mic_device", T_STR, OFF(audio.mic_device) },
	{ "wav_path", T_STR, OFF(audio.wav_path) },
	{ "pace", T_BOOL, OFF(audio.pace) },
	{ "sample_rate", T_INT, OFF(audio.sample_rate), 8000, 192000 },
	{ "loudness_lufs", T_FLOAT, OFF(audio.loudness_lufs), -40, -5 },
	{ "true_peak_dbtp", T_FLOAT, OFF(audio.true_peak_dbtp), -12, 0 },
	{ "highpass_hz", T_FLOAT, OFF(audio.highpass_hz), 0, 1000 },
	{ "duck_db", T_FLOAT, OFF(audio.duck_db), -60, 0 },
	{ "duck_attack", T_FLOAT, OFF(audio.duck_attack), 0.001, 5 },
	{ "duck_release", T_FLOAT, OFF(audio.duck_release), 0.001, 10 },
	{ "on_missing", T_STR, OFF(audio.on_missing), .choices = on_missing },
	{ "relay_silence_s", T_FLOAT, OFF(audio.relay_silence_s), 1, 600 },
	{ "channels", T_INT, OFF(audio.channels), 1, 64 },
	{ "zone_timeout", T_FLOAT, OFF(audio.zone_timeout), 0.1, 60 },
	{ NULL },
};

/* tts.normal, tts.priority, tts.emergency: the rate and pitch of a bulletin class */
#define VOICE_KEYS(k)                                                              \
	{ "rate", T_INT, OFF(tts.classes[k].rate), 80, 450 },                       \
	{ "pitch", T_INT, OFF(tts.classes[k].pitch), 0, 99 }, { NULL }
static const struct key voice_keys[CONFIG_VOICE_CLASSES][3] = {
	{ VOICE_KEYS(CONFIG_VOICE_NORMAL) },
	{ VOICE_KEYS(CONFIG_VOICE_PRIORITY) },
	{ VOICE_KEYS(CONFIG_VOICE_EMERGENCY) },
};
static const char *const voice_class_names[CONFIG_VOICE_CLASSES] = { "normal", "priority",
								     "emergency" };

static const struct key tts_keys[] = {
	{ "engine", T_STR, OFF(tts.engine), .choices = engines },
	{ "voice", T_STR, OFF(tts.voice) },
	{ "region", T_STR, OFF(tts.region), .choices = regions },
	{ "rate", T_INT, OFF(tts.rate), 80, 450 },
	{ "pitch", T_INT, OFF(tts.pitch), 0, 99 },
	{ "command", T_STR, OFF(tts.command) },
	{ "lexicon", T_STR, OFF(tts.lexicon) },
	{ "cache_mb", T_INT, OFF(tts.cache_mb), 1, 1000000 },
	{ "max_syllables", T_INT, OFF(tts.max_syllables), 5, 1000 },
	{ "normal", T_GROUP, .sub = voice_keys[CONFIG_VOICE_NORMAL] },
	{ "priority", T_GROUP, .sub = voice_keys[CONFIG_VOICE_PRIORITY] },
	{ "emergency", T_GROUP, .sub = voice_keys[CONFIG_VOICE_EMERGENCY] },
	{ NULL },
};

static const struct key preroll_keys[] = {
	{ "command", T_STR, OFF(preroll.command) },
	{ "seconds", T_INT, OFF(preroll.seconds), 0, 600 },
	{ "after", T_STR, OFF(preroll.after) },
	{ NULL },
};

static const struct key live_keys[] = {
	{ "highpass_hz", T_FLOAT, OFF(live.highpass_hz), 0, 1000 },
	{ NULL },
};

static const struct key targets_keys[] = {
	{ "cchc_per_month", T_INT, OFF(cchc_per_month), 0, 1000 },
	{ NULL },
};

static const struct key station_keys[] = {
	{ "name", T_STR, OFF(station_name) },
	{ "parent", T_STR, OFF(station.parent) },
	{ "issuer", T_STR, OFF(station.issuer) },
	{ "code", T_STR, OFF(station.code) },
	{ "place", T_STR, OFF(station.place) },
	{ "signer_title", T_STR, OFF(station.signer_title) },
	{ "signer_name", T_STR, OFF(station.signer_name) },
	{ "recipients", T_STRLIST, OFF(station.recipients) },
	{ NULL },
};

static const struct key link_keys[] = {
	{ "host", T_STR, OFF(link.host) },
	{ "port", T_INT, OFF(link.port), 1, 65535 },
	{ "keepalive", T_INT, OFF(link.keepalive), 5, 3600 },
	{ "cafile", T_STR, OFF(link.cafile) },
	{ "certfile", T_STR, OFF(link.certfile) },
	{ "keyfile", T_STR, OFF(link.keyfile) },
	{ "username", T_STR, OFF(link.username) },
	{ "password_file", T_STR, OFF(link.password_file) },
	{ "province", T_STR, OFF(link.province) },
	{ "district", T_STR, OFF(link.district) },
	{ "commune", T_STR, OFF(link.commune) },
	{ "province_key", T_STR, OFF(link.province_key) },
	{ "secret_key_file", T_STR, OFF(link.secret_key_file) },
	{ "communes_file", T_STR, OFF(link.communes_file) },
	{ "province_state_dir", T_STR, OFF(link.province_state_dir) },
	{ "status_seconds", T_INT, OFF(link.status_seconds), 1, 3600 },
	{ "retry_seconds", T_INT, OFF(link.retry_seconds), 1, 86400 },
	{ "max_age_days", T_INT, OFF(link.max_age_days), 1, 3650 },
	{ NULL },
};

/* loaxa-web (web/): where it listens, HTTPS, how long an idle session lasts. */
static const struct key web_keys[] = {
	{ "listen", T_STR, OFF(web.listen) },
	{ "tls_cert", T_STR, OFF(web.tls_cert) },
	{ "tls_key", T_STR, OFF(web.tls_key) },
	{ "session_idle_minutes", T_INT, OFF(web.session_idle_minutes), 1, 10080 },
	{ NULL },
};

/* topics, programs, slots and zones are lists, read by their own functions. */
static const struct key top_keys[] = {
	{ "state_dir", T_STR, OFF(state_dir) },
	{ "timezone", T_STR, OFF(timezone) },
	{ "control_socket", T_STR, OFF(control_socket) },
	{ "approval_required", T_BOOL, OFF(approval_required) },
	{ "lead_seconds", T_INT, OFF(lead_seconds), 5, 3600 },
	{ "emergency_jingle", T_STR, OFF(emergency_jingle) },
	{ "live_jingle", T_STR, OFF(live_jingle) },
	{ "live_end_jingle", T_STR, OFF(live_end_jingle) },
	{ "audio", T_GROUP, .sub = audio_keys },
	{ "tts", T_GROUP, .sub = tts_keys },
	{ "preroll", T_GROUP, .sub = preroll_keys },
	{ "live", T_GROUP, .sub = live_keys },
	{ "targets", T_GROUP, .sub = targets_keys },
	{ "station", T_GROUP, .sub = station_keys },
	{ "link", T_GROUP, .sub = link_keys },
	{ "web", T_GROUP, .sub = web_keys },
	{ "topics", T_GROUP },
	{ "programs", T_GROUP },
	{ "slots", T_GROUP },
	{ "zones", T_GROUP },
	{ NULL },
};

static const struct config_topic default_topics[] = {
	{ "the-che", "Cải cách thể chế", 1 },
	{ "tthc", "Cải cách thủ tục hành chính", 1 },
	{ "bo-may", "Cải cách tổ chức bộ máy", 1 },
	{ "cong-vu", "Cải cách chế độ công vụ", 1 },
	{ "tai-chinh", "Cải cách tài chính công", 1 },
	{ "chinh-quyen-so", "Xây dựng chính quyền điện tử, chính quyền số", 1 },
	{ "khac", "Tin khác", 0 },
};

const char *
config_pick_path(const char *explicit_path)
{
	if (explicit_path && *explicit_path)
		return explicit_path;
	const char *env = getenv("LOAXA_CONFIG");
	if (env && *env)
		return env;
	if (access(CONFIG_DEFAULT_PATH, F_OK) == 0)
		return CONFIG_DEFAULT_PATH;
	return NULL;
}

/* Every class is read like tts.rate and tts.pitch until it says otherwise. */
static void
voice_defaults(struct config *c)
{
	for (int k = 0; k < CONFIG_VOICE_CLASSES; k++)
		c->tts.classes[k].rate = c->tts.classes[k].pitch = -1;
}

enum config_voice_class
config_voice_class(const char *klass)
{
	for (int k = 0; k < CONFIG_VOICE_CLASSES; k++)
		if (klass && strcmp(klass, voice_class_names[k]) == 0)
			return (enum config_voice_class)k;
	return CONFIG_VOICE_NORMAL;
}

void
config_tts_voice(const struct config *c, enum config_voice_class k, int *rate, int *pitch)
{
	*rate = c->tts.classes[k].rate;
	if (*rate < 0) {
		*rate = k == CONFIG_VOICE_EMERGENCY ? c->tts.rate * 9 / 10 : c->tts.rate;
		if (*rate < 80)
			*rate = 80;
	}
	*pitch = c->tts.classes[k].pitch >= 0 ? c->tts.classes[k].pitch : c->tts.pitch;
}

/* The voice of each class as it is in force, in the tts group of a dump. */
static void
dump_voices(struct sbuf *b, const struct config *c)
{
	for (int k = 0; k < CONFIG_VOICE_CLASSES; k++) {
		int rate, pitch;
		config_tts_voice(c, (enum config_voice_class)k, &rate, &pitch);
		sbuf_addf(b, "  %s = { rate = %d; pitch = %d; };\n", voice_class_names[k], rate, pitch);
	}
}

static void
web_defaults(struct config *c)
{
	c->web.listen = xstrdup("127.0.0.1:8080");
	c->web.session_idle_minutes = 30;
}

static void
web_free(struct config *c)
{
	free(c->web.listen);
	free(c->web.tls_cert);
	free(c->web.tls_key);
}

/* The report document's issuer and signer, until the file says who they are. */
static void
station_defaults(struct config_station *s)
{
	s->code = xstrdup("ĐTT");
	s->signer_title = xstrdup("Trưởng đài");
	s->recipients = xcalloc(1, sizeof *s->recipients);
}

static void
station_free(struct config_station *s)
{
	free(s->parent);
	free(s->issuer);
	free(s->code);
	free(s->place);
	free(s->signer_title);
	free(s->signer_name);
	for (size_t i = 0; s->recipients && s->recipients[i]; i++)
		free(s->recipients[i]);
	free(s->recipients);
}

static void
set_defaults(struct config *c)
{
	web_defaults(c);
	c->state_dir = xstrdup("/var/lib/loaxa");
	c->timezone = xstrdup("Asia/Ho_Chi_Minh");
	c->station_name = xstrdup("Đài truyền thanh cơ sở");
	station_defaults(&c->station);
	c->control_socket = xstrdup("/run/loaxa/control.sock");
	c->approval_required = 0;
	c->lead_seconds = 120;
	c->audio.output = xstrdup("portaudio");
	c->audio.pace = 0;
	c->audio.sample_rate = 48000;
	c->audio.loudness_lufs = -16;
	c->audio.true_peak_dbtp = -1;
	c->audio.highpass_hz = 0;
	c->audio.duck_db = -18;
	c->audio.duck_attack = 0.05;
	c->audio.duck_release = 0.5;
	c->audio.on_missing = xstrdup("skip");
	c->audio.relay_silence_s = 10;
	c->audio.zone_timeout = 1;
	c->tts.engine = xstrdup("espeak");
	c->tts.region = xstrdup("north");
	c->tts.rate = 150;
	c->tts.pitch = 50;
	c->tts.cache_mb = 512;
	c->tts.max_syllables = 60;
	voice_defaults(c);
	c->preroll.seconds = 5;
	c->live.highpass_hz = 80;
	c->cchc_per_month = 2;
}

static void
link_defaults(struct config *c)
{
	c->link.host = xstrdup("localhost");
	c->link.port = 8883;
	c->link.keepalive = 30;
	c->link.province_state_dir = xstrdup("/var/lib/loaxa-province");
	c->link.status_seconds = 60;
	c->link.retry_seconds = 300;
	c->link.max_age_days = 30;
}

static void
link_free(struct config *c)
{
	char **s[] = { &c->link.host, &c->link.cafile, &c->link.certfile, &c->link.keyfile,
		       &c->link.username, &c->link.password_file, &c->link.province,
		       &c->link.district, &c->link.commune, &c->link.province_key,
		       &c->link.secret_key_file, &c->link.communes_file,
		       &c->link.province_state_dir };
	for (size_t i = 0; i < ARRAY_LEN(s); i++)
		free(*s[i]);
}

/* The built-in programme and slots: greet, the due bulletins, sign off. */
static void
default_programs(struct config *c)
{
	c->n_programs = 1;
	c->programs = xcalloc(1, sizeof *c->programs);
	struct config_program *p = &c->programs[0];
	p->name = xstrdup("mac-dinh");
	p->max_minutes = 15;
	p->n_items = 3;
	p->items = xcalloc(3, sizeof *p->items);
	p->items[0].kind = CONFIG_ITEM_TTS;
	p->items[0].tts = xstrdup("Đài truyền thanh cơ sở xin kính chào bà con.");
	p->items[0].gap = 1.0;
	p->items[1].kind = CONFIG_ITEM_QUEUE;
	p->items[1].gap = 1.5;
	p->items[1].duck_db = c->audio.duck_db;
	p->items[2].kind = CONFIG_ITEM_TTS;
	p->items[2].tts = xstrdup("Chương trình phát thanh đến đây là kết thúc. Xin cảm ơn bà con đã lắng nghe.");
	static const struct { const char *name, *when; } slots[] = {
		{ "sang", "*-*-* 05:30:00" },
		{ "chieu", "*-*-* 17:00:00" },
	};
	c->n_slots = ARRAY_LEN(slots);
	c->slots = xcalloc(c->n_slots, sizeof *c->slots);
	for (size_t i = 0; i < c->n_slots; i++) {
		c->slots[i].name = xstrdup(slots[i].name);
		c->slots[i].when = xstrdup(slots[i].when);
		c->slots[i].program = xstrdup("mac-dinh");
		c->slots[i].catch_up_minutes = 15;
	}
}

static void
default_topics_set(struct config *c)
{
	c->n_topics = ARRAY_LEN(default_topics);
	c->topics = xcalloc(c->n_topics, sizeof *c->topics);
	for (size_t i = 0; i < c->n_topics; i++) {
		c->topics[i].id = xstrdup(default_topics[i].id);
		c->topics[i].name = xstrdup(default_topics[i].name);
		c->topics[i].cchc = default_topics[i].cchc;
	}
}

/* ---- validation helpers ---- */

/*
 * Reading goes on after an error, so that one pass finds every one: each
 * check adds its error to x->d and returns -1, and the reader drops what
 * failed (a key keeps its default, a broken slot, topic or item is left
 * out), so what is kept stays whole for the checks after it.
 */
struct ctx {
	const char *path;
	struct config_diags *d;
	struct config *c;
};

/* The value of a setting as the user wrote it, for "(got VALUE)". */
static void
value_text(const config_setting_t *s, char *out, size_t n)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		snprintf(out, n, "%d", config_setting_get_int(s));
		break;
	case CONFIG_TYPE_INT64:
		snprintf(out, n, "%lld", config_setting_get_int64(s));
		break;
	case CONFIG_TYPE_FLOAT:
		snprintf(out, n, "%g", config_setting_get_float(s));
		break;
	case CONFIG_TYPE_BOOL:
		snprintf(out, n, "%s", config_setting_get_bool(s) ? "true" : "false");
		break;
	case CONFIG_TYPE_STRING:
		snprintf(out, n, "\"%.200s\"", config_setting_get_string(s));
		break;
	case CONFIG_TYPE_GROUP:
		snprintf(out, n, "%s", _("a group { ... }"));
		break;
	case CONFIG_TYPE_ARRAY:
		snprintf(out, n, "%s", _("an array [ ... ]"));
		break;
	case CONFIG_TYPE_LIST:
		snprintf(out, n, "%s", _("a list ( ... )"));
		break;
	default:
		snprintf(out, n, "?");
	}
}

/* Full dotted name of a setting, e.g. "audio.sample_rate" or "slots.[1].when". */
static void
setting_path(const config_setting_t *s, char *out, size_t n)
{
	const char *parts[16];
	char idx[16][16];
	int k = 0;
	for (const config_setting_t *p = s; p && config_setting_parent(p) && k < 16;
	     p = config_setting_parent(p)) {
		if (config_setting_name(p)) {
			parts[k] = config_setting_name(p);
		} else {
			snprintf(idx[k], sizeof idx[k], "[%d]", config_setting_index(p));
			parts[k] = idx[k];
		}
		k++;
	}
	out[0] = 0;
	size_t len = 0;
	while (k-- > 0) {
		int w = snprintf(out + len, n - len, "%s%s", len && parts[k][0] != '[' ? "." : "",
				 parts[k]);
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
}

/*
 * libconfig reads an integer literal too large for 64 bits as -1: is that
 * what happened to s (no "-1" on its line)?
 */
static int
overflowed(const struct ctx *x, const config_setting_t *s)
{
	int t = config_setting_type(s);
	if ((t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) || config_setting_get_int64(s) != -1)
		return 0;
	FILE *f = fopen(x->path, "r");
	if (!f)
		return 0;
	char *line = NULL;
	size_t cap = 0;
	int ln = 0, minus_one = 1;
	while (getline(&line, &cap, f) > 0)
		if (++ln == (int)config_setting_source_line(s)) {
			minus_one = strstr(line, "-1") != NULL;
			break;
		}
	free(line);
	fclose(f);
	return !minus_one;
}

static int
fail(struct ctx *x, const config_setting_t *s, const char *what)
{
	char val[256], name[256];
	if (overflowed(x, s))
		snprintf(val, sizeof val, "%s", _("a number too large"));
	else
		value_text(s, val, sizeof val);
	setting_path(s, name, sizeof name);
	config_diag_add(x->d, 0, x->path, (int)config_setting_source_line(s), _("%s: %s (got %s)"),
			name, what, val);
	return -1;
}

/* As fail(), adding "did you mean NEAR?" when one of names is near the wrong word. */
static int
fail_near(struct ctx *x, const config_setting_t *s, const char *what, const char *word,
	  const char *const *names, size_t n)
{
	const char *near = config_near_name(word, names, n);
	if (!near)
		return fail(x, s, what);
	char more[512];
	snprintf(more, sizeof more, _("%s; did you mean %s?"), what, near);
	return fail(x, s, more);
}

/* Remembers where a key stands, for checks that come later (the voice's line). */
static void
keyline_add(struct ctx *x, const config_setting_t *s)
{
	char name[256];
	setting_path(s, name, sizeof name);
	struct config *c = x->c;
	c->keylines = xrealloc(c->keylines, (c->n_keylines + 1) * sizeof *c->keylines);
	c->keylines[c->n_keylines++] = (struct config_keyline){ xstrdup(name),
							       (int)config_setting_source_line(s) };
}

static int
is_number(const config_setting_t *s)
{
	int t = config_setting_type(s);
	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
}

static double
number(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		return config_setting_get_int(s);
	case CONFIG_TYPE_INT64:
		return (double)config_setting_get_int64(s);
	default:
		return config_setting_get_float(s);
	}
}

/* A string, checked against choices when there are some; *dst is left alone on error. */
static int
get_string(struct ctx *x, const config_setting_t *s, char **dst, const char *const *choices)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(x, s, _("must be a string in double quotes"));
	const char *v = config_setting_get_string(s);
	if (utf8_check(v, strlen(v), NULL) < 0)
		return fail(x, s, _("is not valid UTF-8"));
	if (choices) {
		size_t n = 0;
		while (choices[n] && strcmp(v, choices[n]) != 0)
			n++;
		if (!choices[n]) {
			char what[256] = "";
			size_t len = (size_t)snprintf(what, sizeof what, "%s", _("must be one of"));
			for (const char *const *c = choices; *c && len < sizeof what; c++)
				len += (size_t)snprintf(what + len, sizeof what - len, "%s %s",
							c == choices ? "" : ",", *c);
			return fail_near(x, s, what, v, choices, n);
		}
	}
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

static int
get_number(struct ctx *x, const config_setting_t *s, double min, double max, double *v)
{
	if (!is_number(s))
		return fail(x, s, _("must be a number"));
	double d = number(s);
	if (!(d >= min && d <= max)) {
		char what[128];
		snprintf(what, sizeof what, _("must be between %.15g and %.15g"), min, max);
		return fail(x, s, what);
	}
	*v = d;
	return 0;
}

static int
get_int(struct ctx *x, const config_setting_t *s, double min, double max, int *v)
{
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
		return fail(x, s, _("must be a whole number"));
	double d;
	if (get_number(x, s, min, max, &d) < 0)
		return -1;
	*v = (int)d;
	return 0;
}

static int
get_bool(struct ctx *x, const config_setting_t *s, int *v)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail(x, s, _("must be true or false"));
	*v = config_setting_get_bool(s);
	return 0;
}

/* A list of strings ( "a", "b" ) or [ "a", "b" ] into a NULL-terminated array, replacing *dst. */
static int
get_strings(struct ctx *x, const config_setting_t *s, char ***dst)
{
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_LIST && t != CONFIG_TYPE_ARRAY)
		return fail(x, s, _("must be a list of strings ( \"...\", \"...\" )"));
	int n = config_setting_length(s), bad = 0;
	char **v = xcalloc((size_t)n + 1, sizeof *v);
	for (int i = 0, k = 0; i < n; i++)
		if (get_string(x, config_setting_get_elem(s, (unsigned)i), &v[k], NULL) == 0)
			k++;
		else
			bad = -1;
	if (bad) {
		for (char **p = v; *p; p++)
			free(*p);
		free(v);
		return -1;
	}
	for (char **p = *dst; p && *p; p++)
		free(*p);
	free(*dst);
	*dst = v;
	return 0;
}

/* The names of a key table, for "did you mean". */
static size_t
key_names(const struct key *keys, const char **names, size_t max)
{
	size_t n = 0;
	for (const struct key *k = keys; k->name && n < max; k++)
		names[n++] = k->name;
	return n;
}

/* An unknown key of a fixed set: the sentence, and the near one when there is one. */
static int
unknown_key(struct ctx *x, const config_setting_t *s, const char *what, const char *const *names,
	    size_t n)
{
	return fail_near(x, s, what, config_setting_name(s), names, n);
}

static int read_topics(struct ctx *x, struct config *c, const config_setting_t *s);
static int read_programs(struct ctx *x, struct config *c, const config_setting_t *s);
static int read_slots(struct ctx *x, struct config *c, const config_setting_t *s);
static int read_zones(struct ctx *x, struct config *c, const config_setting_t *s);

static int
read_group(struct ctx *x, struct config *c, const config_setting_t *g, const struct key *keys)
{
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail(x, g, _("must be a group { ... }"));
	int n = config_setting_length(g), bad = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct key *k = keys;
		while (k->name && strcmp(k->name, name) != 0)
			k++;
		if (!k->name) {
			const char *names[32];
			bad |= unknown_key(x, s, _("unknown key; see loaxa.conf(5) for the keys there are"),
					   names, key_names(keys, names, ARRAY_LEN(names)));
			continue;
		}
		keyline_add(x, s);
		char *base = (char *)c + k->off;
		int rc = 0;
		switch (k->type) {
		case T_STR:
			rc = get_string(x, s, (char **)base, k->choices);
			break;
		case T_INT:
			rc = get_int(x, s, k->min, k->max, (int *)base);
			break;
		case T_FLOAT:
			rc = get_number(x, s, k->min, k->max, (double *)base);
			break;
		case T_BOOL:
			rc = get_bool(x, s, (int *)base);
			break;
		case T_STRLIST:
			rc = get_strings(x, s, (char ***)base);
			break;
		case T_GROUP:
			if (strcmp(name, "topics") == 0)
				rc = read_topics(x, c, s);
			else if (strcmp(name, "programs") == 0)
				rc = read_programs(x, c, s);
			else if (strcmp(name, "slots") == 0)
				rc = read_slots(x, c, s);
			else if (strcmp(name, "zones") == 0)
				rc = read_zones(x, c, s);
			else
				rc = read_group(x, c, s, k->sub);
			break;
		}
		bad |= rc;
	}
	return bad ? -1 : 0;
}

static int
is_list(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_LIST;
}

/* Identifiers (topic ids, slot and programme names): letters, digits, - and _. */
static int
check_ident(struct ctx *x, const config_setting_t *s, const char *v)
{
	if (!*v || strlen(v) > 64)
		return fail(x, s, _("must be 1 to 64 characters"));
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return fail(x, s, _("may hold only letters a-z, digits, '-' and '_'"));
	return 0;
}

static void
topic_free(struct config_topic *t)
{
	free(t->id);
	free(t->name);
	memset(t, 0, sizeof *t);
}

static int
read_topics(struct ctx *x, struct config *c, const config_setting_t *s)
{
	static const char *const keys[] = { "id", "name", "cchc" };
	if (!is_list(s))
		return fail(x, s, _("must be a list ( { id = \"...\"; name = \"...\"; }, ... )"));
	int n = config_setting_length(s);
	if (n == 0)
		return fail(x, s, _("must name at least one topic"));
	for (size_t i = 0; i < c->n_topics; i++)
		topic_free(&c->topics[i]);
	free(c->topics);
	c->topics = xcalloc((size_t)n, sizeof *c->topics);
	c->n_topics = 0;
	int bad = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *t = config_setting_get_elem(s, (unsigned)i);
		struct config_topic *tp = &c->topics[c->n_topics];
		int rc = 0;
		tp->cchc = 1;
		if (config_setting_type(t) != CONFIG_TYPE_GROUP) {
			bad = fail(x, t, _("must be a group { id = \"...\"; name = \"...\"; }"));
			continue;
		}
		for (int j = 0; j < config_setting_length(t); j++) {
			config_setting_t *f = config_setting_get_elem(t, (unsigned)j);
			const char *fn = config_setting_name(f);
			if (strcmp(fn, "id") == 0)
				rc |= get_string(x, f, &tp->id, NULL) || check_ident(x, f, tp->id);
			else if (strcmp(fn, "name") == 0)
				rc |= get_string(x, f, &tp->name, NULL);
			else if (strcmp(fn, "cchc") == 0)
				rc |= get_bool(x, f, &tp->cchc);
			else
				rc |= unknown_key(x, f, _("unknown key; a topic has id, name and cchc"), keys,
						  ARRAY_LEN(keys));
		}
		if (!rc && (!tp->id || !tp->name))
			rc = fail(x, t, _("a topic needs both id and name"));
		for (size_t k = 0; !rc && k < c->n_topics; k++)
			if (strcmp(c->topics[k].id, tp->id) == 0)
				rc = fail(x, t, _("this topic id is already used above"));
		if (rc) {
			topic_free(tp);
			bad = -1;
		} else {
			c->n_topics++;
		}
	}
	return bad;
}

static void
item_free(struct config_item *it)
{
	free(it->clip);
	free(it->tts);
	free(it->bed);
	free(it->stream);
	free(it->fallback);
	memset(it, 0, sizeof *it);
}

static int
read_item(struct ctx *x, struct config *c, const config_setting_t *s, struct config_item *it)
{
	static const char *const keys[] = { "clip", "bulletin", "queue", "tts", "silence", "gain_db",
					    "fade_in", "fade_out", "crossfade", "gap", "bed", "duck_db",
					    "stream", "line_in", "minutes", "fallback" };
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return fail(x, s, _("an item must be a group such as { clip = \"nhac-hieu\"; }"));
	int kinds = 0, bad = 0;
	it->line = config_setting_source_line(s);
	it->duck_db = c->audio.duck_db;
	for (int j = 0; j < config_setting_length(s); j++) {
		config_setting_t *f = config_setting_get_elem(s, (unsigned)j);
		const char *fn = config_setting_name(f);
		int rc = 0;
		if (strcmp(fn, "clip") == 0) {
			it->kind = CONFIG_ITEM_CLIP, kinds++;
			rc = get_string(x, f, &it->clip, NULL);
		} else if (strcmp(fn, "bulletin") == 0) {
			int id = 0;
			it->kind = CONFIG_ITEM_BULLETIN, kinds++;
			rc = get_int(x, f, 1, 2147483647, &id);
			it->bulletin = id;
		} else if (strcmp(fn, "queue") == 0) {
			int on = 0;
			it->kind = CONFIG_ITEM_QUEUE, kinds++;
			rc = get_bool(x, f, &on);
			if (!rc && !on)
				rc = fail(x, f, _("write queue = true, or leave the item out"));
		} else if (strcmp(fn, "tts") == 0) {
			it->kind = CONFIG_ITEM_TTS, kinds++;
			rc = get_string(x, f, &it->tts, NULL);
			if (!rc && !*it->tts)
				rc = fail(x, f, _("must not be empty"));
		} else if (strcmp(fn, "silence") == 0) {
			it->kind = CONFIG_ITEM_SILENCE, kinds++;
			rc = get_number(x, f, 0.01, 600, &it->silence);
		} else if (strcmp(fn, "stream") == 0) {
			it->kind = CONFIG_ITEM_STREAM, kinds++;
			rc = get_string(x, f, &it->stream, NULL);
			if (!rc && config_check_stream_url(it->stream) < 0)
				rc = fail(x, f, _("a stream is an http:// or https:// address with a host, such as \"http://radio.example.vn:8000/vov1.mp3\""));
		} else if (strcmp(fn, "line_in") == 0) {
			int on = 0;
			it->kind = CONFIG_ITEM_STREAM, kinds++;
			it->line_in = 1;
			rc = get_bool(x, f, &on);
			if (!rc && !on)
				rc = fail(x, f, _("write line_in = true, or leave the item out"));
		} else if (strcmp(fn, "minutes") == 0) {
			rc = get_number(x, f, 0.01, 24 * 60, &it->minutes);
		} else if (strcmp(fn, "fallback") == 0) {
			rc = get_string(x, f, &it->fallback, NULL);
		} else if (strcmp(fn, "gain_db") == 0) {
			rc = get_number(x, f, -40, 20, &it->gain_db);
		} else if (strcmp(fn, "fade_in") == 0) {
			rc = get_number(x, f, 0, 60, &it->fade_in);
		} else if (strcmp(fn, "fade_out") == 0) {
			rc = get_number(x, f, 0, 60, &it->fade_out);
		} else if (strcmp(fn, "crossfade") == 0) {
			rc = get_number(x, f, 0, 30, &it->crossfade);
		} else if (strcmp(fn, "gap") == 0) {
			rc = get_number(x, f, 0, 60, &it->gap);
		} else if (strcmp(fn, "bed") == 0) {
			rc = get_string(x, f, &it->bed, NULL);
		} else if (strcmp(fn, "duck_db") == 0) {
			rc = get_number(x, f, -60, 0, &it->duck_db);
		} else {
			rc = unknown_key(x, f, _("unknown key; an item has one of clip, bulletin, queue, tts, silence, stream, line_in, and gain_db, fade_in, fade_out, crossfade, gap, bed, duck_db, minutes, fallback"),
					 keys, ARRAY_LEN(keys));
		}
		bad |= rc;
	}
	if (bad)
		return -1;
	if (kinds != 1)
		return fail(x, s, _("an item needs exactly one of clip, bulletin, queue, tts, silence, stream or line_in"));
	if (it->bed && it->kind != CONFIG_ITEM_QUEUE)
		return fail(x, s, _("bed goes only with queue = true"));
	if (it->kind == CONFIG_ITEM_STREAM && it->minutes <= 0)
		return fail(x, s, it->line_in ? _("a line_in item needs minutes = N, how long it is relayed")
					      : _("a stream item needs minutes = N, how long it is relayed"));
	if (it->kind != CONFIG_ITEM_STREAM && (it->minutes > 0 || it->fallback))
		return fail(x, s, _("minutes and fallback go only with stream = \"...\" or line_in = true"));
	return 0;
}

static void
program_free(struct config_program *p)
{
	for (size_t i = 0; i < p->n_items; i++)
		item_free(&p->items[i]);
	free(p->items);
	free(p->name);
}

static void
slot_free(struct config_slot *s)
{
	free(s->name);
	free(s->when);
	free(s->program);
	for (char **z = s->zones; z && *z; z++)
		free(*z);
	free(s->zones);
	memset(s, 0, sizeof *s);
}

static void
zone_free(struct config_zone *z)
{
	free(z->name);
	free(z->on);
	free(z->off);
	free(z->icecast);
	free(z->icecast_password_file);
	free(z->icecast_admin_password_file);
	memset(z, 0, sizeof *z);
}

/* The items of one programme; the broken ones are left out (and said). */
static int
read_items(struct ctx *x, struct config *c, struct config_program *p, const config_setting_t *items)
{
	if (!is_list(items))
		return fail(x, items, _("must be a list ( { ... }, { ... } )"));
	int m = config_setting_length(items), bad = 0;
	if (m == 0)
		return fail(x, items, _("a programme needs at least one item"));
	p->items = xcalloc((size_t)m, sizeof *p->items);
	for (int j = 0; j < m; j++) {
		struct config_item *it = &p->items[p->n_items];
		if (read_item(x, c, config_setting_get_elem(items, (unsigned)j), it) < 0) {
			item_free(it);
			bad = -1;
		} else {
			p->n_items++;
		}
	}
	return bad;
}

/* A relay cannot outlast its programme's cap; said on its minutes line. */
static int
check_stream_minutes(struct ctx *x, const struct config_program *p, const config_setting_t *items)
{
	if (!items || !is_list(items) || p->max_minutes <= 0)
		return 0;
	int bad = 0;
	for (int j = 0; j < config_setting_length(items); j++) {
		const config_setting_t *g = config_setting_get_elem(items, (unsigned)j);
		const config_setting_t *st = config_setting_get_member(g, "stream");
		if (!st)
			st = config_setting_get_member(g, "line_in");
		const config_setting_t *mn = config_setting_get_member(g, "minutes");
		double v;
		if (!st || !mn || config_setting_type(g) != CONFIG_TYPE_GROUP)
			continue;
		v = config_setting_type(mn) == CONFIG_TYPE_INT ? config_setting_get_int(mn)
							       : config_setting_get_float(mn);
		if (v <= p->max_minutes)
			continue;
		char what[256];
		snprintf(what, sizeof what,
			 _("a stream of %g minutes does not fit in the programme's max_minutes = %g; shorten it or raise max_minutes"),
			 v, p->max_minutes);
		bad = fail(x, mn, what);
	}
	return bad;
}

int
config_check_stream_url(const char *url)
{
	const char *h = strncmp(url, "http://", 7) == 0	   ? url + 7
			: strncmp(url, "https://", 8) == 0 ? url + 8
							   : NULL;
	if (!h || !*h || *h == '/' || *h == ':')
		return -1;
	for (const char *c = url; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return -1;
	return 0;
}

static int
read_programs(struct ctx *x, struct config *c, const config_setting_t *s)
{
	static const char *const keys[] = { "max_minutes", "items" };
	/* the file's programmes join the built-in ones, replacing one of the same name */
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return fail(x, s, _("must be a group { NAME = { items = ( ... ); }; ... }"));
	int n = config_setting_length(s), bad = 0;
	c->programs = xrealloc(c->programs, (c->n_programs + (size_t)n) * sizeof *c->programs);
	for (int i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(g);
		struct config_program *p = NULL;
		for (size_t k = 0; k < c->n_programs; k++)
			if (c->programs[k].line == 0 && strcmp(c->programs[k].name, name) == 0) {
				p = &c->programs[k];
				program_free(p);
			}
		if (!p)
			p = &c->programs[c->n_programs++];
		memset(p, 0, sizeof *p);
		/* kept whatever is wrong inside, so that slots naming it do not say it is missing */
		p->name = xstrdup(name);
		p->line = config_setting_source_line(g);
		if (check_ident(x, g, p->name)) {
			bad = -1;
			continue;
		}
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			bad = fail(x, g, _("a programme must be a group { max_minutes = ...; items = ( ... ); }"));
			continue;
		}
		config_setting_t *items = NULL;
		for (int j = 0; j < config_setting_length(g); j++) {
			config_setting_t *f = config_setting_get_elem(g, (unsigned)j);
			const char *fn = config_setting_name(f);
			if (strcmp(fn, "max_minutes") == 0)
				bad |= get_number(x, f, 0, 24 * 60, &p->max_minutes);
			else if (strcmp(fn, "items") == 0)
				items = f;
			else
				bad |= unknown_key(x, f, _("unknown key; a programme has max_minutes and items"),
						   keys, ARRAY_LEN(keys));
		}
		if (!items)
			bad = fail(x, g, _("a programme needs items = ( ... )"));
		else
			bad |= read_items(x, c, p, items);
		bad |= check_stream_minutes(x, p, items);
	}
	return bad;
}

/*
 * A slot's `when`: Vietnamese weekday names become systemd's, and a time
 * written 17h30 is refused with the way to write it.
 */
static int
read_when(struct ctx *x, const config_setting_t *f, struct config_slot *sl)
{
	char *when = NULL;
	if (get_string(x, f, &when, NULL) < 0)
		return -1;
	char fix[16], what[256];
	if (config_calendar_hour_h(when, fix, sizeof fix)) {
		snprintf(what, sizeof what, _("a calendar expression writes the time as %s, with a colon"), fix);
		free(when);
		return fail(x, f, what);
	}
	free(sl->when);
	sl->when = config_calendar_vi(when);
	free(when);
	return 0;
}

static int
read_slots(struct ctx *x, struct config *c, const config_setting_t *s)
{
	static const char *const keys[] = { "name", "when", "program", "catch_up_minutes", "priority",
					    "zones" };
	if (!is_list(s))
		return fail(x, s, _("must be a list ( { name = ...; when = ...; program = ...; }, ... )"));
	for (size_t i = 0; i < c->n_slots; i++)
		slot_free(&c->slots[i]);
	free(c->slots);
	int n = config_setting_length(s), bad = 0;
	c->slots = xcalloc((size_t)n + 1, sizeof *c->slots);
	c->n_slots = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
		struct config_slot *sl = &c->slots[c->n_slots];
		sl->line = config_setting_source_line(g);
		sl->catch_up_minutes = 15;
		int rc = 0, when_bad = 0;
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			bad = fail(x, g, _("a slot must be a group { name = ...; when = ...; program = ...; }"));
			continue;
		}
		for (int j = 0; j < config_setting_length(g); j++) {
			config_setting_t *f = config_setting_get_elem(g, (unsigned)j);
			const char *fn = config_setting_name(f);
			if (strcmp(fn, "name") == 0)
				rc |= get_string(x, f, &sl->name, NULL) || check_ident(x, f, sl->name);
			else if (strcmp(fn, "when") == 0)
				when_bad = read_when(x, f, sl);
			else if (strcmp(fn, "program") == 0)
				rc |= get_string(x, f, &sl->program, NULL);
			else if (strcmp(fn, "catch_up_minutes") == 0)
				rc |= get_int(x, f, 0, 24 * 60, &sl->catch_up_minutes);
			else if (strcmp(fn, "priority") == 0)
				rc |= get_int(x, f, -100, 100, &sl->priority);
			else if (strcmp(fn, "zones") == 0)
				rc |= get_strings(x, f, &sl->zones) ||
				      (!sl->zones[0] && fail(x, f, _("names no zone; leave zones out to air to every zone")));
			else
				rc |= unknown_key(x, f, _("unknown key; a slot has name, when, program, catch_up_minutes, priority and zones"),
						  keys, ARRAY_LEN(keys));
		}
		if (!rc && (!sl->name || (!sl->when && !when_bad) || !sl->program))
			rc = fail(x, g, _("a slot needs name, when and program"));
		for (size_t k = 0; !rc && k < c->n_slots; k++)
			if (strcmp(c->slots[k].name, sl->name) == 0)
				rc = fail(x, g, _("this slot name is already used above"));
		/*
		 * a slot whose only fault is its `when` is kept (when = NULL), so
		 * that what else is wrong with it is told too
		 */
		if (rc) {
			slot_free(sl);
			bad = -1;
		} else {
			c->n_slots++;
			bad |= when_bad;
		}
	}
	return bad;
}

/*
 * zones = ( { name = "thon-1"; channel = 1; on = "..."; off = "..."; }, ... ):
 * each zone once by name, each channel to one zone only.  Whether a
 * channel fits audio.channels is checked once the whole file is read.
 */
static int
read_zones(struct ctx *x, struct config *c, const config_setting_t *s)
{
	static const char *const keys[] = { "name", "channel", "on", "off", "icecast", "icecast_password_file",
					    "icecast_admin_password_file" };
	if (!is_list(s))
		return fail(x, s, _("must be a list ( { name = \"thon-1\"; channel = 1; }, ... )"));
	for (size_t i = 0; i < c->n_zones; i++)
		zone_free(&c->zones[i]);
	free(c->zones);
	int n = config_setting_length(s), bad = 0;
	if (n > CONFIG_MAX_ZONES) {
		char what[128];
		snprintf(what, sizeof what, _("has more than %d zones"), CONFIG_MAX_ZONES);
		c->zones = NULL;
		c->n_zones = 0;
		return fail(x, s, what);
	}
	c->zones = xcalloc((size_t)n + 1, sizeof *c->zones);
	c->n_zones = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
		struct config_zone *z = &c->zones[c->n_zones];
		z->line = config_setting_source_line(g);
		int rc = 0;
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			bad = fail(x, g, _("a zone must be a group { name = ...; channel = ...; }"));
			continue;
		}
		for (int j = 0; j < config_setting_length(g); j++) {
			config_setting_t *f = config_setting_get_elem(g, (unsigned)j);
			const char *fn = config_setting_name(f);
			if (strcmp(fn, "name") == 0)
				rc |= get_string(x, f, &z->name, NULL) || check_ident(x, f, z->name);
			else if (strcmp(fn, "channel") == 0)
				rc |= get_int(x, f, 1, 64, &z->channel);
			else if (strcmp(fn, "on") == 0)
				rc |= get_string(x, f, &z->on, NULL);
			else if (strcmp(fn, "off") == 0)
				rc |= get_string(x, f, &z->off, NULL);
			else if (strcmp(fn, "icecast") == 0)
				rc |= get_string(x, f, &z->icecast, NULL) ||
				      (url_split(z->icecast, NULL, NULL, NULL) < 0 &&
				       fail(x, f, _("is not an Icecast mount address http://HOST:PORT/MOUNT")));
			else if (strcmp(fn, "icecast_password_file") == 0)
				rc |= get_string(x, f, &z->icecast_password_file, NULL) ||
				      (access(z->icecast_password_file, R_OK) < 0 &&
				       fail(x, f, _("cannot be read; write the Icecast source password in it, or correct the path")));
			else if (strcmp(fn, "icecast_admin_password_file") == 0)
				rc |= get_string(x, f, &z->icecast_admin_password_file, NULL) ||
				      (access(z->icecast_admin_password_file, R_OK) < 0 &&
				       fail(x, f, _("cannot be read; write the Icecast admin password in it, or correct the path")));
			else
				rc |= unknown_key(x, f, _("unknown key; a zone has name, channel, on, off, icecast, icecast_password_file and icecast_admin_password_file"),
						  keys, ARRAY_LEN(keys));
		}
		if (!rc && !z->name)
			rc = fail(x, g, _("a zone needs a name"));
		if (!rc && !z->channel && !z->on && !z->off && !z->icecast)
			rc = fail(x, g, _("a zone needs a channel, on and off commands, or an icecast mount to be reached"));
		if (!rc && z->icecast && !z->icecast_password_file)
			rc = fail(x, g, _("a zone with an icecast mount needs icecast_password_file, the file with the source password"));
		for (size_t k = 0; !rc && k < c->n_zones; k++) {
			char what[256];
			if (strcmp(c->zones[k].name, z->name) == 0)
				rc = fail(x, g, _("this zone name is already used above"));
			else if (z->channel && c->zones[k].channel == z->channel) {
				snprintf(what, sizeof what, _("zones \"%s\" and \"%s\" are both on channel %d; give each zone its own channel"),
					 c->zones[k].name, z->name, z->channel);
				rc = fail(x, g, what);
			}
		}
		if (rc) {
			zone_free(z);
			bad = -1;
		} else {
			c->n_zones++;
		}
	}
	return bad;
}

/*
 * Zones named anywhere are zones of the file, and their channels are
 * channels the output has (audio.channels, when it is set).
 */
static void
zones_check(struct ctx *x, struct config *c)
{
	const char **names = xcalloc(c->n_zones + 1, sizeof *names);
	for (size_t i = 0; i < c->n_zones; i++)
		names[i] = c->zones[i].name;
	for (size_t i = 0; i < c->n_slots; i++)
		for (char **z = c->slots[i].zones; z && *z; z++) {
			if (config_zone_find(c, *z, NULL))
				continue;
			const char *near = config_near_name(*z, names, c->n_zones);
			if (near)
				config_diag_add(x->d, 0, x->path, c->slots[i].line,
						_("slot \"%s\" names the zone \"%s\", which is not in zones; did you mean %s?"),
						c->slots[i].name, *z, near);
			else
				config_diag_add(x->d, 0, x->path, c->slots[i].line,
						_("slot \"%s\" names the zone \"%s\", which is not in zones"),
						c->slots[i].name, *z);
		}
	free(names);
	for (size_t i = 0; c->audio.channels && i < c->n_zones; i++)
		if (c->zones[i].channel > c->audio.channels)
			config_diag_add(x->d, 0, x->path, c->zones[i].line,
					_("zone \"%s\" is on channel %d, but the output has %d (audio.channels); use a channel from 1 to %d"),
					c->zones[i].name, c->zones[i].channel, c->audio.channels,
					c->audio.channels);
}

/*
 * The link's ids go into MQTT topics and ACL patterns: letters, digits, '-'
 * and '_' only (no '/', '+', '#'); the province's key is 32 bytes in base64.
 */
static int
link_check(struct ctx *x, struct config *c, config_t *cf)
{
	static const char *const ids[] = { "link.province", "link.district", "link.commune" };
	const char *vals[] = { c->link.province, c->link.district, c->link.commune };
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		config_setting_t *s = config_lookup(cf, ids[i]);
		if (vals[i] && s && check_ident(x, s, vals[i]) < 0)
			return -1;
	}
	const char *k = c->link.province_key;
	config_setting_t *s = config_lookup(cf, "link.province_key");
	if (k && s &&
	    (strlen(k) < 43 || strlen(k) > 44 ||
	     strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != strlen(k)))
		return fail(x, s, _("must be the province's public key as 'loaxa-province keygen' prints it (44 characters of base64)"));
	if ((c->link.certfile != NULL) != (c->link.keyfile != NULL)) {
		s = config_lookup(cf, c->link.certfile ? "link.certfile" : "link.keyfile");
		return fail(x, s, _("a client certificate needs both link.certfile and link.keyfile"));
	}
	return 0;
}

/* web.listen is ADDRESS:PORT; HTTPS needs both the certificate and the key. */
static int
web_check(struct ctx *x, struct config *c, config_t *cf)
{
	const char *l = c->web.listen;
	const char *colon = strrchr(l, ':');
	size_t n = colon ? strlen(colon + 1) : 0;
	int port = n && n <= 5 ? ascii_number(colon + 1, n) : -1;
	if (!colon || colon == l || port < 0 || port > 65535) /* 0: any free port */
		return fail(x, config_lookup(cf, "web.listen"),
			    _("write ADDRESS:PORT, such as \"127.0.0.1:8080\" or \"[::1]:8080\""));
	if (!c->web.tls_cert != !c->web.tls_key)
		return fail(x, config_lookup(cf, c->web.tls_cert ? "web.tls_cert" : "web.tls_key"),
			    _("HTTPS needs both web.tls_cert and web.tls_key"));
	return 0;
}

/*
 * tts.voice, when set, is the voice of every region (else each region has
 * its own, tts_region_voice()); "" is the same as not set.  The airing log
 * keeps CONFIG_VOICE_MAX bytes of it with each item.
 */
static int
check_voice(struct ctx *x, config_t *cf)
{
	struct config *c = x->c;
	if (c->tts.voice && !*c->tts.voice) {
		free(c->tts.voice);
		c->tts.voice = NULL;
	}
	if (c->tts.voice && strlen(c->tts.voice) > CONFIG_VOICE_MAX) {
		free(c->tts.voice);
		c->tts.voice = NULL;
		char what[128];
		snprintf(what, sizeof what, _("is longer than %d bytes; name a voice"), CONFIG_VOICE_MAX);
		return fail(x, config_lookup(cf, "tts.voice"), what);
	}
	return 0;
}

/* Checks that need the whole file read: references between sections. */
static void
cross_check(struct ctx *x, struct config *c, config_t *cf)
{
	web_check(x, c, cf);
	const char **progs = xcalloc(c->n_programs + 1, sizeof *progs);
	for (size_t i = 0; i < c->n_programs; i++)
		progs[i] = c->programs[i].name;
	for (size_t i = 0; i < c->n_slots; i++) {
		const struct config_slot *sl = &c->slots[i];
		if (config_program_find(c, sl->program))
			continue;
		const char *near = config_near_name(sl->program, progs, c->n_programs);
		if (near)
			config_diag_add(x->d, 0, x->path, sl->line,
					_("slot \"%s\" names the programme \"%s\", which is not in programs; did you mean %s?"),
					sl->name, sl->program, near);
		else
			config_diag_add(x->d, 0, x->path, sl->line,
					_("slot \"%s\" names the programme \"%s\", which is not in programs"),
					sl->name, sl->program);
	}
	free(progs);
	zones_check(x, c);
	if (strcmp(c->tts.engine, "command") == 0 && !c->tts.command)
		config_diag_add(x->d, 0, x->path, config_line(c, "tts.engine"),
				_("tts.engine: the command engine needs tts.command = \"program\""));
	check_voice(x, cf);
	if (strlen(c->control_socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		fail(x, config_lookup(cf, "control_socket"),
		     _("is too long for a socket path (at most 107 bytes); choose a shorter one"));
	const char *tz = c->timezone;
	int ok = *tz && tz[0] != '/' && !strstr(tz, "..");
	if (ok) {
		char *zf = xasprintf("/usr/share/zoneinfo/%s", tz);
		struct stat st;
		ok = stat(zf, &st) == 0 && S_ISREG(st.st_mode);
		/* zone.tab, tzdata.zi ... are files there too, but not zones */
		char magic[4] = { 0 };
		FILE *f = ok ? fopen(zf, "rb") : NULL;
		ok = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
		if (f)
			fclose(f);
		free(zf);
	}
	if (!ok)
		fail(x, config_lookup(cf, "timezone"),
		     _("is not a known time zone; write a name such as \"Asia/Ho_Chi_Minh\""));
}

/* The built-in configuration: defaults, topics, the default programme and slots. */
static struct config *
config_defaults(void)
{
	struct config *c = xcalloc(1, sizeof *c);
	set_defaults(c);
	link_defaults(c);
	default_topics_set(c);
	default_programs(c);
	return c;
}

struct config *
config_load_diags(const char *path, struct config_diags *d)
{
	struct config *c = config_defaults();
	if (!path)
		return c;
	c->path = xstrdup(path);
	config_t cf;
	config_init(&cf);
	struct ctx x = { path, d, c };
	struct stat st;
	if (access(path, R_OK) < 0) {
		config_diag_add(d, 0, path, 0, _("cannot read the configuration file: %m"));
		goto fail;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* no line: "PATH is a directory" reads better without one */
		config_diag_add(d, 0, path, -1, _("%s is a directory, not a configuration file."), path);
		goto fail;
	}
	if (config_read_file(&cf, path) != CONFIG_TRUE) {
		const char *file = config_error_file(&cf) ? config_error_file(&cf) : path;
		const char *text = config_error_text(&cf);
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			config_diag_add(d, 0, path, 0, _("cannot read the configuration file"));
		else if (!text || strcmp(text, "syntax error") == 0)
			config_diag_add(d, 0, file, config_error_line(&cf),
					_("syntax error (look for a missing or extra \"=\", quote, brace or \";\" on this line or the ones above)"));
		else
			config_diag_add(d, 0, file, config_error_line(&cf), _("syntax error: %s"), text);
		goto fail;
	}
	read_group(&x, c, config_root_setting(&cf), top_keys);
	c->station.n_recipients = 0;
	while (c->station.recipients[c->station.n_recipients])
		c->station.n_recipients++;
	cross_check(&x, c, &cf);
	link_check(&x, c, &cf);
	config_destroy(&cf);
	return c;
fail:
	config_destroy(&cf);
	config_free(c);
	return NULL;
}

struct config *
config_load(const char *path, char *err)
{
	struct config_diags d = { 0 };
	struct config *c = config_load_diags(path, &d);
	if (d.errors) {
		size_t i = 0;
		while (d.v[i].warning)
			i++;
		if (d.errors > 1)
			err_set(err, _("%s (and %d more errors: 'loaxa config check' lists them all)"),
				d.v[i].text, d.errors - 1);
		else
			err_set(err, "%s", d.v[i].text);
		config_free(c);
		c = NULL;
	}
	config_diags_free(&d);
	return c;
}

int
config_line(const struct config *c, const char *key)
{
	for (size_t i = 0; i < c->n_keylines; i++)
		if (strcmp(c->keylines[i].key, key) == 0)
			return c->keylines[i].line;
	return 0;
}
void
config_free(struct config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->state_dir);
	free(c->timezone);
	free(c->station_name);
	station_free(&c->station);
	free(c->control_socket);
	free(c->emergency_jingle);
	free(c->live_jingle);
	free(c->live_end_jingle);
	free(c->audio.mic_device);
	free(c->audio.output);
	free(c->audio.device);
	free(c->audio.input_device);
	free(c->audio.wav_path);
	free(c->audio.on_missing);
	free(c->tts.engine);
	free(c->tts.voice);
	free(c->tts.region);
	free(c->tts.command);
	free(c->tts.lexicon);
	free(c->preroll.command);
	free(c->preroll.after);
	link_free(c);
	web_free(c);
	for (size_t i = 0; i < c->n_topics; i++) {
		free(c->topics[i].id);
		free(c->topics[i].name);
	}
	free(c->topics);
	for (size_t i = 0; i < c->n_programs; i++)
		program_free(&c->programs[i]);
	free(c->programs);
	for (size_t i = 0; i < c->n_slots; i++)
		slot_free(&c->slots[i]);
	free(c->slots);
	for (size_t i = 0; i < c->n_zones; i++)
		zone_free(&c->zones[i]);
	free(c->zones);
	for (size_t i = 0; i < c->n_keylines; i++)
		free(c->keylines[i].key);
	free(c->keylines);
	free(c);
}

int
config_apply_timezone(const struct config *c, char *err)
{
	if (setenv("TZ", c->timezone, 1) < 0) {
		err_set(err, _("Cannot set the time zone %s."), c->timezone);
		return -1;
	}
	tzset();
	return 0;
}

const struct config_topic *
config_topic_find(const struct config *c, const char *id)
{
	for (size_t i = 0; i < c->n_topics; i++)
		if (strcmp(c->topics[i].id, id) == 0)
			return &c->topics[i];
	return NULL;
}

const struct config_program *
config_program_find(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->n_programs; i++)
		if (strcmp(c->programs[i].name, name) == 0)
			return &c->programs[i];
	return NULL;
}

const struct config_slot *
config_slot_find(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->n_slots; i++)
		if (strcmp(c->slots[i].name, name) == 0)
			return &c->slots[i];
	return NULL;
}

const struct config_zone *
config_zone_find(const struct config *c, const char *name, size_t *index)
{
	for (size_t i = 0; i < c->n_zones; i++)
		if (strcmp(c->zones[i].name, name) == 0) {
			if (index)
				*index = i;
			return &c->zones[i];
		}
	return NULL;
}

int
config_channels(const struct config *c)
{
	if (c->audio.channels)
		return c->audio.channels;
	int n = 1;
	for (size_t i = 0; i < c->n_zones; i++)
		if (c->zones[i].channel > n)
			n = c->zones[i].channel;
	return n;
}

const char *
config_item_kind_name(enum config_item_kind k)
{
	static const char *const names[] = { "clip", "bulletin", "queue", "tts", "silence", "stream" };
	return names[k];
}

/* v in double quotes, as libconfig reads it back. */
static void
dump_quoted(struct sbuf *b, const char *v)
{
	sbuf_addc(b, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			sbuf_addc(b, '\\');
		sbuf_addc(b, *p);
	}
	sbuf_addc(b, '"');
}

static void
dump_str(struct sbuf *b, const char *indent, const char *key, const char *v)
{
	if (!v)
		return;
	sbuf_addf(b, "%s%s = ", indent, key);
	dump_quoted(b, v);
	sbuf_adds(b, ";\n");
}

/*
 * A number as libconfig reads it back to the same double: the shortest
 * %g that round-trips, with a point (or an exponent) so that it stays a
 * float.  LC_NUMERIC is "C" (i18n_init()), so the point is a point.
 */
static void
dump_float(struct sbuf *b, const char *indent, const char *key, double v, const char *end)
{
	char num[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(num, sizeof num, "%.*g", prec, v);
		if (strtod(num, NULL) == v)
			break;
	}
	if (!strpbrk(num, ".eEni"))
		strcat(num, ".0");
	sbuf_addf(b, "%s%s = %s;%s", indent, key, num, end);
}

static void
dump_station(struct sbuf *b, const struct config *c)
{
	const struct config_station *s = &c->station;
	sbuf_adds(b, "station = {\n");
	dump_str(b, "  ", "name", c->station_name);
	dump_str(b, "  ", "parent", s->parent);
	dump_str(b, "  ", "issuer", s->issuer);
	dump_str(b, "  ", "code", s->code);
	dump_str(b, "  ", "place", s->place);
	dump_str(b, "  ", "signer_title", s->signer_title);
	dump_str(b, "  ", "signer_name", s->signer_name);
	sbuf_adds(b, "  recipients = (");
	for (size_t i = 0; i < s->n_recipients; i++) {
		sbuf_adds(b, i ? ", " : " ");
		dump_quoted(b, s->recipients[i]);
	}
	sbuf_adds(b, " );\n};\n");
}

/* The header: a comment naming the file, in the reader's language. */
static void
dump_header(struct sbuf *b, const struct config *c)
{
	struct sbuf name = { 0 };
	/* a path is one line of the comment, whatever it holds */
	for (const char *p = c->path ? c->path : _("built-in defaults"); *p; p++)
		sbuf_addc(&name, (unsigned char)*p < 0x20 ? '?' : *p);
	sbuf_adds(b, "# ");
	sbuf_addf(b, _("effective configuration (%s)"), name.s);
	sbuf_addc(b, '\n');
	sbuf_free(&name);
}

static void
dump_link(struct sbuf *b, const struct config *c)
{
	sbuf_adds(b, "link = {\n");
	dump_str(b, "  ", "host", c->link.host);
	sbuf_addf(b, "  port = %d;\n  keepalive = %d;\n", c->link.port, c->link.keepalive);
	dump_str(b, "  ", "cafile", c->link.cafile);
	dump_str(b, "  ", "certfile", c->link.certfile);
	dump_str(b, "  ", "keyfile", c->link.keyfile);
	dump_str(b, "  ", "username", c->link.username);
	dump_str(b, "  ", "password_file", c->link.password_file);
	dump_str(b, "  ", "province", c->link.province);
	dump_str(b, "  ", "district", c->link.district);
	dump_str(b, "  ", "commune", c->link.commune);
	dump_str(b, "  ", "province_key", c->link.province_key);
	dump_str(b, "  ", "secret_key_file", c->link.secret_key_file);
	dump_str(b, "  ", "communes_file", c->link.communes_file);
	dump_str(b, "  ", "province_state_dir", c->link.province_state_dir);
	sbuf_addf(b, "  status_seconds = %d;\n  retry_seconds = %d;\n  max_age_days = %d;\n};\n",
		  c->link.status_seconds, c->link.retry_seconds, c->link.max_age_days);
}

static void
web_dump(struct sbuf *b, const struct config *c)
{
	sbuf_adds(b, "web = {\n");
	dump_str(b, "  ", "listen", c->web.listen);
	dump_str(b, "  ", "tls_cert", c->web.tls_cert);
	dump_str(b, "  ", "tls_key", c->web.tls_key);
	sbuf_addf(b, "  session_idle_minutes = %d;\n};\n", c->web.session_idle_minutes);
}

static void
dump_zones(struct sbuf *b, const struct config *c)
{
	if (!c->n_zones)
		return;
	sbuf_adds(b, "zones = (\n");
	for (size_t i = 0; i < c->n_zones; i++) {
		const struct config_zone *z = &c->zones[i];
		sbuf_adds(b, "  {");
		dump_str(b, " ", "name", z->name);
		b->len--;
		if (z->channel)
			sbuf_addf(b, " channel = %d;", z->channel);
		dump_str(b, " ", "on", z->on);
		if (z->on)
			b->len--;
		dump_str(b, " ", "off", z->off);
		if (z->off)
			b->len--;
		dump_str(b, " ", "icecast", z->icecast);
		if (z->icecast)
			b->len--;
		dump_str(b, " ", "icecast_password_file", z->icecast_password_file);
		if (z->icecast_password_file)
			b->len--;
		dump_str(b, " ", "icecast_admin_password_file", z->icecast_admin_password_file);
		if (z->icecast_admin_password_file)
			b->len--;
		sbuf_addf(b, " }%s\n", i + 1 < c->n_zones ? "," : "");
	}
	sbuf_adds(b, ");\n");
}

char *
config_dump(const struct config *c)
{
	struct sbuf b = { 0 };
	dump_header(&b, c);
	dump_str(&b, "", "state_dir", c->state_dir);
	dump_str(&b, "", "timezone", c->timezone);
	dump_str(&b, "", "control_socket", c->control_socket);
	sbuf_addf(&b, "approval_required = %s;\n", c->approval_required ? "true" : "false");
	sbuf_addf(&b, "lead_seconds = %d;\n", c->lead_seconds);
	if (c->emergency_jingle)
		dump_str(&b, "", "emergency_jingle", c->emergency_jingle);
	if (c->live_jingle)
		dump_str(&b, "", "live_jingle", c->live_jingle);
	if (c->live_end_jingle)
		dump_str(&b, "", "live_end_jingle", c->live_end_jingle);
	dump_station(&b, c);
	sbuf_adds(&b, "audio = {\n");
	dump_str(&b, "  ", "output", c->audio.output);
	dump_str(&b, "  ", "device", c->audio.device);
	dump_str(&b, "  ", "input_device", c->audio.input_device);
	if (c->audio.mic_device)
		dump_str(&b, "  ", "mic_device", c->audio.mic_device);
	dump_str(&b, "  ", "wav_path", c->audio.wav_path);
	sbuf_addf(&b, "  pace = %s;\n  sample_rate = %d;\n", c->audio.pace ? "true" : "false",
		  c->audio.sample_rate);
	dump_float(&b, "  ", "loudness_lufs", c->audio.loudness_lufs, "\n");
	dump_float(&b, "  ", "true_peak_dbtp", c->audio.true_peak_dbtp, "\n");
	dump_float(&b, "  ", "highpass_hz", c->audio.highpass_hz, "\n");
	dump_float(&b, "  ", "duck_db", c->audio.duck_db, "\n");
	dump_float(&b, "  ", "duck_attack", c->audio.duck_attack, "\n");
	dump_float(&b, "  ", "duck_release", c->audio.duck_release, "\n");
	dump_str(&b, "  ", "on_missing", c->audio.on_missing);
	dump_float(&b, "  ", "relay_silence_s", c->audio.relay_silence_s, "\n");
	if (c->audio.channels)
		sbuf_addf(&b, "  channels = %d;\n", c->audio.channels);
	dump_float(&b, "  ", "zone_timeout", c->audio.zone_timeout, "\n");
	sbuf_adds(&b, "};\ntts = {\n");
	dump_str(&b, "  ", "engine", c->tts.engine);
	dump_str(&b, "  ", "region", c->tts.region);
	dump_str(&b, "  ", "voice", c->tts.voice);
	sbuf_addf(&b, "  rate = %d;\n  pitch = %d;\n  cache_mb = %d;\n  max_syllables = %d;\n",
		  c->tts.rate, c->tts.pitch, c->tts.cache_mb, c->tts.max_syllables);
	dump_str(&b, "  ", "command", c->tts.command);
	dump_str(&b, "  ", "lexicon", c->tts.lexicon);
	dump_voices(&b, c);
	sbuf_adds(&b, "};\npreroll = {\n");
	dump_str(&b, "  ", "command", c->preroll.command);
	sbuf_addf(&b, "  seconds = %d;\n", c->preroll.seconds);
	dump_str(&b, "  ", "after", c->preroll.after);
	sbuf_adds(&b, "};\nlive = {\n");
	dump_float(&b, "  ", "highpass_hz", c->live.highpass_hz, "\n");
	sbuf_addf(&b, "};\ntargets = {\n  cchc_per_month = %d;\n};\ntopics = (\n", c->cchc_per_month);
	for (size_t i = 0; i < c->n_topics; i++) {
		sbuf_adds(&b, "  {");
		dump_str(&b, " ", "id", c->topics[i].id);
		b.len--; /* keep the entry on one line */
		dump_str(&b, " ", "name", c->topics[i].name);
		b.len--;
		sbuf_addf(&b, " cchc = %s; }%s\n", c->topics[i].cchc ? "true" : "false",
			  i + 1 < c->n_topics ? "," : "");
	}
	sbuf_adds(&b, ");\n");
	web_dump(&b, c);
	sbuf_adds(&b, "programs = {\n");
	for (size_t i = 0; i < c->n_programs; i++) {
		const struct config_program *p = &c->programs[i];
		sbuf_addf(&b, "  %s = {\n", p->name);
		dump_float(&b, "    ", "max_minutes", p->max_minutes, "\n    items = (\n");
		for (size_t j = 0; j < p->n_items; j++) {
			const struct config_item *it = &p->items[j];
			sbuf_adds(&b, "      {");
			switch (it->kind) {
			case CONFIG_ITEM_CLIP:
				dump_str(&b, " ", "clip", it->clip);
				b.len--;
				break;
			case CONFIG_ITEM_BULLETIN:
				sbuf_addf(&b, " bulletin = %lld;", it->bulletin);
				break;
			case CONFIG_ITEM_QUEUE:
				sbuf_adds(&b, " queue = true;");
				break;
			case CONFIG_ITEM_TTS:
				dump_str(&b, " ", "tts", it->tts);
				b.len--;
				break;
			case CONFIG_ITEM_SILENCE:
				dump_float(&b, " ", "silence", it->silence, "");
				break;
			case CONFIG_ITEM_STREAM:
				if (it->line_in) {
					sbuf_adds(&b, " line_in = true;");
				} else {
					dump_str(&b, " ", "stream", it->stream);
					b.len--;
				}
				dump_float(&b, " ", "minutes", it->minutes, "");
				if (it->fallback) {
					dump_str(&b, " ", "fallback", it->fallback);
					b.len--;
				}
				break;
			}
			if (it->gain_db)
				dump_float(&b, " ", "gain_db", it->gain_db, "");
			if (it->fade_in)
				dump_float(&b, " ", "fade_in", it->fade_in, "");
			if (it->fade_out)
				dump_float(&b, " ", "fade_out", it->fade_out, "");
			if (it->crossfade)
				dump_float(&b, " ", "crossfade", it->crossfade, "");
			if (it->gap)
				dump_float(&b, " ", "gap", it->gap, "");
			if (it->bed) {
				dump_str(&b, " ", "bed", it->bed);
				b.len--;
				dump_float(&b, " ", "duck_db", it->duck_db, "");
			}
			sbuf_addf(&b, " }%s\n", j + 1 < p->n_items ? "," : "");
		}
		sbuf_adds(&b, "    );\n  };\n");
	}
	sbuf_adds(&b, "};\nslots = (\n");
	for (size_t i = 0; i < c->n_slots; i++) {
		const struct config_slot *s = &c->slots[i];
		sbuf_adds(&b, "  {");
		dump_str(&b, " ", "name", s->name);
		b.len--;
		dump_str(&b, " ", "when", s->when);
		b.len--;
		dump_str(&b, " ", "program", s->program);
		b.len--;
		for (char **z = s->zones; z && *z; z++) {
			sbuf_adds(&b, z == s->zones ? " zones = ( " : ", ");
			dump_quoted(&b, *z);
			if (!z[1])
				sbuf_adds(&b, " );");
		}
		sbuf_addf(&b, " catch_up_minutes = %d; priority = %d; }%s\n", s->catch_up_minutes,
			  s->priority, i + 1 < c->n_slots ? "," : "");
	}
	sbuf_adds(&b, ");\n");
	dump_zones(&b, c);
	dump_link(&b, c);
	return sbuf_steal(&b);
}

const char *
config_mic_device(const struct config *c)
{
	return c->audio.mic_device ? c->audio.mic_device : c->audio.input_device;
}
