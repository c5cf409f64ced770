#!/usr/bin/env python3
"""Scanned copies of a generated corpus: every PRODUCER/NAME.pdf (with its NAME.md ground truth) is
rendered at each --dpi in grey, turned by a 1-2 degree skew, given mild noise, stored as JPEG and
re-wrapped as an image-only PDF of the original page size, in OUT/PRODUCER-DPI/NAME.pdf beside a copy
of NAME.md. Seeded: the same command writes the same images (skew, noise) anywhere.

  python3 bench/corpus/scan.py --corpus bench/corpus/sample --out /var/tmp/mdspool-scanned [--dpi 200,300] [--seed 1]

Needs pdftoppm (poppler-utils) and, for the Python running it, Pillow and img2pdf (Debian:
python3-pil python3-img2pdf; run with /usr/bin/python3 if another python lacks them).
"""
import argparse, io, json, os, random, shutil, subprocess, sys, tempfile

from PIL import Image, ImageChops, ImageFilter
import img2pdf


def pages_of(pdf, dpi, tmp):
    base = os.path.join(tmp, "p")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", pdf, base], check=True)
    return [os.path.join(tmp, f) for f in sorted(os.listdir(tmp)) if f.startswith("p") and f.endswith(".pgm")]


def scan(img, rng):
    """A mild scan: a 1-2 degree skew either way, grey noise, a slight blur."""
    angle = rng.uniform(1.0, 2.0) * rng.choice([-1, 1])
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    w, h = img.size
    # Grey noise of up to +-21 levels from the seeded generator, then dark and light specks.
    noise = Image.frombytes("L", img.size, rng.randbytes(w * h))
    img = ImageChops.subtract(ImageChops.add(img, noise.point(lambda v: max(0, v - 128) // 6)),
                              noise.point(lambda v: max(0, 127 - v) // 6))
    px = img.load()
    for _ in range(w * h // 4000):
        x, y = rng.randrange(w), rng.randrange(h)
        px[x, y] = rng.choice([0, 90, 255])
    return img.filter(ImageFilter.GaussianBlur(0.4)), angle


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--dpi", default="200,300")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--producers", help="comma-separated subset")
    a = ap.parse_args()
    dpis = [int(d) for d in a.dpi.split(",")]
    man = {"command": "python3 " + " ".join(sys.argv), "documents": []}
    wanted = set(a.producers.split(",")) if a.producers else None
    for g in sorted(os.listdir(a.corpus)):
        src = os.path.join(a.corpus, g)
        if not os.path.isdir(src) or g.startswith("_") or (wanted and g not in wanted):
            continue
        for f in sorted(os.listdir(src)):
            if not f.endswith(".pdf") or not os.path.exists(os.path.join(src, f[:-4] + ".md")):
                continue
            for dpi in dpis:
                rng = random.Random(f"{a.seed}/{g}/{f}/{dpi}")
                dst = os.path.join(a.out, f"{g}-{dpi}")
                os.makedirs(dst, exist_ok=True)
                jpgs, angles = [], []
                with tempfile.TemporaryDirectory() as tmp:
                    for p in pages_of(os.path.join(src, f), dpi, tmp):
                        img, angle = scan(Image.open(p), rng)
                        buf = io.BytesIO()
                        img.save(buf, "JPEG", quality=80, dpi=(dpi, dpi))
                        jpgs.append(buf.getvalue())
                        angles.append(round(angle, 2))
                layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
                with open(os.path.join(dst, f), "wb") as out:
                    out.write(img2pdf.convert(jpgs, layout_fun=layout, nodate=True))
                shutil.copy(os.path.join(src, f[:-4] + ".md"), os.path.join(dst, f[:-4] + ".md"))
                man["documents"].append({"producer": f"{g}-{dpi}", "name": f[:-4], "pages": len(jpgs),
                                         "dpi": dpi, "skew_degrees": angles})
                print(f"{g}-{dpi}/{f}: {len(jpgs)} page(s), skew {angles}", file=sys.stderr)
    with open(os.path.join(a.out, "manifest.json"), "w") as m:
        json.dump(man, m, indent=1)


if __name__ == "__main__":
    main()
