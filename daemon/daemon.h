/*
 * Private to loaxad: the daemon's state, owned by the event loop, and the
 * parts that act on it, one file each:
 *
 *   loop.c     start-up and shutdown, the poll loop over a table of
 *              descriptors and their handlers, signals, timers, reload;
 *   plan.c     planning slot instants and manual airings, and arming the
 *              player at the instant;
 *   airlog.c   the airing log: the `started` row, items as they finish, the
 *              whole row at the end, and rows kept in memory while the disk
 *              refuses them;
 *   control.c  the control socket: listening, peers, requests and answers
 *              (request.c parses one request);
 *   workers.c  the render and player threads, which report back through an
 *              eventfd the loop polls.
 *
 * Only the loop thread touches the store and the configuration; workers get
 * self-contained jobs (struct airing) and hand them back.
 */
#ifndef LOAXA_DAEMON_H
#define LOAXA_DAEMON_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

struct config;
struct store;
struct sched;
struct pl_program;
struct tts_lexicon;
struct control_req;
struct store_airing;
struct store_aired_item;

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
	int live;            /* loaxa live: the microphone (with emergency, it pre-empts) */
	int ending;          /* live: the operator ended the microphone; the closing jingle plays */
	int64_t bulletin;    /* manual airing of one bulletin: its id, else 0 */
	int64_t request;     /* a stored request (loaxa air --at, --repeat): its id, else 0 */
	int64_t armed_ms;    /* when it went to the player */
	/*
	 * Set by the loop when it stops what plays (the player thread never
	 * touches them): the reason logged, in English (translated when shown),
	 * and whether an emergency cut it (its queued bulletins go back).
	 */
	char stop_why[128];
	int cut_by_emergency;
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
	long dropouts;           /* times the device ran dry while it played */
	char status[16];         /* completed | interrupted | failed */
	char reason[512];
	char sha256[65];
	size_t items_logged;     /* aired_items rows written so far */
	struct zone_target *zones; /* where it goes (zones.c); NULL: no zones configured */
	struct airing *next;
};

void airing_free(struct airing *a);

/* ---- the daemon's state (loop.c) ---- */

struct daemon;
/* A descriptor the loop polls, and what to do when it is readable. */
typedef void (*daemon_fd_fn)(struct daemon *d, int fd, void *arg);

/* How long a stop (loaxa stop, an emergency, SIGTERM) fades out what plays. */
#define DAEMON_FADE_S 0.4
/* Where live announcements are recorded, under the state directory. */
#define DAEMON_RECORDINGS "recordings"
#define DAEMON_MAX_CLIENTS 16
#define DAEMON_MAX_WATCHES (8 + DAEMON_MAX_CLIENTS)

struct client {
	int fd;
	struct sbuf in;
};

struct airlog_pending;

struct daemon {
	const char *config_arg, *state_arg;
	struct config *cfg;
	struct store *st;
	struct sched *sched;
	struct tts_lexicon *lex;
	struct workers *w;
	int sfd, tfd, wdfd, lfd, evfd;
	char *sock_path;
	int64_t started_ms;
	struct airing *airings; /* not yet logged to the end */
	int64_t preroll_for;    /* slot instant whose pre-roll ran */
	int int_count;
	int stopping;
	int trim_due; /* something was rendered since memory was last given back */
	struct airlog_pending *pending, **pending_tail;
	/*
	 * Stored requests that aired while their row could not be marked
	 * (the log was down): not planned again by this run.
	 */
	int64_t requests_aired[32];
	size_t n_requests_aired;
	struct client clients[DAEMON_MAX_CLIENTS];
	struct {
		int fd;
		daemon_fd_fn fn;
		void *arg;
	} watches[DAEMON_MAX_WATCHES];
	size_t n_watches;
};

/* Blocks the signals the loop takes through its signalfd (TERM, INT, HUP, CHLD) into mask. */
void daemon_block_signals(sigset_t *mask);
/* Runs until SIGTERM; returns the exit code.  NULL arguments: defaults. */
int daemon_run(const char *config_arg, const char *state_arg);
/* One log line on stderr with a syslog priority prefix journald reads. */
void daemon_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Polls fd from the next turn of the loop on, calling fn when it is readable. */
void daemon_watch(struct daemon *d, int fd, daemon_fd_fn fn, void *arg);
void daemon_unwatch(struct daemon *d, int fd);
/* Re-reads the configuration; the old one stays when the new one is refused. */
int daemon_reload(struct daemon *d, char *err);
/* Runs a pre-roll or after command in the background (what names it in logs). */
void daemon_spawn(const char *what, const char *cmd);

/* ---- planning and arming (plan.c) ---- */

/* Loads per-slot watermarks from the log; logs what was missed; plans what is due. */
void plan_catch_up(struct daemon *d, const char *why);
/* Acts on everything due by now and returns the next instant to wake at (0: none). */
int64_t plan_tick(struct daemon *d);
/*
 * A manual airing (loaxa air): a programme, or one bulletin.  *out is the
 * airing planned (owned by the plan), for the answer to say what happens.
 */
int plan_manual(struct daemon *d, const struct control_req *r, struct airing **out, char *err);
/*
 * A live announcement (loaxa live): the live_jingle, then the microphone
 * (config_mic_device()) for r->minutes, levelled as line-in is.  With
 * r->emergency it pre-empts what plays as an emergency does; without, it
 * is refused while anything is on the player.  Refused while another live
 * announcement is on the player.
 */
