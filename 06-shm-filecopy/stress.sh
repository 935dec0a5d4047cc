#!/bin/sh
# stress.sh -- many copies of many shapes, to catch a rare hang or a wrong byte
# (make stress; not part of the test suite).
#
# Runs COPIES copies (default 200) in WORKERS folders at once (default 4), of
# assorted sizes (0, 1, CHUNK-1, CHUNK, CHUNK+1, 3*CHUNK+7 and random ones up
# to 4 MiB) with assorted chunk sizes (1 byte to 1 MiB). Each copy is bounded
# by timeout (a hang is counted, not waited for) and checked with cmp. At
# the end no IPC object may be left with the keys of those folders.
# Prints "N copies, H hangs, F failures" and the IPC objects left; exits 1
# if anything went wrong.
#
# Environment:  STRESS_COPIES=200  STRESS_WORKERS=4  STRESS_TIMEOUT=60
set -u
lab=$(cd "$(dirname "$0")" && pwd)
copies=${STRESS_COPIES:-200}
workers=${STRESS_WORKERS:-4}
limit=${STRESS_TIMEOUT:-60}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/shm_copy_stress.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 1' INT TERM

# plan WORKER: one line "SIZE CHUNK" per copy that WORKER makes.
plan() {
    awk -v n="$copies" -v w="$workers" -v me="$1" -v seed="$$" 'BEGIN {
        srand(seed * 16 + me)
        split("1 7 100 4096 65536 1048576", chunks, " ")
        for (i = me; i < n; i += w) {
            chunk = chunks[1 + int(rand() * 6)]
            pick = int(rand() * 7)
            if (pick == 0)      size = 0
            else if (pick == 1) size = 1
            else if (pick == 2) size = chunk - 1
            else if (pick == 3) size = chunk
            else if (pick == 4) size = chunk + 1
            else if (pick == 5) size = 3 * chunk + 7
            else                size = int(rand() * 4 * 1048576)
            if (chunk == 1 && size > 65536) size = int(size / 64)   # a byte a chunk is slow
            print size, chunk
        }
    }'
}

# work WORKER: makes WORKER's copies in its own folder (so its own keys);
# prints one line per copy: "ok", "hang" or "fail", with the details.
work() {
    dir=$scratch/worker$1
    mkdir "$dir" && cd "$dir" || exit 1
    plan "$1" | while read -r size chunk; do
        head -c "$size" /dev/urandom > src
        timeout -k 5 "$limit" "$lab/shm_copy" -b "$chunk" src dst > out 2> err
        status=$?
        if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
            echo "hang $size bytes, chunk $chunk"
        elif [ "$status" -ne 0 ] || ! cmp -s src dst ||
             [ "$(tail -n 1 out)" != "copied $size bytes" ]; then
            echo "fail $size bytes, chunk $chunk: status $status: $(cat err)"
        else
            echo ok
        fi
        rm -f src dst
    done
}

i=0
while [ "$i" -lt "$workers" ]; do
    work "$i" > "$scratch/results$i" &
    i=$((i + 1))
done
wait

# The keys that ftok(DIR, ID) makes: ID in the top byte, then the low 8 bits
# of the device and the low 16 bits of the inode of DIR (glibc).
proj_ids=$(sed -n "s/^#define [A-Z_]*PROJ_ID '\(.\)'.*/\1/p" "$lab/filecopy.h")
left=0
for dir in "$scratch"/worker*; do
    set -- $(stat -c '%d %i' "$dir")
    for c in $proj_ids; do
        key=$(( ($(printf '%d' "'$c") << 24) | (($1 & 0xff) << 16) | ($2 & 0xffff) ))
        n=$(awk -v key="$key" 'NR > 1 { k = $1 < 0 ? $1 + 4294967296 : $1; if (k == key) n++ }
                               END { print n + 0 }' /proc/sysvipc/shm /proc/sysvipc/msg)
        left=$((left + n))
    done
done

cat "$scratch"/results* | grep -v '^ok$' | head -20
done_copies=$(cat "$scratch"/results* | wc -l)
hangs=$(cat "$scratch"/results* | grep -c '^hang')
failures=$(cat "$scratch"/results* | grep -c '^fail')
echo "$done_copies copies, $hangs hangs, $failures failures"
echo "IPC objects left: $left"
[ "$done_copies" -eq "$copies" ] && [ "$hangs" -eq 0 ] && [ "$failures" -eq 0 ] && [ "$left" -eq 0 ]
