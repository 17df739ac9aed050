#!/usr/bin/python3
# tests/integration/test_h2_floods.py: HTTP/2 abuse that costs a client almost nothing and
# a naive server a lot (CPU, memory, or both).
#
# Each attack runs on a fresh connection, bounded by frame count and wall time so a server
# without the defence makes the check fail instead of hanging the suite. Three things are
# measured every time: the server's own answer (GOAWAY / RST_STREAM / close, with the
# code the [http2] configuration promises), the server process's VmRSS while the attack
# runs (peak minus baseline below MEMORY_BOUND), and a normal GET on a new connection
# afterwards, so that "the server survived" means it still serves.
#
# Runs against Ringwall (default: $RINGWALL_BIN or argv[1]) or, with H2_TARGET=nghttpd,
# against nghttpd (nghttp2 1.52 with Debian's CVE fixes), which has the library defences
# (rapid-reset rate limit, CONTINUATION and ACK flood limits, SETTINGS entry limit) but
# none of Ringwall's glitch counting. Needs /usr/bin/python3 with python3-hpack (else 77).

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import h2wire as w  # noqa: E402
from h2wire import (CANCEL, ENHANCE_YOUR_CALM, NO_ERROR,  # noqa: E402
                    PROTOCOL_ERROR, REFUSED_STREAM, MAX_CONCURRENT_STREAMS, hp_block,
                    hp_indexed, hp_literal)

MEMORY_BOUND_KIB = 32 * 1024
MAX_FRAMES = 100_000     # hard cap per attack
MAX_SECONDS = 10.0       # hard cap per attack
GLITCH_FRAMES = 20_000   # glitch floods should trip after ~100; no need for 100k
GLITCH_SECONDS = 5.0
BASE = [(":method", "GET"), (":scheme", "http"), (":authority", "localhost"), (":path", "/")]
POST = [(":method", "POST"), (":scheme", "http"), (":authority", "localhost"), (":path", "/")]
BASE_BLOCK = hp_block(BASE)
POST_BLOCK = hp_block(POST)
LIMIT_CODES = (ENHANCE_YOUR_CALM, PROTOCOL_ERROR)


class RssSampler:
    """Samples the server's VmRSS every 20 ms in a thread; .peak is the highest seen."""

    def __init__(self, pid):
        self.pid = pid
        self.base = w.rss_kib(pid) or 0
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.02):
            v = w.rss_kib(self.pid)
            if v is not None:
                self.peak = max(self.peak, v)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        time.sleep(0.1)
        v = w.rss_kib(self.pid)
        if v is not None:
            self.peak = max(self.peak, v)
        self._stop.set()
        self._thread.join(1)
        return False

    @property
    def growth(self):
        return self.peak - self.base


class Flood:
    """Sends batches without ever blocking longer than a moment, reads (or not) between
    them, and stops at the first of: connection gone, error GOAWAY seen, frame cap, time
    cap. A batch the socket only half took is finished before the next one starts, so the
    byte stream never holds a torn frame."""

    def __init__(self, conn, read=True, max_frames=MAX_FRAMES, max_seconds=MAX_SECONDS):
        self.c = conn
        self.read = read
        self.max_frames = max_frames
        self.max_seconds = max_seconds
        self.sent = 0              # frames handed to the socket completely
        self.frames_at_goaway = None
        self.ended_by = None       # goaway, closed, closed-unread, send-failed, frame/time-cap
        self.elapsed = 0.0
        self.closed_after = None   # seconds finish() waited for the close
        self.gone_unread = None    # read=False: the close was seen without reading

    def error_goaway(self):
        return next((g for g in self.c.goaways if g.error_code != NO_ERROR), None)

    def run(self, make_batch):
        """make_batch(i) -> (bytes, frame count) for the batch starting at frame i."""
        start = time.monotonic()
        leftover = b""
        leftover_frames = 0
        while True:
            self.elapsed = time.monotonic() - start
            if self.sent >= self.max_frames:
                self.ended_by = "frame-cap"
                break
            if self.elapsed >= self.max_seconds:
                self.ended_by = "time-cap"
                break
            if not leftover:
                leftover, leftover_frames = make_batch(self.sent)
            n = self.c.send_nowait(leftover, wait=0.2)
            if n < 0:
                self.ended_by = "send-failed"
                break
            leftover = leftover[n:]
            if not leftover:
                self.sent += leftover_frames
            if not self.read:
                if self.c.peer_gone_unread():
                    self.ended_by = "closed-unread"
                    break
                continue
            if self.read:
                self.c._pump(0)
                if self.error_goaway() is not None:
                    self.frames_at_goaway = self.sent
                    self.ended_by = "goaway"
                    break
                if self.c.closed:
                    self.ended_by = "closed"
                    break
        self.elapsed = time.monotonic() - start
        return self

    def finish(self, timeout=3.0):
        """After the loop: wait (bounded) for the server to close. Without read=True the
        wait does not read either, so the server cannot get rid of its queued ACKs; the
        time it took is kept in .closed_after."""
        start = time.monotonic()
        if not self.read:
            while not self.c.peer_gone_unread() and time.monotonic() - start < timeout:
                time.sleep(0.05)
            self.closed_after = time.monotonic() - start
            self.gone_unread = self.c.peer_gone_unread()
            self.c.wait_closed(0.5)  # now read what there is, for the report
            return self
        self.c.wait_closed(timeout)
        self.closed_after = time.monotonic() - start
        return self

    def summary(self):
        g = self.error_goaway()
        after = "" if self.closed_after is None else f", then waited {self.closed_after:.2f}s"
        return (f"{self.sent} frames in {self.elapsed:.2f}s, ended by {self.ended_by}{after}; "
                f"GOAWAY {w.error_name(g.error_code) if g else 'none'}; "
                "connection " + (f"closed ({self.c.close_how})" if self.c.closed else "open"))


