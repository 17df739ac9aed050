// src/transport/tls_stream.h: a TLS connection driven by the reactor, to a client or to a
// backend: ciphertext moves between the socket and a tls::Session, plaintext between the
// session and the codec.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "io/recv_stream.h"
#include "io/task.h"
#include "tls/session.h"

namespace ringwall::transport {

// One coroutine at a time reads (handshake, next) and one sends (send); the codec on top
// never overlaps two reads or two sends, as with a plain socket.
class TlsStream {
public:
    // The server side of a connection a listener accepted.
    TlsStream(io::Reactor& reactor, int fd, io::RecvStream& recv,
              std::shared_ptr<const tls::ServerContext> context);
    // The client side of a connection to a backend; see tls::Session for the names.
    TlsStream(io::Reactor& reactor, int fd, io::RecvStream& recv, std::shared_ptr<const tls::ClientContext> context,
              std::string_view server_name, std::string_view resumption_key);
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    // Runs the handshake to its end: true when application data may flow. On failure the
    // alert telling the client why has been sent. `inflight` is where a deadline finds the
    // send to cancel.
    io::Task<bool> handshake(const io::Completion*& inflight);

    // The next plaintext, with RecvStream's meaning of eof, error and interrupted (a TLS
    // failure is an error). The buffer is ours, valid until the next call: the caller lets
    // go of it before asking again.
    io::Task<io::RecvResult> next(const io::Completion*& inflight);

    // Encrypts and sends all of `bytes`; false when the socket or the session failed.
    // `last`: close_notify follows in the same send (the connection closes after it).
    io::Task<bool> send(std::string_view bytes, const io::Completion*& inflight, bool last = false);

    // Sends close_notify, best effort, so the client can tell a complete response from a
    // truncated one.
    io::Task<void> close_notify(const io::Completion*& inflight);

    // Between requests: give back the plaintext and ciphertext buffers.
    void release_buffers() noexcept;

    // For a pooled connection that received `ciphertext` while idle: decrypts it now and
    // appends the plaintext to `plaintext`. False when the peer closed or the bytes were
    // not valid records. Records without data (a TLS 1.3 session ticket) leave nothing.
    bool absorb(std::string_view ciphertext, std::string& plaintext);

    const tls::Session& session() const noexcept { return session_; }

private:
    io::Task<bool> flush_ciphertext(const io::Completion*& inflight);

    io::Reactor& reactor_;
    int fd_;
    io::RecvStream& recv_;
    std::shared_ptr<const void> context_;  // the session's callbacks point into it
    tls::Session session_;
    std::unique_ptr<char[]> plaintext_;
    std::string ciphertext_;
    bool close_notify_sent_ = false;
};

}  // namespace ringwall::transport
