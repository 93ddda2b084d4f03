/*
 * test_checked.c - misuse reports of checked builds (AC_CHECKED), through a
 * hook that records them instead of trapping: each kind, from each entry
 * point that checks, with its exact message; after a report the offending
 * call has changed nothing. Runs natively and as wasm32 under node.
 * (tests/misuse_default.c shows the default hook: the message, then a trap.)
 *
 * In other builds the suite checks that the hook is never called.
 */
#include "harness.h"
#include "internal.h"
#include "suites.h"

/* Under valgrind the bytes of a block the program has not written are
 * undefined: a test that reads them is what memcheck reports. Under ASan
 * free memory is poisoned: a test reads it only elsewhere, and there
 * checks that it stays poisoned. */
#include "under_tools.h"

static _Alignas(16) unsigned char buf[65536];
static ac__backend backend;

typedef struct report_log {
    unsigned n;
    ac_error_kind kind;
    const void *ptr;
    void *ctx;
    char message[200];
} report_log;

static report_log got;

/* Copies a message into dst[0..len), truncated and NUL-terminated. */
static void copy_message(char *dst, size_t len, const char *message) {
    size_t i = 0;
    for (; message[i] && i + 1 < len; i++) dst[i] = message[i];
    dst[i] = '\0';
}

static void record(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    got.n++;
    got.kind = kind;
    got.ptr = ptr;
    got.ctx = ctx;
    copy_message(got.message, sizeof got.message, message);
}

static int ctx_tag;

/* A fresh heap over buf, the recording hook installed. */
static void fresh(void) {
    ac__static_backend_init(&backend, buf, sizeof buf);
    ac__heap_reset_locked(&backend);
    ac_set_error_hook(record, &ctx_tag);
    got = (report_log){0, (ac_error_kind)0, NULL, NULL, {0}};
}

static ac_stats_t stats(void) {
    ac_stats_t s;
    ac_stats_get(&s);
    return s;
}

#if AC_CHECKED

/* "alloc_cat: <what><ptr> in <where><tail>" */
static void expected(t_str *s, const char *what, const void *ptr, const char *where,
                     const char *tail) {
    s->len = 0;
    s->buf[0] = '\0';
    t_str_add(s, "alloc_cat: ");
    t_str_add(s, what);
    t_str_hex(s, (uintptr_t)ptr);
    t_str_add(s, " in ");
    t_str_add(s, where);
    t_str_add(s, tail);
}

/* One new report of `kind` for `ptr` with message `msg`; the heap's
 * counters as before the call. */
#define T_REPORT(count, k, p, msg, before)                                                         \
    do {                                                                                           \
        T_EQ(got.n, count);                                                                        \
        T_EQ(got.kind, k);                                                                         \
        T_PTR(got.ptr, p);                                                                         \
        T_PTR(got.ctx, &ctx_tag);                                                                  \
        if (!t_streq(got.message, (msg)->buf)) {                                                   \
            t_puts("\n    got:      ");                                                            \
            t_puts(got.message);                                                                   \
            t_puts("\n    expected: ");                                                            \
            t_puts((msg)->buf);                                                                    \
            t_puts("\n");                                                                          \
            T_ASSERT(t_streq(got.message, (msg)->buf));                                            \
        }                                                                                          \
        T_ASSERT(t_streq(ac_last_error(), (msg)->buf));                                            \
        ac_stats_t after_ = stats();                                                               \
        T_EQ(after_.in_use_bytes, (before).in_use_bytes);                                          \
        T_EQ(after_.live_blocks, (before).live_blocks);                                            \
        T_EQ(after_.frees, (before).frees);                                                        \
        T_ASSERT(ac_heap_check());                                                                 \
    } while (0)

