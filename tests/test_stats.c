/*
 * test_stats.c - the counters, the heap info, the audit tables and the
 * report, with exact values through scripted sequences: small blocks,
 * large blocks (32 KiB and more, and beyond a 64 KiB page), realloc, calloc,
 * aligned allocation and trip resets. Runs over a test backend (a static
 * arena handed out page by page) so that backend bytes are exact too.
 * The audit rows are checked in builds with AC_AUDIT_SIZES=1 (the Makefile
 * has such configurations natively and as wasm32); other builds check that
 * the tables are off.
 */
#include "harness.h"
#include "internal.h"
#include "report_example.h"
#include "suites.h"
#include "test_backend.h"

#ifndef AC_AUDIT_SIZES
#define AC_AUDIT_SIZES 0
#endif

#define PAGE        T_PAGE
#define ARENA_PAGES T_ARENA_PAGES
#define fresh_heap  t_heap_fresh

/* Layout facts of this build (checked builds have bigger headers and
 * grains): the bytes of a block for n requested bytes, and where the first
 * block of a span starts in memory aligned to the grain (after the span
 * link). */
#define BLK(n) AC__BLOCK_BYTES(n)
#define FIRST  (AC__GRAIN - AC__HDR_BYTES)
#define LARGE(bytes) ((bytes) >= AC_LARGE_BLOCK_BYTES)

static ac_stats_t stats(void) {
    ac_stats_t s;
    ac_stats_get(&s);
    return s;
}

static ac_heap_info_t info(void) {
    ac_heap_info_t i;
    ac_heap_info(&i);
    return i;
}

/* in use, peak, trip peak, live blocks, allocs, frees */
#define T_COUNTERS(in_use_, peak_, trip_, live_, allocs_, frees_)                                  \
    do {                                                                                           \
        ac_stats_t s_ = stats();                                                                   \
        T_EQ(s_.in_use_bytes, in_use_);                                                            \
        T_EQ(s_.peak_bytes, peak_);                                                                \
        T_EQ(s_.trip_peak_bytes, trip_);                                                           \
        T_EQ(s_.live_blocks, live_);                                                               \
        T_EQ(s_.allocs, allocs_);                                                                  \
        T_EQ(s_.frees, frees_);                                                                    \
    } while (0)

#define T_BACKEND(pages)                                                                           \
    do {                                                                                           \
        ac_stats_t s_ = stats();                                                                   \
        T_EQ(s_.heap_bytes, (pages) * PAGE);                                                       \
        T_EQ(s_.heap_pages, pages);                                                                \
    } while (0)

static bool all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

/* ---- counters: the small-block path ------------------------------------------- */

/* The sequence: 100 + 200 - 100 bytes. */
static void trip_meter(void) {
    fresh_heap(1, 8);
    T_COUNTERS(0, 0, 0, 0, 0, 0);
    T_BACKEND(1);
    void *a = ac_malloc(100), *b = ac_malloc(200);
    ac_free(a);
    T_COUNTERS(200, 300, 300, 1, 2, 1);
    ac_stats_reset_trip();
    T_COUNTERS(200, 300, 200, 1, 2, 1);
    void *c = ac_malloc(50);
    T_COUNTERS(250, 300, 250, 2, 3, 1);
    /* a second reset folds the trip into the peak and starts over */
    ac_stats_reset_trip();
    ac_free(c);
    T_COUNTERS(200, 300, 250, 1, 3, 2);
    void *d = ac_malloc(120);
    T_COUNTERS(320, 320, 320, 2, 4, 2); /* the trip passes the all-time peak */
    ac_stats_reset_trip();
    ac_free(d);
    T_COUNTERS(200, 320, 320, 1, 4, 3);
    ac_free(b);
    T_COUNTERS(0, 320, 320, 0, 4, 4);
    ac_stats_reset_trip();
    T_COUNTERS(0, 320, 0, 0, 4, 4);
    T_BACKEND(1);
    T_ASSERT(ac_heap_check());
}

