#!/usr/bin/python3
"""tools/build-corpus: the everyday cloze set is well formed and written for
this project, no corpus sentence that reads like one survives, and the quiz
and dictionary cleaning rules do what tools/corpus/SOURCES.md says. Runs on
small inputs: it does not need the source packages."""

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


if __name__ == "__main__":
    unittest.main()
