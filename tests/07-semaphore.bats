#!/usr/bin/env bats
# 07-semaphore: sem_counter, and the sem_producer/sem_consumer bounded
# buffer, as CONTRACT.md describes them. The pair is a black box: the tests
# run it and look at what arrives, what it prints, its exit statuses and
# ipcs, never inside its segment, so any slot protocol the contract allows
# passes.

load test_helper

setup()    { lab_setup 07-semaphore; SQUATTED=(); }
teardown() {
    cd "$WORK" 2>/dev/null || true
    # What a test that failed half way leaves: workers of a killed
    # sem_counter still running, a small disk still mounted.
    [ -z "${STRAY_WORKERS:-}" ] || kill -KILL $STRAY_WORKERS 2>/dev/null || true
    [ -z "${MOUNTED:-}" ] || umount "$MOUNTED" 2>/dev/null || true
    # The objects a test made as another user, which it removes itself.
    local object
    for object in "${SQUATTED[@]}"; do
        ipcrm -$object 2>/dev/null || true
    done
    lab_teardown
}

MIB=1048576

# ---------------------------------------------------------------- helpers

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

# ended NAME PID: waits for the background program NAME (started by start_bg
# as PID) and sets status, stderr and output (its stdout, unless it is data
# too long to show) to what it did, so that broke shows them. A program
# stopped at its time limit fails the test here.
ended() {
    status=0
    wait_bg "$2" || status=$?
    stderr=$(bg_err "$1")
    if [ "$(stat -c %s "$BATS_TEST_TMPDIR/$1.out")" -le 4096 ]; then
        output=$(bg_out "$1")
    else
        output="($(stat -c %s "$BATS_TEST_TMPDIR/$1.out") bytes on stdout, not shown)"
    fi
    [ "$status" -ne 124 ] && [ "$status" -ne 137 ] ||
        broke "rules, 12 (time limits): $1 was still running at its time limit (it hung)"
}

# says_count SIDE N: the stderr of the last program (run or ended) holds N,
# the number of bytes SIDE sent or received, as a number of its own.
says_count() {
    says_number "$2" "$stderr" ||
        broke "07-semaphore, output: on success the $1 prints a line on stderr with the number of bytes, $2"
}

# no_stdout SIDE: the last program printed nothing on stdout.
no_stdout() {
    [ -z "$output" ] ||
        broke "07-semaphore, output: the $1 prints nothing on stdout here (its count goes to stderr)"
}

# same_file IN OUT RULE: OUT holds exactly the bytes of IN.
same_file() {
    [ -f "$2" ] || broke "$3 ($2 was not written)"
    cmp -s "$1" "$2" ||
        broke "$3 ($(stat -c %s "$1") bytes sent, $2 has $(stat -c %s "$2"), first difference: $(cmp "$1" "$2" 2>&1 | head -n 1))"
}

# no_objects_left RULE: no IPC object with an ftok key of the test's folder.
no_objects_left() {
    local left
    left=$(work_ipc_objects)
    [ -z "$left" ] || broke "$1 (left, kind id key uid: $left)"
}

# ipc_mode KIND ID: the permission bits of an object in octal, as ipcs shows them.
ipc_mode() {
    local file
    case $1 in
        m) file=/proc/sysvipc/shm ;;
        s) file=/proc/sysvipc/sem ;;
        q) file=/proc/sysvipc/msg ;;
    esac
    awk -v id="$2" 'NR > 1 && $2 == id { print $3 }' "$file"
}

# big_input: in.bin, 20 MiB of random bytes: more than the buffer may hold
# (at most 8 MiB), so a producer alone, or a stalled transfer, waits.
big_input() {
    head -c $((20 * MIB)) /dev/urandom > in.bin
}

# waits SIDE PID WHY: the program started as PID (the SIDE) is asleep,
# waiting, as the contract says it must be here; WHY says why it waits.
waits() {
    wait_blocked "$2" ||
        broke "07-semaphore, exchange: the $1 keeps running, asleep in a system call, while it waits $3"
}

# enter_folder NAME: makes $WORK/NAME and moves into it, for one of several
# runs in one test: a folder of its own has ftok keys of its own, so what one
# run leaves behind cannot make the next one fail. leave_folder: back to
# $WORK; it removes what the run left with that folder's keys and records it
# for the lab's last test, as lab_teardown does for $WORK (test_helper.bash).
enter_folder() {
    mkdir "$WORK/$1"
    cd "$WORK/$1"
}

leave_folder() {
    local left folder=$PWD
    left=$(objects_in "$folder")
    cd "$WORK"
    if [ -n "$left" ]; then
        remove_ipc_objects <<<"$left"
        printf '%s\n%s\n' "- $BATS_TEST_DESCRIPTION (in ${folder#"$WORK"/})" \
            "IPC objects left behind (kind id key uid):"$'\n'"$left" >>"$LEFTOVERS"
    fi
}

# -------------------------------------------------------------- sem_counter

@test "07-semaphore: with the lock, got equals expected for several PROCS x ITERS" {
    # contract: 07-semaphore, sem_counter
    big=20000
    [ -z "${IPC_LABS_VALGRIND:-}" ] || big=2000     # under valgrind every semop is slow
    for case in "1 1" "2 5000" "4 $big" "8 2000"; do
        set -- $case
        run --separate-stderr bounded sem_counter -p "$1" -n "$2"
        expect_status 0 "07-semaphore, sem_counter: sem_counter -p $1 -n $2, with the lock, exits 0"
        [ "$output" = "expected $(($1 * $2)), got $(($1 * $2))" ] ||
            broke "07-semaphore, sem_counter: with the lock, sem_counter -p $1 -n $2 prints exactly the line 'expected $(($1 * $2)), got $(($1 * $2))'"
    done
}

