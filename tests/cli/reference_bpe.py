#!/usr/bin/python3
"""GPT-2's byte-level BPE, written here from OpenAI's encoder.py and
transformers' RobertaTokenizer, on the `regex` module (python3-regex): the
independent reference for attention-cli's BPE tokenizer.

  reference_bpe.py make-vocab OUT_DIR      train vocab.json + merges.txt (RoBERTa's layout)
  reference_bpe.py check --cli CLI --vocab vocab.json --merges merges.txt [--lines N]

`check` tokenizes at least 500 lines (tests/data/sentences.txt and seeded
random lines mixing accents, CJK, emoji, numbers, spaces and punctuation)
with `attention-cli --vocab vocab.json --merges merges.txt --token-ids` and
with this file, and compares the ids."""

import argparse
import collections
import json
import os
import random
import subprocess
import sys

import regex

PATTERN = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
HERE = os.path.dirname(os.path.abspath(__file__))
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


def bytes_to_unicode():
    bs = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
          + list(range(ord("®"), ord("ÿ") + 1)))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()


def pieces(text):
    for piece in PATTERN.findall(text):
        yield "".join(BYTE_ENCODER[b] for b in piece.encode("utf-8"))


class Encoder:
    def __init__(self, vocab_path, merges_path):
        with open(vocab_path, encoding="utf-8") as f:
            self.encoder = json.load(f)
        with open(merges_path, encoding="utf-8") as f:
            merges = f.read().split("\n")[1:-1]
        self.ranks = dict(zip([tuple(m.split()) for m in merges], range(len(merges))))
        self.cache = {}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token)
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            bigram = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if bigram not in self.ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                except ValueError:
                    new_word.extend(word[i:])
                    break
                new_word.extend(word[i:j])
                i = j
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
        self.cache[token] = word
        return word

    def encode(self, text):
        ids = [self.encoder["<s>"]]
        for piece in pieces(text):
            ids.extend(self.encoder.get(t, self.encoder["<unk>"]) for t in self.bpe(piece))
        ids.append(self.encoder["</s>"])
        return ids


def corpus_lines():
    with open(os.path.join(HERE, "..", "data", "sentences.txt"), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


EXTRA = [
    "Café crème brûlée à la façon de Zoë, naïve déjà-vu.",
    "Ñandú, pingüino, corazón: ¿qué más? ¡Olé!",
    "Größe, Straße, Übermäßig — ÄÖÜ äöü ß.",
    "東京は日本の首都です。北京是中国的首都。",
    "서울은 한국의 수도입니다.",
    "Москва — столица России. Αθήνα είναι η πρωτεύουσα.",
    "I ❤️ emoji 😀😃🎉 and flags 🇫🇷🇯🇵 with skin tones 👍🏽.",
    "Prices: $3.50, €1,234.56, ¥1000, 42%, 3.14159, 1e10, 0x1F.",
    "Numbers ١٢٣ ٤٥٦ and ½ ¾ Ⅻ ² ³.",
    "tabs\tand  double  spaces   and trailing spaces   ",
    "  leading spaces, then words",
    "non\u00a0breaking\u2003em\u3000ideographic spaces",
    "it's they're we've I'm you'll he'd 'quoted' ''double''",
    "CamelCaseWords and snake_case_words and kebab-case-words",
    "email@example.com https://example.org/path?q=1&r=2#frag",
]


def random_lines(n, seed):
    rng = random.Random(seed)
    alphabet = (list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
                + list("àáâãäåçèéêëìíîïñòóôõöùúûüýÿßœæ") + list("0123456789")
                + list(".,;:!?'\"()[]{}-_/\\@#$%^&*+=<>|~`")
                + [chr(c) for c in range(0x4E00, 0x4E00 + 40)]
                + [chr(c) for c in range(0x3040, 0x3060)]
                + ["😀", "🎉", "👍", "🏽", "❤", "\ufe0f", "🇫", "🇷"]
                + [" ", " ", " ", "  ", "\t", "\u00a0", "\u3000"])
    words = ["the", "of", "and", "café", "naïve", "東京", "2024", "3.14", "don't", "it's",
             "Hello", "WORLD", "😀", "über", "niño"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 14)):
            if rng.random() < 0.5:
                parts.append(rng.choice(words))
            else:
                parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))))
            parts.append(rng.choice([" ", " ", " ", "", "  ", ", ", "\t"]))
        out.append("".join(parts).replace("\n", " "))
    return out


