/*
 * report.c - the heap report as text: counters, the layout summed over a
 * walk, and the audit rows. It only formats numbers the caller gathered, so
 * the heap (stats.c, ac_stats_format) and the metrics-only preload library
 * (counters over the system allocator, no heap of its own) print the same
 * report. Written with the bounded writer of format.c: no libc, no
 * allocation, usable on freestanding wasm32 and in destructors.
 *
 *   alloc_cat heap
 *     in use        250 bytes in 2 blocks          <- label column, then values
 *     ...
 *     audit by size         live      peak      trip
 *       100 bytes              1         1         0
 */
#include "internal.h"

#define LABEL_COLUMN 16u /* values start here */
#define NUMBER_WIDTH 10u /* audit table columns */

static size_t text_length(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static unsigned digit_count(uint64_t v) {
    unsigned n = 1;
    for (; v >= 10; v /= 10) n++;
    return n;
}

static void w_spaces(ac__writer *w, size_t n) {
    while (n--) ac__w_str(w, " ");
}

/* "  label" padded to the value column. */
static void w_label(ac__writer *w, const char *label) {
    ac__w_str(w, "  ");
    ac__w_str(w, label);
    size_t used = 2 + text_length(label);
    w_spaces(w, used < LABEL_COLUMN ? LABEL_COLUMN - used : 1);
}

/* "1 block" / "2 blocks" */
static void w_count(ac__writer *w, uint64_t n, const char *one, const char *many) {
    ac__w_udec(w, n);
    ac__w_str(w, " ");
    ac__w_str(w, n == 1 ? one : many);
}

static void w_right(ac__writer *w, uint64_t v, unsigned width) {
    unsigned d = digit_count(v);
    w_spaces(w, d < width ? width - d : 1);
    ac__w_udec(w, v);
}

/* bytes / unit in tenths, rounded to nearest; no overflow for any bytes
 * (bytes * 10 would overflow from 2^64 / 10 on) */
static uint64_t tenths_of(uint64_t bytes, uint64_t unit) {
    return bytes / unit * 10 + (bytes % unit * 10 + unit / 2) / unit;
}

void ac__w_bytes(ac__writer *w, uint64_t bytes) {
    ac__w_udec(w, bytes);
    ac__w_str(w, " bytes");
    if (bytes < 10240) return;
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    unsigned k = 0;
    uint64_t unit = 1024;
    for (; k < 3 && bytes / unit >= 1024; unit <<= 10) k++;
    uint64_t tenths = tenths_of(bytes, unit);
    if (tenths >= 10240 && k < 3) { /* rounding reached the next unit */
        k++;
        unit <<= 10;
        tenths = tenths_of(bytes, unit);
    }
    ac__w_str(w, " (");
    ac__w_udec(w, tenths / 10);
    ac__w_str(w, ".");
    ac__w_udec(w, tenths % 10);
    ac__w_str(w, " ");
    ac__w_str(w, units[k]);
    ac__w_str(w, ")");
}

static void w_audit_head(ac__writer *w, const char *title) {
    ac__w_str(w, "  ");
    ac__w_str(w, title);
    size_t used = text_length(title);
    w_spaces(w, used < 22 ? 22 - used : 1);
    ac__w_str(w, "      live      peak      trip\n");
}

static void w_audit_row(ac__writer *w, const ac_audit_row_t *row) {
    w_right(w, row->live, NUMBER_WIDTH);
    w_right(w, row->peak, NUMBER_WIDTH);
    w_right(w, row->trip_peak, NUMBER_WIDTH);
    ac__w_str(w, "\n");
}

/* The first column of an audit row, "    " + text padded to 24. */
static void w_audit_label(ac__writer *w, uint64_t v, const char *before, const char *after) {
    ac__w_str(w, "    ");
    ac__w_str(w, before);
    ac__w_udec(w, v);
    ac__w_str(w, after);
    size_t used = 4 + text_length(before) + digit_count(v) + text_length(after);
    w_spaces(w, used < 24 ? 24 - used : 0);
}

static void w_audit(ac__writer *w, const ac_audit_row_t *by_size,
                    const ac_audit_row_t *by_align) {
    w_audit_head(w, "audit by size");
    for (unsigned i = 0; i < AC_AUDIT_SIZE_ROWS; i++) {
        if (!by_size[i].peak) continue;
        w_audit_label(w, i, "", i + 1 < AC_AUDIT_SIZE_ROWS ? " bytes" : "+ bytes");
        w_audit_row(w, &by_size[i]);
    }
    w_audit_head(w, "audit by alignment");
    for (unsigned i = 0; i < AC_AUDIT_ALIGN_ROWS; i++) {
        if (!by_align[i].peak) continue;
        w_audit_label(w, (uint64_t)AC_MALLOC_ALIGN << i, i == 0 ? "<= " : "",
                      i + 1 < AC_AUDIT_ALIGN_ROWS ? " bytes" : "+ bytes");
        w_audit_row(w, &by_align[i]);
    }
}

void ac__report_write(ac__writer *w, const ac__report *r) {
    const ac_stats_t *s = r->stats;
    ac__w_str(w, r->title);
    ac__w_str(w, "\n");

    w_label(w, "in use");
    ac__w_bytes(w, s->in_use_bytes);
    ac__w_str(w, " in ");
    w_count(w, s->live_blocks, "block", "blocks");
    ac__w_str(w, "\n");
    w_label(w, "peak");
    ac__w_bytes(w, s->peak_bytes);
    ac__w_str(w, "\n");
    w_label(w, "trip peak");
    ac__w_bytes(w, s->trip_peak_bytes);
    ac__w_str(w, "\n");
    w_label(w, "calls");
    w_count(w, s->allocs, "alloc", "allocs");
    ac__w_str(w, ", ");
    w_count(w, s->frees, "free", "frees");
    ac__w_str(w, "\n");
    w_label(w, "backend");
    ac__w_bytes(w, s->heap_bytes);
    ac__w_str(w, ", ");
    w_count(w, s->heap_pages, "page", "pages");
    ac__w_str(w, "\n");
    w_label(w, "efficiency");
    if (s->heap_bytes) {
        uint64_t permille =
            ((uint64_t)s->in_use_bytes * 1000 + s->heap_bytes / 2) / s->heap_bytes;
        ac__w_udec(w, permille / 10);
        ac__w_str(w, ".");
        ac__w_udec(w, permille % 10);
        ac__w_str(w, "%");
    } else {
        ac__w_str(w, "-");
    }
    ac__w_str(w, " (in use / backend)\n");

    const ac_heap_info_t *i = r->info;
    if (i) {
        w_label(w, "spans");
        w_count(w, i->spans, "span", "spans");
        ac__w_str(w, ", ");
        ac__w_bytes(w, i->span_bytes);
        ac__w_str(w, "\n");
        w_label(w, "used blocks");
        w_count(w, i->used_blocks, "block", "blocks");
        ac__w_str(w, ", ");
        ac__w_bytes(w, i->used_bytes);
        ac__w_str(w, "\n");
        w_label(w, "free blocks");
        w_count(w, i->free_blocks, "block", "blocks");
        ac__w_str(w, ", ");
        ac__w_bytes(w, i->free_bytes);
        ac__w_str(w, ", largest ");
        ac__w_bytes(w, i->largest_free_bytes);
        ac__w_str(w, "\n");
        w_label(w, "top");
        ac__w_bytes(w, i->top_bytes);
        ac__w_str(w, "\n");
        w_label(w, "large blocks");
        ac__w_udec(w, i->large_used);
        ac__w_str(w, " used, ");
        ac__w_udec(w, i->large_free);
        ac__w_str(w, " free (");
        ac__w_udec(w, AC_LARGE_BLOCK_BYTES);
        ac__w_str(w, " bytes and more)\n");
    }
    if (r->damage) {
        ac__w_str(w, "  ");
        ac__w_damage(w, r->damage);
        ac__w_str(w, "\n");
    }
    if (r->by_size && r->by_align) w_audit(w, r->by_size, r->by_align);
}

/* What each kind of damage is, after "heap damaged at ADDR: " */
static const char *const damage_what[] = {
    [AC_DAMAGE_HEADER] = "a block's header that holds no valid size or state",
    [AC_DAMAGE_PREV_FREE_FLAG] =
        "a block's header whose flag for the block before (free or not) is wrong",
    [AC_DAMAGE_FOOTER] = "a free block's footer that does not hold its size",
    [AC_DAMAGE_FREE_NEIGHBOURS] = "a free block next to another free block or the top",
    [AC_DAMAGE_SPAN_LINK] = "the link to the span before, which leads to no span",
    [AC_DAMAGE_FREE_LIST] = "a free block's list link (its first or second payload word) that "
                            "leads to no free block of its list, or not back",
    [AC_DAMAGE_COUNTERS] = "the counters disagree with the blocks in use",
    [AC_DAMAGE_STATE] = "the heap's own variables (top, spare, bins) disagree with its memory",
};
_Static_assert(sizeof damage_what / sizeof *damage_what == AC_DAMAGE_STATE + 1,
               "a text for every kind of damage");

void ac__w_damage(ac__writer *w, const ac_heap_damage_t *d) {
    unsigned k = (unsigned)d->kind;
    if (k == AC_DAMAGE_NONE || k >= sizeof damage_what / sizeof *damage_what) {
        ac__w_str(w, k == AC_DAMAGE_NONE ? "heap sound" : "heap damaged (unknown kind)");
        return;
    }
    ac__w_str(w, "heap damaged");
    if (d->addr) {
        ac__w_str(w, " at ");
        ac__w_hex(w, d->addr);
    }
    ac__w_str(w, ": ");
    if (k == AC_DAMAGE_FREE_LIST && !d->addr) { /* found from a list's head, or not found */
        ac__w_str(w, "a free list that leads from its head to no free block of its list, or "
                     "misses a free block");
        return;
    }
    ac__w_str(w, damage_what[k]);
    if (!d->addr) return;
    if (d->readable) {
        ac__w_str(w, " (it holds ");
        ac__w_hex(w, d->found);
    } else {
        ac__w_str(w, " (it cannot be read");
    }
    if (d->block) {
        ac__w_str(w, "; block ");
        ac__w_hex(w, d->block);
    }
    ac__w_str(w, ")");
}
