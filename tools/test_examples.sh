#!/bin/sh
# test_examples.sh - runs every example built by `make examples` and the
# demo's cross-checks; ends with "N passed, N failed" (checks summed over the
# examples that report their own, one check for each of the others).
#
#   tools/test_examples.sh            (make test runs it after make examples)
set -u
cd "$(dirname "$0")/.."
NODE=${NODE:-node}
EX=build/examples
passed=0
failed=0

# Runs a command; its "N passed, N failed" line is added to the totals, or,
# when it prints none, its exit status counts as one check.
run() {
    name=$1
    shift
    out=$("$@" 2>&1)
    status=$?
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
    if [ -n "$line" ]; then
        p=${line%% passed*}
        f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
        if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    elif [ "$status" -eq 0 ]; then
        p=1 f=0
    else
        p=0 f=1
    fi
    if [ "$f" -ne 0 ]; then
        printf '%s\n' "$out" | tail -n 20 | cut -c1-300
        echo "--- $name: FAILED ($p passed, $f failed, exit status $status)"
    else
        echo "--- $name: $p passed"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

wasi() { $NODE --no-warnings --experimental-wasi-unstable-preview1 --no-turbo-fast-api-calls tools/run_wasi.mjs "$@"; }

run "freestanding wasm32 (strings)" $NODE examples/freestanding/strings.mjs $EX/strings.wasm
run "wasm32-wasi replacing dlmalloc" wasi $EX/replace_malloc.wasm
# The checked library under WASI: the report on stderr (through wasi-libc's
# fd_write), naming the address the program printed, then the trap.
wasi_checked() {
    out=$(wasi $EX/checked_wasi.wasm 2>$EX/checked_wasi.stderr)
    status=$?
    addr=${out#freeing }
    addr=${addr% twice}
    first=$(head -n 1 $EX/checked_wasi.stderr)
    trapped=$(grep -c '^RuntimeError: unreachable' $EX/checked_wasi.stderr)
    echo "stdout: $out"
    echo "stderr: $first"
    [ "$status" -ne 0 ] && [ "$trapped" -eq 1 ] &&
        [ "$first" = "alloc_cat: double free of $addr in free" ]
}
run "wasm32-wasi checked: the report on stderr, then the trap" wasi_checked
run "native static link" $EX/static_link
run "native static link, 8 MiB heap" env ALLOC_CAT_MMAP_HEAP_SIZE=8M $EX/static_link
run "native LD_PRELOAD" env LD_PRELOAD=build/native/liballoc_cat_preload.so $EX/preload_check
run "native without LD_PRELOAD sees no alloc_cat" sh -c "! $EX/preload_check >/dev/null"
run "static buffer, native" $EX/static_buffer
run "static buffer, wasm32" $NODE examples/embedded/static_buffer.mjs $EX/static_buffer.wasm
run "region over a static array" $EX/region_demo

# The demo: the input is what its generator writes; every build prints the
# report the JavaScript reference computes.
run "demo input is reproducible" sh -c "$NODE examples/demo/gen_input.mjs | cmp - examples/demo/input.txt"
demo() { $NODE --no-warnings --experimental-wasi-unstable-preview1 --no-turbo-fast-api-calls \
    examples/demo/demo.mjs --quiet --runs 1 "$@"; }
run "demo: wasm32 builds = JavaScript reference, WASI heap map" demo --report $EX/report.txt \
    --report-module "alloc_cat WASI + report=build/demo/wordfreq-alloc_cat-report.wasm" \
    --heapmap $EX/heapmap-wasi.svg examples/demo/input.txt \
    "alloc_cat WASI=build/demo/wordfreq-alloc_cat.wasm" \
    "dlmalloc WASI=build/demo/wordfreq-dlmalloc.wasm" \
    "alloc_cat no libc=build/demo/wordfreq-freestanding.wasm"
run "demo: without libc, report module and heap map" demo \
    --report-module "alloc_cat no libc + report=build/demo/wordfreq-freestanding-report.wasm" \
    --heapmap $EX/heapmap-free.svg examples/demo/input.txt \
    "alloc_cat no libc=build/demo/wordfreq-freestanding.wasm"
run "demo natively with glibc malloc = reference" sh -c \
    "$EX/wordfreq-glibc examples/demo/input.txt | cmp - $EX/report.txt"
run "demo natively with alloc_cat = reference" sh -c \
    "$EX/wordfreq-alloc_cat examples/demo/input.txt 2>/dev/null | cmp - $EX/report.txt"
# Live blocks while the tables are built: 3 per word (entry, key, line array:
# 1176 words), 2 per pair (15313), 2 slot arrays, the state, 3 strings, the
# histogram, the input, the report and glibc's stdin buffer = 34164; at exit
# only glibc's stdin and stdout buffers are left.
run "demo natively, standard input, alloc_cat's report" sh -c \
    "$EX/wordfreq-alloc_cat <examples/demo/input.txt 2>&1 >/dev/null | grep -q '^  in use .* in 34164 blocks$' &&
     $EX/wordfreq-alloc_cat <examples/demo/input.txt 2>&1 >/dev/null | grep -q '^at exit: 2 live blocks,'"

# The README's sample outputs are these examples' output (their wasm32
# addresses are the same on every machine): after a change that moves them,
# `make heapmap` rewrites docs/heapmap.svg and prints the report, and
# `make js-example` prints the lines, to copy into README.md.
readme_block() { # the fenced block after README.md's first line holding $1
    awk -v at="$1" 'index($0, at) { found = 1 } found && /^```/ { if (inside) exit; inside = 1; next }
                    inside' README.md
}
heapmap_sample() {
    out=$($NODE examples/heapmap.mjs $EX/heapmap.wasm $EX/heapmap-readme.svg) || return 1
    printf '%s\n' "$out" | grep -v '^heap map: ' >$EX/heapmap-readme.txt
    readme_block "The wasm32 run prints:" | diff - $EX/heapmap-readme.txt &&
        cmp docs/heapmap.svg $EX/heapmap-readme.svg
}
js_stats_sample() {
    out=$($NODE examples/js_stats.mjs $EX/js_stats.wasm) || return 1
    lines=$(readme_block "make js-example\` runs") || return 1
    [ -n "$lines" ] || return 1
    printf '%s\n' "$lines" | while IFS= read -r line; do
        printf '%s\n' "$out" | grep -qxF -- "$line" || { echo "not printed: $line"; exit 1; }
    done
}
run "README's heap report and docs/heapmap.svg are make heapmap's" heapmap_sample
run "README's js-example lines are make js-example's" js_stats_sample

# Emscripten: tested when emcc is here (Debian package emscripten), with the
# single-file drop-in (make dist).
if command -v emcc >/dev/null 2>&1; then
    mkdir -p $EX/emscripten
    # Debian's emcc runs node with acorn from /usr/share/nodejs
    em_out=$EX/emscripten/em_malloc.js
    run "emscripten -sMALLOC=none (build)" env NODE_PATH=/usr/share/nodejs emcc -std=c11 -Wall -Wextra \
        -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror -O2 -sMALLOC=none \
        -sALLOW_MEMORY_GROWTH=1 -Idist examples/emscripten/em_malloc.c dist/alloc_cat.c -o $em_out
    run "emscripten -sMALLOC=none (run)" timeout 60 $NODE --no-experimental-fetch $em_out
    # emscripten's sbrk, brk and mallinfo, which -sMALLOC=none leaves out
    em_names=$EX/emscripten/em_libc_names.js
    run "emscripten -sMALLOC=none: sbrk, brk, mallinfo (build)" env NODE_PATH=/usr/share/nodejs emcc \
        -std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror -O2 \
        -sMALLOC=none -sALLOW_MEMORY_GROWTH=1 -Idist examples/emscripten/em_libc_names.c \
        dist/alloc_cat.c -o $em_names
    run "emscripten -sMALLOC=none: sbrk, brk, mallinfo (run)" timeout 60 $NODE --no-experimental-fetch \
        $em_names
    # a memory that may not grow (-sABORTING_MALLOC on): realloc of the top
    # block moves into a free block rather than grow the memory (and abort)
    em_fix=$EX/emscripten/em_fixed_memory.js
    run "emscripten, a memory that may not grow (build)" env NODE_PATH=/usr/share/nodejs emcc \
        -std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror -O2 \
        -sMALLOC=none -Idist examples/emscripten/em_fixed_memory.c dist/alloc_cat.c -o $em_fix
    run "emscripten, a memory that may not grow (run)" timeout 60 $NODE --no-experimental-fetch $em_fix
    # a checked build: the default hook's line on stderr, then the trap
    em_chk=$EX/emscripten/em_checked.js
    run "emscripten -sMALLOC=none -DAC_CHECKED=1 (build)" env NODE_PATH=/usr/share/nodejs emcc \
        -std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror -O2 \
        -sMALLOC=none -DAC_CHECKED=1 -Idist examples/emscripten/em_checked.c dist/alloc_cat.c \
        -o $em_chk
    em_checked_run() {
        out=$(timeout 60 $NODE --no-experimental-fetch $em_chk 2>&1) && return 1 # it must trap
        printf '%s\n' "$out" | grep -q '^freed once$' &&
            printf '%s\n' "$out" | grep -Eq '^alloc_cat: double free of 0x[0-9a-f]+ in free$' &&
            printf '%s\n' "$out" | grep -q 'RuntimeError: unreachable' &&
            ! printf '%s\n' "$out" | grep -q 'not reached'
    }
    run "emscripten -DAC_CHECKED=1: a double free named on stderr, then the trap" em_checked_run
    # with threads: the spin lock, and the runtime's emscripten_builtin_* calls
    em_thr=$EX/emscripten/em_threads.js
    run "emscripten -pthread -sMALLOC=none (build)" env NODE_PATH=/usr/share/nodejs emcc -std=c11 -Wall \
        -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror -O2 -pthread \
        -sPTHREAD_POOL_SIZE=3 -sEXIT_RUNTIME=1 -sMALLOC=none -sINITIAL_MEMORY=64MB -Idist \
        examples/emscripten/em_threads.c dist/alloc_cat.c -o $em_thr
    run "emscripten -pthread -sMALLOC=none (run)" timeout 120 $NODE --no-experimental-fetch $em_thr
    # threads that grow the memory: each must see the memory another grew
    em_thg=$EX/emscripten/em_threads_grow.js
    run "emscripten -pthread -sALLOW_MEMORY_GROWTH=1 (build)" env NODE_PATH=/usr/share/nodejs emcc \
        -std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror -O2 -pthread \
        -sPTHREAD_POOL_SIZE=3 -sEXIT_RUNTIME=1 -sMALLOC=none -sALLOW_MEMORY_GROWTH=1 \
        -Wno-pthreads-mem-growth -Idist examples/emscripten/em_threads_grow.c dist/alloc_cat.c -o $em_thg
    run "emscripten -pthread -sALLOW_MEMORY_GROWTH=1 (run)" timeout 120 $NODE --no-experimental-fetch $em_thg
    # the same program as a factory, its heap read by js/alloc_cat.mjs from
    # the wasm exports (Module.asm)
    em_stats=$EX/emscripten/em_stats.js
    run "emscripten: js/alloc_cat.mjs on Module.asm (build)" env NODE_PATH=/usr/share/nodejs emcc \
        -std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror -O2 \
        -sMALLOC=none -sALLOW_MEMORY_GROWTH=1 -sMODULARIZE -sINVOKE_RUN=0 \
        -sEXPORTED_RUNTIME_METHODS=callMain \
        -sEXPORTED_FUNCTIONS=_main,_ac_stats_for_host,_ac_heap_info_for_host,_ac_heap_damage_for_host \
        -Idist examples/emscripten/em_malloc.c dist/alloc_cat.c -o $em_stats
    run "emscripten: js/alloc_cat.mjs on Module.asm (run)" timeout 60 $NODE --no-experimental-fetch \
        examples/emscripten/em_stats.mjs $em_stats
else
    echo "--- emscripten example skipped: emcc not found (apt-get install emscripten)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
