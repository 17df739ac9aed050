#!/usr/bin/env python3
# bench/run-bench.py: end-to-end W1, W3, W1f, W2, W7 and the TLS workloads W4, W5, W6t and
# W7t (shared/BENCHMARKING.md): Ringwall beside nginx, HAProxy and h2o on loopback, servers
# pinned to CPU 0, the load generator on CPU 1.
#
# W1: HTTP/1.1 keep-alive GET of a 100-byte answer, `wrk -t1 -c64 -d8s` after a 2 s
#     warm-up, servers interleaved A B C A B C ... for --rounds rounds. The figure is server
#     CPU microseconds per request: the growth of utime+stime of the server's process tree
#     (/proc/PID/stat fields 14 and 15, which include every thread) over the requests wrk
#     completed.
# W3: as W1, each server proxying to bench/minimal_backend on CPU 1.
# W1f: as W1, the 100 bytes read from a file by each server's static-file handler.
# W2: keep-alive GET of a 1 MiB file, `wrk -t1 -c16`: server CPU microseconds per MiB of
#     file served (requests x file size). HAProxy serves no files and sits out W1f and W2;
#     h2o and nginx with `sendfile off` run only in them.
# W7: 8,000 idle keep-alive connections (each sent one request and read its answer): growth
#     of the serving process's VmRSS per connection, in KiB.
#
# The TLS workloads use one throwaway ECDSA P-256 self-signed certificate that the openssl
# command line makes in a temporary directory when the run starts (deleted at the end; no
# key is ever committed). Every server offers TLS 1.3 only, ALPN h2 and http/1.1.
# W4: HTTP/2 over TLS 1.3, 100-byte answer, `h2load -t1 -c16 -m32 --warm-up-time 2s -D 8s`;
#     server CPU is sampled when h2load starts and ends its main duration, so the window
#     matches the requests h2load counts.
# W5: HTTP/1.1 over TLS 1.3 keep-alive, 100-byte answer, `wrk -t1 -c64` on https://.
# W6t: one new TLS 1.3 connection (full handshake, no session offered) per request:
#     `openssl s_time -new -tls1_3 -www /` processes on CPU 1; server CPU microseconds per
#     connection.
# W7t: 4,000 idle TLS 1.3 connections (handshake, one HTTP/1.1 request each): VmRSS growth
#     per connection, in KiB.
# h2o 2.2 has no fixed-answer directive: in the TLS workloads it serves the same 100 bytes
# as a static index.html (file.dir), where the others answer from their config.
#
# Every server runs from its own temporary directory with its own config on an ephemeral
# loopback port, and is stopped by the PID this script started. Timings are printed, never
# asserted.

import argparse
import hashlib
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_RINGWALL = os.path.join(REPO_ROOT, "build", "release", "src", "ringwall")
BODY = ("0123456789abcdefghijklmnopqrstuvwxyz" * 3)[:100]  # 100 bytes, no escaping needed
# W1f and W2 files, in one directory that every server serves (see file_docroot).
SMALL_FILE = ("small-100B.bin", 100)
LARGE_FILE = ("large-1MiB.bin", 1024 * 1024)
MIB = 1024 * 1024
FILE_WORKLOADS = ("W1f", "W2")
TLS_WORKLOADS = ("W4", "W5", "W6t", "W7t")
ALL_WORKLOADS = ("W1", "W3", "W1f", "W2", "W7") + TLS_WORKLOADS
# The load generator each workload needs (W7 and W7t use Python sockets).
TOOLS = {"W1": "wrk", "W3": "wrk", "W1f": "wrk", "W2": "wrk", "W5": "wrk", "W4": "h2load",
         "W6t": "openssl"}
# W6t's client order of TLS 1.3 cipher suites (h2load's default order), and HAProxy's.
TLS13_SUITES = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
SERVER_CPU = "0"
CLIENT_CPU = "1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PR_SET_PDEATHSIG = 1


def log(msg=""):
    print(msg, flush=True)


def die_with_parent():
    # In the child before exec: a server must not outlive this script if it is killed.
    try:
        import ctypes
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 - best effort, stop() still kills by PID
        pass


def raise_nofile():
    """Raises our soft RLIMIT_NOFILE to the hard limit (inherited by the servers)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------------------------------
# /proc
# ---------------------------------------------------------------------------------------

def proc_stat(pid):
    """(ppid, utime+stime in seconds) of one process, all its threads included."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()  # fields from 3 (state) on
    ppid = int(fields[1])
    ticks = int(fields[11]) + int(fields[12])  # fields 14 (utime) and 15 (stime)
    return ppid, ticks / CLK_TCK


def process_tree(root):
    """PIDs of `root` and all its descendants."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            ppid, _ = proc_stat(int(name))
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def tree_cpu(root):
    total = 0.0
    for pid in process_tree(root):
        try:
            total += proc_stat(pid)[1]
        except OSError:
            pass
    return total


def cpu_busy_seconds(cpu):
    """Busy time of one CPU (user, nice, system, irq, softirq, steal) from /proc/stat."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"cpu{cpu} "):
                v = [int(x) for x in line.split()[1:]]
                return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / CLK_TCK
    return 0.0


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ---------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------

class Unavailable(Exception):
    """A server that cannot take part in a workload (a feature it lacks); the others go on."""


