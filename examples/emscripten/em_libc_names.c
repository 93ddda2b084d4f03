/*
 * em_libc_names.c - emscripten's names that its own allocators define and
 * -sMALLOC=none leaves out with them: sbrk, brk and mallinfo (alloc_cat
 * defines them, and malloc_stats, mallopt and malloc_trim). The heap owns
 * the memory up to its end, so the break starts there.
 *
 *   make dist
 *   emcc -O2 -sMALLOC=none -sALLOW_MEMORY_GROWTH=1 -Idist \
 *       examples/emscripten/em_libc_names.c dist/alloc_cat.c -o em_libc_names.js
 *   node --no-experimental-fetch em_libc_names.js
 *
 * Checks sbrk's page taken before the heap's first allocation, which the
 * heap must leave alone; mallinfo against ac_heap_info; sbrk and brk up and
 * down, by multiples of 4 bytes as emscripten's; and the heap growing past
 * sbrk's pages. Ends with "N passed, N failed".
 */
#define _DEFAULT_SOURCE /* sbrk, brk */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static char *memory_end(void) { return (char *)(__builtin_wasm_memory_size(0) * 65536); }

/* Bytes [p, p + n) all hold `byte`. */
static int holds(const char *p, size_t n, char byte) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != byte) return 0;
    return 1;
}

/* mallinfo describes alloc_cat's heap: arena is what it obtained, fordblks
 * its free blocks and top, uordblks the rest. */
static void statistics(void) {
    struct mallinfo m = mallinfo();
    ac_heap_info_t h;
    ac_heap_info(&h);
    ac_stats_t s = stats();
    CHECK((size_t)m.arena == s.heap_bytes && (size_t)m.fordblks == h.free_bytes + h.top_bytes &&
              m.uordblks == m.arena - m.fordblks && (size_t)m.keepcost == h.top_bytes &&
              (size_t)m.ordblks == h.free_blocks + (h.top_bytes != 0),
          "mallinfo: arena %d, free %d in %d, in use %d, top %d", m.arena, m.fordblks, m.ordblks,
          m.uordblks, m.keepcost);
    void *volatile p = malloc(100000); /* volatile: kept, though never written */
    struct mallinfo m2 = mallinfo();
    /* the block: a 4-byte header and the request, in 8-byte grains
     * (AC_MALLOC_ALIGN is 8 with emscripten, as its own allocators align) */
    CHECK(p && m2.uordblks - m.uordblks == 100008 && (uintptr_t)p % 8 == 0,
          "100,000 bytes in use take %d", m2.uordblks - m.uordblks);
    free(p);
    CHECK(mallinfo().uordblks == m.uordblks, "freed");
}

/* The break: the rest of sbrk's pages, then more pages; never the heap's. */
static void program_break(void) {
    char *end = memory_end();
    CHECK(sbrk(0) == end, "the break at the memory's end");
    /* the memory grows as emscripten grows it for its own allocators: by
     * a page at least, by default by a fifth more (-sMEMORY_GROWTH_*) */
    char *a = sbrk(100);
    CHECK(a == end && sbrk(0) == end + 100 && memory_end() >= end + 65536, "sbrk(100)");
    char *b = sbrk(65536);
    char *grown = memory_end();
    CHECK(b == end + 100 && sbrk(0) == end + 100 + 65536 && grown >= end + 100 + 65536,
          "sbrk(65536)");
    memset(a, 7, 100 + 65536);
    CHECK(sbrk(-65536) == end + 100 + 65536 && sbrk(0) == end + 100, "sbrk(-65536)");
    errno = 0;
    CHECK(sbrk(-200) == (void *)-1 && errno == ENOMEM && sbrk(0) == end + 100,
          "not below where the break started");
    /* as emscripten's: by multiples of 4 bytes, rounded up */
    CHECK(brk(end + 50) == 0 && sbrk(0) == end + 52, "brk to a multiple of 4");
    CHECK(sbrk(5) == end + 52 && sbrk(0) == end + 60 && sbrk(-1) == end + 60 && sbrk(0) == end + 60,
          "sbrk by a multiple of 4");
    /* the heap grows past sbrk's pages, and the break moves to the end */
    char *big = malloc(96 << 20);
    CHECK(big && big >= grown && holds(a, 100 + 65536, 7), "the heap leaves them alone");
    CHECK(sbrk(0) == memory_end(), "then the break is at the memory's end again");
    free(big);
}

int main(void) {
    /* Before the heap's first allocation (nothing in emscripten's runtime
     * allocates before main here): sbrk's page is not the heap's, though
     * the heap takes the memory already there only at its start. */
    char *early = sbrk(65536);
    CHECK(early != (void *)-1, "sbrk before any allocation");
    if (early == (void *)-1) return 1;
    memset(early, 5, 65536);
    /* 48 MiB of blocks, written whole: none of them in sbrk's page */
    char *blocks[48];
    int ok = 1;
    for (int i = 0; i < 48; i++) {
        blocks[i] = malloc(1 << 20);
        ok &= blocks[i] != NULL && (blocks[i] + (1 << 20) <= early || blocks[i] >= early + 65536);
        if (blocks[i]) memset(blocks[i], i, 1 << 20);
    }
    CHECK(ok && holds(early, 65536, 5), "the heap left sbrk's page alone");
    for (int i = 0; i < 48; i++) free(blocks[i]);

    statistics();
    program_break();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
