#!/usr/bin/python3
# tests/integration/test_h2_conformance.py: RFC 9113 / RFC 7541 conformance of the h2c
# listener, in the spirit of h2spec.
#
# Each check opens its own prior-knowledge connection so that one connection error cannot
# hide the next check, sends exactly the bytes of one protocol situation and asserts what
# the RFC makes mandatory. Where the RFC leaves a choice (stream error vs connection error,
# RST_STREAM vs an early 400 for a malformed request) every allowed outcome passes; where
# it says MUST, nghttp2's leniencies (e.g. ignoring invalid regular fields) fail on
# purpose. Positive checks (plain GET, HEAD, POST, concurrency, flow-control credit) make
# sure the negative ones are not passing merely because nothing works.
#
# Runs against Ringwall (default: $RINGWALL_BIN or argv[1]) or, with H2_TARGET=nghttpd,
# against the reference server nghttpd. Needs /usr/bin/python3 with python3-hpack (else 77).

import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import h2wire as w  # noqa: E402
from h2wire import (ACK, BIG_SIZE, DATA, END_HEADERS, END_STREAM,  # noqa: E402
                    ENABLE_PUSH, HEADER_TABLE_SIZE, HEADERS, INITIAL_WINDOW_SIZE,
                    MAX_CONCURRENT_STREAMS, MAX_FRAME_SIZE, MAX_HEADER_LIST_SIZE, MAX_WINDOW,
                    PADDED, PING, PRIORITY, PRIORITY_FLAG, RST_STREAM, SETTINGS,
                    WINDOW_UPDATE, CANCEL, COMPRESSION_ERROR, FLOW_CONTROL_ERROR,
                    FRAME_SIZE_ERROR, NO_ERROR, PROTOCOL_ERROR, REFUSED_STREAM, STREAM_CLOSED,
                    hp_block, hp_indexed, hp_literal, hp_literal_idx, hp_raw_str,
                    hp_size_update, hp_str)

HELLO = w.HELLO
AUTH = "localhost"
BASE = [(":method", "GET"), (":scheme", "http"), (":authority", AUTH), (":path", "/")]


def base(method="GET", path="/", extra=()):
    return [(":method", method), (":scheme", "http"), (":authority", AUTH),
            (":path", path)] + list(extra)


# ---------------------------------------------------------------------------------------
# Case registry
# ---------------------------------------------------------------------------------------

CASES = []


def case(section, title):
    def register(fn):
        CASES.append((section, title, fn))
        return fn
    return register


class Ctx:
    def __init__(self, t, target):
        self.t = t
        self.target = target
        self.port = target.port
        self.conns = []
        self.extra_checks = 0

    def conn(self, pairs=(), handshake=True, auto_wu=True, **kw):
        c = w.H2Conn(self.port, **kw)
        self.conns.append(c)
        c.auto_window_update = auto_wu
        if handshake:
            c.handshake(pairs)
        return c

    def check(self, ok, title, detail=""):
        """An extra named check inside a case (counted like any other)."""
        self.extra_checks += 1
        return self.t.check(ok, title, detail)

    def close_all(self):
        for c in self.conns:
            c.close()
        self.conns = []


def answered_ok(s):
    return s.status == 200 and s.ended and bytes(s.body) == HELLO and s.reset is None


def accepted(ctx, block, more=b"", pairs=(), end_stream=True, sid=1):
    """Sends a HEADERS frame with `block` (plus `more` bytes) and wants 200 "hello"."""
    c = ctx.conn(pairs)
    c.send(w.headers(sid, block, end_stream=end_stream) + more)
    s = c.response(sid)
    return answered_ok(s), f"{s!r}; {c.describe()}"


def malformed(ctx, fields, more=b"", end_stream=True):
    """A request made malformed by `fields` (stateless literals) must be a stream error
    PROTOCOL_ERROR (RFC 9113 §8.1.1), optionally after a 400 response."""
    c = ctx.conn()
    c.send(w.headers(1, hp_block(fields), end_stream=end_stream) + more)
    return c.expect_stream_error(1, PROTOCOL_ERROR, allow_400=True)


def conn_error(ctx, payload, codes, pairs=(), **kw):
    c = ctx.conn(pairs)
    c.try_send(payload)
    return c.expect_connection_error(codes, **kw)


def alive(c, detail=""):
    """The connection survived: a PING is answered and no error GOAWAY arrived."""
    ok = c.ping_roundtrip() and not any(g.error_code != NO_ERROR for g in c.goaways)
    return ok, (detail + "; " if detail else "") + c.describe()


# ---------------------------------------------------------------------------------------
# §3.4 connection preface
# ---------------------------------------------------------------------------------------

@case("3.4", "server's first frame is a SETTINGS frame (server connection preface)")
def _(ctx):
    c = ctx.conn(handshake=False)
    c.preface()
    f = c.read_frame(3)
    return f is not None and f.type == SETTINGS and not f.has(ACK), c.describe()


@case("3.4", "server acknowledges the client's preface SETTINGS")
def _(ctx):
    c = ctx.conn(handshake=False)
    c.preface([(MAX_HEADER_LIST_SIZE, 65536)])
    f = c.wait_for(lambda f: f.type == SETTINGS and f.has(ACK), 3)
    return f is not None and f.payload == b"" and f.sid == 0, c.describe()


@case("3.4", "invalid connection preface -> PROTOCOL_ERROR / close")
def _(ctx):
    c = ctx.conn(handshake=False)
    c.try_send(b"PRI * HTTP/2.0\r\n\r\nXM\r\n\r\n" + w.settings())
    return c.expect_connection_error(PROTOCOL_ERROR, allow_bare_close=True)


@case("3.4", "preface followed by PING instead of SETTINGS -> PROTOCOL_ERROR / close")
def _(ctx):
    c = ctx.conn(handshake=False)
    c.try_send(w.PREFACE + w.ping(b"12345678"))
    return c.expect_connection_error(PROTOCOL_ERROR, allow_bare_close=True)


@case("3.4", "server SETTINGS frame is on stream 0 and a whole number of entries")
def _(ctx):
    c = ctx.conn(handshake=False)
    c.preface()
    f = c.wait_for(lambda f: f.type == SETTINGS and not f.has(ACK), 3)
    return f is not None and f.sid == 0 and len(f.payload) % 6 == 0, c.describe()


@case("3.4", "server advertises the configured SETTINGS_MAX_CONCURRENT_STREAMS (128)")
def _(ctx):
    c = ctx.conn()
    got = c.server_settings.get(MAX_CONCURRENT_STREAMS)
    want = ctx.target.limits["max_concurrent_streams"]
    return got == want, f"server settings {c.server_settings}"


# ---------------------------------------------------------------------------------------
# §4.1 frame format
# ---------------------------------------------------------------------------------------

@case("4.1", "unknown frame type on stream 0 is ignored")
def _(ctx):
    c = ctx.conn()
    c.send(w.frame(0x22, 0, 0, b"whatever"))
    return alive(c)


@case("4.1", "unknown flags on PING are ignored (ACK still echoes the payload)")
def _(ctx):
    c = ctx.conn()
    c.send(w.frame(PING, 0xFE, 0, b"flagged!"))
    f = c.wait_for(lambda f: f.type == PING and f.has(ACK), 3)
    return f is not None and f.payload == b"flagged!", c.describe()


@case("4.1", "unknown flags on HEADERS are ignored")
def _(ctx):
    c = ctx.conn()
    c.send(w.frame(HEADERS, 0xD0 | 0x02 | END_STREAM | END_HEADERS, 1, c.encode(BASE)))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("4.1", "unknown flags on DATA are ignored")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False)
           + w.frame(DATA, 0xF6 | END_STREAM, 1, b"body"))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("4.1", "unknown flags on SETTINGS are ignored (it is still acknowledged)")
def _(ctx):
    c = ctx.conn()
    c.send(w.frame(SETTINGS, 0xFE, 0, b""))
    f = c.wait_for(lambda f: f.type == SETTINGS and f.has(ACK), 3)
    return f is not None and not c.goaways, c.describe()


