"""Hugging Face BERT directory -> Attention bundle (see docs/bundle-format.md).

Used by tools/convert-checkpoint, tools/make-test-model and tools/fetch-bert.
Accepts BertForMaskedLM / BertForPreTraining / bare BertModel checkpoints in
pytorch_model.bin (zip or legacy pre-1.6 pickle, loaded with weights_only so no
arbitrary object is ever unpickled) or model.safetensors.
"""

import json
import os
from typing import Callable, Dict, List, Optional, Tuple

import torch

import attention_bert
import safetensors_io


class ConvertError(Exception):
    """A checkpoint that cannot become a bundle; the message names the reason."""


# Tensors a masked LM never reads: listed and skipped.
UNUSED_PREFIXES = ("bert.pooler.", "cls.seq_relationship.")
UNUSED_NAMES = ("bert.embeddings.position_ids",)
# Aliases of tied tensors in BertForMaskedLM's state_dict.
TIED = {
    "cls.predictions.decoder.weight": "bert.embeddings.word_embeddings.weight",
    "cls.predictions.decoder.bias": "cls.predictions.bias",
}
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def _read_json(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise ConvertError(f"cannot read {path}: {e.strerror}") from None
    except ValueError as e:
        raise ConvertError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise ConvertError(f"{path} is not a JSON object")
    return data


def load_weights(path: str) -> Dict[str, torch.Tensor]:
    """Name -> tensor from a .safetensors or a torch.save()d state dict."""
    if path.endswith(".safetensors"):
        try:
            return safetensors_io.load(path)
        except safetensors_io.SafetensorsError as e:
            raise ConvertError(str(e)) from None
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - torch raises many kinds; all mean "unreadable"
        raise ConvertError(
            f"cannot load {path} as a plain tensor state dict "
            f"(only tensors are unpickled): {e}") from None
    if not isinstance(data, dict):
        raise ConvertError(f"{path} holds a {type(data).__name__}, not a state dict")
    for key in ("state_dict", "model"):
        # Some training scripts wrap the state dict one level down.
        if key in data and isinstance(data[key], dict) and len(data) <= 3:
            data = data[key]
    out = {}
    for name, value in data.items():
        if not isinstance(value, torch.Tensor):
            raise ConvertError(f"{path}: entry {name} is not a tensor")
        out[str(name)] = value
    return out


def rename(raw: Dict[str, torch.Tensor]) -> Tuple[Dict[str, torch.Tensor], bool]:
    """HF names as BertForMaskedLM uses them; returns (tensors, bare BertModel?).

    Old checkpoints call LayerNorm parameters gamma/beta; bare BertModel
    checkpoints lack the "bert." prefix."""
    renamed = {}
    for name, t in raw.items():
        if ".LayerNorm." in name or name.startswith("LayerNorm."):
            if name.endswith(".gamma"):
                name = name[: -len("gamma")] + "weight"
            elif name.endswith(".beta"):
                name = name[: -len("beta")] + "bias"
        renamed[name] = t
    bare = not any(n.startswith("bert.") for n in renamed) and any(
        n.startswith(("embeddings.", "encoder.")) for n in renamed)
    if bare:
        renamed = {("bert." + n if n.startswith(("embeddings.", "encoder.", "pooler."))
                    else n): t for n, t in renamed.items()}
    return renamed, bare


def check_config(config: dict):
    model_type = config.get("model_type", "bert")
    if model_type != "bert":
        raise ConvertError(f"config.json: model_type is {model_type!r}; only BERT is supported")
    if config.get("position_embedding_type", "absolute") != "absolute":
        raise ConvertError("config.json: only absolute position embeddings are supported, not "
                           f"{config['position_embedding_type']!r}")
    if config.get("is_decoder") or config.get("add_cross_attention"):
        raise ConvertError("config.json: decoder / cross-attention BERT is not supported")
    try:
        return attention_bert.config_from_dict(config)
    except ValueError as e:
        raise ConvertError(f"config.json: {e}") from None


def build_model(config: dict, tensors: Dict[str, torch.Tensor]):
    """Loads renamed tensors into a BertForMaskedLM.

    Returns (model, has_mlm_head, skipped names, warnings)."""
    config = check_config(config)
    model = attention_bert.BertForMaskedLM(config)
    expected = model.state_dict()
    warnings: List[str] = []

    has_head = any(n.startswith("cls.predictions.") for n in tensors)
    if not has_head:
        warnings.append(
            "the checkpoint has no masked-LM head (cls.predictions.*): attention "
            "works, but the bundle cannot predict [MASK] tokens (has_mlm_head: false, "
            "head zero-initialised so every logit is 0)")

    tensors = dict(tensors)
    # The tied bias may be stored under either of its two names.
    if "cls.predictions.bias" not in tensors and "cls.predictions.decoder.bias" in tensors:
        tensors["cls.predictions.bias"] = tensors["cls.predictions.decoder.bias"]
    # A head saved without its bias: Hugging Face loads it with a zero one,
    # and so does the app's folder door.
    if has_head and "cls.predictions.bias" not in tensors:
        tensors["cls.predictions.bias"] = torch.zeros(expected["cls.predictions.bias"].shape)
        warnings.append(
            "the masked-LM head has no bias (cls.predictions.bias): it is zero, as "
            "Hugging Face loads such a checkpoint")

    state = {}
    for name, want in expected.items():
        if name in TIED:
            continue
        if name not in tensors:
            if not has_head and name.startswith("cls.predictions."):
                continue
            raise ConvertError(f"missing tensor {name} (needed by the model)")
        t = tensors[name]
        if not t.is_floating_point():
            raise ConvertError(f"tensor {name} has dtype {t.dtype}, expected floating point")
        if tuple(t.shape) != tuple(want.shape):
            raise ConvertError(
                f"tensor {name} has shape {list(t.shape)} but config.json implies "
                f"{list(want.shape)}")
        state[name] = t.to(torch.float32)

    dec = tensors.get("cls.predictions.decoder.weight")
    if dec is not None and has_head:
        emb = state["bert.embeddings.word_embeddings.weight"]
        if tuple(dec.shape) != tuple(emb.shape):
            raise ConvertError(
                f"tensor cls.predictions.decoder.weight has shape {list(dec.shape)} but "
                f"config.json implies {list(emb.shape)}")
        if not torch.equal(dec.to(torch.float32), emb):
            raise ConvertError(
                "cls.predictions.decoder.weight differs from the word embeddings; "
                "the bundle needs them tied (tie_word_embeddings)")
    dbias = tensors.get("cls.predictions.decoder.bias")
    if dbias is not None and has_head and not torch.equal(
            dbias.to(torch.float32), state["cls.predictions.bias"]):
        raise ConvertError("cls.predictions.decoder.bias differs from cls.predictions.bias")

    used = set(state) | set(TIED) | {"cls.predictions.decoder.bias"}
    skipped = sorted(n for n in tensors if n not in used)

    with torch.no_grad():
        if not has_head:
            head = model.cls.predictions
            head.transform.dense.weight.zero_()
            head.transform.dense.bias.zero_()
            head.transform.LayerNorm.weight.fill_(1.0)
            head.transform.LayerNorm.bias.zero_()
            head.bias.zero_()
        params = model.state_dict(keep_vars=True)
        for name, t in state.items():
            params[name].copy_(t)
    model.eval()
    return model, has_head, skipped, warnings


def guess_lowercase(hf_dir: str, config: dict, vocab_text: str) -> Tuple[bool, str]:
    """(do_lower_case, where the answer came from)."""
    path = os.path.join(hf_dir, "tokenizer_config.json")
    if os.path.exists(path):
        tok = _read_json(path)
        if isinstance(tok.get("do_lower_case"), bool):
            return tok["do_lower_case"], "tokenizer_config.json"
    name = (str(config.get("_name_or_path", "")) + " " + os.path.basename(
        os.path.abspath(hf_dir))).lower()
    if "uncased" in name:
        return True, "the name"
    if "cased" in name:
        return False, "the name"
    return attention_bert.guess_lowercase(attention_bert.vocab_tokens(vocab_text)), "the vocabulary"


def find_weights(hf_dir: str) -> str:
    for name in WEIGHT_FILES:
        path = os.path.join(hf_dir, name)
        if os.path.exists(path):
            return path
    raise ConvertError(f"{hf_dir} has neither {' nor '.join(WEIGHT_FILES)}")


def _check_bundle(model, path: str, config: dict):
    """Loads the written bundle back and compares it with the eager model."""
    loaded = torch.jit.load(path, map_location="cpu")
    ids = [config["special_token_ids"][t] for t in ("[CLS]", "[MASK]", "[SEP]")]
    input_ids = torch.tensor([ids])
    mask = torch.ones_like(input_ids)
    positions = torch.tensor([1])
    with torch.no_grad():
        a_logits, a_att = model.forward_at(input_ids, mask, positions)
        b_logits, b_att = loaded.forward_at(input_ids, mask, positions)
    if not (torch.allclose(a_logits, b_logits, atol=1e-5)
            and torch.allclose(a_att, b_att, atol=1e-6)):
        raise ConvertError("the saved bundle does not reproduce the model")


def convert(hf_dir: str, out_path: str, name: Optional[str] = None,
            description: Optional[str] = None, source: Optional[str] = None,
            lowercase: Optional[bool] = None, weights: Optional[str] = None,
            log: Callable[[str], None] = print,
            trained_length: Optional[int] = None) -> dict:
    """Converts hf_dir to a bundle at out_path; returns a summary dict."""
    if not os.path.isdir(hf_dir):
        raise ConvertError(f"{hf_dir} is not a directory")
    hf_config = _read_json(os.path.join(hf_dir, "config.json"))
    vocab_path = os.path.join(hf_dir, "vocab.txt")
    try:
        with open(vocab_path, encoding="utf-8") as f:
            vocab_text = f.read()
    except OSError as e:
        raise ConvertError(f"cannot read {vocab_path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise ConvertError(f"{vocab_path} is not UTF-8 text") from None

    weights = weights or find_weights(hf_dir)
    log(f"reading {weights}")
    raw = load_weights(weights)
    tensors, bare = rename(raw)
    model, has_head, skipped, warnings = build_model(hf_config, tensors)
    if bare:
        log("note: bare BertModel names (no \"bert.\" prefix)")
    if skipped:
        log(f"skipped {len(skipped)} tensor(s) a masked LM does not use: " + ", ".join(skipped))
    for w in warnings:
        log(f"warning: {w}")

    if lowercase is None:
        lowercase, why = guess_lowercase(hf_dir, hf_config, vocab_text)
        log(f"do_lower_case: {str(lowercase).lower()} (from {why})")
    base = os.path.basename(os.path.abspath(hf_dir))
    config = dict(hf_config)
    config.pop("_name_or_path", None)
    config["name"] = name or hf_config.get("_name_or_path") or base
    n_params = sum(p.numel() for p in model.parameters())
    config["description"] = description or (
        f"{model.num_layers}-layer BERT ({n_params / 1e6:.1f}M parameters) "
        f"converted from {os.path.basename(weights)}")
    config["source"] = source or os.path.abspath(hf_dir)
    config["do_lower_case"] = lowercase
    config["has_mlm_head"] = has_head
    if trained_length is not None:
        config["trained_length"] = trained_length
    # Written beside the target and renamed, so a failure leaves no half bundle.
    part = out_path + ".part"
    try:
        full = attention_bert.save_bundle(model, config, vocab_text, part)
        _check_bundle(model, part, full)
        os.replace(part, out_path)
    except ValueError as e:
        raise ConvertError(str(e)) from None
    except (OSError, RuntimeError) as e:
        raise ConvertError(f"cannot write {out_path}: {e}") from None
    finally:
        if os.path.exists(part):
            os.unlink(part)
    log(f"wrote {out_path} ({os.path.getsize(out_path) / 2**20:.1f} MiB)")
    return {"config": full, "skipped": skipped, "warnings": warnings,
            "has_mlm_head": has_head, "bare": bare, "model": model}
