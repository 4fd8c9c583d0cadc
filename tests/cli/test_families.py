#!/usr/bin/python3
"""attention-cli on the other masked-LM families' Hugging Face folders
(tests/fixtures/make_family_folders.py), checked against a numpy forward
written here from transformers' modelling code: attentions of every layer
and head and the top-k completions with their probabilities, to 1e-5.

The weights are read here with a few lines of numpy (the safetensors
layout: 8-byte header length, JSON header, raw little-endian data), not
with the project's reader.

usage: test_families.py ATTENTION_CLI FAMILY_FOLDERS_DIR"""

import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import unittest

import numpy as np

CLI = None
FOLDERS = None
TOL = 1e-5
SENTENCES = [
    "the [MASK] .",
    "paris is the [MASK] of france .",
    "a b c [MASK] d e f g , the end .",
    "[MASK] [MASK] the cat sat on the mat",
]

_ERF = np.vectorize(math.erf)
DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        a = np.frombuffer(data[begin:end], dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
        out[name] = a.astype(np.float64)
    return out


def gelu(x):
    # transformers' "gelu": the exact, erf-based GELU.
    return 0.5 * x * (1.0 + _ERF(x / math.sqrt(2.0)))


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def distilbert_forward(w, config, ids):
    """DistilBertForMaskedLM.forward in eval mode (modeling_distilbert.py):
    word + position embeddings (no token types), LayerNorm eps 1e-12;
    per layer q/dh^0.5 @ k^T, softmax, @ v, out_lin, sa_layer_norm(+x),
    lin2(gelu(lin1)), output_layer_norm(+); head vocab_transform, gelu,
    vocab_layer_norm, vocab_projector (tied to the word embeddings)."""
    dim, heads = config["dim"], config["n_heads"]
    dh = dim // heads
    eps = 1e-12
    n = len(ids)
    e = "distilbert.embeddings."
    x = w[e + "word_embeddings.weight"][ids] + w[e + "position_embeddings.weight"][:n]
    x = layer_norm(x, w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"], eps)
    attentions = []
    for i in range(config["n_layers"]):
        p = "distilbert.transformer.layer.%d." % i

        def lin(name, v):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        def split(v):
            return v.reshape(n, heads, dh).transpose(1, 0, 2)

        q = split(lin("attention.q_lin", x)) / math.sqrt(dh)
        k = split(lin("attention.k_lin", x))
        v = split(lin("attention.v_lin", x))
        probs = softmax(q @ k.transpose(0, 2, 1))
        attentions.append(probs)
        context = (probs @ v).transpose(1, 0, 2).reshape(n, dim)
        sa = layer_norm(lin("attention.out_lin", context) + x, w[p + "sa_layer_norm.weight"],
                        w[p + "sa_layer_norm.bias"], eps)
        ffn = lin("ffn.lin2", gelu(lin("ffn.lin1", sa)))
        x = layer_norm(ffn + sa, w[p + "output_layer_norm.weight"],
                       w[p + "output_layer_norm.bias"], eps)
    h = gelu(x @ w["vocab_transform.weight"].T + w["vocab_transform.bias"])
    h = layer_norm(h, w["vocab_layer_norm.weight"], w["vocab_layer_norm.bias"], eps)
    projector = w.get("vocab_projector.weight", w[e + "word_embeddings.weight"])
    logits = h @ projector.T + w["vocab_projector.bias"]
    return np.stack(attentions), logits


class FamilyTest(unittest.TestCase):
    def run_cli(self, folder, text, top_k=5):
        with tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
            dump = os.path.join(tmp, "dump.json")
            r = subprocess.run([CLI, "--model", folder, "--top-k", str(top_k), "--dump", dump,
                                text], capture_output=True, text=True, timeout=120,
                               check=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(dump, encoding="utf-8") as f:
                return json.load(f), r.stdout

    def check_against_numpy(self, folder, weights, forward):
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
        vocab = open(os.path.join(folder, "vocab.txt"), encoding="utf-8").read().split("\n")
        for text in SENTENCES:
            with self.subTest(text=text):
                d, _ = self.run_cli(folder, text)
                ids = d["ids"]
                self.assertEqual(d["tokens"], [vocab[i] for i in ids])
                self.assertEqual((d["tokens"][0], d["tokens"][-1]), ("[CLS]", "[SEP]"))
                attentions, logits = forward(weights, config, ids)
                got = np.array(d["attentions"], dtype=np.float64)
                self.assertEqual(got.shape, attentions.shape)
                self.assertLess(np.abs(got - attentions).max(), TOL)
                # Far from uniform, so a wrong weight would show.
                self.assertGreater(attentions.max(), 0.5)
                for pred in d["predictions"]:
                    probs = softmax(logits[pred["position"]])
                    order = np.argsort(-probs, kind="stable")[:len(pred["candidates"])]
                    self.assertEqual([c["id"] for c in pred["candidates"]], list(order))
                    for c in pred["candidates"]:
                        self.assertLess(abs(c["probability"] - probs[c["id"]]), TOL)
                        self.assertEqual(c["token"], vocab[c["id"]])

    def test_distilbert(self):
        folder = os.path.join(FOLDERS, "distilbert")
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.check_against_numpy(folder, w, distilbert_forward)
        d, _ = self.run_cli(folder, "the [MASK] .")
        self.assertEqual(d["model"]["model_type"], "distilbert")

    def test_distilbert_bin(self):
        """The same weights from pytorch_model.bin: the same output."""
        a, out_a = self.run_cli(os.path.join(FOLDERS, "distilbert"), SENTENCES[1])
        b, out_b = self.run_cli(os.path.join(FOLDERS, "distilbert-bin"), SENTENCES[1])
        self.assertEqual(out_a, out_b)
        self.assertEqual(a["attentions"], b["attentions"])
        self.assertEqual(a["predictions"], b["predictions"])


if __name__ == "__main__":
    CLI = sys.argv[1]
    FOLDERS = sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
