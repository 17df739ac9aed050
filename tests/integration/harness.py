# tests/integration/harness.py: start the real ringwall binary and talk to it over loopback.
#
# Every integration test imports this module. It owns the server processes it starts: each
# one is killed (by its PID) when the test ends, however it ends, and also dies with the test
# process (PR_SET_PDEATHSIG) if ctest kills the test on timeout.
#
# Exit codes follow ctest's convention: 0 pass, 1 fail, 77 skip (SKIP_RETURN_CODE 77).
#
# The binary comes from $RINGWALL_BIN, else the first command-line argument, else
# build/release/src/ringwall under the repository root (skip when that does not exist).

import atexit
import ctypes
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

PASS, FAIL, SKIP = 0, 1, 77

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BIN = os.path.join(REPO_ROOT, "build", "release", "src", "ringwall")

LISTENING_RE = re.compile(r"listening on (?P<host>\[[^\]]*\]|[^\s:]+):(?P<port>\d+)")


class Skip(Exception):
    """Raised to end a test with exit code 77."""


class HarnessError(Exception):
    """The server or the network did not behave as the harness needs to go on."""


# ---------------------------------------------------------------------------------------
# Finding the binary
# ---------------------------------------------------------------------------------------

def binary_path():
    """The ringwall binary to test. Raises Skip when none was named and none is built."""
    explicit = os.environ.get("RINGWALL_BIN")
    if not explicit and len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        explicit = sys.argv[1]
    path = explicit or DEFAULT_BIN
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return os.path.abspath(path)
    if explicit:
        raise HarnessError(f"ringwall binary {path!r} does not exist or is not executable")
    raise Skip(f"no ringwall binary: set RINGWALL_BIN or build {DEFAULT_BIN}")


# ---------------------------------------------------------------------------------------
# Configuration text
# ---------------------------------------------------------------------------------------

