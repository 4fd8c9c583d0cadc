#!/usr/bin/python3
"""attention-cli --download against a local hub that lies
(tests/fixtures/local_hub.py on 127.0.0.1): nothing it sends is installed
unless it has a known size, and its hash when one is given; transfers are
bounded in size and time; its words are shown, never obeyed, by the terminal.

- vocab.txt cut at half, with the connection closed (no Content-Length) or
  a short Content-Length: its ETag, a git blob sha1, names the whole file;
- weights sent chunked, in place, with no size and no hash, cut at half;
- X-Linked-ETag "not-a-sha";
- a resumed vocab.txt after the server changed it: restarted, not spliced;
- an endless chunked config.json, a 64 MiB one (test_download_cli.py);
- a byte every second in the body, and in the headers;
- an ESC in a reason phrase and in config.json's model_type;
- a redirect to file://.

usage: test_download_hostile.py ATTENTION_CLI (needs $ATTENTION_TEST_MODEL_DIR)"""

import hashlib
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_download_cli as base  # noqa: E402
from test_download_cli import MODEL  # noqa: E402

VOCAB_URL = "/%s/resolve/main/vocab.txt" % MODEL


def git_blob_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class HostileHub(base.HubCase):
    def vocab(self):
        with open(os.path.join(self.root, MODEL, "vocab.txt"), "rb") as f:
            return f.read()

    def assert_refused(self, r, *needles):
        self.assertEqual(r.returncode, 2, r.stderr)
        for needle in needles:
            self.assertIn(needle, r.stderr)
        self.assertNotIn("\x1b", r.stderr)
        self.assertNotIn("CRITICAL", r.stderr)
        self.assert_not_installed()

    def test_vocab_cut_connection_closed(self):
        self.faults(no_length=["vocab.txt"], cut={"vocab.txt": len(self.vocab()) // 2})
        r = self.download()
        self.assert_refused(r, "vocab.txt is incomplete or damaged",
                            git_blob_sha1(self.vocab()))

    def test_vocab_short_content_length(self):
        self.faults(short_length={"vocab.txt": len(self.vocab()) // 2})
        r = self.download()
        self.assert_refused(r, "vocab.txt is incomplete or damaged")

    def test_weights_chunked_without_size_or_hash(self):
        size = os.path.getsize(os.path.join(self.root, MODEL, "model.safetensors"))
        self.faults(direct=["model.safetensors"], chunked=["model.safetensors"],
                    no_etag=["model.safetensors"], cut={"model.safetensors": size // 2})
        r = self.download()
        self.assert_refused(r, "model.safetensors cannot be checked: the server announced "
                               "neither its size nor a hash")

    def test_linked_etag_not_a_sha(self):
        self.faults(linked_etag={"model.safetensors": '"not-a-sha"'})
        r = self.download()
        self.assert_refused(r, "model.safetensors cannot be checked", "not-a-sha")

    def test_resume_after_the_file_changed(self):
        old = self.vocab()
        self.faults(cut={"vocab.txt": len(old) // 2})
        r = self.download()
        self.assertEqual(r.returncode, 2, r.stderr)
        # The server's vocab.txt changes (same length) before the retry.
        new = old[:-12] + old[-12:].upper()
        self.assertTrue(new != old and len(new) == len(old))
        with open(os.path.join(self.root, MODEL, "vocab.txt"), "wb") as f:
            f.write(new)
        self.faults()
        r = self.download()
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.folder(), "vocab.txt"), "rb") as f:
            self.assertTrue(f.read() == new, "not the server's new vocab.txt")
        # It asked to resume, saw another version, and started over.
        ranges = [rg for p, rg in self.hub.requests if p == VOCAB_URL]
        self.assertEqual(ranges[-2:], ["bytes=%d-" % (len(old) // 2), None])

    def test_endless_config(self):
        self.faults(endless=["config.json"])
        r = self.download()
        self.assert_refused(r, "config.json is larger than 1.0\xa0MB")
        self.assertLess(self.hub.sent.get("/%s/resolve/main/config.json" % MODEL, 0), 8 << 20)

    def test_drip_body(self):
        self.faults(drip_body={"config.json": 1})
        r = self.download(env=dict(self.env, ATTENTION_HUB_TIMEOUT="3"))
        self.assert_refused(r, "at under 1 kB/s for 3 seconds", "the server is too slow")

    def test_drip_headers(self):
        self.faults(drip_headers={"config.json": 1})
        r = self.download(env=dict(self.env, ATTENTION_HUB_TIMEOUT="3"))
        self.assert_refused(r, "did not finish its answer within 3 seconds",
                            "the server is too slow")

    def test_escapes_in_reason_phrase(self):
        self.faults(status={"config.json": [500, "Oops \x1b]0;pwned\x07\x1b[2J"]})
        r = self.download()
        self.assert_refused(r, "500 Oops \\x1B]0;pwned\\x07\\x1B[2J for config.json")

    def test_escapes_in_model_type(self):
        d = os.path.join(self.root, MODEL)
        with open(os.path.join(d, "config.json"), "w", encoding="utf-8") as f:
            json.dump({"model_type": "\x1b[31mbert"}, f)
        r = self.download()
        self.assert_refused(r, "is a \\x1B[31mbert model")

    def test_file_redirect(self):
        self.faults(redirect_to={"config.json": "file:///etc/passwd"})
        r = self.download()
        self.assert_refused(r, "The hub redirected to an invalid address: file:///etc/passwd")


if __name__ == "__main__":
    base.CLI = os.path.abspath(sys.argv.pop(1))
    base.PAYLOAD = os.path.join(os.environ["ATTENTION_TEST_MODEL_DIR"], "hf-safetensors")
    unittest.main(verbosity=2)
