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
 *   AC_THREAD_SAFE       0: no lock, for single-threaded programs. Default 1
 *                        (a pthread mutex natively; on wasm32 a spin lock,
 *                        only when compiled with atomics), 0 in freestanding
 *                        native builds (AC_FREESTANDING, internal.h), where
 *                        1 takes the program's own lock: ac_user_lock() and
 *                        ac_user_unlock().
 *   AC_EXPORT_STD_NAMES  1: also define malloc, free, calloc, realloc,
 *                        aligned_alloc, posix_memalign, memalign,
 *                        malloc_usable_size (and natively valloc, pvalloc,
 *                        reallocarray, cfree and glibc's __libc_malloc,
 *                        __libc_free, __libc_calloc, __libc_realloc,
 *                        __libc_memalign, __libc_valloc, __libc_pvalloc; on
 *                        wasm32 wasi-libc's __libc_malloc, __libc_calloc,
 *                        __libc_free; with emscripten its
 *                        emscripten_builtin_* names). Default (internal.h):
 *                        1 on wasm32, 0 natively. Freestanding native
 *                        builds define neither valloc, pvalloc nor glibc's
 *                        names. The statistics names (mallinfo & co.) are
 *                        stats.c's, emscripten's sbrk and brk
 *                        backend_wasm.c's.
 *
 * errno: natively the C library's, and emscripten's. On wasm32 the library
 * is freestanding, but a program linked with wasi-libc has a global `errno`:
 * a weak reference finds it (and stays NULL without a libc), so failures set
 * errno there too.
 * Error numbers are AC_EINVAL and AC_ENOMEM (WASI's on wasm32). Freestanding
 * native builds leave errno alone: there may be no C library, and one there
 * may keep errno where no weak reference finds it (newlib: per thread,
 * through __errno()).
 */
#include "internal.h"

/* The engine is compiled as part of this file: one translation unit, so that
 * its entry points inline into malloc and free (a call less on each, ~3%
 * faster under wasm32; no bytes either way). heap.c is not built alone. */
#include "heap.c"

/* ---- lock and errno --------------------------------------------------------- */

#ifndef AC_THREAD_SAFE
#if AC_FREESTANDING
#define AC_THREAD_SAFE 0 /* no threads the library knows of: callers serialize */
#else
#define AC_THREAD_SAFE 1
#endif
#endif

#if (!defined(__wasm32__) && !AC_FREESTANDING) || defined(__EMSCRIPTEN__)
/* emscripten's C library is always linked: its errno (per thread with
 * -pthread), numbered as WASI's */
#include <errno.h>
_Static_assert(EINVAL == AC_EINVAL && ENOMEM == AC_ENOMEM, "errno values");
#define SET_ERRNO(e) (errno = (e))
#endif

#if !defined(__wasm32__) && !AC_FREESTANDING && AC_THREAD_SAFE
#include <pthread.h>
#define HAS_LOCK 1
static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;

/* A fork while another thread holds the lock would leave the child's heap
 * locked forever: the lock is held across fork. Meanwhile the forking
 * thread passes it: the other fork handlers, which run in that thread
 * (before ours in the parent's prepare step when registered before ours,
 * after in the others), may allocate, as glibc's malloc allows; no other
 * thread can be in the heap then. In the child, the thread is the same. */
static pthread_t fork_thread; /* (atomic: a later fork writes it while others read it) */
static int forking;           /* fork_thread holds the lock for a fork */
static bool is_forking_thread(void) {
    if (!__atomic_load_n(&forking, __ATOMIC_ACQUIRE)) return false;
    pthread_t t;
    __atomic_load(&fork_thread, &t, __ATOMIC_RELAXED);
    return pthread_equal(t, pthread_self());
}
#define LOCK()                                                                                     \
    do {                                                                                           \
        if (!is_forking_thread()) pthread_mutex_lock(&heap_lock);                                  \
    } while (0)
#define UNLOCK()                                                                                   \
    do {                                                                                           \
        if (!is_forking_thread()) pthread_mutex_unlock(&heap_lock);                                \
    } while (0)

/* glibc's fork takes its stdio list lock after the prepare handlers, and a
 * thread holding that lock (fflush(NULL)) may wait for a stream whose owner
 * is in malloc (getline): taken after the heap lock it deadlocks, so it is
 * taken first, as glibc orders its own malloc's locks after it. Weak: only
 * glibc has it. glibc resets it in the child itself. */
extern void _IO_list_lock(void) __attribute__((weak));
extern void _IO_list_unlock(void) __attribute__((weak));

/* glibc's flag (since 2.32): true until the process starts a thread. With
 * one thread no other can be in the heap at a fork, but a signal handler
 * that forks may have interrupted this one there, holding the lock: taken
 * again, it would never be had. As glibc's own malloc, a fork in one
 * thread then takes no lock (a child of such a fork may call only what
 * is async-signal-safe, malloc not among it). */
extern char __libc_single_threaded __attribute__((weak));
static bool fork_unlocked; /* this fork's prepare step took no lock (atomic: two threads may be
                              in the prepare step, glibc lets them) */

static void fork_prepare(void) {
    bool one_thread = &__libc_single_threaded && __libc_single_threaded;
    __atomic_store_n(&fork_unlocked, one_thread, __ATOMIC_RELAXED);
    if (one_thread) return;
    if (_IO_list_lock) _IO_list_lock();
    pthread_mutex_lock(&heap_lock);
    pthread_t self = pthread_self();
    __atomic_store(&fork_thread, &self, __ATOMIC_RELAXED);
    __atomic_store_n(&forking, 1, __ATOMIC_RELEASE);
}
static void fork_parent(void) {
    if (__atomic_load_n(&fork_unlocked, __ATOMIC_RELAXED)) return;
    __atomic_store_n(&forking, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&heap_lock);
    if (_IO_list_unlock) _IO_list_unlock();
}
static void fork_child(void) {
    __atomic_store_n(&forking, 0, __ATOMIC_RELAXED);
    pthread_mutex_init(&heap_lock, NULL);
}

/* (internal.h) glibc runs the prepare handlers last registered first, so
 * ours run after those registered later: a library's handler that takes
 * a lock of its own, which another thread holds while it allocates, would
 * wait for that thread, and it for the heap's lock, held by then. The
 * preload library registers ours before any other library registers its
 * own (preload_fork.c), so that they run last in the prepare step, when
 * every other handler is done, and first after the fork, as glibc orders
 * its own malloc's locks. Once. */
void ac__fork_handlers_register(void) {
    static int registered;
    if (__atomic_exchange_n(&registered, 1, __ATOMIC_ACQ_REL)) return;
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}
__attribute__((constructor)) static void register_fork_handlers(void) {
    ac__fork_handlers_register();
}
#elif AC_FREESTANDING && AC_THREAD_SAFE
/* Bare metal: the program's own lock (alloc_cat.h), whatever its threads
 * are (an RTOS mutex, interrupts masked). */
#define HAS_LOCK 1
#define LOCK()   ac_user_lock()
#define UNLOCK() ac_user_unlock()
#elif defined(__wasm_atomics__) && AC_THREAD_SAFE
#define HAS_LOCK 1
static int heap_lock;
#ifdef __EMSCRIPTEN__
/* (internal.h: ac__memory_pages) */
#define RENEW_MEMORY()                                                                             \
    do {                                                                                           \
        if (__builtin_wasm_memory_size(0) < ac__memory_pages) ac__memory_renew();                  \
    } while (0)
#else
#define RENEW_MEMORY() ((void)0)
#endif
#define LOCK()                                                                                     \
    do {                                                                                           \
        while (__atomic_exchange_n(&heap_lock, 1, __ATOMIC_ACQUIRE)) {                             \
        }                                                                                          \
        RENEW_MEMORY();                                                                            \
    } while (0)
#define UNLOCK() __atomic_store_n(&heap_lock, 0, __ATOMIC_RELEASE)
/* With threads, a wasi-libc errno is thread-local: not reached from here. */
#else
#define HAS_LOCK 0 /* one thread: nothing changes the heap between two calls */
#define LOCK()   ((void)0)
#define UNLOCK() ((void)0)
#endif
#if defined(__wasm32__) && !defined(__wasm_atomics__) && !defined(__EMSCRIPTEN__)
/* wasi-libc's errno (errno.o, linked when the program uses errno): a weak
 * reference, so that freestanding programs link without one. */
extern int ac__libc_errno __asm__("errno") __attribute__((weak));
#define SET_ERRNO(e) (&ac__libc_errno ? (void)(ac__libc_errno = (e)) : (void)0)
#endif
#ifndef SET_ERRNO
#define SET_ERRNO(e) ((void)(e))
#endif

static bool is_pow2(size_t x) { return x && !(x & (x - 1)); }

/* ---- misuse reports (checked builds) -------------------------------------------- */

static ac_error_hook_fn error_hook;
static void *error_ctx;
static char error_message[200];

/* One report, put together under the lock in the caller's own frame: what
 * the hook is handed stays as it was while the hook runs, whatever other
 * threads (or the hook itself) report meanwhile. Unused, and left out by
 * the compiler, in unchecked builds. */
typedef struct misuse_report {
    ac_error_hook_fn hook;
    void *ctx;
    char message[sizeof error_message];
} misuse_report;

void ac_set_error_hook(ac_error_hook_fn hook, void *ctx) {
    LOCK();
    error_hook = hook;
    error_ctx = ctx;
    UNLOCK();
}

const char *ac_last_error(void) { return error_message; }

#if AC_CHECKED
/* Under the lock: ends the message in r, copies it for ac_last_error(), and
 * takes the hook to call. */
static void finish_report(ac__writer *w, misuse_report *r) {
    ac__w_finish(w);
    ac__memcpy(error_message, r->message, sizeof error_message);
    r->hook = error_hook;
    r->ctx = error_ctx;
}
#endif

/* What a caller passes back besides the pointer, for misuse() to check:
 * free, realloc and malloc_usable_size nothing; free_sized the size (C23
 * allows it for realloc's result, which keeps the alignment of a block it
 * resized in place); free_aligned_sized and the layout API both. */
#define CHECK_SIZE  1u
#define CHECK_ALIGN 2u

/* Under the lock: 0 when ptr is a live block (that asked for `size` bytes,
 * if `checks` has CHECK_SIZE, at `align`, if it has CHECK_ALIGN);
 * otherwise fills *r (and the copy of the message for ac_last_error()) and
 * returns the kind. Always 0 in unchecked builds. */
static int misuse(const void *ptr, size_t size, size_t align, unsigned checks, const char *where,
                  misuse_report *r) {
#if AC_CHECKED
    int kind = ac__heap_block_error(ptr);
    size_t actual = 0, actual_align = 0;
    if (!kind && checks) {
        actual = heap_requested(ptr);
        actual_align = heap_align(ptr);
        bool align_bad = !is_pow2(align) || kept_align(align) != actual_align;
        if (actual != size || ((checks & CHECK_ALIGN) && align_bad))
            kind = AC_ERROR_SIZE_MISMATCH;
    }
    if (!kind) return 0;
    ac__writer w;
    ac__w_init(&w, r->message, sizeof r->message);
    ac__w_str(&w, "alloc_cat: ");
    ac__w_str(&w, kind == AC_ERROR_DOUBLE_FREE       ? "double free of "
                  : kind == AC_ERROR_FOREIGN_POINTER ? "foreign pointer "
                  : kind == AC_ERROR_SIZE_MISMATCH   ? "size mismatch for "
                                                     : "write past the end of ");
    ac__w_hex(&w, (uintptr_t)ptr);
    ac__w_str(&w, " in ");
    ac__w_str(&w, where);
    if (kind == AC_ERROR_FOREIGN_POINTER) ac__w_str(&w, ": not a live block of this heap");
    if (kind == AC_ERROR_SIZE_MISMATCH) {
        ac__w_str(&w, ": given ");
        ac__w_udec(&w, size);
        ac__w_str(&w, " bytes");
        if (checks & CHECK_ALIGN) {
            ac__w_str(&w, ", align ");
            ac__w_udec(&w, align);
        }
        ac__w_str(&w, "; the block has ");
        ac__w_udec(&w, actual);
        ac__w_str(&w, " bytes, align ");
        ac__w_udec(&w, actual_align);
    }
    if (kind == AC_ERROR_OVERFLOW) {
        ac__w_str(&w, " (");
        ac__w_udec(&w, heap_requested(ptr));
        ac__w_str(&w, " bytes): its canary was overwritten");
    }
    finish_report(&w, r);
    return kind;
#else
    (void)ptr, (void)size, (void)align, (void)checks, (void)where, (void)r;
    return 0;
#endif
}

/* Called without the lock, after misuse() found something: only in
 * checked builds, where misuse() fills *r (unchecked ones never call it
 * with bad set; saying so here lets gcc -Og see that r is never read). */
static void report(int kind, const void *ptr, const misuse_report *r) {
    if (!AC_CHECKED) return;
    if (r->hook) {
        r->hook((ac_error_kind)kind, ptr, r->message, r->ctx);
        return;
    }
    /* (internal.h; elsewhere the report stays for ac_last_error() only) */
#if AC__HAS_STDERR || AC__WASI_STDERR
    size_t n = 0;
    while (r->message[n]) n++;
    ac__write_all(2, r->message, n);
    ac__write_all(2, "\n", 1);
#endif
    __builtin_trap();
}

#if AC_CHECKED
/* write_after_free()'s flag: natively each thread's own; elsewhere one
 * (with wasm32's atomics, a thread that comes upon damage while another's
 * hook runs traps at once). */
#if !defined(__wasm32__) && !AC_FREESTANDING
#define REPORT_LOCAL _Thread_local
#else
#define REPORT_LOCAL
#endif

/* Called by heap.c under the lock (checked builds): a write after free
 * changed the memory at p. found_byte is the byte p holds where the fill
 * was (the heap has filled it again), or FREE_WORDS_HIT when the write hit
 * the heap's own words, a free block's header or list links (a freed
 * payload begins with the links, and free blocks are made inside freed
 * memory; p is that block's payload), or LIVE_HEADER_HIT when the block at
 * p, taken for a free one by its header, is marked in use: its header was
 * overwritten while it was live, which is named as heap damage rather than
 * a write after free (same kind, same trap). Reports it without the lock,
 * then traps whatever the hook does: the heap cannot go on with a block or
 * list it cannot trust, nor hand out memory the program still writes to.
 * A second damage found meanwhile by the hook's own calls traps at once. */
_Noreturn static void write_after_free(const void *p, int found_byte) {
    /* Set while this thread's report is under way: a hook that allocates
     * can come upon the damage again, and must not be called again for it
     * (it would recurse); another thread's damage is reported as its own,
     * while this hook runs (REPORT_LOCAL). Cleared, under the lock, before
     * the trap that ends the report: a wasm32 host may catch that trap and
     * go on with the instance, and a later write after free is then a new
     * report with its own address, not a bare trap under an old
     * ac_last_error(). */
    static REPORT_LOCAL bool reported;
    if (reported) { /* the hook's own call: this trap ends the report under way too */
        reported = false;
        __builtin_trap();
    }
    reported = true;
    misuse_report r;
    ac__writer w;
    ac__w_init(&w, r.message, sizeof r.message);
    ac__w_str(&w, found_byte == LIVE_HEADER_HIT ? "alloc_cat: heap damage at "
                                                 : "alloc_cat: write after free at ");
    ac__w_hex(&w, (uintptr_t)p);
    if (found_byte == LIVE_HEADER_HIT) {
        ac__w_str(&w, ": the header of the block in use there was overwritten (a write past the "
                      "end of the block before it, or a stray pointer); the heap cannot go on");
    } else if (found_byte < 0) {
        ac__w_str(&w, ": the free block there lost its header or list links; the heap cannot go on");
    } else {
        ac__w_str(&w, ": freed memory there holds ");
        ac__w_hex(&w, (uint64_t)found_byte);
        ac__w_str(&w, ", not the fill ");
        ac__w_hex(&w, FILL_BYTE);
    }
    finish_report(&w, &r);
    if (!r.hook) reported = false; /* the default hook calls nothing that allocates */
    UNLOCK();
    report(AC_ERROR_WRITE_AFTER_FREE, p, &r);
    LOCK(); /* the hook returned */
    reported = false;
    UNLOCK();
    __builtin_trap();
}
#endif

#if AC_CHECKED
void ac__report_misuse(const void *ptr, const char *where) {
    misuse_report r;
    LOCK();
    int bad = misuse(ptr, 0, 0, 0, where, &r);
    UNLOCK();
    if (bad) report(bad, ptr, &r);
}
#endif

/* Frees ptr after the checks a checked build makes. Unchecked builds make
 * none, and every free goes through ac_free (FREE_CHECKED below): then this
 * has one caller, inlined there, and a free costs one call less. */
static void free_checked(void *ptr, size_t size, size_t align, unsigned checks,
                         const char *where) {
    if (!ptr) return;
    misuse_report r;
    LOCK();
    int bad = misuse(ptr, size, align, checks, where, &r);
    if (!bad) heap_free(ptr);
    UNLOCK();
    if (bad) report(bad, ptr, &r);
}

/* Sets errno, returns NULL. Not inlined: where the weak errno is missing
 * (no libc), clang folds the inlined store's test into the caller's own,
 * and wasm-opt then leaves the dead store there; out of line it goes (21
 * bytes less on wasm32), and with a libc it is no larger either. */
__attribute__((noinline)) static void *failed(int err) {
    SET_ERRNO(err);
    return NULL;
}

/* ---- the malloc family -------------------------------------------------------- */

/* Not inlined into calloc and realloc: built for speed, the engine's
 * allocation is inlined here, and one copy of it is enough. */
__attribute__((noinline)) void *ac_malloc(size_t size) {
    LOCK();
    void *p = heap_alloc(size);
    UNLOCK();
    return p ? p : failed(AC_ENOMEM);
}

/* Not inlined into resize(), its other caller: so the engine's free has one
 * caller, and is inlined here instead. */
__attribute__((noinline)) void ac_free(void *ptr) { free_checked(ptr, 0, 0, 0, "free"); }
#if AC_CHECKED
#define FREE_CHECKED(ptr, size, align, checks, where) free_checked(ptr, size, align, checks, where)
#else
#define FREE_CHECKED(ptr, size, align, checks, where) ((void)(size), (void)(align), ac_free(ptr))
#endif

void *ac_calloc(size_t count, size_t size) {
    size_t bytes;
    /* on overflow, a request malloc refuses (NULL, ENOMEM) */
    if (__builtin_mul_overflow(count, size, &bytes)) bytes = (size_t)-1;
    void *p = ac_malloc(bytes);
    if (p) ac__memset(p, 0, bytes);
    return p;
}

/* Aligned allocation shared by every entry point that takes an alignment. */
static void *alloc_aligned(size_t size, size_t align) {
    if (!is_pow2(align)) return failed(AC_EINVAL);
    LOCK();
    void *p = heap_alloc_aligned(size, align);
    UNLOCK();
    return p ? p : failed(AC_ENOMEM);
}

/* Resize keeping `align`: in place if possible, else allocate, copy, free;
 * misuse() checks what `checks` says first.
 * ptr is never NULL here: realloc and ac_resize() allocate for NULL before
 * calling (ac_resize() with alloc_aligned(), which audit builds count at
 * the alignment asked). Always inlined, so that realloc (align 16, a
 * constant) does not pull in the aligned allocation path. */
__attribute__((always_inline)) static inline void *
resize(void *ptr, size_t old_size, size_t size, size_t align, unsigned checks, const char *where) {
    misuse_report r;
    LOCK();
    int bad = misuse(ptr, old_size, align, checks, where, &r);
    if (bad) {
        UNLOCK();
        report(bad, ptr, &r);
        return NULL;
    }
    bool in_place = heap_resize_in_place(ptr, size);
    /* The bytes to copy if the block moves: read under the lock, as other
     * threads may change the flags in its header (a neighbour freed or
     * taken). With no lock they are read where they are copied, which
     * keeps the wasm32 build as small as it was. */
    size_t usable = HAS_LOCK && !in_place ? heap_usable(ptr) : 0;
    UNLOCK();
    if (in_place) return ptr;
    /* Moved through the public entry points, each taking the lock itself
     * (the block's payload stays the caller's until it is freed, so nothing
     * else touches it in between): then the engine's alloc and free have one
     * caller each, malloc and free, and on wasm32 are inlined there. A
     * failed allocation has set errno. */
    void *q = align > AC_MALLOC_ALIGN ? alloc_aligned(size, align) : ac_malloc(size);
    if (q) {
        /* all the old block's usable bytes, as glibc's realloc keeps them
         * (programs that size their buffers by malloc_usable_size write
         * there); the header is as it was, as the resize failed. A shrink
         * always succeeds in place, and a growth that fails asks for more
         * than the block holds: the new block has room for them all. */
        ac__memcpy(q, ptr, HAS_LOCK ? usable : heap_usable(ptr));
        ac_free(ptr);
    }
    return q;
}

void *ac_realloc(void *ptr, size_t size) {
    if (!ptr) return ac_malloc(size);
    return resize(ptr, 0, size, AC_MALLOC_ALIGN, 0, "realloc");
}

void *ac_aligned_alloc(size_t alignment, size_t size) { return alloc_aligned(size, alignment); }

int ac_posix_memalign(void **out, size_t alignment, size_t size) {
    if (!is_pow2(alignment) || alignment % sizeof(void *)) return AC_EINVAL;
    LOCK();
    void *p = heap_alloc_aligned(size, alignment);
    UNLOCK();
    if (!p) return AC_ENOMEM;
    *out = p;
    return 0;
}

size_t ac_malloc_usable_size(const void *ptr) {
    if (!ptr) return 0;
    misuse_report r;
    LOCK();
    int bad = misuse(ptr, 0, 0, 0, "malloc_usable_size", &r);
    size_t n = bad ? 0 : heap_usable(ptr);
    UNLOCK();
    if (bad) report(bad, ptr, &r);
    return n;
}

void ac_free_sized(void *ptr, size_t size) { FREE_CHECKED(ptr, size, 0, CHECK_SIZE, "free_sized"); }

void ac_free_aligned_sized(void *ptr, size_t alignment, size_t size) {
    FREE_CHECKED(ptr, size, alignment, CHECK_SIZE | CHECK_ALIGN, "free_aligned_sized");
}

/* ---- the layout API ------------------------------------------------------------- */

void *ac_alloc(size_t size, size_t align) { return alloc_aligned(size, align); }

void *ac_alloc_zeroed(size_t size, size_t align) {
    void *p = alloc_aligned(size, align);
    if (p) ac__memset(p, 0, size);
    return p;
}

void ac_dealloc(void *ptr, size_t size, size_t align) {
    FREE_CHECKED(ptr, size, align, CHECK_SIZE | CHECK_ALIGN, "ac_dealloc");
}

void *ac_resize(void *ptr, size_t old_size, size_t align, size_t new_size) {
    if (!is_pow2(align)) return failed(AC_EINVAL);
    if (!ptr) return alloc_aligned(new_size, align);
    return resize(ptr, old_size, new_size, align, CHECK_SIZE | CHECK_ALIGN, "ac_resize");
}

/* ---- static buffer ------------------------------------------------------------------ */

bool ac_heap_init_static(void *buf, size_t bytes) {
    static ac__backend backend;
    if (!buf || bytes < AC__HEAP_MIN_BYTES) return false;
    LOCK();
    bool idle = ac__count.allocs == ac__count.frees;
    if (idle) {
        ac__static_backend_init(&backend, buf, bytes);
        ac__heap_reset(&backend);
    }
    UNLOCK();
    return idle;
}

/* ---- the lock, for stats.c ---------------------------------------------------------- */

void ac__lock(void) { LOCK(); }
void ac__unlock(void) { UNLOCK(); }

#if defined(__wasm32__) && !defined(__wasm_atomics__) && AC_THREAD_SAFE
/* Built without atomics, wasm32 has no lock: such a build must not serve
 * threads that share a memory. The atomic store below (clang makes it a
 * plain one) marks this object as not for shared memory, so that wasm-ld
 * refuses to link it into a module built with --shared-memory
 * ("--shared-memory is disallowed by malloc.o because it was not compiled
 * with 'atomics' ...") instead of linking a heap with no lock. Nothing
 * calls the function, so the linker drops it: no module grows. The
 * variable must not be static: the compiler would drop a store nobody
 * reads, and the mark with it (tools/test_shared_memory.sh would fail).
 * With -flto the store is lowered only after wasm-ld has checked the
 * objects, so an LTO build is not marked (documented in README). */
int ac__no_shared_memory;
void ac__mark_no_shared_memory(void);
void ac__mark_no_shared_memory(void) {
    __atomic_store_n(&ac__no_shared_memory, 1, __ATOMIC_RELAXED);
}
#endif

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

/* The same functions under a second name (not wrappers: no extra call);
 * weak with emscripten (AC__STD_NAME). */
#define AC_SAME_AS(f) AC__STD_NAME __attribute__((alias(#f)))
void *malloc(size_t size) AC_SAME_AS(ac_malloc);
void free(void *ptr) AC_SAME_AS(ac_free);
void *calloc(size_t count, size_t size) AC_SAME_AS(ac_calloc);
void *realloc(void *ptr, size_t size) AC_SAME_AS(ac_realloc);
void *aligned_alloc(size_t alignment, size_t size) AC_SAME_AS(ac_aligned_alloc);
int posix_memalign(void **out, size_t alignment, size_t size) AC_SAME_AS(ac_posix_memalign);
#ifdef __wasm32__
void *memalign(size_t alignment, size_t size) AC_SAME_AS(ac_aligned_alloc); /* as musl's */
#endif
AC__STD_NAME size_t malloc_usable_size(void *ptr) { return ac_malloc_usable_size(ptr); }

#ifdef __wasm32__
/* wasi-libc's own code (atexit, locales) calls these musl names, which its
 * malloc (dlmalloc.o) defines: without them here, that code would pull
 * dlmalloc.o back in and the link would fail with duplicate symbols. */
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void __libc_free(void *ptr);
void *__libc_malloc(size_t size) AC_SAME_AS(ac_malloc);
void *__libc_calloc(size_t count, size_t size) AC_SAME_AS(ac_calloc);
void __libc_free(void *ptr) AC_SAME_AS(ac_free);
#endif

#ifdef __EMSCRIPTEN__
/* emscripten's runtime allocates through these names (thread stacks and
 * thread-local storage with -pthread, some JavaScript library functions,
 * the sanitizers), which its own allocators define: with -sMALLOC=none the
 * link fails without them. */
void *emscripten_builtin_malloc(size_t size);
void emscripten_builtin_free(void *ptr);
void *emscripten_builtin_memalign(size_t alignment, size_t size);
/* (not weak: these are the allocator's own, which a program's malloc calls) */
void *emscripten_builtin_malloc(size_t size) __attribute__((alias("ac_malloc")));
void emscripten_builtin_free(void *ptr) __attribute__((alias("ac_free")));
void *emscripten_builtin_memalign(size_t alignment, size_t size)
    __attribute__((alias("ac_aligned_alloc")));
#endif

#ifndef __wasm32__
#if !AC_FREESTANDING
#include <unistd.h>
#endif
void *valloc(size_t size);
void *pvalloc(size_t size);
void *reallocarray(void *ptr, size_t count, size_t size);
void cfree(void *ptr);

/* glibc's memalign, which programs written for it count on: an alignment
 * of at most malloc's (0 included) is malloc, and one that is not a power
 * of two is rounded up to the next (EINVAL only past SIZE_MAX / 2 + 1) */
void *memalign(size_t alignment, size_t size) {
    if (alignment <= AC_MALLOC_ALIGN) return ac_malloc(size);
    if (alignment > SIZE_MAX / 2 + 1) return failed(AC_EINVAL);
    size_t a = AC_MALLOC_ALIGN;
    while (a < alignment) a <<= 1;
    return ac_aligned_alloc(a, size);
}
#if !AC_FREESTANDING /* (no page size to ask for) */
void *valloc(size_t size) { return ac_aligned_alloc((size_t)sysconf(_SC_PAGESIZE), size); }
void *pvalloc(size_t size) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (size > AC_MAX_REQUEST_BYTES) return failed(AC_ENOMEM);
    return ac_aligned_alloc(page, (size + page - 1) & ~(page - 1));
}
#endif
void *reallocarray(void *ptr, size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) return failed(AC_ENOMEM);
    return ac_realloc(ptr, bytes);
}
#if !AC_FREESTANDING /* glibc's own names */
/* Obsolete, no longer declared by glibc, but still a compatibility symbol
 * there that old binaries may call: without it they would reach glibc's free. */
void cfree(void *ptr) AC_SAME_AS(ac_free);

/* glibc also exports its allocator under these names, which some libraries
 * call directly (malloc debugging and profiling libraries): a block from
 * one name freed through another must reach the same heap. */
void *__libc_malloc(size_t size);
void __libc_free(void *ptr);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void *__libc_valloc(size_t size);
void *__libc_pvalloc(size_t size);
void *__libc_malloc(size_t size) AC_SAME_AS(ac_malloc);
void __libc_free(void *ptr) AC_SAME_AS(ac_free);
void *__libc_calloc(size_t count, size_t size) AC_SAME_AS(ac_calloc);
void *__libc_realloc(void *ptr, size_t size) AC_SAME_AS(ac_realloc);
/* (calls, not aliases: glibc's headers give the targets attributes that
 * an alias would have to repeat) */
void *__libc_memalign(size_t alignment, size_t size) { return memalign(alignment, size); }
void *__libc_valloc(size_t size) { return valloc(size); }
void *__libc_pvalloc(size_t size) { return pvalloc(size); }
#endif
#endif
#endif
