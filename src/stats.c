/*
 * stats.c - what the heap tells about itself: counters, the layout summed
 * over a walk, the audit tables, and the invariant check, each under the
 * heap's lock.
 */
#include "internal.h"

static void stats_locked(ac_stats_t *out) {
    out->in_use_bytes = ac__count.in_use;
    out->peak_bytes = ac__count.peak > ac__count.trip_peak ? ac__count.peak : ac__count.trip_peak;
    out->trip_peak_bytes = ac__count.trip_peak;
    out->live_blocks = (size_t)(ac__count.allocs - ac__count.frees);
    out->allocs = ac__count.allocs;
    out->frees = ac__count.frees;
    out->heap_bytes = ac__count.heap_bytes;
    out->heap_pages = (ac__count.heap_bytes + AC_PAGE_BYTES - 1) / AC_PAGE_BYTES;
}

void ac_stats_get(ac_stats_t *out) {
    ac__lock();
    stats_locked(out);
    ac__unlock();
}

void ac_stats_reset_trip(void) {
    ac__lock();
    if (ac__count.trip_peak > ac__count.peak) ac__count.peak = ac__count.trip_peak;
    ac__count.trip_peak = ac__count.in_use;
#if defined(AC_AUDIT_SIZES) && AC_AUDIT_SIZES
    for (size_t i = 0; i < AC_AUDIT_SIZE_ROWS; i++)
        ac__audit.by_size[i].trip_peak = ac__audit.by_size[i].live;
    for (size_t i = 0; i < AC_AUDIT_ALIGN_ROWS; i++)
        ac__audit.by_align[i].trip_peak = ac__audit.by_align[i].live;
#endif
    ac__unlock();
}

size_t ac_heap_walk(ac_walk_fn fn, void *ctx) {
    ac__lock();
    size_t n = ac__heap_walk(fn, ctx);
    ac__unlock();
    return n;
}

static bool sum_entry(const ac_walk_entry *e, void *ctx) {
    ac_heap_info_t *info = ctx;
    bool large = e->bytes >= AC_LARGE_BLOCK_BYTES;
    switch (e->kind) {
    case AC_WALK_SPAN:
        info->spans++;
        info->span_bytes += e->bytes;
        break;
    case AC_WALK_USED:
        info->used_blocks++;
        info->used_bytes += e->bytes;
        info->large_used += large;
        break;
    case AC_WALK_FREE:
        info->free_blocks++;
        info->free_bytes += e->bytes;
        info->large_free += large;
        if (e->bytes > info->largest_free_bytes) info->largest_free_bytes = e->bytes;
        break;
    case AC_WALK_TOP:
        info->top_bytes += e->bytes;
        break;
    }
    return true;
}

/* Under the lock: the layout of a sound heap into *info; of a damaged
 * one, which the walk would follow, none (all zero), the damage into *d,
 * and false. */
