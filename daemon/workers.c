/*
 * The daemon's two worker threads.  The render thread turns planned airings
 * into rendered ones (speech synthesis, decoding checks: blocking work that
 * must never stall the loop; espeak-ng is not thread-safe, and this one
 * thread is the only one that synthesises).  The player thread plays them at
 * their instant.  Both report through a list of events and an eventfd.
 *
 * The player keeps the sound device open while airings are planned
 * (workers_warm()): opening a PortAudio stream through ALSA's pulse plugin
 * takes most of a second, too long to do at the instant, so the stream is
 * opened ahead (at render time) and fed silence until the airing, and
 * opened again ahead of time after the device failed.  With nothing
 * planned it is closed and the thread sleeps.
 *
 * An airing to an IP zone (a zone with an Icecast mount) is streamed there
 * from what the sound card plays (a tee on the sink): the stream opens
 * when the player takes the airing (ARM_AHEAD_MS before its instant, like
 * the device's own silence lead-in) and stays open, fed the card's
 * silence, for as long as the device is kept open; one that failed is
 * opened again for the zone's next airing.  A stream never holds the card
 * up (audio/icecast.c); what went wrong is said in the airing's reason.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "playlists/playlists.h"
#include "reports/reports.h"

/* While the device is missing, how often the player tries to open it again. */
#define SINK_RETRY_MS 2000

/*
 * The loop keeps every airing on its own list through a->next, so the
 * worker queues hold small nodes of their own.
 */
struct node {
	struct airing *a;
	struct node *next;
};

struct nqueue {
	struct node *head;
	pthread_cond_t cond;
};

struct workers {
	pthread_mutex_t lock;
	int evfd;
	int quit;
	struct pl_env env;
	struct nqueue render_q, play_q;
	struct event *events, **events_tail;
	pthread_t render_thread, play_thread;
	struct airing *playing;
	struct pl_stop stop;
	_Atomic double position_s;
	int warm;   /* the loop wants the device open (under lock) */
	int reopen; /* the configuration changed: open the device anew (under lock) */
	/* the player thread's own */
	struct audio_sink *sink; /* open while airings follow each other, or while warm */
	int sink_down;           /* opening or feeding it failed: said once */
	int released;            /* the sound system is shut down (audio_release()) */
	int64_t retry_ms;        /* when to try opening it again (CLOCK_MONOTONIC) */
	int64_t sound_ms;        /* when the last airing's sound was written (CLOCK_MONOTONIC) */
	struct stream {          /* the IP zones' streams, open while the device is */
		char *zone, *url;
		struct audio_icecast *ic;
		int on; /* the airing playing goes to it: the others get silence */
	} streams[CONFIG_MAX_ZONES];
	size_t n_streams;
	struct audio_record *rec; /* a live announcement's recording while it plays (player thread) */
};

/* What the player's callbacks need. */
struct play_ctx {
	struct workers *w;
	struct airing *a;
};

static void
post(struct workers *w, enum event_kind kind, struct airing *a, size_t items_done)
{
	struct event *e = xcalloc(1, sizeof *e);
	e->kind = kind;
	e->a = a;
	e->items_done = items_done;
	pthread_mutex_lock(&w->lock);
	*w->events_tail = e;
	w->events_tail = &e->next;
	pthread_mutex_unlock(&w->lock);
	uint64_t one = 1;
	(void)!write(w->evfd, &one, sizeof one);
}

static struct airing *
npop(struct workers *w, struct nqueue *q)
{
	pthread_mutex_lock(&w->lock);
	while (!q->head && !w->quit)
		pthread_cond_wait(&q->cond, &w->lock);
	struct airing *a = NULL;
	if (!w->quit && q->head) {
		struct node *n = q->head;
		q->head = n->next;
		a = n->a;
		free(n);
	}
	pthread_mutex_unlock(&w->lock);
	return a;
}

