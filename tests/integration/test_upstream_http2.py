#!/usr/bin/env python3
# tests/integration/test_upstream_http2.py: HTTP/2 to backends (protocol = "http2"): gRPC
# calls of all four kinds through Ringwall with Debian's grpcio on both ends (trailers,
# binary metadata, error statuses, flow control past the window), over h2c and TLS on
# either side; HTTP/1.1 and h2 clients to an h2 backend (nghttpd); connection reuse; and
# the failures: a backend that will not speak h2, one that is too slow, one that is gone.

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import tls_support as tls  # noqa: E402
from backends import Backend  # noqa: E402
from harness import Server  # noqa: E402

try:
    import grpc
except ImportError:  # Debian's python3-grpcio, installed by scripts/install-deps
    grpc = None

GRPC_BACKEND = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "backend", "grpc_backend.py")
SERVICE = "/ringwall.test.Echo/"


class Process:
    """A backend process that prints "listening on HOST:PORT"; killed by its pid."""

    def __init__(self, argv, timeout=15.0):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line or "")
            if m:
                self.port = int(m.group(1))
                return
            if not line:
                break
        self.kill()
        raise harness.HarnessError(f"{argv[:3]} did not start")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def upstream_config(backend_port, listener=None, *, timeouts=None, **tls_keys):
    text = (listener or "[[listeners]]\naddress = \"127.0.0.1:0\"\n")
    text += f"""
[log]
error_log = "stderr"
access_log = "off"
level = "debug"

[[upstreams]]
name = "h2"
protocol = "http2"
[[upstreams.backends]]
address = "127.0.0.1:{backend_port}"
[upstreams.retry]
attempts = 1
"""
    if timeouts:
        text += "[upstreams.timeouts]\n" + "".join(f"{k} = {harness.toml_value(v)}\n" for k, v in timeouts.items())
    if tls_keys:
        text += "[upstreams.tls]\n" + "".join(f"{k} = {harness.toml_value(v)}\n" for k, v in tls_keys.items())
    text += """
[[routes]]
path_prefix = "/"
proxy = "h2"
"""
    return text


def channel(port, ca=None):
    options = [("grpc.enable_http_proxy", 0)]
    if ca is None:
        return grpc.insecure_channel(f"127.0.0.1:{port}", options=options)
    with open(ca, "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    return grpc.secure_channel(f"127.0.0.1:{port}", credentials,
                               options=options + [("grpc.ssl_target_name_override", "a.example")])


def grpc_calls(t, label, ch):
    """The four kinds of call and an error, checked end to end."""
    unary = ch.unary_unary(SERVICE + "Unary")
    try:
        reply, call = unary.with_call(b"hello ringwall", metadata=(("x-want-binary", "1"),), timeout=10)
        initial = dict(call.initial_metadata())
        trailing = dict(call.trailing_metadata())
    except grpc.RpcError as e:
        reply, initial, trailing = None, {}, {"error": f"{e.code()} {e.details()}"}
    t.equal(reply, b"llawgnir olleh", f"{label}: a unary call is answered")
    t.equal(initial.get("x-echo-peer-seen"), "yes", f"{label}: initial metadata arrives")
    t.equal(trailing.get("x-trailer-bytes"), "14", f"{label}: trailing metadata arrives (trailers end to end)")
    t.equal(trailing.get("x-blob-bin"), bytes(range(256)), f"{label}: a binary trailer arrives unchanged")

    stream = ch.unary_stream(SERVICE + "ServerStream")
    try:
        messages = list(stream(b"8:100000", timeout=20))
    except grpc.RpcError as e:
        messages = [f"{e.code()} {e.details()}"]
    t.check(len(messages) == 8 and all(m == bytes([i]) * 100_000 for i, m in enumerate(messages)),
            f"{label}: 8 streamed messages of 100 kB (past the 256 KiB window) arrive in order",
            repr([len(m) for m in messages])[:200])

    upload = ch.stream_unary(SERVICE + "ClientStream")
    chunks = [os.urandom(70_000) for _ in range(12)]
    try:
        summary = upload(iter(chunks), timeout=20)
    except grpc.RpcError as e:
        summary = f"{e.code()} {e.details()}".encode()
    t.equal(summary, b"12:840000", f"{label}: 12 client messages (840 kB) reach the backend")

    bidi = ch.stream_stream(SERVICE + "Bidi")
    sent = [os.urandom(n) for n in (1, 1000, 100_000)]
    try:
        answers = list(bidi(iter(sent), timeout=20))
    except grpc.RpcError as e:
        answers = [f"{e.code()} {e.details()}".encode()]
    t.equal(answers, [hashlib.sha256(m).hexdigest().encode() for m in sent],
            f"{label}: a bidirectional call answers every message")

    failing = ch.unary_unary(SERVICE + "Fail")
    try:
        failing(b"widget", timeout=10)
        outcome = ("no error", "")
    except grpc.RpcError as e:
        outcome = (e.code(), e.details())
    t.equal(outcome, (grpc.StatusCode.NOT_FOUND, "no such thing: widget"),
            f"{label}: an error status and message (a trailers-only answer) arrive")


def connects(server):
    return sum(1 for line in server.lines if re.search(r"upstream h2: connected to", line))


