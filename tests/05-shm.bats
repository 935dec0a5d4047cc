#!/usr/bin/env bats
# 05-shm: shm_hello, shm_counter/shm_show_counter and shm_writer/shm_reader,
# as CONTRACT.md (section 05-shm) describes them.

load test_helper

setup()    { lab_setup 05-shm; }
teardown() { lab_teardown; }

# ---------------------------------------------------------------- helpers

# finish PID: waits for a program started by start_bg; sets $status to its
# exit status (run would wait in a subshell, which cannot). Clears $output
# and $stderr, so that broke shows the background programs' stderr instead.
finish() {
    status=0
    output=
    stderr=
    wait_bg "$1" || status=$?
}

# signal_status SIG: the status of a program stopped by SIG (rule 8): 128+N.
signal_status() {
    case $1 in
        INT) echo 130 ;;
        TERM) echo 143 ;;
    esac
}

# has_objects_in DIR: some IPC object has an ftok key of DIR.
has_objects_in() {
    [ -n "$(objects_in "$1")" ]
}

# has_segment: the folder's ftok keys name a shared memory segment.
has_segment() {
    work_ipc_objects | grep -q '^m '
}

# has_queue: the folder's ftok keys name a message queue.
has_queue() {
    work_ipc_objects | grep -q '^q '
}

# start_waiting NAME CMD [ARGS...]: starts CMD as start_bg does (BG_PID is
# its PID) and returns once it waits for its partner: the folder's queue
# exists and CMD sleeps.
start_waiting() {
    start_bg "$@"
    wait_until has_queue
    wait_blocked "$BG_PID"
}

# no_work_objects RULE: no IPC object has an ftok key of the test's folder,
# else broke RULE, listing them.
no_work_objects() {
    local left
    left=$(work_ipc_objects)
    [ -z "$left" ] || broke "$1 (left: $left)"
}

# ipc_perms KIND ID: the permission bits of an object, in octal, as ipcs shows them.
ipc_perms() {
    local file
    case $1 in
        m) file=/proc/sysvipc/shm ;;
        q) file=/proc/sysvipc/msg ;;
    esac
    awk -v id="$2" 'NR > 1 && $2 == id { print $3 }' "$file"
}

# data_lines_ok TEXT: TEXT holds "shmaddr : ADDRESS, data : K" for
# K = 1 ... 100, in that order, ADDRESS as %p prints it, and no other line
# that starts with "shmaddr : ".
data_lines_ok() {
    local expected actual
    expected=$(seq 100 | sed 's/.*/shmaddr : ADDRESS, data : &/')
    actual=$(grep '^shmaddr : ' <<<"$1" | sed -E 's/^shmaddr : 0x[0-9a-f]+, /shmaddr : ADDRESS, /')
    [ "$actual" = "$expected" ]
}

# counter_beyond N: shm_show_counter -n 1 now shows a value greater than N.
# Its stderr goes to beyond.err, for the failure message.
counter_beyond() {
    local value
    value=$(bounded shm_show_counter -n 1 2>"$BATS_TEST_TMPDIR/beyond.err") &&
        [ "$value" -gt "$1" ]
}

# Fewer repetitions under valgrind, where every program takes a second.
repeat() {
    if [ -n "${IPC_LABS_VALGRIND:-}" ]; then echo "$2"; else echo "$1"; fi
}

# start_counter [ARGS...]: starts shm_counter -i 10 [ARGS] and waits for its
# segment. Sets counter, its start_bg PID.
start_counter() {
    start_bg counter shm_counter -i 10 "$@"
    counter=$BG_PID
    wait_until has_segment
}

# stop_counter: stops the counter started by start_counter with SIGTERM and
# reaps it (its status is another test's subject).
stop_counter() {
    kill -TERM "$(program_pid "$counter")"
    finish "$counter"
}

# ---------------------------------------------------------------- shm_hello

@test "05-shm: shm_hello's parent prints what the child wrote, Hello Parent!, and exits 0" {
    # contract: 05-shm, programs
    run --separate-stderr bounded shm_hello
    expect_status 0 "05-shm, programs: shm_hello exits 0 once it has printed the child's greeting"
    [ "$output" = 'Hello Parent!' ] ||
        broke "05-shm, programs: shm_hello prints exactly one line on stdout, Hello Parent!"
}

@test "05-shm: shm_hello with an argument is wrong usage" {
    # contract: 05-shm, bad input; rules, 3 (errors)
    run --separate-stderr bounded shm_hello extra
    expect_usage shm_hello
}

@test "05-shm: shm_hello run 10 times at once: each parent prints its own child's greeting" {
    # contract: 05-shm, cleanup and signals
    local -a pids
    runs=$(repeat 10 3)
    for i in $(seq "$runs"); do
        start_bg "hello$i" shm_hello
        pids[i]=$BG_PID
    done
    for i in $(seq "$runs"); do
        wait_bg "${pids[i]}" ||
            broke "05-shm, programs: each of 10 shm_hello run at once exits 0 (run $i: status $?)"
        [ "$(bg_out "hello$i")" = 'Hello Parent!' ] ||
            broke "05-shm, cleanup and signals: each of 10 shm_hello run at once prints its own child's Hello Parent! (run $i printed: $(bg_out "hello$i"))"
    done
}

@test "05-shm: shm_hello removes its private segment" {
    # contract: 05-shm, cleanup and signals; rules, 6 (cleanup)
    checks_cleanup
    run --separate-stderr bounded shm_hello
    expect_status 0 "05-shm, programs: shm_hello exits 0 once it has printed the child's greeting"
    # lab_teardown finds the IPC_PRIVATE segment if it is left.
}

