// src/server/http2_connection.cc: the HTTP/2 connection's loop, nghttp2's callbacks and the
// synchronous answers (respond routes, redirects, cached files).
#include "server/http2_connection.h"

#include <algorithm>
#include <array>

#include "io/ops.h"
#include "server/access_log.h"
#include "transport/tls_stream.h"
#include "server/worker.h"
#include "util/ascii.h"
#include "util/log.h"

namespace ringwall::server {
namespace {

// Frames are written into out_ up to this much before they go to the socket, so that a
// burst of small responses leaves in one send and a large one in several.
constexpr std::size_t out_high_water = 128 * 1024;
// PRIORITY frames mean nothing to us (RFC 9113 deprecates the scheme); a client may send a
// few per stream, but thousands are work for nothing.
constexpr std::uint32_t free_priority_frames = 100;
// The connection's own receive window: room for several streams' bodies at once.
constexpr std::int32_t connection_window = 16 * 1024 * 1024;

nghttp2_nv make_nv(std::string_view name, std::string_view value, std::uint8_t flags = NGHTTP2_NV_FLAG_NONE) noexcept {
    return nghttp2_nv{.name = reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                      .value = reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())),
                      .namelen = name.size(),
                      .valuelen = value.size(),
                      .flags = flags};
}

// "Date: Tue, 25 Nov 2026 08:00:00 GMT\r\n" → the value.
std::string_view field_value_of_line(std::string_view line) noexcept {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        return {};
    }
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
        value.remove_suffix(1);
    }
    return value;
}

// Names must go out in lowercase (RFC 9113 §8.2.1); configured and upstream ones may not be.
class LowercaseNames {
public:
    std::string_view add(std::string_view name) {
        bool lower = true;
        for (const char c : name) {
            lower = lower && !(c >= 'A' && c <= 'Z');
        }
        if (lower) {
            return name;
        }
        std::string& copy = copies_.emplace_back(name);
        for (char& c : copy) {
            c = util::to_lower(c);
        }
        return copy;
    }

private:
    std::deque<std::string> copies_;  // stable addresses
};

}  // namespace

// nghttp2's C callbacks, forwarded to the connection.
class Http2Callbacks {
public:
    static Http2Connection& self(void* user) noexcept { return *static_cast<Http2Connection*>(user); }

    static ssize_t send(nghttp2_session*, const std::uint8_t* data, std::size_t length, int, void* user) {
        Http2Connection& c = self(user);
        if (c.out_.size() >= out_high_water) {
            return NGHTTP2_ERR_WOULDBLOCK;
        }
        c.out_.append(reinterpret_cast<const char*>(data), length);
        return static_cast<ssize_t>(length);
    }

    // DATA payloads are copied once, from the stream's queue straight into out_.
    static int send_data(nghttp2_session*, nghttp2_frame* frame, const std::uint8_t* frame_head, std::size_t length,
                         nghttp2_data_source* source, void* user) {
        Http2Connection& c = self(user);
        if (c.out_.size() >= out_high_water) {
            return NGHTTP2_ERR_WOULDBLOCK;
        }
        auto* stream = static_cast<Http2Stream*>(source->ptr);
        c.out_.append(reinterpret_cast<const char*>(frame_head), 9);
        (void)frame;  // never padded: we install no padding callback
        std::size_t left = length;
        while (left > 0 && !stream->out.empty()) {
            OutgoingPiece& piece = stream->out.front();
            const std::size_t n = std::min(left, piece.bytes.size());
            c.out_.append(piece.bytes.data(), n);
            piece.bytes.remove_prefix(n);
            left -= n;
            stream->out_bytes -= n;
            stream->body_sent += n;
            if (piece.bytes.empty()) {
                stream->out.pop_front();
            }
        }
        c.notify(*stream);  // a handler waiting for room may queue more
        return 0;
    }

