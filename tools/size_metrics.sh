#!/bin/sh
# size_metrics.sh - what the metrics cost in wasm bytes: a freestanding
# wasm32 module exporting malloc, free, calloc and realloc, built with
# clang --target=wasm32 -Oz (and wasm-opt -Oz when binaryen is installed),
# without and with AC_AUDIT_SIZES, and with the stats functions exported.
#
#   tools/size_metrics.sh [OUTDIR]      (default build/size)
#
# Prints one line per configuration: module bytes, after wasm-opt, and the
# code section's bytes. Unexported functions are dropped by wasm-ld, so a
# module that never calls the stats functions pays only for the counters
# heap.c keeps on every allocation.
set -u
out=${1:-build/size}
mkdir -p "$out"
CC=${CC_CLANG:-clang}
SRCS="src/region.c src/format.c src/malloc.c src/backend_wasm.c src/backend_mmap.c
      src/backend_static.c src/stats.c src/report.c"
MALLOC="malloc free calloc realloc"
have_opt=0
command -v wasm-opt >/dev/null 2>&1 && have_opt=1
have_objdump=0
command -v wasm-objdump >/dev/null 2>&1 && have_objdump=1

code_bytes() {
    [ $have_objdump = 1 ] || { echo "-"; return; }
    wasm-objdump -h "$1" | sed -n 's/.*Code .*(size=0x\([0-9a-f]*\)).*/\1/p' |
        while read -r hex; do printf '%d\n' "0x$hex"; done
}

printf '%-44s %10s %10s %8s\n' "module (clang --target=wasm32 -Oz)" "bytes" "wasm-opt" "code"
row() { # NAME DEFINES EXPORTS...
    name=$1 defs=$2
    shift 2
    flags=""
    for e in "$@"; do flags="$flags -Wl,--export=$e"; done
    f="$out/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '_').wasm"
    # shellcheck disable=SC2086
    if ! $CC --target=wasm32 -ffreestanding -nostdlib -mbulk-memory -std=c11 -Iinclude -Oz \
        $defs -Wl,--no-entry $flags $SRCS -o "$f"; then
        echo "size_metrics.sh: build of '$name' failed" >&2
        exit 1
    fi
    bytes=$(wc -c <"$f")
    opt="-"
    code=$(code_bytes "$f")
    if [ $have_opt = 1 ]; then
        wasm-opt -Oz "$f" -o "$f.opt" && opt=$(wc -c <"$f.opt") && code=$(code_bytes "$f.opt")
    fi
    printf '%-44s %10s %10s %8s\n' "$name" "$bytes" "$opt" "$code"
}

# shellcheck disable=SC2086
row "malloc family" "" $MALLOC
# shellcheck disable=SC2086
row "malloc family, AC_AUDIT_SIZES=1" "-DAC_AUDIT_SIZES=1" $MALLOC
# shellcheck disable=SC2086
row "+ ac_stats_get, ac_stats_reset_trip" "" $MALLOC ac_stats_get ac_stats_reset_trip
# shellcheck disable=SC2086
row "+ ac_stats_format (report)" "" $MALLOC ac_stats_get ac_stats_reset_trip ac_stats_format
# shellcheck disable=SC2086
row "+ ac_stats_format, AC_AUDIT_SIZES=1" "-DAC_AUDIT_SIZES=1" $MALLOC ac_stats_get \
    ac_stats_reset_trip ac_stats_format
# shellcheck disable=SC2086
row "+ ac_heap_check" "" $MALLOC ac_heap_check
# shellcheck disable=SC2086
row "+ ac_heap_check_where, ac_heap_damage_format" "" $MALLOC ac_heap_check_where \
    ac_heap_damage_format
# shellcheck disable=SC2086
row "+ the host functions of js/alloc_cat.mjs" "" $MALLOC ac_stats_for_host \
    ac_heap_info_for_host ac_audit_for_host ac_stats_reset_trip ac_heap_damage_for_host
[ $have_opt = 1 ] || echo "(wasm-opt not installed: tools/deps.sh binaryen)"
