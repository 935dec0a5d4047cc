#!/usr/bin/env bats
# 01-popen: popen_read and popen_write, as CONTRACT.md describes them
# (section "01-popen"). Each test starts with the rule it checks; a failing
# check says that rule with what the program printed.

load test_helper

setup()    { lab_setup 01-popen; }
teardown() { lab_teardown; }

# expect_stdout WANT RULE: the last run printed exactly WANT on stdout, else
# broke RULE, showing the lines wanted.
expect_stdout() {
    [ "$output" = "$1" ] || broke "$2"$'\n'"-- stdout wanted --"$'\n'"$1"
}

# no_pwned RULE: no file named pwned appeared (nothing ran FILE or TEXT as
# shell code), else broke RULE.
no_pwned() {
    [ ! -e pwned ] || broke "$1 (a file named pwned appeared: the name was run as shell code)"
}

# -------------------------------------------------------------- popen_read

@test "01-popen: popen_read prints the characters read, 'Reading : -' and the line count" {
    # contract: 01-popen, output
    printf 'one\ntwo\nthree\n' > three.txt
    run --separate-stderr bounded popen_read three.txt
    expect_status 0 "01-popen, exit statuses: popen_read exits 0 when wc counted FILE"
    expect_stdout $'2\nReading : -\n3' \
        "01-popen, output: popen_read prints the characters read from the pipe (2 for '3\\n'), 'Reading : -', then the count alone"
}

@test "01-popen: popen_read counts a file of 1000 lines" {
    # contract: 01-popen, output
    seq 1000 > numbers.txt
    run --separate-stderr bounded popen_read numbers.txt
    expect_status 0 "01-popen, exit statuses: popen_read exits 0 when wc counted FILE"
    expect_stdout $'5\nReading : -\n1000' \
        "01-popen, output: for 1000 lines popen_read prints 5 (the characters of '1000\\n'), 'Reading : -', 1000"
}

@test "01-popen: popen_read without FILE counts its own source beside it, not one in the working directory" {
    # contract: 01-popen, programs
    source_file=${IPC_LABS_BIN:-$REPO}/01-popen/popen_read.c
    [ -f "$source_file" ] || source_file=$LAB_SRC/popen_read.c
    count=$(wc -l < "$source_file")
    seq 3 > popen_read.c            # a decoy in the working directory
    run --separate-stderr bounded popen_read
    expect_status 0 "01-popen, programs: popen_read without FILE counts popen_read.c beside its executable"
    expect_stdout "$(( ${#count} + 1 ))"$'\nReading : -\n'"$count" \
        "01-popen, programs: without FILE, popen_read counts the popen_read.c in the folder of its executable ($count lines), whatever the working directory"
}

@test "01-popen: popen_read reads a file named 'x; touch pwned' and runs nothing" {
    # contract: 01-popen, file names and commands
    printf 'a\nb\n' > 'x; touch pwned'
    run --separate-stderr bounded popen_read 'x; touch pwned'
    no_pwned "01-popen, file names and commands: FILE is a file name, never shell code"
    expect_status 0 "01-popen, file names and commands: popen_read counts the file named 'x; touch pwned'"
    expect_stdout $'2\nReading : -\n2' \
        "01-popen, file names and commands: popen_read counts the 2 lines of the file named 'x; touch pwned'"
}

@test "01-popen: popen_read reads a file named '\$(touch pwned)' and runs nothing" {
    # contract: 01-popen, file names and commands
    printf 'a\nb\nc\nd\n' > '$(touch pwned)'
    run --separate-stderr bounded popen_read '$(touch pwned)'
    no_pwned "01-popen, file names and commands: FILE is a file name, never shell code"
    expect_status 0 "01-popen, file names and commands: popen_read counts the file named '\$(touch pwned)'"
    expect_stdout $'2\nReading : -\n4' \
        "01-popen, file names and commands: popen_read counts the 4 lines of the file named '\$(touch pwned)'"
}

@test "01-popen: popen_read reads a name with spaces as one file, not two" {
    # contract: 01-popen, file names and commands
    seq 7 > 'two words'
    seq 100 > two
    seq 200 > words
    run --separate-stderr bounded popen_read 'two words'
    expect_status 0 "01-popen, file names and commands: popen_read counts the file named 'two words'"
    expect_stdout $'2\nReading : -\n7' \
        "01-popen, file names and commands: 'two words' is one file of 7 lines, not the files 'two' and 'words'"
}