# start_held_hello: starts shm_hello with its child stopped before the child
# has written anything (tests/hold_fork.c); sets HELD_CHILD to the child's PID
# once it is stopped and the parent waits.
start_held_hello() {
    local library held=$BATS_TEST_TMPDIR/child.pid
    library=$(hold_fork_library) || return 1
    start_bg hello env LD_PRELOAD="$library" HOLD_FORK_PIDFILE="$held" \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" shm_hello
    wait_until test -s "$held"
    HELD_CHILD=$(cat "$held")
    wait_until is_stopped "$HELD_CHILD"
    wait_blocked "$BG_PID"
}

# segment_size_of PID: the size in bytes of the segment process PID created
# (/proc/sysvipc/shm: key shmid perms size cpid ...).
segment_size_of() {
    awk -v pid="$1" 'NR > 1 && $5 == pid { print $4 }' /proc/sysvipc/shm
}

@test "05-shm: shm_hello's segment holds the whole greeting" {
    # contract: 05-shm, programs
    start_held_hello
    local parent size
    parent=$(program_pid "$BG_PID")
    size=$(segment_size_of "$parent")
    kill -CONT "$HELD_CHILD"
    [ -n "$size" ] ||
        broke "05-shm, programs: shm_hello makes its private segment before it forks (none found with creator PID $parent)"
    [ "$size" -ge 13 ] ||
        broke "05-shm, programs: shm_hello's segment holds the whole greeting, at least its 13 bytes (it has $size)"
    wait_bg "$BG_PID" ||
        broke "05-shm, programs: shm_hello exits 0 once it has printed the child's greeting"
    [ "$(bg_out hello)" = 'Hello Parent!' ] ||
        broke "05-shm, programs: shm_hello prints exactly one line on stdout, Hello Parent!"
}

@test "05-shm: shm_hello's parent waits for its child however long it takes, and a killed child makes it exit 1" {
    # contract: 05-shm, programs; 05-shm, cleanup and signals
    checks_cleanup
    # A parent that sleeps instead of waiting prints before the child wrote.
    start_held_hello
    kill -KILL "$HELD_CHILD"
    local status=0
    wait_bg "$BG_PID" || status=$?
    [ ! -s "$BATS_TEST_TMPDIR/hello.out" ] ||
        broke "05-shm, programs: the parent waits for the child to end (waitpid, never a sleep); with its child stopped before writing, it printed '$(bg_out hello)'"
    [ "$status" = 1 ] ||
        broke "05-shm, cleanup and signals: when the child fails (here: killed), the parent says so on stderr and exits 1 (exit status $status)"
    [ -n "$(bg_err hello)" ] ||
        broke "05-shm, cleanup and signals: when the child fails (here: killed), the parent says so on stderr"
}

# ---------------------------------------------------------------- counter

@test "05-shm: shm_show_counter with no counter running fails with exit 1, prints nothing on stdout, creates nothing" {
    # contract: 05-shm, the counter
    run --separate-stderr bounded shm_show_counter -n 3 -i 10
    expect_status 1 "05-shm, the counter: shm_show_counter with no counter running exits 1"
    [ -n "$stderr" ] ||
        broke "05-shm, the counter: with no counter running, shm_show_counter says so on stderr"
    [ -z "$output" ] ||
        broke "05-shm, the counter: with no counter running, shm_show_counter prints nothing on stdout"
    no_work_objects "05-shm, the counter: shm_show_counter creates nothing (no IPC_CREAT)"
}

@test "05-shm: shm_counter's segment has mode 0600" {
    # contract: rules, 7 (permissions)
    start_counter
    read -r kind id rest < <(work_ipc_objects)
    perms=$(ipc_perms m "$id")
    [ "$perms" = 600 ] ||
        broke "rules, 7 (permissions): shm_counter's segment has mode 0600 (it has $perms)"
    stop_counter
}

@test "05-shm: shm_show_counter -n 5 prints 5 lines, each a number no smaller than the one before" {
    # contract: 05-shm, programs; 05-shm, the counter
    start_counter
    run --separate-stderr bounded shm_show_counter -n 5 -i 10
    expect_status 0 "05-shm, exit statuses: shm_show_counter -n 5 exits 0 after 5 lines"
    [ "${#lines[@]}" -eq 5 ] ||
        broke "05-shm, programs: shm_show_counter -n 5 prints 5 lines (it printed ${#lines[@]})"
    previous=0
    for line in "${lines[@]}"; do
        [[ $line =~ ^[0-9]+$ ]] ||
            broke "05-shm, programs: each line of shm_show_counter is one number, decimal digits only (got '$line')"
        [ "$line" -ge "$previous" ] ||
            broke "05-shm, the counter: the value never goes down ($line came after $previous)"
        previous=$line
    done
    stop_counter
}

@test "05-shm: shm_show_counter sees the counter count up" {
    # contract: 05-shm, programs; 05-shm, the counter
    start_counter
    run --separate-stderr bounded shm_show_counter -n 1
    expect_status 0 "05-shm, exit statuses: shm_show_counter -n 1 exits 0 after one line"
    [[ $output =~ ^[0-9]+$ ]] ||
        broke "05-shm, programs: shm_show_counter prints the counter's value, one number a line"
    first=$output
    wait_until counter_beyond "$first" || {
        printf -- '-- the last shm_show_counter -n 1: stderr --\n%s\n' \
            "$(cat "$BATS_TEST_TMPDIR/beyond.err" 2>/dev/null)" >&2
        broke "05-shm, programs: shm_counter -i 10 writes the next number every 10 ms, and shm_show_counter shows it (it stayed at $first)"
    }
    stop_counter
}

