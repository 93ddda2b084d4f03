/*
 * test_heapmap.c - the SVG heap map (tools/heapmap.c) against the walk it
 * draws: one <path> per walk entry, in address order, classes naming the
 * kinds, one rectangle per row a block touches, widths proportional to
 * bytes, and a picture whose height fits its rows. Natively and as wasm32.
 */
#include "harness.h"
#include "heapmap.h"
#include "internal.h"
#include "suites.h"
#include "test_backend.h"

#define MAX_PATHS 16

static char svg[64 * 1024];

typedef struct path_info {
    char cls;
    unsigned rects;       /* "M" subpaths */
    uint64_t width_tenths; /* their widths summed */
    uint64_t first_y;
} path_info;

typedef struct svg_info {
    size_t paths, titles;
    path_info p[MAX_PATHS];
} svg_info;

static bool starts(const char *s, const char *prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return false;
    return true;
}

static size_t text_len(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* "123" or "123.4" in tenths; advances *s */
static uint64_t number_tenths(const char **s) {
    uint64_t v = 0;
    while (**s >= '0' && **s <= '9') v = v * 10 + (uint64_t)(*(*s)++ - '0');
    v *= 10;
    if (**s == '.') {
        (*s)++;
        v += (uint64_t)(*(*s)++ - '0');
    }
    return v;
}

/* Reads the paths' classes and geometry; false when a d attribute is not
 * the documented "M x y h w v 14 h -w z" sequence. */
static bool parse_svg(const char *s, svg_info *info) {
    *info = (svg_info){0, 0, {{0, 0, 0, 0}}};
    for (; *s; s++) {
        if (starts(s, "<title>")) info->titles++;
        if (!starts(s, "<path class=\"")) continue;
        path_info *p = &info->p[info->paths < MAX_PATHS ? info->paths : MAX_PATHS - 1];
        info->paths++;
        s += 13;
        p->cls = *s++;
        if (!starts(s, "\" d=\"")) return false;
        s += 5;
        while (*s == 'M') {
            s++;
            number_tenths(&s);
            if (*s++ != ' ') return false;
            uint64_t y = number_tenths(&s) / 10;
            if (!p->rects) p->first_y = y;
            if (*s++ != 'h') return false;
            uint64_t w = number_tenths(&s);
            if (!starts(s, "v14h-")) return false;
            s += 5;
            if (number_tenths(&s) != w || *s++ != 'z') return false;
            p->rects++;
            p->width_tenths += w;
        }
        if (*s != '"') return false;
    }
    return true;
}

static size_t count(const char *s, const char *what) {
    size_t n = 0;
    for (; *s; s++) n += starts(s, what);
    return n;
}

typedef struct walk_copy {
    ac_walk_entry e[MAX_PATHS];
    size_t n;
} walk_copy;

static bool copy_entry(const ac_walk_entry *e, void *ctx) {
    walk_copy *c = ctx;
    if (c->n < MAX_PATHS) c->e[c->n] = *e;
    c->n++;
    return true;
}

/* Two spans (someone took the page between them), small and large blocks,
 * blocks that cross rows. */
static void map_matches_walk(void) {
    t_heap_fresh(1, 16);
    char *a = ac_malloc(10), *b = ac_malloc(100), *c = ac_malloc(40000);
    ac_free(b);
    t_heap_gap(1);
    char *d = ac_malloc(30000), *e = ac_malloc(150000);
    T_ASSERT(a && c && d && e);
    T_PTR(d, t_arena() + 2 * T_PAGE + AC__GRAIN); /* a new span's first payload */

    walk_copy w = {{{0, 0, 0, 0}}, 0};
    T_EQ(ac_heap_walk(copy_entry, &w), 9);
    static const ac_walk_kind kinds[] = {AC_WALK_SPAN, AC_WALK_USED, AC_WALK_FREE,
                                         AC_WALK_USED, AC_WALK_FREE, AC_WALK_SPAN,
                                         AC_WALK_USED, AC_WALK_USED, AC_WALK_TOP};
    for (size_t i = 0; i < 9; i++) T_EQ(w.e[i].kind, kinds[i]);
    T_EQ(w.e[0].bytes, T_PAGE - (AC__GRAIN - AC__HDR_BYTES));
    T_EQ(w.e[5].bytes, 3 * T_PAGE - (AC__GRAIN - AC__HDR_BYTES));

    /* rows of 32 KiB: 2 + 6 rows fit 8; 16 KiB would need 4 + 12 */
    ac_heapmap_options opt = {"a <test> & map", 960, 8};
    T_EQ(ac_heapmap_row_bytes(&opt), 32768);
    T_EQ(ac_heapmap_row_bytes(NULL), 8192); /* 8 + 24 rows fit the default 32 */
    size_t n = ac_heapmap_svg(svg, sizeof svg, &opt);
    T_EQ(text_len(svg), n);
    T_ASSERT(n < sizeof svg);
    T_ASSERT(starts(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" "
                         "height=\"302\" viewBox=\"0 0 960 302\">\n"));
    T_ASSERT(starts(svg + n - 7, "</svg>\n"));
    T_EQ(count(svg, "<svg"), 1);
    T_EQ(count(svg, "a &lt;test&gt; &amp; map"), 1);
    T_EQ(count(svg, "one row = 32768 bytes (32.0 KiB)"), 1);

    svg_info info;
    T_ASSERT(parse_svg(svg, &info));
    T_EQ(info.paths, 9);
    T_EQ(info.titles, 9);
    T_EQ(count(svg, "<path "), 9);
    /* classes in walk order; blocks in use alternate shades within a span */
    static const char classes[] = "sufvfsuvt";
    for (size_t i = 0; i < 9; i++) T_EQ(info.p[i].cls, classes[i]);

    /* one rectangle per row touched: span 1 has 2 rows, c crosses from row
     * 0 into row 1; span 2 has 6 rows, e covers [30016, 180032) = rows 0-5 */
    static const unsigned rects[] = {2, 1, 1, 2, 1, 6, 1, 6, 1};
    uint64_t map_w = 960 - 2 * AC_HEAPMAP_MARGIN_PX - AC_HEAPMAP_LABEL_PX;
    for (size_t i = 0; i < 9; i++) {
        T_EQ(info.p[i].rects, rects[i]);
        /* widths are proportional: bytes * map width / row bytes, each
         * rectangle's ends rounded down to a tenth of a pixel */
        uint64_t want = (uint64_t)w.e[i].bytes * map_w * 10 / 32768;
        uint64_t got = info.p[i].width_tenths, slack = 2 * info.p[i].rects;
        T_ASSERT(got + slack >= want && got <= want + slack);
    }
    /* rows: span 1 from y = 118, span 2 after its 2 rows and a heading */
    T_EQ(info.p[0].first_y, 118);
    T_EQ(info.p[5].first_y, 118 + 2 * 18 + 6 + 18);
    T_EQ(info.p[8].first_y, 178 + 5 * 18); /* the top lies in span 2's last row */

    /* snprintf-like */
    static char small[64];
    T_EQ(ac_heapmap_svg(small, sizeof small, &opt), n);
    T_EQ(text_len(small), sizeof small - 1);
    T_EQ(ac_heapmap_svg(NULL, 0, &opt), n);

    /* the legend gives this build's fence size */
#if AC_CHECKED
    T_EQ(count(svg, "end of a span (its 8-byte fence)"), 1);
#else
    T_EQ(count(svg, "end of a span (its 4-byte fence)"), 1);
#endif

    /* wider than 65536 px is drawn 65536 px wide: the x coordinates'
     * products would pass 64 bits */
    static char wide[sizeof svg], widest[sizeof svg];
    ac_heapmap_options w1 = {"a <test> & map", 65536, 8}, w2 = {"a <test> & map", (unsigned)-1, 8};
    size_t n1 = ac_heapmap_svg(wide, sizeof wide, &w1);
    T_EQ(ac_heapmap_svg(widest, sizeof widest, &w2), n1);
    T_ASSERT(n1 < sizeof wide && t_streq(wide, widest));
    T_ASSERT(starts(wide, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"65536\" "));

    ac_free(a);
    ac_free(c);
    ac_free(d);
    ac_free(e);
}

static void empty_heap_map(void) {
    t_heap_fresh(0, 4); /* no memory until the first allocation */
    size_t n = ac_heapmap_svg(svg, sizeof svg, NULL);
    T_EQ(text_len(svg), n);
    T_EQ(count(svg, "<path "), 0);
    T_EQ(count(svg, "(the heap has no memory yet)"), 1);
    T_ASSERT(starts(svg + n - 7, "</svg>\n"));
    T_EQ(ac_heapmap_row_bytes(NULL), 1024);
}

/* ... on a damaged heap: not walked, no blocks, its damage named. */
static void map_while_damaged(void) {
    ac_heap_damage_t d;
    ac_heap_check_where(&d);
    static char line[256], want[300];
    size_t m = ac_heap_damage_format(&d, line, sizeof line);
    size_t n = ac_heapmap_svg(svg, sizeof svg, NULL);
    T_EQ(text_len(svg), n);
    T_EQ(count(svg, "<path "), 0);
    T_EQ(count(svg, "(the heap has no memory yet)"), 0);
    static const char before[] = "(not drawn: ";
    for (size_t i = 0; i < sizeof before - 1; i++) want[i] = before[i];
    for (size_t i = 0; i < m; i++) want[sizeof before - 1 + i] = line[i]; /* nothing to escape */
    want[sizeof before - 1 + m] = ')';
    want[sizeof before + m] = '\0';
    T_EQ(count(svg, want), 1);
    T_EQ(count(svg, ">300 bytes requested by 2 blocks</text>"), 1); /* the counters still show */
    T_EQ(count(svg, "span"), 0); /* and nothing of the layout, legend included */
    T_EQ(count(svg, "in use: "), 0);
    T_ASSERT(starts(svg + n - 7, "</svg>\n"));
    T_EQ(ac_heapmap_row_bytes(NULL), 1024); /* the smallest: an empty plan's */
}

/* A damaged heap is not walked: no blocks, its damage named instead. */
static void damaged_heap_map(void) {
    t_heap_fresh(1, 4);
    char *a = ac_malloc(100), *b = ac_malloc(200);
    uint32_t good;
    T_ASSERT(t_header_damaged(b, 0, &good)); /* b's header lost */
    map_while_damaged();
    t_header_restore(b, good);
    if (t_failed()) return;
    T_ASSERT(ac_heapmap_svg(svg, sizeof svg, NULL) == text_len(svg));
    T_EQ(count(svg, "<path class=\"f\""), 0);
    T_EQ(count(svg, "<path "), 4); /* the span, a, b and the top */
    ac_free(a);
    ac_free(b);
}

/* Many blocks, the default options: still one path per entry, in order. */
static void map_of_many_blocks(void) {
    t_heap_fresh(1, 16);
    static void *p[400];
    for (unsigned i = 0; i < 400; i++) p[i] = ac_malloc(16 + (i * 37) % 300);
    for (unsigned i = 1; i < 400; i += 3) ac_free(p[i]); /* 133 holes, none touching */
    size_t entries = ac_heap_walk(copy_entry, &(walk_copy){{{0, 0, 0, 0}}, 0});
    static char big[256 * 1024];
    size_t n = ac_heapmap_svg(big, sizeof big, NULL);
    T_ASSERT(n < sizeof big);
    T_EQ(count(big, "<path "), entries);
    T_EQ(count(big, "<path class=\"s\""), 1);
    T_EQ(count(big, "<path class=\"f\""), 133);
    T_EQ(count(big, "<path class=\"u\"") + count(big, "<path class=\"v\""), 400 - 133);
    T_EQ(count(big, "<path class=\"t\""), 1);
    for (unsigned i = 0; i < 400; i++)
        if (i % 3 != 1) ac_free(p[i]);
}

void suite_heapmap(void) {
    static const t_case cases[] = {
        T_CASE(map_matches_walk),
        T_CASE(empty_heap_map),
        T_CASE(damaged_heap_map),
        T_CASE(map_of_many_blocks),
    };
    t_run_suite("heapmap", cases, T_COUNT(cases));
}