int plan_live(struct daemon *d, const struct control_req *r, struct airing **out, char *err);
/* The airing on the player (armed or playing), or NULL when it is free. */
struct airing *plan_on_player(struct daemon *d);
/* The next slot instant after now: 0, or -1 when none falls again. */
int plan_next(struct daemon *d, int64_t now, size_t *slot, int64_t *at);
/* The render thread is done with a. */
void plan_rendered(struct daemon *d, struct airing *a);
/* The player is done with a: logs it and lets it go. */
void plan_finished(struct daemon *d, struct airing *a);
void plan_unlink(struct daemon *d, struct airing *a);
/*
 * At a stop, once the workers are gone: what aired is logged (cut:
 * interrupted), what never started is logged missed ("daemon stopped
 * before it started"), what is still to come is let go.
 */
void plan_stopped(struct daemon *d);
/*
 * What the daemon holds that the log does not have yet: each airing planned,
 * rendering, waiting or playing, and each row kept in memory (state
 * "logging"), with the bulletins that count for it as the log will count
 * them and the queue entries it consumes.  The rotation counts them before
 * it picks; `loaxa status` hands them to `loaxa schedule`.
 */
typedef void (*plan_flight_fn)(void *arg, const char *slot, const char *program, int64_t at_ms,
			       const char *state, const int64_t *bulletins, size_t nb,
			       const int64_t *entries, size_t ne);
void plan_in_flight(struct daemon *d, plan_flight_fn fn, void *arg);

/* ---- the airing log (airlog.c) ---- */

/*
 * A row for a slot instant (or a stored request, slot NULL) that did not
 * air: missed or failed before sound.  Returns the row's id, or 0.
 */
int64_t airlog_not_aired(struct daemon *d, const char *slot, const char *program, int64_t at,
			 const char *status, const char *reason);
/*
 * The `started` row, before the first sample: 0, STORE_EXISTS when the slot
 * instant already has a row (it must not air again), or -1 when the log is
 * down (the airing goes on and is logged later if possible).
 */
int airlog_open(struct daemon *d, struct airing *a);
/* The first sample left: started_at and the lateness into the row. */
void airlog_started(struct daemon *d, struct airing *a);
/* How late the first sample left: after its instant, or after the player took it (asap). */
int64_t airlog_lateness(const struct airing *a);
/* Items that played to their end so far, as they finish. */
void airlog_items(struct daemon *d, struct airing *a, size_t upto);
/* The whole airing in one write (kept in memory when the disk refuses it). */
void airlog_finish(struct daemon *d, struct airing *a);
/* Writes the kept rows, oldest first, while the store takes them. */
void airlog_flush(struct daemon *d);
/* At exit: says which kept rows could not be written, and frees them. */
void airlog_drop(struct daemon *d);
/* At start: rows a crash left `started` get their outcome. */
void airlog_recover(struct daemon *d);
/* The rows kept in memory, for plan_in_flight(). */
void airlog_in_flight(struct daemon *d, plan_flight_fn fn, void *arg);

/* ---- the control socket (control.c) ---- */

/* Listens on the configured socket and polls it; -1 with err. */
int control_listen(struct daemon *d, char *err);
/* Closes the clients and the socket, and removes it. */
void control_close(struct daemon *d);

/* ---- zones (zones.c) ---- */

/* The zones an airing goes to, resolved when it is planned. */
struct zone_target {
	char *names;       /* "thon-1,thon-3": for the airing log */
	uint64_t channels; /* output channels it sounds on (bit c: channel c + 1); 0: all */
	char **zone, **on, **off; /* each zone's name and commands (NULL: none) */
	char **icecast, **icecast_pw; /* each zone's Icecast mount and password file (NULL: none) */
	char **icecast_admin;         /* and admin password file (NULL: no listener counts) */
	size_t n;
	double timeout_s;  /* audio.zone_timeout */
};
/* What zones_for_list() returns for a list it refuses (err says why). */
#define ZONES_BAD ((struct zone_target *)-1)
/*
 * The zones named (NULL or empty: every zone).  NULL when the
 * configuration has no zones and none are named; NULL with err for a
 * name that is not a zone.
 */
struct zone_target *zones_for_names(const struct config *c, const char *const *names, char *err);
/* As zones_for_names() for "thon-1,thon-3" ("" or NULL: every zone); ZONES_BAD with err. */
struct zone_target *zones_for_list(const struct config *c, const char *list, char *err);
void zones_target_free(struct zone_target *t);
/*
 * Runs the zones' on (on = 1) or off commands side by side and waits for
 * them, each at most timeout_s (then it is stopped).  What failed or hung
 * is logged and added to problems ("zone thon-3: the on command ...");
 * -1 then, else 0.  On the player thread.
 */
int zones_switch(const struct zone_target *t, int on, struct sbuf *problems);

/* ---- worker threads (workers.c) ---- */

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
/*
 * Fades out what plays within fade_s; an airing on the player that has not
 * started yet comes back unstarted (EV_FINISHED with no status).
 */
void workers_stop(struct workers *w, double fade_s);
/*
 * Ends the relays of what plays (fading over fade_s) and lets the rest of
 * it play: a live announcement the operator ends, then its closing jingle.
 */
void workers_end_relays(struct workers *w, double fade_s);
/*
 * Keeps the sound device open and fed with silence (on), so that the first
 * sample of the next airing leaves on time, or lets it close (off).
 */
void workers_warm(struct workers *w, int on);
/* Takes the events posted so far (oldest first); caller frees each. */
struct event *workers_events(struct workers *w);
/* Position in seconds of what plays, or -1. */
double workers_position(struct workers *w);

#endif