static void
npush(struct workers *w, struct nqueue *q, struct airing *a, int front)
{
	struct node *n = xcalloc(1, sizeof *n);
	n->a = a;
	pthread_mutex_lock(&w->lock);
	struct node **p = &q->head;
	if (!front)
		while (*p)
			p = &(*p)->next;
	n->next = *p;
	*p = n;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&w->lock);
}

static void *
render_main(void *arg)
{
	struct workers *w = arg;
	struct airing *a;
	while ((a = npop(w, &w->render_q))) {
		struct pl_env env;
		pthread_mutex_lock(&w->lock);
		pl_env_copy(&env, &w->env);
		pthread_mutex_unlock(&w->lock);
		if (pl_render(a->prog, &env, a->render_err) < 0)
			a->render_failed = 1;
		pl_env_clear(&env);
		post(w, EV_RENDERED, a, 0);
	}
	return NULL;
}

static void
on_started(void *arg, int64_t ms)
{
	struct play_ctx *x = arg;
	x->a->started_ms = ms;
	/* the loop reads started_ms after the event; the lock in post() orders it */
	post(x->w, EV_STARTED, x->a, 0);
}

static void
on_item(void *arg, size_t done)
{
	struct play_ctx *x = arg;
	post(x->w, EV_ITEM, x->a, done);
}

static int64_t
mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The sink's tee: each IP zone's stream gets what the card plays, or silence. */
static void
tee(void *arg, const float *buf, long n)
{
	struct workers *w = arg;
	for (size_t i = 0; i < w->n_streams; i++)
		audio_icecast_write(w->streams[i].ic, w->streams[i].on ? buf : NULL, n);
	if (w->rec)
		audio_record_write(w->rec, buf, n);
}

/* The recording an airing asks for (a live announcement's item names it), or NULL. */
static const char *
recording_of(const struct airing *a)
{
	for (size_t k = 0; a->prog && k < pl_count(a->prog); k++)
		if (a->prog->items[k].recording)
			return a->prog->items[k].recording;
	return NULL;
}

static void
stream_drop(struct workers *w, size_t i)
{
	audio_icecast_close(w->streams[i].ic);
	free(w->streams[i].zone);
	free(w->streams[i].url);
	w->streams[i] = w->streams[--w->n_streams];
}

static void
streams_close(struct workers *w)
{
	while (w->n_streams)
		stream_drop(w, w->n_streams - 1);
}

static void
add_problem(struct sbuf *problems, const char *zone, const char *why)
{
	if (problems->len)
		sbuf_adds(problems, "; ");
	sbuf_addf(problems, AUDIO_ICECAST_REASON, zone, why);
	daemon_log(4, _("zone %s was not reached over Icecast: %s; the airing goes on"), zone, _(why));
}

/*
 * Before an airing: the streams of its IP zones, kept from before when
 * they still work, else opened; they get the airing, the others silence.
 */
static void
streams_start(struct workers *w, const struct zone_target *t, int rate, struct sbuf *problems)
{
	for (size_t i = 0; i < w->n_streams; i++)
		w->streams[i].on = 0;
	for (size_t k = 0; t && k < t->n; k++) {
		if (!t->icecast[k])
			continue;
		size_t i = 0;
		while (i < w->n_streams && strcmp(w->streams[i].zone, t->zone[k]) != 0)
			i++;
		if (i < w->n_streams && (strcmp(w->streams[i].url, t->icecast[k]) != 0 ||
					 audio_icecast_failed(w->streams[i].ic))) {
			stream_drop(w, i);
			i = w->n_streams;
		}
		if (i == w->n_streams) {
			char err[ERRLEN], *pw = NULL;
			size_t len;
			if (file_read_all(t->icecast_pw[k], 4096, &pw, &len, err) < 0) {
				add_problem(problems, t->zone[k], AUDIO_ICECAST_PWFILE);
				continue;
			}
			pw[strcspn(pw, "\r\n")] = 0;
			char *admin = NULL;
			if (t->icecast_admin[k] && file_read_all(t->icecast_admin[k], 4096, &admin, &len, err) == 0)
				admin[strcspn(admin, "\r\n")] = 0;
			else if (t->icecast_admin[k])
				daemon_log(4, _("zone %s: cannot read icecast_admin_password_file: %s; its listeners are not counted"),
					   t->zone[k], err);
			struct audio_icecast *ic = audio_icecast_open(t->icecast[k], pw, admin, rate, err);
			free(pw);
			free(admin);
			if (!ic) {
				add_problem(problems, t->zone[k], AUDIO_ICECAST_OTHER);
				continue;
			}
			w->streams[i] = (struct stream){ xstrdup(t->zone[k]), xstrdup(t->icecast[k]), ic, 0 };
			w->n_streams++;
		}
		w->streams[i].on = 1;
		audio_icecast_listening(w->streams[i].ic, 1); /* count this airing's listeners */
	}
}

