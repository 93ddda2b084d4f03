/*
 * fork_handlers.c - a shared library, linked into tests/real/fork_stress.c,
 * whose constructor registers fork handlers that allocate. A program's own
 * libraries are set up before a preloaded one, so these handlers are
 * registered before alloc_cat's: glibc runs prepare handlers last
 * registered first and the others first registered first, so they run
 * while alloc_cat holds its lock across the fork. glibc's malloc lets them
 * allocate; so must alloc_cat.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void fork_handlers_count(unsigned *prepares, unsigned *children);

static unsigned prepared, childs;

static void touch_heap(void) {
    char *p = malloc(100);
    if (p) memset(p, 1, 100);
    free(p);
}
static void prepare(void) {
    touch_heap();
    prepared++;
}
static void parent(void) { touch_heap(); }
static void child(void) {
    touch_heap();
    childs++;
}

__attribute__((constructor)) static void register_handlers(void) {
    pthread_atfork(prepare, parent, child);
}

void fork_handlers_count(unsigned *prepares, unsigned *children) {
    *prepares = prepared;
    *children = childs;
}
