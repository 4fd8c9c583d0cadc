#!/usr/bin/python3
"""attention-cli --output-dir --format png|svg|pdf|npy|json|lines-png|
lines-svg|lines-pdf on the test model: the files are there, open in ordinary
viewers' converters, and the data files hold the same tensor; the lines PNGs
show the strongest weight of a head as a line of its grey.
Usage: test_cli_formats.py ATTENTION_CLI"""

import json
import struct
import zlib
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

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


def main():
    tmp = tempfile.mkdtemp(prefix="attention-cli-formats-")
    try:
        out = {}
        for fmt in ["png", "svg", "pdf", "npy", "json", "lines-png", "lines-svg", "lines-pdf"]:
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

        bad = run("--output-dir", os.path.join(tmp, "bad"), "--format", "gif", TEXT, check=False)
        assert bad.returncode == 2 and "--format" in bad.stderr, bad
        assert not os.path.exists(os.path.join(tmp, "bad"))
        lone = run("--format", "svg", TEXT, check=False)
        assert lone.returncode == 2, lone
        assert "lines-png" in bad.stderr, bad.stderr
        print(f"ok: {layers}×{heads} heads, {n} tokens, 8 formats")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
