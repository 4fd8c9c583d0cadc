#!/usr/bin/python3
"""A stand-in for huggingface.co on 127.0.0.1, for the download tests.

It serves ROOT/MODEL_ID/FILE with the hub's URL layout and headers:
- GET /MODEL_ID/resolve/main/FILE
  - an LFS file (*.safetensors, *.bin): 302 to /cdn-lfs/..., with
    X-Linked-Size, X-Linked-ETag and ETag carrying the file's sha256, as the
    hub does (the CDN's own ETag is not a sha256);
  - any other file: 200 with a git-blob ETag (a sha1), Content-Length,
    Accept-Ranges: bytes;
  - a file the model lacks: 404, X-Error-Code: EntryNotFound;
  - a model it lacks: 401, X-Error-Code: RepositoryNotFound (the hub's answer
    for unknown and private repositories alike).
- GET /cdn-lfs/MODEL_ID/FILE: the bytes, with Range support (206, 416).

Faults come from ROOT/MODEL_ID/hub.json, read at every request, so a test
can change them between two runs of the client:
  {"cut": {"FILE": N}}            send N bytes, then drop the connection
  {"stall": {"FILE": N}}          send N bytes, then send nothing more
  {"slow": {"FILE": BYTES_PER_S}} throttle the body
  {"size_delta": {"FILE": D}}     announce X-Linked-Size = size + D
  {"bad_sha": ["FILE"]}           announce another sha256
  {"moved_to": "OWNER/NAME"}      307 to the new id, as for a renamed repo
  {"no_range": true}              ignore Range requests
Every request is logged (path and Range header) for the tests to check.

Run as a program (for tests in C): `local_hub.py ROOT` prints its base URL
on a line of its own and serves until its standard input is closed; each
request is appended to ROOT/requests.log as "PATH<TAB>RANGE".
"""

import hashlib
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

LFS_SUFFIXES = (".safetensors", ".bin")
CHUNK = 16384


class Hub:
    def __init__(self, root):
        self.root = root
        self.requests = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.log_path = None
        hub = self

        class Handler(_Handler):
            pass

        Handler.hub = hub
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = None

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def log(self, path, range_header):
        with self.lock:
            self.requests.append((path, range_header))
            if self.log_path is not None:
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write("%s\t%s\n" % (path, range_header or ""))

    def faults(self, model_id):
        path = os.path.join(self.root, model_id, "hub.json")
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return {}


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _git_blob_sha1(path):
    with open(path, "rb") as f:
        data = f.read()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub = None

    def log_message(self, format, *args):  # quiet
        pass

    def _error(self, status, code, message):
        body = json.dumps({"error": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if code:
            self.send_header("X-Error-Code", code)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        hub = self.hub
        path = urllib.parse.urlsplit(self.path).path
        hub.log(path, self.headers.get("Range"))
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if parts and parts[0] == "cdn-lfs" and len(parts) >= 3:
            return self._serve_bytes("/".join(parts[1:-1]), parts[-1], cdn=True)
        if len(parts) >= 4 and parts[-3] == "resolve" and parts[-2] == "main":
            return self._resolve("/".join(parts[:-3]), parts[-1])
        return self._error(404, None, "Not Found")

    def _resolve(self, model_id, name):
        hub = self.hub
        model_dir = os.path.join(hub.root, model_id)
        if ".." in model_id.split("/") or not os.path.isdir(model_dir):
            return self._error(401, "RepositoryNotFound", "Repository not found")
        faults = hub.faults(model_id)
        if faults.get("moved_to"):
            self.send_response(307)
            self.send_header("Location", "/%s/resolve/main/%s" % (faults["moved_to"], name))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        path = os.path.join(model_dir, name)
        if name == "hub.json" or not os.path.isfile(path):
            return self._error(404, "EntryNotFound", "Entry not found")
        if not name.endswith(LFS_SUFFIXES):
            return self._serve_bytes(model_id, name, cdn=False)
        size = os.path.getsize(path) + faults.get("size_delta", {}).get(name, 0)
        sha = _sha256(path)
        if name in faults.get("bad_sha", []):
            sha = hashlib.sha256(b"not the file").hexdigest()
        body = b"Found. Redirecting to the CDN"
        self.send_response(302)
        self.send_header("Location", "http://127.0.0.1:%d/cdn-lfs/%s/%s?Expires=1&Signature=x"
                         % (hub.port, urllib.parse.quote(model_id), urllib.parse.quote(name)))
        self.send_header("X-Linked-Size", str(size))
        self.send_header("X-Linked-ETag", '"%s"' % sha)
        self.send_header("ETag", '"%s"' % sha)
        self.send_header("X-Repo-Commit", "0" * 40)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None

    def _serve_bytes(self, model_id, name, cdn):
        hub = self.hub
        path = os.path.join(hub.root, model_id, name)
        if ".." in model_id.split("/") or name == "hub.json" or not os.path.isfile(path):
            return self._error(404, None, "Not Found")
        faults = hub.faults(model_id)
        with open(path, "rb") as f:
            data = f.read()
        start = 0
        status = 200
        range_header = self.headers.get("Range")
        if range_header and range_header.startswith("bytes=") and not faults.get("no_range"):
            first = range_header[6:].split("-", 1)[0]
            start = int(first)
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % len(data))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            status = 206
        body = data[start:]
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        if cdn:
            self.send_header("ETag", '"%s-1"' % hashlib.md5(data).hexdigest())
        else:
            self.send_header("ETag", '"%s"' % _git_blob_sha1(path))
            self.send_header("X-Repo-Commit", "0" * 40)
        self.end_headers()

        cut = faults.get("cut", {}).get(name)
        stall = faults.get("stall", {}).get(name)
        rate = faults.get("slow", {}).get(name)
        sent = 0
        while sent < len(body):
            limit = len(body)
            if cut is not None:
                limit = min(limit, max(cut - start, 0))
            if stall is not None:
                limit = min(limit, max(stall - start, 0))
            if sent >= limit:
                break
            chunk = body[sent:min(sent + CHUNK, limit)]
            try:
                self.wfile.write(chunk)
                self.wfile.flush()
            except OSError:
                return None
            sent += len(chunk)
            if rate:
                time.sleep(len(chunk) / rate)
                if hub.release.is_set():
                    break
        if sent < len(body):
            if stall is not None:
                hub.release.wait(60)
            self.close_connection = True
            try:
                self.wfile.flush()
                self.connection.shutdown(2)
            except OSError:
                pass
        return None


def main():
    if len(sys.argv) != 2:
        print("usage: local_hub.py ROOT", file=sys.stderr)
        return 2
    hub = Hub(sys.argv[1])
    hub.log_path = os.path.join(sys.argv[1], "requests.log")
    hub.start()
    print(hub.url, flush=True)
    sys.stdin.read()  # until the test closes the pipe (or dies)
    hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
