"""BERT for masked language modelling in plain torch (no transformers).

Reproduces Hugging Face's ``BertForMaskedLM`` numerically, with parameter
names exactly as its ``state_dict`` so checkpoints load without renaming. The
arithmetic is not here: it is the TorchScript source that the app's shim
compiles for a Hugging Face folder (shim/module/attention_bert_script.py).
The training module below runs those functions as its methods, and bundles
are that source defined into a TorchScript module whose attributes are the
weights (see docs/bundle-format.md).
"""

import importlib.util
import json
import math
import operator
import os
from typing import Dict, List

import torch
from torch import nn

SCRIPT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shim",
                           "module", "attention_bert_script.py")
# The line after which the file is TorchScript source (the shim's build
# looks for it too, in shim/module/meson.build).
SCRIPT_MARKER = "# ---- TorchScript source: the build embeds everything below this line ----"


def _load_script():
    spec = importlib.util.spec_from_file_location("attention_bert_script", SCRIPT_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = _load_script()


def script_source() -> str:
    """The TorchScript source of the model: the shared file after its marker."""
    with open(SCRIPT_PATH, encoding="utf-8") as f:
        text = f.read()
    at = text.find("\n" + SCRIPT_MARKER + "\n")
    if at < 0:
        raise RuntimeError(f"{SCRIPT_PATH} has no line {SCRIPT_MARKER!r}")
    return text[at + len(SCRIPT_MARKER) + 2:]


BUNDLE_FORMAT = "attention-bundle-1"
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# HF adds (1 - mask) * finfo(float32).min to the scores: the source's
# mask_min, as attn-shim-hfbert.cpp sets it.
_MASK_MIN = -3.4028234663852886e38

_DEFAULTS = {
    "model_type": "bert",
    "vocab_size": 30522,
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "max_position_embeddings": 512,
    "type_vocab_size": 2,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
}

# hidden_act as the source's act: HF's gelu_new, gelu_pytorch_tanh and
# gelu_fast are all the tanh approximation.
_ACT_CODES = {"gelu": 0, "gelu_new": 1, "gelu_pytorch_tanh": 1, "gelu_fast": 1, "relu": 2}


def config_from_dict(d: dict) -> dict:
    """Returns a copy of d with HF BertConfig defaults filled in and checked."""
    config = dict(_DEFAULTS)
    config.update(d)
    if config.get("intermediate_size") is None:
        config["intermediate_size"] = 4 * int(config["hidden_size"])
    for key in ("vocab_size", "hidden_size", "num_hidden_layers",
                "num_attention_heads", "intermediate_size",
                "max_position_embeddings", "type_vocab_size"):
        value = config[key]
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"config: {key} must be a positive integer, not {value!r}")
    if config["hidden_size"] % config["num_attention_heads"] != 0:
        raise ValueError(
            f"config: hidden_size {config['hidden_size']} is not a multiple of "
            f"num_attention_heads {config['num_attention_heads']}")
    if config["hidden_act"] not in _ACT_CODES:
        raise ValueError(f"config: unsupported hidden_act {config['hidden_act']!r} "
                         f"(supported: {', '.join(_ACT_CODES)})")
    config["layer_norm_eps"] = float(config["layer_norm_eps"])
    config["initializer_range"] = float(config["initializer_range"])
    return config


# The shim layout (the attributes the source reads) against Hugging Face's
# names; attn-shim-hfbert.cpp reads a folder's tensors the same way.
_MODEL_TENSORS = (
    ("word_embeddings", "bert.embeddings.word_embeddings.weight"),
    ("position_embeddings", "bert.embeddings.position_embeddings.weight"),
    ("token_type_embeddings", "bert.embeddings.token_type_embeddings.weight"),
    ("embeddings_ln_weight", "bert.embeddings.LayerNorm.weight"),
    ("embeddings_ln_bias", "bert.embeddings.LayerNorm.bias"),
)
# One list each, a tensor per layer (under bert.encoder.layer.N.).
_LAYER_TENSORS = (
    ("query_weight", "attention.self.query.weight"),
    ("query_bias", "attention.self.query.bias"),
    ("key_weight", "attention.self.key.weight"),
    ("key_bias", "attention.self.key.bias"),
    ("value_weight", "attention.self.value.weight"),
    ("value_bias", "attention.self.value.bias"),
    ("attention_output_weight", "attention.output.dense.weight"),
    ("attention_output_bias", "attention.output.dense.bias"),
    ("attention_ln_weight", "attention.output.LayerNorm.weight"),
    ("attention_ln_bias", "attention.output.LayerNorm.bias"),
    ("intermediate_weight", "intermediate.dense.weight"),
    ("intermediate_bias", "intermediate.dense.bias"),
    ("output_weight", "output.dense.weight"),
    ("output_bias", "output.dense.bias"),
    ("output_ln_weight", "output.LayerNorm.weight"),
    ("output_ln_bias", "output.LayerNorm.bias"),
)
# The decoder's weight is the word embeddings, its bias cls.predictions.bias
# (tied, as in HF).
_HEAD_TENSORS = (
    ("transform_weight", "cls.predictions.transform.dense.weight"),
    ("transform_bias", "cls.predictions.transform.dense.bias"),
    ("transform_ln_weight", "cls.predictions.transform.LayerNorm.weight"),
    ("transform_ln_bias", "cls.predictions.transform.LayerNorm.bias"),
    ("decoder_bias", "cls.predictions.bias"),
    ("decoder_weight", "cls.predictions.decoder.weight"),
)
_NUMBERS = ("num_layers", "num_heads", "head_size", "hidden_size", "pad_token_id", "eps",
            "scale", "mask_min", "act")