    static ssize_t read_body(nghttp2_session* session, std::int32_t stream_id, std::uint8_t*, std::size_t length,
                             std::uint32_t* flags, nghttp2_data_source* source, void*) {
        auto* stream = static_cast<Http2Stream*>(source->ptr);
        const std::size_t n = std::min(length, stream->out_bytes);
        if (n == 0 && !stream->out_ended) {
            return NGHTTP2_ERR_DEFERRED;
        }
        *flags |= NGHTTP2_DATA_FLAG_NO_COPY;
        if (n == stream->out_bytes && stream->out_ended) {
            *flags |= NGHTTP2_DATA_FLAG_EOF;
            if (!stream->trailers.empty()) {
                std::vector<nghttp2_nv> nva;
                for (const auto& [name, value] : stream->trailers) {
                    nva.push_back(make_nv(name, value));
                }
                if (nghttp2_submit_trailer(session, stream_id, nva.data(), nva.size()) == 0) {
                    *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
                }
            }
        }
        return static_cast<ssize_t>(n);
    }

    // Checks nghttp2 1.52 leaves out, made on the frame header before anything is decoded.
    static int begin_frame(nghttp2_session* session, const nghttp2_frame_hd* hd, void* user) {
        Http2Connection& c = self(user);
        if (hd->type == NGHTTP2_CONTINUATION && hd->length > c.pipeline_->config().http2.max_frame_size) {
            return c.connection_error(NGHTTP2_FRAME_SIZE_ERROR);  // RFC 9113 §4.2
        }
        if (hd->type == NGHTTP2_SETTINGS && (hd->flags & NGHTTP2_FLAG_ACK) == 0) {
            c.windows_before_settings_.clear();
            for (const auto& [id, stream] : c.streams_) {
                if (nghttp2_session_find_stream(session, id) != nullptr) {
                    c.windows_before_settings_.emplace_back(id, nghttp2_session_get_stream_remote_window_size(session, id));
                }
            }
        }
        if (hd->type == NGHTTP2_HEADERS && hd->stream_id > 0) {
            if (hd->stream_id > c.max_client_stream_) {
                c.max_client_stream_ = hd->stream_id;
            } else if (nghttp2_session_find_stream(session, hd->stream_id) == nullptr) {
                // RFC 9113 §5.1.1: a new stream's id must exceed every id the client has
                // used; a smaller one names a stream that is over, or one it skipped.
                return c.connection_error(NGHTTP2_PROTOCOL_ERROR);
            }
        }
        return 0;
    }

