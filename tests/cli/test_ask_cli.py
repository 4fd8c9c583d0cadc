#!/usr/bin/python3
"""attention-cli's questions to the model, checked against reference_bert.py
(an independent float64 forward on the test model's safetensors copy) and
reference_tokenizer.py: --all-positions (the top-k at every token, [CLS]
and [SEP] included, in --dump's "positions" and in the printed table; a
text without [MASK] is then fine); --pair (token_type_ids as Hugging Face's
tokenizer(a, b) gives them, attentions and predictions with them); --ablate
(Hugging Face's head_mask: attentions and predictions, switched-off heads
all zeros, bad specs refused); --head-importance (Δp of each head alone,
JSON and table); the printed completions and the --all-positions table skip
special tokens while --dump's "candidates" stay the raw top-k and "shown"
holds what was shown.
Usage: test_ask_cli.py ATTENTION_CLI"""

import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from boost_tokens import boost  # noqa: E402
from reference_bert import ReferenceBert, softmax  # noqa: E402
from reference_tokenizer import ReferenceTokenizer, load_vocab  # noqa: E402

CLI = sys.argv[1]
MODEL = os.environ["ATTENTION_TEST_MODEL"]
HF_DIR = os.path.join(os.environ["ATTENTION_TEST_MODEL_DIR"], "hf-safetensors")
REF = ReferenceBert(HF_DIR)
TOK = ReferenceTokenizer(load_vocab(os.path.join(HF_DIR, "vocab.txt")), lowercase=True)
MASK_ID = TOK.vocab["[MASK]"]
TOK_INV = {i: t for t, i in TOK.vocab.items()}
TOL = 1e-5


def run(*args, status=0):
    proc = subprocess.run([CLI, "--model", MODEL, *args], capture_output=True, text=True)
    if proc.returncode != status:
        sys.exit(f"attention-cli {' '.join(args)}: exit {proc.returncode}, want {status}\n"
                 f"{proc.stdout}\n{proc.stderr}")
    return proc


def dump(tmp, *args):
    path = os.path.join(tmp, "dump.json")
    proc = run("--dump", path, *args)
    with open(path, encoding="utf-8") as f:
        return json.load(f), proc.stdout


def check_candidates(got, probs, k, where):
    """got: [{"token","id","probability"}]; probs: the reference's softmax
    row. The k best ids, best first, with their probabilities."""
    want = np.argsort(-probs, kind="stable")[:k]
    assert len(got) == k, (where, len(got), k)
    for c, w in zip(got, want):
        # Near-ties may swap; then the probabilities must agree anyway.
        assert c["id"] == int(w) or abs(probs[c["id"]] - probs[w]) < TOL, (where, got, want)
        assert abs(c["probability"] - probs[c["id"]]) < TOL, (where, c, probs[c["id"]])


def test_all_positions(tmp):
    for text in ["the cat sat on the mat.", "then i picked up a [MASK] from the table."]:
        k = 4
        data, out = dump(tmp, "--all-positions", "--top-k", str(k), text)
        ids = data["ids"]
        n = len(ids)
        attentions, logits = REF.forward(ids)
        probs = softmax(logits)
        got = np.array(data["attentions"])
        assert np.abs(got - attentions).max() < TOL
        positions = data["positions"]
        assert [p["index"] for p in positions] == list(range(n)), positions
        assert [p["token"] for p in positions] == data["tokens"]
        assert data["tokens"][0] == "[CLS]" and data["tokens"][-1] == "[SEP]"
        for p in positions:
            check_candidates(p["candidates"], probs[p["index"]], k, (text, p["index"]))
        # The [MASK]s' predictions are the same rows.
        for pred in data["predictions"]:
            assert pred["candidates"] == positions[pred["position"]]["candidates"], pred
        assert len(data["predictions"]) == text.count("[MASK]")

        # The table: a header, then one row per token with its index, the
        # token and its best candidate with the probability in percent.
        lines = out.splitlines()
        header = next(i for i, l in enumerate(lines) if l.split()[:2] == ["Index", "Token"])
        rows = lines[header + 1:]
        assert len(rows) == n, out
        for i, row in enumerate(rows):
            fields = row.split()
            assert fields[0] == str(i) and fields[1] == data["tokens"][i], row
            best = positions[i]["shown"][0]
            assert f"{best['token']} ({100 * best['probability']:.1f} %)" in row, row

    # Without the flag: no "positions", and a text without [MASK] is the
    # original exercise's error (exit 1).
    data, _ = dump(tmp, "then i picked up a [MASK] from the table.")
    assert "positions" not in data
    proc = run("the cat sat on the mat.", status=1)
    assert "[MASK]" in proc.stderr


