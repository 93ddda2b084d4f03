/*
 * strings.c - alloc_cat in a wasm32 module with no C library at all
 * (clang --target=wasm32 -nostdlib, linked with build/wasm32/liballoc_cat.a).
 * JavaScript (strings.mjs) allocates strings in the module's memory, C
 * reverses and joins them into new allocations, JavaScript frees them.
 *
 *   clang --target=wasm32 -nostdlib -mbulk-memory -O2 -Iinclude -Wl,--no-entry \
 *       examples/freestanding/strings.c build/wasm32/liballoc_cat.a -o strings.wasm
 *
 * Every export is named with export_name; malloc and free come from alloc_cat
 * (its standard names are on by default on wasm32).
 */
#include "alloc_cat.h"

#define EXPORT(name) __attribute__((export_name(#name)))

EXPORT(str_alloc) char *str_alloc(size_t bytes);
EXPORT(str_free) void str_free(char *s);
EXPORT(str_reverse) char *str_reverse(const char *s, size_t bytes);
EXPORT(str_join) char *str_join(const char *a, size_t a_bytes, const char *b, size_t b_bytes);
EXPORT(live_blocks) size_t live_blocks(void);
EXPORT(in_use_bytes) size_t in_use_bytes(void);

/* A buffer JavaScript fills; NULL when memory is exhausted. */
char *str_alloc(size_t bytes) { return ac_malloc(bytes); }

void str_free(char *s) { ac_free(s); }

/* A new string with the UTF-8 characters of s[0..bytes) in reverse order
 * (each multi-byte sequence is kept intact). */
char *str_reverse(const char *s, size_t bytes) {
    char *r = ac_malloc(bytes);
    if (!r) return NULL;
    size_t out = bytes;
    for (size_t i = 0; i < bytes;) {
        size_t n = 1;
        while (i + n < bytes && ((unsigned char)s[i + n] & 0xc0) == 0x80) n++;
        out -= n;
        for (size_t k = 0; k < n; k++) r[out + k] = s[i + k];
        i += n;
    }
    return r;
}

/* a followed by b in a new allocation grown with realloc, like a string builder */
char *str_join(const char *a, size_t a_bytes, const char *b, size_t b_bytes) {
    char *r = ac_malloc(a_bytes ? a_bytes : 1);
    if (!r) return NULL;
    __builtin_memcpy(r, a, a_bytes);
    char *grown = ac_realloc(r, a_bytes + b_bytes);
    if (!grown) {
        ac_free(r);
        return NULL;
    }
    __builtin_memcpy(grown + a_bytes, b, b_bytes);
    return grown;
}

size_t live_blocks(void) {
    ac_stats_t s;
    ac_stats_get(&s);
    return s.live_blocks;
}

size_t in_use_bytes(void) {
    ac_stats_t s;
    ac_stats_get(&s);
    return s.in_use_bytes;
}
