/*
 * heap.c - the heap engine behind the malloc family and the layout API.
 * It is compiled as part of malloc.c (#include), not on its own.
 *
 * It keeps the seed's spirit - a bump pointer at the heap's end plus free
 * lists - and makes every operation O(1) with boundary tags and size-class
 * bins, so that cost does not grow with the number of free blocks.
 *
 * Blocks. Every block starts with one 32-bit header word and is a multiple
 * of 16 bytes; block starts are 12 mod 16, so payloads (header + 4) are
 * 16-aligned. The flags sit in the two low bits (small masks: short wasm
 * constants):
 *
 *   in use:  [ requested bytes (30 bits) | P | 1 ] payload ...
 *   free:    [ size in bytes             | 0 | 0 ] next | prev | ... | size
 *              31                          1   0     +4     +8         last word
 *
 * Bit 0 (U) is set in use. A free block's size is a multiple of 16 and its P
 * is always clear (no two free blocks touch), so its header is its size,
 * like its footer. P is set when the block just before is free; only then is
 * that block's last word (its footer, the size in bytes) valid, which is
 * what makes merging with the previous block O(1). An in-use block stores
 * what was asked for, so its size is (requested + 4) rounded up to 16 (16 at
 * least: room for a free block's header, links and footer) and the stats
 * count requested bytes exactly. Free links are 32-bit offsets from `base`
 * (0 on wasm32, the start of the backend's memory natively).
 *
 * Grains of 8 bytes (AC_MALLOC_ALIGN 8: the default with emscripten and on
 * 32-bit Arm, or built with AC_MALLOC_ALIGN_BYTES=8) change 16 for 8
 * above: blocks start at 4 mod 8, their sizes are multiples of 8, and 16
 * bytes at least. A split that would leave 8 bytes leaves a sliver: a free
 * block that is header and footer only, with no room for links, so on no
 * list. It merges like any free block when a neighbour is freed, and is
 * never handed out alone.
 *
 * Spans. The heap is one or more spans of memory from the backend. The
 * current span ends in the top: [top, end) is never a block, it is the bump
 * tail, and a freed block that reaches it is merged into it. A span whose
 * growth turned out not to be contiguous is closed: its top becomes a free
 * block and its last word a fence (an in-use header that is never freed).
 * The word before each span's first block links to the previous span, so a
 * walk can visit them all.
 *
 *   span:  [link|first block ... | free | in use | ... ]   top ....... end
 *
 * Bins. Free blocks sit on 64 doubly linked lists: sizes 16..496 each have
 * their own (exact fit), larger ones four bins per power of two, the last
 * bin holds everything from 112 KiB (with 8-byte grains: 16..248, and from
 * 56 KiB). A 64-bit map has the bit of every
 * non-empty bin set; a bin that empties keeps its bit until a search for
 * a bin above finds it empty and clears it (cheaper than telling, at each
 * removal, whether that was a bin's last block). malloc takes the best fit
 * among the first blocks of the request's own bin, else the spare (the rest
 * of the last split for a small request, a free block on no list), else
 * the best fit among the first blocks of the next non-empty bin (any block
 * there is large enough), else bumps the top, growing the backend by whole
 * pages only as far as needed.
 *
 * Invariants: no two free blocks touch; no free block touches the top; every
 * block's P flag tells the truth; a free block other than the spare and
 * the slivers is on the bin of its size.
 */
#include "internal.h"

#define F_USED     1u /* the block is in use; a free block's header is its size */
#define F_PREVFREE 2u /* the block before is free */
#ifndef AC_AUDIT_SIZES
#define AC_AUDIT_SIZES 0
#endif
#if AC_AUDIT_SIZES
/* Audit builds keep the alignment row of an in-use block in its header,
 * bits 2..5: requests get the 26 bits above. */
#define ALIGN_SHIFT 2u
#define REQ_SHIFT   6u
#else
#define REQ_SHIFT 2u
#endif
/* The bits of an in-use header below the request: flags (and audit row). */
#define LOW_BITS ((1u << REQ_SHIFT) - 1u)
/* An in-use header no request can have (all request bits set); P may be
 * set on it like on any block. */
#define FENCE (~F_PREVFREE)
#define HDR_BYTES    AC__HDR_BYTES
#define GRAIN        AC__GRAIN
#define MIN_BLOCK    AC__MIN_BLOCK_BYTES
#define SLIVERS      AC__SLIVERS
#define CANARY_BYTES AC__CANARY_BYTES
#if AC_CHECKED
/* A live block's mark is LIVE_MAGIC xor its address xor ALIGN_MIX times
 * the log2 of the alignment it was allocated at (its align_bits, 4 to 31;
 * 3 to 31 where AC_MALLOC_ALIGN is 8).
 * The product spreads those bits over the whole word: a write over any of
 * the mark's bytes leaves a word that decodes to no valid align_bits (28
 * values in 2^32). A freed block's mark is FREED_MAGIC xor its address. */
#define LIVE_MAGIC      0xac11ca7eu
#define ALIGN_MIX       0x9e3779b1u /* odd: ALIGN_UNMIX undoes the product */
#define ALIGN_UNMIX     0x0e8b2f51u
_Static_assert(ALIGN_MIX * ALIGN_UNMIX == 1u, "ALIGN_UNMIX is ALIGN_MIX's inverse");
#define FREED_MAGIC     0xf7eedb10u
#define MIN_ALIGN_BITS  (AC_MALLOC_ALIGN == 8u ? 3u : 4u) /* AC_MALLOC_ALIGN's */
#define CANARY_SEED     0x5ca1ab1eu
/* The byte free memory is filled with (a freed pointer's old header reads
 * FILL_WORD twice), and the one that replaces it in memory handed out
 * again (so that a live block holds no FILL_WORD the program did not
 * write, and reads of bytes it never wrote show) */
#define FILL_BYTE       0xdbu
#define FILL_WORD       0xdbdbdbdbu
#define REUSED_BYTE     0xcdu
#endif
#define NBINS      64u
/* These two must each start a bin: block_alloc() compares bins, not sizes. */
#define HIGH_SPLIT_BYTES 2048u /* blocks this large are cut from the high end */
#define SPARE_LIMIT 512u /* only splits for smaller requests make a spare (as dlmalloc) */
#define BIN_SCAN   16u /* blocks looked at in a bin for the best fit */
#define PAGE_SHIFT 16   /* log2 of the backend's page */
_Static_assert(AC_PAGE_BYTES == (size_t)1 << PAGE_SHIFT, "page shift");

/* Largest request: it must fit the request bits, with room to spare for
 * the fence; the block around it is at most 1 GiB. */
#define MAX_REQUEST AC_MAX_REQUEST_BYTES
_Static_assert(AC_MAX_REQUEST_BYTES == (0xffffffffu >> REQ_SHIFT) - 32u, "public limit matches");
_Static_assert(AC__BLOCK_BYTES(MAX_REQUEST) <= 0x40000000u, "block sizes fit 32 bits");
_Static_assert(GRAIN % 4u == 0, "a free block's header has its flag bits clear");

_Static_assert(MIN_BLOCK >= HDR_BYTES + 3u * sizeof(uint32_t), "a free block holds header, 2 links, footer");
_Static_assert(MIN_BLOCK % GRAIN == 0 && GRAIN >= 8u, "a sliver holds header and footer");
_Static_assert(AC_MALLOC_ALIGN <= GRAIN, "payloads are grain-aligned");

typedef uint32_t link_t;

/* Built for size (-Os, -Oz), the counting and a few small helpers are
 * shared functions; built for speed they are inlined (a call per malloc and
 * free costs ~20% there). */
#if defined(__OPTIMIZE_SIZE__)
#define SIZE_NOINLINE __attribute__((noinline))
#define SPEED_INLINE
#else
#define SIZE_NOINLINE
#define SPEED_INLINE __attribute__((always_inline)) inline
#endif

/* ---- tool annotations (native) ------------------------------------------------ */
/* Under ASan or valgrind, free memory is marked inaccessible so that a
 * program's use-after-free is reported with alloc_cat in place: the top and
 * the inside of free blocks (their header, links and footer stay readable
 * for the engine). Blocks handed out are registered with valgrind as
 * malloc-like blocks. Elsewhere these compile to nothing. */
#if !defined(__wasm32__)
#if defined(__SANITIZE_ADDRESS__)
#define AC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AC_ASAN 1
#endif
#endif
#if !defined(AC_VALGRIND) && defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#define AC_VALGRIND 1
#endif
#endif
#endif
#ifndef AC_ASAN
#define AC_ASAN 0
#endif
#ifndef AC_VALGRIND
#define AC_VALGRIND 0
#endif
#if AC_ASAN
#include <sanitizer/asan_interface.h>
#endif
#if AC_VALGRIND
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#include <valgrind/memcheck.h>
#pragma GCC diagnostic pop
#endif

