/*
 * fuzz_heap.c - a libFuzzer target for alloc_cat's heap and region
 * allocator, checked against a shadow model.
 *
 * An input is a short configuration followed by operations, each one
 * opcode byte and its arguments (bytes past the end read as 0):
 *
 *   heap:    malloc, calloc, realloc, aligned_alloc, posix_memalign, free
 *            (plain, sized, aligned-sized), ac_alloc / ac_alloc_zeroed,
 *            ac_dealloc, ac_resize, bursts until out of memory, releases,
 *            absurd requests, stats reads, trip resets, heap walks
 *   region:  ac_region_alloc with alignments, ac_region_free, frees that
 *            must be refused (double frees, foreign and misaligned
 *            pointers), ac_region_extend, ac_region_format
 *
 * The heap is made fresh for every input over a small buffer: either the
 * public ac_heap_init_static() (which succeeds only when no block is live,
 * so every input ends by freeing everything), or a backend of this file
 * that grows page by page up to a small limit, sometimes skipping pages
 * (non-contiguous growth) or refusing (injected failures). The regions
 * live in a separate buffer: one region that can be extended, optionally
 * chained to a second one.
 *
 * The model knows every live block: its kind, address, size, alignment
 * and id. Every block is filled with a pattern derived from its id, which
 * is checked when the block is freed, after realloc/resize (the kept
 * prefix) and at the end of the input. After every operation: the new
 * block lies inside its buffer, is aligned and overlaps no live block;
 * ac_heap_check() and ac_region_check() pass (ac_heap_check_freed() too,
 * on the walk operation and at the end); ac_stats_get() agrees with
 * the model (in_use_bytes is the sum of the sizes asked for, live_blocks
 * the count, allocs/frees/heap_bytes exactly, the peaks within the bounds
 * the model can see); ac_region_stats() agrees with the region model.
 * Failed requests leave the heap unchanged and set errno as documented;
 * a region request that fits the bump tail of a region must not fail.
 *
 * Any disagreement prints the operation and the check, then aborts, which
 * libFuzzer reports as a crash with the input saved.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined (make fuzz), or
 * with tests/fuzz/replay.c as an ordinary program that runs the inputs
 * given on its command line (make test replays the seed corpus with it,
 * also under valgrind).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena_grant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE         AC_PAGE_BYTES
#define ARENA_PAGES  24u  /* 1.5 MiB of heap memory at most */
#define REGION_BYTES 65536u /* each of the two regions' buffers */
#define MAX_LIVE     256u

/* ---- reporting --------------------------------------------------------------- */

static size_t op_index;
static const char *op_name = "setup";

static void fail(int line, const char *what) {
    fprintf(stderr, "fuzz_heap: op %zu (%s): check failed at fuzz_heap.c:%d: %s\n", op_index,
            op_name, line, what);
    fflush(stderr);
    abort();
}

/* AC_FUZZ_TRACE=1 in the environment prints every operation. */
static int tracing = -1;
static bool trace_on(void) {
    if (tracing < 0) tracing = getenv("AC_FUZZ_TRACE") != NULL;
    return tracing > 0;
}
#define TRACE(...)                                                                                 \
    do {                                                                                           \
        if (trace_on()) fprintf(stderr, __VA_ARGS__);                                              \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) fail(__LINE__, #cond);                                                        \
    } while (0)

/* ---- the input ---------------------------------------------------------------- */

typedef struct input {
    const uint8_t *p;
    size_t n;
} input;

static unsigned u8(input *in) {
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}

static unsigned u16(input *in) {
    unsigned hi = u8(in);
    return hi << 8 | u8(in);
}

/* Powers of two beyond the heap's 32-bit words, where size_t holds them
 * (2^31 where it has 32 bits). */
#if SIZE_MAX > 0xffffffffu
#define POW2_32 ((size_t)1 << 32)
#define POW2_40 ((size_t)1 << 40)
#else
#define POW2_32 ((size_t)1 << 31)
#define POW2_40 ((size_t)1 << 31)
#endif

/* Request sizes: mostly small, some medium, a few large, and edge values. */
static size_t take_size(input *in) {
    static const size_t edges[] = {
        0, 1, 11, 12, 13, 16, 27, 28, 29, 495, 496, 497, 508, 4092, 32764, 32768, 65532,
        65536, 65540, 131072, 262144, 600000, 1u << 20, AC_MAX_REQUEST_BYTES,
        AC_MAX_REQUEST_BYTES + 1, AC_MAX_REQUEST_BYTES - 15, SIZE_MAX, SIZE_MAX - 15,
        SIZE_MAX / 2, POW2_32};
    unsigned s = u8(in);
    switch (s >> 6) {
    case 0: return s & 63u;                          /* 0..63 */
    case 1: return (size_t)(s & 63u) << 8 | u8(in);  /* 0..16 KiB */
    case 2: return (size_t)(s & 31u) << 16 | u16(in); /* 0..2 MiB */
    default: return edges[(s & 63u) % (sizeof edges / sizeof edges[0])];
    }
}

/* Alignments: mostly powers of two up to 1 MiB, sometimes invalid ones. */
static size_t take_align(input *in) {
    static const size_t odd[] = {0, 3, 6, 24, 48, 100, SIZE_MAX, SIZE_MAX / 2 + 1,
                                 POW2_40, 4096 + 16};
    unsigned b = u8(in);
    if (b < 0xf0) return (size_t)1 << (b % 21u);
    return odd[(b - 0xf0u) % (sizeof odd / sizeof odd[0])];
}

static bool is_pow2(size_t x) { return x && !(x & (x - 1)); }

/* ---- the heap's memory --------------------------------------------------------- */

static _Alignas(65536) unsigned char arena[ARENA_PAGES * PAGE];

typedef struct fuzz_backend {
    ac__backend b;
    size_t limit_pages;  /* pages of the arena it may use, gaps included */
    size_t used_pages;   /* pages used from the arena's start */
    unsigned gap_mask;   /* bit i of the grow call number: skip a page first */
    unsigned fail_mask;  /* bit i of the grow call number: refuse */
    unsigned calls, refusals;
    size_t granted_bytes; /* memory handed to the heap, initial included */
} fuzz_backend;

