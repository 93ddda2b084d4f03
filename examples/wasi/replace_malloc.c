/*
 * replace_malloc.c - a WASI program whose malloc is alloc_cat's instead of
 * wasi-libc's dlmalloc: link build/wasm32/liballoc_cat.a before libc.
 *
 *   clang --target=wasm32-wasi --sysroot=/usr -O2 -Iinclude \
 *       examples/wasi/replace_malloc.c build/wasm32/liballoc_cat.a -o replace_malloc.wasm
 *   node --no-turbo-fast-api-calls tools/run_wasi.mjs replace_malloc.wasm
 *
 * It checks that the program's own calls and the C library's internal ones
 * (strdup, fopen, getline) land in alloc_cat, by watching alloc_cat's
 * counters. Ends with "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <malloc.h>
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

static ac_stats_t stats(void) {
    ac_stats_t s;
    ac_stats_get(&s);
    return s;
}

int main(void) {
    ac_stats_t s0 = stats();

    /* the program's malloc is alloc_cat's */
    char *volatile p = malloc(100); /* volatile: the compiler may not drop it */
    ac_stats_t s1 = stats();
    CHECK(p && (uintptr_t)p % AC_MALLOC_ALIGN == 0, "malloc(100) = %p", (void *)p);
    CHECK(s1.allocs == s0.allocs + 1, "allocs %llu -> %llu", (unsigned long long)s0.allocs,
          (unsigned long long)s1.allocs);
    CHECK(s1.in_use_bytes == s0.in_use_bytes + 100, "in use %zu -> %zu", s0.in_use_bytes,
          s1.in_use_bytes);
    CHECK(malloc_usable_size(p) == ac_malloc_usable_size(p), "usable %zu vs %zu",
          malloc_usable_size(p), ac_malloc_usable_size(p));
    free(p);
    CHECK(stats().frees == s0.frees + 1, "free counted");

    /* so is the C library's own: strdup allocates inside wasi-libc */
    s0 = stats();
    char *volatile d = strdup("alloc_cat");
    CHECK(d && strcmp(d, "alloc_cat") == 0, "strdup copies");
    CHECK(stats().allocs == s0.allocs + 1 && stats().in_use_bytes == s0.in_use_bytes + 10,
          "strdup's 10 bytes came from alloc_cat");
    free(d);

    /* open_memstream and getline grow their buffers with realloc inside libc */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    CHECK(m != NULL, "open_memstream");
    for (int i = 0; i < 1000; i++) fprintf(m, "line %d of a memory stream\n", i);
    fclose(m);
    /* 10 lines of 26 bytes, 90 of 27, 900 of 28 */
    CHECK(len == 27890 && strcmp(buf + len - 28, "line 999 of a memory stream\n") == 0,
          "memstream length %zu", len);
    CHECK(ac_malloc_usable_size(buf) >= len + 1, "the memstream buffer is an alloc_cat block");
    free(buf);

    /* calloc, realloc, aligned allocation */
    int *z = calloc(1000, sizeof *z);
    int zero = 1;
    for (int i = 0; z && i < 1000; i++) zero &= z[i] == 0;
    CHECK(z && zero, "calloc zeroes");
    for (int i = 0; z && i < 1000; i++) z[i] = i;
    int *z2 = realloc(z, 100000 * sizeof *z2);
    int kept = z2 != NULL;
    for (int i = 0; z2 && i < 1000; i++) kept &= z2[i] == i;
    CHECK(kept, "realloc keeps the contents");
    free(z2);
    void *a = NULL;
    CHECK(posix_memalign(&a, 4096, 10) == 0 && (uintptr_t)a % 4096 == 0, "posix_memalign 4096");
    free(a);
    void *b = aligned_alloc(64, 640);
    CHECK(b && (uintptr_t)b % 64 == 0, "aligned_alloc 64");
    free(b);

    /* out of memory: NULL, and the error numbers are WASI's (what wasi-libc's
     * errno.h says); errno itself is set too, but clang assumes malloc never
     * writes errno, so reading it here would need -fno-builtin-malloc */
    /* volatile: a compiler may assume that a malloc whose result is only
     * compared with NULL succeeds, and remove the call */
    void *volatile huge = malloc((size_t)3 << 30);
    CHECK(huge == NULL, "a 3 GiB malloc fails");
    void *none = NULL;
    CHECK(posix_memalign(&none, 16, (size_t)3 << 30) == ENOMEM && none == NULL,
          "posix_memalign of 3 GiB: ENOMEM (%d in WASI)", ENOMEM);
    CHECK(posix_memalign(&none, 24, 16) == EINVAL, "posix_memalign, alignment 24: EINVAL");
    void *after = malloc(16);
    CHECK(after != NULL, "the heap still works after a failure");
    free(after);

    /* growing the wasm memory: 32 MiB in 1 MiB blocks */
    void *blocks[32];
    int all = 1;
    for (int i = 0; i < 32; i++) {
        blocks[i] = malloc(1 << 20);
        all &= blocks[i] != NULL;
        if (blocks[i]) memset(blocks[i], i, 1 << 20);
    }
    CHECK(all && __builtin_wasm_memory_size(0) >= 512, "32 MiB: memory is %zu pages",
          (size_t)__builtin_wasm_memory_size(0));
    for (int i = 0; i < 32; i++) free(blocks[i]);

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