@test "07-semaphore: --no-lock prints the same line, never more than expected, and exits 0" {
    # contract: 07-semaphore, sem_counter
    # Whether updates are lost on a given run is luck; the line's form is not.
    run --separate-stderr bounded sem_counter --no-lock -p 4 -n 200000
    expect_status 0 "07-semaphore, sem_counter: --no-lock exits 0 too: lost updates are the lesson, not an error"
    [[ $output =~ ^expected\ 800000,\ got\ ([0-9]+)$ ]] ||
        broke "07-semaphore, sem_counter: sem_counter --no-lock -p 4 -n 200000 prints one line 'expected 800000, got G'"
    [ "${BASH_REMATCH[1]}" -le 800000 ] ||
        broke "07-semaphore, sem_counter: G is never more than E (an update can be lost, never invented)"
}

@test "07-semaphore: sem_counter defaults to 4 processes x 100000 iterations" {
    # contract: 07-semaphore, programs
    run --separate-stderr bounded sem_counter --no-lock
    expect_status 0 "07-semaphore, sem_counter: sem_counter --no-lock exits 0"
    [[ $output =~ ^expected\ 400000,\ got\ [0-9]+$ ]] ||
        broke "07-semaphore, programs: PROCS defaults to 4 and ITERS to 100000, so the line is 'expected 400000, got G'"
}

@test "07-semaphore: sem_counter reports a full stdout (/dev/full): a message, exit 1, its set removed" {
    # contract: rules, 10 (output); rules, 6 (cleanup)
    checks_cleanup
    run --separate-stderr bounded sem_counter -p 2 -n 1000
    expect_status 0 "07-semaphore, sem_counter: sem_counter exits 0 when every worker finished"
    run --separate-stderr full_stdout sem_counter -p 2 -n 1000
    expect_write_error sem_counter
    no_objects_left "rules, 6 (cleanup): sem_counter that fails removes its semaphore set"
}

@test "07-semaphore: sem_counter takes its options in any order" {
    # contract: 07-semaphore, sem_counter
    run --separate-stderr bounded sem_counter -n 300 --no-lock -p 3
    expect_status 0 "07-semaphore, sem_counter: options come in any order (-n 300 --no-lock -p 3)"
    [[ $output =~ ^expected\ 900,\ got\ [0-9]+$ ]] ||
        broke "07-semaphore, sem_counter: sem_counter -n 300 --no-lock -p 3 prints 'expected 900, got G'"
    run --separate-stderr bounded sem_counter -n 300 -p 3
    expect_status 0 "07-semaphore, sem_counter: options come in any order (-n 300 -p 3)"
    [ "$output" = 'expected 900, got 900' ] ||
        broke "07-semaphore, sem_counter: sem_counter -n 300 -p 3 prints 'expected 900, got 900'"
}

