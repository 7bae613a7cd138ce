/*
 * The speech engines behind one ops table (espeak, command, fake; each in
 * its own engine_*.c) and the one synthesis thread they all run on.
 *
 * libespeak-ng keeps global state and is not thread-safe, and a long text
 * takes a second or more to speak: so every synthesis is a work item on one
 * thread of its own, fed by a queue.  Callers either wait for it (the CLI)
 * or poll an eventfd per job (the daemon's loop; see render.c).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tts/engine.h"
#include "tts/tts.h"

static const struct tts_engine_ops *const engines[] = {
	&tts_engine_espeak,
	&tts_engine_command,
	&tts_engine_fake,
};

/*
 * Held around every call into an engine: the synthesis thread holds it
 * while it speaks, tts_check() while it looks at the installed voices.
 */
static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long synth_count;

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct tts_work *head, *tail;
	pthread_t th;
	int running, stopping;
} worker = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

const struct tts_engine_ops *
tts_engine_find(const char *name, char *err)
{
	for (size_t i = 0; i < ARRAY_LEN(engines); i++)
		if (name && strcmp(engines[i]->name, name) == 0)
			return engines[i];
	err_set(err, _("Unknown speech engine \"%s\"; use espeak, command or fake."),
		name ? name : "");
	return NULL;
}

int
tts_engine_synth(const struct tts_opts *o, const char *spoken, tts_pcm_fn fn, void *arg, char *err)
{
	const struct tts_engine_ops *e = tts_engine_find(o->engine, err);
	if (!e)
		return -1;
	pthread_mutex_lock(&engine_lock);
	synth_count++;
	int rc = e->synth(o, spoken, fn, arg, err);
	pthread_mutex_unlock(&engine_lock);
	return rc;
}

unsigned long
tts_synth_count(void)
{
	pthread_mutex_lock(&engine_lock);
	unsigned long n = synth_count;
	pthread_mutex_unlock(&engine_lock);
	return n;
}

const char *
tts_voice(const struct tts_opts *o)
{
	if (o->voice && *o->voice)
		return o->voice;
	return tts_region_voice(o->region);
}

int
tts_check(const struct tts_opts *o, char *err)
{
	const struct tts_engine_ops *e = tts_engine_find(o->engine, err);
	if (!e)
		return -1;
	if (!tts_voice(o)) {
		err_set(err, _("There is no region \"%s\"; the regions are north, central and south."),
			o->region);
		return -1;
	}
	pthread_mutex_lock(&engine_lock);
	int rc = e->check(o, err);
	pthread_mutex_unlock(&engine_lock);
	return rc;
}

static void *
worker_main(void *arg)
{
	/*
	 * A speech command that exits without reading all its input would
	 * raise SIGPIPE on this thread: keep it blocked here, so the write
	 * fails with EPIPE instead and the exit status tells what happened.
	 */
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_mutex_lock(&worker.mu);
	for (;;) {
		while (!worker.head && !worker.stopping)
			pthread_cond_wait(&worker.cv, &worker.mu);
		struct tts_work *w = worker.head;
		if (!w)
			break; /* stopping, and nothing left to do */
		worker.head = w->next;
		if (!worker.head)
			worker.tail = NULL;
		pthread_mutex_unlock(&worker.mu);
		w->run(w); /* may free w */
		pthread_mutex_lock(&worker.mu);
	}
	pthread_mutex_unlock(&worker.mu);
	return NULL;
}

void
tts_worker_queue(struct tts_work *w)
{
	w->next = NULL;
	pthread_mutex_lock(&worker.mu);
	if (!worker.running) {
		worker.stopping = 0;
		/* without a thread nothing could ever speak: as bad as out of memory */
		if (pthread_create(&worker.th, NULL, worker_main, NULL) != 0)
			fatal("cannot start the speech synthesis thread");
		worker.running = 1;
	}
	if (worker.tail)
		worker.tail->next = w;
	else
		worker.head = w;
	worker.tail = w;
	pthread_cond_signal(&worker.cv);
	pthread_mutex_unlock(&worker.mu);
}

void
tts_done(void)
{
	pthread_mutex_lock(&worker.mu);
	int running = worker.running;
	worker.stopping = 1;
	pthread_cond_signal(&worker.cv);
	pthread_mutex_unlock(&worker.mu);
	if (running)
		pthread_join(worker.th, NULL);
	pthread_mutex_lock(&worker.mu);
	worker.running = 0;
	worker.stopping = 0;
	pthread_mutex_unlock(&worker.mu);
	pthread_mutex_lock(&engine_lock);
	for (size_t i = 0; i < ARRAY_LEN(engines); i++)
		if (engines[i]->done)
			engines[i]->done();
	pthread_mutex_unlock(&engine_lock);
}
