/*
 * soak_model.c - long random runs of the heap against a shadow model, one
 * seed after another (native only).
 *
 *   soak_model [SEEDS [FIRST_SEED [OPS]]]
 *
 * defaults: 24 seeds from seed 1, 6000 operations each (about a
 * minute's worth of work spread over gcc and ASan in make test); `make soak`
 * runs many more. Every seed is printed with what it did, so a failure can
 * be replayed alone: soak_model 1 SEED OPS.
 *
 * Each seed picks a heap (a test backend handing out pages of a static
 * arena up to a page limit, from 1 page to 128; sometimes with gaps that
 * make growth non-contiguous, sometimes refusing to grow) and a size mix
 * (small, medium, large up to 600 KB: both the bins and page growth). The
 * run is a series of cycles: allocate (malloc, calloc, aligned_alloc, the
 * layout API, growing reallocs) until the heap says no, then release a
 * random share of the blocks - now and then all of them - and go on.
 *
 * Checked after every operation: ac_heap_check() (and after each release
 * ac_heap_check_freed(): in checked builds, no freed byte changed);
 * in_use_bytes, live blocks, allocs, frees and heap_bytes exactly against
 * the model; every block aligned, inside the arena, overlapping no other
 * (checked against its neighbours in address order); contents (a pattern
 * per block) on free, after realloc and at the end of each cycle. When a
 * request fails: it was not too large, the backend did refuse to grow, and
 * neither the top nor the largest free block could have served it. When
 * everything is freed: the heap merged it all (no free block in the current
 * span, at most one in each closed span) and, with contiguous growth, a
 * single block of nearly all the memory the heap holds can be had again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena_grant.h"

#define PAGE        AC_PAGE_BYTES
#define ARENA_PAGES 128u
#define MAX_BLOCKS  4096u
#define SLACK_BYTES 64u /* a block's overhead, generously: header, rounding */

static _Alignas(65536) unsigned char arena[ARENA_PAGES * PAGE];

/* ---- the test backend ------------------------------------------------------------- */

typedef struct soak_backend {
    ac__backend b;
    size_t limit_pages, used_pages;
    unsigned gap_per_mille;  /* chance that a growth skips a page first */
    unsigned fail_per_mille; /* chance that a growth is refused although possible */
    uint64_t rng;
    size_t granted_bytes;
    unsigned grows, refusals;
} soak_backend;

static soak_backend sb;

static uint64_t rnd(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static size_t below(uint64_t *s, size_t n) { return n ? (size_t)(rnd(s) % n) : 0; }

static char *soak_grow(ac__backend *self, size_t pages) {
    soak_backend *t = (soak_backend *)(void *)self;
    size_t gap = below(&t->rng, 1000) < t->gap_per_mille;
    char *m = below(&t->rng, 1000) < t->fail_per_mille
                  ? NULL
                  : arena_grant(&t->b, arena, &t->used_pages, t->limit_pages, gap, pages);
    if (!m) {
        t->refusals++;
        return NULL;
    }
    t->granted_bytes += pages * PAGE;
    t->grows++;
    return m;
}

/* ---- the model ------------------------------------------------------------------------ */

typedef struct block {
    unsigned char *p;
    size_t size, align; /* align: the guarantee (16 or what was asked) */
    uint32_t id;
    bool layout; /* from ac_alloc: freed with ac_dealloc */
} block;

static block live[MAX_BLOCKS];
static size_t nlive, in_use;
static uint64_t allocs, frees;
static uint32_t next_id;

static unsigned char pattern(uint32_t id, size_t i) {
    uint32_t x = id * 0x9e3779b1u ^ (uint32_t)(i / 4) * 0x85ebca6bu;
    return (unsigned char)((x ^ x >> 15) >> (8 * (i % 4)));
}

static void fill(const block *b) {
    for (size_t i = 0; i < b->size; i++) b->p[i] = pattern(b->id, i);
}

static bool intact(const block *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (b->p[i] != pattern(b->id, i)) return false;
    return true;
}

/* ---- failure reports ------------------------------------------------------------------- */

static uint64_t cur_seed;
static size_t cur_op;

#define S_CHECK(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("\n    seed %llu, op %zu: check failed at soak_model.c:%d: %s\n",               \
                   (unsigned long long)cur_seed, cur_op, __LINE__, #cond);                         \
            return false;                                                                          \
        }                                                                                          \
    } while (0)

