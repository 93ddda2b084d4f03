/* unistd.h for the freestanding emmalloc build: only sbrk (bench/emmalloc/sbrk.c). */
#ifndef BENCH_EMMALLOC_UNISTD_H
#define BENCH_EMMALLOC_UNISTD_H
#include <stdint.h>
void *sbrk(intptr_t increment);
#endif
