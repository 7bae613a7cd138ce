/*
 * The 16-bit mono WAV header, private to audio/: the render cache's
 * writer (file.c) and a live announcement's recording (record.c) both
 * write their samples first and the header as they go.
 */
#ifndef LOAXA_AUDIO_WAV16_H
#define LOAXA_AUDIO_WAV16_H

#include <stdint.h>

#define AUDIO_WAV16_HEADER 44

/* Writes at offset 0 of fd the header of `frames` frames at `rate`; 0, or -1 with errno. */
int audio_wav16_header(int fd, int rate, int64_t frames);

#endif
