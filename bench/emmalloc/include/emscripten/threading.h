/* emscripten/threading.h for the freestanding emmalloc build: single-threaded. */
