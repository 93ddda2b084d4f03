/*
 * backend_wasm.c - the heap's memory on wasm32: everything from __heap_base
 * (placed by wasm-ld after data and stack) to the memory size at the first
 * allocation is the first span, and memory.grow adds pages at the end. Other
 * code may grow the memory too; the heap then sees non-contiguous growth and
 * starts a new span.
 */
#include "internal.h"

#ifdef __wasm32__

extern char __heap_base;

#ifdef __EMSCRIPTEN__
/* emscripten's JavaScript keeps views of the memory (HEAPU8...) that a
 * memory.grow detaches (any, even by no pages); this import (from
 * emscripten's library.js) renews them. Build with -sMALLOC=none, and -sALLOW_MEMORY_GROWTH=1 to grow. */
__attribute__((import_module("env"), import_name("emscripten_notify_memory_growth"))) void
emscripten_notify_memory_growth(size_t memory_index);
#endif

/* The end of a memory of `pages` pages. All 65536 of them (4 GiB) would end
 * at 2^32, which a wasm32 pointer cannot hold (it would read 0, "not set
 * up" below): the heap leaves the last page out (AC__HEAP_MAX_BYTES). */
static char *end_of(size_t pages) {
    return (char *)((pages - (pages >> 16)) * AC_PAGE_BYTES); /* 65536 counts as 65535 */
}

#if defined(__EMSCRIPTEN__) && AC_EXPORT_STD_NAMES
/* Where emscripten's sbrk (below) first put the break: the memory's end
 * then. The memory after it is sbrk's, not the heap's, should the heap
 * take the memory already there only later (or again, after a reset). */
static char *brk_first;
#endif

static char *wasm_grow(ac__backend *self, size_t pages) {
    char *end = self->end;
    /* The first growth of the heap as the program starts (empty, on this
     * backend, not set up) hands over the memory already there: it grows by
     * no pages, which gives the memory size, and returns __heap_base (this
     * backend's begin; the constant is shorter than a load). The heap asks
     * again if that is not enough, or too small to use. */
    if (!end) pages = 0;
    size_t old_pages = __builtin_wasm_memory_grow(0, pages);
    if (old_pages == (size_t)-1) return NULL;
    self->end = end_of(old_pages + pages);
#if defined(__EMSCRIPTEN__) && AC_EXPORT_STD_NAMES
    if (!end && brk_first) self->end = brk_first;
#endif
#ifdef __EMSCRIPTEN__
    /* even the grow by no pages above replaces the memory's buffer in
     * JavaScript: emscripten's views must be renewed every time */
    emscripten_notify_memory_growth(0);
#endif
    return end ? (char *)(old_pages * AC_PAGE_BYTES) : &__heap_base;
}

ac__backend ac__default_heap = {wasm_grow, &__heap_base, 0};

#if defined(__EMSCRIPTEN__) && AC_EXPORT_STD_NAMES
#include <errno.h>
/* emscripten keeps sbrk and brk in its allocator's library, which
 * -sMALLOC=none leaves out: programs that call them (sbrk(0) to measure
 * the heap, or an allocator of their own) would not link. The heap owns
 * the memory up to its end, so here the break starts at the memory's end;
 * sbrk(n) hands out the rest of the pages it grew last, then grows the
 * memory (by memory.grow, as other code may: the heap then starts a new
 * span). When anything else grew the memory since, the break moves to
 * its end. The break goes down only as far as where it last moved to the
 * memory's end (the memory stays). Under the heap's lock. */
static char *brk_now, *brk_end, *brk_floor; /* [brk_now, brk_end): the rest of sbrk's pages */

static void *move_break(intptr_t increment) {
    char *end = end_of(__builtin_wasm_memory_size(0));
    if (brk_end != end) brk_floor = brk_now = brk_end = end;
    if (!brk_first) brk_first = end;
    char *old = brk_now;
    size_t room = bytes_between(brk_now, brk_end);
    if (increment < 0) {
        if ((size_t)0 - (size_t)increment > bytes_between(brk_floor, brk_now)) return NULL;
    } else if ((size_t)increment > room) {
        size_t pages = ((size_t)increment - room + AC_PAGE_BYTES - 1) / AC_PAGE_BYTES;
        size_t old_pages = __builtin_wasm_memory_grow(0, pages);
        if (old_pages == (size_t)-1) return NULL;
        emscripten_notify_memory_growth(0);
        brk_end = end_of(old_pages + pages);
        if (bytes_between(brk_now, brk_end) < (size_t)increment) return NULL; /* the last page */
    }
    brk_now = old + increment;
    return old;
}

void *sbrk(intptr_t increment); /* <unistd.h>'s, with _DEFAULT_SOURCE */
int brk(void *addr);

void *sbrk(intptr_t increment) {
    ac__lock();
    void *old = move_break(increment);
    ac__unlock();
    if (old) return old;
    errno = ENOMEM;
    return (void *)-1;
}

int brk(void *addr) {
    ac__lock();
    char *end = end_of(__builtin_wasm_memory_size(0));
    char *now = brk_end == end ? brk_now : end;
    void *old = move_break((intptr_t)((uintptr_t)addr - (uintptr_t)now));
    ac__unlock();
    if (old) return 0;
    errno = ENOMEM;
    return -1;
}
#endif

ac__backend *ac__default_backend(void) {
    ac__default_heap.end = end_of(__builtin_wasm_memory_size(0));
#if defined(__EMSCRIPTEN__) && AC_EXPORT_STD_NAMES
    if (brk_first) ac__default_heap.end = brk_first;
#endif
    return &ac__default_heap;
}

#endif
