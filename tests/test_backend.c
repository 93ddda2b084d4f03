/*
 * test_backend.c - see test_backend.h.
 */
#include "test_backend.h"

#include "arena_grant.h"

static _Alignas(65536) unsigned char arena[T_ARENA_PAGES * 65536];

typedef struct test_backend {
    ac__backend b;
    size_t limit_pages, used_pages, gap_pages;
} test_backend;

static test_backend tb;

static char *grow(ac__backend *self, size_t pages) {
    test_backend *t = (test_backend *)self;
    char *m = arena_grant(&t->b, arena, &t->used_pages, t->limit_pages, t->gap_pages, pages);
    if (m) t->gap_pages = 0;
    return m;
}

unsigned char *t_arena(void) { return arena; }

void t_heap_fresh(size_t initial_pages, size_t limit_pages) {
    tb = (test_backend){{grow, (char *)arena, (char *)arena + initial_pages * T_PAGE},
                        limit_pages, initial_pages, 0};
    ac__heap_reset_locked(&tb.b);
}

void t_heap_gap(size_t pages) { tb.gap_pages = pages; }

bool t_header_damaged(char *b, uint32_t bad, uint32_t *good) {
    uint32_t *header = (uint32_t *)(void *)(b - AC__HDR_BYTES);
    *good = *header;
    *header = bad;
    ac_heap_damage_t d;
    bool named = !ac_heap_check_where(&d) && d.kind == AC_DAMAGE_HEADER &&
                 d.addr == (uintptr_t)header && d.readable && d.found == bad &&
                 d.block == (uintptr_t)b;
    if (!named) *header = *good; /* the caller's assertion fails: the next test's heap is sound */
    return named;
}

void t_header_restore(char *b, uint32_t good) { *(uint32_t *)(void *)(b - AC__HDR_BYTES) = good; }
