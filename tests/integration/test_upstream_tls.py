#!/usr/bin/env python3
# tests/integration/test_upstream_tls.py: HTTP/1.1 to backends over TLS ([upstreams.tls]):
# the backend's certificate is verified by default against ca_file and the name the
# backend is reached by; SNI names it; a client certificate goes to backends that ask;
# sessions are resumed on new connections; bodies of every framing pass both ways; a bad
# ca_file stops a start and is refused by a reload.

import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import tls_support as tls  # noqa: E402
from backends import Backend  # noqa: E402
from harness import Conn, Server, request  # noqa: E402


def config(backend_port, *, pool=None, backend_host="127.0.0.1", **tls_keys):
    """One plain listener proxying everything to one TLS backend."""
    text = harness.make_config([], log={"level": "info"})
    text += f"""
[[upstreams]]
name = "secure"
[[upstreams.backends]]
address = "{backend_host}:{backend_port}"
[upstreams.retry]
attempts = 1
"""
    if pool:
        text += "[upstreams.pool]\n" + "".join(f"{k} = {harness.toml_value(v)}\n" for k, v in pool.items())
    text += "[upstreams.tls]\n" + "".join(f"{k} = {harness.toml_value(v)}\n" for k, v in tls_keys.items())
    text += """
[[routes]]
path_prefix = "/"
proxy = "secure"
"""
    return text


def get(port, target="/headers", headers=(), method="GET", body=b""):
    with Conn(port, timeout=15) as c:
        c.send(request(method, target, headers=headers, body=body))
        return c.read_response(timeout=15, method=method)


