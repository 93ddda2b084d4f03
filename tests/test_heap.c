/*
 * test_heap.c - the heap engine and the malloc family over a test backend
 * (a buffer handed out page by page, with a page limit, injected failures
 * and injected gaps) and over the default backend.
 */
#include "harness.h"
#include "internal.h"
#include "suites.h"
#include "under_tools.h"

#define ARENA_PAGES 400
#define PAGE        ((size_t)65536)

/* Layout facts, derived from the build's block layout (checked builds have
 * bigger headers and grains): the bytes a block for n requested bytes
 * takes, what the caller may use of it, and where the first block of a
 * 64 KiB-aligned span starts. */
#define HDR       AC__HDR_BYTES
#define BLK(n)    AC__BLOCK_BYTES(n)
#if AC_CHECKED
#define USABLE(n) ((size_t)(n)) /* the canary follows the requested bytes */
#else
#define USABLE(n) (BLK(n) - AC__HDR_BYTES)
#endif
#define FIRST     (AC__GRAIN - AC__HDR_BYTES)

static _Alignas(65536) unsigned char arena[ARENA_PAGES * 65536];

typedef struct test_backend {
    ac__backend b;
    size_t limit_pages; /* pages the backend may hand out, gaps included */
    size_t used_pages;  /* pages handed out, counted from the arena's start */
    unsigned fail_next; /* refuse this many grow calls */
    size_t gap_next;    /* skip this many pages before the next growth */
    unsigned grows;     /* successful grow calls */
} test_backend;

static test_backend tb;

static char *test_grow(ac__backend *self, size_t pages) {
    test_backend *t = (test_backend *)self;
    if (t->fail_next) {
        t->fail_next--;
        return NULL;
    }
    if (pages > t->limit_pages || t->used_pages + t->gap_next > t->limit_pages - pages) return NULL;
    char *m = (char *)arena + (t->used_pages + t->gap_next) * PAGE;
    t->used_pages += t->gap_next + pages;
    t->gap_next = 0;
    t->b.end = (char *)arena + t->used_pages * PAGE;
    t->grows++;
    return m;
}

/* A fresh heap: the first `initial_bytes` bytes after `skip` are already
 * there (like wasm memory above __heap_base), up to `limit_pages`. */
static void use_test_backend(size_t skip, size_t initial_pages, size_t limit_pages) {
    tb = (test_backend){{test_grow, (char *)arena + skip, (char *)arena + initial_pages * PAGE},
                        limit_pages, initial_pages, 0, 0, 0};
    ac__heap_reset_locked(&tb.b);
}

static size_t heap_pages(void) {
    ac_stats_t s;
    ac_stats_get(&s);
    return s.heap_pages;
}

static size_t in_use(void) {
    ac_stats_t s;
    ac_stats_get(&s);
    return s.in_use_bytes;
}

static void fill(void *p, size_t n, unsigned tag) {
    unsigned char *c = p;
    for (size_t i = 0; i < n; i++) c[i] = (unsigned char)(tag * 31u + i * 7u);
}

static bool filled(const void *p, size_t n, unsigned tag) {
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != (unsigned char)(tag * 31u + i * 7u)) return false;
    return true;
}

/* ---- basics ------------------------------------------------------------------ */

static void malloc_basics(void) {
    use_test_backend(100, 1, 8);
    char *a = ac_malloc(1), *b = ac_malloc(0), *c = ac_malloc(100);
    T_ASSERT(a && b && c);
    T_EQ((uintptr_t)a % AC_MALLOC_ALIGN, 0);
    T_EQ((uintptr_t)b % AC_MALLOC_ALIGN, 0);
    T_EQ((uintptr_t)c % AC_MALLOC_ALIGN, 0);
    /* blocks follow each other: 1 and 0 bytes take 16 (4-byte header,
     * 16-byte grain), 100 bytes take 112 */
    T_PTR(b, a + BLK(1));
    T_PTR(c, b + BLK(0));
#if !AC_CHECKED && AC__GRAIN == 16
    T_EQ(BLK(1), 16);
    T_EQ(BLK(100), 112);
#elif !AC_CHECKED
    /* 8-byte grains (AC_MALLOC_ALIGN_BYTES=8): 16 bytes at least */
    T_EQ(BLK(1), 16);
    T_EQ(BLK(12), 16);
    T_EQ(BLK(13), 24);
    T_EQ(BLK(100), 104);
#endif
    T_EQ(ac_malloc_usable_size(a), USABLE(1));
    T_EQ(ac_malloc_usable_size(b), USABLE(0));
    T_EQ(ac_malloc_usable_size(c), USABLE(100));
    T_ASSERT(USABLE(100) >= 100);
    T_EQ(ac_malloc_usable_size(NULL), 0);
    /* the first block uses the memory above the heap's start */
    T_ASSERT((unsigned char *)a < arena + 100 + 32);
    T_EQ(in_use(), 101);
    T_ASSERT(ac__heap_check());

    ac_free(b);
    T_ASSERT(ac__heap_check());
    /* a freed block of the same size class is reused exactly */
    T_EQ(BLK(5), BLK(0));
    T_PTR(ac_malloc(5), b);
    ac_free(NULL);
    ac_free(a);
    ac_free(b);
    ac_free(c);
    T_ASSERT(ac__heap_check());
    ac_stats_t s;
    ac_stats_get(&s);
    T_EQ(s.in_use_bytes, 0);
    T_EQ(s.live_blocks, 0);
    T_EQ(s.peak_bytes, 106); /* after malloc(5) */
    T_EQ(s.allocs, 4);
    T_EQ(s.frees, 4);
    /* everything went back to the top: the next block is where a was */
    T_PTR(ac_malloc(30), a);
    T_EQ(tb.grows, 0);
}

static void merging(void) {
    use_test_backend(0, 1, 8);
    char *p[6];
    for (int i = 0; i < 6; i++) p[i] = ac_malloc(60); /* 64-byte blocks */
    for (int i = 1; i < 6; i++) T_PTR(p[i], p[0] + BLK(60) * (size_t)i);
    ac_free(p[1]);
    ac_free(p[3]);
    T_ASSERT(ac__heap_check());
    ac_free(p[2]); /* merges with both neighbours: 3 blocks */
    T_ASSERT(ac__heap_check());
    T_PTR(ac_malloc(3 * BLK(60) - HDR - AC__CANARY_BYTES), p[1]);
    ac_free(p[1]);
    ac_free(p[4]);
    ac_free(p[5]); /* reaches the top: everything after p[0] goes back */
    T_ASSERT(ac__heap_check());
    T_PTR(ac_malloc(1000), p[1]);
    ac_free(p[1]);
    ac_free(p[0]);
    T_ASSERT(ac__heap_check());
}

