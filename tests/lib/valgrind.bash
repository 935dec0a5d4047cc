# valgrind.bash -- running every program under valgrind (IPC_LABS_VALGRIND=1).
# Loaded by tests/test_helper.bash.

# valgrind_wrappers DIR: makes a folder of scripts, one per program in DIR,
# that run it under valgrind with a log per process; prints the folder.
valgrind_wrappers() {
    local dir=$BATS_TEST_TMPDIR/valgrind-bin program
    mkdir -p "$dir" "$BATS_TEST_TMPDIR/valgrind"
    for program in "$1"/*; do
        [ -f "$program" ] && [ -x "$program" ] || continue
        cat >"$dir/$(basename "$program")" <<WRAPPER
#!/bin/sh
exec valgrind --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect,possible --track-fds=no \\
    --trace-children=yes --trace-children-skip='/bin/*,/usr/bin/*,/usr/local/bin/*' \\
    --log-file="$BATS_TEST_TMPDIR/valgrind/%p.log" "$program" "\$@"
WRAPPER
        chmod +x "$dir/$(basename "$program")"
    done
    echo "$dir"
}

# valgrind_errors: the logs of this test's programs that report an error.
valgrind_errors() {
    local logs
    [ -d "$BATS_TEST_TMPDIR/valgrind" ] || return 0
    logs=$(grep -lE 'ERROR SUMMARY: [1-9]' "$BATS_TEST_TMPDIR"/valgrind/*.log 2>/dev/null)
    [ -z "$logs" ] || cat $logs
}
