/*
 * fork_stress.c - fork in a threaded program, run by tests/real/run.sh with
 * and without the preload library. While one thread reads lines with
 * getline (which allocates while it holds its stream's lock) and another
 * flushes every stream (glibc's stdio list lock, then each stream's), the
 * main thread forks FORKS times; each child allocates, checks and exits.
 * Fork handlers from tests/real/fork_handlers.c allocate too, under a lock
 * of their library's, which a third thread holds while it allocates and
 * flushes every stream (fork_handlers_work()). Prints the
 * number of forks and exits 0; an alarm turns a deadlock into exit status
 * 3 ("deadlock") instead of a hang.
 *
 *   fork_stress FILE [FORKS]   (FILE: any text file to read lines from;
 *                               FORKS: 1000 unless given)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int forks = 1000; /* FORKS */

void fork_handlers_count(unsigned *prepares, unsigned *children);
void fork_handlers_work(void);

static FILE *in;
static volatile int stop;

static void *reader(void *arg) {
    (void)arg;
    while (!stop) {
        char *line = NULL;
        size_t n = 0;
        if (getline(&line, &n, in) < 0) rewind(in);
        free(line);
    }
    return NULL;
}

static void *flusher(void *arg) {
    (void)arg;
    while (!stop) fflush(NULL);
    return NULL;
}

static void *worker(void *arg) {
    (void)arg;
    while (!stop) fork_handlers_work();
    return NULL;
}

static void deadlock(int sig) {
    (void)sig;
    static const char msg[] = "fork_stress: deadlock (no progress for 60 s)\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(3);
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3 || !(in = fopen(argv[1], "r"))) {
        fprintf(stderr, "usage: fork_stress FILE [FORKS]\n");
        return 2;
    }
    if (argc == 3) forks = atoi(argv[2]);
    signal(SIGALRM, deadlock);
    alarm(60);
    pthread_t r, f, w;
    if (pthread_create(&r, NULL, reader, NULL) || pthread_create(&f, NULL, flusher, NULL) ||
        pthread_create(&w, NULL, worker, NULL))
        return 2;
    int bad = 0;
    for (int i = 0; i < forks; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            char *p = malloc(1000);
            if (!p) _exit(4);
            memset(p, 7, 1000);
            _exit(p[999] == 7 ? 0 : 5);
        }
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
            bad++;
    }
    stop = 1;
    pthread_join(r, NULL);
    pthread_join(f, NULL);
    pthread_join(w, NULL);
    unsigned prepares, children;
    fork_handlers_count(&prepares, &children);
    printf("%d forks, %d failed, %u prepare handler calls\n", forks, bad, prepares);
    return bad || prepares != (unsigned)forks ? 1 : 0;
}
