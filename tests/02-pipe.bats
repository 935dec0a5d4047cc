#!/usr/bin/env bats
# 02-pipe: pipe_self, pipe_fork, pipe_duplex, pipe_exec_writer/reader and
# pipe_dup, as CONTRACT.md describes them (section "02-pipe"). Each test
# starts with the rule it checks; a failing check says that rule with what
# the program printed.

load test_helper

setup()    { lab_setup 02-pipe; }
teardown() { lab_teardown; }

# expect_stdout WANT RULE: the last run printed exactly WANT on stdout, else
# broke RULE, showing the lines wanted.
expect_stdout() {
    [ "$output" = "$1" ] || broke "$2"$'\n'"-- stdout wanted --"$'\n'"$1"
}

# built_program NAME: the path of the lab's built program NAME itself (not
# valgrind's wrapper), for the tests that copy it into a folder of their own.
built_program() {
    echo "${IPC_LABS_BIN:-$REPO}/02-pipe/$1"
}

# lone_writer DIR: a folder DIR holding a copy of pipe_exec_writer, so that
# the tests decide what pipe_exec_reader, if any, lies beside it.
lone_writer() {
    mkdir -p "$1"
    cp "$(built_program pipe_exec_writer)" "$1/pipe_exec_writer"
}

# has_read PID N: the process PID has read at least N bytes in all, by
# read() and the like (rchar in /proc/PID/io).
has_read() {
    [ "$(awk '$1 == "rchar:" { print $2 }' "/proc/$1/io" 2>/dev/null)" -ge "$2" ] 2>/dev/null
}

# fill_pipe FIFO: fills the pipe of FIFO (which the test holds open for
# reading) to the last byte, so that the next write into it blocks.
fill_pipe() {
    dd if=/dev/zero of="$1" oflag=nonblock bs=4096 count=1024 2>/dev/null || true
    dd if=/dev/zero of="$1" oflag=nonblock bs=1 count=8192 2>/dev/null || true
}


# parent_and_child_asleep PID: PID and its child are both asleep in a system
# call: the parent in waitpid, the child writing to a full pipe.
parent_and_child_asleep() {
    local child
    child=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
    child=${child%% *}
    [ -n "$child" ] && [ "$(process_state "$1")" = S ] && [ "$(process_state "$child")" = S ]
}

# line_drained FILE: FILE ends with pipe_fork's line.
line_drained() {
    [ "$(tail -c 24 "$1")" = '20 Hello Child Process!' ]
}

# reports_full_stdout PROGRAM: PROGRAM works (exit 0), and the same run with
# its stdout on /dev/full, where every write fails, fails as rule 10 says.
reports_full_stdout() {
    run --separate-stderr bounded "$1"
    expect_status 0 "02-pipe, exit statuses: $1 exits 0 when the exchange worked"
    run --separate-stderr full_stdout "$1"
    expect_write_error "$1"
}

# -------------------------------------------------------------- the lines

@test "02-pipe: pipe_self writes 123 into a pipe and reads it back" {
    # contract: 02-pipe, programs
    run --separate-stderr bounded pipe_self
    expect_status 0 "02-pipe, exit statuses: pipe_self exits 0 when the exchange worked"
    expect_stdout $'Wrote 3 bytes\nRead 3 bytes: 123' \
        "02-pipe, programs: pipe_self prints exactly 'Wrote 3 bytes' and 'Read 3 bytes: 123'"
}

@test "02-pipe: pipe_fork's child reads the parent's message" {
    # contract: 02-pipe, programs
    run --separate-stderr bounded pipe_fork
    expect_status 0 "02-pipe, exit statuses: pipe_fork exits 0 when the exchange worked"
    expect_stdout '20 Hello Child Process!' \
        "02-pipe, programs: pipe_fork's child prints exactly '20 Hello Child Process!', the 20 bytes it read"
}

@test "02-pipe: pipe_fork's line reaches a file, once" {
    # contract: 02-pipe, exchange; rules, 10 (output)
    run --separate-stderr bash -c 'timeout "$1" pipe_fork > out.txt' bash "$LAB_TIMEOUT"
    expect_status 0 "02-pipe, exit statuses: pipe_fork exits 0 when the exchange worked"
    output=$(cat out.txt)
    expect_stdout '20 Hello Child Process!' \
        "02-pipe, exchange: with stdout a file, pipe_fork > out.txt leaves the one line '20 Hello Child Process!' in out.txt when it has ended"
}

