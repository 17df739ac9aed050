// tests/proxy/http2_upstream_test.cc: the HTTP/2 client session toward backends, against
// a real nghttp2 server session: requests as the backend sees them, responses with
// trailers, flow control both ways, refusals and broken input.
#include "proxy/http2_upstream.h"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <map>
#include <string>
#include <vector>

namespace ringwall::proxy {
namespace {

// A backend: an nghttp2 server session that records what it receives.
class Backend {
public:
    explicit Backend(std::uint32_t window = 65'535) {
        nghttp2_session_callbacks* cb = nullptr;
        nghttp2_session_callbacks_new(&cb);
        nghttp2_session_callbacks_set_on_header_callback(
            cb, [](nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                   const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* self) {
                auto& b = *static_cast<Backend*>(self);
                b.stream = frame->hd.stream_id;
                b.fields.emplace_back(std::string(reinterpret_cast<const char*>(name), namelen),
                                      std::string(reinterpret_cast<const char*>(value), valuelen));
                return 0;
            });
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(
            cb, [](nghttp2_session*, std::uint8_t, std::int32_t, const std::uint8_t* data, std::size_t len, void* self) {
                static_cast<Backend*>(self)->body.append(reinterpret_cast<const char*>(data), len);
                return 0;
            });
        nghttp2_session_callbacks_set_on_frame_recv_callback(cb, [](nghttp2_session*, const nghttp2_frame* frame,
                                                                    void* self) {
            if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
                static_cast<Backend*>(self)->request_ended = true;
            }
            return 0;
        });
        nghttp2_session_server_new(&session, cb, this);
        nghttp2_session_callbacks_del(cb);
        const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window}};
        nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, 1);
    }
    ~Backend() { nghttp2_session_del(session); }

    std::string field(const std::string& name) const {
        for (const auto& [n, v] : fields) {
            if (n == name) {
                return v;
            }
        }
        return "(absent)";
    }

    // Answers the stream: head, then `data` (with END_STREAM unless trailers follow).
    void respond(const std::string& status, std::string data,
                 std::vector<std::pair<std::string, std::string>> trailers = {}) {
        response_data = std::move(data);
        response_trailers = std::move(trailers);
        response_status = status;
        std::vector<nghttp2_nv> nva{make_nv(":status", response_status), make_nv("content-type", "application/grpc")};
        nghttp2_data_provider provider{};
        provider.read_callback = [](nghttp2_session* s, std::int32_t id, std::uint8_t* buf, std::size_t length,
                                    std::uint32_t* flags, nghttp2_data_source*, void* self) -> ssize_t {
            auto& b = *static_cast<Backend*>(self);
            const std::size_t n = std::min(length, b.response_data.size() - b.sent);
            std::copy_n(b.response_data.data() + b.sent, n, buf);
            b.sent += n;
            if (b.sent == b.response_data.size()) {
                *flags |= NGHTTP2_DATA_FLAG_EOF;
                if (!b.response_trailers.empty()) {
                    *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
                    std::vector<nghttp2_nv> t;
                    for (auto& [n2, v2] : b.response_trailers) {
                        t.push_back(make_nv(n2, v2));
                    }
                    nghttp2_submit_trailer(s, id, t.data(), t.size());
                }
            }
            return static_cast<ssize_t>(n);
        };
        nghttp2_submit_response(session, stream, nva.data(), nva.size(), &provider);
    }

    // Views: the strings must outlive the submit call (literals, or the members above).
    static nghttp2_nv make_nv(std::string_view name, std::string_view value) {
        return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
                          value.size(), NGHTTP2_NV_FLAG_NONE};
    }

    nghttp2_session* session = nullptr;
    std::int32_t stream = 0;
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;
    bool request_ended = false;
    std::string response_data;
    std::string response_status;
    std::vector<std::pair<std::string, std::string>> response_trailers;
    std::size_t sent = 0;
};

