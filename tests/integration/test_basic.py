#!/usr/bin/env python3
# tests/integration/test_basic.py: everyday HTTP/1.1 behaviour of the respond handler.
#
# GET through curl, HEAD, keep-alive reuse, pipelining, HTTP/1.0, absolute-form targets,
# Expect: 100-continue, and route matching by host, path and method (first match wins,
# no match is 404).

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, make_config, request, route  # noqa: E402

ROOT_BODY = "hello from root\n"
CONFIG = make_config(
    routes=[
        route("a-exact", "a-exact\n", hosts=["a.example"], path="/exact", methods=["GET"]),
        route("wild", "wildcard\n", hosts=["*.wild.example"], path="/w"),
        route("post-only", "posted\n", status=201, path="/post", methods=["POST"]),
        route("static", "static\n", path_prefix="/static/",
              headers={"content-type": "text/css", "x-route": "static"}),
        route("root", ROOT_BODY, path="/", headers={"content-type": "text/plain"}),
        route("pipelined", "PIPELINED", path="/pipelined"),
        route("one", "1", path="/1"),
        route("two", "22", path="/2"),
        route("three", "333", path="/3"),
    ],
    limits={"max_body_size": "1KiB"},
)


def test_curl(t, port):
    t.section("curl GET and HEAD")
    r = harness.curl("-i", f"http://127.0.0.1:{port}/")
    t.equal(r.returncode, 0, "curl GET / exits 0")
    t.check(r.stdout.startswith("HTTP/1.1 200"), "curl GET / gets HTTP/1.1 200",
            r.stdout[:200] + r.stderr)
    t.check(r.stdout.endswith(ROOT_BODY), "curl GET / gets the route body", repr(r.stdout[-100:]))
    t.check("content-type: text/plain" in r.stdout.lower(), "configured content-type is sent",
            r.stdout[:300])
    t.check("content-length: %d" % len(ROOT_BODY) in r.stdout.lower(),
            "Content-Length matches the body", r.stdout[:300])
    t.check("date:" in r.stdout.lower(), "a Date field is sent (RFC 9110 §6.6.1)", r.stdout[:300])

    r = harness.curl("-sI", f"http://127.0.0.1:{port}/")
    t.check(r.returncode == 0 and r.stdout.startswith("HTTP/1.1 200"), "curl -I / gets 200",
            r.stdout + r.stderr)

    t.section("curl reuses one keep-alive connection for two URLs")
    r = harness.curl("-v", "-o", "/dev/null", "-o", "/dev/null",
                     f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/static/x")
    t.equal(r.returncode, 0, "curl with two URLs exits 0")
    t.check("Re-using existing connection" in r.stderr, "curl re-used the connection",
            "\n".join(line for line in r.stderr.splitlines() if line.startswith(("*", "<")))[:1500])


def test_head(t, port):
    t.section("HEAD: same head as GET, no body")
    with Conn(port) as c:
        c.send(request("GET", "/"))
        get = c.read_response()
        c.send(request("HEAD", "/") + request("GET", "/pipelined"))
        head = c.read_response(method="HEAD")
        t.equal(head.status, 200, "HEAD / status")
        t.equal(head.header("content-length"), str(len(ROOT_BODY)),
                "HEAD Content-Length is the GET body length")
        t.equal(head.header("content-length"), get.header("content-length"),
                "HEAD and GET Content-Length agree")
        t.equal(head.body, b"", "HEAD response has no body")
        nxt = c.read_response()
        t.check(nxt.status == 200 and nxt.body == b"PIPELINED",
                "the response after HEAD starts right after its head (no stray body bytes)",
                repr(nxt))


def test_keepalive(t, port):
    t.section("keep-alive: two requests on one raw connection")
    with Conn(port) as c:
        c.send(request("GET", "/1"))
        r1 = c.read_response()
        t.check(r1.status == 200 and r1.body == b"1", "first response", repr(r1))
        t.check(not r1.closes, "first response does not say Connection: close", str(r1.headers))
        t.check(not c.wait_closed(0.3), "connection stays open after the first response")
        c.send(request("GET", "/2"))
        r2 = c.read_response()
        t.check(r2.status == 200 and r2.body == b"22", "second response on the same connection",
                repr(r2))
        c.send(request("GET", "/3", headers=[("Connection", "close")]))
        r3 = c.read_response()
        t.check(r3.status == 200 and r3.body == b"333", "request with Connection: close answered",
                repr(r3))
        t.check(r3.closes, "response to Connection: close says Connection: close",
                str(r3.headers))
        t.check(c.wait_closed(3), "server closes after Connection: close")


def test_pipelining(t, port):
    t.section("pipelining: three requests in one send")
    with Conn(port) as c:
        c.send(request("GET", "/1") + request("GET", "/2") + request("GET", "/3"))
        bodies = []
        for _ in range(3):
            bodies.append(c.read_response().body)
        t.equal(bodies, [b"1", b"22", b"333"], "three responses in request order")
        t.check(not c.wait_closed(0.3), "connection stays open after pipelined requests")

    with Conn(port) as c:
        # Pipelined requests with bodies: the body framing must be exact.
        c.send(request("POST", "/post", body="abc") + request("POST", "/post", body="defgh")
               + request("GET", "/3"))
        got = [(r.status, r.body) for r in (c.read_response() for _ in range(3))]
        t.equal(got, [(201, b"posted\n"), (201, b"posted\n"), (200, b"333")],
                "pipelined requests with bodies answered in order")


def test_http10(t, port):
    t.section("HTTP/1.0")
    with Conn(port) as c:
        c.send(b"GET /1 HTTP/1.0\r\n\r\n")
        r = c.read_response()
        t.check(r.status == 200 and r.body == b"1", "HTTP/1.0 request without Host answered",
                repr(r))
        t.check(c.wait_closed(3), "HTTP/1.0 without keep-alive: server closes")
        t.check(r.header("transfer-encoding") is None,
                "no Transfer-Encoding in a response to HTTP/1.0 (RFC 9112 §6.1)", str(r.headers))
    with Conn(port) as c:
        c.send(b"GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r = c.read_response()
        t.check(r.status == 200, "HTTP/1.0 keep-alive request answered", repr(r))
        t.check("keep-alive" in r.connection_tokens(),
                "response to HTTP/1.0 keep-alive says Connection: keep-alive", str(r.headers))
        t.check(not c.wait_closed(0.3), "HTTP/1.0 keep-alive connection stays open")
        c.send(b"GET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r2 = c.read_response()
        t.check(r2.status == 200 and r2.body == b"22", "second HTTP/1.0 request on it answered",
                repr(r2))


def test_absolute_form(t, port):
    t.section("absolute-form request-target (RFC 9112 §3.2.2)")
    with Conn(port) as c:
        c.send(b"GET http://a.example/exact HTTP/1.1\r\nHost: a.example\r\n\r\n")
        r = c.read_response()
        t.check(r.status == 200 and r.body == b"a-exact\n",
                "absolute-form target routes by its authority and path", repr(r))
        c.send(b"GET http://a.example/exact HTTP/1.1\r\nHost: other.example\r\n\r\n")
        r = c.read_response()
        t.check(r.status == 200 and r.body == b"a-exact\n",
                "absolute-form authority wins over a different Host", repr(r))
        c.send(b"GET http://127.0.0.1/1?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        r = c.read_response()
        t.check(r.status == 200 and r.body == b"1", "absolute-form with a query", repr(r))


def test_expect(t, port):
    t.section("Expect: 100-continue")
    with Conn(port) as c:
        c.send(request("POST", "/post", headers=[("Content-Length", "5"),
                                                 ("Expect", "100-continue")]))
        interim = c.read_for(2.0)
        t.check(interim.startswith(b"HTTP/1.1 100 Continue\r\n"),
                "100 Continue arrives before the body is sent", repr(interim[:100]))
        t.check(interim.endswith(b"\r\n\r\n") and b"201" not in interim,
                "nothing but the interim response before the body", repr(interim[:200]))
        c.buf.clear()
        c.send(b"hello")
        r = c.read_response()
        t.check(r.status == 201 and r.body == b"posted\n", "final response after the body",
                repr(r))
        c.send(request("GET", "/1"))
        r = c.read_response()
        t.check(r.status == 200 and r.body == b"1", "connection usable after 100-continue",
                repr(r))
    with Conn(port) as c:
        c.send(request("POST", "/post", headers=[("Content-Length", "5000"),
                                                 ("Expect", "100-continue")]))
        data, how = c.read_until_close(3.0)
        responses, _ = harness.parse_responses(data)
        statuses = [r.status for r in responses]
        t.equal(statuses, [413], "over max_body_size: 413 at once, no 100 Continue")
        if responses:
            t.check(responses[0].closes, "the 413 says Connection: close",
                    str(responses[0].headers))
        t.check(how in ("eof", "reset"), "server closes after the 413", how)
    with Conn(port) as c:
        c.send(request("GET", "/1", headers=[("Expect", "100-CONTINUE")]))
        r = c.read_response(skip_interim=False)
        if r.status == 100:
            r = c.read_response()
        t.check(r.status == 200 and r.body == b"1",
                "Expect token is case-insensitive (RFC 9110 §10.1.1)", repr(r))


def test_routes(t, port):
    t.section("route matching")
    cases = [
        # (description, method, target, host, status, body)
        ("host + exact path + method", "GET", "/exact", "a.example", 200, b"a-exact\n"),
        ("host compared case-insensitively", "GET", "/exact", "A.Example", 200, b"a-exact\n"),
        ("host with a port still matches", "GET", "/exact", "a.example:8080", 200, b"a-exact\n"),
        ("query does not take part in path match", "GET", "/exact?x=1", "a.example", 200,
         b"a-exact\n"),
        ("other host falls through to 404", "GET", "/exact", "b.example", 404, None),
        ("other method falls through to 404", "POST", "/exact", "a.example", 404, None),
        ("exact path does not match a longer path", "GET", "/exactly", "a.example", 404, None),
        ("wildcard host *.wild.example", "GET", "/w", "x.wild.example", 200, b"wildcard\n"),
        ("wildcard does not match the bare domain", "GET", "/w", "wild.example", 404, None),
        ("method list POST", "POST", "/post", "a", 201, b"posted\n"),
        ("method list excludes GET", "GET", "/post", "a", 404, None),
        ("prefix /static/ matches below it", "GET", "/static/a/b.css", "a", 200, b"static\n"),
        ("prefix /static/ does not match /stat", "GET", "/stat", "a", 404, None),
        ("exact / matches only /", "GET", "/nothing-here", "a", 404, None),
        ("exact / with query", "GET", "/?a=b", "a", 200, ROOT_BODY.encode()),
    ]
    with Conn(port) as c:
        for what, method, target, host, status, body in cases:
            body_bytes = b"x" if method == "POST" else b""
            c.send(request(method, target, host=host, body=body_bytes))
            r = c.read_response()
            ok = r.status == status and (body is None or r.body == body)
            t.check(ok, f"{what}: {method} {target} Host: {host} -> {status}",
                    f"got {r.status} {r.body[:60]!r}")
            if r.closes:
                c.close()
                c = Conn(port)
    c.close()
    with Conn(port) as c:
        c.send(request("GET", "/static/x"))
        r = c.read_response()
        t.equal(r.header("x-route"), "static", "configured extra header is sent")
        t.equal(r.header("content-type"), "text/css", "configured content-type overrides")


def main(t):
    with Server(CONFIG) as server:
        port = server.port
        print(f"ringwall pid {server.pid} listening on 127.0.0.1:{port}")
        for fn in (test_curl, test_head, test_keepalive, test_pipelining, test_http10,
                   test_absolute_form, test_expect, test_routes):
            try:
                fn(t, port)
            except harness.HarnessError as e:
                t.check(False, f"{fn.__name__} ran to the end", str(e))
        t.check(server.is_running(), "server still running after all requests",
                server.log_tail())
        status = server.stop()
        t.equal(status, 0, "server exits 0 on SIGTERM")


if __name__ == "__main__":
    harness.run(main)