class Target:
    """One server under test: config in a temp dir, pinned to CPU 0, stopped by PID."""

    name = "?"
    workloads = ALL_WORKLOADS
    answers_from_file = False  # serves its 100-byte answer from a file (h2o)

    def __init__(self, nofile):
        self.nofile = nofile
        self.upstream = None  # W3: port of the backend to proxy to, instead of answering
        self.docroot = None  # W1f, W2: directory to serve files from, instead of answering
        self.tls = None  # TLS workloads: the TlsFiles to listen with (TLS 1.3 only)
        self.path = "/"  # what the readiness probe and the load generator request
        self.expect = BODY.encode()  # the body the probe must get back
        self.tmp = None
        self.proc = None
        self.port = None
        self.log_path = None

    def command(self):
        raise NotImplementedError

    def write_config(self):
        raise NotImplementedError

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix=f"bench-{self.name}-")
        self.port = free_port()
        self.write_config()
        self.log_path = os.path.join(self.tmp, "output.log")
        argv = ["taskset", "-c", SERVER_CPU] + self.command()
        self.argv = argv
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, cwd=self.tmp,
                                         preexec_fn=die_with_parent)
        self.wait_ready()
        return self

    def output(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_ready(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        last = "no attempt"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n"
                                   + self.output()[-2000:])
            self.find_port()
            if self.port:
                try:
                    status, body = http_get(self.port, self.path, tls=self.tls is not None)
                    if status == 200 and body == self.expect:
                        return
                    last = f"status {status}, body {body[:40]!r}"
                    if self.docroot:
                        # A file server that answers wrongly once will not change its mind.
                        self.stop()
                        raise RuntimeError(f"{self.name} answered {self.path} with {last}")
                except OSError as e:
                    last = str(e)
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} not ready within {timeout}s ({last}):\n"
                           + self.output()[-2000:])

    def find_port(self):
        pass

    def cpu_seconds(self):
        return tree_cpu(self.proc.pid)

    def rss_kib(self):
        """VmRSS of the processes that serve connections."""
        return sum(vm_rss_kib(pid) for pid in process_tree(self.proc.pid))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


class Ringwall(Target):
    name = "ringwall"

    def __init__(self, nofile, binary):
        super().__init__(nofile)
        self.binary = binary

    def start(self):
        if not self.docroot:
            return super().start()
        # The static handler may not be in this build: the config is then rejected, or the
        # route answers 404. Either way the peers still run.
        try:
            return super().start()
        except RuntimeError as e:
            self.stop()
            # Quote the server's own words when it rejected the route
            # (`routes[0].static: unknown key "static"`), else what the probe got.
            lines = [line.strip() for line in str(e).splitlines() if line.strip()] or ["?"]
            detail = next((line for line in lines if "static" in line), lines[0])
            raise Unavailable(f"static handler not available ({detail})") from e

    def write_config(self):
        self.port = None  # the server reports its ephemeral port
        self.conf = os.path.join(self.tmp, "ringwall.toml")
        with open(self.conf, "w") as f:
            f.write(f"""workers = 1

[log]
error_log = "stderr"
access_log = "off"

[timeouts]
keepalive = "120s"

[limits]
max_connections = 20000

[[listeners]]
address = "127.0.0.1:0"
""" + self.tls_table() + "\n" + self.route())

    def tls_table(self):
        if not self.tls:
            return ""
        # ALPN offers h2 and http/1.1 by default. Session tickets keep their default (on):
        # W6t's client offers no session, so none is resumed.
        return f"""[listeners.tls]
certificates = [{{ chain = "{self.tls.cert}", key = "{self.tls.key}" }}]
min_version = "1.3"
"""

    def route(self):
        if self.upstream:
            return f"""[[upstreams]]
name = "backend"
[[upstreams.backends]]
address = "127.0.0.1:{self.upstream}"
[upstreams.pool]
max_idle = 128

[[routes]]
name = "bench"
path_prefix = "/"
proxy = "backend"
"""
        if self.docroot:
            # [files] keeps its defaults: files under 64 KiB cached in memory, files of
            # 1 MiB and more mmapped and sent with SEND_ZC.
            return f"""[[routes]]
name = "bench"
path_prefix = "/"
[routes.static]
root = "{self.docroot}"
"""
        return f"""[[routes]]
name = "bench"
path_prefix = "/"
[routes.respond]
status = 200
body = "{BODY}"
headers = {{ "content-type" = "text/plain" }}
"""

    def command(self):
        return [self.binary, "-c", self.conf]

    def find_port(self):
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.output())
        if m:
            self.port = int(m.group(1))


