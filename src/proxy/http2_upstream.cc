// src/proxy/http2_upstream.cc: an nghttp2 client session for one backend connection.
#include "proxy/http2_upstream.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>

namespace ringwall::proxy {

namespace {

nghttp2_nv nv(std::string_view name, std::string_view value) {
    // NO_COPY: the views outlive the submit call, which is all nghttp2 asks of them.
    return nghttp2_nv{.name = reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                      .value = reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())),
                      .namelen = name.size(),
                      .valuelen = value.size(),
                      .flags = NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

struct Http2UpstreamCallbacks {
    static Http2Upstream& self(void* user_data) { return *static_cast<Http2Upstream*>(user_data); }

    static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
        Http2Upstream& s = self(user_data);
        if (frame->hd.stream_id != s.stream_id_) {
            return 0;
        }
        if (s.final_head_seen_) {
            s.in_trailers_ = true;
        } else {
            s.response_.fields.clear();  // a final head after an interim one
        }
        return 0;
    }

    static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                         const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user_data) {
        Http2Upstream& s = self(user_data);
        if (frame->hd.stream_id != s.stream_id_) {
            return 0;
        }
        const std::string_view n(reinterpret_cast<const char*>(name), namelen);
        const std::string_view v(reinterpret_cast<const char*>(value), valuelen);
        if (n == ":status") {
            // nghttp2 has checked it is three digits.
            s.response_.status = static_cast<std::uint16_t>((v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0'));
            return 0;
        }
        if (n.starts_with(':')) {
            return 0;
        }
        auto& target = s.in_trailers_ ? s.response_.trailers : s.response_.fields;
        target.emplace_back(std::string(n), std::string(v));
        return 0;
    }

    static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
        Http2Upstream& s = self(user_data);
        if (frame->hd.type == NGHTTP2_GOAWAY) {
            s.goaway_ = true;
            // Streams above the last one the backend will process were never seen by it.
            if (s.stream_id_ > frame->goaway.last_stream_id && !s.response_.head_done) {
                s.response_.refused = true;
            }
            return 0;
        }
        if (frame->hd.stream_id != s.stream_id_ || s.stream_id_ < 0) {
            return 0;
        }
        if (frame->hd.type == NGHTTP2_HEADERS && !s.final_head_seen_ && s.response_.status >= 200) {
            s.final_head_seen_ = true;
            s.response_.head_done = true;
        }
        if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
            (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0 && s.final_head_seen_) {
            s.response_.ended = true;
        }
        return 0;
    }

    static int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t stream_id, const std::uint8_t* data,
                             std::size_t length, void* user_data) {
        Http2Upstream& s = self(user_data);
        if (stream_id == s.stream_id_) {
            s.response_.data.append(reinterpret_cast<const char*>(data), length);
        }
        return 0;
    }

    static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t error_code, void* user_data) {
        Http2Upstream& s = self(user_data);
        if (stream_id != s.stream_id_) {
            return 0;
        }
        if (!s.response_.ended) {
            s.response_.reset = true;
            s.response_.error_code = error_code;
            if (error_code == NGHTTP2_REFUSED_STREAM && !s.response_.head_done) {
                s.response_.refused = true;
            }
        }
        return 0;
    }

    // A connection error nghttp2 found in what the backend sent (it queues a GOAWAY).
    static int on_error(nghttp2_session*, int, const char*, std::size_t, void* user_data) {
        self(user_data).failed_ = true;
        return 0;
    }

    static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                             std::uint32_t* data_flags, nghttp2_data_source*, void* user_data) {
        Http2Upstream& s = self(user_data);
        if (s.body_.empty() && !s.body_end_) {
            return NGHTTP2_ERR_DEFERRED;
        }
        const std::size_t n = std::min(length, s.body_.size());
        if (n > 0) {
            std::memcpy(buf, s.body_.data(), n);
        }
        s.body_.remove_prefix(n);
        if (s.body_.empty() && s.body_end_) {
            *data_flags |= NGHTTP2_DATA_FLAG_EOF;
        }
        return static_cast<ssize_t>(n);
    }
};

