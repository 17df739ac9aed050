#!/usr/bin/env python3
# tests/integration/test_static.py: the static route action through the real binary.
#
# Methods, the fields of a file response, HEAD, conditional requests (RFC 9110 §13), byte
# ranges and multipart/byteranges (§14), directories, index, listings, fallback, dotfiles,
# precompressed siblings and on-the-fly compression, the three ways a file is held (memory,
# descriptor, mapping), revalidation after the file changes, files replaced or truncated
# during a download, and a 5 GiB sparse file (offsets past 4 GiB).

import email.utils
import gzip
import hashlib
import os
import re
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, request  # noqa: E402
from static_support import (FIVE_GIB, MARKERS, SETTLE_S, SlowReader, brotli_stored,  # noqa: E402
                            check_ranges, config, curl_bytes, curl_features, get, gunzip,
                            head_fields, make_sparse, numbered, parse_multipart, ranges_of,
                            show, sparse_sha256, static_route, text_blob, unzstd, write)

MAX_RANGES = 4
DATED_MTIME = 1600000000  # Sun, 13 Sep 2020 12:26:40 GMT


def build_tree(base):
    """Creates the served tree under base/www and returns {name: bytes} of what it wrote."""
    www = os.path.join(base, "www")
    files = {
        "index.html": b"<h1>home page</h1>\n",
        "hello.txt": b"hello static\n",
        "style.css": b"body { color: red; }\n",
        "data.json": b'{"a": 1}\n',
        "LICENSE": b"no extension here\n",
        "ranges.txt": numbered(1000),
        "app.js": text_blob(4096, 1),
        "big.txt": text_blob(8192, 2),
        "small.txt": text_blob(500, 3),
        "bundle.js": text_blob(200 * 1024, 4),
        "pic.png": b"\x89PNG\r\n\x1a\n" + bytes(4088),
        "tiny.bin": os.urandom(100),
        "mid.bin": os.urandom(200 * 1024),
        "large.bin": os.urandom(3 << 20),
        "sub/index.html": b"<h1>sub index</h1>\n",
        "sub/page.html": b"<p>sub page</p>\n",
        "noindex/file.txt": b"file in a directory without index\n",
        ".git/config": b"[core] dotfile-git\n",
        "a/.env": b"SECRET=dotfile-env\n",
        ".hidden": b"dotfile-hidden\n",
        "listdir/<b>&x.txt": b"escaped name content\n",
        'listdir/a "q".txt': b"quoted name content\n",
        "listdir/plain.txt": b"plain\n",
        "listdir/.secret": b"hidden from listings\n",
        "listdir/child/c.txt": b"child\n",
    }
    for rel, data in files.items():
        write(www, rel, data)
    files["app.js.gz"] = gzip.compress(files["app.js"], compresslevel=9, mtime=0)
    files["app.js.br"] = brotli_stored(files["app.js"])
    write(www, "app.js.gz", files["app.js.gz"])
    write(www, "app.js.br", files["app.js.br"])
    files["dated.txt"] = b"a file with a known modification time\n"
    write(www, "dated.txt", files["dated.txt"], mtime=DATED_MTIME)
    return files


def methods(t, port):
    t.section("methods: GET and HEAD only")
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        with Conn(port) as c:
            c.send(request(method, "/hello.txt", body=b"x=1" if method in ("POST", "PUT") else b""))
            r = c.read_response()
        t.check(r.status == 405 and r.header("allow") == "GET, HEAD",
                f"{method} /hello.txt -> 405 with Allow: GET, HEAD", show(r))


def fields(t, port, files):
    t.section("a file's fields: type, length, validators, ranges, cache, vary")
    types = {"/index.html": "text/html; charset=utf-8", "/hello.txt": "text/plain; charset=utf-8",
             "/style.css": "text/css; charset=utf-8", "/app.js": "text/javascript; charset=utf-8",
             "/data.json": "application/json", "/pic.png": "image/png",
             "/LICENSE": "application/octet-stream"}
    for target, want in types.items():
        r = get(port, target)
        t.check(r.status == 200 and r.header("content-type") == want and r.body == files[target[1:]],
                f"GET {target} -> 200, Content-Type {want}, the file's bytes", show(r, 60))
    r = get(port, "/hello.txt")
    t.equal(r.header("content-length"), str(len(files["hello.txt"])), "Content-Length is the file size")
    t.check(re.fullmatch(r'"[\x21\x23-\x7e]+"', r.header("etag") or "") is not None,
            "ETag is a strong, quoted entity-tag", repr(r.header("etag")))
    t.equal(r.header("accept-ranges"), "bytes", "Accept-Ranges: bytes")
    t.equal(r.header("vary"), "Accept-Encoding", "Vary: Accept-Encoding (compression on by default)")
    t.equal(r.header("cache-control"), None, "no Cache-Control unless configured")
    r = get(port, "/dated.txt")
    want_lm = email.utils.formatdate(DATED_MTIME, usegmt=True)
    t.equal(r.header("last-modified"), want_lm, "Last-Modified is the mtime as an IMF-fixdate")
    r = get(port, "/cc/hello.txt")
    t.equal(r.header("cache-control"), "public, max-age=60", "configured Cache-Control is sent")
    r = get(port, "/plain/big.txt", headers=[("Accept-Encoding", "gzip, br")])
    t.check(r.header("vary") is None and r.header("content-encoding") is None
            and r.body == files["big.txt"],
            "precompressed = [] and compress = []: no Vary, no Content-Encoding", show(r, 0))
    e1, e2 = get(port, "/hello.txt").header("etag"), get(port, "/hello.txt").header("etag")
    t.check(e1 == e2 and e1 != get(port, "/style.css").header("etag"),
            "ETag is stable for one file and differs between files")


