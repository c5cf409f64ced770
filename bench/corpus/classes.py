#!/usr/bin/env python3
"""The documents of generate.py through the document classes of publishers.

Usage (from the crate root):
  python3 bench/corpus/classes.py --seed 1501 --count 8 --out /var/tmp/classes [--routes ieee,acm] [--size small]

Papers arrive in the house styles of journals and conferences, each with its own title block, heading
style and page furniture. These routes draw generate.py's documents (its model, so its ground truth) and
typeset them with the classes of texlive-publishers (Debian: `apt-get install texlive-publishers`):
  ieee    IEEEtran, conference: two columns under a centred title and author block; the abstract a
          bold run-in paragraph ("Abstract—..."); sections numbered in Roman numerals and set in small
          capitals drawn as smaller capitals ("I. INTRODUCTION"), subsections lettered in italics
          ("A. Title"); Times
  llncs   Springer LNCS: one narrow column, Computer Modern, microtype's font expansion and protrusion
          (glyphs stretched by up to 2 % to even out justified lines); the abstract a small run-in
          paragraph ("Abstract. ..."); bold numbered headings
  elsart  elsarticle, preprint, 12pt: the title block and an abstract between rules, section numbers with
          a closing point ("1.1."), italic subsections; a footer on the first page only ("Preprint
          submitted to <journal>  <date>")
  acm     acmart, sigconf, without its rights block: two columns, headings in sans-serif capitals
          ("1 INTRODUCTION"), lists numbered "(1)", running heads with the short title and the author
          on every page after the first, page numbers
  beamer  slides in the Madrid theme: a title frame, then a frame for each heading (its title
          repeated over the frames its blocks need), items marked by shaded balls drawn as small
          forms, a footline with the author, the title and the slide number; no abstract
Where a class sets third-level headings in the paragraph (IEEEtran, LNCS, acmart), the drawn document has two
heading levels, numbered as the class numbers them; the ground truth carries the numbers the page shows.
A run-in abstract is a paragraph of the ground truth that starts with its label, not a heading.
Page furniture (running heads, page numbers, the preprint footer) is not ground truth.
OUT/ROUTE/NAME.pdf and OUT/ROUTE/NAME.md are written, the layout bench/scoreboard.py reads."""
import os, random, re, shutil, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as G  # noqa: E402
import styles as S  # noqa: E402

ROUTES = ["ieee", "llncs", "elsart", "acm", "beamer"]
TWO = dict(max_cols=4, long_tables=False, code_width=34, abstract=True)
CAPS = {"ieee": G.Caps("ieee", **TWO), "llncs": G.Caps("llncs", abstract=True, max_cols=7, code_width=50),
        "elsart": G.Caps("elsart", abstract=True), "acm": G.Caps("acm", **TWO),
        "beamer": G.Caps("beamer", max_cols=5, long_tables=False, code_width=40)}
CLASS = {"ieee": "ieeetran/IEEEtran.cls", "llncs": "llncs/llncs.cls", "elsart": "elsarticle/elsarticle.cls",
         "acm": "acmart/acmart.cls", "beamer": "beamer/beamer.cls"}
