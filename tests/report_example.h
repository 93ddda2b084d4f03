/*
 * report_example.h - the report of ac_stats_format() in the header's
 * example (malloc 100 and 200, free the 100, ac_stats_reset_trip, malloc
 * 50, on a heap of one 64 KiB page), as the build at hand writes it:
 * REPORT_EXAMPLE, without the audit tables. tests/test_stats.c checks it
 * from C, tests/cxx_header.cpp from C++.
 */
#ifndef REPORT_EXAMPLE_H
#define REPORT_EXAMPLE_H

#include "alloc_cat.h"

/* The lines that depend on the block layout (tests/test_heap.c derives
 * the same layout facts): standard 4-byte headers and 16-byte grains, or
 * 8-byte ones (AC_MALLOC_ALIGN_BYTES=8), or the checked build's 8 and 32. */
#if defined(AC_CHECKED) && AC_CHECKED
#define WANT_SPANS1 "  spans         1 span, 65512 bytes (64.0 KiB)\n"
#define WANT_USED1  "  used blocks   2 blocks, 288 bytes\n"
#define WANT_FREE1  "  free blocks   1 block, 64 bytes, largest 64 bytes\n"
#define WANT_TOP1   "  top           65160 bytes (63.6 KiB)\n"
#define WANT_SPANS2 "  spans         1 span, 262120 bytes (256.0 KiB)\n"
#define WANT_TOP2   "  top           262120 bytes (256.0 KiB)\n"
#elif AC_MALLOC_ALIGN == 8
#define WANT_SPANS1 "  spans         1 span, 65532 bytes (64.0 KiB)\n"
#define WANT_USED1  "  used blocks   2 blocks, 264 bytes\n"
#define WANT_FREE1  "  free blocks   1 block, 48 bytes, largest 48 bytes\n"
#define WANT_TOP1   "  top           65220 bytes (63.7 KiB)\n"
#define WANT_SPANS2 "  spans         1 span, 262140 bytes (256.0 KiB)\n"
#define WANT_TOP2   "  top           262140 bytes (256.0 KiB)\n"
#else
#define WANT_SPANS1 "  spans         1 span, 65524 bytes (64.0 KiB)\n"
#define WANT_USED1  "  used blocks   2 blocks, 272 bytes\n"
#define WANT_FREE1  "  free blocks   1 block, 48 bytes, largest 48 bytes\n"
#define WANT_TOP1   "  top           65204 bytes (63.7 KiB)\n"
#define WANT_SPANS2 "  spans         1 span, 262132 bytes (256.0 KiB)\n"
#define WANT_TOP2   "  top           262132 bytes (256.0 KiB)\n"
#endif

#define REPORT_EXAMPLE                                                                             \
    "alloc_cat heap\n"                                                                             \
    "  in use        250 bytes in 2 blocks\n"                                                      \
    "  peak          300 bytes\n"                                                                  \
    "  trip peak     250 bytes\n"                                                                  \
    "  calls         3 allocs, 1 free\n"                                                           \
    "  backend       65536 bytes (64.0 KiB), 1 page\n"                                             \
    "  efficiency    0.4% (in use / backend)\n" WANT_SPANS1 WANT_USED1 WANT_FREE1 WANT_TOP1        \
    "  large blocks  0 used, 0 free (32768 bytes and more)\n"

#endif