@test "01-popen: popen_read reads a name with quotes and backquotes" {
    # contract: 01-popen, file names and commands
    seq 5 > "it's \"quoted\" \`touch pwned\`"
    run --separate-stderr bounded popen_read "it's \"quoted\" \`touch pwned\`"
    no_pwned "01-popen, file names and commands: FILE is a file name, never shell code"
    expect_status 0 "01-popen, file names and commands: popen_read counts a file whose name holds quotes and backquotes"
    expect_stdout $'2\nReading : -\n5' \
        "01-popen, file names and commands: popen_read counts the 5 lines of the file named with quotes and backquotes"
}

@test "01-popen: popen_read on a missing file names it, exits 1 and prints nothing on stdout" {
    # contract: 01-popen, bad input
    run --separate-stderr bounded popen_read missing.txt
    expect_error missing.txt "01-popen, bad input: a missing FILE is reported on stderr by name, exit status 1"
    [ -z "$output" ] || broke "01-popen, bad input: for a missing FILE popen_read prints nothing on stdout (no count, not even 0)"
}

@test "01-popen: popen_read on a missing file named 'missing; touch pwned' runs nothing" {
    # contract: 01-popen, file names and commands; 01-popen, bad input
    run --separate-stderr bounded popen_read 'missing; touch pwned'
    no_pwned "01-popen, file names and commands: FILE is a file name, never shell code, even when it does not exist"
    expect_error 'missing; touch pwned' "01-popen, bad input: a missing FILE is reported on stderr by name, exit status 1"
}

@test "01-popen: popen_read on an unreadable file names it, exits 1 and prints nothing on stdout" {
    # contract: 01-popen, bad input
    seq 3 > secret.txt
    chmod 000 secret.txt
    run --separate-stderr without_file_privileges timeout "$LAB_TIMEOUT" popen_read secret.txt
    expect_error secret.txt "01-popen, bad input: an unreadable FILE is reported on stderr by name, exit status 1"
    [ -z "$output" ] || broke "01-popen, bad input: for an unreadable FILE popen_read prints nothing on stdout"
}

@test "01-popen: popen_read on a directory names it, exits 1 and prints nothing on stdout" {
    # contract: 01-popen, bad input
    mkdir adir
    run --separate-stderr bounded popen_read adir
    expect_error adir "01-popen, bad input: a directory as FILE is refused on stderr by name, exit status 1"
    [ -z "$output" ] || broke "01-popen, bad input: for a directory popen_read prints nothing on stdout (no count of 0 lines)"
}

@test "01-popen: popen_read reports a full stdout (/dev/full): a message, exit 1" {
    # contract: rules, 10 (output); 01-popen, exit statuses
    printf 'one\ntwo\nthree\n' > three.txt
    run --separate-stderr bounded popen_read three.txt
    expect_status 0 "01-popen, exit statuses: popen_read exits 0 when wc counted FILE"
    run --separate-stderr full_stdout popen_read three.txt
    expect_write_error popen_read
}

@test "01-popen: popen_read with two files is a usage error" {
    # contract: 01-popen, bad input; rules, 3 (errors)
    touch a b
    run --separate-stderr bounded popen_read a b
    expect_usage popen_read
}

@test "01-popen: popen_read -x is a usage error, not a file name" {
    # contract: 01-popen, bad input; rules, 3 (errors)
    seq 2 > -x                      # so that counting '-x' as a file would succeed
    run --separate-stderr bounded popen_read -x
    expect_usage popen_read
}

# -------------------------------------------------------------- popen_write

@test "01-popen: popen_write feeds 123 to od -c by default" {
    # contract: 01-popen, programs; 01-popen, output
    run --separate-stderr bounded popen_write
    expect_status 0 "01-popen, exit statuses: popen_write exits with od's status, 0"
    expect_stdout $'0000000   1   2   3\n0000003' \
        "01-popen, output: popen_write writes exactly the 3 bytes 123 (no newline) into od -c, and prints nothing of its own on stdout"
}

