#!/bin/sh
# bench.sh -- what `make bench` runs (make bench at the top, or in this
# folder): the whole benchmark, about a minute and a half; with QUICK=1 the
# quick one, a few seconds. It writes ipc_bench.csv here, and ipc_bench.png
# when gnuplot is installed.
set -e
cd "$(dirname "$0")"
case ${QUICK:-0} in
    0 | '') exec ./ipc_bench ;;
    *) exec ./ipc_bench -q ;;
esac
