/*
 * onebuild.c - an experiment for issue 8, not alloc_cat: how small and how
 * fast the design the issue describes is when its code size and its speed
 * come from one build. `make bench-onebuild` builds it with -Oz and -O2
 * (each object used for both the size probe and the timed module) and times
 * it beside alloc_cat and dlmalloc; bench/LIMITS.md has the figures. The
 * benchmark's smoke test runs two builds checked (-Oz, plain and with the
 * options below; make bench-onebuild checks every build before timing it),
 * and bench/onebuild_test.mjs tests the options (make test runs both).
 *
 * Chunks: a 4-byte header just before each 16-aligned payload; chunk sizes
 * are multiples of 16, so every header sits at 12 mod 16. The header holds
 * the chunk's size with two flags in its low bits: INUSE and PFREE (the
 * chunk before is free). A free chunk also holds its size in its last 4
 * bytes (the footer) and two list links (next at +4, prev at +8), so the
 * smallest chunk is 16 bytes. Free chunks never touch each other nor the top.
 *
 * Bins: chunk sizes of 16..240 bytes have a bin each (1..15); above, two bins
 * per power of two. A 64-bit bitmap marks the bins that may be non-empty (a
 * bit is cleared by the search that finds its bin empty). The first chunk's
 * prev link points at a pseudo chunk whose next field is the bin's head, so
 * it unlinks like any other. malloc takes the first chunk that fits in the
 * request's own bin (-DBEST=N: the smallest of its first N), else - for a
 * small request - the victim, else the first chunk of the next non-empty
 * bin, else the top.
 *
 * The victim (as dlmalloc's "designated victim"): a free chunk on no list,
 * cut from its front by small requests that miss their own bin and grown by
 * the frees next to it (-DSMALLDV=0 turns it off).
 *
 * The top: everything from `top` to the end of memory is unused, a bare
 * pointer rather than a free chunk; a chunk freed next to it moves it down.
 * Memory grows by the pages needed when the top runs out.
 *
 * realloc shrinks in place, grows at the top or into a free next chunk
 * (-DNOGROWNEXT: not into the next chunk), else moves; realloc(p, 0)
 * returns p shrunk to the smallest chunk. aligned_alloc over-allocates,
 * frees the lead and shrinks the rest through realloc.
 *
 * Two options add what alloc_cat has and the plain build leaves out, to
 * measure their cost in this shape:
 * -DCOUNTERS  alloc_cat's always-on counters (src/heap.c's ac__count):
 *             bytes in use (the requested bytes: an in-use header holds the
 *             request, as alloc_cat's does, and the chunk size is derived),
 *             the trip's and all-time peaks, allocs, frees, heap bytes;
 *             read with ob_stats() (exported by the tests only).
 * -DSPANS     other code may grow memory too: the heap keeps its own end;
 *             a growth that is not contiguous closes the current span (its
 *             unused top becomes a free chunk, its last word a fence header
 *             in use) and the top moves to the new memory.
 *
 * What it leaves out (an experiment's shortcuts, which alloc_cat does not
 * take): without -DSPANS nobody else may call memory.grow (the top must
 * stay contiguous); a memory of the full 4 GiB overflows the end computed
 * from memory.size; __heap_base must be 16-aligned (wasm-ld's default); no
 * errno, heap walk, statistics beyond the counters, or checks of the
 * pointers passed in.
 */
#include <stddef.h>
#include <stdint.h>

void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void *aligned_alloc(size_t alignment, size_t size);

#define INUSE 1u
#define PFREE 2u
#define FLAGS 15u

typedef unsigned char u8;
extern u8 __heap_base;

#define H(c) (*(uint32_t *)(void *)(c))  /* header (or footer) word */
#define NX(c) (*(u8 **)(void *)((c) + 4)) /* next free chunk in the bin */
#define PV(c) (*(u8 **)(void *)((c) + 8)) /* previous (or pseudo chunk) */
#define SZ(c) (H(c) & ~FLAGS)
#define REQ(n) (((n) + 19u) & ~(size_t)15) /* chunk size for n payload bytes */

#ifdef COUNTERS
/* -DCOUNTERS: an in-use header holds the request (as alloc_cat's): n << 2,
 * PFREE, INUSE; the chunk's size is REQ(n). A free chunk's header is its
 * size, as before. The counters are alloc_cat's (src/heap.c, ac__count). */