static bool stats_agree(void) {
    ac_stats_t s;
    ac_stats_get(&s);
    S_CHECK(s.in_use_bytes == in_use);
    S_CHECK(s.live_blocks == nlive);
    S_CHECK(s.allocs == allocs);
    S_CHECK(s.frees == frees);
    S_CHECK(s.heap_bytes == sb.granted_bytes);
    S_CHECK(s.heap_bytes <= sb.limit_pages * PAGE);
    S_CHECK(s.peak_bytes >= in_use);
    return true;
}

/* A new or moved block at index i: aligned, inside the arena, no overlap. */
static bool placed_well(size_t i) {
    const block *b = &live[i];
    size_t span = b->size ? b->size : 1;
    S_CHECK((uintptr_t)b->p % b->align == 0);
    S_CHECK(b->p >= arena && b->p + span <= arena + sizeof arena);
    S_CHECK(ac_malloc_usable_size(b->p) >= b->size);
    for (size_t j = 0; j < nlive; j++) {
        if (j == i) continue;
        const block *o = &live[j];
        S_CHECK(b->p + span <= o->p || o->p + (o->size ? o->size : 1) <= b->p);
    }
    return true;
}

/* ---- operations --------------------------------------------------------------------------- */

typedef struct profile {
    unsigned small, medium, large; /* per mille; the rest is huge */
} profile;

static size_t pick_size(uint64_t *rng, const profile *pr) {
    size_t k = below(rng, 1000);
    if (k < pr->small) return below(rng, 65);
    if (k < pr->small + pr->medium) return below(rng, 4097);
    if (k < pr->small + pr->medium + pr->large) return below(rng, 65537);
    return 65536 + below(rng, 600000 - 65536);
}

/* After a failed request for `size` bytes (`align` 0: not aligned). */
static bool failure_justified(size_t size, size_t align, unsigned refusals_before) {
    S_CHECK(size <= AC_MAX_REQUEST_BYTES);
    S_CHECK(sb.refusals > refusals_before); /* it did try to grow and was refused */
    ac_heap_info_t info;
    ac_heap_info(&info);
    size_t need = size + align + SLACK_BYTES;
    S_CHECK(info.top_bytes < need);
    /* a free block twice the size is in a higher size class: always found */
    if (!align) S_CHECK(info.largest_free_bytes < 2 * need);
    return true;
}

static bool do_alloc(uint64_t *rng, const profile *pr, bool *oom) {
    size_t size = pick_size(rng, pr), align = AC_MALLOC_ALIGN, kind = below(rng, 100);
    bool layout = false;
    unsigned refusals = sb.refusals;
    unsigned char *p;
    if (kind < 70) {
        p = ac_malloc(size);
    } else if (kind < 78) {
        size_t count = 1 + below(rng, 8);
        size /= count;
        p = ac_calloc(count, size);
        size *= count;
        for (size_t i = 0; p && i < size; i++) S_CHECK(p[i] == 0);
    } else if (kind < 90) {
        align = (size_t)1 << below(rng, 17);
        p = ac_aligned_alloc(align, size);
    } else {
        align = (size_t)1 << below(rng, 13);
        layout = true;
        p = ac_alloc(size, align);
    }
    if (align < AC_MALLOC_ALIGN) align = AC_MALLOC_ALIGN;
    if (!p) {
        *oom = true;
        return failure_justified(size, align > AC_MALLOC_ALIGN ? align : 0, refusals);
    }
    allocs++;
    in_use += size;
    live[nlive] = (block){p, size, align, ++next_id, layout};
    nlive++;
    if (!placed_well(nlive - 1)) return false;
    fill(&live[nlive - 1]);
    return true;
}

