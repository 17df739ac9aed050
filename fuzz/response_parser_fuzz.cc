// fuzz/response_parser_fuzz.cc: ResponseParser must give one verdict however its input is
// split, accept only what the grammar allows, and round-trip through the serializer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "http1/response_parser.h"
#include "http1/serializer.h"

namespace ringwall::http1::fuzzing {
namespace {

void check_round_trip(const Message& m, bool response_to_head, const Outcome& out) {
    if (m.version != Version::http11) {
        return;
    }
    std::vector<Field> fields;
    for (const testing::OwnedField& f : m.fields) {
        fields.push_back(Field{f.name, f.value});
    }
    std::string wire;
    check(append_response_head(wire, m.status, fields),
          "the serializer refused a head the parser accepted", out);
    ResponseParser again(huge_limits());
    again.expect_response_to_head(response_to_head);
    const Step step = again.feed(wire);
    check(step.progress == Progress::head_done && step.consumed == wire.size(),
          "a serialized head did not parse back", out);
    const Message back = testing::capture(again.head());
    check(back.status == m.status && back.fields == m.fields && back.framing == m.framing &&
              back.content_length == m.content_length && back.keep_alive == m.keep_alive,
          "a serialized head parsed back differently", out);
}

void check_messages(const Outcome& out, bool response_to_head) {
    for (std::size_t i = 0; i < out.messages.size(); ++i) {
        const Message& m = out.messages[i];
        check(m.status >= 100 && m.status <= 599, "accepted a status outside 100-599", out);
        check(is_field_value(m.reason), "accepted a reason phrase with CTL", out);
        check_fields(m.fields, out);
        check_fields(m.trailers, out);
        const bool no_body = m.status < 200 || m.status == 204 || m.status == 304;
        if (no_body) {
            check(m.framing == BodyFraming::none && m.body.empty(), "body on a 1xx/204/304", out);
        }
        if (m.complete && m.framing == BodyFraming::content_length) {
            check(m.body.size() == m.content_length, "body length differs from Content-Length", out);
        }
        // Only the first response and those after interim ones answer the HEAD request.
        bool answers_head = response_to_head;
        for (std::size_t j = 0; j < i; ++j) {
            answers_head = answers_head && out.messages[j].status < 200;
        }
        check_round_trip(m, answers_head, out);
    }
    if (out.progress == Progress::failed) {
        check(out.error.reason != Reason::none && out.error.status == 502,
              "failed without a reason or with a status other than 502", out);
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
    const bool response_to_head = (in.ctl[2] & 4) != 0;
    const testing::Outcome whole = fuzzing::check_splits(in, [&](const testing::Chunks& chunks) {
        return testing::parse_response_chunks(chunks, limits, response_to_head);
    });
    fuzzing::check_messages(whole, response_to_head);
    return 0;
}
