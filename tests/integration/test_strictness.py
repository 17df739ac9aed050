#!/usr/bin/env python3
# tests/integration/test_strictness.py: strict RFC 9112 parsing, seen from the wire.
#
# Each malformed request is sent on a fresh connection with a valid request pipelined after
# it. The server must answer the malformed one with the exact status and Connection: close,
# close the connection, and never answer the pipelined one: nothing after an error is parsed
# (a server that resynchronizes is a request-smuggling target).
#
# The valid-but-unusual requests must be accepted: both they and the pipelined request get
# answered, which also proves their body framing was read exactly.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Conn, Server, make_config, route  # noqa: E402

PIPELINED = b"GET /pipelined HTTP/1.1\r\nHost: a\r\n\r\n"

GET = b"GET / HTTP/1.1\r\nHost: a\r\n"      # + fields + b"\r\n"
POST = b"POST / HTTP/1.1\r\nHost: a\r\n"    # + fields + b"\r\n" + body
CHUNKED = b"Transfer-Encoding: chunked\r\n"


def get(fields=b""):
    return GET + fields + b"\r\n"


def post(fields, body=b""):
    return POST + fields + b"\r\n" + body


def chunked(body):
    return post(CHUNKED, body)


def line(request_line, fields=b"Host: a\r\n"):
    return request_line + b"\r\n" + fields + b"\r\n"