@test "07-semaphore: a worker killed while it holds the lock does not block the others (SEM_UNDO)" {
    # contract: 07-semaphore, sem_counter
    iters=100000
    [ -z "${IPC_LABS_VALGRIND:-}" ] || iters=20000
    # Stop one worker; if every other process of the run then sleeps, the
    # stopped one holds the lock. Kill it there: without SEM_UNDO the lock
    # would never come back and the run would hang.
    for run_number in 1 2 3; do
        start_bg counter sem_counter -p 2 -n "$iters"
        counter=$BG_PID
        pid=$(program_pid "$counter") &&
            wait_until -p '' eval 'has_children "$pid" || has_ended "$counter"' || true
        if [ -z "$pid" ] || ! has_children "$pid"; then
            has_ended "$counter" ||
                broke "07-semaphore, sem_counter: the workers are child processes of sem_counter (fork)"
            # Done before a worker could be seen (a busy machine): a longer run.
            ended counter "$counter"
            iters=$((iters * 10))
            continue
        fi
        for attempt in $(seq 100); do
            # One worker, and the others: its siblings and their parent
            # (which may be a worker too, in some designs).
            kids=()
            { read -ra kids < "/proc/$pid/task/$pid/children"; } 2>/dev/null || true
            [ ${#kids[@]} -gt 0 ] || break                      # the run is ending
            worker=${kids[0]}
            kill -STOP "$worker" 2>/dev/null || break
            # (A worker that has just finished ends instead of stopping.)
            wait_until -p '' eval 'stopped "$worker" || gone "$worker"' && stopped "$worker" || break
            if asleep "$pid" "${kids[@]:1}"; then
                kill -KILL "$worker"
                ended counter "$counter"
                [[ $output =~ ^expected\ $((2 * iters)),\ got\ ([0-9]+)$ ]] ||
                    broke "07-semaphore, sem_counter: a run in which a worker died still prints 'expected $((2 * iters)), got G'"
                got=${BASH_REMATCH[1]}
                [ "$got" -le $((2 * iters)) ] ||
                    broke "07-semaphore, sem_counter: G is never more than E ($got)"
                # The survivor did all its ITERS: the lock came back to it.
                [ "$got" -ge "$iters" ] ||
                    broke "07-semaphore, sem_counter: the workers that were not killed finish all their additions (got $got, less than $iters)"
                expect_status 1 "07-semaphore, sem_counter: a run in which a worker did not finish exits 1"
                [ -n "$stderr" ] ||
                    broke "07-semaphore, sem_counter: a run in which a worker did not finish says so on stderr"
                return 0
            fi
            kill -CONT "$worker" 2>/dev/null || true
        done
        ended counter "$counter"    # the workers finished before one was caught: again
    done
    broke "07-semaphore, sem_counter: never caught a worker holding the lock: the workers must be children of sem_counter, which sleeps while they work, and a worker waiting for the lock sleeps in semop()"
}

# stop_counter SIGNAL: sem_counter, with 4 workers busy for a long time, is
# sent SIGNAL: it must end with 128 + the signal's number, its workers too.
stop_counter() {
    start_bg counter sem_counter -p 4 -n 1000000000
    pid=$(program_pid "$BG_PID")
    wait_until has_children "$pid" ||
        broke "07-semaphore, sem_counter: the workers are child processes of sem_counter (fork)"
    workers=$(children "$pid")
    kill -"$1" "$pid"
    ended counter "$BG_PID"
    expect_status $((128 + $(kill -l "$1"))) "rules, 8 (signals): sem_counter stopped by SIG$1 ends with status 128+N"
    for worker in $workers; do
        wait_until -p '' gone "$worker" ||
            broke "07-semaphore, cleanup and signals: sem_counter stopped by SIG$1 stops its workers (worker $worker still runs)"
    done
}

@test "07-semaphore: SIGTERM stops sem_counter and its workers, removing its objects" {
    # contract: 07-semaphore, cleanup and signals; rules, 8 (signals)
    checks_cleanup
    stop_counter TERM
}

@test "07-semaphore: SIGINT stops sem_counter and its workers, removing its objects" {
    # contract: 07-semaphore, cleanup and signals; rules, 8 (signals)
    checks_cleanup
    stop_counter INT
}

@test "07-semaphore: sem_counter refuses a PROCS or ITERS that is not a number in range" {
    # contract: 07-semaphore, sem_counter; rules, 4 (numbers)
    for args in '-p 0' '-p -1' '-p +3' '-p abc' '-p 3x' '-p 0x10' '-p 1001' '-p 1000000' \
                '-p 99999999999999999999' '-n 0' '-n -5' '-n ten' '-n 1e5' '-n 1000000001' \
                '-n 99999999999999999999'; do
        run --separate-stderr bounded sem_counter $args
        expect_usage sem_counter
    done
    for value in '' ' 5' '5 '; do
        run --separate-stderr bounded sem_counter -p "$value"
        expect_usage sem_counter
    done
}

@test "07-semaphore: sem_counter refuses unknown options, a missing value and operands" {
    # contract: 07-semaphore, sem_counter; rules, 3 (errors)
    for args in '-p' '-n' '-x' '--lock' '--no-lock=yes' '4' '-p 2 4'; do
        run --separate-stderr bounded sem_counter $args
        expect_usage sem_counter
    done
}

# ------------------------------------------------------ sem_producer/consumer

@test "07-semaphore: consumer first, then producer: the file arrives byte for byte, both say 300000" {
    # contract: 07-semaphore, exchange; 07-semaphore, output
    head -c 300000 /dev/urandom > in.bin
    start_bg consumer sem_consumer out.bin
    consumer=$BG_PID
    waits consumer "$consumer" "for a producer"
    run --separate-stderr bounded sem_producer in.bin
    expect_status 0 "07-semaphore, exit statuses: the producer exits 0 when the consumer has written everything"
    no_stdout producer
    says_count producer 300000
    ended consumer "$consumer"
    expect_status 0 "07-semaphore, exit statuses: the consumer exits 0 once all of the data is written"
    no_stdout consumer
    says_count consumer 300000
    same_file in.bin out.bin "07-semaphore, exchange: any bytes arrive in OUTFILE exactly as sent"
}

@test "07-semaphore: producer first, then consumer: 20 MiB of random bytes, stdin to stdout" {
    # contract: 07-semaphore, exchange; 07-semaphore, output
    big_input
    start_bg producer bash -c 'exec sem_producer < in.bin'   # & alone would give it /dev/null
    producer=$BG_PID
    waits producer "$producer" "for a consumer (20 MiB never fit in the buffer)"
    start_bg consumer sem_consumer
    ended consumer "$BG_PID"
    expect_status 0 "07-semaphore, exit statuses: the consumer exits 0 once all of the data is written"
    says_count consumer $((20 * MIB))
    same_file in.bin "$BATS_TEST_TMPDIR/consumer.out" \
        "07-semaphore, output: without OUTFILE the consumer writes the data, and nothing else, on stdout"
    ended producer "$producer"
    expect_status 0 "07-semaphore, exit statuses: the producer exits 0 when the consumer has written everything"
    says_count producer $((20 * MIB))
}

@test "07-semaphore: files of many sizes arrive exactly, NUL bytes and all" {
    # contract: 07-semaphore, exchange
    sizes="1 4095 65536 262145 1000001 3000000"
    [ -z "${IPC_LABS_VALGRIND:-}" ] || sizes="1 262145 3000000"
    for size in $sizes; do
        enter_folder "size-$size"
        head -c "$size" /dev/urandom > in.bin
        start_bg consumer sem_consumer out.bin
        consumer=$BG_PID
        run --separate-stderr bounded sem_producer in.bin
        expect_status 0 "07-semaphore, exchange: the producer sends $size bytes and exits 0"
        ended consumer "$consumer"
        expect_status 0 "07-semaphore, exchange: the consumer receives $size bytes and exits 0"
        same_file in.bin out.bin "07-semaphore, exchange: any bytes of any length arrive exactly as sent ($size bytes)"
        leave_folder
    done
}

@test "07-semaphore: producer and consumer started at the same moment meet every time" {
    # contract: 07-semaphore, exchange
    # Both try to create the objects; the loser must wait for the winner
    # to initialise them (the race the README explains).
    runs=20
    [ -z "${IPC_LABS_VALGRIND:-}" ] || runs=3
    seq 10000 > in.txt
    for i in $(seq $runs); do
        enter_folder "run-$i"
        start_bg producer sem_producer ../in.txt
        producer=$BG_PID
        run --separate-stderr bounded sem_consumer out.txt
        expect_status 0 "07-semaphore, exchange: started at the same moment as the producer, the consumer meets it and exits 0 (run $i)"
        ended producer "$producer"
        expect_status 0 "07-semaphore, exchange: started at the same moment as the consumer, the producer meets it and exits 0 (run $i)"
        same_file ../in.txt out.txt "07-semaphore, exchange: started at the same moment, the pair copies the file exactly (run $i)"
        leave_folder
    done
}

@test "07-semaphore: empty input arrives as an empty file, 0 bytes each way" {
    # contract: 07-semaphore, exchange; 07-semaphore, output
    start_bg consumer sem_consumer out.bin
    consumer=$BG_PID
    waits consumer "$consumer" "for a producer"
    run --separate-stderr bounded sem_producer < /dev/null
    expect_status 0 "07-semaphore, exchange: an empty input is a transfer of 0 bytes: the producer exits 0"
    says_count producer 0
    ended consumer "$consumer"
    expect_status 0 "07-semaphore, exchange: an empty input is a transfer of 0 bytes: the consumer exits 0"
    says_count consumer 0
    [ -f out.bin ] && [ ! -s out.bin ] ||
        broke "07-semaphore, exchange: an empty FILE gives an empty OUTFILE"
}

@test "07-semaphore: an existing OUTFILE is truncated, not appended to" {
    # contract: 07-semaphore, outfile; rules, 11 (destinations)
    head -c 100000 /dev/urandom > old.bin
    cp old.bin out.bin
    head -c 5000 /dev/urandom > in.bin
    start_bg consumer sem_consumer out.bin
    consumer=$BG_PID
    run --separate-stderr bounded sem_producer in.bin
    expect_status 0 "07-semaphore, exchange: the producer exits 0"
    ended consumer "$consumer"
    expect_status 0 "07-semaphore, exchange: the consumer exits 0"
    same_file in.bin out.bin "07-semaphore, outfile: OUTFILE is created or truncated, never appended to"
}

@test "07-semaphore: after transfers in either order, no semaphore set or segment is left" {
    # contract: 07-semaphore, exchange (objects at the end); rules, 6 (cleanup)
    checks_cleanup
    seq 2000 > in.txt
    start_bg consumer sem_consumer out.txt
    waits consumer "$BG_PID" "for a producer"
    run --separate-stderr bounded sem_producer in.txt
    ended consumer "$BG_PID"
    expect_status 0 "07-semaphore, exchange: consumer first: the consumer exits 0"
    no_objects_left "07-semaphore, exchange: after both have ended, neither the semaphore set nor the segment exists (consumer first)"
    start_bg producer sem_producer in.txt
    waits producer "$BG_PID" "for the consumer's word"
    run --separate-stderr bounded sem_consumer out.txt
    expect_status 0 "07-semaphore, exchange: producer first: the consumer exits 0"
    ended producer "$BG_PID"
    expect_status 0 "07-semaphore, exchange: producer first: the producer exits 0"
    no_objects_left "07-semaphore, exchange: after both have ended, neither the semaphore set nor the segment exists (producer first)"
}

@test "07-semaphore: the pair meets through a semaphore set and a segment with ftok keys, both mode 0600" {
    # contract: 07-semaphore, exchange; rules, 5 (keys); rules, 7 (permissions)
    big_input
    start_bg producer sem_producer in.bin
    waits producer "$BG_PID" "for a consumer"
    objects=$(work_ipc_objects)
    grep -q '^s ' <<<"$objects" && grep -q '^m ' <<<"$objects" ||
        broke "07-semaphore, exchange: whoever comes first creates a semaphore set and a shared memory segment with keys from ftok(\".\", PROJ_ID) of its working folder (found: ${objects:-nothing})"
    while read -r kind id rest; do
        mode=$(ipc_mode "$kind" "$id")
        [ "$mode" = 600 ] ||
            broke "rules, 7 (permissions): IPC objects are created with mode 0600 (object $kind $id has $mode)"
    done <<<"$objects"
}

@test "07-semaphore: a producer whose data all fit in the buffer waits for the consumer's word" {
    # contract: 07-semaphore, exchange (the end, and when each may exit)
    seq 100 > in.txt
    start_bg producer sem_producer in.txt
    producer=$BG_PID
    waits producer "$producer" "for the consumer's word: sending the last byte is not enough to exit"
    run --separate-stderr bounded sem_consumer out.txt
    expect_status 0 "07-semaphore, exchange: the consumer exits 0"
    ended producer "$producer"
    expect_status 0 "07-semaphore, exchange: the producer exits 0 after the consumer's word"
    says_count producer 292
    same_file in.txt out.txt "07-semaphore, exchange: the file arrives exactly"
}

@test "07-semaphore: a consumer that cannot write fails naming OUTFILE, and the producer exits 1" {
    # contract: 07-semaphore, partners that fail or die
    checks_cleanup
    big_input
    start_bg producer sem_producer in.bin
    producer=$BG_PID
    waits producer "$producer" "for a consumer"
    run --separate-stderr bounded sem_consumer /dev/full
    expect_error /dev/full "07-semaphore, partners that fail or die: a consumer that cannot write exits 1 with a message that names OUTFILE"
    ended producer "$producer"
    expect_status 1 "07-semaphore, partners that fail or die: when the consumer cannot write, the producer exits 1"
    no_objects_left "07-semaphore, partners that fail or die: when the consumer fails, both objects are removed"
}

@test "07-semaphore: a producer whose data all fit in the buffer still learns that the consumer failed" {
    # contract: 07-semaphore, partners that fail or die; 07-semaphore, exchange
    checks_cleanup
    seq 100 > in.txt
    start_bg producer sem_producer in.txt
    producer=$BG_PID
    waits producer "$producer" "for the consumer's word: sending the last byte is not enough to exit"
    run --separate-stderr bounded sem_consumer /dev/full
    expect_error /dev/full "07-semaphore, partners that fail or die: a consumer that cannot write exits 1 with a message that names OUTFILE"
    ended producer "$producer"
    expect_status 1 "07-semaphore, partners that fail or die: the producer exits 1 when the consumer could not write, even when all of its data had fitted in the buffer"
    no_objects_left "07-semaphore, partners that fail or die: when the consumer fails, both objects are removed"
}

# stalled_transfer FIRST SECOND: 20 MiB on their way from sem_producer to
# sem_consumer, stalled. FIRST (producer or consumer) starts, joins and is
# stopped; SECOND starts and blocks: on a full buffer (the producer) or on an
# empty one (the consumer, once it has taken what there was). Sets FIRST and
# SECOND (start_bg PIDs) and FIRST_PID (FIRST's program, stopped).
stalled_transfer() {
    big_input
    start_side "$1"
    FIRST=$BG_PID
    waits "$1" "$FIRST" "for its partner"
    FIRST_PID=$(program_pid "$FIRST")
    kill -STOP "$FIRST_PID"
    start_side "$2"
    SECOND=$BG_PID
    waits "$2" "$SECOND" "for a stopped partner"
}

# start_side producer|consumer: starts that side on in.bin or out.bin.
start_side() {
    case $1 in
        producer) start_bg producer sem_producer in.bin ;;
        consumer) start_bg consumer sem_consumer out.bin ;;
    esac
}

