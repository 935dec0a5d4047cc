#!/bin/sh
# bench.sh -- how fast shm_copy copies a file, next to cp and a pipe (make bench).
#
# Copies one file of random data with cp, with `cat SRC | cat > DST` and
# with shm_copy at several chunk sizes. The methods take turns within each
# round (the machine may be busy with other work: each round sees the same
# load for all of them), and each is reported by the median of its rounds,
# in MB/s (10^6 bytes a second) and as a ratio to cp. Every copy is checked
# with cmp once. The files live in a scratch folder under $TMPDIR (/tmp),
# removed at the end.
#
# Environment:  BENCH_MB=256  BENCH_RUNS=5  BENCH_CHUNKS="100 4096 65536 1048576"
set -eu
lab=$(cd "$(dirname "$0")" && pwd)
mb=${BENCH_MB:-256}
runs=${BENCH_RUNS:-5}
chunks=${BENCH_CHUNKS:-100 4096 65536 1048576}
bytes=$((mb * 1024 * 1024))

scratch=$(mktemp -d "${TMPDIR:-/tmp}/shm_copy_bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 1' INT TERM
cd "$scratch"
head -c "$bytes" /dev/urandom > src
cat src > /dev/null                     # in the page cache for everyone

methods="cp cat"
for chunk in $chunks; do
    methods="$methods $chunk"
done

# copy METHOD: one copy of src to dst.
copy() {
    case $1 in
        cp)  cp src dst ;;
        cat) cat src | cat > dst ;;
        *)   "$lab/shm_copy" -b "$1" src dst > /dev/null ;;
    esac
}

now() { date +%s%N; }

round=0
while [ "$round" -lt "$runs" ]; do
    round=$((round + 1))
    printf 'round %d of %d ...\n' "$round" "$runs" >&2
    for method in $methods; do
        rm -f dst
        start=$(now)
        copy "$method"
        end=$(now)
        if [ "$round" = 1 ] && ! cmp -s src dst; then
            echo "bench.sh: $method made a wrong copy" >&2
            exit 1
        fi
        echo "$method $((end - start))" >> times
    done
done
rm -f dst

# median METHOD: the median time of METHOD, in nanoseconds.
median() {
    awk -v m="$1" '$1 == m { print $2 }' times | sort -n |
        awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}

cp_time=$(median cp)
printf '%s MiB, median of %s runs; MB/s = 10^6 bytes/s\n' "$mb" "$runs"
printf '%-24s %10s %8s\n' method MB/s 'x cp'
for method in $methods; do
    case $method in
        cp)  name='cp' ;;
        cat) name='cat | cat' ;;
        *)   name="shm_copy -b $method" ;;
    esac
    awk -v name="$name" -v t="$(median "$method")" -v cp="$cp_time" -v b="$bytes" \
        'BEGIN { printf "%-24s %10.0f %8.2f\n", name, b / (t / 1e9) / 1e6, cp / t }'
done