static void size_classes_and_splitting(void) {
    use_test_backend(0, 2, 8);
    /* a large free block serves a smaller request from its low end; the
     * rest becomes the spare, which serves the next requests in order */
    char *big = ac_malloc(4000), *guard = ac_malloc(10);
    ac_free(big);
    char *small = ac_malloc(100);
    T_PTR(small, big);
    char *rest = ac_malloc(1000); /* from the remainder, not from the top */
    T_PTR(rest, big + BLK(100));
    /* what is left is an exact fit */
    char *last = ac_malloc(BLK(4000) - BLK(100) - BLK(1000) - HDR - AC__CANARY_BYTES);
    T_PTR(last, big + BLK(100) + BLK(1000));
    T_ASSERT(rest < guard);
    T_ASSERT(ac__heap_check());
    ac_free(last);
    ac_free(small);
    ac_free(rest);
    T_ASSERT(ac__heap_check());

    /* blocks of 2 KiB and more are cut from the high end of a free block,
     * next to what follows it; the rest stays free where it was */
    char *large = ac_malloc(3000);
    T_PTR(large, big + BLK(4000) - BLK(3000));
    T_PTR(ac_malloc(BLK(4000) - BLK(3000) - HDR - AC__CANARY_BYTES), big);
    ac_free(large);
    ac_free(big);
    ac_free(guard);
    T_ASSERT(ac__heap_check());
    T_EQ(in_use(), 0);
}

/* ---- growth ------------------------------------------------------------------ */

static void grows_by_pages_and_reuses_top(void) {
    use_test_backend(0, 1, 16);
    T_EQ(heap_pages(), 1);
    char *a = ac_malloc(100000); /* needs two more pages */
    T_ASSERT(a);
    T_EQ(heap_pages(), 2);
    T_EQ(tb.grows, 1);
    ac_free(a);
    char *b = ac_malloc(100000);
    T_PTR(b, a);
    T_EQ(heap_pages(), 2);
    T_EQ(tb.grows, 1);
    ac_free(b);
    T_ASSERT(ac__heap_check());
}

/* alloc 85196 + 80000 bytes, free both, 1000 times: no growth after round 1 */
static void bounded_growth_two_large(void) {
    use_test_backend(0, 1, ARENA_PAGES);
    size_t after_first = 0;
    for (int round = 0; round < 1000; round++) {
        void *a = ac_malloc(85196), *b = ac_malloc(80000);
        T_ASSERT(a && b);
        ac_free(a);
        ac_free(b);
        if (round == 0) after_first = heap_pages();
    }
    T_EQ(heap_pages(), after_first);
    T_EQ(after_first, 3); /* 165196 bytes + headers fit three pages */
    T_ASSERT(ac__heap_check());
}

/* a 65520-byte block allocated and freed 1000 times beside a live small one */
static void bounded_growth_page_block(void) {
    use_test_backend(0, 1, ARENA_PAGES);
    void *small = ac_malloc(24);
    size_t after_first = 0;
    for (int round = 0; round < 1000; round++) {
        void *a = ac_malloc(65520);
        T_ASSERT(a);
        ac_free(a);
        if (round == 0) after_first = heap_pages();
    }
    T_EQ(heap_pages(), after_first);
    T_EQ(after_first, 2);
    ac_free(small);
    T_ASSERT(ac__heap_check());
}

/* a buffer growing by one page per step, old and new live together */
static void bounded_growth_sliding_buffer(void) {
    use_test_backend(0, 1, ARENA_PAGES);
    void *old = NULL;
    size_t steps = 150, final_pages = 0;
    for (size_t i = 1; i <= steps; i++) {
        void *p = ac_malloc(i * PAGE);
        if (!p) {
            t_puts("    step ");
            t_putu(i);
            t_puts(" failed at heap pages ");
            t_putu(heap_pages());
            t_puts("\n");
        }
        T_ASSERT(p);
        ac_free(old);
        old = p;
        final_pages = i;
    }
    ac_free(old);
    size_t pages = heap_pages();
    t_puts("    sliding buffer: final ");
    t_putu(final_pages);
    t_puts(" pages, heap ");
    t_putu(pages);
    t_puts(" pages\n");
    /* the freed buffer is merged with the top, so the new one mostly reuses it */
    T_EQ(final_pages, 150);
    T_ASSERT(pages * 2 <= final_pages * 5 + 2 * 4); /* 2.5x + 4 pages */
    T_ASSERT(ac__heap_check());
}

static void out_of_memory_then_recover(void) {
    use_test_backend(0, 1, 4);
    void *blocks[1000];
    size_t n = 0;
    while (n < 1000 && (blocks[n] = ac_malloc(1000)) != NULL) n++;
    T_ASSERT(n > 200 && n < 1000);
    T_EQ(heap_pages(), 4);
    T_ASSERT(ac__heap_check());
    /* an oversized request fails without touching anything */
    T_PTR(ac_malloc(10 * PAGE), NULL);
    T_ASSERT(ac__heap_check());
    for (size_t i = 0; i < n; i += 2) ac_free(blocks[i]);
    T_ASSERT(ac__heap_check());
    for (size_t i = 0; i < n; i += 2) T_ASSERT((blocks[i] = ac_malloc(1000)) != NULL);
    for (size_t i = 0; i < n; i++) ac_free(blocks[i]);
    T_ASSERT(ac__heap_check());
    T_EQ(in_use(), 0);
    /* all of it is one free top again */
    T_ASSERT(ac_malloc(3 * PAGE) != NULL);
}

static void grow_failure_is_harmless(void) {
    use_test_backend(0, 1, 8);
    void *a = ac_malloc(1000);
    tb.fail_next = 1;
    T_PTR(ac_malloc(PAGE), NULL);
    T_ASSERT(ac__heap_check());
    T_EQ(heap_pages(), 1);
    void *b = ac_malloc(PAGE);
    T_ASSERT(b);
    T_EQ(heap_pages(), 2);
    ac_free(a);
    ac_free(b);
    T_ASSERT(ac__heap_check());
}

/* Someone else grew the memory in between: a new span starts, the old top
 * becomes a free block that is used later. */
