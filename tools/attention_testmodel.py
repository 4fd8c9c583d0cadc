"""Small random-weight BERT checkpoints for tests and benchmarks.

Used by tools/make-test-model. Everything is seeded from one integer, with a
private torch.Generator, so the same arguments give the same bytes.
"""

import collections
import json
import math
import os
from typing import Dict, List, Optional

import torch

import attention_bert
import attention_convert
import legacy_torch_save
import safetensors_io

SMALL = {"layers": 3, "heads": 4, "hidden": 64, "intermediate": 128,
         "max_positions": 512, "vocab_size": None}
BERT_BASE = {"layers": 12, "heads": 12, "hidden": 768, "intermediate": 3072,
             "max_positions": 512, "vocab_size": 30522}

_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_EXTRA_CHARS = ("¡¿«»°·×÷–—‘’“”…€£¥§©®"
                "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿßœ"
                "αβγδεπστωабвгдежзик")
_WORDS = """
the of and to a in is it you that he was for on are with as i his they be at one
have this from or had by hot word but what some we can out other were all there
when up use your how said an each she which do their time if will way about many
then them write would like so these her long make thing see him two has look more
day could go come did number sound no most people my over know water than call
first who may down side been now find any new work part take get place made live
where after back little only round man year came show every good me give our under
name very through just form sentence great think say help low line differ turn
cause much mean before move right boy old too same tell does set three want air
well also play small end put home read hand port large spell add even land here
must big high such follow act why ask men change went light kind off need house
picture try us again animal point mother world near build self earth father head
stand own page should country found answer school grow study still learn plant
cover food sun four between state keep eye never last let thought city tree cross
farm hard start might story saw far sea draw left late run while press close night
real life few north open seem together next white children begin got walk example
ease paper group always music those both mark often letter until mile river car
feet care second book carry took science eat room friend began idea fish mountain
stop once base hear horse cut sure watch color face wood main enough plain girl
usual young ready above ever red list though feel talk bird soon body dog family
direct leave song measure door product black short class wind question happen
complete ship area half rock order fire south problem piece told knew pass since
top whole king space heard best hour better true during hundred five remember step
early hold west ground interest reach fast sing listen six table travel less
morning ten simple several toward war lay against pattern slow center love person
money serve appear road map rain rule pull cold notice voice unit power town fine
certain fly fall lead cry dark machine note wait plan figure star box field rest
correct able done beauty drive stood contain front teach week final gave green oh
quick develop ocean warm free minute strong special mind behind clear tail produce
fact street nothing course stay wheel full force blue object decide surface deep
moon island foot system busy test record boat common gold possible plane dry wonder
laugh thousand ago ran check game shape miss brought heat snow bring yes distant
fill east paint language among not into its am being picked narrow lane passed
turned cat sat mat bank paris france capital queen woman attention model mask
""".split()
_PIECES = ["s", "ed", "ing", "ly", "er", "est", "ness", "ment", "tion", "able",
           "ful", "less", "al", "ic", "ous", "ive", "ize", "ity"]


def build_vocab(n_unused_after: int = 200) -> List[str]:
    """A bert-base-shaped uncased vocab of about 1k tokens.

    [PAD]=0, [unused0..98], [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103, more
    [unusedN], single characters, their ## continuations, common words and a
    few ## suffixes."""
    tokens = ["[PAD]"] + [f"[unused{i}]" for i in range(99)]
    tokens += ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokens += [f"[unused{i}]" for i in range(99, 99 + n_unused_after)]
    letters = "abcdefghijklmnopqrstuvwxyz"
    chars = list(_PUNCT) + list("0123456789") + list(letters) + list(_EXTRA_CHARS)
    tokens += chars
    tokens += ["##" + c for c in chars if c.isalnum()]
    tokens += _WORDS
    tokens += ["##" + p for p in _PIECES]
    seen = set()
    out = []
    for t in tokens:
        if t not in seen:  # a word that is also a single char ("a", "i")
            seen.add(t)
            out.append(t)
    return out


def synth_vocab(size: int) -> List[str]:
    """The built-in vocab padded with [unusedN] up to size entries."""
    tokens = build_vocab()
    if size < len(tokens):
        raise ValueError(f"vocab size {size} is smaller than the built-in vocab "
                         f"({len(tokens)} tokens)")
    n = 99 + 200
    while len(tokens) < size:
        tokens.append(f"[unused{n}]")
        n += 1
    return tokens


def hf_config(shape: dict, vocab_size: int, architecture: str) -> dict:
    return {
        "architectures": [architecture],
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": shape["hidden"],
        "initializer_range": 0.02,
        "intermediate_size": shape["intermediate"],
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": shape["max_positions"],
        "model_type": "bert",
        "num_attention_heads": shape["heads"],
        "num_hidden_layers": shape["layers"],
        "pad_token_id": 0,
        "type_vocab_size": 2,
        "vocab_size": vocab_size,
    }


