#!/usr/bin/env bats
# 05-shm: shm_hello, shm_counter/shm_show_counter and shm_writer/shm_reader,
# as CONTRACT.md describes them.

load test_helper

setup()    { lab_setup 05-shm; }
teardown() { lab_teardown; }

# ---------------------------------------------------------------- helpers

# finish PID: waits for a program started by start_bg; sets $status to its
# exit status (run would wait in a subshell, which cannot).
finish() {
    status=0
    output=
    wait_bg "$1" || status=$?
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

# ipc_perms KIND ID: the permission bits of an object, in octal, as ipcs shows them.
ipc_perms() {
    local file
    case $1 in
        m) file=/proc/sysvipc/shm ;;
        q) file=/proc/sysvipc/msg ;;
    esac
    awk -v id="$2" 'NR > 1 && $2 == id { print $3 }' "$file"
}

# assert_data_lines TEXT: TEXT holds "shmaddr : ADDRESS, data : K" for
# K = 1 ... 100, in that order, and no other shmaddr line.
assert_data_lines() {
    local expected actual
    expected=$(seq 100 | sed 's/.*/shmaddr : ADDRESS, data : &/')
    actual=$(grep '^shmaddr : ' <<<"$1" | sed -E 's/^shmaddr : 0x[0-9a-f]+, /shmaddr : ADDRESS, /')
    assert_equal "$actual" "$expected"
}

# counter_beyond N: shm_show_counter now shows a value greater than N.
counter_beyond() {
    local value
    value=$(bounded shm_show_counter -n 1 2>/dev/null) && [ "$value" -gt "$1" ]
}

# Fewer repetitions under valgrind, where every program takes a second.
repeat() {
    if [ -n "${IPC_LABS_VALGRIND:-}" ]; then echo "$2"; else echo "$1"; fi
}

# ---------------------------------------------------------------- shm_hello

@test "05-shm: shm_hello's parent prints what the child wrote, Hello Parent!" {
    run --separate-stderr bounded shm_hello
    assert_success
    assert_output 'Hello Parent!'
    assert_equal "$stderr" ''
}

@test "05-shm: shm_hello with an argument prints usage and exits 2" {
    run --separate-stderr bounded shm_hello extra
    assert_failure 2
    assert_output ''
    [[ $stderr == usage:\ shm_hello* ]]
}

@test "05-shm: shm_hello run 10 times at once: each parent reads its own child's segment" {
    runs=$(repeat 10 3)
    for i in $(seq "$runs"); do
        bounded shm_hello > "hello.$i" 2>&1 3>&- &
    done
    wait
    for i in $(seq "$runs"); do
        assert_equal "$(cat "hello.$i")" 'Hello Parent!'
    done
}

# ---------------------------------------------------------------- counter

@test "05-shm: shm_show_counter with no counter running says so, exits 1 and creates nothing" {
    before=$(work_ipc_objects)
    run --separate-stderr bounded shm_show_counter -n 3 -i 10
    assert_failure 1
    assert_output ''
    [[ $stderr == *'no counter running'* ]]
    assert_equal "$(work_ipc_objects)" "$before"
    assert_equal "$before" ''
}

@test "05-shm: shm_counter's segment is 0600, and shm_show_counter prints one number a line" {
    start_bg counter shm_counter -i 10
    counter=$BG_PID
    wait_until has_segment
    read -r kind id rest < <(work_ipc_objects)
    assert_equal "$(ipc_perms m "$id")" 600

    run --separate-stderr bounded shm_show_counter -n 5 -i 10
    assert_success
    assert_equal "${#lines[@]}" 5
    previous=0
    for line in "${lines[@]}"; do
        assert_regex "$line" '^[0-9]+$'
        assert [ "$line" -ge "$previous" ]
        previous=$line
    done

    kill -INT "$(program_pid "$counter")"
    finish "$counter"
    assert_success
}

@test "05-shm: shm_show_counter sees the counter count up" {
    start_bg counter shm_counter -i 10
    counter=$BG_PID
    wait_until has_segment
    first=$(bounded shm_show_counter -n 1)
    assert_regex "$first" '^[0-9]+$'
    wait_until counter_beyond "$first"
    kill -TERM "$(program_pid "$counter")"
    finish "$counter"
    assert_success
}

@test "05-shm: shm_counter starts at 0, and shm_show_counter prints the value at each tick" {
    start_bg counter shm_counter -i 60000       # the value stays 0 for a minute
    counter=$BG_PID
    wait_until has_segment
    run --separate-stderr bounded shm_show_counter -n 3 -i 10
    assert_success
    assert_output $'0\n0\n0'
    kill -TERM "$(program_pid "$counter")"
    finish "$counter"
    assert_success
}

@test "05-shm: shm_counter -n 3 stops by itself, exits 0 and removes its segment" {
    run --separate-stderr bounded shm_counter -n 3 -i 10
    assert_success
    assert_output ''
    assert_equal "$stderr" ''
    assert_equal "$(work_ipc_objects)" ''
}