static void calloc_and_failures(void) {
    fresh_heap(1, 2);
    unsigned char *a = ac_calloc(10, 7);
    T_ASSERT(a && all_zero(a, 70));
    T_COUNTERS(70, 70, 70, 1, 1, 0);
    void *z = ac_calloc(0, 5); /* a unique 0-byte block */
    T_ASSERT(z);
    T_COUNTERS(70, 70, 70, 2, 2, 0);
    /* failures change nothing */
    T_PTR(ac_calloc(SIZE_MAX / 2, 3), NULL);
    T_PTR(ac_malloc(AC_MAX_REQUEST_BYTES + 1), NULL);
    T_PTR(ac_malloc(3 * PAGE), NULL); /* the backend has only two pages */
    T_PTR(ac_aligned_alloc(24, 10), NULL);
    T_PTR(ac_realloc(a, 3 * PAGE), NULL);
    ac_free(NULL);
    T_COUNTERS(70, 70, 70, 2, 2, 0);
    ac_free(z);
    ac_free(a);
    T_COUNTERS(0, 70, 70, 0, 2, 2);
}

static void realloc_counts(void) {
    fresh_heap(1, 8);
    char *a = ac_malloc(200), *b = ac_malloc(1000); /* b is next to the top */
    T_COUNTERS(1200, 1200, 1200, 2, 2, 0);
    /* in place at the top: the same block, the difference counted */
    T_PTR(ac_realloc(b, 3000), b);
    T_COUNTERS(3200, 3200, 3200, 2, 2, 0);
    T_PTR(ac_realloc(b, 10), b);
    T_COUNTERS(210, 3200, 3200, 2, 2, 0);
    /* a is followed by b: growing moves it, an alloc and a free; for a
     * moment both blocks are live, and the peak shows it */
    char *a2 = ac_realloc(a, 5000);
    T_ASSERT(a2 && a2 != a);
    T_COUNTERS(5010, 5210, 5210, 2, 3, 1);
    /* realloc(NULL) allocates; size 0 keeps a 0-byte block */
    ac_stats_reset_trip();
    char *c = ac_realloc(NULL, 40);
    T_COUNTERS(5050, 5210, 5050, 3, 4, 1);
    T_PTR(ac_realloc(c, 0), c);
    T_COUNTERS(5010, 5210, 5050, 3, 4, 1);
    /* growing back into the 32 bytes it just gave up: in place */
    ac_stats_reset_trip();
    T_COUNTERS(5010, 5210, 5010, 3, 4, 1);
    T_PTR(ac_realloc(c, 40), c);
    T_COUNTERS(5050, 5210, 5050, 3, 4, 1);
    ac_free(a2);
    ac_free(b);
    ac_free(c);
    T_COUNTERS(0, 5210, 5050, 0, 4, 4);
    T_ASSERT(ac_heap_check());
}

static void aligned_counts(void) {
    fresh_heap(1, 8);
    void *p = NULL;
    char *a = ac_aligned_alloc(4096, 10);
    T_ASSERT(a && (uintptr_t)a % 4096 == 0);
    T_EQ(ac_posix_memalign(&p, 64, 33), 0);
    T_ASSERT((uintptr_t)p % 64 == 0);
    char *c = ac_alloc(24, 256);
    T_ASSERT(c && (uintptr_t)c % 256 == 0);
    char *d = ac_alloc_zeroed(300, 8);
    T_ASSERT(d && all_zero((unsigned char *)d, 300));
    /* requested bytes only: the alignment lead goes back to the heap */
    T_COUNTERS(10 + 33 + 24 + 300, 367, 367, 4, 4, 0);
    /* c sits between free fragments too small for 5000 bytes: it moves,
     * and both copies count for a moment */
    c = ac_resize(c, 24, 256, 5000);
    T_ASSERT(c && (uintptr_t)c % 256 == 0);
    T_COUNTERS(10 + 33 + 5000 + 300, 5367, 5367, 4, 5, 1);
    T_EQ(ac_posix_memalign(&p, 3, 8), AC_EINVAL); /* not a power of two: nothing counted */
    T_COUNTERS(5343, 5367, 5367, 4, 5, 1);
    ac_free(a);
    ac_free(p);
    ac_dealloc(c, 5000, 256);
    ac_free(d);
    T_COUNTERS(0, 5367, 5367, 0, 5, 5);
    T_ASSERT(ac_heap_check());
}

/* ---- counters and info: the large-block path -------------------------------------- */

