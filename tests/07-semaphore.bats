#!/usr/bin/env bats
# 07-semaphore: sem_counter, and the sem_producer/sem_consumer bounded
# buffer, as CONTRACT.md describes them.

load test_helper

setup()    { lab_setup 07-semaphore; }
teardown() { lab_teardown; }

MIB=1048576

# read_state PID: sets STATE to the state letter of process PID (R running,
# S asleep in a system call, T stopped, Z zombie), empty once it is gone.
# Builtins only, so that it is quick even on a busy machine.
read_state() {
    local stat=''
    { read -r stat < "/proc/$1/stat"; } 2>/dev/null || true
    stat=${stat##*) }
    STATE=${stat%% *}
}

# children PID: the PIDs of the children of PID; has_children PID: any?
children() {
    cat "/proc/$1/task/$1/children" 2>/dev/null
}

has_children() {
    local list
    list=$(children "$1")
    [ -n "$list" ]
}

# stopped PID, gone PID: T, or ended (a zombie or no more).
stopped() {
    read_state "$1"
    [ "$STATE" = T ]
}

gone() {
    read_state "$1"
    [ -z "$STATE" ] || [ "$STATE" = Z ]
}

# asleep PID...: every PID sleeps (state S), and still does a few samples
# later: one caught between two steps of its work does not count. Answers
# at once when one is not asleep.
asleep() {
    local sample pid
    for sample in 1 2 3 4 5 6; do
        for pid; do
            read_state "$pid"
            [ "$STATE" = S ] || return 1
        done
        [ $sample -eq 6 ] || sleep 0.01
    done
}

# wait_status PID: waits for a start_bg program and sets $status, failing
# the test if the program had to be killed for running out of time.
wait_status() {
    status=0
    wait_bg "$1" || status=$?
    [ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "it hung: killed after ${LAB_TIMEOUT}s"
}

# usage_error NAME ARGS...: NAME with ARGS prints its usage and exits 2.
usage_error() {
    run --separate-stderr bounded "$@"
    [ "$status" -eq 2 ] || fail "$*: exit status $status, expected 2"
    [ -z "$output" ] || fail "$*: printed on stdout: $output"
    [[ $stderr == *"usage: $1"* ]] || fail "$*: no usage line: $stderr"
}

# ---------------------------------------------------------------- sem_counter

@test "07-semaphore: with the lock, got equals expected for several PROCS x ITERS" {
    big=20000
    [ -z "${IPC_LABS_VALGRIND:-}" ] || big=2000     # under valgrind every semop is slow
    for case in "1 1" "2 5000" "4 $big" "8 2000"; do
        set -- $case
        run --separate-stderr bounded sem_counter -p "$1" -n "$2"
        [ "$status" -eq 0 ] || fail "-p $1 -n $2: exit status $status: $stderr"
        [ "$output" = "expected $(($1 * $2)), got $(($1 * $2))" ] || fail "-p $1 -n $2: $output"
    done
}

@test "07-semaphore: --no-lock prints the same line, never more than expected, and exits 0" {
    # Whether updates are lost on a given run is luck; the line's form is not.
    run --separate-stderr bounded sem_counter --no-lock -p 4 -n 200000
    assert_success
    assert_output --regexp '^expected 800000, got [0-9]+$'
    got=${output##* }
    [ "$got" -le 800000 ] || fail "more than expected: $got"
}

@test "07-semaphore: sem_counter defaults to 4 processes x 100000 iterations" {
    run --separate-stderr bounded sem_counter --no-lock
    assert_success
    assert_output --regexp '^expected 400000, got [0-9]+$'
}

@test "07-semaphore: sem_counter takes its options in any order" {
    run --separate-stderr bounded sem_counter -n 300 --no-lock -p 3
    assert_success
    assert_output --regexp '^expected 900, got [0-9]+$'
    run --separate-stderr bounded sem_counter -n 300 -p 3
    assert_success
    assert_output 'expected 900, got 900'
}

@test "07-semaphore: a worker killed while it holds the lock does not block the others (SEM_UNDO)" {
    iters=100000
    [ -z "${IPC_LABS_VALGRIND:-}" ] || iters=20000
    # Stop one worker; if every other process of the run then sleeps, the
    # stopped one holds the lock. Kill it there: without SEM_UNDO the lock
    # would never come back and the run would hang.
    for run_number in 1 2 3; do
        start_bg counter sem_counter -p 2 -n "$iters"
        counter=$BG_PID
        pid=$(program_pid "$counter")
        wait_until has_children "$pid"
        for attempt in $(seq 100); do
            # One worker, and the others: its siblings and their parent
            # (which may be a worker too, in some designs).
            kids=()
            { read -ra kids < "/proc/$pid/task/$pid/children"; } 2>/dev/null || true
            [ ${#kids[@]} -gt 0 ] || break                      # the run is ending
            worker=${kids[0]}
            kill -STOP "$worker" 2>/dev/null || break
            # (A worker that has just finished ends instead of stopping.)
            wait_until eval 'stopped "$worker" || gone "$worker"' && stopped "$worker" || break
            if asleep "$pid" "${kids[@]:1}"; then
                kill -KILL "$worker"
                wait_status "$counter"
                output=$(bg_out counter)
                assert_regex "$output" "^expected $((2 * iters)), got [0-9]+\$"
                got=${output##* }
                [ "$got" -le $((2 * iters)) ] || fail "more than expected: $got"
                # The survivor did all its ITERS: the lock came back to it.
                [ "$got" -ge "$iters" ] || fail "got $got: the other worker did not finish"
                return 0
            fi
            kill -CONT "$worker" 2>/dev/null || true
        done
        wait_status "$counter"      # the workers finished before one was caught: again
    done
    fail "never caught a worker holding the lock"
}

# stop_counter SIGNAL: sem_counter, with 4 workers busy for a long time, is
# sent SIGNAL: it must fail, and its workers must end too.
stop_counter() {
    start_bg counter sem_counter -p 4 -n 1000000000
    pid=$(program_pid "$BG_PID")
    wait_until has_children "$pid"
    workers=$(children "$pid")
    kill -"$1" "$pid"
    wait_status "$BG_PID"
    [ "$status" -ne 0 ] || fail "exit status 0 after SIG$1"
    for worker in $workers; do
        wait_until gone "$worker" || fail "worker $worker still runs"
    done
}

@test "07-semaphore: SIGTERM stops sem_counter and its workers, removing its objects" {
    stop_counter TERM
}

@test "07-semaphore: SIGINT stops sem_counter and its workers, removing its objects" {
    stop_counter INT
}

@test "07-semaphore: sem_counter rejects bad options with usage and exit 2" {
    usage_error sem_counter -p 0
    usage_error sem_counter -p -1
    usage_error sem_counter -p abc
    usage_error sem_counter -p 3x
    usage_error sem_counter -p ''
    usage_error sem_counter -p 1000000
    usage_error sem_counter -p 99999999999999999999
    usage_error sem_counter -n 0
    usage_error sem_counter -n -5
    usage_error sem_counter -n ten
    usage_error sem_counter -n 1e5
    usage_error sem_counter -n 99999999999999999999
    usage_error sem_counter -p
    usage_error sem_counter -x
    usage_error sem_counter --lock
    usage_error sem_counter --no-lock=yes
    usage_error sem_counter 4
}

# ------------------------------------------------------ sem_producer/consumer

@test "07-semaphore: consumer first, then producer: the file arrives byte for byte" {
    head -c 300000 /dev/urandom > in.bin
    start_bg consumer sem_consumer out.bin
    consumer=$BG_PID
    wait_blocked "$consumer"
    run --separate-stderr bounded sem_producer in.bin
    assert_success
    [[ $stderr == *300000* ]] || fail "no byte count from the producer: $stderr"
    wait_bg "$consumer"
    [[ $(bg_err consumer) == *300000* ]] || fail "no byte count from the consumer: $(bg_err consumer)"
    cmp in.bin out.bin
    assert_equal "$(work_ipc_objects)" ''
}

@test "07-semaphore: producer first, then consumer: 20 MiB of random bytes, stdin to stdout" {
    head -c $((20 * MIB)) /dev/urandom > in.bin
    start_bg producer bash -c 'exec sem_producer < in.bin'   # & alone would give it /dev/null
    producer=$BG_PID
    wait_blocked "$producer"        # more than a buffer holds: it waits for a consumer
    bounded sem_consumer > out.bin 2> consumer.err
    wait_bg "$producer"
    cmp in.bin out.bin
    [[ $(cat consumer.err) == *$((20 * MIB))* ]] || fail "consumer: $(cat consumer.err)"
    [[ $(bg_err producer) == *$((20 * MIB))* ]] || fail "producer: $(bg_err producer)"
    assert_equal "$(work_ipc_objects)" ''
}

@test "07-semaphore: files of many sizes arrive exactly, NUL bytes and all" {
    sizes="1 4095 65536 262145 1000001 3000000"
    [ -z "${IPC_LABS_VALGRIND:-}" ] || sizes="1 262145 3000000"
    for size in $sizes; do
        head -c "$size" /dev/urandom > in.bin
        start_bg consumer sem_consumer out.bin
        consumer=$BG_PID
        bounded sem_producer in.bin 2>/dev/null || fail "producer failed for $size bytes"
        wait_bg "$consumer" || fail "consumer failed for $size bytes"
        cmp in.bin out.bin || fail "$size bytes: the copy differs"
    done
    assert_equal "$(work_ipc_objects)" ''
}

@test "07-semaphore: producer and consumer started at the same moment meet every time" {
    # Both try to create the objects; the loser must wait for the winner
    # to initialise them (the race the README explains).
    runs=20
    [ -z "${IPC_LABS_VALGRIND:-}" ] || runs=3
    seq 10000 > in.txt
    for i in $(seq $runs); do
        start_bg producer sem_producer in.txt
        producer=$BG_PID
        bounded sem_consumer out.txt 2>/dev/null || fail "run $i: the consumer failed"
        wait_bg "$producer" || fail "run $i: the producer failed"
        cmp in.txt out.txt || fail "run $i: the copy differs"
    done
    assert_equal "$(work_ipc_objects)" ''
}

@test "07-semaphore: empty input arrives as an empty file, 0 bytes each way" {
    start_bg consumer sem_consumer out.bin
    consumer=$BG_PID
    wait_blocked "$consumer"
    run --separate-stderr bounded sem_producer < /dev/null
    assert_success
    [[ $stderr == *0* ]] || fail "producer: $stderr"
    wait_bg "$consumer"
    [[ $(bg_err consumer) == *0* ]] || fail "consumer: $(bg_err consumer)"
    [ -f out.bin ] && [ ! -s out.bin ] || fail "out.bin is missing or not empty"
    assert_equal "$(work_ipc_objects)" ''
}

@test "07-semaphore: a consumer that cannot write fails, and the producer notices" {
    head -c $((20 * MIB)) /dev/urandom > in.bin
    start_bg producer sem_producer in.bin
    producer=$BG_PID
    wait_blocked "$producer"
    run --separate-stderr bounded sem_consumer /dev/full
    assert_failure 1
    [[ $stderr == *"No space left on device"* ]] || fail "consumer: $stderr"
    wait_status "$producer"
    [ "$status" -ne 0 ] || fail "the producer exited 0"
    assert_equal "$(work_ipc_objects)" ''
}

@test "07-semaphore: a producer whose data all fit in the buffer still learns that the consumer failed" {
    seq 100 > in.txt
    start_bg producer sem_producer in.txt
    producer=$BG_PID
    wait_blocked "$producer"         # all sent: it waits to hear that all was written
    run --separate-stderr bounded sem_consumer /dev/full
    assert_failure 1
    wait_status "$producer"
    [ "$status" -ne 0 ] || fail "the producer exited 0, but nothing was written"
    assert_equal "$(work_ipc_objects)" ''
}

# stalled_transfer FIRST SECOND: 20 MiB on their way from sem_producer to
# sem_consumer, stalled. FIRST (producer or consumer) starts, joins and is
# stopped; SECOND starts and blocks: on a full buffer (the producer) or on an
# empty one (the consumer, once it has taken what there was). Sets FIRST and
# SECOND (start_bg PIDs) and FIRST_PID (FIRST's program, stopped).
stalled_transfer() {
    head -c $((20 * MIB)) /dev/urandom > in.bin
    start_side "$1"
    FIRST=$BG_PID
    wait_blocked "$FIRST"
    FIRST_PID=$(program_pid "$FIRST")
    kill -STOP "$FIRST_PID"
    start_side "$2"
    SECOND=$BG_PID
    wait_blocked "$SECOND"
}

# start_side producer|consumer: starts that side on in.bin or out.bin.
start_side() {
    case $1 in
        producer) start_bg producer sem_producer in.bin ;;
        consumer) start_bg consumer sem_consumer out.bin ;;
    esac
}

@test "07-semaphore: a consumer killed mid-transfer: the producer notices and cleans up" {
    stalled_transfer consumer producer
    kill -KILL "$FIRST_PID"
    wait_status "$SECOND"
    [ "$status" -ne 0 ] || fail "the producer exited 0"
    assert_equal "$(work_ipc_objects)" ''
}

@test "07-semaphore: a producer killed mid-transfer: the consumer notices and cleans up" {
    stalled_transfer producer consumer
    kill -KILL "$FIRST_PID"
    wait_status "$SECOND"
    [ "$status" -ne 0 ] || fail "the consumer exited 0"
    cmp -s in.bin out.bin && fail "the consumer got everything"
    assert_equal "$(work_ipc_objects)" ''
}

# signal_alone SIDE SIGNAL: SIDE (producer or consumer), waiting for its
# partner, is stopped by SIGNAL: it must fail and remove its objects.
signal_alone() {
    head -c $((20 * MIB)) /dev/urandom > in.bin     # more than the buffer holds
    start_side "$1"
    wait_blocked "$BG_PID"
    kill -"$2" "$(program_pid "$BG_PID")"
    wait_status "$BG_PID"
    [ "$status" -ne 0 ] || fail "exit status 0 after SIG$2"
    assert_equal "$(work_ipc_objects)" ''
}

@test "07-semaphore: SIGTERM on a consumer waiting alone removes the objects" {
    signal_alone consumer TERM
}

@test "07-semaphore: SIGINT on a producer waiting alone removes the objects" {
    signal_alone producer INT
}

# signal_second SIGNAL: SIGNAL stops SECOND of a stalled transfer; then FIRST,
# let go on, must fail too, and nothing may be left.
signal_second() {
    kill -"$1" "$(program_pid "$SECOND")"
    wait_status "$SECOND"
    [ "$status" -ne 0 ] || fail "the second side exited 0 after SIG$1"
    kill -CONT "$FIRST_PID"
    wait_status "$FIRST"
    [ "$status" -ne 0 ] || fail "the first side exited 0"
    assert_equal "$(work_ipc_objects)" ''
}

@test "07-semaphore: SIGTERM on the producer mid-transfer: both exit non-zero, objects removed" {
    stalled_transfer consumer producer
    signal_second TERM
}

@test "07-semaphore: SIGINT on the consumer mid-transfer: both exit non-zero, objects removed" {
    stalled_transfer producer consumer
    signal_second INT
}

@test "07-semaphore: a missing input file is reported before anything is created" {
    run --separate-stderr bounded sem_producer missing.txt
    assert_failure 1
    [[ $stderr == *missing.txt* ]] || fail "$stderr"
    mkdir adir
    run --separate-stderr bounded sem_producer adir
    assert_failure 1
    [[ $stderr == *adir* ]] || fail "$stderr"
    run --separate-stderr bounded sem_consumer no/such/dir/out.bin
    assert_failure 1
    [[ $stderr == *no/such/dir/out.bin* ]] || fail "$stderr"
    assert_equal "$(work_ipc_objects)" ''
}

@test "07-semaphore: sem_producer and sem_consumer reject bad arguments with usage and exit 2" {
    touch a b
    usage_error sem_producer a b
    usage_error sem_producer -x
    usage_error sem_consumer a b
    usage_error sem_consumer -x
    assert_equal "$(work_ipc_objects)" ''
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "07-semaphore: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
