#!/usr/bin/python3
"""tools/build-corpus: the everyday cloze set is well formed and written for
this project, no corpus sentence that reads like one survives, and the quiz
and dictionary cleaning rules do what tools/corpus/SOURCES.md says. Runs on
small inputs: it does not need the source packages."""

import hashlib
import os
import sys
import unittest
from importlib.machinery import SourceFileLoader

TOOLS = os.environ.get("ATTENTION_TOOLS_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
bc = SourceFileLoader("build_corpus", os.path.join(TOOLS, "build-corpus")).load_module()
CLOZE = os.path.join(TOOLS, "corpus", "everyday-cloze.tsv")


class ClozeSetTest(unittest.TestCase):
    def rows(self):
        with open(CLOZE, encoding="utf-8") as f:
            return [l.rstrip("\n").split("\t") for l in f
                    if l.strip() and not l.startswith("#")]

    def test_well_formed(self):
        rows = self.rows()
        self.assertGreaterEqual(len(rows), 100)
        cats = {r[0] for r in rows}
        for c in ("food", "home", "animals", "body", "weather", "places",
                  "capitals", "verbs"):
            self.assertIn(c, cats)
        texts = [r[1] for r in rows]
        self.assertEqual(len(texts), len(set(texts)))
        for cat, text, answers in rows:
            self.assertEqual(text.count("[MASK]"), 1, text)
            self.assertTrue(answers and all(a == a.lower() and " " not in a
                                            for a in answers.split("|")), text)

    def test_filled_sentences_are_caught(self):
        pats = bc.cloze_patterns(CLOZE)
        for cat, text, answers in self.rows():
            for a in answers.split("|"):
                self.assertTrue(bc.cloze_hit(text.replace("[MASK]", a), pats), text)
        self.assertTrue(bc.cloze_hit("the capital of FRANCE is Lyon!", pats))
        # Other shapes of the same fact are fine to train on.
        self.assertFalse(bc.cloze_hit("Paris is the capital city of France.", pats))
        self.assertFalse(bc.cloze_hit("The capital of France is a big city.", pats))


class CleaningTest(unittest.TestCase):
    def test_quiz_syntax(self):
        self.assertEqual(bc.quiz_value("Andorra la V[ell|iej]a"), "Andorra la Vella")
        self.assertEqual(bc.quiz_value("Vienna|Wien"), "Vienna")
        self.assertEqual(bc.quiz_value("Europe{an}"), "Europe")

    def test_sentence_split_keeps_titles(self):
        self.assertEqual(
            list(bc.split_sentences("If Mrs. Dashwood should live long we lose. Her income is good.")),
            ["If Mrs. Dashwood should live long we lose.", "Her income is good."])

    def test_brown_detokenizer(self):
        words = "`` Only a relative handful was received '' , the jury said .".split()
        self.assertEqual(bc.brown_detok(words),
                         '"Only a relative handful was received", the jury said.')

    def test_gcide_etymology_dropped(self):
        self.assertEqual(bc.strip_bracketed("[L. abdicatio: cf. [F.] x.] The act."), " The act.")


def held_out(text):
    # tools/corpus/SOURCES.md's rule, written out here: the first four bytes
    # of the MD5 of the lower-cased text, little-endian, divisible by 50.
    digest = hashlib.md5(text.lower().encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little") % 50 == 0


class PassagesTest(unittest.TestCase):
    def setUp(self):
        self.pats = bc.cloze_patterns(CLOZE)
        kept = ("The boat left the harbour at %d o'clock." % i for i in range(10000))
        self.kept = [s for s in kept if not held_out(s)][:12]
        held = ("The train left the station at %d o'clock." % i for i in range(10000))
        self.held = next(s for s in held if held_out(s))

    def test_runs_break_where_the_text_is_not_continuous(self):
        k = self.kept
        doc = [k[0], k[1], None,                     # a dropped line ends a run
               k[2], k[3], self.held, k[4],          # so does a held-out sentence
               k[5], "The capital of France is Lyon.",  # and a cloze look-alike
               k[6], bc.Dropped("Amen."), k[7]]      # a short sentence stays in
        runs = list(bc.passages([doc], self.pats))
        self.assertEqual(runs, [[k[0], k[1]], [k[2], k[3]], [k[4], k[5]],
                                [k[6], "Amen.", k[7]]])

    def test_single_sentences_are_not_passages(self):
        self.assertEqual(list(bc.passages([[self.kept[0], None, self.kept[1]]], self.pats)), [])

    def test_passages_end_at_the_word_limit(self):
        # Each sentence has 7 words: PASSAGE_WORDS // 7 of them fit.
        per = bc.PASSAGE_WORDS // 7
        doc = [("Sentence %d of a long chapter here." % i) for i in range(3 * per)]
        doc = [s for s in doc if not held_out(s)][: 2 * per + 3]
        runs = list(bc.passages([doc], self.pats))
        self.assertEqual([len(r) for r in runs], [per, per, 3])
        self.assertEqual(sum(runs, []), doc)

    def test_sentence_corpus_leaves_dropped_sentences_out(self):
        text = "Jesus wept. Then he went to the house of his friend. Amen."
        self.assertEqual(list(bc.split_sentences(text)), ["Then he went to the house of his friend."])
        self.assertEqual(list(bc.split_sentences(text, gaps=True)),
                         ["Jesus wept.", "Then he went to the house of his friend.", "Amen."])
        docs = [list(bc.split_sentences(text, gaps=True))]
        self.assertEqual(list(bc.flatten(docs)), ["Then he went to the house of his friend."])


if __name__ == "__main__":
    unittest.main()