@case("4.1", "reserved bit in the stream identifier of HEADERS is ignored")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(BASE), reserved=True))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("4.1", "reserved bit in the stream identifier of DATA is ignored")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False)
           + w.data(1, b"body", end_stream=True, reserved=True))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("4.1", "reserved bit in the stream identifier of PING is ignored")
def _(ctx):
    c = ctx.conn()
    c.send(w.ping(b"reserved", reserved=True))
    f = c.wait_for(lambda f: f.type == PING and f.has(ACK), 3)
    return f is not None and f.payload == b"reserved", c.describe()


@case("6.9", "reserved bit in the WINDOW_UPDATE increment is ignored")
def _(ctx):
    c = ctx.conn()
    c.send(w.window_update(0, 1, reserved_bit=True))
    return alive(c)


# ---------------------------------------------------------------------------------------
# §4.2 frame size
# ---------------------------------------------------------------------------------------

@case("4.2", "DATA larger than SETTINGS_MAX_FRAME_SIZE -> FRAME_SIZE_ERROR")
def _(ctx):
    c = ctx.conn()
    limit = c.server_settings.get(MAX_FRAME_SIZE, 16384)
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False))
    c.try_send(w.data(1, b"x" * (limit + 1), end_stream=True))
    return c.expect_stream_error(1, FRAME_SIZE_ERROR)


@case("4.2", "HEADERS larger than SETTINGS_MAX_FRAME_SIZE -> connection FRAME_SIZE_ERROR")
def _(ctx):
    c = ctx.conn()
    limit = c.server_settings.get(MAX_FRAME_SIZE, 16384)
    block = hp_block(BASE + [("x-pad", "p" * (limit + 10))])
    c.try_send(w.headers(1, block))
    return c.expect_connection_error(FRAME_SIZE_ERROR)


@case("4.2", "CONTINUATION larger than SETTINGS_MAX_FRAME_SIZE -> connection FRAME_SIZE_ERROR")
def _(ctx):
    c = ctx.conn()
    limit = c.server_settings.get(MAX_FRAME_SIZE, 16384)
    tail = hp_block([("x-pad", "p" * (limit + 10))])
    c.try_send(w.headers(1, hp_block(BASE), end_headers=False) + w.continuation(1, tail))
    return c.expect_connection_error(FRAME_SIZE_ERROR)


@case("4.2", "SETTINGS larger than SETTINGS_MAX_FRAME_SIZE -> connection FRAME_SIZE_ERROR")
def _(ctx):
    c = ctx.conn()
    limit = c.server_settings.get(MAX_FRAME_SIZE, 16384)
    n = limit // 6 + 1  # whole entries, so only the size rule is broken
    c.try_send(w.settings([(0x100 + i % 200, 1) for i in range(n)]))
    return c.expect_connection_error(FRAME_SIZE_ERROR)


@case("4.2", "PING larger than SETTINGS_MAX_FRAME_SIZE -> connection FRAME_SIZE_ERROR")
def _(ctx):
    return conn_error(ctx, w.ping(b"p" * 16385), FRAME_SIZE_ERROR)


@case("4.2", "DATA of exactly SETTINGS_MAX_FRAME_SIZE is accepted")
def _(ctx):
    c = ctx.conn()
    limit = c.server_settings.get(MAX_FRAME_SIZE, 16384)
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False)
           + w.data(1, b"d" * limit, end_stream=True))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("4.2", "server DATA frames never exceed the client's SETTINGS_MAX_FRAME_SIZE")
def _(ctx):
    c = ctx.conn()
    s = c.get("/big", timeout=10)
    sizes = [len(f.payload) for f in c.frames if f.type == DATA and f.sid == 1]
    ok = s.status == 200 and len(s.body) == BIG_SIZE and sizes and max(sizes) <= 16384
    return ok, f"{s!r} body {len(s.body)}B, largest DATA {max(sizes or [0])}"


# ---------------------------------------------------------------------------------------
# §4.3 / RFC 7541 header compression
# ---------------------------------------------------------------------------------------

def compression_error(ctx, block, pre=b""):
    c = ctx.conn()
    if pre:
        c.send(pre)
        c.response(1)
    c.try_send(w.headers(3 if pre else 1, block))
    return c.expect_connection_error(COMPRESSION_ERROR)


@case("RFC7541 6.1", "indexed field with index 0 -> COMPRESSION_ERROR")
def _(ctx):
    return compression_error(ctx, hp_block(BASE) + hp_indexed(0))


@case("RFC7541 2.3.3", "index beyond the static and (empty) dynamic table -> COMPRESSION_ERROR")
def _(ctx):
    return compression_error(ctx, hp_block(BASE) + hp_indexed(70))


@case("RFC7541 2.3.3", "literal whose name index is beyond the tables -> COMPRESSION_ERROR")
def _(ctx):
    return compression_error(ctx, hp_block(BASE) + hp_literal_idx(99, "v"))


@case("RFC7541 5.1", "integer overflowing 32 bits -> COMPRESSION_ERROR")
def _(ctx):
    return compression_error(ctx, hp_block(BASE) + b"\xff" + b"\xff" * 9 + b"\x7f")


@case("RFC7541 5.2", "Huffman string containing the EOS symbol -> COMPRESSION_ERROR")
def _(ctx):
    return compression_error(ctx, hp_block(BASE) + b"\x00" + hp_str("x-h")
                             + hp_raw_str(b"\xff\xff\xff\xff"))


@case("RFC7541 5.2", "Huffman padding longer than 7 bits -> COMPRESSION_ERROR")
def _(ctx):
    return compression_error(ctx, hp_block(BASE) + b"\x00" + hp_str("x-h")
                             + hp_raw_str(w.huffman("a") + b"\xff"))


@case("RFC7541 5.2", "Huffman padding that is not the EOS prefix -> COMPRESSION_ERROR")
def _(ctx):
    return compression_error(ctx, hp_block(BASE) + b"\x00" + hp_str("x-h")
                             + hp_raw_str(b"\x18"))


@case("RFC7541 5.2", "string length running past the end of the block -> COMPRESSION_ERROR")
def _(ctx):
    return compression_error(ctx, hp_block(BASE) + b"\x00" + hp_str("x-h")
                             + hp_raw_str(b"abc", huffman_flag=False, length=100))


@case("RFC7541 5.1", "block ending inside a multi-byte integer -> COMPRESSION_ERROR")
def _(ctx):
    return compression_error(ctx, hp_block(BASE) + b"\xff")


@case("RFC7541 6.3", "table size update above SETTINGS_HEADER_TABLE_SIZE -> COMPRESSION_ERROR")
def _(ctx):
    c = ctx.conn()
    limit = c.server_settings.get(HEADER_TABLE_SIZE, 4096)
    c.try_send(w.headers(1, hp_size_update(limit + 1) + hp_block(BASE)))
    return c.expect_connection_error(COMPRESSION_ERROR)


@case("RFC7541 4.2", "table size update after the first field -> COMPRESSION_ERROR")
def _(ctx):
    return compression_error(ctx, hp_block(BASE[:1]) + hp_size_update(0) + hp_block(BASE[1:]))


@case("RFC7541 4.2", "two table size updates at the start of a block are accepted")
def _(ctx):
    return accepted(ctx, hp_size_update(0) + hp_size_update(4096) + hp_block(BASE))


@case("RFC7541 4.2", "table size update to 0 evicts entries (index 62 -> COMPRESSION_ERROR)")
def _(ctx):
    first = w.headers(1, hp_block(BASE) + hp_literal("x-dyn", "v1", "with"))
    return compression_error(ctx, hp_size_update(0) + hp_block(BASE) + hp_indexed(62),
                             pre=first)


@case("RFC7541 2.3.2", "dynamic table entry added by one request is usable by the next")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(BASE) + hp_literal("x-dyn", "v1", "with")))
    s1 = c.response(1)
    c.send(w.headers(3, hp_block(BASE) + hp_indexed(62)))
    s3 = c.response(3)
    return answered_ok(s1) and answered_ok(s3), f"{s1!r} {s3!r}; {c.describe()}"


