"""Reading and writing the safetensors format without the safetensors package.

Debian 12 ships no safetensors module, and the format is small: an 8-byte
little-endian header length N, N bytes of JSON describing each tensor
(dtype, shape, data_offsets relative to the data area), then the data.
The reader trusts nothing in the file: every length and offset is checked
against the file size before a byte is read.
"""

import json
import os
import struct
from typing import Dict, Optional

import torch

# dtype name -> (torch dtype, bytes per element)
DTYPES = {
    "F64": (torch.float64, 8),
    "F32": (torch.float32, 4),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
    "I64": (torch.int64, 8),
    "I32": (torch.int32, 4),
    "I16": (torch.int16, 2),
    "I8": (torch.int8, 1),
    "U8": (torch.uint8, 1),
    "BOOL": (torch.bool, 1),
}
FLOAT_DTYPES = ("F32", "F16", "BF16")
_NAMES = {dtype: name for name, (dtype, _) in DTYPES.items()}

# A header is a few hundred bytes per tensor; anything near this is not a model.
MAX_HEADER_BYTES = 100 * 1024 * 1024


class SafetensorsError(Exception):
    """The file is not a well-formed safetensors file; the message says why."""


class TensorEntry:
    def __init__(self, name, dtype, shape, begin, end):
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.begin = begin
        self.end = end


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def read_header(path: str):
    """Returns (entries by name, metadata, data_start) after checking bounds."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise SafetensorsError(
                f"{path}: truncated: {size} bytes, too short for the 8-byte header length")
        (n,) = struct.unpack("<Q", head)
        if n > size - 8:
            raise SafetensorsError(
                f"{path}: header length {n} runs past the end of the file ({size} bytes)")
        if n > MAX_HEADER_BYTES:
            raise SafetensorsError(f"{path}: header length {n} is implausibly large")
        raw = f.read(n)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise SafetensorsError(f"{path}: header is not valid JSON: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header is not a JSON object")

    data_start = 8 + n
    data_len = size - data_start
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not isinstance(metadata, dict):
        raise SafetensorsError(f"{path}: __metadata__ is not a JSON object")

    entries: Dict[str, TensorEntry] = {}
    for name, info in header.items():
        if not isinstance(info, dict):
            raise SafetensorsError(f"{path}: tensor {name}: entry is not a JSON object")
        dtype = info.get("dtype")
        shape = info.get("shape")
        offsets = info.get("data_offsets")
        if dtype not in DTYPES:
            raise SafetensorsError(f"{path}: tensor {name}: unsupported dtype {dtype!r}")
        if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
            raise SafetensorsError(f"{path}: tensor {name}: bad shape {shape!r}")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(_is_count(o) for o in offsets)
                or offsets[0] > offsets[1]):
            raise SafetensorsError(f"{path}: tensor {name}: bad data_offsets {offsets!r}")
        begin, end = offsets
        if end > data_len:
            raise SafetensorsError(
                f"{path}: tensor {name}: data_offsets [{begin}, {end}] lie outside "
                f"the file (data area is {data_len} bytes)")
        count = 1
        for d in shape:
            count *= d
        expected = count * DTYPES[dtype][1]
        if end - begin != expected:
            raise SafetensorsError(
                f"{path}: tensor {name}: {dtype} {shape} needs {expected} bytes "
                f"but data_offsets span {end - begin}")
        entries[name] = TensorEntry(name, dtype, list(shape), begin, end)

    ordered = sorted(entries.values(), key=lambda e: (e.begin, e.end))
    for prev, cur in zip(ordered, ordered[1:]):
        if cur.begin < prev.end:
            raise SafetensorsError(
                f"{path}: tensors {prev.name} and {cur.name} overlap in the file")
    return entries, metadata or {}, data_start


def load(path: str, names: Optional[set] = None) -> Dict[str, torch.Tensor]:
    """Loads the tensors of a safetensors file (only names, if given)."""
    entries, _, data_start = read_header(path)
    out = {}
    with open(path, "rb") as f:
        for name, e in entries.items():
            if names is not None and name not in names:
                continue
            buf = bytearray(e.end - e.begin)
            f.seek(data_start + e.begin)
            if f.readinto(buf) != len(buf):
                raise SafetensorsError(f"{path}: tensor {name}: file ended early")
            dtype = DTYPES[e.dtype][0]
            if len(buf) == 0:
                t = torch.empty(e.shape, dtype=dtype)
            else:
                t = torch.frombuffer(buf, dtype=dtype).reshape(e.shape)
            out[name] = t
    return out


def save(path: str, tensors: Dict[str, torch.Tensor],
         metadata: Optional[Dict[str, str]] = None):
    """Writes tensors (sorted by name, contiguous, little-endian) to path."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        if t.dtype not in _NAMES:
            raise SafetensorsError(f"tensor {name}: dtype {t.dtype} cannot be stored")
        data = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = dict(metadata)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # the data area starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for data in blobs:
            f.write(data)
