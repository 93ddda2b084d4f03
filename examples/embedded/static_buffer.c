/*
 * static_buffer.c - alloc_cat with no backend at all, embedded style: the
 * malloc heap lives in a static array (ac_heap_init_static) and a region
 * allocator in another (ac_region_*). Nothing ever asks the system (or the
 * wasm memory) for more.
 *
 * Built natively and as a freestanding wasm32 module (the same file):
 *   gcc -O2 -Iinclude examples/embedded/static_buffer.c build/native/liballoc_cat.a -lpthread
 *   clang --target=wasm32 -mbulk-memory -nostdlib -O2 -Iinclude -Wl,--no-entry \
 *       examples/embedded/static_buffer.c build/wasm32/liballoc_cat.a -o static_buffer.wasm
 *   node examples/embedded/static_buffer.mjs static_buffer.wasm
 *
 * Ends with "N passed, N failed".
 */
#include "alloc_cat.h"

/* ---- output: stdio natively, an imported function on wasm32 ---------------- */
#ifdef __wasm32__
__attribute__((import_module("env"), import_name("print"))) void host_print(const char *s,
                                                                            size_t len);
static void print(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    host_print(s, n);
}
#else
#include <stdio.h>
static void print(const char *s) { fputs(s, stdout); }
#endif

static void print_num(size_t v) {
    char tmp[24];
    size_t i = sizeof tmp - 1;
    tmp[i] = '\0';
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    print(tmp + i);
}

static int passed, failed;
static void check(bool ok, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        print("FAIL ");
        print(what);
        print("\n");
    }
}

#define HEAP_BYTES   (64u * 1024u)
#define REGION_BYTES (16u * 1024u)
static _Alignas(16) unsigned char heap_buf[HEAP_BYTES];
static _Alignas(16) unsigned char region_buf[REGION_BYTES];
static void *blocks[HEAP_BYTES / 64];

static bool inside(const void *p, size_t bytes) {
    const unsigned char *c = p;
    return c >= heap_buf && c + bytes <= heap_buf + HEAP_BYTES;
}

static void heap_example(void) {
    check(ac_heap_init_static(heap_buf, sizeof heap_buf), "ac_heap_init_static");

    /* fill the buffer with 100-byte blocks (112 bytes each with the header) */
    size_t n = 0;
    bool all_inside = true;
    while (n < sizeof blocks / sizeof *blocks && (blocks[n] = ac_malloc(100)) != NULL) {
        all_inside &= inside(blocks[n], 100);
        n++;
    }
    print("  64 KiB static heap: ");
    print_num(n);
    print(" blocks of 100 bytes before the first NULL\n");
    check(n >= HEAP_BYTES / 112 - 2 && n <= HEAP_BYTES / 112, "the buffer holds 583..585 blocks");
    check(all_inside, "every block lies inside the buffer");
    check(ac_malloc(100) == NULL, "a full static heap keeps returning NULL");

    /* free every other block: 64-byte requests reuse the holes */
    for (size_t i = 0; i < n; i += 2) ac_free(blocks[i]);
    bool reused = true;
    for (size_t i = 0; i < n; i += 2) {
        blocks[i] = ac_malloc(50);
        reused &= blocks[i] != NULL && inside(blocks[i], 50);
    }
    check(reused, "freed holes are reused");

    ac_stats_t s;
    ac_stats_get(&s);
    check(s.live_blocks == n && s.heap_bytes == HEAP_BYTES, "stats: n blocks over a 64 KiB heap");
    check(!ac_heap_init_static(heap_buf, sizeof heap_buf), "no re-init while blocks are live");

    /* freed blocks merge: the whole buffer is one block again */
    for (size_t i = 0; i < n; i++) ac_free(blocks[i]);
    void *big = ac_malloc(HEAP_BYTES - 256);
    check(big != NULL && inside(big, HEAP_BYTES - 256), "everything merged back: 63.75 KiB fits");
    check(ac_malloc(HEAP_BYTES) == NULL, "more than the buffer: NULL");
    ac_free(big);
    ac_stats_get(&s);
    check(s.live_blocks == 0 && s.in_use_bytes == 0, "nothing live at the end");
}

static void region_example(void) {
    ac_region *r = ac_region_init(region_buf, region_buf + sizeof region_buf);
    check(r != NULL, "ac_region_init");
    uint32_t *a = ac_region_alloc(r, 10, 0); /* 40 bytes */
    uint32_t *b = ac_region_alloc(r, 4, 6);  /* 16 bytes, 64-byte aligned */
    uint32_t *c = ac_region_alloc(r, 100, 0);
    check(a && b && c && (uintptr_t)b % 64 == 0, "region blocks, one 64-byte aligned");
    ac_region_free(r, a, 10);
    check(ac_region_free(r, a, 10) == false, "a double free is refused");
    ac_region_free(r, c, 100);
    ac_region_free(r, b, 4);
    char line[256];
    ac_region_format(r, line, sizeof line);
    print("  region: ");
    print(line);
    print("\n");
    ac_region_stats_t st = ac_region_stats(r);
    check(ac_region_check(r) && st.allocated_words == 0 && st.fragments == 0,
          "all freed: the region is empty again");
}

#ifdef __wasm32__
__attribute__((export_name("run"))) int run(void);
int run(void) {
    size_t pages = __builtin_wasm_memory_size(0);
    heap_example();
    region_example();
    check(__builtin_wasm_memory_size(0) == pages, "the wasm memory never grew");
#else
int main(void) {
    heap_example();
    region_example();
#endif
    print_num((size_t)passed);
    print(" passed, ");
    print_num((size_t)failed);
    print(" failed\n");
    return failed != 0;
}
