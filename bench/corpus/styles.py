#!/usr/bin/env python3
"""The documents of generate.py through document classes and pipelines it does not use.

Usage (from the crate root):
  python3 bench/corpus/styles.py --seed 7 --count 8 --out /var/tmp/styles [--routes book,koma2,...] [--size small]

generate.py renders each document kind through one set-up per producer; real files come from many
more. These routes draw the same documents (generate.py's model, so its ground truth) and render them
through other classes, fonts and pipelines:
  book     pdflatex, the book class, two-sided: chapters open on odd pages under "Chapter N" and a
           large title, running heads in capitals with the page number at the top, Latin Modern
  koma2    pdflatex, KOMA-Script scrartcl in two columns under a full-width title, sans-serif
           headings, Palatino
  lua      LuaLaTeX with fontspec and DejaVu Serif (Unicode CID fonts, no 8-bit encodings), one column
  dvips    latex -> dvips -> ps2pdf (the old arXiv pipeline), 12pt, Type 1 fonts re-embedded by Ghostscript
  chromehf Chromium printing with its own header and footer (date, title, file URL, "1/3"), a sans-serif
           style sheet with rules under the headings, text set ragged right
  multicol3 pdflatex, a newsletter: three columns (the multicol package) under a full-width title and
           abstract, 10pt, 1.5 cm margins
  gsprint  a Writer document printed through a PostScript driver: Writer's PDF, pdf2ps, ps2pdf (what a
           print-to-PDF queue of Ghostscript makes of it)
Chapter headings are written into the ground truth as "Chapter N Title" (the words the page shows).
The chromehf header holds the date and time of the run and the temporary file's URL: furniture, not
ground truth, so those PDFs differ from run to run while their Markdown does not.
OUT/ROUTE/NAME.pdf and OUT/ROUTE/NAME.md are written, the layout bench/scoreboard.py reads."""
import argparse, os, random, re, shutil, subprocess, sys, tempfile
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as G  # noqa: E402

ROUTES = ["book", "koma2", "lua", "dvips", "chromehf", "multicol3", "gsprint"]
CAPS = {
    "book": G.Caps("book"),
    "koma2": G.Caps("latex2", max_cols=4, long_tables=False, code_width=34, abstract=True),
    "lua": G.Caps("lua", abstract=True),
    "dvips": G.Caps("dvips", abstract=True),
    "chromehf": G.Caps("chromehf", multicol=False),
    # three columns of 5.5 cm: narrow tables and code, no page-long tables (multicols has no floats)
    "multicol3": G.Caps("multicol3", max_cols=3, long_tables=False, code_width=26, abstract=True),
    "gsprint": G.Caps("gsprint"),
}
NEED = {"book": ["pdflatex"], "koma2": ["pdflatex"], "lua": ["lualatex"], "dvips": ["latex", "dvips", "ps2pdf"],
        "multicol3": ["pdflatex"], "gsprint": ["pandoc", "soffice", "pdf2ps", "ps2pdf"]}
CSS_HF = """
body { font-family: "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 10pt; text-align: left; }
h1 { text-align: left; font-size: 22pt; color: #1a3a6a; }
.author { text-align: left; }
h2 { border-bottom: 1px solid #1a3a6a; padding-bottom: 2px; color: #1a3a6a; }
h3 { color: #333; }
"""


def book_markdown(doc, caps):
    """generate.to_markdown with numbered top-level headings as the book class prints them."""
    doc2 = dict(doc, blocks=[("h", 1, None, f"Chapter {b[2]} {b[3]}") if b[0] == "h" and b[1] == 1 and b[2]
                             else b for b in doc["blocks"]])
    return G.to_markdown(doc2, caps)


