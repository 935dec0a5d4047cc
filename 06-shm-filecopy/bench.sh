#!/bin/sh
# bench.sh -- how fast shm_copy copies a file, next to cp and a pipe (make bench).
#
# Copies one file of random data with cp, with `cat SRC | cat > DST` and
# with shm_copy at several chunk sizes. The methods take turns within each
# round (the machine may be busy with other work: each round sees the same
# load for all of them), in an order that moves on by one each round, and
# each is reported by the median of its rounds (and its best round), in
# MB/s (10^6 bytes a second) and as a ratio to cp. Every copy is checked
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

# rotate: the methods one place further round, so that none always runs
# right after the same other one (a long run can slow down the next).
rotate() {
    first=$1
    shift
    echo "$@" "$first"
}

order=$methods
round=0
while [ "$round" -lt "$runs" ]; do
    round=$((round + 1))
    printf 'round %d of %d ...\n' "$round" "$runs" >&2
    for method in $order; do
        # Every copy starts from the same state: a copy made and deleted just
        # before, so that the memory it gets has just been in use. (In a
        # virtual machine, memory left free for a few seconds may go back to
        # the host, and the first copy into it pays to get it back.)
        cp src dst
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
    order=$(rotate $order)
done
rm -f dst

# median METHOD, best METHOD: the median and the shortest time of METHOD,
# in nanoseconds.
median() {
    awk -v m="$1" '$1 == m { print $2 }' times | sort -n |
        awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}
best() {
    awk -v m="$1" '$1 == m { print $2 }' times | sort -n | head -n 1
}

cp_time=$(median cp)
printf 'machine: %s CPUs, %s, Linux %s, load average at the end %s\n' "$(nproc)" \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(uname -r)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s MiB, %s runs each; MB/s = 10^6 bytes/s\n' "$mb" "$runs"
printf '%-22s %12s %10s %13s\n' method 'median MB/s' 'best MB/s' 'median x cp'
for method in $methods; do
    case $method in
        cp)  name='cp' ;;
        cat) name='cat | cat' ;;
        *)   name="shm_copy -b $method" ;;
    esac
    awk -v name="$name" -v t="$(median "$method")" -v b="$(best "$method")" \
        -v cp="$cp_time" -v n="$bytes" \
        'BEGIN { printf "%-22s %12.0f %10.0f %13.2f\n", name, n / t * 1e3, n / b * 1e3, cp / t }'
done
