/*
 * heapmap.c - a heap after a realistic day's work, as a report and an SVG
 * picture. The same program builds natively and as freestanding wasm32:
 *
 *   native:  build/examples/heapmap [map.svg]   writes the SVG, prints the report
 *   wasm32:  node examples/heapmap.mjs build/examples/heapmap.wasm [map.svg]
 *            (the module exports heapmap_run(), which fills two static
 *            buffers; node copies them out of the instance's memory)
 *
 * The work: a symbol table of short interned strings with hash-table nodes,
 * a growing array (realloc doubling) that leaves its old copies behind as
 * free blocks, 4 KiB parse buffers of which a few are kept, a picture
 * buffer of 300 KB, a 64 KiB-aligned DMA-style buffer, and a cache of large
 * blocks half of which is dropped at the end. On wasm32 the host also grows
 * memory once behind the allocator's back (as a second allocator or the JS
 * side might), so the heap continues in a second span.
 */
#include "alloc_cat.h"
#include "heapmap.h"

#define SVG_BYTES    (512u * 1024u)
#define REPORT_BYTES 4096u

static char svg[SVG_BYTES];
static char report[REPORT_BYTES];
static size_t svg_len, report_len;

typedef struct node {
    struct node *next;
    char *text;
    unsigned hash;
} node;

static unsigned rng_state = 12345u;
static unsigned rnd(unsigned n) {
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 16) % n;
}

static void fill(void *p, size_t n, unsigned char v) {
    unsigned char *c = p;
    for (size_t i = 0; i < n; i++) c[i] = v;
}

static void work(void) {
    /* a symbol table: 700 interned names of 6..60 bytes */
    enum { SYMBOLS = 700, BUCKETS = 256 };
    node **table = ac_calloc(BUCKETS, sizeof *table);
    node *nodes[SYMBOLS];
    for (unsigned i = 0; i < SYMBOLS; i++) {
        node *n = ac_malloc(sizeof *n);
        size_t len = 6 + rnd(55);
        n->text = ac_malloc(len);
        fill(n->text, len, (unsigned char)('a' + i % 26));
        n->hash = (unsigned)rnd(1u << 16);
        n->next = table[n->hash % BUCKETS];
        table[n->hash % BUCKETS] = n;
        nodes[i] = n;
    }

    /* a growing array of 8-byte items: each doubling moves it */
    size_t cap = 16, count = 0;
    unsigned long long *items = ac_malloc(cap * sizeof *items);
    void *parse[24];
    unsigned kept = 0;
    for (unsigned step = 0; step < 20000; step++) {
        if (count == cap) {
            cap *= 2;
            items = ac_realloc(items, cap * sizeof *items);
        }
        items[count++] = step;
        if (step % 900 == 0) { /* a parse buffer; every fourth is kept */
            void *buf = ac_malloc(4096);
            fill(buf, 4096, 1);
            if (step % 3600 == 0 && kept < 24)
                parse[kept++] = buf;
            else
                ac_free(buf);
        }
    }

#ifdef __wasm32__
    __builtin_wasm_memory_grow(0, 1); /* someone else takes a page */
#endif

    /* a picture, an aligned buffer, a cache of large blocks */
    unsigned char *picture = ac_malloc(300000);
    fill(picture, 300000, 7);
    void *dma = ac_aligned_alloc(65536, 100000);
    void *cache[8];
    for (unsigned i = 0; i < 8; i++) cache[i] = ac_malloc(20000 + 9000 * i);
    for (unsigned i = 0; i < 8; i += 2) ac_free(cache[i]);

    /* half the symbols go away: their nodes and strings become holes */
    for (unsigned i = 0; i < SYMBOLS; i += 2) {
        node **link = &table[nodes[i]->hash % BUCKETS];
        while (*link != nodes[i]) link = &(*link)->next;
        *link = nodes[i]->next;
        ac_free(nodes[i]->text);
        ac_free(nodes[i]);
    }
    (void)dma;
    (void)parse;
}

static void draw(void) {
    ac_heapmap_options opt = {"alloc_cat heap map: examples/heapmap.c", 960, 30};
    report_len = ac_stats_format(report, sizeof report);
    svg_len = ac_heapmap_svg(svg, sizeof svg, &opt);
}

#ifdef __wasm32__

__attribute__((export_name("heapmap_run"))) int heapmap_run(void);
__attribute__((export_name("heapmap_svg"))) const char *heapmap_svg(void);
__attribute__((export_name("heapmap_svg_len"))) size_t heapmap_svg_len(void);
__attribute__((export_name("heapmap_report"))) const char *heapmap_report(void);
__attribute__((export_name("heapmap_report_len"))) size_t heapmap_report_len(void);

/* 0 when both texts fit their buffers */
int heapmap_run(void) {
    work();
    draw();
    return svg_len < sizeof svg && report_len < sizeof report ? 0 : 1;
}
const char *heapmap_svg(void) { return svg; }
size_t heapmap_svg_len(void) { return svg_len; }
const char *heapmap_report(void) { return report; }
size_t heapmap_report_len(void) { return report_len; }

#else

#include <stdio.h>

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "build/heapmap.svg";
    work();
    draw();
    if (svg_len >= sizeof svg || report_len >= sizeof report) {
        fprintf(stderr, "heapmap: buffers too small (svg %zu, report %zu)\n", svg_len,
                report_len);
        return 1;
    }
    fputs(report, stdout);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(svg, 1, svg_len, f) != svg_len || fclose(f) != 0) {
        perror(path);
        return 1;
    }
    printf("heap map: %s (%zu bytes)\n", path, svg_len);
    return 0;
}

#endif
