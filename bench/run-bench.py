#!/usr/bin/env python3
# bench/run-bench.py: end-to-end W1 and W7 (shared/BENCHMARKING.md): Ringwall beside nginx
# and HAProxy on loopback, servers pinned to CPU 0, the load generator on CPU 1.
#
# W1: HTTP/1.1 keep-alive GET of a 100-byte answer, `wrk -t1 -c64 -d8s` after a 2 s
#     warm-up, servers interleaved A B C A B C ... for --rounds rounds. The figure is server
#     CPU microseconds per request: the growth of utime+stime of the server's process tree
#     (/proc/PID/stat fields 14 and 15, which include every thread) over the requests wrk
#     completed.
# W7: 8,000 idle keep-alive connections (each sent one request and read its answer): growth
#     of the serving process's VmRSS per connection, in KiB.
#
# Every server runs from its own temporary directory with its own config on an ephemeral
# loopback port, and is stopped by the PID this script started. Timings are printed, never
# asserted.

import argparse
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

class Target:
    """One server under test: config in a temp dir, pinned to CPU 0, stopped by PID."""

    name = "?"

    def __init__(self, nofile):
        self.nofile = nofile
        self.upstream = None  # W3: port of the backend to proxy to, instead of answering
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
                    status, body = http_get(self.port)
                    if status == 200 and body == BODY.encode():
                        return
                    last = f"status {status}, body {body[:40]!r}"
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

""" + (f"""[[upstreams]]
name = "backend"
[[upstreams.backends]]
address = "127.0.0.1:{self.upstream}"
[upstreams.pool]
max_idle = 128

[[routes]]
name = "bench"
path_prefix = "/"
proxy = "backend"
""" if self.upstream else f"""[[routes]]
name = "bench"
path_prefix = "/"
[routes.respond]
status = 200
body = "{BODY}"
headers = {{ "content-type" = "text/plain" }}
"""))

    def command(self):
        return [self.binary, "-c", self.conf]

    def find_port(self):
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.output())
        if m:
            self.port = int(m.group(1))


class Nginx(Target):
    name = "nginx"

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
        return f'default_type text/plain; return 200 "{BODY}";'

    def upstream_block(self):
        if not self.upstream:
            return ""
        # keepalive: the idle pool the issue compares against (nginx's default is none).
        return f"upstream backend {{ server 127.0.0.1:{self.upstream}; keepalive 128; }}"

    def command(self):
        # master_process off: a single process that both accepts and serves.
        return ["/usr/sbin/nginx", "-p", self.tmp, "-e", f"{self.tmp}/error.log", "-c", self.conf,
                "-g", "daemon off; master_process off;"]


class Haproxy(Target):
    name = "haproxy"

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


# ---------------------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------------------

REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"


def read_response(sock):
    """Reads one response with a Content-Length body; returns (status, body)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("connection closed before the response head")
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    length = int(m.group(1)) if m else 0
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("connection closed inside the body")
        body += chunk
    return status, body


def http_get(port):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(REQUEST)
        return read_response(s)


def run_wrk(port, seconds, connections):
    """Runs wrk on CPU 1. Returns dict with requests, rps, errors and wrk's own CPU time."""
    argv = ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
            f"http://127.0.0.1:{port}/"]
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


def load_run(targets, args, workload, what):
    log(f"\n## {workload}: {what}, wrk -t1 -c{args.connections} "
        f"-d{args.duration}s after {args.warmup}s warm-up, {args.rounds} interleaved rounds\n")
    results = {t.name: [] for t in targets}
    others = []
    started = []
    try:
        for t in targets:
            started.append(t.start())
            log(f"started {t.name} pid {t.proc.pid} on 127.0.0.1:{t.port}: "
                f"{shlex.join(t.argv)}")
        log("\n| round | server | req/s | server CPU µs/req | server CPU % | other CPU 0 % "
            "| wrk CPU % | errors |")
        log("|---|---|---|---|---|---|---|---|")
        for rnd in range(1, args.rounds + 1):
            for t in targets:
                run_wrk(t.port, args.warmup, args.connections)
                busy0 = cpu_busy_seconds(SERVER_CPU)
                cpu0, wall0 = t.cpu_seconds(), time.monotonic()
                r = run_wrk(t.port, args.duration, args.connections)
                cpu1, wall1 = t.cpu_seconds(), time.monotonic()
                busy1 = cpu_busy_seconds(SERVER_CPU)
                # CPU 0 time not spent in the server: other jobs, or softirq work the
                # kernel charged to no task. High values make the run suspect.
                other = max(0.0, 100 * ((busy1 - busy0) - (cpu1 - cpu0)) / (wall1 - wall0))
                if not r["requests"]:
                    log(f"| {rnd} | {t.name} | wrk failed | | | | | |\n{r['text']}")
                    continue
                us = (cpu1 - cpu0) * 1e6 / r["requests"]
                util = 100 * (cpu1 - cpu0) / (wall1 - wall0)
                client = 100 * r["client_cpu"] / (wall1 - wall0)
                errors = ", ".join(x for x in (r["errors"], f"non-2xx {r['non2xx']}"
                                               if r["non2xx"] else "") if x) or "none"
                results[t.name].append((r["rps"], us))
                others.append(other)
                log(f"| {rnd} | {t.name} | {r['rps']:,.0f} | {us:.2f} | {util:.0f} | "
                    f"{other:.0f} | {client:.0f} | {errors} |")
    finally:
        for t in started:
            t.stop()

    log(f"\n### {workload} summary (median of rounds; lower µs/req is better)\n")
    if others and max(others) > 10:
        log(f"**warning:** up to {max(others):.0f}% of CPU 0 went to something other than the "
            "server under test (median {:.0f}%): another job was running, so these figures "
            "are suspect.\n".format(statistics.median(others)))
    log("| server | req/s (median) | CPU µs/req (median) | CPU µs/req (min–max) "
        "| ratio to Ringwall |")
    log("|---|---|---|---|---|")
    base = None
    if results.get("ringwall"):
        base = statistics.median(us for _, us in results["ringwall"])
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


def main():
    parser = argparse.ArgumentParser(
        description="End-to-end W1 and W3 (CPU µs per request, direct and proxied) and W7 "
                    "(KiB per idle connection) for Ringwall, nginx and HAProxy; see "
                    "bench/README.md.")
    parser.add_argument("--ringwall", default=DEFAULT_RINGWALL, help="ringwall binary")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="W1 seconds per run")
    parser.add_argument("--warmup", type=int, default=2, help="W1 warm-up seconds per run")
    parser.add_argument("--connections", type=int, default=64, help="W1 wrk connections")
    parser.add_argument("--idle-connections", type=int, default=8000, help="W7 connections")
    parser.add_argument("--only", choices=["W1", "W3", "W7"])
    parser.add_argument("--backend", default=os.path.join(REPO_ROOT, "build", "release", "bench",
                                                          "minimal_backend"),
                        help="W3 backend (bench/minimal_backend.c)")
    parser.add_argument("--servers", default="ringwall,nginx,haproxy",
                        help="comma-separated subset of ringwall,nginx,haproxy")
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
        elif name == "haproxy":
            targets.append(Haproxy(nofile))
        else:
            parser.error(f"unknown server {name!r}")
    if not targets:
        parser.error("no server to benchmark")
    if not shutil.which("wrk") and args.only != "W7":
        parser.error("wrk is not installed")

    if args.only in (None, "W1"):
        w1(targets, args)
    if args.only in (None, "W3"):
        w3(targets, args)
    if args.only in (None, "W7"):
        w7(targets, args)


if __name__ == "__main__":
    main()
