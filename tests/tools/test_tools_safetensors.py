#!/usr/bin/python3
"""tools/safetensors_io.py: round trips and every bounds check."""

import json
import os
import struct
import sys
import tempfile
import unittest

import torch

TOOLS = os.environ.get("ATTENTION_TOOLS_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)

import safetensors_io  # noqa: E402
from safetensors_io import SafetensorsError  # noqa: E402


class TestSafetensors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "model.safetensors")

    def tearDown(self):
        self.tmp.cleanup()

    def write_raw(self, header, data=b"", length=None, raw_header=None):
        raw = raw_header if raw_header is not None else json.dumps(header).encode()
        with open(self.path, "wb") as f:
            f.write(struct.pack("<Q", len(raw) if length is None else length))
            f.write(raw)
            f.write(data)

    def test_round_trip(self):
        g = torch.Generator().manual_seed(0)
        tensors = {
            "a.f32": torch.randn(3, 5, generator=g),
            "b.f16": torch.randn(4, generator=g).half(),
            "c.bf16": torch.randn(2, 2, generator=g).bfloat16(),
            "d.i64": torch.arange(7).unsqueeze(0),
            "e.scalar": torch.tensor(2.5),
            "f.empty": torch.zeros(0, 3),
        }
        safetensors_io.save(self.path, tensors, {"format": "pt"})
        entries, meta, start = safetensors_io.read_header(self.path)
        self.assertEqual(meta, {"format": "pt"})
        self.assertEqual(start % 8, 0)
        self.assertEqual(entries["b.f16"].dtype, "F16")
        loaded = safetensors_io.load(self.path)
        self.assertEqual(set(loaded), set(tensors))
        for name, t in tensors.items():
            self.assertEqual(loaded[name].dtype, t.dtype, name)
            self.assertTrue(torch.equal(loaded[name], t), name)
        only = safetensors_io.load(self.path, {"a.f32"})
        self.assertEqual(list(only), ["a.f32"])

    def test_same_bytes(self):
        t = {"x": torch.ones(3), "y": torch.zeros(2, 2)}
        safetensors_io.save(self.path, t)
        with open(self.path, "rb") as f:
            first = f.read()
        safetensors_io.save(self.path, dict(reversed(list(t.items()))))
        with open(self.path, "rb") as f:
            self.assertEqual(first, f.read())

    def refused(self, pattern):
        with self.assertRaisesRegex(SafetensorsError, pattern):
            safetensors_io.load(self.path)

    def test_truncated(self):
        with open(self.path, "wb") as f:
            f.write(b"\x10\x00\x00")
        self.refused("truncated")

    def test_header_past_end(self):
        self.write_raw({}, length=1000)
        self.refused("header length 1000 runs past the end")

    def test_truncated_data(self):
        safetensors_io.save(self.path, {"w": torch.ones(16)})
        size = os.path.getsize(self.path)
        with open(self.path, "r+b") as f:
            f.truncate(size - 4)
        self.refused("outside the file")

    def test_offset_outside_file(self):
        self.write_raw({"w": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}},
                       b"\0" * 8)
        self.refused(r"w: data_offsets \[8, 16\] lie outside")

    def test_dtype_shape_mismatch(self):
        self.write_raw({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}},
                       b"\0" * 8)
        self.refused(r"w: F32 \[3\] needs 12 bytes but data_offsets span 8")
        self.write_raw({"w": {"dtype": "BF16", "shape": [3], "data_offsets": [0, 8]}},
                       b"\0" * 8)
        self.refused("needs 6 bytes")

    def test_overlap(self):
        self.write_raw({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                        "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}},
                       b"\0" * 12)
        self.refused("overlap")

    def test_bad_json(self):
        self.write_raw(None, raw_header=b"{not json")
        self.refused("not valid JSON")
        self.write_raw([1, 2])
        self.refused("not a JSON object")

    def test_bad_entries(self):
        cases = [
            ({"dtype": "F8", "shape": [1], "data_offsets": [0, 1]}, "unsupported dtype"),
            ({"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}, "bad shape"),
            ({"dtype": "F32", "shape": "4", "data_offsets": [0, 4]}, "bad shape"),
            ({"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}, "bad data_offsets"),
            ({"dtype": "F32", "shape": [1], "data_offsets": [0]}, "bad data_offsets"),
            ({"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}, "bad data_offsets"),
            ("F32", "not a JSON object"),
        ]
        for entry, pattern in cases:
            self.write_raw({"w": entry}, b"\0" * 8)
            self.refused(pattern)

    def test_metadata_must_be_object(self):
        self.write_raw({"__metadata__": 3})
        self.refused("__metadata__")

    def test_empty_file_ok(self):
        self.write_raw({"__metadata__": {"format": "pt"}})
        self.assertEqual(safetensors_io.load(self.path), {})


if __name__ == "__main__":
    unittest.main(verbosity=2)