@case("RFC7541 2.3.2", "entry added and referenced within the same block is accepted")
def _(ctx):
    return accepted(ctx, hp_block(BASE) + hp_literal("x-dyn", "v1", "with") + hp_indexed(62))


@case("RFC7541 4.4", "eviction: an entry pushed out of the table is gone -> COMPRESSION_ERROR")
def _(ctx):
    first = w.headers(1, hp_block(BASE) + hp_literal("x-a", "a" * 3000, "with"))
    return compression_error(ctx, hp_block(BASE) + hp_literal("x-b", "b" * 3000, "with")
                             + hp_indexed(63), pre=first)


@case("RFC7541 4.4", "an entry larger than the table is not an error")
def _(ctx):
    return accepted(ctx, hp_block(BASE) + hp_literal("x-big", "z" * 5000, "with"))


@case("RFC7541 4.4", "an entry larger than the table empties it (index 62 -> COMPRESSION_ERROR)")
def _(ctx):
    first = w.headers(1, hp_block(BASE) + hp_literal("x-small", "s", "with")
                      + hp_literal("x-big", "z" * 5000, "with"))
    return compression_error(ctx, hp_block(BASE) + hp_indexed(62), pre=first)


@case("RFC7541 5.1", "integer split across HEADERS and CONTINUATION is decoded")
def _(ctx):
    head = hp_block(BASE) + b"\x00" + hp_str("x-long")
    block = head + hp_str("v" * 300)
    cut = len(head) + 1  # just after the 0x7f prefix of the value length
    return _split_block(ctx, block, cut)


def _split_block(ctx, block, cut):
    c = ctx.conn()
    c.send(w.headers(1, block[:cut], end_headers=False) + w.continuation(1, block[cut:]))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("RFC7541 6.1", "decoding error inside a CONTINUATION -> COMPRESSION_ERROR")
def _(ctx):
    c = ctx.conn()
    c.try_send(w.headers(1, hp_block(BASE), end_headers=False)
               + w.continuation(1, hp_indexed(0)))
    return c.expect_connection_error(COMPRESSION_ERROR)


@case("RFC7541 6.2.3", "never-indexed literal is accepted")
def _(ctx):
    return accepted(ctx, hp_block(BASE) + hp_literal("x-secret", "s3cr3t", "never"))


@case("RFC7541 5.2", "Huffman-coded names and values are accepted")
def _(ctx):
    return accepted(ctx, hp_block(BASE + [("x-h", "hello huffman")], use_huffman=True))


@case("RFC7541 6.1", "static-table indexed fields and indexed names are accepted")
def _(ctx):
    # :method GET (2), :scheme http (6), :authority by name (1), :path / (4)
    return accepted(ctx, hp_indexed(2) + hp_indexed(6) + hp_literal_idx(1, AUTH)
                    + hp_indexed(4))


@case("RFC7541 4.2", "client SETTINGS_HEADER_TABLE_SIZE=0: server's next block opens with a "
      "size update to 0")
def _(ctx):
    c = ctx.conn([(HEADER_TABLE_SIZE, 0)])
    s = c.get("/")
    ups = w.hp_decode_size_updates(s.blocks[0]) if s.blocks else []
    s2 = c.get("/")
    ok = answered_ok(s) and answered_ok(s2) and ups and ups[-1] == 0 and not s2.decode_error
    return ok, f"size updates {ups}; first block {s.blocks[0][:16].hex() if s.blocks else ''}; " \
        f"{s!r} {s2!r} {s2.decode_error}"


# ---------------------------------------------------------------------------------------
# §5.1 stream states
# ---------------------------------------------------------------------------------------

@case("5.1", "idle: DATA -> connection PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.data(1, b"x", end_stream=True), PROTOCOL_ERROR)


@case("5.1", "idle: RST_STREAM -> connection PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.rst_stream(1, CANCEL), PROTOCOL_ERROR)


@case("5.1", "idle: WINDOW_UPDATE -> connection PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.window_update(1, 100), PROTOCOL_ERROR)


@case("5.1", "idle: CONTINUATION -> connection PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.continuation(1, hp_block(BASE)), PROTOCOL_ERROR)


@case("5.1", "idle: PRIORITY is allowed, and the stream can then be opened")
def _(ctx):
    c = ctx.conn()
    c.send(w.priority(1, dep=0, weight=100))
    c.send(w.headers(1, c.encode(BASE)))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("8.4", "PUSH_PROMISE from a client -> connection PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False))
    c.try_send(w.push_promise(1, 2, hp_block(BASE)))
    return c.expect_connection_error(PROTOCOL_ERROR)


@case("5.1", "half-closed (remote): DATA -> STREAM_CLOSED")
def _(ctx):
    c = ctx.conn()
    c.try_send(w.headers(1, c.encode(BASE)) + w.data(1, b"late", end_stream=True))
    return c.expect_stream_error(1, STREAM_CLOSED)


@case("5.1", "half-closed (remote): HEADERS -> STREAM_CLOSED")
def _(ctx):
    c = ctx.conn()
    c.try_send(w.headers(1, c.encode(BASE)) + w.headers(1, c.encode([("x-t", "1")])))
    return c.expect_stream_error(1, STREAM_CLOSED)


@case("5.1", "half-closed (remote): CONTINUATION -> STREAM_CLOSED / PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.try_send(w.headers(1, c.encode(BASE)) + w.continuation(1, hp_block([("x-t", "1")])))
    return c.expect_stream_error(1, (STREAM_CLOSED, PROTOCOL_ERROR))


@case("5.1", "half-closed (remote): WINDOW_UPDATE is allowed")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(BASE)) + w.window_update(1, 1000))
    s = c.response(1)
    ok, detail = alive(c)
    return answered_ok(s) and ok, f"{s!r}; {detail}"


@case("5.1", "half-closed (remote): PRIORITY is allowed")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(BASE)) + w.priority(1, 0, 200))
    s = c.response(1)
    ok, detail = alive(c)
    return answered_ok(s) and ok, f"{s!r}; {detail}"


@case("5.1", "half-closed (remote): RST_STREAM is allowed (no connection error)")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(BASE)) + w.rst_stream(1, CANCEL))
    return alive(c)


@case("5.1", "closed (client RST_STREAM): DATA -> STREAM_CLOSED")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False) + w.rst_stream(1, CANCEL))
    c.ping_roundtrip()
    c.try_send(w.data(1, b"late", end_stream=True))
    return c.expect_stream_error(1, STREAM_CLOSED)