static void non_contiguous_growth(void) {
    /* the first page holds data (a block's, left in use when the heap is
     * reset), not what an earlier test left there: in checked builds, none
     * of it may pass for the fill of free memory */
    use_test_backend(0, 1, 16);
    char *data = ac_malloc(60000);
    T_ASSERT(data);
    __builtin_memset(data, 0x5a, 60000);
    use_test_backend(0, 1, 16);
    char *a = ac_malloc(30000);
    tb.gap_next = 2;
    char *b = ac_malloc(50000); /* does not fit the first page */
    T_ASSERT(a && b);
    T_ASSERT(b >= (char *)arena + 3 * PAGE);
    T_ASSERT(ac__heap_check());
    /* the rest of the first span serves a request that fits it */
    char *c = ac_malloc(20000);
    T_ASSERT(c > a && c < (char *)arena + PAGE);
    ac_free(a);
    ac_free(c);
    T_ASSERT(ac__heap_check());
    /* the closed span's memory merges into one free block */
    char *d = ac_malloc(60000);
    T_ASSERT(d < (char *)arena + PAGE);
    ac_free(b);
    ac_free(d);
    T_ASSERT(ac__heap_check());
    T_EQ(in_use(), 0);
}

/* A span whose top is used up to the fence (no free block to make of it)
 * closed by a non-contiguous growth: the word before the fence is the last
 * block's own (checked builds once took it for a footer over the fill and
 * reported a write after free there). */
static void span_closed_when_full(void) {
    use_test_backend(0, 1, 16);
    char *a = ac_malloc(PAGE - FIRST - 2 * HDR - AC__CANARY_BYTES); /* the whole first span */
    T_ASSERT(a);
    T_EQ(tb.grows, 0);
    tb.gap_next = 1;
    char *b = ac_malloc(100);
    T_ASSERT(b >= (char *)arena + 2 * PAGE);
    T_EQ(tb.grows, 1);
    T_ASSERT(ac__heap_check());
    ac_free(a);
    ac_free(b);
    T_ASSERT(ac__heap_check());
    T_EQ(in_use(), 0);
}

static void no_initial_memory(void) {
    use_test_backend(0, 0, 4); /* like the mmap backend: nothing until grown */
    char *a = ac_malloc(10);
    T_ASSERT(a);
    T_EQ(tb.grows, 1);
    T_EQ((uintptr_t)a % AC_MALLOC_ALIGN, 0);
    ac_free(a);
    T_ASSERT(ac__heap_check());
}

/* ---- bad input ------------------------------------------------------------------ */

static void absurd_requests_fail_without_growth(void) {
    use_test_backend(0, 1, ARENA_PAGES);
    void *keep = ac_malloc(10), *laid = ac_alloc(10, 64);
    fill(laid, 10, 3);
    size_t huge[] = {SIZE_MAX, SIZE_MAX - 8, SIZE_MAX / 2, AC_MAX_REQUEST_BYTES + 1};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        T_PTR(ac_malloc(huge[i]), NULL);
        T_PTR(ac_realloc(keep, huge[i]), NULL);
        T_PTR(ac_aligned_alloc(64, huge[i]), NULL);
        T_PTR(ac_alloc(huge[i], 8), NULL);
        T_PTR(ac_alloc_zeroed(huge[i], 8), NULL); /* and clears nothing */
        T_PTR(ac_resize(laid, 10, 64, huge[i]), NULL);
    }
    T_PTR(ac_calloc(SIZE_MAX / 2, 3), NULL);     /* product overflows */
    T_PTR(ac_calloc((size_t)1 << 31, (size_t)1 << 31), NULL);
    T_PTR(ac_aligned_alloc(SIZE_MAX / 2 + 1, 8), NULL); /* alignment too large */
    T_EQ(tb.grows, 0);
    T_EQ(heap_pages(), 1);
    T_EQ(ac_malloc_usable_size(keep), USABLE(10));
    T_EQ(ac_malloc_usable_size(laid), USABLE(10));
    T_ASSERT(filled(laid, 10, 3)); /* the failed resizes left it as it was */
    /* more than the backend has: fails after trying, heap intact */
    T_PTR(ac_malloc(2 * ARENA_PAGES * PAGE), NULL);
    T_ASSERT(ac__heap_check());
    ac_free(keep);
    ac_dealloc(laid, 10, 64);
    T_EQ(in_use(), 0);
}

static void bad_alignments(void) {
    use_test_backend(0, 1, 8);
    void *p = (void *)&p;
    T_PTR(ac_aligned_alloc(0, 16), NULL);
    T_PTR(ac_aligned_alloc(3, 16), NULL);
    T_PTR(ac_aligned_alloc(48, 16), NULL);
    T_PTR(ac_alloc(16, 24), NULL);
#ifdef __wasm32__
    T_EQ(AC_EINVAL, 28); /* WASI's numbers */
    T_EQ(AC_ENOMEM, 48);
#else
    T_EQ(AC_EINVAL, 22);
    T_EQ(AC_ENOMEM, 12);
#endif
    T_EQ(ac_posix_memalign(&p, 2, 16), AC_EINVAL);          /* not a multiple of sizeof(void *) */
    T_EQ(ac_posix_memalign(&p, 24, 16), AC_EINVAL);         /* not a power of two */
    T_EQ(ac_posix_memalign(&p, 64, SIZE_MAX - 8), AC_ENOMEM); /* ENOMEM */
    T_PTR(p, &p);                                    /* untouched on failure */
    T_EQ(ac_posix_memalign(&p, 64, 100), 0);
    T_EQ((uintptr_t)p % 64, 0);
    ac_free(p);
    T_EQ(tb.grows, 0);
    T_ASSERT(ac__heap_check());
}

static void calloc_zeroes(void) {
    use_test_backend(0, 1, 8);
    unsigned char *a = ac_malloc(500);
    fill(a, 500, 9);
    ac_free(a);
    unsigned char *b = ac_calloc(50, 10);
    T_PTR(b, a); /* the dirty block comes back, zeroed */
    for (size_t i = 0; i < 500; i++) T_EQ(b[i], 0);
    T_EQ(ac_malloc_usable_size(b), USABLE(500));
    unsigned char *z = ac_calloc(0, 10);
    T_ASSERT(z);
    ac_free(z);
    ac_free(b);
}

/* ---- realloc ---------------------------------------------------------------------- */

static void realloc_in_place_and_moving(void) {
    use_test_backend(0, 1, 16);
    char *a = ac_malloc(100);
    fill(a, 100, 1);
    /* at the top: grows in place, even across a page */
    char *a2 = ac_realloc(a, 100000);
    T_PTR(a2, a);
    T_ASSERT(filled(a, 100, 1));
    T_EQ(ac_malloc_usable_size(a), USABLE(100000));
    /* shrinks in place; the tail goes back */
    T_PTR(ac_realloc(a, 50), a);
    T_ASSERT(filled(a, 50, 1));
    char *b = ac_malloc(200);
    T_PTR(b, a + BLK(50));
    T_ASSERT(ac__heap_check());
    /* b blocks a: a moves, keeping its contents */
    char *c = ac_malloc(300);
    ac_free(c); /* c is back in the top */
    char *a3 = ac_realloc(a, 80);
    T_ASSERT(a3 != a);
    T_ASSERT(filled(a3, 50, 1));
    T_ASSERT(ac__heap_check());
    /* into a free neighbour: free the block after a3, grow a3 into it */
    char *d = ac_malloc(1000), *e = ac_malloc(16);
    T_PTR(d, a3 + BLK(80));
    ac_free(d);
    T_PTR(ac_realloc(a3, 900), a3);
    T_ASSERT(filled(a3, 50, 1));
    T_ASSERT(ac__heap_check());
    ac_free(a3);
    ac_free(b);
    ac_free(e);
    T_EQ(in_use(), 0);
    T_ASSERT(ac__heap_check());
}

