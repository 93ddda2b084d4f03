/*
 * freestanding.c - the library on a target with no operating system and no
 * C library (AC_FREESTANDING), run on this machine: built with
 * -ffreestanding -nostdinc -nostdlib -static, with its own entry point,
 * memcpy and memset, it reaches the outside only through two Linux system
 * calls made here by hand (write for its output, exit_group for its status),
 * as a bare-metal program would reach a UART. Nothing else is linked: the
 * linked program has no undefined symbol (tools/test_freestanding.sh checks
 * that with nm).
 *
 * The heap has no memory before ac_heap_init_static(); then it serves the
 * malloc family, aligned allocation and the layout API from a static buffer,
 * returns NULL when the buffer is full and stays usable, and its stats,
 * walk, check and report work. Built with AC_THREAD_SAFE=1 it takes the
 * program's lock (ac_user_lock, counted here); with AC_EXPORT_STD_NAMES=1
 * it defines malloc and friends. Checked builds (AC_CHECKED) report a
 * double free and an overrun to a hook that returns, and keep the report
 * for ac_last_error(); given the argument "trap", such a build frees a block
 * twice with the default hook, which must trap without writing anything
 * (the parent script sees the signal).
 *
 * x86_64, and 32-bit Arm (Thumb, e.g. under qemu-arm -cpu cortex-m3).
 * Ends with "N passed, N failed".
 */
#include "alloc_cat.h"

#ifndef AC_CHECKED
#define AC_CHECKED 0
#endif

/* ---- the runtime a bare-metal program brings: entry, output, exit -------- */

void fs_start(long *sp) __attribute__((noreturn, used));
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

#if defined(__x86_64__)
/* Linux enters with argc at the stack pointer, argv after it. */
__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "    xor %ebp, %ebp\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call fs_start\n"
        "    hlt\n");
#define SYS_WRITE      1
#define SYS_EXIT_GROUP 231
static long sys3(long n, long a, long b, long c) {
    long r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(n), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return r;
}
#elif defined(__arm__) && defined(__thumb__)
__asm__(".text\n"
        ".syntax unified\n"
        ".globl _start\n"
        ".thumb_func\n"
        "_start:\n"
        "    mov r0, sp\n"
        "    bl fs_start\n"
        "    udf #0\n");
#define SYS_WRITE      4
#define SYS_EXIT_GROUP 248
static long sys3(long n, long a, long b, long c) {
    register long r0 __asm__("r0") = a;
    register long r1 __asm__("r1") = b;
    register long r2 __asm__("r2") = c;
    register long r7 __asm__("r7") = n;
    __asm__ volatile("svc 0" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r7) : "memory");
    return r0;
}
#else
#error "tests/freestanding.c: x86_64 or 32-bit Arm (Thumb) only"
#endif

/* The compilers ask every freestanding environment for these two (the
 * library's objects call them for copies and zeroing of variable size).
 * The empty asm in each loop keeps the compiler from making the loop a
 * call to the very function it is in. */
void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (size_t i = 0; i < n; i++) {
        __asm__ volatile("" ::: "memory");
        d[i] = s[i];
    }
    return dst;
}
void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    for (size_t i = 0; i < n; i++) {
        __asm__ volatile("" ::: "memory");
        d[i] = (unsigned char)c;
    }
    return dst;
}

static size_t length(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}
static void say(const char *s) { (void)sys3(SYS_WRITE, 1, (long)s, (long)length(s)); }
static void say_num(uint64_t v) {
    char tmp[24];
    size_t i = sizeof tmp - 1;
    tmp[i] = '\0';
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    say(tmp + i);
}
__attribute__((noreturn)) static void exit_with(int status) {
    (void)sys3(SYS_EXIT_GROUP, status, 0, 0);
    for (;;) {
    }
}
static bool same(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}
static bool starts_with(const char *s, const char *prefix) {
    while (*prefix && *s == *prefix) s++, prefix++;
    return !*prefix;
}
#if AC_CHECKED
/* "0x" and lowercase hex, as the library's messages print addresses */
static char *put_hex(char *out, uintptr_t v) {
    char digits[2 * sizeof v];
    size_t n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    *out++ = '0';
    *out++ = 'x';
    while (n) *out++ = digits[--n];
    return out;
}
static char *put_str(char *out, const char *s) {
    while (*s) *out++ = *s++;
    return out;
}
#endif