static void double_free(void) {
    fresh();
    t_str msg;
    /* every block between blocks in use: freed, each goes onto a free
     * list by itself, its header readable */
    char *a = ac_malloc(20), *b = ac_malloc(20), *guard = ac_malloc(20);
    char *x = ac_alloc(24, 16), *guard2 = ac_malloc(10);
    T_ASSERT(a && b && guard && x && guard2);
    ac_free(a);
    ac_stats_t before = stats();
    ac_free(a);
    expected(&msg, "double free of ", a, "free", "");
    T_REPORT(1, AC_ERROR_DOUBLE_FREE, a, &msg, before);
    ac_free_sized(a, 20);
    expected(&msg, "double free of ", a, "free_sized", "");
    T_REPORT(2, AC_ERROR_DOUBLE_FREE, a, &msg, before);
    T_PTR(ac_realloc(a, 40), NULL);
    expected(&msg, "double free of ", a, "realloc", "");
    T_REPORT(3, AC_ERROR_DOUBLE_FREE, a, &msg, before);

    ac_dealloc(x, 24, 16);
    before = stats();
    ac_dealloc(x, 24, 16);
    expected(&msg, "double free of ", x, "ac_dealloc", "");
    T_REPORT(4, AC_ERROR_DOUBLE_FREE, x, &msg, before);
    T_PTR(ac_resize(x, 24, 16, 100), NULL);
    expected(&msg, "double free of ", x, "ac_resize", "");
    T_REPORT(5, AC_ERROR_DOUBLE_FREE, x, &msg, before);

    ac_free(b);
    ac_free(guard);
    ac_free(guard2);
    T_EQ(stats().in_use_bytes, 0);
    T_EQ(got.n, 5);
}

/* A double free of a block whose memory merged with its neighbours or the
 * top, where the engine marks it inaccessible for ASan and memcheck: the
 * check must not read it (tests/regress/checked_tools_double_free.c). */
static void double_free_after_merging(void) {
    fresh();
    t_str msg;
    char *a = ac_malloc(20), *b = ac_malloc(20), *c = ac_malloc(20);
    ac_free(c); /* merges into the top */
    ac_free(a);
    ac_free(b); /* merges with a and the top */
    ac_stats_t before = stats();
    T_EQ(before.in_use_bytes, 0);
    ac_free(c);
    expected(&msg, "double free of ", c, "free", "");
    T_REPORT(1, AC_ERROR_DOUBLE_FREE, c, &msg, before);
    ac_free(b);
    expected(&msg, "double free of ", b, "free", "");
    T_REPORT(2, AC_ERROR_DOUBLE_FREE, b, &msg, before);
    /* an aligned block merges with the lead given back before it */
    char *x = ac_alloc(24, 256), *guard = ac_malloc(10);
    ac_dealloc(x, 24, 256);
    before = stats();
    ac_dealloc(x, 24, 256);
    expected(&msg, "double free of ", x, "ac_dealloc", "");
    T_REPORT(3, AC_ERROR_DOUBLE_FREE, x, &msg, before);
    ac_free(guard);
}

