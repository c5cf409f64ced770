#!/usr/bin/env python3
"""Seeded ground-truth corpus: the same kind of document made into PDF by several producers.

Usage (from the crate root):
  python3 bench/corpus/generate.py --seed 1 --count 5 --out DIR [--producers latex1,typst] [--size small]
                                   [--jobs 2]

For each document it writes DIR/<producer>/<name>.pdf and DIR/<producer>/<name>.md, the Markdown a reader
should get back from the PDF (the ground truth), plus DIR/manifest.json (pages and features per document).
The Markdown depends only on the seed, producer, index and --size: the same command writes the same
Markdown on any machine. PDF bytes may differ slightly between tool versions.

Producers (each skipped with a message when its tool is missing; see README.md beside this file):
  latex1   pdflatex, article, one column
  latex2   pdflatex, twocolumn article, title and abstract across both columns
  latexhf  pdflatex with fancyhdr running headers, footers and "Page N of M"
  writer   pandoc Markdown -> .docx/.odt -> LibreOffice Writer PDF export
  chromium headless Chromium print-to-PDF of HTML (CSS list bullets, bordered tables, CSS columns)
  typst    Typst (the `typst` Python package or the typst CLI)
  groff    groff -ms (+tbl) to PostScript, then ghostscript ps2pdf
  pandoc-latex  pandoc's own LaTeX template through xelatex (DejaVu fonts): the common `pandoc -o x.pdf`
  pandoc-html   pandoc's standalone HTML (its default style sheet) printed by headless Chromium
  pandoc-ms     pandoc's ms output through groff -ms and ps2pdf
Only the Python standard library is used; the tools run as subprocesses (typst in-process when the
Python package is there)."""
import argparse, html, json, os, random, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ProcessPoolExecutor

EPOCH = "1700000000"  # SOURCE_DATE_EPOCH for every tool that reads it
PRODUCERS = ["latex1", "latex2", "latexhf", "writer", "chromium", "typst", "groff",
             "pandoc-latex", "pandoc-html", "pandoc-ms", "typst2"]
PANDOC_FROM = "markdown-tex_math_dollars-raw_tex-subscript-superscript-smart-auto_identifiers"

# ----------------------------------------------------------------------------------------------------
# Vocabulary (built in; no downloads)

NOUNS = """system method result analysis sample model network signal channel buffer record report
measurement estimate sensor device protocol interface archive ledger invoice contract schedule budget
forecast margin revenue expense supplier customer region warehouse shipment inventory catalogue
process procedure pipeline workflow document section chapter paragraph figure summary abstract index
library module function variable parameter threshold interval window segment boundary surface volume
pressure temperature humidity velocity frequency amplitude voltage current resistance capacity density
population village harbour river valley mountain forest meadow garden bridge tunnel railway station
engine turbine valve pump compressor filter reactor furnace kiln boiler crane vessel cargo freight
committee council ministry agency department office branch partner member student teacher author
reader editor printer publisher journal volume article review survey census ballot election policy
statute clause treaty agreement dispute settlement verdict appeal hearing witness evidence exhibit
algorithm compiler parser scanner encoder decoder cache queue stack heap thread socket packet frame
spectrum lattice crystal molecule protein enzyme membrane tissue organism specimen culture colony
telescope satellite orbit eclipse comet meteor nebula galaxy horizon latitude longitude altitude
""".split()
VERBS = """describes measures estimates records reports reduces increases improves extends limits
controls monitors compares combines separates filters converts transfers stores retrieves validates
verifies confirms rejects accepts delivers receives allocates assigns schedules balances adjusts
calibrates normalises aggregates summarises predicts explains illustrates supports requires exceeds
replaces reflects defines determines influences captures preserves restores indicates""".split()
ADJS = """robust efficient reliable accurate precise stable flexible modular compact scalable durable
uniform linear nonlinear periodic random sparse dense narrow broad shallow steep gradual rapid
seasonal annual monthly quarterly regional national local global internal external primary secondary
preliminary final tentative experimental theoretical empirical statistical numerical analytical
historical contemporary traditional modern ancient rural urban coastal northern southern eastern
western central peripheral optional mandatory temporary permanent visible hidden""".split()
ADVS = """carefully rapidly slowly gradually significantly slightly consistently occasionally rarely
usually typically independently jointly separately directly indirectly strictly loosely""".split()
LONG = """characterisation internationalisation interoperability electroencephalography
thermodynamically counterintuitively incomprehensibility misrepresentation reconfiguration
decentralisation photosynthesis spectrophotometry telecommunications infrastructure
multidisciplinary disproportionately electromagnetic microarchitecture recommendations
responsibilities implementation synchronisation approximation transformation""".split()
PREPS = ["across", "within", "along", "beyond", "under", "over", "between", "during", "after", "before"]
FIRST = ["Maria", "Jonas", "Amelia", "Tomasz", "Ingrid", "Rafael", "Chen", "Priya", "Olga", "Kwame",
         "Lucía", "Henrik", "Aiko", "Dmitri", "Fatima", "Pieter", "Sofia", "Mateo", "Elena", "Noah"]
LAST = ["Lindqvist", "Okafor", "Moreau", "Novak", "Tanaka", "Fernández", "Schmidt", "Kowalski",
        "Haddad", "Ivanova", "Rossi", "Andersen", "Nakamura", "Costa", "Brennan", "Varga", "Weber"]
GREEK = """ανάλυση δεδομένα σύστημα μέθοδος αποτέλεσμα έρευνα πρόβλημα λύση θεωρία εφαρμογή χρόνος
ταχύτητα δίκτυο γλώσσα κείμενο ιστορία φιλοσοφία επιστήμη πληροφορία θάλασσα πόλη βιβλίο""".split()
CYRILLIC = """анализ данные система метод результат исследование проблема решение теория применение
время скорость сеть язык текст история наука информация работа вопрос ответ город книга""".split()
# accented Latin: the first list is inside Latin-1 (every producer), the second needs more
ACCENT1 = """café naïve résumé façade Übersetzung Straße Größe Müller señor niño años pequeño coração
ação São élève fenêtre être déjà Zürich Ångström smørbrød Ærø Göteborg crème brûlée""".split()
ACCENT2 = """Dvořák Łódź Kraków český příliš Škoda Gdańsk Wrocław Plzeň Tiszaújváros Poznań
Ðakovo Œuvre""".split()
CURRENCIES = ["$", "$", "$", "€", "£"]
CATEGORIES = {
    "Region": ["North", "South", "East", "West", "Central", "Coastal"],
    "Status": ["Active", "Pending", "Closed", "On hold", "Draft"],
    "Category": ["Hardware", "Software", "Services", "Travel", "Training", "Licences"],
    "Priority": ["High", "Medium", "Low"],
    "Grade": ["A", "B", "C", "D"],
    "Type": ["Internal", "External", "Mixed"],
}


