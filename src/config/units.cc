// src/config/units.cc: parsing and printing of sizes and durations.
#include "config/units.h"

#include <array>
#include <cstddef>
#include <limits>
#include <optional>

#include "util/ascii.h"

namespace ringwall::config {
namespace {

struct Unit {
    std::string_view name;
    std::uint64_t factor;
};

constexpr std::uint64_t kib = 1024;
constexpr std::array<Unit, 7> size_units{{{"B", 1},
                                          {"KiB", kib},
                                          {"MiB", kib* kib},
                                          {"GiB", kib* kib* kib},
                                          {"KB", 1000},
                                          {"MB", 1000 * 1000},
                                          {"GB", 1000 * 1000 * 1000}}};

// Largest first: parse_duration requires this order in the text.
constexpr std::array<Unit, 4> duration_units{
    {{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};

// Spellings from other tools, mapped to ours for the "did you mean".
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> duration_aliases{{
    {"sec", "s"},
    {"secs", "s"},
    {"second", "s"},
    {"seconds", "s"},
    {"min", "m"},
    {"mins", "m"},
    {"minute", "m"},
    {"minutes", "m"},
    {"hr", "h"},
    {"hour", "h"},
    {"hours", "h"},
    {"msec", "ms"},
}};

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
constexpr bool is_letter(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string quoted(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

std::string without_spaces(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (!is_space(c)) {
            out += c;
        }
    }
    return out;
}

bool has_space(std::string_view text) {
    for (char c : text) {
        if (is_space(c)) {
            return true;
        }
    }
    return false;
}

std::string_view take_while(std::string_view text, std::size_t& pos, bool (*pred)(char)) {
    const std::size_t start = pos;
    while (pos < text.size() && pred(text[pos])) {
        ++pos;
    }
    return text.substr(start, pos - start);
}

// `whole`.`fraction` × factor, when that is an integer that fits 64 bits.
std::optional<std::uint64_t> scale(std::string_view whole, std::string_view fraction,
                                   std::uint64_t factor) {
    // 128-bit intermediates: a 19-digit fraction times a 2^30 factor needs ~93 bits.
    __extension__ using u128 = unsigned __int128;
    if (fraction.size() > 19) {
        return std::nullopt;
    }
    u128 integer = 0;
    for (char c : whole) {
        integer = integer * 10 + static_cast<unsigned>(c - '0');
        if (integer > std::numeric_limits<std::uint64_t>::max()) {
            return std::nullopt;
        }
    }
    u128 numerator = 0;
    u128 denominator = 1;
    for (char c : fraction) {
        numerator = numerator * 10 + static_cast<unsigned>(c - '0');
        denominator *= 10;
    }
    numerator *= factor;
    if (numerator % denominator != 0) {
        return std::nullopt;
    }
    const u128 total = integer * factor + numerator / denominator;
    if (total > std::numeric_limits<std::uint64_t>::max()) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(total);
}

template <std::size_t n>
const Unit* find_unit(const std::array<Unit, n>& units, std::string_view name) {
    for (const Unit& unit : units) {
        if (unit.name == name) {
            return &unit;
        }
    }
    return nullptr;
}

template <std::size_t n>
std::optional<std::string_view> unit_differing_in_case(const std::array<Unit, n>& units,
                                                       std::string_view name) {
    for (const Unit& unit : units) {
        if (util::iequals(unit.name, name)) {
            return unit.name;
        }
    }
    return std::nullopt;
}

constexpr std::string_view size_example = "expected a size like \"8KiB\"";
constexpr std::string_view duration_example = "expected a duration like \"10s\"";

}  // namespace

Parsed<std::uint64_t> parse_size(std::string_view text) {
    using Result = Parsed<std::uint64_t>;
    if (text.empty()) {
        return Result::failure(std::string(size_example) + ", got an empty string");
    }
    if (has_space(text)) {
        const std::string compact = without_spaces(text);
        std::string message = "unexpected space in " + quoted(text);
        if (!compact.empty() && parse_size(compact).ok()) {
            message += "; write " + quoted(compact);
        }
        return Result::failure(std::move(message));
    }
    if (text[0] == '-') {
        return Result::failure("a size cannot be negative");
    }
    std::size_t pos = 0;
    const std::string_view whole = take_while(text, pos, is_digit);
    if (whole.empty()) {
        return Result::failure(std::string(size_example) + ", got " + quoted(text));
    }
    std::string_view fraction;
    const bool has_fraction = pos < text.size() && text[pos] == '.';
    if (has_fraction) {
        ++pos;
        fraction = take_while(text, pos, is_digit);
        if (fraction.empty()) {
            return Result::failure(std::string(size_example) + ", got " + quoted(text));
        }
    }
    const std::string_view unit_name = text.substr(pos);
    const Unit* unit = unit_name.empty() ? &size_units[0] : find_unit(size_units, unit_name);
    if (unit == nullptr) {
        std::string message = "unknown size unit " + quoted(unit_name) + " in " + quoted(text);
        if (auto hint = unit_differing_in_case(size_units, unit_name)) {
            return Result::failure(message + "; did you mean " + quoted(*hint) + "?");
        }
        return Result::failure(message + "; use B, KiB, MiB, GiB, KB, MB or GB");
    }
    const std::optional<std::uint64_t> bytes = scale(whole, fraction, unit->factor);
    if (has_fraction) {
        std::string message = "fractional sizes are not supported";
        if (bytes) {
            return Result::failure(message + "; write " + quoted(format_size(*bytes)));
        }
        return Result::failure(message + "; use a smaller unit");
    }
    if (!bytes) {
        return Result::failure("size " + quoted(text) + " is too large");
    }
    return Result{*bytes, {}};
}

Parsed<Duration> parse_duration(std::string_view text) {
    using Result = Parsed<Duration>;
    if (text.empty()) {
        return Result::failure(std::string(duration_example) + ", got an empty string");
    }
    if (has_space(text)) {
        const std::string compact = without_spaces(text);
        std::string message = "unexpected space in " + quoted(text);
        if (!compact.empty() && parse_duration(compact).ok()) {
            message += "; write " + quoted(compact);
        }
        return Result::failure(std::move(message));
    }
    if (text[0] == '-') {
        return Result::failure("a duration cannot be negative");
    }
    constexpr auto max_ms = static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max());
    std::uint64_t total = 0;
    std::size_t next_rank = 0;  // index into duration_units of the largest unit still allowed
    bool fractional = false;
    bool exact = true;  // every fractional component converted to whole milliseconds
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::string_view whole = take_while(text, pos, is_digit);
        if (whole.empty()) {
            return Result::failure(std::string(duration_example) + ", got " + quoted(text));
        }
        std::string_view fraction;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            fraction = take_while(text, pos, is_digit);
            if (fraction.empty()) {
                return Result::failure(std::string(duration_example) + ", got " + quoted(text));
            }
            fractional = true;
        }
        const std::string_view unit_name = take_while(text, pos, is_letter);
        if (unit_name.empty()) {
            if (pos == text.size() && total == 0 && !fractional && whole.size() == text.size()) {
                return Result::failure("missing unit in " + quoted(text) + "; write " +
                                       quoted(std::string(whole) + "s") + " or " +
                                       quoted(std::string(whole) + "ms"));
            }
            if (pos == text.size()) {
                return Result::failure("missing unit at the end of " + quoted(text));
            }
            return Result::failure(std::string(duration_example) + ", got " + quoted(text));
        }
        std::size_t rank = 0;
        while (rank < duration_units.size() && duration_units[rank].name != unit_name) {
            ++rank;
        }
        if (rank == duration_units.size()) {
            std::string message =
                "unknown duration unit " + quoted(unit_name) + " in " + quoted(text);
            std::optional<std::string_view> hint =
                unit_differing_in_case(duration_units, unit_name);
            for (const auto& [alias, unit] : duration_aliases) {
                if (!hint && util::iequals(alias, unit_name)) {
                    hint = unit;
                }
            }
            if (hint) {
                return Result::failure(message + "; did you mean " + quoted(*hint) + "?");
            }
            return Result::failure(message + "; use h, m, s or ms");
        }
        if (rank < next_rank) {
            return Result::failure("units in " + quoted(text) +
                                   " must go from largest to smallest, each at most once, as "
                                   "in \"1m30s\"");
        }
        next_rank = rank + 1;
        const std::optional<std::uint64_t> ms = scale(whole, fraction, duration_units[rank].factor);
        if (!ms) {
            if (!fraction.empty()) {
                exact = false;  // too fine for milliseconds; the total is not needed then
                continue;
            }
            return Result::failure("duration " + quoted(text) + " is too large");
        }
        if (*ms > max_ms - total) {
            return Result::failure("duration " + quoted(text) + " is too large");
        }
        total += *ms;
    }
    if (fractional) {
        std::string message = "fractional durations are not supported";
        if (exact) {
            return Result::failure(
                message + "; write " +
                quoted(format_duration(Duration(static_cast<Duration::rep>(total)))));
        }
        return Result::failure(message + "; use a smaller unit, such as \"ms\"");
    }
    return Result{Duration(static_cast<Duration::rep>(total)), {}};
}

std::string format_size(std::uint64_t bytes) {
    if (bytes == 0) {
        return "0B";
    }
    for (std::string_view name : {"GiB", "MiB", "KiB", "GB", "MB", "KB"}) {
        const std::uint64_t factor = find_unit(size_units, name)->factor;
        if (bytes % factor == 0) {
            return std::to_string(bytes / factor) + std::string(name);
        }
    }
    return std::to_string(bytes) + "B";
}

std::string format_duration(Duration duration) {
    const auto ms = static_cast<std::uint64_t>(duration.count());
    if (ms == 0) {
        return "0ms";
    }
    for (const Unit& unit : duration_units) {
        if (ms % unit.factor == 0) {
            return std::to_string(ms / unit.factor) + std::string(unit.name);
        }
    }
    return std::to_string(ms) + "ms";  // not reached: the last unit has factor 1
}

}  // namespace ringwall::config
