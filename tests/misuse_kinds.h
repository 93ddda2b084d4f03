/*
 * misuse_kinds.h - each kind of misuse a checked build (AC_CHECKED)
 * reports, committed the same way natively (tests/misuse_default.c: a child
 * process each) and on wasm32 (tests/misuse_wasm.c: a fresh instance each),
 * with the one line it must produce (%s: the address, as 0x and lowercase
 * hex) before the trap.
 *
 * The includer defines, before including this:
 *   tell(p)          passes on the address the line will name, before the
 *                    misuse (the report and the trap end the program)
 *   say(kind, msg)   what a hook that returns writes: "hook (kind K): msg"
 *                    as a line of its own
 */
#ifndef MISUSE_KINDS_H
#define MISUSE_KINDS_H

#include <stdint.h>

#include "alloc_cat.h"

static void double_free(void) {
    char *a = ac_malloc(24), *guard = ac_malloc(24);
    (void)guard;
    ac_free(a);
    tell(a);
    ac_free(a);
}

static void foreign_pointer(void) {
    static char not_from_the_heap[64];
    tell(not_from_the_heap + 16);
    ac_free(not_from_the_heap + 16);
}

static void foreign_interior(void) {
    char *a = ac_malloc(100);
    tell(a + 8);
    ac_free(a + 8);
}

/* One bit of a live block's mark flipped (a write just before the
 * payload): no longer a block alloc_cat handed out. */
static void foreign_mark_bit(void) {
    char *a = ac_malloc(40), *guard = ac_malloc(24);
    (void)guard;
    a[-4] = (char)(a[-4] ^ 1);
    tell(a);
    ac_free(a);
}

static void size_mismatch(void) {
    char *p = ac_alloc(40, 16);
    tell(p);
    ac_dealloc(p, 48, 16);
}

static void size_mismatch_free_sized(void) {
    char *p = ac_malloc(40);
    tell(p);
    ac_free_sized(p, 41);
}

static void overflow(void) {
    char *p = ac_malloc(40);
    tell(p);
    __builtin_memset(p, 'x', 40);
    p[40] = (char)~p[40]; /* one byte too many, and surely a different one */
    ac_free(p);
}

static void overflow_realloc(void) {
    char *p = ac_malloc(40);
    tell(p);
    p[42] = (char)~p[42]; /* a constant could equal the canary's byte (1 in 256) */
    char *q = ac_realloc(p, 400);
    (void)q;
}

/* A write past the end of a block that misses its canary and hits the
 * next block's header (its in-use bit): the free of the first block takes
 * the next for a free neighbour, and finds it marked in use. Named heap
 * damage at the next block, not a write after free. */
static void overrun_into_next_header(void) {
    char *a = ac_malloc(20), *b = ac_malloc(20), *guard = ac_malloc(20);
    (void)guard;
    b[-8] = (char)(b[-8] ^ 1); /* checked builds: header, then mark, before the payload */
    tell(b);
    ac_free(a);
}

/* One byte past a block that is never freed: found by
 * ac_heap_check_freed(), which reads every block in use's canary. */
static void overrun_found_by_check_freed(void) {
    char *p = ac_malloc(40), *guard = ac_malloc(24);
    (void)guard;
    p[40] = (char)~p[40];
    tell(p);
    bool ok = ac_heap_check_freed();
    (void)ok;
}

/* A write after free over the links of a freed block (the block after it,
 * in use, keeps it off the top), found by the next malloc of its size:
 * `bytes` bytes written from byte `at`, the report naming a + named. */
static void freed_and_written(size_t at, size_t bytes, size_t named) {
    char *a = ac_malloc(100), *guard = ac_malloc(100);
    (void)guard;
    ac_free(a);
    tell(a + named);
    __builtin_memset(a + at, 'x', bytes);
    char *b = ac_malloc(100);
    (void)b;
}

static void write_after_free(void) { freed_and_written(0, 8, 0); }

/* The same write, found by a free that merges with the damaged block. */
static void write_after_free_merge(void) {
    char *a = ac_malloc(100), *b = ac_malloc(100), *guard = ac_malloc(100);
    (void)guard;
    ac_free(a);
    tell(a);
    __builtin_memset(a, 0, 4); /* the next link: as if the end of its list */
    __builtin_memset(a + 4, 'A', 4);
    ac_free(b);
}

