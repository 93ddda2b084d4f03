/*
 * internal.h - what alloc_cat's source files share, and nothing more.
 * Names here start with `ac__` (two underscores): they are not part of the
 * public contract and may change at any time.
 */
#ifndef ALLOC_CAT_INTERNAL_H
#define ALLOC_CAT_INTERNAL_H

#include "alloc_cat.h"

/* ---- the build's environment --------------------------------------------- */
/* AC_FREESTANDING 1: a native build for a target with no operating system
 * (bare metal: a Cortex-M, a boot loader, a kernel): no header beyond the
 * compiler's own freestanding ones, no system call, no pthread. The default
 * heap then has no memory of its own (backend_static.c): ac_heap_init_static()
 * gives it some. There is no lock unless the program supplies one
 * (ac_user_lock, malloc.c), errno is not set, and the default misuse hook
 * traps without writing. Default: 1 when compiled freestanding
 * (-ffreestanding, which makes __STDC_HOSTED__ 0) for a target other than
 * wasm32, else 0. wasm32 builds are freestanding already, in their own way. */
#ifndef AC_FREESTANDING
#if !defined(__wasm32__) && !__STDC_HOSTED__
#define AC_FREESTANDING 1
#else
#define AC_FREESTANDING 0
#endif
#endif
#if AC_FREESTANDING && defined(__wasm32__)
#error "AC_FREESTANDING is for native targets: wasm32 builds need no operating system already"
#endif

/* AC_EXPORT_STD_NAMES 1: the library also defines the C library's names
 * for what it does: malloc.c the allocation functions (malloc, free, ...),
 * stats.c the statistics functions where the C library declares them
 * (mallinfo & co.), backend_wasm.c emscripten's sbrk and brk. Default: 1
 * on wasm32, 0 natively. */
#ifndef AC_EXPORT_STD_NAMES
#ifdef __wasm32__
#define AC_EXPORT_STD_NAMES 1
#else
#define AC_EXPORT_STD_NAMES 0
#endif
#endif
/* AC__HAS_STDERR 1: there is a stderr to write diagnostics to - natively
 * (not on bare metal) and with emscripten, whose C library prints fd 2 on
 * the console's error stream; not elsewhere on wasm32. */
#if (!defined(__wasm32__) || defined(__EMSCRIPTEN__)) && !AC_FREESTANDING
#define AC__HAS_STDERR 1
#else
#define AC__HAS_STDERR 0
#endif
/* AC__WASI_STDERR 1: the other wasm32 builds write diagnostics to WASI's
 * stderr where the program links wasi-libc, as any WASI command does
 * (format.c: a weak reference to its __wasi_fd_write); in a program
 * without it (freestanding, under a JavaScript host) nothing is written. */
#if defined(__wasm32__) && !defined(__EMSCRIPTEN__)
#define AC__WASI_STDERR 1
#else
#define AC__WASI_STDERR 0
#endif

/* With emscripten those names are weak, as its own allocators' are: a
 * program may define some itself (malloc and free over
 * emscripten_builtin_malloc, say), and its own then win. */
#ifdef __EMSCRIPTEN__
#define AC__STD_NAME __attribute__((weak))
#else
#define AC__STD_NAME
#endif

/* ---- assertions -------------------------------------------------------- */
/* Cheap checks that must never fail in a correct program. They trap (wasm:
 * `unreachable`) rather than print: the core has no libc. */
#define AC_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) __builtin_trap();                                                             \
    } while (0)

/* ---- a bounded text writer (no libc) ------------------------------------ */
/* Appends to buf[0..len) and counts the full length even when truncated, so
 * callers can report the size they would have needed, like snprintf. */
typedef struct ac__writer {
    char *buf;
    size_t len;
    size_t pos; /* characters the full text has so far */
} ac__writer;

void ac__w_init(ac__writer *w, char *buf, size_t len);
void ac__w_str(ac__writer *w, const char *s);
void ac__w_udec(ac__writer *w, uint64_t v);
void ac__w_hex(ac__writer *w, uint64_t v); /* "0x" followed by lowercase hex */
/* NUL-terminates (truncating if needed) and returns the full length. */
size_t ac__w_finish(ac__writer *w);
#if AC__HAS_STDERR || AC__WASI_STDERR
/* Writes the `bytes` at text to fd with write(2) (WASI: fd_write, if
 * linked), going on after a partial write or EINTR, and stops at an error:
 * no stdio, no allocation. */
void ac__write_all(int fd, const char *text, size_t bytes);
#endif

/* ---- the report (report.c) ------------------------------------------------- */
/* What ac_stats_format prints, from numbers the caller gathered: shared by
 * the heap (stats.c) and the metrics-only preload library, which has counters
 * but no heap of its own. No libc, no allocation. */
