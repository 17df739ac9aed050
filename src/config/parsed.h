// src/config/parsed.h: the result of parsing one configuration value from text.
#pragma once

#include <string>
#include <utility>

namespace ringwall::config {

// Either a value or the reason the text was refused. The reason is a complete
// message for a Diagnostic, without the key path ("fractional sizes are not ...").
template <typename T>
struct Parsed {
    T value{};
    std::string error;  // empty on success

    bool ok() const noexcept { return error.empty(); }

    static Parsed failure(std::string message) { return Parsed{T{}, std::move(message)}; }
};

}  // namespace ringwall::config
