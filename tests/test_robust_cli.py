#!/usr/bin/python3
"""attention-cli on odd text (issue 7): invalid UTF-8 on the command line and
from a file on standard input (clear message, exit 2), no [MASK] (the
original's message, exit 1), several masks (a line per completion rank with
every mask filled), only [MASK], 100 KB of text (refused with its token count,
exit 2), control and zero-width characters (same predictions as clean text).
Usage: test_robust_cli.py ATTENTION_CLI (model: $ATTENTION_TEST_MODEL)."""

import os
import subprocess
import sys
import tempfile

CLI = sys.argv[1]
MODEL = os.environ["ATTENTION_TEST_MODEL"]
ENV = dict(os.environ, LC_ALL="C.UTF-8")


def cli(args, stdin=None):
    return subprocess.run([CLI, "-m", MODEL] + args, input=stdin, capture_output=True,
                          env=ENV, timeout=120)


def check(proc, status, *needles, stream="stderr"):
    text = getattr(proc, stream).decode("utf-8")  # every message is valid UTF-8
    assert proc.returncode == status, (proc.returncode, proc.stdout, proc.stderr)
    for needle in needles:
        assert needle in text, (needle, text)
    assert "Traceback" not in text and "Segmentation" not in text
    return text


def main():
    # Invalid UTF-8 as an argument (os.fsencode keeps the raw bytes).
    check(cli([b"The \xff [MASK] here.".decode("utf-8", "surrogateescape")]), 2, "UTF-8")
    # ... and from a file on standard input, with the byte offset.
    with tempfile.TemporaryFile() as f:
        f.write(b"caf\xc3 [MASK]\n")
        f.seek(0)
        proc = subprocess.run([CLI, "-m", MODEL], stdin=f, capture_output=True, env=ENV,
                              timeout=120)
    check(proc, 2, "UTF-8", "3")

    check(cli(["No mask here."]), 1, "Input must include mask token [MASK].")

    several = check(cli(["[MASK] is the [MASK] of france.", "-k", "2"]), 0, stream="stdout")
    lines = [line for line in several.splitlines() if line.strip()]
    assert len(lines) == 2 and all("[MASK]" not in line for line in lines), several

    only = check(cli(["[MASK]", "-k", "3"]), 0, stream="stdout")
    assert len([line for line in only.splitlines() if line.strip()]) == 3, only

    # 100 KB through the prompt: refused with the count that --tokens gives.
    big = ("the queen of [MASK] sat in the bank , 42 times ! " * 2200).encode()
    assert len(big) > 100 * 1024
    tokens = subprocess.run([CLI, "-m", MODEL, "--tokens", big.decode()], capture_output=True,
                            env=ENV, timeout=120, check=True).stdout.decode().splitlines()
    check(cli([], stdin=big + b"\n"), 2, str(len(tokens)), "512")

    clean = check(cli(["the cat sat on the [MASK]."]), 0, stream="stdout")
    odd = check(cli(["\x01the\u200b cat\x7f sat\u200d on \ufeffthe\x1b [MASK]\u00ad."]), 0,
                stream="stdout")
    # The text is echoed as typed; the completions must be the same words.
    def words(out):
        return [line.split()[-1].strip("\u00ad.") for line in out.splitlines() if line.strip()]
    assert words(clean) == words(odd) and len(words(clean)) == 3, (clean, odd)
    print("ok")


if __name__ == "__main__":
    main()