def random_model(config: dict, seed: int) -> attention_bert.BertForMaskedLM:
    """Every parameter random, biases and LayerNorm too, so a converter that
    mixes up any two tensors changes the outputs."""
    model = attention_bert.BertForMaskedLM(config)
    gen = torch.Generator().manual_seed(seed)
    # Large enough that attention is far from uniform at any hidden size.
    std = 0.8 / math.sqrt(config["hidden_size"])
    seen = set()
    with torch.no_grad():
        for name, p in model.state_dict(keep_vars=True).items():
            if id(p) in seen:
                continue
            seen.add(id(p))
            noise = torch.randn(p.shape, generator=gen)
            if name.endswith("LayerNorm.weight"):
                p.copy_(1.0 + 0.1 * noise)
            elif name.endswith("bias"):
                p.copy_(0.1 * noise)
            else:
                p.copy_(std * noise)
    model.eval()
    return model


def _pretraining_extras(hidden: int, gen: torch.Generator) -> Dict[str, torch.Tensor]:
    """What BertForPreTraining stores beside the MLM: pooler and NSP head."""
    return {
        "bert.pooler.dense.weight": torch.randn(hidden, hidden, generator=gen) * 0.05,
        "bert.pooler.dense.bias": torch.randn(hidden, generator=gen) * 0.05,
        "cls.seq_relationship.weight": torch.randn(2, hidden, generator=gen) * 0.05,
        "cls.seq_relationship.bias": torch.randn(2, generator=gen) * 0.05,
    }


def legacy_state(model, seed: int) -> Dict[str, torch.Tensor]:
    """Old-style BertForPreTraining state dict: gamma/beta, no decoder.bias."""
    out = collections.OrderedDict()
    for name, t in model.state_dict().items():
        if name == "cls.predictions.decoder.bias":
            continue
        if ".LayerNorm." in name:
            name = name.replace(".weight", ".gamma").replace(".bias", ".beta")
        out[name] = t
    hidden = model.bert.embeddings.word_embeddings.weight.shape[1]
    out.update(_pretraining_extras(hidden, torch.Generator().manual_seed(seed + 1)))
    return out


def safetensors_state(model, max_positions: int) -> Dict[str, torch.Tensor]:
    """As save_pretrained() stores a BertForMaskedLM: tied tensors once."""
    out = {n: t for n, t in model.state_dict().items()
           if n not in attention_convert.TIED}
    out["bert.embeddings.position_ids"] = torch.arange(max_positions).unsqueeze(0)
    return out


def _write_text(path: str, text: str):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_hf_dirs(out_dir: str, model, config: dict, vocab_text: str, seed: int):
    bin_dir = os.path.join(out_dir, "hf-bin")
    st_dir = os.path.join(out_dir, "hf-safetensors")
    os.makedirs(bin_dir, exist_ok=True)
    os.makedirs(st_dir, exist_ok=True)

    cfg = dict(config, architectures=["BertForPreTraining"])
    del cfg["layer_norm_eps"]  # old configs leave it to the default
    _write_text(os.path.join(bin_dir, "config.json"), json.dumps(cfg, indent=2) + "\n")
    _write_text(os.path.join(bin_dir, "vocab.txt"), vocab_text)
    legacy_torch_save.save(legacy_state(model, seed),
                           os.path.join(bin_dir, "pytorch_model.bin"))

    cfg = dict(config, architectures=["BertForMaskedLM"])
    _write_text(os.path.join(st_dir, "config.json"), json.dumps(cfg, indent=2) + "\n")
    _write_text(os.path.join(st_dir, "vocab.txt"), vocab_text)
    _write_text(os.path.join(st_dir, "tokenizer_config.json"),
                json.dumps({"do_lower_case": True, "model_max_length":
                            config["max_position_embeddings"]}, indent=2) + "\n")
    safetensors_io.save(os.path.join(st_dir, "model.safetensors"),
                        safetensors_state(model, config["max_position_embeddings"]),
                        {"format": "pt"})
    return bin_dir, st_dir


def reference_cases(tokens: List[str], max_positions: int) -> List[dict]:
    """A few fixed id sequences: (tokens, positions to predict)."""
    index = {t: i for i, t in enumerate(tokens)}

    def ids(words):
        return [index.get(w, index["[UNK]"]) for w in words]

    cases = [
        (["[CLS]", "then", "i", "picked", "up", "a", "[MASK]", "from", "the",
          "table", ".", "[SEP]"], [6]),
        (["[CLS]", "[MASK]", "[SEP]"], [1]),
        (["[CLS]"], [0]),
        (["[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]"], []),
        (["[CLS]", "we", "turned", "down", "a", "narrow", "lane", "and", "passed",
          "through", "a", "small", "[MASK]", ",", "then", "the", "[MASK]", "was",
          "near", "##ly", "over", ".", "[SEP]"], [12, 16, 0]),
    ]
    out = []
    for words, positions in cases:
        words = words[:max_positions]
        out.append({"tokens": words, "ids": ids(words),
                    "positions": [p for p in positions if p < len(words)]})
    return out


