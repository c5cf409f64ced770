#!/usr/bin/env python3
"""Quality and speed benchmark of the built-in engine against pymupdf4llm and pdftotext on the docling
corpus (ground truth NAME.md beside NAME.pdf), scored with ../shared/bench/score.py.

Usage (from the crate root):
  cargo build --release --example convert_one
  python3 bench/quality.py [--engine target/release/examples/convert_one] [--python PYTHON_WITH_PYMUPDF4LLM]
Each tool is skipped with a message when it is missing. Prints per-document scores and a summary table
(mean of each metric over the documents where the metric applies, pages/s over the whole run)."""
import argparse, json, os, resource, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "docling")
SCORE = os.path.join(ROOT, "..", "shared", "bench", "score.py")
PYMU = """import sys, time, pymupdf4llm, pymupdf
t = time.time()
for src, dst in zip(sys.argv[1::2], sys.argv[2::2]):
    open(dst, "w", encoding="utf-8").write(pymupdf4llm.to_markdown(src))
print(time.time() - t)
"""

def pages_of(pdf, python):
    try:
        out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, timeout=30).stdout
        for line in out.splitlines():
            if line.startswith("Pages:"):
                return int(line.split()[1])
    except (OSError, subprocess.TimeoutExpired, ValueError):
        pass
    return 1

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "examples", "convert_one"))
    ap.add_argument("--python", default=os.environ.get("MDSPOOL_BENCH_PYTHON", sys.executable),
                    help="python with pymupdf4llm installed (default: $MDSPOOL_BENCH_PYTHON, else this one)")
    ap.add_argument("--keep", help="directory to keep outputs in")
    ap.add_argument("--repeat", type=int, default=7, help="timing rounds for the fast tools (median reported)")
    args = ap.parse_args()
    if not os.path.isdir(CORPUS) or not os.path.exists(SCORE):
        print("SKIP: ../shared/corpus/docling or ../shared/bench/score.py not found"); return 0
    scorer_py = args.python if os.path.exists(args.python) else sys.executable
    if subprocess.run([scorer_py, "-c", "import rapidfuzz"], capture_output=True).returncode != 0:
        print("SKIP: python package rapidfuzz missing (pip install rapidfuzz)"); return 0
    docs = sorted(f[:-4] for f in os.listdir(CORPUS) if f.endswith(".pdf") and os.path.exists(os.path.join(CORPUS, f[:-4] + ".md")))
    out = args.keep or tempfile.mkdtemp(prefix="mdspool-bench-")
    tools = {}
    if os.path.exists(args.engine):
        tools["mdspool"] = None
    else:
        print(f"SKIP mdspool: {args.engine} not built (cargo build --release --example convert_one)")
    if subprocess.run([args.python, "-c", "import pymupdf4llm"], capture_output=True).returncode == 0 if os.path.exists(args.python) else False:
        tools["pymupdf4llm"] = None
    else:
        print(f"SKIP pymupdf4llm: not importable with {args.python}")
    if shutil.which("pdftotext"):
        tools["pdftotext"] = None
    else:
        print("SKIP pdftotext: not installed (apt-get install poppler-utils)")
    pages = {d: pages_of(os.path.join(CORPUS, d + ".pdf"), args.python) for d in docs}
    total_pages = sum(pages.values())
    secs = {}
    cpu = {}
    def child_cpu():
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime
    def run_tool(tool, pairs):
        c = child_cpu()
        t = time.time()
        for src, dst in pairs:
            if tool == "mdspool":
                subprocess.run([args.engine, src, "-o", dst], capture_output=True)
            else:
                subprocess.run(["pdftotext", "-enc", "UTF-8", src, dst], capture_output=True)
        cpu.setdefault(tool, []).append(child_cpu() - c)
        return time.time() - t
    fast = [t for t in tools if t != "pymupdf4llm"]
    rounds = {t: [] for t in fast}
    all_pairs = {}
    for tool in tools:
        os.makedirs(os.path.join(out, tool), exist_ok=True)
        all_pairs[tool] = [(os.path.join(CORPUS, d + ".pdf"), os.path.join(out, tool, d + ".md")) for d in docs]
    # Interleave the fast tools round by round so machine load hits both alike; report the median.
    for _ in range(max(1, args.repeat)):
        for tool in fast:
            rounds[tool].append(run_tool(tool, all_pairs[tool]))
    for tool in fast:
        secs[tool] = sorted(rounds[tool])[len(rounds[tool]) // 2]
    cpu_secs = {t: sorted(v)[len(v) // 2] for t, v in cpu.items()}
    if "pymupdf4llm" in tools:
        pairs = all_pairs["pymupdf4llm"]
        r = subprocess.run([args.python, "-c", PYMU] + [x for p in pairs for x in p], capture_output=True, text=True)
        secs["pymupdf4llm"] = float(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else float("nan")
    keys = ["text", "headings", "lists", "tables"]
    summary = {tool: {k: [] for k in keys} for tool in tools}
    print(f"{'document':32} {'tool':12} " + " ".join(f"{k:>8}" for k in keys))
    for d in docs:
        for tool in tools:
            dst = os.path.join(out, tool, d + ".md")
            if not os.path.exists(dst):
                open(dst, "w").close()
            r = subprocess.run([scorer_py, SCORE, os.path.join(CORPUS, d + ".md"), dst], capture_output=True, text=True)
            s = json.loads(r.stdout)
            for k in keys:
                if s.get(k) is not None:
                    summary[tool][k].append(s[k])
            print(f"{d[:32]:32} {tool:12} " + " ".join(f"{s[k]:8.3f}" if s.get(k) is not None else f"{'-':>8}" for k in keys))
    print(f"\nsummary over {len(docs)} documents / {total_pages} pages (outputs in {out});"
          f" pages/s = median of {max(1, args.repeat)} interleaved runs, one process per file"
          f" (pymupdf4llm: one in-process run, import excluded); pages/cpu-s = pages per second of"
          f" child CPU time (user+sys), which machine load disturbs less")
    print(f"{'tool':12} " + " ".join(f"{k:>8}" for k in keys) + f" {'pages/s':>8} {'pages/cpu-s':>11}")
    for tool in tools:
        vals = [sum(v) / len(v) if v else float("nan") for v in (summary[tool][k] for k in keys)]
        pps = total_pages / secs[tool] if secs[tool] else float("nan")
        c = cpu_secs.get(tool)
        ppc = f"{total_pages / c:11.1f}" if c else f"{'-':>11}"
        print(f"{tool:12} " + " ".join(f"{v:8.3f}" for v in vals) + f" {pps:8.1f} {ppc}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
