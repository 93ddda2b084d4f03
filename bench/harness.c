/*
 * harness.c - the allocator benchmark's workloads.
 *
 * One source, two builds:
 *  - wasm32, freestanding (no libc): linked in turn against each allocator
 *    (alloc_cat, dlmalloc, emmalloc, a bump allocator), run by bench/run.mjs
 *    under node. The host provides one import, env.bench_now() (ms, from
 *    performance.now()); the exports below run one workload per instance.
 *  - native (glibc's malloc, the reference): main() runs every workload once
 *    and prints one JSON line per workload.
 *
 * Every workload is deterministic: a seeded PRNG decides each operation and
 * its size, and nothing the allocator returns changes the sequence, so every
 * allocator sees exactly the same calls. A NULL from the allocator ends the
 * workload (status OOM) except in the fill test, where it is the result.
 *
 * With `check` set, every block is filled with a pattern derived from its
 * tag and position when it is allocated (or grown) and verified before it is
 * freed, shrunk or after it moved; alignment and calloc's zeroes are checked
 * too. Without `check`, blocks are not touched (the linked workload still
 * writes its one link word per node): the timing is the allocator's alone.
 */
#ifndef __wasm32__
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __wasm32__
void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void *aligned_alloc(size_t alignment, size_t size);

__attribute__((import_module("env"), import_name("bench_now"))) double bench_now(void);
#define EXPORT(name) __attribute__((export_name(#name)))
#else
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
#define EXPORT(name)
#endif

/* ---- interface ------------------------------------------------------------- */

int bench_count(void);
const char *bench_name(int workload);
int bench_run(int workload, int scale_pct, int check_align_bytes, uint32_t seed);
double bench_result(int field);
uint32_t bench_heap_base(void);

enum status {
    ST_OK = 0,
    ST_OOM = 1,     /* the allocator returned NULL */
    ST_ALIGN = 2,   /* a block was not aligned as promised */
    ST_CORRUPT = 3, /* a block's pattern (or link) changed while it was live */
    ST_DIRTY = 4,   /* calloc returned non-zero bytes */
    ST_ARGS = 5,    /* unknown workload or scale */
    ST_SLOTS = 6,   /* the harness ran out of bookkeeping slots (fill test) */
};

/* Fields of bench_result(). */
enum field {
    F_MS = 0,        /* duration of the timed part, ms */
    F_OPS = 1,       /* allocator calls in the timed part */
    F_PEAK = 2,      /* peak live bytes (bytes asked for, summed over live blocks) */
    F_FAIL_LIVE = 3, /* live bytes when the allocator first returned NULL */
    F_FAIL_SIZE = 4, /* the request that got NULL */
    F_STATUS = 5,
    F_ALL_OPS = 6,    /* allocator calls in the whole workload */
    F_FAIL_BLOCKS = 7, /* live blocks when the allocator first returned NULL */
    F_FRAG_BASE = 8,   /* fill test: live bytes after freeing half of them */
    F_FRAG_LIVE = 9,   /* fill test: live bytes at the NULL of phase 2 */
    F_MOVES = 10       /* reallocs that returned a new address (the block moved) */
};

/* The alignment every malloc, calloc and realloc block is checked for:
 * each allocator's own promise (bench_run's check_align_bytes; alloc_cat,
 * dlmalloc and glibc on 64-bit: 16, emmalloc: 8). */
static size_t min_align = 8u;

/* ---- state ----------------------------------------------------------------- */

typedef struct slot {
    unsigned char *p;
    uint32_t size;
    uint32_t tag;
} slot;

#define MAX_SLOTS 131072u
static slot slots[MAX_SLOTS];
static uint32_t aux[MAX_SLOTS]; /* permutations, per-string targets */

static struct {
    double ms;
    uint64_t ops, timed_ops;
    uint64_t live, peak;
    uint64_t fail_live, fail_size, fail_blocks;
    uint64_t frag_base, frag_live;
    uint64_t moves;
    int status;
} R;

static bool checking;
static uint32_t scale;
static uint64_t rng;
static uint32_t next_tag;
static uint32_t live_blocks;

/* ---- PRNG (xorshift64*) ------------------------------------------------------ */