def book_latex(doc, caps):
    src = G.to_latex(doc, G.Caps("latex1"))
    src = src.replace(r"\documentclass[11pt]{article}", r"\documentclass[11pt,twoside]{book}" + "\n" + r"\usepackage{lmodern}")
    src = src.replace(r"\pagestyle{fancy}", "")
    for old, new in (("subsubsection", "subsection"), ("subsection", "section"), ("section", "chapter")):
        src = re.sub(r"\\" + old + r"(\*?)\{", lambda m: "\\" + new.upper() + m.group(1) + "{", src)
    src = src.replace(r"\CHAPTER", r"\chapter").replace(r"\SECTION", r"\section").replace(r"\SUBSECTION", r"\subsection")
    return src.replace(r"\begin{document}", r"\pagestyle{headings}" + "\n" + r"\begin{document}")


def koma_latex(doc, caps):
    src = G.to_latex(doc, caps)  # caps named latex2: the two-column title block
    src = src.replace(r"\documentclass[10pt,twocolumn]{article}", r"\documentclass[10pt,twocolumn,abstract=true]{scrartcl}")
    return src.replace(r"\usepackage{mathptmx}", r"\usepackage{mathpazo}")


def lua_latex(doc, caps):
    src = G.to_latex(doc, G.Caps("latex1"))
    drop = (r"\pdfinfoomitdate=1 \pdftrailerid{} \pdfsuppressptexinfo=-1", r"\usepackage[T2A,LGR,T1]{fontenc}",
            r"\usepackage[utf8]{inputenc}", r"\input{glyphtounicode}\pdfgentounicode=1")
    for d in drop:
        src = src.replace(d, "")
    src = src.replace(r"\usepackage[greek,russian,english]{babel}",
                      r"\usepackage{fontspec}\setmainfont{DejaVu Serif}\setmonofont{DejaVu Sans Mono}[Scale=0.85]")
    src = src.replace(r"\foreignlanguage{greek}", "").replace(r"\foreignlanguage{russian}", "")
    return src.replace(r"\documentclass[11pt]{article}", r"\documentclass[10pt]{article}")


def dvips_latex(doc, caps):
    src = G.to_latex(doc, G.Caps("latex1"))
    src = src.replace(r"\input{glyphtounicode}\pdfgentounicode=1", "")
    return src.replace(r"\documentclass[11pt]{article}", r"\documentclass[12pt]{article}")


def multicol_latex(doc, caps):
    src = G.to_latex(doc, caps)
    src = src.replace(r"\documentclass[11pt]{article}", r"\documentclass[10pt]{article}" + "\n" + r"\usepackage{multicol}")
    src = src.replace("margin=2.5cm", "margin=1.5cm")
    start = r"\end{abstract}" if r"\end{abstract}" in src else r"\maketitle"
    src = src.replace(start, start + "\n" + r"\begin{multicols}{3}", 1)
    return src.replace(r"\end{document}", r"\end{multicols}" + "\n" + r"\end{document}")


def run(cmd, work, env, what):
    r = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, errors="replace", timeout=240)
    if r.returncode != 0:
        raise RuntimeError(f"{what} failed: " + (r.stdout + r.stderr)[-1500:])


def build(route, doc, caps, work, pdf):
    env = dict(os.environ, SOURCE_DATE_EPOCH=G.EPOCH, FORCE_SOURCE_DATE="1")
    if route == "chromehf":
        old = G.CSS
        G.CSS = old + CSS_HF
        try:
            src = os.path.join(work, "doc.html")
            with open(src, "w", encoding="utf-8") as f:
                f.write(G.to_html(doc, caps))
        finally:
            G.CSS = old
        out = os.path.join(work, "doc.pdf")
        run([G.chromium_bin(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={os.path.join(work, 'profile')}", f"--print-to-pdf={out}", "file://" + src],
            work, env, "chromium")
        shutil.copy(out, pdf)
        return
    if route == "gsprint":
        md = G.to_markdown(doc, caps)
        G.build_writer(doc, caps, work, os.path.join(work, "writer.pdf"), md, 0)
        run(["pdf2ps", "writer.pdf", "doc.ps"], work, env, "pdf2ps")
        run(["ps2pdf", "doc.ps", "doc.pdf"], work, env, "ps2pdf")
        shutil.copy(os.path.join(work, "doc.pdf"), pdf)
        return
    text = {"book": book_latex, "koma2": koma_latex, "lua": lua_latex, "dvips": dvips_latex,
            "multicol3": multicol_latex}[route](doc, caps)
    with open(os.path.join(work, "doc.tex"), "w", encoding="utf-8") as f:
        f.write(text)
    engine = {"lua": "lualatex", "dvips": "latex"}.get(route, "pdflatex")
    for _ in range(2):
        run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], work, env, engine)
    if route == "dvips":
        run(["dvips", "-q", "-o", "doc.ps", "doc.dvi"], work, env, "dvips")
        run(["ps2pdf", "-dPDFSETTINGS=/prepress", "doc.ps", "doc.pdf"], work, env, "ps2pdf")
    shutil.copy(os.path.join(work, "doc.pdf"), pdf)


