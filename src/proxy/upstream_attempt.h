// src/proxy/upstream_attempt.h: what one try of a proxied request on one backend shares,
// whichever protocol it speaks to the backend (upstream_exchange.cc, upstream_http2.cc).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <sys/uio.h>

#include "io/reactor.h"
#include "io/recv_stream.h"
#include "io/task.h"
#include "io/timer_wheel.h"
#include "proxy/upstream_connection.h"
#include "proxy/upstream_exchange.h"
#include "proxy/upstream_group.h"

namespace ringwall::proxy {

// What an HTTP/2 backend may send on a stream before we pass it on downstream.
inline constexpr std::uint32_t http2_upstream_window = 256 * 1024;

inline std::uint64_t ms_of(config::Duration d) noexcept { return static_cast<std::uint64_t>(d.count()); }

// Interrupts the upstream receive, and cancels the upstream send in flight, when the
// deadline passes. Lives in the exchange's frame; disarmed after every await it covers,
// so it never fires into a connection that went back to its pool.
class UpstreamDeadline final : public io::Timer {
public:
    explicit UpstreamDeadline(io::Reactor& reactor) noexcept : reactor_(reactor) {}

    // `stream` (may be null) is interrupted; whatever `*inflight` (may be null) names when
    // the deadline passes is cancelled.
    void watch(io::RecvStream* stream, const io::Completion* const* inflight, std::uint64_t ms) noexcept {
        stream_ = stream;
        inflight_ = inflight;
        fired = false;
        reactor_.arm(*this, ms);
    }
    void watch(io::RecvStream& stream, std::uint64_t ms) noexcept { watch(&stream, nullptr, ms); }

    bool fired = false;

private:
    void on_expire() noexcept override {
        fired = true;
        if (inflight_ != nullptr && *inflight_ != nullptr) {
            reactor_.cancel(*inflight_);
        }
        if (stream_ != nullptr) {
            stream_->interrupt();
        }
    }

    io::Reactor& reactor_;
    io::RecvStream* stream_ = nullptr;
    const io::Completion* const* inflight_ = nullptr;
};

struct Failure {
    std::uint16_t status = 502;
    std::string detail;
    bool retryable = false;      // nothing reached the backend that resending could repeat
    bool backend_fault = true;   // counts against the backend's health and the breaker
};

struct AttemptOutcome {
    bool done = false;  // a response (or an abort after its head) happened; else `failure`
    Failure failure;
    ForwardResult result;
    bool backend_ok = true;
    // When the backend's part ended, for its latency: set after a protocol switch, whose
    // tunnel may last hours and says nothing about how fast the backend answers.
    std::uint64_t answered_us = 0;
};

// The state one request shares between its attempts.
struct Context {
    const ForwardRequest& request;
    UpstreamGroup& group;
    io::Reactor& reactor;
    UpstreamStats& stats;
    std::uint64_t total_end_ms = 0;
    bool is_head = false;
    bool idempotent = false;
    std::string_view upgrade;  // the protocol the client asks to switch to, if we may
};

// The lesser of `phase_ms` and what is left of the whole exchange's time.
std::uint64_t left_ms(const Context& ctx, std::uint64_t phase_ms) noexcept;

// Closes the connection (in the background) unless it is null.
void release(Context& ctx, std::unique_ptr<UpstreamConnection> connection);

// Sends every byte of `pieces` upstream within the idle_read deadline; false on an error
// or when the deadline passed (deadline.fired).
io::Task<bool> send_pieces(Context& ctx, UpstreamConnection& connection, std::span<iovec> pieces,
                           UpstreamDeadline& deadline);

inline iovec piece(std::string_view bytes) noexcept {
    return iovec{.iov_base = const_cast<char*>(bytes.data()), .iov_len = bytes.size()};
}

struct Obtained {
    std::unique_ptr<UpstreamConnection> connection;  // null: see failure
    Failure failure;
};

// A pooled connection to `backend`, or a new one: connected, through its TLS handshake
// and, for HTTP/2, with ALPN agreed and the session started, all within timeouts.connect.
// Counts the request and the connection in the stats.
io::Task<Obtained> obtain_connection(Context& ctx, std::size_t backend, UpstreamDeadline& deadline);

// One try over HTTP/2 (upstream_http2.cc).
io::Task<AttemptOutcome> attempt_http2(Context& ctx, std::size_t backend, UpstreamDeadline& deadline);

}  // namespace ringwall::proxy
