# processes.bash -- starting the programs, bounded in time, and waiting on
# their state (never on the clock). Loaded by tests/test_helper.bash.

# bounded CMD [ARGS...]: CMD with the time limit, killed if it overruns
# (exit status 124), so that a hanging program fails its test instead of
# hanging the suite.
bounded() {
    timeout -k 5 "$LAB_TIMEOUT" "$@"
}

# full_stdout CMD [ARGS...]: CMD, bounded in time, with its stdout on
# /dev/full, where every write fails as on a full disk (ENOSPC). Run it as
# `run --separate-stderr full_stdout CMD ...`, then expect_write_error.
full_stdout() {
    bounded "$@" >/dev/full
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
