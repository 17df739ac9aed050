// src/files/path_normalizer.cc: one pass that decodes, checks and resolves dot segments.
#include "files/path_normalizer.h"

#include "files/field_text.h"
#include "files/utf8_validator.h"

namespace ringwall::files {

namespace {

NormalizeResult reject(PathProblem problem, std::size_t offset) {
    return NormalizeResult{.path = {}, .status = 400, .problem = problem, .offset = offset};
}

PathProblem check_decoded(std::uint8_t byte, Utf8Validator& utf8) noexcept {
    if (byte == 0) {
        return PathProblem::nul;
    }
    if (byte < 0x20 || byte == 0x7f) {
        return PathProblem::control_character;
    }
    if (byte == '\\') {
        return PathProblem::backslash;
    }
    if (!utf8.feed(byte)) {
        return PathProblem::invalid_utf8;
    }
    return PathProblem::none;
}

// `out` always ends with the '/' that opens the segment starting at `segment`. Resolving
// the segment leaves `out` ending with '/' again, or with the segment when it is the last.
// False when ".." would climb above the root.
bool close_segment(std::string& out, std::size_t segment, bool last) {
    const std::string_view name = std::string_view(out).substr(segment);
    if (name.empty()) {
        return true;  // "//" merged, or the trailing '/' of a directory
    }
    if (name == ".") {
        out.resize(segment);
        return true;
    }
    if (name == "..") {
        if (segment == 1) {
            return false;  // nginx answers 400 here too, rather than clamping at "/"
        }
        // Drop the previous segment: back to the '/' before it. segment - 1 is the '/'
        // that opened "..", and it is not at 0 because segment > 1.
        out.resize(out.rfind('/', segment - 2) + 1);
        return true;
    }
    if (!last) {
        out.push_back('/');
    }
    return true;
}

}  // namespace

std::string_view to_string(PathProblem problem) noexcept {
    switch (problem) {
        case PathProblem::none:
            return "none";
        case PathProblem::not_absolute:
            return "not_absolute";
        case PathProblem::bad_percent_encoding:
            return "bad_percent_encoding";
        case PathProblem::nul:
            return "nul";
        case PathProblem::control_character:
            return "control_character";
        case PathProblem::encoded_slash:
            return "encoded_slash";
        case PathProblem::backslash:
            return "backslash";
        case PathProblem::invalid_utf8:
            return "invalid_utf8";
        case PathProblem::above_root:
            return "above_root";
    }
    return "unknown";
}

NormalizeResult normalize_request_path(std::string_view raw_path) {
    if (raw_path.empty() || raw_path.front() != '/') {
        return reject(PathProblem::not_absolute, 0);
    }
    std::string out;
    out.reserve(raw_path.size());  // decoding and resolving only ever shrink the path
    out.push_back('/');
    std::size_t segment = 1;
    Utf8Validator utf8;
    for (std::size_t i = 1; i < raw_path.size(); ++i) {
        const char c = raw_path[i];
        if (c == '/') {
            // A '/' inside a multi-byte sequence is caught here: it is no continuation byte.
            if (!utf8.feed('/')) {
                return reject(PathProblem::invalid_utf8, i);
            }
            if (!close_segment(out, segment, false)) {
                return reject(PathProblem::above_root, i);
            }
            segment = out.size();
            continue;
        }
        auto byte = static_cast<std::uint8_t>(c);
        if (c == '%') {
            if (raw_path.size() - i < 3 || !is_hexdig(raw_path[i + 1]) ||
                !is_hexdig(raw_path[i + 2])) {
                return reject(PathProblem::bad_percent_encoding, i);
            }
            byte = static_cast<std::uint8_t>(hex_value(raw_path[i + 1]) << 4 |
                                             hex_value(raw_path[i + 2]));
            if (byte == '/') {
                return reject(PathProblem::encoded_slash, i);
            }
        }
        if (const PathProblem problem = check_decoded(byte, utf8); problem != PathProblem::none) {
            return reject(problem, i);
        }
        out.push_back(static_cast<char>(byte));
        if (c == '%') {
            i += 2;
        }
    }
    if (!utf8.is_complete()) {
        return reject(PathProblem::invalid_utf8, raw_path.size());
    }
    if (!close_segment(out, segment, true)) {
        return reject(PathProblem::above_root, raw_path.size());
    }
    return NormalizeResult{.path = std::move(out)};
}

bool is_dotfile_path(std::string_view normalized) noexcept {
    for (std::size_t slash = normalized.find('/'); slash != std::string_view::npos;
         slash = normalized.find('/', slash + 1)) {
        if (slash + 1 < normalized.size() && normalized[slash + 1] == '.') {
            return true;
        }
    }
    return !normalized.empty() && normalized.front() == '.';
}

}  // namespace ringwall::files
