/*
 * std_names.c - an ordinary glibc program, linked without alloc_cat, that
 * tests/real/run.sh runs with liballoc_cat_preload.so in LD_PRELOAD. It
 * calls every standard allocation name and checks, through alloc_cat's own
 * counters (ac_stats_get, found with dlsym), that each call reached
 * alloc_cat, and that each behaves as glibc documents: alignment, usable
 * size, error numbers, errno kept by free. Then it forks while another
 * thread allocates, to check that the child's heap is not left locked.
 *
 * Prints one line per failed check and a summary; exit status 0 when all
 * passed, 2 when alloc_cat is not loaded at all.
 * Built with -fno-builtin so that the compiler keeps every call as written.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc_cat.h"

static void (*stats_get)(ac_stats_t *);
static size_t (*ac_usable)(const void *);
static unsigned checks, failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                     \
        }                                                                                          \
    } while (0)

static ac_stats_t stats(void) {
    ac_stats_t s;
    stats_get(&s);
    return s;
}

/* Runs one call and checks how many allocations and frees alloc_cat saw. */
#define COUNTED(expr, allocs_delta, frees_delta)                                                   \
    do {                                                                                           \
        ac_stats_t b_ = stats();                                                                   \
        expr;                                                                                      \
        ac_stats_t a_ = stats();                                                                   \
        CHECK(a_.allocs - b_.allocs == (allocs_delta) && a_.frees - b_.frees == (frees_delta));     \
    } while (0)

static bool aligned(const void *p, size_t a) { return ((uintptr_t)p & (a - 1)) == 0; }

static volatile int stop;
static void *churn(void *arg) {
    (void)arg;
    while (!stop) {
        void *p = malloc(64);
        void *q = malloc(5000);
        free(p);
        free(q);
    }
    return NULL;
}

/* valloc and pvalloc, under either of their names: page-aligned blocks
 * (pvalloc's a whole number of pages), counted by alloc_cat, freed
 * through free_fn. */
static void page_allocs(void *(*valloc_fn)(size_t), void *(*pvalloc_fn)(size_t),
                        void (*free_fn)(void *)) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void *p = NULL;
    COUNTED(p = valloc_fn(10), 1, 0);
    CHECK(p && aligned(p, page));
    COUNTED(free_fn(p), 0, 1);
    COUNTED(p = pvalloc_fn(1), 1, 0);
    CHECK(p && aligned(p, page) && malloc_usable_size(p) >= page);
    COUNTED(free_fn(p), 0, 1);
}

