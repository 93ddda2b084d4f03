/*
 * alloc_cat.h - the one public header of alloc_cat, a small memory allocator
 * for C programs compiled to WebAssembly (wasm32), also built natively.
 *
 * This file is the contract. Every function documents when it returns NULL,
 * what zero sizes and NULL pointers do, the alignment it guarantees, its cost
 * and its thread safety.
 *
 * Units are part of the names: `words` are 4-byte units on every target,
 * `bytes` are bytes, `pages` are 64 KiB wasm pages, `align_bits` is the
 * number of trailing zero bits an address must have (align_bits = 3 means
 * 8-byte alignment).
 */
#ifndef ALLOC_CAT_H
#define ALLOC_CAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version, as text and as numbers for #if (AC_VERSION_MAJOR is the
 * shared library's soname, liballoc_cat.so.0). */
#define AC_VERSION_STRING "0.1.0"
#define AC_VERSION_MAJOR  0
#define AC_VERSION_MINOR  1
#define AC_VERSION_PATCH  0

/** A size_t constant, as UINT32_C makes a uint32_t one; in C++ without the
 * C cast that -Wold-style-cast names. */
#ifdef __cplusplus
#define AC_SIZE_C(n) (size_t(n))
#else
#define AC_SIZE_C(n) ((size_t)(n))
#endif

/* ------------------------------------------------------------------------ */
/* The region allocator                                                     */
/* ------------------------------------------------------------------------ */
/*
 * A region manages one contiguous span of memory of at most 2 MiB (header
 * included) and hands out blocks measured in 4-byte words. Its header sits at
 * the start of the span; the rest is split into
 *
 *   [ header | blocks handed out and free fragments | bump tail (unused) ]
 *   begin    ^ac_region_begin()                     ^bump                 ^end
 *
 * Free fragments below the bump pointer are kept on a singly linked list in
 * address order. Each free fragment starts with one packed 32-bit link:
 *
 *    31            19 18                              0
 *   +----------------+---------------------------------+
 *   |  size (words)  |  offset to next free (words)    |
 *   +----------------+---------------------------------+
 *       13 bits                    19 bits
 *
 * An offset of 0 ends the list. The list head is a zero-size link inside the
 * header. Hence one block is at most AC_REGION_MAX_BLOCK_WORDS words and a
 * region spans at most AC_REGION_MAX_SPAN_BYTES.
 *
 * Regions can be chained: alloc and free fall through to the next region of
 * the chain. The spans of a chain must not overlap (nor one lie inside a
 * block of another): a free goes to the first region whose span holds the
 * pointer. The region allocator is not thread-safe; callers serialize.
 * Checked builds (AC_CHECKED) check the heap only: a region's misuse is
 * not reported (its free returns false where the contract below says).
 * It never calls into libc and needs no backend: memory is the caller's.
 */

/** Largest block a region hands out, in words (13-bit size field). */
#define AC_REGION_MAX_BLOCK_WORDS 8191u
/** Largest block a region hands out, in bytes. */
#define AC_REGION_MAX_BLOCK_BYTES (AC_REGION_MAX_BLOCK_WORDS * 4u)
/** Largest span one region manages, header included, in bytes (2 MiB). */
#define AC_REGION_MAX_SPAN_BYTES (AC_SIZE_C(1) << 21)

/**
 * The region header. Its layout is part of the contract so that callers can
 * size buffers (`sizeof(ac_region)`) and so that tests can compare against
 * the seed's numbers, but its fields are private: read them through the
 * accessors below and never write them.
 * On x86_64 it is 32 bytes with `head` at byte 24; on wasm32 it is 16 bytes
 * with `head` at byte 12. In both cases the first block follows the header.
 */
typedef struct ac_region {
    struct ac_region *next; /* next region of the chain, or NULL */
    uint32_t *end;          /* one past the last word of the span */
    uint32_t *bump;         /* first word never handed out since the bump tail began */
    uint32_t head;          /* zero-size packed link: the free list's head */
} ac_region;

/** Statistics of a region, or summed over a chain by ac_region_stats(). */
typedef struct ac_region_stats_t {
    size_t regions;         /* regions in the chain */
    size_t total_words;     /* words after the headers */
    size_t allocated_words; /* bump pointer minus first word: handed out + fragments */
    size_t unused_words;    /* end minus bump pointer */
    size_t fragment_words;  /* words on the free lists */
    size_t fragments;       /* blocks on the free lists */
} ac_region_stats_t;

/**
 * Turns the span [begin, end) into a region and returns its header (placed at
 * `begin`). `begin` is rounded up to the header's alignment and `end` down to
 * a word. Returns NULL, touching nothing, when either pointer is NULL, when
 * end < begin, when the rounded span is smaller than the header or larger
 * than AC_REGION_MAX_SPAN_BYTES. O(1).
 */
ac_region *ac_region_init(void *begin, void *end);

