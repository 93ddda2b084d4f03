/*
 * backend_mmap.c - the heap's memory natively: one anonymous reservation,
 * made inaccessible at first and opened page by page as the heap grows, so
 * that the heap is contiguous, 64 KiB aligned and addressable with 32-bit
 * offsets like wasm memory.
 *
 * Its size is ALLOC_CAT_MMAP_HEAP_SIZE: the build macro (bytes), overridden
 * at run time by the environment variable of the same name (bytes with an
 * optional K, M or G suffix). An invalid value is reported once on stderr
 * and the build's value is kept. If the address space cannot hold that
 * much (ulimit -v), the reservation is halved until it fits.
 */
#ifndef __wasm32__
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#endif
#include "internal.h"

/* (freestanding native builds: no mmap, the default heap is in backend_static.c) */
#if !defined(__wasm32__) && !AC_FREESTANDING

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef ALLOC_CAT_MMAP_HEAP_SIZE
#define ALLOC_CAT_MMAP_HEAP_SIZE ((size_t)1 << 30)
#endif
/* Links are 32-bit offsets from the start of the reservation. */
#define MMAP_HEAP_MAX AC__HEAP_MAX_BYTES
#define MMAP_HEAP_MIN AC_PAGE_BYTES

_Static_assert(ALLOC_CAT_MMAP_HEAP_SIZE >= MMAP_HEAP_MIN &&
                   ALLOC_CAT_MMAP_HEAP_SIZE <= MMAP_HEAP_MAX,
               "ALLOC_CAT_MMAP_HEAP_SIZE must be between 64 KiB and 4 GiB - 64 KiB");

static char *mmap_grow(ac__backend *self, size_t pages);

/* The heap starts on this, empty: the reservation is made by the first
 * grow() (or ac__default_backend()). */
ac__backend ac__default_heap = {mmap_grow, NULL, NULL};
static char *limit; /* end of the reservation; NULL until it is made */

/* Parses "123", "64K", "512M", "2G" (suffix case-insensitive). Returns 0 for
 * anything else or a value out of range. */
static size_t parse_size(const char *s) {
    size_t v = 0;
    if (*s < '0' || *s > '9') return 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        /* v * 10 + 9 fits where size_t has 32 bits, as the maximum does */
        if (v > MMAP_HEAP_MAX / 10) return 0;
        v = v * 10 + (size_t)(*s - '0');
        if (v > MMAP_HEAP_MAX) return 0;
    }
    unsigned shift = 0;
    switch (*s) {
    case 'k': case 'K': shift = 10; s++; break;
    case 'm': case 'M': shift = 20; s++; break;
    case 'g': case 'G': shift = 30; s++; break;
    default: break;
    }
    if (*s || v > (MMAP_HEAP_MAX >> shift)) return 0;
    v <<= shift;
    return v >= MMAP_HEAP_MIN ? v : 0;
}

/* The reservation size in effect: the environment's, else the build's. */
size_t ac__mmap_heap_bytes(void) {
    static size_t bytes;
    if (bytes) return bytes;
    bytes = ALLOC_CAT_MMAP_HEAP_SIZE;
    const char *env = getenv("ALLOC_CAT_MMAP_HEAP_SIZE");
    if (env) {
        size_t v = parse_size(env);
        if (v) {
            bytes = v;
        } else {
            /* stderr through write(2): the allocator must not allocate here */
            char msg[200];
            ac__writer w;
            ac__w_init(&w, msg, sizeof msg);
            ac__w_str(&w, "alloc_cat: ignoring ALLOC_CAT_MMAP_HEAP_SIZE=\"");
            ac__w_str(&w, env);
            ac__w_str(&w, "\" (want bytes with optional K/M/G suffix, 64K..4G-64K); using ");
            ac__w_udec(&w, bytes);
            ac__w_str(&w, " bytes\n");
            size_t n = ac__w_finish(&w);
            ssize_t ignored = write(2, msg, n < sizeof msg ? n : sizeof msg - 1);
            (void)ignored;
        }
    }
    bytes &= ~(AC_PAGE_BYTES - 1);
    return bytes;
}

/* Address space for `bytes` and a page more, unusable until mprotect
 * (MAP_FAILED when that sum does not fit a size_t: 32-bit targets). */
static char *reserve_bytes(size_t bytes) {
    if (bytes > SIZE_MAX - AC_PAGE_BYTES) return MAP_FAILED;
    return mmap(NULL, bytes + AC_PAGE_BYTES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                -1, 0);
}

/* Makes the reservation, once. */
static void reserve(void) {
    if (limit) return;
    size_t bytes = ac__mmap_heap_bytes();
    /* One extra page so that the start can be 64 KiB aligned. When the
     * address space is limited (ulimit -v), take half as much, and so
     * on: a smaller heap beats none. What first fits then is most of what
     * the limit leaves: the heap keeps half of it, and leaves the other
     * half to the program (thread stacks, its own mappings). */
    char *p;
    bool limited = false;
    while ((p = reserve_bytes(bytes)) == MAP_FAILED && bytes > MMAP_HEAP_MIN) {
        bytes = (bytes / 2) & ~(AC_PAGE_BYTES - 1);
        limited = true;
    }
    if (p != MAP_FAILED && limited && bytes / 2 >= MMAP_HEAP_MIN) {
        munmap(p, bytes + AC_PAGE_BYTES);
        bytes = (bytes / 2) & ~(AC_PAGE_BYTES - 1);
        p = reserve_bytes(bytes);
    }
    if (p == MAP_FAILED) {
        /* no address space: a heap that cannot grow */
        static char none[1];
        ac__default_heap.begin = ac__default_heap.end = limit = none;
    } else {
        uintptr_t a = ((uintptr_t)p + AC_PAGE_BYTES - 1) & ~(uintptr_t)(AC_PAGE_BYTES - 1);
        ac__default_heap.begin = ac__default_heap.end = p + (a - (uintptr_t)p);
        limit = ac__default_heap.begin + bytes;
    }
}

static char *mmap_grow(ac__backend *self, size_t pages) {
    (void)self;
    reserve();
    char *old = ac__default_heap.end;
    if (pages > bytes_between(old, limit) / AC_PAGE_BYTES) return NULL;
    size_t bytes = pages * AC_PAGE_BYTES;
    if (mprotect(old, bytes, PROT_READ | PROT_WRITE) != 0) return NULL;
    ac__default_heap.end = old + bytes;
    return old;
}

ac__backend *ac__default_backend(void) {
    reserve();
    return &ac__default_heap;
}

#endif