static void foreign_pointer(void) {
    fresh();
    t_str msg;
    static char outside[64];
    char local = 0;
    /* p's bytes: zeros, then unwritten since p was handed out (earlier
     * tests left stale headers in this memory) */
    char *x = ac_malloc(200);
    for (int i = 0; i < 200; i++) x[i] = 0;
    ac_free(x);
    char *p = ac_malloc(200), *guard = ac_malloc(10);
    T_PTR(p, x);
    ac_stats_t before = stats();
    const char *tail = ": not a live block of this heap";

    ac_free(outside + 16);
    expected(&msg, "foreign pointer ", outside + 16, "free", tail);
    T_REPORT(1, AC_ERROR_FOREIGN_POINTER, outside + 16, &msg, before);
    ac_free(&local);
    expected(&msg, "foreign pointer ", &local, "free", tail);
    T_REPORT(2, AC_ERROR_FOREIGN_POINTER, &local, &msg, before);
    ac_free(p + 1); /* inside a block, misaligned */
    expected(&msg, "foreign pointer ", p + 1, "free", tail);
    T_REPORT(3, AC_ERROR_FOREIGN_POINTER, p + 1, &msg, before);
    /* inside a block, aligned like a block, in bytes not written since it
     * was handed out: under valgrind they are undefined, and the check
     * tells so without reading them (no valgrind error) */
    ac_free(p + 2 * AC__GRAIN);
    expected(&msg, "foreign pointer ", p + 2 * AC__GRAIN, "free", tail);
    T_REPORT(4, AC_ERROR_FOREIGN_POINTER, p + 2 * AC__GRAIN, &msg, before);
    for (int i = 0; i < 200; i++) p[i] = (char)i;
    ac_free(p + 64); /* inside a block, aligned like a block: its header is data */
    expected(&msg, "foreign pointer ", p + 64, "free", tail);
    T_REPORT(5, AC_ERROR_FOREIGN_POINTER, p + 64, &msg, before);
    T_PTR(ac_realloc(p + 32, 10), NULL);
    expected(&msg, "foreign pointer ", p + 32, "realloc", tail);
    T_REPORT(6, AC_ERROR_FOREIGN_POINTER, p + 32, &msg, before);
    T_EQ(ac_malloc_usable_size(outside), 0);
    expected(&msg, "foreign pointer ", outside, "malloc_usable_size", tail);
    T_REPORT(7, AC_ERROR_FOREIGN_POINTER, outside, &msg, before);
    ac_dealloc(outside + 32, 16, 16);
    expected(&msg, "foreign pointer ", outside + 32, "ac_dealloc", tail);
    T_REPORT(8, AC_ERROR_FOREIGN_POINTER, outside + 32, &msg, before);

    for (int i = 0; i < 200; i++) T_EQ(p[i], (char)i); /* untouched */
    ac_free(p);
    ac_free(guard);
    T_EQ(got.n, 8);
    T_EQ(stats().in_use_bytes, 0);
}

/* AC_MALLOC_ALIGN as reports write it: a malloc block's alignment */
#if AC_MALLOC_ALIGN == 8
#define MALLOC_ALIGN_TEXT "8"
#else
#define MALLOC_ALIGN_TEXT "16"
#endif

static void size_mismatch(void) {
    fresh();
    t_str msg;
    char *p = ac_alloc(20, 16), *q = ac_malloc(20), *r = ac_aligned_alloc(64, 20);
    T_ASSERT(p && q && r);
    size_t bad_align = 128;
    while ((uintptr_t)r % bad_align == 0) bad_align <<= 1; /* an alignment r lacks */
    ac_stats_t before = stats();

    ac_dealloc(p, 24, 16);
    expected(&msg, "size mismatch for ", p, "ac_dealloc",
             ": given 24 bytes, align 16; the block has 20 bytes, align 16");
    T_REPORT(1, AC_ERROR_SIZE_MISMATCH, p, &msg, before);
    T_PTR(ac_resize(p, 21, 16, 50), NULL);
    expected(&msg, "size mismatch for ", p, "ac_resize",
             ": given 21 bytes, align 16; the block has 20 bytes, align 16");
    T_REPORT(2, AC_ERROR_SIZE_MISMATCH, p, &msg, before);
    ac_free_sized(q, 19);
    expected(&msg, "size mismatch for ", q, "free_sized",
             ": given 19 bytes; the block has 20 bytes, align " MALLOC_ALIGN_TEXT);
    T_REPORT(3, AC_ERROR_SIZE_MISMATCH, q, &msg, before);
    ac_free_aligned_sized(r, bad_align, 20);
    t_str tail = {{0}, 0};
    t_str_add(&tail, ": given 20 bytes, align ");
    t_str_dec(&tail, bad_align);
    t_str_add(&tail, "; the block has 20 bytes, align 64");
    expected(&msg, "size mismatch for ", r, "free_aligned_sized", tail.buf);
    T_REPORT(4, AC_ERROR_SIZE_MISMATCH, r, &msg, before);

    /* the right sizes work, without a report */
    p = ac_resize(p, 20, 16, 50);
    T_ASSERT(p != NULL);
    ac_dealloc(p, 50, 16);
    ac_free_sized(q, 20);
    ac_free_aligned_sized(r, 64, 20);
    T_EQ(got.n, 4);
    T_EQ(stats().in_use_bytes, 0);
}