static void mem_noaccess(char *p, size_t n) {
    (void)p, (void)n;
#if AC_ASAN
    __asan_poison_memory_region(p, n);
#endif
#if AC_VALGRIND
    VALGRIND_MAKE_MEM_NOACCESS(p, n);
#endif
}

/* What the tools say of [p, p + n), n at most 16: MEM_NOACCESS when ASan
 * or valgrind mark any of it inaccessible, MEM_UNDEFINED when valgrind marks
 * any of it undefined (written by nobody), else MEM_OK (always, without the
 * tools). The engine's own words (headers, links, footers) are always OK. */
enum { MEM_OK, MEM_NOACCESS, MEM_UNDEFINED };
_Static_assert(HDR_BYTES + 8 <= 16, "a free block's header and links fit mem_state()");
static int mem_state(char *p, size_t n) {
    (void)p, (void)n;
#if AC_ASAN
    if (__asan_region_is_poisoned(p, n)) return MEM_NOACCESS;
#endif
#if AC_VALGRIND
    unsigned char vbits[16] = {0};
    if (VALGRIND_GET_VBITS(p, vbits, n) == 3) return MEM_NOACCESS;
    for (size_t i = 0; i < n; i++)
        if (vbits[i]) return MEM_UNDEFINED;
#endif
    return MEM_OK;
}

static void mem_undefined(char *p, size_t n) {
    (void)p, (void)n;
#if AC_ASAN
    __asan_unpoison_memory_region(p, n);
#endif
#if AC_VALGRIND
    VALGRIND_MAKE_MEM_UNDEFINED(p, n);
#endif
}

static void mem_defined(char *p, size_t n) {
    (void)p, (void)n;
#if AC_ASAN
    __asan_unpoison_memory_region(p, n);
#endif
#if AC_VALGRIND
    VALGRIND_MAKE_MEM_DEFINED(p, n);
#endif
}

ac__counters ac__count;


/* In-use bytes change by `delta` (wrapped below zero for a decrease), and
 * `calls` (allocs or frees; NULL for a resize) counts one more: only the
 * trip's high-water mark is kept up to date here (the all-time one is folded
 * in when a trip is reset or read), to keep the hot paths short. */
SIZE_NOINLINE static void count_in_use(size_t delta, uint64_t *calls) {
    if (calls) ++*calls;
    size_t u = ac__count.in_use + delta;
    ac__count.in_use = u;
    if (u > ac__count.trip_peak) ac__count.trip_peak = u;
}

static struct heap_state {
    char *top;       /* the bump pointer: first byte of the tail of the current span */
    char *end;       /* end of the current span */
    char *last_span; /* first block of the current span */
    ac__backend *backend;
    char *spare;     /* the last split's remainder: free, on no list (or NULL) */
    uint64_t bitmap; /* bins[i] not empty: bit i set (a set bit may be stale) */
    link_t bins[NBINS + 1]; /* bins[NBINS] stays empty: the bin "above" when none is */
#ifndef __wasm32__
    char *base; /* links are offsets from here: the backend's begin, set as spans start */
#endif
#if AC_CHECKED
    char *filled; /* [top, filled) holds the fill; the rest of the top was never handed out */
#endif
} H = {.backend = &ac__default_heap}; /* empty until the first growth */


/* ---- words of a block ------------------------------------------------------ */

AC__ALWAYS_INLINE uint32_t *word(char *p) { return (uint32_t *)(void *)p; }
#ifdef __wasm32__
/* wasm32 addresses are 32-bit: a link is the address itself */
AC__ALWAYS_INLINE char *at(link_t l) { return (char *)(uintptr_t)l; }
AC__ALWAYS_INLINE link_t link_of(char *b) { return (link_t)(uintptr_t)b; }
#else
AC__ALWAYS_INLINE char *at(link_t l) { return H.base + l; }
AC__ALWAYS_INLINE link_t link_of(char *b) { return (link_t)bytes_between(H.base, b); }
#endif

/* The block size for a request (and for an in-use header's request, in
 * used_size()). One shared function when built for size: malloc, free and
 * realloc each need it, and four calls are shorter than four copies. */
SIZE_NOINLINE static size_t size_for(size_t bytes) {
#if SLIVERS
    if (bytes < MIN_BLOCK - HDR_BYTES) return MIN_BLOCK;
#endif
    return (bytes + HDR_BYTES + CANARY_BYTES + GRAIN - 1) & ~(size_t)(GRAIN - 1);
}
AC__ALWAYS_INLINE bool is_free(uint32_t h) { return !(h & F_USED); }
AC__ALWAYS_INLINE size_t requested(uint32_t h) { return h >> REQ_SHIFT; }
/* A value the compiler cannot see through, where its folding makes larger
 * wasm (each use tells how). */
static size_t opaque(size_t x) {
#if defined(__wasm__) && defined(__clang__)
    __asm__("" : "+r"(x));
#endif
    return x;
}
/* Likewise, and recomputed in place (volatile: not moved): clang hoists a
 * loop's invariant sum or shift into a local of its own, more wasm bytes
 * than computing it again. Memory reads are not moved across it either. */
static size_t unhoisted(size_t x) {
#if defined(__wasm__) && defined(__clang__)
    __asm__ volatile("" : "+r"(x));
#endif
    return x;
}
/* Makes the compiler read memory again after this point (nothing runs
 * here): clang keeps a value that a loop stores and reads back in a local
 * of its own, carried around the loop, more wasm bytes than reading it
 * again. */
static void reread(void) {
#if defined(__wasm__) && defined(__clang__)
    __asm__ volatile("" ::: "memory");
#endif
}
/* Always inlined: else clang keeps this one out of line too, a call on
 * top of the call to size_for(). */
static inline __attribute__((always_inline)) size_t used_size(uint32_t h) {
    return size_for(requested(h));
}
AC__ALWAYS_INLINE size_t free_size(uint32_t h) { return h; }
/* Whether a free block of `size` bytes is a sliver (8-byte grains only:
 * else none is, and the checker's tests for one fold away). */
AC__ALWAYS_INLINE bool is_sliver(size_t size) { return SLIVERS && size < MIN_BLOCK; }
static size_t block_size(uint32_t h) { return is_free(h) ? free_size(h) : used_size(h); }
/* The last word of a closed span, with or without P. */
static bool is_fence(uint32_t h) { return (h | F_PREVFREE) == (FENCE | F_PREVFREE); }

AC__ALWAYS_INLINE link_t *next_of(char *b) { return word(b + HDR_BYTES); }
AC__ALWAYS_INLINE link_t *prev_of(char *b) { return word(b + HDR_BYTES + 4); }
/* The prev link of bin i's first block, its mark; next_link() of a mark
 * is bins[i], so that taking a block off a list is the same for the first
 * block as for the others. On wasm32 it is the address 4 bytes before
 * bins[i], where a block there would keep its next link. Natively a link
 * cannot reach H, and the mark is i * 4 + 1, odd, which a link to a block
 * never is (blocks start at 12 mod 16, 4 mod 8 with 8-byte grains, or 24
 * mod 32 in checked builds, and natively `base` is GRAIN-aligned). */
#ifdef __wasm32__
_Static_assert(offsetof(struct heap_state, bins) >= HDR_BYTES, "a mark points inside H");
AC__ALWAYS_INLINE link_t bin_mark(unsigned i) { return link_of((char *)&H.bins[i] - HDR_BYTES); }
AC__ALWAYS_INLINE link_t *next_link(link_t l) { return next_of(at(l)); }
#else
AC__ALWAYS_INLINE link_t bin_mark(unsigned i) { return (link_t)i * 4 + 1; }
AC__ALWAYS_INLINE link_t *next_link(link_t l) { return l & 1 ? &H.bins[l / 4] : next_of(at(l)); }
#endif

/* Whether b is where a block may start: 4 bytes before a grain boundary
 * (8 in checked builds), so that its payload is aligned. */
static bool starts_block(const char *b) { return ((uintptr_t)b & (GRAIN - 1)) == GRAIN - HDR_BYTES; }

/* Whether l is the mark of a bin (bins[0..NBINS]). */
static bool is_mark(link_t l) {
    link_t d = l - bin_mark(0);
    return d % 4 == 0 && d / 4 <= NBINS;
}

/* The span before the one whose first block is `first` (its link, the
 * word before that block), or NULL. */
