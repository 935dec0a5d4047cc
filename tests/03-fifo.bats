#!/usr/bin/env bats
# 03-fifo: fifo_create, fifo_producer and fifo_consumer, as CONTRACT.md
# describes them (section "03-fifo").

load test_helper

setup()    { lab_setup 03-fifo; }
# The FIFO "sink" is the test's own (see stalled_pair), never a leftover; so
# is "feed" (see killed_producer), and "elsewhere" (the symbolic link tests,
# when they fail before they remove it). A small disk (see small_disk) is
# unmounted.
teardown() {
    [ -z "${SINK:-}" ] || { exec 4<&-; rm -f "$WORK/sink" "$WORK/feed"; }
    [ -z "${WORK:-}" ] || rm -f "$WORK/elsewhere"
    [ -z "${DISK:-}" ] || umount "$DISK" 2>/dev/null || true
    lab_teardown
}

# same_file_state FILE: content checksum, inode and modification time of FILE,
# to show that a program left it exactly as it was.
same_file_state() {
    printf '%s %s\n' "$(md5sum < "$1")" "$(stat -c '%i %Y.%y' "$1")"
}

# unchanged FILE BEFORE RULE: FILE is still as same_file_state saw it (BEFORE),
# else broke RULE.
unchanged() {
    [ -e "$1" ] || broke "$3 ($1 is gone)"
    [ "$(same_file_state "$1")" = "$2" ] || broke "$3 ($1 was changed)"
}

# same_bytes EXPECTED COPY RULE: COPY holds exactly the bytes of EXPECTED,
# else broke RULE, saying where they first differ and both sizes.
same_bytes() {
    local diff
    if ! diff=$(cmp -- "$1" "$2" 2>&1); then
        broke "$3 ($(stat -c %s "$1" 2>/dev/null || echo ?) bytes sent, $(stat -c %s "$2" 2>/dev/null || echo ?) in $2: ${diff:-they differ})"
    fi
}

# no_fifo_at PATH RULE: nothing is left at PATH, else broke RULE.
no_fifo_at() {
    [ ! -e "$1" ] && [ ! -L "$1" ] || broke "$2 ($1 is still there)"
}

# listing DIR: the names in DIR, hidden ones too, to show that a program left
# no temporary file behind.
listing() {
    ls -A "$1" | sort
}

# same_listing DIR BEFORE RULE: DIR holds the names listing saw (BEFORE), no
# more, else broke RULE naming the new ones.
same_listing() {
    local now
    now=$(listing "$1")
    [ "$now" = "$2" ] ||
        broke "$3 (new in $1: $(comm -13 <(printf '%s\n' "$2") <(printf '%s\n' "$now") | tr '\n' ' '))"
}

# settled PID: the program that start_bg started as PID has ended or sleeps
# in a system call (for a test that accepts either).
settled() {
    local pid state
    has_ended "$1" && return 0
    pid=$(program_pid "$1" 2>/dev/null) || return 0
    state=$(process_state "$pid")
    [ -z "$state" ] || [ "$state" = S ] || [ "$state" = Z ]
}

# helper_waits PID: the helper that start_bg started as PID (cat, cp: not a
# lab program, so never under valgrind, which wait_blocked expects there) has
# become itself and sleeps in a system call, as in open() on a FIFO.
helper_waits() {
    local pid state
    pid=$(program_pid "$1" 2>/dev/null) || return 1
    state=$(process_state "$pid")
    [ "$state" = S ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != setpriv ]
}

# unblock_fifo PATH: ends the wait of whoever waits in open() on the FIFO at
# PATH, reader or writer, by opening it read and write (which never blocks on
# Linux) and closing it: the reader then sees end of file, the writer EPIPE.
# (A plain open for writing would wait forever once the reader has gone.)
unblock_fifo() {
    local fd
    exec {fd}<>"$1" && exec {fd}<&-
}

# start_bg_as_other_user NAME CMD [ARGS...]: start_bg NAME CMD, run as the
# other user (as_other_user's setpriv: start_bg runs a command, not a function).
start_bg_as_other_user() {
    local name=$1
    shift
    start_bg "$name" setpriv --reuid="$OTHER_UID" --regid="$OTHER_UID" --clear-groups -- "$@"
}

# says_count N TEXT WHO RULE: TEXT (a program's stderr) says the byte count N
# as a number of its own, else broke RULE.
says_count() {
    says_number "$1" "$2" || broke "$4 ($3's stderr must say $1, the number of bytes)"
}

# ---------------------------------------------------------------- fifo_create

@test "03-fifo: fifo_create makes a FIFO with mode 0600 and prints FIFO created" {
    # contract: 03-fifo, programs; rules, 7 (permissions)
    run --separate-stderr bounded fifo_create my_fifo
    expect_status 0 "03-fifo, programs: fifo_create PATH makes the FIFO and exits 0"
    made=$(stat -c '%F %a' my_fifo 2>&1)
    rm -f my_fifo             # the test's own FIFO: removed before any check can fail
    [ "$output" = 'FIFO created' ] ||
        broke "03-fifo, programs: fifo_create prints exactly one line on stdout, 'FIFO created'"
    [[ $made == fifo* ]] || broke "03-fifo, programs: fifo_create PATH makes a FIFO at PATH (found: $made)"
    [ "${made##* }" = 600 ] ||
        broke "rules, 7 (permissions): the FIFO has mode 0600, not ${made##* }"
}

@test "03-fifo: fifo_create reports a full stdout (/dev/full): a message, exit 1" {
    # contract: rules, 10 (output)
    run --separate-stderr bounded fifo_create my_fifo
    rm -f my_fifo
    expect_status 0 "03-fifo, programs: fifo_create PATH makes the FIFO and exits 0"
    run --separate-stderr full_stdout fifo_create my_fifo
    rm -f my_fifo             # made or not: what the rule is about is the exit status
    expect_write_error fifo_create
}

