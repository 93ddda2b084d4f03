#!/bin/sh
# run_tests.sh - runs every test configuration, shows its output and ends
# with one line that sums them all: "N passed, N failed".
#
#   tools/run_tests.sh NAME=COMMAND [NAME=COMMAND ...]
#
# A configuration that exits non-zero without reporting a failure (a crash, a
# sanitizer abort, a missing tool) counts as one failed test; so does one
# that runs longer than AC_TEST_SECONDS (default 600: the longest, the
# valgrind runs, take about a minute; make test adds the fuzzers' seconds),
# stopped then so that a hang shows as a failure rather than as a run that
# never ends.
limit=${AC_TEST_SECONDS:-600}
passed=0
failed=0
for spec in "$@"; do
    name=${spec%%=*}
    cmd=${spec#*=}
    echo "=== $name: $cmd"
    out=$(mktemp)
    start=$(date +%s)
    timeout -k 10 "$limit" sh -c "$cmd" >"$out" 2>&1
    status=$?
    took=$(($(date +%s) - start))
    cat "$out"
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
    rm -f "$out"
    if [ -n "$last" ]; then
        p=$(echo "$last" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1/')
        f=$(echo "$last" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\2/')
    else
        p=0
        f=0
    fi
    # timeout's status, 124 (or 137: killed after ignoring TERM), at the limit
    if { [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; } && [ "$took" -ge "$limit" ]; then
        echo "=== $name stopped after $limit s without finishing: counted as 1 failure"
        f=$((f + 1))
    elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "=== $name exited with status $status without reporting a failure: counted as 1 failure"
        f=1
    fi
    echo "=== $name: $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
