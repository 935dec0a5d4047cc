#!/bin/sh
# demo.sh -- what `make demo` shows of this lab: a small copy with the original
# example's lines, then a binary one checked with cmp, in a scratch folder that is
# removed afterwards (shm_copy removes its IPC objects itself).
set -e
lab=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

printf 'Hello, shared memory!\n' > hello.txt
echo '$ shm_copy hello.txt copy.txt'
"$lab/shm_copy" hello.txt copy.txt
echo '$ cat copy.txt'
cat copy.txt

head -c 1000000 /dev/urandom > random.bin
echo '$ shm_copy -b 4096 random.bin random.copy      # 1 MB of random bytes, 4 KiB chunks'
"$lab/shm_copy" -b 4096 random.bin random.copy
echo '$ cmp random.bin random.copy && echo identical'
cmp random.bin random.copy && echo identical