@test "05-shm: shm_counter stopped by SIGINT removes its segment and exits 0" {
    start_bg counter shm_counter -i 10
    counter=$BG_PID
    wait_until has_segment
    kill -INT "$(program_pid "$counter")"
    finish "$counter"
    assert_success
    assert_equal "$(work_ipc_objects)" ''
}

@test "05-shm: shm_counter stopped by SIGTERM removes its segment and exits 0" {
    start_bg counter shm_counter -i 10
    counter=$BG_PID
    wait_until has_segment
    kill -TERM "$(program_pid "$counter")"
    finish "$counter"
    assert_success
    assert_equal "$(work_ipc_objects)" ''
}

@test "05-shm: a second shm_counter in the same folder is refused; the first goes on" {
    start_bg counter shm_counter -i 10
    counter=$BG_PID
    wait_until has_segment
    segment=$(work_ipc_objects)
    run --separate-stderr bounded shm_counter -n 1 -i 10
    assert_failure 1
    [[ $stderr == shm_counter:* ]]
    assert_equal "$(work_ipc_objects)" "$segment"
    run --separate-stderr bounded shm_show_counter -n 1
    assert_success
    kill -TERM "$(program_pid "$counter")"
    finish "$counter"
    assert_success
}

# counter_and_show: starts shm_counter and, once its segment exists,
# shm_show_counter, both ticking every 10 ms; returns once the value shows.
# Sets counter and show, their start_bg PIDs.
counter_and_show() {
    start_bg counter shm_counter -i 10
    counter=$BG_PID
    wait_until has_segment
    start_bg show shm_show_counter -i 10
    show=$BG_PID
    wait_until [ -s "$BATS_TEST_TMPDIR/show.out" ]
}

@test "05-shm: shm_show_counter stops when the counter stops, and says so" {
    counter_and_show
    kill -INT "$(program_pid "$counter")"
    finish "$counter"
    assert_success
    finish "$show"
    assert_success
    [[ $(bg_err show) == *'counter stopped'* ]]
    assert_equal "$(work_ipc_objects)" ''
}

@test "05-shm: shm_show_counter notices a counter killed by SIGKILL, removes its segment, exits 1" {
    counter_and_show
    kill -KILL "$(program_pid "$counter")"
    finish "$counter"
    assert_failure 137                  # timeout reports its child's death by SIGKILL
    finish "$show"
    assert_failure 1
    [[ $(bg_err show) == shm_show_counter:*counter* ]]
    assert_equal "$(work_ipc_objects)" ''
}

@test "05-shm: shm_show_counter stopped by SIGINT or SIGTERM exits 0 and leaves the counter running" {
    start_bg counter shm_counter -i 10
    counter=$BG_PID
    wait_until has_segment
    for signal in INT TERM; do
        start_bg show shm_show_counter -i 10
        show=$BG_PID
        wait_until [ -s "$BATS_TEST_TMPDIR/show.out" ]
        kill -$signal "$(program_pid "$show")"
        finish "$show"
        assert_success
        has_segment
    done
    kill -TERM "$(program_pid "$counter")"
    finish "$counter"
    assert_success
}

@test "05-shm: shm_counter and shm_show_counter reject a bad -n or -i with usage, exit 2" {
    bad=('-n 0' '-n -1' '-n abc' '-i 0' '-i -10' '-i x' 'extra')
    [ -n "${IPC_LABS_VALGRIND:-}" ] ||
        bad+=('-n 3x' '-n +3' '-n 99999999999999999999' '-i 1.5' '-n' '-i' '-x')
    for program in shm_counter shm_show_counter; do
        for args in "${bad[@]}"; do
            run --separate-stderr bounded $program $args
            assert_failure 2
            assert_output ''
            [[ $stderr == *"usage: $program "* ]] || fail "$program $args: $stderr"
        done
        run --separate-stderr bounded $program -n ''
        assert_failure 2
    done
    assert_equal "$(work_ipc_objects)" ''
}

# ---------------------------------------------------------------- writer/reader

@test "05-shm: shm_writer first, then shm_reader: all 100 numbers arrive" {
    start_bg writer shm_writer
    writer_bg=$BG_PID
    wait_until has_queue
    wait_blocked "$writer_bg"
    writer=$(program_pid "$writer_bg")

    run --separate-stderr bounded shm_reader
    assert_success
    assert_line "Process1 pid : $writer"
    assert_line 'Process1 : Finish to write the Memory'
    assert_data_lines "$output"

    finish "$writer_bg"
    assert_success
    out=$(bg_out writer)
    [[ $out == *"My pid = $writer"* ]]
    assert_regex "$out" $'\nProcess2 pid : [0-9]+\n'
    assert_data_lines "$out"
    assert_equal "$(work_ipc_objects)" ''
}

