/*
 * stats.c - what the heap tells about itself: counters, the layout summed
 * over a walk, the audit tables, and the invariant check, each under the
 * heap's lock.
 */
#include "internal.h"

void ac_stats_get(ac_stats_t *out) {
    ac__lock();
    out->in_use_bytes = ac__count.in_use;
    out->peak_bytes = ac__count.peak > ac__count.trip_peak ? ac__count.peak : ac__count.trip_peak;
    out->trip_peak_bytes = ac__count.trip_peak;
    out->live_blocks = (size_t)(ac__count.allocs - ac__count.frees);
    out->allocs = ac__count.allocs;
    out->frees = ac__count.frees;
    out->heap_bytes = ac__count.heap_bytes;
    out->heap_pages = (ac__count.heap_bytes + AC_PAGE_BYTES - 1) / AC_PAGE_BYTES;
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

bool ac_audit_get(ac_audit_t *out) {
#if defined(AC_AUDIT_SIZES) && AC_AUDIT_SIZES
    ac__lock();
    for (size_t i = 0; i < AC_AUDIT_SIZE_ROWS; i++) out->by_size[i] = ac__audit.by_size[i];
    for (size_t i = 0; i < AC_AUDIT_ALIGN_ROWS; i++) out->by_align[i] = ac__audit.by_align[i];
    ac__unlock();
    return true;
#else
    ac__memset(out, 0, sizeof *out);
    return false;
#endif
}
