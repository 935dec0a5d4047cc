#!/usr/bin/env bats
# 04-msgqueue: msg_sender and msg_receiver (person.h), msgq_send, msgq_recv
# and msgq_ctl, as CONTRACT.md describes them.

load test_helper

setup()    { lab_setup 04-msgqueue; }
# The test of two folders makes objects in $WORK/one, which lab_teardown does
# not look at: they are removed here, even when that test failed half way.
teardown() {
    if [ -d "$WORK/one" ]; then
        objects_in "$WORK/one" | remove_ipc_objects || true
    fi
    lab_teardown
}

# queue_count: how many message queues with an ftok key of $WORK exist.
queue_count() {
    work_ipc_objects | awk '$1 == "q"' | wc -l
}

queue_exists() {
    [ "$(queue_count)" -gt 0 ]
}

# queue_modes: the permission bits of those queues, one a line.
queue_modes() {
    local kind id rest
    work_ipc_objects | while read -r kind id rest; do
        [ "$kind" = q ] && awk -v id="$id" 'NR > 1 && $2 == id { print $3 }' /proc/sysvipc/msg
    done
}

# stat_field NAME: the value of "NAME: value" in msgq_ctl stat's output.
stat_field() {
    bounded msgq_ctl stat | sed -n "s/^$1: //p"
}

# The prompts of one full record, as msg_sender prints them with input from
# a file (the answers are not echoed).
RECORD_PROMPTS='Enter name : Enter age : Enter id : continue?(y/n) : '

# ------------------------------------------------------------ msg_sender/receiver

@test "04-msgqueue: receiver first, then sender: records printed, stored with separators, queue removed" {
    start_bg receiver msg_receiver
    receiver=$BG_PID
    wait_blocked "$receiver"
    run --separate-stderr bounded msg_sender <<'INPUT'
Kim
20
1
y
Lee
31
2
n
INPUT
    assert_success
    assert_output "$RECORD_PROMPTS$RECORD_PROMPTS"
    wait_bg "$receiver" || fail "receiver failed: $(bg_err receiver)"
    assert_equal "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 1\nname : Lee\nage : 31\nid : 2'
    assert_equal "$(cat person.txt)" \
        $'name : Kim\nage : 20\nid : 1\n--------------------\nname : Lee\nage : 31\nid : 2\n--------------------'
    assert_equal "$(queue_count)" 0
}

@test "04-msgqueue: sender finishes before the receiver starts: the kernel keeps the messages" {
    run --separate-stderr bounded msg_sender <<'INPUT'
Park
40
7
n
INPUT
    assert_success
    assert_equal "$(queue_count)" 1
    assert_equal "$(queue_modes)" 600
    run --separate-stderr bounded msg_receiver
    assert_success
    assert_output $'name : Park\nage : 40\nid : 7'
    assert_equal "$(queue_count)" 0
}

@test "04-msgqueue: the queue is made with mode 0600 by the receiver too" {
    start_bg receiver msg_receiver
    wait_until queue_exists
    wait_blocked "$BG_PID"
    assert_equal "$(queue_modes)" 600
    printf 'A\n1\n1\nn\n' | bounded msg_sender > /dev/null
    wait_bg "$BG_PID"
}

@test "04-msgqueue: a second exchange appends to person.txt" {
    printf 'Kim\n20\n1\nn\n' | bounded msg_sender > /dev/null
    bounded msg_receiver > /dev/null
    printf 'Lee\n31\n2\nn\n' | bounded msg_sender > /dev/null
    run --separate-stderr bounded msg_receiver
    assert_success
    assert_output $'name : Lee\nage : 31\nid : 2'
    assert_equal "$(cat person.txt)" \
        $'name : Kim\nage : 20\nid : 1\n--------------------\nname : Lee\nage : 31\nid : 2\n--------------------'
}

@test "04-msgqueue: msg_receiver -o FILE stores the records in FILE" {
    printf 'Kim\n20\n1\nn\n' | bounded msg_sender > /dev/null
    run --separate-stderr bounded msg_receiver -o people.txt
    assert_success
    assert_equal "$(cat people.txt)" $'name : Kim\nage : 20\nid : 1\n--------------------'
    assert [ ! -e person.txt ]
}