/**
 * Allocates `words` words whose address has at least `align_bits` trailing
 * zero bits, from this region or, failing that, the next regions of the
 * chain. First fit along the free list among fragments whose start is
 * aligned (the tail of a larger fragment stays free); otherwise from the bump
 * pointer, whose skipped alignment words become free fragments (one per
 * AC_REGION_MAX_BLOCK_WORDS words, each inserted as a free inserts).
 * Returns NULL when r is NULL, words is 0 or above AC_REGION_MAX_BLOCK_WORDS,
 * align_bits is at least the pointer width, or no region has room; the
 * regions are then unchanged. Blocks are always word-aligned.
 * O(fragments) per region visited, times the padding fragments made (at
 * most 65 in a 2 MiB span).
 */
void *ac_region_alloc(ac_region *r, size_t words, unsigned align_bits);

/**
 * Gives back `words` words at `ptr`, a block from ac_region_alloc() of the
 * same chain with the same `words`. The region that holds `ptr` inserts it
 * in address order and merges it with touching free neighbours (never into a
 * fragment larger than AC_REGION_MAX_BLOCK_WORDS); a free run that ends at
 * the bump pointer is handed back to the bump tail.
 * Returns true when the block was freed. Returns false and changes nothing
 * when r or ptr is NULL, words is 0 or above AC_REGION_MAX_BLOCK_WORDS,
 * when no region of the chain holds ptr, when ptr is not word-aligned, when
 * the block would reach past the bump pointer, or when it overlaps a free
 * fragment (a double or overlapping free). A pointer or size that passes
 * these checks but is not the block's is taken as given: a larger `words`
 * frees the live blocks after it too, which are then handed out again
 * while still in use; a smaller one, or a pointer inside the block, frees
 * part of it and leaks the rest. Pass the pointer and size you allocated.
 * O(fragments); a free whose run reaches the bump pointer walks the list
 * once more for each fragment it hands back (at most 128 in a 2 MiB span).
 */
bool ac_region_free(ac_region *r, void *ptr, size_t words);

/**
 * Moves the end of the region to `new_end` (rounded down to a word), which
 * must lie at or after the current end, e.g. after the memory behind it was
 * obtained. Returns false and changes nothing when r or new_end is NULL, when
 * new_end is below the current end or when the span would exceed
 * AC_REGION_MAX_SPAN_BYTES. O(1).
 */
bool ac_region_extend(ac_region *r, void *new_end);

/** The next region of the chain, or NULL (also when r is NULL). O(1). */
ac_region *ac_region_next(const ac_region *r);

/**
 * Links `next` after `r` (NULL unlinks), replacing r's previous successor.
 * The chains must not form a cycle, and their spans must not overlap (see
 * above). No-op when r is NULL. O(1).
 */
void ac_region_set_next(ac_region *r, ac_region *next);

/** The first word after the header, where blocks start; NULL if r is NULL. */
void *ac_region_begin(const ac_region *r);

/** One past the last word of the region; NULL if r is NULL. */
void *ac_region_end(const ac_region *r);

/** The bump pointer: the first word of the unused tail; NULL if r is NULL. */
void *ac_region_bump(const ac_region *r);

/**
 * The packed free-list head link: 0 when no fragment is free, otherwise the
 * offset in words from the head word to the first free fragment. 0 if r is
 * NULL. O(1).
 */
uint32_t ac_region_head_link(const ac_region *r);

/**
 * Statistics summed over the chain starting at r (all zero when r is NULL).
 * O(regions + fragments).
 */
ac_region_stats_t ac_region_stats(const ac_region *r);

/**
 * Walks the whole chain and returns true when every invariant holds: each
 * region's span is within limits and begin <= bump <= end; each free list is
 * in strictly increasing address order, inside [begin, bump), its fragments
 * non-empty and non-overlapping; two touching fragments are left unmerged
 * only when their merged size would not fit the size field; no fragment
 * touches the bump pointer; and the stats add up. Never writes, never
 * crashes on a corrupted list; it trusts each header's end and bump within
 * the limits (a header overwritten with others may make it read outside
 * the span). NULL is a valid (empty) chain.
 * O(regions + fragments).
 */
bool ac_region_check(const ac_region *r);

/**
 * Writes a one-line description of the chain starting at r into buf, e.g.
 * "region 0x1020..0x1200 words=120 allocated=9 unused=111 free=[+0:3 +6:2]
 * -> region ..." (fragments as +offset:words from the first word, the first
 * eight of each region), always NUL-terminated when len > 0 and truncated to
 * fit. Returns the length the full line has (without the NUL), like
 * snprintf. Uses no libc. O(regions + fragments).
 */
size_t ac_region_format(const ac_region *r, char *buf, size_t len);


