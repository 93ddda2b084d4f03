/*
 * em_malloc.c - alloc_cat as emscripten's malloc: -sMALLOC=none removes
 * emscripten's own allocator and alloc_cat's sources provide malloc & co.
 *
 *   make dist
 *   emcc -O2 -sMALLOC=none -sALLOW_MEMORY_GROWTH=1 -Idist \
 *       examples/emscripten/em_malloc.c dist/alloc_cat.c -o em_malloc.js
 *   node --no-experimental-fetch em_malloc.js
 *
 * (--no-experimental-fetch: the JavaScript of emscripten 3.1.6, Debian 12's,
 * tries fetch() for the .wasm file under node 18 and later.)
 * Checks that the program's and the C library's allocations land in
 * alloc_cat and that printing still works after the memory has grown past
 * emscripten's initial 16 MiB, and that failures set errno. Ends with
 * "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
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
    char *volatile d = strdup("emscripten"); /* volatile: the compiler may not drop it */
    CHECK(d && stats().allocs == s0.allocs + 1 && stats().in_use_bytes == s0.in_use_bytes + 11,
          "strdup inside emscripten's libc uses alloc_cat");
    free(d);
    /* the memory has not grown yet: printing must work now too (the heap's
     * first look at the memory once cut emscripten's views of it off, and
     * the program hung in this printf) */
    CHECK(printf("printing after the first allocation, before any growth\n") > 0,
          "printf after the first allocation");

    size_t pages = __builtin_wasm_memory_size(0);
    char *blocks[48];
    int ok = 1;
    for (int i = 0; i < 48; i++) {
        blocks[i] = malloc(1 << 20);
        ok &= blocks[i] != NULL;
        if (blocks[i]) memset(blocks[i], i, 1 << 20);
    }
    CHECK(ok && __builtin_wasm_memory_size(0) > pages, "48 MiB: the memory grew from %zu pages",
          pages);
    for (int i = 0; ok && i < 48; i++) ok &= blocks[i][12345] == (char)i;
    CHECK(ok, "every block kept its bytes");
    for (int i = 0; i < 48; i++) free(blocks[i]);
    CHECK(stats().live_blocks == s0.live_blocks, "all freed");

    /* failures set errno, as POSIX asks (emscripten's own dlmalloc leaves
     * it alone); through volatile pointers, as clang assumes that malloc
     * never writes errno */
    void *(*volatile alloc)(size_t) = malloc;
    void *(*volatile alloc_aligned)(size_t, size_t) = aligned_alloc;
    errno = 0;
    CHECK(alloc(SIZE_MAX - 100) == NULL && errno == ENOMEM, "errno %d after a request too large",
          errno);
    errno = 0;
    CHECK(alloc_aligned(24, 48) == NULL && errno == EINVAL,
          "errno %d after an alignment not a power of two", errno);

    /* if the memory growth had not renewed emscripten's views of the
     * memory, this line would not be printed */
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