/* A free block made inside freed memory: a 200-byte block a is freed and
 * a malloc(40) takes its start (64 bytes in checked builds), so the rest
 * is the spare, its header at a + 56, its mark at a + 60, its payload at
 * a + 64. Two 24-byte blocks in use follow it; *guard is the first. Tells
 * a + 64 (the report names the rest) and returns a; *x is the block that
 * took the start. */
static char *split_rest(char **x, char **guard) {
    char *a = ac_malloc(200), *guard2;
    *guard = ac_malloc(24);
    guard2 = ac_malloc(24);
    (void)guard2;
    ac_free(a);
    *x = ac_malloc(40);
    tell(a + 64);
    return a;
}

/* A write after free over the header of that rest, found when the next
 * request takes it. */
static void write_after_free_header(void) {
    char *x, *guard, *a = split_rest(&x, &guard);
    __builtin_memset(a + 56, 'A', 4);
    char *y = ac_malloc(40);
    (void)y;
}

/* The same header hit, found by a free of the block before it (merging
 * forward: the damaged header says in use, but the block is marked freed). */
static void write_after_free_header_next(void) {
    char *x, *guard, *a = split_rest(&x, &guard);
    __builtin_memset(a + 56, 'A', 4);
    ac_free(x);
}

/* The same header hit, found by a free of the block after it (merging
 * backward through its footer). */
static void write_after_free_header_before(void) {
    char *x, *guard, *a = split_rest(&x, &guard);
    __builtin_memset(a + 56, 'A', 4);
    ac_free(guard);
}

/* Its mark hit, found by a free of the block after it: that block's
 * header says the block before is free, whose footer leads to a block not
 * marked freed (it used to be named a foreign pointer, the live block
 * freed). */
static void write_after_free_mark_before(void) {
    char *x, *guard, *a = split_rest(&x, &guard);
    __builtin_memset(a + 60, 'A', 4);
    ac_free(guard);
}

/* Its footer hit, the word before guard's header (a + 212: the rest is
 * 160 bytes), found by the same free, which finds no free block by it. */
static void write_after_free_footer_before(void) {
    char *x, *guard, *a = split_rest(&x, &guard);
    __builtin_memset(a + 212, 'A', 4);
    ac_free(guard);
}

/* Only the freed mark of that rest hit (its header intact). */
static void write_after_free_mark(void) {
    char *x, *guard, *a = split_rest(&x, &guard);
    __builtin_memset(a + 60, 'A', 4);
    char *y = ac_malloc(40);
    (void)y;
}

/* That header set to a smaller free size (its footer disagrees), found
 * when a request passes the rest by and it goes to its bin. As
 * split_rest(), with a larger freed block b waiting: allocated after the
 * split, b would come from the rest. */
static void write_after_free_spare_size(void) {
    char *a = ac_malloc(200), *guard = ac_malloc(24), *b = ac_malloc(300), *guard2 = ac_malloc(24);
    (void)guard, (void)guard2;
    ac_free(a);
    ac_free(b);
    char *x = ac_malloc(40); /* from a: the rest (160 bytes) is the spare */
    (void)x;
    tell(a + 64);
    uint32_t small = 32;
    __builtin_memcpy(a + 56, &small, 4);
    char *y = ac_malloc(40); /* the rest looks too small: from b, and the rest goes to a bin */
    (void)y;
}

/* The links of the first block of a list, found when another freed block
 * is put in front of it. */
static void write_after_free_list_head(void) {
    char *a = ac_malloc(100), *guard = ac_malloc(24), *b = ac_malloc(100), *guard2 = ac_malloc(24);
    (void)guard, (void)guard2;
    ac_free(a);
    tell(a);
    __builtin_memset(a, 'A', 8);
    ac_free(b);
}

/* The header of the second block of a list hit (the rest of a split, made
 * inside freed memory), found from the intact first one: the report names
 * the damaged block. */
static void write_after_free_next_header(void) {
    char *y = ac_malloc(1320), *guard = ac_malloc(24), *a = ac_malloc(2000), *guard2 = ac_malloc(24);
    (void)guard, (void)guard2;
    ac_free(a);
    char *x = ac_malloc(600); /* a's first 640 bytes; the rest (1,376) is listed */
    (void)x;
    ac_free(y); /* 1,344 bytes: the same list, in front of the rest */
    tell(a + 640);
    __builtin_memset(a + 632, 'A', 4);
    char *z = ac_malloc(1320);
    (void)z;
}