/* A block keeps the alignment it was allocated at: another passed back is
 * reported, even one the address has anyway; alignments up to
 * AC_MALLOC_ALIGN are one. */
static void align_mismatch(void) {
    fresh();
    t_str msg;
    char *r = ac_aligned_alloc(64, 20), *p = ac_alloc(40, 8), *q = NULL, *other[16] = {0};
    for (int i = 0; i < 16 && !q; i++) {
        q = ac_malloc(20); /* a malloc block whose address has 128 (32-byte blocks) */
        if ((uintptr_t)q % 128) other[i] = q, q = NULL;
    }
    for (int i = 0; i < 16; i++) ac_free(other[i]);
    T_ASSERT(r && p && q);
    T_EQ((uintptr_t)r % 64, 0);
    ac_stats_t before = stats();

    ac_free_aligned_sized(r, 32, 20); /* r has 32 too */
    expected(&msg, "size mismatch for ", r, "free_aligned_sized",
             ": given 20 bytes, align 32; the block has 20 bytes, align 64");
    T_REPORT(1, AC_ERROR_SIZE_MISMATCH, r, &msg, before);
    ac_dealloc(r, 20, 16);
    expected(&msg, "size mismatch for ", r, "ac_dealloc",
             ": given 20 bytes, align 16; the block has 20 bytes, align 64");
    T_REPORT(2, AC_ERROR_SIZE_MISMATCH, r, &msg, before);
    ac_free_aligned_sized(q, 128, 20);
    expected(&msg, "size mismatch for ", q, "free_aligned_sized",
             ": given 20 bytes, align 128; the block has 20 bytes, align " MALLOC_ALIGN_TEXT);
    T_REPORT(3, AC_ERROR_SIZE_MISMATCH, q, &msg, before);
    T_PTR(ac_resize(p, 40, 32, 10), NULL);
    expected(&msg, "size mismatch for ", p, "ac_resize",
             ": given 40 bytes, align 32; the block has 40 bytes, align " MALLOC_ALIGN_TEXT);
    T_REPORT(4, AC_ERROR_SIZE_MISMATCH, p, &msg, before);
    /* no size is "any size": the largest is checked like the others */
    ac_free_sized(q, SIZE_MAX);
    t_str tail = {{0}, 0};
    t_str_add(&tail, ": given ");
    t_str_dec(&tail, SIZE_MAX);
    t_str_add(&tail, " bytes; the block has 20 bytes, align " MALLOC_ALIGN_TEXT);
    expected(&msg, "size mismatch for ", q, "free_sized", tail.buf);
    T_REPORT(5, AC_ERROR_SIZE_MISMATCH, q, &msg, before);
    ac_dealloc(r, SIZE_MAX, 64);
    tail.len = 0;
    tail.buf[0] = '\0';
    t_str_add(&tail, ": given ");
    t_str_dec(&tail, SIZE_MAX);
    t_str_add(&tail, " bytes, align 64; the block has 20 bytes, align 64");
    expected(&msg, "size mismatch for ", r, "ac_dealloc", tail.buf);
    T_REPORT(6, AC_ERROR_SIZE_MISMATCH, r, &msg, before);

    /* alignments up to AC_MALLOC_ALIGN are AC_MALLOC_ALIGN */
    p = ac_resize(p, 40, 1, 24);
    T_ASSERT(p != NULL);
    ac_dealloc(p, 24, AC_MALLOC_ALIGN);
    ac_free_aligned_sized(q, AC_MALLOC_ALIGN, 20);
    /* resized in place, by realloc or ac_resize, a block keeps its
     * alignment; free_sized checks only the size (realloc's result) */
    T_PTR(ac_realloc(r, 10), r);
    T_PTR(ac_resize(r, 10, 64, 12), r);
    ac_free_sized(r, 12);
    r = ac_alloc(20, 256);
    T_ASSERT(r != NULL);
    T_PTR(ac_resize(r, 20, 256, 40), r);
    ac_free_aligned_sized(r, 256, 40);
    T_EQ(got.n, 6);
    T_EQ(stats().in_use_bytes, 0);
    T_ASSERT(ac_heap_check());
}

