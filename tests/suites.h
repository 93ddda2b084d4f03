/* suites.h - every test suite, one line each. A suite is `void suite_NAME(void)`
 * defined in tests/test_NAME.c. */
#ifndef AC_TEST_SUITES_H
#define AC_TEST_SUITES_H

#if defined(__wasm32__)
#define AC_SUITES AC_SUITE(region) AC_SUITE(heap) AC_SUITE(stats) AC_SUITE(heapmap) AC_SUITE(checked) AC_SUITE(bigmem)
#else
#define AC_SUITES AC_SUITE(region) AC_SUITE(heap) AC_SUITE(stats) AC_SUITE(heapmap) AC_SUITE(threads) AC_SUITE(checked) AC_SUITE(bigmem)
#endif

#define AC_SUITE(name) void suite_##name(void);
AC_SUITES
#undef AC_SUITE

#endif