static fuzz_backend fb;
static bool growing;                /* fb in use (else a static buffer) */
static unsigned char *heap_lo, *heap_hi; /* where heap blocks may lie */

static char *fuzz_grow(ac__backend *self, size_t pages) {
    fuzz_backend *t = (fuzz_backend *)(void *)self;
    unsigned call = t->calls++ & 31u;
    size_t gap = t->gap_mask >> call & 1u;
    char *m = t->fail_mask >> call & 1u
                  ? NULL
                  : arena_grant(&t->b, arena, &t->used_pages, t->limit_pages, gap, pages);
    if (!m) {
        t->refusals++;
        return NULL;
    }
    t->granted_bytes += pages * PAGE;
    return m;
}

/* ---- the model ----------------------------------------------------------------------- */

enum kind { K_MALLOC, K_LAYOUT, K_REGION };
/* How a K_MALLOC block was made, which decides how it may be freed:
 * free_sized for malloc/calloc/realloc, free_aligned_sized for
 * aligned_alloc, plain free for all (and only free for posix_memalign). */
enum origin { O_PLAIN, O_ALIGNED, O_POSIX };

typedef struct block {
    unsigned char *p;
    size_t size;  /* bytes asked for (regions: words * 4) */
    size_t align; /* layout: the align passed; malloc: the guaranteed one; region: bytes */
    size_t asked_align; /* O_ALIGNED: the alignment passed to aligned_alloc */
    uint32_t id;
    enum kind kind;
    enum origin origin;
} block;

static block live[MAX_LIVE];
static size_t nlive;
static uint32_t next_id;

typedef struct model {
    size_t in_use, blocks;
    uint64_t allocs, frees;
    size_t peak_lo, peak_hi; /* bounds of the all-time peak the heap may report */
    size_t trip_lo, trip_hi;
} model;
static model M;

/* Freed region blocks, kept to try frees that must be refused. */
typedef struct dead_block {
    unsigned char *p;
    size_t words;
} dead_block;
static dead_block dead[8];
static unsigned ndead;
static unsigned char *dead_heap[8]; /* freed heap blocks */
static unsigned ndead_heap;

static ac_region *region_a, *region_b;
static _Alignas(16) unsigned char region_buf[2 * REGION_BYTES];
static unsigned char *region_a_limit; /* how far region_a may be extended */

/* The pattern: block `id` holds table[(i + offset(id)) % PATTERN_PERIOD] at
 * byte i. The period is prime, so a block shifted by any multiple of a
 * power of two is caught; the table is copied with memcpy and compared
 * with memcmp, and these helpers are left out of the coverage
 * instrumentation, so that big blocks cost little. */
#define PATTERN_PERIOD 65521u
static unsigned char pattern_table[2 * PATTERN_PERIOD];

#if defined(__clang__)
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define NO_COVERAGE
#endif

static void pattern_init(void) {
    static bool done;
    if (done) return;
    done = true;
    uint32_t x = 0x12345678u;
    for (size_t i = 0; i < 2 * PATTERN_PERIOD; i++) {
        if (i < PATTERN_PERIOD) {
            x = x * 1664525u + 1013904223u;
            pattern_table[i] = (unsigned char)(x >> 24);
        } else {
            pattern_table[i] = pattern_table[i - PATTERN_PERIOD];
        }
    }
}

static size_t pattern_offset(uint32_t id) { return (size_t)(id * 40503u) % PATTERN_PERIOD; }

static unsigned char pattern(uint32_t id, size_t i) {
    return pattern_table[(i + pattern_offset(id)) % PATTERN_PERIOD];
}

NO_COVERAGE static void fill(const block *b) {
    size_t at = pattern_offset(b->id);
    for (size_t i = 0; i < b->size;) {
        size_t n = b->size - i < PATTERN_PERIOD ? b->size - i : PATTERN_PERIOD;
        memcpy(b->p + i, pattern_table + at, n);
        i += n; /* at stays: PATTERN_PERIOD bytes later the pattern repeats */
    }
}

/* Index of the first byte of the first n that differs from the pattern, or n. */
NO_COVERAGE static size_t pattern_mismatch(const block *b, size_t n) {
    size_t at = pattern_offset(b->id);
    for (size_t i = 0; i < n; i += PATTERN_PERIOD) {
        size_t k = n - i < PATTERN_PERIOD ? n - i : PATTERN_PERIOD;
        if (memcmp(b->p + i, pattern_table + at, k) != 0) {
            for (size_t j = 0; j < k; j++)
                if (b->p[i + j] != pattern_table[at + j]) return i + j;
        }
    }
    return n;
}

NO_COVERAGE static bool all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

static void check_pattern(const block *b, size_t n) {
    size_t i = pattern_mismatch(b, n);
    if (i < n) {
        fprintf(stderr, "fuzz_heap: block %u at %p (%zu bytes): byte %zu is 0x%02x, expected 0x%02x\n",
                (unsigned)b->id, (void *)b->p, b->size, i, b->p[i], pattern(b->id, i));
        fail(__LINE__, "block contents kept");
    }
}

static void counted_alloc(size_t size);
static void counted_free(size_t size);

static void note_in_use(size_t transient) {
    /* the heap's peak is at least every in_use seen between operations and
     * at most the largest value it can have reached inside one */
    if (M.in_use > M.peak_lo) M.peak_lo = M.in_use;
    if (M.in_use > M.trip_lo) M.trip_lo = M.in_use;
    if (transient > M.peak_hi) M.peak_hi = transient;
    if (transient > M.trip_hi) M.trip_hi = transient;
    if (M.in_use > M.peak_hi) M.peak_hi = M.in_use;
    if (M.in_use > M.trip_hi) M.trip_hi = M.in_use;
}

static size_t span_of(const block *b) { return b->size ? b->size : 1; }

/* A new or moved block: inside its memory, aligned, overlapping nothing. */
static void check_placement(const block *b, size_t skip) {
    uintptr_t a = (uintptr_t)b->p;
    CHECK(a % b->align == 0);
    if (b->kind == K_REGION) {
        CHECK(b->p >= region_buf && b->p + b->size <= region_buf + sizeof region_buf);
    } else {
        CHECK(a % AC_MALLOC_ALIGN == 0);
        CHECK(b->p >= heap_lo && b->p + span_of(b) <= heap_hi);
        CHECK(ac_malloc_usable_size(b->p) >= b->size);
    }
    for (size_t i = 0; i < nlive; i++) {
        if (i == skip) continue;
        const block *o = &live[i];
        CHECK(b->p + span_of(b) <= o->p || o->p + span_of(o) <= b->p);
    }
}