def toml_string(text):
    """A TOML basic string holding `text` exactly."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    raise TypeError(f"cannot write {value!r} as TOML")


def route(name, body="", status=200, *, hosts=None, path=None, path_prefix=None, methods=None,
          headers=None):
    """A [[routes]] entry with a respond handler, as a dict for make_config."""
    r = {"name": name}
    if hosts is not None:
        r["hosts"] = hosts
    if path is not None:
        r["path"] = path
    if path_prefix is not None:
        r["path_prefix"] = path_prefix
    if methods is not None:
        r["methods"] = methods
    r["respond"] = {"status": status, "body": body}
    if headers:
        r["respond"]["headers"] = headers
    return r


def listener(address="127.0.0.1:0", **keys):
    """A [[listeners]] entry with per-listener keys (e.g. http2=True), for make_config."""
    entry = {"address": address}
    entry.update(keys)
    return entry


def make_config(routes=None, *, workers=1, limits=None, timeouts=None, log=None,
                listeners=("127.0.0.1:0",), http2=None):
    """Ringwall TOML for one worker on an ephemeral loopback port.

    routes: dicts from route(); the default is one catch-all route answering "hello\\n".
    limits, timeouts, log, http2: dicts of keys for those tables (values as TOML would take
    them); http2=None (or empty) writes no [http2] table.
    listeners: addresses, or dicts from listener() when a listener needs keys of its own.
    """
    if routes is None:
        routes = [route("default", "hello\n", path_prefix="/",
                        headers={"content-type": "text/plain"})]
    lines = [f"workers = {toml_value(workers)}", ""]
    log_table = {"error_log": "stderr", "access_log": "off"}
    log_table.update(log or {})
    for table, keys in (("log", log_table), ("limits", limits), ("timeouts", timeouts),
                        ("http2", http2)):
        if keys:
            lines.append(f"[{table}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in keys.items()]
            lines.append("")
    for address in listeners:
        if isinstance(address, dict):
            lines.append("[[listeners]]")
            lines += [f"{k} = {toml_value(v)}" for k, v in address.items()]
            lines.append("")
            continue
        lines += ["[[listeners]]", f"address = {toml_value(address)}", ""]
    for r in routes:
        lines.append("[[routes]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in r.items() if k != "respond"]
        lines.append("[routes.respond]")
        lines += [f"{k} = {toml_value(v)}" for k, v in r["respond"].items()]
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The server process
# ---------------------------------------------------------------------------------------

_live_servers = []
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    # Runs in the child between fork and exec: if the test process is killed (ctest
    # timeout), the kernel sends SIGKILL to the server too.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 - best effort; the atexit hook still kills it
        pass


def _kill_live_servers():
    for server in list(_live_servers):
        server.kill()


atexit.register(_kill_live_servers)


class Server:
    """One ringwall process with its own temporary directory and config file."""

    def __init__(self, config_text=None, *, args=None, binary=None, env=None, name="ringwall"):
        self.binary = binary or binary_path()
        self.tmpdir = tempfile.TemporaryDirectory(prefix=f"{name}-test-")
        self.dir = self.tmpdir.name
        self.config_path = None
        if config_text is not None:
            self.config_path = os.path.join(self.dir, "ringwall.toml")
            self.write_config(config_text)
        self.args = args
        self.env = env
        self.proc = None
        self.pid = None
        self.ports = []
        self.lines = []  # error log (stderr) lines, in order
        self.stdout_lines = []
        self._cond = threading.Condition()
        self._readers = []

    # -- config ---------------------------------------------------------------------------

    def write_config(self, text, path=None):
        """Replaces the config file atomically, so a reload never reads half a file."""
        path = path or self.config_path
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self, timeout=10.0, listeners=1):
        """Starts the process and waits (bounded) for `listeners` "listening on" lines."""
        if self.args is not None:
            argv = [self.binary] + list(self.args)
        else:
            argv = [self.binary, "-c", self.config_path]
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        env.update(self.env or {})
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=self.dir, env=env,
                                     preexec_fn=_die_with_parent)
        self.pid = self.proc.pid
        _live_servers.append(self)
        for stream, sink in ((self.proc.stderr, self.lines),
                             (self.proc.stdout, self.stdout_lines)):
            t = threading.Thread(target=self._read_lines, args=(stream, sink), daemon=True)
            t.start()
            self._readers.append(t)
        deadline = time.monotonic() + timeout
        while len(self.ports) < listeners:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.proc.poll() is not None:
                time.sleep(0.1)  # let the readers collect the last lines
                state = (f"exited with {self.proc.returncode}" if self.proc.poll() is not None
                         else f"still running after {timeout}s")
                raise HarnessError(f"server did not report {listeners} listener(s): {state}\n"
                                   + self.log_tail())
            with self._cond:
                self._cond.wait(min(remaining, 0.1))
                self.ports = [int(m.group("port")) for m in
                              (LISTENING_RE.search(line) for line in self.lines) if m]
        return self

    @property
    def port(self):
        return self.ports[0]

    def _read_lines(self, stream, sink):
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._cond:
                sink.append(line)
                self._cond.notify_all()
        stream.close()

    def is_running(self):
        return self.proc is not None and self.proc.poll() is None

    def send_signal(self, sig):
        if self.is_running():
            os.kill(self.pid, sig)

    def wait_exit(self, timeout):
        """Exit status, or None if the process is still running after `timeout` seconds."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Sends `sig`, waits up to `timeout` for the exit status; kills it if it hangs."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.pid, sig)
        status = self.wait_exit(timeout)
        if status is None:
            self.kill()
            raise HarnessError(f"server pid {self.pid} ignored {signal.Signals(sig).name} "
                               f"for {timeout}s and was killed\n" + self.log_tail())
        self._finish()
        return status

    def kill(self):
        """SIGKILL to the process this object started (never anything else)."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self._finish()

    def _finish(self):
        for t in self._readers:
            t.join(timeout=2)
        if self in _live_servers:
            _live_servers.remove(self)
        self.tmpdir.cleanup()

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc):
        self.kill()
        return False

    # -- log ------------------------------------------------------------------------------

    def wait_log(self, pattern, timeout=5.0, start=0):
        """First log line at index >= start matching `pattern`: (index, match) or None."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i in range(start, len(self.lines)):
                    m = regex.search(self.lines[i])
                    if m:
                        return i, m
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(min(remaining, 0.1))

    def log_count(self):
        with self._cond:
            return len(self.lines)

    def log_tail(self, n=40):
        with self._cond:
            tail = self.lines[-n:]
        return "--- server log (last %d lines) ---\n%s\n---" % (len(tail), "\n".join(tail))