static void large_blocks(void) {
    fresh_heap(1, ARENA_PAGES);
    /* 40000 bytes fit the first page; 100000 need two more pages */
    char *p = ac_malloc(40000), *q = ac_malloc(100000);
    T_ASSERT(p && q);
    T_COUNTERS(140000, 140000, 140000, 2, 2, 0);
    T_BACKEND(3);
    ac_heap_info_t i = info();
    T_EQ(i.spans, 1);
    T_EQ(i.span_bytes, 3 * PAGE - FIRST); /* the span link and alignment come first */
    T_EQ(i.used_blocks, 2);
    T_EQ(i.used_bytes, BLK(40000) + BLK(100000));
    T_EQ(i.large_used, 2);
    T_EQ(i.large_free, 0);
    T_EQ(i.free_blocks, 0);
    T_EQ(i.top_bytes, 3 * PAGE - FIRST - BLK(40000) - BLK(100000));

    char *r = ac_malloc(70000); /* one more page */
    T_ASSERT(r);
    T_BACKEND(4);
    ac_free(q);
    T_COUNTERS(110000, 210000, 210000, 2, 3, 1);
    i = info();
    T_EQ(i.large_used, 2);
    T_EQ(i.large_free, 1);
    T_EQ(i.free_blocks, 1);
    T_EQ(i.free_bytes, BLK(100000));
    T_EQ(i.largest_free_bytes, BLK(100000));

    ac_stats_reset_trip();
    T_COUNTERS(110000, 210000, 110000, 2, 3, 1);
    /* a page-sized request reuses the free block: no growth */
    char *s = ac_malloc(65536);
    T_ASSERT(s > p && s < r);
    T_BACKEND(4);
    T_COUNTERS(175536, 210000, 175536, 3, 4, 1);
    i = info();
    size_t left = BLK(100000) - BLK(65536); /* 34464 bytes (standard layout) */
    T_EQ(i.free_bytes, left);
    T_EQ(i.large_free, 1); /* still large */
    T_ASSERT(LARGE(left));

    /* p grows in place into what q left */
    T_PTR(ac_realloc(p, 45000), p);
    T_COUNTERS(180536, 210000, 180536, 3, 4, 1);
    i = info();
    left -= BLK(45000) - BLK(40000); /* 29472 bytes */
    T_EQ(i.free_bytes, left);
    T_EQ(i.large_free, 0); /* no longer large */
    T_ASSERT(!LARGE(left));

    /* calloc of 50000 bytes from the top, zeroed, no growth */
    unsigned char *z = ac_calloc(1000, 50);
    T_ASSERT(z && all_zero(z, 50000));
    T_BACKEND(4);
    T_COUNTERS(230536, 230536, 230536, 4, 5, 1);

    /* a 64 KiB aligned block beyond a page: counts what was asked */
    char *al = ac_aligned_alloc(65536, 70000);
    T_ASSERT(al && (uintptr_t)al % 65536 == 0);
    T_COUNTERS(300536, 300536, 300536, 5, 6, 1);
    ac_stats_t st = stats();
    T_ASSERT(st.heap_pages >= 6 && st.heap_pages <= 7);
    T_EQ(st.heap_bytes, st.heap_pages * PAGE);

    ac_free(p);
    ac_free(r);
    ac_free(s);
    ac_free(z);
    ac_free(al);
    T_COUNTERS(0, 300536, 300536, 0, 6, 6);
    i = info();
    T_EQ(i.used_blocks, 0);
    T_EQ(i.free_blocks, 0); /* everything merged back into the top */
    T_EQ(i.top_bytes, st.heap_bytes - FIRST);
    T_ASSERT(ac_heap_check());
}

/* Backend bytes with no memory at first (like the mmap backend) and over a
 * static buffer that never grows. */
static void backend_bytes(void) {
    fresh_heap(0, 8);
    T_BACKEND(0);
    void *a = ac_malloc(10);
    T_BACKEND(1);
    void *b = ac_malloc(PAGE + 100); /* more than the page after a: one more page */
    T_BACKEND(2);
    ac_free(a);
    ac_free(b);
    T_BACKEND(2);

    static _Alignas(64) unsigned char buf[10000];
    T_ASSERT(ac_heap_init_static(buf, sizeof buf));
    ac_stats_t s = stats();
    T_EQ(s.heap_bytes, 10000);
    T_EQ(s.heap_pages, 1); /* rounded up */
    T_COUNTERS(0, 0, 0, 0, 0, 0);
    ac_heap_info_t i = info();
    T_EQ(i.spans, 1);
    T_EQ(i.span_bytes, 10000 - FIRST);
    T_EQ(i.top_bytes, 10000 - FIRST);
    fresh_heap(1, 8); /* leave the static buffer */
}