@test "05-shm: shm_counter starts at 0, and shm_show_counter prints the value at each tick" {
    # contract: 05-shm, programs; 05-shm, the counter
    start_bg counter shm_counter -i 60000       # the value stays 0 for a minute
    counter=$BG_PID
    wait_until has_segment
    run --separate-stderr bounded shm_show_counter -n 3 -i 10
    expect_status 0 "05-shm, exit statuses: shm_show_counter -n 3 exits 0 after 3 lines"
    [ "$output" = $'0\n0\n0' ] ||
        broke "05-shm, the counter: the counter starts at 0; while it holds 0, shm_show_counter -n 3 prints 0 three times"
    stop_counter
}

@test "05-shm: shm_counter -n 3 stops by itself, exits 0, prints nothing on stdout and removes its segment" {
    # contract: 05-shm, programs; 05-shm, cleanup and signals
    checks_cleanup
    run --separate-stderr bounded shm_counter -n 3 -i 10
    expect_status 0 "05-shm, exit statuses: shm_counter -n 3 stops after 3 values and exits 0"
    [ -z "$output" ] || broke "05-shm, programs: shm_counter prints nothing on stdout"
    no_work_objects "05-shm, cleanup and signals: shm_counter removes its segment when it stops after COUNT values"
}

@test "05-shm: shm_counter stopped by SIGINT or SIGTERM removes its segment and ends with status 130 or 143" {
    # contract: 05-shm, cleanup and signals; rules, 8 (signals)
    checks_cleanup
    for signal in INT TERM; do
        start_counter
        kill -$signal "$(program_pid "$counter")"
        finish "$counter"
        expect_status "$(signal_status $signal)" \
            "rules, 8 (signals): shm_counter stopped by SIG$signal ends with status 128+N"
        no_work_objects "05-shm, cleanup and signals: shm_counter stopped by SIG$signal removes its segment"
    done
}

@test "05-shm: COUNT and MS of 1000000000 are accepted" {
    # contract: 05-shm, numbers
    start_bg counter shm_counter -n 1000000000 -i 1000000000
    counter=$BG_PID
    wait_until has_segment
    run --separate-stderr bounded shm_show_counter -n 1 -i 1000000000
    expect_status 0 "05-shm, numbers: shm_show_counter accepts -n 1000000000 -i 1000000000 (-n 1 here)"
    [ "$output" = 0 ] ||
        broke "05-shm, the counter: the counter starts at 0, and shm_show_counter shows it"
    stop_counter
}

@test "05-shm: a second shm_counter in the same folder fails with exit 1; the first goes on" {
    # contract: 05-shm, the counter
    start_counter
    segment=$(work_ipc_objects)
    run --separate-stderr bounded shm_counter -n 1 -i 10
    expect_status 1 "05-shm, the counter: a second shm_counter in the folder is refused (IPC_EXCL) with exit status 1"
    [ -n "$stderr" ] || broke "05-shm, the counter: a refused second shm_counter says why on stderr"
    [ "$(work_ipc_objects)" = "$segment" ] ||
        broke "05-shm, the counter: a refused second shm_counter leaves the first one's segment alone"
    run --separate-stderr bounded shm_show_counter -n 1
    expect_status 0 "05-shm, the counter: the first counter goes on after a second one was refused"
    stop_counter
}

# counter_and_show: starts shm_counter and, once its segment exists,
# shm_show_counter, both ticking every 10 ms; returns once the value shows.
# Sets counter and show, their start_bg PIDs.
counter_and_show() {
    start_counter
    start_bg show shm_show_counter -i 10
    show=$BG_PID
    wait_until [ -s "$BATS_TEST_TMPDIR/show.out" ]
}

@test "05-shm: shm_show_counter stops when the counter stops, says so on stderr and exits 0" {
    # contract: 05-shm, the counter
    counter_and_show
    kill -INT "$(program_pid "$counter")"
    finish "$counter"
    expect_status 130 "rules, 8 (signals): shm_counter stopped by SIGINT ends with status 130"
    finish "$show"
    expect_status 0 "05-shm, the counter: shm_show_counter whose counter stopped (and removed its segment) exits 0"
    [ -n "$(bg_err show)" ] ||
        broke "05-shm, the counter: shm_show_counter says on stderr that the counter stopped"
}

@test "05-shm: shm_show_counter notices a counter killed by SIGKILL, removes its segment, exits 1" {
    # contract: 05-shm, the counter; rules, 6 (cleanup)
    checks_cleanup
    counter_and_show
    kill -KILL "$(program_pid "$counter")"
    finish "$counter"
    [ "$status" -eq 137 ] || broke "(the test) the counter did not die of the test's SIGKILL (status $status)"
    finish "$show"
    expect_status 1 "05-shm, the counter: shm_show_counter whose counter died without removing its segment exits 1"
    [ -n "$(bg_err show)" ] ||
        broke "05-shm, the counter: shm_show_counter says on stderr that the counter died"
    no_work_objects "05-shm, the counter: shm_show_counter removes the segment that a killed counter left"
}

