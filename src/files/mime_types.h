// src/files/mime_types.h: the Content-Type a static file is served with, chosen by its
// extension from a built-in table that configuration can extend or override.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ringwall::files {

inline constexpr std::string_view default_content_type = "application/octet-stream";

// The type the built-in table gives `extension` (without the dot, any case), or nullopt.
// Text types carry "; charset=utf-8".
std::optional<std::string_view> builtin_content_type(std::string_view extension) noexcept;

// What follows the last '.' of the path's last segment: "gz" for "/a/b.tar.gz". Empty when
// there is none, when the name ends with '.', or when its only dot leads (".bashrc").
std::string_view extension_of(std::string_view path) noexcept;

// Built at config load and then only read, so one instance may be shared by every worker.
class MimeMap {
public:
    // Starts with the built-in table and application/octet-stream as the default.
    MimeMap();

    // Adds or replaces the type for `extension` (matched in any case). False, and nothing
    // changes, when the extension is empty or holds anything but letters, digits, '-',
    // '_' or '+', or when the type is not "type/subtype" with optional parameters and
    // only visible ASCII and spaces (so no byte that could break a header line).
    [[nodiscard]] bool set(std::string_view extension, std::string_view content_type);

    // Replaces application/octet-stream for unknown extensions. Same check as set.
    [[nodiscard]] bool set_default(std::string_view content_type);

    // The type for `extension`, or the default. The view lives as long as this map is
    // not changed.
    std::string_view find(std::string_view extension) const noexcept;

    // find(extension_of(path)).
    std::string_view find_for_path(std::string_view path) const noexcept {
        return find(extension_of(path));
    }

private:
    std::vector<std::pair<std::string, std::string>> entries_;  // sorted, lowercase keys
    std::string default_;
};

// Whether compressing a body of this type pays off: text/*, JSON, JavaScript, XML and
// their +json / +xml structured syntaxes, SVG, WebAssembly, uncompressed fonts and icons.
// Media already compressed (images, audio, video, woff2, archives) are not. Parameters
// are ignored and the comparison is case-insensitive.
bool is_compressible(std::string_view content_type) noexcept;

}  // namespace ringwall::files
