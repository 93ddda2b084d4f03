#!/bin/sh
# test_freestanding.sh - the freestanding native build (AC_FREESTANDING: no
# operating system, no C library). Runs the programs make builds from
# tests/freestanding.c (their own counts are added to this script's), makes
# sure nm finds nothing undefined in them, and that the checked ones trap on
# a double free with the default hook, having written nothing (no stderr
# there). Then compiles the library as a bare-metal program would: natively
# with no header but the compiler's own (its objects may then refer to
# memcpy and memset only, which the compilers ask of every freestanding
# environment, and to the program's lock when built with AC_THREAD_SAFE=1),
# for Cortex-M3 and Cortex-M0 with clang (there the compiler's own runtime,
# __aeabi_* and libgcc's routines, too), and from the single file of make
# dist, whose program must pass as well. With arm-none-eabi-gcc installed
# the library is also compiled with it; with qemu-arm too, the test program
# is linked for Cortex-M3 and run under qemu's user mode.
# Ends with "N passed, N failed".
#
#   [LIB_SRCS="..."] tools/test_freestanding.sh PROGRAM...
#                      (make test: the Makefile's LIB_SRCS, build/test/freestanding/*)
# (flag lists such as $W are split into words on purpose)
# shellcheck disable=SC2086
set -u
cd "$(dirname "$0")/.." || exit 1
CC_GCC=${CC_GCC:-gcc}
CC_CLANG=${CC_CLANG:-clang}
srcs=${LIB_SRCS:-src/region.c src/format.c src/malloc.c src/backend_wasm.c src/backend_mmap.c src/backend_static.c src/stats.c src/report.c}
W="-std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror -Iinclude"
GCC_INC="-nostdinc -isystem $($CC_GCC -print-file-name=include)"
CLANG_INC="-nostdinc -isystem $($CC_CLANG -print-resource-dir)/include"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() {
    passed=$((passed + 1))
    echo "--- $1: ok"
}
bad() {
    failed=$((failed + 1))
    echo "--- $1: FAILED"
}

# run_counted NAME PROGRAM: runs it, prints its output, adds its counts
run_counted() {
    "$2" >"$tmp/out" 2>&1
    status=$?
    sed 's/^/    /' "$tmp/out"
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/out" | tail -n 1)
    if [ -z "$last" ]; then
        bad "$1: ended (status $status) without its count"
        return
    fi
    p=${last%% passed*}
    f=${last#*passed, }
    f=${f%% failed}
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        bad "$1: exited with status $status"
    fi
    echo "--- $1: $p passed, $f failed"
}

# ---- the programs: nothing undefined, their checks, the default hook's trap ----
for prog in "$@"; do
    name=$(basename "$prog")
    if und=$(nm -u "$prog" 2>&1) && [ -z "$und" ]; then
        ok "$name: nm finds no undefined symbol (no libc, nothing else linked)"
    else
        echo "$und" | sed 's/^/    /'
        bad "$name: nm finds no undefined symbol (no libc, nothing else linked)"
    fi
    run_counted "$name" "$prog"
    case "$name" in
    *-checked)
        # (the program's files are opened in its own process, by the sh that
        # execs it: the shell that waits tells of the signal on its own
        # stderr, sent to /dev/null, and not in the program's file)
        (
            sh -c 'exec "$0" trap >"$1" 2>"$2"' "$prog" "$tmp/trap.out" "$tmp/trap.err"
            echo $? >"$tmp/trap.status"
        ) 2>/dev/null
        status=$(cat "$tmp/trap.status")
        # 132: killed by SIGILL (x86_64's ud2, __builtin_trap)
        if [ "$status" -eq 132 ] && [ "$(cat "$tmp/trap.out")" = "double free with the default hook" ] &&
            [ ! -s "$tmp/trap.err" ]; then
            ok "$name trap: the default hook traps (SIGILL) on a double free, writing nothing"
        else
            echo "    status $status; stdout: $(cat "$tmp/trap.out"); stderr: $(cat "$tmp/trap.err")"
            bad "$name trap: the default hook traps (SIGILL) on a double free, writing nothing"
        fi
        ;;
    esac
done

# ---- the library's objects: what they leave to the environment ------------------

