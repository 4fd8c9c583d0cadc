#!/usr/bin/python3
"""Small Hugging Face BERT folders for tests/test-hf-folder.c, made at build time.

  make_hf_folders.py OUT_DIR

Writes OUT_DIR/NAME/ (config.json, vocab.txt, model.safetensors, sometimes
tokenizer_config.json) for every variant of the hub the app must open, each
beside OUT_DIR/NAME.pt, the bundle tools/convert-checkpoint makes of the same
folder, and folders the app must refuse with a clear message. OUT_DIR/
manifest.json lists them with what the test expects. Seeded: same bytes on
every run. Nothing here is large (the biggest folder is about 5 MB).
"""

import json
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))

import torch  # noqa: E402

import attention_bert  # noqa: E402
import attention_convert  # noqa: E402
import attention_testmodel  # noqa: E402
import safetensors_io  # noqa: E402

# bert-base-multilingual-cased keeps case and accents and splits CJK
# ideographs into single characters: a vocab with capitals, accented Latin,
# Greek, Cyrillic and a block of ideographs, each also as a "##" piece.
CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 600)]
MULTI_CHARS = ([chr(c) for c in range(0x41, 0x5B)] + [chr(c) for c in range(0xC0, 0x250)
                                                       if chr(c).isalpha()]
               + [chr(c) for c in range(0x391, 0x3CA) if chr(c).isalpha()]
               + [chr(c) for c in range(0x410, 0x450)] + CJK)
MULTI_WORDS = ["Paris", "France", "The", "Café", "café", "über", "Über", "niño", "São", "Paulo",
               "Москва", "Αθήνα", "中国", "日本", "東京", "北京"]
CASED_WORDS = ["The", "Paris", "France", "London", "Queen", "I", "He", "She", "It", "We"]


def vocab_text(extra_tokens):
    tokens = attention_testmodel.build_vocab()
    seen = set(tokens)
    for t in extra_tokens:
        if t not in seen:
            seen.add(t)
            tokens.append(t)
    return "\n".join(tokens) + "\n", len(tokens)


def write_json(path, data):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")


def hf_state(model, max_positions, legacy_names=False, bare=False, head=True, dtype=None):
    """The state dict as the hub stores it: tied tensors once, position_ids."""
    out = {}
    for name, t in model.state_dict().items():
        if name in attention_convert.TIED:
            continue
        if not head and name.startswith("cls."):
            continue
        if legacy_names and ".LayerNorm." in name:
            name = name.replace(".weight", ".gamma").replace(".bias", ".beta")
        if bare and name.startswith("bert."):
            name = name[len("bert."):]
        out[name] = t.to(dtype) if dtype is not None else t
    out[("" if bare else "bert.") + "embeddings.position_ids"] = \
        torch.arange(max_positions).unsqueeze(0)
    return out


def make_good(out_dir, name, seed, shape, extra_tokens=(), config_drop=(), config_extra=None,
              tokenizer=None, dtype=None, legacy_names=False, bare=False, head=True):
    """A folder the app opens, and the converter's bundle of it."""
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    text, n = vocab_text(extra_tokens)
    shape = dict(shape, vocab_size=n)
    config = attention_bert.config_from_dict(
        attention_testmodel.hf_config(shape, n, "BertForMaskedLM"))
    model = attention_testmodel.random_model(config, seed)
    if dtype is not None:
        # Round the weights to what the file can hold, so the bundle (made
        # from the file) and the eager model agree.
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.to(dtype).to(torch.float32))
    hf = {k: v for k, v in config.items() if k not in config_drop}
    hf.update(config_extra or {})
    write_json(os.path.join(folder, "config.json"), hf)
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    if tokenizer is not None:
        write_json(os.path.join(folder, "tokenizer_config.json"), tokenizer)
    safetensors_io.save(os.path.join(folder, "model.safetensors"),
                        hf_state(model, config["max_position_embeddings"], legacy_names, bare,
                                 head, dtype), {"format": "pt"})
    attention_convert.convert(folder, os.path.join(out_dir, name + ".pt"), log=lambda m: None)
    return folder, config


def write_raw_safetensors(path, header, data, pad_to=8):
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    if pad_to:
        raw += b" " * (-len(raw) % pad_to)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        f.write(data)


