// src/tls/session.cc: driving one SSL object through a BIO over the session's own buffers.
#include "tls/session.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>

namespace ringwall::tls {
namespace {

// Largest expansion of one record: 5 header bytes plus, for TLS 1.3, the inner content
// type and a 16-byte tag, or for TLS 1.2 GCM an 8-byte explicit nonce and the tag.
// Rounded up so a cipher we did not count cannot break the bound.
constexpr std::size_t record_overhead = 64;
constexpr std::size_t max_record_plaintext = 16 * 1024;  // RFC 8446 §5.1

}  // namespace

// A source/sink BIO whose data pointer is the Session: reads drain `incoming_`, writes
// append to `outgoing_`. An empty input is "try again", never end of stream.
struct SessionBio {
    static Session& session(BIO* bio) noexcept { return *static_cast<Session*>(BIO_get_data(bio)); }

    static int write(BIO* bio, const char* data, std::size_t length, std::size_t* written) {
        session(bio).outgoing_.append(data, length);
        *written = length;
        return 1;
    }

    static int read(BIO* bio, char* data, std::size_t length, std::size_t* read_bytes) {
        Session& s = session(bio);
        const std::size_t available = s.incoming_.size() - s.incoming_read_;
        BIO_clear_retry_flags(bio);
        if (available == 0) {
            BIO_set_retry_read(bio);
            *read_bytes = 0;
            return 0;
        }
        const std::size_t n = std::min(length, available);
        std::memcpy(data, s.incoming_.data() + s.incoming_read_, n);
        s.incoming_read_ += n;
        if (s.incoming_read_ == s.incoming_.size()) {
            s.incoming_.clear();
            s.incoming_read_ = 0;
        }
        *read_bytes = n;
        return 1;
    }

    static long control(BIO* bio, int command, long, void*) {
        switch (command) {
            case BIO_CTRL_FLUSH:
                return 1;
            case BIO_CTRL_PENDING: {
                const Session& s = session(bio);
                return static_cast<long>(s.incoming_.size() - s.incoming_read_);
            }
            case BIO_CTRL_WPENDING:
                return static_cast<long>(session(bio).outgoing_.size());
            default:
                return 0;
        }
    }

    static int create(BIO* bio) {
        BIO_set_init(bio, 1);
        return 1;
    }

    static BIO_METHOD* method() {
        static BIO_METHOD* const made = [] {
            BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "ringwall session");
            if (m != nullptr) {
                BIO_meth_set_write_ex(m, &SessionBio::write);
                BIO_meth_set_read_ex(m, &SessionBio::read);
                BIO_meth_set_ctrl(m, &SessionBio::control);
                BIO_meth_set_create(m, &SessionBio::create);
            }
            return m;
        }();
        return made;
    }
};

Session::Session(const ServerContext& context, const SessionLimits& limits)
    : ssl_(SSL_new(context.initial_context())), limits_(limits) {
    attach_bio();
    if (!failed_) {
        SSL_set_accept_state(ssl_.get());
    }
}

Session::Session(const ClientContext& context, std::string_view server_name, std::string_view resumption_key,
                 const SessionLimits& limits)
    : ssl_(SSL_new(context.get())), resumption_key_(resumption_key), limits_(limits) {
    attach_bio();
    if (failed_) {
        return;
    }
    SSL* ssl = ssl_.get();
    const std::string name(server_name);
    const bool is_ip = name.find(':') != std::string::npos ||
                       name.find_first_not_of("0123456789.") == std::string::npos;
    if (!name.empty() && !is_ip && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
        fail("cannot set SNI");
        return;
    }
    if (context.options().verify && !name.empty()) {
        // An IP literal is matched against the certificate's IP SANs, a name against its
        // DNS SANs (RFC 6125), never one as the other.
        const bool named = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) == 1
                                 : SSL_set1_host(ssl, name.c_str()) == 1;
        if (!named) {
            fail("cannot set the name to verify");
            return;
        }
    }
    if (SSL_SESSION* cached = context.recall(resumption_key_)) {
        SSL_set_session(ssl, cached);
        SSL_SESSION_free(cached);
    }
    SSL_set_connect_state(ssl);
}

