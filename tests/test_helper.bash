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
# One assertion style: every check is `CONDITION || broke "RULE"`, or one of
# the expect_* helpers below (built on broke), so that a failure says what to
# fix: broke "RULE" fails the test with that sentence, the last run's status
# and output, and what every background program printed. RULE is the
# CONTRACT.md section and the rule in a sentence, as in the "# contract:" line.
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
    left=$(valgrind_errors)
    [ -z "$left" ] || problems+="valgrind found errors:"$'\n'"$left"$'\n'
    if [ -n "$problems" ]; then
        printf '%s' "$problems" >&2
        return 1
    fi
}

# What the helpers do, by concern (each file says more):
#   lib/processes.bash    start a program, bounded in time; wait on its state
#   lib/ipc_objects.bash  the IPC objects a test made or left behind
#   lib/other_user.bash   act as a second user (rule 13)
#   lib/valgrind.bash     run every program under valgrind
#   lib/readme.bash       check a README's transcripts
load lib/processes
load lib/ipc_objects
load lib/other_user
load lib/valgrind
load lib/readme

# ---------------------------------------------------------------- assertions

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

# expect_write_error PROGRAM: the last run, with PROGRAM's stdout on
# /dev/full (full_stdout), failed as rule 10 says: a message on stderr
# (worded as the program likes) and exit status 1.
expect_write_error() {
    [ "$status" -eq 1 ] && [ -n "${stderr:-}" ] ||
        { broke "rules, 10 (output): $1 whose stdout cannot be written (a full disk: > /dev/full) says so on stderr and exits 1 (got $status)"; return 1; }
}

# says_number N TEXT: TEXT mentions the number N as a number of its own (not
# as part of a longer one): "sent 12 bytes" says 12, "120" and "3.12" do not.
says_number() {
    grep -Eq "(^|[^0-9.])$1([^0-9]|\$)" <<<"$2"
}
