/*
 * checked_asan_double_free.c - reproducer (fails today): in a checked build
 * (AC_CHECKED) that ASan or valgrind watches, a double free of a block
 * whose memory merged with the top or with a free neighbour is not
 * reported: ac__heap_block_error() reads the freed block's magic word,
 * which the engine has marked inaccessible (mem_noaccess), so ASan aborts
 * with "use-after-poison" inside alloc_cat and memcheck reports "Invalid
 * read" inside alloc_cat, before the report. The same double free is
 * reported fine without the tools (test_checked.c double_free_after_merging)
 * and when the block went onto a free list by itself (its header stays
 * readable). Expected: the reports below, and no error from the tool.
 *
 *   make repro   (builds it with ASan, and without for valgrind)
 */
#include <stdio.h>

#include "alloc_cat.h"

static unsigned reports;

static void record(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)ptr, (void)ctx;
    reports += kind == AC_ERROR_DOUBLE_FREE;
    printf("reported: %s\n", message);
}

int main(void) {
    ac_set_error_hook(record, NULL);
    char *a = ac_malloc(20), *b = ac_malloc(20), *c = ac_malloc(20);
    ac_free(c); /* merges into the top */
    ac_free(c);
    ac_free(a);
    ac_free(b); /* merges with a and the top */
    ac_free(b);
    bool ok = reports == 2;
    printf("%u of 2 double frees reported\n%d passed, %d failed\n", reports, ok, !ok);
    return ok ? 0 : 1;
}
