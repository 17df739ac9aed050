// src/files/path_normalizer.h: turns the path of a request target into the decoded,
// dot-free absolute path that static file serving maps under its root.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ringwall::files {

enum class PathProblem : std::uint8_t {
    none,
    not_absolute,          // empty, or does not start with '/' (e.g. "*", "a/b")
    bad_percent_encoding,  // '%' not followed by two hex digits
    nul,                   // a NUL byte, raw or %00
    control_character,     // another byte below 0x20, or 0x7f, raw or encoded
    encoded_slash,         // %2F: would let one segment carry a separator
    backslash,             // '\' raw or %5C: a separator on other systems, never a name here
    invalid_utf8,          // decoded bytes are not well-formed UTF-8 (overlong, surrogate, ...)
    above_root,            // a ".." segment would climb above "/"
};

// Names used in logs and test output, e.g. "encoded_slash".
std::string_view to_string(PathProblem problem) noexcept;

struct NormalizeResult {
    // When ok: starts with '/', holds decoded bytes, has no "." or ".." segment and no
    // empty segment except a trailing one ("/a/" asks for a directory). Empty otherwise.
    std::string path;
    std::uint16_t status = 0;  // 0 when ok; else the status to answer (400)
    PathProblem problem = PathProblem::none;
    std::size_t offset = 0;  // byte offset in the raw path where the problem was found

    bool is_ok() const noexcept { return problem == PathProblem::none; }
    // The request named a directory: the path ends with '/' (also after "/a/." or "/a/b/..").
    bool is_directory() const noexcept { return !path.empty() && path.back() == '/'; }
};

// `raw_path` is the path of an origin-form request target, the query already cut off.
// It is percent-decoded exactly once: "%252e" becomes the literal name "%2e", which is
// never decoded again. Then dot segments are removed (RFC 3986 §5.2.4) on the decoded
// segments, and repeated slashes are merged as nginx's merge_slashes does. Every
// problem above is rejected with 400 at the first byte that shows it; nothing is
// repaired or skipped. The result never contains NUL, a control byte, '\' or "//".
NormalizeResult normalize_request_path(std::string_view raw_path);

// True when any segment starts with '.' (".git", ".env", ".well-known"): such paths are
// hidden unless the configuration allows them. Takes a normalized path.
bool is_dotfile_path(std::string_view normalized) noexcept;

}  // namespace ringwall::files