def plural(noun):
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


class Caps:
    """What a producer can render; the document drawn for it (and so the ground truth) obeys this."""
    def __init__(self, name, greek=True, cyrillic=True, accent2=True, max_cols=9, long_tables=True,
                 code_width=56, abstract=False, links=True, multicol=False):
        self.name, self.greek, self.cyrillic, self.accent2 = name, greek, cyrillic, accent2
        self.max_cols, self.long_tables, self.code_width = max_cols, long_tables, code_width
        self.abstract, self.links, self.multicol = abstract, links, multicol


CAPS = {
    "latex1": Caps("latex1"),
    "latex2": Caps("latex2", max_cols=4, long_tables=False, code_width=34, abstract=True),
    "latexhf": Caps("latexhf"),
    "writer": Caps("writer"),
    "chromium": Caps("chromium", multicol=True),
    "typst": Caps("typst", abstract=True),
    # two columns: narrow tables and code, as for latex2
    "typst2": Caps("typst2", max_cols=4, long_tables=False, code_width=34, abstract=True),
    "groff": Caps("groff", greek=False, cyrillic=False, accent2=False, links=False, max_cols=8),
    "pandoc-latex": Caps("pandoc-latex"),
    # pandoc's style sheet keeps the text 36 em wide: wider tables run off the printed page
    "pandoc-html": Caps("pandoc-html", max_cols=5),
    "pandoc-ms": Caps("pandoc-ms", greek=False, cyrillic=False, accent2=False, links=False, max_cols=8),
}

# ----------------------------------------------------------------------------------------------------
# Document model. Inline spans: ("t", text) plain, ("i", text) italic, ("b", text) bold,
# ("c", text) inline code, ("a", text, url) link, ("g", text) Greek, ("r", text) Cyrillic,
# ("fn", number, text) footnote reference. Blocks: ("h", level, number_or_None, text), ("p", spans),
# ("list", ordered, items) with items [(spans, sublist_or_None)], ("table", style, header, rows, aligns),
# ("code", lines).