@test "03-fifo: fifo_create takes PATH as a name, never as shell text" {
    # contract: 03-fifo, programs; rules, 3 (errors)
    name='my fifo;touch pwned $(touch pwned2)'
    run --separate-stderr bounded fifo_create "$name"
    made=$(stat -c %F "$name" 2>&1)
    rm -f "$name"             # the test's own FIFO: removed before any check can fail
    expect_status 0 "03-fifo, programs: fifo_create PATH makes the FIFO at PATH, whatever characters its name holds"
    [[ $made == fifo* ]] || broke "03-fifo, programs: fifo_create makes a FIFO named exactly PATH (found: $made)"
    [ -z "$(ls -A)" ] ||
        broke "rules, 3 (errors): fifo_create makes only PATH; a name is never run as a shell command (found: $(ls -A))"
}

@test "03-fifo: fifo_create on an existing FIFO fails naming it and leaves it there" {
    # contract: 03-fifo, bad input
    mkfifo existing_fifo
    run --separate-stderr bounded fifo_create existing_fifo
    left=$(stat -c %F existing_fifo 2>&1)
    rm -f existing_fifo       # the test's own FIFO: removed before any check can fail
    expect_error existing_fifo "03-fifo, bad input: fifo_create PATH on an existing PATH exits 1 naming PATH"
    [ -z "$output" ] || broke "03-fifo, bad input: a refused fifo_create prints nothing on stdout"
    [ "$left" = fifo ] || broke "03-fifo, bad input: a refused fifo_create leaves the FIFO at PATH as it was (found: $left)"
}

@test "03-fifo: fifo_create on an existing regular file fails naming it and leaves it unchanged" {
    # contract: 03-fifo, bad input
    echo 'keep me' > notes.txt
    before=$(same_file_state notes.txt)
    run --separate-stderr bounded fifo_create notes.txt
    expect_error notes.txt "03-fifo, bad input: fifo_create PATH on an existing PATH exits 1 naming PATH"
    [ -z "$output" ] || broke "03-fifo, bad input: a refused fifo_create prints nothing on stdout"
    unchanged notes.txt "$before" "03-fifo, bad input: a refused fifo_create leaves the file at PATH exactly as it was"
}

@test "03-fifo: fifo_create without PATH or with two arguments is a usage error and makes nothing" {
    # contract: 03-fifo, arguments; rules, 3 (errors)
    run --separate-stderr bounded fifo_create
    expect_usage fifo_create
    run --separate-stderr bounded fifo_create a b
    expect_usage fifo_create
    [ ! -e a ] && [ ! -e b ] || broke "03-fifo, arguments: wrong usage creates nothing"
}

@test "03-fifo: fifo_create -x is a usage error, not a FIFO named -x" {
    # contract: 03-fifo, arguments; rules, 3 (errors)
    run --separate-stderr bounded fifo_create -x
    expect_usage fifo_create
    [ ! -e ./-x ] || broke "03-fifo, arguments: an argument that begins with '-' is wrong usage, never a name to create"
}

# ---------------------------------------------------------------- usage of the pair

@test "03-fifo: fifo_producer without PATH or with three arguments is a usage error" {
    # contract: 03-fifo, arguments; rules, 3 (errors)
    run --separate-stderr bounded fifo_producer
    expect_usage fifo_producer
    run --separate-stderr bounded fifo_producer f /dev/null extra
    expect_usage fifo_producer
    [ ! -e f ] || broke "03-fifo, arguments: wrong usage creates no FIFO"
}

@test "03-fifo: fifo_consumer without PATH or with three arguments is a usage error" {
    # contract: 03-fifo, arguments; rules, 3 (errors)
    run --separate-stderr bounded fifo_consumer
    expect_usage fifo_consumer
    run --separate-stderr bounded fifo_consumer f out extra
    expect_usage fifo_consumer
    [ ! -e f ] && [ ! -e out ] || broke "03-fifo, arguments: wrong usage creates no FIFO and no OUTFILE"
}

@test "03-fifo: fifo_producer -x (as PATH or as FILE) is a usage error, not a file name" {
    # contract: 03-fifo, arguments; rules, 3 (errors)
    run --separate-stderr bounded fifo_producer -x
    expect_usage fifo_producer
    [ ! -e ./-x ] || broke "03-fifo, arguments: '-x' is wrong usage, never a FIFO to make"
    run --separate-stderr bounded fifo_producer my_fifo -x
    expect_usage fifo_producer
    [ ! -e my_fifo ] || broke "03-fifo, arguments: wrong usage is found before anything is made: no FIFO at PATH"
}

@test "03-fifo: fifo_consumer -x (as PATH or as OUTFILE) is a usage error, not a file name" {
    # contract: 03-fifo, arguments; rules, 3 (errors)
    run --separate-stderr bounded fifo_consumer -x
    expect_usage fifo_consumer
    [ ! -e ./-x ] || broke "03-fifo, arguments: '-x' is wrong usage, never a FIFO to make"
    run --separate-stderr bounded fifo_consumer my_fifo -x
    expect_usage fifo_consumer
    [ ! -e ./-x ] || broke "03-fifo, arguments: '-x' is wrong usage, never an OUTFILE to create"
    [ ! -e my_fifo ] || broke "03-fifo, arguments: wrong usage is found before anything is made: no FIFO at PATH"
}

# ---------------------------------------------------------------- exchange

@test "03-fifo: consumer first, then producer: the text arrives, both count 12 bytes, the FIFO is removed" {
    # contract: 03-fifo, exchange; 03-fifo, programs
    checks_cleanup
    printf 'hello, fifo\n' > hello.txt
    start_bg consumer fifo_consumer my_fifo copy.txt
    consumer=$BG_PID
    wait_blocked "$consumer"
    run --separate-stderr bounded fifo_producer my_fifo hello.txt
    expect_status 0 "03-fifo, exchange: the producer sends FILE to a waiting consumer and exits 0"
    [ -z "$output" ] || broke "03-fifo, programs: fifo_producer prints nothing on stdout (its count goes to stderr)"
    says_count 12 "$stderr" producer "03-fifo, programs: after the transfer the producer prints the bytes sent on stderr"
    wait_bg "$consumer" || broke "03-fifo, exchange: the consumer reads to end of file, writes OUTFILE and exits 0 (it exited $?)"
    says_count 12 "$(bg_err consumer)" consumer "03-fifo, programs: after the transfer the consumer prints the bytes received on stderr"
    [ -z "$(bg_out consumer)" ] || broke "03-fifo, programs: a consumer with OUTFILE prints nothing on stdout"
    same_bytes hello.txt copy.txt "03-fifo, exchange: OUTFILE holds exactly the bytes of FILE"
    no_fifo_at my_fifo "03-fifo, exchange: the consumer removes the FIFO before it ends"
}