static block *add_block(unsigned char *p, size_t size, size_t align, enum kind kind) {
    block *b = &live[nlive];
    *b = (block){p, size, align, 0, ++next_id, kind, O_PLAIN};
    TRACE("  -> block %u: %zu bytes at %p\n", (unsigned)b->id, size, (void *)p);
    check_placement(b, nlive);
    fill(b);
    nlive++;
    return b;
}

/* A heap block just allocated: into the model, or, when the model is
 * full, checked and freed at once. NULL when it was freed. */
static block *keep_heap_block(unsigned char *p, size_t size, size_t align, enum kind kind) {
    if (nlive == MAX_LIVE) {
        size_t guaranteed = align > AC_MALLOC_ALIGN ? align : AC_MALLOC_ALIGN;
        CHECK((uintptr_t)p % guaranteed == 0);
        if (kind == K_LAYOUT) ac_dealloc(p, size, align);
        else ac_free(p);
        M.allocs++;
        M.frees++;
        note_in_use(M.in_use + size);
        return NULL;
    }
    counted_alloc(size);
    return add_block(p, size, align, kind);
}

static void drop_block(size_t i) { live[i] = live[--nlive]; }

/* A live block of `kind` chosen by the input, or -1. */
static long pick(input *in, enum kind kind) {
    size_t n = 0;
    for (size_t i = 0; i < nlive; i++) n += live[i].kind == kind;
    if (!n) return -1;
    size_t k = u8(in) % n;
    for (size_t i = 0; i < nlive; i++)
        if (live[i].kind == kind && k-- == 0) return (long)i;
    return -1;
}

/* ---- misuse reports (checked builds) -------------------------------------------------- */
/* Checked builds report misuse through a hook: the fuzzer records the
 * reports. A valid operation must cause none; a misuse operation exactly
 * the one it provokes, and the offending call must then change nothing. */

#if AC_CHECKED
typedef struct report {
    ac_error_kind kind;
    const void *ptr;
    char message[200];
} report;
static report reports[4];
static unsigned nreports;

static void record_report(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)ctx;
    TRACE("  report %d for %p: %s\n", (int)kind, ptr, message);
    if (nreports < 4) {
        reports[nreports].kind = kind;
        reports[nreports].ptr = ptr;
        snprintf(reports[nreports].message, sizeof reports[nreports].message, "%s", message);
    }
    nreports++;
}

/* Exactly one report, of kind k1 or k2, for ptr, whose message names it. */
static void expect_report(ac_error_kind k1, ac_error_kind k2, const void *ptr) {
    CHECK(nreports == 1);
    CHECK(reports[0].kind == k1 || reports[0].kind == k2);
    CHECK(reports[0].ptr == ptr);
    char hex[40];
    snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)(uintptr_t)ptr);
    CHECK(strncmp(reports[0].message, "alloc_cat: ", 11) == 0);
    CHECK(strstr(reports[0].message, hex) != NULL);
    nreports = 0;
}
#endif

/* ---- checks after every operation ------------------------------------------------- */

static void check_stats(void) {
    ac_stats_t s;
    ac_stats_get(&s);
    CHECK(s.in_use_bytes == M.in_use);
    CHECK(s.live_blocks == M.blocks);
    CHECK(s.allocs == M.allocs);
    CHECK(s.frees == M.frees);
    CHECK(s.peak_bytes >= M.peak_lo && s.peak_bytes <= M.peak_hi);
    CHECK(s.trip_peak_bytes >= M.trip_lo && s.trip_peak_bytes <= M.trip_hi);
    CHECK(s.trip_peak_bytes <= s.peak_bytes);
    if (growing) {
        CHECK(s.heap_bytes == fb.granted_bytes);
    } else {
        CHECK(s.heap_bytes == (size_t)(heap_hi - heap_lo));
    }
    CHECK(s.heap_pages == (s.heap_bytes + PAGE - 1) / PAGE);
}

static void check_regions(void) {
    CHECK(ac_region_check(region_a));
    ac_region_stats_t s = ac_region_stats(region_a);
    size_t live_words = 0, total = 0;
    for (size_t i = 0; i < nlive; i++)
        if (live[i].kind == K_REGION) live_words += live[i].size / 4;
    for (const ac_region *r = region_a; r; r = ac_region_next(r))
        total += (size_t)((uint32_t *)ac_region_end(r) - (uint32_t *)ac_region_begin(r));
    CHECK(s.regions == (region_b ? 2u : 1u));
    CHECK(s.total_words == total);
    /* below the bump pointers every word is in a live block or a fragment */
    CHECK(s.allocated_words == live_words + s.fragment_words);
    CHECK(s.unused_words == total - s.allocated_words);
    CHECK(s.fragments <= s.fragment_words);
}

static void check_all(void) {
#if AC_CHECKED
    CHECK(nreports == 0); /* no report without a misuse */
#endif
    CHECK(ac_heap_check());
    check_stats();
    check_regions();
}

/* ---- heap walk against the model ------------------------------------------------------ */

/* Within a span, entries are contiguous after a small per-span overhead
 * (see ac_heap_walk). A block in use is reported by its payload, so where
 * it starts is known only from the entry before it: `next` is where the
 * next entry must start (0: unknown, at the start of a span, then it must
 * start at or after `min_next`). */
#define SPAN_OVERHEAD_BYTES 28u
#define HEADER_SLACK_BYTES  64u /* payload offset allowed at a span's start */

typedef struct walk_state {
    uintptr_t next, min_next;
    uintptr_t span_lo, span_hi;
    bool first; /* the next entry is the first of its span */
    size_t used, spans, entries;
    bool bad;
    const char *why;
} walk_state;

static int cmp_block_addr(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)((const block *)a)->p, y = (uintptr_t)((const block *)b)->p;
    return x < y ? -1 : x > y;
}

static block sorted[MAX_LIVE];
static size_t nsorted;

