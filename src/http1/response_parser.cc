// src/http1/response_parser.cc: status line, response framing and body for upstream responses.
#include "http1/response_parser.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "http1/field_facts.h"
#include "http1/field_rules.h"

namespace ringwall::http1 {

namespace {

constexpr std::uint16_t upstream_error = 502;

Limits without_body_limit(Limits limits) noexcept {
    limits.max_body_size = std::numeric_limits<std::uint64_t>::max();
    return limits;
}

}  // namespace

ResponseParser::ResponseParser(const Limits& limits) noexcept
    : limits_(limits), decoder_(without_body_limit(limits)) {
    reader_.reset(limits_.max_field_size, limits_.max_header_size, limits_.max_fields);
}

void ResponseParser::reset() noexcept {
    // An interim response has no body, so it is complete once its head is.
    const bool interim = (state_ == State::body_none || state_ == State::done) &&
                         head_.status >= 100 && head_.status < 200;
    std::vector<Field> fields = std::move(head_.fields);
    fields.clear();
    head_ = ResponseHead{};
    head_.fields = std::move(fields);
    error_ = ParseError{};
    reader_.reset(limits_.max_field_size, limits_.max_header_size, limits_.max_fields);
    decoder_.reset();
    state_ = State::start;
    head_request_ = head_request_ && interim;
    reason_begin_ = reason_size_ = 0;
    head_size_ = 0;
    body_left_ = 0;
    body_consumed_ = 0;
}

void ResponseParser::release_memory() noexcept {
    reset();
    reader_.release_memory();
    decoder_.release_memory();
    std::vector<Field>().swap(head_.fields);
}

Step ResponseParser::fail(Reason reason, std::size_t offset) noexcept {
    error_ = ParseError{.status = upstream_error, .offset = offset, .reason = reason};
    state_ = State::failed;
    return make_step(Progress::failed);
}

Step ResponseParser::feed(std::string_view input) {
    switch (state_) {
        case State::start:
        case State::status_line:
        case State::fields:
            return parse_head(input);
        case State::body_none:
            state_ = State::done;
            return make_step(Progress::message_done);
        case State::body_length: {
            if (body_left_ == 0) {
                state_ = State::done;
                return make_step(Progress::message_done);
            }
            if (input.empty()) {
                return Step{};
            }
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(body_left_, input.size()));
            body_left_ -= n;
            body_consumed_ += n;
            return make_step(Progress::body_data, n, input.substr(0, n));
        }
        case State::body_chunked: {
            const Step step = decoder_.feed(input);
            body_consumed_ += step.consumed;
            if (step.progress == Progress::failed) {
                const ParseError& e = decoder_.error();
                return fail(e.reason, head_size_ + e.offset);
            }
            if (step.progress == Progress::message_done) {
                state_ = State::done;
            }
            return step;
        }
        case State::body_until_close:
            if (input.empty()) {
                return Step{};
            }
            body_consumed_ += input.size();
            return make_step(Progress::body_data, input.size(), input);
        case State::done:
            return make_step(Progress::message_done);
        case State::failed:
            return make_step(Progress::failed);
    }
    return make_step(Progress::failed);
}

Step ResponseParser::finish() {
    switch (state_) {
        case State::failed:
            return make_step(Progress::failed);
        case State::start:
        case State::done:
            return Step{};
        case State::body_none:
        case State::body_until_close:
            state_ = State::done;
            return make_step(Progress::message_done);
        case State::status_line:
        case State::fields:
            return fail(Reason::truncated, reader_.size());
        case State::body_length:
        case State::body_chunked:
            return fail(Reason::truncated, static_cast<std::size_t>(head_size_ + body_consumed_));
    }
    return make_step(Progress::failed);
}

Step ResponseParser::parse_head(std::string_view input) {
    std::size_t pos = 0;
    if (state_ == State::start) {
        if (input.empty()) {
            return Step{};
        }
        state_ = State::status_line;
    }
    if (state_ == State::status_line) {
        const ParseError too_long{.status = 502, .offset = 0, .reason = Reason::invalid_status_line};
        const ReadStep read = reader_.read_line(input, limits_.max_request_line, too_long);
        pos += read.consumed;
        if (read.status == ReadStatus::need_more) {
            return make_step(Progress::need_more, pos);
        }
        if (read.status == ReadStatus::failed) {
            return fail(reader_.error().reason, reader_.error().offset);
        }
        if (!check_status_line()) {
            return make_step(Progress::failed);
        }
        state_ = State::fields;
    }
    const ReadStep read = reader_.read_fields(input.substr(pos));
    pos += read.consumed;
    if (read.status == ReadStatus::need_more) {
        return make_step(Progress::need_more, pos);
    }
    if (read.status == ReadStatus::failed) {
        return fail(reader_.error().reason, reader_.error().offset);
    }
    Step step = complete_head();
    step.consumed = pos;
    return step;
}

// RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
bool ResponseParser::check_status_line() {
    const std::string_view line = reader_.line();
    const std::size_t base = reader_.line_offset();
    const auto reject = [&](Reason reason, std::size_t at) {
        fail(reason, base + at);
        return false;
    };
    const std::size_t cr = line.find('\r');
    const std::string_view version = line.substr(0, 8);
    if (version == "HTTP/1.1") {
        head_.version = Version::http11;
    } else if (version == "HTTP/1.0") {
        head_.version = Version::http10;
    } else {
        return cr < 8 ? reject(Reason::bare_cr, cr) : reject(Reason::invalid_version, 0);
    }
    if (line.size() < 12 || line[8] != ' ' || !is_digit(line[9]) || !is_digit(line[10]) ||
        !is_digit(line[11]) || (line.size() > 12 && line[12] != ' ')) {
        return cr < 13 ? reject(Reason::bare_cr, cr) : reject(Reason::invalid_status_line, 8);
    }
    const auto status = static_cast<std::uint16_t>((line[9] - '0') * 100 + (line[10] - '0') * 10 +
                                                   (line[11] - '0'));
    if (status < 100 || status > 599) {
        return reject(Reason::invalid_status_line, 9);
    }
    head_.status = status;
    for (std::size_t i = 13; i < line.size(); ++i) {
        if (!is_field_char(line[i])) {
            return reject(line[i] == '\r' ? Reason::bare_cr : Reason::invalid_status_line, i);
        }
    }
    if (line.size() > 13) {
        reason_begin_ = static_cast<std::uint32_t>(base + 13);
        reason_size_ = static_cast<std::uint32_t>(line.size() - 13);
    }
    return true;
}

Step ResponseParser::complete_head() {
    head_size_ = reader_.size();
    reader_.build_fields(head_.fields);
    head_.reason = reader_.arena().substr(reason_begin_, reason_size_);
    const FieldFacts facts = collect_field_facts(head_.fields);
    const bool http11 = head_.version == Version::http11;
    const std::uint16_t status = head_.status;

    if (facts.content_length_problem) {
        return fail(facts.content_length_problem.reason,
                    field_offset(facts.content_length_problem.index));
    }
    if (facts.has_transfer_encoding) {
        const std::size_t at = field_offset(facts.transfer_encoding_index);
        if (facts.has_content_length) {
            return fail(Reason::te_with_content_length, at);
        }
        if (!http11) {
            return fail(Reason::te_in_http10, at);
        }
        if (facts.transfer_encoding_problem) {
            return fail(facts.transfer_encoding_problem.reason,
                        field_offset(facts.transfer_encoding_problem.index));
        }
    }
    // RFC 9110 §8.6, RFC 9112 §6.1: no CL or TE in 1xx and 204. "Content-Length: 0" is
    // common and harmless there, so only a length that claims a body fails.
    const bool interim = status < 200;
    if (interim || status == 204) {
        if (facts.has_transfer_encoding) {
            return fail(Reason::invalid_response_framing, field_offset(facts.transfer_encoding_index));
        }
        if (facts.has_content_length && facts.content_length != 0) {
            return fail(Reason::invalid_response_framing, field_offset(facts.content_length_index));
        }
    }
    if (head_request_ || interim || status == 204 || status == 304) {
        head_.framing = BodyFraming::none;
        state_ = State::body_none;
    } else if (facts.has_transfer_encoding) {
        head_.framing = BodyFraming::chunked;
        decoder_.reset(limits_.max_header_size - reader_.field_bytes(),
                       limits_.max_fields - reader_.field_count());
        state_ = State::body_chunked;
    } else if (facts.has_content_length) {
        head_.framing = BodyFraming::content_length;
        head_.content_length = facts.content_length;
        body_left_ = facts.content_length;
        state_ = facts.content_length > 0 ? State::body_length : State::body_none;
    } else {
        head_.framing = BodyFraming::until_close;
        state_ = State::body_until_close;
    }
    head_.keep_alive = !facts.connection_close && (http11 || facts.connection_keep_alive) &&
                       head_.framing != BodyFraming::until_close;
    return make_step(Progress::head_done);
}

}  // namespace ringwall::http1
