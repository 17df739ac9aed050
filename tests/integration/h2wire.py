#!/usr/bin/python3
# tests/integration/h2wire.py: a raw HTTP/2 client for conformance and abuse tests.
#
# Libraries such as h2 refuse to put malformed frames on the wire, and the point of these
# tests is to send exactly the bytes a broken or hostile peer would. So frames are built
# by hand (any type, flags, stream id, length field, reserved bit), header blocks come
# either from the Debian `hpack` module (well-formed, stateful) or from the literal
# encoder below (deliberately malformed, and stateless so that a rejected block cannot
# desynchronise the dynamic tables). Everything is blocking with explicit timeouts so a
# silent server makes a check fail instead of hanging the suite.
#
# The same tests run against Ringwall (default, through harness.Server) or against the
# reference server nghttpd (H2_TARGET=nghttpd); start_target() hides the difference.
#
# Needs /usr/bin/python3 (Debian's, with python3-hpack); HAVE_HPACK says whether it loaded.

import atexit
import os
import select
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time
from collections import deque

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

try:
    import hpack
    from hpack.huffman import HuffmanEncoder
    from hpack.huffman_constants import REQUEST_CODES, REQUEST_CODES_LENGTH
    HAVE_HPACK = True
    _HUFFMAN = HuffmanEncoder(REQUEST_CODES, REQUEST_CODES_LENGTH)
except ImportError:  # the pyenv python3 has no hpack; the test files exit 77
    hpack = None
    HAVE_HPACK = False
    _HUFFMAN = None

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

# Frame types (RFC 9113 §6)
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, \
    CONTINUATION = range(10)
FRAME_NAMES = {DATA: "DATA", HEADERS: "HEADERS", PRIORITY: "PRIORITY", RST_STREAM: "RST_STREAM",
               SETTINGS: "SETTINGS", PUSH_PROMISE: "PUSH_PROMISE", PING: "PING",
               GOAWAY: "GOAWAY", WINDOW_UPDATE: "WINDOW_UPDATE", CONTINUATION: "CONTINUATION"}

# Flags
END_STREAM = 0x1
ACK = 0x1
END_HEADERS = 0x4
PADDED = 0x8
PRIORITY_FLAG = 0x20

# Error codes (RFC 9113 §7)
NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, SETTINGS_TIMEOUT, \
    STREAM_CLOSED, FRAME_SIZE_ERROR, REFUSED_STREAM, CANCEL, COMPRESSION_ERROR, \
    CONNECT_ERROR, ENHANCE_YOUR_CALM, INADEQUATE_SECURITY, HTTP_1_1_REQUIRED = range(14)
ERROR_NAMES = {0: "NO_ERROR", 1: "PROTOCOL_ERROR", 2: "INTERNAL_ERROR", 3: "FLOW_CONTROL_ERROR",
               4: "SETTINGS_TIMEOUT", 5: "STREAM_CLOSED", 6: "FRAME_SIZE_ERROR",
               7: "REFUSED_STREAM", 8: "CANCEL", 9: "COMPRESSION_ERROR", 10: "CONNECT_ERROR",
               11: "ENHANCE_YOUR_CALM", 12: "INADEQUATE_SECURITY", 13: "HTTP_1_1_REQUIRED"}

# Settings (RFC 9113 §6.5.2)
HEADER_TABLE_SIZE, ENABLE_PUSH, MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE, \
    MAX_HEADER_LIST_SIZE = range(1, 7)

MAX_WINDOW = 2 ** 31 - 1
DEFAULT_MAX_FRAME = 16384


def error_name(code):
    return ERROR_NAMES.get(code, f"0x{code:x}")


class H2Error(Exception):
    """The peer did not do what a helper needs in order to go on (handshake failed...)."""


# ---------------------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------------------

def frame(ftype, flags=0, sid=0, payload=b"", length=None, reserved=False):
    """One frame. length overrides the 24-bit length field (the payload is sent as given);
    reserved sets the R bit of the stream identifier."""
    if length is None:
        length = len(payload)
    sid_field = (sid & 0x7FFFFFFF) | (0x80000000 if reserved else 0)
    return (struct.pack(">I", length & 0xFFFFFF)[1:] + bytes([ftype & 0xFF, flags & 0xFF])
            + struct.pack(">I", sid_field) + bytes(payload))


