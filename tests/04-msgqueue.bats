#!/usr/bin/env bats
# 04-msgqueue: msg_sender and msg_receiver (person.h), msgq_send, msgq_recv
# and msgq_ctl, as CONTRACT.md's section 04-msgqueue describes them.

load test_helper

setup()    { lab_setup 04-msgqueue; }
# The test of two folders makes objects in $WORK/one (and, wrongly, maybe in
# $WORK/two), which lab_teardown does not look at: they are removed here,
# even when that test failed half way, and recorded as leftovers as
# lab_teardown records its own. The FIFO "answers" is the tests' own (it feeds
# msg_sender), never a program's leftover, and so is the queue $squatted that
# a test made at the folder's key as a squatter (removed here if the test
# failed before it removed it).
teardown() {
    local dir left
    for dir in "$WORK/one" "$WORK/two"; do
        [ -d "$dir" ] || continue
        left=$(objects_in "$dir")
        if [ -n "$left" ]; then
            printf '%s\n%s\n' "- $BATS_TEST_DESCRIPTION" \
                "IPC objects left behind in ${dir#"$WORK/"} (kind id key uid):"$'\n'"$left" >>"$LEFTOVERS"
            remove_ipc_objects <<<"$left" || true
        fi
    done
    rm -f "$WORK/answers"
    [ -z "${squatted:-}" ] || ipcrm -q "$squatted" 2>/dev/null || true
    lab_teardown
}

# ------------------------------------------------------------ helpers

# queue_count: how many message queues with an ftok key of $WORK exist.
queue_count() {
    work_ipc_objects | awk '$1 == "q"' | wc -l
}

queue_exists() {
    [ "$(queue_count)" -gt 0 ]
}

# queue_modes: the permission bits of those queues, each once (a program may
# hold more than one queue of the folder, as ours do to claim it: rule 7 is
# for every one of them).
queue_modes() {
    local kind id rest
    work_ipc_objects | while read -r kind id rest; do
        [ "$kind" = q ] && awk -v id="$id" 'NR > 1 && $2 == id { print $3 }' /proc/sysvipc/msg
    done | sort -u
}

# stat_field NAME: the value of "NAME: value" in msgq_ctl stat's output.
stat_field() {
    bounded msgq_ctl stat | sed -n "s/^$1: //p"
}

# same ACTUAL EXPECTED RULE: ACTUAL is EXPECTED, else broke RULE, showing both.
same() {
    [ "$1" = "$2" ] && return 0
    printf -- '-- expected --\n%s\n-- got --\n%s\n' "$2" "$1" >&2
    broke "$3"
}

# no_queue_left RULE: no queue of this test's folder exists, else broke RULE.
no_queue_left() {
    [ "$(queue_count)" -eq 0 ] || broke "$1 ($(queue_count) queue(s) exist)"
}

# ended_with_0 PID RULE: the background program PID ends with status 0, else
# broke RULE with its status (124: still running at its time limit).
ended_with_0() {
    local ended=0
    wait_bg "$1" || ended=$?
    [ "$ended" -eq 0 ] && return 0
    [ "$ended" -ne 124 ] || ended="124, still waiting at its time limit"
    broke "$2 (it ended with status $ended)"
}

# usage_refused PROGRAM ARGS...: PROGRAM ARGS is a usage error (rule 3). The
# command is printed first, so that a failure shows which case it was.
usage_refused() {
    printf -- '-- case: %s\n' "$(printf '%q ' "$@")" >&2
    run --separate-stderr bounded "$@"
    expect_usage "$1"
}

# msgq_put TYPE TEXT: msgq_send TYPE TEXT succeeds, silently.
msgq_put() {
    run --separate-stderr bounded msgq_send "$@"
    [ "$status" -eq 0 ] && [ -z "$output" ] ||
        broke "04-msgqueue, the msgq tools: msgq_send $* sends the message, prints nothing and exits 0"
}

# msgq_takes EXPECTED RULE ARGS...: msgq_recv ARGS prints the line EXPECTED and exits 0.
msgq_takes() {
    local expected=$1 rule=$2
    shift 2
    run --separate-stderr bounded msgq_recv "$@"
    [ "$status" -eq 0 ] && [ "$output" = "$expected" ] ||
        broke "$rule (msgq_recv $* must print '$expected' and exit 0)"
}

# msgq_finds_nothing RULE ARGS...: msgq_recv ARGS says "no message" on stderr,
# prints nothing on stdout and exits 1.
msgq_finds_nothing() {
    local rule=$1
    shift
    run --separate-stderr bounded msgq_recv "$@"
    [ "$status" -eq 1 ] && [ -z "$output" ] && [[ ${stderr,,} == *'no message'* ]] ||
        broke "$rule (msgq_recv $* must say 'no message' on stderr, print nothing and exit 1)"
}

# drop_msgq_queue: removes the msgq tools' queue at the end of a test whose
# subject is not msgq_ctl rm (a queue it leaves is recorded as a leftover).
drop_msgq_queue() {
    bounded msgq_ctl rm || true
}

# without_resource_privilege CMD...: CMD unable to raise a queue above
# msgmnb, as an ordinary user is (root loses CAP_SYS_RESOURCE).
without_resource_privilege() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --bounding-set=-sys_resource -- "$@"
    else
        "$@"
    fi
}

# The prompts of one full record, as msg_sender prints them with input from
# a file (the answers are not echoed).
RECORD_PROMPTS='Enter name : Enter age : Enter id : continue?(y/n) : '
DASHES=--------------------

# ------------------------------------------------------------ msg_sender/receiver

@test "04-msgqueue: receiver first, then sender: the records are printed and stored with separators" {
    # contract: 04-msgqueue, the dialogue; 04-msgqueue, the exchange
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
    expect_status 0 "04-msgqueue, the dialogue: after 'n' the last record is sent and msg_sender exits 0"
    same "$output" "$RECORD_PROMPTS$RECORD_PROMPTS" \
        "04-msgqueue, the dialogue: stdout carries the four prompts of each record, nothing else"
    ended_with_0 "$receiver" "04-msgqueue, the exchange: msg_receiver exits 0 after the type-2 record"
    same "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 1\nname : Lee\nage : 31\nid : 2' \
        "04-msgqueue, the exchange: each record is printed as 'name : NAME', 'age : N', 'id : N', in the order sent"
    same "$(cat person.txt)" "name : Kim"$'\n'"age : 20"$'\n'"id : 1"$'\n'"$DASHES"$'\n'"name : Lee"$'\n'"age : 31"$'\n'"id : 2"$'\n'"$DASHES" \
        "04-msgqueue, the exchange: person.txt gets each record's three lines and a line of 20 dashes"
}

