/*
 * metrics_only.c - alloc_cat's counters over the system allocator, native
 * only: build/native/liballoc_cat_metrics.so, an LD_PRELOAD library that
 * wraps malloc and friends of the next library in the search order (glibc)
 * and counts what passes through, so that a program can be profiled
 * without changing allocators:
 *
 *   ALLOC_CAT_REPORT=1 LD_PRELOAD=build/native/liballoc_cat_metrics.so prog
 *
 * prints the report (the one ac_stats_format prints, without the heap
 * layout, which belongs to the system allocator) on stderr when the
 * program exits through exit() or main's return (not _exit() or a crash).
 * Whether a report is wanted (read once, at start) and where it goes (a
 * copy of stderr, for programs that close theirs on their way out, such as
 * coreutils) is exit_report.c's part. A program can also ask
 * itself: the library exports ac_stats_get, ac_stats_reset_trip and
 * ac_stats_format with the same contracts as in alloc_cat (find them with
 * dlsym(RTLD_DEFAULT, ...)).
 *
 * Sizes are what the system's malloc_usable_size says a block holds (the
 * request rounded up to the allocator's granule), counted when the block
 * is handed out and again when it is freed, so in_use_bytes returns to its
 * start when everything is freed. heap_bytes is the system allocator's own
 * figure at the time of asking (mallinfo2: arena + mmapped bytes).
 * Realloc counts like alloc_cat's: in place, the difference; moved, an
 * alloc and a free (both blocks live for a moment, and the peak shows it).
 *
 * Bootstrap: the real functions are found with dlsym(RTLD_NEXT, ...), which
 * may itself call malloc or calloc; those calls are served from a small
 * static buffer (never freed, never counted). Counters are atomic:
 * threads never lose counts. A thread-local depth keeps calls that a real
 * function makes back into these wrappers from being counted twice.
 * The report is written with write(2) and no allocation, so it works in a
 * destructor while the program's own memory is being torn down.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#define HAVE_MALLINFO2 1
#else
#define HAVE_MALLINFO2 0
#endif

#define EXPORT __attribute__((visibility("default")))

/* ---- the real functions --------------------------------------------------------- */

static struct {
    void *(*malloc)(size_t);
    void (*free)(void *);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void *(*memalign)(size_t, size_t);
    void *(*aligned_alloc)(size_t, size_t);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*valloc)(size_t);
    void *(*pvalloc)(size_t);
    size_t (*malloc_usable_size)(void *);
} real;

static int resolving, resolved;

/* Served while dlsym runs: 16-byte header holding the size, then the block. */
#define BOOT_BYTES (64u * 1024u)
static _Alignas(16) unsigned char boot[BOOT_BYTES];
static size_t boot_used;

static void *boot_alloc(size_t bytes) {
    if (bytes > BOOT_BYTES) return NULL;
    size_t need = 16 + ((bytes + 15) & ~(size_t)15);
    size_t at = __atomic_fetch_add(&boot_used, need, __ATOMIC_RELAXED);
    if (at + need > BOOT_BYTES) return NULL;
    *(size_t *)(void *)(boot + at) = bytes;
    return boot + at + 16; /* static: already zero, for calloc too */
}

static bool from_boot(const void *p) {
    return (const unsigned char *)p >= boot && (const unsigned char *)p < boot + BOOT_BYTES;
}

static size_t boot_size(const void *p) {
    return *(const size_t *)(const void *)((const unsigned char *)p - 16);
}

