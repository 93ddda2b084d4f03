/*
 * heapmap.h - draws the heap as an SVG picture, from ac_heap_walk.
 *
 * Not part of the allocator library: a tool compiled into the programs that
 * want it (examples/heapmap.c, the tests). It needs no libc and does not
 * allocate, so it works natively and in freestanding wasm32 alike: the SVG
 * text goes into the caller's buffer, and a host writes it to a file (for a
 * wasm program, node reads the buffer out of the instance's memory).
 *
 * The picture: one band per span (the heap's contiguous pieces of memory),
 * wrapped into rows of a fixed number of bytes, the same for every span so
 * that widths are proportional across the picture. Every walk entry is one
 * <path> element, in walk (address) order, whose class names its kind:
 *
 *   class="s"      the span (drawn first, under its blocks; what stays
 *                  visible is the fence that closes an earlier span: 4
 *                  bytes, 8 in checked builds)
 *   class="u"/"v"  a block in use (two shades, alternating, so that
 *                  neighbouring blocks stay apart)
 *   class="f"      a free block
 *   class="t"      the top: the unused tail of the last span
 *
 * A block that crosses the end of a row continues at the start of the next
 * row: its path has one rectangle ("M x y h w v 14 h -w z") per row. Each
 * path holds a <title> (a tooltip in browsers) with kind, address and size.
 * A legend, the totals and the row size head the picture.
 */
#ifndef AC_TOOLS_HEAPMAP_H
#define AC_TOOLS_HEAPMAP_H

#include <stddef.h>

typedef struct ac_heapmap_options {
    const char *title;  /* first line; NULL: "alloc_cat heap map" */
    unsigned width_px;  /* picture width; 0: 960 (at least 400, at most
                           65536) */
    unsigned max_rows;  /* rows wanted at most; 0: 32. The row size is the
                           smallest power of two from 1 KiB that keeps the
                           rows of all spans within this (or 4 GiB; on
                           wasm32 2 GiB, the largest power of two a size_t
                           holds: with max_rows 1, a heap over 2 GiB
                           takes 2 rows). */
} ac_heapmap_options;

/* Geometry shared with the tests. */
#define AC_HEAPMAP_LABEL_PX 110u /* left column: row addresses */
#define AC_HEAPMAP_MARGIN_PX 10u
#define AC_HEAPMAP_ROW_PX    14u

/**
 * Writes an SVG picture of the heap into buf, like snprintf: always
 * NUL-terminated when len > 0, truncated to fit (buf may be NULL when len
 * is 0), and returns the length of the full text without the NUL; call
 * again with a larger buffer if it did not fit. opt may be NULL (defaults).
 * Walks the heap twice (once to plan rows, once to draw) and takes the
 * heap's lock during each walk: call it while other threads leave the heap
 * alone, or the second walk may not match the plan (the picture is then
 * clipped, never malformed). A heap that ac_heap_check() finds damaged is
 * not walked: the picture then holds no blocks, only its counters and the
 * line ac_heap_damage_format() writes for the damage. Allocates nothing,
 * uses no libc. O(blocks).
 */
size_t ac_heapmap_svg(char *buf, size_t len, const ac_heapmap_options *opt);

/** The row size in bytes that ac_heapmap_svg would pick now (1024, the
 * smallest, for a damaged heap, which it does not walk). O(blocks). */
size_t ac_heapmap_row_bytes(const ac_heapmap_options *opt);

#endif
