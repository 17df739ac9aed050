#!/usr/bin/env python3
# tests/integration/test_uring_unavailable.py: where io_uring is blocked (as a container's
# seccomp profile does), Ringwall exits non-zero with a message naming the cause and the fix.
#
# The real binary is started under a seccomp filter that fails io_uring_setup with ENOSYS
# (Docker's default profile) or EPERM; Debian's python3-seccomp loads the filter.

import errno
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Server, make_config  # noqa: E402

SYSTEM_PYTHON = "/usr/bin/python3"
LAUNCHER = """
import os, sys, seccomp
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
f.add_rule(seccomp.ERRNO(int(sys.argv[1])), "io_uring_setup")
f.load()
os.execv(sys.argv[2], sys.argv[2:])
"""


def has_seccomp():
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import seccomp"], capture_output=True)
    return probe.returncode == 0


def main(t):
    if not has_seccomp():
        raise harness.Skip("Debian's python3-seccomp is not installed")
    server = Server(make_config())  # only for its temporary config file
    binary = harness.binary_path()
    for code, name, hint in ((errno.ENOSYS, "ENOSYS", "seccomp"), (errno.EPERM, "EPERM", "io_uring")):
        t.section(f"io_uring_setup fails with {name}")
        proc = subprocess.run([SYSTEM_PYTHON, "-c", LAUNCHER, str(code), binary, "-c", server.config_path],
                              capture_output=True, text=True, timeout=20)
        t.check(proc.returncode != 0, "exits non-zero", proc.returncode)
        err = proc.stderr
        t.check("io_uring is unavailable" in err, "says io_uring is unavailable", err[-400:])
        t.check(hint in err, f"names the cause ({hint})", err[-400:])
        t.check(os.strerror(code) in err, "keeps the system's reason for reference", err[-400:])
    server.tmpdir.cleanup()


if __name__ == "__main__":
    harness.run(main)