@test "05-shm: shm_show_counter stopped by SIGINT or SIGTERM ends with status 130 or 143 and leaves the counter running" {
    # contract: 05-shm, cleanup and signals; rules, 8 (signals)
    start_counter
    for signal in INT TERM; do
        start_bg show shm_show_counter -i 10
        show=$BG_PID
        wait_until [ -s "$BATS_TEST_TMPDIR/show.out" ]
        kill -$signal "$(program_pid "$show")"
        finish "$show"
        expect_status "$(signal_status $signal)" \
            "rules, 8 (signals): shm_show_counter stopped by SIG$signal ends with status 128+N"
        has_segment ||
            broke "05-shm, cleanup and signals: shm_show_counter stopped by SIG$signal removes nothing: the segment is the counter's"
        ! has_ended "$counter" ||
            broke "05-shm, cleanup and signals: the counter goes on when a shm_show_counter is stopped"
    done
    stop_counter
}

@test "05-shm: shm_counter and shm_show_counter: a bad -n or -i, an unknown option or an argument is wrong usage" {
    # contract: 05-shm, numbers; 05-shm, bad input; rules, 3 (errors); rules, 4 (numbers)
    bad=('-n 0' '-n -1' '-n abc' '-i 0' '-i -10' '-i x' 'extra' '-n 1000000001')
    [ -n "${IPC_LABS_VALGRIND:-}" ] ||
        bad+=('-n 3x' '-n +3' '-n 99999999999999999999' '-i 1000000001' '-i 1.5' '-n' '-i' '-x')
    for program in shm_counter shm_show_counter; do
        for args in "${bad[@]}"; do
            run --separate-stderr bounded $program $args
            expect_usage "$program"
        done
        run --separate-stderr bounded $program -n ''
        expect_usage "$program"
    done
    no_work_objects "05-shm, bad input: wrong usage creates nothing"
}

# ---------------------------------------------------------------- writer/reader

@test "05-shm: shm_writer first, then shm_reader: all 100 numbers arrive, with the PIDs" {
    # contract: 05-shm, programs; 05-shm, exchange
    start_waiting writer shm_writer
    writer_bg=$BG_PID
    writer=$(program_pid "$writer_bg")

    run --separate-stderr bounded shm_reader
    expect_status 0 "05-shm, exchange: shm_reader exits 0 after a finished exchange"
    grep -qx "Process1 pid : $writer" <<<"$output" ||
        broke "05-shm, programs: shm_reader prints 'Process1 pid : N', N the writer's PID ($writer)"
    grep -qx 'Process1 : Finish to write the Memory' <<<"$output" ||
        broke "05-shm, programs: shm_reader prints 'Process1 : Finish to write the Memory'"
    data_lines_ok "$output" ||
        broke "05-shm, programs: shm_reader prints 'shmaddr : ADDRESS, data : K' for K = 1 to 100 in order, and no other shmaddr line"

    finish "$writer_bg"
    expect_status 0 "05-shm, exchange: shm_writer exits 0 after a finished exchange"
    out=$(bg_out writer)
    grep -qx "My pid = $writer" <<<"$out" ||
        broke "05-shm, programs: shm_writer prints 'My pid = N', its own PID ($writer)"
    grep -qE '^Process2 pid : [0-9]+$' <<<"$out" ||
        broke "05-shm, programs: shm_writer prints 'Process2 pid : N', the reader's PID"
    data_lines_ok "$out" ||
        broke "05-shm, programs: shm_writer prints 'shmaddr : ADDRESS, data : K' for K = 1 to 100 in order, and no other shmaddr line"
}

@test "05-shm: shm_reader first, then shm_writer: all 100 numbers arrive, with the PIDs" {
    # contract: 05-shm, programs; 05-shm, exchange
    start_waiting reader shm_reader
    reader_bg=$BG_PID
    reader=$(program_pid "$reader_bg")

    run --separate-stderr bounded shm_writer
    expect_status 0 "05-shm, exchange: shm_writer exits 0 after a finished exchange"
    writer=$(sed -n 's/^My pid = \([0-9][0-9]*\)$/\1/p' <<<"$output")
    [ -n "$writer" ] || broke "05-shm, programs: shm_writer prints 'My pid = N', its own PID"
    grep -qx "Process2 pid : $reader" <<<"$output" ||
        broke "05-shm, programs: shm_writer prints 'Process2 pid : N', N the reader's PID ($reader)"

    finish "$reader_bg"
    expect_status 0 "05-shm, exchange: shm_reader exits 0 after a finished exchange"
    out=$(bg_out reader)
    grep -qx "Process1 pid : $writer" <<<"$out" ||
        broke "05-shm, programs: shm_reader prints 'Process1 pid : N', N the writer's PID ($writer)"
    grep -qx 'Process1 : Finish to write the Memory' <<<"$out" ||
        broke "05-shm, programs: shm_reader prints 'Process1 : Finish to write the Memory'"
    data_lines_ok "$out" ||
        broke "05-shm, programs: shm_reader prints 'shmaddr : ADDRESS, data : K' for K = 1 to 100 in order, and no other shmaddr line"
}

@test "05-shm: a finished exchange leaves no queue and no segment" {
    # contract: 05-shm, exchange; rules, 6 (cleanup)
    checks_cleanup
    for first in shm_writer shm_reader; do
        second=shm_reader
        [ $first = shm_writer ] || second=shm_writer
        start_bg first $first
        first_bg=$BG_PID
        wait_until has_queue
        run --separate-stderr bounded $second
        expect_status 0 "05-shm, exchange: $second exits 0 after a finished exchange"
        finish "$first_bg"
        expect_status 0 "05-shm, exchange: $first exits 0 after a finished exchange"
        no_work_objects "05-shm, exchange: after a finished exchange ($first first) the queue and the segment are gone"
    done
}

