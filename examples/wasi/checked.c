/*
 * checked.c - a WASI program linked with the checked library
 * (build/wasm32-checked/liballoc_cat.a, built with AC_CHECKED): it frees a
 * block twice, and the report comes out on stderr before the trap.
 *
 *   clang --target=wasm32-wasi --sysroot=/usr -O2 -Iinclude -DAC_CHECKED=1 \
 *       examples/wasi/checked.c build/wasm32-checked/liballoc_cat.a -o checked.wasm
 *   node --no-turbo-fast-api-calls tools/run_wasi.mjs checked.wasm
 *
 * prints "freeing 0x... twice" on stdout, then on stderr
 * "alloc_cat: double free of 0x... in free", and node ends with
 * "RuntimeError: unreachable" (exit status 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char *name = strdup("alloc_cat"), *guard = malloc(24);
    if (!name || !guard) return 1;
    printf("freeing %p twice\n", (void *)name);
    fflush(stdout);
    free(name);
    free(name); /* the checked library reports this, then traps */
    puts("not reached");
    return 0;
}
