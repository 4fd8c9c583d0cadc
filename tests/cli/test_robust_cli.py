#!/usr/bin/python3
"""attention-cli on odd text: invalid UTF-8 on the command line and
from a file on standard input (clear message, exit 2), no [MASK] (the
original's message, exit 1), several masks (a line per completion rank with
every mask filled), only [MASK], 100 KB of text (refused with its token count,
exit 2), control and zero-width characters (same predictions as clean text),
UTF-8 text in the C locale, --output-dir into a folder the user may not
write to (as uid 65534 when run as root, from copies in a folder that user can
reach), a run whose estimated memory is past ATTENTION_MAX_MEMORY (refused
with its numbers, before it runs), a 16 MiB safetensors header (refused
before it is parsed, at an ordinary start's memory), a run that runs out of
memory inside the model's code (said in words, not as TorchScript's
"RuntimeError: std::bad_alloc" or its code excerpt), and standard output on
a full disk.
Usage: test_robust_cli.py ATTENTION_CLI (model: $ATTENTION_TEST_MODEL)."""

import os
import shutil
import stat
import subprocess
import sys
import tempfile

CLI = sys.argv[1]
MODEL = os.environ["ATTENTION_TEST_MODEL"]
ENV = dict(os.environ, LC_ALL="C.UTF-8")


def cli(args, stdin=None, env=ENV):
    return subprocess.run([CLI, "-m", MODEL] + args, input=stdin, capture_output=True,
                          env=env, timeout=120)


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
    # The C locale (scripts, containers): UTF-8 text still works, in and out.
    c_env = dict(os.environ, LC_ALL="C")
    c_run = cli(["--tokens", "Caf\u00e9 na\u00efve"], env=c_env)
    utf8_run = cli(["--tokens", "Caf\u00e9 na\u00efve"])
    assert c_run.returncode == 0 and c_run.stdout == utf8_run.stdout, (c_run, utf8_run)
    check(cli(["-k", "1", "d\u00e9j\u00e0 [MASK]."], env=c_env), 0, "d\u00e9j\u00e0 ",
          stream="stdout")

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
    not_writable()
    memory_limit()
    huge_header()
    out_of_memory()

    # Standard output on a full disk: said, and not exit status 0.
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            proc = subprocess.run([CLI, "-m", MODEL, "a [MASK] here."], stdout=full,
                                  stderr=subprocess.PIPE, env=ENV, timeout=120)
        assert proc.returncode == 2, proc
        assert b"Could not write to standard output" in proc.stderr, proc.stderr
    print("ok")


def memory_limit():
    """A run estimated past ATTENTION_MAX_MEMORY is refused before it runs,
    with the numbers it was estimated from; under the limit it runs."""
    import json
    import zipfile
    with zipfile.ZipFile(MODEL) as z:
        name = next(n for n in z.namelist() if n.endswith("extra/config.json"))
        config = json.loads(z.read(name))
    text = "the [MASK] sat on the [MASK] ."
    tokens = cli(["--tokens", text]).stdout.decode().splitlines()
    # Far less than the attentions alone (layers × heads × tokens² floats).
    small = config["num_hidden_layers"] * config["num_attention_heads"] * len(tokens) ** 2
    proc = cli(["-k", "1", text], env=dict(ENV, ATTENTION_MAX_MEMORY=str(small)))
    check(proc, 2, "%d layers \u00d7 %d heads \u00d7 %d\u00b2 tokens"
          % (config["num_hidden_layers"], config["num_attention_heads"], len(tokens)),
          "2 [MASK] \u00d7 %d vocabulary words" % config["vocab_size"], "ATTENTION_MAX_MEMORY")
    assert proc.stdout == b"", proc.stdout
    check(cli(["-k", "1", text], env=dict(ENV, ATTENTION_MAX_MEMORY="1G")), 0, stream="stdout")


