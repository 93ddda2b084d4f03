/*
 * rt.c - the only "libc" of the freestanding benchmark modules: memcpy,
 * memmove and memset as wasm's memory.copy and memory.fill (-mbulk-memory).
 *
 * Every allocator gets the same copy and fill: alloc_cat, emmalloc and the
 * bump allocator are compiled with -mbulk-memory and inline the same
 * instructions; dlmalloc, prebuilt in wasi-libc's libc.a, calls these
 * functions instead of wasi-libc's byte-loop memcpy/memset. The code-size
 * probe links this file into every module, the "no allocator" one too, and
 * exports its functions, so they are never counted as allocator code.
 *
 * It also exports _initialize (the WASI reactor convention), which runs the
 * static constructors once; the host calls it right after instantiation.
 * emmalloc sets its heap up in a constructor. Without _initialize, wasm-ld
 * would wrap every export in a call to the constructors.
 */
#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void __wasm_call_ctors(void);
void _initialize(void);

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    __builtin_memcpy(dst, src, n);
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    __builtin_memmove(dst, src, n);
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    __builtin_memset(dst, c, n);
    return dst;
}

__attribute__((export_name("_initialize"))) void _initialize(void) { __wasm_call_ctors(); }
