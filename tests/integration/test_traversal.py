#!/usr/bin/env python3
# tests/integration/test_traversal.py: request targets that try to leave a static root.
#
# Two secret files sit outside the root (one beside it, one in the directory above). Each
# target of the table goes out byte for byte on a raw socket (curl would normalize it):
# dot segments plain and percent-encoded, double encoding, encoded slashes, backslashes,
# NUL, control bytes, overlong UTF-8, merged slashes, absolute-form, long ".." chains and
# symbolic links inside the root that point outside it. Every answer must keep the secrets
# out, carry the expected status, and leave the server running. The same table also holds
# nginx's URI normalization expectations for targets that stay inside the root.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, parse_responses  # noqa: E402

MARK_BESIDE = b"SECRET-BESIDE-ROOT-7f3a9c1e"
MARK_ABOVE = b"SECRET-ABOVE-ROOT-b52d04aa"
PASSWD = b"root:x:0:0"

REJECT = {400}          # nginx answers 400 as well: ".." above the root, bad %-encoding
SAFE = {400, 404}       # refused either way; which one is the server's choice
MISSING = {404}         # a literal name that does not exist under the root

FILES = {
    "index.html": b"<h1>root index</h1>\n",
    "hello.txt": b"hello\n",
    "bar": b"top-level bar\n",
    "foo/bar": b"foo/bar content\n",
    "foo/baz": b"foo/baz content\n",
    "foo/index.html": b"<h1>foo index</h1>\n",
    "sub/inside.txt": b"inside the root\n",
}


def config(symlinks):
    return f"""
workers = 1
[log]
error_log = "stderr"
access_log = "off"
[files]
revalidate = "100ms"
[[listeners]]
address = "127.0.0.1:0"
[[routes]]
path_prefix = "/"
[routes.static]
root = "outer/www"
symlinks = "{symlinks}"
"""