class Nginx(Target):
    name = "nginx"
    sendfile = True  # only matters when serving files (W1f, W2)

    def write_config(self):
        self.conf = os.path.join(self.tmp, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(f"""worker_processes 1;
worker_rlimit_nofile {self.nofile};
error_log {self.tmp}/error.log warn;
pid {self.tmp}/nginx.pid;
events {{
    worker_connections 20000;
}}
http {{
    access_log off;
    keepalive_timeout 120s;
    keepalive_requests 1000000;
    {self.file_settings()}
    server {{
        {self.listen()}
        location / {{
            {self.location()}
        }}
    }}
    {self.upstream_block()}
}}
""")

    def listen(self):
        if not self.tls:
            return f"listen 127.0.0.1:{self.port};"
        # nginx 1.22 syntax: http2 is a parameter of listen. Session tickets and the
        # session cache keep their defaults (W6t's client offers no session).
        return (f"listen 127.0.0.1:{self.port} ssl http2;\n"
                f"        ssl_certificate {self.tls.cert};\n"
                f"        ssl_certificate_key {self.tls.key};\n"
                "        ssl_protocols TLSv1.3;")

    def location(self):
        if self.upstream:
            return ('proxy_pass http://backend; proxy_http_version 1.1; '
                    'proxy_set_header Connection "";')
        if self.docroot:
            return f"root {self.docroot};"
        return f'default_type text/plain; return 200 "{BODY}";'

    def file_settings(self):
        if not self.docroot:
            return ""
        # open_file_cache keeps the fd and stat of each file: without it nginx opens,
        # fstats and closes the file on every request, and a tuned file server avoids that.
        # tcp_nopush (TCP_CORK) goes with sendfile: the head and the file leave in full
        # segments instead of a small one for the head.
        transfer = "sendfile on; tcp_nopush on;" if self.sendfile else "sendfile off;"
        return (f"default_type application/octet-stream; {transfer}\n"
                "    open_file_cache max=1000 inactive=60s; open_file_cache_valid 60s;")

    def upstream_block(self):
        if not self.upstream:
            return ""
        # keepalive: the idle pool the issue compares against (nginx's default is none).
        return f"upstream backend {{ server 127.0.0.1:{self.upstream}; keepalive 128; }}"

    def command(self):
        # master_process off: a single process that both accepts and serves.
        return ["/usr/sbin/nginx", "-p", self.tmp, "-e", f"{self.tmp}/error.log", "-c", self.conf,
                "-g", "daemon off; master_process off;"]


class NginxSendfileOff(Nginx):
    """nginx reading files into its buffers: fewer syscalls than sendfile for tiny files."""

    name = "nginx-sendfile-off"
    sendfile = False
    workloads = FILE_WORKLOADS  # elsewhere it would be the same server as "nginx"


class Haproxy(Target):
    name = "haproxy"
    workloads = ("W1", "W3", "W7") + TLS_WORKLOADS  # not a file server

    def write_config(self):
        # HAProxy needs about 2 fds per maxconn and refuses to start when the hard
        # RLIMIT_NOFILE is lower, so maxconn is capped to what the limit allows.
        self.maxconn = min(20000, (self.nofile - 200) // 2)
        self.conf = os.path.join(self.tmp, "haproxy.cfg")
        with open(self.conf, "w") as f:
            f.write(f"""global
    nbthread 1
    maxconn {self.maxconn}

defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    timeout http-keep-alive 120s

frontend bench
    bind 127.0.0.1:{self.port}{self.bind_tls()}
""" + (f"""    default_backend backend

backend backend
    http-reuse always
    server b1 127.0.0.1:{self.upstream}
""" if self.upstream else f"""    http-request return status 200 content-type text/plain string "{BODY}"
"""))

    def bind_tls(self):
        if not self.tls:
            return ""
        # `crt` takes the certificate and its key in one PEM file. HAProxy picks the cipher
        # suite by its own order, OpenSSL's default (AES-256 first): `ciphersuites` puts
        # AES-128 first, the suite the other servers agree with h2load and s_time.
        return (f" ssl crt {self.tls.combined} alpn h2,http/1.1 ssl-min-ver TLSv1.3 "
                f"ciphersuites {TLS13_SUITES}")

    def command(self):
        return ["/usr/sbin/haproxy", "-db", "-f", self.conf]


class H2o(Target):
    """h2o 2.2 as a file server (file.dir), one worker thread, no access log."""

    name = "h2o"
    workloads = FILE_WORKLOADS + TLS_WORKLOADS
    # h2o 2.2 has no directive that answers fixed bytes: in the TLS workloads it serves the
    # 100-byte answer as index.html from file.dir (tls_run).
    answers_from_file = True

    def __init__(self, nofile, binary):
        super().__init__(nofile)
        self.binary = binary

    def write_config(self):
        # No access-log directive: h2o then writes none. Started as root, h2o switches to
        # "nobody" before serving (file_docroot makes the files world-readable) and before
        # it would write a pid-file, so none is configured: we have the PID.
        self.conf = os.path.join(self.tmp, "h2o.conf")
        with open(self.conf, "w") as f:
            # max-connections: h2o stops accepting at 1,024 by default. The 10 s defaults of
            # the idle timeouts would close W7t's first connections before the last ones
            # are open.
            f.write(f"""num-threads: 1
error-log: {self.tmp}/error.log
max-connections: 20000
http1-request-timeout: 120
http2-idle-timeout: 120
listen:
  host: 127.0.0.1
  port: {self.port}
{self.listen_tls()}hosts:
  default:
    paths:
      /:
        file.dir: {self.docroot}
""")

    def listen_tls(self):
        if not self.tls:
            return ""
        # ocsp-update-interval 0: no OCSP fetcher run for a certificate that names no
        # responder. h2o reads the key as root, before it drops to "nobody".
        return f"""  ssl:
    certificate-file: {self.tls.cert}
    key-file: {self.tls.key}
    minimum-version: TLSv1.3
    ocsp-update-interval: 0
"""

    def command(self):
        return [self.binary, "-c", self.conf]


# ---------------------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------------------

def request_bytes(path="/"):
    return f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()


REQUEST = request_bytes()


def read_response(sock):
    """Reads one response with a Content-Length body; returns (status, body)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("connection closed before the response head")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    length = int(m.group(1)) if m else 0
    body = bytearray(rest)  # W2 probes read 1 MiB: no quadratic bytes concatenation
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise OSError("connection closed inside the body")
        body += chunk
    return status, bytes(body)


def tls_client_context(alpn=("http/1.1",)):
    """TLS 1.3 only, no certificate check (the certificate is a throwaway), no session
    offered: a fresh context per use and no session is ever set on a connection."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    if alpn:
        ctx.set_alpn_protocols(list(alpn))
    return ctx


def http_get(port, path="/", tls=False):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        if tls:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # see open_idle_tls_...
            with tls_client_context().wrap_socket(s) as t:
                t.sendall(request_bytes(path))
                return read_response(t)
        s.sendall(request_bytes(path))
        return read_response(s)


def run_tools(argvs, seconds):
    """Runs the commands at once and waits for them, killing any still running `seconds`
    + 30 s later. Returns (output text, CPU seconds from wait4's rusage, exit code) per
    command."""
    files, procs, done = [], [], []
    try:
        for argv in argvs:
            out = tempfile.TemporaryFile()
            files.append(out)
            procs.append(subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL))
        deadline = time.monotonic() + seconds + 30
        usage = {}
        while len(usage) < len(procs):
            for proc in procs:
                if proc.pid in usage:
                    continue
                if time.monotonic() > deadline:
                    proc.kill()
                    pid, status, ru = os.wait4(proc.pid, 0)
                else:
                    pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    proc.returncode = os.waitstatus_to_exitcode(status)
                    usage[proc.pid] = ru
            if len(usage) < len(procs):
                time.sleep(0.05)
        for proc, out in zip(procs, files):
            out.seek(0)
            ru = usage[proc.pid]
            done.append((out.read().decode(errors="replace"), ru.ru_utime + ru.ru_stime,
                         proc.returncode))
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
        for out in files:
            out.close()
    return done


def run_wrk(port, seconds, connections, path="/", scheme="http"):
    """Runs wrk on CPU 1. Returns dict with requests, rps, errors and wrk's own CPU time."""
    argv = ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
            f"{scheme}://127.0.0.1:{port}{path}"]
    text, cpu, _ = run_tools([argv], seconds)[0]
    result = {"text": text, "requests": 0, "rps": 0.0, "errors": "", "non2xx": 0,
              "client_cpu": cpu, "argv": argv}
    for line in text.splitlines():
        s = line.strip()
        m = re.match(r"(\d+) requests in ([\d.]+)(\w+)", s)
        if m:
            result["requests"] = int(m.group(1))
        elif s.startswith("Requests/sec:"):
            result["rps"] = float(s.split()[1])
        elif s.startswith("Socket errors:"):
            result["errors"] = s
        elif s.startswith("Non-2xx or 3xx responses:"):
            result["non2xx"] = int(s.split(":")[1])
    return result


