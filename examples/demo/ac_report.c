/*
 * ac_report.c - what the demo's alloc_cat builds add: alloc_cat's own
 * report (ac_stats_format) taken while the word tables are live, the
 * counters at exit (ac_stats_get), and on request the SVG heap map of that
 * same moment (builds with WF_HEAPMAP, linked with tools/heapmap.c).
 */
#include "alloc_cat.h"
#include "wordfreq.h"
#ifdef WF_HEAPMAP
#include "heapmap.h"
#endif

void (*wf_ac_heapmap_sink)(const char *svg, size_t len);

/* Static: the report must not allocate from the heap it describes. */
static char report[4096];
static size_t report_len;

#ifdef WF_HEAPMAP
/* The heap map needs memory outside the heap it draws (an allocation would
 * be part of the picture): the wasm memory is grown for it directly, and
 * the heap starts a new span if it grows later. Only the run that asks for
 * the map does this, not the measured ones. */
static char *scratch(size_t bytes) {
    size_t pages = (bytes + 65535) / 65536;
    size_t old = __builtin_wasm_memory_grow(0, pages);
    return old == (size_t)-1 ? NULL : (char *)(old * 65536);
}
#endif

void wf_ac_snapshot(void) {
    report_len = ac_stats_format(report, sizeof report);
    if (report_len >= sizeof report) report_len = sizeof report - 1;
#ifdef WF_HEAPMAP
    if (wf_ac_heapmap_sink) {
        ac_heapmap_options opt = {"wordfreq (examples/demo) while its tables are live", 960, 96};
        size_t len = ac_heapmap_svg(NULL, 0, &opt);
        char *svg = scratch(len + 1);
        if (svg) {
            len = ac_heapmap_svg(svg, len + 1, &opt);
            wf_ac_heapmap_sink(svg, len);
        }
    }
#endif
}

void wf_ac_report(wf_out *o) {
    ac_stats_t end; /* first: o's own buffer is not live yet */
    ac_stats_get(&end);
    wf_out_str(o, "alloc_cat's report (ac_stats_format) while the word tables are live:\n");
    wf_out_mem(o, report, report_len);
    wf_out_str(o, "at exit: ");
    wf_out_udec(o, end.live_blocks, 0);
    wf_out_str(o, " live blocks, ");
    wf_out_udec(o, end.in_use_bytes, 0);
    wf_out_str(o, " bytes in use; ");
    wf_out_udec(o, end.allocs, 0);
    wf_out_str(o, " allocs, ");
    wf_out_udec(o, end.frees, 0);
    wf_out_str(o, " frees\n");
}