/* After an airing: says which of its IP zones were not reached, and why. */
static void
streams_end(struct workers *w, struct sbuf *problems)
{
	for (size_t i = 0; i < w->n_streams; i++) {
		struct stream *st = &w->streams[i];
		if (!st->on)
			continue;
		st->on = 0;
		const char *why = audio_icecast_failed(st->ic);
		if (!why && !audio_icecast_connected(st->ic))
			why = AUDIO_ICECAST_NOANSWER;
		if (why) {
			add_problem(problems, st->zone, why);
		} else if (audio_icecast_listening(st->ic, 1) == 0) {
			/* the server counted nobody on the mount: the cluster did not hear it */
			if (problems->len)
				sbuf_adds(problems, "; ");
			sbuf_addf(problems, AUDIO_ICECAST_NOBODY, st->zone);
		}
	}
}

/*
 * Closes the player's sink: at once when it has been fed only silence for
 * longer than its buffer (nothing of an airing is left in it), else after
 * playing out what it holds.
 */
static void
close_sink(struct workers *w)
{
	if (!w->sink)
		return;
	if (mono_ms() - w->sound_ms > (int64_t)(audio_sink_latency(w->sink) * 1000) + 200)
		audio_sink_discard(w->sink);
	else
		audio_sink_close(w->sink, NULL);
	w->sink = NULL;
	streams_close(w);
}

/*
 * Keeps the device open and its buffer full of silence while the loop wants
 * it warm: opens it (again every SINK_RETRY_MS while that fails) and writes
 * what it has room for.  Returns how long to sleep before the next round
 * (ms).  On the player thread, without the lock.
 */
static int64_t
feed(struct workers *w, const struct audio_sink_opts *so)
{
	char err[ERRLEN];
	int64_t now = mono_ms();
	if (!w->sink) {
		if (now < w->retry_ms)
			return w->retry_ms - now;
		w->sink = audio_sink_open(so, err);
		if (!w->sink) {
			if (!w->sink_down)
				daemon_log(4, _("cannot open the sound device ahead of the next airing: %s; trying again every %d s"),
					   err, SINK_RETRY_MS / 1000);
			w->sink_down = 1;
			w->retry_ms = now + SINK_RETRY_MS;
			return SINK_RETRY_MS;
		}
		if (w->sink_down)
			daemon_log(5, _("the sound device is open again"));
		w->sink_down = 0;
		audio_sink_tee(w->sink, tee, w);
	}
	static const float zero[AUDIO_BLOCK];
	for (long room; (room = audio_sink_room(w->sink)) > 0;) {
		if (audio_sink_write(w->sink, zero, room < AUDIO_BLOCK ? room : AUDIO_BLOCK, err) < 0) {
			daemon_log(4, _("the sound device failed while waiting for the next airing: %s; opening it again"),
				   err);
			close_sink(w);
			w->sink_down = 1;
			w->retry_ms = now + SINK_RETRY_MS;
			return SINK_RETRY_MS;
		}
	}
	/* wake again well before the buffer runs dry */
	int64_t ms = (int64_t)(audio_sink_latency(w->sink) * 1000 / 3);
	return ms < 5 ? 5 : ms > 50 ? 50 : ms;
}

