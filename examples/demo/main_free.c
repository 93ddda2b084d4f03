/*
 * main_free.c - the demo program in a wasm32 module without any C library:
 * alloc_cat is the only allocator (its standard names are malloc and free).
 * JavaScript (examples/demo/demo.mjs) calls wf_input(len) for a buffer,
 * copies the text into it and calls wf_main(buf, len); the report comes back
 * through the imported env.wf_write(fd, ptr, len): fd 1 the report, fd 2
 * alloc_cat's stats.
 */
#include "wordfreq.h"

__attribute__((import_module("env"), import_name("wf_write"))) void wf_write(int fd, const char *p,
                                                                             size_t len);

__attribute__((export_name("wf_input"))) char *wf_input(size_t len);
__attribute__((export_name("wf_main"))) int wf_main(char *text, size_t len);

char *wf_input(size_t len) { return malloc(len ? len : 1); }

int wf_main(char *text, size_t len) {
    wf_out out = {0};
    int rc = wf_analyze(text, len, &out, wf_ac_snapshot);
    free(text);
    if (out.failed) rc = 1;
    wf_write(1, out.buf, out.len);
    wf_out_free(&out);
    wf_out stats = {0};
    wf_ac_report(&stats);
    wf_write(2, stats.buf, stats.len);
    wf_out_free(&stats);
    return rc;
}
