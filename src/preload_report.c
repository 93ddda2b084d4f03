/*
 * preload_report.c - native only, compiled into liballoc_cat_preload.so and
 * nowhere else: with the environment variable ALLOC_CAT_REPORT=1, the
 * process writes one line of counters to stderr when it exits, so that a
 * test (or a curious user) can see that alloc_cat really served the
 * program's allocations:
 *
 *   alloc_cat: pid=N allocs=N frees=N in_use=N peak=N heap_bytes=N
 *
 * The fields are ac_stats_t's (allocs, frees, in_use_bytes, peak_bytes,
 * heap_bytes) as `key=decimal` pairs separated by single spaces; more pairs
 * may be added later, so parse by key, not by position. When the heap is
 * damaged (ac_heap_check_where()), a second line names where:
 *
 *   alloc_cat: pid=N heap damaged at 0x...: ... (it holds 0x...; block 0x...)
 *
 * (ac_heap_damage_format()'s text after the pid). The checked library
 * (liballoc_cat_preload_checked.so) then also checks all free memory
 * and the canary of every block in use (ac_heap_check_freed()): a write
 * into freed memory that nothing handed out again is named as a write
 * after free, a block written past its end that was never freed as an
 * overrun (the misuse report's line, without the pid), and the process
 * then traps. The lines are written
 * by a destructor, i.e. when the process calls exit() or returns from main
 * (not on _exit, exec or a fatal signal); a child that forks and exits writes
 * its own line, hence the pid.
 *
 * Whether a report is wanted, and where it goes (a copy of stderr made at
 * start, for programs that close theirs on the way out), is exit_report.c's
 * part, shared with the metrics-only library. No stdio and no allocation:
 * the text is built with the internal writer (format.c).
 */
#ifndef __wasm32__
#define _POSIX_C_SOURCE 200809L /* getpid */
#include "internal.h"

#include <unistd.h>

__attribute__((constructor)) static void report_open(void) { (void)ac__exit_report_wanted(); }

#if AC_CHECKED
/* The error hook from the check at exit on: the report goes where the
 * lines above went (the stderr the process started with, never a file of
 * the program's that took fd 2 since), then it traps, as the default hook
 * does. It stays: the destructors that run after this one (those of the
 * libraries the program links, set up before this library) are checked
 * as before. */
static void report_at_exit(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)kind, (void)ptr, (void)ctx;
    char line[512];
    ac__writer w;
    ac__w_init(&w, line, sizeof line);
    ac__w_str(&w, message);
    ac__w_str(&w, "\n");
    size_t n = ac__w_finish(&w);
    ac__exit_report_write(line, n < sizeof line ? n : sizeof line - 1);
    __builtin_trap();
}
#endif

__attribute__((destructor)) static void report_write(void) {
    if (!ac__exit_report_wanted()) return;
    ac_stats_t s;
    ac_stats_get(&s);
    char line[512];
    ac__writer w;
    ac__w_init(&w, line, sizeof line);
    ac__w_str(&w, "alloc_cat: pid=");
    ac__w_udec(&w, (uint64_t)getpid());
    ac__w_str(&w, " allocs=");
    ac__w_udec(&w, s.allocs);
    ac__w_str(&w, " frees=");
    ac__w_udec(&w, s.frees);
    ac__w_str(&w, " in_use=");
    ac__w_udec(&w, s.in_use_bytes);
    ac__w_str(&w, " peak=");
    ac__w_udec(&w, s.peak_bytes);
    ac__w_str(&w, " heap_bytes=");
    ac__w_udec(&w, s.heap_bytes);
    ac__w_str(&w, "\n");
    ac_heap_damage_t d;
    if (!ac_heap_check_where(&d)) { /* a program that overran or wrote freed memory */
        ac__w_str(&w, "alloc_cat: pid=");
        ac__w_udec(&w, (uint64_t)getpid());
        ac__w_str(&w, " ");
        ac__w_damage(&w, &d);
        ac__w_str(&w, "\n");
    }
    size_t n = ac__w_finish(&w);
    if (n >= sizeof line) n = sizeof line - 1;
    ac__exit_report_write(line, n);
#if AC_CHECKED
    /* the structure is sound: the fill of free memory is worth reading
     * (a write found is reported by the error hook, which traps) */
    if (d.kind == AC_DAMAGE_NONE) {
        ac_set_error_hook(report_at_exit, NULL);
        (void)ac_heap_check_freed(); /* what it finds is reported, and traps */
    }
#endif
}

#endif
