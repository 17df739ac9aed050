// tests/http1/split_helpers.h: drives the HTTP/1 codecs over chunked input and records
// everything they report, so that every split of an input can be compared with the whole.
// Free of gtest: the fuzz targets use it too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "http1/chunked_decoder.h"
#include "http1/limits.h"
#include "http1/message_head.h"
#include "http1/parse_error.h"
#include "http1/request_parser.h"
#include "http1/response_parser.h"
#include "http1/step.h"

namespace ringwall::http1::testing {

using Chunks = std::vector<std::string_view>;

struct OwnedField {
    std::string name;
    std::string value;
    friend bool operator==(const OwnedField&, const OwnedField&) = default;
};

// A message as the caller saw it, copied out of the parser.
struct Message {
    std::string method;  // request only
    std::string target;
    TargetForm target_form = TargetForm::origin;
    std::string path;
    std::string query;
    std::string authority;
    bool expects_continue = false;
    bool is_upgrade = false;
    std::uint16_t status = 0;  // response only
    std::string reason;
    Version version = Version::http11;
    std::vector<OwnedField> fields;
    BodyFraming framing = BodyFraming::none;
    std::uint64_t content_length = 0;
    bool keep_alive = false;
    std::string body;
    std::vector<OwnedField> trailers;
    bool complete = false;  // message_done was seen
    friend bool operator==(const Message&, const Message&) = default;
};

struct Outcome {
    // failed; message_done when the last message completed and nothing of another has
    // arrived; need_more otherwise.
    Progress progress = Progress::need_more;
    ParseError error;
    std::vector<Message> messages;
    Progress eof = Progress::need_more;  // what finish() said after the last chunk
    ParseError eof_error;
    std::string leftover;   // decoder only: bytes after message_done, never consumed
    std::string violation;  // a broken feed() contract; empty when all is well
    friend bool operator==(const Outcome&, const Outcome&) = default;
};

inline std::vector<OwnedField> own(const std::vector<Field>& fields) {
    std::vector<OwnedField> out;
    for (const Field& f : fields) {
        out.push_back(OwnedField{std::string(f.name), std::string(f.value)});
    }
    return out;
}

inline Message capture(const RequestHead& head) {
    Message m;
    m.method = head.method;
    m.target = head.target;
    m.target_form = head.target_form;
    m.path = head.path;
    m.query = head.query;
    m.authority = head.authority;
    m.expects_continue = head.expects_continue;
    m.is_upgrade = head.is_upgrade;
    m.version = head.version;
    m.fields = own(head.fields);
    m.framing = head.framing;
    m.content_length = head.content_length;
    m.keep_alive = head.keep_alive;
    return m;
}

inline Message capture(const ResponseHead& head) {
    Message m;
    m.status = head.status;
    m.reason = head.reason;
    m.version = head.version;
    m.fields = own(head.fields);
    m.framing = head.framing;
    m.content_length = head.content_length;
    m.keep_alive = head.keep_alive;
    return m;
}

// The server's loop: feed, drop `consumed`, act; reset() after each message_done.
template <typename Parser>
Outcome drive(Parser& parser, const Chunks& chunks) {
    Outcome out;
    bool failed = false;
    bool in_message = false;  // head_done seen, message_done not yet
    for (std::string_view input : chunks) {
        for (int rounds = 0; !failed; ++rounds) {
            if (rounds > 100000) {
                out.violation = "feed() made no progress";
                return out;
            }
            const Step step = parser.feed(input);
            if (step.consumed > input.size()) {
                out.violation = "consumed more than the input";
                return out;
            }
            input.remove_prefix(step.consumed);
            if (step.progress == Progress::need_more) {
                if (!input.empty()) {
                    out.violation = "need_more left input unconsumed";
                    return out;
                }
                break;
            }
            switch (step.progress) {
                case Progress::head_done:
                    if (in_message) {
                        out.violation = "head_done twice";
                        return out;
                    }
                    in_message = true;
                    out.messages.push_back(capture(parser.head()));
                    break;
                case Progress::body_data:
                    if (!in_message || step.body.empty()) {
                        out.violation = "body_data outside a message, or empty";
                        return out;
                    }
                    out.messages.back().body.append(step.body);
                    break;
                case Progress::message_done:
                    if (!in_message) {
                        out.violation = "message_done without head_done";
                        return out;
                    }
                    in_message = false;
                    out.messages.back().trailers = own(parser.trailers());
                    out.messages.back().complete = true;
                    parser.reset();
                    break;
                case Progress::failed:
                    failed = true;
                    out.error = parser.error();
                    break;
                case Progress::need_more:
                    break;
            }
        }
    }
    if (failed) {
        out.progress = Progress::failed;
    } else if (!in_message && !parser.has_started() && !out.messages.empty()) {
        out.progress = Progress::message_done;
    }
    const Step eof = parser.finish();
    out.eof = eof.progress;
    out.eof_error = parser.error();
    if (eof.progress == Progress::message_done && in_message) {
        out.messages.back().trailers = own(parser.trailers());
        out.messages.back().complete = true;
    }
    return out;
}

inline Outcome parse_chunks(const Chunks& chunks, const Limits& limits = Limits{}) {
    RequestParser parser(limits);
    return drive(parser, chunks);
}

inline Outcome parse_response_chunks(const Chunks& chunks, const Limits& limits = Limits{},
                                     bool response_to_head = false) {
    ResponseParser parser(limits);
    parser.expect_response_to_head(response_to_head);
    return drive(parser, chunks);
}

// The decoder alone: one message whose body and trailers are the decoded ones.
inline Outcome decode_chunks(const Chunks& chunks, const Limits& limits = Limits{}) {
    ChunkedDecoder decoder(limits);
    Outcome out;
    out.messages.emplace_back();
    Message& m = out.messages.back();
    for (std::string_view input : chunks) {
        while (!input.empty() && out.progress != Progress::failed) {
            if (m.complete) {
                out.leftover.append(input);
                break;
            }
            const Step step = decoder.feed(input);
            if (step.consumed > input.size()) {
                out.violation = "consumed more than the input";
                return out;
            }
            input.remove_prefix(step.consumed);
            if (step.progress == Progress::need_more) {
                if (!input.empty()) {
                    out.violation = "need_more left input unconsumed";
                }
                break;
            }
            if (step.progress == Progress::body_data) {
                if (step.body.empty()) {
                    out.violation = "empty body_data";
                    return out;
                }
                m.body.append(step.body);
            } else if (step.progress == Progress::message_done) {
                m.complete = true;
                m.trailers = own(decoder.trailers());
                out.progress = Progress::message_done;
            } else if (step.progress == Progress::failed) {
                out.progress = Progress::failed;
                out.error = decoder.error();
                break;
            }
        }
    }
    return out;
}

inline std::string describe(const Chunks& chunks) {
    std::string s = "chunks:";
    for (std::string_view c : chunks) {
        s += ' ';
        s += std::to_string(c.size());
    }
    return s;
}

inline std::string_view to_string(Progress p) {
    switch (p) {
        case Progress::need_more: return "need_more";
        case Progress::head_done: return "head_done";
        case Progress::body_data: return "body_data";
        case Progress::message_done: return "message_done";
        case Progress::failed: return "failed";
    }
    return "?";
}

inline std::string describe(const Outcome& o) {
    std::string s = std::string(to_string(o.progress));
    if (o.progress == Progress::failed) {
        s += " " + std::to_string(o.error.status) + " " + std::string(http1::to_string(o.error.reason)) +
             " @" + std::to_string(o.error.offset);
    }
    s += ", " + std::to_string(o.messages.size()) + " message(s)";
    for (const Message& m : o.messages) {
        s += " [" + m.method + " " + m.target + " " + std::to_string(m.status) + " body " +
             std::to_string(m.body.size()) + (m.complete ? " complete" : "") + "]";
    }
    s += ", eof " + std::string(to_string(o.eof));
    if (!o.violation.empty()) {
        s += ", VIOLATION " + o.violation;
    }
    return s;
}

// Calls fn(chunks) with the whole input, every 2-way split, one byte per chunk, and for
// inputs up to `max_three_way` bytes every 3-way split. If fn returns bool, false stops.
template <typename Fn>
void for_each_split(std::string_view input, Fn&& fn, std::size_t max_three_way = 48) {
    const auto call = [&fn](const Chunks& chunks) {
        if constexpr (std::is_same_v<std::invoke_result_t<Fn&, const Chunks&>, bool>) {
            return fn(chunks);
        } else {
            fn(chunks);
            return true;
        }
    };
    if (!call(Chunks{input})) {
        return;
    }
    const std::size_t n = input.size();
    for (std::size_t i = 1; i < n; ++i) {
        if (!call(Chunks{input.substr(0, i), input.substr(i)})) {
            return;
        }
    }
    if (n > 2) {
        Chunks bytes;
        for (std::size_t i = 0; i < n; ++i) {
            bytes.push_back(input.substr(i, 1));
        }
        if (!call(bytes)) {
            return;
        }
    }
    if (n <= max_three_way) {
        for (std::size_t i = 1; i < n; ++i) {
            for (std::size_t j = i + 1; j < n; ++j) {
                if (!call(Chunks{input.substr(0, i), input.substr(i, j - i), input.substr(j)})) {
                    return;
                }
            }
        }
    }
}

}  // namespace ringwall::http1::testing
