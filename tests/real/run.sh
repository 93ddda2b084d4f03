#!/bin/sh
# run.sh - unmodified real programs with alloc_cat in place of glibc's malloc.
#
#   tests/real/run.sh [path/to/liballoc_cat_preload.so]
#
# Every check runs a program twice, without and with the preload library in
# LD_PRELOAD, and requires the same stdout, stderr and exit status. The run
# with the library sets ALLOC_CAT_REPORT=1, and the library's exit report
# (see src/preload_report.c) must show traffic that the workload implies,
# so a run where alloc_cat was not actually used fails. python3 and sort
# are required; sqlite3 and git are skipped, with the reason printed, when
# absent (a skip is not a pass). Ends with "N passed, N failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib=${1:-$root/build/native/liballoc_cat_preload.so}
case $lib in /*) ;; *) lib=$(pwd)/$lib ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
skipped=""
export LC_ALL=C
unset ALLOC_CAT_MMAP_HEAP_SIZE ALLOC_CAT_REPORT LD_PRELOAD PYTHONMALLOC

pass() {
    echo "$1 ... ok"
    passed=$((passed + 1))
}
fail() {
    echo "$1 ... FAILED"
    shift
    for line in "$@"; do echo "    $line"; done
    failed=$((failed + 1))
}
skip() {
    echo "$1 ... SKIPPED ($2)"
    skipped="$skipped $1"
}

if [ ! -f "$lib" ]; then
    fail "preload library" "$lib does not exist (make build/native/liballoc_cat_preload.so)"
    echo "$passed passed, $failed failed"
    exit 1
fi

# ---- helpers ---------------------------------------------------------------------
# plain NAME CMD...   runs CMD without alloc_cat: $tmp/NAME.{out,err,rc}
# preload NAME CMD... runs CMD with it:           $tmp/NAME.pre.{out,err,rc}, report lines
#                     in $tmp/NAME.report (and removed from NAME.pre.err), the
#                     process id in $tmp/NAME.pid
# Both read stdin from $tmp/NAME.in when it exists.
run_into() {
    out=$1
    shift
    if [ -f "$in" ]; then "$@" <"$in" >"$out.out" 2>"$out.err" & else "$@" </dev/null >"$out.out" 2>"$out.err" & fi
    echo $! >"$out.pid"
    wait $!
    echo $? >"$out.rc"
}
plain() {
    name=$1
    shift
    in=$tmp/$name.in
    run_into "$tmp/$name" "$@"
}
preload() {
    name=$1
    shift
    in=$tmp/$name.in
    run_into "$tmp/$name.pre" env ALLOC_CAT_REPORT=1 LD_PRELOAD="$lib" "$@"
    mv "$tmp/$name.pre.pid" "$tmp/$name.pid"
    grep '^alloc_cat: pid=' "$tmp/$name.pre.err" >"$tmp/$name.report"
    grep -v '^alloc_cat: pid=' "$tmp/$name.pre.err" >"$tmp/$name.pre.err2"
    mv "$tmp/$name.pre.err2" "$tmp/$name.pre.err"
}

# field KEY LINE: the value of KEY=N in a report line
field() { echo "$2" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }

# same NAME: did both runs print the same and exit the same way?
# Sets $why when not.
same() {
    why=""
    cmp -s "$tmp/$1.out" "$tmp/$1.pre.out" || why="stdout differs: $(cmp "$tmp/$1.out" "$tmp/$1.pre.out" 2>&1 | head -n 1)"
    cmp -s "$tmp/$1.err" "$tmp/$1.pre.err" || why="$why stderr differs: [$(head -c 300 "$tmp/$1.err")] vs [$(head -c 300 "$tmp/$1.pre.err")]"
    cmp -s "$tmp/$1.rc" "$tmp/$1.pre.rc" || why="$why exit status $(cat "$tmp/$1.rc") vs $(cat "$tmp/$1.pre.rc")"
    [ -z "$why" ]
}

# one_report NAME: the report line of the process the run started (env
# execs the program: same pid), in $report; children write their own.
one_report() {
    report=$(grep "^alloc_cat: pid=$(cat "$tmp/$1.pid") " "$tmp/$1.report")
    [ -n "$report" ] && [ "$(echo "$report" | wc -l)" -eq 1 ]
}

# check_pair NAME MIN_ALLOCS MIN_PEAK: same output, exit status 0, one report
# line with allocs >= MIN_ALLOCS, frees > 0 and peak >= MIN_PEAK.
check_pair() {
    name=$1 min_allocs=$2 min_peak=$3
    if ! same "$name"; then
        fail "$label" "$why"
        return
    fi
    if [ "$(cat "$tmp/$name.rc")" != 0 ]; then
        fail "$label" "exit status $(cat "$tmp/$name.rc") in both runs: $(head -c 300 "$tmp/$name.err")"
        return
    fi
    if ! one_report "$name"; then
        fail "$label" "no report line from pid $(cat "$tmp/$name.pid"): [$(head -c 300 "$tmp/$name.report")]"
        return
    fi
    allocs=$(field allocs "$report")
    frees=$(field frees "$report")
    peak=$(field peak "$report")
    if [ "${allocs:-0}" -lt "$min_allocs" ] || [ "${frees:-0}" -eq 0 ] || [ "${peak:-0}" -lt "$min_peak" ]; then
        fail "$label" "report shows too little traffic (want allocs >= $min_allocs, frees > 0, peak >= $min_peak): $report"
        return
    fi
    pass "$label  [$report]"
}

# ---- the standard names -----------------------------------------------------------
label="exports the standard names"
want="__libc_calloc __libc_free __libc_malloc __libc_memalign __libc_pvalloc __libc_realloc __libc_valloc"
want="$want __register_atfork"
want="$want aligned_alloc calloc cfree free mallinfo mallinfo2 malloc malloc_stats malloc_trim malloc_usable_size"
want="$want memalign posix_memalign pvalloc realloc reallocarray valloc"
got=$(nm -D --defined-only "$lib" 2>/dev/null | awk '$2 == "T" && $3 !~ /^ac_/ { print $3 }' | sort | tr '\n' ' ' | sed 's/ $//')
if [ "$got" = "$want" ]; then pass "$label: $got"; else fail "$label" "want: $want" "got:  $got"; fi

# tests/real/std_names.c calls each of them and checks with alloc_cat's
# counters that the call arrived there; without the library it must notice.
label="every standard name reaches alloc_cat (std_names.c)"
names=$root/build/test/real/std_names
if [ ! -x "$names" ]; then
    fail "$label" "$names is missing (make build/test/real/std_names)"
else
    "$names" >"$tmp/names.out" 2>&1
    plain_status=$?
    LD_PRELOAD="$lib" "$names" >"$tmp/names.pre.out" 2>&1
    status=$?
    if [ "$plain_status" -eq 2 ] && [ "$status" -eq 0 ]; then
        pass "$label  [$(tail -n 1 "$tmp/names.pre.out")]"
    else
        fail "$label" "status $status with the library (want 0), $plain_status without (want 2)" \
            "$(cat "$tmp/names.pre.out")"
    fi
fi

# tests/real/fork_stress.c forks 1000 times while threads use stdio and
# while fork handlers of its own library allocate and take the library's
# lock, which a third thread holds while it allocates and flushes stdio;
# with the library it once deadlocked at once (the heap lock held across
# fork, taken before those handlers and before glibc's stdio list lock),
# and again with the library's lock (the heap's handler ran before the
# library's: preload_fork.c). An alarm makes a deadlock exit status 3
# after 60 s.
label="fork in a threaded program whose fork handlers allocate and take a lock (fork_stress.c)"
stress=$root/build/test/real/fork_stress
if [ ! -x "$stress" ]; then
    fail "$label" "$stress is missing (make build/test/real/fork_stress)"
else
    plain fork "$stress" "$root/README.md"
    preload fork "$stress" "$root/README.md"
    check_pair fork 2000 100
fi

# The checked library: a double free in the destructor of a library the
# program links, which runs after the library's exit report, is still
# reported and trapped (the report's error hook once returned instead,
# and the process exited 0).
case $lib in
*_checked*)
    label="checked: a double free after the exit report is reported, then traps"
    if [ -x "$stress" ]; then
        env AC_TEST_FREE_TWICE_AT_EXIT=1 ALLOC_CAT_REPORT=1 LD_PRELOAD="$lib" "$stress" \
            "$root/README.md" 0 >"$tmp/twice.out" 2>"$tmp/twice.err"
        status=$?
        if [ "$status" -eq 132 ] && grep -q '^alloc_cat: double free of 0x[0-9a-f]* in free$' "$tmp/twice.err"; then
            pass "$label  [$(grep '^alloc_cat: double' "$tmp/twice.err")]"
        else
            fail "$label" "exit status $status (want 132, SIGILL): $(head -c 300 "$tmp/twice.err")"
        fi
    fi
    ;;
esac

# tests/real/fork_signal.c forks 300 times from a signal handler that
# interrupts mallocs and frees in a program of one thread; the heap's
# fork handler once waited for the lock the interrupted call held, for
# ever. An alarm makes a deadlock exit status 3 after 60 s.
label="fork from a signal handler that interrupted malloc (fork_signal.c)"
sigfork=$root/build/test/real/fork_signal
if [ ! -x "$sigfork" ]; then
    fail "$label" "$sigfork is missing (make build/test/real/fork_signal)"
else
    plain sigfork "$sigfork"
    preload sigfork "$sigfork"
    check_pair sigfork 1000 100
fi

# ---- python3 ----------------------------------------------------------------------
# The interpreter itself, not a wrapper script (pyenv shims run other
# programs first).
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
workload=$(cat "$here/workload.py")
if [ -z "$py" ]; then
    fail "python3" "python3 not found (tools/deps.sh real installs it)"
else
    # 200000 bytes objects of 1-4 KiB, each from malloc (pymalloc serves only
    # up to 512 bytes); 2000 of them (>= 2 MiB) live at once.
    label="python3 -c workload (541 MB in 293k+ mallocs)"
    plain py "$py" -c "$workload"
    preload py "$py" -c "$workload"
    check_pair py 200000 2048000

    # Every object through malloc: at least the 200000 blobs, 30000 slices,
    # 100000 dict keys and values and 25000 strings the workload builds.
    label="python3 -c workload, PYTHONMALLOC=malloc"
    plain pym env PYTHONMALLOC=malloc "$py" -c "$workload"
    preload pym env PYTHONMALLOC=malloc "$py" -c "$workload"
    check_pair pym 355000 2048000

    # Out of memory in a real program: a 64 MiB heap holds a 40 MiB
    # bytearray, and a 100 MiB one raises MemoryError instead of crashing.
    label="python3 MemoryError with ALLOC_CAT_MMAP_HEAP_SIZE=64M"
    oom='x = bytearray(40 << 20)
try:
    y = bytearray(100 << 20)
    print("no MemoryError")
except MemoryError:
    print("MemoryError")
print(len(x))'
    preload oom env ALLOC_CAT_MMAP_HEAP_SIZE=64M "$py" -c "$oom"
    if one_report oom; then
        out=$(cat "$tmp/oom.pre.out")
        heap=$(field heap_bytes "$report")
        peak=$(field peak "$report")
        if [ "$out" = "MemoryError
41943040" ] && [ "$(cat "$tmp/oom.pre.rc")" = 0 ] && [ "$heap" -le 67108864 ] && [ "$peak" -ge 41943040 ]; then
            pass "$label  [$report]"
        else
            fail "$label" "output [$out], status $(cat "$tmp/oom.pre.rc"), report $report" "$(head -c 300 "$tmp/oom.pre.err")"
        fi
    else
        fail "$label" "no report line from pid $(cat "$tmp/oom.pid"): [$(head -c 300 "$tmp/oom.report")]" "$(head -c 300 "$tmp/oom.pre.err")"
    fi
fi

# ---- sort -------------------------------------------------------------------------
# 400000 generated lines (7.8 MB). sort keeps all its input in one buffer,
# so its peak is at least the file's size.
awk 'BEGIN { x = 12345
    for (i = 0; i < 400000; i++) {
        x = (x * 1103515245 + 12345) % 2147483648
        printf "%d %s%d\n", x % 1000003, substr("qwertyuiopasdfghjklzxcvbnm", x % 20 + 1, 6), i
    } }' >"$tmp/lines.txt"
size=$(wc -c <"$tmp/lines.txt")
label="sort of a $size-byte file (2 threads)"
plain sort sort --parallel=2 "$tmp/lines.txt"
preload sort sort --parallel=2 "$tmp/lines.txt"
check_pair sort 1 "$size"

# A heap of 64 MiB: sort's first choice of buffer (hundreds of MB here)
# fails with ENOMEM and sort retries with smaller ones; same output.
label="sort with ALLOC_CAT_MMAP_HEAP_SIZE=64M (sort's buffer malloc fails, it retries)"
plain sort64 sort --parallel=2 "$tmp/lines.txt"
preload sort64 env ALLOC_CAT_MMAP_HEAP_SIZE=64M sort --parallel=2 "$tmp/lines.txt"
if one_report sort64 && [ "$(field heap_bytes "$report")" -le 67108864 ]; then
    check_pair sort64 1 "$size"
else
    fail "$label" "report [$report] (want heap_bytes <= 64 MiB)"
fi

# A 1 MiB buffer: sort writes sorted runs to temporary files and merges them.
mkdir "$tmp/sorttmp"
label="sort -S 1M -k1,1n -k2 (external merge)"
plain sortx sort -S 1M -T "$tmp/sorttmp" --parallel=2 -k1,1n -k2 "$tmp/lines.txt"
preload sortx sort -S 1M -T "$tmp/sorttmp" --parallel=2 -k1,1n -k2 "$tmp/lines.txt"
check_pair sortx 2 1048576

# ---- C++: node -------------------------------------------------------------------
# node is C++: operator new (libstdc++) calls malloc. 2000 Buffers of 16-79
# KiB each come from node's ArrayBuffer allocator (malloc/calloc).
label="node (C++) workload"
node=$(command -v node || command -v nodejs)
if [ -z "$node" ]; then
    fail "$label" "node not found"
else
    cat >"$tmp/w.js" <<'EOF'
const crypto = require('node:crypto');
const h = crypto.createHash('sha256');
let total = 0;
for (let i = 0; i < 2000; i++) {
  const b = Buffer.alloc(16384 + (i % 64) * 1024, i & 255);
  total += b.length;
  if (i % 97 === 0) h.update(b);
}
const m = new Map();
for (let i = 0; i < 20000; i++) m.set('k' + i, { v: i, s: String(i).repeat(5) });
console.log('buffers', 2000, 'bytes', total, 'map', m.size, h.digest('hex'));
EOF
    plain node "$node" "$tmp/w.js"
    preload node "$node" "$tmp/w.js"
    check_pair node 2000 16384

    # Who calls what: with every symbol bound at start-up, operator new comes
    # from libstdc++, libstdc++'s malloc and free are alloc_cat's, and no
    # allocation function binds to glibc's.
    label="node: operator new -> libstdc++ -> alloc_cat's malloc, none to libc"
    LD_BIND_NOW=1 LD_DEBUG=bindings LD_PRELOAD="$lib" "$node" -e 0 >"$tmp/bind.txt" 2>&1
    new=$(grep -c "to [^ ]*libstdc++[^ ]* \[[0-9]*\]: normal symbol \`_Znwm'" "$tmp/bind.txt")
    mal=$(grep -c "binding file [^ ]*libstdc++[^ ]* \[[0-9]*\] to $lib \[[0-9]*\]: normal symbol \`malloc'" "$tmp/bind.txt")
    fre=$(grep -c "binding file [^ ]*libstdc++[^ ]* \[[0-9]*\] to $lib \[[0-9]*\]: normal symbol \`free'" "$tmp/bind.txt")
    libc=$(grep -cE "to [^ ]*libc\.so[^ ]* \[[0-9]*\]: normal symbol \`(malloc|free|calloc|realloc|posix_memalign|aligned_alloc|memalign|malloc_usable_size)'" "$tmp/bind.txt")
    if [ "$new" -ge 1 ] && [ "$mal" -ge 1 ] && [ "$fre" -ge 1 ] && [ "$libc" -eq 0 ]; then
        pass "$label"
    else
        fail "$label" "_Znwm from libstdc++: $new, libstdc++ malloc/free to alloc_cat: $mal/$fre, bound to libc: $libc"
    fi
fi

# ---- sqlite3 ----------------------------------------------------------------------
label="sqlite3 in-memory database"
if ! command -v sqlite3 >/dev/null 2>&1; then
    skip "$label" "sqlite3 not installed"
else
    cat >"$tmp/sq.in" <<'EOF'
create table t(a integer, b text, c blob);
with recursive n(x) as (select 1 union all select x + 1 from n where x < 100000)
insert into t select x * 7919 % 100003, printf('%08d-%s', x * 31 % 99991, substr('abcdefghijklmnopqrstuvwxyz', x % 20 + 1, 7)), zeroblob(x % 300) from n;
create index t_b on t(b);
select count(*), sum(a), max(b), sum(length(c)) from t;
select b from t order by b desc limit 3;
select a % 10, count(*), sum(a) from t group by 1 order by 1;
pragma page_size;
pragma page_count;
delete from t where a % 3 = 0;
vacuum;
select count(*), sum(a) from t;
EOF
    plain sq sqlite3 :memory:
    preload sq sqlite3 :memory:
    # An in-memory database lives in malloc'd pages: the peak is at least
    # page_size * page_count (printed one after the other).
    pages=$(sed -n '/^[0-9]*$/p' "$tmp/sq.out" | tail -n 2 | tr '\n' ' ')
    bytes=$(echo "$pages" | awk '{ print $1 * $2 }')
    check_pair sq 1000 "${bytes:-1}"
fi

# ---- git --------------------------------------------------------------------------
label="git"
if ! command -v git >/dev/null 2>&1; then
    skip "$label" "git not installed"
else
    export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$tmp" GIT_PAGER=cat
    commits=300
    # a fast-import stream: each commit rewrites one of 7 files of 150 lines
    awk -v N=$commits 'BEGIN {
        for (i = 1; i <= N; i++) {
            f = i % 7; data = ""
            for (j = 0; j < 150; j++) data = data sprintf("line %d of file %d rev %d\n", j, f, (j % 13 == i % 13) ? i : 0)
            msg = "commit " i "\n"
            printf "commit refs/heads/main\ncommitter A <a@example.com> %d +0000\n", 1700000000 + i * 60
            printf "data %d\n%s", length(msg), msg
            printf "M 100644 inline f%d.txt\ndata %d\n%s\n", f, length(data), data
        } }' >"$tmp/fi.in"
    git init -q -b main "$tmp/A" && git init -q -b main "$tmp/B"
    label="git fast-import of $commits commits"
    plain fi git -C "$tmp/A" fast-import --quiet
    preload fi git -C "$tmp/B" fast-import --quiet
    check_pair fi 1 1
    label="git: both repositories have the same history"
    plain head git -C "$tmp/A" rev-parse HEAD
    preload head git -C "$tmp/B" rev-parse HEAD
    check_pair head 1 1

    # log -p reads every object (each commit, root tree and changed blob)
    # into a malloc'd buffer.
    objects=$(git -C "$tmp/A" rev-list --objects --all | wc -l)
    label="git log -p ($objects objects)"
    plain log git -C "$tmp/A" log -p
    preload log git -C "$tmp/B" log -p
    check_pair log "$objects" 1
    label="git rev-list --count --objects"
    plain count git -C "$tmp/A" rev-list --count --objects --all
    preload count git -C "$tmp/B" rev-list --count --objects --all
    check_pair count 1 1
    label="git fsck --full --strict"
    plain fsck git -C "$tmp/A" fsck --full --strict --no-progress
    preload fsck git -C "$tmp/B" fsck --full --strict --no-progress
    check_pair fsck "$objects" 1

    # repack with 2 threads (git runs pack-objects as a child: a report line
    # each), then the history must still read the same.
    label="git repack -adf --threads=2, then log -p again"
    preload repack git -C "$tmp/B" repack -adf -q --threads=2
    preload log2 git -C "$tmp/B" log -p
    if [ "$(cat "$tmp/repack.pre.rc")" != 0 ]; then
        fail "$label" "repack failed: $(head -c 300 "$tmp/repack.pre.err")"
    elif [ "$(wc -l <"$tmp/repack.report")" -lt 2 ]; then
        fail "$label" "expected a report from git and from pack-objects: $(cat "$tmp/repack.report")"
    else
        cp "$tmp/log.out" "$tmp/log2.out"
        cp "$tmp/log.err" "$tmp/log2.err"
        cp "$tmp/log.rc" "$tmp/log2.rc"
        check_pair log2 "$objects" 1
    fi
fi

# ---- summary -----------------------------------------------------------------------
[ -n "$skipped" ] && echo "skipped (not counted as passed):$skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
