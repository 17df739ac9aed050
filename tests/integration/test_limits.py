#!/usr/bin/env python3
# tests/integration/test_limits.py: size and count limits seen from the wire.
#
# With small [limits] in the config: 414 for a long request line, 431 for one long field,
# too many fields or too large a head (or trailer section), 413 for a body over
# max_body_size whether announced by Content-Length or sent chunked. Each error closes the
# connection and leaves a pipelined request unanswered; requests just inside the limits
# pass.

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, make_config, route  # noqa: E402

LIMITS = {
    "max_request_line": "1KiB",
    "max_field_size": "1KiB",
    "max_header_size": "4KiB",
    "max_fields": 20,
    "max_body_size": "1KiB",
}
PIPELINED = b"GET /pipelined HTTP/1.1\r\nHost: a\r\n\r\n"


def get_with(fields=b"", target=b"/"):
    return b"GET " + target + b" HTTP/1.1\r\nHost: a\r\n" + fields + b"\r\n"


def fields(count, value_size, prefix=b"X-F"):
    return b"".join(b"%s%d: %s\r\n" % (prefix, i, b"v" * value_size) for i in range(count))


def chunked_post(body):
    return b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body


def chunk(data):
    return b"%x\r\n%s\r\n" % (len(data), data)


def check_accepted(t, port, label, data):
    with Conn(port) as c:
        c.send(data + PIPELINED)
        try:
            first = c.read_response(3.0)
            second = c.read_response(3.0)
            ok = first.status == 200 and second.body == b"PIPELINED"
            detail = f"got {first.status}, then {second.status} {second.body[:40]!r}"
        except harness.HarnessError as e:
            ok, detail = False, str(e)
    t.check(ok, f"inside the limit: {label} -> 200", detail)


def check_early(t, port, label, data, status, within=2.0):
    """The error must come while the client is still sending (no waiting for the end)."""
    start = time.monotonic()
    with Conn(port) as c:
        c.try_send(data)
        got, how = c.read_until_close(within + 3)
    elapsed = time.monotonic() - start
    responses, _ = harness.parse_responses(got)
    ok = (len(responses) == 1 and responses[0].status == status and responses[0].closes
          and how != "timeout" and elapsed <= within)
    t.check(ok, f"{label} -> {status} within {within}s without the rest of the message",
            f"after {elapsed:.2f}s ({how}): {got[:200]!r}")


def main(t):
    config = make_config(routes=[route("pipelined", "PIPELINED", path="/pipelined"),
                                 route("root", "ok\n", path_prefix="/")],
                         limits=LIMITS)
    with Server(config) as server:
        port = server.port
        print(f"ringwall pid {server.pid} on 127.0.0.1:{port}; limits {LIMITS}")

        t.section("414 request line too long (max_request_line = 1KiB)")
        check_accepted(t, port, "900-byte request line", get_with(target=b"/" + b"a" * 880))
        harness.check_rejected(t, port, "1.2 KB request line",
                               get_with(target=b"/" + b"a" * 1200), 414, PIPELINED)
        harness.check_rejected(t, port, "1.2 KB request line in absolute-form",
                               get_with(target=b"http://a/" + b"a" * 1200), 414, PIPELINED)
        check_early(t, port, "3 KB of request line and no CRLF yet",
                    b"GET /" + b"a" * 3000, 414)

        t.section("431 field too long (max_field_size = 1KiB)")
        check_accepted(t, port, "one 900-byte field", get_with(fields(1, 900)))
        harness.check_rejected(t, port, "one 1.1 KB field", get_with(fields(1, 1100)), 431,
                               PIPELINED)
        harness.check_rejected(t, port, "one 1.1 KB field name",
                               get_with(b"X" * 1100 + b": v\r\n"), 431, PIPELINED)
        check_early(t, port, "3 KB field line and no CRLF yet",
                    b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"v" * 3000, 431)

        t.section("431 too many fields (max_fields = 20)")
        check_accepted(t, port, "10 fields", get_with(fields(10, 10)))
        harness.check_rejected(t, port, "25 fields", get_with(fields(25, 10)), 431, PIPELINED)
        harness.check_rejected(t, port, "200 empty fields", get_with(b"X:\r\n" * 200), 431,
                               PIPELINED)

        t.section("431 head too large (max_header_size = 4KiB)")
        check_accepted(t, port, "4 fields of 800 bytes (3.2 KB)", get_with(fields(4, 800)))
        harness.check_rejected(t, port, "6 fields of 800 bytes (4.8 KB)",
                               get_with(fields(6, 800)), 431, PIPELINED)
        harness.check_rejected(
            t, port, "trailer section of 6 fields of 800 bytes (trailers count too)",
            chunked_post(chunk(b"hello") + b"0\r\n" + fields(6, 800, b"X-T") + b"\r\n"),
            431, PIPELINED)

        t.section("413 body too large (max_body_size = 1KiB)")
        check_accepted(t, port, "Content-Length 1024 (exactly the limit)",
                       b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1024\r\n\r\n"
                       + b"b" * 1024)
        harness.check_rejected(t, port, "Content-Length 1025 with its body",
                               b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1025\r\n\r\n"
                               + b"b" * 1025, 413, PIPELINED)
        check_early(t, port, "Content-Length 2000, body not sent",
                    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n", 413)
        check_accepted(t, port, "chunked 1000 bytes in two chunks",
                       chunked_post(chunk(b"c" * 500) + chunk(b"c" * 500) + b"0\r\n\r\n"))
        harness.check_rejected(t, port, "chunked 1200 bytes in two chunks",
                               chunked_post(chunk(b"c" * 600) + chunk(b"c" * 600)
                                            + b"0\r\n\r\n"), 413, PIPELINED)
        harness.check_rejected(t, port, "chunked 1100 bytes in 1-byte chunks",
                               chunked_post(chunk(b"c") * 1100 + b"0\r\n\r\n"), 413, PIPELINED)
        check_early(t, port, "chunk size 1 MiB announced, data not sent",
                    chunked_post(b"100000\r\n"), 413)

        t.section("chunk extension longer than the parser allows (1 KiB) -> 400")
        harness.check_rejected(t, port, "2 KB chunk extension",
                               chunked_post(b"5;x=" + b"e" * 2000 + b"\r\nhello\r\n0\r\n\r\n"),
                               400, PIPELINED)

        t.check(server.is_running(), "server still running", server.log_tail())
        t.equal(server.stop(), 0, "server exits 0 on SIGTERM")


if __name__ == "__main__":
    harness.run(main)
