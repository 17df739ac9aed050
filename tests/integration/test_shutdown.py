#!/usr/bin/env python3
# tests/integration/test_shutdown.py: graceful (SIGQUIT) and bounded (SIGTERM/SIGINT) exits.
#
# SIGQUIT: listeners close at once (new connections refused), idle keep-alive connections
# are closed, requests in flight (head sent, body pending) still complete with a whole
# response, then the process exits 0.
# SIGTERM: the same drain, but cut at timeouts.shutdown: a request that never completes
# holds the exit until that deadline and no longer. SIGINT behaves like SIGTERM.

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, make_config, request, route  # noqa: E402

BODY = "drained response body\n"
HEAD = b"POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n"


def config(**timeouts):
    return make_config(routes=[route("r", BODY, path_prefix="/")], timeouts=timeouts or None)


def open_keepalive(port):
    c = Conn(port)
    c.send(request("GET", "/"))
    c.read_response()
    return c


def wait_refused(port, bound):
    """Seconds until a connect to `port` is refused, or None if not within `bound`."""
    start = time.monotonic()
    while time.monotonic() - start < bound:
        if harness.connect_refused(port):
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def sigquit(t):
    t.section("SIGQUIT: graceful drain of in-flight requests")
    with Server(config()) as server:
        port = server.port
        inflight = []
        idle = None
        try:
            for _ in range(3):
                c = open_keepalive(port)
                c.send(HEAD + b"12345")
                inflight.append(c)
            idle = open_keepalive(port)
            time.sleep(0.3)
            server.send_signal(signal.SIGQUIT)
            start = time.monotonic()
            refused = wait_refused(port, 2.0)
            t.check(refused is not None, "new connections refused after SIGQUIT"
                    + (f" (after {refused:.2f}s)" if refused is not None else ""),
                    "connect still accepted 2 s after SIGQUIT")
            t.check(idle.wait_closed(2.0), "idle keep-alive connection closed by the drain")
            t.check(server.is_running(), "server waits for the in-flight requests")
            time.sleep(max(0.0, 0.5 - (time.monotonic() - start)))
            for i, c in enumerate(inflight):
                if not c.try_send(b"67890"):
                    t.check(False, f"in-flight request {i + 1}: rest of body sent",
                            "connection was closed before the body was complete")
                    continue
                try:
                    r = c.read_response(5.0, method="POST")
                    t.check(r.status == 200 and r.body == BODY.encode(),
                            f"in-flight request {i + 1}: complete response after SIGQUIT",
                            repr(r))
                    t.check(r.closes, f"in-flight request {i + 1}: response says "
                            "Connection: close", str(r.headers))
                    t.check(c.wait_closed(2.0), f"in-flight request {i + 1}: then closed")
                except harness.HarnessError as e:
                    t.check(False, f"in-flight request {i + 1}: complete response after "
                            "SIGQUIT", str(e))
            status = server.wait_exit(5.0)
            elapsed = time.monotonic() - start
            t.check(status == 0, f"server exits 0 after the drain ({elapsed:.2f}s after "
                    "SIGQUIT)", f"exit status {status}\n" + server.log_tail())
        finally:
            for c in inflight + ([idle] if idle else []):
                c.close()


def sigterm(t):
    t.section("SIGTERM with timeouts.shutdown = 2s: drain, then cut at the deadline")
    deadline = 2.0
    with Server(config(shutdown="2s")) as server:
        port = server.port
        finishing = open_keepalive(port)
        stuck = open_keepalive(port)
        idle = open_keepalive(port)
        try:
            finishing.send(HEAD + b"12345")
            stuck.send(HEAD + b"12345")
            time.sleep(0.3)
            server.send_signal(signal.SIGTERM)
            start = time.monotonic()
            refused = wait_refused(port, 1.5)
            t.check(refused is not None, "new connections refused after SIGTERM")
            t.check(idle.wait_closed(1.5), "idle keep-alive connection closed at once")
            time.sleep(0.2)
            if finishing.try_send(b"67890"):
                try:
                    r = finishing.read_response(2.0, method="POST")
                    t.check(r.status == 200 and r.body == BODY.encode(),
                            "request completed before the deadline gets its response", repr(r))
                except harness.HarnessError as e:
                    t.check(False, "request completed before the deadline gets its response",
                            str(e))
            else:
                t.check(False, "request completed before the deadline gets its response",
                        "connection closed before the rest of the body could be sent")
            status = server.wait_exit(deadline + 3.0)
            elapsed = time.monotonic() - start
            t.check(status == 0, f"server exits 0 ({elapsed:.2f}s after SIGTERM)",
                    f"exit status {status}\n" + server.log_tail())
            t.check(deadline * 0.5 <= elapsed <= deadline + 3.0,
                    f"exit held by the stuck request until about the {deadline:.0f}s deadline "
                    f"(took {elapsed:.2f}s)")
            t.check(stuck.wait_closed(1.0), "stuck connection closed when the server exits")
        finally:
            for c in (finishing, stuck, idle):
                c.close()


def quick_exits(t):
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM):
        name = signal.Signals(sig).name
        t.section(f"{name} with no connections: prompt exit")
        with Server(config()) as server:
            start = time.monotonic()
            server.send_signal(sig)
            status = server.wait_exit(3.0)
            elapsed = time.monotonic() - start
            t.check(status == 0, f"{name}: exit 0 within 3 s (took {elapsed:.2f}s)",
                    f"exit status {status}\n" + server.log_tail())


def main(t):
    for fn in (sigquit, sigterm, quick_exits):
        try:
            fn(t)
        except harness.HarnessError as e:
            t.check(False, f"{fn.__name__} ran to the end", str(e))


if __name__ == "__main__":
    harness.run(main)