static char *span_before(char *first) {
    link_t l = *word(first - 4);
    return l ? at(l) : NULL;
}

static bool check_readable(char *p, size_t bytes, char *lo, char *hi);

/* Whether a block may start at b: where blocks start, its header, mark
 * and links readable within the heap (for the checks, which follow links
 * that may be damaged). */
static bool block_at(char *b) {
    return starts_block(b) && check_readable(b, HDR_BYTES + 8, H.backend->begin, H.backend->end);
}

#if AC_CHECKED
/* malloc.c: reports a write after free found at p, without the lock, then
 * traps; found_byte is what p holds where the fill was, or FREE_WORDS_HIT
 * when the write hit the heap's own words in free memory, or
 * LIVE_HEADER_HIT when it hit the header of a block in use. */
#define FREE_WORDS_HIT  (-1)
#define LIVE_HEADER_HIT (-2)
_Noreturn static void write_after_free(const void *p, int found_byte);

/* A block's mark, the word after its header, xor its address. */
static uint32_t mark_of(char *b) { return *word(b + 4) ^ (uint32_t)(uintptr_t)b; }
static bool marked_freed(char *b) { return mark_of(b) == FREED_MAGIC; }
static void mark_freed(char *b) { *word(b + 4) = FREED_MAGIC ^ (uint32_t)(uintptr_t)b; }

/* The alignment a block keeps: the one asked for, and any less than
 * AC_MALLOC_ALIGN is that one (every payload has it). */
static size_t kept_align(size_t align) { return align < AC_MALLOC_ALIGN ? AC_MALLOC_ALIGN : align; }

/* Marks b live, allocated at `align` (a power of two). */
static void mark_live(char *b, size_t align) {
    uint32_t align_bits = (uint32_t)__builtin_ctzl(kept_align(align));
    *word(b + 4) = LIVE_MAGIC ^ (uint32_t)(uintptr_t)b ^ align_bits * ALIGN_MIX;
}

/* The align_bits a live mark holds: MIN_ALIGN_BITS to 31 for a live
 * block (is_align_bits()), any other value for a word that is no live
 * mark. */
static uint32_t live_align_bits(char *b) { return (mark_of(b) ^ LIVE_MAGIC) * ALIGN_UNMIX; }
static bool is_align_bits(uint32_t bits) { return bits - MIN_ALIGN_BITS < 32u - MIN_ALIGN_BITS; }

/* Damage found in the block b, taken for a free one: its header, mark or
 * links (its payload is the pointer named). A write after free, unless
 * b's mark says it is in use: then its header was overwritten while it was
 * live (a write past the end of the block before it, one that missed that
 * block's canary, or a stray pointer), which is named as such. */
_Noreturn static void heap_damaged(char *b) {
    bool live = block_at(b) && is_align_bits(live_align_bits(b));
    write_after_free(b + HDR_BYTES, live ? LIVE_HEADER_HIT : FREE_WORDS_HIT);
}


/* Whether l leads to a whole free block: block_at() there, its header free
 * with a size that stays within the heap and a footer that repeats it, and
 * marked freed. */
static bool free_ok(link_t l) {
    char *b = at(l), *hi = H.backend->end;
    if (!block_at(b)) return false;
    uint32_t h = *word(b);
    return h >= GRAIN && h % GRAIN == 0 && h <= bytes_between(b, hi) && /* free: flags clear */
           check_readable(b + h - 4, 4, H.backend->begin, hi) && *word(b + h - 4) == h &&
           marked_freed(b);
}

/* The block to name when the link l, read from b, leads to no whole free
 * block: the block there if one may start there (its header was hit),
 * else b (its link was). */
static char *hit_by(char *b, link_t l) { return block_at(at(l)) ? at(l) : b; }

/* Checked builds, before the engine uses a free block off the lists (the
 * spare) by its header: it must be whole. Free blocks are made inside
 * memory that was freed, so a write after free can land on one; then
 * heap_damaged() names it and traps. */
static void check_free(char *b) {
    if (!free_ok(link_of(b))) heap_damaged(b);
}

/* Checked builds, before the engine follows or rewrites the links of b, a
 * free block on a list: b must be whole, and b and the blocks (or bin) on
 * either side of it must link to each other. A freed payload begins with
 * the links, so a write after free shows here before a bad link is
 * followed; heap_damaged() names the block found wrong. */
static void check_listed(char *b) {
    check_free(b);
    link_t l = link_of(b), n = *next_of(b), p = *prev_of(b);
    if (n && !free_ok(n)) heap_damaged(hit_by(b, n));
    if (!is_mark(p) && !free_ok(p)) heap_damaged(hit_by(b, p));
    if (n && *prev_of(at(n)) != l) heap_damaged(at(n));
    if (*next_link(p) != l) heap_damaged(is_mark(p) ? b : at(p));
}

/* Checked builds, before the engine changes the header h of n, which says
 * in use: a free block's header hit by a write after free can say so, but
 * its mark still says freed (a block in use is marked live before a
 * neighbour can be freed). */
static void check_used(char *n, uint32_t h) {
    if (!is_fence(h) && marked_freed(n)) heap_damaged(n);
}

/* Checked builds fill free memory with FILL_BYTE: every byte of a free
 * block but its header, mark, links and footer, and the top from H.top up
 * to H.filled (beyond it, the top was never handed out). Memory is checked
 * for the fill when it is handed out again: a byte that differs was written
 * after it was freed. */
static void fill(char *p, size_t bytes) {
    mem_defined(p, bytes);
    ac__memset(p, FILL_BYTE, bytes);
}

/* The first byte of [p, end) that does not hold the fill (p and end
 * 4-aligned), or NULL; NULL when p >= end (nothing to check). */
static char *unfilled(char *p, char *end) {
    if (p >= end) return NULL;
    mem_defined(p, bytes_between(p, end));
    for (; p < end; p += 4) {
        if (*word(p) == FILL_WORD) continue;
        while ((unsigned char)*p == FILL_BYTE) p++;
        return p;
    }
    return NULL;
}

/* q, in [p, end), was found changed: fills [p, end) again (a hook that
 * allocates meets no damage there) and returns the byte q held. */
static int refilled(char *q, char *p, char *end) {
    int found = (unsigned char)*q;
    fill(p, bytes_between(p, end));
    return found;
}

/* [p, end) must hold the fill: else the changed byte is reported, the
 * fill restored. Reads only. */
static void check_filled(char *p, char *end) {
    char *q = unfilled(p, end);
    if (q) write_after_free(q, refilled(q, p, end));
}

/* [p, end) is handed out or becomes the heap's own words: REUSED_BYTE
 * there from now on (p >= end: nothing). */
static void reuse(char *p, char *end) {
    if (p < end) ac__memset(p, REUSED_BYTE, bytes_between(p, end));
}

/* The top's bytes [from, to) are handed out or become the heap's own
 * words: those below H.filled must hold the fill (check_filled()), then
 * are reused. */
static void top_check(char *from, char *to) {
    char *end = to < H.filled ? to : H.filled;
    check_filled(from, end);
    reuse(from, end);
}

/* The top's bytes [from, to) are handed out: top_check(), and none above
 * the new top holds the fill any longer. */
static void top_taken(char *from, char *to) {
    top_check(from, to);
    if (H.filled < to) H.filled = to;
}

/* At the start of each engine call that may use the spare (take it,
 * merge with it, or put it on a list), before anything changes: it must be
 * whole (check_free()), and its link words, which it does not use (it is
 * on no list), must hold the fill. Reads only: it may run more than once
 * in a call. */
static void check_spare(void) {
    char *b = H.spare;
    if (!b) return;
    check_free(b);
    check_filled(b + HDR_BYTES, b + HDR_BYTES + 8);
}
#define CHECK_LISTED(b)     check_listed(b)
#define CHECK_SPARE()       check_spare()
#define CHECK_USED(n, h)    check_used(n, h)
#define FILL(p, bytes)      fill(p, bytes)
#define TOP_TAKEN(from, to) top_taken(from, to)
#else
#define CHECK_LISTED(b)     ((void)0)
#define CHECK_SPARE()       ((void)0)
#define CHECK_USED(n, h)    ((void)0)
#define FILL(p, bytes)      ((void)0)
#define TOP_TAKEN(from, to) ((void)0)
#endif

/* ---- bins ---------------------------------------------------------------------- */

