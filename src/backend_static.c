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

void ac__static_backend_init(ac__backend *b, void *buf, size_t bytes) {
    b->grow = static_grow;
    b->begin = buf;
    b->end = (char *)buf + bytes;
}
