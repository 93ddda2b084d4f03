/*
 * tool_uaf.c - a program with a use-after-free, using alloc_cat: ASan (with
 * alloc_cat built with ASan) and valgrind's memcheck must catch it, because
 * alloc_cat marks free memory inaccessible for both and registers its
 * blocks with memcheck. tools/run_tool_tests.sh runs each mode under each
 * tool and checks the report.
 *
 *   tool_uaf MODE
 *     ok            correct use: no report
 *     read-top      reads a freed block that merged into the top of the heap
 *     read-binned   reads a freed block that sits on a free list (its
 *                   neighbours in use), 32 bytes in
 *     write-binned  writes into it
 *     read-moved    reads the old block after realloc moved it
 *     read-aligned  reads a freed aligned block (ac_alloc / ac_dealloc)
 */
#include <stdio.h>
#include <string.h>

#include "alloc_cat.h"

static volatile char sink;

static void use(char *p, size_t n) {
    memset(p, 'x', n);
    for (size_t i = 0; i < n; i++) sink = p[i];
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "ok";
    char *keep = ac_malloc(16); /* a block in use before the others */
    use(keep, 16);
    if (strcmp(mode, "ok") == 0) {
        char *p = ac_malloc(64), *q = ac_malloc(64);
        use(p, 64);
        use(q, 64);
        p = ac_realloc(p, 4000);
        use(p, 4000);
        ac_free(p);
        ac_free(q);
        char *a = ac_alloc(100, 256);
        use(a, 100);
        ac_dealloc(a, 100, 256);
    } else if (strcmp(mode, "read-top") == 0) {
        char *p = ac_malloc(64);
        use(p, 64);
        ac_free(p);
        sink = p[32]; /* use after free */
    } else if (strcmp(mode, "read-binned") == 0 || strcmp(mode, "write-binned") == 0) {
        char *p = ac_malloc(64), *guard = ac_malloc(64);
        use(p, 64);
        use(guard, 64);
        ac_free(p);
        if (mode[0] == 'r')
            sink = p[32]; /* use after free */
        else
            p[32] = 'y'; /* use after free */
        ac_free(guard);
    } else if (strcmp(mode, "read-moved") == 0) {
        char *p = ac_malloc(64), *guard = ac_malloc(64);
        use(p, 64);
        char *q = ac_realloc(p, 10000);
        if (q == p) return 3; /* the test needs a move */
        sink = p[40]; /* use after realloc moved the block */
        ac_free(q);
        ac_free(guard);
    } else if (strcmp(mode, "read-aligned") == 0) {
        char *a = ac_alloc(100, 256), *guard = ac_malloc(64);
        use(a, 100);
        ac_dealloc(a, 100, 256);
        sink = a[50]; /* use after free */
        ac_free(guard);
    } else {
        fprintf(stderr, "tool_uaf: unknown mode %s\n", mode);
        return 2;
    }
    ac_free(keep);
    printf("tool_uaf %s: done\n", mode);
    return 0;
}