static int passed, failed;
static void check(bool ok, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        say("FAIL ");
        say(what);
        say("\n");
    }
}

/* ---- the program's lock (AC_THREAD_SAFE=1) --------------------------------- */

#if defined(AC_THREAD_SAFE) && AC_THREAD_SAFE
#define USER_LOCK 1
static unsigned lock_depth, lock_takes, lock_nested, stray_unlocks;
void ac_user_lock(void) {
    if (lock_depth) lock_nested++;
    lock_depth++;
    lock_takes++;
}
void ac_user_unlock(void) {
    if (!lock_depth) {
        stray_unlocks++;
        return;
    }
    lock_depth--;
}
#else
#define USER_LOCK 0
#endif

/* ---- the heap ------------------------------------------------------------------- */

#define HEAP_BYTES (64u * 1024u)
static _Alignas(16) unsigned char heap_buf[HEAP_BYTES];

static bool inside(const void *p, size_t bytes) {
    const unsigned char *c = p;
    return c >= heap_buf && c <= heap_buf + HEAP_BYTES && bytes <= (size_t)(heap_buf + HEAP_BYTES - c);
}
static bool aligned(const void *p, size_t align) { return (uintptr_t)p % align == 0; }

static void before_init(void) {
    void *p = (void *)&p;
    check(ac_malloc(1) == NULL, "before ac_heap_init_static: malloc(1) is NULL (no default memory)");
    check(ac_calloc(1, 1) == NULL && ac_aligned_alloc(64, 8) == NULL && ac_alloc(8, 8) == NULL,
          "before ac_heap_init_static: calloc, aligned_alloc and ac_alloc are NULL");
    check(ac_posix_memalign(&p, 64, 8) == AC_ENOMEM && p == (void *)&p,
          "before ac_heap_init_static: posix_memalign is AC_ENOMEM, *out untouched");
    ac_stats_t s;
    ac_stats_get(&s);
    check(s.heap_bytes == 0 && s.allocs == 0 && s.live_blocks == 0 && s.in_use_bytes == 0,
          "before ac_heap_init_static: no heap bytes, nothing allocated");
    ac_heap_info_t info;
    ac_heap_info(&info);
    check(ac_heap_check() && info.spans == 0 && info.top_bytes == 0,
          "before ac_heap_init_static: the empty heap checks, no span");
    check(!ac_heap_init_static(NULL, HEAP_BYTES), "ac_heap_init_static(NULL) refused");
    check(!ac_heap_init_static(heap_buf, AC_CHECKED ? 127 : 63),
          "ac_heap_init_static refuses a buffer below its minimum (64 bytes, 128 checked)");
}