class Gen:
    def __init__(self, rng, caps, size):
        self.r, self.caps, self.size = rng, caps, size
        self.footnotes = []  # (number, text)

    def pick(self, seq):
        return self.r.choice(seq)

    def noun_phrase(self):
        r = self.r
        w = [self.pick(NOUNS)]
        if r.random() < 0.5:
            w.insert(0, self.pick(ADJS))
        if r.random() < 0.12:
            w.insert(0, self.pick(LONG))
        return " ".join(w)

    def sentence(self):
        r = self.r
        k = r.random()
        if k < 0.04:
            v = r.sample(["t", "x", "n", "k", "v", "p", "y"], 3)
            return (f"Here {v[0]} is in seconds, {v[1]} is the {self.pick(NOUNS)} in metres and {v[2]} "
                    f"counts each {self.pick(NOUNS)} of the {self.noun_phrase()}.")
        if k < 0.12:
            a, b = r.randint(2, 99), r.randint(2, 99)
            op = self.pick(["=", "+", "<", ">", "×", "±", "≤", "≥", "−"])
            return (f"The {self.noun_phrase()} satisfies {self.pick('abcxyz')} {op} {a} whenever "
                    f"{self.pick('mnpq')} {self.pick(['≤', '<', '='])} {b} holds for the {self.pick(NOUNS)}.")
        if k < 0.17:
            words = [self.pick(ACCENT1 + (ACCENT2 if self.caps.accent2 else [])) for _ in range(r.randint(2, 4))]
            return f"The {self.pick(NOUNS)} list names {', '.join(words[:-1])} and {words[-1]}."
        subj = self.noun_phrase()
        s = f"The {subj} {self.pick(VERBS)} the {self.noun_phrase()}"
        if r.random() < 0.6:
            s += f" {self.pick(PREPS)} the {self.noun_phrase()}"
        if r.random() < 0.35:
            s += f" and {self.pick(ADVS)} {self.pick(VERBS)} each {self.noun_phrase()}"
        if r.random() < 0.25:
            s += f", which {self.pick(VERBS)} {r.randint(2, 950)} {plural(self.pick(NOUNS))}"
        return s + "."

    def spans(self, n_sentences):
        """A paragraph: sentences with emphasis, code, links, foreign words and footnotes mixed in."""
        r = self.r
        out = []
        for i in range(n_sentences):
            s = self.sentence()
            x = r.random()
            if x < 0.12:
                w = s.split(" ")
                j = r.randint(1, max(1, len(w) - 3))
                kind = self.pick(["i", "b", "i"])
                pre, mid, post = " ".join(w[:j]), " ".join(w[j:j + 2]), " ".join(w[j + 2:])
                out += [("t", pre + " "), (kind, mid.rstrip(".,")), ("t", mid[len(mid.rstrip(".,")):] + (" " + post if post else ""))]
            elif x < 0.18:
                ident = "_".join(r.sample(NOUNS, 2))
                out += [("t", f"The option "), ("c", ident), ("t", f" {self.pick(VERBS)} the {self.noun_phrase()}.")]
            elif x < 0.23 and self.caps.links:
                a, b = self.pick(NOUNS), self.pick(NOUNS)
                out += [("t", "See the "), ("a", f"{a} {b} guide", f"https://www.example.org/{a}/{b}"),
                        ("t", f" for the {self.noun_phrase()}.")]
            elif x < 0.27 and self.caps.greek:
                g = " ".join(r.sample(GREEK, r.randint(1, 3)))
                out += [("t", "The Greek term is "), ("g", g), ("t", f" and it {self.pick(VERBS)} the {self.pick(NOUNS)}.")]
            elif x < 0.31 and self.caps.cyrillic:
                c = " ".join(r.sample(CYRILLIC, r.randint(1, 3)))
                out += [("t", "In Russian the report says "), ("r", c), ("t", f" about the {self.pick(NOUNS)}.")]
            else:
                out.append(("t", s))
            if r.random() < 0.05 and len(self.footnotes) < 6:
                n = len(self.footnotes) + 1
                self.footnotes.append((n, self.sentence()))
                out.append(("fn", n, self.footnotes[-1][1]))
            if i < n_sentences - 1:
                out.append(("t", " "))
        # merge neighbouring plain text
        merged = []
        for s in out:
            if s[0] == "t" and merged and merged[-1][0] == "t":
                merged[-1] = ("t", merged[-1][1] + s[1])
            elif s[0] == "t" and not s[1]:
                continue
            else:
                merged.append(s)
        return merged

    def title(self, words=(3, 6)):
        w = [self.pick(ADJS), self.pick(NOUNS)]
        for _ in range(self.r.randint(*words) - 2):
            w.append(self.pick(NOUNS + PREPS[:3] + ["and", "of", "for"]))
        while w[-1] in PREPS + ["and", "of", "for"]:
            w.pop()
        return " ".join(x if x in ("and", "of", "for") or x in PREPS else x.capitalize() for x in w)

    def list_block(self, depth=0):
        r = self.r
        ordered = r.random() < 0.45
        items = []
        for _ in range(r.randint(2, 5 if depth == 0 else 3)):
            if r.random() < 0.3:
                sp = self.spans(r.randint(1, 2))
            else:
                t = self.noun_phrase()
                sp = [("t", t[0].upper() + t[1:] + self.pick(["", "", ".", f" {self.pick(PREPS)} the {self.noun_phrase()}"]))]
            sub = None
            if depth < 2 and r.random() < (0.25 if depth == 0 else 0.15):
                sub = self.list_block(depth + 1)
            items.append((sp, sub))
        return ("list", ordered, items)

    def table_block(self):
        r = self.r
        caps = self.caps
        wide = r.random() < 0.25 and caps.max_cols >= 6
        ncols = r.randint(6, caps.max_cols) if wide else r.randint(2, min(4, caps.max_cols))
        long_ = caps.long_tables and r.random() < 0.18 and self.size != "small"
        nrows = r.randint(35, 60) if long_ else r.randint(3, 12 if caps.max_cols > 4 else 7)
        style = self.pick(["ruled", "booktabs", "plain"])
        cur = self.pick(CURRENCIES)
        cols = [("Item", "name")]
        pool = list(CATEGORIES)
        r.shuffle(pool)
        numeric = [("Amount", "money"), ("Cost", "money"), ("Total", "money"), ("Units", "int"),
                   ("Share", "pct"), ("Rate", "float"), ("Change", "signed"), ("Year", "year"),
                   ("Price", "money"), ("Weight", "float"), ("Count", "int")]
        r.shuffle(numeric)
        while len(cols) < ncols:
            if pool and (r.random() < 0.35 or not numeric):
                c = pool.pop()
                cols.append((c, "cat:" + c))
            else:
                cols.append(numeric.pop())
        header = [c[0] for c in cols]
        rows = []
        for _ in range(nrows):
            row = []
            for _name, kind in cols:
                if kind == "name":
                    v = self.noun_phrase() if r.random() < 0.7 else self.pick(NOUNS).capitalize() + f" {r.randint(1, 99)}"
                    v = v[0].upper() + v[1:]
                elif kind.startswith("cat:"):
                    v = self.pick(CATEGORIES[kind[4:]])
                elif kind == "money":
                    v = f"{cur}{r.randint(0, 99999) + r.randint(0, 99) / 100:,.2f}"
                elif kind == "int":
                    v = f"{r.randint(0, 20000):,}"
                elif kind == "pct":
                    v = f"{r.uniform(0, 100):.1f}%"
                elif kind == "float":
                    v = f"{r.uniform(0, 50):.3f}"
                elif kind == "signed":
                    x = r.uniform(-30, 30)
                    v = f"{'+' if x >= 0 else '−'}{abs(x):.1f}"
                else:
                    v = str(r.randint(1990, 2026))
                row.append(v)
            rows.append(row)
        aligns = ["l" if k == "name" or k.startswith("cat:") else "r" for _n, k in cols]
        return ("table", style, header, rows, aligns)

    def code_block(self):
        r = self.r
        w = self.caps.code_width
        a, b, c = (x.replace(" ", "_") for x in r.sample(NOUNS, 3))
        kind = r.randint(0, 2)
        if kind == 0:
            lines = [f"def {a}_{b}(items, limit={r.randint(2, 99)}):", f"    total = 0",
                     f"    for {c} in items:", f"        if {c}.size > limit:", f"            continue",
                     f"        total += {c}.weight", f"    return total"]
        elif kind == 1:
            # an INI-style snippet: a '#' comment at a line start would count as a heading in score.py
            lines = [f"; {self.pick(ADJS)} {a} settings", f"[{a}]", f"name = \"{b}\"",
                     f"size = {r.randint(1, 4096)}", f"ratio = {r.uniform(0, 1):.2f}", f"[{b}.{c}]", f"enabled = true"]
        else:
            lines = [f"$ {a} --{b} {r.randint(1, 64)} input.dat", f"{b}: {r.randint(10, 999)} records read",
                     f"{c}: {r.uniform(0, 100):.1f}% done", f"$ echo $?", "0"]
        return ("code", [l[:w] for l in lines[:r.randint(4, len(lines))]])

    def body_block(self):
        x = self.r.random()
        if x < 0.55:
            return ("p", self.spans(self.r.randint(3, 8)))
        if x < 0.75:
            return self.list_block()
        if x < 0.90:
            return self.table_block()
        return self.code_block()


def make_doc(rng, caps, size):
    g = Gen(rng, caps, size)
    r = rng
    numbered = r.random() < 0.55
    doc = {"title": g.title((4, 8)), "author": f"{g.pick(FIRST)} {g.pick(LAST)}", "abstract": None,
           "blocks": [], "numbered": numbered, "multicol": caps.multicol and r.random() < 0.35}
    if caps.abstract and (caps.name == "latex2" or r.random() < 0.4):
        doc["abstract"] = g.spans(r.randint(3, 6))
    if size == "small":
        nsec = r.randint(2, 3)
    else:
        nsec = r.choice([2, 3, 4, 4, 5, 6, 7, 8, 10])
    counters = [0, 0, 0]

    def heading(level, unnumbered=False):
        if numbered and not unnumbered:
            counters[level - 1] += 1
            for k in range(level, 3):
                counters[k] = 0
            num = ".".join(str(c) for c in counters[:level])
        else:
            num = None
        doc["blocks"].append(("h", level, num, g.title((1, 4)) if level > 1 else g.title((2, 4))))

    for s in range(nsec):
        heading(1)
        doc["blocks"].append(("p", g.spans(r.randint(3, 8))))
        for _ in range(r.randint(0, 2 if size == "small" else 3)):
            doc["blocks"].append(g.body_block())
        for _ in range(r.randint(0, 1 if size == "small" else 3)):
            heading(2)
            doc["blocks"].append(("p", g.spans(r.randint(2, 7))))
            for _ in range(r.randint(0, 2)):
                doc["blocks"].append(g.body_block())
            if r.random() < 0.3:
                heading(3)
                doc["blocks"].append(("p", g.spans(r.randint(2, 6))))
                if r.random() < 0.5:
                    doc["blocks"].append(g.body_block())
    if numbered and r.random() < 0.3:
        doc["blocks"].append(("h", 1, None, "Acknowledgements"))
        doc["blocks"].append(("p", g.spans(2)))
    doc["footnotes"] = g.footnotes
    return doc

