#!/bin/sh
# stress.sh -- `make stress`: many shm_writer/shm_reader exchanges back to back.
#
# Usage:   ./stress.sh [RUNS]        (default 1000)
#
# Each run starts one program in the background and its partner at once after
# it, the writer first in even runs and the reader first in odd ones, so the
# two race through every order of the PID swap. Each program is bounded by
# timeout: a lost signal shows up as a hang instead of stopping the script.
# A run fails if a program exits non-zero, the reader does not print 1 ... 100,
# or an IPC object of the scratch folder is left after it. Prints
# "RUNS runs, H hangs, F failures" and exits 1 unless both are 0.
set -u
lab=$(cd "$(dirname "$0")" && pwd)
runs=${1:-1000}
limit=10                                # seconds; a run takes milliseconds
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

# The IPC objects whose keys ftok() made from this folder: the low 24 bits of
# such a key are the folder's device (8 bits) and inode (16 bits) numbers.
signature=$(stat -c '%d %i' . | awk '{ printf "%d", ($1 % 256) * 65536 + $2 % 65536 }')
leftovers() {
    for file in /proc/sysvipc/msg /proc/sysvipc/shm; do
        awk -v sig="$signature" -v kind="${file##*/}" 'NR > 1 {
                key = $1 < 0 ? $1 + 4294967296 : $1
                if (key != 0 && key % 16777216 == sig) print kind, $2 }' "$file"
    done
}

expected=$(seq 100 | sed 's/^/data : /')
hangs=0
failures=0
i=0
while [ "$i" -lt "$runs" ]; do
    i=$((i + 1))
    if [ $((i % 2)) -eq 0 ]; then
        timeout -k 2 "$limit" "$lab/shm_writer" > writer.txt 2>&1 &
        first=$!
        timeout -k 2 "$limit" "$lab/shm_reader" > reader.txt 2>&1
        second=$?
    else
        timeout -k 2 "$limit" "$lab/shm_reader" > reader.txt 2>&1 &
        first=$!
        timeout -k 2 "$limit" "$lab/shm_writer" > writer.txt 2>&1
        second=$?
    fi
    wait "$first"
    first=$?

    problem=""
    for status in "$first" "$second"; do
        case $status in
            0) ;;
            124|137) problem=hang ;;
            *) [ -n "$problem" ] || problem="exit status $status" ;;
        esac
    done
    if [ -z "$problem" ] &&
       [ "$(sed -n 's/^shmaddr : 0x[0-9a-f]*, //p' reader.txt)" != "$expected" ]; then
        problem="the reader did not print 1 ... 100"
    fi
    left=$(leftovers)
    if [ -n "$left" ]; then
        [ -n "$problem" ] || problem="objects left: $left"
        echo "$left" | while read -r kind id; do
            case $kind in msg) ipcrm -q "$id" ;; shm) ipcrm -m "$id" ;; esac
        done
    fi

    case $problem in
        "") ;;
        hang) hangs=$((hangs + 1)) ;;
        *) failures=$((failures + 1)) ;;
    esac
    if [ -n "$problem" ]; then
        echo "run $i: $problem" >&2
        sed 's/^/    writer: /' writer.txt | grep -v 'data :' >&2
        sed 's/^/    reader: /' reader.txt | grep -v 'data :' >&2
    fi
done

echo "$runs runs, $hangs hangs, $failures failures"
[ "$hangs" -eq 0 ] && [ "$failures" -eq 0 ]
