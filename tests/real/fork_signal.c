/*
 * fork_signal.c - a single-threaded program whose signal handler forks
 * while the program allocates, run by tests/real/run.sh with and without
 * the preload library. A profiling timer (SIGPROF, every millisecond of CPU
 * time) interrupts a loop of mallocs and frees, most often inside them; the
 * handler forks, the child exits at once (_exit, async-signal-safe), the
 * handler waits for it. glibc's malloc takes no lock for a fork with one
 * thread, so the fork never waits for the heap the handler interrupted;
 * with alloc_cat it once did, for ever. Prints the number of forks and
 * exits 0 after FORKS of them; an alarm turns a deadlock into exit status
 * 3 ("deadlock") instead of a hang.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define FORKS 300

static volatile sig_atomic_t forks, bad;

static void fork_now(int sig) {
    (void)sig;
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
        bad = bad + 1;
    forks = forks + 1;
}

static void deadlock(int sig) {
    (void)sig;
    static const char msg[] = "fork_signal: deadlock (no progress for 60 s)\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(3);
}

int main(void) {
    signal(SIGALRM, deadlock);
    alarm(60);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fork_now;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGPROF, &sa, NULL);
    struct itimerval every_ms = {{0, 1000}, {0, 1000}};
    setitimer(ITIMER_PROF, &every_ms, NULL);
    void *slots[64] = {0};
    for (unsigned i = 0; forks < FORKS; i++) {
        unsigned k = (i * 2654435761u) >> 26;
        free(slots[k]);
        slots[k] = malloc(16 + (i * 40503u) % 4000);
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_PROF, &off, NULL);
    for (unsigned k = 0; k < 64; k++) free(slots[k]);
    printf("%d forks from a signal handler, %d failed\n", (int)FORKS, (int)bad);
    return bad ? 1 : 0;
}
