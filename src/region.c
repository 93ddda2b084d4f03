/*
 * region.c - the region allocator: a bump pointer plus an address-ordered
 * free list whose links are packed into one 32-bit word.
 *
 * Layout of a region (one span of at most 2 MiB, header included):
 *
 *   +--------------------+-------------------------------+---------------+
 *   | next | end | bump  | blocks in use, free fragments | bump tail     |
 *   |      |     | head  |                               | (never used)  |
 *   +--------------------+-------------------------------+---------------+
 *   r                    begin = (uint32_t *)(r + 1)     bump            end
 *
 * A free fragment's first word is its link: size in words in the high 13
 * bits, word offset to the next fragment in the low 19 bits (0 = last). The
 * head is a link of size 0 inside the header, so "insert after prev" and
 * "unlink after prev" need no special case for the first fragment.
 *
 * Invariants (ac_region_check verifies them all):
 *  - begin <= bump <= end, and end - r <= 2 MiB, so every offset between two
 *    words of the span fits in 19 bits;
 *  - fragments lie in [begin, bump), in strictly increasing address order,
 *    non-empty and non-overlapping;
 *  - two touching fragments exist only when their merged size would not fit
 *    13 bits (the seed merged them anyway and wrapped the size field);
 *  - no fragment ends at the bump pointer: such a run is handed back to the
 *    bump tail at once, so the tail is the one big free area.
 *
 * Every operation is O(fragments) in the region it touches. That is the
 * price of a 4-byte free link and of the address order that makes merging
 * and the bump give-back possible.
 */
#include "internal.h"

#define SIZE_SHIFT  19u
#define OFFSET_MASK ((1u << SIZE_SHIFT) - 1u)
#define MAX_WORDS   AC_REGION_MAX_BLOCK_WORDS
#define WORD_BYTES  4u

_Static_assert(sizeof(uint32_t) == WORD_BYTES, "a word is 4 bytes");
_Static_assert(MAX_WORDS == (UINT32_MAX >> SIZE_SHIFT), "size field is the high 13 bits");
_Static_assert(AC_REGION_MAX_SPAN_BYTES / WORD_BYTES - 1u <= OFFSET_MASK,
               "an offset between two words of a span fits the 19-bit field");
_Static_assert(sizeof(ac_region) % WORD_BYTES == 0, "blocks after the header are word-aligned");
#if defined(__x86_64__)
_Static_assert(sizeof(ac_region) == 32 && offsetof(ac_region, head) == 24,
               "x86_64 header has the seed's layout");
#elif defined(__wasm32__)
_Static_assert(sizeof(ac_region) == 16 && offsetof(ac_region, head) == 12,
               "wasm32 header is four words");
#endif

/* ---- the packed link ----------------------------------------------------- */

static size_t link_words(const uint32_t *l) { return *l >> SIZE_SHIFT; }

/* The word at l + words, writable: the links are the region's own words,
 * read through const pointers by the queries (through uintptr_t, so that
 * -Wcast-qual has no cast to name). */
static uint32_t *link_at(const uint32_t *l, size_t words) {
    return (uint32_t *)(uintptr_t)l + words;
}

static uint32_t *link_next(const uint32_t *l) {
    uint32_t off = *l & OFFSET_MASK;
    return off ? link_at(l, off) : NULL;
}

static uint32_t *link_end(const uint32_t *l) { return link_at(l, link_words(l)); }

/* next must lie after l within the same span (or be NULL). */
static void link_set(uint32_t *l, size_t words, const uint32_t *next) {
    uint32_t off = next ? (uint32_t)(next - l) : 0u;
    *l = ((uint32_t)words << SIZE_SHIFT) | off;
}

static void link_set_next(uint32_t *l, const uint32_t *next) { link_set(l, link_words(l), next); }

/* ---- one region ------------------------------------------------------------ */

static uint32_t *region_begin(const ac_region *r) { return (uint32_t *)(uintptr_t)(r + 1); }

static bool region_holds(const ac_region *r, const uint32_t *p) {
    return p >= region_begin(r) && p < r->end;
}

/* Hands every fragment that ends at the bump pointer back to the bump tail.
 * More than one can touch it only where the size field forbade a merge. */
static void region_trim_tail(ac_region *r) {
    for (;;) {
        uint32_t *pred = &r->head, *last = link_next(pred), *n;
        if (!last) return;
        while ((n = link_next(last)) != NULL) {
            pred = last;
            last = n;
        }
        if (link_end(last) != r->bump) return;
        r->bump = last;
        link_set_next(pred, NULL);
    }
}