def head(t, port, files):
    t.section("HEAD: the GET head, no body")
    for target, headers in (("/hello.txt", ()), ("/mid.bin", ()), ("/large.bin", ()),
                            ("/big.txt", (("Accept-Encoding", "gzip"),)),
                            ("/app.js", (("Accept-Encoding", "br"),))):
        with Conn(port) as c:
            c.send(request("GET", target, headers=headers))
            g = c.read_response(10)
            c.send(request("HEAD", target, headers=headers) + request("GET", "/hello.txt"))
            h = c.read_response(10, method="HEAD")
            nxt = c.read_response(10)
        t.check(h.status == 200 and head_fields(h) == head_fields(g),
                f"HEAD {target} {dict(headers)}: same status and fields as GET",
                f"GET {head_fields(g)}\nHEAD {head_fields(h)}")
        t.check(nxt.status == 200 and nxt.body == files["hello.txt"],
                f"HEAD {target}: no body bytes before the next response", show(nxt))


def conditionals(t, port, files):
    t.section("conditional requests (RFC 9110 §13)")
    base = get(port, "/dated.txt")
    etag, lm = base.header("etag"), base.header("last-modified")
    weak = "W/" + etag
    day_before = email.utils.formatdate(DATED_MTIME - 86400, usegmt=True)
    second_before = email.utils.formatdate(DATED_MTIME - 1, usegmt=True)
    day_after = email.utils.formatdate(DATED_MTIME + 86400, usegmt=True)
    rfc850 = "Sunday, 13-Sep-20 12:26:40 GMT"
    asctime = "Sun Sep 13 12:26:40 2020"
    content = files["dated.txt"]
    cases = [
        ([("If-None-Match", etag)], 304, "If-None-Match: current ETag"),
        ([("If-None-Match", "*")], 304, "If-None-Match: *"),
        ([("If-None-Match", weak)], 304, "If-None-Match: W/ETag (weak comparison)"),
        ([("If-None-Match", f'"other", {etag}')], 304, "If-None-Match: list holding the ETag"),
        ([("If-None-Match", '"other"'), ("If-None-Match", etag)], 304,
         "If-None-Match in two field lines"),
        ([("If-None-Match", '"other"')], 200, "If-None-Match: another ETag"),
        ([("If-Modified-Since", lm)], 304, "If-Modified-Since = Last-Modified"),
        ([("If-Modified-Since", day_after)], 304, "If-Modified-Since a day after"),
        ([("If-Modified-Since", second_before)], 200, "If-Modified-Since a second before"),
        ([("If-Modified-Since", rfc850)], 304, "If-Modified-Since in RFC 850 form"),
        ([("If-Modified-Since", asctime)], 304, "If-Modified-Since in asctime form"),
        ([("If-Modified-Since", "yesterday")], 200, "If-Modified-Since not a date: ignored"),
        ([("If-Match", etag)], 200, "If-Match: current ETag"),
        ([("If-Match", "*")], 200, "If-Match: *"),
        ([("If-Match", '"other"')], 412, "If-Match: another ETag"),
        ([("If-Match", weak)], 412, "If-Match: W/ETag (strong comparison fails)"),
        ([("If-Unmodified-Since", day_before)], 412, "If-Unmodified-Since before the mtime"),
        ([("If-Unmodified-Since", lm)], 200, "If-Unmodified-Since = Last-Modified"),
        ([("If-None-Match", '"other"'), ("If-Modified-Since", lm)], 200,
         "If-None-Match (no match) overrides If-Modified-Since (not modified)"),
        ([("If-None-Match", etag), ("If-Modified-Since", day_before)], 304,
         "If-None-Match (match) overrides If-Modified-Since (modified)"),
        ([("If-Match", etag), ("If-Unmodified-Since", day_before)], 200,
         "If-Match (match) overrides If-Unmodified-Since"),
        ([("If-Match", '"other"'), ("If-None-Match", etag)], 412,
         "If-Match is evaluated before If-None-Match"),
        ([("If-None-Match", etag), ("Range", "bytes=0-3")], 304, "304 wins over Range"),
    ]
    for headers, want, what in cases:
        with Conn(port) as c:
            c.send(request("GET", "/dated.txt", headers=headers) + request("GET", "/hello.txt"))
            r = c.read_response()
            nxt = c.read_response()
        problems = []
        if r.status != want:
            problems.append(f"status {r.status}, want {want}")
        if want == 200 and r.body != content:
            problems.append("200 without the file's bytes")
        if want == 304 and (r.header("etag") != etag or r.header("last-modified") != lm):
            problems.append("304 without the representation's ETag and Last-Modified")
        if nxt.body != files["hello.txt"]:
            problems.append("stray bytes after the response (a 304 body?)")
        t.check(not problems, f"{what} -> {want}", "; ".join(problems) + "\n      " + show(r))
    r = get(port, "/dated.txt", method="HEAD", headers=[("If-None-Match", etag)])
    t.equal(r.status, 304, "HEAD with If-None-Match: current ETag -> 304")
    e = get(port, "/cc/hello.txt").header("etag")
    r = get(port, "/cc/hello.txt", headers=[("If-None-Match", e)])
    t.check(r.status == 304 and r.header("cache-control") == "public, max-age=60"
            and r.header("vary") == "Accept-Encoding",
            "a 304 carries Cache-Control and Vary (RFC 9110 §15.4.5)", show(r))


