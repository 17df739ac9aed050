// src/tls/session.h: one TLS connection over in-memory buffers, sans-I/O: the caller moves
// ciphertext between the socket and the session, plaintext to and from it. Server side for
// listeners, client side for backends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <memory>
#include <optional>

#include "tls/openssl_handles.h"
#include "tls/client_context.h"
#include "tls/record_layer.h"
#include "tls/server_context.h"

namespace ringwall::tls {

struct SessionLimits {
    // Outgoing ciphertext the session holds before the caller must take it. Application
    // data respects it exactly; a handshake flight (certificate chain) or an alert is
    // written whole, so the bound must exceed the largest chain to be meaningful.
    std::size_t max_pending_ciphertext = 64 * 1024;
};

enum class HandshakeStatus : std::uint8_t { done, want_io, failed };

struct HandshakeStep {
    HandshakeStatus status;
    std::string_view reason;  // set for failed; valid while the session lives
};

enum class ReadStatus : std::uint8_t {
    data,       // `bytes` > 0 were copied out
    need_more,  // feed more ciphertext (and send what take_ciphertext returns)
    closed,     // the peer sent close_notify: a clean end of the stream
    failed,     // bad record, or the transport ended without close_notify
};

struct ReadStep {
    ReadStatus status;
    std::size_t bytes = 0;
};

// OpenSSL's key log callback (SSL_CTX_set_keylog_callback): keeps the TLS 1.3 traffic
// secrets of the session that owns `ssl`.
void capture_traffic_secret(const SSL* ssl, const char* line);

// One connection, one thread. After any failure every call fails again.
class Session {
public:
    // `context` must outlive the session.
    Session(const ServerContext& context, const SessionLimits& limits);
    // A client: `server_name` is sent as SNI when it is a DNS name and, when the context
    // verifies, is what the certificate must name (a DNS name or an IP address). Sessions
    // are resumed and remembered under `resumption_key`.
    Session(const ClientContext& context, std::string_view server_name, std::string_view resumption_key,
            const SessionLimits& limits);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Appends received ciphertext; it is copied, so `bytes` may be reused at once.
    void feed_ciphertext(std::string_view bytes);

    // Advances the handshake with what was fed. After want_io or done, call
    // take_ciphertext: a flight or alert may be waiting. After failed, too: the alert
    // telling the client why is there.
    HandshakeStep handshake();

    // Decrypts into `out`. Only after the handshake is done; `failed` before.
    ReadStep read_plaintext(std::span<char> out);

    // Encrypts as much of `bytes` as fits under max_pending_ciphertext and returns how
    // much it took (0 when full, before the handshake is done, after shutdown or failure).
    std::size_t write_plaintext(std::string_view bytes);

    // Appends all pending ciphertext to `out` and returns its size (moved, not copied,
    // when `out` is empty).
    std::size_t take_ciphertext(std::string& out);
    std::size_t pending_ciphertext() const noexcept { return outgoing_.size(); }
    // Whether fed ciphertext is waiting to be decrypted (a whole record may be there).
    bool has_buffered_input() const noexcept { return incoming_read_ < incoming_.size(); }

    // Gives back buffer memory while the connection is idle (nothing pending either way).
    void release_idle_memory() noexcept;

    // Queues close_notify (take_ciphertext sends it). We do not wait for the peer's
    // (RFC 8446 §6.1 lets us close after sending ours). False if it could not be queued.
    bool shutdown();

    // Whether the SSL object is gone and records go through our own TLS 1.3 record layer.
    bool has_own_records() const noexcept { return records_.has_value(); }

    // Empty until negotiated; views live as long as the session.
    std::string_view alpn() const noexcept;
    std::string_view server_name() const noexcept;
    // Wire version, e.g. 0x0304 for TLS 1.3; 0 before the handshake is done.
    int protocol_version() const noexcept;
    // The client certificate's subject (RFC 2253) when one was presented and verified;
    // empty otherwise.
    std::string verified_peer_subject() const;
    // Whether OpenSSL reused a session (a ticket or the cache) for this handshake.
    bool is_resumed() const noexcept;
    bool is_handshake_done() const noexcept { return handshake_done_; }
    bool peer_closed_cleanly() const noexcept { return peer_closed_cleanly_; }
    std::string_view failure_reason() const noexcept { return failure_; }
    std::string_view resumption_key() const noexcept { return resumption_key_; }

private:
    void attach_bio();
    bool fail(std::string_view fallback);
    // After a TLS 1.3 handshake: keep the traffic secrets, what the accessors report, and
    // free the SSL object. `records_sent`: application-key records already written.
    void take_over_records(std::size_t records_sent);
    ReadStep read_own_record(std::span<char> out);
    friend void capture_traffic_secret(const SSL* ssl, const char* line);

    friend struct SessionBio;

    SslHandle ssl_;
    std::string resumption_key_;  // clients only
    // What OpenSSL reads and writes through the session's BIO: plain strings that are
    // emptied as they are consumed, so an idle connection keeps no record-sized buffer
    // (a memory BIO never shrinks).
    std::string incoming_;
    std::size_t incoming_read_ = 0;
    std::string outgoing_;
    // Set once the SSL object is freed after a TLS 1.3 handshake.
    std::optional<RecordLayer> records_;
    std::string record_plaintext_;  // one opened record, while it is being copied out
    std::size_t record_offset_ = 0;
    std::string client_secret_;     // *_TRAFFIC_SECRET_0 from the key log, until taken over
    std::string server_secret_;
    // What the accessors report once the SSL object is gone.
    std::string alpn_;
    std::string server_name_;
    std::string peer_subject_;
    int version_ = 0;
    bool resumed_ = false;
    bool sent_close_notify_ = false;
    SessionLimits limits_;
    std::string failure_;
    bool handshake_done_ = false;
    bool peer_closed_cleanly_ = false;
    bool failed_ = false;
};

}  // namespace ringwall::tls
