/*
 * ops — bulletins: what their text may hold, adding and editing (a new
 * version each time), approving (refused while the text would sound
 * wrong), sending back, retiring, rendering as it would air.  `loaxa
 * bulletin` and the web console both call these.
 */
#include "ops/ops.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/base.h"
#include "config/config.h"
#include "import/import.h"
#include "playlists/playlists.h"
#include "store/store.h"
#include "tts/tts.h"

static const char *const classes[] = { "normal", "priority", "emergency" };

/* C0 controls, DEL and the C1 controls: not text, and a terminal obeys them. */
static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* The first control character of valid UTF-8 s and its byte offset; 0 when there is none. */
static uint32_t
first_control(const char *s, size_t *off)
{
	for (const char *p = s; *p;) {
		uint32_t cp;
		int n = utf8_decode(p, &cp);
		if (is_control(cp)) {
			*off = (size_t)(p - s);
			return cp;
		}
		p += n;
	}
	return 0;
}

/*
 * Bulletin text may hold TAB, LF and CR, and no other control character
 * (an escape sequence, a bell, a backspace pasted from a terminal or a
 * PDF): refused with its line:column, counted in characters as the lint
 * does.  A form feed, pdftotext's page break, becomes a line break.
 */
static int
check_controls(char *text, size_t len, const char *name, char *err)
{
	int line = 1, col = 1;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(text + i, &cp);
		if (cp == '\f')
			text[i] = '\n', cp = '\n';
		if (cp == '\n') {
			line++, col = 1;
		} else if (is_control(cp) && cp != '\t' && cp != '\r') {
			err_set(err, _("%s:%d:%d: the text holds the control character U+%04X; remove it (it is not text and cannot be read)."),
				name, line, col, (unsigned)cp);
			return OPS_INVALID;
		} else {
			col++;
		}
		i += (size_t)n;
	}
	return 0;
}

/* A letter or a digit in the spoken form: something a listener would hear. */
static int
speaks_words(const char *spoken)
{
	for (const char *p = spoken; *p;) {
		uint32_t cp;
		p += utf8_decode(p, &cp);
		utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
		if ((c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
		    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO))
			return 1;
	}
	return 0;
}

int
ops_text_prepare(struct ops *o, const char *text, size_t len, const char *name,
		 const char *select, char **out, char *err)
{
	*out = NULL;
	if (len > OPS_TEXT_MAX) {
		err_set(err, _("The text is longer than the limit of %d bytes (1 MiB); split it into several bulletins."),
			OPS_TEXT_MAX);
		return OPS_INVALID;
	}
	size_t bad;
	if (utf8_check(text, len, &bad) < 0) {
		err_set(err, _("%s is not valid UTF-8 text (bad byte at offset %zu); save it as UTF-8 and try again."),
			name, bad);
		return OPS_INVALID;
	}
	char *raw = xstrndup(text, len);
	if (check_controls(raw, len, name, err) < 0) {
		free(raw);
		return OPS_INVALID;
	}
	if (strspn(raw, " \t\r\n") == len) {
		err_set(err, _("The text from %s is empty; a bulletin needs something to say."), name);
		free(raw);
		return OPS_INVALID;
	}
	char *nfc = utf8_nfc(raw);
	free(raw);
	if (select) { /* one section of a text file, as of a document */
		char *part = import_select(nfc, select, err);
		free(nfc);
		if (!part)
			return OPS_INVALID;
		nfc = part;
	}
	struct tts_lexicon *lex = ops_lexicon(o, err);
	if (!lex) {
		free(nfc);
		return OPS_ERROR;
	}
	char *spoken = tts_normalize(lex, nfc, strlen(nfc), err);
	if (!spoken) {
		free(nfc);
		return OPS_INVALID;
	}
	int words = speaks_words(spoken);
	free(spoken);
	if (!words) {
		err_set(err, _("%s has nothing to read aloud: no words, only punctuation and symbols."),
			name);
		free(nfc);
		return OPS_INVALID;
	}
	*out = nfc;
	return 0;
}

static int
check_dates(const char *from, const char *until, char *err)
{
	int y, m, d;
	if (from && date_parse(from, &y, &m, &d) < 0) {
		err_set(err, _("--from %s is not a date that exists; write YYYY-MM-DD."), from);
		return OPS_INVALID;
	}
	if (until && date_parse(until, &y, &m, &d) < 0) {
		err_set(err, _("--until %s is not a date that exists; write YYYY-MM-DD."), until);
		return OPS_INVALID;
	}
	if (from && until && strcmp(until, from) < 0) {
		err_set(err, _("--until %s is before --from %s; a bulletin cannot end before it starts."),
			until, from);
		return OPS_INVALID;
	}
	return 0;
}

