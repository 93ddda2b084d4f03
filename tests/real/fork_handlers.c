/*
 * fork_handlers.c - a shared library, linked into tests/real/fork_stress.c,
 * whose constructor registers fork handlers that allocate and take a lock
 * of the library's own, which fork_handlers_work() holds while it
 * allocates and flushes stdio, as libraries do around their state. A
 * program's own libraries are set up before a preloaded one, so these
 * handlers are registered before alloc_cat's would be: glibc runs prepare
 * handlers last registered first and the others first registered first.
 * glibc's malloc takes its locks after every prepare handler, so a thread
 * in fork_handlers_work() finishes before the fork; alloc_cat must not
 * hold the heap's lock (or stdio's) while these run, or that thread waits
 * for it with the library's lock held, and the fork for the library's
 * lock. With AC_TEST_FREE_TWICE_AT_EXIT set, the library's destructor
 * (which runs after the preload library's exit report) frees a block
 * twice: the checked preload library must still report it and trap.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fork_handlers_count(unsigned *prepares, unsigned *children);
void fork_handlers_work(void);

static unsigned prepared, childs;
static pthread_mutex_t own_lock = PTHREAD_MUTEX_INITIALIZER;

static void touch_heap(void) {
    char *p = malloc(100);
    if (p) memset(p, 1, 100);
    free(p);
}
static void prepare(void) {
    pthread_mutex_lock(&own_lock);
    touch_heap();
    prepared++;
}
static void parent(void) {
    touch_heap();
    pthread_mutex_unlock(&own_lock);
}
static void child(void) {
    touch_heap();
    childs++;
    pthread_mutex_unlock(&own_lock);
}

__attribute__((constructor)) static void register_handlers(void) {
    pthread_atfork(prepare, parent, child);
}

void fork_handlers_work(void) {
    pthread_mutex_lock(&own_lock);
    touch_heap();
    fflush(NULL);
    pthread_mutex_unlock(&own_lock);
}

__attribute__((destructor)) static void free_twice(void) {
    if (!getenv("AC_TEST_FREE_TWICE_AT_EXIT")) return;
    char *volatile p = malloc(16);
    free(p);
    free(p);
}

void fork_handlers_count(unsigned *prepares, unsigned *children) {
    *prepares = prepared;
    *children = childs;
}