static const block *find_sorted(uintptr_t addr) {
    size_t lo = 0, hi = nsorted;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uintptr_t a = (uintptr_t)sorted[mid].p;
        if (a == addr) return &sorted[mid];
        if (a < addr) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static bool walk_fn(const ac_walk_entry *e, void *ctx) {
    walk_state *w = ctx;
    w->entries++;
#define WALK_BAD(msg)                                                                              \
    do {                                                                                           \
        w->bad = true;                                                                             \
        w->why = msg;                                                                              \
        return false;                                                                              \
    } while (0)
    if (e->kind == AC_WALK_SPAN) {
        if (e->addr < (uintptr_t)heap_lo || e->bytes > (uintptr_t)heap_hi - e->addr)
            WALK_BAD("span outside the heap's memory");
        if (w->spans && e->addr < w->span_hi) WALK_BAD("spans not in address order");
        w->spans++;
        w->span_lo = e->addr;
        w->span_hi = e->addr + e->bytes;
        w->next = 0;
        w->min_next = e->addr;
        w->first = true;
        return true;
    }
    if (!w->spans) WALK_BAD("entry before any span");
    if (e->addr < w->min_next || e->addr >= w->span_hi) WALK_BAD("entry outside its span");
    uintptr_t start;
    if (w->next) {
        start = w->next;
        if (e->kind == AC_WALK_USED ? e->addr < start : e->addr != start)
            WALK_BAD("entries not contiguous");
    } else {
        start = e->addr;
        if (w->first && e->addr - w->span_lo >
                            SPAN_OVERHEAD_BYTES + (e->kind == AC_WALK_USED ? HEADER_SLACK_BYTES : 0u))
            WALK_BAD("first entry too far into its span");
    }
    w->first = false;
    if (e->bytes > w->span_hi - start) WALK_BAD("entry reaches past its span");
    if (e->kind == AC_WALK_USED) {
        const block *b = find_sorted(e->addr);
        if (!b) WALK_BAD("a block in use the model does not know");
        if (e->requested != b->size) WALK_BAD("requested bytes differ from the model");
        if (w->next && e->addr + b->size > start + e->bytes) WALK_BAD("block smaller than its request");
        w->used++;
        /* after the first block of a span, its start (payload less header) is unknown */
        w->min_next = e->addr + b->size;
        w->next = w->next ? start + e->bytes : 0;
        return true;
    }
    if (e->kind != AC_WALK_FREE && e->kind != AC_WALK_TOP) WALK_BAD("unknown entry kind");
    if (e->requested != 0) WALK_BAD("free entry with a request");
    /* a free area must not cover a live block: the first live block at or
     * after its start begins at or after its end */
    size_t lo = 0, hi = nsorted;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)sorted[mid].p < e->addr) lo = mid + 1;
        else hi = mid;
    }
    if (lo < nsorted && (uintptr_t)sorted[lo].p < e->addr + e->bytes)
        WALK_BAD("free area covers a live block");
    if (e->kind == AC_WALK_TOP && e->addr + e->bytes != w->span_hi)
        WALK_BAD("top does not end its span");
    w->next = w->min_next = e->addr + e->bytes;
    return true;
#undef WALK_BAD
}

static void check_walk(void) {
    nsorted = 0;
    for (size_t i = 0; i < nlive; i++)
        if (live[i].kind != K_REGION) sorted[nsorted++] = live[i];
    qsort(sorted, nsorted, sizeof sorted[0], cmp_block_addr);
    walk_state w = {0, 0, 0, 0, false, 0, 0, 0, false, NULL};
    size_t n = ac_heap_walk(walk_fn, &w);
    if (w.bad) fail(__LINE__, w.why);
    CHECK(n == w.entries);
    CHECK(w.used == nsorted);
    ac_heap_info_t info;
    ac_heap_info(&info);
    CHECK(info.used_blocks == nsorted);
    CHECK(info.spans == w.spans);
    CHECK(info.largest_free_bytes <= info.free_bytes);
}

/* ---- heap operations --------------------------------------------------------------------- */

/* After a failed request: errno as documented, nothing changed. */
static void failed_request(int expect_errno) {
    TRACE("  -> NULL, errno %d\n", errno);
    CHECK(errno == expect_errno);
}

/* A request for `size` bytes with the default alignment failed, although
 * it was not too large: the heap must have been unable to serve it. Its
 * top (served without growing) was too small, no free block was twice as
 * large (such a block is in a higher size class, which malloc always
 * takes), and a growing backend was asked and refused. */
#define SLACK_BYTES 64u /* a block's overhead, generously */
static void failure_justified(size_t size, unsigned refusals_before) {
    CHECK(size <= AC_MAX_REQUEST_BYTES);
    ac_heap_info_t info;
    ac_heap_info(&info);
    CHECK(info.top_bytes < size + SLACK_BYTES);
    CHECK(info.largest_free_bytes < 2 * (size + SLACK_BYTES));
    if (growing) CHECK(fb.refusals > refusals_before);
}

static void counted_alloc(size_t size) {
    M.in_use += size;
    M.blocks++;
    M.allocs++;
    note_in_use(M.in_use);
}

static void counted_free(size_t size) {
    M.in_use -= size;
    M.blocks--;
    M.frees++;
}

static void op_malloc(input *in) {
    size_t size = take_size(in);
    unsigned refusals = fb.refusals;
    errno = 0;
    unsigned char *p = ac_malloc(size);
    if (!p) {
        failed_request(ENOMEM);
        if (size <= AC_MAX_REQUEST_BYTES) failure_justified(size, refusals);
        return;
    }
    CHECK(size <= AC_MAX_REQUEST_BYTES);
    keep_heap_block(p, size, AC_MALLOC_ALIGN, K_MALLOC);
}

static void op_calloc(input *in) {
    size_t count = take_size(in), size = take_size(in);
    if (u8(in) & 1) count = count % 8; /* mostly sane products */
    size_t bytes;
    bool overflow = __builtin_mul_overflow(count, size, &bytes);
    errno = 0;
    unsigned char *p = ac_calloc(count, size);
    if (!p) {
        failed_request(ENOMEM);
        return;
    }
    CHECK(!overflow && bytes <= AC_MAX_REQUEST_BYTES);
    CHECK(all_zero(p, bytes));
    keep_heap_block(p, bytes, AC_MALLOC_ALIGN, K_MALLOC);
}

