/*
 * config.h - force-included (-include) when bench.mk compiles emmalloc.c
 * from the installed emscripten package for a freestanding wasm32 target.
 *
 * emmalloc is written for the wasm32-emscripten target, where max_align_t is
 * 8-byte aligned (emscripten's clang gives long double 8-byte alignment), and
 * it static_asserts that. Plain --target=wasm32 makes it 16. We keep clang's
 * own <stddef.h> from defining max_align_t and define it as emscripten does,
 * so emmalloc is built exactly as configured upstream (8-byte MALLOC_ALIGNMENT).
 */
#ifndef BENCH_EMMALLOC_CONFIG_H
#define BENCH_EMMALLOC_CONFIG_H
#define __CLANG_MAX_ALIGN_T_DEFINED
typedef struct {
    long long bench_ll;
    double bench_d; /* emscripten: struct { long long; long double; }, align 8 */
} max_align_t;
#endif
