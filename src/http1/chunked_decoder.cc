// src/http1/chunked_decoder.cc: chunked transfer coding state machine (RFC 9112 §7.1).
#include "http1/chunked_decoder.h"

#include <algorithm>

#include "http1/field_rules.h"
#include "util/ascii.h"

namespace ringwall::http1 {

namespace {

// 16 hex digits hold any uint64: past that a size either overflows or is padding nobody
// sends, and refusing it bounds the bytes one size line can make us read.
constexpr std::size_t max_size_digits = 16;

}  // namespace

ChunkedDecoder::ChunkedDecoder(const Limits& limits) noexcept
    : limits_(limits), trailer_bytes_(limits.max_header_size), trailer_fields_(limits.max_fields) {}

void ChunkedDecoder::reset() noexcept { reset(limits_.max_header_size, limits_.max_fields); }

void ChunkedDecoder::reset(std::size_t trailer_bytes, std::size_t trailer_fields) noexcept {
    trailers_.clear();
    error_ = ParseError{};
    state_ = State::size_start;
    offset_ = 0;
    body_size_ = 0;
    chunk_size_ = 0;
    chunk_left_ = 0;
    trailer_start_ = 0;
    size_digits_ = 0;
    extension_size_ = 0;
    trailer_bytes_ = trailer_bytes;
    trailer_fields_ = trailer_fields;
}

void ChunkedDecoder::release_memory() noexcept {
    reset();
    trailer_reader_.release_memory();
    std::vector<Field>().swap(trailers_);
}

Step ChunkedDecoder::fail(Reason reason, std::uint64_t offset, std::uint16_t status) noexcept {
    error_ = ParseError{.status = status, .offset = static_cast<std::size_t>(offset), .reason = reason};
    state_ = State::failed;
    return make_step(Progress::failed);
}

Step ChunkedDecoder::feed(std::string_view input) {
    if (state_ == State::failed) {
        return make_step(Progress::failed);
    }
    if (state_ == State::done) {
        return make_step(Progress::message_done);
    }
    std::size_t pos = 0;
    while (pos < input.size()) {
        if (state_ == State::data) {
            const auto n = static_cast<std::size_t>(
                std::min<std::uint64_t>(chunk_left_, input.size() - pos));
            chunk_left_ -= n;
            if (chunk_left_ == 0) {
                state_ = State::data_cr;
            }
            offset_ += pos + n;
            return make_step(Progress::body_data, pos + n, input.substr(pos, n));
        }
        if (state_ == State::trailers) {
            return read_trailers(input, pos);
        }
        if (!take_framing_byte(input[pos], offset_ + pos)) {
            return make_step(Progress::failed, pos);
        }
        ++pos;
    }
    offset_ += pos;
    return make_step(Progress::need_more, pos);
}

bool ChunkedDecoder::take_framing_byte(char c, std::uint64_t offset) {
    switch (state_) {
        case State::size_start:
            if (!is_hexdig(c)) {
                fail(c == '\n' ? Reason::bare_lf : Reason::invalid_chunk_size, offset);
                return false;
            }
            chunk_size_ = hex_value(c);
            size_digits_ = 1;
            state_ = State::size;
            return true;
        case State::size:
            if (is_hexdig(c)) {
                if (++size_digits_ > max_size_digits) {
                    fail(Reason::invalid_chunk_size, offset);
                    return false;
                }
                chunk_size_ = (chunk_size_ << 4) | hex_value(c);
                return true;
            }
            // always: body_size_ <= max_body_size, so the subtraction cannot wrap.
            if (chunk_size_ > limits_.max_body_size - body_size_) {
                fail(Reason::body_too_large, offset, 413);
                return false;
            }
            if (c == '\r') {
                state_ = State::line_lf;
                return true;
            }
            if (c == '\n') {
                fail(Reason::bare_lf, offset);
                return false;
            }
            if (c != ';' && !is_ows(c)) {
                fail(Reason::invalid_chunk_size, offset);
                return false;
            }
            extension_size_ = 0;
            state_ = State::size_ws;  // re-examined below as the first extension byte
            break;
        case State::line_lf:
            if (c != '\n') {
                fail(Reason::bare_cr, offset - 1);
                return false;
            }
            if (chunk_size_ == 0) {
                state_ = State::trailers;
                trailer_start_ = offset + 1;
                trailer_reader_.reset(limits_.max_field_size, trailer_bytes_, trailer_fields_);
            } else {
                body_size_ += chunk_size_;
                chunk_left_ = chunk_size_;
                state_ = State::data;
            }
            return true;
        case State::data_cr:
        case State::data_lf:
            if (c != (state_ == State::data_cr ? '\r' : '\n')) {
                fail(Reason::missing_chunk_crlf, offset);
                return false;
            }
            state_ = state_ == State::data_cr ? State::data_lf : State::size_start;
            return true;
        default:
            break;
    }

    // The chunk-ext part of a size line.
    if (c == '\n') {
        fail(Reason::bare_lf, offset);
        return false;
    }
    if (c == '\r') {
        if (state_ == State::ext_name || state_ == State::ext_token ||
            state_ == State::ext_after_quote) {
            state_ = State::line_lf;
            return true;
        }
        fail(state_ == State::size_ws ? Reason::invalid_chunk_size
                                      : Reason::invalid_chunk_extension,
             offset);
        return false;
    }
    if (++extension_size_ > limits_.max_chunk_extension) {
        fail(Reason::invalid_chunk_extension, offset);
        return false;
    }
    const bool ows = is_ows(c);
    State next = State::failed;
    switch (state_) {
        case State::size_ws:
            next = ows ? State::size_ws : c == ';' ? State::ext_before_name : State::failed;
            if (next == State::failed) {
                fail(Reason::invalid_chunk_size, offset);
                return false;
            }
            break;
        case State::ext_before_name:
            next = ows ? state_ : is_tchar(c) ? State::ext_name : State::failed;
            break;
        case State::ext_name:
            next = is_tchar(c) ? state_
                   : ows       ? State::ext_after_name
                   : c == '='  ? State::ext_before_value
                   : c == ';'  ? State::ext_before_name
                               : State::failed;
            break;
        case State::ext_after_name:
            next = ows        ? state_
                   : c == '=' ? State::ext_before_value
                   : c == ';' ? State::ext_before_name
                              : State::failed;
            break;
        case State::ext_before_value:
            next = ows          ? state_
                   : c == '"'   ? State::ext_quoted
                   : is_tchar(c) ? State::ext_token
                                : State::failed;
            break;
        case State::ext_token:
            next = is_tchar(c) ? state_
                   : ows       ? State::ext_after_value
                   : c == ';'  ? State::ext_before_name
                               : State::failed;
            break;
        case State::ext_quoted:
            next = c == '"'                           ? State::ext_after_quote
                   : c == '\\'                        ? State::ext_quoted_pair
                   : has_class(c, byte_class::qdtext) ? state_
                                                      : State::failed;
            break;
        case State::ext_quoted_pair:
            next = is_field_char(c) ? State::ext_quoted : State::failed;
            break;
        case State::ext_after_quote:
        case State::ext_after_value:
            next = ows        ? State::ext_after_value
                   : c == ';' ? State::ext_before_name
                              : State::failed;
            break;
        default:
            break;
    }
    if (next == State::failed) {
        fail(Reason::invalid_chunk_extension, offset);
        return false;
    }
    state_ = next;
    return true;
}

Step ChunkedDecoder::read_trailers(std::string_view input, std::size_t pos) {
    const ReadStep read = trailer_reader_.read_fields(input.substr(pos));
    pos += read.consumed;
    if (read.status == ReadStatus::need_more) {
        offset_ += pos;
        return make_step(Progress::need_more, pos);
    }
    if (read.status == ReadStatus::failed) {
        error_ = trailer_reader_.error();
        error_.offset += static_cast<std::size_t>(trailer_start_);
        state_ = State::failed;
        return make_step(Progress::failed, pos);
    }
    trailer_reader_.build_fields(trailers_);
    for (std::size_t i = 0; i < trailers_.size(); ++i) {
        const std::string_view name = trailers_[i].name;
        if (util::iequals(name, "content-length") || util::iequals(name, "transfer-encoding") ||
            util::iequals(name, "host")) {
            trailers_.clear();
            fail(Reason::invalid_trailer, trailer_start_ + trailer_reader_.field_offset(i));
            return make_step(Progress::failed, pos);
        }
    }
    state_ = State::done;
    offset_ += pos;
    return make_step(Progress::message_done, pos);
}

}  // namespace ringwall::http1
