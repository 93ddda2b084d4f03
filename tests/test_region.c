/*
 * test_region.c - the region allocator: the seed's eight tests with the
 * seed's numbers, the corners where the seed is wrong, input validation, and
 * a seeded random test against a shadow model.
 */
#include "alloc_cat.h"
#include "harness.h"
#include "suites.h"

#define MEM_WORDS 128

/* Word offset from the head link to the first block: the value the packed
 * head holds when the first block after the header is the first fragment.
 * x86_64: header 32 bytes, head at byte 24 -> 2 (the seed's number);
 * wasm32: header 16 bytes, head at byte 12 -> 1. */
#define HEAD_TO_BEGIN ((uint32_t)((sizeof(ac_region) - offsetof(ac_region, head)) / 4))

static _Alignas(64) uint32_t mem[MEM_WORDS];
/* 4 MiB plus slack: a 2 MiB region anywhere in it relative to a 2 MiB
 * boundary, for the limits; 64 KiB aligned so layouts are fixed (a static
 * alignment of 2 MiB is not kept everywhere: valgrind's loader keeps 4 KiB). */
static _Alignas(65536) uint32_t big[(2 * AC_REGION_MAX_SPAN_BYTES + 64) / 4];

static uint32_t *word_at(void *base, size_t words) { return (uint32_t *)base + words; }

static ac_region *fresh(void) { return ac_region_init(mem, mem + MEM_WORDS); }

/* ---- the seed's tests ---------------------------------------------------- */

static void setup(void) {
#if defined(__x86_64__)
    T_EQ(sizeof(ac_region), 32);
    T_EQ(offsetof(ac_region, head), 24);
    T_EQ(HEAD_TO_BEGIN, 2);
#elif defined(__wasm32__)
    T_EQ(sizeof(ac_region), 16);
    T_EQ(offsetof(ac_region, head), 12);
    T_EQ(HEAD_TO_BEGIN, 1);
#endif
    ac_region *r = fresh();
    T_PTR(r, mem);
    T_PTR(ac_region_next(r), NULL);
    T_PTR(ac_region_end(r), (char *)mem + MEM_WORDS * sizeof(uint32_t));
    T_PTR(ac_region_bump(r), (char *)mem + sizeof(ac_region));
    T_PTR(ac_region_begin(r), ac_region_bump(r));
    T_EQ(ac_region_head_link(r), 0);
    T_ASSERT(ac_region_check(r));
}

static void alloc_dealloc_restores_state(void) {
    ac_region *r = fresh();
    void *start = ac_region_bump(r);

    T_PTR(ac_region_alloc(r, 3, 0), start);
    T_PTR(ac_region_bump(r), word_at(start, 3));
    T_EQ(ac_region_head_link(r), 0);

    T_ASSERT(ac_region_free(r, start, 3));
    T_PTR(ac_region_bump(r), start);
    T_EQ(ac_region_head_link(r), 0);
    T_ASSERT(ac_region_check(r));
}

static void alloc_dealloc_realloc(void) {
    ac_region *r = fresh();
    void *start = ac_region_bump(r);

    T_PTR(ac_region_alloc(r, 3, 0), start);
    T_PTR(ac_region_bump(r), word_at(start, 3));
    T_EQ(ac_region_head_link(r), 0);

    T_PTR(ac_region_alloc(r, 3, 0), word_at(start, 3));
    T_PTR(ac_region_bump(r), word_at(start, 6));
    T_EQ(ac_region_head_link(r), 0);

    /* free the first block: the head now points at it */
    T_ASSERT(ac_region_free(r, start, 3));
    T_PTR(ac_region_bump(r), word_at(start, 6));
    T_EQ(ac_region_head_link(r), HEAD_TO_BEGIN);
#if defined(__x86_64__)
    T_EQ(ac_region_head_link(r), 2);
#endif
    /* and the packed link at the block: 3 words, last fragment */
    T_EQ(*(uint32_t *)start, 3u << 19);

    T_PTR(ac_region_alloc(r, 3, 0), start);
    T_PTR(ac_region_bump(r), word_at(start, 6));
    T_EQ(ac_region_head_link(r), 0);
    T_ASSERT(ac_region_check(r));
}