/* ---- the host functions ------------------------------------------------------------ */

/* On a damaged heap: no layout, its damage's line. */
static void host_copies_damaged(void) {
    T_PTR(ac_heap_info_for_host(), NULL);
    const char *text = ac_heap_damage_for_host();
    ac_heap_damage_t d;
    ac_heap_check_where(&d);
    char line[256];
    ac_heap_damage_format(&d, line, sizeof line);
    T_ASSERT(text && t_streq(text, line));
}

static void host_copies(void) {
    fresh_heap(1, 8);
    char *a = ac_malloc(40000), *b = ac_malloc(20);
    ac_free(a);
    const ac_stats_t *s = ac_stats_for_host();
    T_EQ(s->in_use_bytes, 20);
    T_EQ(s->peak_bytes, 40020);
    T_EQ(s->allocs, 2);
    T_EQ(s->frees, 1);
    T_EQ(s->heap_pages, 1);
    const ac_heap_info_t *i = ac_heap_info_for_host();
    T_EQ(i->used_blocks, 1);
    T_EQ(i->free_blocks, 1);
    T_EQ(i->free_bytes, BLK(40000));
    T_EQ(i->large_free, 1);
    T_PTR(ac_heap_damage_for_host(), NULL);
    uint32_t good;
    T_ASSERT(t_header_damaged(b, 0x43434343u, &good)); /* in use, after a free block */
    host_copies_damaged();
    t_header_restore(b, good);
    if (t_failed()) return;
    T_PTR(ac_heap_info_for_host(), i);
    T_EQ(i->used_blocks, 1);
    T_PTR(ac_heap_damage_for_host(), NULL);
    /* the same static copy, refreshed */
    ac_free(b);
    T_PTR(ac_stats_for_host(), s);
    T_EQ(s->in_use_bytes, 0);
    T_EQ(s->frees, 2);
#if AC_AUDIT_SIZES
    const ac_audit_t *au = ac_audit_for_host();
    T_ASSERT(au);
    T_EQ(au->by_size[20].peak, 1);
    T_EQ(au->by_size[20].live, 0);
    T_EQ(au->by_size[256].peak, 1);
#else
    T_PTR(ac_audit_for_host(), NULL);
#endif
}

/* ---- audit tables ------------------------------------------------------------------ */

#if AC_AUDIT_SIZES
#define T_ROW(row, l, p, t)                                                                        \
    do {                                                                                           \
        T_EQ((row).live, l);                                                                       \
        T_EQ((row).peak, p);                                                                       \
        T_EQ((row).trip_peak, t);                                                                  \
    } while (0)

static size_t nonzero_rows(const ac_audit_row_t *rows, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += rows[i].peak != 0;
    return k;
}

/* Alignment rows are 16 (and less) << row, by the contract, in every
 * build (checked builds have 32-byte grains but count rows from 16). */
#define T_ALIGN_ROW(row, l, p, t) T_ROW(row, l, p, t)
#define T_ALIGN(a, b)             T_EQ(a, b)

