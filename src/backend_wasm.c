/*
 * backend_wasm.c - the heap's memory on wasm32: everything from __heap_base
 * (placed by wasm-ld after data and stack) to the memory size at the first
 * allocation is the first span, and memory.grow adds pages at the end. Other
 * code may grow the memory too; the heap then sees non-contiguous growth and
 * starts a new span. With emscripten the memory grows through emscripten's
 * own emscripten_resize_heap(), and (with the standard names) sbrk and brk
 * are here.
 */
#include "internal.h"

#ifdef __wasm32__

extern char __heap_base;

/* The end of a memory of `pages` pages. All 65536 of them (4 GiB) would end
 * at 2^32, which a wasm32 pointer cannot hold (it would read 0, "not set
 * up" below): the heap leaves the last page out (AC__HEAP_MAX_BYTES). */
static char *end_of(size_t pages) {
    return (char *)((pages - (pages >> 16)) * AC_PAGE_BYTES); /* 65536 counts as 65535 */
}

/* The end of the memory as it is now. */
static char *memory_end(void) { return end_of(__builtin_wasm_memory_size(0)); }

#ifndef __EMSCRIPTEN__
static char *wasm_grow(ac__backend *self, size_t pages) {
    char *end = self->end;
    /* The first growth of the heap as the program starts (empty, on this
     * backend, not set up) hands over the memory already there: it grows by
     * no pages, which gives the memory size, and returns __heap_base (this
     * backend's begin; the constant is shorter than a load). The heap asks
     * again if that is not enough, or too small to use. */
    if (!end) pages = 0;
    size_t old_pages = __builtin_wasm_memory_grow(0, pages);
    if (old_pages == (size_t)-1) return NULL;
    self->end = end_of(old_pages + pages);
    return end ? (char *)(old_pages * AC_PAGE_BYTES) : &__heap_base;
}

ac__backend ac__default_heap = {wasm_grow, &__heap_base, 0};

ac__backend *ac__default_backend(void) {
    ac__default_heap.end = memory_end();
    return &ac__default_heap;
}

#else /* __EMSCRIPTEN__ */

/* emscripten grows the memory in emscripten_resize_heap() (library.js),
 * which renews its JavaScript views of the memory (HEAPU8...; a
 * memory.grow detaches them) and applies the program's settings: whether
 * the memory may grow at all (-sALLOW_MEMORY_GROWTH), -sMAXIMUM_MEMORY,
 * -sABORTING_MALLOC (on by default without growth: abort rather than
 * fail), the growth steps (-sMEMORY_GROWTH_GEOMETRIC_STEP and _CAP, by
 * default 20% more than asked for, up to 96 MiB: fewer, costly growths
 * of a large memory) and -sTEST_MEMORY_GROWTH_FAILS. Its own allocators
 * grow through it too. Memory to at least `bytes` in all: true if done. */
__attribute__((import_module("env"), import_name("emscripten_resize_heap"))) int
emscripten_resize_heap(size_t bytes);

#ifdef __wasm_atomics__
/* (internal.h) emscripten's library.js renews its views of the memory
 * after a growth with this: the call brings the thread up to date. */
__attribute__((import_module("env"), import_name("emscripten_notify_memory_growth"))) void
emscripten_notify_memory_growth(size_t memory_index);
size_t ac__memory_pages;
void ac__memory_renew(void) { emscripten_notify_memory_growth(0); }
#define NOTE_GROWTH() (ac__memory_pages = __builtin_wasm_memory_size(0))
#else
#define NOTE_GROWTH() ((void)0)
#endif

/* Grows the memory by at least `pages` pages; the old size in pages, or
 * (size_t)-1 when emscripten refuses. The last page stays out (end_of()).
 * With threads, a growth by other code between the read of the size and
 * the resize (memory.grow, or emscripten_resize_heap() called directly,
 * which in a thread grows by what its stale length of the memory lacks)
 * would be taken for the heap's: other code gets memory from sbrk, under
 * the lock, as emscripten's own allocators require (README). */
static size_t memory_grow(size_t pages) {
    for (size_t old_pages = __builtin_wasm_memory_size(0);;) {
        if (old_pages + pages > 65535u) return (size_t)-1;
        if (emscripten_resize_heap((old_pages + pages) * AC_PAGE_BYTES)) {
            NOTE_GROWTH();
            return old_pages;
        }
        /* with threads, emscripten refuses a size that another thread has
         * reached meanwhile: then from the new end */
        size_t now = __builtin_wasm_memory_size(0);
        if (now == old_pages) return (size_t)-1;
        old_pages = now;
    }
}

#if AC_EXPORT_STD_NAMES
/* The break of sbrk (below): [brk_now, brk_end) is the rest of the pages
 * sbrk grew last; when the memory no longer ends at brk_end, the break is
 * at the memory's end. brk_first: where sbrk first put it, the memory's
 * end then; the memory after it is sbrk's, not the heap's, should the heap
 * take the memory already there only later (or again, after a reset).
 * brk_word: the break as emscripten_get_sbrk_ptr() shows it, kept up to
 * date, under the lock, as sbrk and the heap grow the memory (0 until the
 * first of them or of emscripten_get_sbrk_ptr()). */
