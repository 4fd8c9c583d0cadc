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
import re
import subprocess
import sys
import tempfile
import unicodedata
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_bpe  # noqa: E402  (python3-regex: GPT-2's BPE, independent of the app)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from boost_tokens import boost_ids  # noqa: E402  (the bias edited from the format's definition)

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


def write_safetensors(path, tensors):
    """TENSORS {name: float array} as float32 safetensors, from the
    format's definition: an 8-byte little-endian header length, a JSON
    header of dtypes, shapes and offsets, the raw little-endian data."""
    header, blobs, at = {}, [], 0
    for name, a in tensors.items():
        blob = np.ascontiguousarray(a, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape),
                        "data_offsets": [at, at + len(blob)]}
        blobs.append(blob)
        at += len(blob)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


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


def roberta_forward(w, config, ids, types=None):
    """RobertaForMaskedLM.forward in eval mode (modeling_roberta.py):
    position ids from create_position_ids_from_input_ids (padding_idx + 1
    onwards for the tokens that are not padding); word + position + token
    type (one type) embeddings, LayerNorm; BERT's layers; lm_head: dense,
    gelu, layer_norm, decoder tied to the word embeddings, plus lm_head.bias."""
    h, heads = config["hidden_size"], config["num_attention_heads"]
    dh = h // heads
    eps = config["layer_norm_eps"]
    pad = config["pad_token_id"]
    ids = np.array(ids)
    n = len(ids)
    not_pad = (ids != pad).astype(np.int64)
    positions = np.cumsum(not_pad) * not_pad + pad
    types = np.zeros(n, dtype=np.int64) if types is None else np.array(types)
    e = "roberta.embeddings."
    x = (w[e + "word_embeddings.weight"][ids] + w[e + "position_embeddings.weight"][positions]
         + w[e + "token_type_embeddings.weight"][types])
    x = layer_norm(x, w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"], eps)
    attentions = []
    for i in range(config["num_hidden_layers"]):
        p = "roberta.encoder.layer.%d." % i

        def lin(name, v):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        def split(v):
            return v.reshape(n, heads, dh).transpose(1, 0, 2)

        q = split(lin("attention.self.query", x))
        k = split(lin("attention.self.key", x))
        v = split(lin("attention.self.value", x))
        probs = softmax(q @ k.transpose(0, 2, 1) / math.sqrt(dh))
        attentions.append(probs)
        context = (probs @ v).transpose(1, 0, 2).reshape(n, h)
        a = layer_norm(lin("attention.output.dense", context) + x,
                       w[p + "attention.output.LayerNorm.weight"],
                       w[p + "attention.output.LayerNorm.bias"], eps)
        x = layer_norm(lin("output.dense", gelu(lin("intermediate.dense", a))) + a,
                       w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    y = gelu(x @ w["lm_head.dense.weight"].T + w["lm_head.dense.bias"])
    y = layer_norm(y, w["lm_head.layer_norm.weight"], w["lm_head.layer_norm.bias"], eps)
    decoder = w.get("lm_head.decoder.weight", w[e + "word_embeddings.weight"])
    return np.stack(attentions), y @ decoder.T + w["lm_head.bias"]


def gelu_tanh(x):
    # transformers' "gelu_new" (NewGELUActivation).
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def electra_forward(w, config, ids, head_mask=None):
    """ElectraForMaskedLM.forward in eval mode (modeling_electra.py):
    word + position + token type embeddings, all embedding_size wide,
    LayerNorm; embeddings_project to hidden_size (there because the two
    differ); BERT's layers with hidden_act; generator_predictions: dense to
    embedding_size, get_activation("gelu") whatever hidden_act says,
    LayerNorm; generator_lm_head tied to the word embeddings, plus its bias.
    head_mask [layers, heads] multiplies the probabilities, as HF's does."""
    h, heads = config["hidden_size"], config["num_attention_heads"]
    dh = h // heads
    eps = config["layer_norm_eps"]
    act = {"gelu": gelu, "gelu_new": gelu_tanh,
           "relu": lambda v: np.maximum(v, 0.0)}[config["hidden_act"]]
    n = len(ids)
    e = "electra.embeddings."
    x = (w[e + "word_embeddings.weight"][ids] + w[e + "position_embeddings.weight"][:n]
         + w[e + "token_type_embeddings.weight"][np.zeros(n, dtype=np.int64)])
    x = layer_norm(x, w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"], eps)
    x = x @ w["electra.embeddings_project.weight"].T + w["electra.embeddings_project.bias"]
    attentions = []
    for i in range(config["num_hidden_layers"]):
        p = "electra.encoder.layer.%d." % i

        def lin(name, v):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        def split(v):
            return v.reshape(n, heads, dh).transpose(1, 0, 2)

        q = split(lin("attention.self.query", x))
        k = split(lin("attention.self.key", x))
        v = split(lin("attention.self.value", x))
        probs = softmax(q @ k.transpose(0, 2, 1) / math.sqrt(dh))
        if head_mask is not None:
            probs = probs * head_mask[i][:, None, None]
        attentions.append(probs)
        context = (probs @ v).transpose(1, 0, 2).reshape(n, h)
        a = layer_norm(lin("attention.output.dense", context) + x,
                       w[p + "attention.output.LayerNorm.weight"],
                       w[p + "attention.output.LayerNorm.bias"], eps)
        x = layer_norm(lin("output.dense", act(lin("intermediate.dense", a))) + a,
                       w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    y = gelu(x @ w["generator_predictions.dense.weight"].T
             + w["generator_predictions.dense.bias"])
    y = layer_norm(y, w["generator_predictions.LayerNorm.weight"],
                   w["generator_predictions.LayerNorm.bias"], eps)
    decoder = w.get("generator_lm_head.weight", w[e + "word_embeddings.weight"])
    return np.stack(attentions), y @ decoder.T + w["generator_lm_head.bias"]


def albert_forward(w, config, ids, types=None, head_mask=None):
    """AlbertForMaskedLM.forward in eval mode (modeling_albert.py): word +
    position + token type embeddings, embedding_size wide, LayerNorm;
    embedding_hidden_mapping_in to hidden_size; num_hidden_layers passes,
    pass i through the inner_group_num layers of group
    int(i / (num_hidden_layers / num_hidden_groups)), each layer: q/k/v,
    softmax(q k^T / sqrt(d)), dense, LayerNorm(+x); ffn, hidden_act,
    ffn_output, full_layer_layer_norm(+); AlbertMLMHead: dense, hidden_act,
    LayerNorm, decoder tied to the word embeddings, plus predictions.bias.
    head_mask, one row of heads per layer run (pass i, inner layer j: row
    i * inner_group_num + j, the app's layer), multiplies that layer's
    attention probabilities, as AlbertAttention does with its head_mask."""
    h, heads = config["hidden_size"], config["num_attention_heads"]
    dh = h // heads
    eps = config["layer_norm_eps"]
    act = {"gelu": gelu, "gelu_new": gelu_tanh}[config["hidden_act"]]
    n = len(ids)
    types = np.zeros(n, dtype=np.int64) if types is None else np.array(types)
    e = "albert.embeddings."
    x = (w[e + "word_embeddings.weight"][ids] + w[e + "position_embeddings.weight"][:n]
         + w[e + "token_type_embeddings.weight"][types])
    x = layer_norm(x, w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"], eps)
    m = "albert.encoder.embedding_hidden_mapping_in."
    x = x @ w[m + "weight"].T + w[m + "bias"]
    attentions = []
    passes, groups = config["num_hidden_layers"], config["num_hidden_groups"]
    for i in range(passes):
        group = int(i / (passes / groups))
        for j in range(config["inner_group_num"]):
            p = "albert.encoder.albert_layer_groups.%d.albert_layers.%d." % (group, j)

            def lin(name, v):
                return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            def split(v):
                return v.reshape(n, heads, dh).transpose(1, 0, 2)

            q = split(lin("attention.query", x))
            k = split(lin("attention.key", x))
            v = split(lin("attention.value", x))
            probs = softmax(q @ k.transpose(0, 2, 1) / math.sqrt(dh))
            if head_mask is not None:
                probs = probs * head_mask[i * config["inner_group_num"] + j][:, None, None]
            attentions.append(probs)
            context = (probs @ v).transpose(1, 0, 2).reshape(n, h)
            a = layer_norm(lin("attention.dense", context) + x,
                           w[p + "attention.LayerNorm.weight"], w[p + "attention.LayerNorm.bias"],
                           eps)
            x = layer_norm(lin("ffn_output", act(lin("ffn", a))) + a,
                           w[p + "full_layer_layer_norm.weight"],
                           w[p + "full_layer_layer_norm.bias"], eps)
    y = act(x @ w["predictions.dense.weight"].T + w["predictions.dense.bias"])
    y = layer_norm(y, w["predictions.LayerNorm.weight"], w["predictions.LayerNorm.bias"], eps)
    return np.stack(attentions), y @ w[e + "word_embeddings.weight"].T + w["predictions.bias"]


def albert_prepare(text, lower=True, keep_accents=False):
    """AlbertTokenizer.preprocess_text (tokenization_albert.py), remove_space
    on."""
    text = " ".join(text.strip().split())
    text = text.replace("``", '"').replace("\'\'", '"')
    if not keep_accents:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower() if lower else text


def albert_pieces(sp, text):
    """AlbertTokenizer._tokenize: SentencePiece's pieces, a piece ending in
    a digit and a comma encoded again without them."""
    out = []
    for piece in sp.encode(text, out_type=str):
        if len(piece) > 1 and piece[-1] == "," and piece[-2].isdigit():
            cur = sp.encode(piece[:-1].replace("\u2581", ""), out_type=str)
            if piece[0] != "\u2581" and cur[0][0] == "\u2581":
                cur = cur[1:] if len(cur[0]) == 1 else [cur[0][1:]] + cur[1:]
            out.extend(cur + [piece[-1]])
        else:
            out.append(piece)
    return out


def albert_ids(sp, text, lower=True, keep_accents=False):
    """AlbertTokenizer's ids: [CLS], the text split at its special tokens
    ([MASK] taking the white space before it), each part prepared and
    tokenized on its own, [SEP]."""
    specials = ["[CLS]", "[SEP]", "[MASK]", "<pad>", "<unk>"]
    parts = re.split("(" + "|".join(re.escape(t) for t in specials) + ")", text)
    ids = [sp.piece_to_id("[CLS]")]
    for i, part in enumerate(parts):
        if part in specials:
            ids.append(sp.piece_to_id(part))
            continue
        if i + 1 < len(parts) and parts[i + 1] == "[MASK]":
            part = part.rstrip()
        ids.extend(sp.piece_to_id(p)
                   for p in albert_pieces(sp, albert_prepare(part, lower, keep_accents)))
    return ids + [sp.piece_to_id("[SEP]")]


def roberta_ids(encoder, text):
    """RobertaTokenizer's ids with the app's [MASK] read as <mask>: the text
    split at each mask, which takes the white space before it (lstrip), each
    part through GPT-2's BPE (reference_bpe, on python3-regex)."""
    mask = encoder.encoder["<mask>"]
    ids = [encoder.encoder["<s>"]]
    parts = text.split("[MASK]")
    for i, part in enumerate(parts):
        if i + 1 < len(parts):
            part = part.rstrip()
        for piece in reference_bpe.pieces(part):
            ids.extend(encoder.encoder.get(t, encoder.encoder["<unk>"])
                       for t in encoder.bpe(piece))
        if i + 1 < len(parts):
            ids.append(mask)
    return ids + [encoder.encoder["</s>"]]


def xlmr_ids(sp, text):
    """XLMRobertaTokenizer's ids with the app's [MASK] read as <mask>: the
    text split at its special tokens (<s>, <pad>, </s>, <unk>, <mask> and
    [MASK]; a mask takes the white space before it), each other part through
    the SentencePiece model (python3-sentencepiece), its ids in fairseq's
    numbering: <s> 0, <pad> 1, </s> 2, <unk> 3 (also for the model's unknown
    piece), every other piece + 1, <mask> the last."""
    mask = sp.get_piece_size() + 1
    specials = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": mask, "[MASK]": mask}
    ids = [0]
    parts = re.split("(" + "|".join(re.escape(t) for t in specials) + ")", text)
    for i, part in enumerate(parts):
        if part in specials:
            ids.append(specials[part])
            continue
        if i + 1 < len(parts) and specials[parts[i + 1]] == mask:
            part = part.rstrip()
        if part:
            ids.extend(3 if t == sp.unk_id() else t + 1 for t in sp.encode(part))
    return ids + [2]


def xlmr_token(sp, i):
    """The piece an XLM-R id stands for, as the app shows it."""
    fixed = {0: "<s>", 1: "<pad>", 2: "</s>", 3: "<unk>", sp.get_piece_size() + 1: "<mask>"}
    return fixed[i] if i in fixed else sp.id_to_piece(i - 1)


def bpe_shown(token):
    """A byte-level token as the app shows it: its bytes as text, a leading
    space as "␣"; as spelled when its bytes are not whole printable
    characters (part of one, a tab)."""
    decoder = {c: b for b, c in reference_bpe.BYTE_ENCODER.items()}
    if any(c not in decoder for c in token):
        return token
    try:
        text = bytes(decoder[c] for c in token).decode("utf-8")
    except UnicodeDecodeError:
        return token
    if not all(c.isprintable() or c == " " for c in text):
        return token
    return "␣" + text[1:] if text.startswith(" ") else text


class FamilyTest(unittest.TestCase):
    def assert_candidates(self, pred, logits, token_of=None):
        """PRED's candidates are the reference LOGITS' top-k at its position,
        in order, with their probabilities (and, given TOKEN_OF, tokens)."""
        probs = softmax(logits[pred["position"]])
        order = np.argsort(-probs, kind="stable")[:len(pred["candidates"])]
        self.assertEqual([c["id"] for c in pred["candidates"]], list(order))
        for c in pred["candidates"]:
            self.assertLess(abs(c["probability"] - probs[c["id"]]), TOL)
            if token_of is not None:
                self.assertEqual(c["token"], token_of(c["id"]))

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
        with open(os.path.join(folder, "vocab.txt"), encoding="utf-8") as f:
            vocab = f.read().split("\n")
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
                    self.assert_candidates(pred, logits, lambda i: vocab[i])

    def test_distilbert(self):
        folder = os.path.join(FOLDERS, "distilbert")
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.check_against_numpy(folder, w, distilbert_forward)
        d, _ = self.run_cli(folder, "the [MASK] .")
        self.assertEqual(d["model"]["model_type"], "distilbert")

    def check_roberta(self, folder, w, config, encoder, vocab, text, pair=None):
        args = ["--pair", pair] if pair is not None else []
        with tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
            dump = os.path.join(tmp, "dump.json")
            r = subprocess.run([CLI, "--model", folder, "--top-k", "5", "--dump", dump] + args
                               + [text], capture_output=True, text=True, timeout=120,
                               check=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(dump, encoding="utf-8") as f:
                d = json.load(f)
        # The user's [MASK] is read as <mask>, and the CLI says so once.
        self.assertEqual(r.stderr.count("[MASK] is read as <mask>"), 1, r.stderr)
        ids = roberta_ids(encoder, text)
        if pair is not None:
            # <s> A </s></s> B </s>, one token type.
            ids = ids + [encoder.encoder["</s>"]] + roberta_ids(encoder, pair)[1:]
        self.assertEqual(d["ids"], ids)
        self.assertEqual(d["tokens"], [bpe_shown(vocab[i]) for i in ids])
        attentions, logits = roberta_forward(w, config, ids)
        got = np.array(d["attentions"], dtype=np.float64)
        self.assertEqual(got.shape, attentions.shape)
        self.assertLess(np.abs(got - attentions).max(), TOL)
        self.assertGreater(attentions.max(), 0.5)
        self.assertEqual([p["position"] for p in d["predictions"]],
                         [i for i, t in enumerate(ids) if t == encoder.encoder["<mask>"]])
        for pred in d["predictions"]:
            self.assert_candidates(pred, logits, lambda i: bpe_shown(vocab[i]))

    def test_roberta(self):
        folder = os.path.join(FOLDERS, "roberta")
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
        encoder = reference_bpe.Encoder(os.path.join(folder, "vocab.json"),
                                        os.path.join(folder, "merges.txt"))
        vocab = {i: t for t, i in encoder.encoder.items()}
        for text in ["Paris is the [MASK] of France.", "[MASK] [MASK] the café sat,  on 2024!",
                     "It's naïve:\t東京 [MASK]😀 end.", "a b c [MASK]"]:
            with self.subTest(text=text):
                self.check_roberta(folder, w, config, encoder, vocab, text)
        with self.subTest(pair=True):
            self.check_roberta(folder, w, config, encoder, vocab, "The [MASK] sat.",
                               pair="On the mat.")
        # The model reads max_position_embeddings - (pad + 1) tokens: 40 here.
        limit = config["max_position_embeddings"] - config["pad_token_id"] - 1
        r = subprocess.run([CLI, "--model", folder, " ".join(["[MASK]"] * (limit - 1))],
                           capture_output=True, text=True, timeout=120, check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("at most %d" % limit, r.stderr)
        r = subprocess.run([CLI, "--model", folder, " ".join(["[MASK]"] * (limit - 2))],
                           capture_output=True, text=True, timeout=120, check=False)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_electra(self):
        """A generator whose embeddings (24) are narrower than its layers
        (32), with hidden_act gelu and, in electra-relu, relu (the head
        keeps erf GELU)."""
        for name in ("electra", "electra-relu"):
            with self.subTest(folder=name):
                folder = os.path.join(FOLDERS, name)
                w = read_safetensors(os.path.join(folder, "model.safetensors"))
                self.check_against_numpy(folder, w, electra_forward)
                d, _ = self.run_cli(folder, "the [MASK] .")
                self.assertEqual(d["model"]["model_type"], "electra")
        # --ablate runs the shim's other module (head masks, saliency): it
        # projects the embeddings and keeps the head's GELU too.
        folder = os.path.join(FOLDERS, "electra-relu")
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
        with tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
            dump = os.path.join(tmp, "dump.json")
            r = subprocess.run([CLI, "--model", folder, "--top-k", "5", "--ablate", "2:2,3:1",
                                "--dump", dump, SENTENCES[1]], capture_output=True, text=True,
                               timeout=120, check=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(dump, encoding="utf-8") as f:
                d = json.load(f)
        mask = np.ones((3, 4))
        mask[1, 1] = mask[2, 0] = 0.0
        attentions, logits = electra_forward(w, config, d["ids"], mask)
        self.assertLess(np.abs(np.array(d["attentions"]) - attentions).max(), TOL)
        for pred in d["predictions"]:
            probs = softmax(logits[pred["position"]])
            for c in pred["candidates"]:
                self.assertLess(abs(c["probability"] - probs[c["id"]]), TOL)
        # The same weights from pytorch_model.bin (tied weight and
        # position_ids stored too): the same output.
        a, out_a = self.run_cli(os.path.join(FOLDERS, "electra"), SENTENCES[1])
        b, out_b = self.run_cli(os.path.join(FOLDERS, "electra-bin"), SENTENCES[1])
        self.assertEqual(out_a, out_b)
        self.assertEqual(a["attentions"], b["attentions"])
        self.assertEqual(a["predictions"], b["predictions"])

    def test_xlm_roberta(self):
        import sentencepiece as spm

        folder = os.path.join(FOLDERS, "xlm-roberta")
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
        sp = spm.SentencePieceProcessor(model_file=os.path.join(folder,
                                                                "sentencepiece.bpe.model"))
        self.assertEqual(config["vocab_size"], sp.get_piece_size() + 2)
        cases = [("Paris is the [MASK] of France.", None),
                 ("[MASK] [MASK] the café sat,  on 2024!", None),
                 ("It's naïve:\t東京 [MASK]😀 end.", None),
                 ("The [MASK] sat.", "On the mat.")]
        for text, pair in cases:
            with self.subTest(text=text, pair=pair):
                args = ["--pair", pair] if pair is not None else []
                with tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
                    dump = os.path.join(tmp, "dump.json")
                    r = subprocess.run([CLI, "--model", folder, "--top-k", "5", "--dump", dump]
                                       + args + [text], capture_output=True, text=True,
                                       timeout=120, check=False)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    with open(dump, encoding="utf-8") as f:
                        d = json.load(f)
                self.assertEqual(r.stderr.count("[MASK] is read as <mask>"), 1, r.stderr)
                ids = xlmr_ids(sp, text)
                if pair is not None:
                    # <s> A </s></s> B </s>, one token type, as RoBERTa.
                    ids = ids + [2] + xlmr_ids(sp, pair)[1:]
                self.assertEqual(d["ids"], ids)
                self.assertEqual(d["tokens"], [xlmr_token(sp, i) for i in ids])
                attentions, logits = roberta_forward(w, config, ids)
                got = np.array(d["attentions"], dtype=np.float64)
                self.assertEqual(got.shape, attentions.shape)
                self.assertLess(np.abs(got - attentions).max(), TOL)
                self.assertGreater(attentions.max(), 0.5)
                self.assertEqual([p["position"] for p in d["predictions"]],
                                 [i for i, t in enumerate(ids) if t == sp.get_piece_size() + 1])
                for pred in d["predictions"]:
                    self.assert_candidates(pred, logits, lambda i: xlmr_token(sp, i))
        self.assertEqual(d["model"]["model_type"], "xlm-roberta")

    def test_xlm_roberta_tokenizer(self):
        """attention-cli --model XLM-R --token-ids on 500+ lines with
        accents, CJK, emoji, numbers and runs of spaces, against
        python3-sentencepiece in fairseq's numbering (xlmr_ids)."""
        import sentencepiece as spm

        lines = reference_bpe.all_lines() + [
            "In 1990, 2024,  and 7, things   happened ,1, ,22,",
            "ÉCOLE Ärger İstanbul ǅemal ﬁne ①②, ²³, Ⅻ, 東京タワー 😀👍🏽",
            "[MASK] x <s> y</s>z <unk> <pad>  <mask> [MASK]",
        ]
        self.assertGreaterEqual(len(lines), 500)
        folder = os.path.join(FOLDERS, "xlm-roberta")
        sp = spm.SentencePieceProcessor(model_file=os.path.join(folder,
                                                                "sentencepiece.bpe.model"))
        r = subprocess.run([CLI, "--model", folder, "--token-ids"],
                           input="\n".join(lines) + "\n", capture_output=True, text=True,
                           timeout=300, check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = r.stdout.split("\n")
        bad = []
        for i, line in enumerate(lines):
            want = " ".join(str(t) for t in xlmr_ids(sp, line))
            if got[i] != want:
                bad.append("%r:\n  cli: %s\n  ref: %s" % (line, got[i], want))
        self.assertEqual(bad, [], "%d of %d lines differ:\n%s"
                         % (len(bad), len(lines), "\n".join(bad[:5])))

    def test_xlm_roberta_mixed(self):
        """Tokenizer files that disagree with config.json: a message that
        names both."""
        import shutil

        with tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
            folder = os.path.join(tmp, "mixed")
            shutil.copytree(os.path.join(FOLDERS, "xlm-roberta"), folder)
            os.unlink(os.path.join(folder, "sentencepiece.bpe.model"))
            shutil.copyfile(os.path.join(FOLDERS, "distilbert", "vocab.txt"),
                            os.path.join(folder, "vocab.txt"))
            r = subprocess.run([CLI, "--model", folder, "the [MASK] ."], capture_output=True,
                               text=True, timeout=120, check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("vocab.txt (a BERT WordPiece vocabulary) but no "
                          "sentencepiece.bpe.model", r.stderr)
            self.assertIn("config.json is for XLM-RoBERTa", r.stderr)
            self.assertIn("mixes two models", r.stderr)
            with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
                json.dump({"tokenizer_class": "AlbertTokenizer"}, f)
            r = subprocess.run([CLI, "--model", folder, "the [MASK] ."], capture_output=True,
                               text=True, timeout=120, check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("names the tokenizer AlbertTokenizer, but config.json is for "
                          "XLM-RoBERTa", r.stderr)

    def test_tokenizer_mixed(self):
        """A WordPiece or BPE family's config beside another family's
        tokenizer files: a message that names both."""
        import shutil

        cases = [
            # (config's folder, files removed, file copied from, words)
            ("electra", ["vocab.txt"], ("albert", "spiece.model"),
             ["has spiece.model (an ALBERT SentencePiece model) but no vocab.txt",
              "config.json is for ELECTRA", "mixes two models"]),
            ("distilbert", ["vocab.txt"], ("xlm-roberta", "sentencepiece.bpe.model"),
             ["has sentencepiece.bpe.model (an XLM-RoBERTa SentencePiece model) but no "
              "vocab.txt", "config.json is for DistilBERT", "mixes two models"]),
            ("roberta", ["vocab.json", "merges.txt"], ("albert", "spiece.model"),
             ["has spiece.model (an ALBERT SentencePiece model) but no vocab.json and "
              "merges.txt", "config.json is for RoBERTa", "mixes two models"]),
            ("distilbert", ["vocab.txt"], ("roberta", "merges.txt"),
             ["byte-level BPE tokenizer (vocab.json, merges.txt) but no vocab.txt",
              "config.json is for DistilBERT"]),
        ]
        for name, removed, (source, copied), words in cases:
            with self.subTest(folder=name, copied=copied), \
                    tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
                folder = os.path.join(tmp, "mixed")
                shutil.copytree(os.path.join(FOLDERS, name), folder)
                for f in removed:
                    os.unlink(os.path.join(folder, f))
                shutil.copyfile(os.path.join(FOLDERS, source, copied),
                                os.path.join(folder, copied))
                r = subprocess.run([CLI, "--model", folder, "the [MASK] ."],
                                   capture_output=True, text=True, timeout=120, check=False)
                self.assertNotEqual(r.returncode, 0)
                for w in words:
                    self.assertIn(w, r.stderr)

    def run_albert(self, folder, text, pair=None, top_k=5):
        args = ["--pair", pair] if pair is not None else []
        with tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
            dump = os.path.join(tmp, "dump.json")
            r = subprocess.run([CLI, "--model", folder, "--top-k", str(top_k), "--dump", dump]
                               + args + [text], capture_output=True, text=True, timeout=120,
                               check=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(dump, encoding="utf-8") as f:
                return json.load(f), r

    def check_albert(self, name, lower, keep_accents):
        import sentencepiece as spm

        folder = os.path.join(FOLDERS, name)
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
        sp = spm.SentencePieceProcessor(model_file=os.path.join(folder, "spiece.model"))
        cases = [("Paris is the [MASK] of France.", None),
                 ("[MASK] [MASK] the  CAFÉ sat,\ton 1990, 2024!", None),
                 ("It's ``naïve'':\t東京 [MASK]😀 end.", None),
                 ("The [MASK] sat.", "On the Mat.")]
        for text, pair in cases:
            with self.subTest(folder=name, text=text, pair=pair):
                d, r = self.run_albert(folder, text, pair)
                # [MASK] is ALBERT's own mask: nothing to say about it.
                self.assertNotIn("[MASK] is read as", r.stderr)
                ids = albert_ids(sp, text, lower, keep_accents)
                types = None
                if pair is not None:
                    # [CLS] A [SEP] B [SEP], token types 0 then 1.
                    second = albert_ids(sp, pair, lower, keep_accents)[1:]
                    types = [0] * len(ids) + [1] * len(second)
                    ids = ids + second
                self.assertEqual(d["ids"], ids)
                self.assertEqual(d["tokens"], [sp.id_to_piece(i) for i in ids])
                attentions, logits = albert_forward(w, config, ids, types)
                got = np.array(d["attentions"], dtype=np.float64)
                self.assertEqual(got.shape, attentions.shape)
                self.assertLess(np.abs(got - attentions).max(), TOL)
                self.assertGreater(attentions.max(), 0.5)
                self.assertEqual([p["position"] for p in d["predictions"]],
                                 [i for i, t in enumerate(ids) if t == sp.piece_to_id("[MASK]")])
                for pred in d["predictions"]:
                    self.assert_candidates(pred, logits, lambda i: sp.id_to_piece(i))
        self.assertEqual(d["model"]["model_type"], "albert")
        return d

    def test_albert(self):
        """albert-base-v2's layout: one layer's weights run by every layer
        (4 here, each with its own attentions), embeddings narrower than
        the layers, AlbertTokenizer's defaults (lowercase, no accents)."""
        d = self.check_albert("albert", True, False)
        self.assertEqual(len(d["attentions"]), 4)

    def test_albert_groups(self):
        """2 groups of 2 inner layers, 4 passes: 8 layers run; a tokenizer
        that keeps case and accents."""
        d = self.check_albert("albert-groups", False, True)
        self.assertEqual(len(d["attentions"]), 8)

    def test_albert_bin(self):
        """The same weights from pytorch_model.bin, every tied tensor
        stored: the same output."""
        a, out_a = self.run_cli(os.path.join(FOLDERS, "albert"), SENTENCES[1])
        b, out_b = self.run_cli(os.path.join(FOLDERS, "albert-bin"), SENTENCES[1])
        self.assertEqual(out_a, out_b)
        self.assertEqual(a["attentions"], b["attentions"])
        self.assertEqual(a["predictions"], b["predictions"])

    def check_albert_ablate(self, name, spec, mask):
        import sentencepiece as spm

        folder = os.path.join(FOLDERS, name)
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
        sp = spm.SentencePieceProcessor(model_file=os.path.join(folder, "spiece.model"))
        lower = name == "albert"
        text = "Paris is the [MASK] of France, [MASK] said."
        with tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
            dump = os.path.join(tmp, "dump.json")
            r = subprocess.run([CLI, "--model", folder, "--top-k", "5", "--ablate", spec,
                                "--dump", dump, text], capture_output=True, text=True,
                               timeout=120, check=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(dump, encoding="utf-8") as f:
                d = json.load(f)
        ids = albert_ids(sp, text, lower, not lower)
        self.assertEqual(d["ids"], ids)
        attentions, logits = albert_forward(w, config, ids, head_mask=mask)
        got = np.array(d["attentions"], dtype=np.float64)
        self.assertEqual(got.shape, attentions.shape)
        self.assertLess(np.abs(got - attentions).max(), TOL)
        # The heads switched off show no attention; the others do.
        for l, row in enumerate(mask):
            for hd, on in enumerate(row):
                self.assertEqual(got[l, hd].max() > 0.0, bool(on), (l, hd))
        # Not the full run's: the switched-off heads change the guesses.
        _, full = albert_forward(w, config, ids)
        self.assertEqual(len(d["predictions"]), 2)
        for pred in d["predictions"]:
            probs = softmax(logits[pred["position"]])
            self.assertGreater(np.abs(probs - softmax(full[pred["position"]])).max(), 1e-4)
            self.assert_candidates(pred, logits)
        return d

    def test_albert_ablate(self):
        """--ablate on ALBERT folders against the numpy forward with the head
        mask applied (multiplying the probabilities, as Hugging Face's
        head_mask does). The app's layer L is the L-th layer run, so one
        pass of the shared weights can lose a head while the other passes
        keep it."""
        # albert: 4 passes of one shared layer, 4 heads; layer 2 head 3 and
        # the whole of layer 4 off.
        mask = np.ones((4, 4))
        mask[1, 2] = 0.0
        mask[3, :] = 0.0
        self.check_albert_ablate("albert", "2:3,4:*", mask)
        # albert-groups: 4 passes of 2 groups × 2 inner layers, 8 layers run.
        mask = np.ones((8, 4))
        mask[0, 0] = mask[3, 1] = mask[6, 3] = 0.0
        self.check_albert_ablate("albert-groups", "1:1,4:2,7:4", mask)

    def test_albert_ablate_hf_head_mask(self):
        """A head mask as Hugging Face's AlbertTransformer takes it
        (num_hidden_layers rows; pass i, inner layer j reads row
        group_idx * layers_per_group + j, group_idx = int(i / (passes /
        groups))), written out per layer run for --ablate: the same
        output as HF's indexing gives, here computed literally."""
        config_path = os.path.join(FOLDERS, "albert-groups", "config.json")
        with open(config_path, encoding="utf-8") as f:
            config = json.load(f)
        passes, groups = config["num_hidden_layers"], config["num_hidden_groups"]
        inner, heads = config["inner_group_num"], config["num_attention_heads"]
        hf = np.ones((passes, heads))
        hf[0, 1] = hf[1, 3] = hf[3, 0] = 0.0
        per_group = int(passes / groups)
        expanded = np.ones((passes * inner, heads))
        for i in range(passes):
            group = int(i / (passes / groups))
            for j in range(inner):
                expanded[i * inner + j] = hf[group * per_group:(group + 1) * per_group][j]
        spec = ",".join("%d:%d" % (l + 1, hd + 1) for l in range(passes * inner)
                        for hd in range(heads) if expanded[l, hd] == 0.0)
        self.check_albert_ablate("albert-groups", spec, expanded)

    def test_albert_tokenizer(self):
        """attention-cli --model ALBERT --token-ids on 500+ lines with
        accents, capitals, CJK, emoji, numbers before commas and runs of
        spaces, against AlbertTokenizer's preparation written here and
        python3-sentencepiece."""
        import sentencepiece as spm

        lines = reference_bpe.all_lines() + [
            "In 1990, 2024,  and 7, things   happened ,1, ,22,",
            "``Quoted'' and ''twice'' with `single` ticks",
            "ÉCOLE Ärger İstanbul ǅemal ﬁne ①②, ²³, Ⅻ,",
            "[MASK] x [CLS] y[SEP]z <unk> <pad>  [MASK]",
        ]
        self.assertGreaterEqual(len(lines), 500)
        for name, lower, keep_accents in (("albert", True, False),
                                          ("albert-groups", False, True)):
            folder = os.path.join(FOLDERS, name)
            sp = spm.SentencePieceProcessor(model_file=os.path.join(folder, "spiece.model"))
            r = subprocess.run([CLI, "--model", folder, "--token-ids"],
                               input="\n".join(lines) + "\n", capture_output=True,
                               text=True, timeout=300, check=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            got = r.stdout.split("\n")
            bad = []
            for i, line in enumerate(lines):
                want = " ".join(str(t) for t in albert_ids(sp, line, lower, keep_accents))
                if got[i] != want:
                    bad.append("%r:\n  cli: %s\n  ref: %s" % (line, got[i], want))
            self.assertEqual(bad, [], "%s: %d of %d lines differ:\n%s"
                             % (name, len(bad), len(lines), "\n".join(bad[:5])))

    def test_albert_mixed(self):
        """An ALBERT config with another family's tokenizer or weights: a
        message that names both."""
        import shutil

        with tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
            folder = os.path.join(tmp, "mixed")
            shutil.copytree(os.path.join(FOLDERS, "albert"), folder)
            os.unlink(os.path.join(folder, "spiece.model"))
            shutil.copyfile(os.path.join(FOLDERS, "xlm-roberta", "sentencepiece.bpe.model"),
                            os.path.join(folder, "sentencepiece.bpe.model"))
            r = subprocess.run([CLI, "--model", folder, "the [MASK] ."], capture_output=True,
                               text=True, timeout=120, check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("has sentencepiece.bpe.model (an XLM-RoBERTa SentencePiece model) "
                          "but no spiece.model", r.stderr)
            self.assertIn("config.json is for ALBERT", r.stderr)
            shutil.copyfile(os.path.join(FOLDERS, "albert", "spiece.model"),
                            os.path.join(folder, "spiece.model"))
            shutil.copyfile(os.path.join(FOLDERS, "electra", "model.safetensors"),
                            os.path.join(folder, "model.safetensors"))
            r = subprocess.run([CLI, "--model", folder, "the [MASK] ."], capture_output=True,
                               text=True, timeout=120, check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("config.json is for ALBERT", r.stderr)
            self.assertIn("holds ELECTRA weights", r.stderr)
            # A family the app does not open is named.
            with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
                json.dump({"model_type": "deberta", "architectures": ["DebertaForMaskedLM"]}, f)
            r = subprocess.run([CLI, "--model", folder, "the [MASK] ."], capture_output=True,
                               text=True, timeout=120, check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("holds a “deberta” (DebertaForMaskedLM) model: only BERT, DistilBERT, "
                          "RoBERTa, XLM-RoBERTa, ALBERT and ELECTRA models can be opened",
                          r.stderr)

    def check_spm_shown(self, name, bias, specials, words, ids_of, token_of, forward):
        """The guesses shown to a reader skip a SentencePiece model's special
        pieces, as they skip [PAD] and [unusedN] for WordPiece: the printed
        completions, the --all-positions table and --dump's "shown"; its
        "candidates" stay the raw top-k. SPECIALS (the model's five, by the
        test's own reckoning) are boosted far ahead, then WORDS."""
        k = 4
        boosts = {i: 80.0 - 4 * n for n, i in enumerate(specials)}
        boosts.update({i: 56.0 - 4 * n for n, i in enumerate(words)})
        text = "Paris is the [MASK] of France."
        with tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
            folder = os.path.join(tmp, name)
            boost_ids(os.path.join(FOLDERS, name), folder, bias, boosts)
            w = read_safetensors(os.path.join(folder, "model.safetensors"))
            with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
                config = json.load(f)
            dump = os.path.join(tmp, "dump.json")
            r = subprocess.run([CLI, "--model", folder, "--top-k", str(k), "--dump", dump, text],
                               capture_output=True, text=True, timeout=120, check=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(dump, encoding="utf-8") as f:
                d = json.load(f)
            self.assertEqual(d["ids"], ids_of(text))
            _, logits = forward(w, config, d["ids"])
            (pred,) = d["predictions"]
            probs = softmax(logits[pred["position"]])
            order = [int(i) for i in np.argsort(-probs, kind="stable")]
            # The raw top-k, as always: here the specials.
            self.assertEqual([c["id"] for c in pred["candidates"]], order[:k])
            self.assertEqual(order[:k], specials[:k])
            # Shown: the k best that are not special, with their
            # probabilities over the whole vocabulary.
            text_ids = [i for i in order if i not in specials][:k]
            self.assertEqual(text_ids, words)
            self.assertEqual([c["id"] for c in pred["shown"]], text_ids, pred["shown"])
            for c in pred["shown"]:
                self.assertEqual(c["token"], token_of(c["id"]))
                self.assertLess(abs(c["probability"] - probs[c["id"]]), TOL)
            # The printed completions: one per shown word, which brings its
            # own space ("▁") as the mask took the one before it.
            want = [text.replace(" [MASK]", " " + token_of(i)[1:]) for i in words]
            self.assertEqual([l for l in r.stdout.splitlines() if l], want, r.stdout)

            # --all-positions: the table skips the specials at every token.
            r = subprocess.run([CLI, "--model", folder, "--top-k", str(k), "--all-positions",
                                "--dump", dump, text], capture_output=True, text=True,
                               timeout=120, check=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(dump, encoding="utf-8") as f:
                d = json.load(f)
            _, logits = forward(w, config, d["ids"])
            lines = r.stdout.splitlines()
            header = next(i for i, l in enumerate(lines) if l.split()[:2] == ["Index", "Token"])
            rows = lines[header + 1:]
            self.assertEqual(len(rows), len(d["ids"]), r.stdout)
            for p, row in zip(d["positions"], rows):
                probs = softmax(logits[p["index"]])
                order = [int(i) for i in np.argsort(-probs, kind="stable")]
                self.assertEqual([c["id"] for c in p["candidates"]], order[:k])
                self.assertTrue(all(c["id"] in specials for c in p["candidates"]), p)
                shown = [i for i in order if i not in specials][:k]
                self.assertEqual([c["id"] for c in p["shown"]], shown, (p["shown"], shown))
                printed = re.findall(r"(\S+) \((\d+\.\d) %\)", row)
                self.assertEqual([t for t, _ in printed], [token_of(i) for i in shown], row)
                for (_, percent), i in zip(printed, shown):
                    self.assertLessEqual(abs(float(percent) - 100 * probs[i]), 0.05 + 1e-9, row)

    def test_xlm_roberta_shown(self):
        """XLM-R's <s>, <pad>, </s>, <unk> and <mask> are never shown."""
        import sentencepiece as spm

        sp = spm.SentencePieceProcessor(
            model_file=os.path.join(FOLDERS, "xlm-roberta", "sentencepiece.bpe.model"))
        mask = sp.get_piece_size() + 1
        specials = [0, 1, 2, 3, mask]
        # The model's own control and unknown pieces are those four (its
        # <unk>, <s> and </s> stand at fairseq's 1 to 3, which the four take).
        self.assertEqual([i + 1 for i in range(sp.get_piece_size())
                          if sp.is_control(i) or sp.is_unknown(i)], [1, 2, 3])
        words = [i + 1 for i in range(3, sp.get_piece_size())
                 if sp.id_to_piece(i).startswith("\u2581") and len(sp.id_to_piece(i)) > 2][:4]
        self.check_spm_shown("xlm-roberta", "lm_head.bias", specials, words,
                             lambda text: xlmr_ids(sp, text), lambda i: xlmr_token(sp, i),
                             roberta_forward)

    def test_roberta_shown(self):
        """RoBERTa's <s>, <pad>, </s>, <unk> and <mask> are never shown;
        a "␣word" fills the mask as " word"."""
        folder = os.path.join(FOLDERS, "roberta")
        encoder = reference_bpe.Encoder(os.path.join(folder, "vocab.json"),
                                        os.path.join(folder, "merges.txt"))
        vocab = {i: t for t, i in encoder.encoder.items()}
        specials = [encoder.encoder[t] for t in ("<s>", "<pad>", "</s>", "<unk>", "<mask>")]
        words = [i for i in sorted(vocab) if bpe_shown(vocab[i]).startswith("\u2423")
                 and bpe_shown(vocab[i])[1:].isalpha() and len(vocab[i]) > 2][:4]
        self.check_spm_shown("roberta", "lm_head.bias", specials, words,
                             lambda text: roberta_ids(encoder, text),
                             lambda i: bpe_shown(vocab[i]), roberta_forward)

    def test_albert_shown(self):
        """ALBERT's <pad>, <unk>, [CLS], [SEP] and [MASK] are never shown."""
        import sentencepiece as spm

        sp = spm.SentencePieceProcessor(
            model_file=os.path.join(FOLDERS, "albert", "spiece.model"))
        specials = [sp.piece_to_id(t) for t in ("<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]")]
        self.assertEqual(sorted(i for i in range(sp.get_piece_size())
                                if sp.is_control(i) or sp.is_unknown(i)), sorted(specials))
        words = [i for i in range(sp.get_piece_size())
                 if sp.id_to_piece(i).startswith("\u2581") and len(sp.id_to_piece(i)) > 2][:4]
        self.check_spm_shown("albert", "predictions.bias", specials, words,
                             lambda text: albert_ids(sp, text), sp.id_to_piece, albert_forward)

    def test_no_mlm_bias(self):
        """A checkpoint saved without its masked-LM bias (RoBERTa's
        lm_head.bias, ALBERT's predictions.bias) loads with a zero bias, as
        Hugging Face leaves it: the numpy forward with a zero bias."""
        import sentencepiece as spm

        cases = [("roberta", "lm_head.bias", roberta_forward),
                 ("albert", "predictions.bias", albert_forward)]
        for name, bias, forward in cases:
            with self.subTest(folder=name), \
                    tempfile.TemporaryDirectory(prefix="attention-family-") as tmp:
                import shutil

                folder = os.path.join(tmp, name)
                shutil.copytree(os.path.join(FOLDERS, name), folder)
                w = read_safetensors(os.path.join(folder, "model.safetensors"))
                n_vocab = len(w[bias])
                del w[bias]
                write_safetensors(os.path.join(folder, "model.safetensors"), w)
                with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
                    config = json.load(f)
                d, _ = self.run_cli(folder, "Paris is the [MASK] of France.")
                if name == "albert":
                    sp = spm.SentencePieceProcessor(model_file=os.path.join(folder,
                                                                            "spiece.model"))
                    self.assertEqual(d["ids"], albert_ids(sp, "Paris is the [MASK] of France."))
                w[bias] = np.zeros(n_vocab)
                attentions, logits = forward(w, config, d["ids"])
                self.assertLess(np.abs(np.array(d["attentions"]) - attentions).max(), TOL)
                (pred,) = d["predictions"]
                self.assert_candidates(pred, logits)

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