def hf_pair(a, b):
    """Hugging Face's tokenizer(a, b): [CLS] A [SEP] B [SEP], token types 0
    through A's [SEP] and 1 for B and its [SEP]."""
    ta, tb = TOK.ids(a)[1:-1], TOK.ids(b)[1:-1]
    cls, sep = TOK.vocab["[CLS]"], TOK.vocab["[SEP]"]
    ids = [cls] + ta + [sep] + tb + [sep]
    return ids, [0] * (len(ta) + 2) + [1] * (len(tb) + 1)


def test_pair(tmp):
    a, b = "the cat sat on the mat.", "then the [MASK] walked to paris."
    data, out = dump(tmp, "--pair", b, a)
    ids, types = hf_pair(a, b)
    assert data["ids"] == ids, (data["ids"], ids)
    assert data["token_type_ids"] == types, data["token_type_ids"]
    attentions, logits = REF.forward(ids, types)
    assert np.abs(np.array(data["attentions"]) - attentions).max() < TOL
    # The [MASK] in B is predicted, with B's token types.
    probs = softmax(logits)
    [pred] = data["predictions"]
    assert pred["position"] == ids.index(MASK_ID)
    check_candidates(pred["candidates"], probs[pred["position"]], 3, "pair")
    # Token types matter: the same ids all of type 0 give other attentions.
    flat, _ = REF.forward(ids)
    assert np.abs(flat - attentions).max() > 1e-3
    # A [MASK] in A works too.
    data, _ = dump(tmp, "--pair", "the cat sat.", "then i picked up a [MASK].")
    ids, types = hf_pair("then i picked up a [MASK].", "the cat sat.")
    assert data["token_type_ids"] == types and data["ids"] == ids
    # A single sentence's are all 0.
    data, _ = dump(tmp, a.replace("cat", "[MASK]"))
    assert data["token_type_ids"] == [0] * len(data["ids"])

    # Bad input: no first text; a pair beyond the model's 512 positions
    # (both sentences count).
    proc = run("--pair", b, status=2)
    assert "--pair" in proc.stderr and "first" in proc.stderr, proc.stderr
    long_b = " ".join(["cat"] * 300)
    proc = run("--pair", long_b + " [MASK]", long_b, status=2)
    assert "512" in proc.stderr, proc.stderr


def test_ablate(tmp):
    text = "then i picked up a [MASK] from the [MASK]."
    data, out = dump(tmp, "--ablate", "1:2,3:*,2:4", text)
    ids = data["ids"]
    head_mask = np.ones((REF.n_layers, REF.n_heads))
    head_mask[0, 1] = 0
    head_mask[2, :] = 0
    head_mask[1, 3] = 0
    attentions, logits = REF.forward(ids, head_mask=head_mask)
    got = np.array(data["attentions"])
    assert np.abs(got - attentions).max() < TOL
    # Switched off: all zeros, as Hugging Face's head_mask gives.
    assert not got[0, 1].any() and not got[2].any() and not got[1, 3].any()
    probs = softmax(logits)
    for pred in data["predictions"]:
        check_candidates(pred["candidates"], probs[pred["position"]], 3, "ablate")
    # The printed completions come from the ablated run.
    best = [TOK_INV[int(np.argmax(probs[p["position"]]))] for p in data["predictions"]]
    assert out.splitlines()[0] == text.replace("[MASK]", best[0], 1).replace("[MASK]", best[1], 1)

    for bad, message in [("0:1", "layer must be a number from 1 to 3"),
                         ("4:1", "layer must be a number from 1 to 3"),
                         ("1:x", "head must be a number from 1 to 4"),
                         ("1:5", "head must be a number from 1 to 4"),
                         ("2:3,2:3", "named twice"),
                         ("2:*,2:1", "named twice")]:
        proc = run("--ablate", bad, text, status=2)
        assert message in proc.stderr, (bad, proc.stderr)


