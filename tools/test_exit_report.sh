#!/bin/sh
# test_exit_report.sh - where the LD_PRELOAD libraries' report at exit goes
# (src/exit_report.c), for each library given:
#
#   tools/test_exit_report.sh PROG LIB...
#
# PROG is tests/exit_report_prog.c built; each LIB is liballoc_cat_preload.so
# or liballoc_cat_metrics.so. With ALLOC_CAT_REPORT=1 the report must reach
# the original stderr when the program closes fd 2 or clears its
# environment, must not land in a file the program opened under the
# library's copy of stderr (nor, when it started with stderr closed, in the
# file that took fd 2), and must not appear when the program only sets
# the variable itself; a child that detaches (a daemon) must keep no copy
# of its caller's stderr; the library's copy must not disturb a shell
# script's `exec 10>file` or `exec 200>file`. alloc_cat's own library adds
# a second line, naming the damaged word, when the program overran a block
# (exit_report_prog overrun), and only then; its checked library
# (liballoc_cat_preload_checked.so) checks all free memory and every block
# in use's canary at exit and names a write into freed memory nothing
# reused (exit_report_prog freed-write) or the overrun of a block never
# freed (overrun), then traps. Ends with "N passed, N failed".
set -u
prog=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
unset ALLOC_CAT_REPORT LD_PRELOAD
check() { # NAME OK DETAIL
    if [ "$2" = 1 ]; then
        echo "$1 ... ok"
        passed=$((passed + 1))
    else
        echo "$1 ... FAILED: $3"
        failed=$((failed + 1))
    fi
}
# the first line of either library's report names the pid
reported() { grep -q 'alloc_cat.*pid' "$1"; }

