#!/usr/bin/python3
"""A model's trained length on the command line: a text longer than it runs,
with a warning on stderr that names both numbers and every token past the
limit; a text within it runs without one; past max_position_embeddings it is
the clear error it always was. The limited model is the test model with
"trained_length" set in its config.json (fixtures/set_bundle_config.py); the
demo model is checked against its own config.json, read here with zipfile.
Usage: test_limits_cli.py ATTENTION_CLI SET_BUNDLE_CONFIG DEMO_BUNDLE."""

import json
import os
import subprocess
import sys
import tempfile
import zipfile

CLI, SET_CONFIG, DEMO = sys.argv[1:4]
MODEL = os.environ["ATTENTION_TEST_MODEL"]
ENV = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")
LIMIT = 8


def cli(model, text):
    return subprocess.run([CLI, "-m", model, "-k", "1", text], capture_output=True,
                          env=ENV, timeout=180)


def tokens(model, text):
    """The model's tokens of text, [CLS] and [SEP] included (--tokens)."""
    proc = subprocess.run([CLI, "-m", model, "--tokens", text], capture_output=True,
                          env=ENV, timeout=180, check=True)
    return [line.split("\t")[0] for line in proc.stdout.decode().splitlines()]


def bundle_config(path):
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith("/config.json")
                    or n == "config.json" or n.endswith("extra/config.json"))
        return json.loads(z.read(name))


def check_warning(model, text, limit):
    toks = tokens(model, text)
    proc = cli(model, text)
    err = proc.stderr.decode()
    assert proc.returncode == 0, (proc.returncode, err)
    assert proc.stdout.strip(), proc.stdout
    if len(toks) <= limit:
        assert "trained on" not in err, err
        return
    # Both numbers and the tokens past the limit, in order, on one line.
    line = next(line for line in err.splitlines() if "trained on" in line)
    assert f"at most {limit} tokens" in line, line
    assert f"the text has {len(toks)}" in line, line
    assert f"{limit + 1}–{len(toks)}" in line, line
    assert line.endswith(": " + " ".join(toks[limit:])), (line, toks[limit:])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        limited = os.path.join(tmp, "limited.pt")
        subprocess.run([sys.executable, SET_CONFIG, MODEL, limited, f"trained_length={LIMIT}"],
                       check=True, capture_output=True)
        long_text = "the cat sat on the [MASK] and the dog lay by the door ."
        assert len(tokens(limited, long_text)) > LIMIT
        check_warning(limited, long_text, LIMIT)
        check_warning(limited, "the [MASK] sat .", LIMIT)
        # Exactly at the limit: 6 words + [CLS] + [SEP] = 8 tokens, no warning.
        at_limit = "the cat sat on the [MASK]"
        assert len(tokens(limited, at_limit)) == LIMIT
        check_warning(limited, at_limit, LIMIT)
        # The same text on the model without the key: no warning.
        proc = cli(MODEL, long_text)
        assert proc.returncode == 0 and "trained on" not in proc.stderr.decode(), proc.stderr

        # trained_length must be a whole number within the position table.
        bad = os.path.join(tmp, "bad.pt")
        subprocess.run([sys.executable, SET_CONFIG, MODEL, bad, "trained_length=100000"],
                       check=True, capture_output=True)
        proc = cli(bad, "the [MASK] sat .")
        assert proc.returncode == 2 and "trained_length" in proc.stderr.decode(), proc.stderr

    # A long text on the demo model, 150 tokens or so: the warning exactly when
    # its own config.json says the text is too long.
    config = bundle_config(DEMO)
    limit = config.get("trained_length", config["max_position_embeddings"])
    sentence = ("after the long winter the people of the village went out to the fields , "
                "and they worked from morning until night . ")
    text = sentence * 6 + "then they went [MASK] ."
    n = len(tokens(DEMO, text))
    assert 120 <= n <= 200, n
    check_warning(DEMO, text, limit)
    print(f"demo model: {n} tokens, trained length {limit}")


if __name__ == "__main__":
    main()
