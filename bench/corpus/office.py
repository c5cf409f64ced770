#!/usr/bin/env python3
"""Office suites' own documents: slide decks and spreadsheets exported to PDF.

Usage (from the crate root):
  python3 bench/corpus/office.py --seed 1601 --count 8 --out /var/tmp/office [--routes impress,calc] [--size small]

Users drop what their office suite prints, not only papers and reports. These routes draw documents
from generate.py's vocabulary (so the ground truth is known) and export them with LibreOffice
(Debian: `apt-get install libreoffice-impress libreoffice-calc`, plus pandoc for the decks):
  impress  a slide deck made by pandoc (Markdown to .pptx, one slide per heading) and printed by
           Impress: 16:9 pages, a centred title slide, slide titles in a large sans-serif, bullets "•"
           and "–" for nested items, numbered lists, tables drawn as filled cells (a coloured header
           row, banded rows), code in a monospace face, short paragraphs
  calc     a spreadsheet written as flat OpenDocument (.fods) and printed by Calc: one or more sheets,
           each a bold title cell, sometimes a note row, then a table whose header is bold (over a
           rule or a fill, or in a grid of cell borders, or with no line at all), numbers aligned
           right, long names wrapped inside their cells, sometimes a bold totals row; long sheets
           run over pages without repeating the header; Calc's default page head (the sheet name)
           and foot ("Page N") on every page
Page furniture (sheet names and page numbers printed by Calc) is not ground truth.
OUT/ROUTE/NAME.pdf and OUT/ROUTE/NAME.md are written, the layout bench/scoreboard.py reads."""
import html, os, random, shutil, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as G  # noqa: E402
import styles as S  # noqa: E402

ROUTES = ["impress", "calc"]
CAPS = {"impress": G.Caps("impress", max_cols=5, long_tables=False, code_width=44),
        "calc": G.Caps("calc", max_cols=7, links=False)}
NEED = {"impress": ["pandoc", "soffice"], "calc": ["soffice"]}


def no_notes(spans):
    return [s for s in spans if s[0] != "fn"]


def slide_list(g, ordered=None, depth=0):
    """A list short enough for a slide: items are phrases or one sentence."""
    r = g.r
    items = []
    for _ in range(r.randint(2, 6 if depth == 0 else 3)):
        if r.random() < 0.25:
            sp = no_notes(g.spans(1))
        else:
            t = g.noun_phrase()
            sp = [("t", t[0].upper() + t[1:] + g.pick(["", "", f" {g.pick(G.PREPS)} the {g.noun_phrase()}"]))]
        sub = slide_list(g, None, depth + 1) if depth == 0 and r.random() < 0.2 else None
        items.append((sp, sub))
    return ("list", r.random() < 0.35 if ordered is None else ordered, items)


