/* emscripten/heap.h for the freestanding emmalloc build (bench/emmalloc/sbrk.c). */
#ifndef BENCH_EMMALLOC_HEAP_H
#define BENCH_EMMALLOC_HEAP_H
#include <stddef.h>
size_t emscripten_get_heap_size(void);
size_t emscripten_get_heap_max(void);
#endif
