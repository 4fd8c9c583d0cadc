#!/usr/bin/python3
"""attention-cli --stats against an independent reference: the eight
statistics of every head over a 20-line file, recomputed here with NumPy from
the --dump of each line on its own (to 1e-6); the skipped lines (empty, only
spaces, invalid UTF-8, a NUL byte, too long, a 10 MB line skipped unread)
listed by number; batched lines equal, bit for bit, each line alone in its
forward; --shard 1/3,
2/3, 3/3 run through GNU parallel (or background jobs without it) and
--merge equal to the single run, exactly for the sums; --merge refusing a
part of another model (exit 2); malformed relations; a relation on a small
tagged file whose pairs are written out by hand here.
Usage: test_stats_cli.py ATTENTION_CLI (model: $ATTENTION_TEST_MODEL)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

import numpy as np

CLI = sys.argv[1]
MODEL = os.environ["ATTENTION_TEST_MODEL"]
ENV = dict(os.environ, LC_ALL="C.UTF-8")

GOOD = [
    "The cat sat on the [MASK].",
    "A dog barked at the [MASK] all night!",
    "She said, \"I will [MASK] tomorrow.\"",
    "[MASK] is the capital of France.",
    "Rain fell; the [MASK] stayed home.",
    "Is this the [MASK] you wanted?",
    "The old man (a sailor) told a [MASK] story.",
    "They went to the market to buy [MASK] and bread.",
    "Numbers like 42 and 7 are [MASK].",
    "The [MASK] of the house was red, and the door was blue.",
    "Why would anyone [MASK] that?",
    "He ran -- fast -- toward the [MASK].",
    "My sister's friend likes [MASK].",
    "The children played in the [MASK] until dark.",
    "[MASK]!",
    "It was a dark and [MASK] night.",
    "The committee approved the [MASK] on Monday.",
    "Birds fly south in the [MASK].",
    "Music, art and [MASK] fill the city.",
    "Où est la [MASK] ?",
]


def cli(args, stdin=None, check_status=None):
    proc = subprocess.run([CLI, "-m", MODEL] + args, input=stdin, capture_output=True,
                          env=ENV, timeout=600)
    if check_status is not None:
        assert proc.returncode == check_status, (args, proc.returncode, proc.stdout,
                                                 proc.stderr.decode("utf-8", "replace"))
    assert b"Traceback" not in proc.stderr and b"Segmentation" not in proc.stderr
    return proc


def is_punctuation(token):
    # The definition: every character in a Unicode P* category.
    return len(token) > 0 and all(unicodedata.category(c).startswith("P") for c in token)


def reference(dumps):
    """Sums and counts of the eight statistics, from each line's dump."""
    layers = len(dumps[0]["attentions"])
    heads = len(dumps[0]["attentions"][0])
    keys = ["previous", "next", "self", "cls", "sep", "punctuation", "entropy", "distance"]
    sums = {k: np.zeros((layers, heads)) for k in keys}
    counts = dict.fromkeys(keys, 0)
    tokens = 0
    for dump in dumps:
        a = np.array(dump["attentions"], dtype=np.float64)  # L × H × n × n
        n = a.shape[-1]
        specials = {"[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]"}
        punct = np.array([t not in specials and is_punctuation(t) for t in dump["tokens"]])
        idx = np.arange(n)
        sums["previous"] += a[:, :, idx[1:], idx[1:] - 1].sum(-1)
        sums["next"] += a[:, :, idx[:-1], idx[:-1] + 1].sum(-1)
        sums["self"] += a[:, :, idx, idx].sum(-1)
        sums["cls"] += a[:, :, :, 0].sum(-1)
        sums["sep"] += a[:, :, :, n - 1].sum(-1)
        sums["punctuation"] += a[:, :, :, punct].sum((-1, -2))
        with np.errstate(divide="ignore", invalid="ignore"):
            sums["entropy"] += -np.where(a > 0, a * np.log(a), 0.0).sum((-1, -2))
        dist = np.abs(idx[:, None] - idx[None, :])
        sums["distance"] += (a * dist).sum((-1, -2))
        counts["previous"] += n - 1
        counts["next"] += n - 1
        for k in keys[2:]:
            counts[k] += n
        tokens += n
    return {k: sums[k] / counts[k] for k in keys}, counts, tokens, layers, heads


