#!/bin/sh
# bench/icount.sh WORKLOAD MODULE.wasm... -> machine instructions per allocator
# call (harness included), counted by valgrind while node runs the workload.
#
# Timings on a shared VM drift by a few per cent even head to head; counted
# instructions repeat to about 1 per call. Each module runs the workload
# unchecked at scales LOW and HIGH (percent; default 25 and 1025) under
# `valgrind --tool=cachegrind`; the difference in instructions divided by the
# difference in calls leaves out node's start-up and the compilation of the
# module. The machine code is V8's (TurboFan, no tier-up), so the counts
# follow what the timings measure. About 20 s per module. Example, after
# `make bench` or `make bench-smoke-build`:
#   bench/icount.sh churn-fifo build/bench/speed/alloc_cat.wasm build/bench/speed/dlmalloc.wasm
set -eu
[ $# -ge 2 ] || { echo "usage: bench/icount.sh WORKLOAD MODULE.wasm..." >&2; exit 2; }
command -v valgrind >/dev/null || { echo "icount: needs valgrind (apt-get install -y valgrind)" >&2; exit 2; }
workload=$1; shift
low=${LOW:-25}; high=${HIGH:-1025}
here=$(dirname "$0")
count() { # module scale -> "instructions calls"
    out=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        node --no-liftoff --no-wasm-lazy-compilation --single-threaded \
        "$here/icount.mjs" "$1" "$workload" "$2" 2>&1) || {
        # node's own message (valgrind's lines start with == or --)
        echo "$out" | grep -vE '^(==|--)[0-9]+(==|--)' | sed "s|^|$1 at $2%: |" >&2
        return 1
    }
    instr=$(echo "$out" | sed -n 's/.*I *refs: *//p' | tr -d ,)
    calls=$(echo "$out" | grep -E '^[0-9]+$' | tail -1)
    echo "$instr $calls"
}
status=0
for module in "$@"; do
    # a module that cannot run the workload at a scale (bump runs out of
    # memory at 1025% on some) is reported and skipped
    if ! low_count=$(count "$module" "$low") || ! high_count=$(count "$module" "$high"); then
        status=1
        continue
    fi
    echo "$low_count $high_count" | awk -v m="$module" -v w="$workload" \
        '{ printf "%s %s: %.1f instructions per allocator call\n", m, w, ($3 - $1) / ($4 - $2) }'
done
exit $status
