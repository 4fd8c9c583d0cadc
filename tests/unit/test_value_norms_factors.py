#!/usr/bin/python3
"""Value norms ||f_h(x_j)|| (Kobayashi et al. 2020) of heads whose slice of
the attention output projection is degenerate, and of ALBERTs, whose layers
share their weights, against NumPy forwards written here from the models'
tensors (float64), to 1e-4 relative per head.

The shim computes the norms through a d x d factor F of each head's Gram
matrix W W^T (W: the head's [d, hidden] slice), made once a model. A plain
Cholesky factorisation needs W W^T positive definite; here it is not:

  - layer 1, head 2: an all-zero slice, as a pruned head leaves it. Its
    norms are exactly 0 (a zero Gram matrix: Cholesky fails at its first
    pivot);
  - layer 2, head 3: two equal rows (rank d - 1);
  - layer 3, head 1: rank 1 (every row a multiple of one vector, two of
    them 0);
  - layer 3, head 4: rank d / 2 (its last d / 2 rows multiples of its
    first d / 2).

Runs that model four ways: plain norms runs; norms with queries and keys
and gradient x input saliency, on the same loaded model after a plain norms
run (autograd through the cached factors); four norms runs started at once
on threads of their own (runs may be concurrent by the time the factors
are made: a smoke test, not a race detector); and ATTN_SHIM_NORMS_DIRECT=1,
the direct form (the value vectors through the slices).

Then two ALBERT folders (fixtures/make_family_folders.py): albert/, one
layer run by all 4 layers (the shim makes its factors once and shares
them), and albert-groups/, 2 groups of 2 layers each, run as 4 x 2 layers
the way AlbertTransformer runs them.

Usage: test_value_norms_factors.py RUN_OPTIONS_DUMP FAMILY_FOLDERS"""

import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

DUMP, FAMILIES = sys.argv[1], sys.argv[2]
TEST_MODEL = os.environ["ATTENTION_TEST_MODEL"]
TEXTS = ["The cat sat on the [MASK].",
         "A longer sentence, with a [MASK] in it, and some more words after it."]


