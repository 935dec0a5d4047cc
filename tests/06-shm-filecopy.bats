#!/usr/bin/env bats
# 06-shm-filecopy: shm_copy and shm_copy_reader, as CONTRACT.md (section
# 06-shm-filecopy) describes them.

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

# expect_copied SIZE [OPTIONS]: shm_copy [OPTIONS] src dst succeeds, says
# "copied SIZE bytes" last, and dst is src byte for byte; else broke.
expect_copied() {
    local size=$1
    shift
    run --separate-stderr bounded shm_copy "$@" src dst
    expect_status 0 "06-shm-filecopy, the copy: shm_copy $* of a $size-byte file exits 0"
    [ "${lines[-1]:-}" = "copied $size bytes" ] ||
        broke "06-shm-filecopy, programs: the last line of shm_copy $* is 'copied N bytes', N the file's size ($size)"
    cmp -s src dst ||
        broke "06-shm-filecopy, the copy: shm_copy $* copies a $size-byte file exactly (dst differs from src: $(cmp src dst 2>&1))"
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
        expect_copied "$size" "$@"
    done
}

# files_in DIR: the names in DIR, hidden ones too, one a line.
files_in() {
    ls -A "$1"
}

# expect_files DIR NAMES RULE: DIR holds exactly NAMES (one a line, as
# files_in prints them), else broke RULE.
expect_files() {
    local now
    now=$(files_in "$1")
    [ "$now" = "$2" ] || broke "$3 (in $1 now: $(echo $now))"
}

# no_work_objects RULE: no IPC object has an ftok key of the test's folder,
# else broke RULE, listing them.
no_work_objects() {
    local left
    left=$(work_ipc_objects)
    [ -z "$left" ] || broke "$1 (left: $left)"
}

