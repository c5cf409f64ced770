#!/usr/bin/env python3
"""Real Markdown documents written by many authors (crates' README files), typeset by pandoc's routes.

Usage (from the crate root):
  python3 bench/corpus/readmes.py --seed 1801 --count 10 --out /var/tmp/readmes [--routes plt,phtml,pms,pwr,pxe]
  [--source DIR]

Every other corpus draws its documents from a model this project wrote; these are prose, lists,
tables and code blocks as people write them. The documents are the README.md files under `--source`
(default: the cargo registry's sources, `~/.cargo/registry/src`, which any machine that built this
crate has; one file per crate, the newest version's), of 3 to 30 kB with two headings or more. The
seed shuffles them; `--count` are taken in that order.

Each README is first made into the ground truth, the Markdown a reader should get back: pandoc reads
it as GitHub Markdown, drops what a PDF does not show as text (images and badges, raw HTML, empty
links and paragraphs), sets headings deeper than three levels at level three, and writes GitHub
Markdown again, one paragraph per line; characters beyond Latin (emoji, box drawing, arrows) are
taken out before, so that every route can set the text. The same Markdown is then typeset by:
  plt    pandoc -> pdflatex (pandoc's LaTeX template)
  pxe    pandoc -> xelatex with DejaVu fonts
  phtml  pandoc standalone HTML printed by headless Chromium
  pms    pandoc -> ms -> groff -ms -> ps2pdf (its links are not annotations: the truth keeps their text)
  pwr    pandoc -> .odt -> LibreOffice Writer PDF export
OUT/ROUTE/NAME.pdf and OUT/ROUTE/NAME.md are written, the layout bench/scoreboard.py reads. Tools:
pandoc 2.17 or later, texlive (pdflatex, xelatex), chromium, groff and ghostscript, libreoffice-writer
(bench/corpus/README.md). The pick depends on the seed and on what `--source` holds."""
import os, random, re, shutil, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cells as C  # noqa: E402
import styles as S  # noqa: E402

ROUTES = ["plt", "pxe", "phtml", "pms", "pwr"]
SOURCE = os.environ.get("MDSPOOL_README_SOURCE", os.path.expanduser("~/.cargo/registry/src"))
MIN_BYTES, MAX_BYTES = 3_000, 30_000

CLEAN = r"""
function Image(el) return {} end
function RawInline(el) return {} end
function RawBlock(el) return {} end
function Link(el)
  if #el.content == 0 then return {} end
  return el
end
local function blank(c)
  for _, x in ipairs(c) do
    if x.t ~= "Space" and x.t ~= "SoftBreak" and x.t ~= "LineBreak" then return false end
  end
  return true
end
function Para(el) if blank(el.content) then return {} end end
function Plain(el) if blank(el.content) then return {} end end
function Header(el)
  if blank(el.content) then return {} end
  if el.level > 3 then el.level = 3 end
  el.identifier = ""
  return el
end
"""

UNLINK = r"""
function Link(el) return el.content end
"""

SPELL = {"\u2192": "->", "\u2190": "<-", "\u21d2": "=>", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=",
         "\u2248": "~", "\u2022": "*", "\u00a0": " ", "\u2212": "-", "\u2013": "-", "\u2014": "-",
         # marks that tables of features use, as words
         "\u2713": "yes", "\u2714": "yes", "\u2705": "yes", "\u2611": "yes", "\u274c": "no",
         "\u2717": "no", "\u2718": "no", "\u2716": "no", "\u2610": "no"}


def keep_char(c):
    o = ord(c)
    return c in "\n\t" or 0x20 <= o < 0x7F or 0xA0 <= o < 0x180 or 0x2018 <= o <= 0x201D or o == 0x2026


