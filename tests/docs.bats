#!/usr/bin/env bats
# docs: every lab README's ```console transcripts, run against this
# repository's own programs and compared with the lines shown. These tests
# keep the documents true; they are not graded. A student's program may word
# its diagnostics its own way (CONTRACT.md fixes only some lines), so
# make grade never runs this file (it runs tests/NN-name.bats only).

load test_helper

teardown() { [ -z "${LAB:-}" ] || lab_teardown; }

# readme_matches LAB: the transcripts of LAB/README.md match LAB's programs.
readme_matches() {
    lab_setup "$1"
    checks_cleanup
    check_readme "$LAB_SRC/README.md"
}

@test "docs: 01-popen's README transcripts match the programs" { readme_matches 01-popen; }
@test "docs: 02-pipe's README transcripts match the programs" { readme_matches 02-pipe; }
@test "docs: 03-fifo's README transcripts match the programs" { readme_matches 03-fifo; }
@test "docs: 04-msgqueue's README transcripts match the programs" { readme_matches 04-msgqueue; }
@test "docs: 05-shm's README transcripts match the programs" { readme_matches 05-shm; }
@test "docs: 06-shm-filecopy's README transcripts match the programs" { readme_matches 06-shm-filecopy; }
@test "docs: 07-semaphore's README transcripts match the programs" { readme_matches 07-semaphore; }
@test "docs: 08-bench's README transcripts match the programs" { readme_matches 08-bench; }

# Every graded test names the CONTRACT.md rule it checks, and that rule exists:
# "rules, N (...)" is rule N of "Rules for every program"; "NN-name, part" is the
# part headed "### Part" in the section "## NN-name ...".
@test "docs: every graded test starts with a # contract: line naming a CONTRACT.md rule" {
    run awk '
        FNR == NR {
            if ($0 ~ /^## /)             { section = tolower($2); next }
            if ($0 ~ /^### /)            { p = tolower(substr($0, 5)); sub(/ *\(.*$/, "", p); part[section ", " p] = 1; next }
            if (section == "rules" && $0 ~ /^[0-9]+\. /) { rule["rules, " $1 + 0] = 1 }
            next
        }
        /^@test /        { name = $0; want = 1; next }
        want && /^[ \t]*$/ { next }
        want {
            want = 0
            if ($0 !~ /^[ \t]*# contract: /) { print FILENAME ": no # contract: line: " name; next }
            line = $0; sub(/^[ \t]*# contract: /, "", line)
            n = split(line, refs, /; */)
            for (i = 1; i <= n; i++) {
                ref = tolower(refs[i]); sub(/ *\(.*$/, "", ref)
                if (ref ~ /^rules, [0-9]+$/) { if (!(ref in rule)) print FILENAME ": no rule \"" refs[i] "\": " name; continue }
                if (!(ref in part)) print FILENAME ": no part \"" refs[i] "\" in CONTRACT.md: " name
            }
        }' <(sed 's/^## Rules for every program/## rules/' "$REPO/CONTRACT.md") "$REPO"/tests/[0-9][0-9]-*.bats
    [ "$status" -eq 0 ] && [ -z "$output" ] || { printf '%s\n' "$output"; false; }
}
