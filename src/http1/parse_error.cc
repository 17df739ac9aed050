// src/http1/parse_error.cc: stable names for rejection reasons (logs, metrics, tests).
#include "http1/parse_error.h"

namespace ringwall::http1 {

std::string_view to_string(Reason reason) noexcept {
    switch (reason) {
        case Reason::none: return "none";
        case Reason::bare_cr: return "bare_cr";
        case Reason::bare_lf: return "bare_lf";
        case Reason::obs_fold: return "obs_fold";
        case Reason::space_before_colon: return "space_before_colon";
        case Reason::invalid_field_name: return "invalid_field_name";
        case Reason::invalid_field_value: return "invalid_field_value";
        case Reason::invalid_method: return "invalid_method";
        case Reason::invalid_target: return "invalid_target";
        case Reason::invalid_request_line: return "invalid_request_line";
        case Reason::invalid_version: return "invalid_version";
        case Reason::invalid_status_line: return "invalid_status_line";
        case Reason::missing_host: return "missing_host";
        case Reason::duplicate_host: return "duplicate_host";
        case Reason::invalid_host: return "invalid_host";
        case Reason::invalid_content_length: return "invalid_content_length";
        case Reason::duplicate_content_length: return "duplicate_content_length";
        case Reason::te_with_content_length: return "te_with_content_length";
        case Reason::chunked_not_final: return "chunked_not_final";
        case Reason::chunked_twice: return "chunked_twice";
        case Reason::unknown_transfer_coding: return "unknown_transfer_coding";
        case Reason::te_in_http10: return "te_in_http10";
        case Reason::invalid_chunk_size: return "invalid_chunk_size";
        case Reason::invalid_chunk_extension: return "invalid_chunk_extension";
        case Reason::missing_chunk_crlf: return "missing_chunk_crlf";
        case Reason::invalid_trailer: return "invalid_trailer";
        case Reason::request_line_too_long: return "request_line_too_long";
        case Reason::field_too_long: return "field_too_long";
        case Reason::header_too_large: return "header_too_large";
        case Reason::too_many_fields: return "too_many_fields";
        case Reason::body_too_large: return "body_too_large";
        case Reason::invalid_expect: return "invalid_expect";
        case Reason::truncated: return "truncated";
        case Reason::invalid_response_framing: return "invalid_response_framing";
        case Reason::invalid_transfer_encoding: return "invalid_transfer_encoding";
    }
    return "unknown";
}

}  // namespace ringwall::http1