    static int begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
        Http2Connection& c = self(user);
        if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
            return 0;
        }
        const config::Http2& settings = c.pipeline_->config().http2;
        // Until the client acknowledges our SETTINGS it may open more streams than we allow;
        // they are refused rather than held.
        if (c.active_requests_ + c.tasks_ >= settings.max_concurrent_streams || c.draining_) {
            nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_REFUSED_STREAM);
            return 0;
        }
        auto stream = std::make_unique<Http2Stream>(frame->hd.stream_id);
        stream->pipeline = c.pipeline_;
        c.streams_.emplace(frame->hd.stream_id, std::move(stream));
        ++c.active_requests_;
        return 0;
    }

    static int header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t name_length,
                      const std::uint8_t* value, std::size_t value_length, std::uint8_t, void* user) {
        Http2Connection& c = self(user);
        Http2Stream* stream = c.find(frame->hd.stream_id);
        if (stream == nullptr || frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
            return 0;  // refused streams, and trailers, which are not forwarded
        }
        // Counted as SETTINGS_MAX_HEADER_LIST_SIZE defines it. Past the limit the block is
        // still decoded (HPACK state must stay in step) but nothing more is kept, so a
        // block of references to one large table entry costs no memory.
        stream->field_bytes += name_length + value_length + 32;
        if (stream->too_large || stream->field_bytes > c.pipeline_->config().http2.max_header_list_size) {
            stream->too_large = true;
            return 0;
        }
        const std::string_view n(reinterpret_cast<const char*>(name), name_length);
        const std::string_view v(reinterpret_cast<const char*>(value), value_length);
        if (!stream->fields.add(n, v)) {
            stream->malformed = true;
        }
        return 0;
    }

    static int frame_received(nghttp2_session*, const nghttp2_frame* frame, void* user) {
        Http2Connection& c = self(user);
        const bool end_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
        switch (frame->hd.type) {
            case NGHTTP2_HEADERS: {
                Http2Stream* stream = c.find(frame->hd.stream_id);
                if (stream == nullptr) {
                    break;
                }
                if (frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
                    c.end_of_headers(*stream, end_stream);
                } else if (end_stream) {
                    c.on_request_complete(*stream);  // trailers end the request
                }
                break;
            }
            case NGHTTP2_DATA: {
                if (frame->hd.length == 0 && !end_stream) {
                    c.glitch();  // an empty DATA frame carries nothing: only work for us
                }
                Http2Stream* stream = c.find(frame->hd.stream_id);
                if (stream != nullptr && end_stream) {
                    c.on_request_complete(*stream);
                }
                break;
            }
            case NGHTTP2_RST_STREAM: {
                const Http2Stream* stream = c.find(frame->hd.stream_id);
                // Cancelling a request before its answer went out is what rapid reset does.
                if (stream != nullptr && !stream->closed) {
                    c.glitch();
                }
                break;
            }
            case NGHTTP2_SETTINGS:
                if ((frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) {
                    return c.check_window_change(frame->settings);
                }
                break;
            case NGHTTP2_PRIORITY:
                if (++c.priority_frames_ > free_priority_frames) {
                    c.glitch();
                }
                break;
            default:
                break;
        }
        return 0;
    }

    static int data_chunk(nghttp2_session* session, std::uint8_t, std::int32_t stream_id, const std::uint8_t* data,
                          std::size_t length, void* user) {
        Http2Connection& c = self(user);
        Http2Stream* stream = c.find(stream_id);
        if (stream == nullptr || stream->discard_body) {
            nghttp2_session_consume(session, stream_id, length);
            if (stream != nullptr) {
                stream->body_received += length;
                if (stream->body_received > c.pipeline_->config().limits.max_body_size && !stream->answered) {
                    c.submit_error(*stream, 413);
                }
            }
            return 0;
        }
        stream->body_received += length;
        // The window we advertised bounds what can arrive here; credit is given back only
        // as the handler reads.
        stream->body_in.append(reinterpret_cast<const char*>(data), length);
        c.notify(*stream);
        return 0;
    }

    static int stream_closed(nghttp2_session*, std::int32_t stream_id, std::uint32_t, void* user) {
        Http2Connection& c = self(user);
        Http2Stream* stream = c.find(stream_id);
        if (stream == nullptr) {
            return 0;
        }
        if (!stream->request_ended && c.active_requests_ > 0) {
            --c.active_requests_;
        }
        stream->request_ended = true;
        stream->closed = true;
        c.notify(*stream);
        c.forget_if_done(*stream);
        return 0;
    }

    static int invalid_frame(nghttp2_session*, const nghttp2_frame*, int, void* user) {
        self(user).glitch();
        return 0;
    }
};

Http2Connection::Http2Connection(Worker& worker, int fd, io::RecvStream& recv, TlsStream* tls,
                                 std::string client_address)
    : worker_(worker), fd_(fd), recv_(recv), tls_(tls), client_address_(std::move(client_address)) {}

Http2Connection::~Http2Connection() {
    if (session_ != nullptr) {
        nghttp2_session_del(session_);
    }
}

