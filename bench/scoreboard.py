#!/usr/bin/env python3
"""Scoreboard: conversion quality and speed of mdspool against pymupdf4llm and pdftotext, in one command.

Usage (from the crate root):
  cargo build --release --example convert_one
  python3 bench/corpus/generate.py --seed 7 --count 50 --out /var/tmp/mdspool-corpus
  python3 bench/scoreboard.py --corpus /var/tmp/mdspool-corpus [--corpus bench/corpus/sample] [--fidelity]
                              [--engine PATH] [--python PY] [--jobs 2] [--keep DIR] [--out docs/benchmarks.md]

Sections:
  * --tools also takes ocrmypdf+pymupdf4llm (for scanned corpora made by bench/corpus/scan.py);
  * one per --corpus (a directory made by bench/corpus/generate.py: PRODUCER/NAME.pdf + NAME.md): a
    producer x metric table, each metric the mean over the documents where it applies (score.py gives
    null otherwise), and pages/s per tool;
  * the docling set (../shared/corpus/docling, NAME.pdf with NAME.md), unless --no-docling;
  * with --fidelity: word recall of mdspool against pdftotext on the text-bearing PDFs of
    ../shared/corpus/pdfjs and ../shared/corpus/pdfminer (pdftotext finds 30+ words there).
Scores come from ../shared/bench/score.py, imported in-process (its functions, not one process per
file). mdspool's exit code 2 is a conversion error: its output counts as empty. Each tool is skipped with
a message when missing. Timing: mdspool and pdftotext run one file at a time, one process per file
(wall time, process start included); pymupdf4llm runs in --jobs worker processes and each file's
to_markdown call is timed inside its worker (import excluded); pages/s = pages / sum of per-file seconds.
"""
import argparse, collections, datetime, importlib.util, json, os, re, shlex, shutil, signal, statistics
import subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared")
SCORE = os.path.join(SHARED, "bench", "score.py")
DOCLING = os.path.join(SHARED, "corpus", "docling")
FIDELITY_SETS = [os.path.join(SHARED, "corpus", "pdfjs"), os.path.join(SHARED, "corpus", "pdfminer")]
KEYS = ["text", "headings", "lists", "tables"]
# Scans: OCRmyPDF adds a text layer, then pymupdf4llm converts the result.
OCRMYPDF = "ocrmypdf+pymupdf4llm"
KEY_LABEL = {"text": "text", "headings": "head", "lists": "lists", "tables": "table rows"}

# Worker for pymupdf4llm: reads [[src, dst], ...] as JSON on stdin, prints one JSON line per file.
PYMU = r"""
import json, signal, sys, time
import pymupdf4llm
timeout = float(sys.argv[1])
def alarm(*_):
    raise TimeoutError("timeout")
signal.signal(signal.SIGALRM, alarm)
for src, dst in json.load(sys.stdin):
    status = "ok"
    t = time.perf_counter()
    try:
        signal.setitimer(signal.ITIMER_REAL, timeout)
        md = pymupdf4llm.to_markdown(src)
        signal.setitimer(signal.ITIMER_REAL, 0)
    except TimeoutError:
        md, status = "", "timeout"
    except Exception as e:
        signal.setitimer(signal.ITIMER_REAL, 0)
        md, status = "", "error: " + type(e).__name__
    secs = time.perf_counter() - t
    with open(dst, "w", encoding="utf-8") as f:
        f.write(md)
    print(json.dumps({"src": src, "secs": secs, "status": status}), flush=True)
"""


def load_score():
    spec = importlib.util.spec_from_file_location("mdspool_score", SCORE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def pdf_pages(pdf):
    try:
        out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, errors="replace", timeout=30).stdout
        m = re.search(r"^Pages:\s+(\d+)", out, re.M)
        if m:
            return int(m.group(1))
    except (OSError, subprocess.TimeoutExpired):
        pass
    return 1


def run_cmd(cmd, timeout):
    """Runs one converter process; returns (seconds, status)."""
    t = time.perf_counter()
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=timeout)
        status = "ok" if r.returncode == 0 else ("error" if r.returncode == 2 else f"exit {r.returncode}")
    except subprocess.TimeoutExpired:
        status = "timeout"
    return time.perf_counter() - t, status


