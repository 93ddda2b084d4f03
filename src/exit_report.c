/*
 * exit_report.c - native only, compiled into the two LD_PRELOAD libraries
 * (liballoc_cat_preload.so and liballoc_cat_metrics.so) and nowhere else:
 * whether a report is wanted at exit, and where it goes.
 *
 * Whether: ALLOC_CAT_REPORT is read once, from the library's constructor,
 * so a program that clears or sets its environment later does not change
 * the answer.
 *
 * Where: programs may close stderr on their way out (GNU coreutils do, in
 * an atexit handler), so a close-on-exec copy of fd 2 is made at start and
 * the report goes there - if the copy still names the same file (device
 * and inode) at exit. A program that closed it, and perhaps opened another
 * file under its number, gets the report on fd 2 instead of in its file.
 * The copy sits just under the usual soft limit of 1024 descriptors, where
 * programs seldom look: bash, for one, treats a close-on-exec descriptor
 * of 10 or more as its own, so a copy at the numbers scripts use
 * (`exec 200>lock`) would swallow their redirection. A higher number than
 * 1023 would make the kernel enlarge every process's descriptor table.
 */
#ifndef __wasm32__
#define _POSIX_C_SOURCE 200809L /* F_DUPFD_CLOEXEC */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
    int fd; /* the copy of stderr, or -1 */
    dev_t dev;
    ino_t ino;
    bool read; /* ALLOC_CAT_REPORT was read */
    bool on;   /* ... and asked for a report */
} R = {-1, 0, 0, false, false};

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

bool ac__exit_report_wanted(void) {
    if (R.read) return R.on;
    R.read = true;
    const char *v = getenv("ALLOC_CAT_REPORT");
    R.on = v && v[0] == '1' && v[1] == '\0';
    if (!R.on) return false;
    int fd = high_copy_of_stderr();
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0) {
        R.fd = fd;
        R.dev = st.st_dev;
        R.ino = st.st_ino;
    } else if (fd >= 0) {
        close(fd);
    }
    return true;
}

void ac__exit_report_write(const char *text, size_t bytes) {
    if (!R.on) return;
    struct stat st;
    int fd = 2;
    if (R.fd >= 0 && fstat(R.fd, &st) == 0 && st.st_dev == R.dev && st.st_ino == R.ino) fd = R.fd;
    while (bytes) {
        ssize_t k = write(fd, text, bytes);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return;
        text += k;
        bytes -= (size_t)k;
    }
}
#endif