typedef struct ac__report {
    const char *title;               /* first line */
    const ac_stats_t *stats;         /* the counters */
    const ac_heap_info_t *info;      /* NULL: no layout lines */
    const ac_audit_row_t *by_size;   /* AC_AUDIT_SIZE_ROWS rows, or NULL */
    const ac_audit_row_t *by_align;  /* AC_AUDIT_ALIGN_ROWS rows, or NULL */
    const ac_heap_damage_t *damage;  /* a damaged heap: its line, or NULL */
} ac__report;
void ac__report_write(ac__writer *w, const ac__report *r);
/* ac_heap_damage_format()'s line, without its newline. */
void ac__w_damage(ac__writer *w, const ac_heap_damage_t *d);
/* "N bytes", with " (X.Y KiB)" (or MiB, GiB) from 10 KiB on. */
void ac__w_bytes(ac__writer *w, uint64_t bytes);

/* ---- heap backends --------------------------------------------------------- */
/* A backend hands the heap memory in 64 KiB pages. After ac__heap_reset() the
 * heap starts with the memory [begin, end) that is already there (on wasm:
 * from __heap_base to the memory size) and asks for more with grow(). At
 * program start it is on ac__default_heap, empty, and that backend's first
 * grow() sets it up (natively: the reservation) and on wasm hands over the
 * memory already there instead of growing. */
#define AC_PAGE_BYTES ((size_t)65536)
/* The most memory the heap can use from one backend: its links and free
 * block sizes are 32-bit (natively, offsets from the backend's begin); and
 * on wasm32, memory of all 65536 pages would end at 2^32, an address a
 * pointer cannot hold. 4 GiB - 64 KiB. */
#define AC__HEAP_MAX_BYTES ((size_t)0xffff0000u)

typedef struct ac__backend ac__backend;
struct ac__backend {
    /* Obtains `pages` more pages and moves `end` to the end of the new
     * memory. Returns the first byte of the new memory (the old end when it
     * is contiguous with earlier memory) or NULL when no more memory can be
     * had; the heap is then unchanged. */
    char *(*grow)(ac__backend *self, size_t pages);
    char *begin; /* first byte the heap may use */
    char *end;   /* end of the memory already available */
};

/* For the heap's word accessors: inlined even where the build inlines only
 * what it must (emcc -Oz passes -fno-inline-functions, under which clang
 * 14 calls even a static inline function of one expression: 89 bytes more
 * code there, and a call per access). clang -Oz and -O2 inline them
 * anyway; helpers they keep out of line (block_size(), starts_block(),
 * is_fence(): shared by the checker) are left to them. */
#define AC__ALWAYS_INLINE static inline __attribute__((always_inline))

/* The bytes from `from` up to `to`, unsigned: on 32-bit targets (wasm32
 * among them) a heap may pass 2 GiB, beyond what a pointer difference
 * (ptrdiff_t) can hold. */
AC__ALWAYS_INLINE size_t bytes_between(const char *from, const char *to) {
    return (size_t)((uintptr_t)to - (uintptr_t)from);
}

/* The backend the heap uses unless told otherwise: wasm memory on wasm32,
 * an mmap reservation natively, none at all in freestanding native builds.
 * Defined in backend_wasm.c / backend_mmap.c / backend_static.c.
 * ac__default_backend() sets it up (on wasm: `end` is the memory size now). */
extern ac__backend ac__default_heap;
ac__backend *ac__default_backend(void);

/* A caller's buffer as backend (backend_static.c): all of it is available at
 * once, grow() always fails. */
void ac__static_backend_init(ac__backend *b, void *buf, size_t bytes);

/* ---- the heap engine (heap.c) ---------------------------------------------- */
/* Block layout. Checked builds add a magic word after the header (telling
 * live blocks from freed ones and from anything else) and a canary after
 * the requested bytes; their blocks come in 32-byte grains. A block for n
 * requested bytes is n + HDR + CANARY rounded up to GRAIN bytes, and at
 * least AC__MIN_BLOCK_BYTES. */
#ifndef AC_CHECKED
#define AC_CHECKED 0
#endif
#if AC_CHECKED
#define AC__HDR_BYTES    8u
#define AC__GRAIN        32u
#define AC__CANARY_BYTES 4u
#define AC__MIN_BLOCK_BYTES 32u
#else
#define AC__HDR_BYTES    4u
#define AC__GRAIN        AC_MALLOC_ALIGN /* 16, or 8 (alloc_cat.h) */
#define AC__CANARY_BYTES 0u
/* a free block's header, two links and footer */
#define AC__MIN_BLOCK_BYTES 16u
#endif
/* With 8-byte grains a block is 16 bytes at least (AC__MIN_BLOCK_BYTES),
 * and a free block of 8 bytes - a sliver, header and footer, room for no
 * links - is on no list. */
#define AC__SLIVERS (AC__GRAIN < AC__MIN_BLOCK_BYTES)
#define AC__GRAINS_OF(n)                                                                           \
    (((size_t)(n) + AC__HDR_BYTES + AC__CANARY_BYTES + AC__GRAIN - 1) & ~(size_t)(AC__GRAIN - 1))
