#!/usr/bin/python3
"""tools/wordpiece.py and tools/train-wordpiece: BERT pre-tokenization,
greedy WordPiece, and a deterministic vocabulary with the usual layout."""

import os
import string
import subprocess
import sys
import tempfile
import unittest

TOOLS = os.environ.get("ATTENTION_TOOLS_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)

from wordpiece import WordPiece, basic_tokenize  # noqa: E402

CORPUS = """Paris is the capital and largest city of France.
The capital and largest city of France is Paris.
She was able to program her computer.
Unable to get to town without a car!
Café owners in Zürich don't open early; they open late.
The runner was running, and the runners ran (quickly).
"""


class BasicTokenizerTest(unittest.TestCase):
    def test_lowercase_accents_punctuation(self):
        self.assertEqual(basic_tokenize("Café in Zürich, don't!"),
                         ["cafe", "in", "zurich", ",", "don", "'", "t", "!"])

    def test_whitespace_controls_and_cjk(self):
        self.assertEqual(basic_tokenize("a\u00a0b\tc\x00d\u200b e"),
                         ["a", "b", "cd", "e"])
        self.assertEqual(basic_tokenize("ab\u4e2d\u6587"), ["ab", "\u4e2d", "\u6587"])

    def test_non_ascii_punctuation_splits(self):
        self.assertEqual(basic_tokenize("“yes”—no"), ["“", "yes", "”", "—", "no"])


class WordPieceTest(unittest.TestCase):
    def test_greedy_longest_match(self):
        wp = WordPiece(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                        "un", "##aff", "##able", "aff", "##a", "##ble"])
        self.assertEqual([wp.tokens[i] for i in wp.word_ids("unaffable")],
                         ["un", "##aff", "##able"])
        # A word with a piece that cannot be matched is one [UNK].
        self.assertEqual(wp.word_ids("unx"), [1])


class TrainWordPieceTest(unittest.TestCase):
    def train(self, tmp, name, size):
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write(CORPUS)
        vocab = os.path.join(tmp, name)
        subprocess.run([sys.executable, os.path.join(TOOLS, "train-wordpiece"),
                        corpus, vocab, "--size", str(size), "--min-char-count", "1"],
                       check=True, stdout=subprocess.DEVNULL)
        with open(vocab, encoding="utf-8") as f:
            return f.read()

    def test_layout_determinism_and_coverage(self):
        with tempfile.TemporaryDirectory() as tmp:
            text = self.train(tmp, "a.txt", 400)
            again = self.train(tmp, "b.txt", 400)
        self.assertEqual(text, again)
        tokens = text.split("\n")[:-1]
        self.assertEqual(tokens[:5], ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        self.assertEqual(len(tokens), len(set(tokens)))
        self.assertLessEqual(len(tokens), 400)
        for ch in string.ascii_lowercase + string.digits + string.punctuation:
            self.assertIn(ch, tokens)
            self.assertIn("##" + ch, tokens)
        # Merges happened: frequent words are whole pieces now.
        self.assertIn("capital", tokens)
        wp = WordPiece(tokens)
        for line in CORPUS.splitlines():
            ids = wp.encode(line)
            self.assertNotIn(wp.unk, ids, line)
        # Every piece after the character inventory is a merge of two
        # shorter pieces that were already in the vocabulary.
        known = set(tokens[:5])
        for t in tokens[5:]:
            body = t[2:] if t.startswith("##") else t
            if len(body) > 1:
                prefix = "##" if t.startswith("##") else ""
                self.assertTrue(any(
                    (prefix + body[:k]) in known
                    and ("##" + body[k:]) in known for k in range(1, len(body))), t)
            known.add(t)

    def test_everyday_words_kept_whole(self):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, "corpus.txt")
            with open(corpus, "w", encoding="utf-8") as f:
                f.write(CORPUS + "My kitten and your kitten met a third kitten.\n")
            words = os.path.join(tmp, "words.txt")
            with open(words, "w", encoding="utf-8") as f:
                f.write("# comment kitten-free\nkitten zebra\n")
            vocab = os.path.join(tmp, "v.txt")
            subprocess.run([sys.executable, os.path.join(TOOLS, "train-wordpiece"),
                            corpus, vocab, "--size", "150", "--min-char-count", "1"],
                           check=True, stdout=subprocess.DEVNULL)
            with open(vocab, encoding="utf-8") as f:
                plain = f.read().split("\n")[:-1]
            subprocess.run([sys.executable, os.path.join(TOOLS, "train-wordpiece"),
                            corpus, vocab, "--size", "150", "--min-char-count", "1",
                            "--words", words], check=True, stdout=subprocess.DEVNULL)
            with open(vocab, encoding="utf-8") as f:
                tokens = f.read().split("\n")[:-1]
        self.assertNotIn("kitten", plain)
        self.assertEqual(len(tokens), 150)   # the last merge gave up its place
        self.assertEqual(tokens[:-1], plain[:-1])
        self.assertEqual(tokens[-1], "kitten")  # seen 3 times: kept whole
        self.assertNotIn("zebra", tokens)     # never seen: not given a slot


if __name__ == "__main__":
    unittest.main()
