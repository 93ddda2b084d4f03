/*
 * em_fixed_memory.c - alloc_cat in an emscripten memory that may not grow
 * (built without -sALLOW_MEMORY_GROWTH: 16 MiB, and -sABORTING_MALLOC on,
 * emscripten's default there, so asking emscripten for more memory aborts
 * the program with "Aborted(OOM)").
 *
 *   make dist
 *   emcc -O2 -sMALLOC=none -Idist examples/emscripten/em_fixed_memory.c \
 *       dist/alloc_cat.c -o em_fixed_memory.js
 *   node --no-experimental-fetch em_fixed_memory.js
 *
 * Checks that realloc of the block at the top, by more than the top holds,
 * moves it into a free block that holds it rather than grow the memory, as
 * dlmalloc and emmalloc do. Ends with "N passed, N failed".
 */
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

int main(void) {
    size_t pages = __builtin_wasm_memory_size(0);
    /* a free block of 7 MiB, then a block that leaves 512 KiB of the top */
    char *a = malloc(7 << 20);
    ac_heap_info_t h;
    ac_heap_info(&h);
    CHECK(a && h.top_bytes > (1u << 20), "7 MiB, then %zu bytes of top", h.top_bytes);
    if (!a || h.top_bytes <= (1u << 20)) return 1;
    size_t size = h.top_bytes - (512 << 10);
    char *c = malloc(size);
    CHECK(c != NULL, "%zu bytes", size);
    if (!c) return 1;
    memset(c, 7, size);
    uintptr_t from = (uintptr_t)a, to = from + (7 << 20) + 32; /* its block: a grain more at most */
    free(a);
    /* 1 MiB more than the top holds: into the free 7 MiB */
    fflush(stdout); /* before an abort */
    char *d = realloc(c, size + (1 << 20));
    CHECK(d != NULL && (uintptr_t)d >= from && (uintptr_t)d + size + (1 << 20) <= to,
          "realloc moved %p to %p, not into [0x%lx, 0x%lx)", (void *)c, (void *)d,
          (unsigned long)from, (unsigned long)to);
    CHECK(d && d[0] == 7 && d[size - 1] == 7, "the bytes came along");
    CHECK(__builtin_wasm_memory_size(0) == pages, "the memory stayed at %zu pages", pages);
    free(d);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
