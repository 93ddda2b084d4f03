/*
 * std_names.c - an ordinary glibc program, linked without alloc_cat, that
 * tests/real/run.sh runs with liballoc_cat_preload.so in LD_PRELOAD. It
 * calls every standard allocation name and checks, through alloc_cat's own
 * counters (ac_stats_get, found with dlsym), that each call reached
 * alloc_cat, and that each behaves as glibc documents: alignment, usable
 * size, error numbers, errno kept by free; and that glibc's statistics
 * names (mallinfo, mallinfo2, malloc_stats, malloc_trim) describe alloc_cat's
 * heap, not glibc's unused arena. Then it forks while another
 * thread allocates, to check that the child's heap is not left locked.
 *
 * Prints one line per failed check and a summary; exit status 0 when all
 * passed, 2 when alloc_cat is not loaded at all.
 * Built with -fno-builtin so that the compiler keeps every call as written.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
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

/* glibc's statistics names describe alloc_cat's heap: arena is what it
 * obtained from its backend, fordblks its free blocks and top (ordblks
 * counts the top as one), keepcost the top, uordblks the rest. */
static void statistics_names(void) {
    void (*heap_info)(ac_heap_info_t *);
    *(void **)&heap_info = dlsym(RTLD_DEFAULT, "ac_heap_info");
    CHECK(heap_info != NULL);
    if (!heap_info) return;
    struct mallinfo2 m = mallinfo2();
    ac_heap_info_t h;
    heap_info(&h);
    ac_stats_t s = stats();
    CHECK(m.arena == s.heap_bytes && m.arena >= 65536);
    CHECK(m.fordblks == h.free_bytes + h.top_bytes);
    CHECK(m.uordblks == m.arena - m.fordblks && m.uordblks >= h.used_bytes);
    CHECK(m.ordblks == h.free_blocks + (h.top_bytes != 0));
    CHECK(m.keepcost == h.top_bytes);
    CHECK(m.smblks == 0 && m.hblks == 0 && m.hblkhd == 0 && m.usmblks == 0 && m.fsmblks == 0);
    /* a block of 100,000 bytes is in use: its header and rounding too (16
     * bytes more, 32 in the checked library) */
    void *p = malloc(100000);
    struct mallinfo2 m2 = mallinfo2();
    ac_heap_info_t h2;
    heap_info(&h2);
    size_t grew = m2.uordblks - m.uordblks;
    CHECK(p && grew == h2.used_bytes - h.used_bytes && (grew == 100016 || grew == 100032));
    CHECK(m2.arena - m.arena == (stats().heap_bytes - s.heap_bytes));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations" /* mallinfo: glibc 2.33 */
    struct mallinfo old = mallinfo();
#pragma GCC diagnostic pop
    CHECK((size_t)old.arena == m2.arena && (size_t)old.uordblks == m2.uordblks &&
          (size_t)old.fordblks == m2.fordblks && (size_t)old.ordblks == m2.ordblks &&
          (size_t)old.keepcost == m2.keepcost);
    free(p);
    CHECK(mallinfo2().uordblks == m.uordblks);
    /* nothing is given back */
    CHECK(malloc_trim(0) == 0 && mallinfo2().arena == m2.arena);

    /* malloc_stats writes alloc_cat's report to stderr */
    char path[] = "/tmp/std_names_XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    char text[4096] = {0};
    CHECK(fd >= 0 && saved >= 0);
    if (fd < 0 || saved < 0) return;
    unlink(path);
    fflush(stderr);
    dup2(fd, 2);
    malloc_stats();
    dup2(saved, 2);
    close(saved);
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    close(fd);
    CHECK(n > 0 && strncmp(text, "alloc_cat heap\n  in use ", 24) == 0 && text[n - 1] == '\n' &&
          strstr(text, "\n  top ") != NULL);
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

    statistics_names();

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
