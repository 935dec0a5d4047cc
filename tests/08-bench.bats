#!/usr/bin/env bats
# 08-bench: ipc_bench, the benchmark of every mechanism (issue 8). The tests
# run its quick mode and check the shape and sanity of what it prints and
# writes, never the timings themselves.

load test_helper

setup()    { lab_setup 08-bench; }
teardown() { lab_teardown; }

MECHANISMS=(pipe fifo msgqueue shm_sem shm_signal shm_spin socketpair memcpy)
SIZES=(64 4096 65536 1048576)   # the throughput columns, then median and p99

# The quick mode, smaller still under valgrind (which makes every message,
# and every look of a spinning process, 50 times slower).
quick() {
    if [ -n "${IPC_LABS_VALGRIND:-}" ]; then
        echo -q -r 1 -k 64 -n 20
    else
        echo -q
    fi
}

# The largest message a System V queue takes on this machine.
msg_limit() {
    local max mnb
    max=$(</proc/sys/kernel/msgmax) mnb=$(</proc/sys/kernel/msgmnb)
    echo $((max < mnb ? max : mnb))
}

# A number greater than zero: digits, perhaps a decimal point, some digit not 0.
positive_number() {
    [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ && $1 =~ [1-9] ]]
}

# table_row NAME: sets ROW to the one line of the table (the lines that run
# put in $lines) that starts with NAME.
table_row() {
    local line
    ROW=""
    for line in "${lines[@]}"; do
        if [[ $line =~ ^$1[[:space:]] ]]; then
            [ -z "$ROW" ] || fail "more than one row for $1"
            ROW=$line
        fi
    done
    [ -n "$ROW" ] || fail "no row for $1"
}

# assert_figures NAME FIELD...: six figures, each a positive number; only a
# message queue may show '-' for a size over the system's limit.
assert_figures() {
    local name=$1 i
    shift
    [ $# -eq 6 ] || fail "$name: expected 6 figures, got $#: $*"
    local figures=("$@")
    for i in 0 1 2 3 4 5; do
        positive_number "${figures[i]}" && continue
        if [ "$name" = msgqueue ] && [ $i -lt 4 ] && [ "${SIZES[i]}" -gt "$(msg_limit)" ] &&
           [[ ${figures[i]} =~ ^(-|NA|)$ ]]; then
            continue
        fi
        fail "$name: figure $((i + 1)) is '${figures[i]}', not a positive number"
    done
}

# same_figures TABLE CSV: two comma-separated lists of figures agree: equal
# within 1% (rounding), or both not measured.
same_figures() {
    awk -v t="$1" -v c="$2" 'BEGIN {
        n = split(t, a, ","); if (split(c, b, ",") != n) exit 1
        for (i = 1; i <= n; i++) {
            if (a[i] + 0 > 0) { d = a[i] - b[i]; if (d < 0) d = -d; if (d > 0.01 * a[i]) exit 1 }
            else if (b[i] + 0 > 0) exit 1
        }
    }'
}

# csv_file: the path after "CSV: " in $output.
csv_file() {
    local path
    path=$(sed -n 's/^CSV: //p' <<<"$output")
    [ -n "$path" ] || fail "no 'CSV: PATH' line in the output"
    echo "$path"
}

