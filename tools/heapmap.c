/*
 * heapmap.c - the heap as an SVG picture, from ac_heap_walk. See heapmap.h
 * for what the picture shows. Two walks: the first plans (row size, totals
 * for the legend, the picture's height), the second draws one <path> per
 * entry. Text goes through the bounded writer of src/format.c: no libc, no
 * allocation, the same code natively and in freestanding wasm32.
 */
#include "heapmap.h"

#include "internal.h"

#define MIN_ROW_SHIFT 10u /* rows of 1 KiB ... */
#define CANDIDATES    (sizeof(size_t) > 4 ? 23u : 22u) /* ... to 4 GiB (2 GiB on wasm32,
                                                            where a size_t holds no more) */
#define ROW_PITCH_PX  (AC_HEAPMAP_ROW_PX + 4u)
#define MAX_WIDTH_PX  65536u
#define HEAD_PX       100u /* title, summary, legend */
#define SPAN_HEAD_PX  18u /* the line naming a span */
#define SPAN_GAP_PX   6u

/* ---- planning -------------------------------------------------------------------------- */

typedef struct plan {
    uint64_t rows[23]; /* rows needed for each row size */
    size_t spans, span_bytes;
    size_t used_blocks, used_bytes, free_blocks, free_bytes, top_bytes;
} plan;

static bool plan_entry(const ac_walk_entry *e, void *ctx) {
    plan *p = ctx;
    switch (e->kind) {
    case AC_WALK_SPAN:
        p->spans++;
        p->span_bytes += e->bytes;
        for (unsigned k = 0; k < CANDIDATES; k++) {
            uint64_t row = (uint64_t)1 << (MIN_ROW_SHIFT + k);
            p->rows[k] += (e->bytes + row - 1) / row;
        }
        break;
    case AC_WALK_USED:
        p->used_blocks++;
        p->used_bytes += e->bytes;
        break;
    case AC_WALK_FREE:
        p->free_blocks++;
        p->free_bytes += e->bytes;
        break;
    case AC_WALK_TOP:
        p->top_bytes += e->bytes;
        break;
    }
    return true;
}

static unsigned max_rows_of(const ac_heapmap_options *opt) {
    return opt && opt->max_rows ? opt->max_rows : 32u;
}

/* The smallest row size whose rows fit max_rows, else the largest. */
static unsigned pick_row(const plan *p, unsigned max_rows) {
    unsigned k = 0;
    while (k + 1 < CANDIDATES && p->rows[k] > max_rows) k++;
    return k;
}

/* The plan of a sound heap; of a damaged one, an empty plan (the walk
 * would follow the damage) and false, the damage in *damage. */
static bool make_plan(plan *p, ac_heap_damage_t *damage) {
    *p = (plan){{0}, 0, 0, 0, 0, 0, 0, 0};
    if (!ac_heap_check_where(damage)) return false;
    ac_heap_walk(plan_entry, p);
    return true;
}

size_t ac_heapmap_row_bytes(const ac_heapmap_options *opt) {
    plan p;
    ac_heap_damage_t damage;
    make_plan(&p, &damage);
    return (size_t)1 << (MIN_ROW_SHIFT + pick_row(&p, max_rows_of(opt)));
}

/* ---- writing ---------------------------------------------------------------------------- */

/* Pixels are written in tenths: "12.3", "12". */
static void w_tenths(ac__writer *w, uint64_t v) {
    ac__w_udec(w, v / 10);
    if (v % 10) {
        ac__w_str(w, ".");
        ac__w_udec(w, v % 10);
    }
}

static void w_px(ac__writer *w, const char *name, uint64_t px) {
    ac__w_str(w, " ");
    ac__w_str(w, name);
    ac__w_str(w, "=\"");
    ac__w_udec(w, px);
    ac__w_str(w, "\"");
}