#define MAXREQ (((size_t)1 << 30) - 32u) /* n << 2 fits the header */
#define USED(n, size) ((uint32_t)(n) << 2 | INUSE)
#define USED_SZ(h) REQ((size_t)((h) >> 2))
#define USED_AS(n, size, h) ((uint32_t)(n) << 2 | ((h) & (INUSE | PFREE))) /* flags of h kept */
#if defined(__OPTIMIZE_SIZE__) && !defined(INLINE_COUNT) /* -DINLINE_COUNT: inlined at -Oz too */
#define COUNT_INLINE __attribute__((noinline))
#else
#define COUNT_INLINE __attribute__((always_inline)) inline
#endif
struct ob_counters {
    size_t in_use, peak, trip_peak;
    uint64_t allocs, frees;
    size_t heap_bytes;
};
extern struct ob_counters ob_count;
struct ob_counters ob_count;
const struct ob_counters *ob_stats(void);
void ob_stats_reset_trip(void);
/* In-use bytes change by delta (wrapped below zero for a decrease), calls
 * (allocs or frees; NULL for a resize) counts one more; the trip's peak is
 * kept here, the all-time one folded in when read (as alloc_cat). */
COUNT_INLINE static void count(size_t delta, uint64_t *calls) {
    if (calls) ++*calls;
    size_t u = ob_count.in_use + delta;
    ob_count.in_use = u;
    if (u > ob_count.trip_peak) ob_count.trip_peak = u;
}
static void release(u8 *c, size_t cs);
#define RELEASE(c, cs) release(c, cs) /* uncounted free of a chunk of cs bytes */
#define COUNT_RESIZE() count(n - (size_t)(h >> 2), NULL)
#define COUNT_HEAP(x) (ob_count.heap_bytes += (x))
#else
#define MAXREQ ((size_t)1 << 30)
#define USED(n, size) ((uint32_t)(size) | INUSE)
#define USED_SZ(h) ((h) & ~FLAGS)
#define USED_AS(n, size, h) ((uint32_t)(size) | ((h) & FLAGS))
#define RELEASE(c, cs) free((c) + 4)
#define COUNT_RESIZE() ((void)0)
#define COUNT_HEAP(x) ((void)0)
#endif

static u8 *heads[64];
static uint64_t bits;
/* The victim (dlmalloc's "designated victim"): a free chunk on no list,
 * cut from its front by requests that miss their own bin, and grown by the
 * frees next to it. Its links point at nodv (a zero chunk, the victim when
 * there is none) so that unlinking it writes only nodv's own next. */
#ifndef SMALLDV
#define SMALLDV 16u /* requests of bins below this use the victim */
#endif
static u8 *nodv[3];
static u8 *dv = (u8 *)nodv;
#define DVOFF(c) if ((c) == dv) dv = (u8 *)nodv
#ifdef SPANS
/* -DSPANS: [top, end) is the unused tail of the current span, end the end
 * of the heap's own memory (not memory.size: others may grow it too). Both
 * are 0 until the first growth, which takes the memory from __heap_base. */
static u8 *top, *end;
static u8 started;
#else
static u8 *top = &__heap_base + 12; /* __heap_base is 16-aligned */
#endif

/* bin of a chunk of s bytes */
#define BIN(s) bin_of((uint32_t)(s) >> 4)
static inline unsigned bin_of(uint32_t u) {
    if (u < 16u) return u;
    unsigned lg = 31u - (unsigned)__builtin_clz(u);
    return lg * 2u + ((u >> (lg - 1u)) & 1u) + 8u;
}

#define UNLINK(c)                                                                                  \
    do {                                                                                           \
        u8 *n_ = NX(c), *p_ = PV(c);                                                               \
        NX(p_) = n_;                                                                               \
        if (n_) PV(n_) = p_;                                                                       \
    } while (0)

#ifdef SPANS
/* Makes room for size bytes at the top (and the word after them, for a
 * fence), growing memory by the pages needed, and returns the top then: a
 * new span's when the growth was not contiguous, in which case the current
 * span is closed (its tail a free chunk, its last word a fence: a header in
 * use that is never freed). NULL if memory cannot grow. */
static u8 *top_room(size_t size) {
    for (;;) {
        u8 *c = top;
        size_t room = (size_t)((uintptr_t)end - (uintptr_t)c);
        if (size < room) return c; /* top is 12 mod 16, end 0 mod 16: 4 bytes stay */
        /* the first growth is by no pages: the memory from __heap_base */
        size_t pages = started ? (size - room + 0xffffu) >> 16 : 0;
        size_t old = __builtin_wasm_memory_grow(0, pages);
        if (old == (size_t)-1) return NULL;
        u8 *m = started ? (u8 *)(old << 16) : &__heap_base;
        u8 *e = (u8 *)((old + pages) << 16);
        started = 1;
        COUNT_HEAP((size_t)(e - m));
        if (m == e) continue; /* no memory after __heap_base */
        if (m != end) {
            if (end) {
                u8 *f = end - 4;
                H(f) = INUSE; /* the fence */
                size_t rest = (size_t)(f - c);
                if (rest) {
                    H(c) = (uint32_t)rest | INUSE; /* what comes before is in use */
                    RELEASE(c, rest);
                }
            }
            top = m + 12; /* m is 16-aligned */
        }
        end = e;
    }
}

