#!/bin/sh
# run_tool_tests.sh - a user's use-after-free, caught with alloc_cat in place
# by ASan and by valgrind's memcheck (tests/tool_uaf.c).
#
#   tools/run_tool_tests.sh ASAN_BINARY PLAIN_BINARY
#
# ASAN_BINARY is tool_uaf and alloc_cat built with ASan; PLAIN_BINARY is
# built without, for valgrind. Each mode with a use-after-free must be
# reported (ASan: "use-after-poison" at the line in tool_uaf.c; memcheck:
# an invalid access inside a freed block, exit status 42), and the correct
# mode must run clean under both. Ends with "N passed, N failed".
set -u
asan=$1
plain=$2
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

result() { # NAME OK DETAIL
    if [ "$2" = 1 ]; then
        echo "tools.$1 ... ok"
        passed=$((passed + 1))
    else
        echo "tools.$1 ... FAILED"
        failed=$((failed + 1))
        echo "--- output:"
        head -n 40 "$out"
    fi
    [ -n "$3" ] && echo "    $3"
}

# ASan
"$asan" ok >"$out" 2>&1
status=$?
ok=0
[ "$status" -eq 0 ] && ! grep -q 'ERROR: AddressSanitizer' "$out" && ok=1
result "asan_ok_runs_clean" $ok "exit status $status"
for mode in read-top read-binned write-binned read-moved read-aligned; do
    "$asan" $mode >"$out" 2>&1
    status=$?
    ok=0
    if [ "$status" -ne 0 ] && grep -q 'ERROR: AddressSanitizer: use-after-poison' "$out" &&
        grep -Eq '#0 .* in main .*tool_uaf\.c:[0-9]+' "$out"; then
        ok=1
    fi
    result "asan_catches_$mode" $ok "$(grep -m1 'ERROR: AddressSanitizer' "$out" | sed 's/^==[0-9]*==//'); $(grep -m1 -E '#0 ' "$out" | sed 's/^ *//; s/ (.*//')"
done

# valgrind memcheck
vg="valgrind --error-exitcode=42 --quiet"
$vg "$plain" ok >"$out" 2>&1
status=$?
ok=0
[ "$status" -eq 0 ] && ! grep -q '^==[0-9]*== ' "$out" && ok=1
result "valgrind_ok_runs_clean" $ok "exit status $status"
for mode in read-top read-binned write-binned read-moved read-aligned; do
    $vg "$plain" $mode >"$out" 2>&1
    status=$?
    ok=0
    if [ "$status" -eq 42 ] && grep -Eq 'Invalid (read|write) of size 1' "$out" &&
        grep -Eq 'bytes inside a block of size [0-9]+ free.d' "$out" &&
        grep -Eq 'by 0x[0-9A-F]+: main \(tool_uaf\.c|at 0x[0-9A-F]+: main \(tool_uaf\.c' "$out"; then
        ok=1
    fi
    result "valgrind_catches_$mode" $ok "$(grep -m1 -E 'Invalid (read|write)' "$out" | sed 's/^==[0-9]*== //'): $(grep -m1 -E 'inside a block' "$out" | sed 's/^==[0-9]*== *//')"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