/*
 * Waits until what was written to the sink has left it (its latency),
 * feeding it silence meanwhile: a zone's off command must not cut the end.
 */
static void
play_out(struct audio_sink *sink)
{
	static const float zero[AUDIO_BLOCK];
	char err[ERRLEN];
	int64_t until = mono_ms() + (int64_t)(audio_sink_latency(sink) * 1000) + 50;
	while (mono_ms() < until) {
		long room = audio_sink_room(sink);
		if (room > 0 && audio_sink_realtime(sink) &&
		    audio_sink_write(sink, zero, room < AUDIO_BLOCK ? room : AUDIO_BLOCK, err) < 0)
			return;
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
	}
}

/* Only the sound card is worth keeping open: a WAV file would record the silence. */
static int
warmable(const struct pl_env *env)
{
	return env->output && strcmp(env->output, "portaudio") == 0;
}

/*
 * The next airing for the player, or NULL when it quits.  Meanwhile keeps
 * the device warm or closes it, as the loop asks.
 */
static struct airing *
next_job(struct workers *w)
{
	pthread_mutex_lock(&w->lock);
	for (;;) {
		if (w->quit) {
			pthread_mutex_unlock(&w->lock);
			return NULL;
		}
		if (w->play_q.head) {
			struct node *n = w->play_q.head;
			w->play_q.head = n->next;
			struct airing *a = n->a;
			free(n);
			w->playing = a;
			w->released = 0;
			atomic_store(&w->stop.fade_s, 0);
			atomic_store(&w->stop.stop, 0);
			atomic_store(&w->stop.end_relays, 0);
			pthread_mutex_unlock(&w->lock);
			return a;
		}
		int warm = w->warm && warmable(&w->env);
		if ((!warm || w->reopen) && w->sink) {
			w->reopen = 0;
			pthread_mutex_unlock(&w->lock);
			close_sink(w);
			pthread_mutex_lock(&w->lock);
			continue;
		}
		w->reopen = 0;
		if (!warm) {
			if (!w->released) {
				/* nothing due soon: unload what the sound system loaded */
				w->released = 1;
				pthread_mutex_unlock(&w->lock);
				audio_release();
				pthread_mutex_lock(&w->lock);
				continue;
			}
			pthread_cond_wait(&w->play_q.cond, &w->lock);
			continue;
		}
		w->released = 0;
		struct audio_sink_opts so = { .output = xstrdup(w->env.output),
					      .device = w->env.device ? xstrdup(w->env.device) : NULL,
					      .rate = w->env.sample_rate, .channels = w->env.channels };
		pthread_mutex_unlock(&w->lock);
		int64_t ms = feed(w, &so);
		free((char *)so.output);
		free((char *)so.device);
		pthread_mutex_lock(&w->lock);
		if (w->play_q.head || w->quit || !w->warm)
			continue;
		struct timespec ts; /* the condition waits on CLOCK_MONOTONIC: the wall clock may step */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int64_t ns = ts.tv_nsec + ms * 1000000;
		ts.tv_sec += (time_t)(ns / 1000000000);
		ts.tv_nsec = (long)(ns % 1000000000);
		pthread_cond_timedwait(&w->play_q.cond, &w->lock, &ts);
	}
}