#define T_STATS(r, alloc_w, frag_w, frags)                                                         \
    do {                                                                                           \
        ac_region_stats_t s_ = ac_region_stats(r);                                                 \
        T_EQ(s_.allocated_words, alloc_w);                                                         \
        T_EQ(s_.fragment_words, frag_w);                                                           \
        T_EQ(s_.fragments, frags);                                                                 \
        T_ASSERT(ac_region_check(r));                                                              \
    } while (0)

static void coalesce_dealloc(void) {
    ac_region *r = fresh();
    void *start = ac_region_bump(r);
    void *b1 = ac_region_alloc(r, 3, 0), *b2 = ac_region_alloc(r, 3, 0),
         *b3 = ac_region_alloc(r, 3, 0);
    T_PTR(b1, start);
    T_PTR(b2, word_at(start, 3));
    T_PTR(b3, word_at(start, 6));
    T_PTR(ac_region_bump(r), word_at(start, 9));
    T_EQ(ac_region_head_link(r), 0);

    T_ASSERT(ac_region_free(r, b1, 3));
    T_STATS(r, 9, 3, 1);
    T_ASSERT(ac_region_free(r, b2, 3));
    T_STATS(r, 9, 6, 1);
    T_ASSERT(ac_region_free(r, b3, 3));
    T_STATS(r, 0, 0, 0);
}

static void coalesce_middle(void) {
    ac_region *r = fresh();
    void *start = ac_region_bump(r);
    void *b1 = ac_region_alloc(r, 3, 0), *b2 = ac_region_alloc(r, 3, 0),
         *b3 = ac_region_alloc(r, 3, 0);
    T_PTR(b1, start);
    T_PTR(b2, word_at(start, 3));
    T_PTR(b3, word_at(start, 6));
    T_PTR(ac_region_bump(r), word_at(start, 9));
    T_EQ(ac_region_head_link(r), 0);

    T_ASSERT(ac_region_free(r, b1, 3));
    T_STATS(r, 9, 3, 1);
    T_ASSERT(ac_region_free(r, b3, 3));
    T_STATS(r, 6, 3, 1);
    T_ASSERT(ac_region_free(r, b2, 3));
    T_STATS(r, 0, 0, 0);
}

static void merge_forward(void) {
    ac_region *r = fresh();
    void *b1 = ac_region_alloc(r, 3, 0), *b2 = ac_region_alloc(r, 3, 0),
         *b3 = ac_region_alloc(r, 3, 0);
    T_STATS(r, 9, 0, 0);
    T_ASSERT(ac_region_free(r, b2, 3));
    T_STATS(r, 9, 3, 1);
    T_ASSERT(ac_region_free(r, b1, 3));
    T_STATS(r, 9, 6, 1);
    T_ASSERT(ac_region_free(r, b3, 3));
    T_STATS(r, 0, 0, 0);
}

static void split_remainder(void) {
    ac_region *r = fresh();
    void *b1 = ac_region_alloc(r, 4, 0), *b2 = ac_region_alloc(r, 4, 0);
    T_ASSERT(ac_region_free(r, b1, 4));
    T_STATS(r, 8, 4, 1);

    void *b3 = ac_region_alloc(r, 2, 0);
    T_PTR(b3, b1);
    T_STATS(r, 8, 2, 1);

    T_ASSERT(ac_region_free(r, b2, 4));
    T_STATS(r, 2, 0, 0);
}

static void alignment(void) {
    ac_region *r = fresh();
    void *start = ac_region_bump(r);

    void *block = ac_region_alloc(r, 1, 0);
    size_t count = 1;
    while ((uintptr_t)block & 0x1f) {
        block = ac_region_alloc(r, 1, 0);
        count++;
    }
    /* insist on 32-byte alignment: the bump pointer is 4 past a multiple of
     * 32, so 28 bytes (7 words) are skipped and become one fragment */
    void *padding = ac_region_bump(r);
    void *aligned = ac_region_alloc(r, 1, 5);
    T_PTR(aligned, (char *)padding + 28);
    ac_region_stats_t s = ac_region_stats(r);
    T_EQ(s.fragment_words, 7);
    T_EQ(s.fragments, 1);

    T_ASSERT(ac_region_free(r, start, count));
    T_ASSERT(ac_region_free(r, aligned, 1));
    T_STATS(r, 0, 0, 0);
}

/* ---- corners where the seed is wrong --------------------------------------- */