# ---------------------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------------------

class Response:
    def __init__(self, version, status, reason, headers, body, raw):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers  # [(name, value)] in order, names as received
        self.body = body
        self.raw = raw

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    def connection_tokens(self):
        tokens = []
        for v in self.header_all("connection"):
            tokens += [t.strip().lower() for t in v.split(",") if t.strip()]
        return tokens

    @property
    def closes(self):
        return "close" in self.connection_tokens()

    def __repr__(self):
        return f"<{self.version} {self.status} {self.reason!r} body={len(self.body)}B>"


class ResponseSyntaxError(Exception):
    pass


def parse_status(data):
    """Status code of the first status line in raw bytes, or None."""
    m = re.match(rb"HTTP/(\d\.\d) (\d{3})", data)
    return int(m.group(2)) if m else None


def _parse_chunked(buf, pos):
    """Decodes a chunked body at buf[pos:]. Returns (body, end) or None when incomplete."""
    body = bytearray()
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size_text = buf[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ResponseSyntaxError(f"bad chunk size {size_text!r}")
        pos = eol + 2
        if size == 0:
            end = buf.find(b"\r\n\r\n", pos - 2)
            if end < 0:
                return None
            return bytes(body), end + 4
        if len(buf) < pos + size + 2:
            return None
        body += buf[pos:pos + size]
        if buf[pos + size:pos + size + 2] != b"\r\n":
            raise ResponseSyntaxError("chunk data not followed by CRLF")
        pos += size + 2


def parse_one_response(buf, method="GET", closed=False):
    """Parses one response at the start of `buf`.

    Returns (Response, consumed) or None when more bytes are needed. A body without
    Content-Length or chunked framing runs to the end of the connection, so it completes
    only when `closed` is true. Raises ResponseSyntaxError for bytes that are no response.
    """
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        if len(buf) >= 8 and not buf.startswith(b"HTTP/"[:min(5, len(buf))]):
            raise ResponseSyntaxError(f"not a status line: {buf[:60]!r}")
        return None
    head = buf[:end].decode("latin-1")
    lines = head.split("\r\n")
    m = re.match(r"(HTTP/\d\.\d) (\d{3}) ?(.*)$", lines[0])
    if not m:
        raise ResponseSyntaxError(f"bad status line {lines[0]!r}")
    version, status, reason = m.group(1), int(m.group(2)), m.group(3)
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise ResponseSyntaxError(f"bad header line {line!r}")
        headers.append((name, value.strip(" \t")))
    resp = Response(version, status, reason, headers, b"", b"")
    pos = end + 4
    te = (resp.header("transfer-encoding") or "").lower()
    cl = resp.header("content-length")
    if method == "HEAD" or 100 <= status < 200 or status in (204, 304):
        body_end = pos
    elif "chunked" in te:
        parsed = _parse_chunked(buf, pos)
        if parsed is None:
            return None
        resp.body, body_end = parsed
    elif cl is not None:
        try:
            length = int(cl)
        except ValueError:
            raise ResponseSyntaxError(f"bad Content-Length {cl!r}")
        if len(buf) < pos + length:
            return None
        resp.body = bytes(buf[pos:pos + length])
        body_end = pos + length
    else:
        if not closed:
            return None
        resp.body = bytes(buf[pos:])
        body_end = len(buf)
    resp.raw = bytes(buf[:body_end])
    return resp, body_end


def parse_responses(data, methods=None, closed=True):
    """Every complete response in `data`: (responses, leftover bytes).

    methods: the request methods in order (HEAD responses have no body); default GET.
    Interim 1xx responses are returned as responses of their own.
    """
    responses = []
    pos = 0
    data = bytes(data)
    i = 0
    while pos < len(data):
        method = methods[i] if methods and i < len(methods) else "GET"
        try:
            parsed = parse_one_response(data[pos:], method, closed)
        except ResponseSyntaxError:
            break
        if parsed is None:
            break
        resp, used = parsed
        responses.append(resp)
        pos += used
        if not 100 <= resp.status < 200:
            i += 1
    return responses, data[pos:]


# ---------------------------------------------------------------------------------------
# Raw connections
# ---------------------------------------------------------------------------------------

class Conn:
    """A client TCP connection with a receive buffer, for byte-exact exchanges."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.eof = False   # peer closed (FIN)
        self.reset = False  # peer reset (RST)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def try_send(self, data):
        """Sends; returns False instead of raising if the peer has gone."""
        try:
            self.send(data)
            return True
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            return False

    def _recv_some(self, timeout):
        """Reads what arrives within `timeout`. Returns False on timeout."""
        if self.eof or self.reset:
            return True
        ready, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            self.reset = True
            return True
        except socket.timeout:
            return False
        if not chunk:
            self.eof = True
        self.buf += chunk
        return True

    @property
    def closed(self):
        return self.eof or self.reset

    def read_response(self, timeout=5.0, method="GET", skip_interim=True):
        """The next complete response, taken out of the buffer. Raises HarnessError."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                parsed = parse_one_response(self.buf, method, self.closed)
            except ResponseSyntaxError as e:
                raise HarnessError(f"unparsable response: {e}; bytes: {bytes(self.buf[:200])!r}")
            if parsed is not None:
                resp, used = parsed
                del self.buf[:used]
                if skip_interim and 100 <= resp.status < 200:
                    continue
                return resp
            if self.closed:
                raise HarnessError("connection closed before a complete response; got "
                                   f"{bytes(self.buf[:200])!r}")
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._recv_some(remaining):
                raise HarnessError(f"no complete response within {timeout}s; got "
                                   f"{bytes(self.buf[:200])!r}")

    def read_until_close(self, timeout=5.0):
        """Reads until the peer closes or `timeout` passes. Returns (bytes, how).

        how: "eof" (FIN), "reset" (RST) or "timeout". The bytes are taken out of the buffer.
        """
        deadline = time.monotonic() + timeout
        while not self.closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._recv_some(remaining):
                break
        how = "eof" if self.eof else "reset" if self.reset else "timeout"
        data = bytes(self.buf)
        self.buf.clear()
        return data, how

    def read_for(self, seconds):
        """Reads whatever arrives during `seconds` (stops early on close)."""
        deadline = time.monotonic() + seconds
        while not self.closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._recv_some(remaining):
                break
        return bytes(self.buf)

    def wait_closed(self, timeout):
        """True if the peer closes within `timeout`; unread data stays in the buffer."""
        deadline = time.monotonic() + timeout
        while not self.closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._recv_some(remaining):
                break
        return self.closed

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


class Exchange:
    def __init__(self, data, how, elapsed):
        self.data = data
        self.how = how  # "eof", "reset" or "timeout"
        self.elapsed = elapsed

    @property
    def closed(self):
        return self.how in ("eof", "reset")


def exchange(port, data, timeout=5.0, host="127.0.0.1"):
    """Sends `data` on a fresh connection, reads until the server closes or `timeout`."""
    start = time.monotonic()
    with Conn(port, host, timeout) as c:
        c.try_send(data)
        got, how = c.read_until_close(timeout)
    return Exchange(got, how, time.monotonic() - start)


def request(method="GET", target="/", host="a", headers=(), body=b"", version="HTTP/1.1"):
    """A well-formed request as bytes; Content-Length is added when body is set."""
    lines = [f"{method} {target} {version}"]
    if host is not None:
        lines.append(f"Host: {host}")
    lines += [f"{k}: {v}" for k, v in headers]
    if isinstance(body, str):
        body = body.encode("latin-1")
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def port_is_free(port, host="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((host, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def connect_refused(port, host="127.0.0.1", timeout=1.0):
    """True if a TCP connect to the port is refused (nothing listens)."""
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    s.close()
    return False


def check_rejected(t, port, label, data, expected, pipelined=b"", timeout=5.0):
    """Sends `data` + `pipelined` on a fresh connection and checks the error path.

    Passes when exactly one final response arrives, its status is `expected` (an int or a
    tuple of acceptable ones), it carries Connection: close, the server then closes, and
    nothing answers `pipelined`. Returns "eof", "reset" or "timeout" (how it ended).
    """
    wanted = expected if isinstance(expected, tuple) else (expected,)
    with Conn(port) as c:
        c.try_send(data + pipelined)
        got, how = c.read_until_close(timeout)
    responses, leftover = parse_responses(got)
    finals = [r for r in responses if not 100 <= r.status < 200]
    problems = []
    if not finals:
        problems.append("no response")
    else:
        if finals[0].status not in wanted:
            problems.append(f"status {finals[0].status}, want {'/'.join(map(str, wanted))}")
        if not finals[0].closes:
            problems.append("no Connection: close")
    if len(finals) > 1:
        problems.append(f"{len(finals)} responses: bytes after the error were parsed")
    if leftover:
        problems.append(f"{len(leftover)} unparsable bytes after the response")
    if how == "timeout":
        problems.append(f"connection still open after {timeout}s")
    t.check(not problems, f"{label} -> {'/'.join(map(str, wanted))}",
            "; ".join(problems) + f"\n      received {got[:300]!r}")
    return how


# ---------------------------------------------------------------------------------------
# curl
# ---------------------------------------------------------------------------------------

def curl(*args, timeout=10):
    """Runs curl with `args`; returns CompletedProcess (text). Raises Skip without curl."""
    argv = ["curl", "-sS", "--max-time", str(timeout)] + [str(a) for a in args]
    try:
        return subprocess.run(argv, capture_output=True, text=True, errors="replace",
                              timeout=timeout + 5)
    except FileNotFoundError:
        raise Skip("curl is not installed")


# ---------------------------------------------------------------------------------------
# Test reporting
# ---------------------------------------------------------------------------------------

class Checks:
    """Collects named checks; every check prints one "ok"/"FAIL" line."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.passed = 0
        self.skipped = []

    def check(self, condition, what, detail=""):
        if condition:
            self.passed += 1
            print(f"ok    {what}", flush=True)
        else:
            self.failures.append(what)
            print(f"FAIL  {what}" + (f"\n      {detail}" if detail else ""), flush=True)
        return bool(condition)

    def equal(self, got, want, what):
        return self.check(got == want, what, f"got {got!r}, want {want!r}")

    def skip(self, what, why):
        self.skipped.append(what)
        print(f"skip  {what}: {why}", flush=True)

    def section(self, title):
        print(f"\n== {title}", flush=True)

    def summary(self):
        print(f"\n{self.name}: {self.passed} passed, {len(self.failures)} failed, "
              f"{len(self.skipped)} skipped", flush=True)
        for f in self.failures:
            print(f"  failed: {f}")
        if self.failures:
            return FAIL
        return SKIP if self.skipped and not self.passed else PASS


def run(test_fn, name=None):
    """Runs test_fn(Checks) and exits with 0, 1 or 77. Kills every server left running."""
    checks = Checks(name or os.path.basename(sys.argv[0]))
    code = FAIL
    try:
        test_fn(checks)
        code = checks.summary()
    except Skip as e:
        print(f"SKIP: {e}", flush=True)
        code = FAIL if checks.failures else SKIP
    except HarnessError as e:
        print(f"FAIL (harness): {e}", flush=True)
        checks.summary()
        code = FAIL
    except Exception:  # noqa: BLE001 - any escape is a failed test, with its traceback
        traceback.print_exc()
        checks.summary()
        code = FAIL
    finally:
        _kill_live_servers()
    sys.stdout.flush()
    sys.exit(code)
