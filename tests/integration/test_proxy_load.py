#!/usr/bin/env python3
# tests/integration/test_proxy_load.py: acceptance checks for the reverse proxy under load,
# through the real binary and the test backend (tests/backend/backend.py):
#   1. 1 GiB download and 1 GiB upload through the proxy, each verified by sha256, while
#      Ringwall's RSS (VmRSS, sampled every 100 ms) grows by less than 64 MiB;
#   2. zero failed requests while one of three backends is SIGKILLed and restarted on the
#      same port about once a second under keep-alive load;
#   3. upstream connection reuse >= 99% in a steady keep-alive run of 2000 requests.
# Every loop is bounded in count and in time; every process started here is killed by PID.

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, request  # noqa: E402
from backends import Backend  # noqa: E402

PERIOD = 251
MiB = 1 << 20
GiB = 1 << 30
RSS_LIMIT = 64 * MiB
IO = 1 * MiB  # client send / recv size



def proxy_config(addresses, *, max_body="2GiB", health=None):
    lines = ["workers = 1", "", "[log]", 'error_log = "stderr"', 'access_log = "off"', "",
             "[limits]", f'max_body_size = "{max_body}"', "",
             "[[listeners]]", 'address = "127.0.0.1:0"', "", "[[upstreams]]", 'name = "app"']
    for address in addresses:
        lines += ["[[upstreams.backends]]", f'address = "{address}"']
    if health:
        lines.append("[upstreams.health]")
        lines += [f"{k} = {harness.toml_value(v)}" for k, v in health.items()]
    lines += ["", "[[routes]]", 'path_prefix = "/"', 'proxy = "app"', ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# RSS sampling
# ---------------------------------------------------------------------------------------

def vm_rss(pid):
    """VmRSS of `pid` in bytes, or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


class RssSampler:
    """Samples VmRSS every 100 ms in a thread until stopped (at most `limit` seconds)."""

    def __init__(self, pid, limit=120.0):
        self.pid = pid
        self.limit = limit
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        deadline = time.monotonic() + self.limit
        while not self._stop.is_set() and time.monotonic() < deadline:
            rss = vm_rss(self.pid)
            if rss is not None:
                self.samples.append(rss)
            self._stop.wait(0.1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        return False

    @property
    def peak(self):
        return max(self.samples) if self.samples else 0


# ---------------------------------------------------------------------------------------
# Streaming client
# ---------------------------------------------------------------------------------------

def read_head(sock, buf, deadline):
    """Reads until the end of a response head. Returns (head text, leftover body bytes)."""
    data = bytearray()
    while b"\r\n\r\n" not in data:
        if time.monotonic() > deadline:
            raise harness.HarnessError(f"no response head in time; got {bytes(data[:200])!r}")
        n = sock.recv_into(buf, IO)
        if n == 0:
            raise harness.HarnessError(f"connection closed before the head; got {bytes(data[:200])!r}")
        data += buf[:n]
        if len(data) > 1 * MiB:
            raise harness.HarnessError("response head over 1 MiB")
    end = data.index(b"\r\n\r\n")
    return data[:end].decode("latin-1"), bytes(data[end + 4:])


def header_value(head, name):
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == name:
            return v.strip()
    return None


def stream_download(port, n, time_limit=40.0):
    """GET /bytes/n; returns (status, received bytes, received sha, expected sha, seconds)."""
    block = bytes(range(PERIOD)) * ((IO // PERIOD) + 2)  # pattern, room for any offset
    pattern = memoryview(block)
    got_sha, want_sha = hashlib.sha256(), hashlib.sha256()
    buf = bytearray(IO)
    mv = memoryview(buf)
    start = time.monotonic()
    deadline = start + time_limit
    received = 0
    mismatch_at = None
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * MiB)
        s.sendall(request("GET", f"/bytes/{n}"))
        head, rest = read_head(s, buf, deadline)
        status = int(head.split(" ", 2)[1])
        cl = header_value(head, "content-length")

        def take(chunk):
            nonlocal received, mismatch_at
            k = len(chunk)
            want = pattern[received % PERIOD:received % PERIOD + k]
            got_sha.update(chunk)
            want_sha.update(want)
            if mismatch_at is None and chunk != want:
                mismatch_at = received
            received += k

        if rest:
            take(memoryview(rest)[:n])
        while received < n:
            if time.monotonic() > deadline:
                raise harness.HarnessError(f"download: {received} of {n} bytes after {time_limit}s")
            k = s.recv_into(buf, min(IO, n - received))
            if k == 0:
                break
            take(mv[:k])
    elapsed = time.monotonic() - start
    return status, cl, received, got_sha.hexdigest(), want_sha.hexdigest(), mismatch_at, elapsed


def stream_upload(port, n, time_limit=40.0):
    """POST /upload with Content-Length n of generated bytes.

    Returns (status, backend JSON or body text, sent bytes, sha of what was sent, seconds).
    """
    seed = hashlib.sha256(b"ringwall").digest()
    block = bytearray(hashlib.shake_256(seed).digest(IO))
    sha = hashlib.sha256()
    start = time.monotonic()
    deadline = start + time_limit
    sent = 0
    buf = bytearray(IO)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 * MiB)
        s.sendall(request("POST", "/upload", headers=[("Content-Length", str(n))]))
        i = 0
        try:
            while sent < n:
                if time.monotonic() > deadline:
                    raise harness.HarnessError(f"upload: {sent} of {n} bytes sent after {time_limit}s")
                block[0:8] = i.to_bytes(8, "big")  # every MiB differs
                k = min(IO, n - sent)
                chunk = memoryview(block)[:k]
                s.sendall(chunk)
                sha.update(chunk)
                sent += k
                i += 1
        except (BrokenPipeError, ConnectionResetError) as e:
            print(f"      upload send stopped after {sent} bytes: {e!r}", flush=True)
        head, rest = read_head(s, buf, deadline + 10)
        status = int(head.split(" ", 2)[1])
        cl = header_value(head, "content-length")
        body = bytearray(rest)
        if cl is not None:
            while len(body) < int(cl) and time.monotonic() < deadline + 10:
                k = s.recv_into(buf, IO)
                if k == 0:
                    break
                body += buf[:k]
    elapsed = time.monotonic() - start
    try:
        doc = json.loads(bytes(body))
    except ValueError:
        doc = bytes(body[:300])
    return status, doc, sent, sha.hexdigest(), elapsed


def settle_rss(pid):
    """RSS before a transfer: the minimum of a few samples over ~0.5 s."""
    samples = []
    for _ in range(5):
        r = vm_rss(pid)
        if r is not None:
            samples.append(r)
        time.sleep(0.1)
    return min(samples) if samples else 0


def fmt_mib(n):
    return f"{n / MiB:.1f} MiB"


# ---------------------------------------------------------------------------------------
# 1. 1 GiB each way with flat memory
# ---------------------------------------------------------------------------------------

def big_transfers(t):
    t.section("1 GiB download and upload through the proxy; RSS growth < 64 MiB")
    with Backend("b1") as b1, Server(proxy_config([b1.address])) as server:
        pid = server.pid
        # warm up: one small exchange each way, so pools and buffers exist before the baseline
        with Conn(server.port, timeout=10) as c:
            c.send(request("GET", "/bytes/1000000"))
            c.read_response(10)
            c.send(request("POST", "/upload", body=b"x" * 1000000))
            c.read_response(10)

        base = settle_rss(pid)
        with RssSampler(pid) as rs:
            status, cl, got, got_sha, want_sha, mismatch, secs = stream_download(server.port, GiB)
        growth = rs.peak - base
        t.check(status == 200 and got == GiB and got_sha == want_sha and mismatch is None,
                f"1 GiB download: status {status}, {got} bytes in {secs:.1f}s "
                f"({got / MiB / max(secs, 1e-9):.0f} MiB/s), sha256 {'matches' if got_sha == want_sha else 'DIFFERS'}",
                f"content-length {cl}, first differing byte at {mismatch}, "
                f"sha got {got_sha} want {want_sha}\n" + server.log_tail(20))
        t.check(growth < RSS_LIMIT,
                f"download RSS growth {fmt_mib(growth)} < 64 MiB (before {fmt_mib(base)}, "
                f"peak {fmt_mib(rs.peak)}, {len(rs.samples)} samples)",
                server.log_tail(20))

        base = settle_rss(pid)
        with RssSampler(pid) as rs:
            status, doc, sent, sha, secs = stream_upload(server.port, GiB)
        growth = rs.peak - base
        ok = (status == 200 and isinstance(doc, dict) and doc.get("bytes") == GiB
              and doc.get("sha256") == sha)
        t.check(ok, f"1 GiB upload: status {status}, sent {sent} bytes in {secs:.1f}s "
                    f"({sent / MiB / max(secs, 1e-9):.0f} MiB/s), backend got "
                    f"{doc.get('bytes') if isinstance(doc, dict) else '?'} bytes, sha256 "
                    f"{'matches' if ok else 'DIFFERS'}",
                f"backend answered {doc!r}, sent sha {sha}\n" + server.log_tail(20))
        t.check(growth < RSS_LIMIT,
                f"upload RSS growth {fmt_mib(growth)} < 64 MiB (before {fmt_mib(base)}, "
                f"peak {fmt_mib(rs.peak)}, {len(rs.samples)} samples)",
                server.log_tail(20))
        t.check(server.is_running(), "server still running after the big transfers",
                server.log_tail(20))


# ---------------------------------------------------------------------------------------
# 2. one of three backends restarted under load
# ---------------------------------------------------------------------------------------

LOAD_SECONDS = 8.0
LOAD_THREADS = 4


def load_worker(port, stop, deadline, out):
    """Keep-alive GET / until `stop` or `deadline`; records every failure."""
    ok = 0
    failures = []
    by_backend = {}
    c = None
    max_requests = 200000
    for _ in range(max_requests):
        if stop.is_set() or time.monotonic() > deadline:
            break
        try:
            if c is None:
                c = Conn(port, timeout=5)
            c.send(request("GET", "/"))
            r = c.read_response(5)
            if r.status == 200:
                ok += 1
                name = r.header("x-backend", "?")
                by_backend[name] = by_backend.get(name, 0) + 1
            else:
                failures.append((time.monotonic(), f"status {r.status}: {r.body[:120]!r}"))
            if r.closes:
                c.close()
                c = None
        except (harness.HarnessError, OSError) as e:
            failures.append((time.monotonic(), f"{type(e).__name__}: {str(e)[:160]}"))
            if c is not None:
                c.close()
            c = None
    if c is not None:
        c.close()
    out.append((ok, failures, by_backend))


def restart_under_load(t):
    t.section("zero failed requests while one of three backends restarts about every second")
    b1, b2, b3 = Backend("b1"), Backend("b2"), Backend("b3")
    victims = [b2]
    events = []
    try:
        # A short ejection, so the restarted b2 is back in rotation before its next kill and
        # every kill lands on live traffic (the default 10 s would keep it out for the run).
        config = proxy_config([b1.address, b2.address, b3.address],
                              health={"ejection_time": "300ms", "max_ejection_time": "300ms"})
        with Server(config) as server:
            stop = threading.Event()
            start = time.monotonic()
            deadline = start + LOAD_SECONDS
            results = []
            threads = [threading.Thread(target=load_worker,
                                        args=(server.port, stop, deadline + 2, results), daemon=True)
                       for _ in range(LOAD_THREADS)]
            for th in threads:
                th.start()
            time.sleep(0.5)
            restarts = 0
            port = b2.port
            restart_error = None
            for _ in range(int(LOAD_SECONDS) + 2):  # bounded: about one restart a second
                if time.monotonic() > deadline - 1.0:
                    break
                tick = time.monotonic()
                try:
                    served = victims[-1].stats()["requests"] - 1  # minus this /stats
                except (harness.HarnessError, OSError, ValueError) as e:
                    served = f"? ({e})"
                events.append((time.monotonic(), f"SIGKILL b2 (this b2 had served {served} requests)"))
                victims[-1].kill()
                try:
                    nb = None
                    for _attempt in range(20):  # the port may take a moment to be free again
                        try:
                            nb = Backend("b2", port=port, timeout=5)
                            break
                        except harness.HarnessError as e:
                            restart_error = str(e)
                            time.sleep(0.05)
                    if nb is None:
                        raise harness.HarnessError(f"b2 would not restart on {port}: {restart_error}")
                    victims.append(nb)
                    events.append((time.monotonic(), "b2 listening again"))
                    restarts += 1
                except harness.HarnessError as e:
                    restart_error = str(e)
                    break
                time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
            stop_wait = deadline - time.monotonic()
            if stop_wait > 0:
                time.sleep(stop_wait)
            stop.set()
            for th in threads:
                th.join(10)
            total_ok = sum(r[0] for r in results)
            failures = sorted(f for r in results for f in r[1])
            by_backend = {}
            for r in results:
                for k, v in r[2].items():
                    by_backend[k] = by_backend.get(k, 0) + v
            t.check(restarts >= 5, f"b2 was SIGKILLed and restarted on port {port} {restarts} times",
                    f"restart stopped: {restart_error}")
            detail = ""
            if failures:
                kinds = {}
                for _, what in failures:
                    key = re.sub(r"b'.*", "", what)[:80]
                    kinds[key] = kinds.get(key, 0) + 1
                timeline = sorted(events + failures)
                detail = ("failure kinds: " + "; ".join(f"{v}x {k}" for k, v in kinds.items())
                          + "\n      timeline (s from start):\n"
                          + "\n".join(f"        {ts - start:6.3f} {what}" for ts, what in timeline[:60])
                          + "\n" + server.log_tail(30))
            t.check(not failures,
                    f"{len(failures)} failed of {total_ok + len(failures)} requests "
                    f"({LOAD_THREADS} keep-alive clients, {LOAD_SECONDS:.0f}s; served by {by_backend})",
                    detail)
            t.check(server.is_running(), "server still running after the restarts", server.log_tail(20))
    finally:
        for b in [b1, b3] + victims:
            b.kill()


# ---------------------------------------------------------------------------------------
# 3. upstream connection reuse
# ---------------------------------------------------------------------------------------

def reuse(t):
    t.section("upstream connection reuse >= 99% over 2000 keep-alive requests")
    n, clients = 2000, 4
    with Backend("b1") as b1, Server(proxy_config([b1.address])) as server:
        before = b1.stats()
        conns = [Conn(server.port, timeout=5) for _ in range(clients)]
        upstream_ids = set()
        bad = []
        start = time.monotonic()
        try:
            for i in range(n):
                if time.monotonic() - start > 30:
                    bad.append(f"stopped at request {i}: over 30s")
                    break
                c = conns[i % clients]
                c.send(request("GET", "/"))
                r = c.read_response(5)
                if r.status != 200:
                    bad.append(f"request {i}: status {r.status}")
                upstream_ids.add(r.header("x-backend-connection"))
                if r.closes:
                    bad.append(f"request {i}: proxy closed the client connection")
                    c.close()
                    conns[i % clients] = Conn(server.port, timeout=5)
        finally:
            for c in conns:
                c.close()
        secs = time.monotonic() - start
        after = b1.stats()
        new_connections = after["connections"] - before["connections"] - 1  # the second /stats
        ratio = 1 - new_connections / n
        t.check(not bad, f"{n} requests over {clients} client connections answered 200 in {secs:.1f}s",
                "; ".join(bad[:10]))
        t.check(ratio >= 0.99,
                f"upstream connection reuse {ratio:.4f} >= 0.99 ({new_connections} backend "
                f"connections, {len(upstream_ids)} distinct x-backend-connection, {n} requests)",
                server.log_tail(20))


def main(t):
    began = time.monotonic()
    for fn in (big_transfers, restart_under_load, reuse):
        try:
            fn(t)
        except harness.HarnessError as e:
            t.check(False, f"{fn.__name__} ran to the end", str(e))
    print(f"\ntotal {time.monotonic() - began:.1f}s", flush=True)


if __name__ == "__main__":
    harness.run(main)