/* 9000 one-word blocks freed in order while the block after them stays
 * live: the seed merges past 8191 words and wraps the 13-bit size field. */
static void merge_never_overflows_size_field(void) {
    ac_region *r = ac_region_init(big, word_at(big, 10000));
    T_ASSERT(r);
    uint32_t *first = ac_region_begin(r);
    for (size_t i = 0; i < 9000; i++) T_PTR(ac_region_alloc(r, 1, 0), first + i);
    uint32_t *guard = ac_region_alloc(r, 1, 0);
    T_PTR(guard, first + 9000);
    void *bump = ac_region_bump(r);

    for (size_t i = 0; i < 9000; i++) {
        T_ASSERT(ac_region_free(r, first + i, 1));
        if (i % 1000 == 999) T_ASSERT(ac_region_check(r));
    }
    /* one full fragment and the rest: 8191 + 809 */
    T_STATS(r, 9001, 9000, 2);
    T_EQ(*first >> 19, 8191);
    T_EQ(first[8191] >> 19, 809);

    /* every freed word can be had again, without touching the bump tail */
    T_PTR(ac_region_alloc(r, 8191, 0), first);
    T_PTR(ac_region_alloc(r, 809, 0), first + 8191);
    T_PTR(ac_region_bump(r), bump);
    T_STATS(r, 9001, 0, 0);

    /* freeing the guard and both big blocks gives everything back */
    T_ASSERT(ac_region_free(r, first, 8191));
    T_ASSERT(ac_region_free(r, guard, 1));
    T_STATS(r, 9000, 8191, 1);
    T_ASSERT(ac_region_free(r, first + 8191, 809));
    T_STATS(r, 0, 0, 0);
}

/* When two fragments that could not merge both end up touching the bump
 * pointer, both go back to the bump tail. */
static void unmergeable_runs_all_return_to_bump(void) {
    ac_region *r = ac_region_init(big, word_at(big, 20000));
    uint32_t *a = ac_region_alloc(r, 8000, 0), *b = ac_region_alloc(r, 8000, 0);
    uint32_t *c = ac_region_alloc(r, 10, 0);
    T_ASSERT(a && b && c);
    T_ASSERT(ac_region_free(r, a, 8000));
    T_ASSERT(ac_region_free(r, b, 8000)); /* touches a, but 16000 > 8191 */
    T_STATS(r, 16010, 16000, 2);
    T_ASSERT(ac_region_free(r, c, 10));
    T_STATS(r, 0, 0, 0);
    T_PTR(ac_region_bump(r), ac_region_begin(r));
}

/* Alignment padding near the end of the region: the seed's room check
 * underflows and hands out memory past the end. */
static void aligned_alloc_never_passes_end(void) {
    /* end 508 bytes into a 64-aligned buffer: the next 32-byte boundaries
     * after 452 are 480 (inside) and 512 (past the end) */
    ac_region *r = ac_region_init(mem, (char *)mem + 508);
    T_ASSERT(r);
    size_t header = sizeof(ac_region);
    T_ASSERT(ac_region_alloc(r, (452 - header) / 4, 0));
    T_PTR(ac_region_bump(r), (char *)mem + 452);

    /* 7 words fit after the padding, 8 do not */
    T_PTR(ac_region_alloc(r, 8, 5), NULL);
    T_PTR(ac_region_bump(r), (char *)mem + 452);
    T_STATS(r, (452 - header) / 4, 0, 0);
    T_PTR(ac_region_alloc(r, 7, 5), (char *)mem + 480);
    T_PTR(ac_region_bump(r), (char *)mem + 508);
    T_STATS(r, (508 - header) / 4, 7, 1);
    T_ASSERT(ac_region_free(r, (char *)mem + 480, 7));

    /* bump at 484: the padding alone would reach 512, past the end */
    T_PTR(ac_region_alloc(r, 8, 0), (char *)mem + 452);
    T_PTR(ac_region_bump(r), (char *)mem + 484);
    T_PTR(ac_region_alloc(r, 1, 5), NULL);
    T_PTR(ac_region_bump(r), (char *)mem + 484);
    T_STATS(r, (484 - header) / 4, 0, 0);
    /* the room is still there for unaligned requests */
    T_PTR(ac_region_alloc(r, 6, 0), (char *)mem + 484);
    T_PTR(ac_region_alloc(r, 1, 0), NULL);
    T_PTR(ac_region_bump(r), (char *)mem + 508);
}

