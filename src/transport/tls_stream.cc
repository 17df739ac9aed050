// src/transport/tls_stream.cc: moving TLS records between the socket and the session.
#include "transport/tls_stream.h"

#include <cerrno>
#include <span>

#include "io/ops.h"

#include <openssl/ssl.h>

namespace ringwall::transport {
namespace {

// One record's worth: a read never returns more than one record's plaintext anyway.
constexpr std::size_t plaintext_size = 16 * 1024;
// Ciphertext queued per send: about four full records, few enough to stay in cache.
constexpr tls::SessionLimits session_limits{.max_pending_ciphertext = 64 * 1024 + 512};

}  // namespace

TlsStream::TlsStream(io::Reactor& reactor, int fd, io::RecvStream& recv,
                     std::shared_ptr<const tls::ServerContext> context)
    : reactor_(reactor), fd_(fd), recv_(recv), context_(context), session_(*context, session_limits) {}

TlsStream::TlsStream(io::Reactor& reactor, int fd, io::RecvStream& recv,
                     std::shared_ptr<const tls::ClientContext> context, std::string_view server_name,
                     std::string_view resumption_key)
    : reactor_(reactor),
      fd_(fd),
      recv_(recv),
      context_(context),
      session_(*context, server_name, resumption_key, session_limits) {}

io::Task<bool> TlsStream::flush_ciphertext(const io::Completion*& inflight) {
    ciphertext_.clear();
    session_.take_ciphertext(ciphertext_);
    std::string_view left = ciphertext_;
    while (!left.empty()) {
        io::SendOp op(reactor_, fd_, left);
        inflight = &op;
        const int sent = co_await op;
        inflight = nullptr;
        if (sent <= 0) {
            co_return false;
        }
        left.remove_prefix(static_cast<std::size_t>(sent));
    }
    co_return true;
}

io::Task<bool> TlsStream::handshake(const io::Completion*& inflight) {
    for (;;) {
        const tls::HandshakeStep step = session_.handshake();
        // TLS 1.3's session ticket goes now too, though no client waits for it: sent, it
        // carries the ACK of the client's Finished, and a client that has not disabled
        // Nagle's algorithm would otherwise hold its first request for a delayed ACK.
        if (session_.pending_ciphertext() > 0 && !co_await flush_ciphertext(inflight)) {
            co_return false;
        }
        if (step.status != tls::HandshakeStatus::want_io) {
            co_return step.status == tls::HandshakeStatus::done;
        }
        io::RecvResult received = co_await recv_.next();
        if (received.kind != io::RecvResult::Kind::data) {
            co_return false;
        }
        session_.feed_ciphertext(received.buffer.bytes());
    }
}

io::Task<io::RecvResult> TlsStream::next(const io::Completion*& inflight) {
    (void)inflight;
    // Bytes already fed may hold a whole record: try them first. After need_more, only
    // new bytes can help (a partial record stays buffered, so "has input" is no signal).
    bool want_input = !session_.has_buffered_input();
    for (;;) {
        // An idle connection waits here holding no plaintext buffer: it is made only when
        // there are bytes to decrypt.
        if (want_input) {
            io::RecvResult received = co_await recv_.next();
            if (received.kind != io::RecvResult::Kind::data) {
                co_return received;
            }
            session_.feed_ciphertext(received.buffer.bytes());
        }
        if (!plaintext_) {
            plaintext_ = std::make_unique<char[]>(plaintext_size);
        }
        const tls::ReadStep step = session_.read_plaintext(std::span<char>(plaintext_.get(), plaintext_size));
        switch (step.status) {
            case tls::ReadStatus::data:
                co_return io::RecvResult{.kind = io::RecvResult::Kind::data,
                                         .error = 0,
                                         .buffer = io::RecvBuffer(nullptr, 0, plaintext_.get(),
                                                                  static_cast<std::uint32_t>(step.bytes))};
            case tls::ReadStatus::closed:
                co_return io::RecvResult{.kind = io::RecvResult::Kind::eof, .error = 0, .buffer = {}};
            case tls::ReadStatus::failed:
                co_return io::RecvResult{.kind = io::RecvResult::Kind::error, .error = EPROTO, .buffer = {}};
            case tls::ReadStatus::need_more:
                // What may be pending to send here (our answer to a KeyUpdate) leaves with
                // the next response.
                want_input = true;
                break;
        }
    }
}

io::Task<bool> TlsStream::send(std::string_view bytes, const io::Completion*& inflight, bool last) {
    while (!bytes.empty()) {
        const std::size_t taken = session_.write_plaintext(bytes);
        if (taken == 0 && session_.pending_ciphertext() == 0) {
            co_return false;  // the session failed or was shut down
        }
        bytes.remove_prefix(taken);
        if (bytes.empty() && last && !close_notify_sent_) {
            close_notify_sent_ = session_.shutdown();
        }
        if (!co_await flush_ciphertext(inflight)) {
            co_return false;
        }
    }
    co_return true;
}

io::Task<void> TlsStream::close_notify(const io::Completion*& inflight) {
    if (!close_notify_sent_) {
        close_notify_sent_ = session_.shutdown();
    }
    if (session_.pending_ciphertext() > 0) {
        co_await flush_ciphertext(inflight);
    }
}

bool TlsStream::absorb(std::string_view ciphertext, std::string& plaintext) {
    session_.feed_ciphertext(ciphertext);
    char buffer[4096];
    for (;;) {
        const tls::ReadStep step = session_.read_plaintext(std::span<char>(buffer, sizeof buffer));
        switch (step.status) {
            case tls::ReadStatus::data:
                plaintext.append(buffer, step.bytes);
                break;
            case tls::ReadStatus::need_more:
                return true;
            case tls::ReadStatus::closed:
            case tls::ReadStatus::failed:
                return false;
        }
    }
}

void TlsStream::release_buffers() noexcept {
    plaintext_.reset();
    std::string().swap(ciphertext_);
    session_.release_idle_memory();
}

}  // namespace ringwall::transport
