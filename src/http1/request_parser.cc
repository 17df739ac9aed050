// src/http1/request_parser.cc: request head state machine and body framing (RFC 9112).
#include "http1/request_parser.h"

#include <algorithm>
#include <utility>

#include "http1/field_facts.h"
#include "http1/field_rules.h"

namespace ringwall::http1 {

namespace {

// RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line.
// A few cover clients that add CRLF after a body; more is someone probing us.
constexpr std::uint8_t max_empty_lines = 4;

}  // namespace

RequestParser::RequestParser(const Limits& limits) noexcept : limits_(limits), decoder_(limits) {
    reader_.reset(limits_.max_field_size, limits_.max_header_size, limits_.max_fields);
}

void RequestParser::reset() noexcept {
    std::vector<Field> fields = std::move(head_.fields);  // keeps its capacity
    fields.clear();
    head_ = RequestHead{};
    head_.fields = std::move(fields);
    error_ = ParseError{};
    reader_.reset(limits_.max_field_size, limits_.max_header_size, limits_.max_fields);
    decoder_.reset();
    state_ = State::start;
    empty_lines_ = 0;
    path_is_default_ = false;
    skipped_ = 0;
    head_size_ = 0;
    body_left_ = 0;
    body_consumed_ = 0;
    method_ = target_ = path_ = query_ = target_authority_ = Part{};
}

void RequestParser::release_memory() noexcept {
    reset();
    reader_.release_memory();
    decoder_.release_memory();
    std::vector<Field>().swap(head_.fields);
}

const std::vector<Field>& RequestParser::trailers() const noexcept { return decoder_.trailers(); }

bool RequestParser::has_started() const noexcept {
    return state_ != State::start && state_ != State::start_cr;
}

Step RequestParser::fail(std::uint16_t status, Reason reason, std::size_t offset) noexcept {
    error_ = ParseError{.status = status, .offset = offset, .reason = reason};
    state_ = State::failed;
    return make_step(Progress::failed);
}

Step RequestParser::fail_from(const ParseError& error, std::size_t base) noexcept {
    return fail(error.status, error.reason, base + error.offset);
}

std::size_t RequestParser::field_offset(std::size_t index) const noexcept {
    return skipped_ + reader_.field_offset(index);
}

Step RequestParser::feed(std::string_view input) {
    switch (state_) {
        case State::start:
        case State::start_cr:
        case State::request_line:
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
                return fail_from(decoder_.error(), head_size_);
            }
            if (step.progress == Progress::message_done) {
                state_ = State::done;
            }
            return step;
        }
        case State::done:
            return make_step(Progress::message_done);
        case State::failed:
            return make_step(Progress::failed);
    }
    return make_step(Progress::failed);
}

Step RequestParser::finish() {
    switch (state_) {
        case State::failed:
            return make_step(Progress::failed);
        case State::start:
        case State::start_cr:
        case State::done:
            return Step{};
        case State::body_none:
            state_ = State::done;
            return make_step(Progress::message_done);
        case State::request_line:
        case State::fields:
            return fail(400, Reason::truncated, skipped_ + reader_.size());
        case State::body_length:
        case State::body_chunked:
            return fail(400, Reason::truncated, static_cast<std::size_t>(head_size_ + body_consumed_));
    }
    return make_step(Progress::failed);
}

