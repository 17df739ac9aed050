// src/http1/field_facts.h: what the framing and connection fields of a head say
// (RFC 9110 §7.2, §7.6.1, §8.6, §10.1.1; RFC 9112 §6, §9.3), gathered in one pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "http1/message_head.h"
#include "http1/parse_error.h"

namespace ringwall::http1 {

// A rejected field: why, the status to answer, and which field line (index in the head).
struct FieldProblem {
    Reason reason = Reason::none;
    std::uint16_t status = 400;
    std::size_t index = 0;

    explicit operator bool() const noexcept { return reason != Reason::none; }
};

struct FieldFacts {
    std::size_t host_count = 0;
    std::size_t host_index = 0;         // first Host field line
    std::size_t second_host_index = 0;  // valid when host_count > 1

    bool has_content_length = false;
    std::size_t content_length_index = 0;
    std::uint64_t content_length = 0;
    FieldProblem content_length_problem;  // malformed list, or lines that differ

    bool has_transfer_encoding = false;
    std::size_t transfer_encoding_index = 0;
    bool chunked = false;  // chunked is the final coding and appears once
    // Precedence: malformed (400) > chunked twice (400) > chunked not final (400) >
    // a coding we do not implement (501).
    FieldProblem transfer_encoding_problem;

    bool connection_close = false;
    bool connection_keep_alive = false;
    bool connection_upgrade = false;
    bool has_upgrade = false;

    bool expects_continue = false;  // every Expect value is 100-continue, and there is one
    FieldProblem expect_problem;    // 417 for any other expectation
};

FieldFacts collect_field_facts(std::span<const Field> fields) noexcept;

}  // namespace ringwall::http1
