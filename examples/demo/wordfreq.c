/*
 * wordfreq.c - counts words and word pairs in a text and reports the most
 * frequent ones, a line index, word and sentence length histograms and a
 * checksum of the whole word table.
 *
 * Its memory use is that of an ordinary C program: a hash table of words
 * (each a malloc'd string plus a line-number array grown by realloc), a
 * second table of word pairs whose keys are built in a growing string, a
 * scratch array per sentence, a growing histogram, the longest sentence kept
 * as a string that is replaced when a longer one comes, tables rehashed into
 * larger ones as they fill, a merge sort with a temporary array, and a
 * report built in a growing buffer. Everything is freed at the end.
 *
 * Words are maximal runs of ASCII letters and apostrophes, apostrophes
 * trimmed at both ends, lowercased. '.', '!' and '?' end a sentence; pairs
 * are two consecutive words of one sentence. examples/demo/demo.mjs checks
 * the counts and the checksum against its own JavaScript implementation.
 */
#include "wordfreq.h"

/* ---- small string helpers (no <string.h>: the freestanding build has none) -- */

static size_t str_len(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static void mem_copy(char *dst, const char *src, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

static int str_cmp(const char *a, const char *b) {
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static bool mem_eq(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

static uint32_t fnv1a(uint32_t h, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}
#define FNV_START 2166136261u

/* ---- the report buffer --------------------------------------------------------- */

static bool out_reserve(wf_out *o, size_t more) {
    if (o->failed) return false;
    if (o->len + more <= o->cap) return true;
    size_t cap = o->cap ? o->cap : 256;
    while (cap < o->len + more) cap *= 2;
    char *b = realloc(o->buf, cap);
    if (!b) {
        o->failed = true;
        return false;
    }
    o->buf = b;
    o->cap = cap;
    return true;
}

void wf_out_mem(wf_out *o, const char *s, size_t n) {
    if (!out_reserve(o, n)) return;
    mem_copy(o->buf + o->len, s, n);
    o->len += n;
}

void wf_out_str(wf_out *o, const char *s) { wf_out_mem(o, s, str_len(s)); }

void wf_out_udec(wf_out *o, uint64_t v, unsigned width) {
    char tmp[24];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width && n < sizeof tmp) tmp[sizeof tmp - 1 - n++] = ' ';
    wf_out_mem(o, tmp + sizeof tmp - n, n);
}

void wf_out_hex32(wf_out *o, uint32_t v) {
    char tmp[10] = {'0', 'x'};
    for (int i = 0; i < 8; i++) tmp[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15u];
    wf_out_mem(o, tmp, sizeof tmp);
}

/* Pads `s` with spaces to `width` columns. */
static void out_padded(wf_out *o, const char *s, size_t width) {
    size_t n = str_len(s);
    wf_out_mem(o, s, n);
    while (n++ < width) wf_out_mem(o, " ", 1);
}

void wf_out_free(wf_out *o) {
    free(o->buf);
    o->buf = NULL;
    o->len = o->cap = 0;
}

/* ---- a growing string ------------------------------------------------------------ */

typedef struct strbuf {
    char *s; /* NUL-terminated when non-NULL */
    size_t len, cap;
} strbuf;

static bool sb_push(strbuf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 8;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) return false;
        b->s = p;
        b->cap = cap;
    }
    mem_copy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return true;
}

/* ---- hash tables of counted keys --------------------------------------------------- */

typedef struct entry {
    struct entry *next; /* hash chain */
    char *key;          /* its own malloc'd copy */
    uint32_t key_len, hash;
    uint64_t count;
    uint32_t *lines; /* words only: lines it is on, ascending, grown by doubling */
    uint32_t n_lines, cap_lines;
} entry;

typedef struct table {
    entry **slots;
    size_t n_slots; /* a power of two */
    size_t n_entries;
} table;

static bool table_grow(table *t) {
    size_t n = t->n_slots ? t->n_slots * 2 : 64;
    entry **slots = calloc(n, sizeof *slots);
    if (!slots) return false;
    for (size_t i = 0; i < t->n_slots; i++) {
        entry *e = t->slots[i];
        while (e) {
            entry *next = e->next;
            size_t j = e->hash & (n - 1);
            e->next = slots[j];
            slots[j] = e;
            e = next;
        }
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n;
    return true;
}

/* The entry for key[0..n), created with count 0 if new; NULL when out of memory. */
static entry *table_get(table *t, const char *key, size_t n) {
    uint32_t h = fnv1a(FNV_START, key, n);
    if (t->n_slots) {
        for (entry *e = t->slots[h & (t->n_slots - 1)]; e; e = e->next)
            if (e->hash == h && e->key_len == n && mem_eq(e->key, key, n)) return e;
    }
    if ((t->n_entries + 1) * 4 > t->n_slots * 3 && !table_grow(t)) return NULL;
    entry *e = malloc(sizeof *e);
    char *k = malloc(n + 1);
    if (!e || !k) {
        free(e);
        free(k);
        return NULL;
    }
    mem_copy(k, key, n);
    k[n] = '\0';
    *e = (entry){.key = k, .key_len = (uint32_t)n, .hash = h};
    size_t j = h & (t->n_slots - 1);
    e->next = t->slots[j];
    t->slots[j] = e;
    t->n_entries++;
    return e;
}

static bool entry_add_line(entry *e, uint32_t line) {
    if (e->n_lines && e->lines[e->n_lines - 1] == line) return true;
    if (e->n_lines == e->cap_lines) {
        uint32_t cap = e->cap_lines ? e->cap_lines * 2 : 2;
        uint32_t *l = realloc(e->lines, cap * sizeof *l);
        if (!l) return false;
        e->lines = l;
        e->cap_lines = cap;
    }
    e->lines[e->n_lines++] = line;
    return true;
}

static void table_free(table *t) {
    for (size_t i = 0; i < t->n_slots; i++) {
        entry *e = t->slots[i];
        while (e) {
            entry *next = e->next;
            free(e->lines);
            free(e->key);
            free(e);
            e = next;
        }
    }
    free(t->slots);
    *t = (table){0};
}

/* All entries of t in a new array, sorted by `before`; NULL when out of memory. */
static entry **table_sorted(const table *t, bool (*before)(const entry *, const entry *)) {
    size_t n = t->n_entries;
    entry **a = malloc((n ? n : 1) * sizeof *a);
    entry **tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!a || !tmp) {
        free(a);
        free(tmp);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < t->n_slots; i++)
        for (entry *e = t->slots[i]; e; e = e->next) a[k++] = e;
    /* bottom-up merge sort: stable, O(n log n) */
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) tmp[o++] = before(a[j], a[i]) ? a[j++] : a[i++];
            while (i < mid) tmp[o++] = a[i++];
            while (j < hi) tmp[o++] = a[j++];
        }
        entry **swap = a;
        a = tmp;
        tmp = swap;
    }
    free(tmp);
    return a;
}

