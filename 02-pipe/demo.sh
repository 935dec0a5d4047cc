#!/bin/sh
# demo.sh -- what `make demo` shows of this lab: each program once, as a
# student would run it, in a scratch folder that is removed afterwards.
set -e
lab=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

for program in pipe_self pipe_fork pipe_duplex pipe_exec_writer pipe_dup; do
    echo "\$ $program"
    "$lab/$program"
done
