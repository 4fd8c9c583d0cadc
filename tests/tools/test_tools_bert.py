#!/usr/bin/python3
"""tools/attention_bert.py: HF-equivalent maths, scripting, padding, bundle."""

import json
import math
import os
import sys
import tempfile
import unittest

import torch

TOOLS = os.environ.get("ATTENTION_TOOLS_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)

import attention_bert  # noqa: E402
import attention_testmodel  # noqa: E402

SMALL = {"vocab_size": 1056, "hidden_size": 64, "num_hidden_layers": 3,
         "num_attention_heads": 4, "intermediate_size": 128,
         "max_position_embeddings": 512}
F32_MIN = torch.finfo(torch.float32).min


def reference_forward(sd, config, ids, mask, act="gelu"):
    """HF BertForMaskedLM written out longhand in float64 from the state dict."""
    sd = {k: v.double() for k, v in sd.items()}
    eps = config["layer_norm_eps"]
    n_heads = config["num_attention_heads"]

    def ln(x, p):
        mean = x.mean(-1, keepdim=True)
        var = ((x - mean) ** 2).mean(-1, keepdim=True)
        return (x - mean) / torch.sqrt(var + eps) * sd[p + ".weight"] + sd[p + ".bias"]

    def lin(x, p):
        return x @ sd[p + ".weight"].T + sd[p + ".bias"]

    def gelu(x):
        if act == "gelu":
            return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
        if act == "relu":
            return torch.clamp(x, min=0)
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))

    b, s = ids.shape
    x = (sd["bert.embeddings.word_embeddings.weight"][ids]
         + sd["bert.embeddings.position_embeddings.weight"][:s]
         + sd["bert.embeddings.token_type_embeddings.weight"][0])
    x = ln(x, "bert.embeddings.LayerNorm")
    bias = (1.0 - mask.double())[:, None, None, :] * F32_MIN
    atts = []
    for i in range(config["num_hidden_layers"]):
        p = f"bert.encoder.layer.{i}."
        d = x.shape[-1] // n_heads

        def heads(t):
            return t.view(b, s, n_heads, d).transpose(1, 2)
        q = heads(lin(x, p + "attention.self.query"))
        k = heads(lin(x, p + "attention.self.key"))
        v = heads(lin(x, p + "attention.self.value"))
        scores = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(d) + bias
        probs = torch.softmax(scores, -1)
        atts.append(probs)
        ctx = torch.einsum("bhqk,bhkd->bhqd", probs, v).transpose(1, 2).reshape(b, s, -1)
        x = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        inter = gelu(lin(x, p + "intermediate.dense"))
        x = ln(lin(inter, p + "output.dense") + x, p + "output.LayerNorm")
    h = ln(gelu(lin(x, "cls.predictions.transform.dense")),
           "cls.predictions.transform.LayerNorm")
    logits = h @ sd["bert.embeddings.word_embeddings.weight"].T + sd["cls.predictions.bias"]
    return logits, torch.stack(atts)


def ids_of(length, seed=1, vocab=1056):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(999, vocab, (1, length), generator=g)
    ids[0, 0] = 101
    return ids


class TestConfig(unittest.TestCase):
    def test_defaults(self):
        c = attention_bert.config_from_dict({"hidden_size": 128, "num_attention_heads": 2})
        self.assertEqual(c["intermediate_size"], 512)
        self.assertEqual(c["hidden_act"], "gelu")
        self.assertEqual(c["layer_norm_eps"], 1e-12)
        self.assertEqual(c["type_vocab_size"], 2)
        self.assertEqual(c["max_position_embeddings"], 512)
        self.assertEqual(c["pad_token_id"], 0)
        self.assertEqual(c["initializer_range"], 0.02)

    def test_rejects(self):
        with self.assertRaisesRegex(ValueError, "multiple"):
            attention_bert.config_from_dict({"hidden_size": 100, "num_attention_heads": 3})
        with self.assertRaisesRegex(ValueError, "hidden_act"):
            attention_bert.config_from_dict({"hidden_act": "swish"})
        with self.assertRaisesRegex(ValueError, "num_hidden_layers"):
            attention_bert.config_from_dict({"num_hidden_layers": 0})


class TestModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.config = attention_bert.config_from_dict(SMALL)
        cls.model = attention_testmodel.random_model(cls.config, seed=3)

    def test_state_dict_names(self):
        names = set(self.model.state_dict())
        expected = {
            "bert.embeddings.word_embeddings.weight",
            "bert.embeddings.position_embeddings.weight",
            "bert.embeddings.token_type_embeddings.weight",
            "bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias",
            "cls.predictions.bias", "cls.predictions.decoder.weight",
            "cls.predictions.decoder.bias",
            "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias",
            "cls.predictions.transform.LayerNorm.weight",
            "cls.predictions.transform.LayerNorm.bias",
        }
        for i in range(3):
            p = f"bert.encoder.layer.{i}."
            for m in ("attention.self.query", "attention.self.key", "attention.self.value",
                      "attention.output.dense", "attention.output.LayerNorm",
                      "intermediate.dense", "output.dense", "output.LayerNorm"):
                expected |= {p + m + ".weight", p + m + ".bias"}
        self.assertEqual(names, expected)

    def test_tied(self):
        head = self.model.cls.predictions
        self.assertIs(head.decoder.weight, self.model.bert.embeddings.word_embeddings.weight)
        self.assertIs(head.decoder.bias, head.bias)

    def test_matches_longhand_hf(self):
        for length in (1, 7, 40):
            ids = ids_of(length)
            mask = torch.ones_like(ids)
            with torch.no_grad():
                logits, att = self.model(ids, mask)
            ref_logits, ref_att = reference_forward(self.model.state_dict(), self.config,
                                                    ids, mask)
            self.assertEqual(tuple(att.shape), (3, 1, 4, length, length))
            self.assertEqual(tuple(logits.shape), (1, length, 1056))
            self.assertLess((logits.double() - ref_logits).abs().max().item(), 1e-4)
            self.assertLess((att.double() - ref_att).abs().max().item(), 1e-6)

    def test_activations(self):
        for act in ("relu", "gelu_new", "gelu_pytorch_tanh"):
            config = attention_bert.config_from_dict(dict(SMALL, hidden_act=act))
            model = attention_testmodel.random_model(config, seed=4)
            ids = ids_of(9)
            mask = torch.ones_like(ids)
            with torch.no_grad():
                logits, att = model(ids, mask)
            ref_logits, ref_att = reference_forward(model.state_dict(), config, ids, mask, act)
            self.assertLess((logits.double() - ref_logits).abs().max().item(), 1e-4, act)
            self.assertLess((att.double() - ref_att).abs().max().item(), 1e-6, act)

    def test_padding_ignored(self):
        ids = ids_of(5)
        padded = torch.cat([ids, torch.zeros(1, 7, dtype=torch.long)], 1)
        mask = torch.cat([torch.ones(1, 5, dtype=torch.long),
                          torch.zeros(1, 7, dtype=torch.long)], 1)
        with torch.no_grad():
            logits, att = self.model(ids, torch.ones_like(ids))
            plogits, patt = self.model(padded, mask)
        self.assertLess((plogits[:, :5] - logits).abs().max().item(), 1e-5)
        self.assertLess((patt[..., :5, :5] - att).abs().max().item(), 1e-6)
        self.assertEqual(patt[..., :5, 5:].abs().max().item(), 0.0)

    def test_batch_with_different_lengths(self):
        a, b = ids_of(6, seed=5), ids_of(3, seed=6)
        batch = torch.zeros(2, 6, dtype=torch.long)
        batch[0], batch[1, :3] = a[0], b[0]
        mask = torch.zeros(2, 6, dtype=torch.long)
        mask[0], mask[1, :3] = 1, 1
        with torch.no_grad():
            blogits, batt = self.model(batch, mask)
            la, aa = self.model(a, torch.ones_like(a))
            lb, ab = self.model(b, torch.ones_like(b))
        self.assertLess((blogits[0] - la[0]).abs().max().item(), 1e-5)
        self.assertLess((blogits[1, :3] - lb[0]).abs().max().item(), 1e-5)
        self.assertLess((batt[:, 1, :, :3, :3] - ab[:, 0]).abs().max().item(), 1e-6)

    def test_forward_at(self):
        ids = ids_of(10)
        mask = torch.ones_like(ids)
        with torch.no_grad():
            logits, att = self.model(ids, mask)
            at, att2 = self.model.forward_at(ids, mask, torch.tensor([7, 2, 7]))
            empty, _ = self.model.forward_at(ids, mask, torch.tensor([], dtype=torch.long))
        self.assertTrue(torch.allclose(at, logits[0, [7, 2, 7]], atol=1e-6))
        self.assertTrue(torch.equal(att, att2))
        self.assertEqual(tuple(empty.shape), (0, 1056))

    def test_token_types(self):
        ids = ids_of(6)
        mask = torch.ones_like(ids)
        with torch.no_grad():
            h0, _ = self.model.encode(ids, mask)
            hz, _ = self.model.encode(ids, mask, torch.zeros_like(ids))
            h1, _ = self.model.encode(ids, mask, torch.ones_like(ids))
        self.assertTrue(torch.equal(h0, hz))
        self.assertFalse(torch.allclose(h0, h1))

    def test_training_path(self):
        """encode + mlm_head on the masked rows only, with gradients."""
        model = attention_bert.BertForMaskedLM(SMALL)
        model.init_weights(0)
        model.train()
        ids = ids_of(8).repeat(2, 1)
        mask = torch.ones_like(ids)
        hidden, _ = model.encode(ids, mask, torch.zeros_like(ids))
        where = torch.tensor([[0, 3], [1, 5]])
        logits = model.mlm_head(hidden[where[:, 0], where[:, 1]])
        self.assertEqual(tuple(logits.shape), (2, 1056))
        loss = torch.nn.functional.cross_entropy(logits, torch.tensor([5, 6]))
        loss.backward()
        self.assertIsNotNone(model.bert.embeddings.word_embeddings.weight.grad)
        self.assertIsNotNone(model.bert.encoder.layer[0].attention.self.query.weight.grad)


