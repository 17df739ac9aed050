// fuzz/chunked_decoder_fuzz.cc: ChunkedDecoder against itself split (STYLE.md §10) and
// against a reference decoder below, written separately over the whole buffer: find each
// line's end first, then judge the line, instead of a byte-at-a-time state machine.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "http1/chunked_decoder.h"
#include "util/ascii.h"

namespace ringwall::http1::fuzzing {
namespace {

constexpr std::size_t npos = std::string_view::npos;

struct Reference {
    Outcome out;
    std::string_view in;
    Limits limits;

    Outcome& fail(Reason reason, std::size_t at, std::uint16_t status = 400) {
        out.progress = Progress::failed;
        out.error = ParseError{.status = status, .offset = at, .reason = reason};
        return out;
    }
    Outcome& need_more() {
        out.progress = Progress::need_more;
        return out;
    }
};

struct ExtError {
    std::size_t at = npos;  // index into the extension bytes; == size means "at the line end"
    bool in_size = false;   // before the first ';': the size itself is malformed
};

// chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ). `complete`
// says whether the line end follows `s`; when it does not, running out is not an error.
ExtError check_extension(std::string_view s, bool complete) {
    const std::size_t n = s.size();
    std::size_t p = 0;
    const auto skip_ws = [&] {
        while (p < n && is_ows(s[p])) {
            ++p;
        }
    };
    const auto end_or = [&](ExtError e) { return (p == n && !complete) ? ExtError{} : e; };
    skip_ws();
    if (p == n) {
        return p == 0 ? ExtError{} : end_or(ExtError{p, true});
    }
    if (s[p] != ';') {
        return ExtError{p, true};
    }
    for (;;) {
        ++p;  // the ';'
        skip_ws();
        const std::size_t name = p;
        while (p < n && is_tchar(s[p])) {
            ++p;
        }
        if (p == name) {
            return end_or(ExtError{p});
        }
        std::size_t mark = p;
        skip_ws();
        if (p == n) {
            return p == mark ? ExtError{} : end_or(ExtError{p});
        }
        if (s[p] == '=') {
            ++p;
            skip_ws();
            if (p == n) {
                return end_or(ExtError{p});
            }
            if (s[p] == '"') {
                for (++p;; ++p) {
                    if (p == n) {
                        return end_or(ExtError{p});
                    }
                    if (s[p] == '"') {
                        ++p;
                        break;
                    }
                    if (s[p] == '\\') {
                        ++p;
                        if (p == n) {
                            return end_or(ExtError{p});
                        }
                        if (!is_field_char(s[p])) {
                            return ExtError{p};
                        }
                    } else if (!has_class(s[p], byte_class::qdtext)) {
                        return ExtError{p};
                    }
                }
            } else {
                const std::size_t value = p;
                while (p < n && is_tchar(s[p])) {
                    ++p;
                }
                if (p == value) {
                    return ExtError{p};
                }
            }
            mark = p;
            skip_ws();
            if (p == n) {
                return p == mark ? ExtError{} : end_or(ExtError{p});
            }
        }
        if (s[p] != ';') {
            return ExtError{p};
        }
    }
}

// A field line's content (no CRLF): error reason and index, or none.
std::pair<Reason, std::size_t> check_field_line(std::string_view line) {
    if (is_ows(line.front())) {
        return {Reason::obs_fold, 0};
    }
    const std::size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (!is_tchar(name[i])) {
            const char c = name[i];
            return {c == '\r' ? Reason::bare_cr : is_ows(c) ? Reason::space_before_colon : Reason::invalid_field_name, i};
        }
    }
    if (colon == npos || colon == 0) {
        return {Reason::invalid_field_name, name.size()};
    }
    for (std::size_t i = colon + 1; i < line.size(); ++i) {
        if (!is_field_char(line[i])) {
            return {line[i] == '\r' ? Reason::bare_cr : Reason::invalid_field_value, i};
        }
    }
    return {Reason::none, 0};
}

Outcome& read_trailers(Reference& r, std::size_t pos) {
    const std::string_view in = r.in;
    std::size_t used = 0;
    std::size_t count = 0;
    std::vector<std::pair<std::size_t, std::string_view>> names;
    std::vector<testing::OwnedField> trailers;  // reported only once the section is done
    for (;;) {
        const std::size_t remaining = r.limits.max_header_size - used;
        const std::size_t window =
            std::max<std::size_t>(2, std::min(r.limits.max_field_size + 2, remaining));
        const std::string_view room = in.substr(pos, window);
        const std::size_t lf = room.find('\n');
        if (lf == npos) {
            if (room.size() < window) {
                return r.need_more();
            }
            const bool field = r.limits.max_field_size + 2 <= remaining;
            return r.fail(field ? Reason::field_too_long : Reason::header_too_large,
                          pos + window - 1, 431);
        }
        if (lf == 0 || room[lf - 1] != '\r') {
            return r.fail(Reason::bare_lf, pos + lf);
        }
        const std::string_view line = room.substr(0, lf - 1);
        if (line.empty()) {
            for (const auto& [at, name] : names) {
                if (util::iequals(name, "content-length") || util::iequals(name, "transfer-encoding") ||
                    util::iequals(name, "host")) {
                    return r.fail(Reason::invalid_trailer, at);
                }
            }
            r.out.progress = Progress::message_done;
            r.out.messages[0].complete = true;
            r.out.messages[0].trailers = std::move(trailers);
            r.out.leftover = std::string(in.substr(pos + lf + 1));
            return r.out;
        }
        if (count == r.limits.max_fields) {
            return r.fail(Reason::too_many_fields, pos, 431);
        }
        const auto [reason, at] = check_field_line(line);
        if (reason != Reason::none) {
            return r.fail(reason, pos + at);
        }
        const std::size_t colon = line.find(':');
        names.emplace_back(pos, line.substr(0, colon));
        trailers.push_back(testing::OwnedField{
            std::string(line.substr(0, colon)), std::string(trim_ows(line.substr(colon + 1)))});
        ++count;
        used += line.size() + 2;
        pos += lf + 1;
    }
}

Outcome reference_decode(std::string_view in, const Limits& limits) {
    Reference r{.out = {}, .in = in, .limits = limits};
    r.out.messages.emplace_back();
    std::string& body = r.out.messages[0].body;
    std::size_t pos = 0;
    for (;;) {
        if (pos == in.size()) {
            return r.need_more();
        }
        if (!is_hexdig(in[pos])) {
            return r.fail(in[pos] == '\n' ? Reason::bare_lf : Reason::invalid_chunk_size, pos);
        }
        std::size_t end = pos;
        std::uint64_t size = 0;
        while (end < in.size() && is_hexdig(in[end])) {
            if (end - pos == 16) {
                return r.fail(Reason::invalid_chunk_size, end);
            }
            size = size * 16 + hex_value(in[end]);
            ++end;
        }
        if (end == in.size()) {
            return r.need_more();
        }
        if (size > limits.max_body_size - body.size()) {
            return r.fail(Reason::body_too_large, end, 413);
        }
        const std::size_t line_end = in.find_first_of("\r\n", end);
        const bool complete = line_end != npos;
        const std::string_view ext = in.substr(end, complete ? line_end - end : npos);
        const ExtError e = check_extension(ext, complete);
        const Reason ext_reason = e.in_size ? Reason::invalid_chunk_size : Reason::invalid_chunk_extension;
        // A byte after the size that cannot start an extension is a bad size, not an
        // extension byte: it fails whatever the extension limit.
        if (e.at == 0 && e.in_size && !ext.empty()) {
            return r.fail(Reason::invalid_chunk_size, end);
        }
        if (e.at != npos && e.at < ext.size() && e.at < limits.max_chunk_extension) {
            return r.fail(ext_reason, end + e.at);
        }
        if (ext.size() > limits.max_chunk_extension) {
            return r.fail(Reason::invalid_chunk_extension, end + limits.max_chunk_extension);
        }
        if (!complete) {
            return r.need_more();
        }
        if (in[line_end] == '\n') {
            return r.fail(Reason::bare_lf, line_end);
        }
        if (e.at != npos) {
            return r.fail(ext_reason, line_end);
        }
        if (line_end + 1 == in.size()) {
            return r.need_more();
        }
        if (in[line_end + 1] != '\n') {
            return r.fail(Reason::bare_cr, line_end);
        }
        pos = line_end + 2;
        if (size == 0) {
            return read_trailers(r, pos);
        }
        const std::string_view data = in.substr(pos, static_cast<std::size_t>(std::min<std::uint64_t>(size, in.size() - pos)));
        body.append(data);
        pos += data.size();
        if (data.size() < size) {
            return r.need_more();
        }
        for (char expected : {'\r', '\n'}) {
            if (pos == in.size()) {
                return r.need_more();
            }
            if (in[pos] != expected) {
                return r.fail(Reason::missing_chunk_crlf, pos);
            }
            ++pos;
        }
    }
}

}  // namespace
}  // namespace ringwall::http1::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ringwall::http1;
    fuzzing::Input in;
    if (!fuzzing::split_input(data, size, in)) {
        return 0;
    }
    const Limits limits = fuzzing::pick_limits(in);
    const testing::Outcome whole = fuzzing::check_splits(
        in, [&limits](const testing::Chunks& chunks) { return testing::decode_chunks(chunks, limits); });
    const testing::Outcome reference = fuzzing::reference_decode(in.bytes, limits);
    if (!(reference == whole)) {
        fuzzing::die("the decoder and the reference disagree", whole, reference);
    }
    fuzzing::check_fields(whole.messages.at(0).trailers, whole);
    return 0;
}