@test "03-fifo: producer first, then consumer to stdout: the text arrives, both count 12 bytes, the FIFO is removed" {
    # contract: 03-fifo, exchange; 03-fifo, programs
    checks_cleanup
    printf 'hello, fifo\n' > hello.txt
    start_bg producer fifo_producer my_fifo hello.txt
    producer=$BG_PID
    wait_until test -p my_fifo
    wait_blocked "$producer"
    [ -p my_fifo ] || broke "03-fifo, programs: a producer that comes first makes the FIFO and waits for a consumer"
    run --separate-stderr bounded fifo_consumer my_fifo
    expect_status 0 "03-fifo, exchange: the consumer receives from a waiting producer and exits 0"
    [ "$output" = 'hello, fifo' ] ||
        broke "03-fifo, programs: without OUTFILE the consumer writes the bytes received, and nothing else, on stdout"
    says_count 12 "$stderr" consumer "03-fifo, programs: after the transfer the consumer prints the bytes received on stderr"
    wait_bg "$producer" || broke "03-fifo, exchange: the producer sends FILE and exits 0 (it exited $?)"
    says_count 12 "$(bg_err producer)" producer "03-fifo, programs: after the transfer the producer prints the bytes sent on stderr"
    [ -z "$(bg_out producer)" ] || broke "03-fifo, programs: fifo_producer prints nothing on stdout"
    no_fifo_at my_fifo "03-fifo, exchange: the consumer removes the FIFO, even one the producer made"
}

@test "03-fifo: the FIFO that the producer makes has mode 0600" {
    # contract: 03-fifo, programs; rules, 7 (permissions)
    start_bg producer fifo_producer by_producer /dev/null
    wait_until test -p by_producer
    wait_blocked "$BG_PID"
    mode=$(stat -c %a by_producer)
    run --separate-stderr bounded fifo_consumer by_producer
    expect_status 0 "03-fifo, exchange: the consumer receives an empty FILE and exits 0"
    wait_bg "$BG_PID" || broke "03-fifo, exchange: the producer sends an empty FILE and exits 0 (it exited $?)"
    [ "$mode" = 600 ] || broke "rules, 7 (permissions): the FIFO the producer makes has mode 0600, not $mode"
}

@test "03-fifo: the FIFO that the consumer makes has mode 0600" {
    # contract: 03-fifo, programs; rules, 7 (permissions)
    start_bg consumer fifo_consumer by_consumer
    wait_until test -p by_consumer
    wait_blocked "$BG_PID"
    mode=$(stat -c %a by_consumer)
    run --separate-stderr bounded fifo_producer by_consumer /dev/null
    expect_status 0 "03-fifo, exchange: the producer sends an empty FILE and exits 0"
    wait_bg "$BG_PID" || broke "03-fifo, exchange: the consumer receives an empty FILE and exits 0 (it exited $?)"
    [ "$mode" = 600 ] || broke "rules, 7 (permissions): the FIFO the consumer makes has mode 0600, not $mode"
}

@test "03-fifo: a 3 MiB random binary file arrives byte for byte (consumer first, FILE to OUTFILE)" {
    # contract: 03-fifo, exchange
    checks_cleanup
    head -c 3145728 /dev/urandom > random.bin
    start_bg consumer fifo_consumer my_fifo copy.bin
    wait_blocked "$BG_PID"
    run --separate-stderr bounded fifo_producer my_fifo random.bin
    expect_status 0 "03-fifo, exchange: the producer sends all of a 3 MiB FILE and exits 0"
    says_count 3145728 "$stderr" producer "03-fifo, programs: the producer's count is every byte sent"
    wait_bg "$BG_PID" || broke "03-fifo, exchange: the consumer receives all of a 3 MiB transfer and exits 0 (it exited $?)"
    says_count 3145728 "$(bg_err consumer)" consumer "03-fifo, programs: the consumer's count is every byte received"
    same_bytes random.bin copy.bin "03-fifo, exchange: every byte arrives unchanged (loop on short reads and writes)"
    no_fifo_at my_fifo "03-fifo, exchange: the consumer removes the FIFO before it ends"
}

@test "03-fifo: a 3 MiB random binary file arrives byte for byte (producer first, stdin to stdout)" {
    # contract: 03-fifo, exchange
    checks_cleanup
    head -c 3145728 /dev/urandom > random.bin
    start_bg producer sh -c 'exec fifo_producer my_fifo < random.bin'
    wait_blocked "$BG_PID"
    status=0
    bounded fifo_consumer my_fifo > copy.bin 2> consumer.err || status=$?
    stderr=$(cat consumer.err)
    [ "$status" -eq 0 ] || broke "03-fifo, exchange: the consumer writes all it receives to stdout and exits 0"
    wait_bg "$BG_PID" || broke "03-fifo, exchange: the producer sends all of its stdin and exits 0 (it exited $?)"
    same_bytes random.bin copy.bin "03-fifo, exchange: every byte of stdin arrives unchanged on the consumer's stdout"
    says_count 3145728 "$stderr" consumer "03-fifo, programs: the consumer's count, on stderr, is every byte received"
    says_count 3145728 "$(bg_err producer)" producer "03-fifo, programs: the producer's count is every byte sent"
    no_fifo_at my_fifo "03-fifo, exchange: the consumer removes the FIFO before it ends"
}

@test "03-fifo: NUL bytes and a last line without newline arrive as they are" {
    # contract: 03-fifo, exchange
    printf 'a\0b\0\0c' > nuls.bin
    start_bg consumer fifo_consumer my_fifo copy.bin
    run --separate-stderr bounded fifo_producer my_fifo nuls.bin
    expect_status 0 "03-fifo, exchange: the producer sends binary data and exits 0"
    wait_bg "$BG_PID" || broke "03-fifo, exchange: the consumer receives binary data and exits 0 (it exited $?)"
    same_bytes nuls.bin copy.bin "03-fifo, exchange: NUL bytes and a last line without a newline arrive unchanged"
    says_count 6 "$stderr" producer "03-fifo, programs: the producer counts every byte, NUL bytes too"
    says_count 6 "$(bg_err consumer)" consumer "03-fifo, programs: the consumer counts every byte, NUL bytes too"
}