@case("5.1", "closed (client RST_STREAM): HEADERS -> STREAM_CLOSED / PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False) + w.rst_stream(1, CANCEL))
    c.ping_roundtrip()
    c.try_send(w.headers(1, hp_block([("x-t", "1")])))
    return c.expect_stream_error(1, (STREAM_CLOSED, PROTOCOL_ERROR))


@case("5.1", "closed (both END_STREAM): DATA -> STREAM_CLOSED")
def _(ctx):
    c = ctx.conn()
    s = c.get("/")
    if not answered_ok(s):
        return False, f"setup GET failed: {s!r}"
    c.try_send(w.data(1, b"late", end_stream=True))
    # the first response is complete; only a new RST_STREAM or GOAWAY can answer this
    c.streams[1] = w.Stream(1)
    return c.expect_stream_error(1, STREAM_CLOSED)


@case("5.1", "closed (both END_STREAM): HEADERS -> STREAM_CLOSED / PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    s = c.get("/")
    if not answered_ok(s):
        return False, f"setup GET failed: {s!r}"
    c.try_send(w.headers(1, hp_block(BASE)))
    # the first response is complete; only a new RST_STREAM or GOAWAY can answer this
    c.streams[1] = w.Stream(1)
    return c.expect_stream_error(1, (STREAM_CLOSED, PROTOCOL_ERROR))


@case("5.1", "closed: WINDOW_UPDATE shortly after END_STREAM is ignored")
def _(ctx):
    c = ctx.conn()
    s = c.get("/")
    c.send(w.window_update(1, 1000))
    ok, detail = alive(c)
    return answered_ok(s) and ok, f"{s!r}; {detail}"


@case("5.1", "closed: RST_STREAM shortly after END_STREAM is ignored")
def _(ctx):
    c = ctx.conn()
    s = c.get("/")
    c.send(w.rst_stream(1, CANCEL))
    ok, detail = alive(c)
    return answered_ok(s) and ok, f"{s!r}; {detail}"


@case("5.1", "closed: PRIORITY is allowed")
def _(ctx):
    c = ctx.conn()
    s = c.get("/")
    c.send(w.priority(1, 0, 10))
    ok, detail = alive(c)
    return answered_ok(s) and ok, f"{s!r}; {detail}"


# ---------------------------------------------------------------------------------------
# §5.1.1 stream identifiers, §5.1.2 concurrency
# ---------------------------------------------------------------------------------------

@case("5.1.1", "even-numbered (server) stream id from the client -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.headers(2, hp_block(BASE)), PROTOCOL_ERROR)


@case("5.1.1", "stream id lower than a previous one -> PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(5, hp_block(base("POST")), end_stream=False))
    c.ping_roundtrip()
    c.try_send(w.headers(3, hp_block(BASE)))
    return c.expect_connection_error(PROTOCOL_ERROR)


@case("5.1.1", "skipped stream id is implicitly closed (reuse -> PROTOCOL_ERROR / STREAM_CLOSED)")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(BASE)) + w.headers(7, hp_block(BASE)))
    c.response(7)
    c.try_send(w.headers(3, hp_block(BASE)))
    return c.expect_connection_error((PROTOCOL_ERROR, STREAM_CLOSED))


@case("5.1.1", "stream ids may skip values (1 then 101)")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(BASE)) + w.headers(101, hp_block(BASE)))
    s1, s2 = c.response(1), c.response(101)
    return answered_ok(s1) and answered_ok(s2), f"{s1!r} {s2!r}"


@case("5.1.1", "the largest stream id 2^31-1 is usable")
def _(ctx):
    return accepted(ctx, hp_block(BASE), sid=MAX_WINDOW)


@case("5.1.2", "streams beyond SETTINGS_MAX_CONCURRENT_STREAMS -> REFUSED_STREAM / PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    n = c.server_settings.get(MAX_CONCURRENT_STREAMS, 100)
    out = b"".join(w.headers(2 * i + 1, hp_block(base("POST")), end_stream=False)
                   for i in range(n))
    c.send(out)
    c.ping_roundtrip()
    extra = 2 * n + 1
    c.try_send(w.headers(extra, hp_block(BASE)))
    return c.expect_stream_error(extra, (REFUSED_STREAM, PROTOCOL_ERROR))


@case("5.1.2", "exactly SETTINGS_MAX_CONCURRENT_STREAMS open streams are all served")
def _(ctx):
    c = ctx.conn()
    n = c.server_settings.get(MAX_CONCURRENT_STREAMS, 100)
    sids = [2 * i + 1 for i in range(n)]
    c.send(b"".join(w.headers(s, hp_block(base("POST")), end_stream=False) for s in sids))
    c.send(b"".join(w.data(s, b"x", end_stream=True) for s in sids))
    bad = [c.response(s, 10) for s in sids]
    bad = [s for s in bad if not answered_ok(s)]
    return not bad, f"{len(bad)} of {n} not answered: {bad[:3]}; {c.describe()}"


@case("5.1.2", "300 requests in batches of 100 on one connection are all served")
def _(ctx):
    c = ctx.conn()
    bad = []
    for _ in range(3):
        sids = [c.send_request("GET", "/") for _ in range(100)]
        bad += [s for s in (c.response(sid, 10) for sid in sids) if not answered_ok(s)]
    return not bad, f"{len(bad)} failed: {bad[:3]}; {c.describe()}"


# ---------------------------------------------------------------------------------------
# §5.3 priority, §5.4 error handling, §5.5 extensions
# ---------------------------------------------------------------------------------------

@case("5.3.1", "HEADERS depending on its own stream -> PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.try_send(w.headers(1, hp_block(BASE), priority=(1, 15, False)))
    return c.expect_stream_error(1, PROTOCOL_ERROR)


@case("5.3.1", "PRIORITY depending on its own stream -> PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(base("POST")), end_stream=False))
    c.try_send(w.priority(1, dep=1))
    return c.expect_stream_error(1, PROTOCOL_ERROR)


@case("5.3", "HEADERS with an exclusive priority and weight 256 is accepted")
def _(ctx):
    return _priority_headers(ctx, (0, 255, True))


def _priority_headers(ctx, prio):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(BASE), priority=prio))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("5.3", "priority dependency on a stream that does not exist is accepted")
def _(ctx):
    return _priority_headers(ctx, (99, 15, False))


@case("5.4.1", "GOAWAY after a connection error names the last processed stream")
def _(ctx):
    c = ctx.conn()
    s = c.get("/")
    c.try_send(w.data(0, b"x"))
    ok, detail = c.expect_connection_error(PROTOCOL_ERROR)
    last = c.goaways[0].last_stream_id if c.goaways else None
    return ok and answered_ok(s) and last == 1, f"last-stream-id {last}; {detail}"


@case("5.4.2", "connection remains usable after a stream error")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(BASE + [("connection", "close")])))
    ok1, d1 = c.expect_stream_error(1, PROTOCOL_ERROR, allow_400=True)
    ok2, d2 = c.usable()
    return ok1 and ok2, f"{d1} / {d2}"


@case("5.4.2", "connection remains usable after five malformed requests")
def _(ctx):
    c = ctx.conn()
    for sid in (1, 3, 5, 7, 9):
        c.send(w.headers(sid, hp_block(BASE + [("X-Upper", "1")])))
    for sid in (1, 3, 5, 7, 9):
        c.expect_stream_error(sid, PROTOCOL_ERROR, allow_400=True)
    return c.usable()


@case("7", "unknown error code in RST_STREAM causes no special behaviour")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(base("POST")), end_stream=False) + w.rst_stream(1, 0xDEAD))
    ok1, d1 = alive(c)
    ok2, d2 = c.usable()
    return ok1 and ok2, f"{d1} / {d2}"


@case("5.5", "unknown extension frame on an open stream is ignored")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False)
           + w.frame(0xFE, 0xFF, 1, b"extension") + w.data(1, b"x", end_stream=True))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("5.5", "unknown extension frame inside a header block -> PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.try_send(w.headers(1, hp_block(BASE[:2]), end_headers=False)
               + w.frame(0xFE, 0, 1, b"ext") + w.continuation(1, hp_block(BASE[2:])))
    return c.expect_connection_error(PROTOCOL_ERROR)


@case("6.5.2", "unknown SETTINGS identifier is ignored")
def _(ctx):
    c = ctx.conn()
    c.send(w.settings([(0xABCD, 7)]))
    f = c.wait_for(lambda f: f.type == SETTINGS and f.has(ACK), 3)
    ok, detail = c.usable()
    return f is not None and ok, detail


# ---------------------------------------------------------------------------------------
# §6.1 DATA, §6.2 HEADERS, §6.3 PRIORITY, §6.4 RST_STREAM
# ---------------------------------------------------------------------------------------

@case("6.1", "DATA on stream 0 -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.data(0, b"x"), PROTOCOL_ERROR)


@case("6.1", "DATA padding longer than the payload -> PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False))
    c.try_send(w.data(1, b"abc", end_stream=True, pad=(10, 0)))
    return c.expect_connection_error(PROTOCOL_ERROR)


@case("6.1", "DATA padding equal to the payload length -> PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False))
    c.try_send(w.data(1, b"abcd", end_stream=True, pad=(5, 0)))
    return c.expect_connection_error(PROTOCOL_ERROR)


@case("6.1", "PADDED DATA with no room for the Pad Length -> FRAME_SIZE / PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False))
    c.try_send(w.frame(DATA, PADDED | END_STREAM, 1, b""))
    return c.expect_connection_error((FRAME_SIZE_ERROR, PROTOCOL_ERROR))


@case("6.1", "DATA that is all padding is accepted")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False)
           + w.data(1, b"", end_stream=True, pad=40))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("6.1", "padding does not count toward content-length")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST", extra=[("content-length", "5")])),
                     end_stream=False)
           + w.data(1, b"hello", end_stream=True, pad=20))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("6.1", "empty DATA with END_STREAM ends a request")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False) + w.data(1, b"", True))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("6.2", "HEADERS on stream 0 -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.headers(0, hp_block(BASE)), PROTOCOL_ERROR)


@case("6.2", "HEADERS padding longer than the payload -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.headers(1, hp_block(BASE), pad=(255, 0)), PROTOCOL_ERROR)


@case("6.2", "padded HEADERS is accepted")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(BASE), pad=30))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("6.2", "HEADERS with both PADDED and PRIORITY is accepted")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(BASE), pad=7, priority=(0, 31, False)))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("6.2", "HEADERS with PRIORITY flag but too short for it -> FRAME_SIZE / PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.frame(HEADERS, PRIORITY_FLAG | END_HEADERS | END_STREAM, 1,
                                   b"\x00\x00"), (FRAME_SIZE_ERROR, PROTOCOL_ERROR))