def ranges(t, port, files):
    t.section("byte ranges (RFC 9110 §14)")
    content = files["ranges.txt"]
    n = len(content)

    def rq(spec, extra=()):
        return get(port, "/ranges.txt", headers=[("Range", spec)] + list(extra))

    for spec, want in (("bytes=0-9", [(0, 9)]), ("bytes=-5", [(n - 5, n - 1)]),
                       ("bytes=5-", [(5, n - 1)]), ("bytes=995-", [(995, n - 1)]),
                       ("bytes=990-5000", [(990, n - 1)]), ("bytes=0-0", [(0, 0)]),
                       ("bytes=-2000", [(0, n - 1)]), ("BYTES=1-2", [(1, 2)])):
        r = rq(spec)
        check_ranges(t, r, content, want, f"Range: {spec} -> 206 {want}")
        if len(want) == 1:
            f, l = want[0]
            t.check(r.header("content-length") == str(l - f + 1)
                    and r.header("content-type") == "text/plain; charset=utf-8",
                    f"Range: {spec}: Content-Length of the part, the file's Content-Type",
                    show(r, 0))
    for spec, want in (("bytes=0-4,10-14,20-24", [(0, 4), (10, 14), (20, 24)]),
                       ("bytes=500-509, -10", [(500, 509), (n - 10, n - 1)]),
                       ("bytes=20-24,0-4", [(0, 4), (20, 24)]),
                       ("bytes=0-1,3-4,6-7,9-10", [(0, 1), (3, 4), (6, 7), (9, 10)])):
        r = rq(spec)
        parts = check_ranges(t, r, content, want, f"Range: {spec} -> 206 multipart, every part checked")
        mp, _ = parse_multipart(r)
        t.check(r.header("content-length") == str(len(r.body)) and mp
                and all(ct == "text/plain; charset=utf-8" for ct, *_ in mp),
                f"Range: {spec}: Content-Length of the whole multipart body, part Content-Type",
                show(r, 400))
    r = rq("bytes=0-9,5-14")
    check_ranges(t, r, content, [(0, 14)], "overlapping bytes=0-9,5-14 coalesced into 0-14")
    r = rq("bytes=0-9,2-3,4-8")
    check_ranges(t, r, content, [(0, 9)], "ranges inside another coalesced: bytes=0-9,2-3,4-8")
    r = rq("bytes=0-99,50-149,600-609")
    check_ranges(t, r, content, [(0, 149), (600, 609)],
                 "bytes=0-99,50-149,600-609: overlap merged, the far range its own part")
    for spec in (f"bytes={n}-", f"bytes={n}-{n + 100}", "bytes=-0", f"bytes={n + 5}-{n + 9},{n}-"):
        r = rq(spec)
        t.check(r.status == 416 and r.header("content-range") == f"bytes */{n}",
                f"Range: {spec} -> 416 with Content-Range: bytes */{n}", show(r))
    five = "bytes=0-1,3-4,6-7,9-10,12-13"
    r = rq(five)
    t.check(r.status == 416 and r.header("content-range") == f"bytes */{n}",
            f"{MAX_RANGES + 1} ranges with max_ranges = {MAX_RANGES} -> 416", show(r))
    for spec in ("bytes=5-2", "items=0-5", "bytes=abc", "bytes=", "bytes=1-2-3"):
        r = rq(spec)
        t.check(r.status == 200 and r.body == content, f"invalid Range: {spec} -> ignored, 200 full",
                show(r, 40))
    with Conn(port) as c:
        c.send(request("GET", "/ranges.txt", headers=[("Range", "bytes=0-3"), ("Range", "bytes=5-9")]))
        r = c.read_response()
    t.check(r.status in (200, 400, 416) and (r.status != 200 or r.body == content),
            "two Range field lines: not a 206 of either", show(r, 40))

    etag = get(port, "/ranges.txt").header("etag")
    lm = get(port, "/ranges.txt").header("last-modified")
    r = rq("bytes=0-9", [("If-Range", etag)])
    check_ranges(t, r, content, [(0, 9)], "If-Range: current ETag -> 206")
    r = rq("bytes=0-9", [("If-Range", '"an-old-etag"')])
    t.check(r.status == 200 and r.body == content, "If-Range: an old ETag -> 200 full", show(r, 40))
    r = rq("bytes=0-9", [("If-Range", "W/" + etag)])
    t.check(r.status == 200 and r.body == content, "If-Range: a weak ETag never matches -> 200 full",
            show(r, 40))
    r = rq("bytes=0-9", [("If-Range", lm)])
    check_ranges(t, r, content, [(0, 9)], "If-Range: Last-Modified date -> 206")
    r = rq("bytes=0-9", [("If-Range", "Thu, 01 Jan 2015 00:00:00 GMT")])
    t.check(r.status == 200 and r.body == content, "If-Range: another date -> 200 full", show(r, 40))