@test "04-msgqueue: a 10-character name is asked again, never overflowing name[10]" {
    long=$(printf 'x%.0s' {1..200})
    start_bg receiver msg_receiver
    run --separate-stderr bounded msg_sender <<INPUT
abcdefghij
$long
abcdefghi
5
6
n
INPUT
    assert_success
    assert_output "Enter name : Enter name : $RECORD_PROMPTS"
    [[ $stderr == *name* ]] || fail "no message about the name: $stderr"
    wait_bg "$BG_PID"
    assert_equal "$(bg_out receiver)" $'name : abcdefghi\nage : 5\nid : 6'
}

@test "04-msgqueue: an empty name is asked again" {
    start_bg receiver msg_receiver
    run --separate-stderr bounded msg_sender <<'INPUT'

Kim
5
6
n
INPUT
    assert_success
    assert_output "Enter name : $RECORD_PROMPTS"
    [ -n "$stderr" ]
    wait_bg "$BG_PID"
    assert_equal "$(bg_out receiver)" $'name : Kim\nage : 5\nid : 6'
}

@test "04-msgqueue: a non-numeric or negative age is asked again" {
    start_bg receiver msg_receiver
    run --separate-stderr bounded msg_sender <<'INPUT'
Kim
twenty
-3
20x
20
1
n
INPUT
    assert_success
    assert_output 'Enter name : Enter age : Enter age : Enter age : Enter age : Enter id : continue?(y/n) : '
    [[ $stderr == *age* ]] || fail "no message about the age: $stderr"
    wait_bg "$BG_PID"
    assert_equal "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 1'
}

@test "04-msgqueue: a non-numeric, negative or huge id is asked again" {
    start_bg receiver msg_receiver
    run --separate-stderr bounded msg_sender <<'INPUT'
Kim
20
abc
-1
99999999999999999999
42
n
INPUT
    assert_success
    assert_output 'Enter name : Enter age : Enter id : Enter id : Enter id : Enter id : continue?(y/n) : '
    [[ $stderr == *id* ]] || fail "no message about the id: $stderr"
    wait_bg "$BG_PID"
    assert_equal "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 42'
}

@test "04-msgqueue: an answer other than y or n to continue? is asked again" {
    start_bg receiver msg_receiver
    run --separate-stderr bounded msg_sender <<'INPUT'
Kim
20
1
maybe
n
INPUT
    assert_success
    assert_output "${RECORD_PROMPTS}continue?(y/n) : "
    wait_bg "$BG_PID"
    assert_equal "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 1'
}

@test "04-msgqueue: end of input mid-dialogue drops the half record; both programs end cleanly" {
    for input in $'Kim\n20\n1\ny\nLee\n' $'Kim\n20\n1\ny\nLee\n31\n'; do
        rm -f person.txt
        start_bg receiver msg_receiver
        receiver=$BG_PID
        wait_blocked "$receiver"
        run --separate-stderr bounded msg_sender <<<"${input%$'\n'}"
        assert_success
        wait_bg "$receiver" || fail "receiver failed: $(bg_err receiver)"
        assert_equal "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 1'
        assert_equal "$(cat person.txt)" $'name : Kim\nage : 20\nid : 1\n--------------------'
        assert_equal "$(queue_count)" 0
    done
}

@test "04-msgqueue: empty input: the end marker is neither printed nor stored" {
    run --separate-stderr bounded msg_sender < /dev/null
    assert_success
    run --separate-stderr bounded msg_receiver
    assert_success
    assert_output ''
    assert [ ! -s person.txt ]
    assert_equal "$(queue_count)" 0
}

@test "04-msgqueue: msg_sender stopped by SIGTERM mid-dialogue ends the exchange like end of input" {
    mkfifo answers
    exec 4<>answers
    printf 'Kim\n20\n1\ny\nLee\n' >&4
    start_bg receiver msg_receiver
    receiver=$BG_PID
    start_bg sender sh -c 'exec msg_sender < answers'
    sender=$BG_PID
    wait_blocked "$sender"
    kill -TERM "$(program_pid "$sender")"
    wait_bg "$sender" || true
    wait_bg "$receiver" || fail "receiver failed: $(bg_err receiver)"
    exec 4<&-
    rm answers
    assert_equal "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 1'
    assert_equal "$(queue_count)" 0
}

@test "04-msgqueue: msg_receiver stopped by SIGINT or SIGTERM removes the queue" {
    for signal in INT TERM; do
        start_bg receiver msg_receiver
        wait_until queue_exists
        wait_blocked "$BG_PID"
        assert_equal "$(queue_count)" 1
        kill -"$signal" "$(program_pid "$BG_PID")"
        status=0
        wait_bg "$BG_PID" || status=$?
        assert [ "$status" -ne 124 ]
        assert_equal "$(queue_count)" 0
    done
}