@test "03-fifo: an empty FILE arrives as an empty OUTFILE that replaces the old one, counted 0 on both sides" {
    # contract: 03-fifo, outfile; 03-fifo, programs
    : > empty
    echo 'old content' > copy.bin
    start_bg consumer fifo_consumer my_fifo copy.bin
    run --separate-stderr bounded fifo_producer my_fifo empty
    expect_status 0 "03-fifo, exchange: the producer sends an empty FILE and exits 0"
    says_count 0 "$stderr" producer "03-fifo, programs: an empty transfer is counted 0"
    wait_bg "$BG_PID" || broke "03-fifo, exchange: the consumer receives an empty transfer and exits 0 (it exited $?)"
    says_count 0 "$(bg_err consumer)" consumer "03-fifo, programs: an empty transfer is counted 0"
    [ -f copy.bin ] && [ ! -s copy.bin ] ||
        broke "03-fifo, outfile: OUTFILE is truncated, never appended to: after an empty transfer it is empty"
}

@test "03-fifo: a FIFO made by fifo_create is used by the pair and removed by the consumer" {
    # contract: 03-fifo, exchange
    checks_cleanup
    run --separate-stderr bounded fifo_create my_fifo
    expect_status 0 "03-fifo, programs: fifo_create PATH makes the FIFO and exits 0"
    start_bg producer sh -c 'echo through fifo_create | exec fifo_producer my_fifo'
    run --separate-stderr bounded fifo_consumer my_fifo
    expect_status 0 "03-fifo, exchange: the consumer uses a FIFO already at PATH and exits 0"
    [ "$output" = 'through fifo_create' ] ||
        broke "03-fifo, exchange: the bytes sent through a FIFO already at PATH arrive on the consumer's stdout"
    wait_bg "$BG_PID" || broke "03-fifo, exchange: the producer uses a FIFO already at PATH and exits 0 (it exited $?)"
    no_fifo_at my_fifo "03-fifo, exchange: the consumer removes the FIFO, whoever made it"
}

# ---------------------------------------------------------------- bad input

@test "03-fifo: producer refuses a PATH that is a regular file, naming it, and leaves it unchanged" {
    # contract: 03-fifo, bad input
    echo 'precious data' > precious.txt
    before=$(same_file_state precious.txt)
    run --separate-stderr bounded fifo_producer precious.txt <<<overwrite
    expect_error precious.txt "03-fifo, bad input: a PATH that exists and is not a FIFO is refused (exit 1) by name"
    [ -z "$output" ] || broke "03-fifo, bad input: a refused producer prints nothing on stdout"
    unchanged precious.txt "$before" "03-fifo, bad input: a regular file at PATH is neither written, truncated nor removed"
}

@test "03-fifo: consumer refuses a PATH that is a regular file, naming it, and leaves it and OUTFILE unchanged" {
    # contract: 03-fifo, bad input; 03-fifo, outfile
    echo 'precious data' > precious.txt
    echo 'old output' > out.txt
    before=$(same_file_state precious.txt)
    out_before=$(same_file_state out.txt)
    run --separate-stderr bounded fifo_consumer precious.txt out.txt
    expect_error precious.txt "03-fifo, bad input: a PATH that exists and is not a FIFO is refused (exit 1) by name"
    [ -z "$output" ] || broke "03-fifo, bad input: a refused consumer prints nothing on stdout"
    unchanged precious.txt "$before" "03-fifo, bad input: a regular file at PATH is neither written, truncated nor removed"
    unchanged out.txt "$out_before" "03-fifo, outfile: PATH is checked before OUTFILE is opened: a refused PATH leaves OUTFILE as it was"
}

@test "03-fifo: producer refuses a PATH that is a directory, naming it" {
    # contract: 03-fifo, bad input
    mkdir adir
    run --separate-stderr bounded fifo_producer adir /dev/null
    expect_error adir "03-fifo, bad input: a PATH that exists and is not a FIFO (a directory) is refused (exit 1) by name"
    [ -d adir ] || broke "03-fifo, bad input: a refused PATH is left as it was"
}

@test "03-fifo: consumer refuses a PATH that is a directory, naming it" {
    # contract: 03-fifo, bad input
    mkdir adir
    run --separate-stderr bounded fifo_consumer adir
    expect_error adir "03-fifo, bad input: a PATH that exists and is not a FIFO (a directory) is refused (exit 1) by name"
    [ -z "$output" ] || broke "03-fifo, bad input: a refused consumer prints nothing on stdout"
    [ -d adir ] || broke "03-fifo, bad input: a refused PATH is left as it was"
}

@test "03-fifo: producer with a missing FILE names it, exits 1 and leaves no FIFO" {
    # contract: 03-fifo, bad input
    checks_cleanup
    run --separate-stderr bounded fifo_producer my_fifo missing.txt
    expect_error missing.txt "03-fifo, bad input: a FILE that cannot be read is refused (exit 1) by name, without waiting"
    no_fifo_at my_fifo "03-fifo, bad input: FILE is checked before the FIFO is made: a refused FILE leaves no FIFO"
}

@test "03-fifo: producer with an unreadable FILE names it, exits 1 and leaves no FIFO" {
    # contract: 03-fifo, bad input
    checks_cleanup
    echo secret > locked.txt
    chmod 000 locked.txt
    run --separate-stderr without_file_privileges timeout -k 5 "$LAB_TIMEOUT" fifo_producer my_fifo locked.txt
    expect_error locked.txt "03-fifo, bad input: a FILE without read permission is refused (exit 1) by name, without waiting"
    no_fifo_at my_fifo "03-fifo, bad input: FILE is checked before the FIFO is made: a refused FILE leaves no FIFO"
}

@test "03-fifo: producer with a directory as FILE names it, exits 1 without waiting and leaves no FIFO" {
    # contract: 03-fifo, bad input
    checks_cleanup
    mkdir adir
    run --separate-stderr bounded fifo_producer my_fifo adir
    expect_error adir "03-fifo, bad input: a FILE that is a directory is refused (exit 1) by name, before any consumer comes"
    no_fifo_at my_fifo "03-fifo, bad input: FILE is checked before the FIFO is made: a refused FILE leaves no FIFO"
}

