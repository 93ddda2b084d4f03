/*
 * none.c - the harness's own cost: a speed module with no allocator at all.
 *
 * Every allocating call returns the same small static buffer and free does
 * nothing, so a timed (unchecked) run of this module measures the harness
 * alone: its PRNG, its slot bookkeeping, its calls. bench/run.mjs subtracts
 * that time from every allocator's to give the allocator's share alone.
 *
 * It cannot pass a checked run (every block is the same bytes) and is only
 * ever run unchecked, where the harness writes nothing into blocks except
 * the linked workload's one link word per node. Not an allocator: never link
 * it into anything but the benchmark.
 */
#include <stddef.h>

void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void *aligned_alloc(size_t alignment, size_t size);

/* 16-aligned like any malloc payload; room for the link word */
static _Alignas(16) unsigned char buffer[64];

void *malloc(size_t size) {
    (void)size;
    return buffer;
}

void free(void *ptr) { (void)ptr; }

void *calloc(size_t count, size_t size) {
    (void)count;
    (void)size;
    return buffer;
}

void *realloc(void *ptr, size_t size) {
    (void)ptr;
    (void)size;
    return buffer;
}

void *aligned_alloc(size_t alignment, size_t size) {
    (void)alignment;
    (void)size;
    return buffer;
}