JOURNALS = ["Applied Systems Review", "Journal of Field Measurement", "Computers and Archives",
            "Transport Research Letters", "Data and Process Engineering"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def two_levels(doc):
    """Third-level headings become second-level ones, renumbered (classes that run them in)."""
    counters, blocks = [0, 0], []
    for b in doc["blocks"]:
        if b[0] == "h":
            level = min(b[1], 2)
            num = None
            if b[2]:
                counters[level - 1] += 1
                if level == 1:
                    counters[1] = 0
                num = ".".join(str(c) for c in counters[:level])
            b = ("h", level, num, b[3])
        blocks.append(b)
    return dict(doc, blocks=blocks)


def page_number(route, num):
    """The number a class prints before a heading, from generate's "2.1"."""
    if route != "ieee" or not num:
        return num
    parts = [int(p) for p in num.split(".")]
    return ROMAN[parts[0] - 1] + "." if len(parts) == 1 else chr(64 + parts[1]) + "."


def truth(route, doc, caps):
    if route == "beamer":  # no abstract on slides
        return G.to_markdown(dict(doc, abstract=None), caps)
    shown = dict(doc, abstract=None, blocks=[("h", b[1], page_number(route, b[2]), b[3]) if b[0] == "h" else b
                                           for b in doc["blocks"]])
    md = G.to_markdown(shown, caps)
    if doc["abstract"]:
        text = G.md_inline(doc["abstract"], caps)
        label = {"ieee": "*Abstract*—", "llncs": "**Abstract.** "}.get(route)
        block = f"{label}{text}" if label else f"## Abstract\n\n{text}"
        head, rest = md.split("\n\n", 2)[:2], md.split("\n\n", 2)[2:]
        md = "\n\n".join(head + [block] + rest)
    return md


def source(route, doc, caps, rng):
    src = G.to_latex(doc, G.Caps("latex1"))
    src = re.sub(r"\\usepackage\[a4paper,[^\]]*\]\{geometry\}\n", "", src)
    title, author = G.tex(doc["title"]), G.tex(doc["author"])
    abstract = (r"\begin{abstract}" + "\n" + G.tex_inline(doc["abstract"]) + "\n" + r"\end{abstract}") if doc["abstract"] else ""
    src = re.sub(r"\\begin\{abstract\}\n.*?\n\\end\{abstract\}\n", "", src, flags=re.S)
    src = src.replace(r"\title{" + title + "}" + "\n" + r"\author{" + author + "}" + "\n" + r"\date{}" + "\n", "")
    if route == "ieee":
        src = src.replace(r"\documentclass[11pt]{article}", r"\documentclass[conference]{IEEEtran}")
        front = [r"\title{" + title + "}", r"\author{\IEEEauthorblockN{" + author + "}}", r"\begin{document}",
                 r"\maketitle", abstract]
    elif route == "llncs":
        src = src.replace(r"\documentclass[11pt]{article}", r"\documentclass{llncs}" + "\n" + r"\usepackage{microtype}")
        front = [r"\title{" + title + "}", r"\author{" + author + "}", r"\institute{}", r"\begin{document}",
                 r"\maketitle", abstract]
    elif route == "elsart":
        src = src.replace(r"\documentclass[11pt]{article}", r"\documentclass[preprint,12pt]{elsarticle}")
        front = [r"\journal{" + rng.choice(JOURNALS) + "}", r"\begin{document}", r"\begin{frontmatter}",
                 r"\title{" + title + "}", r"\author{" + author + "}", abstract, r"\end{frontmatter}"]
    else:
        src = src.replace(r"\documentclass[11pt]{article}", r"\documentclass[sigconf]{acmart}" + "\n" +
                          r"\settopmatter{printacmref=false,printccs=false,printfolios=true}" + "\n" +
                          r"\setcopyright{none}\renewcommand\footnotetextcopyrightpermission[1]{}" + "\n" +
                          r"\acmConference{}{}{}")
        src = src.replace(r"\usepackage[hidelinks]{hyperref}" + "\n", "")
        front = [r"\title{" + title + "}", r"\author{" + author + "}", r"\affiliation{\institution{}\country{}}",
                 r"\begin{document}", abstract, r"\maketitle"]
    src = src.replace(r"\begin{document}" + "\n" + r"\maketitle" + "\n", "\n".join(f for f in front if f) + "\n")
    return src


def beamer_source(doc):
    """Slides: a title frame, then one frame per heading (broken over as many frames as its blocks
    need, each repeating the title), in the Madrid theme: items marked by shaded balls, a footline
    with the author, the title and the slide number."""
    pre = G.to_latex(doc, G.Caps("latex1")).split(r"\begin{document}")[0]
    pre = re.sub(r"\\usepackage\[a4paper,[^\]]*\]\{geometry\}\n", "", pre)
    pre = pre.replace(r"\documentclass[11pt]{article}", r"\documentclass{beamer}" + "\n" + r"\usetheme{Madrid}" + "\n" +
                      r"\setbeamertemplate{frametitle continuation}{}" + "\n" + r"\setbeamertemplate{navigation symbols}{}")
    pre = pre.replace(r"\usepackage[hidelinks]{hyperref}" + "\n", "")
    pre = re.sub(r"\\renewcommand\{\\labelenumi+\}\{[^\n]*\n", "", pre)
    out = [pre, r"\begin{document}", r"\begin{frame}\titlepage\end{frame}"]
    open_frame = False
    for b in doc["blocks"]:
        if b[0] == "h":
            if open_frame:
                out.append(r"\end{frame}")
            title = (f"{b[2]} " if b[2] else "") + b[3]
            out.append(r"\begin{frame}[allowframebreaks,fragile]{" + G.tex(title) + "}")
            open_frame = True
            continue
        if not open_frame:
            out.append(r"\begin{frame}[allowframebreaks,fragile]")
            open_frame = True
        if b[0] == "p":
            out += ["", G.tex_inline(b[1]), ""]
        elif b[0] == "list":
            out += G.tex_list(b)
        elif b[0] == "table":
            out += G.tex_table(b, G.Caps("beamer"))
        elif b[0] == "code":
            out += [r"\begin{verbatim}"] + b[1] + [r"\end{verbatim}"]
    if open_frame:
        out.append(r"\end{frame}")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def make_one(job):
    route, seed, index, out, size = job
    caps = CAPS[route]
    rng = random.Random(f"mdspool-classes:{seed}:{route}:{index}")
    doc = G.make_doc(rng, caps, size)
    if route in ("ieee", "llncs", "acm"):
        doc = two_levels(doc)
    md = truth(route, doc, caps)
    env = dict(os.environ, SOURCE_DATE_EPOCH=G.EPOCH, FORCE_SOURCE_DATE="1")

    def make(work, pdf):
        with open(os.path.join(work, "doc.tex"), "w", encoding="utf-8") as f:
            f.write(beamer_source(doc) if route == "beamer" else source(route, doc, caps, rng))
        for _ in range(2):
            r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=work,
                               env=env, capture_output=True, text=True, errors="replace", timeout=240)
            if r.returncode != 0:
                raise RuntimeError("pdflatex failed: " + r.stdout[-1500:])
        shutil.copy(os.path.join(work, "doc.pdf"), pdf)
        return md
    return S.build_one(route, f"c{seed}-{index:03d}", out, make)


def missing_class(route):
    name = os.path.basename(CLASS[route])
    found = subprocess.run(["kpsewhich", name], capture_output=True, text=True) if shutil.which("kpsewhich") else None
    if shutil.which("pdflatex") and found and found.stdout.strip():
        return None
    return f"needs pdflatex and {name} (apt-get install texlive-publishers)"


def main():
    return S.run_routes(__doc__, ROUTES, missing_class, make_one)


if __name__ == "__main__":
    sys.exit(main())
