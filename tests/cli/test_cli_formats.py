#!/usr/bin/python3
"""attention-cli --output-dir --format, every kind: png|svg|pdf|npy|json|
lines-png|lines-svg|lines-pdf|overview-png|overview-svg|overview-pdf|pdf-pages
on the test model: the files are there, open in ordinary viewers' converters,
and the data files hold the same tensor; the lines PNGs show the strongest
weight of a head as a line of its grey; the All Heads grid (read with PIL and
Python's xml) and the multi-page PDF (poppler's pdfinfo and pdftoppm) show
every head's weights as the greys round(255 × weight); every picture kind
(the diagram, lines and All Heads sets, the multi-page PDF) records its
sentence (a PNG's Description text chunk read by PIL, an SVG's <desc>, a
PDF's Subject) and another sentence's pictures are named before they are
replaced.
Usage: test_cli_formats.py ATTENTION_CLI"""

import base64
import io
import json
import struct
import zlib
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np
from PIL import Image

FORMATS = ["png", "svg", "pdf", "npy", "json", "lines-png", "lines-svg", "lines-pdf",
           "overview-png", "overview-svg", "overview-pdf", "pdf-pages"]

CLI = sys.argv[1]
MODEL = os.environ["ATTENTION_TEST_MODEL"]
TEXT = "The cat [MASK] on the mat."


def run(*args, check=True):
    proc = subprocess.run([CLI, "--model", MODEL, *args], capture_output=True, text=True)
    if check and proc.returncode != 0:
        sys.exit(f"attention-cli {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc


def read_grey_png(path):
    """Width, height and rows of an 8-bit grayscale PNG whose rows all use
    filter 0, as attention-png writes them."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour == 0, (path, depth, colour)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    rows = [raw[y * (width + 1) + 1:(y + 1) * (width + 1)] for y in range(height)]
    assert all(raw[y * (width + 1)] == 0 for y in range(height))
    return width, height, rows


def check_lines(out, npy, tmp):
    """One Lines_ file per head in each lines format, none of the diagram set;
    a lines PNG is as wide as two token columns and the gap, and the line of
    the head's strongest weight, drawn across the gap, has that weight's grey."""
    layers, heads, n, _ = npy.shape
    for fmt in ["lines-png", "lines-svg", "lines-pdf"]:
        ext = fmt.split("-")[1]
        names = set(os.listdir(out[fmt]))
        want = {f"Lines_Layer{l + 1}_Head{h + 1}.{ext}" for l in range(layers) for h in range(heads)}
        assert names == want, (fmt, sorted(names))
    subprocess.run(["rsvg-convert", "-o", os.path.join(tmp, "lines.png"),
                    os.path.join(out["lines-svg"], "Lines_Layer1_Head1.svg")], check=True)
    info = subprocess.run(["pdfinfo", os.path.join(out["lines-pdf"], "Lines_Layer1_Head1.pdf")],
                          check=True, capture_output=True, text=True).stdout
    pages = int(next(l for l in info.splitlines() if l.startswith("Pages:")).split()[1])
    assert pages == 1, info

    # The export look (attention-lines-render.c): 44 px header, 32 px rows,
    # 320 px gap between two equal columns.
    width, height, rows = read_grey_png(os.path.join(out["lines-png"], "Lines_Layer2_Head1.png"))
    column = (width - 320) // 2
    assert (width - 320) % 2 == 0 and column > 0, width
    assert height > 44 + 32 * n, height
    m = npy[1, 0]
    # A horizontal line (query i to key i) is alone halfway across only if no
    # other line crosses there; take the strongest i → i weight.
    i = int(np.argmax(np.diag(m)))
    y = 44 + 32 * i + 16
    grey = rows[y][column + 160]
    expected = round(255 * float(m[i, i]))
    # Lines are drawn weakest first, so a stronger crossing one may be on top.
    assert expected > 10 and grey >= expected - 2, (i, grey, expected)
    # Nothing is drawn where no token is: under the last row, above the caption.
    assert max(rows[44 + 32 * n + 2][column + 10:column + 310]) == 0


def pdf_pages(path):
    """Page count and the size in points of every page, as pdfinfo reads them."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", path],
                          check=True, capture_output=True, text=True).stdout
    pages = int(next(l for l in info.splitlines() if l.startswith("Pages:")).split()[1])
    sizes = []
    for line in info.splitlines():
        if line.startswith("Page ") and " size:" in line:
            words = line.split(":", 1)[1].split()
            sizes.append((float(words[0]), float(words[2])))
    return pages, sizes


