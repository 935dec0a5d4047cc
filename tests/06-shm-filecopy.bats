#!/usr/bin/env bats
# 06-shm-filecopy: shm_copy and shm_copy_reader, as CONTRACT.md describes them.

load test_helper

setup()    { lab_setup 06-shm-filecopy; }
teardown() { lab_teardown; }

# ---------------------------------------------------------------- helpers

# random_file NAME SIZE: SIZE bytes of random data that start with a NUL
# byte, so that a copy that treats the data as a C string (strcpy) fails.
random_file() {
    if [ "$2" -eq 0 ]; then
        : > "$1"
    else
        { printf '\0'; head -c $(($2 - 1)) /dev/urandom; } > "$1"
    fi
}

# assert_copied SIZE [OPTIONS]: shm_copy [OPTIONS] src dst succeeds, says
# "copied SIZE bytes" last, and dst is src byte for byte.
assert_copied() {
    local size=$1
    shift
    run --separate-stderr bounded shm_copy "$@" src dst
    [ "$status" -eq 0 ] || fail "shm_copy $* of $size bytes: status $status: $stderr"
    [ "${lines[-1]}" = "copied $size bytes" ] ||
        fail "shm_copy $* of $size bytes: last line '${lines[-1]}'"
    cmp src dst || fail "shm_copy $* of $size bytes: dst differs from src"
}

# copy_sizes CHUNK [OPTIONS]: copies of 0, 1, CHUNK-1, CHUNK, CHUNK+1 and
# 3*CHUNK+7 bytes, with shm_copy [OPTIONS].
copy_sizes() {
    local chunk=$1 size
    shift
    for size in $(printf '%s\n' 0 1 $((chunk - 1)) $chunk $((chunk + 1)) $((3 * chunk + 7)) |
                  sort -nu); do
        random_file src "$size"
        rm -f dst
        assert_copied "$size" "$@"
    done
}

# assert_refused: the last run failed with status 1 or 2 (not a crash, not
# a timeout) and said why on stderr.
assert_refused() {
    [ "$status" -eq 1 ] || [ "$status" -eq 2 ] || fail "status $status, expected 1 or 2"
    [ -n "$stderr" ] || fail "no message on stderr"
}

# child_of PID: the first child of process PID, once it has one.
child_of() {
    local children
    until children=$(cat "/proc/$1/task/$1/children" 2>/dev/null) && [ -n "$children" ]; do
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.01
    done
    echo "${children%% *}"
}

# has_partial_copy DIR NAME: DIR holds a file other than NAME with data in it
# (the copy in progress, under its temporary name).
has_partial_copy() {
    find "$1" -mindepth 1 -maxdepth 1 -type f ! -name "$2" -size +0 | grep -q .
}

# files_in DIR: the names in DIR, hidden ones too, one a line.
files_in() {
    ls -A "$1"
}

