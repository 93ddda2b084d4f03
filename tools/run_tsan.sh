#!/bin/sh
# run_tsan.sh PROG [ARG...] - runs a ThreadSanitizer build (make test's TSan
# configurations). clang 14's ThreadSanitizer stops at start, before any
# test, on kernels that randomize more address bits than it expects
# (vm.mmap_rnd_bits = 32, the default on some hosts): "FATAL:
# ThreadSanitizer: unexpected memory mapping". Newer versions then run the
# program again without address randomization; so does this script
# (setarch -R), saying so. Anything else passes through: the program's
# output and exit status (66 when ThreadSanitizer reported a race).
set -u
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out" 2>&1
status=$?
if [ "$status" -ne 0 ] && grep -q '^FATAL: ThreadSanitizer: unexpected memory mapping' "$out"; then
    echo "run_tsan: $(head -n 1 "$out")"
    echo "run_tsan: this kernel randomizes more address bits than clang 14's ThreadSanitizer"
    echo "run_tsan: handles; running again without address randomization (setarch -R)"
    setarch "$(uname -m)" -R "$@"
    exit $?
fi
cat "$out"
exit "$status"