/* Only the back link of the second block of a list, found when a request
 * scans the list from its first block. */
static void write_after_free_back_link(void) {
    char *a = ac_malloc(100), *guard = ac_malloc(24), *b = ac_malloc(100), *guard2 = ac_malloc(24);
    (void)guard, (void)guard2;
    ac_free(a);
    ac_free(b); /* the list: b, then a */
    tell(a);
    __builtin_memset(a + 4, 'A', 4);
    char *c = ac_malloc(100);
    (void)c;
}

/* A hook that returns: the heap cannot go on, so the trap follows. It
 * allocates first, as hooks may, and comes upon the damage again: that
 * traps at once, without a second report. */
static void say_and_return(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)ptr, (void)ctx;
    say(kind, message);
    char *p = ac_malloc(100);
    (void)p;
}

static void write_after_free_hook_returns(void) {
    ac_set_error_hook(say_and_return, NULL);
    write_after_free();
}

/* A write after free anywhere else in freed memory: checked builds fill
 * free memory with 0xdb and check that fill when the memory is handed out
 * again; the report names the first byte that changed. Here a byte in the
 * middle of a freed block on a list, found by the next malloc of its
 * size. */
static void freed_data(void) { freed_and_written(50, 1, 50); }

/* A block freed into the top (the last block of a fresh heap), written at
 * 5,000 bytes in, found by the next malloc that takes that memory. */
static void freed_data_top(void) {
    char *a = ac_malloc(100000);
    ac_free(a);
    tell(a + 5000);
    a[5000] = 'x';
    char *b = ac_malloc(100000);
    (void)b;
}

/* A write where the header of a block merged into the freed block before
 * it was (its payload's first byte), found by a malloc that takes the
 * merged block whole (two 128-byte blocks: 256 bytes, a 240-byte request). */
static void freed_data_merged(void) {
    char *a = ac_malloc(100), *b = ac_malloc(100), *guard = ac_malloc(100);
    (void)guard;
    ac_free(a);
    ac_free(b);
    tell(b);
    b[0] = 0;
    char *c = ac_malloc(240);
    (void)c;
}

/* A block of `bytes` after a 100-byte one, freed and written at byte
 * `at`; then the 100-byte one grows into it (its 128-byte block to 224). */
static void freed_then_grown_into(size_t bytes, size_t at) {
    char *a = ac_malloc(100), *b = ac_malloc(bytes), *guard = ac_malloc(100);
    (void)guard;
    ac_free(b);
    tell(b + at);
    b[at] = 'x';
    char *c = ac_realloc(a, 200);
    (void)c;
}

/* A freed block written, found when the block before it grows into it. */
static void freed_data_realloc(void) { freed_then_grown_into(100, 30); }

/* Where a realloc growing into a freed neighbour writes the rest's mark
 * (into a 1,024-byte block: the rest's header at b + 88). */
static void freed_data_realloc_rest(void) { freed_then_grown_into(1000, 92); }

/* A block freed into the top written, found when the block before it
 * grows into the top. */
static void freed_data_realloc_top(void) {
    char *a = ac_malloc(100), *b = ac_malloc(5000);
    ac_free(b);
    tell(b + 100);
    b[100] = 'x';
    char *c = ac_realloc(a, 3000);
    (void)c;
}

/* The link words of the spare (it has no links) written: a block of
 * `bytes` freed, 24 bytes taken from its start (the rest becomes the
 * spare), freed again (merged with the spare, whose start it now is) and
 * written there. Returns the block after the spare, in use. */
static char *spare_written(size_t bytes) {
    char *big = ac_malloc(bytes), *after = ac_malloc(1), *guard = ac_malloc(1);
    (void)guard;
    ac_free(big);
    char *a = ac_malloc(24);
    ac_free(a);
    tell(a);
    a[0] = 'x';
    return after;
}

/* ... found when the block before it grows into it */
static void freed_data_realloc_spare(void) {
    char *p = ac_malloc(100);
    spare_written(3000);
    char *q = ac_realloc(p, 200);
    (void)q;
}

/* ... found when a malloc takes the spare */
static void freed_data_spare_links(void) {
    spare_written(3000);
    char *b = ac_malloc(24);
    (void)b;
}