for lib in "$@"; do
    case $lib in /*) ;; *) lib=$(pwd)/$lib ;; esac
    name=exit_report.$(basename "$lib" .so | sed 's/^liballoc_cat_//')
    run() { env ALLOC_CAT_REPORT=1 LD_PRELOAD="$lib" "$@" >"$tmp/out" 2>"$tmp/err"; }

    rm -f "$tmp/file"
    run "$prog" takeover "$tmp/file"
    rc=$?
    ok=0
    [ $rc -eq 0 ] && [ "$(cat "$tmp/file")" = data ] && reported "$tmp/err" && ok=1
    check "$name.not_into_a_file_taking_the_copy" $ok \
        "file [$(head -c 200 "$tmp/file")], stderr [$(head -c 200 "$tmp/err")] $(cat "$tmp/out")"

    # a fork closes the library's copy, not a file the program put under
    # its number
    rm -f "$tmp/file"
    run "$prog" takeover-fork "$tmp/file"
    rc=$?
    ok=0
    [ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/file")" = data ] && grep -q '^child$' "$tmp/file" &&
        ! grep -qv '^child$\|^data$' "$tmp/file" && reported "$tmp/err" && ok=1
    check "$name.fork_keeps_a_file_taking_the_copy" $ok \
        "file [$(head -c 200 "$tmp/file")], stderr [$(head -c 200 "$tmp/err")] $(cat "$tmp/out")"

    # a daemon keeps no copy of its caller's stderr; the report is the
    # parent's alone (the child's stderr is /dev/null by then)
    rm -f "$tmp/file"
    run "$prog" detach "$tmp/file"
    rc=$?
    ok=0
    [ $rc -eq 0 ] && [ "$(cat "$tmp/file")" = 0 ] && [ "$(grep -c 'alloc_cat.*pid' "$tmp/err")" = 1 ] &&
        ok=1
    check "$name.no_copy_in_a_detached_child" $ok \
        "descriptors left open [$(cat "$tmp/file" 2>/dev/null)], stderr [$(head -c 300 "$tmp/err")] $(cat "$tmp/out")"

    # started with stderr closed: no report, and none in the file that
    # takes fd 2
    rm -f "$tmp/file"
    env ALLOC_CAT_REPORT=1 LD_PRELOAD="$lib" "$prog" open "$tmp/file" >"$tmp/out" 2>&-
    rc=$?
    ok=0
    [ $rc -eq 0 ] && [ "$(cat "$tmp/file")" = data ] && ok=1
    check "$name.not_into_fd_2_when_started_without_stderr" $ok \
        "file [$(head -c 200 "$tmp/file")] $(cat "$tmp/out")"

    run "$prog" close-stderr
    rc=$?
    ok=0
    [ $rc -eq 0 ] && reported "$tmp/err" && ok=1
    check "$name.after_stderr_closed" $ok "stderr [$(head -c 200 "$tmp/err")] $(cat "$tmp/out")"

    run "$prog" clearenv
    rc=$?
    ok=0
    [ $rc -eq 0 ] && reported "$tmp/err" && ok=1
    check "$name.after_clearenv" $ok "stderr [$(head -c 200 "$tmp/err")] $(cat "$tmp/out")"

    LD_PRELOAD="$lib" "$prog" setenv >"$tmp/out" 2>"$tmp/err"
    rc=$?
    ok=0
    [ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && ok=1
    check "$name.not_when_set_late" $ok "stderr [$(head -c 200 "$tmp/err")] $(cat "$tmp/out")"

    # alloc_cat's own heap: a program that overran a block is told where
    # (in the checked library the same bytes are the block's canary, read
    # only when the block is freed or resized), and a sound heap gets one line
    case $name in *preload)
        run "$prog" overrun
        rc=$?
        word=$(cat "$tmp/out")
        block=$(printf '0x%x' $((word + 4))) # the payload after that header
        ok=0
        [ $rc -eq 0 ] && [ "$(grep -c 'alloc_cat: pid=' "$tmp/err")" = 2 ] &&
            grep -q "^alloc_cat: pid=[0-9]* heap damaged at $word: a block's header that holds no valid size or state (it holds 0x41414141; block $block)\$" "$tmp/err" &&
            ok=1
        check "$name.names_a_damaged_heap" $ok "word $word, stderr [$(head -c 400 "$tmp/err")]"
        ;;
    esac
    case $name in *preload | *preload_checked)
        run "$prog" clearenv
        ok=0
        [ "$(grep -c 'alloc_cat: pid=' "$tmp/err")" = 1 ] && ok=1
        check "$name.one_line_when_sound" $ok "stderr [$(head -c 400 "$tmp/err")]"
        ;;
    esac
    # the checked library reads all free memory at exit: a write into freed
    # memory nothing reused is named, on the original stderr (not in a file
    # of the program's that took fd 2), and the process traps
    case $name in *preload_checked)
        # a block never freed, written past its end (its canary)
        run "$prog" overrun
        rc=$?
        end=$(cat "$tmp/out")
        block=$(printf '0x%x' $((end - 24))) # 24 usable bytes in the checked library
        ok=0
        [ $rc -eq 132 ] && [ "$(grep -c '^alloc_cat' "$tmp/err")" -eq 2 ] &&
            [ "$(grep -v '^alloc_cat: pid=' "$tmp/err" | grep '^alloc_cat')" = "alloc_cat: write past the end of $block in ac_heap_check_freed (24 bytes): its canary was overwritten" ] &&
            ok=1
        check "$name.names_an_overrun_never_freed" $ok "status $rc, end $end, stderr [$(head -c 400 "$tmp/err")]"
        for file in "" "$tmp/file"; do
            rm -f "$tmp/file"
            # shellcheck disable=SC2086
            run "$prog" freed-write $file
            rc=$?
            at=$(cat "$tmp/out")
            ok=0
            # (the shell adds its own line about the signal)
            [ $rc -eq 132 ] && [ "$(grep -c '^alloc_cat' "$tmp/err")" -eq 2 ] && grep -q '^alloc_cat: pid=[0-9]* allocs=' "$tmp/err" &&
                [ "$(grep -v '^alloc_cat: pid=' "$tmp/err" | grep '^alloc_cat')" = "alloc_cat: write after free at $at: freed memory there holds 0x78, not the fill 0xdb" ] &&
                { [ -z "$file" ] || [ "$(cat "$file")" = data ]; } && ok=1
            check "$name.names_a_write_into_freed_memory${file:+_not_into_a_file_taking_fd_2}" $ok \
                "status $rc, address $at, file [$(head -c 200 "$tmp/file" 2>/dev/null)], stderr [$(head -c 400 "$tmp/err")]"
        done
        ;;
    esac

    for fd in 10 200; do
        rm -f "$tmp/file"
        run bash -c "exec $fd>\"$tmp/file\"; echo data >&$fd"
        rc=$?
        ok=0
        [ $rc -eq 0 ] && [ "$(cat "$tmp/file" 2>/dev/null)" = data ] && reported "$tmp/err" && ok=1
        check "$name.shell_exec_$fd" $ok \
            "file [$(cat "$tmp/file" 2>/dev/null)], stderr [$(head -c 200 "$tmp/err")]"
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
