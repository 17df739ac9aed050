// src/server/listener_role.h: what a listening socket speaks: TLS or not, HTTP/2 or not.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "tls/server_context.h"

namespace ringwall::server {

// Built from the configuration at start and at every reload (which is how certificates
// are reloaded on SIGHUP); shared read-only by the workers. A connection keeps the role it
// was accepted under for its whole life.
struct ListenerRole {
    std::shared_ptr<const tls::ServerContext> tls;  // null: plain TCP
    std::chrono::milliseconds handshake_timeout{10'000};
    bool http2 = true;  // ALPN h2 with TLS, h2c with prior knowledge without
};

struct ListenerRoles {
    std::map<std::string, std::shared_ptr<const ListenerRole>> by_key;  // listener_keys() order
    std::string error;  // the first certificate or key that did not load, with its key path
};

ListenerRoles build_listener_roles(const config::Config& config);

// Whether the kernel can take over TLS records (kTLS): the "tls" upper layer protocol is
// registered. Checked once; without it records are sealed and opened in user space.
bool kernel_tls_available();

}  // namespace ringwall::server
