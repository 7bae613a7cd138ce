/*
 * playlists — program templates (from the configuration) → an ordered list of
 * items (clips, bulletins, literal speech, silence) → one rendered stream,
 * with the timeline of what went where.
 */
#ifndef LOAXA_PLAYLISTS_H
#define LOAXA_PLAYLISTS_H

struct config;
struct store;

/*
 * Checks what the programmes name: clips and bulletins must exist in the
 * store.  err: "PATH:LINE: programme "sang" names the clip "x", which has not
 * been imported (got "x")".  -1 on the first problem.
 */
int playlists_check(const struct config *cfg, struct store *st, char *err);

/* ---- Rendering (below) ---- */

#endif