@test "05-shm: shm_writer and shm_reader started together, 10 times in a row, never hang" {
    # contract: 05-shm, exchange; rules, 8 (signals)
    runs=$(repeat 10 3)
    for i in $(seq "$runs"); do
        if [ $((i % 2)) = 0 ]; then
            start_bg writer shm_writer
            first=$BG_PID
            start_bg reader shm_reader
            second=$BG_PID
        else
            start_bg reader shm_reader
            first=$BG_PID
            start_bg writer shm_writer
            second=$BG_PID
        fi
        for pid in "$first" "$second"; do
            finish "$pid"
            [ "$status" -ne 124 ] ||
                broke "05-shm, exchange: started together, the pair never hangs (run $i: ${BG_NAME[$pid]} hung until its time limit)"
            expect_status 0 "05-shm, exchange: started together, both finish the exchange (run $i: ${BG_NAME[$pid]})"
        done
        data_lines_ok "$(bg_out reader)" ||
            broke "05-shm, programs: shm_reader prints 'shmaddr : ADDRESS, data : K' for K = 1 to 100 in order (run $i)"
    done
}

@test "05-shm: shm_writer's message queue has mode 0600" {
    # contract: 05-shm, exchange; rules, 7 (permissions)
    start_bg writer shm_writer
    writer=$BG_PID
    wait_until has_queue
    read -r kind id rest < <(work_ipc_objects)
    perms=$(ipc_perms q "$id")
    [ "$perms" = 600 ] ||
        broke "rules, 7 (permissions): shm_writer's message queue has mode 0600 (it has $perms)"
}

@test "05-shm: a lone shm_writer or shm_reader stopped by SIGINT or SIGTERM removes the queue and ends with status 130 or 143" {
    # contract: 05-shm, cleanup and signals; rules, 8 (signals)
    checks_cleanup
    for program in shm_writer shm_reader; do
        for signal in INT TERM; do
            start_waiting lone $program
            lone=$BG_PID
            kill -$signal "$(program_pid "$lone")"
            finish "$lone"
            expect_status "$(signal_status $signal)" \
                "rules, 8 (signals): a lone $program stopped by SIG$signal ends with status 128+N"
            no_work_objects "05-shm, cleanup and signals: a lone $program stopped by SIG$signal removes the queue"
        done
    done
}

@test "05-shm: a writer and a reader in two folders do not meet" {
    # contract: 05-shm, exchange; rules, 5 (keys)
    mkdir other
    start_waiting writer shm_writer
    writer=$BG_PID
    start_bg other_reader bash -c 'cd other && exec shm_reader'
    other_reader=$BG_PID
    wait_until has_objects_in "$WORK/other"
    wait_blocked "$other_reader"

    run --separate-stderr bounded shm_reader     # the writer's partner is here
    expect_status 0 "05-shm, exchange: the reader in the writer's folder finishes the exchange"
    data_lines_ok "$output" ||
        broke "05-shm, programs: shm_reader prints 'shmaddr : ADDRESS, data : K' for K = 1 to 100 in order"
    finish "$writer"
    expect_status 0 "05-shm, exchange: the writer finishes the exchange with the reader of its own folder"

    ! has_ended "$other_reader" ||
        broke "rules, 5 (keys): a reader in another folder waits for a writer of its own folder"
    kill -TERM "$(program_pid "$other_reader")"
    finish "$other_reader"
}

# partner_killed FIRST SECOND VICTIM: FIRST (shm_writer or shm_reader) starts,
# makes the queue, waits, and is stopped; SECOND starts and waits for it. Then
# VICTIM (first or second) is killed with SIGKILL: the other one, let go on,
# must exit 1 with a message and remove everything.
partner_killed() {
    local first=$1 second=$2 first_bg first_pid second_bg victim_bg survivor survivor_bg
    checks_cleanup
    start_waiting "$first" "$first"
    first_bg=$BG_PID
    first_pid=$(program_pid "$first_bg")
    kill -STOP "$first_pid"
    start_bg "$second" "$second"
    second_bg=$BG_PID
    wait_blocked "$second_bg"
    if [ "$3" = first ]; then
        kill -KILL "$first_pid"
        victim_bg=$first_bg survivor=$second survivor_bg=$second_bg
    else
        kill -KILL "$(program_pid "$second_bg")"
        victim_bg=$second_bg survivor=$first survivor_bg=$first_bg
    fi
    finish "$victim_bg"
    [ "$status" -eq 137 ] || broke "(the test) the victim did not die of the test's SIGKILL (status $status)"
    kill -CONT "$first_pid" 2>/dev/null || true
    finish "$survivor_bg"
    [ "$status" -ne 124 ] ||
        broke "05-shm, partner's death: $survivor notices that its partner died instead of waiting forever"
    expect_status 1 "05-shm, partner's death: $survivor whose partner died exits 1"
    [ -n "$(bg_err "$survivor")" ] ||
        broke "05-shm, partner's death: $survivor says on stderr that its partner died"
    no_work_objects "05-shm, partner's death: $survivor whose partner died removes what is left of the queue and the segment"
}

@test "05-shm: the reader killed while the writer waits for it: the writer exits 1 and removes all" {
    # contract: 05-shm, partner's death; rules, 8 (signals)
    partner_killed shm_reader shm_writer first
}

@test "05-shm: the reader killed mid-exchange: the writer, going on, exits 1 and removes all" {
    # contract: 05-shm, partner's death; rules, 8 (signals)
    partner_killed shm_writer shm_reader second    # the reader has the writer's PID, and waits
}