def _pad(body, pad):
    """body wrapped as a PADDED payload: pad is the Pad Length (an int) or a tuple
    (declared pad length, actual padding bytes) for padding errors."""
    if isinstance(pad, tuple):
        declared, actual = pad
    else:
        declared, actual = pad, pad
    return bytes([declared & 0xFF]) + body + b"\0" * actual


def data(sid, payload=b"", end_stream=False, pad=None, flags=0, **kw):
    flags |= END_STREAM if end_stream else 0
    if pad is not None:
        flags |= PADDED
        payload = _pad(payload, pad)
    return frame(DATA, flags, sid, payload, **kw)


def priority_fields(dep=0, weight=15, exclusive=False):
    """The 5-byte stream dependency + weight (weight is the wire byte, 0..255)."""
    return struct.pack(">IB", (dep & 0x7FFFFFFF) | (0x80000000 if exclusive else 0), weight)


def headers(sid, block, end_stream=True, end_headers=True, pad=None, priority=None, flags=0,
            **kw):
    """HEADERS. priority: (dependency, weight byte, exclusive) sets the PRIORITY flag."""
    flags |= (END_STREAM if end_stream else 0) | (END_HEADERS if end_headers else 0)
    body = bytes(block)
    if priority is not None:
        flags |= PRIORITY_FLAG
        body = priority_fields(*priority) + body
    if pad is not None:
        flags |= PADDED
        body = _pad(body, pad)
    return frame(HEADERS, flags, sid, body, **kw)


def priority(sid, dep=0, weight=15, exclusive=False, **kw):
    return frame(PRIORITY, 0, sid, priority_fields(dep, weight, exclusive), **kw)


def rst_stream(sid, code=CANCEL, **kw):
    return frame(RST_STREAM, 0, sid, struct.pack(">I", code), **kw)


def settings(pairs=(), ack=False, sid=0, **kw):
    """SETTINGS from a dict or (id, value) pairs; ack=True makes an (empty) ACK."""
    if isinstance(pairs, dict):
        pairs = list(pairs.items())
    payload = b"".join(struct.pack(">HI", k, v & 0xFFFFFFFF) for k, v in pairs)
    return frame(SETTINGS, ACK if ack else 0, sid, payload, **kw)


def push_promise(sid, promised, block, end_headers=True, **kw):
    return frame(PUSH_PROMISE, END_HEADERS if end_headers else 0, sid,
                 struct.pack(">I", promised & 0x7FFFFFFF) + bytes(block), **kw)


def ping(payload=b"\0" * 8, ack=False, sid=0, **kw):
    return frame(PING, ACK if ack else 0, sid, payload, **kw)


def goaway(last=0, code=NO_ERROR, debug=b"", sid=0, **kw):
    return frame(GOAWAY, 0, sid, struct.pack(">II", last & 0x7FFFFFFF, code) + debug, **kw)


def window_update(sid, increment, reserved_bit=False, **kw):
    value = (increment & 0x7FFFFFFF) | (0x80000000 if reserved_bit else 0)
    return frame(WINDOW_UPDATE, 0, sid, struct.pack(">I", value), **kw)


def continuation(sid, block, end_headers=True, flags=0, **kw):
    return frame(CONTINUATION, flags | (END_HEADERS if end_headers else 0), sid, block, **kw)