#define AC__BLOCK_BYTES(n)                                                                         \
    (AC__GRAINS_OF(n) < AC__MIN_BLOCK_BYTES ? (size_t)AC__MIN_BLOCK_BYTES : AC__GRAINS_OF(n))
/* The least memory the heap takes from a backend (a span's link, its
 * alignment and the smallest blocks); less is counted but left unused, and
 * ac_heap_init_static() refuses a smaller buffer. 64 bytes, 128 checked. */
#define AC__HEAP_MIN_BYTES (4 * AC__MIN_BLOCK_BYTES)

/* The heap engine (heap.c, compiled inside malloc.c: its allocation and
 * freeing are static there). Not thread-safe: malloc.c serializes. */
/* Checked builds: 0 when payload is a live block of this heap with its
 * canary intact, else the ac_error_kind found. */
int ac__heap_block_error(const void *payload);
/* Takes the memory already there (on wasm32: from __heap_base to the
 * memory's end), as the first allocation would, if the heap is on its
 * default backend and has not yet; else nothing. */
void ac__heap_start(void);
/* Starts over on `backend` (NULL: the default), forgetting every block. */
void ac__heap_reset(ac__backend *backend);
void ac__heap_reset_locked(ac__backend *backend); /* malloc.c: the same, under the lock */
/* Walks every span and bin; true when every invariant holds. */
bool ac__heap_check(void);
/* The same, filling *d with the first inconsistency (all zero if none). */
bool ac__heap_check_where(ac_heap_damage_t *d);
/* ac__heap_check(), then (checked builds) the fill of all free memory:
 * a changed byte is reported as a write after free; and each block in
 * use's canary: false, *overrun set to the first block's payload found
 * written past its end (the caller reports it without the lock). */
bool ac__heap_check_freed(const void **overrun);
/* malloc.c (checked builds): the report a free of ptr would make, from
 * `where` (taken without the lock held). */
void ac__report_misuse(const void *ptr, const char *where);

/* Counters the heap keeps. Live blocks are allocs - frees; the all-time
 * high-water mark is max(peak, trip_peak): heap.c updates only trip_peak. */
typedef struct ac__counters {
    size_t in_use, peak, trip_peak;
    uint64_t allocs, frees;
    size_t heap_bytes;
} ac__counters;
extern ac__counters ac__count;

/* Audit tables (AC_AUDIT_SIZES builds), kept by heap.c. */
typedef struct ac__audit_tables {
    ac_audit_row_t by_size[AC_AUDIT_SIZE_ROWS];
    ac_audit_row_t by_align[AC_AUDIT_ALIGN_ROWS];
} ac__audit_tables;
extern ac__audit_tables ac__audit;

/* The heap's lock (malloc.c): no-ops on wasm32 without atomics. */
void ac__lock(void);
void ac__unlock(void);
#if !defined(__wasm32__) && !AC_FREESTANDING
/* Registers the heap's fork handlers (malloc.c, in thread-safe builds: at
 * start, or earlier, from the preload library's __register_atfork); once. */
void ac__fork_handlers_register(void);
#endif

#if defined(__EMSCRIPTEN__) && defined(__wasm_atomics__)
/* With emscripten and threads (backend_wasm.c): the memory's size in
 * pages after the heap's or sbrk's last growth. emscripten grows the
 * memory from JavaScript (Memory.grow), and under node 20 another thread
 * then went on for a while with the old size for its loads and stores
 * (memory.size too): it trapped ("memory access out of bounds") on memory
 * the heap had grown. A thread that takes the heap's lock with a smaller
 * memory.size renews its view with ac__memory_renew() first (a call into
 * emscripten's JavaScript, which brings it up to date). */
extern size_t ac__memory_pages;
void ac__memory_renew(void);
#endif

/* The heap walk without the lock. */
size_t ac__heap_walk(ac_walk_fn fn, void *ctx);

#ifndef __wasm32__
/* The size of the native mmap reservation in effect (backend_mmap.c). */
size_t ac__mmap_heap_bytes(void);

/* ---- the LD_PRELOAD libraries' report at exit (exit_report.c) -------------- */
/* Reads ALLOC_CAT_REPORT once, at the first call: a report is wanted when it
 * is "1". Call it from the library's constructor, before the program can
 * change its environment or close stderr: when a report is wanted, it keeps
 * a close-on-exec copy of stderr at a high descriptor number. */
bool ac__exit_report_wanted(void);
/* Writes the report (write(2) only: no stdio, no allocation) to that copy
 * if it still names the file it was made from, else to fd 2; nothing when
 * no report is wanted. */
void ac__exit_report_write(const char *text, size_t bytes);
#endif

/* Copies without libc on wasm32 (memory.copy / memory.fill). */
#define ac__memcpy __builtin_memcpy
#define ac__memset __builtin_memset

#endif
