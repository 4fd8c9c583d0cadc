#!/usr/bin/python3
"""attention-cli --dump with --neuron L:H, --norms and --saliency, on every
door (the converter's bundle, the Hugging Face folder through the app's own
BERT), against a reference forward written out here in float64 from the
checkpoint's own tensors (the folder's pytorch_model.bin read by torch.load):
- "neuron": the head's query and key slices after their bias, before
  scaling, to 1e-4 relative;
- "norms": N_ij = a_ij * ||f_h(x_j)||, f_h(x_j) head h's value vector (after
  its bias) through head h's slice of the attention output projection
  (before that projection's bias), Kobayashi et al. 2020, to 1e-4 relative;
- "saliency": s_j = sum_d (d log p / d e_jd) e_jd for the top-1 candidate of
  each [MASK], e_j the word embedding's row, against torch autograd on the
  reference (1e-4 relative) and against central finite differences of
  log p along e_j (the reference in float64, so they are exact to ~1e-7);
- the same with a sentence pair (--pair: token types) and heads switched
  off (--ablate: a head mask), against the reference run with both;
- out-of-range --neuron exits 2, a model without them says so.
Usage: test_cli_inside.py ATTENTION_CLI"""

import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from typing import Tuple

CLI = sys.argv[1]
MODEL_DIR = os.environ["ATTENTION_TEST_MODEL_DIR"]
BUNDLE = os.environ["ATTENTION_TEST_MODEL"]
HF_FOLDER = os.path.join(MODEL_DIR, "hf-safetensors")
CHECKPOINT = os.path.join(MODEL_DIR, "hf-bin", "pytorch_model.bin")
TEXT = "the cat sat on the [MASK] . it was [MASK] ."
F32_MIN = torch.finfo(torch.float32).min


def cli(*args, model=BUNDLE):
    return subprocess.run([CLI, "--model", model, *args], capture_output=True, text=True)


def dump(model, *args):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "dump.json")
        proc = cli("--dump", path, *args, TEXT, model=model)
        if proc.returncode != 0:
            sys.exit(f"attention-cli {args} failed ({proc.returncode}): {proc.stderr}")
        with open(path, encoding="utf-8") as f:
            return json.load(f)


