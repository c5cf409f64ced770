#!/usr/bin/env bash
# The system calls the conversion child makes once it has opened its input, over whole corpora:
# the data the seccomp allow-list (src/worker/sandbox/seccomp.rs) was derived from. Each PDF goes
# through `mdspool __convert-child` with the sandbox off, under `strace -f`, with the daemon's
# limits (2 GiB address space, a 60 s deadline here) and an empty environment; the calls after the
# first `openat` of the input are counted.
#
#   bash bench/sandbox_syscalls.sh [BINARY] [DIR...]
#
# BINARY defaults to the release build ($CARGO_TARGET_DIR or target/), DIRs to
# ../shared/corpus/{pdfjs,pdfminer,docling}. Needs strace (apt-get install strace). Prints one line
# per system call: the number of files that made it, the number of calls, its name.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${CARGO_TARGET_DIR:-target}/release/mdspool}
shift || true
DIRS=("$@")
[ ${#DIRS[@]} -gt 0 ] || DIRS=(../shared/corpus/pdfjs ../shared/corpus/pdfminer ../shared/corpus/docling)
command -v strace >/dev/null || { echo "strace is missing (apt-get install strace)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
n=0
while IFS= read -r -d '' pdf; do
  n=$((n + 1))
  mkdir -p "$WORK/out"
  ( ulimit -v 2097152
    timeout -s KILL 60 env -i MDSPOOL_CONFIG=/dev/null MDSPOOL_CONVERT_SANDBOX=off PDF_OXIDE_MAX_DECOMPRESS_MB=256 \
      strace -f -qq -o "$WORK/trace" "$BIN" __convert-child --input "$pdf" --output "$WORK/out/output.md" \
      >/dev/null 2>&1 ) || true
  # Calls after the input is opened, one name per line.
  awk -v pdf="$pdf" '
    !seen && index($0, "openat(") && index($0, "\"" pdf "\"") { seen = 1 }
    seen && match($0, /^[0-9]+ +[a-z0-9_]+\(/) { s = substr($0, RSTART, RLENGTH - 1); sub(/^[0-9]+ +/, "", s); print s }
  ' "$WORK/trace" | sort | uniq -c | awk '{ print $2, $1 }' >> "$WORK/counts"
  rm -rf "$WORK/out" "$WORK/trace"
done < <(find "${DIRS[@]}" -name '*.pdf' -print0 | sort -z)
echo "$n PDFs" >&2
awk '{ files[$1]++; calls[$1] += $2 } END { for (s in files) printf "%6d files %9d calls  %s\n", files[s], calls[s], s }' "$WORK/counts" | sort -rn
