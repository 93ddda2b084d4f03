#!/bin/sh
# test_emscripten_suite.sh - emscripten's own test programs, as Debian's
# emscripten package installs them (/usr/share/emscripten/tests), built from
# there (never copied here) three ways: with alloc_cat (-sMALLOC=none and
# make dist's dist/alloc_cat.c), with emscripten's dlmalloc and with its
# emmalloc (-sMALLOC=dlmalloc, -sMALLOC=emmalloc), each run under node.
# One check per program: alloc_cat's build links, exits as the program
# should (0 unless the entry says fail:) and prints what the program's own
# expected output says (see "Judges" below); plus one check that
# dist/alloc_cat.c compiles warnings-clean with emcc. The two peers' results
# are shown beside each check, not counted: they tell a failure of alloc_cat
# from one of the program or of emscripten (emmalloc 3.1.6 fails
# test_aligned_alloc.c, for one). Ends with "N passed, N failed"; skipped
# (exit 0) when emcc or the test programs are not installed.
#
#   tools/test_emscripten_suite.sh       (make test runs it when emcc exists)
#
#   EMSUITE_ONLY=WORD      only the programs whose path contains WORD
#   EMSUITE_CHECKED=1      alloc_cat as a checked build (-DAC_CHECKED=1),
#                          each program judged by its entry's checked judge
#                          where it has one, dlmalloc alone beside it, in
#                          build/emsuite-checked/ (make test runs both)
#
# Builds go to build/emsuite/ (alloc_cat.o, then NAME-ID-ALLOCATOR.js/.wasm
# and .txt, the output, for each program, ID the cksum of its path and
# flags, so that entries differing only in arguments share one build).
# (flag lists are split into words on purpose)
# shellcheck disable=SC2086
set -u
cd "$(dirname "$0")/.." || exit 1
NODE=${NODE:-node}
MAKE=${MAKE:-make}
TESTS=${EMSCRIPTEN_TESTS:-/usr/share/emscripten/tests}
EMSUITE_ONLY=${EMSUITE_ONLY:-}
EMSUITE_CHECKED=${EMSUITE_CHECKED:-0}
B=build/emsuite
W="-std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror"
if [ "$EMSUITE_CHECKED" = 1 ]; then
    B=build/emsuite-checked
    W="$W -DAC_CHECKED=1"
fi
RUN_SECONDS=120
passed=0
failed=0

if ! command -v emcc >/dev/null 2>&1; then
    echo "--- emscripten's test programs skipped: emcc not found (apt-get install emscripten)"
    echo "0 passed, 0 failed"
    exit 0
fi
if [ ! -d "$TESTS" ]; then
    echo "--- emscripten's test programs skipped: no $TESTS (Debian's emscripten package installs it)"
    echo "0 passed, 0 failed"
    exit 0
fi
# Debian's emcc runs node with acorn from /usr/share/nodejs
em() { NODE_PATH=/usr/share/nodejs emcc "$@"; }

