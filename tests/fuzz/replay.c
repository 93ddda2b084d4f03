/*
 * replay.c - runs the libFuzzer target on the files (or the files in the
 * directories) named on the command line, without libFuzzer: so that any
 * compiler can build it, and valgrind can run it. Prints one line per file
 * and ends with "N passed, N failed" (a failed input aborts the program,
 * which tools/run_tests.sh counts as a failure). A directory it cannot read
 * to the end, or no input at all, is a failure too.
 */
#define _DEFAULT_SOURCE
#define _FILE_OFFSET_BITS 64 /* readdir on 32-bit targets: 64-bit inode numbers */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned runs;

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_file(const char *path, int verbose) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (verbose) printf("%s (%zu bytes)\n", path, n);
    fflush(stdout);
    /* a copy of exactly n bytes, so that reading past the input is caught */
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy) exit(2);
    memcpy(copy, buf, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    runs++;
}

static void run_path(const char *path, int verbose) {
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        exit(2);
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path, verbose);
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        exit(2);
    }
    char **names = NULL;
    size_t count = 0;
    errno = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL; errno = 0) {
        if (e->d_name[0] == '.') continue;
        names = realloc(names, (count + 1) * sizeof *names);
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[count] = malloc(len);
        if (!names || !names[count]) exit(2);
        snprintf(names[count], len, "%s/%s", path, e->d_name);
        count++;
    }
    if (errno) {
        perror(path);
        exit(2);
    }
    closedir(d);
    qsort(names, count, sizeof *names, cmp_names);
    for (size_t i = 0; i < count; i++) {
        run_file(names[i], verbose);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv) {
    int verbose = getenv("AC_REPLAY_VERBOSE") != NULL;
    for (int i = 1; i < argc; i++) run_path(argv[i], verbose);
    printf("replayed %u inputs\n", runs);
    printf("%u passed, %d failed\n", runs, runs == 0);
    return runs == 0;
}
