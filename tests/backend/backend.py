#!/usr/bin/env python3
# tests/backend/backend.py: a controllable HTTP/1.1 origin for the proxy integration tests.
#
#   python3 tests/backend/backend.py --port 0 [--name b1] [--capture-dir DIR]
#
# Prints "listening on 127.0.0.1:PORT" (flushed) once it accepts connections; SIGTERM and
# SIGINT exit 0. One thread per connection, keep-alive and pipelining. The request parser
# is our own and strict (RFC 9112): it never repairs what arrived, it rejects it with 400
# and closes, so a proxy that forwards something ambiguous shows up as a failure. What each
# path does is in tests/backend/README.md. Standard library only.

import argparse
import base64
import fcntl
import hashlib
import http
import json
import os
import re
import signal
import socket
import ssl
import struct
import sys
import termios
import threading
import time
import traceback
import urllib.parse

# The /bytes pattern: byte i of a body is i % 251. PATTERN[j] == j % 251 and it is one block
# plus a period long, so PATTERN[o:o + BLOCK] with o = offset % 251 continues the pattern at
# any offset.
PERIOD = 251
BLOCK = 1 << 20
PATTERN = (bytes(range(PERIOD)) * (BLOCK // PERIOD + 2))[:BLOCK + PERIOD]
PATTERN_MV = memoryview(PATTERN)
STREAM_CHUNK = 64 * 1024          # chunk size of ?chunked=1 answers
CHUNKS_PER_SEND = 16
READ_SMALL = 32 * 1024            # per-connection read buffer for heads and chunk lines
READ_BIG = 256 * 1024             # per-connection buffer for body reads

MAX_HEAD = 1 << 20                # a request head (or trailer section) larger than this: 431
MAX_LINE = 64 * 1024              # a chunk-size line longer than this: 400
MAX_ECHO = 256 << 20              # /echo keeps the body in memory; larger: 413
MAX_DELAY_MS = 600_000
MAX_WS_FRAME = 1 << 40

# Capture file records: kind (R request, B rejected as malformed, P incomplete when the
# connection ended), connection number, bytes on the wire, bytes stored, then the bytes.
RECORD = struct.Struct(">cIQQ")

TOKEN_RE = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
TARGET_RE = re.compile(rb"[\x21-\x7e]+")
VERSION_RE = re.compile(rb"HTTP/[0-9]\.[0-9]")
BAD_VALUE_RE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")     # CTLs but HTAB, CR and LF included
BARE_LF_RE = re.compile(rb"(?<!\r)\n")
BARE_CR_RE = re.compile(rb"\r(?!\n)")
CHUNK_LINE_RE = re.compile(rb"([0-9A-Fa-f]{1,15})([ \t]*;[\x09\x20-\x7e\x80-\xff]*)?")
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class BadRequest(Exception):
    """The request cannot be framed or parsed: answer `status` and close."""

    def __init__(self, status, why):
        super().__init__(why)
        self.status = status
        self.why = why


class PeerClosed(Exception):
    """The peer closed (or the read timed out) before a message was complete."""


def reason(code):
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return "Status"


class Request:
    def __init__(self):
        self.head = b""
        self.request_line = b""
        self.method = b""
        self.target = b""
        self.version = b""
        self.headers = []          # [(name bytes, value bytes)] in order, OWS trimmed
        self.trailers = []
        self.path = ""
        self.query = {}
        self.keep_alive = True
        self.content_length = None
        self.chunked = False
        self.body_read = False
        self.body_bytes = 0

    def values(self, name):
        name = name.lower()
        return [v for n, v in self.headers if n.lower() == name]

    def tokens(self, name):
        out = []
        for v in self.values(name):
            out += [t.strip().lower() for t in v.split(b",") if t.strip()]
        return out

    def flag(self, key):
        return self.query.get(key, [""])[-1] in ("1", "true", "yes")


class Server:
    def __init__(self, args):
        self.name = args.name
        self.capture_dir = args.capture_dir
        self.capture_max = args.capture_max
        self.idle_timeout = args.idle_timeout or None
        self.io_timeout = args.io_timeout
        self.lock = threading.Lock()
        self.capture_lock = threading.Lock()
        self.connections = 0
        self.active = 0
        self.requests = 0
        self.sha_cache = {}
        if self.capture_dir:
            os.makedirs(self.capture_dir, exist_ok=True)

    @property
    def capture_path(self):
        return os.path.join(self.capture_dir, f"{self.name}.capture")

    def write_record(self, kind, cid, wire, data):
        if not self.capture_dir:
            return
        with self.capture_lock:
            with open(self.capture_path, "ab") as f:
                f.write(RECORD.pack(kind, cid, wire, len(data)) + bytes(data))

    def read_records(self, clear):
        if not self.capture_dir:
            return []
        with self.capture_lock:
            try:
                with open(self.capture_path, "rb") as f:
                    raw = f.read()
            except FileNotFoundError:
                raw = b""
            if clear:
                open(self.capture_path, "wb").close()
        records, pos = [], 0
        while pos + RECORD.size <= len(raw):
            kind, cid, wire, stored = RECORD.unpack_from(raw, pos)
            pos += RECORD.size
            records.append((kind, cid, wire, raw[pos:pos + stored]))
            pos += stored
        return records

    def pattern_sha256(self, n):
        with self.lock:
            if n in self.sha_cache:
                return self.sha_cache[n]
        h, off = hashlib.sha256(), 0
        while off < n:
            k = min(BLOCK, n - off)
            o = off % PERIOD
            h.update(PATTERN_MV[o:o + k])
            off += k
        digest = h.hexdigest()
        with self.lock:
            self.sha_cache[n] = digest
        return digest


class Connection:
    # Reads go into buffers allocated once per connection: large fresh allocations (a new
    # bytes object per recv) cost page faults that halve the body throughput.
    def __init__(self, server, sock, cid):
        self.server = server
        self.sock = sock
        self.cid = cid
        self.buf = bytearray()               # read but not yet consumed (heads, chunk lines)
        self.small = bytearray(READ_SMALL)
        self.small_mv = memoryview(self.small)
        self.big = None                      # body reads, allocated at the first body
        self.big_mv = None
        self.nreq = 0
        self.capturing = bool(server.capture_dir)
        self.rec = bytearray()
        self.rec_wire = 0

    # ---- reading ------------------------------------------------------------------------

    def _note(self, data):
        if self.capturing:
            self.rec_wire += len(data)
            room = self.server.capture_max - len(self.rec)
            if room > 0:
                self.rec += data[:room]

    def flush_record(self, kind):
        if self.capturing and self.rec_wire:
            self.server.write_record(kind, self.cid, self.rec_wire, self.rec)
        self.rec = bytearray()
        self.rec_wire = 0

    def _recv_into(self, mv, timeout):
        self.sock.settimeout(timeout)
        try:
            n = self.sock.recv_into(mv)
        except socket.timeout:
            raise PeerClosed("read timed out")
        except OSError as e:
            raise PeerClosed(str(e))
        if not n:
            raise PeerClosed("end of stream")
        return n

    def fill(self, timeout):
        n = self._recv_into(self.small_mv, timeout)
        self.buf += self.small_mv[:n]

    def take(self, n):
        data = bytes(self.buf[:n])
        del self.buf[:n]
        self._note(data)
        return data

    def read_exact(self, n):
        while len(self.buf) < n:
            self.fill(self.server.io_timeout)
        return self.take(n)

    def raw(self, n):
        """Yields the next n bytes as they arrive, never reading past them. What it yields
        is only valid until the next step (it may be a view of a reused buffer)."""
        while n > 0:
            if self.buf:
                k = min(n, len(self.buf))
                data = self.buf[:k]
                del self.buf[:k]
            else:
                if self.big is None:
                    self.big = bytearray(READ_BIG)
                    self.big_mv = memoryview(self.big)
                k = self._recv_into(self.big_mv[:min(n, READ_BIG)], self.server.io_timeout)
                data = self.big_mv[:k]
            self._note(data)
            n -= k
            yield data

    def read_line(self, limit):
        """One CRLF-terminated line, without the CRLF. A bare LF or CR is a 400."""
        for _ in range(limit + 2):               # each turn reads at least one byte
            i = self.buf.find(b"\n")
            if i >= 0:
                line = self.take(i + 1)
                if i == 0 or line[-2:-1] != b"\r":
                    raise BadRequest(400, "bare LF")
                if b"\r" in line[:-2]:
                    raise BadRequest(400, "bare CR")
                return line[:-2]
            if len(self.buf) > limit:
                raise BadRequest(400, "line too long")
            self.fill(self.server.io_timeout)
        raise BadRequest(400, "line too long")

    def read_head(self):
        """The request head up to and including its empty line; None at a clean end."""
        for _ in range(MAX_HEAD + 2):            # each turn reads at least one byte
            # RFC 9112 §2.2: empty lines before a request line are ignored (but captured).
            while self.buf[:2] == b"\r\n":
                self.take(2)
            end = self.buf.find(b"\r\n\r\n")
            region = self.buf if end < 0 else self.buf[:end + 4]
            if BARE_LF_RE.search(region):
                raise BadRequest(400, "bare LF in the request head")
            if BARE_CR_RE.search(region[:-1] if end < 0 else region):
                raise BadRequest(400, "bare CR in the request head")
            if end >= 0:
                if end + 4 > MAX_HEAD:
                    raise BadRequest(431, "request head too large")
                return self.take(end + 4)
            if len(self.buf) > MAX_HEAD:
                raise BadRequest(431, "request head too large")
            if not self.buf and self.rec_wire == 0:
                try:
                    self.fill(self.server.idle_timeout)
                except PeerClosed:
                    return None
            else:
                self.fill(self.server.io_timeout)
        raise BadRequest(431, "request head too large")

    # ---- parsing ------------------------------------------------------------------------

    def parse(self, head):
        req = Request()
        req.head = head
        lines = head[:-4].split(b"\r\n")
        req.request_line = lines[0]
        parts = lines[0].split(b" ")
        if len(parts) != 3:
            raise BadRequest(400, "request line is not METHOD SP TARGET SP VERSION")
        req.method, req.target, req.version = parts
        if not TOKEN_RE.fullmatch(req.method):
            raise BadRequest(400, "bad method")
        if not TARGET_RE.fullmatch(req.target):
            raise BadRequest(400, "bad request target")
        if not VERSION_RE.fullmatch(req.version):
            raise BadRequest(400, "bad HTTP version")
        if req.version not in (b"HTTP/1.0", b"HTTP/1.1"):
            raise BadRequest(505, "HTTP version not supported")
        for line in lines[1:]:
            if line[:1] in (b" ", b"\t"):
                raise BadRequest(400, "obsolete line folding")
            req.headers.append(parse_field(line))

        target = req.target.decode("latin-1")
        if target.startswith(("http://", "https://")):
            target = urllib.parse.urlsplit(target)._replace(scheme="", netloc="").geturl() or "/"
        path, _, query = target.partition("?")
        req.path = path
        req.query = urllib.parse.parse_qs(query, keep_blank_values=True)

        hosts = req.values(b"host")
        if req.version == b"HTTP/1.1" and len(hosts) != 1:
            raise BadRequest(400, "HTTP/1.1 needs exactly one Host")
        te = req.tokens(b"transfer-encoding")
        cl = req.values(b"content-length")
        if req.values(b"transfer-encoding") and cl:
            raise BadRequest(400, "both Transfer-Encoding and Content-Length")
        if req.values(b"transfer-encoding"):
            if req.version == b"HTTP/1.0":
                raise BadRequest(400, "Transfer-Encoding in HTTP/1.0")
            if not te or te[-1] != b"chunked" or te.count(b"chunked") != 1:
                raise BadRequest(400, "Transfer-Encoding does not end in chunked")
            req.chunked = True
        elif cl:
            if len(cl) != 1 or not re.fullmatch(rb"[0-9]{1,18}", cl[0]):
                raise BadRequest(400, "bad or repeated Content-Length")
            req.content_length = int(cl[0])
        conn = req.tokens(b"connection")
        if req.version == b"HTTP/1.1":
            req.keep_alive = b"close" not in conn
        else:
            req.keep_alive = b"keep-alive" in conn and b"close" not in conn
        return req

    def body(self, req):
        """Yields the decoded request body; reads the chunked trailer section too."""
        if req.body_read:
            return
        req.body_read = True
        if req.content_length:
            for data in self.raw(req.content_length):
                req.body_bytes += len(data)
                yield data
        elif req.chunked:
            for _ in range(1 << 40):             # each chunk is at least 5 bytes on the wire
                line = self.read_line(MAX_LINE)
                m = CHUNK_LINE_RE.fullmatch(line)
                if not m:
                    raise BadRequest(400, "bad chunk size line")
                size = int(m.group(1), 16)
                if size == 0:
                    break
                for data in self.raw(size):
                    req.body_bytes += len(data)
                    yield data
                if self.read_exact(2) != b"\r\n":
                    raise BadRequest(400, "chunk data not followed by CRLF")
            total = 0
            for _ in range(MAX_HEAD):            # each trailer line adds to total
                line = self.read_line(MAX_HEAD)
                if not line:
                    break
                total += len(line) + 2
                if total > MAX_HEAD:
                    raise BadRequest(431, "trailer section too large")
                if line[:1] in (b" ", b"\t"):
                    raise BadRequest(400, "obsolete line folding in trailers")
                req.trailers.append(parse_field(line))

    def drain(self, req):
        for _ in self.body(req):
            pass

    # ---- writing ------------------------------------------------------------------------

    def send(self, data):
        self.sock.settimeout(self.server.io_timeout)
        self.sock.sendall(data)

    def send_vec(self, bufs):
        """sendall for a list of buffers, gathered by sendmsg (no joined copy)."""
        self.sock.settimeout(self.server.io_timeout)
        if isinstance(self.sock, ssl.SSLSocket):     # no sendmsg over TLS
            self.sock.sendall(b"".join(bufs))
            return
        bufs = [memoryview(b) for b in bufs if len(b)]
        for _ in range(1 << 30):
            if not bufs:
                return
            sent = self.sock.sendmsg(bufs[:512])
            while sent:
                if sent >= len(bufs[0]):
                    sent -= len(bufs.pop(0))
                else:
                    bufs[0] = bufs[0][sent:]
                    sent = 0

    def std_headers(self):
        hs = [("x-backend", self.server.name), ("x-backend-connection", str(self.cid)),
              ("x-backend-request", str(self.nreq))]
        if isinstance(self.sock, ssl.SSLSocket):
            peer = self.sock.getpeercert()
            subject = ",".join(f"{k}={v}" for rdn in (peer or {}).get("subject", ()) for k, v in rdn)
            hs += [("x-backend-tls", self.sock.version() or ""),
                   ("x-backend-sni", getattr(self.sock, "sni", None) or "-"),
                   ("x-backend-tls-resumed", "1" if self.sock.session_reused else "0"),
                   ("x-backend-tls-client", subject or "-")]
        return hs

    def respond(self, req, status, body=b"", headers=(), content_type="text/plain"):
        """A complete response with Content-Length (none for 1xx, 204 and 304)."""
        hs = [(k, v) for k, v in headers]
        no_body = status in (204, 304) or status < 200
        if not no_body:
            hs.insert(0, ("content-type", content_type))
            hs.append(("content-length", str(len(body))))
        self.send(self.head_bytes(req, status, hs) + (b"" if no_body or is_head(req) else body))

    def head_bytes(self, req, status, headers):
        lines = [f"HTTP/1.1 {status} {reason(status)}"]
        lines += [f"{k}: {v}" for k, v in headers]
        lines += [f"{k}: {v}" for k, v in self.std_headers()]
        if not req.keep_alive:
            lines.append("connection: close")
        elif req.version == b"HTTP/1.0":
            lines.append("connection: keep-alive")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def graceful_close(self):
        """FIN after everything sent, then read until the peer's FIN (bounded), so that
        unread bytes do not turn our close into a RST."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + 2.0
            for _ in range(10_000):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.sock.settimeout(left)
                if not self.sock.recv(BLOCK):
                    break
        except OSError:
            pass
        self.sock.close()

    def reset_close(self):
        """RST: SO_LINGER 0 and close, once what we sent has been acknowledged (bounded)."""
        deadline = time.monotonic() + 5.0
        buf = bytearray(4)
        for _ in range(5_000):
            try:
                fcntl.ioctl(self.sock.fileno(), termios.TIOCOUTQ, buf)
            except OSError:
                break
            if struct.unpack("i", buf)[0] == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.001)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def parse_field(line):
    colon = line.find(b":")
    if colon <= 0:
        raise BadRequest(400, "header field without a name and colon")
    name = line[:colon]
    if not TOKEN_RE.fullmatch(name):
        raise BadRequest(400, "bad header field name (whitespace before the colon?)")
    value = line[colon + 1:].strip(b" \t")
    if BAD_VALUE_RE.search(value):
        raise BadRequest(400, "control character in a header field value")
    return name, value


def is_head(req):
    return req.method == b"HEAD"


def path_int(rest, lo, hi):
    if not re.fullmatch(r"[0-9]{1,15}", rest):
        return None
    n = int(rest)
    return n if lo <= n <= hi else None


def pairs(fields):
    return [[n.decode("latin-1"), v.decode("latin-1")] for n, v in fields]


# ---------------------------------------------------------------------------------------
# Endpoints. Each returns True to keep the connection, False once it has closed it.
# ---------------------------------------------------------------------------------------

def ep_default(c, req):
    c.drain(req)
    c.flush_record(b"R")
    c.respond(req, 200, f"{c.server.name}\n".encode())
    return True


def ep_echo(c, req):
    h, parts, n = hashlib.sha256(), [], 0
    for data in c.body(req):
        n += len(data)
        h.update(data)
        if n <= MAX_ECHO:
            parts.append(bytes(data))
    c.flush_record(b"R")
    if n > MAX_ECHO:
        c.respond(req, 413, b"body too large for /echo\n")
        return True
    c.respond(req, 200, b"".join(parts), [("x-request-bytes", str(n)),
                                          ("x-request-sha256", h.hexdigest())],
              content_type="application/octet-stream")
    return True


def ep_headers(c, req):
    c.drain(req)
    c.flush_record(b"R")
    doc = {
        "request_line": req.request_line.decode("latin-1"),
        "method": req.method.decode("latin-1"),
        "target": req.target.decode("latin-1"),
        "version": req.version.decode("latin-1"),
        "headers": pairs(req.headers),
        "trailers": pairs(req.trailers),
        "body_bytes": req.body_bytes,
        "raw_head": req.head.decode("latin-1"),
        "connection": c.cid,
        "request_index": c.nreq,
    }
    c.respond(req, 200, (json.dumps(doc) + "\n").encode(), content_type="application/json")
    return True


def ep_status(c, req, rest):
    code = path_int(rest, 100, 599)
    c.drain(req)
    c.flush_record(b"R")
    if code is None or code == 101:
        c.respond(req, 400, b"/status/<code>: a code from 100 to 599, not 101\n")
        return True
    if code < 200:  # an interim response, then the final answer
        c.send(f"HTTP/1.1 {code} {reason(code)}\r\n\r\n".encode())
        code = 200
    c.respond(req, code, f"{code} {reason(code)}\n".encode())
    return True


def ep_delay(c, req, rest):
    ms = path_int(rest, 0, MAX_DELAY_MS)
    c.drain(req)
    c.flush_record(b"R")
    if ms is None:
        c.respond(req, 400, f"/delay/<ms>: 0 to {MAX_DELAY_MS}\n".encode())
        return True
    time.sleep(ms / 1000)
    c.respond(req, 200, f"{c.server.name}\n".encode(), [("x-delay-ms", str(ms))])
    return True


def ep_bytes(c, req, rest):
    n = path_int(rest, 0, 1 << 44)
    c.drain(req)
    c.flush_record(b"R")
    if n is None:
        c.respond(req, 400, b"/bytes/<n>: a byte count\n")
        return True
    chunked = req.flag("chunked") and req.version == b"HTTP/1.1"
    hs = [("content-type", "application/octet-stream")]
    if req.flag("sha"):
        hs.append(("x-sha256", c.server.pattern_sha256(n)))
    hs.append(("transfer-encoding", "chunked") if chunked else ("content-length", str(n)))
    c.send(c.head_bytes(req, 200, hs))
    if is_head(req):
        return True
    off = 0
    if chunked:
        parts = []
        while off < n:
            k = min(STREAM_CHUNK, n - off)
            o = off % PERIOD
            parts += [b"%x\r\n" % k, PATTERN_MV[o:o + k], b"\r\n"]
            off += k
            if len(parts) >= 3 * CHUNKS_PER_SEND:
                c.send_vec(parts)
                parts = []
        parts.append(b"0\r\n\r\n")
        c.send_vec(parts)
    else:
        while off < n:
            k = min(BLOCK, n - off)
            o = off % PERIOD
            c.send(PATTERN_MV[o:o + k])
            off += k
    return True


def ep_upload(c, req):
    h, n = hashlib.sha256(), 0
    for data in c.body(req):
        n += len(data)
        h.update(data)
    c.flush_record(b"R")
    doc = {"bytes": n, "sha256": h.hexdigest()}
    c.respond(req, 200, (json.dumps(doc) + "\n").encode(), content_type="application/json")
    return True


def ep_reset(c, req):
    c.drain(req)
    c.flush_record(b"R")
    c.reset_close()
    return False


def ep_mid_body(c, req, rest, rst):
    n = path_int(rest, 0, 1 << 40)
    c.drain(req)
    c.flush_record(b"R")
    if n is None:
        c.respond(req, 400, b"a byte count\n")
        return True
    c.send(c.head_bytes(req, 200, [("content-type", "application/octet-stream"),
                                   ("content-length", str(2 * n))]))
    off = 0
    while off < n:
        k = min(BLOCK, n - off)
        o = off % PERIOD
        c.send(PATTERN_MV[o:o + k])
        off += k
    if rst:
        c.reset_close()
    else:
        c.graceful_close()
    return False


BAD = {
    "bare-lf": b"HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 5\n\nhello",
    "cl-te": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
             b"5\r\nhello\r\n0\r\n\r\n",
    "two-cl": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "bad-status": b"HTTP/1.1 2000 OK\r\nContent-Length: 5\r\n\r\nhello",
    "obs-fold": b"HTTP/1.1 200 OK\r\nX-Folded: first\r\n second\r\nContent-Length: 5\r\n\r\n"
                b"hello",
    "huge-header": b"HTTP/1.1 200 OK\r\nX-Huge: " + b"a" * (100 * 1024)
                   + b"\r\nContent-Length: 5\r\n\r\nhello",
    "bad-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    # A few more in the same spirit.
    "space-before-colon": b"HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello",
    "nul-in-header": b"HTTP/1.1 200 OK\r\nX-Nul: a\x00b\r\nContent-Length: 5\r\n\r\nhello",
    "bad-cl": b"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello",
    "te-not-chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhello",
    "bad-version": b"HTTP/1.2x 200 OK\r\nContent-Length: 5\r\n\r\nhello",
}


def ep_bad(c, req, kind):
    c.drain(req)
    c.flush_record(b"R")
    if kind not in BAD:
        c.respond(req, 404, ("/bad/<kind>: " + " ".join(sorted(BAD)) + "\n").encode())
        return True
    c.send(BAD[kind])
    c.graceful_close()
    return False


def ep_health(c, req):
    c.drain(req)
    c.flush_record(b"R")
    s = c.server
    if s.capture_dir and os.path.exists(os.path.join(s.capture_dir, f"{s.name}.unhealthy")):
        c.respond(req, 503, b"unhealthy\n")
    else:
        c.respond(req, 200, b"ok\n")
    return True


def ep_stats(c, req):
    c.drain(req)
    s = c.server
    with s.lock:
        doc = {"name": s.name, "connections": s.connections, "active": s.active,
               "requests": s.requests}
    c.flush_record(b"R")
    c.respond(req, 200, (json.dumps(doc) + "\n").encode(), content_type="application/json")
    return True


def ep_captured(c, req):
    c.drain(req)
    c.rec, c.rec_wire = bytearray(), 0        # this request itself is not captured
    s = c.server
    if not s.capture_dir:
        c.respond(req, 404, b"no --capture-dir\n")
        return True
    records = s.read_records(req.flag("clear"))
    if req.flag("detail"):
        kinds = {b"R": "request", b"B": "rejected", b"P": "incomplete"}
        doc = [{"kind": kinds.get(k, "?"), "connection": cid, "wire_bytes": wire,
                "stored_bytes": len(data), "truncated": wire > len(data),
                "request_line": data.lstrip(b"\r\n").split(b"\r\n", 1)[0].decode("latin-1"),
                "data": base64.b64encode(data).decode()} for k, cid, wire, data in records]
    else:
        doc = [base64.b64encode(data).decode() for _, _, _, data in records]
    c.respond(req, 200, (json.dumps(doc) + "\n").encode(), content_type="application/json")
    return True


# ---- WebSocket (RFC 6455) -------------------------------------------------------------

def unmask(data, mask, pos):
    """XORs data with the 4-byte mask, data starting at payload offset pos."""
    r = pos % 4
    key = mask[r:] + mask[:r]
    n = len(data)
    key = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "little") ^ int.from_bytes(key, "little")).to_bytes(n, "little")


def ws_frame_head(fin, opcode, n):
    b0 = (0x80 if fin else 0) | opcode
    if n < 126:
        return bytes([b0, n])
    if n < 1 << 16:
        return bytes([b0, 126]) + struct.pack(">H", n)
    return bytes([b0, 127]) + struct.pack(">Q", n)


def ws_close(c, code):
    try:
        c.send(ws_frame_head(True, 8, 2) + struct.pack(">H", code))
    except OSError:
        pass
    c.graceful_close()
    return False


def ep_ws(c, req):
    c.drain(req)
    c.flush_record(b"R")
    key = req.values(b"sec-websocket-key")
    ok = (req.method == b"GET" and req.version == b"HTTP/1.1"
          and b"websocket" in req.tokens(b"upgrade") and b"upgrade" in req.tokens(b"connection")
          and len(key) == 1)
    try:
        ok = ok and len(base64.b64decode(key[0], validate=True)) == 16
    except ValueError:
        ok = False
    if not ok:
        c.respond(req, 400, b"not a WebSocket handshake\n")
        return True
    if req.values(b"sec-websocket-version") != [b"13"]:
        c.respond(req, 426, b"WebSocket version 13 only\n", [("sec-websocket-version", "13")])
        return True
    accept = base64.b64encode(hashlib.sha1(key[0] + WS_GUID).digest()).decode()
    c.send(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\nx-backend: {c.server.name}\r\n\r\n").encode())
    c.capturing = False                       # frames are not captured
    for _ in range(1 << 40):
        try:
            b0, b1 = c.read_exact(2)
        except PeerClosed:
            c.sock.close()
            return False
        fin, rsv, opcode = b0 >> 7, b0 & 0x70, b0 & 0x0F
        masked, n = b1 >> 7, b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", c.read_exact(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", c.read_exact(8))[0]
        if rsv or not masked or n > MAX_WS_FRAME or opcode not in (0, 1, 2, 8, 9, 10):
            return ws_close(c, 1002)
        if opcode >= 8 and (n > 125 or not fin):
            return ws_close(c, 1002)
        mask = c.read_exact(4)
        if opcode >= 8:
            payload = unmask(c.read_exact(n), mask, 0) if n else b""
            if opcode == 8:
                try:
                    c.send(ws_frame_head(True, 8, min(n, 2)) + payload[:2])
                except OSError:
                    pass
                c.graceful_close()
                return False
            if opcode == 9:
                c.send(ws_frame_head(True, 10, n) + payload)
            continue
        c.send(ws_frame_head(fin, opcode, n))   # echo data frames as they come
        pos = 0
        for data in c.raw(n):
            c.send(unmask(data, mask, pos))
            pos += len(data)
    return False


# ---------------------------------------------------------------------------------------

ROUTES = {"/echo": ep_echo, "/headers": ep_headers, "/upload": ep_upload, "/reset": ep_reset,
          "/health": ep_health, "/ws": ep_ws, "/captured": ep_captured, "/stats": ep_stats}
PREFIXES = [("/status/", ep_status), ("/delay/", ep_delay), ("/bytes/", ep_bytes),
            ("/reset-mid-body/", lambda c, r, rest: ep_mid_body(c, r, rest, True)),
            ("/close-mid-body/", lambda c, r, rest: ep_mid_body(c, r, rest, False)),
            ("/bad/", ep_bad)]


def dispatch(c, req):
    if req.path in ROUTES:
        return ROUTES[req.path](c, req)
    for prefix, fn in PREFIXES:
        if req.path.startswith(prefix):
            return fn(c, req, req.path[len(prefix):])
    return ep_default(c, req)


def serve_tls_connection(server, sock, cid):
    try:
        sock.settimeout(server.io_timeout)
        sock.do_handshake()
    except (OSError, ssl.SSLError):
        with server.lock:
            server.active -= 1
        sock.close()
        return
    serve_connection(server, sock, cid)


def serve_connection(server, sock, cid):
    c = Connection(server, sock, cid)
    open_ = True
    try:
        for _ in range(1 << 40):
            req = None
            try:
                head = c.read_head()
                if head is None:
                    break
                req = c.parse(head)
                expect = req.values(b"expect")
                if expect:
                    if [v.lower() for v in expect] != [b"100-continue"]:
                        raise BadRequest(417, "unsupported Expect")
                    if req.version == b"HTTP/1.1" and (req.chunked or req.content_length):
                        c.send(b"HTTP/1.1 100 Continue\r\n\r\n")
                c.nreq += 1
                with server.lock:
                    server.requests += 1
                keep = dispatch(c, req)
            except BadRequest as e:
                c.take(len(c.buf))               # whatever else arrived is part of it
                c.flush_record(b"B")
                r = req or Request()
                r.keep_alive = False
                if not r.version:
                    r.version = b"HTTP/1.1"
                try:
                    c.respond(r, e.status, (e.why + "\n").encode())
                except OSError:
                    pass
                c.graceful_close()
                open_ = False
                break
            if not keep:
                open_ = False
                break
            if not req.keep_alive:
                c.graceful_close()
                open_ = False
                break
    except PeerClosed:
        c.flush_record(b"P")
    except OSError:
        c.flush_record(b"P")
    except Exception:  # noqa: BLE001 - a bug here must not take the whole backend down
        traceback.print_exc()
        sys.stderr.flush()
        c.flush_record(b"P")
    finally:
        if open_:
            try:
                sock.close()
            except OSError:
                pass
        with server.lock:
            server.active -= 1


def main():
    ap = argparse.ArgumentParser(description="A controllable HTTP/1.1 origin for proxy tests "
                                             "(see tests/backend/README.md).")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1", help="127.0.0.1 (default) or ::1")
    ap.add_argument("--name", default="backend")
    ap.add_argument("--capture-dir")
    ap.add_argument("--capture-max", type=int, default=16 << 20,
                    help="bytes stored per captured request (the rest is only counted)")
    ap.add_argument("--idle-timeout", type=float, default=300.0,
                    help="seconds a keep-alive connection may wait for a request (0 = forever)")
    ap.add_argument("--io-timeout", type=float, default=60.0,
                    help="seconds one read or write inside a request may take")
    ap.add_argument("--tls-cert", help="serve TLS with this PEM chain (and --tls-key)")
    ap.add_argument("--tls-key")
    ap.add_argument("--tls-client-ca", help="require a client certificate issued by this CA")
    args = ap.parse_args()
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        ap.error("loopback only: --host 127.0.0.1 or ::1")
    if not re.fullmatch(r"[A-Za-z0-9._-]+", args.name):
        ap.error("--name: letters, digits, '.', '_' and '-' only")

    server = Server(args)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    lsock = socket.socket(family, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((args.host, args.port))
    lsock.listen(1024)
    port = lsock.getsockname()[1]

    def on_signal(signum, frame):
        # Never cut a capture record in half; then leave at once (threads included).
        server.capture_lock.acquire(timeout=2)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    threading.stack_size(512 * 1024)
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        tls.set_alpn_protocols(["http/1.1"])
        if args.tls_client_ca:
            tls.load_verify_locations(args.tls_client_ca)
            tls.verify_mode = ssl.CERT_REQUIRED

        def remember_sni(sock, name, _context):
            sock.sni = name
        tls.sni_callback = remember_sni

    shown = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    print(f"listening on {shown}:{port}", flush=True)
    for _ in range(1 << 40):
        try:
            sock, _addr = lsock.accept()
        except OSError:
            time.sleep(0.01)                   # e.g. EMFILE: back off, try again
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with server.lock:
            server.connections += 1
            server.active += 1
            cid = server.connections
        target = serve_tls_connection if tls else serve_connection
        args_ = (server, tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), cid) if tls \
            else (server, sock, cid)
        threading.Thread(target=target, args=args_, daemon=True).start()


if __name__ == "__main__":
    main()