def _module(**children: nn.Module) -> nn.Module:
    """One level of Hugging Face's module tree: names and parameters only."""
    node = nn.Module()
    for name, child in children.items():
        node.add_module(name, child)
    return node


def _layer(h: int, inner: int, eps: float) -> nn.Module:
    attention_self = _module(query=nn.Linear(h, h), key=nn.Linear(h, h), value=nn.Linear(h, h))
    return _module(
        attention=_module(**{"self": attention_self,
                             "output": _module(dense=nn.Linear(h, h),
                                               LayerNorm=nn.LayerNorm(h, eps=eps))}),
        intermediate=_module(dense=nn.Linear(h, inner)),
        output=_module(dense=nn.Linear(inner, h), LayerNorm=nn.LayerNorm(h, eps=eps)))


class _LMPredictionHead(nn.Module):
    def __init__(self, h: int, vocab_size: int, eps: float, word_embeddings: nn.Embedding):
        super().__init__()
        self.transform = _module(dense=nn.Linear(h, h), LayerNorm=nn.LayerNorm(h, eps=eps))
        self.decoder = nn.Linear(h, vocab_size)
        self.bias = nn.Parameter(torch.zeros(vocab_size))
        # Tied as in HF: one tensor each, two state_dict names.
        self.decoder.weight = word_embeddings.weight
        self.decoder.bias = self.bias


class BertForMaskedLM(nn.Module):
    """Hugging Face's parameters under Hugging Face's names; its methods are
    the shared source's functions, reading the weights through views in the
    shim layout. Plain Python, with gradients: tools/pretrain trains it."""

    _act = script._act
    _layer_norm = script._layer_norm
    _split = script._split
    encode = script.encode
    encode_full = script.encode_full
    run_full = script.run_full
    mlm_head = script.mlm_head
    forward = script.forward
    forward_at = script.forward_at

    def __init__(self, config: dict):
        super().__init__()
        config = config_from_dict(config)
        h, eps = config["hidden_size"], config["layer_norm_eps"]
        self.initializer_range: float = config["initializer_range"]
        word_embeddings = nn.Embedding(config["vocab_size"], h,
                                       padding_idx=config["pad_token_id"])
        embeddings = _module(
            word_embeddings=word_embeddings,
            position_embeddings=nn.Embedding(config["max_position_embeddings"], h),
            token_type_embeddings=nn.Embedding(config["type_vocab_size"], h),
            LayerNorm=nn.LayerNorm(h, eps=eps))
        layers = nn.ModuleList([_layer(h, config["intermediate_size"], eps)
                                for _ in range(config["num_hidden_layers"])])
        self.bert = _module(embeddings=embeddings, encoder=_module(layer=layers))
        self.cls = _module(predictions=_LMPredictionHead(h, config["vocab_size"], eps,
                                                         word_embeddings))
        self.num_layers: int = config["num_hidden_layers"]
        self.num_heads: int = config["num_attention_heads"]
        self.head_size: int = h // self.num_heads
        self.hidden_size: int = h
        self.pad_token_id: int = config["pad_token_id"]
        self.eps: float = eps
        self.scale: float = math.sqrt(self.head_size)
        self.mask_min: float = _MASK_MIN
        self.act: int = _ACT_CODES[config["hidden_act"]]

    def init_weights(self, seed: int):
        """HF initialisation: normal(0, initializer_range), LayerNorm 1/0, biases 0."""
        gen = torch.Generator().manual_seed(int(seed))
        std = self.initializer_range
        with torch.no_grad():
            for module in self.modules():
                if isinstance(module, nn.Embedding):
                    module.weight.normal_(0.0, std, generator=gen)
                    if module.padding_idx is not None:
                        module.weight[module.padding_idx].zero_()
                elif isinstance(module, nn.Linear):
                    if module is self.cls.predictions.decoder:
                        continue  # tied: initialised as the word embeddings
                    module.weight.normal_(0.0, std, generator=gen)
                    if module.bias is not None:
                        module.bias.zero_()
                elif isinstance(module, nn.LayerNorm):
                    module.weight.fill_(1.0)
                    module.bias.zero_()
            self.cls.predictions.bias.zero_()


def _view(path: str) -> property:
    get = operator.attrgetter(path)
    return property(lambda self: get(self))


def _layers_view(path: str) -> property:
    get = operator.attrgetter(path)
    return property(lambda self: [get(layer) for layer in self.bert.encoder.layer])