/* A block of `bytes` freed (the block after it, in use, keeps it off the
 * top) and written at byte `at`, then a malloc of `request` bytes that
 * splits it. */
static void freed_then_split(size_t bytes, size_t at, size_t request) {
    char *big = ac_malloc(bytes), *guard = ac_malloc(1);
    (void)guard;
    ac_free(big);
    tell(big + at);
    big[at] = 'x';
    char *a = ac_malloc(request);
    (void)a;
}

/* Where a split writes the rest's mark (a 3,040-byte free block, 640
 * bytes taken from its low end: the rest's header at big + 632), found by
 * that split before it writes there. */
static void freed_data_split_words(void) { freed_then_split(3000, 636, 600); }

/* Where a split of a large block (cut from its high end) writes the low
 * part's footer: a 10,016-byte free block, 3,040 bytes taken, the footer
 * of the 6,976 bytes left at big + 6,964. */
static void freed_data_split_footer(void) { freed_then_split(10000, 6964, 3000); }

#ifdef __wasm32__
/* Where closing a span writes the free block its top becomes: a block
 * freed into the top and written at its start (its links' place), then
 * memory grown by someone else (a page right after the heap's), so that
 * the heap's next growth is not contiguous and the span is closed. */
static void freed_data_span_close(void) {
    char *a = ac_malloc(1000);
    ac_free(a);
    tell(a);
    a[0] = 'x';
    __builtin_wasm_memory_grow(0, 1);
    char *b = ac_malloc(200000);
    (void)b;
}
#endif

/* Writes into freed memory that nothing hands out again, found only by
 * ac_heap_check_freed(): byte `at` of a freed 128-byte block on a list
 * (its neighbour, in use, keeps it off the top; its links are at [0, 8),
 * its footer at 116): the first byte after the links ... */
static void freed_and_scanned(size_t at) {
    char *a = ac_malloc(100), *guard = ac_malloc(100);
    (void)guard;
    ac_free(a);
    tell(a + at);
    a[at] = 'x';
    ac_heap_check_freed();
}

static void freed_data_unreused(void) { freed_and_scanned(8); }

/* ... the last byte before its footer ... */
static void freed_data_unreused_last(void) { freed_and_scanned(115); }

/* ... a byte of a block freed into the top, 5,000 bytes in ... */
static void freed_data_unreused_top(void) {
    char *a = ac_malloc(100000);
    ac_free(a);
    tell(a + 5000);
    a[5000] = 'x';
    ac_heap_check_freed();
}

/* ... the spare's link words ... */
static void freed_data_unreused_spare(void) {
    spare_written(3000);
    ac_heap_check_freed();
}

/* ... and the mark of a free block made inside freed memory: a 1,024-byte
 * block freed, 640 bytes taken from its low end, the rest's header at
 * a + 632 and its mark at a + 636 (the report names the rest) */
static void freed_data_unreused_mark(void) {
    char *a = ac_malloc(1000), *guard = ac_malloc(1);
    (void)guard;
    ac_free(a);
    char *b = ac_malloc(600);
    (void)b;
    tell(a + 640);
    a[636] = 'x';
    ac_heap_check_freed();
}

/* A hook that allocates first, then returns: the memory found written has
 * been filled again (and a block found written is back on its list), so
 * its malloc succeeds and the heap checks whole, and the hook speaks; then
 * the trap. */
static void allocate_and_say(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)ptr, (void)ctx;
    char *p = ac_malloc(100000);
    if (p && ac_heap_check()) say(kind, message);
}

/* ... where the top was written (its malloc takes that same memory) */
static void freed_data_hook_allocates(void) {
    ac_set_error_hook(allocate_and_say, NULL);
    freed_data_top();
}

/* ... where a block on a list was written */
static void freed_data_hook_checks(void) {
    ac_set_error_hook(allocate_and_say, NULL);
    freed_data();
}

/* ... the spare's link words, found by a free that merges with it */
static void freed_data_hook_spare_merged(void) {
    ac_set_error_hook(allocate_and_say, NULL);
    ac_free(spare_written(3000));
}

/* ... in the top, found by ac_heap_check_freed() (the hook's malloc
 * takes that same memory, and the memory scanned is marked inaccessible
 * again for the tools before the hook runs) */
