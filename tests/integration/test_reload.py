#!/usr/bin/env python3
# tests/integration/test_reload.py: SIGHUP reloads under load lose no request.
#
# 20 reloads, alternating the answer body between "A" and "B", two of them with a broken
# file (a TOML syntax error, then an invalid value) that must log "reload failed" and keep
# the previous configuration. Meanwhile keep-alive clients (Python threads checking every
# body, plus wrk when it is installed, with a bounded -d) hammer the server: no request may
# fail and none may get a non-2xx answer. After each good reload a new connection must see
# the new body. Last, SIGUSR1 must reopen the access log after it was renamed away.

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, make_config, request, route  # noqa: E402

RELOADS = 20
BROKEN = {7: "syntax", 14: "invalid value"}  # reload index -> kind of broken file
CLIENT_THREADS = 3
LOAD_LIMIT = 60.0  # seconds: hard bound on every load loop


def config_for(body):
    return make_config(routes=[route("r", body, path_prefix="/",
                                     headers={"content-type": "text/plain"})])


def broken_config(kind):
    if kind == "syntax":
        return config_for("C") + "\n[[routes]\nname = \n"
    return config_for("C").replace("status = 200", "status = 999")


class Client(threading.Thread):
    """Keep-alive GETs in a loop until told to stop; records every failure."""

    def __init__(self, port, stop):
        super().__init__(daemon=True)
        self.port = port
        self.stop = stop
        self.requests = 0
        self.reconnects = 0
        self.failures = []
        self.bodies = set()

    def run(self):
        deadline = time.monotonic() + LOAD_LIMIT
        conn = None
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                if conn is None:
                    conn = Conn(self.port)
                conn.send(request("GET", "/"))
                r = conn.read_response(5.0)
                self.requests += 1
                self.bodies.add(r.body)
                if r.status // 100 != 2:
                    self.failures.append(f"status {r.status}")
                if r.closes:
                    conn.close()
                    conn = None
                    self.reconnects += 1
            except (harness.HarnessError, OSError) as e:
                self.failures.append(f"{type(e).__name__}: {e}")
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.05)
            if len(self.failures) > 50:
                break
        if conn is not None:
            conn.close()


def body_of_new_connection(port):
    with Conn(port) as c:
        c.send(request("GET", "/", headers=[("Connection", "close")]))
        return c.read_response(3.0).body


def wait_for_body(port, want, bound=1.0):
    """(body seen, attempts): new connections until one sees `want` or `bound` passes."""
    deadline = time.monotonic() + bound
    attempts = 0
    body = None
    while True:
        attempts += 1
        body = body_of_new_connection(port)
        if body == want or time.monotonic() > deadline:
            return body, attempts
        time.sleep(0.05)


def parse_wrk(text):
    out = {"requests": 0, "non2xx": 0, "socket_errors": ""}
    for line in text.splitlines():
        s = line.strip()
        if " requests in " in s:
            out["requests"] = int(s.split()[0])
        elif s.startswith("Non-2xx or 3xx responses:"):
            out["non2xx"] = int(s.split(":")[1])
        elif s.startswith("Socket errors:"):
            out["socket_errors"] = s
    return out


def usr1_reopen(t):
    t.section("SIGUSR1 reopens the log files")
    server = Server(config_for("A"))
    access = os.path.join(server.dir, "access.log")
    server.write_config(make_config(routes=[route("r", "A", path_prefix="/")],
                                    log={"access_log": access}))
    with server.start():
        port = server.port
        body_of_new_connection(port)
        rotated = access + ".1"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (os.path.exists(access)
                                                   and os.path.getsize(access) > 0):
            time.sleep(0.1)
        t.check(os.path.exists(access) and os.path.getsize(access) > 0,
                "access log written to the configured path")
        if not os.path.exists(access):
            return
        os.rename(access, rotated)
        server.send_signal(signal.SIGUSR1)
        reopened = False
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not reopened:  # bounded: 5 s of requests
            body_of_new_connection(port)
            time.sleep(0.1)
            reopened = os.path.exists(access) and os.path.getsize(access) > 0
        t.check(reopened, "after SIGUSR1 new lines go to a new file at the configured path",
                server.log_tail(5))
        t.check(server.is_running(), "server still running after SIGUSR1")
        t.equal(server.stop(), 0, "server exits 0 on SIGTERM")