@test "05-shm: shm_reader first, then shm_writer: all 100 numbers arrive" {
    start_bg reader shm_reader
    reader_bg=$BG_PID
    wait_until has_queue
    wait_blocked "$reader_bg"
    reader=$(program_pid "$reader_bg")

    run --separate-stderr bounded shm_writer
    assert_success
    assert_line --regexp '^My pid = [0-9]+$'
    assert_line "Process2 pid : $reader"
    writer=$(sed -n 's/^My pid = //p' <<<"$output")

    finish "$reader_bg"
    assert_success
    out=$(bg_out reader)
    [[ $out == *"Process1 pid : $writer"* ]]
    [[ $out == *'Process1 : Finish to write the Memory'* ]]
    assert_data_lines "$out"
    assert_equal "$(work_ipc_objects)" ''
}

@test "05-shm: shm_writer and shm_reader started together, 10 times in a row, never hang" {
    expected=$(seq 100 | sed 's/^/data : /')
    runs=$(repeat 10 3)
    for i in $(seq "$runs"); do
        if [ $((i % 2)) = 0 ]; then
            bounded shm_writer > writer.out 2>&1 3>&- & first=$!
            bounded shm_reader > reader.out 2>&1 || fail "run $i: reader: $(cat reader.out)"
        else
            bounded shm_reader > reader.out 2>&1 3>&- & first=$!
            bounded shm_writer > writer.out 2>&1 || fail "run $i: writer: $(cat writer.out)"
        fi
        wait "$first" || fail "run $i: $(cat writer.out reader.out)"
        assert_equal "$(sed -n 's/^shmaddr : 0x[0-9a-f]*, //p' reader.out)" "$expected"
    done
    assert_equal "$(work_ipc_objects)" ''
}

@test "05-shm: shm_writer's message queue is 0600, and a lone writer stopped by SIGINT removes it" {
    start_bg writer shm_writer
    writer=$BG_PID
    wait_until has_queue
    wait_blocked "$writer"
    read -r kind id rest < <(work_ipc_objects)
    assert_equal "$kind" q
    assert_equal "$(ipc_perms q "$id")" 600
    kill -INT "$(program_pid "$writer")"
    finish "$writer"
    assert_failure 1
    assert_equal "$(work_ipc_objects)" ''
}

@test "05-shm: a lone shm_writer or shm_reader stopped by SIGTERM removes the queue" {
    for program in shm_writer shm_reader; do
        start_bg lone $program
        lone=$BG_PID
        wait_until has_queue
        wait_blocked "$lone"
        kill -TERM "$(program_pid "$lone")"
        finish "$lone"
        assert_failure 1
        assert_equal "$(work_ipc_objects)" ''
    done
}

@test "05-shm: a writer and a reader in two folders do not meet" {
    mkdir other
    start_bg writer shm_writer
    writer=$BG_PID
    wait_until has_queue
    wait_blocked "$writer"
    start_bg other_reader bash -c 'cd other && exec shm_reader'
    other_reader=$BG_PID
    wait_until has_objects_in "$WORK/other"
    wait_blocked "$other_reader"

    run --separate-stderr bounded shm_reader     # the writer's partner is here
    assert_success
    assert_data_lines "$output"
    finish "$writer"
    assert_success

    kill -0 "$(program_pid "$other_reader")"    # still waiting for a writer of its own
    kill -TERM "$(program_pid "$other_reader")"
    finish "$other_reader"
    assert_failure 1
    assert_equal "$(objects_in "$WORK/other")" ''
}

# partner_killed FIRST SECOND VICTIM: FIRST (shm_writer or shm_reader) starts,
# makes the queue, waits, and is stopped; SECOND starts and waits for it. Then
# VICTIM (first or second) is killed with SIGKILL: the other one, let go on,
# must exit 1 with a message and remove everything.
partner_killed() {
    local first=$1 second=$2 first_bg first_pid second_bg victim_bg survivor survivor_bg
    start_bg "$first" "$first"
    first_bg=$BG_PID
    wait_until has_queue
    wait_blocked "$first_bg"
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
    assert_failure 137
    kill -CONT "$first_pid" 2>/dev/null || true
    finish "$survivor_bg"
    assert_failure 1
    [[ $(bg_err "$survivor") == "$survivor":* ]] || fail "$survivor said: $(bg_err "$survivor")"
    assert_equal "$(work_ipc_objects)" ''
}

@test "05-shm: the reader killed while the writer waits for it: the writer exits 1 and removes all" {
    partner_killed shm_reader shm_writer first
}

@test "05-shm: the reader killed mid-exchange: the writer, going on, exits 1 and removes all" {
    partner_killed shm_writer shm_reader second    # the reader has the writer's PID, and waits
}

@test "05-shm: the writer killed while the reader waits for it: the reader exits 1 and removes all" {
    partner_killed shm_writer shm_reader first
}

@test "05-shm: the writer killed mid-exchange: the reader, going on, exits 1 and removes all" {
    partner_killed shm_reader shm_writer second    # the writer has posted its PID, and waits
}

@test "05-shm: shm_writer and shm_reader with an argument print usage and exit 2" {
    for program in shm_writer shm_reader; do
        run --separate-stderr bounded $program extra
        assert_failure 2
        assert_output ''
        [[ $stderr == "usage: $program"* ]] || fail "$program: $stderr"
    done
    assert_equal "$(work_ipc_objects)" ''
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "05-shm: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