def lines(block):
    """About how many lines of a slide's body (some 48 characters wide) a block fills."""
    if block[0] == "p":
        return -(-len(G.md_inline(block[1], None)) // 48)
    if block[0] == "code":
        return len(block[1])
    if block[0] == "list":
        return sum(-(-len(G.md_inline(sp, None)) // 44) + (lines(sub) if sub else 0) for sp, sub in block[2])
    return 0


def fit(blocks, room=10):
    """Take items off the end of a slide's list until the slide's body fits on it: what runs off a
    slide is not printed, so it cannot be ground truth."""
    while sum(lines(b) for b in blocks) > room:
        b = blocks[-1]
        if b[0] == "list" and len(b[2]) > 2:
            blocks[-1] = (b[0], b[1], b[2][:-1])
        elif b[0] == "list" and any(sub for _sp, sub in b[2]):
            blocks[-1] = (b[0], b[1], [(sp, None) for sp, _sub in b[2]])
        elif len(blocks) > 1:
            blocks.pop(0)
        else:
            break
    return blocks


def deck(rng, caps, size):
    """A title slide, then slides of one or two blocks under a title (the model's level-1 headings)."""
    g = G.Gen(rng, caps, size)
    r = rng
    doc = {"title": g.title((3, 6)), "author": f"{g.pick(G.FIRST)} {g.pick(G.LAST)}", "abstract": None,
           "blocks": [], "footnotes": []}
    for _ in range(r.randint(3, 5) if size == "small" else r.randint(5, 12)):
        doc["blocks"].append(("h", 1, None, g.title((2, 5))))
        x = r.random()
        if x < 0.35:
            body = [slide_list(g)]
        elif x < 0.55:
            body = [("p", no_notes(g.spans(r.randint(1, 2)))), slide_list(g)]
        elif x < 0.75:
            t = g.table_block()
            body = [t[:3] + (t[3][:r.randint(2, 6)],) + t[4:]]
        elif x < 0.85:
            body = [("p", no_notes(g.spans(1))), g.code_block()]
        else:
            body = [("p", no_notes(g.spans(r.randint(2, 3))))]
        doc["blocks"] += fit(body)
    return doc


def build_impress(doc, caps, work, pdf):
    md = G.to_markdown(doc, caps).split("\n\n", 2)[2]  # the blocks; title and author go to metadata
    md = md.replace("\n## ", "\n# ")
    if md.startswith("## "):
        md = md[1:]
    src = os.path.join(work, "in.md")
    with open(src, "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: {doc['title']}\nauthor: {doc['author']}\n---\n\n{md}")
    env = dict(os.environ, SOURCE_DATE_EPOCH=G.EPOCH)
    S.run(["pandoc", "-f", G.PANDOC_FROM, "--slide-level=1", "-o", "deck.pptx", "in.md"], work, env, "pandoc")
    office_pdf(work, "deck.pptx", pdf, env)


def office_pdf(work, name, pdf, env):
    profile = os.path.join(work, "profile")
    r = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", work, name],
                       cwd=work, env=env, capture_output=True, text=True, timeout=300)
    out = os.path.join(work, os.path.splitext(name)[0] + ".pdf")
    if not os.path.exists(out):
        raise RuntimeError("soffice failed: " + r.stdout[-500:] + r.stderr[-500:])
    shutil.copy(out, pdf)

# ----------------------------------------------------------------------------------------------------
# Spreadsheets


NOTES = ["Figures in {cur}, as reported at the end of {year}.", "Source: {name} register, {year}.",
         "All amounts exclude tax unless stated otherwise.", "Prepared by {who} for the {name} review."]


def sheet(g, caps, size, first):
    """One sheet: (name, title, note or None, table block, style, totals row or None)."""
    r = g.r
    t = g.table_block()
    _, _style, header, rows, aligns = t
    if size == "small":
        rows = rows[:r.randint(3, 14)]
    style = g.pick(["grid", "rule", "fill", "none"])
    totals = None
    money = [i for i, row0 in enumerate(rows[0]) if row0[:1] in "$€£" and aligns[i] == "r"] if rows else []
    if money and r.random() < 0.4:
        totals = ["Total"] + [""] * (len(header) - 1)
        for i in money:
            cur = rows[0][i][0]
            totals[i] = f"{cur}{sum(float(row[i][1:].replace(',', '')) for row in rows):,.2f}"
    note = None
    if r.random() < 0.5:
        note = g.pick(NOTES).format(cur=g.pick(["USD", "EUR", "GBP"]), year=r.randint(2015, 2025),
                                     name=g.pick(G.NOUNS), who=f"{g.pick(G.FIRST)} {g.pick(G.LAST)}")
    name = g.title((1, 2)) if not first or r.random() < 0.5 else "Sheet1"
    return (name[:28], g.title((2, 5)), note, ("table", style, header, rows, aligns), style, totals)


def calc_truth(sheets):
    parts = []
    for _name, title, note, table, _style, totals in sheets:
        parts.append(f"# {title}")
        if note:
            parts.append(f"*{note}*")
        block = table if not totals else table[:3] + (table[3] + [totals],) + table[4:]
        parts.append("\n".join(G.md_table(block)))
    return "\n\n".join(parts) + "\n"


FODS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
"""
LINE = "0.5pt solid #000000"


def cell_style(name, bold=False, size=None, italic=False, right=False, wrap=False, border=None, fill=None):
    text = ""
    if bold:
        text += ' fo:font-weight="bold"'
    if italic:
        text += ' fo:font-style="italic"'
    if size:
        text += f' fo:font-size="{size}"'
    cell = ""
    if wrap:
        cell += ' fo:wrap-option="wrap"'
    if border == "all":
        cell += f' fo:border="{LINE}"'
    elif border == "bottom":
        cell += f' fo:border-bottom="{LINE}"'
    elif border == "top":
        cell += f' fo:border-top="{LINE}"'
    if fill:
        cell += f' fo:background-color="{fill}"'
    para = ' fo:text-align="end"' if right else ""
    return (f'<style:style style:name="{name}" style:family="table-cell">'
            f'<style:table-cell-properties style:vertical-align="top"{cell}/>'
            f'<style:paragraph-properties{para}/><style:text-properties{text}/></style:style>\n')


def to_fods(sheets, rng):
    styles = [cell_style("title", bold=True, size=rng.choice(["13pt", "14pt", "16pt"])),
              cell_style("note", italic=True)]
    body = []
    for k, (name, title, note, table, style, totals) in enumerate(sheets):
        _, _s, header, rows, aligns = table
        border = {"grid": "all", "rule": "bottom", "fill": None, "none": None}[style]
        fill = "#d9e2f3" if style == "fill" else None
        for a in ("l", "r"):
            right = a == "r"
            styles.append(cell_style(f"h{k}{a}", bold=True, right=right, wrap=True, border=border, fill=fill))
            styles.append(cell_style(f"d{k}{a}", right=right, wrap=a == "l",
                                     border="all" if style == "grid" else None))
            styles.append(cell_style(f"t{k}{a}", bold=True, right=right,
                                     border="all" if style == "grid" else "top"))
        widths = []
        for i, a in enumerate(aligns):
            longest = max(len(str(x)) for x in [header[i]] + [row[i] for row in rows])
            cm = min(5.0, 0.22 * longest + 0.5) if a == "l" else 0.2 * longest + 0.6
            widths.append(cm)
        scale = min(1.0, 16.0 / sum(widths))  # inside Calc's default margins on A4
        for i, w in enumerate(widths):
            styles.append(f'<style:style style:name="co{k}_{i}" style:family="table-column">'
                          f'<style:table-column-properties style:column-width="{w * scale:.2f}cm"/></style:style>\n')
        rowsx = [f'<table:table table:name="{html.escape(name)}">']
        rowsx += [f'<table:table-column table:style-name="co{k}_{i}"/>' for i in range(len(widths))]

        def row(cells):
            return "<table:table-row>" + "".join(cells) + "</table:table-row>"

        def cell(text, st):
            if not text:
                return f'<table:table-cell table:style-name="{st}"/>'
            return (f'<table:table-cell table:style-name="{st}" office:value-type="string">'
                    f"<text:p>{html.escape(text, quote=False)}</text:p></table:table-cell>")
        rowsx.append(row([cell(title, "title")]))
        if note:
            rowsx.append(row([cell(note, "note")]))
        rowsx.append(row([cell("", "note")]))
        rowsx.append(row([cell(h, f"h{k}{a}") for h, a in zip(header, aligns)]))
        rowsx += [row([cell(v, f"d{k}{a}") for v, a in zip(r_, aligns)]) for r_ in rows]
        if totals:
            rowsx.append(row([cell(v, f"t{k}{a}") for v, a in zip(totals, aligns)]))
        rowsx.append("</table:table>")
        body += rowsx
    return (FODS_HEAD + "".join(styles) + "</office:automatic-styles>\n<office:body><office:spreadsheet>\n" +
            "\n".join(body) + "\n</office:spreadsheet></office:body></office:document>\n")


def build_calc(sheets, rng, work, pdf):
    with open(os.path.join(work, "book.fods"), "w", encoding="utf-8") as f:
        f.write(to_fods(sheets, rng))
    office_pdf(work, "book.fods", pdf, dict(os.environ, SOURCE_DATE_EPOCH=G.EPOCH))

# ----------------------------------------------------------------------------------------------------


def make_one(job):
    route, seed, index, out, size = job
    caps = CAPS[route]
    rng = random.Random(f"mdspool-office:{seed}:{route}:{index}")

    def make(work, pdf):
        if route == "impress":
            doc = deck(rng, caps, size)
            build_impress(doc, caps, work, pdf)
            return G.to_markdown(doc, caps)
        g = G.Gen(rng, caps, size)
        sheets = [sheet(g, caps, size, k == 0) for k in range(1 if size == "small" else rng.randint(1, 3))]
        build_calc(sheets, rng, work, pdf)
        return calc_truth(sheets)
    return S.build_one(route, f"o{seed}-{index:03d}", out, make)


def missing_tools(route):
    miss = [t for t in NEED[route] if not shutil.which(t)]
    return f"missing {', '.join(miss)} (apt-get install pandoc libreoffice-impress libreoffice-calc)" if miss else None


def main():
    return S.run_routes(__doc__, ROUTES, missing_tools, make_one)


if __name__ == "__main__":
    sys.exit(main())
