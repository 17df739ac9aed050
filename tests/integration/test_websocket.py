#!/usr/bin/env python3
# tests/integration/test_websocket.py: protocol switches through the proxy. A WebSocket
# client on a raw socket talks to tests/backend/backend.py's /ws echo through the real
# binary: the handshake, echoes of small and large frames in both directions, frames sent
# right behind the upgrade request, ping/pong, the close handshake, the idle timeout,
# refused upgrades, many tunnels at once and shutdown with tunnels open.

import base64
import hashlib
import os
import signal
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, request  # noqa: E402
from backends import Backend  # noqa: E402

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def config(backend_address, tunnel_idle="1h", shutdown="5s"):
    return f"""
workers = 1
[log]
access_log = "off"
[timeouts]
shutdown = "{shutdown}"
[[listeners]]
address = "127.0.0.1:0"
[[upstreams]]
name = "app"
[[upstreams.backends]]
address = "{backend_address}"
[upstreams.timeouts]
tunnel_idle = "{tunnel_idle}"

[[routes]]
path = "/direct"
[routes.respond]
body = "direct\\n"

[[routes]]
path_prefix = "/"
proxy = "app"
"""


def handshake_request(key, version="HTTP/1.1", extra=()):
    headers = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key),
               ("Sec-WebSocket-Version", "13")] + list(extra)
    return request("GET", "/ws", headers=headers, version=version)


def new_key():
    return base64.b64encode(os.urandom(16)).decode()


def accept_for(key):
    return base64.b64encode(hashlib.sha1(key.encode() + WS_GUID).digest()).decode()


def frame(opcode, payload, fin=True):
    """A masked client frame."""
    mask = os.urandom(4)
    n = len(payload)
    b0 = (0x80 if fin else 0) | opcode
    if n < 126:
        head = bytes([b0, 0x80 | n])
    elif n < 1 << 16:
        head = bytes([b0, 0x80 | 126]) + struct.pack(">H", n)
    else:
        head = bytes([b0, 0x80 | 127]) + struct.pack(">Q", n)
    key = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "little") ^ int.from_bytes(key, "little")).to_bytes(n, "little")
    return head + mask + masked


def need(c, n, timeout):
    deadline = time.monotonic() + timeout
    while len(c.buf) < n:
        if c.closed:
            raise harness.HarnessError(f"closed while waiting for {n} bytes; have {len(c.buf)}")
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not c._recv_some(remaining):
            raise harness.HarnessError(f"timeout waiting for {n} bytes; have {len(c.buf)}")


def read_frame(c, timeout=10.0):
    """The next server frame: (fin, opcode, payload). Server frames are not masked."""
    need(c, 2, timeout)
    b0, b1 = c.buf[0], c.buf[1]
    if b1 & 0x80:
        raise harness.HarnessError("a server frame was masked")
    n, pos = b1 & 0x7F, 2
    if n == 126:
        need(c, 4, timeout)
        n, pos = struct.unpack(">H", c.buf[2:4])[0], 4
    elif n == 127:
        need(c, 10, timeout)
        n, pos = struct.unpack(">Q", c.buf[2:10])[0], 10
    need(c, pos + n, timeout)
    payload = bytes(c.buf[pos:pos + n])
    del c.buf[:pos + n]
    return bool(b0 & 0x80), b0 & 0x0F, payload


def open_ws(port, early=b""):
    """Connects and completes the handshake; returns (conn, 101 response)."""
    c = Conn(port, timeout=10)
    key = new_key()
    c.send(handshake_request(key) + early)
    r = c.read_response(10, skip_interim=False)
    if r.status != 101 or r.header("sec-websocket-accept") != accept_for(key):
        c.close()
        raise harness.HarnessError(f"handshake failed: {r.status} {r.headers}")
    return c, r


def handshake(t, port):
    t.section("handshake")
    key = new_key()
    with Conn(port, timeout=10) as c:
        c.send(handshake_request(key))
        r = c.read_response(10, skip_interim=False)
        t.equal(r.status, 101, "upgrade request gets 101 through the proxy")
        t.equal(r.header("sec-websocket-accept"), accept_for(key), "Sec-WebSocket-Accept relayed")
        t.equal((r.header("upgrade") or "").lower(), "websocket", "Upgrade: websocket")
        t.equal((r.header("connection") or "").lower(), "upgrade", "Connection: upgrade")
        t.check(r.header("content-length") is None and r.header("transfer-encoding") is None,
                "101 has no body framing")
        t.check(r.header("x-backend") is not None, "the backend's own fields relayed")
        c.send(frame(1, b"hello"))
        t.equal(read_frame(c), (True, 1, b"hello"), "text frame echoed")


def echo(t, port):
    t.section("echo")
    c, _ = open_ws(port)
    with c:
        for size in (0, 1, 125, 126, 65535, 65536, 300_000):
            payload = os.urandom(size)
            c.send(frame(2, payload))
            fin, op, got = read_frame(c)
            t.check(fin and op == 2 and got == payload, f"binary frame of {size} bytes echoed")
        c.send(frame(9, b"ping!"))
        t.equal(read_frame(c), (True, 10, b"ping!"), "ping answered with pong")
        # Both directions busy at once: a sender thread pushes 8 MiB while we read the echo.
        payload = os.urandom(1 << 20)
        digest = hashlib.sha256(payload * 8).hexdigest()

        def sender():
            for _ in range(8):
                c.send(frame(2, payload))
        th = threading.Thread(target=sender)
        th.start()
        h = hashlib.sha256()
        for _ in range(8):
            _, _, got = read_frame(c, 30)
            h.update(got)
        th.join(30)
        t.equal(h.hexdigest(), digest, "8 MiB streamed both ways at once, intact")
        c.send(frame(8, struct.pack(">H", 1000)))
        t.equal(read_frame(c)[1], 8, "close frame answered")
        t.check(c.wait_closed(5), "the proxy closes the client once the backend has closed")