static void
set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

/* Applies the fields given to b (not the recording); OPS_INVALID with err. */
static int
apply_fields(struct ops *o, struct store_bulletin *b, const struct ops_bulletin_in *in, char *err)
{
	const struct config *cfg = o->cfg;
	size_t bad;
	if (in->title) {
		if (!*in->title || utf8_check(in->title, strlen(in->title), &bad) < 0 ||
		    strlen(in->title) > OPS_TITLE_MAX || first_control(in->title, &bad)) {
			err_set(err, _("The title must be 1 to 500 bytes of UTF-8 text without control characters."));
			return OPS_INVALID;
		}
		set_str(&b->title, utf8_nfc(in->title));
	}
	if (in->topic) {
		if (ops_name_check(cfg, OPS_TOPIC, in->topic, err) < 0)
			return OPS_INVALID;
		set_str(&b->topic, xstrdup(in->topic));
	}
	if (in->klass) {
		size_t i = 0;
		while (i < ARRAY_LEN(classes) && strcmp(in->klass, classes[i]) != 0)
			i++;
		if (i == ARRAY_LEN(classes)) {
			err_set(err, _("--class is normal, priority or emergency (got %s)"), in->klass);
			return OPS_INVALID;
		}
		set_str(&b->klass, xstrdup(in->klass));
	}
	if (in->region) {
		if (!tts_region_valid(in->region) && strcmp(in->region, "station") != 0) {
			err_set(err, _("--region is north, central, south or station (got %s)"), in->region);
			return OPS_INVALID;
		}
		set_str(&b->region, strcmp(in->region, "station") != 0 ? xstrdup(in->region) : NULL);
	}
	if (in->zones) {
		char *zones;
		if (ops_zones_parse(cfg, in->zones, &zones, err) < 0)
			return OPS_INVALID;
		set_str(&b->zones, zones);
	}
	if (in->source) {
		uint32_t cp;
		if (utf8_check(in->source, strlen(in->source), &bad) < 0) {
			err_set(err, _("The source is not valid UTF-8 (bad byte at offset %zu); it must be UTF-8 text without control characters."),
				bad);
			return OPS_INVALID;
		}
		if ((cp = first_control(in->source, &bad))) {
			err_set(err, _("The source holds the control character U+%04X at offset %zu; it must be UTF-8 text without control characters."),
				(unsigned)cp, bad);
			return OPS_INVALID;
		}
		set_str(&b->source, utf8_nfc(in->source));
	}
	if (in->from)
		set_str(&b->valid_from, xstrdup(in->from));
	if (in->until)
		set_str(&b->valid_until, xstrdup(in->until));
	if (check_dates(b->valid_from, b->valid_until, err) < 0)
		return OPS_INVALID;
	if (in->airings > 10000) {
		err_set(err, _("--airings takes a whole number from 0 to 10000 (got %d)"), in->airings);
		return OPS_INVALID;
	}
	if (in->airings >= 0)
		b->airings_wanted = in->airings;
	if (in->text) {
		char *t;
		int rc = ops_text_prepare(o, in->text, in->text_len,
					  in->text_name ? in->text_name : _("the text"), in->select, &t,
					  err);
		if (rc < 0)
			return rc;
		set_str(&b->text, t);
	}
	return 0;
}

int
ops_bulletin_add(struct ops *o, const struct ops_bulletin_in *in, const char *who, int64_t *id,
		 char *err)
{
	if (!in->title) {
		err_set(err, _("add needs --title"));
		return OPS_INVALID;
	}
	if (!in->topic) {
		err_set(err, _("add needs --topic"));
		return OPS_INVALID;
	}
	if (!in->text && !in->audio) {
		err_set(err, _("add needs text (--file or --text) or a recording (--audio)"));
		return OPS_INVALID;
	}
	struct store_bulletin b = { .airings_wanted = 1 };
	int rc = apply_fields(o, &b, in, err);
	if (rc < 0)
		goto out;
	b.state = xstrdup(o->cfg->approval_required ? "draft" : "approved");
	b.by = who ? xstrdup(who) : NULL;
	int64_t clip_id = 0;
	if (in->audio) {
		if ((rc = ops_recording_import(o, in->audio, &clip_id, err)) < 0)
			goto out;
		b.audio_clip_id = clip_id;
	}
	if (store_bulletin_add(o->st, &b, err) < 0) {
		if (clip_id)
			ops_clip_discard(o, clip_id);
		rc = OPS_ERROR;
		goto out;
	}
	*id = b.id;
	ops_daemon_poke(o->cfg);
out:
	store_bulletin_clear(&b);
	return rc;
}

