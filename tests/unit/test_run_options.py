#!/usr/bin/python3
"""Runs with options (src/model/attention-run-options.h) against a reference
forward written here from the checkpoint's tensors, with Hugging Face's
semantics:

  - sentence pairs: [CLS] A [SEP] B [SEP], token_type_ids 0 through A's
    [SEP] and 1 after, as tokenizer(a, b) gives them, attentions to 1e-5;
  - head_mask multiplies the attention probabilities (a switched-off head's
    matrix is all zeros), to 1e-5, for one mask and one per batch item;
  - batches with a padding mask: each sequence as if run alone;
  - predictions at every position: softmax of the logits at each position;

on three kinds of model: a bundle of the current source (the test model), a
bundle with its own older code and Hugging Face's parameter names (the demo
bundle in data/), and a Hugging Face folder. A foreign TorchScript file runs
plain runs and batches, and says "this model does not expose …" for the rest.

Usage: test_run_options.py RUN_OPTIONS_DUMP DEMO_BUNDLE"""

import json
import math
import os
import subprocess
import sys
import tempfile
import zipfile

import torch

DUMP, DEMO = sys.argv[1], sys.argv[2]
TEST_MODEL = os.environ["ATTENTION_TEST_MODEL"]
HF_FOLDER = os.path.join(os.environ["ATTENTION_TEST_MODEL_DIR"], "hf-safetensors")
TOL = 1e-5

# The current source keeps weights as attributes under these names; Hugging
# Face's names for them (written out here, not taken from the project).
LAYOUT = {
    "word_embeddings": "bert.embeddings.word_embeddings.weight",
    "position_embeddings": "bert.embeddings.position_embeddings.weight",
    "token_type_embeddings": "bert.embeddings.token_type_embeddings.weight",
    "embeddings_ln_weight": "bert.embeddings.LayerNorm.weight",
    "embeddings_ln_bias": "bert.embeddings.LayerNorm.bias",
    "transform_weight": "cls.predictions.transform.dense.weight",
    "transform_bias": "cls.predictions.transform.dense.bias",
    "transform_ln_weight": "cls.predictions.transform.LayerNorm.weight",
    "transform_ln_bias": "cls.predictions.transform.LayerNorm.bias",
    "decoder_bias": "cls.predictions.bias",
}
LAYER_LAYOUT = {
    "query_weight": "attention.self.query.weight", "query_bias": "attention.self.query.bias",
    "key_weight": "attention.self.key.weight", "key_bias": "attention.self.key.bias",
    "value_weight": "attention.self.value.weight", "value_bias": "attention.self.value.bias",
    "attention_output_weight": "attention.output.dense.weight",
    "attention_output_bias": "attention.output.dense.bias",
    "attention_ln_weight": "attention.output.LayerNorm.weight",
    "attention_ln_bias": "attention.output.LayerNorm.bias",
    "intermediate_weight": "intermediate.dense.weight",
    "intermediate_bias": "intermediate.dense.bias",
    "output_weight": "output.dense.weight", "output_bias": "output.dense.bias",
    "output_ln_weight": "output.LayerNorm.weight", "output_ln_bias": "output.LayerNorm.bias",
}


def bundle_config(path):
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith("/extra/config.json"))
        return json.loads(z.read(name))


def checkpoint(path):
    """Hugging Face's state dict of a bundle, in float64."""
    m = torch.jit.load(path, map_location="cpu")
    if hasattr(m, "word_embeddings"):
        w = {hf: getattr(m, name) for name, hf in LAYOUT.items()}
        for name, hf in LAYER_LAYOUT.items():
            for i, t in enumerate(getattr(m, name)):
                w[f"bert.encoder.layer.{i}.{hf}"] = t
    else:
        w = dict(m.named_parameters())
    w.setdefault("cls.predictions.bias", w.get("cls.predictions.decoder.bias"))
    return {k: v.detach().double() for k, v in w.items()}


