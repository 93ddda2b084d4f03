/*
 * checked_valgrind_resize.c - reproducer of an open bug (fails today): in a
 * checked build (AC_CHECKED) under valgrind's memcheck, freeing a block
 * that realloc shrank in place makes memcheck report "Invalid read of size
 * 4" in canary_intact(): ac__heap_resize_in_place() writes the canary, then
 * VALGRIND_RESIZEINPLACE_BLOCK marks the bytes past the new size (the
 * canary among them) inaccessible, and the check on free reads them.
 * The whole checked suite shows it too (make repro runs it under memcheck).
 * Expected: no memcheck error, no report.
 *
 *   make repro
 */
#include <stdio.h>

#include "alloc_cat.h"

static unsigned reports;

static void record(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)kind, (void)ptr, (void)ctx;
    reports++;
    printf("reported: %s\n", message);
}

int main(void) {
    ac_set_error_hook(record, NULL);
    char *before = ac_malloc(8);
    char *p = ac_malloc(100), *after = ac_malloc(8);
    p = ac_realloc(p, 50); /* shrinks in place */
    ac_free(p);            /* memcheck: invalid read of the canary */
    ac_free(after);
    ac_free(before);
    bool ok = reports == 0;
    printf("%u reports (memcheck's verdict is the exit status)\n%d passed, %d failed\n", reports,
           ok, !ok);
    return ok ? 0 : 1;
}
