/*
 * backend_static.c - a caller's buffer as the heap's memory (embedded use,
 * tests): all of it is available from the start and it never grows.
 * Freestanding native builds (AC_FREESTANDING) also take their default heap
 * from here: one with no memory at all, until ac_heap_init_static().
 */
#include "internal.h"

static char *static_grow(ac__backend *self, size_t pages) {
    (void)self;
    (void)pages;
    return NULL;
}

/* A buffer larger than the heap can use is used up to that size. */
void ac__static_backend_init(ac__backend *b, void *buf, size_t bytes) {
    if (bytes > AC__HEAP_MAX_BYTES) bytes = AC__HEAP_MAX_BYTES;
    b->grow = static_grow;
    b->begin = buf;
    b->end = (char *)buf + bytes;
}

#if AC_FREESTANDING
/* With no operating system there is nobody to ask for memory: the default
 * heap is an empty buffer that never grows, so that malloc returns NULL
 * until the program hands the heap its memory with ac_heap_init_static(). */
ac__backend ac__default_heap = {static_grow, NULL, NULL};

ac__backend *ac__default_backend(void) { return &ac__default_heap; }
#endif
