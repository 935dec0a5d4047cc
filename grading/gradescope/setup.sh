#!/usr/bin/env bash
# grading/gradescope/setup.sh -- Gradescope runs this once, as root, when it
# builds the autograder's image (Ubuntu): the compiler, bats 1.5 or later
# with bats-support and bats-assert, and what the tests use.
# make gradescope DEST=FILE.zip puts it at the root of the zip to upload,
# beside run_autograder and kit/ (the handout).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
kit=/autograder/source/kit

apt-get update -qq
apt-get install -y -qq build-essential util-linux bats bats-support bats-assert gnuplot-nox >/dev/null ||
    apt-get install -y -qq build-essential util-linux >/dev/null

# Ubuntu 22.04's bats is 1.2: take bats from npm then, as tests/run does.
version=$(bats --version 2>/dev/null | awk '{ print $2 }')
if ! printf '%s\n' 1.5.0 "${version:-0}" | sort -V -C; then
    apt-get install -y -qq npm >/dev/null
    npm install --silent --no-audit --no-fund --prefix "$kit/tests/.deps" \
        bats@1 bats-support@0.3 bats-assert@2 >/dev/null
fi

# Proof that the kit's tests can run.
printf '@test "bats runs" { true; }\n' >/tmp/bats-runs.bats
"$kit/tests/run" /tmp/bats-runs.bats
