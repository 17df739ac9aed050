// src/config/http_syntax.h: checks of the HTTP syntax a route configures (RFC 9110, 3986).
#pragma once

#include <string>
#include <string_view>

namespace ringwall::config {

// RFC 9110 §5.6.2: one or more tchar.
bool is_token(std::string_view text) noexcept;

// Each check returns why `text` is refused, as a Diagnostic message, or "" when it is fine.

// A route host: a host name ("example.com", letters, digits and '-' per label), a
// wildcard "*." in front of one ("*.example.com"), an IPv4 address or a bracketed IPv6
// address ("[::1]"). No port, no trailing dot. Case is not checked: callers lowercase.
std::string host_pattern_error(std::string_view text);

// An absolute path to match: starts with '/', only RFC 3986 pchar and '/', '%' followed
// by two hex digits, no "." or ".." segment, no query or fragment.
std::string path_error(std::string_view text);

// An origin-form request target to send: a path as for path_error, then optionally '?'
// and a query of RFC 3986 query characters ("/healthz?full=1"). No fragment.
std::string request_target_error(std::string_view text);

// A query parameter name (`is_name`) or value to compare with the text of a request's
// query, which is not decoded: what a request target can hold (visible ASCII but '#'),
// without '&' (nor '=' in a name), which would split the parameter. A name is not empty.
std::string query_parameter_error(std::string_view text, bool is_name);

// A response field name and value: the name a token and not one the server owns
// (framing and connection-level fields); the value without control characters other than
// HTAB and without leading or trailing whitespace (RFC 9110 §5.5).
std::string field_name_error(std::string_view name);
std::string field_value_error(std::string_view value);

// A Content-Type value (RFC 9110 §8.3.1): "type/subtype", both tokens, then optional
// parameters `; name=value` with a token name and a token or quoted-string value,
// spaces around ';' allowed. No control characters at all, tab included.
std::string media_type_error(std::string_view text);

}  // namespace ringwall::config