# The programs, one a line: program (under $TESTS) | emcc flags |
# arguments | judge | peers (the allocators built beside alloc_cat) [|
# checked judge: a checked build's, where it differs], each
# entry after a comment saying why it is here. Every build is -O2
# unless its flags give another -O (alloc_cat compiled with it too).
#
# Judges, on stdout and stderr together, as emscripten's own runner reads
# them (tests/common.py: the expected text is contained in the output):
#   out         the .out file emscripten ships next to the program
#   has:TEXT    TEXT (\n for a new line): test_core.py's expected output,
#               where it is written there and not in a .out file
#   same        exactly what the dlmalloc build prints
#   same:F      the same after the filter F (below) on both outputs, which
#               drops the lines that legitimately differ
#   empty       nothing (the program checks itself with assert)
#   is:TEXT     exactly TEXT (\n for a new line), its last new line aside
#   fail:J      the program must exit non-zero, its output judged by J
# Peers: "dlmalloc emmalloc", or "dlmalloc" where emmalloc adds nothing.
# Filters (the sed scripts of filter() below):
#   times       linpack2.c: the date lines, the timing row after the
#               "Factor Solve Total" header and the Mflops line
#   bench       malloc_bench.c: the sbrk and overhead lines (each
#               allocator's own footprint) and the checksum, which sums
#               bytes read past the end of blocks (the program reads a new
#               random size, not the size it allocated)
PROGRAMS=$(cat <<'EOF'
# emscripten's malloc test: a block freed with all the others is handed out again first
dlmalloc_test.c | -sALLOW_MEMORY_GROWTH=1 | 200 1 | has:*1,0* | dlmalloc emmalloc
# the same with 400 rounds of 200 small and 200 large (up to 400 KB) blocks
dlmalloc_test.c | -sALLOW_MEMORY_GROWTH=1 | 400 400 | has:*400,0* | dlmalloc emmalloc
# C++ loop recognition: 11.7 million mallocs (counted natively) of small nodes, std::map, std::list
havlak.cpp | -std=c++11 -sALLOW_MEMORY_GROWTH=1 | 2 | same | dlmalloc emmalloc
# C++ benchmark: new[] of tables and output buffers (test_core.py's argument 50)
fasta.cpp | -sALLOW_MEMORY_GROWTH=1 | 50 | same | dlmalloc emmalloc
# a control: game of life on VLAs, no malloc of its own, only stdio (test_core.py: args 2, life.out)
life.c | -sALLOW_MEMORY_GROWTH=1 | 2 | out | dlmalloc emmalloc
# libc++'s std::map of C strings, a few blocks only (test_core.py's test_libcxx)
hashtest.cpp | -sALLOW_MEMORY_GROWTH=1 | | has:june -> 30\nPrevious (in alphabetical order) is july\nNext (in alphabetical order) is march | dlmalloc emmalloc
# a 32 MB matrix and five vectors, growing the memory; a few large blocks, so no emmalloc
benchmark/linpack2.c | -sALLOW_MEMORY_GROWTH=1 | | same:times | dlmalloc
# malloc_usable_size of malloc(1): 12 as dlmalloc (its .out's 8 is emmalloc's, which test_core.py uses)
core/test_malloc_usable_size.c | | | same | dlmalloc emmalloc | is:1
# (checked: the size asked for, 1, as checked builds give: the canary guards the rest)
# aligned_alloc alignments 4..64, and aligned_alloc/posix_memalign refusing alignment 3 (EINVAL)
test_aligned_alloc.c | -Wno-non-power-of-two-alignment | | empty | dlmalloc emmalloc
# strlen of an unterminated malloc'd copy: counts on a fresh block's zero bytes (test_other.py's test_emcc_4)
hello_world_loop_malloc.c | | | has:hello, world! | dlmalloc emmalloc
# malloc of more than the whole memory: grows it, and old data stays (test_core.py's test_memorygrowth)
core/test_memorygrowth.c | -sALLOW_MEMORY_GROWTH=1 | | has:*pre: hello,4.955*\n*hello,4.955*\n*hello,4.955* | dlmalloc emmalloc
# the same through a larger first block (test_memorygrowth_2)
core/test_memorygrowth_2.c | -sALLOW_MEMORY_GROWTH=1 | | has:*pre: hello,4.955*\n*hello,4.955*\n*hello,4.955* | dlmalloc emmalloc
# 1 MB blocks until NULL under -sMAXIMUM_MEMORY=100Mb: more than 70, never 100
core/test_memorygrowth_wasm_mem_max.c | -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=64Mb -sMAXIMUM_MEMORY=100Mb | | out | dlmalloc emmalloc
# 1 MB blocks until NULL under a 130 MB maximum, the memory growing by the 1 MB linear step
core/test_memorygrowth_memory_growth_step.c | -sALLOW_MEMORY_GROWTH=1 -sTOTAL_STACK=1Mb -sINITIAL_MEMORY=64Mb -sMAXIMUM_MEMORY=130Mb -sMEMORY_GROWTH_LINEAR_STEP=1Mb | | out | dlmalloc emmalloc
# a 60 MB block written and read, the memory growing by the geometric step (its .out's heap sizes)
core/test_memorygrowth_geometric_step.c | -sALLOW_MEMORY_GROWTH=1 -sMEMORY_GROWTH_GEOMETRIC_STEP=8.5 -sMEMORY_GROWTH_GEOMETRIC_CAP=32MB | | out | dlmalloc emmalloc
# std::vector resized past a fixed 16 MB memory: operator new must abort, not return
core/test_aborting_new.cpp | | | out | dlmalloc emmalloc
# the same past an 18 MB maximum with growth
core/test_aborting_new.cpp | -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=18MB | | out | dlmalloc emmalloc
# operator new[] in a static initializer, before main, then std::cout
core/test_std_cout_new.cpp | | | out | dlmalloc emmalloc
# anonymous mmap: 64 KB aligned blocks from emscripten_builtin_memalign, then 8 MB
core/test_mmap.c | -sALLOW_MEMORY_GROWTH=1 | | out | dlmalloc emmalloc | fail:has:alloc_cat: foreign pointer 0x
# (checked: emscripten 3.1.6's munmap of an anonymous mapping frees the
# mapping's block, then reads the mapping's record kept inside it, and,
# finding the fill there instead of MAP_ANONYMOUS, frees the record too:
# a read after free in emscripten's C library, named as a foreign pointer)
# a 32 MB file mmap: a large memalign'd block with growth
other/test_mmap_memorygrowth.cpp | -sALLOW_MEMORY_GROWTH=1 | | out | dlmalloc emmalloc
# strndup's block sizes, one byte to the whole string
core/test_strndup.c | | | out | dlmalloc emmalloc
# a 3 GB block between two 1 MB ones, above 2 GB with -sMAXIMUM_MEMORY=4GB (test_browser.py's test_emmalloc_3GB)
alloc_3gb.cpp | -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB | | has:OK | dlmalloc emmalloc
# 6M random malloc/calloc/realloc/free of 16..64 bytes over 32768 bins, reading sbrk(0)
malloc_bench.c | -sALLOW_MEMORY_GROWTH=1 | | same:bench | dlmalloc emmalloc
# mallinfo().fordblks and sbrk(0) around a 1 MB block in a fixed 16 MB memory
mallinfo.cpp | | | has:OK. | dlmalloc emmalloc
# a program's own allocator on sbrk(), next to malloc's (test_core.py's test_sbrk; with growth:
# the heap owns a fixed memory whole, so there sbrk(n) aborts, as emscripten's own does when it cannot grow)
sbrk_brk.cpp | -sALLOW_MEMORY_GROWTH=1 | | has:OK. | dlmalloc emmalloc
# the same on brk() (test_core.py's test_brk)
sbrk_brk.cpp | -sALLOW_MEMORY_GROWTH=1 -DTEST_BRK=1 | | has:OK. | dlmalloc emmalloc
# 1 MB blocks until NULL in a fixed memory, sbrk(0) unchanged by the failure (-sABORTING_MALLOC=0)
core/test_memorygrowth_3.c | -sABORTING_MALLOC=0 -sSAFE_HEAP=1 | | out | dlmalloc emmalloc
# the same at -O0 (SAFE_HEAP's usual company; the last -O wins), whose
# checks call emscripten_get_sbrk_ptr from leaf functions that keep their
# locals below the stack pointer, and with -pthread (those checks run under
# the heap's lock too)
core/test_memorygrowth_3.c | -O0 -sABORTING_MALLOC=0 -sSAFE_HEAP=1 | | out | dlmalloc emmalloc
core/test_memorygrowth_3.c | -pthread -sABORTING_MALLOC=0 -sSAFE_HEAP=1 | | out | dlmalloc
# mallocs of 256 MB, 2 GB, 3.75 GB under a 128 MB maximum: each NULL, sbrk(0) unchanged
dlmalloc_test_large.c | -sABORTING_MALLOC=0 -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=128MB | | has:0 0 0 1 | dlmalloc emmalloc
# a program's own malloc and free over emscripten_builtin_malloc/free: the standard names are weak
wrap_malloc.cpp | | | has:OK. | dlmalloc emmalloc
# a program's own malloc alone (exits 1 on purpose), as above
core/test_dlmalloc_partial_2.c | | | fail:out | dlmalloc emmalloc
# malloc past a fixed memory must abort with OOM (-sABORTING_MALLOC's default without growth)
core/test_memorygrowth.c | | | fail:has:OOM | dlmalloc emmalloc
# -sTEST_MEMORY_GROWTH_FAILS makes emscripten_resize_heap fail: malloc NULL, sbrk(0) unchanged
core/test_memorygrowth_3.c | -sALLOW_MEMORY_GROWTH=1 -sTEST_MEMORY_GROWTH_FAILS=1 | | out | dlmalloc emmalloc
EOF
)

