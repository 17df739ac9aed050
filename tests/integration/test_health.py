#!/usr/bin/env python3
# tests/integration/test_health.py: active HTTP health checks of upstream backends: an
# unhealthy backend (its /health answers 503) leaves the rotation and comes back once it
# passes again; state changes are logged; SIGTERM is not held up by the checkers.

import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, request  # noqa: E402
from backends import Backend  # noqa: E402




def config(addresses, workers=1):
    lines = [f"workers = {workers}", "", "[log]", 'error_log = "stderr"', 'level = "info"',
             'access_log = "off"', "",
             "[[listeners]]", 'address = "127.0.0.1:0"', "", "[[upstreams]]", 'name = "app"']
    for address in addresses:
        lines += ["[[upstreams.backends]]", f'address = "{address}"']
    lines += ["[upstreams.health]", 'check_path = "/health"', 'check_interval = "200ms"',
              'check_timeout = "100ms"', "healthy_threshold = 2", "unhealthy_threshold = 2",
              "", "[[routes]]", 'path_prefix = "/"', 'proxy = "app"', ""]
    return "\n".join(lines)


def backends_seen(port, n=20):
    seen = []
    for _ in range(n):
        with Conn(port, timeout=5) as c:
            c.send(request("GET", "/"))
            r = c.read_response(5)
        seen.append((r.status, r.header("x-backend")))
    return seen


def wait_for(fn, timeout):
    """Polls fn() until it returns a true value or `timeout` s pass (bounded)."""
    deadline = time.monotonic() + timeout
    value = fn()
    while not value and time.monotonic() < deadline:
        time.sleep(0.05)
        value = fn()
    return value


def health_flip(t, capture_dir):
    t.section("an unhealthy backend leaves the rotation and comes back")
    with Backend("b1", capture_dir=capture_dir) as b1, Backend("b2", capture_dir=capture_dir) as b2, \
            Server(config([b1.address, b2.address])) as server:
        seen = backends_seen(server.port)
        t.equal(sorted({b for _, b in seen}), ["b1", "b2"], "both backends serve at first")
        b2.set_healthy(False)
        flipped_at = time.monotonic()
        only_b1 = wait_for(lambda: all(s == (200, "b1") for s in backends_seen(server.port, 10)), 3.0)
        elapsed = time.monotonic() - flipped_at
        t.check(only_b1, "b2 unhealthy: every request goes to b1")
        t.check(elapsed < 1.5, f"taken out within 1.5 s (took {elapsed:.2f} s)")
        line = server.wait_log(re.escape(f"upstream app backend {b2.address} is unhealthy (2 failed checks: 503)"),
                               timeout=2)
        t.check(line, "unhealthy logged with the failure count and status", server.log_tail())
        t.equal(backends_seen(server.port, 20), [(200, "b1")] * 20, "stays out while failing")
        b2.set_healthy(True)
        both = wait_for(lambda: {b for _, b in backends_seen(server.port, 10)} == {"b1", "b2"}, 3.0)
        t.check(both, "b2 healthy again: traffic returns to both")
        line = server.wait_log(re.escape(f"upstream app backend {b2.address} is healthy again"), timeout=2)
        t.check(line, "healthy again logged", server.log_tail())
        t.check(server.is_running(), "server still running", server.log_tail())
        started = time.monotonic()
        code = server.stop(timeout=10)
        took = time.monotonic() - started
        t.equal(code, 0, "exits 0 on SIGTERM with checks running")
        t.check(took < 2.0, f"SIGTERM exits promptly (took {took:.2f} s)")


def slow_checks_and_shutdown(t, capture_dir):
    t.section("a dead backend and several workers: checks never hold up SIGTERM")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    dead = sock.getsockname()[1]
    sock.close()
    with Backend("b1", capture_dir=capture_dir) as b1, \
            Server(config([b1.address, f"127.0.0.1:{dead}"], workers=2)) as server:
        line = server.wait_log(re.escape(f"backend 127.0.0.1:{dead} is unhealthy"), timeout=3)
        t.check(line, "a refused backend is marked unhealthy", server.log_tail())
        t.equal(backends_seen(server.port, 10), [(200, "b1")] * 10, "no request tries the dead backend")
        time.sleep(0.3)
        started = time.monotonic()
        code = server.stop(timeout=10)
        took = time.monotonic() - started
        t.equal(code, 0, "exits 0 on SIGTERM")
        t.check(took < 2.0, f"SIGTERM exits promptly with two workers (took {took:.2f} s)")


def main(t):
    with tempfile.TemporaryDirectory(prefix="ringwall-health-") as capture_dir:
        for fn in (health_flip, slow_checks_and_shutdown):
            try:
                fn(t, capture_dir)
            except harness.HarnessError as e:
                t.check(False, f"{fn.__name__} ran to the end", str(e))


if __name__ == "__main__":
    harness.run(main)
