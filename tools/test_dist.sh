#!/bin/sh
# test_dist.sh - the single-file drop-in builds the examples on its own: the
# two files of dist/ are copied to an empty directory and each example is
# compiled against them alone (no -Iinclude, no src/), natively with gcc and
# clang and for wasm32 (freestanding and WASI), then run; and the header
# from C++ (tests/cxx_header.cpp). Ends with "N passed, N failed".
#
#   tools/test_dist.sh        (after make dist and make examples)
set -u
cd "$(dirname "$0")/.."
NODE=${NODE:-node}
W="-std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror"
WASM="--target=wasm32 -mbulk-memory -ffreestanding -nostdlib"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp dist/alloc_cat.c dist/alloc_cat.h "$tmp"/
passed=0
failed=0

check() { # name command...: the command's success is one check
    name=$1
    shift
    if out=$("$@" 2>&1); then
        passed=$((passed + 1))
        echo "--- $name: ok"
    else
        failed=$((failed + 1))
        printf '%s\n' "$out" | tail -n 15
        echo "--- $name: FAILED"
    fi
}
D="-I$tmp"
check "gcc: alloc_cat.c compiles alone" gcc $W -O2 -c "$tmp/alloc_cat.c" -o "$tmp/gcc.o"
check "clang: alloc_cat.c compiles alone" clang $W -O2 -c "$tmp/alloc_cat.c" -o "$tmp/clang.o"
check "clang wasm32: compiles alone, no libc" clang $WASM $W -O2 -c "$tmp/alloc_cat.c" -o "$tmp/w.o"
# a project that vendors the file may build it with more warnings than ours
check "gcc: alloc_cat.c compiles alone under more warnings (-Wcast-qual, -Wsign-conversion...)" gcc $W -Wsign-conversion -Wstrict-prototypes -Wmissing-declarations -Wundef -Wcast-qual -Wcast-align=strict -Wdouble-promotion -Wformat=2 -Wnull-dereference -Wduplicated-cond -Wlogical-op -Wredundant-decls -Wvla -Wswitch-enum -O2 -c "$tmp/alloc_cat.c" -o "$tmp/gccw.o"
check "gcc, standard names: compiles" gcc $W -O2 -DAC_EXPORT_STD_NAMES=1 -c "$tmp/alloc_cat.c" -o "$tmp/std.o"

check "gcc, checked build (AC_CHECKED): compiles" gcc $W -O2 -DAC_CHECKED=1 -c "$tmp/alloc_cat.c" -o "$tmp/checked.o"
check "native static link example, checked and audit build (clang)" sh -c "clang $W -O2 $D -DAC_CHECKED=1 -DAC_AUDIT_SIZES=1 examples/native/static_link.c $tmp/alloc_cat.c -lpthread -o $tmp/slk && $tmp/slk | grep -qE '^[0-9]+ passed, 0 failed$'"
check "freestanding wasm32 example, checked and audit build" sh -c "clang $WASM $W -O2 $D -DAC_CHECKED=1 -DAC_AUDIT_SIZES=1 -Wl,--no-entry examples/freestanding/strings.c $tmp/alloc_cat.c -o $tmp/sk.wasm && $NODE examples/freestanding/strings.mjs $tmp/sk.wasm | grep -qE '^[0-9]+ passed, 0 failed$'"
# a build option set on the command line reaches every part of the one
# file (the audit tables: kept by the engine, read by the stats)
cat >"$tmp/audit.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include "alloc_cat.h"
int main(void) {
    static ac_audit_t a;
    static char report[65536];
    void *p = ac_malloc(24);
    int ok = p && ac_audit_get(&a) && a.by_size[24].live == 1 && a.by_size[24].peak == 1;
    ac_stats_format(report, sizeof report);
    ok = ok && strstr(report, "audit by size") != NULL;
    ac_free(p);
    puts(ok ? "1 passed, 0 failed" : "0 passed, 1 failed");
    return !ok;
}
EOF
check "audit build (AC_AUDIT_SIZES=1 on the command line): the stats read the engine's tables" sh -c "gcc $W -O2 $D -DAC_AUDIT_SIZES=1 $tmp/audit.c $tmp/alloc_cat.c -lpthread -o $tmp/au && $tmp/au"
check "native static link example (gcc)" sh -c "gcc $W -O2 $D examples/native/static_link.c $tmp/alloc_cat.c -lpthread -o $tmp/sl && $tmp/sl | grep -qE '^[0-9]+ passed, 0 failed$'"
check "native static link example (clang)" sh -c "clang $W -O2 $D examples/native/static_link.c $tmp/alloc_cat.c -lpthread -o $tmp/slc && $tmp/slc | grep -qE '^[0-9]+ passed, 0 failed$'"
check "static buffer example, native" sh -c "gcc $W -O2 $D examples/embedded/static_buffer.c $tmp/alloc_cat.c -lpthread -o $tmp/sb && $tmp/sb | grep -qE '^[0-9]+ passed, 0 failed$'"
check "static buffer example, wasm32" sh -c "clang $WASM $W -O2 $D -Wl,--no-entry examples/embedded/static_buffer.c $tmp/alloc_cat.c -o $tmp/sb.wasm && $NODE examples/embedded/static_buffer.mjs $tmp/sb.wasm | grep -qE '^[0-9]+ passed, 0 failed$'"
check "freestanding wasm32 example" sh -c "clang $WASM $W -O2 $D -Wl,--no-entry examples/freestanding/strings.c $tmp/alloc_cat.c -o $tmp/s.wasm && $NODE examples/freestanding/strings.mjs $tmp/s.wasm | grep -qE '^[0-9]+ passed, 0 failed$'"
check "wasm32-wasi example replacing dlmalloc" sh -c "clang --target=wasm32-wasi --sysroot=/usr $W -O2 $D examples/wasi/replace_malloc.c $tmp/alloc_cat.c -o $tmp/r.wasm && $NODE --no-warnings --experimental-wasi-unstable-preview1 --no-turbo-fast-api-calls tools/run_wasi.mjs $tmp/r.wasm | grep -qE '^[0-9]+ passed, 0 failed$'"
check "demo program, alloc_cat as malloc: the report glibc's malloc gives" sh -c "gcc $W -O2 $D -DWF_ALLOC_CAT -DAC_EXPORT_STD_NAMES=1 examples/demo/wordfreq.c examples/demo/main_hosted.c examples/demo/ac_report.c $tmp/alloc_cat.c -lpthread -o $tmp/wf && build/examples/wordfreq-glibc examples/demo/input.txt >$tmp/ref.txt && $tmp/wf examples/demo/input.txt 2>/dev/null | cmp - $tmp/ref.txt"

