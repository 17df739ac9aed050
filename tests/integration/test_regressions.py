#!/usr/bin/env python3
# tests/integration/test_regressions.py: behaviours that once failed, kept failing-proof.
#
# - a client that never reads a large (zero-copy) body cannot hold up SIGTERM
# - SIGTERM during a SIGQUIT drain shortens its deadline
# - pipelined requests get whole responses even when route heads are large
# - two "127.0.0.1:0" listeners are two sockets
# - 100-continue is not sent for an empty body

import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, make_config, request, route  # noqa: E402


def test_slow_reader_cannot_block_shutdown(t):
    t.section("a non-reading client of a 4 MiB body does not hold up SIGTERM")
    big = "x" * (4 * 1024 * 1024)
    config = make_config(routes=[route("big", big, path="/big")],
                         timeouts={"send": "30s", "shutdown": "1s"})
    with Server(config) as server:
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(request("GET", "/big"))
        time.sleep(0.5)  # the server is now blocked on a full socket
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        code = server.wait_exit(10)
        elapsed = time.monotonic() - started
        t.equal(code, 0, "exits 0")
        t.check(elapsed < 4, "exits within the 1s deadline plus margin", f"took {elapsed:.1f}s")
        sock.close()


def test_term_shortens_quit(t):
    t.section("SIGTERM during a graceful drain shortens the deadline")
    config = make_config(timeouts={"graceful_shutdown": "60s", "shutdown": "1s", "header": "60s"})
    with Server(config) as server:
        conn = Conn(server.port)
        conn.send(b"GET / HTTP/1.1\r\nHost: a\r\n")  # a request in progress keeps the drain open
        time.sleep(0.2)
        server.send_signal(signal.SIGQUIT)
        time.sleep(0.5)
        t.check(server.is_running(), "still draining after SIGQUIT")
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        code = server.wait_exit(10)
        t.equal(code, 0, "exits 0")
        t.check(time.monotonic() - started < 4, "exits within the shutdown deadline after SIGTERM")


def test_pipelined_large_heads(t):
    t.section("pipelined requests with large response heads")
    big_value = "v" * 3300
    config = make_config(routes=[route("big", "ok\n", path_prefix="/", headers={"x-big": big_value})])
    with Server(config) as server:
        conn = Conn(server.port)
        count = 8
        conn.send(b"".join(request("GET", f"/{i}") for i in range(count)))
        statuses = []
        for _ in range(count):
            try:
                statuses.append(conn.read_response(timeout=3).status)
            except harness.HarnessError as e:
                statuses.append(str(e)[:80])
                break
        t.equal(statuses, [200] * count, "every pipelined request gets 200")


def test_two_ephemeral_listeners(t):
    t.section("two port-0 listeners")
    config = make_config(listeners=("127.0.0.1:0", "127.0.0.1:0"))
    server = Server(config)
    server.start(listeners=2)
    try:
        t.equal(len(set(server.ports)), 2, "two distinct ports")
        for port in server.ports:
            r = harness.curl(f"http://127.0.0.1:{port}/")
            t.equal(r.stdout, "hello\n", f"port {port} serves")
    finally:
        server.stop()


def test_no_continue_for_empty_body(t):
    t.section("Expect: 100-continue with Content-Length: 0")
    with Server(make_config()) as server:
        conn = Conn(server.port)
        conn.send(b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n")
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and b"hello\n" not in conn.buf:
            conn._recv_some(0.2)
        t.check(bytes(conn.buf).startswith(b"HTTP/1.1 200"), "the final response comes first, no 100",
                bytes(conn.buf[:60]))


def main(t):
    test_slow_reader_cannot_block_shutdown(t)
    test_term_shortens_quit(t)
    test_pipelined_large_heads(t)
    test_two_ephemeral_listeners(t)
    test_no_continue_for_empty_body(t)


if __name__ == "__main__":
    harness.run(main)