/* dlsym returns an object pointer: copy its bits into the function pointer */
#define FIND(name)                                                                                 \
    do {                                                                                           \
        void *sym_ = dlsym(RTLD_NEXT, #name);                                                      \
        __builtin_memcpy(&real.name, &sym_, sizeof sym_);                                          \
    } while (0)

static void resolve(void) {
    if (__atomic_load_n(&resolved, __ATOMIC_ACQUIRE)) return;
    resolving = 1;
    FIND(malloc);
    FIND(free);
    FIND(calloc);
    FIND(realloc);
    FIND(memalign);
    FIND(aligned_alloc);
    FIND(posix_memalign);
    FIND(valloc);
    FIND(pvalloc);
    FIND(malloc_usable_size);
    resolving = 0;
    if (!real.malloc || !real.free || !real.calloc || !real.realloc || !real.memalign ||
        !real.aligned_alloc || !real.posix_memalign || !real.valloc || !real.pvalloc ||
        !real.malloc_usable_size) {
        static const char msg[] = "alloc_cat metrics: the system allocator was not found\n";
        ssize_t ignored = write(2, msg, sizeof msg - 1);
        (void)ignored;
        _exit(127);
    }
    __atomic_store_n(&resolved, 1, __ATOMIC_RELEASE);
}

__attribute__((constructor(101))) static void metrics_init(void) {
    resolve();
    (void)ac__exit_report_wanted(); /* ALLOC_CAT_REPORT is read now, once */
}

/* ---- counters -------------------------------------------------------------------------- */

static struct {
    size_t in_use, peak, trip_peak;
    size_t live; /* its own count: allocs - frees, read as two loads while
                  * other threads run, can be off either way (or wrap) */
    uint64_t allocs, frees;
} C;

static __thread unsigned depth __attribute__((tls_model("initial-exec")));

static void raise_to(size_t *mark, size_t v) {
    size_t m = __atomic_load_n(mark, __ATOMIC_RELAXED);
    while (v > m && !__atomic_compare_exchange_n(mark, &m, v, true, __ATOMIC_RELAXED,
                                                 __ATOMIC_RELAXED)) {
    }
}

static void *counted(void *p) {
    if (p) {
        size_t bytes = real.malloc_usable_size(p);
        size_t u = __atomic_add_fetch(&C.in_use, bytes, __ATOMIC_RELAXED);
        __atomic_add_fetch(&C.allocs, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&C.live, 1, __ATOMIC_RELAXED);
        raise_to(&C.trip_peak, u);
        raise_to(&C.peak, u);
    }
    return p;
}

/* A count goes down by `by`, stopping at 0: a block that reached free()
 * without passing through these wrappers (from __libc_malloc, say) was
 * never counted, and must not make in_use or live wrap. */
static void lower(size_t *count, size_t by) {
    size_t v = __atomic_load_n(count, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(count, &v, v > by ? v - by : 0, true, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
    }
}

static void uncount(size_t bytes) {
    lower(&C.in_use, bytes);
    lower(&C.live, 1);
    __atomic_add_fetch(&C.frees, 1, __ATOMIC_RELAXED);
}

/* Real calls run with the depth raised: wrappers they reach count nothing. */
#define ENTER() (depth++)
#define LEAVE() (depth--)

/* ---- the wrappers ------------------------------------------------------------------------- */

EXPORT void *malloc(size_t bytes);
EXPORT void free(void *p);
EXPORT void *calloc(size_t count, size_t bytes);
EXPORT void *realloc(void *p, size_t bytes);
EXPORT void *reallocarray(void *p, size_t count, size_t bytes);
EXPORT void *memalign(size_t align, size_t bytes);
EXPORT void *aligned_alloc(size_t align, size_t bytes);
EXPORT int posix_memalign(void **out, size_t align, size_t bytes);
EXPORT void *valloc(size_t bytes);
EXPORT void *pvalloc(size_t bytes);
EXPORT size_t malloc_usable_size(void *p);

void *malloc(size_t bytes) {
    if (resolving) return boot_alloc(bytes);
    resolve();
    if (depth) return real.malloc(bytes);
    ENTER();
    void *p = real.malloc(bytes);
    LEAVE();
    return counted(p);
}

void free(void *p) {
    if (!p || from_boot(p)) return;
    resolve();
    if (depth) {
        real.free(p);
        return;
    }
    int saved = errno; /* free leaves errno alone */
    /* uncounted first: once real.free returns, another thread may be
     * handed the same bytes, and the peak must not count them twice */
    uncount(real.malloc_usable_size(p));
    ENTER();
    real.free(p);
    LEAVE();
    errno = saved;
}

void *calloc(size_t count, size_t bytes) {
    if (resolving) {
        size_t total;
        return __builtin_mul_overflow(count, bytes, &total) ? NULL : boot_alloc(total);
    }
    resolve();
    if (depth) return real.calloc(count, bytes);
    ENTER();
    void *p = real.calloc(count, bytes);
    LEAVE();
    return counted(p);
}

void *realloc(void *p, size_t bytes) {
    if (!p) return malloc(bytes);
    if (from_boot(p)) { /* move it out of the bootstrap buffer */
        void *q = malloc(bytes);
        size_t old = boot_size(p);
        if (q) __builtin_memcpy(q, p, old < bytes ? old : bytes);
        return q;
    }
    resolve();
    if (depth) return real.realloc(p, bytes);
    size_t old = real.malloc_usable_size(p);
    ENTER();
    void *q = real.realloc(p, bytes);
    LEAVE();
    if (!q) {
        if (!bytes) uncount(old); /* glibc: realloc(p, 0) frees p */
        return NULL;
    }
    if (q == p) { /* in place: the difference */
        size_t now = real.malloc_usable_size(q);
        if (now >= old) {
            size_t u = __atomic_add_fetch(&C.in_use, now - old, __ATOMIC_RELAXED);
            raise_to(&C.trip_peak, u);
            raise_to(&C.peak, u);
        } else {
            lower(&C.in_use, old - now);
        }
        return q;
    }
    counted(q); /* moved: an alloc and a free */
    uncount(old);
    return q;
}

void *reallocarray(void *p, size_t count, size_t bytes) {
    size_t total;
    if (__builtin_mul_overflow(count, bytes, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, total);
}

/* The aligned family: each calls its real twin (glibc has all of them). */
#define ALIGNED_WRAPPER(call)                                                                      \
    do {                                                                                           \
        resolve();                                                                                 \
        if (depth) return call;                                                                    \
        ENTER();                                                                                   \
        void *p_ = call;                                                                           \
        LEAVE();                                                                                   \
        return counted(p_);                                                                        \
    } while (0)

void *memalign(size_t align, size_t bytes) { ALIGNED_WRAPPER(real.memalign(align, bytes)); }
void *aligned_alloc(size_t align, size_t bytes) {
    ALIGNED_WRAPPER(real.aligned_alloc(align, bytes));
}
void *valloc(size_t bytes) { ALIGNED_WRAPPER(real.valloc(bytes)); }
void *pvalloc(size_t bytes) { ALIGNED_WRAPPER(real.pvalloc(bytes)); }

int posix_memalign(void **out, size_t align, size_t bytes) {
    resolve();
    if (depth) return real.posix_memalign(out, align, bytes);
    ENTER();
    int r = real.posix_memalign(out, align, bytes);
    LEAVE();
    if (r == 0) counted(*out);
    return r;
}

size_t malloc_usable_size(void *p) {
    if (!p) return 0;
    if (from_boot(p)) return boot_size(p);
    resolve();
    return real.malloc_usable_size(p);
}

/* ---- the stats API, as in alloc_cat ---------------------------------------------------------- */

EXPORT void ac_stats_get(ac_stats_t *out);
EXPORT void ac_stats_reset_trip(void);
EXPORT size_t ac_stats_format(char *buf, size_t len);

static size_t system_heap_bytes(void) {
#if HAVE_MALLINFO2
    struct mallinfo2 mi = mallinfo2();
    return mi.arena + mi.hblkhd;
#else
    return 0;
#endif
}

void ac_stats_get(ac_stats_t *out) {
    out->in_use_bytes = __atomic_load_n(&C.in_use, __ATOMIC_RELAXED);
    out->trip_peak_bytes = __atomic_load_n(&C.trip_peak, __ATOMIC_RELAXED);
    out->peak_bytes = __atomic_load_n(&C.peak, __ATOMIC_RELAXED);
    out->allocs = __atomic_load_n(&C.allocs, __ATOMIC_RELAXED);
    out->frees = __atomic_load_n(&C.frees, __ATOMIC_RELAXED);
    out->live_blocks = __atomic_load_n(&C.live, __ATOMIC_RELAXED);
    out->heap_bytes = system_heap_bytes();
    out->heap_pages = (out->heap_bytes + AC_PAGE_BYTES - 1) / AC_PAGE_BYTES;
}

void ac_stats_reset_trip(void) {
    __atomic_store_n(&C.trip_peak, __atomic_load_n(&C.in_use, __ATOMIC_RELAXED),
                     __ATOMIC_RELAXED);
}

size_t ac_stats_format(char *buf, size_t len) {
    ac_stats_t s;
    ac_stats_get(&s);
    ac__writer w;
    ac__w_init(&w, buf, len);
    ac__report r = {"alloc_cat metrics-only (system allocator; sizes from malloc_usable_size)",
                    &s, NULL, NULL, NULL, NULL};
    ac__report_write(&w, &r);
#if HAVE_MALLINFO2
    struct mallinfo2 mi = mallinfo2();
    ac__w_str(&w, "  system heap   ");
    ac__w_bytes(&w, mi.arena);
    ac__w_str(&w, " in arenas (");
    ac__w_bytes(&w, mi.fordblks);
    ac__w_str(&w, " free), ");
    ac__w_bytes(&w, mi.hblkhd);
    ac__w_str(&w, " in ");
    ac__w_udec(&w, mi.hblks);
    ac__w_str(&w, mi.hblks == 1 ? " mmapped block\n" : " mmapped blocks\n");
#endif
    return ac__w_finish(&w);
}

/* ---- the report at exit ----------------------------------------------------------------------- */

__attribute__((destructor(101))) static void metrics_report(void) {
    if (!ac__exit_report_wanted()) return;
    static char buf[2048];
    ac__writer w;
    ac__w_init(&w, buf, sizeof buf);
    ac__w_str(&w, "== alloc_cat report for pid ");
    ac__w_udec(&w, (uint64_t)getpid());
    ac__w_str(&w, " (");
    ac__w_str(&w, program_invocation_short_name ? program_invocation_short_name : "?");
    ac__w_str(&w, ") at exit\n");
    size_t head = ac__w_finish(&w);
    if (head >= sizeof buf) head = sizeof buf - 1;
    size_t n = ac_stats_format(buf + head, sizeof buf - head);
    if (n >= sizeof buf - head) n = sizeof buf - head - 1;
    ac__exit_report_write(buf, head + n);
}
