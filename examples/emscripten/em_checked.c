/*
 * em_checked.c - a checked build (AC_CHECKED) under emscripten: alloc_cat
 * names a misuse on stderr, which emscripten prints on the console's
 * error stream, then the program traps.
 *
 *   make dist
 *   emcc -O2 -sMALLOC=none -DAC_CHECKED=1 -Idist \
 *       examples/emscripten/em_checked.c dist/alloc_cat.c -o em_checked.js
 *   node --no-experimental-fetch em_checked.js
 *
 * prints "freed once", then "alloc_cat: double free of 0x... in free" on
 * stderr, and node exits with a RuntimeError (unreachable): the second
 * free never returns.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    char *volatile p = malloc(40); /* volatile: the compiler keeps both frees */
    free(p);
    printf("freed once\n");
    fflush(stdout);
    free(p);
    printf("not reached\n");
    return 0;
}
