/*
 * valgrind_usable_after_shrink.c - regression test of a fixed bug:
 * under valgrind's memcheck, after realloc shrinks a block in place, the
 * bytes between the new size and ac_malloc_usable_size() are the caller's
 * (the contract: "Bytes usable at ptr"), yet memcheck reports writing them
 * as an invalid write: VALGRIND_RESIZEINPLACE_BLOCK marks everything past
 * the new size inaccessible, and nothing marks the usable tail accessible
 * again. (A fresh block's tail is fine: it is made accessible before
 * VALGRIND_MALLOCLIKE_BLOCK.) ASan agrees with the contract here. Found by
 * replaying the fuzz corpus under memcheck (the fuzzer writes usable tails).
 * Expected: no memcheck error. Fixed: the resize marks the usable tail
 * accessible again. Run by make test.
 */
#include <stdio.h>
#include <string.h>

#include "alloc_cat.h"

int main(void) {
    char *before = ac_malloc(8);
    char *p = ac_malloc(100), *after = ac_malloc(8);
    char *q = ac_realloc(p, 31); /* shrinks in place */
    size_t usable = ac_malloc_usable_size(q);
    memset(q, 'x', usable); /* memcheck: invalid write past byte 31 */
    printf("realloc(100 -> 31) %s, usable %zu bytes, written\n", q == p ? "in place" : "moved",
           usable);
    ac_free(q);
    ac_free(after);
    ac_free(before);
    printf("1 passed, 0 failed (memcheck's verdict is the exit status)\n");
    return 0;
}