static bool by_count(const entry *a, const entry *b) {
    if (a->count != b->count) return a->count > b->count;
    return str_cmp(a->key, b->key) < 0;
}

static bool by_key(const entry *a, const entry *b) { return str_cmp(a->key, b->key) < 0; }

/* ---- the analysis -------------------------------------------------------------------- */

#define TOP_WORDS 20
#define TOP_PAIRS 10
#define MAX_WORD_LEN_BIN 16 /* word lengths from here on share the last bin */

typedef struct state {
    table words, pairs;
    strbuf token, pair_key, longest;
    entry **sentence; /* words of the current sentence (scratch, freed per sentence) */
    size_t sentence_len, sentence_cap;
    uint64_t *sentence_hist; /* sentences by length in words, grown as needed */
    size_t sentence_hist_len;
    uint64_t word_len_hist[MAX_WORD_LEN_BIN + 1];
    uint64_t n_words, n_sentences, n_lines;
    size_t longest_words;
} state;

static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static bool add_word(state *s, const char *w, size_t n, uint32_t line) {
    /* lowercase into the token buffer (a growing string reused for every word) */
    s->token.len = 0;
    if (!sb_push(&s->token, w, n)) return false;
    for (size_t i = 0; i < n; i++)
        if (s->token.s[i] >= 'A' && s->token.s[i] <= 'Z') s->token.s[i] = (char)(s->token.s[i] + 32);
    entry *e = table_get(&s->words, s->token.s, n);
    if (!e || !entry_add_line(e, line)) return false;
    e->count++;
    s->n_words++;
    s->word_len_hist[n < MAX_WORD_LEN_BIN ? n : MAX_WORD_LEN_BIN]++;

    if (s->sentence_len > 0) {
        const entry *prev = s->sentence[s->sentence_len - 1];
        s->pair_key.len = 0;
        if (!sb_push(&s->pair_key, prev->key, prev->key_len) || !sb_push(&s->pair_key, " ", 1) ||
            !sb_push(&s->pair_key, e->key, e->key_len))
            return false;
        entry *p = table_get(&s->pairs, s->pair_key.s, s->pair_key.len);
        if (!p) return false;
        p->count++;
    }
    if (s->sentence_len == s->sentence_cap) {
        size_t cap = s->sentence_cap ? s->sentence_cap * 2 : 4;
        entry **a = realloc(s->sentence, cap * sizeof *a);
        if (!a) return false;
        s->sentence = a;
        s->sentence_cap = cap;
    }
    s->sentence[s->sentence_len++] = e;
    return true;
}

