#!/bin/sh
# demo.sh -- what `make demo` shows of this lab: the original example's person records
# sent before the receiver starts (the dialogue fed from a here-document),
# then the msgq tools choosing messages by type; in a scratch folder that is
# removed afterwards, with every queue removed.
set -e
exec 2>&1                # messages (stderr) in order with the rest
lab=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

echo '$ msg_sender          # answers: Kim 20 1 y, Lee 31 2 n'
"$lab/msg_sender" <<'ANSWERS'
Kim
20
1
y
Lee
31
2
n
ANSWERS
echo
echo '$ msg_receiver        # started after the sender has gone: the kernel kept the records'
"$lab/msg_receiver"
echo '$ cat person.txt'
cat person.txt

echo '$ msgq_send 3 three; msgq_send 1 one; msgq_send 2 two'
"$lab/msgq_send" 3 three
"$lab/msgq_send" 1 one
"$lab/msgq_send" 2 two
echo '$ msgq_ctl stat | grep -e messages -e bytes'
"$lab/msgq_ctl" stat | grep -e messages -e bytes
echo '$ msgq_recv -t -2     # the lowest type up to 2'
"$lab/msgq_recv" -t -2
echo '$ msgq_recv -x -t 2   # MSG_EXCEPT: any type but 2'
"$lab/msgq_recv" -x -t 2
echo '$ msgq_recv'
"$lab/msgq_recv"
echo '$ msgq_recv -n'
"$lab/msgq_recv" -n || true
echo '$ msgq_ctl rm'
"$lab/msgq_ctl" rm