# (name, bytes, expected status or tuple of acceptable statuses)
# Comments cite the RFC 9112 / 9110 text each group is read from.
MALFORMED = [
    # RFC 9112 §2.2: lines end in CRLF; we take the option to reject a bare LF, and a bare
    # CR "MUST be considered invalid or replaced with SP" - we reject.
    ("bare LF after request line", b"GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
    ("bare LF after a field line", b"GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400),
    ("bare LF ending the head", b"GET / HTTP/1.1\r\nHost: a\r\n\n", 400),
    ("bare LF everywhere", b"GET / HTTP/1.1\nHost: a\n\n", 400),
    ("bare CR after request line", b"GET / HTTP/1.1\rHost: a\r\n\r\n", 400),
    ("bare CR in the target", b"GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("bare CR in a field value", get(b"X: a\rb\r\n"), 400),
    ("bare CR before the final CRLF", b"GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", 400),

    # RFC 9112 §3: request-line = method SP request-target SP HTTP-version, single SPs.
    ("two spaces after the method", line(b"GET  / HTTP/1.1"), 400),
    ("two spaces before the version", line(b"GET /  HTTP/1.1"), 400),
    ("space after the version", line(b"GET / HTTP/1.1 "), 400),
    ("space before the method", line(b" GET / HTTP/1.1"), 400),
    ("HTAB as the separator", line(b"GET\t/ HTTP/1.1"), 400),
    ("no request-target", line(b"GET HTTP/1.1"), 400),
    ("HTTP/0.9 style request line", b"GET /\r\n", 400),
    ("space inside the target", line(b"GET /a b HTTP/1.1"), 400),
    ("non-token byte in the method", line(b"G(T / HTTP/1.1"), 400),
    ("NUL in the method", line(b"GE\x00T / HTTP/1.1"), 400),
    # RFC 9112 §3.2: request-target forms; RFC 3986 allows no CTL, non-ASCII or '#'.
    ("control byte in the target", line(b"GET /\x01 HTTP/1.1"), 400),
    ("NUL in the target", line(b"GET /\x00 HTTP/1.1"), 400),
    ("DEL in the target", line(b"GET /\x7f HTTP/1.1"), 400),
    ("non-ASCII byte in the target", line(b"GET /\xff HTTP/1.1"), 400),
    ("fragment in the target", line(b"GET /#frag HTTP/1.1"), 400),
    ("relative target (no form matches)", line(b"GET a/b HTTP/1.1"), 400),

    # RFC 9112 §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive.
    ("lowercase HTTP-name", line(b"GET / http/1.1"), 400),
    ("version without minor", line(b"GET / HTTP/1"), 400),
    ("two-digit minor version", line(b"GET / HTTP/1.10"), 400),
    ("version without dot", line(b"GET / HTTP/11"), 400),
    ("junk after the version", line(b"GET / HTTP/1.1x"), 400),
    ("HTTPS/1.1 as version", line(b"GET / HTTPS/1.1"), 400),
    # Well-formed but unsupported majors: 400 or 505 (RFC 9110 §15.6.6) are both right.
    ("HTTP/2.0 on an HTTP/1 connection", line(b"GET / HTTP/2.0"), (400, 505)),
    ("HTTP/0.9 as a version", line(b"GET / HTTP/0.9"), (400, 505)),

    # RFC 9112 §5.2: obs-fold MUST be rejected (400) or replaced; we reject.
    ("obs-fold with SP", get(b"X: a\r\n b\r\n"), 400),
    ("obs-fold with HTAB", get(b"X: a\r\n\tb\r\n"), 400),
    # RFC 9112 §2.2: whitespace between start-line and the first field line.
    ("whitespace before the first field line", b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400),
    # RFC 9112 §5.1: "No whitespace is allowed between the field name and colon ...
    # MUST reject ... with 400".
    ("space before colon", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
    ("HTAB before colon", get(b"X\t: a\r\n"), 400),
    # RFC 9110 §5.1: field-name = token.
    ("empty field name", get(b": a\r\n"), 400),
    ("field line without colon", get(b"NoColon\r\n"), 400),
    ("space inside a field name", get(b"X Y: a\r\n"), 400),
    ("'(' in a field name", get(b"X(Y): a\r\n"), 400),
    ("'@' in a field name", get(b"X@Y: a\r\n"), 400),
    ("'\"' in a field name", get(b"X\"Y: a\r\n"), 400),
    ("'/' in a field name", get(b"X/Y: a\r\n"), 400),
    ("'{' in a field name", get(b"X{Y: a\r\n"), 400),
    ("non-ASCII byte in a field name", get(b"X\xe9: a\r\n"), 400),
    ("NUL in a field name", get(b"X\x00Y: a\r\n"), 400),
    # RFC 9110 §5.5: field-vchar excludes CTLs; CR, LF, NUL MUST be rejected or replaced.
    ("NUL in a field value", get(b"X: a\x00b\r\n"), 400),
    ("control byte 0x01 in a field value", get(b"X: a\x01b\r\n"), 400),
    ("DEL in a field value", get(b"X: a\x7fb\r\n"), 400),
    ("VT in a field value", get(b"X: a\x0bb\r\n"), 400),

    # RFC 9112 §3.2: "MUST respond with 400 to any HTTP/1.1 request message that lacks a
    # Host header field and to any request message that contains more than one Host header
    # field line or a Host header field with an invalid field value."
    ("missing Host", b"GET / HTTP/1.1\r\n\r\n", 400),
    ("two different Host lines", get(b"Host: b\r\n"), 400),
    ("two identical Host lines", get(b"Host: a\r\n"), 400),
    ("Host as a list", line(b"GET / HTTP/1.1", b"Host: a, b\r\n"), 400),
    ("space inside Host", line(b"GET / HTTP/1.1", b"Host: a b\r\n"), 400),
    ("userinfo in Host", line(b"GET / HTTP/1.1", b"Host: u@a\r\n"), 400),
    ("non-numeric port in Host", line(b"GET / HTTP/1.1", b"Host: a:xy\r\n"), 400),
    ("path in Host", line(b"GET / HTTP/1.1", b"Host: a/b\r\n"), 400),
    ("absolute-form without Host", b"GET http://a/ HTTP/1.1\r\n\r\n", 400),

    # RFC 9110 §8.6: Content-Length = 1*DIGIT; RFC 9112 §6.3 item 5: an invalid value is
    # an unrecoverable framing error (400).
    ("Content-Length not a number", post(b"Content-Length: abc\r\n", b"hello"), 400),
    ("negative Content-Length", post(b"Content-Length: -1\r\n"), 400),
    ("Content-Length with '+'", post(b"Content-Length: +5\r\n", b"hello"), 400),
    ("hex Content-Length", post(b"Content-Length: 0x5\r\n", b"hello"), 400),
    ("fractional Content-Length", post(b"Content-Length: 5.0\r\n", b"hello"), 400),
    ("space inside Content-Length", post(b"Content-Length: 5 5\r\n", b"hello"), 400),
    ("differing Content-Length list", post(b"Content-Length: 5, 6\r\n", b"hello"), 400),
    ("differing Content-Length lines",
     post(b"Content-Length: 5\r\nContent-Length: 6\r\n", b"hello"), 400),
    ("Content-Length overflowing 64 bits",
     post(b"Content-Length: 99999999999999999999999\r\n", b"hello"), 400),
    ("empty Content-Length", post(b"Content-Length: \r\n", b"hello"), 400),

    # RFC 9112 §6.3 item 3: TE with CL "ought to be handled as an error"; §6.1: a server
    # MAY reject it. We do: it is the classic smuggling vector.
    ("Transfer-Encoding and Content-Length",
     post(CHUNKED + b"Content-Length: 5\r\n", b"0\r\n\r\n"), 400),
    ("Content-Length and Transfer-Encoding",
     post(b"Content-Length: 5\r\n" + CHUNKED, b"0\r\n\r\n"), 400),
    # RFC 9112 §6.3 item 4: chunked not final in a request -> MUST 400.
    ("chunked not the final coding",
     post(b"Transfer-Encoding: chunked, gzip\r\n", b"0\r\n\r\n"), 400),
    ("chunked not final across two lines",
     post(CHUNKED + b"Transfer-Encoding: gzip\r\n", b"0\r\n\r\n"), 400),
    # RFC 9112 §6.1: "A sender MUST NOT apply the chunked transfer coding more than once".
    ("chunked applied twice",
     post(b"Transfer-Encoding: chunked, chunked\r\n", b"0\r\n\r\n"), 400),
    ("chunked twice across two lines", post(CHUNKED + CHUNKED, b"0\r\n\r\n"), 400),
    # RFC 9112 §6.1: a transfer coding the server does not understand -> 501.
    ("unknown transfer coding", post(b"Transfer-Encoding: foo\r\n", b"hello"), 501),
    ("gzip before chunked", post(b"Transfer-Encoding: gzip, chunked\r\n", b"0\r\n\r\n"), 501),
    ("identity coding (removed in RFC 7230)",
     post(b"Transfer-Encoding: identity\r\n", b"hello"), 501),
    # RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
    ("Transfer-Encoding in HTTP/1.0",
     b"POST / HTTP/1.0\r\nHost: a\r\n" + CHUNKED + b"\r\n0\r\n\r\n", 400),

    # RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF;
    # chunk-size = 1*HEXDIG.
    ("non-hex chunk size", chunked(b"z\r\nhello\r\n0\r\n\r\n"), 400),
    ("0x prefix on chunk size", chunked(b"0x5\r\nhello\r\n0\r\n\r\n"), 400),
    ("negative chunk size", chunked(b"-5\r\nhello\r\n0\r\n\r\n"), 400),
    ("space before chunk size", chunked(b" 5\r\nhello\r\n0\r\n\r\n"), 400),
    ("space after chunk size without extension", chunked(b"5 \r\nhello\r\n0\r\n\r\n"), 400),
    ("empty chunk size", chunked(b"\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunk size overflowing 64 bits", chunked(b"10000000000000000\r\nhello\r\n0\r\n\r\n"),
     400),
    ("bare LF after chunk size", chunked(b"5\nhello\r\n0\r\n\r\n"), 400),
    ("chunk data longer than its size", chunked(b"5\r\nhelloXX\r\n0\r\n\r\n"), 400),
    ("bare LF after chunk data", chunked(b"5\r\nhello\n0\r\n\r\n"), 400),
    ("bare CR after chunk data", chunked(b"5\r\nhello\rX0\r\n\r\n"), 400),
    # The pipelined request line lands where the final CRLF or a trailer should be.
    ("last chunk without the final CRLF", chunked(b"0\r\n"), 400),
    # RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
    ("empty chunk extension name", chunked(b"5;\r\nhello\r\n0\r\n\r\n"), 400),
    ("space inside a chunk extension name", chunked(b"5;a b\r\nhello\r\n0\r\n\r\n"), 400),
    ("unterminated quoted chunk extension", chunked(b"5;a=\"b\r\nhello\r\n0\r\n\r\n"), 400),
    ("control byte in a chunk extension", chunked(b"5;a=\x01\r\nhello\r\n0\r\n\r\n"), 400),
    # RFC 9112 §7.1.2: trailer-section = *( field-line CRLF ), same rules as the head.
    ("trailer with a non-token name", chunked(b"0\r\nBad Trailer: x\r\n\r\n"), 400),
    ("trailer with obs-fold", chunked(b"0\r\nX: a\r\n b\r\n\r\n"), 400),
    ("trailer with a bare LF", chunked(b"0\r\nX: a\n\r\n"), 400),

    # Smuggling shapes (CL.TE, TE.CL, TE.TE obfuscations): each must be refused whole.
    ("CL.TE: CL 6 and TE chunked with a smuggled prefix",
     post(b"Content-Length: 6\r\n" + CHUNKED, b"0\r\n\r\nG"), 400),
    ("TE.CL: TE chunked and CL 3 with a smuggled chunk",
     post(CHUNKED + b"Content-Length: 3\r\n", b"8\r\nSMUGGLED\r\n0\r\n\r\n"), 400),
    ("TE.TE: second TE line with a junk coding",
     post(CHUNKED + b"Transfer-encoding: cow\r\n", b"0\r\n\r\n"), 400),
    ("TE.TE: xchunked", post(b"Transfer-Encoding: xchunked\r\n", b"0\r\n\r\n"), 501),
    ("TE.TE: space before colon",
     post(b"Transfer-Encoding : chunked\r\n", b"0\r\n\r\n"), 400),
    ("TE.TE: VT before the coding",
     post(b"Transfer-Encoding:\x0bchunked\r\n", b"0\r\n\r\n"), 400),
    ("TE.TE: TE line after a bare LF",
     post(b"X: X\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n"), 400),
    ("TE.TE: TE as an obs-folded line",
     post(b"X: X\r\n Transfer-Encoding: chunked\r\n", b"0\r\n\r\n"), 400),
    ("TE.TE: TE value on a folded line",
     post(b"Transfer-Encoding:\r\n chunked\r\n", b"0\r\n\r\n"), 400),
    ("TE.TE: CL with a chunked, identity TE",
     post(b"Content-Length: 4\r\nTransfer-Encoding: chunked, identity\r\n", b"0\r\n\r\n"), 400),
    ("CL.CL: CL folded onto a second line",
     post(b"Content-Length: 5\r\n 5\r\n", b"hello"), 400),

    # RFC 9110 §10.1.1: an expectation other than 100-continue -> 417.
    ("unknown expectation", get(b"Expect: foo\r\n"), 417),
]

# Valid requests a strict parser must still accept. The root route answers each with 200,
# then the pipelined request must get its own answer.
ACCEPTED = [
    # RFC 9110 §8.6: a list of identical Content-Length values MAY be taken as one value.
    ("Content-Length: 5, 5", post(b"Content-Length: 5, 5\r\n", b"hello")),
    ("two identical Content-Length lines",
     post(b"Content-Length: 5\r\nContent-Length: 5\r\n", b"hello")),
    ("Content-Length with leading zeros", post(b"Content-Length: 005\r\n", b"hello")),
    ("Content-Length: 0", post(b"Content-Length: 0\r\n")),
    # RFC 9112 §5.1: OWS before and after the field value.
    ("OWS around values",
     b"POST / HTTP/1.1\r\nHost:   a   \r\nContent-Length:\t5\t\r\n\r\nhello"),
    ("no OWS at all", b"GET / HTTP/1.1\r\nHost:a\r\nX:y\r\n\r\n"),
    # RFC 9110 §5.5: field-value = *field-content, which allows HTAB and obs-text inside.
    ("HTAB inside a value", get(b"X: a\tb\r\n")),
    ("obs-text inside a value", get(b"X: caf\xe9\r\n")),
    ("empty field value", get(b"X-Empty:\r\n")),
    ("every tchar in a field name", get(b"X-!#$%&'*+-.^_`|~09az: v\r\n")),
    ("field name case", b"GET / HTTP/1.1\r\nhOsT: a\r\n\r\n"),
    ("query with reserved characters", line(b"GET /?a=b&c=%20d/?:@!$'()*+,; HTTP/1.1")),
    # RFC 9112 §2.2: "SHOULD ignore at least one empty line (CRLF) received prior to the
    # request-line".
    ("empty line before the request line", b"\r\n" + get()),
    # RFC 9112 §7.1: chunk extensions, leading zeros, hex case, trailers.
    ("chunk extensions", chunked(b"5;name=value\r\nhello\r\n0;last\r\n\r\n")),
    ("quoted chunk extension", chunked(b"5;a=\"b; c\"\r\nhello\r\n0\r\n\r\n")),
    ("valueless chunk extension", chunked(b"5;flag\r\nhello\r\n0\r\n\r\n")),
    ("chunk sizes with leading zeros and upper-case hex",
     chunked(b"000A\r\n0123456789\r\n00b\r\n0123456789a\r\n0\r\n\r\n")),
    ("trailer fields", chunked(b"5\r\nhello\r\n0\r\nX-Trailer: v\r\nX-Other: w\r\n\r\n")),
    ("many small chunks", chunked(b"".join(b"1\r\n%c\r\n" % (97 + i) for i in range(26))
                                  + b"0\r\n\r\n")),
    # RFC 9112 §7: transfer-coding names are case-insensitive.
    ("Transfer-Encoding: CHUNKED", post(b"Transfer-Encoding: CHUNKED\r\n", b"0\r\n\r\n")),
    ("HTAB as OWS before chunked", post(b"Transfer-Encoding:\tchunked\r\n", b"0\r\n\r\n")),
    ("Expect: 100-continue with the body already sent",
     post(b"Content-Length: 5\r\nExpect: 100-continue\r\n", b"hello")),
]


RESETS = []  # malformed cases whose connection ended in RST rather than FIN


def check_malformed(t, port, name, data, expected):
    how = harness.check_rejected(t, port, name, data, expected, PIPELINED)
    if how == "reset":
        RESETS.append(name)


def check_accepted(t, port, name, data):
    problems = []
    with Conn(port) as c:
        c.send(data + PIPELINED)
        try:
            first = c.read_response(3.0)
            if first.status != 200:
                problems.append(f"first response {first.status} {first.body[:80]!r}")
            second = c.read_response(3.0)
            if second.status != 200 or second.body != b"PIPELINED":
                problems.append(f"pipelined response {second.status} {second.body[:80]!r}")
            if c.wait_closed(0.2):
                problems.append("server closed the connection")
        except harness.HarnessError as e:
            problems.append(f"pipelined request: {e}" if problems else str(e))
    t.check(not problems, f"accepted: {name}", "; ".join(problems))


def main(t):
    config = make_config(routes=[route("pipelined", "PIPELINED", path="/pipelined"),
                                 route("root", "hello\n", path_prefix="/")])
    with Server(config) as server:
        port = server.port
        print(f"ringwall pid {server.pid} on 127.0.0.1:{port}; "
              f"{len(MALFORMED)} malformed and {len(ACCEPTED)} accepted cases")
        t.section("malformed requests (each with a valid request pipelined after it)")
        for name, data, expected in MALFORMED:
            check_malformed(t, port, name, data, expected)
        if RESETS:
            print(f"note: {len(RESETS)} of {len(MALFORMED)} error responses were followed by a "
                  "RST instead of a FIN (the server closed with unread input and no lingering "
                  "close; on a real network the RST can destroy the response before the "
                  "client reads it): " + ", ".join(RESETS[:10]))
        t.section("valid but unusual requests")
        for name, data in ACCEPTED:
            check_accepted(t, port, name, data)
        t.check(server.is_running(), "server still running", server.log_tail())
        t.equal(server.stop(), 0, "server exits 0 on SIGTERM")


if __name__ == "__main__":
    harness.run(main)
