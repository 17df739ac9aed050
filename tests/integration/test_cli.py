#!/usr/bin/env python3
# tests/integration/test_cli.py: the command line: -t, -T, -V, and running without -c.
#
# -t on a good file succeeds with nginx's wording; on a bad file it exits 1 with one
# "file:line:col: key.path: message" line per error, in file order, with a "did you mean"
# for a misspelled key. -T prints TOML with every default filled in, which -t accepts and
# which -T reproduces. -V names the version and the io_uring features. NOTIFY_SOCKET gets
# READY=1. Without -c the bundled default serves 127.0.0.1:8080 (skipped when that port
# is busy).

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Server, make_config  # noqa: E402

SYNTAX_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")
DIAG_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<key>[^:\s]+): (?P<msg>.+)$")

# Each expected error: (line, key path, column of the key, column of the value, about).
BAD_CONFIG = """\
workers = 1

[limits]
max_fields = "many"
max_body_size = "1.5MiB"

[timeouts]
keepalve = "5s"
header = "10"

[[listeners]]
address = "127.0.0.1:0"

[[routes]]
name = "r"
path = "/"
[routes.respond]
status = 999
body = "x"
"""
BAD_EXPECTED = [
    (4, "limits.max_fields", 1, 14, "a string where an integer belongs"),
    (5, "limits.max_body_size", 1, 17, "a fractional size"),
    (8, "timeouts.keepalve", 1, 12, "a misspelled key"),
    (9, "timeouts.header", 1, 10, "a duration without unit"),
    (18, "routes[0].respond.status", 1, 10, "a status out of range"),
]

SIZE_UNITS = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3, "KB": 1000,
              "MB": 1000 ** 2, "GB": 1000 ** 3}
DURATION_UNITS = {"h": 3600000, "m": 60000, "s": 1000, "ms": 1}

# Defaults from the contract: (table, key, kind, value) with sizes in bytes and durations
# in milliseconds, compared after parsing whatever unit -T chose to print.
DEFAULTS = [
    ("log", "error_log", "str", "stderr"),
    ("log", "access_log", "str", "off"),
    ("limits", "max_request_line", "size", 8 * 1024),
    ("limits", "max_field_size", "size", 8 * 1024),
    ("limits", "max_header_size", "size", 32 * 1024),
    ("limits", "max_fields", "int", 100),
    ("limits", "max_body_size", "size", 1024 * 1024),
    ("limits", "max_connections", "int", 16384),
    ("limits", "min_body_rate", "size", 1024),
    ("timeouts", "header", "duration", 10000),
    ("timeouts", "keepalive", "duration", 75000),
    ("timeouts", "body", "duration", 10000),
    ("timeouts", "send", "duration", 30000),
    ("timeouts", "shutdown", "duration", 5000),
    ("timeouts", "graceful_shutdown", "duration", 60000),
]


def parse_size(value):
    if isinstance(value, int):
        return value
    m = re.fullmatch(r"(\d+)([A-Za-z]*)", str(value))
    if not m or m.group(2) not in SIZE_UNITS and m.group(2) != "":
        return None
    return int(m.group(1)) * SIZE_UNITS.get(m.group(2), 1)


def parse_duration(value):
    parts = re.findall(r"(\d+)(ms|h|m|s)", str(value))
    if not parts or "".join(a + b for a, b in parts) != str(value):
        return None
    return sum(int(n) * DURATION_UNITS[u] for n, u in parts)


def normalise(kind, value):
    if kind == "size":
        return parse_size(value)
    if kind == "duration":
        return parse_duration(value)
    return value


def run_cli(binary, *args, timeout=10):
    r = subprocess.run([binary] + [str(a) for a in args], capture_output=True, text=True,
                       errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)
    return r.returncode, r.stdout, r.stderr


