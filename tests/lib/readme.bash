# readme.bash -- checking a README's transcripts against the programs
# (tests/docs.bats). Loaded by tests/test_helper.bash.

# check_readme LAB_README: runs every ```console block of the README in
# $WORK, with the lab's programs available as ./NAME, and compares what they
# print with the lines shown. Numbers of four digits or more (PIDs, sizes)
# and 0x addresses are matched by pattern; everything else must be exact.
check_readme() {
    local readme=$1 program block=0 script expected actual
    for program in "$LAB_BIN"/*; do
        ln -sf "$program" "$WORK/$(basename "$program")"
    done
    while IFS= read -r -d '' script && IFS= read -r -d '' expected; do
        block=$((block + 1))
        actual=$(cd "$WORK" && bounded bash -c "$script" 2>&1) || true
        if ! matches_pattern "$expected" "$actual"; then
            printf 'README block %d of %s:\n%s\n-- expected --\n%s\n-- actual --\n%s\n' \
                "$block" "$readme" "$script" "$expected" "$actual" >&2
            return 1
        fi
    done < <(console_blocks "$readme")
    [ "$block" -gt 0 ] || fail "no console block in $readme"
    for program in "$LAB_BIN"/*; do
        rm -f "$WORK/$(basename "$program")"
    done
}

# console_blocks FILE: for each ```console block, its commands (the lines
# after "$ ", with "> " continuation lines) and the lines they print, each
# ended by a NUL byte.
console_blocks() {
    awk '
        /^```console/     { inside = 1; script = ""; out = ""; next }
        inside && /^```/  { inside = 0; printf "%s%c%s%c", script, 0, out, 0; next }
        !inside           { next }
        /^\$ /            { script = script substr($0, 3) "\n"; cmd = 1; next }
        cmd && /^> /      { script = script substr($0, 3) "\n"; next }
                          { cmd = 0; out = out $0 "\n" }
    ' "$1"
}

# matches_pattern EXPECTED ACTUAL: line by line, as check_readme describes.
matches_pattern() {
    local -a patterns lines
    local i
    mapfile -t patterns < <(printf '%s\n' "${1%$'\n'}" | sed -E \
        -e 's/[][\.*^$+?(){}|]/\\&/g' \
        -e 's/0x[0-9a-f]+/0x[0-9a-f]+/g' \
        -e 's/(^|[^0-9a-z])[1-9][0-9]{3,}/\1[0-9]+/g')
    mapfile -t lines < <(printf '%s\n' "$2")
    [ "${#patterns[@]}" -eq "${#lines[@]}" ] || return 1
    for i in "${!patterns[@]}"; do
        [[ ${lines[i]} =~ ^${patterns[i]}$ ]] || return 1
    done
}