def degenerate_bundle(out):
    """The test model with the four heads above; returns its weights as
    NumPy float64 arrays, by the source's attribute names."""
    extra = {"vocab.txt": "", "config.json": ""}
    m = torch.jit.load(TEST_MODEL, _extra_files=extra)
    config = json.loads(extra["config.json"])
    heads = config["num_attention_heads"]
    d = config["hidden_size"] // heads
    assert config["num_hidden_layers"] >= 3 and heads >= 4 and d >= 4, config
    gen = torch.Generator().manual_seed(29)
    w_o = m.attention_output_weight  # [hidden, hidden] a layer, y = x w^T
    with torch.no_grad():
        def cols(layer, head):
            return w_o[layer][:, head * d:(head + 1) * d]  # head's W, transposed

        cols(0, 1).zero_()
        c = cols(1, 2)
        c[:, 3] = c[:, 0]
        # Multiples by powers of two (and 0), exact in float32: the ranks
        # are those of the stored weights, not only of the real numbers.
        signs = torch.where(torch.rand(d, generator=gen) < 0.5, -1.0, 1.0)
        powers = signs * torch.pow(2.0, torch.randint(-2, 3, (d,), generator=gen).float())
        c = cols(2, 0)
        factor = powers.clone()
        factor[1] = factor[d - 1] = 0.0
        c.copy_(c[:, 0:1] * factor)
        c = cols(2, 3)
        c[:, d // 2:] = c[:, :d // 2] * powers[d // 2:]
    torch.jit.save(m, out, _extra_files=extra)
    w = {}
    for name in ("word_embeddings", "position_embeddings", "token_type_embeddings",
                 "embeddings_ln_weight", "embeddings_ln_bias"):
        w[name] = getattr(m, name).detach().double().numpy()
    for name in ("query_weight", "query_bias", "key_weight", "key_bias", "value_weight",
                 "value_bias", "attention_output_weight", "attention_output_bias",
                 "attention_ln_weight", "attention_ln_bias", "intermediate_weight",
                 "intermediate_bias", "output_weight", "output_bias", "output_ln_weight",
                 "output_ln_bias"):
        w[name] = [t.detach().double().numpy() for t in getattr(m, name)]
    return w, config


def layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


_erf = np.vectorize(math.erf)


def reference_norms(w, config, ids):
    """BertModel's forward in eval mode (token types 0, no padding), and
    each layer's ||v_j W_h|| [L, H, n]: head h's value vector of token j
    (with its bias) through its d columns of the output projection (without
    that projection's bias)."""
    n, heads = len(ids), config["num_attention_heads"]
    hidden = config["hidden_size"]
    d, eps = hidden // heads, config.get("layer_norm_eps", 1e-12)
    assert config.get("hidden_act", "gelu") == "gelu", config

    def lin(x, name, layer):
        return x @ w[name + "_weight"][layer].T + w[name + "_bias"][layer]

    x = (w["word_embeddings"][ids] + w["position_embeddings"][:n]
         + w["token_type_embeddings"][0])
    h = layer_norm(x, w["embeddings_ln_weight"], w["embeddings_ln_bias"], eps)
    norms = []
    for layer in range(config["num_hidden_layers"]):
        q, k, v = (lin(h, name, layer).reshape(n, heads, d).transpose(1, 0, 2)
                   for name in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        w_o = w["attention_output_weight"][layer]
        norms.append([np.linalg.norm(v[i] @ w_o[:, i * d:(i + 1) * d].T, axis=-1)
                      for i in range(heads)])
        context = (probs @ v).transpose(1, 0, 2).reshape(n, hidden)
        a = layer_norm(lin(context, "attention_output", layer) + h,
                       w["attention_ln_weight"][layer], w["attention_ln_bias"][layer], eps)
        inner = lin(a, "intermediate", layer)
        inner = 0.5 * inner * (1.0 + _erf(inner / math.sqrt(2.0)))
        h = layer_norm(lin(inner, "output", layer) + a, w["output_ln_weight"][layer],
                       w["output_ln_bias"][layer], eps)
    return np.array(norms)


def dump(model, request, env=None):
    proc = subprocess.run([DUMP, model], input=json.dumps(request), capture_output=True,
                          text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"run-options-dump {model} {request}: {proc.returncode}\n{proc.stdout}"
                 f"{proc.stderr}")
    return json.loads(proc.stdout)["results"]


def check(results, w, config, label):
    L, H = config["num_hidden_layers"], config["num_attention_heads"]
    for r in results:
        n = len(r["ids"])
        want = reference_norms(w, config, r["ids"])
        assert r["value_norms"] is not None, (label, "no value norms")
        got = np.array(r["value_norms"], dtype=np.float64).reshape(L, H, n)
        assert np.all(got[0, 1] == 0.0), (label, "pruned head", got[0, 1])
        for layer in range(L):
            for head in range(H):
                scale = want[layer, head].max()
                err = np.abs(got[layer, head] - want[layer, head]).max()
                if scale == 0.0:
                    assert err == 0.0, (label, layer + 1, head + 1, err)
                else:
                    assert err <= 1e-4 * scale, (label, layer + 1, head + 1, err, scale)
    print(f"{label}: value norms of pruned and rank-deficient heads match the reference")


def safetensors(path):
    """The tensors of a safetensors file, as NumPy float64 arrays: an 8-byte
    little-endian header length, a JSON header of name -> dtype, shape and
    data_offsets, then the data."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    types = {"F32": np.float32, "F16": np.float16, "F64": np.float64}
    out = {}
    for name, e in header.items():
        if name == "__metadata__" or e["dtype"] not in types:
            continue
        begin, end = e["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype=types[e["dtype"]]).reshape(
            e["shape"]).astype(np.float64)
    return out


def albert_reference_norms(folder, ids):
    """AlbertModel's forward in eval mode (token types 0): embeddings of
    embedding_size, their LayerNorm, embedding_hidden_mapping_in; then for
    each of num_hidden_layers, the inner_group_num layers of its group in
    turn. Returns each run layer's ||v_j W_h|| [runs, H, n]."""
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        c = json.load(f)
    w = safetensors(os.path.join(folder, "model.safetensors"))
    n, heads, hidden = len(ids), c["num_attention_heads"], c["hidden_size"]
    d, eps = hidden // heads, c["layer_norm_eps"]
    layers, groups, inner = c["num_hidden_layers"], c["num_hidden_groups"], c["inner_group_num"]
    assert c["hidden_act"] == "gelu_new", c

    def lin(x, name):
        return x @ w[name + ".weight"].T + w[name + ".bias"]

    def ln(x, name):
        return layer_norm(x, w[name + ".weight"], w[name + ".bias"], eps)

    e = "albert.embeddings."
    x = (w[e + "word_embeddings.weight"][ids] + w[e + "position_embeddings.weight"][:n]
         + w[e + "token_type_embeddings.weight"][0])
    h = lin(ln(x, e + "LayerNorm"), "albert.encoder.embedding_hidden_mapping_in")
    norms = []
    for i in range(layers):
        group = int(i / (layers / groups))
        for j in range(inner):
            p = f"albert.encoder.albert_layer_groups.{group}.albert_layers.{j}."
            q, k, v = (lin(h, p + "attention." + name).reshape(n, heads, d).transpose(1, 0, 2)
                       for name in ("query", "key", "value"))
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)
            probs = np.exp(scores - scores.max(-1, keepdims=True))
            probs /= probs.sum(-1, keepdims=True)
            w_o = w[p + "attention.dense.weight"]
            norms.append([np.linalg.norm(v[m] @ w_o[:, m * d:(m + 1) * d].T, axis=-1)
                          for m in range(heads)])
            context = (probs @ v).transpose(1, 0, 2).reshape(n, hidden)
            a = ln(lin(context, p + "attention.dense") + h, p + "attention.LayerNorm")
            f = lin(a, p + "ffn")
            f = 0.5 * f * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (f + 0.044715 * f ** 3)))
            h = ln(lin(f, p + "ffn_output") + a, p + "full_layer_layer_norm")
    return np.array(norms)


