/* assert.h for the freestanding emmalloc build (no libc). bench.mk defines
 * NDEBUG, as emscripten's release builds of emmalloc do. */
#undef assert
#ifdef NDEBUG
#define assert(x) ((void)0)
#else
#define assert(x) ((x) ? (void)0 : __builtin_trap())
#endif
#ifndef static_assert
#define static_assert _Static_assert
#endif