class TestInit(unittest.TestCase):
    def test_hf_init(self):
        a = attention_bert.BertForMaskedLM(dict(SMALL, initializer_range=0.05))
        a.init_weights(7)
        b = attention_bert.BertForMaskedLM(dict(SMALL, initializer_range=0.05))
        b.init_weights(7)
        c = attention_bert.BertForMaskedLM(dict(SMALL, initializer_range=0.05))
        c.init_weights(8)
        sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
        for name in sa:
            self.assertTrue(torch.equal(sa[name], sb[name]), name)
        self.assertFalse(torch.equal(sa["bert.embeddings.word_embeddings.weight"],
                                     sc["bert.embeddings.word_embeddings.weight"]))
        for name, t in sa.items():
            if name.endswith("LayerNorm.weight"):
                self.assertTrue(torch.all(t == 1), name)
            elif name.endswith("bias"):
                self.assertTrue(torch.all(t == 0), name)
        emb = sa["bert.embeddings.word_embeddings.weight"]
        self.assertTrue(torch.all(emb[0] == 0))  # the padding row
        std = sa["bert.encoder.layer.1.intermediate.dense.weight"].std().item()
        self.assertAlmostEqual(std, 0.05, delta=0.005)
        self.assertIs(a.cls.predictions.decoder.weight,
                      a.bert.embeddings.word_embeddings.weight)


