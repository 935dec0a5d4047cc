# other_user.bash -- acting as a second user, for the tests of rule 13
# (objects another user made). Loaded by tests/test_helper.bash.

# The other user of the multi-user tests: a uid no account uses.
OTHER_UID=${IPC_LABS_OTHER_UID:-61234}

# needs_other_user: skips the test unless it can act as a second user (root
# can, through setpriv); the tests that need one say so in their skip reason.
needs_other_user() {
    [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null ||
        skip "acting as a second user needs root and setpriv (these tests run in CI as root)"
}

# shared_folder: makes $WORK a folder like /tmp (mode 1777, every folder above it
# searchable), so that the other user can reach it, ftok() it and create there.
shared_folder() {
    local dir=$WORK
    chmod 1777 "$WORK"
    while dir=$(dirname "$dir") && [ "$dir" != / ]; do
        chmod o+x "$dir" 2>/dev/null || true
    done
}

# as_other_user CMD [ARGS...]: runs CMD as OTHER_UID (uid and gid, no groups),
# from $WORK, with this test's PATH.
as_other_user() {
    setpriv --reuid="$OTHER_UID" --regid="$OTHER_UID" --clear-groups -- "$@"
}

# squat q|m|s PROJ_ID [MODE [SIZE]]: as the other user, creates an object at
# ftok(".", PROJ_ID) in $WORK first (tests/squat.c, built once per test file),
# prints its id.
squat() {
    local squat=$BATS_FILE_TMPDIR/squat
    [ -x "$squat" ] || cc -std=c17 -o "$squat" "$REPO/tests/squat.c" || return 1
    chmod 755 "$BATS_FILE_TMPDIR" "$squat"
    as_other_user "$squat" "$@"
}