static void freed_data_hook_unreused(void) {
    ac_set_error_hook(allocate_and_say, NULL);
    freed_data_unreused_top();
}

/* ... the spare's link words, found by a malloc that splits a listed
 * block and would put the spare on a list */
static void freed_data_hook_spare_listed(void) {
    ac_set_error_hook(allocate_and_say, NULL);
    char *x = ac_malloc(1000), *guard = ac_malloc(1);
    (void)guard;
    spare_written(100);
    ac_free(x);
    char *y = ac_malloc(200);
    (void)y;
}

/* The state the hook sees: a's free finds the links of n, the free block
 * after it, written; the report comes before the free changes anything
 * (a still counted live, its header whole), so the hook's own check names
 * n, not a (before, a was counted freed and filled first, and the check
 * named a's header). */
static char *state_a, *state_n;

static void state_says(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)ptr, (void)ctx;
    ac_stats_t s;
    ac_stats_get(&s);
    ac_heap_damage_t d;
    bool sound = ac_heap_check_where(&d);
    bool as_it_was = s.live_blocks == 2 && !sound && d.block == (uintptr_t)state_n;
    say(kind, as_it_was ? message : "the heap had changed before the hook ran");
}

static void write_after_free_state_in_hook(void) {
    state_a = ac_malloc(100);
    state_n = ac_malloc(100);
    char *guard = ac_malloc(24);
    (void)guard;
    ac_free(state_n);
    ac_set_error_hook(state_says, NULL);
    tell(state_n);
    __builtin_memset(state_n, 'A', 8); /* its two links */
    ac_free(state_a);
}

#ifndef __wasm32__
#include <pthread.h>
#include <time.h>

/* Two threads, each with a write after free of its own, the second found
 * while the first's hook runs: each is reported to the hook (the flag that
 * tells a hook's own calls from others was one for the process, so the
 * second thread trapped at once, unreported, and the first hook never
 * returned). The first hook waits for the second (3 s at most), then
 * writes its line and returns, and the trap follows; the second waits
 * for it. */
static int hooks_entered;

static void sleep_ms(long ms) {
    struct timespec t = {0, ms * 1000000L};
    nanosleep(&t, NULL);
}

static void first_waits(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)ptr, (void)ctx;
    if (__atomic_add_fetch(&hooks_entered, 1, __ATOMIC_ACQ_REL) > 1)
        for (;;) sleep_ms(100); /* the second: the first one's trap ends the process */
    for (int i = 0; i < 300 && __atomic_load_n(&hooks_entered, __ATOMIC_ACQUIRE) < 2; i++)
        sleep_ms(10);
    bool both = __atomic_load_n(&hooks_entered, __ATOMIC_ACQUIRE) == 2;
    say(kind, both ? message : "the other thread's report did not come");
}

static void *check_in_second_thread(void *arg) {
    (void)arg;
    while (!__atomic_load_n(&hooks_entered, __ATOMIC_ACQUIRE)) sleep_ms(1);
    bool ok = ac_heap_check_freed(); /* finds b's byte: a's fill is restored */
    (void)ok;
    return NULL;
}

static void write_after_free_two_threads(void) {
    char *a = ac_malloc(100), *guard = ac_malloc(24), *b = ac_malloc(100), *guard2 = ac_malloc(24);
    (void)guard, (void)guard2;
    ac_free(a);
    ac_free(b);
    ac_set_error_hook(first_waits, NULL);
    a[50] = 'x';
    b[50] = 'x';
    pthread_t t;
    if (pthread_create(&t, NULL, check_in_second_thread, NULL)) return;
    tell(a + 50);
    bool ok = ac_heap_check_freed(); /* the walk comes to a first */
    (void)ok;
}
#endif

/* Each kind: the misuse, and the line it must produce (%s: the address). */
typedef struct kind {
    const char *name;
    void (*commit)(void);
    const char *format;
} kind;