@test "05-shm: the writer killed while the reader waits for it: the reader exits 1 and removes all" {
    # contract: 05-shm, partner's death; rules, 8 (signals)
    partner_killed shm_writer shm_reader first
}

@test "05-shm: the writer killed mid-exchange: the reader, going on, exits 1 and removes all" {
    # contract: 05-shm, partner's death; rules, 8 (signals)
    partner_killed shm_reader shm_writer second    # the writer has posted its PID, and waits
}

# blocked_writing PID: the process PID sleeps in a write to a full pipe.
blocked_writing() {
    [[ $(cat "/proc/$1/wchan" 2>/dev/null) == *pipe_write* ]]
}

@test "05-shm: the reader killed while it prints and the writer waits for 'read': the writer ends and removes all, and the segment had mode 0600" {
    # contract: 05-shm, partner's death; 05-shm, exchange; rules, 7 (permissions)
    checks_cleanup
    # The reader's stdout: a pipe that nobody reads, with room for 1024 bytes:
    # its first lines fit, the 100 data lines do not, so the reader stops in
    # the middle of printing them, after "written" and before "read".
    # (A descriptor holds it; its name goes at once, so no FIFO is left.)
    local wchan
    wchan=$(cat "/proc/$$/wchan" 2>/dev/null) && [ -n "$wchan" ] && [ "$wchan" != 0 ] ||
        skip "this kernel does not show what a process waits for (/proc/PID/wchan)"
    mkfifo "$BATS_TEST_TMPDIR/stdout"
    local fd
    exec {fd}<>"$BATS_TEST_TMPDIR/stdout"
    # (dd opens the FIFO itself: O_NONBLOCK stays on its own descriptor.)
    dd if=/dev/zero of="$BATS_TEST_TMPDIR/stdout" bs=4096 count=64 oflag=nonblock 2>/dev/null || true
    rm "$BATS_TEST_TMPDIR/stdout"
    dd bs=1024 count=1 <&"$fd" >/dev/null 2>&1

    start_bg writer shm_writer
    writer=$BG_PID
    start_bg reader bash -c 'exec shm_reader >&"$1"' bash "$fd"
    reader=$BG_PID
    reader_pid=$(program_pid "$reader")
    wait_until -p "$reader" blocked_writing "$reader_pid"
    read -r kind id rest < <(work_ipc_objects | grep '^m ') || true
    if [ -n "${id:-}" ]; then
        perms=$(ipc_perms m "$id")
        [ "$perms" = 600 ] ||
            broke "rules, 7 (permissions): shm_writer's data segment has mode 0600 (it has $perms)"
    fi
    kill -KILL "$reader_pid"
    finish "$reader"
    exec {fd}>&-
    finish "$writer"
    [ "$status" -ne 124 ] ||
        broke "05-shm, partner's death: the writer notices that the reader died while it waited for 'read', instead of waiting forever"
    # 0 if the reader had answered "read" before it stopped printing.
    [ "$status" -eq 0 ] || expect_status 1 "05-shm, partner's death: a writer whose reader died exits 1"
    no_work_objects "05-shm, partner's death: the writer whose reader died removes what is left of the queue and the segment"
}

@test "05-shm: shm_show_counter whose stdout cannot be written (/dev/full) fails with exit 1" {
    # contract: 05-shm, programs; rules, 10 (output)
    start_counter
    run --separate-stderr full_stdout shm_show_counter -n 1
    expect_write_error shm_show_counter
    stop_counter
}

@test "05-shm: shm_hello reports a full stdout (/dev/full): a message, exit 1, no segment left" {
    # contract: rules, 10 (output); rules, 6 (cleanup)
    checks_cleanup
    run --separate-stderr bounded shm_hello
    expect_status 0 "05-shm, programs: shm_hello exits 0 after printing the greeting"
    run --separate-stderr full_stdout shm_hello
    expect_write_error shm_hello
}

@test "05-shm: shm_writer or shm_reader whose stdout is full (/dev/full) reports it: a message, exit 1" {
    # contract: rules, 10 (output)
    for full in shm_writer shm_reader; do
        partner=shm_reader
        [ $full = shm_writer ] || partner=shm_writer
        # An exchange first, to show the pair works; then the same with
        # FULL's stdout on /dev/full. The partner may finish or notice that
        # FULL gave up, or wait on for a partner (FULL may fail before it
        # posts its PID): it is stopped, and so removes what it made.
        start_waiting partner $partner
        partner_bg=$BG_PID
        run --separate-stderr bounded $full
        expect_status 0 "05-shm, exchange: $full exits 0 after a finished exchange"
        finish "$partner_bg"
        start_waiting partner $partner
        partner_bg=$BG_PID
        run --separate-stderr full_stdout $full
        expect_write_error $full
        kill -TERM "$partner_bg" 2>/dev/null || true
        finish "$partner_bg"
    done
}

@test "05-shm: shm_writer and shm_reader with an argument: wrong usage, nothing created" {
    # contract: 05-shm, bad input; rules, 3 (errors)
    for program in shm_writer shm_reader; do
        run --separate-stderr bounded $program extra
        expect_usage "$program"
    done
    no_work_objects "05-shm, bad input: wrong usage creates nothing"
}

# ---------------------------------------------------------------- other users, killed runs, two pairs

