// src/config/tls_loader.h: a listener's [listeners.tls] table, an upstream's [upstreams.tls]
// table and the top-level [http2] table.
#pragma once

#include <toml++/toml.h>

#include <string>

#include "config/config.h"
#include "config/reader.h"

namespace ringwall::config {

// [listeners.tls]: certificates (required, each an inline table with chain, key and an
// optional ocsp_response; every file must be readable now), min_version, handshake_timeout,
// session_tickets, ticket_key_rotation, session_cache_size, client_ca and client_verify.
// Whether the PEM inside parses is checked where the TLS contexts are built.
void load_listener_tls(Reader& in, const toml::table& table, const std::string& path, ListenerTls& tls);

// [upstreams.tls]: verify, ca_file, server_name, min_version, and certificate with key for
// backends that ask for a client certificate. Files must be readable now.
void load_upstream_tls(Reader& in, const toml::table& table, const std::string& path, UpstreamTls& tls);

// [http2]: SETTINGS values (within RFC 9113 §6.5.2's ranges) and the flood limits.
void load_http2(Reader& in, const toml::table& table, const std::string& path, Http2& http2);

}  // namespace ringwall::config
