/*
 * under_tools.h - what the tests need to know of ASan and valgrind
 * (natively): UNDER_ASAN (1 in ASan builds), HAVE_MEMCHECK (1 where
 * valgrind's header is installed: its client requests are declared),
 * UNDER_VALGRIND (whether memcheck runs the test, at run time; 0 where
 * it cannot), and t_tools_let_read(p, n): whether the tools let a program
 * read the n bytes (at most 16) at p - not poisoned for ASan, addressable
 * and defined for memcheck; true elsewhere.
 */
#ifndef AC_TESTS_UNDER_TOOLS_H
#define AC_TESTS_UNDER_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if !defined(__wasm32__) && defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#include <valgrind/memcheck.h>
#pragma GCC diagnostic pop
#define HAVE_MEMCHECK  1
#define UNDER_VALGRIND RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND 0
#endif

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif
#if UNDER_ASAN
#include <sanitizer/asan_interface.h>
#endif

static inline bool t_tools_let_read(const void *p, size_t n) {
    if (n > 16) return false; /* more than the tests ask for */
#if UNDER_ASAN
    if (__asan_region_is_poisoned((void *)(uintptr_t)p, n)) return false;
#endif
#ifdef HAVE_MEMCHECK
    if (UNDER_VALGRIND) {
        unsigned char vbits[16] = {0};
        if (VALGRIND_GET_VBITS(p, vbits, n) != 1) return false;
        for (size_t i = 0; i < n; i++)
            if (vbits[i]) return false;
    }
#endif
    (void)p;
    (void)n;
    return true;
}

#endif
