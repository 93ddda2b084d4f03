/*
 * stale_writes.c - random writes through stale pointers against a checked
 * build (AC_CHECKED), natively, one child process per seed.
 *
 *   stale_writes SEEDS [FIRST]
 *
 * Each child runs a random mix of malloc, aligned_alloc, realloc and free
 * over 64 slots, and halfway through flips one byte of memory that a freed
 * block held and no live block holds now: half the time a random byte of
 * the freed payload, half the time one of the heap's own words that now
 * lie there (the header, mark, links or footer of a free block made in
 * that memory, found with ac_heap_walk). Then it goes on, and ends with
 * ac_heap_check_freed(). The contract (alloc_cat.h, "a write after free"):
 * the write is reported to the hook as AC_ERROR_WRITE_AFTER_FREE (never as
 * another kind: every pointer the program passes is its own, live) and the
 * program traps when the hook returns; or, where it hit what the checker
 * reads, ac_heap_check() is false at the end. A child passes when it
 * trapped after reports of that kind alone, or ended with the damage found
 * by the checker, or found no byte to write. Ends with "1 passed, 0 failed"
 * when every seed passes (one check), else "0 passed, 1 failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc_cat.h"

#define SLOTS 64
#define FREED 512
#define STEPS 400

typedef struct span_of {
    unsigned char *p;
    size_t bytes;
} span_of;

static uint64_t rng;
static uint64_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static span_of live[SLOTS], freed[FREED];
static size_t freed_count;

/* What a report other than a write after free means here: a live pointer
 * of the program's, named wrong. The child says so and ends (exit 3). */
static void hook(ac_error_kind kind, const void *ptr, const char *message, void *ctx) {
    (void)ptr, (void)ctx;
    if (kind != AC_ERROR_WRITE_AFTER_FREE) {
        fprintf(stderr, "report of kind %d: %s\n", (int)kind, message);
        _exit(3);
    }
}

/* Whether q lies in or next to a live block: its header and mark before
 * the payload, its canary and the rest of its last grain after it. */
static int near_live(const unsigned char *q) {
    for (size_t i = 0; i < SLOTS; i++)
        if (live[i].p && q + 8 >= live[i].p && q < live[i].p + live[i].bytes + 4 + 32) return 1;
    return 0;
}

static void forget(unsigned char *p, size_t bytes) {
    if (freed_count < FREED) freed[freed_count++] = (span_of){p, bytes};
}

/* The heap's words of the free blocks that lie in freed memory. */
typedef struct pick {
    unsigned char *words[64];
    size_t count;
} pick;

static int in_freed(const unsigned char *q) {
    for (size_t i = 0; i < freed_count; i++)
        if (q >= freed[i].p && q < freed[i].p + freed[i].bytes) return 1;
    return 0;
}

static bool collect(const ac_walk_entry *e, void *ctx) {
    pick *k = ctx;
    if (e->kind != AC_WALK_FREE) return true;
    /* header, mark (checked builds), two links, footer */
    unsigned char *b = (unsigned char *)e->addr;
    unsigned char *at[5] = {b, b + 4, b + 8, b + 12, b + e->bytes - 4};
    for (size_t i = 0; i < 5 && k->count < 64; i++)
        if (in_freed(at[i]) && !near_live(at[i])) k->words[k->count++] = at[i];
    return true;
}

/* The stale write: 1 if a byte was flipped. */
static int stale_write(void) {
    if (!freed_count) return 0;
    if (next_random() % 2) {
        pick k = {{0}, 0};
        ac_heap_walk(collect, &k);
        if (k.count) {
            unsigned char *q = k.words[next_random() % k.count] + next_random() % 4;
            *q = (unsigned char)(*q ^ (1u + next_random() % 255u));
            return 1;
        }
    }
    for (int tries = 0; tries < 50; tries++) {
        span_of *f = &freed[next_random() % freed_count];
        if (!f->bytes) continue;
        unsigned char *q = f->p + next_random() % f->bytes;
        if (near_live(q)) continue;
        *q = (unsigned char)(*q ^ (1u + next_random() % 255u));
        return 1;
    }
    return 0;
}

/* One child's run: exit 0 when the write was found by the checker at the
 * end or no byte was written, 4 when a write went unseen. */
static int run(unsigned seed) {
    rng = 0x9e3779b97f4a7c15u * (seed + 1u);
    ac_set_error_hook(hook, NULL);
    int wrote = 0;
    for (int step = 0; step < STEPS; step++) {
        size_t i = next_random() % SLOTS, bytes = next_random() % 3000;
        if (live[i].p && next_random() % 3 == 0) {
            unsigned char *q = ac_realloc(live[i].p, bytes);
            if (q) {
                if (q != live[i].p) forget(live[i].p, live[i].bytes);
                live[i] = (span_of){q, bytes};
                memset(q, 0x11, bytes);
            }
        } else if (live[i].p) {
            ac_free(live[i].p);
            forget(live[i].p, live[i].bytes);
            live[i].p = NULL;
        } else {
            unsigned char *q = next_random() % 4 ? ac_malloc(bytes)
                                                 : ac_aligned_alloc((size_t)64 << (next_random() % 4), bytes);
            if (q) {
                live[i] = (span_of){q, bytes};
                memset(q, 0x22, bytes);
            }
        }
        if (step == STEPS / 2) wrote = stale_write();
    }
    bool freed_ok = ac_heap_check_freed();
    if (!wrote) return freed_ok ? 0 : 5;
    return ac_heap_check() ? 4 : 0;
}

int main(int argc, char **argv) {
    unsigned seeds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1000;
    unsigned first = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 1;
    unsigned passed = 0, failed = 0, trapped = 0;
    for (unsigned seed = first; seed < first + seeds; seed++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) _exit(run(seed));
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) != pid) {
            failed++;
            continue;
        }
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGILL) {
            trapped++;
            passed++;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            passed++;
        } else {
            failed++;
            printf("seed %u: %s %d (3: another kind reported, 4: the write unseen, 5: a false "
                   "report)\n",
                   seed, WIFSIGNALED(status) ? "signal" : "exit status",
                   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        }
    }
    printf("%u seeds from %u: %u trapped after a write-after-free report, %u found by the "
           "checker or wrote nothing, %u failed\n",
           seeds, first, trapped, passed - trapped, failed);
    printf("%d passed, %d failed\n", failed == 0, failed != 0); /* one check: every seed */
    return failed != 0;
}
