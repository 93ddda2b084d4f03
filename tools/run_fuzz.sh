#!/bin/sh
# run_fuzz.sh - runs a libFuzzer target for a number of seconds and reports
# in the test summary's format.
#
#   tools/run_fuzz.sh FUZZER SECONDS SEED_CORPUS WORK_DIR
#
# The seed corpus is read, never written; new inputs go to WORK_DIR/corpus
# (kept between local runs), findings to WORK_DIR/artifacts/. Prints the
# fuzzer's final figures (executions, coverage: cov = edges, ft = features)
# and ends with "1 passed, 0 failed", or "0 passed, 1 failed" on a finding
# (a crash, a failed model check, a leak, a timeout), exiting non-zero.
set -u
fuzzer=$1
seconds=$2
seeds=$3
work=$4
mkdir -p "$work/corpus" "$work/artifacts"
log="$work/last_run.log"
echo "fuzzing $fuzzer for $seconds s: seeds $seeds, corpus $work/corpus, findings $work/artifacts/"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" >"$log" 2>&1
status=$?
# the start, the coverage after the seeds, the last progress line and the totals
grep -E '^INFO: Seed|INITED|^#[0-9]+[[:space:]]+(pulse|DONE)|^stat::|^Done' "$log" | tail -n 12
if [ "$status" -ne 0 ]; then
    echo "--- the fuzzer found something (exit status $status); its log:"
    grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|RELOAD|pulse)' "$log" | tail -n 60
    echo "--- replay: $fuzzer $work/artifacts/<file>  (AC_FUZZ_TRACE=1 prints each operation)"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "1 passed, 0 failed"
