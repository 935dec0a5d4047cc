#!/bin/sh
# demo.sh -- what `make demo` shows of this lab: each program as a student
# would run it, in a scratch folder that is removed afterwards. Every program
# removes its own IPC objects, so nothing is left in ipcs.
set -e
lab=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

# Prints a writer's or reader's lines with the middle data lines left out.
abridge() {
    awk '/^shmaddr : / { n++; if (n <= 2 || n == 100) print; else if (n == 3) print "..."; next }
         { print }' "$1"
}

echo '$ shm_hello'
"$lab/shm_hello"

echo
echo '$ shm_counter -n 8 -i 250 &       # counts 0 to 7, one number every 250 ms'
"$lab/shm_counter" -n 8 -i 250 &
counter=$!
# Wait until the counter has made its segment (shm_show_counter finds it).
until "$lab/shm_show_counter" -n 1 >/dev/null 2>&1; do sleep 0.05; done
echo '$ shm_show_counter -n 4 -i 250'
"$lab/shm_show_counter" -n 4 -i 250
wait "$counter"
echo '$ shm_show_counter                # the counter has stopped and removed its segment'
"$lab/shm_show_counter" 2>&1 || true

echo
echo '$ shm_reader > reader.txt &'
echo '$ shm_writer > writer.txt'
"$lab/shm_reader" > reader.txt &
reader=$!
"$lab/shm_writer" > writer.txt
wait "$reader"
echo '$ cat writer.txt                  # the data lines 3 to 99 left out here'
abridge writer.txt
echo '$ cat reader.txt'
abridge reader.txt