/* Puts [p, p + words) on the free list: 1 <= words <= MAX_WORDS, the block
 * lies in [begin, bump). Returns false, changing nothing, when it overlaps a
 * fragment. */
static bool region_insert(ac_region *r, uint32_t *p, size_t words) {
    uint32_t *prev = &r->head, *next;
    while ((next = link_next(prev)) != NULL && next < p) prev = next;

    bool prev_is_fragment = prev != &r->head;
    if ((prev_is_fragment && link_end(prev) > p) || (next && p + words > next)) return false;

    if (p + words == r->bump) {
        r->bump = p;
        region_trim_tail(r);
        return true;
    }
    if (prev_is_fragment && link_end(prev) == p && link_words(prev) + words <= MAX_WORDS) {
        link_set(prev, link_words(prev) + words, next);
        p = prev;
    } else {
        link_set(p, words, next);
        link_set_next(prev, p);
    }
    if (next && link_end(p) == next && link_words(p) + link_words(next) <= MAX_WORDS)
        link_set(p, link_words(p) + link_words(next), link_next(next));
    return true;
}

static void *region_alloc_one(ac_region *r, size_t words, uintptr_t align_mask) {
    uint32_t *prev = &r->head, *cur;
    while ((cur = link_next(prev)) != NULL) {
        if (link_words(cur) >= words && ((uintptr_t)cur & align_mask) == 0) {
            size_t rest = link_words(cur) - words;
            uint32_t *after = link_next(cur);
            if (rest) {
                /* The tail may touch a fragment it could not merge with
                 * before (the size field was full): merge now if it fits. */
                uint32_t *tail = cur + words;
                if (after && tail + rest == after && rest + link_words(after) <= MAX_WORDS)
                    link_set(tail, rest + link_words(after), link_next(after));
                else
                    link_set(tail, rest, after);
                after = tail;
            }
            link_set_next(prev, after);
            return cur;
        }
        prev = cur;
    }

    /* From the bump tail. Compute in addresses so that neither the alignment
     * padding nor the block can run past the end (the seed's room check
     * could underflow here). */
    uintptr_t at = (uintptr_t)r->bump, end = (uintptr_t)r->end;
    uintptr_t aligned = (at + align_mask) & ~align_mask;
    if (aligned < at || aligned > end || (end - aligned) / WORD_BYTES < words) return NULL;

    uint32_t *pad = r->bump;
    size_t pad_words = (size_t)(aligned - at) / WORD_BYTES;
    uint32_t *block = pad + pad_words;
    r->bump = block + words;
    /* The skipped words become fragments (in pieces the size field can
     * hold); they end at the new block, not at the bump pointer. */
    while (pad_words) {
        size_t piece = pad_words < MAX_WORDS ? pad_words : MAX_WORDS;
        bool ok = region_insert(r, pad, piece);
        AC_ASSERT(ok);
        pad += piece;
        pad_words -= piece;
    }
    return block;
}

/* ---- public API ------------------------------------------------------------ */

ac_region *ac_region_init(void *begin, void *end) {
    if (!begin || !end) return NULL;
    uintptr_t b = (uintptr_t)begin, e = (uintptr_t)end & ~(uintptr_t)(WORD_BYTES - 1);
    uintptr_t align = (uintptr_t)_Alignof(ac_region);
    uintptr_t skip = (align - (b & (align - 1))) & (align - 1);
    if (b + skip < b) return NULL;
    b += skip;
    if (e < b || e - b < sizeof(ac_region) || e - b > AC_REGION_MAX_SPAN_BYTES) return NULL;

    ac_region *r = (ac_region *)(void *)((char *)begin + skip);
    r->next = NULL;
    r->end = (uint32_t *)(void *)((char *)r + (e - b));
    r->bump = region_begin(r);
    r->head = 0;
    return r;
}

void *ac_region_alloc(ac_region *r, size_t words, unsigned align_bits) {
    if (words == 0 || words > MAX_WORDS || align_bits >= sizeof(uintptr_t) * 8) return NULL;
    uintptr_t mask = ((uintptr_t)1 << align_bits) - 1;
    for (; r; r = r->next) {
        void *p = region_alloc_one(r, words, mask);
        if (p) return p;
    }
    return NULL;
}

bool ac_region_free(ac_region *r, void *ptr, size_t words) {
    uint32_t *p = ptr;
    if (!p || words == 0 || words > MAX_WORDS) return false;
    while (r && !region_holds(r, p)) r = r->next;
    if (!r || ((uintptr_t)p & (WORD_BYTES - 1)) || p >= r->bump ||
        (size_t)(r->bump - p) < words)
        return false;
    return region_insert(r, p, words);
}