static int
get(struct ops *o, int64_t id, struct store_bulletin *b, char *err)
{
	int rc = store_bulletin_get(o->st, id, b, err);
	return rc == STORE_NOTFOUND ? OPS_NOTFOUND : rc < 0 ? OPS_ERROR : 0;
}

int
ops_bulletin_edit(struct ops *o, int64_t id, const struct ops_bulletin_in *in, const char *who,
		  char *err)
{
	struct store_bulletin b;
	int rc = get(o, id, &b, err);
	if (rc < 0)
		return rc;
	int64_t clip_id = 0;
	if ((rc = apply_fields(o, &b, in, err)) < 0)
		goto out;
	if (in->audio) {
		if ((rc = ops_recording_import(o, in->audio, &clip_id, err)) < 0)
			goto out;
		b.audio_clip_id = clip_id;
	}
	b.by = who ? xstrdup(who) : NULL;
	/*
	 * An approval covers the version approved, not what is written after
	 * it: with approval_required the bulletin is a draft before the new
	 * version exists, so no moment lets unapproved text air.
	 */
	int back_to_draft = o->cfg->approval_required && strcmp(b.state, "approved") == 0;
	if (back_to_draft && store_bulletin_set_state(o->st, id, "draft", err) < 0) {
		rc = OPS_ERROR;
		goto fail_clip;
	}
	if (store_bulletin_update(o->st, &b, err) < 0) {
		if (back_to_draft)
			store_bulletin_set_state(o->st, id, "approved", NULL);
		rc = OPS_ERROR;
		goto fail_clip;
	}
	ops_daemon_poke(o->cfg);
	goto out;
fail_clip:
	if (clip_id)
		ops_clip_discard(o, clip_id);
out:
	store_bulletin_clear(&b);
	return rc;
}

int
ops_bulletin_lint(struct ops *o, const char *text, struct tts_finding **f, size_t *n, char *err)
{
	*f = NULL;
	*n = 0;
	struct tts_lexicon *lex = ops_lexicon(o, err);
	if (!lex)
		return OPS_ERROR;
	if (!text)
		return 0;
	if (tts_lint(lex, text, strlen(text), o->cfg->tts.max_syllables, f, n, err) < 0)
		return OPS_INVALID;
	return 0;
}

/* Sets the state and, for a decision, the review row, in one transaction. */
static int
decide(struct ops *o, const struct store_bulletin *b, const char *state, const char *decision,
       const char *who, const char *comment, char *err)
{
	if (store_begin(o->st, err) < 0)
		return OPS_ERROR;
	struct store_review r = { .bulletin_id = b->id, .version = b->version,
				  .decision = (char *)decision, .reviewer = (char *)who,
				  .comment = (char *)comment };
	if (store_bulletin_set_state(o->st, b->id, state, err) < 0 ||
	    (decision && store_review_add(o->st, &r, err) < 0) || store_commit(o->st, err) < 0) {
		store_rollback(o->st);
		return OPS_ERROR;
	}
	ops_daemon_poke(o->cfg);
	return 0;
}

int
ops_bulletin_approve(struct ops *o, int64_t id, int force, const char *who,
		     struct tts_finding **fo, size_t *no, char *err)
{
	if (fo)
		*fo = NULL, *no = 0;
	struct store_bulletin b;
	int rc = get(o, id, &b, err);
	if (rc < 0)
		return rc;
	if (strcmp(b.state, "retired") == 0) {
		err_set(err, _("Bulletin %lld is retired; a retired bulletin is not aired again. Add it anew if it is needed."),
			(long long)id);
		rc = OPS_REFUSED;
		goto out;
	}
	if (b.text && !force) {
		struct tts_finding *f;
		size_t n, told = 0, errors = 0;
		if ((rc = ops_bulletin_lint(o, b.text, &f, &n, err)) < 0)
			goto out;
		/*
		 * what would be heard wrong blocks; a guess is told, not held
		 * against it; a long sentence is advice for the editor
		 */
		for (size_t i = 0; i < n; i++) {
			if (f[i].kind == TTS_LINT_LONG_SENTENCE) {
				free(f[i].text);
				free(f[i].message);
				continue;
			}
			errors += tts_lint_blocks(f[i].kind);
			f[told++] = f[i];
		}
		if (fo)
			*fo = f, *no = told;
		else
			tts_findings_free(f, told);
		if (errors) {
			err_set(err, _("Bulletin %lld has %zu problems that would be heard on air; fix the text with 'loaxa bulletin edit', or approve anyway with --force."),
				(long long)id, errors);
			rc = OPS_REFUSED;
			goto out;
		}
	}
	rc = decide(o, &b, "approved", "approved", who, NULL, err);
out:
	store_bulletin_clear(&b);
	return rc;
}

