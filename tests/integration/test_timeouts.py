#!/usr/bin/env python3
# tests/integration/test_timeouts.py: header, keep-alive and body timeouts; connection cap.
#
# With timeouts.header = timeouts.keepalive = timeouts.body = "1s" and min_body_rate = 1KiB:
# a slowloris head gets 408 and close; an idle keep-alive connection is closed silently; a
# body trickling under min_body_rate gets 408; a body above it completes. With
# limits.max_connections = 4 the fifth connection gets 503 and close.
#
# Bounds are generous (timer granularity, loaded CI hosts): each check allows the timeout
# plus 2 s, and checks that nothing fires much too early.

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, make_config, request  # noqa: E402

TIMEOUT = 1.0   # seconds, for header, keepalive and body
MARGIN = 2.0    # accepted lateness
EARLY = 0.5     # nothing may fire before this fraction of the timeout


def slowloris(t, port):
    t.section("slowloris: one head byte every 300 ms -> 408 (timeouts.header = 1s)")
    data = b"GET / HTTP/1.1\r\nHost: a\r\nX-Slow: " + b"s" * 100
    with Conn(port) as c:
        start = time.monotonic()
        sent = 0
        # At most len(data) sends, and at most 10 s: the loop is bounded both ways.
        while sent < len(data) and time.monotonic() - start < 10:
            if not c.try_send(data[sent:sent + 1]):
                break
            sent += 1
            if c.wait_closed(0.3):
                break
        got, how = c.read_until_close(MARGIN)
        elapsed = time.monotonic() - start
    status = harness.parse_status(got)
    t.equal(status, 408, "slow head answered with 408")
    t.check(b"connection: close" in got.lower(), "the 408 says Connection: close", repr(got[:200]))
    t.check(how in ("eof", "reset"), "connection closed after the 408", how)
    t.check(TIMEOUT * EARLY <= elapsed <= TIMEOUT + MARGIN,
            f"408 after {elapsed:.2f}s, within [{TIMEOUT * EARLY}, {TIMEOUT + MARGIN}]s "
            f"of the first byte ({sent} bytes sent)")


def idle_new_connection(t, port):
    t.section("a new connection that sends nothing is closed")
    with Conn(port) as c:
        start = time.monotonic()
        closed = c.wait_closed(TIMEOUT + MARGIN + 1)
        elapsed = time.monotonic() - start
        got = bytes(c.buf)
    t.check(closed, f"closed after {elapsed:.2f}s (bound {TIMEOUT + MARGIN + 1}s)")
    t.check(got == b"" or harness.parse_status(got) == 408,
            "nothing sent, or a 408", repr(got[:200]))


def keepalive_idle(t, port):
    t.section("keep-alive idle -> silent close (timeouts.keepalive = 1s)")
    with Conn(port) as c:
        c.send(request("GET", "/"))
        r = c.read_response()
        t.equal(r.status, 200, "first request answered")
        t.check(not c.wait_closed(TIMEOUT * EARLY), "still open after half the idle timeout")
        c.send(request("GET", "/"))
        r = c.read_response()
        t.equal(r.status, 200, "second request before the idle timeout answered")
        start = time.monotonic()
        closed = c.wait_closed(TIMEOUT + MARGIN)
        elapsed = time.monotonic() - start
        t.check(closed, f"idle connection closed after {elapsed:.2f}s "
                        f"(bound {TIMEOUT + MARGIN}s)")
        t.check(elapsed >= TIMEOUT * EARLY, "not closed too early", f"{elapsed:.2f}s")
        t.equal(bytes(c.buf), b"", "closed silently (no 408 on an idle keep-alive connection)")


def slow_body(t, port):
    t.section("body under min_body_rate (1 KiB/s per 1 s window) -> 408")
    head = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10000\r\n\r\n"
    with Conn(port) as c:
        c.send(head)
        start = time.monotonic()
        sent = 0
        while time.monotonic() - start < TIMEOUT + MARGIN + 2 and not c.closed:
            if not c.try_send(b"b" * 10):  # 10 bytes every 250 ms: 40 B/s
                break
            sent += 10
            c.wait_closed(0.25)
        got, how = c.read_until_close(MARGIN)
        elapsed = time.monotonic() - start
    t.equal(harness.parse_status(got), 408, "slow body answered with 408")
    t.check(b"connection: close" in got.lower(), "the 408 says Connection: close", repr(got[:200]))
    t.check(how in ("eof", "reset"), "connection closed after the 408", how)
    t.check(elapsed <= TIMEOUT + MARGIN + 0.5,
            f"408 after {elapsed:.2f}s ({sent} body bytes), bound {TIMEOUT + MARGIN + 0.5}s")

    t.section("body above min_body_rate completes")
    with Conn(port) as c:
        c.send(head.replace(b"10000", b"4000"))
        for _ in range(4):  # 1000 bytes every 400 ms: 2.5 KB/s, 1.6 s in all
            c.send(b"b" * 1000)
            time.sleep(0.4)
        try:
            r = c.read_response(3.0)
            t.equal(r.status, 200, "2.5 KB/s body over 1.6 s answered with 200")
        except harness.HarnessError as e:
            t.check(False, "2.5 KB/s body over 1.6 s answered with 200", str(e))


def max_connections(t):
    t.section("limits.max_connections = 4: the fifth connection gets 503")
    config = make_config(limits={"max_connections": 4}, timeouts={"keepalive": "30s"})
    with Server(config) as server:
        port = server.port
        conns = []
        try:
            for i in range(4):
                c = Conn(port)
                conns.append(c)
                c.send(request("GET", "/"))
                r = c.read_response()
                t.equal(r.status, 200, f"connection {i + 1} of 4 served")
            with Conn(port) as fifth:
                fifth.try_send(request("GET", "/"))
                got, how = fifth.read_until_close(3.0)
            t.equal(harness.parse_status(got), 503, "fifth connection gets 503")
            t.check(b"connection: close" in got.lower(), "the 503 says Connection: close",
                    repr(got[:200]))
            t.check(how in ("eof", "reset"), "fifth connection closed", how)
            for i, c in enumerate(conns):
                c.send(request("GET", "/"))
                t.equal(c.read_response().status, 200, f"connection {i + 1} still served")
            conns.pop().close()
            served = False
            deadline = time.monotonic() + 3
            while not served and time.monotonic() < deadline:  # the close takes a moment
                with Conn(port) as c:
                    c.try_send(request("GET", "/"))
                    try:
                        served = c.read_response(1.0).status == 200
                    except harness.HarnessError:
                        pass
                if not served:
                    time.sleep(0.2)
            t.check(served, "after one closes, a new connection is served again")
        finally:
            for c in conns:
                c.close()
        t.equal(server.stop(), 0, "server exits 0 on SIGTERM")


def main(t):
    config = make_config(
        limits={"min_body_rate": "1KiB"},
        timeouts={"header": "1s", "keepalive": "1s", "body": "1s"})
    with Server(config) as server:
        print(f"ringwall pid {server.pid} on 127.0.0.1:{server.port}")
        for fn in (slowloris, idle_new_connection, keepalive_idle, slow_body):
            try:
                fn(t, server.port)
            except harness.HarnessError as e:
                t.check(False, f"{fn.__name__} ran to the end", str(e))
        t.check(server.is_running(), "server still running", server.log_tail())
        t.equal(server.stop(), 0, "server exits 0 on SIGTERM")
    max_connections(t)


if __name__ == "__main__":
    harness.run(main)
