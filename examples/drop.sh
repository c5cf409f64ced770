#!/bin/sh
# Drops a PDF into an mdspool inbox following docs/protocol.md: the PDF, then its sidecar, each
# written under a temporary name and renamed into place; then waits for the receipt.
#
#   drop.sh ROOT FILE.pdf [KEY [SCOPE]]
#
# Without KEY the sidecar is empty (a completion marker) and the key is sha256-<hex of the bytes>.
# Prints the receipt (JSON) and exits 0 when the job was created or replayed, 1 when refused,
# 2 on a usage error, 3 when no receipt came within $MDSPOOL_DROP_WAIT seconds (default 60).
set -eu

[ $# -ge 2 ] || { echo "usage: $0 ROOT FILE.pdf [KEY [SCOPE]]" >&2; exit 2; }
root=$1 file=$2 key=${3:-} scope=${4:-default}
inbox=$root/inbox
[ -d "$inbox" ] || { echo "$0: no inbox at $inbox" >&2; exit 2; }
[ -f "$file" ] || { echo "$0: no file $file" >&2; exit 2; }
name=$(basename "$file")

if [ -z "$key" ]; then
    # The daemon's key for a drop without one.
    if command -v sha256sum >/dev/null 2>&1; then
        key=sha256-$(sha256sum "$file" | cut -d' ' -f1)
    else
        key=sha256-$(shasum -a 256 "$file" | cut -d' ' -f1)
    fi
    sidecar=''
    scope=default
else
    sidecar=$(printf '{"key": "%s", "scope": "%s"}' "$key" "$scope")
fi

cp "$file" "$inbox/.$name.part"
mv "$inbox/.$name.part" "$inbox/$name"
printf '%s' "$sidecar" > "$inbox/.$name.idem.part"
mv "$inbox/.$name.idem.part" "$inbox/$name.idem"

receipt=$root/receipts/$scope/$key.json
wait=${MDSPOOL_DROP_WAIT:-60}
i=0
while [ ! -f "$receipt" ]; do
    i=$((i + 1))
    [ "$i" -le $((wait * 4)) ] || { echo "$0: no receipt after ${wait}s: $receipt" >&2; exit 3; }
    sleep 0.25
done
cat "$receipt"
# A receipt from an earlier drop of the same key may already be there: it names the job either way.
if grep -q '"status": *"rejected"' "$receipt"; then
    exit 1
fi