int
ops_bulletin_return(struct ops *o, int64_t id, const char *who, const char *comment, char *err)
{
	size_t bad;
	if (comment && (utf8_check(comment, strlen(comment), &bad) < 0 || strlen(comment) > 2000)) {
		err_set(err, _("The comment must be at most 2000 bytes of UTF-8 text."));
		return OPS_INVALID;
	}
	struct store_bulletin b;
	int rc = get(o, id, &b, err);
	if (rc < 0)
		return rc;
	if (strcmp(b.state, "draft") != 0) {
		err_set(err, _("Bulletin %lld is %s; only a draft waiting for approval can be sent back."),
			(long long)id, _(b.state));
		rc = OPS_REFUSED;
	} else {
		rc = decide(o, &b, "draft", "returned", who, comment && *comment ? comment : NULL, err);
	}
	store_bulletin_clear(&b);
	return rc;
}

int
ops_bulletin_retire(struct ops *o, int64_t id, const char *who, char *err)
{
	struct store_bulletin b;
	int rc = get(o, id, &b, err);
	if (rc < 0)
		return rc;
	rc = decide(o, &b, "retired", NULL, who, NULL, err);
	store_bulletin_clear(&b);
	return rc;
}

int
ops_bulletin_render(struct ops *o, int64_t id, const char *wav, double *length_s, char *err)
{
	struct tts_lexicon *lex = ops_lexicon(o, err);
	if (!lex)
		return OPS_ERROR;
	struct store_bulletin b;
	int rc = get(o, id, &b, err);
	if (rc < 0)
		return rc;
	store_bulletin_clear(&b);
	struct pl_program *p = pl_build_bulletin(o->cfg, o->st, id, err);
	if (!p)
		return OPS_ERROR;
	struct pl_env env;
	pl_env_from_config(&env, o->cfg, o->state_dir, lex);
	rc = pl_render(p, &env, err) < 0 || pl_render_wav(p, &env, wav, err) < 0 ? OPS_ERROR : 0;
	*length_s = p->length_s;
	pl_free(p);
	pl_env_clear(&env);
	return rc;
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
time_or_null(int64_t ms)
{
	char iso[40];
	if (!ms)
		return json_null();
	time_iso8601(ms, iso);
	return json_string(iso);
}

json_t *
ops_bulletin_json(const struct store_bulletin *b, int with_text)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(b->id));
	json_object_set_new(o, "version", json_integer(b->version));
	json_object_set_new(o, "title", json_string(b->title));
	json_object_set_new(o, "topic", json_string(b->topic));
	json_object_set_new(o, "class", json_string(b->klass));
	json_object_set_new(o, "state", json_string(b->state));
	json_object_set_new(o, "region", str_or_null(b->region));
	json_object_set_new(o, "zones", str_or_null(b->zones));
	if (with_text)
		json_object_set_new(o, "text", str_or_null(b->text));
	json_object_set_new(o, "source", str_or_null(b->source));
	json_object_set_new(o, "valid_from", str_or_null(b->valid_from));
	json_object_set_new(o, "valid_until", str_or_null(b->valid_until));
	json_object_set_new(o, "airings_wanted", json_integer(b->airings_wanted));
	json_object_set_new(o, "airings_done", json_integer(b->airings_done));
	json_object_set_new(o, "audio_clip_id",
			    b->audio_clip_id ? json_integer(b->audio_clip_id) : json_null());
	json_object_set_new(o, "created_at", time_or_null(b->created_at));
	json_object_set_new(o, "updated_at", time_or_null(b->updated_at));
	json_object_set_new(o, "made_by", str_or_null(b->made_by));
	return o;
}
