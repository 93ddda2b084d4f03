/*
 * pages_at_exit.c - linked into bench/emscripten_programs.sh's programs:
 * at exit, prints the wasm memory's size in 64 KiB pages on stderr ("pages
 * at exit: N"). A wasm memory never shrinks, so this is its peak.
 */
#include <stdio.h>
#include <stdlib.h>

static void print_pages(void) {
    fprintf(stderr, "pages at exit: %zu\n", (size_t)__builtin_wasm_memory_size(0));
}

__attribute__((constructor)) static void at_start(void) { atexit(print_pages); }
