#!/usr/bin/env python3
"""Documents built around tables whose cells wrap, rendered through pandoc's routes.

Usage (from the crate root):
  python3 bench/corpus/cells.py --seed 5 --count 6 --out /var/tmp/cells [--routes plt,pxe,phtml,pms,pwr]

Each document (Markdown drawn from the seed: the ground truth) has sections with tables of three to five
columns, one of which holds 6-18 words per cell so that it wraps over several lines (pandoc sets such a
table in fixed-width columns), some of them 30-55 rows long; lists starting at other numbers than 1,
nested and loose lists (items of several paragraphs), block quotes holding lists, definition lists,
horizontal rules, sub-sections and footnotes. These are the structures `generate.py` draws least.

Routes (pandoc 2.17 or later):
  plt    pandoc -> pdflatex (its LaTeX template: tables in longtable with p{} columns)
  pxe    pandoc -> xelatex with DejaVu fonts
  phtml  pandoc standalone HTML printed by headless Chromium (cells centred on the tallest one)
  pms    pandoc -> ms -> groff -k -t -ms -> ps2pdf (tbl with text blocks)
  pwr    pandoc -> .odt -> LibreOffice Writer PDF export (header repeated, rows split across pages)
For each route it writes OUT/ROUTE/NAME.pdf and OUT/ROUTE/NAME.md (the ground truth), the layout
bench/scoreboard.py reads (`--corpus OUT`). Only the Python standard library is used; the tools run as
subprocesses. The Markdown depends only on the seed and the index."""
import argparse, concurrent.futures as cf, os, random, shutil, subprocess, tempfile

W = ("account budget carrier delivery estimate freight harbour invoice journey ledger margin notice "
     "operator parcel quarter receipt schedule tariff update vessel warehouse yield zone analysis benefit "
     "capacity demand evidence forecast growth horizon incident justice knowledge leverage method network "
     "outcome policy quality revenue strategy threshold utility variance workflow region sample metric "
     "station report summary detail contract supplier customer pricing volume transfer storage").split()
V = "reviews updates records requires confirms reduces extends measures supports limits tracks shows".split()
ADJ = "annual regional internal external minor major rapid steady formal local shared final".split()
def r(): return random.Random()
def sent(g, lo=6, hi=16):
    k = g.randint(lo, hi); ws = []
    for i in range(k):
        ws.append(g.choice(V) if i == 2 else (g.choice(ADJ) if g.random() < .25 else g.choice(W)))
    s = " ".join(ws); s = s[0].upper() + s[1:]
    if g.random() < .15: s = s.replace(ws[-2], f"*{ws[-2]}*", 1)
    return s + "."
def para(g, a=2, b=5): return " ".join(sent(g) for _ in range(g.randint(a, b)))
def title(g, a=2, b=5): 
    t = " ".join(g.choice(W) for _ in range(g.randint(a, b))); return t[0].upper() + t[1:]
def cell_text(g, long):
    if long: return " ".join(g.choice(W) for _ in range(g.randint(6, 18)))
    return g.choice([str(g.randint(1, 9999)), f"{g.randint(1,999)}.{g.randint(0,99):02d}", g.choice(W).capitalize(), title(g, 1, 2)])
def table(g, rows=None):
    nc = g.randint(3, 5); rows = rows or g.randint(4, 9)
    longcol = g.randrange(nc)
    hdr = [title(g, 1, 2) for _ in range(nc)]
    L = ["| " + " | ".join(hdr) + " |", "|" + "|".join(("-" * (30 if c == longcol else 10)) for c in range(nc)) + "|"]
    for _ in range(rows):
        L.append("| " + " | ".join(cell_text(g, c == longcol) for c in range(nc)) + " |")
    return "\n".join(L)
def blist(g, depth=0, ordered=False, start=1):
    L = []; ind = "    " * depth
    for i in range(g.randint(2, 4)):
        mark = f"{start + i}." if ordered else "-"
        L.append(f"{ind}{mark} {sent(g, 4, 14)}")
        if depth < 2 and g.random() < .3:
            L.append(""); L.append(blist(g, depth + 1, g.random() < .5, 1)); L.append("")
    return "\n".join(L)
def loose(g):
    L = []
    for i in range(g.randint(2, 3)):
        L.append(f"{i+1}. {sent(g)}"); L.append("")
        L.append("    " + para(g, 1, 2)); L.append("")
    return "\n".join(L)
def quote(g):
    s = "> " + para(g, 1, 3)
    if g.random() < .5: s += "\n>\n" + "\n".join("> - " + sent(g, 4, 10) for _ in range(g.randint(2, 3)))
    return s
def deflist(g):
    L = []
    for _ in range(g.randint(2, 4)):
        L.append(title(g, 1, 3)); L.append(""); L.append(":   " + sent(g)); L.append("")
    return "\n".join(L)