@test "04-msgqueue: msg_receiver with a FILE it cannot open fails and creates no queue" {
    mkdir adir
    run --separate-stderr bounded msg_receiver -o adir
    assert_failure 1
    [[ $stderr == msg_receiver:*adir* ]]
    assert_equal "$(queue_count)" 0
}

@test "04-msgqueue: msg_sender and msg_receiver reject arguments with usage, exit 2" {
    run --separate-stderr bounded msg_sender extra < /dev/null
    assert_failure 2
    [[ $stderr == usage:\ msg_sender* ]]
    run --separate-stderr bounded msg_receiver -x
    assert_failure 2
    [[ $stderr == *usage:\ msg_receiver* ]]
    run --separate-stderr bounded msg_receiver extra
    assert_failure 2
    [[ $stderr == *usage:\ msg_receiver* ]]
    assert_equal "$(queue_count)" 0
}

# ------------------------------------------------------------ msgq_send/recv/ctl

@test "04-msgqueue: msgq_send then msgq_recv: TYPE TEXT, and the queue stays until msgq_ctl rm" {
    run --separate-stderr bounded msgq_send 5 'hello, queue'
    assert_success
    assert_output ''
    run --separate-stderr bounded msgq_recv
    assert_success
    assert_output '5 hello, queue'
    assert_equal "$(queue_count)" 1
    assert_equal "$(queue_modes)" 600
    run --separate-stderr bounded msgq_ctl rm
    assert_success
    assert_equal "$(queue_count)" 0
}

@test "04-msgqueue: a blocking msgq_recv started first creates the queue and waits for msgq_send" {
    start_bg recv msgq_recv
    wait_until queue_exists
    wait_blocked "$BG_PID"
    assert_equal "$(queue_count)" 1
    bounded msgq_send 2 'late message'
    wait_bg "$BG_PID"
    assert_equal "$(bg_out recv)" '2 late message'
    bounded msgq_ctl rm
}

@test "04-msgqueue: msgq_recv -n on a missing queue says no message, exits 1, creates nothing" {
    run --separate-stderr bounded msgq_recv -n
    assert_failure 1
    assert_output ''
    [[ $stderr == *'no message'* ]]
    assert_equal "$(queue_count)" 0
}

@test "04-msgqueue: msgq_recv -n on an empty queue says no message and exits 1" {
    bounded msgq_send 1 one
    bounded msgq_recv > /dev/null
    run --separate-stderr bounded msgq_recv -n
    assert_failure 1
    assert_output ''
    [[ $stderr == *'no message'* ]]
    bounded msgq_ctl rm
}

@test "04-msgqueue: msgq_ctl on a missing queue says no queue, exits 1, creates nothing" {
    for command in stat rm 'qbytes 100'; do
        run --separate-stderr bounded msgq_ctl $command
        assert_failure 1
        [[ $stderr == *'no queue'* ]] || fail "msgq_ctl $command: $stderr"
    done
    assert_equal "$(queue_count)" 0
}

@test "04-msgqueue: msgtyp 0 takes the messages in the order they were sent" {
    bounded msgq_send 3 three
    bounded msgq_send 1 one
    bounded msgq_send 2 two
    assert_equal "$(bounded msgq_recv)" '3 three'
    assert_equal "$(bounded msgq_recv -t 0)" '1 one'
    assert_equal "$(bounded msgq_recv -n)" '2 two'
    bounded msgq_ctl rm
}

@test "04-msgqueue: a positive msgtyp takes the first message of that type" {
    bounded msgq_send 1 first-one
    bounded msgq_send 2 first-two
    bounded msgq_send 2 second-two
    bounded msgq_send 1 second-one
    assert_equal "$(bounded msgq_recv -t 2)" '2 first-two'
    assert_equal "$(bounded msgq_recv -t 2)" '2 second-two'
    run --separate-stderr bounded msgq_recv -n -t 2
    assert_failure 1
    [[ $stderr == *'no message'* ]]
    assert_equal "$(bounded msgq_recv -t 1)" '1 first-one'
    bounded msgq_ctl rm
}