@test "07-semaphore: a consumer killed mid-transfer: the producer notices, removes the objects, exits 1" {
    # contract: 07-semaphore, partners that fail or die
    checks_cleanup
    stalled_transfer consumer producer
    kill -KILL "$FIRST_PID"
    ended producer "$SECOND"
    expect_status 1 "07-semaphore, partners that fail or die: when the consumer is killed, the producer notices and exits 1"
    no_objects_left "07-semaphore, partners that fail or die: when the consumer is killed, the producer removes both objects"
}

@test "07-semaphore: a producer killed mid-transfer: the consumer notices, removes the objects, exits 1" {
    # contract: 07-semaphore, partners that fail or die; 07-semaphore, outfile
    checks_cleanup
    stalled_transfer producer consumer
    kill -KILL "$FIRST_PID"
    ended consumer "$SECOND"
    expect_status 1 "07-semaphore, partners that fail or die: when the producer is killed, the consumer notices and exits 1 (never 0)"
    no_objects_left "07-semaphore, partners that fail or die: when the producer is killed, the consumer removes both objects"
    [ "$(ls -A)" = in.bin ] ||
        broke "07-semaphore, outfile: after a failure there is no OUTFILE that was not there before, and no temporary file (found: $(ls -A | tr '\n' ' '))"
}