for _name, _path in _MODEL_TENSORS + _HEAD_TENSORS:
    setattr(BertForMaskedLM, _name, _view(_path))
for _name, _path in _LAYER_TENSORS:
    setattr(BertForMaskedLM, _name, _layers_view(_path))


def script_module(model: BertForMaskedLM) -> torch.jit.ScriptModule:
    """A bundle's module: the shared source defined into a fresh TorchScript
    module whose attributes are the model's weights, as attn-shim-hfbert.cpp
    builds one for a folder (same name, attributes in the same order)."""
    tensor, tensors = torch._C.TensorType.get(), torch._C.ListType.ofTensors()
    kinds = {int: torch._C.IntType.get(), float: torch._C.FloatType.get()}
    m = torch._C.ScriptModule("__torch__.attention.Bert", torch._C.CompilationUnit(), True)
    with torch.no_grad():
        for name, _ in _MODEL_TENSORS:
            m._register_attribute(name, tensor, getattr(model, name).detach())
        for name, _ in _LAYER_TENSORS:
            m._register_attribute(name, tensors, [t.detach() for t in getattr(model, name)])
        for name, _ in _HEAD_TENSORS:
            m._register_attribute(name, tensor, getattr(model, name).detach())
    for name in _NUMBERS:
        value = getattr(model, name)
        m._register_attribute(name, kinds[type(value)], value)
    m._define(torch._C.ConcreteModuleType.from_jit_type(m._type()), script_source(),
              lambda name: script.torch if name == "torch" else None)
    m._register_attribute("training", torch._C.BoolType.get(), False)
    return torch.jit.RecursiveScriptModule._construct(m, lambda module: None)


def hf_state_dict(module) -> Dict[str, torch.Tensor]:
    """Hugging Face's state dict of a model or a loaded bundle: a bundle of
    the shared source keeps its weights as attributes in the shim layout;
    older bundles (scripted nn.Modules) as parameters under HF's names."""
    if not hasattr(module, "word_embeddings"):
        return dict(module.state_dict())
    state = {}
    for name, path in _MODEL_TENSORS + _HEAD_TENSORS:
        state[path] = getattr(module, name)
    for name, path in _LAYER_TENSORS:
        for i, t in enumerate(getattr(module, name)):
            state[f"bert.encoder.layer.{i}.{path}"] = t
    state["cls.predictions.decoder.bias"] = state["cls.predictions.bias"]
    return state


def vocab_tokens(vocab_text: str) -> List[str]:
    """Tokens of a vocab.txt, one a line, id = line number."""
    tokens = vocab_text.split("\n")
    if tokens and tokens[-1] == "":
        tokens.pop()
    return [t.rstrip("\r") for t in tokens]


def guess_lowercase(tokens: List[str]) -> bool:
    """Uncased vocabularies have no uppercase letters outside [SPECIAL] tokens."""
    for t in tokens:
        if t.startswith("[") and t.endswith("]"):
            continue
        if any(c.isupper() for c in t):
            return False
    return True


def bundle_config(config: dict, vocab_text: str) -> dict:
    """The config.json stored in a bundle: the HF config plus our keys."""
    out = config_from_dict(config)
    tokens = vocab_tokens(vocab_text)
    if len(tokens) > out["vocab_size"]:
        raise ValueError(f"vocab.txt has {len(tokens)} tokens but vocab_size is "
                         f"{out['vocab_size']}")
    index = {}
    for i, t in enumerate(tokens):
        index.setdefault(t, i)
    special = {}
    for t in SPECIAL_TOKENS:
        if t not in index:
            raise ValueError(f"vocab.txt has no {t} token")
        special[t] = index[t]
    out["format"] = BUNDLE_FORMAT
    out.setdefault("name", "BERT")
    out.setdefault("description", "")
    out.setdefault("source", "")
    out.setdefault("has_mlm_head", True)
    if out.get("do_lower_case") is None:
        out["do_lower_case"] = guess_lowercase(tokens)
    out["description"] = " ".join(str(out["description"]).split())
    out["do_lower_case"] = bool(out["do_lower_case"])
    out["has_mlm_head"] = bool(out["has_mlm_head"])
    out["special_token_ids"] = special
    trained = out.get("trained_length")
    if trained is not None and (not isinstance(trained, int) or isinstance(trained, bool)
                                or not 1 <= trained <= out["max_position_embeddings"]):
        raise ValueError(f"config: trained_length must be an integer from 1 to "
                         f"max_position_embeddings ({out['max_position_embeddings']}), "
                         f"not {trained!r}")
    return out


def save_bundle(model: BertForMaskedLM, config: dict, vocab_text: str, path: str):
    """Saves model as a bundle (script_module) with vocab.txt and config.json
    as extra files."""
    full = bundle_config(config, vocab_text)
    model.eval()
    scripted = script_module(model)
    extra = {
        "vocab.txt": vocab_text,
        "config.json": json.dumps(full, indent=2, sort_keys=True) + "\n",
    }
    torch.jit.save(scripted, path, _extra_files=extra)
    return full
