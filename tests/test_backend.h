/*
 * test_backend.h - a heap backend for tests of what the heap reports: a
 * static arena handed out page by page, with a page limit and gaps (memory
 * someone else took, so that the heap starts a new span). Backend bytes are
 * then exact.
 */
#ifndef AC_TEST_BACKEND_H
#define AC_TEST_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define T_PAGE        ((size_t)65536)
#define T_ARENA_PAGES 48

/* The arena's first byte (64 KiB aligned). */
unsigned char *t_arena(void);

/* A fresh heap whose first `initial_pages` pages are there at once; it may
 * grow to `limit_pages` pages, gaps included. */
void t_heap_fresh(size_t initial_pages, size_t limit_pages);

/* The next growth skips this many pages first. */
void t_heap_gap(size_t pages);

/* Writes `bad` over the header of the block in use at payload b and keeps
 * what it held in *good; true when ac_heap_check_where() then names that
 * header (AC_DAMAGE_HEADER, holding bad, block b), as for an overrun of
 * the block before. The caller puts *good back with t_header_restore()
 * (assert what needs the damage in a function of its own, so that a
 * failed assertion cannot skip the restore); when false, the header is
 * put back here. */
bool t_header_damaged(char *b, uint32_t bad, uint32_t *good);
void t_header_restore(char *b, uint32_t good);

#endif