class Reference:
    """BertForMaskedLM's forward in eval mode, one sequence, float64."""

    def __init__(self, path):
        self.w = checkpoint(path)
        c = bundle_config(path)
        self.layers, self.heads = c["num_hidden_layers"], c["num_attention_heads"]
        self.hidden = c["hidden_size"]
        self.eps = c.get("layer_norm_eps", 1e-12)
        act = c.get("hidden_act", "gelu")
        self.act = (torch.relu if act == "relu" else
                    (lambda x: torch.nn.functional.gelu(x)) if act == "gelu" else
                    (lambda x: torch.nn.functional.gelu(x, approximate="tanh")))

    def ln(self, x, name):
        return torch.nn.functional.layer_norm(x, (self.hidden,), self.w[name + ".weight"],
                                              self.w[name + ".bias"], self.eps)

    def lin(self, x, name):
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def forward(self, ids, types, head_mask):
        """Attentions [L, H, n, n] and logits [n, V]."""
        attentions, logits, _ = self.forward_inside(ids, types, head_mask)
        return attentions, logits

    def embeds(self, ids):
        return self.w["bert.embeddings.word_embeddings.weight"][torch.tensor(ids)].clone()

    def forward_inside(self, ids, types, head_mask, embeds=None):
        """Also each head's queries and keys [L, H, n, d] (after the bias,
        before scaling) and ||f_h(x_j)|| [L, H, n]: the value vector (with
        its bias) through the head's columns of the output projection
        (without its bias), Kobayashi et al. 2020. embeds: the word
        embeddings' rows to use (for gradients), else looked up."""
        w, n = self.w, len(ids)
        d = self.hidden // self.heads
        types = torch.tensor(types)
        x = ((self.embeds(ids) if embeds is None else embeds)
             + w["bert.embeddings.token_type_embeddings.weight"][types]
             + w["bert.embeddings.position_embeddings.weight"][:n])
        h = self.ln(x, "bert.embeddings.LayerNorm")
        attentions, qs, ks, norms = [], [], [], []
        for layer in range(self.layers):
            p = f"bert.encoder.layer.{layer}."
            q = self.lin(h, p + "attention.self.query").view(n, self.heads, d).transpose(0, 1)
            k = self.lin(h, p + "attention.self.key").view(n, self.heads, d).transpose(0, 1)
            v = self.lin(h, p + "attention.self.value").view(n, self.heads, d).transpose(0, 1)
            probs = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(d), -1)
            if head_mask is not None:
                probs = probs * torch.tensor(head_mask[layer], dtype=torch.float64)[:, None, None]
            attentions.append(probs)
            w_o = w[p + "attention.output.dense.weight"]
            norms.append(torch.stack([(v[i] @ w_o[:, i * d:(i + 1) * d].T).norm(dim=-1)
                                      for i in range(self.heads)]))
            qs.append(q)
            ks.append(k)
            context = (probs @ v).transpose(0, 1).reshape(n, self.hidden)
            a = self.ln(self.lin(context, p + "attention.output.dense") + h,
                        p + "attention.output.LayerNorm")
            inner = self.act(self.lin(a, p + "intermediate.dense"))
            h = self.ln(self.lin(inner, p + "output.dense") + a, p + "output.LayerNorm")
        t = self.ln(self.act(self.lin(h, "cls.predictions.transform.dense")),
                    "cls.predictions.transform.LayerNorm")
        logits = t @ w["bert.embeddings.word_embeddings.weight"].T + w["cls.predictions.bias"]
        return torch.stack(attentions), logits, (torch.stack(qs), torch.stack(ks),
                                                 torch.stack(norms))

    def saliency(self, ids, types, head_mask, position, token):
        """s_j = sum_d (d log p(token at position) / d e_jd) e_jd, e_j token
        j's word embedding row, by autograd on this reference."""
        e = self.embeds(ids).requires_grad_(True)
        _, logits, _ = self.forward_inside(ids, types, head_mask, e)
        torch.log_softmax(logits[position], -1)[token].backward()
        return (e.grad * e).sum(-1).detach()


def dump(model, request, expect_error=False):
    proc = subprocess.run([DUMP, model], input=json.dumps(request), capture_output=True,
                          text=True)
    out = json.loads(proc.stdout) if proc.stdout.strip() else {}
    if expect_error:
        assert proc.returncode == 1 and "error" in out, (request, proc.stdout, proc.stderr)
        return out["error"]
    if proc.returncode != 0:
        sys.exit(f"run-options-dump {model} {request}: {proc.returncode}\n{proc.stdout}"
                 f"{proc.stderr}")
    return out["results"]


