#!/bin/sh
# test_metrics.sh - the metrics-only LD_PRELOAD library on real programs.
#
#   tools/test_metrics.sh build/native/liballoc_cat_metrics.so build/test/metrics/metrics_prog
#
# 1. metrics_prog (tests/metrics_prog.c) checks exact counters from inside;
# 2. the report it prints at exit (ALLOC_CAT_REPORT=1) agrees with its last
#    state, and there is no report without ALLOC_CAT_REPORT=1;
# 3. sort(1) and, when installed, python3 run under the library: their
#    output is unchanged and the reports' numbers are plausible (peak at
#    least the data they must hold, frees no more than allocs).
# Ends with "N passed, N failed".
lib=$1
prog=$2
if [ ! -f "$lib" ] || [ ! -x "$prog" ]; then
    echo "usage: tools/test_metrics.sh liballoc_cat_metrics.so metrics_prog"
    echo "0 passed, 1 failed"
    exit 1
fi
case $lib in /*) ;; *) lib=$(pwd)/$lib ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { echo "metrics.$1 ... ok"; passed=$((passed + 1)); }
bad() { echo "metrics.$1 ...  FAILED: $2"; failed=$((failed + 1)); }

# number after a report label: field LABEL FILE (first match)
field() { sed -n "s/^  $1  *\([0-9][0-9]*\).*/\1/p" "$2" | head -n 1; }
# "calls  N allocs, M frees": allocs or frees
calls() { sed -n "s/^  calls  *\([0-9][0-9]*\) allocs\{0,1\}, \([0-9][0-9]*\) frees\{0,1\}.*/\\$1/p" "$2"; }

# 1. exact counters from inside the program
ALLOC_CAT_REPORT=1 LD_PRELOAD=$lib "$prog" >"$tmp/out" 2>"$tmp/err"
status=$?
sed -n '/^--- report before exit/q;p' "$tmp/out"
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/out" | tail -n 1)
if [ -n "$last" ]; then
    passed=$((passed + ${last%% passed*}))
    f=${last#*passed, }
    failed=$((failed + ${f%% failed*}))
fi
[ "$status" -eq 0 ] || [ -n "$last" ] || bad metrics_prog "exited with $status"

# 2. the report at exit matches the state just before exit
sed -n '/^--- report before exit/,$p' "$tmp/out" | sed 1d >"$tmp/before"
grep -q '^== alloc_cat report for pid [0-9]* (metrics_prog) at exit$' "$tmp/err" &&
    ok report_header || bad report_header "$(head -n 1 "$tmp/err")"
same=1
for label in 'in use' 'peak' 'trip peak' 'calls'; do
    a=$(grep "^  $label  " "$tmp/before")
    b=$(grep "^  $label  " "$tmp/err")
    if [ -z "$a" ] || [ "$a" != "$b" ]; then
        same=0
        echo "    '$label': before exit '$a', at exit '$b'"
    fi
done
[ $same = 1 ] && ok report_matches_last_state || bad report_matches_last_state "see above"
# the three 1000-byte blocks kept until exit are in the report
in_use=$(field 'in use' "$tmp/err")
[ -n "$in_use" ] && [ "$in_use" -ge 3000 ] && ok report_counts_live_blocks ||
    bad report_counts_live_blocks "in use '$in_use' < 3000"

LD_PRELOAD=$lib "$prog" >/dev/null 2>"$tmp/err2"
[ ! -s "$tmp/err2" ] && ok no_report_unless_asked || bad no_report_unless_asked "$(cat "$tmp/err2")"
ALLOC_CAT_REPORT=0 LD_PRELOAD=$lib "$prog" >/dev/null 2>"$tmp/err3"
[ ! -s "$tmp/err3" ] && ok no_report_when_0 || bad no_report_when_0 "$(cat "$tmp/err3")"
"$prog" >"$tmp/alone" 2>&1
[ $? -ne 0 ] && grep -q LD_PRELOAD "$tmp/alone" && ok needs_the_library ||
    bad needs_the_library "ran without the library"

# 3. real programs
plausible() { # NAME REPORT MIN_PEAK
    p=$(field peak "$2")
    u=$(field 'in use' "$2")
    a=$(calls 1 "$2")
    f=$(calls 2 "$2")
    if [ -z "$p" ] || [ -z "$u" ] || [ -z "$a" ] || [ -z "$f" ]; then
        bad "$1" "no report: $(head -n 3 "$2")"
    elif [ "$p" -lt "$3" ] || [ "$u" -gt "$p" ] || [ "$f" -gt "$a" ] || [ "$a" -lt 1 ]; then
        bad "$1" "implausible: peak $p (want >= $3), in use $u, $a allocs, $f frees"
    else
        ok "$1"
        echo "    $1: peak $p bytes, in use at exit $u bytes, $a allocs, $f frees"
    fi
}

awk 'BEGIN { for (i = 0; i < 100000; i++) print (i * 7919) % 100003, "line", i }' >"$tmp/in"
input_bytes=$(wc -c <"$tmp/in")
sort -n "$tmp/in" >"$tmp/sorted.plain"
ALLOC_CAT_REPORT=1 LD_PRELOAD=$lib sort -n "$tmp/in" >"$tmp/sorted" 2>"$tmp/sort.err"
if cmp -s "$tmp/sorted" "$tmp/sorted.plain"; then ok sort_output_unchanged; else
    bad sort_output_unchanged "output differs"; fi
# sort holds all its input in memory at once
plausible sort_report "$tmp/sort.err" "$input_bytes"

# Debian's python3 itself (a wrapper script in PATH would report too)
py=/usr/bin/python3
if [ -x "$py" ]; then
    ALLOC_CAT_REPORT=1 LD_PRELOAD=$lib "$py" -c '
b = bytearray(10_000_000)
words = {str(i): i for i in range(50_000)}
del b
print(len(words))' >"$tmp/py.out" 2>"$tmp/py.err"
    [ "$(cat "$tmp/py.out")" = 50000 ] && ok python_output_unchanged ||
        bad python_output_unchanged "$(cat "$tmp/py.out")"
    # the 10 MB bytearray comes from malloc (python's allocator passes it on)
    plausible python_report "$tmp/py.err" 10000000
else
    echo "metrics.python ... skipped (no /usr/bin/python3)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
