/*
 * sbrk.c - the memory source emmalloc expects, for the freestanding wasm32
 * build: emscripten's sbrk() starts the break at __heap_base and grows wasm
 * memory when the break passes its end. This one grows by exactly the pages
 * needed (as wasi-libc's sbrk does for dlmalloc), never shrinks memory.
 */
#include <stddef.h>
#include <stdint.h>

#include <emscripten/heap.h>
#include <unistd.h>

#define PAGE_BYTES 65536u
/* The benchmark links every module with --max-memory=2 GiB or less. */
#define HEAP_MAX_BYTES ((size_t)1 << 31)

extern unsigned char __heap_base;
static uintptr_t brk;

void *sbrk(intptr_t increment) {
    if (!brk) brk = (uintptr_t)&__heap_base;
    uintptr_t old = brk;
    uintptr_t end = old + (uintptr_t)increment;
    if (increment < 0 ? end > old : end < old) return (void *)-1;
    uintptr_t have = (uintptr_t)__builtin_wasm_memory_size(0) * PAGE_BYTES;
    if (end > have) {
        size_t pages = (end - have + PAGE_BYTES - 1) / PAGE_BYTES;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return (void *)-1;
    }
    brk = end;
    return (void *)old;
}

size_t emscripten_get_heap_size(void) { return __builtin_wasm_memory_size(0) * PAGE_BYTES; }
size_t emscripten_get_heap_max(void) { return HEAP_MAX_BYTES; }
