/*
 * wasm_threads.c - alloc_cat on wasm32 built with atomics, under threads.
 *
 * A freestanding module that tests/wasm_threads.mjs instantiates once per
 * node worker, every instance over the same shared memory (so one heap and
 * one lock). A worker calls wt_run() with its own thread number: a
 * randomized run of malloc, calloc, realloc and free over slots of its own,
 * each live block stamped with a byte pattern that names its thread and
 * its allocation, checked before the block is freed or resized and after a
 * resize. Another thread's block laid over one of these, or a block handed
 * out twice, changes the pattern. The host then checks the heap and its
 * counters against the allocations the threads counted (wt_allocs).
 *
 * Stacks: wasm-ld gives each instance a __stack_pointer global that starts
 * at the same address, so all threads would push their frames into one
 * stack. Each worker first points its instance's stack pointer (exported)
 * at a stack of its own, wt_stack_top(thread). The slot table lives in that
 * stack, in wt_run()'s frame: threads that shared a stack would overwrite
 * each other's tables, and the run would fail.
 */
#include "alloc_cat.h"

#include <stddef.h>
#include <stdint.h>

#define WT_MAX_THREADS 8
#define WT_STACK_BYTES 16384
#define WT_SLOTS       64
#define WT_EDGE        128 /* bytes stamped in full at each end of a block */
#define WT_STRIDE      64  /* one byte stamped in this many between them */

/* What wt_run() returns: 0, or what went wrong first. */
enum {
    WT_OK = 0,
    WT_NO_MEMORY = 1,   /* an allocation returned NULL */
    WT_MISALIGNED = 2,  /* a block not aligned to AC_MALLOC_ALIGN */
    WT_DAMAGED = 3,     /* a block's stamp changed while it was live */
    WT_MOVED_WRONG = 4, /* realloc lost the bytes it had to keep */
    WT_NOT_ZEROED = 5,  /* calloc handed out a block not all zero */
    WT_BAD_THREAD = 6   /* a thread number out of range */
};

/* The threads' stacks (the stack grows down: a stack's top is the start of
 * the next one). */
static _Alignas(16) unsigned char stacks[WT_MAX_THREADS][WT_STACK_BYTES];

/* Each thread's successful allocations (a realloc that moves its block
 * counts one, as the heap counts it) and the operation that failed. */
static uint32_t allocs_of[WT_MAX_THREADS];
static uint32_t failed_op_of[WT_MAX_THREADS];

typedef struct slot {
    unsigned char *p; /* NULL when the slot is empty */
    size_t size;
    uint32_t tag; /* the stamp's first byte, and its step */
} slot;

uint32_t wt_stack_top(uint32_t thread);
uint32_t wt_run(uint32_t thread, uint32_t seed, uint32_t ops);
uint32_t wt_allocs(uint32_t thread);
uint32_t wt_failed_op(uint32_t thread);

uint32_t wt_stack_top(uint32_t thread) {
    if (thread >= WT_MAX_THREADS) return 0;
    return (uint32_t)(uintptr_t)(stacks[thread] + WT_STACK_BYTES);
}

uint32_t wt_allocs(uint32_t thread) {
    return thread < WT_MAX_THREADS ? allocs_of[thread] : 0;
}

uint32_t wt_failed_op(uint32_t thread) {
    return thread < WT_MAX_THREADS ? failed_op_of[thread] : 0;
}