def run_h2load(port, warmup, seconds, connections, streams, path="/", window=None):
    """Runs h2load over TLS on CPU 1 for `warmup` + `seconds` s. h2load counts only the
    requests of its main duration, so `window` begins and ends when h2load says that
    duration starts and ends (its stdout, read as it comes). Returns a dict like
    run_wrk's."""
    argv = ["taskset", "-c", CLIENT_CPU, "h2load", "-t1", f"-c{connections}", f"-m{streams}",
            "-D", f"{seconds}s"]
    if warmup > 0:
        argv += ["--warm-up-time", f"{warmup}s"]
    argv.append(f"https://127.0.0.1:{port}{path}")
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True, errors="replace")
    watchdog = threading.Timer(warmup + seconds + 30, proc.kill)
    watchdog.start()
    lines = []
    try:
        if window and warmup <= 0:
            window.begin()  # no warm-up phase: h2load announces no main duration
        for line in proc.stdout:
            lines.append(line)
            if window and warmup > 0 and line.startswith("Main benchmark duration is started"):
                window.begin()
            elif window and warmup > 0 and line.startswith("Main benchmark duration is over"):
                window.end()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if window and warmup <= 0:
            window.end()
    finally:
        watchdog.cancel()
        proc.stdout.close()
        if proc.returncode is None:
            proc.kill()
            os.wait4(proc.pid, 0)
            proc.returncode = -9
    text = "".join(lines)
    result = {"text": text, "requests": 0, "rps": 0.0, "errors": "", "non2xx": 0,
              "client_cpu": usage.ru_utime + usage.ru_stime, "argv": argv}
    if window and not window.complete():
        result["errors"] = "h2load never reported its main duration"
        return result
    problems = []
    m = re.search(r"^finished in [\d.]+\w+, ([\d.]+) req/s", text, re.M)
    if m:
        result["rps"] = float(m.group(1))
    m = re.search(r"^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                  r"(\d+) failed, (\d+) errored, (\d+) timeout", text, re.M)
    if m:
        done, succeeded = int(m.group(3)), int(m.group(4))
        result["requests"] = succeeded
        problems += [f"{m.group(i)} {what}" for i, what in ((5, "failed"), (6, "errored"),
                                                             (7, "timeout"))
                     if m.group(i) != "0"]
        m2 = re.search(r"^status codes: (\d+) 2xx", text, re.M)
        if m2:
            result["non2xx"] = done - int(m2.group(1))
    m = re.search(r"^Application protocol: (\S+)", text, re.M)
    if not m or m.group(1) != "h2":
        problems.append(f"ALPN chose {m.group(1) if m else 'nothing'}, not h2")
    result["errors"] = ", ".join(problems)
    return result


def run_s_time(port, seconds, clients, path="/"):
    """`clients` × `openssl s_time -new -tls1_3 -www path -time seconds` on CPU 1: each
    makes one connection after another, with a full handshake (-new: no session is ever
    offered), one HTTP/1.0 GET, and reads until the server closes. Returns a dict like
    run_wrk's, with connections as requests. The cipher suites are h2load's order, AES-128
    first: the peers follow the client's preference (OpenSSL's default puts AES-256 first),
    Ringwall its own, and this way all of them agree on the same suite."""
    argv = ["taskset", "-c", CLIENT_CPU, "openssl", "s_time", "-connect", f"127.0.0.1:{port}",
            "-new", "-tls1_3", "-ciphersuites", TLS13_SUITES, "-www", path,
            "-time", str(seconds)]
    start = time.monotonic()
    runs = run_tools([argv] * clients, seconds)
    wall = time.monotonic() - start
    result = {"text": "", "requests": 0, "rps": 0.0, "errors": "", "non2xx": 0,
              "client_cpu": sum(cpu for _, cpu, _ in runs), "argv": argv}
    problems = []
    total_bytes = 0
    for text, _, rc in runs:
        result["text"] += text
        # "<n> connections in <t>s; <r> connections/user sec, bytes read <b>"
        m = re.search(r"^(\d+) connections in [\d.]+s; [\d.]+ connections/user sec, "
                      r"bytes read (\d+)", text, re.M)
        if not m:
            problems.append(f"s_time exited {rc} without figures")
            continue
        result["requests"] += int(m.group(1))
        total_bytes += int(m.group(2))
        if rc != 0:
            problems.append(f"s_time exited {rc}")
        # One character per connection: "*" a new TLS 1.3 session, "r" a resumed one.
        marks = text[text.find("seconds\n") + 8:m.start()]
        if "r" in marks:
            problems.append(f"{marks.count('r')} resumed")
    if result["requests"]:
        result["rps"] = result["requests"] / wall
        per_conn = total_bytes / result["requests"]
        if per_conn < len(BODY):
            problems.append(f"only {per_conn:.0f} bytes read per connection")
    result["errors"] = ", ".join(problems)
    return result


def open_idle_connections(port, count, time_limit=120.0):
    """Opens `count` keep-alive connections, one request each. Returns the sockets."""
    socks = []
    deadline = time.monotonic() + time_limit
    try:
        for _ in range(count):
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(socks)} connections opened in {time_limit}s")
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            socks.append(s)
            s.sendall(REQUEST)
            status, body = read_response(s)
            if status != 200:
                raise RuntimeError(f"connection {len(socks)}: status {status}")
    except BaseException:
        for s in socks:
            s.close()
        raise
    return socks


