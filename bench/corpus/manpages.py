#!/usr/bin/env python3
"""Real manual pages, printed by groff: documents nobody wrote for this corpus.

Usage (from the crate root):
  python3 bench/corpus/manpages.py --seed 1701 --count 20 --out /var/tmp/manpages

Picks manual pages of section 1 installed on the machine (/usr/share/man/man1, whatever Debian
packages put there: the pick depends on the seed and on that set; the generated pages of the
`gcloud` tool's subcommands are left out), leaves out redirections (".so"),
pages with tbl tables and sources over 40 kB, and prints each with groff's PDF device (`groff
-mandoc -Tpdf`, Debian: groff) on A4, hyphenation off. The page shows what man pages show: the
running head "LS(1) User Commands LS(1)", section headings in bold at the left margin, tagged
paragraphs (an option in bold, its description indented under it or beside it when it is short),
indented paragraphs, and a foot with the source, the date and the page number.

The ground truth is the same source through groff's text device (`-Tutf8`, hyphenation off,
without its head and foot): a line at the left margin is a section heading (`##`), one indented by
three spaces a subsection (`###`) when the source names it so (`.SS`, `.Ss`), and the rest
paragraphs as groff separates them by blank lines. Lists are not marked (a man page's tagged paragraphs are not Markdown lists).
OUT/man/NAME.pdf and OUT/man/NAME.md are written, the layout bench/scoreboard.py reads."""
import gzip, os, random, re, shutil, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as G  # noqa: E402
import styles as S  # noqa: E402

ROUTES = ["man"]
MAN_DIR = "/usr/share/man/man1"
MAX_SOURCE = 40_000


def source(path):
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        return f.read()


def suitable(text):
    first = text.lstrip()[:4]
    return (len(text) < MAX_SOURCE and not first.startswith(".so") and "\n.TS" not in text
            and ("\n.SH" in text or "\n.Sh" in text))


def pick(seed, index):
    """The `index`-th suitable page of the seed's order (the same for every worker)."""
    # (The thousands of pages one cloud tool generates for its subcommands would crowd out the rest.)
    names = sorted(n for n in os.listdir(MAN_DIR) if n.endswith((".1", ".1.gz")) and not n.startswith("gcloud"))
    random.Random(f"mdspool-man:{seed}").shuffle(names)
    found = -1
    for n in names:
        raw = source(os.path.join(MAN_DIR, n))
        text = raw.decode("utf-8", errors="replace")
        if suitable(text):
            found += 1
            if found == index:
                return n, raw
    return None, None


def subsections(raw):
    """The subsection titles of a page's source (`.SS` of man, `.Ss` of mdoc), as groff prints
    them: quotes, font escapes and other escapes taken out."""
    out = set()
    for line in raw.decode("utf-8", errors="replace").split("\n"):
        if line.startswith((".SS ", ".Ss ")):
            t = re.sub(r"\\f(\(..|\[[^]]*\]|.)", "", line[4:])
            t = re.sub(r"\\[-&|^]", lambda m: "-" if m.group(0) == "\\-" else "", t)
            out.add(re.sub(r"\s+", " ", t.replace('"', "")).strip())
    return out


def truth(text, subs=None):
    """Markdown from groff's text rendering: head and foot dropped, a line at the margin a section
    heading, one indented by three spaces a subsection when the source names it so (`subs`)."""
    lines = text.replace("\u2010", "-").replace("\u2212", "-").split("\n")
    body = [l.rstrip() for l in lines]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    body = body[1:-1]  # the running head and the foot
    parts, para = [], []

    def flush():
        if para:
            text = re.sub(r"\s+", " ", " ".join(para)).strip()
            # A paragraph that opens like a Markdown heading, item or table row ("# comment" of a
            # shown configuration file) is text: its first character escaped.
            if re.match(r"#|[-*+] |\d+[.)] |\|", text):
                text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text) if text[0].isdigit() else "\\" + text
            parts.append(text)
            para.clear()
    for l in body:
        if not l.strip():
            flush()
            continue
        indent = len(l) - len(l.lstrip(" "))
        if indent == 0:
            flush()
            parts.append("## " + l.strip())
        elif indent == 3 and (subs is None or re.sub(r"\s+", " ", l.strip()) in subs):
            flush()
            parts.append("### " + l.strip())
        else:
            para.append(l.strip())
    flush()
    return "\n\n".join(p for p in parts if p) + "\n"


def make_one(job):
    route, seed, index, out, _size = job
    name = f"m{seed}-{index:03d}"
    page, raw = pick(seed, index)
    if page is None:
        return f"FAIL {route}/{name}: fewer suitable manual pages than --count"
    env = dict(os.environ, SOURCE_DATE_EPOCH=G.EPOCH, LC_ALL="C.UTF-8")

    def make(work, pdf):
        src = os.path.join(work, "page.man")
        with open(src, "wb") as f:
            f.write(raw)
        common = ["groff", "-mandoc", "-rHY=0", "-dpaper=a4"]
        r = subprocess.run(common + ["-Tpdf", "-P-pa4", src], cwd=work, env=env, capture_output=True, timeout=120)
        if r.returncode != 0 or not r.stdout.startswith(b"%PDF"):
            raise RuntimeError(f"groff -Tpdf failed on {page}: " + r.stderr.decode(errors="replace")[-800:])
        with open(pdf, "wb") as f:
            f.write(r.stdout)
        t = subprocess.run(common + ["-Tutf8", "-P-cbou", src], cwd=work, env=env, capture_output=True, timeout=120)
        return truth(t.stdout.decode("utf-8", errors="replace"), subsections(raw))
    return S.build_one(route, name, out, make) + f" ({page})"


def missing_tools(route):
    if not shutil.which("groff") or not os.path.isdir(MAN_DIR):
        return f"needs groff and manual pages in {MAN_DIR} (apt-get install groff)"
    return None


def main():
    return S.run_routes(__doc__, ROUTES, missing_tools, make_one)


if __name__ == "__main__":
    sys.exit(main())