static bool end_sentence(state *s) {
    size_t n = s->sentence_len;
    if (n == 0) return true;
    s->n_sentences++;
    if (n >= s->sentence_hist_len) {
        size_t len = n + 1;
        uint64_t *h = realloc(s->sentence_hist, len * sizeof *h);
        if (!h) return false;
        for (size_t i = s->sentence_hist_len; i < len; i++) h[i] = 0;
        s->sentence_hist = h;
        s->sentence_hist_len = len;
    }
    s->sentence_hist[n]++;
    if (n > s->longest_words) {
        /* keep the longest sentence as a string: build a new one, free the old */
        strbuf b = {0};
        for (size_t i = 0; i < n; i++) {
            if ((i && !sb_push(&b, " ", 1)) ||
                !sb_push(&b, s->sentence[i]->key, s->sentence[i]->key_len)) {
                free(b.s);
                return false;
            }
        }
        free(s->longest.s);
        s->longest = b;
        s->longest_words = n;
    }
    /* the scratch array goes back to the allocator after every sentence */
    free(s->sentence);
    s->sentence = NULL;
    s->sentence_len = s->sentence_cap = 0;
    return true;
}

static bool scan(state *s, const char *text, size_t len) {
    uint32_t line = 1;
    size_t i = 0;
    while (i < len) {
        char c = text[i];
        if (is_letter(c) || c == '\'') {
            size_t start = i;
            while (i < len && (is_letter(text[i]) || text[i] == '\'')) i++;
            size_t end = i;
            while (start < end && text[start] == '\'') start++;
            while (end > start && text[end - 1] == '\'') end--;
            if (end > start && !add_word(s, text + start, end - start, line)) return false;
            continue;
        }
        if (c == '\n') line++;
        if ((c == '.' || c == '!' || c == '?') && !end_sentence(s)) return false;
        i++;
    }
    s->n_lines = len == 0 ? 0 : (text[len - 1] == '\n' ? line - 1 : line);
    return end_sentence(s);
}

