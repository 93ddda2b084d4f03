/*
 * js_stats.c - a tiny wasm32 library used from JavaScript: the host copies
 * text into the module's memory with the exported malloc, the module keeps
 * the distinct words in a hash table of its own blocks, and the host reads
 * alloc_cat's counters with js/alloc_cat.mjs (examples/js_stats.mjs).
 * Freestanding: no libc; alloc_cat provides malloc and friends.
 */
#include "alloc_cat.h"

typedef struct word {
    struct word *next;
    size_t len;
    char text[]; /* len bytes, no NUL */
} word;

#define BUCKETS 64u
static word *table[BUCKETS];
static size_t distinct;

__attribute__((export_name("words_add"))) size_t words_add(const char *text, size_t len);
__attribute__((export_name("words_clear"))) void words_clear(void);

static unsigned hash(const char *s, size_t n) {
    unsigned h = 2166136261u;
    while (n--) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static bool same(const word *w, const char *s, size_t n) {
    if (w->len != n) return false;
    for (size_t i = 0; i < n; i++)
        if (w->text[i] != s[i]) return false;
    return true;
}

static void add_one(const char *s, size_t n) {
    word **slot = &table[hash(s, n) % BUCKETS];
    for (word *w = *slot; w; w = w->next)
        if (same(w, s, n)) return;
    word *w = ac_malloc(sizeof *w + n);
    if (!w) return;
    w->next = *slot;
    w->len = n;
    for (size_t i = 0; i < n; i++) w->text[i] = s[i];
    *slot = w;
    distinct++;
}

/* Adds the space-separated words of text[0..len); returns how many distinct
 * words the table holds. */
size_t words_add(const char *text, size_t len) {
    size_t i = 0;
    while (i < len) {
        while (i < len && text[i] == ' ') i++;
        size_t start = i;
        while (i < len && text[i] != ' ') i++;
        if (i > start) add_one(text + start, i - start);
    }
    return distinct;
}

/* Frees every word. */
void words_clear(void) {
    for (unsigned b = 0; b < BUCKETS; b++) {
        while (table[b]) {
            word *w = table[b];
            table[b] = w->next;
            ac_free(w);
        }
    }
    distinct = 0;
}