bool ac_region_extend(ac_region *r, void *new_end) {
    if (!r || !new_end) return false;
    uintptr_t e = (uintptr_t)new_end & ~(uintptr_t)(WORD_BYTES - 1);
    if (e < (uintptr_t)r->end || e - (uintptr_t)r > AC_REGION_MAX_SPAN_BYTES) return false;
    r->end += (e - (uintptr_t)r->end) / WORD_BYTES;
    return true;
}

ac_region *ac_region_next(const ac_region *r) { return r ? r->next : NULL; }

void ac_region_set_next(ac_region *r, ac_region *next) {
    if (r) r->next = next;
}

void *ac_region_begin(const ac_region *r) { return r ? region_begin(r) : NULL; }
void *ac_region_end(const ac_region *r) { return r ? r->end : NULL; }
void *ac_region_bump(const ac_region *r) { return r ? r->bump : NULL; }
uint32_t ac_region_head_link(const ac_region *r) { return r ? r->head : 0u; }

ac_region_stats_t ac_region_stats(const ac_region *r) {
    ac_region_stats_t s = {0, 0, 0, 0, 0, 0};
    for (; r; r = r->next) {
        s.regions++;
        s.total_words += (size_t)(r->end - region_begin(r));
        s.allocated_words += (size_t)(r->bump - region_begin(r));
        s.unused_words += (size_t)(r->end - r->bump);
        for (const uint32_t *l = link_next(&r->head); l; l = link_next(l)) {
            s.fragments++;
            s.fragment_words += link_words(l);
        }
    }
    return s;
}

/* Checks one region without trusting any of its words. */
static bool region_check_one(const ac_region *r) {
    uintptr_t a = (uintptr_t)r;
    if (a & ((uintptr_t)_Alignof(ac_region) - 1)) return false;
    const uint32_t *begin = region_begin(r), *end = r->end, *bump = r->bump;
    if ((uintptr_t)end & (WORD_BYTES - 1) || (uintptr_t)bump & (WORD_BYTES - 1)) return false;
    if (end < begin || (uintptr_t)end - a > AC_REGION_MAX_SPAN_BYTES) return false;
    if (bump < begin || bump > end) return false;
    if (link_words(&r->head) != 0) return false;

    size_t fragment_words = 0, prev_words = 0;
    const uint32_t *prev_end = begin;
    for (const uint32_t *l = link_next(&r->head); l; l = link_next(l)) {
        /* in range before the word is read */
        if (l < prev_end || l >= bump) return false;
        size_t words = link_words(l);
        if (words == 0 || (size_t)(bump - l) <= words) return false; /* inside, not touching bump */
        if (l == prev_end && prev_words && prev_words + words <= MAX_WORDS) return false;
        fragment_words += words;
        prev_words = words;
        prev_end = l + words;
    }
    return fragment_words <= (size_t)(bump - begin);
}

bool ac_region_check(const ac_region *r) {
    /* Floyd's cycle check on the chain: a cycle would make every walk hang. */
    const ac_region *slow = r;
    for (size_t i = 0; r; i++) {
        if (!region_check_one(r)) return false;
        r = r->next;
        if (i & 1) slow = slow->next;
        if (r && r == slow) return false;
    }
    return true;
}

size_t ac_region_format(const ac_region *r, char *buf, size_t len) {
    ac__writer w;
    ac__w_init(&w, buf, len);
    if (!r) ac__w_str(&w, "region (none)");
    for (; r; r = r->next) {
        const uint32_t *begin = region_begin(r);
        ac__w_str(&w, "region ");
        ac__w_hex(&w, (uintptr_t)begin);
        ac__w_str(&w, "..");
        ac__w_hex(&w, (uintptr_t)r->end);
        ac__w_str(&w, " words=");
        ac__w_udec(&w, (uint64_t)(r->end - begin));
        ac__w_str(&w, " allocated=");
        ac__w_udec(&w, (uint64_t)(r->bump - begin));
        ac__w_str(&w, " unused=");
        ac__w_udec(&w, (uint64_t)(r->end - r->bump));
        ac__w_str(&w, " free=[");
        unsigned shown = 0;
        for (const uint32_t *l = link_next(&r->head); l; l = link_next(l), shown++) {
            if (shown == 8) {
                ac__w_str(&w, " ...");
                break;
            }
            ac__w_str(&w, shown ? " +" : "+");
            ac__w_udec(&w, (uint64_t)(l - begin));
            ac__w_str(&w, ":");
            ac__w_udec(&w, link_words(l));
        }
        ac__w_str(&w, "]");
        if (r->next) ac__w_str(&w, " -> ");
    }
    return ac__w_finish(&w);
}
