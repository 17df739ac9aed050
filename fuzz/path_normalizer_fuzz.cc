// fuzz/path_normalizer_fuzz.cc: normalize_request_path against a reference written the
// other way round (decode the whole path first, then split and resolve segments), plus
// the guarantees callers rely on: no dot segment, no "//", no NUL, control byte or '\'
// in the output, and normalizing the output again changes nothing.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "files/path_normalizer.h"
#include "property.h"

namespace ringwall::fuzzing {
namespace {

std::optional<unsigned> hex(char c) {
    if (c >= '0' && c <= '9') {
        return static_cast<unsigned>(c - '0');
    }
    if (c >= 'a' && c <= 'f') {
        return static_cast<unsigned>(c - 'a' + 10);
    }
    if (c >= 'A' && c <= 'F') {
        return static_cast<unsigned>(c - 'A' + 10);
    }
    return std::nullopt;
}

// Decodes code points and checks each against its shortest form and the Unicode range.
bool reference_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        std::uint32_t cp = 0;
        if ((lead & 0xe0) == 0xc0) {
            length = 2;
            cp = lead & 0x1f;
        } else if ((lead & 0xf0) == 0xe0) {
            length = 3;
            cp = lead & 0x0f;
        } else if ((lead & 0xf8) == 0xf0) {
            length = 4;
            cp = lead & 0x07;
        } else {
            return false;
        }
        if (i + length > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xc0) != 0x80) {
                return false;
            }
            cp = cp << 6 | (c & 0x3f);
        }
        const std::uint32_t shortest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
        if (cp < shortest || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        i += length;
    }
    return true;
}

std::optional<std::string> reference_normalize(std::string_view raw) {
    if (raw.empty() || raw[0] != '/') {
        return std::nullopt;
    }
    std::string decoded;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
            decoded.push_back(raw[i]);
            continue;
        }
        if (i + 2 >= raw.size() || !hex(raw[i + 1]) || !hex(raw[i + 2])) {
            return std::nullopt;
        }
        const char c = static_cast<char>(*hex(raw[i + 1]) * 16 + *hex(raw[i + 2]));
        if (c == '/') {
            return std::nullopt;
        }
        decoded.push_back(c);
        i += 2;
    }
    for (char c : decoded) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '\\') {
            return std::nullopt;
        }
    }
    if (!reference_utf8(decoded)) {
        return std::nullopt;
    }
    std::vector<std::string_view> segments;
    std::vector<std::string_view> stack;
    std::string_view rest = std::string_view(decoded).substr(1);
    for (;;) {
        const std::size_t slash = rest.find('/');
        segments.push_back(rest.substr(0, slash));
        if (slash == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(slash + 1);
    }
    for (std::string_view segment : segments) {
        if (segment.empty() || segment == ".") {
            continue;
        }
        if (segment == "..") {
            if (stack.empty()) {
                return std::nullopt;
            }
            stack.pop_back();
            continue;
        }
        stack.push_back(segment);
    }
    std::string out = "/";
    for (std::size_t i = 0; i < stack.size(); ++i) {
        out.append(stack[i]);
        if (i + 1 < stack.size()) {
            out.push_back('/');
        }
    }
    const std::string_view last = segments.back();
    if (!stack.empty() && (last.empty() || last == "." || last == "..")) {
        out.push_back('/');
    }
    return out;
}

void check_output(std::string_view raw, const files::NormalizeResult& out) {
    const std::string& path = out.path;
    check(!path.empty() && path[0] == '/', "output does not start with '/'", raw, path);
    check(path.size() <= raw.size(), "output longer than input", raw, path);
    check(path.find("//") == std::string::npos, "output contains //", raw, path);
    check(path.find("/./") == std::string::npos, "output contains /./", raw, path);
    check(path.find("/../") == std::string::npos, "output contains /../", raw, path);
    check(!path.ends_with("/.") && !path.ends_with("/.."), "output ends with a dot segment", raw,
          path);
    for (char c : path) {
        const auto u = static_cast<unsigned char>(c);
        check(u >= 0x20 && u != 0x7f, "output contains NUL or a control byte", raw, path);
        check(c != '\\', "output contains a backslash", raw, path);
    }
    check(reference_utf8(path), "output is not valid UTF-8", raw, path);
    check(out.is_directory() == path.ends_with('/'), "is_directory disagrees with the path", raw,
          path);

    // The output, with '%' written as %25 so its bytes come back as they are, is a fixed point.
    std::string encoded;
    for (char c : path) {
        if (c == '%') {
            encoded.append("%25");
        } else {
            encoded.push_back(c);
        }
    }
    const files::NormalizeResult again = files::normalize_request_path(encoded);
    check(again.is_ok(), "normalizing the output again fails", raw, encoded);
    check(again.path == path, "normalizing the output again changes it", raw, again.path);
}

}  // namespace
}  // namespace ringwall::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ringwall;
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    const files::NormalizeResult out = files::normalize_request_path(raw);
    const std::optional<std::string> reference = fuzzing::reference_normalize(raw);
    if (out.is_ok() != reference.has_value()) {
        fuzzing::broken(out.is_ok() ? "accepted what the reference rejects"
                                    : "rejected what the reference accepts",
                        raw, std::string(files::to_string(out.problem)));
    }
    if (!out.is_ok()) {
        fuzzing::check(out.status == 400 && out.path.empty(),
                       "a rejection without 400 or with a path", raw);
        fuzzing::check(out.offset <= raw.size(), "a rejection offset past the input", raw);
        return 0;
    }
    fuzzing::check(out.path == *reference, "the normalizer and the reference disagree", raw,
                   out.path + " vs " + *reference);
    fuzzing::check(out.status == 0, "accepted with a status", raw);
    fuzzing::check_output(raw, out);
    // Dot segments are gone, so a dotfile is exactly a segment starting with '.'.
    fuzzing::check(files::is_dotfile_path(out.path) == (out.path.find("/.") != std::string::npos),
                   "is_dotfile_path disagrees with the segments", raw, out.path);
    return 0;
}
