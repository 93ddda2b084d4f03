/*
 * stats.c - the demo's alloc_cat report, for the builds that use alloc_cat:
 * ac_stats_get() while the word tables are live and again at exit, formatted
 * here by the demo itself.
 */
#include "alloc_cat.h"
#include "wordfreq.h"

static ac_stats_t live;

void wf_ac_snapshot(void) {
    ac_stats_get(&live);
    /* METRICS ISSUE: when ac_heap_walk exists (the metrics issue), write the
     * SVG heap map here - the moment every table is live - to
     * build/demo/heap.svg (main_hosted.c/main_free.c: hand it to the host). */
}

static void row(wf_out *o, const char *name, uint64_t a, uint64_t b) {
    wf_out_str(o, name);
    wf_out_udec(o, a, 14);
    wf_out_udec(o, b, 14);
    wf_out_str(o, "\n");
}

void wf_ac_report(wf_out *o) {
    ac_stats_t end;
    ac_stats_get(&end);
    wf_out_str(o, "alloc_cat " AC_VERSION_STRING " stats (ac_stats_get)   tables live       at exit\n");
    row(o, "  bytes in use              ", live.in_use_bytes, end.in_use_bytes);
    row(o, "  live blocks               ", live.live_blocks, end.live_blocks);
    row(o, "  allocations               ", live.allocs, end.allocs);
    row(o, "  frees                     ", live.frees, end.frees);
    row(o, "  peak bytes in use         ", live.peak_bytes, end.peak_bytes);
    row(o, "  heap bytes from backend   ", live.heap_bytes, end.heap_bytes);
    row(o, "  heap pages (64 KiB)       ", live.heap_pages, end.heap_pages);
    if (end.heap_bytes) {
        uint64_t permille = (uint64_t)end.peak_bytes * 1000u / end.heap_bytes;
        wf_out_str(o, "  peak in use / heap bytes: ");
        wf_out_udec(o, permille / 10, 0);
        wf_out_str(o, ".");
        wf_out_udec(o, permille % 10, 0);
        wf_out_str(o, " %\n");
    }
}