def directories(t, port, files):
    t.section("directories: slash redirect, index, 404, listing, fallback")
    r = get(port, "/sub")
    t.check(r.status == 301 and r.header("location") == "/sub/", "/sub -> 301 Location: /sub/", show(r))
    r = get(port, "/sub?a=1&b=2")
    t.check(r.status == 301 and r.header("location") == "/sub/?a=1&b=2",
            "/sub?a=1&b=2 -> 301 keeps the query", show(r))
    r = get(port, "/sub/")
    t.check(r.status == 200 and r.body == files["sub/index.html"]
            and r.header("content-type") == "text/html; charset=utf-8", "/sub/ -> its index.html", show(r))
    r = get(port, "/")
    t.check(r.status == 200 and r.body == files["index.html"], "/ -> index.html", show(r))
    r = get(port, "/sub/page.html")
    t.check(r.status == 200 and r.body == files["sub/page.html"], "/sub/page.html", show(r))
    r = get(port, "/noindex/")
    t.equal(r.status, 404, "/noindex/ (no index, no listing) -> 404")
    r = get(port, "/hello.txt/")
    t.equal(r.status, 404, "/hello.txt/ (a file asked as a directory) -> 404")
    r = get(port, "/missing.txt")
    t.equal(r.status, 404, "/missing.txt -> 404")

    r = get(port, "/list/listdir")
    t.check(r.status == 301 and r.header("location") == "/list/listdir/",
            "listing route: /list/listdir -> 301 Location: /list/listdir/", show(r))
    r = get(port, "/list/listdir/")
    body = r.body.decode("utf-8", "replace")
    t.check(r.status == 200 and (r.header("content-type") or "").startswith("text/html"),
            "list_directories: /list/listdir/ -> 200 text/html", show(r, 600))
    t.check("&lt;b&gt;&amp;x.txt" in body and "<b>&x.txt" not in body,
            "listing escapes <b>&x.txt as &lt;b&gt;&amp;x.txt", body[:800])
    t.check("a &quot;q&quot;.txt" in body or "a &#34;q&#34;.txt" in body,
            'listing escapes a "q".txt', body[:800])
    hrefs = re.findall(r'href="([^"]*)"', body)
    names = {urllib.parse.unquote(h) for h in hrefs}
    t.check({"<b>&x.txt", 'a "q".txt', "plain.txt", "child/"} <= names,
            "listing links every entry (hrefs percent-decode to the names)", repr(hrefs))
    t.check(all(not set('<>"& ') & set(h) for h in hrefs),
            "hrefs are percent-encoded (no raw < > \" & or space)", repr(hrefs))
    t.check(".secret" not in body, "dotfiles hidden from the listing (dotfiles = deny)", body[:800])
    for h in hrefs:
        if urllib.parse.unquote(h) == "<b>&x.txt":
            r = get(port, "/list/listdir/" + h)
            t.check(r.status == 200 and r.body == files["listdir/<b>&x.txt"],
                    "following the listing's href serves the file", show(r))
    r = get(port, "/list/listdir/child/")
    t.check(r.status == 200 and b"c.txt" in r.body, "listing of a subdirectory", show(r))

    r = get(port, "/spa/some/client/route")
    t.check(r.status == 200 and r.body == files["index.html"],
            'fallback = "index.html": a missing file gets the index with 200', show(r))
    r = get(port, "/spa/hello.txt")
    t.check(r.status == 200 and r.body == files["hello.txt"], "fallback route still serves files",
            show(r))
    r = get(port, "/spa/noindex/")
    t.check(r.status in (200, 404) and (r.status == 404 or r.body == files["index.html"]),
            "fallback route: a directory without index -> the fallback or 404", show(r))