def run_dump(text, folder, i):
    path = os.path.join(folder, f"dump{i}.json")
    cli(["-k", "1", "--dump", path, text], check_status=0)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check_statistics(folder):
    # The good lines with bad ones between them (physical line numbers).
    long_line = " ".join(["word"] * 2000)
    lines = []
    bad = {}
    for i, text in enumerate(GOOD):
        lines.append(text.encode("utf-8"))
        if i == 2:
            lines.append(b"")
            bad[len(lines)] = "empty"
        if i == 5:
            lines.append(b"   \t  ")
            bad[len(lines)] = "empty"
        if i == 8:
            lines.append(b"caf\xc3 au lait [MASK]")
            bad[len(lines)] = "UTF-8"
        if i == 11:
            lines.append(b"binary\x00data")
            bad[len(lines)] = "NUL"
        if i == 14:
            lines.append(long_line.encode())
            bad[len(lines)] = "tokens"
    corpus = os.path.join(folder, "corpus.txt")
    with open(corpus, "wb") as f:
        f.write(b"\n".join(lines) + b"\n")

    out = os.path.join(folder, "single.json")
    proc = cli(["--stats", corpus, "--output", out], check_status=0)
    stats = load(out)
    dumps = [run_dump(text, folder, i) for i, text in enumerate(GOOD)]
    means, counts, tokens, layers, heads = reference(dumps)

    assert stats["model"] and stats["model_hash"].startswith("sha256:"), stats["model"]
    assert stats["lines"] == len(GOOD), stats["lines"]
    assert stats["tokens"] == tokens, (stats["tokens"], tokens)
    assert (stats["layers"], stats["heads"]) == (layers, heads)
    assert isinstance(stats["seconds"], float) and stats["seconds"] >= 0
    assert len(stats["stats"]) == layers * heads
    for entry in stats["stats"]:
        l, h = entry["layer"] - 1, entry["head"] - 1
        for key, ref in means.items():
            assert abs(entry[key] - ref[l, h]) < 1e-6, (key, l + 1, h + 1, entry[key], ref[l, h])
    for entry in stats["sums"]["heads"]:
        for key in means:
            assert entry[key]["count"] == counts[key], (key, entry[key], counts[key])
            total = int(entry[key]["sum"]) / 2.0 ** stats["sums"]["fraction_bits"]
            assert abs(total / counts[key] -
                       means[key][entry["layer"] - 1, entry["head"] - 1]) < 1e-6
    skipped = {s["line"]: s["reason"] for s in stats["skipped"]}
    assert sorted(skipped) == sorted(bad), (skipped, bad)
    for line, needle in bad.items():
        assert needle in skipped[line], (line, skipped[line], needle)
    assert b"5 lines were skipped" in proc.stderr, proc.stderr
    # The table on standard output names every statistic.
    for key in means:
        assert key.encode() in proc.stdout, proc.stdout
    return corpus, stats