class Frame:
    """A received frame; payload is the raw payload (padding included)."""

    __slots__ = ("type", "flags", "sid", "payload", "reserved", "when")

    def __init__(self, ftype, flags, sid, payload, reserved=False):
        self.type, self.flags, self.sid, self.payload = ftype, flags, sid, payload
        self.reserved = reserved
        self.when = time.monotonic()

    @property
    def name(self):
        return FRAME_NAMES.get(self.type, f"type0x{self.type:x}")

    def has(self, flag):
        return bool(self.flags & flag)

    @property
    def error_code(self):
        if self.type == RST_STREAM and len(self.payload) >= 4:
            return struct.unpack(">I", self.payload[:4])[0]
        if self.type == GOAWAY and len(self.payload) >= 8:
            return struct.unpack(">I", self.payload[4:8])[0]
        return None

    @property
    def last_stream_id(self):
        return struct.unpack(">I", self.payload[:4])[0] & 0x7FFFFFFF

    @property
    def debug(self):
        return bytes(self.payload[8:])

    @property
    def increment(self):
        return struct.unpack(">I", self.payload[:4])[0] & 0x7FFFFFFF

    @property
    def settings(self):
        return [struct.unpack(">HI", self.payload[i:i + 6])
                for i in range(0, len(self.payload) - len(self.payload) % 6, 6)]

    def data_payload(self):
        """DATA payload without padding."""
        if self.has(PADDED) and self.payload:
            return bytes(self.payload[1:len(self.payload) - self.payload[0]])
        return bytes(self.payload)

    def __repr__(self):
        extra = ""
        if self.type in (RST_STREAM, GOAWAY) and self.error_code is not None:
            extra = error_name(self.error_code)
            if self.type == GOAWAY:
                extra = f"last={self.last_stream_id} {extra}"
                if self.debug:
                    extra += f" {self.debug[:60]!r}"
        elif self.type == SETTINGS:
            extra = "ACK" if self.has(ACK) else str(dict(self.settings))
        elif self.type == WINDOW_UPDATE and len(self.payload) >= 4:
            extra = f"+{self.increment}"
        elif self.type in (DATA, HEADERS, CONTINUATION):
            bits = [n for f, n in ((END_STREAM, "ES"), (END_HEADERS, "EH")) if self.flags & f
                    and not (self.type == DATA and f == END_HEADERS)]
            extra = f"{len(self.payload)}B " + ",".join(bits)
        elif self.type == PING:
            extra = ("ACK " if self.has(ACK) else "") + bytes(self.payload).hex()
        return f"{self.name}[{self.sid}]({extra.strip()})"


# ---------------------------------------------------------------------------------------
# HPACK by hand (RFC 7541), for well- and ill-formed header blocks
# ---------------------------------------------------------------------------------------