bool Http2Connection::start_session() {
    const config::Http2& settings = pipeline_->config().http2;
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_option* option = nullptr;
    if (nghttp2_session_callbacks_new(&callbacks) != 0) {
        return false;
    }
    nghttp2_session_callbacks_set_send_callback(callbacks, &Http2Callbacks::send);
    nghttp2_session_callbacks_set_send_data_callback(callbacks, &Http2Callbacks::send_data);
    nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks, &Http2Callbacks::begin_frame);
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &Http2Callbacks::begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &Http2Callbacks::header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Http2Callbacks::frame_received);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Http2Callbacks::data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Http2Callbacks::stream_closed);
    nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks, &Http2Callbacks::invalid_frame);
    if (nghttp2_option_new(&option) != 0) {
        nghttp2_session_callbacks_del(callbacks);
        return false;
    }
    // Request bodies are credited back as handlers consume them, which bounds what a
    // stream can make us buffer to its window.
    nghttp2_option_set_no_auto_window_update(option, 1);
    nghttp2_option_set_max_continuations(option, settings.max_continuations);
    nghttp2_option_set_stream_reset_rate_limit(option, settings.stream_reset_burst, settings.stream_reset_rate);
    nghttp2_option_set_max_outbound_ack(option, settings.max_outbound_ack);
    nghttp2_option_set_max_settings(option, settings.max_settings);
    const int created = nghttp2_session_server_new2(&session_, callbacks, this, option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(callbacks);
    if (created != 0) {
        session_ = nullptr;
        return false;
    }
    const std::array<nghttp2_settings_entry, 5> entries{{
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, settings.max_concurrent_streams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, settings.initial_window_size},
        {NGHTTP2_SETTINGS_MAX_FRAME_SIZE, settings.max_frame_size},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, settings.max_header_list_size},
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
    }};
    if (nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, entries.data(), entries.size()) != 0) {
        return false;
    }
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                          std::max<std::int32_t>(connection_window,
                                                                 static_cast<std::int32_t>(settings.initial_window_size)));
    return true;
}

void Http2Connection::on_expire() noexcept {
    timed_out_ = true;
    recv_.interrupt();
}

void Http2Connection::begin_drain() noexcept {
    draining_ = true;
    recv_.interrupt();  // the reader sends GOAWAY and waits for the open streams to end
}

void Http2Connection::abort() noexcept {
    aborted_ = true;
    if (inflight_send_ != nullptr) {
        worker_.reactor().cancel(inflight_send_);
    }
    recv_.interrupt();
    wake();
}

void Http2Connection::SendDeadline::on_expire() noexcept {
    connection.send_timed_out_ = true;
    if (connection.inflight_send_ != nullptr) {
        connection.worker_.reactor().cancel(connection.inflight_send_);
    }
}

void Http2Connection::wake() noexcept {
    if (!writer_waiting_) {
        return;  // writing already: it asks nghttp2 again after this send
    }
    writer_waiting_ = false;
    if (in_reader_) {
        ready_.push_back(writer_);  // never inside nghttp2_session_mem_recv
    } else {
        writer_.resume();
    }
}

void Http2Connection::notify(Http2Stream& stream) noexcept {
    if (stream.waiter) {
        ready_.push_back(std::exchange(stream.waiter, {}));
    }
}

void Http2Connection::resume_ready() {
    while (!ready_.empty()) {
        std::vector<std::coroutine_handle<>> batch;
        batch.swap(ready_);
        for (std::coroutine_handle<> handle : batch) {
            handle.resume();
        }
    }
}

int Http2Connection::check_window_change(const nghttp2_settings& settings) noexcept {
    for (std::size_t i = 0; i < settings.niv; ++i) {
        if (settings.iv[i].settings_id != NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE) {
            continue;
        }
        const std::int64_t delta = static_cast<std::int64_t>(settings.iv[i].value) - peer_initial_window_;
        peer_initial_window_ = settings.iv[i].value;
        // RFC 9113 §6.9.2: a change that takes a stream's window past 2^31-1 is a
        // connection error (nghttp2 1.52 resets only the stream).
        for (const auto& [id, window] : windows_before_settings_) {
            if (window + delta > 0x7fffffff) {
                return connection_error(NGHTTP2_FLOW_CONTROL_ERROR);
            }
        }
    }
    return 0;
}

int Http2Connection::connection_error(std::uint32_t code) noexcept {
    nghttp2_session_terminate_session(session_, code);
    return NGHTTP2_ERR_CALLBACK_FAILURE;  // mem_recv stops here; the GOAWAY is flushed
}

void Http2Connection::glitch() noexcept {
    ++glitches_;
}

Http2Stream* Http2Connection::find(std::int32_t id) noexcept {
    const auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second.get();
}

