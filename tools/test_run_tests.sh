#!/bin/sh
# test_run_tests.sh - the test runner's own counting (tools/run_tests.sh):
# passes and failures summed from each configuration's last line, a
# non-zero exit without a reported failure counted as one failure, and a
# configuration that runs past AC_TEST_SECONDS stopped and counted as one.
# Ends with "N passed, N failed".
set -u
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# NAME WANT_LAST_LINE WANT_STATUS CONFIGURATION...
check() {
    name=$1
    want=$2
    want_status=$3
    shift 3
    AC_TEST_SECONDS=2 sh tools/run_tests.sh "$@" >"$out" 2>&1
    status=$?
    last=$(tail -n 1 "$out")
    if [ "$last" = "$want" ] && [ "$status" -eq "$want_status" ]; then
        echo "run_tests.$name ... ok"
        passed=$((passed + 1))
    else
        echo "run_tests.$name ... FAILED: last line \"$last\", status $status"
        echo "    want \"$want\", status $want_status"
        failed=$((failed + 1))
    fi
}

check sums "5 passed, 0 failed" 0 a="echo 2 passed, 0 failed" b="echo 3 passed, 0 failed"
check failures "4 passed, 2 failed" 1 a="echo 3 passed, 2 failed; exit 1" b="echo 1 passed, 0 failed"
check crash "1 passed, 1 failed" 1 a="echo 1 passed, 0 failed" b="kill -SEGV \$\$"
check exit_124 "1 passed, 1 failed" 1 a="echo 1 passed, 0 failed" b="exit 124"
grep -q '^=== b exited with status 124 without reporting a failure' "$out" &&
    echo "run_tests.exit_124_not_a_timeout ... ok" && passed=$((passed + 1)) ||
    { echo "run_tests.exit_124_not_a_timeout ... FAILED"; failed=$((failed + 1)); }
check hang "1 passed, 1 failed" 1 a="echo 1 passed, 0 failed" b="sleep 30; echo 9 passed, 0 failed"
grep -q '^=== b stopped after 2 s without finishing: counted as 1 failure$' "$out" &&
    echo "run_tests.hang_named ... ok" && passed=$((passed + 1)) ||
    { echo "run_tests.hang_named ... FAILED"; failed=$((failed + 1)); }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
