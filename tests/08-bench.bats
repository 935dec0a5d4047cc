#!/usr/bin/env bats
# 08-bench: ipc_bench, the benchmark of every mechanism (issue 8). The tests
# run its quick mode and check the shape and sanity of what it prints and
# writes, never the timings themselves (CONTRACT.md, 08-bench).

load test_helper

setup()    { lab_setup 08-bench; }
# A test that mounted a small file system (full/) and failed half way leaves it to us.
teardown() {
    ! mountpoint -q "$WORK/full" 2>/dev/null || umount "$WORK/full"
    lab_teardown
}

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
            [ -z "$ROW" ] || broke "08-bench, output: one row per mechanism measured; $1 has two"
            ROW=$line
        fi
    done
    [ -n "$ROW" ] || broke "08-bench, output: each mechanism measured has a row on stdout that starts with its name; none for $1"
}

# assert_figures NAME FIELD...: six figures, each a positive number; only a
# message queue may show '-' for a size over the system's limit.
assert_figures() {
    local name=$1 i
    shift
    [ $# -eq 6 ] || broke "08-bench, output: a row or CSV line has the name, then six figures ($name has $#: $*)"
    local figures=("$@")
    for i in 0 1 2 3 4 5; do
        positive_number "${figures[i]}" && continue
        if [ "$name" = msgqueue ] && [ $i -lt 4 ] && [ "${SIZES[i]}" -gt "$(msg_limit)" ] &&
           [[ ${figures[i]} =~ ^(-|NA|)$ ]]; then
            continue
        fi
        broke "08-bench, output: a figure is a decimal number greater than 0, digits and perhaps a decimal point ($name, figure $((i + 1)): '${figures[i]}')"
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
    [ -n "$path" ] || broke "08-bench, output: stdout has a line 'CSV: PATH' naming the CSV file written"
    echo "$path"
}

# quick_run ARGS...: ipc_bench in its quick mode with ARGS, which must succeed.
quick_run() {
    run --separate-stderr bounded ipc_bench $(quick) "$@"
    expect_status 0 "08-bench, exit statuses: ipc_bench $(quick) $* measures every chosen mechanism and exits 0 (a message that arrives damaged, or a failed call, exits 1)"
}

# no_objects_left RULE: no IPC object with an ftok key of the test's folder.
no_objects_left() {
    local left
    left=$(work_ipc_objects)
    [ -z "$left" ] || broke "$1 (left, kind id key uid: $left)"
}

# ipc_mode KIND ID: the permission bits of an object in octal, as ipcs shows them.
ipc_mode() {
    local file
    case $1 in
        m) file=/proc/sysvipc/shm ;;
        s) file=/proc/sysvipc/sem ;;
        q) file=/proc/sysvipc/msg ;;
    esac
    awk -v id="$2" 'NR > 1 && $2 == id { print $3 }' "$file"
}

# has_object KIND: an object of KIND (q, m or s) has an ftok key of the folder.
has_object() {
    work_ipc_objects | grep -q "^$1 "
}

