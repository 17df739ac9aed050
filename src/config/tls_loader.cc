// src/config/tls_loader.cc: reading TLS listener settings and HTTP/2 settings.
#include "config/tls_loader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "config/toml_text.h"

namespace ringwall::config {
namespace {

constexpr std::int64_t u32_max = std::numeric_limits<std::uint32_t>::max();

// A path the server will open later: checked now so that a typo is reported with its
// position, not as a failed start.
std::optional<std::string> readable_file(Reader& in, const toml::node& v, const std::string& p) {
    std::optional<std::string> path = in.string(v, p);
    if (!path) {
        return std::nullopt;
    }
    if (path->empty() || ::access(path->c_str(), R_OK) != 0) {
        in.error(v.source(), p,
                 "cannot read " + toml_string(*path) + ": " + std::strerror(path->empty() ? ENOENT : errno));
        return std::nullopt;
    }
    return path;
}

void load_certificate(Reader& in, const toml::table& table, const std::string& path, TlsCertificate& cert) {
    in.fields(table, path,
              {
                  {"chain",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto file = readable_file(in, v, p)) {
                           cert.chain = std::move(*file);
                       }
                   }},
                  {"key",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto file = readable_file(in, v, p)) {
                           cert.key = std::move(*file);
                       }
                   }},
                  {"ocsp_response",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto file = readable_file(in, v, p)) {
                           cert.ocsp_response = std::move(*file);
                       }
                   }},
              });
    for (std::string_view required : {"chain", "key"}) {
        if (!table.contains(required)) {
            in.error(table.source(), child_path(path, required),
                     "missing; every certificate needs chain = \"site.pem\" and key = \"site.key\"");
        }
    }
}

}  // namespace

void load_listener_tls(Reader& in, const toml::table& table, const std::string& path, ListenerTls& tls) {
    const toml::node* client_verify_at = nullptr;
    in.fields(
        table, path,
        {
            {"certificates",
             [&](const toml::node& v, const std::string& p) {
                 const toml::array* array = in.array(v, p, "an array of tables such as [{ chain = \"site.pem\", key = \"site.key\" }]");
                 if (array == nullptr) {
                     return;
                 }
                 for (std::size_t i = 0; i < array->size(); ++i) {
                     const std::string item = index_path(p, i);
                     if (const toml::table* t = in.table((*array)[i], item)) {
                         load_certificate(in, *t, item, tls.certificates.emplace_back());
                     }
                 }
             }},
            {"min_version",
             [&](const toml::node& v, const std::string& p) {
                 if (auto version = in.one_of(v, p, {"1.2", "1.3"})) {
                     tls.min_tls13 = *version == "1.3";
                 }
             }},
            {"handshake_timeout",
             [&](const toml::node& v, const std::string& p) {
                 if (auto d = in.duration(v, p)) {
                     tls.handshake_timeout = *d;
                 }
             }},
            {"session_tickets",
             [&](const toml::node& v, const std::string& p) {
                 if (auto b = in.boolean(v, p)) {
                     tls.session_tickets = *b;
                 }
             }},
            {"ticket_key_rotation",
             [&](const toml::node& v, const std::string& p) {
                 if (auto d = in.duration(v, p)) {
                     tls.ticket_key_rotation = *d;
                 }
             }},
            {"session_cache_size",
             [&](const toml::node& v, const std::string& p) {
                 if (auto n = in.integer(v, p, 0, 10'000'000)) {
                     tls.session_cache_size = static_cast<std::uint32_t>(*n);
                 }
             }},
            {"client_ca",
             [&](const toml::node& v, const std::string& p) {
                 if (auto file = readable_file(in, v, p)) {
                     tls.client_ca = std::move(*file);
                 }
             }},
            {"client_verify",
             [&](const toml::node& v, const std::string& p) {
                 client_verify_at = &v;
                 if (auto mode = in.one_of(v, p, {"off", "optional", "required"})) {
                     tls.client_verify = *mode == "off"        ? ClientVerify::off
                                         : *mode == "optional" ? ClientVerify::optional
                                                               : ClientVerify::required;
                 }
             }},
        });
    if (!table.contains("certificates")) {
        in.error(table.source(), child_path(path, "certificates"),
                 "missing; a TLS listener needs certificates = [{ chain = \"site.pem\", key = \"site.key\" }]");
    } else if (tls.certificates.empty() && table.get("certificates")->is_array() &&
               table.get("certificates")->as_array()->empty()) {
        in.error(table.get("certificates")->source(), child_path(path, "certificates"),
                 "needs at least one certificate");
    }
    if (tls.client_verify != ClientVerify::off && !table.contains("client_ca") && client_verify_at != nullptr) {
        in.error(client_verify_at->source(), child_path(path, "client_verify"),
                 "needs client_ca, the CA bundle client certificates are verified against");
    }
}

