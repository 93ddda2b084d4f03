/* onebuild_other.c - for bench/onebuild_test.mjs only: code outside the
 * allocator that grows memory itself (as other parts of a program may),
 * and a way to read __heap_base. */
#include <stddef.h>
#include <stdint.h>
extern unsigned char __heap_base;
__attribute__((export_name("grow_other"))) size_t grow_other(size_t pages);
__attribute__((export_name("heap_base"))) uint32_t heap_base(void);
size_t grow_other(size_t pages) { return __builtin_wasm_memory_grow(0, pages); }
uint32_t heap_base(void) { return (uint32_t)(uintptr_t)&__heap_base; }