static void op_aligned(input *in, bool posix) {
    size_t align = take_align(in), size = take_size(in);
    unsigned char *p = NULL;
    errno = 0;
    if (posix) {
        void *out = (void *)&out; /* must stay untouched on failure */
        int rc = ac_posix_memalign(&out, align, size);
        if (!is_pow2(align) || align % sizeof(void *)) {
            CHECK(rc == EINVAL);
            CHECK(out == (void *)&out);
            return;
        }
        if (rc) {
            CHECK(rc == ENOMEM);
            CHECK(out == (void *)&out);
            return;
        }
        p = out;
    } else {
        p = ac_aligned_alloc(align, size);
        if (!is_pow2(align)) {
            CHECK(!p);
            failed_request(EINVAL);
            return;
        }
        if (!p) {
            failed_request(ENOMEM);
            return;
        }
    }
    CHECK(size <= AC_MAX_REQUEST_BYTES && align <= AC_MAX_REQUEST_BYTES);
    size_t guaranteed = align > AC_MALLOC_ALIGN ? align : AC_MALLOC_ALIGN;
    block *b = keep_heap_block(p, size, guaranteed, K_MALLOC);
    if (b) {
        b->origin = posix ? O_POSIX : O_ALIGNED;
        b->asked_align = align;
    }
}

static void free_block(size_t i, unsigned how) {
    block *b = &live[i];
    check_pattern(b, b->size);
    errno = 4321;
    if (b->kind == K_LAYOUT) {
        ac_dealloc(b->p, b->size, b->align);
    } else if (how % 2 == 0 || b->origin == O_POSIX) {
        ac_free(b->p);
    } else if (b->origin == O_PLAIN) {
        ac_free_sized(b->p, b->size);
    } else {
        ac_free_aligned_sized(b->p, b->asked_align, b->size);
    }
    CHECK(errno == 4321); /* free leaves errno alone */
    counted_free(b->size);
    dead_heap[ndead_heap++ % 8] = b->p;
    drop_block(i);
}

static void op_free(input *in) {
    unsigned how = u8(in);
    if (how == 0xff) {
        errno = 4321;
        ac_free(NULL);
        ac_dealloc(NULL, 0, 16);
        CHECK(errno == 4321);
        return;
    }
    long i = pick(in, how & 0x80 ? K_LAYOUT : K_MALLOC);
    if (i >= 0) free_block((size_t)i, how);
}

/* realloc and ac_resize: the kept prefix survives, failure keeps the block. */
static void op_resize(input *in, bool layout) {
    size_t size = take_size(in);
    long i = pick(in, layout ? K_LAYOUT : K_MALLOC);
    errno = 0;
    if (i < 0) {
        /* from NULL: a plain allocation */
        size_t align = layout ? take_align(in) : AC_MALLOC_ALIGN;
        unsigned char *p = layout ? ac_resize(NULL, 0, align, size) : ac_realloc(NULL, size);
        if (!p) {
            failed_request(layout && !is_pow2(align) ? EINVAL : ENOMEM);
            return;
        }
        CHECK(is_pow2(align));
        CHECK((uintptr_t)p % (align > AC_MALLOC_ALIGN ? align : AC_MALLOC_ALIGN) == 0);
        keep_heap_block(p, size, align, layout ? K_LAYOUT : K_MALLOC);
        return;
    }
    block *b = &live[i];
    size_t old = b->size;
    unsigned char *q = layout ? ac_resize(b->p, old, b->align, size) : ac_realloc(b->p, size);
    if (!q) {
        CHECK(size > 0 || layout); /* realloc(p, 0) keeps a 0-byte block */
        failed_request(ENOMEM);
        check_pattern(b, old); /* the old block is intact and still ours */
        return;
    }
    CHECK(size <= AC_MAX_REQUEST_BYTES);
    size_t keep = size < old ? size : old;
    block moved = *b;
    moved.p = q;
    check_pattern(&moved, keep);
    size_t transient = M.in_use - old + size;
    if (q != b->p) {
        /* moved: the new block was allocated before the old one was freed */
        M.allocs++;
        M.frees++;
        transient = M.in_use + size;
    }
    M.in_use = M.in_use - old + size;
    note_in_use(transient);
    b->p = q;
    b->size = size;
    if (!layout) {
        b->align = AC_MALLOC_ALIGN; /* realloc guarantees the default only */
        b->origin = O_PLAIN;
    }
    b->id = ++next_id;
    size_t guaranteed = b->align > AC_MALLOC_ALIGN ? b->align : AC_MALLOC_ALIGN;
    CHECK((uintptr_t)q % guaranteed == 0);
    check_placement(b, (size_t)i);
    fill(b);
}

static void op_layout_alloc(input *in) {
    size_t align = take_align(in), size = take_size(in);
    bool zeroed = u8(in) & 1;
    errno = 0;
    unsigned char *p = zeroed ? ac_alloc_zeroed(size, align) : ac_alloc(size, align);
    if (!p) {
        failed_request(is_pow2(align) ? ENOMEM : EINVAL);
        return;
    }
    CHECK(is_pow2(align) && size <= AC_MAX_REQUEST_BYTES);
    if (zeroed) CHECK(all_zero(p, size));
    keep_heap_block(p, size, align, K_LAYOUT);
}

/* Allocates blocks of one size until the heap says no (or the model is
 * full): out of memory is reached and must leave the heap usable. */
static void op_burst(input *in) {
    size_t size = (size_t)u16(in) % 70000u;
    unsigned max = 1u + u8(in) % 64u;
    for (unsigned k = 0; k < max && nlive < MAX_LIVE; k++) {
        unsigned refusals = fb.refusals;
        errno = 0;
        unsigned char *p = ac_malloc(size);
        if (!p) {
            failed_request(ENOMEM);
            failure_justified(size, refusals);
            return;
        }
        keep_heap_block(p, size, AC_MALLOC_ALIGN, K_MALLOC);
    }
}

/* Frees every n-th heap block from some offset: releases after a burst. */
static void op_release(input *in) {
    unsigned step = 1u + u8(in) % 4u, skip = u8(in) % 4u;
    for (size_t i = nlive, k = 0; i-- > 0; k++)
        if (live[i].kind != K_REGION && (k + skip) % step == 0) free_block(i, (unsigned)k);
}

