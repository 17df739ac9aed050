// src/http1/head_reader.cc: line framing and field-line validation for heads and trailers.
#include "http1/head_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "http1/field_rules.h"

namespace ringwall::http1 {

namespace {

// Enough for a browser's request head: one allocation per connection in the usual case.
constexpr std::size_t initial_arena = 1024;
constexpr std::size_t initial_slots = 24;
// Slots store uint32 offsets; a budget past this could not be represented.
constexpr std::size_t max_arena = std::numeric_limits<std::uint32_t>::max() / 2;

}  // namespace

void HeadReader::reset(std::size_t max_field_size, std::size_t header_budget,
                       std::size_t field_budget) noexcept {
    arena_.clear();
    slots_.clear();
    error_ = ParseError{};
    line_start_ = 0;
    line_offset_ = 0;
    line_size_ = 0;
    field_bytes_ = 0;
    max_field_size_ = std::min(max_field_size, max_arena);
    header_budget_ = std::min(header_budget, max_arena);
    field_budget_ = field_budget;
}

void HeadReader::release_memory() noexcept {
    reset(max_field_size_, header_budget_, field_budget_);
    std::string().swap(arena_);
    std::vector<Slot>().swap(slots_);
}

ReadStatus HeadReader::fail(std::uint16_t status, Reason reason, std::size_t offset) noexcept {
    error_ = ParseError{.status = status, .offset = offset, .reason = reason};
    return ReadStatus::failed;
}

HeadReader::TakeResult HeadReader::take_line(std::string_view input, std::size_t window) {
    if (arena_.capacity() < initial_arena) {
        arena_.reserve(initial_arena);
    }
    // always: have < window, because a line that fills its window fails at once.
    const std::size_t have = arena_.size() - line_start_;
    const std::size_t n = std::min(input.size(), window - have);
    if (n == 0) {
        return {Take::partial, 0};
    }
    if (const void* lf = std::memchr(input.data(), '\n', n)) {
        const auto taken = static_cast<std::size_t>(static_cast<const char*>(lf) - input.data()) + 1;
        arena_.append(input.data(), taken);
        return {Take::complete, taken};
    }
    arena_.append(input.data(), n);
    return {have + n == window ? Take::overflow : Take::partial, n};
}

ReadStep HeadReader::read_line(std::string_view input, std::size_t max_content,
                               ParseError too_long) {
    const std::size_t window = std::min(max_content, max_arena) + 2;  // content, CR, LF
    const TakeResult taken = take_line(input, window);
    if (taken.take == Take::partial) {
        return {ReadStatus::need_more, taken.consumed};
    }
    if (taken.take == Take::overflow) {
        error_ = too_long;
        error_.offset = arena_.size() - 1;
        return {ReadStatus::failed, taken.consumed};
    }
    const std::size_t end = arena_.size();
    if (end - line_start_ < 2 || arena_[end - 2] != '\r') {
        return {fail(400, Reason::bare_lf, end - 1), taken.consumed};
    }
    line_offset_ = line_start_;
    line_size_ = end - 2 - line_start_;
    line_start_ = end;
    return {ReadStatus::done, taken.consumed};
}

ReadStep HeadReader::read_fields(std::string_view input) {
    std::size_t pos = 0;
    std::size_t copied = 0;  // input bytes already in the arena
    const auto flush = [&] {
        arena_.append(input.data() + copied, pos - copied);
        copied = pos;
    };
    for (;;) {
        const std::size_t remaining = header_budget_ - field_bytes_;
        // A field line needs its CRLF inside both limits; the empty line ending the
        // section must always fit, hence at least 2.
        const std::size_t window = std::max<std::size_t>(2, std::min(max_field_size_ + 2, remaining));

        // Fast path: a complete, valid line lies in the input. It is validated in place
        // and copied with its neighbours in one append; the verdict is the one the
        // general path below would reach, which handles everything else.
        if (line_start_ == arena_.size() + (pos - copied)) {
            const char* const p = input.data() + pos;
            const std::size_t n = input.size() - pos;
            if (n >= 2 && p[0] == '\r' && p[1] == '\n') {
                pos += 2;
                flush();
                line_start_ = arena_.size();
                return {ReadStatus::done, pos};
            }
            const FastLine line = scan_field_line(p, n, window);
            if (line.size != 0 && slots_.size() < field_budget_) {
                add_slot(line_start_, line.name_size, line_start_ + line.value_begin, line.value_size);
                field_bytes_ += line.size;
                line_start_ += line.size;
                pos += line.size;
                continue;
            }
            flush();
        }

        const TakeResult taken = take_line(input.substr(pos), window);
        pos += taken.consumed;
        copied = pos;
        if (taken.take == Take::partial) {
            return {ReadStatus::need_more, pos};
        }
        if (taken.take == Take::overflow) {
            const Reason reason = max_field_size_ + 2 <= remaining ? Reason::field_too_long
                                                                   : Reason::header_too_large;
            return {fail(431, reason, arena_.size() - 1), pos};
        }
        const std::size_t begin = line_start_;
        const std::size_t end = arena_.size();
        line_start_ = end;
        if (end - begin < 2 || arena_[end - 2] != '\r') {
            return {fail(400, Reason::bare_lf, end - 1), pos};
        }
        const std::size_t size = end - 2 - begin;
        if (size == 0) {
            return {ReadStatus::done, pos};
        }
        if (slots_.size() >= field_budget_) {
            return {fail(431, Reason::too_many_fields, begin), pos};
        }
        if (!check_field_line(begin, size)) {
            return {ReadStatus::failed, pos};
        }
        field_bytes_ += size + 2;
    }
}

namespace {

// True when one of the 8 bytes is below 0x20 or is DEL. Exact for "any" (the classic
// has-less-than and has-zero word tricks). HTAB counts too: such a word goes to the byte
// loop, which allows it.
inline bool has_ctl_or_del(std::uint64_t word) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    const std::uint64_t below_space = (word - ones * 0x20) & ~word & highs;
    const std::uint64_t del = word ^ (ones * 0x7f);
    const std::uint64_t is_del = (del - ones) & ~del & highs;
    return (below_space | is_del) != 0;
}

}  // namespace