static unsigned bin_of(size_t size) {
    if (size < 32 * GRAIN) return (unsigned)(size / GRAIN);
    /* Four bins per power of two from 512 on: bin 32 + (p - 9) * 4 + the
     * two bits after the leading one, for that one at place p. With s =
     * p - 2, size >> s is 4..7 (the leading one and those bits), and the
     * bin is 4 * s + size >> s. (A free block's size fits 32 bits.) With
     * 8-byte grains they start at 256, four bins earlier. */
    unsigned s = 29u - (unsigned)__builtin_clz((unsigned)size);
    unsigned b = ((unsigned)size >> s) + 4u * s + (GRAIN == 8u ? 4u : 0u);
    return b < NBINS ? b : NBINS - 1u;
}

/* Makes [b, b + size) a free block: writes its header and footer (and, in
 * checked builds, its freed mark), then makes it the spare (on no list) if
 * `spare` is set, else the first of its bin (a sliver: on none). One
 * shared function when built for size (the callers pass `spare` as a
 * constant), inlined for speed. */
SIZE_NOINLINE SPEED_INLINE static void make_free(char *b, size_t size, bool spare) {
    mem_defined(b, HDR_BYTES + 8);
    mem_defined(b + size - 4, 4);
    if (!is_sliver(size)) mem_noaccess(b + HDR_BYTES + 8, size - HDR_BYTES - 12);
#if AC_CHECKED
    mark_freed(b);
#endif
    *word(b) = (uint32_t)size;
    *word(b + size - 4) = (uint32_t)size;
    if (spare) {
#if AC_CHECKED
        fill(b + HDR_BYTES, 8); /* no links: check_spare() */
#endif
        H.spare = b;
        return;
    }
    if (is_sliver(size)) return; /* no room for links: on no list */
    unsigned i = bin_of(size);
    /* bins[i] through the mark (opaque: else clang folds the mark back
     * into an address of its own, on wasm32 one more 3-byte constant) */
    link_t mark = (link_t)opaque(bin_mark(i)), *head = next_link(mark), first = *head;
    *next_of(b) = first;
    *prev_of(b) = mark;
    if (first) {
        CHECK_LISTED(at(first));
        *prev_of(at(first)) = link_of(b);
    }
    *head = link_of(b);
    H.bitmap |= (uint64_t)1 << i;
}

/* Takes a free block off its list; true if it was the spare (on none). */
SPEED_INLINE static bool bin_remove(char *b) {
    if (b == H.spare) { /* checked by the caller: CHECK_SPARE() */
        H.spare = NULL;
        return true;
    }
    if (is_sliver(free_size(*word(b)))) return false; /* on no list */
    CHECK_LISTED(b);
    link_t n = *next_of(b), p = *prev_of(b);
    if (n) *prev_of(at(n)) = p;
    *next_link(p) = n;
    return false;
}

#if AC_CHECKED
/* The bytes [lo, hi) of the free block b of `size` bytes, just taken off
 * its list, are handed out or become the heap's own words (a split's
 * header or footer): those that held the fill (all but b's header, mark,
 * links and footer) must still hold it, else the block goes back on a
 * list as it was and the changed byte is reported. Then [lo, hi) holds
 * REUSED_BYTE, b's link words and footer among them. */
static void check_taken(char *b, size_t size, char *lo, char *hi) {
    char *body = b + HDR_BYTES + 8, *footer = b + size - 4;
    char *from = lo > body ? lo : body, *to = hi < footer ? hi : footer;
    char *q = unfilled(from, to);
    if (q) {
        int found = refilled(q, from, to);
        make_free(b, size, false);
        write_after_free(q, found);
    }
    reuse(lo, hi);
}
#define CHECK_TAKEN(b, size, lo, hi) check_taken(b, size, lo, hi)
#else
#define CHECK_TAKEN(b, size, lo, hi) ((void)0)
#endif

/* The smallest of the first BIN_SCAN blocks of a bin that holds `size`. */
static char *best_fit(unsigned bin, size_t size) {
    /* from the bin's mark, as from a block: bins[bin] is its next link
     * (opaque: else clang keeps the address of each next link, on wasm32
     * one more add per step) */
    link_t l = *next_link((link_t)opaque(bin_mark(bin)));
    char *best = NULL;
    /* The best's bytes beyond `size`. Unsigned: for a block too small, the
     * difference wraps to at least -size, which is the starting value. */
    size_t slack = 0 - size;
    for (unsigned k = BIN_SCAN; l && k; l = *next_of(at(l)), k--) {
        CHECK_LISTED(at(l));
        size_t d = free_size(*word(at(l))) - size;
        if (d < slack) {
            best = at(l);
            slack = d;
            if (!d) break; /* nothing fits better */
        }
    }
    return best;
}

/* ---- the engine ------------------------------------------------------------------- */

/* Frees [t, t + size), which follows a block in use, merging it with what
 * comes next: the top, a free block, or a block in use (which learns that
 * the block before it is free). The result becomes the spare if `spare` is
 * set (it absorbed the spare) or if it absorbs the spare here. With size 0
 * it only tells the next block that the block before it is in use. When
 * t + size is the top, the top moves to t: down, or up for a block grown
 * into the top (size is then H.top - t, wrapped around below zero). Does
 * not count: callers keep the stats. */
SPEED_INLINE static void free_tail(char *t, size_t size, bool spare) {
    /* modulo the address width: size may have wrapped (above), and a free
     * block may pass 2 GiB, where a signed pointer offset would overflow on
     * 32-bit targets */
    char *n = (char *)((uintptr_t)t + size);
    if (n == H.top) {
        H.top = t;
        if (t < n) mem_noaccess(t, size); /* moved down: the freed bytes */
        return;
    }
    uint32_t nh = *word(n);
    if (!is_free(nh)) {
        CHECK_USED(n, nh);
        *word(n) = size ? nh | F_PREVFREE : nh & ~F_PREVFREE;
        if (!size) return;
    } else {
        size_t after = free_size(nh);
        spare |= bin_remove(n);
        FILL(n, HDR_BYTES + 8); /* n's header, mark and links: inside the block now */
        size += after;
    }
    make_free(t, size, spare);
}

/* Frees the `size` bytes at b, whose header h tells whether the block
 * before is free: merges both ways. */
SPEED_INLINE static void block_release(char *b, uint32_t h, size_t size) {
    FILL(b, size);
    bool spare = false;
    if (h & F_PREVFREE) {
        size_t before = *word(b - 4);
        b -= before;
        spare = bin_remove(b);
        /* that block's footer, header, mark and links: inside the block now */
        FILL(b + before - 4, 4);
        FILL(b, HDR_BYTES + 8);
        size += before;
    }
    free_tail(b, size, spare);
}

/* ---- spans and growth ------------------------------------------------------------ */

/* First block position at or after p, with its payload grain-aligned and
 * one word of room before it for the span link. */
static char *first_block_at(char *p) {
    uintptr_t a = ((uintptr_t)p + 4u + HDR_BYTES + GRAIN - 1u) & ~(uintptr_t)(GRAIN - 1u);
    return p + (a - HDR_BYTES - (uintptr_t)p);
}

/* The current span's top becomes a free block and its last word a fence. */
static void span_close(void) {
    char *fence = H.end - HDR_BYTES;
    mem_defined(fence, HDR_BYTES);
    *word(fence) = FENCE;
#if AC_CHECKED
    /* the top becomes a free block: its header, mark, links and footer go
     * where the top may hold the fill, which must be whole; the rest of it
     * is filled */
    top_check(H.top, H.top + HDR_BYTES + 8);
    /* (a top used up, H.top == fence, makes no block: the word before
     * the fence is then the last block's) */
    top_check(H.top < fence ? fence - 4 : fence, fence);
    fill(H.filled, bytes_between(H.filled, fence));
#endif
    free_tail(H.top, bytes_between(H.top, fence), false);
}

/* Starts a span on [p, end), linked to the current one (if any), which is
 * closed; the caller sets H.end. */
static void span_start(char *p, char *end) {
#ifndef __wasm32__
    char *begin = H.backend->begin;
    H.base = begin - ((uintptr_t)begin & (GRAIN - 1)); /* links to blocks are even: bin_mark() */
#endif
    char *first = first_block_at(p);
    mem_defined(first - 4, 4);
    /* H.end is NULL until the first span, like H.last_span, and heap_add()
     * has just read it */
    if (H.end) span_close();
    mem_noaccess(first, bytes_between(first, end));
    char *last = H.last_span; /* read after closing: one load, no local kept across it */
    *word(first - 4) = last ? link_of(last) : 0u;
    H.last_span = first;
    H.top = first;
#if AC_CHECKED
    H.filled = first;
#endif
}

/* [m, end) joins the heap: it extends the current span if it follows it,
 * else it starts a new one. */
static void heap_add(char *m, char *end) {
    if (m == H.end) {
        mem_noaccess(m, bytes_between(m, end));
    } else {
        span_start(m, end);
    }
    H.end = end;
}

