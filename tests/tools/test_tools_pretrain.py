#!/usr/bin/python3
"""tools/pretrain on a tiny model: two data-parallel processes train, log
tokens/s and write a loadable final/ directory; --init-from maps the old
vocabulary's rows onto a new vocabulary; --resume continues from the
checkpoint; --precision auto logs the measurement it decided from; passages
are packed as BERT packs a document, and long steps train the positions past
the short sentences, counted by position bucket; context steps put training
sentences after unrelated text and pull their predictions there towards
those of the sentences alone."""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import torch

TOOLS = os.environ.get("ATTENTION_TOOLS_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)
import attention_bert  # noqa: E402

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = "the cat sat on mat dog ran to a red ball big house tree".split()
SENTENCES = [
    "the cat sat on the mat", "the dog ran to a red ball",
    "a big dog sat on the mat", "the cat ran to the big house",
    "a red ball sat on a tree", "the big tree",
] * 8


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def pretrain(*args):
    env = dict(os.environ)
    env.pop("MALLOC_MMAP_THRESHOLD_", None)
    return subprocess.run([sys.executable, os.path.join(TOOLS, "pretrain")] + list(args),
                          check=True, capture_output=True, text=True, env=env, timeout=600)


class PretrainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = cls.tmp.name
        cls.train = os.path.join(t, "train.txt")
        with open(cls.train, "w") as f:
            f.write("\n".join(SENTENCES) + "\n")
        cls.vocab1 = os.path.join(t, "vocab1.txt")
        with open(cls.vocab1, "w") as f:
            f.write("\n".join(SPECIAL + WORDS) + "\n")
        # The second vocabulary drops "tree" and adds "mouse" and "##s".
        cls.vocab2 = os.path.join(t, "vocab2.txt")
        with open(cls.vocab2, "w") as f:
            f.write("\n".join(SPECIAL + [w for w in WORDS if w != "tree"]
                              + ["mouse", "##s"]) + "\n")
        cls.shape = ["--layers", "1", "--hidden", "16", "--heads", "2",
                     "--max-positions", "32", "--seq", "16", "--tokens-per-batch", "64"]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_parallel_init_from_and_resume(self):
        t = self.tmp.name
        one = os.path.join(t, "one")
        pretrain("--workdir", one, "--train", self.train, "--vocab", self.vocab1,
                       "--steps", "6", "--log-every", "2", "--precision", "auto", *self.shape)
        log = read(os.path.join(one, "train.log"))
        self.assertRegex(log, r"precision: float32 \d+ ms a step, bfloat16 autocast "
                              r"(\d+ ms \(\d+\.\d+x\)|unavailable): using (bf16|fp32)")
        self.assertRegex(log, r"step 6/6 .* \d+ tokens/s")

        two = os.path.join(t, "two")
        pretrain("--workdir", two, "--train", self.train, "--vocab", self.vocab2,
                 "--steps", "4", "--log-every", "2", "--procs", "2", "--precision", "fp32",
                 "--init-from", os.path.join(one, "final"), *self.shape)
        log = read(os.path.join(two, "train.log"))
        self.assertIn("x 2 process(es)", log)
        self.assertIn("18 tokens shared with its vocabulary, 2 new", log)
        # Two processes: every step sees two batches' tokens.
        m = re.search(r"step 4/4 .* ([\d.]+)M tokens", log)
        self.assertIsNotNone(m)
        with open(os.path.join(two, "final", "config.json")) as f:
            config = json.load(f)
        self.assertEqual(config["training"]["processes"], 2)
        self.assertEqual(config["vocab_size"], len(SPECIAL) + len(WORDS) + 1)
        model = attention_bert.BertForMaskedLM(config)
        model.load_state_dict(torch.load(os.path.join(two, "final", "pytorch_model.bin")))

        # --resume continues the step count from the checkpoint.
        pretrain("--workdir", two, "--resume", "--steps", "6")
        log = read(os.path.join(two, "train.log"))
        self.assertIn("resumed at step 4", log)
        self.assertIn("step 6/6", log)

    def test_init_from_copies_shared_rows(self):
        import importlib.machinery
        pt = importlib.machinery.SourceFileLoader(
            "pretrain_mod", os.path.join(TOOLS, "pretrain")).load_module()
        old = attention_bert.BertForMaskedLM({
            "vocab_size": 19, "hidden_size": 8, "num_hidden_layers": 1,
            "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 16})
        old.init_weights(3)
        d = os.path.join(self.tmp.name, "old")
        os.makedirs(d)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump({"vocab_size": 19, "hidden_size": 8, "num_hidden_layers": 1,
                       "num_attention_heads": 2, "intermediate_size": 16,
                       "max_position_embeddings": 16}, f)
        with open(os.path.join(d, "vocab.txt"), "w") as f:
            f.write("\n".join(SPECIAL + WORDS) + "\n")
        torch.save(old.state_dict(), os.path.join(d, "pytorch_model.bin"))
        new_tokens = SPECIAL + ["dog", "cats", "the"]
        new = attention_bert.BertForMaskedLM({
            "vocab_size": len(new_tokens), "hidden_size": 8, "num_hidden_layers": 1,
            "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 16})
        shared, fresh = pt.init_from(new, d, new_tokens)
        self.assertEqual((shared, fresh), (7, 1))
        emb_old = old.bert.embeddings.word_embeddings.weight
        emb_new = new.bert.embeddings.word_embeddings.weight
        self.assertTrue(torch.equal(emb_new[5], emb_old[5 + WORDS.index("dog")]))
        # "cats" was [UNK] under the old vocabulary's pieces.
        self.assertTrue(torch.equal(emb_new[6], emb_old[1]))
        self.assertTrue(torch.equal(new.bert.encoder.layer[0].attention.self.query.weight,
                                    old.bert.encoder.layer[0].attention.self.query.weight))
        # Tied: the output projection is the embedding.
        self.assertIs(new.cls.predictions.decoder.weight, new.bert.embeddings.word_embeddings.weight)

        # The same model as a bundle (its weights are attributes there, not
        # parameters under these names) gives the same start.
        bundle = os.path.join(self.tmp.name, "old.pt")
        with open(os.path.join(d, "config.json")) as c, open(os.path.join(d, "vocab.txt")) as v:
            attention_bert.save_bundle(old, json.load(c), v.read(), bundle)
        from_bundle = attention_bert.BertForMaskedLM({
            "vocab_size": len(new_tokens), "hidden_size": 8, "num_hidden_layers": 1,
            "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 16})
        self.assertEqual(pt.init_from(from_bundle, bundle, new_tokens), (7, 1))
        for name, t in new.state_dict().items():
            self.assertTrue(torch.equal(from_bundle.state_dict()[name], t), name)

    def load_tool(self):
        import importlib.machinery
        return importlib.machinery.SourceFileLoader(
            "pretrain_mod", os.path.join(TOOLS, "pretrain")).load_module()

    def test_pack_passages_as_bert(self):
        pt = self.load_tool()
        saved = pt.SHORT_SEQ_PROB
        pt.SHORT_SEQ_PROB = 0.0  # every chunk aims at the full length
        try:
            # max_len 8: 6 tokens between [CLS] (2) and [SEP] (3). Sentences
            # fill a chunk until it reaches 6; the sentence that overflows is
            # cut there (BERT truncates the same way); a passage ends a chunk.
            packed = pt.pack_passages([[[5, 6, 7], [8, 9], [10, 11, 12, 13], [14]],
                                       [[20, 21]]], 8, seed=1)
        finally:
            pt.SHORT_SEQ_PROB = saved
        self.assertEqual(packed, [[2, 5, 6, 7, 8, 9, 10, 3], [2, 14, 3], [2, 20, 21, 3]])
        # With BERT's 10 % of shorter targets, no chunk is ever longer.
        many = pt.pack_passages([[[7] * 5] * 40] * 30, 32, seed=3)
        self.assertTrue(all(len(c) <= 32 for c in many))
        self.assertTrue(any(len(c) < 30 for c in many))

    def test_mix_passages_joins_unrelated_runs(self):
        pt = self.load_tool()
        # Three passages whose sentences carry their passage's number (ids
        # 100+, 200+, 300+): a mixed chunk holds runs of 1..4 consecutive
        # sentences, each run from one passage, and crosses passages.
        passages = [[[base + i, base + i] for i in range(10)] for base in (100, 200, 300)]
        self.assertEqual(pt.mix_passages(passages, 34, seed=1, share=0.0), [])
        mixed = pt.mix_passages(passages, 34, seed=1, share=2.0)
        # share 2.0: twice the 60 tokens the passages hold, over 32 a chunk.
        self.assertEqual(len(mixed), 3)
        crossed = 0
        for chunk in mixed:
            self.assertEqual((chunk[0], chunk[-1]), (2, 3))
            self.assertLessEqual(len(chunk), 34)
            body = chunk[1:-1]
            sources = {t // 100 for t in body}
            crossed += len(sources) > 1
            # Sentences are whole pairs, except the one cut at the end.
            for i in range(0, len(body) - 1, 2):
                self.assertEqual(body[i], body[i + 1])
        self.assertGreater(crossed, 0)
        self.assertEqual(mixed, pt.mix_passages(passages, 34, seed=1, share=2.0))

    def test_mix_passages_takes_runs_of_short_sentences(self):
        pt = self.load_tool()
        passages = [[[base + i, base + i] for i in range(10)] for base in (100, 200)]
        # Short sentences come as [CLS] s [SEP]: only s goes into a chunk.
        short = [[2, 500 + i, 500 + i, 3] for i in range(50)]
        mixed = pt.mix_passages(passages, 34, seed=1, share=6.0, short=short, short_share=0.5)
        body = [t for c in mixed for t in c[1:-1]]
        self.assertNotIn(2, body)
        self.assertNotIn(3, body)
        from_short = [t for t in body if t >= 500]
        self.assertGreater(len(from_short), len(body) // 4)
        self.assertLess(len(from_short), 3 * len(body) // 4)
        # A run is consecutive lines: 5xx pairs step by one inside a run, so
        # some neighbouring pairs are i, i+1.
        steps = sum(1 for c in mixed for a, b in zip(c[1:-1:2], c[3:-1:2])
                    if a >= 500 and b == a + 1)
        self.assertGreater(steps, 0)
        # No short sentences, or a share of 0: only passage runs, as before.
        self.assertEqual(pt.mix_passages(passages, 34, seed=1, share=6.0, short=short,
                                         short_share=0.0),
                         pt.mix_passages(passages, 34, seed=1, share=6.0))

    def test_mix_passages_brief_inputs(self):
        pt = self.load_tool()
        # 20 passages of 30 four-token sentences; a sentence's tokens all
        # carry its passage and place, 100 * p + s.
        passages = [[[100 * p + s] * 4 for s in range(30)] for p in range(1, 21)]
        total = 20 * 30 * 4
        lo, hi = pt.BRIEF_MIX
        brief = pt.mix_passages(passages, 600, seed=4, share=1.5, brief=1.0)
        body_tokens = sum(len(c) - 2 for c in brief)
        # Chunks are made until they hold share x the passages' tokens.
        self.assertGreaterEqual(body_tokens, 1.5 * total)
        self.assertLess(body_tokens, 1.5 * total + hi + 4)
        sents = []
        for c in brief:
            self.assertEqual((c[0], c[-1]), (2, 3))
            body = c[1:-1]
            # Filled to a target of lo..hi tokens with whole sentences.
            self.assertGreaterEqual(len(body), lo)
            self.assertLess(len(body), hi + 4)
            self.assertEqual(len(body) % 4, 0)
            sents.append(body[::4])
        # Single sentences, each drawn on its own: two neighbours are next to
        # each other in their passage about as often as chance has it (1 in
        # 600), where runs of 1..4 make it most pairs.
        def consecutive(chunks):
            pairs = [(a, b) for s in chunks for a, b in zip(s, s[1:])]
            return sum(1 for a, b in pairs if b == a + 1) / len(pairs)
        self.assertLess(consecutive(sents), 0.02)
        runs = pt.mix_passages(passages, 600, seed=4, share=1.5)
        self.assertGreater(consecutive([c[1:-1:4] for c in runs]), 0.3)
        # A share of brief inputs: both kinds, and brief=0 is the old mixing.
        half = [len(c) for c in pt.mix_passages(passages, 600, seed=4, share=3.0, brief=0.5)]
        self.assertTrue(any(n <= hi + 6 for n in half) and any(n == 600 for n in half))
        self.assertEqual(pt.mix_passages(passages, 600, seed=4, share=1.5, brief=0.0), runs)

    def test_copy_positions(self):
        pt = self.load_tool()
        model = attention_bert.BertForMaskedLM({
            "vocab_size": 19, "hidden_size": 8, "num_hidden_layers": 1,
            "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 12})
        model.init_weights(3)
        before = model.bert.embeddings.position_embeddings.weight.detach().clone()
        pt.copy_positions(model, 5)
        after = model.bert.embeddings.position_embeddings.weight
        # Rows 0-4 stay; rows 5-11 repeat rows 1-4 ([CLS]'s row 0 is not
        # repeated).
        for p, src in enumerate([0, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3]):
            self.assertTrue(torch.equal(after[p], before[src]), p)

    def write_passages(self, name):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            # 4 passages of 24 sentences (~140 tokens each with [CLS]/[SEP]).
            for p in range(4):
                f.write("\n".join(SENTENCES[p:p + 24]) + "\n\n")
        return path

    def test_long_steps_train_late_positions(self):
        t = self.tmp.name
        passages = self.write_passages("passages.txt")
        run = os.path.join(t, "long")
        pretrain("--workdir", run, "--train", self.train, "--vocab", self.vocab1,
                 "--passages", passages, "--long-seq", "100", "--long-share", "0.5",
                 "--steps", "8", "--log-every", "2", "--procs", "2", "--precision", "fp32",
                 "--layers", "1", "--hidden", "16", "--heads", "2", "--max-positions", "128",
                 "--seq", "16", "--tokens-per-batch", "200")
        log = read(os.path.join(run, "train.log"))
        self.assertRegex(log, r"4 passages packed to at most 100 tokens: \d+ inputs")
        self.assertIn("positions trained (", log)
        with open(os.path.join(run, "final", "config.json")) as f:
            config = json.load(f)
        tr = config["training"]
        # Which steps are long is drawn from the seed: the same rule here.
        import random
        long_steps = sum(random.Random(1 * 104729 + s).random() < 0.5 for s in range(8))
        self.assertEqual(tr["long_steps"], long_steps)
        self.assertGreater(long_steps, 0)
        buckets = {(b["from"], b["to"]): b for b in tr["position_buckets"]}
        self.assertEqual(sorted(buckets), [(0, 63), (64, 127), (128, 255), (256, 511)])
        # Short sentences (<= 16 tokens) never reach position 64: every token
        # there came from a long step, at most 100 tokens long.
        self.assertGreater(buckets[(64, 127)]["tokens"], 0)
        self.assertGreater(buckets[(64, 127)]["predictions"], 0)
        self.assertEqual(buckets[(128, 255)]["tokens"], 0)
        self.assertEqual(config["trained_length"], 100)
        self.assertGreater(buckets[(0, 63)]["tokens"], buckets[(64, 127)]["tokens"])

    def test_context_rows_put_sentences_after_a_passage(self):
        import random
        pt = self.load_tool()
        # Passage tokens are 100+, sentence tokens 200+: which is which shows.
        passages = [[[100 + 10 * p + i] * 3 for i in range(5)] for p in range(4)]
        sentences = [[2] + [200 + k] * (1 + k % 4) + [3] for k in range(30)]
        rows, spans = pt.context_rows(passages, sentences, 40, 50, random.Random(3))
        self.assertEqual(len(rows), 50)
        befores = set()
        for row, mine in zip(rows, spans):
            self.assertLessEqual(len(row), 40)
            self.assertEqual((row[0], row[-1]), (2, 3))
            self.assertTrue(mine)
            start = mine[0][0]
            befores.add(start - 1)
            # Before the first sentence: passage tokens only, whole runs of
            # one passage's consecutive sentences except where cut.
            self.assertTrue(all(100 <= t < 200 for t in row[1:start]))
            # Then sentences only, back to back up to [SEP], each one of the
            # corpus's sentences whole.
            self.assertEqual(mine[-1][1], len(row) - 1)
            for (a, b), (c, _) in zip(mine, mine[1:] + [(len(row) - 1, 0)]):
                self.assertEqual(b, c)
                self.assertIn([2] + row[a:b] + [3], sentences)
        # The text before runs from nothing to most of the input.
        self.assertIn(0, befores)
        self.assertGreater(max(befores), 25)

    def test_context_loss_is_mlm_plus_kl_from_alone(self):
        import random
        pt = self.load_tool()
        torch.manual_seed(0)
        config = attention_bert.config_from_dict({
            "vocab_size": 40, "hidden_size": 16, "num_hidden_layers": 1,
            "num_attention_heads": 2, "intermediate_size": 32,
            "max_position_embeddings": 64, "hidden_act": "gelu", "pad_token_id": 0})
        model = attention_bert.BertForMaskedLM(config)
        model.init_weights(1)
        passages = [[[10 + i, 11 + i] for i in range(6)] for _ in range(3)]
        sentences = [[2] + [20 + k, 30 + k % 7, 21 + k] + [3] for k in range(8)]
        rows, spans = pt.context_rows(passages, sentences, 30, 4, random.Random(1))
        gen = torch.Generator().manual_seed(5)
        batch = pt.make_batch(rows, range(len(rows)), 40, gen, mask_prob=0.5)
        alone = pt.alone_batch(batch[0], batch[2], spans)
        model.train()
        loss, kl = pt.context_loss(model, batch, alone, 2.0)
        self.assertTrue(model.training)
        # The reference: each sentence alone, by hand, in eval mode; the
        # context input's masked-token loss without dropout needs the same
        # dropout draws, so compare the KL in eval mode.
        model.eval()
        inputs, attn, chosen, labels = batch
        want, n = 0.0, 0
        with torch.no_grad():
            hidden, _ = model.encode(inputs, attn)
            full = torch.log_softmax(model.mlm_head(hidden), -1)
            for r, mine in enumerate(spans):
                for a, b in mine:
                    ids = torch.tensor([[2] + inputs[r, a:b].tolist() + [3]])
                    h, _ = model.encode(ids, torch.ones_like(ids))
                    alone_lp = torch.log_softmax(model.mlm_head(h), -1)
                    for pos in range(a, b):
                        if chosen[r, pos]:
                            p = alone_lp[0, 1 + pos - a].exp()
                            want += float((p * (alone_lp[0, 1 + pos - a] - full[r, pos])).sum())
                            n += 1
            self.assertGreater(n, 0)
            loss_eval, kl_eval = pt.context_loss(model, batch, alone, 2.0)
            ce = torch.nn.functional.cross_entropy(full[chosen], labels)
        self.assertAlmostEqual(float(kl_eval), want / n, places=5)
        self.assertAlmostEqual(float(loss_eval), float(ce) + 2.0 * want / n, places=5)
        self.assertGreater(float(kl), 0.0)

    def test_context_steps(self):
        t = self.tmp.name
        # Without passages there is nothing for the sentences to follow.
        with self.assertRaises(subprocess.CalledProcessError) as e:
            pretrain("--workdir", os.path.join(t, "nocontext"), "--train", self.train,
                     "--vocab", self.vocab1, "--context-share", "0.5", "--steps", "2")
        self.assertIn("--context-share needs --passages", e.exception.stderr)
        passages = self.write_passages("passages-c.txt")
        run = os.path.join(t, "context")
        pretrain("--workdir", run, "--train", self.train, "--vocab", self.vocab1,
                 "--passages", passages, "--long-seq", "100", "--long-share", "0.5",
                 "--context-share", "0.5", "--steps", "8", "--log-every", "1",
                 "--procs", "2", "--precision", "fp32", "--layers", "1", "--hidden", "16",
                 "--heads", "2", "--max-positions", "128", "--seq", "16",
                 "--tokens-per-batch", "200")
        log = read(os.path.join(run, "train.log"))
        with open(os.path.join(run, "final", "config.json")) as f:
            tr = json.load(f)["training"]
        import random
        context = [random.Random(1 * 15485863 + s).random() < 0.5 for s in range(8)]
        long_steps = sum(not c and random.Random(1 * 104729 + s).random() < 0.5
                         for s, c in enumerate(context))
        self.assertEqual(tr["context_steps"], sum(context))
        self.assertEqual(tr["long_steps"], long_steps)
        self.assertGreater(sum(context), 0)
        self.assertEqual((tr["context_share"], tr["context_weight"]), (0.5, 1.0))
        self.assertRegex(log, r"context steps so far %d: KL from the sentences alone "
                         r"\(ema\) \d+\.\d+" % sum(context[:4]))
        # Resumed with another weight: the change is logged and kept.
        pretrain("--workdir", run, "--resume", "--steps", "12", "--context-weight", "2.5")
        with open(os.path.join(run, "final", "config.json")) as f:
            tr = json.load(f)["training"]
        self.assertEqual(tr["steps"], 12)
        self.assertEqual(tr["context_weight"], 2.5)
        self.assertEqual(tr["context_weight_changes"], [{"at_step": 8, "from": 1.0, "to": 2.5}])
        self.assertEqual(tr["context_steps"], sum(
            random.Random(1 * 15485863 + s).random() < 0.5 for s in range(12)))
        self.assertIn("context weight changed at step 8: 2.5, was 1",
                      read(os.path.join(run, "train.log")))


if __name__ == "__main__":
    unittest.main()
