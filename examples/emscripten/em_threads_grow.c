/*
 * em_threads_grow.c - threads whose blocks grow an emscripten memory
 * (-pthread -sALLOW_MEMORY_GROWTH=1): emscripten grows the memory from
 * JavaScript (emscripten_resize_heap), and under node 20 a thread other
 * than the one that grew it went on for a while with the old size for
 * its loads and stores; alloc_cat brings a thread up to date as it takes
 * the heap's lock, so a block (or the heap's own words) in memory another
 * thread grew is never out of the thread's bounds.
 *
 *   make dist
 *   emcc -O2 -pthread -sPTHREAD_POOL_SIZE=3 -sEXIT_RUNTIME=1 -sMALLOC=none \
 *       -sALLOW_MEMORY_GROWTH=1 -Wno-pthreads-mem-growth \
 *       -Idist examples/emscripten/em_threads_grow.c dist/alloc_cat.c -o em_threads_grow.js
 *   node --no-experimental-fetch em_threads_grow.js
 *
 * Three threads each take 40 blocks of 128 KiB to 5 MiB three times over
 * (the memory grows from 16 MiB to some hundreds), fill each with a byte of
 * their own and check it before freeing; a thread whose view of the memory
 * is behind traps with "memory access out of bounds" instead. Ends with "N
 * passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 3
#define BLOCKS  40
#define ROUNDS  3

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
    unsigned index;
    int nulls, bad_bytes, beyond; /* failed mallocs, changed bytes, blocks past memory.size */
} worker;

static void *work(void *arg) {
    worker *w = arg;
    unsigned char *block[BLOCKS];
    for (unsigned r = 0; r < ROUNDS; r++) {
        for (unsigned i = 0; i < BLOCKS; i++) {
            size_t n = (size_t)(i + 1) << 17;
            unsigned char stamp = (unsigned char)(w->index * BLOCKS + i + 1);
            block[i] = malloc(n);
            if (!block[i]) {
                w->nulls++;
                continue;
            }
            /* this thread's own view of the memory's size */
            if ((uintptr_t)block[i] + n > (uintptr_t)__builtin_wasm_memory_size(0) << 16) {
                w->beyond++;
                block[i] = NULL; /* (it would trap) */
                continue;
            }
            memset(block[i], stamp, n);
        }
        for (unsigned i = 0; i < BLOCKS; i++) {
            if (!block[i]) continue;
            size_t n = (size_t)(i + 1) << 17;
            unsigned char stamp = (unsigned char)(w->index * BLOCKS + i + 1);
            for (size_t k = 0; k < n; k += 4096)
                if (block[i][k] != stamp) w->bad_bytes++;
            if (block[i][n - 1] != stamp) w->bad_bytes++;
            free(block[i]);
        }
    }
    return NULL;
}

int main(void) {
    size_t pages = __builtin_wasm_memory_size(0);
    pthread_t thread[THREADS];
    worker w[THREADS];
    for (unsigned i = 0; i < THREADS; i++) {
        w[i] = (worker){.index = i};
        check(pthread_create(&thread[i], NULL, work, &w[i]) == 0, "pthread_create");
    }
    int nulls = 0, bad = 0, beyond = 0;
    for (unsigned i = 0; i < THREADS; i++) {
        check(pthread_join(thread[i], NULL) == 0, "pthread_join");
        nulls += w[i].nulls;
        bad += w[i].bad_bytes;
        beyond += w[i].beyond;
    }
    check(nulls == 0, "every malloc succeeded");
    check(beyond == 0, "every block lay within its thread's view of the memory");
    check(bad == 0, "every block kept its bytes");
    size_t grown = __builtin_wasm_memory_size(0);
    check(grown > pages, "the threads grew the memory");
    printf("%d threads: memory from %zu to %zu pages\n", THREADS, pages, grown);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
