/*
 * preload_check.c - an ordinary program (plain malloc, strdup, stdio,
 * threads, fork) that, run under LD_PRELOAD with alloc_cat's preload
 * library, gets alloc_cat as its malloc without being rebuilt:
 *
 *   gcc -O2 examples/preload/preload_check.c -lpthread -o preload_check
 *   LD_PRELOAD=build/native/liballoc_cat_preload.so ./preload_check
 *
 * It finds alloc_cat's counters with dlsym (it is not linked against
 * alloc_cat) and checks that its own calls and the C library's internal
 * ones land there. Ends with "N passed, N failed".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* the layout of ac_stats_t (include/alloc_cat.h), repeated: this program
 * deliberately does not include alloc_cat's header */
typedef struct {
    size_t in_use_bytes, peak_bytes, trip_peak_bytes, live_blocks;
    uint64_t allocs, frees;
    size_t heap_bytes, heap_pages;
} stats_t;
static void (*stats_get)(stats_t *);

static int passed, failed;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL line %d: %s: ", __LINE__, #cond);                                         \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static stats_t stats(void) {
    stats_t s;
    stats_get(&s);
    return s;
}

static void *worker(void *arg) {
    (void)arg;
    for (int i = 0; i < 10000; i++) {
        char *volatile p = malloc((size_t)(i % 300) + 1);
        if (!p) return (void *)1;
        p[0] = 'x';
        free(p);
    }
    return NULL;
}

int main(void) {
    *(void **)&stats_get = dlsym(RTLD_DEFAULT, "ac_stats_get");
    if (!stats_get) {
        printf("FAIL alloc_cat is not loaded: run with "
               "LD_PRELOAD=build/native/liballoc_cat_preload.so\n0 passed, 1 failed\n");
        return 1;
    }
    passed++;

    stats_t s0 = stats();
    char *volatile p = malloc(100); /* volatile: the compiler may not drop it */
    stats_t s1 = stats();
    CHECK(s1.allocs == s0.allocs + 1 && s1.in_use_bytes == s0.in_use_bytes + 100,
          "malloc(100) counted: allocs +%llu, in use +%zu",
          (unsigned long long)(s1.allocs - s0.allocs), s1.in_use_bytes - s0.in_use_bytes);
    CHECK((uintptr_t)p % 16 == 0, "16-byte aligned");
    free(p);
    CHECK(stats().frees == s1.frees + 1, "free counted");

    /* glibc's own allocations */
    s0 = stats();
    char *volatile d = strdup("a string glibc copies");
    CHECK(d && stats().allocs == s0.allocs + 1 && stats().in_use_bytes == s0.in_use_bytes + 22,
          "strdup's 22 bytes came from alloc_cat");
    free(d);

    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    for (int i = 0; m && i < 1000; i++) fprintf(m, "line %d\n", i);
    if (m) fclose(m);
    /* 10 lines of 7 bytes, 90 of 8, 900 of 9 */
    CHECK(len == 8890 && malloc_usable_size(buf) >= len + 1, "memstream: %zu bytes", len);
    free(buf);

    /* threads share the heap */
    s0 = stats();
    pthread_t th[4];
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, worker, NULL);
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        bad += r != NULL;
    }
    s1 = stats();
    CHECK(bad == 0 && s1.allocs - s0.allocs >= 40000 && s1.frees - s0.frees >= 40000,
          "4 threads x 10000 malloc/free counted: %llu allocs",
          (unsigned long long)(s1.allocs - s0.allocs));

    /* fork: the child's heap works */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *c = malloc(1000);
        int ok = c != NULL;
        free(c);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "malloc in a forked child");

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
