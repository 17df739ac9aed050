// fuzz/http2_frames_fuzz.cc: client bytes (preface, frames, header blocks) through an
// nghttp2 server session set up with Ringwall's options, each request's fields through
// http2::RequestFields, and responses back out. Properties: nothing crashes or leaks, and
// a head that builds is one an HTTP/1.1 request line can carry unchanged (origin-form or
// "*", visible ASCII only, path and query splitting the target) with no field holding
// CR, LF or NUL.
#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "http2/request_fields.h"
#include "property.h"

namespace ringwall::fuzzing {
namespace {

constexpr std::size_t max_header_list_size = 32 * 1024;

struct Stream {
    http2::RequestFields fields;
    http1::RequestHead head;
    std::size_t field_bytes = 0;
    bool too_large = false;
    bool malformed = false;
};

struct Connection {
    std::string_view input;
    std::map<std::int32_t, std::unique_ptr<Stream>> streams;
    std::string body = "hello from the fuzzer\n";
};

void check_head(const http1::RequestHead& head, std::string_view input) {
    if (head.target.empty() || !(head.target.front() == '/' || head.target == "*")) {
        broken("target is neither origin-form nor *", input, head.target);
    }
    for (const char c : head.target) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f || c == '#') {
            broken("target holds a byte a request line cannot carry", input, head.target);
        }
    }
    std::string joined(head.path);
    if (!head.query.empty() || head.target.find('?') != std::string_view::npos) {
        joined += '?';
        joined += head.query;
    }
    if (joined != head.target) {
        broken("path and query do not make the target", input, head.target);
    }
    for (const http1::Field& field : head.fields) {
        for (const char c : field.value) {
            if (c == '\r' || c == '\n' || c == '\0') {
                broken("a field value holds CR, LF or NUL", input, field.value);
            }
        }
    }
}

ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buffer, std::size_t length, std::uint32_t* flags,
                  nghttp2_data_source* source, void*) {
    const auto* body = static_cast<const std::string*>(source->ptr);
    const std::size_t n = std::min(length, body->size());
    std::memcpy(buffer, body->data(), n);
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
}

int begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    auto& c = *static_cast<Connection*>(user);
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST && c.streams.size() < 256) {
        c.streams[frame->hd.stream_id] = std::make_unique<Stream>();
    }
    return 0;
}

int header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t name_length,
           const std::uint8_t* value, std::size_t value_length, std::uint8_t, void* user) {
    auto& c = *static_cast<Connection*>(user);
    const auto it = c.streams.find(frame->hd.stream_id);
    if (it == c.streams.end() || frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
        return 0;
    }
    Stream& s = *it->second;
    s.field_bytes += name_length + value_length + 32;
    if (s.too_large || s.field_bytes > max_header_list_size) {
        s.too_large = true;
        return 0;
    }
    if (!s.fields.add({reinterpret_cast<const char*>(name), name_length},
                      {reinterpret_cast<const char*>(value), value_length})) {
        s.malformed = true;
    }
    return 0;
}

int frame_received(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto& c = *static_cast<Connection*>(user);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
        return 0;
    }
    const auto it = c.streams.find(frame->hd.stream_id);
    if (it == c.streams.end()) {
        return 0;
    }
    Stream& s = *it->second;
    if (s.too_large || s.malformed || s.fields.is_connect() || !s.fields.build(s.head)) {
        nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_PROTOCOL_ERROR);
        return 0;
    }
    check_head(s.head, c.input);
    const nghttp2_nv status{.name = reinterpret_cast<std::uint8_t*>(const_cast<char*>(":status")),
                            .value = reinterpret_cast<std::uint8_t*>(const_cast<char*>("200")),
                            .namelen = 7,
                            .valuelen = 3,
                            .flags = NGHTTP2_NV_FLAG_NONE};
    nghttp2_data_provider provider{};
    provider.source.ptr = &c.body;
    provider.read_callback = &read_body;
    nghttp2_submit_response(session, frame->hd.stream_id, &status, 1, &provider);
    return 0;
}

int data_chunk(nghttp2_session* session, std::uint8_t, std::int32_t stream_id, const std::uint8_t*, std::size_t length,
               void*) {
    nghttp2_session_consume(session, stream_id, length);
    return 0;
}

int stream_closed(nghttp2_session*, std::int32_t stream_id, std::uint32_t, void* user) {
    static_cast<Connection*>(user)->streams.erase(stream_id);
    return 0;
}

}  // namespace
}  // namespace ringwall::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ringwall::fuzzing;
    Connection connection;
    connection.input = std::string_view(reinterpret_cast<const char*>(data), size);
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &frame_received);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &stream_closed);
    nghttp2_option* option = nullptr;
    nghttp2_option_new(&option);
    nghttp2_option_set_no_auto_window_update(option, 1);
    nghttp2_option_set_max_continuations(option, 8);
    nghttp2_option_set_max_outbound_ack(option, 1000);
    nghttp2_option_set_max_settings(option, 32);
    nghttp2_session* session = nullptr;
    nghttp2_session_server_new2(&session, callbacks, &connection, option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(callbacks);
    const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 128},
                                              {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, max_header_list_size}};
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, 2);
    // Fed in uneven pieces, as a socket would deliver it.
    std::size_t at = 0;
    std::size_t piece = 1;
    while (at < size) {
        const std::size_t n = std::min(piece, size - at);
        if (nghttp2_session_mem_recv(session, data + at, n) < 0) {
            break;
        }
        const std::uint8_t* out = nullptr;
        while (nghttp2_session_mem_send(session, &out) > 0) {
        }
        at += n;
        piece = piece * 3 + 1;
    }
    nghttp2_session_del(session);
    return 0;
}