@test "04-msgqueue: a negative msgtyp takes the lowest type up to its absolute value (3, 1, 2 queued)" {
    bounded msgq_send 3 three
    bounded msgq_send 1 one
    bounded msgq_send 2 two
    assert_equal "$(bounded msgq_recv -t -2)" '1 one'
    assert_equal "$(bounded msgq_recv -t -2)" '2 two'
    run --separate-stderr bounded msgq_recv -n -t -2
    assert_failure 1
    [[ $stderr == *'no message'* ]]
    assert_equal "$(bounded msgq_recv -t -10)" '3 three'
    bounded msgq_ctl rm
}

@test "04-msgqueue: -x (MSG_EXCEPT) takes the first message of any other type" {
    bounded msgq_send 1 one
    bounded msgq_send 1 uno
    bounded msgq_send 2 two
    bounded msgq_send 3 three
    assert_equal "$(bounded msgq_recv -x -t 1)" '2 two'
    assert_equal "$(bounded msgq_recv -x -t 1)" '3 three'
    run --separate-stderr bounded msgq_recv -n -x -t 1
    assert_failure 1
    [[ $stderr == *'no message'* ]]
    assert_equal "$(bounded msgq_recv)" '1 one'
    bounded msgq_ctl rm
}

@test "04-msgqueue: a message longer than MAXBYTES is refused and stays; -e cuts it" {
    bounded msgq_send 4 'hello world'
    run --separate-stderr bounded msgq_recv -s 5
    assert_failure 1
    assert_output ''
    [[ -n $stderr ]]
    assert_equal "$(stat_field messages)" 1
    assert_equal "$(bounded msgq_recv -n -s 11)" '4 hello world'

    bounded msgq_send 4 'hello world'
    run --separate-stderr bounded msgq_recv -e -s 5
    assert_success
    assert_output '4 hello'
    assert_equal "$(stat_field messages)" 0
    bounded msgq_ctl rm
}

@test "04-msgqueue: -c (MSG_COPY) copies the message at a position, counted from 0, leaving it" {
    bounded msgq_send 3 three
    bounded msgq_send 1 one
    bounded msgq_send 2 two
    run --separate-stderr bounded msgq_recv -c -t 1
    if [ "$status" -ne 0 ] && [[ $stderr == *MSG_COPY* ]]; then
        bounded msgq_ctl rm
        skip "this kernel lacks MSG_COPY: $stderr"
    fi
    assert_success
    assert_output '1 one'
    assert_equal "$(bounded msgq_recv -c -t 0)" '3 three'
    assert_equal "$(bounded msgq_recv -c -t 2)" '2 two'
    run --separate-stderr bounded msgq_recv -c -t 3
    assert_failure 1
    [[ $stderr == *'no message'* ]]
    assert_equal "$(stat_field messages)" 3
    assert_equal "$(bounded msgq_recv)" '3 three'
    bounded msgq_ctl rm
}

@test "04-msgqueue: msgq_ctl stat shows messages, bytes, max bytes, PIDs and times after sends" {
    bounded sh -c 'echo $$ > first.pid; exec msgq_send 7 abc'
    bounded sh -c 'echo $$ > second.pid; exec msgq_send 8 defgh'
    run --separate-stderr bounded msgq_ctl stat
    assert_success
    for line in "${lines[@]}"; do
        [[ $line =~ ^[a-z][a-z\ ]*:\ [^\ ] ]] || fail "not 'field: value': $line"
    done
    assert_line 'messages: 2'
    assert_line 'bytes: 8'
    assert_line "max bytes: $(cat /proc/sys/kernel/msgmnb)"
    assert_line --regexp "^[a-z ]*sender[a-z ]*: $(cat second.pid)\$"
    assert_line --regexp '^[a-z ]*receiver[a-z ]*: 0$'
    assert_line --regexp '^[a-z ]*send[a-z ]*: .*[0-9][0-9]:[0-9][0-9]'
    refute_line --regexp '^[a-z ]*receive[a-z ]*: .*[0-9][0-9]:[0-9][0-9]'

    bounded sh -c 'echo $$ > receiver.pid; exec msgq_recv' > /dev/null
    run --separate-stderr bounded msgq_ctl stat
    assert_line 'messages: 1'
    assert_line 'bytes: 5'
    assert_line --regexp "^[a-z ]*receiver[a-z ]*: $(cat receiver.pid)\$"
    assert_line --regexp '^[a-z ]*receive[a-z ]*: .*[0-9][0-9]:[0-9][0-9]'
    bounded msgq_ctl rm
}

