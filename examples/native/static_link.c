/*
 * static_link.c - alloc_cat as a static library in a native program, next
 * to the C library's malloc (which it does not replace: the ac_ names are
 * used directly).
 *
 *   gcc -O2 -Iinclude examples/native/static_link.c build/native/liballoc_cat.a \
 *       -lpthread -o static_link
 *
 * Run it with ALLOC_CAT_MMAP_HEAP_SIZE=8M to see the heap's limit in action.
 * Ends with "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_cat.h"

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

/* A linked list built and torn down by each thread. */
typedef struct node {
    struct node *next;
    unsigned value;
} node;

static void *worker(void *arg) {
    unsigned id = (unsigned)(uintptr_t)arg;
    unsigned long sum = 0;
    for (int round = 0; round < 20; round++) {
        node *head = NULL;
        for (unsigned i = 0; i < 1000; i++) {
            node *n = ac_malloc(sizeof *n + (i % 7) * 16);
            if (!n) return (void *)1;
            n->value = id * 100000u + i;
            n->next = head;
            head = n;
        }
        while (head) {
            node *next = head->next;
            sum += head->value;
            ac_free(head);
            head = next;
        }
    }
    /* 20 rounds of sum(id*100000 + i for i < 1000) */
    unsigned long want = 20ul * (1000ul * id * 100000ul + 999ul * 1000ul / 2ul);
    return (void *)(uintptr_t)(sum != want);
}

int main(void) {
    const char *limit = getenv("ALLOC_CAT_MMAP_HEAP_SIZE");

    /* the malloc family */
    char *s = ac_malloc(32);
    CHECK(s && (uintptr_t)s % AC_MALLOC_ALIGN == 0, "ac_malloc(32) = %p", (void *)s);
    strcpy(s, "alloc_cat, natively");
    char *t = ac_realloc(s, 4000);
    CHECK(t && strcmp(t, "alloc_cat, natively") == 0, "ac_realloc keeps the contents");
    CHECK(ac_malloc_usable_size(t) >= 4000, "usable %zu", ac_malloc_usable_size(t));
    ac_free(t);

    unsigned *z = ac_calloc(256, sizeof *z);
    unsigned nonzero = 0;
    for (int i = 0; z && i < 256; i++) nonzero += z[i] != 0;
    CHECK(z && nonzero == 0, "ac_calloc zeroes");
    ac_free(z);

    errno = 0;
    CHECK(ac_calloc(SIZE_MAX / 2, 4) == NULL && errno == ENOMEM, "calloc overflow: NULL, ENOMEM");
    errno = 0;
    CHECK(ac_aligned_alloc(48, 64) == NULL && errno == EINVAL, "alignment 48: NULL, EINVAL");

    /* the layout API: the caller keeps size and alignment */
    double *v = ac_alloc(100 * sizeof(double), 64);
    CHECK(v && (uintptr_t)v % 64 == 0, "ac_alloc aligned to 64");
    for (int i = 0; v && i < 100; i++) v[i] = i * 0.5;
    double *w = ac_resize(v, 100 * sizeof(double), 64, 10000 * sizeof(double));
    CHECK(w && (uintptr_t)w % 64 == 0 && w[99] == 49.5, "ac_resize keeps alignment and data");
    ac_dealloc(w, 10000 * sizeof(double), 64);

    /* one lock makes the heap safe to share between threads */
    ac_stats_t before;
    ac_stats_get(&before);
    pthread_t th[4];
    for (unsigned i = 0; i < 4; i++) pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i);
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        bad += r != NULL;
    }
    CHECK(bad == 0, "%d threads saw wrong lists", bad);

    ac_stats_t st;
    ac_stats_get(&st);
    CHECK(st.live_blocks == 0 && st.in_use_bytes == 0, "everything freed: %zu blocks, %zu bytes",
          st.live_blocks, st.in_use_bytes);
    CHECK(st.allocs - before.allocs == 80000u && st.frees - before.frees == 80000u,
          "the threads' 80000 allocations and frees counted: %llu, %llu",
          (unsigned long long)(st.allocs - before.allocs),
          (unsigned long long)(st.frees - before.frees));

    /* out of memory: with ALLOC_CAT_MMAP_HEAP_SIZE=8M the heap stops at 8 MiB */
    if (limit && strcmp(limit, "8M") == 0) {
        void *big = ac_malloc(16u << 20);
        CHECK(big == NULL && errno == ENOMEM, "16 MiB from an 8 MiB heap: NULL, ENOMEM");
        void *fits = ac_malloc(4u << 20);
        CHECK(fits != NULL, "4 MiB still fits");
        ac_free(fits);
    } else {
        void *big = ac_malloc(16u << 20);
        CHECK(big != NULL, "16 MiB from the default 1 GiB heap");
        ac_free(big);
    }

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