# start_slow_copy [OLD]: starts copying 16 MiB one byte per chunk from src
# to out/dst, so that the copy takes far longer than the test; out/dst is
# first made with the text OLD if given. Waits until the copy is under way
# (a file with data beside out/dst) and checks that DST itself is not being
# written. Sets COPY (start_bg's PID), WRITER and READER (the programs' PIDs).
start_slow_copy() {
    head -c $((16 * 1024 * 1024)) /dev/urandom > src
    mkdir out
    [ $# -eq 0 ] || echo "$1" > out/dst
    start_bg copy shm_copy -b 1 src out/dst
    COPY=$BG_PID
    WRITER=$(program_pid "$COPY")
    wait_until has_partial_copy out dst
    READER=$(child_of "$WRITER")
    if [ $# -eq 0 ]; then
        assert [ ! -e out/dst ]
    else
        assert_equal "$(cat out/dst)" "$1"
    fi
}

# finish PID: waits for a program started by start_bg; sets $status.
finish() {
    status=0
    wait_bg "$1" || status=$?
}

# assert_copy_abandoned [OLD]: the slow copy has ended with a non-zero status
# before its time limit, left no IPC object and no partial copy, and out/dst
# holds OLD (or does not exist); its reader is gone.
assert_copy_abandoned() {
    finish "$COPY"
    [ "$status" -ne 0 ] || fail "shm_copy exited 0"
    [ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "shm_copy hung until its time limit"
    assert_equal "$(work_ipc_objects)" ''
    if [ $# -eq 0 ]; then
        assert_equal "$(files_in out)" ''
    else
        assert_equal "$(files_in out)" 'dst'
        assert_equal "$(cat out/dst)" "$1"
    fi
    wait_until eval "! kill -0 $READER 2>/dev/null"
}

# fewer_under_valgrind N ARGS...: prints ARGS one a line, only the first N
# of them under valgrind (where every run takes a second or more).
fewer_under_valgrind() {
    local n=$1
    shift
    [ -n "${IPC_LABS_VALGRIND:-}" ] || n=$#
    printf '%s\n' "${@:1:n}"
}

# ---------------------------------------------------------------- copies

@test "06-shm-filecopy: shm_copy copies a file and prints the seed's lines" {
    printf 'Hello, shared memory!\n' > src
    run --separate-stderr bounded shm_copy src dst
    assert_success
    assert_equal "$stderr" ''
    assert_line --index 0 --regexp '^my\(write\) pid is [0-9]+$'
    assert_line --regexp '^my child pid is [0-9]+$'
    assert_equal "${lines[-1]}" 'copied 22 bytes'
    writer=$(sed -n 's/^my(write) pid is //p' <<<"$output")
    child=$(sed -n 's/^my child pid is //p' <<<"$output")
    assert [ "$writer" != "$child" ]
    cmp src dst
}

@test "06-shm-filecopy: shm_copy removes its IPC objects after a copy" {
    printf 'Hello\n' > src
    run --separate-stderr bounded shm_copy src dst
    assert_success
    assert_equal "$(work_ipc_objects)" ''
}

@test "06-shm-filecopy: files of 0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 bytes with CHUNK 1" {
    copy_sizes 1 -b 1
}

@test "06-shm-filecopy: files of 0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 bytes with CHUNK 100" {
    copy_sizes 100 -b 100
}

@test "06-shm-filecopy: files of 0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 bytes with CHUNK 4096" {
    copy_sizes 4096 -b 4096
}

@test "06-shm-filecopy: files of 0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 bytes with the default CHUNK (64 KiB)" {
    copy_sizes 65536
}

@test "06-shm-filecopy: files of 0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 bytes with CHUNK 1 MiB" {
    copy_sizes 1048576 -b 1048576
}

@test "06-shm-filecopy: 20 MiB of random binary data arrive byte for byte" {
    size=$((20 * 1024 * 1024))
    [ -z "${IPC_LABS_VALGRIND:-}" ] || size=$((4 * 1024 * 1024))
    random_file src "$size"
    assert_copied "$size"
}

@test "06-shm-filecopy: NUL bytes and text after them arrive (no strcpy)" {
    printf 'abc\0def\0\0ghi\n' > src
    assert_copied 13 -b 4
    printf '\0\0\0' > src
    assert_copied 3
}

@test "06-shm-filecopy: a longer old DST is truncated, not appended to" {
    head -c 100000 /dev/urandom > dst
    printf 'short\n' > src
    assert_copied 6
    # A second run into the same DST must not double it (the seed's "ab").
    assert_copied 6
}

@test "06-shm-filecopy: DST in another folder: the copy is there and nothing else" {
    random_file src 5000
    mkdir out
    run --separate-stderr bounded shm_copy -b 100 src out/copy
    assert_success
    cmp src out/copy
    assert_equal "$(files_in out)" 'copy'
    assert_equal "$(files_in .)" $'out\nsrc'
}

@test "06-shm-filecopy: shm_copy finds its reader from another folder and through a link" {
    random_file src 3000
    ln -s "$(command -v shm_copy)" linked_copy
    mkdir elsewhere
    cd elsewhere
    run --separate-stderr bounded "$WORK/linked_copy" ../src ../dst
    assert_success
    cmp ../src ../dst
    assert_equal "$(objects_in "$WORK/elsewhere")" ''
}

@test "06-shm-filecopy: 20 copies in a row leave nothing behind" {
    for i in $(fewer_under_valgrind 4 $(seq 20)); do
        random_file src $((i * 997))
        run bounded shm_copy -b 512 src dst
        [ "$status" -eq 0 ] || fail "copy $i: status $status"
        cmp src dst || fail "copy $i differs"
    done
    assert_equal "$(files_in .)" $'dst\nsrc'
}

# ---------------------------------------------------------------- bad input

@test "06-shm-filecopy: a missing SRC is an error before anything is created" {
    run --separate-stderr bounded shm_copy missing.txt dst
    assert_failure 1
    [[ $stderr == *missing.txt* ]]
    assert_equal "$output" ''
    assert_equal "$(files_in .)" ''
}

@test "06-shm-filecopy: an unreadable SRC is an error before anything is created" {
    echo secret > src
    chmod 000 src
    run --separate-stderr without_file_privileges timeout 20 "$(command -v shm_copy)" src dst
    assert_failure 1
    [[ $stderr == *src* ]]
    assert_equal "$(files_in .)" 'src'
}

@test "06-shm-filecopy: a folder as SRC is an error, nothing created" {
    mkdir adir
    run --separate-stderr bounded shm_copy adir dst
    assert_refused
    assert_equal "$(files_in .)" 'adir'
}

@test "06-shm-filecopy: DST in a folder it cannot write is an error, nothing left" {
    echo data > src
    mkdir locked
    chmod 555 locked
    run --separate-stderr without_file_privileges timeout 20 "$(command -v shm_copy)" src locked/dst
    assert_failure 1
    assert_equal "$(files_in locked)" ''
    assert_equal "$(files_in .)" $'locked\nsrc'
}

@test "06-shm-filecopy: SRC and DST the same file are refused, SRC untouched" {
    random_file src 70000
    sum=$(cksum < src)
    run --separate-stderr bounded shm_copy src src
    assert_refused
    run --separate-stderr bounded shm_copy src ./src
    assert_refused
    run --separate-stderr bounded shm_copy src "$WORK/../work/src"
    assert_refused
    assert_equal "$(cksum < src)" "$sum"
    assert_equal "$(files_in .)" 'src'
}

@test "06-shm-filecopy: DST a symbolic link to SRC is refused, both untouched" {
    random_file src 70000
    sum=$(cksum < src)
    ln -s src link
    run --separate-stderr bounded shm_copy src link
    assert_refused
    run --separate-stderr bounded shm_copy link src
    assert_refused
    assert_equal "$(cksum < src)" "$sum"
    assert_equal "$(readlink link)" 'src'
    assert_equal "$(files_in .)" $'link\nsrc'
}

@test "06-shm-filecopy: DST a hard link to SRC is refused, SRC untouched" {
    random_file src 70000
    sum=$(cksum < src)
    ln src hard
    run --separate-stderr bounded shm_copy src hard
    assert_refused
    run --separate-stderr bounded shm_copy hard src
    assert_refused
    assert_equal "$(cksum < src)" "$sum"
    assert_equal "$(stat -c %h src)" 2
    assert_equal "$(files_in .)" $'hard\nsrc'
}

@test "06-shm-filecopy: an existing DST that is a folder is refused and left alone" {
    echo data > src
    mkdir adir
    touch adir/inside
    run --separate-stderr bounded shm_copy src adir
    assert_refused
    assert [ -d adir ]
    assert_equal "$(files_in adir)" 'inside'
    assert_equal "$(files_in .)" $'adir\nsrc'
}

@test "06-shm-filecopy: an existing DST that is a FIFO is refused and left alone" {
    echo data > src
    mkfifo fifo
    run --separate-stderr bounded shm_copy src fifo
    status_fifo=$status
    is_fifo=no
    [ -p fifo ] && is_fifo=yes
    rm -f fifo
    status=$status_fifo
    assert_refused
    assert_equal "$is_fifo" yes
    assert_equal "$(files_in .)" 'src'
}

@test "06-shm-filecopy: an existing DST that is a device is refused and left alone" {
    echo data > src
    ln -s /dev/null device
    run --separate-stderr bounded shm_copy src device
    assert_refused
    assert_equal "$(readlink device)" /dev/null
    assert [ -c /dev/null ]
    assert_equal "$(files_in .)" $'device\nsrc'
}

@test "06-shm-filecopy: CHUNK zero, negative or not a number prints usage and exits 2" {
    echo data > src
    while IFS= read -r chunk; do
        run --separate-stderr bounded shm_copy -b "$chunk" src dst
        assert_failure 2
        [[ $stderr == usage:\ shm_copy* ]] || fail "CHUNK '$chunk': $stderr"
    done < <(fewer_under_valgrind 3 0 abc -5 12x '' ' 5' 0x10 1e3)
    assert_equal "$(files_in .)" 'src'
}

@test "06-shm-filecopy: CHUNK over the system's segment limit prints usage and exits 2" {
    echo data > src
    shmmax=$(cat /proc/sys/kernel/shmmax)
    # Ten times SHMMAX (a digit appended): too big, or too big for 64 bits.
    for chunk in "${shmmax}0" 99999999999999999999999; do
        run --separate-stderr bounded shm_copy -b "$chunk" src dst
        assert_failure 2
        [[ $stderr == usage:\ shm_copy* ]] || fail "CHUNK '$chunk': $stderr"
    done
    assert_equal "$(files_in .)" 'src'
}

@test "06-shm-filecopy: shm_copy with a wrong number of arguments or a bad option prints usage and exits 2" {
    echo data > src
    while IFS= read -r args; do
        run --separate-stderr bounded shm_copy $args
        assert_failure 2
        [[ $stderr == *usage:\ shm_copy* ]] || fail "shm_copy $args: $stderr"
    done < <(fewer_under_valgrind 3 'src' '-x src dst' 'src dst extra' '' '-b')
    assert_equal "$(files_in .)" 'src'
}

# ---------------------------------------------------------------- faults

@test "06-shm-filecopy: the reader killed mid-copy: shm_copy fails at once, removes everything, keeps the old DST" {
    start_slow_copy 'old copy'
    kill -KILL "$READER"
    assert_copy_abandoned 'old copy'
    [[ $(bg_out copy) != *copied* ]]
    [ -n "$(bg_err copy)" ]
}

@test "06-shm-filecopy: shm_copy stopped by SIGTERM mid-copy cleans up and stops its reader" {
    start_slow_copy 'old copy'
    kill -TERM "$WRITER"
    assert_copy_abandoned 'old copy'
}

@test "06-shm-filecopy: shm_copy stopped by SIGINT mid-copy cleans up, stops its reader, creates no DST" {
    start_slow_copy
    kill -INT "$WRITER"
    assert_copy_abandoned
}

@test "06-shm-filecopy: shm_copy_reader without arguments or with a non-numeric SHMID prints usage and exits 2" {
    while IFS= read -r args; do
        run --separate-stderr bounded shm_copy_reader $args
        assert_failure 2
        [[ $stderr == usage:\ shm_copy_reader* ]] || fail "shm_copy_reader $args: $stderr"
    done < <(fewer_under_valgrind 3 'abc dst' '' '-1 dst' '1' '12x dst' '0x10 dst' \
                                    '99999999999999999999 dst')
    assert_equal "$(files_in .)" ''
}

@test "06-shm-filecopy: shm_copy_reader with a number that is no segment says so and exits 1" {
    id=2147483647
    while awk -v id=$id 'NR > 1 && $2 == id { found = 1 } END { exit !found }' /proc/sysvipc/shm; do
        id=$((id - 1))
    done
    run --separate-stderr bounded shm_copy_reader "$id" dst
    assert_failure 1
    [ -n "$stderr" ]
    assert_equal "$output" ''
    assert_equal "$(files_in .)" ''
}

@test "06-shm-filecopy: shm_copy_reader with a segment that shm_copy did not make fails cleanly" {
    id=$(ipcmk -M 4096 -p 0600 | grep -o '[0-9]*$')
    run --separate-stderr bounded shm_copy_reader "$id" dst
    ipcrm -m "$id"
    assert_failure 1
    [ -n "$stderr" ]
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "06-shm-filecopy: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
