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
#ifdef __EMSCRIPTEN__
    /* even the grow by no pages above replaces the memory's buffer in
     * JavaScript: emscripten's views must be renewed every time */
    emscripten_notify_memory_growth(0);
#endif
    return end ? (char *)(old_pages * AC_PAGE_BYTES) : &__heap_base;
}

ac__backend ac__default_heap = {wasm_grow, &__heap_base, 0};

ac__backend *ac__default_backend(void) {
    ac__default_heap.end = end_of(__builtin_wasm_memory_size(0));
    return &ac__default_heap;
}

#endif
