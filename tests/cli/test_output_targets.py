#!/usr/bin/python3
"""attention-cli writing onto paths that are not regular files.

A regular file is replaced atomically; anything else is written into as it
is, and never replaced by a regular file:
- --dump through a symbolic link to /dev/null: the link and the device stay;
- --dump onto a FIFO someone reads: the reader gets the JSON, the FIFO stays;
- --dump onto a FIFO nobody reads: refused with the reason, exit 2, no hang;
- --dump through a link to /proc/self/fd/1: the JSON comes out on standard
  output after the completions, the link stays;
- --dump through a link to a regular file: the file gets the JSON, the link
  stays a link;
- --output-dir where one diagram's name is a link to /dev/null: the rest of
  the set is written, the link stays.
Everything lives in a private temporary folder; /dev/null is the device (a
user may not make device nodes).
Usage: test_output_targets.py ATTENTION_CLI (model: $ATTENTION_TEST_MODEL)."""

import json
import os
import select
import stat
import subprocess
import sys
import tempfile
import time

CLI = sys.argv[1]
MODEL = os.environ["ATTENTION_TEST_MODEL"]
ENV = dict(os.environ, LC_ALL="C.UTF-8")
TEXT = "the cat sat on the [MASK] ."


def cli(*args, **kwargs):
    return subprocess.run([CLI, "-m", MODEL, "-k", "1"] + list(args), capture_output=True,
                          env=ENV, timeout=120, **kwargs)


def assert_dump(data):
    """The dump is the JSON of the run: the sentence's tokens are in it."""
    dump = json.loads(data)
    assert "[MASK]" in json.dumps(dump), data[:200]


def assert_null_intact():
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is no longer a device"


def test_link_to_null(tmp):
    link = os.path.join(tmp, "null")
    os.symlink("/dev/null", link)
    proc = cli("--dump", link, TEXT)
    assert proc.returncode == 0, proc
    assert os.path.islink(link) and os.readlink(link) == "/dev/null", os.lstat(link)
    assert_null_intact()
    print("link to /dev/null: kept")


def test_fifo_read(tmp):
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    # Non-blocking, so the test never hangs whatever the CLI does; the pipe
    # is drained while the CLI writes (the dump is bigger than a pipe).
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    proc = subprocess.Popen([CLI, "-m", MODEL, "-k", "1", "--dump", fifo, TEXT],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    data = b""
    end = time.monotonic() + 120
    while time.monotonic() < end:
        ready, _, _ = select.select([reader], [], [], 0.1)
        chunk = os.read(reader, 65536) if ready else b""
        data += chunk
        if not chunk and proc.poll() is not None:
            break
        if not chunk:
            time.sleep(0.02)  # no writer yet: select says "readable" at once
    os.close(reader)
    proc.wait(timeout=10)
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.returncode == 0, (proc.returncode, err)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced"
    assert_dump(data)
    print("FIFO with a reader: %d bytes through it, kept" % len(data))


def test_fifo_unread(tmp):
    fifo = os.path.join(tmp, "lonely")
    os.mkfifo(fifo)
    proc = cli("--dump", fifo, TEXT)
    assert proc.returncode == 2, proc
    assert b"lonely" in proc.stderr and b"No such device" in proc.stderr, proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced"
    print("FIFO without a reader: refused (%s)" % proc.stderr.decode().strip())


def test_link_to_stdout(tmp):
    link = os.path.join(tmp, "stdout")
    os.symlink("/proc/self/fd/1", link)
    proc = cli("--dump", link, TEXT)
    assert proc.returncode == 0, proc
    assert os.path.islink(link), "the link was replaced"
    out = proc.stdout.decode()
    start = out.index("{")
    assert "[MASK]" not in out[:start] and out[:start].strip(), out[:start]
    assert_dump(out[start:])
    print("link to /proc/self/fd/1: the JSON on standard output")


def test_link_to_file(tmp):
    target = os.path.join(tmp, "real.json")
    with open(target, "w") as f:
        f.write("old")
    link = os.path.join(tmp, "link.json")
    os.symlink("real.json", link)
    proc = cli("--dump", link, TEXT)
    assert proc.returncode == 0, proc
    assert os.path.islink(link), "the link was replaced"
    with open(target, "rb") as f:
        assert_dump(f.read())
    assert sorted(n for n in os.listdir(tmp) if n.startswith(".")) == []
    print("link to a regular file: the target replaced, the link kept")


def test_export_link(tmp):
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    link = os.path.join(out, "Attention_Layer1_Head1.png")
    os.symlink("/dev/null", link)
    proc = cli("-o", out, TEXT)
    assert proc.returncode == 0, proc
    assert os.path.islink(link), "the link was replaced"
    assert_null_intact()
    assert os.path.isfile(os.path.join(out, "Attention_Layer1_Head2.png"))
    print("export: a diagram linked to /dev/null stays so")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o700)
        test_link_to_null(tmp)
        test_fifo_read(tmp)
        test_fifo_unread(tmp)
        test_link_to_stdout(tmp)
        test_link_to_file(tmp)
        test_export_link(tmp)
    print("ok")


if __name__ == "__main__":
    main()
