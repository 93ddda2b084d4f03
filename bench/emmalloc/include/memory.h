/* memory.h for the freestanding emmalloc build. memcpy/memset are the
 * compiler builtins, which -mbulk-memory turns into memory.copy/memory.fill,
 * the same instructions every allocator of the benchmark uses. */
#ifndef BENCH_EMMALLOC_MEMORY_H
#define BENCH_EMMALLOC_MEMORY_H
#define memcpy __builtin_memcpy
#define memset __builtin_memset
#endif