void Http2Connection::forget_if_done(Http2Stream& stream) {
    if (stream.closed && !stream.has_task) {
        streams_.erase(stream.id);
    }
}

io::Task<io::RecvResult> Http2Connection::receive() {
    if (tls_ != nullptr) {
        co_return co_await tls_->next(inflight_send_);
    }
    co_return co_await recv_.next();
}

io::Task<bool> Http2Connection::send_bytes(std::string_view bytes) {
    if (tls_ != nullptr) {
        co_return co_await tls_->send(bytes, inflight_send_);
    }
    while (!bytes.empty()) {
        io::SendOp op(worker_.reactor(), fd_, bytes);
        inflight_send_ = &op;
        const int sent = co_await op;
        inflight_send_ = nullptr;
        if (sent <= 0) {
            co_return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    co_return true;
}

struct Http2Connection::WriterWait {
    Http2Connection& connection;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> writer) noexcept {
        connection.writer_ = writer;
        connection.writer_waiting_ = true;
    }
    void await_resume() const noexcept {}
};

io::Task<void> Http2Connection::write_loop() {
    for (;;) {
        const int queued = nghttp2_session_send(session_);
        if (out_.empty()) {
            if (queued != 0 || aborted_ || reader_done_ ||
                (nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0)) {
                break;
            }
            co_await WriterWait{*this};
            continue;
        }
        // The send deadline measures lack of progress: one full send of out_ must finish
        // within it. Reading goes on meanwhile, so floods are still counted.
        worker_.reactor().arm(send_deadline_, static_cast<std::uint64_t>(pipeline_->config().timeouts.send.count()));
        const bool ok = !aborted_ && !send_timed_out_ && co_await send_bytes(out_);
        send_deadline_.disarm();
        out_.clear();
        if (!ok || queued != 0) {
            break;
        }
        resume_ready();  // handlers that waited for room queue more before the next round
    }
    writer_done_ = true;
    recv_.interrupt();  // the reader decides what the end of writing means
    if (reader_waits_for_writer_) {
        std::exchange(reader_waits_for_writer_, {}).resume();  // last: the reader may end us all
    }
}

struct Http2Connection::WriterDone {
    Http2Connection& connection;
    bool await_ready() const noexcept { return connection.writer_done_; }
    void await_suspend(std::coroutine_handle<> reader) noexcept { connection.reader_waits_for_writer_ = reader; }
    void await_resume() const noexcept {}
};

bool Http2Connection::feed(std::string_view bytes) {
    const ssize_t read = nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                                  bytes.size());
    if (read < 0) {
        if (read == NGHTTP2_ERR_BAD_CLIENT_MAGIC) {
            // RFC 9113 §3.4: an invalid preface is a connection error.
            nghttp2_session_terminate_session(session_, NGHTTP2_PROTOCOL_ERROR);
        }
        RINGWALL_LOG(debug, std::string("http2: ") + nghttp2_strerror(static_cast<int>(read)));
        return false;
    }
    if (glitches_ > pipeline_->config().http2.max_glitches) {
        RINGWALL_LOG(info, "http2: " + client_address_ + " exceeded max_glitches; closing the connection");
        nghttp2_session_terminate_session(session_, NGHTTP2_ENHANCE_YOUR_CALM);
        return false;
    }
    for (Http2Stream* stream : to_start_) {
        start_task(*stream);
    }
    to_start_.clear();
    return true;
}

struct Http2Connection::TasksDone {
    Http2Connection& connection;
    bool await_ready() const noexcept { return connection.tasks_ == 0; }
    void await_suspend(std::coroutine_handle<> waiter) noexcept { connection.tasks_done_ = waiter; }
    void await_resume() const noexcept {}
};

