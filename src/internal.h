/*
 * internal.h - what alloc_cat's source files share, and nothing more.
 * Names here start with `ac__` (two underscores): they are not part of the
 * public contract and may change at any time.
 */
#ifndef ALLOC_CAT_INTERNAL_H
#define ALLOC_CAT_INTERNAL_H

#include "alloc_cat.h"

/* ---- assertions -------------------------------------------------------- */
/* Cheap checks that must never fail in a correct program. They trap (wasm:
 * `unreachable`) rather than print: the core has no libc. */
#define AC_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) __builtin_trap();                                                             \
    } while (0)

/* ---- a bounded text writer (no libc) ------------------------------------ */
/* Appends to buf[0..len) and counts the full length even when truncated, so
 * callers can report the size they would have needed, like snprintf. */
typedef struct ac__writer {
    char *buf;
    size_t len;
    size_t pos; /* characters the full text has so far */
} ac__writer;

void ac__w_init(ac__writer *w, char *buf, size_t len);
void ac__w_str(ac__writer *w, const char *s);
void ac__w_udec(ac__writer *w, uint64_t v);
void ac__w_hex(ac__writer *w, uint64_t v); /* "0x" followed by lowercase hex */
/* NUL-terminates (truncating if needed) and returns the full length. */
size_t ac__w_finish(ac__writer *w);

#endif
