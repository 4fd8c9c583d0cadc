#!/usr/bin/python3
"""attention-cli's SentencePiece tokenizer (Debian's libsentencepiece behind
shim/spm) against python3-sentencepiece, the library's own Python binding.

  reference_spm.py make-models OUT_DIR
  reference_spm.py check --cli CLI --model FILE.model

`make-models` trains two small models at build time with
SentencePieceTrainer on tests/data/sentences.txt and seeded random lines:
OUT_DIR/unigram.model (the unigram type, as ALBERT's spiece.model) and
OUT_DIR/bpe.model (the BPE type with byte fallback, as XLM-RoBERTa's
sentencepiece.bpe.model is BPE). `check` tokenizes at least 500 lines with
accents, CJK, emoji, numbers and spaces (reference_bpe.py's, other random
lines than the training ones) with `attention-cli --sentencepiece FILE
--token-ids` and compares every line's ids with the binding's encode(),
then `--tokens` with its pieces, then the refusals."""

import argparse
import os
import subprocess
import sys
import tempfile

import sentencepiece as spm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_bpe  # noqa: E402  (the test lines: accents, CJK, emoji, numbers, spaces)


def make_models(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    lines = reference_bpe.corpus_lines() + reference_bpe.random_lines(600, seed=11)
    with tempfile.TemporaryDirectory(prefix="attention-spm-") as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
        for name, kind, extra in (("unigram", "unigram", {}),
                                  ("bpe", "bpe", {"byte_fallback": True})):
            spm.SentencePieceTrainer.train(
                input=corpus, model_prefix=os.path.join(out_dir, name), model_type=kind,
                vocab_size=700, character_coverage=0.98, num_threads=1, seed_sentencepiece_size=
                100000, shuffle_input_sentence=False, minloglevel=2, **extra)
    return 0


def run(cli, args, stdin=None):
    return subprocess.run([cli] + args, input=stdin, capture_output=True, text=True,
                          timeout=300, check=False)


def check(args):
    sp = spm.SentencePieceProcessor(model_file=args.model)
    lines = reference_bpe.all_lines()
    assert len(lines) >= 500, len(lines)
    bad = 0
    r = run(args.cli, ["--sentencepiece", args.model, "--token-ids"], "\n".join(lines) + "\n")
    if r.returncode != 0:
        print(r.stderr, file=sys.stderr)
        return 1
    got = r.stdout.split("\n")
    unknown = 0
    for i, line in enumerate(lines):
        ids = sp.encode(line)
        unknown += ids.count(sp.unk_id())
        want = " ".join(str(t) for t in ids)
        if i >= len(got) or got[i] != want:
            bad += 1
            if bad <= 10:
                print("line %d %r:\n  cli: %s\n  ref: %s" % (i + 1, line, got[i] if i < len(got)
                                                              else None, want))
    print("%s: %d lines, %d differ, %d unknown pieces" % (os.path.basename(args.model),
                                                          len(lines), bad, unknown))

    # --tokens: the model's own spelling of each piece ("▁" for a space).
    text = "Hello  world, café 東京 😀 3.14!"
    r = run(args.cli, ["--sentencepiece", args.model, "--tokens", text])
    want = "".join("%s\t%d\n" % (sp.id_to_piece(i), i) for i in sp.encode(text))
    if r.returncode != 0 or r.stdout != want or "\u2581" not in want:
        print("--tokens:\n%s\nwanted:\n%s%s" % (r.stdout, want, r.stderr))
        bad += 1

    # Refusals: a file that is no model, and flags that do not go with it.
    with tempfile.NamedTemporaryFile(suffix=".model") as f:
        f.write(b"not a model at all")
        f.flush()
        r = run(args.cli, ["--sentencepiece", f.name, "--tokens", "x"])
        if r.returncode != 2 or "is not a SentencePiece model" not in r.stderr:
            print("not a model: %d %s" % (r.returncode, r.stderr))
            bad += 1
    for extra, message in ((["--vocab", args.model], "is a whole tokenizer"),
                           ([], "applies only with --tokens or --token-ids")):
        r = run(args.cli, ["--sentencepiece", args.model] + extra
                + (["--tokens", "x"] if extra else ["x"]))
        if r.returncode != 2 or message not in r.stderr:
            print("%s: %d %s" % (extra, r.returncode, r.stderr))
            bad += 1
    return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-models")
    m.add_argument("out_dir")
    c = sub.add_parser("check")
    c.add_argument("--cli", required=True)
    c.add_argument("--model", required=True)
    args = parser.parse_args()
    if args.cmd == "make-models":
        return make_models(args.out_dir)
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