def test_head_importance(tmp):
    text = "then i picked up a [MASK] from the [MASK]."
    data, out = dump(tmp, "--head-importance", text)
    ids = data["ids"]
    masks = [i for i, t in enumerate(ids) if t == MASK_ID]
    _, logits = REF.forward(ids)
    full = softmax(logits)
    top = [int(np.argmax(full[p])) for p in masks]
    want = np.zeros((REF.n_layers, REF.n_heads))
    for l in range(REF.n_layers):
        for h in range(REF.n_heads):
            hm = np.ones((REF.n_layers, REF.n_heads))
            hm[l, h] = 0
            _, lg = REF.forward(ids, head_mask=hm)
            p = softmax(lg)
            want[l, h] = np.mean([full[m, t] - p[m, t] for m, t in zip(masks, top)])
    got = np.array(data["head_importance"])
    assert got.shape == want.shape, got.shape
    assert np.abs(got - want).max() < TOL, (got, want)
    # The table: one row per layer, its Δp in percentage points.
    lines = out.splitlines()
    header = next(i for i, l in enumerate(lines) if l.split()[:1] == ["Layer"])
    for l in range(REF.n_layers):
        fields = lines[header + 1 + l].split()
        assert fields[0] == str(l + 1), lines[header + 1 + l]
        assert [float(f) for f in fields[1:]] == \
            [round(100 * v, 2) for v in want[l]] or \
            np.abs(np.array([float(f) for f in fields[1:]]) - 100 * want[l]).max() <= 0.006
    # A text without [MASK] has nothing to measure.
    proc = run("--head-importance", "the cat sat.", status=1)
    assert "[MASK]" in proc.stderr


def is_special(token):
    """Not text: BERT's bracketed entries ([PAD], [unused7], [UNK], …)."""
    return len(token) > 2 and token.startswith("[") and token.endswith("]")


def test_shown_skips_specials(tmp):
    """The printed completions skip [PAD], [unusedN] and the other special
    tokens; --dump's "candidates" stay the raw top-k, and the new "shown"
    holds the k best that are text."""
    # Specials far ahead, then words; the rest as the model has it.
    folder = os.path.join(tmp, "boosted")
    boost(HF_DIR, folder, {"[PAD]": 80, "[unused3]": 76, "[UNK]": 72, "[CLS]": 68,
                           "cat": 60, "mat": 56, "dog": 52, "car": 48})
    ref = ReferenceBert(folder)
    text = "then i picked up a [MASK] from the table."
    k = 4
    path = os.path.join(tmp, "shown.json")
    proc = subprocess.run([CLI, "--model", folder, "--top-k", str(k), "--dump", path, text],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    _, logits = ref.forward(data["ids"])
    probs = softmax(logits)
    (pred,) = data["predictions"]
    row = probs[pred["position"]]
    # The raw top-k, as always: here all four special.
    check_candidates(pred["candidates"], row, k, "raw")
    assert [c["token"] for c in pred["candidates"]] == ["[PAD]", "[unused3]", "[UNK]", "[CLS]"]
    # What was shown: the k best that are text, with their probabilities
    # over the whole vocabulary.
    text_ids = [i for i in np.argsort(-row, kind="stable") if not is_special(TOK_INV[int(i)])]
    want = [TOK_INV[int(i)] for i in text_ids[:k]]
    assert want == ["cat", "mat", "dog", "car"], want
    assert [c["token"] for c in pred["shown"]] == want, (pred["shown"], want)
    for c, i in zip(pred["shown"], text_ids):
        assert c["id"] == int(i) and abs(c["probability"] - row[i]) < TOL, (c, i, row[i])
    # The printed completions: k lines, one per shown candidate, no special.
    lines = proc.stdout.splitlines()
    assert lines == [text.replace("[MASK]", w) for w in want], lines

    # --all-positions: the table skips them at every token as the
    # completions do; --dump's "positions" keep the raw top-k in
    # "candidates" and the table's in "shown".
    proc = subprocess.run([CLI, "--model", folder, "--top-k", str(k), "--all-positions",
                           "--dump", path, text], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    _, logits = ref.forward(data["ids"])
    probs = softmax(logits)
    lines = proc.stdout.splitlines()
    header = next(i for i, l in enumerate(lines) if l.split()[:2] == ["Index", "Token"])
    rows = lines[header + 1:]
    assert len(rows) == len(data["ids"]), proc.stdout
    for p, row in zip(data["positions"], rows):
        check_candidates(p["candidates"], probs[p["index"]], k, ("raw", p["index"]))
        assert all(is_special(c["token"]) for c in p["candidates"]), p["candidates"]
        ids = [i for i in np.argsort(-probs[p["index"]], kind="stable")
               if not is_special(TOK_INV[int(i)])][:k]
        assert [c["id"] for c in p["shown"]] == [int(i) for i in ids], (p["shown"], ids)
        printed = re.findall(r"(\S+) \((\d+\.\d) %\)", row)
        assert [t for t, _ in printed] == [TOK_INV[int(i)] for i in ids], (row, ids)
        for (_, percent), i in zip(printed, ids):
            assert abs(float(percent) - 100 * probs[p["index"]][i]) <= 0.05 + 1e-9, (row, i)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_all_positions(tmp)
        test_pair(tmp)
        test_ablate(tmp)
        test_head_importance(tmp)
        test_shown_skips_specials(tmp)
    print("ok")


main()