# signal_alone SIDE SIGNAL: SIDE (producer or consumer), waiting for its
# partner, is stopped by SIGNAL: it must end with 128 + the signal's number
# and remove its objects.
signal_alone() {
    big_input     # more than the buffer holds
    start_side "$1"
    waits "$1" "$BG_PID" "for its partner"
    kill -"$2" "$(program_pid "$BG_PID")"
    ended "$1" "$BG_PID"
    expect_status $((128 + $(kill -l "$2"))) "rules, 8 (signals): a $1 stopped by SIG$2 while it waits alone ends with status 128+N"
    no_objects_left "07-semaphore, partners that fail or die: a $1 stopped by SIG$2 removes both objects"
}

@test "07-semaphore: SIGTERM on a consumer waiting alone: status 143, objects removed" {
    # contract: 07-semaphore, partners that fail or die; rules, 8 (signals)
    checks_cleanup
    signal_alone consumer TERM
}

@test "07-semaphore: SIGINT on a producer waiting alone: status 130, objects removed" {
    # contract: 07-semaphore, partners that fail or die; rules, 8 (signals)
    checks_cleanup
    signal_alone producer INT
}

# signal_second SIGNAL: SIGNAL stops SECOND of a stalled transfer; then FIRST,
# let go on, must exit 1, and nothing may be left.
signal_second() {
    local first=$1 second=$2
    kill -"$3" "$(program_pid "$SECOND")"
    ended "$second" "$SECOND"
    expect_status $((128 + $(kill -l "$3"))) "rules, 8 (signals): a $second stopped by SIG$3 during the transfer ends with status 128+N"
    kill -CONT "$FIRST_PID"
    ended "$first" "$FIRST"
    expect_status 1 "07-semaphore, partners that fail or die: when the $second was stopped by a signal, the $first exits 1"
    no_objects_left "07-semaphore, partners that fail or die: a side stopped by a signal removes both objects"
}

@test "07-semaphore: SIGTERM on the producer mid-transfer: it ends 143, the consumer exits 1, objects removed" {
    # contract: 07-semaphore, partners that fail or die; rules, 8 (signals)
    checks_cleanup
    stalled_transfer consumer producer
    signal_second consumer producer TERM
}

@test "07-semaphore: SIGINT on the consumer mid-transfer: it ends 130, the producer exits 1, objects removed" {
    # contract: 07-semaphore, partners that fail or die; rules, 8 (signals)
    checks_cleanup
    stalled_transfer producer consumer
    signal_second producer consumer INT
}

@test "07-semaphore: a producer whose objects are removed (ipcrm) exits 1" {
    # contract: 07-semaphore, partners that fail or die
    big_input
    start_bg producer sem_producer in.bin
    producer=$BG_PID
    waits producer "$producer" "for a consumer"
    work_ipc_objects | remove_ipc_objects
    ended producer "$producer"
    expect_status 1 "07-semaphore, partners that fail or die: a side whose objects are removed from under it (ipcrm) exits 1"
}

@test "07-semaphore: a missing FILE is refused with exit 1, naming it, before any object is made" {
    # contract: 07-semaphore, bad input
    checks_cleanup
    run --separate-stderr bounded sem_producer missing.txt
    expect_error missing.txt "07-semaphore, bad input: a FILE that cannot be opened: exit 1, a message that names it"
    no_stdout producer
    no_objects_left "07-semaphore, bad input: a FILE that cannot be opened is refused before any IPC object is made"
}

@test "07-semaphore: a directory as FILE is refused with exit 1, naming it" {
    # contract: 07-semaphore, bad input
    checks_cleanup
    mkdir adir
    run --separate-stderr bounded sem_producer adir
    expect_error adir "07-semaphore, bad input: a FILE that is a directory: exit 1, a message that names it"
    no_objects_left "07-semaphore, bad input: a FILE that is a directory is refused before any IPC object is made"
}