@test "01-popen: popen_write writes TEXT into the command, adding nothing" {
    # contract: 01-popen, output
    run --separate-stderr bounded popen_write hello
    expect_status 0 "01-popen, exit statuses: popen_write exits with od's status, 0"
    expect_stdout $'0000000   h   e   l   l   o\n0000005' \
        "01-popen, output: popen_write writes exactly the bytes of TEXT (here 5, no newline) into od -c"
}

@test "01-popen: popen_write -c runs COMMAND with TEXT as its input" {
    # contract: 01-popen, programs; 01-popen, file names and commands
    run --separate-stderr bounded popen_write -c 'tr a-z A-Z' 'shout this'
    expect_status 0 "01-popen, exit statuses: popen_write exits with COMMAND's status, 0"
    expect_stdout 'SHOUT THIS' \
        "01-popen, programs: popen_write -c COMMAND runs COMMAND by /bin/sh -c with TEXT as its input; its output goes to stdout"
}

@test "01-popen: popen_write passes TEXT as data, never as shell code" {
    # contract: 01-popen, file names and commands
    run --separate-stderr bounded popen_write -c cat '$(touch pwned); `touch pwned`'
    no_pwned "01-popen, file names and commands: TEXT is data written into COMMAND's input, never shell code"
    expect_status 0 "01-popen, exit statuses: popen_write exits with COMMAND's status, 0"
    expect_stdout '$(touch pwned); `touch pwned`' \
        "01-popen, file names and commands: TEXT reaches COMMAND byte for byte"
}

@test "01-popen: popen_write writes all of a 100 kB TEXT" {
    # contract: 01-popen, output
    run --separate-stderr bounded popen_write -c 'wc -c' "$(head -c 100000 /dev/zero | tr '\0' x)"
    expect_status 0 "01-popen, exit statuses: popen_write exits with COMMAND's status, 0"
    [ "$(echo $output)" = 100000 ] ||
        broke "01-popen, output: all of TEXT reaches COMMAND however long it is (wc -c must count 100000 bytes)"
}

@test "01-popen: popen_write exits with COMMAND's exit status" {
    # contract: 01-popen, exit statuses
    run --separate-stderr bounded popen_write -c 'cat > /dev/null; exit 3'
    expect_status 3 "01-popen, exit statuses: popen_write exits with COMMAND's own exit status"
    run --separate-stderr bounded popen_write -c 'cat > /dev/null; exit 42' text
    expect_status 42 "01-popen, exit statuses: popen_write exits with COMMAND's own exit status"
}

@test "01-popen: popen_write exits 128+N when COMMAND is killed by signal N" {
    # contract: 01-popen, exit statuses
    run --separate-stderr bounded popen_write -c 'cat > /dev/null; kill -TERM $$'
    expect_status 143 "01-popen, exit statuses: a COMMAND killed by signal N gives 128+N, as the shell reports it (SIGTERM: 143)"
}

@test "01-popen: popen_write survives a command that exits without reading" {
    # contract: 01-popen, exit statuses
    # 100 kB cannot fit in a pipe: without care the writer dies of SIGPIPE (141).
    run --separate-stderr bounded popen_write -c 'exit 3' "$(head -c 100000 /dev/zero | tr '\0' x)"
    expect_status 3 "01-popen, exit statuses: a COMMAND that exits without reading must not kill popen_write with SIGPIPE (141); popen_write exits with COMMAND's status"
}

@test "01-popen: popen_write with a command that does not exist exits 127" {
    # contract: 01-popen, exit statuses
    # Not through run, which takes 127 for a test's own typing mistake.
    status=0
    bounded popen_write -c 'no-such-command-here' > out.txt 2> err.txt || status=$?
    output=$(cat out.txt) stderr=$(cat err.txt)
    expect_status 127 "01-popen, exit statuses: a command the shell cannot find gives the shell's status, 127"
}

@test "01-popen: popen_write -x is a usage error" {
    # contract: 01-popen, bad input; rules, 3 (errors)
    run --separate-stderr bounded popen_write -x
    expect_usage popen_write
}

@test "01-popen: popen_write with two TEXTs is a usage error" {
    # contract: 01-popen, bad input; rules, 3 (errors)
    run --separate-stderr bounded popen_write one two
    expect_usage popen_write
}

@test "01-popen: popen_write -c without COMMAND is a usage error" {
    # contract: 01-popen, bad input; rules, 3 (errors)
    run --separate-stderr bounded popen_write -c
    expect_usage popen_write
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "01-popen: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