def open_idle_tls_connections(port, count, time_limit=120.0):
    """As open_idle_connections, over TLS 1.3 (ALPN http/1.1): a full handshake, then one
    request and its answer per connection. Returns the SSL sockets.

    TCP_NODELAY, as wrk, h2load and browsers set it: without it the request, written right
    after the client's Finished, waits for that segment's ACK. A server that sends nothing
    after the handshake until it has a request (no immediate session tickets) then answers
    after the peer's delayed-ACK timer, about 40 ms per connection on Linux."""
    ctx = tls_client_context()
    socks = []
    deadline = time.monotonic() + time_limit
    try:
        for _ in range(count):
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(socks)} connections opened in {time_limit}s")
            raw = socket.create_connection(("127.0.0.1", port), timeout=5)
            try:
                raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s = ctx.wrap_socket(raw)
            except BaseException:
                raw.close()
                raise
            socks.append(s)
            s.sendall(REQUEST)
            status, body = read_response(s)
            if status != 200:
                raise RuntimeError(f"connection {len(socks)}: status {status}")
    except BaseException:
        for s in socks:
            s.close()
        raise
    return socks


def count_open_tls(socks):
    """Connections the server still holds open: a non-blocking read finds no record, or
    only records that carry no data (session tickets). A close_notify or a FIN reads as
    b"" (or an SSL error)."""
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                continue
            alive += 1  # unexpected data, but the connection is open
        except (ssl.SSLWantReadError, BlockingIOError):
            alive += 1
        except OSError:
            continue
    return alive


def count_open(socks):
    alive = 0
    for s in socks:
        s.setblocking(False)  # a socket with a timeout would wait in recv despite DONTWAIT
        try:
            if s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                continue
        except BlockingIOError:
            alive += 1
        except OSError:
            continue
    return alive


# ---------------------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------------------

def spread(values, fmt="{:.1f}"):
    return f"{fmt.format(min(values))}–{fmt.format(max(values))}"


def w1(targets, args):
    return load_run(targets, args, "W1", f"keep-alive GET of a {len(BODY)}-byte answer")


def w3(targets, args):
    """The proxied path: each server in front of minimal_backend, which runs on CPU 1."""
    backend_bin = args.backend
    if not os.access(backend_bin, os.X_OK):
        log(f"\n## W3 skipped: {backend_bin} not built (cmake --build build/release "
            "--target minimal_backend)")
        return None
    proc = subprocess.Popen(["taskset", "-c", CLIENT_CPU, backend_bin, "0"], stdout=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, preexec_fn=die_with_parent, text=True)
    try:
        line = proc.stdout.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
        for t in targets:
            t.upstream = port
        return load_run(targets, args, "W3",
                        f"reverse proxy to a keep-alive backend on CPU {CLIENT_CPU} "
                        f"({len(BODY)}-byte answer)")
    finally:
        for t in targets:
            t.upstream = None
        proc.terminate()
        proc.wait(timeout=10)