def check_result(ref, r, head_mask=None, what=""):
    """r's attentions and predictions against ref's forward on r's ids and
    token types."""
    n, L, H = len(r["ids"]), r["layers"], r["heads"]
    mask = None if head_mask is None else [head_mask[i * H:(i + 1) * H] for i in range(L)]
    attentions, logits = ref.forward(r["ids"], r["token_type_ids"], mask)
    got = torch.tensor(r["attentions"], dtype=torch.float64).view(L, H, n, n)
    diff = (got - attentions).abs().max().item()
    assert diff <= TOL, f"{what}: attentions differ by {diff}"
    probs = torch.softmax(logits, -1)
    for p in r["predictions"]:
        for c in p["candidates"]:
            want = probs[p["position"], c["id"]].item()
            assert abs(c["probability"] - want) <= TOL, (what, p["position"], c, want)
        best = torch.argsort(probs[p["position"]], descending=True)[:len(p["candidates"])]
        top = probs[p["position"], best]
        # The ids in order, but ties within the tolerance may swap.
        for c, i, pr in zip(p["candidates"], best.tolist(), top.tolist()):
            assert c["id"] == i or abs(c["probability"] - pr) <= TOL, (what, p, best)
    for pos, cands in enumerate(r["positions"]):
        if cands is None:
            continue
        best = torch.argsort(probs[pos], descending=True)[:len(cands)].tolist()
        for c, i in zip(cands, best):
            want = probs[pos, c["id"]].item()
            assert abs(c["probability"] - want) <= TOL, (what, pos, c, want)
            assert c["id"] == i or abs(probs[pos, i].item() - want) <= TOL, (what, pos, c, i)
    return diff


def expected_types(tokens):
    """Hugging Face's token_type_ids for [CLS] A [SEP] B [SEP]."""
    first_sep = tokens.index("[SEP]")
    return [0 if i <= first_sep else 1 for i in range(len(tokens))]


def check_model(model, ref_path, label):
    ref = Reference(ref_path)
    L, H = ref.layers, ref.heads
    a, b = "The cat sat on the [MASK].", "It was [MASK] and warm there."

    # Pairs: ids are A's then B's without its [CLS]; types as HF.
    single_a, single_b = dump(model, {"texts": [a, b]})
    (pair,) = dump(model, {"texts": [a], "pair": b, "top_k": 3})
    assert pair["ids"] == single_a["ids"] + single_b["ids"][1:], label
    assert pair["token_type_ids"] == expected_types(pair["tokens"]), label
    assert pair["token_type_ids"].count(1) == len(single_b["ids"]) - 1, label
    assert pair["pair_text"] == b
    assert len(pair["predictions"]) == 2
    # The [MASK] in B fills B.
    assert pair["predictions"][1]["filled"].startswith("It was "), pair["predictions"][1]
    check_result(ref, pair, what=f"{label} pair")
    # Token types change the attentions (the reference does not ignore them).
    alone = Reference.forward(ref, pair["ids"], [0] * len(pair["ids"]), None)[0]
    with_types = Reference.forward(ref, pair["ids"], pair["token_type_ids"], None)[0]
    assert (alone - with_types).abs().max() > 1e-3, label

    # A head mask: heads off are zeros, the rest as HF's head_mask.
    mask = [1.0] * (L * H)
    mask[0] = mask[L * H - 1] = 0.0
    mask[H + 1] = 0.5
    (masked,) = dump(model, {"texts": [a], "head_mask": mask, "top_k": 3})
    assert masked["head_mask"] == mask
    n = len(masked["ids"])
    att = torch.tensor(masked["attentions"]).view(L, H, n, n)
    assert att[0, 0].abs().max() == 0 and att[L - 1, H - 1].abs().max() == 0, label
    check_result(ref, masked, mask, f"{label} head mask")
    # It changes the prediction (the test can fail).
    (plain,) = dump(model, {"texts": [a], "top_k": 3})
    assert plain["head_mask"] is None
    check_result(ref, plain, what=f"{label} plain")
    assert abs(plain["predictions"][0]["candidates"][0]["probability"]
               - masked["predictions"][0]["candidates"][0]["probability"]) > 1e-6, label

    # Predictions at every position, [CLS] and [SEP] included.
    (every,) = dump(model, {"texts": [a], "all_positions": True, "top_k": 4})
    assert all(c is not None and len(c) == 4 for c in every["positions"]), label
    assert len(every["predictions"]) == 1, label
    check_result(ref, every, what=f"{label} all positions")

    # A batch: different lengths, a pair, per-sequence head masks; each
    # sequence as the reference gives it alone.
    texts = ["Short [MASK].", a, "A much longer sentence that goes on and on, with a [MASK] "
             "near its end, so that the others are padded."]
    masks = [[1.0] * (L * H) for _ in texts]
    masks[1][2] = 0.0
    masks[2][L * H - 2] = 0.0
    batch = dump(model, {"texts": texts, "pairs": [None, b, None], "head_masks": masks,
                         "batch": True, "top_k": 3})
    assert len(batch) == 3
    assert [len(r["ids"]) for r in batch] == [len(r["ids"]) for r in batch] and \
        len(set(len(r["ids"]) for r in batch)) == 3, label
    assert batch[1]["token_type_ids"] == expected_types(batch[1]["tokens"])
    for i, r in enumerate(batch):
        check_result(ref, r, masks[i], f"{label} batch item {i}")
    # The same sequences run one by one.
    for i, text in enumerate(texts):
        request = {"texts": [text], "head_mask": masks[i], "top_k": 3}
        if i == 1:
            request["pair"] = b
        (one,) = dump(model, request)
        d = max(abs(x - y) for x, y in zip(one["attentions"], batch[i]["attentions"]))
        assert d <= TOL, (label, i, d)

    # Bad input: a mask of the wrong size, a pair past the limit.
    error = dump(model, {"texts": [a], "head_mask": [1.0] * (L * H + L)}, expect_error=True)
    assert "head mask" in error, error
    long_b = " ".join(["word"] * 600)
    error = dump(model, {"texts": [a], "pair": long_b}, expect_error=True)
    assert "two sentences" in error, error
    print(f"{label}: pairs, head masks, all positions and batches match the reference")


