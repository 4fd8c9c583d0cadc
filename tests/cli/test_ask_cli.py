#!/usr/bin/python3
"""attention-cli's questions to the model, checked against reference_bert.py
(an independent float64 forward on the test model's safetensors copy):
--all-positions (the top-k at every token, [CLS] and [SEP] included, in
--dump's "positions" and in the printed table; a text without [MASK] is
then fine).
Usage: test_ask_cli.py ATTENTION_CLI"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_bert import ReferenceBert, softmax  # noqa: E402

CLI = sys.argv[1]
MODEL = os.environ["ATTENTION_TEST_MODEL"]
REF = ReferenceBert(os.path.join(os.environ["ATTENTION_TEST_MODEL_DIR"], "hf-safetensors"))
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
            best = positions[i]["candidates"][0]
            assert f"{best['token']} ({100 * best['probability']:.1f} %)" in row, row

    # Without the flag: no "positions", and a text without [MASK] is the
    # original exercise's error (exit 1).
    data, _ = dump(tmp, "then i picked up a [MASK] from the table.")
    assert "positions" not in data
    proc = run("the cat sat on the mat.", status=1)
    assert "[MASK]" in proc.stderr


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_all_positions(tmp)
    print("ok")


main()