static void basic(void) {
    check(ac_heap_init_static(heap_buf, sizeof heap_buf), "ac_heap_init_static on 64 KiB");
    ac_stats_t s0, s;
    ac_stats_get(&s0);
    check(s0.heap_bytes == HEAP_BYTES && s0.heap_pages == 1, "stats: the heap is the 64 KiB buffer");

    unsigned char *a = ac_malloc(100);
    check(a && inside(a, 100) && aligned(a, AC_MALLOC_ALIGN), "malloc(100): AC_MALLOC_ALIGN-aligned, in the buffer");
    size_t usable = ac_malloc_usable_size(a);
    check(AC_CHECKED ? usable == 100 : usable >= 100 && usable < 116,
          "malloc_usable_size: the request (checked), or it rounded up to the grain with the header");
    for (unsigned i = 0; i < 100; i++) a[i] = (unsigned char)(i * 7 + 1);
    void *guard = ac_malloc(16); /* after a: its realloc below must move */
    unsigned char *b = ac_realloc(a, 3000);
    bool kept = b && b != a && inside(b, 3000);
    for (unsigned i = 0; kept && i < 100; i++) kept = b[i] == (unsigned char)(i * 7 + 1);
    check(kept, "realloc to 3000 bytes moves the block and keeps the first 100");
    unsigned char *c = ac_realloc(b, 40);
    kept = c == b;
    for (unsigned i = 0; kept && i < 40; i++) kept = c[i] == (unsigned char)(i * 7 + 1);
    check(kept, "realloc down to 40 bytes stays in place and keeps them");

    ac_stats_get(&s);
    check(s.allocs == s0.allocs + 3 && s.frees == s0.frees + 1 && s.live_blocks == 2 &&
              s.in_use_bytes == 40 + 16,
          "stats: three allocations (two mallocs, the moving realloc), one free, 56 bytes in use");
    ac_free(c);
    ac_free(guard);

    /* calloc over dirty memory: the block freed just now, next to the top,
     * merged into it, and calloc takes the same place again */
    unsigned char *d = ac_malloc(256);
    if (d) memset(d, 0xa5, 256);
    ac_free(d);
    unsigned char *z = ac_calloc(16, 16);
    bool zero = z == d && z != NULL;
    for (unsigned i = 0; zero && i < 256; i++) zero = z[i] == 0;
    check(zero, "calloc(16, 16) over the freed 0xa5 bytes: the same place, zeroed");
    ac_free(z);
    check(ac_calloc((size_t)-1 / 2, 3) == NULL, "calloc whose product overflows: NULL");

    void *al = ac_aligned_alloc(4096, 100);
    void *lay = ac_alloc(64, 256);
    void *pm = NULL;
    int pm_ok = ac_posix_memalign(&pm, 128, 10);
    check(al && aligned(al, 4096) && inside(al, 100), "aligned_alloc(4096, 100): aligned, in the buffer");
    check(lay && aligned(lay, 256) && inside(lay, 64), "ac_alloc(64, 256): aligned, in the buffer");
    check(pm_ok == 0 && pm && aligned(pm, 128), "posix_memalign(128): 0, aligned");
    void *keep = (void *)&keep, *bad_out = keep;
    check(ac_posix_memalign(&bad_out, 24, 8) == AC_EINVAL && bad_out == keep,
          "posix_memalign(24): AC_EINVAL, *out untouched");
    check(ac_aligned_alloc(48, 8) == NULL && ac_alloc(8, 0) == NULL,
          "an alignment that is not a power of two: NULL");
    unsigned char *rz = ac_resize(lay, 64, 256, 2000);
    check(rz && aligned(rz, 256) && inside(rz, 2000), "ac_resize to 2000 bytes keeps 256 alignment");
    ac_free(al);
    ac_dealloc(rz, 2000, 256);
    ac_free(pm);

    ac_stats_get(&s);
    check(s.live_blocks == 0 && s.in_use_bytes == 0 && ac_heap_check(), "all freed, the heap checks");
}

/* Fills the buffer with 1000-byte blocks until malloc says NULL. */
#define FILL_BYTES 1000u
static void *blocks[HEAP_BYTES / FILL_BYTES + 1];

static bool count_used(const ac_walk_entry *e, void *ctx) {
    if (e->kind == AC_WALK_USED) ++*(size_t *)ctx;
    return true;
}

