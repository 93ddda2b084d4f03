/*
 * backend_wasm.c - the heap's memory on wasm32: everything from __heap_base
 * (placed by wasm-ld after data and stack) to the current memory size is the
 * first span, and memory.grow adds pages at the end. Other code may grow the
 * memory too; the heap then sees non-contiguous growth and starts a new span.
 */
#include "internal.h"

#ifdef __wasm32__

extern char __heap_base;

static char *wasm_grow(ac__backend *self, size_t pages) {
    size_t old_pages = __builtin_wasm_memory_grow(0, pages);
    if (old_pages == (size_t)-1) return NULL;
    self->end = (char *)((old_pages + pages) * AC_PAGE_BYTES);
    return (char *)(old_pages * AC_PAGE_BYTES);
}

static ac__backend wasm_backend = {wasm_grow, 0, 0};

ac__backend *ac__default_backend(void) {
    wasm_backend.begin = &__heap_base;
    wasm_backend.end = (char *)(__builtin_wasm_memory_size(0) * AC_PAGE_BYTES);
    return &wasm_backend;
}

#endif