static void overflow(void) {
    fresh();
    t_str msg;
    char *p = ac_malloc(20), *guard = ac_malloc(10);
    for (int i = 0; i < 20; i++) p[i] = 'a';
    ac_stats_t before = stats();
    char keep = p[20];
    p[20] = (char)(keep ^ 1); /* one byte past the end */
    ac_free(p);
    expected(&msg, "write past the end of ", p, "free", " (20 bytes): its canary was overwritten");
    T_REPORT(1, AC_ERROR_OVERFLOW, p, &msg, before);
    T_PTR(ac_realloc(p, 100), NULL);
    expected(&msg, "write past the end of ", p, "realloc",
             " (20 bytes): its canary was overwritten");
    T_REPORT(2, AC_ERROR_OVERFLOW, p, &msg, before);
    p[20] = keep;
    char keep3 = p[23];
    p[23] = (char)(keep3 ^ 0x80); /* the canary's last byte */
    ac_free_sized(p, 20);
    expected(&msg, "write past the end of ", p, "free_sized",
             " (20 bytes): its canary was overwritten");
    T_REPORT(3, AC_ERROR_OVERFLOW, p, &msg, before);
    p[23] = keep3;

    char *x = ac_alloc(100, 256);
    x[100] = (char)(x[100] + 1);
    before = stats();
    ac_dealloc(x, 100, 256);
    expected(&msg, "write past the end of ", x, "ac_dealloc",
             " (100 bytes): its canary was overwritten");
    T_REPORT(4, AC_ERROR_OVERFLOW, x, &msg, before);
    x[100] = (char)(x[100] - 1);

    for (int i = 0; i < 20; i++) T_EQ(p[i], 'a');
    ac_free(p); /* repaired: freed without a report */
    ac_dealloc(x, 100, 256);
    ac_free(guard);
    T_EQ(got.n, 4);
    T_EQ(stats().in_use_bytes, 0);
}

/* A header whose "block before is free" flag was set by a stray write is
 * not trusted: free reports the block (it used to merge it with whatever
 * the footer position held, and crash) and frees nothing. */
static void damaged_header(void) {
    fresh();
    t_str msg;
    char *p = ac_malloc(20), *q = ac_malloc(20), *guard = ac_malloc(20);
    T_ASSERT(p && q && guard);
    uint32_t *h = (uint32_t *)(void *)(q - AC__HDR_BYTES);
    *h |= 2u; /* the P flag (heap.c's F_PREVFREE); p before q is in use */
    ac_stats_t before = stats();
    ac_free(q);
    T_EQ(got.n, 1);
    T_EQ(got.kind, AC_ERROR_FOREIGN_POINTER);
    expected(&msg, "foreign pointer ", q, "free", ": not a live block of this heap");
    T_ASSERT(t_streq(got.message, msg.buf));
    *h &= ~2u; /* repaired: the block is as it was */
    T_EQ(stats().live_blocks, before.live_blocks);
    T_ASSERT(ac_heap_check());
    ac_free(q);
    ac_free(p);
    ac_free(guard);
    T_EQ(got.n, 1);
    T_EQ(stats().in_use_bytes, 0);
    T_ASSERT(ac_heap_check());
}

/* The message a hook is handed stays as it was while the hook runs, even
 * when the hook itself makes a report meanwhile (it was one buffer, which
 * the inner report overwrote). */
static char outer_copy[200];
static bool outer_intact;

static void nesting_hook(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    static char inner_target[64];
    record(kind, ptr, message, ctx);
    if (got.n != 1) return;
    copy_message(outer_copy, sizeof outer_copy, message);
    ac_free(inner_target + 16); /* a second report, from inside the hook */
    outer_intact = t_streq(message, outer_copy);
}