class Foreign(torch.nn.Module):
    """A TorchScript model of someone else's making: the shim's forward_at
    with the right shapes (uniform attention), but no BERT weights to run
    the app's own encoder on."""

    def __init__(self, vocab_size: int, layers: int, heads: int):
        super().__init__()
        self.vocab_size, self.layers, self.heads = vocab_size, layers, heads

    @torch.jit.export
    def forward_at(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                   positions: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        s = input_ids.shape[1]
        logits = torch.zeros(positions.shape[0], self.vocab_size)
        return logits, torch.full((self.layers, 1, self.heads, s, s), 1.0 / s)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        s = input_ids.shape[1]
        return (torch.zeros(1, s, self.vocab_size),
                torch.full((self.layers, 1, self.heads, s, s), 1.0 / s))


def check_foreign(tmp):
    """Asked of a foreign TorchScript file, each quantity fails with "does not
    expose" and exit 2; the plain run still works."""
    extra = {"vocab.txt": "", "config.json": ""}
    torch.jit.load(BUNDLE, _extra_files=extra)
    config = json.loads(extra["config.json"])
    path = os.path.join(tmp, "foreign.pt")
    torch.jit.save(torch.jit.script(Foreign(config["vocab_size"], config["num_hidden_layers"],
                                            config["num_attention_heads"])),
                   path, _extra_files=extra)
    dump_path = os.path.join(tmp, "foreign.json")
    proc = cli("--dump", dump_path, TEXT, model=path)
    assert proc.returncode == 0, proc.stderr
    for flags in (["--neuron", "1:1"], ["--norms"], ["--saliency"]):
        proc = cli("--dump", dump_path, *flags, TEXT, model=path)
        assert proc.returncode == 2, (flags, proc.returncode, proc.stderr)
        assert "does not expose" in proc.stderr, (flags, proc.stderr)


class Reference:
    """HF BertForMaskedLM written out longhand in float64 from a state dict
    with Hugging Face's names, keeping what the three quantities need."""

    def __init__(self, state, config):
        self.sd = {k: v.double() for k, v in state.items()}
        self.config = config
        self.n_heads = config["num_attention_heads"]
        self.eps = config.get("layer_norm_eps", 1e-12)

    def ln(self, x, p):
        mean = x.mean(-1, keepdim=True)
        var = ((x - mean) ** 2).mean(-1, keepdim=True)
        return (x - mean) / torch.sqrt(var + self.eps) * self.sd[p + ".weight"] + self.sd[p + ".bias"]

    def lin(self, x, p):
        return x @ self.sd[p + ".weight"].T + self.sd[p + ".bias"]

    def forward(self, embeds, types=None, head_mask=None):
        """embeds: the word embeddings' rows [n, hidden]; types: token type
        ids (None: all 0); head_mask [layer][head], 1 on, 0 off, multiplying
        the probabilities as Hugging Face's head_mask does. Returns the
        logits at every position, and per layer q, k, probabilities,
        ||f_h(x_j)||."""
        sd, n = self.sd, embeds.shape[0]
        types = torch.zeros(n, dtype=torch.long) if types is None else torch.tensor(types)
        x = (embeds + sd["bert.embeddings.position_embeddings.weight"][:n]
             + sd["bert.embeddings.token_type_embeddings.weight"][types])
        x = self.ln(x, "bert.embeddings.LayerNorm")
        layers = []
        for i in range(self.config["num_hidden_layers"]):
            p = f"bert.encoder.layer.{i}."
            d = x.shape[-1] // self.n_heads

            def heads(t):
                return t.view(n, self.n_heads, d).transpose(0, 1)
            q = heads(self.lin(x, p + "attention.self.query"))
            k = heads(self.lin(x, p + "attention.self.key"))
            v = heads(self.lin(x, p + "attention.self.value"))
            probs = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(d), -1)
            if head_mask is not None:
                probs = probs * torch.tensor(head_mask[i], dtype=torch.float64)[:, None, None]
            w_o = sd[p + "attention.output.dense.weight"]  # [out, in]
            f = torch.stack([v[h] @ w_o[:, h * d:(h + 1) * d].T for h in range(self.n_heads)])
            layers.append({"q": q, "k": k, "probs": probs, "fnorm": f.norm(dim=-1)})
            ctx = (probs @ v).transpose(0, 1).reshape(n, -1)
            x = self.ln(self.lin(ctx, p + "attention.output.dense") + x,
                        p + "attention.output.LayerNorm")
            inter = self.lin(x, p + "intermediate.dense")
            inter = 0.5 * inter * (1.0 + torch.erf(inter / math.sqrt(2.0)))
            x = self.ln(self.lin(inter, p + "output.dense") + x, p + "output.LayerNorm")
        h = self.lin(x, "cls.predictions.transform.dense")
        h = self.ln(0.5 * h * (1.0 + torch.erf(h / math.sqrt(2.0))),
                    "cls.predictions.transform.LayerNorm")
        decoder = sd.get("cls.predictions.decoder.weight",
                         sd["bert.embeddings.word_embeddings.weight"])
        logits = h @ decoder.T + sd["cls.predictions.bias"]
        return logits, layers

    def embeds(self, ids):
        return self.sd["bert.embeddings.word_embeddings.weight"][torch.tensor(ids)].clone()

    def log_p(self, embeds, position, token, types=None, head_mask=None):
        logits, _ = self.forward(embeds, types, head_mask)
        return torch.log_softmax(logits[position], -1)[token]

    def saliency(self, ids, position, token, types=None, head_mask=None):
        e = self.embeds(ids).requires_grad_(True)
        self.log_p(e, position, token, types, head_mask).backward()
        return (e.grad * e).sum(-1).detach()

    def saliency_fd(self, ids, position, token, step=1e-4):
        """s_j = d/dt log p(e_j (1 + t)) at t = 0, by central differences:
        the chain rule gives exactly sum_d (d log p / d e_jd) e_jd."""
        base = self.embeds(ids)
        out = []
        with torch.no_grad():
            for j in range(len(ids)):
                plus, minus = base.clone(), base.clone()
                plus[j] *= 1 + step
                minus[j] *= 1 - step
                out.append((self.log_p(plus, position, token)
                            - self.log_p(minus, position, token)).item() / (2 * step))
        return torch.tensor(out, dtype=torch.float64)