static void audit_rows(void) {
    fresh_heap(1, ARENA_PAGES);
    ac_audit_t au;
    T_ASSERT(ac_audit_get(&au));
    T_EQ(nonzero_rows(au.by_size, AC_AUDIT_SIZE_ROWS), 0);
    T_EQ(nonzero_rows(au.by_align, AC_AUDIT_ALIGN_ROWS), 0);

    void *z = ac_malloc(0), *x255 = ac_malloc(255), *x256 = ac_malloc(256);
    void *big = ac_malloc(100000), *c = ac_calloc(3, 5); /* 15 bytes */
    void *a64 = ac_aligned_alloc(64, 10), *a8 = ac_aligned_alloc(8, 10);
    void *a4k = ac_alloc(300, 4096), *a512k = ac_aligned_alloc((size_t)1 << 19, 1);
    void *m1[3];
    for (int k = 0; k < 3; k++) m1[k] = ac_malloc(1);
    T_ASSERT(z && x255 && x256 && big && c && a64 && a8 && a4k && a512k);
    ac_audit_get(&au);
    T_ROW(au.by_size[0], 1, 1, 1);
    T_ROW(au.by_size[1], 4, 4, 4); /* three mallocs and the 512 KiB aligned byte */
    T_ROW(au.by_size[10], 2, 2, 2);
    T_ROW(au.by_size[15], 1, 1, 1);
    T_ROW(au.by_size[255], 1, 1, 1);
    T_ROW(au.by_size[256], 3, 3, 3); /* 256, 100000 and 300 */
    T_EQ(nonzero_rows(au.by_size, AC_AUDIT_SIZE_ROWS), 6);
    T_ALIGN_ROW(au.by_align[0], 9, 9, 9); /* 16 and less: malloc, calloc, align 8 */
    T_ALIGN_ROW(au.by_align[2], 1, 1, 1); /* 64 */
    T_ALIGN_ROW(au.by_align[8], 1, 1, 1); /* 4096 */
    T_ALIGN_ROW(au.by_align[15], 1, 1, 1); /* 512 KiB and more */
    T_ALIGN(nonzero_rows(au.by_align, AC_AUDIT_ALIGN_ROWS), 4);
    T_EQ(au.first_align_bytes, AC_MALLOC_ALIGN); /* what row 0 stands for */

    /* frees lower live; peaks stay; a reset sets trip peaks to live */
    for (int k = 0; k < 3; k++) ac_free(m1[k]);
    ac_free(a8);
    ac_free(a512k);
    ac_stats_reset_trip();
    ac_audit_get(&au);
    T_ROW(au.by_size[1], 0, 4, 0);
    T_ROW(au.by_size[10], 1, 2, 1);
    T_ALIGN_ROW(au.by_align[0], 5, 9, 5);
    T_ALIGN_ROW(au.by_align[15], 0, 1, 0);
    void *m2 = ac_malloc(1);
    ac_audit_get(&au);
    T_ROW(au.by_size[1], 1, 4, 1);
    T_ALIGN_ROW(au.by_align[0], 6, 9, 6);

    /* realloc in place moves the block between size rows, keeps its
     * alignment row; a moving realloc is a malloc (alignment 16) */
    T_PTR(ac_realloc(a4k, 20), a4k);
    ac_audit_get(&au);
    T_ROW(au.by_size[256], 2, 3, 3);
    T_ROW(au.by_size[20], 1, 1, 1);
    T_ALIGN_ROW(au.by_align[8], 1, 1, 1);
    void *x = ac_realloc(a64, 5000);
    T_ASSERT(x && x != a64);
    ac_audit_get(&au);
    T_ROW(au.by_size[10], 0, 2, 1);
    T_ROW(au.by_size[256], 3, 3, 3);
    T_ALIGN_ROW(au.by_align[2], 0, 1, 1);
    T_ALIGN_ROW(au.by_align[0], 7, 9, 7);
    /* ac_resize keeps the alignment when it moves (x took the top that
     * followed a4k); old and new are live together for a moment */
    void *y = ac_resize(a4k, 20, 4096, 70000);
    T_ASSERT(y && y != a4k && (uintptr_t)y % 4096 == 0);
    ac_audit_get(&au);
    T_ROW(au.by_size[20], 0, 1, 1);
    T_ROW(au.by_size[256], 4, 4, 4);
    T_ALIGN_ROW(au.by_align[8], 1, 2, 2);

    void *all[] = {z, x255, x256, big, c, m2, x, y};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) ac_free(all[k]);
    ac_audit_get(&au);
    for (size_t k = 0; k < AC_AUDIT_SIZE_ROWS; k++) T_EQ(au.by_size[k].live, 0);
    for (size_t k = 0; k < AC_AUDIT_ALIGN_ROWS; k++) T_EQ(au.by_align[k].live, 0);
    T_ROW(au.by_size[256], 0, 4, 4);
    T_ROW(au.by_size[1], 0, 4, 1);
    T_ALIGN_ROW(au.by_align[0], 0, 9, 7);
    T_ASSERT(ac_heap_check());
    /* a fresh heap forgets them */
    fresh_heap(1, 8);
    ac_audit_get(&au);
    T_EQ(nonzero_rows(au.by_size, AC_AUDIT_SIZE_ROWS), 0);
}
#else
static void audit_off(void) {
    ac_audit_t au;
    au.by_size[7].live = 5;
    au.by_align[3].peak = 9;
    au.first_align_bytes = 7;
    T_ASSERT(!ac_audit_get(&au));
    T_EQ(au.first_align_bytes, 0);
    T_EQ(au.by_size[7].live, 0);
    T_EQ(au.by_align[3].peak, 0);
    T_EQ(AC_MAX_REQUEST_BYTES, 0x3fffffdfu);
}
#endif