static void message_stays_while_hook_runs(void) {
    fresh();
    static char outer_target[64];
    ac_set_error_hook(nesting_hook, &ctx_tag);
    outer_intact = false;
    ac_free(outer_target + 16);
    T_EQ(got.n, 2);
    T_ASSERT(outer_intact);
    t_str msg;
    expected(&msg, "foreign pointer ", outer_target + 16, "free", ": not a live block of this heap");
    T_ASSERT(t_streq(outer_copy, msg.buf));
    T_ASSERT(!t_streq(ac_last_error(), msg.buf)); /* the inner report's, the last */
    T_ASSERT(ac_heap_check());
}

#ifndef __wasm32__
#include <pthread.h>

/* Threads that misuse the heap at once: each report's message names the
 * pointer its hook call is for (one shared buffer once gave about one
 * report in ten another thread's message). */
#define RACE_REPORTS 20000
static char race_targets[2][64];
static unsigned race_wrong;

static void race_hook(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)kind, (void)ctx;
    t_str want;
    expected(&want, "foreign pointer ", ptr, "free", ": not a live block of this heap");
    if (!t_streq(message, want.buf)) __atomic_add_fetch(&race_wrong, 1, __ATOMIC_RELAXED);
}

static void *race_thread(void *arg) {
    char *target = arg;
    for (int i = 0; i < RACE_REPORTS; i++) ac_free(target + 16);
    return NULL;
}

static void messages_of_racing_threads(void) {
    fresh();
    ac_set_error_hook(race_hook, NULL);
    race_wrong = 0;
    pthread_t t[2];
    for (int i = 0; i < 2; i++) T_EQ(pthread_create(&t[i], NULL, race_thread, race_targets[i]), 0);
    for (int i = 0; i < 2; i++) T_EQ(pthread_join(t[i], NULL), 0);
    T_EQ(race_wrong, 0);
    T_ASSERT(ac_heap_check());
}
#endif

/* Whether the n bytes at p all hold v. */
static bool holds(const char *p, size_t n, unsigned char v) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] != v) return false;
    return true;
}

/* Under valgrind: whether memcheck holds the n bytes (at most 16) at p
 * all undefined, as bytes the program has not written must be for it to
 * report their use. Elsewhere: true. */
static bool undefined_to_valgrind(const char *p, size_t n) {
#ifdef HAVE_MEMCHECK
    unsigned char vbits[16] = {0};
    if (!RUNNING_ON_VALGRIND) return true;
    if (VALGRIND_GET_VBITS(p, vbits, n) != 1) return false;
    for (size_t i = 0; i < n; i++)
        if (vbits[i] != 0xff) return false;
#else
    (void)p, (void)n;
#endif
    return true;
}

/* Memory handed out again holds 0xcd where the program has not written it
 * since, the heap's old words in it included (free memory holds the fill,
 * 0xdb, which a live block then never shows unless the program wrote it),
 * a block's old footer included; so do a block's old canaries once a
 * realloc grows the block in place (and to valgrind they stay undefined). */
