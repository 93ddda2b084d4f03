/*
 * test_bigmem.c - the heap at the limits of its 32-bit words: more than
 * 2 GiB in one piece (where a 32-bit ptrdiff_t turns negative: wasm32 and
 * native 32-bit targets), a wasm32 memory grown to all of its 4 GiB, and
 * natively, where pointers have 64 bits, a caller's buffer larger than the
 * 4 GiB - 64 KiB the heap can address. Natively the buffer is address space
 * reserved with MAP_NORESERVE; on wasm32, memory grown for the purpose.
 * Only the pages the heap and the tests write are ever touched.
 * Runs last: on wasm32 it leaves the memory at 4 GiB.
 */
#ifndef __wasm32__
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include <sys/mman.h>
#endif

#include "harness.h"
#include "internal.h"
#include "suites.h"

#define PAGE ((size_t)65536)
#define MiB  ((size_t)1 << 20)
#define GiB  ((size_t)1 << 30)

static void *blocks[4096];
static size_t outside; /* blocks fill_with() found outside [lo, hi) */

/* Allocates blocks of `bytes` from blocks[n] on until NULL (or the array
 * is full); each must lie in [lo, hi) (else it counts in `outside` and is
 * not written) and gets its first and last byte written. Returns the new
 * count. */
static size_t fill_with(size_t n, size_t bytes, unsigned char *lo, unsigned char *hi) {
    unsigned char *p;
    while (n < sizeof blocks / sizeof blocks[0] && (p = ac_malloc(bytes)) != NULL) {
        if (p < lo || p + bytes > hi) {
            outside++;
            continue;
        }
        p[0] = (unsigned char)n;
        p[bytes - 1] = (unsigned char)n;
        blocks[n++] = p;
    }
    return n;
}

/* The blocks still hold what fill_with wrote. */
static bool intact(size_t n, size_t bytes) {
    for (size_t i = 0; i < n; i++) {
        unsigned char *p = blocks[i];
        if (p[0] != (unsigned char)i || p[bytes - 1] != (unsigned char)i) return false;
    }
    return true;
}

/* A buffer of `bytes` at `buf`: the heap uses up to AC__HEAP_MAX_BYTES of
 * it, every block stays inside, the largest requests fill it, and when all
 * is freed it is one top again, larger than 2 GiB, that serves the largest
 * request without growing. */
static void big_buffer(unsigned char *buf, size_t bytes) {
    size_t used = bytes < AC__HEAP_MAX_BYTES ? bytes : AC__HEAP_MAX_BYTES;
    T_ASSERT(ac_heap_init_static(buf, bytes));
    ac_stats_t s;
    ac_stats_get(&s);
    T_EQ(s.heap_bytes, used);

    size_t big = AC_MAX_REQUEST_BYTES, n = fill_with(0, big, buf, buf + used);
    /* as many as fit beside the first block's offset and the top's last
     * word (less than two grains together) */
    T_EQ(n, (used - 2 * AC__GRAIN) / AC__BLOCK_BYTES(big));
    size_t m = fill_with(n, MiB, buf, buf + used); /* up to the end */
    T_EQ(outside, 0);
    T_ASSERT(m > n);
    T_ASSERT(ac__heap_check());
    /* the last block, the highest: freed and taken again, in its place */
    unsigned char *last = blocks[m - 1];
    ac_free(last);
    T_PTR(ac_malloc(MiB), last);
    T_ASSERT(intact(n, big));
    T_ASSERT(ac__heap_check());

    /* from the lowest: the last free merges with the free block of more
     * than 2 GiB before it (a signed offset there overflowed on 32-bit
     * targets; UBSan saw it) */
    for (size_t i = 0; i < m; i++) ac_free(blocks[i]);
    T_ASSERT(ac__heap_check());
    ac_stats_get(&s);
    T_EQ(s.in_use_bytes, 0);
    T_EQ(s.heap_bytes, used);
    /* one top of nearly `used` bytes (more than 2 GiB) */
    unsigned char *again = ac_malloc(big);
    T_ASSERT(again >= buf && again + big <= buf + used);
    ac_free(again);
    T_ASSERT(ac__heap_check());
}

