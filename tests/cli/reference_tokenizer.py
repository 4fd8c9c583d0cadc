#!/usr/bin/python3
"""An independent BERT tokenizer to check attention-cli --token-ids against.

Written from the published algorithm with nothing but the standard library:
Hugging Face's BertTokenizer (transformers tokenization_bert.py:
BasicTokenizer + WordpieceTokenizer, and PreTrainedTokenizer.tokenize() for
special tokens and do_lower_case), which follows google-research/bert
tokenization.py. It is deliberately the plain, slow, string-based version.

  reference_tokenizer.py ids [--vocab FILE] [--cased] < LINES
      prints the ids of every line of standard input, as --token-ids does.
  reference_tokenizer.py check --cli ATTENTION_CLI [--vocab FILE] [--cased]
                         (--corpus FILE | --random N [--seed S])
      runs attention-cli --token-ids on the corpus (or on N seeded random
      lines) and compares its output with this tokenizer's, line by line.
  --model DIR (instead of --vocab/--cased): a Hugging Face folder; its
      vocab.txt and tokenizer_config.json (do_lower_case, strip_accents,
      tokenize_chinese_chars) set the tokenizer, and attention-cli runs with
      --model DIR.

Without --vocab the vocab is tests/data/bert-base-uncased-vocab.txt (its sha256 is
checked).
"""

import argparse
import hashlib
import os
import random
import re
import subprocess
import sys
import unicodedata