def document(seed, k):
    """The Markdown of document `k` of `seed`."""
    g = random.Random(seed * 1000 + k)
    parts = [f"# {title(g, 3, 6)}", para(g, 3, 5)]
    fn = []
    for s in range(g.randint(4, 6)):
        parts.append(f"## {s+1} {title(g)}")
        parts.append(para(g))
        for _ in range(g.randint(2, 4)):
            kind = g.choice(["table", "list", "olist", "loose", "quote", "def", "sub", "para", "rule", "longtable"])
            if kind == "table": parts.append(f"Table {s+1}: {title(g, 3, 6)}"); parts.append(table(g))
            elif kind == "longtable" and g.random() < .4: parts.append(table(g, g.randint(30, 55)))
            elif kind == "list": parts.append(blist(g))
            elif kind == "olist": parts.append(blist(g, 0, True, g.choice([1, 1, 3, 5, 10])))
            elif kind == "loose": parts.append(loose(g))
            elif kind == "quote": parts.append(quote(g))
            elif kind == "def": parts.append(deflist(g))
            elif kind == "sub": parts.append(f"### {s+1}.{g.randint(1,4)} {title(g)}"); parts.append(para(g))
            elif kind == "rule": parts.append(para(g, 1, 2)); parts.append("---")
            else:
                p = para(g)
                if g.random() < .5:
                    i = len(fn) + 1; p = p[:-1] + f"[^{i}]."; fn.append(f"[^{i}]: {sent(g)}")
                parts.append(p)
    parts += fn
    return "\n\n".join(parts) + "\n"

FMT = "markdown-tex_math_dollars-raw_tex-subscript-superscript-smart-auto_identifiers"


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    return None


def render(job, fmt=FMT):
    """One document through one route; `fmt` is pandoc's reader (readmes.py passes `gfm`)."""
    route, md, name, out = job
    d = os.path.join(out, route)
    os.makedirs(d, exist_ok=True)
    pdf = os.path.join(d, name + ".pdf")
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "d.md")
        with open(src, "w", encoding="utf-8") as f:
            f.write(md)
        run = lambda cmd, **kw: subprocess.run(cmd, capture_output=True, cwd=tmp, **kw)
        if route in ("plt", "pxe"):
            engine = ["--pdf-engine=pdflatex"] if route == "plt" else [
                "--pdf-engine=xelatex", "-V", "mainfont=DejaVu Serif", "-V", "monofont=DejaVu Sans Mono"]
            r = run(["pandoc", "-f", fmt, src, *engine, "-V", "geometry:margin=1in", "-o", pdf])
        elif route == "phtml":
            r = run(["pandoc", "-f", fmt, src, "-s", "--metadata", "pagetitle=doc", "-o", "d.html"])
            if r.returncode == 0:
                r = run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         f"--user-data-dir={tmp}/ud", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                         "file://" + os.path.join(tmp, "d.html")], timeout=180)
        elif route == "pms":
            r = run(["pandoc", "-f", fmt, src, "-s", "-t", "ms", "-o", "d.ms"])
            if r.returncode == 0:
                with open(os.path.join(tmp, "d.ps"), "wb") as ps:
                    r = subprocess.run(["groff", "-k", "-t", "-ms", "-Tps", "d.ms"], stdout=ps,
                                       stderr=subprocess.PIPE, cwd=tmp)
                if r.returncode == 0:
                    r = run(["ps2pdf", "d.ps", pdf])
        else:  # pwr
            r = run(["pandoc", "-f", fmt, src, "-o", "d.odt"])
            if r.returncode == 0:
                r = run(["soffice", f"-env:UserInstallation=file://{tmp}/lo", "--headless",
                         "--convert-to", "pdf", "--outdir", tmp, "d.odt"], timeout=300)
                if os.path.exists(os.path.join(tmp, "d.pdf")):
                    shutil.copy(os.path.join(tmp, "d.pdf"), pdf)
    if r.returncode != 0 or not os.path.exists(pdf):
        err = r.stderr.decode(errors="replace") if isinstance(r.stderr, bytes) else str(r.stderr)
        return f"FAILED {route} {name}: {err[-300:]}"
    with open(os.path.join(d, name + ".md"), "w", encoding="utf-8") as f:
        f.write(md)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--count", type=int, default=6, help="documents (each through every route)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--routes", default="plt,pxe,phtml,pms,pwr")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    routes = a.routes.split(",")
    missing = [t for t in ["pandoc"] + (["pdflatex"] if "plt" in routes else []) +
               (["xelatex"] if "pxe" in routes else []) + (["groff", "ps2pdf"] if "pms" in routes else []) +
               (["soffice"] if "pwr" in routes else []) if not shutil.which(t)]
    if "phtml" in routes and not chromium():
        missing.append("chromium")
    if missing:
        raise SystemExit(f"missing tools: {', '.join(missing)} (see bench/corpus/README.md)")
    jobs = [(rt, document(a.seed, k), f"cells-s{a.seed}-{k}", a.out) for k in range(a.count) for rt in routes]
    failed = 0
    with cf.ThreadPoolExecutor(a.jobs) as ex:
        for res in ex.map(render, jobs):
            if res:
                failed += 1
                print(res)
    print(f"{len(jobs) - failed} PDFs in {a.out} ({failed} failed)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
