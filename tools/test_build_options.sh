#!/bin/sh
# test_build_options.sh - the library compiles, warnings as errors, with the
# build options of README's "Build options" alone and in the combinations a
# user is likely to pick, with gcc -Og (whose flow analysis differs from the
# other levels': it once saw an unset variable where AC_THREAD_SAFE=0 left a
# branch that never runs), clang -O2, clang for wasm32 at -Oz (with and
# without atomics: the spin lock) and gcc -Og freestanding
# (AC_FREESTANDING, with no header but gcc's own). Each compiler and
# option set is one check. Ends with "N passed, N failed".
#
#   tools/test_build_options.sh [LIB_SRCS...]
set -u
cd "$(dirname "$0")/.."
CC_GCC=${CC_GCC:-gcc}
CC_CLANG=${CC_CLANG:-clang}
srcs=${*:-src/region.c src/format.c src/malloc.c src/backend_wasm.c src/backend_mmap.c src/backend_static.c src/stats.c src/report.c}
W="-std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror -Iinclude"
FREE="-ffreestanding -nostdinc -isystem $($CC_GCC -print-file-name=include)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# result NAME PROBLEMS: one check, passed when PROBLEMS is empty, else
# failed with their first lines
result() {
    if [ -z "$2" ]; then
        passed=$((passed + 1))
        echo "$1 ... ok"
    else
        failed=$((failed + 1))
        echo "$1 ... FAILED"
        printf '%s\n' "$2" | head -n 8 | sed 's/^/    /'
    fi
}

# compile NAME COMPILER_AND_FLAGS...: every source to an object
compile() {
    name=$1
    shift
    out=""
    for src in $srcs; do
        if ! msg=$("$@" -c "$src" -o "$tmp/o.o" 2>&1); then
            out="$out$src: $msg
"
        fi
    done
    result "$name" "$out"
}

for opts in "" "-DAC_THREAD_SAFE=0" "-DAC_CHECKED=1" "-DAC_AUDIT_SIZES=1" \
    "-DAC_CHECKED=1 -DAC_AUDIT_SIZES=1" "-DAC_THREAD_SAFE=0 -DAC_CHECKED=1" \
    "-DAC_EXPORT_STD_NAMES=1" "-DAC_EXPORT_STD_NAMES=0" "-DAC_THREAD_SAFE=1 -DAC_CHECKED=1" \
    "-DAC_MALLOC_ALIGN_BYTES=8" "-DAC_MALLOC_ALIGN_BYTES=8 -DAC_CHECKED=1 -DAC_AUDIT_SIZES=1" \
    "-DAC_MALLOC_ALIGN_BYTES=16"; do
    label=${opts:-"(defaults)"}
    # shellcheck disable=SC2086
    compile "gcc -Og $label" $CC_GCC $W -Og $opts
    # shellcheck disable=SC2086
    compile "clang -O2 $label" $CC_CLANG $W -O2 $opts
    # shellcheck disable=SC2086
    compile "wasm32 -Oz $label" $CC_CLANG --target=wasm32 -ffreestanding -nostdlib -mbulk-memory $W -Oz $opts
    # shellcheck disable=SC2086
    compile "wasm32 -matomics -Oz $label" $CC_CLANG --target=wasm32 -ffreestanding -nostdlib -mbulk-memory \
        -matomics $W -Oz $opts
    # shellcheck disable=SC2086
    compile "gcc -Og freestanding $label" $CC_GCC $W $FREE -Og $opts
done

# an alignment the heap does not offer is refused by name
if msg=$($CC_GCC $W -DAC_MALLOC_ALIGN_BYTES=4 -c src/malloc.c -o "$tmp/o.o" 2>&1); then
    problem="it compiled"
elif echo "$msg" | grep -q 'AC_MALLOC_ALIGN_BYTES must be 8 or 16'; then
    problem=""
else
    problem="another error: $msg"
fi
result "AC_MALLOC_ALIGN_BYTES=4 refused" "$problem"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