static uint32_t rnd(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * UINT64_C(0x2545F4914F6CDD1D)) >> 32);
}
static uint32_t below(uint32_t n) { return (uint32_t)(((uint64_t)rnd() * n) >> 32); }
static uint32_t range(uint32_t lo, uint32_t hi) { return lo + below(hi - lo + 1u); }

/* Iteration counts scale with scale_pct (100 = the full benchmark). */
static uint32_t scaled(uint32_t base) {
    uint64_t n = (uint64_t)base * scale / 100u;
    return n ? (uint32_t)n : 1u;
}

/* The realistic mix: mostly small, some KB, rare 32-200 KB. Mean ~1.4 KB. */
static uint32_t size_mix(void) {
    uint32_t r = below(1000);
    if (r < 600) return range(1, 64);
    if (r < 850) return range(65, 512);
    if (r < 950) return range(513, 4096);
    if (r < 998) return range(4097, 32768);
    return range(32769, 204800);
}

/* Small objects only (the cost-growth test): 8..1024 bytes, skewed small. */
static uint32_t size_small(void) {
    uint32_t r = below(100);
    if (r < 60) return range(8, 64);
    if (r < 90) return range(65, 256);
    return range(257, 1024);
}

/* ---- patterns --------------------------------------------------------------- */

static uint32_t pat(uint32_t tag, size_t word) {
    uint32_t x = (tag * 0x9E3779B1u) ^ ((uint32_t)word * 0x85EBCA77u) ^ 0x5bd1e995u;
    return x ^ (x >> 13);
}
static unsigned char pat_byte(uint32_t tag, size_t i) {
    return (unsigned char)(pat(tag, i >> 2) >> (8u * (i & 3u)));
}

/* Bytes [from, to) of a block get the pattern of `tag` (little-endian words,
 * so the word and byte paths agree). Blocks are at least 4-aligned. */
static void fill(unsigned char *p, size_t from, size_t to, uint32_t tag) {
    size_t i = from;
    for (; i < to && (i & 3u); i++) p[i] = pat_byte(tag, i);
    for (; i + 4 <= to; i += 4) *(uint32_t *)(void *)(p + i) = pat(tag, i >> 2);
    for (; i < to; i++) p[i] = pat_byte(tag, i);
}

static bool check(const unsigned char *p, size_t from, size_t to, uint32_t tag) {
    size_t i = from;
    for (; i < to && (i & 3u); i++)
        if (p[i] != pat_byte(tag, i)) return false;
    for (; i + 4 <= to; i += 4)
        if (*(const uint32_t *)(const void *)(p + i) != pat(tag, i >> 2)) return false;
    for (; i < to; i++)
        if (p[i] != pat_byte(tag, i)) return false;
    return true;
}

/* ---- allocator calls -------------------------------------------------------- */

static int fail(int status, size_t size) {
    R.status = status;
    R.fail_live = R.live;
    R.fail_size = size;
    R.fail_blocks = live_blocks;
    return status;
}

/* Books a block just returned by an allocating call. `from`: bytes the
 * allocator already initialized (calloc) and the check covered. */
static int got(slot *s, unsigned char *p, size_t size, size_t align) {
    R.ops++;
    if (!p) return fail(ST_OOM, size);
    if (checking) {
        if ((uintptr_t)p & (align - 1u)) return fail(ST_ALIGN, size);
        fill(p, 0, size, next_tag);
    }
    s->p = p;
    s->size = (uint32_t)size;
    s->tag = next_tag++;
    live_blocks++;
    R.live += size;
    if (R.live > R.peak) R.peak = R.live;
    return ST_OK;
}

static int op_malloc(slot *s, size_t size) {
    return got(s, (unsigned char *)malloc(size), size, min_align);
}

static int op_calloc(slot *s, size_t size) {
    unsigned char *p = (unsigned char *)calloc(1, size);
    if (p && checking)
        for (size_t i = 0; i < size; i++)
            if (p[i]) {
                R.ops++;
                return fail(ST_DIRTY, size);
            }
    return got(s, p, size, min_align);
}

static int op_aligned(slot *s, size_t align, size_t size) {
    return got(s, (unsigned char *)aligned_alloc(align, size), size, align);
}

static int op_free(slot *s) {
    if (checking && !check(s->p, 0, s->size, s->tag)) return fail(ST_CORRUPT, s->size);
    free(s->p);
    R.ops++;
    R.live -= s->size;
    live_blocks--;
    s->p = NULL;
    return ST_OK;
}