Step RequestParser::parse_head(std::string_view input) {
    std::size_t pos = 0;
    while (state_ == State::start || state_ == State::start_cr) {
        if (pos == input.size()) {
            return make_step(Progress::need_more, pos);
        }
        const char c = input[pos];
        if (state_ == State::start_cr) {
            if (c != '\n') {
                return fail(400, Reason::bare_cr, skipped_ - 1);
            }
            ++pos;
            ++skipped_;
            ++empty_lines_;
            state_ = State::start;
        } else if (c == '\r') {
            if (empty_lines_ == max_empty_lines) {
                return fail(400, Reason::invalid_request_line, skipped_);
            }
            ++pos;
            ++skipped_;
            state_ = State::start_cr;
        } else if (c == '\n') {
            return fail(400, Reason::bare_lf, skipped_);
        } else {
            state_ = State::request_line;
        }
    }
    if (state_ == State::request_line) {
        const ParseError too_long{.status = 414, .offset = 0, .reason = Reason::request_line_too_long};
        const ReadStep read = reader_.read_line(input.substr(pos), limits_.max_request_line, too_long);
        pos += read.consumed;
        if (read.status == ReadStatus::need_more) {
            return make_step(Progress::need_more, pos);
        }
        if (read.status == ReadStatus::failed) {
            return fail_from(reader_.error(), skipped_);
        }
        if (!check_request_line()) {
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
        return fail_from(reader_.error(), skipped_);
    }
    Step step = complete_head();
    step.consumed = pos;
    return step;
}

// RFC 9112 §3: request-line = method SP request-target SP HTTP-version. A recipient MAY
// accept other whitespace as separators (§3); we do not: it is how front and back ends
// come to disagree about where the target ends.
bool RequestParser::check_request_line() {
    const std::string_view line = reader_.line();
    const std::size_t begin = reader_.line_offset();
    const std::size_t base = skipped_ + begin;
    const auto reject = [&](Reason reason, std::size_t at) {
        fail(400, reason, base + at);
        return false;
    };
    const std::size_t n = line.size();
    std::size_t i = 0;
    while (i < n && is_tchar(line[i])) {
        ++i;
    }
    if (i == 0 || i == n || line[i] != ' ') {
        if (i < n && line[i] == '\r') {
            return reject(Reason::bare_cr, i);
        }
        const bool separator = i == n || is_ows(line[i]);
        return reject(separator ? Reason::invalid_request_line : Reason::invalid_method, i);
    }
    const std::size_t method_size = i;
    const std::size_t target_begin = ++i;
    while (i < n && has_class(line[i], byte_class::target)) {
        ++i;
    }
    if (i == target_begin || i == n || line[i] != ' ') {
        if (i < n && line[i] == '\r') {
            return reject(Reason::bare_cr, i);
        }
        const bool separator = i == n || is_ows(line[i]);
        return reject(separator ? Reason::invalid_request_line : Reason::invalid_target, i);
    }
    const std::string_view version = line.substr(i + 1);
    if (version == "HTTP/1.1") {
        head_.version = Version::http11;
    } else if (version == "HTTP/1.0") {
        head_.version = Version::http10;
    } else {
        const std::size_t bad = version.find_first_of("\r \t");
        if (bad != std::string_view::npos) {
            return reject(version[bad] == '\r' ? Reason::bare_cr : Reason::invalid_request_line,
                          i + 1 + bad);
        }
        return reject(Reason::invalid_version, i + 1);
    }
    method_ = Part{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(method_size)};
    target_ = Part{static_cast<std::uint32_t>(begin + target_begin),
                   static_cast<std::uint32_t>(i - target_begin)};
    return check_target(line.substr(target_begin, i - target_begin), begin + target_begin,
                        method_size);
}

// RFC 9112 §3.2: which target form goes with which method.
bool RequestParser::check_target(std::string_view target, std::size_t target_begin,
                                 std::size_t method_size) {
    const std::string_view method = reader_.line().substr(0, method_size);
    const auto part = [target_begin](std::size_t at, std::size_t size) {
        return Part{static_cast<std::uint32_t>(target_begin + at), static_cast<std::uint32_t>(size)};
    };
    const auto reject = [&] {
        fail(400, Reason::invalid_target, skipped_ + target_begin);
        return false;
    };
    std::size_t path_begin = 0;
    if (method == "CONNECT") {
        if (!is_valid_authority_form(target)) {
            return reject();
        }
        head_.target_form = TargetForm::authority;
        target_authority_ = part(0, target.size());
        return true;
    }
    if (target == "*") {
        if (method != "OPTIONS") {
            return reject();
        }
        head_.target_form = TargetForm::asterisk;
        return true;
    }
    if (target.front() != '/') {
        // absolute-form: scheme "://" authority path-abempty [ "?" query ]
        std::size_t i = 0;
        if (!(target[0] >= 'a' && target[0] <= 'z') && !(target[0] >= 'A' && target[0] <= 'Z')) {
            return reject();
        }
        while (i < target.size() && has_class(target[i], byte_class::scheme)) {
            ++i;
        }
        if (target.substr(i, 3) != "://") {
            return reject();
        }
        const std::size_t authority_begin = i + 3;
        const std::size_t authority_end = std::min(target.find_first_of("/?", authority_begin), target.size());
        const std::string_view authority = target.substr(authority_begin, authority_end - authority_begin);
        // RFC 9110 §4.2.4: userinfo in an http(s) URI is to be treated as an error.
        if (authority.empty() || authority.find('@') != std::string_view::npos ||
            !is_valid_host(authority)) {
            return reject();
        }
        head_.target_form = TargetForm::absolute;
        target_authority_ = part(authority_begin, authority.size());
        path_begin = authority_end;
    }
    const std::size_t query = std::min(target.find('?', path_begin), target.size());
    path_ = part(path_begin, query - path_begin);
    path_is_default_ = query == path_begin;  // absolute-form with an empty path means "/"
    if (query < target.size()) {
        query_ = part(query + 1, target.size() - query - 1);
    }
    return true;
}

Step RequestParser::complete_head() {
    head_size_ = skipped_ + reader_.size();
    reader_.build_fields(head_.fields);
    const std::string_view arena = reader_.arena();
    const auto view = [arena](Part p) { return arena.substr(p.begin, p.size); };
    head_.method = view(method_);
    head_.target = view(target_);
    head_.path = path_is_default_ ? std::string_view("/") : view(path_);
    head_.query = view(query_);

    const FieldFacts facts = collect_field_facts(head_.fields);
    const bool http11 = head_.version == Version::http11;
    // RFC 9112 §3.2: 400 for a missing Host in HTTP/1.1, for more than one, or an invalid one.
    if (facts.host_count > 1) {
        return fail(400, Reason::duplicate_host, field_offset(facts.second_host_index));
    }
    if (facts.host_count == 0 && http11) {
        return fail(400, Reason::missing_host, head_size_ - 1);
    }
    std::string_view host;
    if (facts.host_count == 1) {
        host = head_.fields[facts.host_index].value;
        if (!is_valid_host(host)) {
            return fail(400, Reason::invalid_host, field_offset(facts.host_index));
        }
    }
    const bool target_has_authority =
        head_.target_form == TargetForm::absolute || head_.target_form == TargetForm::authority;
    head_.authority = target_has_authority ? view(target_authority_) : host;

    if (facts.content_length_problem) {
        const FieldProblem& p = facts.content_length_problem;
        return fail(p.status, p.reason, field_offset(p.index));
    }
    if (facts.has_transfer_encoding) {
        const std::size_t at = field_offset(facts.transfer_encoding_index);
        // RFC 9112 §6.1: TE in HTTP/1.0 MUST be treated as faulty framing.
        if (!http11) {
            return fail(400, Reason::te_in_http10, at);
        }
        // RFC 9112 §6.3 allows rejecting TE + CL; we do: it is the CL.TE / TE.CL vector.
        if (facts.has_content_length) {
            return fail(400, Reason::te_with_content_length, at);
        }
        if (facts.transfer_encoding_problem) {
            const FieldProblem& p = facts.transfer_encoding_problem;
            return fail(p.status, p.reason, field_offset(p.index));
        }
        head_.framing = BodyFraming::chunked;
    } else if (facts.has_content_length) {
        head_.framing = BodyFraming::content_length;
        head_.content_length = facts.content_length;
    }
    if (facts.expect_problem) {
        return fail(417, Reason::invalid_expect, field_offset(facts.expect_problem.index));
    }
    // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request is ignored.
    head_.expects_continue = facts.expects_continue && http11;
    // At head time, so that a client waiting on 100-continue gets 413 at once.
    if (head_.content_length > limits_.max_body_size) {
        return fail(413, Reason::body_too_large, field_offset(facts.content_length_index));
    }
    head_.keep_alive = !facts.connection_close && (http11 || facts.connection_keep_alive);
    head_.is_upgrade = facts.connection_upgrade && facts.has_upgrade;

    if (head_.framing == BodyFraming::chunked) {
        // DESIGN.md: trailers count against the header limits the head left over.
        decoder_.reset(limits_.max_header_size - reader_.field_bytes(),
                       limits_.max_fields - reader_.field_count());
        state_ = State::body_chunked;
    } else if (head_.content_length > 0) {
        body_left_ = head_.content_length;
        state_ = State::body_length;
    } else {
        state_ = State::body_none;
    }
    return make_step(Progress::head_done);
}

}  // namespace ringwall::http1
