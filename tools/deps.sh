#!/bin/sh
# deps.sh - makes sure the Debian packages alloc_cat's build needs are here.
#
#   tools/deps.sh [core] [wasi] [binaryen] [wabt] [emscripten] [real] [real-extra] [pkgconfig] [m32] [...]
#
# Each argument names a group of commands or files (see below). Whatever is
# missing is installed with apt-get when running as root; otherwise the
# script stops and prints the exact apt-get line to run.
# With DEPS_OPTIONAL=1 a missing group is reported and the exit status is 2
# instead of 1 (callers use this to skip optional comparisons).
set -u

missing=""
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
need_file() { [ -e "$1" ] || missing="$missing $2"; }

for group in "${@:-core}"; do
    case "$group" in
    core)
        need_cmd make make
        need_cmd gcc gcc
        need_cmd g++ g++ # tests/cxx_header.cpp: the header from C++
        need_cmd clang clang
        need_cmd wasm-ld lld
        need_cmd llvm-ar llvm
        need_cmd node nodejs
        # the sanitizer runtimes of the ASan, UBSan and TSan configurations
        need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-x86_64.a libclang-rt-14-dev
        need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.tsan-x86_64.a libclang-rt-14-dev
        ;;
    wasi)
        need_file /usr/lib/wasm32-wasi/libc.a wasi-libc
        need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a libclang-rt-14-dev-wasm32
        ;;
    fuzz) # libFuzzer (clang -fsanitize=fuzzer), with the sanitizer runtimes
        need_cmd clang clang
        need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
        ;;
    valgrind) # memcheck, and valgrind/memcheck.h for the client requests in heap.c
        need_cmd valgrind valgrind
        need_file /usr/include/valgrind/memcheck.h valgrind
        ;;
    pkgconfig) need_cmd pkg-config pkg-config ;;
    m32) # the 32-bit native configurations (gcc -m32, clang -m32 with ASan)
        need_file /usr/lib32/crt1.o gcc-multilib
        need_file /usr/lib/gcc/x86_64-linux-gnu/12/32/libgcc.a gcc-multilib
        need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-i386.a libclang-rt-14-dev
        ;;
    real)
        # tests/real/run.sh: unmodified programs under LD_PRELOAD (sort is coreutils)
        need_cmd python3 python3
        ;;
    real-extra)
        # tests/real/run.sh runs these too when present, skips them otherwise
        need_cmd sqlite3 sqlite3
        need_cmd git git
        ;;
    binaryen) need_cmd wasm-opt binaryen ;;
    emscripten) need_file /usr/share/emscripten/system/lib/emmalloc.c emscripten ;;
    wabt) need_cmd wasm-objdump wabt ;;
    *)
        echo "deps.sh: unknown group '$group'" >&2
        exit 2
        ;;
    esac
done

[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086
set -- $missing
line="apt-get install -y $*"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps.sh: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; then exit 0; fi
    echo "deps.sh: '$line' failed" >&2
else
    echo "deps.sh: missing packages:$missing" >&2
    echo "deps.sh: run as root:  apt-get update && $line" >&2
fi
[ "${DEPS_OPTIONAL:-0}" = 1 ] && exit 2
exit 1
