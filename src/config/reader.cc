// src/config/reader.cc: typed reads and unknown-key detection over toml++ nodes.
#include "config/reader.h"

#include <algorithm>
#include <utility>

#include "config/suggest.h"
#include "config/toml_text.h"
#include "config/units.h"

namespace ringwall::config {
namespace {

bool before(const toml::source_position& a, const toml::source_position& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
}

}  // namespace

std::string child_path(std::string_view parent, std::string_view key) {
    std::string path(parent);
    if (!path.empty()) {
        path += '.';
    }
    return path + toml_key(key);
}

std::string index_path(std::string_view parent, std::size_t index) {
    return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string_view type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table:
            return "table";
        case toml::node_type::array:
            return node.is_array_of_tables() ? "array of tables" : "array";
        case toml::node_type::string:
            return "string";
        case toml::node_type::integer:
            return "integer";
        case toml::node_type::floating_point:
            return "float";
        case toml::node_type::boolean:
            return "boolean";
        case toml::node_type::date:
            return "date";
        case toml::node_type::time:
            return "time";
        case toml::node_type::date_time:
            return "date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

std::vector<std::pair<const toml::key*, const toml::node*>> entries_in_file_order(
    const toml::table& table) {
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (const auto& [key, value] : table) {
        entries.emplace_back(&key, &value);
    }
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return before(a.first->source().begin, b.first->source().begin);
    });
    return entries;
}

void Reader::error(const toml::source_region& where, std::string key_path, std::string message) {
    errors_.push_back(Diagnostic{file_, where.begin.line, where.begin.column, std::move(key_path),
                                 std::move(message)});
}

std::vector<Diagnostic> Reader::take_errors() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return std::exchange(errors_, {});
}

void Reader::fields(const toml::table& table, std::string_view path,
                    std::initializer_list<Field> fields) {
    std::vector<std::string_view> names;
    for (const Field& field : fields) {
        names.push_back(field.name);
    }
    for (const auto& [key, value] : entries_in_file_order(table)) {
        const std::string key_path = child_path(path, key->str());
        const std::string_view name = key->str();  // clang 14 cannot capture a binding
        const auto field = std::find_if(fields.begin(), fields.end(),
                                        [name](const Field& f) { return f.name == name; });
        if (field != fields.end()) {
            field->read(*value, key_path);
            continue;
        }
        std::string message = "unknown key " + toml_string(key->str());
        if (auto hint = suggest(key->str(), names)) {
            message += "; did you mean " + toml_string(*hint) + "?";
        }
        error(key->source(), key_path, std::move(message));
    }
}

void Reader::type_error(const toml::node& node, const std::string& path,
                        std::string_view expected) {
    error(node.source(), path,
          "expected " + std::string(expected) + ", got " + std::string(type_name(node)));
}

const toml::table* Reader::table(const toml::node& node, const std::string& path) {
    if (const toml::table* t = node.as_table()) {
        return t;
    }
    type_error(node, path, "a table");
    return nullptr;
}

const toml::array* Reader::array(const toml::node& node, const std::string& path,
                                 std::string_view expected) {
    if (const toml::array* a = node.as_array()) {
        return a;
    }
    type_error(node, path, expected);
    return nullptr;
}

std::optional<std::string> Reader::string(const toml::node& node, const std::string& path) {
    if (const auto* s = node.as_string()) {
        return s->get();
    }
    type_error(node, path, "a string");
    return std::nullopt;
}

std::optional<bool> Reader::boolean(const toml::node& node, const std::string& path) {
    if (const auto* b = node.as_boolean()) {
        return b->get();
    }
    type_error(node, path, "a boolean (true or false)");
    return std::nullopt;
}

std::optional<std::int64_t> Reader::integer(const toml::node& node, const std::string& path,
                                            std::int64_t min, std::int64_t max) {
    const auto* i = node.as_integer();
    if (i == nullptr) {
        type_error(node, path, "an integer");
        return std::nullopt;
    }
    const std::int64_t value = i->get();
    if (value < min || value > max) {
        error(node.source(), path,
              "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                  std::to_string(value));
        return std::nullopt;
    }
    return value;
}

std::optional<std::string> Reader::one_of(const toml::node& node, const std::string& path,
                                          std::initializer_list<std::string_view> allowed) {
    std::optional<std::string> value = string(node, path);
    if (!value || std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) {
        return value;
    }
    std::string message = "expected ";
    for (auto it = allowed.begin(); it != allowed.end(); ++it) {
        message += it == allowed.begin() ? "" : (it + 1 == allowed.end() ? " or " : ", ");
        message += toml_string(*it);
    }
    message += ", got " + toml_string(*value);
    if (auto hint = suggest(*value, allowed)) {
        message += "; did you mean " + toml_string(*hint) + "?";
    }
    error(node.source(), path, std::move(message));
    return std::nullopt;
}

std::optional<std::uint64_t> Reader::size(const toml::node& node, const std::string& path,
                                          bool allow_zero) {
    std::uint64_t bytes = 0;
    if (const auto* i = node.as_integer()) {
        if (i->get() < 0) {
            error(node.source(), path,
                  "a size cannot be negative, got " + std::to_string(i->get()));
            return std::nullopt;
        }
        bytes = static_cast<std::uint64_t>(i->get());
    } else if (const auto* s = node.as_string()) {
        Parsed<std::uint64_t> parsed = parse_size(s->get());
        if (!parsed.ok()) {
            error(node.source(), path, std::move(parsed.error));
            return std::nullopt;
        }
        bytes = parsed.value;
    } else {
        type_error(node, path, "a size like \"8KiB\" or an integer number of bytes");
        return std::nullopt;
    }
    if (bytes == 0 && !allow_zero) {
        error(node.source(), path, "must be greater than 0");
        return std::nullopt;
    }
    return bytes;
}

std::optional<Duration> Reader::duration(const toml::node& node, const std::string& path) {
    const auto* s = node.as_string();
    if (s == nullptr) {
        type_error(node, path, "a duration like \"10s\"");
        return std::nullopt;
    }
    Parsed<Duration> parsed = parse_duration(s->get());
    if (!parsed.ok()) {
        error(node.source(), path, std::move(parsed.error));
        return std::nullopt;
    }
    if (parsed.value.count() == 0) {
        error(node.source(), path, "must be greater than 0");
        return std::nullopt;
    }
    return parsed.value;
}

}  // namespace ringwall::config