# ----------------------------------------------------------------------------------------------------
# Ground truth Markdown


def md_inline(spans, caps):
    out = []
    for s in spans:
        k = s[0]
        if k in ("t", "g", "r"):
            out.append(s[1])
        elif k == "i":
            out.append(f"*{s[1]}*")
        elif k == "b":
            out.append(f"**{s[1]}**")
        elif k == "c":
            out.append(f"`{s[1]}`")
        elif k == "a":
            out.append(f"[{s[1]}]({s[2]})")
        elif k == "fn":
            out.append(f"[^{s[1]}]")
    return "".join(out)


def md_list(block, caps, indent=""):
    _, ordered, items = block
    lines = []
    for n, (sp, sub) in enumerate(items, 1):
        mark = f"{n}. " if ordered else "- "
        lines.append(indent + mark + md_inline(sp, caps))
        if sub:
            lines += md_list(sub, caps, indent + " " * len(mark))
    return lines


def md_table(block):
    _, _style, header, rows, aligns = block
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if a == "r" else "---" for a in aligns) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def to_markdown(doc, caps):
    parts = [f"# {doc['title']}", doc["author"]]
    if doc["abstract"]:
        parts += ["## Abstract", md_inline(doc["abstract"], caps)]
    for b in doc["blocks"]:
        if b[0] == "h":
            _, level, num, text = b
            parts.append("#" * (level + 1) + " " + (f"{num} " if num else "") + text)
        elif b[0] == "p":
            parts.append(md_inline(b[1], caps))
        elif b[0] == "list":
            parts.append("\n".join(md_list(b, caps)))
        elif b[0] == "table":
            parts.append("\n".join(md_table(b)))
        elif b[0] == "code":
            parts.append("```\n" + "\n".join(b[1]) + "\n```")
    for n, text in doc["footnotes"]:
        parts.append(f"[^{n}]: {text}")
    return "\n\n".join(parts) + "\n"

# ----------------------------------------------------------------------------------------------------
# Soft hyphens for producers without a hyphenation dictionary (Chromium, Writer): long words get
# U+00AD break points, which a PDF shows as a hyphen only at a line end.


def shy(text):
    def one(m):
        w = m.group(0)
        return "\u00ad".join(w[i:i + 4] for i in range(0, len(w), 4)) if len(w) >= 11 else w
    return re.sub(r"[A-Za-z]{11,}", one, text)


def shy_markdown(md):
    """Soft hyphens in the prose of a Markdown text, not in code, link targets or headings."""
    out, fence = [], False
    for line in md.split("\n"):
        if line.startswith("```"):
            fence = not fence
        if fence or line.startswith("#") or line.startswith("```"):
            out.append(line)
            continue
        parts = re.split(r"(`[^`]*`|\]\([^)]*\))", line)
        out.append("".join(p if i % 2 else shy(p) for i, p in enumerate(parts)))
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------------
# LaTeX


TEX_MAP = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
           "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
           "≤": r"$\leq$", "≥": r"$\geq$", "×": r"$\times$", "±": r"$\pm$", "−": r"$-$",
           "€": r"\texteuro{}", "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}


def tex(s):
    return "".join(TEX_MAP.get(ch, ch) for ch in s)


def tex_inline(spans):
    out = []
    for s in spans:
        k = s[0]
        if k == "t":
            out.append(tex(s[1]))
        elif k == "i":
            out.append(r"\emph{" + tex(s[1]) + "}")
        elif k == "b":
            out.append(r"\textbf{" + tex(s[1]) + "}")
        elif k == "c":
            out.append(r"\texttt{" + tex(s[1]) + "}")
        elif k == "a":
            out.append(r"\href{" + s[2] + "}{" + tex(s[1]) + "}")
        elif k == "g":
            out.append(r"\foreignlanguage{greek}{" + s[1] + "}")
        elif k == "r":
            out.append(r"\foreignlanguage{russian}{" + s[1] + "}")
        elif k == "fn":
            out.append(r"\footnote{" + tex(s[2]) + "}")
    return "".join(out)


def tex_list(block):
    _, ordered, items = block
    env = "enumerate" if ordered else "itemize"
    lines = [r"\begin{" + env + "}"]
    for sp, sub in items:
        lines.append(r"\item " + tex_inline(sp))
        if sub:
            lines += tex_list(sub)
    lines.append(r"\end{" + env + "}")
    return lines


def tex_table(block, caps):
    _, style, header, rows, aligns = block
    n = len(header)
    long_ = len(rows) > 20
    small = n > 5 or caps.name == "latex2"
    lines = [r"{\scriptsize\setlength{\tabcolsep}{4pt}" if n >= 8 else r"{\small\setlength{\tabcolsep}{4pt}"] if small else []
    spec = ("|" + "|".join(aligns) + "|") if style == "ruled" else "".join(aligns)
    top, mid, bot, sep = {"ruled": (r"\hline", r"\hline", "", r" \hline"),
                          "booktabs": (r"\toprule", r"\midrule", r"\bottomrule", ""),
                          "plain": ("", "", "", "")}[style]
    head = " & ".join((r"\textbf{" + tex(h) + "}") if style != "ruled" else tex(h) for h in header) + r" \\"
    if long_:
        lines += [r"\begin{longtable}{" + spec + "}", top, head, mid, r"\endfirsthead", top, head, mid,
                  r"\endhead", bot + r"\endlastfoot"]
    else:
        lines += [r"\begin{center}", r"\begin{tabular}{" + spec + "}", top, head, mid]
    lines += [" & ".join(tex(c) for c in r_) + r" \\" + sep for r_ in rows]
    if long_:
        lines.append(r"\end{longtable}")
    else:
        lines += [bot, r"\end{tabular}", r"\end{center}"]
    if small:
        lines.append("}")
    return [l for l in lines if l != ""]