def hp_int(value, prefix_bits, first=0):
    """An HPACK integer with an N-bit prefix; `first` holds the bits above the prefix."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first | value])
    out = bytearray([first | limit])
    value -= limit
    while value >= 128:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def huffman(data):
    if isinstance(data, str):
        data = data.encode("latin-1")
    return _HUFFMAN.encode(data)


def hp_str(data, use_huffman=False):
    """A string literal (length-prefixed, optionally Huffman-coded)."""
    if isinstance(data, str):
        data = data.encode("latin-1")
    if use_huffman:
        data = huffman(data)
    return hp_int(len(data), 7, 0x80 if use_huffman else 0) + data


def hp_raw_str(raw, huffman_flag=True, length=None):
    """A string literal carrying `raw` bytes as is (e.g. invalid Huffman), with an
    optional lying length."""
    return hp_int(len(raw) if length is None else length, 7, 0x80 if huffman_flag else 0) + raw


def hp_literal(name, value, indexing="without", use_huffman=False):
    """Literal field with a literal name: indexing is "without", "with" (incremental) or
    "never"."""
    first = {"without": 0x00, "with": 0x40, "never": 0x10}[indexing]
    return bytes([first]) + hp_str(name, use_huffman) + hp_str(value, use_huffman)


def hp_literal_idx(name_index, value, indexing="without", use_huffman=False):
    """Literal field whose name is a table index."""
    prefix, first = {"without": (4, 0x00), "with": (6, 0x40), "never": (4, 0x10)}[indexing]
    return hp_int(name_index, prefix, first) + hp_str(value, use_huffman)


def hp_indexed(index):
    return hp_int(index, 7, 0x80)


def hp_size_update(size):
    return hp_int(size, 5, 0x20)


def hp_block(fields, use_huffman=False):
    """A stateless block: every field a literal without indexing, names as given (so
    uppercase, empty or binary names reach the wire)."""
    return b"".join(hp_literal(n, v, "without", use_huffman) for n, v in fields)


def hp_decode_size_updates(block):
    """The dynamic table size updates at the start of a block (RFC 7541 §4.2)."""
    updates = []
    pos = 0
    while pos < len(block) and block[pos] & 0xE0 == 0x20:
        value = block[pos] & 0x1F
        pos += 1
        if value == 0x1F:
            shift = 0
            while pos < len(block):
                b = block[pos]
                pos += 1
                value += (b & 0x7F) << shift
                shift += 7
                if not b & 0x80:
                    break
        updates.append(value)
    return updates


# ---------------------------------------------------------------------------------------
# Streams and the connection
# ---------------------------------------------------------------------------------------

class Stream:
    """What the server sent on one stream."""

    def __init__(self, sid):
        self.sid = sid
        self.informational = []  # 1xx header lists
        self.headers = None      # final response header list [(name, value)] (str)
        self.status = None
        self.body = bytearray()
        self.trailers = None
        self.ended = False       # END_STREAM received
        self.reset = None        # RST_STREAM error code received
        self.blocks = []         # raw header blocks, in order
        self.data_frames = []    # payload lengths of DATA frames (padding excluded)
        self.decode_error = None

    def header(self, name, default=None):
        for k, v in self.headers or ():
            if k == name:
                return v
        return default

    @property
    def done(self):
        return self.ended or self.reset is not None

    def __repr__(self):
        state = ("ended" if self.ended else
                 f"reset {error_name(self.reset)}" if self.reset is not None else "open")
        return (f"<stream {self.sid} status={self.status} body={bytes(self.body[:40])!r}"
                f"{'...' if len(self.body) > 40 else ''} {state}>")


class H2Conn:
    """A blocking client connection. Every received frame is processed as it arrives
    (header blocks decoded, SETTINGS and PING acknowledged, optionally flow-control
    credit returned) and then queued for read_frame(); self.frames keeps them all."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0, tls=None, server_hostname=None,
                 authority=None, rcvbuf=None, sndbuf=None):
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if sndbuf:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        raw.settimeout(timeout)
        raw.connect((host, port))
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.tls = tls is not None
        if tls is not None:
            raw = tls.wrap_socket(raw, server_hostname=server_hostname or host)
            if raw.selected_alpn_protocol() != "h2":
                raw.close()
                raise H2Error(f"ALPN chose {raw.selected_alpn_protocol()!r}, not h2")
        self.sock = raw
        self.timeout = timeout
        self.buf = bytearray()
        self.closed = False
        self.close_how = None    # "eof" or "reset"
        self.frames = []         # every frame received, in order
        self.pending = deque()   # frames not yet returned by read_frame
        self.streams = {}
        self.encoder = hpack.Encoder()
        self.decoder = hpack.Decoder()
        self.server_settings = {}
        self.server_settings_seen = False
        self.first_frame = None
        self.settings_acks = 0
        self.goaways = []
        self.auto_ack = True
        self.auto_window_update = True
        self.next_sid = 1
        self._block = None       # (sid, bytearray, end_stream) of a server header block
        self.authority = authority or f"{host}:{port}"
        self.scheme = "https" if tls is not None else "http"
        self.bytes_sent = 0

    # -- sending --------------------------------------------------------------------------

    def send(self, data):
        self._note_sent(data)
        self.sock.sendall(data)
        self.bytes_sent += len(data)

    def _note_sent(self, data):
        """Best effort: HEADERS sent as raw bytes still move next_sid past their stream
        ids, so a later send_request() opens a new stream instead of reusing one."""
        pos = len(PREFACE) if data.startswith(PREFACE) else 0
        while pos + 9 <= len(data):
            length = int.from_bytes(data[pos:pos + 3], "big")
            sid = int.from_bytes(data[pos + 5:pos + 9], "big") & 0x7FFFFFFF
            if data[pos + 3] == HEADERS and sid % 2 == 1 and sid >= self.next_sid:
                self.next_sid = sid + 2
            pos += 9 + length

    def try_send(self, data):
        """Sends; False (instead of raising) when the peer is gone or a timeout hit."""
        try:
            self.send(data)
            return True
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError,
                socket.timeout, ssl.SSLError, OSError):
            return False

    def send_nowait(self, data, wait=0.0):
        """Sends as much of `data` as the socket takes within `wait` seconds without
        blocking; returns the byte count (-1 when the peer is gone). Flood loops use this
        so a server that stops reading cannot stall them."""
        sent = 0
        deadline = time.monotonic() + wait
        view = memoryview(data)
        while sent < len(data):
            remaining = deadline - time.monotonic()
            try:
                _, w, _ = select.select([], [self.sock], [], max(remaining, 0))
            except (OSError, ValueError):
                return -1
            if not w:
                break
            try:
                n = self.sock.send(view[sent:])
            except (BlockingIOError, ssl.SSLWantWriteError, socket.timeout):
                continue
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
                return -1
            sent += n
            self.bytes_sent += n
        return sent

    def peer_gone_unread(self):
        """True once the peer has closed or reset the TCP connection, found out without
        reading a byte (TCP_INFO state / SO_ERROR), so unread ACKs stay unread."""
        if self.closed:
            return True
        try:
            state = self.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
            err = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        except OSError:
            return True
        return state != 1 or err != 0  # 1 = TCP_ESTABLISHED

    def preface(self, pairs=()):
        """The client connection preface: magic + SETTINGS."""
        self.send(PREFACE + settings(pairs))

    def handshake(self, pairs=(), wait_ack=True, timeout=None):
        """Preface, then waits for the server SETTINGS (acknowledged automatically) and,
        with wait_ack, for the ACK of ours. Frames seen meanwhile stay in self.frames only."""
        self.preface(pairs)
        deadline = time.monotonic() + (timeout or self.timeout)
        while not (self.server_settings_seen and (self.settings_acks or not wait_ack)):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed:
                raise H2Error("handshake: " + ("connection closed" if self.closed else
                                               "no SETTINGS/ACK in time") + "; " + self.describe())
            self._pump(remaining)
        self.pending.clear()
        return self.server_settings

    def encode(self, fields):
        """A header block from the connection's stateful hpack encoder (Huffman, indexing)."""
        return self.encoder.encode(fields)

    def new_sid(self):
        sid = self.next_sid
        self.next_sid += 2
        return sid

    def req_fields(self, method="GET", path="/", extra=(), authority=None, scheme=None):
        return [(":method", method), (":scheme", scheme or self.scheme),
                (":authority", authority or self.authority), (":path", path)] + list(extra)

    def send_request(self, method="GET", path="/", extra=(), body=None, sid=None,
                     end_stream=None, trailers=None, fields=None, block=None,
                     max_frame=DEFAULT_MAX_FRAME):
        """Sends one request and returns its stream id. fields replaces the default header
        list; block replaces the encoded header block. The last frame (HEADERS, DATA or
        trailers) carries END_STREAM unless end_stream=False. The body is split into
        max_frame pieces and not flow-controlled (keep it inside the windows)."""
        sid = self.new_sid() if sid is None else sid
        if block is None:
            block = self.encode(fields if fields is not None else
                                self.req_fields(method, path, extra))
        has_more = body is not None or trailers is not None
        if end_stream is None:
            end_stream = True
        out = headers(sid, block, end_stream=end_stream and not has_more)
        if body is not None:
            chunks = [body[i:i + max_frame] for i in range(0, len(body), max_frame)] or [b""]
            for i, chunk in enumerate(chunks):
                last = i == len(chunks) - 1
                out += data(sid, chunk, end_stream=last and trailers is None and end_stream)
        if trailers is not None:
            out += headers(sid, self.encode(trailers), end_stream=True)
        self.send(out)
        self.stream(sid)
        return sid

    def get(self, path="/", timeout=5.0, method="GET", extra=()):
        """A request and its complete response (a Stream; check .status/.reset)."""
        sid = self.send_request(method, path, extra)
        return self.response(sid, timeout)

    # -- receiving ------------------------------------------------------------------------

    def stream(self, sid):
        if sid not in self.streams:
            self.streams[sid] = Stream(sid)
        return self.streams[sid]

    def _recv(self, timeout):
        """Reads what arrives within `timeout`; False on timeout."""
        if self.closed:
            return False
        if not (self.tls and self.sock.pending()):
            try:
                ready, _, _ = select.select([self.sock], [], [], max(timeout, 0))
            except (OSError, ValueError):
                self.closed, self.close_how = True, "reset"
                return True
            if not ready:
                return False
        try:
            chunk = self.sock.recv(262144)
        except (socket.timeout, BlockingIOError, ssl.SSLWantReadError):
            return False
        except (ConnectionResetError, ConnectionAbortedError, ssl.SSLError, OSError):
            self.closed, self.close_how = True, "reset"
            return True
        if not chunk:
            self.closed, self.close_how = True, "eof"
            return True
        self.buf += chunk
        return True

    def _parse(self):
        got = False
        while len(self.buf) >= 9:
            length = int.from_bytes(self.buf[0:3], "big")
            if len(self.buf) < 9 + length:
                break
            ftype, flags = self.buf[3], self.buf[4]
            sid_field = int.from_bytes(self.buf[5:9], "big")
            payload = bytes(self.buf[9:9 + length])
            del self.buf[:9 + length]
            f = Frame(ftype, flags, sid_field & 0x7FFFFFFF, payload, bool(sid_field >> 31))
            self._process(f)
            self.frames.append(f)
            self.pending.append(f)
            got = True
        return got

    def _pump(self, timeout):
        """Reads once (up to `timeout`) and parses; True if new frames were queued."""
        if self._parse():
            return True
        if self._recv(timeout):
            return self._parse()
        return False

    def _process(self, f):
        if self.first_frame is None:
            self.first_frame = f
        if f.type == SETTINGS:
            if f.has(ACK):
                self.settings_acks += 1
            else:
                self.server_settings.update(dict(f.settings))
                self.server_settings_seen = True
                if self.auto_ack:
                    self.try_send(settings(ack=True))
        elif f.type == PING and not f.has(ACK) and self.auto_ack:
            self.try_send(ping(f.payload, ack=True))
        elif f.type == GOAWAY:
            self.goaways.append(f)
        elif f.type == RST_STREAM and f.sid:
            self.stream(f.sid).reset = f.error_code
        elif f.type in (HEADERS, PUSH_PROMISE):
            payload = f.payload
            if f.has(PADDED) and payload:
                payload = payload[1:len(payload) - payload[0]]
            if f.type == HEADERS and f.has(PRIORITY_FLAG):
                payload = payload[5:]
            if f.type == PUSH_PROMISE:
                payload = payload[4:]
            self._block = (f.sid, bytearray(payload), f.has(END_STREAM), f.type)
            if f.has(END_HEADERS):
                self._finish_block()
        elif f.type == CONTINUATION and self._block is not None:
            self._block[1].extend(f.payload)
            if f.has(END_HEADERS):
                self._finish_block()
        elif f.type == DATA and f.sid:
            s = self.stream(f.sid)
            chunk = f.data_payload()
            s.body += chunk
            s.data_frames.append(len(chunk))
            if f.has(END_STREAM):
                s.ended = True
            if self.auto_window_update and f.payload:
                n = len(f.payload)
                out = window_update(0, n)
                if not s.ended:
                    out += window_update(f.sid, n)
                self.try_send(out)

    def _finish_block(self):
        sid, block, end_stream, ftype = self._block
        self._block = None
        s = self.stream(sid)
        s.blocks.append(bytes(block))
        try:
            fields = [(k.decode("latin-1"), v.decode("latin-1"))
                      for k, v in self.decoder.decode(bytes(block), raw=True)]
        except Exception as e:  # noqa: BLE001 - any decoder failure is reported per stream
            s.decode_error = f"{type(e).__name__}: {e}"
            fields = []
        if ftype == PUSH_PROMISE:
            return
        status = next((v for k, v in fields if k == ":status"), None)
        if s.headers is None:
            if status is not None and status.startswith("1"):
                s.informational.append(fields)
            else:
                s.headers = fields
                s.status = int(status) if status and status.isdigit() else None
        else:
            s.trailers = fields
        if end_stream:
            s.ended = True

    def read_frame(self, timeout=3.0):
        """The next received frame, or None on timeout / close."""
        deadline = time.monotonic() + timeout
        while not self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self.closed and not self.buf):
                return None
            if not self._pump(remaining) and self.closed:
                return None
        return self.pending.popleft()

    def wait_for(self, pred, timeout=3.0):
        """The first frame (from now) for which pred(frame) is true, or None."""
        deadline = time.monotonic() + timeout
        while True:
            f = self.read_frame(max(deadline - time.monotonic(), 0))
            if f is None:
                return None
            if pred(f):
                return f

    def drain(self, seconds=0.2):
        """Reads for `seconds` (processing frames); returns the frames seen."""
        got = []
        deadline = time.monotonic() + seconds
        while True:
            f = self.read_frame(max(deadline - time.monotonic(), 0))
            if f is None:
                return got
            got.append(f)

    def response(self, sid, timeout=5.0):
        """Reads until stream `sid` ends, is reset, or the connection ends."""
        s = self.stream(sid)
        deadline = time.monotonic() + timeout
        while not s.done and not self.closed:
            if self.goaways and self.goaways[-1].last_stream_id < sid:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._pump(remaining)
        self.pending.clear()
        return s

    def wait_closed(self, timeout=3.0):
        """True if the server closes within `timeout` (frames are processed meanwhile)."""
        deadline = time.monotonic() + timeout
        while not self.closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._pump(remaining)
        self._parse()
        return self.closed

    def ping_roundtrip(self, timeout=3.0, payload=None):
        """True if a PING is answered with a PING ACK carrying the same payload: proof
        that everything sent before it was processed without ending the connection."""
        payload = payload or os.urandom(8)
        if not self.try_send(ping(payload)):
            return False
        f = self.wait_for(lambda f: f.type == PING and f.has(ACK) and f.payload == payload,
                          timeout)
        return f is not None

    def usable(self, timeout=5.0, path="/"):
        """(ok, detail): a fresh GET on this connection gets 200 and "hello\\n"."""
        try:
            s = self.get(path, timeout)
        except OSError as e:
            return False, f"sending the GET failed: {e}"
        ok = s.status == 200 and s.ended and bytes(s.body) == b"hello\n"
        return ok, f"follow-up GET: {s!r}; {self.describe()}"

    # -- expectations ---------------------------------------------------------------------

    def describe(self, n=10):
        tail = ", ".join(repr(f) for f in self.frames[-n:])
        state = f"closed ({self.close_how})" if self.closed else "open"
        return f"received [{tail}] connection {state}"

    def expect_connection_error(self, codes, timeout=3.0, allow_bare_close=False):
        """(ok, detail): a GOAWAY with one of `codes`, then the connection closes.
        allow_bare_close also accepts a close without GOAWAY (only where the RFC leaves
        no room for a GOAWAY, e.g. a bad preface)."""
        codes = _codes(codes)
        self.wait_closed(timeout)
        want = "/".join(error_name(c) for c in codes)
        errors = [g for g in self.goaways if g.error_code != NO_ERROR] or self.goaways
        if not errors:
            if self.closed and allow_bare_close:
                return True, "closed without GOAWAY (" + self.describe() + ")"
            return False, f"no GOAWAY {want}; " + self.describe()
        g = errors[0]
        if g.error_code not in codes:
            return False, f"GOAWAY {error_name(g.error_code)}, want {want}; " + self.describe()
        if not self.closed:
            return False, (f"GOAWAY {error_name(g.error_code)} but the connection stayed "
                           f"open {timeout}s; " + self.describe())
        return True, self.describe()

    def expect_stream_error(self, sid, codes, timeout=3.0, allow_400=False):
        """(ok, detail): RST_STREAM with one of `codes` on `sid`, or a connection error
        with one of them. allow_400 also accepts a final 400 response (RFC 9113 §8.1.1
        lets a server answer a malformed request before it resets the stream)."""
        codes = _codes(codes)
        want = "/".join(error_name(c) for c in codes)
        s = self.stream(sid)
        deadline = time.monotonic() + timeout
        while True:
            if s.reset is not None:
                if s.reset in codes:
                    return True, self.describe()
                return False, f"RST_STREAM {error_name(s.reset)}, want {want}; " + self.describe()
            if self.goaways and self.goaways[-1].error_code != NO_ERROR:
                return self.expect_connection_error(codes, max(deadline - time.monotonic(), 1))
            if s.status is not None and s.ended:
                if allow_400 and s.status == 400:
                    return True, "answered 400: " + self.describe()
                # A RST_STREAM might still follow a complete response; give it a moment.
                self.drain(0.2)
                if s.reset is not None:
                    continue
                return False, f"answered :status {s.status} instead of {want}; " + self.describe()
            if self.closed:
                return False, f"connection closed without RST_STREAM/GOAWAY {want}; " + \
                    self.describe()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False, f"nothing within {timeout}s, want {want}; " + self.describe()
            self._pump(remaining)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _codes(codes):
    return tuple(codes) if isinstance(codes, (tuple, list, set, frozenset)) else (codes,)