@test "04-msgqueue: msgq_ctl info shows the system's limits (IPC_INFO)" {
    run --separate-stderr bounded msgq_ctl info
    assert_success
    for limit in msgmax msgmnb msgmni; do
        assert_line --regexp "^[^:]+: $(cat /proc/sys/kernel/$limit)\$"
    done
    assert_equal "$(queue_count)" 0
}

@test "04-msgqueue: msgq_ctl qbytes lowers the queue's max bytes, and a full queue refuses msgq_send -n" {
    bounded msgq_send 1 12345678
    run --separate-stderr bounded msgq_ctl qbytes 10
    assert_success
    assert_equal "$(stat_field 'max bytes')" 10
    run --separate-stderr bounded msgq_send -n 1 87654321
    assert_failure 1
    [[ -n $stderr ]]
    assert_equal "$(stat_field messages)" 1
    bounded msgq_ctl rm
}

@test "04-msgqueue: msgq_ctl qbytes above the system limit without privilege is refused with the reason" {
    bounded msgq_send 1 x
    big=$(( $(cat /proc/sys/kernel/msgmnb) * 4 ))
    run --separate-stderr setpriv --bounding-set=-sys_resource -- timeout "$LAB_TIMEOUT" msgq_ctl qbytes "$big"
    assert_failure 1
    [[ $stderr == *msgmnb* || $stderr == *limit* || $stderr == *privilege* ]] ||
        fail "no reason given: $stderr"
    assert_equal "$(stat_field 'max bytes')" "$(cat /proc/sys/kernel/msgmnb)"
    bounded msgq_ctl rm
}

@test "04-msgqueue: msgq_send with a TYPE that is not a positive number prints usage, exits 2" {
    for type in 0 -1 abc 1x ''; do
        run --separate-stderr bounded msgq_send "$type" text
        assert_failure 2
        [[ $stderr == *usage:\ msgq_send* ]] || fail "TYPE '$type': $stderr"
    done
    run --separate-stderr bounded msgq_send 1
    assert_failure 2
    assert_equal "$(queue_count)" 0
}

@test "04-msgqueue: msgq_send with TEXT longer than msgmax names the limit, exits 1" {
    msgmax=$(cat /proc/sys/kernel/msgmax)
    run --separate-stderr bounded msgq_send 1 "$(head -c $((msgmax + 1)) /dev/zero | tr '\0' a)"
    assert_failure 1
    [[ $stderr == *msgmax* ]] || fail "the limit is not named: $stderr"
    assert_equal "$(queue_count)" 0

    run --separate-stderr bounded msgq_send 1 "$(head -c "$msgmax" /dev/zero | tr '\0' a)"
    assert_success
    run --separate-stderr bounded msgq_recv
    assert_success
    assert_equal "${#output}" $((msgmax + 2))
    bounded msgq_ctl rm
}

@test "04-msgqueue: a blocking msgq_recv whose queue is removed fails instead of hanging" {
    start_bg recv msgq_recv
    wait_until queue_exists
    wait_blocked "$BG_PID"
    bounded msgq_ctl rm
    status=0
    wait_bg "$BG_PID" || status=$?
    assert_equal "$status" 1
    [[ -n $(bg_err recv) ]]
}

@test "04-msgqueue: runs in two folders do not share a queue" {
    mkdir one two
    (cd one && bounded msgq_send 1 'for one only')
    run --separate-stderr bash -c "cd two && timeout $LAB_TIMEOUT msgq_recv -n"
    assert_failure 1
    [[ $stderr == *'no message'* ]]
    (cd one && bounded msgq_recv) > got.txt
    (cd one && bounded msgq_ctl rm)
    assert_equal "$(cat got.txt)" '1 for one only'
}

@test "04-msgqueue: msgq_recv and msgq_ctl reject bad usage with exit 2" {
    for args in '-t' '-t abc' '-s -1' '-s x' 'extra' '-q'; do
        run --separate-stderr bounded msgq_recv $args
        assert_failure 2
        [[ $stderr == *usage:\ msgq_recv* ]] || fail "msgq_recv $args: $stderr"
    done
    for args in '' 'bogus' 'qbytes' 'qbytes abc' 'qbytes -5' 'stat extra'; do
        run --separate-stderr bounded msgq_ctl $args
        assert_failure 2
        [[ $stderr == *usage:\ msgq_ctl* ]] || fail "msgq_ctl $args: $stderr"
    done
    assert_equal "$(queue_count)" 0
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "04-msgqueue: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