void load_upstream_tls(Reader& in, const toml::table& table, const std::string& path, UpstreamTls& tls) {
    const toml::node* certificate_at = nullptr;
    const toml::node* key_at = nullptr;
    in.fields(table, path,
              {
                  {"verify",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto b = in.boolean(v, p)) {
                           tls.verify = *b;
                       }
                   }},
                  {"ca_file",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto file = readable_file(in, v, p)) {
                           tls.ca_file = std::move(*file);
                       }
                   }},
                  {"server_name",
                   [&](const toml::node& v, const std::string& p) {
                       std::optional<std::string> name = in.string(v, p);
                       if (!name) {
                           return;
                       }
                       const bool valid = !name->empty() && name->size() <= 253 &&
                                          name->find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
                                              std::string::npos;
                       if (!valid) {
                           in.error(v.source(), p, "expected a host name such as \"api.internal\", got " +
                                                       toml_string(*name));
                           return;
                       }
                       tls.server_name = std::move(*name);
                   }},
                  {"min_version",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto version = in.one_of(v, p, {"1.2", "1.3"})) {
                           tls.min_tls13 = *version == "1.3";
                       }
                   }},
                  {"certificate",
                   [&](const toml::node& v, const std::string& p) {
                       certificate_at = &v;
                       if (auto file = readable_file(in, v, p)) {
                           tls.certificate = std::move(*file);
                       }
                   }},
                  {"key",
                   [&](const toml::node& v, const std::string& p) {
                       key_at = &v;
                       if (auto file = readable_file(in, v, p)) {
                           tls.key = std::move(*file);
                       }
                   }},
              });
    if (certificate_at != nullptr && key_at == nullptr) {
        in.error(certificate_at->source(), child_path(path, "key"),
                 "missing; a client certificate needs its key = \"client.key\"");
    } else if (key_at != nullptr && certificate_at == nullptr) {
        in.error(key_at->source(), child_path(path, "certificate"),
                 "missing; a key needs its certificate = \"client.pem\"");
    }
}

void load_http2(Reader& in, const toml::table& table, const std::string& path, Http2& http2) {
    auto count = [&](std::uint32_t& target, std::int64_t min, std::int64_t max) {
        return [&in, target = &target, min, max](const toml::node& v, const std::string& p) {
            if (auto n = in.integer(v, p, min, max)) {
                *target = static_cast<std::uint32_t>(*n);
            }
        };
    };
    auto size = [&](std::uint32_t& target, std::uint64_t min, std::uint64_t max) {
        return [&in, target = &target, min, max](const toml::node& v, const std::string& p) {
            if (auto bytes = in.size(v, p, false)) {
                if (*bytes < min || *bytes > max) {
                    in.error(v.source(), p,
                             "must be from " + std::to_string(min) + " to " + std::to_string(max) + " bytes");
                    return;
                }
                *target = static_cast<std::uint32_t>(*bytes);
            }
        };
    };
    in.fields(table, path,
              {
                  {"max_concurrent_streams", count(http2.max_concurrent_streams, 1, u32_max)},
                  // RFC 9113 §6.5.2: windows up to 2^31-1, frames from 2^14 to 2^24-1.
                  {"initial_window_size", size(http2.initial_window_size, 1, 0x7fffffff)},
                  {"max_frame_size", size(http2.max_frame_size, 16384, 16777215)},
                  {"max_header_list_size", size(http2.max_header_list_size, 1024, 16 * 1024 * 1024)},
                  {"max_continuations", count(http2.max_continuations, 0, 1024)},
                  {"stream_reset_burst", count(http2.stream_reset_burst, 1, u32_max)},
                  {"stream_reset_rate", count(http2.stream_reset_rate, 1, u32_max)},
                  {"max_outbound_ack", count(http2.max_outbound_ack, 1, u32_max)},
                  {"max_settings", count(http2.max_settings, 1, 1024)},
                  {"max_glitches", count(http2.max_glitches, 1, u32_max)},
              });
}

}  // namespace ringwall::config
