// src/config/files_loader.cc: [routes.static] and [files].
#include "config/files_loader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <utility>

#include "config/http_syntax.h"
#include "config/route_parts.h"
#include "config/suggest.h"
#include "config/toml_text.h"
#include "config/units.h"
#include "util/ascii.h"

namespace ringwall::config {
namespace {

constexpr std::array<std::string_view, 3> coding_names{"br", "zstd", "gzip"};

// Spellings from other tools, mapped to ours for the "did you mean".
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> coding_aliases{{
    {"brotli", "br"},
    {"zstandard", "zstd"},
    {"zst", "zstd"},
    {"gz", "gzip"},
    {"x-gzip", "gzip"},
}};

// " (relative to the working directory "/srv")" for a relative path, else "".
std::string relative_note(std::string_view path) {
    if (path.starts_with('/')) {
        return {};
    }
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) == nullptr) {
        return {};
    }
    return " (relative to the working directory " + toml_string(cwd) + ")";
}

// The file system is read here, when the file is loaded: a root that does not exist is
// far more often a typo than a directory still to be created.
std::string root_error(const std::string& root) {
    if (root.empty()) {
        return "must not be empty; give the directory to serve, such as \"public\"";
    }
    if (root.find('\0') != std::string::npos) {
        return "a directory path cannot contain NUL";
    }
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0) {
        const int error = errno;
        return "cannot access " + toml_string(root) + relative_note(root) + ": " +
               std::strerror(error);
    }
    if (!S_ISDIR(st.st_mode)) {
        return toml_string(root) + relative_note(root) + " is not a directory";
    }
    return {};
}

std::string index_error(std::string_view name) {
    if (name.empty()) {
        return "an index file name must not be empty";
    }
    if (name == "." || name == "..") {
        return toml_string(name) + " is not a file name";
    }
    if (name.find('/') != std::string_view::npos) {
        return "index file name " + toml_string(name) +
               " must not contain \"/\"; it names a file inside the requested directory";
    }
    if (has_control(name)) {
        return "index file name " + toml_string(name) + " must not contain control characters";
    }
    return {};
}

std::string fallback_error(std::string_view path) {
    if (path.empty()) {
        return {};
    }
    if (has_control(path)) {
        return "a file path must not contain control characters";
    }
    if (path.front() == '/') {
        return "must be relative to root, such as \"index.html\", got " + toml_string(path);
    }
    if (path.back() == '/') {
        return "must name a file, not a directory, got " + toml_string(path);
    }
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            slash = path.size();
        }
        if (path.substr(start, slash - start) == "..") {
            return "must not contain a \"..\" segment; the fallback stays beneath root";
        }
        start = slash + 1;
    }
    return {};
}

// A Cache-Control value: a field value (RFC 9110 §5.5) without HTAB either, which no
// directive needs.
std::string cache_control_error(std::string_view value) {
    if (value.find('\t') != std::string_view::npos) {
        return "header value must not contain control characters (found HTAB)";
    }
    return field_value_error(value);
}

void load_index(Reader& in, const toml::node& node, const std::string& path,
                std::vector<std::string>& index) {
    const toml::array* array = in.array(node, path, "an array of file names like [\"index.html\"]");
    if (array == nullptr) {
        return;
    }
    index.clear();
    for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = (*array)[i];
        const std::string item_path = index_path(path, i);
        std::optional<std::string> name = in.string(item, item_path);
        if (!name) {
            continue;
        }
        std::string problem = index_error(*name);
        if (problem.empty()) {
            for (std::size_t j = 0; j < i; ++j) {
                const auto* earlier = (*array)[j].as_string();
                if (earlier != nullptr && earlier->get() == *name) {
                    problem = "duplicate index file " + toml_string(*name) + " (already at [" +
                              std::to_string(j) + "])";
                    break;
                }
            }
        }
        if (!problem.empty()) {
            in.error(item.source(), item_path, std::move(problem));
            continue;
        }
        index.push_back(std::move(*name));
    }
}

std::string coding_error(std::string_view name) {
    std::string message = "expected \"br\", \"zstd\" or \"gzip\", got " + toml_string(name);
    std::optional<std::string_view> hint;
    for (const auto& [alias, coding] : coding_aliases) {
        if (util::iequals(alias, name)) {
            hint = coding;
        }
    }
    if (!hint) {
        hint = suggest(name, std::span(coding_names.data(), coding_names.size()));
    }
    if (hint) {
        message += "; did you mean " + toml_string(*hint) + "?";
    }
    return message;
}

