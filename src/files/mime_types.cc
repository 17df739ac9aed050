// src/files/mime_types.cc: the built-in extension table and MimeMap.
#include "files/mime_types.h"

#include <algorithm>
#include <array>

#include "files/field_text.h"
#include "util/ascii.h"

namespace ringwall::files {

namespace {

struct Builtin {
    std::string_view extension;  // lowercase
    std::string_view type;
};

// Sorted by extension, for binary search. The JavaScript type follows RFC 9239.
constexpr std::array<Builtin, 40> builtins = {{
    {"avif", "image/avif"},
    {"br", "application/x-brotli"},
    {"css", "text/css; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"htm", "text/html; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/x-icon"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"jxl", "image/jxl"},
    {"map", "application/json"},
    {"md", "text/markdown; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"ogg", "audio/ogg"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"svg", "image/svg+xml"},
    {"tar", "application/x-tar"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"wav", "audio/wav"},
    {"webm", "video/webm"},
    {"webmanifest", "application/manifest+json"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xhtml", "application/xhtml+xml"},
    {"xml", "text/xml; charset=utf-8"},
    {"yaml", "text/yaml; charset=utf-8"},
    {"yml", "text/yaml; charset=utf-8"},
    {"zip", "application/zip"},
    {"zst", "application/zstd"},
}};

// Longer than any extension we would map; lets lookups lowercase on the stack.
constexpr std::size_t max_extension = 32;

constexpr bool is_sorted_table() {
    for (std::size_t i = 1; i < builtins.size(); ++i) {
        if (!(builtins[i - 1].extension < builtins[i].extension)) {
            return false;
        }
    }
    return true;
}
static_assert(is_sorted_table(), "builtins must stay sorted for binary search");

bool is_extension(std::string_view extension) noexcept {
    if (extension.empty() || extension.size() > max_extension) {
        return false;
    }
    return std::all_of(extension.begin(), extension.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
               c == '_' || c == '+';
    });
}

// Loose on purpose (the media-type grammar is the operator's business) but never lets
// through a byte that could end or fold a header line.
bool is_content_type(std::string_view type) noexcept {
    const std::size_t slash = type.find('/');
    if (slash == std::string_view::npos || !is_token(type.substr(0, slash))) {
        return false;
    }
    const std::string_view subtype = type.substr(slash + 1, type.find(';') - slash - 1);
    if (!is_token(trim_ows(subtype))) {
        return false;
    }
    return std::all_of(type.begin(), type.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = util::to_lower(c);
    }
    return out;
}

// Copies a lowercase `extension` into `buffer` and views it; empty when too long.
std::string_view lowercase_into(std::string_view extension,
                                std::array<char, max_extension>& buffer) noexcept {
    if (extension.size() > buffer.size()) {
        return {};
    }
    for (std::size_t i = 0; i < extension.size(); ++i) {
        buffer[i] = util::to_lower(extension[i]);
    }
    return std::string_view(buffer.data(), extension.size());
}

}  // namespace

std::optional<std::string_view> builtin_content_type(std::string_view extension) noexcept {
    std::array<char, max_extension> buffer;
    const std::string_view key = lowercase_into(extension, buffer);
    const auto it =
        std::lower_bound(builtins.begin(), builtins.end(), key,
                         [](const Builtin& b, std::string_view k) { return b.extension < k; });
    if (key.empty() || it == builtins.end() || it->extension != key) {
        return std::nullopt;
    }
    return it->type;
}

std::string_view extension_of(std::string_view path) noexcept {
    const std::size_t slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) {
        return {};
    }
    return name.substr(dot + 1);
}

MimeMap::MimeMap() : default_(default_content_type) {
    entries_.reserve(builtins.size());
    for (const Builtin& b : builtins) {
        entries_.emplace_back(std::string(b.extension), std::string(b.type));
    }
}

bool MimeMap::set(std::string_view extension, std::string_view content_type) {
    if (!is_extension(extension) || !is_content_type(content_type)) {
        return false;
    }
    std::string key = lowercase(extension);
    const auto it =
        std::lower_bound(entries_.begin(), entries_.end(), key,
                         [](const auto& entry, const std::string& k) { return entry.first < k; });
    if (it != entries_.end() && it->first == key) {
        it->second = std::string(content_type);
    } else {
        entries_.emplace(it, std::move(key), std::string(content_type));
    }
    return true;
}

bool MimeMap::set_default(std::string_view content_type) {
    if (!is_content_type(content_type)) {
        return false;
    }
    default_ = std::string(content_type);
    return true;
}

std::string_view MimeMap::find(std::string_view extension) const noexcept {
    std::array<char, max_extension> buffer;
    const std::string_view key = lowercase_into(extension, buffer);
    if (key.empty()) {
        return default_;
    }
    const auto it =
        std::lower_bound(entries_.begin(), entries_.end(), key,
                         [](const auto& entry, std::string_view k) { return entry.first < k; });
    if (it == entries_.end() || it->first != key) {
        return default_;
    }
    return it->second;
}

bool is_compressible(std::string_view content_type) noexcept {
    const std::string_view type = trim_ows(content_type.substr(0, content_type.find(';')));
    const std::size_t slash = type.find('/');
    if (slash == std::string_view::npos) {
        return false;
    }
    const std::string_view top = type.substr(0, slash);
    const std::string_view sub = type.substr(slash + 1);
    if (util::iequals(top, "text")) {
        return true;
    }
    const auto ends_with = [sub](std::string_view suffix) {
        return sub.size() >= suffix.size() &&
               util::iequals(sub.substr(sub.size() - suffix.size()), suffix);
    };
    if (ends_with("+json") || ends_with("+xml")) {  // RFC 6839 structured syntax suffixes
        return true;
    }
    if (util::iequals(top, "application")) {
        for (std::string_view name :
             {"json", "javascript", "x-javascript", "ecmascript", "xml", "wasm", "x-ndjson",
              "x-tar", "rtf", "x-sh", "vnd.ms-fontobject"}) {
            if (util::iequals(sub, name)) {
                return true;
            }
        }
        return false;
    }
    if (util::iequals(top, "font")) {
        return util::iequals(sub, "ttf") || util::iequals(sub, "otf") || util::iequals(sub, "sfnt");
    }
    if (util::iequals(top, "image")) {
        return util::iequals(sub, "x-icon") || util::iequals(sub, "vnd.microsoft.icon") ||
               util::iequals(sub, "bmp");
    }
    return false;
}

}  // namespace ringwall::files