static int op_realloc(slot *s, size_t size) {
    size_t old = s->size;
    if (checking && size < old && !check(s->p, size, old, s->tag)) return fail(ST_CORRUPT, old);
    uintptr_t before = (uintptr_t)s->p; /* compared as a number: after a move, s->p is freed */
    unsigned char *p = (unsigned char *)realloc(s->p, size);
    R.ops++;
    if (!p) return fail(ST_OOM, size);
    if ((uintptr_t)p != before) R.moves++;
    if (checking) {
        if ((uintptr_t)p & (min_align - 1u)) return fail(ST_ALIGN, size);
        if (!check(p, 0, old < size ? old : size, s->tag)) return fail(ST_CORRUPT, size);
        if (size > old) fill(p, old, size, s->tag);
    }
    s->p = p;
    s->size = (uint32_t)size;
    R.live = R.live - old + size;
    if (R.live > R.peak) R.peak = R.live;
    return ST_OK;
}

static int free_all(uint32_t n) {
    for (uint32_t i = 0; i < n; i++)
        if (slots[i].p) {
            int st = op_free(&slots[i]);
            if (st) return st;
        }
    return ST_OK;
}

#define TRY(call)                                                                                  \
    do {                                                                                           \
        int st_ = (call);                                                                          \
        if (st_) return st_;                                                                       \
    } while (0)

/* ---- workloads --------------------------------------------------------------- */

/* Random malloc/calloc/free/realloc over 2000 slots with the realistic mix;
 * reallocs go to a fresh size or to 0.5x..2x the old one. */
static int w_random(void) {
    enum { K = 2000 };
    uint32_t n = scaled(150000);
    for (uint32_t i = 0; i < n; i++) {
        slot *s = &slots[below(K)];
        if (!s->p) {
            if (below(16)) TRY(op_malloc(s, size_mix()));
            else TRY(op_calloc(s, size_mix()));
        } else if (below(10) < 6) {
            TRY(op_free(s));
        } else if (below(2)) {
            TRY(op_realloc(s, size_mix()));
        } else {
            uint32_t size = s->size / 2u + 1u + below(s->size + s->size / 2u);
            TRY(op_realloc(s, size < 262144u ? size : 262144u));
        }
    }
    return free_all(K);
}

/* Small-object churn freed LIFO: batches of 1..512 objects of 8..128 bytes,
 * freed in reverse order, among 256 long-lived objects of which one is
 * replaced every eighth batch on average. */
static int w_churn_lifo(void) {
    enum { B = 512, BG = 256 };
    uint32_t n = scaled(400000);
    for (uint32_t j = 0; j < BG; j++) TRY(op_malloc(&slots[B + j], range(8, 128)));
    for (uint32_t done = 0; done < n;) {
        uint32_t b = range(1, B);
        for (uint32_t j = 0; j < b; j++) TRY(op_malloc(&slots[j], range(8, 128)));
        if (below(8) == 0) {
            slot *bg = &slots[B + below(BG)];
            TRY(op_free(bg));
            TRY(op_malloc(bg, range(8, 128)));
        }
        for (uint32_t j = b; j-- > 0;) TRY(op_free(&slots[j]));
        done += b;
    }
    return free_all(B + BG);
}

/* Small-object churn freed FIFO: a queue of 1000 objects of 8..128 bytes;
 * each step frees the oldest and allocates a new one. */
static int w_churn_fifo(void) {
    enum { W = 1000 };
    uint32_t n = scaled(400000);
    for (uint32_t i = 0; i < n; i++) {
        slot *s = &slots[i % W];
        if (s->p) TRY(op_free(s));
        TRY(op_malloc(s, range(8, 128)));
    }
    return free_all(W);
}

/* A linked list of 50 000 nodes of 16..96 bytes (each node's first word
 * points to the previous node), torn down in random order; four times.
 * Below 100% the list is shorter; above, it keeps 50 000 nodes (the slots
 * hold 131 072) and is built and torn down more times. */
