// src/http1/chunked_decoder.h: incremental decoder for the chunked transfer coding
// (RFC 9112 §7.1), shared by the request and response parsers and usable alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "http1/head_reader.h"
#include "http1/limits.h"
#include "http1/message_head.h"
#include "http1/parse_error.h"
#include "http1/step.h"

namespace ringwall::http1 {

// Grammar, strictly:
//   chunk-size  1 to 16 HEXDIG (no sign, no "0x", no spaces; more digits -> 400 even when
//               they are leading zeros: it bounds the work per line)
//   chunk-ext   *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ), at most
//               limits.max_chunk_extension bytes per line, not kept; no trailing BWS
//   line ends   CRLF exactly; a bare LF is bare_lf, CR + other is bare_cr (after chunk
//               data: missing_chunk_crlf)
//   trailers    field lines as strict as a head, then CRLF; Content-Length,
//               Transfer-Encoding and Host are refused there (invalid_trailer) so that no
//               later stage can mistake them for framing or routing
// The body is limited to limits.max_body_size decoded bytes: a chunk-size that would pass
// it fails with 413 as soon as its last digit is seen.
class ChunkedDecoder {
public:
    explicit ChunkedDecoder(const Limits& limits) noexcept;

    // Call with the bytes after those already consumed. Returns:
    //   body_data    - `body` is the next piece of chunk data, pointing into `input`
    //   need_more    - every input byte was consumed (framing or trailers)
    //   message_done - the last chunk and the trailer section ended; bytes after the final
    //                  CRLF are not consumed. Later calls return message_done, consumed 0
    //   failed       - error() says why; offsets count from the decoder's first byte.
    //                  Every later call returns failed.
    Step feed(std::string_view input);

    // Starts a new body with the full trailer budget of the limits.
    void reset() noexcept;
    // Starts a new body whose trailers may use only what the head left of the header
    // limits (DESIGN.md: trailers count against the header limits).
    void reset(std::size_t trailer_bytes, std::size_t trailer_fields) noexcept;
    void release_memory() noexcept;

    // Valid after message_done, until reset() or destruction. Views into the decoder.
    const std::vector<Field>& trailers() const noexcept { return trailers_; }
    const ParseError& error() const noexcept { return error_; }
    std::uint64_t body_size() const noexcept { return body_size_; }  // chunk data so far
    bool has_started() const noexcept { return offset_ != 0; }
    bool is_done() const noexcept { return state_ == State::done; }

private:
    enum class State : std::uint8_t {
        size_start,
        size,
        size_ws,          // BWS after the size: only ';' may follow
        ext_before_name,  // after ';'
        ext_name,
        ext_after_name,   // BWS after a name: '=' or ';'
        ext_before_value,
        ext_token,
        ext_quoted,
        ext_quoted_pair,
        ext_after_quote,  // right after the closing quote
        ext_after_value,  // BWS after a value: only ';'
        line_lf,
        data,
        data_cr,
        data_lf,
        trailers,
        done,
        failed,
    };

    Step fail(Reason reason, std::uint64_t offset, std::uint16_t status = 400) noexcept;
    bool take_framing_byte(char c, std::uint64_t offset);
    Step read_trailers(std::string_view input, std::size_t pos);

    Limits limits_;
    HeadReader trailer_reader_;
    std::vector<Field> trailers_;
    ParseError error_;
    State state_ = State::size_start;
    std::uint64_t offset_ = 0;      // bytes consumed since reset
    std::uint64_t body_size_ = 0;   // decoded bytes, including the chunk being read
    std::uint64_t chunk_size_ = 0;
    std::uint64_t chunk_left_ = 0;
    std::uint64_t trailer_start_ = 0;
    std::size_t size_digits_ = 0;
    std::size_t extension_size_ = 0;
    std::size_t trailer_bytes_ = 0;
    std::size_t trailer_fields_ = 0;
};

}  // namespace ringwall::http1