@test "04-msgqueue: sender finishes before the receiver starts: the queue keeps the records for it" {
    # contract: 04-msgqueue, the exchange; 04-msgqueue, the dialogue
    run --separate-stderr bounded msg_sender <<'INPUT'
Park
40
7
n
INPUT
    expect_status 0 "04-msgqueue, the dialogue: after 'n' msg_sender exits 0, receiver or not"
    [ "$(queue_count)" -eq 1 ] ||
        broke "04-msgqueue, the dialogue: msg_sender never removes the queue: its records wait there for the receiver (found $(queue_count) queues)"
    run --separate-stderr bounded msg_receiver
    expect_status 0 "04-msgqueue, the exchange: a receiver started after the sender takes the waiting records and exits 0"
    same "$output" $'name : Park\nage : 40\nid : 7' \
        "04-msgqueue, the exchange: a receiver started after the sender prints the records sent before it started"
}

@test "04-msgqueue: msg_receiver removes the queue after the last record and after the end marker" {
    # contract: 04-msgqueue, cleanup and signals; rules, 6 (cleanup)
    checks_cleanup
    printf 'Kim\n20\n1\nn\n' >last.txt
    for input in last.txt /dev/null; do
        start_bg receiver msg_receiver
        receiver=$BG_PID
        wait_blocked "$receiver"
        run --separate-stderr bounded msg_sender <"$input"
        expect_status 0 "04-msgqueue, the dialogue: msg_sender exits 0 after 'n' or at end of input"
        ended_with_0 "$receiver" "04-msgqueue, the exchange: msg_receiver exits 0 after the type-2 record or the end marker"
        no_queue_left "04-msgqueue, cleanup and signals: msg_receiver removes the queue when the exchange ends (input: $input)"
    done
}

@test "04-msgqueue: the records' queue is made with mode 0600, by the sender or by the receiver" {
    # contract: 04-msgqueue, files; rules, 7 (permissions)
    printf 'A\n1\n1\nn\n' >one.txt
    # The modes are compared at the end, once the exchanges have removed their queues.
    run --separate-stderr bounded msg_sender <one.txt
    expect_status 0 "04-msgqueue, the dialogue: after 'n' msg_sender exits 0"
    by_sender=$(queue_modes)
    run --separate-stderr bounded msg_receiver
    expect_status 0 "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"

    start_bg receiver msg_receiver
    wait_until queue_exists
    wait_blocked "$BG_PID"
    by_receiver=$(queue_modes)
    run --separate-stderr bounded msg_sender <one.txt
    ended_with_0 "$BG_PID" "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    same "$by_sender" 600 "rules, 7 (permissions): the queue msg_sender creates has mode 0600"
    same "$by_receiver" 600 "rules, 7 (permissions): the queue msg_receiver creates has mode 0600"
}

@test "04-msgqueue: a second exchange appends to person.txt" {
    # contract: 04-msgqueue, the exchange; rules, 11 (destinations)
    printf 'Kim\n20\n1\nn\n' >first.txt
    printf 'Lee\n31\n2\nn\n' >second.txt
    run --separate-stderr bounded msg_sender <first.txt
    run --separate-stderr bounded msg_receiver
    expect_status 0 "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    run --separate-stderr bounded msg_sender <second.txt
    run --separate-stderr bounded msg_receiver
    expect_status 0 "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    same "$output" $'name : Lee\nage : 31\nid : 2' \
        "04-msgqueue, the exchange: the second receiver prints only the second exchange's record"
    same "$(cat person.txt)" "name : Kim"$'\n'"age : 20"$'\n'"id : 1"$'\n'"$DASHES"$'\n'"name : Lee"$'\n'"age : 31"$'\n'"id : 2"$'\n'"$DASHES" \
        "04-msgqueue, the exchange: a second exchange appends to person.txt, after the first one's records"
}

@test "04-msgqueue: msg_receiver -o FILE stores the records in FILE, not in person.txt" {
    # contract: 04-msgqueue, the exchange
    printf 'Kim\n20\n1\nn\n' >answers.txt
    run --separate-stderr bounded msg_sender <answers.txt
    run --separate-stderr bounded msg_receiver -o people.txt
    expect_status 0 "04-msgqueue, the exchange: msg_receiver -o FILE exits 0 after the last record"
    same "$(cat people.txt 2>&1)" "name : Kim"$'\n'"age : 20"$'\n'"id : 1"$'\n'"$DASHES" \
        "04-msgqueue, the exchange: -o FILE stores the record's lines and the dashes in FILE"
    [ ! -e person.txt ] || broke "04-msgqueue, the exchange: with -o FILE, person.txt is not touched"
}