@case("6.2", "PADDED HEADERS of length 0 -> FRAME_SIZE / PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.frame(HEADERS, PADDED | END_HEADERS | END_STREAM, 1, b""),
                      (FRAME_SIZE_ERROR, PROTOCOL_ERROR))


@case("6.3", "PRIORITY on stream 0 -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.priority(0, 1), PROTOCOL_ERROR)


@case("6.3", "PRIORITY of length 4 -> FRAME_SIZE_ERROR")
def _(ctx):
    c = ctx.conn()
    c.try_send(w.frame(PRIORITY, 0, 1, b"\x00\x00\x00\x00"))
    return c.expect_stream_error(1, FRAME_SIZE_ERROR)


@case("6.3", "PRIORITY of length 6 -> FRAME_SIZE_ERROR")
def _(ctx):
    c = ctx.conn()
    c.try_send(w.frame(PRIORITY, 0, 1, b"\x00\x00\x00\x00\x0f\x00"))
    return c.expect_stream_error(1, FRAME_SIZE_ERROR)


@case("6.3", "PRIORITY on an open stream is accepted")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False) + w.priority(1, 0, 1)
           + w.data(1, b"x", end_stream=True))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("6.4", "RST_STREAM on stream 0 -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.rst_stream(0, CANCEL), PROTOCOL_ERROR)


@case("6.4", "RST_STREAM on an idle stream above the open ones -> PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False))
    c.try_send(w.rst_stream(5, CANCEL))
    return c.expect_connection_error(PROTOCOL_ERROR)


@case("6.4", "RST_STREAM of length 3 -> FRAME_SIZE_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False))
    c.try_send(w.frame(RST_STREAM, 0, 1, b"\x00\x00\x08"))
    return c.expect_connection_error(FRAME_SIZE_ERROR)


@case("6.4", "RST_STREAM of length 5 -> FRAME_SIZE_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False))
    c.try_send(w.frame(RST_STREAM, 0, 1, b"\x00\x00\x00\x08\x00"))
    return c.expect_connection_error(FRAME_SIZE_ERROR)


@case("6.4", "RST_STREAM on an open stream; the connection serves the next request")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False) + w.rst_stream(1, CANCEL))
    return c.usable()


@case("6.4", "no frames are sent on a stream after the client reset it")
def _(ctx):
    c = ctx.conn([(INITIAL_WINDOW_SIZE, 0)], auto_wu=False)
    sid = c.send_request("GET", "/big")
    c.wait_for(lambda f: f.type == HEADERS and f.sid == sid, 3)
    c.send(w.rst_stream(sid, CANCEL))
    mark = len(c.frames)
    c.send(w.settings([(INITIAL_WINDOW_SIZE, 65535)]))
    c.ping_roundtrip()
    c.drain(0.3)
    late = [f for f in c.frames[mark:] if f.sid == sid and f.type != PRIORITY]
    return not late and c.stream(sid).status == 200, f"after RST_STREAM: {late[:5]}; " \
        + c.describe()


# ---------------------------------------------------------------------------------------
# §6.5 SETTINGS
# ---------------------------------------------------------------------------------------

@case("6.5", "SETTINGS ACK with a payload -> FRAME_SIZE_ERROR")
def _(ctx):
    return conn_error(ctx, w.frame(SETTINGS, ACK, 0, b"\x00\x01\x00\x00\x10\x00"),
                      FRAME_SIZE_ERROR)


@case("6.5", "SETTINGS on a non-zero stream -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.settings([(MAX_CONCURRENT_STREAMS, 10)], sid=1), PROTOCOL_ERROR)


@case("6.5", "SETTINGS length 3 (not a multiple of 6) -> FRAME_SIZE_ERROR")
def _(ctx):
    return conn_error(ctx, w.frame(SETTINGS, 0, 0, b"\x00\x03\x00"), FRAME_SIZE_ERROR)


@case("6.5", "SETTINGS length 8 (not a multiple of 6) -> FRAME_SIZE_ERROR")
def _(ctx):
    return conn_error(ctx, w.frame(SETTINGS, 0, 0, b"\x00\x03\x00\x00\x00\x64\x00\x00"),
                      FRAME_SIZE_ERROR)


@case("6.5.2", "server never sends SETTINGS_ENABLE_PUSH other than 0")
def _(ctx):
    c = ctx.conn()
    return c.server_settings.get(ENABLE_PUSH, 0) == 0, f"server settings {c.server_settings}"


@case("6.5.2", "SETTINGS_ENABLE_PUSH = 2 -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.settings([(ENABLE_PUSH, 2)]), PROTOCOL_ERROR)


@case("6.5.2", "SETTINGS_ENABLE_PUSH = 0 and = 1 are accepted")
def _(ctx):
    c = ctx.conn([(ENABLE_PUSH, 0)])
    c.send(w.settings([(ENABLE_PUSH, 1)]))
    return c.usable()


@case("6.5.2", "SETTINGS_INITIAL_WINDOW_SIZE = 2^31 -> FLOW_CONTROL_ERROR")
def _(ctx):
    return conn_error(ctx, w.settings([(INITIAL_WINDOW_SIZE, 2 ** 31)]), FLOW_CONTROL_ERROR)


@case("6.5.2", "SETTINGS_INITIAL_WINDOW_SIZE = 2^31-1 is accepted")
def _(ctx):
    c = ctx.conn([(INITIAL_WINDOW_SIZE, MAX_WINDOW)])
    return c.usable()


@case("6.5.2", "SETTINGS_MAX_FRAME_SIZE = 16383 -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.settings([(MAX_FRAME_SIZE, 16383)]), PROTOCOL_ERROR)


@case("6.5.2", "SETTINGS_MAX_FRAME_SIZE = 2^24 -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.settings([(MAX_FRAME_SIZE, 2 ** 24)]), PROTOCOL_ERROR)


@case("6.5.2", "SETTINGS_MAX_FRAME_SIZE = 2^24-1 is accepted")
def _(ctx):
    c = ctx.conn([(MAX_FRAME_SIZE, 2 ** 24 - 1)])
    s = c.get("/big", timeout=10)
    return s.status == 200 and len(s.body) == BIG_SIZE and s.ended, f"{s!r} {len(s.body)}B"


@case("6.5.2", "SETTINGS_MAX_HEADER_LIST_SIZE from the client is accepted")
def _(ctx):
    c = ctx.conn([(MAX_HEADER_LIST_SIZE, 4096)])
    return c.usable()


@case("6.5.3", "every SETTINGS frame is acknowledged once")
def _(ctx):
    c = ctx.conn()
    before = c.settings_acks
    c.send(w.settings([(MAX_HEADER_LIST_SIZE, 65536)]) + w.settings())
    c.ping_roundtrip()
    c.drain(0.2)
    return c.settings_acks - before == 2, f"{c.settings_acks - before} ACKs; {c.describe()}"


@case("6.9.2", "SETTINGS_INITIAL_WINDOW_SIZE making a stream window overflow -> "
      "FLOW_CONTROL_ERROR")
def _(ctx):
    c = ctx.conn([(INITIAL_WINDOW_SIZE, 0)], auto_wu=False)
    sid = c.send_request("GET", "/big")
    c.wait_for(lambda f: f.type == HEADERS and f.sid == sid, 3)
    c.send(w.window_update(sid, MAX_WINDOW))
    c.drain(0.2)
    c.try_send(w.settings([(INITIAL_WINDOW_SIZE, MAX_WINDOW)]))
    return c.expect_connection_error(FLOW_CONTROL_ERROR)


# ---------------------------------------------------------------------------------------
# §6.7 PING, §6.8 GOAWAY
# ---------------------------------------------------------------------------------------

@case("6.7", "PING is answered with an ACK echoing the payload")
def _(ctx):
    c = ctx.conn()
    c.send(w.ping(b"\x01\x02\x03\x04\x05\x06\x07\x08"))
    f = c.wait_for(lambda f: f.type == PING, 3)
    return f is not None and f.has(ACK) and f.payload == b"\x01\x02\x03\x04\x05\x06\x07\x08", \
        c.describe()


@case("6.7", "server PING ACK is on stream 0 with 8 octets")
def _(ctx):
    c = ctx.conn()
    c.send(w.ping(b"abcdefgh"))
    f = c.wait_for(lambda f: f.type == PING, 3)
    return f is not None and f.sid == 0 and len(f.payload) == 8, c.describe()


@case("6.7", "a PING ACK from the client is not answered")
def _(ctx):
    c = ctx.conn()
    c.send(w.ping(b"ACKACKAC", ack=True))
    c.ping_roundtrip(payload=b"realping")
    c.drain(0.2)
    echoed = [f for f in c.frames if f.type == PING and f.payload == b"ACKACKAC"]
    return not echoed and not c.goaways, c.describe()


@case("6.7", "PING on a non-zero stream -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.ping(b"12345678", sid=1), PROTOCOL_ERROR)


@case("6.7", "PING of length 7 -> FRAME_SIZE_ERROR")
def _(ctx):
    return conn_error(ctx, w.ping(b"1234567"), FRAME_SIZE_ERROR)


@case("6.7", "PING of length 9 -> FRAME_SIZE_ERROR")
def _(ctx):
    return conn_error(ctx, w.ping(b"123456789"), FRAME_SIZE_ERROR)


@case("6.7", "PING ACK of length 7 -> FRAME_SIZE_ERROR")
def _(ctx):
    return conn_error(ctx, w.ping(b"1234567", ack=True), FRAME_SIZE_ERROR)


@case("6.8", "GOAWAY on a non-zero stream -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.goaway(0, NO_ERROR, sid=1), PROTOCOL_ERROR)


@case("6.8", "GOAWAY shorter than 8 octets -> FRAME_SIZE_ERROR")
def _(ctx):
    return conn_error(ctx, w.frame(w.GOAWAY, 0, 0, b"\x00\x00\x00\x00\x00\x00\x00"),
                      FRAME_SIZE_ERROR)


@case("6.8", "client GOAWAY does not cancel a request already sent")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(BASE)) + w.goaway(0, NO_ERROR))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


# ---------------------------------------------------------------------------------------
# §6.9 WINDOW_UPDATE and flow control
# ---------------------------------------------------------------------------------------

@case("6.9", "WINDOW_UPDATE increment 0 on the connection -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.window_update(0, 0), PROTOCOL_ERROR)


@case("6.9", "WINDOW_UPDATE increment 0 on a stream -> PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False))
    c.try_send(w.window_update(1, 0))
    return c.expect_stream_error(1, PROTOCOL_ERROR)


@case("6.9", "WINDOW_UPDATE of length 3 -> FRAME_SIZE_ERROR")
def _(ctx):
    return conn_error(ctx, w.frame(WINDOW_UPDATE, 0, 0, b"\x00\x00\x01"), FRAME_SIZE_ERROR)


@case("6.9", "WINDOW_UPDATE of length 5 -> FRAME_SIZE_ERROR")
def _(ctx):
    return conn_error(ctx, w.frame(WINDOW_UPDATE, 0, 0, b"\x00\x00\x00\x01\x00"),
                      FRAME_SIZE_ERROR)


@case("6.9.1", "connection window raised to exactly 2^31-1 is accepted")
def _(ctx):
    c = ctx.conn()
    c.send(w.window_update(0, MAX_WINDOW - 65535))
    return alive(c)


@case("6.9.1", "connection window beyond 2^31-1 -> FLOW_CONTROL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.window_update(0, MAX_WINDOW - 65535))
    c.try_send(w.window_update(0, 1))
    return c.expect_connection_error(FLOW_CONTROL_ERROR)


@case("6.9.1", "stream window beyond 2^31-1 -> FLOW_CONTROL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, c.encode(base("POST")), end_stream=False))
    c.try_send(w.window_update(1, MAX_WINDOW))
    return c.expect_stream_error(1, FLOW_CONTROL_ERROR)


@case("6.9.2", "INITIAL_WINDOW_SIZE=1: the server sends 1 byte of DATA, then waits")
def _(ctx):
    c = ctx.conn([(INITIAL_WINDOW_SIZE, 1)], auto_wu=False)
    sid = c.send_request("GET", "/")
    c.drain(0.5)
    s = c.stream(sid)
    ok1 = s.status == 200 and bytes(s.body) == b"h" and not s.ended
    c.send(w.window_update(sid, 5))
    s = c.response(sid)
    ctx.check(ok1 and answered_ok(s),
              "§6.9.1 WINDOW_UPDATE on the stream releases the rest of the body",
              f"{s!r}; {c.describe()}")
    return ok1, f"{s!r}; {c.describe()}"


@case("6.9.2", "INITIAL_WINDOW_SIZE=0: HEADERS are sent but no DATA")
def _(ctx):
    c = ctx.conn([(INITIAL_WINDOW_SIZE, 0)], auto_wu=False)
    sid = c.send_request("GET", "/")
    c.drain(0.5)
    s = c.stream(sid)
    ok = s.status == 200 and len(s.body) == 0 and not s.ended
    c.send(w.settings([(INITIAL_WINDOW_SIZE, 6)]))
    s = c.response(sid)
    ctx.check(ok and answered_ok(s),
              "§6.9.2 raising SETTINGS_INITIAL_WINDOW_SIZE applies to the open stream",
              f"{s!r}; {c.describe()}")
    return ok, f"{s!r}; {c.describe()}"


@case("6.9.2", "SETTINGS_INITIAL_WINDOW_SIZE reduction can make a stream window negative")
def _(ctx):
    c = ctx.conn([(INITIAL_WINDOW_SIZE, 3)], auto_wu=False)
    sid = c.send_request("GET", "/")
    c.drain(0.4)
    s = c.stream(sid)
    got3 = bytes(s.body) == b"hel"
    c.send(w.settings([(INITIAL_WINDOW_SIZE, 1)]))  # window 1 - 3 = -2
    c.wait_for(lambda f: f.type == SETTINGS and f.has(ACK), 2)
    c.send(w.window_update(sid, 3))                 # window 1
    c.drain(0.4)
    got4 = bytes(s.body) == b"hell"
    c.send(w.window_update(sid, 10))
    s = c.response(sid)
    return got3 and got4 and answered_ok(s), f"{s!r} (3 bytes first: {got3}, then exactly " \
        f"one more: {got4}); {c.describe()}"


@case("6.9.1", "server respects the connection window (65,535) and resumes on WINDOW_UPDATE")
def _(ctx):
    c = ctx.conn([(INITIAL_WINDOW_SIZE, 1 << 20)], auto_wu=False)
    sid = c.send_request("GET", "/big")
    c.drain(0.7)
    s = c.stream(sid)
    first = len(s.body)
    c.send(w.window_update(0, BIG_SIZE))
    s = c.response(sid, 10)
    ok = 0 < first <= 65535 and s.ended and len(s.body) == BIG_SIZE
    return ok, f"{first} bytes before the connection WINDOW_UPDATE, {len(s.body)} in all; " \
        + c.describe()


# ---------------------------------------------------------------------------------------
# §6.10 CONTINUATION
# ---------------------------------------------------------------------------------------

@case("6.10", "HEADERS + CONTINUATION is accepted")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(BASE[:2]), end_headers=False)
           + w.continuation(1, hp_block(BASE[2:])))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("6.10", "HEADERS + three CONTINUATIONs (one empty) is accepted")
def _(ctx):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(BASE[:1]), end_headers=False)
           + w.continuation(1, hp_block(BASE[1:2]), end_headers=False)
           + w.continuation(1, b"", end_headers=False)
           + w.continuation(1, hp_block(BASE[2:])))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


def interleaved(ctx, middle):
    c = ctx.conn()
    c.try_send(w.headers(1, hp_block(BASE[:2]), end_headers=False) + middle
               + w.continuation(1, hp_block(BASE[2:])))
    return c.expect_connection_error(PROTOCOL_ERROR)


@case("6.10", "PING inside a header block -> PROTOCOL_ERROR")
def _(ctx):
    return interleaved(ctx, w.ping(b"12345678"))


@case("6.10", "DATA on the same stream inside a header block -> PROTOCOL_ERROR")
def _(ctx):
    return interleaved(ctx, w.data(1, b"x"))


@case("6.10", "HEADERS of another stream inside a header block -> PROTOCOL_ERROR")
def _(ctx):
    return interleaved(ctx, w.headers(3, hp_block(BASE)))


@case("6.10", "PRIORITY inside a header block -> PROTOCOL_ERROR")
def _(ctx):
    return interleaved(ctx, w.priority(1, 0, 10))


@case("6.10", "RST_STREAM inside a header block -> PROTOCOL_ERROR")
def _(ctx):
    return interleaved(ctx, w.rst_stream(1, CANCEL))


@case("6.10", "SETTINGS inside a header block -> PROTOCOL_ERROR")
def _(ctx):
    return interleaved(ctx, w.settings())


@case("6.10", "WINDOW_UPDATE inside a header block -> PROTOCOL_ERROR")
def _(ctx):
    return interleaved(ctx, w.window_update(0, 10))


@case("6.10", "CONTINUATION on a different stream -> PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.try_send(w.headers(1, hp_block(BASE[:2]), end_headers=False)
               + w.continuation(3, hp_block(BASE[2:])))
    return c.expect_connection_error(PROTOCOL_ERROR)


@case("6.10", "CONTINUATION after a completed header block -> PROTOCOL_ERROR")
def _(ctx):
    c = ctx.conn()
    c.try_send(w.headers(1, hp_block(base("POST")), end_stream=False)
               + w.continuation(1, hp_block([("x-late", "1")])))
    return c.expect_connection_error(PROTOCOL_ERROR)


@case("6.10", "CONTINUATION on stream 0 -> PROTOCOL_ERROR")
def _(ctx):
    return conn_error(ctx, w.continuation(0, hp_block(BASE)), PROTOCOL_ERROR)


# ---------------------------------------------------------------------------------------
# §8.1 message framing
# ---------------------------------------------------------------------------------------

def post_with(ctx, fields, frames_after):
    c = ctx.conn()
    c.send(w.headers(1, hp_block(fields), end_stream=False) + frames_after)
    return c


@case("8.1.1", "content-length larger than the DATA sent -> PROTOCOL_ERROR")
def _(ctx):
    c = post_with(ctx, base("POST", extra=[("content-length", "10")]),
                  w.data(1, b"12345", end_stream=True))
    return c.expect_stream_error(1, PROTOCOL_ERROR, allow_400=True)


@case("8.1.1", "DATA beyond content-length -> PROTOCOL_ERROR")
def _(ctx):
    c = post_with(ctx, base("POST", extra=[("content-length", "2")]),
                  w.data(1, b"12345", end_stream=True))
    return c.expect_stream_error(1, PROTOCOL_ERROR, allow_400=True)


@case("8.1.1", "content-length > 0 with END_STREAM on HEADERS -> PROTOCOL_ERROR")
def _(ctx):
    return malformed(ctx, base("POST", extra=[("content-length", "5")]))


@case("8.1.1", "two content-length fields with different values -> PROTOCOL_ERROR")
def _(ctx):
    c = post_with(ctx, base("POST", extra=[("content-length", "5"), ("content-length", "6")]),
                  w.data(1, b"12345", end_stream=True))
    return c.expect_stream_error(1, PROTOCOL_ERROR, allow_400=True)


@case("8.1.1", "non-numeric content-length -> PROTOCOL_ERROR")
def _(ctx):
    c = post_with(ctx, base("POST", extra=[("content-length", "five")]),
                  w.data(1, b"12345", end_stream=True))
    return c.expect_stream_error(1, PROTOCOL_ERROR, allow_400=True)


@case("8.1", "content-length matching a body split over three DATA frames is accepted")
def _(ctx):
    c = post_with(ctx, base("POST", extra=[("content-length", "9")]),
                  w.data(1, b"abc") + w.data(1, b"def") + w.data(1, b"ghi", end_stream=True))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("8.1", "content-length: 0 with END_STREAM on HEADERS is accepted")
def _(ctx):
    return accepted(ctx, hp_block(base("POST", extra=[("content-length", "0")])))


@case("8.1", "request trailers are accepted")
def _(ctx):
    c = post_with(ctx, base("POST", extra=[("te", "trailers")]),
                  w.data(1, b"body") + w.headers(1, hp_block([("x-checksum", "abc")])))
    s = c.response(1)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("8.1", "trailers without END_STREAM -> PROTOCOL_ERROR")
def _(ctx):
    c = post_with(ctx, base("POST"), w.data(1, b"body")
                  + w.headers(1, hp_block([("x-checksum", "abc")]), end_stream=False))
    return c.expect_stream_error(1, PROTOCOL_ERROR, allow_400=True)


@case("8.1", "pseudo-header field in trailers -> PROTOCOL_ERROR")
def _(ctx):
    c = post_with(ctx, base("POST"), w.data(1, b"body")
                  + w.headers(1, hp_block([(":path", "/x")])))
    return c.expect_stream_error(1, PROTOCOL_ERROR, allow_400=True)


@case("8.1", "GET / -> 200 with the body \"hello\\n\"")
def _(ctx):
    c = ctx.conn()
    s = c.get("/")
    return answered_ok(s), f"{s!r} {s.headers}"


@case("8.1", "HEAD / -> 200 without a body")
def _(ctx):
    c = ctx.conn()
    s = c.get("/", method="HEAD")
    data_bytes = sum(len(f.payload) for f in c.frames if f.type == DATA and f.sid == 1)
    return s.status == 200 and s.ended and data_bytes == 0, f"{s!r} {s.headers}"


@case("8.1", "POST with a 40 KiB body over several DATA frames -> 200")
def _(ctx):
    c = ctx.conn()
    sid = c.send_request("POST", "/", body=b"p" * 40960)
    s = c.response(sid)
    return answered_ok(s), f"{s!r}; {c.describe()}"


@case("8.1", "GET /big delivers the whole 100,000-byte body")
def _(ctx):
    c = ctx.conn()
    s = c.get("/big", timeout=10)
    return s.status == 200 and bytes(s.body) == w.BIG_BODY and s.ended, f"{s!r}"


@case("8.1", "100 concurrent streams on one connection are all answered")
def _(ctx):
    c = ctx.conn()
    c.send(b"".join(w.headers(2 * i + 1, c.encode(BASE)) for i in range(100)))
    results = [c.response(2 * i + 1, 10) for i in range(100)]
    bad = [s for s in results if not answered_ok(s)]
    return not bad, f"{len(bad)} of 100 not answered: {bad[:3]}"


@case("8.2.2", "response fields are lowercase, :status first, no connection-specific fields")
def _(ctx):
    c = ctx.conn()
    s = c.get("/")
    names = [k for k, _ in (s.headers or [])]
    forbidden = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}
    problems = []
    if not names or names[0] != ":status" or names.count(":status") != 1:
        problems.append("pseudo-header layout")
    problems += [n for n in names if n != n.lower() or n in forbidden
                 or (n.startswith(":") and n != ":status")]
    return answered_ok(s) and not problems, f"problems {problems}; {s.headers}"


# ---------------------------------------------------------------------------------------
# §8.2 fields
# ---------------------------------------------------------------------------------------

MALFORMED_FIELDS = [
    ("8.2", "uppercase field name", [("X-Upper", "1")]),
    ("8.2.2", "connection field", [("connection", "keep-alive")]),
    ("8.2.2", "keep-alive field", [("keep-alive", "timeout=5")]),
    ("8.2.2", "proxy-connection field", [("proxy-connection", "keep-alive")]),
    ("8.2.2", "transfer-encoding field", [("transfer-encoding", "chunked")]),
    ("8.2.2", "upgrade field", [("upgrade", "h2c")]),
    ("8.2.2", "te other than \"trailers\" (gzip)", [("te", "gzip")]),
    ("8.2.2", "te listing trailers and another coding", [("te", "trailers, deflate")]),
    ("8.2.1", "CR in a field value", [("x-v", "a\rb")]),
    ("8.2.1", "LF in a field value", [("x-v", "a\nb")]),
    ("8.2.1", "NUL in a field value", [("x-v", "a\0b")]),
    ("8.2.1", "field value with leading space", [("x-v", " a")]),
    ("8.2.1", "field value with trailing space", [("x-v", "a ")]),
    ("8.2.1", "field value with trailing tab", [("x-v", "a\t")]),
    ("8.2.1", "empty field name", [("", "v")]),
    ("8.2.1", "space in a field name", [("x v", "1")]),
    ("8.2.1", "colon inside a regular field name", [("x:v", "1")]),
    ("8.2.1", "DEL (0x7f) in a field name", [("x\x7fv", "1")]),
    ("8.2.1", "non-ASCII octet in a field name", [("x\xe9", "1")]),
    ("8.2.1", "NUL in a field name", [("x\0v", "1")]),
]

for _sec, _what, _extra in MALFORMED_FIELDS:
    case(_sec, f"{_what} -> malformed (PROTOCOL_ERROR)")(
        lambda ctx, extra=_extra: malformed(ctx, BASE + extra))


@case("8.2.2", "te: trailers is accepted")
def _(ctx):
    return accepted(ctx, hp_block(BASE + [("te", "trailers")]))


@case("8.2.1", "HTAB inside a field value is accepted")
def _(ctx):
    return accepted(ctx, hp_block(BASE + [("x-v", "a\tb")]))


@case("8.2.1", "obs-text (0x80-0xff) inside a field value is accepted")
def _(ctx):
    return accepted(ctx, hp_block(BASE + [("x-v", "caf\xe9")]))


@case("8.2.3", "several cookie fields are accepted")
def _(ctx):
    return accepted(ctx, hp_block(BASE + [("cookie", "a=1"), ("cookie", "b=2"),
                                          ("cookie", "c=3")]))


@case("8.2", "a 6 KiB field value is accepted")
def _(ctx):
    return accepted(ctx, hp_block(BASE + [("x-large", "L" * 6144)]))


@case("8.2", "a 20 KiB field section over HEADERS + CONTINUATION is accepted")
def _(ctx):
    block = hp_block(BASE + [(f"x-large-{i}", "L" * 5000) for i in range(4)])
    return _split_block(ctx, block, 12000)


@case("8.2", "50 distinct fields are accepted")
def _(ctx):
    return accepted(ctx, hp_block(BASE + [(f"x-field-{i}", f"value-{i}") for i in range(50)]))


# ---------------------------------------------------------------------------------------
# §8.3 pseudo-header fields, §8.5 CONNECT
# ---------------------------------------------------------------------------------------

def without(name):
    return [f for f in BASE if f[0] != name]


MALFORMED_PSEUDO = [
    ("8.3.1", "missing :method", without(":method")),
    ("8.3.1", "missing :scheme", without(":scheme")),
    ("8.3.1", "missing :path", without(":path")),
    ("8.3.1", "empty :path", base(path="")),
    ("8.3.1", ":path not starting with / (not OPTIONS *)", base(path="index.html")),
    ("8.3", "duplicate :method", BASE + [(":method", "GET")]),
    ("8.3", "duplicate :scheme", BASE[:2] + [(":scheme", "http")] + BASE[2:]),
    ("8.3", "duplicate :path", BASE + [(":path", "/")]),
    ("8.3", "duplicate :authority", BASE[:3] + [(":authority", AUTH)] + BASE[3:]),
    ("8.3", "unknown pseudo-header :foo", BASE + [(":foo", "bar")]),
    ("8.3", "response pseudo-header :status in a request", BASE + [(":status", "200")]),
    ("8.3", "pseudo-header after a regular field", BASE[:3] + [("x-a", "1")] + BASE[3:]),
    ("8.3", ":protocol on a GET request", BASE + [(":protocol", "websocket")]),
    ("8.5", "CONNECT with :path", [(":method", "CONNECT"), (":authority", "example.com:443"),
                                   (":path", "/")]),
    ("8.5", "CONNECT with :scheme", [(":method", "CONNECT"), (":scheme", "http"),
                                     (":authority", "example.com:443")]),
    ("8.5", "CONNECT without :authority", [(":method", "CONNECT")]),
]

for _sec, _what, _fields in MALFORMED_PSEUDO:
    case(_sec, f"{_what} -> malformed (PROTOCOL_ERROR)")(
        lambda ctx, fields=_fields: malformed(ctx, fields))


def answered_somehow(ctx, fields):
    """Well-formed but unusual requests: any final response, no PROTOCOL_ERROR."""
    c = ctx.conn()
    c.send(w.headers(1, hp_block(fields)))
    s = c.response(1)
    ok = s.status is not None and s.ended and s.reset is None and not c.goaways
    return ok, f"{s!r}; {c.describe()}"


@case("8.3.1", "OPTIONS with :path * is not malformed")
def _(ctx):
    return answered_somehow(ctx, base("OPTIONS", "*"))


@case("8.5", "well-formed CONNECT (:method + :authority only) is not reset as malformed")
def _(ctx):
    # The control for the malformed-CONNECT checks above: they prove nothing if every
    # CONNECT is reset. Any answer but PROTOCOL_ERROR will do: a status (2xx tunnel, or a
    # refusal such as 405/501), another reset code, or nothing yet (nghttpd waits for the
    # end of the "request"). Not a MUST of RFC 9113, hence kept apart.
    c = ctx.conn()
    c.send(w.headers(1, hp_block([(":method", "CONNECT"), (":authority", "example.com:443")]),
                     end_stream=False))
    s = c.response(1, 1.0)
    ok, detail = alive(c)
    return ok and s.reset != PROTOCOL_ERROR, f"{s!r}; {detail}"


@case("8.3.1", "Host field instead of :authority is accepted")
def _(ctx):
    return accepted(ctx, hp_block([(":method", "GET"), (":scheme", "http"), (":path", "/"),
                                   ("host", AUTH)]))


# ---------------------------------------------------------------------------------------

def main(t):
    w.require_hpack()
    target = w.start_target()
    print(f"target {target.name} pid {target.pid} on 127.0.0.1:{target.port}", flush=True)
    ctx = Ctx(t, target)
    started = time.monotonic()
    last_section = None
    for section, title, fn in CASES:
        major = section.split(".")[0].split()[0] if not section.startswith("RFC") else "RFC7541"
        if major != last_section:
            t.section(f"§{major}" if major[0].isdigit() else major)
            last_section = major
        name = f"§{section} {title}" if section[0].isdigit() else f"{section} {title}"
        try:
            ok, detail = fn(ctx)
        except Exception as e:  # noqa: BLE001 - a crash in one case is that case failing
            ok, detail = False, f"{type(e).__name__}: {e}\n" + traceback.format_exc(limit=3)
        t.check(ok, name, detail)
        ctx.close_all()
        if not target.is_running():
            t.check(False, "server still running", target.log_tail())
            break
    t.check(target.is_running(), "server still running after the conformance set",
            target.log_tail())
    total = t.passed + len(t.failures)
    print(f"\n{total} checks ({len(CASES)} cases) against {target.name} "
          f"in {time.monotonic() - started:.1f}s", flush=True)
    target.stop()


if __name__ == "__main__":
    harness.run(main)
