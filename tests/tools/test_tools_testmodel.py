#!/usr/bin/python3
"""tools/make-test-model: same bytes every run, the layout the C tests rely
on, and reference.json agreeing with the bundle."""

import filecmp
import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch

TOOLS = os.environ.get("ATTENTION_TOOLS_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)

import attention_convert  # noqa: E402
import attention_testmodel  # noqa: E402
import safetensors_io  # noqa: E402

MAKE = os.path.join(TOOLS, "make-test-model")
FILES = ["hf-bin/config.json", "hf-bin/pytorch_model.bin", "hf-bin/vocab.txt",
         "hf-safetensors/config.json", "hf-safetensors/model.safetensors",
         "hf-safetensors/tokenizer_config.json", "hf-safetensors/vocab.txt",
         "reference.json", "test-model.pt"]


def make(out, *args, hash_seed="random"):
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    return subprocess.run([sys.executable, MAKE, out, *args], capture_output=True,
                          text=True, check=False, env=env)


def load_bundle(path):
    extra = {"config.json": "", "vocab.txt": ""}
    m = torch.jit.load(path, _extra_files=extra)
    return m, json.loads(extra["config.json"]), extra["vocab.txt"].decode()


class TestMakeTestModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.a = os.path.join(cls.tmp.name, "a")
        r = make(cls.a, hash_seed="1")
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_same_bytes(self):
        b = os.path.join(self.tmp.name, "b")
        r = make(b, hash_seed="12345")
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in FILES:
            self.assertTrue(filecmp.cmp(os.path.join(self.a, name), os.path.join(b, name),
                                        shallow=False), name)
        fixture = os.environ.get("ATTENTION_TEST_MODEL_DIR")
        if fixture and os.path.isdir(fixture):  # meson's fixture: the same command
            for name in FILES:
                self.assertTrue(filecmp.cmp(os.path.join(self.a, name),
                                            os.path.join(fixture, name), shallow=False), name)

    def test_seed_changes_weights(self):
        c = os.path.join(self.tmp.name, "c")
        r = make(c, "--seed", "1", "--no-reference", "--bundle-only")
        self.assertEqual(r.returncode, 0, r.stderr)
        m0, _, _ = load_bundle(os.path.join(self.a, "test-model.pt"))
        m1, cfg, _ = load_bundle(os.path.join(c, "test-model.pt"))
        self.assertIn("seed 1", cfg["description"])
        self.assertFalse(os.path.exists(os.path.join(c, "hf-bin")))
        self.assertFalse(os.path.exists(os.path.join(c, "reference.json")))
        ids = torch.tensor([[101, 103, 102]])
        with torch.no_grad():
            l0, _ = m0.forward_at(ids, torch.ones_like(ids), torch.tensor([1]))
            l1, _ = m1.forward_at(ids, torch.ones_like(ids), torch.tensor([1]))
        self.assertFalse(torch.allclose(l0, l1))

    def test_vocab(self):
        _, cfg, vocab = load_bundle(os.path.join(self.a, "test-model.pt"))
        tokens = vocab.split("\n")[:-1]
        self.assertTrue(1000 <= len(tokens) <= 2000, len(tokens))
        self.assertEqual(cfg["vocab_size"], len(tokens))
        self.assertEqual(len(set(tokens)), len(tokens))
        self.assertEqual([tokens[i] for i in (0, 1, 99, 100, 101, 102, 103, 104)],
                         ["[PAD]", "[unused0]", "[unused98]", "[UNK]", "[CLS]", "[SEP]",
                          "[MASK]", "[unused99]"])
        for t in ("a", "z", "0", "9", ".", ",", "'", "é", "##a", "##9", "##é", "the",
                  "picked", "table", "##ing"):
            self.assertIn(t, tokens)
        self.assertEqual(cfg["special_token_ids"],
                         {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103})
        self.assertIs(cfg["do_lower_case"], True)
        self.assertFalse(any(c.isupper() for t in tokens if not t.startswith("[") for c in t))
        self.assertEqual((cfg["num_hidden_layers"], cfg["num_attention_heads"],
                          cfg["hidden_size"], cfg["intermediate_size"],
                          cfg["max_position_embeddings"]), (3, 4, 64, 128, 512))

    def test_hf_layouts(self):
        legacy = attention_convert.load_weights(os.path.join(self.a, "hf-bin",
                                                             "pytorch_model.bin"))
        self.assertIn("bert.encoder.layer.2.output.LayerNorm.gamma", legacy)
        self.assertIn("bert.pooler.dense.weight", legacy)
        self.assertIn("cls.seq_relationship.bias", legacy)
        self.assertIn("cls.predictions.decoder.weight", legacy)
        self.assertNotIn("cls.predictions.decoder.bias", legacy)
        st, _, _ = safetensors_io.read_header(os.path.join(self.a, "hf-safetensors",
                                                           "model.safetensors"))
        self.assertNotIn("cls.predictions.decoder.weight", st)
        self.assertIn("bert.encoder.layer.2.output.LayerNorm.weight", st)
        self.assertEqual(st["bert.embeddings.position_ids"].dtype, "I64")
        with open(os.path.join(self.a, "hf-bin", "config.json")) as f:
            self.assertEqual(json.load(f)["architectures"], ["BertForPreTraining"])

    def test_reference_matches_bundle(self):
        fixture = os.environ.get("ATTENTION_TEST_MODEL_DIR") or self.a
        with open(os.path.join(fixture, "reference.json")) as f:
            ref = json.load(f)
        m, cfg, vocab = load_bundle(os.path.join(fixture, "test-model.pt"))
        tokens = vocab.split("\n")
        self.assertEqual((ref["n_layers"], ref["n_heads"], ref["vocab_size"]),
                         (cfg["num_hidden_layers"], cfg["num_attention_heads"],
                          cfg["vocab_size"]))
        lengths = set()
        for case in ref["cases"]:
            s, p = len(case["ids"]), len(case["positions"])
            lengths.add(s)
            self.assertEqual([tokens[i] for i in case["ids"]], case["tokens"])
            self.assertEqual(len(case["logits"]), p * ref["vocab_size"])
            self.assertEqual(len(case["attentions"]), ref["n_layers"] * ref["n_heads"] * s * s)
            ids = torch.tensor([case["ids"]])
            with torch.no_grad():
                logits, att = m.forward_at(ids, torch.ones_like(ids),
                                           torch.tensor(case["positions"], dtype=torch.long))
            want_l = torch.tensor(case["logits"], dtype=torch.float32)
            want_a = torch.tensor(case["attentions"], dtype=torch.float32)
            if p:
                self.assertLess((logits.reshape(-1) - want_l).abs().max().item(), 1e-5)
                self.assertEqual(case["top5"],
                                 [r.topk(5).indices.tolist() for r in want_l.view(p, -1)])
            self.assertLess((att[:, 0].reshape(-1) - want_a).abs().max().item(), 1e-6)
            # rows are distributions and not uniform: the fixture tests something
            rows = want_a.view(-1, s)
            self.assertLess((rows.sum(-1) - 1).abs().max().item(), 1e-5)
            if s > 2:
                self.assertGreater((rows - 1.0 / s).abs().max().item(), 0.05)
        self.assertIn(1, lengths)

    def test_shape_options(self):
        d = os.path.join(self.tmp.name, "shape")
        r = make(d, "--layers", "2", "--heads", "2", "--hidden", "32", "--intermediate", "48",
                 "--vocab-size", "1200", "--max-positions", "64")
        self.assertEqual(r.returncode, 0, r.stderr)
        m, cfg, vocab = load_bundle(os.path.join(d, "test-model.pt"))
        self.assertEqual((cfg["num_hidden_layers"], cfg["num_attention_heads"],
                          cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"],
                          cfg["max_position_embeddings"]), (2, 2, 32, 48, 1200, 64))
        self.assertEqual(len(vocab.split("\n")) - 1, 1200)
        ids = torch.full((1, 64), 500)
        with torch.no_grad():
            _, att = m.forward_at(ids, torch.ones_like(ids), torch.tensor([0]))
        self.assertEqual(tuple(att.shape), (2, 1, 2, 64, 64))

    def test_vocab_file(self):
        vocab = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                             "bert-base-uncased-vocab.txt")
        d = os.path.join(self.tmp.name, "vocab")
        r = make(d, "--vocab", vocab, "--hidden", "16", "--heads", "2", "--layers", "1",
                 "--intermediate", "16", "--bundle-only", "--no-reference")
        self.assertEqual(r.returncode, 0, r.stderr)
        _, cfg, text = load_bundle(os.path.join(d, "test-model.pt"))
        self.assertEqual(cfg["vocab_size"], 30522)
        with open(vocab, encoding="utf-8") as f:
            self.assertEqual(text, f.read())

    def test_errors(self):
        d = os.path.join(self.tmp.name, "err")
        r = make(d, "--vocab-size", "10")
        self.assertEqual(r.returncode, 2)
        self.assertIn("smaller than the built-in vocab", r.stderr)
        r = make(d, "--heads", "3")
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a multiple", r.stderr)
        r = make(d, "--layers", "0")
        self.assertEqual(r.returncode, 2)
        r = make(d, "--vocab", os.path.join(self.tmp.name, "nope.txt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot read", r.stderr)

    def test_built_in_vocab_padding(self):
        tokens = attention_testmodel.synth_vocab(30522)
        self.assertEqual(len(tokens), 30522)
        self.assertEqual(len(set(tokens)), 30522)
        self.assertEqual(tokens[:len(attention_testmodel.build_vocab())],
                         attention_testmodel.build_vocab())

    def test_damaged_copy(self):
        """--damaged-copy-of: 256 bytes changed inside one weight record; the
        zip stays readable, only that record's CRC-32 fails."""
        import zipfile

        out = os.path.join(self.tmp.name, "damaged")
        good = os.path.join(self.a, "test-model.pt")
        r = make(out, "--damaged-copy-of", good)
        self.assertEqual(r.returncode, 0, r.stderr)
        bad = os.path.join(out, "damaged.pt")
        with open(good, "rb") as f:
            a = f.read()
        with open(bad, "rb") as f:
            b = f.read()
        self.assertEqual(len(a), len(b))
        changed = [i for i in range(len(a)) if a[i] != b[i]]
        self.assertEqual(len(changed), 256)
        self.assertEqual(changed[-1] - changed[0], 255)  # one run of bytes
        with zipfile.ZipFile(bad) as z:
            failed = z.testzip()
        self.assertIsNotNone(failed)
        self.assertIn("/data/", failed)
        with zipfile.ZipFile(good) as z:
            self.assertIsNone(z.testzip())
        self.assertNotEqual(make(out, "--damaged-copy-of", good, "--damaged-bytes", "0")
                            .returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
