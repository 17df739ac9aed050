#!/usr/bin/env python3
# bench/run-bench.py: end-to-end W1, W3, W1f, W2 and W7 (shared/BENCHMARKING.md): Ringwall
# beside nginx, HAProxy and h2o on loopback, servers pinned to CPU 0, the load generator on
# CPU 1.
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
import statistics
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_RINGWALL = os.path.join(REPO_ROOT, "build", "release", "src", "ringwall")
BODY = ("0123456789abcdefghijklmnopqrstuvwxyz" * 3)[:100]  # 100 bytes, no escaping needed
# W1f and W2 files, in one directory that every server serves (see file_docroot).
SMALL_FILE = ("small-100B.bin", 100)
LARGE_FILE = ("large-1MiB.bin", 1024 * 1024)
MIB = 1024 * 1024
FILE_WORKLOADS = ("W1f", "W2")
ALL_WORKLOADS = ("W1", "W3", "W1f", "W2", "W7")
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

    def __init__(self, nofile):
        self.nofile = nofile
        self.upstream = None  # W3: port of the backend to proxy to, instead of answering
        self.docroot = None  # W1f, W2: directory to serve files from, instead of answering
        self.path = "/"  # what the readiness probe and wrk request
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
                    status, body = http_get(self.port, self.path)
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

""" + self.route())

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
        listen 127.0.0.1:{self.port};
        location / {{
            {self.location()}
        }}
    }}
    {self.upstream_block()}
}}
""")

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
    workloads = ("W1", "W3", "W7")  # not a file server

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
    bind 127.0.0.1:{self.port}
""" + (f"""    default_backend backend

backend backend
    http-reuse always
    server b1 127.0.0.1:{self.upstream}
""" if self.upstream else f"""    http-request return status 200 content-type text/plain string "{BODY}"
"""))

    def command(self):
        return ["/usr/sbin/haproxy", "-db", "-f", self.conf]


class H2o(Target):
    """h2o 2.2 as a file server (file.dir), one worker thread, no access log."""

    name = "h2o"
    workloads = FILE_WORKLOADS

    def __init__(self, nofile, binary):
        super().__init__(nofile)
        self.binary = binary

    def write_config(self):
        # No access-log directive: h2o then writes none. Started as root, h2o switches to
        # "nobody" before serving (file_docroot makes the files world-readable) and before
        # it would write a pid-file, so none is configured: we have the PID.
        self.conf = os.path.join(self.tmp, "h2o.conf")
        with open(self.conf, "w") as f:
            f.write(f"""num-threads: 1
error-log: {self.tmp}/error.log
listen:
  host: 127.0.0.1
  port: {self.port}
hosts:
  default:
    paths:
      /:
        file.dir: {self.docroot}
""")

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


def http_get(port, path="/"):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(request_bytes(path))
        return read_response(s)


def run_wrk(port, seconds, connections, path="/"):
    """Runs wrk on CPU 1. Returns dict with requests, rps, errors and wrk's own CPU time."""
    argv = ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
            f"http://127.0.0.1:{port}{path}"]
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + seconds + 30
        status, usage = 0, None
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        else:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    result = {"text": text, "requests": 0, "rps": 0.0, "errors": "", "non2xx": 0,
              "client_cpu": usage.ru_utime + usage.ru_stime, "argv": argv}
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
        return load_run(targets, args, workload, what, connections, unit, unit_bytes)
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


def load_run(targets, args, workload, what, connections=None, unit="req", unit_bytes=None):
    """Interleaved wrk runs; the figure is server CPU µs per `unit`. With `unit_bytes`, a
    request counts as unit_bytes / MiB units (W2: MiB of file served), else as one."""
    connections = connections or args.connections
    per_request = unit_bytes / MIB if unit_bytes else 1.0
    rate = "req/s" if unit == "req" else f"{unit}/s"
    log(f"\n## {workload}: {what}, wrk -t1 -c{connections} "
        f"-d{args.duration}s after {args.warmup}s warm-up, {args.rounds} interleaved rounds\n")
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
            "| other CPU 0 % | wrk CPU % | errors |")
        log("|---|---|---|---|---|---|---|---|")
        for rnd in range(1, args.rounds + 1):
            for t in started:
                run_wrk(t.port, args.warmup, connections, t.path)
                busy0 = cpu_busy_seconds(SERVER_CPU)
                cpu0, wall0 = t.cpu_seconds(), time.monotonic()
                r = run_wrk(t.port, args.duration, connections, t.path)
                cpu1, wall1 = t.cpu_seconds(), time.monotonic()
                busy1 = cpu_busy_seconds(SERVER_CPU)
                # CPU 0 time not spent in the server: other jobs, or softirq work the
                # kernel charged to no task. High values make the run suspect.
                other = max(0.0, 100 * ((busy1 - busy0) - (cpu1 - cpu0)) / (wall1 - wall0))
                if not r["requests"]:
                    log(f"| {rnd} | {t.name} | wrk failed | | | | | |\n{r['text']}")
                    continue
                units = r["requests"] * per_request
                us = (cpu1 - cpu0) * 1e6 / units
                util = 100 * (cpu1 - cpu0) / (wall1 - wall0)
                client = 100 * r["client_cpu"] / (wall1 - wall0)
                errors = ", ".join(x for x in (r["errors"], f"non-2xx {r['non2xx']}"
                                               if r["non2xx"] else "") if x) or "none"
                throughput = r["rps"] * per_request
                results[t.name].append((throughput, us))
                others.append(other)
                log(f"| {rnd} | {t.name} | {throughput:,.0f} | {us:.2f} | {util:.0f} | "
                    f"{other:.0f} | {client:.0f} | {errors} |")
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
    n = args.idle_connections
    log(f"\n## W7: {n} idle keep-alive connections (one request each), RSS growth per "
        f"connection, {args.rounds} rounds\n")
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
                socks = open_idle_connections(t.port, n)
                opened = time.monotonic() - start
                time.sleep(1.0)
                after = t.rss_kib()
                alive = count_open(socks)
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

    log("\n### W7 summary (median KiB per idle connection; lower is better)\n")
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
                    "W2 (CPU per small file request and per MiB of a large file) and W7 (KiB "
                    "per idle connection) for Ringwall, nginx, HAProxy and h2o; see "
                    "bench/README.md.")
    parser.add_argument("--ringwall", default=DEFAULT_RINGWALL, help="ringwall binary")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2,
                        help="warm-up seconds before each wrk run")
    parser.add_argument("--connections", type=int, default=64,
                        help="W1, W3 and W1f wrk connections")
    parser.add_argument("--w2-connections", type=int, default=16, help="W2 wrk connections")
    parser.add_argument("--idle-connections", type=int, default=8000, help="W7 connections")
    parser.add_argument("--only", choices=list(ALL_WORKLOADS))
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
        f"wrk and this script on CPU {CLIENT_CPU}")
    log(f"- wrk: {first_line(['wrk', '-v'])}")
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
    if not shutil.which("wrk") and args.only != "W7":
        parser.error("wrk is not installed")

    runs = {"W1": w1, "W3": w3, "W1f": w1f, "W2": w2, "W7": w7}
    for workload in ALL_WORKLOADS:
        if args.only not in (None, workload):
            continue
        serving = [t for t in targets if workload in t.workloads]
        if serving:
            runs[workload](serving, args)
        else:
            log(f"\n## {workload} skipped: none of the chosen servers serves it")


if __name__ == "__main__":
    main()