def client_tls_context():
    """A TLS client context offering only h2 and verifying nothing (test certificates)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["h2"])
    return ctx


# ---------------------------------------------------------------------------------------
# Servers under test
# ---------------------------------------------------------------------------------------

HELLO = b"hello\n"
BIG_SIZE = 100_000
BIG_BODY = bytes((b"0123456789abcdef"[i % 16] for i in range(BIG_SIZE)))

# What the tests configure in Ringwall (the [http2] table the brief documents); nghttpd is
# started with the equivalent options where it has them, nghttp2's defaults otherwise.
HTTP2_CONFIG = {
    "max_concurrent_streams": 128,
    "initial_window_size": "256KiB",
    "max_frame_size": "16KiB",
    "max_header_list_size": "32KiB",
    "max_continuations": 8,
    "stream_reset_burst": 1000,
    "stream_reset_rate": 33,
    "max_outbound_ack": 1000,
    "max_settings": 32,
    "max_glitches": 100,
}


def rss_kib(pid):
    """VmRSS of a process in KiB, or None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class Target:
    """The server under test: .name, .port, .pid, .limits, is_running(), rss_kib(), stop()."""

    name = "?"
    limits = {}

    def rss_kib(self):
        return rss_kib(self.pid)

    def log_tail(self):
        return ""


