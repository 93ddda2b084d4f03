#!/bin/sh
# run.sh - the wasm32-wasi program tests/wasi/words.c, linked with Debian's
# wasi-libc, once with alloc_cat replacing its malloc and once with
# wasi-libc's own (dlmalloc), run under node's WASI.
#
#   tests/wasi/run.sh BUILD_DIR        (the Makefile passes build/wasi)
#
# Checks, from the linker's maps, that the alloc_cat build has no trace of
# dlmalloc.o and takes the malloc family (and wasi-libc's internal
# __libc_malloc names) from liballoc_cat.a, while the other build does use
# dlmalloc.o; then that both programs print exactly tests/wasi/expected.txt
# and exit with 0. Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/wasi}
node=${NODE:-node}
passed=0
failed=0
ok() {
    echo "$1 ... ok"
    passed=$((passed + 1))
}
bad() {
    echo "$1 ... FAILED"
    shift
    for line in "$@"; do echo "    $line"; done
    failed=$((failed + 1))
}

map=$build/words-alloc_cat.map
dlmap=$build/words-dlmalloc.map
for f in "$map" "$dlmap" "$build/words-alloc_cat.wasm" "$build/words-dlmalloc.wasm"; do
    [ -f "$f" ] || { bad "build" "$f is missing"; echo "$passed passed, $failed failed"; exit 1; }
done

n=$(grep -c 'dlmalloc\.o' "$map")
if [ "$n" -eq 0 ]; then ok "alloc_cat build: no dlmalloc.o in the link map"; else
    bad "alloc_cat build: no dlmalloc.o in the link map" "$n lines: $(grep -m 3 'dlmalloc\.o' "$map")"; fi

missing=""
for sym in malloc free calloc realloc aligned_alloc posix_memalign malloc_usable_size \
    __libc_malloc __libc_calloc __libc_free; do
    # a symbol line names the section above it: the function (aliases
    # such as malloc = ac_malloc share one)
    awk -v sym="$sym" '/:\(/ { file = $0; sub(/:\(.*/, "", file); sub(/.* /, "", file) }
        $NF == sym && NF == 4 && file ~ /liballoc_cat\.a\(malloc\.o\)$/ { found = 1 }
        END { exit !found }' "$map" || missing="$missing $sym"
done
if [ -z "$missing" ]; then ok "alloc_cat build: malloc family from liballoc_cat.a(malloc.o)"; else
    bad "alloc_cat build: malloc family from liballoc_cat.a(malloc.o)" "not in the map:$missing"; fi

# the same check tells the two builds apart
if grep -q 'libc\.a(dlmalloc\.o):(malloc)$' "$dlmap"; then ok "dlmalloc build: malloc from wasi-libc's dlmalloc.o"; else
    bad "dlmalloc build: malloc from wasi-libc's dlmalloc.o" "not in $dlmap"; fi

for which in alloc_cat dlmalloc; do
    out=$build/words-$which.out
    "$node" --no-warnings --no-turbo-fast-api-calls --experimental-wasi-unstable-preview1 \
        "$here/../../tools/run_wasi.mjs" "$build/words-$which.wasm" >"$out" 2>"$out.err"
    status=$?
    if [ "$status" -eq 0 ] && cmp -s "$out" "$here/expected.txt"; then
        ok "words.c with $which under node: output is expected.txt"
    else
        bad "words.c with $which under node: output is expected.txt" "exit status $status" \
            "$(diff "$here/expected.txt" "$out" | head -n 20)" "$(head -c 500 "$out.err")"
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
