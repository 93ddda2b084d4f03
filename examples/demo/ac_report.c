/*
 * ac_report.c - the demo's alloc_cat report, for the builds that use
 * alloc_cat: ac_stats_get() and ac_heap_info() while the word tables are
 * live, ac_stats_get() again at exit, formatted here by the demo itself.
 */
#include "alloc_cat.h"
#include "wordfreq.h"

static ac_stats_t live;
static ac_heap_info_t layout;

void wf_ac_snapshot(void) {
    ac_stats_get(&live);
    ac_heap_info(&layout);
    /* METRICS ISSUE: the SVG heap map goes here - the moment every table is
     * live - once the metrics issue provides its writer (ac_heap_walk, which
     * it would draw from, exists); then name its file in demo.sh. */
}

static void row(wf_out *o, const char *name, uint64_t a, uint64_t b) {
    wf_out_str(o, name);
    wf_out_udec(o, a, 14);
    wf_out_udec(o, b, 14);
    wf_out_str(o, "\n");
}

static void percent(wf_out *o, uint64_t part, uint64_t whole) {
    uint64_t permille = whole ? part * 1000u / whole : 0;
    wf_out_udec(o, permille / 10, 0);
    wf_out_str(o, ".");
    wf_out_udec(o, permille % 10, 0);
    wf_out_str(o, " %");
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
    wf_out_str(o, "  peak in use / heap bytes: ");
    percent(o, end.peak_bytes, end.heap_bytes);
    wf_out_str(o, "\nheap layout while the tables are live (ac_heap_info)\n  ");
    wf_out_udec(o, layout.used_blocks, 0);
    wf_out_str(o, " blocks in use: ");
    wf_out_udec(o, layout.used_bytes, 0);
    wf_out_str(o, " bytes with headers and rounding (");
    percent(o, live.in_use_bytes, layout.used_bytes);
    wf_out_str(o, " asked for)\n  ");
    wf_out_udec(o, layout.free_blocks, 0);
    wf_out_str(o, " free blocks: ");
    wf_out_udec(o, layout.free_bytes, 0);
    wf_out_str(o, " bytes, the largest ");
    wf_out_udec(o, layout.largest_free_bytes, 0);
    wf_out_str(o, "; top of the heap ");
    wf_out_udec(o, layout.top_bytes, 0);
    wf_out_str(o, " bytes; spans ");
    wf_out_udec(o, layout.spans, 0);
    wf_out_str(o, "\n");
}
