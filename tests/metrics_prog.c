/*
 * metrics_prog.c - a real program under the metrics-only library:
 *
 *   LD_PRELOAD=build/native/liballoc_cat_metrics.so build/test/metrics/metrics_prog
 *
 * It makes known allocations through the ordinary libc names and checks
 * the counters that the preloaded library exports (found with dlsym, as
 * any program would) with exact values: sizes are what malloc_usable_size
 * says. It ends with "N passed, N failed" and, on stdout, the library's
 * report (ac_stats_format) of its state just before exit, which
 * tools/test_metrics.sh compares with the report printed at exit. It writes
 * with write(2) only, so that stdio allocates nothing behind its back.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_cat.h"

static void (*get)(ac_stats_t *);
static void (*reset_trip)(void);
static size_t (*format)(char *, size_t);

static unsigned passed, failed;
static int current_failed;

static void out(const char *s) {
    ssize_t ignored = write(1, s, strlen(s));
    (void)ignored;
}

static void out_u(uint64_t v) {
    char d[24];
    size_t n = sizeof d;
    d[--n] = 0;
    do d[--n] = (char)('0' + v % 10), v /= 10;
    while (v);
    out(d + n);
}

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                           \
        if (a_ != b_) {                                                                            \
            out("\n    line ");                                                                    \
            out_u(__LINE__);                                                                       \
            out(": " #a " == " #b ": got ");                                                       \
            out_u(a_);                                                                             \
            out(", expected ");                                                                    \
            out_u(b_);                                                                             \
            current_failed = 1;                                                                    \
            return;                                                                                \
        }                                                                                          \
    } while (0)
#define CHECK(c) CHECK_EQ(!!(c), 1)

static void run(const char *name, void (*fn)(void)) {
    current_failed = 0;
    out("metrics.");
    out(name);
    out(" ...");
    fn();
    if (current_failed) {
        failed++;
        out("  FAILED\n");
    } else {
        passed++;
        out(" ok\n");
    }
}

static ac_stats_t now(void) {
    ac_stats_t s;
    get(&s);
    return s;
}

/* Counter deltas from a snapshot. */
#define CHECK_DELTA(s0, in_use_, allocs_, frees_)                                                  \
    do {                                                                                           \
        ac_stats_t s1_ = now();                                                                    \
        CHECK_EQ(s1_.in_use_bytes - (s0).in_use_bytes, in_use_);                                   \
        CHECK_EQ(s1_.allocs - (s0).allocs, allocs_);                                               \
        CHECK_EQ(s1_.frees - (s0).frees, frees_);                                                  \
    } while (0)

/* Keeps the compiler from pairing or removing allocations. */
static void *volatile sink;

static void malloc_free(void) {
    ac_stats_t s0 = now();
    char *p = malloc(100);
    sink = p;
    size_t u = malloc_usable_size(p);
#if defined(__GLIBC__) && defined(__x86_64__)
    CHECK_EQ(u, 104); /* glibc: 100 + 8 rounded to 16, less the 8-byte header */
#endif
    CHECK_DELTA(s0, u, 1, 0);
    CHECK_EQ(now().live_blocks, s0.live_blocks + 1);
    free(p);
    CHECK_DELTA(s0, 0, 1, 1);
    free(NULL);
    CHECK_DELTA(s0, 0, 1, 1);
}

/* The sequence: 100 + 200 - 100, trip reset, + 50. */
static void trip_meter(void) {
    ac_stats_t s0 = now();
    reset_trip();
    CHECK_EQ(now().trip_peak_bytes, s0.in_use_bytes);
    char *a = malloc(100), *b = malloc(200);
    size_t ua = malloc_usable_size(a), ub = malloc_usable_size(b);
    free(a);
    ac_stats_t s = now();
    CHECK_EQ(s.in_use_bytes, s0.in_use_bytes + ub);
    CHECK_EQ(s.trip_peak_bytes, s0.in_use_bytes + ua + ub);
    CHECK(s.peak_bytes >= s0.in_use_bytes + ua + ub);
    reset_trip();
    CHECK_EQ(now().trip_peak_bytes, s0.in_use_bytes + ub);
    char *c = malloc(50);
    size_t uc = malloc_usable_size(c);
    CHECK_EQ(now().trip_peak_bytes, s0.in_use_bytes + ub + uc);
    free(b);
    free(c);
    CHECK_DELTA(s0, 0, 3, 3);
}