# filter NAME FILE: FILE's lines that every allocator prints alike
filter() {
    case $1 in
        times) sed -E '/^[0-9]+ [A-Z][a-z]+ [0-9]{4} /d; /Mflops$/d; /Factor +Solve +Total/{n;n;d;}' "$2" ;;
        bench) sed -E '/^(checksum|sbrk|overhead)/d' "$2" ;;
        *) echo "unknown filter $1" ;;
    esac
}

# contains FILE EXPECTED: FILE holds EXPECTED's text (its trailing new
# lines aside) somewhere, across lines
contains() {
    awk 'FNR == NR { e = e (FNR > 1 ? "\n" : "") $0; next }
         { o = o (FNR > 1 ? "\n" : "") $0 }
         END { sub(/\n+$/, "", e); exit !(e != "" && index(o, e) > 0) }' "$2" "$1"
}

# judge JUDGE OUTPUT STATUS REFERENCE PROGRAM: 0 when OUTPUT (exit status
# STATUS) passes JUDGE; REFERENCE is the dlmalloc build's output, for same.
# Prints why not.
judge() {
    j_j=$1 j_o=$2 j_st=$3 j_ref=$4 j_prog=$5
    case $j_j in
        fail:*) j_j=${j_j#fail:}
                if [ "$j_st" -eq 0 ]; then echo "exit status 0, expected a failure"; return 1; fi
                if [ "$j_st" -eq 124 ]; then echo "stopped after $RUN_SECONDS s"; return 1; fi ;;
        *) if [ "$j_st" -ne 0 ]; then echo "exit status $j_st"; return 1; fi ;;
    esac
    case $j_j in
        out) contains "$j_o" "$TESTS/${j_prog%.*}.out" || { echo "output lacks ${j_prog%.*}.out"; return 1; } ;;
        has:*) printf '%b\n' "${j_j#has:}" >"$j_o.expected"
               contains "$j_o" "$j_o.expected" || { echo "output lacks: ${j_j#has:}"; return 1; } ;;
        empty) [ ! -s "$j_o" ] || { echo "output not empty"; return 1; } ;;
        is:*) [ "$(cat "$j_o")" = "$(printf '%b' "${j_j#is:}")" ] ||
                  { echo "output is not: ${j_j#is:}"; return 1; } ;;
        same|same:*)
            [ -f "$j_ref.ok" ] || { echo "no reference: the dlmalloc build failed"; return 1; }
            if [ "$j_j" = same ]; then
                cp "$j_ref" "$j_o.ref-filtered" && cp "$j_o" "$j_o.filtered"
            else
                filter "${j_j#same:}" "$j_ref" >"$j_o.ref-filtered"
                filter "${j_j#same:}" "$j_o" >"$j_o.filtered"
            fi
            cmp -s "$j_o.filtered" "$j_o.ref-filtered" ||
                { diff "$j_o.ref-filtered" "$j_o.filtered" | head -n 10 | cut -c1-200
                  echo "output differs from dlmalloc's${j_j#same}"; return 1; } ;;
        *) echo "unknown judge $j_j"; return 1 ;;
    esac
}