// Moves bytes both ways until neither side has anything to say.
void pump(Http2Upstream& client, Backend& backend) {
    for (int round = 0; round < 100; ++round) {
        std::string out;
        ASSERT_TRUE(client.take_output(out));
        if (!out.empty()) {
            ASSERT_EQ(nghttp2_session_mem_recv(backend.session, reinterpret_cast<const std::uint8_t*>(out.data()),
                                               out.size()),
                      static_cast<ssize_t>(out.size()));
        }
        std::string in;
        const std::uint8_t* data = nullptr;
        for (ssize_t n; (n = nghttp2_session_mem_send(backend.session, &data)) > 0;) {
            in.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
        }
        if (!in.empty()) {
            ASSERT_TRUE(client.feed(in));
        }
        if (out.empty() && in.empty()) {
            return;
        }
    }
}

TEST(Http2Upstream, SendsTheRequestAsTheBackendExpects) {
    Http2Upstream client(256 * 1024);
    Backend backend;
    const std::vector<http1::Field> fields{{"te", "trailers"}, {"x-forwarded-for", "192.0.2.1"}};
    ASSERT_TRUE(client.submit("POST", "http", "api.internal", "/pkg.Svc/Call?x=1", fields, false));
    pump(client, backend);
    EXPECT_EQ(backend.field(":method"), "POST");
    EXPECT_EQ(backend.field(":scheme"), "http");
    EXPECT_EQ(backend.field(":authority"), "api.internal");
    EXPECT_EQ(backend.field(":path"), "/pkg.Svc/Call?x=1");
    EXPECT_EQ(backend.field("te"), "trailers");
    EXPECT_EQ(backend.field("x-forwarded-for"), "192.0.2.1");
    EXPECT_TRUE(backend.request_ended);  // no body: END_STREAM on HEADERS
}

TEST(Http2Upstream, CollectsHeadDataAndTrailers) {
    Http2Upstream client(256 * 1024);
    Backend backend;
    ASSERT_TRUE(client.submit("GET", "https", "a", "/", {}, false));
    pump(client, backend);
    backend.respond("200", "hello", {{"grpc-status", "0"}, {"grpc-message", "fine"}});
    pump(client, backend);
    const Http2Upstream::Response& r = client.response();
    EXPECT_TRUE(r.head_done);
    EXPECT_EQ(r.status, 200);
    ASSERT_EQ(r.fields.size(), 1U);
    EXPECT_EQ(r.fields[0], (std::pair<std::string, std::string>{"content-type", "application/grpc"}));
    EXPECT_EQ(r.data, "hello");
    EXPECT_EQ(r.trailers, (std::vector<std::pair<std::string, std::string>>{{"grpc-status", "0"},
                                                                              {"grpc-message", "fine"}}));
    EXPECT_TRUE(r.ended);
    EXPECT_FALSE(r.reset);
    EXPECT_TRUE(client.reusable());
}