def candidates(source):
    """One README per crate (the highest version's folder name sorts last), within the size range:
    `source/*/NAME-VERSION/README.md` (the cargo registry's layout) or `source/NAME/README.md`."""
    best = {}
    if not os.path.isdir(source):
        return []
    for top in sorted(os.listdir(source)):
        base = os.path.join(source, top)
        if os.path.isfile(os.path.join(base, "README.md")):
            best[top] = os.path.join(base, "README.md")
            continue
        if not os.path.isdir(base):
            continue
        for d in sorted(os.listdir(base)):
            p = os.path.join(base, d, "README.md")
            if os.path.isfile(p):
                best[re.sub(r"-\d+\.\d+.*$", "", d)] = p
    out = []
    for crate, p in sorted(best.items()):
        n = os.path.getsize(p)
        if MIN_BYTES <= n <= MAX_BYTES:
            out.append((crate, p))
    return out


def pandoc(args, text, extra_filter=None, cwd=None):
    with open(os.path.join(cwd, "clean.lua"), "w") as f:
        f.write(CLEAN)
    cmd = ["pandoc", "-f", "gfm", "-t", "gfm", "--wrap=none", "--lua-filter", "clean.lua"] + args
    if extra_filter:
        with open(os.path.join(cwd, "extra.lua"), "w") as f:
            f.write(extra_filter)
        cmd += ["--lua-filter", "extra.lua"]
    r = subprocess.run(cmd, input=text.encode(), capture_output=True, cwd=cwd, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("pandoc: " + r.stderr.decode(errors="replace")[-400:])
    return r.stdout.decode()


def truth(raw, work, route):
    md = raw
    for _ in range(2):  # again once pandoc has decoded entities ("&emsp;")
        md = "".join(SPELL.get(c, " " if 0x2000 <= ord(c) <= 0x200A else c) for c in md)
        md = pandoc([], "".join(c for c in md if keep_char(c)), cwd=work)
    if route == "pms":
        md = pandoc([], md, UNLINK, cwd=work)
    md = re.sub(r"\n{3,}", "\n\n", md).strip() + "\n"
    if len(re.findall(r"^#{1,3} ", md, re.M)) < 2:
        raise RuntimeError("fewer than two headings once cleaned")
    return md


def pick(seed, index, source):
    names = candidates(source)
    random.Random(f"mdspool-readme:{seed}").shuffle(names)
    return names[index] if index < len(names) else (None, None)


def make_one(job):
    route, seed, index, out, _size = job
    crate, path = pick(seed, index, SOURCE)
    name = f"r{seed}-{index:03d}"
    if crate is None:
        return f"FAIL {route}/{name}: fewer README files than --count under {SOURCE}"
    raw = open(path, encoding="utf-8", errors="replace").read()

    def make(work, pdf):
        md = truth(raw, work, route)
        res = C.render((route, md, "doc", work + "/out"), fmt="gfm")
        if res:
            raise RuntimeError(res)
        shutil.copy(os.path.join(work, "out", route, "doc.pdf"), pdf)
        return md
    return S.build_one(route, name, out, make) + f" ({crate})"


def missing_tools(route):
    need = {"plt": ["pdflatex"], "pxe": ["xelatex"], "pms": ["groff", "ps2pdf"], "pwr": ["soffice"]}
    miss = [t for t in ["pandoc"] + need.get(route, []) if not shutil.which(t)]
    if route == "phtml" and not C.chromium():
        miss.append("chromium")
    if not candidates(SOURCE):
        return f"no README.md files of 3-30 kB under {SOURCE} (set --source)"
    return f"missing {', '.join(miss)} (see bench/corpus/README.md)" if miss else None


def main():
    global SOURCE
    if "--source" in sys.argv:
        i = sys.argv.index("--source")
        SOURCE = os.environ["MDSPOOL_README_SOURCE"] = os.path.abspath(sys.argv[i + 1])
        del sys.argv[i:i + 2]
    return S.run_routes(__doc__, ROUTES, missing_tools, make_one)


if __name__ == "__main__":
    sys.exit(main())
