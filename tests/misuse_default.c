/*
 * misuse_default.c - the default error hook of a checked build (AC_CHECKED,
 * native): for each kind of misuse (tests/misuse_kinds.h, which
 * tests/misuse_wasm.mjs runs on wasm32), a child process commits it; the test
 * expects exactly one line on the child's stderr, naming the kind and the
 * address, and the child stopped by the trap that follows (SIGILL from
 * __builtin_trap on x86_64, SIGTRAP elsewhere). Each message is shown.
 *
 *   misuse_default          runs every kind, ends with "N passed, N failed"
 *   misuse_default KIND FD  commits one, telling the address on FD first
 *                           (what the children run)
 *
 * Built with -DMISUSE_STD_NAMES and without alloc_cat, it commits the kinds
 * of tests/real/misuse_std_names.h instead, through the C library's names,
 * and is run under LD_PRELOAD with the checked preload library (the
 * children inherit it).
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc_cat.h"

/* In the child: the address goes to the parent (fd addr_fd) before the
 * misuse, since the report and the trap end the process. */
static int addr_fd = -1;

static void tell(const void *p) {
    char a[64];
    snprintf(a, sizeof a, "0x%llx", (unsigned long long)(uintptr_t)p);
    ssize_t w = write(addr_fd, a, strlen(a));
    (void)w;
    close(addr_fd);
}

#ifdef MISUSE_STD_NAMES
#include "real/misuse_std_names.h"
#else
static void say(ac_error_kind kind, const char *message) {
    char line[300];
    snprintf(line, sizeof line, "hook (kind %d): %s\n", (int)kind, message);
    ssize_t w = write(2, line, strlen(line));
    (void)w;
}

#include "misuse_kinds.h"
#endif

/* Runs `self KIND FD` with stderr and FD captured; compares. */
static bool run_kind(const char *self, const kind *k) {
    int err[2], addr[2];
    if (pipe(err) || pipe(addr)) return false;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(err[1], 2);
        close(err[0]);
        close(addr[0]);
        char fd[16];
        snprintf(fd, sizeof fd, "%d", addr[1]);
        execl(self, self, k->name, fd, (char *)NULL);
        _exit(127);
    }
    close(err[1]);
    close(addr[1]);
    char out[1024] = {0}, a[64] = {0};
    size_t n = 0;
    for (ssize_t r; n + 1 < sizeof out && (r = read(err[0], out + n, sizeof out - 1 - n)) > 0;)
        n += (size_t)r;
    ssize_t an = read(addr[0], a, sizeof a - 1);
    close(err[0]);
    close(addr[0]);
    int status = 0;
    waitpid(pid, &status, 0);

    char expected[512];
    snprintf(expected, sizeof expected - 1, k->format, an > 0 ? a : "?");
    strcat(expected, "\n");
    bool trapped =
        WIFSIGNALED(status) && (WTERMSIG(status) == SIGILL || WTERMSIG(status) == SIGTRAP);
    bool ok = trapped && strcmp(out, expected) == 0;
    printf("misuse.%s ... %s\n    stderr: %s", k->name, ok ? "ok" : "FAILED",
           n ? out : "(nothing)\n");
    if (!ok) printf("    expected: %s", expected);
    if (WIFSIGNALED(status))
        printf("    then stopped by signal %d (%s)\n", WTERMSIG(status),
               WTERMSIG(status) == SIGILL    ? "SIGILL, a trap"
               : WTERMSIG(status) == SIGTRAP ? "SIGTRAP, a trap"
                                             : "not a trap");
    else
        printf("    then exited with status %d: no trap\n", WEXITSTATUS(status));
    return ok;
}

int main(int argc, char **argv) {
    if (argc == 3) {
        addr_fd = atoi(argv[2]);
        alarm(10); /* a lock left held would hang the child: SIGALRM instead */
        for (size_t i = 0; i < NKINDS; i++) {
            if (strcmp(kinds[i].name, argv[1]) == 0) {
                kinds[i].commit();
                return 0; /* no trap */
            }
        }
        return 2;
    }
    unsigned passed = 0, failed = 0;
    for (size_t i = 0; i < NKINDS; i++) {
        if (run_kind(argv[0], &kinds[i])) passed++;
        else failed++;
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