int main(void) {
    *(void **)&stats_get = dlsym(RTLD_DEFAULT, "ac_stats_get");
    *(void **)&ac_usable = dlsym(RTLD_DEFAULT, "ac_malloc_usable_size");
    if (!stats_get || !ac_usable) {
        printf("alloc_cat is not loaded (no ac_stats_get)\n");
        return 2;
    }
    void *p = NULL, *q = NULL;
    volatile size_t huge = SIZE_MAX / 2; /* opaque: no compile-time size warnings */

    COUNTED(p = malloc(100), 1, 0);
    CHECK(p && aligned(p, 16) && malloc_usable_size(p) >= 100);
    CHECK(malloc_usable_size(p) == ac_usable(p));
    q = malloc(16); /* in use right after p: realloc must move p */
    memset(p, 7, 100);
    COUNTED(p = realloc(p, 50000), 1, 1);
    CHECK(p && ((unsigned char *)p)[99] == 7);
    COUNTED(free(p), 0, 1);
    free(q);
    COUNTED(p = calloc(1000, 10), 1, 0);
    CHECK(p && ((unsigned char *)p)[9999] == 0);
    COUNTED(free(p), 0, 1);
    COUNTED(p = aligned_alloc(256, 1000), 1, 0);
    CHECK(p && aligned(p, 256));
    COUNTED(free(p), 0, 1);
    COUNTED(CHECK(posix_memalign(&p, 4096, 10) == 0), 1, 0);
    CHECK(aligned(p, 4096));
    COUNTED(free(p), 0, 1);
    /* glibc's memalign: small alignments (0 too) are malloc's, others round
     * up to a power of two */
    static const size_t memalign_cases[][2] = {{64, 64}, {0, 16}, {3, 16}, {24, 32}, {4097, 8192}};
    for (size_t i = 0; i < sizeof memalign_cases / sizeof memalign_cases[0]; i++) {
        COUNTED(p = memalign(memalign_cases[i][0], 100), 1, 0);
        CHECK(p && aligned(p, memalign_cases[i][1]));
        COUNTED(free(p), 0, 1);
    }
    page_allocs(valloc, pvalloc, free);
    COUNTED(p = reallocarray(NULL, 100, 8), 1, 0);
    CHECK(p != NULL);
    errno = 0;
    COUNTED(q = reallocarray(p, huge, 8), 0, 0); /* overflows */
    CHECK(q == NULL && errno == ENOMEM);
    COUNTED(free(p), 0, 1);
    /* cfree: no longer declared by glibc; the preloaded definition is found */
    void (*cfree_fn)(void *);
    *(void **)&cfree_fn = dlsym(RTLD_DEFAULT, "cfree");
    CHECK(cfree_fn != NULL);
    if (cfree_fn) {
        p = malloc(10);
        COUNTED(cfree_fn(p), 0, 1);
    }
    /* glibc's __libc_* names (not declared by its headers): each reaches
     * alloc_cat, so a block from one is freed through another */
    void *(*libc_malloc)(size_t), (*libc_free)(void *), *(*libc_calloc)(size_t, size_t);
    void *(*libc_realloc)(void *, size_t), *(*libc_memalign)(size_t, size_t);
    void *(*libc_valloc)(size_t), *(*libc_pvalloc)(size_t);
    *(void **)&libc_malloc = dlsym(RTLD_DEFAULT, "__libc_malloc");
    *(void **)&libc_free = dlsym(RTLD_DEFAULT, "__libc_free");
    *(void **)&libc_calloc = dlsym(RTLD_DEFAULT, "__libc_calloc");
    *(void **)&libc_realloc = dlsym(RTLD_DEFAULT, "__libc_realloc");
    *(void **)&libc_memalign = dlsym(RTLD_DEFAULT, "__libc_memalign");
    *(void **)&libc_valloc = dlsym(RTLD_DEFAULT, "__libc_valloc");
    *(void **)&libc_pvalloc = dlsym(RTLD_DEFAULT, "__libc_pvalloc");
    bool found = libc_malloc && libc_free && libc_calloc && libc_realloc && libc_memalign &&
                 libc_valloc && libc_pvalloc;
    CHECK(found);
    if (found) {
        COUNTED(p = libc_malloc(40), 1, 0);
        CHECK(p && ac_usable(p) >= 40);
        COUNTED(free(p), 0, 1);
        COUNTED(p = malloc(40), 1, 0);
        COUNTED(libc_free(p), 0, 1);
        COUNTED(p = libc_calloc(10, 10), 1, 0);
        CHECK(p && ((unsigned char *)p)[99] == 0);
        ac_stats_t before = stats();
        q = libc_realloc(p, 100000); /* in place or moved: alloc_cat's count of bytes */
        CHECK(q && stats().in_use_bytes - before.in_use_bytes == 100000 - 100);
        COUNTED(free(q), 0, 1);
        COUNTED(p = libc_memalign(256, 10), 1, 0);
        CHECK(p && aligned(p, 256));
        COUNTED(free(p), 0, 1);
        page_allocs(libc_valloc, libc_pvalloc, libc_free);
    }
    /* libc's own allocations come here too */
    char *s = NULL;
    COUNTED(s = strdup("hello"), 1, 0);
    CHECK(s && strcmp(s, "hello") == 0);
    COUNTED(free(s), 0, 1);

    /* failures */
    errno = 0;
    COUNTED(p = malloc(huge), 0, 0);
    CHECK(p == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(calloc(huge, 4) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(aligned_alloc(24, 48) == NULL && errno == EINVAL);
    errno = 0;
    CHECK(memalign(SIZE_MAX / 2 + 2, 8) == NULL && errno == EINVAL);
    p = &p;
    CHECK(posix_memalign(&p, 24, 8) == EINVAL && p == &p);
    CHECK(posix_memalign(&p, 64, huge) == ENOMEM && p == &p);
    /* free keeps errno (glibc's manual asks it of replacements) */
    p = malloc(10);
    errno = EDOM;
    free(p);
    CHECK(errno == EDOM);

    /* fork while another thread allocates: the child must be able to
     * allocate (pthread_atfork keeps the lock consistent) */
    pthread_t t;
    CHECK(pthread_create(&t, NULL, churn, NULL) == 0);
    unsigned children_ok = 0;
    for (int i = 0; i < 40; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(3); /* a deadlocked child dies instead of hanging the test */
            void *c = malloc(3000);
            void *d = realloc(c, 70000);
            free(d);
            _exit(d ? 0 : 1);
        }
        int status = 0;
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
            WEXITSTATUS(status) == 0)
            children_ok++;
        else
            break;
    }
    stop = 1;
    pthread_join(t, NULL);
    CHECK(children_ok == 40);

    printf("std names: %u checks, %u failed\n", checks, failures);
    return failures ? 1 : 0;
}