/* [m, end) from the backend: counted, and added to the heap unless it is
 * too small to matter (memory already there at the start may be). */
static void heap_take(char *m, char *end) {
    size_t bytes = bytes_between(m, end);
    ac__count.heap_bytes += bytes;
    if (bytes >= AC__HEAP_MIN_BYTES) heap_add(m, end);
}

/* After ac__heap_reset(): H and the counters are all zero. The memory
 * already there (on wasm, from __heap_base to the memory size) is taken at
 * once. */
static void heap_init(ac__backend *backend) {
    H.backend = backend ? backend : ac__default_backend();
    heap_take(H.backend->begin, H.backend->end);
}

/* Makes [top, top + size) plus the word after it available, growing the
 * backend by whole pages, and returns the top then (a new span's if growth
 * was not contiguous). NULL when the backend refuses: nothing changed. */
static char *top_room(size_t size) {
    for (;;) {
        /* The room may pass 2 GiB on wasm32 (large blocks freed into the
         * top): unsigned throughout. unhoisted(): the sum is cheaper redone
         * than kept in a local. */
        size_t room = bytes_between(H.top, H.end);
        size_t need = unhoisted(size) + HDR_BYTES;
        if (need <= room) return H.top;
        ac__backend *backend = H.backend; /* read once: grow() leaves H alone */
        char *m = backend->grow(backend, (need - room + AC_PAGE_BYTES - 1) >> PAGE_SHIFT);
        if (!m) return NULL;
        heap_take(m, backend->end);
    }
}

/* Takes a block for `bytes` from the bins or the top; sets its header.
 * Does not count. NULL when the backend refuses to grow. The block is the
 * best fit of the request's own bin, else the spare, else the best fit of
 * the first non-empty bin above (whose blocks all fit), else the top.
 * Below SPARE_LIMIT a bin holds one size, so its best fit is its head (no
 * search, no split); and a small request cut from the low end of the spare
 * leaves the rest the spare (no list work): that keeps the small requests
 * that come and go most cheap. */
SPEED_INLINE static char *block_take(size_t bytes) {
    CHECK_SPARE();
    size_t size = size_for(bytes);
    uint32_t flags = 0;
    unsigned i = bin_of(size);
    char *b = best_fit(i, size);
    if (!b) {
        b = H.spare;
        if (b && free_size(*word(b)) >= size) goto take;
        for (;;) {
            reread();
            uint64_t above = H.bitmap & (~(uint64_t)1 << unhoisted(i));
            /* any block there fits; with no bin above, bin NBINS is empty */
            b = best_fit(above ? (unsigned)__builtin_ctzll(above) : NBINS, size);
            if (b) goto take;
            if (!above) break;
            /* that bin has emptied since its bit was set: clear the bit
             * (the lowest one of `above`), and look again */
            H.bitmap &= above - 1;
        }
        b = top_room(size);
        if (!b) return NULL;
        TOP_TAKEN(b, b + size);
        H.top = b + size;
        goto found;
    }
take:;
    /* After a small request the rest becomes the spare, the next requests'
     * first stop (splitting it costs no list work); an older spare goes to
     * its bin. After a larger one the rest goes to its bin: spares made of
     * large blocks cost pages. Blocks under 2 KiB come from the low end, so
     * that blocks allocated one after the other are neighbours in that
     * order; large ones from the high end: for a buffer that grows step by
     * step while the previous one is freed, that keeps the heap within 2.5x
     * of the buffer where low-end cuts need 3x. */
    size_t rest = free_size(*word(b)) - size;
    bin_remove(b); /* if b is the spare, H.spare is NULL after this */
#if AC_CHECKED
    /* the payload handed out (the high end for a large request, below),
     * and the words the split writes: the low part's footer, or the rest's
     * header, mark and links */
    if (rest && i >= bin_of(HIGH_SPLIT_BYTES))
        check_taken(b, rest + size, b + rest - 4, b + rest + size);
    else
        check_taken(b, rest + size, b + HDR_BYTES, b + size + (rest ? HDR_BYTES + 8 : 0));
#endif
    /* Both limits start a bin, so the request's bin i tells which side
     * of them size is (a 1-byte wasm constant where the size needs 2). */
    /* (a sliver left over is no spare: it fits no request) */
    if (rest && !is_sliver(rest) && i < bin_of(SPARE_LIMIT)) {
        /* (what follows the rest is in use and already knows that the
         * block before it is free) */
        if (H.spare) make_free(H.spare, free_size(*word(H.spare)), false);
        make_free(b + size, rest, true);
        goto found;
    }
    if (rest && i >= bin_of(HIGH_SPLIT_BYTES)) { /* the rest is the low end */
        make_free(b, rest, false);
        b += rest;
        flags = F_PREVFREE;
        rest = 0;
    }
    /* the rest above the block (what follows it is in use; it learns that
     * the block before it is free), or with none the block after learns
     * that the block before it is in use */
    free_tail(b + size, rest, false);
found:
    mem_undefined(b, size);
    *word(b) = flags | F_USED | (uint32_t)bytes << REQ_SHIFT;
    return b;
}

/* block_take() for every caller but malloc's own path: built for speed,
 * malloc has a copy inlined (alloc_counted() with `hot`), no call at all;
 * built for size, everyone calls this one. */
static char *block_alloc(size_t bytes) { return block_take(bytes); }

#if AC_AUDIT_SIZES
ac__audit_tables ac__audit;

static void audit_row(ac_audit_row_t *row, bool add) {
    if (!add) {
        row->live--;
        return;
    }
    row->live++;
    if (row->live > row->peak) row->peak = row->live;
    if (row->live > row->trip_peak) row->trip_peak = row->live;
}

/* Counts an in-use header in (add) or out of the audit tables. */
static void audit(uint32_t h, bool add) {
    size_t bytes = requested(h);
    audit_row(&ac__audit.by_size[bytes < 256 ? bytes : 256], add);
    audit_row(&ac__audit.by_align[(h & LOW_BITS) >> ALIGN_SHIFT], add);
}

static unsigned align_row(size_t align) {
    unsigned row = 0;
    while (row + 1 < AC_AUDIT_ALIGN_ROWS && ((size_t)AC_MALLOC_ALIGN << row) < align) row++;
    return row;
}
#define AUDIT(h, add) audit(h, add)
#else
#define AUDIT(h, add) ((void)0)
#endif

#if AC_CHECKED
static void set_canary(char *b) {
    uint32_t c = CANARY_SEED ^ (uint32_t)(uintptr_t)b;
    ac__memcpy(b + HDR_BYTES + requested(*word(b)), &c, 4);
}

static bool canary_intact(char *b) {
    uint32_t c;
    ac__memcpy(&c, b + HDR_BYTES + requested(*word(b)), 4);
    return c == (CANARY_SEED ^ (uint32_t)(uintptr_t)b);
}

/* The block that ends at b, by the footer before b: its size in whole
 * grains within the heap, and a block may start there; else NULL. Reads
 * only what the tools allow. */
static char *block_by_footer(char *b) {
    if (bytes_between(H.backend->begin, b) < 4 || mem_state(b - 4, 4) != MEM_OK) return NULL;
    size_t size = *word(b - 4);
    if (size < GRAIN || size % GRAIN || size > bytes_between(H.backend->begin, b)) return NULL;
    return block_at(b - size) ? b - size : NULL;
}

/* b is live (its mark says so) and its header says the block before is
 * free, but no whole free block ends at b: f, the block its footer leads
 * to (NULL: none), is not marked freed. Either b's header was written
 * (its flag: a write just before the payload, a foreign pointer as other
 * damage there), or the free block before was written after it was freed,
 * its footer or its mark (a free block made inside freed memory can lie
 * under a stale pointer), named as the engine names damage it comes upon:
 * heap_damaged() traps. The checker finds the first damage (that flag,
 * that footer, or any before them); it reads no marks, so where it finds
 * none, f's mark was hit. */
static int prev_free_error(char *b, char *f) {
    ac_heap_damage_t d;
    if (ac__heap_check_where(&d)) {
        if (f) heap_damaged(f);
    } else if (d.block) {
        char *named = (char *)d.block - HDR_BYTES;
        if (!(d.kind == AC_DAMAGE_PREV_FREE_FLAG && named == b)) heap_damaged(named);
    }
    return AC_ERROR_FOREIGN_POINTER;
}