def make_one(job):
    route, seed, index, out, size = job
    caps = CAPS[route]
    rng = random.Random(f"mdspool-styles:{seed}:{route}:{index}")
    doc = G.make_doc(rng, caps, size)
    if route == "book":
        doc["abstract"] = None
    md = book_markdown(doc, caps) if route == "book" else G.to_markdown(doc, caps)

    def make(work, pdf):
        build(route, doc, caps, work, pdf)
        return md
    return build_one(route, f"y{seed}-{index:03d}", out, make)


def build_one(route, name, out, make):
    """OUT/ROUTE/NAME.pdf and .md: `make(work, pdf)` writes the PDF from a fresh work folder and
    returns the ground truth. A failure keeps the work folder under OUT/_failed (without a
    LibreOffice profile) and is reported, never raised: one line per document either way."""
    pdf = os.path.join(out, route, name + ".pdf")
    work = tempfile.mkdtemp(prefix=f"mdspool-{route}-")
    try:
        md = make(work, pdf)
    except Exception as e:  # the document is left out and reported
        keep = os.path.join(out, "_failed", f"{route}-{name}")
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(work, keep, ignore=shutil.ignore_patterns("profile"))
        return f"FAIL {route}/{name}: {str(e)[-400:]} (sources kept in {keep})"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(out, route, name + ".md"), "w", encoding="utf-8") as f:
        f.write(md)
    return f"ok {route}/{name} {G.page_count(pdf)} pages"


def run_routes(doc, routes_known, missing, make_one):
    """The command line the route generators share: parse the arguments, skip each route whose
    tools `missing(route)` names (a message, not a failure), make the documents in a pool of
    processes, print a line per document. The exit status is 1 when a document failed."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=8, help="documents per route")
    ap.add_argument("--out", required=True)
    ap.add_argument("--routes", default=",".join(routes_known))
    ap.add_argument("--size", choices=["mixed", "small"], default="mixed",
                    help="small: 1-3 page documents without page-long tables (for the committed sample)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args()
    routes = [r.strip() for r in args.routes.split(",") if r.strip()]
    bad = [r for r in routes if r not in routes_known]
    if bad:
        ap.error(f"unknown route(s) {bad}; known: {routes_known}")
    jobs = []
    for r in routes:
        why = missing(r)
        if why:
            print(f"SKIP {r}: {why}", flush=True)
            continue
        os.makedirs(os.path.join(args.out, r), exist_ok=True)
        jobs += [(r, args.seed, i, args.out, args.size) for i in range(args.count)]
    failed = 0
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for line in ex.map(make_one, jobs):
            failed += line.startswith("FAIL")
            print(line, flush=True)
    return 1 if failed else 0


def missing_tools(route):
    miss = [t for t in NEED.get(route, []) if not shutil.which(t)]
    if route == "chromehf" and not G.chromium_bin():
        miss.append("chromium")
    return f"missing {', '.join(miss)} (see bench/corpus/README.md)" if miss else None


def main():
    return run_routes(__doc__, ROUTES, missing_tools, make_one)


if __name__ == "__main__":
    sys.exit(main())
