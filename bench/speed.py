#!/usr/bin/env python3
"""Conversion speed of one PDF against pdftotext, measured in one run.

Usage (from the crate root, after `cargo build --release`):
  python3 bench/speed.py FILE.pdf [--mdspool target/release/mdspool] [--rounds 15]

Each round runs, in turn: `mdspool convert FILE --jobs 1`, `mdspool convert FILE` (pages read on
every core), `pdftotext -layout FILE -` and `pdftotext FILE -`, output thrown away, wall time with
process start. The tools alternate so that other load on the machine hits them alike. Prints the
median and the best time of each and the ratios to `pdftotext -layout` (below 1: faster than it).
"""
import argparse, os, statistics, subprocess, sys, tempfile, time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf")
    ap.add_argument("--mdspool", default="target/release/mdspool")
    ap.add_argument("--rounds", type=int, default=15)
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix="mdspool-speed-")
    tools = {
        "mdspool convert --jobs 1": [a.mdspool, "--root", root, "convert", a.pdf, "--jobs", "1"],
        "mdspool convert (all cores)": [a.mdspool, "--root", root, "convert", a.pdf],
        "pdftotext -layout": ["pdftotext", "-layout", a.pdf, "-"],
        "pdftotext": ["pdftotext", a.pdf, "-"],
    }
    times = {k: [] for k in tools}
    for _ in range(a.rounds):
        for name, cmd in tools.items():
            t = time.perf_counter()
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t)
            if r.returncode != 0:
                sys.exit(f"{name} failed with exit code {r.returncode}")
    pages = subprocess.run(["pdfinfo", a.pdf], capture_output=True, text=True).stdout
    pages = next((l.split()[-1] for l in pages.splitlines() if l.startswith("Pages:")), "?")
    base = statistics.median(times["pdftotext -layout"])
    print(f"{a.pdf}: {pages} pages, {a.rounds} rounds, {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
    print()
    print("| tool | median s | best s | median / pdftotext -layout |")
    print("|---|---:|---:|---:|")
    for name, v in times.items():
        print(f"| {name} | {statistics.median(v):.3f} | {min(v):.3f} | {statistics.median(v) / base:.2f} |")


if __name__ == "__main__":
    main()