/* Takes size bytes at the top for a request of n; NULL if it cannot. */
static u8 *take_top(size_t size, size_t n) {
    (void)n;
    u8 *c = top_room(size);
    if (c) {
        top = c + size;
        H(c) = USED(n, size);
    }
    return c;
}
#else
/* Takes size bytes at the top (growing memory as needed); NULL if it cannot. */
static u8 *take_top(size_t size, size_t n) {
    (void)n;
    u8 *c = top;
    size_t room = ((size_t)__builtin_wasm_memory_size(0) << 16) - (size_t)c;
    if (size > room && __builtin_wasm_memory_grow(0, (size - room + 0xffffu) >> 16) == (size_t)-1)
        return NULL;
    top = c + size;
    H(c) = USED(n, size);
    return c;
}
#endif

#ifdef COUNTERS
/* malloc's chunk, uncounted (aligned_alloc counts its own) */
static u8 *alloc_chunk(size_t n)
#define RET(c) return (c)
#else
void *malloc(size_t n)
#define RET(c) return (c) + 4
#endif
{
    if (n > MAXREQ) return NULL;
    size_t size = REQ(n);
    unsigned b = BIN(size);
#ifdef BEST
    /* the smallest chunk that fits among the first BEST of the bin */
    u8 *c = NULL;
    unsigned k = BEST;
    for (u8 *x = heads[b]; x && k; x = NX(x), k--) {
        if (H(x) >= size && (!c || H(x) < H(c))) c = x;
    }
#else
    u8 *c = heads[b];
    while (c && H(c) < size) {
        c = NX(c);
    }
#endif
    size_t cs, rest;
    if (c) {
        UNLINK(c);
    } else {
        unsigned small = b < SMALLDV;
        if (!small || H(dv) < size) {
            b++;
            for (;;) {
                uint64_t m = bits >> b << b;
                if (!m) {
                    c = take_top(size, n);
#ifdef COUNTERS
                    return c;
#else
                    return c ? c + 4 : NULL;
#endif
                }
                b = (unsigned)__builtin_ctzll(m);
                c = heads[b];
                if (c) break;
                bits &= ~((uint64_t)1 << b);
            }
            UNLINK(c);
            if (!small) goto split;
            u8 *old = dv;
            dv = c;
            if (old != (u8 *)nodv) RELEASE(old, H(old));
        }
        c = dv;
        cs = H(c);
        rest = cs - size;
        if (rest >= 16u) {
            u8 *d = c + size;
            H(d) = (uint32_t)rest;
            H(d + rest - 4) = (uint32_t)rest;
            NX(d) = NULL;
            PV(d) = (u8 *)nodv;
            dv = d;
            H(c) = USED(n, size);
            RET(c);
        }
        dv = (u8 *)nodv;
    }
split:
    cs = H(c);
    rest = cs - size;
    H(c + cs) &= ~PFREE;
    if (rest >= 16u) {
        H(c) = USED(n, size);
        H(c + size) = (uint32_t)rest | INUSE;
        RELEASE(c + size, rest);
    } else {
        H(c) = USED(n, cs);
    }
    RET(c);
}
#undef RET

#ifdef COUNTERS
void *malloc(size_t n) {
    u8 *c = alloc_chunk(n);
    if (!c) return NULL;
    count(n, &ob_count.allocs);
    return c + 4;
}

void free(void *p) {
    if (!p) return;
    u8 *c = (u8 *)p - 4;
    uint32_t h = H(c);
    count(0 - (size_t)(h >> 2), &ob_count.frees);
    release(c, USED_SZ(h));
}

/* Frees the chunk of cs bytes at c (its header's PFREE tells whether the
 * chunk before is free); uncounted. */
