/*
 * bump.c - the benchmark's floor: a never-freeing bump allocator.
 *
 * Blocks are carved from __heap_base upwards, 16-aligned (or the alignment
 * asked for), each preceded by its 4-byte size. Memory grows by half its
 * size at least (by the pages needed if that fails): memory.grow costs
 * milliseconds in V8 once memory is large, and a floor must not pay that on
 * every allocation. free() does nothing; realloc() shrinks in place, grows the last
 * block in place and otherwise copies. Fresh wasm memory is zero and never reused, so calloc
 * needs no memset. It is as fast as an allocator can be and as wasteful.
 */
#include <stddef.h>
#include <stdint.h>

void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void *aligned_alloc(size_t alignment, size_t size);

#define PAGE_BYTES 65536u
#define MIN_ALIGN  16u

extern unsigned char __heap_base;
static uintptr_t top, end;

/* Makes [.., new_end) usable; false when memory cannot grow that far. */
static int reach(uintptr_t new_end) {
    if (new_end <= end) return 1;
    size_t need = (new_end - end + PAGE_BYTES - 1u) / PAGE_BYTES;
    size_t half = __builtin_wasm_memory_size(0) / 2u;
    size_t old = __builtin_wasm_memory_grow(0, need > half ? need : half);
    if (old == (size_t)-1) old = __builtin_wasm_memory_grow(0, need);
    if (old == (size_t)-1) return 0;
    end = (uintptr_t)__builtin_wasm_memory_size(0) * PAGE_BYTES;
    return 1;
}

static void *bump(size_t size, size_t align) {
    if (!top) {
        top = (uintptr_t)&__heap_base;
        end = (uintptr_t)__builtin_wasm_memory_size(0) * PAGE_BYTES;
    }
    if (size > ((uintptr_t)1 << 30) || align > ((uintptr_t)1 << 30)) return NULL;
    uintptr_t p = (top + 4u + align - 1u) & ~(uintptr_t)(align - 1u);
    uintptr_t new_top = p + size;
    if (new_top < p) return NULL;
    if (!reach(new_top)) return NULL;
    ((uint32_t *)p)[-1] = (uint32_t)size;
    top = new_top;
    return (void *)p;
}

void *malloc(size_t size) { return bump(size, MIN_ALIGN); }

void free(void *ptr) { (void)ptr; }

void *calloc(size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) return NULL;
    return bump(bytes, MIN_ALIGN);
}

void *realloc(void *ptr, size_t size) {
    if (!ptr) return bump(size, MIN_ALIGN);
    uintptr_t p = (uintptr_t)ptr;
    size_t old = ((uint32_t *)ptr)[-1];
    if (size <= old) { /* shrink in place; top stays, so calloc's memory stays fresh */
        ((uint32_t *)ptr)[-1] = (uint32_t)size;
        return ptr;
    }
    if (p + old == top && size <= ((uintptr_t)1 << 30) && p + size >= p) {
        if (!reach(p + size)) return NULL;
        ((uint32_t *)ptr)[-1] = (uint32_t)size;
        top = p + size;
        return ptr;
    }
    void *q = bump(size, MIN_ALIGN);
    if (q) __builtin_memcpy(q, ptr, old < size ? old : size);
    return q;
}

void *aligned_alloc(size_t alignment, size_t size) {
    if (!alignment || (alignment & (alignment - 1u))) return NULL;
    return bump(size, alignment < MIN_ALIGN ? MIN_ALIGN : alignment);
}
