/* emscripten.h for the freestanding emmalloc build: EM_ASM is only used by
 * the verbose build, which the benchmark does not use. */
#ifndef BENCH_EMMALLOC_EMSCRIPTEN_H
#define BENCH_EMMALLOC_EMSCRIPTEN_H
#define EM_ASM(...) ((void)0)
#define MAIN_THREAD_ASYNC_EM_ASM(...) ((void)0)
#endif