@test "03-fifo: consumer with a directory as OUTFILE names it, exits 1 without waiting and leaves no FIFO" {
    # contract: 03-fifo, outfile; 03-fifo, bad input
    checks_cleanup
    mkdir adir
    run --separate-stderr bounded fifo_consumer my_fifo adir
    expect_error adir "03-fifo, outfile: an OUTFILE that cannot be opened for writing is refused (exit 1) by name, before the consumer waits"
    [ -z "$output" ] || broke "03-fifo, bad input: a refused consumer prints nothing on stdout"
    no_fifo_at my_fifo "03-fifo, outfile: OUTFILE is opened before the FIFO is made: a refused OUTFILE leaves no FIFO"
}

@test "03-fifo: producer refuses as FILE the FIFO itself instead of waiting for itself" {
    # contract: 03-fifo, bad input
    mkfifo my_fifo
    run --separate-stderr bounded fifo_producer my_fifo ./my_fifo
    left=$(stat -c %F my_fifo 2>&1)
    rm -f my_fifo             # the test's own FIFO: removed before any check can fail
    expect_error my_fifo "03-fifo, bad input: a FILE that is the FIFO at PATH is refused at once (exit 1) by name"
    [ "$left" = fifo ] || broke "03-fifo, bad input: a refused producer leaves the FIFO it did not make as it was (found: $left)"
}

@test "03-fifo: consumer refuses as OUTFILE the FIFO itself instead of waiting for itself" {
    # contract: 03-fifo, bad input
    mkfifo my_fifo
    run --separate-stderr bounded fifo_consumer my_fifo ./my_fifo
    left=$(stat -c %F my_fifo 2>&1)
    rm -f my_fifo             # the test's own FIFO: removed before any check can fail
    expect_error my_fifo "03-fifo, bad input: an OUTFILE that is the FIFO at PATH is refused at once (exit 1) by name"
    [ -z "$output" ] || broke "03-fifo, bad input: a refused consumer prints nothing on stdout"
    [ "$left" = fifo ] || broke "03-fifo, bad input: a refused consumer leaves the FIFO as it was (found: $left)"
}

# ---------------------------------------------------------------- partners and signals

# stalled_pair: a consumer writing a 3 MiB transfer into the FIFO "sink",
# which the test holds open on fd 4 and never reads, and its producer: the
# consumer blocks writing, the producer blocks writing behind it. Sets
# consumer and producer (their start_bg PIDs). The test closes fd 4 when the
# producer should see the consumer gone; teardown removes sink.
stalled_pair() {
    head -c 3145728 /dev/urandom > random.bin
    mkfifo sink
    exec 4<>sink
    SINK=open
    start_bg consumer fifo_consumer my_fifo sink
    consumer=$BG_PID
    wait_until test -p my_fifo
    wait_blocked "$consumer"
    start_bg producer fifo_producer my_fifo random.bin
    producer=$BG_PID
    wait_blocked "$producer"
    wait_blocked "$consumer"
}

@test "03-fifo: producer reports the consumer's death (SIGKILL) with exit 1 naming the FIFO, not a silent SIGPIPE" {
    # contract: 03-fifo, partners and signals
    stalled_pair
    kill -KILL "$(program_pid "$consumer")"
    wait_bg "$consumer" || true
    status=0
    wait_bg "$producer" || status=$?
    exec 4<&-
    rm -f my_fifo             # SIGKILL may leave the FIFO: no program can catch it
    stderr=$(bg_err producer)
    [ "$status" -ne 141 ] || broke "03-fifo, partners and signals: the producer must not die silently of SIGPIPE when the consumer goes"
    expect_error my_fifo "03-fifo, partners and signals: when the consumer goes, the producer exits 1 with a message naming PATH"
}

@test "03-fifo: a consumer stopped by SIGTERM in mid-transfer exits 143 and leaves no FIFO; its producer exits 1" {
    # contract: 03-fifo, partners and signals; rules, 8 (signals)
    checks_cleanup
    stalled_pair
    kill -TERM "$(program_pid "$consumer")"
    status=0
    wait_bg "$consumer" || status=$?
    producer_status=0
    wait_bg "$producer" || producer_status=$?
    exec 4<&-
    [ "$status" -eq 143 ] ||
        broke "rules, 8 (signals): a consumer stopped by SIGTERM while it transfers ends with status 143 (got $status)"
    no_fifo_at my_fifo "03-fifo, partners and signals: a consumer stopped by SIGTERM removes the FIFO"
    [ "$producer_status" -eq 1 ] ||
        broke "03-fifo, partners and signals: when the consumer goes, the producer exits 1 (got $producer_status)"
}

@test "03-fifo: a consumer whose output breaks exits 1 with a message and leaves no FIFO; its producer exits 1" {
    # contract: 03-fifo, partners and signals
    checks_cleanup
    head -c 3145728 /dev/urandom > random.bin
    start_bg consumer bash -c 'fifo_consumer my_fifo | head -c 10 > /dev/null; exit ${PIPESTATUS[0]}'
    consumer=$BG_PID
    run --separate-stderr bounded fifo_producer my_fifo random.bin
    consumer_status=0
    wait_bg "$consumer" || consumer_status=$?
    [ "$consumer_status" -ne 141 ] ||
        broke "03-fifo, partners and signals: a consumer whose stdout breaks must not die silently of SIGPIPE"
    [ "$consumer_status" -eq 1 ] ||
        broke "03-fifo, partners and signals: a consumer whose output fails exits 1 (got $consumer_status)"
    [ -n "$(bg_err consumer)" ] ||
        broke "03-fifo, partners and signals: a consumer whose output fails says so on stderr"
    expect_error my_fifo "03-fifo, partners and signals: when the consumer goes, the producer exits 1 with a message naming PATH"
    no_fifo_at my_fifo "03-fifo, exchange: the consumer removes the FIFO, also when the transfer fails"
}