static void out_of_memory(void) {
    check(ac_malloc(HEAP_BYTES) == NULL, "malloc of the buffer's whole size: NULL");
    check(ac_malloc(AC_MAX_REQUEST_BYTES + 1) == NULL, "malloc above AC_MAX_REQUEST_BYTES: NULL");
    size_t n = 0;
    while (n < sizeof blocks / sizeof *blocks && (blocks[n] = ac_malloc(FILL_BYTES)) != NULL) n++;
    /* A block of 1000 bytes takes 1008 (4-byte header, 16-byte grains, or
     * 8-byte ones on 32-bit Arm), 1024 checked (8-byte header, 4-byte
     * canary, 32-byte grains). The heap's first block starts 12 bytes (4
     * with 8-byte grains) into the 16-aligned buffer (its link word before
     * it), and the top keeps one header's room: 65,520 bytes hold 65 blocks
     * of 1008 exactly; 65,512 hold 63 of 1024 (64 would need 65,536). */
    size_t expected = AC_CHECKED ? 63 : 65;
    say("  64 KiB static heap: ");
    say_num(n);
    say(" blocks of 1000 bytes before the first NULL\n");
    check(n == expected, "the buffer holds 65 blocks of 1000 bytes (63 checked)");
    check(ac_malloc(FILL_BYTES) == NULL && ac_malloc(FILL_BYTES) == NULL, "a full heap stays NULL");
    ac_stats_t s;
    ac_stats_get(&s);
    check(s.live_blocks == n && s.in_use_bytes == n * FILL_BYTES, "stats: n live blocks of 1000 bytes");
    size_t used = 0;
    check(ac_heap_walk(count_used, &used) > n && used == n, "the walk finds the n blocks in use");
    check(ac_heap_check(), "the full heap checks");

    /* still usable: a hole is reused, everything merges back */
    void *hole = blocks[n / 2];
    ac_free(hole);
    blocks[n / 2] = ac_malloc(FILL_BYTES);
    check(blocks[n / 2] == hole, "a freed block in a full heap is handed out again");
    for (size_t i = 0; i < n; i++) ac_free(blocks[i]);
    void *big = ac_malloc(HEAP_BYTES - 256);
    check(big && inside(big, HEAP_BYTES - 256), "all freed: 65,280 bytes fit in one block again");
    ac_free(big);

    char report[4096];
    size_t len = ac_stats_format(report, sizeof report);
    check(len > 0 && len < sizeof report && starts_with(report, "alloc_cat heap") &&
              length(report) == len,
          "ac_stats_format writes its report");
    ac_stats_get(&s);
    check(s.live_blocks == 0 && s.peak_bytes >= n * FILL_BYTES && ac_heap_check(),
          "nothing live at the end; the peak saw the full heap");
}

/* ---- the region allocator: no heap, no backend ------------------------------------ */

static _Alignas(16) unsigned char region_buf[4096];
static void region(void) {
    ac_region *r = ac_region_init(region_buf, region_buf + sizeof region_buf);
    uint32_t *x = r ? ac_region_alloc(r, 10, 0) : NULL;
    uint32_t *y = r ? ac_region_alloc(r, 4, 6) : NULL;
    check(x && y && (uintptr_t)y % 64 == 0, "region: two blocks, one 64-byte aligned");
    check(r && ac_region_free(r, x, 10) && !ac_region_free(r, x, 10) && ac_region_free(r, y, 4) &&
              ac_region_check(r) && ac_region_stats(r).allocated_words == 0,
          "region: freed, a double free refused, empty again");
}

/* ---- the program's lock --------------------------------------------------------------- */

#if USER_LOCK
static void user_lock(void) {
    unsigned t0 = lock_takes;
    void *p = ac_malloc(10);
    check(lock_takes == t0 + 1 && lock_depth == 0, "malloc takes the program's lock once, releases it");
    t0 = lock_takes;
    ac_free(p);
    check(lock_takes == t0 + 1 && lock_depth == 0, "free takes the program's lock once, releases it");
    t0 = lock_takes;
    ac_stats_t s;
    ac_stats_get(&s);
    check(lock_takes == t0 + 1 && lock_depth == 0, "ac_stats_get takes the lock once");
    check(lock_takes > 20 && lock_nested == 0 && stray_unlocks == 0,
          "every call took the lock, never while holding it, and released it");
}
#endif

/* ---- the standard names (AC_EXPORT_STD_NAMES=1) ------------------------------------ */