def all_lines(n_random=400, seed=20261206):
    return corpus_lines() + EXTRA + random_lines(n_random, seed)


def make_vocab(out_dir, n_merges=1200):
    """A small RoBERTa-layout vocabulary trained here by plain BPE on the
    test lines: <s> <pad> </s> <unk>, the 256 byte characters, the merges'
    results, <mask> last."""
    os.makedirs(out_dir, exist_ok=True)
    counts = collections.Counter()
    for line in all_lines(n_random=800, seed=7):
        for p in pieces(line):
            counts[tuple(p)] += 1
    words = {w: c for w, c in counts.items()}
    merges = []
    vocab = list(SPECIALS) + [BYTE_ENCODER[b] for b in range(256)]
    seen = set(vocab)
    for _ in range(n_merges):
        pairs = collections.Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        joined = best[0] + best[1]
        if joined not in seen:
            seen.add(joined)
            vocab.append(joined)
        new_words = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(joined)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + c
        words = new_words
    vocab.append("<mask>")
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({t: i for i, t in enumerate(vocab)}, f, ensure_ascii=False)
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write("%s %s\n" % (a, b))


def check(args):
    enc = Encoder(args.vocab, args.merges)
    lines = all_lines()
    assert len(lines) >= 500, len(lines)
    r = subprocess.run([args.cli, "--vocab", args.vocab, "--merges", args.merges, "--token-ids"],
                       input="\n".join(lines) + "\n", capture_output=True, text=True,
                       timeout=300, check=False)
    if r.returncode != 0:
        print(r.stderr, file=sys.stderr)
        return 1
    got = r.stdout.split("\n")
    bad = 0
    for i, line in enumerate(lines):
        want = " ".join(str(t) for t in enc.encode(line))
        if i >= len(got) or got[i] != want:
            bad += 1
            if bad <= 10:
                print("line %d %r:\n  cli: %s\n  ref: %s" % (i + 1, line, got[i] if i < len(got)
                                                              else None, want))
    print("%d lines, %d differ" % (len(lines), bad))

    # --tokens: the vocabulary's own spelling, GPT-2's "Ġ" for a space.
    r = subprocess.run([args.cli, "--vocab", args.vocab, "--merges", args.merges, "--tokens",
                        "Hello world, café!"], capture_output=True, text=True, timeout=60,
                       check=False)
    inverse = {i: t for t, i in enc.encoder.items()}
    want = "".join("%s\t%d\n" % (inverse[i], i) for i in enc.encode("Hello world, café!"))
    if r.returncode != 0 or r.stdout != want or "\n\u0120" not in want:
        print("--tokens:\n%s\nwanted:\n%s%s" % (r.stdout, want, r.stderr))
        bad += 1
    # --merges needs --vocab; a BPE vocabulary has no --cased.
    for extra in (["--merges", args.merges], ["--vocab", args.vocab, "--merges", args.merges,
                                              "--cased"]):
        r = subprocess.run([args.cli, *extra, "--tokens", "x"], capture_output=True, text=True,
                           timeout=60, check=False)
        if r.returncode != 2 or "--merges needs --vocab vocab.json" not in r.stderr:
            print("%s: %d %s" % (extra, r.returncode, r.stderr))
            bad += 1
    return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-vocab")
    m.add_argument("out_dir")
    c = sub.add_parser("check")
    c.add_argument("--cli", required=True)
    c.add_argument("--vocab", required=True)
    c.add_argument("--merges", required=True)
    args = parser.parse_args()
    if args.cmd == "make-vocab":
        make_vocab(args.out_dir)
        return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