/* Text with &, <, > and " escaped. */
static void w_escaped(ac__writer *w, const char *s) {
    for (char one[2] = {0, 0}; *s; s++) {
        switch (*s) {
        case '&': ac__w_str(w, "&amp;"); break;
        case '<': ac__w_str(w, "&lt;"); break;
        case '>': ac__w_str(w, "&gt;"); break;
        case '"': ac__w_str(w, "&quot;"); break;
        default:
            one[0] = *s;
            ac__w_str(w, one);
        }
    }
}

static void w_text_open(ac__writer *w, uint64_t x, uint64_t y, const char *attrs) {
    ac__w_str(w, "<text");
    w_px(w, "x", x);
    w_px(w, "y", y);
    ac__w_str(w, attrs);
    ac__w_str(w, ">");
}

static void w_swatch(ac__writer *w, uint64_t x, uint64_t y, uint64_t width, const char *cls) {
    ac__w_str(w, "<rect class=\"");
    ac__w_str(w, cls);
    ac__w_str(w, "\"");
    w_px(w, "x", x);
    w_px(w, "y", y);
    w_px(w, "width", width);
    w_px(w, "height", 12);
    ac__w_str(w, "/>");
}

/* ---- drawing ----------------------------------------------------------------------------- */

typedef struct draw {
    ac__writer *w;
    uint64_t row_bytes;
    uint64_t map_x, map_w; /* pixels */
    uint64_t y;            /* top of the next span's band */
    uint64_t rows_y;       /* top of the current span's first row */
    uintptr_t span_addr, cursor;
    size_t span_bytes, span_index, spans;
    unsigned used_index;
} draw;

/* x of a byte offset within a row, in tenths of a pixel */
static uint64_t x_tenths(const draw *d, uint64_t offset_in_row) {
    return d->map_x * 10 + offset_in_row * d->map_w * 10 / d->row_bytes;
}

/* One rectangle per row that [from, to) (offsets in the span) touches. */
static void w_rows_path(draw *d, uint64_t from, uint64_t to) {
    ac__w_str(d->w, " d=\"");
    for (uint64_t r = from / d->row_bytes; from < to; r++) {
        uint64_t row_start = r * d->row_bytes, row_end = row_start + d->row_bytes;
        uint64_t a = from, b = to < row_end ? to : row_end;
        uint64_t x0 = x_tenths(d, a - row_start), x1 = x_tenths(d, b - row_start);
        ac__w_str(d->w, "M");
        w_tenths(d->w, x0);
        ac__w_str(d->w, " ");
        ac__w_udec(d->w, d->rows_y + r * ROW_PITCH_PX);
        ac__w_str(d->w, "h");
        w_tenths(d->w, x1 - x0);
        ac__w_str(d->w, "v");
        ac__w_udec(d->w, AC_HEAPMAP_ROW_PX);
        ac__w_str(d->w, "h-");
        w_tenths(d->w, x1 - x0);
        ac__w_str(d->w, "z");
        from = b;
    }
    ac__w_str(d->w, "\"");
}

static void span_head(draw *d, const ac_walk_entry *e) {
    ac__writer *w = d->w;
    uint64_t rows = (e->bytes + d->row_bytes - 1) / d->row_bytes;
    d->span_addr = d->cursor = e->addr;
    d->span_bytes = e->bytes;
    d->span_index++;
    d->used_index = 0;
    d->rows_y = d->y + SPAN_HEAD_PX;
    w_text_open(w, AC_HEAPMAP_MARGIN_PX, d->y + 13, " class=\"h\"");
    ac__w_str(w, "span ");
    ac__w_udec(w, d->span_index);
    ac__w_str(w, " of ");
    ac__w_udec(w, d->spans);
    ac__w_str(w, " at ");
    ac__w_hex(w, e->addr);
    ac__w_str(w, ": ");
    ac__w_bytes(w, e->bytes);
    ac__w_str(w, "</text>\n");
    for (uint64_t r = 0; r < rows; r++) {
        w_text_open(w, d->map_x - 6, d->rows_y + r * ROW_PITCH_PX + 11, " class=\"a\"");
        ac__w_hex(w, e->addr + r * d->row_bytes);
        ac__w_str(w, "</text>\n");
    }
    d->y = d->rows_y + rows * ROW_PITCH_PX + SPAN_GAP_PX;
}

