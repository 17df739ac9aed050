#!/usr/bin/env python3
# tests/integration/test_proxy.py: the reverse proxy through the real binary and the test
# backend (tests/backend/backend.py): forwarding, pool reuse, field rules, framing both
# ways, large bodies, failover, retries and every error mapping (502/503/504).

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, request  # noqa: E402
from backends import Backend  # noqa: E402

PERIOD = 251



def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def proxy_config(addresses, *, upstream=None, timeouts=None, health=None, retry=None,
                 breaker=None, limits=None, extra_routes=""):
    lines = ["workers = 1", "", "[log]", 'error_log = "stderr"', 'access_log = "off"', "",
             "[limits]", 'max_body_size = "200MiB"']
    lines += [f"{k} = {harness.toml_value(v)}" for k, v in (limits or {}).items()]
    lines += ["", "[[listeners]]", 'address = "127.0.0.1:0"', "", "[[upstreams]]", 'name = "app"']
    lines += [f"{k} = {harness.toml_value(v)}" for k, v in (upstream or {}).items()]
    for address in addresses:
        lines += ["[[upstreams.backends]]", f'address = "{address}"']
    for table, keys in (("timeouts", timeouts), ("health", health), ("retry", retry),
                        ("circuit_breaker", breaker)):
        if keys:
            lines.append(f"[upstreams.{table}]")
            lines += [f"{k} = {harness.toml_value(v)}" for k, v in keys.items()]
    lines += ["", extra_routes, "[[routes]]", 'path_prefix = "/"', 'proxy = "app"', ""]
    return "\n".join(lines)


def pattern_sha(n):
    block = bytes(range(PERIOD)) * (1 << 16)
    h = hashlib.sha256()
    left = n
    off = 0
    while left:
        k = min(left, len(block) - PERIOD)
        o = off % PERIOD
        h.update(block[o:o + k])
        left -= k
        off += k
    return h.hexdigest()


def get(port, target, headers=(), method="GET", version="HTTP/1.1", body=b"", timeout=10.0):
    with Conn(port, timeout=timeout) as c:
        c.send(request(method, target, headers=headers, body=body, version=version))
        return c.read_response(timeout, method=method)


def basic(t, port, backend):
    t.section("basic forwarding, keep-alive reuse, field rules")
    r = get(port, "/")
    t.equal(r.status, 200, "GET / through the proxy")
    t.equal(r.body, b"b1\n", "body from the backend")
    t.equal(r.header("via"), "1.1 ringwall", "Via on the response")
    before = backend.stats()
    n = 300
    with Conn(port) as c:
        for i in range(n):
            c.send(request("GET", "/"))
            if c.read_response().status != 200:
                t.check(False, f"request {i} answered 200")
                break
    after = backend.stats()
    new_connections = after["connections"] - before["connections"] - 1  # our /stats call
    reuse = 1 - new_connections / n
    t.check(reuse >= 0.99, f"upstream connection reuse {reuse:.3f} >= 0.99",
            f"{new_connections} new backend connections for {n} requests")

    r = get(port, "/headers?x=1", headers=[
        ("Connection", "x-private, keep-alive"), ("X-Private", "secret"), ("Keep-Alive", "timeout=5"),
        ("Proxy-Connection", "keep-alive"), ("TE", "trailers"), ("X-Forwarded-For", "192.0.2.7"),
        ("Via", "1.0 edge")])
    doc = json.loads(r.body)
    names = [k.lower() for k, _ in doc["headers"]]
    fields = {k.lower(): v for k, v in doc["headers"]}
    for name in ("connection", "x-private", "keep-alive", "proxy-connection", "te", "transfer-encoding"):
        t.check(name not in names, f"{name} is not forwarded")
    t.equal(fields.get("x-forwarded-for"), "192.0.2.7, 127.0.0.1", "X-Forwarded-For appended to")
    t.equal(fields.get("x-forwarded-proto"), "http", "X-Forwarded-Proto")
    t.equal(fields.get("x-forwarded-host"), "a", "X-Forwarded-Host")
    t.equal(fields.get("via"), "1.0 edge, 1.1 ringwall", "Via appended to")
    t.equal(doc["target"], "/headers?x=1", "target with query")