static void limits(void) {
    ac_region *r = ac_region_init(big, word_at(big, 10000));
    T_PTR(ac_region_alloc(r, 8192, 0), NULL);
    T_PTR(ac_region_alloc(r, 0, 0), NULL);
    T_PTR(ac_region_alloc(r, 1, sizeof(uintptr_t) * 8), NULL);
    T_PTR(ac_region_alloc(NULL, 1, 0), NULL);
    T_STATS(r, 0, 0, 0);
    T_PTR(ac_region_alloc(r, 8191, 0), ac_region_begin(r));

    /* spans: exactly 2 MiB is accepted, one word more is not */
    char *b = (char *)big;
    T_PTR(ac_region_init(b, b + AC_REGION_MAX_SPAN_BYTES + 4), NULL);
    T_PTR(ac_region_init(b, b + AC_REGION_MAX_SPAN_BYTES), b);
    /* too small for the header; exactly the header is an empty region */
    T_PTR(ac_region_init(b, b + sizeof(ac_region) - 4), NULL);
    r = ac_region_init(b, b + sizeof(ac_region));
    T_PTR(r, b);
    T_EQ(ac_region_stats(r).total_words, 0);
    T_PTR(ac_region_alloc(r, 1, 0), NULL);
    T_PTR(ac_region_init(NULL, b + 64), NULL);
    T_PTR(ac_region_init(b + 64, b), NULL);
    /* begin is rounded up to the header's alignment, end down to a word */
    r = ac_region_init(b + 1, b + 4096 + 3);
    T_PTR(r, b + _Alignof(ac_region));
    T_PTR(ac_region_end(r), b + 4096);

    /* extend: up to 2 MiB from the header, never backwards */
    r = ac_region_init(b, b + 65536);
    T_ASSERT(!ac_region_extend(r, b + AC_REGION_MAX_SPAN_BYTES + 4));
    T_ASSERT(!ac_region_extend(r, b + 65532));
    T_PTR(ac_region_end(r), b + 65536);
    T_ASSERT(ac_region_extend(r, b + AC_REGION_MAX_SPAN_BYTES));
    T_PTR(ac_region_end(r), b + AC_REGION_MAX_SPAN_BYTES);
    T_EQ(ac_region_stats(r).total_words, (AC_REGION_MAX_SPAN_BYTES - sizeof(ac_region)) / 4);
    T_ASSERT(ac_region_check(r));
}

/* The most padding one allocation makes: a 2 MiB span whose one 2 MiB
 * boundary is its last word but one, asked for a word there. The words
 * skipped become fragments of at most 8191 words: 65 of them, the bound
 * the header gives; freeing the block hands every one back to the bump
 * pointer. */
static void padding_fragments_bound(void) {
    uintptr_t at = (uintptr_t)big, mask = AC_REGION_MAX_SPAN_BYTES - 1;
    char *b = (char *)big + (((at + mask) & ~mask) - at); /* the first 2 MiB boundary in big */
    ac_region *r = ac_region_init(b + 8, b + 8 + AC_REGION_MAX_SPAN_BYTES);
    T_PTR(r, b + 8);
    size_t pad_words = (AC_REGION_MAX_SPAN_BYTES - 8 - sizeof(ac_region)) / 4;
    T_EQ(pad_words / AC_REGION_MAX_BLOCK_WORDS, 64); /* 64 full fragments and one of the rest */
    T_PTR(ac_region_alloc(r, 1, 21), b + AC_REGION_MAX_SPAN_BYTES);
    T_STATS(r, pad_words + 1, pad_words, 65);
    T_ASSERT(ac_region_free(r, b + AC_REGION_MAX_SPAN_BYTES, 1));
    T_STATS(r, 0, 0, 0);
    T_PTR(ac_region_bump(r), ac_region_begin(r));
}

/* A full 2 MiB region: the farthest fragment is still reachable from the
 * head through the 19-bit offset. */
