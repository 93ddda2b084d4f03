#!/bin/sh
# bench/emscripten_programs.sh - whole programs, side by side: a few of
# emscripten's own test programs that allocate much (Debian's
# /usr/share/emscripten/tests, compiled from there, never copied), each
# built with emcc -O2 three times, with alloc_cat (-sMALLOC=none and make
# dist's dist/alloc_cat.c), with emscripten's dlmalloc and with its
# emmalloc, and run under node, the three builds in turn, ROUNDS times.
# Prints a table: the median wall time of each (node's start-up and the
# program's own work included: a whole program, not the allocator alone),
# dlmalloc's median over alloc_cat's, and the memory's size in 64 KiB pages
# at exit (bench/pages_at_exit.c; a wasm memory never shrinks, so this is
# its peak). Timings drift on a shared machine: compare within one run.
# Then the code each allocator adds to a small program (bench/em_size.c,
# emcc -Oz).
#
#   make bench-emscripten [ROUNDS=5]      (needs emcc and wasm-objdump: apt-get install emscripten wabt)
set -u
cd "$(dirname "$0")/.." || exit 1
NODE=${NODE:-node}
MAKE=${MAKE:-make}
ROUNDS=${ROUNDS:-5}
TESTS=${EMSCRIPTEN_TESTS:-/usr/share/emscripten/tests}
B=build/bench/emscripten
command -v emcc >/dev/null 2>&1 || { echo "bench-emscripten: needs emcc (apt-get install emscripten)" >&2; exit 2; }
command -v wasm-objdump >/dev/null 2>&1 || { echo "bench-emscripten: needs wasm-objdump (apt-get install wabt)" >&2; exit 2; }
[ -d "$TESTS" ] || { echo "bench-emscripten: no $TESTS (Debian's emscripten package installs it)" >&2; exit 2; }
em() { NODE_PATH=/usr/share/nodejs emcc "$@"; } # Debian's emcc runs node with acorn from there

# name | program | emcc flags | arguments; why each is here:
#   havlak: C++, about 12 million small nodes of std::map and std::list
#   dlmalloc_test: rounds of blocks up to 4 MB, the memory to gigabytes
#     (3000 400: 400 rounds; 4000 1: one round, the memory's growth most)
#   malloc_bench: 6 million mallocs, callocs, reallocs, frees of 16..64 bytes
PROGRAMS='havlak | havlak.cpp | -std=c++11 -sALLOW_MEMORY_GROWTH=1 | 3
dlmalloc_test-3000-400 | dlmalloc_test.c | -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB | 3000 400
dlmalloc_test-4000-1 | dlmalloc_test.c | -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB | 4000 1
malloc_bench | malloc_bench.c | -sALLOW_MEMORY_GROWTH=1 |'
ALLOCATORS="alloc_cat dlmalloc emmalloc"

mkdir -p $B
$MAKE --no-print-directory -s dist >/dev/null || exit 1
em -O2 -c dist/alloc_cat.c -o $B/alloc_cat.o || exit 1
em -O2 -c bench/pages_at_exit.c -o $B/pages_at_exit.o || exit 1
# malloc_flags ALLOCATOR ALLOC_CAT_OBJECT: emcc's flags for the allocator
malloc_flags() {
    case $1 in
        alloc_cat) echo "-sMALLOC=none $2" ;;
        *) echo "-sMALLOC=$1" ;;
    esac
}