def framing(t, port):
    t.section("framing: CL and chunked both ways, HEAD, HTTP/1.0")
    body = os.urandom(300_000)
    r = get(port, "/upload", method="POST", body=body)
    doc = json.loads(r.body)
    t.equal(doc["sha256"], hashlib.sha256(body).hexdigest(), "Content-Length upload arrives whole")
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 70000]), body[i:i + 70000])
                      for i in range(0, len(body), 70000)) + b"0\r\n\r\n"
    with Conn(port) as c:
        c.send(request("POST", "/upload", headers=[("Transfer-Encoding", "chunked")]) + chunks)
        doc = json.loads(c.read_response(10).body)
    t.equal(doc["sha256"], hashlib.sha256(body).hexdigest(), "chunked upload arrives whole")
    r = get(port, "/headers", method="POST", headers=[("Transfer-Encoding", "chunked")],
            body=b"5\r\nhello\r\n0\r\n\r\n")
    doc = json.loads(r.body)
    fields = {k.lower(): v for k, v in doc["headers"]}
    t.equal(fields.get("transfer-encoding"), "chunked", "chunked body re-encoded as chunked")
    t.equal(doc["body_bytes"], 5, "decoded body size")
    r = get(port, "/bytes/200000?chunked=1")
    t.equal(len(r.body), 200000, "chunked download, HTTP/1.1 client")
    t.equal(r.header("transfer-encoding"), "chunked", "relayed chunked")
    r = get(port, "/bytes/200000")
    t.equal((len(r.body), r.header("content-length")), (200000, "200000"), "Content-Length download")
    r = get(port, "/bytes/1000", method="HEAD")
    t.equal((r.status, r.header("content-length"), r.body), (200, "1000", b""), "HEAD keeps Content-Length")
    with Conn(port) as c:
        c.send(b"GET /bytes/100000?chunked=1 HTTP/1.0\r\nHost: a\r\n\r\n")
        got, how = c.read_until_close(10)
    head, _, rest = got.partition(b"\r\n\r\n")
    t.check(b"transfer-encoding" not in head.lower() and len(rest) == 100000,
            "HTTP/1.0 client gets a close-delimited body", head.decode("latin-1"))


def large(t, port):
    t.section("100 MiB upload and download with sha256")
    n = 100 << 20
    with Conn(port, timeout=60) as c:
        c.send(request("GET", f"/bytes/{n}"))
        r = c.read_response(120)
    t.equal((len(r.body), hashlib.sha256(r.body).hexdigest()), (n, pattern_sha(n)), "100 MiB download")
    data = os.urandom(1 << 20) * 100
    with Conn(port, timeout=60) as c:
        c.send(request("POST", "/upload", headers=[("Content-Length", str(len(data)))]))
        c.send(data)
        doc = json.loads(c.read_response(120).body)
    t.equal((doc["bytes"], doc["sha256"]), (len(data), hashlib.sha256(data).hexdigest()), "100 MiB upload")


def errors(t):
    t.section("error mappings: 502 refused/reset/invalid, 503, 504; JSON or HTML")
    dead = free_port()
    with Backend("b1") as b1, Server(proxy_config(
            [b1.address], timeouts={"header": "700ms"}, health={"max_failures": 1000},
            breaker={"failure_threshold": 1000})) as server:
        port = server.port
        for kind in ("bare-lf", "cl-te", "two-cl", "bad-status", "obs-fold", "huge-header",
                     "bad-chunk", "space-before-colon", "nul-in-header", "bad-cl", "te-not-chunked",
                     "bad-version"):
            r = get(port, f"/bad/{kind}")
            t.equal(r.status, 502, f"/bad/{kind} -> 502")
        r = get(port, "/reset")
        t.equal(r.status, 502, "/reset -> 502")
        r = get(port, "/delay/3000")
        t.equal(r.status, 504, "/delay beyond the header timeout -> 504")
        r = get(port, "/reset", headers=[("Accept", "application/json")])
        doc = json.loads(r.body)
        t.equal((doc["status"], doc["error"]), (502, "bad gateway"), "JSON error body")
        t.equal(r.header("content-type"), "application/json", "JSON content type")
        r = get(port, "/reset", headers=[("Accept", "text/html,application/json;q=0.5")])
        t.check(r.body.startswith(b"<html>"), "HTML when Accept prefers it")
        with Conn(port, timeout=10) as c:
            c.send(request("GET", "/close-mid-body/100000"))
            got, how = c.read_until_close(10)
        t.check(how in ("eof", "reset") and got.count(b"HTTP/1.1 ") == 1 and len(got) < 200000,
                "a body cut short after the head: the client connection closes, no second head",
                f"{how}, {len(got)} bytes")
        t.equal(get(port, "/").status, 200, "still serving after every error")
    with Server(proxy_config([f"127.0.0.1:{dead}"], health={"max_failures": 1})) as server:
        r = get(server.port, "/")
        t.equal(r.status, 502, "connect refused -> 502")
        r = get(server.port, "/")
        t.equal(r.status, 503, "ejected only backend -> 503 no healthy backend")
    with Backend("b1") as b1, Server(proxy_config(
            [b1.address], health={"max_failures": 1000}, breaker={"failure_threshold": 2})) as server:
        statuses = [get(server.port, "/reset").status for _ in range(3)]
        t.equal(statuses, [502, 502, 503], "breaker opens after 2 failures -> 503")
        t.equal(get(server.port, "/").status, 503, "open breaker refuses healthy requests too")


