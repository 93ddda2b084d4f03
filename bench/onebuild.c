/*
 * onebuild.c - an experiment for issue 8, not alloc_cat: how small and how
 * fast the design the issue describes is when its code size and its speed
 * come from one build. `make bench-onebuild` builds it with -Oz and -O2
 * (each object used for both the size probe and the timed module) and times
 * it beside alloc_cat and dlmalloc; bench/LIMITS.md has the figures. The
 * benchmark's smoke test runs the -Oz build checked, so that it stays right.
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
 * What it leaves out (an experiment's shortcuts, which alloc_cat does not
 * take): nobody else may call memory.grow (the top must stay contiguous);
 * a memory of the full 4 GiB overflows the end computed from memory.size;
 * __heap_base must be 16-aligned (wasm-ld's default); no errno, counters,
 * statistics, heap walk or checks of the pointers passed in.
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
#define MAXREQ ((size_t)1 << 30)

typedef unsigned char u8;
extern u8 __heap_base;

#define H(c) (*(uint32_t *)(void *)(c))  /* header (or footer) word */
#define NX(c) (*(u8 **)(void *)((c) + 4)) /* next free chunk in the bin */
#define PV(c) (*(u8 **)(void *)((c) + 8)) /* previous (or pseudo chunk) */
#define SZ(c) (H(c) & ~FLAGS)
#define REQ(n) (((n) + 19u) & ~(size_t)15) /* chunk size for n payload bytes */

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
static u8 *top = &__heap_base + 12; /* __heap_base is 16-aligned */

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

/* Takes size bytes at the top (growing memory as needed); NULL if it cannot. */
static u8 *take_top(size_t size) {
    u8 *c = top;
    size_t room = ((size_t)__builtin_wasm_memory_size(0) << 16) - (size_t)c;
    if (size > room && __builtin_wasm_memory_grow(0, (size - room + 0xffffu) >> 16) == (size_t)-1)
        return NULL;
    top = c + size;
    H(c) = (uint32_t)size | INUSE;
    return c;
}

void *malloc(size_t n) {
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
                    c = take_top(size);
                    return c ? c + 4 : NULL;
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
            if (old != (u8 *)nodv) free(old + 4);
        } else {
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
            H(c) = (uint32_t)size | INUSE;
            return c + 4;
        }
        dv = (u8 *)nodv;
    }
split:
    cs = H(c);
    rest = cs - size;
    H(c + cs) &= ~PFREE;
    if (rest >= 16u) {
        H(c) = (uint32_t)size | INUSE;
        H(c + size) = (uint32_t)rest | INUSE;
        free(c + size + 4);
    } else {
        H(c) = (uint32_t)cs | INUSE;
    }
    return c + 4;
}

void free(void *p) {
    if (!p) return;
    u8 *c = (u8 *)p - 4;
    uint32_t h = H(c);
    size_t cs = h & ~FLAGS;
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
    size_t cs = h & ~FLAGS;
    u8 *nx = c + cs;
    if (size > cs) {
        if (nx == top) {
            top = c;
            if (take_top(size)) {
                H(c) |= h & PFREE;
                return p;
            }
            top = nx;
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
#ifndef NOGROWNEXT
split:
#endif
    if (cs - size >= 16u) {
        H(c) = (uint32_t)size | (h & FLAGS);
        H(c + size) = (uint32_t)(cs - size) | INUSE;
        free(c + size + 4);
    } else {
        H(c) = (uint32_t)cs | (h & FLAGS);
    }
    return p;
}

void *aligned_alloc(size_t al, size_t n) {
    if (al & (al - 1u)) return NULL;
    if (al <= 16u) return malloc(n);
    if (n > MAXREQ || al > MAXREQ) return NULL;
    u8 *p = malloc(n + al - 16u);
    if (!p) return NULL;
    u8 *q = p + ((0u - (uintptr_t)p) & (al - 1u));
    if (q != p) {
        u8 *c = p - 4;
        uint32_t h = H(c);
        size_t gap = (size_t)(q - p);
        H(q - 4) = (uint32_t)((h & ~FLAGS) - gap) | INUSE;
        H(c) = (uint32_t)gap | (h & FLAGS);
        free(p);
    }
    return realloc(q, n);
}