static void reused_memory(void) {
    fresh();
    /* a block taken off its list: its links were its first 8 bytes */
    char *x = ac_malloc(200), *g1 = ac_malloc(10);
    ac_free(x);
    char *p = ac_malloc(200);
    T_PTR(p, x);
    /* the spare: a freed block's start, merged with the rest of a split */
    char *big = ac_malloc(3000), *g2 = ac_malloc(10);
    ac_free(big);
    char *a = ac_malloc(24);
    ac_free(a);
    char *q = ac_malloc(24);
    T_PTR(q, a);
    /* grown in place into a freed neighbour (from byte 120 on: r's block
     * was 128 bytes), whose header, mark and links were there */
    char *r = ac_malloc(100), *s = ac_malloc(100), *g3 = ac_malloc(10);
    ac_free(s);
    T_PTR(ac_realloc(r, 200), r);
    /* from the top where a block was freed into it */
    char *t = ac_malloc(5000);
    ac_free(t);
    char *u = ac_malloc(5000);
    T_PTR(u, t);
    /* grown in place within its block (10 bytes to 20, one 32-byte block):
     * where its canary was, at v + 10, the program has not written */
    char *v = ac_malloc(10);
    for (int i = 0; i < 10; i++) v[i] = 1;
    T_PTR(ac_realloc(v, 20), v);
    T_ASSERT(undefined_to_valgrind(v + 10, 4));
    /* shrunk in place, then grown back: neither canary shows (20 bytes to
     * 1, to 24, all in one 32-byte block) */
    char *w = ac_malloc(20);
    for (int i = 0; i < 20; i++) w[i] = 'a';
    T_PTR(ac_realloc(w, 1), w);
    T_PTR(ac_realloc(w, 24), w);
    T_ASSERT(undefined_to_valgrind(w + 20, 4));
    /* a 32-byte free block taken whole (its footer at x2 + 20), then
     * grown in place into the freed block after it */
    char *x2 = ac_malloc(1), *y2 = ac_malloc(1), *g4 = ac_malloc(1);
    ac_free(x2);
    T_PTR(ac_malloc(1), x2);
    ac_free(y2);
    T_PTR(ac_realloc(x2, 31), x2);
    if (!UNDER_VALGRIND) {
        T_ASSERT(holds(p, 200, 0xcd));
        T_ASSERT(holds(q, 24, 0xcd));
        T_ASSERT(holds(r + 100, 4, 0xcd)); /* r's old canary */
        T_ASSERT(holds(r + 120, 80, 0xcd));
        T_ASSERT(holds(u, 5000, 0xcd));
        T_ASSERT(holds(v, 10, 1));
        T_ASSERT(holds(v + 10, 4, 0xcd));
        T_ASSERT(holds(w + 1, 4, 0xcd)); /* the second canary */
        T_ASSERT(holds(w + 5, 15, 'a'));
        T_ASSERT(holds(w + 20, 4, 0xcd)); /* the first */
        T_ASSERT(holds(x2 + 1, 30, 0xcd));
    }
    char *all[] = {p, g1, g2, q, r, g3, u, v, w, x2, g4};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) ac_free(all[i]);
    T_EQ(got.n, 0);
    T_EQ(stats().in_use_bytes, 0);
    T_ASSERT(ac_heap_check());
}

/* Free memory as ac_heap_check_freed() leaves it, after reading all of
 * it: still the fill, and still poisoned under ASan. */
static bool still_free(char *p, size_t n) {
#if UNDER_ASAN
    return __asan_region_is_poisoned(p, n) == p;
#else
    return UNDER_VALGRIND || holds(p, n, 0xdb);
#endif
}

/* ac_heap_check_freed() reads every kind of free memory (a block on a
 * list, the spare, a shrink's freed tail, the top where a block was freed
 * into it, an aligned block's lead and tail) and finds the fill whole
 * where nothing wrote after the free: no report; the memory stays as it
 * was, and is handed out again without a report either. */