/* A realloc that moves a block carries over all its usable bytes, not only
 * the requested ones, as glibc's does: programs that size their buffers by
 * malloc_usable_size keep what they wrote past the request. */
static void realloc_keeps_usable_bytes(void) {
    use_test_backend(100, 1, 8);
    unsigned char *p = ac_malloc(1);
    size_t n = ac_malloc_usable_size(p);
    T_EQ(n, USABLE(1)); /* 12 (1 in checked builds: the canary follows) */
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(0xa0 + i);
    void *wall = ac_malloc(1); /* next to p: p cannot grow in place */
    T_PTR(wall, p + BLK(1));
    unsigned char *q = ac_realloc(p, 1000);
    T_ASSERT(q && q != p);
    for (size_t i = 0; i < n; i++) T_EQ(q[i], 0xa0 + i);
    ac_free(q);
    ac_free(wall);
    T_ASSERT(ac__heap_check());
}

static void realloc_edge_cases(void) {
    use_test_backend(0, 1, 4);
    char *a = ac_realloc(NULL, 40); /* acts as malloc */
    T_ASSERT(a);
    fill(a, 40, 3);
    char *z = ac_realloc(a, 0); /* a 0-byte block, still owned */
    T_PTR(z, a);
    T_EQ(in_use(), 0);
    char *g = ac_realloc(z, 40);
    T_PTR(g, a);
    fill(g, 40, 4);
    /* failure leaves the old block intact */
    T_PTR(ac_realloc(g, 10 * PAGE), NULL);
    T_ASSERT(filled(g, 40, 4));
    T_EQ(in_use(), 40);
    ac_free(g);
    T_ASSERT(ac__heap_check());
}

/* ---- alignment ---------------------------------------------------------------------- */

static void aligned_allocations(void) {
    use_test_backend(4, 1, ARENA_PAGES);
    void *small = ac_malloc(8);
    for (size_t align = 1; align <= ((size_t)1 << 20); align <<= 1) {
        for (size_t size = 0; size < 70000; size = size * 3 + 1) {
            char *p = ac_aligned_alloc(align, size);
            T_ASSERT(p != NULL);
            T_EQ((uintptr_t)p % align, 0);
            T_EQ((uintptr_t)p % 16, 0);
            T_ASSERT(ac_malloc_usable_size(p) >= size);
            fill(p, size, (unsigned)align);
            void *q = ac_malloc(24); /* keep the neighbourhood busy */
            T_ASSERT(ac__heap_check());
            T_ASSERT(filled(p, size, (unsigned)align));
            ac_free(p);
            ac_free(q);
        }
    }
    ac_free(small);
    T_ASSERT(ac__heap_check());
    T_EQ(in_use(), 0);
    /* a 1 MiB alignment must not have cost more than about 2 MiB of heap */
    T_ASSERT(heap_pages() <= 2 * 16 + 3);
}

/* ---- the layout API ---------------------------------------------------------------------- */

static void layout_api(void) {
    use_test_backend(0, 1, 16);
    char *a = ac_alloc(100, 64);
    T_ASSERT(a);
    T_EQ((uintptr_t)a % 64, 0);
    fill(a, 100, 5);
    char *z = ac_alloc_zeroed(300, 256);
    T_EQ((uintptr_t)z % 256, 0);
    for (int i = 0; i < 300; i++) T_EQ(z[i], 0);
    char *a2 = ac_resize(a, 100, 64, 5000);
    T_ASSERT(a2);
    T_EQ((uintptr_t)a2 % 64, 0);
    T_ASSERT(filled(a2, 100, 5));
    char *a3 = ac_resize(a2, 5000, 64, 10);
    T_PTR(a3, a2);
    T_PTR(ac_resize(a3, 10, 3, 20), NULL); /* bad alignment: block intact */
    T_ASSERT(filled(a3, 10, 5));
    ac_dealloc(a3, 10, 64);
    ac_dealloc(z, 300, 256);
    ac_dealloc(NULL, 0, 8);
    void *zero = ac_alloc(0, 8);
    T_ASSERT(zero);
    ac_dealloc(zero, 0, 8);
    T_EQ(in_use(), 0);
    T_ASSERT(ac__heap_check());
}

/* ---- stats --------------------------------------------------------------------------------- */

static void stats_trip(void) {
    use_test_backend(0, 1, 8);
    ac_stats_t s;
    void *a = ac_malloc(100), *b = ac_malloc(200);
    ac_free(a);
    ac_stats_get(&s);
    T_EQ(s.in_use_bytes, 200);
    T_EQ(s.peak_bytes, 300);
    T_EQ(s.trip_peak_bytes, 300);
    ac_stats_reset_trip();
    ac_stats_get(&s);
    T_EQ(s.trip_peak_bytes, 200);
    void *c = ac_malloc(50);
    ac_stats_get(&s);
    T_EQ(s.trip_peak_bytes, 250);
    T_EQ(s.peak_bytes, 300);
    /* realloc counts the difference; aligned blocks count what was asked */
    b = ac_realloc(b, 260);
    void *d = ac_aligned_alloc(4096, 10);
    ac_stats_get(&s);
    T_EQ(s.in_use_bytes, 260 + 50 + 10);
    T_EQ(s.peak_bytes, 320);
    T_EQ(s.live_blocks, 3);
    ac_free(b);
    ac_free(c);
    ac_free(d);
    ac_stats_get(&s);
    T_EQ(s.in_use_bytes, 0);
    T_EQ(s.allocs, 4);
    T_EQ(s.frees, 4);
}