@test "04-msgqueue: msg_receiver creates its FILE without execute permission" {
    # contract: 04-msgqueue, the exchange
    printf 'Kim\n20\n1\nn\n' >answers.txt
    run --separate-stderr bounded msg_sender <answers.txt
    run --separate-stderr bounded msg_receiver
    expect_status 0 "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    mode=$(stat -c %a person.txt)
    [ $((8#$mode & 8#111)) -eq 0 ] ||
        broke "04-msgqueue, the exchange: FILE is created with mode 0666 less the umask, never executable (got $mode)"
}

@test "04-msgqueue: a name of 10 or 200 characters is asked again, never overflowing name[10]" {
    # contract: 04-msgqueue, the dialogue
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
    expect_status 0 "04-msgqueue, the dialogue: after 'n' msg_sender exits 0"
    same "$output" "Enter name : Enter name : $RECORD_PROMPTS" \
        "04-msgqueue, the dialogue: a name longer than 9 characters (one whole line, however long) gets 'Enter name : ' again, once"
    [ "$(grep -ciw name <<<"$stderr")" -ge 2 ] ||
        broke "04-msgqueue, the dialogue: each refused name gets a message on stderr containing the word 'name'"
    ended_with_0 "$BG_PID" "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    same "$(bg_out receiver)" $'name : abcdefghi\nage : 5\nid : 6' \
        "04-msgqueue, the dialogue: a name of 9 characters is accepted and sent whole"
}

@test "04-msgqueue: an empty name is asked again" {
    # contract: 04-msgqueue, the dialogue
    start_bg receiver msg_receiver
    run --separate-stderr bounded msg_sender <<'INPUT'

Kim
5
6
n
INPUT
    expect_status 0 "04-msgqueue, the dialogue: after 'n' msg_sender exits 0"
    same "$output" "Enter name : $RECORD_PROMPTS" \
        "04-msgqueue, the dialogue: an empty name gets 'Enter name : ' again"
    grep -qiw name <<<"$stderr" ||
        broke "04-msgqueue, the dialogue: a refused name gets a message on stderr containing the word 'name'"
    ended_with_0 "$BG_PID" "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    same "$(bg_out receiver)" $'name : Kim\nage : 5\nid : 6' \
        "04-msgqueue, the exchange: only the accepted answers make the record"
}

@test "04-msgqueue: an age that is not decimal digits only is asked again" {
    # contract: 04-msgqueue, the dialogue
    start_bg receiver msg_receiver
    run --separate-stderr bounded msg_sender <<'INPUT'
Kim
twenty
-3
+20
20x

20
1
n
INPUT
    expect_status 0 "04-msgqueue, the dialogue: after 'n' msg_sender exits 0"
    same "$output" 'Enter name : Enter age : Enter age : Enter age : Enter age : Enter age : Enter age : Enter id : continue?(y/n) : ' \
        "04-msgqueue, the dialogue: an age must be decimal digits only ('twenty', '-3', '+20', '20x' and an empty line get 'Enter age : ' again)"
    [ "$(grep -ciw age <<<"$stderr")" -ge 5 ] ||
        broke "04-msgqueue, the dialogue: each refused age gets a message on stderr containing the word 'age'"
    ended_with_0 "$BG_PID" "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    same "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 1' \
        "04-msgqueue, the exchange: only the accepted answers make the record"
}

@test "04-msgqueue: an id that is not a number from 0 to 2147483647 is asked again; 2147483647 is taken" {
    # contract: 04-msgqueue, the dialogue
    start_bg receiver msg_receiver
    run --separate-stderr bounded msg_sender <<'INPUT'
Kim
20
abc
-1
2147483648
99999999999999999999
2147483647
n
INPUT
    expect_status 0 "04-msgqueue, the dialogue: after 'n' msg_sender exits 0"
    same "$output" 'Enter name : Enter age : Enter id : Enter id : Enter id : Enter id : Enter id : continue?(y/n) : ' \
        "04-msgqueue, the dialogue: an id is 0 to 2147483647 in digits ('abc', '-1', '2147483648' and 20 digits get 'Enter id : ' again)"
    [ "$(grep -ciw id <<<"$stderr")" -ge 4 ] ||
        broke "04-msgqueue, the dialogue: each refused id gets a message on stderr containing the word 'id'"
    ended_with_0 "$BG_PID" "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    same "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 2147483647' \
        "04-msgqueue, the dialogue: the id 2147483647 is taken and arrives unchanged"
}

@test "04-msgqueue: an answer other than y or n to continue? is asked again" {
    # contract: 04-msgqueue, the dialogue
    start_bg receiver msg_receiver
    run --separate-stderr bounded msg_sender <<'INPUT'
Kim
20
1
maybe
yes
n
INPUT
    expect_status 0 "04-msgqueue, the dialogue: after 'n' msg_sender exits 0"
    same "$output" "${RECORD_PROMPTS}continue?(y/n) : continue?(y/n) : " \
        "04-msgqueue, the dialogue: continue? takes exactly 'y' or 'n'; 'maybe' and 'yes' get the question again"
    ended_with_0 "$BG_PID" "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    same "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 1' \
        "04-msgqueue, the exchange: one record was sent"
}

@test "04-msgqueue: end of input mid-dialogue drops the half record; both programs exit 0" {
    # contract: 04-msgqueue, the dialogue; 04-msgqueue, the exchange
    for input in $'Kim\n20\n1\ny\nLee\n' $'Kim\n20\n1\ny\nLee\n31\n' $'Kim\n20\n1\ny\nLee\n31\n2\n'; do
        rm -f person.txt
        printf '%s' "$input" >answers.txt
        start_bg receiver msg_receiver
        receiver=$BG_PID
        wait_blocked "$receiver"
        run --separate-stderr bounded msg_sender <answers.txt
        expect_status 0 "04-msgqueue, the dialogue: at end of input msg_sender sends the end marker and exits 0"
        ended_with_0 "$receiver" "04-msgqueue, the exchange: at the end marker msg_receiver exits 0"
        same "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 1' \
            "04-msgqueue, the dialogue: a record whose dialogue did not reach its answer to continue? is dropped, not sent"
        same "$(cat person.txt)" "name : Kim"$'\n'"age : 20"$'\n'"id : 1"$'\n'"$DASHES" \
            "04-msgqueue, the exchange: only complete records are stored; the end marker is not"
    done
}

@test "04-msgqueue: empty input: the end marker alone is neither printed nor stored" {
    # contract: 04-msgqueue, the dialogue; 04-msgqueue, the exchange
    run --separate-stderr bounded msg_sender </dev/null
    expect_status 0 "04-msgqueue, the dialogue: on empty input msg_sender sends the end marker and exits 0"
    run --separate-stderr bounded msg_receiver
    expect_status 0 "04-msgqueue, the exchange: at the end marker msg_receiver exits 0"
    same "$output" '' "04-msgqueue, the exchange: the end marker (type 2, empty name) is not printed"
    [ ! -s person.txt ] || broke "04-msgqueue, the exchange: the end marker is not stored: person.txt stays empty or absent"
}

@test "04-msgqueue: msg_sender stopped by SIGINT or SIGTERM mid-dialogue sends the end marker and ends with 128+N" {
    # contract: 04-msgqueue, cleanup and signals; rules, 8 (signals)
    for signal in INT TERM; do
        rm -f person.txt answers
        mkfifo answers
        exec 4<>answers
        printf 'Kim\n20\n1\ny\nLee\n' >&4
        start_bg receiver msg_receiver 4>&-
        receiver=$BG_PID
        start_bg sender sh -c 'exec msg_sender < answers' 4>&-
        sender=$BG_PID
        wait_blocked "$sender"
        kill -"$signal" "$(program_pid "$sender")"
        status=0
        wait_bg "$sender" || status=$?
        exec 4<&-
        expected=$((128 + $(kill -l "$signal")))
        [ "$status" -eq "$expected" ] ||
            broke "rules, 8 (signals): msg_sender stopped by SIG$signal ends with status $expected (got $status)"
        ended_with_0 "$receiver" "04-msgqueue, cleanup and signals: msg_sender stopped by SIG$signal sends the end marker, so msg_receiver ends with 0"
        same "$(bg_out receiver)" $'name : Kim\nage : 20\nid : 1' \
            "04-msgqueue, cleanup and signals: msg_sender stopped by SIG$signal drops the half-entered record; the complete ones arrive"
    done
}

@test "04-msgqueue: msg_receiver stopped by SIGINT or SIGTERM removes the queue and ends with 128+N" {
    # contract: 04-msgqueue, cleanup and signals; rules, 8 (signals)
    checks_cleanup
    for signal in INT TERM; do
        start_bg receiver msg_receiver
        wait_until queue_exists
        wait_blocked "$BG_PID"
        kill -"$signal" "$(program_pid "$BG_PID")"
        status=0
        wait_bg "$BG_PID" || status=$?
        expected=$((128 + $(kill -l "$signal")))
        [ "$status" -eq "$expected" ] ||
            broke "rules, 8 (signals): msg_receiver stopped by SIG$signal ends with status $expected (got $status)"
        no_queue_left "04-msgqueue, cleanup and signals: msg_receiver stopped by SIG$signal removes the queue"
    done
}

@test "04-msgqueue: msg_receiver -o FILE it cannot open fails naming FILE and creates no queue" {
    # contract: 04-msgqueue, bad input; rules, 3 (errors)
    checks_cleanup
    mkdir adir
    run --separate-stderr bounded msg_receiver -o adir
    expect_error adir "04-msgqueue, bad input: a FILE that cannot be opened for appending fails with exit 1 and a message naming FILE"
    no_queue_left "04-msgqueue, bad input: a FILE that cannot be opened leaves no queue: it is opened before the queue"
}

@test "04-msgqueue: msg_sender with an argument prints usage, exits 2, creates no queue" {
    # contract: 04-msgqueue, bad input; rules, 3 (errors)
    usage_refused msg_sender extra </dev/null
    no_queue_left "04-msgqueue, bad input: a usage error creates no queue"
}

@test "04-msgqueue: msg_receiver with an unknown option or an extra argument prints usage, exits 2, creates no queue" {
    # contract: 04-msgqueue, bad input; rules, 3 (errors)
    usage_refused msg_receiver -x
    usage_refused msg_receiver extra
    usage_refused msg_receiver -o
    no_queue_left "04-msgqueue, bad input: a usage error creates no queue"
}

# ------------------------------------------------------------ msgq_send/recv/ctl

@test "04-msgqueue: msgq_send then msgq_recv: TYPE TEXT, and the queue stays until msgq_ctl rm removes it" {
    # contract: 04-msgqueue, the msgq tools; 04-msgqueue, cleanup and signals
    checks_cleanup
    msgq_put 5 'hello, queue'
    msgq_takes '5 hello, queue' "04-msgqueue, the msgq tools: msgq_recv prints 'TYPE TEXT' on one line"
    [ "$(queue_count)" -eq 1 ] ||
        broke "04-msgqueue, the msgq tools: the queue stays after msgq_recv, until msgq_ctl rm"
    run --separate-stderr bounded msgq_ctl rm
    expect_status 0 "04-msgqueue, the msgq tools: msgq_ctl rm removes the queue and exits 0"
    same "$output" '' "04-msgqueue, the msgq tools: msgq_ctl rm prints nothing on stdout"
    no_queue_left "04-msgqueue, the msgq tools: msgq_ctl rm removes the queue"
}

@test "04-msgqueue: msgq_send then msgq_recv into a full stdout (/dev/full): msgq_recv reports it, exit 1" {
    # contract: rules, 10 (output)
    msgq_put 5 hello
    msgq_takes '5 hello' "04-msgqueue, the msgq tools: msgq_recv prints 'TYPE TEXT' on one line"
    msgq_put 5 hello
    run --separate-stderr full_stdout msgq_recv
    expect_write_error msgq_recv
    drop_msgq_queue
}

@test "04-msgqueue: msgq_ctl stat, which shows the queue, reports a full stdout (/dev/full): a message, exit 1" {
    # contract: rules, 10 (output)
    msgq_put 5 hello
    run --separate-stderr bounded msgq_ctl stat
    expect_status 0 "04-msgqueue, the msgq tools: msgq_ctl stat exits 0"
    run --separate-stderr full_stdout msgq_ctl stat
    expect_write_error msgq_ctl
    drop_msgq_queue
}

@test "04-msgqueue: the msgq tools' queue is made with mode 0600, by msgq_send or by a waiting msgq_recv" {
    # contract: 04-msgqueue, files; rules, 7 (permissions)
    # The modes are compared at the end, once the queues are removed.
    msgq_put 1 one
    by_send=$(queue_modes)
    drop_msgq_queue
    start_bg recv msgq_recv
    wait_until queue_exists
    by_recv=$(queue_modes)
    msgq_put 2 two
    ended_with_0 "$BG_PID" "04-msgqueue, the msgq tools: a waiting msgq_recv exits 0 once a message comes"
    drop_msgq_queue
    same "$by_send" 600 "rules, 7 (permissions): the queue msgq_send creates has mode 0600"
    same "$by_recv" 600 "rules, 7 (permissions): the queue a waiting msgq_recv creates has mode 0600"
}

@test "04-msgqueue: a waiting msgq_recv started first creates the queue and gets msgq_send's message" {
    # contract: 04-msgqueue, the msgq tools
    start_bg recv msgq_recv
    wait_until queue_exists
    wait_blocked "$BG_PID"
    msgq_put 2 'late message'
    ended_with_0 "$BG_PID" "04-msgqueue, the msgq tools: a waiting msgq_recv exits 0 once a message comes"
    same "$(bg_out recv)" '2 late message' "04-msgqueue, the msgq tools: msgq_recv prints 'TYPE TEXT' on one line"
    drop_msgq_queue
}

@test "04-msgqueue: msgq_recv -n on a missing queue says no message, exits 1, creates nothing" {
    # contract: 04-msgqueue, the msgq tools; 04-msgqueue, cleanup and signals
    checks_cleanup
    msgq_finds_nothing "04-msgqueue, the msgq tools: -n with no queue is 'no message', exit 1" -n
    no_queue_left "04-msgqueue, the msgq tools: msgq_recv -n never creates the queue"
}

@test "04-msgqueue: msgq_recv -n on an empty queue says no message and exits 1" {
    # contract: 04-msgqueue, the msgq tools
    msgq_put 1 one
    msgq_takes '1 one' "04-msgqueue, the msgq tools: msgq_recv prints 'TYPE TEXT'"
    msgq_finds_nothing "04-msgqueue, the msgq tools: -n on an empty queue is 'no message', exit 1" -n
    drop_msgq_queue
}

@test "04-msgqueue: msgq_ctl stat, rm and qbytes on a missing queue say no queue, exit 1, create nothing" {
    # contract: 04-msgqueue, the msgq tools; 04-msgqueue, cleanup and signals
    checks_cleanup
    for command in stat rm 'qbytes 100'; do
        run --separate-stderr bounded msgq_ctl $command
        [ "$status" -eq 1 ] && [[ ${stderr,,} == *'no queue'* ]] ||
            broke "04-msgqueue, the msgq tools: msgq_ctl $command with no queue says 'no queue' on stderr and exits 1"
    done
    no_queue_left "04-msgqueue, the msgq tools: msgq_ctl never creates a queue"
}

@test "04-msgqueue: msgtyp 0 takes the messages in the order they were sent" {
    # contract: 04-msgqueue, the msgq tools
    msgq_put 3 three
    msgq_put 1 one
    msgq_put 2 two
    rule="04-msgqueue, the msgq tools: -t 0 (the default) takes the first message in the queue"
    msgq_takes '3 three' "$rule"
    msgq_takes '1 one' "$rule" -t 0
    msgq_takes '2 two' "$rule" -n
    drop_msgq_queue
}

@test "04-msgqueue: a positive msgtyp takes the first message of that type" {
    # contract: 04-msgqueue, the msgq tools
    msgq_put 1 first-one
    msgq_put 2 first-two
    msgq_put 2 second-two
    msgq_put 1 second-one
    rule="04-msgqueue, the msgq tools: a positive -t TYPE takes the first message of that type"
    msgq_takes '2 first-two' "$rule" -t 2
    msgq_takes '2 second-two' "$rule" -t 2
    msgq_finds_nothing "$rule; with -n and none of that type: 'no message', exit 1" -n -t 2
    msgq_takes '1 first-one' "$rule" -t 1
    drop_msgq_queue
}

@test "04-msgqueue: a negative msgtyp takes the lowest type up to its absolute value (3, 1, 2 queued)" {
    # contract: 04-msgqueue, the msgq tools
    msgq_put 3 three
    msgq_put 1 one
    msgq_put 2 two
    rule="04-msgqueue, the msgq tools: a negative -t TYPE takes the first message of the lowest type up to |TYPE|"
    msgq_takes '1 one' "$rule" -t -2
    msgq_takes '2 two' "$rule" -t -2
    msgq_finds_nothing "$rule; with -n and none up to |TYPE|: 'no message', exit 1" -n -t -2
    msgq_takes '3 three' "$rule" -t -10
    drop_msgq_queue
}

@test "04-msgqueue: -x (MSG_EXCEPT) takes the first message of any other type" {
    # contract: 04-msgqueue, the msgq tools
    msgq_put 1 one
    msgq_put 1 uno
    msgq_put 2 two
    msgq_put 3 three
    rule="04-msgqueue, the msgq tools: -x -t TYPE takes the first message of any type other than TYPE"
    msgq_takes '2 two' "$rule" -x -t 1
    msgq_takes '3 three' "$rule" -x -t 1
    msgq_finds_nothing "$rule; with -n and none of another type: 'no message', exit 1" -n -x -t 1
    msgq_takes '1 one' "04-msgqueue, the msgq tools: -x leaves the messages of TYPE in the queue"
    drop_msgq_queue
}

@test "04-msgqueue: TYPE goes up to 9223372036854775807 and arrives unchanged" {
    # contract: 04-msgqueue, the msgq tools; rules, 4 (numbers)
    msgq_put 9223372036854775807 biggest
    msgq_takes '9223372036854775807 biggest' \
        "04-msgqueue, the msgq tools: TYPE 9223372036854775807 (the largest long) is sent and printed unchanged" \
        -t 9223372036854775807
    drop_msgq_queue
}

@test "04-msgqueue: a message longer than MAXBYTES is refused and stays in the queue" {
    # contract: 04-msgqueue, the msgq tools
    msgq_put 4 'hello world'
    run --separate-stderr bounded msgq_recv -s 5
    expect_status 1 "04-msgqueue, the msgq tools: a message longer than -s MAXBYTES, without -e, is refused with exit 1"
    same "$output" '' "04-msgqueue, the msgq tools: a refused message prints nothing on stdout"
    [ -n "$stderr" ] || broke "04-msgqueue, the msgq tools: a refused message gets a message on stderr"
    same "$(stat_field messages)" 1 "04-msgqueue, the msgq tools: a refused message stays in the queue"
    msgq_takes '4 hello world' "04-msgqueue, the msgq tools: a message of exactly MAXBYTES bytes is taken whole" -n -s 11
    drop_msgq_queue
}

@test "04-msgqueue: -e (MSG_NOERROR) cuts a message longer than MAXBYTES and takes it" {
    # contract: 04-msgqueue, the msgq tools
    msgq_put 4 'hello world'
    msgq_takes '4 hello' "04-msgqueue, the msgq tools: with -e a longer message is cut to MAXBYTES bytes" -e -s 5
    same "$(stat_field messages)" 0 "04-msgqueue, the msgq tools: with -e the cut message is gone from the queue"
    drop_msgq_queue
}

@test "04-msgqueue: -c (MSG_COPY) copies the message at a position, counted from 0, leaving it" {
    # contract: 04-msgqueue, the msgq tools
    # MSG_COPY is built with CONFIG_CHECKPOINT_RESTORE, as /proc/PID/map_files is:
    # the kernel, not the program under test, decides whether this test counts.
    [ -d /proc/self/map_files ] || skip "this kernel is built without CONFIG_CHECKPOINT_RESTORE: no MSG_COPY"
    msgq_put 3 three
    msgq_put 1 one
    msgq_put 2 two
    run --separate-stderr bounded msgq_recv -c -t 1
    rule="04-msgqueue, the msgq tools: -c -t N prints a copy of the message at position N, counted from 0"
    [ "$status" -eq 0 ] && [ "$output" = '1 one' ] || broke "$rule (msgq_recv -c -t 1 must print '1 one')"
    msgq_takes '3 three' "$rule" -c -t 0
    msgq_takes '2 two' "$rule" -c -t 2
    msgq_finds_nothing "04-msgqueue, the msgq tools: -c past the last message is 'no message', exit 1" -c -t 3
    same "$(stat_field messages)" 3 "04-msgqueue, the msgq tools: -c leaves the messages in the queue"
    msgq_takes '3 three' "04-msgqueue, the msgq tools: after -c the queue is as it was"
    drop_msgq_queue
}

@test "04-msgqueue: msgq_ctl stat shows messages, bytes, max bytes, PIDs and times" {
    # contract: 04-msgqueue, the msgq tools
    rule="04-msgqueue, the msgq tools: msgq_ctl stat prints"
    time='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}'
    bounded sh -c 'echo $$ > first.pid; exec msgq_send 7 abc' ||
        broke "04-msgqueue, the msgq tools: msgq_send 7 abc exits 0"
    bounded sh -c 'echo $$ > second.pid; exec msgq_send 8 defgh' ||
        broke "04-msgqueue, the msgq tools: msgq_send 8 defgh exits 0"
    run --separate-stderr bounded msgq_ctl stat
    expect_status 0 "04-msgqueue, the msgq tools: msgq_ctl stat exits 0"
    for line in "${lines[@]}"; do
        [[ $line =~ ^[^:]+:\ [^\ ] ]] || broke "$rule only 'field: value' lines (not: '$line')"
    done
    for want in 'messages: 2' 'bytes: 8' "max bytes: $(cat /proc/sys/kernel/msgmnb)" \
                "last sender pid: $(cat second.pid)" 'last receiver pid: 0' \
                "last send: $time" 'last receive: never' "last change: $time"; do
        grep -qxE -- "$want" <<<"$output" || broke "$rule the line '$want' (after sends of 3 and 5 bytes, no receive)"
    done

    bounded sh -c 'echo $$ > receiver.pid; exec msgq_recv' >/dev/null ||
        broke "04-msgqueue, the msgq tools: msgq_recv exits 0 after printing a message"
    run --separate-stderr bounded msgq_ctl stat
    expect_status 0 "04-msgqueue, the msgq tools: msgq_ctl stat exits 0"
    for want in 'messages: 1' 'bytes: 5' "last receiver pid: $(cat receiver.pid)" "last receive: $time"; do
        grep -qxE -- "$want" <<<"$output" || broke "$rule the line '$want' (after one receive)"
    done
    drop_msgq_queue
}

@test "04-msgqueue: msgq_ctl info shows the system's limits (IPC_INFO), with no queue" {
    # contract: 04-msgqueue, the msgq tools
    run --separate-stderr bounded msgq_ctl info
    expect_status 0 "04-msgqueue, the msgq tools: msgq_ctl info exits 0, with or without a queue"
    for limit in msgmax msgmnb msgmni; do
        want="$limit: $(cat /proc/sys/kernel/$limit)"
        grep -qxF -- "$want" <<<"$output" ||
            broke "04-msgqueue, the msgq tools: msgq_ctl info prints the line '$want' (as /proc/sys/kernel/$limit)"
    done
    no_queue_left "04-msgqueue, the msgq tools: msgq_ctl never creates a queue"
}

@test "04-msgqueue: msgq_ctl qbytes lowers the queue's max bytes, and a full queue refuses msgq_send -n" {
    # contract: 04-msgqueue, the msgq tools
    msgq_put 1 12345678
    run --separate-stderr bounded msgq_ctl qbytes 10
    expect_status 0 "04-msgqueue, the msgq tools: msgq_ctl qbytes 10 sets max bytes and exits 0"
    same "$output" '' "04-msgqueue, the msgq tools: msgq_ctl qbytes prints nothing on stdout"
    same "$(stat_field 'max bytes')" 10 "04-msgqueue, the msgq tools: after qbytes 10, stat shows 'max bytes: 10'"
    run --separate-stderr bounded msgq_send -n 1 87654321
    expect_status 1 "04-msgqueue, the msgq tools: msgq_send -n to a full queue fails at once with exit 1"
    [ -n "$stderr" ] || broke "04-msgqueue, the msgq tools: msgq_send -n to a full queue says so on stderr"
    same "$(stat_field messages)" 1 "04-msgqueue, the msgq tools: msgq_send -n to a full queue sends nothing"
    drop_msgq_queue
}

@test "04-msgqueue: msgq_ctl qbytes above msgmnb without privilege is refused, max bytes unchanged" {
    # contract: 04-msgqueue, the msgq tools
    msgq_put 1 x
    msgmnb=$(cat /proc/sys/kernel/msgmnb)
    big=$((msgmnb * 4))
    run --separate-stderr without_resource_privilege timeout "$LAB_TIMEOUT" msgq_ctl qbytes "$big"
    expect_status 1 "04-msgqueue, the msgq tools: qbytes above msgmnb without CAP_SYS_RESOURCE is refused (EPERM) with exit 1"
    [ -n "$stderr" ] || broke "04-msgqueue, the msgq tools: a refused qbytes gets a message on stderr"
    same "$(stat_field 'max bytes')" "$msgmnb" "04-msgqueue, the msgq tools: a refused qbytes leaves max bytes as it was"
    drop_msgq_queue
}

@test "04-msgqueue: msgq_send with TEXT longer than msgmax gives the limit, exits 1, creates no queue" {
    # contract: 04-msgqueue, the msgq tools; 04-msgqueue, cleanup and signals
    checks_cleanup
    msgmax=$(cat /proc/sys/kernel/msgmax)
    run --separate-stderr bounded msgq_send 1 "$(head -c $((msgmax + 1)) /dev/zero | tr '\0' a)"
    expect_status 1 "04-msgqueue, the msgq tools: TEXT longer than msgmax is refused with exit 1"
    says_number "$msgmax" "$stderr" ||
        broke "04-msgqueue, the msgq tools: a TEXT over the limit gets a message giving the limit's value, $msgmax"
    no_queue_left "04-msgqueue, the msgq tools: a refused TEXT creates no queue"
}

@test "04-msgqueue: msgq_send takes TEXT of exactly msgmax bytes, and msgq_recv gets it whole" {
    # contract: 04-msgqueue, the msgq tools
    msgmax=$(cat /proc/sys/kernel/msgmax)
    text=$(head -c "$msgmax" /dev/zero | tr '\0' a)
    msgq_put 1 "$text"
    run --separate-stderr bounded msgq_recv
    expect_status 0 "04-msgqueue, the msgq tools: msgq_recv takes a message of msgmax bytes (its default MAXBYTES is msgmax)"
    [ "$output" = "1 $text" ] ||
        broke "04-msgqueue, the msgq tools: a message of msgmax bytes arrives whole (got ${#output} characters, expected $((msgmax + 2)))"
    drop_msgq_queue
}

@test "04-msgqueue: a waiting msgq_recv whose queue is removed fails instead of hanging" {
    # contract: 04-msgqueue, the msgq tools
    start_bg recv msgq_recv
    wait_until queue_exists
    wait_blocked "$BG_PID"
    run --separate-stderr bounded msgq_ctl rm
    expect_status 0 "04-msgqueue, the msgq tools: msgq_ctl rm removes the queue and exits 0"
    status=0
    wait_bg "$BG_PID" || status=$?
    [ "$status" -eq 1 ] ||
        broke "04-msgqueue, the msgq tools: a waiting msgq_recv whose queue is removed ends with exit 1 (got $status; 124: it hung)"
    [ -n "$(bg_err recv)" ] ||
        broke "04-msgqueue, the msgq tools: a waiting msgq_recv whose queue is removed says so on stderr"
}

@test "04-msgqueue: runs in two folders do not share a queue" {
    # contract: 04-msgqueue, files; rules, 5 (keys)
    mkdir one two
    (cd one && bounded msgq_send 1 'for one only') ||
        broke "04-msgqueue, the msgq tools: msgq_send 1 TEXT exits 0"
    run --separate-stderr bash -c "cd two && timeout $LAB_TIMEOUT msgq_recv -n"
    [ "$status" -eq 1 ] && [[ ${stderr,,} == *'no message'* ]] ||
        broke "rules, 5 (keys): a message sent in one folder is not seen in another: msgq_recv -n there says 'no message'"
    run --separate-stderr bash -c "cd one && timeout $LAB_TIMEOUT msgq_recv"
    [ "$status" -eq 0 ] && [ "$output" = '1 for one only' ] ||
        broke "04-msgqueue, the msgq tools: the message waits in its own folder's queue"
    (cd one && bounded msgq_ctl rm) || true
}

@test "04-msgqueue: msgq_send with a TYPE that is not a number from 1 to 9223372036854775807 prints usage, exits 2" {
    # contract: 04-msgqueue, bad input; rules, 3 (errors); rules, 4 (numbers)
    for type in 0 -1 abc 1x '' ' 5' '+5' 0x10 1e3 9223372036854775808; do
        usage_refused msgq_send "$type" text
    done
    usage_refused msgq_send 1
    usage_refused msgq_send
    usage_refused msgq_send 1 text extra
    usage_refused msgq_send -q 1 text
    no_queue_left "04-msgqueue, bad input: a usage error creates no queue"
}

@test "04-msgqueue: msgq_recv with a bad option or number prints usage, exits 2" {
    # contract: 04-msgqueue, bad input; rules, 3 (errors); rules, 4 (numbers)
    usage_refused msgq_recv -t
    usage_refused msgq_recv -t abc
    usage_refused msgq_recv -t ' 5'
    usage_refused msgq_recv -t +5
    usage_refused msgq_recv -t 0x10
    usage_refused msgq_recv -t 1e3
    usage_refused msgq_recv -s -1
    usage_refused msgq_recv -s x
    usage_refused msgq_recv -s 0x10
    usage_refused msgq_recv extra
    usage_refused msgq_recv -q
    no_queue_left "04-msgqueue, bad input: a usage error creates no queue"
}

@test "04-msgqueue: msgq_ctl with a bad command or qbytes N prints usage, exits 2" {
    # contract: 04-msgqueue, bad input; rules, 3 (errors); rules, 4 (numbers)
    usage_refused msgq_ctl
    usage_refused msgq_ctl bogus
    usage_refused msgq_ctl stat extra
    usage_refused msgq_ctl qbytes
    usage_refused msgq_ctl qbytes abc
    usage_refused msgq_ctl qbytes -5
    usage_refused msgq_ctl qbytes 0
    usage_refused msgq_ctl qbytes ' 5'
    usage_refused msgq_ctl qbytes 0x10
    usage_refused msgq_ctl qbytes 2147483648
    usage_refused msgq_ctl qbytes 10 extra
    no_queue_left "04-msgqueue, bad input: a usage error creates no queue"
}

# ------------------------------------------------------------ other users, two pairs

# sysvipc_queue ID: the queue's line in /proc/sysvipc/msg (its messages,
# bytes, last sender and receiver, times): a send, a receive or a removal
# changes it; IPC_STAT does not.
sysvipc_queue() {
    awk -v id="$1" 'NR > 1 && $2 == id' /proc/sysvipc/msg
}

# untouched ID BEFORE WHO: the queue is still there, as BEFORE showed it.
untouched() {
    [ "$(sysvipc_queue "$1")" = "$2" ] ||
        broke "rules, 13 (objects another user made): $3 refuses another user's queue touching nothing: no message sent or taken, no IPC_SET, no IPC_RMID (before: $2; after: $(sysvipc_queue "$1"))"
}

# refused_squat WHO [ARGS...]: WHO ARGS (stdin: answers.txt) fails with
# exit 1 and a message naming the squatter's uid, leaving its queue $squatted
# as it was.
refused_squat() {
    local before
    before=$(sysvipc_queue "$squatted")
    run --separate-stderr bounded "$@" <answers.txt
    expect_error "$OTHER_UID" "rules, 13 (objects another user made): $* finds a queue of uid $OTHER_UID, mode 0666, at its key: it refuses it, exit 1, naming the owner"
    untouched "$squatted" "$before" "$1"
}

# own_squat PROJ_ID MODE: as this test's own user, a queue at ftok(".",
# PROJ_ID) with MODE, as a careless program of ours might have left it
# (tests/squat.c, the squat helper's program, run without a second user);
# prints its id.
own_squat() {
    local squat=$BATS_FILE_TMPDIR/squat
    [ -x "$squat" ] || cc -std=c17 -o "$squat" "$REPO/tests/squat.c" || return 1
    "$squat" q "$@"
}

# refused_own WHO [ARGS...]: WHO ARGS (stdin: answers.txt) fails with exit
# 1 and a message giving the exact command that removes our own queue
# $squatted, mode 0666, leaving it as it was.
refused_own() {
    local before
    before=$(sysvipc_queue "$squatted")
    run --separate-stderr bounded "$@" <answers.txt
    expect_error "ipcrm -q $squatted" "04-msgqueue, other users and crashed runs: $* finds a queue of ours whose mode is 0666, not 0600: it refuses it, exit 1, naming the command that removes it (ipcrm -q ID)"
    untouched "$squatted" "$before" "$1"
}

@test "04-msgqueue: a records' queue another user made first is refused by msg_sender and msg_receiver, untouched" {
    # contract: 04-msgqueue, other users and crashed runs; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    printf 'Kim\n20\n1\nn\n' >answers.txt
    squatted=$(squat q "$(printf '%d' "'p")" 0666)     # PERSON_PROJ_ID
    refused_squat msg_sender
    [ "$(awk '{ print $5 }' <<<"$(sysvipc_queue "$squatted")")" = 0 ] ||
        broke "rules, 13 (objects another user made): msg_sender sends no record to another user's queue"
    refused_squat msg_receiver
    [ -z "$output" ] || broke "rules, 13 (objects another user made): a refused msg_receiver prints no record"
    ipcrm -q "$squatted"
    squatted=
    [ -z "$(work_ipc_objects)" ] ||
        broke "04-msgqueue, other users and crashed runs: a refused program leaves no object of its own (left: $(work_ipc_objects))"
}

@test "04-msgqueue: the msgq tools refuse a queue another user made first, touching nothing" {
    # contract: 04-msgqueue, other users and crashed runs; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    : >answers.txt
    squatted=$(squat q "$(printf '%d' "'q")" 0666)     # MSGQ_PROJ_ID
    refused_squat msgq_send 1 secret
    refused_squat msgq_recv
    refused_squat msgq_recv -n
    refused_squat msgq_ctl stat
    refused_squat msgq_ctl qbytes 100
    refused_squat msgq_ctl rm
    ipcrm -q "$squatted"
    squatted=
}

@test "04-msgqueue: a queue of our own at a key whose mode is not 0600 is refused, untouched, with the ipcrm command" {
    # contract: 04-msgqueue, other users and crashed runs; rules, 13 (objects another user made)
    : >answers.txt
    squatted=$(own_squat "$(printf '%d' "'q")" 0666)    # MSGQ_PROJ_ID
    refused_own msgq_send 1 secret
    refused_own msgq_recv -n
    refused_own msgq_ctl stat
    ipcrm -q "$squatted"
    squatted=$(own_squat "$(printf '%d' "'p")" 0666)    # PERSON_PROJ_ID
    printf 'Kim\n20\n1\nn\n' >answers.txt
    refused_own msg_sender
    refused_own msg_receiver
    [ -z "$output" ] || broke "rules, 13 (objects another user made): a refused msg_receiver prints no record"
    ipcrm -q "$squatted"
    squatted=
}

@test "04-msgqueue: a second msg_receiver in the folder is refused; the first gets every record" {
    # contract: 04-msgqueue, two pairs in one folder
    start_bg first msg_receiver
    first=$BG_PID
    wait_until queue_exists
    wait_blocked "$first"
    start_bg second msg_receiver -o second.txt
    second=$BG_PID
    wait_until -p "" has_ended "$second" ||
        broke "04-msgqueue, two pairs in one folder: a second msg_receiver while one waits is refused at once, not left waiting"
    status=0
    wait_bg "$second" || status=$?
    [ "$status" -eq 1 ] && [ -n "$(bg_err second)" ] ||
        broke "04-msgqueue, two pairs in one folder: a second msg_receiver exits 1 with a message on stderr (got status $status)"
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
    expect_status 0 "04-msgqueue, the dialogue: after 'n' msg_sender exits 0"
    ended_with_0 "$first" "04-msgqueue, the exchange: the first msg_receiver exits 0 after the last record"
    same "$(bg_out first)" $'name : Kim\nage : 20\nid : 1\nname : Lee\nage : 31\nid : 2' \
        "04-msgqueue, two pairs in one folder: the first msg_receiver gets every record; the refused one takes none"
    [ -z "$(bg_out second)" ] && [ ! -s second.txt ] ||
        broke "04-msgqueue, two pairs in one folder: the refused msg_receiver prints and stores nothing"
}

@test "04-msgqueue: a second msg_sender while one is in its dialogue is refused; the records do not mix" {
    # contract: 04-msgqueue, two pairs in one folder
    mkfifo answers
    exec 4<>answers
    printf 'Kim\n20\n1\ny\n' >&4
    start_bg first sh -c 'exec msg_sender < answers' 4>&-
    first=$BG_PID
    wait_blocked "$first"
    run --separate-stderr bounded msg_sender <<'INPUT'
Eve
66
6
n
INPUT
    [ "$status" -eq 1 ] && [ -n "$stderr" ] ||
        broke "04-msgqueue, two pairs in one folder: a second msg_sender while one is in its dialogue exits 1 with a message on stderr, sending nothing (got status $status)"
    printf 'Lee\n31\n2\nn\n' >&4
    wait_bg "$first" || broke "04-msgqueue, the dialogue: the first msg_sender exits 0 after 'n' (status $?)"
    exec 4<&-
    run --separate-stderr bounded msg_receiver
    expect_status 0 "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    same "$output" $'name : Kim\nage : 20\nid : 1\nname : Lee\nage : 31\nid : 2' \
        "04-msgqueue, two pairs in one folder: the receiver gets the first sender's records only, in order"
    no_queue_left "04-msgqueue, cleanup and signals: msg_receiver removes the queue when the exchange ends"
}

@test "04-msgqueue: a msg_sender started while an earlier sender's records still wait is refused; none is lost" {
    # contract: 04-msgqueue, two pairs in one folder
    run --separate-stderr bounded msg_sender <<<$'Kim\n20\n1\nn'
    expect_status 0 "04-msgqueue, the dialogue: after 'n' msg_sender exits 0"
    run --separate-stderr bounded msg_sender <<<$'Lee\n31\n2\nn'
    [ "$status" -eq 1 ] && [ -n "$stderr" ] ||
        broke "04-msgqueue, two pairs in one folder: a msg_sender whose queue still holds an earlier sender's records exits 1 with a message (the receiver would stop at the first sender's last record and drop the rest; got status $status)"
    run --separate-stderr bounded msg_receiver
    expect_status 0 "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    same "$output" $'name : Kim\nage : 20\nid : 1' "04-msgqueue, the exchange: the waiting records arrive"
    no_queue_left "04-msgqueue, cleanup and signals: msg_receiver removes the queue when the exchange ends"
}

# waiting_or_ended PID: the program started as PID has ended, or sleeps in
# a system call (under valgrind: memcheck itself), as wait_blocked sees it.
waiting_or_ended() {
    has_ended "$1" && return 0
    local pid
    pid=$(program_pid "$1" 2>/dev/null) || return 0
    [ "$(process_state "$pid")" = S ] &&
        { [ -z "${IPC_LABS_VALGRIND:-}" ] || [[ $(cat "/proc/$pid/comm" 2>/dev/null) == memcheck* ]]; }
}

@test "04-msgqueue: after a msg_receiver killed by SIGKILL, the next run works or names the exact ipcrm command" {
    # contract: 04-msgqueue, other users and crashed runs; rules, 14 (stale objects)
    start_bg receiver msg_receiver
    wait_until queue_exists
    wait_blocked "$BG_PID"
    kill -KILL "$(program_pid "$BG_PID")"
    wait_bg "$BG_PID" || true
    # At most a few objects to remove, each named by the run that refuses.
    for round in 1 2 3 4; do
        start_bg next msg_receiver
        next=$BG_PID
        wait_until -p "" waiting_or_ended "$next"
        has_ended "$next" || break          # it waits for records: it works
        status=0
        wait_bg "$next" || status=$?
        advice=$(bg_err next | grep -oE 'ipcrm( -[qms] [0-9]+)+' | head -n 1)
        [ "$status" -eq 1 ] && [ -n "$advice" ] ||
            broke "rules, 14 (stale objects): a run that cannot use what a killed run left exits 1, naming the exact command that removes it (ipcrm -q ID) (status $status)"
        $advice || broke "rules, 14 (stale objects): the command given, '$advice', removes what was left"
    done
    ! has_ended "$next" || broke "rules, 14 (stale objects): once what was named is removed, msg_receiver works again"
    run --separate-stderr bounded msg_sender </dev/null
    expect_status 0 "04-msgqueue, the dialogue: on empty input msg_sender sends the end marker and exits 0"
    ended_with_0 "$next" "04-msgqueue, the exchange: at the end marker msg_receiver exits 0"
}

@test "04-msgqueue: after a msg_sender killed by SIGKILL in its dialogue, the next one works or names the exact ipcrm command" {
    # contract: 04-msgqueue, other users and crashed runs; rules, 14 (stale objects)
    mkfifo answers
    exec 4<>answers
    printf 'Kim\n20\n1\ny\n' >&4
    start_bg first sh -c 'exec msg_sender < answers' 4>&-
    wait_blocked "$BG_PID"
    kill -KILL "$(program_pid "$BG_PID")"
    wait_bg "$BG_PID" || true
    exec 4<&-
    # At most a few objects to remove, each named by the run that refuses.
    for round in 1 2 3 4; do
        run --separate-stderr bounded msg_sender <<<$'Lee\n31\n2\nn'
        [ "$status" -eq 0 ] && break
        advice=$(grep -oE 'ipcrm( -[qms] [0-9]+)+' <<<"$stderr" | head -n 1)
        [ "$status" -eq 1 ] && [ -n "$advice" ] ||
            broke "rules, 14 (stale objects): a run that cannot use what a killed run left exits 1, naming the exact command that removes it (ipcrm -q ID)"
        $advice || broke "rules, 14 (stale objects): the command given, '$advice', removes what was left"
    done
    expect_status 0 "rules, 14 (stale objects): once what was named is removed, msg_sender works again"
    run --separate-stderr bounded msg_receiver
    expect_status 0 "04-msgqueue, the exchange: msg_receiver exits 0 after the last record"
    [[ $output == *$'name : Lee\nage : 31\nid : 2' ]] ||
        broke "04-msgqueue, the exchange: the record of the sender that ran after the killed one arrives, last"
    no_queue_left "04-msgqueue, cleanup and signals: msg_receiver removes the queue when the exchange ends"
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "04-msgqueue: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