Session::~Session() {
    if (ssl_ != nullptr && handshake_done_ && !failed_) {
        // Freed without both close_notify alerts, OpenSSL would take the connection for a
        // truncated one and make its session unresumable; a connection we simply stop
        // using (an idle backend connection, a client gone quiet) is no such attack.
        SSL_set_shutdown(ssl_.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    }
}

void Session::attach_bio() {
    if (ssl_ == nullptr) {
        fail("cannot create SSL");
        return;
    }
    BIO* bio = SessionBio::method() == nullptr ? nullptr : BIO_new(SessionBio::method());
    if (bio == nullptr) {
        fail("cannot create BIO");
        return;
    }
    BIO_set_data(bio, this);
    SSL_set_bio(ssl_.get(), bio, bio);  // one reference serves both directions
    SSL_set_app_data(ssl_.get(), this);
}

bool Session::fail(std::string_view fallback) {
    failed_ = true;
    if (failure_.empty()) {
        failure_ = take_openssl_error(fallback);
    } else {
        ERR_clear_error();
    }
    return false;
}

void Session::feed_ciphertext(std::string_view bytes) {
    if (failed_ || bytes.empty()) {
        return;
    }
    // The buffer grows to hold anything; the caller bounds what it receives.
    incoming_.append(bytes);
}

HandshakeStep Session::handshake() {
    if (failed_) {
        return {HandshakeStatus::failed, failure_};
    }
    if (handshake_done_) {
        return {HandshakeStatus::done, {}};
    }
    ERR_clear_error();
    const std::size_t flight_start = outgoing_.size();
    const int result = SSL_do_handshake(ssl_.get());
    if (result == 1) {
        handshake_done_ = true;
        if (SSL_version(ssl_.get()) == TLS1_3_VERSION) {
            // What this last step wrote follows our Finished: session tickets, under the
            // application key. Their count is where our write sequence starts.
            std::size_t records = 0;
            for (std::size_t at = flight_start; at + 5 <= outgoing_.size();) {
                const auto* h = reinterpret_cast<const unsigned char*>(outgoing_.data() + at);
                at += 5 + ((std::size_t{h[3]} << 8) | h[4]);
                ++records;
            }
            take_over_records(records);
        }
        return {HandshakeStatus::done, {}};
    }
    const int error = SSL_get_error(ssl_.get(), result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        return {HandshakeStatus::want_io, {}};
    }
    const long verified = SSL_get_verify_result(ssl_.get());
    if (SSL_is_server(ssl_.get()) == 0 && verified != X509_V_OK) {
        // OpenSSL's own reason is only "certificate verify failed"; say which check.
        failure_ = std::string("the backend's certificate was refused: ") + X509_verify_cert_error_string(verified);
    }
    fail("handshake failed");
    return {HandshakeStatus::failed, failure_};
}

void capture_traffic_secret(const SSL* ssl, const char* line) {
    auto* session = static_cast<Session*>(SSL_get_app_data(ssl));
    const std::string_view text(line);
    std::string* target = text.starts_with("CLIENT_TRAFFIC_SECRET_0 ")   ? &session->client_secret_
                          : text.starts_with("SERVER_TRAFFIC_SECRET_0 ") ? &session->server_secret_
                                                                         : nullptr;
    if (session == nullptr || target == nullptr) {
        return;
    }
    // "<label> <client random hex> <secret hex>"
    const std::size_t last_space = text.rfind(' ');
    const std::string_view hex = text.substr(last_space + 1);
    target->clear();
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        const auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
        target->push_back(static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
    }
}

void Session::take_over_records(std::size_t records_sent) {
    SSL* ssl = ssl_.get();
    const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
    const std::optional<RecordCipher> record_cipher =
        cipher == nullptr ? std::nullopt
                          : record_cipher_of(static_cast<std::uint16_t>(SSL_CIPHER_get_protocol_id(cipher)));
    // Still in OpenSSL's hands: an unknown suite, missing secrets, or plaintext it holds.
    if (!record_cipher || client_secret_.empty() || server_secret_.empty() || SSL_has_pending(ssl) == 1) {
        return;
    }
    records_ = RecordLayer::from_secrets(*record_cipher, client_secret_, server_secret_, records_sent);
    OPENSSL_cleanse(client_secret_.data(), client_secret_.size());
    OPENSSL_cleanse(server_secret_.data(), server_secret_.size());
    std::string().swap(client_secret_);
    std::string().swap(server_secret_);
    if (!records_) {
        return;
    }
    const unsigned char* name = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(ssl, &name, &length);
    alpn_.assign(reinterpret_cast<const char*>(name), name == nullptr ? 0 : length);
    if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) {
        server_name_ = sni;
    }
    peer_subject_ = verified_peer_subject();
    version_ = SSL_version(ssl);
    resumed_ = SSL_session_reused(ssl) == 1;
    // Marked as shut down properly, so a cached session survives the free.
    SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    ssl_.reset();
}