class RingwallTarget(Target):
    name = "ringwall"

    def __init__(self, http2=None, extra_routes=()):
        table = dict(HTTP2_CONFIG)
        table.update(http2 or {})
        routes = list(extra_routes) + [
            harness.route("big", BIG_BODY.decode("ascii"), path="/big",
                          headers={"content-type": "application/octet-stream"}),
            harness.route("default", HELLO.decode(), path_prefix="/",
                          headers={"content-type": "text/plain"}),
        ]
        config = harness.make_config(routes, http2=table,
                                     listeners=[harness.listener("127.0.0.1:0", http2=True)])
        self.server = harness.Server(config, name="ringwall-h2")
        self.server.start()
        self.port = self.server.port
        self.pid = self.server.pid
        self.limits = {
            "max_concurrent_streams": table["max_concurrent_streams"],
            "max_continuations": table["max_continuations"],
            "max_header_list_size": 32 * 1024,
            "max_glitches": table["max_glitches"],
            "max_settings": table["max_settings"],
            "max_outbound_ack": table["max_outbound_ack"],
            "stream_reset_burst": table["stream_reset_burst"],
        }

    def is_running(self):
        return self.server.is_running()

    def stop(self):
        self.server.kill()

    def log_tail(self):
        return self.server.log_tail()


