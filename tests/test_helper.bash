# test_helper.bash -- what every tests/NN-name.bats shares.
#
# A test file starts with
#     load test_helper
#     setup()    { lab_setup 02-pipe; }
#     teardown() { lab_teardown; }
# and then runs the lab's programs by name, as a student would type them.
#
# Each test runs in a fresh folder of its own ($WORK), so ftok(".") keys
# differ from test to test and from run to run. Every graded test starts with
# a line "# contract: WHERE" naming the rule of CONTRACT.md that it checks.
#
# Leftovers: lab_teardown removes any System V IPC object or FIFO a test left
# behind. A test about cleanup (one that calls checks_cleanup) fails for it;
# any other test records it, and the lab's last test, "no test left an IPC
# object or FIFO behind", fails naming each test and object: one forgotten
# IPC_RMID costs the cleanup tests' points, not every test's.
#
# Failures say what to fix: broke "RULE" fails the test with that sentence,
# the last run's status and output, and what every background program printed.
#
# Environment:
#   IPC_LABS_BIN=DIR       the programs are in DIR/NN-name (default: the labs)
#   IPC_LABS_VALGRIND=1    run every program, children too, under valgrind
#   IPC_LABS_TIMEOUT=SEC   the time limit for one program (default 20, 120 under valgrind)

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

# The tests use run's flags (run -N, --separate-stderr): bats 1.5 or later.
if type bats_require_minimum_version >/dev/null 2>&1; then
    bats_require_minimum_version 1.5.0
fi

load_bats_libraries() {
    local dir
    for dir in ${IPC_LABS_BATS_LIBS:-} "$REPO/tests/.deps/node_modules" /usr/lib/bats /usr/local/lib/bats; do
        if [ -f "$dir/bats-support/load.bash" ]; then
            load "$dir/bats-support/load.bash"
            load "$dir/bats-assert/load.bash"
            return 0
        fi
    done
    echo "bats-support and bats-assert not found: run the suite with make test" >&2
    return 1
}