def failover(t):
    t.section("failover: retries on connect failure; a backend killed mid-request")
    dead = free_port()
    with Backend("b1") as b1, Server(proxy_config([f"127.0.0.1:{dead}", b1.address])) as server:
        failures = 0
        for _ in range(40):
            if get(server.port, "/").status != 200:
                failures += 1
        t.equal(failures, 0, "one of two backends dead: zero failed requests")
    with Backend("b1") as b1, Backend("b2") as b2, Server(proxy_config([b1.address, b2.address])) as server:
        with Conn(server.port, timeout=10) as c:
            c.send(request("GET", "/delay/1500"))
            time.sleep(0.5)
            victim = b1 if b1.stats()["active"] > 1 else b2
            survivor = b2 if victim is b1 else b1
            victim.kill()
            r = c.read_response(10)
        # No response byte had arrived and GET is idempotent: resent to the other backend.
        t.equal(r.status, 200, "backend killed before answering a GET -> retried elsewhere")
        t.equal(r.header("x-backend"), survivor.name, "the retry went to the surviving backend")
        with Conn(server.port, timeout=10) as c:
            c.send(request("POST", "/delay/1500", headers=[("Content-Length", "2")], body=b"hi"))
            time.sleep(0.5)
            survivor.kill()
            r = c.read_response(10)
        t.equal(r.status, 502, "backend killed during a POST -> 502, never resent")
        statuses = [get(server.port, "/").status for _ in range(8)]
        t.check(set(statuses) <= {502, 503} and statuses[-1] == 503,
                "both backends gone: 502 while they are tried, then 503 once ejected", statuses)


def redirect_and_headers(t):
    t.section("redirect action and response header operations")
    routes = "\n".join([
        "[[routes]]", 'path_prefix = "/old"',
        "[routes.redirect]", "status = 301", 'location = "https://{host}/new{path}?{query}"',
        "[routes.response_headers]", 'set = { "X-Route" = "redirect" }', "",
        "[[routes]]", 'path_prefix = "/hdr"', 'proxy = "app"',
        "[routes.response_headers]", 'add = { "X-Added" = "1" }', 'remove = ["x-backend"]', ""])
    with Backend("b1") as b1, Server(proxy_config([b1.address], extra_routes=routes)) as server:
        r = get(server.port, "/old/page?q=1", headers=[])
        t.equal(r.status, 301, "redirect status")
        t.equal(r.header("location"), "https://a/new/old/page?q=1", "templated Location")
        t.equal(r.header("x-route"), "redirect", "response header set on a redirect")
        t.check(b"<a href=" in r.body, "redirect note")
        r = get(server.port, "/hdr")
        t.equal((r.header("x-added"), r.header("x-backend")), ("1", None), "response ops on proxied")


def main(t):
    with Backend("b1") as b1:
        with Server(proxy_config([b1.address])) as server:
            for fn in (basic, framing, large):
                try:
                    if fn is basic:
                        fn(t, server.port, b1)
                    else:
                        fn(t, server.port)
                except harness.HarnessError as e:
                    t.check(False, f"{fn.__name__} ran to the end", str(e))
            t.check(server.is_running(), "server still running", server.log_tail())
            t.equal(server.stop(), 0, "server exits 0 on SIGTERM")
    for fn in (errors, failover, redirect_and_headers):
        try:
            fn(t)
        except harness.HarnessError as e:
            t.check(False, f"{fn.__name__} ran to the end", str(e))


if __name__ == "__main__":
    harness.run(main)
