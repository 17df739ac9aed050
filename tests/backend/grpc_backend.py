#!/usr/bin/env python3
# tests/backend/grpc_backend.py: a gRPC server (Debian's python3-grpcio) for the proxy's
# HTTP/2 upstream tests. Messages are raw bytes, so no generated code is needed.
#
#   python3 tests/backend/grpc_backend.py [--tls-cert PEM --tls-key KEY]
#
# Prints "listening on 127.0.0.1:PORT" once it serves; SIGTERM exits. Methods of the
# service ringwall.test.Echo:
#   Unary         answers the request reversed; initial metadata x-echo-peer-seen,
#                 trailing metadata x-trailer-bytes (the request's size) and, with request
#                 metadata x-want-binary, a binary trailer x-blob-bin
#   ServerStream  request "N:SIZE": N messages of SIZE bytes, message i filled with i % 256
#   ClientStream  answers "COUNT:TOTAL" over every message received
#   Bidi          answers every message with its sha256 (hex), as each arrives
#   Fail          aborts with NOT_FOUND and the message "no such thing: <request>"
#   Slow          request "MS": sleeps that long, then answers "late"

import argparse
import hashlib
import os
import signal
import sys
import time
from concurrent import futures

import grpc


def unary(request, context):
    context.send_initial_metadata((("x-echo-peer-seen", "yes"),))
    trailers = [("x-trailer-bytes", str(len(request)))]
    if any(k == "x-want-binary" for k, _ in context.invocation_metadata()):
        trailers.append(("x-blob-bin", bytes(range(256))))
    context.set_trailing_metadata(tuple(trailers))
    return request[::-1]


def server_stream(request, context):
    count, size = (int(x) for x in request.decode().split(":"))
    for i in range(count):
        yield bytes([i % 256]) * size


def client_stream(requests, context):
    count = total = 0
    for message in requests:
        count += 1
        total += len(message)
    return f"{count}:{total}".encode()


def bidi(requests, context):
    for message in requests:
        yield hashlib.sha256(message).hexdigest().encode()


def fail(request, context):
    context.abort(grpc.StatusCode.NOT_FOUND, "no such thing: " + request.decode(errors="replace"))


def slow(request, context):
    time.sleep(int(request.decode()) / 1000)
    return b"late"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()
    same = dict(request_deserializer=None, response_serializer=None)
    handlers = {
        "Unary": grpc.unary_unary_rpc_method_handler(unary, **same),
        "ServerStream": grpc.unary_stream_rpc_method_handler(server_stream, **same),
        "ClientStream": grpc.stream_unary_rpc_method_handler(client_stream, **same),
        "Bidi": grpc.stream_stream_rpc_method_handler(bidi, **same),
        "Fail": grpc.unary_unary_rpc_method_handler(fail, **same),
        "Slow": grpc.unary_unary_rpc_method_handler(slow, **same),
    }
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("ringwall.test.Echo", handlers),))
    if args.tls_cert:
        with open(args.tls_key, "rb") as k, open(args.tls_cert, "rb") as c:
            credentials = grpc.ssl_server_credentials(((k.read(), c.read()),))
        port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print(f"listening on 127.0.0.1:{port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    sys.exit(main())
