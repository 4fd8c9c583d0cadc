#!/usr/bin/python3
"""tools/fetch-bert, offline: arguments, URLs, size checks, and a full run
against a file:// mirror laid out like the hub (when curl is installed)."""

import contextlib
import importlib.machinery
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import torch

TOOLS = os.environ.get("ATTENTION_TOOLS_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)

import attention_testmodel  # noqa: E402

FETCH = os.path.join(TOOLS, "fetch-bert")


def _load(path, name):
    loader = importlib.machinery.SourceFileLoader(name, path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader))
    loader.exec_module(module)
    return module


fetch = _load(FETCH, "fetch_bert")


def run(*args, env=None):
    return subprocess.run([sys.executable, FETCH, *args], capture_output=True, text=True,
                          check=False, env=env)


class TestArguments(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.env = dict(os.environ, HOME=self.tmp.name)
        self.env.pop("XDG_DATA_HOME", None)
        self.env.pop("HF_ENDPOINT", None)

    def tearDown(self):
        self.tmp.cleanup()

    def test_help_says_untested(self):
        r = run("--help", env=self.env)
        self.assertEqual(r.returncode, 0)
        self.assertIn("offline", r.stdout)
        self.assertIn("--dry-run", r.stdout)

    def test_default_dry_run(self):
        r = run("--dry-run", env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        base = "https://huggingface.co/bert-base-uncased/resolve/main/"
        for name in ("config.json", "vocab.txt", "tokenizer_config.json",
                     "model.safetensors", "pytorch_model.bin"):
            self.assertIn(base + name, r.stdout)
        self.assertIn(os.path.join(self.tmp.name, ".local", "share", "attention", "models",
                                   "bert-base-uncased.pt"), r.stdout)
        lines = r.stdout.splitlines()
        self.assertLess(lines.index("weights:  " + base + "model.safetensors"),
                        lines.index("  else:   " + base + "pytorch_model.bin"))

    def test_options(self):
        env = dict(self.env, XDG_DATA_HOME=os.path.join(self.tmp.name, "xdg"))
        r = run("google/bert_uncased_L-2_H-128_A-2", "--revision", "v1", "--dry-run", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("https://huggingface.co/google/bert_uncased_L-2_H-128_A-2/resolve/v1/"
                      "vocab.txt", r.stdout)
        self.assertIn(os.path.join(self.tmp.name, "xdg", "attention", "models",
                                   "google--bert_uncased_L-2_H-128_A-2.pt"), r.stdout)
        r = run("m", "--out", "/x/y.pt", "--endpoint", "http://mirror.test/", "--dry-run",
                env=env)
        self.assertIn("http://mirror.test/m/resolve/main/config.json", r.stdout)
        self.assertIn("output:   /x/y.pt", r.stdout)
        r = run("m", "--dry-run", env=dict(env, HF_ENDPOINT="http://env.test"))
        self.assertIn("http://env.test/m/resolve/main/config.json", r.stdout)

    def test_bad_ids(self):
        for bad in ("../etc", "a b", "a/b/c", "/abs", "x/..", ".hidden"):
            r = run(bad, "--dry-run", env=self.env)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn("not a model id", r.stderr, bad)
        self.assertEqual(run("a", "b", "--dry-run", env=self.env).returncode, 2)

    def test_parse_size(self):
        self.assertEqual(fetch.parse_size("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n"), 12)
        redirects = ("HTTP/1.1 302 Found\r\nContent-Length: 1102\r\nX-Linked-Size: 440473133"
                     "\r\n\r\nHTTP/2 200\r\ncontent-length: 440473133\r\n")
        self.assertEqual(fetch.parse_size(redirects), 440473133)
        self.assertEqual(fetch.parse_size("HTTP/1.1 302\r\nContent-Length: 5\r\n\r\n"
                                          "HTTP/1.1 200\r\nContent-Length: 77\r\n"), 77)
        self.assertEqual(fetch.parse_size("  Content-Length: 9\n"), 9)  # wget -S
        self.assertIsNone(fetch.parse_size("HTTP/1.1 200 OK\r\n"))

    def test_size_mismatch_refused(self):
        src = os.path.join(self.tmp.name, "src.txt")
        with open(src, "w") as f:
            f.write("hello")
        saved_size, saved_download = fetch.remote_size, fetch.download
        fetch.remote_size = lambda tool, url: 6
        fetch.download = lambda tool, url, dest: shutil.copy(src, dest) and True
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                with self.assertRaisesRegex(fetch.FetchError, "got 5 bytes.*announced 6"):
                    fetch.fetch_file("curl", "u", os.path.join(self.tmp.name, "d"))
                fetch.remote_size = lambda tool, url: 5
                self.assertTrue(fetch.fetch_file("curl", "u",
                                                 os.path.join(self.tmp.name, "d")))
        finally:
            fetch.remote_size, fetch.download = saved_size, saved_download


@unittest.skipUnless(shutil.which("curl"), "curl is not installed (file:// mirror test)")
class TestMirror(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = cls.tmp.name
        fixture = os.environ.get("ATTENTION_TEST_MODEL_DIR")
        if not fixture or not os.path.isdir(os.path.join(fixture, "hf-bin")):
            fixture = os.path.join(root, "tm")
            attention_testmodel.make(fixture, seed=0, reference=False, log=lambda m: None)
        cls.fixture = fixture
        cls.mirror = os.path.join(root, "mirror")
        # org/st: safetensors; org/bin: only the legacy pytorch_model.bin.
        shutil.copytree(os.path.join(fixture, "hf-safetensors"),
                        os.path.join(cls.mirror, "org", "st", "resolve", "main"))
        shutil.copytree(os.path.join(fixture, "hf-bin"),
                        os.path.join(cls.mirror, "org", "bin", "resolve", "main"))
        cls.endpoint = "file://" + cls.mirror

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def outputs(self, path):
        m = torch.jit.load(path)
        ids = torch.tensor([[101, 500, 103, 102]])
        with torch.no_grad():
            return m.forward_at(ids, torch.ones_like(ids), torch.tensor([2]))

    def test_fetch_and_convert(self):
        want = self.outputs(os.path.join(self.fixture, "test-model.pt"))
        for model_id in ("org/st", "org/bin"):
            out = os.path.join(self.tmp.name, model_id.replace("/", "-") + ".pt")
            keep = os.path.join(self.tmp.name, "keep-" + model_id.replace("/", "-"))
            r = run(model_id, "--endpoint", self.endpoint, "--out", out, "--keep", keep)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(f"{self.endpoint}/{model_id}/resolve/main/config.json", r.stdout)
            self.assertIn("wrote " + out, r.stdout)
            got = self.outputs(out)
            self.assertLess((got[0] - want[0]).abs().max().item(), 1e-5)
            self.assertTrue(torch.equal(got[1], want[1]))
            kept = sorted(os.listdir(keep))
            if model_id == "org/st":
                self.assertEqual(kept, ["config.json", "model.safetensors",
                                        "tokenizer_config.json", "vocab.txt"])
            else:
                self.assertEqual(kept, ["config.json", "pytorch_model.bin", "vocab.txt"])

    def test_missing_file(self):
        out = os.path.join(self.tmp.name, "none.pt")
        r = run("org/absent", "--endpoint", self.endpoint, "--out", out)
        self.assertEqual(r.returncode, 1)
        self.assertIn("could not download", r.stderr)
        self.assertIn("org/absent/resolve/main/config.json", r.stderr)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main(verbosity=2)
