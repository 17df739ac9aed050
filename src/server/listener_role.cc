// src/server/listener_role.cc: building each listener's TLS context from its configuration.
#include "server/listener_role.h"

#include <fstream>
#include <sstream>

#include "server/server.h"

namespace ringwall::server {
namespace {

tls::ServerOptions server_options(const config::Listener& listener) {
    const config::ListenerTls& settings = *listener.tls;
    tls::ServerOptions options;
    options.min_version = settings.min_tls13 ? tls::Version::tls1_3 : tls::Version::tls1_2;
    options.alpn = listener.http2 ? std::vector<std::string>{"h2", "http/1.1"} : std::vector<std::string>{"http/1.1"};
    options.session_tickets = settings.session_tickets;
    options.ticket_rotation_seconds =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(settings.ticket_key_rotation).count());
    if (options.ticket_rotation_seconds == 0) {
        options.ticket_rotation_seconds = 1;
    }
    options.session_cache_size = settings.session_cache_size;
    options.client_ca_file = settings.client_ca;
    switch (settings.client_verify) {
        case config::ClientVerify::off: options.client_verify = tls::ClientVerify::off; break;
        case config::ClientVerify::optional: options.client_verify = tls::ClientVerify::optional; break;
        case config::ClientVerify::required: options.client_verify = tls::ClientVerify::required; break;
    }
    return options;
}

}  // namespace

ListenerRoles build_listener_roles(const config::Config& config) {
    ListenerRoles roles;
    const std::vector<std::string> keys = listener_keys(config);
    for (std::size_t i = 0; i < config.listeners.size(); ++i) {
        const config::Listener& listener = config.listeners[i];
        auto role = std::make_shared<ListenerRole>();
        role->http2 = listener.http2;
        if (listener.tls) {
            role->handshake_timeout = listener.tls->handshake_timeout;
            auto context = std::make_shared<tls::ServerContext>(server_options(listener));
            const std::string path = "listeners[" + std::to_string(i) + "].tls";
            if (context->setup_error()) {
                roles.error = path + ".client_ca: " + *context->setup_error();
                return roles;
            }
            for (std::size_t c = 0; c < listener.tls->certificates.size(); ++c) {
                const config::TlsCertificate& cert = listener.tls->certificates[c];
                if (auto error = context->add_certificate({cert.chain, cert.key}, cert.ocsp_response)) {
                    roles.error = path + ".certificates[" + std::to_string(c) + "]: " + *error;
                    return roles;
                }
            }
            role->tls = std::move(context);
        }
        roles.by_key.emplace(keys[i], std::move(role));
    }
    return roles;
}

bool kernel_tls_available() {
    std::ifstream in("/proc/sys/net/ipv4/tcp_available_ulp");
    std::string word;
    while (in >> word) {
        if (word == "tls") {
            return true;
        }
    }
    return false;
}

}  // namespace ringwall::server