def to_latex(doc, caps):
    hf = caps.name == "latexhf"
    two = caps.name == "latex2"
    L = [r"\documentclass[" + ("10pt,twocolumn" if two else "11pt") + "]{article}",
         r"\pdfinfoomitdate=1 \pdftrailerid{} \pdfsuppressptexinfo=-1",
         r"\usepackage[T2A,LGR,T1]{fontenc}", r"\usepackage[utf8]{inputenc}",
         r"\usepackage[greek,russian,english]{babel}", r"\usepackage{textcomp}",
         # body fonts: Computer Modern (cm-super) for latex1, Times for latex2, Charter for latexhf
         {"latex2": r"\usepackage{mathptmx}", "latexhf": r"\usepackage{charter}"}.get(caps.name, ""),
         r"\usepackage[a4paper,margin=" + ("2cm" if two else "2.5cm") + r",headheight=14pt]{geometry}",
         r"\usepackage{booktabs,longtable,array}", r"\usepackage[hidelinks]{hyperref}",
         r"\input{glyphtounicode}\pdfgentounicode=1",
         r"\renewcommand{\labelenumii}{\arabic{enumii}.}", r"\renewcommand{\labelenumiii}{\arabic{enumiii}.}"]
    if hf:
        short = " ".join(doc["title"].split()[:3])
        L += [r"\usepackage{fancyhdr,lastpage}", r"\pagestyle{fancy}", r"\fancyhf{}",
              r"\fancyhead[L]{\small " + tex(short) + "}", r"\fancyhead[R]{\small\leftmark}",
              r"\fancyfoot[L]{\small " + tex(f"Technical note {len(doc['title']) * 7 % 900 + 100}") + "}",
              r"\fancyfoot[R]{\small Page \thepage\ of \pageref{LastPage}}",
              r"\renewcommand{\headrulewidth}{0.4pt}", r"\renewcommand{\footrulewidth}{0.4pt}"]
    L += [r"\title{" + tex(doc["title"]) + "}", r"\author{" + tex(doc["author"]) + "}", r"\date{}",
          r"\begin{document}"]
    if two:
        L += [r"\makeatletter", r"\twocolumn[", r"\begin{@twocolumnfalse}", r"\maketitle"]
        if doc["abstract"]:
            L += [r"\begin{abstract}", tex_inline(doc["abstract"]), r"\end{abstract}", r"\vspace{1.5em}"]
        L += [r"\end{@twocolumnfalse}", "]", r"\makeatother"]
    else:
        L.append(r"\maketitle")
        if hf:
            L.append(r"\thispagestyle{fancy}")
        if doc["abstract"]:
            L += [r"\begin{abstract}", tex_inline(doc["abstract"]), r"\end{abstract}"]
    cmd = {1: "section", 2: "subsection", 3: "subsubsection"}
    for b in doc["blocks"]:
        if b[0] == "h":
            _, level, num, text = b
            L.append("\\" + cmd[level] + ("" if num else "*") + "{" + tex(text) + "}")
            if not num and hf and level == 1:
                L.append(r"\markboth{" + tex(text.upper()) + "}{}")
        elif b[0] == "p":
            L += ["", tex_inline(b[1]), ""]
        elif b[0] == "list":
            L += tex_list(b)
        elif b[0] == "table":
            L += tex_table(b, caps)
        elif b[0] == "code":
            L += [r"\begin{verbatim}"] + b[1] + [r"\end{verbatim}"]
    L.append(r"\end{document}")
    return "\n".join(L) + "\n"


def build_latex(doc, caps, work, pdf):
    src = os.path.join(work, "doc.tex")
    with open(src, "w", encoding="utf-8") as f:
        f.write(to_latex(doc, caps))
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, FORCE_SOURCE_DATE="1")
    runs = 2 if (caps.name == "latexhf" or "longtable}" in open(src, encoding="utf-8").read()) else 1
    for _ in range(runs):
        r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                           cwd=work, env=env, capture_output=True, text=True, errors="replace", timeout=180)
        if r.returncode != 0:
            raise RuntimeError("pdflatex failed: " + r.stdout[-1500:])
    shutil.copy(os.path.join(work, "doc.pdf"), pdf)

# ----------------------------------------------------------------------------------------------------
# Writer (pandoc -> docx/odt -> LibreOffice)


def build_writer(doc, caps, work, pdf, md, index):
    fmt = "docx" if index % 2 == 0 else "odt"
    src = os.path.join(work, "in.md")
    with open(src, "w", encoding="utf-8") as f:
        f.write(shy_markdown(md))
    doc_path = os.path.join(work, "doc." + fmt)
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    subprocess.run(["pandoc", "-f", PANDOC_FROM,
                    "-t", fmt, "-o", doc_path, src], check=True, env=env, capture_output=True, timeout=120)
    profile = os.path.join(tempfile.gettempdir(), f"mdspool-corpus-lo-{os.getpid()}")
    r = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", work, doc_path],
                       env=env, capture_output=True, text=True, timeout=300)
    out = os.path.join(work, "doc.pdf")
    if not os.path.exists(out):
        raise RuntimeError("soffice failed: " + r.stdout[-500:] + r.stderr[-500:])
    shutil.copy(out, pdf)

# ----------------------------------------------------------------------------------------------------
# Chromium (HTML + CSS)


def h(s):
    return html.escape(s, quote=True)


def html_inline(spans):
    out = []
    for s in spans:
        k = s[0]
        if k == "t":
            out.append(h(shy(s[1])))
        elif k == "i":
            out.append(f"<em>{h(s[1])}</em>")
        elif k == "b":
            out.append(f"<strong>{h(s[1])}</strong>")
        elif k == "c":
            out.append(f"<code>{h(s[1])}</code>")
        elif k == "a":
            out.append(f'<a href="{h(s[2])}">{h(s[1])}</a>')
        elif k == "g":
            out.append(f'<span lang="el">{h(s[1])}</span>')
        elif k == "r":
            out.append(f'<span lang="ru">{h(s[1])}</span>')
        elif k == "fn":
            out.append(f'<sup><a href="#fn{s[1]}">{s[1]}</a></sup>')
    return "".join(out)


def html_list(block):
    _, ordered, items = block
    tag = "ol" if ordered else "ul"
    out = [f"<{tag}>"]
    for sp, sub in items:
        out.append("<li>" + html_inline(sp) + ("\n" + html_list(sub) if sub else "") + "</li>")
    out.append(f"</{tag}>")
    return "\n".join(out)


