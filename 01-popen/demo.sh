#!/bin/sh
# demo.sh -- what `make demo` shows of this lab: each program once, as a
# student would run it, in a scratch folder that is removed afterwards.
set -e
lab=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

echo '$ popen_read            # counts the lines of popen_read.c with wc -l'
"$lab/popen_read"
echo '$ popen_write           # writes 123 into od -c'
"$lab/popen_write"
echo "\$ popen_write -c 'tr a-z A-Z' 'hello, pipe'; echo"
"$lab/popen_write" -c 'tr a-z A-Z' 'hello, pipe'
echo