# undefined NAME COMPILER_AND_FLAGS...: compiles every source (warnings as
# errors) into $tmp/o; prints the symbols the objects need from elsewhere
undefined() {
    rm -rf "$tmp/o" && mkdir "$tmp/o"
    for src in $srcs; do
        "$@" -c "$src" -o "$tmp/o/$(basename "$src" .c).o" || return 1
    done
    nm "$tmp/o"/*.o | awk '$1 == "U" { print $2 }' | sort -u >"$tmp/u"
    nm --defined-only "$tmp/o"/*.o | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/d"
    comm -23 "$tmp/u" "$tmp/d" | tr '\n' ' ' | sed 's/ $//'
}

# exactly NAME EXPECTED COMPILER_AND_FLAGS...: the objects need exactly EXPECTED
exactly() {
    name=$1
    want=$2
    shift 2
    if got=$(undefined "$@" 2>&1) && [ "$got" = "$want" ]; then
        ok "$name: needs only $want"
    else
        echo "    got: $got"
        bad "$name: needs only $want"
    fi
}

# only NAME WHAT PATTERN COMPILER_AND_FLAGS...: every symbol the objects
# need matches PATTERN (an extended regular expression), which allows WHAT
only() {
    name=$1
    what=$2
    pattern=$3
    shift 3
    if got=$(undefined "$@" 2>&1) &&
        ! echo "$got" | tr ' ' '\n' | grep -vE "^\$|^($pattern)\$" >/dev/null; then
        ok "$name: needs only $what (${got:-nothing})"
    else
        echo "    got: $got"
        bad "$name: needs only $what"
    fi
}
# memcpy, memset and the compiler's runtime: Arm's EABI helpers, libgcc's
# (64-bit arithmetic on 32-bit targets, switch tables on Thumb-1)
RUNTIME='memcpy|memset|__aeabi_[a-z0-9]+|__[a-z]+[sdt]i[23]|__gnu_thumb1_[a-z_]+'
runtime_only() {
    name=$1
    shift
    only "$name" "memcpy, memset and compiler runtime" "$RUNTIME" "$@"
}

FS="-ffreestanding"
exactly "gcc -O2 -ffreestanding -nostdinc, x86_64" "memcpy memset" $CC_GCC $W -O2 $FS $GCC_INC
exactly "gcc -O0 -ffreestanding -nostdinc, checked and audit" "memcpy memset" \
    $CC_GCC $W -O0 $FS $GCC_INC -DAC_CHECKED=1 -DAC_AUDIT_SIZES=1
exactly "clang -O2 -ffreestanding -nostdinc, x86_64-unknown-none-elf" "memcpy memset" \
    $CC_CLANG --target=x86_64-unknown-none-elf $W -O2 $FS $CLANG_INC
exactly "gcc -ffreestanding, AC_THREAD_SAFE=1: the program's lock" "ac_user_lock ac_user_unlock memcpy memset" \
    $CC_GCC $W -O2 $FS $GCC_INC -DAC_THREAD_SAFE=1
# a bare-metal toolchain that calls itself hosted (newlib's): the macro
# alone; the compiler may then make a loop a call to the C library's strlen
only "gcc without -ffreestanding, -DAC_FREESTANDING=1" "memcpy, memset, strlen" "memcpy|memset|strlen" \
    $CC_GCC $W -O2 -DAC_FREESTANDING=1
for cpu in "thumbv7m-none-eabi -mcpu=cortex-m3" "thumbv6m-none-eabi -mcpu=cortex-m0"; do
    runtime_only "clang --target=$cpu -Os" $CC_CLANG --target=$cpu $W -Os $FS $CLANG_INC
    runtime_only "clang --target=$cpu -Os, checked" $CC_CLANG --target=$cpu $W -Os $FS $CLANG_INC -DAC_CHECKED=1
done
if $CC_CLANG --target=wasm32 -ffreestanding -nostdlib $W -DAC_FREESTANDING=1 -c src/malloc.c -o "$tmp/w.o" \
    2>"$tmp/w.err"; then
    bad "wasm32 with AC_FREESTANDING=1 is refused"
elif grep -q "AC_FREESTANDING is for native targets" "$tmp/w.err"; then
    ok "wasm32 with AC_FREESTANDING=1 is refused"
else
    sed 's/^/    /' "$tmp/w.err" | head -n 5
    bad "wasm32 with AC_FREESTANDING=1 is refused"
fi

# ---- the single file of make dist, as a bare-metal program would take it --------
if tools/amalgamate.sh "$tmp/dist" $srcs >/dev/null &&
    $CC_GCC -std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror \
        -I"$tmp/dist" -O2 -ffreestanding $GCC_INC -nostdlib -static -fno-pie -no-pie -fno-stack-protector \
        "$tmp/dist/alloc_cat.c" tests/freestanding.c -o "$tmp/dist/prog"; then
    ok "dist/alloc_cat.c builds the freestanding program"
    run_counted "dist/alloc_cat.c's program" "$tmp/dist/prog"
else
    bad "dist/alloc_cat.c builds the freestanding program"
fi

# ---- Arm's own compiler, and a run under qemu (when installed) --------------------
if command -v arm-none-eabi-gcc >/dev/null 2>&1; then
    AI="-nostdinc -isystem $(arm-none-eabi-gcc -print-file-name=include)"
    for cpu in cortex-m3 cortex-m0; do
            runtime_only "arm-none-eabi-gcc -mcpu=$cpu -Os" arm-none-eabi-gcc -mcpu=$cpu -mthumb $W -Os $FS $AI
    done
    # qemu's user mode runs no M-profile CPU: the programs for Cortex-M3
    # (Thumb-2) and M0 (Thumb-1) run on an emulated Cortex-A7, whose Thumb
    # instructions include theirs. Linked with libgcc (-lgcc) alone.
    if command -v qemu-arm >/dev/null 2>&1; then
        for build in "cortex-m3 -DAC_CHECKED=1 -DAC_THREAD_SAFE=1 -DAC_EXPORT_STD_NAMES=1" "cortex-m0"; do
            cpu=${build%% *}
            opts=${build#"$cpu"}
            label=$cpu
            [ -n "$opts" ] && label="$cpu, checked with the program's lock"
                    if arm-none-eabi-gcc -mcpu=$cpu -mthumb $W -O2 $FS $AI -nostdlib -static $opts \
                $srcs tests/freestanding.c -lgcc -o "$tmp/$cpu"; then
                printf '#!/bin/sh\nexec qemu-arm -cpu cortex-a7 %s "$@"\n' "$tmp/$cpu" >"$tmp/run-$cpu"
                chmod +x "$tmp/run-$cpu"
                run_counted "$label, under qemu-arm" "$tmp/run-$cpu"
            else
                bad "arm-none-eabi-gcc links the program for $label"
            fi
        done
    else
        echo "--- (qemu-arm not installed: the Cortex-M programs are not run)"
    fi
else
    echo "--- (arm-none-eabi-gcc not installed: Cortex-M checked with clang only)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