int ac__heap_block_error(const void *payload) {
    char *p = (char *)(uintptr_t)payload, *b = p - HDR_BYTES;
    if (!H.last_span || ((uintptr_t)p & (GRAIN - 1)) || p < H.backend->begin + HDR_BYTES ||
        p >= H.backend->end)
        return AC_ERROR_FOREIGN_POINTER;
    /* Under ASan or valgrind the header of a block freed into a larger free
     * block or the top is inaccessible, which itself tells that it was
     * freed; an undefined one lies in a block's payload nobody wrote. */
    int state = mem_state(b, HDR_BYTES);
    if (state == MEM_NOACCESS) return AC_ERROR_DOUBLE_FREE;
    if (state == MEM_UNDEFINED) return AC_ERROR_FOREIGN_POINTER;
    uint32_t h = *word(b);
    /* a block freed: still a free block of its own, or its header and
     * mark filled over inside a larger one or the top */
    if (marked_freed(b) || (h == FILL_WORD && *word(b + 4) == FILL_WORD)) return AC_ERROR_DOUBLE_FREE;
    if (!is_align_bits(live_align_bits(b)) || is_free(h) ||
        used_size(h) > bytes_between(b, H.backend->end))
        return AC_ERROR_FOREIGN_POINTER;
    /* a header that says the block before is free must be right: freeing
     * merges with that block through the footer before b (a write before
     * the payload that set the flag would have it merge with garbage). The
     * merge checks that block's header when it takes it off its list; its
     * footer and mark are checked here. */
    if (h & F_PREVFREE) {
        char *f = block_by_footer(b);
        if (!f || !marked_freed(f)) return prev_free_error(b, f);
    }
    return canary_intact(b) ? 0 : AC_ERROR_OVERFLOW;
}
#endif

/* A new block in use: count it; audit builds also record its alignment,
 * checked builds mark it live (with its alignment) and put a canary after
 * it. */
static void *counted(char *b, size_t bytes, size_t align) {
    (void)align;
#if AC_AUDIT_SIZES
    *word(b) |= (uint32_t)align_row(align) << ALIGN_SHIFT;
#endif
#if AC_CHECKED
    mark_live(b, align);
    set_canary(b);
#endif
    AUDIT(*word(b), true);
    count_in_use(bytes, &ac__count.allocs);
#if AC_VALGRIND
    VALGRIND_MALLOCLIKE_BLOCK(b + HDR_BYTES, bytes, 0, 0);
#endif
    return b + HDR_BYTES;
}

/* A block for `bytes` at an alignment every payload has (at most GRAIN),
 * counted; NULL for an absurd size or when the backend refuses to grow.
 * `hot` (a constant): malloc's own path, which a speed build inlines whole
 * into malloc; a size build shares one copy of everything. */
SPEED_INLINE static void *alloc_counted(size_t bytes, size_t align, bool hot) {
    if (bytes > MAX_REQUEST) return NULL;
#if defined(__OPTIMIZE_SIZE__)
    (void)hot;
    char *b = block_alloc(bytes);
#else
    char *b = hot ? block_take(bytes) : block_alloc(bytes);
#endif
    return b ? counted(b, bytes, align) : NULL;
}

/* A block for `bytes`, counted; NULL for an absurd size or when the backend
 * refuses to grow. Static, like the rest of the engine's entry points that
 * malloc.c calls: each then has one caller there and is inlined into it. */
static void *heap_alloc(size_t bytes) { return alloc_counted(bytes, AC_MALLOC_ALIGN, true); }

#if AC_CHECKED
/* Checked builds, before a free of b (header h) changes anything: the free
 * blocks it will merge with must be whole and listed (the spare: by
 * CHECK_SPARE()), and a block in use after it marked live. A write after
 * free found there is reported with the heap as it was, b still live and
 * counted, for the hook's calls and other threads. */
static void check_merges(char *b, uint32_t h) {
    if (h & F_PREVFREE) {
        char *f = b - *word(b - 4); /* by its footer, which ac__heap_block_error() checked */
        if (f != H.spare) check_listed(f);
    }
    char *n = b + used_size(h);
    if (n == H.top) return;
    uint32_t nh = *word(n);
    if (!is_free(nh)) check_used(n, nh);
    else if (n != H.spare) check_listed(n);
}
#define CHECK_MERGES(b, h) check_merges(b, h)
#else
#define CHECK_MERGES(b, h) ((void)0)
#endif

/* Frees a live block (checked builds have checked it), counted. */
static void heap_free(void *payload) {
    CHECK_SPARE();
    char *b = (char *)payload - HDR_BYTES;
    uint32_t h = *word(b);
    CHECK_MERGES(b, h);
#if AC_VALGRIND
    VALGRIND_FREELIKE_BLOCK(payload, 0);
#endif
    AUDIT(h, false);
    count_in_use(0 - requested(h), &ac__count.frees);
    block_release(b, h, used_size(h));
}

#ifdef __EMSCRIPTEN__
/* Whether a free block of `size` bytes is there for malloc without the
 * top: the spare, the best fit of the size's own bin or any block of a bin
 * above, where block_take() looks. With emscripten a growth of the memory
 * that emscripten refuses aborts the program (-sABORTING_MALLOC, on by
 * default in a memory that may not grow): a block at the top grows in
 * place past the top only when no free block could take it instead, as
 * dlmalloc's realloc extends into its top only as far as the top goes. */
static bool free_block_holds(size_t size) {
    char *s = H.spare;
    if (s && free_size(*word(s)) >= size) return true;
    unsigned i = bin_of(size);
    if (best_fit(i, size)) return true;
    /* any block of a non-empty bin above fits (a set bit may be stale) */
    for (uint64_t above = H.bitmap & (~(uint64_t)1 << i); above; above &= above - 1)
        if (best_fit((unsigned)__builtin_ctzll(above), size)) return true;
    return false;
}
#endif

/* Resizes in place only; returns false (block unchanged) when it cannot,
 * which is only for growth: a shrink (bytes at most the block's request)
 * always succeeds, and resize() in malloc.c counts on that.
 * Static (malloc.c's resize() is its only caller): clang inlines it and
 * branches straight to the fallback; as an external function it was left
 * to wasm-opt, whose inlining keeps the result in a flag (12 bytes more). */
static bool heap_resize_in_place(void *payload, size_t bytes) {
    if (bytes > MAX_REQUEST) return false;
    CHECK_SPARE();
    char *b = (char *)payload - HDR_BYTES;
    uint32_t h = *word(b);
    size_t old = used_size(h), size = old, want = size_for(bytes);
    bool spare = false;
    char *n = b + size;
    if (want > size) {
        if (n == H.top) {
#ifdef __EMSCRIPTEN__
            /* past the top: moved, when a free block holds it (above) */
            if (want - size + HDR_BYTES > bytes_between(n, H.end) && free_block_holds(want))
                return false;
#endif
            /* size stays: free_tail() below moves the top up to b + want */
            if (top_room(want - size) != n) return false; /* NULL, or a new span began */
            TOP_TAKEN(n, b + want);
        } else {
            /* take the free block that follows; the rest is freed below */
            uint32_t nh = *word(n);
            size_t after = free_size(nh);
            if (!is_free(nh) || size + after < want) return false;
            spare = bin_remove(n);
            size += after;
            /* n's words and payload up to the block's new end, and the
             * words of the rest after it */
            CHECK_TAKEN(n, after, n, b + want + (size > want ? HDR_BYTES + 8 : 0));
        }
        mem_undefined(n, want - old);
    }
    /* the same block, new size: the flags and alignment row stay (adding
     * the change above them; it is also the count's) */
    size_t delta = bytes - requested(h);
    AUDIT(h, false);
    *word(b) = h + ((uint32_t)delta << REQ_SHIFT);
    AUDIT(*word(b), true);
    count_in_use(delta, NULL);
#if AC_VALGRIND
    /* memcheck treats a resize to 0 bytes as a bad free: re-register instead */
    if (bytes) {
        VALGRIND_RESIZEINPLACE_BLOCK(payload, requested(h), bytes, 0);
    } else {
        VALGRIND_FREELIKE_BLOCK(payload, 0);
        VALGRIND_MALLOCLIKE_BLOCK(payload, 0, 0, 0);
    }
#endif
#if AC_CHECKED
    /* The old canary, where it stays in the block, holds REUSED_BYTE from
     * now on: the program's bytes after growth, the block's slack after a
     * shrink (which a later growth gives back), like the rest of what the
     * program has not written. For the tools it is then as the resize
     * above left it: undefined, or (valgrind) inaccessible slack. The new
     * canary may cover some of it. */
    char *old_canary = b + HDR_BYTES + requested(h);
    if (bytes != requested(h) && old_canary + CANARY_BYTES <= b + want) {
        mem_defined(old_canary, CANARY_BYTES);
        reuse(old_canary, old_canary + CANARY_BYTES);
        if (bytes > requested(h)) mem_undefined(old_canary, CANARY_BYTES);
#if AC_VALGRIND
        else VALGRIND_MAKE_MEM_NOACCESS(old_canary, CANARY_BYTES);
#endif
    }
    /* after the resize above, which marks a shrunk block's old tail (where
     * the new canary goes) inaccessible */
    mem_defined(b + HDR_BYTES + bytes, CANARY_BYTES);
    set_canary(b);
#else
    /* and the usable bytes after the requested ones stay the caller's */
    mem_undefined((char *)payload + bytes, want - HDR_BYTES - bytes);
#endif
#if AC_CHECKED
    if (want < old) fill(b + want, old - want); /* the tail a shrink frees */
#endif
    free_tail(b + want, size - want, spare);
    return true;
}