def dotfiles(t, port, files):
    t.section("dotfiles")
    for target in ("/.git/config", "/a/.env", "/.hidden", "/listdir/.secret", "/.git/"):
        r = get(port, target)
        t.check(r.status == 404 and b"dotfile" not in r.body and b"hidden from" not in r.body,
                f'dotfiles = "deny": {target} -> 404', show(r))
    for target, rel in (("/dot/.git/config", ".git/config"), ("/dot/a/.env", "a/.env"),
                        ("/dot/.hidden", ".hidden")):
        r = get(port, target)
        t.check(r.status == 200 and r.body == files[rel], f'dotfiles = "allow": {target} -> 200', show(r))


def compression(t, port, files, features):
    t.section("content codings: precompressed siblings and on-the-fly compression")
    js, gz, br = files["app.js"], files["app.js.gz"], files["app.js.br"]

    def ae(target, value, extra=()):
        headers = [("Accept-Encoding", value)] if value is not None else []
        return get(port, target, headers=headers + list(extra))

    cases = [("br", "br"), ("gzip", "gzip"), ("gzip;q=1, br;q=0.5", "gzip"), ("br, gzip", "br"),
             ("gzip, br", "br"), ("br;q=0, gzip", "gzip"), ("*", "br"), ("x-gzip", "gzip"),
             ("GZIP", "gzip"), (None, None), ("identity", None), ("gzip;q=0, br;q=0", None),
             ("deflate", None)]
    for value, want in cases:
        r = ae("/app.js", value)
        got = r.header("content-encoding")
        want_body = {"br": br, "gzip": gz, None: js}[want]
        t.check(r.status == 200 and got == want and r.body == want_body
                and r.header("vary") == "Accept-Encoding",
                f"/app.js Accept-Encoding: {value} -> {want or 'identity'} (sibling bytes, Vary)",
                f"Content-Encoding {got!r}; " + show(r, 40))
    r = ae("/app.js", "gzip")
    t.check(gunzip(r.body) == js, "gzip sibling decodes to the original")
    if "brotli" in features:
        p = curl_bytes("--compressed", "-H", "Accept-Encoding: br", f"http://127.0.0.1:{port}/app.js")
        t.check(p is not None and p.returncode == 0 and p.stdout == js,
                "br sibling decodes (curl --compressed) to the original",
                p.stderr.decode(errors="replace") if p else "no curl")
    else:
        t.skip("br sibling decodes to the original", "curl without brotli; bytes compared instead")
    tags = {v: ae("/app.js", v).header("etag") for v in ("identity", "gzip", "br")}
    t.check(len(set(tags.values())) == 3, "identity, gzip and br responses have three different ETags",
            repr(tags))
    r = ae("/app.js", "gzip", [("If-None-Match", tags["gzip"])])
    t.equal(r.status, 304, "If-None-Match with the gzip ETag, Accept-Encoding gzip -> 304")
    r = ae("/app.js", None, [("If-None-Match", tags["gzip"])])
    t.check(r.status == 200 and r.body == js,
            "If-None-Match with the gzip ETag, no Accept-Encoding -> 200 identity", show(r, 40))
    r = ae("/app.js", "gzip", [("Range", "bytes=0-99")])
    t.check(r.header("content-encoding") == "gzip", "Range on the gzip representation keeps Content-Encoding",
            show(r, 0))
    check_ranges(t, r, gz, [(0, 99)], "Range on the gzip representation: bytes of the encoded file")
    r = ae("/app.js", "br", [("Range", "bytes=-10")])
    check_ranges(t, r, br, [(len(br) - 10, len(br) - 1)], "suffix Range on the br representation")

    big = files["big.txt"]
    r = ae("/big.txt", "gzip")
    t.check(r.status == 200 and r.header("content-encoding") == "gzip" and gunzip(r.body) == big
            and len(r.body) < len(big) and r.header("content-length") == str(len(r.body)),
            "on the fly: 8 KiB text, Accept-Encoding gzip -> gzip that decodes to the file", show(r, 20))
    full_gz = r.body
    gz_tag = r.header("etag")
    r = ae("/big.txt", None)
    t.check(r.status == 200 and r.header("content-encoding") is None and r.body == big
            and r.header("vary") == "Accept-Encoding",
            "on the fly: no Accept-Encoding -> identity, with Vary", show(r, 20))
    t.check(r.header("etag") != gz_tag, "on the fly: gzip ETag differs from the identity ETag",
            f"{r.header('etag')} vs {gz_tag}")
    for value in ("identity", "gzip;q=0", ""):
        r = ae("/big.txt", value)
        t.check(r.header("content-encoding") is None and r.body == big,
                f"on the fly: Accept-Encoding: {value!r} -> identity", show(r, 20))
    r = ae("/big.txt", "gzip", [("Range", "bytes=10-29")])
    check_ranges(t, r, full_gz, [(10, 29)], "Range on an on-the-fly gzip: bytes of the encoded body")
    r = ae("/big.txt", "zstd")
    dec = unzstd(r.body)
    if dec is None:
        t.skip("on the fly zstd", "no zstd tool")
    else:
        t.check(r.header("content-encoding") == "zstd" and dec == big,
                "on the fly: Accept-Encoding zstd -> zstd that decodes to the file", show(r, 20))
    r = ae("/pic.png", "gzip, br, zstd")
    t.check(r.header("content-encoding") is None and r.body == files["pic.png"],
            "image/png is never compressed on the fly", show(r, 20))
    r = ae("/small.txt", "gzip")
    t.check(r.header("content-encoding") is None and r.body == files["small.txt"],
            "a 500-byte file (< compress_min_size) is not compressed", show(r, 20))
    r = ae("/bundle.js", "gzip", [("Connection", "close")])
    t.check(r.status == 200 and r.header("content-encoding") == "gzip"
            and gunzip(r.body) == files["bundle.js"],
            "on the fly: a 200 KiB .js (>= compress_min_size) -> gzip when asked (docs: "
            "the first of compress it accepts, for files of at least compress_min_size)",
            show(r, 0))