@test "07-semaphore: an OUTFILE in a missing folder is refused with exit 1, naming it" {
    # contract: 07-semaphore, bad input
    checks_cleanup
    run --separate-stderr bounded sem_consumer no/such/dir/out.bin
    expect_error no/such/dir/out.bin "07-semaphore, bad input: an OUTFILE that cannot be opened: exit 1, a message that names it"
    no_objects_left "07-semaphore, bad input: an OUTFILE that cannot be opened is refused before any IPC object is made"
}

@test "07-semaphore: a directory as OUTFILE is refused with exit 1, naming it" {
    # contract: 07-semaphore, bad input
    checks_cleanup
    mkdir adir
    run --separate-stderr bounded sem_consumer adir
    expect_error adir "07-semaphore, bad input: an OUTFILE that is a directory: exit 1, a message that names it"
    no_objects_left "07-semaphore, bad input: an OUTFILE that is a directory is refused before any IPC object is made"
}

@test "07-semaphore: sem_producer refuses two operands and options with usage and exit 2" {
    # contract: 07-semaphore, bad input; rules, 3 (errors)
    checks_cleanup
    touch a b
    for args in 'a b' '-x' '-x a'; do
        run --separate-stderr bounded sem_producer $args
        expect_usage sem_producer
    done
    no_objects_left "07-semaphore, bad input: wrong usage creates no IPC object"
}

@test "07-semaphore: sem_consumer refuses two operands and options with usage and exit 2" {
    # contract: 07-semaphore, bad input; rules, 3 (errors)
    checks_cleanup
    for args in 'a b' '-x' '-x a'; do
        run --separate-stderr bounded sem_consumer $args
        expect_usage sem_consumer
    done
    [ ! -e a ] && [ ! -e b ] && [ ! -e -x ] ||
        broke "07-semaphore, bad input: wrong usage writes no OUTFILE"
    no_objects_left "07-semaphore, bad input: wrong usage creates no IPC object"
}

# ------------------------------------------- hostile users, safe destinations

# sysvipc_line KIND ID: the object's line in /proc/sysvipc (owner, mode, times,
# last PIDs): equal before and after a run, the run has not touched it.
sysvipc_line() {
    local file
    case $1 in
        m) file=/proc/sysvipc/shm ;;
        s) file=/proc/sysvipc/sem ;;
    esac
    awk -v id="$2" 'NR > 1 && $2 == id' "$file"
}

# untouched KIND ID BEFORE WHO: the object is still there, as BEFORE showed it.
untouched() {
    [ "$(sysvipc_line "$1" "$2")" = "$3" ] ||
        broke "rules, 13 (objects another user made): $4 refuses another user's object touching nothing: no semop, no SETALL, no shmat, no IPC_RMID (before: $3; after: $(sysvipc_line "$1" "$2"))"
}

@test "07-semaphore: a semaphore set another user made at the pair's key is refused, untouched, naming its owner" {
    # contract: 07-semaphore, exchange; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    printf 'the password is swordfish\n' > secret.txt
    printf 'old copy\n' > out.txt
    cp out.txt "$BATS_TEST_TMPDIR/old.txt"
    # The attacker's trap: the set at the pair's key, open to all (0666),
    # never initialised; then one only its owner may read (0600).
    for mode in 0666 0600; do
        semid=$(squat s s "$mode" 5)
        SQUATTED+=("s $semid")
        before=$(sysvipc_line s "$semid")
        run --separate-stderr bounded sem_producer secret.txt
        expect_error "$OTHER_UID" "rules, 13 (objects another user made): a set of uid $OTHER_UID, mode $mode, is refused: exit 1, a message that names its owner"
        untouched s "$semid" "$before" sem_producer
        run --separate-stderr bounded sem_consumer out.txt
        expect_error "$OTHER_UID" "rules, 13 (objects another user made): a set of uid $OTHER_UID, mode $mode, is refused: exit 1, a message that names its owner"
        untouched s "$semid" "$before" sem_consumer
        cmp -s out.txt "$BATS_TEST_TMPDIR/old.txt" && [ "$(ls -A)" = "$(printf 'out.txt\nsecret.txt')" ] ||
            broke "rules, 13 (objects another user made): a refusal writes nothing: OUTFILE stays as it was, no other file (found: $(ls -A | tr '\n' ' '))"
        left=$(work_ipc_objects | grep -v "^s $semid " || true)
        ipcrm -s "$semid"; SQUATTED=()
        [ -z "$left" ] ||
            broke "rules, 13 (objects another user made): a refused pair makes no object of its own either (left: $left)"
    done
}

@test "07-semaphore: a set that the user may not even read is refused naming its owner (run as a second user)" {
    # contract: 07-semaphore, exchange; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    printf 'data\n' > in.txt
    # Root may read any object (CAP_IPC_OWNER); an ordinary user may not read
    # a 0600 set of someone else's: the program must still name its owner.
    third=$((OTHER_UID + 1))
    # squat as that third user (test_helper's squat acts as the second).
    [ -x "$BATS_FILE_TMPDIR/squat" ] || cc -std=c17 -o "$BATS_FILE_TMPDIR/squat" "$REPO/tests/squat.c"
    chmod 755 "$BATS_FILE_TMPDIR" "$BATS_FILE_TMPDIR/squat"
    semid=$(setpriv --reuid="$third" --regid="$third" --clear-groups -- "$BATS_FILE_TMPDIR/squat" s s 0600 5)
    SQUATTED+=("s $semid")
    before=$(sysvipc_line s "$semid")
    # The program itself, not a valgrind wrapper (whose logs that user may not write),
    # copied where that user can run it (the graders build into a private folder).
    cp "${IPC_LABS_BIN:-$REPO}/07-semaphore/sem_producer" "$BATS_FILE_TMPDIR/"
    run --separate-stderr as_other_user timeout -k 5 "$LAB_TIMEOUT" \
        "$BATS_FILE_TMPDIR/sem_producer" in.txt
    expect_error "$third" "rules, 13 (objects another user made): a set of uid $third that we may not read is refused: exit 1, a message that names its owner"
    untouched s "$semid" "$before" sem_producer
    ipcrm -s "$semid"; SQUATTED=()
}

