// src/http1/head_reader.h: line framing and field-line rules shared by request heads,
// response heads and chunked trailer sections (RFC 9112 §2.2, §5).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http1/message_head.h"
#include "http1/parse_error.h"

namespace ringwall::http1 {

enum class ReadStatus : std::uint8_t { need_more, done, failed };

struct ReadStep {
    ReadStatus status = ReadStatus::need_more;
    std::size_t consumed = 0;  // input bytes taken into the arena
};

// Copies a head (start line, field lines, empty line) into its own arena line by line and
// validates every line as soon as it is complete. Only bytes up to the end of the head are
// taken, so whatever follows stays with the caller.
//
// A line is judged only once its LF has arrived or once it is longer than its limit allows.
// Both depend on the bytes alone, never on how they were split across calls, so every split
// of the same input gives the same verdict, error offset included. The LF search looks at
// each byte once (memchr), however the line is split.
//
// Error offsets count from the first byte this reader took since reset(); statuses are
// 400 for syntax, 414 or 431 for limits (the caller decides what to send for responses).
class HeadReader {
public:
    HeadReader() noexcept = default;

    // Starts a new head. `header_budget` bytes of field lines (CRLF included) and
    // `field_budget` field lines are allowed; each line is at most `max_field_size` bytes
    // before its CRLF. Keeps the arena's capacity.
    void reset(std::size_t max_field_size, std::size_t header_budget,
               std::size_t field_budget) noexcept;
    // Like reset(), and frees the arena and slot storage.
    void release_memory() noexcept;

    // Reads the start line: at most `max_content` bytes before CRLF. When it is longer,
    // fails with `too_long` (its offset is filled in). On done, line() is its content.
    ReadStep read_line(std::string_view input, std::size_t max_content, ParseError too_long);

    // Reads field lines up to and including the empty line that ends the section.
    ReadStep read_fields(std::string_view input);

    // Content of the line read_line() completed, without CRLF; it starts at line_offset().
    // Valid until the next read call, which may move the arena.
    std::string_view line() const noexcept {
        return std::string_view(arena_).substr(line_offset_, line_size_);
    }
    std::size_t line_offset() const noexcept { return line_offset_; }

    const ParseError& error() const noexcept { return error_; }
    std::size_t size() const noexcept { return arena_.size(); }  // bytes taken so far
    std::size_t field_count() const noexcept { return slots_.size(); }
    std::size_t field_bytes() const noexcept { return field_bytes_; }
    // Arena offset of field `index`'s name: where errors about that field are reported.
    std::size_t field_offset(std::size_t index) const noexcept { return slots_[index].name_begin; }
    std::string_view arena() const noexcept { return arena_; }

    // Rebuilds `out` with views into the arena. The arena does not move once the section is
    // done, so the views stay valid until reset(), release_memory() or destruction.
    void build_fields(std::vector<Field>& out) const;

private:
    // Arena offsets: the arena may reallocate while lines arrive, so views are only built
    // once the head is complete.
    struct Slot {
        std::uint32_t name_begin;
        std::uint32_t name_size;
        std::uint32_t value_begin;
        std::uint32_t value_size;
    };
    enum class Take : std::uint8_t { partial, complete, overflow };
    struct TakeResult {
        Take take;
        std::size_t consumed;
    };

    struct FastLine {
        std::size_t size = 0;  // bytes including CRLF; 0: take the general path
        std::size_t name_size = 0;
        std::size_t value_begin = 0;  // relative to the line
        std::size_t value_size = 0;
    };

    static FastLine scan_field_line(const char* p, std::size_t n, std::size_t window) noexcept;
    TakeResult take_line(std::string_view input, std::size_t window);
    ReadStatus fail(std::uint16_t status, Reason reason, std::size_t offset) noexcept;
    bool check_field_line(std::size_t begin, std::size_t size);
    void add_slot(std::size_t begin, std::size_t name_size, std::size_t value_begin,
                  std::size_t value_size);

    std::string arena_;
    std::vector<Slot> slots_;
    ParseError error_;
    std::size_t line_start_ = 0;  // arena offset of the line being assembled
    std::size_t line_offset_ = 0;
    std::size_t line_size_ = 0;
    std::size_t field_bytes_ = 0;
    std::size_t max_field_size_ = 0;
    std::size_t header_budget_ = 0;
    std::size_t field_budget_ = 0;
};

}  // namespace ringwall::http1