/* A block for `bytes` whose payload is aligned to `align` (a power of two),
 * counted; NULL for an absurd size or alignment or when the backend
 * refuses to grow. */
static void *heap_alloc_aligned(size_t bytes, size_t align) {
    if (align <= GRAIN) return alloc_counted(bytes, align, false); /* every payload has it */
    /* Payloads are GRAIN-aligned, so an aligned one is at most align -
     * GRAIN bytes in, and that lead is a whole block to give back. */
    if (align > MAX_REQUEST || bytes > MAX_REQUEST - align) return NULL;
#if SLIVERS
    /* (the block for a request under MIN_BLOCK bytes is MIN_BLOCK bytes:
     * ask for as much, so that the aligned block after the lead has it) */
    char *b = block_alloc(size_for(bytes) - HDR_BYTES + align - GRAIN);
#else
    char *b = block_alloc(bytes + align - GRAIN);
#endif
    if (!b) return NULL;
    size_t size = used_size(*word(b));
    uintptr_t misalign = (uintptr_t)(b + HDR_BYTES) & (align - 1);
    if (misalign) {
        /* the aligned block starts `lead` bytes in; the lead is freed (it
         * may merge backwards) */
        size_t lead = align - misalign;
        *word(b + lead) = F_USED; /* in use for now: learns that the lead is free */
#if AC_CHECKED
        mark_live(b + lead, AC_MALLOC_ALIGN); /* not the stale mark there: check_used() */
#endif
        block_release(b, *word(b), lead);
        b += lead;
        size -= lead;
    }
    *word(b) = (*word(b) & (F_PREVFREE | F_USED)) | (uint32_t)bytes << REQ_SHIFT;
    FILL(b + size_for(bytes), size - size_for(bytes)); /* the tail freed */
    free_tail(b + size_for(bytes), size - size_for(bytes), false);
    return counted(b, bytes, align);
}

#if AC_CHECKED
/* The bytes asked for of a live block (checked builds' reports). */
static size_t heap_requested(const void *payload) {
    return requested(*word((char *)(uintptr_t)payload - HDR_BYTES));
}

/* The alignment a live block was allocated at, AC_MALLOC_ALIGN or more
 * (checked builds' reports). */
static size_t heap_align(const void *payload) {
    return (size_t)1 << live_align_bits((char *)(uintptr_t)payload - HDR_BYTES);
}
#endif

/* The bytes the caller of a live block may use. */
static size_t heap_usable(const void *payload) {
#if AC_CHECKED
    /* the canary sits right after the requested bytes */
    return heap_requested(payload);
#else
    return used_size(*word((char *)(uintptr_t)payload - HDR_BYTES)) - HDR_BYTES;
#endif
}

#if AC_VALGRIND
/* Before a reset, under valgrind: tells memcheck that the old heap's blocks
 * in use are gone. Walks each span's blocks while they read as blocks
 * (where blocks start, readable to valgrind, a block's size, not past the
 * top), bounded by the heap's own words, not the backend's: a caller may
 * have replaced the backend already (the tests do). A damaged heap is
 * walked up to its first bad header; blocks beyond it stay registered
 * with valgrind, and a damaged size that still reads as one can lead it
 * to tell valgrind of a block that is none (an error valgrind reports).
 * Always ends: each step moves on by a block's size. */
static void forget_blocks(void) {
    if (!RUNNING_ON_VALGRIND) return;
    size_t spans = 0;
    for (char *s = H.last_span; s && spans < 1u << 20; spans++) {
        char *stop = s == H.last_span ? H.top : NULL;
        for (char *b = s; b != stop; b += block_size(*word(b))) {
            if (!starts_block(b) || mem_state(b, 4) != MEM_OK ||
                (stop && b > stop) || is_fence(*word(b)) || block_size(*word(b)) < GRAIN)
                break;
            if (!is_free(*word(b))) VALGRIND_FREELIKE_BLOCK(b + HDR_BYTES, 0);
        }
        if (mem_state(s - 4, 4) != MEM_OK) return;
        s = span_before(s);
    }
}
#endif

void ac__heap_start(void) {
    if (H.backend == &ac__default_heap && !ac__default_heap.end) heap_init(NULL);
}

void ac__heap_reset(ac__backend *backend) {
#if AC_VALGRIND
    forget_blocks(); /* the blocks of the old heap are gone */
#endif
    H = (struct heap_state){0};
    ac__count = (ac__counters){0};
#if AC_AUDIT_SIZES
    ac__audit = (ac__audit_tables){0};
#endif
    heap_init(backend);
}

/* ---- checking ------------------------------------------------------------------------ */

/* Whether the checker may read the `bytes` at p (at most 16): inside the
 * backend's memory [lo, hi), and neither inaccessible nor undefined for the
 * tools. The words the checker reads in a sound heap (headers, links,
 * footers, span links) always are, so a damaged size or link that leads
 * elsewhere is reported as damage rather than read. */
static bool check_readable(char *p, size_t bytes, char *lo, char *hi) {
    return p >= lo && p <= hi && bytes <= bytes_between(p, hi) && mem_state(p, bytes) == MEM_OK;
}

/* Records the first inconsistency found: its kind, the word found wrong
 * (NULL: none) and what it holds where the checker may read it, and the
 * block b it was taken to belong to (NULL: none). False, for the
 * checker's returns. */
static bool damaged(ac_heap_damage_t *d, ac_damage_kind kind, char *w, char *b) {
    uint32_t found = 0;
    bool readable = w && check_readable(w, 4, H.backend->begin, H.backend->end);
    if (readable) __builtin_memcpy(&found, w, 4);
    *d = (ac_heap_damage_t){kind, (uintptr_t)w, found, b ? (uintptr_t)(b + HDR_BYTES) : 0,
                            readable};
    return false;
}

/* Walks the blocks of one span from `b`, its first; `stop` is the top for
 * the current span and NULL for closed ones (which end at their fence);
 * `link` is the word that led to the span (NULL: H.last_span did). Adds
 * what it sees to the totals. False on any inconsistency, recorded in *d;
 * reads only what check_readable() allows. */
typedef struct walk_totals {
    size_t free_blocks, free_bytes, live, in_use;
    size_t slivers; /* free blocks on no list for want of room (not the spare) */
} walk_totals;

static bool span_check(char *b, char *stop, char *link, walk_totals *t, ac_heap_damage_t *d) {
    char *lo = H.backend->begin, *hi = H.backend->end, *before = NULL;
    bool prev_free = false;
    for (;;) {
        if (b == stop) /* no free block touches the top */
            return !prev_free || damaged(d, AC_DAMAGE_FREE_NEIGHBOURS, before, before);
        if (stop && b > stop) return damaged(d, AC_DAMAGE_HEADER, before, before); /* past it */
        if (!starts_block(b) || !check_readable(b, 4, lo, hi)) {
            if (before) return damaged(d, AC_DAMAGE_HEADER, before, before); /* its size led here */
            return damaged(d, link ? AC_DAMAGE_SPAN_LINK : AC_DAMAGE_STATE, link, NULL);
        }
        uint32_t h = *word(b);
        if (!(h & F_PREVFREE) != !prev_free) return damaged(d, AC_DAMAGE_PREV_FREE_FLAG, b, b);
        if (is_fence(h)) return !stop || damaged(d, AC_DAMAGE_HEADER, b, b);
        size_t size = block_size(h);
        if (size < GRAIN || size > bytes_between(b, hi)) return damaged(d, AC_DAMAGE_HEADER, b, b);
        if (is_free(h)) {
            if (prev_free) return damaged(d, AC_DAMAGE_FREE_NEIGHBOURS, b, b);
            if (!check_readable(b + size - 4, 4, lo, hi) || *word(b + size - 4) != size)
                return damaged(d, AC_DAMAGE_FOOTER, b + size - 4, b);
            t->free_blocks++;
            t->free_bytes += size;
            if (is_sliver(size) && b != H.spare) t->slivers++;
        } else {
            t->live++;
            t->in_use += requested(h);
        }
        prev_free = is_free(h);
        before = b;
        b += size;
    }
}

