#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/.

HTTP/1 seeds are 4 control bytes (see fuzz_support.h: two split points, a limits/HEAD flag
byte, a limits seed) followed by the message bytes. The files-layer seeds follow the
layouts described at the top of each target. Re-run after changing a layout; committed
regression inputs (regress-*) are kept.
"""
import hashlib
import pathlib

HERE = pathlib.Path(__file__).resolve().parent

REQUESTS = [
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /index.html?a=1&b=2 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\nAccept: */*\r\n\r\n",
    b"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a=b;c=\"d\"\r\nx\r\n0\r\nT: v\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\n\r\n",
    b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    b"GET http://example.com:8080/a?b HTTP/1.1\r\nHost: x\r\n\r\n",
    b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    b"PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
    b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
    b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    # smuggling attempts and strictness probes
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello",
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello",
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n",
    b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
    b"GET / http/1.1\r\nHost: a\r\n\r\n",
    b"GET / HTTP/1.1\nHost: a\n\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nX: \x00\x0b\x0c\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    b"GET / HTTP/1.1\r\n\r\n",
]

RESPONSES = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\nuntil close",
    b"HTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
    b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
    b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"HTTP/1.1 600 Bad\r\n\r\n",
    b"HTTP/1.1 200 OK\nContent-Length: 0\n\n",
    b"HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n",
    b"HTTP/1.1 200 O\x00K\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=\"y\"\r\nabc\r\n0\r\nT: 1\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
    b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
]

CHUNKED = [
    b"0\r\n\r\n",
    b"5\r\nhello\r\n0\r\n\r\n",
    b"4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n",
    b"1;a\r\nx\r\n0\r\n\r\n",
    b"1 ; a = b ;c=\"q \\\" x\"\r\nz\r\n0\r\n\r\n",
    b"0\r\nExpires: never\r\nX-Sum: ab\r\n\r\n",
    b"A\r\n0123456789\r\n0\r\n\r\nNEXT",
    b"000000000000001\r\nx\r\n0\r\n\r\n",
    b"5 \r\nhello\r\n0\r\n\r\n",
    b" 5\r\nhello\r\n0\r\n\r\n",
    b"0x5\r\nhello\r\n0\r\n\r\n",
    b"-1\r\n",
    b"ffffffffffffffffff\r\n",
    b"5\nhello\r\n0\r\n\r\n",
    b"5\r\nhelloX\r\n0\r\n\r\n",
    b"1;\r\nx\r\n0\r\n\r\n",
    b"1;a \r\nx\r\n0\r\n\r\n",
    b"1;a=\"b\r\nx\r\n",
    b"0\r\nContent-Length: 5\r\n\r\n",
    b"0\r\nA: b\r\n c\r\n\r\n",
    b"0\r\nA : b\r\n\r\n",
    b"fffff\r\n",
    b"3\r\nabc\r\n3\r\ndef\r\n0\r\nT: 1\r\nU: 2\r\n\r\n",
    b"1;a=b\r\nx\r\n1;" + b"e" * 40 + b"\r\ny\r\n0\r\n\r\n",
]

# Control-byte variants: default limits unsplit, small limits split, varied limits.
CONTROLS = [bytes([0, 0, 0, 0]), bytes([7, 19, 1, 0]), bytes([3, 40, 2, 0x5a]), bytes([11, 2, 6, 0xc3])]


def write(target, messages, controls=True):
    out = HERE / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("seed-*"):
        old.unlink()
    for i, message in enumerate(messages):
        seed = (CONTROLS[i % len(CONTROLS)] if controls else b"") + message
        name = "seed-%02d-%s" % (i, hashlib.sha1(seed).hexdigest()[:8])
        (out / name).write_bytes(seed)


PATHS = [
    b"/",
    b"/index.html",
    b"/a/./b/../c//d/",
    b"/a/b/..",
    b"/..",
    b"/a/%2e%2e/%2e%2e/x",
    b"/%252e%252e/x",
    b"/a%2fb",
    b"/a%5cb\\c",
    b"/%C0%AE%C0%AE/",
    b"/%E0%80%AE",
    b"/%ED%A0%80",
    b"/%F4%90%80%80",
    b"/caf%C3%A9/%F0%9F%98%80",
    b"/a%00b",
    b"/%zz",
    b"//a//b//",
    b"/.well-known/acme/..",
]


def range_seed(length, shape, max_ranges, multipart, field):
    """range_fuzz layout: 8-byte little-endian length, shape, max_ranges, multipart, field."""
    return length.to_bytes(8, "little") + bytes([shape, max_ranges, multipart]) + field


RANGES = [
    range_seed(10000, 4, 16, 1, b"bytes=0-499"),
    range_seed(10000, 4, 16, 0, b"bytes=-500"),
    range_seed(10000, 4, 16, 1, b"bytes=9500-"),
    range_seed(10000, 4, 16, 1, b"bytes=0-0,-1, 500-600 ,601-999,,"),
    range_seed(10000, 4, 2, 1, b"bytes=0-1,3-4,6-7"),
    range_seed(6 << 30, 4, 16, 1, b"bytes=4294967296-4294967299,-1"),
    range_seed(0, 4, 16, 1, b"bytes=0-"),
    range_seed(2**64 - 1, 4, 16, 1, b"bytes=18446744073709551613-,0-0"),
    range_seed(10, 4, 16, 1, b"bytes=0-18446744073709551616"),
    range_seed(10, 4, 16, 1, b"BYTES=1-0"),
    range_seed(10, 4, 16, 1, b"items=0-1"),
    range_seed(77, 0, 19, 3, b"bytes=5-,-3,0-4,10-20,30-40"),
]


def conditional_seed(present, choice, extra, *values):
    """conditional_fuzz layout: presence/method, validator choice, FileVersion bits, values."""
    return bytes([present, choice, extra]) + b"\n".join(values)


TAG = b"\"6537fc2-3-3\""
CONDITIONALS = [
    conditional_seed(0x1f, 0x00, 3, TAG, b"Sun, 06 Nov 1994 08:49:40 GMT", b"W/" + TAG,
                     b"Sun, 06 Nov 1994 08:49:37 GMT", TAG, b"br;q=1, gzip;q=0.5, identity;q=0"),
    conditional_seed(0x04, 0x08, 1, b"", b"", b"\"a\", W/\"b\", \"c,d\"", b"", b"", b"gzip, br"),
    conditional_seed(0x08, 0x00, 0, b"", b"", b"", b"Sunday, 06-Nov-94 08:49:37 GMT", b"", b"*;q=0"),
    conditional_seed(0x08, 0x00, 0, b"", b"", b"", b"Sun Nov  6 08:49:37 1994", b"", b"x-gzip"),
    conditional_seed(0x10, 0x04 | 0x20, 0, b"", b"", b"", b"", b"", b"zstd;q=0.001, *;q=0.0"),
    conditional_seed(0x41, 0x08, 2, b"*", b"", b"", b"", b"", b"identity"),
    conditional_seed(0x45, 0x18, 2, b"junk", b"", b"", b"", b"", b""),
    conditional_seed(0xa2, 0x28, 0, b"", b"Sun, 06 Nov 1994 08:49:36 GMT", b"", b"", b"", b"br;Q=0.5"),
    conditional_seed(0xdf, 0xcc, 1, b"\"x\"", b"Mon, 07 Nov 1994 08:49:37 GMT", b"\"y\"",
                     b"Sat, 05 Nov 1994 08:49:37 GMT", b"W/\"z\"", b"gzip;q=0.5;level=1, br"),
    conditional_seed(0x1b, 0x00, 0, b"\"a\"\"b\"", b"Sun, 31 Feb 1994 08:49:37 GMT", b"*, \"a\"",
                     b"Sun, 06 Nov 1994 08:49:60 GMT", b"Sun, 06 Nov 1994 08:49:37 GMT", b"*"),
]

write("path_normalizer_fuzz", PATHS, controls=False)
write("range_fuzz", RANGES, controls=False)
write("conditional_fuzz", CONDITIONALS, controls=False)
write("request_parser_fuzz", REQUESTS)
write("response_parser_fuzz", RESPONSES)
write("chunked_decoder_fuzz", CHUNKED)
