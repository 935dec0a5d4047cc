#!/usr/bin/env bats
# 03-fifo: fifo_create, fifo_producer and fifo_consumer, as CONTRACT.md
# describes them.

load test_helper

setup()    { lab_setup 03-fifo; }
teardown() { lab_teardown; }

# same_file_state FILE: content checksum, inode and modification time of FILE,
# to show that a program left it exactly as it was.
same_file_state() {
    printf '%s %s\n' "$(md5sum < "$1")" "$(stat -c '%i %Y.%y' "$1")"
}

@test "03-fifo: fifo_create makes a FIFO with mode 0600 and says so" {
    run --separate-stderr bounded fifo_create my_fifo
    assert_success
    assert_output 'FIFO created'
    assert [ -p my_fifo ]
    assert_equal "$(stat -c %a my_fifo)" 600
    rm my_fifo
}

@test "03-fifo: fifo_create on an existing path fails naming it, leaving it as it was" {
    fifo_create existing_fifo
    run --separate-stderr bounded fifo_create existing_fifo
    assert_failure 1
    assert_output ''
    [[ $stderr == fifo_create:*existing_fifo* ]]
    assert [ -p existing_fifo ]
    rm existing_fifo

    echo 'keep me' > notes.txt
    before=$(same_file_state notes.txt)
    run --separate-stderr bounded fifo_create notes.txt
    assert_failure 1
    [[ $stderr == fifo_create:*notes.txt* ]]
    assert_equal "$(same_file_state notes.txt)" "$before"
}

@test "03-fifo: fifo_create without PATH or with two prints usage and exits 2" {
    run --separate-stderr bounded fifo_create
    assert_failure 2
    [[ $stderr == usage:\ fifo_create* ]]
    run --separate-stderr bounded fifo_create a b
    assert_failure 2
    [[ $stderr == usage:\ fifo_create* ]]
    assert [ ! -e a ]
}

@test "03-fifo: consumer first, then producer: the text arrives and the FIFO is removed" {
    printf 'hello, fifo\n' > hello.txt
    start_bg consumer fifo_consumer my_fifo copy.txt
    consumer=$BG_PID
    wait_blocked "$consumer"
    run --separate-stderr bounded fifo_producer my_fifo hello.txt
    assert_success
    [[ $stderr == *12* ]] || fail "producer's stderr has no byte count: $stderr"
    wait_bg "$consumer" || fail "consumer failed: $(bg_err consumer)"
    [[ $(bg_err consumer) == *12* ]] || fail "consumer's stderr has no byte count: $(bg_err consumer)"
    cmp hello.txt copy.txt
    assert [ ! -e my_fifo ]
}

@test "03-fifo: producer first, then consumer: the text arrives and the FIFO is removed" {
    printf 'hello, fifo\n' > hello.txt
    start_bg producer fifo_producer my_fifo hello.txt
    producer=$BG_PID
    wait_until test -p my_fifo
    wait_blocked "$producer"
    assert [ -p my_fifo ]
    run --separate-stderr bounded fifo_consumer my_fifo
    assert_success
    assert_output 'hello, fifo'
    [[ $stderr == *12* ]] || fail "consumer's stderr has no byte count: $stderr"
    wait_bg "$producer" || fail "producer failed: $(bg_err producer)"
    [[ $(bg_err producer) == *12* ]]
    assert [ ! -e my_fifo ]
}

@test "03-fifo: the FIFO that producer or consumer makes has mode 0600" {
    start_bg producer fifo_producer by_producer /dev/null
    wait_until test -p by_producer
    wait_blocked "$BG_PID"
    assert_equal "$(stat -c %a by_producer)" 600
    bounded fifo_consumer by_producer > /dev/null 2>&1
    wait_bg "$BG_PID"

    start_bg consumer fifo_consumer by_consumer
    wait_until test -p by_consumer
    wait_blocked "$BG_PID"
    assert_equal "$(stat -c %a by_consumer)" 600
    bounded fifo_producer by_consumer /dev/null 2>/dev/null
    wait_bg "$BG_PID"
    assert [ ! -e by_producer ]
    assert [ ! -e by_consumer ]
}