/* ------------------------------------------------------------------------ */
/* The heap: malloc family, layout API, static buffer                       */
/* ------------------------------------------------------------------------ */
/*
 * One heap per program, over a backend: wasm memory on wasm32 (from
 * __heap_base, growing with memory.grow; with emscripten through its
 * emscripten_resize_heap(), which applies the program's settings), an
 * mmap reservation natively (its
 * size from ALLOC_CAT_MMAP_HEAP_SIZE, build macro or environment variable,
 * default 1 GiB), or a caller's buffer (ac_heap_init_static). Freestanding
 * native builds (AC_FREESTANDING: bare metal, no operating system) have no
 * default backend: their heap has no memory until ac_heap_init_static().
 *
 * Guarantees of every allocating function below:
 *  - Payloads are aligned to AC_MALLOC_ALIGN (alignof(max_align_t): 16 on
 *    wasm32 and x86_64, 8 with emscripten and on 32-bit Arm) or to the
 *    alignment asked for, if larger. Any power
 *    of two is honoured as long as size + alignment stays within
 *    AC_MAX_REQUEST_BYTES; a request that cannot be aligned returns NULL.
 *  - NULL on failure, the heap unchanged and still usable (with
 *    emscripten's -sABORTING_MALLOC, its default where the memory may not
 *    grow, a growth emscripten refuses aborts the program instead, as its
 *    own allocators do); errno is then
 *    ENOMEM natively (EINVAL for an alignment that is not a power of two; a
 *    power of two too large to honour is ENOMEM) and, on wasm32, with
 *    emscripten (its errno, per thread with -pthread) and when a program
 *    built without atomics has wasi-libc's errno; freestanding native
 *    builds leave errno alone. Requests above
 *    AC_MAX_REQUEST_BYTES fail at once without growing the heap.
 *  - Cost: O(1) apart from growing the backend and copying in realloc
 *    (a bounded look into at most two size classes, found with a 64-bit map
 *    of the non-empty ones).
 *  - Thread safety: native builds take one lock around every call (and are
 *    fork-safe); wasm32 builds take none unless compiled with atomics (a
 *    spin lock then); one built without them cannot be linked into a
 *    module with shared memory (wasm-ld --shared-memory refuses it, unless
 *    the library was built with -flto). Freestanding native builds take
 *    none (callers serialize) unless built with AC_THREAD_SAFE=1: then the
 *    program's own, ac_user_lock() and ac_user_unlock() below.
 *  - Memory is never returned to the backend (wasm memory cannot shrink);
 *    freed blocks merge with their neighbours and the top of the heap.
 * Pointers passed to the freeing and resizing functions must come from this
 * heap and still be live; anything else is undefined behaviour (a build with
 * AC_CHECKED reports it).
 */

/**
 * The error numbers the heap reports (errno, posix_memalign's result):
 * Linux's natively; on wasm32 WASI's, which wasi-libc and emscripten use.
 */
#ifdef __wasm32__
#define AC_EINVAL 28
#define AC_ENOMEM 48
#else
#define AC_EINVAL 22
#define AC_ENOMEM 12
#endif

/**
 * Alignment of every payload, and the grain blocks come in (unchecked
 * builds): alignof(max_align_t), as the C library's own malloc aligns - 8
 * with emscripten and on 32-bit Arm, 16 elsewhere (wasm32 with clang or
 * wasi-libc, x86_64, i386) - unless the build sets AC_MALLOC_ALIGN_BYTES to
 * 8 or 16 (then for the library and every file that includes this header
 * alike). With 8, blocks come in 8-byte grains, 16 bytes at least, which
 * saves memory where small blocks abound.
 */
#if defined(AC_MALLOC_ALIGN_BYTES)
#if AC_MALLOC_ALIGN_BYTES == 8
#define AC_MALLOC_ALIGN 8u
#elif AC_MALLOC_ALIGN_BYTES == 16
#define AC_MALLOC_ALIGN 16u
#else
#error "AC_MALLOC_ALIGN_BYTES must be 8 or 16"
#endif
#elif defined(__EMSCRIPTEN__) || (defined(__arm__) && !defined(__aarch64__))
#define AC_MALLOC_ALIGN 8u
#else
#define AC_MALLOC_ALIGN 16u
#endif
/**
 * Largest request in bytes: 1 GiB - 33 (requests are kept in 30 header
 * bits); 64 MiB - 33 in builds with AC_AUDIT_SIZES, whose headers also hold
 * the alignment row.
 */
#if defined(AC_AUDIT_SIZES) && AC_AUDIT_SIZES
#define AC_MAX_REQUEST_BYTES AC_SIZE_C(0x03ffffdfu)
#else
#define AC_MAX_REQUEST_BYTES AC_SIZE_C(0x3fffffdfu)
#endif

/**
 * Allocates `size` bytes. ac_malloc(0) returns a unique pointer (to a block
 * with 12 usable bytes; 0 in checked builds) that must be freed like any
 * other. NULL when size > AC_MAX_REQUEST_BYTES or memory is exhausted.
 */
void *ac_malloc(size_t size);

/** Frees a block from this heap. NULL is a no-op. errno is left alone. */
void ac_free(void *ptr);

/**
 * Allocates count * size bytes, zeroed. NULL when the product overflows
 * size_t or exceeds AC_MAX_REQUEST_BYTES (the heap does not grow), or when
 * memory is exhausted.
 */
void *ac_calloc(size_t count, size_t size);

