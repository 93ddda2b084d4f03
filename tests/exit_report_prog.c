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
 *   exit_report_prog close-stderr   closes fd 2 and exits, as coreutils do:
 *                                   the report still reaches the original
 *                                   stderr
 *   exit_report_prog clearenv       clears its environment and exits: the
 *                                   report asked for at start still comes
 *   exit_report_prog setenv         sets ALLOC_CAT_REPORT=1 and exits: no
 *                                   report, as none was asked for at start
 *   exit_report_prog overrun        (alloc_cat's library only) prints the
 *                                   address just past a block's usable
 *                                   bytes, writes "AAAA" there, over the
 *                                   next block's header, and exits: the
 *                                   report names that word
 *
 * Each mode allocates and frees a block through malloc first, so the
 * libraries have something to count. Exit status 0, or 2 on bad usage or a
 * failed system call (with a message on stdout, as stderr is under test).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what) {
    printf("exit_report_prog: %s failed\n", what);
    return 2;
}

int main(int argc, char **argv) {
    char *p = malloc(100);
    if (!p) return fail("malloc");
    free(p);
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "takeover") && argc == 3) {
        int file = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (file < 0) return fail("open");
        for (int fd = 3; fd < 4096; fd++)
            if (fd != file && fcntl(fd, F_GETFD) >= 0 && dup2(file, fd) != fd) return fail("dup2");
        if (write(file, "data\n", 5) != 5) return fail("write");
        return 0;
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
    printf("usage: exit_report_prog takeover FILE | close-stderr | clearenv | setenv | overrun\n");
    return 2;
}
