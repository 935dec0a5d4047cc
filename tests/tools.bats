#!/usr/bin/env bats
# tools: the repository's own tools (tools/ftok-key, tools/clean-ipc). Not
# graded: make test runs this file after the labs' tests; make grade does not.

load test_helper

setup() {
    load_bats_libraries
    WORK=$BATS_TEST_TMPDIR/work
    mkdir -p "$WORK" && cd "$WORK" || return 1
    # key DIR ID [q]: the key that ftok(3) itself gives (ID a number, or one
    # character that is not a digit, as tools/ftok-key reads it); with q, also makes a
    # queue of this user's at that key (mode 0600) and prints its id after it.
    cat >key.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
int main(int argc, char *argv[])
{
    int digit = argv[2][0] >= '0' && argv[2][0] <= '9';
    key_t key = ftok(argv[1], argv[2][1] || digit ? atoi(argv[2]) : argv[2][0]);
    printf("0x%08x", (unsigned)key);
    if (argc > 3)
        printf(" %d", msgget(key, IPC_CREAT | IPC_EXCL | 0600));
    putchar('\n');
    return key == -1;
}
C
    cc -std=c17 -o key key.c
}

teardown() {
    local id
    for id in ${QUEUES:-}; do
        ipcrm -q "$id" 2>/dev/null || true
    done
}

@test "tools: ftok-key prints the key that ftok(3) gives, for a character or a number" {
    mkdir -p a/b
    for dir in "$WORK" a/b / /tmp; do
        for id in p M 1 255; do
            assert_equal "$("$REPO/tools/ftok-key" "$dir" "$id")" "$(./key "$dir" "$id")"
        done
    done
    run "$REPO/tools/ftok-key" "$WORK" 256
    assert_failure 2
    run "$REPO/tools/ftok-key" "$WORK/missing" p
    assert_failure
}

@test "tools: clean-ipc removes this user's object at a lab's key in a folder, and nothing else" {
    read -r lab_key lab_id < <(./key "$WORK" p q)          # 04-msgqueue's PERSON_PROJ_ID
    read -r other_key other_id < <(./key "$WORK" Z q)      # no lab's PROJ_ID
    QUEUES="$lab_id $other_id"
    run "$REPO/tools/clean-ipc" "$WORK"
    assert_success
    assert_output --partial "removed q key $lab_key"
    queues=$(awk 'NR > 1 { print $2 }' /proc/sysvipc/msg)
    refute grep -qx "$lab_id" <<<"$queues"
    grep -qx "$other_id" <<<"$queues" || fail "clean-ipc removed $other_key, which is no lab's key"
}
