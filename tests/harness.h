/*
 * harness.h - a tiny test harness that runs the same tests natively and as
 * freestanding wasm32 under node (no libc there: output goes through one
 * host import). A test is a void function; the first failed assertion
 * reports file, line, both expressions and their values, then returns.
 */
#ifndef AC_TEST_HARNESS_H
#define AC_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct t_case {
    const char *name;
    void (*fn)(void);
} t_case;

#define T_CASE(fn) {#fn, fn}
#define T_COUNT(cases) (sizeof(cases) / sizeof((cases)[0]))

void t_run_suite(const char *suite, const t_case *cases, size_t n);
void t_fail(const char *file, int line, const char *what);
void t_fail_eq(const char *file, int line, const char *a, const char *b, uint64_t va, uint64_t vb);
bool t_failed(void); /* has the current test failed? */

#define T_ASSERT(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            t_fail(__FILE__, __LINE__, #cond);                                                     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define T_EQ(a, b)                                                                                 \
    do {                                                                                           \
        uint64_t t_a_ = (uint64_t)(a), t_b_ = (uint64_t)(b);                                       \
        if (t_a_ != t_b_) {                                                                        \
            t_fail_eq(__FILE__, __LINE__, #a, #b, t_a_, t_b_);                                     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define T_PTR(a, b) T_EQ((uintptr_t)(const void *)(a), (uintptr_t)(const void *)(b))

/* Output without libc. */
void t_puts(const char *s);
void t_putu(uint64_t v);
void t_puthex(uint64_t v);

/* Builds expected strings without libc: appends to a fixed buffer. */
typedef struct t_str {
    char buf[512];
    size_t len;
} t_str;
void t_str_add(t_str *s, const char *text);
void t_str_hex(t_str *s, uint64_t v); /* 0x... lowercase */
void t_str_dec(t_str *s, uint64_t v);
bool t_streq(const char *a, const char *b);

/* Seeded PRNG for randomized tests. The seed comes from AC_SEED (natively
 * the environment variable, under node the runner passes it on) or the
 * clock, and is printed so that a failure can be replayed. */
uint64_t t_seed(void);
uint64_t t_rand(uint64_t *state);
uint64_t t_rand_below(uint64_t *state, uint64_t n); /* 0 <= x < n */

/* Scale of randomized tests: AC_TEST_SCALE, default 1. */
unsigned t_scale(void);

#endif