def run_shards(corpus, folder):
    parts = [os.path.join(folder, f"part{i}.json") for i in (1, 2, 3)]
    if shutil.which("parallel"):
        # As docs/statistics.md shows it: one job per shard. -q: parallel
        # joins its arguments into a shell line, and the model's path may
        # hold spaces.
        subprocess.run(["parallel", "-q", "--halt", "now,fail=1", CLI, "-m", MODEL, "--stats", corpus,
                        "--shard", "{}/3", "--output", os.path.join(folder, "part{}.json"),
                        ":::", "1", "2", "3"], check=True, capture_output=True, env=ENV,
                       timeout=600)
    else:
        jobs = [subprocess.Popen([CLI, "-m", MODEL, "--stats", corpus, "--shard", f"{i}/3",
                                  "--output", parts[i - 1]], env=ENV,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                for i in (1, 2, 3)]
        assert all(job.wait(timeout=600) == 0 for job in jobs)
    return parts


def check_shards(corpus, single, folder):
    parts = run_shards(corpus, folder)
    n_physical = sum(1 for _ in open(corpus, "rb"))
    seen = []
    for i, part in enumerate(parts, start=1):
        data = load(part)
        # The split: shard i holds the physical lines k with (k − 1) mod 3 = i − 1.
        for s in data["skipped"]:
            assert (s["line"] - 1) % 3 == i - 1, (i, s)
        seen.append(data["lines"] + len(data["skipped"]))
    assert sum(seen) == n_physical, (seen, n_physical)

    merged_path = os.path.join(folder, "merged.json")
    cli(["--merge"] + parts + ["--output", merged_path], check_status=0)
    merged = load(merged_path)
    assert merged["sums"] == single["sums"], "merged sums differ from the single run"
    assert merged["stats"] == single["stats"], "merged means differ from the single run"
    for key in ("model", "model_hash", "lines", "tokens", "layers", "heads", "skipped"):
        assert merged[key] == single[key], (key, merged[key], single[key])
    # Order does not matter either.
    cli(["--merge"] + parts[::-1] + ["--output", merged_path], check_status=0)
    assert load(merged_path)["sums"] == single["sums"]

    # A part of another model (the bundled demo model) is refused.
    other = os.path.join(folder, "other.json")
    demo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data",
                        "models", "demo-bert.pt")
    subprocess.run([CLI, "-m", demo, "--stats", corpus, "--shard", "1/7", "--output", other],
                   check=True, capture_output=True, env=ENV, timeout=600)
    proc = cli(["--merge", parts[0], other, "--output", merged_path], check_status=2)
    assert b"different" in proc.stderr, proc.stderr
    # ... and so is a part whose shape was changed.
    changed = load(parts[1])
    changed["heads"] += 1
    with open(other, "w", encoding="utf-8") as f:
        json.dump(changed, f)
    cli(["--merge", parts[0], other, "--output", merged_path], check_status=2)


def check_batching(folder):
    """Lines run in batches of the same token count; a line's numbers do not
    depend on the lines sharing its forward: the default run equals, bit for
    bit, the run that puts each line alone in its forward
    (ATTENTION_STATS_BATCH=1), on the first 150 lines of the bundled sample
    (many lines of each length)."""
    out = {}
    for batch in ("1", None):
        env = dict(ENV)
        env.pop("ATTENTION_STATS_BATCH", None)
        if batch:
            env["ATTENTION_STATS_BATCH"] = batch
        path = os.path.join(folder, f"batch-{batch}.json")
        proc = subprocess.run([CLI, "-m", MODEL, "--sample", "--shard", "1/14", "--output",
                               path], capture_output=True, env=env, timeout=600)
        assert proc.returncode == 0, proc.stderr
        out[batch] = load(path)
    assert out["1"]["lines"] == out[None]["lines"] > 100, out[None]["lines"]
    assert out["1"]["sums"] == out[None]["sums"], "batched sums differ from one line a forward"
    assert out["1"]["stats"] == out[None]["stats"]


