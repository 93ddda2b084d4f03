/*
 * under_valgrind.h - valgrind's client requests for the tests, where the
 * header is installed (natively): HAVE_MEMCHECK is then 1 and
 * UNDER_VALGRIND tells at run time whether memcheck runs the test;
 * elsewhere UNDER_VALGRIND is 0 and the requests are not declared.
 */
#ifndef AC_TESTS_UNDER_VALGRIND_H
#define AC_TESTS_UNDER_VALGRIND_H

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

#endif
