#!/usr/bin/env bats
# grading: the grading kit -- make grade, its results, make handout, the
# GitHub Classroom configuration. Run by make test-grading (not make test:
# grading runs the suite itself).

load test_helper

setup_file() {
    # One handout for the tests that look at it.
    export HANDOUT=$BATS_FILE_TMPDIR/handout
    without_bats "$REPO/grading/handout" "$HANDOUT" >"$BATS_FILE_TMPDIR/handout.log" 2>&1
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

# bodies MODE FILE FUNCTION...: with MODE body, the lines of the FUNCTIONs'
# bodies in FILE (between the '{' that ends a signature and the '}' at
# column 0, or between the braces of a function on one line), each as
# "FILE FUNCTION<tab>LINE"; with MODE kept, the other lines of FILE.
bodies() {
    local mode=$1 file=$2
    shift 2
    awk -v mode="$mode" -v functions="$*" -v file="${file#"$REPO"/}" '
        BEGIN { n = split(functions, f, " ") }
        function starting(text,   i) {
            for (i = 1; i <= n; i++)
                if (text ~ "^([A-Za-z_][^;]*[^A-Za-z0-9_])?" f[i] "\\(" && text !~ /;[ \t]*$/)
                    return f[i]
            return ""
        }
        state == 0 && /^[A-Za-z_]/ {
            text = $0
            sub(/[ \t]*\/\*.*\*\/[ \t]*$/, "", text)     # a comment after the code
            name = starting(text)
            if (name != "" && text ~ /\{.*\}[ \t]*$/) {     # a function on one line
                if (mode == "body") {
                    sub(/^[^{]*\{/, "", text)
                    sub(/\}[ \t]*$/, "", text)
                    print file " " name "\t" text
                } else {
                    sub(/\{.*/, "", text)
                    print text
                }
                next
            }
            if (name != "")
                state = 1
        }
        state == 1 && (/^\{/ || /\{[ \t]*$/) { state = 2; if (mode == "kept") print; next }
        state == 2 && /^\}/                  { state = 0; if (mode == "kept") print; next }
        state == 2                           { if (mode == "body") print file " " name "\t" $0; next }
        mode == "kept"                       { print }' "$file"
}

# listed: "FILE FUNCTION" for every function in grading/handout.list, of the
# labs that this repository has.
listed() {
    local file functions function
    while read -r file functions; do
        case $file in ''|'#'*) continue ;; esac
        [ -d "$REPO/${file%/*}" ] || continue
        for function in $functions; do
            echo "$file $function"
        done
    done <"$REPO/grading/handout.list"
}

# fake_repo DIR: the repository's frame and grading kit with four made-up
# labs: 98-fake (tests that pass, hang, crash, fail with odd output, skip),
# 97-broken (does not compile), 96-slow (its run overruns) and 95-wait (a
# test that waits for its background jobs).
fake_repo() {
    local dir=$1 lab
    mkdir -p "$dir/tests" "$dir/grading"
    cp "$REPO/Makefile" "$REPO/lab.mk" "$dir/"
    cp "$REPO/tests/run" "$REPO/tests/test_helper.bash" "$dir/tests/"
    cp "$REPO/grading/grade" "$REPO/grading/score.awk" "$dir/grading/"
    for lab in 98-fake 97-broken 96-slow 95-wait; do
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
    printf 'int main(void) { return oops; }\n' >"$dir/97-broken/broken.c"
    printf 'int main(void) { return 0; }\n' >"$dir/96-slow/slow.c"
    printf 'int main(void) { return 0; }\n' >"$dir/95-wait/wait.c"
    cat >"$dir/tests/98-fake.bats" <<'EOF'
load test_helper
setup()    { lab_setup 98-fake; }
teardown() { lab_teardown; }
TEST "98-fake: passes" { run bounded fake; assert_output fine; }
TEST "98-fake: hangs" { sleep 1000; }
TEST "98-fake: crashes" { run bounded fake crash; assert_success; }
TEST "98-fake: a \"name\" with \\ and <&> 'quotes'" { printf 'a "q" \\ b\tc\nd\001e\377f <&>\n'; false; }
TEST "98-fake: skipped" { skip "not here"; }
EOF
    cat >"$dir/tests/97-broken.bats" <<'EOF'
load test_helper
setup()    { lab_setup 97-broken; }
teardown() { lab_teardown; }
TEST "97-broken: runs" { run bounded broken; assert_success; }
TEST "97-broken: runs again" { run bounded broken; assert_success; }
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
    # (Written TEST, not @test: bats would take them for tests of this file.)
    sed -i 's/^TEST /@test /' "$dir"/tests/*.bats
    cat >"$dir/grading/points" <<'EOF'
# made up for the test
default 50
98-fake 10          # shared by its tests, but for
  98-fake: passes = 4
96-slow 30
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
    assert_equal "$(grep -c '<testcase ' junit.xml)" "$tests"
    grep -q '^  "score": 100,$' results.json
    assert_equal "$(grep -c '"status": "passed"' results.json)" "$tests"
    if command -v jq >/dev/null; then
        assert_equal "$(jq '[.tests[] | select(.score == .max_score)] | length' results.json)" "$tests"
    fi
    if command -v xmllint >/dev/null; then
        xmllint --noout junit.xml
    fi
}

@test "grading: a test that hangs, crashes or fails, or a lab that does not build, costs its points only" {
    fake_repo repo
    rm repo/tests/96-slow.bats repo/tests/95-wait.bats
    run without_bats env GRADE_TEST_TIMEOUT=10 make -C repo --no-print-directory grade
    assert_success
    assert_line --regexp '^98-fake +2/5 +tests +5\.5/10 points$'
    assert_line --regexp '^97-broken +0/2 +tests +0/50 points  \(build failed: see .*/97-broken.log\)$'
    assert_equal "${lines[-1]}" 'Score: 5.5/60'

    cd repo/grading/results
    grep -q 'oops' 97-broken.log
    grep -q '^not ok 2 98-fake: hangs # timeout after 10s$' 98-fake.tap
    grep -q '^  "score": 5.5,$' results.json
    grep -qF '{"name": "98-fake: passes", "score": 4, "max_score": 4, "status": "passed", "output": ""}' results.json
    grep -qF '{"name": "98-fake: hangs", "score": 0, "max_score": 1.5, "status": "failed", "output": "timed out after 10s\n' results.json
    grep -qF '{"name": "98-fake: skipped", "score": 1.5, "max_score": 1.5, "status": "passed", "output": "skipped not here (counted as passed)\n"}' results.json
    grep -qF '{"name": "97-broken: runs", "score": 0, "max_score": 25, "status": "failed", "output": "' results.json
    grep -qF '<testsuite name="97-broken" tests="2" failures="2"' junit.xml
    grep -qF '<testsuite name="98-fake" tests="5" failures="3" errors="0" skipped="1"' junit.xml
    assert_equal "$(grep -c '<testcase ' junit.xml)" 7

    # Escaped: JSON \" \\ \t \n and \u0001, the byte 0xff (not UTF-8) dropped;
    # XML &quot; &lt; &amp; &gt;, and '?' for a control byte, which XML cannot carry.
    grep -qF '"name": "98-fake: a \"name\" with \\ and <&> '"'"'quotes'"'"'", "score": 0, "max_score": 1.5, "status": "failed"' results.json
    grep -qF 'a \"q\" \\ b\tc\nd\u0001ef <&>\n' results.json
    refute env LC_ALL=C grep -q $'[\001-\010\013-\037]' results.json junit.xml
    grep -qF '<testcase classname="98-fake" name="98-fake: a &quot;name&quot; with \ and &lt;&amp;&gt; '"'"'quotes'"'"'">' junit.xml
    grep -qF "a &quot;q&quot; \\ b"$'\t'"c" junit.xml
    grep -qF 'd?ef &lt;&amp;&gt;' junit.xml
    if command -v jq >/dev/null; then
        output=$(jq -r '.tests[] | select(.name | startswith("98-fake: a ")) | .output' results.json)
        [[ $output == *$'\na "q" \\ b\tc\nd\001ef <&>' ]]
        assert_equal "$(jq -r '.tests[] | select(.name | startswith("98-fake: a ")) | .name' results.json)" "98-fake: a \"name\" with \\ and <&> 'quotes'"
        assert_equal "$(jq '[.tests[].max_score] | add' results.json)" 60
    fi
    if command -v xmllint >/dev/null; then
        xmllint --noout junit.xml
    fi
}

@test "grading: a lab whose run overruns GRADE_LAB_TIMEOUT is stopped; a test's bare wait is no hang" {
    fake_repo repo
    run without_bats env GRADE_LAB_TIMEOUT=20 make -C repo --no-print-directory grade LAB='95 96'
    assert_success
    assert_line --regexp '^95-wait +1/1 +tests +50/50 points$'
    assert_line --regexp '^96-slow +0/[0-9] +tests +0/30 points  \(stopped after 20s\)$'
    assert_equal "${lines[-1]}" 'Score: 50/80'
    grep -q '^  "score": 50,$' repo/grading/results/results.json
}

@test "grading: a bad points file or an unknown lab stops grading with status 2" {
    fake_repo repo
    printf '98-fake lots\n' >repo/grading/points
    run without_bats make -C repo --no-print-directory grade
    assert_failure 2
    assert_output --partial "points:1: 'lots' is not a number of points"

    run without_bats "$REPO/grading/grade" -o "$BATS_TEST_TMPDIR/results" 55
    assert_failure 2
    assert_output --partial "no lab '55'"
    assert [ ! -e "$BATS_TEST_TMPDIR/results" ]
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

@test "grading: every lab program has its line in grading/handout.list" {
    missing=()
    for source in "$REPO"/[0-9][0-9]-*/*.c; do
        file=${source#"$REPO"/}
        grep -qE "^$file([[:space:]]|$)" "$REPO/grading/handout.list" || missing+=("$file")
    done
    [ ${#missing[@]} -eq 0 ] ||
        fail "add to grading/handout.list a line 'FILE FUNCTION...' for: ${missing[*]}"
}

@test "grading: the handout has the same files, and a TODO stub for each listed function" {
    cat "$BATS_FILE_TMPDIR/handout.log"
    grep -q '^Handout written to ' "$BATS_FILE_TMPDIR/handout.log"
    refute grep -q 'warning' "$BATS_FILE_TMPDIR/handout.log"
    listed >listed
    (cd "$REPO" && git ls-files --cached --others --exclude-standard) | sort >repo.files
    (cd "$HANDOUT" && find . -type f | sed 's|^\./||') | sort >handout.files
    diff -u repo.files handout.files
    for file in $(cat repo.files); do
        grep -q "^$file " listed || cmp "$REPO/$file" "$HANDOUT/$file"
    done
    for file in $(cut -d' ' -f1 listed | uniq); do
        program=$(basename "$file" .c)
        awk -v file="$file" -v program="$program" '$1 == file {
                printf "    fprintf(stderr, \"%s: TODO: implement %s (see README.md)\\n\");\n", program, $2 }' listed >stubs
        assert_equal "$(grep -cxF -f stubs "$HANDOUT/$file")" "$(wc -l <stubs)"
    done
}

@test "grading: no line that is only in a removed function's body reaches the handout" {
    # The lines that the repository keeps: every file, less the removed bodies;
    # and the lines of those bodies, each after its "FILE FUNCTION".
    listed >listed
    : >kept
    : >removed
    while read -r file; do
        [ -f "$REPO/$file" ] || continue
        functions=$(awk -v file="$file" '$1 == file { printf " %s", $2 }' listed)
        if [ -n "$functions" ]; then
            bodies kept "$REPO/$file" $functions >>kept
            bodies body "$REPO/$file" $functions >>removed
        else
            cat "$REPO/$file" >>kept
        fi
    done < <(cd "$REPO" && git ls-files --cached --others --exclude-standard)
    trimmed kept >kept.sorted
    find "$HANDOUT" -type f -exec cat {} + >handout.all
    trimmed handout.all >handout.sorted

    # Distinctive: a line of code (not a comment or a lone brace) of 12
    # characters or more that the repository has nowhere else.
    run awk -F '\t' '
        FILENAME == ARGV[1] { kept[$0] = 1; next }
        FILENAME == ARGV[2] { handout[$0] = 1; next }
        FILENAME == ARGV[3] { functions[$1] = 1; next }
        {
            line = $2
            sub(/^[ \t]+/, "", line)
            sub(/[ \t]+$/, "", line)
            if (length(line) < 12 || line ~ /^(\/\*|\*|\/\/)/ || line in kept)
                next
            distinctive[$1]++
            checked++
            if (line in handout)
                printf "%s: a line of its body reached the handout: %s\n", $1, line
        }
        END {
            for (f in functions)
                if (!(f in distinctive))
                    printf "%s: no line of its own to look for (or no such function)\n", f
            printf "%d lines checked\n", checked
        }' kept.sorted handout.sorted listed removed
    assert_success
    assert_output --regexp '^[1-9][0-9]* lines checked$'
}

@test "grading: the handout builds warning-free with gcc and clang (make STRICT=1)" {
    for cc in gcc clang; do
        if ! command -v $cc >/dev/null; then
            [ "$cc" = clang ] && [ -z "${CI:-}" ] && continue
            fail "$cc is not installed"
        fi
        run without_bats make -C "$HANDOUT" -s clean
        run without_bats make -C "$HANDOUT" -s STRICT=1 CC=$cc
        assert_success
        refute_output --partial 'warning'
    done
}

@test "grading: make grade in the handout completes, scores low, says what to implement, and prints Score: last" {
    run without_bats make -C "$HANDOUT" --no-print-directory grade LAB='01 02'
    assert_success
    assert_line --regexp '^Score: [0-9.]+/200$'
    assert_equal "${lines[-1]}" "$(grep '^Score:' <<<"$output")"
    score=${lines[-1]#Score: }
    score=${score%/*}
    (( ${score%.*} <= 20 )) || fail "the handout scores $score of 200"
    grep -q 'TODO: implement main (see README.md)' "$HANDOUT/grading/results/results.json"
}

@test "grading: .github/classroom/autograding.json has each lab with its points, as make autograding writes it" {
    "$REPO/grading/autograding" >expected.json
    diff -u expected.json "$REPO/.github/classroom/autograding.json" ||
        fail "the labs or their points changed: run make autograding"
    for bats in "$REPO"/tests/[0-9][0-9]-*.bats; do
        lab=$(basename "$bats" .bats)
        grep -qF "\"run\": \"make -s -C $lab && sudo tests/run $lab\"" expected.json
    done
}