static void static_buffer(void) {
    static _Alignas(64) unsigned char buf[10000];
    void *live = ac_malloc(10);
    T_ASSERT(!ac_heap_init_static(buf, sizeof buf)); /* blocks are live */
    ac_free(live);
    T_ASSERT(!ac_heap_init_static(NULL, 100));
    T_EQ(AC__HEAP_MIN_BYTES, AC_CHECKED ? 128 : 64);
    T_ASSERT(!ac_heap_init_static(buf, AC__HEAP_MIN_BYTES - 1));
    /* the smallest buffer accepted serves a block (a checked build once
     * accepted 64 bytes and never used them) */
    T_ASSERT(ac_heap_init_static(buf, AC__HEAP_MIN_BYTES));
    void *least = ac_malloc(1);
    T_ASSERT((unsigned char *)least > buf && (unsigned char *)least < buf + AC__HEAP_MIN_BYTES);
    ac_free(least);
    T_ASSERT(ac_heap_init_static(buf + 3, sizeof buf - 3));
    void *p[100];
    size_t n = 0;
    while (n < 100 && (p[n] = ac_malloc(500)) != NULL) {
        T_ASSERT((unsigned char *)p[n] >= buf && (unsigned char *)p[n] + 500 <= buf + sizeof buf);
        n++;
    }
#if AC__GRAIN == 8
    T_EQ(BLK(500), 504);
#else
    T_EQ(BLK(500), 512);
#endif
    T_EQ(n, 19); /* 19 blocks of 512 (504) bytes fit 9997 bytes less the start */
    T_ASSERT(ac__heap_check());
    while (n) ac_free(p[--n]);
    T_ASSERT(ac__heap_check());
    /* all of it is one top again: the first payload after buf + 3 and the
     * span's link word */
    T_PTR(ac_malloc(9900), buf + (AC__GRAIN < 16 ? 16 : AC__GRAIN));
}

/* ---- randomized against a shadow model ------------------------------------------------------ */

typedef struct shadow {
    char *p;
    size_t size, align;
    unsigned tag;
} shadow;

static shadow live[1024];

static size_t random_size(uint64_t *rng) {
    uint64_t k = t_rand_below(rng, 1000);
    if (k < 700) return (size_t)t_rand_below(rng, 64);
    if (k < 950) return (size_t)t_rand_below(rng, 2048);
    if (k < 995) return (size_t)t_rand_below(rng, 40000);
    return (size_t)t_rand_below(rng, 300000);
}

static void random_against_model(void) {
    uint64_t rng = t_seed() ^ 0x4865u;
    use_test_backend(36, 1, 64);
    size_t n = 0, expect_in_use = 0;
    unsigned tag = 0, ops = 20000u * t_scale();
    for (unsigned op = 0; op < ops; op++) {
        uint64_t k = t_rand_below(&rng, 100);
        if (n && (k < 40 || n == 1024)) {
            size_t i = (size_t)t_rand_below(&rng, n);
            T_ASSERT(filled(live[i].p, live[i].size, live[i].tag));
            ac_free(live[i].p);
            expect_in_use -= live[i].size;
            live[i] = live[--n];
        } else if (n && k < 55) {
            size_t i = (size_t)t_rand_below(&rng, n), size = random_size(&rng);
            char *q = live[i].align > AC_MALLOC_ALIGN ? ac_resize(live[i].p, live[i].size, live[i].align, size)
                                         : ac_realloc(live[i].p, size);
            if (!q) {
                T_ASSERT(filled(live[i].p, live[i].size, live[i].tag));
                continue;
            }
            size_t keep = size < live[i].size ? size : live[i].size;
            T_ASSERT(filled(q, keep, live[i].tag));
            T_EQ((uintptr_t)q % live[i].align, 0);
            expect_in_use += size;
            expect_in_use -= live[i].size;
            live[i].p = q;
            live[i].size = size;
            fill(q, size, live[i].tag);
        } else {
            size_t size = random_size(&rng), align = AC_MALLOC_ALIGN;
            char *p;
            if (k < 65) {
                align = (size_t)1 << t_rand_below(&rng, 13);
                p = ac_aligned_alloc(align, size);
                if (align < AC_MALLOC_ALIGN) align = AC_MALLOC_ALIGN;
            } else if (k < 70) {
                p = ac_calloc(1, size);
                for (size_t j = 0; p && j < size; j++) T_EQ(p[j], 0);
            } else {
                p = ac_malloc(size);
            }
            if (!p) continue; /* the 64-page limit */
            T_EQ((uintptr_t)p % align, 0);
            tag++;
            fill(p, size, tag);
            live[n++] = (shadow){p, size, align, tag};
            expect_in_use += size;
        }
        if (in_use() != expect_in_use || !ac__heap_check()) {
            t_puts("    model disagrees at op ");
            t_putu(op);
            t_puts(", seed ");
            t_putu(t_seed());
            t_puts("\n");
            T_EQ(in_use(), expect_in_use);
            T_ASSERT(ac__heap_check());
        }
    }
    while (n) {
        n--;
        T_ASSERT(filled(live[n].p, live[n].size, live[n].tag));
        ac_free(live[n].p);
    }
    T_ASSERT(ac__heap_check());
    T_EQ(in_use(), 0);
}

/* ---- walking ------------------------------------------------------------------------------ */

typedef struct walk_log {
    ac_walk_entry e[16];
    size_t n;
} walk_log;

static bool log_entry(const ac_walk_entry *e, void *ctx) {
    walk_log *log = ctx;
    if (log->n < 16) log->e[log->n] = *e;
    log->n++;
    return true;
}

static bool stop_at_three(const ac_walk_entry *e, void *ctx) {
    (void)e;
    return ++*(size_t *)ctx < 3;
}

#define T_ENTRY(entry, k, a, b, r)                                                                 \
    do {                                                                                           \
        T_EQ((entry).kind, k);                                                                     \
        T_EQ((entry).addr, (uintptr_t)(a));                                                        \
        T_EQ((entry).bytes, b);                                                                    \
        T_EQ((entry).requested, r);                                                                \
    } while (0)

#if AC__SLIVERS
/* The walk entry just before the one at `addr` (a payload or a free
 * block's start) in a heap of at most 16 entries. */
static ac_walk_entry entry_before(const void *addr) {
    walk_log log = {{{0, 0, 0, 0}}, 0};
    ac_heap_walk(log_entry, &log);
    for (size_t i = 1; i < log.n && i < 16; i++)
        if (log.e[i].addr == (uintptr_t)addr) return log.e[i - 1];
    return (ac_walk_entry){AC_WALK_SPAN, 0, 0, 0};
}

/* With 8-byte grains (AC_MALLOC_ALIGN_BYTES=8) a split can leave 8 bytes:
 * a sliver, a free block of header and footer with no room for links, on
 * no list. It must merge like any free block, both ways, and never be
 * handed out or listed. */
