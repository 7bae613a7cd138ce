/* Private to tts/: the engines' ops table. */
#ifndef LOAXA_TTS_ENGINE_H
#define LOAXA_TTS_ENGINE_H

struct tts_opts;

/* Receives PCM as it is made; returns -1 to stop. */
typedef int (*tts_pcm_fn)(void *arg, const float *pcm, long n, int rate);

struct tts_engine_ops {
	const char *name;
	int (*synth)(const struct tts_opts *o, const char *spoken, tts_pcm_fn fn, void *arg,
		     char *err);
};

const struct tts_engine_ops *tts_engine_find(const char *name);
/* Synthesises spoken (already normalized) text; serialised across threads. */
int tts_engine_synth(const struct tts_opts *o, const char *spoken, tts_pcm_fn fn, void *arg,
		     char *err);

#endif