def check_albert(name):
    folder = os.path.join(FAMILIES, name)
    results = dump(folder, {"texts": TEXTS, "top_k": 1, "want_value_norms": True})
    for r in results:
        n, L, H = len(r["ids"]), r["layers"], r["heads"]
        want = albert_reference_norms(folder, r["ids"])
        assert want.shape == (L, H, n), (name, want.shape, L, H, n)
        got = np.array(r["value_norms"], dtype=np.float64).reshape(L, H, n)
        for layer in range(L):
            for head in range(H):
                err = np.abs(got[layer, head] - want[layer, head]).max()
                scale = want[layer, head].max()
                assert err <= 1e-4 * scale, (name, layer + 1, head + 1, err, scale)
    print(f"{name}: value norms of layers sharing their weights match the reference")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "degenerate.pt")
        w, config = degenerate_bundle(model)
        # The slices' ranks are as made.
        d = config["hidden_size"] // config["num_attention_heads"]
        for layer, head, rank in ((0, 1, 0), (1, 2, d - 1), (2, 0, 1), (2, 3, d // 2),
                                  (2, 1, d)):
            slice_t = w["attention_output_weight"][layer][:, head * d:(head + 1) * d]
            got = np.linalg.matrix_rank(slice_t)
            assert got == rank, (layer + 1, head + 1, got, rank)

        check(dump(model, {"texts": TEXTS, "top_k": 1, "want_value_norms": True}), w, config,
              "norms")
        # The factors made by the first, plain run, then used under autograd.
        results = dump(model, {"texts": TEXTS + TEXTS, "top_k": 1, "want_qk": True,
                               "want_value_norms": True,
                               "saliency_each": [False, False, True, True]})
        assert all(len(r["saliency"]) == 1 for r in results[2:]), results[2]["saliency"]
        check(results, w, config, "norms, queries and keys, then with saliency")
        # Four runs at once, each the first to ask for norms, all get them
        # right. A smoke test: with the shim's lock around the factors taken
        # out, 30 tries of this all passed too (two threads then assign one
        # at::Tensor at once, undefined but rarely harmful).
        check(dump(model, {"texts": TEXTS + TEXTS, "top_k": 1, "want_value_norms": True,
                           "concurrent": True}), w, config, "four concurrent first norms runs")
        env = dict(os.environ, ATTN_SHIM_NORMS_DIRECT="1")
        check(dump(model, {"texts": TEXTS, "top_k": 1, "want_value_norms": True}, env), w,
              config, "norms in the direct form (ATTN_SHIM_NORMS_DIRECT=1)")
    check_albert("albert")
    check_albert("albert-groups")


if __name__ == "__main__":
    main()
