// src/files/utf8_validator.h: byte-at-a-time check for well-formed UTF-8 (RFC 3629 §4,
// Unicode Table 3-7), so overlong forms, surrogates and code points past U+10FFFF fail at
// the byte that gives them away.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringwall::files {

class Utf8Validator {
public:
    // False when `byte` cannot come next in well-formed UTF-8. After false the validator is
    // not reset: callers stop at the first failure.
    constexpr bool feed(std::uint8_t byte) noexcept {
        if (pending_ == 0) {
            return start(byte);
        }
        if (byte < low_ || byte > high_) {
            return false;
        }
        // Only the first continuation byte has a narrowed range.
        low_ = 0x80;
        high_ = 0xbf;
        --pending_;
        return true;
    }

    // True when no sequence is left open.
    constexpr bool is_complete() const noexcept { return pending_ == 0; }

private:
    constexpr bool start(std::uint8_t byte) noexcept {
        low_ = 0x80;
        high_ = 0xbf;
        if (byte < 0x80) {
            return true;
        }
        if (byte >= 0xc2 && byte <= 0xdf) {  // 0xc0, 0xc1 could only start overlong forms
            pending_ = 1;
        } else if (byte >= 0xe0 && byte <= 0xef) {
            pending_ = 2;
            if (byte == 0xe0) {
                low_ = 0xa0;  // below: overlong three-byte forms
            } else if (byte == 0xed) {
                high_ = 0x9f;  // above: UTF-16 surrogates U+D800..U+DFFF
            }
        } else if (byte >= 0xf0 && byte <= 0xf4) {
            pending_ = 3;
            if (byte == 0xf0) {
                low_ = 0x90;  // below: overlong four-byte forms
            } else if (byte == 0xf4) {
                high_ = 0x8f;  // above: past U+10FFFF
            }
        } else {
            return false;  // a stray continuation byte, or 0xf5..0xff
        }
        return true;
    }

    std::uint8_t pending_ = 0;  // continuation bytes still expected
    std::uint8_t low_ = 0x80;   // allowed range for the next continuation byte
    std::uint8_t high_ = 0xbf;
};

constexpr bool is_valid_utf8(std::string_view text) noexcept {
    Utf8Validator validator;
    for (char c : text) {
        if (!validator.feed(static_cast<std::uint8_t>(c))) {
            return false;
        }
    }
    return validator.is_complete();
}

}  // namespace ringwall::files