ReadStep Session::read_own_record(std::span<char> out) {
    for (;;) {
        if (record_offset_ < record_plaintext_.size()) {
            // The rest of a record larger than the caller's buffer.
            const std::size_t bytes = std::min(out.size(), record_plaintext_.size() - record_offset_);
            std::memcpy(out.data(), record_plaintext_.data() + record_offset_, bytes);
            record_offset_ += bytes;
            return {ReadStatus::data, bytes};
        }
        record_plaintext_.clear();
        record_offset_ = 0;
        const std::string_view input = std::string_view(incoming_).substr(incoming_read_);
        std::string reply;
        const OpenStep step = records_->open(input, record_plaintext_, reply);
        incoming_read_ += step.consumed;
        if (incoming_read_ == incoming_.size()) {
            incoming_.clear();
            incoming_read_ = 0;
        }
        outgoing_ += reply;
        switch (step.status) {
            case OpenStatus::need_more:
                return {ReadStatus::need_more};
            case OpenStatus::closed:
                peer_closed_cleanly_ = true;
                return {ReadStatus::closed};
            case OpenStatus::failed:
                failed_ = true;
                failure_ = "bad record";
                return {ReadStatus::failed};
            case OpenStatus::data:
                break;
        }
        // An empty record (a KeyUpdate, or zero-length data) loops to the next one.
    }
}

ReadStep Session::read_plaintext(std::span<char> out) {
    if (failed_ || !handshake_done_) {
        return {ReadStatus::failed};
    }
    if (peer_closed_cleanly_) {
        return {ReadStatus::closed};
    }
    if (out.empty()) {
        return {ReadStatus::need_more};
    }
    if (records_) {
        return read_own_record(out);
    }
    ERR_clear_error();
    std::size_t bytes = 0;
    if (SSL_read_ex(ssl_.get(), out.data(), out.size(), &bytes) == 1) {
        return {ReadStatus::data, bytes};
    }
    switch (SSL_get_error(ssl_.get(), 0)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return {ReadStatus::need_more};
    case SSL_ERROR_ZERO_RETURN:
        peer_closed_cleanly_ = true;
        return {ReadStatus::closed};
    default:
        fail("cannot read record");
        return {ReadStatus::failed};
    }
}