static void slivers(void) {
    use_test_backend(0, 1, 16);
    char *a = ac_malloc(20), *g = ac_malloc(1); /* 24 bytes, and a guard */
    T_EQ(BLK(20), 24);
    ac_free(a); /* a free block of 24 on its list */
    char *b = ac_malloc(12); /* 16 bytes of it: 8 left */
    T_PTR(b, a);
    ac_walk_entry e = entry_before(g);
    T_ENTRY(e, AC_WALK_FREE, b - HDR + 16, 8, 0);
    T_ASSERT(ac_heap_check());
    ac_heap_info_t info;
    ac_heap_info(&info);
    T_EQ(info.free_blocks, 1);
    T_EQ(info.free_bytes, 8);
    char *x = ac_malloc(1); /* the sliver holds none: from the top */
    T_PTR(x, g + 16);
    ac_free(b); /* merges forward with the sliver: 24 on its list again */
    e = entry_before(g);
    T_ENTRY(e, AC_WALK_FREE, a - HDR, 24, 0);
    T_ASSERT(ac_heap_check());
    T_PTR(ac_malloc(20), a);

    /* backward: the block after a sliver is freed into it */
    ac_free(a);
    b = ac_malloc(12);
    T_PTR(b, a);
    ac_free(g);
    e = entry_before(x);
    T_ENTRY(e, AC_WALK_FREE, b - HDR + 16, 8 + 16, 0);
    T_ASSERT(ac_heap_check());

    /* a shrink in place leaves a sliver; growth takes it back */
    char *y = ac_malloc(20); /* the 24 bytes freed just above, x after it */
    T_PTR(y, b + 16);
    T_PTR(ac_realloc(y, 12), y);
    e = entry_before(x);
    T_ENTRY(e, AC_WALK_FREE, y - HDR + 16, 8, 0);
    T_ASSERT(ac_heap_check());
    T_PTR(ac_realloc(y, 20), y);
    e = entry_before(x);
    T_ENTRY(e, AC_WALK_USED, y, 24, 20);
    T_ASSERT(ac_heap_check());

    /* an aligned block whose lead is 8 bytes: a sliver before it */
    char *probe = ac_malloc(1);
    ac_free(probe); /* where the top's next payload is */
    if ((uintptr_t)probe % 16 == 0) T_ASSERT(ac_malloc(13)); /* 24 bytes: 8 mod 16 then */
    char *al = ac_aligned_alloc(16, 16);
    T_EQ((uintptr_t)al % 16, 0);
    e = entry_before(al);
    T_ENTRY(e, AC_WALK_FREE, al - HDR - 8, 8, 0);
    T_EQ(ac_malloc_usable_size(al), 20); /* 24 bytes: the 16 asked for and the rest of the grain */
    T_ASSERT(ac_heap_check());
    ac_free(al); /* merges with its lead and goes back to the top */
    T_ASSERT(ac_heap_check());
    /* the same for a block of less than 16 bytes: 16 after the lead */
    al = ac_aligned_alloc(16, 1);
    T_EQ((uintptr_t)al % 16, 0);
    e = entry_before(al);
    T_ENTRY(e, AC_WALK_FREE, al - HDR - 8, 8, 0);
    T_EQ(ac_malloc_usable_size(al), 12);
    T_ASSERT(ac_heap_check());
    ac_free(al);
    T_ASSERT(ac_heap_check());
}
#endif

static void walk_in_address_order(void) {
    use_test_backend(0, 1, 16);
    walk_log log = {{{0, 0, 0, 0}}, 0};
    T_EQ(ac_heap_walk(log_entry, &log), 2); /* a fresh span: all of it is top */
    T_ENTRY(log.e[0], AC_WALK_SPAN, arena + FIRST, PAGE - FIRST, 0);
    T_ENTRY(log.e[1], AC_WALK_TOP, arena + FIRST, PAGE - FIRST, 0);
    char *a = ac_malloc(10), *b = ac_malloc(100), *c = ac_malloc(40000);
    ac_free(b);
    tb.gap_next = 1;
    char *d = ac_malloc(30000); /* the first span cannot hold it: a new span */
    T_PTR(d, (char *)arena + 2 * PAGE + FIRST + HDR);
    log.n = 0;
    T_EQ(ac_heap_walk(log_entry, &log), 8);
    char *first = a - HDR, *top1 = c - HDR + BLK(40000);
    size_t piece = (size_t)((char *)arena + PAGE - HDR - top1); /* up to the fence */
    T_ENTRY(log.e[0], AC_WALK_SPAN, first, PAGE - FIRST, 0); /* ends with its fence */
    T_ENTRY(log.e[1], AC_WALK_USED, a, BLK(10), 10);
    T_ENTRY(log.e[2], AC_WALK_FREE, b - HDR, BLK(100), 0);
    T_ENTRY(log.e[3], AC_WALK_USED, c, BLK(40000), 40000);
    T_ENTRY(log.e[4], AC_WALK_FREE, top1, piece, 0);
    T_ENTRY(log.e[5], AC_WALK_SPAN, d - HDR, PAGE - FIRST, 0);
    T_ENTRY(log.e[6], AC_WALK_USED, d, BLK(30000), 30000);
    T_ENTRY(log.e[7], AC_WALK_TOP, d - HDR + BLK(30000), PAGE - FIRST - BLK(30000), 0);
    size_t count = 0;
    T_EQ(ac_heap_walk(stop_at_three, &count), 3);

    ac_heap_info_t info;
    ac_heap_info(&info);
    T_EQ(info.spans, 2);
    T_EQ(info.span_bytes, 2 * (PAGE - FIRST));
    T_EQ(info.used_blocks, 3);
    T_EQ(info.used_bytes, BLK(10) + BLK(40000) + BLK(30000));
    T_EQ(info.free_blocks, 2);
    T_EQ(info.free_bytes, BLK(100) + piece);
    T_EQ(info.largest_free_bytes, piece);
    T_EQ(info.top_bytes, PAGE - FIRST - BLK(30000));
    T_EQ(info.large_used, 1);
    T_EQ(info.large_free, 0);
    T_ASSERT(ac_heap_check());
    ac_free(a);
    ac_free(c);
    ac_free(d);
    ac_heap_info(&info);
    T_EQ(info.used_blocks, 0);
    T_EQ(info.free_blocks, 1); /* the whole first span, less its fence */
    T_EQ(info.free_bytes, PAGE - FIRST - HDR);
    T_EQ(info.large_free, 1);
}

/* ---- the checker ------------------------------------------------------------------------ */

static uint32_t *word_at(char *p) { return (uint32_t *)(void *)p; }

/* What ac_heap_check_where() named in the last check_catches() or
 * check_two(). */
static ac_heap_damage_t where;

/* Writes bad1 over the word at p1 and bad2 over the one at p2 (the same
 * word, or two), runs the checkers, and puts the words back: true when all
 * failed with the bad words (`where` records what was named) and pass
 * again with the good ones, naming nothing. */
