/*
 * cxx_header.cpp - alloc_cat.h from C++: the header compiles with a C++
 * compiler's strict warnings (tools/test_cxx.sh builds this file with g++
 * and clang at several standards, -Wold-style-cast and
 * -Wzero-as-null-pointer-constant among them) and the library links and
 * runs from C++ code, with the same results as from C.
 *
 * The heap is a static buffer of one 64 KiB page: the report of
 * ac_stats_format() must then be the example in the header, word for word.
 * Uses no C++ library (only the C library's stdio and string), so it links
 * with the C compiler's driver too. Ends with "N passed, N failed".
 */
#include "alloc_cat.h"
#include "report_example.h"

#include <stdio.h>
#include <string.h>

static int passed, failed;

static void check(bool ok, const char *what, int line) {
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL line %d: %s\n", line, what);
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

static bool aligned_to(const void *p, size_t align) {
    return reinterpret_cast<uintptr_t>(p) % align == 0;
}

alignas(65536) static unsigned char page[65536];
alignas(64) static uint32_t words[256];

// a walk's callback: a function with C++ linkage passed as ac_walk_fn
struct walked {
    size_t used, requested, spans, top_bytes;
};
static bool count(const ac_walk_entry *e, void *ctx) {
    walked *w = static_cast<walked *>(ctx);
    if (e->kind == AC_WALK_USED) {
        w->used++;
        w->requested += e->requested;
    }
    if (e->kind == AC_WALK_SPAN) w->spans++;
    if (e->kind == AC_WALK_TOP) w->top_bytes = e->bytes;
    return true;
}

// The header's example of ac_stats_format(): malloc 100 and 200, free the
// 100, ac_stats_reset_trip, malloc 50, on a heap of one 64 KiB page.
static void report(void) {
    void *a = ac_malloc(100), *b = ac_malloc(200);
    CHECK(a != nullptr && b != nullptr && aligned_to(a, AC_MALLOC_ALIGN));
    ac_free(a);
    ac_stats_reset_trip();
    void *c = ac_malloc(50);
    CHECK(c != nullptr);
    static const char expected[] = REPORT_EXAMPLE;
    char text[1024];
    size_t n = ac_stats_format(text, sizeof text);
    CHECK(n == sizeof expected - 1 && strcmp(text, expected) == 0);
    if (strcmp(text, expected) != 0) printf("the report:\n%s", text);

    walked w = {0, 0, 0, 0};
    CHECK(ac_heap_walk(count, &w) == 5); // the span, 2 blocks in use, 1 free, the top
    CHECK(w.used == 2 && w.requested == 250 && w.spans == 1 && w.top_bytes == 65204);
    ac_heap_info_t h;
    ac_heap_info(&h);
    CHECK(h.spans == 1 && h.used_blocks == 2 && h.free_blocks == 1 && h.largest_free_bytes == 48);
    ac_free(b);
    ac_free(c);
}

// The malloc family, the layout API and the checks.
static void calls(void) {
    ac_stats_t s0;
    ac_stats_get(&s0);
    char *p = static_cast<char *>(ac_calloc(10, 10));
    bool zero = p != nullptr;
    for (int i = 0; zero && i < 100; i++)
        zero = p[i] == 0;
    CHECK(zero && ac_malloc_usable_size(p) >= 100);
    p = static_cast<char *>(ac_realloc(p, 300));
    ac_stats_t s1;
    ac_stats_get(&s1);
    CHECK(p != nullptr && s1.in_use_bytes == s0.in_use_bytes + 300 &&
          s1.live_blocks == s0.live_blocks + 1);
    void *a = ac_aligned_alloc(256, 512);
    CHECK(a != nullptr && aligned_to(a, 256));
    void *m = nullptr;
    CHECK(ac_posix_memalign(&m, 3 * sizeof(void *), 8) == AC_EINVAL && m == nullptr);
    CHECK(ac_posix_memalign(&m, 64, 8) == 0 && aligned_to(m, 64));
    CHECK(ac_malloc(AC_MAX_REQUEST_BYTES + 1) == nullptr);
    void *l = ac_alloc(24, 64);
    CHECK(l != nullptr && aligned_to(l, 64));
    l = ac_resize(l, 24, 64, 4000);
    CHECK(l != nullptr && aligned_to(l, 64));
    CHECK(ac_heap_check() && ac_heap_check_freed());
    ac_heap_damage_t d;
    CHECK(ac_heap_check_where(&d));
    ac_dealloc(l, 4000, 64);
    ac_free_aligned_sized(a, 256, 512);
    ac_free_sized(p, 300);
    ac_free(m);
    ac_free(nullptr);
    ac_stats_get(&s1);
    CHECK(s1.in_use_bytes == s0.in_use_bytes && s1.live_blocks == s0.live_blocks);
}

// The region allocator over the program's array.
static void region(void) {
    CHECK(AC_REGION_MAX_SPAN_BYTES == 2097152u && AC_REGION_MAX_BLOCK_BYTES == 32764u);
    ac_region *r = ac_region_init(words, words + 256);
    CHECK(r != nullptr && ac_region_check(r));
    void *b = ac_region_alloc(r, 10, 4);
    CHECK(b != nullptr && aligned_to(b, 16));
    CHECK(b == ac_region_begin(r)); // the first word after the header, 16-aligned here
    ac_region_stats_t s = ac_region_stats(r);
    CHECK(s.regions == 1 && s.total_words == (sizeof words - sizeof(ac_region)) / 4 &&
          s.allocated_words == 10 && s.fragments == 0 && ac_region_check(r));
    CHECK(ac_region_free(r, b, 10) && !ac_region_free(r, b, 10));
    CHECK(ac_region_bump(r) == ac_region_begin(r) && ac_region_next(r) == nullptr);
}

int main() {
    CHECK(ac_heap_init_static(page, sizeof page));
    report();
    calls();
    region();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
