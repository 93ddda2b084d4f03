/*
 * wordfreq.h - the demo program's core: a word-frequency counter with hash
 * tables, growing strings and growing arrays. It uses only malloc, calloc,
 * realloc and free from the C library, so the same code runs with any
 * malloc: alloc_cat, wasi-libc's dlmalloc, glibc's, and freestanding (no libc
 * at all, alloc_cat alone).
 *
 * main_hosted.c drives it with stdio (WASI and native); main_free.c drives it
 * from JavaScript in a wasm32 module without libc.
 */
#ifndef WORDFREQ_H
#define WORDFREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <stdlib.h>
#else
/* No C library (main_free.c): alloc_cat defines these standard names. */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
#endif

/* A growing text buffer (the report is built in one). */
typedef struct wf_out {
    char *buf;
    size_t len, cap;
    bool failed; /* set when memory ran out; later appends are dropped */
} wf_out;

void wf_out_mem(wf_out *o, const char *s, size_t n);
void wf_out_str(wf_out *o, const char *s);
/* `v` in decimal, right-aligned in `width` columns (0: no padding). */
void wf_out_udec(wf_out *o, uint64_t v, unsigned width);
/* `v` as 0x and 8 lowercase hex digits. */
void wf_out_hex32(wf_out *o, uint32_t v);
void wf_out_free(wf_out *o);

/*
 * Counts the words of text[0..len) and appends the report to `out`.
 * Returns 0, or 1 when memory ran out (the report then says so). Everything
 * it allocates is freed before it returns. `before_cleanup`, if not NULL,
 * is called once while every table is still live (the alloc_cat builds take
 * a stats snapshot there).
 */
int wf_analyze(const char *text, size_t len, wf_out *out, void (*before_cleanup)(void));

#ifdef WF_ALLOC_CAT
/* alloc_cat builds (ac_report.c): the before_cleanup hook, which takes
 * alloc_cat's report and, when wf_ac_heapmap_sink is set (builds with
 * WF_HEAPMAP), draws the SVG heap map and hands it to the sink; and the
 * report itself with the counters at exit. */
extern void (*wf_ac_heapmap_sink)(const char *svg, size_t len);
void wf_ac_snapshot(void);
void wf_ac_report(wf_out *o);
#endif

#endif
