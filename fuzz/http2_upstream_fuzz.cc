// fuzz/http2_upstream_fuzz.cc: backend bytes into the proxy's HTTP/2 client session
// (proxy::Http2Upstream) while it sends a request with a body, passing the response on
// as the exchange does. Properties: nothing crashes or leaks; what it holds of a response
// never exceeds the window it advertised; a failed session stays failed; a response that
// ended is never also reset.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "property.h"
#include "proxy/http2_upstream.h"

namespace ringwall::fuzzing {
namespace {

// Small, so the fuzzer reaches flow control with short inputs.
constexpr std::uint32_t window = 4096;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view whole(reinterpret_cast<const char*>(data), size);
    std::string_view input = whole;
    const auto property = [&](bool ok, const char* what) { check(ok, what, whole); };
    proxy::Http2Upstream client(window);
    const http1::Field fields[] = {{"te", "trailers"}, {"content-type", "application/grpc"}};
    if (!client.submit("POST", "http", "backend", "/pkg.Service/Method", fields, true)) {
        return 0;
    }
    const std::string body(10'000, 'q');
    client.offer_body(body, true);
    std::string output;
    // The backend's bytes arrive in pieces whose sizes the first bytes choose.
    bool failed = false;
    while (!input.empty()) {
        output.clear();
        if (!client.take_output(output)) {
            property(client.failed(), "take_output fails only on a failed session");
            failed = true;
        }
        const std::size_t piece = std::min<std::size_t>(input.size(), 1 + static_cast<unsigned char>(input[0]) * 4);
        const bool fed = client.feed(input.substr(0, piece));
        input.remove_prefix(piece);
        if (failed) {
            property(!fed, "a failed session refuses further input");
        }
        failed = failed || !fed;
        proxy::Http2Upstream::Response& response = client.response();
        property(response.data.size() <= window, "no more response data held than the window allows");
        property(!(response.ended && response.reset), "a stream either ends or is reset");
        client.consumed(response.data.size());
        response.data.clear();
    }
    if (failed) {
        property(!client.reusable(), "a failed session is never pooled");
    }
    return 0;
}

}  // namespace ringwall::fuzzing