def out_of_memory():
    """64 layers × 64 heads (a 7 MB folder) on 490 tokens under a 2.2 GB
    address-space limit: the attentions alone need 3.9 GB, so libtorch's
    allocation fails inside the encoder's TorchScript code. The user reads
    why, in words, with exit status 2."""
    import resource
    if os.environ.get("ASAN_OPTIONS"):
        # AddressSanitizer reserves terabytes of address space up front.
        print("# out_of_memory: skipped under AddressSanitizer (needs RLIMIT_AS)")
        return
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "tools"))
    import json
    import safetensors_io
    folder_src = os.path.join(os.environ["ATTENTION_TEST_MODEL_DIR"], "hf-safetensors")
    config = json.load(open(os.path.join(folder_src, "config.json")))
    small = safetensors_io.load(os.path.join(folder_src, "model.safetensors"))
    inner = 64
    tensors = {}
    for name, value in small.items():
        if ".layer." not in name:
            tensors[name] = value
        elif ".layer.0." in name:
            if "intermediate.dense" in name:
                value = value[:inner]
            elif name.endswith("output.dense.weight") and "attention" not in name:
                value = value[:, :inner]
            for i in range(64):
                tensors[name.replace(".layer.0.", ".layer.%d." % i)] = value.clone()
    config.update(num_hidden_layers=64, num_attention_heads=64, intermediate_size=inner)
    assert config["hidden_size"] % 64 == 0
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(folder_src, "vocab.txt"), tmp)
        with open(os.path.join(tmp, "config.json"), "w") as f:
            json.dump(config, f)
        safetensors_io.save(os.path.join(tmp, "model.safetensors"), tensors)
        text = "the cat sat on the mat . " * 70 + "[MASK] ."

        def limit():
            resource.setrlimit(resource.RLIMIT_AS, (2200 << 20, 2200 << 20))
        proc = subprocess.run([CLI, "-m", tmp, "-k", "1"], input=text.encode() + b"\n",
                              capture_output=True, preexec_fn=limit, timeout=300,
                              env=dict(ENV, ATTENTION_MAX_MEMORY="1T"))
    err = check(proc, 2, "not enough memory to run the model on this text")
    for leak in ("bad_alloc", "RuntimeError", "def ", "HERE", "TorchScript"):
        assert leak not in err, (leak, err)


def huge_header():
    """A safetensors header of 16 MiB of valid JSON ("[0,0,…]") is refused
    before it is parsed into a tree: the CLI's peak memory stays near an
    ordinary start's (about 250 MB), not the 1.3 GB the tree took."""
    import resource
    import struct
    folder_src = os.path.join(os.environ["ATTENTION_TEST_MODEL_DIR"], "hf-safetensors")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("config.json", "vocab.txt", "tokenizer_config.json"):
            shutil.copy(os.path.join(folder_src, name), tmp)
        zeros = ",".join(["0"] * (8 << 20))
        raw = ('{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},'
               '"__metadata__":{"pad":[%s]}}' % zeros).encode()
        raw += b" " * (-len(raw) % 8)
        assert len(raw) >= 16 << 20
        with open(os.path.join(tmp, "model.safetensors"), "wb") as f:
            f.write(struct.pack("<Q", len(raw)) + raw)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        proc = subprocess.run([CLI, "-m", tmp, "a [MASK] ."], capture_output=True, env=ENV,
                              timeout=120)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB
    check(proc, 2, "header")
    assert peak < 700 * 1024, (before, peak)


def as_nobody():
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def world_reachable(path):
    """True when every folder from / down to path lets others in (o+x)."""
    path = os.path.realpath(path)
    while True:
        if not os.stat(path).st_mode & stat.S_IXOTH:
            return False
        if path == "/":
            return True
        path = os.path.dirname(path)


def public_tempdir():
    """A fresh folder that nobody can reach: the build tree and $TMPDIR may
    sit in a mode-700 home."""
    for parent in (tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(parent) and world_reachable(parent):
            return tempfile.TemporaryDirectory(dir=parent)
    raise AssertionError("no temporary folder that every user can reach")


def not_writable():
    """A read-only output folder: the reason and "0 of N" on stderr, exit 2,
    nothing left in it. Root ignores permission bits, so the CLI then runs as
    nobody, from copies of the program, the shim module and the model in a
    folder every user can read: the build tree may be in a mode-700 home."""
    as_root = os.getuid() == 0
    with public_tempdir() if as_root else tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        cli_path, model, env = CLI, MODEL, ENV
        if as_root:
            shim = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(CLI))), "shim", "module",
                                "libattention-shim.so")
            cli_path = shutil.copy(CLI, os.path.join(tmp, "attention-cli"))
            model = shutil.copy(MODEL, os.path.join(tmp, "model.pt"))
            env = dict(ENV, ATTENTION_SHIM_MODULE=shutil.copy(shim, tmp), HOME=tmp)
            for path in (cli_path, model, env["ATTENTION_SHIM_MODULE"]):
                os.chmod(path, 0o755)
        out = os.path.join(tmp, "out")
        os.mkdir(out, 0o555)
        try:
            proc = subprocess.run([cli_path, "-m", model, "-o", out, "a [MASK] here."],
                                  capture_output=True, env=env, timeout=120,
                                  preexec_fn=as_nobody if as_root else None)
        except (PermissionError, subprocess.SubprocessError) as e:
            # Only where root may not change its uid (a user namespace).
            print("not-writable folder: skipped, cannot run as nobody:", e)
            return
        err = check(proc, 2, "Wrote 0 of ", "Permission denied")
        assert os.listdir(out) == [], os.listdir(out)
        assert out in err, err


if __name__ == "__main__":
    main()
