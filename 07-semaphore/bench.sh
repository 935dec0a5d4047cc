#!/bin/sh
# bench.sh -- what `make bench` measures in this lab: 256 MiB streamed
# through the bounded buffer (sem_producer FILE & sem_consumer > /dev/null,
# both started together) and through a pipe (cat FILE | cat > /dev/null).
# The methods take turns within each round, so that a busy moment of a
# shared machine hurts them alike; the table shows the median of the runs:
# wall-clock time and MB/s, and the CPU time (user + system) that the two
# processes used, which other people's load disturbs much less.
#
# Environment:
#   BENCH_MIB=256      how much data to stream
#   BENCH_RUNS=5       runs of each method
#   BENCH_SLOTS="4x1048576 64x16384"   also build and time these
#                      NSLOTSxSLOT_SIZE variants of the pair (built with make)
#
# Needs GNU date (+%N) for the clock. Leaves no file and no IPC object.
set -e
lab=$(cd "$(dirname "$0")" && pwd)
mib=${BENCH_MIB:-256}
runs=${BENCH_RUNS:-5}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"        # the pair's ftok(".") keys are this folder's: no other run meets them

# The methods: a name, then a folder holding sem_producer and sem_consumer ("pipe" for cat | cat).
mkdir built
ln -s "$lab/sem_producer" "$lab/sem_consumer" built/
methods="built"
for variant in ${BENCH_SLOTS:-}; do
    nslots=${variant%x*} size=${variant#*x}
    # The lab's own build (lab.mk: the helper sources linked in), out of tree.
    make -s --no-print-directory -C "$lab" OUT="$scratch/$variant/" \
        CPPFLAGS="-DNSLOTS=$nslots -DSLOT_SIZE=$size" \
        "$scratch/$variant/sem_producer" "$scratch/$variant/sem_consumer" >/dev/null
    methods="$methods $variant"
done
methods="$methods pipe"

head -c $((mib * 1048576)) /dev/urandom > data.bin

# run METHOD [OUT]: streams data.bin once, into OUT (default /dev/null).
run() {
    out=${2:-/dev/null}
    if [ "$1" = pipe ]; then
        cat data.bin | cat > "$out"
    else
        "$1/sem_producer" data.bin 2>/dev/null &
        "$1/sem_consumer" > "$out" 2>/dev/null || { wait; return 1; }
        wait $!
    fi
}

# First a check that every method copies the data exactly.
for method in $methods; do
    run "$method" copy.bin || { echo "bench: $method failed" >&2; exit 1; }
    cmp -s data.bin copy.bin || { echo "bench: $method did not copy the data exactly" >&2; exit 1; }
    rm copy.bin
done

: > times
round=1
while [ $round -le "$runs" ]; do
    for method in $methods; do
        # `times` prints the CPU time of this shell's finished children (line 2).
        times > cpu.before
        start=$(date +%s%N)
        run "$method" || { echo "bench: $method failed" >&2; exit 1; }
        end=$(date +%s%N)
        times > cpu.after
        cpu=$(cat cpu.before cpu.after | awk '
            FNR % 2 == 0 { split($1, u, "m"); split($2, s, "m"); t = u[1] * 60 + u[2] + s[1] * 60 + s[2] }
            NR == 2 { before = t } NR == 4 { print t - before }')
        echo "$method $(( (end - start) / 1000 )) $cpu" >> times
    done
    round=$((round + 1))
done

# median METHOD COLUMN: the median of a column of METHOD's runs
# (2: wall-clock microseconds, 3: CPU seconds).
median() {
    awk -v m="$1" -v c="$2" '$1 == m { print $c }' times | sort -n |
        awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}

pipe_us=$(median pipe 2)
echo "$mib MiB, median of $runs runs each, methods interleaved"
echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)"
printf '%-36s %8s %8s %10s %8s\n' method 'wall s' 'MB/s' 'vs pipe' 'CPU s'
for method in $methods; do
    case $method in
        built) label="sem_producer | sem_consumer" ;;
        pipe)  label="cat | cat (pipe)" ;;
        *)     label="sem pair, $method" ;;
    esac
    awk -v label="$label" -v us="$(median "$method" 2)" -v pipe="$pipe_us" \
        -v cpu="$(median "$method" 3)" -v bytes=$((mib * 1048576)) 'BEGIN {
        printf "%-36s %8.3f %8.0f %9.2fx %8.2f\n", label, us / 1e6, bytes / us, pipe / us, cpu }'
done
