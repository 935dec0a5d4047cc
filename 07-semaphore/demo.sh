#!/bin/sh
# demo.sh -- what `make demo` shows of this lab: the counter with and without
# the lock, then a file through the bounded buffer, in a scratch folder that
# is removed afterwards (the programs remove their IPC objects themselves).
set -e
lab=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

echo '$ sem_counter -p 4 -n 20000                # with the lock: nothing is lost'
"$lab/sem_counter" -p 4 -n 20000
echo '$ sem_counter -p 4 -n 10000000 --no-lock   # without: how much is lost is luck'
"$lab/sem_counter" -p 4 -n 10000000 --no-lock

echo '$ seq 100000 > numbers.txt'
seq 100000 > numbers.txt
echo '$ sem_producer numbers.txt & sem_consumer copy.txt; wait'
"$lab/sem_producer" numbers.txt &
"$lab/sem_consumer" copy.txt
wait $!
echo '$ cmp numbers.txt copy.txt && echo identical'
cmp numbers.txt copy.txt && echo identical