/* ---- the report ---------------------------------------------------------------------- */

static size_t text_len(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* Compares line by line and reports the first line that differs. */
static bool same_text(const char *got, const char *want) {
    size_t line = 1;
    const char *g = got, *w = want;
    for (; *g && *g == *w; g++, w++)
        if (*g == '\n') line++, got = g + 1, want = w + 1;
    if (*g == *w) return true;
    t_puts("\n    report line ");
    t_putu(line);
    t_puts(" differs:\n    got:  ");
    for (g = got; *g && *g != '\n'; g++) {
        char one[2] = {*g, 0};
        t_puts(one);
    }
    t_puts("\n    want: ");
    for (w = want; *w && *w != '\n'; w++) {
        char one[2] = {*w, 0};
        t_puts(one);
    }
    t_puts("\n");
    return false;
}


static void report_lines(void) {
    static char buf[4096];
    fresh_heap(1, 8);
    void *a = ac_malloc(100), *b = ac_malloc(200);
    ac_free(a);
    ac_stats_reset_trip();
    void *c = ac_malloc(50);
    size_t n = ac_stats_format(buf, sizeof buf);
    static const char want[] = REPORT_EXAMPLE
#if AC_AUDIT_SIZES
        "  audit by size               live      peak      trip\n"
        "    50 bytes                     1         1         1\n"
        "    100 bytes                    0         1         0\n"
        "    200 bytes                    1         1         1\n"
        "  audit by alignment          live      peak      trip\n"
        "    <= 16 bytes                  2         2         2\n"
#endif
        ;
    T_ASSERT(same_text(buf, want));
    T_EQ(n, sizeof want - 1);
    T_EQ(text_len(buf), n);

    /* large numbers and plurals */
    void *big = ac_malloc(3 * PAGE);
    ac_free(b);
    ac_free(c);
    ac_free(big);
    n = ac_stats_format(buf, sizeof buf);
    static const char want2[] =
        "alloc_cat heap\n"
        "  in use        0 bytes in 0 blocks\n"
        "  peak          196858 bytes (192.2 KiB)\n"
        "  trip peak     196858 bytes (192.2 KiB)\n"
        "  calls         4 allocs, 4 frees\n"
        "  backend       262144 bytes (256.0 KiB), 4 pages\n"
        "  efficiency    0.0% (in use / backend)\n"
        WANT_SPANS2
        "  used blocks   0 blocks, 0 bytes\n"
        "  free blocks   0 blocks, 0 bytes, largest 0 bytes\n"
        WANT_TOP2
        "  large blocks  0 used, 0 free (32768 bytes and more)\n"
#if AC_AUDIT_SIZES
        "  audit by size               live      peak      trip\n"
        "    50 bytes                     0         1         1\n"
        "    100 bytes                    0         1         0\n"
        "    200 bytes                    0         1         1\n"
        "    256+ bytes                   0         1         1\n"
        "  audit by alignment          live      peak      trip\n"
        "    <= 16 bytes                  0         3         3\n"
#endif
        ;
    T_ASSERT(same_text(buf, want2));
    T_EQ(n, sizeof want2 - 1);
}

/* snprintf-like: the full length whatever the buffer, NUL-terminated. */
static void report_truncation(void) {
    static char full[4096], small[40];
    fresh_heap(1, 8);
    void *a = ac_malloc(12345);
    size_t n = ac_stats_format(full, sizeof full);
    T_EQ(ac_stats_format(NULL, 0), n);
    small[5] = 'x';
    T_EQ(ac_stats_format(small, 1), n);
    T_EQ(small[0], 0);
    T_EQ(small[5], 'x');
    T_EQ(ac_stats_format(small, sizeof small), n);
    T_EQ(text_len(small), sizeof small - 1);
    for (size_t i = 0; i + 1 < sizeof small; i++) T_EQ(small[i], full[i]);
    /* the report is the same when nothing changed in between */
    static char again[4096];
    T_EQ(ac_stats_format(again, sizeof again), n);
    T_ASSERT(t_streq(again, full));
    ac_free(a);
}

/* a, b and c one after the other in out; their length. */
static size_t join(char *out, const char *a, const char *b, const char *c) {
    size_t n = 0;
    for (const char *const *p = (const char *const[]){a, b, c, NULL}; *p; p++)
        for (const char *q = *p; *q; q++) out[n++] = *q;
    out[n] = '\0';
    return n;
}

/* ac_heap_damage_format(): a line for each kind of damage. */
static void damage_lines(void) {
    static const struct {
        ac_heap_damage_t d;
        const char *text;
    } cases[] = {
        {{AC_DAMAGE_NONE, 0, 0, 0, false}, "alloc_cat: heap sound"},
        {{AC_DAMAGE_HEADER, 0x1101c, 0x41414141, 0x11020, true},
         "alloc_cat: heap damaged at 0x1101c: a block's header that holds no valid size or "
         "state (it holds 0x41414141; block 0x11020)"},
        {{AC_DAMAGE_PREV_FREE_FLAG, 0x2fffc, 0, 0x30000, true},
         "alloc_cat: heap damaged at 0x2fffc: a block's header whose flag for the block before "
         "(free or not) is wrong (it holds 0x0; block 0x30000)"},
        {{AC_DAMAGE_FOOTER, 0x11044, 0x30, 0x11028, true},
         "alloc_cat: heap damaged at 0x11044: a free block's footer that does not hold its size "
         "(it holds 0x30; block 0x11028)"},
        {{AC_DAMAGE_FOOTER, 0x2fffc, 0, 0x11028, false}, /* where ASan or valgrind keep it */
         "alloc_cat: heap damaged at 0x2fffc: a free block's footer that does not hold its size "
         "(it cannot be read; block 0x11028)"},
        {{AC_DAMAGE_FREE_NEIGHBOURS, 0x1105c, 0x43, 0x11060, true},
         "alloc_cat: heap damaged at 0x1105c: a free block next to another free block or the "
         "top (it holds 0x43; block 0x11060)"},
        {{AC_DAMAGE_SPAN_LINK, 0x20018, 0x1100c, 0, true},
         "alloc_cat: heap damaged at 0x20018: the link to the span before, which leads to no "
         "span (it holds 0x1100c)"},
        {{AC_DAMAGE_FREE_LIST, 0x11030, 0, 0x11030, true},
         "alloc_cat: heap damaged at 0x11030: a free block's list link (its first or second "
         "payload word) that leads to no free block of its list, or not back (it holds 0x0; "
         "block 0x11030)"},
        {{AC_DAMAGE_FREE_LIST, 0, 0, 0, false},
         "alloc_cat: heap damaged: a free list that leads from its head to no free block of its "
         "list, or misses a free block"},
        {{AC_DAMAGE_COUNTERS, 0, 0, 0, false},
         "alloc_cat: heap damaged: the counters disagree with the blocks in use"},
        {{AC_DAMAGE_STATE, 0, 0, 0, false},
         "alloc_cat: heap damaged: the heap's own variables (top, spare, bins) disagree with "
         "its memory"},
        {{(ac_damage_kind)9, 0x10, 0x10, 0x10, true}, "alloc_cat: heap damaged (unknown kind)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[200];
        size_t n = ac_heap_damage_format(&cases[i].d, buf, sizeof buf);
        T_ASSERT(same_text(buf, cases[i].text));
        T_EQ(n, text_len(cases[i].text));
    }
    /* snprintf-like */
    char small[10] = "xxxxxxxxx";
    T_EQ(ac_heap_damage_format(&cases[3].d, NULL, 0), text_len(cases[3].text));
    T_EQ(ac_heap_damage_format(&cases[3].d, small, sizeof small), text_len(cases[3].text));
    T_ASSERT(t_streq(small, "alloc_cat"));
}

/* The counters' lines of report_of_damaged_heap()'s heap, up to the
 * indent of the line after them. */
static const char damaged_head[] = "alloc_cat heap\n"
                                   "  in use        300 bytes in 2 blocks\n"
                                   "  peak          300 bytes\n"
                                   "  trip peak     300 bytes\n"
                                   "  calls         2 allocs, 0 frees\n"
                                   "  backend       65536 bytes (64.0 KiB), 1 page\n"
                                   "  efficiency    0.5% (in use / backend)\n"
                                   "  ";

/* ... on the damaged heap: the counters' lines, then the damage's line
 * without "alloc_cat: " where the layout lines were (audit builds: the
 * audit tables follow). */
static void report_while_damaged(void) {
    static char buf[4096], want[600], line[300];
    ac_heap_damage_t d;
    ac_heap_check_where(&d);
    ac_heap_damage_format(&d, line, sizeof line);
    size_t n = join(want, damaged_head, line + 11, "\n");
    size_t k = ac_stats_format(buf, sizeof buf);
#if AC_AUDIT_SIZES
    T_ASSERT(k > n);
    buf[n] = '\0';
#else
    T_EQ(k, n);
#endif
    T_ASSERT(same_text(buf, want));
}

/* The report of a damaged heap names the damage where the layout lines
 * were (the walk would follow it), and is whole again once it is mended. */
static void report_of_damaged_heap(void) {
    static char buf[4096];
    fresh_heap(1, 8);
    char *a = ac_malloc(100), *b = ac_malloc(200);
    uint32_t good;
    T_ASSERT(t_header_damaged(b, 0x41414141u, &good)); /* a overran into b */
    report_while_damaged();
    t_header_restore(b, good);
    if (t_failed()) return;
    T_ASSERT(ac_heap_check());
    ac_stats_format(buf, sizeof buf); /* the layout lines are back */
    static const char spans[] = "  spans         1 span";
    buf[sizeof damaged_head - 3 + sizeof spans - 1] = '\0';
    T_ASSERT(same_text(buf + sizeof damaged_head - 3, spans));
    ac_free(a);
    ac_free(b);
}

/* Byte sizes with binary units, rounded to a tenth. */
static void report_byte_units(void) {
    static const struct {
        uint64_t bytes;
        const char *text;
    } cases[] = {
        {0, "0 bytes"},
        {10239, "10239 bytes"},
        {10240, "10240 bytes (10.0 KiB)"},
        {1048524, "1048524 bytes (1023.9 KiB)"},
        {1048525, "1048525 bytes (1.0 MiB)"}, /* 1023.95 KiB rounds to the next unit */
        {1572864, "1572864 bytes (1.5 MiB)"},
        {(uint64_t)3 << 30, "3221225472 bytes (3.0 GiB)"},
        {(uint64_t)5000 << 30, "5368709120000 bytes (4.9 TiB)"},
        {(uint64_t)1 << 50, "1125899906842624 bytes (1024.0 TiB)"}, /* the largest unit */
        /* where bytes * 10 would overflow 64 bits */
        {(uint64_t)1 << 61, "2305843009213693952 bytes (2097152.0 TiB)"},
        {UINT64_MAX, "18446744073709551615 bytes (16777216.0 TiB)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        ac__writer w;
        ac__w_init(&w, buf, sizeof buf);
        ac__w_bytes(&w, cases[i].bytes);
        ac__w_finish(&w);
        if (!t_streq(buf, cases[i].text)) {
            t_puts("\n    got ");
            t_puts(buf);
            t_puts(", want ");
            t_puts(cases[i].text);
        }
        T_ASSERT(t_streq(buf, cases[i].text));
    }
}

/* The version's numbers spell its text (make install names the shared
 * library by the text; programs test the numbers with #if). */
#define AS_TEXT(n)    #n
#define NUMBER_TEXT(n) AS_TEXT(n)
static void version_numbers(void) {
    const char *numbers = NUMBER_TEXT(AC_VERSION_MAJOR) "." NUMBER_TEXT(AC_VERSION_MINOR) "."
        NUMBER_TEXT(AC_VERSION_PATCH);
    T_ASSERT(t_streq(AC_VERSION_STRING, numbers));
#if !(AC_VERSION_MAJOR >= 0 && AC_VERSION_MINOR >= 0 && AC_VERSION_PATCH >= 0)
#error "the version's numbers are not numbers for #if"
#endif
}

void suite_stats(void) {
    static const t_case cases[] = {
        T_CASE(version_numbers),
        T_CASE(trip_meter),
        T_CASE(calloc_and_failures),
        T_CASE(realloc_counts),
        T_CASE(aligned_counts),
        T_CASE(large_blocks),
        T_CASE(backend_bytes),
        T_CASE(host_copies),
#if AC_AUDIT_SIZES
        T_CASE(audit_rows),
#else
        T_CASE(audit_off),
#endif
        T_CASE(report_lines),
        T_CASE(report_truncation),
        T_CASE(report_byte_units),
        T_CASE(damage_lines),
        T_CASE(report_of_damaged_heap),
    };
    t_run_suite("stats", cases, T_COUNT(cases));
}