#define LINK_BYTES 8u
#define LINK_NODES 50000u
_Static_assert(LINK_NODES <= MAX_SLOTS, "the list fits the slots");
static int w_linked(void) {
    uint32_t n = scale < 100u ? scaled(LINK_NODES) : LINK_NODES, times = scale < 100u ? 4u : scaled(4);
    for (uint32_t t = 0; t < times; t++) {
        void *prev = NULL;
        for (uint32_t i = 0; i < n; i++) {
            TRY(op_malloc(&slots[i], range(16, 96)));
            *(void **)(void *)slots[i].p = prev;
            prev = slots[i].p;
        }
        if (checking) {
            /* walk the list from its head: every link intact, every node's
             * pattern after the link intact */
            void *node = prev;
            for (uint32_t i = n; i-- > 0;) {
                if (node != slots[i].p || !check(slots[i].p, LINK_BYTES, slots[i].size, slots[i].tag))
                    return fail(ST_CORRUPT, slots[i].size);
                node = *(void **)node;
                fill(slots[i].p, 0, LINK_BYTES, slots[i].tag); /* restore for op_free's check */
            }
            if (node) return fail(ST_CORRUPT, 0);
        }
        for (uint32_t i = 0; i < n; i++) aux[i] = i;
        for (uint32_t i = n - 1; i > 0; i--) {
            uint32_t k = below(i + 1), x = aux[i];
            aux[i] = aux[k];
            aux[k] = x;
        }
        for (uint32_t i = 0; i < n; i++) TRY(op_free(&slots[aux[i]]));
    }
    return ST_OK;
}

/* 32 strings grown by doubling from 16 bytes to a target of 256 B..64 KiB
 * (interleaved: each step doubles a random string), then replaced. */
static int w_realloc_double(void) {
    enum { S = 32 };
    uint32_t n = scaled(40000);
    for (uint32_t k = 0; k < S; k++) {
        TRY(op_malloc(&slots[k], 16));
        aux[k] = 256u << below(9);
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = below(S);
        slot *s = &slots[k];
        if (s->size >= aux[k]) {
            TRY(op_free(s));
            TRY(op_malloc(s, 16));
            aux[k] = 256u << below(9);
        } else {
            TRY(op_realloc(s, (size_t)s->size * 2u));
        }
    }
    return free_all(S);
}

/* 16 strings grown by exact-size appends of 1..64 bytes to a target of
 * 1..8 KiB (interleaved), then replaced. */
static int w_realloc_append(void) {
    enum { S = 16 };
    uint32_t n = scaled(100000);
    for (uint32_t k = 0; k < S; k++) {
        TRY(op_malloc(&slots[k], range(1, 64)));
        aux[k] = range(1024, 8192);
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = below(S);
        slot *s = &slots[k];
        if (s->size >= aux[k]) {
            TRY(op_free(s));
            TRY(op_malloc(s, range(1, 64)));
            aux[k] = range(1024, 8192);
        } else {
            TRY(op_realloc(s, s->size + range(1, 64)));
        }
    }
    return free_all(S);
}

/* Sizes within 256 bytes of 32 KiB and 64 KiB: malloc, free and realloc
 * over 24 slots. */
static uint32_t size_straddle(void) {
    uint32_t base = below(2) ? 32768u : 65536u;
    return base - 256u + below(513);
}
static int w_straddle(void) {
    enum { K = 24 };
    uint32_t n = scaled(16000);
    for (uint32_t i = 0; i < n; i++) {
        slot *s = &slots[below(K)];
        if (!s->p) TRY(op_malloc(s, size_straddle()));
        else if (below(4) == 0) TRY(op_realloc(s, size_straddle()));
        else TRY(op_free(s));
    }
    return free_all(K);
}

/* aligned_alloc over 1000 slots: alignments 16 (40%), 32, 64 (20% each),
 * 256 (10%), 1024, 4096 (5% each); sizes multiples of the alignment (as C11
 * requires, and emmalloc checks) up to 2 KiB or one alignment unit. */
static int w_aligned(void) {
    enum { K = 1000 };
    uint32_t n = scaled(100000);
    for (uint32_t i = 0; i < n; i++) {
        slot *s = &slots[below(K)];
        if (s->p) {
            TRY(op_free(s));
            continue;
        }
        uint32_t r = below(20);
        uint32_t align = r < 8 ? 16u : r < 12 ? 32u : r < 16 ? 64u : r < 18 ? 256u : r < 19 ? 1024u : 4096u;
        uint32_t units = 2048u / align;
        TRY(op_aligned(s, align, (size_t)align * range(1, units ? units : 1u)));
    }
    return free_all(K);
}