@test "03-fifo: a 3 MiB random binary file arrives byte for byte (consumer first)" {
    head -c 3145728 /dev/urandom > random.bin
    start_bg consumer fifo_consumer my_fifo copy.bin
    wait_blocked "$BG_PID"
    run --separate-stderr bounded fifo_producer my_fifo random.bin
    assert_success
    [[ $stderr == *3145728* ]]
    wait_bg "$BG_PID" || fail "consumer failed: $(bg_err consumer)"
    [[ $(bg_err consumer) == *3145728* ]]
    cmp random.bin copy.bin
    assert [ ! -e my_fifo ]
}

@test "03-fifo: a 3 MiB random binary file arrives byte for byte (producer first, stdin to stdout)" {
    head -c 3145728 /dev/urandom > random.bin
    start_bg producer sh -c 'exec fifo_producer my_fifo < random.bin'
    wait_blocked "$BG_PID"
    bounded fifo_consumer my_fifo > copy.bin 2> consumer.err
    wait_bg "$BG_PID" || fail "producer failed: $(bg_err producer)"
    cmp random.bin copy.bin
    [[ $(cat consumer.err) == *3145728* ]]
    assert [ ! -e my_fifo ]
}

@test "03-fifo: NUL bytes, no final newline and an empty file arrive as they are" {
    printf 'a\0b\0\0c' > nuls.bin
    start_bg consumer fifo_consumer my_fifo copy.bin
    bounded fifo_producer my_fifo nuls.bin 2>/dev/null
    wait_bg "$BG_PID"
    cmp nuls.bin copy.bin

    : > empty
    echo 'old content' > copy.bin
    start_bg consumer fifo_consumer my_fifo copy.bin
    run --separate-stderr bounded fifo_producer my_fifo empty
    assert_success
    wait_bg "$BG_PID"
    [[ $(bg_err consumer) == *0* ]]
    assert [ ! -s copy.bin ]
    assert [ ! -e my_fifo ]
}

@test "03-fifo: a FIFO made by fifo_create is used by the pair and removed by the consumer" {
    fifo_create my_fifo
    start_bg producer sh -c 'echo through fifo_create | exec fifo_producer my_fifo'
    run --separate-stderr bounded fifo_consumer my_fifo
    assert_success
    assert_output 'through fifo_create'
    wait_bg "$BG_PID"
    assert [ ! -e my_fifo ]
}

@test "03-fifo: producer refuses a PATH that is a regular file and leaves it unchanged" {
    echo 'precious data' > precious.txt
    before=$(same_file_state precious.txt)
    run --separate-stderr bounded fifo_producer precious.txt <<<overwrite
    assert_failure 1
    [[ $stderr == fifo_producer:*precious.txt* ]]
    assert_equal "$(same_file_state precious.txt)" "$before"
    assert [ -f precious.txt ]
}

@test "03-fifo: consumer refuses a PATH that is a regular file and leaves it unchanged" {
    echo 'precious data' > precious.txt
    echo 'old output' > out.txt
    before=$(same_file_state precious.txt)
    out_before=$(same_file_state out.txt)
    run --separate-stderr bounded fifo_consumer precious.txt out.txt
    assert_failure 1
    assert_output ''
    [[ $stderr == fifo_consumer:*precious.txt* ]]
    assert_equal "$(same_file_state precious.txt)" "$before"
    assert_equal "$(same_file_state out.txt)" "$out_before"
}

@test "03-fifo: producer and consumer refuse a PATH that is a directory" {
    mkdir adir
    run --separate-stderr bounded fifo_producer adir /dev/null
    assert_failure 1
    [[ $stderr == fifo_producer:*adir* ]]
    run --separate-stderr bounded fifo_consumer adir
    assert_failure 1
    [[ $stderr == fifo_consumer:*adir* ]]
    assert [ -d adir ]
}