# lab_programs DIR: the programs of the lab in DIR: its .c files that define
# main() (the others are helper sources), as lab.mk finds them.
lab_programs() {
    grep -lE '^(int[[:space:]]+)?main[[:space:]]*\(' "$1"/*.c | xargs -n1 basename | sed 's/\.c$//'
}

# lab_setup LAB: load the assertion libraries, put LAB's programs first on
# PATH and move into a fresh working folder, $WORK.
lab_setup() {
    load_bats_libraries
    LAB=$1
    LAB_SRC=$REPO/$LAB
    local bin=${IPC_LABS_BIN:-$REPO}/$LAB
    local program
    for program in $(lab_programs "$LAB_SRC"); do
        [ -x "$bin/$program" ] || fail "$bin/$program is not built: run make first"
    done

    if [ -n "${IPC_LABS_VALGRIND:-}" ]; then
        LAB_TIMEOUT=${IPC_LABS_TIMEOUT:-120}
        bin=$(valgrind_wrappers "$bin")
    else
        LAB_TIMEOUT=${IPC_LABS_TIMEOUT:-20}
    fi
    LAB_BIN=$bin
    PATH=$bin:$PATH

    WORK=$BATS_TEST_TMPDIR/work
    mkdir -p "$WORK"
    cd "$WORK" || return 1
    IPC_BEFORE=$(ipc_objects)
    BG_PIDS=()
    BG_NAME=()
    BG_STATUS=()
    CHECKS_CLEANUP=
    LEFTOVERS=$BATS_FILE_TMPDIR/leftovers
}

# checks_cleanup: this test's subject includes cleanup, so a leftover IPC
# object or FIFO fails it (other tests only record leftovers).
checks_cleanup() {
    CHECKS_CLEANUP=1
}

# no_leftovers_reported: fails naming each earlier test of this file that
# left an IPC object or a FIFO behind. The body of each lab's last test.
no_leftovers_reported() {
    if [ -s "$LEFTOVERS" ]; then
        cat "$LEFTOVERS" >&2
        broke "rules, 6 (cleanup): every IPC object and FIFO a program creates is removed when its exchange ends; the tests above left these behind"
    fi
}

# lab_teardown: stop what is still running, then fail the test if it left an
# IPC object or a FIFO behind (removing them, so that one failure does not
# spill into the next test), or if valgrind found an error.
lab_teardown() {
    local pid problems=""
    for pid in "${BG_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${BG_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done

    local left leftovers=""
    left=$(leftover_ipc_objects)
    if [ -n "$left" ]; then
        leftovers+="IPC objects left behind (kind id key uid):"$'\n'"$left"$'\n'
        remove_ipc_objects <<<"$left"
    fi
    left=$(find "$BATS_TEST_TMPDIR" -type p 2>/dev/null)
    if [ -n "$left" ]; then
        leftovers+="FIFOs left behind:"$'\n'"$left"$'\n'
        rm -f $left
    fi
    if [ -n "$leftovers" ]; then
        if [ -n "$CHECKS_CLEANUP" ]; then
            problems+="rules, 6 (cleanup): the exchange must remove what it created."$'\n'"$leftovers"
        else
            printf '%s\n%s' "- $BATS_TEST_DESCRIPTION" "$leftovers" >>"$LEFTOVERS"
        fi
    fi
    if [ -d "$BATS_TEST_TMPDIR/valgrind" ]; then
        left=$(grep -lE 'ERROR SUMMARY: [1-9]' "$BATS_TEST_TMPDIR"/valgrind/*.log 2>/dev/null)
        if [ -n "$left" ]; then
            problems+="valgrind found errors:"$'\n'"$(cat $left)"$'\n'
        fi
    fi
    if [ -n "$problems" ]; then
        printf '%s' "$problems" >&2
        return 1
    fi
}

# bounded CMD [ARGS...]: CMD with the time limit, killed if it overruns
# (exit status 124), so that a hanging program fails its test instead of
# hanging the suite.
bounded() {
    timeout -k 5 "$LAB_TIMEOUT" "$@"
}

# start_bg NAME CMD [ARGS...]: starts CMD in the background, bounded in time,
# detached from bats' descriptor 3, with its output in NAME.out and NAME.err
# (in $BATS_TEST_TMPDIR, outside $WORK). Sets BG_PID, the PID of timeout,
# whose child is the program; lab_teardown stops what is still running.
# Its standard input is /dev/null (bash's rule for `&`); to feed it a file,
# start `bash -c 'exec PROGRAM < FILE'`.
start_bg() {
    local name=$1
    shift
    # Emptied here, not only by the redirections below: those happen in the
    # background, so a test waiting for output could see a previous run's.
    : >"$BATS_TEST_TMPDIR/$name.out"
    : >"$BATS_TEST_TMPDIR/$name.err"
    # timeout itself, not the function bounded: a function would run in a
    # subshell, and $! would be that subshell's PID.
    timeout -k 5 "$LAB_TIMEOUT" "$@" >"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
    BG_NAME[$BG_PID]=$name
}

# bg_out NAME, bg_err NAME: what a background program printed.
bg_out() { cat "$BATS_TEST_TMPDIR/$1.out"; }
bg_err() { cat "$BATS_TEST_TMPDIR/$1.err"; }

# wait_bg PID: waits for a program started by start_bg; returns its status
# (124 if its time limit stopped it).
wait_bg() {
    if [ -z "${BG_STATUS[$1]:-}" ]; then
        local status=0
        wait "$1" || status=$?
        BG_STATUS[$1]=$status
    fi
    return "${BG_STATUS[$1]}"
}

# process_state PID: the one-letter state of process PID, from /proc/PID/stat
# (S asleep, R running, T stopped, Z ended); nothing if there is no such process.
process_state() {
    sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1
}

# has_ended PID: whether the program that start_bg started as PID has ended
# (its timeout process is gone or a zombie). Its status stays for wait_bg.
has_ended() {
    [ -n "${BG_STATUS[$1]:-}" ] && return 0
    local state
    state=$(process_state "$1")
    [ -z "$state" ] || [ "$state" = Z ]
}

# zombie_status PID: the exit status of a process that has ended but is not
# yet reaped, as the shell would show it (128+N for death by signal N), read
# from /proc/PID/stat without reaping it, so that this works in a subshell too.
zombie_status() {
    local code
    code=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $50}')
    if [ -z "$code" ]; then
        echo unknown
    elif [ $((code & 127)) -ne 0 ]; then
        echo $((128 + (code & 127)))
    else
        echo $((code >> 8))
    fi
}

# ended_early PID WHAT: reports that the background program PID ended while
# the test waited for WHAT, with its exit status and what it printed.
ended_early() {
    local status name=${BG_NAME[$1]:-?}
    status=${BG_STATUS[$1]:-$(zombie_status "$1")}
    {
        printf 'The background program "%s" ended (exit status %s) while the test waited for %s.\n' \
            "$name" "$status" "$2"
        [ "$status" != 124 ] || printf 'Status 124: it was still running at its time limit and was stopped.\n'
        if grep -qiE 'TODO|not written yet' "$BATS_TEST_TMPDIR/$name.err" 2>/dev/null; then
            printf 'It is not written yet: it printed a TODO message.\n'
        fi
        printf -- '-- its stderr --\n%s\n-- its stdout (first lines) --\n%s\n' \
            "$(bg_err "$name" 2>/dev/null)" "$(head -n 20 "$BATS_TEST_TMPDIR/$name.out" 2>/dev/null)"
    } >&2
    return 1
}

# program_pid PID: the PID of the program that start_bg started as PID: the
# first process below PID that is not timeout or a shell (the program itself
# when PID already is the program). Send signals to this PID.
program_pid() {
    local pid=$1 children deadline=$((SECONDS + LAB_TIMEOUT))
    while [ $SECONDS -le $deadline ]; do
        has_ended "$1" && { ended_early "$1" "it to start"; return 1; }
        case $(cat "/proc/$pid/comm" 2>/dev/null) in
            '') pid=$1; continue ;;
            timeout | bash | sh) ;;
            *) echo "$pid"; return 0 ;;
        esac
        children=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null)
        if [ -n "$children" ]; then
            pid=${children%% *}
        else
            sleep 0.01
        fi
    done
    return 1
}

# wait_blocked PID: waits until the program started as PID sleeps in a system
# call (state S in /proc/PID/stat: waiting for a partner, a message, a
# signal), as the Linux Test Project does. Fails at once, saying so, if it
# ends first. Under valgrind the PID is a wrapper script until it becomes
# valgrind's memcheck: only memcheck's sleep counts.
wait_blocked() {
    local pid state deadline=$((SECONDS + LAB_TIMEOUT))
    pid=$(program_pid "$1") || return 1
    while [ $SECONDS -le $deadline ]; do
        state=$(process_state "$pid")
        if [ -z "$state" ] || [ "$state" = Z ]; then
            ended_early "$1" "it to wait (blocked in a system call)"
            return 1
        fi
        if [ "$state" = S ] && { [ -z "${IPC_LABS_VALGRIND:-}" ] ||
                                 [[ $(cat "/proc/$pid/comm" 2>/dev/null) == memcheck* ]]; }; then
            return 0
        fi
        sleep 0.01
    done
    printf 'The background program "%s" did not wait within %ss.\n' "${BG_NAME[$1]:-?}" "$LAB_TIMEOUT" >&2
    return 1
}

# wait_until [-p PID] CMD [ARGS...]: waits until CMD succeeds, within the time
# limit. It stops waiting, and fails saying why, as soon as the background
# program PID has ended with CMD still false (default: the last one started;
# -p '' waits on no program).
wait_until() {
    local awaited=${BG_PID:-} deadline=$((SECONDS + LAB_TIMEOUT))
    if [ "${1:-}" = -p ]; then
        awaited=$2
        shift 2
    fi
    until "$@"; do
        if [ -n "$awaited" ] && has_ended "$awaited"; then
            "$@" && return 0
            ended_early "$awaited" "this to hold: $*"
            return 1
        fi
        if [ $SECONDS -gt $deadline ]; then
            printf 'Waited %ss for this to hold: %s\n' "$LAB_TIMEOUT" "$*" >&2
            return 1
        fi
        sleep 0.01
    done
}

# ---------------------------------------------------------------- failures

# broke RULE: fails the test, saying which rule the program broke, with the
# last run's exit status, stdout and stderr, and what each background program
# printed. RULE names the CONTRACT.md section and says the rule in a sentence.
broke() {
    {
        printf 'Broken rule (CONTRACT.md) -- %s\n' "$1"
        if [ -n "${status+set}" ]; then
            printf -- '-- the last command run: exit status %s --\n' "$status"
            printf -- '-- its stdout --\n%s\n' "$(printf '%s\n' "${output:-}" | head -n 40)"
            printf -- '-- its stderr --\n%s\n' "${stderr:-}"
        fi
        local name
        for name in "${BG_NAME[@]}"; do
            printf -- '-- background program "%s": stderr --\n%s\n' "$name" \
                "$(cat "$BATS_TEST_TMPDIR/$name.err" 2>/dev/null)"
        done
    } >&2
    return 1
}

# expect_status N RULE: the last run exited with status N, else broke RULE.
expect_status() {
    [ "$status" -eq "$1" ] || { broke "$2 (expected exit status $1, got $status)"; return 1; }
}

# expect_usage PROGRAM: the last run was a usage error: exit status 2 and a
# line on stderr with "usage:" (any case) and the program's name; nothing on stdout.
expect_usage() {
    [ "$status" -eq 2 ] || { broke "rules, 3 (errors): wrong usage of $1 exits with status 2 (got $status)"; return 1; }
    grep -qi "usage:.*$1" <<<"${stderr:-}" ||
        { broke "rules, 3 (errors): wrong usage of $1 prints a line with 'usage:' and the program's name on stderr"; return 1; }
    [ -z "${output:-}" ] || { broke "rules, 3 (errors): a usage error prints nothing on stdout"; return 1; }
}

# expect_error WHAT RULE: the last run failed with exit status 1 and a
# message on stderr that contains WHAT (a file name, a word), else broke RULE.
expect_error() {
    [ "$status" -eq 1 ] || { broke "$2 (expected exit status 1, got $status)"; return 1; }
    grep -qiF -- "$1" <<<"${stderr:-}" || { broke "$2 (stderr must name '$1')"; return 1; }
}

# ---------------------------------------------------------------- IPC objects

# ipc_objects: one line "kind id key uid" per System V IPC object on the
# machine (kind q, m or s; key in hex).
ipc_objects() {
    local kind file uid_column
    for kind in q m s; do
        case $kind in
            q) file=/proc/sysvipc/msg uid_column=8 ;;
            m) file=/proc/sysvipc/shm uid_column=8 ;;
            s) file=/proc/sysvipc/sem uid_column=5 ;;
        esac
        awk -v kind=$kind -v u=$uid_column 'NR > 1 {
                key = $1 < 0 ? $1 + 4294967296 : $1
                printf "%s %s 0x%08x %s\n", kind, $2, key, $u }' "$file"
    done
}

# ftok_signature DIR: the low 24 bits that ftok(".", ANY_ID) puts into a key
# made in DIR (glibc: low 16 bits of the inode, low 8 bits of the device).
ftok_signature() {
    local dev ino
    read -r dev ino < <(stat -c '%d %i' "$1")
    printf '%02x%04x\n' $((dev & 0xff)) $((ino & 0xffff))
}

# objects_in DIR: the objects made with ftok keys of DIR, whatever PROJ_ID.
objects_in() {
    ipc_objects | awk -v sig="$(ftok_signature "$1")" 'substr($3, 5) == sig'
}

# work_ipc_objects: the objects made with ftok keys of $WORK, the test's folder.
work_ipc_objects() {
    objects_in "$WORK"
}

# leftover_ipc_objects: objects of this test still alive: any with an ftok
# key of $WORK, and any IPC_PRIVATE object of this user made since
# lab_setup that nobody uses. A private object belongs to someone else (a
# copy of the suite running at the same time) while a live process uses it,
# or if it goes within a few seconds; this test's own programs have ended.
leftover_ipc_objects() {
    local deadline=$((SECONDS + 5)) unused
    work_ipc_objects
    while :; do
        unused=$(unused_private_objects)
        [ -z "$unused" ] || [ $SECONDS -ge $deadline ] && break
        sleep 0.2
    done
    [ -z "$unused" ] || echo "$unused"
}

unused_private_objects() {
    local kind id rest
    ipc_objects | awk -v uid="$(id -u)" '$3 == "0x00000000" && $4 == uid' |
        grep -vxF -f <(printf '%s\n' "$IPC_BEFORE") |
        while read -r kind id rest; do
            in_use "$kind" "$id" || echo "$kind $id $rest"
        done
}

# in_use KIND ID: whether a live process created or last used the object
# (shm: creator and last attacher; msg: last sender and receiver; sem: the
# last process to operate on each semaphore).
in_use() {
    local pid
    for pid in $(object_pids "$1" "$2"); do
        [ "$pid" -gt 0 ] && kill -0 "$pid" 2>/dev/null && return 0
    done
    return 1
}

object_pids() {
    case $1 in
        m) awk -v id="$2" '$2 == id { print $5, $6 }' /proc/sysvipc/shm ;;
        q) awk -v id="$2" '$2 == id { print $6, $7 }' /proc/sysvipc/msg ;;
        s) ipcs -s -i "$2" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ && NF == 5 { print $5 }' ;;
    esac
}

remove_ipc_objects() {
    local kind id rest
    while read -r kind id rest; do
        ipcrm "-$kind" "$id" 2>/dev/null
    done
}

# ---------------------------------------------------------------- valgrind

# valgrind_wrappers DIR: makes a folder of scripts, one per program in DIR,
# that run it under valgrind with a log per process; prints the folder.
valgrind_wrappers() {
    local dir=$BATS_TEST_TMPDIR/valgrind-bin program
    mkdir -p "$dir" "$BATS_TEST_TMPDIR/valgrind"
    for program in "$1"/*; do
        [ -f "$program" ] && [ -x "$program" ] || continue
        cat >"$dir/$(basename "$program")" <<WRAPPER
#!/bin/sh
exec valgrind --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect,possible --track-fds=no \\
    --trace-children=yes --trace-children-skip='/bin/*,/usr/bin/*,/usr/local/bin/*' \\
    --log-file="$BATS_TEST_TMPDIR/valgrind/%p.log" "$program" "\$@"
WRAPPER
        chmod +x "$dir/$(basename "$program")"
    done
    echo "$dir"
}

# ---------------------------------------------------------------- READMEs

# check_readme LAB_README: runs every ```console block of the README in
# $WORK, with the lab's programs available as ./NAME, and compares what they
# print with the lines shown. Numbers of four digits or more (PIDs, sizes)
# and 0x addresses are matched by pattern; everything else must be exact.
check_readme() {
    local readme=$1 program block=0 script expected actual
    for program in "$LAB_BIN"/*; do
        ln -sf "$program" "$WORK/$(basename "$program")"
    done
    while IFS= read -r -d '' script && IFS= read -r -d '' expected; do
        block=$((block + 1))
        actual=$(cd "$WORK" && bounded bash -c "$script" 2>&1) || true
        if ! matches_pattern "$expected" "$actual"; then
            printf 'README block %d of %s:\n%s\n-- expected --\n%s\n-- actual --\n%s\n' \
                "$block" "$readme" "$script" "$expected" "$actual" >&2
            return 1
        fi
    done < <(console_blocks "$readme")
    [ "$block" -gt 0 ] || fail "no console block in $readme"
    for program in "$LAB_BIN"/*; do
        rm -f "$WORK/$(basename "$program")"
    done
}

# console_blocks FILE: for each ```console block, its commands (the lines
# after "$ ", with "> " continuation lines) and the lines they print, each
# ended by a NUL byte.
console_blocks() {
    awk '
        /^```console/     { inside = 1; script = ""; out = ""; next }
        inside && /^```/  { inside = 0; printf "%s%c%s%c", script, 0, out, 0; next }
        !inside           { next }
        /^\$ /            { script = script substr($0, 3) "\n"; cmd = 1; next }
        cmd && /^> /      { script = script substr($0, 3) "\n"; next }
                          { cmd = 0; out = out $0 "\n" }
    ' "$1"
}

# matches_pattern EXPECTED ACTUAL: line by line, as check_readme describes.
matches_pattern() {
    local -a patterns lines
    local i
    mapfile -t patterns < <(printf '%s\n' "${1%$'\n'}" | sed -E \
        -e 's/[][\.*^$+?(){}|]/\\&/g' \
        -e 's/0x[0-9a-f]+/0x[0-9a-f]+/g' \
        -e 's/(^|[^0-9a-z])[1-9][0-9]{3,}/\1[0-9]+/g')
    mapfile -t lines < <(printf '%s\n' "$2")
    [ "${#patterns[@]}" -eq "${#lines[@]}" ] || return 1
    for i in "${!patterns[@]}"; do
        [[ ${lines[i]} =~ ^${patterns[i]}$ ]] || return 1
    done
}

# without_file_privileges CMD [ARGS...]: runs CMD unable to bypass file
# permissions, as an ordinary user is. Root normally can; dropping the two
# capabilities that allow it makes a chmod 000 file unreadable for root too.
without_file_privileges() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --bounding-set=-dac_override,-dac_read_search -- "$@"
    else
        "$@"
    fi
}

# says_number N TEXT: TEXT mentions the number N as a number of its own (not
# as part of a longer one): "sent 12 bytes" says 12, "120" and "3.12" do not.
says_number() {
    grep -Eq "(^|[^0-9.])$1([^0-9]|\$)" <<<"$2"
}

# ---------------------------------------------------------------- a held child

# hold_fork_library: builds tests/hold_fork.c once per test file and prints
# the library's path. Started with LD_PRELOAD=that library and
# HOLD_FORK_PIDFILE=FILE, a program's first child writes its PID into FILE
# and stops (SIGSTOP) before it has done anything.
hold_fork_library() {
    local library=$BATS_FILE_TMPDIR/hold_fork.so
    [ -f "$library" ] || cc -std=c17 -shared -fPIC -o "$library" "$REPO/tests/hold_fork.c" -ldl ||
        return 1
    echo "$library"
}

# is_stopped PID: whether process PID is stopped (state T).
is_stopped() {
    [ "$(process_state "$1")" = T ]
}

# ---------------------------------------------------------------- a second user

# The other user of the multi-user tests: a uid no account uses.
OTHER_UID=${IPC_LABS_OTHER_UID:-61234}

# needs_other_user: skips the test unless it can act as a second user (root
# can, through setpriv); the tests that need one say so in their skip reason.
needs_other_user() {
    [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null ||
        skip "acting as a second user needs root and setpriv (these tests run in CI as root)"
}

# shared_folder: makes $WORK a folder like /tmp (mode 1777, every folder above it
# searchable), so that the other user can reach it, ftok() it and create there.
shared_folder() {
    local dir=$WORK
    chmod 1777 "$WORK"
    while dir=$(dirname "$dir") && [ "$dir" != / ]; do
        chmod o+x "$dir" 2>/dev/null || true
    done
}

# as_other_user CMD [ARGS...]: runs CMD as OTHER_UID (uid and gid, no groups),
# from $WORK, with this test's PATH.
as_other_user() {
    setpriv --reuid="$OTHER_UID" --regid="$OTHER_UID" --clear-groups -- "$@"
}

# squat q|m|s PROJ_ID [MODE [SIZE]]: as the other user, creates an object at
# ftok(".", PROJ_ID) in $WORK first (tests/squat.c, built once per test file),
# prints its id.
squat() {
    local squat=$BATS_FILE_TMPDIR/squat
    [ -x "$squat" ] || cc -std=c17 -o "$squat" "$REPO/tests/squat.c" || return 1
    chmod 755 "$BATS_FILE_TMPDIR" "$squat"
    as_other_user "$squat" "$@"
}