static void freed_memory_checked(void) {
    fresh();
    T_ASSERT(ac_heap_check_freed()); /* nothing taken yet: no top to read */
    char *a = ac_malloc(100), *g1 = ac_malloc(10), *big = ac_malloc(3000), *g2 = ac_malloc(10);
    char *r = ac_malloc(1000), *g3 = ac_malloc(10);
    T_ASSERT(a && g1 && big && g2 && r && g3);
    /* the spare: the rest of a 3,040-byte block after 64 bytes were taken */
    ac_free(big);
    char *s = ac_malloc(40);
    T_PTR(s, big);
    /* a 128-byte block on a list: links at a[0..8), footer at a + 116 */
    ac_free(a);
    /* a shrink's tail (1,024 bytes to 128: the rest goes on a list) */
    T_PTR(ac_realloc(r, 100), r);
    /* the top: a 5,024-byte block freed into it */
    char *t = ac_malloc(5000);
    ac_free(t);

    T_ASSERT(ac_heap_check_freed());
    T_EQ(got.n, 0);
    T_ASSERT(still_free(a + 8, 108));
    T_ASSERT(still_free(s + 64 + 8, 3040 - 64 - 8 - 12));
    T_ASSERT(still_free(r + 120 + 16, 1024 - 128 - 20));
    T_ASSERT(still_free(t - 8, 5024));
    T_ASSERT(ac_heap_check());
    /* handed out again, with no report: the fill was whole */
    T_PTR(ac_malloc(100), a);
    T_PTR(ac_malloc(5000), t);

    /* an aligned block, its lead and tail given back */
    char *al = ac_aligned_alloc(1024, 40);
    T_ASSERT(al != NULL);
    T_EQ((uintptr_t)al % 1024, 0);
    T_ASSERT(ac_heap_check_freed());
    char *all[] = {a, g1, g2, s, r, g3, t, al};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) ac_free(all[i]);
    T_ASSERT(ac_heap_check_freed());
    T_EQ(got.n, 0);
    T_EQ(stats().in_use_bytes, 0);
}

#endif /* AC_CHECKED */

/* Correct use never reaches the hook (in every build). */
static void no_report_for_correct_use(void) {
    fresh();
    uint64_t rng = t_seed() ^ 0xc4ec;
    char *p[64] = {0};
    size_t size[64] = {0};
    bool layout[64] = {0};
    for (unsigned op = 0; op < 4000; op++) {
        if (op % 250 == 0) T_ASSERT(ac_heap_check_freed());
        size_t i = (size_t)t_rand_below(&rng, 64);
        if (!p[i]) {
            size[i] = (size_t)t_rand_below(&rng, 600);
            layout[i] = t_rand_below(&rng, 2);
            p[i] = layout[i] ? ac_alloc(size[i], 64) : ac_malloc(size[i]);
            continue;
        }
        size_t n = (size_t)t_rand_below(&rng, 900);
        char *q = NULL;
        switch (t_rand_below(&rng, 3)) {
        case 0:
            if (layout[i]) ac_dealloc(p[i], size[i], 64);
            else ac_free(p[i]);
            p[i] = NULL;
            break;
        case 1:
            if (layout[i]) ac_dealloc(p[i], size[i], 64);
            else ac_free_sized(p[i], size[i]);
            p[i] = NULL;
            break;
        default:
            q = layout[i] ? ac_resize(p[i], size[i], 64, n) : ac_realloc(p[i], n);
            if (q) {
                p[i] = q;
                size[i] = n;
            }
            break;
        }
    }
    for (size_t i = 0; i < 64; i++) {
        if (layout[i]) ac_dealloc(p[i], size[i], 64);
        else ac_free(p[i]);
    }
    T_EQ(got.n, 0);
    T_EQ(stats().in_use_bytes, 0);
    T_ASSERT(ac_heap_check());
    T_ASSERT(ac_heap_check_freed());
#if !AC_CHECKED
    T_ASSERT(t_streq(ac_last_error(), ""));
#endif
    ac_set_error_hook(NULL, NULL);
}

void suite_checked(void) {
    static const t_case cases[] = {
#if AC_CHECKED
        T_CASE(double_free),
        T_CASE(double_free_after_merging),
        T_CASE(foreign_pointer),
        T_CASE(size_mismatch),
        T_CASE(align_mismatch),
        T_CASE(overflow),
        T_CASE(damaged_header),
        T_CASE(message_stays_while_hook_runs),
        T_CASE(reused_memory),
        T_CASE(freed_memory_checked),
#ifndef __wasm32__
        T_CASE(messages_of_racing_threads),
#endif
#endif
        T_CASE(no_report_for_correct_use),
    };
    t_run_suite("checked", cases, T_COUNT(cases));
    ac_set_error_hook(NULL, NULL);
}
