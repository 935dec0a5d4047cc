#!/usr/bin/env bats
# docs: every lab README's ```console transcripts, run against this
# repository's own programs and compared with the lines shown. These tests
# keep the documents true; they are not graded. A student's program may word
# its diagnostics its own way (CONTRACT.md fixes only some lines), so
# make grade never runs this file (it runs tests/NN-name.bats only).

load test_helper

teardown() { lab_teardown; }

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
