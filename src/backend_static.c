/*
 * backend_static.c - a caller's buffer as the heap's memory (embedded use,
 * tests): all of it is available from the start and it never grows.
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