io::Task<void> Http2Connection::run(std::string_view initial) {
    pipeline_ = worker_.pipeline();
    if (!start_session()) {
        co_return;
    }
    bool failed = !initial.empty() && !feed(initial);
    // One task writes whatever nghttp2 queues while this one reads: a peer that stops
    // reading cannot stop us from seeing (and counting) what it sends.
    worker_.reactor().spawn(write_loop());
    while (!failed && !aborted_ && !writer_done_) {
        resume_ready();
        if (draining_ && !goaway_sent_) {
            nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_),
                                  NGHTTP2_NO_ERROR, nullptr, 0);
            goaway_sent_ = true;
            wake();
        }
        if (draining_ && streams_.empty() && tasks_ == 0) {
            break;
        }
        if (nghttp2_session_want_read(session_) == 0) {
            break;
        }
        // No stream: the keep-alive deadline. Requests still arriving: the header deadline,
        // so a client cannot hold a stream open by trickling. Otherwise we are the ones
        // working, and the handlers keep their own deadlines.
        const config::Timeouts& timeouts = pipeline_->config().timeouts;
        if (streams_.empty()) {
            worker_.reactor().arm(*this, static_cast<std::uint64_t>(timeouts.keepalive.count()));
        } else if (active_requests_ > 0) {
            worker_.reactor().arm(*this, static_cast<std::uint64_t>(timeouts.header.count()));
        } else {
            disarm();
        }
        io::RecvResult received = co_await receive();
        if (received.kind == io::RecvResult::Kind::interrupted) {
            if (timed_out_ && !aborted_) {
                timed_out_ = false;
                nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
                break;
            }
            continue;  // a drain notice, or the writer ended
        }
        if (received.kind != io::RecvResult::Kind::data) {
            break;
        }
        disarm();
        in_reader_ = true;
        failed = !feed(received.buffer.bytes());  // on failure, the GOAWAY nghttp2 queued says why
        in_reader_ = false;
        wake();
    }
    disarm();
    // The writer sends what is queued (a GOAWAY, the last responses) and ends.
    reader_done_ = true;
    in_reader_ = false;
    wake();
    resume_ready();
    co_await WriterDone{*this};
    resume_ready();
    closed_ = true;
    // Handlers still running learn that the client is gone at their next step.
    for (auto& [id, stream] : streams_) {
        stream->closed = true;
        notify(*stream);
    }
    resume_ready();
    while (tasks_ > 0) {
        co_await TasksDone{*this};
        resume_ready();
    }
}

void Http2Connection::end_of_headers(Http2Stream& stream, bool end_stream) {
    if (stream.too_large) {
        glitch();
        submit_error(stream, 431);
    } else if (stream.fields.is_connect()) {
        // A tunnel through us is not something we offer (RFC 9113 §8.5).
        submit_error(stream, 501);
    } else if (stream.malformed || !stream.fields.build(stream.head)) {
        glitch();
        nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_PROTOCOL_ERROR);
        stream.answered = true;
    } else if (stream.head.framing == http1::BodyFraming::content_length &&
               stream.head.content_length > pipeline_->config().limits.max_body_size) {
        submit_error(stream, 413);
    } else {
        if (!end_stream && stream.head.framing == http1::BodyFraming::none) {
            stream.head.framing = http1::BodyFraming::chunked;  // a body of unknown length follows
        }
        stream.route = pipeline_->match(proxy::request_of(stream.head));
        if (stream.route != nullptr && stream.route->is_proxy()) {
            // The body streams to the backend as it arrives.
            stream.discard_body = false;
            stream.answered = true;
            stream.has_task = true;  // kept until the task has run, even if reset meanwhile
            to_start_.push_back(&stream);
        }
    }
    if (end_stream) {
        on_request_complete(stream);
    }
}

void Http2Connection::on_request_complete(Http2Stream& stream) {
    if (stream.request_ended) {
        return;
    }
    stream.request_ended = true;
    if (active_requests_ > 0) {
        --active_requests_;
    }
    notify(stream);
    if (!stream.answered) {
        answer(stream);
    }
}