def sizes(t, port, files):
    t.section("memory, descriptor and mapped files: whole and in ranges")
    for name in ("tiny.bin", "mid.bin", "large.bin"):
        data = files[name]
        n = len(data)
        r = get(port, "/" + name, timeout=30)
        t.check(r.status == 200 and r.header("content-length") == str(n)
                and hashlib.sha256(r.body).hexdigest() == hashlib.sha256(data).hexdigest(),
                f"/{name} ({n} bytes): sha256 of the body equals the file's", show(r, 0))
        specs = [[(n // 3, 2 * n // 3)], [(n - 7, n - 1)], [(0, 0), (n // 2, n // 2 + 9), (n - 1, n - 1)]]
        if n > 70000:
            specs.append([(65530, 65545)])
            specs.append([(1, 70000), (n - 70000, n - 2)])
        for want in specs:
            spec = "bytes=" + ",".join(f"{f}-{l}" for f, l in want)
            r = get(port, "/" + name, headers=[("Range", spec)], timeout=30)
            check_ranges(t, r, data, want, f"/{name} Range: {spec}")
        with Conn(port, timeout=30) as c:
            c.send(request("GET", "/" + name) * 2 + request("GET", "/hello.txt"))
            a, b, h = c.read_response(30), c.read_response(30), c.read_response(30)
        t.check(a.body == data and b.body == data and h.body == files["hello.txt"],
                f"/{name} twice then /hello.txt pipelined on one connection")


def revalidation(t, port, base):
    t.section("revalidation: changes on disk are seen after [files].revalidate")
    www = os.path.join(base, "www")
    write(www, "rev.txt", b"version one\n")
    r1 = get(port, "/rev.txt")
    t.check(r1.status == 200 and r1.body == b"version one\n", "first version served", show(r1))
    write(www, "rev.txt", b"version two, longer than one\n")
    time.sleep(SETTLE_S)
    r2 = get(port, "/rev.txt")
    t.check(r2.body == b"version two, longer than one\n"
            and r2.header("content-length") == str(len(r2.body)),
            "rewritten file: new content after the revalidate interval", show(r2))
    t.check(r2.header("etag") != r1.header("etag"), "rewritten file: new ETag",
            f"{r1.header('etag')} -> {r2.header('etag')}")
    r = get(port, "/rev.txt", headers=[("If-None-Match", r1.header("etag"))])
    t.check(r.status == 200 and r.body == r2.body, "the old ETag no longer gets 304", show(r))
    os.unlink(os.path.join(www, "rev.txt"))
    time.sleep(SETTLE_S)
    t.equal(get(port, "/rev.txt").status, 404, "deleted file -> 404 after the interval")
    t.equal(get(port, "/born.txt").status, 404, "not yet created -> 404")
    write(www, "born.txt", b"born\n")
    time.sleep(SETTLE_S)
    r = get(port, "/born.txt")
    t.check(r.status == 200 and r.body == b"born\n", "created after a 404 -> served after the interval",
            show(r))
    text = text_blob(6000, 7)
    write(www, "gz-rev.txt", text)
    r = get(port, "/gz-rev.txt", headers=[("Accept-Encoding", "gzip")])
    t.check(gunzip(r.body) == text, "on-the-fly gzip of the first version", show(r, 0))
    text2 = text_blob(7000, 8)
    write(www, "gz-rev.txt", text2)
    time.sleep(SETTLE_S)
    r = get(port, "/gz-rev.txt", headers=[("Accept-Encoding", "gzip")])
    t.check(gunzip(r.body) == text2, "on-the-fly gzip follows the rewritten file", show(r, 0))
    big = os.urandom(2 << 20)
    write(www, "big-rev.bin", big)
    r = get(port, "/big-rev.bin", timeout=30)
    t.check(r.body == big, "2 MiB (mapped) file served")
    big2 = os.urandom(3 << 20)
    tmp = write(www, "big-rev.bin.tmp", big2)
    os.replace(tmp, os.path.join(www, "big-rev.bin"))
    time.sleep(SETTLE_S)
    r = get(port, "/big-rev.bin", timeout=30)
    t.check(r.body == big2 and r.header("content-length") == str(len(big2)),
            "2 MiB file renamed over by a 3 MiB one: the new file after the interval", show(r, 0))


def changing_files(t, port, base, label):
    t.section(f"files changed during a download ({label})")
    www = os.path.join(base, "www")
    n = 64 << 20
    original = os.urandom(n)
    path = write(www, "moving.bin", original)

    # Truncated mid-download: the head already promised n bytes.
    reader = SlowReader(port, "/moving.bin")
    t.check(reader.head.startswith("HTTP/1.1 200") and reader.length == n,
            f"{label}: 64 MiB download starts with 200 and Content-Length {n}", reader.head)
    reader.read_body(1 << 20, 10)
    time.sleep(0.2)  # the server is now blocked on a full socket
    os.truncate(path, 2 << 20)
    how = reader.read_rest(30)
    got = bytes(reader.buf)
    reader.close()
    print(f"      {label}: truncated to 2 MiB; the download ended after {len(got)} body bytes ({how})")
    t.check(how == "eof" and len(got) < n,
            f"{label}: a file truncated mid-download ends in a closed connection with a short body",
            f"{how}, {len(got)} of {n} bytes")
    same = got == original[:len(got)]
    t.check(same, f"{label}: every byte received before the cut is the file's original byte",
            "" if same else f"{len(got)} bytes, first difference at "
            f"{next((i for i in range(len(got)) if got[i] != original[i]), None)}")
    time.sleep(SETTLE_S)
    r = get(port, "/moving.bin", timeout=30)
    t.check(r.status == 200 and r.body == original[:2 << 20],
            f"{label}: after the interval the truncated file is served at its new size", show(r, 0))

    # Renamed over mid-download: the old file stays whole until the response ends, or the
    # connection is cut; the new file's bytes never appear in the old response.
    write(www, "moving.bin", original)
    time.sleep(SETTLE_S)
    reader = SlowReader(port, "/moving.bin")
    reader.read_body(1 << 20, 10)
    time.sleep(0.2)
    replacement = os.urandom(n // 2)
    tmp = write(www, "moving.bin.new", replacement)
    os.replace(tmp, path)
    how = reader.read_rest(60)
    got = bytes(reader.buf)
    reader.close()
    print(f"      {label}: renamed over; the download ended after {len(got)} body bytes ({how})")
    t.check(got == original[:len(got)] and (how == "complete" and len(got) == n or how == "eof"),
            f"{label}: renamed over mid-download: the old bytes, whole or cut by a close",
            f"{how}, {len(got)} of {n} bytes, prefix ok: {got == original[:len(got)]}")
    time.sleep(SETTLE_S)
    r = get(port, "/moving.bin", timeout=30)
    t.check(r.status == 200 and r.body == replacement,
            f"{label}: after the interval the replacement is served", show(r, 0))

    # Truncated while no one downloads, then asked before the interval ends: whatever the
    # server still believes, it must not claim bytes it cannot send.
    write(www, "cut.bin", original[:8 << 20])
    r = get(port, "/cut.bin", timeout=30)
    os.truncate(os.path.join(www, "cut.bin"), 1 << 20)
    with Conn(port, timeout=30) as c:
        c.send(request("GET", "/cut.bin"))
        data, how = c.read_until_close(5)
    head_end = data.find(b"\r\n\r\n")
    m = re.search(rb"(?i)content-length:\s*(\d+)", data[:max(head_end, 0)])
    body = data[head_end + 4:]
    claimed = int(m.group(1)) if m else None
    t.check(claimed is not None and (len(body) == claimed or how != "timeout" and len(body) < claimed)
            and body == original[:len(body)],
            f"{label}: a file truncated just before a request: complete as claimed, or cut by a close",
            f"claimed {claimed}, got {len(body)}, how {how}")
    r = get(port, "/hello.txt")
    t.equal(r.status, 200, f"{label}: the server still answers after the cut downloads")


def sparse_file(t, port, label, digest_cache):
    t.section(f"a 5 GiB sparse file: offsets past 4 GiB ({label})")
    r = get(port, "/sparse5g.bin", method="HEAD")
    t.check(r.status == 200 and r.header("content-length") == str(FIVE_GIB),
            f"{label}: HEAD -> Content-Length: {FIVE_GIB}", show(r))
    for off, mark in MARKERS.items():
        spec = f"bytes={off}-{off + len(mark) - 1}"
        r = get(port, "/sparse5g.bin", headers=[("Range", spec)])
        t.check(r.status == 206 and r.body == mark
                and r.header("content-range") == f"bytes {off}-{off + len(mark) - 1}/{FIVE_GIB}",
                f"{label}: Range {spec} -> the marker", show(r))
    r = get(port, "/sparse5g.bin", headers=[("Range", "bytes=-8")])
    t.check(r.status == 206 and r.body == b"LAST8BYT", f"{label}: suffix Range bytes=-8", show(r))
    spec = f"bytes=1000-1007,{4 << 30}-{(4 << 30) + 8},{(4 << 30) + 12345}-{(4 << 30) + 12364}"
    r = get(port, "/sparse5g.bin", headers=[("Range", spec)])
    parts, problem = ranges_of(r)
    t.check(problem is None and [d for _, _, _, d in parts] ==
            [b"low-mark", b"MARK@4GiB", b"MARKER-AT-4GiB+12345"]
            and all(n == FIVE_GIB for _, _, n, _ in parts),
            f"{label}: multipart Range across 4 GiB returns the three markers", f"{problem} {show(r, 300)}")
    r = get(port, "/sparse5g.bin", headers=[("Range", f"bytes={(4 << 30) - 3}-{(4 << 30) + 2}")])
    t.check(r.status == 206 and r.body == b"\0\0\0MAR", f"{label}: a range straddling 4 GiB", show(r))

    start = time.monotonic()
    try:
        proc = subprocess.Popen(["curl", "-sS", "--max-time", "90", "-D", "-", "-o", "/dev/stdout",
                                 f"http://127.0.0.1:{port}/sparse5g.bin"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except FileNotFoundError:
        t.skip(f"{label}: whole 5 GiB download", "no curl")
        return
    h = hashlib.sha256()
    head = b""
    total = 0
    try:
        while b"\r\n\r\n" not in head:
            chunk = proc.stdout.read1(65536)
            if not chunk:
                break
            head += chunk
        head, _, first = head.partition(b"\r\n\r\n")
        h.update(first)
        total = len(first)
        while True:
            chunk = proc.stdout.read1(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            total += len(chunk)
        proc.wait(timeout=100)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = proc.stderr.read().decode(errors="replace")
    if "want" not in digest_cache:
        digest_cache["want"] = sparse_sha256()
    t.check(total == FIVE_GIB and h.hexdigest() == digest_cache["want"],
            f"{label}: whole 5 GiB through curl: sha256 matches the file "
            f"({time.monotonic() - start:.1f}s)",
            f"got {total} bytes of {FIVE_GIB}, curl exit {proc.returncode} {err.strip()}; "
            f"head {head[:200]!r}")


def main_config():
    return config([
        static_route("/cc/", cache_control="public, max-age=60"),
        static_route("/list/", list_directories=True),
        static_route("/spa/", fallback="index.html"),
        static_route("/dot/", dotfiles="allow"),
        static_route("/plain/", precompressed=[], compress=[]),
        static_route("/"),
    ], files={"max_ranges": MAX_RANGES})


def run_sections(t, sections):
    for fn, args in sections:
        try:
            fn(t, *args)
        except harness.HarnessError as e:
            t.check(False, f"{fn.__name__} ran to the end", str(e))


def main(t):
    features = curl_features()
    server = Server(main_config(), name="static")
    files = build_tree(server.dir)
    with server.start():
        port = server.port
        run_sections(t, [(methods, (port,)), (fields, (port, files)), (head, (port, files)),
                         (conditionals, (port, files)), (ranges, (port, files)),
                         (directories, (port, files)), (dotfiles, (port, files)),
                         (compression, (port, files, features)), (sizes, (port, files)),
                         (revalidation, (port, server.dir)),
                         (changing_files, (port, server.dir, "spliced"))])
        t.check(server.is_running(), "server still running", server.log_tail())

    # The same downloads with large files mapped and sent with zero-copy sends.
    server = Server(config([static_route("/")], files={"large_files": "mmap_zero_copy"}), name="static-zc")
    zc_files = build_tree(server.dir)
    with server.start():
        run_sections(t, [(sizes, (server.port, zc_files)),
                         (changing_files, (server.port, server.dir, "mapped"))])
        t.check(server.is_running(), "zero-copy server still running", server.log_tail())

    digests = {}
    for label, files_cfg in (("spliced", None), ("mapped", {"large_files": "mmap_zero_copy"})):
        server = Server(config([static_route("/")], files=files_cfg), name="static-5g")
        www = os.path.join(server.dir, "www")
        os.makedirs(www)
        try:
            make_sparse(www)
        except OSError as e:
            t.skip("5 GiB sparse file", f"the filesystem cannot hold it: {e}")
            return
        with server.start():
            run_sections(t, [(sparse_file, (server.port, label, digests))])
            t.check(server.is_running(), f"{label}: server still running after the 5 GiB file",
                    server.log_tail())


if __name__ == "__main__":
    harness.run(main)
