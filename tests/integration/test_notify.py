#!/usr/bin/env python3
# tests/integration/test_notify.py: systemd Type=notify messages over $NOTIFY_SOCKET:
# READY=1 once listening, RELOADING=1 then READY=1 around a SIGHUP, STOPPING=1 on shutdown.

import os
import signal
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Server, make_config  # noqa: E402


def receive_all(sock, until, timeout=5.0):
    """Datagrams until one contains `until`, within `timeout`."""
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            got.append(sock.recv(4096).decode())
        except socket.timeout:
            break
        if until in got[-1]:
            break
    return got


def main(t):
    tmp = tempfile.mkdtemp(prefix="ringwall-notify-")
    path = os.path.join(tmp, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    with Server(make_config(), env={"NOTIFY_SOCKET": path}) as server:
        t.section("readiness")
        got = receive_all(sock, "READY=1")
        t.check(any("READY=1" in m for m in got), "READY=1 after start", got)
        r = harness.curl(f"http://127.0.0.1:{server.port}/")
        t.equal(r.stdout, "hello\n", "serving once ready")

        t.section("reload")
        server.send_signal(signal.SIGHUP)
        got = receive_all(sock, "READY=1")
        t.check(len(got) >= 2 and "RELOADING=1" in got[0] and "READY=1" in got[-1],
                "RELOADING=1 then READY=1 around SIGHUP", got)

        t.section("shutdown")
        server.send_signal(signal.SIGTERM)
        got = receive_all(sock, "STOPPING=1")
        t.check(any("STOPPING=1" in m for m in got), "STOPPING=1 on SIGTERM", got)
        t.equal(server.wait_exit(10), 0, "exits 0")
    sock.close()


if __name__ == "__main__":
    harness.run(main)