static bool layout_locked(ac_heap_info_t *info, ac_heap_damage_t *d) {
    *info = (ac_heap_info_t){0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    if (!ac__heap_check_where(d)) return false;
    ac__heap_walk(sum_entry, info);
    return true;
}

void ac_heap_info(ac_heap_info_t *out) {
    *out = (ac_heap_info_t){0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    ac_heap_walk(sum_entry, out);
}

bool ac_heap_check(void) {
    ac__lock();
    bool ok = ac__heap_check();
    ac__unlock();
    return ok;
}

bool ac_heap_check_where(ac_heap_damage_t *out) {
    ac__lock();
    bool ok = ac__heap_check_where(out);
    ac__unlock();
    return ok;
}

size_t ac_heap_damage_format(const ac_heap_damage_t *d, char *buf, size_t len) {
    ac__writer w;
    ac__w_init(&w, buf, len);
    ac__w_str(&w, "alloc_cat: ");
    ac__w_damage(&w, d);
    return ac__w_finish(&w);
}

bool ac_heap_check_freed(void) {
    const void *overrun;
    ac__lock();
    /* a report of freed memory unlocks, and never returns */
    bool ok = ac__heap_check_freed(&overrun);
    ac__unlock();
#if AC_CHECKED
    if (overrun) ac__report_misuse(overrun, "ac_heap_check_freed"); /* the hook may allocate */
#endif
    return ok;
}

bool ac_audit_get(ac_audit_t *out) {
#if defined(AC_AUDIT_SIZES) && AC_AUDIT_SIZES
    ac__lock();
    for (size_t i = 0; i < AC_AUDIT_SIZE_ROWS; i++) out->by_size[i] = ac__audit.by_size[i];
    for (size_t i = 0; i < AC_AUDIT_ALIGN_ROWS; i++) out->by_align[i] = ac__audit.by_align[i];
    out->first_align_bytes = AC_MALLOC_ALIGN;
    ac__unlock();
    return true;
#else
    ac__memset(out, 0, sizeof *out);
    return false;
#endif
}

/* ---- the report ------------------------------------------------------------- */

size_t ac_stats_format(char *buf, size_t len) {
    ac_stats_t s;
    ac_heap_info_t info;
    ac_heap_damage_t damage;
    ac__report r = {"alloc_cat heap", &s, &info, NULL, NULL, NULL};
    ac__writer w;
    ac__w_init(&w, buf, len);
    ac__lock();
    stats_locked(&s);
    if (!layout_locked(&info, &damage)) { /* no layout lines: the damage's line */
        r.info = NULL;
        r.damage = &damage;
    }
#if defined(AC_AUDIT_SIZES) && AC_AUDIT_SIZES
    r.by_size = ac__audit.by_size;
    r.by_align = ac__audit.by_align;
#endif
    ac__report_write(&w, &r);
    ac__unlock();
    return ac__w_finish(&w);
}

/* ---- for hosts ---------------------------------------------------------------- */

#ifdef __wasm32__
/* js/alloc_cat.mjs reads these layouts. */
_Static_assert(sizeof(ac_stats_t) == 40 && offsetof(ac_stats_t, allocs) == 16 &&
                   offsetof(ac_stats_t, frees) == 24 && offsetof(ac_stats_t, heap_bytes) == 32,
               "ac_stats_t layout read by js/alloc_cat.mjs");
_Static_assert(sizeof(ac_heap_info_t) == 40, "ac_heap_info_t: ten 32-bit words");
_Static_assert(sizeof(ac_audit_t) == (AC_AUDIT_SIZE_ROWS + AC_AUDIT_ALIGN_ROWS) * 12 + 4,
               "ac_audit_t: rows of three 32-bit words, then first_align_bytes");
#endif

const ac_stats_t *ac_stats_for_host(void) {
    static ac_stats_t s;
    ac_stats_get(&s);
    return &s;
}

const ac_heap_info_t *ac_heap_info_for_host(void) {
    static ac_heap_info_t info;
    ac_heap_damage_t damage;
    ac__lock();
    bool sound = layout_locked(&info, &damage);
    ac__unlock();
    return sound ? &info : NULL;
}

const char *ac_heap_damage_for_host(void) {
    static char line[256];
    ac_heap_damage_t d;
    if (ac_heap_check_where(&d)) return NULL;
    ac_heap_damage_format(&d, line, sizeof line);
    return line;
}

const ac_audit_t *ac_audit_for_host(void) {
#if defined(AC_AUDIT_SIZES) && AC_AUDIT_SIZES
    static ac_audit_t audit;
    ac_audit_get(&audit);
    return &audit;
#else
    return NULL;
#endif
}

/* ---- the C library's statistics names ----------------------------------------- */
/* With the standard names (AC_EXPORT_STD_NAMES), the statistics functions
 * that programs written for the C library call, where it declares them in
 * <malloc.h>: glibc's mallinfo, mallinfo2, malloc_stats and malloc_trim
 * natively; emscripten's mallinfo, malloc_stats, mallopt and malloc_trim.
 * Without them a preloaded program would read glibc's own, unused arena,
 * and an emscripten program built with -sMALLOC=none would not link. */
#if AC_EXPORT_STD_NAMES && AC__HAS_STDERR /* natively, and with emscripten */
#if defined(__has_include)
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
#endif
#if defined(__GLIBC__) || defined(__EMSCRIPTEN__)
#include <limits.h>

/* mallinfo's numbers in dlmalloc's sense: the top counts as one free
 * chunk, and every byte obtained that is not free is in use (headers, span
 * links and fences included), so arena = uordblks + fordblks. */
typedef struct std_info {
    size_t arena, ordblks, uordblks, fordblks, keepcost;
} std_info;

static std_info std_info_get(void) {
    ac_heap_info_t info;
    ac_heap_damage_t damage;
    ac__lock();
    /* the memory already there is the heap's even before its first
     * allocation (emscripten's sbrk starts at the memory's end) */
    ac__heap_start();
    size_t arena = ac__count.heap_bytes;
    bool sound = layout_locked(&info, &damage);
    ac__unlock();
    std_info r = {arena, 0, arena, 0, 0}; /* damaged: nothing is known to be free */
    if (sound) {
        r.fordblks = info.free_bytes + info.top_bytes;
        r.ordblks = info.free_blocks + (info.top_bytes != 0);
        r.uordblks = arena - r.fordblks;
        r.keepcost = info.top_bytes;
    }
    return r;
}

/* mallinfo's fields are int: past INT_MAX they stay at INT_MAX (glibc's
 * and dlmalloc's wrap around). */
static int int_field(size_t v) { return v > (size_t)INT_MAX ? INT_MAX : (int)v; }

AC__STD_NAME struct mallinfo mallinfo(void) {
    std_info i = std_info_get();
    struct mallinfo m = {0};
    m.arena = int_field(i.arena);
    m.ordblks = int_field(i.ordblks);
    m.uordblks = int_field(i.uordblks);
    m.fordblks = int_field(i.fordblks);
    m.keepcost = int_field(i.keepcost);
    return m;
}

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
AC__STD_NAME struct mallinfo2 mallinfo2(void) {
    std_info i = std_info_get();
    struct mallinfo2 m = {0};
    m.arena = i.arena;
    m.ordblks = i.ordblks;
    m.uordblks = i.uordblks;
    m.fordblks = i.fordblks;
    m.keepcost = i.keepcost;
    return m;
}
#endif

/* ac_stats_format()'s report, to stderr (fd 2, by write(): no stdio). A
 * report longer than the buffer here (with AC_AUDIT_SIZES, many rows) is
 * formatted again into a block allocated for it, which it then counts. */
AC__STD_NAME void malloc_stats(void) {
    char buf[4096];
    char *text = buf;
    size_t bytes = ac_stats_format(buf, sizeof buf);
    if (bytes >= sizeof buf) {
        size_t room = bytes + 256; /* and the lines its own block adds */
        char *big = ac_malloc(room);
        if (big) {
            text = big;
            bytes = ac_stats_format(big, room);
        }
        if (bytes >= room || !big) bytes = (big ? room : sizeof buf) - 1; /* truncated */
    }
    ac__write_all(2, text, bytes);
    if (text != buf) ac_free(text);
}

/* Nothing is given back: alloc_cat keeps the memory it has (a wasm
 * memory cannot shrink), so 0, "no memory released". (emscripten's
 * allocators define it; its <malloc.h> does not declare it.) */
int malloc_trim(size_t pad);
AC__STD_NAME int malloc_trim(size_t pad) {
    (void)pad;
    return 0;
}

#ifdef __EMSCRIPTEN__
/* dlmalloc's tuning options have no meaning here: 0, "not done". */
AC__STD_NAME int mallopt(int param, int value) {
    (void)param;
    (void)value;
    return 0;
}
#endif
#endif
#endif
