#!/bin/bash
# fsyncs (and renames, mkdirs...) per job: a daemon (2 workers) on a fresh root under
# `strace -f -w -c`, the 28 PDFs of bench/corpus/sample dropped 3 times (84 jobs) with sidecars,
# waited for until every receipt says `succeeded`. Divide the counts by 84.
#
#   bench/count_fsyncs.sh BIN OUT  -> OUT.sum (strace's summary)
set -eu
B=$1 P=$2
here=$(cd "$(dirname "$0")" && pwd)
R=${TMPDIR:-/var/tmp}/mdspool-count-fsyncs
rm -rf "$R"; mkdir -p "$R"
strace -f -w -c -o "$P.sum" -e trace=fsync,fdatasync,rename,linkat,mkdir,unlink,unlinkat,clone,clone3,execve,wait4,waitid \
  "$B" --root "$R" run --workers 2 --pid-file "$R/pid" 2>"$P.log" &
SP=$!
while [ ! -f "$R/pid" ]; do kill -0 $SP || { echo "daemon did not start: $P.log" >&2; exit 1; }; sleep 0.05; done
sleep 1
i=0
for rep in 1 2 3; do for f in "$here"/corpus/sample/*/*.pdf; do
  cp "$f" "$R/inbox/.d$i.pdf.part"; mv "$R/inbox/.d$i.pdf.part" "$R/inbox/d$i.pdf"
  printf '{"key":"k%d","scope":"bench"}' $i > "$R/inbox/.d$i.pdf.idem.part"
  mv "$R/inbox/.d$i.pdf.idem.part" "$R/inbox/d$i.pdf.idem"
  i=$((i+1))
done; done
for j in $(seq 0 $((i-1))); do
  while ! grep -q succeeded "$R/receipts/bench/k$j.json" 2>/dev/null; do sleep 0.02; done
done
kill -TERM "$(cat "$R/pid")"; wait $SP
rm -rf "$R"