static uint32_t table_checksum(entry **sorted, size_t n) {
    uint32_t h = FNV_START;
    char num[24];
    for (size_t i = 0; i < n; i++) {
        h = fnv1a(h, sorted[i]->key, sorted[i]->key_len);
        size_t k = sizeof num;
        uint64_t v = sorted[i]->count;
        num[--k] = '\n';
        do {
            num[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        num[--k] = ' ';
        h = fnv1a(h, num + k, sizeof num - k);
    }
    return h;
}

static bool report(state *s, wf_out *o) {
    wf_out_str(o, "words ");
    wf_out_udec(o, s->n_words, 0);
    wf_out_str(o, ", distinct ");
    wf_out_udec(o, s->words.n_entries, 0);
    wf_out_str(o, ", distinct pairs ");
    wf_out_udec(o, s->pairs.n_entries, 0);
    wf_out_str(o, ", sentences ");
    wf_out_udec(o, s->n_sentences, 0);
    wf_out_str(o, ", lines ");
    wf_out_udec(o, s->n_lines, 0);
    wf_out_str(o, "\n\nmost frequent words         count   lines  first lines\n");

    entry **w = table_sorted(&s->words, by_count);
    if (!w) return false;
    for (size_t i = 0; i < TOP_WORDS && i < s->words.n_entries; i++) {
        wf_out_udec(o, i + 1, 3);
        wf_out_str(o, "  ");
        out_padded(o, w[i]->key, 20);
        wf_out_udec(o, w[i]->count, 8);
        wf_out_udec(o, w[i]->n_lines, 8);
        wf_out_str(o, " ");
        for (uint32_t k = 0; k < 5 && k < w[i]->n_lines; k++) {
            wf_out_str(o, " ");
            wf_out_udec(o, w[i]->lines[k], 0);
        }
        wf_out_str(o, "\n");
    }
    size_t once = 0;
    for (size_t i = 0; i < s->words.n_entries; i++) once += w[i]->count == 1;
    free(w);
    wf_out_str(o, "words seen once: ");
    wf_out_udec(o, once, 0);

    wf_out_str(o, "\n\nmost frequent pairs                   count\n");
    entry **p = table_sorted(&s->pairs, by_count);
    if (!p) return false;
    for (size_t i = 0; i < TOP_PAIRS && i < s->pairs.n_entries; i++) {
        wf_out_udec(o, i + 1, 3);
        wf_out_str(o, "  ");
        out_padded(o, p[i]->key, 30);
        wf_out_udec(o, p[i]->count, 8);
        wf_out_str(o, "\n");
    }
    free(p);

    wf_out_str(o, "\nword lengths (letters: words)\n");
    for (size_t n = 1; n <= MAX_WORD_LEN_BIN; n++) {
        wf_out_udec(o, n, 4);
        wf_out_str(o, n == MAX_WORD_LEN_BIN ? "+" : ":");
        wf_out_udec(o, s->word_len_hist[n], 7);
        wf_out_str(o, n % 4 == 0 ? "\n" : "   ");
    }
    wf_out_str(o, "sentence lengths (words: sentences)\n");
    size_t shown = 0;
    for (size_t n = 1; n < s->sentence_hist_len; n++) {
        if (!s->sentence_hist[n]) continue;
        wf_out_udec(o, n, 4);
        wf_out_str(o, ":");
        wf_out_udec(o, s->sentence_hist[n], 7);
        wf_out_str(o, ++shown % 4 == 0 ? "\n" : "   ");
    }
    if (shown % 4) wf_out_str(o, "\n");
    wf_out_str(o, "longest sentence (");
    wf_out_udec(o, s->longest_words, 0);
    wf_out_str(o, " words): ");
    if (s->longest.s) wf_out_str(o, s->longest.s);
    wf_out_str(o, "\n");

    entry **k = table_sorted(&s->words, by_key);
    if (!k) return false;
    wf_out_str(o, "checksum of the word table: ");
    wf_out_hex32(o, table_checksum(k, s->words.n_entries));
    wf_out_str(o, "\n");
    free(k);
    return !o->failed;
}

int wf_analyze(const char *text, size_t len, wf_out *out, void (*before_cleanup)(void)) {
    state *s = calloc(1, sizeof *s);
    if (!s) {
        wf_out_str(out, "out of memory\n");
        return 1;
    }
    bool ok = scan(s, text, len) && report(s, out);
    /* every table is still live here: the alloc_cat builds take their stats
     * snapshot (ac_report.c: wf_ac_snapshot) */
    if (before_cleanup) before_cleanup();
    table_free(&s->words);
    table_free(&s->pairs);
    free(s->token.s);
    free(s->pair_key.s);
    free(s->longest.s);
    free(s->sentence);
    free(s->sentence_hist);
    free(s);
    if (!ok) wf_out_str(out, "\nout of memory\n");
    return ok ? 0 : 1;
}