/* Cost growth: `live` blocks of 8..1024 bytes, shuffled by `live` random
 * replacements (untimed), then 100 000 timed steps of free a random block +
 * malloc a new one. The time per step should not grow with `live`. */
static int w_growth(uint32_t live) {
    for (uint32_t i = 0; i < live; i++) TRY(op_malloc(&slots[i], size_small()));
    for (uint32_t i = 0; i < live; i++) {
        slot *s = &slots[below(live)];
        TRY(op_free(s));
        TRY(op_malloc(s, size_small()));
    }
    uint32_t n = scaled(100000);
    uint64_t ops0 = R.ops;
    double t0 = bench_now();
    for (uint32_t i = 0; i < n; i++) {
        slot *s = &slots[below(live)];
        TRY(op_free(s));
        TRY(op_malloc(s, size_small()));
    }
    R.ms = bench_now() - t0;
    R.timed_ops = R.ops - ops0;
    return free_all(live);
}

/* Fill until NULL, on a module whose memory cannot grow past a fixed size.
 * Phase 1: two thirds malloc (realistic mix), one third free a random live
 * block, until the allocator first returns NULL (fail_* keep the figures).
 * Phase 2 (fragmentation): free a random half of the live blocks, then
 * malloc blocks of 16..64 KiB until NULL: how much of the freed space can
 * be had again in large blocks (frag_live). */
static int w_fill(void) {
    uint32_t n = 0;
    for (;;) {
        if (n == 0 || below(3) < 2) {
            if (n == MAX_SLOTS) return fail(ST_SLOTS, 0);
            int st = op_malloc(&slots[n], size_mix());
            if (st == ST_OOM) break;
            if (st) return st;
            n++;
        } else {
            uint32_t k = below(n);
            TRY(op_free(&slots[k]));
            slots[k] = slots[--n];
            slots[n].p = NULL;
        }
    }
    uint64_t live1 = R.fail_live, size1 = R.fail_size, blocks1 = R.fail_blocks;
    for (uint32_t i = n / 2; i > 0; i--) {
        uint32_t k = below(n);
        TRY(op_free(&slots[k]));
        slots[k] = slots[--n];
        slots[n].p = NULL;
    }
    R.frag_base = R.live;
    for (;;) {
        if (n == MAX_SLOTS) return fail(ST_SLOTS, 0);
        int st = op_malloc(&slots[n], range(16384, 65536));
        if (st == ST_OOM) break;
        if (st) return st;
        n++;
    }
    R.frag_live = R.live;
    /* what is still live (phase 1's survivors and phase 2's blocks) holds
     * what was written into it */
    if (checking)
        for (uint32_t i = 0; i < n; i++)
            if (!check(slots[i].p, 0, slots[i].size, slots[i].tag)) return fail(ST_CORRUPT, slots[i].size);
    R.fail_live = live1;
    R.fail_size = size1;
    R.fail_blocks = blocks1;
    R.status = ST_OK; /* NULL is the expected end here */
    return ST_OK;
}

static int w_growth_1k(void) { return w_growth(1000); }
static int w_growth_10k(void) { return w_growth(10000); }
#define GROWTH_100K_LIVE 100000u
_Static_assert(GROWTH_100K_LIVE <= MAX_SLOTS, "growth-100k's blocks fit the slots");
static int w_growth_100k(void) { return w_growth(GROWTH_100K_LIVE); }

typedef struct workload_t {
    const char *name;
    int (*run)(void);
    bool self_timed; /* times its own steady state (setup excluded) */
} workload_t;

static const workload_t workloads[] = {
    {"random", w_random, false},
    {"churn-lifo", w_churn_lifo, false},
    {"churn-fifo", w_churn_fifo, false},
    {"linked", w_linked, false},
    {"realloc-double", w_realloc_double, false},
    {"realloc-append", w_realloc_append, false},
    {"straddle-32k-64k", w_straddle, false},
    {"aligned", w_aligned, false},
    {"growth-1k", w_growth_1k, true},
    {"growth-10k", w_growth_10k, true},
    {"growth-100k", w_growth_100k, true},
    {"fill", w_fill, false},
};
#define WORKLOADS ((int)(sizeof workloads / sizeof workloads[0]))

/* ---- exports ------------------------------------------------------------------ */

