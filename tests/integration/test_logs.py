#!/usr/bin/env python3
# tests/integration/test_logs.py: the access log's lines, and SIGUSR1 reopening both logs
# after rotation, as logrotate's postrotate does with nginx.

import os
import re
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Server, make_config  # noqa: E402

LINE = re.compile(r'^127\.0\.0\.1 - - \[\d\d/\w\w\w/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                  r'"(\S+) (\S+) HTTP/1\.[01]" (\d{3}) (\d+) "([^"]*)" "((?:[^"\\]|\\.)*)"$')


def read_lines(path, want, timeout=5.0):
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                lines = f.read().splitlines()
            if len(lines) >= want:
                break
        time.sleep(0.05)
    return lines


def main(t):
    tmp = tempfile.mkdtemp(prefix="ringwall-logs-")
    access = os.path.join(tmp, "access.log")
    config = make_config(log={"access_log": access})
    with Server(config) as server:
        port = server.port
        t.section("access log lines")
        harness.curl("-A", 'agent "quoted"', "-e", "http://ref.example/", f"http://127.0.0.1:{port}/a?b=1")
        harness.curl("-I", f"http://127.0.0.1:{port}/")
        lines = read_lines(access, 2)
        t.equal(len(lines), 2, "one line per request")
        first = LINE.match(lines[0]) if lines else None
        t.check(first is not None, "line is in combined format", lines[:1])
        if first:
            t.equal(first.group(1, 2, 3, 4), ("GET", "/a?b=1", "200", "6"), "method, target, status, bytes")
            t.equal(first.group(5), "http://ref.example/", "referer is logged")
            t.equal(first.group(6), 'agent \\"quoted\\"', "quotes in the user agent are escaped")
        second = LINE.match(lines[1]) if len(lines) > 1 else None
        t.check(second is not None and second.group(1) == "HEAD" and second.group(4) == "0",
                "HEAD logs no body bytes", lines[1:])

        t.section("SIGUSR1 reopens the access log after rotation")
        os.rename(access, access + ".1")
        server.send_signal(signal.SIGUSR1)
        server.wait_log("log files reopened")
        harness.curl(f"http://127.0.0.1:{port}/after-rotation")
        fresh = read_lines(access, 1)
        t.check(len(fresh) == 1 and "/after-rotation" in fresh[0], "new requests go to the new file", fresh)
        with open(access + ".1") as f:
            t.check("/after-rotation" not in f.read(), "the rotated file gets nothing more")


if __name__ == "__main__":
    harness.run(main)