@test "02-pipe: pipe_fork waits for its child, still running while the child cannot print" {
    # contract: 02-pipe, exchange
    # stdout is a full pipe: the child's line cannot get out until the test
    # reads, so a parent that waits for its child is asleep (in waitpid)
    # meanwhile, and one that does not has already ended.
    fifo=$BATS_FILE_TMPDIR/stdout-$BATS_TEST_NUMBER.fifo     # the test's own, outside $WORK
    rm -f "$fifo"
    mkfifo "$fifo"
    exec 5<>"$fifo"                 # read and write: never blocks, never SIGPIPE
    fill_pipe "$fifo"
    start_bg fork bash -c 'exec pipe_fork > "$1"' bash "$fifo"
    rule="02-pipe, exchange: the parent waits (waitpid) for its child before it exits: pipe_fork must still run while its child's line waits to get out"
    parent=$(program_pid "$BG_PID") || broke "$rule"
    wait_until parent_and_child_asleep "$parent" || broke "$rule"
    cat <&5 > drained.out 3>&- &
    drain=$!
    wait_bg "$BG_PID" && status=0 || status=$?
    wait_until -p '' line_drained drained.out || true
    kill "$drain"
    wait "$drain" || true
    exec 5>&-
    rm -f "$fifo"
    output=$(tail -c 24 drained.out) stderr=$(bg_err fork)
    expect_status 0 "02-pipe, exit statuses: pipe_fork exits 0 when the exchange worked"
    expect_stdout '20 Hello Child Process!' \
        "02-pipe, programs: pipe_fork's child prints '20 Hello Child Process!' once its stdout can take it"
}

@test "02-pipe: pipe_duplex talks both ways over two pipes, in order" {
    # contract: 02-pipe, programs; 02-pipe, exchange
    run --separate-stderr bounded pipe_duplex
    expect_status 0 "02-pipe, exit statuses: pipe_duplex exits 0 when the exchange worked"
    expect_stdout $'parent Wrote 3 bytes\nchild Read 3 bytes: 123\nchild Wrote 3 bytes\nparent Read 3 bytes: 456' \
        "02-pipe, programs: pipe_duplex prints its four lines in this order"
}

@test "02-pipe: pipe_duplex never lets a process read its own message, and keeps its order (100 runs)" {
    # contract: 02-pipe, exchange
    runs=100
    [ -z "${IPC_LABS_VALGRIND:-}" ] || runs=10       # valgrind takes a second a run
    for i in $(seq $runs); do
        run --separate-stderr bounded pipe_duplex
        expect_status 0 "02-pipe, exit statuses: pipe_duplex exits 0 when the exchange worked (run $i of $runs)"
        expect_stdout $'parent Wrote 3 bytes\nchild Read 3 bytes: 123\nchild Wrote 3 bytes\nparent Read 3 bytes: 456' \
            "02-pipe, exchange: on every run the child reads 123 and the parent 456 (one pipe per direction), the four lines in order (run $i of $runs)"
    done
}

@test "02-pipe: pipe_exec_writer's child execs the reader, each printing its own PID" {
    # contract: 02-pipe, programs; 02-pipe, exchange
    run --separate-stderr bounded pipe_exec_writer
    expect_status 0 "02-pipe, exit statuses: pipe_exec_writer exits 0 when the exchange worked"
    [ "${#lines[@]}" -eq 2 ] && [[ ${lines[0]} =~ ^[0-9]+\ -\ wrote\ 3\ bytes$ ]] &&
        [[ ${lines[1]} =~ ^[0-9]+\ -\ read\ 3\ bytes:\ 123$ ]] ||
        broke "02-pipe, programs: pipe_exec_writer prints 'PID - wrote 3 bytes', then its reader 'PID - read 3 bytes: 123', nothing else"
    [ "${lines[0]%% *}" != "${lines[1]%% *}" ] ||
        broke "02-pipe, exchange: the writer's line carries the parent's PID and the reader's the child's: they differ"
}

@test "02-pipe: pipe_exec_writer runs the reader beside it, from another directory and through a link" {
    # contract: 02-pipe, exchange; rules, 9 (partners)
    ln -s "$(command -v pipe_exec_writer)" linked_writer
    # Decoys where a wrong lookup would find a reader: the working directory and PATH.
    mkdir elsewhere decoys
    printf '#!/bin/sh\necho "decoy reader: found in the wrong place"\n' > decoys/pipe_exec_reader
    chmod +x decoys/pipe_exec_reader
    cp decoys/pipe_exec_reader elsewhere/pipe_exec_reader
    cd elsewhere
    PATH=$WORK/decoys:$PATH run --separate-stderr bounded "$WORK/linked_writer"
    expect_status 0 "02-pipe, exit statuses: pipe_exec_writer exits 0 when the exchange worked"
    [[ ${lines[1]:-} =~ ^[0-9]+\ -\ read\ 3\ bytes:\ 123$ ]] ||
        broke "02-pipe, exchange: pipe_exec_writer runs the pipe_exec_reader in its own executable's folder (/proc/self/exe), not one in the working directory or PATH"
}

