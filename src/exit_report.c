/*
 * exit_report.c - native only, compiled into the two LD_PRELOAD libraries
 * (liballoc_cat_preload.so and liballoc_cat_metrics.so) and nowhere else:
 * whether a report is wanted at exit, and where it goes.
 *
 * Whether: ALLOC_CAT_REPORT is read once, from the library's constructor,
 * so a program that clears or sets its environment later does not change
 * the answer.
 *
 * Where: to the stderr the program started with, and nowhere else. A
 * program whose fd 2 is closed when the library starts gets no report: the
 * number may name one of its own files by then. (A constructor of the
 * program's own libraries, which run before this library's, may already
 * have opened a file there; it is then taken for stderr.) Programs may
 * close stderr on their way out (GNU coreutils do, in an atexit handler),
 * so a close-on-exec copy of fd 2 is made at start and the report goes
 * there - if the copy still names the same file (device and inode) at
 * exit; else to fd 2, if that still names it. A child made by fork closes
 * the copy at once: a daemon that detaches would otherwise keep its
 * caller's stderr open, and a caller reading it to the end would wait for
 * the daemon to exit. The child's report goes to its fd 2, if that is
 * still the same file.
 * The copy sits just under the usual soft limit of 1024 descriptors, where
 * programs seldom look: bash, for one, treats a close-on-exec descriptor
 * of 10 or more as its own, so a copy at the numbers scripts use
 * (`exec 200>lock`) would swallow their redirection. A higher number than
 * 1023 would make the kernel enlarge every process's descriptor table.
 */
#ifndef __wasm32__
#define _POSIX_C_SOURCE 200809L /* F_DUPFD_CLOEXEC */
#include "internal.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
    int fd;    /* the copy of stderr, or -1 */
    dev_t dev; /* the file stderr named at start */
    ino_t ino;
    bool had_stderr; /* fd 2 was open at start */
    bool read;       /* ALLOC_CAT_REPORT was read */
    bool on;         /* ... and asked for a report */
} R = {-1, 0, 0, false, false, false};

/* The highest free descriptor number below min(soft limit, 1024), tried
 * from there down by halves; -1 when none is free. */
static int high_copy_of_stderr(void) {
    int top = 1024;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)top) top = (int)rl.rlim_cur;
    int fd = -1;
    for (int from = top - 1; fd < 0 && from >= 3; from /= 2) fd = fcntl(2, F_DUPFD_CLOEXEC, from);
    return fd;
}

/* Whether fd names the file stderr named at start. */
static bool names_stderr(int fd) {
    struct stat st;
    return fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == R.dev && st.st_ino == R.ino;
}

/* In a child made by fork (see above): the copy, if its number still is
 * the copy (a program may have put a file of its own there). */
static void close_copy_in_child(void) {
    if (names_stderr(R.fd)) close(R.fd);
    R.fd = -1;
}

bool ac__exit_report_wanted(void) {
    if (R.read) return R.on;
    R.read = true;
    const char *v = getenv("ALLOC_CAT_REPORT");
    R.on = v && v[0] == '1' && v[1] == '\0';
    if (!R.on) return false;
    struct stat st;
    if (fstat(2, &st) != 0) return true; /* no stderr: the report has nowhere to go */
    R.had_stderr = true;
    R.dev = st.st_dev;
    R.ino = st.st_ino;
    R.fd = high_copy_of_stderr();
    pthread_atfork(NULL, NULL, close_copy_in_child);
    return true;
}

void ac__exit_report_write(const char *text, size_t bytes) {
    if (!R.on || !R.had_stderr) return;
    int fd = names_stderr(R.fd) ? R.fd : names_stderr(2) ? 2 : -1;
    if (fd < 0) return;
    ac__write_all(fd, text, bytes);
}
#endif