# post_pid QUEUE_ID TYPE PID: as the other user, posts PID on the queue as a
# message of TYPE, as the lab's programs post theirs (struct pid_message):
# the hostile user's fake "partner". A helper of this file (a C program
# built once per file, as test_helper's squat is).
post_pid() {
    local post=$BATS_FILE_TMPDIR/post_pid
    if [ ! -x "$post" ]; then
        cat >"$post.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <sys/msg.h>
#include <sys/types.h>
int main(int argc, char *argv[])
{
    struct { long mtype; pid_t pid; } m;
    if (argc != 4)
        return 2;
    m.mtype = atol(argv[2]);
    m.pid = (pid_t)atol(argv[3]);
    if (msgsnd(atoi(argv[1]), &m, sizeof m.pid, IPC_NOWAIT) == -1) {
        perror("post_pid: msgsnd");
        return 1;
    }
    return 0;
}
C
        cc -std=c17 -o "$post" "$post.c" || return 1
        chmod 755 "$BATS_FILE_TMPDIR" "$post"
    fi
    as_other_user "$post" "$@"
}

# queue_messages ID: how many messages queue ID holds.
queue_messages() {
    awk -v id="$1" 'NR > 1 && $2 == id { print $5 }' /proc/sysvipc/msg
}

# ipcrm_command: the ipcrm commands in the last run's stderr ("ipcrm -q ID -m ID",
# or one per object) as one command, "ipcrm -q ID -m ID"; nothing if none.
ipcrm_command() {
    local options
    options=$(grep -oE 'ipcrm( -[qm] [0-9]+)+' <<<"$stderr" | sed 's/^ipcrm//' | tr -d '\n')
    [ -z "$options" ] || echo "ipcrm$options"
}

# start_victim: starts a process of ours that the hostile user names as a
# "partner" (a sleep); sets victim_bg and victim, its PID.
start_victim() {
    start_bg victim sleep 1000
    victim_bg=$BG_PID
    victim=$(program_pid "$victim_bg")
}

@test "05-shm: another user's queue holding a fake reader PID: shm_writer refuses it, naming the owner, and signals nobody" {
    # contract: 05-shm, objects another user made; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    start_victim
    qid=$(squat q q 0666)
    post_pid "$qid" 2 "$victim"
    run --separate-stderr bounded shm_writer
    expect_error "$OTHER_UID" "05-shm, objects another user made: shm_writer refuses a queue another user made (exit 1), naming its owner"
    ! has_ended "$victim_bg" ||
        broke "05-shm, objects another user made: shm_writer never signals a PID it read from another user's queue (the process PID $victim was killed)"
    [ "$(queue_messages "$qid")" = 1 ] ||
        broke "05-shm, objects another user made: shm_writer touches nothing of another user's queue: it takes and sends no message"
    [ "$(work_ipc_objects | awk '{ print $2 }')" = "$qid" ] ||
        broke "05-shm, objects another user made: a refused shm_writer leaves only the other user's queue (it removes what it made): $(work_ipc_objects)"
    ipcrm -q "$qid"
}

@test "05-shm: another user's queue holding a fake writer PID: shm_reader refuses it, naming the owner, and signals nobody" {
    # contract: 05-shm, objects another user made; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    start_victim
    qid=$(squat q q 0666)
    post_pid "$qid" 1 "$victim"
    run --separate-stderr bounded shm_reader
    expect_error "$OTHER_UID" "05-shm, objects another user made: shm_reader refuses a queue another user made (exit 1), naming its owner"
    ! has_ended "$victim_bg" ||
        broke "05-shm, objects another user made: shm_reader never signals a PID it read from another user's queue (the process PID $victim was killed)"
    [ "$(queue_messages "$qid")" = 1 ] ||
        broke "05-shm, objects another user made: shm_reader touches nothing of another user's queue: it takes and sends no message"
    [ "$(work_ipc_objects | awk '{ print $2 }')" = "$qid" ] ||
        broke "05-shm, objects another user made: a refused shm_reader creates nothing: $(work_ipc_objects)"
    ipcrm -q "$qid"
}

@test "05-shm: another user's segment at the data key: shm_writer and shm_reader refuse it, naming the owner, and leave it alone" {
    # contract: 05-shm, objects another user made; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    mid=$(squat m d 0666 400)
    for program in shm_writer shm_reader; do
        run --separate-stderr bounded $program
        expect_error "$OTHER_UID" "05-shm, objects another user made: $program refuses a data segment another user made (exit 1), naming its owner"
        ! grep -q '^shmaddr' <<<"$output" ||
            broke "05-shm, objects another user made: $program neither writes nor reads another user's segment"
        [ "$(work_ipc_objects | awk '{ print $1, $2 }')" = "m $mid" ] ||
            broke "05-shm, objects another user made: a refused $program leaves the other user's segment as it was and nothing of its own: $(work_ipc_objects)"
    done
    ipcrm -m "$mid"
}

@test "05-shm: another user's segment at the counter's key: shm_counter and shm_show_counter refuse it, naming the owner, and leave it alone" {
    # contract: 05-shm, objects another user made; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    mid=$(squat m c 0666)
    run --separate-stderr bounded shm_show_counter -n 1 -i 10
    expect_error "$OTHER_UID" "05-shm, objects another user made: shm_show_counter refuses a counter segment another user made (exit 1), naming its owner"
    [ -z "$output" ] ||
        broke "05-shm, objects another user made: shm_show_counter shows no number from another user's segment"
    run --separate-stderr bounded shm_counter -n 1 -i 10
    expect_error "$OTHER_UID" "05-shm, objects another user made: shm_counter refuses a counter segment another user made (exit 1), naming its owner"
    [ "$(work_ipc_objects | awk '{ print $1, $2 }')" = "m $mid" ] ||
        broke "05-shm, objects another user made: the other user's segment is left as it was (never removed, even though its creator is gone): $(work_ipc_objects)"
    ipcrm -m "$mid"
}