static char *brk_now, *brk_end, *brk_floor, *brk_first;
static uintptr_t brk_word;
#define HEAP_START_END() (brk_first ? brk_first : memory_end())

static char *break_now(void) {
    char *end = memory_end();
    return brk_end == end ? brk_now : end;
}
#define NOTE_BREAK() __atomic_store_n(&brk_word, (uintptr_t)break_now(), __ATOMIC_RELAXED)
#else
#define HEAP_START_END() memory_end()
#define NOTE_BREAK() ((void)0)
#endif

/* As above; the memory may grow by more than asked for, and all of it is
 * the heap's. The first growth grows nothing: the memory's size is read. */
static char *wasm_grow(ac__backend *self, size_t pages) {
    char *end = self->end;
    if (!end) {
        self->end = HEAP_START_END();
        return &__heap_base;
    }
    size_t old_pages = memory_grow(pages);
    if (old_pages == (size_t)-1) return NULL;
    self->end = memory_end();
    NOTE_BREAK();
    return (char *)(old_pages * AC_PAGE_BYTES);
}

ac__backend ac__default_heap = {wasm_grow, &__heap_base, 0};

ac__backend *ac__default_backend(void) {
    ac__default_heap.end = HEAP_START_END();
    return &ac__default_heap;
}

#if AC_EXPORT_STD_NAMES
#include <errno.h>
/* emscripten keeps sbrk and brk in its allocator's library, which
 * -sMALLOC=none leaves out: programs that call them (sbrk(0) to measure
 * the heap, or an allocator of their own) would not link. The heap owns
 * the memory up to its end, so here the break starts at the memory's end;
 * sbrk(n) hands out the rest of the pages it grew last, then grows the
 * memory (as the heap does, and the heap then starts a new span past
 * them). When anything else grew the memory since, the break moves to
 * its end. The break goes down only as far as where it last moved to the
 * memory's end (the memory stays). Under the heap's lock; weak, as
 * emscripten's own allocators' names are. */
static void *move_break(intptr_t increment) {
    /* as emscripten's sbrk, by a multiple of 4 bytes (rounded up, -1 to 0):
     * the break, which starts at a page, stays aligned to 4 */
    increment = (intptr_t)(((uintptr_t)increment + 3u) & ~(uintptr_t)3u);
    char *end = memory_end();
    if (brk_end != end) brk_floor = brk_now = brk_end = end;
    if (!brk_first) brk_first = end;
    char *old = brk_now;
    size_t room = bytes_between(brk_now, brk_end);
    if (increment < 0) {
        if ((size_t)0 - (size_t)increment > bytes_between(brk_floor, brk_now)) return NULL;
    } else if ((size_t)increment > room) {
        size_t pages = ((size_t)increment - room + AC_PAGE_BYTES - 1) / AC_PAGE_BYTES;
        if (memory_grow(pages) == (size_t)-1) return NULL;
        brk_end = memory_end();
        if (bytes_between(brk_now, brk_end) < (size_t)increment) return NULL;
    }
    brk_now = old + increment;
    return old;
}

void *sbrk(intptr_t increment); /* <unistd.h>'s, with _DEFAULT_SOURCE */
int brk(void *addr);
uintptr_t *emscripten_get_sbrk_ptr(void); /* <emscripten/heap.h>'s */

AC__STD_NAME void *sbrk(intptr_t increment) {
    ac__lock();
    void *old = move_break(increment);
    NOTE_BREAK();
    ac__unlock();
    if (old) return old;
    errno = ENOMEM;
    return (void *)-1;
}

AC__STD_NAME int brk(void *addr) {
    ac__lock();
    void *old = move_break((intptr_t)((uintptr_t)addr - (uintptr_t)break_now()));
    NOTE_BREAK();
    ac__unlock();
    if (old) return 0;
    errno = ENOMEM;
    return -1;
}

/* The address of the break (a word that sbrk and the heap's growth keep
 * up to date; growth by other code shows at the next of either): emscripten
 * asks for it with -sSAFE_HEAP, which traps on any access above sbrk(0).
 * SAFE_HEAP calls it before every load and store of every other function,
 * the heap's under its lock and this one's callees among them, so it takes
 * no lock (with -pthread the lock was taken again by its holder: a hang),
 * calls nothing (at -O0 and -Os a call to end_of() recursed until the stack
 * overflowed) and has no local variable (at -O0 one lives on the stack,
 * below the stack pointer, where the leaf function whose access is being
 * checked keeps its own: it was overwritten). Before the first break it
 * sets the memory's end, unless sbrk or the heap sets the break first. */
AC__STD_NAME uintptr_t *emscripten_get_sbrk_ptr(void) {
    __sync_val_compare_and_swap(&brk_word, (uintptr_t)0,
                                (__builtin_wasm_memory_size(0) -
                                 (__builtin_wasm_memory_size(0) >> 16)) * AC_PAGE_BYTES);
    return &brk_word;
}
#endif
#endif /* __EMSCRIPTEN__ */

#endif
