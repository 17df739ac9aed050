// tests/http1/expect_splits.h: gtest glue over split_helpers.h: parse an input whole, then
// check that every split of it gives exactly the same outcome.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string_view>

#include "http1/split_helpers.h"

namespace ringwall::http1 {

// Readable gtest failure messages for our enums (found by ADL).
inline void PrintTo(Reason reason, std::ostream* os) { *os << to_string(reason); }
inline void PrintTo(Progress progress, std::ostream* os) { *os << testing::to_string(progress); }

namespace testing {

// Returns the whole-input outcome after checking that no split changes it in any way
// (verdict, error offset, heads, body bytes, trailers, finish()).
template <typename Parse>
Outcome expect_split_invariant(std::string_view input, Parse parse) {
    const Outcome whole = parse(Chunks{input});
    EXPECT_EQ(whole.violation, "") << describe(whole);
    for_each_split(input, [&](const Chunks& chunks) {
        const Outcome split = parse(chunks);
        if (split == whole) {
            return true;
        }
        ADD_FAILURE() << "split changed the outcome, " << describe(chunks)
                      << "\n  whole: " << describe(whole) << "\n  split: " << describe(split);
        return false;
    });
    return whole;
}

inline Outcome request_outcome(std::string_view input, const Limits& limits = Limits{}) {
    return expect_split_invariant(
        input, [&limits](const Chunks& chunks) { return parse_chunks(chunks, limits); });
}

inline Outcome response_outcome(std::string_view input, const Limits& limits = Limits{},
                                bool response_to_head = false) {
    return expect_split_invariant(input, [&](const Chunks& chunks) {
        return parse_response_chunks(chunks, limits, response_to_head);
    });
}

inline Outcome decoder_outcome(std::string_view input, const Limits& limits = Limits{}) {
    return expect_split_invariant(
        input, [&limits](const Chunks& chunks) { return decode_chunks(chunks, limits); });
}

// A table row for inputs that must be rejected.
struct Rejection {
    std::string_view name;
    std::string_view input;
    std::uint16_t status;
    Reason reason;
};

}  // namespace testing
}  // namespace ringwall::http1