static bool check_two(char *p1, uint32_t bad1, char *p2, uint32_t bad2) {
    uint32_t good1 = *word_at(p1), good2 = *word_at(p2);
    *word_at(p1) = bad1;
    *word_at(p2) = bad2;
    /* ac_heap_check_freed() too, without reading free memory or a report */
    bool caught = !ac_heap_check() && !ac_heap_check_freed() && !ac_heap_check_where(&where);
    *word_at(p1) = good1;
    *word_at(p2) = good2;
    ac_heap_damage_t none = {AC_DAMAGE_HEADER, 1, 1, 1, true};
    return caught && ac_heap_check() && ac_heap_check_freed() && ac_heap_check_where(&none) &&
           none.kind == AC_DAMAGE_NONE && !none.addr && !none.found && !none.block &&
           !none.readable;
}

/* One word damaged. */
static bool check_catches(char *p, uint32_t bad) { return check_two(p, bad, p, bad); }

/* What the last check_catches() named: kind, the word, what it held and
 * the block (its payload, or NULL). */
#define T_WHERE(k, word, holds, payload)                                                           \
    do {                                                                                           \
        T_EQ(where.kind, k);                                                                       \
        T_PTR(where.addr, word);                                                                   \
        T_EQ(where.found, holds);                                                                  \
        T_PTR(where.block, payload);                                                               \
        T_EQ(where.readable, (word) != NULL);                                                      \
    } while (0)
/* ... where the word may be one ASan or valgrind keep the checker from
 * reading (readable false, found 0) */
#define T_WHERE_AT(k, word, payload)                                                               \
    do {                                                                                           \
        T_EQ(where.kind, k);                                                                       \
        T_PTR(where.addr, word);                                                                   \
        T_PTR(where.block, payload);                                                               \
        T_EQ(where.readable, t_tools_let_read(word, 4));                                           \
    } while (0)

/* ac_heap_check() finds each kind of damage, in a heap with a free block
 * between two in use and a closed span (the layout walk_in_address_order
 * checks entry by entry), and ac_heap_check_where() names where. */
static void check_finds_damage(void) {
    use_test_backend(0, 1, 16);
    char *a = ac_malloc(10), *b = ac_malloc(100), *c = ac_malloc(40000);
    ac_free(b);
    tb.gap_next = 1;
    char *d = ac_malloc(30000);
    T_ASSERT(a && c && d);
    T_ASSERT(ac_heap_check());
    char *ab = a - HDR, *fb = b - HDR, *cb = c - HDR, *fence = (char *)arena + PAGE - HDR;
    uint32_t size = (uint32_t)BLK(100), ah = *word_at(ab), ch = *word_at(cb);

    /* the words damaged below are where the layout says */
    T_EQ(*word_at(fb), size);     /* a free block's header is its size */
    T_EQ(*word_at(cb - 4), size); /* ... and so is its footer */
    T_EQ(ah & 3u, 1u);            /* a: in use, the block before in use */
    T_EQ(ch & 3u, 3u);            /* c: in use, the block before free */
    T_EQ(*word_at(fence) & 3u, 3u); /* the closed span's fence: in use, after a free block */

    T_ASSERT(check_catches(ab, 0)); /* a block of size 0 */
    T_WHERE(AC_DAMAGE_HEADER, ab, 0, a);
    T_ASSERT(check_catches(ab, 0x41414141u)); /* overrun by the block before: in use, huge */
    T_WHERE(AC_DAMAGE_HEADER, ab, 0x41414141u, a);
    T_ASSERT(check_catches(ab, ah & ~1u)); /* a freed behind the engine's back: its footer */
    T_WHERE_AT(AC_DAMAGE_FOOTER, ab + (ah & ~1u) - 4, a);
    T_ASSERT(check_catches(ab, ah | 2u)); /* a told the block before it is free */
    T_WHERE(AC_DAMAGE_PREV_FREE_FLAG, ab, ah | 2u, a);
    T_ASSERT(check_catches(cb, ch & ~2u)); /* c not told that b is free */
    T_WHERE(AC_DAMAGE_PREV_FREE_FLAG, cb, ch & ~2u, c);
    T_ASSERT(check_catches(fb, size + AC__GRAIN)); /* the free block's size: its footer is c's */
    T_WHERE_AT(AC_DAMAGE_FOOTER, cb + AC__GRAIN - 4, b);
    T_ASSERT(check_catches(cb - 4, size - AC__GRAIN)); /* its footer */
    T_WHERE(AC_DAMAGE_FOOTER, cb - 4, size - AC__GRAIN, b);
    T_ASSERT(check_catches(fb + HDR + 4, *word_at(fb + HDR + 4) + 16u)); /* its link back */
    T_WHERE(AC_DAMAGE_FREE_LIST, fb + HDR + 4, *word_at(fb + HDR + 4) + 16u, b);
    /* c freed behind the engine's back: b touches it */
    T_ASSERT(check_catches(cb, (uint32_t)BLK(40000) | 2u));
    T_WHERE(AC_DAMAGE_FREE_NEIGHBOURS, cb, (uint32_t)BLK(40000) | 2u, c);
    T_ASSERT(check_catches(fence, 0)); /* the closed span's fence: its flag is read first */
    T_WHERE(AC_DAMAGE_PREV_FREE_FLAG, fence, 0, fence + HDR);
    /* the link from the second span to the first: lost, pointing at a
     * misaligned block, pointing out of the heap */
    char *link = d - HDR - 4;
    uint32_t to_first = *word_at(link);
    /* the first span's free blocks are on lists only: found at a list's
     * head, the heap's own word, named as none */
    T_ASSERT(check_catches(link, 0));
    T_WHERE(AC_DAMAGE_FREE_LIST, NULL, 0, NULL);
    T_ASSERT(check_catches(link, to_first + 4));
    T_WHERE(AC_DAMAGE_SPAN_LINK, link, to_first + 4, NULL);
    T_ASSERT(check_catches(link, to_first + (1u << 28)));
    T_WHERE(AC_DAMAGE_SPAN_LINK, link, to_first + (1u << 28), NULL);

    /* d's request made larger: its size leads past the top, not into a
     * block; d's header is named, not whatever the top holds there */
    uint32_t dh = *word_at(d - HDR);
    unsigned shift = 0;
    while ((dh >> shift) != 30000) shift++; /* where the header keeps the request */
    uint32_t past = dh + ((uint32_t)10000 << shift);
    T_ASSERT(BLK(40000) < PAGE - FIRST); /* still inside d's span, one page */
    T_ASSERT(check_catches(d - HDR, past));
    T_WHERE(AC_DAMAGE_HEADER, d - HDR, past, d);

    /* counters that disagree with the blocks */
    ac__count.in_use++;
    T_ASSERT(!ac_heap_check());
    T_ASSERT(!ac_heap_check_where(&where));
    T_WHERE(AC_DAMAGE_COUNTERS, NULL, 0, NULL);
    ac__count.in_use--;
    ac__count.allocs++;
    T_ASSERT(!ac_heap_check());
    ac__count.allocs--;
    T_ASSERT(ac_heap_check());

    ac_free(a);
    ac_free(c);
    ac_free(d);
    T_ASSERT(ac_heap_check());
    T_EQ(in_use(), 0);
}