def file_content(name, size):
    """Fixed bytes that look random: the same on every run, and no codec shrinks them."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{name}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def file_docroot():
    """A temporary directory with the W1f and W2 files, readable by every server (h2o
    drops to "nobody")."""
    root = tempfile.mkdtemp(prefix="bench-files-")
    os.chmod(root, 0o755)
    for name, size in (SMALL_FILE, LARGE_FILE):
        path = os.path.join(root, name)
        with open(path, "wb") as f:
            f.write(file_content(name, size))
        os.chmod(path, 0o644)
    return root


def file_run(targets, args, workload, what, file, connections, unit, unit_bytes=None):
    """load_run with every server serving `file` from one shared directory."""
    name, size = file
    root = file_docroot()
    try:
        for t in targets:
            t.docroot, t.path, t.expect = root, f"/{name}", file_content(name, size)
        return load_run(targets, args, workload, what, Wrk(connections), unit, unit_bytes)
    finally:
        for t in targets:
            t.docroot, t.path, t.expect = None, "/", BODY.encode()
        shutil.rmtree(root, ignore_errors=True)


def w1f(targets, args):
    return file_run(targets, args, "W1f", f"keep-alive GET of a {SMALL_FILE[1]}-byte file",
                    SMALL_FILE, args.connections, "req")


def w2(targets, args):
    return file_run(targets, args, "W2", "keep-alive GET of a 1 MiB file (figure per MiB "
                    "of file served: requests × 1 MiB)", LARGE_FILE, args.w2_connections,
                    "MiB", LARGE_FILE[1])


class Window:
    """Server CPU time, CPU 0 busy time and wall time between begin() and end()."""

    def __init__(self, target):
        self.target = target
        self.begun = self.ended = False

    def begin(self):
        self.busy0 = cpu_busy_seconds(SERVER_CPU)
        self.cpu0, self.wall0 = self.target.cpu_seconds(), time.monotonic()
        self.begun = True

    def end(self):
        self.cpu1, self.wall1 = self.target.cpu_seconds(), time.monotonic()
        self.busy1 = cpu_busy_seconds(SERVER_CPU)
        self.ended = True

    def complete(self):
        return self.begun and self.ended

    @property
    def cpu(self):
        return self.cpu1 - self.cpu0

    @property
    def wall(self):
        return self.wall1 - self.wall0

    @property
    def other(self):
        """CPU 0 time not spent in the server, in % of the window: other jobs, or softirq
        work the kernel charged to no task. High values make the run suspect."""
        return max(0.0, 100 * ((self.busy1 - self.busy0) - self.cpu) / self.wall)


class Wrk:
    """wrk -t1 -c<connections>: a warm-up run, then the measured run."""

    tool = "wrk"

    def __init__(self, connections, scheme="http"):
        self.connections = connections
        self.scheme = scheme

    def describe(self, args):
        url = " https://" if self.scheme == "https" else ""
        return (f"wrk -t1 -c{self.connections} -d{args.duration}s{url} after {args.warmup}s "
                "warm-up")

    def measure(self, t, args, window):
        run_wrk(t.port, args.warmup, self.connections, t.path, self.scheme)
        window.begin()
        r = run_wrk(t.port, args.duration, self.connections, t.path, self.scheme)
        window.end()
        r["client_pct"] = 100 * r["client_cpu"] / window.wall
        return r


class H2load:
    """One h2load run: its warm-up phase, then its main duration, which is measured."""

    tool = "h2load"

    def __init__(self, connections, streams):
        self.connections = connections
        self.streams = streams

    def describe(self, args):
        return (f"h2load -t1 -c{self.connections} -m{self.streams} --warm-up-time "
                f"{args.warmup}s -D {args.duration}s (server CPU over the main duration)")

    def measure(self, t, args, window):
        r = run_h2load(t.port, args.warmup, args.duration, self.connections, self.streams,
                       t.path, window)
        if window.complete():  # h2load's CPU covers its warm-up too
            r["client_pct"] = 100 * r["client_cpu"] / (args.warmup + window.wall)
        return r


class STime:
    """`clients` concurrent openssl s_time -new processes: a warm-up run, then the
    measured run."""

    tool = "openssl s_time"

    def __init__(self, clients):
        self.clients = clients

    def describe(self, args):
        return (f"{self.clients} × openssl s_time -new -tls1_3 -ciphersuites <AES-128 "
                f"first> -www / -time {args.duration} after a {args.warmup} s warm-up")

    def measure(self, t, args, window):
        if args.warmup > 0:
            run_s_time(t.port, args.warmup, self.clients, t.path)
        window.begin()
        r = run_s_time(t.port, args.duration, self.clients, t.path)
        window.end()
        r["client_pct"] = 100 * r["client_cpu"] / window.wall
        return r


def load_run(targets, args, workload, what, client=None, unit="req", unit_bytes=None):
    """Interleaved load runs (wrk unless `client` says otherwise); the figure is server CPU
    µs per `unit`. With `unit_bytes`, a request counts as unit_bytes / MiB units (W2: MiB
    of file served), else as one."""
    client = client or Wrk(args.connections)
    per_request = unit_bytes / MIB if unit_bytes else 1.0
    rate = "req/s" if unit == "req" else f"{unit}/s"
    log(f"\n## {workload}: {what}, {client.describe(args)}, {args.rounds} interleaved "
        "rounds\n")
    results = {t.name: [] for t in targets}
    others = []
    started = []
    try:
        for t in targets:
            try:
                started.append(t.start())
            except Unavailable as e:
                log(f"{t.name}: {e}")
                continue
            log(f"started {t.name} pid {t.proc.pid} on 127.0.0.1:{t.port}: "
                f"{shlex.join(t.argv)}")
        log(f"\n| round | server | {rate} | server CPU µs/{unit} | server CPU % "
            f"| other CPU 0 % | {client.tool} CPU % | errors |")
        log("|---|---|---|---|---|---|---|---|")
        for rnd in range(1, args.rounds + 1):
            for t in started:
                window = Window(t)
                r = client.measure(t, args, window)
                if not r["requests"] or not window.complete():
                    log(f"| {rnd} | {t.name} | {client.tool} failed | | | | | "
                        f"{r['errors'] or ''} |\n\n```\n{r['text'][-3000:]}\n```\n")
                    continue
                other = window.other
                units = r["requests"] * per_request
                us = window.cpu * 1e6 / units
                util = 100 * window.cpu / window.wall
                client_pct = r["client_pct"]
                errors = ", ".join(x for x in (r["errors"], f"non-2xx {r['non2xx']}"
                                               if r["non2xx"] else "") if x) or "none"
                throughput = r["rps"] * per_request
                results[t.name].append((throughput, us))
                others.append(other)
                log(f"| {rnd} | {t.name} | {throughput:,.0f} | {us:.2f} | {util:.0f} | "
                    f"{other:.0f} | {client_pct:.0f} | {errors} |")
    finally:
        for t in started:
            t.stop()

    log(f"\n### {workload} summary (median of rounds; lower µs/{unit} is better)\n")
    if others and max(others) > 10:
        log(f"**warning:** up to {max(others):.0f}% of CPU 0 went to something other than the "
            "server under test (median {:.0f}%): another job was running, so these figures "
            "are suspect.\n".format(statistics.median(others)))
    # Ratios are to Ringwall, or in a peers-only run to the first server that has figures.
    base_name = "ringwall" if results.get("ringwall") else next(
        (t.name for t in targets if results[t.name]), None)
    base = statistics.median(us for _, us in results[base_name]) if base_name else None
    log(f"| server | {rate} (median) | CPU µs/{unit} (median) | CPU µs/{unit} (min–max) "
        f"| ratio to {'Ringwall' if base_name == 'ringwall' else base_name or '–'} |")
    log("|---|---|---|---|---|")
    for t in targets:
        rows = results[t.name]
        if not rows:
            log(f"| {t.name} | – | – | – | – |")
            continue
        rps = statistics.median(r for r, _ in rows)
        us = statistics.median(u for _, u in rows)
        ratio = f"{us / base:.2f}×" if base else "–"
        log(f"| {t.name} | {rps:,.0f} | {us:.2f} | {spread([u for _, u in rows], '{:.2f}')} "
            f"| {ratio} |")
    return results


def w7(targets, args):
    return idle_run(targets, args, "W7", args.idle_connections,
                    "idle keep-alive connections (one request each)",
                    open_idle_connections, count_open)


def idle_run(targets, args, workload, n, what, open_fn, count_fn):
    """For each round and server: a fresh server, its VmRSS, `n` connections opened with
    open_fn and left idle, VmRSS 1 s later. The figure is the growth per connection."""
    log(f"\n## {workload}: {n} {what}, RSS growth per connection, {args.rounds} rounds\n")
    results = {t.name: [] for t in targets}
    log("| round | server | RSS before KiB | RSS after KiB | KiB/conn | still open | open time s |")
    log("|---|---|---|---|---|---|---|")
    for rnd in range(1, args.rounds + 1):
        for t in targets:
            socks = []
            try:
                t.start()
                time.sleep(0.3)
                before = t.rss_kib()
                start = time.monotonic()
                socks = open_fn(t.port, n)
                opened = time.monotonic() - start
                time.sleep(1.0)
                after = t.rss_kib()
                alive = count_fn(socks)
                per = (after - before) / n
                results[t.name].append(per)
                log(f"| {rnd} | {t.name} | {before:,} | {after:,} | {per:.2f} | {alive} | "
                    f"{opened:.1f} |")
            except (OSError, RuntimeError) as e:
                log(f"| {rnd} | {t.name} | failed: {e} | | | | |")
            finally:
                for s in socks:
                    s.close()
                t.stop()

    log(f"\n### {workload} summary (median KiB per idle connection; lower is better)\n")
    log("| server | KiB/conn (median) | KiB/conn (min–max) | ratio to Ringwall |")
    log("|---|---|---|---|")
    base = statistics.median(results["ringwall"]) if results.get("ringwall") else None
    for t in targets:
        rows = results[t.name]
        if not rows:
            log(f"| {t.name} | – | – | – |")
            continue
        med = statistics.median(rows)
        ratio = f"{med / base:.2f}×" if base else "–"
        log(f"| {t.name} | {med:.2f} | {spread(rows, '{:.2f}')} | {ratio} |")
    return results


# ---------------------------------------------------------------------------------------
# TLS workloads
# ---------------------------------------------------------------------------------------

class TlsFiles:
    """A throwaway ECDSA P-256 self-signed certificate and its key, made with the openssl
    command line in a temporary directory (removed by remove(); never committed)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bench-tls-")
        self.cert = os.path.join(self.dir, "cert.pem")
        self.key = os.path.join(self.dir, "key.pem")
        self.combined = os.path.join(self.dir, "cert-and-key.pem")  # HAProxy's crt
        try:
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:P-256", "-nodes", "-keyout", self.key,
                            "-out", self.cert, "-days", "2", "-subj", "/CN=localhost",
                            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                           check=True, capture_output=True, timeout=30)
            with open(self.combined, "w") as out:
                for path in (self.cert, self.key):
                    with open(path) as f:
                        out.write(f.read())
        except BaseException:
            self.remove()
            raise

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def tls_run(targets, args, run):
    """Runs run() with every server listening with TLS 1.3 on args.tls; h2o serves the
    100-byte answer as a static index.html, the others answer from their config."""
    docroot = None
    try:
        for t in targets:
            t.tls = args.tls
            if t.answers_from_file:
                if docroot is None:
                    docroot = tempfile.mkdtemp(prefix="bench-tls-files-")
                    os.chmod(docroot, 0o755)  # h2o serves as "nobody"
                    index = os.path.join(docroot, "index.html")
                    with open(index, "w") as f:
                        f.write(BODY)
                    os.chmod(index, 0o644)
                t.docroot = docroot
        return run()
    finally:
        for t in targets:
            t.tls = None
            if t.answers_from_file:
                t.docroot = None
        if docroot:
            shutil.rmtree(docroot, ignore_errors=True)


