#!/bin/sh
# demo.sh - `make demo`: builds the word-frequency counter for wasm32 with
# alloc_cat and with wasi-libc's dlmalloc (and once without any libc), runs
# them all under node on the same input, checks that they print the same
# report and prints the side-by-side.
#
#   examples/demo/demo.sh [INPUT]        (make demo INPUT=file)
#
# wasi-libc comes from Debian: as root tools/deps.sh installs it; otherwise
# the demo runs alloc_cat alone and names the apt-get line that adds the
# comparison.
set -u
cd "$(dirname "$0")/../.."
MAKE=${MAKE:-make}
NODE=${NODE:-node}
input=${1:-examples/demo/input.txt}
[ -r "$input" ] || { echo "demo: cannot read input '$input'" >&2; exit 2; }

mk() { $MAKE --no-print-directory "$@"; }

echo "== alloc_cat demo: a word-frequency counter (examples/demo/wordfreq.c) in wasm32"
deps_log=$(mktemp)
DEPS_OPTIONAL=1 tools/deps.sh wasi 2>"$deps_log"
deps=$?
if [ "$deps" -ne 0 ]; then
    cat "$deps_log" >&2
    echo "== wasi-libc is missing: running alloc_cat alone (the comparison needs the packages above)"
fi

set -- "alloc_cat no libc=build/demo/wordfreq-freestanding.wasm"
targets=build/demo/wordfreq-freestanding.wasm
if [ "$deps" -eq 0 ]; then
    set -- "alloc_cat WASI=build/demo/wordfreq-alloc_cat.wasm" \
        "dlmalloc WASI=build/demo/wordfreq-dlmalloc.wasm" "$@"
    targets="build/demo/wordfreq-alloc_cat.wasm build/demo/wordfreq-dlmalloc.wasm $targets"
    report="alloc_cat WASI + report=build/demo/wordfreq-alloc_cat-report.wasm"
else
    report="alloc_cat no libc + report=build/demo/wordfreq-freestanding-report.wasm"
fi
targets="$targets ${report#*=}"
# shellcheck disable=SC2086
mk $targets || { rm -f "$deps_log"; exit 1; }

echo "== running under node ($($NODE --version)) on $input"
$NODE --no-warnings --experimental-wasi-unstable-preview1 --no-turbo-fast-api-calls --no-wasm-lazy-compilation --no-liftoff \
    examples/demo/demo.mjs \
    --report build/demo/report.txt --report-module "$report" --heapmap build/demo/heapmap.svg \
    "$input" "$@"
status=$?
if [ "$deps" -ne 0 ]; then
    echo
    echo "The comparison with wasi-libc's malloc (dlmalloc) was skipped: it needs Debian packages."
    sed -n 's/^deps.sh: run as root: *//p' "$deps_log" | sed 's/^/Add it with (as root):  /'
    echo "then run 'make demo' again."
fi
rm -f "$deps_log"
exit $status