mkdir -p $B
rm -f $B/*.js $B/*.wasm $B/*.txt* $B/*.log $B/*.ok $B/alloc_cat*.o

# alloc_cat: dist/alloc_cat.c compiled once, as C11 with the project's
# warnings, and linked into every program (C and C++ alike)
if ! $MAKE --no-print-directory -s dist >$B/dist.log 2>&1; then
    failed=$((failed + 1))
    tail -n 15 $B/dist.log
    echo "--- make dist: FAILED"
fi
if em $W -O2 -c dist/alloc_cat.c -o $B/alloc_cat.o >$B/alloc_cat.log 2>&1; then
    passed=$((passed + 1))
    echo "--- dist/alloc_cat.c compiled by emcc $W: ok"
else
    failed=$((failed + 1))
    tail -n 15 $B/alloc_cat.log | cut -c1-300
    echo "--- dist/alloc_cat.c compiled by emcc $W: FAILED"
fi

built=" "
printf '%s\n' "$PROGRAMS" | sed -e '/^#/d' -e '/^ *$/d' -e 's/ *| */|/g' >$B/programs.list
while IFS='|' read -r prog flags args jdg peers cjdg <&3; do
    pjdg=$jdg # the peers' judge: the unchecked one
    if [ "$EMSUITE_CHECKED" = 1 ]; then
        [ -z "$cjdg" ] || jdg=$cjdg
        peers=dlmalloc # the reference of same; the others were seen unchecked
    fi
    if [ -n "$EMSUITE_ONLY" ]; then
        case $prog in *"$EMSUITE_ONLY"*) ;; *) continue ;; esac
    fi
    id=$(printf '%s %s' "$prog" "$flags" | cksum | cut -d' ' -f1)
    base=$(basename "$prog")
    base=$B/${base%.*}-$id
    allocs="alloc_cat $peers"
    # build: the three links at once, unless an entry before built them
    # alloc_cat as the entry builds the program: at its -O level (the last
    # -O of its flags, else -O2) and with its -pthread (atomics); each such
    # object compiled once, when first needed (a failure shows at the link)
    ac_flags=-O2
    for f in $flags; do case $f in -O*) ac_flags=$f ;; esac; done
    case " $flags " in *" -pthread "*) ac_flags="$ac_flags -pthread" ;; esac
    obj=$B/alloc_cat.o
    if [ "$ac_flags" != -O2 ]; then
        obj=$B/alloc_cat$(printf '%s' "$ac_flags" | tr -c 'A-Za-z0-9' '_').o
        [ -f $obj ] || em $W $ac_flags -c dist/alloc_cat.c -o $obj >$obj.log 2>&1
    fi
    case $built in
        *" $id "*) ;;
        *) for a in $allocs; do
               case $a in
                   alloc_cat) m="-sMALLOC=none $obj" ;;
                   *) m="-sMALLOC=$a" ;;
               esac
               ( em -O2 $flags $m "$TESTS/$prog" -o "$base-$a.js" >"$base-$a.log" 2>&1 ) </dev/null &
           done
           wait
           built="$built$id " ;;
    esac
    # run: the three at once; NAME.txt is the output, NAME.txt.status the exit status
    tag=${args:+-$(printf '%s' "$args" | tr -c 'A-Za-z0-9' '_')}
    for a in $allocs; do
        o=$base-$a$tag.txt
        if [ -f "$base-$a.js" ]; then
            ( timeout $RUN_SECONDS $NODE --no-experimental-fetch "$base-$a.js" $args >"$o" 2>&1
              echo $? >"$o.status" ) </dev/null &
        else
            cut -c1-300 "$base-$a.log" >"$o"
            echo "link" >"$o.status"
        fi
    done
    wait
    ref=$base-dlmalloc$tag.txt
    # the reference for same: the dlmalloc build exited 0
    [ "$(cat "$ref.status" 2>/dev/null)" = 0 ] && : >"$ref.ok"
    peer_notes=""
    for a in $peers; do
        o=$base-$a$tag.txt
        st=$(cat "$o.status")
        if [ "$st" = link ]; then
            note="$a: link FAILED"
        elif why=$(judge "$pjdg" "$o" "$st" "$ref" "$prog" 2>&1); then
            note="$a ok"
        else
            note="$a FAILED: $(printf '%s\n' "$why" | tail -n 1)"
        fi
        peer_notes="$peer_notes${peer_notes:+, }$note"
    done
    name="$prog${args:+ $args}${flags:+ [$flags]}"
    o=$base-alloc_cat$tag.txt
    st=$(cat "$o.status")
    if [ "$st" = link ]; then
        why="link failed"
        ok=1
        tail -n 8 "$o"
    elif why=$(judge "$jdg" "$o" "$st" "$ref" "$prog" 2>&1); then
        ok=0
    else
        ok=1
        # node's report of an abort: the message, not the minified line or the stack
        grep -v -e '^var Module=' -e '^    at ' -e '^ *^* *$' "$o" | tail -n 8 | cut -c1-300
        printf '%s\n' "$why" | sed '$d'
        why=$(printf '%s\n' "$why" | tail -n 1)
    fi
    if [ "$ok" -eq 0 ]; then
        passed=$((passed + 1))
        echo "--- $name: ok (peers, not counted: $peer_notes)"
    else
        failed=$((failed + 1))
        echo "--- $name: FAILED: $why (peers, not counted: $peer_notes)"
    fi
done 3<$B/programs.list

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
