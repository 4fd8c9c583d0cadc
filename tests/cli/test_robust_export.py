#!/usr/bin/python3
"""attention-cli --output-dir against hostile circumstances:

- SIGINT or SIGTERM while a diagram is being written: exit 130 or 143, and
  the hidden temporary file (.Attention_Layer…png.XXXXXX) is removed;
- a second export into a folder another export holds (its flock): the CLI
  says so, waits, and writes its set when the folder is free;
- diagrams of an earlier, bigger set in the folder: a warning that names
  them, and they are kept;
- SIGKILL mid-diagram leaves its hidden temporary file (no handler runs):
  the next export into that folder removes it, and only files of the
  export's own pattern.

Usage: test_robust_export.py ATTENTION_CLI (model: $ATTENTION_TEST_MODEL)."""

import fcntl
import os
import signal
import subprocess
import sys
import tempfile
import time

CLI = sys.argv[1]
MODEL = os.environ["ATTENTION_TEST_MODEL"]
ENV = dict(os.environ, LC_ALL="C.UTF-8")
# 302 tokens: diagrams 12,280 pixels square, seconds each to draw and write.
LONG = "[MASK]" + " the" * 300


def hidden(folder):
    return [n for n in os.listdir(folder) if n.startswith(".")]


def export(folder, text=LONG, **kwargs):
    return subprocess.Popen([CLI, "-m", MODEL, "-k", "1", "--output-dir", folder, text],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, **kwargs)


def wait_for(condition, timeout=240):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_signal(signum, status):
    with tempfile.TemporaryDirectory() as folder:
        proc = export(folder)
        # Strike while a diagram is half-written.
        wait_for(lambda: hidden(folder) or proc.poll() is not None)
        assert proc.poll() is None, proc.stderr.read()
        proc.send_signal(signum)
        proc.wait(timeout=60)
        assert proc.returncode == status, (signum, proc.returncode, proc.stderr.read())
        assert hidden(folder) == [], hidden(folder)
        proc.stderr.close()
        print(f"signal {signum}: exit {proc.returncode}, nothing hidden left")


def test_lock():
    with tempfile.TemporaryDirectory() as folder:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(fd, fcntl.LOCK_EX)  # as another export holds it
        proc = export(folder, "the cat sat on the [MASK] .")
        err = b""
        # It says why it waits, and writes nothing meanwhile.
        while b"waiting" not in err:
            line = proc.stderr.readline()
            assert line, (proc.poll(), err)
            err += line
        assert b"Another export is writing into" in err, err
        time.sleep(0.5)
        assert proc.poll() is None and os.listdir(folder) == [], os.listdir(folder)
        os.close(fd)  # released
        proc.wait(timeout=120)
        assert proc.returncode == 0, (proc.returncode, proc.stderr.read())
        proc.stderr.close()
        assert any(n.startswith("Attention_Layer1_Head1.") for n in os.listdir(folder))
        assert hidden(folder) == []
        # The lock is the folder's own: no lock file is left in it.
        print("lock: waited, then wrote", len(os.listdir(folder)), "files")


def test_stale():
    with tempfile.TemporaryDirectory() as folder:
        stale = ["Attention_Layer9_Head9.png", "Attention_Layer1_Head12.svg",
                 "Lines_Layer9_Head1.pdf"]
        keep = ["Attention_Layer1_Head1.txt", "Attention_Layer01_Head9.png", "notes.png",
                "Lines_Layer1_Head1.png"]
        for name in stale + keep:
            open(os.path.join(folder, name), "w").close()
        proc = subprocess.run([CLI, "-m", MODEL, "-k", "1", "--output-dir", folder,
                               "the cat sat on the [MASK] ."], capture_output=True, env=ENV,
                              timeout=120)
        err = proc.stderr.decode()
        assert proc.returncode == 0, err
        assert "3 diagrams outside this model's" in err, err
        assert "Attention_Layer9_Head9.png and 2 more" in err or \
            "Attention_Layer1_Head12.svg and 2 more" in err, err
        for name in stale + keep:
            assert os.path.exists(os.path.join(folder, name)), name
        # Nothing to say when the folder holds only the new set.
        again = subprocess.run([CLI, "-m", MODEL, "-k", "1", "--output-dir", folder + "/new",
                                "the cat sat on the [MASK] ."], capture_output=True, env=ENV,
                               timeout=120)
        assert again.returncode == 0 and again.stderr == b"", again.stderr
        print("stale:", err.strip())


def test_sigkill():
    with tempfile.TemporaryDirectory() as folder:
        proc = export(folder)
        wait_for(lambda: hidden(folder) or proc.poll() is not None)
        assert proc.poll() is None, proc.stderr.read()
        proc.kill()
        proc.wait(timeout=60)
        proc.stderr.close()
        left = hidden(folder)
        assert left, "SIGKILL left nothing to clean: the test proves nothing"
        # Hidden files that are not an export's temporary files stay.
        others = [".notes.txt", ".Attention_Layer1_Head1.png.tmp", ".notes.png.ABCDEF",
                  ".attention.json.ABC"]
        for name in others:
            open(os.path.join(folder, name), "w").close()
        proc = subprocess.run([CLI, "-m", MODEL, "-k", "1", "--output-dir", folder,
                               "the cat sat on the [MASK] ."], capture_output=True, env=ENV,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert sorted(hidden(folder)) == sorted(others), (left, hidden(folder))
        print("sigkill: the next export removed", left)


def main():
    test_sigkill()
    test_stale()
    test_lock()
    test_signal(signal.SIGINT, 130)
    test_signal(signal.SIGTERM, 143)
    return 0


if __name__ == "__main__":
    sys.exit(main())