def main(t):
    harness.binary_path()
    tls.openssl_path()
    with tempfile.TemporaryDirectory(prefix="ringwall-upstream-tls-") as workdir:
        pki = tls.TestPki(workdir)
        serve = ("--tls-cert", pki.a.chain, "--tls-key", pki.a.key)
        with Backend("tls1", extra_args=serve) as backend:
            t.section("verified by default: the right CA and name")
            with Server(config(backend.port, ca_file=pki.ca.pem, server_name="a.example")) as server:
                responses = [get(server.port) for _ in range(3)]
                t.check(all(r.status == 200 for r in responses), "three requests over TLS answered 200",
                        repr([r.status for r in responses]) + server.log_tail())
                first = responses[0]
                t.equal(first.header("x-backend-tls"), "TLSv1.3", "the backend connection is TLS 1.3")
                t.equal(first.header("x-backend-sni"), "a.example", "SNI carries server_name")
                t.check(len({r.header("x-backend-connection") for r in responses}) == 1,
                        "keep-alive: one TLS connection carries all three",
                        repr([r.header("x-backend-connection") for r in responses]))
                t.equal(first.header("x-backend-tls-client"), "-", "no client certificate unless configured")

                t.section("bodies both ways over the backend's TLS")
                for target, size in (("/bytes/1000", 1000), ("/bytes/300000", 300_000),
                                     ("/bytes/2000000?chunked=1", 2_000_000)):
                    r = get(server.port, target)
                    t.check(r.status == 200 and len(r.body) == size and
                            r.body == bytes(i % 251 for i in range(size)),
                            f"{target}: {size} bytes arrive unchanged", f"{r.status} {len(r.body)}")
                for size in (0, 70_000, 900_000):
                    payload = os.urandom(size)
                    r = get(server.port, "/upload", method="POST", body=payload,
                            headers=(("content-type", "application/octet-stream"),))
                    doc = json.loads(r.body or b"{}") if r.status == 200 else {}
                    t.equal(doc.get("sha256"), hashlib.sha256(payload).hexdigest(),
                            f"a {size}-byte upload reaches the TLS backend unchanged")

            t.section("new connections resume the backend's TLS session")
            with Server(config(backend.port, pool={"max_idle": 0}, ca_file=pki.ca.pem,
                               server_name="a.example")) as server:
                responses = [get(server.port) for _ in range(3)]
                t.check(len({r.header("x-backend-connection") for r in responses}) == 3,
                        "max_idle = 0: every request opens a connection",
                        repr([r.header("x-backend-connection") for r in responses]))
                t.equal(responses[0].header("x-backend-tls-resumed"), "0", "the first handshake is a full one")
                t.check(all(r.header("x-backend-tls-resumed") == "1" for r in responses[1:]),
                        "later connections resume the session",
                        repr([r.header("x-backend-tls-resumed") for r in responses]))

            refusals = (
                ("a CA that did not issue the certificate", dict(ca_file=pki.rogue_ca.pem, server_name="a.example"),
                 "unable to get local issuer certificate"),
                ("a server_name the certificate does not carry", dict(ca_file=pki.ca.pem, server_name="b.example"),
                 "hostname mismatch"),
                ("the backend's IP address, which the certificate does not carry", dict(ca_file=pki.ca.pem),
                 "IP address mismatch"),
            )
            for label, keys, reason in refusals:
                t.section(f"refused: {label}")
                with Server(config(backend.port, **keys)) as server:
                    r = get(server.port)
                    t.equal(r.status, 502, f"{label}: 502")
                    line = server.wait_log(r"certificate was refused: " + reason, timeout=3)
                    t.check(line is not None, f"{label}: the log says why ({reason})", server.log_tail(8))

            t.section("verify = false accepts any certificate")
            with Server(config(backend.port, verify=False, server_name="b.example")) as server:
                r = get(server.port)
                t.equal(r.status, 200, "an unverified backend is used when verification is off")
                t.equal(r.header("x-backend-sni"), "b.example", "SNI is still sent")

        t.section("backends that require a client certificate (mTLS)")
        mtls = ("--tls-cert", pki.a.chain, "--tls-key", pki.a.key, "--tls-client-ca", pki.client_ca.pem)
        with Backend("mtls", extra_args=mtls) as backend:
            with Server(config(backend.port, ca_file=pki.ca.pem, server_name="a.example")) as server:
                t.equal(get(server.port).status, 502, "without a client certificate the backend refuses us: 502")
            with Server(config(backend.port, ca_file=pki.ca.pem, server_name="a.example",
                               certificate=pki.alice.chain, key=pki.alice.key)) as server:
                r = get(server.port)
                t.equal(r.status, 200, "with certificate and key the backend accepts us")
                t.check("alice" in (r.header("x-backend-tls-client") or ""),
                        "the backend sees our client certificate", repr(r.header("x-backend-tls-client")))

        t.section("a plaintext backend behind [upstreams.tls]")
        with Backend("plain") as backend:
            with Server(config(backend.port, ca_file=pki.ca.pem, server_name="a.example")) as server:
                r = get(server.port)
                t.equal(r.status, 502, "the handshake fails: 502, not plaintext sent as if secure")
                t.check(server.is_running(), "the server is still running")

        t.section("configuration errors")
        not_pem = os.path.join(workdir, "not-a-ca.pem")
        with open(not_pem, "w") as f:
            f.write("this is not a certificate\n")
        for label, keys, expected in (
                ("a ca_file without certificates", dict(ca_file=not_pem), ("upstreams[0].tls", "not-a-ca.pem")),
                ("a missing ca_file", dict(ca_file=os.path.join(workdir, "missing.pem")),
                 ("upstreams[0].tls.ca_file", "missing.pem"))):
            server = Server(config(1, **keys))
            try:
                server.start(timeout=5)
                started = True
            except harness.HarnessError:
                started = False
            finally:
                server.kill()
            t.check(not started, f"{label} stops the start")
            t.check(any(all(e in line for e in expected) for line in server.lines),
                    f"{label}: the error names the key path and the file", "\n".join(server.lines[-5:]))
        with Backend("tls2", extra_args=serve) as backend:
            good = config(backend.port, ca_file=pki.ca.pem, server_name="a.example")
            with Server(good) as server:
                t.equal(get(server.port).status, 200, "before the reload: 200")
                server.write_config(config(backend.port, ca_file=not_pem, server_name="a.example"))
                mark = server.log_count()
                server.send_signal(signal.SIGHUP)
                failed = server.wait_log(r"reload failed: .*upstreams\[0\]\.tls", start=mark, timeout=5)
                t.check(failed is not None, "a reload with a bad ca_file is refused, with the key path",
                        server.log_tail(5))
                t.equal(get(server.port).status, 200, "the running configuration keeps serving")


if __name__ == "__main__":
    harness.run(main)
