/*
 * checked_tools_double_free.c - a regression test: in a checked build
 * (AC_CHECKED) that ASan or valgrind watches, a double free of a block
 * whose memory merged with the top or with a free neighbour (memory the
 * engine marks inaccessible) must be reported like any other, without the
 * tool seeing alloc_cat read that memory. (Found by this test and by the
 * checked fuzzer built with ASan; fixed in 4175ee3. Before: ASan stopped
 * with "use-after-poison" in ac__heap_block_error, memcheck reported
 * "Invalid read" there.) Built with ASan, and without for valgrind.
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