@test "08-bench: ipc_bench -q prints positive figures for every mechanism, and the same in its CSV" {
    run --separate-stderr bounded ipc_bench $(quick)
    assert_success
    for name in "${MECHANISMS[@]}"; do
        table_row "$name"
        read -r -a fields <<<"$ROW"
        assert_equal "${fields[0]}" "$name"
        assert_figures "$name" "${fields[@]:1}"
    done

    csv=$(csv_file)
    assert [ -f "$csv" ]
    mapfile -t csv_lines < "$csv"
    assert_equal "${#csv_lines[@]}" $((1 + ${#MECHANISMS[@]}))
    [[ ${csv_lines[0]} == mechanism,* ]] || fail "no heading line: ${csv_lines[0]}"
    for i in "${!MECHANISMS[@]}"; do
        name=${MECHANISMS[i]}
        IFS=, read -r -a cells <<<"${csv_lines[i + 1]}"
        assert_equal "${cells[0]}" "$name"
        assert_figures "$name" "${cells[@]:1}"
        table_row "$name"
        read -r -a fields <<<"$ROW"
        same_figures "$(IFS=,; echo "${fields[*]:1}")" "$(IFS=,; echo "${cells[*]:1}")" ||
            fail "$name: the table says '$ROW', the CSV '${csv_lines[i + 1]}'"
    done
}

@test "08-bench: a queue's sizes over msgmax are explained, not left blank" {
    run --separate-stderr bounded ipc_bench $(quick) -m msgqueue
    assert_success
    table_row msgqueue
    read -r -a fields <<<"$ROW"
    assert_figures msgqueue "${fields[@]:1}"
    if [[ " ${fields[*]:1:4} " == *' - '* ]]; then
        assert_output --partial msgmax
    fi
}

@test "08-bench: -m measures only the mechanisms listed, in the table and the CSV" {
    run --separate-stderr bounded ipc_bench $(quick) -m memcpy,pipe -o two.csv
    assert_success
    assert_equal "$(csv_file)" two.csv
    rows=$(grep -cE "^($(IFS='|'; echo "${MECHANISMS[*]}"))[[:space:]]" <<<"$output")
    assert_equal "$rows" 2
    table_row pipe
    table_row memcpy
    assert_equal "$(cut -d, -f1 two.csv | tail -n +2 | sort | tr '\n' ' ')" 'memcpy pipe '
}

@test "08-bench: a quick run leaves no IPC object, FIFO or temporary file behind" {
    export TMPDIR=$WORK
    # A FIFO, a message queue, shared memory and semaphores.
    run --separate-stderr bounded ipc_bench $(quick) -m fifo,msgqueue,shm_sem -o out.csv -p out.png
    assert_success
    assert_equal "$(work_ipc_objects)" ''
    assert_equal "$(find . -mindepth 1 ! -name out.csv ! -name out.png)" ''
    assert_equal "$(find "$BATS_TEST_TMPDIR" -type p)" ''
}

@test "08-bench: without gnuplot it says there is no chart, and still writes the CSV" {
    # A PATH with the programs (and valgrind, for the memcheck run) but no gnuplot.
    mkdir "$BATS_TEST_TMPDIR/tools"
    if [ -n "${IPC_LABS_VALGRIND:-}" ]; then
        printf '#!/bin/sh\nexec %s "$@"\n' "$(command -v valgrind)" > "$BATS_TEST_TMPDIR/tools/valgrind"
        chmod +x "$BATS_TEST_TMPDIR/tools/valgrind"
    fi
    run --separate-stderr bounded env PATH="$LAB_BIN:$BATS_TEST_TMPDIR/tools" \
        ipc_bench $(quick) -m pipe -o pipe.csv -p pipe.png
    assert_success
    assert [ -f pipe.csv ]
    assert [ ! -e pipe.png ]
    [[ "$output$stderr" == *gnuplot*not*installed* ]] || fail "no note that gnuplot is missing: $output $stderr"
}

@test "08-bench: with gnuplot installed it draws the chart as a PNG file" {
    command -v gnuplot >/dev/null || skip "gnuplot is not installed"
    run --separate-stderr bounded ipc_bench $(quick) -m pipe,memcpy -o chart.csv -p chart.png
    assert_success
    assert [ -s chart.png ]
    assert_equal "$(head -c 4 chart.png | od -An -c | tr -d ' ')" '211PNG'
}

@test "08-bench: bad options print usage and exit 2, measuring nothing" {
    for args in '-x' '-r 0' '-r abc' '-r -1' '-r 1x' '-k 0' '-n' '-n 2.5' '-m nosuch' '-m pipe,' \
                '-m pipe,,fifo' 'extra'; do
        run --separate-stderr bounded ipc_bench $args
        assert_failure 2
        [[ $stderr == usage:\ ipc_bench* ]] || fail "'$args': $stderr"
        assert_output ''
    done
    run --separate-stderr bounded ipc_bench -o ''
    assert_failure 2
    assert [ ! -e ipc_bench.csv ]
}

# stopped_mid_run MECHANISM KIND SIGNAL: ipc_bench measuring MECHANISM is sent
# SIGNAL once its objects of KIND (q, m or s, as ipcs names them) exist: it
# must end as that signal's status (128 + its number) and remove everything.
stopped_mid_run() {
    local kind=$2
    start_bg bench ipc_bench -m "$1"
    wait_until eval '[ -n "$(work_ipc_objects | grep "^$kind ")" ]'
    kill -"$3" "$(program_pid "$BG_PID")"
    status=0
    wait_bg "$BG_PID" || status=$?
    assert_equal "$status" $((128 + $(kill -l "$3")))
    assert_equal "$(work_ipc_objects)" ''
}

@test "08-bench: SIGTERM in the middle of a run removes its semaphores and shared memory" {
    stopped_mid_run shm_sem s TERM
}

@test "08-bench: SIGINT in the middle of a run removes its message queue" {
    stopped_mid_run msgqueue q INT
}

@test "08-bench: SIGINT while waiting on signals (shm_signal) still cleans up" {
    stopped_mid_run shm_signal m INT
}

# kill_child PROGRAM: kills a measuring child that PROGRAM forked; fails when
# there is none yet, or when it has just ended by itself (a zombie that
# PROGRAM has not reaped: killing it would change nothing): try again.
kill_child() {
    local children child state
    children=$(cat "/proc/$1/task/$1/children" 2>/dev/null) && [ -n "$children" ] || return 1
    child=${children%% *}
    state=$(sed 's/.*) //' "/proc/$child/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ] || return 1
    kill -KILL "$child" 2>/dev/null
}

@test "08-bench: when the measuring child is killed, ipc_bench says so, exits 1 and cleans up" {
    for mechanism in msgqueue shm_sem shm_spin pipe; do
        # 100 runs a figure: the first test lasts long enough to be caught.
        start_bg "bench-$mechanism" ipc_bench -r 100 -m "$mechanism"
        program=$(program_pid "$BG_PID")
        if [ "$mechanism" != pipe ]; then
            wait_until eval '[ -n "$(work_ipc_objects)" ]'
        fi
        wait_until kill_child "$program"
        status=0
        wait_bg "$BG_PID" || status=$?
        [ "$status" = 1 ] || fail "$mechanism: exit status $status, not 1"
        [ -n "$(bg_err "bench-$mechanism")" ] || fail "$mechanism: no message on stderr"
        assert_equal "$(work_ipc_objects)" ''
    done
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "08-bench: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
