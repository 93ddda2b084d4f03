/*
 * region_demo.c - the region allocator over a static buffer: no backend, no
 * libc inside alloc_cat. Allocates a few blocks, frees some, and prints the
 * region's one-line description and stats after each step.
 */
#include <stdio.h>

#include "alloc_cat.h"

static _Alignas(16) unsigned char arena[4096];

static void show(const ac_region *r, const char *step) {
    char line[256];
    ac_region_format(r, line, sizeof line);
    ac_region_stats_t s = ac_region_stats(r);
    printf("%-28s %s\n", step, line);
    printf("%-28s allocated=%zu fragments=%zu/%zu words check=%s\n", "", s.allocated_words,
           s.fragments, s.fragment_words, ac_region_check(r) ? "ok" : "BROKEN");
}

int main(void) {
    ac_region *r = ac_region_init(arena, arena + sizeof arena);
    show(r, "fresh region:");

    void *a = ac_region_alloc(r, 3, 0);  /* 12 bytes */
    void *b = ac_region_alloc(r, 5, 0);  /* 20 bytes */
    void *c = ac_region_alloc(r, 2, 5);  /* 8 bytes, 32-byte aligned */
    show(r, "a(3) b(5) c(2, align 32):");

    ac_region_free(r, a, 3);
    show(r, "free a:");
    ac_region_free(r, b, 5);
    show(r, "free b (merges with a):");
    ac_region_free(r, c, 2);
    show(r, "free c (back to bump):");
    return ac_region_check(r) ? 0 : 1;
}