void load_codings(Reader& in, const toml::node& node, const std::string& path,
                  std::vector<ContentCoding>& codings) {
    const toml::array* array =
        in.array(node, path, "an array of content codings like [\"br\", \"zstd\", \"gzip\"]");
    if (array == nullptr) {
        return;
    }
    codings.clear();
    std::array<std::optional<std::size_t>, coding_names.size()> seen;  // coding → item
    for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = (*array)[i];
        const std::string item_path = index_path(path, i);
        std::optional<std::string> name = in.string(item, item_path);
        if (!name) {
            continue;
        }
        std::size_t coding = 0;
        while (coding < coding_names.size() && coding_names[coding] != *name) {
            ++coding;
        }
        if (coding == coding_names.size()) {
            in.error(item.source(), item_path, coding_error(*name));
            continue;
        }
        if (seen[coding]) {
            in.error(item.source(), item_path,
                     "duplicate content coding " + toml_string(*name) + " (already at [" +
                         std::to_string(*seen[coding]) + "])");
            continue;
        }
        seen[coding] = i;
        codings.push_back(static_cast<ContentCoding>(coding));
    }
}

std::string extension_error(std::string_view extension) {
    if (extension.empty()) {
        return "an extension must not be empty";
    }
    const auto valid = [](std::string_view text) {
        for (char c : text) {
            const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                 (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!allowed) {
                return false;
            }
        }
        return !text.empty();
    };
    if (extension.front() == '.') {
        std::string message =
            "extension " + toml_string(extension) + " must be written without the leading dot";
        if (valid(extension.substr(1))) {
            message +=
                "; did you mean " + toml_string(lowercase(std::string(extension.substr(1)))) + "?";
        }
        return message;
    }
    if (extension.find('.') != std::string_view::npos) {
        return "extension " + toml_string(extension) +
               " must not contain \".\"; a file's extension is what follows its last dot";
    }
    if (!valid(extension)) {
        return "extension " + toml_string(extension) +
               " may hold only letters, digits, '-' and '_'";
    }
    return {};
}

void load_mime_types(Reader& in, const toml::table& table, const std::string& path,
                     std::vector<MimeType>& types) {
    std::map<std::string, std::uint32_t> lines;  // extension → line that gave it
    for (const auto& [key, value] : entries_in_file_order(table)) {
        const std::string key_path = child_path(path, key->str());
        std::string problem = extension_error(key->str());
        if (!problem.empty()) {
            in.error(key->source(), key_path, std::move(problem));
            continue;
        }
        std::string extension = lowercase(std::string(key->str()));
        const auto [it, fresh] = lines.try_emplace(extension, key->source().begin.line);
        if (!fresh) {
            in.error(key->source(), key_path,
                     "duplicate extension " + toml_string(extension) +
                         " (extensions ignore case; line " + std::to_string(it->second) +
                         " has it already)");
            continue;
        }
        std::optional<std::string> type = in.string(*value, key_path);
        if (!type) {
            continue;
        }
        problem = media_type_error(*type);
        if (!problem.empty()) {
            in.error(value->source(), key_path, std::move(problem));
            continue;
        }
        types.push_back(MimeType{std::move(extension), std::move(*type)});
    }
}

}  // namespace

