/*
 * checked_valgrind_resize.c - a regression test: in a checked build
 * (AC_CHECKED) under valgrind's memcheck, freeing a block that realloc
 * shrank in place must not make memcheck report alloc_cat reading the
 * canary. (Found by running the checked suite under memcheck; fixed in
 * 6201ed5. Before: the resize annotation marked the canary inaccessible
 * after it was written, and canary_intact() read it on free.)
 */
#include <stdio.h>

#include "record_hook.h"

int main(void) {
    ac_set_error_hook(record, NULL);
    char *before = ac_malloc(8);
    char *p = ac_malloc(100), *after = ac_malloc(8);
    p = ac_realloc(p, 50); /* shrinks in place */
    ac_free(p);            /* reads the canary */
    ac_free(after);
    ac_free(before);
    bool ok = reports == 0;
    printf("%u reports (memcheck's verdict is the exit status)\n%d passed, %d failed\n", reports,
           ok, !ok);
    return ok ? 0 : 1;
}