EXPORT(bench_count) int bench_count(void) { return WORKLOADS; }

EXPORT(bench_name) const char *bench_name(int workload) {
    return workload >= 0 && workload < WORKLOADS ? workloads[workload].name : "";
}

/* Runs one workload; returns its status (0 = ok). check_align_bytes 0 runs
 * it timed, without checks; else every block's bytes are filled and checked
 * and every malloc, calloc and realloc block must be aligned to it (a power
 * of two, 8 at least: the allocator's promise). In the wasm build each
 * instance runs one workload (a fresh heap); natively they run in turn. */
EXPORT(bench_run) int bench_run(int workload, int scale_pct, int check_align_bytes, uint32_t seed) {
    R.ms = 0;
    R.ops = R.timed_ops = R.live = R.peak = R.moves = 0;
    R.fail_live = R.fail_size = R.fail_blocks = R.frag_base = R.frag_live = 0;
    R.status = ST_OK;
    live_blocks = 0;
    if (workload < 0 || workload >= WORKLOADS || scale_pct <= 0 || check_align_bytes < 0 ||
        (check_align_bytes && (check_align_bytes < 8 || (check_align_bytes & (check_align_bytes - 1)))))
        return R.status = ST_ARGS;
    for (uint32_t i = 0; i < MAX_SLOTS; i++) slots[i].p = NULL;
    checking = check_align_bytes != 0;
    if (checking) min_align = (size_t)check_align_bytes;
    scale = (uint32_t)scale_pct;
    rng = UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)seed << 32) ^ (uint64_t)(uint32_t)(workload + 1) * UINT64_C(0xBF58476D1CE4E5B9);
    if (!rng) rng = 1;
    next_tag = 1;
    const workload_t *w = &workloads[workload];
    double t0 = bench_now();
    int st = w->run();
    if (!w->self_timed) {
        R.ms = bench_now() - t0;
        R.timed_ops = R.ops;
    }
    if (st) R.status = st;
    return R.status;
}

EXPORT(bench_result) double bench_result(int field) {
    switch (field) {
    case F_MS: return R.ms;
    case F_OPS: return (double)R.timed_ops;
    case F_PEAK: return (double)R.peak;
    case F_FAIL_LIVE: return (double)R.fail_live;
    case F_FAIL_SIZE: return (double)R.fail_size;
    case F_STATUS: return R.status;
    case F_ALL_OPS: return (double)R.ops;
    case F_FAIL_BLOCKS: return (double)R.fail_blocks;
    case F_FRAG_BASE: return (double)R.frag_base;
    case F_FRAG_LIVE: return (double)R.frag_live;
    case F_MOVES: return (double)R.moves;
    default: return -1;
    }
}

#ifdef __wasm32__
extern unsigned char __heap_base;
EXPORT(bench_heap_base) uint32_t bench_heap_base(void) { return (uint32_t)(uintptr_t)&__heap_base; }
#else
uint32_t bench_heap_base(void) { return 0; }

/* Native reference: bench_native [--check] [--scale PCT] [--seed N]
 * Runs every workload but the fill test (glibc's heap has no fixed size)
 * and prints one JSON line each. Exit status 1 if any failed. --check
 * checks blocks for max_align_t's alignment, which glibc's malloc keeps. */
int main(int argc, char **argv) {
    int scale_pct = 100, check_align_bytes = 0;
    uint32_t seed = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--check")) check_align_bytes = (int)_Alignof(max_align_t);
        else if (!strcmp(argv[i], "--scale") && i + 1 < argc) scale_pct = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = (uint32_t)strtoul(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "usage: %s [--check] [--scale PCT] [--seed N]\n", argv[0]);
            return 2;
        }
    }
    int failed = 0;
    for (int w = 0; w < WORKLOADS; w++) {
        if (workloads[w].run == w_fill) continue;
        int st = bench_run(w, scale_pct, check_align_bytes, seed);
        failed |= st != 0;
        printf("{\"name\":\"%s\",\"status\":%d,\"ms\":%.6f,\"ops\":%.0f,\"all_ops\":%.0f,\"peak\":%.0f}\n",
               workloads[w].name, st, bench_result(F_MS), bench_result(F_OPS), bench_result(F_ALL_OPS),
               bench_result(F_PEAK));
        fflush(stdout);
    }
    return failed;
}
#endif
