/*
 * malloc.c - the public allocation API: the malloc family, the layout API,
 * the static-buffer switch, and (with AC_EXPORT_STD_NAMES) the standard
 * names that make alloc_cat replace the libc allocator.
 *
 * This is the only file that takes the lock; heap.c below it is single-
 * threaded. Argument checks (overflow, alignment) happen here, before the
 * lock and before the heap can grow.
 *
 * Build options:
 *   AC_EXPORT_STD_NAMES  1: also define malloc, free, calloc, realloc,
 *                        aligned_alloc, posix_memalign, memalign,
 *                        malloc_usable_size (and natively valloc, pvalloc,
 *                        reallocarray, cfree; on wasm32 wasi-libc's
 *                        __libc_malloc, __libc_calloc, __libc_free).
 *                        Default: 1 on wasm32, 0 natively.
 *
 * errno: natively the C library's. On wasm32 the library is freestanding,
 * but a program linked with wasi-libc has a global `errno`: a weak reference
 * finds it (and stays NULL without a libc), so failures set errno there too.
 * Error numbers are AC_EINVAL and AC_ENOMEM (WASI's on wasm32).
 */
#include "internal.h"

#ifndef AC_EXPORT_STD_NAMES
#ifdef __wasm32__
#define AC_EXPORT_STD_NAMES 1
#else
#define AC_EXPORT_STD_NAMES 0
#endif
#endif

/* ---- lock and errno --------------------------------------------------------- */

#if !defined(__wasm32__)
#include <errno.h>
#include <pthread.h>
_Static_assert(EINVAL == AC_EINVAL && ENOMEM == AC_ENOMEM, "errno values");
static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
#define LOCK()   pthread_mutex_lock(&heap_lock)
#define UNLOCK() pthread_mutex_unlock(&heap_lock)
#define SET_ERRNO(e) (errno = (e))

/* A fork while another thread holds the lock would leave the child's heap
 * locked forever: hold it across fork. */
static void fork_prepare(void) { LOCK(); }
static void fork_parent(void) { UNLOCK(); }
static void fork_child(void) { pthread_mutex_init(&heap_lock, NULL); }
__attribute__((constructor)) static void register_fork_handlers(void) {
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}
#elif defined(__wasm_atomics__)
static int heap_lock;
#define LOCK()                                                                                     \
    while (__atomic_exchange_n(&heap_lock, 1, __ATOMIC_ACQUIRE)) {                                 \
    }
#define UNLOCK()     __atomic_store_n(&heap_lock, 0, __ATOMIC_RELEASE)
/* With threads, a wasi-libc errno is thread-local: not reached from here. */
#define SET_ERRNO(e) ((void)(e))
#else
#define LOCK()       ((void)0)
#define UNLOCK()     ((void)0)
/* wasi-libc's errno (errno.o, linked when the program uses errno): a weak
 * reference, so that freestanding programs link without one. */
extern int ac__libc_errno __asm__("errno") __attribute__((weak));
#define SET_ERRNO(e) (&ac__libc_errno ? (void)(ac__libc_errno = (e)) : (void)0)
#endif

static bool is_pow2(size_t x) { return x && !(x & (x - 1)); }

static void *failed(int err) {
    SET_ERRNO(err);
    return NULL;
}

/* ---- the malloc family -------------------------------------------------------- */

void *ac_malloc(size_t size) {
    LOCK();
    void *p = ac__heap_alloc(size);
    UNLOCK();
    return p ? p : failed(AC_ENOMEM);
}

void ac_free(void *ptr) {
    if (!ptr) return;
    LOCK();
    ac__heap_free(ptr);
    UNLOCK();
}

void *ac_calloc(size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) return failed(AC_ENOMEM);
    void *p = ac_malloc(bytes);
    if (p) ac__memset(p, 0, bytes);
    return p;
}

/* Aligned allocation shared by every entry point that takes an alignment. */
static void *alloc_aligned(size_t size, size_t align) {
    if (!is_pow2(align)) return failed(AC_EINVAL);
    LOCK();
    void *p = ac__heap_alloc_aligned(size, align);
    UNLOCK();
    return p ? p : failed(AC_ENOMEM);
}

/* Resize keeping `align`: in place if possible, else allocate, copy, free. */
static void *resize_aligned(void *ptr, size_t size, size_t align) {
    LOCK();
    void *q = ptr;
    if (!ac__heap_resize_in_place(ptr, size)) {
        q = ac__heap_alloc_aligned(size, align);
        if (q) {
            size_t old = ac__heap_requested(ptr);
            ac__memcpy(q, ptr, old < size ? old : size);
            ac__heap_free(ptr);
        }
    }
    UNLOCK();
    return q ? q : failed(AC_ENOMEM);
}

void *ac_realloc(void *ptr, size_t size) {
    if (!ptr) return ac_malloc(size);
    return resize_aligned(ptr, size, AC_MALLOC_ALIGN);
}

void *ac_aligned_alloc(size_t alignment, size_t size) { return alloc_aligned(size, alignment); }