static const kind kinds[] = {
    {"double_free", double_free, "alloc_cat: double free of %s in free"},
    {"foreign_pointer", foreign_pointer,
     "alloc_cat: foreign pointer %s in free: not a live block of this heap"},
    {"foreign_interior", foreign_interior,
     "alloc_cat: foreign pointer %s in free: not a live block of this heap"},
    {"foreign_mark_bit", foreign_mark_bit,
     "alloc_cat: foreign pointer %s in free: not a live block of this heap"},
    {"size_mismatch", size_mismatch,
     "alloc_cat: size mismatch for %s in ac_dealloc: given 48 bytes, align 16; the block has 40 "
     "bytes, align 16"},
    {"size_mismatch_free_sized", size_mismatch_free_sized,
     "alloc_cat: size mismatch for %s in free_sized: given 41 bytes; the block has 40 bytes, "
     "align 16"},
    {"overflow", overflow,
     "alloc_cat: write past the end of %s in free (40 bytes): its canary was overwritten"},
    {"overflow_realloc", overflow_realloc,
     "alloc_cat: write past the end of %s in realloc (40 bytes): its canary was overwritten"},
    {"overrun_found_by_check_freed", overrun_found_by_check_freed,
     "alloc_cat: write past the end of %s in ac_heap_check_freed (40 bytes): its canary was "
     "overwritten"},
    {"overrun_into_next_header", overrun_into_next_header,
     "alloc_cat: heap damage at %s: the header of the block in use there was overwritten (a write "
     "past the end of the block before it, or a stray pointer); the heap cannot go on"},
    {"write_after_free", write_after_free,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_header", write_after_free_header,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_header_next", write_after_free_header_next,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_header_before", write_after_free_header_before,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_mark_before", write_after_free_mark_before,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_footer_before", write_after_free_footer_before,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_mark", write_after_free_mark,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_spare_size", write_after_free_spare_size,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_list_head", write_after_free_list_head,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_next_header", write_after_free_next_header,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_back_link", write_after_free_back_link,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_merge", write_after_free_merge,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"freed_data", freed_data,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_top", freed_data_top,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_merged", freed_data_merged,
     "alloc_cat: write after free at %s: freed memory there holds 0x0, not the fill 0xdb"},
    {"freed_data_realloc", freed_data_realloc,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_realloc_rest", freed_data_realloc_rest,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_realloc_top", freed_data_realloc_top,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_spare_links", freed_data_spare_links,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_realloc_spare", freed_data_realloc_spare,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_split_words", freed_data_split_words,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_split_footer", freed_data_split_footer,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
#ifdef __wasm32__
    {"freed_data_span_close", freed_data_span_close,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
#endif
    {"freed_data_unreused", freed_data_unreused,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_unreused_top", freed_data_unreused_top,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_unreused_spare", freed_data_unreused_spare,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_unreused_last", freed_data_unreused_last,
     "alloc_cat: write after free at %s: freed memory there holds 0x78, not the fill 0xdb"},
    {"freed_data_unreused_mark", freed_data_unreused_mark,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"freed_data_hook_unreused", freed_data_hook_unreused,
     "hook (kind 5): alloc_cat: write after free at %s: freed memory there holds 0x78, not the "
     "fill 0xdb"},
    {"freed_data_hook_allocates", freed_data_hook_allocates,
     "hook (kind 5): alloc_cat: write after free at %s: freed memory there holds 0x78, not the "
     "fill 0xdb"},
    {"freed_data_hook_checks", freed_data_hook_checks,
     "hook (kind 5): alloc_cat: write after free at %s: freed memory there holds 0x78, not the "
     "fill 0xdb"},
    {"freed_data_hook_spare_merged", freed_data_hook_spare_merged,
     "hook (kind 5): alloc_cat: write after free at %s: freed memory there holds 0x78, not the "
     "fill 0xdb"},
    {"freed_data_hook_spare_listed", freed_data_hook_spare_listed,
     "hook (kind 5): alloc_cat: write after free at %s: freed memory there holds 0x78, not the "
     "fill 0xdb"},
    {"write_after_free_hook_returns", write_after_free_hook_returns,
     "hook (kind 5): alloc_cat: write after free at %s: the free block there lost its header "
     "or list links; the heap cannot go on"},
    {"write_after_free_state_in_hook", write_after_free_state_in_hook,
     "hook (kind 5): alloc_cat: write after free at %s: the free block there lost its header "
     "or list links; the heap cannot go on"},
#ifndef __wasm32__
    {"write_after_free_two_threads", write_after_free_two_threads,
     "hook (kind 5): alloc_cat: write after free at %s: freed memory there holds 0x78, not the "
     "fill 0xdb"},
#endif
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

#endif