class Tools:
    def __init__(self, args):
        self.args = args
        self.names = []
        self.versions = {}
        self.skipped = []
        if os.path.exists(args.engine):
            self.names.append("mdspool")
            rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
            dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True).stdout.strip()
            built = datetime.datetime.fromtimestamp(os.path.getmtime(args.engine), datetime.timezone.utc)
            src = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h", "--", "crates/mdspool-convert", "Cargo.toml",
                                  "Cargo.lock"], capture_output=True, text=True).stdout.strip()
            self.versions["mdspool"] = (f"convert_one at {args.engine} (built {built:%Y-%m-%d %H:%M} UTC), "
                                        f"checkout {rev}{' with local changes' if dirty else ''}, whose engine "
                                        f"source last changed in commit {src}")
        else:
            self.skipped.append(f"mdspool: {args.engine} not built (cargo build --release --example convert_one)")
        if "pymupdf4llm" in args.tools:
            r = subprocess.run([args.python, "-c", "import pymupdf4llm, pymupdf; print(pymupdf4llm.__version__, pymupdf.__version__)"],
                               capture_output=True, text=True) if shutil.which(args.python) or os.path.exists(args.python) else None
            if r is not None and r.returncode == 0:
                self.names.append("pymupdf4llm")
                v = r.stdout.split()
                self.versions["pymupdf4llm"] = f"pymupdf4llm {v[0]} (PyMuPDF {v[1]}), to_markdown(path) with defaults"
            else:
                self.skipped.append(f"pymupdf4llm: not importable with {args.python} (pip install pymupdf4llm==1.28.2)")
        if OCRMYPDF in args.tools:
            if shutil.which("ocrmypdf") and "pymupdf4llm" in self.versions:
                self.names.append(OCRMYPDF)
                v = subprocess.run(["ocrmypdf", "--version"], capture_output=True, text=True).stdout.strip()
                self.versions[OCRMYPDF] = (f"ocrmypdf {v} (`-j 1 --skip-text -l eng --output-type pdf --optimize 0`, "
                                           "one process per file), then pymupdf4llm as above; seconds are the sum of both")
            else:
                self.skipped.append(f"{OCRMYPDF}: needs ocrmypdf (apt-get install ocrmypdf) and pymupdf4llm")
        if "pdftotext" in args.tools:
            if shutil.which("pdftotext"):
                self.names.append("pdftotext")
                v = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True)
                self.versions["pdftotext"] = (v.stderr or v.stdout).splitlines()[0] + " (plain `pdftotext IN OUT`, output taken as Markdown)"
            else:
                self.skipped.append("pdftotext: not installed (apt-get install poppler-utils)")
        self.names = [t for t in self.names if t in args.tools]

    def convert(self, tool, pairs, timeout):
        """Converts (src, dst) pairs with one tool; returns {src: (seconds, status)}."""
        res = {}
        if tool == OCRMYPDF:
            tmp = tempfile.mkdtemp(prefix="mdspool-ocrmypdf-")
            staged, first = [], {}
            for i, (src, dst) in enumerate(pairs):
                mid = os.path.join(tmp, f"{i}.pdf")
                first[src] = run_cmd(["ocrmypdf", "-q", "-j", "1", "--skip-text", "-l", "eng", "--output-type", "pdf",
                                      "--optimize", "0", src, mid], timeout)
                staged.append((mid if first[src][1] == "ok" else src, dst, src))
            second = self.convert("pymupdf4llm", [(m, d) for m, d, _ in staged], timeout)
            for mid, _dst, src in staged:
                (s0, st0), (s1, st1) = first[src], second[mid]
                res[src] = (s0 + s1, st0 if st0 != "ok" else st1)
            shutil.rmtree(tmp, ignore_errors=True)
            return res
        if tool == "pymupdf4llm":
            jobs = max(1, self.args.jobs)
            chunks = [pairs[i::jobs] for i in range(jobs)]
            procs = []
            for ch in chunks:
                if not ch:
                    continue
                p = subprocess.Popen([self.args.python, "-c", PYMU, str(timeout)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                p.stdin.write(json.dumps(ch))
                p.stdin.close()
                procs.append(p)
            for p in procs:
                for line in p.stdout:
                    try:
                        d = json.loads(line)
                    except ValueError:
                        continue
                    res[d["src"]] = (d["secs"], d["status"])
                p.wait()
            for src, dst in pairs:
                if src not in res:  # the worker died on it
                    res[src] = (0.0, "crash")
                    if not os.path.exists(dst):
                        open(dst, "w").close()
            return res
        for src, dst in pairs:
            if tool == "mdspool":
                cmd = [self.args.engine, src, "-o", dst]
            else:
                cmd = ["pdftotext", "-enc", "UTF-8", src, dst]
            res[src] = run_cmd(cmd, timeout)
            if res[src][1] != "ok" or not os.path.exists(dst):
                open(dst, "w").close()
        return res


def fmt(x, nd=3):
    return "–" if x is None else f"{x:.{nd}f}"


def mean(v):
    return sum(v) / len(v) if v else None


def md_table(header, rows, align=None):
    align = align or ["l"] + ["r"] * (len(header) - 1)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def score_groups(tools, groups, out_root, score, timeout, label):
    """groups: {group: [(name, pdf, gt_md, pages)]}. Returns (Markdown lines, per-document results)."""
    lines = []
    per_doc = []
    results = {}
    for tool in tools.names:
        pairs = []
        for g, docs in groups.items():
            os.makedirs(os.path.join(out_root, tool, g), exist_ok=True)
            pairs += [(pdf, os.path.join(out_root, tool, g, name + ".md")) for name, pdf, _gt, _p in docs]
        t = time.time()
        results[tool] = tools.convert(tool, pairs, timeout)
        print(f"  {label}: {tool} converted {len(pairs)} files in {time.time() - t:.1f} s", file=sys.stderr, flush=True)
    agg = {}  # (group, tool) -> {key: [values]}, secs, pages, failures
    for g, docs in groups.items():
        for name, pdf, gt_path, pages in docs:
            gt = open(gt_path, encoding="utf-8", errors="replace").read()
            row = {"group": g, "name": name, "pages": pages}
            for tool in tools.names:
                out = open(os.path.join(out_root, tool, g, name + ".md"), encoding="utf-8", errors="replace").read()
                s = score.score(gt, out)
                secs, status = results[tool][pdf]
                a = agg.setdefault((g, tool), {"vals": {k: [] for k in KEYS}, "secs": 0.0, "pages": 0, "fail": []})
                for k in KEYS:
                    if s.get(k) is not None:
                        a["vals"][k].append(s[k])
                a["secs"] += secs
                a["pages"] += pages
                if status != "ok":
                    a["fail"].append(f"{name} ({status})")
                row[tool] = dict(s, secs=round(secs, 4), status=status)
            per_doc.append(row)
    # totals over all groups
    for tool in tools.names:
        tot = {"vals": {k: [] for k in KEYS}, "secs": 0.0, "pages": 0, "fail": []}
        for g in groups:
            a = agg.get((g, tool))
            if a:
                for k in KEYS:
                    tot["vals"][k] += a["vals"][k]
                tot["secs"] += a["secs"]
                tot["pages"] += a["pages"]
                tot["fail"] += [f"{g}/{x}" for x in a["fail"]]
        agg[("all", tool)] = tot
    header = ["producer", "docs", "pages"]
    for tool in tools.names:
        header += [f"{tool} {KEY_LABEL[k]}" for k in KEYS] + [f"{tool} pages/s"]
    rows = []
    for g in list(groups) + (["all"] if len(groups) > 1 else []):
        docs = sum(len(v) for v in groups.values()) if g == "all" else len(groups[g])
        pages = sum(p for v in groups.values() for *_x, p in v) if g == "all" else sum(p for *_x, p in groups[g])
        r = [f"**{g}**" if g == "all" else g, docs, pages]
        for tool in tools.names:
            a = agg[(g, tool)]
            r += [fmt(mean(a["vals"][k])) for k in KEYS]
            r.append(f"{a['pages'] / a['secs']:.1f}" if a["secs"] > 0 else "–")
        rows.append(r)
    lines += md_table(header, rows)
    lines.append("")
    lines.append("Documents where a metric applies (the mean is over these): " + ", ".join(
        f"{KEY_LABEL[k]} {len(agg[('all', tools.names[0])]['vals'][k])}" for k in KEYS) + "." if tools.names else "")
    for tool in tools.names:
        f = agg[("all", tool)]["fail"]
        if f:
            lines.append(f"{tool}: {len(f)} file(s) without output (error, timeout or crash; scored as empty): "
                         + ", ".join(f[:20]) + (" ..." if len(f) > 20 else "") + ".")
    return lines, per_doc


def generated_groups(corpus):
    man = os.path.join(corpus, "manifest.json")
    pages = {}
    if os.path.exists(man):
        for d in json.load(open(man, encoding="utf-8"))["documents"]:
            pages[(d["producer"], d["name"])] = d.get("pages")
    groups = {}
    for g in sorted(os.listdir(corpus)):
        d = os.path.join(corpus, g)
        if not os.path.isdir(d) or g.startswith("_"):
            continue
        docs = []
        for f in sorted(os.listdir(d)):
            if f.endswith(".pdf") and os.path.exists(os.path.join(d, f[:-4] + ".md")):
                pdf = os.path.join(d, f)
                docs.append((f[:-4], pdf, pdf[:-4] + ".md", pages.get((g, f[:-4])) or pdf_pages(pdf)))
        if docs:
            groups[g] = docs
    return groups


def fidelity_notes():
    """bench/fidelity_notes.tsv: file -> (kind, reason) for the files whose recall is explained."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fidelity_notes.tsv")
    notes = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                name, kind, reason = line.rstrip("\n").split("\t", 2)
                notes[name] = (kind, reason)
    return notes


def fidelity(tools, score, out_root, jobs, timeout):
    """Word recall of mdspool against pdftotext on the robustness sets."""
    pdfs = []
    for s in FIDELITY_SETS:
        if os.path.isdir(s):
            pdfs += [os.path.join(s, f) for f in sorted(os.listdir(s)) if f.lower().endswith(".pdf")]
    os.makedirs(os.path.join(out_root, "fidelity", "pdftotext"), exist_ok=True)
    os.makedirs(os.path.join(out_root, "fidelity", "mdspool"), exist_ok=True)

    def key(p):
        return os.path.basename(os.path.dirname(p)) + "/" + os.path.basename(p)

    def one_pdftotext(p):
        dst = os.path.join(out_root, "fidelity", "pdftotext", key(p).replace("/", "__") + ".txt")
        _s, st = run_cmd(["pdftotext", "-enc", "UTF-8", p, dst], timeout)
        words = score.words(open(dst, encoding="utf-8", errors="replace").read()) if st == "ok" and os.path.exists(dst) else []
        return p, words

    def one_mdspool(p):
        dst = os.path.join(out_root, "fidelity", "mdspool", key(p).replace("/", "__") + ".md")
        _s, st = run_cmd([tools.args.engine, p, "-o", dst], timeout)
        words = score.words(open(dst, encoding="utf-8", errors="replace").read()) if st == "ok" and os.path.exists(dst) else []
        return p, words, st

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        ref = {p: w for p, w in ex.map(one_pdftotext, pdfs)}
        bearing = [p for p in pdfs if len(ref[p]) >= 30]
        got = {p: (w, st) for p, w, st in ex.map(one_mdspool, bearing)}
    rows = []
    for p in bearing:
        want = collections.Counter(ref[p])
        have = collections.Counter(got[p][0])
        hit = sum(min(n, have[w]) for w, n in want.items())
        rows.append((key(p), sum(want.values()), hit / sum(want.values()), got[p][1]))
    return pdfs, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", action="append", default=[], help="generated corpus directory (repeatable)")
    ap.add_argument("--engine", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                                                  "release", "examples", "convert_one"))
    ap.add_argument("--python", default=os.environ.get("MDSPOOL_BENCH_PYTHON", sys.executable),
                    help="python with pymupdf4llm installed (default: $MDSPOOL_BENCH_PYTHON, else this one)")
    ap.add_argument("--tools", default="mdspool,pymupdf4llm,pdftotext")
    ap.add_argument("--no-docling", action="store_true", help="leave out the docling section")
    ap.add_argument("--fidelity", action="store_true", help="add the word-recall section on pdfjs + pdfminer")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for pymupdf4llm and for --fidelity")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per file for the scored corpora")
    ap.add_argument("--fidelity-timeout", type=float, default=10, help="seconds per file in --fidelity")
    ap.add_argument("--keep", help="keep the outputs in this directory")
    ap.add_argument("--out", help="also write the report as Markdown to this file")
    args = ap.parse_args()
    args.tools = [t.strip() for t in args.tools.split(",")]
    if not os.path.exists(SCORE):
        print(f"SKIP: {SCORE} not found"); return 0
    try:
        score = load_score()
    except ImportError as e:
        print(f"SKIP: score.py cannot be loaded ({e}); pip install rapidfuzz"); return 0
    tools = Tools(args)
    for s in tools.skipped:
        print("SKIP " + s, file=sys.stderr)
    if not tools.names:
        print("SKIP: no tool to run"); return 0
    out_root = args.keep or tempfile.mkdtemp(prefix="mdspool-scoreboard-")
    os.makedirs(out_root, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    cmdline = "python3 " + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:])
    R = ["# Conversion benchmarks", "",
         f"Made by `{cmdline}` (run from the crate root) on {started:%Y-%m-%d %H:%M} UTC; every figure below comes "
         "from that run. Scores are from `../shared/bench/score.py` (text: word-level similarity in reading order; "
         "head: share of ground-truth headings written as headings; lists: share of list items written as list items; "
         "table rows: share of ground-truth table rows whose cells all appear in one output table row). Each metric is "
         "the mean over the documents where it applies.", "", "Tools:", ""]
    R += [f"- {t}: {tools.versions[t]}" for t in tools.names]
    R += [f"- skipped: {s}" for s in tools.skipped]
    R += ["", "Timing: mdspool and pdftotext run one file at a time, one process per file, wall time with process "
          f"start; pymupdf4llm runs in {args.jobs} worker process(es) on {os.cpu_count()} CPU(s) (load average "
          f"{os.getloadavg()[0]:.1f} when the run started: other work on the machine slows every tool), each file's "
          "`to_markdown` call timed inside its worker, import excluded. pages/s = pages / sum of per-file seconds.", ""]
    per_doc_all = {}
    for corpus in args.corpus:
        groups = generated_groups(corpus)
        if not groups:
            print(f"SKIP corpus {corpus}: no PRODUCER/NAME.pdf with NAME.md", file=sys.stderr)
            continue
        man = os.path.join(corpus, "manifest.json")
        gen = json.load(open(man, encoding="utf-8")).get("command") if os.path.exists(man) else None
        label = os.path.basename(os.path.normpath(corpus))
        print(f"scoring {corpus} ...", file=sys.stderr, flush=True)
        lines, per_doc = score_groups(tools, groups, os.path.join(out_root, label), score, args.timeout, label)
        per_doc_all[label] = per_doc
        R += [f"## Generated corpus `{corpus}`", ""]
        if gen:
            m = json.load(open(man, encoding="utf-8"))
            took = (f" in {m['wall_seconds']:.0f} s wall with {m.get('jobs')} worker(s) on {m.get('cpus')} CPU(s)"
                    f" (load average {m['load_average_at_end'][0]:.1f} at the end)") if "wall_seconds" in m else ""
            R += [f"Generated by `{gen}`{took}: {len(m['documents'])} documents, "
                  f"{sum(d.get('pages') or 0 for d in m['documents'])} pages (see bench/corpus/README.md).", ""]
        R += lines + [""]
    if not args.no_docling and os.path.isdir(DOCLING):
        docs = sorted(f[:-4] for f in os.listdir(DOCLING) if f.endswith(".pdf") and os.path.exists(os.path.join(DOCLING, f[:-4] + ".md")))
        groups = {"docling": [(d, os.path.join(DOCLING, d + ".pdf"), os.path.join(DOCLING, d + ".md"),
                               pdf_pages(os.path.join(DOCLING, d + ".pdf"))) for d in docs]}
        print("scoring docling ...", file=sys.stderr, flush=True)
        lines, per_doc = score_groups(tools, groups, os.path.join(out_root, "docling"), score, args.timeout, "docling")
        per_doc_all["docling"] = per_doc
        R += ["## docling set (`../shared/corpus/docling`)", "",
              "Real PDFs with curated ground truth; the engine has been tuned on them, so this is a regression check.", ""]
        R += lines + ["", "Per document (text / head / lists / table rows):", ""]
        hdr = ["document", "pages"] + tools.names
        rows = []
        for d in per_doc:
            rows.append([d["name"], d["pages"]] + [" / ".join(fmt(d[t].get(k), 2) for k in KEYS) for t in tools.names])
        R += md_table(hdr, rows, ["l", "r"] + ["l"] * len(tools.names)) + [""]
    if args.fidelity:
        if "mdspool" not in tools.names or not shutil.which("pdftotext"):
            R += ["## Fidelity", "", "Skipped: needs both mdspool and pdftotext.", ""]
        else:
            print("fidelity ...", file=sys.stderr, flush=True)
            pdfs, rows = fidelity(tools, score, out_root, args.jobs, args.fidelity_timeout)
            rec = [r[2] for r in rows]
            low = sorted((r for r in rows if r[2] < 0.8), key=lambda r: r[2])
            R += ["## Fidelity: mdspool's words against pdftotext's", "",
                  f"Of {len(pdfs)} PDFs in `../shared/corpus/pdfjs` and `../shared/corpus/pdfminer`, pdftotext finds 30 or more "
                  f"words in {len(rows)}. For each of those, word recall = share of pdftotext's word multiset found in mdspool's "
                  f"output (words as score.py splits them). Timeout {args.fidelity_timeout:g} s per file and tool; a mdspool "
                  "error or timeout counts as recall 0.", ""]
            notes = fidelity_notes()
            if rec:
                clean = [r[2] for r in rows if notes.get(r[0], ("", ""))[0] != "garbage"]
                unexplained = [r[0] for r in low if r[0] not in notes]
                R += [f"- mean {statistics.mean(rec):.3f}, median {statistics.median(rec):.3f}",
                      f"- mean over the {len(clean)} files where pdftotext's text is the page's words (leaving out "
                      f"{len(rec) - len(clean)} noted `garbage` in bench/fidelity_notes.tsv): "
                      f"{statistics.mean(clean) if clean else 0:.3f}",
                      f"- files below 0.8 without a reason in bench/fidelity_notes.tsv: {len(unexplained)}"
                      + (" (" + ", ".join(unexplained) + ")" if unexplained else ""),
                      f"- files at 1.000: {sum(1 for x in rec if x >= 0.9995)}; at 0.95 or more: {sum(1 for x in rec if x >= 0.95)}; "
                      f"below 0.8: {len(low)}",
                      f"- mdspool status on these files: " + ", ".join(f"{k} {v}" for k, v in sorted(collections.Counter(r[3] for r in rows).items())), ""]
                al = ["l", "r", "r", "l"]
                why = lambda f: ": ".join(notes[f]) if f in notes else "(no note)"
                R += ["Files below 0.8 (why: bench/fidelity_notes.tsv, kind and reason):", ""] + md_table(
                    ["file", "pdftotext words", "recall", "mdspool", "why"],
                    [[r[0], r[1], f"{r[2]:.3f}", r[3], why(r[0])] for r in low], al + ["l"]) + [""]
                R += ["<details><summary>All files</summary>", ""] + md_table(
                    ["file", "pdftotext words", "recall", "mdspool"], [[r[0], r[1], f"{r[2]:.3f}", r[3]] for r in sorted(rows)], al) + ["", "</details>", ""]
                with open(os.path.join(out_root, "fidelity.tsv"), "w", encoding="utf-8") as f:
                    for r in sorted(rows):
                        f.write(f"{r[0]}\t{r[1]}\t{r[2]:.4f}\t{r[3]}\n")
    with open(os.path.join(out_root, "per_document.json"), "w", encoding="utf-8") as f:
        json.dump(per_doc_all, f, indent=1)
    took = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
    R += [f"Run time of the whole scoreboard: {took:.0f} s."]
    report = "\n".join(R) + "\n"
    print(report)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(report)
    if not args.keep:
        shutil.rmtree(out_root, ignore_errors=True)
    else:
        print(f"outputs kept in {out_root} (per_document.json has every score)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