/**
 * Resizes the block at ptr to `size` bytes, keeping its first
 * min(old, size) bytes, where old is ac_malloc_usable_size(ptr) (bytes
 * written past the request are kept too). Shrinks always in place; grows in place when the
 * following block is free (and large enough) or is the top of the heap,
 * else moves the block (with emscripten a block at the top that needs
 * more than the top holds moves when a free block holds it, rather than
 * grow the memory). ptr NULL acts as ac_malloc(size). size 0 keeps a
 * 0-byte block (not freed) and returns it.
 * On failure returns NULL and the old block is intact and still owned by
 * the caller.
 */
void *ac_realloc(void *ptr, size_t size);

/**
 * C11 aligned_alloc: `alignment` must be a power of two (any size is
 * accepted, as in C17); otherwise NULL (errno EINVAL natively).
 */
void *ac_aligned_alloc(size_t alignment, size_t size);

/**
 * POSIX posix_memalign: stores the block in *out (not NULL) and returns 0;
 * returns AC_EINVAL when alignment is not a power of two multiple of
 * sizeof(void *), AC_ENOMEM when memory is exhausted or the alignment is
 * too large to honour. *out is untouched on failure.
 */
int ac_posix_memalign(void **out, size_t alignment, size_t size);

/**
 * Bytes usable at ptr (at least what was asked for; in checked builds
 * exactly that, as the canary follows); 0 for NULL. O(1). The caller may
 * write all of them, and ac_realloc keeps them all.
 */
size_t ac_malloc_usable_size(const void *ptr);

/** C23 free_sized: size must be what was asked for; otherwise as ac_free. */
void ac_free_sized(void *ptr, size_t size);

/**
 * C23 free_aligned_sized: for blocks from ac_aligned_alloc, with the
 * alignment and size asked for; otherwise as ac_free.
 */
void ac_free_aligned_sized(void *ptr, size_t alignment, size_t size);

/* The layout API, shaped like Rust's allocator interface: the caller keeps
 * size and alignment and passes them back. `align` must be a power of two
 * (NULL otherwise). Not interchangeable with the malloc family in checked
 * builds (which verify the size and alignment passed back); in other builds
 * the two share one heap. A size of 0 allocates a unique 0-byte block. */

/** Allocates size bytes aligned to align. */
void *ac_alloc(size_t size, size_t align);
/** Like ac_alloc, zeroed. */
void *ac_alloc_zeroed(size_t size, size_t align);
/** Frees a block from ac_alloc with the same size and align. NULL: no-op. */
void ac_dealloc(void *ptr, size_t size, size_t align);
/**
 * Resizes a block from ac_alloc(old_size, align) to new_size, keeping the
 * alignment and the first min(old_size, new_size) bytes; in place when it
 * can. NULL on failure with the old block intact. ptr NULL: allocates as
 * ac_alloc(new_size, align) does (old_size is not read).
 */
void *ac_resize(void *ptr, size_t old_size, size_t align, size_t new_size);

/**
 * Makes the heap use the caller's buffer [buf, buf + bytes) instead of the
 * default backend; the buffer never grows. Call it before the first
 * allocation: returns false and changes nothing when blocks are live, when
 * buf is NULL or when bytes is below 64 bytes (128 in checked builds).
 * Any alignment of buf works. The heap uses at most 4 GiB - 64 KiB of it
 * (its links and sizes are 32-bit words). In freestanding native builds
 * (AC_FREESTANDING) the heap has no other memory: every allocation before
 * this call returns NULL.
 */
bool ac_heap_init_static(void *buf, size_t bytes);

/**
 * The heap's lock in freestanding native builds made with AC_THREAD_SAFE=1:
 * the program defines both functions, and the library calls ac_user_lock()
 * before it reads or changes the heap and ac_user_unlock() after, in every
 * function that does (the malloc family, the layout API,
 * ac_heap_init_static, the stats, walks and checks, ac_set_error_hook).
 * It never takes the lock while holding it (a walk's callback runs under
 * it), and calls the error hook without it; the two functions must not
 * call the heap's. Any mutual exclusion works: an RTOS mutex, or
 * interrupts masked when interrupt handlers allocate. Other builds never
 * call them (natively they lock a pthread mutex; AC_THREAD_SAFE=0 and
 * freestanding builds by default take no lock).
 */
void ac_user_lock(void);
/** Releases what ac_user_lock() took; see there. */
void ac_user_unlock(void);

/* ------------------------------------------------------------------------ */
/* Statistics                                                               */
/* ------------------------------------------------------------------------ */

/** Counters of the heap; see ac_stats_get. */
typedef struct ac_stats_t {
    size_t in_use_bytes;    /* bytes asked for by live blocks */
    size_t peak_bytes;      /* high-water mark of in_use_bytes */
    size_t trip_peak_bytes; /* high-water mark since ac_stats_reset_trip() */
    size_t live_blocks;     /* blocks allocated and not yet freed */
    uint64_t allocs;        /* successful allocations (realloc moves count too) */
    uint64_t frees;         /* frees of live blocks (realloc moves count too) */
    size_t heap_bytes;      /* bytes the heap has obtained from its backend (on wasm32
                               from __heap_base, so not a multiple of 64 KiB) */
    size_t heap_pages;      /* heap_bytes in 64 KiB pages, rounded up */
} ac_stats_t;