def main(t):
    harness.binary_path()
    tls.openssl_path()
    if grpc is None:
        raise harness.Skip("python3-grpcio is not installed")
    with tempfile.TemporaryDirectory(prefix="ringwall-upstream-h2-") as workdir:
        pki = tls.TestPki(workdir)
        with Process([sys.executable, GRPC_BACKEND]) as backend:
            t.section("gRPC through Ringwall: h2c from the client, h2c to the backend")
            with Server(upstream_config(backend.port)) as server:
                ch = channel(server.port)
                grpc_calls(t, "h2c", ch)
                before = connects(server)
                unary = ch.unary_unary(SERVICE + "Unary")
                replies = [unary(b"%d" % i, timeout=10) for i in range(30)]
                t.equal(replies, [(b"%d" % i)[::-1] for i in range(30)], "30 calls in a row are answered")
                t.check(connects(server) - before <= 1,
                        "the backend connection is pooled and reused (at most one new for 30 calls)",
                        f"{connects(server) - before} new connections")
                ch.close()
                t.check(server.is_running(), "the server is still running")

            t.section("gRPC with TLS from the client (ALPN h2), h2c to the backend")
            listener = tls.tls_listener([pki.a])
            with Server(upstream_config(backend.port, listener)) as server:
                ch = channel(server.port, ca=pki.ca.pem)
                grpc_calls(t, "TLS client", ch)
                ch.close()

            t.section("a slow backend: the header timeout answers for it")
            with Server(upstream_config(backend.port, timeouts={"header": "300ms"})) as server:
                ch = channel(server.port)
                slow = ch.unary_unary(SERVICE + "Slow")
                started = time.monotonic()
                try:
                    slow(b"3000", timeout=10)
                    code = None
                except grpc.RpcError as e:
                    code = e.code()
                elapsed = time.monotonic() - started
                t.check(code is not None and code != grpc.StatusCode.DEADLINE_EXCEEDED and elapsed < 2.5,
                        "the call fails fast with the proxy's 504, not the client's own deadline",
                        f"{code} after {elapsed:.2f}s")
                t.equal(ch.unary_unary(SERVICE + "Unary")(b"ab", timeout=10), b"ba",
                        "the next call is answered")
                ch.close()

        t.section("gRPC to a backend over TLS (ALPN h2), verified")
        with Process([sys.executable, GRPC_BACKEND, "--tls-cert", pki.a.chain, "--tls-key", pki.a.key]) as backend:
            with Server(upstream_config(backend.port, ca_file=pki.ca.pem, server_name="a.example")) as server:
                ch = channel(server.port)
                grpc_calls(t, "TLS backend", ch)
                ch.close()
            with Server(upstream_config(backend.port, ca_file=pki.rogue_ca.pem, server_name="a.example")) as server:
                ch = channel(server.port)
                try:
                    ch.unary_unary(SERVICE + "Unary")(b"x", timeout=10)
                    code = None
                except grpc.RpcError as e:
                    code = e.code()
                t.check(code is not None, "an unverifiable backend certificate fails the call", repr(code))
                t.check(server.wait_log(r"certificate was refused", timeout=3) is not None,
                        "the log says the certificate was refused", server.log_tail(5))
                ch.close()

        t.section("a backend that does not agree to h2 over TLS")
        with Backend("h1only", extra_args=("--tls-cert", pki.a.chain, "--tls-key", pki.a.key)) as backend:
            with Server(upstream_config(backend.port, ca_file=pki.ca.pem, server_name="a.example")) as server:
                r = harness.curl("-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{server.port}/")
                t.equal(r.stdout, "502", "ALPN without h2: 502")
                t.check(server.wait_log(r"did not agree to HTTP/2", timeout=3) is not None,
                        "the log says why", server.log_tail(5))

        t.section("HTTP/1.1 and h2 clients to an h2 backend (nghttpd)")
        if shutil.which("nghttpd") is None:
            t.skip("nghttpd downloads", "nghttpd (nghttp2-server) is not installed")
        else:
            docs = os.path.join(workdir, "docs")
            os.makedirs(docs)
            blob = os.urandom(1_500_000)
            with open(os.path.join(docs, "blob.bin"), "wb") as f:
                f.write(blob)
            port = free_port()
            nghttpd = subprocess.Popen(["nghttpd", "--no-tls", "-a", "127.0.0.1", "-d", docs, str(port)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and harness.connect_refused(port):
                    time.sleep(0.05)
                with Server(upstream_config(port)) as server:
                    for label, extra in (("HTTP/1.1", ("--http1.1",)), ("h2", ("--http2-prior-knowledge",))):
                        with tempfile.NamedTemporaryFile() as out:
                            r = harness.curl("-s", "-o", out.name, "-w", "%{http_code}", *extra,
                                             f"http://127.0.0.1:{server.port}/blob.bin", timeout=30)
                            body = open(out.name, "rb").read()
                        t.check(r.stdout == "200" and body == blob,
                                f"{label} client: 1.5 MB from the h2 backend arrive unchanged",
                                f"{r.stdout} {len(body)}")
                        r = harness.curl("-s", "-o", "/dev/null", "-w", "%{http_code}", *extra,
                                         f"http://127.0.0.1:{server.port}/missing")
                        t.equal(r.stdout, "404", f"{label} client: the backend's 404 passes through")
                        r = harness.curl("-s", "-I", *extra, f"http://127.0.0.1:{server.port}/blob.bin")
                        t.check(re.search(r"(?im)^content-length: 1500000\r?$", r.stdout) is not None,
                                f"{label} client: HEAD keeps the backend's Content-Length", r.stdout[:300])
            finally:
                nghttpd.kill()
                nghttpd.wait(5)

        t.section("a backend that went away")
        with Process([sys.executable, GRPC_BACKEND]) as backend:
            port = backend.port
        with Server(upstream_config(port)) as server:
            ch = channel(server.port)
            try:
                ch.unary_unary(SERVICE + "Unary")(b"x", timeout=10)
                code = None
            except grpc.RpcError as e:
                code = e.code()
            t.equal(code, grpc.StatusCode.UNAVAILABLE, "a refused connection: UNAVAILABLE (the proxy's 502)")
            t.check(server.is_running(), "the server is still running")
            ch.close()


if __name__ == "__main__":
    harness.run(main)
