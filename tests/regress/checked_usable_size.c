/*
 * checked_usable_size.c - a regression test: in a checked build
 * (AC_CHECKED), the bytes ac_malloc_usable_size() reports are the caller's
 * to write, so writing all of them must not be reported as a write past the
 * end. (Found by this test; before 4175ee3 the usable size covered the
 * canary: malloc(10) had 20 usable bytes, the canary at bytes 10..13.)
 */
#include <stdio.h>
#include <string.h>

#include "record_hook.h"

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