/* Requests that must fail at once without growing the heap. */
static void op_absurd(input *in) {
    static const size_t sizes[] = {AC_MAX_REQUEST_BYTES + 1, SIZE_MAX, SIZE_MAX - 15,
                                   SIZE_MAX / 2, POW2_40};
    size_t size = sizes[u8(in) % (sizeof sizes / sizeof sizes[0])];
    ac_stats_t before, after;
    ac_stats_get(&before);
    errno = 0;
    CHECK(ac_malloc(size) == NULL);
    failed_request(ENOMEM);
    CHECK(ac_calloc(size, 1) == NULL);
    CHECK(ac_calloc(1 + (SIZE_MAX >> 1), 2) == NULL); /* overflow */
    CHECK(ac_aligned_alloc(64, size) == NULL);
    CHECK(ac_alloc(size, 4096) == NULL);
    CHECK(ac_alloc_zeroed(size, 16) == NULL);
    void *out = NULL;
    CHECK(ac_posix_memalign(&out, 32, size) == ENOMEM && out == NULL);
    long i = pick(in, K_MALLOC);
    if (i >= 0) {
        errno = 0;
        CHECK(ac_realloc(live[i].p, size) == NULL);
        failed_request(ENOMEM);
        check_pattern(&live[i], live[i].size);
    }
    i = pick(in, K_LAYOUT);
    if (i >= 0) {
        CHECK(ac_resize(live[i].p, live[i].size, live[i].align, size) == NULL);
        CHECK(ac_resize(live[i].p, live[i].size, 3, 10) == NULL); /* bad align: unchanged */
        check_pattern(&live[i], live[i].size);
    }
    ac_stats_get(&after);
    CHECK(after.heap_bytes == before.heap_bytes);
    CHECK(after.allocs == before.allocs && after.in_use_bytes == before.in_use_bytes);
}

static void op_stats(input *in) {
    if (u8(in) & 1) {
        ac_stats_reset_trip();
        M.trip_lo = M.trip_hi = M.in_use;
    }
    /* usable sizes of a few blocks */
    for (size_t i = 0; i < nlive && i < 8; i++)
        if (live[i].kind != K_REGION) CHECK(ac_malloc_usable_size(live[i].p) >= live[i].size);
    CHECK(ac_malloc_usable_size(NULL) == 0);
    /* the text report: its length as snprintf would, truncated cleanly, and
     * it agrees with ac_stats_get (it takes the lock once: one snapshot) */
    static char text[4096];
    size_t len = (size_t)u8(in) * 16;
    size_t n = ac_stats_format(len ? text : NULL, len);
    CHECK(n > 0);
    if (len) CHECK(strlen(text) == (n < len ? n : len - 1));
    if (n < len) {
        /* "  in use        N bytes[ (x KiB)] in K block[s]" */
        const char *line = strstr(text, "\n  in use        ");
        CHECK(line != NULL);
        size_t bytes = 0, blocks = 0;
        CHECK(sscanf(line, " in use %zu bytes", &bytes) == 1);
        const char *at = strstr(line, " bytes");
        at = at ? strstr(at, " in ") : NULL; /* after an optional "(12.1 KiB)" */
        CHECK(at != NULL && sscanf(at, " in %zu block", &blocks) == 1);
        CHECK(bytes == M.in_use && blocks == M.blocks);
    }
    CHECK(ac_stats_format(text, sizeof text) == n);
    const ac_stats_t *host = ac_stats_for_host();
    CHECK(host->in_use_bytes == M.in_use && host->live_blocks == M.blocks);
}

/* Writes the bytes between the request and ac_malloc_usable_size(): they
 * are the caller's, so nothing may notice (the heap check, the other
 * blocks' contents, the stats; in checked builds, the canary check:
 * tests/regress/checked_usable_size.c). */
static void op_usable_tail(input *in) {
    long i = pick(in, u8(in) & 1 ? K_LAYOUT : K_MALLOC);
    if (i < 0) return;
    block *b = &live[i];
    size_t usable = ac_malloc_usable_size(b->p);
    CHECK(usable >= b->size);
    memset(b->p + b->size, 0x5a ^ (int)(b->id & 0xff), usable - b->size);
}

