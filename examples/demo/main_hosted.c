/*
 * main_hosted.c - the demo program with a C library: WASI (wasi-libc, with
 * alloc_cat or with wasi-libc's own dlmalloc) and native.
 *
 *   wordfreq [--heapmap SVG] [FILE]   counts the words of FILE (default:
 *                                     standard input)
 *
 * The report goes to standard output. Builds with alloc_cat (WF_ALLOC_CAT)
 * then print alloc_cat's report to standard error, and those with
 * WF_HEAPMAP write the heap map, as it is while the tables are live, to SVG
 * when asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wordfreq.h"

/* The whole stream in one malloc'd buffer, grown by doubling. */
static char *read_all(FILE *f, size_t *len) {
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            return NULL;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

#ifdef WF_HEAPMAP
static const char *heapmap_path;
static int heapmap_failed;

static void write_heapmap(const char *svg, size_t len) {
    FILE *f = fopen(heapmap_path, "wb");
    heapmap_failed = !f || fwrite(svg, 1, len, f) != len;
    if (f && fclose(f) != 0) heapmap_failed = 1;
}
#endif

int main(int argc, char **argv) {
    int arg = 1;
#ifdef WF_HEAPMAP
    if (argc > 2 && strcmp(argv[1], "--heapmap") == 0) {
        heapmap_path = argv[2];
        wf_ac_heapmap_sink = write_heapmap;
        arg = 3;
    }
#endif
    const char *path = argc > arg ? argv[arg] : NULL;
    FILE *f = path ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "wordfreq: cannot open %s\n", path);
        return 2;
    }
    size_t len = 0;
    char *text = read_all(f, &len);
    if (path) fclose(f);
    if (!text) {
        fprintf(stderr, "wordfreq: cannot read %s\n", path ? path : "standard input");
        return 2;
    }
    wf_out out = {0};
#ifdef WF_ALLOC_CAT
    int rc = wf_analyze(text, len, &out, wf_ac_snapshot);
#else
    int rc = wf_analyze(text, len, &out, NULL);
#endif
    free(text);
    if (out.failed) rc = 1;
    fwrite(out.buf, 1, out.len, stdout);
    fflush(stdout);
    wf_out_free(&out);
#ifdef WF_ALLOC_CAT
    wf_out stats = {0};
    wf_ac_report(&stats);
    fwrite(stats.buf, 1, stats.len, stderr);
    wf_out_free(&stats);
#endif
    if (rc) fprintf(stderr, "wordfreq: out of memory\n");
#ifdef WF_HEAPMAP
    if (heapmap_path && heapmap_failed) {
        fprintf(stderr, "wordfreq: cannot write %s\n", heapmap_path);
        rc = 2;
    }
#endif
    return rc;
}