/** Fills *out (not NULL) with the current counters. O(1). */
void ac_stats_get(ac_stats_t *out);

/**
 * Starts a new trip: trip_peak_bytes becomes in_use_bytes (and each audit
 * row's trip peak its live count). O(1); O(audit rows) with AC_AUDIT_SIZES.
 */
void ac_stats_reset_trip(void);

/**
 * Writes a readable multi-line report of the heap into buf: the counters of
 * ac_stats_get; the layout of ac_heap_info (spans, blocks in use and free,
 * the largest free block, the top, large blocks); the efficiency, in-use
 * bytes over the bytes obtained from the backend; and, in builds with
 * AC_AUDIT_SIZES, every audit row that was ever non-empty (peak > 0), by
 * request size and by alignment. Every line ends with a newline; sizes are in
 * bytes, with KiB, MiB, GiB or TiB in parentheses from 10 KiB on. Example:
 *
 *   alloc_cat heap
 *     in use        250 bytes in 2 blocks
 *     peak          300 bytes
 *     trip peak     250 bytes
 *     calls         3 allocs, 1 free
 *     backend       65536 bytes (64.0 KiB), 1 page
 *     efficiency    0.4% (in use / backend)
 *     spans         1 span, 65524 bytes (64.0 KiB)
 *     used blocks   2 blocks, 272 bytes
 *     free blocks   1 block, 48 bytes, largest 48 bytes
 *     top           65204 bytes (63.7 KiB)
 *     large blocks  0 used, 0 free (32768 bytes and more)
 *
 * (malloc 100 and 200, free the 100, ac_stats_reset_trip, malloc 50, on a
 * heap of one 64 KiB page; tests/test_stats.c checks these lines.) Audit
 * builds go on with "audit by size" and "audit by alignment" tables, one
 * line per row whose peak is not 0: live, peak and trip peak. A heap that
 * ac_heap_check() finds damaged is not walked: the layout lines give way
 * to one line, "  heap damaged at ...", ac_heap_damage_format()'s text
 * without its "alloc_cat: ".
 *
 * Always NUL-terminated when len > 0, truncated to fit; buf may be NULL when
 * len is 0. Returns the length of the full report without the NUL, like
 * snprintf, so a caller can size its buffer. Uses no libc and never
 * allocates: usable from destructors and exit paths. Takes the heap's lock
 * once, so the report is one consistent snapshot. O(blocks + spans^2) (the
 * check, then the walk: see ac_heap_walk).
 */
size_t ac_stats_format(char *buf, size_t len);

/* ------------------------------------------------------------------------ */
/* Looking inside the heap                                                  */
/* ------------------------------------------------------------------------ */

/** Blocks of at least this many bytes count as large in ac_heap_info. */
#define AC_LARGE_BLOCK_BYTES 32768u

/** What a heap walk entry is. */
typedef enum ac_walk_kind {
    AC_WALK_SPAN = 0, /* a span of heap memory, contiguous; the entries up to
                         the next span lie inside it */
    AC_WALK_USED = 1, /* a block in use: addr is the payload */
    AC_WALK_FREE = 2, /* a free block (a fragment) */
    AC_WALK_TOP = 3   /* the unused tail of the last span, handed out by bump */
} ac_walk_kind;

typedef struct ac_walk_entry {
    ac_walk_kind kind;
    uintptr_t addr;   /* first byte: the payload for USED, the block otherwise */
    size_t bytes;     /* bytes covered, headers included */
    size_t requested; /* USED: the bytes asked for; 0 for other kinds */
} ac_walk_entry;

/** Called for each entry; return false to stop the walk. */
typedef bool (*ac_walk_fn)(const ac_walk_entry *entry, void *ctx);

/**
 * Calls fn (not NULL) for every span, block in use, free block and the top
 * of the heap in address order and returns how many entries it visited (the
 * one whose call returned false included). A span's entry starts at its
 * first block's header and runs to the span's end; the blocks and the top
 * inside it follow one another from that address without gaps, but for a
 * span closed by non-contiguous growth, which ends in a fence no entry
 * covers (4 bytes, 8 in checked builds). Before each span's entry lie its
 * link and alignment (at most 19 bytes, 35 in checked builds), in no
 * entry: the spans' bytes add up to less than ac_stats_t's heap_bytes by
 * those. Holds the heap's lock: the callback must not call alloc_cat's
 * heap functions (allocation, stats, info, checks, the heap map): they
 * take the same lock and would wait for ever (natively, and on wasm32
 * with threads). Copy what it needs and act after the walk. An
 * empty, never used heap has no entries. O(blocks + spans^2): spans are
 * chained newest first, and the walk finds each next one in address order
 * by a pass over that chain. Natively the heap has one span; on wasm32 one
 * more for each growth that was not contiguous (the program grew the
 * memory itself in between), so the term is small in practice (16,000
 * spans of one block each took 7.9 s to walk, measured natively).
 * It follows the blocks' sizes as they stand: on a heap that
 * ac_heap_check() finds damaged, use neither this nor ac_heap_info()
 * (ac_heap_check_where() tells where the damage is).
 */