/* Whether the free block b is on a list: its link back leads to a free
 * block, or its list's head, whose link on leads to b. If not, the link
 * that lost it is recorded in *d: that link on; or, where the link back
 * leads to no free block or claims a head that leads elsewhere, the link
 * back. (Every listed block's link back was checked, so a block whose
 * links agree is listed.) */
static bool listed_right(char *b, ac_heap_damage_t *d) {
    char *back_word = (char *)prev_of(b), *from;
    if (!block_at(b)) return damaged(d, AC_DAMAGE_FREE_LIST, back_word, b);
    link_t back = *word(back_word);
    if (is_mark(back)) /* first of its list, if its list's head leads to it */
        return *next_link(back) == link_of(b) || damaged(d, AC_DAMAGE_FREE_LIST, back_word, b);
    if (!block_at(from = at(back)) || !is_free(*word(from)))
        return damaged(d, AC_DAMAGE_FREE_LIST, back_word, b);
    char *on = (char *)next_of(from);
    return *word(on) == link_of(b) || damaged(d, AC_DAMAGE_FREE_LIST, on, from);
}

/* After the spans were found sound and the lists short of a free block:
 * records in *d the first free block (not the spare; spans from the
 * newest, blocks in address order) that is on no list. */
static void find_unlisted(ac_heap_damage_t *d) {
    for (char *s = H.last_span; s; s = span_before(s)) {
        char *stop = s == H.last_span ? H.top : NULL;
        for (char *b = s; b != stop && !is_fence(*word(b)); b += block_size(*word(b)))
            if (is_free(*word(b)) && b != H.spare && !is_sliver(block_size(*word(b))) &&
                !listed_right(b, d))
                return;
    }
}

bool ac__heap_check_where(ac_heap_damage_t *d) {
    char *lo = H.backend->begin, *hi = H.backend->end;
    *d = (ac_heap_damage_t){AC_DAMAGE_NONE, 0, 0, 0, false};
    if (H.top > H.end || (H.last_span && bytes_between(H.top, H.end) < HDR_BYTES))
        return damaged(d, AC_DAMAGE_STATE, NULL, NULL);
    walk_totals t = {0, 0, 0, 0, 0};
    size_t spans = 0;
    for (char *s = H.last_span, *link = NULL; s; spans++) {
        if (spans > 1u << 20) return damaged(d, AC_DAMAGE_SPAN_LINK, link, NULL); /* a loop */
        if (!span_check(s, s == H.last_span ? H.top : NULL, link, &t, d)) return false;
        if (!check_readable(s - 4, 4, lo, hi)) /* no span starts at s */
            return damaged(d, link ? AC_DAMAGE_SPAN_LINK : AC_DAMAGE_STATE, link, NULL);
        link = s - 4;
        s = span_before(s);
    }
    /* every free block is on the bin of its size, once, with good links */
    size_t listed = 0;
    for (unsigned i = 0; i < NBINS; i++) {
        link_t back = bin_mark(i);
        if (H.bins[i] && !(H.bitmap & ((uint64_t)1 << i)))
            return damaged(d, AC_DAMAGE_STATE, NULL, NULL);
        for (link_t l = H.bins[i]; l; back = l, l = *next_of(at(l))) {
            /* the link on that led here: the list's head (the heap's own
             * word, named as none) or the block before's first word */
            char *b = at(l), *from = is_mark(back) ? NULL : at(back);
            char *on = from ? (char *)next_of(from) : NULL;
            if (!block_at(b) || b == H.spare || ++listed > t.free_blocks)
                return damaged(d, AC_DAMAGE_FREE_LIST, on, from);
            uint32_t h = *word(b);
            if (!is_free(h) || is_sliver(free_size(h)) || bin_of(free_size(h)) != i)
                return damaged(d, AC_DAMAGE_FREE_LIST, on, from);
            if (*prev_of(b) != back) return damaged(d, AC_DAMAGE_FREE_LIST, (char *)prev_of(b), b);
        }
    }
    if (H.spare && !check_readable(H.spare, 4, lo, hi))
        return damaged(d, AC_DAMAGE_STATE, NULL, NULL);
    if (H.spare && !is_free(*word(H.spare)))
        return damaged(d, AC_DAMAGE_HEADER, H.spare, H.spare);
    if (listed + (H.spare != NULL) + t.slivers != t.free_blocks) {
        find_unlisted(d);
        return d->kind ? false : damaged(d, AC_DAMAGE_FREE_LIST, NULL, NULL);
    }
    if (t.live != ac__count.allocs - ac__count.frees || t.in_use != ac__count.in_use)
        return damaged(d, AC_DAMAGE_COUNTERS, NULL, NULL);
    return true;
}

bool ac__heap_check(void) {
    ac_heap_damage_t d;
    return ac__heap_check_where(&d);
}

/* ---- walking ----------------------------------------------------------------------------- */


/* One past the last byte of the span whose first block is `first`. */
static char *span_end(char *first) {
    if (first == H.last_span) return H.end;
    char *b = first;
    for (uint32_t h; !is_fence(h = *word(b));) b += block_size(h);
    return b + HDR_BYTES;
}

size_t ac__heap_walk(ac_walk_fn fn, void *ctx) {
    size_t n = 0;
    /* spans are chained newest first; visit them lowest address first */
    for (char *done = NULL;;) {
        char *first = NULL;
        for (char *s = H.last_span; s; s = span_before(s))
            if ((!done || s > done) && (!first || s < first)) first = s;
        if (!first) return n;
        done = first;

        char *end = span_end(first), *stop = first == H.last_span ? H.top : end - HDR_BYTES;
        ac_walk_entry e = {AC_WALK_SPAN, (uintptr_t)first, bytes_between(first, end), 0};
        n++;
        if (!fn(&e, ctx)) return n;
        for (char *b = first; b < stop; b += e.bytes) {
            uint32_t h = *word(b);
            e.bytes = block_size(h);
            if (is_free(h)) {
                e.kind = AC_WALK_FREE;
                e.addr = (uintptr_t)b;
                e.requested = 0;
            } else {
                e.kind = AC_WALK_USED;
                e.addr = (uintptr_t)(b + HDR_BYTES);
                e.requested = requested(h);
            }
            n++;
            if (!fn(&e, ctx)) return n;
        }
        if (first == H.last_span) {
            e = (ac_walk_entry){AC_WALK_TOP, (uintptr_t)H.top, bytes_between(H.top, H.end), 0};
            n++;
            if (!fn(&e, ctx)) return n;
        }
    }
}

#if AC_CHECKED
/* [p, end), free memory the tools keep inaccessible (a free block's body,
 * or the top below H.filled), must hold the fill: it is read with the
 * tools told, and made inaccessible again before a changed byte, the fill
 * restored, is reported. */
static void scan_filled(char *p, char *end) {
    if (p >= end) return;
    char *q = unfilled(p, end);
    int found = q ? refilled(q, p, end) : 0;
    mem_noaccess(p, bytes_between(p, end));
    if (q) write_after_free(q, found);
}

/* ac__heap_check_freed()'s visit to each entry of the walk: the top's
 * fill up to H.filled; a free block's mark, its body's fill, and for the
 * spare its link words' (it has no links); a block in use's canary (the
 * walk stops at the first written, *ctx set to its payload). */
static bool check_freed_entry(const ac_walk_entry *e, void *ctx) {
    char *b = (char *)e->addr;
    if (e->kind == AC_WALK_USED && !canary_intact(b - HDR_BYTES)) {
        *(const void **)ctx = b;
        return false;
    }
    if (e->kind == AC_WALK_TOP) scan_filled(b, H.filled);
    if (e->kind != AC_WALK_FREE) return true;
    if (!marked_freed(b)) heap_damaged(b); /* ac__heap_check() reads no marks */
    if (b == H.spare) check_filled(b + HDR_BYTES, b + HDR_BYTES + 8);
    scan_filled(b + HDR_BYTES + 8, b + e->bytes - 4);
    return true;
}
#endif

bool ac__heap_check_freed(const void **overrun) {
    *overrun = NULL;
    if (!ac__heap_check()) return false;
#if AC_CHECKED
    ac__heap_walk(check_freed_entry, overrun); /* the structure is sound: the walk is safe */
#endif
    return !*overrun;
}