def grey(weight):
    """The grey of a weight, as the original exercise drew it."""
    return round(255 * float(weight))


def check_overview(out, npy):
    """One file each, attention-overview.{png,svg,pdf}: the grid of every layer
    (rows) × head (columns), thumbnails of max(64, 2 n) px with 6 px gaps after
    a 36 px band for the L/H labels, grayscale."""
    layers, heads, n, _ = npy.shape
    thumb = max(64, 2 * n)
    pitch = thumb + 6
    width, height = 36 + 6 + pitch * heads, 36 + 6 + pitch * layers
    for ext in ["png", "svg", "pdf"]:
        names = os.listdir(out[f"overview-{ext}"])
        assert names == [f"attention-overview.{ext}"], (ext, names)

    image = Image.open(os.path.join(out["overview-png"], "attention-overview.png"))
    assert image.size == (width, height), (image.size, width, height)
    rgb = image.convert("RGB")
    cell = thumb / n
    for l in range(layers):
        for h in range(heads):
            for i, j in [(0, 0), (n // 2, 1), (n - 1, n - 2)]:
                x = int(42 + pitch * h + cell * (j + 0.5))
                y = int(42 + pitch * l + cell * (i + 0.5))
                r, g, b = rgb.getpixel((x, y))
                want = grey(npy[l, h, i, j])
                assert r == g == b and abs(r - want) <= 1, (l, h, i, j, (r, g, b), want)

    # The SVG: the same size in px, and each head an embedded n × n image of
    # its greys, layer by layer.
    root = ET.parse(os.path.join(out["overview-svg"], "attention-overview.svg")).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
    assert (root.get("width"), root.get("height")) == (f"{width}px", f"{height}px"), root.attrib
    xlink = "{http://www.w3.org/1999/xlink}href"
    thumbs = [e.get(xlink) for e in root.iter("{http://www.w3.org/2000/svg}image")]
    assert len(thumbs) == layers * heads, len(thumbs)
    for k, href in enumerate(thumbs):
        data = base64.b64decode(href.split(",", 1)[1])
        pixels = np.array(Image.open(io.BytesIO(data)).convert("L"), dtype=int)
        want = np.round(255 * npy[k // heads, k % heads].astype(np.float64)).astype(int)
        assert pixels.shape == (n, n) and np.abs(pixels - want).max() <= 1, k

    pages, sizes = pdf_pages(os.path.join(out["overview-pdf"], "attention-overview.pdf"))
    assert pages == 1 and sizes == [(width, height)], (pages, sizes)


def check_pdf_pages(out, npy, tmp):
    """attention.pdf alone: a page per head, layer by layer, each the diagram
    of the PNG set (200 px margin, 40 px cells, a caption band under them)."""
    layers, heads, n, _ = npy.shape
    assert os.listdir(out["pdf-pages"]) == ["attention.pdf"], os.listdir(out["pdf-pages"])
    path = os.path.join(out["pdf-pages"], "attention.pdf")
    pages, sizes = pdf_pages(path)
    assert pages == layers * heads and len(sizes) == pages, (pages, sizes)
    assert all(w == 200 + 40 * n and h > w for w, h in sizes), sizes
    # The last head of the second layer: page heads + heads.
    page = 2 * heads
    stem = os.path.join(tmp, "page")
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", str(page), "-l", str(page),
                    "-singlefile", path, stem], check=True)
    image = Image.open(stem + ".png").convert("RGB")
    m = npy[1, heads - 1]
    for i in range(n):
        for j in range(n):
            r, g, b = image.getpixel((200 + 40 * j + 20, 200 + 40 * i + 20))
            # Poppler's colour conversion may be a level off.
            assert abs(r - grey(m[i, j])) <= 1 and r == g == b, (i, j, (r, g, b), m[i, j])


def recorded(path):
    """The sentence a diagram records, as ordinary readers see it: a PNG's
    Description (PIL), an SVG's root <desc> (Python's xml), a PDF's Subject
    (poppler's pdfinfo)."""
    if path.endswith(".png"):
        with Image.open(path) as image:
            image.load()
            return image.info.get("Description")
    if path.endswith(".svg"):
        root = ET.parse(path).getroot()
        first = root[0]
        assert first.tag == "{http://www.w3.org/2000/svg}desc", first.tag
        return first.text
    info = subprocess.run(["pdfinfo", "-enc", "UTF-8", path], check=True, capture_output=True,
                          text=True).stdout
    return next(l for l in info.splitlines() if l.startswith("Subject:")).split(":", 1)[1].strip()


# Each picture kind and the file of it that stands for the folder's set.
SENTENCE_FILES = {
    "png": "Attention_Layer1_Head1.png", "svg": "Attention_Layer1_Head1.svg",
    "pdf": "Attention_Layer1_Head1.pdf", "lines-png": "Lines_Layer1_Head1.png",
    "lines-svg": "Lines_Layer1_Head1.svg", "lines-pdf": "Lines_Layer1_Head1.pdf",
    "overview-png": "attention-overview.png", "overview-svg": "attention-overview.svg",
    "overview-pdf": "attention-overview.pdf", "pdf-pages": "attention.pdf",
}


def check_sentence(out):
    """Every picture kind records its sentence in every file; another
    sentence's pictures are named before they are replaced, the same
    sentence's are not."""
    other = "Él (the “cat”) \\ [MASK] & <sat> here."
    for fmt, name in SENTENCE_FILES.items():
        first = os.path.join(out[fmt], name)
        for each in sorted(os.listdir(out[fmt])):
            assert recorded(os.path.join(out[fmt], each)) == TEXT, (fmt, each)
        again = run("--output-dir", out[fmt], "--format", fmt, other)
        assert "another sentence" in again.stderr and TEXT in again.stderr, (fmt, again.stderr)
        assert recorded(first) == other, (fmt, recorded(first))
        same = run("--output-dir", out[fmt], "--format", fmt, other)
        assert "another sentence" not in same.stderr, (fmt, same.stderr)


def main():
    tmp = tempfile.mkdtemp(prefix="attention-cli-formats-")
    try:
        out = {}
        for fmt in FORMATS:
            out[fmt] = os.path.join(tmp, fmt)
            run("--output-dir", out[fmt], "--format", fmt, TEXT)

        npy = np.load(os.path.join(out["npy"], "attention.npy"))
        layers, heads, n, n2 = npy.shape
        assert n == n2 and npy.dtype == np.float32, npy.shape
        assert np.allclose(npy.sum(-1), 1, atol=1e-5), "rows must sum to 1"
        per_head = layers * heads

        for fmt in ["png", "svg", "pdf"]:
            names = sorted(os.listdir(out[fmt]))
            want = {f"Attention_Layer{l + 1}_Head{h + 1}.{fmt}"
                    for l in range(layers) for h in range(heads)}
            if fmt == "pdf":
                want.add("attention.pdf")
            assert set(names) == want, (fmt, names)

        svg = os.path.join(out["svg"], "Attention_Layer1_Head1.svg")
        subprocess.run(["rsvg-convert", "-o", os.path.join(tmp, "svg.png"), svg], check=True)
        info = subprocess.run(["pdfinfo", os.path.join(out["pdf"], "attention.pdf")],
                              check=True, capture_output=True, text=True).stdout
        pages = int(next(l for l in info.splitlines() if l.startswith("Pages:")).split()[1])
        assert pages == per_head, (pages, per_head)
        subprocess.run(["pdftoppm", "-png", "-r", "20", "-singlefile",
                        os.path.join(out["pdf"], "Attention_Layer1_Head1.pdf"),
                        os.path.join(tmp, "pdf")], check=True)

        side = json.load(open(os.path.join(out["npy"], "attention.npy.json")))
        assert side["shape"] == list(npy.shape), side["shape"]
        assert side["axes"] == ["layer", "head", "query", "key"]
        assert len(side["tokens"]) == n and side["tokens"][0] == "[CLS]"

        data = json.load(open(os.path.join(out["json"], "attention.json")))
        assert data["tokens"] == side["tokens"]
        assert np.array_equal(np.array(data["attentions"], dtype=np.float32), npy)
        assert data["predictions"] and data["predictions"][0]["position"] == side["tokens"].index("[MASK]")

        check_lines(out, npy, tmp)
        check_overview(out, npy)
        check_pdf_pages(out, npy, tmp)
        check_sentence(out)

        # --help lists every kind, as the window's Export dialog does.
        usage = subprocess.run([CLI, "--help"], capture_output=True, text=True, check=True).stdout
        for fmt in FORMATS:
            assert f"\n  {fmt} " in usage, (fmt, usage)

        bad = run("--output-dir", os.path.join(tmp, "bad"), "--format", "gif", TEXT, check=False)
        assert bad.returncode == 2 and "--format" in bad.stderr, bad
        assert not os.path.exists(os.path.join(tmp, "bad"))
        lone = run("--format", "svg", TEXT, check=False)
        assert lone.returncode == 2, lone
        assert all(fmt in bad.stderr for fmt in FORMATS), bad.stderr
        print(f"ok: {layers}×{heads} heads, {n} tokens, {len(FORMATS)} formats")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
