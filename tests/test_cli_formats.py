#!/usr/bin/python3
"""attention-cli --output-dir --format png|svg|pdf|npy|json on the test model:
the files are there, open in ordinary viewers' converters, and the data files
hold the same tensor. Usage: test_cli_formats.py ATTENTION_CLI"""

import json
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


def main():
    tmp = tempfile.mkdtemp(prefix="attention-cli-formats-")
    try:
        out = {}
        for fmt in ["png", "svg", "pdf", "npy", "json"]:
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

        bad = run("--output-dir", os.path.join(tmp, "bad"), "--format", "gif", TEXT, check=False)
        assert bad.returncode == 2 and "--format" in bad.stderr, bad
        assert not os.path.exists(os.path.join(tmp, "bad"))
        lone = run("--format", "svg", TEXT, check=False)
        assert lone.returncode == 2, lone
        print(f"ok: {layers}×{heads} heads, {n} tokens, 5 formats")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