static bool draw_entry(const ac_walk_entry *e, void *ctx) {
    draw *d = ctx;
    ac__writer *w = d->w;
    if (e->kind == AC_WALK_SPAN) span_head(d, e);
    /* Within a span entries are contiguous: a block starts where the
     * previous one ended (for a block in use, addr is its payload). */
    uintptr_t start = e->kind == AC_WALK_SPAN || e->kind == AC_WALK_USED ? d->cursor : e->addr;
    uint64_t from = start - d->span_addr, to = from + e->bytes;
    if (to > d->span_bytes) to = d->span_bytes;
    if (from > to) from = to;
    if (e->kind != AC_WALK_SPAN) d->cursor = start + e->bytes;

    static const char *const cls[] = {"s", "u", "f", "t"};
    ac__w_str(w, "<path class=\"");
    ac__w_str(w, e->kind == AC_WALK_USED && d->used_index++ % 2 ? "v" : cls[e->kind]);
    ac__w_str(w, "\"");
    w_rows_path(d, from, to);
    ac__w_str(w, "><title>");
    static const char *const what[] = {"span", "in use", "free", "top"};
    ac__w_str(w, what[e->kind]);
    ac__w_str(w, ": ");
    ac__w_bytes(w, e->bytes);
    if (e->kind == AC_WALK_USED) {
        ac__w_str(w, ", ");
        ac__w_udec(w, e->requested);
        ac__w_str(w, " requested");
    }
    ac__w_str(w, ", at ");
    ac__w_hex(w, e->addr);
    ac__w_str(w, "</title></path>\n");
    return true;
}

/* ---- the picture --------------------------------------------------------------------------- */

static void legend_item(ac__writer *w, uint64_t x, uint64_t y, const char *cls, const char *label,
                        size_t count, const char *noun, size_t bytes) {
    if (cls[1]) { /* two shades: "uv" */
        w_swatch(w, x, y, 6, "u");
        w_swatch(w, x + 6, y, 6, "v");
    } else {
        w_swatch(w, x, y, 12, cls);
    }
    w_text_open(w, x + 18, y + 11, "");
    ac__w_str(w, label);
    if (noun) {
        ac__w_udec(w, count);
        ac__w_str(w, " ");
        ac__w_str(w, noun);
        ac__w_str(w, count == 1 ? ", " : "s, ");
    }
    if (bytes != (size_t)-1) ac__w_bytes(w, bytes);
    ac__w_str(w, "</text>\n");
}

/* "N bytes requested by K blocks", from the counters. */
static void w_requested(ac__writer *w, const ac_stats_t *s) {
    ac__w_bytes(w, s->in_use_bytes);
    ac__w_str(w, " requested by ");
    ac__w_udec(w, s->live_blocks);
    ac__w_str(w, s->live_blocks == 1 ? " block" : " blocks");
}

