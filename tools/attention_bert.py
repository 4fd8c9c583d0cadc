"""BERT for masked language modelling in plain torch (no transformers).

Reproduces Hugging Face's ``BertForMaskedLM`` numerically, with parameter
names exactly as its ``state_dict`` so checkpoints load without renaming.
Written to be ``torch.jit.script``-able: the app runs the scripted bundle
through libtorch (see docs/bundle-format.md).
"""

import json
import math
from typing import List, Optional, Tuple

import torch
from torch import nn

BUNDLE_FORMAT = "attention-bundle-1"
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# HF adds (1 - mask) * finfo(float32).min to the scores; a literal because
# torch.finfo is not available inside TorchScript.
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

_ACTIVATIONS = ("gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "relu")


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
    if config["hidden_act"] not in _ACTIVATIONS:
        raise ValueError(f"config: unsupported hidden_act {config['hidden_act']!r} "
                         f"(supported: {', '.join(_ACTIVATIONS)})")
    config["layer_norm_eps"] = float(config["layer_norm_eps"])
    config["initializer_range"] = float(config["initializer_range"])
    return config


def _activation(name: str) -> nn.Module:
    if name == "gelu":
        return nn.GELU()  # exact erf form, as HF's "gelu"
    if name == "relu":
        return nn.ReLU()
    # HF's gelu_new / gelu_pytorch_tanh / gelu_fast are all the tanh approximation.
    return nn.GELU(approximate="tanh")


class BertEmbeddings(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        h = config["hidden_size"]
        self.word_embeddings = nn.Embedding(config["vocab_size"], h,
                                            padding_idx=config["pad_token_id"])
        self.position_embeddings = nn.Embedding(config["max_position_embeddings"], h)
        self.token_type_embeddings = nn.Embedding(config["type_vocab_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=config["layer_norm_eps"])

    def forward(self, input_ids: torch.Tensor,
                token_type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.size(1), dtype=torch.long,
                                 device=input_ids.device).unsqueeze(0)
        x = (self.word_embeddings(input_ids)
             + self.token_type_embeddings(token_type_ids)
             + self.position_embeddings(positions))
        return self.LayerNorm(x)


class BertSelfAttention(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        h = config["hidden_size"]
        self.num_heads: int = config["num_attention_heads"]
        self.head_size: int = h // self.num_heads
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, s = x.size(0), x.size(1)
        return x.view(b, s, self.num_heads, self.head_size).permute(0, 2, 1, 3)

    def forward(self, hidden: torch.Tensor,
                mask_bias: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        q = self._split(self.query(hidden))
        k = self._split(self.key(hidden))
        v = self._split(self.value(hidden))
        # HF divides the product by sqrt(d); multiplying by its inverse would
        # differ in the last bit.
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size)
        scores = scores + mask_bias
        probs = torch.softmax(scores.float(), dim=-1).to(scores.dtype)
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        b, s = context.size(0), context.size(1)
        return context.view(b, s, self.num_heads * self.head_size), probs


class BertSelfOutput(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        h = config["hidden_size"]
        self.dense = nn.Linear(h, h)
        self.LayerNorm = nn.LayerNorm(h, eps=config["layer_norm_eps"])

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(x) + residual)


class BertAttention(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, hidden: torch.Tensor,
                mask_bias: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        context, probs = self.self(hidden, mask_bias)
        return self.output(context, hidden), probs


class BertIntermediate(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        self.dense = nn.Linear(config["hidden_size"], config["intermediate_size"])
        self.intermediate_act_fn = _activation(config["hidden_act"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.intermediate_act_fn(self.dense(x))


class BertOutput(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        h = config["hidden_size"]
        self.dense = nn.Linear(config["intermediate_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=config["layer_norm_eps"])

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(x) + residual)


class BertLayer(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden: torch.Tensor,
                mask_bias: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        attended, probs = self.attention(hidden, mask_bias)
        return self.output(self.intermediate(attended), attended), probs


class BertEncoder(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        self.layer = nn.ModuleList(
            [BertLayer(config) for _ in range(config["num_hidden_layers"])])


class BertModel(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        h = config["hidden_size"]
        self.dense = nn.Linear(h, h)
        self.transform_act_fn = _activation(config["hidden_act"])
        self.LayerNorm = nn.LayerNorm(h, eps=config["layer_norm_eps"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.transform_act_fn(self.dense(x)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, config: dict, word_embeddings: nn.Embedding):
        super().__init__()
        self.transform = BertPredictionHeadTransform(config)
        self.decoder = nn.Linear(config["hidden_size"], config["vocab_size"])
        self.bias = nn.Parameter(torch.zeros(config["vocab_size"]))
        # Tied as in HF: one tensor each, two state_dict names.
        self.decoder.weight = word_embeddings.weight
        self.decoder.bias = self.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.transform(x))


class BertOnlyMLMHead(nn.Module):
    def __init__(self, config: dict, word_embeddings: nn.Embedding):
        super().__init__()
        self.predictions = BertLMPredictionHead(config, word_embeddings)


class BertForMaskedLM(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        config = config_from_dict(config)
        self.num_layers: int = config["num_hidden_layers"]
        self.initializer_range: float = config["initializer_range"]
        self.mask_min: float = _MASK_MIN
        self.bert = BertModel(config)
        self.cls = BertOnlyMLMHead(config, self.bert.embeddings.word_embeddings)

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
               token_type_ids: Optional[torch.Tensor] = None
               ) -> Tuple[torch.Tensor, torch.Tensor]:
        """hidden [b,s,h] of the last layer and attentions [L,b,H,s,s]."""
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        hidden = self.bert.embeddings(input_ids, token_type_ids)
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * self.mask_min
        attentions: List[torch.Tensor] = []
        for layer in self.bert.encoder.layer:
            hidden, probs = layer(hidden, mask_bias)
            attentions.append(probs)
        return hidden, torch.stack(attentions)

    def mlm_head(self, hidden: torch.Tensor) -> torch.Tensor:
        """Vocabulary logits [..., V] for hidden states [..., h]."""
        return self.cls.predictions(hidden)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        hidden, attentions = self.encode(input_ids, attention_mask)
        return self.mlm_head(hidden), attentions

    @torch.jit.export
    def forward_at(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                   positions: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Logits [P,V] of batch item 0 at positions, attentions [L,b,H,s,s].

        Projecting only the asked-for rows avoids the seq x vocab buffer."""
        hidden, attentions = self.encode(input_ids, attention_mask)
        rows = hidden[0].index_select(0, positions.to(torch.long))
        return self.mlm_head(rows), attentions

    @torch.jit.ignore
    def init_weights(self, seed: int):
        """HF initialisation: normal(0, initializer_range), LayerNorm 1/0, biases 0."""
        gen = torch.Generator().manual_seed(int(seed))
        std = self.initializer_range
        with torch.no_grad():
            for module in self.modules():
                if isinstance(module, nn.Embedding):
                    if module is self.cls.predictions.decoder:
                        continue
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
    return out


def save_bundle(model: BertForMaskedLM, config: dict, vocab_text: str, path: str):
    """Scripts model and saves it with vocab.txt and config.json as extra files."""
    full = bundle_config(config, vocab_text)
    model.eval()
    scripted = torch.jit.script(model)
    extra = {
        "vocab.txt": vocab_text,
        "config.json": json.dumps(full, indent=2, sort_keys=True) + "\n",
    }
    torch.jit.save(scripted, path, _extra_files=extra)
    return full