/* sizes the compiler cannot see through */
static volatile size_t huge = SIZE_MAX - 8, half = SIZE_MAX / 2;

static void calloc_realloc(void) {
    ac_stats_t s0 = now();
    unsigned char *z = calloc(10, 10);
    CHECK(z && z[0] == 0 && z[99] == 0);
    size_t uz = malloc_usable_size(z);
    CHECK_DELTA(s0, uz, 1, 0);
    /* a large block lives elsewhere (glibc mmaps it): the realloc moves */
    unsigned char *big = realloc(z, 1000000);
    CHECK(big && big != z);
    size_t ubig = malloc_usable_size(big);
    CHECK_DELTA(s0, ubig, 2, 1);
    /* growing or shrinking in place counts the difference */
    char *p = malloc(1000);
    size_t up = malloc_usable_size(p);
    char *q = realloc(p, 100);
    CHECK(q == p);
    size_t uq = malloc_usable_size(q);
    CHECK(uq < up);
    CHECK_DELTA(s0, ubig + uq, 3, 1);
    /* realloc(p, 0) frees p in glibc; realloc(NULL, n) allocates */
    CHECK(realloc(q, 0) == NULL);
    CHECK_DELTA(s0, ubig, 3, 2);
    char *r = realloc(NULL, 10);
    CHECK_DELTA(s0, ubig + malloc_usable_size(r), 4, 2);
    /* failures count nothing */
    CHECK(reallocarray(r, half, 3) == NULL);
    CHECK(malloc(huge) == NULL);
    CHECK(calloc(half, 3) == NULL);
    CHECK_DELTA(s0, ubig + malloc_usable_size(r), 4, 2);
    free(r);
    free(big);
    CHECK_DELTA(s0, 0, 4, 4);
}

static void aligned(void) {
    ac_stats_t s0 = now();
    void *a = NULL;
    CHECK_EQ(posix_memalign(&a, 64, 100), 0);
    void *b = aligned_alloc(4096, 5000);
    void *c = memalign(256, 10);
    void *d = valloc(100);
    CHECK(a && b && c && d);
    CHECK((uintptr_t)a % 64 == 0 && (uintptr_t)b % 4096 == 0 && (uintptr_t)c % 256 == 0);
    size_t sum = malloc_usable_size(a) + malloc_usable_size(b) + malloc_usable_size(c) +
                 malloc_usable_size(d);
    CHECK_DELTA(s0, sum, 4, 0);
    CHECK_EQ(posix_memalign(&a, 3, 8), 22); /* EINVAL: nothing counted */
    CHECK_DELTA(s0, sum, 4, 0);
    free(a);
    free(b);
    free(c);
    free(d);
    CHECK_DELTA(s0, 0, 4, 4);
}

/* strdup and friends allocate inside libc: counted like any malloc */
static void inside_libc(void) {
    ac_stats_t s0 = now();
    char *s = strdup("alloc_cat");
    CHECK(s);
    CHECK_DELTA(s0, malloc_usable_size(s), 1, 0);
    free(s);
    CHECK_DELTA(s0, 0, 1, 1);
}

#define THREADS 4
#define THREAD_OPS 20000

static void *churn(void *arg) {
    (void)arg;
    for (int i = 0; i < THREAD_OPS; i++) {
        void *p = malloc((size_t)(16 + i % 200));
        sink = p;
        free(p);
    }
    return NULL;
}

/* Counters are atomic: no count is lost when threads race. */
static void threads(void) {
    pthread_t t[THREADS];
    ac_stats_t s0 = now();
    for (int i = 0; i < THREADS; i++) CHECK_EQ(pthread_create(&t[i], NULL, churn, NULL), 0);
    for (int i = 0; i < THREADS; i++) CHECK_EQ(pthread_join(t[i], NULL), 0);
    ac_stats_t s1 = now();
    /* the threads' own start-up (glibc's thread bookkeeping) may add a few */
    uint64_t allocs = s1.allocs - s0.allocs, frees = s1.frees - s0.frees;
    CHECK(allocs >= THREADS * THREAD_OPS && allocs < THREADS * THREAD_OPS + 64);
    CHECK(frees >= THREADS * THREAD_OPS && frees < THREADS * THREAD_OPS + 64);
    CHECK(s1.in_use_bytes - s0.in_use_bytes < 64 * 1024);
}

