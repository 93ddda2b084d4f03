/*
 * misuse_wasm.c - the kinds of misuse in tests/misuse_kinds.h, for a
 * checked wasm32 build: the module names them and commits one per call;
 * tests/misuse_wasm.mjs runs each in a fresh instance under node and
 * expects the trap, with the default hook's line kept for ac_last_error()
 * (or the returning hook's line) naming the address told.
 */
#include <stddef.h>
#include <stdint.h>

#include "alloc_cat.h"

static uintptr_t told;
static char said[300];

static void tell(const void *p) { told = (uintptr_t)p; }

static void put(size_t *n, const char *s) {
    while (*s && *n + 1 < sizeof said) said[(*n)++] = *s++;
}

static void say(ac_error_kind kind, const char *message) {
    size_t n = 0;
    char digit[2] = {(char)('0' + (int)kind % 10), '\0'};
    put(&n, "hook (kind ");
    put(&n, digit);
    put(&n, "): ");
    put(&n, message);
    said[n] = '\0';
}

#include "misuse_kinds.h"

uint32_t misuse_count(void);
const char *misuse_name(uint32_t i);
const char *misuse_format(uint32_t i);
void misuse_commit(uint32_t i);
uintptr_t misuse_told(void);
const char *misuse_said(void);

uint32_t misuse_count(void) { return (uint32_t)NKINDS; }
const char *misuse_name(uint32_t i) { return kinds[i].name; }
const char *misuse_format(uint32_t i) { return kinds[i].format; }
void misuse_commit(uint32_t i) { kinds[i].commit(); }
uintptr_t misuse_told(void) { return told; }
const char *misuse_said(void) { return said; }