@test "02-pipe: pipe_exec_writer with no reader beside it exits 1 naming pipe_exec_reader" {
    # contract: 02-pipe, exit statuses; rules, 9 (partners)
    lone_writer alone
    run --separate-stderr bounded alone/pipe_exec_writer
    expect_error pipe_exec_reader "02-pipe, exit statuses: when there is no pipe_exec_reader beside it, pipe_exec_writer reports it on stderr by name and exits 1 (not killed by SIGPIPE, 141)"
}

@test "02-pipe: pipe_exec_writer exits 1 when its reader fails" {
    # contract: 02-pipe, exit statuses
    lone_writer failing
    # A reader that reads everything, then fails.
    printf '#!/bin/sh\ncat <&"$1" > /dev/null\nexit 3\n' > failing/pipe_exec_reader
    chmod +x failing/pipe_exec_reader
    run --separate-stderr bounded failing/pipe_exec_writer
    expect_error pipe_exec_reader "02-pipe, exit statuses: pipe_exec_writer checks its reader's status with waitpid() and exits 1, naming pipe_exec_reader, when the reader fails (here it exited 3)"
}

@test "02-pipe: pipe_dup puts the pipe on od's standard input" {
    # contract: 02-pipe, programs; 02-pipe, exchange
    run --separate-stderr bounded pipe_dup
    expect_status 0 "02-pipe, exit statuses: pipe_dup exits 0 when the exchange worked"
    [ "${#lines[@]}" -eq 4 ] ||
        broke "02-pipe, programs: pipe_dup prints four lines: 'dup fd = 0', 'PID - wrote 3 bytes', then od's two lines"
    parent_line=$(printf '%s\n' "${lines[0]}" "${lines[1]}" | grep -vx 'dup fd = 0' || true)
    [[ ${lines[0]} == 'dup fd = 0' || ${lines[1]} == 'dup fd = 0' ]] &&
        [[ $parent_line =~ ^[0-9]+\ -\ wrote\ 3\ bytes$ ]] ||
        broke "02-pipe, programs: pipe_dup's first two lines are the child's 'dup fd = 0' and the parent's 'PID - wrote 3 bytes', in either order"
    [ "${lines[2]}" = '0000000   1   2   3' ] && [ "${lines[3]}" = 0000003 ] ||
        broke "02-pipe, exchange: od prints last ('0000000   1   2   3', '0000003'): the parent prints its line before it closes its write end"
}

@test "02-pipe: pipe_dup exits 1 naming od when od cannot be started" {
    # contract: 02-pipe, exit statuses
    [ -z "${IPC_LABS_VALGRIND:-}" ] || skip "valgrind itself is found through PATH"
    mkdir no-od
    run --separate-stderr bounded env PATH="$WORK/no-od" "$(built_program pipe_dup)"
    [ "$status" -eq 1 ] && grep -qw od <<<"$stderr" ||
        broke "02-pipe, exit statuses: when od cannot be started (not in PATH) pipe_dup exits 1 with a message naming od, and is not killed by SIGPIPE (141) (got status $status)"
}

# -------------------------------------------------------------- pipe_exec_reader

@test "02-pipe: pipe_exec_reader reads a descriptor it is given" {
    # contract: 02-pipe, programs
    run --separate-stderr bounded pipe_exec_reader 0 < <(printf hello)
    expect_status 0 "02-pipe, exit statuses: pipe_exec_reader exits 0 when it read its descriptor to the end"
    [[ $output =~ ^[0-9]+\ -\ read\ 5\ bytes:\ hello$ ]] ||
        broke "02-pipe, programs: pipe_exec_reader 0 fed 'hello' prints 'PID - read 5 bytes: hello' and nothing else"
}

@test "02-pipe: pipe_exec_reader reads until end of file, not one read()" {
    # contract: 02-pipe, exchange
    # hello arrives in two parts, the second only once the reader has taken
    # the first (its read count, rchar in /proc/PID/io, has grown by 3).
    fifo=$BATS_FILE_TMPDIR/input-$BATS_TEST_NUMBER.fifo     # the test's own, outside $WORK
    rm -f "$fifo"
    mkfifo "$fifo"
    start_bg reader bash -c 'exec pipe_exec_reader 0 < "$1"' bash "$fifo"
    exec 4<>"$fifo"                 # read and write: never blocks, never SIGPIPE
    wait_blocked "$BG_PID"
    pid=$(program_pid "$BG_PID")
    before=$(awk '$1 == "rchar:" { print $2 }' "/proc/$pid/io")
    printf hel >&4
    # A reader that ends here has not read to the end: the check below says so.
    wait_until has_read "$pid" $((before + 3)) || true
    printf lo >&4
    exec 4>&-
    rm -f "$fifo"
    wait_bg "$BG_PID" && status=0 || status=$?
    output=$(bg_out reader) stderr=$(bg_err reader)
    expect_status 0 "02-pipe, exit statuses: pipe_exec_reader exits 0 when it read its descriptor to the end"
    [[ $output =~ ^[0-9]+\ -\ read\ 5\ bytes:\ hello$ ]] ||
        broke "02-pipe, exchange: a reader reads until end of file: 'hel' then 'lo', written apart, make 'PID - read 5 bytes: hello'"
}

