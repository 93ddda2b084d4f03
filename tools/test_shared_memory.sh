#!/bin/sh
# test_shared_memory.sh - which wasm32 library a module whose threads share
# one memory (wasm-ld --shared-memory) may link: the one built with atomics
# (its spin lock), not the default one, which has no lock and is marked so
# (src/malloc.c, ac__mark_no_shared_memory): wasm-ld refuses it by name.
# Ends with "N passed, N failed".
#
#   tools/test_shared_memory.sh build/wasm32/liballoc_cat.a build/wasm32-atomics/liballoc_cat.a
set -u
[ $# -eq 2 ] || { echo "usage: tools/test_shared_memory.sh PLAIN.a ATOMICS.a" >&2; exit 2; }
CC=${CC_CLANG:-clang}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/prog.c" <<'C'
#include "alloc_cat.h"
void *take(unsigned long n);
void *take(unsigned long n) { return ac_malloc(n); }
C
# the link a threaded program makes (as tests/wasm_threads.c's)
link() {
    $CC --target=wasm32 -ffreestanding -nostdlib -mbulk-memory -matomics -Iinclude -O2 \
        -Wl,--no-entry -Wl,--shared-memory -Wl,--import-memory -Wl,--max-memory=16777216 \
        -Wl,--export=take "$tmp/prog.c" "$1" -o "$tmp/prog.wasm" 2>&1
}
passed=0
failed=0
result() { # name ok(0/1) detail
    if [ "$2" -eq 0 ]; then
        echo "shared_memory.$1 ... ok"
        passed=$((passed + 1))
    else
        echo "shared_memory.$1 ... FAILED: $3"
        failed=$((failed + 1))
    fi
}

out=$(link "$1")
status=$?
want="--shared-memory is disallowed by malloc.o because it was not compiled with 'atomics'"
if [ "$status" -ne 0 ] && printf '%s\n' "$out" | grep -qF -- "$want"; then ok=0; else ok=1; fi
result refuses_the_library_without_atomics $ok "status $status, output: $out"

out=$(link "$2")
status=$?
result links_the_library_with_atomics $status "$out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