SPECIAL_TOKENS = ["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]
MAX_INPUT_CHARS_PER_WORD = 100


def load_vocab(path):
    # HF load_vocab: text mode (universal newlines), token.rstrip("\n").
    vocab = {}
    with open(path, "r", encoding="utf-8") as reader:
        for index, token in enumerate(reader.readlines()):
            vocab[token.rstrip("\n")] = index
    return vocab


def is_whitespace(char):
    if char in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(char) == "Zs"


def is_control(char):
    if char in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(char).startswith("C")


def is_punctuation(char):
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def is_chinese_char(cp):
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def whitespace_tokenize(text):
    text = text.strip()
    return text.split() if text else []


class ReferenceTokenizer:
    def __init__(self, vocab, lowercase, strip_accents=None, chinese=True):
        self.vocab = vocab
        self.lowercase = lowercase
        # HF's strip_accents: None follows do_lower_case.
        self.strip = strip_accents
        self.chinese = chinese
        # Special tokens the vocab has are matched in the raw text; one it
        # lacks would get a new id past the vocab in HF and is plain text here.
        present = [t for t in SPECIAL_TOKENS if t in vocab]
        self.special_re = re.compile("(" + "|".join(re.escape(t) for t in present) + ")")

    # --- BasicTokenizer ---------------------------------------------------
    def clean_text(self, text):
        out = []
        for char in text:
            cp = ord(char)
            if cp == 0 or cp == 0xFFFD or is_control(char):
                continue
            out.append(" " if is_whitespace(char) else char)
        return "".join(out)

    def tokenize_chinese_chars(self, text):
        out = []
        for char in text:
            if is_chinese_char(ord(char)):
                out.extend((" ", char, " "))
            else:
                out.append(char)
        return "".join(out)

    def strip_accents(self, text):
        text = unicodedata.normalize("NFD", text)
        return "".join(c for c in text if unicodedata.category(c) != "Mn")

    def split_on_punc(self, text):
        if text in SPECIAL_TOKENS:
            return [text]
        output = []
        start_new_word = True
        for char in text:
            if is_punctuation(char):
                output.append([char])
                start_new_word = True
            else:
                if start_new_word:
                    output.append([])
                start_new_word = False
                output[-1].append(char)
        return ["".join(x) for x in output]

    def basic_tokenize(self, text):
        text = self.clean_text(text)
        if self.chinese:
            text = self.tokenize_chinese_chars(text)
        text = unicodedata.normalize("NFC", text)
        split_tokens = []
        for token in whitespace_tokenize(text):
            if token not in SPECIAL_TOKENS:
                if self.lowercase:
                    token = token.lower()
                    if self.strip is not False:
                        token = self.strip_accents(token)
                elif self.strip:
                    token = self.strip_accents(token)
            split_tokens.extend(self.split_on_punc(token))
        return whitespace_tokenize(" ".join(split_tokens))

    # --- WordpieceTokenizer -----------------------------------------------
    def wordpiece(self, token):
        chars = list(token)
        if len(chars) > MAX_INPUT_CHARS_PER_WORD:
            return ["[UNK]"]
        sub_tokens = []
        start = 0
        while start < len(chars):
            end = len(chars)
            current = None
            while start < end:
                substr = "".join(chars[start:end])
                if start > 0:
                    substr = "##" + substr
                if substr in self.vocab:
                    current = substr
                    break
                end -= 1
            if current is None:
                return ["[UNK]"]
            sub_tokens.append(current)
            start = end
        return sub_tokens

    # --- PreTrainedTokenizer.tokenize + build_inputs_with_special_tokens ---
    def tokens(self, text):
        out = []
        for i, part in enumerate(self.special_re.split(text)):
            if i % 2 == 1:
                out.append(part)  # a special token, kept whole
                continue
            if self.lowercase:
                # HF's do_lower_case step: re.sub(r"(specials)|(.+?)", lower),
                # i.e. every character lowercased on its own.
                part = "".join(c.lower() for c in part)
            for word in self.basic_tokenize(part):
                out.extend(self.wordpiece(word))
        return ["[CLS]"] + out + ["[SEP]"]

    def ids(self, text):
        unk = self.vocab["[UNK]"]
        return [self.vocab.get(t, unk) for t in self.tokens(text)]


# --- random lines -------------------------------------------------------------


def usable(cp):
    """Characters the random lines may hold.

    Python 3.11's unicodedata is Unicode 14.0; GLib 2.74 is Unicode 15.0. The
    only category differences between them are the 4,489 characters Unicode
    15.0 assigned, which Python calls Cn (unassigned, hence control and
    dropped) and GLib does not, so every Cn character is left out. (Measured
    over all code points: lowercase mappings and NFD agree otherwise.)
    """
    if 0xD800 <= cp <= 0xDFFF or cp == 0x0A:  # no surrogates; \n ends a line
        return False
    return unicodedata.category(chr(cp)) != "Cn"


POOLS = [
    # (weight, ranges)
    (30, [(0x61, 0x7A), (0x41, 0x5A)]),  # ASCII letters
    (8, [(0x30, 0x39)]),  # digits
    (10, [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)]),  # ASCII punctuation
    (12, [(0xC0, 0x24F)]),  # accented Latin
    (5, [(0x300, 0x36F), (0x1AB0, 0x1AFF), (0x20D0, 0x20FF)]),  # combining marks
    (5, [(0x370, 0x3FF), (0x1F00, 0x1FFF)]),  # Greek
    (3, [(0x400, 0x4FF)]),  # Cyrillic
    (2, [(0x590, 0x6FF)]),  # Hebrew, Arabic
    (2, [(0x900, 0x97F), (0xE00, 0xE7F)]),  # Devanagari, Thai
    (6, [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF)]),  # CJK
    (2, [(0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]),  # CJK compatibility
    (3, [(0x3040, 0x30FF), (0xAC00, 0xD7A3), (0x1100, 0x11FF)]),  # kana, Hangul, jamo
    (4, [(0x1F300, 0x1FAFF), (0x2600, 0x27BF)]),  # emoji, symbols
    (3, [(0x2000, 0x206F), (0x2E00, 0x2E7F), (0x3000, 0x303F)]),  # general punctuation
    (4, [(0x00, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x200B, 0x200F), (0xFEFF, 0xFEFF)]),
    (2, [(0xE000, 0xF8FF), (0xFFF0, 0xFFFF)]),  # private use, specials (U+FFFD)
    (3, [(0xA0, 0xBF), (0xFF01, 0xFF5E), (0x2100, 0x218F), (0x2460, 0x24FF)]),  # letterlike
    (3, [(0x80, 0x10FFFF)]),  # anything
]
PICKS = [
    "\u0130", "\u03a3", "\u03a3\u0391\u03a3", "\u03c2", "\u00df", "\ufb01", "\u212a", "\u212b",
    "\u2126", "\u1fef", "\u037e", "\u0387", "\u0340", "\u0344", "\u01c5", "\u2160", "\u24b6",
    "\u2028", "\u2029", "\u200d", "\ufe0f", "\u00a0", "\u3000", "\t", "\r", "\x0b", "\x0c",
    "[MASK]", "[CLS]", "[SEP]", "[PAD]", "[UNK]", "[mask]", "[MASK", "MASK]", "[MA", "[[MASK]]",
    "[ MASK ]", "is[MASK].", "e\u0301", "a\u0308\u0301", "\u1100\u1161\u11a8", "\U0001f44d\U0001f3fd",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467", "[MA\x00SK]", "[MASK\u200b]",
]
_TOTAL = sum(w for w, _ in POOLS)


def random_char(rng):
    while True:
        pick = rng.uniform(0, _TOTAL)
        for weight, ranges in POOLS:
            pick -= weight
            if pick <= 0:
                break
        lo, hi = rng.choice(ranges)
        cp = rng.randint(lo, hi)
        if usable(cp):
            return chr(cp)