@test "07-semaphore: a segment another user made at the pair's key is refused, naming its owner; the pair's set goes" {
    # contract: 07-semaphore, exchange; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    printf 'old copy\n' > out.txt
    cp out.txt "$BATS_TEST_TMPDIR/old.txt"
    shmid=$(squat m m 0666 $MIB)
    SQUATTED+=("m $shmid")
    before=$(sysvipc_line m "$shmid")
    run --separate-stderr bounded sem_consumer out.txt
    expect_error "$OTHER_UID" "rules, 13 (objects another user made): a segment of uid $OTHER_UID at the pair's key is refused: exit 1, a message that names its owner"
    untouched m "$shmid" "$before" sem_consumer
    cmp -s out.txt "$BATS_TEST_TMPDIR/old.txt" && [ "$(ls -A)" = out.txt ] ||
        broke "rules, 13 (objects another user made): a refusal writes nothing: OUTFILE stays as it was, no other file (found: $(ls -A | tr '\n' ' '))"
    left=$(work_ipc_objects | grep -v "^m $shmid " || true)
    ipcrm -m "$shmid"; SQUATTED=()
    [ -z "$left" ] ||
        broke "07-semaphore, exchange: a side that refuses removes what it made itself (left: $left)"
}

@test "07-semaphore: FILE and OUTFILE the same file (one name, a hard link, a symlink) are refused, the file untouched" {
    # contract: 07-semaphore, bad input; 07-semaphore, outfile
    checks_cleanup
    head -c 300000 /dev/urandom > "$BATS_TEST_TMPDIR/data.bin"
    # first side, its operand; second side, its operand; how the file is named
    for case in "consumer f producer f one-name" "producer f consumer g hard-link" \
                "consumer link producer f symlink-out" "producer link consumer f symlink-in"; do
        set -- $case
        enter_folder "$5"
        cp "$BATS_TEST_TMPDIR/data.bin" f
        case $5 in
            hard-link) ln f g ;;
            symlink-*) ln -s f link ;;
        esac
        files_before=$(ls -A)
        start_side_on "$1" "$2"
        first=$BG_PID
        waits "$1" "$first" "for its partner"
        run --separate-stderr bounded "sem_$3" "$4"
        [ "$status" -ne 0 ] ||
            broke "07-semaphore, bad input: sem_producer FILE and sem_consumer OUTFILE on the same file ($5) are refused: the $3 exits non-zero"
        ended "$1" "$first"
        [ "$status" -ne 0 ] ||
            broke "07-semaphore, bad input: sem_producer FILE and sem_consumer OUTFILE on the same file ($5) are refused: the $1 exits non-zero"
        cmp -s f "$BATS_TEST_TMPDIR/data.bin" ||
            broke "07-semaphore, bad input: the same file as FILE and OUTFILE ($5) is refused before anything is written: the file is as it was"
        [ "$(ls -A)" = "$files_before" ] && { [ "$5" != symlink-in ] && [ "$5" != symlink-out ] || [ -L link ]; } ||
            broke "07-semaphore, outfile: a refusal leaves no temporary file and replaces no link (before: $files_before; after: $(ls -A | tr '\n' ' '))"
        no_objects_left "07-semaphore, bad input: a refused pair removes its objects ($5)"
        leave_folder
    done
}

# start_side_on producer|consumer NAME: starts that side on the file NAME.
start_side_on() {
    start_bg "$1" "sem_$1" "$2"
}

@test "07-semaphore: an OUTFILE on a full disk is left as it was, and no temporary file is left" {
    # contract: 07-semaphore, outfile; rules, 11 (destinations)
    checks_cleanup
    mkdir disk
    mount -t tmpfs -o size=64k tmpfs disk 2>/dev/null ||
        skip "a full-disk test mounts a 64 KiB tmpfs, which needs root (mount failed)"
    MOUNTED=$WORK/disk
    head -c 10000 /dev/urandom > disk/out.bin
    cp disk/out.bin old.bin
    head -c 300000 /dev/urandom > in.bin
    for outfile in disk/out.bin disk/new.bin; do
        start_bg consumer sem_consumer "$outfile"
        consumer=$BG_PID
        waits consumer "$consumer" "for a producer"
        run --separate-stderr bounded sem_producer in.bin
        expect_status 1 "07-semaphore, partners that fail or die: when the consumer cannot write ($outfile, a full disk), the producer exits 1"
        ended consumer "$consumer"
        expect_error "$outfile" "07-semaphore, partners that fail or die: a consumer that cannot write exits 1 with a message that names OUTFILE"
        cmp -s old.bin disk/out.bin ||
            broke "07-semaphore, outfile: a transfer that fails on a full disk leaves an old OUTFILE as it was (it has $(stat -c %s disk/out.bin) bytes, not 10000)"
        [ "$(ls -A disk)" = out.bin ] ||
            broke "07-semaphore, outfile: a failed transfer leaves no temporary file and no new OUTFILE (found in disk/: $(ls -A disk | tr '\n' ' '))"
        no_objects_left "07-semaphore, partners that fail or die: when the consumer fails, both objects are removed"
    done
    umount disk
    MOUNTED=
}