void load_static_files(Reader& in, const toml::table& table, const std::string& path,
                       StaticFiles& files) {
    // A text key checked by `check`, which returns an error message or "".
    const auto text = [&in](std::string& target, std::string (*check)(std::string_view)) {
        return [&in, target = &target, check](const toml::node& v, const std::string& p) {
            std::optional<std::string> value = in.string(v, p);
            if (!value) {
                return;
            }
            std::string problem = check(*value);
            if (!problem.empty()) {
                in.error(v.source(), p, std::move(problem));
                return;
            }
            *target = std::move(*value);
        };
    };
    in.fields(
        table, path,
        {
            {"root",
             [&](const toml::node& v, const std::string& p) {
                 std::optional<std::string> root = in.string(v, p);
                 if (!root) {
                     return;
                 }
                 std::string problem = root_error(*root);
                 if (!problem.empty()) {
                     in.error(v.source(), p, std::move(problem));
                     return;
                 }
                 files.root = std::move(*root);
             }},
            {"index",
             [&](const toml::node& v, const std::string& p) { load_index(in, v, p, files.index); }},
            {"fallback", text(files.fallback, fallback_error)},
            {"list_directories",
             [&](const toml::node& v, const std::string& p) {
                 if (auto on = in.boolean(v, p)) {
                     files.list_directories = *on;
                 }
             }},
            {"dotfiles",
             [&](const toml::node& v, const std::string& p) {
                 if (auto mode = in.one_of(v, p, {"deny", "allow"})) {
                     files.dotfiles = *mode == "allow" ? Dotfiles::allow : Dotfiles::deny;
                 }
             }},
            {"symlinks",
             [&](const toml::node& v, const std::string& p) {
                 if (auto mode = in.one_of(v, p, {"inside_root", "deny"})) {
                     files.symlinks = *mode == "deny" ? Symlinks::deny : Symlinks::inside_root;
                 }
             }},
            {"cache_control", text(files.cache_control, cache_control_error)},
            {"precompressed",
             [&](const toml::node& v, const std::string& p) {
                 load_codings(in, v, p, files.precompressed);
             }},
            {"compress", [&](const toml::node& v,
                             const std::string& p) { load_codings(in, v, p, files.compress); }},
            {"compress_min_size",
             [&](const toml::node& v, const std::string& p) {
                 if (auto bytes = in.size(v, p, true)) {
                     files.compress_min_size = *bytes;
                 }
             }},
        });
    if (!table.contains("root")) {
        in.error(table.source(), child_path(path, "root"),
                 "missing; a static route needs the directory to serve, such as root = "
                 "\"/var/www/html\"");
    }
}

void load_files(Reader& in, const toml::table& table, const std::string& path, Files& files) {
    std::optional<toml::source_region> file_max_at, mmap_at;
    bool refused = false;  // a size of the rule below was refused: it cannot be judged
    const auto size = [&](std::uint64_t& target, bool allow_zero,
                          std::optional<toml::source_region>* at) {
        return [&in, &refused, target = &target, allow_zero, at](const toml::node& v,
                                                                 const std::string& p) {
            const std::optional<std::uint64_t> bytes = in.size(v, p, allow_zero);
            if (!bytes) {
                refused = refused || at != nullptr;
                return;
            }
            *target = *bytes;
            if (at != nullptr) {
                *at = v.source();
            }
        };
    };
    in.fields(table, path,
              {
                  {"cache_max_size", size(files.cache_max_size, true, nullptr)},
                  {"cache_file_max", size(files.cache_file_max, false, &file_max_at)},
                  {"mmap_threshold", size(files.mmap_threshold, false, &mmap_at)},
                  {"revalidate",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto d = in.duration(v, p)) {
                           files.revalidate = *d;
                       }
                   }},
                  {"max_ranges",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto n = in.integer(v, p, 1, 1000)) {
                           files.max_ranges = static_cast<std::uint32_t>(*n);
                       }
                   }},
                  {"large_files",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto mode = in.one_of(v, p, {"splice", "mmap_zero_copy"})) {
                           files.large_files = *mode == "splice" ? LargeFiles::splice : LargeFiles::mmap_zero_copy;
                       }
                   }},
                  {"mime_types",
                   [&](const toml::node& v, const std::string& p) {
                       if (const toml::table* t = in.table(v, p)) {
                           load_mime_types(in, *t, p, files.mime_types);
                       }
                   }},
              });
    // Reported at mmap_threshold when both were written, as the health rules are.
    if (refused || files.mmap_threshold >= files.cache_file_max) {
        return;
    }
    const auto quoted = [](std::uint64_t bytes) { return toml_string(format_size(bytes)); };
    if (mmap_at) {
        in.error(*mmap_at, child_path(path, "mmap_threshold"),
                 "must not be less than cache_file_max (" + quoted(files.cache_file_max) +
                     (file_max_at ? "" : ", the default") + "), got " +
                     quoted(files.mmap_threshold));
    } else if (file_max_at) {
        in.error(*file_max_at, child_path(path, "cache_file_max"),
                 "must not be greater than mmap_threshold (" + quoted(files.mmap_threshold) +
                     ", the default), got " + quoted(files.cache_file_max));
    }
}

}  // namespace ringwall::config