static void *
play_main(void *arg)
{
	struct workers *w = arg;
	struct airing *a;
	while ((a = next_job(w))) {
		struct pl_env env;
		pthread_mutex_lock(&w->lock);
		pl_env_copy(&env, &w->env);
		pthread_mutex_unlock(&w->lock);
		struct play_ctx ctx = { w, a };
		struct pl_play_cb cb = { on_started, on_item, &ctx, &w->position_s };
		struct pl_play_result res = { 0 };
		char err[ERRLEN] = "";
		/* the zones' relays on before the first sample, off after the last has left */
		struct sbuf zone_problems = { 0 };
		streams_start(w, a->zones, env.sample_rate, &zone_problems);
		if (a->zones) {
			env.route = a->zones->channels;
			zones_switch(a->zones, 1, &zone_problems);
		}
		env.tee = tee;
		env.tee_arg = w;
		/*
		 * A live announcement is recorded as it goes to the device: the
		 * samples the tee sees are those the sink took, levelled and
		 * limited.  A recording that cannot be made does not keep it off
		 * the air; the row's reason says so.
		 */
		char rec_err[ERRLEN] = "";
		const char *rec_path = recording_of(a);
		if (rec_path && !(w->rec = audio_record_open(rec_path, env.sample_rate, rec_err)))
			daemon_log(3, "%s", report_reason(rec_err)); /* rec_err is kept in English */
		enum pl_play_status st = pl_play(a->prog, &env, a->asap ? 0 : a->at_ms, &w->stop, &cb,
						 &w->sink, &res, err);
		w->sound_ms = mono_ms();
		if (w->rec) {
			if (audio_record_close(w->rec, rec_err) < 0)
				daemon_log(3, "%s", report_reason(rec_err));
			else
				rec_err[0] = 0;
			w->rec = NULL;
		}
		if (a->zones) {
			if (w->sink && st != PL_NOT_STARTED)
				play_out(w->sink);
			zones_switch(a->zones, 0, &zone_problems);
		}
		streams_end(w, &zone_problems);
		pthread_mutex_lock(&w->lock);
		w->playing = NULL;
		/* keep the device running while another airing comes (or the loop wants it warm) */
		int keep = (w->play_q.head != NULL || (w->warm && warmable(&env))) && !w->quit;
		pthread_mutex_unlock(&w->lock);
		pl_env_clear(&env);
		if (keep && w->sink && (st == PL_COMPLETED || st == PL_INTERRUPTED)) {
			/*
			 * The device stays open: let the sound leave it before the
			 * log says it aired (a kill -9 now would drop what it holds).
			 */
			char e2[ERRLEN];
			if (audio_sink_play_out(w->sink, e2) < 0) {
				if (st == PL_COMPLETED) {
					st = PL_FAILED;
					snprintf(err, sizeof err, "%s", e2);
				}
				audio_sink_discard(w->sink); /* it failed: open a fresh one */
				w->sink = NULL;
			}
		}
		if (!keep && w->sink) {
			char e2[ERRLEN];
			if (audio_sink_close(w->sink, e2) < 0 && st == PL_COMPLETED) {
				st = PL_FAILED;
				snprintf(err, sizeof err, "%s", e2);
			}
			w->sink = NULL;
		}
		if (!w->sink)
			streams_close(w);
		a->items_done = res.items_done;
		a->ended_ms = res.ended_ms ? res.ended_ms : time_now_ms();
		a->cut_s = res.cut_s;
		a->dropouts = res.dropouts;
		memcpy(a->sha256, res.sha256, sizeof a->sha256);
		switch (st) {
		case PL_COMPLETED:
			strcpy(a->status, "completed");
			break;
		case PL_INTERRUPTED:
			strcpy(a->status, "interrupted");
			if (!a->reason[0])
				snprintf(a->reason, sizeof a->reason, "%s",
					 w->quit ? N_("daemon stopped") : N_("stopped by the operator or an emergency"));
			break;
		case PL_FAILED:
			strcpy(a->status, "failed");
			snprintf(a->reason, sizeof a->reason, "%s", err);
			break;
		case PL_NOT_STARTED: /* no outcome yet: the loop decides (plan_finished()) */
			break;
		}
		if (rec_err[0] && st != PL_NOT_STARTED) {
			size_t len = strlen(a->reason);
			snprintf(a->reason + len, sizeof a->reason - len, "%s%s", len ? "; " : "", rec_err);
		}
		if (zone_problems.len && st != PL_NOT_STARTED) {
			size_t len = strlen(a->reason);
			snprintf(a->reason + len, sizeof a->reason - len, "%s%s", len ? "; " : "",
				 zone_problems.s);
		}
		sbuf_free(&zone_problems);
		post(w, EV_FINISHED, a, res.items_done);
	}
	close_sink(w);
	return NULL;
}

