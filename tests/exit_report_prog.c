/*
 * exit_report_prog.c - a program that makes life hard for the LD_PRELOAD
 * libraries' report at exit (src/exit_report.c); tools/test_exit_report.sh
 * runs it under each library with ALLOC_CAT_REPORT=1 and checks where the
 * report went.
 *
 *   exit_report_prog takeover FILE  every descriptor from 3 up that is open
 *                                   (the library's copy of stderr among
 *                                   them) is made to name FILE; writes
 *                                   "data\n" to FILE once and exits: FILE
 *                                   must hold just that, the report go to
 *                                   stderr
 *   exit_report_prog takeover-fork FILE
 *                                   as takeover, then forks: the child
 *                                   writes "child\n" through every one of
 *                                   those descriptors (a fork must not
 *                                   close the program's own file where the
 *                                   library's copy was), the parent waits
 *                                   and writes "data\n": FILE must hold
 *                                   the child's lines and "data", the
 *                                   report go to stderr
 *   exit_report_prog close-stderr   closes fd 2 and exits, as coreutils do:
 *                                   the report still reaches the original
 *                                   stderr
 *   exit_report_prog clearenv       clears its environment and exits: the
 *                                   report asked for at start still comes
 *   exit_report_prog setenv         sets ALLOC_CAT_REPORT=1 and exits: no
 *                                   report, as none was asked for at start
 *   exit_report_prog detach FILE    forks a child that detaches as a
 *                                   daemon does (setsid, fds 0-2 on
 *                                   /dev/null), writes to FILE how many of
 *                                   its descriptors from 3 up still name
 *                                   the stderr it was started with, and
 *                                   exits; waits for it and exits: FILE
 *                                   must say 0 (a copy of the caller's
 *                                   stderr kept open would keep a caller
 *                                   reading it waiting for the daemon)
 *   exit_report_prog open FILE      opens FILE, writes "data\n" to it and
 *                                   exits; run with fd 2 closed, FILE takes
 *                                   number 2 and must hold just that
 *   exit_report_prog overrun        (alloc_cat's library only) prints the
 *                                   address just past a block's usable
 *                                   bytes, writes "AAAA" there, over the
 *                                   next block's header, and exits: the
 *                                   report names that word
 *   exit_report_prog freed-write [FILE]
 *                                   (alloc_cat's checked library) frees a
 *                                   block, prints the address 50 bytes
 *                                   into it, writes a byte there and
 *                                   exits: nothing hands that memory out
 *                                   again, and the report at exit names it;
 *                                   with FILE, first closes fd 2 and opens
 *                                   FILE there, writing "data\n": FILE
 *                                   must hold just that, the report go to
 *                                   the original stderr
 *
 * Each mode allocates and frees a block through malloc first, so the
 * libraries have something to count. Exit status 0, or 2 on bad usage or a
 * failed system call (with a message on stdout, as stderr is under test).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char *what) {
    printf("exit_report_prog: %s failed\n", what);
    return 2;
}

/* Waits for the child: whether it exited with status 0. */
static bool child_ok(pid_t child) {
    int status;
    return waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv) {
    char *p = malloc(100);
    if (!p) return fail("malloc");
    free(p);
    const char *mode = argc > 1 ? argv[1] : "";
    bool then_fork = !strcmp(mode, "takeover-fork");
    if ((then_fork || !strcmp(mode, "takeover")) && argc == 3) {
        int file = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
        if (file < 0) return fail("open");
        int taken[4096], n = 0;
        for (int fd = 3; fd < 4096; fd++) {
            if (fd == file || fcntl(fd, F_GETFD) < 0) continue;
            if (dup2(file, fd) != fd) return fail("dup2");
            taken[n++] = fd;
        }
        if (then_fork) {
            pid_t child = fork();
            if (child < 0) return fail("fork");
            if (child == 0) {
                for (int i = 0; i < n; i++)
                    if (write(taken[i], "child\n", 6) != 6) _exit(3);
                _exit(0);
            }
            if (!child_ok(child)) return fail("the child's writes");
        }
        if (write(file, "data\n", 5) != 5) return fail("write");
        return 0;
    }
    if (!strcmp(mode, "detach") && argc == 3) {
        struct stat err;
        if (fstat(2, &err)) return fail("fstat");
        pid_t child = fork();
        if (child < 0) return fail("fork");
        if (child == 0) {
            int null = open("/dev/null", O_RDWR);
            if (null < 0 || setsid() < 0) _exit(2);
            for (int fd = 0; fd < 3; fd++)
                if (dup2(null, fd) != fd) _exit(2);
            if (null > 2) close(null);
            int open_fds = 0;
            struct stat st;
            for (int fd = 3; fd < 4096; fd++)
                open_fds += !fstat(fd, &st) && st.st_dev == err.st_dev && st.st_ino == err.st_ino;
            FILE *f = fopen(argv[2], "w");
            if (!f || fprintf(f, "%d\n", open_fds) < 0 || fclose(f)) _exit(2);
            exit(0);
        }
        return child_ok(child) ? 0 : fail("the child");
    }
    if (!strcmp(mode, "open") && argc == 3) {
        int file = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (file < 0) return fail("open");
        return write(file, "data\n", 5) == 5 ? 0 : fail("write");
    }
    if (!strcmp(mode, "close-stderr")) return close(2) ? fail("close") : 0;
    if (!strcmp(mode, "clearenv")) return clearenv() ? fail("clearenv") : 0;
    if (!strcmp(mode, "setenv")) return setenv("ALLOC_CAT_REPORT", "1", 1) ? fail("setenv") : 0;
    if (!strcmp(mode, "overrun")) {
        char *a = malloc(24), *b = malloc(24);
        if (!a || !b) return fail("malloc");
        volatile char *end = a + malloc_usable_size(a);
        printf("%p\n", (void *)end); /* before the damage: stdout's buffer */
        fflush(stdout);
        for (int i = 0; i < 4; i++) end[i] = 'A';
        return 0;
    }
    if (!strcmp(mode, "freed-write") && argc <= 3) {
        if (argc == 3) {
            close(2);
            int file = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (file != 2 || write(file, "data\n", 5) != 5) return fail("open as fd 2");
        }
        char *a = malloc(100), *b = malloc(100);
        if (!a || !b) return fail("malloc");
        void (*volatile release)(void *) = free; /* gcc would warn of the use after free */
        release(a);
        volatile char *at = a + 50;
        printf("%p\n", (void *)at); /* before the damage: stdout's buffer */
        fflush(stdout);
        *at = 'x';
        return 0;
    }
    printf("usage: exit_report_prog takeover FILE | takeover-fork FILE | detach FILE | open FILE | "
           "close-stderr | clearenv | setenv | overrun | freed-write [FILE]\n");
    return 2;
}
