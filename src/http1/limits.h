// src/http1/limits.h: size and count limits applied by the HTTP/1.1 parsers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ringwall::http1 {

struct Limits {
    std::size_t max_request_line = 8 * 1024;  // 414 when exceeded (status line for responses)
    std::size_t max_field_size = 8 * 1024;    // one field line, name + value; 431
    std::size_t max_header_size = 32 * 1024;  // all field lines together, trailers too; 431
    std::size_t max_fields = 100;             // field lines in the head or trailers; 431
    std::uint64_t max_body_size = 1024 * 1024;  // decoded body bytes; 413
    std::size_t max_chunk_extension = 1024;   // per chunk-size line; 400

    // Small limits for tests and fuzzers, so that limit paths are reached quickly.
    static constexpr Limits small() noexcept {
        return Limits{.max_request_line = 64,
                      .max_field_size = 64,
                      .max_header_size = 256,
                      .max_fields = 8,
                      .max_body_size = 256,
                      .max_chunk_extension = 16};
    }
};

}  // namespace ringwall::http1