# stopped_while_waiting SIGNAL PROGRAM ARGS...: PROGRAM, waiting on my_fifo
# (which it made) for its partner, is stopped by SIGNAL: it must end with
# status 128+N and remove the FIFO.
stopped_while_waiting() {
    local signal=$1 expected
    shift
    expected=$((128 + $(kill -l "$signal")))
    start_bg waiting "$@"
    wait_until test -p my_fifo
    wait_blocked "$BG_PID"
    kill -"$signal" "$(program_pid "$BG_PID")"
    status=0
    wait_bg "$BG_PID" || status=$?
    [ "$status" -eq "$expected" ] ||
        broke "rules, 8 (signals): $1 stopped by SIG$signal while it waits ends with status $expected (got $status)"
    no_fifo_at my_fifo "03-fifo, partners and signals: $1 stopped by SIG$signal while it waits removes the FIFO it made"
}

@test "03-fifo: a consumer stopped by SIGTERM while it waits exits 143 and removes the FIFO" {
    # contract: 03-fifo, partners and signals; rules, 8 (signals)
    checks_cleanup
    stopped_while_waiting TERM fifo_consumer my_fifo
}

@test "03-fifo: a consumer stopped by SIGINT while it waits exits 130 and removes the FIFO" {
    # contract: 03-fifo, partners and signals; rules, 8 (signals)
    checks_cleanup
    stopped_while_waiting INT fifo_consumer my_fifo
}

@test "03-fifo: a producer stopped by SIGTERM while it waits exits 143 and removes the FIFO it made" {
    # contract: 03-fifo, partners and signals; rules, 8 (signals)
    checks_cleanup
    stopped_while_waiting TERM fifo_producer my_fifo /dev/null
}

@test "03-fifo: a producer stopped by SIGINT while it waits exits 130 and removes the FIFO it made" {
    # contract: 03-fifo, partners and signals; rules, 8 (signals)
    checks_cleanup
    stopped_while_waiting INT fifo_producer my_fifo /dev/null
}

# ---------------------------------------------------------------- who may use the FIFO

@test "03-fifo: producer refuses a FIFO that another user made at PATH, naming its owner, and sends nothing into it" {
    # contract: 03-fifo, who may use the fifo; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    echo 'my secret' > secret.txt
    as_other_user mkfifo -m 666 my_fifo
    start_bg_as_other_user thief sh -c 'exec cat my_fifo > stolen'
    thief=$BG_PID
    wait_until helper_waits "$thief"
    run --separate-stderr bounded fifo_producer my_fifo secret.txt
    unblock_fifo my_fifo      # the test ends the thief's wait: it reads end of file
    wait_bg "$thief" || true
    stolen=$(cat stolen 2>/dev/null)
    rm -f my_fifo stolen      # the other user's FIFO: the test removes it
    expect_error my_fifo "rules, 13 (objects another user made): a FIFO at PATH owned by another user is refused (exit 1), naming PATH"
    grep -q "$OTHER_UID" <<<"$stderr" ||
        broke "rules, 13 (objects another user made): the refusal names the FIFO's owner (uid $OTHER_UID)"
    [ -z "$stolen" ] || broke "rules, 13 (objects another user made): nothing is written into another user's FIFO (its owner received: $stolen)"
}

@test "03-fifo: consumer refuses a FIFO that another user made at PATH, naming its owner, and leaves OUTFILE as it was" {
    # contract: 03-fifo, who may use the fifo; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    echo 'old output' > out.txt
    before=$(same_file_state out.txt)
    echo 'forged data' > forged.txt
    as_other_user mkfifo -m 666 my_fifo
    start_bg_as_other_user forger cp forged.txt my_fifo
    forger=$BG_PID
    wait_until helper_waits "$forger"
    run --separate-stderr bounded fifo_consumer my_fifo out.txt
    unblock_fifo my_fifo      # the test ends the forger's wait
    wait_bg "$forger" || true
    rm -f my_fifo             # the other user's FIFO: the test removes it
    expect_error my_fifo "rules, 13 (objects another user made): a FIFO at PATH owned by another user is refused (exit 1), naming PATH"
    grep -q "$OTHER_UID" <<<"$stderr" ||
        broke "rules, 13 (objects another user made): the refusal names the FIFO's owner (uid $OTHER_UID)"
    unchanged out.txt "$before" "rules, 13 (objects another user made): a refused consumer reads nothing from another user's FIFO and leaves OUTFILE as it was"
}

@test "03-fifo: producer refuses a symbolic link at PATH instead of following it to a FIFO" {
    # contract: 03-fifo, who may use the fifo; rules, 13 (objects another user made)
    echo 'my secret' > secret.txt
    mkfifo -m 600 elsewhere
    ln -s elsewhere my_fifo
    start_bg reader fifo_consumer elsewhere copy.txt
    reader=$BG_PID
    wait_blocked "$reader"
    run --separate-stderr bounded fifo_producer my_fifo secret.txt
    kill -TERM "$(program_pid "$reader")" 2>/dev/null || true
    wait_bg "$reader" || true
    link=$(readlink my_fifo)
    rm -f my_fifo elsewhere   # the test's own link and FIFO
    expect_error my_fifo "rules, 13 (objects another user made): a symbolic link at PATH is refused (exit 1), naming PATH, never followed"
    [ ! -s copy.txt ] || broke "rules, 13 (objects another user made): nothing is sent through a symbolic link at PATH"
    [ "$link" = elsewhere ] || broke "03-fifo, who may use the fifo: a refused producer leaves the link at PATH as it was"
}

@test "03-fifo: consumer refuses a symbolic link at PATH instead of following it to a FIFO" {
    # contract: 03-fifo, who may use the fifo; rules, 13 (objects another user made)
    echo 'forged data' > forged.txt
    echo 'old output' > out.txt
    before=$(same_file_state out.txt)
    mkfifo -m 600 elsewhere
    ln -s elsewhere my_fifo
    start_bg writer fifo_producer elsewhere forged.txt
    writer=$BG_PID
    wait_blocked "$writer"
    run --separate-stderr bounded fifo_consumer my_fifo out.txt
    kill -TERM "$(program_pid "$writer")" 2>/dev/null || true
    wait_bg "$writer" || true
    rm -f my_fifo elsewhere   # the test's own link and FIFO
    expect_error my_fifo "rules, 13 (objects another user made): a symbolic link at PATH is refused (exit 1), naming PATH, never followed"
    unchanged out.txt "$before" "rules, 13 (objects another user made): a consumer that refuses PATH leaves OUTFILE as it was"
}