class Foreign(torch.nn.Module):
    """A TorchScript model that is not a BERT: uniform attentions."""

    def __init__(self, vocab_size: int, layers: int, heads: int):
        super().__init__()
        self.vocab_size, self.layers, self.heads = vocab_size, layers, heads

    @torch.jit.export
    def forward_at(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                   positions: torch.Tensor):
        s = input_ids.shape[1]
        logits = torch.zeros(positions.shape[0], self.vocab_size)
        return logits, torch.full((self.layers, 1, self.heads, s, s), 1.0 / s)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        s = input_ids.shape[1]
        return (torch.zeros(1, s, self.vocab_size),
                torch.full((self.layers, 1, self.heads, s, s), 1.0 / s))


def check_foreign(folder):
    config = bundle_config(TEST_MODEL)
    with zipfile.ZipFile(TEST_MODEL) as z:
        vocab = z.read(next(n for n in z.namelist() if n.endswith("/extra/vocab.txt")))
    path = os.path.join(folder, "foreign.pt")
    module = torch.jit.script(Foreign(config["vocab_size"], config["num_hidden_layers"],
                                      config["num_attention_heads"]))
    torch.jit.save(module, path, _extra_files={"config.json": json.dumps(config),
                                               "vocab.txt": vocab})
    texts = ["One [MASK].", "Two words [MASK] here."]
    batch = dump(path, {"texts": texts, "batch": True})
    for r in batch:
        n = len(r["ids"])
        assert all(abs(x - 1.0 / n) < 1e-7 for x in r["attentions"]), r
    for request, feature in (({"pair": "Other."}, "token types"),
                             ({"head_mask": [0.0] * (config["num_hidden_layers"]
                                                     * config["num_attention_heads"])},
                              "a head mask")):
        error = dump(path, dict(texts=texts[:1], **request), expect_error=True)
        assert error.startswith("this model does not expose " + feature), error
    print("foreign TorchScript: batches run, options say what is missing")


def main():
    check_model(TEST_MODEL, TEST_MODEL, "bundle of the current source")
    check_model(DEMO, DEMO, "demo bundle (own older code)")
    check_model(HF_FOLDER, TEST_MODEL, "Hugging Face folder")
    with tempfile.TemporaryDirectory() as folder:
        check_foreign(folder)


if __name__ == "__main__":
    main()