static void full_span_offsets_fit(void) {
    char *b = (char *)big;
    ac_region *r = ac_region_init(b, b + AC_REGION_MAX_SPAN_BYTES);
    size_t total = ac_region_stats(r).total_words, taken = 0;
    while (taken < total) {
        size_t n = total - taken < 8191 ? total - taken : 8191;
        T_ASSERT(ac_region_alloc(r, n, 0));
        taken += n;
    }
    T_PTR(ac_region_bump(r), b + AC_REGION_MAX_SPAN_BYTES);
    /* re-split the last block so that its last two words are blocks of
     * their own, then free the second to last: the one fragment of the
     * region, 2 MiB minus two words from the header */
    uint32_t *last2 = (uint32_t *)(void *)(b + AC_REGION_MAX_SPAN_BYTES) - 2;
    size_t last_block_words = total % 8191 ? total % 8191 : 8191;
    uint32_t *last_block = (uint32_t *)(void *)(b + AC_REGION_MAX_SPAN_BYTES) - last_block_words;
    T_ASSERT(ac_region_free(r, last_block, last_block_words));
    T_PTR(ac_region_bump(r), last_block);
    T_PTR(ac_region_alloc(r, last_block_words - 2, 0), last_block);
    T_PTR(ac_region_alloc(r, 1, 0), last2);
    T_PTR(ac_region_alloc(r, 1, 0), last2 + 1);
    T_ASSERT(ac_region_free(r, last2, 1));
    uint32_t expect = (uint32_t)(last2 - &r->head);
    T_EQ(ac_region_head_link(r), expect);
    T_EQ(expect, (AC_REGION_MAX_SPAN_BYTES - offsetof(ac_region, head)) / 4 - 2);
    T_STATS(r, total, 1, 1);
}

/* ---- input validation ------------------------------------------------------ */

static void bad_frees_change_nothing(void) {
    ac_region *r = fresh();
    uint32_t *a = ac_region_alloc(r, 4, 0), *b = ac_region_alloc(r, 4, 0);
    uint32_t *c = ac_region_alloc(r, 4, 0);
    T_ASSERT(ac_region_free(r, b, 4));
    T_STATS(r, 12, 4, 1);
    uint32_t head = ac_region_head_link(r);

    T_ASSERT(!ac_region_free(r, NULL, 4));
    T_ASSERT(!ac_region_free(NULL, a, 4));
    T_ASSERT(!ac_region_free(r, a, 0));
    T_ASSERT(!ac_region_free(r, b, 4));                /* double free */
    T_ASSERT(!ac_region_free(r, b + 2, 1));            /* inside a fragment */
    T_ASSERT(!ac_region_free(r, a, 5));                /* overlaps the fragment */
    T_ASSERT(!ac_region_free(r, a + 2, 4));            /* overlaps the fragment */
    T_ASSERT(!ac_region_free(r, c, 5));                /* past the bump pointer */
    T_ASSERT(!ac_region_free(r, c + 4, 1));            /* in the bump tail */
    T_ASSERT(!ac_region_free(r, (char *)a + 2, 1));    /* not word-aligned */
    T_ASSERT(!ac_region_free(r, big, 1));              /* foreign */
    T_ASSERT(!ac_region_free(r, &r->head, 1));         /* the header */
    T_ASSERT(!ac_region_free(r, a, 8192));             /* larger than any block */
    T_EQ(ac_region_head_link(r), head);
    T_STATS(r, 12, 4, 1);

    T_ASSERT(ac_region_free(r, a, 4));
    T_ASSERT(ac_region_free(r, c, 4));
    T_STATS(r, 0, 0, 0);
}

static void chain(void) {
    ac_region *r1 = fresh();
    ac_region *r2 = ac_region_init(big, word_at(big, 64));
    ac_region_set_next(r1, r2);
    T_PTR(ac_region_next(r1), r2);
    size_t w1 = ac_region_stats(r1).total_words - ac_region_stats(r2).total_words;

    /* fill r1, then the next request falls through to r2 */
    uint32_t *a = ac_region_alloc(r1, w1, 0);
    T_PTR(a, ac_region_begin(r1));
    uint32_t *b = ac_region_alloc(r1, 10, 0);
    T_PTR(b, ac_region_begin(r2));
    ac_region_stats_t s = ac_region_stats(r1);
    T_EQ(s.regions, 2);
    T_EQ(s.allocated_words, w1 + 10);
    T_EQ(s.total_words, (MEM_WORDS + 64) - 2 * sizeof(ac_region) / 4);

    /* free routes to the region that holds the block */
    T_ASSERT(ac_region_free(r1, b, 10));
    T_PTR(ac_region_bump(r2), ac_region_begin(r2));
    T_ASSERT(ac_region_free(r1, a, w1));
    T_STATS(r1, 0, 0, 0);
    T_ASSERT(ac_region_check(r1));

    /* a cycle in the chain is reported, not followed forever */
    ac_region_set_next(r2, r1);
    T_ASSERT(!ac_region_check(r1));
    ac_region_set_next(r2, r2);
    T_ASSERT(!ac_region_check(r1));
    ac_region_set_next(r2, NULL);
    T_ASSERT(ac_region_check(r1));
}