struct workers *
workers_new(int evfd)
{
	struct workers *w = xcalloc(1, sizeof *w);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->render_q.cond, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->play_q.cond, &ca);
	pthread_condattr_destroy(&ca);
	w->evfd = evfd;
	w->events_tail = &w->events;
	atomic_init(&w->stop.stop, 0);
	atomic_init(&w->stop.fade_s, 0);
	atomic_init(&w->stop.end_relays, 0);
	atomic_init(&w->position_s, 0);
	pthread_create(&w->render_thread, NULL, render_main, w);
	pthread_create(&w->play_thread, NULL, play_main, w);
	return w;
}

void
workers_set_config(struct workers *w, const struct config *cfg, const struct tts_lexicon *lex)
{
	pthread_mutex_lock(&w->lock);
	pl_env_clear(&w->env);
	pl_env_from_config(&w->env, cfg, cfg->state_dir, lex);
	w->reopen = 1;
	pthread_cond_signal(&w->play_q.cond);
	pthread_mutex_unlock(&w->lock);
}

void
workers_render(struct workers *w, struct airing *a)
{
	npush(w, &w->render_q, a, 0);
}

void
workers_play(struct workers *w, struct airing *a)
{
	npush(w, &w->play_q, a, a->emergency);
}

void
workers_warm(struct workers *w, int on)
{
	pthread_mutex_lock(&w->lock);
	if (w->warm != on) {
		w->warm = on;
		pthread_cond_signal(&w->play_q.cond);
	}
	pthread_mutex_unlock(&w->lock);
}

void
workers_stop(struct workers *w, double fade_s)
{
	pthread_mutex_lock(&w->lock);
	if (w->playing) {
		atomic_store(&w->stop.fade_s, fade_s);
		atomic_store(&w->stop.stop, 1);
	}
	pthread_mutex_unlock(&w->lock);
}

void
workers_end_relays(struct workers *w, double fade_s)
{
	pthread_mutex_lock(&w->lock);
	if (w->playing) {
		atomic_store(&w->stop.fade_s, fade_s);
		atomic_store(&w->stop.end_relays, 1);
	}
	pthread_mutex_unlock(&w->lock);
}

struct event *
workers_events(struct workers *w)
{
	pthread_mutex_lock(&w->lock);
	struct event *e = w->events;
	w->events = NULL;
	w->events_tail = &w->events;
	pthread_mutex_unlock(&w->lock);
	return e;
}

double
workers_position(struct workers *w)
{
	pthread_mutex_lock(&w->lock);
	int on = w->playing != NULL;
	pthread_mutex_unlock(&w->lock);
	return on ? atomic_load(&w->position_s) : -1;
}

void
workers_free(struct workers *w)
{
	pthread_mutex_lock(&w->lock);
	w->quit = 1;
	if (w->playing) {
		if (!atomic_load(&w->stop.stop))
			atomic_store(&w->stop.fade_s, DAEMON_FADE_S);
		atomic_store(&w->stop.stop, 1);
	}
	pthread_cond_broadcast(&w->render_q.cond);
	pthread_cond_broadcast(&w->play_q.cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->render_thread, NULL);
	pthread_join(w->play_thread, NULL);
	struct nqueue *queues[] = { &w->render_q, &w->play_q };
	for (size_t i = 0; i < ARRAY_LEN(queues); i++)
		while (queues[i]->head) {
			struct node *n = queues[i]->head;
			queues[i]->head = n->next;
			free(n);
		}
	struct event *e = w->events;
	while (e) {
		struct event *n = e->next;
		free(e);
		e = n;
	}
	pl_env_clear(&w->env);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
