/*
 * checked_usable_size.c - reproducer (fails today): in a checked build
 * (AC_CHECKED), ac_malloc_usable_size() counts the bytes where the canary
 * lies. A program that uses the bytes it was told are usable (as the
 * contract allows: "Bytes usable at ptr") is then reported for a write
 * past the end when it frees the block. E.g. malloc(10): usable size 20,
 * canary at bytes 10..13. Either usable size should end at the canary
 * (requested bytes) or the canary should sit after the usable bytes.
 * Expected: no report.
 *
 *   make repro
 */
#include <stdio.h>
#include <string.h>

#include "alloc_cat.h"

static unsigned reports;

static void record(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)kind, (void)ptr, (void)ctx;
    reports++;
    printf("reported: %s\n", message);
}

int main(void) {
    ac_set_error_hook(record, NULL);
    size_t sizes[] = {0, 1, 10, 20, 100, 1000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *p = ac_malloc(sizes[i]);
        size_t usable = ac_malloc_usable_size(p);
        memset(p, 'x', usable);
        ac_free(p);
        printf("malloc(%zu): usable %zu bytes, written, freed\n", sizes[i], usable);
    }
    bool ok = reports == 0;
    printf("%u reports\n%d passed, %d failed\n", reports, ok, !ok);
    return ok ? 0 : 1;
}