def build_tree(base):
    """base/secret.txt, base/outer/secret.txt, the root base/outer/www and its links."""
    outer = os.path.join(base, "outer")
    www = os.path.join(outer, "www")
    for rel, data in FILES.items():
        path = os.path.join(www, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(os.path.join(outer, "secret.txt"), "wb") as f:
        f.write(MARK_BESIDE + b"\n")
    with open(os.path.join(base, "secret.txt"), "wb") as f:
        f.write(MARK_ABOVE + b"\n")
    links = {
        "abs_link.txt": os.path.join(outer, "secret.txt"),
        "rel_link.txt": "../secret.txt",
        "rel_link2.txt": "../../secret.txt",
        "dir_link": outer,
        "dir_link_rel": "..",
        "dir_link_rel2": "../..",
        "chain.txt": "rel_link.txt",
        "proc_link.txt": "/proc/self/root" + os.path.join(outer, "secret.txt"),
        "proc_cwd": "/proc/self/cwd",
        "etc_link": "/etc/passwd",
        "dangling.txt": "does-not-exist.txt",
        "loop_a": "loop_b",
        "loop_b": "loop_a",
        "inside_link.txt": "sub/inside.txt",
        "sub_link": "sub",
        "inside_abs_link.txt": os.path.join(www, "sub", "inside.txt"),
        "sub/up_inside.txt": "../hello.txt",
    }
    for name, target in links.items():
        os.symlink(target, os.path.join(www, name))
    os.mkfifo(os.path.join(www, "fifo"))
    return www


def deep(up, down):
    return b"/a" * down + b"/.." * up + b"/secret.txt"


# (target bytes, expected statuses, expected body or None, expected with symlinks = "deny"
# when it differs). A body is checked only on a 200.
INSIDE = {
    "hello": FILES["hello.txt"], "foo/bar": FILES["foo/bar"], "foo/baz": FILES["foo/baz"],
    "bar": FILES["bar"], "foo/": FILES["foo/index.html"], "/": FILES["index.html"],
    "inside": FILES["sub/inside.txt"],
}

TABLE = [
    # dot segments above the root, plain and percent-encoded
    (b"/../secret.txt", REJECT, None),
    (b"/../../secret.txt", REJECT, None),
    (b"/..", REJECT, None),
    (b"/../", REJECT, None),
    (b"/..?x=1", REJECT, None),
    (b"/%2e%2e/secret.txt", REJECT, None),
    (b"/%2E%2E/secret.txt", REJECT, None),
    (b"/%2E%2e/secret.txt", REJECT, None),
    (b"/%2e%2e", REJECT, None),
    (b"/%2E%2E/", REJECT, None),
    (b"/%2e%2e/%2e%2e/secret.txt", REJECT, None),
    (b"/.%2e/secret.txt", REJECT, None),
    (b"/%2e./secret.txt", REJECT, None),
    (b"/.%2E/.%2E/secret.txt", REJECT, None),
    (b"/%2e/%2e%2e/secret.txt", REJECT, None),
    (b"/foo/%2e%2e/%2e%2e/secret.txt", REJECT, None),
    (b"/%2e%2e/etc/passwd", REJECT, None),
    (b"/./../secret.txt", REJECT, None),
    (b"//../secret.txt", REJECT, None),
    (b"//..//secret.txt", REJECT, None),
    (b"/.//..//secret.txt", REJECT, None),
    (b"/foo/../../secret.txt", REJECT, None),
    (b"/foo/bar/../../../secret.txt", REJECT, None),
    (b"/a/b/../../../../secret.txt", REJECT, None),
    (b"/foo/../foo/../../secret.txt", REJECT, None),
    (b"/sub_link/../../secret.txt", REJECT, None),
    (deep(41, 40), REJECT, None),
    (b"/.." * 200 + b"/secret.txt", REJECT, None),
    (deep(40, 40), MISSING, None),  # lands on /secret.txt inside the root: not there
    # bad percent-encoding
    (b"/%%32%65%%32%65/secret.txt", REJECT, None),
    (b"/%u002e%u002e/secret.txt", REJECT, None),
    (b"/%2/secret.txt", REJECT, None),
    # decoded exactly once: double encoding is a literal name
    (b"/%252e%252e/secret.txt", MISSING, None),
    (b"/%252e%252e%252fsecret.txt", MISSING, None),
    (b"/..%252fsecret.txt", MISSING, None),
    (b"/%25%32%65%25%32%65/secret.txt", MISSING, None),
    # encoded slashes
    (b"/..%2fsecret.txt", SAFE, None),
    (b"/%2e%2e%2fsecret.txt", SAFE, None),
    (b"/%2e%2e%2Fsecret.txt", SAFE, None),
    (b"/.%2e%2fsecret.txt", SAFE, None),
    (b"/foo/..%2f..%2fsecret.txt", SAFE, None),
    (b"/foo%2f..%2f..%2fsecret.txt", SAFE, None),
    (b"/%2e%2e%2f%2e%2e%2fsecret.txt", SAFE, None),
    (b"/..%2f..%2f..%2fetc%2fpasswd", SAFE, None),
    (b"/%2f%2e%2e%2fsecret.txt", SAFE, None),
    # backslashes, raw and encoded
    (b"/..\\secret.txt", SAFE, None),
    (b"/..\\..\\secret.txt", SAFE, None),
    (b"/foo\\..\\..\\secret.txt", SAFE, None),
    (b"/%5c..%5csecret.txt", SAFE, None),
    (b"/..%5csecret.txt", SAFE, None),
    (b"/..%5c..%5csecret.txt", SAFE, None),
    (b"/%2e%2e%5csecret.txt", SAFE, None),
    (b"/..%5C..%5Csecret.txt", SAFE, None),
    # NUL and other control bytes, raw and encoded
    (b"/secret.txt\x00.html", REJECT, None),
    (b"/../secret.txt\x00", REJECT, None),
    (b"/secret.txt%00.html", SAFE, None),
    (b"/..%00/secret.txt", SAFE, None),
    (b"/%00../secret.txt", SAFE, None),
    (b"/.%00./secret.txt", SAFE, None),
    (b"/foo/bar%00/../../secret.txt", SAFE, None),
    (b"/..%09/secret.txt", SAFE, None),
    (b"/..%0d%0a/secret.txt", SAFE, None),
    (b"/..%7f/secret.txt", SAFE, None),
    # overlong and otherwise invalid UTF-8 for '.', '/' and '\'
    (b"/%c0%ae%c0%ae/secret.txt", SAFE, None),
    (b"/%C0%AE%C0%AE/secret.txt", SAFE, None),
    (b"/%e0%80%ae%e0%80%ae/secret.txt", SAFE, None),
    (b"/%f0%80%80%ae%f0%80%80%ae/secret.txt", SAFE, None),
    (b"/..%c0%afsecret.txt", SAFE, None),
    (b"/%c0%ae%c0%ae%c0%afsecret.txt", SAFE, None),
    (b"/..%e0%80%afsecret.txt", SAFE, None),
    (b"/..%c1%9csecret.txt", SAFE, None),
    (b"/..%c1%1csecret.txt", SAFE, None),
    (b"/%ed%a0%80/secret.txt", SAFE, None),
    (b"/\xc0\xae\xc0\xae/secret.txt", SAFE, None),
    # look-alikes that are plain names
    (b"/%ef%bc%8e%ef%bc%8e/secret.txt", MISSING, None),
    (b"/..%ef%bc%8fsecret.txt", MISSING, None),
    (b"/..;/secret.txt", MISSING, None),
    (b"/.../secret.txt", MISSING, None),
    (b"/..../secret.txt", MISSING, None),
    (b"/.../.../secret.txt", MISSING, None),
    (b"/secret.txt", MISSING, None),
    (b"/secret.txt?/../../secret.txt", MISSING, None),
    (b"/sub/inside.txt/../../secret.txt", MISSING, None),
    (b"/dir_link/../secret.txt", MISSING, None),
    # other request-target forms
    (b"http://a/../secret.txt", REJECT, None),
    (b"http://a/%2e%2e/secret.txt", REJECT, None),
    (b"http://a:80/../../secret.txt", REJECT, None),
    (b"http://a/..%2fsecret.txt", SAFE, None),
    (b"../secret.txt", REJECT, None),
    (b"secret.txt", REJECT, None),
    (b"*", SAFE, None),
    (b"/#/../secret.txt", SAFE, None),
    # symbolic links inside the root
    (b"/abs_link.txt", MISSING, None),
    (b"/rel_link.txt", MISSING, None),
    (b"/rel_link2.txt", MISSING, None),
    (b"/chain.txt", MISSING, None),
    (b"/proc_link.txt", MISSING, None),
    (b"/proc_cwd/secret.txt", MISSING, None),
    (b"/proc_cwd/outer/secret.txt", MISSING, None),
    (b"/etc_link", MISSING, None),
    (b"/dangling.txt", MISSING, None),
    (b"/loop_a", MISSING, None),
    (b"/dir_link", MISSING, None),
    (b"/dir_link/", MISSING, None),
    (b"/dir_link/secret.txt", MISSING, None),
    (b"/dir_link_rel/secret.txt", MISSING, None),
    (b"/dir_link_rel/www/hello.txt", MISSING, None),
    (b"/dir_link_rel2/secret.txt", MISSING, None),
    (b"/dir_link_rel2/outer/secret.txt", MISSING, None),
    (b"/fifo", MISSING, None),
    (b"/inside_link.txt", {200}, "inside", MISSING),
    (b"/sub_link/inside.txt", {200}, "inside", MISSING),
    (b"/sub/up_inside.txt", {200}, "hello", MISSING),
    # Absolute links are refused even when they point inside (RESOLVE_BENEATH; documented).
    (b"/inside_abs_link.txt", MISSING, None),
    # nginx's URI normalization for targets that stay inside
    (b"/foo/bar/../baz", {200}, "foo/baz"),
    (b"/foo/./bar", {200}, "foo/bar"),
    (b"/./foo/bar", {200}, "foo/bar"),
    (b"/foo//bar", {200}, "foo/bar"),
    (b"/foo///bar", {200}, "foo/bar"),
    (b"//foo/bar", {200}, "foo/bar"),
    (b"/foo/%2e/bar", {200}, "foo/bar"),
    (b"/foo/bar/%2e%2e/baz", {200}, "foo/baz"),
    (b"/foo/%2e%2e/bar", {200}, "bar"),
    (b"/foo/bar/..", {200}, "foo/"),
    (b"/foo/.", {200}, "foo/"),
    (b"/foo/bar/../", {200}, "foo/"),
    (b"/%66oo/%62ar", {200}, "foo/bar"),
    (b"/foo/bar/.", MISSING, None),  # "/foo/bar/": a file asked as a directory
    (b"/%2e", {200}, "/"),
    (b"/?../../secret.txt", {200}, "/"),
    (b"/../foo", REJECT, None),
    (b"/foo", {301}, None),
]


def send_target(port, target, timeout=5.0):
    """(status or None, all bytes received, how the connection ended)."""
    data = b"GET " + target + b" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    with Conn(port, timeout=timeout) as c:
        c.try_send(data)
        got, how = c.read_until_close(timeout)
    responses, _ = parse_responses(got)
    return (responses[0] if responses else None), got, how


def run_table(t, server, mode):
    t.section(f"{len(TABLE)} request targets, symlinks = \"{mode}\"")
    for entry in TABLE:
        target, want, body_key = entry[:3]
        if mode == "deny" and len(entry) > 3:
            want, body_key = entry[3], None
        r, got, how = send_target(server.port, target)
        status = r.status if r else None
        problems = []
        for mark in (MARK_BESIDE, MARK_ABOVE, PASSWD):
            if mark in got:
                problems.append(f"the response holds {mark.decode()}")
        if status not in want:
            problems.append(f"status {status}, want {'/'.join(map(str, sorted(want)))}")
        if r and status == 200 and body_key is not None and r.body != INSIDE[body_key]:
            problems.append(f"body {r.body[:60]!r}, want {INSIDE[body_key][:60]!r}")
        if how == "timeout":
            problems.append("connection still open 5s after a Connection: close request")
        t.check(not problems, f"{mode}: GET {target.decode('latin-1')!r} -> {status}"
                f" (want {'/'.join(map(str, sorted(want)))})",
                "; ".join(problems) + f"\n      received {got[:300]!r}")
    t.check(server.is_running(), f"{mode}: server still running after the table", server.log_tail())
    r, _, _ = send_target(server.port, b"/hello.txt")
    t.check(r is not None and r.status == 200 and r.body == FILES["hello.txt"],
            f"{mode}: server still serves /hello.txt after the table")


def redirects(t, server):
    t.section("directory redirects stay on this site")
    for target, want in ((b"/foo", "/foo/"), (b"/foo?q=1", "/foo/?q=1"), (b"//foo", "/foo/"),
                         (b"//evil.example/../foo", None), (b"//evil.example/%2e%2e/foo", None),
                         (b"/\\evil.example/../foo", None), (b"///evil.example/../../foo", None)):
        r, got, _ = send_target(server.port, target)
        location = r.header("location") if r else None
        if r is not None and r.status in (400, 404):
            t.check(True, f"GET {target.decode()!r} -> {r.status} (refused, no redirect)")
            continue
        same_site = (location is not None and location.startswith("/")
                     and not location.startswith("//") and not location.startswith("/\\"))
        ok = r is not None and r.status == 301 and same_site and (want is None or location == want)
        t.check(ok, f"GET {target.decode()!r} -> {r.status if r else None} Location: {location}"
                " (a path on this site, never //host)",
                f"received {got[:300]!r}")


def main(t):
    for mode in ("inside_root", "deny"):
        server = Server(config(mode), name=f"traversal-{mode}")
        build_tree(server.dir)
        with server.start():
            run_table(t, server, mode)
            if mode == "inside_root":
                redirects(t, server)
            t.check(server.is_running(), f"{mode}: server still running", server.log_tail())


if __name__ == "__main__":
    harness.run(main)
