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
 * may be added later, so parse by key, not by position. The line is written
 * by a destructor, i.e. when the process calls exit() or returns from main
 * (not on _exit, exec or a fatal signal); a child that forks and exits writes
 * its own line, hence the pid.
 *
 * Programs may close or redirect stderr before exiting (GNU coreutils close
 * it in an atexit handler), so the constructor keeps a close-on-exec
 * duplicate of fd 2, and the destructor writes there if it is still the
 * same file, else to fd 2. No stdio and no allocation: the text is built
 * with the internal writer (format.c) and written with write(2).
 */
#ifndef __wasm32__
#define _POSIX_C_SOURCE 200809L /* F_DUPFD_CLOEXEC */
#include "internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
    int fd; /* duplicate of the stderr the process started with, or -1 */
    dev_t dev;
    ino_t ino;
    bool on;
} R = {-1, 0, 0, false};

__attribute__((constructor)) static void report_open(void) {
    const char *v = getenv("ALLOC_CAT_REPORT");
    if (!v || v[0] != '1' || v[1] != '\0') return;
    R.on = true;
    struct stat st;
    /* a high number keeps the low ones the program may count on free */
    int fd = fcntl(2, F_DUPFD_CLOEXEC, 200);
    if (fd < 0) fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) return;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return;
    }
    R.fd = fd;
    R.dev = st.st_dev;
    R.ino = st.st_ino;
}

static void write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k <= 0) return;
        p += k;
        n -= (size_t)k;
    }
}

__attribute__((destructor)) static void report_write(void) {
    if (!R.on) return;
    ac_stats_t s;
    ac_stats_get(&s);
    char line[256];
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
    size_t n = ac__w_finish(&w);
    if (n >= sizeof line) n = sizeof line - 1;
    /* the saved descriptor, unless the program closed it and the number
     * now names another file */
    struct stat st;
    int fd = 2;
    if (R.fd >= 0 && fstat(R.fd, &st) == 0 && st.st_dev == R.dev && st.st_ino == R.ino) fd = R.fd;
    write_all(fd, line, n);
}

#endif