def read_raw(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    return json.loads(blob[8:8 + n]), blob[8 + n:]


def make_bad(out_dir, base, name, change):
    """A copy of the folder base with one thing wrong (change(folder))."""
    folder = os.path.join(out_dir, name)
    shutil.copytree(base, folder)
    change(folder)
    return folder


def main(argv):
    out_dir = argv[1]
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    small = {"layers": 2, "heads": 4, "hidden": 32, "intermediate": 64, "max_positions": 64}
    good = []

    # google/bert_uncased_L-2_H-128_A-2: a config with neither model_type nor
    # architectures nor layer_norm_eps, no tokenizer_config.json; uncased
    # from its name.
    make_good(out_dir, "bert_uncased_L-2_H-128_A-2", 1,
              {"layers": 2, "heads": 2, "hidden": 128, "intermediate": 512,
               "max_positions": 512},
              config_drop=("model_type", "architectures", "layer_norm_eps", "pad_token_id"))
    good.append({"name": "bert_uncased_L-2_H-128_A-2", "layers": 2, "heads": 2,
                 "lowercase": True, "strip_accents": True, "has_mlm_head": True})

    # bert-base-cased: capitals in the vocab, do_lower_case false.
    make_good(out_dir, "bert-cased", 2, small, extra_tokens=CASED_WORDS,
              tokenizer={"do_lower_case": False, "model_max_length": 512})
    good.append({"name": "bert-cased", "layers": 2, "heads": 4, "lowercase": False,
                 "strip_accents": False, "has_mlm_head": True})

    # bert-large's shape in miniature: 24 layers, 16 heads.
    make_good(out_dir, "bert-large-shape", 3,
              {"layers": 24, "heads": 16, "hidden": 64, "intermediate": 256,
               "max_positions": 512}, tokenizer={"do_lower_case": True})
    good.append({"name": "bert-large-shape", "layers": 24, "heads": 16, "lowercase": True,
                 "strip_accents": True, "has_mlm_head": True})

    # bert-base-multilingual-cased: cased, CJK, half-precision weights.
    make_good(out_dir, "bert-multilingual-cased", 4, small,
              extra_tokens=MULTI_CHARS + ["##" + c for c in MULTI_CHARS] + MULTI_WORDS,
              tokenizer={"do_lower_case": False, "strip_accents": None,
                         "tokenize_chinese_chars": True},
              dtype=torch.float16)
    good.append({"name": "bert-multilingual-cased", "layers": 2, "heads": 4, "lowercase": False,
                 "strip_accents": False, "has_mlm_head": True})

    # Lowercased but accents kept (strip_accents false), bfloat16 weights.
    make_good(out_dir, "bert-uncased-keep-accents", 5, small,
              extra_tokens=[c for c in MULTI_CHARS if c.islower()] + ["café", "niño"],
              tokenizer={"do_lower_case": True, "strip_accents": False},
              dtype=torch.bfloat16)
    good.append({"name": "bert-uncased-keep-accents", "layers": 2, "heads": 4, "lowercase": True,
                 "strip_accents": False, "has_mlm_head": True})

    # An old bare BertModel: no "bert." prefix, LayerNorm gamma/beta, no head.
    make_good(out_dir, "bert-bare-legacy", 6, small, legacy_names=True, bare=True, head=False,
              tokenizer={"do_lower_case": True})
    good.append({"name": "bert-bare-legacy", "layers": 2, "heads": 4, "lowercase": True,
                 "strip_accents": True, "has_mlm_head": False})

    # The data area at an odd offset: the shim copies instead of mapping.
    base = os.path.join(out_dir, "bert-cased")
    odd = os.path.join(out_dir, "bert-unaligned")
    shutil.copytree(base, odd)
    header, data = read_raw(os.path.join(odd, "model.safetensors"))
    header["__metadata__"] = {"format": "pt", "pad": "x"}
    raw = json.dumps(header, separators=(",", ":"))
    while (len(raw) + 8) % 4 != 1:
        header["__metadata__"]["pad"] += "x"
        raw = json.dumps(header, separators=(",", ":"))
    write_raw_safetensors(os.path.join(odd, "model.safetensors"), header, data, pad_to=0)
    shutil.copy(base + ".pt", odd + ".pt")
    good.append({"name": "bert-unaligned", "layers": 2, "heads": 4, "lowercase": False,
                 "strip_accents": False, "has_mlm_head": True})

    # bert-base-uncased's own model.safetensors keeps its .bin's names: the
    # LayerNorm gamma/beta, and the tied embedding may be stored once under
    # the decoder's name.
    tied = os.path.join(out_dir, "bert-tied-as-decoder")
    shutil.copytree(base, tied)
    header, data = read_raw(os.path.join(tied, "model.safetensors"))
    renamed = {}
    for key, value in header.items():
        if key == "bert.embeddings.word_embeddings.weight":
            key = "cls.predictions.decoder.weight"
        elif ".LayerNorm." in key:
            key = key.replace(".weight", ".gamma").replace(".bias", ".beta")
        renamed[key] = value
    write_raw_safetensors(os.path.join(tied, "model.safetensors"), renamed, data)
    shutil.copy(base + ".pt", tied + ".pt")
    good.append({"name": "bert-tied-as-decoder", "layers": 2, "heads": 4, "lowercase": False,
                 "strip_accents": False, "has_mlm_head": True})

    bad = []
    base = os.path.join(out_dir, "bert-cased")

    def set_config(**changes):
        def change(folder):
            path = os.path.join(folder, "config.json")
            with open(path, encoding="utf-8") as f:
                config = json.load(f)
            config.update(changes)
            write_json(path, config)
        return change

    def edit_header(edit, pad_to=8):
        def change(folder):
            path = os.path.join(folder, "model.safetensors")
            header, data = read_raw(path)
            data = edit(header, data)
            write_raw_safetensors(path, header, data, pad_to)
        return change

    def remove(name):
        return lambda folder: os.unlink(os.path.join(folder, name))

    def truncate(folder):
        path = os.path.join(folder, "model.safetensors")
        size = os.path.getsize(path)
        with open(path, "r+b") as f:
            f.truncate(size // 2)

    def huge_header(folder):
        with open(os.path.join(folder, "model.safetensors"), "r+b") as f:
            f.write(struct.pack("<Q", 1 << 62))

    def first_weight(header):
        return header["bert.embeddings.word_embeddings.weight"]

    def outside(header, data):
        first_weight(header)["data_offsets"][1] = len(data) + 4
        return data

    def overlap(header, data):
        entry = header["bert.embeddings.LayerNorm.bias"]
        other = header["bert.embeddings.LayerNorm.weight"]["data_offsets"]
        entry["data_offsets"] = [other[0], other[0] + entry["data_offsets"][1]
                                 - entry["data_offsets"][0]]
        return data

    def int_weights(header, data):
        first_weight(header)["dtype"] = "I32"
        return data

    def wrong_shape(header, data):
        entry = first_weight(header)
        entry["shape"] = [entry["shape"][1], entry["shape"][0]]
        return data

    def fifo(folder):
        os.unlink(os.path.join(folder, "model.safetensors"))
        os.mkfifo(os.path.join(folder, "model.safetensors"))

    def bad_json(folder):
        path = os.path.join(folder, "model.safetensors")
        with open(path, "r+b") as f:
            f.seek(8)
            f.write(b"[[[")

    def bin_only(folder):
        os.unlink(os.path.join(folder, "model.safetensors"))
        with open(os.path.join(folder, "pytorch_model.bin"), "wb") as f:
            f.write(b"PK\x03\x04 a pickle")

    cases = [
        ("roberta", set_config(model_type="roberta", architectures=["RobertaForMaskedLM"]),
         ["roberta", "RobertaForMaskedLM", "BERT"]),
        ("distilbert", set_config(model_type=None, architectures=["DistilBertForMaskedLM"]),
         ["DistilBertForMaskedLM", "BERT"]),
        ("relative-positions", set_config(position_embedding_type="relative_key"),
         ["relative_key"]),
        ("no-config", remove("config.json"), ["config.json"]),
        ("no-vocab", remove("vocab.txt"), ["vocab.txt"]),
        ("no-weights", remove("model.safetensors"), ["model.safetensors"]),
        ("bin-only", bin_only, ["pytorch_model.bin"]),
        ("truncated", truncate, ["truncated"]),
        ("huge-header", huge_header, ["header"]),
        ("bad-header-json", bad_json, ["header"]),
        ("offsets-outside", edit_header(outside), ["outside the file"]),
        ("overlapping", edit_header(overlap), ["overlap"]),
        ("int-weights", edit_header(int_weights), ["I32"]),
        ("wrong-shape", edit_header(wrong_shape), ["word_embeddings", "shape"]),
        ("more-layers", set_config(num_hidden_layers=5), ["layer.2"]),
        ("fewer-layers", set_config(num_hidden_layers=1), ["more layers"]),
        ("fifo", fifo, ["regular file"]),
    ]
    for name, change, words in cases:
        make_bad(out_dir, base, "bad-" + name, change)
        bad.append({"name": "bad-" + name, "message": words})

    write_json(os.path.join(out_dir, "manifest.json"), {"good": good, "bad": bad})
    os.utime(out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
