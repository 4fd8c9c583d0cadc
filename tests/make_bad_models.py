#!/usr/bin/python3
"""Writes broken model files for tests/test-bad-models.c, one per way a model
file can be wrong, into OUT_DIR (a temporary folder of the test):

  make_bad_models.py OUT_DIR GOOD_BUNDLE [--hostile-only]

Each file is named after its case. The good bundle (the seeded test model) is
the base of the cases that need a real TorchScript module."""

import json
import os
import random
import shutil
import sys
import zipfile

import torch
from typing import Tuple


class TinyNoExtras(torch.nn.Module):
    """A valid TorchScript module, but no bundle: no vocab.txt or config.json."""

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        return input_ids.float(), attention_mask.float()


class WrongAttentionShape(torch.nn.Module):
    """forward_at (exported: TorchScript compiles only forward otherwise) with
    the right logits but 4-D attentions (no batch axis)."""

    def __init__(self, vocab_size: int):
        super().__init__()
        self.vocab_size = vocab_size

    @torch.jit.export
    def forward_at(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                   positions: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        s = input_ids.shape[1]
        logits = torch.zeros(positions.shape[0], self.vocab_size)
        attentions = torch.full((3, 4, s, s), 1.0 / s)
        return logits, attentions

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        s = input_ids.shape[1]
        return torch.zeros(1, s, self.vocab_size), torch.full((3, 4, s, s), 1.0 / s)


class WrongLogitsShape(torch.nn.Module):
    """forward_at whose logits have one row too few."""

    def __init__(self, vocab_size: int):
        super().__init__()
        self.vocab_size = vocab_size

    @torch.jit.export
    def forward_at(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                   positions: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        s = input_ids.shape[1]
        logits = torch.zeros(positions.shape[0] + 1, self.vocab_size)
        return logits, torch.full((3, 1, 4, s, s), 1.0 / s)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        s = input_ids.shape[1]
        return torch.zeros(1, s, self.vocab_size), torch.full((3, 1, 4, s, s), 1.0 / s)


class NotATuple(torch.nn.Module):
    """Returns one tensor instead of (logits, attentions)."""

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        return input_ids.float()


class Hostile(torch.nn.Module):
    """The good model behind a wrapper that misbehaves on real sentences
    (more than the 3 tokens of the loader's probe), so that the bundle loads
    and its runs go wrong: `mode` 1 raises an exception of its own, 2 makes
    the attentions NaN, 3 the logits infinite, 4 loops for a long time (a
    slow bundle: about a minute; tests quit while it runs). Mode 5 loops on
    every input, the probe included: a bundle that takes long to load."""

    def __init__(self, inner, mode: int):
        super().__init__()
        self.inner = inner
        self.mode = mode

    def _spin(self, x: torch.Tensor) -> torch.Tensor:
        a = torch.ones(64, 64)
        for _ in range(2000000):
            a = torch.mm(a, a) * 0.015625
        return x + a[0, 0] * 0.0

    @torch.jit.export
    def forward_at(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                   positions: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        logits, attentions = self.inner.forward_at(input_ids, attention_mask, positions)
        real = input_ids.shape[1] > 3
        if self.mode == 5 or (real and self.mode == 4):
            attentions = self._spin(attentions)
        if real and self.mode == 1:
            raise RuntimeError("this bundle refuses sentences longer than 3 tokens")
        if real and self.mode == 2:
            attentions = attentions * float("nan")
        if real and self.mode == 3:
            logits = logits + float("inf")
        return logits, attentions

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        positions = torch.arange(input_ids.shape[1])
        logits, attentions = self.forward_at(input_ids, attention_mask, positions)
        return logits.unsqueeze(0), attentions


def deep_json(config: dict, depth: int) -> str:
    """config with one more member nested `depth` arrays deep: valid JSON that
    a recursive parser cannot get through."""
    text = json.dumps(config)
    return text[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"


def write_hostile(out, good):
    """The bundles of issue 14: they load, and then their runs misbehave;
    and one whose config.json is nested 100,000 levels deep."""
    extra = {"vocab.txt": "", "config.json": ""}
    module = torch.jit.load(good, _extra_files=extra)
    vocab, config_text = (extra[k].decode() if isinstance(extra[k], bytes) else extra[k]
                          for k in ("vocab.txt", "config.json"))

    def resave(name, config, m):
        torch.jit.save(m, os.path.join(out, name),
                       _extra_files={"vocab.txt": vocab, "config.json": config})

    for name, mode in (("raises.pt", 1), ("nan-attentions.pt", 2), ("inf-logits.pt", 3),
                       ("slow-run.pt", 4), ("slow-load.pt", 5)):
        resave(name, config_text, torch.jit.script(Hostile(module, mode)))
    resave("deep-config.pt", deep_json(json.loads(config_text), 100000), module)


def main():
    out, good = sys.argv[1], sys.argv[2]
    hostile_only = sys.argv[3:] == ["--hostile-only"]
    os.makedirs(out, exist_ok=True)

    def path(name):
        return os.path.join(out, name)

    if hostile_only:
        write_hostile(out, good)
        print("wrote", out)
        return
    open(path("empty.pt"), "wb").close()

    data = open(good, "rb").read()
    with open(path("truncated.pt"), "wb") as f:
        f.write(data[: len(data) // 2])

    rng = random.Random(20240611)
    with open(path("random.pt"), "wb") as f:
        f.write(bytes(rng.randrange(256) for _ in range(64 * 1024)))

    with zipfile.ZipFile(path("plain-zip.pt"), "w") as z:
        z.writestr("readme.txt", "just a zip archive\n")
        z.writestr("data/weights.bin", bytes(range(256)) * 16)

    # What a user gets from torch.save on a state dict.
    torch.save({"embeddings.weight": torch.zeros(4, 4)}, path("checkpoint.pt"))

    torch.jit.save(torch.jit.script(TinyNoExtras()), path("no-extras.pt"))

    extra = {"vocab.txt": "", "config.json": ""}
    module = torch.jit.load(good, _extra_files=extra)
    vocab = extra["vocab.txt"].decode() if isinstance(extra["vocab.txt"], bytes) \
        else extra["vocab.txt"]
    config_text = extra["config.json"].decode() if isinstance(extra["config.json"], bytes) \
        else extra["config.json"]
    config = json.loads(config_text)

    torch.jit.save(torch.jit.script(TinyNoExtras()), path("no-config.pt"),
                   _extra_files={"vocab.txt": vocab})

    def resave(name, vocab_text, config_text, m=module):
        torch.jit.save(m, path(name),
                       _extra_files={"vocab.txt": vocab_text, "config.json": config_text})

    # Cut off mid-way, as a bad edit would leave it.
    resave("bad-config.pt", vocab, config_text[: len(config_text) // 2])
    # config.json and the weights disagree on the vocabulary size.
    resave("config-vocab-size.pt", vocab, json.dumps(dict(config, vocab_size=30522)))
    # vocab.txt is shorter than the embedding table.
    lines = vocab.splitlines()
    resave("short-vocab.pt", "\n".join(lines[:-50]) + "\n", config_text)

    v = config["vocab_size"]
    for name, m in (("wrong-attention-shape.pt", WrongAttentionShape(v)),
                    ("wrong-logits-shape.pt", WrongLogitsShape(v)),
                    ("not-a-tuple.pt", NotATuple())):
        resave(name, vocab, config_text, torch.jit.script(m))

    write_hostile(out, good)

    os.makedirs(path("folder.pt"), exist_ok=True)
    shutil.copyfile(good, path("unreadable.pt"))
    print("wrote", out)


if __name__ == "__main__":
    main()