CSS = """@page { size: A4; margin: 2cm 2cm 2.2cm 2cm; }
body { font-family: "DejaVu Serif", "Liberation Serif", serif; font-size: 10.5pt; line-height: 1.35;
       text-align: justify; color: #111; }
h1 { font-size: 20pt; text-align: center; margin-bottom: 0.2em; }
.author { text-align: center; font-style: italic; margin-bottom: 2em; }
h2 { font-size: 14pt; margin-top: 1.2em; } h3 { font-size: 12pt; } h4 { font-size: 11pt; font-style: italic; }
ul { list-style-type: disc; } ul ul { list-style-type: circle; } ul ul ul { list-style-type: square; }
code, pre { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 9pt; }
pre { background: #f3f3f3; padding: 6px 10px; border-left: 3px solid #999; text-align: left; }
table { border-collapse: collapse; margin: 0.8em auto; font-size: 9.5pt; }
th, td { padding: 2px 8px; } td.r, th.r { text-align: right; } td.l, th.l { text-align: left; }
table.ruled th, table.ruled td { border: 1px solid #333; }
table.booktabs { border-top: 2px solid #000; border-bottom: 2px solid #000; }
table.booktabs thead th { border-bottom: 1px solid #000; }
table.plain th { font-weight: bold; }
table.striped tbody tr:nth-child(even) { background: #e8eef6; }
.abstract { margin: 0 3em 1.5em 3em; font-size: 9.5pt; }
.multicol { column-count: 2; column-gap: 1.1cm; }
.multicol table, .multicol h2 { column-span: all; }
.footnotes { font-size: 9pt; border-top: 1px solid #999; margin-top: 2em; }
"""


def to_html(doc, caps):
    B = [f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{h(doc["title"])}</title>',
         f"<style>{CSS}</style></head><body>", f"<h1>{h(doc['title'])}</h1>", f'<p class="author">{h(doc["author"])}</p>']
    if doc["abstract"]:
        B.append(f'<div class="abstract"><h2>Abstract</h2><p>{html_inline(doc["abstract"])}</p></div>')
    if doc["multicol"]:
        B.append('<div class="multicol">')
    for b in doc["blocks"]:
        if b[0] == "h":
            _, level, num, text = b
            B.append(f"<h{level + 1}>" + (f"{num} " if num else "") + h(text) + f"</h{level + 1}>")
        elif b[0] == "p":
            B.append("<p>" + html_inline(b[1]) + "</p>")
        elif b[0] == "list":
            B.append(html_list(b))
        elif b[0] == "table":
            _, style, header, rows, aligns = b
            cls = style + (" striped" if len(rows) % 3 == 0 else "")
            t = [f'<table class="{cls}"><thead><tr>' + "".join(f'<th class="{a}">{h(c)}</th>' for c, a in zip(header, aligns)) + "</tr></thead><tbody>"]
            t += ["<tr>" + "".join(f'<td class="{a}">{h(c)}</td>' for c, a in zip(r_, aligns)) + "</tr>" for r_ in rows]
            B.append("\n".join(t) + "</tbody></table>")
        elif b[0] == "code":
            B.append("<pre>" + h("\n".join(b[1])) + "</pre>")
    if doc["multicol"]:
        B.append("</div>")
    if doc["footnotes"]:
        B.append('<div class="footnotes"><ol>' + "".join(f'<li id="fn{n}">{h(t)}</li>' for n, t in doc["footnotes"]) + "</ol></div>")
    B.append("</body></html>")
    return "\n".join(B) + "\n"


def chromium_bin():
    for b in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(b):
            return shutil.which(b)
    return None