static uint32_t next_random(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Mostly small blocks, some medium, a few large enough to grow the heap.
 * Small blocks keep the stamping short, so that the threads spend much of
 * their time inside the heap, where a missing lock shows. */
static size_t random_size(uint32_t *state) {
    uint32_t r = next_random(state);
    uint32_t kind = r & 63;
    r >>= 6;
    if (kind < 50) return 1 + r % 64;
    if (kind < 62) return 65 + r % 960;
    return 1025 + r % (256u * 1024u);
}

/* Byte i of a block with this tag: tag's low byte plus i times its step
 * (odd, so that the pattern repeats only every 256 bytes). */
static unsigned char stamp_byte(uint32_t tag, size_t i) {
    return (unsigned char)((tag & 0xffu) + i * ((tag >> 8) | 1u));
}

/* The byte after byte i that carries the stamp of a block of `size` bytes:
 * every byte of the first and last WT_EDGE, and one in WT_STRIDE between
 * them, so that a large block costs little more to stamp than a small one.
 * Which bytes these are depends on the size; their values do not. */
static size_t next_mark(size_t i, size_t size) {
    size_t tail = size > WT_EDGE ? size - WT_EDGE : 0;
    if (i + 1 < WT_EDGE || i + 1 >= tail) return i + 1;
    size_t next = (i | (WT_STRIDE - 1)) + 1;
    return next < tail ? next : tail;
}

static void stamp(unsigned char *p, size_t size, uint32_t tag) {
    for (size_t i = 0; i < size; i = next_mark(i, size))
        p[i] = stamp_byte(tag, i);
}

/* Whether the marks of a block of `size` bytes below `to` hold the stamp. */
static bool stamped(const unsigned char *p, size_t size, size_t to, uint32_t tag) {
    for (size_t i = 0; i < to; i = next_mark(i, size))
        if (p[i] != stamp_byte(tag, i)) return false;
    return true;
}

/* Whether the marks of a block of `size` bytes are all zero. */
static bool zeroed(const unsigned char *p, size_t size) {
    for (size_t i = 0; i < size; i = next_mark(i, size))
        if (p[i]) return false;
    return true;
}

static bool aligned(const void *p) {
    return ((uintptr_t)p & (AC_MALLOC_ALIGN - 1)) == 0;
}

/* A new tag for the n-th allocation of a thread: a first byte of its own
 * for each thread, so that stamps of different threads differ at every
 * byte where their steps agree, and a step that changes from block to
 * block. */
static uint32_t new_tag(uint32_t thread, uint32_t n) {
    return ((thread * 37u + 1u) & 0xffu) | (((n * 2654435761u) >> 16) << 8);
}

/* Allocates into an empty slot; 0 or what went wrong. */
static uint32_t fill_slot(slot *s, uint32_t thread, uint32_t *state, uint32_t *allocs) {
    size_t size = random_size(state);
    bool zero = (next_random(state) & 7) == 0;
    unsigned char *p = zero ? ac_calloc(1, size) : ac_malloc(size);
    if (!p) return WT_NO_MEMORY;
    (*allocs)++;
    if (!aligned(p)) return WT_MISALIGNED;
    if (zero && !zeroed(p, size)) return WT_NOT_ZEROED;
    s->p = p;
    s->size = size;
    s->tag = new_tag(thread, *allocs);
    stamp(p, size, s->tag);
    return WT_OK;
}

/* Resizes a live slot's block, keeping its stamp; 0 or what went wrong. */
static uint32_t resize_slot(slot *s, uint32_t *state, uint32_t *allocs) {
    size_t size = random_size(state);
    unsigned char *q = ac_realloc(s->p, size);
    if (!q) return WT_NO_MEMORY;
    if (q != s->p) (*allocs)++; /* moved: the heap counts an allocation and a free */
    if (!aligned(q)) return WT_MISALIGNED;
    size_t kept = size < s->size ? size : s->size;
    if (!stamped(q, s->size, kept, s->tag)) return WT_MOVED_WRONG;
    stamp(q, size, s->tag); /* the kept marks again, and those of the new size */
    s->p = q;
    s->size = size;
    return WT_OK;
}

/* ops random operations on this thread's slots, then frees what is left.
 * Returns 0, or the first failure (wt_failed_op() tells which operation). */
uint32_t wt_run(uint32_t thread, uint32_t seed, uint32_t ops) {
    if (thread >= WT_MAX_THREADS) return WT_BAD_THREAD;
    slot slots[WT_SLOTS] = {{NULL, 0, 0}};
    uint32_t state = (seed ^ (thread + 1u) * 0x9e3779b9u) | 1u;
    uint32_t allocs = 0;
    uint32_t err = WT_OK;
    uint32_t op;
    for (op = 0; op < ops + WT_SLOTS && !err; op++) {
        /* the last WT_SLOTS operations empty the slots in turn */
        bool draining = op >= ops;
        slot *s = &slots[draining ? op - ops : next_random(&state) % WT_SLOTS];
        if (!s->p) {
            if (!draining) err = fill_slot(s, thread, &state, &allocs);
            continue;
        }
        if (!stamped(s->p, s->size, s->size, s->tag)) {
            err = WT_DAMAGED;
        } else if (draining || (next_random(&state) & 3) != 0) {
            ac_free(s->p);
            s->p = NULL;
        } else {
            err = resize_slot(s, &state, &allocs);
        }
    }
    allocs_of[thread] = allocs;
    failed_op_of[thread] = err ? op - 1 : 0;
    return err;
}