def w4(targets, args):
    return tls_run(targets, args, lambda: load_run(
        targets, args, "W4", f"HTTP/2 over TLS 1.3, {len(BODY)}-byte answer",
        H2load(args.h2_connections, args.h2_streams)))


def w5(targets, args):
    return tls_run(targets, args, lambda: load_run(
        targets, args, "W5", f"HTTP/1.1 over TLS 1.3 keep-alive, {len(BODY)}-byte answer",
        Wrk(args.connections, "https")))


def w6t(targets, args):
    return tls_run(targets, args, lambda: load_run(
        targets, args, "W6t", "a new TLS 1.3 connection per request (full handshake, "
        f"ECDSA P-256, X25519, no session offered), HTTP/1.0 GET of a {len(BODY)}-byte "
        "answer", STime(args.handshake_clients), unit="conn"))


def w7t(targets, args):
    return tls_run(targets, args, lambda: idle_run(
        targets, args, "W7t", args.idle_tls_connections,
        "idle TLS 1.3 connections (full handshake, one HTTP/1.1 request each)",
        open_idle_tls_connections, count_open_tls))


# ---------------------------------------------------------------------------------------

def first_line(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        text = (r.stdout + r.stderr).strip()
        return text.splitlines()[0] if text else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "not available"


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


SERVER_NAMES = ("ringwall", "nginx", "nginx-sendfile-off", "haproxy", "h2o")


def main():
    parser = argparse.ArgumentParser(
        description="End-to-end W1 and W3 (CPU µs per request, direct and proxied), W1f and "
                    "W2 (CPU per small file request and per MiB of a large file), W7 (KiB "
                    "per idle connection) and over TLS 1.3 W4 (HTTP/2), W5 (HTTP/1.1), W6t "
                    "(CPU per full handshake) and W7t (KiB per idle TLS connection) for "
                    "Ringwall, nginx, HAProxy and h2o; see bench/README.md.")
    parser.add_argument("--ringwall", default=DEFAULT_RINGWALL, help="ringwall binary")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8,
                        help="seconds per measured wrk, h2load or s_time run")
    parser.add_argument("--warmup", type=int, default=2,
                        help="warm-up seconds before each measured run")
    parser.add_argument("--connections", type=int, default=64,
                        help="W1, W3, W1f and W5 wrk connections")
    parser.add_argument("--w2-connections", type=int, default=16, help="W2 wrk connections")
    parser.add_argument("--h2-connections", type=int, default=16, help="W4 h2load -c")
    parser.add_argument("--h2-streams", type=int, default=32,
                        help="W4 h2load -m (concurrent streams per connection)")
    parser.add_argument("--handshake-clients", type=int, default=2,
                        help="W6t: concurrent openssl s_time processes (all on CPU 1)")
    parser.add_argument("--idle-connections", type=int, default=8000, help="W7 connections")
    parser.add_argument("--idle-tls-connections", type=int, default=4000,
                        help="W7t connections")
    parser.add_argument("--only", metavar="W[,W...]",
                        help="run only these workloads (comma-separated) of "
                             + ",".join(ALL_WORKLOADS) + "; `tls` stands for "
                             + ",".join(TLS_WORKLOADS))
    parser.add_argument("--backend", default=os.path.join(REPO_ROOT, "build", "release", "bench",
                                                          "minimal_backend"),
                        help="W3 backend (bench/minimal_backend.c)")
    parser.add_argument("--h2o", default=shutil.which("h2o") or "/usr/bin/h2o",
                        help="h2o binary (Debian's h2o package)")
    parser.add_argument("--servers", default=",".join(SERVER_NAMES),
                        help="comma-separated subset of " + ",".join(SERVER_NAMES) +
                             "; each workload runs those that can serve it")
    args = parser.parse_args()

    nofile = raise_nofile()
    try:
        os.sched_setaffinity(0, {int(CLIENT_CPU)})  # keep this script off the server's CPU
    except OSError:
        pass

    log("# Ringwall end-to-end benchmark")
    log(f"- command: {shlex.join([sys.executable] + sys.argv)}")
    log(f"- date: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}")
    log(f"- kernel: {platform.uname().system} {platform.uname().release} "
        f"{platform.uname().machine}")
    log(f"- CPU: {cpu_model()}, {os.cpu_count()} CPUs; server on CPU {SERVER_CPU}, "
        f"the load generator and this script on CPU {CLIENT_CPU}")
    log(f"- wrk: {first_line(['wrk', '-v'])}")
    log(f"- h2load: {first_line(['h2load', '--version'])}")
    log(f"- openssl: {first_line(['openssl', 'version'])}")
    log(f"- nginx: {first_line(['/usr/sbin/nginx', '-v'])}")
    log(f"- haproxy: {first_line(['/usr/sbin/haproxy', '-v'])}")
    log(f"- h2o: {first_line([args.h2o, '--version'])}")
    log(f"- RLIMIT_NOFILE: {nofile}")

    wanted = [s.strip() for s in args.servers.split(",") if s.strip()]
    targets = []
    for name in wanted:
        if name == "ringwall":
            if os.access(args.ringwall, os.X_OK):
                log(f"- ringwall: {args.ringwall}: {first_line([args.ringwall, '-V'])}")
                targets.append(Ringwall(nofile, os.path.abspath(args.ringwall)))
            else:
                log(f"- ringwall: {args.ringwall} not found: running the peers only")
        elif name == "nginx":
            targets.append(Nginx(nofile))
        elif name == "nginx-sendfile-off":
            targets.append(NginxSendfileOff(nofile))
        elif name == "haproxy":
            targets.append(Haproxy(nofile))
        elif name == "h2o":
            if os.access(args.h2o, os.X_OK):
                targets.append(H2o(nofile, args.h2o))
            else:
                log(f"- h2o: {args.h2o} not found (apt-get install h2o): left out")
        else:
            parser.error(f"unknown server {name!r}")
    if not targets:
        parser.error("no server to benchmark")
    chosen = list(ALL_WORKLOADS)
    if args.only:
        named = set()
        for w in (x.strip() for x in args.only.split(",") if x.strip()):
            if w.lower() == "tls":
                named.update(TLS_WORKLOADS)
            elif w in ALL_WORKLOADS:
                named.add(w)
            else:
                parser.error(f"--only: unknown workload {w!r} (choose from "
                             f"{', '.join(ALL_WORKLOADS)} or tls)")
        chosen = [w for w in ALL_WORKLOADS if w in named]
    missing = {w: TOOLS[w] for w in chosen if w in TOOLS and not shutil.which(TOOLS[w])}
    if args.only and missing:
        parser.error("not installed: " + ", ".join(
            f"{tool} (for {w})" for w, tool in missing.items()))

    args.tls = None
    if any(w in TLS_WORKLOADS and w not in missing for w in chosen):
        if not shutil.which("openssl"):
            parser.error("the TLS workloads need the openssl command to make a certificate")
        args.tls = TlsFiles()
        log(f"- TLS: TLS 1.3 only, a self-signed ECDSA P-256 certificate made for this run in "
            f"{args.tls.dir} (removed at the end)")

    runs = {"W1": w1, "W3": w3, "W1f": w1f, "W2": w2, "W7": w7, "W4": w4, "W5": w5,
            "W6t": w6t, "W7t": w7t}
    try:
        for workload in chosen:
            if workload in missing:
                log(f"\n## {workload} skipped: {missing[workload]} is not installed")
                continue
            serving = [t for t in targets if workload in t.workloads]
            if serving:
                runs[workload](serving, args)
            else:
                log(f"\n## {workload} skipped: none of the chosen servers serves it")
    finally:
        if args.tls:
            args.tls.remove()


if __name__ == "__main__":
    main()