@test "07-semaphore: an OUTFILE stays as it was when the consumer is stopped, refused, or loses its producer" {
    # contract: 07-semaphore, outfile; rules, 11 (destinations)
    printf 'old copy\n' > out.bin
    cp out.bin "$BATS_TEST_TMPDIR/old.bin"
    is_old() {
        cmp -s "$1" "$BATS_TEST_TMPDIR/old.bin" ||
            broke "07-semaphore, outfile: $2: OUTFILE stays as it was until all has arrived (it is written under a temporary name, renamed at the end)"
    }
    # Stopped by Ctrl-C while it waits alone.
    start_bg consumer sem_consumer out.bin
    waits consumer "$BG_PID" "for a producer"
    kill -INT "$(program_pid "$BG_PID")"
    ended consumer "$BG_PID"
    expect_status 130 "rules, 8 (signals): a consumer stopped by SIGINT while it waits alone ends with status 130"
    is_old out.bin "a consumer stopped while it waits"
    # Refused: the buffer here already has a consumer (the transfer is held).
    cp out.bin out2.bin
    stalled_transfer producer consumer
    run --separate-stderr bounded sem_consumer out2.bin
    expect_status 1 "07-semaphore, exchange: a second consumer in the same folder is refused with exit 1"
    is_old out2.bin "a consumer refused because the buffer already has one"
    # The producer killed mid-transfer.
    kill -KILL "$FIRST_PID"
    ended consumer "$SECOND"
    expect_status 1 "07-semaphore, partners that fail or die: when the producer is killed, the consumer exits 1"
    is_old out.bin "a consumer whose producer was killed"
    [ "$(ls -A)" = "$(printf 'in.bin\nout.bin\nout2.bin')" ] ||
        broke "07-semaphore, outfile: no temporary file is left (found: $(ls -A | tr '\n' ' '))"
}

@test "07-semaphore: OUTFILE appears complete, replacing the old one, with no temporary left" {
    # contract: 07-semaphore, outfile; rules, 11 (destinations)
    head -c 100000 /dev/urandom > out.bin
    chmod 640 out.bin
    head -c 300000 /dev/urandom > in.bin
    start_bg consumer sem_consumer out.bin
    consumer=$BG_PID
    run --separate-stderr bounded sem_producer in.bin
    expect_status 0 "07-semaphore, exchange: the producer exits 0"
    ended consumer "$consumer"
    expect_status 0 "07-semaphore, exchange: the consumer exits 0"
    same_file in.bin out.bin "07-semaphore, outfile: OUTFILE holds exactly what was sent"
    [ "$(ls -A)" = "$(printf 'in.bin\nout.bin')" ] ||
        broke "07-semaphore, outfile: after a transfer the folder holds OUTFILE and no temporary file (found: $(ls -A | tr '\n' ' '))"
    [ "$(stat -c %a out.bin)" = 640 ] ||
        broke "07-semaphore, outfile: an OUTFILE that is replaced keeps its permissions (640, now $(stat -c %a out.bin))"
}

# counter_sets PID...: the private semaphore sets whose semaphores were last
# used by one of PIDs (sem_counter and its workers).
counter_sets() {
    local kind id rest pid
    ipc_objects | awk '$1 == "s" && $3 == "0x00000000"' | while read -r kind id rest; do
        for pid in $(object_pids s "$id"); do
            [[ " $* " == *" $pid "* ]] && { echo "$id"; break; }
        done
    done
}

set_exists() {
    awk -v id="$1" 'NR > 1 && $2 == id { found = 1 } END { exit !found }' /proc/sysvipc/sem
}

@test "07-semaphore: sem_counter killed by SIGKILL: its workers end and its semaphore set goes" {
    # contract: 07-semaphore, sem_counter; 07-semaphore, cleanup and signals
    for lock in "" --no-lock; do
        start_bg counter sem_counter -p 4 -n 1000000000 $lock
        counter=$BG_PID
        pid=$(program_pid "$counter")
        wait_until has_children "$pid" ||
            broke "07-semaphore, sem_counter: the workers are child processes of sem_counter (fork)"
        workers=$(children "$pid")
        STRAY_WORKERS=$workers
        wait_until eval 'sets=$(counter_sets "$pid" $workers); [ -n "$sets" ]' ||
            broke "07-semaphore, sem_counter: the lock is a System V semaphore set"
        kill -KILL "$pid"
        wait_bg "$counter" || true
        for worker in $workers; do
            wait_until -p '' gone "$worker" || {
                kill -KILL $workers
                for id in $sets; do ipcrm -s "$id" 2>/dev/null || true; done
                broke "07-semaphore, sem_counter: when sem_counter is killed (SIGKILL), its workers end too (worker $worker still runs${lock:+, $lock})"
            }
        done
        for id in $sets; do
            wait_until -p '' eval '! set_exists "$id"' || {
                ipcrm -s "$id"
                broke "07-semaphore, sem_counter: nothing of a killed sem_counter survives it: its semaphore set $id is still there${lock:+ ($lock)}"
            }
        done
        STRAY_WORKERS=
    done
}

@test "07-semaphore: a set left without its segment by a crash: the message names the command that removes it" {
    # contract: 07-semaphore, exchange; rules, 14 (stale objects)
    big_input
    start_bg producer sem_producer in.bin
    waits producer "$BG_PID" "for a consumer"
    kill -KILL "$(program_pid "$BG_PID")"
    wait_bg "$BG_PID" || true
    read -r semid key < <(work_ipc_objects | awk '$1 == "s" { print $2, $3 }')
    shmid=$(work_ipc_objects | awk '$1 == "m" { print $2 }')
    [ -n "$semid" ] && [ -n "$shmid" ] ||
        broke "07-semaphore, exchange: a producer waiting alone has made a set and a segment (found: $(work_ipc_objects))"
    ipcrm -m "$shmid"
    for side in consumer producer; do
        run --separate-stderr bounded "sem_$side" "$([ $side = consumer ] && echo out.bin || echo in.bin)"
        expect_status 1 "rules, 14 (stale objects): a $side that finds a set without its segment exits 1"
        grep -Eq "ipcrm (-s $semid|-S $key)\b|make clean-ipc" <<<"$stderr" ||
            broke "rules, 14 (stale objects): the message says the exact command that removes what is left (ipcrm -s $semid, or make clean-ipc)"
    done
    ipcrm -s "$semid"
    [ ! -e out.bin ] || broke "07-semaphore, outfile: a refused consumer writes no OUTFILE"
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "07-semaphore: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