/* Checked builds: misuse that must be reported, and then change nothing. */
static void op_misuse(input *in) {
#if AC_CHECKED
    unsigned what = u8(in) % 6;
    ac_stats_t before, after;
    ac_stats_get(&before);
    if (what == 0) {
        /* free a block properly, then again */
        long i = pick(in, u8(in) & 1 ? K_LAYOUT : K_MALLOC);
        if (i < 0) return;
        unsigned char *p = live[i].p;
        free_block((size_t)i, 0);
        ac_stats_get(&before);
        ac_free(p);
        expect_report(AC_ERROR_DOUBLE_FREE, AC_ERROR_DOUBLE_FREE, p);
    } else if (what == 1) {
        /* a pointer freed some time ago: a double free if its memory was
         * not reused since, else a foreign pointer; never a live block */
        if (!ndead_heap) return;
        unsigned char *p = dead_heap[u8(in) % (ndead_heap < 8 ? ndead_heap : 8)];
        for (size_t i = 0; i < nlive; i++)
            if (live[i].p == p) return;
        ac_free(p);
        expect_report(AC_ERROR_DOUBLE_FREE, AC_ERROR_FOREIGN_POINTER, p);
    } else if (what == 2) {
        /* pointers alloc_cat never handed out */
        static unsigned char outside[64];
        unsigned char *p = u8(in) & 1 ? outside + 32 : region_buf + 64;
        long i = pick(in, K_MALLOC);
        unsigned inside = u8(in);
        if (i >= 0 && inside & 1) {
            /* inside a block: misaligned, or 32 bytes in, where a checked
             * build's header would be (it holds the block's contents) */
            p = live[i].p + (inside & 2 && live[i].size >= 64 ? 32 : 1 + inside % 15);
        }
        ac_free(p);
        expect_report(AC_ERROR_FOREIGN_POINTER, AC_ERROR_FOREIGN_POINTER, p);
    } else if (what == 3) {
        /* a size (or alignment) that disagrees with the block */
        long i = pick(in, K_LAYOUT);
        if (i < 0) return;
        block *b = &live[i];
        size_t wrong = b->size + 1 + u8(in) % 64;
        unsigned how = u8(in) % 3;
        if (how == 0) {
            ac_dealloc(b->p, wrong, b->align);
        } else if (how == 1) {
            CHECK(ac_resize(b->p, wrong, b->align, b->size + 8) == NULL);
        } else {
            /* an alignment other than the block's (any up to AC_MALLOC_ALIGN is that):
             * one its address lacks, or one it has anyway, smaller or
             * larger than the block's own */
            size_t own = b->align > AC_MALLOC_ALIGN ? b->align : AC_MALLOC_ALIGN;
            size_t align = own << 1;
            unsigned which = u8(in) % 3;
            if (which == 1 && own > AC_MALLOC_ALIGN) {
                align = own >> 1;
            } else if (which != 2 || (uintptr_t)b->p % align) {
                while ((uintptr_t)b->p % align == 0) align <<= 1; /* one it lacks */
            }
            ac_dealloc(b->p, b->size, align);
        }
        expect_report(AC_ERROR_SIZE_MISMATCH, AC_ERROR_SIZE_MISMATCH, b->p);
        check_pattern(b, b->size);
    } else {
        /* one byte written past the end: reported by free or realloc */
        long i = pick(in, K_MALLOC);
        if (i < 0) return;
        block *b = &live[i];
        unsigned char keep = b->p[b->size];
        b->p[b->size] = (unsigned char)(keep ^ (1u + u8(in) % 255u));
        if (what == 4) {
            ac_free(b->p);
        } else {
            CHECK(ac_realloc(b->p, b->size + 100) == NULL);
        }
        expect_report(AC_ERROR_OVERFLOW, AC_ERROR_OVERFLOW, b->p);
        b->p[b->size] = keep;
        check_pattern(b, b->size);
    }
    ac_stats_get(&after);
    CHECK(memcmp(&before, &after, sizeof before) == 0);
#else
    (void)in;
#endif
}

/* ---- region operations -------------------------------------------------------------------- */

/* Could `words` words aligned to 2^align_bits come from some bump tail? */
static bool bump_tail_fits(size_t words, unsigned align_bits) {
    for (const ac_region *r = region_a; r; r = ac_region_next(r)) {
        uintptr_t bump = (uintptr_t)ac_region_bump(r), end = (uintptr_t)ac_region_end(r);
        uintptr_t mask = ((uintptr_t)1 << align_bits) - 1;
        uintptr_t at = (bump + mask) & ~mask;
        if (at >= bump && at <= end && (end - at) / 4 >= words) return true;
    }
    return false;
}

static void op_region_alloc(input *in) {
    unsigned w = u16(in);
    size_t words = w & 0x8000 ? (size_t)(w & 0x7fff) : (size_t)(w % 600u); /* mostly small */
    unsigned align_bits = u8(in) % 20u;
    if (align_bits == 19) align_bits = 64; /* invalid */
    bool fits = align_bits < 64 && words >= 1 && words <= AC_REGION_MAX_BLOCK_WORDS &&
                bump_tail_fits(words, align_bits);
    unsigned char *p = ac_region_alloc(region_a, words, align_bits);
    if (!p) {
        CHECK(!fits);
        return;
    }
    CHECK(words >= 1 && words <= AC_REGION_MAX_BLOCK_WORDS && align_bits < 64);
    if (nlive == MAX_LIVE) {
        CHECK(ac_region_free(region_a, p, words));
        return;
    }
    size_t align = (size_t)1 << (align_bits > 2 ? align_bits : 2);
    add_block(p, words * 4, align, K_REGION);
}

static void op_region_free(input *in) {
    long i = pick(in, K_REGION);
    if (i < 0) return;
    block *b = &live[i];
    check_pattern(b, b->size);
    CHECK(ac_region_free(region_a, b->p, b->size / 4));
    dead[ndead++ % 8] = (dead_block){b->p, b->size / 4};
    drop_block((size_t)i);
}

/* Frees the region must refuse without changing anything. */
static void op_region_bad_free(input *in) {
    unsigned what = u8(in) % 4;
    ac_region_stats_t before = ac_region_stats(region_a);
    if (what == 0 && ndead) {
        /* a freed block no live block overlaps now: every word of it is in
         * a fragment or past the bump pointer, so the free must fail */
        dead_block d = dead[u8(in) % (ndead < 8 ? ndead : 8)];
        for (size_t i = 0; i < nlive; i++)
            if (live[i].kind == K_REGION && live[i].p < d.p + d.words * 4 &&
                d.p < live[i].p + live[i].size)
                return;
        CHECK(!ac_region_free(region_a, d.p, d.words));
    } else if (what == 1) {
        /* memory no region holds */
        CHECK(!ac_region_free(region_a, arena, 1));
    } else if (what == 2) {
        long i = pick(in, K_REGION);
        if (i < 0) return;
        CHECK(!ac_region_free(region_a, live[i].p + 2, 1)); /* misaligned */
        CHECK(!ac_region_free(region_a, live[i].p, 0));
        CHECK(!ac_region_free(region_a, live[i].p, AC_REGION_MAX_BLOCK_WORDS + 1));
    } else {
        CHECK(!ac_region_free(region_a, NULL, 4));
        CHECK(!ac_region_free(NULL, region_buf, 4));
        /* past the bump pointer */
        unsigned char *bump = ac_region_bump(region_a);
        if (bump < (unsigned char *)ac_region_end(region_a))
            CHECK(!ac_region_free(region_a, bump, 1));
    }
    ac_region_stats_t after = ac_region_stats(region_a);
    CHECK(memcmp(&before, &after, sizeof before) == 0);
}

static void op_region_extend(input *in) {
    unsigned char *end = ac_region_end(region_a);
    size_t by = (size_t)u16(in) % (REGION_BYTES / 4);
    if (u8(in) == 0xff) {
        CHECK(!ac_region_extend(region_a, end - 4)); /* backwards */
        return;
    }
    if (end + by <= region_a_limit) {
        CHECK(ac_region_extend(region_a, end + by));
        CHECK((unsigned char *)ac_region_end(region_a) == end + (by & ~(size_t)3));
    }
}