static void release(u8 *c, size_t cs) {
    uint32_t h = H(c);
#else
void free(void *p) {
    if (!p) return;
    u8 *c = (u8 *)p - 4;
    uint32_t h = H(c);
    size_t cs = h & ~FLAGS;
#endif
    u8 *nx = c + cs;
    if (h & PFREE) {
        size_t ps = H(c - 4);
        c -= ps;
        cs += ps;
        UNLINK(c);
    }
    if (nx == top) {
        DVOFF(c);
        top = c;
        return;
    }
    uint32_t nh = H(nx);
    if (!(nh & INUSE)) {
        UNLINK(nx);
        cs += nh;
        if (nx == dv) dv = c;
    } else {
        H(nx) = nh | PFREE;
    }
    H(c) = (uint32_t)cs;
    H(c + cs - 4) = (uint32_t)cs;
    if (c == dv) {
        NX(c) = NULL;
        PV(c) = (u8 *)nodv;
        return;
    }
    unsigned b = BIN(cs);
    u8 *first = heads[b];
    NX(c) = first;
    PV(c) = (u8 *)&heads[b] - 4;
    if (first) PV(first) = c;
    heads[b] = c;
    bits |= (uint64_t)1 << b;
}

void *calloc(size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) return NULL;
    void *p = malloc(bytes);
    if (p) __builtin_memset(p, 0, bytes);
    return p;
}

void *realloc(void *p, size_t n) {
    if (!p) return malloc(n);
    if (n > MAXREQ) return NULL;
    size_t size = REQ(n);
    u8 *c = (u8 *)p - 4;
    uint32_t h = H(c);
    size_t cs = USED_SZ(h);
    u8 *nx = c + cs;
    if (size > cs) {
        if (nx == top) {
#ifdef SPANS
            /* grows at the top unless a new span began (then it moves) */
            if (top_room(size - cs) == nx) {
                top = c + size;
                cs = size;
                goto split;
            }
#else
            top = c;
            if (take_top(size, n)) {
                H(c) |= h & PFREE;
                COUNT_RESIZE();
                return p;
            }
            top = nx;
#endif
        }
#ifndef NOGROWNEXT
        else if (!(H(nx) & INUSE) && cs + H(nx) >= size) {
            uint32_t nh = H(nx);
            UNLINK(nx);
            DVOFF(nx);
            cs += nh;
            H(c + cs) &= ~PFREE;
            goto split;
        }
#endif
        void *q = malloc(n);
        if (q) {
            __builtin_memcpy(q, p, cs - 4);
            free(p);
        }
        return q;
    }
#if !defined(NOGROWNEXT) || defined(SPANS)
split:
#endif
    if (cs - size >= 16u) {
        H(c) = USED_AS(n, size, h);
        H(c + size) = (uint32_t)(cs - size) | INUSE;
        RELEASE(c + size, cs - size);
    } else {
        H(c) = USED_AS(n, cs, h);
    }
    COUNT_RESIZE();
    return p;
}

void *aligned_alloc(size_t al, size_t n) {
    if (al & (al - 1u)) return NULL;
    if (al <= 16u) return malloc(n);
    if (n > MAXREQ || al > MAXREQ) return NULL;
#ifdef COUNTERS
    u8 *p = alloc_chunk(n + al - 16u);
    if (!p) return NULL;
    p += 4;
#else
    u8 *p = malloc(n + al - 16u);
    if (!p) return NULL;
#endif
    u8 *q = p + ((0u - (uintptr_t)p) & (al - 1u));
    if (q != p) {
        u8 *c = p - 4;
        uint32_t h = H(c);
        size_t gap = (size_t)(q - p), cs = USED_SZ(h);
        H(q - 4) = USED(cs - gap - 4u, cs - gap);
#ifndef COUNTERS
        H(c) = (uint32_t)gap | (h & FLAGS);
#endif
        RELEASE(c, gap);
    }
#ifdef COUNTERS
    /* the block joins the count with what its header asks for; realloc
     * then counts the shrink to n (and the peak, on the net n) */
    ob_count.in_use += H(q - 4) >> 2;
    ob_count.allocs++;
#endif
    return realloc(q, n);
}

#ifdef COUNTERS
/* The counters, with the all-time peak folded in (for tests; not part of
 * the measured code: the size probe exports only the malloc family). */
const struct ob_counters *ob_stats(void) {
    if (ob_count.trip_peak > ob_count.peak) ob_count.peak = ob_count.trip_peak;
#ifndef SPANS
    /* without spans the heap owns all growth: everything from __heap_base */
    ob_count.heap_bytes = ((size_t)__builtin_wasm_memory_size(0) << 16) - (size_t)&__heap_base;
#endif
    return &ob_count;
}

void ob_stats_reset_trip(void) {
    if (ob_count.trip_peak > ob_count.peak) ob_count.peak = ob_count.trip_peak;
    ob_count.trip_peak = ob_count.in_use;
}
#endif
