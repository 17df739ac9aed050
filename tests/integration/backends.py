# tests/integration/backends.py: tests/backend/backend.py processes for the proxy tests.

import json
import os
import re
import subprocess
import sys
import time

import harness
from harness import Conn, request

BACKEND = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "backend", "backend.py")


class Backend:
    """One backend.py process, on an ephemeral port or a given one; killed by its pid.

    capture_dir: where the backend records requests and looks for its health file.
    """

    def __init__(self, name, port=0, capture_dir=None, timeout=10.0, extra_args=()):
        self.name = name
        self.capture_dir = capture_dir
        argv = [sys.executable, BACKEND, "--port", str(port), "--name", name, *extra_args]
        if capture_dir:
            argv += ["--capture-dir", capture_dir]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + timeout
        lines = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()  # the backend prints the line at once or exits
            if not line:
                break
            lines.append(line)
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                return
        self.kill()
        raise harness.HarnessError(f"backend {name} (port {port}) did not start: {lines!r}")

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    @property
    def health_file(self):
        return os.path.join(self.capture_dir, f"{self.name}.unhealthy")

    def set_healthy(self, healthy):
        """/health answers 503 while the health file exists."""
        if healthy:
            if os.path.exists(self.health_file):
                os.unlink(self.health_file)
        else:
            with open(self.health_file, "w"):
                pass

    def stats(self):
        with Conn(self.port) as c:
            c.send(request("GET", "/stats"))
            return json.loads(c.read_response().body)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False