def check_places(folder):
    """Where the run puts a line in a forward: it probes whether a line's
    numbers depend on the lines beside it (ATTENTION_STATS_PLACES unset)
    and, only where they do not, lets a forward take any lines of one
    length ("free"); otherwise each line keeps a fixed place ("fixed"). On
    either GEMM (oneDNN's, and OpenBLAS's with ATTN_SHIM_GEMM=blas), the
    probed run equals, bit for bit, the run forced to fixed places, and a
    probe that says "free" is right: the run forced to free places equals
    the fixed one too."""
    for gemm in (None, "blas"):
        sums, decision = {}, None
        for places in (None, "fixed", "free"):
            env = dict(ENV)
            for key in ("ATTENTION_STATS_PLACES", "ATTENTION_STATS_BATCH", "ATTN_SHIM_GEMM"):
                env.pop(key, None)
            if gemm:
                env["ATTN_SHIM_GEMM"] = gemm
            if places:
                env["ATTENTION_STATS_PLACES"] = places
            else:
                env["G_MESSAGES_DEBUG"] = "all"
            path = os.path.join(folder, f"places-{gemm}-{places}.json")
            proc = subprocess.run([CLI, "-m", MODEL, "--sample", "--shard", "1/14", "--output",
                                   path], capture_output=True, env=env, timeout=600)
            assert proc.returncode == 0, proc.stderr
            if not places:
                # GLib writes debug messages to standard output.
                found = re.findall(rb"place in its forward is (free|fixed)", proc.stdout)
                assert len(found) == 1, proc.stdout
                decision = found[0].decode()
            data = load(path)
            assert data["lines"] > 100, data["lines"]
            sums[places] = data["sums"]
        print(f"GEMM {gemm or 'default'}: the probe chose {decision} places; forced free "
              f"{'equals' if sums['free'] == sums['fixed'] else 'differs from'} fixed")
        assert sums[None] == sums["fixed"], f"GEMM {gemm}: probed run differs from fixed places"
        if decision == "free":
            assert sums["free"] == sums["fixed"], f"GEMM {gemm}: the probe chose free wrongly"


def check_huge_line(folder):
    """A 10 MB line is skipped by its size before it is tokenized: made of
    one letter, it would be a single [UNK] token and run. Its neighbours
    run."""
    corpus = os.path.join(folder, "huge.txt")
    with open(corpus, "wb") as f:
        f.write(b"The cat sat on the [MASK].\n")
        f.write(b"a" * (10 * 1024 * 1024) + b"\n")
        f.write(b"A dog barked.\n")
    out = os.path.join(folder, "huge.json")
    proc = cli(["--stats", corpus, "--output", out], check_status=0)
    stats = load(out)
    assert stats["lines"] == 2, stats["lines"]
    assert [s["line"] for s in stats["skipped"]] == [2], stats["skipped"]
    assert "10485760 bytes" in stats["skipped"][0]["reason"], stats["skipped"][0]
    assert b"1 line was skipped" in proc.stderr, proc.stderr


