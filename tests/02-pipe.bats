#!/usr/bin/env bats
# 02-pipe: pipe_self, pipe_fork, pipe_duplex, pipe_exec_writer/reader and
# pipe_dup, as CONTRACT.md describes them.

load test_helper

setup()    { lab_setup 02-pipe; }
teardown() { lab_teardown; }

@test "02-pipe: pipe_self writes 123 into a pipe and reads it back" {
    run --separate-stderr bounded pipe_self
    assert_success
    assert_output $'Wrote 3 bytes\nRead 3 bytes: 123'
}

@test "02-pipe: pipe_fork's child reads the parent's message" {
    run --separate-stderr bounded pipe_fork
    assert_success
    assert_output '20 Hello Child Process!'
}

@test "02-pipe: pipe_fork waits for its child, so the line is there when it exits" {
    bounded pipe_fork > out.txt
    assert_equal "$(cat out.txt)" '20 Hello Child Process!'
}

@test "02-pipe: pipe_duplex talks both ways over two pipes, in order" {
    run --separate-stderr bounded pipe_duplex
    assert_success
    assert_output $'parent Wrote 3 bytes\nchild Read 3 bytes: 123\nchild Wrote 3 bytes\nparent Read 3 bytes: 456'
}

@test "02-pipe: pipe_duplex never lets a process read its own message (100 runs)" {
    runs=100
    [ -z "${IPC_LABS_VALGRIND:-}" ] || runs=10       # valgrind takes a second a run
    for i in $(seq $runs); do
        out=$(bounded pipe_duplex) || fail "run $i failed"
        [[ $out == *'child Read 3 bytes: 123'* && $out == *'parent Read 3 bytes: 456'* ]] ||
            fail "run $i: $out"
    done
}

@test "02-pipe: pipe_exec_writer's child execs the reader with the descriptor" {
    run --separate-stderr bounded pipe_exec_writer
    assert_success
    assert_line --index 0 --regexp '^[0-9]+ - wrote 3 bytes$'
    assert_line --index 1 --regexp '^[0-9]+ - read 3 bytes: 123$'
    assert_equal "${#lines[@]}" 2
    writer=${lines[0]%% *}
    reader=${lines[1]%% *}
    assert [ "$writer" != "$reader" ]
}

@test "02-pipe: pipe_exec_writer finds its reader from another directory and through a link" {
    ln -s "$(command -v pipe_exec_writer)" linked_writer
    cd /
    run --separate-stderr bounded "$WORK/linked_writer"
    assert_success
    assert_line --index 1 --regexp '^[0-9]+ - read 3 bytes: 123$'
}

@test "02-pipe: pipe_exec_reader reads a descriptor it is given" {
    run --separate-stderr bash -c 'printf hello | timeout 20 pipe_exec_reader 0'
    assert_success
    assert_output --regexp '^[0-9]+ - read 5 bytes: hello$'
}

@test "02-pipe: pipe_exec_reader without FD prints usage and exits 2" {
    run --separate-stderr bounded pipe_exec_reader
    assert_failure 2
    [[ $stderr == usage:\ pipe_exec_reader* ]]
}

@test "02-pipe: pipe_exec_reader with a non-numeric FD prints usage and exits 2" {
    for fd in abc 3x '' ' 3' 0x3; do
        run --separate-stderr bounded pipe_exec_reader "$fd"
        assert_failure 2
        [[ $stderr == usage:\ pipe_exec_reader* ]] || fail "FD '$fd': $stderr"
    done
}

@test "02-pipe: pipe_exec_reader with a negative or huge FD prints usage and exits 2" {
    for fd in -1 -2147483649 99999999999999999999; do
        run --separate-stderr bounded pipe_exec_reader "$fd"
        assert_failure 2
        [[ $stderr == usage:\ pipe_exec_reader* ]] || fail "FD '$fd': $stderr"
    done
}

@test "02-pipe: pipe_exec_reader with a closed FD reports the error and exits 1" {
    run --separate-stderr bounded pipe_exec_reader 9 9<&-
    assert_failure 1
    assert_output ''
    [[ $stderr == pipe_exec_reader:* ]]
}

@test "02-pipe: pipe_dup puts the pipe on od's standard input" {
    run --separate-stderr bounded pipe_dup
    assert_success
    assert_line 'dup fd = 0'
    assert_equal "${#lines[@]}" 4
    # The parent prints before closing its end; od prints only at end of input.
    assert_line --index 2 '0000000   1   2   3'
    assert_line --index 3 '0000003'
    parent_line=$(printf '%s\n' "${lines[0]}" "${lines[1]}" | grep -v '^dup fd = 0$')
    assert_regex "$parent_line" '^[0-9]+ - wrote 3 bytes$'
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "02-pipe: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
