// bench/http1_parser_bench.cc: ns per message for the HTTP/1 parsers: a small GET, a
// 40-field browser-like request, a chunked upload, pipelined GETs and a small response.
// Run: http1_parser_bench [--benchmark_filter=...]; it prints the machine and inputs.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "http1/request_parser.h"
#include "http1/response_parser.h"

namespace {

using ringwall::http1::Limits;
using ringwall::http1::Progress;
using ringwall::http1::RequestParser;
using ringwall::http1::ResponseParser;
using ringwall::http1::Step;

const std::string small_get =
    "GET /index.html HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "User-Agent: wrk/4.2.0\r\n"
    "Accept: */*\r\n"
    "Accept-Encoding: gzip, deflate\r\n"
    "Connection: keep-alive\r\n"
    "\r\n";

std::string forty_fields() {
    std::string s =
        "GET /assets/app.min.js?v=20261125 HTTP/1.1\r\n"
        "Host: www.example.com\r\n"
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Safari/537.36\r\n"
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        "Accept-Language: en-US,en;q=0.9\r\n"
        "Accept-Encoding: gzip, deflate, br\r\n"
        "Referer: https://www.example.com/index.html\r\n"
        "Cookie: session=3f2a9c0b7d1e4f5a6b7c8d9e0f1a2b3c; theme=dark; consent=yes\r\n"
        "Connection: keep-alive\r\n";
    for (int i = 0; s.size() < 4000 && i < 32; ++i) {
        s += "X-Custom-Header-" + std::to_string(i) + ": value-" + std::to_string(i * 7919) + "-abcdefghij\r\n";
    }
    return s + "\r\n";
}

std::string chunked_upload() {
    std::string s = "POST /upload HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(1024, 'x');
    for (int i = 0; i < 8; ++i) {
        s += "400\r\n" + chunk + "\r\n";
    }
    return s + "0\r\nX-Checksum: 1234\r\n\r\n";
}

// One whole message per iteration through the server's loop; returns body bytes seen.
template <typename Parser>
std::size_t parse_one(Parser& parser, std::string_view input) {
    std::size_t body = 0;
    for (;;) {
        const Step step = parser.feed(input);
        input.remove_prefix(step.consumed);
        if (step.progress == Progress::body_data) {
            body += step.body.size();
        } else if (step.progress == Progress::message_done) {
            parser.reset();
            return body;
        } else if (step.progress != Progress::head_done) {
            std::abort();  // the inputs are valid: anything else is a bug
        }
    }
}

void run_requests(benchmark::State& state, const std::string& input, int per_input = 1) {
    RequestParser parser{Limits{}};
    for (auto _ : state) {
        std::string_view rest = input;
        for (int i = 0; i < per_input; ++i) {
            const std::size_t before = rest.size();
            RequestParser* p = &parser;
            benchmark::DoNotOptimize(parse_one(*p, rest));
            benchmark::DoNotOptimize(p->head().fields.data());
            rest.remove_prefix(before - rest.size());
        }
    }
    state.SetItemsProcessed(state.iterations() * per_input);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
}

void BM_SmallGet(benchmark::State& state) { run_requests(state, small_get); }
BENCHMARK(BM_SmallGet);

// The head arrives in two reads: the slow path that assembles a line across inputs.
void BM_SmallGetSplit(benchmark::State& state) {
    RequestParser parser{Limits{}};
    const std::string_view first = std::string_view(small_get).substr(0, 40);
    const std::string_view second = std::string_view(small_get).substr(40);
    for (auto _ : state) {
        benchmark::DoNotOptimize(parser.feed(first));
        benchmark::DoNotOptimize(parser.feed(second));
        benchmark::DoNotOptimize(parser.feed({}));
        parser.reset();
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(small_get.size()));
}
BENCHMARK(BM_SmallGetSplit);

void BM_FortyFields(benchmark::State& state) { run_requests(state, forty_fields()); }
BENCHMARK(BM_FortyFields);

void BM_ChunkedUpload8KiB(benchmark::State& state) { run_requests(state, chunked_upload()); }
BENCHMARK(BM_ChunkedUpload8KiB);

void BM_Pipelined16SmallGets(benchmark::State& state) {
    std::string input;
    for (int i = 0; i < 16; ++i) {
        input += small_get;
    }
    run_requests(state, input, 16);
}
BENCHMARK(BM_Pipelined16SmallGets);

void BM_SmallResponse(benchmark::State& state) {
    const std::string input =
        "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Tue, 25 Nov 2026 02:41:00 GMT\r\n"
        "Content-Type: text/plain\r\nContent-Length: 100\r\nConnection: keep-alive\r\n\r\n" +
        std::string(100, 'b');
    ResponseParser parser{Limits{}};
    for (auto _ : state) {
        benchmark::DoNotOptimize(parse_one(parser, input));
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
}
BENCHMARK(BM_SmallResponse);

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    benchmark::AddCustomContext("small_get_bytes", std::to_string(small_get.size()));
    benchmark::AddCustomContext("forty_fields_bytes", std::to_string(forty_fields().size()));
    benchmark::AddCustomContext("chunked_upload_bytes", std::to_string(chunked_upload().size()));
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