_nghttpd_live = []


def _kill_nghttpd():
    for t in list(_nghttpd_live):
        t.stop()


atexit.register(_kill_nghttpd)


def _free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class NghttpdTarget(Target):
    """Debian's nghttpd (nghttp2 1.52) in h2c prior-knowledge mode on a temp docroot."""

    name = "nghttpd"

    def __init__(self, http2=None, extra_routes=()):
        binary = os.environ.get("NGHTTPD", "/usr/sbin/nghttpd")
        if not os.access(binary, os.X_OK):
            raise harness.Skip(f"H2_TARGET=nghttpd but {binary} is not installed")
        self.tmp = tempfile.TemporaryDirectory(prefix="nghttpd-test-")
        docroot = self.tmp.name
        with open(os.path.join(docroot, "index.html"), "wb") as f:
            f.write(HELLO)
        with open(os.path.join(docroot, "big"), "wb") as f:
            f.write(BIG_BODY)
        mcs = (http2 or {}).get("max_concurrent_streams", HTTP2_CONFIG["max_concurrent_streams"])
        self.proc = None
        for _ in range(5):
            port = _free_port()
            argv = [binary, "--no-tls", "-a", "127.0.0.1", "-d", docroot,
                    "-m", str(mcs), "-w", "18", str(port)]
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         preexec_fn=harness._die_with_parent)
            self.pid = self.proc.pid
            _nghttpd_live.append(self)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    self.port = port
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                self.stop()
                continue
            break
        else:
            raise harness.HarnessError("nghttpd did not start listening")
        self.limits = {
            "max_concurrent_streams": mcs,
            "max_continuations": 8,          # nghttp2 default (CVE-2024-28182 fix)
            "max_header_list_size": 64 * 1024,  # nghttpd resets streams above 64 KiB
            "max_glitches": None,            # nghttp2 1.52 counts no glitches
            "max_settings": 32,
            "max_outbound_ack": 1000,
            "stream_reset_burst": 1000,
        }

    def is_running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self in _nghttpd_live:
            _nghttpd_live.remove(self)


def target_kind():
    return os.environ.get("H2_TARGET", "ringwall").strip().lower() or "ringwall"


def start_target(http2=None, extra_routes=()):
    """Starts the server named by $H2_TARGET (ringwall or nghttpd)."""
    kind = target_kind()
    if kind == "nghttpd":
        return NghttpdTarget(http2, extra_routes)
    if kind == "ringwall":
        return RingwallTarget(http2, extra_routes)
    raise harness.HarnessError(f"unknown H2_TARGET {kind!r} (ringwall or nghttpd)")


def require_hpack():
    """Exits 77 (skip) when hpack is missing, i.e. not run with Debian's /usr/bin/python3."""
    if not HAVE_HPACK:
        print(f"SKIP: the hpack module is not importable from {sys.executable}; "
              "run with /usr/bin/python3 (python3-hpack)", flush=True)
        sys.exit(harness.SKIP)