#if defined(AC_EXPORT_STD_NAMES) && AC_EXPORT_STD_NAMES
void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void *memalign(size_t alignment, size_t size);
void *reallocarray(void *ptr, size_t count, size_t size);
size_t malloc_usable_size(void *ptr);
static void std_names(void) {
    ac_stats_t s0, s;
    ac_stats_get(&s0);
    char *p = malloc(30);
    p = realloc(p, 300);
    void *q = memalign(512, 20);
    void *z = calloc(3, 5);
    check(p && q && z && aligned(q, 512) && malloc_usable_size(z) >= 15,
          "malloc, realloc, memalign, calloc are the library's");
    check(reallocarray(p, (size_t)-1 / 2, 3) == NULL, "reallocarray's overflow: NULL");
    ac_stats_get(&s);
    check(s.live_blocks == s0.live_blocks + 3, "three blocks live in the heap's stats");
    free(p);
    ac_free(q);
    free(z);
    ac_stats_get(&s);
    check(s.live_blocks == s0.live_blocks, "free and ac_free give them back");
}
#endif

/* ---- checked builds: misuse reports ----------------------------------------------------- */

#if AC_CHECKED
static struct {
    unsigned count;
    ac_error_kind kind;
    const void *ptr;
    bool unlocked; /* the hook ran without the program's lock */
} seen;

static void record(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)message, (void)ctx;
    seen.count++;
    seen.kind = kind;
    seen.ptr = ptr;
#if USER_LOCK
    seen.unlocked = lock_depth == 0;
#else
    seen.unlocked = true;
#endif
}

static void misuse(void) {
    ac_set_error_hook(record, NULL);
    ac_stats_t s0, s;
    char *p = ac_malloc(24);
    ac_free(p);
    ac_stats_get(&s0);
    ac_free(p);
    ac_stats_get(&s);
    char want[128];
    *put_str(put_hex(put_str(want, "alloc_cat: double free of "), (uintptr_t)p), " in free") = '\0';
    check(seen.count == 1 && seen.kind == AC_ERROR_DOUBLE_FREE && seen.ptr == p && seen.unlocked,
          "a double free goes to the hook (without the lock): AC_ERROR_DOUBLE_FREE, the pointer");
    check(same(ac_last_error(), want), "ac_last_error(): \"alloc_cat: double free of 0x... in free\"");
    check(s.frees == s0.frees && ac_heap_check(), "the double free freed nothing; the heap checks");

    char *q = ac_malloc(10);
    if (q) q[10] = 'x'; /* one byte past the request: the canary */
    ac_free(q);
    *put_str(put_hex(put_str(want, "alloc_cat: write past the end of "), (uintptr_t)q),
             " in free (10 bytes): its canary was overwritten") = '\0';
    check(seen.count == 2 && seen.kind == AC_ERROR_OVERFLOW && seen.ptr == q, "an overrun is reported");
    check(same(ac_last_error(), want), "ac_last_error() names the overrun and its 10 bytes");
    ac_set_error_hook(NULL, NULL);
}

/* The default hook: no stderr to write to, so it keeps the report and traps. */
static void trap(void) {
    check(ac_heap_init_static(heap_buf, sizeof heap_buf), "ac_heap_init_static");
    char *p = ac_malloc(24);
    ac_free(p);
    say("double free with the default hook\n");
    ac_free(p);
    say("not trapped\n");
}
#endif

__attribute__((noreturn)) void fs_start(long *sp) {
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    if (argc > 1 && same(argv[1], "trap")) {
#if AC_CHECKED
        trap();
#else
        say("trap: checked builds only\n");
#endif
        exit_with(1);
    }
    before_init();
    basic();
    out_of_memory();
    region();
#if defined(AC_EXPORT_STD_NAMES) && AC_EXPORT_STD_NAMES
    std_names();
#endif
#if AC_CHECKED
    misuse();
#endif
#if USER_LOCK
    user_lock();
#endif
    say_num((uint64_t)passed);
    say(" passed, ");
    say_num((uint64_t)failed);
    say(" failed\n");
    exit_with(failed != 0);
}
