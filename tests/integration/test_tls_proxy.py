#!/usr/bin/env python3
# tests/integration/test_tls_proxy.py: proxied requests over TLS, HTTP/1.1 and HTTP/2 from
# the client, HTTP/1.1 to the backend: responses of every framing arrive whole, uploads
# reach the backend whole, and the backend sees that the client came over TLS.
#
# The bodies go through the TLS send paths the plain tests never take: a chunked answer
# is sealed one chunk at a time, a large fixed-length one in pieces, an h2 upload is
# credited back to the client as the backend takes it.

import hashlib
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import tls_support as tls  # noqa: E402
from backends import Backend  # noqa: E402
from harness import Server  # noqa: E402


def curl_tls(port, path, *args):
    return harness.curl("-sS", "--cacert", CA_FILE, "--resolve", f"a.example:{port}:127.0.0.1",
                        *args, f"https://a.example:{port}{path}", timeout=60)


CA_FILE = None


def check_download(t, port, label, path, size, extra):
    with tempfile.NamedTemporaryFile() as out:
        r = curl_tls(port, path, "-o", out.name, "-D", "-", "-w", "%{http_code} %{http_version}\n", *extra)
        body = open(out.name, "rb").read()
    t.check(r.returncode == 0 and r.stdout.strip().endswith("200 " + ("2" if "--http2" in extra else "1.1")),
            f"{label}: 200 over the expected protocol", r.stdout[-200:] + r.stderr)
    t.equal(len(body), size, f"{label}: all {size} bytes arrive")
    return body


def main(t):
    global CA_FILE
    harness.binary_path()
    tls.openssl_path()
    if shutil.which("curl") is None:
        raise harness.Skip("curl is not installed")
    with tempfile.TemporaryDirectory(prefix="ringwall-tls-proxy-") as workdir, Backend("b1") as backend:
        pki = tls.TestPki(workdir)
        CA_FILE = pki.ca.chain
        config = tls.tls_config(tls.tls_listener([pki.a]), routes=[])
        config += f"""
[[upstreams]]
name = "app"
[[upstreams.backends]]
address = "127.0.0.1:{backend.port}"

[[routes]]
path_prefix = "/"
proxy = "app"
"""
        with Server(config) as server:
            port = server.port
            for label, extra in (("HTTP/1.1", ("--http1.1",)), ("h2", ("--http2",))):
                t.section(f"downloads through the proxy over TLS, {label}")
                small = check_download(t, port, f"{label} 1000 bytes, Content-Length", "/bytes/1000", 1000, extra)
                t.check(len(small) == 1000, f"{label}: small body read")
                for size in (300_000, 5_000_000):
                    body = check_download(t, port, f"{label} {size} bytes chunked upstream",
                                          f"/bytes/{size}?chunked=1", size, extra)
                    again = check_download(t, port, f"{label} {size} bytes with Content-Length",
                                           f"/bytes/{size}", size, extra)
                    t.check(body == again, f"{label} {size} bytes: the same bytes whatever the upstream framing")
                t.section(f"uploads through the proxy over TLS, {label}")
                for size in (0, 70_000, 900_000):
                    payload = os.urandom(size)
                    with tempfile.NamedTemporaryFile() as f:
                        f.write(payload)
                        f.flush()
                        r = curl_tls(port, "/upload", "-X", "POST", "--data-binary", f"@{f.name}",
                                     "-H", "content-type: application/octet-stream", *extra)
                    try:
                        doc = json.loads(r.stdout)
                    except ValueError:
                        doc = {}
                    t.equal(doc.get("bytes"), size, f"{label}: a {size}-byte upload reaches the backend whole")
                    t.equal(doc.get("sha256"), hashlib.sha256(payload).hexdigest(),
                            f"{label}: the {size}-byte upload is unchanged")
                t.section(f"what the backend is told, {label}")
                r = curl_tls(port, "/headers", *extra)
                try:
                    seen = json.loads(r.stdout)
                except ValueError:
                    seen = {}
                text = json.dumps(seen).lower()
                t.check('"x-forwarded-proto": "https"' in text or "x-forwarded-proto', 'https" in text
                        or ("x-forwarded-proto" in text and "https" in text),
                        f"{label}: X-Forwarded-Proto says https", r.stdout[:400])
            t.check(server.is_running(), "the server is still running")


if __name__ == "__main__":
    harness.run(main)