Http2Upstream::Http2Upstream(std::uint32_t window) {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_option* option = nullptr;
    if (nghttp2_session_callbacks_new(&callbacks) != 0 || nghttp2_option_new(&option) != 0) {
        nghttp2_session_callbacks_del(callbacks);
        failed_ = true;
        return;
    }
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &Http2UpstreamCallbacks::on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &Http2UpstreamCallbacks::on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Http2UpstreamCallbacks::on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Http2UpstreamCallbacks::on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Http2UpstreamCallbacks::on_stream_close);
    nghttp2_session_callbacks_set_error_callback2(callbacks, &Http2UpstreamCallbacks::on_error);
    // The window opens only as the response moves on downstream (consumed()).
    nghttp2_option_set_no_auto_window_update(option, 1);
    const int made = nghttp2_session_client_new2(&session_, callbacks, this, option);
    nghttp2_session_callbacks_del(callbacks);
    nghttp2_option_del(option);
    if (made != 0) {
        session_ = nullptr;
        failed_ = true;
        return;
    }
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window},
    };
    if (nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings)) != 0 ||
        nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, static_cast<std::int32_t>(window)) !=
            0) {
        failed_ = true;
    }
}

Http2Upstream::~Http2Upstream() { nghttp2_session_del(session_); }

bool Http2Upstream::submit(std::string_view method, std::string_view scheme, std::string_view authority,
                           std::string_view path, std::span<const http1::Field> fields, bool has_body) {
    if (failed_ || goaway_) {
        return false;
    }
    response_ = Response{};
    final_head_seen_ = false;
    in_trailers_ = false;
    body_ = {};
    body_open_ = has_body;
    body_end_ = !has_body;
    std::vector<nghttp2_nv> nvs;
    nvs.reserve(fields.size() + 4);
    nvs.push_back(nv(":method", method));
    nvs.push_back(nv(":scheme", scheme));
    nvs.push_back(nv(":authority", authority));
    nvs.push_back(nv(":path", path));
    for (const http1::Field& f : fields) {
        nvs.push_back(nv(f.name, f.value));
    }
    nghttp2_data_provider provider{};
    provider.read_callback = &Http2UpstreamCallbacks::read_body;
    stream_id_ = nghttp2_submit_request(session_, nullptr, nvs.data(), nvs.size(), has_body ? &provider : nullptr,
                                        nullptr);
    return stream_id_ > 0;
}

void Http2Upstream::offer_body(std::string_view bytes, bool end) {
    body_ = bytes;
    body_end_ = end;
    if (session_ != nullptr && stream_id_ > 0) {
        nghttp2_session_resume_data(session_, stream_id_);
    }
}

bool Http2Upstream::feed(std::string_view bytes) {
    if (failed_) {
        return false;
    }
    const ssize_t n = nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                               bytes.size());
    if (n < 0 || static_cast<std::size_t>(n) != bytes.size()) {
        failed_ = true;
    }
    return !failed_;
}

bool Http2Upstream::take_output(std::string& out) {
    if (failed_) {
        return false;
    }
    for (;;) {
        const std::uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(session_, &data);
        if (n < 0) {
            failed_ = true;
            return false;
        }
        if (n == 0) {
            return true;
        }
        out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
}

void Http2Upstream::consumed(std::size_t bytes) {
    if (failed_ || bytes == 0) {
        return;
    }
    if (nghttp2_session_consume(session_, stream_id_, bytes) != 0) {
        nghttp2_session_consume_connection(session_, bytes);  // the stream is already closed
    }
}

bool Http2Upstream::reusable() const noexcept {
    return !failed_ && !goaway_ && response_.ended && !response_.reset && body_drained() &&
           nghttp2_session_want_read(session_) != 0;
}

}  // namespace ringwall::proxy
