/*
 * words.c - an ordinary C program for wasm32-wasi, linked with Debian's
 * wasi-libc and with alloc_cat in place of wasi-libc's malloc (dlmalloc);
 * tests/wasi/run.sh builds it both ways and runs it under node's WASI.
 *
 * It builds a text of pseudo-random words by appending one word at a time
 * with realloc, splits it with strtok on a strdup'd copy, strdup's every
 * word into an array grown with realloc, sorts with qsort, counts, and
 * prints with printf. Then aligned_alloc and malloc_usable_size, and the
 * failure paths through libc's view: errno after a failed malloc, posix_memalign's error numbers, and a
 * request larger than the module's maximum memory (the link sets it to
 * 64 MiB). Its output must be exactly tests/wasi/expected.txt, whichever
 * malloc is linked.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, posix_memalign, newlocale */
#include <errno.h>
#include <locale.h>
#include <malloc.h> /* malloc_usable_size */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS 20000

static const char *const vocabulary[] = {
    "cat",   "dog",   "wasm",  "heap", "page",   "block", "free",  "list", "bin",  "span",
    "top",   "grow",  "merge", "split", "align", "word",  "byte",  "node", "wasi", "libc",
    "realloc", "malloc", "calloc", "qsort", "strdup", "printf", "memory", "region", "bump", "tag",
};
#define VOCAB (sizeof vocabulary / sizeof vocabulary[0])

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n);
    if (!q) {
        printf("out of memory at %zu bytes\n", n);
        exit(1);
    }
    return q;
}

/* A string that grows by exactly what is appended: one realloc per append. */
typedef struct text {
    char *s;
    size_t len;
    unsigned reallocs;
} text;

static void append(text *t, const char *piece) {
    size_t n = strlen(piece);
    t->s = xrealloc(t->s, t->len + n + 1);
    memcpy(t->s + t->len, piece, n + 1);
    t->len += n;
    t->reallocs++;
}

static int by_string(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct count {
    const char *word;
    unsigned n;
} count;

static int by_count_then_word(const void *a, const void *b) {
    const count *x = a, *y = b;
    if (x->n != y->n) return x->n < y->n ? 1 : -1;
    return strcmp(x->word, y->word);
}

static uint32_t fnv1a(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static const char *errno_name(int e) {
    return e == ENOMEM ? "ENOMEM" : e == EINVAL ? "EINVAL" : e == 0 ? "0" : "other";
}

/* Failed requests are stored here so that the compiler cannot drop them
 * (a malloc whose result is only compared with NULL may be elided). */
static void *volatile sink;

static void goodbye(void) { printf("atexit handler ran\n"); }

int main(void) {
    /* atexit allocates through wasi-libc's internal __libc_calloc */
    if (atexit(goodbye) != 0) return 1;

    /* 1. the text, one realloc per word */
    text t = {0};
    uint32_t x = 12345;
    for (unsigned i = 0; i < WORDS; i++) {
        x = x * 1103515245u + 12345u;
        append(&t, vocabulary[(x >> 16) % VOCAB]);
        append(&t, (x & 0x300) ? " " : "\n");
    }
    printf("text: %zu bytes, %u reallocs, fnv %08x\n", t.len, t.reallocs, (unsigned)fnv1a(t.s, t.len));

    /* 2. split a strdup'd copy; strdup every word into a growing array */
    char *copy = strdup(t.s);
    char **words = NULL;
    size_t n = 0;
    for (char *w = strtok(copy, " \n"); w; w = strtok(NULL, " \n")) {
        words = xrealloc(words, (n + 1) * sizeof *words);
        words[n++] = strdup(w);
    }
    free(copy);
    printf("words: %zu\n", n);

    /* 3. sort, count, sort the counts */
    qsort(words, n, sizeof *words, by_string);
    count *counts = NULL;
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (!distinct || strcmp(counts[distinct - 1].word, words[i]) != 0) {
            counts = xrealloc(counts, (distinct + 1) * sizeof *counts);
            counts[distinct++] = (count){words[i], 0};
        }
        counts[distinct - 1].n++;
    }
    printf("distinct: %zu, first: %s, last: %s\n", distinct, words[0], words[n - 1]);
    qsort(counts, distinct, sizeof *counts, by_count_then_word);
    for (size_t i = 0; i < 5; i++) printf("  %-8s %u\n", counts[i].word, counts[i].n);
    printf("  ...\n  %-8s %u\n", counts[distinct - 1].word, counts[distinct - 1].n);

    /* 4. the sorted words joined again, growing 16 KiB pieces to 16 MiB */
    text sorted = {0};
    for (size_t i = 0; i < n; i++) {
        append(&sorted, words[i]);
        append(&sorted, " ");
    }
    printf("sorted: %zu bytes, fnv %08x\n", sorted.len, (unsigned)fnv1a(sorted.s, sorted.len));
    char piece[16385];
    memset(piece, 'z', sizeof piece - 1);
    piece[sizeof piece - 1] = '\0';
    text big = {0};
    for (unsigned i = 0; i < 1024; i++) append(&big, piece);
    printf("big: %zu bytes, fnv %08x\n", big.len, (unsigned)fnv1a(big.s, big.len));
    free(big.s);
    free(sorted.s);
    for (size_t i = 0; i < n; i++) free(words[i]);
    free(words);
    free(counts);
    free(t.s);

    /* 5. failures as libc users see them */
    errno = 0;
    void *p = sink = malloc(SIZE_MAX / 2);
    printf("malloc(SIZE_MAX / 2): %s, errno %s\n", p ? "block" : "NULL", errno_name(errno));
    errno = 0;
    p = sink = malloc((size_t)100 << 20); /* more than the 64 MiB the module may have */
    printf("malloc(100 MiB): %s, errno %s\n", p ? "block" : "NULL", errno_name(errno));
    errno = 0;
    p = sink = calloc(SIZE_MAX / 8, 16);
    printf("calloc overflow: %s, errno %s\n", p ? "block" : "NULL", errno_name(errno));
    p = &p;
    printf("posix_memalign(24): %s\n", errno_name(posix_memalign(&p, 24, 8)));
    printf("posix_memalign(100 MiB): %s\n", errno_name(posix_memalign(&p, 64, (size_t)100 << 20)));
    printf("posix_memalign(4096): %s", errno_name(posix_memalign(&p, 4096, 100)));
    printf(", aligned %s\n", ((uintptr_t)p & 4095) == 0 ? "yes" : "no");
    free(p);
    char *al = aligned_alloc(256, 1000);
    printf("aligned_alloc(256, 1000): %s, usable >= 1000: %s\n",
           al && ((uintptr_t)al & 255) == 0 ? "aligned" : "not aligned",
           al && malloc_usable_size(al) >= 1000 ? "yes" : "no");
    free(al);
    char *again = strdup("still works after failures");
    printf("%s\n", again ? again : "(NULL)");
    free(again);

    /* 6. newlocale and freelocale allocate through __libc_malloc/__libc_free */
    locale_t loc = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
    printf("newlocale: %s\n", loc ? "ok" : "NULL");
    if (loc) freelocale(loc);
    return 0;
}