@test "02-pipe: pipe_exec_reader without FD is a usage error" {
    # contract: 02-pipe, bad input; rules, 3 (errors)
    run --separate-stderr bounded pipe_exec_reader
    expect_usage pipe_exec_reader
}

@test "02-pipe: pipe_exec_reader with two arguments is a usage error" {
    # contract: 02-pipe, bad input; rules, 3 (errors)
    run --separate-stderr bounded pipe_exec_reader 0 1 < /dev/null
    expect_usage pipe_exec_reader
}

@test "02-pipe: pipe_exec_reader with a non-numeric FD is a usage error" {
    # contract: 02-pipe, bad input; rules, 4 (numbers)
    for fd in abc 3x '' ' 3' 0x3 +3; do
        run --separate-stderr bounded pipe_exec_reader "$fd" < /dev/null
        expect_usage pipe_exec_reader ||
            broke "rules, 4 (numbers): FD '$fd' is not a number (decimal digits only)"
    done
}

@test "02-pipe: pipe_exec_reader with a negative or too large FD is a usage error" {
    # contract: 02-pipe, bad input; rules, 4 (numbers)
    for fd in -1 -2147483649 2147483648 4294967296 99999999999999999999; do
        run --separate-stderr bounded pipe_exec_reader "$fd" < /dev/null
        expect_usage pipe_exec_reader ||
            broke "02-pipe, bad input: FD '$fd' is outside 0 to 2147483647 (never wrapped round to a small descriptor)"
    done
}

@test "02-pipe: pipe_exec_reader with a closed FD names it, exits 1 and prints nothing on stdout" {
    # contract: 02-pipe, bad input
    run --separate-stderr bounded pipe_exec_reader 9 9<&-
    expect_status 1 "02-pipe, bad input: a descriptor that is not open is a failed read(): exit status 1"
    says_number 9 "$stderr" ||
        broke "02-pipe, bad input: the message on stderr names the descriptor, 9"
    [ -z "$output" ] || broke "02-pipe, bad input: on a failed read pipe_exec_reader prints nothing on stdout"
}

# -------------------------------------------------------------- a full stdout

@test "02-pipe: pipe_self reports a full stdout (/dev/full): a message, exit 1" {
    # contract: rules, 10 (output); 02-pipe, exit statuses
    reports_full_stdout pipe_self
}

@test "02-pipe: pipe_fork reports a full stdout (/dev/full): a message, exit 1" {
    # contract: rules, 10 (output); 02-pipe, exit statuses
    reports_full_stdout pipe_fork
}

@test "02-pipe: pipe_duplex reports a full stdout (/dev/full): a message, exit 1" {
    # contract: rules, 10 (output); 02-pipe, exit statuses
    reports_full_stdout pipe_duplex
}

@test "02-pipe: pipe_exec_writer reports a full stdout (/dev/full): a message, exit 1" {
    # contract: rules, 10 (output); 02-pipe, exit statuses
    reports_full_stdout pipe_exec_writer
}

@test "02-pipe: pipe_dup reports a full stdout (/dev/full): a message, exit 1" {
    # contract: rules, 10 (output); 02-pipe, exit statuses
    reports_full_stdout pipe_dup
}

@test "02-pipe: pipe_exec_reader reports a full stdout (/dev/full): a message, exit 1" {
    # contract: rules, 10 (output)
    run --separate-stderr bounded pipe_exec_reader 0 < <(printf hello)
    expect_status 0 "02-pipe, exit statuses: pipe_exec_reader exits 0 when it read its descriptor to the end"
    run --separate-stderr full_stdout pipe_exec_reader 0 < <(printf hello)
    expect_write_error pipe_exec_reader
}

# -------------------------------------------------------------- bad input

@test "02-pipe: the programs without arguments refuse one as a usage error" {
    # contract: 02-pipe, bad input; rules, 3 (errors)
    for program in pipe_self pipe_fork pipe_duplex pipe_exec_writer pipe_dup; do
        run --separate-stderr bounded "$program" extra
        expect_usage "$program"
    done
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "02-pipe: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