static bool do_free(size_t i) {
    block *b = &live[i];
    S_CHECK(intact(b, b->size));
    if (b->layout)
        ac_dealloc(b->p, b->size, b->align);
    else
        ac_free(b->p);
    frees++;
    in_use -= b->size;
    live[i] = live[--nlive];
    return true;
}

/* Grows (mostly) or shrinks a block, like a vector or a string. */
static bool do_realloc(uint64_t *rng, const profile *pr, size_t i) {
    block *b = &live[i];
    size_t old = b->size;
    size_t size = below(rng, 4) ? old + old / 2 + below(rng, 256) : pick_size(rng, pr);
    if (size > 700000) size = below(rng, 1000);
    unsigned refusals = sb.refusals;
    unsigned char *q = b->layout ? ac_resize(b->p, old, b->align, size) : ac_realloc(b->p, size);
    if (!q) {
        S_CHECK(intact(b, old));
        /* it may have tried to move: the same reasons as a failed malloc */
        return failure_justified(size, b->layout && b->align > AC_MALLOC_ALIGN ? b->align : 0, refusals);
    }
    block moved = *b;
    moved.p = q;
    S_CHECK(intact(&moved, size < old ? size : old));
    if (q != b->p) {
        allocs++;
        frees++;
    }
    in_use = in_use - old + size;
    b->p = q;
    b->size = size;
    if (!b->layout) b->align = AC_MALLOC_ALIGN;
    b->id = ++next_id;
    if (!placed_well(i)) return false;
    fill(b);
    return true;
}

/* Everything freed: all merged, and the memory usable again. */
static bool all_released(bool contiguous) {
    ac_heap_info_t info;
    ac_heap_info(&info);
    S_CHECK(info.used_blocks == 0);
    S_CHECK(info.spans == 0 ? info.free_blocks == 0 : info.free_blocks <= info.spans - 1);
    if (contiguous && info.spans) {
        S_CHECK(info.spans == 1 && info.free_blocks == 0);
        /* the whole heap is the top: one block of nearly all of it */
        ac_stats_t s;
        ac_stats_get(&s);
        S_CHECK(info.top_bytes + SLACK_BYTES >= s.heap_bytes);
        size_t size = info.top_bytes - SLACK_BYTES;
        unsigned char *p = ac_malloc(size);
        S_CHECK(p != NULL);
        memset(p, 0xa5, size);
        ac_free(p);
        allocs++;
        frees++;
    }
    return true;
}

/* ---- one seed ------------------------------------------------------------------------------ */

typedef struct seed_report {
    size_t limit_pages, cycles, ooms, max_live, peak;
    unsigned grows, refusals;
    bool gaps;
} seed_report;

