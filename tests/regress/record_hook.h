/*
 * record_hook.h - the error hook two regression programs share
 * (checked_usable_size.c, checked_valgrind_resize.c): it counts every
 * report in `reports` and prints its message, instead of trapping.
 */
#ifndef AC_RECORD_HOOK_H
#define AC_RECORD_HOOK_H

#include <stdio.h>

#include "alloc_cat.h"

static unsigned reports;

static void record(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)kind, (void)ptr, (void)ctx;
    reports++;
    printf("reported: %s\n", message);
}

#endif