static int stop_churning;

static void *churn_until_stopped(void *arg) {
    (void)arg;
    while (!__atomic_load_n(&stop_churning, __ATOMIC_RELAXED)) {
        void *p = malloc(32);
        sink = p;
        free(p);
    }
    return NULL;
}

/* Snapshots taken while threads churn are sane: each thread holds at most
 * one block at a time, so live_blocks may not pass s0's by more than
 * THREADS (and a few for the threads' start-up). Computed as allocs - frees
 * from two loads, it wrapped to nearly 2^64 when the frees were read second
 * and ran far ahead when they were read first: it is a count of its own. */
#define SNAPSHOTS 1000000
static void snapshots_while_churning(void) {
    pthread_t t[THREADS];
    ac_stats_t s0 = now();
    __atomic_store_n(&stop_churning, 0, __ATOMIC_RELAXED);
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, churn_until_stopped, NULL), 0);
    uint64_t insane = 0, worst = 0;
    for (int i = 0; i < SNAPSHOTS; i++) {
        ac_stats_t s = now();
        if (s.live_blocks > s0.live_blocks + THREADS + 64) {
            insane++;
            if (s.live_blocks > worst) worst = s.live_blocks;
        }
    }
    __atomic_store_n(&stop_churning, 1, __ATOMIC_RELAXED);
    for (int i = 0; i < THREADS; i++) CHECK_EQ(pthread_join(t[i], NULL), 0);
    CHECK_EQ(insane, 0);
    CHECK_EQ(worst, 0);
}

/* glibc's own entry point: a block from it bypasses the wrappers */
extern void *__libc_malloc(size_t bytes);

/* A block that reaches free() around the wrappers was never counted: its
 * free counts, and in_use stops at 0 instead of wrapping to nearly 2^64.
 * Runs last: the counters are below the truth afterwards. */
static void uncounted_free(void) {
    ac_stats_t s0 = now();
    CHECK(s0.live_blocks >= 1); /* libc's own blocks, at least */
    void *p = __libc_malloc(s0.in_use_bytes + 4096);
    CHECK(p);
    CHECK_DELTA(s0, 0, 0, 0);
    free(p);
    ac_stats_t s1 = now();
    CHECK_EQ(s1.in_use_bytes, 0);
    CHECK_EQ(s1.allocs, s0.allocs);
    CHECK_EQ(s1.frees, s0.frees + 1);
    CHECK_EQ(s1.live_blocks, s0.live_blocks - 1);
}

static void *volatile kept[3]; /* volatile: the compiler may not drop the mallocs */

int main(void) {
    /* dlsym gives object pointers: copy their bits into function pointers */
    void *g = dlsym(RTLD_DEFAULT, "ac_stats_get"), *r = dlsym(RTLD_DEFAULT, "ac_stats_reset_trip"),
         *f = dlsym(RTLD_DEFAULT, "ac_stats_format");
    memcpy(&get, &g, sizeof g);
    memcpy(&reset_trip, &r, sizeof r);
    memcpy(&format, &f, sizeof f);
    if (!get || !reset_trip || !format) {
        out("metrics_prog: run me with LD_PRELOAD=build/native/liballoc_cat_metrics.so\n"
            "0 passed, 1 failed\n");
        return 1;
    }
    run("malloc_free", malloc_free);
    run("trip_meter", trip_meter);
    run("calloc_realloc", calloc_realloc);
    run("aligned", aligned);
    run("inside_libc", inside_libc);
    run("threads", threads);
    run("snapshots_while_churning", snapshots_while_churning);
    run("uncounted_free", uncounted_free);
    out_u(passed);
    out(" passed, ");
    out_u(failed);
    out(" failed\n");
    /* three blocks stay live until exit; the report at exit must agree */
    for (int i = 0; i < 3; i++) kept[i] = malloc(1000);
    static char report[2048];
    format(report, sizeof report);
    out("--- report before exit\n");
    out(report);
    return failed ? 1 : 0;
}