def fresh_get(target):
    try:
        with w.H2Conn(target.port) as c:
            c.handshake()
            s = c.get("/")
            return s.status == 200 and s.ended and bytes(s.body) == w.HELLO, repr(s)
    except (OSError, w.H2Error) as e:
        return False, f"{type(e).__name__}: {e}"


def aftermath(t, target, name, sampler):
    t.check(sampler.growth < MEMORY_BOUND_KIB,
            f"{name}: server RSS peak stays within {MEMORY_BOUND_KIB // 1024} MiB of baseline",
            f"baseline {sampler.base} KiB, peak {sampler.peak} KiB")
    ok, detail = fresh_get(target)
    t.check(ok and target.is_running(), f"{name}: server still answers a normal GET afterwards",
            detail + "\n" + target.log_tail())


def new_conn(target, **kw):
    c = w.H2Conn(target.port, **kw)
    c.handshake()
    return c


# ---------------------------------------------------------------------------------------

def test_rapid_reset(t, target):
    name = "rapid reset (HEADERS + RST_STREAM pairs)"
    t.section(name)
    with RssSampler(target.pid) as rss, new_conn(target) as c:
        per = 50

        def batch(i):
            out = bytearray()
            for k in range(per // 2):
                sid = 2 * (i // 2 + k) + 1
                out += w.headers(sid, BASE_BLOCK) + w.rst_stream(sid, CANCEL)
            return bytes(out), per
        f = Flood(c, max_frames=2 * 20_000).run(batch).finish()
    g = f.error_goaway()
    t.check(g is not None and c.closed and f.ended_by in ("goaway", "closed", "send-failed"),
            f"{name}: GOAWAY and close before the flood ends", f.summary())
    t.check(g is not None and g.error_code in LIMIT_CODES,
            f"{name}: the GOAWAY code is ENHANCE_YOUR_CALM or PROTOCOL_ERROR", f.summary())
    aftermath(t, target, name, rss)


def test_continuation_flood(t, target):
    name = "CONTINUATION flood"
    t.section(name)
    with RssSampler(target.pid) as rss, new_conn(target) as c:
        c.send(w.headers(1, BASE_BLOCK, end_stream=True, end_headers=False))
        piece = hp_literal("x-c", "c" * 100)
        per = 20

        def batch(i):
            return w.continuation(1, piece, end_headers=False) * per, per
        f = Flood(c).run(batch).finish()
    limit = target.limits["max_continuations"]
    t.check(c.closed and f.ended_by in ("goaway", "closed", "send-failed"),
            f"{name}: connection ended before the flood ends (max_continuations={limit})",
            f.summary())
    s = c.stream(1)
    t.check(s.status is None, f"{name}: the endless header block was never answered", repr(s))
    aftermath(t, target, name, rss)


def kernel_wmem_max():
    try:
        with open("/proc/sys/net/ipv4/tcp_wmem") as f:
            return int(f.read().split()[2])
    except (OSError, ValueError, IndexError):
        return 4 * 1024 * 1024


def ack_flood(t, target, name, frame_bytes, ack_len):
    t.section(name)
    # We never read during the flood, and a small receive buffer makes the server's ACKs
    # back up after a few KiB, as behind a slow or hostile reader. The server's kernel
    # then autotunes its send buffer up to tcp_wmem's maximum (4 MiB by default, ~6 MB of
    # ACKs in practice), and only after that do ACKs queue inside the server where
    # max_outbound_ack counts them. So this flood is sized from tcp_wmem, not 100k frames;
    # it is still bounded (and takes well under a second on loopback).
    cap = min(1_500_000, (2 * kernel_wmem_max() + (1 << 20)) // ack_len
              + 2 * target.limits["max_outbound_ack"])
    with RssSampler(target.pid) as rss, new_conn(target, rcvbuf=4096) as c:
        per = 1000
        f = Flood(c, read=False, max_frames=cap).run(lambda i: (frame_bytes * per, per))
        f.finish(5.0)
    t.check(f.ended_by in ("send-failed", "closed-unread") or f.gone_unread,
            f"{name}: server ends the connection while ACKs go unread "
            f"(max_outbound_ack={target.limits['max_outbound_ack']})", f.summary())
    aftermath(t, target, name, rss)


def test_settings_flood(t, target):
    ack_flood(t, target, "SETTINGS flood without reading ACKs", w.settings(), 9)


def test_ping_flood(t, target):
    ack_flood(t, target, "PING flood without reading ACKs", w.ping(b"floodpng"), 17)


def test_settings_entries(t, target):
    name = "SETTINGS frame with too many entries"
    t.section(name)
    limit = target.limits["max_settings"]
    with RssSampler(target.pid) as rss, new_conn(target) as c:
        c.try_send(w.settings([(w.MAX_HEADER_LIST_SIZE, 65536 + i) for i in range(limit + 1)]))
        ok, detail = c.expect_connection_error(ENHANCE_YOUR_CALM)
    t.check(ok, f"{name}: {limit + 1} entries (max_settings={limit}) -> GOAWAY "
            "ENHANCE_YOUR_CALM and close", detail)
    with new_conn(target) as c:
        c.send(w.settings([(w.MAX_HEADER_LIST_SIZE, 65536 + i) for i in range(limit)]))
        ok, detail = c.usable()
    t.check(ok, f"{name}: exactly {limit} entries are accepted", detail)
    aftermath(t, target, name, rss)


def test_hpack_bomb(t, target):
    name = "HPACK bomb (one dynamic-table entry referenced thousands of times)"
    t.section(name)
    limit = target.limits["max_header_list_size"]
    entry = "B" * 4000
    refs = 4000                       # 4,000 one-byte references: ~16 MB decoded per stream
    bombs = list(range(3, 3 + 2 * 10, 2))
    with RssSampler(target.pid) as rss, new_conn(target) as c:
        c.send(w.headers(1, BASE_BLOCK + hp_literal("x-bomb", entry, "with")))
        first = c.response(1)
        block = BASE_BLOCK + hp_indexed(62) * refs
        for sid in bombs:
            if not c.try_send(w.headers(sid, block)):
                break
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not c.closed and \
                not all(c.stream(s).done for s in bombs):
            c._pump(0.2)
        c.drain(0.2)
    t.check(first.status == 200, f"{name}: the request that plants a 4 KB entry is served",
            repr(first))
    answered = [s for s in bombs if c.stream(s).status not in (None, 431)]
    refused = [s for s in bombs if c.stream(s).reset is not None or c.stream(s).status == 431]
    gone = any(g.error_code != NO_ERROR for g in c.goaways) or c.closed
    detail = (f"max_header_list_size {limit}; refused {len(refused)}/{len(bombs)}, answered "
              f"{[(s, c.stream(s).status) for s in answered]}; {c.describe()}")
    t.check(not answered and (len(refused) == len(bombs) or gone),
            f"{name}: every oversized field section is refused (RST_STREAM / 431 / GOAWAY)",
            detail)
    aftermath(t, target, name, rss)


def glitch_flood(t, target, name, setup, make_batch, exact=True):
    """Phase 1 sends exactly max_glitches+1 glitches and wants GOAWAY ENHANCE_YOUR_CALM;
    phase 2 (only if needed) keeps going up to the caps and wants the connection ended."""
    t.section(name)
    limit = target.limits["max_glitches"] or 100
    with RssSampler(target.pid) as rss, new_conn(target) as c:
        setup(c)
        phase1 = None
        if exact:
            data, _ = make_batch(0, limit + 1)
            c.try_send(data)
            g = c.wait_for(lambda f: f.type == w.GOAWAY and f.error_code != NO_ERROR, 2.0)
            phase1 = g
            c.wait_closed(2.0) if g is not None else None
        f = Flood(c, max_frames=GLITCH_FRAMES, max_seconds=GLITCH_SECONDS)
        f.sent = limit + 1 if exact else 0
        if not c.closed and f.error_goaway() is None:
            f.run(lambda i: make_batch(i, 20))
        f.finish()
    if exact:
        t.check(phase1 is not None and phase1.error_code in LIMIT_CODES and c.closed,
                f"{name}: GOAWAY ENHANCE_YOUR_CALM/PROTOCOL_ERROR and close by "
                f"max_glitches+1 = {limit + 1}",
                f"phase 1 GOAWAY {phase1!r}; " + f.summary())
    g = f.error_goaway()
    t.check(g is not None and g.error_code in LIMIT_CODES and c.closed,
            f"{name}: GOAWAY ENHANCE_YOUR_CALM/PROTOCOL_ERROR and close before "
            f"{GLITCH_FRAMES} frames / {GLITCH_SECONDS:.0f}s", f.summary())
    aftermath(t, target, name, rss)


def test_empty_data_flood(t, target):
    def setup(c):
        c.send(w.headers(1, POST_BLOCK, end_stream=False))

    glitch_flood(t, target, "zero-length DATA flood (no END_STREAM)", setup,
                 lambda i, n: (w.data(1, b"") * n, n))


def test_window_update_zero_flood(t, target):
    def batch(i, n):
        out = bytearray()
        for k in range(n):
            sid = 2 * (i + k) + 1
            out += w.headers(sid, POST_BLOCK, end_stream=False) + w.window_update(sid, 0)
        return bytes(out), n

    glitch_flood(t, target, "WINDOW_UPDATE increment 0 on streams flood", lambda c: None, batch)


def test_priority_flood(t, target):
    def batch(i, n):
        out = bytearray()
        for k in range(n):
            sid = 2 * (i + k) + 1
            out += w.priority(sid, dep=max(sid - 2, 0), weight=(i + k) % 256)
        return bytes(out), n

    # The allowance for PRIORITY is Ringwall's own small number, so no exact phase.
    glitch_flood(t, target, "PRIORITY flood (idle streams)", lambda c: None, batch, exact=False)


def test_malformed_request_flood(t, target):
    bad = hp_block(BASE + [("X-Upper", "1")])

    def batch(i, n):
        return b"".join(w.headers(2 * (i + k) + 1, bad) for k in range(n)), n

    glitch_flood(t, target, "malformed request flood (stream errors)", lambda c: None, batch)


def test_excess_streams(t, target):
    name = "streams opened past SETTINGS_MAX_CONCURRENT_STREAMS"
    t.section(name)
    n = target.limits["max_concurrent_streams"]
    extra = 50
    with RssSampler(target.pid) as rss, w.H2Conn(target.port) as c:
        # Everything goes out with the preface, before the server's SETTINGS can be
        # acknowledged: the limit is advertised but not yet binding, so the polite answer
        # is REFUSED_STREAM for the excess (RFC 9113 §5.1.2, §8.7).
        sids = [2 * i + 1 for i in range(n + extra)]
        c.send(w.PREFACE + w.settings() + b"".join(w.headers(s, POST_BLOCK, end_stream=False)
                                                   for s in sids))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not c.closed and \
                sum(1 for s in sids if c.stream(s).reset is not None) < extra:
            c._pump(0.2)
        advertised = c.server_settings.get(MAX_CONCURRENT_STREAMS)
        refused = [s for s in sids if c.stream(s).reset in (REFUSED_STREAM, PROTOCOL_ERROR)]
        t.check(advertised == n and len(refused) == extra and not c.goaways,
                f"{name}: the {extra} streams beyond {n} get RST_STREAM REFUSED_STREAM",
                f"advertised {advertised}; refused {len(refused)} "
                f"(codes {sorted({w.error_name(c.stream(s).reset) for s in refused})}); "
                + c.describe())
        kept = [s for s in sids if c.stream(s).reset is None]
        if not c.closed:
            c.send(b"".join(w.data(s, b"x", end_stream=True) for s in kept))
        served = [s for s in kept if c.response(s, 5).status == 200]
        t.check(len(kept) == n and len(served) == n,
                f"{name}: the first {n} streams are still served",
                f"kept {len(kept)}, served {len(served)}; {c.describe()}")
    aftermath(t, target, name, rss)


TESTS = [test_rapid_reset, test_continuation_flood, test_settings_flood, test_ping_flood,
         test_settings_entries, test_hpack_bomb, test_empty_data_flood,
         test_window_update_zero_flood, test_priority_flood, test_malformed_request_flood,
         test_excess_streams]


def main(t):
    w.require_hpack()
    target = w.start_target()
    print(f"target {target.name} pid {target.pid} on 127.0.0.1:{target.port}, "
          f"baseline RSS {target.rss_kib()} KiB", flush=True)
    started = time.monotonic()
    for fn in TESTS:
        t0 = time.monotonic()
        try:
            fn(t, target)
        except (OSError, w.H2Error, harness.HarnessError) as e:
            t.check(False, f"{fn.__name__} ran to the end", f"{type(e).__name__}: {e}")
        print(f"      ({fn.__name__}: {time.monotonic() - t0:.1f}s)", flush=True)
        if not target.is_running():
            t.check(False, "server still running", target.log_tail())
            break
    print(f"\n{t.passed + len(t.failures)} checks against {target.name} in "
          f"{time.monotonic() - started:.1f}s", flush=True)
    target.stop()


if __name__ == "__main__":
    harness.run(main)