# expect_refused NAME RULE: the last run was refused before anything was
# made: exit 1, a message naming NAME, nothing on stdout, no IPC object.
expect_refused() {
    expect_error "$1" "$2"
    [ -z "$output" ] || broke "06-shm-filecopy, bad input: a refused start prints nothing on stdout"
    no_work_objects "06-shm-filecopy, bad input: a refused start creates no IPC object"
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

# partial_size DIR NAME: the size of the copy in progress in DIR (the file
# other than NAME), 0 if there is none.
partial_size() {
    local size
    size=$(find "$1" -mindepth 1 -maxdepth 1 -type f ! -name "$2" -printf '%s\n' | head -n 1)
    echo "${size:-0}"
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
    wait_until has_partial_copy out dst ||
        broke "06-shm-filecopy, the destination: the copy is written under a temporary name in DST's folder (none with data appeared in out/)"
    READER=$(child_of "$WRITER") ||
        broke "06-shm-filecopy, programs: shm_copy starts shm_copy_reader as its child"
    if [ $# -eq 0 ]; then
        [ ! -e out/dst ] ||
            broke "06-shm-filecopy, the destination: DST appears only when the copy is complete"
    else
        [ "$(cat out/dst)" = "$1" ] ||
            broke "06-shm-filecopy, the destination: an old DST keeps its content until the copy is complete"
    fi
}

# finish PID: waits for a program started by start_bg; sets $status and
# clears $output and $stderr (broke then shows the programs' stderr).
finish() {
    status=0
    output=
    stderr=
    wait_bg "$1" || status=$?
}

# expect_copy_abandoned STATUS RULE [OLD]: the slow copy has ended with
# STATUS (else broke RULE), left no IPC object and no partial copy, and
# out/dst holds OLD (or does not exist); its reader is gone.
expect_copy_abandoned() {
    local expected=$1 rule=$2
    shift 2
    finish "$COPY"
    [ "$status" -ne 124 ] || broke "06-shm-filecopy, faults and signals: shm_copy ends at once, it must not run on until its time limit"
    expect_status "$expected" "$rule"
    no_work_objects "06-shm-filecopy, faults and signals: shm_copy removes both IPC objects when the copy fails or is stopped"
    if [ $# -eq 0 ]; then
        expect_files out '' "06-shm-filecopy, faults and signals: a failed or stopped copy leaves no temporary file, and no DST where there was none"
    else
        expect_files out dst "06-shm-filecopy, faults and signals: a failed or stopped copy leaves no temporary file"
        [ "$(cat out/dst)" = "$1" ] ||
            broke "06-shm-filecopy, faults and signals: a failed or stopped copy leaves the old DST as it was"
    fi
    wait_until -p '' eval "! kill -0 $READER 2>/dev/null" ||
        broke "06-shm-filecopy, faults and signals: when the copy fails or is stopped, the reader ends too"
}

# plus_one NUMBER: the decimal NUMBER plus 1, digit by digit (NUMBER may be
# too big for the shell's 64-bit arithmetic, as SHMMAX often is).
plus_one() {
    local number=$1 result='' digit carry=1
    while [ -n "$number" ]; do
        digit=$((${number: -1} + carry))
        number=${number%?}
        carry=$((digit / 10))
        result=$((digit % 10))$result
    done
    [ "$carry" -eq 0 ] || result=1$result
    echo "$result"
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

@test "06-shm-filecopy: shm_copy copies a file and prints the original example's lines and copied N bytes" {
    # contract: 06-shm-filecopy, programs
    printf 'Hello, shared memory!\n' > src
    run --separate-stderr bounded shm_copy src dst
    expect_status 0 "06-shm-filecopy, exit statuses: a successful copy exits 0"
    [[ ${lines[0]:-} =~ ^my\(write\)\ pid\ is\ ([0-9]+)$ ]] ||
        broke "06-shm-filecopy, programs: shm_copy's first line is 'my(write) pid is N'"
    writer=${BASH_REMATCH[1]}
    child=$(sed -n 's/^my child pid is \([0-9][0-9]*\)$/\1/p' <<<"$output")
    [ -n "$child" ] || broke "06-shm-filecopy, programs: shm_copy prints 'my child pid is N', N the reader's PID"
    [ "$writer" != "$child" ] ||
        broke "06-shm-filecopy, programs: 'my(write) pid is N' shows shm_copy's PID, 'my child pid is N' the reader's: two processes"
    grep -qx "my parent pid is $writer" <<<"$output" ||
        broke "06-shm-filecopy, programs: shm_copy_reader prints 'my parent pid is N', N shm_copy's PID ($writer)"
    grep -qx "my(read) pid is $child" <<<"$output" ||
        broke "06-shm-filecopy, programs: shm_copy_reader prints 'my(read) pid is N', its own PID ($child)"
    [ "${lines[-1]}" = 'copied 22 bytes' ] ||
        broke "06-shm-filecopy, programs: shm_copy's last line is 'copied N bytes' (here 22)"
    cmp -s src dst || broke "06-shm-filecopy, the copy: the copy is exact"
}

@test "06-shm-filecopy: shm_copy reports a full stdout (/dev/full): a message, exit 1, no IPC object, no partial DST" {
    # contract: rules, 10 (output); rules, 6 (cleanup); rules, 11 (destinations)
    checks_cleanup
    random_file src 300000
    run --separate-stderr bounded shm_copy src dst
    expect_status 0 "06-shm-filecopy, exit statuses: a successful copy exits 0"
    rm dst
    run --separate-stderr full_stdout shm_copy src dst
    expect_write_error shm_copy
    no_work_objects "rules, 6 (cleanup): a copy that fails removes the segment and the queue"
    [ ! -e dst ] || cmp -s src dst ||
        broke "rules, 11 (destinations): DST is written whole or not at all, also when the copy fails"
    files=$(files_in .)
    [ "$files" = src ] || [ "$files" = "$(printf 'dst\nsrc')" ] ||
        broke "rules, 11 (destinations): a copy that fails leaves no temporary file (in the folder now: $(echo $files))"
}

@test "06-shm-filecopy: shm_copy removes its IPC objects after a copy" {
    # contract: 06-shm-filecopy, the copy; rules, 6 (cleanup)
    checks_cleanup
    printf 'Hello\n' > src
    run --separate-stderr bounded shm_copy src dst
    expect_status 0 "06-shm-filecopy, exit statuses: a successful copy exits 0"
    no_work_objects "06-shm-filecopy, the copy: shm_copy removes the segment and the queue when the copy ends"
}

@test "06-shm-filecopy: files of 0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 bytes with CHUNK 1" {
    # contract: 06-shm-filecopy, the copy
    copy_sizes 1 -b 1
}

@test "06-shm-filecopy: files of 0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 bytes with CHUNK 100" {
    # contract: 06-shm-filecopy, the copy
    copy_sizes 100 -b 100
}

@test "06-shm-filecopy: files of 0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 bytes with CHUNK 4096" {
    # contract: 06-shm-filecopy, the copy
    copy_sizes 4096 -b 4096
}

@test "06-shm-filecopy: files of 0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 bytes with the default CHUNK (64 KiB)" {
    # contract: 06-shm-filecopy, programs; 06-shm-filecopy, the copy
    copy_sizes 65536
}

@test "06-shm-filecopy: files of 0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 bytes with CHUNK 1 MiB" {
    # contract: 06-shm-filecopy, the copy
    copy_sizes 1048576 -b 1048576
}

@test "06-shm-filecopy: 20 MiB of random binary data arrive byte for byte" {
    # contract: 06-shm-filecopy, the copy
    size=$((20 * 1024 * 1024))
    [ -z "${IPC_LABS_VALGRIND:-}" ] || size=$((4 * 1024 * 1024))
    random_file src "$size"
    expect_copied "$size"
}

@test "06-shm-filecopy: NUL bytes and text after them arrive (no strcpy)" {
    # contract: 06-shm-filecopy, the copy
    printf 'abc\0def\0\0ghi\n' > src
    expect_copied 13 -b 4
    printf '\0\0\0' > src
    expect_copied 3
}

@test "06-shm-filecopy: a longer old DST is truncated, not appended to, also on a second run" {
    # contract: 06-shm-filecopy, the destination; rules, 11 (destinations)
    head -c 100000 /dev/urandom > dst
    printf 'short\n' > src
    expect_copied 6
    # A second run into the same DST must not double it (the original "ab").
    expect_copied 6
}

@test "06-shm-filecopy: DST in another folder: the copy is there and nothing else" {
    # contract: 06-shm-filecopy, the destination; rules, 11 (destinations)
    random_file src 5000
    mkdir out
    run --separate-stderr bounded shm_copy -b 100 src out/copy
    expect_status 0 "06-shm-filecopy, the destination: a copy into another folder succeeds"
    cmp -s src out/copy || broke "06-shm-filecopy, the copy: the copy is exact"
    expect_files out copy "06-shm-filecopy, the destination: after a successful copy DST's folder holds DST and nothing new"
    expect_files . $'out\nsrc' "06-shm-filecopy, the destination: nothing is written beside SRC or in the working folder"
}

@test "06-shm-filecopy: shm_copy finds its reader from another folder and through a link" {
    # contract: 06-shm-filecopy, the destination; rules, 9 (partners)
    random_file src 3000
    ln -s "$(command -v shm_copy)" linked_copy
    mkdir elsewhere
    cd elsewhere
    run --separate-stderr bounded "$WORK/linked_copy" ../src ../dst
    expect_status 0 "rules, 9 (partners): shm_copy finds shm_copy_reader beside itself (/proc/self/exe), from any folder and through a link"
    cmp -s ../src ../dst || broke "06-shm-filecopy, the copy: the copy is exact"
}

@test "06-shm-filecopy: 20 copies in a row leave nothing behind" {
    # contract: 06-shm-filecopy, the copy; rules, 6 (cleanup)
    checks_cleanup
    for i in $(fewer_under_valgrind 4 $(seq 20)); do
        random_file src $((i * 997))
        run --separate-stderr bounded shm_copy -b 512 src dst
        expect_status 0 "06-shm-filecopy, the copy: each of 20 copies in a row succeeds (copy $i)"
        cmp -s src dst || broke "06-shm-filecopy, the copy: each of 20 copies in a row is exact (copy $i)"
        no_work_objects "06-shm-filecopy, the copy: each copy removes its IPC objects (copy $i)"
    done
    expect_files . $'dst\nsrc' "06-shm-filecopy, the destination: no temporary file is left after a copy"
}

# ---------------------------------------------------------------- bad input

@test "06-shm-filecopy: a missing SRC is refused, exit 1, naming it, before anything is created" {
    # contract: 06-shm-filecopy, bad input; rules, 3 (errors)
    run --separate-stderr bounded shm_copy missing.txt dst
    expect_refused missing.txt "06-shm-filecopy, bad input: a missing SRC is refused with exit 1 and a message naming it"
    expect_files . '' "06-shm-filecopy, bad input: a refused start creates no DST and no temporary file"
}

@test "06-shm-filecopy: an unreadable SRC is refused, exit 1, naming it, before anything is created" {
    # contract: 06-shm-filecopy, bad input; rules, 3 (errors)
    echo secret > src
    chmod 000 src
    run --separate-stderr without_file_privileges timeout "$LAB_TIMEOUT" "$(command -v shm_copy)" src dst
    expect_refused src "06-shm-filecopy, bad input: an unreadable SRC is refused with exit 1 and a message naming it"
    expect_files . src "06-shm-filecopy, bad input: a refused start creates no DST and no temporary file"
}

@test "06-shm-filecopy: a folder as SRC is refused, exit 1, naming it, nothing created" {
    # contract: 06-shm-filecopy, bad input
    mkdir adir
    run --separate-stderr bounded shm_copy adir dst
    expect_refused adir "06-shm-filecopy, bad input: a folder as SRC is refused with exit 1 and a message naming it"
    expect_files . adir "06-shm-filecopy, bad input: a refused start creates no DST and no temporary file"
}

@test "06-shm-filecopy: DST in a folder it cannot write is refused, exit 1, naming it, nothing left" {
    # contract: 06-shm-filecopy, bad input; rules, 3 (errors)
    echo data > src
    mkdir locked
    chmod 555 locked
    run --separate-stderr without_file_privileges timeout "$LAB_TIMEOUT" "$(command -v shm_copy)" src locked/dst
    expect_refused locked "06-shm-filecopy, bad input: DST in a folder that cannot be written is refused with exit 1 and a message naming DST or its folder"
    expect_files locked '' "06-shm-filecopy, bad input: a refused start leaves nothing in DST's folder"
    expect_files . $'locked\nsrc' "06-shm-filecopy, bad input: a refused start creates nothing"
}

@test "06-shm-filecopy: SRC and DST the same file under three names are refused, SRC untouched" {
    # contract: 06-shm-filecopy, bad input; rules, 3 (errors)
    random_file src 70000
    sum=$(cksum < src)
    for dst in src ./src "$WORK/../work/src"; do
        run --separate-stderr bounded shm_copy src "$dst"
        expect_refused src "06-shm-filecopy, bad input: DST the same file as SRC ($dst) is refused with exit 1 and a message naming it"
    done
    [ "$(cksum < src)" = "$sum" ] || broke "06-shm-filecopy, bad input: a refused copy leaves SRC untouched"
    expect_files . src "06-shm-filecopy, bad input: a refused start creates no temporary file"
}

@test "06-shm-filecopy: DST a symbolic link to SRC, or SRC one to DST, is refused, both untouched" {
    # contract: 06-shm-filecopy, bad input
    random_file src 70000
    sum=$(cksum < src)
    ln -s src link
    run --separate-stderr bounded shm_copy src link
    expect_refused link "06-shm-filecopy, bad input: DST a symbolic link to SRC is refused with exit 1 and a message naming it"
    run --separate-stderr bounded shm_copy link src
    expect_refused src "06-shm-filecopy, bad input: SRC a symbolic link to DST is refused with exit 1 and a message naming DST"
    [ "$(cksum < src)" = "$sum" ] || broke "06-shm-filecopy, bad input: a refused copy leaves SRC untouched"
    [ "$(readlink link)" = src ] || broke "06-shm-filecopy, bad input: a refused copy leaves the link as it was"
    expect_files . $'link\nsrc' "06-shm-filecopy, bad input: a refused start creates no temporary file"
}

@test "06-shm-filecopy: DST a hard link of SRC is refused, SRC untouched" {
    # contract: 06-shm-filecopy, bad input
    random_file src 70000
    sum=$(cksum < src)
    ln src hard
    run --separate-stderr bounded shm_copy src hard
    expect_refused hard "06-shm-filecopy, bad input: DST a hard link of SRC is refused with exit 1 and a message naming it"
    run --separate-stderr bounded shm_copy hard src
    expect_refused src "06-shm-filecopy, bad input: DST a hard link of SRC is refused with exit 1 and a message naming it"
    [ "$(cksum < src)" = "$sum" ] || broke "06-shm-filecopy, bad input: a refused copy leaves SRC untouched"
    [ "$(stat -c %h src)" = 2 ] || broke "06-shm-filecopy, bad input: a refused copy leaves the hard link as it was"
    expect_files . $'hard\nsrc' "06-shm-filecopy, bad input: a refused start creates no temporary file"
}

@test "06-shm-filecopy: an existing DST that is a folder is refused and left alone" {
    # contract: 06-shm-filecopy, bad input
    echo data > src
    mkdir adir
    touch adir/inside
    run --separate-stderr bounded shm_copy src adir
    expect_refused adir "06-shm-filecopy, bad input: an existing DST that is a folder is refused with exit 1 and a message naming it"
    expect_files adir inside "06-shm-filecopy, bad input: a refused DST folder is left as it was"
    expect_files . $'adir\nsrc' "06-shm-filecopy, bad input: a refused start creates nothing"
}

@test "06-shm-filecopy: an existing DST that is a FIFO is refused at once and left alone" {
    # contract: 06-shm-filecopy, bad input
    echo data > src
    mkfifo fifo
    run --separate-stderr bounded shm_copy src fifo
    is_fifo=no
    [ -p fifo ] && is_fifo=yes
    rm -f fifo              # before any broke: a FIFO left would be a leftover too
    [ "$status" -ne 124 ] ||
        broke "06-shm-filecopy, bad input: a FIFO as DST is refused, never opened for writing (shm_copy blocked until its time limit)"
    expect_refused fifo "06-shm-filecopy, bad input: an existing DST that is a FIFO is refused with exit 1 and a message naming it"
    [ $is_fifo = yes ] || broke "06-shm-filecopy, bad input: a refused DST FIFO is left as it was"
    expect_files . src "06-shm-filecopy, bad input: a refused start creates nothing"
}

@test "06-shm-filecopy: an existing DST that is a device (a link to /dev/null) is refused and left alone" {
    # contract: 06-shm-filecopy, bad input
    echo data > src
    ln -s /dev/null device
    run --separate-stderr bounded shm_copy src device
    expect_refused device "06-shm-filecopy, bad input: an existing DST that is a device is refused with exit 1 and a message naming it"
    [ "$(readlink device)" = /dev/null ] && [ -c /dev/null ] ||
        broke "06-shm-filecopy, bad input: a refused DST device (and the link to it) is left as it was"
    expect_files . $'device\nsrc' "06-shm-filecopy, bad input: a refused start creates nothing"
}

@test "06-shm-filecopy: CHUNK zero, negative or not a decimal number is wrong usage" {
    # contract: 06-shm-filecopy, bad input; 06-shm-filecopy, the copy; rules, 4 (numbers)
    echo data > src
    while IFS= read -r chunk; do
        run --separate-stderr bounded shm_copy -b "$chunk" src dst
        expect_usage shm_copy
    done < <(fewer_under_valgrind 3 0 abc -5 12x '' ' 5' 0x10 1e3)
    no_work_objects "06-shm-filecopy, bad input: wrong usage creates nothing"
    expect_files . src "06-shm-filecopy, bad input: wrong usage creates nothing"
}

@test "06-shm-filecopy: CHUNK over the system's segment limit (SHMMAX) is wrong usage" {
    # contract: 06-shm-filecopy, the copy; 06-shm-filecopy, bad input; rules, 4 (numbers)
    echo data > src
    shmmax=$(cat /proc/sys/kernel/shmmax)
    # SHMMAX + 1; ten times SHMMAX (a digit appended): too big, or too big for
    # 64 bits.
    for chunk in "$(plus_one "$shmmax")" "${shmmax}0" 99999999999999999999999; do
        run --separate-stderr bounded shm_copy -b "$chunk" src dst
        expect_usage shm_copy
    done
    expect_files . src "06-shm-filecopy, bad input: wrong usage creates nothing"
}

@test "06-shm-filecopy: shm_copy with a wrong number of arguments or a bad option is wrong usage" {
    # contract: 06-shm-filecopy, bad input; rules, 3 (errors)
    echo data > src
    while IFS= read -r args; do
        run --separate-stderr bounded shm_copy $args
        expect_usage shm_copy
    done < <(fewer_under_valgrind 3 'src' '-x src dst' 'src dst extra' '' '-b')
    no_work_objects "06-shm-filecopy, bad input: wrong usage creates nothing"
    expect_files . src "06-shm-filecopy, bad input: wrong usage creates nothing"
}

# ---------------------------------------------------------------- faults

@test "06-shm-filecopy: the reader killed mid-copy: shm_copy exits 1 at once, removes everything, keeps the old DST" {
    # contract: 06-shm-filecopy, faults and signals; rules, 6 (cleanup)
    checks_cleanup
    start_slow_copy 'old copy'
    kill -KILL "$READER"
    expect_copy_abandoned 1 "06-shm-filecopy, faults and signals: shm_copy whose reader died exits 1" 'old copy'
    [[ $(bg_out copy) != *copied* ]] ||
        broke "06-shm-filecopy, faults and signals: a failed copy prints no 'copied N bytes' line"
    [ -n "$(bg_err copy)" ] ||
        broke "06-shm-filecopy, faults and signals: shm_copy says on stderr that its reader died"
}

@test "06-shm-filecopy: shm_copy stopped by SIGTERM mid-copy cleans up, stops its reader, ends with status 143" {
    # contract: 06-shm-filecopy, faults and signals; rules, 8 (signals)
    checks_cleanup
    start_slow_copy 'old copy'
    kill -TERM "$WRITER"
    expect_copy_abandoned 143 "rules, 8 (signals): shm_copy stopped by SIGTERM ends with status 143" 'old copy'
}

@test "06-shm-filecopy: shm_copy stopped by SIGINT mid-copy cleans up, stops its reader, creates no DST, ends with status 130" {
    # contract: 06-shm-filecopy, faults and signals; rules, 8 (signals)
    checks_cleanup
    start_slow_copy
    kill -INT "$WRITER"
    expect_copy_abandoned 130 "rules, 8 (signals): shm_copy stopped by SIGINT ends with status 130"
}

@test "06-shm-filecopy: shm_copy_reader without two arguments or with a SHMID that is not a decimal number is wrong usage" {
    # contract: 06-shm-filecopy, bad input; rules, 4 (numbers)
    while IFS= read -r args; do
        run --separate-stderr bounded shm_copy_reader $args
        expect_usage shm_copy_reader
    done < <(fewer_under_valgrind 3 'abc dst' '' '-1 dst' '1' '12x dst' '0x10 dst' \
                                    '99999999999999999999 dst' '1 dst extra')
    expect_files . '' "06-shm-filecopy, bad input: wrong usage creates nothing"
}

@test "06-shm-filecopy: shm_copy_reader with a number that is no segment fails with exit 1 and prints nothing on stdout" {
    # contract: 06-shm-filecopy, bad input
    id=2147483647
    while awk -v id=$id 'NR > 1 && $2 == id { found = 1 } END { exit !found }' /proc/sysvipc/shm; do
        id=$((id - 1))
    done
    run --separate-stderr bounded shm_copy_reader "$id" dst
    expect_status 1 "06-shm-filecopy, bad input: shm_copy_reader with a SHMID that is no segment exits 1"
    [ -n "$stderr" ] || broke "06-shm-filecopy, bad input: shm_copy_reader with a SHMID that is no segment says so on stderr"
    [ -z "$output" ] ||
        broke "06-shm-filecopy, bad input: shm_copy_reader refused at its start prints nothing on stdout (its two lines come once a copy is under way)"
    expect_files . '' "06-shm-filecopy, bad input: shm_copy_reader refused at its start does not create DST"
}

@test "06-shm-filecopy: shm_copy_reader with a segment that shm_copy did not make fails with exit 1 and leaves it alone" {
    # contract: 06-shm-filecopy, bad input
    id=$(ipcmk -M 4096 -p 0600 | grep -o '[0-9]*$')
    run --separate-stderr bounded shm_copy_reader "$id" dst
    still_there=no
    awk -v id="$id" 'NR > 1 && $2 == id { found = 1 } END { exit !found }' /proc/sysvipc/shm &&
        still_there=yes
    ipcrm -m "$id" 2>/dev/null || true
    expect_status 1 "06-shm-filecopy, bad input: shm_copy_reader with a segment its parent shm_copy did not make exits 1"
    [ -n "$stderr" ] || broke "06-shm-filecopy, bad input: shm_copy_reader refused at its start says why on stderr"
    [ -z "$output" ] ||
        broke "06-shm-filecopy, bad input: shm_copy_reader refused at its start prints nothing on stdout"
    [ $still_there = yes ] ||
        broke "06-shm-filecopy, bad input: shm_copy_reader removes no IPC object: the segment is not its own"
    expect_files . '' "06-shm-filecopy, bad input: shm_copy_reader refused at its start does not create DST"
}

# ---------------------------------------------------------------- hostile users, crashes, memory

# segment_size_copy CHUNK: copies src to dst with shm_copy -b CHUNK, run from
# a folder of its own beside a stand-in shm_copy_reader that records the size
# of the segment it is given (in $BATS_TEST_TMPDIR/segment) and then execs the
# real reader. The programs themselves, not valgrind's wrappers: this is about sizes.
segment_size_copy() {
    local bin=${IPC_LABS_BIN:-$REPO}/06-shm-filecopy spy=$BATS_TEST_TMPDIR/spy
    mkdir -p "$spy"
    cp "$bin/shm_copy" "$spy/shm_copy"
    cat > "$spy/shm_copy_reader" <<SPY
#!/bin/sh
awk -v id="\$1" 'NR > 1 && \$2 == id { print \$4 }' /proc/sysvipc/shm > "$BATS_TEST_TMPDIR/segment"
exec "$bin/shm_copy_reader" "\$@"
SPY
    chmod +x "$spy/shm_copy_reader"
    : > "$BATS_TEST_TMPDIR/segment"
    run --separate-stderr bounded "$spy/shm_copy" -b "$1" src dst
}

@test "06-shm-filecopy: the segment follows the file's size, not CHUNK, and CHUNK has a cap" {
    # contract: 06-shm-filecopy, the copy; 06-shm-filecopy, bad input
    head -c 5000 /dev/urandom > src
    # 1 MiB must be accepted; 512 MiB may be over the cap (wrong usage), but
    # if accepted, a 5000-byte file still gets a small segment.
    for chunk in 1048576 536870912; do
        segment_size_copy "$chunk"
        if [ "$status" -eq 2 ] && [ "$chunk" -gt 1048576 ]; then
            expect_usage shm_copy
            continue
        fi
        expect_status 0 "06-shm-filecopy, the copy: shm_copy -b $chunk copies a 5000-byte file"
        cmp -s src dst || broke "06-shm-filecopy, the copy: shm_copy -b $chunk copies the file exactly"
        size=$(cat "$BATS_TEST_TMPDIR/segment")
        [ -n "$size" ] && [ "$size" -le $((2 * 5000 + 65536)) ] ||
            broke "06-shm-filecopy, the copy: memory follows the file: with -b $chunk a 5000-byte file gets a segment of at most 2 x 5000 + 65536 bytes (it got ${size:-none})"
    done
    # 10^17 bytes fit no machine's memory: over any cap.
    run --separate-stderr bounded shm_copy -b 100000000000000000 src dst2
    expect_usage shm_copy
}

@test "06-shm-filecopy: another user's queue or segment at shm_copy's keys is refused, naming its owner, touching nothing" {
    # contract: 06-shm-filecopy, objects another user made; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    echo 'secret data' > src
    chmod 600 src
    for case in "q l 0666" "m s 0666" "q l 0600" "m s 0000"; do
        set -- $case
        id=$(squat "$1" "$2" "$3") || broke "the test could not squat a key as uid $OTHER_UID"
        run --separate-stderr bounded shm_copy src dst
        left=$(work_ipc_objects)
        messages=$(awk -v id="$id" 'NR > 1 && $2 == id { print $5 }' /proc/sysvipc/msg)
        ipcrm "-$1" "$id"
        expect_error "$OTHER_UID" "rules, 13 (objects another user made): shm_copy refuses an object of uid $OTHER_UID (kind $1, mode $3) at its key, exit 1, naming the owner"
        [ "$(echo "$left" | awk '{print $2}')" = "$id" ] ||
            broke "rules, 13 (objects another user made): the refused object is left as it was and shm_copy leaves nothing of its own (at the keys now: $left)"
        [ "$1" = m ] || [ "$messages" = 0 ] ||
            broke "rules, 13 (objects another user made): nothing is sent to a refused queue ($messages messages in it)"
        [ ! -e dst ] || broke "rules, 13 (objects another user made): a refused copy writes no DST"
        [ -z "$output" ] || broke "rules, 13 (objects another user made): a refused start prints nothing on stdout"
    done
    expect_files . src "rules, 13 (objects another user made): a refused copy leaves no temporary file"
}

@test "06-shm-filecopy: after shm_copy is killed by SIGKILL, the next one says what is left and the command that removes it" {
    # contract: 06-shm-filecopy, faults and signals; rules, 14 (stale objects)
    start_slow_copy
    kill -KILL "$WRITER"
    finish "$COPY"
    wait_until -p '' eval "! kill -0 $READER 2>/dev/null"
    rm -rf out
    left=$(work_ipc_objects)
    echo data > src2
    run --separate-stderr bounded shm_copy src2 dst2
    expect_status 1 "rules, 14 (stale objects): shm_copy that finds a killed run's objects exits 1"
    command=$(grep -oE 'ipcrm( +-[qms] +[0-9]+)+' <<<"$stderr" | head -n 1)
    worked=yes
    [ -z "$command" ] || $command || worked=no
    still=$(work_ipc_objects)
    # The killed run's leftovers are this test's to remove, whatever happens.
    [ -z "$still" ] || remove_ipc_objects <<<"$still" || true
    [ -n "$command" ] ||
        broke "rules, 14 (stale objects): the message gives the exact ipcrm command that removes what is left ($left)"
    [ $worked = yes ] || broke "rules, 14 (stale objects): the command it gives ($command) works"
    [ -z "$still" ] ||
        broke "rules, 14 (stale objects): the command it gives ($command) removes everything the killed run left ($left; still there: $still)"
    run --separate-stderr bounded shm_copy src2 dst2
    expect_status 0 "rules, 14 (stale objects): once the leftovers are removed, shm_copy copies again"
}

@test "06-shm-filecopy: shm_copy_reader refuses a queue another user made at its key, naming its owner" {
    # contract: 06-shm-filecopy, objects another user made; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    # The other user's queue at the reader's key: in a folder of its own, where
    # a stand-in for shm_copy_reader runs the real one (shm_copy makes its own
    # queue exclusively, so only a reader run elsewhere can meet another's).
    mkdir elsewhere
    id=$(cd elsewhere && squat q l 0666) || broke "the test could not squat a key as uid $OTHER_UID"
    local bin=${IPC_LABS_BIN:-$REPO}/06-shm-filecopy spy=$BATS_TEST_TMPDIR/spy
    mkdir -p "$spy"
    cp "$bin/shm_copy" "$spy/shm_copy"
    printf '#!/bin/sh\ncd "%s" && exec "%s" "$@"\n' "$WORK/elsewhere" "$LAB_BIN/shm_copy_reader" \
        > "$spy/shm_copy_reader"
    chmod +x "$spy/shm_copy_reader"
    echo 'secret data' > src
    run --separate-stderr bounded "$spy/shm_copy" src "$WORK/dst"
    messages=$(awk -v id="$id" 'NR > 1 && $2 == id { print $5 }' /proc/sysvipc/msg)
    ipcrm -q "$id"
    [ "$status" -ne 124 ] || broke "rules, 13 (objects another user made): shm_copy_reader refuses another user's queue at once, it must not wait on it"
    expect_error "$OTHER_UID" "rules, 13 (objects another user made): shm_copy_reader refuses a queue of uid $OTHER_UID at its key, naming the owner, and shm_copy then exits 1"
    [ "$messages" = 0 ] || broke "rules, 13 (objects another user made): nothing is taken from or sent to a refused queue ($messages messages in it)"
    [ ! -e dst ] || broke "06-shm-filecopy, the destination: a failed copy writes no DST"
    expect_files . "elsewhere
src" "06-shm-filecopy, the destination: a failed copy leaves no temporary file"
}

@test "06-shm-filecopy: a second shm_copy in a folder where one is copying is refused; the first goes on" {
    # contract: 06-shm-filecopy, objects another user made; rules, 14 (stale objects)
    start_slow_copy
    before=$(work_ipc_objects)
    echo data > src2
    run --separate-stderr bounded shm_copy src2 dst2
    expect_status 1 "06-shm-filecopy, objects another user made: a second shm_copy in a folder where one is copying is refused, exit 1"
    [ -n "$stderr" ] || broke "06-shm-filecopy, objects another user made: the second shm_copy says on stderr why it is refused"
    [ ! -e dst2 ] || broke "06-shm-filecopy, objects another user made: the refused copy writes no DST"
    [ "$(work_ipc_objects)" = "$before" ] ||
        broke "06-shm-filecopy, objects another user made: the refused copy leaves the first one's objects as they were (before: $before; now: $(work_ipc_objects))"
    copied=$(partial_size out dst)
    wait_until eval '[ "$(partial_size out dst)" -gt "$copied" ]' ||
        broke "06-shm-filecopy, objects another user made: the first copy goes on after the second is refused"
    kill -TERM "$WRITER"
    expect_copy_abandoned 143 "rules, 8 (signals): the first copy, stopped by SIGTERM, ends with status 143"
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "06-shm-filecopy: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
