#!/usr/bin/python3
"""tools/convert-checkpoint: both file formats, old names, partial checkpoints,
and every refusal naming its reason."""

import collections
import contextlib
import importlib.machinery
import importlib.util
import io
import json
import os
import shutil
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
import legacy_torch_save  # noqa: E402
import safetensors_io  # noqa: E402

CONVERT = os.path.join(TOOLS, "convert-checkpoint")


def _load_cli():
    loader = importlib.machinery.SourceFileLoader("convert_checkpoint", CONVERT)
    module = importlib.util.module_from_spec(
        importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


CLI = _load_cli()


def run_convert(*args):
    """The CLI's main() in this process (importing torch once, not per call)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = CLI.main(list(args))
        except SystemExit as e:
            code = e.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def bundle_outputs(path, ids, positions):
    extra = {"config.json": ""}
    m = torch.jit.load(path, _extra_files=extra)
    ids = torch.tensor([ids])
    with torch.no_grad():
        logits, att = m.forward_at(ids, torch.ones_like(ids), torch.tensor(positions))
    return logits, att, json.loads(extra["config.json"])


IDS = [101, 548, 103, 620, 1000, 102]
POS = [2, 0]


class TestConvert(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = cls.tmp.name
        made = attention_testmodel.make(os.path.join(cls.root, "tm"), seed=5,
                                        reference=False, log=lambda m: None)
        cls.model = made["model"]
        cls.config = made["config"]
        with torch.no_grad():
            ids = torch.tensor([IDS])
            cls.want_logits, cls.want_att = cls.model.forward_at(
                ids, torch.ones_like(ids), torch.tensor(POS))
        cls.bin_dir = os.path.join(cls.root, "tm", "hf-bin")
        cls.st_dir = os.path.join(cls.root, "tm", "hf-safetensors")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def out(self, name):
        return os.path.join(self.root, name)

    def hf_dir(self, name, tensors, config=None, writer="safetensors", vocab_from=None):
        """A Hugging Face directory with the given tensors."""
        d = os.path.join(self.root, name)
        os.makedirs(d, exist_ok=True)
        shutil.copy(os.path.join(vocab_from or self.st_dir, "vocab.txt"), d)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(config or read_json(os.path.join(self.st_dir, "config.json")), f)
        if writer == "safetensors":
            safetensors_io.save(os.path.join(d, "model.safetensors"), tensors)
        elif writer == "legacy":
            legacy_torch_save.save(tensors, os.path.join(d, "pytorch_model.bin"))
        else:
            torch.save(tensors, os.path.join(d, "pytorch_model.bin"))
        return d

    def assert_same_as_model(self, path):
        logits, att, cfg = bundle_outputs(path, IDS, POS)
        self.assertLess((logits - self.want_logits).abs().max().item(), 1e-5)
        self.assertLess((att - self.want_att).abs().max().item(), 1e-6)
        return cfg

    def original_state(self):
        return {n: t.clone() for n, t in self.model.state_dict().items()}

    # --- the two formats make-test-model writes --------------------------------

    def test_legacy_bin(self):
        with open(os.path.join(self.bin_dir, "pytorch_model.bin"), "rb") as f:
            self.assertEqual(f.read(2), b"\x80\x02")  # a pickle, not a zip
        raw = attention_convert.load_weights(os.path.join(self.bin_dir, "pytorch_model.bin"))
        self.assertIn("bert.embeddings.LayerNorm.gamma", raw)
        self.assertIn("cls.predictions.transform.LayerNorm.beta", raw)
        self.assertNotIn("bert.embeddings.LayerNorm.weight", raw)
        # Once as a real process: the script runs on its own.
        r = subprocess.run([sys.executable, CONVERT, self.bin_dir, self.out("bin.pt")],
                           capture_output=True, text=True, check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in ("bert.pooler.dense.weight", "bert.pooler.dense.bias",
                     "cls.seq_relationship.weight", "cls.seq_relationship.bias"):
            self.assertIn(name, r.stdout)
        self.assertIn("skipped 4 tensor(s)", r.stdout)
        cfg = self.assert_same_as_model(self.out("bin.pt"))
        self.assertEqual(cfg["layer_norm_eps"], 1e-12)  # defaulted: not in that config
        self.assertTrue(cfg["has_mlm_head"])

    def test_safetensors(self):
        entries, _, _ = safetensors_io.read_header(
            os.path.join(self.st_dir, "model.safetensors"))
        self.assertNotIn("cls.predictions.decoder.weight", entries)
        r = run_convert(self.st_dir, self.out("st.pt"), "--name", "N",
                        "--description", "D", "--source", "S")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("bert.embeddings.position_ids", r.stdout)
        cfg = self.assert_same_as_model(self.out("st.pt"))
        self.assertEqual((cfg["name"], cfg["description"], cfg["source"]), ("N", "D", "S"))
        self.assertEqual(cfg["format"], "attention-bundle-1")

    def test_trained_length(self):
        # From the checkpoint's config.json (tools/pretrain writes it), from
        # the option, and refused past the position embeddings.
        max_pos = self.config["max_position_embeddings"]
        cfg = dict(read_json(os.path.join(self.st_dir, "config.json")), trained_length=7)
        d = self.hf_dir("trained", self.original_state(), config=cfg)
        self.assertEqual(run_convert(d, self.out("tl.pt")).returncode, 0)
        self.assertEqual(bundle_outputs(self.out("tl.pt"), IDS, POS)[2]["trained_length"], 7)
        r = run_convert(d, self.out("tl2.pt"), "--trained-length", "9")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(bundle_outputs(self.out("tl2.pt"), IDS, POS)[2]["trained_length"], 9)
        r = run_convert(d, self.out("tl3.pt"), "--trained-length", str(max_pos + 1))
        self.assertEqual(r.returncode, 2)
        self.assertIn("trained_length must be an integer from 1 to max_position_embeddings (%d)"
                      % max_pos, r.stderr)
        self.assertFalse(os.path.exists(self.out("tl3.pt")))
        r = run_convert(self.st_dir, self.out("tl4.pt"))
        self.assertNotIn("trained_length", bundle_outputs(self.out("tl4.pt"), IDS, POS)[2])

    def test_zip_bin(self):
        d = self.hf_dir("zip", self.original_state(), writer="zip")
        r = run_convert(d, self.out("zip.pt"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_same_as_model(self.out("zip.pt"))

    def test_half_precision(self):
        for dtype in (torch.float16, torch.bfloat16):
            state = {n: t.to(dtype) for n, t in self.original_state().items()}
            d = self.hf_dir(f"half-{dtype}", state)
            out = self.out(f"half-{dtype}.pt")
            summary = attention_convert.convert(d, out, log=lambda m: None)
            model = summary["model"]
            w = model.bert.encoder.layer[0].attention.self.query.weight
            self.assertEqual(w.dtype, torch.float32)
            self.assertTrue(torch.equal(
                w, state["bert.encoder.layer.0.attention.self.query.weight"].float()))
            logits, _, _ = bundle_outputs(out, IDS, POS)
            self.assertLess((logits - self.want_logits).abs().max().item(), 0.5)

    def test_bias_under_decoder_name(self):
        state = self.original_state()
        del state["cls.predictions.bias"]
        d = self.hf_dir("decbias", state)
        self.assertEqual(run_convert(d, self.out("decbias.pt")).returncode, 0)
        self.assert_same_as_model(self.out("decbias.pt"))

    def test_head_without_bias(self):
        """A head saved without its bias converts with a zero one (as Hugging
        Face loads it): the logits are the model's less its bias."""
        state = self.original_state()
        bias = state.pop("cls.predictions.bias")
        state.pop("cls.predictions.decoder.bias", None)
        d = self.hf_dir("nobias", state)
        r = run_convert(d, self.out("nobias.pt"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("no bias", r.stderr)
        logits, att, cfg = bundle_outputs(self.out("nobias.pt"), IDS, POS)
        self.assertIs(cfg["has_mlm_head"], True)
        self.assertGreater(bias.abs().max().item(), 0.01)
        self.assertLess((logits + bias - self.want_logits).abs().max().item(), 1e-5)
        self.assertLess((att - self.want_att).abs().max().item(), 1e-6)

    # --- partial checkpoints ---------------------------------------------------

    def test_bare_bert_model(self):
        state = collections.OrderedDict()
        for n, t in self.original_state().items():
            if n.startswith("bert."):
                state[n[len("bert."):]] = t
        state["pooler.dense.weight"] = torch.zeros(64, 64)
        state["pooler.dense.bias"] = torch.zeros(64)
        d = self.hf_dir("bare", state, writer="legacy")
        r = run_convert(d, self.out("bare.pt"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning:", r.stderr)
        self.assertIn("no masked-LM head", r.stderr)
        self.assertIn("bert.pooler.dense.weight", r.stdout)
        logits, att, cfg = bundle_outputs(self.out("bare.pt"), IDS, POS)
        self.assertIs(cfg["has_mlm_head"], False)
        self.assertEqual(logits.abs().max().item(), 0.0)  # documented: zero head
        self.assertLess((att - self.want_att).abs().max().item(), 1e-6)

    def test_missing_tensor(self):
        state = self.original_state()
        del state["bert.encoder.layer.1.attention.self.key.weight"]
        d = self.hf_dir("missing", state)
        r = run_convert(d, self.out("missing.pt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing tensor bert.encoder.layer.1.attention.self.key.weight", r.stderr)
        self.assertFalse(os.path.exists(self.out("missing.pt")))
        self.assertFalse(os.path.exists(self.out("missing.pt.part")))

    def test_wrong_shape(self):
        cfg = read_json(os.path.join(self.st_dir, "config.json"))
        cfg["intermediate_size"] = 130
        d = self.hf_dir("shape", self.original_state(), config=cfg)
        r = run_convert(d, self.out("shape.pt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("bert.encoder.layer.0.intermediate.dense.weight has shape [128, 64] "
                      "but config.json implies [130, 64]", r.stderr)

    def test_untied_decoder_refused(self):
        state = self.original_state()
        state["cls.predictions.decoder.weight"] = state["cls.predictions.decoder.weight"] + 1
        d = self.hf_dir("untied", state)
        r = run_convert(d, self.out("untied.pt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("cls.predictions.decoder.weight", r.stderr)

    def test_integer_tensor_refused(self):
        state = self.original_state()
        state["bert.embeddings.LayerNorm.bias"] = torch.zeros(64, dtype=torch.int64)
        d = self.hf_dir("int", state)
        r = run_convert(d, self.out("int.pt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("bert.embeddings.LayerNorm.bias has dtype", r.stderr)

    def test_bad_safetensors_refused(self):
        d = self.hf_dir("trunc", self.original_state())
        path = os.path.join(d, "model.safetensors")
        with open(path, "r+b") as f:
            f.truncate(os.path.getsize(path) // 2)
        r = run_convert(d, self.out("trunc.pt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("outside the file", r.stderr)

    def test_pickle_code_refused(self):
        marker = self.out("pwned")

        class Evil:
            def __reduce__(self):
                return (open, (marker, "w"))
        d = self.hf_dir("evil", {}, writer="zip")
        torch.save({"x": Evil()}, os.path.join(d, "pytorch_model.bin"))
        r = run_convert(d, self.out("evil.pt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("only tensors are unpickled", r.stderr)
        self.assertFalse(os.path.exists(marker))

    def test_missing_files(self):
        d = os.path.join(self.root, "empty")
        os.makedirs(d, exist_ok=True)
        r = run_convert(d, self.out("empty.pt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("config.json", r.stderr)
        shutil.copy(os.path.join(self.st_dir, "config.json"), d)
        r = run_convert(d, self.out("empty.pt"))
        self.assertIn("vocab.txt", r.stderr)
        shutil.copy(os.path.join(self.st_dir, "vocab.txt"), d)
        r = run_convert(d, self.out("empty.pt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("neither model.safetensors nor pytorch_model.bin", r.stderr)
        r = run_convert(os.path.join(self.root, "nowhere"), self.out("x.pt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a directory", r.stderr)

    def test_other_model_type_refused(self):
        cfg = read_json(os.path.join(self.st_dir, "config.json"))
        cfg["model_type"] = "roberta"
        d = self.hf_dir("roberta", self.original_state(), config=cfg)
        r = run_convert(d, self.out("roberta.pt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("roberta", r.stderr)

    # --- do_lower_case -----------------------------------------------------------

    def lowercase_of(self, d, *args):
        out = self.out(os.path.basename(d) + ".pt")
        r = run_convert(d, out, "-q", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return bundle_outputs(out, IDS, POS)[2]["do_lower_case"]

    def test_lowercase_sources(self):
        state = self.original_state()
        # tokenizer_config.json wins over everything but the flags
        d = self.hf_dir("tok-cfg-cased", state)
        with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
            json.dump({"do_lower_case": False}, f)
        self.assertIs(self.lowercase_of(d), False)
        self.assertIs(self.lowercase_of(d, "--uncased"), True)
        # the name
        d = self.hf_dir("my-bert-cased", state)
        self.assertIs(self.lowercase_of(d), False)
        # the vocabulary: uppercase tokens mean cased
        d = self.hf_dir("vocab-guess", state)
        self.assertIs(self.lowercase_of(d), True)
        with open(os.path.join(d, "vocab.txt"), "r+") as f:
            text = f.read().replace("\nthe\n", "\nThe\n")
            f.seek(0)
            f.write(text)
        self.assertIs(self.lowercase_of(d), False)
        self.assertIs(self.lowercase_of(d, "--uncased"), True)
        r = run_convert(d, self.out("both.pt"), "--cased", "--uncased")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
