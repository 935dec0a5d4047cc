#!/usr/bin/env bats
# 01-popen: popen_read and popen_write, as CONTRACT.md describes them.

load test_helper

setup()    { lab_setup 01-popen; }
teardown() { lab_teardown; }

@test "01-popen: popen_read prints the characters read, 'Reading : -' and the line count" {
    printf 'one\ntwo\nthree\n' > three.txt
    run --separate-stderr bounded popen_read three.txt
    assert_success
    assert_output $'2\nReading : -\n3'
}

@test "01-popen: popen_read counts a file of 1000 lines" {
    seq 1000 > numbers.txt
    run --separate-stderr bounded popen_read numbers.txt
    assert_success
    assert_output $'5\nReading : -\n1000'
}

@test "01-popen: popen_read without FILE counts its own source beside it, from any directory" {
    count=$(wc -l < "$LAB_SRC/popen_read.c")
    run --separate-stderr bounded popen_read
    assert_success
    assert_output "$(( ${#count} + 1 ))"$'\nReading : -\n'"$count"
}

@test "01-popen: popen_read reads a file named 'x; touch pwned' and runs nothing" {
    printf 'a\nb\n' > 'x; touch pwned'
    run --separate-stderr bounded popen_read 'x; touch pwned'
    assert_success
    assert_output $'2\nReading : -\n2'
    assert [ ! -e pwned ]
}

@test "01-popen: popen_read reads a file named '\$(touch pwned)' and runs nothing" {
    printf 'a\nb\nc\nd\n' > '$(touch pwned)'
    run --separate-stderr bounded popen_read '$(touch pwned)'
    assert_success
    assert_output $'2\nReading : -\n4'
    assert [ ! -e pwned ]
}

@test "01-popen: popen_read reads a name with spaces as one file, not two" {
    seq 7 > 'two words'
    seq 100 > two
    seq 200 > words
    run --separate-stderr bounded popen_read 'two words'
    assert_success
    assert_output $'2\nReading : -\n7'
}

@test "01-popen: popen_read reads a name with quotes and backquotes" {
    seq 5 > "it's \"quoted\" \`touch pwned\`"
    run --separate-stderr bounded popen_read "it's \"quoted\" \`touch pwned\`"
    assert_success
    assert_output $'2\nReading : -\n5'
    assert [ ! -e pwned ]
}

@test "01-popen: popen_read on a missing file names it and exits 1, running nothing" {
    run --separate-stderr bounded popen_read 'missing; touch pwned'
    assert_failure 1
    assert_output ''
    [[ $stderr == *'missing; touch pwned'* ]]
    assert [ ! -e pwned ]
}

@test "01-popen: popen_read on an unreadable file names it and exits 1" {
    seq 3 > secret.txt
    chmod 000 secret.txt
    run --separate-stderr without_file_privileges timeout "$LAB_TIMEOUT" popen_read secret.txt
    assert_failure 1
    assert_output ''
    [[ $stderr == *secret.txt* ]]
}

@test "01-popen: popen_read on a directory fails with a message naming it" {
    mkdir adir
    run --separate-stderr bounded popen_read adir
    assert_failure 1
    [[ $stderr == *adir* ]]
}

@test "01-popen: popen_read with two files prints usage and exits 2" {
    touch a b
    run --separate-stderr bounded popen_read a b
    assert_failure 2
    [[ $stderr == usage:\ popen_read* ]]
}

@test "01-popen: popen_write feeds 123 to od -c by default" {
    run --separate-stderr bounded popen_write
    assert_success
    assert_output $'0000000   1   2   3\n0000003'
}

@test "01-popen: popen_write writes TEXT into the command" {
    run --separate-stderr bounded popen_write hello
    assert_success
    assert_output $'0000000   h   e   l   l   o\n0000005'
}

@test "01-popen: popen_write -c runs COMMAND with TEXT as its input" {
    run --separate-stderr bounded popen_write -c 'tr a-z A-Z' 'shout this'
    assert_success
    assert_output 'SHOUT THIS'
}

@test "01-popen: popen_write passes TEXT as data, never as shell code" {
    run --separate-stderr bounded popen_write -c cat '$(touch pwned); `touch pwned`'
    assert_success
    assert_output '$(touch pwned); `touch pwned`'
    assert [ ! -e pwned ]
}

@test "01-popen: popen_write exits with COMMAND's exit status" {
    run bounded popen_write -c 'cat > /dev/null; exit 3'
    assert_failure 3
    run bounded popen_write -c 'cat > /dev/null; exit 42' text
    assert_failure 42
}

@test "01-popen: popen_write survives a command that exits without reading" {
    # 100 kB cannot fit in a pipe: without care the writer dies of SIGPIPE (141).
    run bounded popen_write -c 'exit 3' "$(head -c 100000 /dev/zero | tr '\0' x)"
    assert_failure 3
}

@test "01-popen: popen_write with a command that does not exist exits 127" {
    run -127 bounded popen_write -c 'no-such-command-here'
}

@test "01-popen: popen_write with a bad option or two TEXTs prints usage and exits 2" {
    run --separate-stderr bounded popen_write -x
    assert_failure 2
    [[ $stderr == *usage:\ popen_write* ]]
    run --separate-stderr bounded popen_write one two
    assert_failure 2
    [[ $stderr == *usage:\ popen_write* ]]
}

# Last: the leftovers that the tests above recorded (see test_helper.bash).
@test "01-popen: no test left an IPC object or FIFO behind" {
    # contract: rules, 6 (cleanup)
    no_leftovers_reported
}
