/*
 * misuse_std_names.h - kinds of misuse committed through the C library's
 * names only (malloc, free, realloc, malloc_usable_size, strdup), by a
 * program that links no alloc_cat: tests/misuse_default.c built with
 * -DMISUSE_STD_NAMES, run under LD_PRELOAD with the checked preload library
 * (build/native/liballoc_cat_preload_checked.so). Each kind must end in the
 * library's one line naming it and a trap, as the checked build's default
 * hook does; under glibc's malloc or the unchecked preload library these
 * lines do not appear, so the test fails there.
 *
 * The calls go through volatile pointers: gcc knows what malloc and free
 * do and would warn of (or drop) what these functions do on purpose.
 * Written bytes are the complement of what is there, so that a write is
 * sure to change the canary or the fill whatever they hold.
 */
#ifndef MISUSE_STD_NAMES_H
#define MISUSE_STD_NAMES_H

#include <malloc.h>
#include <string.h>

static void *(*volatile std_malloc)(size_t) = malloc;
static void (*volatile std_free)(void *) = free;
static void *(*volatile std_realloc)(void *, size_t) = realloc;
static size_t (*volatile std_usable)(void *) = malloc_usable_size;

static void flip(char *p) { *p = (char)~*p; }

static void double_free(void) {
    char *a = std_malloc(24), *guard = std_malloc(24);
    (void)guard;
    std_free(a);
    tell(a);
    std_free(a);
}

/* A block the C library allocated for the program (strdup calls malloc). */
static void double_free_strdup(void) {
    char *s = strdup("a string the C library allocated");
    std_free(s);
    tell(s);
    std_free(s);
}

static void realloc_freed(void) {
    char *a = std_malloc(40), *guard = std_malloc(24);
    (void)guard;
    std_free(a);
    tell(a);
    char *b = std_realloc(a, 80);
    (void)b;
}

static void usable_size_freed(void) {
    char *a = std_malloc(40), *guard = std_malloc(24);
    (void)guard;
    std_free(a);
    tell(a);
    size_t n = std_usable(a);
    (void)n;
}

static void foreign_static(void) {
    static char not_from_the_heap[64];
    tell(not_from_the_heap + 16);
    std_free(not_from_the_heap + 16);
}

static void foreign_interior(void) {
    char *a = std_malloc(100);
    tell(a + 8);
    std_free(a + 8);
}

/* One byte past a string's end: room for the characters, none for the
 * terminating zero. */
static void overflow_by_one(void) {
    const char *text = "no room for the zero";
    size_t n = strlen(text);
    char *p = std_malloc(n);
    memcpy(p, text, n);
    flip(p + n);
    tell(p);
    std_free(p);
}

static void overflow_realloc(void) {
    char *p = std_malloc(40);
    flip(p + 42);
    tell(p);
    char *q = std_realloc(p, 400);
    (void)q;
}

/* Four bytes past a block's end, past its canary: the next block's header
 * (in the checked library the header and a mark come before each
 * payload), found when the first block is freed. */
static void overrun_into_next_header(void) {
    char *a = std_malloc(20), *b = std_malloc(20), *guard = std_malloc(20);
    (void)guard;
    flip(a + 24); /* b - 8: b's header */
    tell(b);
    std_free(a);
}

/* Freed memory written where the free block keeps its list links, found by
 * the next malloc of that size. */
static void write_after_free_links(void) {
    char *a = std_malloc(100), *guard = std_malloc(100);
    (void)guard;
    std_free(a);
    tell(a);
    memset(a, 'x', 8);
    char *b = std_malloc(100);
    (void)b;
}

/* Freed memory written in its data, found when the block is handed out
 * again: the fill is 0xdb, the byte written its complement 0x24. */
static void write_after_free_data(void) {
    char *a = std_malloc(100), *guard = std_malloc(100);
    (void)guard;
    std_free(a);
    flip(a + 50);
    tell(a + 50);
    char *b = std_malloc(100);
    (void)b;
}

typedef struct kind {
    const char *name;
    void (*commit)(void);
    const char *format;
} kind;

static const kind kinds[] = {
    {"double_free", double_free, "alloc_cat: double free of %s in free"},
    {"double_free_strdup", double_free_strdup, "alloc_cat: double free of %s in free"},
    {"realloc_freed", realloc_freed, "alloc_cat: double free of %s in realloc"},
    {"usable_size_freed", usable_size_freed, "alloc_cat: double free of %s in malloc_usable_size"},
    {"foreign_static", foreign_static,
     "alloc_cat: foreign pointer %s in free: not a live block of this heap"},
    {"foreign_interior", foreign_interior,
     "alloc_cat: foreign pointer %s in free: not a live block of this heap"},
    {"overflow_by_one", overflow_by_one,
     "alloc_cat: write past the end of %s in free (20 bytes): its canary was overwritten"},
    {"overflow_realloc", overflow_realloc,
     "alloc_cat: write past the end of %s in realloc (40 bytes): its canary was overwritten"},
    {"overrun_into_next_header", overrun_into_next_header,
     "alloc_cat: heap damage at %s: the header of the block in use there was overwritten (a write "
     "past the end of the block before it, or a stray pointer); the heap cannot go on"},
    {"write_after_free_links", write_after_free_links,
     "alloc_cat: write after free at %s: the free block there lost its header or list links; the "
     "heap cannot go on"},
    {"write_after_free_data", write_after_free_data,
     "alloc_cat: write after free at %s: freed memory there holds 0x24, not the fill 0xdb"},
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

#endif