static void op_region_format(void) {
    char line[96];
    size_t n = ac_region_format(region_a, line, sizeof line);
    CHECK(strlen(line) == (n < sizeof line ? n : sizeof line - 1));
    CHECK(strncmp(line, "region 0x", 9) == 0);
}

/* ---- one input ------------------------------------------------------------------------------ */

static void setup(input *in) {
    unsigned c0 = u8(in), c1 = u8(in), c2 = u8(in), c3 = u8(in), c4 = u8(in);
    if ((c0 & 3u) < 2u) {
        /* a static buffer of the least accepted (64 bytes, 128 checked)
         * to 1 MiB more, at any alignment */
        size_t off = c0 >> 4, bytes = AC__HEAP_MIN_BYTES + ((size_t)(c1 << 8 | c2) * 16) % (1u << 20);
        growing = false;
        CHECK(ac_heap_init_static(arena + off, bytes));
        heap_lo = arena + off;
        heap_hi = heap_lo + bytes;
    } else {
        /* pages from the arena, some there from the start, up to a limit */
        size_t initial = c1 & 3u, limit = initial + 1 + (c1 >> 2) % (ARENA_PAGES - 3);
        size_t skip = c2 % 64u * 4u;
        fb = (fuzz_backend){{fuzz_grow, (char *)arena + skip, (char *)arena + initial * PAGE},
                            limit, initial, 0, 0, 0, 0, 0};
        fb.granted_bytes = initial * PAGE - (initial ? skip : 0);
        if (!initial) fb.b.begin = fb.b.end = (char *)arena;
        if ((c0 & 3u) == 3u) {
            fb.gap_mask = (c0 >> 2) * 0x01010101u & 0x5a5a5a5au;
            fb.fail_mask = c4 & 0x80u ? 0x11111111u << (c4 & 3u) : 0;
        }
        growing = true;
        ac__heap_reset_locked(&fb.b);
        heap_lo = arena;
        heap_hi = arena + sizeof arena;
    }
    /* region A: 64 bytes to 32 KiB at first, extendable to its whole buffer;
     * region B optionally chained after it */
    size_t a_bytes = 64 + (size_t)(c3 & 15u) * 2048u;
    region_a = ac_region_init(region_buf, region_buf + a_bytes);
    CHECK(region_a != NULL);
    region_a_limit = region_buf + REGION_BYTES;
    region_b = NULL;
    if (c3 & 0x10u) {
        region_b = ac_region_init(region_buf + REGION_BYTES, region_buf + 2 * REGION_BYTES);
        CHECK(region_b != NULL);
        ac_region_set_next(region_a, region_b);
    }
    nlive = 0;
    next_id = 0;
    ndead = 0;
    ndead_heap = 0;
#if AC_CHECKED
    ac_set_error_hook(record_report, NULL);
    nreports = 0;
#endif
    M = (model){0, 0, 0, 0, 0, 0, 0, 0};
}

/* Frees everything left, checking contents, then checks that the heap has
 * merged it all back and can hand out nearly all of its memory again. */
static void teardown(void) {
    op_name = "teardown";
    for (size_t i = 0; i < nlive; i++) check_pattern(&live[i], live[i].size);
    check_walk();
    while (nlive) {
        size_t i = nlive - 1;
        if (live[i].kind == K_REGION) {
            CHECK(ac_region_free(region_a, live[i].p, live[i].size / 4));
            drop_block(i);
        } else {
            free_block(i, (unsigned)i);
        }
        check_all();
    }
    ac_region_stats_t rs = ac_region_stats(region_a);
    CHECK(rs.allocated_words == 0 && rs.fragments == 0);

    ac_heap_info_t info;
    ac_heap_info(&info);
    CHECK(info.used_blocks == 0);
    /* all merged: at most one free block in each closed span, none in the
     * current one (it is all top) */
    CHECK(info.spans == 0 ? info.free_blocks == 0 : info.free_blocks <= info.spans - 1);
    if (info.top_bytes > 64) {
        size_t size = info.top_bytes - 64;
        unsigned char *p = ac_malloc(size);
        CHECK(p != NULL);
        p[0] = 1;
        p[size - 1] = 2;
        counted_alloc(size);
        check_all();
        ac_free(p);
        counted_free(size);
    }
    check_all();
    CHECK(ac_heap_check_freed());
    CHECK(M.in_use == 0 && M.blocks == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    input in = {data, size};
    pattern_init();
    op_index = 0;
    op_name = "setup";
    setup(&in);
    check_all();
    while (in.n) {
        unsigned op = u8(&in);
        op_index++;
        static const char *const names[26] = {
            "malloc", "malloc", "malloc", "calloc", "realloc", "realloc",
            "aligned_alloc", "posix_memalign", "free", "free", "free", "ac_alloc",
            "ac_resize", "burst", "release", "absurd", "stats", "walk",
            "region_alloc", "region_alloc", "region_free", "region_bad_free", "region_extend",
            "region_format", "misuse", "usable_tail"};
        op_name = names[op % 26u];
        TRACE("op %zu %s (%zu live, %zu bytes in use)\n", op_index, op_name, nlive, M.in_use);
        switch (op % 26u) {
        case 0: case 1: case 2: op_malloc(&in); break;
        case 3: op_calloc(&in); break;
        case 4: case 5: op_resize(&in, false); break;
        case 6: op_aligned(&in, false); break;
        case 7: op_aligned(&in, true); break;
        case 8: case 9: case 10: op_free(&in); break;
        case 11: op_layout_alloc(&in); break;
        case 12: op_resize(&in, true); break;
        case 13: op_burst(&in); break;
        case 14: op_release(&in); break;
        case 15: op_absurd(&in); break;
        case 16: op_stats(&in); break;
        case 17:
            check_walk();
            CHECK(ac_heap_check_freed()); /* checked builds: no fill changed */
            break;
        case 18: case 19: op_region_alloc(&in); break;
        case 20: op_region_free(&in); break;
        case 21: op_region_bad_free(&in); break;
        case 22: op_region_extend(&in); break;
        case 23: op_region_format(); break;
        case 24: op_misuse(&in); break;
        default: op_usable_tail(&in); break;
        }
        check_all();
    }
    teardown();
    return 0;
}