def check_t(t, binary, tmp):
    t.section("-t on a good file")
    good = os.path.join(tmp, "good.toml")
    with open(good, "w") as f:
        f.write(make_config())
    rc, out, err = run_cli(binary, "-t", "-c", good)
    t.equal(rc, 0, "-t good.toml exits 0")
    t.check(f"configuration file {good} test is successful" in out + err,
            f"prints 'configuration file {good} test is successful'", out + err)

    t.section("-t on a file with five errors")
    bad = os.path.join(tmp, "bad.toml")
    with open(bad, "w") as f:
        f.write(BAD_CONFIG)
    rc, out, err = run_cli(binary, "-t", "-c", bad)
    print("      stderr:\n" + "\n".join("        " + x for x in err.splitlines()))
    t.equal(rc, 1, "-t bad.toml exits 1")
    t.check("successful" not in out + err, "does not claim success")
    diags = [m for m in (DIAG_RE.match(x) for x in err.splitlines()) if m]
    t.equal(len(diags), len(BAD_EXPECTED), "one file:line:col line per error")
    t.check(all(m.group("file") == bad for m in diags), "every line names the file as given",
            str([m.group("file") for m in diags]))
    lines = [int(m.group("line")) for m in diags]
    t.equal(lines, sorted(lines), "errors in file order")
    for line, key, key_col, value_col, about in BAD_EXPECTED:
        found = [m for m in diags if m.group("key") == key]
        if not t.check(found, f"{about}: reported as {key}", err):
            continue
        m = found[0]
        t.equal(int(m.group("line")), line, f"{key}: line {line}")
        col = int(m.group("col"))
        t.check(col in (key_col, value_col),
                f"{key}: column {col} points at the key ({key_col}) or value ({value_col})")
    spell = [m for m in diags if m.group("key") == "timeouts.keepalve"]
    if spell:
        msg = spell[0].group("msg").lower()
        t.check("did you mean" in msg and "keepalive" in msg,
                "misspelled key gets 'did you mean \"keepalive\"'", spell[0].group(0))

    t.section("-t on a TOML syntax error and a missing file")
    broken = os.path.join(tmp, "broken.toml")
    with open(broken, "w") as f:
        f.write("workers = 1\n[limits\nmax_fields = 3\n")
    rc, out, err = run_cli(binary, "-t", "-c", broken)
    t.equal(rc, 1, "-t on a syntax error exits 1")
    # A syntax error has no key path: "file:line:col: message" is all there is to give.
    syntax = [m for m in (SYNTAX_RE.match(x) for x in err.splitlines()) if m]
    t.check(len(syntax) >= 1 and syntax[0].group("file") == broken
            and syntax[0].group("line") == "2", "syntax error reported as broken.toml:2:col: ...",
            err)
    missing = os.path.join(tmp, "missing.toml")
    rc, out, err = run_cli(binary, "-t", "-c", missing)
    t.equal(rc, 1, "-t on a missing file exits 1")
    t.check(missing in err, "the missing file is named on stderr", err)
    rc, out, err = run_cli(binary, "--no-such-option")
    t.check(rc != 0, f"an unknown option exits non-zero (got {rc})", out + err)