#ifndef __wasm32__
/* big_buffer() on `bytes` of address space reserved for the purpose. */
static void reserved_buffer(size_t bytes) {
    void *buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                     -1, 0);
    T_ASSERT(buf != MAP_FAILED);
    if (buf == MAP_FAILED) return;
    big_buffer(buf, bytes);
    ac__heap_reset_locked(NULL);
    T_EQ(munmap(buf, bytes), 0);
}
#if SIZE_MAX > 0xffffffffu
/* A 5 GiB buffer: the heap uses its first 4 GiB - 64 KiB. Before the limit,
 * blocks were placed past 4 GiB from the buffer's start, where the 32-bit
 * links wrap, and malloc handed out memory inside a live block. */
static void buffer_over_4gib(void) { reserved_buffer(5 * GiB); }
#else
/* 32-bit targets (i386, 32-bit ARM): 2.125 GiB. An i386 process finds
 * about 2.2 GiB in one piece after its suites ran, if the default heap
 * reserves 256 MiB as make test's 32-bit configurations have it (the
 * default 1 GiB would leave 1.46 GiB). */
static void buffer_over_2gib(void) { reserved_buffer(17 * (GiB / 8)); }
#endif
#else
/* 2.5 GiB of wasm memory grown for the purpose: before the heap measured
 * it unsigned, its size read as negative and the heap took none of it. */
static void buffer_over_2gib(void) {
    size_t pages = 40960, old = __builtin_wasm_memory_grow(0, pages);
    T_ASSERT(old != (size_t)-1);
    if (old == (size_t)-1) return;
    big_buffer((unsigned char *)(old * PAGE), pages * PAGE);
    ac__heap_reset_locked(NULL);
}

/* The default backend until the memory has all its 65536 pages: malloc
 * then returns NULL (it once looped for ever: the end of the memory, 2^32,
 * read as 0), the heap ends at AC__HEAP_MAX_BYTES, and it stays usable. */
static void memory_of_4gib(void) {
    extern unsigned char __heap_base;
    ac__heap_reset_locked(NULL); /* everything from __heap_base on */
    unsigned char *lo = &__heap_base, *hi = (unsigned char *)AC__HEAP_MAX_BYTES;
    size_t n = fill_with(0, AC_MAX_REQUEST_BYTES, lo, hi);
    size_t m = fill_with(fill_with(fill_with(n, MiB, lo, hi), PAGE, lo, hi), 1000, lo, hi);
    T_EQ(outside, 0);
    T_ASSERT(n > 0 && m < sizeof blocks / sizeof blocks[0]);
    T_EQ(__builtin_wasm_memory_size(0), 65536);
    ac_stats_t s;
    ac_stats_get(&s);
    T_EQ(s.heap_bytes, AC__HEAP_MAX_BYTES - (size_t)lo);
    T_ASSERT(intact(n, AC_MAX_REQUEST_BYTES));
    T_ASSERT(ac__heap_check());
    while (m) ac_free(blocks[--m]);
    T_ASSERT(ac__heap_check());
    void *p = ac_malloc(100);
    T_ASSERT(p);
    ac_free(p);
    T_ASSERT(ac_malloc(AC_MAX_REQUEST_BYTES + 1) == NULL);
    ac__heap_reset_locked(NULL);
}
#endif

void suite_bigmem(void) {
    static const t_case cases[] = {
#if !defined __wasm32__ && SIZE_MAX > 0xffffffffu
        T_CASE(buffer_over_4gib),
#elif !defined __wasm32__
        T_CASE(buffer_over_2gib),
#else
        T_CASE(buffer_over_2gib),
        T_CASE(memory_of_4gib),
#endif
    };
    t_run_suite("bigmem", cases, T_COUNT(cases));
}
