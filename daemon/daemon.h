/*
 * Private to loaxad: the daemon's state, owned by the event loop (loop.c),
 * and the worker threads that render (render thread) and play (player
 * thread) airings and report back through an eventfd the loop polls.
 *
 * Only the loop thread touches the store and the configuration; workers get
 * self-contained jobs (struct airing) and hand them back.
 */
#ifndef LOAXA_DAEMON_H
#define LOAXA_DAEMON_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct store;
struct sched;
struct pl_program;
struct tts_lexicon;

enum airing_state {
	AIRING_PLANNED,   /* picked; waiting for its render time */
	AIRING_RENDERING, /* on the render thread */
	AIRING_READY,     /* rendered; waiting to be armed */
	AIRING_ARMED,     /* row written, on the player: waits for its instant */
	AIRING_PLAYING,
	AIRING_DONE,
};

/* One airing, from planning to the log. */
struct airing {
	int64_t row;         /* airings.id once written */
	char *slot;          /* NULL: manual (loaxa air) */
	char *program;       /* programme name, or "bulletin N" for a manual bulletin */
	int64_t at_ms;       /* scheduled instant; for manual airings, when asked */
	int asap;            /* manual: play as soon as the player is free */
	int emergency;
	char *asked_by;      /* manual: who asked for it (control request "by"), or NULL */
	enum airing_state state;
	struct pl_program *prog;
	int64_t *queue_entries; /* queue entries this airing consumes: (entry, bulletin) pairs */
	size_t n_queue_entries;
	/* filled by the render thread */
	int render_failed;
	char render_err[512];
	/* filled by the player thread */
	int64_t started_ms;      /* first sample leaves (handed + output latency) */
	int64_t ended_ms;
	size_t items_done;       /* items played to their end */
	double cut_s;            /* where it stopped, when interrupted */
	char status[16];         /* completed | interrupted | failed */
	char reason[512];
	char sha256[65];
	size_t items_logged;     /* aired_items rows written so far */
	struct airing *next;
};

/* Messages from the workers to the loop. */
enum event_kind {
	EV_RENDERED, /* a: rendering ended (ok or not) */
	EV_STARTED,  /* a: first sample left */
	EV_ITEM,     /* a: one more item finished */
	EV_FINISHED, /* a: the player is done with it */
};

struct event {
	enum event_kind kind;
	struct airing *a;
	size_t items_done; /* EV_ITEM: items played to their end so far */
	struct event *next;
};

struct workers;

/* Starts the render and player threads; they post events and write evfd. */
struct workers *workers_new(int evfd);
/* Stops both threads (interrupting what plays) and frees what they hold. */
void workers_free(struct workers *w);
/* Environment for rendering: copied, so a reload does not pull it away. */
void workers_set_config(struct workers *w, const struct config *cfg, const struct tts_lexicon *lex);
void workers_render(struct workers *w, struct airing *a);
/* Queues for the player: it waits until a->at_ms (or plays at once when asap). */
void workers_play(struct workers *w, struct airing *a);
/* Fades out what plays within fade_s and skips what waits on the player. */
void workers_stop(struct workers *w, double fade_s);
/* Takes the events posted so far (oldest first); caller frees each. */
struct event *workers_events(struct workers *w);
/* Position in seconds of what plays, or -1. */
double workers_position(struct workers *w);

void airing_free(struct airing *a);

#endif