def random_line(rng):
    parts = []
    for _ in range(rng.randint(0, 14)):
        roll = rng.random()
        if roll < 0.15:
            parts.append(rng.choice(PICKS))
        elif roll < 0.18:
            parts.append(rng.choice("abcdeé") * rng.randint(95, 110))  # around the 100 limit
        else:
            parts.append("".join(random_char(rng) for _ in range(rng.randint(1, 9))))
        parts.append(rng.choice(["", " ", " ", " ", "  ", "\t"]))
    return "".join(parts)


# --- commands -----------------------------------------------------------------


BERT_BASE_VOCAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                               "bert-base-uncased-vocab.txt")
BERT_BASE_VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"


def default_vocab():
    """The vendored bert-base-uncased vocab, checked against its hash."""
    try:
        with open(BERT_BASE_VOCAB, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except OSError as e:
        sys.exit(f"reference_tokenizer.py: cannot read the bert-base-uncased vocab: {e}")
    if digest != BERT_BASE_VOCAB_SHA256:
        sys.exit(f"reference_tokenizer.py: {BERT_BASE_VOCAB} has sha256 {digest}, "
                 f"expected {BERT_BASE_VOCAB_SHA256}")
    return BERT_BASE_VOCAB


def split_lines(data):
    """Lines end at \\n only, as attention-cli --token-ids reads them."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def command_ids(args, tokenizer):
    for raw in split_lines(sys.stdin.buffer.read()):
        print(" ".join(str(i) for i in tokenizer.ids(raw.decode("utf-8"))))
    return 0


def command_check(args, tokenizer):
    if args.corpus:
        with open(args.corpus, "rb") as f:
            lines = [raw.decode("utf-8") for raw in split_lines(f.read())]
        what = args.corpus
    else:
        rng = random.Random(args.seed)
        lines = [random_line(rng) for _ in range(args.random)]
        what = f"{args.random} random lines (seed {args.seed})"

    if args.model:
        command = [args.cli, "--model", args.model, "--token-ids"]
    else:
        command = [args.cli, "--vocab", args.vocab, "--token-ids"] + (
            ["--cased"] if args.cased else [])
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    run = subprocess.run(command, input=data, capture_output=True, check=False)
    sys.stderr.write(run.stderr.decode("utf-8", "replace"))
    if run.returncode != 0:
        print(f"FAIL: {' '.join(command)} exited with {run.returncode}")
        return 1

    got = split_lines(run.stdout)
    id_to_token = {i: t for t, i in tokenizer.vocab.items()}
    mismatches = 0
    if len(got) != len(lines):
        print(f"FAIL: {len(lines)} lines in, {len(got)} lines out")
        mismatches += 1
    for number, (line, out) in enumerate(zip(lines, got), start=1):
        expected = tokenizer.ids(line)
        actual = [int(x) for x in out.split()]
        if actual != expected:
            mismatches += 1
            if mismatches <= 10:
                print(f"line {number}: {line!r}")
                print(f"  reference: {[id_to_token.get(i, i) for i in expected]}")
                print(f"  C:         {[id_to_token.get(i, i) for i in actual]}")
    mode = ("uncased" if tokenizer.lowercase else "cased") + (
        f", strip_accents {tokenizer.strip}, tokenize_chinese_chars {tokenizer.chinese}")
    if mismatches:
        print(f"FAIL: {mismatches} of {len(lines)} lines differ ({what}, {mode})")
        return 1
    print(f"OK: {len(lines)} lines identical ({what}, {mode})")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("ids", "check"):
        p = sub.add_parser(name)
        p.add_argument("--vocab")
        p.add_argument("--cased", action="store_true")
        p.add_argument("--model", help="a Hugging Face folder (vocab.txt, tokenizer_config.json)")
        if name == "check":
            p.add_argument("--cli", required=True)
            source = p.add_mutually_exclusive_group(required=True)
            source.add_argument("--corpus")
            source.add_argument("--random", type=int)
            p.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.model:
        import json
        args.vocab = os.path.join(args.model, "vocab.txt")
        with open(os.path.join(args.model, "tokenizer_config.json"), encoding="utf-8") as f:
            config = json.load(f)
        tokenizer = ReferenceTokenizer(load_vocab(args.vocab), config["do_lower_case"],
                                       config.get("strip_accents"),
                                       config.get("tokenize_chinese_chars", True))
    else:
        args.vocab = args.vocab or default_vocab()
        tokenizer = ReferenceTokenizer(load_vocab(args.vocab), lowercase=not args.cased)
    if args.command == "ids":
        return command_ids(args, tokenizer)
    return command_check(args, tokenizer)


if __name__ == "__main__":
    sys.exit(main())