def assert_close(name, got, want, rtol=1e-4):
    got = torch.as_tensor(got, dtype=torch.float64)
    want = torch.as_tensor(want, dtype=torch.float64)
    assert got.shape == want.shape, (name, tuple(got.shape), tuple(want.shape))
    err = (got - want).abs().max().item()
    scale = want.abs().max().item()
    assert err <= rtol * max(scale, 1e-30), f"{name}: max error {err:.3g} against scale {scale:.3g}"


def check_door(model, ref):
    n_layers = ref.config["num_hidden_layers"]
    n_heads = ref.config["num_attention_heads"]
    out = dump(model, "--neuron", f"{n_layers}:{n_heads - 1}", "--norms", "--saliency")
    ids = out["ids"]
    n = len(ids)
    with torch.no_grad():
        logits, layers = ref.forward(ref.embeds(ids))

    # The neuron view's vectors: last layer, second-last head (1-indexed in
    # the flag and the dump).
    neuron = out["neuron"]
    assert neuron["layer"] == n_layers and neuron["head"] == n_heads - 1, neuron
    lay = layers[n_layers - 1]
    assert_close("neuron.query", neuron["query"], lay["q"][n_heads - 2])
    assert_close("neuron.key", neuron["key"], lay["k"][n_heads - 2])

    # Norms: every layer and head, shaped like the attentions.
    want = torch.stack([l["probs"] * l["fnorm"][:, None, :] for l in layers])
    assert_close("norms", out["norms"], want)
    assert_close("attentions", out["attentions"], torch.stack([l["probs"] for l in layers]))

    # Saliency: one entry per [MASK], for its top-1 candidate.
    masks = [i for i, t in enumerate(out["tokens"]) if t == "[MASK]"]
    assert len(masks) == 2 and [s["mask_index"] for s in out["saliency"]] == masks, out["saliency"]
    for s, pred in zip(out["saliency"], out["predictions"]):
        top = pred["candidates"][0]
        assert s["token"] == top["token"], (s["token"], top)
        assert len(s["scores"]) == n
        want_top = int(torch.argmax(logits[s["mask_index"]]))
        assert want_top == top["id"], (want_top, top)
        grad = ref.saliency(ids, s["mask_index"], top["id"])
        fd = ref.saliency_fd(ids, s["mask_index"], top["id"])
        # The reference's own gradient agrees with finite differences.
        assert_close("reference saliency vs finite differences", grad, fd, rtol=1e-5)
        assert_close(f"saliency at {s['mask_index']}", s["scores"], grad)
        assert_close(f"saliency at {s['mask_index']} vs finite differences", s["scores"], fd)

    # --show norms: every export kind holds the norms, each row scaled to
    # sum 1, in place of the weights.
    with tempfile.TemporaryDirectory() as tmp:
        proc = cli("--output-dir", tmp, "--format", "npy", "--show", "norms", TEXT, model=model)
        assert proc.returncode == 0, proc.stderr
        shown = torch.from_numpy(np.load(os.path.join(tmp, "attention.npy")))
        raw = torch.stack([l["probs"] * l["fnorm"][:, None, :] for l in layers])
        assert_close("--show norms", shown, raw / raw.sum(-1, keepdim=True))

    # Without the flags, none of them is computed or written.
    plain = dump(model)
    for key in ("neuron", "norms", "saliency"):
        assert key not in plain, key


