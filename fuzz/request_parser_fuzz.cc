// fuzz/request_parser_fuzz.cc: RequestParser must give one verdict however its input is
// split, accept only what the grammar allows, and round-trip through the serializer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "http1/request_parser.h"
#include "http1/serializer.h"

namespace ringwall::http1::fuzzing {
namespace {

bool is_target(std::string_view t) {
    if (t.empty()) {
        return false;
    }
    for (char c : t) {
        if (!has_class(c, byte_class::target)) {
            return false;
        }
    }
    return true;
}

// An accepted HTTP/1.1 head, written back by our serializer, parses to the same head.
void check_round_trip(const Message& m, const Outcome& out) {
    if (m.version != Version::http11) {
        return;  // the serializer writes HTTP/1.1, which changes 1.0 semantics
    }
    std::vector<Field> fields;
    for (const testing::OwnedField& f : m.fields) {
        fields.push_back(Field{f.name, f.value});
    }
    std::string wire;
    check(append_request_head(wire, m.method, m.target, fields),
          "the serializer refused a head the parser accepted", out);
    RequestParser again(huge_limits());
    const Step step = again.feed(wire);
    check(step.progress == Progress::head_done && step.consumed == wire.size(),
          "a serialized head did not parse back", out);
    const Message back = testing::capture(again.head());
    check(back.method == m.method && back.target == m.target && back.fields == m.fields &&
              back.path == m.path && back.query == m.query && back.authority == m.authority &&
              back.framing == m.framing && back.content_length == m.content_length &&
              back.keep_alive == m.keep_alive && back.expects_continue == m.expects_continue,
          "a serialized head parsed back differently", out);
}

void check_messages(const Outcome& out, const Limits& limits) {
    for (const Message& m : out.messages) {
        check(is_token(m.method), "accepted a method that is not a token", out);
        check(is_target(m.target), "accepted a bad request-target", out);
        check_fields(m.fields, out);
        check_fields(m.trailers, out);
        check(m.body.size() <= limits.max_body_size, "body over max_body_size", out);
        if (m.complete && m.framing == BodyFraming::content_length) {
            check(m.body.size() == m.content_length, "body length differs from Content-Length", out);
        }
        if (m.framing == BodyFraming::none) {
            check(m.body.empty(), "body without framing", out);
        }
        if (m.version == Version::http11) {
            check(m.fields.size() > 0, "HTTP/1.1 request accepted without Host", out);
        }
        check_round_trip(m, out);
    }
    if (out.progress == Progress::failed) {
        const std::uint16_t s = out.error.status;
        check(out.error.reason != Reason::none &&
                  (s == 400 || s == 413 || s == 414 || s == 417 || s == 431 || s == 501),
              "failed with an unexpected status or no reason", out);
        check(out.eof == Progress::failed && out.eof_error == out.error,
              "finish() after failed changed the error", out);
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
        in, [&limits](const testing::Chunks& chunks) { return testing::parse_chunks(chunks, limits); });
    fuzzing::check_messages(whole, limits);
    return 0;
}
