/*
 * arena_grant.h - the step the test backends share (tests/test_backend.c,
 * tests/soak_model.c, tests/fuzz/fuzz_heap.c): they hand out the pages of a
 * static arena in order, within a limit of pages, sometimes after skipping
 * some (memory someone else took, so that the heap starts a new span). What
 * decides the gaps and the refusals is each backend's own.
 */
#ifndef AC_ARENA_GRANT_H
#define AC_ARENA_GRANT_H

#include "internal.h"

/* `*used_pages` pages of `arena` are taken and at most `limit_pages` may
 * be, gaps included. Grants `pages` more after skipping `gap_pages`: moves
 * b->end to the end of what is taken and returns the first granted byte,
 * or NULL (nothing changed) when they do not fit. */
static inline char *arena_grant(ac__backend *b, unsigned char *arena, size_t *used_pages,
                                size_t limit_pages, size_t gap_pages, size_t pages) {
    if (pages > limit_pages || *used_pages + gap_pages > limit_pages - pages) return NULL;
    char *m = (char *)arena + (*used_pages + gap_pages) * AC_PAGE_BYTES;
    *used_pages += gap_pages + pages;
    b->end = (char *)arena + *used_pages * AC_PAGE_BYTES;
    return m;
}

#endif