size_t ac_heap_walk(ac_walk_fn fn, void *ctx);

/** The heap's layout, summed by ac_heap_info. */
typedef struct ac_heap_info_t {
    size_t spans;              /* contiguous spans of memory (the seed's regions) */
    size_t span_bytes;         /* bytes they cover */
    size_t used_blocks;        /* blocks in use */
    size_t used_bytes;         /* their bytes, headers and rounding included */
    size_t free_blocks;        /* free blocks (fragments) */
    size_t free_bytes;         /* their bytes */
    size_t largest_free_bytes; /* the largest free block */
    size_t top_bytes;          /* the unused tail of the last span */
    size_t large_used;         /* blocks in use of AC_LARGE_BLOCK_BYTES or more */
    size_t large_free;         /* free blocks of AC_LARGE_BLOCK_BYTES or more */
} ac_heap_info_t;

/** Fills *out (not NULL) by walking the heap as ac_heap_walk() does (not
 * on a damaged heap, likewise). O(blocks + spans^2), as the walk; holds
 * the lock. */
void ac_heap_info(ac_heap_info_t *out);

/**
 * Walks every span and free list and returns true when every invariant
 * holds (block sizes and flags, footers, no touching free blocks, each free
 * block on the list of its size exactly once but the one kept aside for
 * the next small split, counters agree). Never writes, reads only inside
 * memory the backend handed out; built with ASan or under valgrind, it
 * reads nothing they mark inaccessible or undefined either, so damage that
 * leads into free or unwritten memory returns false rather than a tool's
 * report. O(blocks); holds the lock.
 */
bool ac_heap_check(void);

/**
 * ac_heap_check(), then, in checked builds (AC_CHECKED), the fill of all
 * free memory (see "Misuse reports" below): every free block and the top,
 * as far as the top was ever handed out; and each free block's mark. A
 * byte that differs is reported as a write after free
 * (AC_ERROR_WRITE_AFTER_FREE, naming its address, the fill restored; for a
 * mark, naming that free block's payload) and, as after every write after
 * free, the program traps when the hook returns. Then each block in use's
 * canary: the first block found written past its end is reported as a
 * free of it would be (AC_ERROR_OVERFLOW, "write past the end of 0x... in
 * ac_heap_check_freed (N bytes)"), and if the hook returns, the call
 * returns false. This finds writes into freed memory that is never handed
 * out again, and overruns of blocks that are never freed, which the
 * allocating calls cannot see: call it where a program may have written
 * through a stale pointer or past a block (before exit, between a test's
 * steps). Returns false, without reading free memory, where
 * ac_heap_check() does; true otherwise. Other
 * builds: the same as ac_heap_check(). O(blocks + spans^2 + free bytes) in
 * checked builds (a walk: see ac_heap_walk); holds the lock (released
 * before a report).
 */
bool ac_heap_check_freed(void);

/** What ac_heap_check_where() found wrong first. */
typedef enum ac_damage_kind {
    AC_DAMAGE_NONE = 0,            /* nothing: the heap is sound */
    AC_DAMAGE_HEADER = 1,          /* a block's header holds a size that leads to no
                                      block (0, past the end of memory, not ending at
                                      a block), or says in use for the block the heap
                                      keeps free for its next split */
    AC_DAMAGE_PREV_FREE_FLAG = 2,  /* a header's flag "the block before is free"
                                      says otherwise than that block's header */
    AC_DAMAGE_FOOTER = 3,          /* a free block's last word does not hold its size */
    AC_DAMAGE_FREE_NEIGHBOURS = 4, /* a free block next to another free block (addr:
                                      the second's header) or ending at the top
                                      (addr: its header) */
    AC_DAMAGE_SPAN_LINK = 5,       /* the link from a span to the span before leads
                                      to no span's first block, or round in a loop */
    AC_DAMAGE_FREE_LIST = 6,       /* a free list's link (a free block's first
                                      payload word, or its second: the link back)
                                      leads to no free block of that list, or
                                      disagrees with the link back; or the list
                                      misses a free block (addr: the link that
                                      should lead to it). addr is 0 where the
                                      list's head (the heap's own word) leads
                                      wrong, or the block missed is not found */
    AC_DAMAGE_COUNTERS = 7,        /* the counters (ac_stats_get) disagree with the
                                      blocks in use; addr is 0 */
    AC_DAMAGE_STATE = 8            /* the heap's own variables (its top, its spare
                                      block, a bin without its bit) disagree with its
                                      memory; addr is 0 */
} ac_damage_kind;

/** Where ac_heap_check_where() found the heap inconsistent. */
typedef struct ac_heap_damage_t {
    ac_damage_kind kind;
    uintptr_t addr;  /* the word found wrong (a header, a footer, a link), or 0 */
    uint32_t found;  /* what that word holds, if readable */
    uintptr_t block; /* the block the word was taken to belong to, by its payload
                        (what malloc returned for it, for a block in use), or 0;
                        for a span's closing fence, which is no block, the
                        address after it */
    bool readable;   /* whether the checker could read the word: false (found 0)
                        where it lies outside the backend's memory or ASan or
                        valgrind keep it inaccessible or undefined */
} ac_heap_damage_t;