int ac_posix_memalign(void **out, size_t alignment, size_t size) {
    if (!is_pow2(alignment) || alignment % sizeof(void *)) return AC_EINVAL;
    LOCK();
    void *p = ac__heap_alloc_aligned(size, alignment);
    UNLOCK();
    if (!p) return AC_ENOMEM;
    *out = p;
    return 0;
}

size_t ac_malloc_usable_size(const void *ptr) {
    if (!ptr) return 0;
    LOCK();
    size_t n = ac__heap_usable(ptr);
    UNLOCK();
    return n;
}

void ac_free_sized(void *ptr, size_t size) {
    (void)size;
    ac_free(ptr);
}

void ac_free_aligned_sized(void *ptr, size_t alignment, size_t size) {
    (void)alignment;
    (void)size;
    ac_free(ptr);
}

/* ---- the layout API ------------------------------------------------------------- */

void *ac_alloc(size_t size, size_t align) { return alloc_aligned(size, align); }

void *ac_alloc_zeroed(size_t size, size_t align) {
    void *p = alloc_aligned(size, align);
    if (p) ac__memset(p, 0, size);
    return p;
}

void ac_dealloc(void *ptr, size_t size, size_t align) {
    (void)size;
    (void)align;
    ac_free(ptr);
}

void *ac_resize(void *ptr, size_t old_size, size_t align, size_t new_size) {
    (void)old_size;
    if (!is_pow2(align)) return failed(AC_EINVAL);
    if (!ptr) return alloc_aligned(new_size, align);
    return resize_aligned(ptr, new_size, align);
}

/* ---- static buffer ------------------------------------------------------------------ */

bool ac_heap_init_static(void *buf, size_t bytes) {
    static ac__backend backend;
    if (!buf || bytes < 64) return false;
    LOCK();
    bool idle = ac__count.live == 0;
    if (idle) {
        ac__static_backend_init(&backend, buf, bytes);
        ac__heap_reset(&backend);
    }
    UNLOCK();
    return idle;
}

/* ---- stats ----------------------------------------------------------------------------- */

void ac_stats_get(ac_stats_t *out) {
    LOCK();
    out->in_use_bytes = ac__count.in_use;
    out->peak_bytes = ac__count.peak;
    out->trip_peak_bytes = ac__count.trip_peak;
    out->live_blocks = ac__count.live;
    out->allocs = ac__count.allocs;
    out->frees = ac__count.frees;
    out->heap_bytes = ac__count.heap_bytes;
    out->heap_pages = (ac__count.heap_bytes + AC_PAGE_BYTES - 1) / AC_PAGE_BYTES;
    UNLOCK();
}

void ac_stats_reset_trip(void) {
    LOCK();
    ac__count.trip_peak = ac__count.in_use;
    UNLOCK();
}

/* ---- test hook --------------------------------------------------------------------------- */

void ac__heap_reset_locked(ac__backend *backend) {
    LOCK();
    ac__heap_reset(backend);
    UNLOCK();
}

/* ---- standard names ------------------------------------------------------------------------ */

#if AC_EXPORT_STD_NAMES
void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void *aligned_alloc(size_t alignment, size_t size);
int posix_memalign(void **out, size_t alignment, size_t size);
void *memalign(size_t alignment, size_t size);
size_t malloc_usable_size(void *ptr);

void *malloc(size_t size) { return ac_malloc(size); }
void free(void *ptr) { ac_free(ptr); }
void *calloc(size_t count, size_t size) { return ac_calloc(count, size); }
void *realloc(void *ptr, size_t size) { return ac_realloc(ptr, size); }
void *aligned_alloc(size_t alignment, size_t size) { return ac_aligned_alloc(alignment, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    return ac_posix_memalign(out, alignment, size);
}
void *memalign(size_t alignment, size_t size) { return ac_aligned_alloc(alignment, size); }
size_t malloc_usable_size(void *ptr) { return ac_malloc_usable_size(ptr); }

#ifdef __wasm32__
/* wasi-libc's own code (atexit, locales) calls these musl names, which its
 * malloc (dlmalloc.o) defines: without them here, that code would pull
 * dlmalloc.o back in and the link would fail with duplicate symbols. */
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void __libc_free(void *ptr);
void *__libc_malloc(size_t size) { return ac_malloc(size); }
void *__libc_calloc(size_t count, size_t size) { return ac_calloc(count, size); }
void __libc_free(void *ptr) { ac_free(ptr); }
#endif

#ifndef __wasm32__
#include <unistd.h>
void *valloc(size_t size);
void *pvalloc(size_t size);
void *reallocarray(void *ptr, size_t count, size_t size);
void cfree(void *ptr);

void *valloc(size_t size) { return ac_aligned_alloc((size_t)sysconf(_SC_PAGESIZE), size); }
void *pvalloc(size_t size) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (size > AC_MAX_REQUEST_BYTES) return failed(AC_ENOMEM);
    return ac_aligned_alloc(page, (size + page - 1) & ~(page - 1));
}
void *reallocarray(void *ptr, size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) return failed(AC_ENOMEM);
    return ac_realloc(ptr, bytes);
}
/* Obsolete, no longer declared by glibc, but still a compatibility symbol
 * there that old binaries may call: without it they would reach glibc's free. */
void cfree(void *ptr) { ac_free(ptr); }
#endif
#endif