def build_chromium(doc, caps, work, pdf):
    src = os.path.join(work, "doc.html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(to_html(doc, caps))
    udd = os.path.join(work, "profile")
    out = os.path.join(work, "doc.pdf")
    cmd = [chromium_bin(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={udd}", "--no-pdf-header-footer", f"--print-to-pdf={out}", "file://" + src]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    if not os.path.exists(out):
        raise RuntimeError("chromium failed: " + r.stderr[-800:])
    shutil.copy(out, pdf)

# ----------------------------------------------------------------------------------------------------
# Typst


def typ(s):
    return re.sub(r'([\\#*_`$<>@\[\]~/=+\-"\'])', r"\\\1", s)


def typ_inline(spans):
    out = []
    for s in spans:
        k = s[0]
        if k in ("t", "g", "r"):
            out.append(typ(s[1]))
        elif k == "i":
            out.append("#emph[" + typ(s[1]) + "]")
        elif k == "b":
            out.append("#strong[" + typ(s[1]) + "]")
        elif k == "c":
            out.append("#raw(" + json.dumps(s[1]) + ")")
        elif k == "a":
            out.append("#link(" + json.dumps(s[2]) + ")[" + typ(s[1]) + "]")
        elif k == "fn":
            out.append("#footnote[" + typ(s[2]) + "]")
    return "".join(out)


def typ_list(block, indent=""):
    _, ordered, items = block
    out = []
    for sp, sub in items:
        out.append(indent + ("+ " if ordered else "- ") + typ_inline(sp))
        if sub:
            out += typ_list(sub, indent + "  ")
    return out


def to_typst(doc, caps, index):
    T = ['#set document(title: ' + json.dumps(doc["title"]) + ', date: none)',
         '#set page(paper: "a4", margin: ' + ('2cm, columns: 2' if caps.name == "typst2" else '2.3cm')
         + (', numbering: "1"' if index % 2 else '') + ')',
         '#set text(size: 10.5pt, lang: "en", hyphenate: true)', '#set par(justify: true)',
         '#show heading.where(level: 1): set align(center)', '#show heading.where(level: 1): set text(size: 17pt)',
         '= ' + typ(doc["title"]), '#align(center)[#emph[' + typ(doc["author"]) + ']]', '']
    if doc["abstract"]:
        T += ['#align(center)[#text(size: 10pt, weight: "bold")[Abstract]]', '',
              '#pad(x: 2em)[#text(size: 9.5pt)[' + typ_inline(doc["abstract"]) + ']]', '']
    for b in doc["blocks"]:
        if b[0] == "h":
            _, level, num, text = b
            T += ["", "=" * (level + 1) + " " + (typ(num) + " " if num else "") + typ(text), ""]
        elif b[0] == "p":
            T += [typ_inline(b[1]), ""]
        elif b[0] == "list":
            T += typ_list(b) + [""]
        elif b[0] == "table":
            _, style, header, rows, aligns = b
            al = ", ".join("left" if a == "l" else "right" for a in aligns)
            stroke = {"ruled": "0.5pt", "booktabs": "none", "plain": "none"}[style]
            cells = []
            if style == "booktabs":
                cells.append("table.hline(stroke: 1pt)")
            cells.append("table.header(" + ", ".join("[*" + typ(c) + "*]" for c in header) + ")")
            if style == "booktabs":
                cells.append("table.hline(stroke: 0.5pt)")
            for r_ in rows:
                cells.append(", ".join("[" + typ(c) + "]" for c in r_))
            if style == "booktabs":
                cells.append("table.hline(stroke: 1pt)")
            size = "8.5pt" if len(header) > 5 else "9.5pt"
            T += ["#align(center)[#text(size: " + size + ")[#table(columns: " + str(len(header)) + ", align: (" + al +
                  "), stroke: " + stroke + ", inset: (x: 5pt, y: 3pt),", ",\n".join(cells), ")]]", ""]
        elif b[0] == "code":
            T += ["```text"] + b[1] + ["```", ""]
    # the footnotes were emitted inline with #footnote
    return "\n".join(T) + "\n"


def typst_available():
    try:
        import typst  # noqa: F401
        return "python"
    except ImportError:
        return "cli" if shutil.which("typst") else None


def build_typst(doc, caps, work, pdf, index):
    src = os.path.join(work, "doc.typ")
    with open(src, "w", encoding="utf-8") as f:
        f.write(to_typst(doc, caps, index))
    if typst_available() == "python":
        import typst
        typst.compile(src, output=pdf)
    else:
        subprocess.run(["typst", "compile", src, pdf], check=True, capture_output=True, timeout=180,
                       env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))

# ----------------------------------------------------------------------------------------------------
# groff -ms + tbl -> PostScript -> ps2pdf


def roff(s):
    s = s.replace("\\", "\\e")
    return s


def roff_line(s):
    s = roff(s)
    return "\\&" + s if s[:1] in (".", "'") else s


def roff_inline(spans):
    out = []
    for s in spans:
        k = s[0]
        if k in ("t", "g", "r", "a"):
            out.append(roff(s[1]))
        elif k == "i":
            out.append("\\fI" + roff(s[1]) + "\\fP")
        elif k == "b":
            out.append("\\fB" + roff(s[1]) + "\\fP")
        elif k == "c":
            out.append("\\f(CW" + roff(s[1]) + "\\fP")
        elif k == "fn":
            out.append("\\**\n.FS\n" + roff_line(s[2]) + "\n.FE\n")
    text = "".join(out)
    # a line that starts after a footnote must not begin with a control character
    return "\n".join(l if l.startswith((".FS", ".FE")) or l[:1] not in (".", "'") else "\\&" + l
                     for l in text.split("\n")).rstrip("\n")


def roff_list(block, depth=0):
    _, ordered, items = block
    out = []
    for n, (sp, sub) in enumerate(items, 1):
        out.append(f".IP {n}. 4" if ordered else ".IP \\(bu 3")
        out.append(roff_inline(sp))
        if sub:
            out.append(".RS")
            out += roff_list(sub, depth + 1)
            out.append(".RE")
    return out


def to_groff(doc, caps):
    R = [".nr PS 10", ".nr VS 12", ".nr LL 6.3i", ".nr HM 0.9i", ".nr FM 1i", ".nr PO 1i", ".hy 14",
         ".TL", roff_line(doc["title"]), ".AU", roff_line(doc["author"])]
    if doc["abstract"]:
        R += [".AB", roff_inline(doc["abstract"]), ".AE"]
    size = {1: "+2", 2: "+1", 3: "0"}
    for b in doc["blocks"]:
        if b[0] == "h":
            _, level, num, text = b
            R += [".SH", f"\\s{size[level]}" + roff((f"{num} " if num else "") + text) + "\\s0"]
        elif b[0] == "p":
            R += [".PP", roff_inline(b[1])]
        elif b[0] == "list":
            R += [".LP"] + roff_list(b) + [".LP"]
        elif b[0] == "table":
            _, style, header, rows, aligns = b
            long_ = len(rows) > 20
            opts = {"ruled": "allbox", "booktabs": "box", "plain": ""}[style]
            if len(header) > 5:
                R += [".ps -2", ".vs -2"]
            R += [".TS" + (" H" if long_ else ""), f"center {opts} tab(@);".replace("  ", " "),
                  " ".join("c" for _ in header), " ".join(aligns) + "."]
            R.append("@".join("\\fB" + roff(c) + "\\fP" for c in header))
            if style == "booktabs":
                R.append("_")
            if long_:
                R.append(".TH")
            R += ["@".join(roff_line(c) for c in r_) for r_ in rows]
            R.append(".TE")
            if len(header) > 5:
                R += [".ps", ".vs"]
        elif b[0] == "code":
            R += [".DS L", ".ft CW", ".nf"] + [roff_line(l) for l in b[1]] + [".fi", ".ft", ".DE"]
    return "\n".join(R) + "\n"


def build_groff(doc, caps, work, pdf):
    src = os.path.join(work, "doc.ms")
    with open(src, "w", encoding="utf-8") as f:
        f.write(to_groff(doc, caps))
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    ps = os.path.join(work, "doc.ps")
    with open(ps, "wb") as out:
        r = subprocess.run(["groff", "-k", "-t", "-ms", "-Tps", src], stdout=out, stderr=subprocess.PIPE, env=env, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("groff failed: " + r.stderr.decode(errors="replace")[-800:])
    subprocess.run(["ps2pdf", ps, pdf], check=True, capture_output=True, env=env, timeout=120)

# ----------------------------------------------------------------------------------------------------
# pandoc's own routes: the ground truth itself is the source


def build_pandoc(doc, caps, work, pdf, md, route):
    src = os.path.join(work, "in.md")
    with open(src, "w", encoding="utf-8") as f:
        f.write(md)
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    pandoc = ["pandoc", "-f", PANDOC_FROM, src]
    if route == "latex":
        r = subprocess.run(pandoc + ["--pdf-engine=xelatex", "-V", "mainfont=DejaVu Serif", "-V",
                                     "monofont=DejaVu Sans Mono", "-V", "geometry:margin=1in", "-o", pdf],
                           env=env, capture_output=True, text=True, timeout=300, cwd=work)
        if r.returncode != 0 or not os.path.exists(pdf):
            raise RuntimeError("pandoc/xelatex failed: " + r.stderr[-800:])
    elif route == "html":
        page = os.path.join(work, "doc.html")
        subprocess.run(pandoc + ["-s", "--metadata", "pagetitle=document", "-o", page], check=True, env=env,
                       capture_output=True, timeout=120)
        out = os.path.join(work, "doc.pdf")
        cmd = [chromium_bin(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={os.path.join(work, 'profile')}", "--no-pdf-header-footer",
               f"--print-to-pdf={out}", "file://" + page]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env)
        if not os.path.exists(out):
            raise RuntimeError("chromium failed: " + r.stderr[-800:])
        shutil.copy(out, pdf)
    else:
        ms = os.path.join(work, "doc.ms")
        subprocess.run(pandoc + ["-s", "-t", "ms", "-o", ms], check=True, env=env, capture_output=True, timeout=120)
        ps = os.path.join(work, "doc.ps")
        with open(ps, "wb") as out:
            r = subprocess.run(["groff", "-k", "-t", "-ms", "-Tps", ms], stdout=out, stderr=subprocess.PIPE,
                               env=env, timeout=120)
        if r.returncode != 0:
            raise RuntimeError("groff failed: " + r.stderr.decode(errors="replace")[-800:])
        subprocess.run(["ps2pdf", ps, pdf], check=True, capture_output=True, env=env, timeout=120)

# ----------------------------------------------------------------------------------------------------


def missing_tools(producer):
    need = {"latex1": ["pdflatex"], "latex2": ["pdflatex"], "latexhf": ["pdflatex"],
            "writer": ["pandoc", "soffice"], "groff": ["groff", "ps2pdf"],
            "pandoc-latex": ["pandoc", "xelatex"], "pandoc-html": ["pandoc"],
            "pandoc-ms": ["pandoc", "groff", "ps2pdf"]}.get(producer, [])
    miss = [t for t in need if not shutil.which(t)]
    if producer in ("chromium", "pandoc-html") and not chromium_bin():
        miss.append("chromium")
    if producer in ("typst", "typst2") and not typst_available():
        miss.append("typst (pip install typst)")
    return miss


def page_count(pdf):
    try:
        out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, timeout=30).stdout
        m = re.search(r"^Pages:\s+(\d+)", out, re.M)
        if m:
            return int(m.group(1))
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        import pymupdf
        with pymupdf.open(pdf) as d:
            return d.page_count
    except Exception:
        return None


def features(doc):
    f = {"numbered": doc["numbered"], "multicol": doc["multicol"], "abstract": bool(doc["abstract"]),
         "footnotes": len(doc["footnotes"]), "tables": [], "lists": 0, "code": 0}
    for b in doc["blocks"]:
        if b[0] == "table":
            f["tables"].append(f"{b[1]} {len(b[2])}x{len(b[3])}")
        elif b[0] == "list":
            f["lists"] += 1
        elif b[0] == "code":
            f["code"] += 1
    return f


def make_one(job):
    producer, seed, index, size, out = job
    caps = CAPS[producer]
    rng = random.Random(f"mdspool-corpus:{seed}:{producer}:{index}:{size}")
    doc = make_doc(rng, caps, size)
    md = to_markdown(doc, caps)
    name = f"s{seed}-{index:03d}"
    d = os.path.join(out, producer)
    pdf = os.path.join(d, name + ".pdf")
    t = time.time()
    work = tempfile.mkdtemp(prefix=f"mdspool-corpus-{producer}-")
    try:
        if producer.startswith("latex"):
            build_latex(doc, caps, work, pdf)
        elif producer == "writer":
            build_writer(doc, caps, work, pdf, md, index)
        elif producer == "chromium":
            build_chromium(doc, caps, work, pdf)
        elif producer in ("typst", "typst2"):
            build_typst(doc, caps, work, pdf, index)
        elif producer == "groff":
            build_groff(doc, caps, work, pdf)
        elif producer.startswith("pandoc-"):
            build_pandoc(doc, caps, work, pdf, md, producer.split("-", 1)[1])
    except Exception as e:  # keep going; the document is left out and reported
        keep = os.path.join(out, "_failed", f"{producer}-{name}")
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(work, keep, ignore=shutil.ignore_patterns("profile"))
        return {"producer": producer, "name": name, "error": str(e)[-2000:], "work": keep}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(d, name + ".md"), "w", encoding="utf-8") as f:
        f.write(md)
    return {"producer": producer, "name": name, "pages": page_count(pdf), "bytes": os.path.getsize(pdf),
            "seconds": round(time.time() - t, 2), "features": features(doc)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=5, help="documents per producer")
    ap.add_argument("--out", required=True)
    ap.add_argument("--producers", default=",".join(PRODUCERS))
    ap.add_argument("--size", choices=["mixed", "small"], default="mixed",
                    help="small: 1-3 page documents without page-long tables (for the committed sample)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args()
    producers = [p.strip() for p in args.producers.split(",") if p.strip()]
    bad = [p for p in producers if p not in CAPS]
    if bad:
        ap.error(f"unknown producer(s) {bad}; known: {PRODUCERS}")
    jobs = []
    for p in producers:
        miss = missing_tools(p)
        if miss:
            print(f"SKIP {p}: missing {', '.join(miss)} (see bench/corpus/README.md)", flush=True)
            continue
        os.makedirs(os.path.join(args.out, p), exist_ok=True)
        jobs += [(p, args.seed, i, args.size, args.out) for i in range(args.count)]
    # slow producers first so the two workers finish together
    order = {"writer": 0, "chromium": 1, "pandoc-html": 1, "pandoc-latex": 2, "latexhf": 2, "latex1": 3,
             "latex2": 4, "groff": 5, "pandoc-ms": 5, "typst": 6, "typst2": 6}
    jobs.sort(key=lambda j: (order[j[0]], j[2]))
    t0 = time.time()
    results = []
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for res in ex.map(make_one, jobs):
            results.append(res)
            if "error" in res:
                print(f"FAIL {res['producer']}/{res['name']}: {res['error'][-300:]} (sources kept in {res['work']})", flush=True)
    wall = time.time() - t0
    results.sort(key=lambda x: (x["producer"], x["name"]))
    ok = [r for r in results if "error" not in r]
    pages = sum(r["pages"] or 0 for r in ok)
    man_path = os.path.join(args.out, "manifest.json")
    with open(man_path, "w", encoding="utf-8") as f:
        json.dump({"seed": args.seed, "count": args.count, "size": args.size, "jobs": args.jobs,
                   "wall_seconds": round(wall, 1), "cpus": os.cpu_count(),
                   "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                   "command": "python3 bench/corpus/generate.py " + " ".join(sys.argv[1:]),
                   "documents": [{k: v for k, v in r.items() if k != "seconds"} for r in ok]}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{'producer':12} {'docs':>5} {'pages':>6} {'failed':>6} {'MB':>7}")
    for p in producers:
        mine = [r for r in ok if r["producer"] == p]
        if not mine and not any(r["producer"] == p for r in results):
            continue
        print(f"{p:12} {len(mine):5} {sum(r['pages'] or 0 for r in mine):6} "
              f"{sum(1 for r in results if r['producer'] == p and 'error' in r):6} "
              f"{sum(r['bytes'] for r in mine) / 1e6:7.2f}")
    print(f"total: {len(ok)} documents, {pages} pages, {len(results) - len(ok)} failed, "
          f"{wall:.1f} s wall with {args.jobs} worker(s)")
    return 0 if len(ok) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