static void check_catches_corruption(void) {
    ac_region *r = fresh();
    uint32_t *a = ac_region_alloc(r, 4, 0), *b = ac_region_alloc(r, 4, 0);
    T_ASSERT(ac_region_alloc(r, 4, 0));
    T_ASSERT(ac_region_free(r, a, 4));
    T_ASSERT(ac_region_check(r));
    uint32_t saved = *a;
    *a = (5u << 19) | 4u; /* overlaps the fragment it links to */
    T_ASSERT(!ac_region_check(r));
    *a = (4u << 19) | 0x7ffffu; /* link far past the bump pointer */
    T_ASSERT(!ac_region_check(r));
    *a = 0; /* zero-size fragment */
    T_ASSERT(!ac_region_check(r));
    *a = saved;
    T_ASSERT(ac_region_check(r));
    (void)b;
}

/* What ac_region_format() writes for r, a lone region over all of mem
 * (from fresh()), with `allocated` words below its bump pointer and the
 * free list shown as `free_list`. */
static void want_format(t_str *want, ac_region *r, size_t allocated, const char *free_list) {
    size_t words = MEM_WORDS - sizeof(ac_region) / 4;
    *want = (t_str){{0}, 0};
    t_str_add(want, "region ");
    t_str_hex(want, (uintptr_t)ac_region_begin(r));
    t_str_add(want, "..");
    t_str_hex(want, (uintptr_t)(mem + MEM_WORDS));
    t_str_add(want, " words=");
    t_str_dec(want, words);
    t_str_add(want, " allocated=");
    t_str_dec(want, allocated);
    t_str_add(want, " unused=");
    t_str_dec(want, words - allocated);
    t_str_add(want, " free=[");
    t_str_add(want, free_list);
    t_str_add(want, "]");
}

static void format(void) {
    ac_region *r = fresh();
    uint32_t *a = ac_region_alloc(r, 3, 0);
    T_ASSERT(ac_region_alloc(r, 3, 0) && ac_region_alloc(r, 3, 0));
    T_ASSERT(ac_region_free(r, a, 3));

    t_str want;
    want_format(&want, r, 9, "+0:3");

    char buf[200];
    T_EQ(ac_region_format(r, buf, sizeof buf), want.len);
    T_ASSERT(t_streq(buf, want.buf));

    /* truncated: still terminated, still reports the full length */
    char small[10];
    T_EQ(ac_region_format(r, small, sizeof small), want.len);
    T_EQ(small[9], '\0');
    T_ASSERT(small[0] == 'r' && small[8] == want.buf[8]);
    T_EQ(ac_region_format(r, NULL, 0), want.len);

    char none[40];
    T_EQ(ac_region_format(NULL, none, sizeof none), 13);
    T_ASSERT(t_streq(none, "region (none)"));
}

/* A long free list is shown up to its eighth fragment, then " ...". */
static void format_long_free_list(void) {
    ac_region *r = fresh();
    uint32_t *p[20];
    for (unsigned i = 0; i < 20; i++) T_ASSERT((p[i] = ac_region_alloc(r, 2, 0)) != NULL);
    for (unsigned i = 0; i < 20; i += 2) T_ASSERT(ac_region_free(r, p[i], 2));
    T_ASSERT(ac_region_check(r));

    /* ten fragments of 2 words, every 4 words; the last two are not shown */
    t_str want;
    want_format(&want, r, 40, "+0:2 +4:2 +8:2 +12:2 +16:2 +20:2 +24:2 +28:2 ...");

    char buf[300];
    T_EQ(ac_region_format(r, buf, sizeof buf), want.len);
    T_ASSERT(t_streq(buf, want.buf));
}

