/*
 * test_threads.c - native only: several threads allocate, free and realloc
 * at random at the same time; every block keeps its contents, and at the
 * end nothing is in use and the heap is valid.
 */
#include <pthread.h>

#include "harness.h"
#include "internal.h"
#include "suites.h"

#define THREADS 4
#define SLOTS   256

typedef struct worker {
    uint64_t rng;
    unsigned ops;
    bool ok;
} worker;

static void stamp(unsigned char *p, size_t n, unsigned char v) {
    for (size_t i = 0; i < n; i++) p[i] = v;
}

static bool stamped(const unsigned char *p, size_t n, unsigned char v) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != v) return false;
    return true;
}

static void *work(void *arg) {
    worker *w = arg;
    unsigned char *slot[SLOTS] = {0};
    size_t size[SLOTS] = {0};
    unsigned char mark[SLOTS] = {0};
    w->ok = true;
    for (unsigned op = 0; op < w->ops; op++) {
        size_t i = (size_t)t_rand_below(&w->rng, SLOTS);
        size_t n = (size_t)t_rand_below(&w->rng, t_rand_below(&w->rng, 10) ? 256 : 70000);
        if (slot[i] && !stamped(slot[i], size[i], mark[i])) w->ok = false;
        switch (t_rand_below(&w->rng, 3)) {
        case 0:
            ac_free(slot[i]);
            slot[i] = NULL;
            size[i] = 0;
            break;
        case 1: {
            unsigned char *q = ac_realloc(slot[i], n);
            if (!q) {
                w->ok = false;
                break;
            }
            size_t keep = n < size[i] ? n : size[i];
            if (!stamped(q, keep, mark[i])) w->ok = false;
            slot[i] = q;
            size[i] = n;
            break;
        }
        default:
            ac_free(slot[i]);
            slot[i] = ac_malloc(n);
            size[i] = slot[i] ? n : 0;
            if (!slot[i]) w->ok = false;
            break;
        }
        mark[i] = (unsigned char)t_rand(&w->rng);
        if (slot[i]) stamp(slot[i], size[i], mark[i]);
    }
    for (size_t i = 0; i < SLOTS; i++) ac_free(slot[i]);
    return NULL;
}

static void threads_random(void) {
    ac__heap_reset_locked(NULL);
    pthread_t th[THREADS];
    worker w[THREADS];
    for (unsigned i = 0; i < THREADS; i++) {
        w[i] = (worker){t_seed() * 31u + i, 20000u * t_scale(), false};
        T_EQ(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (unsigned i = 0; i < THREADS; i++) T_EQ(pthread_join(th[i], NULL), 0);
    for (unsigned i = 0; i < THREADS; i++) T_ASSERT(w[i].ok);
    ac_stats_t s;
    ac_stats_get(&s);
    T_EQ(s.in_use_bytes, 0);
    T_EQ(s.live_blocks, 0);
    T_EQ(s.allocs, s.frees);
    T_ASSERT(s.allocs > THREADS * 10000u);
    T_ASSERT(ac__heap_check());
}

void suite_threads(void) {
    static const t_case cases[] = {T_CASE(threads_random)};
    t_run_suite("threads", cases, T_COUNT(cases));
}
