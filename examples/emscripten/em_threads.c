/*
 * em_threads.c - alloc_cat as the malloc of an emscripten program with
 * threads (-pthread): the library then takes its spin lock (the wasm32
 * atomics build), and emscripten's own runtime allocates thread stacks and
 * thread-local storage through the emscripten_builtin_* names, which
 * alloc_cat defines when built by emcc.
 *
 *   make dist
 *   emcc -O2 -pthread -sPTHREAD_POOL_SIZE=3 -sEXIT_RUNTIME=1 -sMALLOC=none -sINITIAL_MEMORY=64MB \
 *       -Idist examples/emscripten/em_threads.c dist/alloc_cat.c -o em_threads.js
 *   node --no-experimental-fetch em_threads.js
 *
 * Three threads each make 100,000 random mallocs, reallocs and frees over
 * 64 slots of their own, writing a stamp into every block and checking it
 * before the block is resized or freed; then the main thread checks the
 * heap and that alloc_cat's counters saw every call. Ends with "N passed,
 * N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_cat.h"

#define THREADS 3
#define STEPS   100000
#define SLOTS   64

static int passed, failed;
static void check(int ok, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAILED: %s\n", what);
    }
}

typedef struct worker {
    unsigned index, seed;
    unsigned long long allocs, frees; /* calls that allocated / freed a block */
    int bad_stamps;
} worker;

static unsigned next_random(unsigned *s) {
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Every byte of a block holds its stamp, different for every slot of
 * every thread (THREADS * SLOTS < 256): a block handed to two of them at
 * once would show the other's. */
_Static_assert(THREADS * SLOTS < 256, "stamps fit a byte");
static unsigned char stamp_of(const worker *w, unsigned slot) {
    return (unsigned char)(w->index * SLOTS + slot + 1u);
}
static int stamped(const unsigned char *p, size_t bytes, unsigned char stamp) {
    for (size_t i = 0; i < bytes; i++)
        if (p[i] != stamp) return 0;
    return 1;
}

static void *work(void *arg) {
    worker *w = arg;
    unsigned char *block[SLOTS] = {0};
    size_t bytes[SLOTS] = {0};
    unsigned s = w->seed;
    for (unsigned step = 0; step < STEPS; step++) {
        unsigned slot = next_random(&s) % SLOTS;
        size_t want = 1 + next_random(&s) % 2000;
        unsigned char stamp = stamp_of(w, slot);
        if (block[slot] && !stamped(block[slot], bytes[slot], stamp)) w->bad_stamps++;
        if (!block[slot]) {
            block[slot] = malloc(want);
            if (!block[slot]) continue;
            w->allocs++;
        } else if (next_random(&s) % 2) {
            unsigned char *q = realloc(block[slot], want);
            if (!q) continue;
            block[slot] = q;
            if (!stamped(q, want < bytes[slot] ? want : bytes[slot], stamp)) w->bad_stamps++;
        } else {
            free(block[slot]);
            w->frees++;
            block[slot] = NULL;
            continue;
        }
        bytes[slot] = want;
        memset(block[slot], stamp, want);
    }
    for (unsigned slot = 0; slot < SLOTS; slot++) {
        if (!block[slot]) continue;
        if (!stamped(block[slot], bytes[slot], stamp_of(w, slot))) w->bad_stamps++;
        free(block[slot]);
        w->frees++;
    }
    return NULL;
}

int main(void) {
    ac_stats_t before, after;
    ac_stats_get(&before);
    pthread_t thread[THREADS];
    worker w[THREADS];
    for (unsigned i = 0; i < THREADS; i++) {
        w[i] = (worker){.index = i, .seed = 1000u + i};
        check(pthread_create(&thread[i], NULL, work, &w[i]) == 0, "pthread_create");
    }
    unsigned long long allocs = 0, frees = 0;
    int bad = 0;
    for (unsigned i = 0; i < THREADS; i++) {
        check(pthread_join(thread[i], NULL) == 0, "pthread_join");
        allocs += w[i].allocs;
        frees += w[i].frees;
        bad += w[i].bad_stamps;
    }
    ac_stats_get(&after);
    check(bad == 0, "every block kept its stamp");
    check(ac_heap_check(), "ac_heap_check() after the threads");
    /* the runtime allocates too (thread stacks, TLS): at least the threads' calls */
    check(after.allocs - before.allocs >= allocs, "alloc_cat counted every malloc");
    check(after.frees - before.frees >= frees, "alloc_cat counted every free");
    check(allocs == frees && allocs > (unsigned long long)THREADS * STEPS / 4,
          "the threads freed what they allocated");
    printf("%d threads: %llu mallocs, %llu frees; heap %zu bytes\n", THREADS, allocs, frees,
           after.heap_bytes);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
