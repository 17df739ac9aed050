# tests/integration/static_support.py: what the static-file tests share: the config of
# static routes, files written for them, response helpers (multipart/byteranges, ranges,
# decoders), a slow reader for large downloads and a 5 GiB sparse file with markers.

import gzip
import hashlib
import os
import re
import socket
import subprocess
import time

import harness
from harness import Conn, request


REVALIDATE_S = 0.1     # [files] revalidate in config()
SETTLE_S = 0.35        # comfortably more than one revalidate interval


def static_route(prefix, root="www", **static):
    """A [[routes]] entry with a static action under `prefix` (stripped unless it is "/")."""
    return {"prefix": prefix, "root": root, "static": static}


def config(routes, files=None):
    lines = ["workers = 1", "", "[log]", 'error_log = "stderr"', 'access_log = "off"', "",
             "[files]", f'revalidate = "{int(REVALIDATE_S * 1000)}ms"']
    lines += [f"{k} = {harness.toml_value(v)}" for k, v in (files or {}).items()]
    lines += ["", "[[listeners]]", 'address = "127.0.0.1:0"', ""]
    for r in routes:
        lines += ["[[routes]]", f"path_prefix = {harness.toml_value(r['prefix'])}"]
        if r["prefix"] != "/":
            lines.append(f"strip_prefix = {harness.toml_value(r['prefix'].rstrip('/'))}")
        lines += ["[routes.static]", f"root = {harness.toml_value(r['root'])}"]
        lines += [f"{k} = {harness.toml_value(v)}" for k, v in r["static"].items()]
        lines.append("")
    return "\n".join(lines)