/**
 * ac_heap_check(), and where it failed: returns the same result and fills
 * *out (not NULL) with the first inconsistency found (every field zero or
 * false, AC_DAMAGE_NONE, when the heap is sound). The check visits the spans from the newest, each
 * one's blocks in address order, then the free lists and the counters,
 * and stops at the first thing that does not agree. The damaged word is
 * usually the one named; a size or link damaged into another plausible
 * value shows where it leads instead: a free block's size, at the footer
 * it leads to; a size in use, inside the block it leads into; a request
 * size, as counters that disagree; a lost link between spans, as a list
 * leading to blocks no walk reached. A use after free that writes a freed
 * block's first payload words (its list links) is named by that block.
 * Reads, in every build, only memory ac_heap_check() may read (inside the
 * backend's memory; nothing ASan or valgrind keep inaccessible or
 * undefined); never writes the heap. O(blocks), and O(blocks) again when
 * a free block is on no list; holds the lock.
 */
bool ac_heap_check_where(ac_heap_damage_t *out);

/**
 * The damage *d (not NULL) as one line of text, e.g. "alloc_cat: heap damaged at
 * 0x11048: a free block's footer that does not hold its size (it holds
 * 0x41414141; block 0x11020)", or "alloc_cat: heap sound" for
 * AC_DAMAGE_NONE; addr, found and block are left out where addr is 0,
 * block where it is 0, and "it holds 0x..." reads "it cannot be read" where
 * the word was not readable; a kind outside ac_damage_kind reads
 * "alloc_cat: heap damaged (unknown kind)". Writes as ac_stats_format()
 * does (NUL-terminated, truncated to len, buf may be NULL when len is 0,
 * no libc, no allocation) and returns the full length. Reads only *d.
 * O(1).
 */
size_t ac_heap_damage_format(const ac_heap_damage_t *d, char *buf, size_t len);

/* ---- audit tables (build with -DAC_AUDIT_SIZES=1) ---- */

/** Rows by request size: 0..255 bytes exactly, row 256 = 256 and larger. */
#define AC_AUDIT_SIZE_ROWS 257
/**
 * Rows by alignment: AC_MALLOC_ALIGN (and less), twice that, ..., row 15 =
 * AC_MALLOC_ALIGN << 15 and larger (16, 32, ..., 512 KiB; with 8-byte
 * grains 8, 16, ..., 256 KiB).
 */
#define AC_AUDIT_ALIGN_ROWS 16

typedef struct ac_audit_row_t {
    size_t live;      /* blocks of this row now */
    size_t peak;      /* high-water mark of live */
    size_t trip_peak; /* high-water mark since ac_stats_reset_trip() */
} ac_audit_row_t;

typedef struct ac_audit_t {
    ac_audit_row_t by_size[AC_AUDIT_SIZE_ROWS];
    ac_audit_row_t by_align[AC_AUDIT_ALIGN_ROWS];
    size_t first_align_bytes; /* by_align[i] is first_align_bytes << i: AC_MALLOC_ALIGN */
} ac_audit_t;

/**
 * Copies the audit tables into *out (not NULL) and returns true in builds
 * with AC_AUDIT_SIZES; otherwise zeroes *out and returns false. O(rows).
 */
bool ac_audit_get(ac_audit_t *out);

/* ---- for hosts reading a wasm instance's memory (js/alloc_cat.mjs) ---- */
/*
 * Each fills a static copy and returns its address, so that a host (e.g.
 * JavaScript holding a wasm instance) can read the numbers without
 * allocating inside the heap it observes. The copy is overwritten by the
 * next call: not for concurrent use. O(1), except ac_heap_info_for_host
 * and ac_heap_damage_for_host (the check, and a walk: O(blocks + spans^2),
 * see ac_heap_walk). On wasm32
 * the layouts are fixed: ac_stats_t is 40 bytes (allocs and frees are
 * 64-bit at offsets 16 and 24), ac_heap_info_t ten 32-bit words, ac_audit_t
 * 273 rows of three 32-bit words and first_align_bytes.
 */
const ac_stats_t *ac_stats_for_host(void);
/** NULL when ac_heap_check() finds the heap damaged (it is not walked; before
 * ac_heap_check_where() came, it walked such a heap and never returned NULL). */
const ac_heap_info_t *ac_heap_info_for_host(void);
/** NULL in builds without AC_AUDIT_SIZES. */
const ac_audit_t *ac_audit_for_host(void);
/** NULL when the heap is sound; else ac_heap_check_where()'s damage as
 * ac_heap_damage_format() writes it (NUL-terminated, at most 255 bytes). */
const char *ac_heap_damage_for_host(void);