std::size_t Session::write_plaintext(std::string_view bytes) {
    if (failed_ || !handshake_done_ || sent_close_notify_ ||
        (!records_ && (SSL_get_shutdown(ssl_.get()) & SSL_SENT_SHUTDOWN))) {
        return 0;
    }
    std::size_t taken = 0;
    if (records_) {
        while (taken < bytes.size()) {
            const std::size_t pending = pending_ciphertext();
            if (pending + record_overhead >= limits_.max_pending_ciphertext) {
                break;
            }
            const std::size_t room = limits_.max_pending_ciphertext - pending - record_overhead;
            const std::size_t chunk = std::min({bytes.size() - taken, room, max_record_plaintext});
            if (!records_->seal(bytes.substr(taken, chunk), outgoing_)) {
                fail("cannot seal record");
                break;
            }
            taken += chunk;
        }
        return taken;
    }
    // One record per SSL_write, sized so its ciphertext still fits under the bound.
    while (taken < bytes.size()) {
        const std::size_t pending = pending_ciphertext();
        if (pending + record_overhead >= limits_.max_pending_ciphertext) {
            break;
        }
        const std::size_t room = limits_.max_pending_ciphertext - pending - record_overhead;
        const std::size_t chunk =
            std::min({bytes.size() - taken, room, max_record_plaintext});
        ERR_clear_error();
        std::size_t written = 0;
        if (SSL_write_ex(ssl_.get(), bytes.data() + taken, chunk, &written) != 1) {
            fail("cannot write record");
            break;
        }
        taken += written;
    }
    return taken;
}

std::size_t Session::take_ciphertext(std::string& out) {
    const std::size_t pending = outgoing_.size();
    if (out.empty()) {
        out.swap(outgoing_);
    } else {
        out.append(outgoing_);
    }
    outgoing_.clear();
    return pending;
}

void Session::release_idle_memory() noexcept {
    if (incoming_read_ == 0 && incoming_.empty()) {
        std::string().swap(incoming_);
    }
    if (outgoing_.empty()) {
        std::string().swap(outgoing_);
    }
}

bool Session::shutdown() {
    if (records_ && !failed_) {
        if (!sent_close_notify_ && !records_->seal_close_notify(outgoing_)) {
            return fail("cannot send close_notify");
        }
        sent_close_notify_ = true;
        return true;
    }
    if (ssl_ == nullptr || failed_ || !handshake_done_) {
        return false;
    }
    ERR_clear_error();
    // 0 means "sent ours, the peer's not seen yet", which is all we ask for.
    if (SSL_shutdown(ssl_.get()) < 0) {
        return fail("cannot send close_notify");
    }
    return true;
}

std::string_view Session::alpn() const noexcept {
    if (ssl_ == nullptr) {
        return alpn_;
    }
    const unsigned char* name = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl_.get(), &name, &len);
    return name == nullptr ? std::string_view() :
                             std::string_view(reinterpret_cast<const char*>(name), len);
}

std::string_view Session::server_name() const noexcept {
    if (ssl_ == nullptr) {
        return server_name_;
    }
    const char* name = SSL_get_servername(ssl_.get(), TLSEXT_NAMETYPE_host_name);
    return name == nullptr ? std::string_view() : std::string_view(name);
}

std::string Session::verified_peer_subject() const {
    if (ssl_ == nullptr) {
        return peer_subject_;
    }
    if (!handshake_done_ || SSL_get_verify_result(ssl_.get()) != X509_V_OK) {
        return {};
    }
    X509* peer = SSL_get0_peer_certificate(ssl_.get());
    if (peer == nullptr) {
        return {};
    }
    BIO* text = BIO_new(BIO_s_mem());
    if (text == nullptr) {
        return {};
    }
    X509_NAME_print_ex(text, X509_get_subject_name(peer), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long size = BIO_get_mem_data(text, &data);
    std::string subject(data, size > 0 ? static_cast<std::size_t>(size) : 0);
    BIO_free(text);
    return subject;
}

bool Session::is_resumed() const noexcept {
    return ssl_ == nullptr ? resumed_ : SSL_session_reused(ssl_.get()) == 1;
}

int Session::protocol_version() const noexcept {
    if (!handshake_done_) {
        return 0;
    }
    return ssl_ == nullptr ? version_ : SSL_version(ssl_.get());
}

}  // namespace ringwall::tls