# alloc_cat.h from C++ (tests/cxx_header.cpp): strict C++ warnings, the
# library compiled as C beside it; g++ at C++11 and C++20, clang's C driver
# at C++17 (no C++ library linked), and wasm32-wasi under node
CXXW="-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wold-style-cast -Wzero-as-null-pointer-constant -Wcast-qual -Werror"
for std in c++11 c++20; do
    check "C++: the header from g++ -std=$std, the library beside it" sh -c "g++ -std=$std $CXXW -O2 $D tests/cxx_header.cpp $tmp/gcc.o -lpthread -o $tmp/cxx-$std && $tmp/cxx-$std | grep -qE '^[0-9]+ passed, 0 failed$'"
done
check "C++: the header from clang -x c++ -std=c++17, no C++ library" sh -c "clang -x c++ -std=c++17 -fno-exceptions -fno-rtti $CXXW -O2 $D tests/cxx_header.cpp -x none $tmp/clang.o -lpthread -o $tmp/cxx-clang && $tmp/cxx-clang | grep -qE '^[0-9]+ passed, 0 failed$'"
check "C++: the header as wasm32-wasi C++, run under node" sh -c "clang --target=wasm32-wasi --sysroot=/usr $W -O2 -c $tmp/alloc_cat.c -o $tmp/wasi.o && clang --target=wasm32-wasi --sysroot=/usr -x c++ -std=c++17 -fno-exceptions -fno-rtti $CXXW -O2 $D tests/cxx_header.cpp -x none $tmp/wasi.o -o $tmp/cxx.wasm && $NODE --no-warnings --experimental-wasi-unstable-preview1 --no-turbo-fast-api-calls tools/run_wasi.mjs $tmp/cxx.wasm | grep -qE '^[0-9]+ passed, 0 failed$'"
# and the header alone adds no warning under clang's -Weverything, as C and
# as C++ (-Wdocumentation read a '\n' in a comment as a command, and a
# macro named AC__... is reserved in C++)
echo '#include "alloc_cat.h"' >"$tmp/header.c"
check "the header alone under clang -Weverything, C11" clang -std=c11 -Weverything -Werror $D -c "$tmp/header.c" -o "$tmp/header.o"
check "the header alone under clang -Weverything, C++17" clang -x c++ -std=c++17 -Weverything -Wno-c++98-compat -Werror $D -c "$tmp/header.c" -o "$tmp/header.o"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