def check_big_t(t, binary, tmp):
    t.section("-T prints the effective configuration")
    good = os.path.join(tmp, "minimal.toml")
    with open(good, "w") as f:
        f.write('[[listeners]]\naddress = "127.0.0.1:0"\n')
    rc, out, err = run_cli(binary, "-T", "-c", good)
    t.equal(rc, 0, "-T minimal.toml exits 0")
    try:
        doc = tomllib.loads(out)
        t.check(True, "-T output is valid TOML")
    except tomllib.TOMLDecodeError as e:
        t.check(False, "-T output is valid TOML", f"{e}\n{out[:2000]}")
        return
    t.check("workers" in doc, "workers is printed", str(doc.keys()))
    for table, key, kind, want in DEFAULTS:
        got = doc.get(table, {}).get(key)
        t.check(got is not None and normalise(kind, got) == want,
                f"default {table}.{key} = {want} ({kind})", f"printed {got!r}")
    listeners = doc.get("listeners", [])
    t.check(len(listeners) == 1 and listeners[0].get("address") == "127.0.0.1:0",
            "the listener is printed", str(listeners))

    printed = os.path.join(tmp, "printed.toml")
    with open(printed, "w") as f:
        f.write(out)
    rc, out2, err2 = run_cli(binary, "-t", "-c", printed)
    t.equal(rc, 0, "-t accepts the -T output" + ("" if rc == 0 else f": {err2.strip()}"))
    rc, out3, _ = run_cli(binary, "-T", "-c", printed)
    try:
        t.check(rc == 0 and tomllib.loads(out3) == doc, "-T of the -T output is the same")
    except tomllib.TOMLDecodeError as e:
        t.check(False, "-T of the -T output is the same", str(e))

    t.section("-T with routes and non-default values round-trips")
    full = os.path.join(tmp, "full.toml")
    with open(full, "w") as f:
        f.write(make_config(routes=[harness.route("r1", "hi\n", hosts=["a.example"],
                                                  path="/x", methods=["GET"],
                                                  headers={"content-type": "text/plain"})],
                            limits={"max_fields": 7, "max_body_size": "3MiB"},
                            timeouts={"keepalive": "1m30s"}))
    rc, out, err = run_cli(binary, "-T", "-c", full)
    try:
        doc = tomllib.loads(out)
        r = doc.get("routes", [{}])[0]
        t.check(rc == 0 and doc["limits"]["max_fields"] == 7
                and parse_size(doc["limits"]["max_body_size"]) == 3 * 1024 * 1024
                and parse_duration(doc["timeouts"]["keepalive"]) == 90000
                and r.get("hosts") == ["a.example"] and r.get("path") == "/x"
                and r.get("methods") == ["GET"] and r.get("respond", {}).get("body") == "hi\n",
                "-T keeps the values and the route as given", out[:2000])
    except (tomllib.TOMLDecodeError, KeyError, IndexError) as e:
        t.check(False, "-T keeps the values and the route as given", f"{e!r}\n{out[:2000]}")

    rc, out, err = run_cli(binary, "-T")
    try:
        doc = tomllib.loads(out)
        t.check(rc == 0 and any(x.get("address") == "127.0.0.1:8080"
                                for x in doc.get("listeners", [])),
                "-T without -c prints the bundled default with 127.0.0.1:8080", out[:1000])
    except tomllib.TOMLDecodeError as e:
        t.check(False, "-T without -c prints valid TOML", f"{e}\n{out[:1000]}")


def check_big_v(t, binary):
    t.section("-V prints the version and the io_uring features")
    rc, out, err = run_cli(binary, "-V")
    text = out + err
    print("      " + "\n      ".join(text.splitlines()))
    t.equal(rc, 0, "-V exits 0")
    t.check(re.search(r"\b\d+\.\d+\.\d+\b", text), "-V prints a version number")
    t.check("io_uring" in text.lower(), "-V mentions io_uring")


def check_default_run(t, binary):
    t.section("running without -c serves the bundled default on 127.0.0.1:8080")
    if not harness.port_is_free(8080):
        t.skip("default run", "127.0.0.1:8080 is busy")
        return
    with Server(args=[], binary=binary) as server:
        t.equal(server.port, 8080, "listens on 8080")
        r = harness.curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:8080/")
        t.check(r.returncode == 0 and re.fullmatch(r"[1-5]\d\d", r.stdout.strip()),
                f"answers HTTP (status {r.stdout.strip()})", r.stderr)
        t.equal(server.stop(signal.SIGTERM), 0, "exits 0 on SIGTERM")


def check_notify(t, binary, tmp):
    t.section("NOTIFY_SOCKET: READY=1 once the listeners are up")
    path = os.path.join(tmp, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.bind(path)
        sock.settimeout(10.0)
        server = Server(make_config(), binary=binary, env={"NOTIFY_SOCKET": path})
        with server:
            messages = []
            deadline = time.monotonic() + 10.0
            while time.monotonic() < deadline and not any("READY=1" in m for m in messages):
                try:
                    messages.append(sock.recv(4096).decode("utf-8", "replace"))
                except socket.timeout:
                    break
            t.check(any("READY=1" in m.split("\n") for m in messages),
                    "READY=1 arrives on NOTIFY_SOCKET", repr(messages))
            t.equal(server.stop(), 0, "exits 0 on SIGTERM")
    finally:
        sock.close()


def main(t):
    binary = harness.binary_path()
    with tempfile.TemporaryDirectory(prefix="ringwall-cli-") as tmp:
        check_t(t, binary, tmp)
        check_big_t(t, binary, tmp)
        check_notify(t, binary, tmp)
    check_big_v(t, binary)
    check_default_run(t, binary)
    if t.skipped and not t.failures:
        t.summary()
        raise harness.Skip("127.0.0.1:8080 busy; every other check passed")


if __name__ == "__main__":
    harness.run(main)
