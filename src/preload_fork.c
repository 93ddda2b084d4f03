/*
 * preload_fork.c - native only, compiled into the preload libraries and
 * nowhere else: glibc's __register_atfork, through which every
 * pthread_atfork registers (glibc links a stub of pthread_atfork into each
 * program and library, which calls it with the caller's DSO handle).
 *
 * The libraries a program links are set up before a preloaded one, and
 * glibc runs the prepare handlers last registered first: handlers that
 * those libraries register in their constructors would run after the
 * heap's, which takes the heap's lock. One that takes a lock of its own
 * while another thread holds that lock and allocates (or flushes stdio)
 * then waits for that thread, and it for the heap: the fork never ends.
 * Here the heap's handlers are registered first of all (malloc.c,
 * ac__fork_handlers_register()), before the first registration passes on
 * to glibc's own: they run after every other prepare handler, as glibc's
 * malloc takes its locks after them.
 */
#ifndef __wasm32__
#define _GNU_SOURCE /* RTLD_NEXT */
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

typedef int register_fn(void (*prepare)(void), void (*parent)(void), void (*child)(void),
                        void *dso_handle);

int __register_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void),
                      void *dso_handle);

int __register_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void),
                      void *dso_handle) {
    ac__fork_handlers_register(); /* the heap's first; its own call comes back here */
    static register_fn *next;
    register_fn *fn = __atomic_load_n(&next, __ATOMIC_ACQUIRE);
    if (!fn) {
        void *sym = dlsym(RTLD_NEXT, "__register_atfork");
        memcpy(&fn, &sym, sizeof fn); /* (ISO C has no cast from data to function pointers) */
        if (!fn) return ENOMEM;
        __atomic_store_n(&next, fn, __ATOMIC_RELEASE);
    }
    return fn(prepare, parent, child, dso_handle);
}
#endif
