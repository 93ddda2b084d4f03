/*
 * em_size.c - the code-size probe of bench/emscripten_programs.sh: a
 * program that calls malloc, realloc, calloc and free (the pointers go to a
 * volatile, so that the compiler keeps every call), built with emcc -Oz
 * once per allocator. Built with -DNO_ALLOC it calls none: the baseline
 * whose code every build shares.
 */
#include <stdlib.h>

void *volatile sink;

int main(int argc, char **argv) {
    (void)argv;
#ifdef NO_ALLOC
    sink = (void *)(size_t)argc;
#else
    char *p = malloc((size_t)argc * 100);
    sink = p;
    p = realloc(p, 300);
    sink = p;
    char *q = calloc(4, 10);
    sink = q;
    free(p);
    free(q);
#endif
    return 0;
}