def check_pair_and_heads_off(model, ref):
    """--pair and --ablate: the vectors, norms and saliency come from the
    same run as the attentions beside them (token types 1 for the second
    sentence, the heads switched off multiplying their probabilities by 0),
    against the reference run with those types and that mask."""
    n_layers = ref.config["num_hidden_layers"]
    n_heads = ref.config["num_attention_heads"]
    off = [(1, 2), (n_layers, 1)]  # 1-indexed, as --ablate takes them
    mask = [[1.0] * n_heads for _ in range(n_layers)]
    for layer, head in off:
        mask[layer - 1][head - 1] = 0.0
    out = dump(model, "--pair", "a dog ran to the [MASK] .", "--ablate",
               ",".join(f"{l}:{h}" for l, h in off), "--neuron", "1:2", "--norms", "--saliency")
    ids, types = out["ids"], out["token_type_ids"]
    assert 0 in types and 1 in types, types
    with torch.no_grad():
        logits, layers = ref.forward(ref.embeds(ids), types, mask)
    assert_close("pair attentions", out["attentions"], torch.stack([l["probs"] for l in layers]))
    # Layer 1 head 2 is off: its weights are 0, its q and k are still the
    # projections of the layer's input (the mask acts after the softmax).
    assert_close("pair neuron.query", out["neuron"]["query"], layers[0]["q"][1])
    assert_close("pair neuron.key", out["neuron"]["key"], layers[0]["k"][1])
    norms = torch.tensor(out["norms"], dtype=torch.float64)
    assert_close("pair norms", norms, torch.stack([l["probs"] * l["fnorm"][:, None, :]
                                                   for l in layers]))
    for layer, head in off:
        assert norms[layer - 1, head - 1].abs().max().item() == 0, (layer, head)
    masks = [i for i, t in enumerate(out["tokens"]) if t == "[MASK]"]
    assert len(masks) == 3 and [s["mask_index"] for s in out["saliency"]] == masks
    for s, pred in zip(out["saliency"], out["predictions"]):
        top = pred["candidates"][0]
        assert int(torch.argmax(logits[s["mask_index"]])) == top["id"], top
        grad = ref.saliency(ids, s["mask_index"], top["id"], types, mask)
        assert_close(f"pair saliency at {s['mask_index']}", s["scores"], grad)


def main():
    # The legacy checkpoint names LayerNorm's parameters gamma and beta.
    state = {k.replace(".gamma", ".weight").replace(".beta", ".bias"): v
             for k, v in torch.load(CHECKPOINT, map_location="cpu").items()}
    with open(os.path.join(MODEL_DIR, "hf-bin", "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    ref = Reference(state, config)
    for model in (BUNDLE, HF_FOLDER):
        check_door(model, ref)
        check_pair_and_heads_off(model, ref)
        print(f"ok: {model}")

    # Out of range, malformed: exit 2 with the reason, nothing written.
    layers, heads = config["num_hidden_layers"], config["num_attention_heads"]
    for bad in (f"{layers + 1}:1", f"1:{heads + 1}", "0:1", "1:0", "1", "a:b", "1:2:3", "-1:1"):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "dump.json")
            proc = cli("--dump", path, "--neuron", bad, TEXT)
            assert proc.returncode == 2, (bad, proc.returncode, proc.stderr)
            assert "--neuron" in proc.stderr, (bad, proc.stderr)
            assert not os.path.exists(path), bad
    print("ok: --neuron out of range")
    with tempfile.TemporaryDirectory() as tmp:
        check_foreign(tmp)
    print("ok: a foreign TorchScript file")


if __name__ == "__main__":
    main()