void Http2Connection::answer(Http2Stream& stream) {
    stream.answered = true;
    proxy::Exchange& exchange = stream.exchange;
    exchange.request = proxy::request_of(stream.head);
    exchange.route = stream.route;
    if (stream.route != nullptr && stream.route->action() == config::Action::static_files) {
        proxy::StaticContext context;
        const bool in_memory =
            worker_.static_files_for(pipeline_)->respond(exchange, context) == proxy::StaticFiles::Step::answered &&
            std::none_of(exchange.segments.begin(), exchange.segments.end(),
                         [](const proxy::BodySegment& segment) { return segment.fd >= 0; });
        if (!in_memory) {
            exchange = proxy::Exchange{};
            stream.has_task = true;
            to_start_.push_back(&stream);
            return;
        }
    } else {
        pipeline_->respond(exchange);
    }
    submit_exchange(stream);
}

bool Http2Connection::submit_head(Http2Stream& stream, std::uint16_t status, std::span<const nghttp2_nv> fields,
                                  bool has_body) {
    stream.status = status;
    std::array<char, 4> status_text{};
    status_text[0] = static_cast<char>('0' + status / 100);
    status_text[1] = static_cast<char>('0' + status / 10 % 10);
    status_text[2] = static_cast<char>('0' + status % 10);
    std::vector<nghttp2_nv> nva;
    nva.reserve(fields.size() + 3);
    nva.push_back(make_nv(":status", std::string_view(status_text.data(), 3)));
    nva.push_back(make_nv("server", "ringwall"));
    nva.push_back(make_nv("date", field_value_of_line(worker_.date_line())));
    nva.insert(nva.end(), fields.begin(), fields.end());
    nghttp2_data_provider provider{};
    provider.source.ptr = &stream;
    provider.read_callback = &Http2Callbacks::read_body;
    const int rv = nghttp2_submit_response(session_, stream.id, nva.data(), nva.size(), has_body ? &provider : nullptr);
    return rv == 0;
}

void Http2Connection::submit_exchange(Http2Stream& stream, bool body_follows) {
    const proxy::Response& response = stream.exchange.response;
    LowercaseNames names;
    std::vector<nghttp2_nv> fields;
    std::string_view lines = response.fields;
    while (!lines.empty()) {
        const std::size_t end = lines.find("\r\n");
        const std::string_view line = lines.substr(0, end);
        lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 2);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        const std::string_view name = line.substr(0, colon);
        if (http2::is_connection_specific(name)) {
            continue;
        }
        fields.push_back(make_nv(names.add(name), field_value_of_line(line)));
    }
    const bool head_only = stream.head.method == "HEAD";
    bool has_body = body_follows && !head_only;
    if (!head_only) {
        if (!response.body.empty()) {
            queue_body(stream, response.body, false);
            has_body = true;
        }
        for (const proxy::BodySegment& segment : stream.exchange.segments) {
            if (!segment.bytes.empty()) {
                queue_body(stream, segment.bytes, false);
                has_body = true;
            }
        }
    }
    stream.out_ended = !body_follows;
    if (!submit_head(stream, response.status, fields, has_body)) {
        nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_INTERNAL_ERROR);
    }
    log_request(stream);
}

void Http2Connection::submit_error(Http2Stream& stream, std::uint16_t status) {
    stream.answered = true;
    stream.exchange = proxy::Exchange{};
    stream.exchange.response = pipeline_->error_response(status);
    stream.out.clear();
    stream.out_bytes = 0;
    submit_exchange(stream);
}

void Http2Connection::queue_body(Http2Stream& stream, std::string_view bytes, bool copy) {
    if (bytes.empty()) {
        return;
    }
    OutgoingPiece& piece = stream.out.emplace_back();
    if (copy) {
        piece.owned.assign(bytes);
        piece.bytes = piece.owned;
    } else {
        piece.bytes = bytes;
    }
    stream.out_bytes += bytes.size();
}

void Http2Connection::log_request(const Http2Stream& stream) {
    if (AccessLogFile::enabled()) {
        // Logged when the answer is decided, with the bytes it will carry.
        std::uint64_t bytes = stream.out_bytes + stream.body_sent;
        worker_.access_log().append(client_address_, stream.head, stream.status,
                                    stream.head.method == "HEAD" ? 0 : bytes, "HTTP/2.0");
    }
}

}  // namespace ringwall::server