def write_reference(path: str, model, config: dict, tokens: List[str]):
    """Outputs of the Python module for fixed inputs, full float precision."""
    cases = []
    with torch.no_grad():
        for case in reference_cases(tokens, config["max_position_embeddings"]):
            input_ids = torch.tensor([case["ids"]])
            mask = torch.ones_like(input_ids)
            logits, att = model.forward_at(input_ids, mask,
                                           torch.tensor(case["positions"], dtype=torch.long))
            top = [row.topk(5).indices.tolist() for row in logits]
            cases.append(dict(case,
                              logits=logits.reshape(-1).tolist(),
                              top5=top,
                              attentions=att[:, 0].reshape(-1).tolist()))
    ref = {
        "format": "attention-reference-1",
        "layouts": {
            "logits": "positions x vocab_size, row-major",
            "attentions": "layers x heads x query x key, row-major",
        },
        "n_layers": config["num_hidden_layers"],
        "n_heads": config["num_attention_heads"],
        "vocab_size": config["vocab_size"],
        "tolerance": 1e-5,
        "cases": cases,
    }
    # repr() of a double made from a float32 round-trips to the same float32.
    _write_text(path, json.dumps(ref, indent=1) + "\n")


def make(out_dir: str, seed: int = 0, shape: Optional[dict] = None,
         vocab_text: Optional[str] = None, hf_copies: bool = True,
         reference: bool = True, log=print) -> dict:
    """Writes OUT_DIR/{hf-bin,hf-safetensors,test-model.pt,reference.json}."""
    shape = dict(shape or SMALL)
    if vocab_text is None:
        size = shape.get("vocab_size")
        tokens = synth_vocab(size) if size else build_vocab()
        vocab_text = "\n".join(tokens) + "\n"
    tokens = attention_bert.vocab_tokens(vocab_text)
    if shape.get("vocab_size") is None:
        shape["vocab_size"] = len(tokens)
    config = attention_bert.config_from_dict(
        hf_config(shape, shape["vocab_size"], "BertForMaskedLM"))
    os.makedirs(out_dir, exist_ok=True)
    model = random_model(config, seed)

    bundle = os.path.join(out_dir, "test-model.pt")
    meta = {
        "name": "Attention test model",
        "description": (f"Random weights for tests and benchmarks: "
                        f"{shape['layers']} layers x {shape['heads']} heads, "
                        f"hidden {shape['hidden']}, seed {seed}"),
        "source": f"tools/make-test-model --seed {seed}",
        "lowercase": True,
    }
    if hf_copies:
        hf_only = {k: v for k, v in config.items() if k != "architectures"}
        bin_dir, _ = write_hf_dirs(out_dir, model, hf_only, vocab_text, seed)
        # The bundle goes through the converter, from the legacy file.
        attention_convert.convert(bin_dir, bundle, log=lambda m: None, **meta)
    else:
        tensors = {n: t for n, t in model.state_dict().items()}
        converted, has_head, _, _ = attention_convert.build_model(config, tensors)
        full = dict(config, name=meta["name"], description=meta["description"],
                    source=meta["source"], do_lower_case=True, has_mlm_head=has_head)
        attention_bert.save_bundle(converted, full, vocab_text, bundle)
    if reference:
        write_reference(os.path.join(out_dir, "reference.json"), model, config, tokens)
    # Build systems judge the directory by its time stamp.
    os.utime(out_dir)
    log(f"wrote {out_dir}: {shape['layers']} layers, {shape['heads']} heads, hidden "
        f"{shape['hidden']}, vocab {shape['vocab_size']}")
    return {"config": config, "model": model, "bundle": bundle, "vocab_text": vocab_text}


def write_damaged_copy(bundle: str, out_path: str, n_bytes: int = 256, seed: int = 0) -> str:
    """Copies bundle to out_path with n_bytes consecutive bytes inside its
    largest weight record changed (each XORed with a non-zero byte), as a bad
    disk or a broken download would leave it: the zip structure and every
    size stay intact, only the record's CRC-32 no longer matches. Returns the
    damaged record's name."""
    import random
    import zipfile

    with zipfile.ZipFile(bundle) as z:
        weights = [i for i in z.infolist()
                   if "/data/" in i.filename and i.compress_type == zipfile.ZIP_STORED]
        if not weights:
            raise ValueError(f"{bundle} has no stored weight records")
        record = max(weights, key=lambda i: i.file_size)
    if record.file_size < n_bytes:
        raise ValueError(f"{record.filename} is smaller than {n_bytes} bytes")
    with open(bundle, "rb") as f:
        data = bytearray(f.read())
    # The record's bytes follow its local header (30 bytes, name, extra).
    local = record.header_offset
    name_len = int.from_bytes(data[local + 26:local + 28], "little")
    extra_len = int.from_bytes(data[local + 28:local + 30], "little")
    start = local + 30 + name_len + extra_len
    rng = random.Random(seed)
    at = start + rng.randrange(record.file_size - n_bytes + 1)
    for i in range(at, at + n_bytes):
        data[i] ^= rng.randrange(1, 256)
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out_path)
    return record.filename
