"""torch.save's legacy (pre-1.6, non-zip) format, written reproducibly.

Checkpoints such as bert-base-uncased's pytorch_model.bin use this format;
tools/make-test-model writes one so the converter is tested on it. torch's own
legacy writer names storages by memory address, so two runs give different
bytes; this writer numbers them in the order they are met instead.

Layout: pickle(MAGIC), pickle(PROTOCOL_VERSION), pickle(sys_info), the object
pickled with storages as persistent ids ('storage', type, key, location, numel,
None), pickle(list of keys), then per key: int64 numel and the raw bytes.
"""

import pickle
import struct
import sys

import torch

MAGIC_NUMBER = 0x1950a86a20f9469cfc6c
PROTOCOL_VERSION = 1001
PICKLE_PROTOCOL = 2


def _storage_bytes(storage: "torch.storage.TypedStorage") -> bytes:
    t = torch.empty((0,), dtype=storage.dtype)
    t.set_(storage)
    return t.reshape(-1).view(torch.uint8).numpy().tobytes()


def save(obj, path: str):
    """Writes obj (e.g. a state dict of CPU tensors) like torch.save(...,
    _use_new_zipfile_serialization=False), but reproducibly."""
    keys = {}  # storage address -> key, only for the duration of the save
    storages = []

    class Pickler(pickle.Pickler):
        def persistent_id(self, o):
            if not isinstance(o, torch.storage.TypedStorage):
                return None
            if o.device.type != "cpu":
                raise ValueError("only CPU tensors can be saved")
            addr = o._cdata
            if addr not in keys:
                keys[addr] = str(len(keys))
                storages.append(o)
            return ("storage", getattr(torch, o.pickle_storage_type()), keys[addr],
                    "cpu", o.size(), None)

    sys_info = {
        "protocol_version": PROTOCOL_VERSION,
        "little_endian": sys.byteorder == "little",
        "type_sizes": {"short": 2, "int": 4, "long": struct.calcsize("=l")},
    }
    with open(path, "wb") as f:
        pickle.dump(MAGIC_NUMBER, f, protocol=PICKLE_PROTOCOL)
        pickle.dump(PROTOCOL_VERSION, f, protocol=PICKLE_PROTOCOL)
        pickle.dump(sys_info, f, protocol=PICKLE_PROTOCOL)
        Pickler(f, protocol=PICKLE_PROTOCOL).dump(obj)
        pickle.dump([str(i) for i in range(len(storages))], f, protocol=PICKLE_PROTOCOL)
        for storage in storages:
            f.write(struct.pack("<q", storage.size()))
            f.write(_storage_bytes(storage))