def check_relations(folder):
    for bad in ["nocolon", "x:the", "x:->a", "x:/unclosed->a", "x:the->@NOTATAG", "x:a,,b->c",
                "x:/(/->a"]:
        proc = cli(["--stats", "-", "--relation", bad], stdin=b"a [MASK]\n", check_status=2)
        assert b"malformed" in proc.stderr, (bad, proc.stderr)
    proc = cli(["--stats", "-", "--relation", "n:@NOUN->@VERB"], stdin=b"a [MASK]\n",
               check_status=2)
    assert b"--tags" in proc.stderr, proc.stderr

    # A hand-checked case. Each line ends in [MASK] (tagged X; special tokens
    # never match) so that --dump can run it; the test model's tokens are
    # checked first to be the words themselves.
    text = ["the dog saw a cat . [MASK]", "a cat and the big dog ran [MASK]"]
    tags = ["DET NOUN VERB DET NOUN . X", "DET NOUN CONJ DET ADJ NOUN VERB X"]
    for t in text:
        out = cli(["--tokens", t], check_status=0).stdout.decode()
        tokens = [row.split("\t")[0] for row in out.splitlines()]
        assert tokens == ["[CLS]"] + t.split() + ["[SEP]"], out
    corpus = os.path.join(folder, "tagged.txt")
    tag_file = os.path.join(folder, "tagged.tags")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(text) + "\n")
    with open(tag_file, "w", encoding="utf-8") as f:
        f.write("\n".join(tags) + "\n")
    out = os.path.join(folder, "rel.json")
    cli(["--stats", corpus, "--tags", tag_file, "--output", out,
         "--relation", "det:@DET->nearest:@NOUN", "--relation", "all:THE,a->/^(dog|cat)$/"],
        check_status=0)
    result = load(out)
    # Token positions count [CLS] as 0. Line 1: [CLS] the dog saw a cat . [MASK] [SEP]:
    # det: the(1)→dog(2), a(4)→cat(5). Line 2: [CLS] a cat and the big dog ran [MASK] [SEP]:
    # a(1)→cat(2), the(4)→dog(6) (big is an ADJ).
    pairs = {"det": [[(1, 2), (4, 5)], [(1, 2), (4, 6)]],
             # every the/a to every dog/cat of its line
             "all": [[(1, 2), (1, 5), (4, 2), (4, 5)], [(1, 2), (1, 6), (4, 2), (4, 6)]]}
    dumps = []
    for i, t in enumerate(text):
        path = os.path.join(folder, f"rel{i}.json")
        cli(["-k", "1", "--dump", path, t], check_status=0)
        dumps.append(np.array(load(path)["attentions"], dtype=np.float64))
    assert [r["name"] for r in result["relations"]] == ["det", "all"]
    for rel in result["relations"]:
        expected = pairs[rel["name"]]
        assert rel["pairs"] == sum(len(p) for p in expected), rel
        layers, heads = dumps[0].shape[:2]
        ref = np.zeros((layers, heads))
        for a, line_pairs in zip(dumps, expected):
            for i, j in line_pairs:
                ref += a[:, :, i, j]
        ref /= rel["pairs"]
        got = np.array(rel["scores"], dtype=np.float64)
        assert np.allclose(got, ref, atol=1e-6), (rel["name"], got, ref)
        ranked = rel["ranked"]
        assert len(ranked) == layers * heads
        best = np.unravel_index(np.argmax(ref), ref.shape)
        assert (ranked[0]["layer"] - 1, ranked[0]["head"] - 1) == best, (ranked[0], best)
        assert all(ranked[k]["score"] >= ranked[k + 1]["score"] for k in range(len(ranked) - 1))

    # nearest: on a tie the token to the right. "dog a cat": a(2) → cat(3), whose
    # weight is the score; "left" keeps the only dog(1).
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("dog a cat [MASK]\n")
    with open(tag_file, "w", encoding="utf-8") as f:
        f.write("NOUN DET NOUN X\n")
    cli(["--stats", corpus, "--tags", tag_file, "--output", out,
         "--relation", "det:@DET->nearest:@NOUN", "--relation", "left:a->nearest:dog"],
        check_status=0)
    result = load(out)
    assert [r["pairs"] for r in result["relations"]] == [1, 1]
    path = os.path.join(folder, "tie.json")
    cli(["-k", "1", "--dump", path, "dog a cat [MASK]"], check_status=0)
    a = np.array(load(path)["attentions"], dtype=np.float64)
    assert np.allclose(np.array(result["relations"][0]["scores"]), a[:, :, 2, 3], atol=1e-6)
    assert np.allclose(np.array(result["relations"][1]["scores"]), a[:, :, 2, 1], atol=1e-6)

    # The bundled sample runs with its tags (part of it: shard 1 of 40).
    out_sample = os.path.join(folder, "sample.json")
    cli(["--sample", "--shard", "1/40", "--output", out_sample,
         "--relation", "det:@DET->nearest:@NOUN"], check_status=0)
    sample = load(out_sample)
    assert sample["lines"] == 50 and sample["skipped"] == [], sample["skipped"]
    assert sample["relations"][0]["pairs"] > 50, sample["relations"][0]["pairs"]


def main():
    with tempfile.TemporaryDirectory() as folder:
        corpus, single = check_statistics(folder)
        check_shards(corpus, single, folder)
        check_relations(folder)
        check_batching(folder)
        check_places(folder)
        check_huge_line(folder)
        # Empty input: a clear message, exit 2, the (empty) file still written.
        out = os.path.join(folder, "empty.json")
        proc = cli(["--stats", "-", "--output", out], stdin=b"", check_status=2)
        assert b"No line" in proc.stderr and load(out)["lines"] == 0
    print("ok")


if __name__ == "__main__":
    main()