static bool run_seed(uint64_t seed, size_t ops, seed_report *rep) {
    uint64_t rng = seed * 0x2545f4914f6cdd1du + 1;
    static const size_t limits[] = {1, 1, 2, 2, 3, 4, 4, 6, 8, 12, 16, 32, 64, 128};
    size_t limit = limits[below(&rng, sizeof limits / sizeof limits[0])];
    size_t initial = below(&rng, 3) < limit ? below(&rng, 3) : 0;
    if (initial > limit) initial = limit;
    size_t skip = initial ? below(&rng, 64) * 4 : 0;
    unsigned gaps = below(&rng, 4) == 0 ? (unsigned)(100 + below(&rng, 400)) : 0;
    unsigned fails = below(&rng, 4) == 0 ? (unsigned)below(&rng, 100) : 0;
    static const profile profiles[] = {
        {900, 90, 9},    /* small objects */
        {500, 400, 90},  /* mixed */
        {200, 300, 400}, /* large */
        {100, 100, 300}, /* huge: 60% above 64 KiB */
    };
    const profile *pr = &profiles[below(&rng, 4)];

    sb = (soak_backend){{soak_grow, (char *)arena + skip, (char *)arena + initial * PAGE},
                        limit,
                        initial,
                        gaps,
                        fails,
                        rng ^ 0x5bd1e995u,
                        initial * PAGE - skip,
                        0,
                        0};
    if (!initial) {
        sb.b.begin = sb.b.end = (char *)arena;
        sb.granted_bytes = 0;
    }
    ac__heap_reset_locked(&sb.b);
    nlive = in_use = 0;
    allocs = frees = 0;
    next_id = 0;
    *rep = (seed_report){limit, 0, 0, 0, 0, 0, 0, gaps != 0};

    size_t target = 1 + below(&rng, MAX_BLOCKS); /* blocks to aim for in a cycle */
    bool filling = true;
    for (cur_op = 0; cur_op < ops; cur_op++) {
        size_t k = below(&rng, 100);
        if (filling) {
            bool oom = false;
            if (nlive && k < 15) {
                if (!do_realloc(&rng, pr, below(&rng, nlive))) return false;
            } else if (nlive && k < 25) {
                if (!do_free(below(&rng, nlive))) return false;
            } else if (nlive < MAX_BLOCKS) {
                if (!do_alloc(&rng, pr, &oom)) return false;
            }
            if (oom) rep->ooms++;
            if (oom || nlive >= target) filling = false; /* the limit: release */
        } else {
            /* release a share of the blocks (all of them one time in four) */
            size_t keep = below(&rng, 4) == 0 ? 0 : below(&rng, nlive + 1);
            while (nlive > keep)
                if (!do_free(below(&rng, nlive)) || !ac_heap_check()) return false;
            S_CHECK(ac_heap_check_freed());
            if (!nlive && !all_released(!gaps)) return false;
            for (size_t i = 0; i < nlive; i++) S_CHECK(intact(&live[i], live[i].size));
            rep->cycles++;
            filling = true;
            target = 1 + below(&rng, MAX_BLOCKS);
        }
        if (nlive > rep->max_live) rep->max_live = nlive;
        if (in_use > rep->peak) rep->peak = in_use;
        S_CHECK(ac_heap_check());
        if (!stats_agree()) return false;
    }
    while (nlive)
        if (!do_free(nlive - 1)) return false;
    S_CHECK(ac_heap_check());
    if (!stats_agree() || !all_released(!gaps)) return false;
    rep->grows = sb.grows;
    rep->refusals = sb.refusals;
    return true;
}

static unsigned long long arg(int argc, char **argv, int i, const char *env, unsigned long long d) {
    const char *s = i < argc ? argv[i] : getenv(env);
    return s ? strtoull(s, NULL, 0) : d;
}

int main(int argc, char **argv) {
    unsigned long long seeds = arg(argc, argv, 1, "AC_SOAK_SEEDS", 24);
    unsigned long long first = arg(argc, argv, 2, "AC_SOAK_FIRST", 1);
    size_t ops = (size_t)arg(argc, argv, 3, "AC_SOAK_OPS", 6000);
    printf("soak_model: %llu seeds from %llu, %zu operations each (replay one: soak_model 1 SEED %zu)\n",
           seeds, first, ops, ops);
    unsigned passed = 0, failed = 0;
    for (unsigned long long s = first; s < first + seeds; s++) {
        seed_report r;
        cur_seed = s;
        printf("seed %llu ...", s);
        fflush(stdout);
        if (run_seed(s, ops, &r)) {
            passed++;
            printf(" ok: limit %zu pages%s, %zu cycles, %zu out of memory, %zu blocks at most, "
                   "peak %zu bytes, %u grows, %u refused\n",
                   r.limit_pages, r.gaps ? " with gaps" : "", r.cycles, r.ooms, r.max_live, r.peak,
                   r.grows, r.refusals);
        } else {
            failed++;
            printf("    seed %llu FAILED\n", s);
        }
        fflush(stdout);
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