HeadReader::FastLine HeadReader::scan_field_line(const char* p, std::size_t n,
                                                 std::size_t window) noexcept {
    const char* const end = p + std::min(n, window);
    const char* q = p;
    while (q < end && is_tchar(*q)) {
        ++q;
    }
    if (q == p || q == end || *q != ':') {
        return {};
    }
    FastLine line;
    line.name_size = static_cast<std::size_t>(q - p);
    ++q;
    while (q < end && is_ows(*q)) {
        ++q;
    }
    const char* const value = q;
    while (end - q >= 8) {
        std::uint64_t word;
        std::memcpy(&word, q, sizeof word);
        if (has_ctl_or_del(word)) {
            break;
        }
        q += 8;
    }
    while (q < end && is_field_char(*q)) {
        ++q;
    }
    if (end - q < 2 || q[0] != '\r' || q[1] != '\n') {
        return {};
    }
    const char* value_end = q;
    while (value_end > value && is_ows(value_end[-1])) {
        --value_end;
    }
    line.size = static_cast<std::size_t>(q + 2 - p);
    line.value_begin = static_cast<std::size_t>(value - p);
    line.value_size = static_cast<std::size_t>(value_end - value);
    return line;
}

void HeadReader::add_slot(std::size_t begin, std::size_t name_size, std::size_t value_begin,
                          std::size_t value_size) {
    if (slots_.capacity() == 0) {
        slots_.reserve(initial_slots);
    }
    slots_.push_back(Slot{
        .name_begin = static_cast<std::uint32_t>(begin),
        .name_size = static_cast<std::uint32_t>(name_size),
        .value_begin = static_cast<std::uint32_t>(value_begin),
        .value_size = static_cast<std::uint32_t>(value_size),
    });
}

// RFC 9112 §5: field-line = field-name ":" OWS field-value OWS, no whitespace before the
// colon, no obs-fold (§5.2: we reject rather than replace), no CTL but HTAB in the value.
bool HeadReader::check_field_line(std::size_t begin, std::size_t size) {
    const char* const base = arena_.data();
    const char* const line = base + begin;
    const char* const end = line + size;
    if (is_ows(*line)) {
        fail(400, Reason::obs_fold, begin);
        return false;
    }
    const char* p = line;
    while (p < end && is_tchar(*p)) {
        ++p;
    }
    if (p == end || *p != ':' || p == line) {
        Reason reason = Reason::invalid_field_name;
        if (p != end && *p == '\r') {
            reason = Reason::bare_cr;
        } else if (p != end && is_ows(*p)) {
            reason = Reason::space_before_colon;
        }
        fail(400, reason, static_cast<std::size_t>(p - base));
        return false;
    }
    const char* const name_end = p;
    ++p;
    while (p < end && is_ows(*p)) {
        ++p;
    }
    const char* const value = p;
    while (p < end && is_field_char(*p)) {
        ++p;
    }
    if (p != end) {
        fail(400, *p == '\r' ? Reason::bare_cr : Reason::invalid_field_value,
             static_cast<std::size_t>(p - base));
        return false;
    }
    const char* value_end = end;
    while (value_end > value && is_ows(value_end[-1])) {
        --value_end;
    }
    add_slot(begin, static_cast<std::size_t>(name_end - line), static_cast<std::size_t>(value - base),
             static_cast<std::size_t>(value_end - value));
    return true;
}

void HeadReader::build_fields(std::vector<Field>& out) const {
    out.clear();
    out.reserve(slots_.size());
    const std::string_view arena = arena_;
    for (const Slot& slot : slots_) {
        out.push_back(Field{.name = arena.substr(slot.name_begin, slot.name_size),
                            .value = arena.substr(slot.value_begin, slot.value_size)});
    }
}

}  // namespace ringwall::http1
