/*
 * harness.c - output, counters, seeds. See harness.h.
 */
#include "harness.h"

#if defined(__wasm32__) && !defined(__wasi__)
#define T_FREESTANDING 1
__attribute__((import_module("env"), import_name("ac_test_write"))) void
host_write(const char *p, size_t n);
__attribute__((import_module("env"), import_name("ac_test_seed"))) uint32_t host_seed(void);
__attribute__((import_module("env"), import_name("ac_test_scale"))) uint32_t host_scale(void);
#else
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static void host_write(const char *p, size_t n) {
    fwrite(p, 1, n, stdout);
    fflush(stdout);
}
#endif

static unsigned passed_count, failed_count;
static bool current_failed;

void t_puts(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    host_write(s, n);
}

static void put_base(uint64_t v, unsigned base) {
    char d[24];
    size_t n = sizeof d;
    do {
        unsigned x = (unsigned)(v % base);
        d[--n] = (char)(x < 10 ? '0' + x : 'a' + x - 10);
        v /= base;
    } while (v);
    host_write(d + n, sizeof d - n);
}

void t_putu(uint64_t v) { put_base(v, 10); }
void t_puthex(uint64_t v) {
    t_puts("0x");
    put_base(v, 16);
}

static void fail_head(const char *file, int line) {
    if (!current_failed) t_puts("\n");
    current_failed = true;
    t_puts("    ");
    t_puts(file);
    t_puts(":");
    t_putu((uint64_t)line);
    t_puts(": ");
}

void t_fail(const char *file, int line, const char *what) {
    fail_head(file, line);
    t_puts("assertion failed: ");
    t_puts(what);
    t_puts("\n");
}

void t_fail_eq(const char *file, int line, const char *a, const char *b, uint64_t va, uint64_t vb) {
    fail_head(file, line);
    t_puts(a);
    t_puts(" == ");
    t_puts(b);
    t_puts(": got ");
    t_putu(va);
    t_puts(" (");
    t_puthex(va);
    t_puts("), expected ");
    t_putu(vb);
    t_puts(" (");
    t_puthex(vb);
    t_puts(")\n");
}

bool t_failed(void) { return current_failed; }

void t_run_suite(const char *suite, const t_case *cases, size_t n) {
    for (size_t i = 0; i < n; i++) {
        current_failed = false;
        t_puts(suite);
        t_puts(".");
        t_puts(cases[i].name);
        t_puts(" ...");
        cases[i].fn();
        if (current_failed) {
            failed_count++;
            t_puts("  FAILED\n");
        } else {
            passed_count++;
            t_puts(" ok\n");
        }
    }
}

void t_str_add(t_str *s, const char *text) {
    while (*text && s->len + 1 < sizeof s->buf) s->buf[s->len++] = *text++;
    s->buf[s->len] = '\0';
}

static void str_base(t_str *s, uint64_t v, unsigned base) {
    char d[24];
    size_t n = sizeof d - 1;
    d[n] = '\0';
    do {
        unsigned x = (unsigned)(v % base);
        d[--n] = (char)(x < 10 ? '0' + x : 'a' + x - 10);
        v /= base;
    } while (v);
    t_str_add(s, d + n);
}

void t_str_hex(t_str *s, uint64_t v) {
    t_str_add(s, "0x");
    str_base(s, v, 16);
}
void t_str_dec(t_str *s, uint64_t v) { str_base(s, v, 10); }

bool t_streq(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static uint64_t seed_value;
static bool seed_set;

uint64_t t_seed(void) {
    if (!seed_set) {
#ifdef T_FREESTANDING
        seed_value = host_seed();
#else
        const char *env = getenv("AC_SEED");
        seed_value = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) % 1000000u;
#endif
        seed_set = true;
    }
    return seed_value;
}

unsigned t_scale(void) {
#ifdef T_FREESTANDING
    return host_scale();
#else
    const char *env = getenv("AC_TEST_SCALE");
    unsigned long v = env ? strtoul(env, NULL, 0) : 1;
    return v ? (unsigned)v : 1;
#endif
}

/* splitmix64: tiny, full period, good enough to drive tests */
uint64_t t_rand(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

uint64_t t_rand_below(uint64_t *state, uint64_t n) { return n ? t_rand(state) % n : 0; }

/* ---- entry point ----------------------------------------------------------- */

#include "suites.h"

/* Natively the suites named on the command line run, all without one
 * (e.g. `tests threads`, for the ThreadSanitizer builds). */
static int suite_count;
static char **suite_names;

static bool wanted(const char *suite) {
    if (!suite_count) return true;
    for (int i = 0; i < suite_count; i++)
        if (t_streq(suite_names[i], suite)) return true;
    return false;
}

/* 0, or 2 after naming a suite that is not one of AC_SUITES */
static int check_names(void) {
    static const char *const all[] = {
#define AC_SUITE(name) #name,
        AC_SUITES
#undef AC_SUITE
    };
    for (int i = 0; i < suite_count; i++) {
        size_t k = 0;
        while (k < sizeof all / sizeof *all && !t_streq(suite_names[i], all[k])) k++;
        if (k == sizeof all / sizeof *all) {
            t_puts("no suite named ");
            t_puts(suite_names[i]);
            t_puts("; the suites are:");
            for (k = 0; k < sizeof all / sizeof *all; k++) {
                t_puts(" ");
                t_puts(all[k]);
            }
            t_puts("\n");
            return 2;
        }
    }
    return 0;
}

static int run_all(void) {
    if (check_names()) return 2;
    t_puts("alloc_cat tests, seed ");
    t_putu(t_seed());
    t_puts(" (replay with AC_SEED=");
    t_putu(t_seed());
    t_puts(")\n");
#define AC_SUITE(name)                                                                             \
    if (wanted(#name)) suite_##name();
    AC_SUITES
#undef AC_SUITE
    t_putu(passed_count);
    t_puts(" passed, ");
    t_putu(failed_count);
    t_puts(" failed\n");
    return failed_count ? 1 : 0;
}

#ifdef T_FREESTANDING
__attribute__((export_name("ac_test_main"))) int ac_test_main(void);
int ac_test_main(void) { return run_all(); }
#else
int main(int argc, char **argv) {
    suite_count = argc - 1;
    suite_names = argv + 1;
    return run_all();
}
#endif