@test "08-bench: ipc_bench -q prints positive figures for every mechanism, and the same in its CSV" {
    # contract: 08-bench, output
    quick_run
    for name in "${MECHANISMS[@]}"; do
        table_row "$name"
        read -r -a fields <<<"$ROW"
        assert_figures "$name" "${fields[@]:1}"
    done

    csv=$(csv_file)
    [ -f "$csv" ] || broke "08-bench, output: the file that 'CSV: $csv' names is written"
    mapfile -t csv_lines < "$csv"
    [ "${#csv_lines[@]}" -eq $((1 + ${#MECHANISMS[@]})) ] ||
        broke "08-bench, output: the CSV has a heading line and one line per mechanism measured (${#csv_lines[@]} lines, not $((1 + ${#MECHANISMS[@]})))"
    [[ ${csv_lines[0]} == mechanism,* ]] ||
        broke "08-bench, output: the CSV's heading line starts with 'mechanism,' (it is '${csv_lines[0]}')"
    for i in "${!MECHANISMS[@]}"; do
        name=${MECHANISMS[i]}
        IFS=, read -r -a cells <<<"${csv_lines[i + 1]}"
        [ "${cells[0]}" = "$name" ] ||
            broke "08-bench, output: the CSV's lines come in the order ${MECHANISMS[*]} (line $((i + 2)) is '${csv_lines[i + 1]}', not $name)"
        assert_figures "$name" "${cells[@]:1}"
        table_row "$name"
        read -r -a fields <<<"$ROW"
        same_figures "$(IFS=,; echo "${fields[*]:1}")" "$(IFS=,; echo "${cells[*]:1}")" ||
            broke "08-bench, output: the CSV holds the same figures as the table ($name: the table says '$ROW', the CSV '${csv_lines[i + 1]}')"
    done
}

@test "08-bench: a queue's sizes over msgmax are explained, not left blank" {
    # contract: 08-bench, output
    quick_run -m msgqueue
    table_row msgqueue
    read -r -a fields <<<"$ROW"
    assert_figures msgqueue "${fields[@]:1}"
    if [[ " ${fields[*]:1:4} " == *' - '* ]]; then
        grep -q msgmax <<<"$output" ||
            broke "08-bench, output: when msgqueue shows '-', a line below the table containing 'msgmax' explains it"
    fi
}

@test "08-bench: -m measures only the mechanisms listed, in the table and the CSV" {
    # contract: 08-bench, options; 08-bench, output
    quick_run -m memcpy,pipe -o two.csv
    [ "$(csv_file)" = two.csv ] ||
        broke "08-bench, output: with -o two.csv the line is 'CSV: two.csv'"
    rows=$(grep -cE "^($(IFS='|'; echo "${MECHANISMS[*]}"))[[:space:]]" <<<"$output")
    [ "$rows" -eq 2 ] ||
        broke "08-bench, options: -m memcpy,pipe measures those two only: two rows ($rows rows)"
    table_row pipe
    table_row memcpy
    [ "$(cut -d, -f1 two.csv | tail -n +2 | tr '\n' ' ')" = 'pipe memcpy ' ] ||
        broke "08-bench, output: the CSV has one line for each mechanism measured, in the order of the list (pipe, then memcpy): $(cut -d, -f1 two.csv | tr '\n' ' ')"
}

@test "08-bench: a quick run leaves no IPC object, FIFO or temporary file behind" {
    # contract: 08-bench, objects, cleanup and signals; rules, 6 (cleanup)
    checks_cleanup
    export TMPDIR=$WORK
    # A FIFO, a message queue, shared memory and semaphores.
    quick_run -m fifo,msgqueue,shm_sem -o out.csv -p out.png
    no_objects_left "08-bench, objects, cleanup and signals: every object is removed when its test ends"
    extra=$(find . -mindepth 1 ! -name out.csv ! -name out.png)
    [ -z "$extra" ] ||
        broke "08-bench, objects, cleanup and signals: no file other than the CSV and the PNG is written, in the current folder or in \$TMPDIR (found: $extra)"
    fifos=$(find "$BATS_TEST_TMPDIR" -type p)
    [ -z "$fifos" ] || broke "08-bench, objects, cleanup and signals: the FIFOs are removed (found: $fifos)"
}

@test "08-bench: the message queue, segment and semaphore set are made with ftok keys and mode 0600" {
    # contract: 08-bench, objects, cleanup and signals; rules, 5 (keys); rules, 7 (permissions)
    for case in "msgqueue q" "shm_sem m" "shm_sem s"; do
        set -- $case
        start_bg "bench-$1-$2" ipc_bench -m "$1"
        wait_until has_object "$2" ||
            broke "08-bench, objects, cleanup and signals: measuring $1, the parent makes its objects with keys from ftok(\".\", PROJ_ID) of the folder it runs in"
        while read -r kind id rest; do
            mode=$(ipc_mode "$kind" "$id")
            [ -z "$mode" ] || [ "$mode" = 600 ] ||
                broke "rules, 7 (permissions): IPC objects are created with mode 0600 ($1: object $kind $id has $mode)"
        done < <(work_ipc_objects)
        kill -TERM "$(program_pid "$BG_PID")" 2>/dev/null || true
        wait_bg "$BG_PID" || true
    done
}

@test "08-bench: without gnuplot it says there is no chart, and still writes the CSV" {
    # contract: 08-bench, output
    # A PATH with the programs (and valgrind, for the memcheck run) but no gnuplot.
    mkdir "$BATS_TEST_TMPDIR/tools"
    if [ -n "${IPC_LABS_VALGRIND:-}" ]; then
        printf '#!/bin/sh\nexec %s "$@"\n' "$(command -v valgrind)" > "$BATS_TEST_TMPDIR/tools/valgrind"
        chmod +x "$BATS_TEST_TMPDIR/tools/valgrind"
    fi
    run --separate-stderr bounded env PATH="$LAB_BIN:$BATS_TEST_TMPDIR/tools" \
        ipc_bench $(quick) -m pipe -o pipe.csv -p pipe.png
    expect_status 0 "08-bench, output: a missing gnuplot is not an error: exit 0"
    [ -f pipe.csv ] || broke "08-bench, output: without gnuplot the CSV is still written"
    [ ! -e pipe.png ] || broke "08-bench, output: without gnuplot no PNG file is written"
    [[ "$output$stderr" == *gnuplot*not\ installed* ]] ||
        broke "08-bench, output: without gnuplot a line says so, containing 'gnuplot' and after it 'not installed'"
}

@test "08-bench: with gnuplot installed it draws the chart as a PNG file" {
    # contract: 08-bench, output
    command -v gnuplot >/dev/null || skip "gnuplot is not installed"
    quick_run -m pipe,memcpy -o chart.csv -p chart.png
    [ -s chart.png ] && [ "$(head -c 4 chart.png | od -An -c | tr -d ' ')" = '211PNG' ] ||
        broke "08-bench, output: with gnuplot installed the chart is drawn into the PNG file -p names"
}

@test "08-bench: a number out of range or not a number is wrong usage, measuring nothing" {
    # contract: 08-bench, options; rules, 4 (numbers)
    for args in '-r 0' '-r 101' '-r abc' '-r -1' '-r 1x' '-r 0x10' '-r 1e1' '-k 0' '-k 16777217' \
                '-n 0' '-n 1000001' '-n 2.5' '-n 99999999999999999999999'; do
        run --separate-stderr bounded ipc_bench $args
        expect_usage ipc_bench
    done
    run --separate-stderr bounded ipc_bench -r ' 5'
    expect_usage ipc_bench
    [ ! -e ipc_bench.csv ] || broke "08-bench, options: wrong usage writes no file"
}

@test "08-bench: unknown options, bad lists, empty paths and operands are wrong usage, measuring nothing" {
    # contract: 08-bench, options; rules, 3 (errors)
    for args in '-x' '-n' '-m nosuch' '-m pipe,' '-m ,pipe' '-m pipe,,fifo' 'extra' '-q extra'; do
        run --separate-stderr bounded ipc_bench $args
        expect_usage ipc_bench
    done
    for option in -o -p -m; do
        run --separate-stderr bounded ipc_bench "$option" ''
        expect_usage ipc_bench
    done
    [ ! -e ipc_bench.csv ] || broke "08-bench, options: wrong usage writes no file"
}

# stopped_mid_run MECHANISM KIND SIGNAL: ipc_bench measuring MECHANISM is sent
# SIGNAL once its objects of KIND (q, m or s, as ipcs names them) exist: it
# must end as that signal's status (128 + its number) and remove everything.
stopped_mid_run() {
    start_bg bench ipc_bench -m "$1"
    wait_until has_object "$2" ||
        broke "08-bench, objects, cleanup and signals: measuring $1, the parent makes its objects with keys from ftok(\".\", PROJ_ID)"
    kill -"$3" "$(program_pid "$BG_PID")"
    status=0
    wait_bg "$BG_PID" || status=$?
    stderr=$(bg_err bench)
    expect_status $((128 + $(kill -l "$3"))) "rules, 8 (signals): ipc_bench stopped by SIG$3 while measuring $1 ends with status 128+N"
    no_objects_left "08-bench, objects, cleanup and signals: stopped by SIG$3, ipc_bench removes every object"
}

@test "08-bench: SIGTERM in the middle of a run removes its semaphores and shared memory" {
    # contract: 08-bench, objects, cleanup and signals; rules, 8 (signals)
    checks_cleanup
    stopped_mid_run shm_sem s TERM
}

@test "08-bench: SIGINT in the middle of a run removes its message queue" {
    # contract: 08-bench, objects, cleanup and signals; rules, 8 (signals)
    checks_cleanup
    stopped_mid_run msgqueue q INT
}

@test "08-bench: SIGINT while waiting on signals (shm_signal) still cleans up" {
    # contract: 08-bench, objects, cleanup and signals; rules, 8 (signals)
    checks_cleanup
    stopped_mid_run shm_signal m INT
}

# kill_child PROGRAM: kills a measuring child that PROGRAM forked; fails when
# there is none yet, or when it has just ended by itself (a zombie that
# PROGRAM has not reaped: killing it would change nothing): try again.
kill_child() {
    local children child state
    children=$(cat "/proc/$1/task/$1/children" 2>/dev/null) && [ -n "$children" ] || return 1
    child=${children%% *}
    state=$(process_state "$child")
    [ -n "$state" ] && [ "$state" != Z ] || return 1
    kill -KILL "$child" 2>/dev/null
}

@test "08-bench: when the measuring child is killed, ipc_bench says so, exits 1 and cleans up" {
    # contract: 08-bench, objects, cleanup and signals
    checks_cleanup
    for mechanism in msgqueue shm_sem shm_spin pipe; do
        # 100 runs a figure: the first test lasts long enough to be caught.
        start_bg "bench-$mechanism" ipc_bench -r 100 -m "$mechanism"
        program=$(program_pid "$BG_PID")
        if [ "$mechanism" != pipe ]; then
            wait_until eval '[ -n "$(work_ipc_objects)" ]'
        fi
        wait_until kill_child "$program" ||
            broke "08-bench, the measurement: ipc_bench measures $mechanism between itself and a child it forks"
        status=0
        wait_bg "$BG_PID" || status=$?
        stderr=$(bg_err "bench-$mechanism")
        expect_status 1 "08-bench, objects, cleanup and signals: when the child dies ($mechanism), ipc_bench notices and exits 1"
        [ -n "$stderr" ] ||
            broke "08-bench, objects, cleanup and signals: when the child dies ($mechanism), ipc_bench says so on stderr"
        no_objects_left "08-bench, objects, cleanup and signals: when the child dies ($mechanism), ipc_bench removes the objects"
    done
}

# fake_gnuplot: puts on PATH a "gnuplot" that records the script it is given
# in $BATS_TEST_TMPDIR/script (and draws nothing), before the real one if any.
fake_gnuplot() {
    mkdir -p "$BATS_TEST_TMPDIR/fake"
    printf '#!/bin/sh\ncat > "%s/script"\n' "$BATS_TEST_TMPDIR" > "$BATS_TEST_TMPDIR/fake/gnuplot"
    chmod +x "$BATS_TEST_TMPDIR/fake/gnuplot"
    PATH=$BATS_TEST_TMPDIR/fake:$PATH
}

@test "08-bench: -o and -p names cannot put lines or commands of the caller's into the gnuplot script" {
    # contract: 08-bench, options
    fake_gnuplot
    # A newline: refused as wrong usage, or kept inside the name.
    for option in -p -o; do
        rm -f "$BATS_TEST_TMPDIR/script"
        run --separate-stderr bounded ipc_bench -q -m memcpy "$option" $'x\n!touch pwned\nset output "y"'
        if [ "$status" -eq 2 ]; then
            expect_usage ipc_bench
        else
            expect_status 0 "08-bench, options: ipc_bench $option NAME with a newline is wrong usage or works"
            ! grep -qxE '!touch pwned|set output "y"' "$BATS_TEST_TMPDIR/script" ||
                broke "08-bench, options: a newline in the $option name must not start a line of the gnuplot script ($(cat "$BATS_TEST_TMPDIR/script"))"
        fi
    done
    [ ! -e pwned ] || broke "08-bench, options: a name never runs a command"
    # gnuplot's pipes: a name that starts with | (set output) or < (plot).
    run --separate-stderr bounded ipc_bench -q -m memcpy -p '|touch pwned' -o '<touch pwned'
    expect_status 0 "08-bench, options: names starting with | or < are file names: the run works"
    [ -f '<touch pwned' ] || broke "08-bench, options: -o '<touch pwned' writes the CSV file of that name"
    ! grep -qE "['\"][[:space:]]*[|<]" "$BATS_TEST_TMPDIR/script" ||
        broke "08-bench, options: a name given to gnuplot never starts with | or < (gnuplot would run it as a command): $(grep -E "['\"][[:space:]]*[|<]" "$BATS_TEST_TMPDIR/script")"
}

@test "08-bench: a CSV that cannot be written whole (a full disk) leaves the old one as it was, and no temporary file" {
    # contract: 08-bench, output; rules, 11 (destinations)
    mkdir full
    mount -t tmpfs -o size=64k tmpfs full || skip "mounting a small tmpfs needs root (mount failed)"
    echo 'old figures' > full/out.csv
    head -c 1M /dev/zero > full/filler 2>/dev/null || true    # the disk is full now
    run --separate-stderr bounded ipc_bench $(quick) -m memcpy -o full/out.csv
    old=$(cat full/out.csv)
    files=$(ls -A full)
    umount full
    expect_error out.csv "rules, 11 (destinations): a CSV that cannot be written (a full disk) is a failed call: exit 1, naming the file"
    [ "$old" = 'old figures' ] ||
        broke "rules, 11 (destinations): a CSV that cannot be written whole leaves the old one as it was (it holds now: $old)"
    [ "$files" = "$(printf 'filler\nout.csv')" ] ||
        broke "rules, 11 (destinations): a failed CSV leaves no temporary file ($(echo $files))"
}

@test "08-bench: a chart that gnuplot cannot finish leaves the old PNG as it was, and no temporary file" {
    # contract: 08-bench, output; rules, 11 (destinations)
    # A gnuplot that writes part of its output file, then fails.
    mkdir -p "$BATS_TEST_TMPDIR/fake"
    cat > "$BATS_TEST_TMPDIR/fake/gnuplot" <<'GNUPLOT'
#!/bin/sh
touch "$0.ran"
output=$(sed -n "s/^set output '\(.*\)'$/\1/p")
echo partial > "$output"
exit 1
GNUPLOT
    chmod +x "$BATS_TEST_TMPDIR/fake/gnuplot"
    PATH=$BATS_TEST_TMPDIR/fake:$PATH
    echo 'old chart' > chart.png
    run --separate-stderr bounded ipc_bench $(quick) -m memcpy -o out.csv -p chart.png
    [ -e "$BATS_TEST_TMPDIR/fake/gnuplot.ran" ] ||
        broke "08-bench, output: with gnuplot on PATH, ipc_bench runs it to draw the chart (the test's gnuplot, which fails, never ran)"
    expect_status 1 "08-bench, exit statuses: ipc_bench whose gnuplot fails exits 1"
    [ "$(cat chart.png)" = 'old chart' ] ||
        broke "rules, 11 (destinations): a chart gnuplot could not finish leaves the old PNG as it was (it holds now: $(cat chart.png))"
    [ "$(ls -A | grep -v '^out.csv$')" = chart.png ] ||
        broke "rules, 11 (destinations): a failed chart leaves no temporary file ($(ls -A))"
}

@test "08-bench: another user's queue, segment, semaphore set or FIFO in its place is refused, naming its owner" {
    # contract: 08-bench, objects another user made; rules, 13 (objects another user made)
    needs_other_user
    shared_folder
    for case in "msgqueue q q" "shm_spin m m" "shm_sem s s"; do
        set -- $case
        id=$(squat "$2" "$3" 0666) || broke "the test could not squat a key as uid $OTHER_UID"
        run --separate-stderr bounded ipc_bench -q -m "$1" -o out.csv
        left=$(work_ipc_objects)
        messages=$(awk -v id="$id" 'NR > 1 && $2 == id { print $5 }' /proc/sysvipc/msg)
        ipcrm "-$2" "$id"
        expect_error "$OTHER_UID" "rules, 13 (objects another user made): ipc_bench -m $1 refuses an object of uid $OTHER_UID at its key, exit 1, naming the owner"
        [ "$(echo "$left" | awk '{print $2}')" = "$id" ] ||
            broke "rules, 13 (objects another user made): the refused object is left as it was and ipc_bench leaves nothing of its own (at the keys now: $left)"
        [ "$2" != q ] || [ "$messages" = 0 ] ||
            broke "rules, 13 (objects another user made): nothing is sent to a refused queue ($messages messages in it)"
        [ ! -e out.csv ] || broke "08-bench, objects another user made: a refused run writes no CSV"
    done
    for name in ipc_bench.to_child ipc_bench.to_parent; do
        as_other_user mkfifo -m 666 "$name"
        run --separate-stderr bounded ipc_bench -q -m fifo -o out.csv
        owner=$(stat -c %u "$name" 2>/dev/null)
        as_other_user rm -f "$name"
        expect_error "$OTHER_UID" "rules, 13 (objects another user made): ipc_bench refuses a FIFO $name of uid $OTHER_UID, exit 1, naming the owner"
        [ "$owner" = "$OTHER_UID" ] || broke "rules, 13 (objects another user made): the refused FIFO $name is left as it was"
        [ -z "$(find . -type p)" ] || broke "rules, 6 (cleanup): a refused run removes the FIFO it made itself"
    done
}

@test "08-bench: after ipc_bench is killed by SIGKILL, the next run names what is left and the command that removes it" {
    # contract: 08-bench, objects another user made; rules, 14 (stale objects)
    for mechanism in msgqueue shm_sem; do
        start_bg "bench-$mechanism" ipc_bench -r 100 -m "$mechanism"
        program=$(program_pid "$BG_PID")
        wait_until eval '[ -n "$(work_ipc_objects)" ]'
        # A child: the first test has begun, its objects are all made.
        wait_until eval '[ -n "$(cat /proc/$program/task/$program/children 2>/dev/null)" ]'
        kill -KILL "$program"
        wait_bg "$BG_PID" || true
        left=$(work_ipc_objects)
        # Each run names one leftover and its command; after them all, it works.
        for try in 1 2 3; do
            run --separate-stderr bounded ipc_bench $(quick) -m "$mechanism" -o out.csv
            [ "$status" -ne 0 ] && [ -n "$left" ] || break
            expect_status 1 "rules, 14 (stale objects): ipc_bench that finds a killed run's objects exits 1"
            [ ! -e out.csv ] || broke "08-bench, objects another user made: a refused run writes no CSV"
            command=$(grep -oE 'ipcrm +-[qms] +[0-9]+' <<<"$stderr" | head -n 1)
            worked=yes
            [ -z "$command" ] || $command || worked=no
            if [ -z "$command" ] || [ $worked = no ]; then
                # The killed run's leftovers are this test's to remove.
                work_ipc_objects | remove_ipc_objects || true
                broke "rules, 14 (stale objects): the message gives the exact ipcrm command that removes what the killed run left ($left; command given: ${command:-none})"
            fi
        done
        still=$(work_ipc_objects)
        [ -z "$still" ] || remove_ipc_objects <<<"$still" || true
        expect_status 0 "rules, 14 (stale objects): once the leftovers are removed with the commands given, ipc_bench -m $mechanism works again"
        [ -z "$still" ] ||
            broke "rules, 14 (stale objects): the commands given remove everything the killed run left ($left; still there: $still)"
        rm -f out.csv
    done
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "08-bench: ipc_bench reports a full stdout (/dev/full), with -h too: a message, exit 1, no IPC object" {
    # contract: rules, 10 (output); rules, 6 (cleanup); 08-bench, options
    checks_cleanup
    quick_run -m pipe,memcpy -o out.csv
    run --separate-stderr full_stdout ipc_bench $(quick) -m pipe,memcpy -o out.csv
    expect_write_error ipc_bench
    no_objects_left "rules, 6 (cleanup): ipc_bench that fails removes every object it made"
    run --separate-stderr bounded ipc_bench -h
    expect_status 0 "08-bench, options: -h prints the usage line and the options on stdout, exit 0"
    run --separate-stderr full_stdout ipc_bench -h
    expect_write_error "ipc_bench -h"
}

@test "08-bench: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
