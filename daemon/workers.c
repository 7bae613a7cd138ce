/*
 * The daemon's two worker threads.  The render thread turns planned airings
 * into rendered ones (speech synthesis, decoding checks: blocking work that
 * must never stall the loop; espeak-ng is not thread-safe, and this one
 * thread is the only one that synthesises).  The player thread plays them at
 * their instant.  Both report through a list of events and an eventfd.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "playlists/playlists.h"

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
	volatile int stop;
	volatile double position_s;
	struct audio_sink *sink; /* the player's, open while airings follow each other */
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

static void *
play_main(void *arg)
{
	struct workers *w = arg;
	struct airing *a;
	while ((a = npop(w, &w->play_q))) {
		struct pl_env env;
		pthread_mutex_lock(&w->lock);
		pl_env_copy(&env, &w->env);
		w->playing = a;
		w->stop = 0;
		pthread_mutex_unlock(&w->lock);
		struct play_ctx ctx = { w, a };
		struct pl_play_cb cb = { on_started, on_item, &ctx, &w->position_s };
		struct pl_play_result res = { 0 };
		char err[ERRLEN] = "";
		enum pl_play_status st = pl_play(a->prog, &env, a->asap ? 0 : a->at_ms, &w->stop, &cb,
						 &w->sink, &res, err);
		pl_env_clear(&env);
		pthread_mutex_lock(&w->lock);
		w->playing = NULL;
		/* keep the sound device running only while another airing waits for it */
		int keep = w->play_q.head != NULL && !w->quit;
		pthread_mutex_unlock(&w->lock);
		if (!keep && w->sink) {
			char e2[ERRLEN];
			if (audio_sink_close(w->sink, e2) < 0 && st == PL_COMPLETED) {
				st = PL_FAILED;
				snprintf(err, sizeof err, "%s", e2);
			}
			w->sink = NULL;
		}
		a->items_done = res.items_done;
		a->ended_ms = res.ended_ms ? res.ended_ms : time_now_ms();
		a->cut_s = res.cut_s;
		memcpy(a->sha256, res.sha256, sizeof a->sha256);
		switch (st) {
		case PL_COMPLETED:
			strcpy(a->status, "completed");
			break;
		case PL_INTERRUPTED:
			strcpy(a->status, "interrupted");
			if (!a->reason[0])
				snprintf(a->reason, sizeof a->reason, "%s",
					 w->quit ? _("daemon stopped") : _("stopped by the operator or an emergency"));
			break;
		case PL_FAILED:
			strcpy(a->status, "failed");
			snprintf(a->reason, sizeof a->reason, "%s", err);
			break;
		}
		post(w, EV_FINISHED, a, res.items_done);
	}
	return NULL;
}

struct workers *
workers_new(int evfd)
{
	struct workers *w = xcalloc(1, sizeof *w);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->render_q.cond, NULL);
	pthread_cond_init(&w->play_q.cond, NULL);
	w->evfd = evfd;
	w->events_tail = &w->events;
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
workers_stop(struct workers *w, double fade_s)
{
	(void)fade_s; /* the player's fade is fixed at FADE ≤ 0.5 s */
	pthread_mutex_lock(&w->lock);
	if (w->playing)
		w->stop = 1;
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
	return w->playing ? w->position_s : -1;
}

void
workers_free(struct workers *w)
{
	pthread_mutex_lock(&w->lock);
	w->quit = 1;
	if (w->playing)
		w->stop = 1;
	pthread_cond_broadcast(&w->render_q.cond);
	pthread_cond_broadcast(&w->play_q.cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->render_thread, NULL);
	pthread_join(w->play_thread, NULL);
	if (w->sink)
		audio_sink_close(w->sink, NULL);
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