@test "03-fifo: a FIFO of ours that others may open (mode 0666) is refused, naming it, and nothing is sent into it" {
    # contract: 03-fifo, who may use the fifo; rules, 13 (objects another user made)
    echo 'my secret' > secret.txt
    mkfifo -m 666 my_fifo
    chmod 666 my_fifo         # whatever the umask
    start_bg reader sh -c 'exec cat my_fifo > received'
    reader=$BG_PID
    wait_until helper_waits "$reader"
    run --separate-stderr bounded fifo_producer my_fifo secret.txt
    unblock_fifo my_fifo      # the test ends the reader's wait
    wait_bg "$reader" || true
    mode=$(stat -c %a my_fifo)
    rm -f my_fifo             # the test's own FIFO
    expect_error my_fifo "rules, 13 (objects another user made): a FIFO whose mode is not 0600 is refused (exit 1), naming PATH"
    [ ! -s received ] || broke "rules, 13 (objects another user made): nothing is written into a FIFO whose mode is not 0600"
    [ "$mode" = 666 ] || broke "03-fifo, who may use the fifo: a refused FIFO is left as it was (mode now $mode)"
}

# ---------------------------------------------------------------- same file in and out

@test "03-fifo: OUTFILE that is the producer's FILE (same name, symbolic link, hard link, stdin) is refused and the file left as it was" {
    # contract: 03-fifo, bad input; 03-fifo, outfile
    checks_cleanup
    head -c 100000 /dev/urandom > same.bin
    ln -s same.bin link.bin
    ln same.bin hard.bin
    before=$(same_file_state same.bin)
    files=$(listing .)
    for outfile in same.bin ./link.bin hard.bin stdin; do
        if [ "$outfile" = stdin ]; then
            outfile=same.bin
            start_bg producer sh -c 'exec fifo_producer my_fifo < same.bin'
        else
            start_bg producer fifo_producer my_fifo same.bin
        fi
        producer=$BG_PID
        wait_until test -p my_fifo
        wait_blocked "$producer"
        run --separate-stderr bounded fifo_consumer my_fifo "$outfile"
        wait_bg "$producer" || true
        expect_error "$outfile" "03-fifo, bad input: an OUTFILE that is the producer's FILE (same device and inode, through links) is refused (exit 1), naming OUTFILE"
        unchanged same.bin "$before" "03-fifo, bad input: the file that is both FILE and OUTFILE ($outfile) is left exactly as it was"
        same_listing . "$files" "03-fifo, outfile: a refused transfer leaves no temporary file and no FIFO"
    done
    [ "$(readlink link.bin)" = same.bin ] || broke "03-fifo, bad input: the symbolic link is left as it was"
}

# ---------------------------------------------------------------- OUTFILE through a temporary

@test "03-fifo: a consumer whose PATH is in a missing folder exits 1 and leaves OUTFILE as it was" {
    # contract: 03-fifo, outfile; 03-fifo, bad input
    echo 'old output' > out.txt
    before=$(same_file_state out.txt)
    files=$(listing .)
    run --separate-stderr bounded fifo_consumer missing/my_fifo out.txt
    expect_error missing/my_fifo "03-fifo, bad input: a FIFO that cannot be made (a missing folder) is reported (exit 1), naming PATH"
    unchanged out.txt "$before" "03-fifo, outfile: a consumer that fails before the transfer leaves OUTFILE as it was"
    same_listing . "$files" "03-fifo, outfile: a failed consumer leaves no temporary file behind"
}

@test "03-fifo: a consumer stopped by SIGINT while it waits leaves OUTFILE as it was and no temporary file" {
    # contract: 03-fifo, outfile; 03-fifo, partners and signals
    checks_cleanup
    echo 'old output' > out.txt
    before=$(same_file_state out.txt)
    files=$(listing .)
    start_bg consumer fifo_consumer my_fifo out.txt
    wait_until test -p my_fifo
    wait_blocked "$BG_PID"
    kill -INT "$(program_pid "$BG_PID")"
    status=0
    wait_bg "$BG_PID" || status=$?
    [ "$status" -eq 130 ] || broke "rules, 8 (signals): a consumer stopped by SIGINT while it waits ends with status 130 (got $status)"
    unchanged out.txt "$before" "03-fifo, outfile: a consumer stopped while it waits leaves OUTFILE as it was"
    same_listing . "$files" "03-fifo, outfile: a consumer stopped while it waits leaves no temporary file and no FIFO"
}

# killed_producer: a producer that reads its stdin from the FIFO "feed",
# which the test writes on fd 4, sending to a consumer that writes OUTFILE
# out.txt; returns once 200000 bytes have gone into feed (so more than a
# pipe's 64 KiB have passed through the producer; fails if they do not
# within the time limit), and kills the producer
# with SIGKILL in mid-transfer. Sets consumer (its start_bg PID).
killed_producer() {
    mkfifo feed
    exec 4<>feed
    SINK=open
    start_bg consumer fifo_consumer my_fifo out.txt
    consumer=$BG_PID
    wait_until test -p my_fifo
    wait_blocked "$consumer"
    start_bg producer sh -c 'exec fifo_producer my_fifo < feed'
    producer=$BG_PID
    # Bounded: a pair that stops moving data would leave head blocked.
    timeout "$LAB_TIMEOUT" head -c 200000 /dev/urandom >&4 ||
        broke "03-fifo, partners and signals: the pair keeps the data moving (200000 bytes did not get through the producer in $LAB_TIMEOUT s)"
    kill -KILL "$(program_pid "$producer")"
    wait_bg "$producer" || true
    exec 4<&-
    rm -f feed
}

@test "03-fifo: a consumer whose producer dies in mid-transfer exits non-zero and leaves OUTFILE as it was" {
    # contract: 03-fifo, partners and signals; 03-fifo, outfile
    checks_cleanup
    echo 'old output' > out.txt
    before=$(same_file_state out.txt)
    files=$(listing .)
    killed_producer
    status=0
    wait_bg "$consumer" || status=$?
    [ "$status" -ne 0 ] && [ "$status" -ne 124 ] ||
        broke "03-fifo, partners and signals: a consumer whose producer stopped before the end exits non-zero at once (got $status)"
    [ -n "$(bg_err consumer)" ] || broke "03-fifo, partners and signals: the consumer says on stderr that the transfer is incomplete"
    unchanged out.txt "$before" "03-fifo, outfile: an incomplete transfer leaves OUTFILE as it was"
    same_listing . "$files" "03-fifo, outfile: an incomplete transfer leaves no temporary file and no FIFO"
}