def write(base, rel, data, mtime=None):
    path = os.path.join(base, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def brotli_stored(data):
    """A valid brotli stream holding `data` in uncompressed meta-blocks (RFC 7932 §9.2).

    No brotli encoder is needed to make a sibling file that any decoder accepts.
    """
    out = bytearray()
    acc, nbits = 0, 0

    def put(value, n):
        nonlocal acc, nbits
        acc |= value << nbits
        nbits += n

    def flush_to_byte():
        nonlocal acc, nbits
        while nbits > 0:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits = max(nbits - 8, 0)
        acc, nbits = 0, 0

    put(0, 1)  # WBITS = 16
    for i in range(0, len(data), 65536):
        chunk = data[i:i + 65536]
        put(0, 1)                # ISLAST = 0
        put(0, 2)                # MNIBBLES = 4
        put(len(chunk) - 1, 16)  # MLEN - 1
        put(1, 1)                # ISUNCOMPRESSED
        flush_to_byte()
        out += chunk
    put(1, 1)  # ISLAST
    put(1, 1)  # ISLASTEMPTY
    flush_to_byte()
    return bytes(out)


def text_blob(n, seed):
    """Compressible text of exactly n bytes."""
    line = f"function f{seed}(x) {{ return x * {seed} + 'static file serving'; }}\n"
    out = []
    i = 0
    while sum(map(len, out)) < n:
        out.append(line.replace("(x)", f"(x{i})"))
        i += 1
    return "".join(out).encode()[:n]


def numbered(n):
    """n bytes where every offset is easy to recognize: "000,001,002,..."."""
    return b"".join(b"%03d," % (i % 1000) for i in range(n // 4 + 1))[:n]


def get(port, target, headers=(), method="GET", timeout=10.0):
    with Conn(port, timeout=timeout) as c:
        c.send(request(method, target, headers=headers))
        return c.read_response(timeout, method=method)


def head_fields(r):
    """Response fields as a dict of lowercased names, Date left out (it may tick)."""
    return {k.lower(): v for k, v in r.headers if k.lower() != "date"}


def line(r):
    return f"{r.version} {r.status} {r.reason}"


def show(r, body=200):
    heads = "\r\n".join(f"{k}: {v}" for k, v in r.headers)
    return f"{line(r)}\r\n{heads}\r\nbody[{len(r.body)}]={r.body[:body]!r}"


def parse_multipart(r):
    """(parts, problem): parts are (content_type, first, last, total, data)."""
    ctype = r.header("content-type") or ""
    m = re.match(r'multipart/byteranges;\s*boundary=("?)([^";]+)\1\s*$', ctype)
    if not m:
        return [], f"Content-Type {ctype!r} is not multipart/byteranges with a boundary"
    delim = b"--" + m.group(2).encode("latin-1")
    body = r.body
    pos = body.find(delim)
    if pos < 0:
        return [], "no boundary in the body"
    parts = []
    while True:
        pos += len(delim)
        if body[pos:pos + 2] == b"--":
            rest = body[pos + 2:]
            if rest not in (b"", b"\r\n"):
                return parts, f"{len(rest)} bytes after the close delimiter"
            return parts, None
        eol = body.find(b"\r\n", pos)
        if eol < 0 or body[pos:eol].strip(b" \t"):
            return parts, "boundary line not followed by CRLF"
        hend = body.find(b"\r\n\r\n", eol)
        if hend < 0:
            return parts, "part head not terminated"
        fields = {}
        if hend > eol:
            for fl in body[eol + 2:hend].decode("latin-1").split("\r\n"):
                k, _, v = fl.partition(":")
                fields[k.strip().lower()] = v.strip()
        cr = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", fields.get("content-range", ""))
        if not cr:
            return parts, f"part without a valid Content-Range: {fields}"
        first, last, total = map(int, cr.groups())
        start = hend + 4
        data = body[start:start + last - first + 1]
        parts.append((fields.get("content-type"), first, last, total, data))
        pos = start + len(data)
        if body[pos:pos + 2 + len(delim)] != b"\r\n" + delim:
            return parts, f"part {first}-{last} not followed by CRLF and the boundary"
        pos += 2


def ranges_of(r):
    """The ranges a 206 carries, as [(first, last, total, data)], with a problem or None."""
    if r.status != 206:
        return [], f"status {r.status}"
    if (r.header("content-type") or "").startswith("multipart/byteranges"):
        if r.header("content-range") is not None:
            return [], "a multipart 206 with a top-level Content-Range"
        parts, problem = parse_multipart(r)
        return [(f, l, n, d) for _, f, l, n, d in parts], problem
    cr = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", r.header("content-range") or "")
    if not cr:
        return [], f"Content-Range {r.header('content-range')!r}"
    first, last, total = map(int, cr.groups())
    return [(first, last, total, r.body)], None


def check_ranges(t, r, content, want, what):
    """A 206 whose parts are exactly `want` [(first, last)] of `content`, in any order."""
    parts, problem = ranges_of(r)
    got = sorted((f, l) for f, l, _, _ in parts)
    bad = [(f, l) for f, l, n, d in parts if n != len(content) or d != content[f:l + 1]]
    t.check(problem is None and got == sorted(want) and not bad, what,
            f"{problem or ''} parts {got} want {sorted(want)}; wrong bytes or total in {bad}; "
            f"{line(r)} content-range={r.header('content-range')!r} "
            f"content-type={r.header('content-type')!r}")
    return parts


def curl_bytes(*args, timeout=30):
    argv = ["curl", "-sS", "--max-time", str(timeout)] + [str(a) for a in args]
    try:
        return subprocess.run(argv, capture_output=True, timeout=timeout + 5)
    except FileNotFoundError:
        return None


def curl_features():
    try:
        out = subprocess.run(["curl", "--version"], capture_output=True, text=True, timeout=10).stdout
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return set()
    for fl in out.splitlines():
        if fl.startswith("Features:"):
            return {f.lower() for f in fl.split()[1:]}
    return set()


def gunzip(data):
    try:
        return gzip.decompress(data)
    except Exception as e:  # noqa: BLE001 - any failure means "not gzip"
        return f"<not gzip: {e}>".encode()


def unzstd(data):
    try:
        p = subprocess.run(["zstd", "-dc"], input=data, capture_output=True, timeout=20)
    except FileNotFoundError:
        return None
    return p.stdout if p.returncode == 0 else b"<not zstd>"


class SlowReader:
    """A client with a small receive buffer that reads a response at its own pace."""

    def __init__(self, port, target):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        self.sock.sendall(request("GET", target))
        self.buf = bytearray()
        self.closed = False
        self.head = None
        self.length = None
        while b"\r\n\r\n" not in self.buf:
            self._recv(8192)
            if self.closed:
                raise harness.HarnessError(f"closed before the head: {bytes(self.buf[:200])!r}")
        end = self.buf.find(b"\r\n\r\n")
        self.head = bytes(self.buf[:end]).decode("latin-1")
        del self.buf[:end + 4]
        m = re.search(r"(?im)^content-length:\s*(\d+)", self.head)
        self.length = int(m.group(1)) if m else None

    def _recv(self, n):
        try:
            chunk = self.sock.recv(n)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.closed = True
        self.buf += chunk

    def read_body(self, n, timeout):
        deadline = time.monotonic() + timeout
        while len(self.buf) < n and not self.closed and time.monotonic() < deadline:
            try:
                self._recv(16384)
            except socket.timeout:
                break

    def read_rest(self, timeout):
        """Reads until the body is complete ("complete"), the peer closes ("eof") or
        `timeout` passes ("timeout")."""
        deadline = time.monotonic() + timeout
        while not self.closed:
            if self.length is not None and len(self.buf) >= self.length:
                return "complete"
            if time.monotonic() > deadline:
                return "timeout"
            try:
                self._recv(1 << 20)
            except socket.timeout:
                return "timeout"
        return "eof"

    def close(self):
        self.sock.close()


FIVE_GIB = 5 << 30
MARKERS = {(4 << 30): b"MARK@4GiB", (4 << 30) + 12345: b"MARKER-AT-4GiB+12345",
           FIVE_GIB - 8: b"LAST8BYT", 1000: b"low-mark"}


def sparse_sha256():
    h = hashlib.sha256()
    zeros = bytes(8 << 20)
    pos = 0
    for off, mark in sorted(MARKERS.items()):
        while pos < off:
            k = min(off - pos, len(zeros))
            h.update(zeros[:k])
            pos += k
        h.update(mark)
        pos += len(mark)
    while pos < FIVE_GIB:
        k = min(FIVE_GIB - pos, len(zeros))
        h.update(zeros[:k])
        pos += k
    return h.hexdigest()


def make_sparse(www):
    path = os.path.join(www, "sparse5g.bin")
    with open(path, "wb") as f:
        f.truncate(FIVE_GIB)
        for off, mark in MARKERS.items():
            f.seek(off)
            f.write(mark)
    return path
