#!/bin/bash
# Where the time of one small job goes: a daemon (2 workers) on a fresh root under strace, one PDF
# of bench/corpus/sample dropped with a sidecar, waited for until its receipt says `succeeded`.
#
#   bench/trace_job.sh BIN OUT     -> OUT.strace (every traced call, -ttt -T), OUT.t0 (drop times)
#
# Then: awk -v t0=$(sed -n 2p OUT.t0) '{ $2 = sprintf("%.4f", $2 - t0); print }' OUT.strace
set -eu
B=$1 P=$2
here=$(cd "$(dirname "$0")" && pwd)
R=${TMPDIR:-/var/tmp}/mdspool-trace-job
rm -rf "$R"; mkdir -p "$R"
PDF=$here/corpus/sample/groff/s1-000.pdf
strace -f -ttt -T -qq -o "$P.strace" -e trace=fsync,fdatasync,openat,rename,renameat,renameat2,link,linkat,mkdir,mkdirat,unlink,unlinkat,rmdir,clone,clone3,execve,exit_group,wait4,waitid,read,write \
  "$B" --root "$R" run --workers 2 --pid-file "$R/pid" 2>"$P.log" &
SP=$!
while [ ! -f "$R/pid" ]; do kill -0 $SP || { echo "daemon did not start: $P.log" >&2; exit 1; }; sleep 0.05; done
sleep 1
date +%s.%N > "$P.t0"
cp "$PDF" "$R/inbox/.a.pdf.part"; mv "$R/inbox/.a.pdf.part" "$R/inbox/a.pdf"
printf '{"key":"k1","scope":"bench"}' > "$R/inbox/.a.pdf.idem.part"; mv "$R/inbox/.a.pdf.idem.part" "$R/inbox/a.pdf.idem"
date +%s.%N >> "$P.t0"
while ! grep -q succeeded "$R/receipts/bench/k1.json" 2>/dev/null; do sleep 0.01; done
date +%s.%N >> "$P.t0"
sleep 0.5
kill -TERM "$(cat "$R/pid")"; wait $SP
rm -rf "$R"