# small_disk DIR: mounts a 64 KiB tmpfs at DIR (teardown unmounts it), or
# skips the test when it cannot (mounting needs root).
small_disk() {
    mkdir -p "$1"
    mount -t tmpfs -o size=64k tmpfs "$1" 2>/dev/null ||
        skip "a full-disk test mounts a 64 KiB tmpfs, which needs root"
    DISK=$1
}

@test "03-fifo: a full disk makes the consumer exit 1, leaving the old OUTFILE as it was and no temporary file" {
    # contract: 03-fifo, outfile; 03-fifo, partners and signals
    checks_cleanup
    small_disk "$WORK/disk"
    head -c 262144 /dev/urandom > big.bin
    echo 'old output' > disk/out.txt
    before=$(same_file_state disk/out.txt)
    files=$(listing disk)
    start_bg producer fifo_producer my_fifo big.bin
    producer=$BG_PID
    run --separate-stderr bounded fifo_consumer my_fifo disk/out.txt
    wait_bg "$producer" || true
    after=$(same_file_state disk/out.txt 2>&1)
    left=$(listing disk)
    umount "$DISK" && DISK=
    expect_error disk/out.txt "03-fifo, partners and signals: a consumer whose OUTFILE cannot be written (a full disk) exits 1, naming OUTFILE"
    [ "$after" = "$before" ] || broke "03-fifo, outfile: a transfer that fills the disk leaves the old OUTFILE as it was"
    [ "$left" = "$files" ] || broke "03-fifo, outfile: a transfer that fills the disk leaves no temporary file (found: $left)"
    no_fifo_at my_fifo "03-fifo, exchange: the consumer removes the FIFO, also when the transfer fails"
}

# ---------------------------------------------------------------- an input that is a directory

@test "03-fifo: producer whose stdin is a directory is refused before the consumer is involved" {
    # contract: 03-fifo, bad input; 03-fifo, partners and signals
    echo 'old output' > out.txt
    before=$(same_file_state out.txt)
    mkdir adir
    start_bg consumer fifo_consumer my_fifo out.txt
    consumer=$BG_PID
    wait_until test -p my_fifo
    wait_blocked "$consumer"
    run --separate-stderr bounded sh -c 'exec fifo_producer my_fifo < adir'
    [ "$status" -eq 1 ] || broke "03-fifo, bad input: a producer whose stdin is a directory exits 1 (got $status)"
    [ -n "$stderr" ] || broke "03-fifo, bad input: a producer whose stdin is a directory says so on stderr"
    ! has_ended "$consumer" ||
        broke "03-fifo, bad input: an input that is a directory is refused before the FIFO is opened: the consumer still waits for a producer"
    kill -TERM "$(program_pid "$consumer")"
    wait_bg "$consumer" || true
    unchanged out.txt "$before" "03-fifo, outfile: a consumer that received nothing leaves OUTFILE as it was"
}

# ---------------------------------------------------------------- two pairs on one PATH

@test "03-fifo: a second consumer on the same PATH is refused, its OUTFILE left as it was; the first receives every byte" {
    # contract: 03-fifo, two pairs; 03-fifo, outfile
    checks_cleanup
    head -c 3145728 /dev/urandom > random.bin
    echo 'old output' > second.bin
    before=$(same_file_state second.bin)
    start_bg first fifo_consumer my_fifo first.bin
    first=$BG_PID
    wait_until test -p my_fifo
    wait_blocked "$first"
    start_bg second fifo_consumer my_fifo second.bin
    second=$BG_PID
    wait_until -p '' settled "$second"
    run --separate-stderr bounded fifo_producer my_fifo random.bin
    expect_status 0 "03-fifo, two pairs: the producer sends its FILE to the one consumer and exits 0"
    first_status=0
    wait_bg "$first" || first_status=$?
    second_status=0
    wait_bg "$second" || second_status=$?
    stderr=$(bg_err second) status=$second_status
    expect_error my_fifo "03-fifo, two pairs: a second consumer on a PATH that a consumer already waits on is refused (exit 1), naming PATH"
    unchanged second.bin "$before" "03-fifo, two pairs: a refused second consumer leaves its OUTFILE as it was"
    [ "$first_status" -eq 0 ] || broke "03-fifo, two pairs: the first consumer receives the whole transfer and exits 0 (got $first_status)"
    same_bytes random.bin first.bin "03-fifo, two pairs: the first consumer receives every byte, none taken by the second"
    [ "$(listing . | grep -c '^\.')" -eq 0 ] || broke "03-fifo, outfile: no temporary file is left behind"
}

@test "03-fifo: two producers on the same PATH: the consumer refuses the mixed transfer and leaves OUTFILE as it was" {
    # contract: 03-fifo, two pairs; 03-fifo, outfile
    checks_cleanup
    head -c 1048576 /dev/urandom > a.bin
    head -c 1048576 /dev/urandom > b.bin
    echo 'old output' > out.bin
    before=$(same_file_state out.bin)
    files=$(listing .)
    start_bg first fifo_producer my_fifo a.bin
    first=$BG_PID
    wait_until test -p my_fifo
    wait_blocked "$first"
    start_bg second fifo_producer my_fifo b.bin
    second=$BG_PID
    wait_blocked "$second"
    run --separate-stderr bounded fifo_consumer my_fifo out.bin
    wait_bg "$first" || true
    wait_bg "$second" || true
    expect_error my_fifo "03-fifo, two pairs: a consumer into whose FIFO two producers write refuses the transfer (exit 1), naming PATH"
    unchanged out.bin "$before" "03-fifo, two pairs: a refused mixed transfer leaves OUTFILE as it was: no producer's data lands in another's OUTFILE"
    same_listing . "$files" "03-fifo, outfile: a refused transfer leaves no temporary file and no FIFO"
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "03-fifo: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