/* ---- randomized, against a shadow model -------------------------------------- */

typedef struct live_block {
    uint32_t *p;
    uint32_t words;
    uint32_t tag;
} live_block;

static live_block live[2048];

static uint32_t pattern(uint32_t tag, size_t i) { return tag * 2654435761u ^ (uint32_t)i; }

static void random_against_model(void) {
    uint64_t rng = t_seed() ^ 0x5265u;
    ac_region *r = ac_region_init(big, word_at(big, 1u << 16)); /* 256 KiB */
    size_t n_live = 0, live_words = 0;
    unsigned ops = 20000u * t_scale();
    uint32_t tag = 0;

    for (unsigned op = 0; op < ops; op++) {
        bool do_alloc = n_live == 0 || (n_live < 2048 && t_rand_below(&rng, 100) < 55);
        if (do_alloc) {
            uint64_t k = t_rand_below(&rng, 100);
            uint32_t words = (uint32_t)(k < 70   ? 1 + t_rand_below(&rng, 16)
                                        : k < 95 ? 1 + t_rand_below(&rng, 300)
                                                 : 1 + t_rand_below(&rng, 8191));
            unsigned align_bits = t_rand_below(&rng, 4) == 0 ? (unsigned)t_rand_below(&rng, 9) : 0;
            uint32_t *p = ac_region_alloc(r, words, align_bits);
            if (!p) {
                /* then the bump tail truly has no room for it */
                uintptr_t mask = ((uintptr_t)1 << align_bits) - 1;
                uintptr_t at = ((uintptr_t)ac_region_bump(r) + mask) & ~mask;
                T_ASSERT(at + words * 4u > (uintptr_t)ac_region_end(r));
                continue;
            }
            T_EQ((uintptr_t)p & (((uintptr_t)1 << align_bits) - 1), 0);
            T_ASSERT(p >= (uint32_t *)ac_region_begin(r) && p + words <= (uint32_t *)ac_region_end(r));
            tag++;
            for (size_t i = 0; i < words; i++) p[i] = pattern(tag, i);
            live[n_live++] = (live_block){p, words, tag};
            live_words += words;
        } else {
            size_t idx = (size_t)t_rand_below(&rng, n_live);
            live_block b = live[idx];
            for (size_t i = 0; i < b.words; i++)
                if (b.p[i] != pattern(b.tag, i)) {
                    t_puts("    block overwritten, seed ");
                    t_putu(t_seed());
                    T_EQ(b.p[i], pattern(b.tag, i));
                }
            T_ASSERT(ac_region_free(r, b.p, b.words));
            live[idx] = live[--n_live];
            live_words -= b.words;
        }
        ac_region_stats_t s = ac_region_stats(r);
        if (s.allocated_words != live_words + s.fragment_words || !ac_region_check(r)) {
            t_puts("    model disagrees at op ");
            t_putu(op);
            t_puts(", seed ");
            t_putu(t_seed());
            t_puts("\n");
            T_EQ(s.allocated_words, live_words + s.fragment_words);
            T_ASSERT(ac_region_check(r));
        }
    }
    while (n_live) {
        live_block b = live[--n_live];
        T_ASSERT(ac_region_free(r, b.p, b.words));
    }
    T_STATS(r, 0, 0, 0);
}

void suite_region(void) {
    static const t_case cases[] = {
        T_CASE(setup),
        T_CASE(alloc_dealloc_restores_state),
        T_CASE(alloc_dealloc_realloc),
        T_CASE(coalesce_dealloc),
        T_CASE(coalesce_middle),
        T_CASE(merge_forward),
        T_CASE(split_remainder),
        T_CASE(alignment),
        T_CASE(merge_never_overflows_size_field),
        T_CASE(unmergeable_runs_all_return_to_bump),
        T_CASE(aligned_alloc_never_passes_end),
        T_CASE(limits),
        T_CASE(full_span_offsets_fit),
        T_CASE(padding_fragments_bound),
        T_CASE(bad_frees_change_nothing),
        T_CASE(chain),
        T_CASE(check_catches_corruption),
        T_CASE(format),
        T_CASE(format_long_free_list),
        T_CASE(random_against_model),
    };
    t_run_suite("region", cases, T_COUNT(cases));
}
