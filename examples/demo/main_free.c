/*
 * main_free.c - the demo program in a wasm32 module without any C library:
 * alloc_cat is the only allocator (its standard names are malloc and free).
 * JavaScript (examples/demo/demo.mjs) calls wf_input(len) for a buffer,
 * copies the text into it and calls wf_main(buf, len, heapmap); the report
 * comes back through the imported env.wf_write(fd, ptr, len): fd 1 the
 * report; builds with WF_ALLOC_CAT add fd 2, alloc_cat's report, and fd 3,
 * the SVG heap map when heapmap is not 0 (with WF_HEAPMAP).
 */
#include "wordfreq.h"

__attribute__((import_module("env"), import_name("wf_write"))) void wf_write(int fd, const char *p,
                                                                             size_t len);

__attribute__((export_name("wf_input"))) char *wf_input(size_t len);
__attribute__((export_name("wf_main"))) int wf_main(char *text, size_t len, int heapmap);

char *wf_input(size_t len) { return malloc(len ? len : 1); }

#ifdef WF_ALLOC_CAT
static void write_heapmap(const char *svg, size_t len) { wf_write(3, svg, len); }
#endif

int wf_main(char *text, size_t len, int heapmap) {
    wf_out out = {0};
#ifdef WF_ALLOC_CAT
    wf_ac_heapmap_sink = heapmap ? write_heapmap : NULL;
    int rc = wf_analyze(text, len, &out, wf_ac_snapshot);
#else
    (void)heapmap;
    int rc = wf_analyze(text, len, &out, NULL);
#endif
    free(text);
    if (out.failed) rc = 1;
    wf_write(1, out.buf, out.len);
    wf_out_free(&out);
#ifdef WF_ALLOC_CAT
    wf_out stats = {0};
    wf_ac_report(&stats);
    wf_write(2, stats.buf, stats.len);
    wf_out_free(&stats);
#endif
    return rc;
}
