"""A BERT forward written from the paper and Hugging Face's BertForMaskedLM
(modeling_bert.py), in float64 torch tensor arithmetic, on the weights of a
model.safetensors read byte by byte: the reference the CLI tests check
attention-cli's outputs against. It shares nothing with the app's TorchScript
source or its tools: token_type_ids, head_mask (multiplies the softmax
probabilities, as Hugging Face's) and logits at every position."""

import json
import math
import os
import struct

import numpy as np
import torch

_DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "F16": np.float16}


def read_safetensors(path):
    """{name: float64 tensor} from the format's definition: an 8-byte
    little-endian header length, a JSON header, the raw data."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(data[base + start:base + end], dtype=_DTYPES[info["dtype"]])
        out[name] = torch.from_numpy(array.reshape(info["shape"]).astype(np.float64))
    return out


class ReferenceBert:
    def __init__(self, folder):
        """folder: a Hugging Face folder (config.json, model.safetensors)."""
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            self.config = json.load(f)
        self.w = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.n_layers = self.config["num_hidden_layers"]
        self.n_heads = self.config["num_attention_heads"]
        self.eps = self.config.get("layer_norm_eps", 1e-12)

    def _ln(self, x, prefix):
        mean = x.mean(-1, keepdim=True)
        var = ((x - mean) ** 2).mean(-1, keepdim=True)
        return (x - mean) / torch.sqrt(var + self.eps) * self.w[prefix + ".weight"] + \
            self.w[prefix + ".bias"]

    def _lin(self, x, prefix):
        return x @ self.w[prefix + ".weight"].T + self.w[prefix + ".bias"]

    @staticmethod
    def _gelu(x):
        return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))

    def forward(self, ids, token_type_ids=None, head_mask=None):
        """ids: list of ints. head_mask: n_layers x n_heads of 0/1 (None: all
        on). Returns (attentions [L][H][n][n], logits [n][vocab]) as numpy."""
        n = len(ids)
        if token_type_ids is None:
            token_type_ids = [0] * n
        w = self.w
        x = (w["bert.embeddings.word_embeddings.weight"][ids] +
             w["bert.embeddings.position_embeddings.weight"][:n] +
             w["bert.embeddings.token_type_embeddings.weight"][token_type_ids])
        x = self._ln(x, "bert.embeddings.LayerNorm")
        hidden = x.shape[-1]
        d = hidden // self.n_heads
        attentions = []
        for l in range(self.n_layers):
            p = f"bert.encoder.layer.{l}."

            def heads(t):
                return t.reshape(n, self.n_heads, d).transpose(0, 1)

            q = heads(self._lin(x, p + "attention.self.query"))
            k = heads(self._lin(x, p + "attention.self.key"))
            v = heads(self._lin(x, p + "attention.self.value"))
            probs = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(d), dim=-1)
            if head_mask is not None:
                probs = probs * torch.tensor(head_mask[l], dtype=torch.float64)[:, None, None]
            attentions.append(probs.numpy())
            context = (probs @ v).transpose(0, 1).reshape(n, hidden)
            x = self._ln(self._lin(context, p + "attention.output.dense") + x,
                         p + "attention.output.LayerNorm")
            inner = self._gelu(self._lin(x, p + "intermediate.dense"))
            x = self._ln(self._lin(inner, p + "output.dense") + x, p + "output.LayerNorm")
        t = self._gelu(self._lin(x, "cls.predictions.transform.dense"))
        t = self._ln(t, "cls.predictions.transform.LayerNorm")
        logits = t @ w["bert.embeddings.word_embeddings.weight"].T + w["cls.predictions.bias"]
        return np.stack(attentions), logits.numpy()


def softmax(logits):
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)