@test "03-fifo: producer with a missing FILE names it, exits 1 and leaves no FIFO" {
    run --separate-stderr bounded fifo_producer my_fifo missing.txt
    assert_failure 1
    [[ $stderr == fifo_producer:*missing.txt* ]]
    assert [ ! -e my_fifo ]
}

@test "03-fifo: producer and consumer never wait for themselves (FILE or OUTFILE the FIFO)" {
    fifo_create my_fifo
    run --separate-stderr bounded fifo_producer my_fifo my_fifo
    assert_failure 1
    [[ $stderr == fifo_producer:* ]]
    run --separate-stderr bounded fifo_consumer my_fifo my_fifo
    assert_failure 1
    [[ $stderr == fifo_consumer:* ]]
    rm -f my_fifo
}

@test "03-fifo: producer and consumer print usage and exit 2 without PATH or with too many arguments" {
    for program in fifo_producer fifo_consumer; do
        run --separate-stderr bounded "$program"
        assert_failure 2
        [[ $stderr == usage:\ $program* ]]
        run --separate-stderr bounded "$program" f a b
        assert_failure 2
        [[ $stderr == usage:\ $program* ]]
    done
    assert [ ! -e f ]
}

@test "03-fifo: producer reports the consumer's death with an error and exit 1, not a silent SIGPIPE" {
    head -c 3145728 /dev/urandom > random.bin
    # The consumer's output goes into a FIFO that the test holds open and never
    # reads: the consumer blocks writing, the producer blocks writing behind it.
    mkfifo sink
    exec 4<>sink
    start_bg consumer fifo_consumer my_fifo sink
    consumer=$BG_PID
    wait_until test -p my_fifo
    wait_blocked "$consumer"
    start_bg producer fifo_producer my_fifo random.bin
    producer=$BG_PID
    wait_blocked "$producer"
    kill -KILL "$(program_pid "$consumer")"
    wait_bg "$consumer" || true
    status=0
    wait_bg "$producer" || status=$?
    exec 4<&-
    rm -f sink my_fifo
    assert_equal "$status" 1
    [[ $(bg_err producer) == fifo_producer:* ]] || fail "producer's stderr: $(bg_err producer)"
    [[ $(bg_err producer) != *3145728* ]]
}

@test "03-fifo: a consumer whose output breaks fails with exit 1, and so does the producer" {
    head -c 3145728 /dev/urandom > random.bin
    start_bg consumer bash -c 'fifo_consumer my_fifo | head -c 10 > /dev/null; exit ${PIPESTATUS[0]}'
    consumer=$BG_PID
    run --separate-stderr bounded fifo_producer my_fifo random.bin
    assert_failure 1
    [[ $stderr == fifo_producer:* ]]
    status=0
    wait_bg "$consumer" || status=$?
    assert_equal "$status" 1
    [[ $(bg_err consumer) == fifo_consumer:* ]]
    rm -f my_fifo
}

# stopped_while_waiting PROGRAM ARGS...: PROGRAM, waiting on my_fifo for its
# partner, is stopped by SIGTERM and then by SIGINT (a fresh run each): it
# must end before its time limit and remove the FIFO.
stopped_while_waiting() {
    for signal in TERM INT; do
        start_bg waiting "$@"
        wait_until test -p my_fifo
        wait_blocked "$BG_PID"
        assert [ -p my_fifo ]
        kill -"$signal" "$(program_pid "$BG_PID")"
        status=0
        wait_bg "$BG_PID" || status=$?
        assert [ "$status" -ne 124 ]
        assert [ ! -e my_fifo ]
    done
}

@test "03-fifo: a consumer stopped by SIGTERM or SIGINT while it waits removes the FIFO" {
    stopped_while_waiting fifo_consumer my_fifo
}

@test "03-fifo: a producer stopped by SIGTERM or SIGINT while it waits removes the FIFO it made" {
    stopped_while_waiting fifo_producer my_fifo /dev/null
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "03-fifo: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
