#!/bin/sh
# test_install.sh - `make install` into a temporary prefix, then builds
# examples against the installed package through pkg-config only: native
# (shared and static), wasm32, and LD_PRELOAD. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
NODE=${NODE:-node}
W="-std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
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
CLEAN="grep -qE '^[0-9]+ passed, 0 failed$'"

check "make install PREFIX=$prefix" $MAKE --no-print-directory -s install PREFIX="$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
version=$(sed -n 's/^#define AC_VERSION_STRING "\(.*\)"$/\1/p' include/alloc_cat.h)
check "pkg-config finds alloc_cat $version" sh -c "[ \"\$(pkg-config --modversion alloc_cat)\" = $version ]"
check "installed header is the public header" cmp "$(pkg-config --variable=includedir alloc_cat)/alloc_cat.h" include/alloc_cat.h
cflags=$(pkg-config --cflags alloc_cat)
libdir=$(pkg-config --variable=libdir alloc_cat)

check "shared: build with pkg-config --libs" sh -c "gcc $W -O2 $cflags examples/native/static_link.c \$(pkg-config --libs alloc_cat) -Wl,-rpath,$libdir -o $tmp/shared"
check "shared: runs on the installed liballoc_cat.so.0" sh -c "ldd $tmp/shared | grep -q '$libdir/liballoc_cat.so.0' && $tmp/shared | $CLEAN"
check "shared: exports the ac_ API and no internal ac__ name" sh -c "nm -D --defined-only $libdir/liballoc_cat.so.0 | grep -q ' T ac_malloc\$' && ! nm -D --defined-only $libdir/liballoc_cat.so.0 | grep ' ac__'"
check "static: build with pkg-config --static --libs" sh -c "gcc $W -O2 $cflags examples/native/static_link.c \$(pkg-config --static --libs alloc_cat | sed 's/-lalloc_cat/-l:liballoc_cat.a/') -o $tmp/static"
check "static: runs without the shared library" sh -c "! ldd $tmp/static | grep -q liballoc_cat && $tmp/static | $CLEAN"
check "wasm32: build with wasm32_libdir" sh -c "clang --target=wasm32 -mbulk-memory -nostdlib $W -O2 $cflags -Wl,--no-entry examples/freestanding/strings.c -L\$(pkg-config --variable=wasm32_libdir alloc_cat) -lalloc_cat -o $tmp/strings.wasm"
check "wasm32: runs under node" sh -c "$NODE examples/freestanding/strings.mjs $tmp/strings.wasm | $CLEAN"
check "wasm32 checked: build with wasm32_checked_libdir" sh -c "clang --target=wasm32 -mbulk-memory -nostdlib $W -O2 $cflags -DAC_CHECKED=1 -Wl,--no-entry examples/freestanding/strings.c -L\$(pkg-config --variable=wasm32_checked_libdir alloc_cat) -lalloc_cat -o $tmp/strings-checked.wasm"
check "wasm32 checked: runs under node" sh -c "$NODE examples/freestanding/strings.mjs $tmp/strings-checked.wasm | $CLEAN"
check "wasm32 audit: build with wasm32_audit_libdir" sh -c "clang --target=wasm32 -mbulk-memory -nostdlib $W -O2 $cflags -DAC_AUDIT_SIZES=1 -Wl,--no-entry examples/freestanding/strings.c -L\$(pkg-config --variable=wasm32_audit_libdir alloc_cat) -lalloc_cat -o $tmp/strings-audit.wasm"
check "wasm32 audit: runs under node" sh -c "$NODE examples/freestanding/strings.mjs $tmp/strings-audit.wasm | $CLEAN"
check "LD_PRELOAD: the installed preload library" sh -c "LD_PRELOAD=\$(pkg-config --variable=preload alloc_cat) build/examples/preload_check | $CLEAN"
check "LD_PRELOAD: the installed checked preload library" sh -c "LD_PRELOAD=\$(pkg-config --variable=preload_checked alloc_cat) build/examples/preload_check | $CLEAN"
check "LD_PRELOAD: the installed checked preload library names a double free" sh -c "LD_PRELOAD=\$(pkg-config --variable=preload_checked alloc_cat) build/test/real/misuse_std_names double_free 9 2>&1 9>/dev/null | grep -q '^alloc_cat: double free of 0x[0-9a-f]* in free$'"
check "LD_PRELOAD: the installed metrics library reports at exit" sh -c "ALLOC_CAT_REPORT=1 LD_PRELOAD=\$(pkg-config --variable=metrics alloc_cat) sort </dev/null 2>&1 | grep -q '^alloc_cat metrics-only (system allocator'"
check "make uninstall removes every file, and lib/wasm32* and lib/pkgconfig" sh -c "$MAKE --no-print-directory -s uninstall PREFIX=$prefix && [ -z \"\$(find $prefix -type f -o -type l)\" ] && [ ! -e $prefix/lib/wasm32 ] && [ ! -e $prefix/lib/wasm32-checked ] && [ ! -e $prefix/lib/wasm32-audit ] && [ ! -e $prefix/lib/pkgconfig ]"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