TEST(Http2Upstream, SendsTheBodyOnlyAsTheBackendsWindowAllows) {
    Http2Upstream client(256 * 1024);
    Backend backend(65'535);
    ASSERT_TRUE(client.submit("POST", "http", "a", "/upload", {}, true));
    const std::string body(100'000, 'b');
    client.offer_body(body, true);
    // The backend reads but never opens its window beyond the initial 65,535 bytes.
    nghttp2_session_set_local_window_size(backend.session, NGHTTP2_FLAG_NONE, 0, 1 << 20);
    std::string out;
    ASSERT_TRUE(client.take_output(out));
    ASSERT_GT(nghttp2_session_mem_recv(backend.session, reinterpret_cast<const std::uint8_t*>(out.data()), out.size()),
              0);
    EXPECT_EQ(backend.body.size(), 65'535U);
    EXPECT_TRUE(client.body_pending());
    pump(client, backend);  // nghttp2 acknowledges what it consumed: the window opens
    EXPECT_EQ(backend.body, body);
    EXPECT_TRUE(backend.request_ended);
    EXPECT_TRUE(client.body_drained());
}

TEST(Http2Upstream, HoldsNoMoreThanItsWindowUntilConsumed) {
    Http2Upstream client(16 * 1024);
    Backend backend;
    ASSERT_TRUE(client.submit("GET", "http", "a", "/big", {}, false));
    pump(client, backend);
    backend.respond("200", std::string(50'000, 'x'));
    pump(client, backend);
    EXPECT_EQ(client.response().data.size(), 16U * 1024);  // the rest waits at the backend
    std::size_t total = 0;
    for (int i = 0; i < 10 && !client.response().ended; ++i) {
        total += client.response().data.size();
        client.consumed(client.response().data.size());
        client.response().data.clear();
        pump(client, backend);
    }
    total += client.response().data.size();
    EXPECT_EQ(total, 50'000U);
    EXPECT_TRUE(client.response().ended);
}

TEST(Http2Upstream, ARefusedStreamMayBeRetried) {
    Http2Upstream client(256 * 1024);
    Backend backend;
    ASSERT_TRUE(client.submit("GET", "http", "a", "/", {}, false));
    pump(client, backend);
    nghttp2_submit_rst_stream(backend.session, NGHTTP2_FLAG_NONE, backend.stream, NGHTTP2_REFUSED_STREAM);
    pump(client, backend);
    EXPECT_TRUE(client.response().reset);
    EXPECT_TRUE(client.response().refused);
    EXPECT_FALSE(client.reusable());
}

TEST(Http2Upstream, GoawayBelowOurStreamRefusesItAndEndsTheConnection) {
    Http2Upstream client(256 * 1024);
    Backend backend;
    ASSERT_TRUE(client.submit("GET", "http", "a", "/", {}, false));
    std::string out;
    ASSERT_TRUE(client.take_output(out));  // HEADERS leave, but the backend never reads them
    nghttp2_submit_goaway(backend.session, NGHTTP2_FLAG_NONE, 0, NGHTTP2_NO_ERROR, nullptr, 0);
    std::string in;
    const std::uint8_t* data = nullptr;
    for (ssize_t n; (n = nghttp2_session_mem_send(backend.session, &data)) > 0;) {
        in.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    ASSERT_TRUE(client.feed(in));
    EXPECT_TRUE(client.response().refused);
    EXPECT_FALSE(client.accepts_requests());
    EXPECT_FALSE(client.submit("GET", "http", "a", "/again", {}, false));
}

TEST(Http2Upstream, GarbageFromTheBackendFailsTheConnection) {
    Http2Upstream client(256 * 1024);
    ASSERT_TRUE(client.submit("GET", "http", "a", "/", {}, false));
    EXPECT_FALSE(client.feed("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"));
    EXPECT_TRUE(client.failed());
    EXPECT_FALSE(client.reusable());
    std::string out;
    EXPECT_FALSE(client.take_output(out));
}

TEST(Http2Upstream, AnInterimHeadIsNotTheResponse) {
    Http2Upstream client(256 * 1024);
    Backend backend;
    ASSERT_TRUE(client.submit("GET", "http", "a", "/", {}, false));
    pump(client, backend);
    const nghttp2_nv interim[] = {Backend::make_nv(":status", "103"), Backend::make_nv("link", "</a.css>")};
    nghttp2_submit_headers(backend.session, NGHTTP2_FLAG_NONE, backend.stream, nullptr, interim, 2, nullptr);
    pump(client, backend);
    EXPECT_FALSE(client.response().head_done);
    backend.respond("204", "");
    pump(client, backend);
    EXPECT_TRUE(client.response().head_done);
    EXPECT_EQ(client.response().status, 204);
    ASSERT_EQ(client.response().fields.size(), 1U);  // the 103's link field is gone
    EXPECT_EQ(client.response().fields[0].first, "content-type");
}

}  // namespace
}  // namespace ringwall::proxy