def main(t):
    server = Server(config_for("A")).start()
    port = server.port
    print(f"ringwall pid {server.pid} on 127.0.0.1:{port}")
    t.equal(body_of_new_connection(port), b"A", "initial body is A")

    wrk = None
    wrk_seconds = 12
    if shutil.which("wrk"):
        wrk = subprocess.Popen(["wrk", "-t1", "-c8", f"-d{wrk_seconds}s", "--timeout", "5s",
                                f"http://127.0.0.1:{port}/"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(f"wrk pid {wrk.pid}: -t1 -c8 -d{wrk_seconds}s")
    else:
        print("wrk not installed: Python clients only")
    stop = threading.Event()
    clients = [Client(port, stop) for _ in range(CLIENT_THREADS)]
    for c in clients:
        c.start()

    try:
        time.sleep(0.5)
        body = b"A"
        for i in range(RELOADS):
            mark = server.log_count()
            if i in BROKEN:
                kind = BROKEN[i]
                server.write_config(broken_config(kind))
                server.send_signal(signal.SIGHUP)
                hit = server.wait_log(r"\[error\] reload failed", 5.0, mark)
                t.check(hit is not None, f"reload {i + 1}: broken file ({kind}) logs "
                        "'[error] reload failed'", server.log_tail(5))
                if hit:
                    print(f"      log: {server.lines[hit[0]]}")
                t.equal(body_of_new_connection(port), body,
                        f"reload {i + 1}: old config ({body.decode()}) still served")
            else:
                body = b"B" if body == b"A" else b"A"
                server.write_config(config_for(body.decode()))
                server.send_signal(signal.SIGHUP)
                hit = server.wait_log(r"\[info\] configuration reloaded", 5.0, mark)
                t.check(hit is not None, f"reload {i + 1}: logs '[info] configuration reloaded'",
                        server.log_tail(5))
                seen, attempts = wait_for_body(port, body)
                t.check(seen == body, f"reload {i + 1}: new connections see body "
                        f"{body.decode()}" + (f" (after {attempts} tries)" if attempts > 1 else ""),
                        f"got {seen!r}")
            time.sleep(0.25)
    finally:
        if wrk is not None:
            try:
                wrk_out, _ = wrk.communicate(timeout=wrk_seconds + 15)
            except subprocess.TimeoutExpired:
                wrk.kill()
                wrk_out, _ = wrk.communicate()
        stop.set()
        for c in clients:
            c.join(timeout=10)

    t.section("load results")
    total = sum(c.requests for c in clients)
    failures = [f for c in clients for f in c.failures]
    bodies = set().union(*(c.bodies for c in clients))
    print(f"python clients: {total} requests, {sum(c.reconnects for c in clients)} "
          f"server-announced closes, bodies seen {sorted(bodies)}")
    t.check(total > 0, "python clients made requests")
    t.equal(len(failures), 0, "python clients: zero failed requests")
    for f in failures[:10]:
        print(f"      {f}")
    t.check(bodies <= {b"A", b"B"}, "only bodies A and B were ever served", str(bodies))
    if wrk is not None:
        print(wrk_out)
        w = parse_wrk(wrk_out)
        t.check(w["requests"] > 0, f"wrk made {w['requests']} requests")
        t.equal(w["non2xx"], 0, "wrk: zero non-2xx responses")
        t.equal(w["socket_errors"], "", "wrk: zero socket errors")
    t.check(server.is_running(), "server still running after the reloads", server.log_tail())
    t.equal(server.stop(timeout=15), 0, "server exits 0 on SIGTERM")
    usr1_reopen(t)


if __name__ == "__main__":
    harness.run(main)
