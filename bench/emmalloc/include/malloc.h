/* malloc.h for the freestanding emmalloc build: the declarations emmalloc.c
 * defines, and struct mallinfo (musl's layout). */
#ifndef BENCH_EMMALLOC_MALLOC_H
#define BENCH_EMMALLOC_MALLOC_H
#include <stddef.h>
struct mallinfo {
    int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
};
void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void *memalign(size_t alignment, size_t size);
void *aligned_alloc(size_t alignment, size_t size);
int posix_memalign(void **out, size_t alignment, size_t size);
size_t malloc_usable_size(void *ptr);
struct mallinfo mallinfo(void);
int malloc_trim(size_t pad);
#endif