/* A use after free that writes a freed block's first payload word, its
 * link on along its list: a link elsewhere, or 0, which cuts the list
 * short of the block after it. ac_heap_check_where() names the written
 * block either way. */
static void check_names_written_free_block(void) {
    use_test_backend(0, 4, 16);
    /* first, alone on its own list (its link back: the list's head) */
    char *lone = ac_malloc(200), *g0 = ac_malloc(16);
    char *p = ac_malloc(1000), *g1 = ac_malloc(16), *q = ac_malloc(1000), *g2 = ac_malloc(16);
    T_ASSERT(lone && g0 && p && g1 && q && g2);
    ac_free(lone);
    ac_free(p);
    ac_free(q);
    T_ASSERT(ac_heap_check());
    /* one of them leads on to the other: its first word is the nonzero link */
    char *first = *word_at(p) ? p : q, *second = first == p ? q : p;
    T_EQ(*word_at(second), 0);
    uint32_t on = *word_at(first), back = *word_at(second + 4);
    T_ASSERT(check_catches(first, 0)); /* `first->next = NULL` after free */
    T_WHERE(AC_DAMAGE_FREE_LIST, first, 0, first);
    T_ASSERT(check_catches(first, 0x41414141u)); /* a string written there */
    T_WHERE(AC_DAMAGE_FREE_LIST, first, 0x41414141u, first);
    /* into the middle of a block in use: not followed (no misaligned read) */
    uint32_t into_g2 = on + (uint32_t)(g2 + 5 - second);
    T_ASSERT(check_catches(first, into_g2));
    T_WHERE(AC_DAMAGE_FREE_LIST, first, into_g2, first);
    /* to the start of a block in use, and to a free block of another list
     * (lone's): both blocks, but not of this list */
    uint32_t to_g2_block = on + (uint32_t)(g2 - second), to_lone = on + (uint32_t)(lone - second);
    T_ASSERT(check_catches(first, to_g2_block));
    T_WHERE(AC_DAMAGE_FREE_LIST, first, to_g2_block, first);
    T_ASSERT(check_catches(first, to_lone));
    T_WHERE(AC_DAMAGE_FREE_LIST, first, to_lone, first);
    /* the list cut short, and the block it lost has a wild link back, one
     * into the middle of a word or one to a block in use: that link is
     * named, not followed */
    uint32_t to_g2 = back + (uint32_t)(g2 - first), wild[] = {0x41414141u, to_g2 + 1, to_g2};
    for (unsigned i = 0; i < 3; i++) {
        T_ASSERT(check_two(first, 0, second + 4, wild[i]));
        T_WHERE(AC_DAMAGE_FREE_LIST, second + 4, wild[i], second);
    }
    /* the last one led back to the first: round in a loop */
    T_ASSERT(check_catches(second, back));
    T_WHERE(AC_DAMAGE_FREE_LIST, second, back, second);
    ac_free(g0);
    ac_free(g1);
    ac_free(g2);
    T_ASSERT(ac_heap_check());
    T_EQ(in_use(), 0);
}

/* A heap that is damaged can still be started over (ac_heap_init_static(),
 * a test's fresh heap), and its blocks are forgotten as far as they are
 * sound: natively, under valgrind, the reset walks the old heap's blocks
 * to tell memcheck they are gone; it walked a damaged heap through its
 * sizes as they stood, and over a block of size 0 never ended. */
static void reset_after_damage(void) {
    use_test_backend(0, 1, 4);
    char *a = ac_malloc(100), *b = ac_malloc(100);
    T_ASSERT(a && b);
    *word_at(b - HDR) = 0; /* the last block: size 0 */
    T_ASSERT(!ac_heap_check());
    use_test_backend(0, 1, 4);
    T_ASSERT(ac_heap_check());
#ifdef HAVE_MEMCHECK
    /* what the reset could not see past the damage, the test forgets */
    if (UNDER_VALGRIND) VALGRIND_FREELIKE_BLOCK(b, 0);
#endif
    T_PTR(ac_malloc(100), a); /* the same first block as before: a forgotten */
    T_EQ(in_use(), 100);
}

/* ---- the default backend -------------------------------------------------------------------- */

static void default_backend(void) {
    ac__heap_reset_locked(NULL);
    size_t before = heap_pages();
    char *p = ac_malloc(3 * PAGE);
    T_ASSERT(p);
    fill(p, 3 * PAGE, 7);
    T_ASSERT(heap_pages() >= before + 3 - 1);
    char *q = ac_malloc(100);
    T_ASSERT(filled(p, 3 * PAGE, 7));
    ac_free(p);
    ac_free(q);
    T_ASSERT(ac__heap_check());
    T_EQ(in_use(), 0);
}

void suite_heap(void) {
    static const t_case cases[] = {
        T_CASE(malloc_basics),
        T_CASE(merging),
        T_CASE(size_classes_and_splitting),
        T_CASE(grows_by_pages_and_reuses_top),
        T_CASE(bounded_growth_two_large),
        T_CASE(bounded_growth_page_block),
        T_CASE(bounded_growth_sliding_buffer),
        T_CASE(out_of_memory_then_recover),
        T_CASE(grow_failure_is_harmless),
        T_CASE(non_contiguous_growth),
        T_CASE(span_closed_when_full),
        T_CASE(no_initial_memory),
        T_CASE(absurd_requests_fail_without_growth),
        T_CASE(bad_alignments),
        T_CASE(calloc_zeroes),
        T_CASE(realloc_in_place_and_moving),
        T_CASE(realloc_keeps_usable_bytes),
        T_CASE(realloc_edge_cases),
        T_CASE(aligned_allocations),
        T_CASE(layout_api),
        T_CASE(stats_trip),
        T_CASE(static_buffer),
        T_CASE(random_against_model),
        T_CASE(walk_in_address_order),
#if AC__SLIVERS
        T_CASE(slivers),
#endif
        T_CASE(check_finds_damage),
        T_CASE(check_names_written_free_block),
        T_CASE(reset_after_damage),
        T_CASE(default_backend),
    };
    t_run_suite("heap", cases, T_COUNT(cases));
}