# code: bench/em_size.c (malloc, realloc, calloc, free) with each allocator
# at -Oz, net of the same program calling none (emscripten's own runtime,
# memcpy and memset are in both)
em -Oz -c dist/alloc_cat.c -o $B/alloc_cat-oz.o || exit 1
code_bytes() { # module.wasm -> bytes of its code section
    wasm-objdump -h "$1" | sed -n 's/^ *Code .*(size=\(0x[0-9a-f]*\)).*/\1/p' | xargs printf '%d'
}
em -Oz -DNO_ALLOC -sMALLOC=none bench/em_size.c -o $B/size-none.js || exit 1
base=$(code_bytes $B/size-none.wasm)
sizes=""
for a in $ALLOCATORS; do
    em -Oz $(malloc_flags $a $B/alloc_cat-oz.o) bench/em_size.c -o $B/size-$a.js || { echo "bench-emscripten: em_size.c with $a did not build" >&2; exit 1; }
    sizes="$sizes $a $(($(code_bytes $B/size-$a.wasm) - base))"
done

# build: every program with every allocator
printf '%s\n' "$PROGRAMS" | sed 's/ *| */|/g' >$B/programs.list
while IFS='|' read -r name prog flags args; do
    for a in $ALLOCATORS; do
        # C flags for a .c program (-std=c++11 is only for havlak.cpp)
        em -O2 -sEXIT_RUNTIME=1 $flags $(malloc_flags $a $B/alloc_cat.o) "$TESTS/$prog" $B/pages_at_exit.o -o $B/$name-$a.js ||
            { echo "bench-emscripten: $name with $a did not build" >&2; exit 1; }
    done
done <$B/programs.list

# run: ROUNDS rounds, the allocators in turn within each
now_ms() { date +%s%N | cut -c1-13; }
: >$B/times
r=0
while [ $r -lt "$ROUNDS" ]; do
    while IFS='|' read -r name prog flags args; do
        for a in $ALLOCATORS; do
            t0=$(now_ms)
            out=$($NODE --no-experimental-fetch $B/$name-$a.js $args 2>&1 >/dev/null) ||
                { echo "bench-emscripten: $name with $a failed: $out" >&2; exit 1; }
            t1=$(now_ms)
            pages=$(printf '%s\n' "$out" | sed -n 's/^pages at exit: //p')
            echo "$name $a $((t1 - t0)) $pages" >>$B/times
        done
    done <$B/programs.list
    r=$((r + 1))
done

echo "Whole programs under node $($NODE --version), emcc $(em --version | sed -n '1s/.*) \([0-9][0-9.]*\).*/\1/p') -O2,"
echo "median of $ROUNDS rounds (ms, node's start-up included); pages of 64 KiB at exit"
echo
echo "| program | alloc_cat | dlmalloc | emmalloc | dlmalloc ÷ alloc_cat | pages: alloc_cat / dlmalloc / emmalloc |"
echo "| :--- | ---: | ---: | ---: | ---: | ---: |"
while IFS='|' read -r name prog flags args; do
    awk -v n="$name" -v rounds="$ROUNDS" '
        $1 == n { t[$2, ++k[$2]] = $3; p[$2] = $4 }
        function median(a,   i, j, v, x) {
            for (i = 1; i <= rounds; i++) v[i] = t[a, i]
            for (i = 2; i <= rounds; i++)       # insertion sort
                for (j = i; j > 1 && v[j - 1] > v[j]; j--) { x = v[j]; v[j] = v[j - 1]; v[j - 1] = x }
            return rounds % 2 ? v[(rounds + 1) / 2] : (v[rounds / 2] + v[rounds / 2 + 1]) / 2
        }
        END {
            ac = median("alloc_cat"); dl = median("dlmalloc"); em = median("emmalloc")
            printf "| %s | %d | %d | %d | %.2f | %s / %s / %s |\n", n, ac, dl, em, dl / ac,
                   p["alloc_cat"], p["dlmalloc"], p["emmalloc"]
        }' $B/times
done <$B/programs.list

echo
echo "Code: bench/em_size.c (malloc, realloc, calloc, free) built with emcc -Oz, bytes of"
echo "code section net of the same program calling none ($base bytes)"
echo
echo "| allocator | net code bytes |"
echo "| :--- | ---: |"
printf '%s\n' $sizes | paste - - | while read -r a bytes; do echo "| $a | $bytes |"; done
