#!/bin/sh
# demo.sh -- what `make demo` shows of this lab: a FIFO made by fifo_create,
# then a file sent from fifo_producer to fifo_consumer in both start orders,
# in a scratch folder that is removed afterwards.
set -e
exec 2>&1                # the byte counts (stderr) in order with the rest
lab=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

echo '$ fifo_create my_fifo'
"$lab/fifo_create" my_fifo
ls -l my_fifo | cut -c1-10
rm my_fifo

printf 'hello, fifo\nsecond line\n' > hello.txt
echo '$ fifo_consumer my_fifo copy.txt &     # waits for a producer'
"$lab/fifo_consumer" my_fifo copy.txt 2> consumer.log &
echo '$ fifo_producer my_fifo hello.txt'
"$lab/fifo_producer" my_fifo hello.txt
wait
cat consumer.log
echo '$ cat copy.txt'
cat copy.txt

echo '$ fifo_producer my_fifo random.bin &    # waits for a consumer'
head -c 3145728 /dev/urandom > random.bin
"$lab/fifo_producer" my_fifo random.bin 2> producer.log &
echo '$ fifo_consumer my_fifo copy.bin'
"$lab/fifo_consumer" my_fifo copy.bin
wait
cat producer.log
echo '$ cmp random.bin copy.bin && echo identical'
cmp random.bin copy.bin && echo identical