size_t ac_heapmap_svg(char *buf, size_t len, const ac_heapmap_options *opt) {
    ac__writer w;
    ac__w_init(&w, buf, len);
    uint64_t width = opt && opt->width_px ? opt->width_px : 960u;
    if (width < 400) width = 400;
    if (width > MAX_WIDTH_PX) width = MAX_WIDTH_PX; /* x * width * 10 fits 64 bits */

    ac_stats_t s;
    ac_stats_get(&s);
    plan p;
    ac_heap_damage_t damage;
    bool sound = make_plan(&p, &damage);
    unsigned k = pick_row(&p, max_rows_of(opt));
    uint64_t row_bytes = (uint64_t)1 << (MIN_ROW_SHIFT + k);
    uint64_t height = HEAD_PX + p.spans * (SPAN_HEAD_PX + SPAN_GAP_PX) +
                      p.rows[k] * ROW_PITCH_PX + AC_HEAPMAP_MARGIN_PX + (p.spans ? 0 : 20);

    ac__w_str(&w, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    w_px(&w, "width", width);
    w_px(&w, "height", height);
    ac__w_str(&w, " viewBox=\"0 0 ");
    ac__w_udec(&w, width);
    ac__w_str(&w, " ");
    ac__w_udec(&w, height);
    ac__w_str(&w, "\">\n<style>text{font:12px sans-serif;fill:#222}"
                  ".t1{font-size:16px;font-weight:bold}.h{font-weight:bold}"
                  ".a{font:11px monospace;fill:#555;text-anchor:end}"
                  ".s{fill:#555}.u{fill:#2f6db5}.v{fill:#6a9fe0}.f{fill:#f28e2b}"
                  ".t{fill:#e2e2e2}</style>\n");
    ac__w_str(&w, "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");

    w_text_open(&w, AC_HEAPMAP_MARGIN_PX, 22, " class=\"t1\"");
    w_escaped(&w, opt && opt->title ? opt->title : "alloc_cat heap map");
    ac__w_str(&w, "</text>\n");
    w_text_open(&w, AC_HEAPMAP_MARGIN_PX, 42, "");
    if (!sound) { /* not walked: the counters and the damage; no layout, no legend */
        w_requested(&w, &s);
        ac__w_str(&w, "</text>\n");
        char line[256];
        ac_heap_damage_format(&damage, line, sizeof line);
        w_text_open(&w, AC_HEAPMAP_MARGIN_PX, HEAD_PX + 12, "");
        ac__w_str(&w, "(not drawn: ");
        w_escaped(&w, line);
        ac__w_str(&w, ")</text>\n</svg>\n");
        return ac__w_finish(&w);
    }
    ac__w_udec(&w, p.spans);
    ac__w_str(&w, p.spans == 1 ? " span, " : " spans, ");
    ac__w_bytes(&w, p.span_bytes);
    ac__w_str(&w, "; ");
    w_requested(&w, &s);
    ac__w_str(&w, "; one row = ");
    ac__w_bytes(&w, row_bytes);
    ac__w_str(&w, "</text>\n");

    /* the legend: two columns, two lines */
    uint64_t x2 = AC_HEAPMAP_MARGIN_PX + (width - 2 * AC_HEAPMAP_MARGIN_PX) / 2;
    legend_item(&w, AC_HEAPMAP_MARGIN_PX, 54, "uv", "in use: ", p.used_blocks, "block",
                p.used_bytes);
    legend_item(&w, x2, 54, "f", "free: ", p.free_blocks, "block", p.free_bytes);
    legend_item(&w, AC_HEAPMAP_MARGIN_PX, 72, "t", "top, never used yet: ", 0, NULL,
                p.top_bytes);
    legend_item(&w, x2, 72, "s",
                AC__HDR_BYTES == 8 ? "end of a span (its 8-byte fence)"
                                   : "end of a span (its 4-byte fence)",
                0, NULL, (size_t)-1);

    draw d = {&w, row_bytes, AC_HEAPMAP_MARGIN_PX + AC_HEAPMAP_LABEL_PX,
              width - AC_HEAPMAP_MARGIN_PX * 2 - AC_HEAPMAP_LABEL_PX, HEAD_PX, HEAD_PX,
              0, 0, 0, 0, p.spans, 0};
    if (!p.spans) {
        w_text_open(&w, AC_HEAPMAP_MARGIN_PX, HEAD_PX + 12, "");
        ac__w_str(&w, "(the heap has no memory yet)</text>\n");
    }
    ac_heap_walk(draw_entry, &d);
    ac__w_str(&w, "</svg>\n");
    return ac__w_finish(&w);
}