@test "05-shm: after shm_counter is killed by SIGKILL, the next shm_counter names the ipcrm command that removes its segment" {
    # contract: 05-shm, killed runs and two pairs; rules, 14 (stale objects)
    start_counter
    read -r kind mid rest < <(work_ipc_objects)
    kill -KILL "$(program_pid "$counter")"
    finish "$counter"
    run --separate-stderr bounded shm_counter -n 1 -i 10
    expect_status 1 "05-shm, killed runs and two pairs: a segment a killed shm_counter left is refused (exit 1)"
    command=$(ipcrm_command)
    [ "$command" = "ipcrm -m $mid" ] ||
        broke "05-shm, killed runs and two pairs: the message gives the command that removes the segment a killed shm_counter left, ipcrm -m $mid (found: '$command')"
    $command
    run --separate-stderr bounded shm_counter -n 1 -i 10
    expect_status 0 "05-shm, killed runs and two pairs: after the ipcrm command given, shm_counter works again"
}

@test "05-shm: after a lone shm_writer or shm_reader is killed by SIGKILL, the next ones name what is left and the ipcrm command; after it, the pair works" {
    # contract: 05-shm, killed runs and two pairs; rules, 14 (stale objects)
    checks_cleanup
    for victim in shm_writer shm_reader; do
        start_waiting victim $victim
        victim_bg=$BG_PID
        kill -KILL "$(program_pid "$victim_bg")"
        finish "$victim_bg"
        left=$(work_ipc_objects)
        for program in shm_writer shm_reader; do
            run --separate-stderr bounded $program
            expect_status 1 "05-shm, killed runs and two pairs: $program refuses what a killed $victim left (exit 1)"
            command=$(ipcrm_command)
            while read -r kind id rest; do
                grep -qE -- "-$kind $id( |\$)" <<<"$command" ||
                    broke "05-shm, killed runs and two pairs: after a killed $victim, $program's message gives the ipcrm command that removes all it left ($kind $id; the command: '$command')"
            done <<<"$left"
            [ "$(work_ipc_objects)" = "$left" ] ||
                broke "05-shm, killed runs and two pairs: $program refusing a killed run's objects makes and removes nothing"
        done
        $command
        start_bg reader shm_reader
        reader_bg=$BG_PID
        run --separate-stderr bounded shm_writer
        expect_status 0 "05-shm, killed runs and two pairs: after the ipcrm command given, the exchange works ($victim killed before)"
        finish "$reader_bg"
        expect_status 0 "05-shm, killed runs and two pairs: after the ipcrm command given, the exchange works ($victim killed before)"
    done
}

@test "05-shm: a second shm_writer in the folder is refused with exit 1; the first one's exchange goes on" {
    # contract: 05-shm, killed runs and two pairs
    start_waiting writer shm_writer
    writer_bg=$BG_PID
    objects=$(work_ipc_objects)
    run --separate-stderr bounded shm_writer
    expect_status 1 "05-shm, killed runs and two pairs: a second shm_writer in the folder is refused (exit 1)"
    [ -n "$stderr" ] || broke "05-shm, killed runs and two pairs: a refused second shm_writer says why on stderr"
    [ "$(work_ipc_objects)" = "$objects" ] ||
        broke "05-shm, killed runs and two pairs: a refused second shm_writer leaves the first one's queue and segment alone"
    run --separate-stderr bounded shm_reader
    expect_status 0 "05-shm, killed runs and two pairs: the first writer's exchange goes on after a second writer was refused"
    data_lines_ok "$output" ||
        broke "05-shm, programs: shm_reader prints 'shmaddr : ADDRESS, data : K' for K = 1 to 100 in order"
    finish "$writer_bg"
    expect_status 0 "05-shm, killed runs and two pairs: the first writer finishes its exchange"
}

@test "05-shm: two readers and one writer: the reader that answers the writer gets all 100 numbers, the other exits 1; none hangs" {
    # contract: 05-shm, killed runs and two pairs; 05-shm, exchange
    checks_cleanup
    start_waiting late shm_reader               # posts its PID first, then sleeps (SIGSTOP)
    late_bg=$BG_PID
    late=$(program_pid "$late_bg")
    kill -STOP "$late"
    start_bg writer shm_writer
    writer_bg=$BG_PID
    wait_blocked "$writer_bg"
    start_bg reader shm_reader             # takes the writer's PID and answers it
    reader_bg=$BG_PID
    finish "$writer_bg"
    expect_status 0 "05-shm, killed runs and two pairs: with two readers, the writer finishes its exchange with the one that answered it"
    finish "$reader_bg"
    expect_status 0 "05-shm, killed runs and two pairs: the reader that answered the writer finishes the exchange"
    reader=$(sed -n 's/^My pid = //p' <<<"$(bg_out reader)")
    grep -qx "Process2 pid : $reader" <<<"$(bg_out writer)" ||
        broke "05-shm, killed runs and two pairs: the writer's reader is the one that took its PID and answered (PID $reader)"
    data_lines_ok "$(bg_out reader)" ||
        broke "05-shm, killed runs and two pairs: the reader that answered the writer gets all 100 numbers"
    kill -CONT "$late"
    finish "$late_bg"
    expect_status 1 "05-shm, killed runs and two pairs: a second reader whose writer took another reader exits 1"
    [ -n "$(bg_err late)" ] || broke "05-shm, killed runs and two pairs: the second reader says why on stderr"
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "05-shm: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
