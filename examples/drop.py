#!/usr/bin/env python3
"""Drops a PDF into an mdspool inbox following docs/protocol.md (no dependencies).

    drop.py --root ROOT [--key KEY] [--scope SCOPE] [--pin] [--meta k=v ...] [--wait] FILE.pdf

The PDF is copied into the inbox under a temporary name and renamed, then the sidecar is written
the same way, last. With --wait, waits for the receipt and prints it; exits 0 for a job (created or
replayed), 1 when refused, 3 on timeout.
"""

import argparse
import hashlib
import json
import os
import shutil
import sys
import time


def put(inbox, name, write):
    tmp = os.path.join(inbox, "." + name + ".part")
    with open(tmp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(inbox, name))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--root", required=True)
    ap.add_argument("--key", help="idempotency key (default: sha256-<hex of the bytes>)")
    ap.add_argument("--scope", default="default")
    ap.add_argument("--pin", action="store_true", help="exempt the job from retention")
    ap.add_argument("--meta", action="append", default=[], help="extra k=v kept in the manifest")
    ap.add_argument("--wait", action="store_true", help="wait for the receipt")
    ap.add_argument("--timeout", type=float, default=60.0)
    a = ap.parse_args()

    inbox = os.path.join(a.root, "inbox")
    if not os.path.isdir(inbox):
        sys.exit(f"no inbox at {inbox}")
    name = os.path.basename(a.file)
    with open(a.file, "rb") as f:
        data = f.read()
    key, scope = a.key, a.scope
    sidecar = {}
    if key is None:
        key, scope = "sha256-" + hashlib.sha256(data).hexdigest(), "default"
        if a.scope != "default":
            sidecar["key"], sidecar["scope"] = key, a.scope
            scope = a.scope
    else:
        sidecar["key"], sidecar["scope"] = key, scope
    if a.pin:
        sidecar["pin"] = True
    for kv in a.meta:
        k, _, v = kv.partition("=")
        sidecar[k] = v

    put(inbox, name, lambda f: shutil.copyfileobj(open(a.file, "rb"), f))
    put(inbox, name + ".idem", lambda f: f.write(json.dumps(sidecar).encode()))
    if not a.wait:
        print(f"dropped {name} (key {scope}/{key})")
        return 0

    receipt = os.path.join(a.root, "receipts", scope, key + ".json")
    deadline = time.monotonic() + a.timeout
    while time.monotonic() < deadline:
        try:
            with open(receipt) as f:
                r = json.load(f)
        except (FileNotFoundError, json.JSONDecodeError):
            time.sleep(0.25)
            continue
        print(json.dumps(r, indent=2))
        return 1 if r.get("status") == "rejected" else 0
    print(f"no receipt after {a.timeout}s: {receipt}", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main())