def early_frames(t, port):
    t.section("frames right behind the upgrade request")
    c, _ = open_ws(port, early=frame(1, b"early one") + frame(1, b"early two"))
    with c:
        t.equal(read_frame(c), (True, 1, b"early one"), "first frame sent with the request echoed")
        t.equal(read_frame(c), (True, 1, b"early two"), "second one too")


def refused_upgrades(t, port, backend):
    t.section("upgrades that do not happen")
    with Conn(port, timeout=10) as c:
        # The backend refuses a handshake without a key with 400: relayed, and the client's
        # connection stays usable for HTTP.
        c.send(request("GET", "/ws", headers=[("Upgrade", "websocket"), ("Connection", "Upgrade")]))
        r = c.read_response(10)
        t.equal(r.status, 400, "handshake refused by the backend: its 400 relayed")
        c.send(request("GET", "/direct"))
        r = c.read_response(10)
        t.equal((r.status, r.body), (200, b"direct\n"), "the connection goes on as HTTP after a refusal")
    with Conn(port, timeout=10) as c:
        # RFC 9110 §7.8: Upgrade in HTTP/1.0 is ignored, so the backend sees no upgrade.
        c.send(handshake_request(new_key(), version="HTTP/1.0"))
        r = c.read_response(10)
        t.equal(r.status, 400, "HTTP/1.0 upgrade is not forwarded (backend answers 400)")
    with Conn(port, timeout=10) as c:
        # A non-proxy route answers normally; Upgrade is optional for a server.
        c.send(request("GET", "/direct", headers=[("Upgrade", "websocket"), ("Connection", "Upgrade")]))
        r = c.read_response(10)
        t.equal((r.status, r.body), (200, b"direct\n"), "respond route ignores Upgrade")
        c.send(request("GET", "/direct"))
        t.equal(c.read_response(10).status, 200, "and keeps the connection")
    with Conn(port, timeout=10) as c:
        # Upgrade with a body: forwarded as a plain request (no switch mid-body).
        c.send(request("POST", "/echo", body=b"abc",
                       headers=[("Upgrade", "websocket"), ("Connection", "Upgrade")]))
        r = c.read_response(10)
        t.equal((r.status, r.body), (200, b"abc"), "upgrade request with a body forwarded without Upgrade")


def many_tunnels(t, port):
    t.section("many tunnels at once")
    conns = []
    try:
        for _ in range(40):
            conns.append(open_ws(port)[0])
        for i, c in enumerate(conns):
            c.send(frame(1, f"tunnel {i}".encode()))
        ok = sum(1 for i, c in enumerate(conns) if read_frame(c) == (True, 1, f"tunnel {i}".encode()))
        t.equal(ok, 40, "40 concurrent tunnels each echo their own frame")
    finally:
        for c in conns:
            c.close()


def client_vanishes(t, server, port):
    t.section("client resets its tunnel")
    c, _ = open_ws(port)
    c.send(frame(1, b"x"))
    read_frame(c)
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()  # RST
    time.sleep(0.3)
    t.check(server.is_running(), "server survives a client reset mid-tunnel")
    c, _ = open_ws(port)
    with c:
        c.send(frame(1, b"after"))
        t.equal(read_frame(c), (True, 1, b"after"), "new tunnels work after the reset")


def idle_timeout(t, backend):
    t.section("idle timeout")
    with Server(config(backend.address, tunnel_idle="1s")) as server:
        c, _ = open_ws(server.port)
        with c:
            # Traffic every 400 ms keeps the tunnel open past the idle time.
            for i in range(5):
                time.sleep(0.4)
                c.send(frame(1, b"keep"))
                read_frame(c)
            t.check(not c.closed, "a tunnel with traffic outlives tunnel_idle")
            start = time.monotonic()
            closed = c.wait_closed(5)
            waited = time.monotonic() - start
            t.check(closed and 0.8 <= waited <= 3.0,
                    "a silent tunnel is closed after tunnel_idle (1s)", f"closed={closed} after {waited:.2f}s")


def shutdown_with_tunnels(t, backend):
    t.section("shutdown with tunnels open")
    with Server(config(backend.address, shutdown="1s")) as server:
        c, _ = open_ws(server.port)
        with c:
            start = time.monotonic()
            server.send_signal(signal.SIGTERM)
            closed = c.wait_closed(5)
            t.check(closed, "open tunnel closed at the shutdown deadline")
            code = server.wait_exit(5)
            t.equal(code, 0, "server exits 0 with a tunnel open")
            t.check(time.monotonic() - start < 4, "within the shutdown timeout")


def main(t):
    with Backend("ws") as backend:
        with Server(config(backend.address)) as server:
            for fn in (handshake, echo, early_frames, many_tunnels):
                try:
                    fn(t, server.port)
                except harness.HarnessError as e:
                    t.check(False, f"{fn.__name__} ran to the end", str(e))
            try:
                refused_upgrades(t, server.port, backend)
                client_vanishes(t, server, server.port)
            except harness.HarnessError as e:
                t.check(False, "refusals and resets ran to the end", str(e))
            t.check(server.is_running(), "server still running", server.log_tail())
        for fn in (idle_timeout, shutdown_with_tunnels):
            try:
                fn(t, backend)
            except harness.HarnessError as e:
                t.check(False, f"{fn.__name__} ran to the end", str(e))


if __name__ == "__main__":
    harness.run(main)