class TestBundle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.config = attention_bert.config_from_dict(SMALL)
        cls.model = attention_testmodel.random_model(cls.config, seed=11)
        cls.vocab = "\n".join(attention_testmodel.build_vocab()) + "\n"
        cls.path = os.path.join(cls.tmp.name, "b.pt")
        cls.full = attention_bert.save_bundle(
            cls.model, dict(cls.config, name="T", description="a\nb"), cls.vocab, cls.path)
        cls.extra = {"config.json": "", "vocab.txt": ""}
        cls.loaded = torch.jit.load(cls.path, _extra_files=cls.extra)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_lengths(self):
        for length in (1, 5, 128, 512):
            ids = ids_of(length, seed=length)
            mask = torch.ones_like(ids)
            pos = torch.tensor([0, length - 1])
            with torch.no_grad():
                want_l, want_a = self.model.forward_at(ids, mask, pos)
                got_l, got_a = self.loaded.forward_at(ids, mask, pos)
                full_l, full_a = self.loaded(ids, mask)
            self.assertEqual(tuple(got_a.shape), (3, 1, 4, length, length))
            self.assertLess((got_l - want_l).abs().max().item(), 1e-5, length)
            self.assertLess((got_a - want_a).abs().max().item(), 1e-6, length)
            self.assertLess((full_l[0, [0, length - 1]] - want_l).abs().max().item(), 1e-5)

    def test_too_long_refused(self):
        ids = ids_of(513)
        with self.assertRaises(Exception):
            self.loaded.forward_at(ids, torch.ones_like(ids), torch.tensor([0]))

    def test_padding_in_bundle(self):
        ids = ids_of(5)
        padded = torch.cat([ids, torch.zeros(1, 4, dtype=torch.long)], 1)
        mask = torch.tensor([[1] * 5 + [0] * 4])
        with torch.no_grad():
            l1, a1 = self.loaded.forward_at(ids, torch.ones_like(ids), torch.tensor([1, 4]))
            l2, a2 = self.loaded.forward_at(padded, mask, torch.tensor([1, 4]))
        self.assertLess((l1 - l2).abs().max().item(), 1e-5)
        self.assertLess((a1 - a2[..., :5, :5]).abs().max().item(), 1e-6)

    def test_extra_files(self):
        self.assertEqual(self.extra["vocab.txt"].decode(), self.vocab)
        cfg = json.loads(self.extra["config.json"])
        self.assertEqual(cfg["format"], "attention-bundle-1")
        self.assertEqual(cfg["name"], "T")
        self.assertEqual(cfg["description"], "a b")  # one line
        self.assertEqual(cfg["special_token_ids"],
                         {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103})
        for key in ("num_hidden_layers", "num_attention_heads", "hidden_size",
                    "max_position_embeddings", "vocab_size", "hidden_act",
                    "layer_norm_eps", "source", "do_lower_case", "has_mlm_head"):
            self.assertIn(key, cfg)
        self.assertIs(cfg["do_lower_case"], True)
        self.assertIs(cfg["has_mlm_head"], True)
        self.assertEqual(cfg, json.loads(json.dumps(self.full)))

    def test_missing_special_refused(self):
        vocab = self.vocab.replace("[MASK]\n", "[MASKED]\n")
        with self.assertRaisesRegex(ValueError, r"\[MASK\]"):
            attention_bert.save_bundle(self.model, self.config, vocab,
                                       os.path.join(self.tmp.name, "x.pt"))

    def test_vocab_larger_than_model_refused(self):
        vocab = self.vocab + "".join(f"extra{i}\n" for i in range(10))
        with self.assertRaisesRegex(ValueError, "vocab_size"):
            attention_bert.save_bundle(self.model, self.config, vocab,
                                       os.path.join(self.tmp.name, "y.pt"))

    def test_hf_state_dict(self):
        """A bundle's attributes are the model's parameters, back under
        Hugging Face's names (what tools/pretrain --init-from reads)."""
        want = self.model.state_dict()
        got = attention_bert.hf_state_dict(self.loaded)
        self.assertEqual(set(got), set(want))
        for name, t in want.items():
            self.assertTrue(torch.equal(got[name], t), name)

    def test_case_guess(self):
        self.assertTrue(attention_bert.guess_lowercase(["[CLS]", "the", "é"]))
        self.assertFalse(attention_bert.guess_lowercase(["[CLS]", "The"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
