#!/bin/sh
# demo.sh -- what `make demo` shows of this lab: the quick benchmark of every
# mechanism (a few seconds, rough figures), in a scratch folder that is
# removed afterwards. `make bench` runs the full one.
set -e
lab=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

echo '$ ipc_bench -q'
"$lab/ipc_bench" -q