/* ------------------------------------------------------------------------ */
/* Misuse reports (build with -DAC_CHECKED=1)                               */
/* ------------------------------------------------------------------------ */
/*
 * A checked build keeps a magic word after each block header and a 4-byte
 * canary after each block's requested bytes (blocks then come in 32-byte
 * grains), and checks every pointer passed to a freeing or resizing
 * function of the heap (the region allocator's are not checked). It reports:
 *  - a double free (the block was freed and its memory not reused since),
 *  - a pointer alloc_cat never handed out (or freed and since reused),
 *  - a size passed back to ac_dealloc, ac_resize, ac_free_sized or
 *    ac_free_aligned_sized that disagrees with the block, or an alignment
 *    passed back to ac_dealloc, ac_resize or ac_free_aligned_sized other
 *    than the one the block was allocated at (a block keeps it; any
 *    alignment up to AC_MALLOC_ALIGN counts as AC_MALLOC_ALIGN, which
 *    every block has). A realloc that stays in place keeps the block's
 *    alignment, one that moves gives AC_MALLOC_ALIGN; ac_free_sized checks
 *    only the size (C23 allows it for realloc's result),
 *  - bytes written past the end of a block (the canary, checked when the
 *    block is freed or resized),
 *  - a write after free. Free memory is filled with 0xdb bytes. Memory
 *    handed out again (by malloc and the other allocating calls, or a
 *    realloc that grows in place) is checked for that fill first, and so
 *    are the bytes where a split puts the heap's own words; then it is set
 *    to 0xcd, the heap's old words in it too. So the bytes of a block that
 *    the program has not written since read 0xcd, and so does the old
 *    canary of a block that a realloc grows in place; memory never handed
 *    out before reads as the system gave it. A byte that differs is
 *    reported, the pointer named being its address: "freed memory there
 *    holds 0x.., not the fill 0xdb". A write over what the heap keeps in
 *    free memory is found sooner, when the heap next uses it (in whichever
 *    call takes, merges with or lists that free block or one next to it on
 *    its list): the list links in the first 8 bytes of a freed block's
 *    payload (while it is a free block of its own on a list) or the header,
 *    footer or mark of a free block made since inside freed memory; the
 *    pointer named is then that free block's payload ("the free block there
 *    lost its header or list links"). A write into freed memory that is
 *    not handed out again is seen only by ac_heap_check_freed(). The same
 *    search finds a block in use whose header was overwritten (a write
 *    past the end of the block before it that missed its canary, or a
 *    stray pointer) when the heap takes it for a free neighbour: that is
 *    reported under the same kind, as "heap damage at" its payload: "the
 *    header of the block in use there was overwritten".
 * Each report goes to the error hook. The default hook writes one line
 * naming the kind and the address (to stderr natively, with emscripten,
 * and in WASI programs, through wasi-libc's fd_write; in wasm32 programs
 * without wasi-libc and in freestanding native builds it is kept for
 * ac_last_error() only) and then traps. If a hook returns, the offending call
 * does nothing: a bad free frees nothing, a bad realloc returns NULL; but
 * after a write after free the program traps when the hook returns (the
 * heap cannot go on with a block or list it cannot trust, nor hand out
 * memory the program still writes to), or at once if the hook's own calls
 * come upon damage again (the fill found changed is restored, and a free
 * block found written is put back on its list, before the hook runs: its
 * calls can take that memory; a free that finds it has changed nothing
 * yet). Natively another thread's damage, found meanwhile, is reported to
 * the hook too; on wasm32 with atomics it traps at once. A wasm32 host may catch that trap and go on
 * with the instance: a later write after free is reported again, with its
 * own address (a hook that leaves by longjmp instead of returning ends
 * that: later ones trap at once, unreported).
 * Which of the first two kinds a freed pointer gets is a diagnosis, not a
 * promise: a block freed and then reused can still show its old "freed"
 * mark and be named a double free, and so is any pointer whose header lies
 * in free memory (the fill, twice); under ASan or valgrind any pointer whose
 * header lies in memory the heap keeps free or unused (the top included)
 * is named a double free, and one whose header was never written since it
 * was handed out a foreign pointer. Either way the call does nothing.
 * Other builds check nothing (misuse is undefined behaviour) and never call
 * the hook.
 */

typedef enum ac_error_kind {
    AC_ERROR_DOUBLE_FREE = 1,
    AC_ERROR_FOREIGN_POINTER = 2,
    AC_ERROR_SIZE_MISMATCH = 3,
    AC_ERROR_OVERFLOW = 4,
    AC_ERROR_WRITE_AFTER_FREE = 5
} ac_error_kind;

/**
 * A misuse report: kind, the pointer passed, a one-line message (the
 * hook's own: it stays as it is while the hook runs, whatever other
 * threads or the hook itself report meanwhile). The hook runs without the
 * heap's lock: it may allocate and free.
 */
typedef void (*ac_error_hook_fn)(ac_error_kind kind, const void *ptr, const char *message,
                                 void *ctx);

/** Installs `hook` (NULL: the default) with its context. Thread-safe. */
void ac_set_error_hook(ac_error_hook_fn hook, void *ctx);

/** The last report's message, from any thread ("" if none). Not
 * synchronized: read it when no other thread may make a report. */
const char *ac_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* ALLOC_CAT_H */
